/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The predict jobs (engine/stva-engine-predict.h) on a small project: a split's progress
 * reaches its total and every prediction is stored; cancelled at several points the project
 * passes its integrity check and holds whole dialogues, as many as the job says; two jobs on
 * two threads with their own connections (two models; extract and predict) both finish; one
 * dialogue predicted alone equals what the split stored; leaving a modality out equals a
 * project without that modality's vectors for the dialogue, and is never stored; the GTask
 * wrapper delivers the result on the main context.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "e1-fixture.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbPrediction, stva_db_prediction_free)

static Fixture fx;             /* text and audio for every dialogue */
static char   *model1, *model2;

typedef struct
{
  int             n_reports;
  int             cancel_at;      /* cancel at this report (1-based), 0: never */
  GCancellable   *cancellable;
  gint64          last_done, last_total;
  char           *last_stage;
  gboolean        slow;           /* sleep in each report so none is coalesced */
} Watch;

static void
on_progress (const StvaJobProgress *p,
             gpointer               user_data)
{
  Watch *w = user_data;
  w->n_reports++;
  w->last_done = p->done;
  w->last_total = p->total;
  g_free (w->last_stage);
  w->last_stage = g_strdup (p->stage);
  if (w->cancel_at == w->n_reports)
    g_cancellable_cancel (w->cancellable);
  if (w->slow)
    g_usleep (55 * 1000);   /* > the job's 50 ms between reports */
}

static void
watch_clear (Watch *w)
{
  g_clear_object (&w->cancellable);
  g_clear_pointer (&w->last_stage, g_free);
}

static gint64
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  gint64 n = 0;
  for (const char *s = text; *s != '\0'; s++)
    n += *s == '\n';
  return n;
}

/* ---- a split ------------------------------------------------------------------------------ */

static void
test_split_progress (void)
{
  g_autofree char *project = fixture_copy (&fx, "progress.stva");
  g_autofree char *out = g_build_filename (fx.dir, "progress.jsonl", NULL);
  StvaPredictOptions options;
  stva_predict_options_init (&options);
  options.source.project = project;
  options.model_path = model1;
  options.store = TRUE;
  options.out_path = out;
  options.pack = 3;
  Watch w = { .cancellable = g_cancellable_new () };
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
  StvaPredictResult result;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_predict (job, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (w.last_stage, ==, "predicting");
  g_assert_cmpint (w.last_total, ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (w.last_done, ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (result.n_dialogues, ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (result.n_stored, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (result.n_rows, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (count_lines (out), ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (result.model_id, ==, fixture_latest_model (project));
  g_assert_cmpint (fixture_whole_dialogues (project, result.model_id, NULL), ==,
                   FIXTURE_DIALOGUES);
  gint64 n_kept = -1;
  g_assert_cmpint (stva_job_kept (job, &n_kept), ==, STVA_JOB_KEPT_ALL);
  stva_predict_result_clear (&result);

  /* one split, as CSV: a header and its 12 utterances; nothing stored */
  g_autofree char *csv = g_build_filename (fx.dir, "test.csv", NULL);
  options.store = FALSE;
  options.out_path = csv;
  options.split = STVA_SPLIT_TEST;
  g_assert_true (stva_engine_predict (NULL, &options, &result, &error));
  g_assert_cmpint (result.n_stored, ==, 0);
  g_assert_cmpint (count_lines (csv), ==, 1 + 12);
  stva_predict_result_clear (&result);

  /* usage errors name the problem */
  options.out_path = NULL;
  g_assert_false (stva_engine_predict (NULL, &options, &result, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options.store = TRUE;
  options.model_path = "nowhere.stvm";
  g_assert_false (stva_engine_predict (NULL, &options, &result, &error));
  g_assert_nonnull (strstr (error->message, "nowhere.stvm"));
  watch_clear (&w);
}

static void
test_split_cancel (void)
{
  /* pack 2: 7 packs; report 1 is "loading", 2 "predicting" at 0, 3.. after each pack */
  const int at[] = { 1, 2, 3, 5, 8, 9 };
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autofree char *name = g_strdup_printf ("cancel%d.stva", at[i]);
      g_autofree char *project = fixture_copy (&fx, name);
      g_autofree char *out = g_build_filename (fx.dir, "cancel.csv", NULL);
      StvaPredictOptions options;
      stva_predict_options_init (&options);
      options.source.project = project;
      options.model_path = model1;
      options.store = TRUE;
      options.out_path = out;
      options.pack = 2;
      Watch w = { .cancellable = g_cancellable_new (), .cancel_at = at[i], .slow = TRUE };
      g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
      StvaPredictResult result;
      g_autoptr (GError) error = NULL;
      gboolean ok = stva_engine_predict (job, &options, &result, &error);
      gint64 n_kept = -1;
      StvaJobKept kept = stva_job_kept (job, &n_kept);
      int whole = fixture_whole_dialogues (project, fixture_latest_model (project), NULL);
      if (ok)
        {
          /* cancelled after the last pack only: the job had finished */
          g_assert_cmpint (at[i], ==, 9);
          g_assert_cmpint (kept, ==, STVA_JOB_KEPT_ALL);
          g_assert_cmpint (whole, ==, FIXTURE_DIALOGUES);
          g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
          stva_predict_result_clear (&result);
        }
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));   /* no table, no .tmp */
          g_autofree char *tmp = g_strdup_printf ("%s.tmp", out);
          g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
          g_assert_cmpint (whole, ==, kept == STVA_JOB_KEPT_NOTHING ? 0 : n_kept);
          if (whole == 0)
            {
              g_assert_cmpint (kept, ==, STVA_JOB_KEPT_NOTHING);
              g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
              g_assert_cmpint (fixture_latest_model (project), ==, 0);   /* not registered */
            }
          else
            {
              g_autofree char *want = g_strdup_printf ("cancelled: %d of %d dialogues stored",
                                                       whole, FIXTURE_DIALOGUES);
              g_assert_cmpint (kept, ==, STVA_JOB_KEPT_DIALOGUES);
              g_assert_cmpstr (error->message, ==, want);
            }
          /* the point of cancel decides how much: reports 3.. come after a pack each */
          g_assert_cmpint (whole, ==, at[i] <= 2 ? 0 : 2 * (at[i] - 2));
        }
      g_test_message ("cancel at report %d: %d dialogues kept", at[i], whole);
      watch_clear (&w);
    }
}

/* ---- two jobs at once --------------------------------------------------------------------- */

typedef struct
{
  StvaPredictOptions       predict;
  StvaEngineExtractOptions extract;
  gboolean                 is_extract;
  gboolean                 ok;
  char                    *message;
} ThreadJob;

static gpointer
job_thread (gpointer data)
{
  ThreadJob *t = data;
  g_autoptr (GError) error = NULL;
  if (t->is_extract)
    {
      StvaEngineExtractResult r;
      t->ok = stva_engine_extract (NULL, &t->extract, &r, &error);
      if (t->ok)
        stva_engine_extract_result_clear (&r);
    }
  else
    {
      StvaPredictResult r;
      t->ok = stva_engine_predict (NULL, &t->predict, &r, &error);
      if (t->ok)
        stva_predict_result_clear (&r);
    }
  t->message = error != NULL ? g_strdup (error->message) : NULL;
  return NULL;
}

static void
test_two_threads (void)
{
  g_autofree char *project = fixture_copy (&fx, "threads.stva");
  ThreadJob jobs[2];
  memset (jobs, 0, sizeof jobs);
  for (int i = 0; i < 2; i++)
    {
      stva_predict_options_init (&jobs[i].predict);
      jobs[i].predict.source.project = project;
      jobs[i].predict.model_path = i == 0 ? model1 : model2;
      jobs[i].predict.store = TRUE;
      jobs[i].predict.pack = 1;   /* many transactions, interleaved */
    }
  GThread *threads[2];
  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("job", job_thread, &jobs[i]);
  for (int i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      if (!jobs[i].ok)
        g_error ("job %d: %s", i, jobs[i].message);
    }
  /* both models' predictions whole, the project sound (integrity checked in there) */
  g_assert_cmpint (fixture_whole_dialogues (project, 1, NULL), ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (fixture_whole_dialogues (project, 2, NULL), ==, FIXTURE_DIALOGUES);

  /* extract (text again) and predict at once */
  memset (jobs, 0, sizeof jobs);
  stva_engine_extract_options_init (&jobs[0].extract);
  jobs[0].is_extract = TRUE;
  jobs[0].extract.project = project;
  jobs[0].extract.modality[STVA_MOD_A] = jobs[0].extract.modality[STVA_MOD_V] = FALSE;
  jobs[0].extract.jobs = 1;
  stva_predict_options_init (&jobs[1].predict);
  jobs[1].predict.source.project = project;
  jobs[1].predict.model_path = model1;
  jobs[1].predict.store = TRUE;
  jobs[1].predict.pack = 1;
  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("job", job_thread, &jobs[i]);
  for (int i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      if (!jobs[i].ok)
        g_error ("job %d: %s", i, jobs[i].message);
    }
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "text"), ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (fixture_whole_dialogues (project, 1, NULL), ==, FIXTURE_DIALOGUES);
}

/* ---- one dialogue ------------------------------------------------------------------------- */

static void
assert_close (const float *got,
              const float *want,
              size_t       n,
              double       tol,
              const char  *what)
{
  for (size_t i = 0; i < n; i++)
    if (!(fabs ((double) got[i] - (double) want[i]) <= tol))
      g_error ("%s[%zu]: %.9g, want %.9g (tolerance %g)", what, i, got[i], want[i], tol);
}

static void
test_dialogue_equals_split (void)
{
  g_autofree char *project = fixture_copy (&fx, "one.stva");
  StvaPredictOptions options;
  stva_predict_options_init (&options);
  options.source.project = project;
  options.model_path = model1;
  options.store = TRUE;
  StvaPredictResult split;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_predict (NULL, &options, &split, &error));
  g_autoptr (GArray) ids = fixture_dialogue_ids (project);
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  for (guint d = 0; d < ids->len; d += 5)
    {
      StvaPredictDialogueOptions one = { .project = project, .model_path = model1,
                                         .dialogue_id = g_array_index (ids, gint64, d) };
      g_autoptr (StvaPredictDialogueResult) r = stva_engine_predict_dialogue (NULL, &one,
                                                                              &error);
      g_assert_no_error (error);
      g_assert_cmpint (r->T, ==, 4);
      g_assert_cmpint (r->K, ==, 7);
      g_assert_cmpint (r->model_id, ==, 0);   /* not stored */
      g_assert_cmpuint (r->keys->len, >, 0);
      GBytes *blobs[4] = { NULL };
      for (int t = 0; t < r->T; t++)
        {
          g_autoptr (StvaDbPrediction) p = stva_db_prediction (db, split.model_id,
                                                               r->utterance_ids[t], &error);
          g_assert_nonnull (p);
          assert_close (r->output.probs + t * r->K, p->probs, r->K, 1e-5, "probs");
          assert_close (r->output.beta + t * 3, p->beta, 3, 1e-5, "beta");
          blobs[t] = g_bytes_ref (p->attention);
        }
      for (guint k = 0; k < r->keys->len; k++)
        {
          const StvaAttnKey *key = &g_array_index (r->keys, StvaAttnKey, k);
          g_autoptr (StvaAttnMap) mine = stva_predict_dialogue_result_map (r, key, &error);
          g_autoptr (StvaAttnMap) stored = stva_attn_map_from_blobs (blobs, 4, key, NULL,
                                                                     &error);
          g_assert_no_error (error);
          assert_close (mine->values, stored->values, (size_t) mine->rows * mine->cols, 1e-5,
                        "attention");
        }
      for (int t = 0; t < 4; t++)
        g_bytes_unref (blobs[t]);
    }
  /* stored by the one-dialogue job: the same model id */
  StvaPredictDialogueOptions one = { .project = project, .model_path = model1,
                                     .dialogue_id = g_array_index (ids, gint64, 0),
                                     .store = TRUE };
  g_autoptr (StvaPredictDialogueResult) r = stva_engine_predict_dialogue (NULL, &one, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->model_id, ==, split.model_id);
  /* no such dialogue */
  one.dialogue_id = 999;
  g_assert_null (stva_engine_predict_dialogue (NULL, &one, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  stva_predict_result_clear (&split);
}

static void
test_dialogue_mask (void)
{
  const int X = 9;   /* a dev dialogue */
  Fixture q;
  fixture_init (&q, X);   /* the same project without that dialogue's audio */
  g_autofree char *project = fixture_copy (&fx, "mask.stva");
  g_autoptr (GArray) ids = fixture_dialogue_ids (project);
  g_autoptr (GArray) q_ids = fixture_dialogue_ids (q.project);
  g_autoptr (GError) error = NULL;
  /* stored predictions that the what-if must leave alone */
  StvaPredictOptions options;
  stva_predict_options_init (&options);
  options.source.project = project;
  options.model_path = model1;
  options.store = TRUE;
  StvaPredictResult split;
  g_assert_true (stva_engine_predict (NULL, &options, &split, &error));
  StvaPredictDialogueOptions one = { .project = project, .model_path = model1,
                                     .dialogue_id = g_array_index (ids, gint64, X) };
  g_autoptr (StvaPredictDialogueResult) full = stva_engine_predict_dialogue (NULL, &one, &error);
  one.absent[STVA_MOD_A] = TRUE;
  g_autoptr (StvaPredictDialogueResult) what_if = stva_engine_predict_dialogue (NULL, &one,
                                                                                &error);
  g_assert_no_error (error);
  StvaPredictDialogueOptions other = { .project = q.project, .model_path = model1,
                                       .dialogue_id = g_array_index (q_ids, gint64, X) };
  g_autoptr (StvaPredictDialogueResult) without = stva_engine_predict_dialogue (NULL, &other,
                                                                                &error);
  g_assert_no_error (error);
  size_t n = (size_t) what_if->T * (size_t) what_if->K;
  g_assert_cmpmem (what_if->output.probs, n * sizeof (float), without->output.probs,
                   n * sizeof (float));
  g_assert_cmpmem (what_if->output.beta, what_if->T * 3 * sizeof (float),
                   without->output.beta, without->T * 3 * sizeof (float));
  for (int t = 0; t < what_if->T; t++)
    {
      g_assert_cmpfloat (what_if->output.beta[t * 3 + STVA_MOD_A], ==, 0.0f);
      g_assert_cmpfloat (full->output.beta[t * 3 + STVA_MOD_A], >, 0.0f);
    }
  /* the what-if differs from the full prediction, and is never stored */
  g_assert_true (memcmp (what_if->output.probs, full->output.probs, n * sizeof (float)) != 0);
  one.store = TRUE;
  g_assert_null (stva_engine_predict_dialogue (NULL, &one, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  for (int t = 0; t < full->T; t++)
    {
      g_autoptr (StvaDbPrediction) p = stva_db_prediction (db, split.model_id,
                                                           full->utterance_ids[t], NULL);
      assert_close (full->output.probs + t * full->K, p->probs, full->K, 1e-5, "stored probs");
    }
  stva_predict_result_clear (&split);
  fixture_clear (&q);
}

/* ---- on a worker thread ------------------------------------------------------------------- */

typedef struct
{
  GMainLoop         *loop;
  StvaPredictResult *result;
  GError            *error;
  int                n_progress;
} AsyncSeen;

static void
predict_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncSeen *seen = user_data;
  seen->result = stva_engine_predict_finish (res, NULL, &seen->error);
  g_main_loop_quit (seen->loop);
}

static void
on_async_progress (const StvaJobProgress *p,
                   gpointer               user_data)
{
  ((AsyncSeen *) user_data)->n_progress++;
}

static void
test_async (void)
{
  g_autofree char *project = fixture_copy (&fx, "async.stva");
  StvaPredictOptions options;
  stva_predict_options_init (&options);
  options.source.project = project;
  options.model_path = model2;
  options.store = TRUE;
  AsyncSeen seen = { .loop = g_main_loop_new (NULL, FALSE) };
  stva_engine_predict_async (&options, on_async_progress, &seen, NULL, predict_cb, &seen);
  g_main_loop_run (seen.loop);
  g_assert_no_error (seen.error);
  g_assert_nonnull (seen.result);
  g_assert_cmpint (seen.result->n_stored, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (seen.n_progress, >, 0);
  stva_predict_result_free (seen.result);
  g_main_loop_unref (seen.loop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fixture_init (&fx, -1);
  model1 = fixture_model (&fx, 1);
  model2 = fixture_model (&fx, 2);
  g_test_add_func ("/engine/predict/split/progress", test_split_progress);
  g_test_add_func ("/engine/predict/split/cancel", test_split_cancel);
  g_test_add_func ("/engine/predict/two-threads", test_two_threads);
  g_test_add_func ("/engine/predict/dialogue/equals-split", test_dialogue_equals_split);
  g_test_add_func ("/engine/predict/dialogue/mask", test_dialogue_mask);
  g_test_add_func ("/engine/predict/async", test_async);
  int rc = g_test_run ();
  g_free (model1);
  g_free (model2);
  fixture_clear (&fx);
  return rc;
}
