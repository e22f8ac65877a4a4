/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bar figures (see stva-draw.h): a dialogue's modality contributions (stacked β per
 * utterance with label chips) and grouped bars of scores, both on a 0–1 axis under a legend.
 * Sizes are in points, so the same call makes a screen view, a PNG at any resolution and a
 * vector figure; text follows style->font_size_pt and shrinks only where a cell is too small.
 * Each figure has a layout function that both the drawing and the hit test call.
 */
#include <math.h>
#include <stdio.h>

#include "stva-draw-private.h"

/* three tones of one hue none of the label colours has, dark to light, so the modalities stay
 * apart from the labels beside them and in greyscale print */
static const double modality_rgb[3][3] = {
  { 0.23, 0.16, 0.40 },   /* text: dark indigo */
  { 0.50, 0.42, 0.68 },   /* audio: lavender */
  { 0.80, 0.76, 0.90 },   /* visual: pale lavender */
};
static const char *const modality_name[3] = { "text", "audio", "visual" };

const double *
stva_draw_modality_rgb (int modality)
{
  return modality_rgb[modality >= 0 && modality < 3 ? modality : 0];
}

/* ---- modality contributions ------------------------------------------------------------- */

/* one legend entry (a swatch and its name) at *x, wrapping to a new row past width */
static void
legend_item (cairo_t             *cr,
             const StvaDrawStyle *style,
             const double        *rgb,
             const char          *name,
             double              *x,
             double              *y,
             double               width,
             bool                 draw)
{
  double fs = style->font_size_pt, w = fs + 4 + _stva_draw_text_width (cr, style, name, fs) + 12;
  if (*x > 6 && *x + w > width)
    {
      *x = 6;
      *y += fs * 1.6;
    }
  if (!draw)
    {
      *x += w;
      return;
    }
  _stva_draw_rgb (cr, rgb);
  cairo_rectangle (cr, *x, *y - fs / 2, fs, fs);
  cairo_fill (cr);
  _stva_draw_rgb (cr, style->foreground);
  _stva_draw_text (cr, style, name, *x + fs + 4, *y, fs, 0.0, 0.0);
  *x += w;
}

typedef struct
{
  double left, top, plot_w, plot_h, slot;   /* the bars' box, and each utterance's width */
  double chip_h, ticks_h, title;
} Plot;

static const char *const chip_rows[2] = { "reference", "predicted" };

/* the 0–1 axis of a plot: gridlines at quarters, labelled at halves; leaves a 0.5 line width */
static void
unit_grid (cairo_t             *cr,
           const StvaDrawStyle *style,
           const Plot          *p)
{
  cairo_set_line_width (cr, 0.5);
  for (int q = 0; q <= 4; q++)
    {
      double y = p->top + p->plot_h * (1.0 - q / 4.0);
      _stva_draw_rgb (cr, style->grid);
      _stva_draw_line (cr, p->left, y, p->left + p->plot_w, y);
      if (q % 2 == 0)
        {
          char text[8];
          snprintf (text, sizeof text, "%.1f", q / 4.0);
          _stva_draw_rgb (cr, style->foreground);
          _stva_draw_text (cr, style, text, p->left - 4, y, style->font_size_pt, 1.0, 0.0);
        }
    }
}

/* The legend (drawn when draw) and where the bars go under it. */
static bool
contributions_layout (cairo_t                 *cr,
                      const StvaDrawUtterance *u,
                      int                      n,
                      const char *const       *labels,
                      int                      K,
                      const StvaDrawStyle     *style,
                      double                   width,
                      double                   height,
                      bool                     draw,
                      Plot                    *p)
{
  const double fs = style->font_size_pt;
  if (n <= 0)
    return false;
  /* legend: the modalities, then the labels that occur */
  double lx = 6, ly = 6 + fs * 0.8;
  for (int m = 0; m < 3; m++)
    legend_item (cr, style, modality_rgb[m], modality_name[m], &lx, &ly, width, draw);
  lx += fs;
  for (int k = 0; k < K; k++)
    {
      bool used = false;
      for (int i = 0; i < n && !used; i++)
        used = u[i].reference == k || u[i].predicted == k;
      if (used)
        legend_item (cr, style, _stva_draw_label_rgb (style, k), labels[k], &lx, &ly, width,
                     draw);
    }
  p->chip_h = fs * 1.2, p->ticks_h = fs * 1.6, p->title = fs * 1.8;
  p->left = fmax (4 + p->title + _stva_draw_text_width (cr, style, "0.5", fs) + 6,
                  _stva_draw_widest (cr, style, chip_rows, 2, fs) + 10);
  p->top = ly + fs * 1.4;
  p->plot_w = width - p->left - 8;
  p->plot_h = height - p->top - (4 + 2 * (p->chip_h + 3) + p->ticks_h + p->title);
  p->slot = p->plot_w / n;
  return p->plot_w >= n && p->plot_h >= 10;
}

int
stva_draw_contributions_at (cairo_t                 *cr,
                            const StvaDrawUtterance *u,
                            int                      n,
                            const char *const       *labels,
                            int                      K,
                            const StvaDrawStyle     *style,
                            double                   width,
                            double                   height,
                            double                   x,
                            double                   y)
{
  Plot p;
  if (!contributions_layout (cr, u, n, labels, K, style, width, height, false, &p))
    return -1;
  double i = floor ((x - p.left) / p.slot);
  double bottom = p.top + p.plot_h + 4 + 2 * (p.chip_h + 3);
  return i >= 0 && i < n && y >= p.top && y < bottom ? (int) i : -1;
}

void
stva_draw_contributions (cairo_t                 *cr,
                         const StvaDrawUtterance *u,
                         int                      n,
                         const char *const       *labels,
                         int                      K,
                         const StvaDrawStyle     *style,
                         double                   width,
                         double                   height)
{
  const double fs = style->font_size_pt;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Plot p;
  if (!contributions_layout (cr, u, n, labels, K, style, width, height, true, &p))
    {
      cairo_restore (cr);
      return;
    }
  double left = p.left, top = p.top, plot_w = p.plot_w, plot_h = p.plot_h, slot = p.slot;
  double chip_h = p.chip_h, ticks_h = p.ticks_h, title = p.title, bar = slot * 0.7;
  unit_grid (cr, style, &p);

  double tick_w = _stva_draw_text_width (cr, style, "99", fs) + 4;
  int every = (int) ceil (tick_w / slot);
  for (int i = 0; i < n; i++)
    {
      double x = left + i * slot + (slot - bar) / 2;
      if (u[i].has_beta)
        {
          double y = top + plot_h;
          for (int m = 0; m < 3; m++)
            {
              /* clamped into the plot, should a project hold strengths summing past 1 */
              double h = fmin (plot_h * fmin (fmax (u[i].beta[m], 0.0f), 1.0f), y - top);
              _stva_draw_rgb (cr, modality_rgb[m]);
              cairo_rectangle (cr, x, y - h, bar, h);
              cairo_fill (cr);
              y -= h;
            }
        }
      for (int r = 0; r < 2; r++)   /* reference, then predicted chip */
        {
          int label = r == 0 ? u[i].reference : u[i].predicted;
          double cy = top + plot_h + 4 + r * (chip_h + 3);
          if (label < 0)
            continue;
          _stva_draw_rgb (cr, _stva_draw_label_rgb (style, label));
          cairo_rectangle (cr, x, cy, bar, chip_h);
          cairo_fill (cr);
          if (r == 1 && u[i].reference >= 0 && label != u[i].reference)
            {   /* a wrong prediction: outlined and struck through */
              _stva_draw_rgb (cr, style->foreground);
              cairo_set_line_width (cr, 1.2);
              cairo_rectangle (cr, x + 0.6, cy + 0.6, bar - 1.2, chip_h - 1.2);
              cairo_stroke (cr);
              _stva_draw_line (cr, x, cy + chip_h, x + bar, cy);
              cairo_set_line_width (cr, 0.5);
            }
        }
      if (i % every == 0 || i == n - 1)
        {
          char text[16];
          snprintf (text, sizeof text, "%d", i + 1);
          _stva_draw_rgb (cr, style->foreground);
          _stva_draw_text (cr, style, text, left + (i + 0.5) * slot,
                           top + plot_h + 4 + 2 * (chip_h + 3) + ticks_h / 2, fs, 0.5, 0.0);
        }
    }
  _stva_draw_rgb (cr, style->foreground);
  for (int r = 0; r < 2; r++)
    _stva_draw_text (cr, style, chip_rows[r], left - 4,
                     top + plot_h + 4 + r * (chip_h + 3) + chip_h / 2, fs, 1.0, 0.0);
  _stva_draw_text (cr, style, "utterance", left + plot_w / 2, height - title / 2, fs, 0.5, 0.0);
  _stva_draw_text (cr, style, "modality strength \u03b2", 4 + title / 2, top + plot_h / 2, fs,
                   0.5, -M_PI / 2);
  cairo_restore (cr);
}

/* ---- grouped bars ------------------------------------------------------------------------ */

const double *
stva_draw_series_rgb (int s)
{
  /* Paul Tol's "muted" qualitative scheme, distinct for the common colour-vision deficiencies */
  static const double tol_muted[8][3] = {
    { 0.200, 0.133, 0.533 }, { 0.533, 0.800, 0.933 }, { 0.267, 0.667, 0.600 },
    { 0.067, 0.467, 0.200 }, { 0.600, 0.600, 0.200 }, { 0.867, 0.800, 0.467 },
    { 0.800, 0.400, 0.467 }, { 0.533, 0.133, 0.333 },
  };
  return tol_muted[(s % 8 + 8) % 8];
}

static bool
bars_layout (cairo_t             *cr,
             const StvaDrawBars  *b,
             const StvaDrawStyle *style,
             double               width,
             double               height,
             bool                 draw,
             Plot                *p)
{
  const double fs = style->font_size_pt;
  if (b->n_groups <= 0 || b->n_series <= 0)
    return false;
  double lx = 6, ly = 6 + fs * 0.8;
  for (int s = 0; s < b->n_series; s++)
    legend_item (cr, style, stva_draw_series_rgb (s), b->series_names[s], &lx, &ly, width, draw);
  p->ticks_h = fs * 1.6, p->title = fs * 1.8, p->chip_h = 0;
  p->left = 4 + (b->y_title ? p->title : 0) + _stva_draw_text_width (cr, style, "0.5", fs) + 6;
  p->top = ly + fs * 1.4 + fs;   /* room for the values over full bars */
  p->plot_w = width - p->left - 8;
  p->plot_h = height - p->top - (4 + p->ticks_h + 4);
  p->slot = p->plot_w / b->n_groups;
  return p->plot_w >= b->n_groups * b->n_series && p->plot_h >= 10;
}

/* a group's bars: a gap of half a bar each side, the bars side by side */
static double
bar_width (const StvaDrawBars *b,
           const Plot         *p)
{
  return p->slot / (b->n_series + 1.0);
}

bool
stva_draw_bars_at (cairo_t             *cr,
                   const StvaDrawBars  *b,
                   const StvaDrawStyle *style,
                   double               width,
                   double               height,
                   double               x,
                   double               y,
                   int                 *group,
                   int                 *series)
{
  Plot p;
  if (!bars_layout (cr, b, style, width, height, false, &p) || y < p.top
      || y >= p.top + p.plot_h)
    return false;
  double g = floor ((x - p.left) / p.slot);
  if (!(g >= 0 && g < b->n_groups))
    return false;
  double bw = bar_width (b, &p), s = floor ((x - p.left - g * p.slot - bw / 2) / bw);
  if (!(s >= 0 && s < b->n_series))
    return false;
  *group = (int) g;
  *series = (int) s;
  return true;
}

void
stva_draw_bars (cairo_t             *cr,
                const StvaDrawBars  *b,
                const StvaDrawStyle *style,
                double               width,
                double               height)
{
  const double fs = style->font_size_pt;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Plot p;
  if (!bars_layout (cr, b, style, width, height, true, &p))
    {
      cairo_restore (cr);
      return;
    }
  unit_grid (cr, style, &p);
  double bw = bar_width (b, &p), value_fs = fs * 0.75;
  double value_w = _stva_draw_text_width (cr, style, "0.00", value_fs);
  for (int g = 0; g < b->n_groups; g++)
    {
      for (int s = 0; s < b->n_series; s++)
        {
          double v = b->values[(size_t) g * (size_t) b->n_series + (size_t) s];
          if (!isfinite (v))
            continue;
          v = fmin (fmax (v, 0.0), 1.0);
          double x = p.left + g * p.slot + bw / 2 + s * bw, h = p.plot_h * v;
          _stva_draw_rgb (cr, stva_draw_series_rgb (s));
          cairo_rectangle (cr, x, p.top + p.plot_h - h, bw * 0.92, h);
          cairo_fill (cr);
          if (value_w <= bw * 0.95)
            {
              char text[16];
              snprintf (text, sizeof text, "%.2f", v);
              _stva_draw_rgb (cr, style->foreground);
              _stva_draw_text (cr, style, text, x + bw * 0.46, p.top + p.plot_h - h - value_fs,
                               value_fs, 0.5, 0.0);
            }
        }
      _stva_draw_rgb (cr, style->foreground);
      _stva_draw_text (cr, style, b->group_names[g], p.left + (g + 0.5) * p.slot,
                       p.top + p.plot_h + 4 + p.ticks_h / 2, fs, 0.5, 0.0);
      bool none = true;
      for (int s = 0; s < b->n_series && none; s++)
        none = !isfinite (b->values[(size_t) g * (size_t) b->n_series + (size_t) s]);
      if (none)   /* say so rather than leave a gap that reads as zero */
        {
          _stva_draw_rgb (cr, style->grid);
          _stva_draw_text (cr, style, "n/a", p.left + (g + 0.5) * p.slot,
                           p.top + p.plot_h - value_fs, value_fs, 0.5, 0.0);
        }
    }
  if (b->y_title != NULL)
    _stva_draw_text (cr, style, b->y_title, 4 + p.title / 2, p.top + p.plot_h / 2, fs, 0.5,
                     -M_PI / 2);
  cairo_restore (cr);
}
