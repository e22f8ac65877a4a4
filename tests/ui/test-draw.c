/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/draw's figures, drawn into memory (no display): every cell and bar is found through the
 * figure's own hit test and its pixels are read back, so the test checks what a reader of the
 * figure sees (each confusion cell shaded by its row share, each bar's modality heights in
 * proportion to β, each heatmap cell on the scale) and that hit testing agrees with drawing;
 * and the three file kinds, with the failures that must leave nothing behind.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "stva-draw.h"
#include "stva-graph.h"
#include "stva-dataset.h"

typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  int              w, h;
} Canvas;

static void
canvas_init (Canvas *c,
             int     w,
             int     h)
{
  c->w = w;
  c->h = h;
  c->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  c->cr = cairo_create (c->surface);
}

static void
canvas_clear (Canvas *c)
{
  cairo_destroy (c->cr);
  cairo_surface_destroy (c->surface);
}

/* the pixel at (x, y) as 0..1 channels */
static void
pixel (Canvas *c,
       int     x,
       int     y,
       double  rgb[3])
{
  cairo_surface_flush (c->surface);
  const unsigned char *data = cairo_image_surface_get_data (c->surface);
  guint32 p = *(const guint32 *) (data + (size_t) y * cairo_image_surface_get_stride (c->surface)
                                  + (size_t) x * 4);
  rgb[0] = ((p >> 16) & 0xff) / 255.0;
  rgb[1] = ((p >> 8) & 0xff) / 255.0;
  rgb[2] = (p & 0xff) / 255.0;
}

static gboolean
same (const double *a,
      const double *b)
{
  for (int i = 0; i < 3; i++)
    if (fabs (a[i] - b[i]) > 1.5 / 255.0)
      return FALSE;
  return TRUE;
}

/* The figures' hit tests answer one cell of a grid or one bar of a row, so each pixel's answer is
 * the column of its x crossed with the row of its y: found with one call per column and one per
 * row (a call lays the figure out again, text measures and all, so one per pixel is slow under
 * the sanitizers).  hit (x, y, &row, &col) is the figure's hit test. */
typedef gboolean (*Hit) (const void *figure, double x, double y, int *row, int *col);

static void
hit_map (Canvas     *c,
         Hit         hit,
         const void *figure,
         int        *row_of_y,   /* (h), -1 outside */
         int        *col_of_x)   /* (w), -1 outside */
{
  double x_in = -1, y_in = -1;
  int r, k;
  for (int d = 0; d < c->w && x_in < 0; d++)   /* a point inside: on the diagonal */
    if (hit (figure, d + 0.5, (d + 0.5) * c->h / c->w, &r, &k))
      x_in = d + 0.5, y_in = (d + 0.5) * c->h / c->w;
  g_assert_cmpfloat (x_in, >=, 0);
  for (int x = 0; x < c->w; x++)
    col_of_x[x] = hit (figure, x + 0.5, y_in, &r, &k) ? k : -1;
  for (int y = 0; y < c->h; y++)
    row_of_y[y] = hit (figure, x_in, y + 0.5, &r, &k) ? r : -1;
}

/* per cell of a grid with cols columns: its pixels (n) and those of the colour want[cell] */
static void
count_cells (Canvas       *c,
             const int    *row_of,
             const int    *col_of,
             int           cols,
             double      (*want)[3],
             int          *n,
             int          *match)
{
  for (int y = 0; y < c->h; y++)
    for (int x = 0; x < c->w; x++)
      {
        int r = row_of[y], k = col_of[x];
        if (r < 0 || k < 0)
          continue;
        double got[3];
        pixel (c, x, y, got);
        n[r * cols + k]++;
        match[r * cols + k] += same (got, want[r * cols + k]);
      }
}

static void
test_viridis (void)
{
  double lo[3], hi[3], nan_rgb[3], below[3], above[3];
  stva_draw_viridis (0.0, lo);
  stva_draw_viridis (1.0, hi);
  stva_draw_viridis (NAN, nan_rgb);
  stva_draw_viridis (-3.0, below);
  stva_draw_viridis (7.0, above);
  g_assert_true (same (lo, nan_rgb) && same (lo, below) && same (hi, above));
  g_assert_cmpfloat (lo[0] + lo[1] + lo[2], <, hi[0] + hi[1] + hi[2]);   /* dark to light */
  double prev = -1.0;
  for (int i = 0; i <= 100; i++)   /* viridis's green rises all the way */
    {
      double rgb[3];
      stva_draw_viridis (i / 100.0, rgb);
      g_assert_cmpfloat (rgb[1], >, prev);
      prev = rgb[1];
    }
}

typedef struct
{
  cairo_t             *cr;
  const char *const   *labels;
  const StvaDrawStyle *style;
  double               w, h;
} ConfusionFigure;

static gboolean
confusion_hit (const void *figure,
               double      x,
               double      y,
               int        *row,
               int        *col)
{
  const ConfusionFigure *f = figure;
  return stva_draw_confusion_at (f->cr, 3, f->labels, f->style, f->w, f->h, x, y, row, col);
}

static void
test_confusion (void)
{
  const char *labels[3] = { "neutral", "joy", "surprise" };
  const int counts[9] = { 8, 2, 0,   1, 1, 2,   0, 0, 0 };
  const double share[9] = { 0.8, 0.2, 0.0,   0.25, 0.25, 0.5,   0.0, 0.0, 0.0 };
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 320, 300);
  stva_draw_confusion (c.cr, counts, 3, labels, &style, c.w, c.h);
  int n[9] = { 0 }, match[9] = { 0 }, row_of[300], col_of[320];
  ConfusionFigure fig = { c.cr, labels, &style, c.w, c.h };
  hit_map (&c, confusion_hit, &fig, row_of, col_of);
  double want[9][3];
  for (int i = 0; i < 9; i++)
    stva_draw_confusion_shade (&style, share[i], want[i]);
  count_cells (&c, row_of, col_of, 3, want, n, match);
  for (int i = 0; i < 9; i++)
    {
      g_assert_cmpint (n[i], >, 2000);                        /* cells of some size */
      g_assert_cmpint (n[i], ==, n[0]);                       /* all alike */
      g_assert_cmpfloat ((double) match[i] / n[i], >, 0.6);   /* mostly its shade, not text */
    }
  int r, k;
  g_assert_false (stva_draw_confusion_at (c.cr, 3, labels, &style, c.w, c.h, 1, 1, &r, &k));
  canvas_clear (&c);
}

typedef struct
{
  cairo_t                 *cr;
  const StvaDrawUtterance *u;
  const char *const       *labels;
  const StvaDrawStyle     *style;
  double                   w, h;
} ContributionsFigure;

/* an utterance's bar as a column of a one-row grid */
static gboolean
contributions_hit (const void *figure,
                   double      x,
                   double      y,
                   int        *row,
                   int        *col)
{
  const ContributionsFigure *f = figure;
  *row = 0;
  *col = stva_draw_contributions_at (f->cr, f->u, 5, f->labels, 4, f->style, f->w, f->h, x, y);
  return *col >= 0;
}

static void
test_contributions (void)
{
  const char *labels[4] = { "neutral", "joy", "surprise", "anger" };
  StvaDrawUtterance u[5] = {
    { .has_beta = true, .beta = { 0.5f, 0.3f, 0.2f }, .reference = 0, .predicted = 0 },
    { .has_beta = true, .beta = { 1.0f, 0.0f, 0.0f }, .reference = 3, .predicted = 0 },
    { .has_beta = true, .beta = { 0.2f, 0.2f, 0.6f }, .reference = -1, .predicted = 3 },
    { .has_beta = false, .reference = 0, .predicted = -1 },
    { .has_beta = true, .beta = { 0.25f, 0.25f, 0.0f }, .reference = 1, .predicted = 1 },
  };
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 360, 260);
  stva_draw_contributions (c.cr, u, 5, labels, 4, &style, c.w, c.h);
  int px[5][3] = { { 0 } }, row_of[260], col_of[360];
  ContributionsFigure fig = { c.cr, u, labels, &style, c.w, c.h };
  hit_map (&c, contributions_hit, &fig, row_of, col_of);
  for (int y = 0; y < c.h; y++)
    for (int x = 0; x < c.w; x++)
      {
        int i = col_of[x];
        if (i < 0 || row_of[y] < 0)
          continue;
        double got[3];
        pixel (&c, x, y, got);
        for (int m = 0; m < 3; m++)
          px[i][m] += same (got, stva_draw_modality_rgb (m));
      }
  for (int i = 0; i < 3; i++)
    {
      int total = px[i][0] + px[i][1] + px[i][2];
      g_assert_cmpint (total, >, 1000);
      for (int m = 0; m < 3; m++)
        g_assert_cmpfloat (fabs ((double) px[i][m] / total - u[i].beta[m]), <, 0.03);
    }
  /* full bars alike, to a column of pixels where the bar edges fall between them */
  int t0 = px[0][0] + px[0][1] + px[0][2], t1 = px[1][0] + px[1][1] + px[1][2];
  g_assert_cmpint (abs (t0 - t1), <=, t0 / 30);
  int t4 = px[4][0] + px[4][1] + px[4][2];   /* β summing to a half: half a bar */
  g_assert_cmpint (abs (2 * t4 - t0), <=, t0 / 30);
  g_assert_cmpint (px[3][0] + px[3][1] + px[3][2], ==, 0);   /* no β: no bar */
  g_assert_cmpint (stva_draw_contributions_at (c.cr, u, 5, labels, 4, &style, c.w, c.h, 1, 1),
                   ==, -1);
  canvas_clear (&c);
}

/* pixels of c that are rgb */
static int
count_rgb (Canvas       *c,
           const double *rgb)
{
  int n = 0;
  for (int y = 0; y < c->h; y++)
    for (int x = 0; x < c->w; x++)
      {
        double got[3];
        pixel (c, x, y, got);
        n += same (got, rgb);
      }
  return n;
}

/* Labels past the seven emotions: the palette cycled when the set gives no colours, the set's
 * own when it does (the label chips of the contributions figure). */
static void
test_many_labels (void)
{
  const char *labels[30];
  char names[30][8];
  for (int k = 0; k < 30; k++)
    {
      g_snprintf (names[k], sizeof names[k], "l%d", k);
      labels[k] = names[k];
    }
  StvaDrawUtterance u[3] = {
    { .has_beta = true, .beta = { 0.5f, 0.3f, 0.2f }, .reference = 12, .predicted = 12 },
    { .has_beta = true, .beta = { 0.5f, 0.3f, 0.2f }, .reference = 29, .predicted = 29 },
    { .has_beta = true, .beta = { 0.5f, 0.3f, 0.2f }, .reference = 3, .predicted = 3 },
  };
  double rgb[3] = { -1, -1, -1 };
  g_assert_true (stva_draw_parse_colour ("#FF00cc", rgb));
  g_assert_cmpfloat (rgb[0], ==, 1.0);
  g_assert_cmpfloat (rgb[1], ==, 0.0);
  g_assert_cmpfloat (rgb[2], ==, 0.8);
  g_assert_false (stva_draw_parse_colour ("#ff00c", rgb));
  g_assert_false (stva_draw_parse_colour ("ff00cc0", rgb));
  g_assert_false (stva_draw_parse_colour ("#ff00cg", rgb));
  g_assert_cmpfloat (rgb[2], ==, 0.8);   /* untouched */
  /* 25 different colours, then again */
  for (int k = 0; k < 25; k++)
    for (int j = 0; j < k; j++)
      g_assert_false (same (stva_draw_palette_rgb (k), stva_draw_palette_rgb (j)));
  g_assert_true (stva_draw_palette_rgb (29) == stva_draw_palette_rgb (4));

  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 360, 260);
  stva_draw_contributions (c.cr, u, 3, labels, 30, &style, c.w, c.h);
  int n12 = count_rgb (&c, stva_draw_palette_rgb (12));
  int n29 = count_rgb (&c, stva_draw_palette_rgb (29));
  int n3 = count_rgb (&c, style.emotion[3]);
  g_assert_cmpint (n12, >, 100);   /* two chips and a legend swatch each */
  g_assert_cmpint (n29, >, 100);
  g_assert_cmpint (abs (n12 - n29), <=, n12 / 10);
  g_assert_cmpint (abs (n3 - n12), <=, n12 / 10);
  canvas_clear (&c);

  /* the set's own colours come first, for every label they cover */
  double own[30][3];
  for (int k = 0; k < 30; k++)
    {
      own[k][0] = 1.0, own[k][1] = 0.0, own[k][2] = k / 29.0;
    }
  style.label_rgb = &own[0][0];
  style.n_label_rgb = 30;
  canvas_init (&c, 360, 260);
  stva_draw_contributions (c.cr, u, 3, labels, 30, &style, c.w, c.h);
  g_assert_cmpint (count_rgb (&c, own[12]), ==, n12);
  g_assert_cmpint (count_rgb (&c, own[29]), ==, n29);
  g_assert_cmpint (count_rgb (&c, own[3]), ==, n3);
  g_assert_cmpint (count_rgb (&c, stva_draw_palette_rgb (12)), ==, 0);
  g_assert_cmpint (count_rgb (&c, style.emotion[3]), ==, 0);
  canvas_clear (&c);
}

typedef struct
{
  cairo_t               *cr;
  const StvaDrawHeatmap *map;
  const StvaDrawStyle   *style;
  double                 w, h;
} HeatmapFigure;

static gboolean
heatmap_hit (const void *figure,
             double      x,
             double      y,
             int        *row,
             int        *col)
{
  const HeatmapFigure *f = figure;
  return stva_draw_heatmap_at (f->cr, f->map, f->style, f->w, f->h, x, y, row, col);
}

static void
test_heatmap (void)
{
  const float values[12] = { 0.1f, 0.2f, 0.4f, NAN,   0.0f, 0.05f, 0.3f, 0.15f,
                             0.25f, 0.35f, 0.2f, 0.1f };
  const char *rows[3] = { "T1", "T2", "T3" }, *cols[4] = { "A1", "A2", "A3", "A4" };
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 300, 220);
  StvaDrawHeatmap map = { values, 3, 4, rows, cols, "query", "key" };
  stva_draw_heatmap (c.cr, &map, &style, c.w, c.h);
  int n[12] = { 0 }, match[12] = { 0 }, row_of[220], col_of[300];
  HeatmapFigure fig = { c.cr, &map, &style, c.w, c.h };
  hit_map (&c, heatmap_hit, &fig, row_of, col_of);
  double want[12][3];
  for (int i = 0; i < 12; i++)
    if (isnan (values[i]))
      memcpy (want[i], style.background, sizeof want[i]);
    else
      stva_draw_viridis (values[i] / 0.4, want[i]);   /* the scale runs to the largest value */
  count_cells (&c, row_of, col_of, 4, want, n, match);
  for (int i = 0; i < 12; i++)
    {
      g_assert_cmpint (n[i], >, 400);
      g_assert_cmpfloat ((double) match[i] / n[i], >, 0.8);
    }
  canvas_clear (&c);
}

/* the grid of map drawn in w x h, from its hit test: the top left corner and the cell's side */
static void
heat_grid (cairo_t               *cr,
           const StvaDrawHeatmap *map,
           const StvaDrawStyle   *style,
           int                    w,
           int                    h,
           double                 grid[3])
{
  int r, c, x0 = -1, y0 = -1, side = 0;
  /* along the middle row of pixels (the map spans it), then up its first column */
  for (int x = 0; x < w && x0 < 0; x++)
    if (stva_draw_heatmap_at (cr, map, style, w, h, x + 0.5, h / 2 + 0.5, &r, &c))
      x0 = x;
  g_assert_cmpint (x0, >=, 0);
  for (int y = 0; y < h && y0 < 0; y++)
    if (stva_draw_heatmap_at (cr, map, style, w, h, x0 + 0.5, y + 0.5, &r, &c))
      y0 = y;
  g_assert_cmpint (y0, >=, 0);
  while (stva_draw_heatmap_at (cr, map, style, w, h, x0 + side + 0.5, y0 + 0.5, &r, &c)
         && c == 0)
    side++;
  grid[0] = x0;
  grid[1] = y0;
  grid[2] = side;
}

/* On a screen's narrow box: a compact map has larger cells than the full one; a marked row is
 * framed (the drawing changes around it alone) and its name shown though the names are
 * thinned */
static void
test_heatmap_marked (void)
{
  enum { N = 32 };
  float values[N * N];
  char *names[N], *keys[N];
  for (int i = 0; i < N * N; i++)
    values[i] = (float) ((i * 7) % 13) / 13.0f;
  for (int i = 0; i < N; i++)
    {
      names[i] = g_strdup_printf ("%c%d Rachel", i < N / 2 ? 'T' : 'A', i % (N / 2) + 1);
      keys[i] = g_strdup_printf ("%c%d", i < N / 2 ? 'T' : 'A', i % (N / 2) + 1);
    }
  bool marked[N] = { false };
  marked[10] = true;
  StvaDrawStyle style;
  stva_draw_style_init_screen (&style);
  Canvas c, d;
  canvas_init (&c, 300, 230);
  StvaDrawHeatmap map = { values, 8, 8, (const char *const *) names,
                          (const char *const *) keys, "query", "key", NULL, false };
  double full[3], compact[3];
  heat_grid (c.cr, &map, &style, c.w, c.h, full);
  map.compact = true;
  heat_grid (c.cr, &map, &style, c.w, c.h, compact);
  g_assert_cmpfloat (compact[2], >, full[2]);
  map.compact = false;   /* not in a wide box */
  heat_grid (c.cr, &map, &style, 800, c.h, full);
  map.compact = true;
  heat_grid (c.cr, &map, &style, 800, c.h, compact);
  g_assert_cmpfloat (compact[0], ==, full[0]);

  map.rows = map.cols = N;
  stva_draw_heatmap (c.cr, &map, &style, c.w, c.h);
  map.marked = marked;
  canvas_init (&d, 300, 230);
  stva_draw_heatmap (d.cr, &map, &style, d.w, d.h);
  double grid[3];
  heat_grid (d.cr, &map, &style, d.w, d.h, grid);
  g_assert_cmpfloat (grid[2], <, style.font_size_pt * 1.2);   /* the names thinned */
  double top = -1, bottom = -1;   /* row 10's first and last pixel rows */
  for (int y = 0; y < d.h; y++)
    {
      int r, col;
      if (stva_draw_heatmap_at (d.cr, &map, &style, d.w, d.h, grid[0] + 1.5, y + 0.5, &r, &col)
          && r == 10)
        {
          if (top < 0)
            top = y;
          bottom = y;
        }
    }
  g_assert_cmpfloat (top, >, 0);
  int changed = 0, label = 0;
  for (int y = 0; y < c.h; y++)
    for (int x = 0; x < c.w; x++)
      {
        double a[3], b[3];
        pixel (&c, x, y, a);
        pixel (&d, x, y, b);
        if (same (a, b))
          continue;
        if (x >= grid[0] - 4)
          {   /* the frame, around row 10 (within a few pixels), the row's cells untouched */
            g_assert_cmpfloat (y, >=, top - 5);
            g_assert_cmpfloat (y, <=, bottom + 5);
            if (x > grid[0] + 2 && x < grid[0] + N * grid[2] - 2)
              g_assert_true (y <= top || y >= bottom);
            changed++;
          }
        else if (y >= top && y <= bottom)   /* its name */
          label++;
      }
  g_assert_cmpint (changed, >, (int) (grid[2] * N * 2));
  g_assert_cmpint (label, >, 10);
  canvas_clear (&c);
  canvas_clear (&d);
  for (int i = 0; i < N; i++)
    {
      g_free (names[i]);
      g_free (keys[i]);
    }
}

typedef struct
{
  cairo_t             *cr;
  const StvaDrawBars  *bars;
  const StvaDrawStyle *style;
  double               w, h;
} BarsFigure;

/* each bar a column of a one-row grid */
static gboolean
bars_hit (const void *figure,
          double      x,
          double      y,
          int        *row,
          int        *col)
{
  const BarsFigure *f = figure;
  int g, s;
  if (!stva_draw_bars_at (f->cr, f->bars, f->style, f->w, f->h, x, y, &g, &s))
    return FALSE;
  *row = 0;
  *col = g * f->bars->n_series + s;
  return TRUE;
}

static void
test_bars (void)
{
  const double values[8] = { 0.9, 0.45, 0.3,   1.0, NAN, 0.6,   0.0, 0.15 };
  const char *groups[4] = { "neutral", "joy", "weighted", "x" };
  const char *series[2] = { "model a", "model b" };
  StvaDrawBars bars = { 4, 2, values, groups, series, "F1" };
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 400, 240);
  stva_draw_bars (c.cr, &bars, &style, c.w, c.h);
  int row_of[240], col_of[400], px[8] = { 0 };
  BarsFigure fig = { c.cr, &bars, &style, c.w, c.h };
  hit_map (&c, bars_hit, &fig, row_of, col_of);
  for (int y = 0; y < c.h; y++)
    for (int x = 0; x < c.w; x++)
      if (row_of[y] >= 0 && col_of[x] >= 0)
        {
          double got[3];
          pixel (&c, x, y, got);
          px[col_of[x]] += same (got, stva_draw_series_rgb (col_of[x] % 2));
        }
  /* every bar's area in proportion to its value, against the full one (group 1, series 1) */
  g_assert_cmpint (px[3], >, 800);
  for (int i = 0; i < 8; i++)
    if (isnan (values[i]))
      g_assert_cmpint (px[i], ==, 0);
    else
      g_assert_cmpfloat (fabs ((double) px[i] / px[3] - values[i]), <, 0.03);
  g_assert_false (same (stva_draw_series_rgb (0), stva_draw_series_rgb (1)));
  canvas_clear (&c);
}

static void
test_curves (void)
{
  const double x[6] = { 1, 2, 3, 4, 5, 6 };
  const double loss[6] = { 2.0, 1.5, 1.1, 0.9, 0.8, 0.75 };
  const double f1[6] = { 0.3, NAN, 0.6, 0.7, 0.65, 0.72 };
  StvaDrawCurves curves = { .n = 6, .x = x, .y = { loss, f1 },
                            .y_titles = { "training loss", "dev weighted F1" },
                            .unit_range = { false, true }, .x_title = "epoch", .marker_x = 4,
                            .marker_name = "kept" };
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  Canvas c;
  canvas_init (&c, 360, 260);
  stva_draw_curves (c.cr, &curves, &style, c.w, c.h);
  const double *vals[2] = { loss, f1 };
  for (int k = 0; k < 2; k++)
    {
      double prev_x = -1;
      for (int i = 0; i < 6; i++)
        {
          double px, py, got[3];
          gboolean drawn = stva_draw_curves_point (c.cr, &curves, &style, c.w, c.h, k, i, &px,
                                                   &py);
          g_assert_cmpint (drawn, ==, !isnan (vals[k][i]));
          if (!drawn)
            continue;
          pixel (&c, (int) px, (int) py, got);   /* each point's dot in its line's colour */
          g_assert_true (same (got, stva_draw_series_rgb (k == 0 ? 0 : 2)));
          g_assert_cmpfloat (px, >, prev_x);
          prev_x = px;
          g_assert_cmpint (stva_draw_curves_at (c.cr, &curves, &style, c.w, c.h, px, py), ==,
                           i);
          for (int j = 0; j < i; j++)   /* a higher value is drawn higher up */
            {
              double qx, qy;
              if (stva_draw_curves_point (c.cr, &curves, &style, c.w, c.h, k, j, &qx, &qy))
                g_assert_true ((vals[k][j] > vals[k][i]) == (qy < py));
            }
        }
    }
  /* the score panel spans 0 to 1: 0.3 sits at 70 % of its height from its top to 0.6's 40 % */
  double y3, y6, y7, xx;
  g_assert_true (stva_draw_curves_point (c.cr, &curves, &style, c.w, c.h, 1, 0, &xx, &y3));
  g_assert_true (stva_draw_curves_point (c.cr, &curves, &style, c.w, c.h, 1, 2, &xx, &y6));
  g_assert_true (stva_draw_curves_point (c.cr, &curves, &style, c.w, c.h, 1, 3, &xx, &y7));
  g_assert_cmpfloat (fabs ((y3 - y6) / (y6 - y7) - 3.0), <, 1e-6);
  g_assert_cmpint (stva_draw_curves_at (c.cr, &curves, &style, c.w, c.h, 1, 1), ==, -1);
  canvas_clear (&c);
}

static void
draw_square (cairo_t *cr,
             void    *data,
             double   width,
             double   height)
{
  cairo_set_source_rgb (cr, 0.2, 0.4, 0.6);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  *(int *) data += 1;
}

static void
assert_starts (const char *path,
               const char *magic,
               gsize       n)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, >=, n);
  g_assert_cmpmem (text, n, magic, n);
}

static void
test_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stva-draw-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_autofree char *png = g_build_filename (dir, "f.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "f.SVG", NULL);
  g_autofree char *pdf = g_build_filename (dir, "f.pdf", NULL);
  char *message = NULL;
  int calls = 0;
  g_assert_true (stva_draw_to_file (png, 72, 36, 300, draw_square, &calls, &message));
  g_assert_true (stva_draw_to_file (svg, 72, 36, 300, draw_square, &calls, &message));
  g_assert_true (stva_draw_to_file (pdf, 72, 36, 300, draw_square, &calls, &message));
  g_assert_cmpint (calls, ==, 3);
  g_assert_null (message);
  assert_starts (png, "\x89PNG\r\n\x1a\n", 8);
  assert_starts (pdf, "%PDF-", 5);
  g_autofree char *svg_text = NULL;
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "width=\"72\""));
  /* the PNG has 300 dpi's pixels: 72 x 36 points = 300 x 150 */
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (img), ==, 300);
  g_assert_cmpint (cairo_image_surface_get_height (img), ==, 150);
  cairo_surface_destroy (img);

  /* refused before drawing, naming the file; nothing left behind */
  g_autofree char *txt = g_build_filename (dir, "f.txt", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "f.png", NULL);
  const char *bad[3] = { txt, nowhere, png };
  double dpi[3] = { 300, 300, 5000 };
  for (int i = 0; i < 3; i++)
    {
      calls = 0;
      g_assert_false (stva_draw_to_file (bad[i], 72, 36, dpi[i], draw_square, &calls, &message));
      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, bad[i]));
      g_clear_pointer (&message, g_free);
    }
  g_assert_false (stva_draw_file_kind_ok ("figure"));
  g_assert_false (stva_draw_file_kind_ok ("a.png/figure"));
  g_assert_true (stva_draw_file_kind_ok ("a.PDF"));
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_assert_false (g_str_has_suffix (name, ".part"));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
      n++;
    }
  g_assert_cmpint (n, ==, 3);
  g_rmdir (dir);
}

/* ---- the graph view ------------------------------------------------------------------------ */

/* A dialogue's pair graphs as core builds them (relations) with made-up attention: each row a
 * softmax over its edges of scores from a fixed formula. */
typedef struct
{
  int    T;
  float *beta;           /* (T, 3) */
  bool  *present;        /* (T, 3) */
  int   *rel[3];         /* (2T, 2T) */
  float *weights[3];     /* (2T, 2T) */
  const char *const *speakers;
} GraphData;

static void
graph_data_init (GraphData         *d,
                 int                T,
                 const char *const *speakers,
                 int                missing_t,   /* its visual missing; -1 none */
                 int                window)      /* win_past = win_future; 0 core's default */
{
  d->T = T;
  d->speakers = speakers;
  d->beta = g_new (float, 3 * T);
  d->present = g_new (bool, 3 * T);
  int *spk = g_new (int, T);
  for (int t = 0; t < T; t++)
    {
      for (int m = 0; m < 3; m++)
        d->present[t * 3 + m] = !(m == 2 && t == missing_t);
      double b[3] = { 1.0 + (t % 3), 0.6 + 0.4 * (t % 2), d->present[t * 3 + 2] ? 0.5 : 0.0 };
      double s = b[0] + b[1] + b[2];
      for (int m = 0; m < 3; m++)
        d->beta[t * 3 + m] = (float) (b[m] / s);
      spk[t] = 0;
      for (int j = 0; j < t; j++)
        if (strcmp (speakers[j], speakers[t]) == 0)
          spk[t] = j + 1;
      if (spk[t] == 0)
        spk[t] = t + 1;
      spk[t] = spk[t] > 0 ? spk[t] : t;
    }
  for (int t = 0; t < T; t++)   /* only equality matters: the first utterance of each speaker */
    for (int j = 0; j < t; j++)
      if (strcmp (speakers[j], speakers[t]) == 0)
        {
          spk[t] = spk[j];
          break;
        }
  StvaModelConfig config;
  stva_model_config_init (&config);
  if (window > 0)
    config.win_past = config.win_future = window;
  size_t n = 2 * (size_t) T;
  bool *pres[3] = { g_new (bool, T), g_new (bool, T), g_new (bool, T) };
  for (int t = 0; t < T; t++)
    for (int m = 0; m < 3; m++)
      pres[m][t] = d->present[t * 3 + m];
  for (int p = 0; p < 3; p++)
    {
      d->rel[p] = g_new (int, n * n);
      d->weights[p] = g_new0 (float, n * n);
      stva_graph_build_pair (d->rel[p], T, pres[stva_pair_mod[p][0]], pres[stva_pair_mod[p][1]],
                             spk, &config);
      for (size_t v = 0; v < n; v++)
        {
          double sum = 0.0;
          for (size_t u = 0; u < n; u++)
            if (d->rel[p][v * n + u] >= 0)
              sum += d->weights[p][v * n + u] = (float) exp (sin (1.7 * u + 0.9 * v + p) * 2.0);
          for (size_t u = 0; u < n && sum > 0; u++)
            d->weights[p][v * n + u] /= (float) sum;
        }
    }
  for (int m = 0; m < 3; m++)
    g_free (pres[m]);
  g_free (spk);
}

static void
graph_data_clear (GraphData *d)
{
  g_free (d->beta);
  g_free (d->present);
  for (int p = 0; p < 3; p++)
    {
      g_free (d->rel[p]);
      g_free (d->weights[p]);
    }
}

static StvaDrawGraph
graph_view (const GraphData *d,
            int              utterance,
            int              modality)
{
  StvaDrawGraph g = { .T = d->T, .beta = d->beta, .present = d->present,
                      .speakers = d->speakers, .utterance = utterance, .modality = modality,
                      .window = -1, .top_k = -1 };
  for (int p = 0; p < 3; p++)
    {
      g.weights[p] = d->weights[p];
      g.relations[p] = d->rel[p];
    }
  return g;
}

static void
dark_style (StvaDrawStyle *style)
{
  stva_draw_style_init_screen (style);
  const double bg[3] = { 0.14, 0.14, 0.15 }, fg[3] = { 0.93, 0.93, 0.93 };
  for (int i = 0; i < 3; i++)
    {
      style->background[i] = bg[i];
      style->foreground[i] = fg[i];
      style->grid[i] = bg[i] + (fg[i] - bg[i]) * 0.22;
    }
}

static const char *const graph_speakers[9] = { "Ross", "Rachel", "Ross", "Ross", "Monica",
                                               "Rachel", "Ross", "Monica", "Rachel" };

/* STVA_GRAPH_PNG=DIR: the view written there, light and dark, to look at */
static void
maybe_save (Canvas     *c,
            const char *name)
{
  const char *dir = g_getenv ("STVA_GRAPH_PNG");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (c->surface, path), ==, CAIRO_STATUS_SUCCESS);
}

static void
test_graph_relations (void)
{
  /* core's ids of pair graph T–A (stva-graph.h) to the view's kinds */
  const StvaDrawRelation want[16] = {
    STVA_DRAW_REL_PAST_SAME, STVA_DRAW_REL_PAST_OTHER, STVA_DRAW_REL_FUTURE_SAME,
    STVA_DRAW_REL_FUTURE_OTHER, STVA_DRAW_REL_PAST_SAME, STVA_DRAW_REL_PAST_OTHER,
    STVA_DRAW_REL_FUTURE_SAME, STVA_DRAW_REL_FUTURE_OTHER, STVA_DRAW_REL_SYNCHRONOUS,
    STVA_DRAW_REL_SYNCHRONOUS, STVA_DRAW_REL_CONTEXTUAL, STVA_DRAW_REL_CONTEXTUAL,
    STVA_DRAW_REL_CONTEXTUAL, STVA_DRAW_REL_CONTEXTUAL, STVA_DRAW_REL_SELF, STVA_DRAW_REL_SELF,
  };
  for (int r = 0; r < 16; r++)
    {
      g_assert_cmpint (stva_draw_relation_of (r), ==, want[r]);
      /* core's own name agrees on time and speaker */
      const char *name = stva_relation_name (0, r);
      if (r < 8)
        {
          g_assert_true ((strstr (name, "future") != NULL) == (want[r] >= 2));
          g_assert_true ((strstr (name, "other") != NULL) == (want[r] % 2 == 1));
        }
    }
  g_assert_cmpint (stva_draw_relation_of (-1), ==, STVA_DRAW_REL_NONE);
  g_assert_cmpint (stva_draw_relation_of (16), ==, STVA_DRAW_REL_NONE);
  /* the colours: Okabe and Ito's, each relation its own */
  const double okabe_ito[7][3] = {
    { 0x00 / 255.0, 0x72 / 255.0, 0xb2 / 255.0 }, { 0x56 / 255.0, 0xb4 / 255.0, 0xe9 / 255.0 },
    { 0xd5 / 255.0, 0x5e / 255.0, 0x00 / 255.0 }, { 0xe6 / 255.0, 0x9f / 255.0, 0x00 / 255.0 },
    { 0x00 / 255.0, 0x9e / 255.0, 0x73 / 255.0 }, { 0xcc / 255.0, 0x79 / 255.0, 0xa7 / 255.0 },
  };
  for (int r = 0; r < 6; r++)
    for (int i = 0; i < 3; i++)
      g_assert_cmpfloat (fabs (stva_draw_relation_rgb (r)[i] - okabe_ito[r][i]), <, 0.01);
  for (int a = 0; a < STVA_DRAW_N_RELATIONS; a++)
    for (int b = 0; b < a; b++)
      g_assert_false (same (stva_draw_relation_rgb (a), stva_draw_relation_rgb (b)));
}

/* the pixel at (x, y) is rgb at alpha over bg, give or take rounding */
static gboolean
blended (Canvas       *c,
         double        x,
         double        y,
         const double *rgb,
         double        alpha,
         const double *bg)
{
  double got[3];
  pixel (c, (int) floor (x), (int) floor (y), got);
  for (int i = 0; i < 3; i++)
    if (fabs (got[i] - (alpha * rgb[i] + (1 - alpha) * bg[i])) > 3.0 / 255.0)
      return FALSE;
  return TRUE;
}

static void
check_graph (const StvaDrawStyle *style,
             const char          *png)
{
  GraphData d;
  graph_data_init (&d, 9, graph_speakers, 2, 0);
  StvaDrawGraph g = graph_view (&d, 4, STVA_MOD_T);
  Canvas c;
  canvas_init (&c, 720, 420);
  stva_draw_graph (c.cr, &g, style, c.w, c.h);
  maybe_save (&c, png);

  /* every node where the layout says, the missing one hollow, area by β */
  double xyr[9][3][3];
  for (int t = 0; t < 9; t++)
    for (int m = 0; m < 3; m++)
      {
        double *n = xyr[t][m];
        g_assert_true (stva_draw_graph_node (c.cr, &g, style, c.w, c.h, t, m, n));
        StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, style, c.w, c.h, n[0], n[1]);
        g_assert_cmpint (hit.kind, ==, STVA_DRAW_GRAPH_HIT_NODE);
        g_assert_cmpint (hit.utterance, ==, t);
        g_assert_cmpint (hit.modality, ==, m);
        double got[3];
        pixel (&c, (int) n[0], (int) n[1], got);
        g_assert_true (same (got, d.present[t * 3 + m] ? stva_draw_modality_rgb (m)
                                                       : style->background));
        if (t > 0)   /* columns in time order, rows T A V */
          g_assert_cmpfloat (n[0], >, xyr[t - 1][m][0]);
        if (m > 0)
          g_assert_cmpfloat (n[1], >, xyr[t][m - 1][1]);
      }
  for (int t = 0; t < 9; t++)
    for (int m = 0; m < 3; m++)
      for (int s = 0; s < 9; s++)
        for (int k = 0; k < 3; k++)
          if (d.present[t * 3 + m] && d.present[s * 3 + k]
              && d.beta[t * 3 + m] > d.beta[s * 3 + k] + 0.02)
            g_assert_cmpfloat (xyr[t][m][2], >, xyr[s][k][2]);

  /* the edges: T5's row of T–A and of T–V, averaged: 8 text keys (and the self loop) from
   * both, the audio ones from T–A, the visual ones from T–V (V3 missing: no edge) */
  StvaDrawGraphEdge e[64];
  int n = stva_draw_graph_edges (c.cr, &g, style, c.w, c.h, e, 64);
  g_assert_cmpint (n, ==, 9 + 5 + 4);
  size_t n2 = 18;
  double total = 0.0;
  int exact = 0;
  for (int k = 0; k < n; k++)
    {
      total += e[k].weight;
      int u = e[k].utterance, m = e[k].modality;
      g_assert_true (m != 2 || u != 2);
      /* its weight is the mean of the two rows, its kind core's relation */
      double w = m == 0 ? (d.weights[0][4 * n2 + u] + d.weights[1][4 * n2 + u]) / 2
                        : d.weights[m == 1 ? 0 : 1][4 * n2 + 9 + u] / 2;
      int core_rel = m == 0 ? d.rel[0][4 * n2 + u] : d.rel[m == 1 ? 0 : 1][4 * n2 + 9 + u];
      g_assert_cmpfloat (fabs (e[k].weight - w), <, 1e-6);
      g_assert_cmpint (e[k].relation, ==, stva_draw_relation_of (core_rel));
      /* drawn weakest first, wider and more opaque as it weighs more */
      if (k > 0)
        {
          g_assert_cmpfloat (e[k].weight, >=, e[k - 1].weight);
          g_assert_cmpfloat (e[k].line_width, >=, e[k - 1].line_width);
          g_assert_cmpfloat (e[k].alpha, >=, e[k - 1].alpha);
          if (e[k].weight > e[k - 1].weight + 1e-4)
            g_assert_cmpfloat (e[k].line_width, >, e[k - 1].line_width);
        }
      /* found at its middle: itself, or one drawn over it there */
      StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, style, c.w, c.h, e[k].mid[0],
                                                  e[k].mid[1]);
      g_assert_cmpint (hit.kind, ==, STVA_DRAW_GRAPH_HIT_EDGE);
      g_assert_cmpint (hit.edge, >=, k);
      if (hit.edge == k)
        {
          exact++;
          g_assert_cmpint (hit.utterance, ==, u);
          g_assert_cmpint (hit.modality, ==, m);
          g_assert_cmpint (hit.relation, ==, e[k].relation);
        }
    }
  g_assert_cmpfloat (fabs (total - 1.0), <, 1e-5);   /* all of the node's attention */
  g_assert_cmpint (exact, >=, n - 2);

  /* the strongest of each kind alone: in its relation's colour at its opacity */
  g.top_k = 3;
  canvas_clear (&c);
  canvas_init (&c, 720, 420);
  stva_draw_graph (c.cr, &g, style, c.w, c.h);
  int n3 = stva_draw_graph_edges (c.cr, &g, style, c.w, c.h, e, 64);
  g_assert_cmpint (n3, ==, 3);
  for (int k = 0; k < 3; k++)
    {
      /* over the background, or the selected column's band (grid at 0.35 over it) */
      double band[3];
      for (int i = 0; i < 3; i++)
        band[i] = 0.35 * style->grid[i] + 0.65 * style->background[i];
      const double *rgb = stva_draw_relation_rgb (e[k].relation);
      g_assert_true (blended (&c, e[k].mid[0], e[k].mid[1], rgb, e[k].alpha, style->background)
                     || blended (&c, e[k].mid[0], e[k].mid[1], rgb, e[k].alpha, band));
      StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, style, c.w, c.h, e[k].mid[0],
                                                  e[k].mid[1]);
      g_assert_cmpint (hit.edge, ==, k);
    }
  /* nothing at a corner */
  g_assert_cmpint (stva_draw_graph_hit (c.cr, &g, style, c.w, c.h, 2, c.h - 2).kind, ==,
                   STVA_DRAW_GRAPH_HIT_NONE);
  canvas_clear (&c);
  graph_data_clear (&d);
}

static void
test_graph (void)
{
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  check_graph (&style, "graph-light.png");
  dark_style (&style);
  check_graph (&style, "graph-dark.png");
}

/* In the inspector's box (about 360 by 230 at the default window size) the short legend leaves
 * the rows most of the height, and the hit tests still find what is drawn; with room, the full
 * legend comes back (the rows start lower) */
static void
test_graph_small (void)
{
  StvaDrawStyle style;
  stva_draw_style_init_screen (&style);
  GraphData d;
  graph_data_init (&d, 9, graph_speakers, 2, 0);
  StvaDrawGraph g = graph_view (&d, 4, STVA_MOD_T);
  Canvas c;
  canvas_init (&c, 360, 230);
  stva_draw_graph (c.cr, &g, &style, c.w, c.h);
  maybe_save (&c, "graph-small.png");
  double top[3], bottom[3];
  for (int t = 0; t < 9; t++)
    for (int m = 0; m < 3; m++)
      {
        double n[3];
        g_assert_true (stva_draw_graph_node (c.cr, &g, &style, c.w, c.h, t, m, n));
        StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, &style, c.w, c.h, n[0], n[1]);
        g_assert_cmpint (hit.kind, ==, STVA_DRAW_GRAPH_HIT_NODE);
        g_assert_cmpint (hit.utterance, ==, t);
        g_assert_cmpint (hit.modality, ==, m);
        double got[3];
        pixel (&c, (int) n[0], (int) n[1], got);
        g_assert_true (same (got, d.present[t * 3 + m] ? stva_draw_modality_rgb (m)
                                                       : style.background));
        if (t == 0)
          {
            top[m] = n[1];
            bottom[m] = n[1] + n[2];
          }
      }
  /* the rows take more than 40% of the height: the full legend left them less than a third */
  g_assert_cmpfloat (top[2] - top[0], >=, 0.4 * c.h);
  g_assert_cmpfloat (bottom[2], <, c.h);
  StvaDrawGraphEdge e[64];
  int n = stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64);
  g_assert_cmpint (n, ==, 9 + 5 + 4);   /* as in the large box */
  for (int k = 0; k < n; k++)
    {
      StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, &style, c.w, c.h, e[k].mid[0],
                                                  e[k].mid[1]);
      g_assert_cmpint (hit.kind, ==, STVA_DRAW_GRAPH_HIT_EDGE);
      g_assert_cmpint (hit.edge, >=, k);
    }
  /* taller: the full legend, several lines more above the rows' band (which reaches 0.45 of a
   * row's spacing above the first row) */
  double tall[2][3];
  g_assert_true (stva_draw_graph_node (c.cr, &g, &style, c.w, 900, 0, 0, tall[0]));
  g_assert_true (stva_draw_graph_node (c.cr, &g, &style, c.w, 900, 0, 1, tall[1]));
  double legend_small = top[0] - 0.45 * (top[1] - top[0]);
  double legend_tall = tall[0][1] - 0.45 * (tall[1][1] - tall[0][1]);
  g_test_message ("graph legend: %.0f px in 360x230, %.0f px in 360x900", legend_small,
                  legend_tall);
  g_assert_cmpfloat (legend_small, <, 0.3 * c.h);
  g_assert_cmpfloat (legend_tall, >, legend_small + style.font_size_pt * 3);
  canvas_clear (&c);
  graph_data_clear (&d);
}

/* what is drawn follows the view's options: the window, no selection, a missing node selected,
 * one pair graph, kinds found without core's matrix */
static void
test_graph_options (void)
{
  StvaDrawStyle style;
  stva_draw_style_init_paper (&style);
  GraphData d;
  graph_data_init (&d, 9, graph_speakers, 2, 0);
  Canvas c;
  canvas_init (&c, 720, 420);
  StvaDrawGraphEdge all[64], e[64];
  double xyr[3];

  StvaDrawGraph g = graph_view (&d, 4, STVA_MOD_A);
  int n_all = stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, all, 64);
  g_assert_cmpint (n_all, ==, 9 + 5 + 4);   /* A: 9 (self included), T: 5, V: 4 (V3 missing) */
  /* without core's relations the kinds come out the same (from order and speakers) */
  for (int p = 0; p < 3; p++)
    g.relations[p] = NULL;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, n_all);
  for (int k = 0; k < n_all; k++)
    {
      g_assert_cmpint (e[k].utterance, ==, all[k].utterance);
      g_assert_cmpint (e[k].modality, ==, all[k].modality);
      g_assert_cmpint (e[k].relation, ==, all[k].relation);
    }

  /* a window of 2 around utterance 5: columns 3 to 7, the edges from there only */
  g.window = 2;
  int n_win = stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64);
  int want = 0;
  for (int k = 0; k < n_all; k++)
    want += all[k].utterance >= 2 && all[k].utterance <= 6;
  g_assert_cmpint (n_win, ==, want);
  g_assert_cmpint (n_win, <, n_all);
  for (int k = 0; k < n_win; k++)
    g_assert_true (e[k].utterance >= 2 && e[k].utterance <= 6);
  g_assert_false (stva_draw_graph_node (c.cr, &g, &style, c.w, c.h, 1, 0, xyr));
  g_assert_true (stva_draw_graph_node (c.cr, &g, &style, c.w, c.h, 2, 0, xyr));
  g_assert_false (stva_draw_graph_node (c.cr, &g, &style, c.w, c.h, 7, 0, xyr));
  StvaDrawGraphHit hit = stva_draw_graph_hit (c.cr, &g, &style, c.w, c.h, xyr[0], xyr[1]);
  g_assert_cmpint (hit.kind, ==, STVA_DRAW_GRAPH_HIT_NODE);
  g_assert_cmpint (hit.utterance, ==, 2);

  /* one pair graph: A's row of A-V alone, weights its own (summing to 1) */
  g.window = -1;
  g.weights[0] = NULL;
  g.weights[1] = NULL;
  int n_av = stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64);
  double sum = 0;
  for (int k = 0; k < n_av; k++)
    {
      g_assert_cmpint (e[k].modality, !=, STVA_MOD_T);
      sum += e[k].weight;
    }
  g_assert_cmpint (n_av, ==, 9 + 4);
  g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-5);
  /* the pair graphs shown without the modality: no edges */
  g.modality = STVA_MOD_T;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, 0);

  /* the missing node selected, or none: nodes and no edges */
  g = graph_view (&d, 2, STVA_MOD_V);
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, 0);
  g.modality = -1;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, 0);
  stva_draw_graph (c.cr, &g, &style, c.w, c.h);
  g_assert_true (stva_draw_graph_node (c.cr, &g, &style, c.w, c.h, 8, 2, xyr));
  double got[3];
  pixel (&c, (int) xyr[0], (int) xyr[1], got);
  g_assert_true (same (got, stva_draw_modality_rgb (2)));

  /* the strongest few of at least a weight */
  g = graph_view (&d, 4, STVA_MOD_A);
  g.min_weight = all[n_all - 3].weight;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, 3);
  g.top_k = 2;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==, 2);
  g_assert_cmpfloat (e[1].weight, ==, all[n_all - 1].weight);
  g.top_k = 0;   /* the default */
  g.min_weight = 0;
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, c.w, c.h, e, 64), ==,
                   STVA_DRAW_GRAPH_TOP_K);
  /* no room: nothing drawn, nothing found */
  g_assert_cmpint (stva_draw_graph_edges (c.cr, &g, &style, 20, 20, e, 64), ==, 0);
  g_assert_cmpint (stva_draw_graph_hit (c.cr, &g, &style, 20, 20, 10, 10).kind, ==,
                   STVA_DRAW_GRAPH_HIT_NONE);
  canvas_clear (&c);
  graph_data_clear (&d);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/draw/viridis", test_viridis);
  g_test_add_func ("/draw/confusion", test_confusion);
  g_test_add_func ("/draw/contributions", test_contributions);
  g_test_add_func ("/draw/many-labels", test_many_labels);
  g_test_add_func ("/draw/heatmap", test_heatmap);
  g_test_add_func ("/draw/heatmap/marked", test_heatmap_marked);
  g_test_add_func ("/draw/bars", test_bars);
  g_test_add_func ("/draw/curves", test_curves);
  g_test_add_func ("/draw/export", test_export);
  g_test_add_func ("/draw/graph/relations", test_graph_relations);
  g_test_add_func ("/draw/graph", test_graph);
  g_test_add_func ("/draw/graph/options", test_graph_options);
  g_test_add_func ("/draw/graph/small", test_graph_small);
  return g_test_run ();
}
