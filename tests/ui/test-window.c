/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio window on a generated demo corpus, under a real (virtual) display: it lists the
 * dialogues and utterances of the MELD CSVs, plays an utterance from its start to its end in
 * the dialogue video, refuses a folder that is not a corpus without losing what it shows, and
 * renders.  With STVA_SCREENSHOT=FILE.png it saves a screenshot of itself there.
 */
#include <math.h>
#include <glib/gstdio.h>

#include "stva-core.h"
#include "stva-demo.h"
#include "stva-ui.h"

static char *tmp;
static char *corpus;

static void
spin_until (gboolean (*done) (gpointer),
            gpointer  data,
            double    timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
stopped (gpointer data)
{
  return !stva_window_is_playing (data);
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  spin_until (never, NULL, 0.5);   /* let the last frame and the layout settle */
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                     &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

static void
test_window (void)
{
  StvaWindow *window = stva_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (mapped, window, 10);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_autoptr (GError) error = NULL;
  g_assert_true (stva_window_open_folder (window, corpus, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stva_window_get_n_dialogues (window), ==, 5);
  g_assert_cmpuint (stva_window_get_n_utterances_shown (window), >, 0);
  g_assert_cmpuint (stva_window_get_frames_shown (window), ==, 1);   /* the first frame */

  /* Playing utterance 1 seeks to its start and stops at its end. */
  guint before = stva_window_get_frames_shown (window);
  stva_window_play_utterance (window, 1);
  double start = stva_window_get_position (window);
  g_assert_true (stva_window_is_playing (window));
  spin_until (stopped, window, 30);
  g_assert_false (stva_window_is_playing (window));
  double end = stva_window_get_position (window);
  g_test_message ("utterance 1 played from %.2f s to %.2f s, %u frames", start, end,
                  stva_window_get_frames_shown (window) - before);
  g_assert_cmpfloat (start, >, 0.3);   /* the first utterance and a pause come before it */
  g_assert_cmpfloat (end, >, start + 0.5);
  g_assert_cmpuint (stva_window_get_frames_shown (window) - before, >=,
                    (guint) floor ((end - start) / stva_window_get_frame_period (window)));

  /* A folder that is not a corpus: a clear error naming it, and the window keeps its corpus. */
  g_autoptr (GError) bad = NULL;
  g_assert_false (stva_window_open_folder (window, tmp, &bad));
  g_assert_nonnull (bad);
  g_assert_nonnull (strstr (bad->message, tmp));
  g_assert_cmpuint (stva_window_get_n_dialogues (window), ==, 5);

  /* A malformed CSV: the error names file and line. */
  g_autofree char *broken = g_build_filename (tmp, "broken", NULL);
  g_autofree char *csv = g_build_filename (broken, "train_sent_emo.csv", NULL);
  g_assert_cmpint (g_mkdir_with_parents (broken, 0755), ==, 0);
  g_assert_true (g_file_set_contents (csv,
    "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,"
    "StartTime,EndTime\r\n1,Hi,Ann,happy,positive,0,0,1,1,\"00:00:01,000\",\"00:00:02,000\"\r\n",
    -1, NULL));
  g_autoptr (GError) malformed = NULL;
  g_assert_false (stva_window_open_folder (window, broken, &malformed));
  g_assert_nonnull (strstr (malformed->message, "train_sent_emo.csv:2"));
  g_assert_nonnull (strstr (malformed->message, "happy"));

  stva_window_select_dialogue (window, 2);
  stva_window_play_utterance (window, 0);
  spin_until (stopped, window, 30);
  const char *shot = g_getenv ("STVA_SCREENSHOT");
  if (shot != NULL)
    save_screenshot (GTK_WIDGET (window), shot);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The virtual display has no session bus: GTK warns about it.  Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  stva_media_log_errors_only ();
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  tmp = g_dir_make_tmp ("stva-ui-XXXXXX", NULL);
  corpus = g_build_filename (tmp, "demo", NULL);
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.n_dialogues = 5;
  opts.seed = 3;
  StvaError error = { 0 };
  if (stva_demo_generate (corpus, &opts, NULL, &error) != STVA_OK)
    g_error ("%s", error.message);
  g_test_add_func ("/ui/window/open-and-play", test_window);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  return rc;
}
