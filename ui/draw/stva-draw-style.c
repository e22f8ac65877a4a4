/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colours and fonts of the studio's figures.  Emotion colours follow Okabe and Ito's palette,
 * which stays distinguishable for the common colour-vision deficiencies.
 */
#include <string.h>

#include "stva-draw.h"

static const double okabe_ito[8][3] = {
  { 0.60, 0.60, 0.60 },   /* neutral: grey */
  { 0.90, 0.62, 0.00 },   /* joy: orange */
  { 0.34, 0.71, 0.91 },   /* surprise: sky blue */
  { 0.84, 0.37, 0.00 },   /* anger: vermillion */
  { 0.00, 0.45, 0.70 },   /* sadness: blue */
  { 0.00, 0.62, 0.45 },   /* disgust: bluish green */
  { 0.80, 0.47, 0.65 },   /* fear: reddish purple */
  { 0.85, 0.85, 0.85 },   /* unlabelled */
};

static void
init_common (StvaDrawStyle *style)
{
  memcpy (style->emotion, okabe_ito, sizeof okabe_ito);
  style->font = "Sans";
  style->font_size_pt = 9.0;
}

void
stva_draw_style_init_screen (StvaDrawStyle *style)
{
  init_common (style);
  const double bg[3] = { 0.98, 0.98, 0.98 }, fg[3] = { 0.15, 0.15, 0.17 };
  const double grid[3] = { 0.80, 0.80, 0.82 };
  memcpy (style->background, bg, sizeof bg);
  memcpy (style->foreground, fg, sizeof fg);
  memcpy (style->grid, grid, sizeof grid);
}

void
stva_draw_style_init_paper (StvaDrawStyle *style)
{
  init_common (style);
  const double bg[3] = { 1, 1, 1 }, fg[3] = { 0, 0, 0 }, grid[3] = { 0.75, 0.75, 0.75 };
  memcpy (style->background, bg, sizeof bg);
  memcpy (style->foreground, fg, sizeof fg);
  memcpy (style->grid, grid, sizeof grid);
}
