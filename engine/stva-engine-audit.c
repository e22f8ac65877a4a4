/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label audit job (see stva-engine-audit.h): folds of whole dialogues, a model trained in
 * memory on the other folds for each, its out-of-fold probabilities, confident learning's
 * thresholds, joint and ranking, and the ranking stored in the project in one transaction.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "stva-db-error.h"
#include "stva-engine-audit.h"

#define FOLD_STREAM 0x6175646974ull   /* "audit": the fold shuffle's RNG stream */

/* ---- confident learning ------------------------------------------------------------------- */

typedef struct
{
  const double *score;
  const gint64 *ids;
} RankOrder;

/* Score descending, then utterance id: the review queue's order (stva_db_review_queue ()). */
static gint
compare_ranked (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const RankOrder *ro = user_data;
  int i = *(const int *) a, j = *(const int *) b;
  if (ro->score[i] != ro->score[j])
    return ro->score[i] > ro->score[j] ? -1 : 1;
  gint64 x = ro->ids[i], y = ro->ids[j];
  return x < y ? -1 : x > y;
}

int
stva_audit_rank (int           n,
                 int           K,
                 const int    *given,
                 const float  *probs,
                 const gint64 *ids,
                 double       *thresholds,
                 gint64       *joint,
                 int          *suggested,
                 gboolean     *candidate,
                 double       *self,
                 double       *margin,
                 double       *score,
                 int          *rank,
                 double       *estimated)
{
  g_return_val_if_fail (n >= 0 && K >= 2, 0);
  /* t_j: the mean probability of class j over the utterances labelled j (in double) */
  g_autofree double *sum = g_new0 (double, K);
  g_autofree gint64 *count = g_new0 (gint64, K);
  for (int i = 0; i < n; i++)
    {
      g_assert (given[i] >= 0 && given[i] < K);
      sum[given[i]] += probs[(gsize) i * K + given[i]];
      count[given[i]]++;
    }
  for (int j = 0; j < K; j++)
    thresholds[j] = count[j] > 0 ? sum[j] / (double) count[j] : NAN;

  memset (joint, 0, (gsize) K * K * sizeof *joint);
  int n_candidates = 0;
  for (int i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * K;
      int y = given[i], confident = -1, best = 0, other = -1;
      for (int j = 0; j < K; j++)
        {
          if (!isnan (thresholds[j]) && p[j] >= thresholds[j]
              && (confident < 0 || p[j] > p[confident]))
            confident = j;
          if (p[j] > p[best])
            best = j;
          if (j != y && (other < 0 || p[j] > p[other]))
            other = j;
        }
      if (confident >= 0)
        joint[(gsize) y * K + confident]++;
      candidate[i] = confident >= 0 && confident != y;
      n_candidates += candidate[i];
      suggested[i] = candidate[i] ? confident : best;
      self[i] = p[y];
      margin[i] = (double) p[y] - p[other];
      score[i] = (candidate[i] ? 1.0 : 0.0) + (1.0 - self[i]);
    }

  /* the joint calibrated to the label counts: row y rescaled to sum to count[y] */
  if (estimated != NULL)
    {
      double off = 0.0;
      for (int y = 0; y < K; y++)
        {
          gint64 row = 0;
          for (int j = 0; j < K; j++)
            row += joint[(gsize) y * K + j];
          if (row == 0)
            continue;
          for (int j = 0; j < K; j++)
            if (j != y)
              off += (double) joint[(gsize) y * K + j] / (double) row * (double) count[y];
        }
      *estimated = off;
    }

  g_autofree int *order = g_new (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    order[i] = i;
  RankOrder ro = { score, ids };
  g_qsort_with_data (order, n, sizeof *order, compare_ranked, &ro);
  for (int r = 0; r < n; r++)
    rank[order[r]] = r + 1;
  return n_candidates;
}

/* ---- report ------------------------------------------------------------------------------- */

void
stva_audit_report_free (StvaAuditReport *report)
{
  if (report == NULL)
    return;
  g_free (report->project);
  g_strfreev (report->labels);
  g_free (report->thresholds);
  g_free (report->joint);
  g_clear_pointer (&report->items, g_ptr_array_unref);
  g_free (report);
}

/* ---- the job ------------------------------------------------------------------------------ */

typedef struct
{
  StvaJob    *job;
  const char *stage;
  gint64      n_steps;   /* per epoch, as core reports it */
  int         epochs;    /* planned */
} FoldRun;

static bool
on_fold_step (int   epoch,
              int   step,
              int   n_steps,
              void *user_data)
{
  FoldRun *run = user_data;
  if (n_steps != run->n_steps)
    {
      run->n_steps = n_steps;   /* the estimate was off: the stage's total follows core */
      stva_job_stage (run->job, run->stage, "steps", run->n_steps * run->epochs);
    }
  stva_job_progress (run->job, (gint64) (epoch - 1) * n_steps + step);
  return !stva_job_is_cancelled (run->job);
}

static bool
on_fold_epoch (const StvaTrainProgress *p,
               void                    *user_data)
{
  FoldRun *run = user_data;
  stva_job_detail (run->job, "epoch %3d/%d  loss %.4f  dev wF1 %.4f  best %.4f @%d",
                   p->epoch, p->max_epochs, p->train_loss, p->dev_weighted_f1,
                   p->best_dev_weighted_f1, p->best_epoch);
  return !stva_job_is_cancelled (run->job);
}

/* JSON text of what a run used: thresholds, joint, options. */
static char *
run_info (const StvaAuditOptions *o,
          const StvaAuditReport  *r,
          int                     max_epochs)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "preset");
  json_builder_add_string_value (b, o->train.preset != NULL ? o->train.preset : "default");
  json_builder_set_member_name (b, "max_epochs");
  json_builder_add_int_value (b, max_epochs);
  json_builder_set_member_name (b, "settings");
  json_builder_begin_array (b);
  for (int i = 0; o->train.settings != NULL && o->train.settings[i] != NULL; i++)
    json_builder_add_string_value (b, o->train.settings[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "gold");
  json_builder_add_boolean_value (b, o->train.source.gold);
  json_builder_set_member_name (b, "dialogues");
  json_builder_add_int_value (b, r->n_dialogues);
  stva_data_json_number (b, "estimated_errors", r->estimated_errors);
  json_builder_set_member_name (b, "thresholds");
  json_builder_begin_object (b);
  for (int k = 0; k < r->K; k++)
    stva_data_json_number (b, r->labels[k], r->thresholds[k]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "confident_joint");
  json_builder_begin_array (b);
  for (int y = 0; y < r->K; y++)
    {
      json_builder_begin_array (b);
      for (int j = 0; j < r->K; j++)
        json_builder_add_int_value (b, r->joint[(gsize) y * r->K + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The utterance id a project's dataset carries at (dlg, t); 0 with error when it has none. */
static gint64
utterance_id (const char         *name,
              const StvaDialogue *dlg,
              int                 t,
              GError            **error)
{
  char *end = NULL;
  gint64 id = dlg->utt_id != NULL && dlg->utt_id[t] != NULL
                ? g_ascii_strtoll (dlg->utt_id[t], &end, 10) : 0;
  if (id <= 0 || end == NULL || *end != '\0')
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: dialogue %s has no utterance id at %d", name, dlg->id, t);
      return 0;
    }
  return id;
}

/**
 * stva_engine_audit:
 * @report: (out) (transfer full): what was ranked and stored
 *
 * Audits the labels of a project (stva-engine-audit.h).
 */
gboolean
stva_engine_audit (StvaJob                 *job,
                   const StvaAuditOptions  *o,
                   StvaAuditReport        **report,
                   GError                 **error)
{
  g_return_val_if_fail (o != NULL && report != NULL, FALSE);
  *report = NULL;
  int folds = o->folds == 0 ? STVA_AUDIT_FOLDS_DEFAULT : o->folds;
  if (folds < 2 || folds > STVA_AUDIT_FOLDS_MAX)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "folds: %d is not 2 to %d", folds, STVA_AUDIT_FOLDS_MAX);
      return FALSE;
    }
  if (o->split != STVA_SPLIT_TRAIN && o->split != STVA_DATA_ALL_SPLITS)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "an audit covers the train split or all splits");
      return FALSE;
    }
  if (o->train.from != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "an audit trains its fold models afresh: no retraining from a file");
      return FALSE;
    }
  if (o->train.source.data != NULL || o->train.source.project == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "an audit stores its ranking in a project: give a project, not a "
                           "dataset file");
      return FALSE;
    }
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  gint64 t0 = g_get_monotonic_time ();

  g_autoptr (StvaData) data = stva_data_load (&o->train.source, error);
  if (data == NULL)
    return FALSE;
  const StvaDataset *ds = data->ds;
  StvaModelConfig config;
  if (!stva_engine_train_config (&o->train, ds, &config, error))
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set_by_id (data->db, data->label_set_id, error);
  if (set == NULL)
    return FALSE;
  const int K = ds->K;
  g_autofree gint64 *label_id = g_new0 (gint64, K);   /* class index -> the set's label id */
  for (guint i = 0; i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      if (l->idx >= 0 && l->idx < K)
        label_id[l->idx] = l->id;
    }
  for (int k = 0; k < K; k++)
    if (label_id[k] == 0)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                     "%s: label set '%s' has no label of class %d", data->name, set->name, k);
        return FALSE;
      }

  /* the dialogues audited: in the split, with a label; their labelled utterances in order */
  g_autoptr (GArray) dialogues = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) first = g_array_new (FALSE, FALSE, sizeof (int));   /* per dialogue */
  int n = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dlg = &ds->dialogues[d];
      if (o->split == STVA_SPLIT_TRAIN && dlg->split != STVA_SPLIT_TRAIN)
        continue;
      int labelled = 0;
      for (int t = 0; t < dlg->T; t++)
        labelled += dlg->label[t] >= 0;
      if (labelled == 0)
        continue;
      g_array_append_val (dialogues, d);
      g_array_append_val (first, n);
      n += labelled;
    }
  int n_dialogues = (int) dialogues->len;
  if (n_dialogues < folds)
    {
      g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                   "%s: %d dialogues with labels in the %s split; %d folds need at least %d",
                   data->name, n_dialogues, stva_data_split_name (o->split), folds, folds);
      return FALSE;
    }
  g_autofree int *given = g_new (int, n);
  g_autofree gint64 *ids = g_new (gint64, n);
  g_autofree float *probs = g_new0 (float, (gsize) n * K);
  for (int i = 0; i < n_dialogues; i++)
    {
      const StvaDialogue *dlg = &ds->dialogues[g_array_index (dialogues, int, i)];
      int j = g_array_index (first, int, i);
      for (int t = 0; t < dlg->T; t++)
        if (dlg->label[t] >= 0)
          {
            given[j] = dlg->label[t];
            if ((ids[j] = utterance_id (data->name, dlg, t, error)) == 0)
              return FALSE;
            j++;
          }
    }

  /* folds: the dialogues shuffled by the seed, dealt round-robin */
  g_autofree int *order = g_new (int, n_dialogues);
  g_autofree int *fold_of = g_new (int, n_dialogues);
  for (int i = 0; i < n_dialogues; i++)
    order[i] = i;
  StvaRng rng;
  stva_rng_derive (&rng, o->seed, FOLD_STREAM);
  stva_rng_shuffle (&rng, order, (size_t) n_dialogues);
  for (int i = 0; i < n_dialogues; i++)
    fold_of[order[i]] = i % folds;
  int n_dev = 0;
  g_autofree int *dev = o->split == STVA_SPLIT_TRAIN
                          ? stva_data_dialogues (ds, STVA_SPLIT_DEV, &n_dev) : g_new (int, 1);
  stva_job_detail (job, "%d folds over %d dialogues (%d labelled utterances) of the %s split; "
                   "%s", folds, n_dialogues, n, stva_data_split_name (o->split),
                   n_dev > 0 ? "epochs selected on dev" : "the last epoch kept");

  g_autofree int *train = g_new (int, n_dialogues);
  for (int f = 0; f < folds; f++)
    {
      int n_train = 0, n_held = 0;
      for (int i = 0; i < n_dialogues; i++)
        if (fold_of[i] != f)
          train[n_train++] = g_array_index (dialogues, int, i);
        else
          n_held++;
      StvaModelConfig fc = config;
      fc.seed = o->seed + (guint64) f;
      StvaModel model;
      memset (&model, 0, sizeof model);
      StvaError err = { 0 };
      if (stva_model_init (&model, &fc, &err) != STVA_OK)
        {
          g_propagate_error (error, stva_error_to_gerror (&err));
          return FALSE;
        }
      g_autofree char *stage = g_strdup_printf ("fold %d/%d: training", f + 1, folds);
      FoldRun run = {
        .job = job,
        .stage = stage,
        .n_steps = (n_train + fc.batch_size - 1) / fc.batch_size,
        .epochs = fc.max_epochs,
      };
      stva_job_stage (job, stage, "steps", run.n_steps * run.epochs);
      StvaTrainState state;
      stva_train_state_init (&state);
      StvaTrainHooks hooks = { .on_epoch = on_fold_epoch, .on_step = on_fold_step,
                               .user_data = &run };
      StvaTrainResult result;
      memset (&result, 0, sizeof result);
      StvaStatus status = stva_train_continue (&model, &state, ds, train, n_train, dev, n_dev, 0,
                                               &hooks, &result, &err);
      stva_train_state_clear (&state);
      if (status == STVA_ERR_CANCELLED || stva_job_is_cancelled (job))
        {
          stva_model_clear (&model);
          stva_job_set_cancelled (job, 0, 0, NULL, error);
          return FALSE;
        }
      if (status != STVA_OK)
        {
          stva_model_clear (&model);
          GError *e = stva_error_to_gerror (&err);
          g_prefix_error (&e, "%s: fold %d: ", data->name, f + 1);
          g_propagate_error (error, e);
          return FALSE;
        }

      /* the held-out fold's out-of-fold probabilities */
      g_free (stage);
      stage = g_strdup_printf ("fold %d/%d: predicting", f + 1, folds);
      stva_job_stage (job, stage, "dialogues", n_held);
      StvaModelWorkspace *ws = stva_model_workspace_new (&model.config);
      StvaForwardOptions fwd = { .no_backward = true };
      int done = 0;
      gboolean ok = TRUE;
      for (int i = 0; ok && i < n_dialogues; i++)
        {
          if (fold_of[i] != f)
            continue;
          if (stva_job_is_cancelled (job))
            {
              stva_job_set_cancelled (job, 0, 0, NULL, error);
              ok = FALSE;
              break;
            }
          const StvaDialogue *dlg = &ds->dialogues[g_array_index (dialogues, int, i)];
          if (stva_model_forward (ws, &model, model.params.values, dlg, &fwd, &err) != STVA_OK)
            {
              GError *e = stva_error_to_gerror (&err);
              g_prefix_error (&e, "%s: fold %d: ", data->name, f + 1);
              g_propagate_error (error, e);
              ok = FALSE;
              break;
            }
          const float *p = stva_model_workspace_probs (ws);   /* (T, K) */
          int j = g_array_index (first, int, i);
          for (int t = 0; t < dlg->T; t++)
            if (dlg->label[t] >= 0)
              memcpy (probs + (gsize) (j++) * K, p + (gsize) t * K, (gsize) K * sizeof (float));
          stva_job_progress (job, ++done);
        }
      stva_model_workspace_free (ws);
      stva_model_clear (&model);
      if (!ok)
        return FALSE;
    }

  /* confident learning */
  stva_job_stage (job, "ranking", "utterances", n);
  g_autoptr (StvaAuditReport) r = g_new0 (StvaAuditReport, 1);
  r->project = g_strdup (data->name);
  r->label_set_id = data->label_set_id;
  r->folds = folds;
  r->seed = o->seed;
  r->split = o->split;
  r->n_dialogues = n_dialogues;
  r->n_ranked = n;
  r->K = K;
  r->labels = g_new0 (char *, K + 1);
  for (int k = 0; k < K; k++)
    r->labels[k] = g_strdup (ds->labels[k]);
  r->thresholds = g_new0 (double, K);
  r->joint = g_new0 (gint64, (gsize) K * K);
  g_autofree int *suggested = g_new (int, n);
  g_autofree gboolean *candidate = g_new (gboolean, n);
  g_autofree double *self = g_new (double, n);
  g_autofree double *margin = g_new (double, n);
  g_autofree double *score = g_new (double, n);
  g_autofree int *rank = g_new (int, n);
  r->n_candidates = stva_audit_rank (n, K, given, probs, ids, r->thresholds, r->joint,
                                     suggested, candidate, self, margin, score, rank,
                                     &r->estimated_errors);
  g_autofree StvaDbAuditItem *items = g_new0 (StvaDbAuditItem, n);
  for (int i = 0; i < n; i++)
    items[i] = (StvaDbAuditItem) {
      .utterance_id = ids[i],
      .given_label_id = label_id[given[i]],
      .suggested_label_id = label_id[suggested[i]],
      .rank = rank[i],
      .score = score[i],
      .self_confidence = self[i],
      .margin = margin[i],
      .candidate = candidate[i],
      .K = (guint) K,
      .probs = probs + (gsize) i * K,
    };
  stva_job_progress (job, n);

  /* the last point to cancel with nothing written */
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  g_autofree char *info = run_info (o, r, config.max_epochs);
  StvaDbAuditRun run = {
    .label_set_id = data->label_set_id,
    .method = STVA_AUDIT_METHOD,
    .folds = folds,
    .seed = (gint64) o->seed,
    .split = o->split == STVA_SPLIT_TRAIN ? "train" : "all",
    .n_candidates = r->n_candidates,
    .info = info,
  };
  if ((r->run_id = stva_db_audit_store (data->db, &run, items, (guint) n, error)) == 0)
    return FALSE;
  stva_job_set_kept (job, STVA_JOB_KEPT_ALL, n);
  if ((r->items = stva_db_audit_items (data->db, r->run_id, 0, error)) == NULL)
    return FALSE;
  r->seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  *report = g_steal_pointer (&r);
  return TRUE;
}

/* ---- on a worker thread ------------------------------------------------------------------- */

typedef struct
{
  StvaAuditOptions options;   /* strings owned */
} AuditTask;

static void
audit_task_free (gpointer p)
{
  AuditTask *t = p;
  stva_data_source_free_copy (&t->options.train.source);
  g_free ((char *) t->options.train.preset);
  g_free ((char *) t->options.train.modalities);
  g_strfreev ((char **) t->options.train.settings);
  g_free (t);
}

static gboolean
audit_thread (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  AuditTask *t = data;
  StvaAuditReport *report = NULL;
  if (!stva_engine_audit (job, &t->options, &report, error))
    return FALSE;
  *result = report;
  return TRUE;
}

void
stva_engine_audit_async (const StvaAuditOptions *options,
                         StvaJobProgressFunc     progress,
                         gpointer                progress_data,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  AuditTask *t = g_new0 (AuditTask, 1);
  t->options = *options;
  stva_data_source_copy (&t->options.train.source, &options->train.source);
  t->options.train.out = NULL;
  t->options.train.from = NULL;
  t->options.train.preset = g_strdup (options->train.preset);
  t->options.train.modalities = g_strdup (options->train.modalities);
  t->options.train.settings = (const char *const *) g_strdupv (
    (char **) options->train.settings);
  stva_job_run_async (audit_thread, t, audit_task_free,
                      (GDestroyNotify) stva_audit_report_free, progress, progress_data,
                      cancellable, callback, user_data);
}

StvaAuditReport *
stva_engine_audit_finish (GAsyncResult  *result,
                          GError       **error)
{
  return stva_job_run_finish (result, NULL, NULL, error);
}

/* ---- JSON --------------------------------------------------------------------------------- */

JsonNode *
stva_audit_report_to_json (const StvaAuditReport *r,
                           guint                  limit)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "project");
  json_builder_add_string_value (b, r->project);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, r->run_id);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, STVA_AUDIT_METHOD);
  json_builder_set_member_name (b, "folds");
  json_builder_add_int_value (b, r->folds);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) r->seed);
  json_builder_set_member_name (b, "split");
  json_builder_add_string_value (b, r->split == STVA_SPLIT_TRAIN ? "train" : "all");
  json_builder_set_member_name (b, "dialogues");
  json_builder_add_int_value (b, r->n_dialogues);
  json_builder_set_member_name (b, "ranked");
  json_builder_add_int_value (b, r->n_ranked);
  json_builder_set_member_name (b, "candidates");
  json_builder_add_int_value (b, r->n_candidates);
  stva_data_json_number (b, "estimated_errors", r->estimated_errors);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int k = 0; k < r->K; k++)
    json_builder_add_string_value (b, r->labels[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "thresholds");
  json_builder_begin_object (b);
  for (int k = 0; k < r->K; k++)
    stva_data_json_number (b, r->labels[k], r->thresholds[k]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "confident_joint");
  json_builder_begin_array (b);
  for (int y = 0; y < r->K; y++)
    {
      json_builder_begin_array (b);
      for (int j = 0; j < r->K; j++)
        json_builder_add_int_value (b, r->joint[(gsize) y * r->K + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; r->items != NULL && i < r->items->len && (limit == 0 || i < limit); i++)
    {
      const StvaDbAuditItem *it = g_ptr_array_index (r->items, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "utterance_id");
      json_builder_add_int_value (b, it->utterance_id);
      json_builder_set_member_name (b, "dialogue");
      json_builder_add_string_value (b, it->dialogue);
      json_builder_set_member_name (b, "split");
      json_builder_add_string_value (b, it->split);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, it->idx);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, it->text);
      json_builder_set_member_name (b, "given");
      json_builder_add_string_value (b, it->given);
      json_builder_set_member_name (b, "suggested");
      json_builder_add_string_value (b, it->suggested);
      stva_data_json_number (b, "score", it->score);
      json_builder_set_member_name (b, "rank");
      json_builder_add_int_value (b, it->rank);
      stva_data_json_number (b, "self_confidence", it->self_confidence);
      stva_data_json_number (b, "margin", it->margin);
      json_builder_set_member_name (b, "candidate");
      json_builder_add_boolean_value (b, it->candidate);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
