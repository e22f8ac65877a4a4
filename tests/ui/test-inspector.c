/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inspector on a real (virtual) display, over a small project with two trained tiny models
 * (tests/engine's fixture: text and audio for every utterance): model A's predictions stored
 * for the train and dev splits, model B's for all.  Each view is drawn and saved
 * (STVA_SHOT_DIR) and what it shows is counted through its hit test and its pixels: a bar per
 * class, a column per utterance, the heatmap's rows and columns, the confusion's classes.  A
 * test dialogue that model A never predicted is predicted live in a worker and stored, its
 * probabilities equal to the engine's split predict of a copy of the project, with the main
 * loop's largest gap measured (a 5 ms heartbeat); the what-if with the audio off equals a
 * prediction on a project without that dialogue's audio, and changes nothing stored; a
 * model whose file is gone or changed is named; every view exports PNG, SVG and PDF.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "e1-fixture.h"
#include "stva-inspector.h"
#include "stva-resources.h"
#include "stva-ui.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbPrediction, stva_db_prediction_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

static Fixture     fx;
static char       *model_a, *model_b;
static gint64      id_a, id_b;
static GArray     *dialogue_ids;    /* project order */
static const int   X_DEV = 9;       /* a dev dialogue (stored by A) */
static const int   X_TEST = 12;     /* a test dialogue (not predicted by A) */

/* ---- the main loop ------------------------------------------------------------------------ */

static gint64 last_beat_us, max_gap_us;
static gint64 last_cpu_us, max_cpu_us;   /* the main thread's CPU time between two beats: what
                                          * it did itself, whatever else runs on the machine */

static gint64
thread_cpu_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return (gint64) t.tv_sec * G_USEC_PER_SEC + t.tv_nsec / 1000;
}

static gboolean
heartbeat (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();
  if (last_beat_us != 0 && now - last_beat_us > max_gap_us)
    max_gap_us = now - last_beat_us;
  if (last_cpu_us != 0 && cpu - last_cpu_us > max_cpu_us)
    max_cpu_us = cpu - last_cpu_us;
  last_beat_us = now;
  last_cpu_us = cpu;
  return G_SOURCE_CONTINUE;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
wait_idle (StvaInspector *inspector)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  spin (0.05);
  while (stva_inspector_is_busy (inspector) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (stva_inspector_is_busy (inspector));
  spin (0.2);   /* the frames after */
}

/* Saves widget as drawn now; returns the image (ARGB32) for counting. */
static cairo_surface_t *
screenshot (GtkWidget  *widget,
            const char *name)
{
  spin (0.3);
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                     &GRAPHENE_RECT_INIT (0, 0, w, h));
  const char *dir = g_getenv ("STVA_SHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : fx.dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_surface_flush (image);
  gdk_texture_download (texture, cairo_image_surface_get_data (image),
                        cairo_image_surface_get_stride (image));
  cairo_surface_mark_dirty (image);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return image;
}

/* Pixels of image within (x0, y0, w, h) whose colour is rgb (within 2 of 255 a channel). */
static int
count_colour (cairo_surface_t *image,
              const double    *rgb,
              int              x0,
              int              y0,
              int              w,
              int              h)
{
  int stride = cairo_image_surface_get_stride (image);
  const guint8 *data = cairo_image_surface_get_data (image);
  int W = cairo_image_surface_get_width (image), H = cairo_image_surface_get_height (image);
  int n = 0;
  for (int y = MAX (0, y0); y < MIN (H, y0 + h); y++)
    for (int x = MAX (0, x0); x < MIN (W, x0 + w); x++)
      {
        const guint8 *p = data + (gsize) y * stride + 4 * x;   /* B G R A */
        if (abs (p[2] - (int) lround (rgb[0] * 255)) <= 2
            && abs (p[1] - (int) lround (rgb[1] * 255)) <= 2
            && abs (p[0] - (int) lround (rgb[2] * 255)) <= 2)
          n++;
      }
  return n;
}

/* Distinct tooltips the view's hit test gives along a line (x0, y0) -> (x1, y1), 1 px apart,
 * those starting with prefix (NULL: all). */
static GHashTable *
tooltips_along (StvaFigureView *view,
                double          x0,
                double          y0,
                double          x1,
                double          y1)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = (int) fmax (fabs (x1 - x0), fabs (y1 - y0));
  for (int i = 0; i <= n; i++)
    {
      double t = n > 0 ? (double) i / n : 0;
      char *text = stva_figure_view_hit (view, x0 + t * (x1 - x0), y0 + t * (y1 - y0), NULL);
      if (text != NULL)
        g_hash_table_add (seen, text);
    }
  return seen;
}

/* ---- the project -------------------------------------------------------------------------- */

static char *
train (const char *name,
       const char *seed)
{
  char *out = g_build_filename (fx.dir, name, NULL);
  const char *settings[] = { "max_epochs=4", "batch_size=2", seed, "patience=10", "lr=0.02",
                             NULL };
  StvaTrainOptions o = { .source = { .project = fx.project }, .out = out, .preset = "tiny",
                         .settings = settings };
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (NULL, &o, &report, &error));
  g_assert_no_error (error);
  stva_train_report_clear (&report);
  return out;
}

static gint64
predict_split (const char *project,
               const char *model,
               int         split)
{
  StvaPredictOptions o;
  stva_predict_options_init (&o);
  o.source.project = project;
  o.model_path = model;
  o.split = split;
  o.store = TRUE;
  StvaPredictResult r;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_predict (NULL, &o, &r, &error));
  gint64 id = r.model_id;
  stva_predict_result_clear (&r);
  return id;
}

static void
make_project (void)
{
  fixture_init (&fx, -1);
  model_a = train ("a.stvm", "seed=3");
  model_b = train ("b.stvm", "seed=5");
  id_a = predict_split (fx.project, model_a, STVA_SPLIT_TRAIN);
  g_assert_cmpint (predict_split (fx.project, model_a, STVA_SPLIT_DEV), ==, id_a);
  id_b = predict_split (fx.project, model_b, STVA_DATA_ALL_SPLITS);
  g_assert_cmpint (id_a, !=, id_b);
  dialogue_ids = fixture_dialogue_ids (fx.project);
}

/* ---- the inspector in a window -------------------------------------------------------------- */

typedef struct
{
  GtkWindow     *window;
  StvaSession   *session;
  StvaInspector *inspector;
  char          *project;
} Studio;

static void
studio_open (Studio     *s,
             const char *project)
{
  g_autoptr (GError) error = NULL;
  s->project = g_strdup (project);
  s->session = stva_session_new ();
  g_assert_true (stva_session_open (s->session, project, "tester", &error));
  g_assert_no_error (error);
  g_assert_true (stva_session_set_model_id (s->session, id_a, &error));
  s->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (s->window, 520, 760);
  s->inspector = STVA_INSPECTOR (stva_inspector_new ());
  gtk_window_set_child (s->window, GTK_WIDGET (s->inspector));
  stva_inspector_set_session (s->inspector, s->session);
  gtk_window_present (s->window);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!gtk_widget_get_mapped (GTK_WIDGET (s->inspector)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  wait_idle (s->inspector);
}

static void
studio_close (Studio *s)
{
  gtk_window_destroy (s->window);
  spin (0.1);
  g_clear_object (&s->session);
  g_free (s->project);
}

static void
select_dialogue (Studio *s,
                 int     d)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_select_dialogue (s->session, (guint) d, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stva_dialogue_item_get_id (stva_session_get_dialogue (s->session)), ==,
                   g_array_index (dialogue_ids, gint64, d));
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_views (void)
{
  Studio s = { 0 };
  studio_open (&s, fx.project);
  select_dialogue (&s, 1);   /* a train dialogue, stored */
  stva_session_select_utterance (s.session, 2);
  wait_idle (s.inspector);
  g_assert_cmpuint (stva_inspector_get_n_live (s.inspector), ==, 0);
  /* it fits the window's slot beside the player (300 px wide) with long model names */
  int min_w = 0;
  gtk_widget_measure (GTK_WIDGET (s.inspector), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL,
                      NULL, NULL);
  g_test_message ("inspector: at least %d px wide", min_w);
  g_assert_cmpint (min_w, <=, 300);
  int T, K;
  const float *probs = stva_inspector_get_probs (s.inspector, &T, &K);
  g_assert_nonnull (probs);
  g_assert_cmpint (T, ==, 4);
  g_assert_cmpint (K, ==, 7);
  const StvaDbLabelSet *set = stva_session_get_label_set (s.session);

  /* Prediction: a bar per class, found by the hit test down the figure; the top class's bar
   * in its label's colour, as wide as its probability */
  stva_inspector_set_view (s.inspector, "prediction");
  StvaFigureView *view = stva_inspector_get_figure_view (s.inspector, "prediction");
  g_autoptr (cairo_surface_t) shot = screenshot (GTK_WIDGET (view), "inspector-prediction.png");
  int w = gtk_widget_get_width (GTK_WIDGET (view)), h = gtk_widget_get_height (GTK_WIDGET (view));
  g_autoptr (GHashTable) bars = tooltips_along (view, w / 2.0, 0, w / 2.0, h - 1);
  int n_bars = 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, bars);
  while (g_hash_table_iter_next (&it, &key, NULL))
    n_bars += strstr (key, ": p = ") != NULL;
  g_assert_cmpint (n_bars, ==, K);
  /* and a row per utterance of the dialogue under them, each a click away */
  int n_rows = 0;
  g_hash_table_iter_init (&it, bars);
  while (g_hash_table_iter_next (&it, &key, NULL))
    n_rows += g_str_has_prefix (key, "utterance ");
  g_assert_cmpint (n_rows, ==, T);
  const float *p = probs + 2 * K;
  int top = 0;
  for (int k = 1; k < K; k++)
    top = p[k] > p[top] ? k : top;
  double rgb[3];
  const StvaDbLabel *top_label = g_ptr_array_index (set->labels, top);
  g_assert_true (stva_draw_parse_colour (top_label->colour, rgb));
  int n_top = count_colour (shot, rgb, 0, 0, w, h);
  g_test_message ("top class %s p %.3f: %d pixels of its colour", top_label->name, p[top], n_top);
  g_assert_cmpint (n_top, >, (int) (p[top] * w * 0.3 * 8));   /* a bar at least 8 px high */

  /* β: a column per utterance (hit test across), the three modality colours drawn */
  stva_inspector_set_view (s.inspector, "contributions");
  view = stva_inspector_get_figure_view (s.inspector, "contributions");
  g_autoptr (cairo_surface_t) beta = screenshot (GTK_WIDGET (view), "inspector-beta.png");
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  GHashTable *columns = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int x = 0; x < w; x++)
    for (int y = h / 4; y < h; y += h / 8)
      {
        int item = -1;
        g_free (stva_figure_view_hit (view, x, y, &item));
        if (item >= 0)
          g_hash_table_add (columns, GINT_TO_POINTER (item + 1));
      }
  g_assert_cmpuint (g_hash_table_size (columns), ==, (guint) T);
  g_hash_table_unref (columns);
  for (int m = 0; m < 3; m++)
    g_assert_cmpint (count_colour (beta, stva_draw_modality_rgb (m), 0, 0, w, h), >, 20);
  /* a click on a column selects that utterance, through the session */
  g_signal_emit_by_name (view, "item-activated", 3);
  g_assert_cmpuint (stva_session_get_utterance_position (s.session), ==, 3);
  stva_session_select_utterance (s.session, 2);

  /* Attention: the pair graph T–A, layer 1: 2T rows and columns, counted by the hit test */
  stva_inspector_set_view (s.inspector, "attention");
  g_assert_true (stva_inspector_set_attention (s.inspector, "graph.TA.l0", -1));
  view = stva_inspector_get_figure_view (s.inspector, "attention");
  g_autoptr (cairo_surface_t) heat = screenshot (GTK_WIDGET (view), "inspector-attention.png");
  const StvaAttnMap *map = stva_inspector_get_attention (s.inspector);
  g_assert_nonnull (map);
  g_assert_cmpint (map->rows, ==, 2 * T);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  /* rows: distinct queries down the middle; columns: distinct keys across */
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *cols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 24)
      {
        g_autofree char *text = stva_figure_view_hit (view, x, y, NULL);
        if (text == NULL)
          continue;
        g_auto (GStrv) parts = g_strsplit (text, " → ", 2);
        g_hash_table_add (rows, g_strdup (parts[0]));
        g_auto (GStrv) key_part = g_strsplit (parts[1], ":", 2);
        g_hash_table_add (cols, g_strdup (key_part[0]));
      }
  g_assert_cmpuint (g_hash_table_size (rows), ==, (guint) map->rows);
  g_assert_cmpuint (g_hash_table_size (cols), >=, (guint) map->cols / 2);
  g_hash_table_unref (rows);
  g_hash_table_unref (cols);
  /* a CAF map and one head */
  g_assert_true (stva_inspector_set_attention (s.inspector, "caf.T<-A", 0));
  g_assert_cmpint (stva_inspector_get_attention (s.inspector)->rows, ==, T);
  g_assert_cmpint (stva_inspector_get_attention (s.inspector)->key.head, ==, 0);
  g_autoptr (cairo_surface_t) caf = screenshot (GTK_WIDGET (view), "inspector-attention-caf.png");
  g_assert_false (stva_inspector_set_attention (s.inspector, "graph.TA.l9", -1));
  g_assert_true (stva_inspector_set_attention (s.inspector, "graph.TA.l0", -1));

  /* Metrics, with model B compared: the confusion's K columns, eval's two models */
  stva_inspector_set_compare (s.inspector, id_b);
  stva_inspector_set_view (s.inspector, "metrics");
  wait_idle (s.inspector);
  const StvaEvalReport *eval = stva_inspector_get_eval (s.inspector);
  g_assert_nonnull (eval);
  g_assert_cmpint (eval->n_models, ==, 2);
  g_assert_cmpint (eval->model_id[0], ==, id_a);
  g_assert_cmpint (eval->model_id[1], ==, id_b);
  view = stva_inspector_get_figure_view (s.inspector, "metrics");
  g_autoptr (cairo_surface_t) metrics = screenshot (GTK_WIDGET (s.inspector),
                                                    "inspector-metrics.png");
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  GHashTable *classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int y = 0; y < (int) (h * 0.40); y += 3)
    for (int x = 0; x < w; x += 3)
      {
        g_autofree char *text = stva_figure_view_hit (view, x, y, NULL);
        if (text != NULL && g_str_has_prefix (text, "reference "))
          {
            g_auto (GStrv) parts = g_strsplit (text, ":", 2);
            g_hash_table_add (classes, g_strdup (parts[0]));
          }
      }
  g_assert_cmpuint (g_hash_table_size (classes), ==, (guint) (K * K));
  g_hash_table_unref (classes);

  /* Graph: a node per utterance and modality, the selected one's edges drawn; hovering an
   * edge names its weight and relation; a click on a node selects its utterance */
  stva_inspector_set_view (s.inspector, "graph");
  view = stva_inspector_get_figure_view (s.inspector, "graph");
  g_autoptr (cairo_surface_t) graph = screenshot (GTK_WIDGET (s.inspector),
                                                  "inspector-graph.png");
  const StvaDrawGraph *g = stva_inspector_get_graph (s.inspector);
  g_assert_nonnull (g);
  g_assert_cmpint (g->utterance, ==, 2);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  cairo_t *measure = cairo_create (shot);
  StvaDrawStyle style;
  stva_figure_view_get_style (view, &style);
  int n_nodes = 0, n_node_hits = 0;
  double other[3] = { 0 };
  for (int t = 0; t < T; t++)
    for (int m = 0; m < 3; m++)
      {
        double xyr[3];
        if (!stva_draw_graph_node (measure, g, &style, w, h, t, m, xyr))
          continue;
        n_nodes++;
        int item = -1;
        g_autofree char *text = stva_figure_view_hit (view, xyr[0], xyr[1], &item);
        n_node_hits += item == t * 3 + m;
        if (t == 0 && m == 0)
          memcpy (other, xyr, sizeof other);
      }
  g_assert_cmpint (n_nodes, ==, 3 * T);
  g_assert_cmpint (n_node_hits, ==, 3 * T);
  StvaDrawGraphEdge edges[64];
  int n_edges = stva_draw_graph_edges (measure, g, &style, w, h, edges, 64);
  g_test_message ("graph: %d nodes, %d edges drawn", n_nodes, n_edges);
  g_assert_cmpint (n_edges, >, 0);
  int n_edge_tips = 0;
  for (int e = 0; e < MIN (n_edges, 64); e++)
    {
      g_autofree char *text = stva_figure_view_hit (view, edges[e].mid[0], edges[e].mid[1], NULL);
      n_edge_tips += text != NULL && strstr (text, "→") != NULL;
    }
  g_assert_cmpint (n_edge_tips, >, 0);
  cairo_destroy (measure);
  g_signal_emit_by_name (view, "item-activated", 0 * 3 + 1);   /* utterance 1's audio node */
  g_assert_cmpuint (stva_session_get_utterance_position (s.session), ==, 0);
  g = stva_inspector_get_graph (s.inspector);
  g_assert_cmpint (g->utterance, ==, 0);
  g_assert_cmpint (g->modality, ==, 1);
  g_autoptr (cairo_surface_t) graph2 = screenshot (GTK_WIDGET (view), "inspector-graph-a1.png");
  stva_session_select_utterance (s.session, 2);
  stva_inspector_set_view (s.inspector, "prediction");
  g_autoptr (cairo_surface_t) whole = screenshot (GTK_WIDGET (s.inspector),
                                                  "inspector-window.png");
  studio_close (&s);
}

/* Probabilities of model_id stored for the dialogue's utterances, (T, K). */
static float *
stored_probs (const char *project,
              gint64      model_id,
              gint64      dialogue_id,
              int        *T,
              int        *K)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_autoptr (GPtrArray) utts = stva_db_utterances (db, dialogue_id, set->id, model_id, &error);
  g_assert_no_error (error);
  *T = (int) utts->len;
  *K = (int) set->labels->len;
  float *out = g_new0 (float, (gsize) *T * *K);
  for (int t = 0; t < *T; t++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, t);
      g_autoptr (StvaDbPrediction) p = stva_db_prediction (db, model_id, u->id, &error);
      if (p == NULL)
        {
          g_free (out);
          return NULL;
        }
      memcpy (out + (gsize) t * *K, p->probs, sizeof (float) * *K);
    }
  return out;
}

static void
assert_probs_close (const float *got,
                    const float *want,
                    int          n,
                    double       atol,
                    const char  *what)
{
  for (int i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > atol)
      g_error ("%s: value %d is %.7f, want %.7f (tolerance %g)", what, i, got[i], want[i], atol);
}

static void
test_live (void)
{
  g_autofree char *project = fixture_copy (&fx, "live.stva");
  g_autofree char *split_copy = fixture_copy (&fx, "split.stva");
  gint64 dialogue = g_array_index (dialogue_ids, gint64, X_TEST);
  int T, K;
  g_assert_null (stored_probs (project, id_a, dialogue, &T, &K));   /* not predicted yet */
  Studio s = { 0 };
  studio_open (&s, project);
  max_gap_us = max_cpu_us = 0;
  last_beat_us = last_cpu_us = 0;
  guint beat = g_timeout_add (5, heartbeat, NULL);
  select_dialogue (&s, X_TEST);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((stva_inspector_get_n_live (s.inspector) == 0 || stva_inspector_is_busy (s.inspector))
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  spin (0.3);
  g_source_remove (beat);
  g_assert_cmpuint (stva_inspector_get_n_live (s.inspector), ==, 1);
  g_print ("# largest main-loop gap during live inference: %.1f ms (of it the main thread's own "
           "CPU time: %.1f ms)\n", max_gap_us / 1000.0, max_cpu_us / 1000.0);
  g_print ("# selection to drawn inspector (live): %.1f ms\n",
           stva_inspector_get_shown_us (s.inspector) / 1000.0);
  g_assert_cmpint (stva_inspector_get_shown_us (s.inspector), >, 0);
#ifndef __SANITIZE_ADDRESS__   /* sanitized builds run the main thread's share ten times slower */
  /* no blocking: the worker predicts.  The main thread's own time is asserted, not the wall
   * time, which on a shared machine also counts the neighbours */
  g_assert_cmpint (max_cpu_us, <, 150 * 1000);
#endif

  /* what the studio shows and stored equals the engine's split predict on a copy */
  int t2, k2;
  const float *shown = stva_inspector_get_probs (s.inspector, &t2, &k2);
  g_autofree float *stored = stored_probs (project, id_a, dialogue, &T, &K);
  g_assert_nonnull (stored);
  g_assert_cmpint (t2, ==, T);
  g_assert_cmpint (k2, ==, K);
  assert_probs_close (shown, stored, T * K, 0, "shown vs stored");
  g_assert_cmpint (predict_split (split_copy, model_a, STVA_SPLIT_TEST), ==, id_a);
  g_autofree float *split = stored_probs (split_copy, id_a, dialogue, &T, &K);
  assert_probs_close (stored, split, T * K, 1e-6, "live vs split predict");
  /* the session reloaded: the utterance items carry the prediction */
  StvaUtteranceItem *u = stva_session_get_utterance (s.session);
  g_assert_cmpint (stva_utterance_item_get (u)->predicted_label_id, !=, 0);
  g_autoptr (cairo_surface_t) shot = screenshot (GTK_WIDGET (s.inspector),
                                                 "inspector-live.png");

  /* back and again: stored now, not predicted again */
  select_dialogue (&s, 0);
  wait_idle (s.inspector);
  select_dialogue (&s, X_TEST);
  wait_idle (s.inspector);
  g_assert_cmpuint (stva_inspector_get_n_live (s.inspector), ==, 1);
  g_print ("# selection to drawn inspector (stored): %.1f ms\n",
           stva_inspector_get_shown_us (s.inspector) / 1000.0);
  studio_close (&s);
}

static void
test_what_if (void)
{
  Fixture q;
  fixture_init (&q, X_DEV);   /* the same project without that dialogue's audio */
  g_autoptr (GArray) q_ids = fixture_dialogue_ids (q.project);
  g_autofree char *project = fixture_copy (&fx, "what-if.stva");
  gint64 dialogue = g_array_index (dialogue_ids, gint64, X_DEV);
  int T, K;
  g_autofree float *before = stored_probs (project, id_a, dialogue, &T, &K);
  g_assert_nonnull (before);
  Studio s = { 0 };
  studio_open (&s, project);
  select_dialogue (&s, X_DEV);
  stva_session_select_utterance (s.session, 1);
  wait_idle (s.inspector);
  stva_inspector_set_modality_off (s.inspector, STVA_MOD_A, TRUE);
  wait_idle (s.inspector);
  int tw, kw;
  const float *what_if = stva_inspector_get_what_if (s.inspector, &tw, &kw);
  g_assert_nonnull (what_if);
  g_assert_cmpint (tw, ==, T);
  /* equal to the prediction on the project without the dialogue's audio */
  StvaPredictDialogueOptions other = { .project = q.project, .model_path = model_a,
                                       .dialogue_id = g_array_index (q_ids, gint64, X_DEV) };
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaPredictDialogueResult) without = stva_engine_predict_dialogue (NULL, &other,
                                                                                &error);
  g_assert_no_error (error);
  g_assert_cmpmem (what_if, sizeof (float) * T * K, without->output.probs,
                   sizeof (float) * T * K);
  /* and it moved something: the probabilities differ from the stored ones */
  const float *shown = stva_inspector_get_probs (s.inspector, &tw, &kw);
  g_assert_true (memcmp (shown, what_if, sizeof (float) * T * K) != 0);
  g_test_message ("what-if status: %s", stva_inspector_get_status (s.inspector));
  g_assert_nonnull (strstr (stva_inspector_get_status (s.inspector), "without audio"));
  /* the figure lists the dialogue: T rows under the bars */
  StvaFigureView *view = stva_inspector_get_figure_view (s.inspector, "prediction");
  int w = gtk_widget_get_width (GTK_WIDGET (view)), h = gtk_widget_get_height (GTK_WIDGET (view));
  g_autoptr (GHashTable) seen = tooltips_along (view, w / 2.0, 0, w / 2.0, h - 1);
  int n_rows = 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, seen);
  while (g_hash_table_iter_next (&it, &key, NULL))
    n_rows += g_str_has_prefix (key, "utterance ");
  g_assert_cmpint (n_rows, ==, T);
  g_autoptr (cairo_surface_t) shot = screenshot (GTK_WIDGET (s.inspector),
                                                 "inspector-what-if.png");
  /* two off */
  stva_inspector_set_modality_off (s.inspector, STVA_MOD_T, TRUE);
  wait_idle (s.inspector);
  g_assert_nonnull (strstr (stva_inspector_get_status (s.inspector), "without text and audio"));
  stva_inspector_set_modality_off (s.inspector, STVA_MOD_T, FALSE);
  stva_inspector_set_modality_off (s.inspector, STVA_MOD_A, FALSE);
  wait_idle (s.inspector);
  g_assert_null (stva_inspector_get_what_if (s.inspector, &tw, &kw));
  studio_close (&s);
  /* nothing stored was overwritten */
  g_autofree float *after = stored_probs (project, id_a, dialogue, &T, &K);
  g_assert_cmpmem (before, sizeof (float) * T * K, after, sizeof (float) * T * K);
  fixture_clear (&q);
}

static void
test_model_file (void)
{
  g_autofree char *project = fixture_copy (&fx, "files.stva");
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_autofree char *path = NULL;
  g_assert_true (stva_data_model_file (db, id_a, &path, &error));
  g_autofree char *canonical = g_canonicalize_filename (model_a, NULL);
  g_assert_cmpstr (path, ==, canonical);
  g_clear_pointer (&path, g_free);
  /* another file registered, then changed: named as changed; then gone */
  g_autofree char *moving = g_build_filename (fx.dir, "moving.stvm", NULL);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (model_a, &bytes, &n, NULL));
  bytes[n / 2] ^= 1;   /* another model: its hash differs */
  g_assert_true (g_file_set_contents (moving, bytes, (gssize) n, NULL));
  g_autofree char *hash = stva_data_file_sha256 (moving, &error);
  const StvaDbLabelSet *set = NULL;
  g_autoptr (StvaDbLabelSet) meld = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  set = meld;
  gint64 id = stva_db_add_model (db, "moving.stvm", hash, set->id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (stva_data_model_file (db, id, &path, &error));   /* no file recorded */
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "without its file"));
  g_clear_error (&error);
  g_assert_true (stva_db_set_model_path (db, id, moving, &error));
  g_assert_true (stva_data_model_file (db, id, &path, &error));
  g_clear_pointer (&path, g_free);
  bytes[n / 2] ^= 1;
  g_assert_true (g_file_set_contents (moving, bytes, (gssize) n, NULL));
  g_assert_false (stva_data_model_file (db, id, &path, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "has changed"));
  g_assert_nonnull (strstr (error->message, moving));
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (moving), ==, 0);
  g_assert_false (stva_data_model_file (db, id, &path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "not there any more"));
  g_clear_error (&error);
  g_clear_pointer (&db, stva_db_close);

  /* the inspector says so for a dialogue that model has not predicted */
  Studio s = { 0 };
  studio_open (&s, project);
  g_assert_true (stva_session_set_model_id (s.session, id, &error));
  select_dialogue (&s, 0);
  wait_idle (s.inspector);
  g_test_message ("status: %s", stva_inspector_get_status (s.inspector));
  g_assert_nonnull (strstr (stva_inspector_get_status (s.inspector), "not there any more"));
  g_assert_cmpuint (stva_inspector_get_n_live (s.inspector), ==, 0);
  studio_close (&s);
}

static void
test_export (void)
{
  Studio s = { 0 };
  studio_open (&s, fx.project);
  select_dialogue (&s, 1);
  wait_idle (s.inspector);
  const char *views[] = { "prediction", "graph", "attention", "contributions", "metrics" };
  const char *kinds[] = { "png", "svg", "pdf" };
  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      stva_inspector_set_view (s.inspector, views[v]);
      wait_idle (s.inspector);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          g_autofree char *name = g_strdup_printf ("export-%s.%s", views[v], kinds[k]);
          const char *shots = g_getenv ("STVA_SHOT_DIR");   /* kept there to look at */
          g_autofree char *path = g_build_filename (shots != NULL ? shots : fx.dir, name, NULL);
          g_autoptr (GError) error = NULL;
          g_assert_true (stva_inspector_export (s.inspector, path, &error));
          g_assert_no_error (error);
          g_autofree char *data = NULL;
          gsize n = 0;
          g_assert_true (g_file_get_contents (path, &data, &n, NULL));
          const char *magic = k == 0 ? "\x89PNG" : k == 1 ? "<?xml" : "%PDF";
          g_assert_cmpuint (n, >, 1000);
          g_assert_true (memcmp (data, magic, strlen (magic)) == 0);
          if (k == 0)   /* 468 pt at 300 dpi */
            {
              cairo_surface_t *png = cairo_image_surface_create_from_png (path);
              g_assert_cmpint (cairo_image_surface_get_width (png), ==, 1950);
              cairo_surface_destroy (png);
            }
        }
    }
  /* a bad kind is refused, naming the file */
  g_autofree char *bad = g_build_filename (fx.dir, "figure.jpg", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_inspector_export (s.inspector, bad, &error));
  g_assert_nonnull (strstr (error->message, bad));
  studio_close (&s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_autofree char *config = g_build_filename (g_get_tmp_dir (), "stva-inspector-config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  g_resources_register (stva_get_resource ());   /* as the application does */
  make_project ();
  g_test_add_func ("/ui/inspector/views", test_views);
  g_test_add_func ("/ui/inspector/live", test_live);
  g_test_add_func ("/ui/inspector/what-if", test_what_if);
  g_test_add_func ("/ui/inspector/model-file", test_model_file);
  g_test_add_func ("/ui/inspector/export", test_export);
  int rc = g_test_run ();
  g_free (model_a);
  g_free (model_b);
  g_array_unref (dialogue_ids);
  fixture_clear (&fx);
  return rc;
}
