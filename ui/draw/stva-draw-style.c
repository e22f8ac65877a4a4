/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colours and fonts of the studio's figures.  Emotion colours follow Okabe and Ito's palette,
 * which stays distinguishable for the common colour-vision deficiencies; a label set of any size
 * takes its own colours when the caller gives them, else the palette of db's default label
 * colours, cycled.
 */
#include <string.h>
#include <pango/pangocairo.h>

#include "stva-draw-private.h"

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

#define HEX(r, g, b) { (r) / 255.0, (g) / 255.0, (b) / 255.0 }

/* The same 25 colours, in the same order, as db's default label colours (stva-db-labels.c):
 * labels without a colour of their own past the seven emotions cycle through them. */
static const double palette[][3] = {
  HEX (0xe6, 0x9f, 0x00), HEX (0x56, 0xb4, 0xe9), HEX (0x00, 0x9e, 0x73), HEX (0xf0, 0xe4, 0x42),
  HEX (0x00, 0x72, 0xb2), HEX (0xd5, 0x5e, 0x00), HEX (0xcc, 0x79, 0xa7), HEX (0x99, 0x99, 0x99),
  HEX (0xcc, 0x66, 0x77), HEX (0x33, 0x22, 0x88), HEX (0xdd, 0xcc, 0x77), HEX (0x11, 0x77, 0x33),
  HEX (0x88, 0xcc, 0xee), HEX (0x88, 0x22, 0x55), HEX (0x44, 0xaa, 0x99), HEX (0x99, 0x99, 0x33),
  HEX (0xaa, 0x44, 0x99),
  HEX (0x77, 0xaa, 0xdd), HEX (0xee, 0x88, 0x66), HEX (0xee, 0xdd, 0x88), HEX (0xff, 0xaa, 0xbb),
  HEX (0x99, 0xdd, 0xff), HEX (0x44, 0xbb, 0x99), HEX (0xbb, 0xcc, 0x33), HEX (0xaa, 0xaa, 0x00),
};
#undef HEX

static void
init_common (StvaDrawStyle *style)
{
  memcpy (style->emotion, okabe_ito, sizeof okabe_ito);
  style->label_rgb = NULL;
  style->n_label_rgb = 0;
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
  style->text_dpi = 96.0;
}

void
stva_draw_style_init_paper (StvaDrawStyle *style)
{
  init_common (style);
  const double bg[3] = { 1, 1, 1 }, fg[3] = { 0, 0, 0 }, grid[3] = { 0.75, 0.75, 0.75 };
  memcpy (style->background, bg, sizeof bg);
  memcpy (style->foreground, fg, sizeof fg);
  memcpy (style->grid, grid, sizeof grid);
  style->text_dpi = 72.0;
}

void
_stva_draw_rgb (cairo_t      *cr,
                const double *rgb)
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

bool
stva_draw_parse_colour (const char *hex,
                        double      rgb[3])
{
  if (hex == NULL || hex[0] != '#' || strlen (hex) != 7)
    return false;
  double v[3];
  for (int c = 0; c < 3; c++)
    {
      int hi = g_ascii_xdigit_value (hex[1 + 2 * c]), lo = g_ascii_xdigit_value (hex[2 + 2 * c]);
      if (hi < 0 || lo < 0)
        return false;
      v[c] = (hi * 16 + lo) / 255.0;
    }
  memcpy (rgb, v, sizeof v);
  return true;
}

const double *
stva_draw_palette_rgb (int label)
{
  int n = (int) G_N_ELEMENTS (palette);
  return palette[((label % n) + n) % n];
}

/* A label's colour: the set's own, else the emotion colours of the first seven, else the
 * palette cycled; unlabelled (label < 0) grey. */
const double *
_stva_draw_label_rgb (const StvaDrawStyle *style,
                      int                  label)
{
  if (label < 0)
    return style->emotion[7];
  if (style->label_rgb != NULL && label < style->n_label_rgb)
    return style->label_rgb + 3 * (size_t) label;
  if (label < 7)
    return style->emotion[label];
  return stva_draw_palette_rgb (label);
}

static PangoLayout *
text_layout (cairo_t             *cr,
             const StvaDrawStyle *style,
             const char          *text,
             double               size_pt)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->text_dpi);
  pango_layout_context_changed (layout);
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  pango_font_description_set_size (font, (int) (size_pt * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

void
_stva_draw_text (cairo_t             *cr,
                 const StvaDrawStyle *style,
                 const char          *text,
                 double               x,
                 double               y,
                 double               size_pt,
                 double               xalign,
                 double               angle)
{
  PangoLayout *layout = text_layout (cr, style, text, size_pt);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -xalign * w, -h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
}

double
_stva_draw_text_width (cairo_t             *cr,
                       const StvaDrawStyle *style,
                       const char          *text,
                       double               size_pt)
{
  PangoLayout *layout = text_layout (cr, style, text, size_pt);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return w;
}

void
_stva_draw_clear (cairo_t             *cr,
                  const StvaDrawStyle *style,
                  double               width,
                  double               height)
{
  _stva_draw_rgb (cr, style->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

void
_stva_draw_lerp (const double *a,
                 const double *b,
                 double        t,
                 double        out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = a[i] + (b[i] - a[i]) * t;
}

void
_stva_draw_line (cairo_t *cr,
                 double   x0,
                 double   y0,
                 double   x1,
                 double   y1)
{
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
}

double
_stva_draw_widest (cairo_t             *cr,
                   const StvaDrawStyle *style,
                   const char *const   *texts,
                   int                  n,
                   double               size_pt)
{
  double w = 0.0;
  for (int i = 0; i < n; i++)
    if (texts[i] != NULL)
      {
        double t = _stva_draw_text_width (cr, style, texts[i], size_pt);
        w = t > w ? t : w;
      }
  return w;
}
