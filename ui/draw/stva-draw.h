/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/draw: the studio's figures as plain Cairo functions (core + Cairo + PangoCairo, no GTK),
 * so the widgets, `synctva figure` and the tests draw the same pixels.  Every function draws
 * into a width x height box at the current origin and restores cr as it found it.
 */
#pragma once

#include <stdbool.h>
#include <cairo.h>

typedef struct
{
  double background[3];
  double foreground[3];
  double grid[3];
  double emotion[8][3];    /* one colour per label of the label set (Okabe-Ito, colour-blind
                            * safe); the 8th is for "unlabelled" */
  const char *font;        /* Pango font description family, e.g. "Sans" */
  double font_size_pt;
} StvaDrawStyle;

/* The house style for screens (light) and for papers (white background, black text). */
void stva_draw_style_init_screen (StvaDrawStyle *style);
void stva_draw_style_init_paper  (StvaDrawStyle *style);

typedef struct
{
  double start_s;
  double end_s;
  int    lane;        /* speaker row */
  int    label;       /* index into style->emotion, -1 unlabelled */
} StvaDrawSegment;

/* Speaker lanes with one block per utterance, coloured by label, a time axis and a playhead
 * (playhead_s < 0: none).  `selected` (or -1) is outlined. */
void stva_draw_timeline (cairo_t               *cr,
                         const StvaDrawSegment *segments,
                         int                    n_segments,
                         const char *const     *lane_names,
                         int                    n_lanes,
                         double                 duration_s,
                         double                 playhead_s,
                         int                    selected,
                         const StvaDrawStyle   *style,
                         double                 width,
                         double                 height);
