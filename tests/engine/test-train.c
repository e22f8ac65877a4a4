/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The train and eval jobs (engine/stva-engine-train.h): progress reaches its total with one
 * detail line per epoch; cancel before the start, at the first step and after an epoch leaves
 * the project sound and either unchanged or with the best model so far registered, as the job
 * reports; eval over a split, all splits, and two models compared equal to two separate evals;
 * a train and an eval on two threads with their own connections.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stva-engine.h"
#include "train-fixture.h"

#define N_TRAIN 8
#define N_DEV 3
#define N_TEST 3

typedef struct
{
  char *dir;       /* owned: a temporary folder */
  char *project;   /* owned: dir/p.stva */
  char *npz;       /* owned: dir/d.npz */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("stva-engine-train-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "p.stva", NULL);
  f->npz = g_build_filename (f->dir, "d.npz", NULL);
  g_assert_true (tf_write_project (f->project, N_TRAIN, N_DEV, N_TEST, &error));
  g_assert_no_error (error);
  g_assert_true (tf_write_npz (f->npz, N_TRAIN, N_DEV, N_TEST, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->npz);
}

/* The first column of the first row of sql in a fresh connection, as text. */
static char *
query (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  char *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static int
count_models (const char *path)
{
  g_autofree char *n = query (path, "SELECT count(*) FROM model");
  return atoi (n);
}

static void
assert_sound (const char *path)
{
  g_autofree char *ok = query (path, "PRAGMA integrity_check");
  g_assert_cmpstr (ok, ==, "ok");
}

/* ---- progress and cancel ------------------------------------------------------------------ */

typedef struct
{
  GCancellable *cancellable;
  gint64        last_done;
  gint64        last_total;
  char         *last_stage;
  char         *last_detail;
  int           n_epochs;          /* epoch detail lines */
  gboolean      went_back;
  int           cancel_at_epoch;   /* > 0: cancel on that epoch's line */
  gboolean      cancel_at_stage;   /* cancel when the training stage starts */
} Seen;

static void
on_progress (const StvaJobProgress *p,
             gpointer               user_data)
{
  Seen *seen = user_data;
  if (g_strcmp0 (seen->last_stage, p->stage) == 0 && p->done < seen->last_done)
    seen->went_back = TRUE;
  if (g_strcmp0 (seen->last_stage, p->stage) != 0)
    {
      g_free (seen->last_stage);
      seen->last_stage = g_strdup (p->stage);
      if (seen->cancel_at_stage && strcmp (p->stage, "training") == 0)
        g_cancellable_cancel (seen->cancellable);
    }
  seen->last_done = p->done;
  seen->last_total = p->total;
  /* a detail comes with every report until the next one: count each line once */
  if (p->detail != NULL && g_strcmp0 (p->detail, seen->last_detail) != 0)
    {
      g_free (seen->last_detail);
      seen->last_detail = g_strdup (p->detail);
    }
  else
    return;
  if (g_str_has_prefix (p->detail, "epoch "))
    {
      seen->n_epochs++;
      if (seen->n_epochs == seen->cancel_at_epoch)
        g_cancellable_cancel (seen->cancellable);
    }
}

static void
seen_clear (Seen *seen)
{
  g_clear_object (&seen->cancellable);
  g_clear_pointer (&seen->last_stage, g_free);
  g_clear_pointer (&seen->last_detail, g_free);
}

static const char *const tiny_settings[] = {
  "max_epochs=4", "batch_size=2", "seed=3", "patience=10", "lr=0.02", NULL,
};

static StvaTrainOptions
project_options (const Fixture *f,
                 const char    *out)
{
  StvaTrainOptions o = {
    .source = { .project = f->project },
    .out = out,
    .preset = "tiny",
    .settings = tiny_settings,
  };
  return o;
}

static void
test_train_progress (Fixture       *f,
                     gconstpointer  data)
{
  Seen seen = { .cancellable = g_cancellable_new () };
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, seen.cancellable);
  g_autofree char *out = g_build_filename (f->dir, "m.stvm", NULL);
  StvaTrainOptions o = project_options (f, out);
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (job, &o, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (seen.last_stage, ==, "training");
  g_assert_cmpint (seen.last_total, ==, 4 * (N_TRAIN / 2));   /* 4 epochs of 4 steps */
  g_assert_cmpint (seen.last_done, ==, seen.last_total);
  g_assert_false (seen.went_back);
  g_assert_cmpint (seen.n_epochs, ==, report.epochs_run);
  g_assert_cmpint (report.epochs_run, ==, 4);
  g_assert_cmpint (report.history->len, ==, 4);
  g_assert_cmpint (report.n_train, ==, N_TRAIN);
  g_assert_cmpint (report.n_dev, ==, N_DEV);
  g_assert_false (report.cancelled);
  g_assert_cmpint (report.model_id, ==, 1);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (count_models (f->project), ==, 1);
  g_autofree char *history = query (f->project, "SELECT json_array_length (metrics, "
                                    "'$.history') FROM model");
  g_assert_cmpstr (history, ==, "4");
  g_autofree char *best = query (f->project, "SELECT json_extract (metrics, "
                                 "'$.best_epoch') FROM model");
  g_assert_cmpint (atoi (best), ==, report.best_epoch);
  assert_sound (f->project);
  stva_train_report_clear (&report);
  seen_clear (&seen);
}

/* Cancelled where seen says: returns the report, checks the error and the project. */
static void
train_cancelled (Fixture    *f,
                 Seen       *seen,
                 gboolean    before,
                 gboolean    saves)
{
  g_autoptr (StvaJob) job = stva_job_new (on_progress, seen, seen->cancellable);
  g_autofree char *out = g_build_filename (f->dir, "c.stvm", NULL);
  g_remove (out);
  int n_models = count_models (f->project);
  if (before)
    g_cancellable_cancel (seen->cancellable);
  StvaTrainOptions o = project_options (f, out);
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_engine_train (job, &o, &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gint64 n_kept = -1;
  StvaJobKept kept = stva_job_kept (job, &n_kept);
  assert_sound (f->project);
  if (saves)
    {
      g_assert_true (report.cancelled);
      g_assert_cmpstr (report.model_path, ==, out);
      g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpint (report.epochs_run, ==, seen->cancel_at_epoch);
      g_assert_cmpint (report.best_epoch, >=, 1);
      g_assert_cmpint (report.best_epoch, <=, seen->cancel_at_epoch);
      g_assert_cmpint (count_models (f->project), ==, n_models + 1);
      g_assert_cmpint (report.model_id, ==, n_models + 1);
      g_assert_cmpint (kept, ==, STVA_JOB_KEPT_ALL);
      g_assert_nonnull (strstr (error->message, "the best model so far"));
      g_assert_nonnull (strstr (error->message, out));
      g_autofree char *sql = g_strdup_printf ("SELECT json_array_length (metrics, "
                                              "'$.history') FROM model WHERE id = %d",
                                              n_models + 1);
      g_autofree char *history = query (f->project, sql);
      g_assert_cmpint (atoi (history), ==, seen->cancel_at_epoch);
    }
  else
    {
      g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
      g_assert_cmpint (kept, ==, STVA_JOB_KEPT_NOTHING);
      g_assert_null (report.model_path);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      g_assert_cmpint (count_models (f->project), ==, n_models);
    }
  stva_train_report_clear (&report);
}

static void
test_train_cancel (Fixture       *f,
                   gconstpointer  data)
{
  /* before the start */
  Seen seen = { .cancellable = g_cancellable_new () };
  train_cancelled (f, &seen, TRUE, FALSE);
  seen_clear (&seen);
  /* at the first step of the first epoch */
  seen = (Seen) { .cancellable = g_cancellable_new (), .cancel_at_stage = TRUE };
  train_cancelled (f, &seen, FALSE, FALSE);
  g_assert_cmpint (seen.n_epochs, ==, 0);
  seen_clear (&seen);
  /* after epochs 1 and 2 of 4: the best of them saved and registered */
  for (int e = 1; e <= 2; e++)
    {
      seen = (Seen) { .cancellable = g_cancellable_new (), .cancel_at_epoch = e };
      train_cancelled (f, &seen, FALSE, TRUE);
      seen_clear (&seen);
    }
}

/* ---- retraining --------------------------------------------------------------------------- */

/* Trains on the npz file: max_epochs 8, stop_after (0: all), from (nullable). */
static void
train_run (const Fixture *f,
           const char    *out,
           const char    *from,
           int            stop_after,
           int            want_epochs)
{
  const char *settings[] = { "max_epochs=8", "batch_size=2", "lr=0.02", "seed=5",
                             "patience=20", NULL };
  StvaTrainOptions o = {
    .source = { .data = f->npz },
    .out = out,
    .from = from,
    .preset = from == NULL ? "tiny" : NULL,
    .settings = settings,
    .stop_after = stop_after,
  };
  Seen seen = { .cancellable = g_cancellable_new () };
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, seen.cancellable);
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (job, &o, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.has_state);
  g_assert_cmpint (seen.n_epochs, ==, want_epochs);        /* this run's epochs only */
  g_assert_cmpint (report.history->len, ==, want_epochs);
  g_assert_cmpint (seen.last_done, ==, seen.last_total);
  g_assert_cmpint (seen.last_total, ==, want_epochs * (N_TRAIN / 2));
  g_assert_cmpint (report.epochs_run, ==, 8 - (stop_after > 0 ? 8 - stop_after : 0));
  stva_train_report_clear (&report);
  seen_clear (&seen);
}

/* The largest difference between the tensors of two model files (same names and shapes). */
static double
max_difference (const char *a,
                const char *b)
{
  StvaModelFile fa, fb;
  g_assert_cmpint (stva_modelfile_read (a, &fa, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_modelfile_read (b, &fb, NULL), ==, STVA_OK);
  g_assert_cmpint (fa.n_tensors, ==, fb.n_tensors);
  g_assert_cmpint (fa.n_tensors, >, 0);
  double worst = 0.0;
  for (int i = 0; i < fa.n_tensors; i++)
    {
      const StvaNamedTensor *ta = &fa.tensors[i];
      const StvaNamedTensor *tb = stva_modelfile_find (&fb, ta->name);
      g_assert_nonnull (tb);
      g_assert_cmpint (stva_named_tensor_numel (ta), ==, stva_named_tensor_numel (tb));
      for (int64_t j = 0; j < stva_named_tensor_numel (ta); j++)
        worst = MAX (worst, fabs ((double) ta->data[j] - (double) tb->data[j]));
    }
  stva_modelfile_free (&fa);
  stva_modelfile_free (&fb);
  return worst;
}

/* The largest difference between the training states of two model files (the same step
 * count and layout asserted): AdamW's moments and the weights training goes on from. */
static double
state_difference (const char *a,
                  const char *b)
{
  StvaModel ma, mb;
  StvaTrainState sa, sb;
  memset (&ma, 0, sizeof ma);
  memset (&mb, 0, sizeof mb);
  stva_train_state_init (&sa);
  stva_train_state_init (&sb);
  g_assert_cmpint (stva_model_load_with_state (&ma, &sa, a, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_with_state (&mb, &sb, b, NULL), ==, STVA_OK);
  g_assert_cmpuint (sa.n_floats, ==, sb.n_floats);
  g_assert_cmpuint (sa.n_floats, >, 0);
  double worst = 0.0;
  if (sa.steps != sb.steps || sa.holds_weights != sb.holds_weights)
    worst = INFINITY;
  for (size_t i = 0; i < sa.n_floats; i++)
    {
      worst = MAX (worst, fabs ((double) sa.m1[i] - (double) sb.m1[i]));
      worst = MAX (worst, fabs ((double) sa.m2[i] - (double) sb.m2[i]));
      if (sa.holds_weights && sb.holds_weights)
        worst = MAX (worst, fabs ((double) sa.weights[i] - (double) sb.weights[i]));
    }
  stva_train_state_clear (&sa);
  stva_train_state_clear (&sb);
  stva_model_clear (&ma);
  stva_model_clear (&mb);
  return worst;
}

static void
test_retrain (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *half = g_build_filename (f->dir, "half.stvm", NULL);
  g_autofree char *resumed = g_build_filename (f->dir, "resumed.stvm", NULL);
  g_autofree char *whole = g_build_filename (f->dir, "whole.stvm", NULL);
  train_run (f, half, NULL, 4, 4);         /* 4 of 8 planned epochs */
  train_run (f, resumed, half, 0, 4);      /* the 4 more, from the file */
  train_run (f, whole, NULL, 0, 8);        /* 8 in one go */
  double d = max_difference (resumed, whole);
  g_test_message ("4 + 4 epochs against 8: largest difference of the weights %g", d);
  g_assert_cmpfloat (d, <=, 1e-6);
  /* the optimiser state goes on too: moments, the step count, the last step's weights */
  d = state_difference (resumed, whole);
  g_test_message ("largest difference of the training states %g", d);
  g_assert_cmpfloat (d, <=, 1e-6);
  g_assert_cmpfloat (state_difference (half, whole), >, 1e-4);   /* the check can fail */

  /* the architecture is the model's: a preset, an ablation or a width is refused */
  const char *wider[] = { "D=16", NULL };
  StvaTrainOptions o = { .source = { .data = f->npz }, .out = whole, .from = half,
                         .settings = wider };
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_engine_train (NULL, &o, &report, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "D cannot change"));
  stva_train_report_clear (&report);
  g_clear_error (&error);
  o.settings = NULL;
  o.no_graph = TRUE;
  g_assert_false (stva_engine_train (NULL, &o, &report, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  stva_train_report_clear (&report);
}

/* On a project the retrained model records its parent. */
static void
test_retrain_parent (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = g_build_filename (f->dir, "first.stvm", NULL);
  g_autofree char *second = g_build_filename (f->dir, "second.stvm", NULL);
  StvaTrainOptions o = project_options (f, first);
  StvaTrainReport a, b;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (NULL, &o, &a, &error));
  const char *more[] = { "max_epochs=6", NULL };
  o = (StvaTrainOptions) { .source = { .project = f->project }, .out = second, .from = first,
                           .settings = more };
  g_assert_true (stva_engine_train (NULL, &o, &b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (b.parent_id, ==, a.model_id);
  g_assert_cmpint (b.model_id, ==, a.model_id + 1);
  g_assert_cmpint (b.history->len, ==, 2);
  g_assert_cmpint (g_array_index (b.history, StvaTrainProgress, 0).epoch, ==, 5);
  g_autoptr (StvaDb) db = stva_db_open (f->project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  gint64 parent = -1;
  g_assert_true (stva_db_model_parent (db, b.model_id, &parent, &error));
  g_assert_cmpint (parent, ==, a.model_id);
  g_assert_true (stva_db_model_parent (db, a.model_id, &parent, &error));
  g_assert_cmpint (parent, ==, 0);
  assert_sound (f->project);
  stva_train_report_clear (&a);
  stva_train_report_clear (&b);
}

/* ---- eval --------------------------------------------------------------------------------- */

static void
train_npz (const Fixture *f,
           const char    *out,
           const char    *seed)
{
  const char *settings[] = { "max_epochs=3", "batch_size=2", "lr=0.02", seed, NULL };
  StvaTrainOptions o = {
    .source = { .data = f->npz },
    .out = out,
    .preset = "tiny",
    .settings = settings,
  };
  StvaTrainReport report;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (NULL, &o, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.model_id, ==, 0);   /* an npz file: nowhere to register */
  stva_train_report_clear (&report);
}

static void
assert_same_metrics (const StvaMetrics *a,
                     const StvaMetrics *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  g_assert_cmpint (a->K, ==, b->K);
  g_assert_cmpfloat (a->accuracy, ==, b->accuracy);
  g_assert_cmpfloat (a->weighted_f1, ==, b->weighted_f1);
  g_assert_cmpfloat (a->macro_f1, ==, b->macro_f1);
  for (int k = 0; k < a->K; k++)
    g_assert_cmpfloat (a->f1[k], ==, b->f1[k]);
  for (int i = 0; i < a->K * a->K; i++)
    g_assert_cmpint (a->confusion[i], ==, b->confusion[i]);
}

static void
eval_one (const StvaEvalOptions *o,
          StvaEvalReport        *report)
{
  Seen seen = { .cancellable = g_cancellable_new () };
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, seen.cancellable);
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_eval (job, o, report, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (seen.last_stage, ==, "evaluating");
  g_assert_cmpint (seen.last_total, ==, (gint64) report->n_dialogues * report->n_models);
  g_assert_cmpint (seen.last_done, ==, seen.last_total);
  seen_clear (&seen);
}

static void
test_eval (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *m1 = g_build_filename (f->dir, "m1.stvm", NULL);
  g_autofree char *m2 = g_build_filename (f->dir, "m2.stvm", NULL);
  train_npz (f, m1, "seed=1");
  train_npz (f, m2, "seed=2");

  StvaEvalReport a, b, both, all, split[3];
  StvaEvalOptions o = { .source = { .data = f->npz }, .model = m1, .split = STVA_SPLIT_TEST };
  eval_one (&o, &a);
  g_assert_cmpint (a.n_dialogues, ==, N_TEST);
  g_assert_cmpint (a.metrics[0].n, ==, N_TEST * TF_T);
  o.model = m2;
  eval_one (&o, &b);
  o.model = m1;
  o.compare = m2;
  eval_one (&o, &both);
  g_assert_cmpint (both.n_models, ==, 2);
  assert_same_metrics (&both.metrics[0], &a.metrics[0]);
  assert_same_metrics (&both.metrics[1], &b.metrics[0]);

  /* the JSON: both models and the second minus the first */
  g_autoptr (JsonNode) node = stva_eval_report_to_json (&both);
  JsonObject *root = json_node_get_object (node);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "models")), ==, 2);
  JsonObject *delta = json_object_get_object_member (root, "delta");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (delta, "weighted_f1"),
                                  b.metrics[0].weighted_f1 - a.metrics[0].weighted_f1, 1e-12);
  JsonObject *per_class = json_object_get_object_member (delta, "per_class_f1");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (per_class, "joy"),
                                  b.metrics[0].f1[1] - a.metrics[0].f1[1], 1e-12);

  /* all splits: every utterance, and the per-split counts add up */
  o.compare = NULL;
  o.split = STVA_DATA_ALL_SPLITS;
  eval_one (&o, &all);
  g_assert_cmpint (all.n_dialogues, ==, N_TRAIN + N_DEV + N_TEST);
  gint64 n = 0, correct = 0;
  for (int s = 0; s < 3; s++)
    {
      o.split = s;
      eval_one (&o, &split[s]);
      n += split[s].metrics[0].n;
      for (int k = 0; k < 3; k++)
        correct += split[s].metrics[0].confusion[k * 3 + k];
    }
  g_assert_cmpint (all.metrics[0].n, ==, n);
  g_assert_cmpfloat_with_epsilon (all.metrics[0].accuracy, (double) correct / (double) n, 1e-12);

  /* the same as core's evaluation of the split in one call */
  StvaModel model;
  memset (&model, 0, sizeof model);
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_data_load_model (&model, m1, &error));
  StvaDataSource source = { .data = f->npz };
  g_autoptr (StvaData) d = stva_data_load (&source, &error);
  g_assert_no_error (error);
  int n_test = 0;
  g_autofree int *idx = stva_data_dialogues (d->ds, STVA_SPLIT_TEST, &n_test);
  StvaMetrics whole;
  memset (&whole, 0, sizeof whole);
  g_assert_cmpint (stva_model_evaluate (&model, d->ds, idx, n_test, NULL, NULL, &whole, NULL),
                   ==, STVA_OK);
  assert_same_metrics (&whole, &a.metrics[0]);
  stva_metrics_clear (&whole);
  stva_model_clear (&model);

  /* a model of other classes is refused naming both files */
  o.source = (StvaDataSource) { .project = f->project };
  o.split = STVA_SPLIT_TEST;
  StvaEvalReport bad;
  g_assert_false (stva_engine_eval (NULL, &o, &bad, &error));
  g_assert_nonnull (strstr (error->message, m1));
  g_assert_nonnull (strstr (error->message, f->project));

  for (int s = 0; s < 3; s++)
    stva_eval_report_clear (&split[s]);
  stva_eval_report_clear (&a);
  stva_eval_report_clear (&b);
  stva_eval_report_clear (&both);
  stva_eval_report_clear (&all);
}

/* ---- two jobs on two threads -------------------------------------------------------------- */

typedef struct
{
  int              pending;
  StvaTrainReport *train;
  StvaEvalReport  *eval;
  GError          *train_error;
  GError          *eval_error;
} Both;

static void
train_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Both *both = user_data;
  both->train = stva_engine_train_finish (result, &both->train_error);
  both->pending--;
}

static void
eval_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Both *both = user_data;
  both->eval = stva_engine_eval_finish (result, &both->eval_error);
  both->pending--;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  /* a model first, to evaluate while a second trains */
  g_autofree char *m1 = g_build_filename (f->dir, "m1.stvm", NULL);
  g_autofree char *m2 = g_build_filename (f->dir, "m2.stvm", NULL);
  StvaTrainOptions t = project_options (f, m1);
  StvaTrainReport first;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_train (NULL, &t, &first, &error));
  g_assert_no_error (error);
  StvaEvalOptions e = { .source = { .project = f->project, .gold = TRUE }, .model = m1,
                        .split = STVA_DATA_ALL_SPLITS };
  StvaEvalReport alone;
  g_assert_true (stva_engine_eval (NULL, &e, &alone, &error));

  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  Both both = { .pending = 1 };
  const char *other_seed[] = { "max_epochs=4", "batch_size=2", "seed=4", "lr=0.02", NULL };
  t.out = m2;
  t.settings = other_seed;
  stva_engine_train_async (&t, NULL, NULL, NULL, train_done_cb, &both);
  for (int i = 0; i < 3; i++)
    {
      both.pending++;
      stva_engine_eval_async (&e, NULL, NULL, NULL, eval_done_cb, &both);
      if (i < 2)   /* only the last result is kept; the others are compared as they come */
        {
          while (both.eval == NULL && both.eval_error == NULL)
            g_main_context_iteration (context, TRUE);
          g_assert_no_error (both.eval_error);
          assert_same_metrics (&both.eval->metrics[0], &alone.metrics[0]);
          g_clear_pointer (&both.eval, stva_eval_report_free);
        }
    }
  while (both.pending > 0)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_assert_no_error (both.train_error);
  g_assert_no_error (both.eval_error);
  g_assert_cmpint (both.train->model_id, ==, 2);
  assert_same_metrics (&both.eval->metrics[0], &alone.metrics[0]);
  g_assert_cmpint (count_models (f->project), ==, 2);
  assert_sound (f->project);
  stva_train_report_free (both.train);
  stva_eval_report_free (both.eval);
  stva_eval_report_clear (&alone);
  stva_train_report_clear (&first);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/engine/train/progress", Fixture, NULL, fixture_setup, test_train_progress,
              fixture_teardown);
  g_test_add ("/engine/train/cancel", Fixture, NULL, fixture_setup, test_train_cancel,
              fixture_teardown);
  g_test_add ("/engine/train/retrain", Fixture, NULL, fixture_setup, test_retrain,
              fixture_teardown);
  g_test_add ("/engine/train/retrain-parent", Fixture, NULL, fixture_setup, test_retrain_parent,
              fixture_teardown);
  g_test_add ("/engine/eval/compare", Fixture, NULL, fixture_setup, test_eval,
              fixture_teardown);
  g_test_add ("/engine/train/threads", Fixture, NULL, fixture_setup, test_threads,
              fixture_teardown);
  return g_test_run ();
}
