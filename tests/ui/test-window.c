/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio window on a small demo project, under a real (virtual) display, driven as a user
 * drives it: keys go through the X server (xdotool, XTEST) to the focused window.  Opening the
 * project selects its first dialogue and utterance with no text field focused; a label key
 * writes a correction by the annotator and moves on; Ctrl+Z and Ctrl+Shift+Z undo and redo
 * through the log; N goes through the review queue; a file that is not a project is refused
 * without losing what is open.  The largest gap between main-loop iterations is measured
 * throughout.  With STVA_SCREENSHOT=FILE.png the window is saved there.
 */
#include "config.h"

#include <math.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "db-test.h"
#include "stva-core.h"
#include "stva-demo.h"
#include "stva-player.h"
#include "stva-ui.h"

static char *tmp;
static char *project;

/* ---- the main loop's largest gap ---------------------------------------------------------- */

static gint64 last_beat_us;
static gint64 max_gap_us;

static gboolean
heartbeat (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_beat_us != 0 && now - last_beat_us > max_gap_us)
    max_gap_us = now - last_beat_us;
  last_beat_us = now;
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
spin_until (gboolean (*done) (gpointer),
            gpointer  data,
            double    timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
player_ready (gpointer data)
{
  return stva_player_get_path (data) != NULL && !stva_player_get_busy (data)
         && stva_player_get_frame_pts (data) >= 0.0;
}

/* Presses keys through the X server as a keyboard would, while the main loop runs. */
static void
press (const char *keys)
{
  g_autofree char *cmd = g_strdup_printf ("xdotool key --delay 30 %s", keys);
  GError *error = NULL;
  char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  GPid pid;
  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                &error));
  g_assert_no_error (error);
  gboolean done = FALSE;
  int status = 0;
  while (!done)
    {
      g_main_context_iteration (NULL, FALSE);
      done = waitpid (pid, &status, WNOHANG) == pid;
    }
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  spin (0.3);   /* the events arrive */
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  spin (0.5);   /* let the last frame and the layout settle */
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

/* ---- the project -------------------------------------------------------------------------- */

/* The demo corpus imported into a project, with a model whose predictions are known: the top
 * probability falls with the utterance's position in the project, and every third one is
 * wrong, so the review queue's order is known. */
static void
make_project (const char *corpus)
{
  project = g_build_filename (tmp, "labelled.stva", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  StvaDbImportReport report;
  stva_db_import_report_init (&report);
  g_assert_true (stva_db_import_meld (db, corpus, &report, &error));
  stva_db_import_report_clear (&report);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_assert_no_error (error);
  gint64 model = stva_db_add_model (db, "demo-model", "hash-demo", set->id, "{}", "{}",
                                    &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  guint K = set->labels->len;
  int n = 0;
  for (guint d = 0; d < dialogues->len; d++)
    {
      StvaDbDialogue *dia = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, dia->id, set->id, 0, &error);
      for (guint i = 0; i < utts->len; i++, n++)
        {
          StvaDbUtterance *u = g_ptr_array_index (utts, i);
          const StvaDbLabel *gold = stva_db_label_set_by_label (set, u->gold_label_id);
          int cls = gold != NULL ? gold->idx : 0;
          float probs[16], top = 0.9f * expf (-0.01f * (float) n) + 0.1f / (float) K;
          for (guint k = 0; k < K; k++)
            probs[k] = (1.0f - top) / (float) (K - 1);
          probs[(cls + (n % 3 == 0)) % K] = top;
          float beta[3] = { 0.5f, 0.3f, 0.2f };
          g_assert_true (stva_db_put_prediction (db, model, u->id, probs, K, beta, NULL,
                                                 &error));
        }
    }
  /* two other annotators on the last dialogue: ana keeps gold, ben disagrees on every other
   * utterance, so the project has an agreement to show */
  StvaDbDialogue *last = g_ptr_array_index (dialogues, dialogues->len - 1);
  g_autoptr (GPtrArray) utts = stva_db_utterances (db, last->id, set->id, 0, &error);
  gint64 ana = stva_db_annotator (db, "ana", "human", &error);
  gint64 ben = stva_db_annotator (db, "ben", "human", &error);
  for (guint i = 0; i < utts->len; i++)
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, i);
      const StvaDbLabel *gold = stva_db_label_set_by_label (set, u->gold_label_id);
      const StvaDbLabel *other = g_ptr_array_index (set->labels, (gold->idx + 1) % K);
      g_assert_cmpint (stva_db_set_label (db, u->id, set->id, ana, gold->id, model, NULL,
                                          &error), >, 0);
      g_assert_cmpint (stva_db_set_label (db, u->id, set->id, ben,
                                          i % 2 == 0 ? gold->id : other->id, model, NULL,
                                          &error), >, 0);
    }
}

/* ---- the test ----------------------------------------------------------------------------- */

typedef struct
{
  StvaApplication *app;
  StvaWindow      *window;
} Ctx;

static gint64
corrections (const char *who)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM correction c JOIN annotator a ON a.id = c.annotator_id "
    "WHERE a.name = '%s'", who);
  return dbt_query_int (project, sql);
}

static void
test_label_keys (void)
{
  g_autoptr (StvaApplication) app = stva_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  StvaWindow *window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (mapped, window, 10);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_timeout_add (5, heartbeat, NULL);

  g_autoptr (GError) error = NULL;
  g_assert_true (stva_window_open_project (window, project, "tester", &error));
  g_assert_no_error (error);
  StvaSession *s = stva_window_get_session (window);
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (s)), ==, 5);
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 0);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 0);
  g_assert_null (gtk_root_get_focus (GTK_ROOT (window)));
  /* several annotators: Krippendorff's alpha in the header bar's subtitle */
  g_assert_nonnull (strstr (stva_window_get_subtitle (window), "annotator: tester"));
  g_assert_nonnull (strstr (stva_window_get_subtitle (window), "α 0."));

  /* the player shows the dialogue's video at the first utterance's start, frame-accurately
   * (the frame on screen is the last one starting at or before it: 20 frames a second) */
  StvaPlayer *player = STVA_PLAYER (stva_window_get_player (window));
  spin_until (player_ready, player, 20);
  g_assert_false (stva_player_get_busy (player));
  double start = stva_utterance_item_get (stva_session_get_utterance (s))->start_ms / 1000.0;
  double pts = stva_player_get_frame_pts (player);
  g_assert_cmpfloat (pts, <=, start + 1e-6);
  g_assert_cmpfloat (pts, >, start - 0.05 - 1e-6);
  spin (0.5);

  /* the pointer over the window: under Xvfb without a window manager, keys go where it is */
  g_assert_cmpint (system ("xdotool mousemove 640 400"), ==, 0);
  spin (0.2);
  max_gap_us = 0;   /* from here on: playing and labelling */
  press ("space");
  g_assert_true (stva_player_get_playing (player));

  /* label key 4 is "anger" in the meld set: the first utterance gets it, the next is selected */
  StvaUtteranceItem *first = stva_session_get_utterance (s);
  gint64 first_id = stva_utterance_item_get_id (first);
  const StvaDbLabel *anger = stva_session_label_for_key (s, "4");
  g_assert_nonnull (anger);
  g_assert_cmpstr (anger->name, ==, "anger");
  press ("4");
  g_assert_cmpint (corrections ("tester"), ==, 1);
  g_assert_cmpint (stva_utterance_item_get (first)->current_label_id, ==, anger->id);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 1);
  g_autofree char *sql = g_strdup_printf (
    "SELECT new_label_id FROM correction WHERE utterance_id = %" G_GINT64_FORMAT, first_id);
  g_assert_cmpint (dbt_query_int (project, sql), ==, anger->id);

  /* Ctrl+Z: back to gold, and the undone utterance selected again; Ctrl+Shift+Z: anger again */
  press ("ctrl+z");
  g_assert_cmpint (corrections ("tester"), ==, 2);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 0);
  g_assert_cmpint (stva_utterance_item_get (first)->current_label_id, ==,
                   stva_utterance_item_get (first)->gold_label_id);
  press ("ctrl+shift+z");
  g_assert_cmpint (corrections ("tester"), ==, 3);
  g_assert_cmpint (stva_utterance_item_get (first)->current_label_id, ==, anger->id);

  /* Down, R: the second utterance reviewed unchanged; Return accepts the third's prediction */
  press ("Down r");
  g_assert_cmpint (corrections ("tester"), ==, 4);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 2);
  StvaUtteranceItem *third = stva_session_get_utterance (s);
  press ("Return");
  g_assert_cmpint (stva_utterance_item_get (third)->current_label_id, ==,
                   stva_utterance_item_get (third)->predicted_label_id);

  /* with "move on after labelling" off, a label key leaves the selection where it is; the
   * preference is written to the (test's own) configuration folder */
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.advance", NULL);
  guint at = stva_session_get_utterance_position (s);
  press ("1");
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, at);
  g_autofree char *ini = g_build_filename (tmp, "config", "synctva-studio", "settings.ini",
                                           NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (ini, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "advance-after-labelling=false"));
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.advance", NULL);

  /* N: the review queue (most uncertain first) goes to the project's last utterance */
  press ("n");
  g_assert_nonnull (stva_session_get_queue (s));
  const StvaDbQueueItem *top = &g_array_index (stva_session_get_queue (s), StvaDbQueueItem, 0);
  g_assert_cmpint (stva_utterance_item_get_id (stva_session_get_utterance (s)), ==,
                   top->utterance_id);
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 4);

  /* Ctrl+Down / Ctrl+Up move between dialogues */
  press ("ctrl+Up");
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 3);

  /* a file that is not a project: refused, naming it; the project stays open */
  g_autofree char *bad = g_build_filename (tmp, "not-a-project.stva", NULL);
  g_assert_true (g_file_set_contents (bad, "hello", -1, NULL));
  g_autoptr (GError) bad_error = NULL;
  g_assert_false (stva_window_open_project (window, bad, NULL, &bad_error));
  g_assert_nonnull (strstr (bad_error->message, "not-a-project.stva"));
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (s)), ==, 5);

  g_print ("# largest main-loop gap while playing and labelling: %.1f ms (%u frames shown, "
           "%u dropped)\n", max_gap_us / 1000.0, stva_player_get_frames_shown (player),
           stva_player_get_frames_dropped (player));
  /* a frame step after a selection: the player paused on the utterance's start */
  press ("Down");
  spin_until (player_ready, player, 10);
  press ("period");
  spin_until (player_ready, player, 10);
  g_assert_false (stva_player_get_playing (player));
  double at_s = stva_utterance_item_get (stva_session_get_utterance (s))->start_ms / 1000.0;
  g_assert_cmpfloat (stva_player_get_frame_pts (player), >, at_s);
  g_assert_cmpfloat (stva_player_get_frame_pts (player), <=, at_s + 0.05 + 1e-6);

  const char *shot = g_getenv ("STVA_SCREENSHOT");
  if (shot != NULL)
    save_screenshot (GTK_WIDGET (window), shot);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

static gboolean
dialog_shown (gpointer data)
{
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (w);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
project_open (gpointer data)
{
  return stva_session_is_open (stva_window_get_session (data));
}

/* A MELD-layout folder: the window offers to make a project beside it and imports it in a job
 * (the progress row shows meanwhile), then opens it. */
static void
test_import_folder (void)
{
  g_autoptr (StvaApplication) app = stva_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  StvaWindow *window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (mapped, window, 10);
  g_autofree char *corpus = g_build_filename (tmp, "demo", NULL);
  g_autofree char *made = g_strconcat (corpus, ".stva", NULL);
  g_assert_false (g_file_test (made, G_FILE_TEST_EXISTS));

  last_beat_us = 0;
  max_gap_us = 0;
  guint beat = g_timeout_add (5, heartbeat, NULL);
  stva_window_open (window, corpus, "tester");
  AdwMessageDialog *dialog = NULL;
  spin_until (dialog_shown, &dialog, 10);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import this corpus?");
  adw_message_dialog_response (dialog, "import");   /* as the Import button does */
  spin_until (project_open, window, 60);
  g_source_remove (beat);
  g_assert_true (project_open (window));
  g_assert_true (g_file_test (made, G_FILE_TEST_EXISTS));
  StvaSession *s = stva_window_get_session (window);
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (s)), ==, 5);
  g_assert_cmpstr (stva_session_get_path (s), ==, made);
  g_print ("# largest main-loop gap while importing: %.1f ms\n", max_gap_us / 1000.0);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The virtual display has no session bus: GTK warns about it.  Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  stva_media_log_errors_only ();
  tmp = g_dir_make_tmp ("stva-ui-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);   /* preferences: the test's own */
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  g_autofree char *corpus = g_build_filename (tmp, "demo", NULL);
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.n_dialogues = 5;
  opts.seed = 3;
  StvaError error = { 0 };
  if (stva_demo_generate (corpus, &opts, NULL, &error) != STVA_OK)
    g_error ("%s", error.message);
  make_project (corpus);
  g_test_add_func ("/ui/window/label-keys", test_label_keys);
  g_test_add_func ("/ui/window/import-folder", test_import_folder);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  g_free (project);
  return rc;
}
