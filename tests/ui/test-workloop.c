/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The work loop in the studio window, on a real (virtual) display: extraction, prediction and
 * training run as engine jobs in the window's progress row and are cancelled mid-way by a
 * click on its Cancel button (the project then passes PRAGMA integrity_check and holds what
 * the job said it kept, whole dialogues only); a second job is refused while one runs; the
 * main loop's largest gap is measured (a 5 ms heartbeat) during extraction and training; a
 * retrain from the model on screen ends in the before/after panel, whose numbers are the
 * engine's eval with compare (synctva eval --compare) on dev and test, and whose changed
 * predictions are those stored for the two models; the import dialog imports a MELD folder
 * into a new project and subtitles into the open one; the export dialog writes CSV, MELD CSVs
 * and one ELAN file per dialogue; a new project is made and the recent projects hold it.
 * With STVA_SHOT_DIR the import dialog, the job row and the retrain panel are saved there.
 */
#include "config.h"

#include <math.h>
#include <time.h>
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"
#include "e1-fixture.h"
#include "stva-core.h"
#include "stva-export-dialog.h"
#include "stva-import-dialog.h"
#include "stva-job-runner.h"
#include "stva-retrain-dialog.h"
#include "stva-ui.h"

static Fixture fx;
static StvaApplication *app;
static StvaWindow *window;
static char *model_file;    /* a trained model registered in fx.project */

/* ---- the main loop ------------------------------------------------------------------------ */

/* The load average, for the gaps' context. */
static const char *
load (void)
{
  static char text[64];
  g_autofree char *contents = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return "?";
  g_strlcpy (text, contents, sizeof text);
  char *space = strchr (text, ' ');
  if (space != NULL)
    *space = '\0';
  return text;
}

static gint64 last_beat_us;
static gint64 max_gap_us;        /* the largest gap */
static gint64 max_running_us;    /* the largest that ended while a job ran (not its ending) */
static gint64 last_cpu_us;
static gint64 max_cpu_us;        /* the main thread's largest CPU time between two beats: what
                                  * held the loop itself, whatever the machine's load */

static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
heartbeat (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  if (last_cpu_us != 0 && last_beat_us != 0 && cpu - last_cpu_us > max_cpu_us)
    max_cpu_us = cpu - last_cpu_us;
  last_cpu_us = cpu;
  if (last_beat_us != 0 && now - last_beat_us > max_gap_us)
    max_gap_us = now - last_beat_us;
  if (last_beat_us != 0 && window != NULL && stva_window_job_running (window)
      && now - last_beat_us > max_running_us)
    max_running_us = now - last_beat_us;
  last_beat_us = now;
  return G_SOURCE_CONTINUE;
}

static void
reset_gaps (void)
{
  max_gap_us = max_running_us = max_cpu_us = 0;
  last_beat_us = last_cpu_us = 0;
}

static void
report_gaps (const char *what)
{
  g_print ("# largest main-loop gap while %s: %.1f ms (%.1f ms while the job ran; the main "
           "thread's CPU time between two beats at most %.1f ms; load %s)\n", what,
           max_gap_us / 1000.0, max_running_us / 1000.0, max_cpu_us / 1000.0, load ());
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
spin_until (gboolean (*done) (gpointer),
            gpointer  data,
            double    timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return done (data);
}

static gboolean
job_idle (gpointer data)
{
  return !stva_window_job_running (window);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("STVA_SHOT_DIR");
  if (dir == NULL)
    return;
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  int w = 0, h = 0;
  GskRenderNode *node = NULL;
  for (int tries = 0; node == NULL && tries < 20; tries++)   /* until a frame is drawn */
    {
      spin (0.2);
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                     &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("# saved %s\n", path);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

static void
assert_cpu_bound (void)
{
#ifndef __SANITIZE_ADDRESS__   /* sanitized builds run the main thread's share ten times slower */
  g_assert_cmpint (max_cpu_us, <, 150 * 1000);
#endif
}

/* ---- the window's progress row ------------------------------------------------------------ */

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *label)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type)
          && (label == NULL || (GTK_IS_BUTTON (c) && g_strcmp0 (gtk_button_get_label (
                                  GTK_BUTTON (c)), label) == 0)))
        return c;
      GtkWidget *found = find_widget (c, type, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The revealer holding the progress bar (toasts have revealers too). */
static GtkWidget *
find_job_row (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_REVEALER (c) && find_widget (c, GTK_TYPE_PROGRESS_BAR, NULL) != NULL)
        return c;
      GtkWidget *found = find_job_row (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkRevealer *
job_row (void)
{
  GtkWidget *r = find_job_row (GTK_WIDGET (window));
  g_assert_nonnull (r);
  return GTK_REVEALER (r);
}

static GtkProgressBar *
job_bar (void)
{
  return GTK_PROGRESS_BAR (find_widget (GTK_WIDGET (job_row ()), GTK_TYPE_PROGRESS_BAR, NULL));
}

static const char *
job_stage (void)
{
  GtkWidget *label = find_widget (GTK_WIDGET (job_row ()), GTK_TYPE_LABEL, NULL);
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Clicks the Cancel button of the progress row, as a pointer would (its "clicked"). */
static void
click_cancel (void)
{
  GtkWidget *b = find_widget (GTK_WIDGET (job_row ()), GTK_TYPE_BUTTON, "_Cancel");
  g_assert_nonnull (b);
  g_assert_true (stva_window_job_running (window));
  spin_until (mapped, b, 5);   /* a pointer clicks what is shown: the row slides in first */
  if (!gtk_widget_is_sensitive (b) || !gtk_widget_get_mapped (b))
    g_error ("the Cancel button: sensitive %d, mapped %d, running %d, revealed %d (%s)",
             gtk_widget_is_sensitive (b), gtk_widget_get_mapped (b),
             stva_window_job_running (window), gtk_revealer_get_reveal_child (job_row ()),
             stva_job_runner_last_message (window));
  g_signal_emit_by_name (b, "clicked");
}

typedef struct
{
  const char *stage;     /* the stage label holds this */
  gint64      done;      /* and the bar's "N of M units" is past N = done */
} Waypoint;

static gboolean
reached (gpointer data)
{
  const Waypoint *w = data;
  const char *text = gtk_progress_bar_get_text (job_bar ());
  return !stva_window_job_running (window)
         || (strstr (job_stage (), w->stage) != NULL && text != NULL
             && g_ascii_isdigit (*text) && g_ascii_strtoll (text, NULL, 10) > w->done);
}

/* ---- the project ------------------------------------------------------------------------- */

static gint64
scalar (const char *project,
        const char *sql)
{
  return dbt_query_int (project, sql);
}

static void
assert_intact (const char *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (db, &error));   /* PRAGMA integrity_check and foreign keys */
  g_assert_no_error (error);
}

/* "cancelled: 3 of 14 dialogues stored" -> 3; "nothing was written" -> 0 */
static int
kept_from (const char *message)
{
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, "cancelled"));
  if (strstr (message, "nothing was written") != NULL)
    return 0;
  const char *av = strstr (message, "audio and video of ");   /* the extraction's */
  if (av != NULL)
    return atoi (av + strlen ("audio and video of "));
  const char *p = strstr (message, ": ");
  g_assert_nonnull (p);
  return atoi (p + 2);
}

static void
open_project (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_window_open_project (window, path, "tester", &error));
  g_assert_no_error (error);
}

/* ---- tests: jobs cancelled mid-way -------------------------------------------------------- */

static void
test_extract_cancel (void)
{
  g_autofree char *project = fixture_media_project (&fx, "media.stva");
  open_project (project);
  spin (0.3);   /* the views settle on the project */
  reset_gaps ();
  g_assert_true (stva_job_runner_extract (window));
  /* one job at a time: a second is refused while it runs */
  g_assert_false (stva_job_runner_predict (window));
  g_assert_false (stva_job_runner_extract (window));
  Waypoint w = { "extracting", -1 };   /* at the stage's first report: text is stored */
  spin_until (reached, &w, 60);
  g_assert_true (stva_window_job_running (window));
  g_assert_true (gtk_revealer_get_reveal_child (job_row ()));
  click_cancel ();
  g_assert_true (spin_until (job_idle, NULL, 60));
  report_gaps ("extracting (cancelled)");
  const char *msg = stva_job_runner_last_message (window);
  g_print ("# extraction cancelled: %s\n", msg);
  int kept = kept_from (msg);
  assert_intact (project);
  /* the text of every dialogue is stored first; audio for exactly the dialogues reported */
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "text"), ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "audio"), ==, kept);
  g_assert_false (gtk_revealer_get_reveal_child (job_row ()));

  /* run to the end: every utterance's audio */
  reset_gaps ();
  g_assert_true (stva_job_runner_extract (window));
  g_assert_true (spin_until (job_idle, NULL, 120));
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "audio"), ==, FIXTURE_DIALOGUES);
  g_assert_true (g_str_has_prefix (stva_job_runner_last_message (window), "Extracted"));
  report_gaps ("extracting");
  /* a job on the main loop would spend its whole run there; the wall-clock gap also counts
   * the neighbours' load, so the bound is on the main thread's own time */
  assert_cpu_bound ();
}

static void
train_model (void)
{
  g_autoptr (GError) error = NULL;
  model_file = g_build_filename (fx.dir, "first.stvm", NULL);
  /* one short epoch: a weak model, so the retrain has something to change */
  const char *settings[] = { "max_epochs=1", "batch_size=4", "seed=5", "lr=0.0005", NULL };
  StvaTrainOptions o = { .source = { .project = fx.project }, .out = model_file,
                         .preset = "tiny", .settings = settings };
  StvaTrainReport report = { 0 };
  g_assert_true (stva_engine_train (NULL, &o, &report, &error));
  g_assert_no_error (error);
  stva_train_report_clear (&report);
}

static void
test_predict_cancel (void)
{
  g_autofree char *project = fixture_copy (&fx, "predict.stva");
  open_project (project);
  gint64 model = stva_session_get_model_id (stva_window_get_session (window));
  g_assert_cmpint (model, >, 0);
  /* the inspector predicts the selected dialogue for itself and stores it: wait for that */
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fixture_whole_dialogues (project, model, NULL) == 0 && g_get_monotonic_time () < end)
    spin (0.05);
  int base = fixture_whole_dialogues (project, model, NULL);
  g_assert_cmpint (base, ==, 1);
  g_assert_true (stva_job_runner_predict (window));
  click_cancel ();   /* at once: before or after its first pack */
  g_assert_true (spin_until (job_idle, NULL, 60));
  const char *msg = stva_job_runner_last_message (window);
  g_print ("# prediction cancelled: %s\n", msg);
  int kept = kept_from (msg);
  assert_intact (project);
  /* kept counts the job's dialogues, from the first (the inspector's) on */
  g_assert_cmpint (fixture_whole_dialogues (project, model, NULL), ==, MAX (kept, base));

  g_assert_true (stva_job_runner_predict (window));
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_assert_true (g_str_has_prefix (stva_job_runner_last_message (window), "Predicted 14"));
  g_assert_cmpint (fixture_whole_dialogues (project, model, NULL), ==, FIXTURE_DIALOGUES);
}

static void
test_train_cancel (void)
{
  g_autofree char *project = fixture_copy (&fx, "train.stva");
  open_project (project);
  gint64 before = fixture_latest_model (project);
  spin (0.5);   /* the views settle on the project (the inspector predicts its dialogue) */
  StvaRetrainDialog *dialog = stva_retrain_dialog_new (window);
  g_object_ref_sink (dialog);
  const char *settings[] = { "batch_size=2", "seed=7", "patience=100000", NULL };
  stva_retrain_dialog_set_options (dialog, TRUE, "tiny", NULL, 100000, settings);
  gtk_window_present (GTK_WINDOW (dialog));
  reset_gaps ();
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_retrain_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));   /* the window is free */
  Waypoint w = { "training", 100 };   /* past 25 epochs of 4 steps */
  spin_until (reached, &w, 60);
  if (!stva_window_job_running (window))
    g_error ("training ended before the cancel: %s", stva_job_runner_last_message (window));
  spin (1.0);
  report_gaps ("training");
  assert_cpu_bound ();   /* it has trained for more than 1 s */
  save_screenshot (GTK_WIDGET (window), "workloop-job-row.png");
  click_cancel ();
  g_assert_true (spin_until (job_idle, NULL, 60));
  const char *msg = stva_retrain_dialog_get_error (dialog);
  g_print ("# training cancelled: %s\n", msg);
  if (msg == NULL)
    g_error ("the training was not cancelled: %s (outcome %p)",
             stva_job_runner_last_message (window), stva_retrain_dialog_get_outcome (dialog));
  g_assert_true (g_str_has_prefix (msg, "cancelled: the best model so far"));
  assert_intact (project);
  /* what it kept: the best model so far, its file and its registration */
  gint64 kept = fixture_latest_model (project);
  g_assert_cmpint (kept, >, before);
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_autofree char *path = NULL;
  g_assert_true (stva_data_model_file (db, kept, &path, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (msg, path));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
test_audit (void)
{
  g_autofree char *project = fixture_copy (&fx, "audit.stva");
  open_project (project);
  /* long fold models, cancelled while the first trains */
  const char *slow[] = { "max_epochs=100000", "patience=100000", "batch_size=2", NULL };
  g_assert_true (stva_job_runner_audit (window, "tiny", 2, slow));
  g_assert_false (stva_job_runner_audit (window, "tiny", 2, slow));   /* one at a time */
  Waypoint w = { "fold 1/2: training", 40 };
  spin_until (reached, &w, 60);
  click_cancel ();
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_assert_cmpstr (stva_job_runner_last_message (window), ==, "cancelled: nothing was written");
  assert_intact (project);
  g_assert_cmpint (scalar (project, "SELECT count(*) FROM audit_run"), ==, 0);

  const char *settings[] = { "max_epochs=2", "batch_size=2", NULL };
  g_assert_true (stva_job_runner_audit (window, "tiny", 2, settings));
  g_assert_true (spin_until (job_idle, NULL, 120));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_true (g_str_has_prefix (stva_job_runner_last_message (window), "Audit: "));
  g_assert_cmpint (scalar (project, "SELECT count(*) FROM audit_run"), ==, 1);
  /* every labelled train utterance ranked, and the review queue goes through them */
  StvaSession *session = stva_window_get_session (window);
  g_assert_cmpint (stva_session_get_queue_order (session), ==, STVA_DB_QUEUE_AUDIT);
  g_assert_cmpuint (stva_session_get_queue (session)->len, ==,
                    scalar (project, "SELECT count(*) FROM audit_score"));
  g_assert_cmpuint (stva_session_get_queue (session)->len, ==, 8 * 4);
}

/* ---- retrain: the before/after panel ------------------------------------------------------ */

static gboolean
panel_shown (gpointer data)
{
  return stva_retrain_dialog_get_outcome (data) != NULL
         || stva_retrain_dialog_get_error (data) != NULL;
}

static void
check_cell (StvaRetrainDialog *dialog,
            const char        *split,
            const char        *row,
            int                column,
            double             want)
{
  g_autofree char *text = g_strdup_printf (column == 2 ? "%+.3f" : "%.3f", want);
  const char *got = stva_retrain_dialog_cell (dialog, split, row, column);
  if (g_strcmp0 (got, text) != 0)
    g_error ("panel %s %s column %d: shows %s, eval --compare gives %s", split, row, column,
             got, text);
}

static void
test_retrain_panel (void)
{
  g_autofree char *project = fixture_copy (&fx, "retrain.stva");
  open_project (project);
  StvaSession *session = stva_window_get_session (window);
  gint64 old_id = stva_session_get_model_id (session);
  g_assert_cmpint (old_id, >, 0);
  /* the old model's predictions, as the labelling before the retrain had them */
  g_assert_true (stva_job_runner_predict (window));
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_assert_cmpint (fixture_whole_dialogues (project, old_id, NULL), ==, FIXTURE_DIALOGUES);
  /* a correction: the new model learns from it (the current labels) */
  g_autoptr (GError) error = NULL;
  stva_session_select_utterance (session, 1);
  const StvaDbLabelSet *set = stva_session_get_label_set (session);
  const StvaDbLabel *joy = stva_db_label_set_find (set, "joy");
  g_assert_nonnull (joy);
  g_assert_true (stva_session_set_label (session, joy->id, "retrain test", &error));
  g_assert_no_error (error);

  StvaRetrainDialog *dialog = stva_retrain_dialog_new (window);
  g_object_ref_sink (dialog);
  const char *settings[] = { "lr=0.02", NULL };   /* a training setting may change */
  stva_retrain_dialog_set_options (dialog, FALSE, NULL, NULL, 6, settings);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (stva_retrain_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (panel_shown, dialog, 120));
  g_assert_null (stva_retrain_dialog_get_error (dialog));
  const StvaRetrainOutcome *o = stva_retrain_dialog_get_outcome (dialog);
  g_assert_cmpint (o->old_id, ==, old_id);
  g_assert_cmpint (o->model_id, >, old_id);
  g_assert_cmpint (o->train.parent_id, ==, old_id);   /* from: the model on screen */
  g_assert_cmpint (stva_session_get_model_id (session), ==, o->model_id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* the panel's numbers are eval --compare OLD NEW on the same labels */
  const char *splits[2] = { "dev", "test" };
  const int split_ids[2] = { STVA_SPLIT_DEV, STVA_SPLIT_TEST };
  for (int s = 0; s < 2; s++)
    {
      g_assert_true (o->has_eval[s]);
      StvaEvalOptions e = { .source = { .project = project }, .model = model_file,
                            .compare = o->model_path, .split = split_ids[s] };
      StvaEvalReport r = { 0 };
      g_assert_true (stva_engine_eval (NULL, &e, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.n_models, ==, 2);
      const StvaMetrics *a = &r.metrics[0], *b = &r.metrics[1];
      check_cell (dialog, splits[s], "weighted_f1", 0, a->weighted_f1);
      check_cell (dialog, splits[s], "weighted_f1", 1, b->weighted_f1);
      check_cell (dialog, splits[s], "weighted_f1", 2, b->weighted_f1 - a->weighted_f1);
      check_cell (dialog, splits[s], "accuracy", 0, a->accuracy);
      check_cell (dialog, splits[s], "accuracy", 1, b->accuracy);
      check_cell (dialog, splits[s], "macro_f1", 1, b->macro_f1);
      for (int k = 0; k < r.K; k++)
        {
          g_autofree char *row = g_strdup_printf ("f1:%s", r.labels[k]);
          check_cell (dialog, splits[s], row, 0, a->f1[k]);
          check_cell (dialog, splits[s], row, 1, b->f1[k]);
        }
      g_print ("# %s w-F1 %.3f -> %.3f\n", splits[s], a->weighted_f1, b->weighted_f1);
      stva_eval_report_clear (&r);
    }
  g_assert_null (stva_retrain_dialog_cell (dialog, "dev", "no-such-row", 0));

  /* the changed predictions: those stored for the two models that differ */
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM prediction a JOIN prediction b ON a.utterance_id = b.utterance_id"
    " WHERE a.model_id = %" G_GINT64_FORMAT " AND b.model_id = %" G_GINT64_FORMAT
    " AND a.label_id != b.label_id", old_id, o->model_id);
  g_assert_cmpint (o->n_compared, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (o->changes->len, ==, scalar (project, sql));
  g_print ("# %u of %" G_GINT64_FORMAT " predictions changed\n", o->changes->len,
           o->n_compared);
  save_screenshot (GTK_WIDGET (dialog), "workloop-retrain-panel.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* ---- import and export through their dialogs ---------------------------------------------- */

static gboolean
session_open_at (gpointer data)
{
  return !stva_window_job_running (window)
         && g_strcmp0 (stva_session_get_path (stva_window_get_session (window)), data) == 0;
}

static void
test_import_dialog (void)
{
  /* a fresh window: no project open, so the folder becomes a new project beside it */
  StvaWindow *old = window;
  window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  /* a file that is no ELAN: the project made for it goes again, and nothing is open */
  g_autofree char *bad = g_build_filename (fx.dir, "bad.eaf", NULL);
  g_assert_true (g_file_set_contents (bad, "<ANNOTATION_DOCUMENT>not closed", -1, NULL));
  StvaImportDialog *refused = stva_import_dialog_new (window, bad);
  g_autofree char *bad_project = g_build_filename (fx.dir, "bad.stva", NULL);
  g_assert_cmpstr (stva_import_dialog_get_target (refused), ==, bad_project);
  g_autoptr (GError) refusal = NULL;
  g_assert_true (stva_import_dialog_run (refused, &refusal));
  g_assert_no_error (refusal);
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_nonnull (strstr (stva_job_runner_last_message (window), "bad.eaf"));
  g_assert_false (g_file_test (bad_project, G_FILE_TEST_EXISTS));
  g_assert_false (stva_session_is_open (stva_window_get_session (window)));

  g_autofree char *corpus = g_build_filename (fx.dir, "corpus2", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", fx.corpus, corpus);
  g_assert_cmpint (system (cmd), ==, 0);
  StvaImportDialog *dialog = stva_import_dialog_new (window, corpus);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpint (stva_import_dialog_get_kind (dialog), ==, STVA_IMPORT_MELD);
  g_autofree char *want = g_strconcat (corpus, ".stva", NULL);
  g_assert_cmpstr (stva_import_dialog_get_target (dialog), ==, want);
  save_screenshot (GTK_WIDGET (dialog), "workloop-import-dialog.png");
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_import_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (session_open_at, want, 60));
  StvaSession *session = stva_window_get_session (window);
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (session)), ==,
                    FIXTURE_DIALOGUES);
  assert_intact (want);

  /* subtitles into the open project, split test */
  g_autofree char *srt = g_build_filename (fx.dir, "extra.srt", NULL);
  const char *text = "1\n00:00:01,000 --> 00:00:02,500\nANN: hello there\n\n"
                     "2\n00:00:03,000 --> 00:00:04,000\nBOB: hi\n\n";
  g_assert_true (g_file_set_contents (srt, text, -1, &error));
  dialog = stva_import_dialog_new (window, srt);
  g_assert_cmpint (stva_import_dialog_get_kind (dialog), ==, STVA_IMPORT_SRT);
  g_assert_cmpstr (stva_import_dialog_get_target (dialog), ==, want);
  stva_import_dialog_set_option (dialog, "split", "test");
  g_assert_true (stva_import_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (session)), ==,
                    FIXTURE_DIALOGUES + 1);
  g_assert_cmpint (scalar (want, "SELECT count(*) FROM utterance"), ==,
                   FIXTURE_UTTERANCES + 2);

  /* a folder of videos, each with its subtitles beside it: a dialogue each */
  g_autofree char *videos = g_build_filename (fx.dir, "videos", NULL);
  g_assert_cmpint (g_mkdir (videos, 0700), ==, 0);
  const char *files[][2] = {
    { "a.mp4", "" }, { "a.srt", text }, { "b.mkv", "" },
    { "b.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nyes\n\n"
               "00:00:02.500 --> 00:00:03.000\nno\n\n" },
    { "c.mp4", "" }, { "notes.txt", "not a video" },   /* no subtitles: left out */
  };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *f = g_build_filename (videos, files[i][0], NULL);
      g_assert_true (g_file_set_contents (f, files[i][1], -1, &error));
    }
  dialog = stva_import_dialog_new (window, videos);
  g_assert_cmpint (stva_import_dialog_get_kind (dialog), ==, STVA_IMPORT_DIALOG_VIDEOS);
  g_assert_cmpstr (stva_import_dialog_get_target (dialog), ==, want);
  stva_import_dialog_set_option (dialog, "split", "train");
  g_assert_true (stva_import_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_cmpstr (stva_job_runner_last_message (window), ==,
                   "Imported 2 videos: 2 dialogues, 4 utterances");
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (session)), ==,
                    FIXTURE_DIALOGUES + 3);
  g_autofree char *video_b = g_build_filename (videos, "b.mkv", NULL);
  g_autofree char *sql_b = g_strdup_printf ("SELECT count(*) FROM dialogue d JOIN media m"
                                            " ON m.id = d.media_id WHERE m.path = '%s'",
                                            video_b);
  g_assert_cmpint (scalar (want, sql_b), ==, 1);

  /* an ELAN file from another lab: its tiers listed, speakers and labels chosen from them */
  g_autofree char *eaf = g_build_filename (g_getenv ("STVA_EAF_DATA"), "two-speakers.eaf",
                                           NULL);
  dialog = stva_import_dialog_new (window, eaf);
  g_assert_cmpint (stva_import_dialog_get_kind (dialog), ==, STVA_IMPORT_EAF);
  const char *tiers = stva_import_dialog_get_tiers (dialog);
  g_auto (GStrv) lines = g_strsplit (tiers, "\n", -1);
  g_autofree char *shown = g_strjoinv ("\n#   ", lines);
  g_print ("# tiers of %s:\n#   %s\n", eaf, shown);
  g_assert_nonnull (strstr (tiers, "Speaker A: Anna"));
  g_assert_nonnull (strstr (tiers, "Emotion B: Ben, under Speaker B"));
  stva_import_dialog_set_option (dialog, "split", "dev");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, 900);
  gtk_window_present (GTK_WINDOW (dialog));
  save_screenshot (GTK_WIDGET (dialog), "workloop-import-eaf.png");
  g_assert_true (stva_import_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_cmpint (scalar (want, "SELECT count(*) FROM utterance"), ==,
                   FIXTURE_UTTERANCES + 2 + 4 + 4);
  /* each speaker's utterances labelled from their own label tier (gold, in the set) */
  g_assert_cmpint (scalar (want, "SELECT count(*) FROM gold_label g JOIN utterance u"
                                 " ON u.id = g.utterance_id WHERE u.speaker = 'Anna'"), ==, 2);

  /* a file dropped onto the window opens the import dialog with it */
  GtkDropTarget *target = NULL;
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_autoptr (GFile) dropped = g_file_new_for_path (srt);
  GSList *list = g_slist_prepend (NULL, dropped);
  GValue value = G_VALUE_INIT;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (list));
  g_slist_free (list);
  gboolean taken = FALSE;
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &taken);
  g_value_unset (&value);
  g_assert_true (taken);
  StvaImportDialog *opened = NULL;
  GListModel *tops = gtk_window_get_toplevels ();   /* (transfer none) */
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (tops, i);
      if (STVA_IS_IMPORT_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        opened = STVA_IMPORT_DIALOG (w);
    }
  g_assert_nonnull (opened);
  g_assert_cmpstr (stva_import_dialog_get_path (opened), ==, srt);
  g_assert_cmpint (stva_import_dialog_get_kind (opened), ==, STVA_IMPORT_SRT);
  gtk_window_destroy (GTK_WINDOW (opened));

  /* the project is among the recent ones */
  g_autoptr (GFile) file = g_file_new_for_path (want);
  g_autofree char *uri = g_file_get_uri (file);
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  gtk_window_destroy (GTK_WINDOW (window));
  window = old;
}

static int
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  int n = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    n += g_str_has_suffix (name, suffix);
  return n;
}

static void
export_through (StvaExportKind kind,
                gboolean       every,
                const char    *out)
{
  StvaExportDialog *dialog = stva_export_dialog_new (window);
  gtk_window_present (GTK_WINDOW (dialog));
  stva_export_dialog_set (dialog, kind, every, out);
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_export_dialog_run (dialog, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (job_idle, NULL, 60));
  g_print ("# %s\n", stva_job_runner_last_message (window));
  g_assert_true (g_str_has_prefix (stva_job_runner_last_message (window), "Exported"));
}

static void
test_export_dialog (void)
{
  g_autofree char *project = fixture_copy (&fx, "export.stva");
  open_project (project);
  g_autofree char *csv = g_build_filename (fx.dir, "out.csv", NULL);
  export_through (STVA_EXPORT_CSV, FALSE, csv);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  int lines = 0;
  for (const char *c = contents; *c != '\0'; c++)
    lines += *c == '\n';
  g_assert_cmpint (lines, ==, FIXTURE_UTTERANCES + 1);   /* a header and a row each */

  g_autofree char *meld = g_build_filename (fx.dir, "meld-out", NULL);
  export_through (STVA_EXPORT_MELD, FALSE, meld);
  g_assert_cmpint (count_files (meld, "_sent_emo.csv"), ==, 3);

  g_autofree char *eafs = g_build_filename (fx.dir, "eaf-out", NULL);
  export_through (STVA_EXPORT_EAF, TRUE, eafs);
  g_assert_cmpint (count_files (eafs, ".eaf"), ==, FIXTURE_DIALOGUES);

  g_autofree char *one = g_build_filename (fx.dir, "one.TextGrid", NULL);
  export_through (STVA_EXPORT_TEXTGRID, FALSE, one);
  g_assert_true (g_file_test (one, G_FILE_TEST_IS_REGULAR));
}

static void
test_new_project (void)
{
  g_autofree char *path = g_build_filename (fx.dir, "fresh.stva", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_job_runner_create_project (window, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stva_session_get_path (stva_window_get_session (window)), ==, path);
  assert_intact (path);
  /* an existing file is refused, and what is open stays open */
  g_assert_false (stva_job_runner_create_project (window, model_file, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (stva_session_get_path (stva_window_get_session (window)), ==, path);
}

/* ---- main --------------------------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  stva_media_log_errors_only ();
  g_autofree char *tmp = g_dir_make_tmp ("stva-workloop-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_autofree char *data = g_build_filename (tmp, "data", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);   /* the recent projects: the test's own */
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  fixture_init (&fx, -1);
  train_model ();
  g_test_add_func ("/ui/workloop/extract-cancel", test_extract_cancel);
  g_test_add_func ("/ui/workloop/predict-cancel", test_predict_cancel);
  g_test_add_func ("/ui/workloop/train-cancel", test_train_cancel);
  g_test_add_func ("/ui/workloop/audit", test_audit);
  g_test_add_func ("/ui/workloop/retrain-panel", test_retrain_panel);
  g_test_add_func ("/ui/workloop/import-dialog", test_import_dialog);
  g_test_add_func ("/ui/workloop/export-dialog", test_export_dialog);
  g_test_add_func ("/ui/workloop/new-project", test_new_project);
  app = stva_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_timeout_add (5, heartbeat, NULL);
  g_assert_true (spin_until (mapped, window, 10));
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
  fixture_clear (&fx);
  g_free (model_file);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  return rc;
}
