/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long the inspector's figures take to draw (not a test): the graph view and a pair graph's
 * heatmap of one long dialogue (IEMOCAP's longest, 110 utterances) on an image surface of a
 * screen size, as the studio's drawing area would, with made-up weights on core's real graph
 * (relations and windows of the default config).  Prints the median and 90th percentile of
 * many frames of each; the goal is under 8 ms a frame (half of a 60 Hz frame).
 *
 *   bench-draw [--frames N] [--size WxH] [--utterances T]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib.h>

#include "stva-draw.h"
#include "stva-graph.h"

static double
now_ms (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
by_value (const void *a,
          const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef void (*Frame) (cairo_t *cr, void *data, double w, double h);

/* n frames of draw, each from a cleared surface; the median and 90th percentile in ms of the
 * wall clock, and the median of the thread's CPU time (what a loaded machine does not add to) */
static void
time_frames (const char *name,
             Frame       draw,
             void       *data,
             int         w,
             int         h,
             int         n)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  double *ms = g_new (double, n), *cpu = g_new (double, n);
  for (int i = -3; i < n; i++)   /* three frames to warm the font caches */
    {
      cairo_t *cr = cairo_create (s);
      double t0 = now_ms (CLOCK_MONOTONIC), c0 = now_ms (CLOCK_THREAD_CPUTIME_ID);
      draw (cr, data, w, h);
      cairo_surface_flush (s);
      double t = now_ms (CLOCK_MONOTONIC) - t0, c = now_ms (CLOCK_THREAD_CPUTIME_ID) - c0;
      cairo_destroy (cr);
      if (i >= 0)
        ms[i] = t, cpu[i] = c;
    }
  qsort (ms, (size_t) n, sizeof *ms, by_value);
  qsort (cpu, (size_t) n, sizeof *cpu, by_value);
  printf ("%-36s %dx%d  median %6.2f ms  p90 %6.2f ms  cpu median %6.2f ms  (%d frames)\n", name,
          w, h, ms[n / 2], ms[(n * 9) / 10], cpu[n / 2], n);
  g_free (ms);
  g_free (cpu);
  cairo_surface_destroy (s);
}

typedef struct
{
  StvaDrawGraph    graph;
  StvaDrawHeatmap  heatmap;
  StvaDrawStyle    style;
  int              hits;
} Bench;

static void
draw_graph (cairo_t *cr,
            void    *data,
            double   w,
            double   h)
{
  Bench *b = data;
  stva_draw_graph (cr, &b->graph, &b->style, w, h);
}

static void
draw_heatmap (cairo_t *cr,
              void    *data,
              double   w,
              double   h)
{
  Bench *b = data;
  stva_draw_heatmap (cr, &b->heatmap, &b->style, w, h);
}

/* What stva_draw_heatmap's cells would cost as one image of a pixel per cell scaled up without
 * smoothing, instead of a rectangle each (the cells alone: no names, no colour bar) */
static void
cells_as_image (cairo_t *cr,
                void    *data,
                double   w,
                double   h)
{
  Bench *b = data;
  const StvaDrawHeatmap *m = &b->heatmap;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, m->cols, m->rows);
  unsigned char *px = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  double vmax = 0;
  for (int e = 0; e < m->rows * m->cols; e++)
    vmax = isfinite (m->values[e]) && m->values[e] > vmax ? m->values[e] : vmax;
  for (int r = 0; r < m->rows; r++)
    for (int c = 0; c < m->cols; c++)
      {
        float v = m->values[r * m->cols + c];
        double rgb[3] = { 1, 1, 1 };
        if (isfinite (v))
          stva_draw_viridis (v / vmax, rgb);
        *(guint32 *) (px + r * stride + c * 4) = ((guint32) (rgb[0] * 255) << 16)
                                                 | ((guint32) (rgb[1] * 255) << 8)
                                                 | (guint32) (rgb[2] * 255);
      }
  cairo_surface_mark_dirty (img);
  double cell = fmin ((w - 120) / m->cols, (h - 60) / m->rows);
  cairo_save (cr);
  cairo_translate (cr, 80, 8);
  cairo_scale (cr, cell, cell);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
}

/* a pointer moving over the view: one hit test per frame */
static void
hit_graph (cairo_t *cr,
           void    *data,
           double   w,
           double   h)
{
  Bench *b = data;
  double x = w * (0.1 + 0.8 * ((b->hits * 37) % 100) / 100.0), y = h * 0.5;
  b->hits++;
  stva_draw_graph_hit (cr, &b->graph, &b->style, w, h, x, y);
}

int
main (int    argc,
      char **argv)
{
  int frames = 200, T = 110, W = 900, H = 500;
  for (int i = 1; i + 1 < argc; i += 2)
    if (strcmp (argv[i], "--frames") == 0)
      frames = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--utterances") == 0)
      T = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--size") == 0 && sscanf (argv[i + 1], "%dx%d", &W, &H) == 2)
      ;
    else
      {
        fprintf (stderr, "usage: bench-draw [--frames N] [--size WxH] [--utterances T]\n");
        return 2;
      }
  if (frames < 1 || T < 2 || T > 1024 || W < 64 || H < 64)
    {
      fprintf (stderr, "bench-draw: out of range\n");
      return 2;
    }

  /* a dialogue of two speakers taking turns, now and then one speaking twice; one utterance in
   * twelve without video */
  size_t n2 = 2 * (size_t) T;
  char **speakers = g_new0 (char *, T + 1);
  int *spk = g_new (int, T);
  float *beta = g_new (float, 3 * (size_t) T);
  bool *present = g_new (bool, 3 * (size_t) T);
  bool *pres[3] = { g_new (bool, T), g_new (bool, T), g_new (bool, T) };
  for (int t = 0; t < T; t++)
    {
      spk[t] = (t + t / 5) % 2;
      speakers[t] = g_strdup (spk[t] ? "Speaker B" : "Speaker A");
      double b[3] = { 1.0 + sin (t), 1.0 + cos (0.7 * t), t % 12 == 5 ? 0.0 : 0.8 };
      double sum = fabs (b[0]) + fabs (b[1]) + b[2];
      for (int m = 0; m < 3; m++)
        {
          beta[t * 3 + m] = (float) (fabs (b[m]) / sum);
          present[t * 3 + m] = pres[m][t] = !(m == 2 && t % 12 == 5);
        }
    }
  StvaModelConfig config;
  stva_model_config_init (&config);
  int *rel[3];
  float *weights[3];
  for (int p = 0; p < 3; p++)
    {
      rel[p] = g_new (int, n2 * n2);
      weights[p] = g_new0 (float, n2 * n2);
      stva_graph_build_pair (rel[p], T, pres[stva_pair_mod[p][0]], pres[stva_pair_mod[p][1]],
                             spk, &config);
      for (size_t v = 0; v < n2; v++)
        {
          double sum = 0.0;
          for (size_t u = 0; u < n2; u++)
            if (rel[p][v * n2 + u] >= 0)
              sum += weights[p][v * n2 + u] = (float) exp (2.0 * sin (1.3 * u + 0.7 * v + p));
          for (size_t u = 0; u < n2 && sum > 0; u++)
            weights[p][v * n2 + u] /= (float) sum;
        }
    }

  Bench b = { 0 };
  stva_draw_style_init_screen (&b.style);
  b.graph = (StvaDrawGraph) { .T = T, .beta = beta, .present = present,
                              .speakers = (const char *const *) speakers,
                              .utterance = T / 2, .modality = 0, .window = -1 };
  for (int p = 0; p < 3; p++)
    {
      b.graph.weights[p] = weights[p];
      b.graph.relations[p] = rel[p];
    }
  char **names = g_new0 (char *, n2 + 1);
  for (size_t i = 0; i < n2; i++)
    names[i] = g_strdup_printf ("%c%zu", i < (size_t) T ? 'T' : 'A', i % (size_t) T + 1);
  float *cells = g_new (float, n2 * n2);
  for (size_t e = 0; e < n2 * n2; e++)   /* as the CLI gives it: no edge left blank */
    cells[e] = weights[0][e] > 0 ? weights[0][e] : NAN;
  b.heatmap = (StvaDrawHeatmap) { cells, (int) n2, (int) n2, (const char *const *) names,
                                  (const char *const *) names, "query", "key" };

  double load[1] = { 0 };
  FILE *f = fopen ("/proc/loadavg", "r");
  if (f != NULL)
    {
      if (fscanf (f, "%lf", &load[0]) != 1)
        load[0] = NAN;
      fclose (f);
    }
  printf ("bench-draw: a dialogue of %d utterances, pair graphs of %zu x %zu (load average %.2f)\n",
          T, n2, n2, load[0]);
  time_frames ("graph view, whole dialogue", draw_graph, &b, W, H, frames);
  b.graph.window = 10;
  time_frames ("graph view, window of +-10", draw_graph, &b, W, H, frames);
  b.graph.window = -1;
  b.graph.top_k = -1;
  time_frames ("graph view, every edge", draw_graph, &b, W, H, frames);
  b.graph.top_k = 0;
  time_frames ("graph view, hit test", hit_graph, &b, W, H, frames);
  time_frames ("heatmap of pair graph T-A", draw_heatmap, &b, W, H, frames);
  time_frames ("(its cells as one image, for scale)", cells_as_image, &b, W, H, frames);

  g_strfreev (names);
  g_free (cells);
  for (int p = 0; p < 3; p++)
    {
      g_free (rel[p]);
      g_free (weights[p]);
    }
  for (int m = 0; m < 3; m++)
    g_free (pres[m]);
  g_strfreev (speakers);
  g_free (spk);
  g_free (beta);
  g_free (present);
  return 0;
}
