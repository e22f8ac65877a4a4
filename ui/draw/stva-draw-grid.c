/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The grid figures (see stva-draw.h): the confusion matrix and the heatmap (attention maps),
 * cells on a square grid with names along two sides, and the heatmap's viridis scale.
 * Sizes are in points, so the same call makes a screen view, a PNG at any resolution and a
 * vector figure; text follows style->font_size_pt and shrinks only where a cell is too small.
 * Each figure has a layout function that both the drawing and the hit test call.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "stva-draw-private.h"

/* ---- confusion matrix ------------------------------------------------------------------- */

void
stva_draw_confusion_shade (const StvaDrawStyle *style,
                           double               share,
                           double               rgb[3])
{
  static const double dark[3] = { 0.03, 0.19, 0.42 };
  _stva_draw_lerp (style->background, dark, fmin (fmax (share, 0.0), 1.0), rgb);
}

typedef struct
{
  double x0, y0, cell;   /* the grid's top left corner and its cells' side */
  bool   upright;        /* column names upright (else turned a quarter) */
  double col_w;          /* the widest column name */
  double pad;            /* between an upright name and its neighbour; a turned name's gap */
} Grid;

/* The cell side for rows x cols cells in avail_w x avail_h (what is left once the names and
 * titles beside and the title below are taken), with g->col_w set: upright column names
 * (fs·1.6 tall) when the widest fits a cell with pad to spare, else turned (col_w tall). */
static void
grid_fit (Grid   *g,
          double  avail_w,
          double  avail_h,
          int     rows,
          int     cols,
          double  fs,
          double  pad)
{
  double up_cell = fmin (avail_w / cols, (avail_h - fs * 1.6) / rows);
  g->pad = pad;
  g->upright = g->col_w + pad <= up_cell;
  g->cell = g->upright ? up_cell : fmin (avail_w / cols, (avail_h - g->col_w) / rows);
}

/* Every every-th column name (NULL ones skipped) under a grid whose cells end at y_end,
 * upright or turned as g says, and title (nullable) under them. */
static void
grid_columns (cairo_t             *cr,
              const StvaDrawStyle *style,
              const Grid          *g,
              const char *const   *names,
              int                  cols,
              int                  every,
              double               y_end,
              const char          *title)
{
  const double fs = style->font_size_pt;
  for (int c = 0; c < cols; c += every)
    if (names[c] != NULL)
      {
        double x = g->x0 + (c + 0.5) * g->cell;
        if (g->upright)
          _stva_draw_text (cr, style, names[c], x, y_end + 6 + fs * 0.8, fs, 0.5, 0.0);
        else
          _stva_draw_text (cr, style, names[c], x, y_end + g->pad, fs, 1.0, -M_PI / 2);
      }
  if (title != NULL)
    _stva_draw_text (cr, style, title, g->x0 + g->cell * cols / 2,
                     y_end + 6 + (g->upright ? fs * 1.6 : g->col_w) + fs * 1.8 / 2, fs, 0.5, 0.0);
}

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
  double row_w = _stva_draw_widest (cr, style, labels, K, fs);
  double left = 4 + title + row_w + 6, top = 6, right = 6;
  g->col_w = row_w;
  grid_fit (g, width - left - right, height - top - 6 - title - 4, K, K, fs, 6);
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
      _stva_draw_line (cr, x0, y0 + i * cell, x0 + side, y0 + i * cell);
      _stva_draw_line (cr, x0 + i * cell, y0, x0 + i * cell, y0 + side);
    }
  _stva_draw_rgb (cr, style->foreground);
  for (int i = 0; i < K; i++)
    _stva_draw_text (cr, style, labels[i], x0 - 6, y0 + (i + 0.5) * cell, fs, 1.0, 0.0);
  grid_columns (cr, style, &g, labels, K, 1, y0 + side, "predicted label");
  _stva_draw_text (cr, style, "reference label", 4 + title / 2, y0 + side / 2, fs, 0.5,
                   -M_PI / 2);
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
  _stva_draw_lerp (stops[i], stops[i + 1], s - i, rgb);
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

/* A map that asks for it, in a box narrower than this many font sizes, is drawn compact: no
 * row title, a narrow colour bar close to the map, the middle tick only where it clears the
 * ends. */
#define HEAT_COMPACT_EMS 45.0

static bool
heat_compact (const StvaDrawHeatmap *map,
              const StvaDrawStyle   *style,
              double                 width)
{
  return map->compact && width < style->font_size_pt * HEAT_COMPACT_EMS;
}

/* the colour bar's width and its gap from the map */
static void
heat_bar (const StvaDrawStyle *style,
          bool                 compact,
          double              *bar_w,
          double              *bar_gap)
{
  *bar_w = style->font_size_pt * (compact ? 0.7 : 1.2);
  *bar_gap = compact ? 5 : 12;
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
  double row_w = _stva_draw_widest (cr, style, map->row_names, map->rows, fs);
  g->col_w = _stva_draw_widest (cr, style, map->col_names, map->cols, fs);
  double tick_w = _stva_draw_text_width (cr, style, vmax_text, fs);
  bool compact = heat_compact (map, style, width);
  double bar_w, bar_gap;
  heat_bar (style, compact, &bar_w, &bar_gap);
  double left = (map->row_title && !compact ? 4 + title : 4) + row_w + 6, top = 8;
  double right = bar_gap + bar_w + (compact ? 3 : 4) + tick_w + (compact ? 3 : 6);
  grid_fit (g, width - left - right, height - top - 6 - (map->col_title ? title : 0) - 4,
            map->rows, map->cols, fs, 4);
  g->x0 = left;
  g->y0 = top;
  return g->cell > 0.5;
}

/* The cells as rectangles: a figure for a paper keeps vector cells. */
static void
heat_cells_vector (cairo_t             *cr,
                   const StvaDrawStyle *style,
                   const float         *values,
                   int                  rows,
                   int                  cols,
                   double               vmax,
                   double               x0,
                   double               y0,
                   double               cell)
{
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
}

/* The cells as one image of a pixel per cell, scaled up without smoothing: on screen (and in
 * PNGs) a 220 x 220 map is one paint instead of 48,400 fills. */
static void
heat_cells_image (cairo_t             *cr,
                  const StvaDrawStyle *style,
                  const float         *values,
                  int                  rows,
                  int                  cols,
                  double               vmax,
                  double               x0,
                  double               y0,
                  double               cell)
{
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cols, rows);
  if (cairo_surface_status (img) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (img);
      heat_cells_vector (cr, style, values, rows, cols, vmax, x0, y0, cell);
      return;
    }
  cairo_surface_flush (img);
  unsigned char *data = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (int r = 0; r < rows; r++)
    {
      uint32_t *px = (uint32_t *) (data + (size_t) r * (size_t) stride);
      for (int c = 0; c < cols; c++)
        {
          float v = values[(size_t) r * (size_t) cols + (size_t) c];
          double rgb[3];
          if (isfinite (v))
            stva_draw_viridis (v / vmax, rgb);
          else
            for (int i = 0; i < 3; i++)
              rgb[i] = style->background[i];
          uint32_t R = (uint32_t) lround (rgb[0] * 255.0), G = (uint32_t) lround (rgb[1] * 255.0),
                   B = (uint32_t) lround (rgb[2] * 255.0);
          px[c] = (R << 16) | (G << 8) | B;
        }
    }
  cairo_surface_mark_dirty (img);
  cairo_save (cr);
  cairo_translate (cr, x0, y0);
  cairo_scale (cr, cell, cell);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, cols, rows);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
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
  const double fs = style->font_size_pt, title = fs * 1.8;
  bool compact = heat_compact (map, style, width);
  double bar_w, bar_gap;
  heat_bar (style, compact, &bar_w, &bar_gap);
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
  double cell = g.cell;
  char vmax_text[32], vmid_text[32];
  double vmax = heat_max (values, rows, cols, vmax_text, vmid_text);
  double x0 = g.x0, y0 = g.y0, pw = cell * cols, ph = cell * rows;
  cairo_surface_type_t target = cairo_surface_get_type (cairo_get_target (cr));
  if (target == CAIRO_SURFACE_TYPE_PDF || target == CAIRO_SURFACE_TYPE_SVG
      || target == CAIRO_SURFACE_TYPE_PS)
    heat_cells_vector (cr, style, values, rows, cols, vmax, x0, y0, cell);
  else
    heat_cells_image (cr, style, values, rows, cols, vmax, x0, y0, cell);
  _stva_draw_rgb (cr, style->foreground);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x0, y0, pw, ph);
  cairo_stroke (cr);

  /* the marked rows framed just outside their cells (which stay whole), a line of the
   * foreground inside one of the background (it shows on any cell), a run of marked rows in
   * one frame */
  if (map->marked != NULL)
    for (int r = 0; r < rows; r++)
      if (map->marked[r] && (r == 0 || !map->marked[r - 1]))
        {
          int end = r;
          while (end + 1 < rows && map->marked[end + 1])
            end++;
          double lw = fmax (1.0, fmin (2.0, cell * 0.2)), h = (end - r + 1) * cell;
          cairo_set_line_width (cr, lw);
          _stva_draw_rgb (cr, style->background);
          cairo_rectangle (cr, x0 - 1.5 * lw, y0 + r * cell - 1.5 * lw, pw + 3 * lw, h + 3 * lw);
          cairo_stroke (cr);
          _stva_draw_rgb (cr, style->foreground);
          cairo_rectangle (cr, x0 - 0.5 * lw, y0 + r * cell - 0.5 * lw, pw + lw, h + lw);
          cairo_stroke (cr);
        }
  _stva_draw_rgb (cr, style->foreground);
  cairo_set_line_width (cr, 0.5);

  /* every every_r-th row's name, a marked row's always (and its neighbours within a name's
   * height left out) */
  int every_r = thin (fs * 1.2, cell);
  for (int r = 0; r < rows; r++)
    {
      bool marked = map->marked != NULL && map->marked[r];
      if (row_names[r] == NULL || (!marked && r % every_r != 0))
        continue;
      bool crowded = false;
      for (int q = 0; q < rows && !marked && !crowded; q++)
        crowded = map->marked != NULL && map->marked[q] && q != r
                  && fabs ((double) (q - r)) * cell < fs * 1.2;
      if (crowded)
        continue;
      _stva_draw_text (cr, style, row_names[r], x0 - 4, y0 + (r + 0.5) * cell, fs, 1.0, 0.0);
    }
  grid_columns (cr, style, &g, col_names, cols,
                thin (g.upright ? g.col_w + 4 : fs * 1.2, cell), y0 + ph, col_title);
  if (row_title != NULL && !compact)
    _stva_draw_text (cr, style, row_title, 4 + title / 2, y0 + ph / 2, fs, 0.5, -M_PI / 2);

  /* the colour bar, as tall as the map, 0 at the bottom */
  double bx = x0 + pw + bar_gap;
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
  double tx = bx + bar_w + (compact ? 3 : 4);
  _stva_draw_text (cr, style, vmax_text, tx, y0 + fs * 0.5, fs, 0.0, 0.0);
  if (!compact || ph >= fs * 6)   /* the middle tick when it clears the ends */
    _stva_draw_text (cr, style, vmid_text, tx, y0 + ph / 2, fs, 0.0, 0.0);
  _stva_draw_text (cr, style, "0", tx, y0 + ph - fs * 0.5, fs, 0.0, 0.0);
  cairo_restore (cr);
}
