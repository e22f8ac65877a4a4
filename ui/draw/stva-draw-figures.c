/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model's figures (see stva-draw.h): confusion matrix, modality contributions of a dialogue
 * and attention heatmaps.  Sizes are in points, so the same call makes a screen view, a PNG at
 * any resolution and a vector figure; text follows style->font_size_pt and shrinks only where a
 * cell is too small for it.
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

static void
lerp_rgb (const double *a,
          const double *b,
          double        t,
          double        out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = a[i] + (b[i] - a[i]) * t;
}

static void
line (cairo_t *cr,
      double   x0,
      double   y0,
      double   x1,
      double   y1)
{
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
}

/* widest of n texts at size_pt */
static double
widest (cairo_t             *cr,
        const StvaDrawStyle *style,
        const char *const   *texts,
        int                  n,
        double               size_pt)
{
  double w = 0.0;
  for (int i = 0; i < n; i++)
    if (texts[i] != NULL)
      w = fmax (w, _stva_draw_text_width (cr, style, texts[i], size_pt));
  return w;
}

/* ---- confusion matrix ------------------------------------------------------------------- */

void
stva_draw_confusion_shade (const StvaDrawStyle *style,
                           double               share,
                           double               rgb[3])
{
  static const double dark[3] = { 0.03, 0.19, 0.42 };
  lerp_rgb (style->background, dark, fmin (fmax (share, 0.0), 1.0), rgb);
}

typedef struct
{
  double x0, y0, cell;   /* the grid's top left corner and its cells' side */
  bool   upright;        /* column names upright (else turned a quarter) */
  double col_w;          /* the widest column name */
} Grid;

static bool
confusion_layout (cairo_t             *cr,
                  int                  K,
                  const char *const   *labels,
                  const StvaDrawStyle *style,
                  double               width,
                  double               height,
                  Grid                *g)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  if (K <= 0)
    return false;
  double row_w = widest (cr, style, labels, K, fs);
  double left = 4 + title + row_w + 6, top = 6, right = 6;
  /* column names upright when they fit their cells, else turned */
  double avail_w = width - left - right, avail_h = height - top - 6 - title - 4;
  double up_cell = fmin (avail_w / K, (avail_h - fs * 1.6) / K);
  g->col_w = row_w;
  g->upright = g->col_w + 6 <= up_cell;
  g->cell = g->upright ? up_cell : fmin (avail_w / K, (avail_h - g->col_w) / K);
  g->x0 = left;
  g->y0 = top;
  return g->cell >= 2.0;
}

/* the cell of g under (x, y) */
static bool
grid_at (const Grid *g,
         int         rows,
         int         cols,
         double      x,
         double      y,
         int        *row,
         int        *col)
{
  double c = floor ((x - g->x0) / g->cell), r = floor ((y - g->y0) / g->cell);
  if (!(c >= 0 && c < cols && r >= 0 && r < rows))
    return false;
  *row = (int) r;
  *col = (int) c;
  return true;
}

bool
stva_draw_confusion_at (cairo_t             *cr,
                        int                  K,
                        const char *const   *labels,
                        const StvaDrawStyle *style,
                        double               width,
                        double               height,
                        double               x,
                        double               y,
                        int                 *row,
                        int                 *col)
{
  Grid g;
  return confusion_layout (cr, K, labels, style, width, height, &g)
         && grid_at (&g, K, K, x, y, row, col);
}

void
stva_draw_confusion (cairo_t             *cr,
                     const int           *counts,
                     int                  K,
                     const char *const   *labels,
                     const StvaDrawStyle *style,
                     double               width,
                     double               height)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Grid g;
  if (!confusion_layout (cr, K, labels, style, width, height, &g))
    {
      cairo_restore (cr);
      return;
    }
  double cell = g.cell, x0 = g.x0, y0 = g.y0, side = cell * K;
  bool upright = g.upright;
  double col_w = g.col_w;
  double cell_fs = fmin (fs, cell * 0.3);
  for (int r = 0; r < K; r++)
    {
      long row_sum = 0;
      for (int c = 0; c < K; c++)
        row_sum += counts[r * K + c];
      for (int c = 0; c < K; c++)
        {
          int n = counts[r * K + c];
          double share = row_sum > 0 ? (double) n / (double) row_sum : 0.0, rgb[3];
          stva_draw_confusion_shade (style, share, rgb);
          _stva_draw_rgb (cr, rgb);
          cairo_rectangle (cr, x0 + c * cell, y0 + r * cell, cell, cell);
          cairo_fill (cr);
          static const double white[3] = { 1, 1, 1 };
          _stva_draw_rgb (cr, share > 0.5 ? white : style->foreground);
          char text[32];
          double cx = x0 + (c + 0.5) * cell, cy = y0 + (r + 0.5) * cell;
          snprintf (text, sizeof text, "%d", n);
          if (cell >= cell_fs * 3.2 && row_sum > 0)
            {
              _stva_draw_text (cr, style, text, cx, cy - cell_fs * 0.65, cell_fs, 0.5, 0.0);
              snprintf (text, sizeof text, "%.0f%%", 100.0 * share);
              _stva_draw_text (cr, style, text, cx, cy + cell_fs * 0.65, cell_fs * 0.85, 0.5,
                               0.0);
            }
          else
            _stva_draw_text (cr, style, text, cx, cy, cell_fs, 0.5, 0.0);
        }
    }
  _stva_draw_rgb (cr, style->grid);
  cairo_set_line_width (cr, 0.5);
  for (int i = 0; i <= K; i++)
    {
      line (cr, x0, y0 + i * cell, x0 + side, y0 + i * cell);
      line (cr, x0 + i * cell, y0, x0 + i * cell, y0 + side);
    }
  _stva_draw_rgb (cr, style->foreground);
  for (int i = 0; i < K; i++)
    {
      _stva_draw_text (cr, style, labels[i], x0 - 6, y0 + (i + 0.5) * cell, fs, 1.0, 0.0);
      if (upright)
        _stva_draw_text (cr, style, labels[i], x0 + (i + 0.5) * cell, y0 + side + 6 + fs * 0.8,
                         fs, 0.5, 0.0);
      else
        _stva_draw_text (cr, style, labels[i], x0 + (i + 0.5) * cell, y0 + side + 6, fs, 1.0,
                         -M_PI / 2);
    }
  double below = upright ? fs * 1.6 : col_w;
  _stva_draw_text (cr, style, "predicted label", x0 + side / 2, y0 + side + 6 + below + title / 2,
                   fs, 0.5, 0.0);
  _stva_draw_text (cr, style, "reference label", 4 + title / 2, y0 + side / 2, fs, 0.5,
                   -M_PI / 2);
  cairo_restore (cr);
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
      line (cr, p->left, y, p->left + p->plot_w, y);
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
                  widest (cr, style, chip_rows, 2, fs) + 10);
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
              line (cr, x, cy + chip_h, x + bar, cy);
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

/* ---- heatmap ------------------------------------------------------------------------------ */

void
stva_draw_viridis (double v,
                   double rgb[3])
{
  /* five points of matplotlib's viridis (van der Walt and Smith), linearly between them */
  static const double stops[5][3] = {
    { 0.267, 0.005, 0.329 }, { 0.231, 0.322, 0.545 }, { 0.128, 0.567, 0.551 },
    { 0.369, 0.789, 0.383 }, { 0.993, 0.906, 0.144 },
  };
  if (!(v > 0.0))
    v = 0.0;
  if (v > 1.0)
    v = 1.0;
  double s = v * 4.0;
  int i = s >= 4.0 ? 3 : (int) s;
  lerp_rgb (stops[i], stops[i + 1], s - i, rgb);
}

/* every how many names to print so that names size apart fit in cells of cell */
static int
thin (double size,
      double cell)
{
  return cell >= size ? 1 : (int) ceil (size / cell);
}

/* the heatmap's largest finite value (1 when none is above 0) and its scale's tick texts */
static double
heat_max (const float *values,
          int          rows,
          int          cols,
          char         vmax_text[32],
          char         vmid_text[32])
{
  double vmax = 0.0;
  for (size_t i = 0; i < (size_t) rows * (size_t) cols; i++)
    if (isfinite (values[i]) && values[i] > vmax)
      vmax = values[i];
  if (!(vmax > 0.0))
    vmax = 1.0;
  snprintf (vmax_text, 32, "%.2g", vmax);
  snprintf (vmid_text, 32, "%.2g", vmax / 2);
  return vmax;
}

static bool
heatmap_layout (cairo_t               *cr,
                const StvaDrawHeatmap *map,
                const StvaDrawStyle   *style,
                double                 width,
                double                 height,
                Grid                  *g)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  if (map->rows <= 0 || map->cols <= 0)
    return false;
  char vmax_text[32], vmid_text[32];
  heat_max (map->values, map->rows, map->cols, vmax_text, vmid_text);
  double row_w = widest (cr, style, map->row_names, map->rows, fs);
  g->col_w = widest (cr, style, map->col_names, map->cols, fs);
  double tick_w = _stva_draw_text_width (cr, style, vmax_text, fs);
  double left = (map->row_title ? 4 + title : 4) + row_w + 6, top = 8;
  double right = 12 + fs * 1.2 + 4 + tick_w + 6;
  /* below the map: its column names and title */
  double avail_w = width - left - right;
  double avail_h = height - top - 6 - (map->col_title ? title : 0) - 4;
  double up_cell = fmin (avail_w / map->cols, (avail_h - fs * 1.6) / map->rows);
  g->upright = g->col_w + 4 <= up_cell;
  g->cell = g->upright ? up_cell
                       : fmin (avail_w / map->cols, (avail_h - g->col_w) / map->rows);
  g->x0 = left;
  g->y0 = top;
  return g->cell > 0.5;
}

bool
stva_draw_heatmap_at (cairo_t               *cr,
                      const StvaDrawHeatmap *map,
                      const StvaDrawStyle   *style,
                      double                 width,
                      double                 height,
                      double                 x,
                      double                 y,
                      int                   *row,
                      int                   *col)
{
  Grid g;
  return heatmap_layout (cr, map, style, width, height, &g)
         && grid_at (&g, map->rows, map->cols, x, y, row, col);
}

void
stva_draw_heatmap (cairo_t               *cr,
                   const StvaDrawHeatmap *map,
                   const StvaDrawStyle   *style,
                   double                 width,
                   double                 height)
{
  const double fs = style->font_size_pt, title = fs * 1.8, bar_w = fs * 1.2;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Grid g;
  if (!heatmap_layout (cr, map, style, width, height, &g))
    {
      cairo_restore (cr);
      return;
    }
  const float *values = map->values;
  int rows = map->rows, cols = map->cols;
  const char *const *row_names = map->row_names, *const *col_names = map->col_names;
  const char *row_title = map->row_title, *col_title = map->col_title;
  double cell = g.cell, col_w = g.col_w;
  bool upright = g.upright;
  char vmax_text[32], vmid_text[32];
  double vmax = heat_max (values, rows, cols, vmax_text, vmid_text);
  double x0 = g.x0, y0 = g.y0, pw = cell * cols, ph = cell * rows;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      {
        float v = values[(size_t) r * (size_t) cols + (size_t) c];
        double rgb[3];
        if (isfinite (v))
          stva_draw_viridis (v / vmax, rgb);
        else
          for (int i = 0; i < 3; i++)
            rgb[i] = style->background[i];
        _stva_draw_rgb (cr, rgb);
        /* over into the next cell (drawn after it), so no seams show between neighbours */
        double over = fmin (0.5, cell * 0.1);
        cairo_rectangle (cr, x0 + c * cell, y0 + r * cell, cell + (c + 1 < cols ? over : 0),
                         cell + (r + 1 < rows ? over : 0));
        cairo_fill (cr);
      }
  _stva_draw_rgb (cr, style->foreground);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x0, y0, pw, ph);
  cairo_stroke (cr);

  int every_r = thin (fs * 1.2, cell);
  for (int r = 0; r < rows; r += every_r)
    if (row_names[r] != NULL)
      _stva_draw_text (cr, style, row_names[r], x0 - 4, y0 + (r + 0.5) * cell, fs, 1.0, 0.0);
  int every_c = thin (upright ? col_w + 4 : fs * 1.2, cell);
  for (int c = 0; c < cols; c += every_c)
    if (col_names[c] != NULL)
      {
        if (upright)
          _stva_draw_text (cr, style, col_names[c], x0 + (c + 0.5) * cell,
                           y0 + ph + 6 + fs * 0.8, fs, 0.5, 0.0);
        else
          _stva_draw_text (cr, style, col_names[c], x0 + (c + 0.5) * cell, y0 + ph + 4, fs,
                           1.0, -M_PI / 2);
      }
  if (col_title != NULL)
    _stva_draw_text (cr, style, col_title, x0 + pw / 2,
                     y0 + ph + 6 + (upright ? fs * 1.6 : col_w) + title / 2, fs, 0.5, 0.0);
  if (row_title != NULL)
    _stva_draw_text (cr, style, row_title, 4 + title / 2, y0 + ph / 2, fs, 0.5, -M_PI / 2);

  /* the colour bar, as tall as the map, 0 at the bottom */
  double bx = x0 + pw + 12;
  cairo_pattern_t *ramp = cairo_pattern_create_linear (0, y0 + ph, 0, y0);
  for (int s = 0; s <= 4; s++)   /* the scale's own points: exact, and a vector gradient */
    {
      double rgb[3];
      stva_draw_viridis (s / 4.0, rgb);
      cairo_pattern_add_color_stop_rgb (ramp, s / 4.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_set_source (cr, ramp);
  cairo_rectangle (cr, bx, y0, bar_w, ph);
  cairo_fill (cr);
  cairo_pattern_destroy (ramp);
  _stva_draw_rgb (cr, style->foreground);
  cairo_rectangle (cr, bx, y0, bar_w, ph);
  cairo_stroke (cr);
  _stva_draw_text (cr, style, vmax_text, bx + bar_w + 4, y0 + fs * 0.5, fs, 0.0, 0.0);
  _stva_draw_text (cr, style, vmid_text, bx + bar_w + 4, y0 + ph / 2, fs, 0.0, 0.0);
  _stva_draw_text (cr, style, "0", bx + bar_w + 4, y0 + ph - fs * 0.5, fs, 0.0, 0.0);
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

/* ---- learning curves --------------------------------------------------------------------- */

typedef struct
{
  double left, top, plot_w, panel_h, gap;
  double x_lo, x_hi, y_hi[2];   /* the axes' ranges; y from 0 */
} Panels;

/* the least of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= v > 0 */
static double
nice_ceil (double v)
{
  static const double m[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
  double mag = pow (10.0, floor (log10 (v)));
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (m[i] * mag >= v)
      return m[i] * mag;
  return 10 * mag;
}

static bool
curves_layout (cairo_t              *cr,
               const StvaDrawCurves *c,
               const StvaDrawStyle  *style,
               double                width,
               double                height,
               Panels               *p)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  if (c->n <= 0)
    return false;
  p->left = 4 + title + _stva_draw_text_width (cr, style, "0.000", fs) + 6;
  p->top = 8 + fs;   /* room for the marker's name */
  p->gap = fs * 1.5;
  p->plot_w = width - p->left - 10;
  p->panel_h = (height - p->top - p->gap - (4 + fs * 1.6 + (c->x_title ? title : 0))) / 2;
  p->x_lo = c->x[0];
  p->x_hi = c->x[c->n - 1];
  if (!(p->x_hi > p->x_lo))
    p->x_lo -= 0.5, p->x_hi += 0.5;
  for (int k = 0; k < 2; k++)
    {
      double hi = 0.0;
      for (int i = 0; i < c->n; i++)
        if (isfinite (c->y[k][i]) && c->y[k][i] > hi)
          hi = c->y[k][i];
      p->y_hi[k] = c->unit_range[k] ? 1.0 : hi > 0.0 ? nice_ceil (hi * 1.02) : 1.0;
    }
  return p->plot_w > 20 && p->panel_h > 10;
}

static double
panel_x (const Panels *p,
         double        x)
{
  return p->left + (x - p->x_lo) / (p->x_hi - p->x_lo) * p->plot_w;
}

static double
panel_y (const Panels *p,
         int           k,
         double        v)
{
  double top = p->top + k * (p->panel_h + p->gap);
  return top + p->panel_h * (1.0 - fmin (fmax (v / p->y_hi[k], 0.0), 1.0));
}

bool
stva_draw_curves_point (cairo_t              *cr,
                        const StvaDrawCurves *c,
                        const StvaDrawStyle  *style,
                        double                width,
                        double                height,
                        int                   panel,
                        int                   i,
                        double               *x,
                        double               *y)
{
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p) || panel < 0 || panel > 1 || i < 0
      || i >= c->n || !isfinite (c->y[panel][i]))
    return false;
  *x = panel_x (&p, c->x[i]);
  *y = panel_y (&p, panel, c->y[panel][i]);
  return true;
}

int
stva_draw_curves_at (cairo_t              *cr,
                     const StvaDrawCurves *c,
                     const StvaDrawStyle  *style,
                     double                width,
                     double                height,
                     double                x,
                     double                y)
{
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p) || x < p.left || x > p.left + p.plot_w)
    return -1;
  bool over = false;
  for (int k = 0; k < 2; k++)
    {
      double top = p.top + k * (p.panel_h + p.gap);
      over = over || (y >= top && y <= top + p.panel_h);
    }
  if (!over)
    return -1;
  int best = 0;
  for (int i = 1; i < c->n; i++)
    if (fabs (panel_x (&p, c->x[i]) - x) < fabs (panel_x (&p, c->x[best]) - x))
      best = i;
  return best;
}

/* an x step of 1, 2 or 5 times a power of ten giving at most max_ticks ticks */
static double
tick_step (double range,
           int    max_ticks)
{
  double step = 1.0;
  for (int k = 0; k < 12 && range / step > max_ticks; k++)
    step *= k % 3 == 1 ? 2.5 : 2.0;   /* 1, 2, 5, 10, 20, 50, ... */
  return step;
}

void
stva_draw_curves (cairo_t              *cr,
                  const StvaDrawCurves *c,
                  const StvaDrawStyle  *style,
                  double                width,
                  double                height)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p))
    {
      cairo_restore (cr);
      return;
    }
  cairo_set_line_width (cr, 0.5);
  /* the marker first: the curves' dots go over it */
  if (isfinite (c->marker_x) && c->marker_x >= p.x_lo && c->marker_x <= p.x_hi)
    {
      double x = panel_x (&p, c->marker_x), dash[2] = { 3.0, 2.0 };
      _stva_draw_rgb (cr, style->foreground);
      cairo_set_dash (cr, dash, 2, 0);
      line (cr, x, p.top, x, p.top + 2 * p.panel_h + p.gap);
      cairo_set_dash (cr, NULL, 0, 0);
      if (c->marker_name != NULL)
        _stva_draw_text (cr, style, c->marker_name, x, p.top - fs * 0.7, fs * 0.85,
                         x > p.left + p.plot_w * 0.8 ? 1.0 : 0.5, 0.0);
    }
  double step = tick_step (p.x_hi - p.x_lo, (int) (p.plot_w / 36) + 1);
  for (int k = 0; k < 2; k++)
    {
      double top = p.top + k * (p.panel_h + p.gap);
      for (int q = 0; q <= 2; q++)   /* y gridlines at 0, half and the top, labelled */
        {
          double v = p.y_hi[k] * q / 2.0, y = panel_y (&p, k, v);
          char text[16];
          snprintf (text, sizeof text, "%.3g", v);
          _stva_draw_rgb (cr, style->grid);
          line (cr, p.left, y, p.left + p.plot_w, y);
          _stva_draw_rgb (cr, style->foreground);
          _stva_draw_text (cr, style, text, p.left - 4, y, fs, 1.0, 0.0);
        }
      for (double x = ceil (p.x_lo / step) * step; x <= p.x_hi + 1e-9; x += step)
        {
          _stva_draw_rgb (cr, style->grid);
          line (cr, panel_x (&p, x), top, panel_x (&p, x), top + p.panel_h);
          if (k == 1)
            {
              char text[16];
              snprintf (text, sizeof text, "%g", x);
              _stva_draw_rgb (cr, style->foreground);
              _stva_draw_text (cr, style, text, panel_x (&p, x), top + p.panel_h + 4 + fs * 0.8,
                               fs, 0.5, 0.0);
            }
        }
      _stva_draw_rgb (cr, style->foreground);
      if (c->y_titles[k] != NULL)
        _stva_draw_text (cr, style, c->y_titles[k], 4 + title / 2, top + p.panel_h / 2, fs, 0.5,
                         -M_PI / 2);

      const double *rgb = stva_draw_series_rgb (k == 0 ? 0 : 2);
      _stva_draw_rgb (cr, rgb);
      cairo_set_line_width (cr, 1.2);
      bool open = false;
      for (int i = 0; i < c->n; i++)
        {
          if (!isfinite (c->y[k][i]))
            {
              open = false;
              continue;
            }
          double x = panel_x (&p, c->x[i]), y = panel_y (&p, k, c->y[k][i]);
          if (open)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          open = true;
        }
      cairo_stroke (cr);
      for (int i = 0; i < c->n; i++)
        if (isfinite (c->y[k][i]))
          {
            cairo_arc (cr, panel_x (&p, c->x[i]), panel_y (&p, k, c->y[k][i]), 2.0, 0, 2 * M_PI);
            cairo_fill (cr);
          }
      cairo_set_line_width (cr, 0.5);
    }
  if (c->x_title != NULL)
    {
      _stva_draw_rgb (cr, style->foreground);
      _stva_draw_text (cr, style, c->x_title, p.left + p.plot_w / 2, height - title / 2, fs, 0.5,
                       0.0);
    }
  cairo_restore (cr);
}
