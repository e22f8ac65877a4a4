/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Prediction figure: one utterance's probabilities as labelled bars, with the what-if's
 * ghost bars and arrows and the dialogue's list of changes.  One layout function places every
 * part, so drawing, the hit test and the counts the tests read agree.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "stva-prediction-figure.h"

/* ---- helpers ------------------------------------------------------------------------------ */

void
stva_prediction_stats (const float *p,
                       int          K,
                       double      *entropy,
                       double      *margin,
                       int         *top)
{
  double h = 0.0, first = -1.0, second = -1.0;
  int best = -1;
  for (int k = 0; k < K; k++)
    {
      double v = p[k];
      if (v > 0.0)
        h -= v * log (v);
      if (v > first)
        {
          second = first;
          first = v;
          best = k;
        }
      else if (v > second)
        second = v;
    }
  if (entropy != NULL)
    *entropy = h;
  if (margin != NULL)
    *margin = K > 1 ? first - second : first;
  if (top != NULL)
    *top = best;
}

static int
argmax (const float *p,
        int          K)
{
  int top = -1;
  stva_prediction_stats (p, K, NULL, NULL, &top);
  return top;
}

static const double *
label_rgb (const StvaDrawStyle *style,
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
             double               scale,
             gboolean             bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->text_dpi);
  pango_layout_context_changed (layout);
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  pango_font_description_set_size (font, (int) (style->font_size_pt * scale * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

/* text with its vertical centre at y, left (xalign 0), centre (0.5) or right (1) at x, cut
 * with an ellipsis at max_w (<= 0: not cut); returns its width */
static double
text_at (cairo_t             *cr,
         const StvaDrawStyle *style,
         const char          *text,
         double               x,
         double               y,
         double               xalign,
         double               scale,
         gboolean             bold,
         double               max_w)
{
  PangoLayout *layout = text_layout (cr, style, text, scale, bold);
  if (max_w > 0)
    {
      pango_layout_set_width (layout, (int) (max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  return w;
}

static double
text_width (cairo_t             *cr,
            const StvaDrawStyle *style,
            const char          *text,
            double               scale,
            gboolean             bold)
{
  PangoLayout *layout = text_layout (cr, style, text, scale, bold);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return w;
}

static double
line_height (cairo_t             *cr,
             const StvaDrawStyle *style)
{
  PangoLayout *layout = text_layout (cr, style, "Ag", 1.0, FALSE);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return h;
}

static void
set_rgb (cairo_t      *cr,
         const double *rgb,
         double        alpha)
{
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
}

/* ---- layout ------------------------------------------------------------------------------- */

typedef struct
{
  double pad, line;            /* margins, one text line */
  double header_h;             /* title, subtitle and the statistics line */
  double name_w;               /* the class names' column */
  double track_x, track_w;     /* the 0..1 track of the bars */
  double value_w, tags_w;
  double bars_y, row_h;        /* the first bar row's top and each row's height */
  int    n_bars;               /* rows that fit */
  double list_y, list_row_h;   /* the dialogue's list */
  int    n_rows;
} Layout;

static void
layout_figure (cairo_t                    *cr,
               const StvaPredictionFigure *fig,
               const StvaDrawStyle        *style,
               double                      width,
               double                      height,
               Layout                     *l)
{
  memset (l, 0, sizeof *l);
  l->line = line_height (cr, style);
  l->pad = l->line * 0.6;
  l->header_h = (fig->title != NULL ? l->line * 1.3 : 0) + (fig->subtitle != NULL ? l->line : 0)
                + l->line * 1.2;
  for (int k = 0; k < fig->K; k++)
    l->name_w = fmax (l->name_w, text_width (cr, style, fig->labels[k], 1.0, TRUE));
  l->name_w += l->pad;
  l->value_w = text_width (cr, style, fig->what_if != NULL ? "0.00 → 0.00" : "0.000", 1.0,
                           TRUE) + l->pad;
  l->tags_w = text_width (cr, style, "gold · current", 0.85, FALSE) + l->pad;
  l->track_x = l->pad + l->name_w;
  l->track_w = width - l->track_x - l->value_w - l->tags_w - l->pad;
  if (l->track_w < l->line * 2)   /* narrow: drop the tags' column first */
    {
      l->track_w += l->tags_w;
      l->tags_w = 0;
    }
  l->bars_y = l->pad + l->header_h;
  int list = fig->all_probs != NULL && (fig->what_if == NULL || fig->all_what_if != NULL)
               ? fig->T : 0;
  double list_need = list > 0 ? l->line * (1.6 + 1.25 * list) : 0;
  double avail = height - l->bars_y - l->pad - list_need;
  l->row_h = fig->K > 0 ? fmin (l->line * 2.0, fmax (l->line * 1.15, avail / fig->K)) : 0;
  l->n_bars = l->row_h > 0 ? (int) fmin (fig->K, floor ((height - l->bars_y - l->pad) / l->row_h))
                           : 0;
  if (l->track_w <= 0)
    l->n_bars = 0;
  l->list_y = l->bars_y + l->n_bars * l->row_h + l->line * 0.4;
  l->list_row_h = l->line * 1.25;
  if (list > 0)
    {
      double room = height - l->pad - (l->list_y + l->line * 1.3);
      l->n_rows = (int) fmax (0, fmin (list, floor (room / l->list_row_h)));
    }
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
arrow (cairo_t *cr,
       double   x0,
       double   x1,
       double   y,
       double   head)
{
  cairo_move_to (cr, x0, y);
  cairo_line_to (cr, x1, y);
  cairo_stroke (cr);
  double dir = x1 >= x0 ? 1.0 : -1.0;
  cairo_move_to (cr, x1, y);
  cairo_line_to (cr, x1 - dir * head, y - head * 0.6);
  cairo_line_to (cr, x1 - dir * head, y + head * 0.6);
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
stva_prediction_figure_draw (cairo_t                    *cr,
                             const StvaPredictionFigure *fig,
                             const StvaDrawStyle        *style,
                             double                      width,
                             double                      height)
{
  cairo_save (cr);
  set_rgb (cr, style->background, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  Layout l;
  layout_figure (cr, fig, style, width, height, &l);
  const double *fg = style->foreground;
  double y = l.pad;
  double text_w = width - 2 * l.pad;
  if (fig->title != NULL)
    {
      set_rgb (cr, fg, 1.0);
      text_at (cr, style, fig->title, l.pad, y + l.line * 0.6, 0, 1.15, TRUE, text_w);
      y += l.line * 1.3;
    }
  if (fig->subtitle != NULL)
    {
      set_rgb (cr, fg, 0.75);
      text_at (cr, style, fig->subtitle, l.pad, y + l.line * 0.5, 0, 1.0, FALSE, text_w);
      y += l.line;
    }
  double entropy, margin;
  int top;
  stva_prediction_stats (fig->probs, fig->K, &entropy, &margin, &top);
  g_autofree char *stats = g_strdup_printf ("predicted %s · entropy %.2f nats (of %.2f) · "
                                            "margin %.2f",
                                            top >= 0 ? fig->labels[top] : "–", entropy,
                                            log (MAX (fig->K, 1)), margin);
  set_rgb (cr, fg, 0.75);
  text_at (cr, style, stats, l.pad, y + l.line * 0.6, 0, 0.9, FALSE, text_w);

  int what_top = fig->what_if != NULL ? argmax (fig->what_if, fig->K) : -1;
  cairo_set_line_width (cr, 1.0);
  for (int k = 0; k < l.n_bars; k++)
    {
      double top_y = l.bars_y + k * l.row_h, mid = top_y + l.row_h / 2;
      double bar_h = fmin (l.row_h * 0.62, l.line * 1.1);
      const double *rgb = label_rgb (style, k);
      set_rgb (cr, fg, 1.0);
      text_at (cr, style, fig->labels[k], l.track_x - l.pad * 0.6, mid, 1.0, 1.0, k == top,
               l.name_w);
      /* the track, then the bar */
      set_rgb (cr, style->grid, 0.45);
      cairo_rectangle (cr, l.track_x, mid - bar_h / 2, l.track_w, bar_h);
      cairo_fill (cr);
      double p = fmin (1.0, fmax (0.0, fig->probs[k]));
      set_rgb (cr, rgb, fig->what_if != NULL ? 0.55 : 1.0);
      cairo_rectangle (cr, l.track_x, mid - bar_h / 2, p * l.track_w, bar_h);
      cairo_fill (cr);
      g_autofree char *value = NULL;
      if (fig->what_if != NULL)
        {
          double q = fmin (1.0, fmax (0.0, fig->what_if[k]));
          /* the ghost: where the bar goes with the modality off, dashed in the label's colour */
          set_rgb (cr, rgb, 1.0);
          double dash[] = { 3.0, 2.0 };
          cairo_set_dash (cr, dash, 2, 0);
          cairo_set_line_width (cr, 1.5);
          cairo_rectangle (cr, l.track_x + 0.75, mid - bar_h / 2 + 0.75,
                           fmax (0, q * l.track_w - 1.5), bar_h - 1.5);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          if (fabs (q - p) * l.track_w >= 4.0)
            {
              set_rgb (cr, fg, 0.9);
              cairo_set_line_width (cr, 1.5);
              arrow (cr, l.track_x + p * l.track_w, l.track_x + q * l.track_w, mid,
                     fmin (6.0, bar_h * 0.45));
            }
          cairo_set_line_width (cr, 1.0);
          value = g_strdup_printf ("%.2f → %.2f", fig->probs[k], fig->what_if[k]);
        }
      else
        value = g_strdup_printf ("%.3f", fig->probs[k]);
      set_rgb (cr, fg, 1.0);
      text_at (cr, style, value, l.track_x + l.track_w + l.pad * 0.5, mid, 0, 1.0,
               k == top || k == what_top, 0);
      if (l.tags_w > 0 && (k == fig->reference || k == fig->current))
        {
          const char *tag = k == fig->reference && k == fig->current ? "gold · current"
                            : k == fig->reference ? "gold" : "current";
          double tx = l.track_x + l.track_w + l.value_w, tw = text_width (cr, style, tag, 0.85,
                                                                          FALSE);
          /* a chip: the label's colour as an outline, so gold and current read as marks */
          set_rgb (cr, fg, 1.0);
          cairo_set_line_width (cr, 1.2);
          double ch = l.line * 1.05, r = ch / 2;
          cairo_new_sub_path (cr);
          cairo_arc (cr, tx + r, mid, r, G_PI / 2, 3 * G_PI / 2);
          cairo_arc (cr, tx + tw + l.pad - r, mid, r, -G_PI / 2, G_PI / 2);
          cairo_close_path (cr);
          cairo_stroke (cr);
          text_at (cr, style, tag, tx + l.pad / 2, mid, 0, 0.85, FALSE, 0);
          cairo_set_line_width (cr, 1.0);
        }
    }
  /* the 0.5 mark across the bars */
  if (l.n_bars > 0)
    {
      set_rgb (cr, fg, 0.25);
      double dash[] = { 2.0, 3.0 };
      cairo_set_dash (cr, dash, 2, 0);
      double x = l.track_x + 0.5 * l.track_w;
      cairo_move_to (cr, x, l.bars_y);
      cairo_line_to (cr, x, l.bars_y + l.n_bars * l.row_h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (l.n_rows > 0)
    {
      gboolean moved = fig->all_what_if != NULL && fig->what_if != NULL;
      g_autofree char *head = moved
        ? g_strdup_printf ("%s: the dialogue's predictions", fig->what_if_name ? fig->what_if_name
                                                                               : "what if")
        : g_strdup ("the dialogue's predictions (click one to select it)");
      set_rgb (cr, fg, 1.0);
      text_at (cr, style, head, l.pad, l.list_y + l.line * 0.6, 0, 0.95, TRUE, text_w);
      double y0 = l.list_y + l.line * 1.3;
      for (int t = 0; t < l.n_rows; t++)
        {
          const float *p = fig->all_probs + (size_t) t * fig->K;
          const float *q = moved ? fig->all_what_if + (size_t) t * fig->K : NULL;
          int a = argmax (p, fig->K), b = q != NULL ? argmax (q, fig->K) : -1;
          double mid = y0 + (t + 0.5) * l.list_row_h;
          if (t == fig->selected)
            {
              set_rgb (cr, fg, 0.08);
              cairo_rectangle (cr, l.pad * 0.5, y0 + t * l.list_row_h, width - l.pad,
                               l.list_row_h);
              cairo_fill (cr);
            }
          g_autofree char *num = g_strdup_printf ("%d", t + 1);
          set_rgb (cr, fg, 0.7);
          text_at (cr, style, num, l.pad + l.line * 1.2, mid, 1.0, 0.9, FALSE, 0);
          double x = l.pad + l.line * 1.6, sw = l.line * 0.7;
          if (fig->speakers != NULL && fig->speakers[t] != NULL)
            {
              text_at (cr, style, fig->speakers[t], x, mid, 0, 0.9, FALSE, l.line * 4.5);
              x += l.line * 5;
            }
          if (fig->references != NULL && fig->references[t] >= 0)
            {
              /* the gold label at the right edge, ticked when the prediction agrees */
              int r = fig->references[t];
              g_autofree char *gold = g_strdup_printf ("gold %s %s", fig->labels[r],
                                                       r == a ? "✓" : "✗");
              set_rgb (cr, fg, r == a ? 0.6 : 0.95);
              text_at (cr, style, gold, width - l.pad, mid, 1.0, 0.85, r != a, 0);
            }
          set_rgb (cr, label_rgb (style, a), 1.0);
          cairo_rectangle (cr, x, mid - sw / 2, sw, sw);
          cairo_fill (cr);
          g_autofree char *before = g_strdup_printf ("%s %.2f", a >= 0 ? fig->labels[a] : "–",
                                                     a >= 0 ? p[a] : 0.0);
          set_rgb (cr, fg, 1.0);
          x += sw + l.pad * 0.4;
          x += text_at (cr, style, before, x, mid, 0, 0.9, FALSE, 0) + l.pad * 0.5;
          if (q == NULL)
            continue;
          set_rgb (cr, fg, 0.8);
          cairo_set_line_width (cr, 1.2);
          arrow (cr, x, x + l.line * 1.2, mid, 4.0);
          x += l.line * 1.2 + l.pad * 0.5;
          set_rgb (cr, label_rgb (style, b), 1.0);
          cairo_rectangle (cr, x, mid - sw / 2, sw, sw);
          cairo_fill (cr);
          x += sw + l.pad * 0.4;
          g_autofree char *after = g_strdup_printf ("%s %.2f%s", b >= 0 ? fig->labels[b] : "–",
                                                    b >= 0 ? q[b] : 0.0,
                                                    a != b ? "  (changed)" : "");
          set_rgb (cr, fg, 1.0);
          text_at (cr, style, after, x, mid, 0, 0.9, a != b, 0);
        }
    }
  cairo_restore (cr);
}

/* ---- hit test ----------------------------------------------------------------------------- */

bool
stva_prediction_figure_at (cairo_t                    *cr,
                           const StvaPredictionFigure *fig,
                           const StvaDrawStyle        *style,
                           double                      width,
                           double                      height,
                           double                      x,
                           double                      y,
                           int                        *bar,
                           int                        *row)
{
  Layout l;
  layout_figure (cr, fig, style, width, height, &l);
  *bar = -1;
  *row = -1;
  if (y >= l.bars_y && y < l.bars_y + l.n_bars * l.row_h && x >= l.pad && x < width - l.pad)
    *bar = (int) ((y - l.bars_y) / l.row_h);
  double y0 = l.list_y + l.line * 1.3;
  if (l.n_rows > 0 && y >= y0 && y < y0 + l.n_rows * l.list_row_h && x >= 0 && x < width)
    *row = (int) ((y - y0) / l.list_row_h);
  return *bar >= 0 || *row >= 0;
}

void
stva_prediction_figure_counts (cairo_t                    *cr,
                               const StvaPredictionFigure *fig,
                               const StvaDrawStyle        *style,
                               double                      width,
                               double                      height,
                               int                        *n_bars,
                               int                        *n_rows)
{
  Layout l;
  layout_figure (cr, fig, style, width, height, &l);
  *n_bars = l.n_bars;
  *n_rows = l.n_rows;
}
