/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Train, retrain and evaluate jobs (see stva-engine-train.h): the model's config from a preset,
 * ablations and settings, or from the model retrained; core's training loop with its per-step
 * hook for progress and cancel; the model saved, registered with its dev metrics and history;
 * a model, or two side by side, scored on a split.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stva-db-error.h"
#include "stva-engine-figure.h"
#include "stva-engine-train.h"

#define EVAL_CHUNK 8   /* dialogues per evaluation call: progress and cancel between them */

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_core_error (GError          **error,
                const StvaError  *err,
                const char       *prefix)
{
  GError *e = stva_error_to_gerror (err);
  if (prefix != NULL)
    g_prefix_error (&e, "%s: ", prefix);
  g_propagate_error (error, e);
}

static void
set_bad_value (GError          **error,
               const StvaError  *err)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, err->message);
}

/* Applies "KEY=VALUE" settings in order. */
static gboolean
apply_settings (StvaModelConfig    *config,
                const char *const  *settings,
                GError            **error)
{
  for (int i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      const char *eq = strchr (settings[i], '=');
      if (eq == NULL || eq == settings[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "a setting is KEY=VALUE, not '%s'", settings[i]);
          return FALSE;
        }
      g_autofree char *key = g_strndup (settings[i], (gsize) (eq - settings[i]));
      StvaError err = { 0 };
      if (stva_model_config_set (config, key, eq + 1, &err) != STVA_OK)
        {
          set_bad_value (error, &err);
          return FALSE;
        }
    }
  return TRUE;
}

/* The first architecture field in which a and b differ, NULL when none does. */
static const char *
architecture_change (const StvaModelConfig *a,
                     const StvaModelConfig *b)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    if (a->modality[m] != b->modality[m])
      return "modalities";
#define SAME(field) \
  if (a->field != b->field) \
    return #field
  SAME (D);
  SAME (H);
  SAME (L);
  SAME (S);
  SAME (ffn_mult);
  SAME (ctx_window);
  SAME (win_past);
  SAME (win_future);
  SAME (cross_window);
  SAME (use_msde);
  SAME (use_graph);
  SAME (use_cross);
#undef SAME
  return NULL;
}

/* A new model's config: the preset, F and K from the data, ablations, settings. */
static gboolean
new_config (const StvaTrainOptions  *o,
            const StvaDataset       *ds,
            StvaModelConfig         *config,
            GError                 **error)
{
  StvaError err = { 0 };
  stva_model_config_init (config);
  if (stva_model_config_preset (config, o->preset != NULL ? o->preset : "default", &err)
      != STVA_OK)
    {
      set_bad_value (error, &err);
      return FALSE;
    }
  stva_model_config_from_dataset (config, ds);
  const struct { gboolean on; const char *name; } ablations[] = {
    { o->no_msde, "no_msde" }, { o->no_graph, "no_graph" }, { o->no_cross, "no_cross" },
    { o->causal, "causal" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ablations); i++)
    if (ablations[i].on && stva_model_config_ablation (config, ablations[i].name, &err)
                             != STVA_OK)
      {
        set_bad_value (error, &err);
        return FALSE;
      }
  if (o->modalities != NULL)
    {
      g_autofree char *name = g_strdup_printf ("modalities=%s", o->modalities);
      if (stva_model_config_ablation (config, name, &err) != STVA_OK)
        {
          set_bad_value (error, &err);
          return FALSE;
        }
    }
  return apply_settings (config, o->settings, error);
}

gboolean
stva_engine_train_config (const StvaTrainOptions  *options,
                          const StvaDataset       *ds,
                          StvaModelConfig         *config,
                          GError                 **error)
{
  StvaError err = { 0 };
  if (!new_config (options, ds, config, error))
    return FALSE;
  if (stva_model_config_validate (config, &err) != STVA_OK)
    {
      set_bad_value (error, &err);
      return FALSE;
    }
  return TRUE;
}

/* ---- train -------------------------------------------------------------------------------- */

typedef struct
{
  StvaJob         *job;
  GArray          *history;       /* of StvaTrainProgress */
  int              first_epoch;   /* the first epoch of this run */
  int              skipped;       /* batches of the first epoch taken by an earlier run */
  int              n_steps;       /* per epoch, as estimated for the stage's total */
  int              n_epochs;      /* planned in this run */
  gint64           done;          /* steps taken in this run */
} TrainRun;

static gint64
run_total (const TrainRun *run)
{
  return MAX ((gint64) run->n_epochs * run->n_steps - run->skipped, 0);
}

static bool
on_epoch (const StvaTrainProgress *p,
          void                    *user_data)
{
  TrainRun *run = user_data;
  g_array_append_val (run->history, *p);
  stva_job_detail (run->job, "epoch %3d/%d  loss %.4f  dev wF1 %.4f  acc %.4f  best %.4f @%d  "
                   "lr %.2e  %.1f s", p->epoch, p->max_epochs, p->train_loss, p->dev_weighted_f1,
                   p->dev_accuracy, p->best_dev_weighted_f1, p->best_epoch, p->lr, p->seconds);
  return !stva_job_is_cancelled (run->job);
}

static bool
on_step (int   epoch,
         int   step,
         int   n_steps,
         void *user_data)
{
  TrainRun *run = user_data;
  if (n_steps != run->n_steps)   /* the estimate was off: the stage's total follows core */
    {
      run->n_steps = n_steps;
      stva_job_stage (run->job, "training", "steps", run_total (run));
    }
  run->done = (gint64) (epoch - run->first_epoch) * n_steps + step - run->skipped;
  stva_job_progress (run->job, run->done);
  return !stva_job_is_cancelled (run->job);
}

/* The registered metrics: labels, best_epoch, epochs_run, dev scores and every epoch. */
static char *
train_metrics_json (const StvaTrainReport *r,
                    gboolean               gold,
                    const StvaMetrics     *dev)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_add_string_value (b, gold ? "gold" : "current");
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, r->best_epoch);
  json_builder_set_member_name (b, "epochs_run");
  json_builder_add_int_value (b, r->epochs_run);
  if (dev != NULL && isfinite (dev->weighted_f1) && isfinite (dev->accuracy)
      && isfinite (dev->macro_f1))
    {
      json_builder_set_member_name (b, "dev");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, dev->n);
      stva_data_json_number (b, "accuracy", dev->accuracy);
      stva_data_json_number (b, "weighted_f1", dev->weighted_f1);
      stva_data_json_number (b, "macro_f1", dev->macro_f1);
      json_builder_end_object (b);
    }
  /* every epoch, for learning curves (synctva figure training); no dev split: nulls */
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint e = 0; e < r->history->len; e++)
    {
      const StvaTrainProgress *h = &g_array_index (r->history, StvaTrainProgress, e);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, h->epoch);
      stva_data_json_number (b, "lr", h->lr);
      stva_data_json_number (b, "seconds", h->seconds);
      stva_data_json_number (b, "loss", h->train_loss);
      gboolean scored = isfinite (h->dev_weighted_f1) && isfinite (h->dev_accuracy);
      stva_data_json_number (b, "dev_weighted_f1", scored ? h->dev_weighted_f1 : NAN);
      stva_data_json_number (b, "dev_accuracy", scored ? h->dev_accuracy : NAN);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
stva_train_report_clear (StvaTrainReport *report)
{
  if (report == NULL)
    return;
  g_free (report->model_path);
  if (report->history != NULL)
    g_array_unref (report->history);
  memset (report, 0, sizeof *report);
}

void
stva_train_report_free (StvaTrainReport *report)
{
  stva_train_report_clear (report);
  g_free (report);
}

/* The model the options start from: a new one (state fresh), or the one retrained, its config
 * with the training settings changed and state as its file kept it (fresh when it did not). */
static gboolean
start_model (const StvaTrainOptions  *o,
             const StvaData          *data,
             StvaModel               *model,
             StvaTrainState          *state,
             GError                 **error)
{
  StvaError err = { 0 };
  StvaModelConfig config;
  if (o->from == NULL)
    {
      if (!new_config (o, data->ds, &config, error))
        return FALSE;
      if (stva_model_config_validate (&config, &err) != STVA_OK)
        {
          set_bad_value (error, &err);
          return FALSE;
        }
      if (stva_model_init (model, &config, &err) != STVA_OK)
        {
          set_core_error (error, &err, NULL);
          return FALSE;
        }
      model->labels = g_malloc0_n ((gsize) data->ds->K, sizeof *model->labels);
      for (int k = 0; k < data->ds->K; k++)
        model->labels[k] = strdup (data->ds->labels[k]);
      return TRUE;
    }

  if (o->preset != NULL || o->no_msde || o->no_graph || o->no_cross || o->causal
      || o->modalities != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "retraining keeps %s's architecture: no preset or ablation", o->from);
      return FALSE;
    }
  if (stva_model_load_with_state (model, state, o->from, &err) != STVA_OK)
    {
      set_core_error (error, &err, NULL);
      return FALSE;
    }
  if (!stva_data_check_model (model, data->ds, o->from, data->name, error))
    return FALSE;
  config = model->config;
  if (!apply_settings (&config, o->settings, error))
    return FALSE;
  const char *changed = architecture_change (&model->config, &config);
  if (changed != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "retraining keeps %s's architecture: %s cannot change", o->from, changed);
      return FALSE;
    }
  if (stva_model_config_validate (&config, &err) != STVA_OK)
    {
      set_bad_value (error, &err);
      return FALSE;
    }
  model->config = config;
  return TRUE;
}

gboolean
stva_engine_train (StvaJob                 *job,
                   const StvaTrainOptions  *o,
                   StvaTrainReport         *report,
                   GError                 **error)
{
  g_return_val_if_fail (o != NULL && o->out != NULL && report != NULL, FALSE);
  memset (report, 0, sizeof *report);
  report->history = g_array_new (FALSE, FALSE, sizeof (StvaTrainProgress));
  report->best_dev_weighted_f1 = NAN;
  if (stva_job_check_cancelled (job, error))
    return FALSE;

  g_autoptr (StvaData) data = stva_data_load (&o->source, error);
  if (data == NULL)
    return FALSE;
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaMetrics dev_metrics;
  memset (&dev_metrics, 0, sizeof dev_metrics);
  StvaTrainState state;
  stva_train_state_init (&state);
  g_autofree int *train = NULL, *dev = NULL;
  gboolean ok = FALSE;
  StvaError err = { 0 };

  if (!start_model (o, data, &model, &state, error))
    goto out;

  train = stva_data_dialogues (data->ds, STVA_SPLIT_TRAIN, &report->n_train);
  dev = stva_data_dialogues (data->ds, STVA_SPLIT_DEV, &report->n_dev);
  if (report->n_train == 0)
    {
      g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                   "%s has no dialogues in the train split", data->name);
      goto out;
    }
  report->n_parameters = stva_params_count (&model.params);

  /* this run: from the epoch (and batch) the state reached, to max_epochs or stop_after */
  TrainRun run = {
    .job = job,
    .history = report->history,
    .first_epoch = state.epochs_done + 1,
    .skipped = state.batches_done,
    .n_steps = (report->n_train + model.config.batch_size - 1) / model.config.batch_size,
    .n_epochs = MAX (model.config.max_epochs - state.epochs_done, 0),
  };
  if (o->stop_after > 0 && o->stop_after < run.n_epochs)
    run.n_epochs = o->stop_after;
  stva_job_stage (job, "training", "steps", run_total (&run));
  if (report->n_dev == 0)
    stva_job_detail (job, "warning: %s has no dev split: the last epoch is kept", data->name);
  stva_job_detail (job, "training on %d dialogues, selecting on %d (dev); %zu parameters",
                   report->n_train, report->n_dev, report->n_parameters);
  if (state.epochs_done > 0)
    stva_job_detail (job, "continuing after epoch %d of %d (step %" G_GUINT64_FORMAT ")",
                     state.epochs_done, model.config.max_epochs, state.steps);

  StvaTrainHooks hooks = { .on_epoch = on_epoch, .on_step = on_step, .user_data = &run };
  StvaTrainResult result;
  memset (&result, 0, sizeof result);
  gint64 t0 = g_get_monotonic_time ();
  StvaStatus status = stva_train_continue (&model, &state, data->ds, train, report->n_train, dev,
                                           report->n_dev, o->stop_after, &hooks, &result, &err);
  report->seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  if (status != STVA_OK && status != STVA_ERR_CANCELLED)
    {
      set_core_error (error, &err, data->name);
      goto out;
    }
  report->epochs_run = result.epochs_run;
  report->best_epoch = result.best_epoch;
  report->best_dev_weighted_f1 = result.best_dev_weighted_f1;
  report->stopped_early = result.stopped_early;
  if (status == STVA_ERR_CANCELLED && report->history->len == 0)
    {
      stva_job_set_cancelled (job, 0, 0, NULL, error);   /* no epoch finished: nothing saved */
      goto out;
    }
  report->cancelled = status == STVA_ERR_CANCELLED;

  /* a cancel from here on is too late: the best model so far is saved and registered */
  if (stva_model_save_with_state (&model, &state, o->out, &err) != STVA_OK)
    {
      set_core_error (error, &err, NULL);
      goto out;
    }
  report->model_path = g_strdup (o->out);
  report->has_state = state.n_floats > 0;
  if (data->db != NULL)
    {
      if (report->n_dev > 0
          && stva_model_evaluate (&model, data->ds, dev, report->n_dev, NULL, NULL, &dev_metrics,
                                  &err) != STVA_OK)
        {
          set_core_error (error, &err, data->name);
          g_prefix_error (error, "dev split: ");
          goto out;
        }
      /* the parent is the registered model with the from file's hash (registered if new) */
      if (o->from != NULL
          && (report->parent_id = stva_data_register_model (data, o->from, NULL, 0, error)) == 0)
        goto out;
      g_autofree char *metrics = train_metrics_json (report, data->gold,
                                                     report->n_dev > 0 ? &dev_metrics : NULL);
      report->model_id = stva_data_register_model (data, o->out, metrics, report->parent_id,
                                                   error);
      if (report->model_id == 0)
        goto out;
    }
  if (report->cancelled)
    {
      stva_job_set_kept (job, STVA_JOB_KEPT_ALL, 1);
      g_autofree char *where = report->model_id != 0
        ? g_strdup_printf (", registered as model %" G_GINT64_FORMAT, report->model_id)
        : g_strdup ("");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "cancelled: the best model so far (epoch %d) saved to %s%s",
                   report->best_epoch, o->out, where);
      goto out;
    }
  if (run.done < run_total (&run))
    stva_job_progress (job, run_total (&run));   /* stopped early: nothing left to do */
  ok = TRUE;

out:
  stva_train_state_clear (&state);
  stva_metrics_clear (&dev_metrics);
  stva_model_clear (&model);
  return ok;
}

/* ---- train on a worker thread ------------------------------------------------------------- */

typedef struct
{
  StvaTrainOptions options;   /* strings owned */
} TrainTask;

static void
train_task_free (gpointer p)
{
  TrainTask *t = p;
  stva_data_source_free_copy (&t->options.source);
  g_free ((char *) t->options.out);
  g_free ((char *) t->options.from);
  g_free ((char *) t->options.preset);
  g_free ((char *) t->options.modalities);
  g_strfreev ((char **) t->options.settings);
  g_free (t);
}

static gboolean
train_thread (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  TrainTask *t = data;
  g_autoptr (StvaTrainReport) report = g_new0 (StvaTrainReport, 1);
  if (!stva_engine_train (job, &t->options, report, error))
    return FALSE;
  *result = g_steal_pointer (&report);
  return TRUE;
}

void
stva_engine_train_async (const StvaTrainOptions *options,
                         StvaJobProgressFunc     progress,
                         gpointer                progress_data,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  TrainTask *t = g_new0 (TrainTask, 1);
  t->options = *options;
  stva_data_source_copy (&t->options.source, &options->source);
  t->options.out = g_strdup (options->out);
  t->options.from = g_strdup (options->from);
  t->options.preset = g_strdup (options->preset);
  t->options.modalities = g_strdup (options->modalities);
  t->options.settings = (const char *const *) g_strdupv ((char **) options->settings);
  stva_job_run_async (train_thread, t, train_task_free,
                      (GDestroyNotify) stva_train_report_free, progress, progress_data,
                      cancellable, callback, user_data);
}

StvaTrainReport *
stva_engine_train_finish (GAsyncResult  *result,
                          GError       **error)
{
  return stva_job_run_finish (result, NULL, NULL, error);
}

/* ---- evaluate ----------------------------------------------------------------------------- */

void
stva_eval_report_clear (StvaEvalReport *report)
{
  if (report == NULL)
    return;
  g_free (report->data_name);
  g_strfreev (report->labels);
  for (int i = 0; i < 2; i++)
    {
      g_free (report->model_path[i]);
      stva_metrics_clear (&report->metrics[i]);
    }
  memset (report, 0, sizeof *report);
}

void
stva_eval_report_free (StvaEvalReport *report)
{
  stva_eval_report_clear (report);
  g_free (report);
}

/* Scores one model on the dialogues idx (n), chunk by chunk; done counts dialogues of the
 * stage. */
static gboolean
score_model (StvaJob        *job,
             const char     *path,
             const char     *split_name,
             const StvaData *data,
             const int      *idx,
             int             n,
             gint64         *done,
             StvaMetrics    *metrics,
             GError        **error)
{
  StvaModel model;
  memset (&model, 0, sizeof model);
  if (!stva_data_load_model (&model, path, error))
    return FALSE;
  gboolean ok = FALSE;
  StvaError err = { 0 };
  gsize n_utt = 0;
  for (int i = 0; i < n; i++)
    n_utt += (gsize) data->ds->dialogues[idx[i]].T;
  g_autofree int *pred = g_new (int, n_utt > 0 ? n_utt : 1);
  g_autofree int *gold = g_new (int, n_utt > 0 ? n_utt : 1);
  if (!stva_data_check_model (&model, data->ds, path, data->name, error))
    goto out;
  gsize at = 0;
  for (int i = 0; i < n; i += EVAL_CHUNK)
    {
      if (stva_job_check_cancelled (job, error))
        goto out;
      int m = MIN (EVAL_CHUNK, n - i);
      if (stva_model_evaluate (&model, data->ds, idx + i, m, pred + at, gold + at, NULL, &err)
          != STVA_OK)
        {
          set_core_error (error, &err, data->name);
          goto out;
        }
      for (int j = 0; j < m; j++)
        at += (gsize) data->ds->dialogues[idx[i + j]].T;
      *done += m;
      stva_job_progress (job, *done);
    }
  if (stva_metrics_compute (metrics, gold, pred, n_utt, data->ds->K, &err) != STVA_OK)
    {
      set_core_error (error, &err, data->name);
      goto out;
    }
  if (metrics->n == 0)   /* scores of nothing would read as a model that is always wrong */
    {
      g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                   "%s: no labelled utterances in the %s split to score", data->name,
                   split_name);
      goto out;
    }
  ok = TRUE;

out:
  stva_model_clear (&model);
  return ok;
}

/* Scores a registered model by its stored predictions of the split. */
static gboolean
score_stored (const StvaEvalOptions  *o,
              gint64                  model_id,
              const StvaData         *data,
              StvaMetrics            *metrics,
              char                  **name,
              GError                **error)
{
  if (data->db == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: stored predictions are a project's, not a dataset file's", data->name);
      return FALSE;
    }
  StvaFigureOptions fo;
  stva_figure_options_init (&fo);
  fo.project = o->source.project;
  fo.label_set = o->source.label_set;
  fo.model_id = model_id;
  fo.split = o->split;
  fo.gold = o->source.gold;
  StvaFigureScores scores;
  memset (&scores, 0, sizeof scores);
  if (!stva_figure_scores (&fo, &scores, error))
    return FALSE;
  gboolean ok = scores.metrics.K == data->ds->K;
  if (!ok)
    g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                 "%s: model %" G_GINT64_FORMAT " has %d classes, the label set %d", data->name,
                 model_id, scores.metrics.K, data->ds->K);
  else if ((*name = stva_db_model_name (data->db, model_id, error)) == NULL)
    ok = FALSE;
  else
    {
      *metrics = scores.metrics;   /* handed over */
      memset (&scores.metrics, 0, sizeof scores.metrics);
    }
  stva_figure_scores_clear (&scores);
  return ok;
}

gboolean
stva_engine_eval (StvaJob                *job,
                  const StvaEvalOptions  *o,
                  StvaEvalReport         *report,
                  GError                **error)
{
  g_return_val_if_fail (o != NULL && report != NULL, FALSE);
  memset (report, 0, sizeof *report);
  if (o->model == NULL && o->model_id <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "no model: a model file or a registered model's id");
      return FALSE;
    }
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  g_autoptr (StvaData) data = stva_data_load (&o->source, error);
  if (data == NULL)
    return FALSE;
  int n = 0;
  g_autofree int *idx = stva_data_dialogues (data->ds, o->split, &n);
  if (n == 0)
    {
      g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                   "%s has no dialogues in the %s split", data->name,
                   stva_data_split_name (o->split));
      return FALSE;
    }
  report->data_name = g_strdup (data->name);
  report->split = o->split;
  report->n_dialogues = n;
  report->K = data->ds->K;
  report->labels = g_new0 (char *, (gsize) data->ds->K + 1);
  for (int k = 0; k < data->ds->K; k++)
    report->labels[k] = g_strdup (data->ds->labels[k]);
  report->n_models = o->compare != NULL || o->compare_id > 0 ? 2 : 1;
  stva_job_stage (job, "evaluating", "dialogues", (gint64) n * report->n_models);
  gint64 done = 0;
  const char *paths[2] = { o->model, o->compare };
  const gint64 ids[2] = { o->model_id, o->compare_id };
  for (int i = 0; i < report->n_models; i++)
    {
      gboolean ok;
      if (paths[i] != NULL)
        {
          report->model_path[i] = g_strdup (paths[i]);
          ok = score_model (job, paths[i], stva_data_split_name (o->split), data, idx, n, &done,
                            &report->metrics[i], error);
        }
      else
        {
          report->model_id[i] = ids[i];
          ok = !stva_job_check_cancelled (job, error)
               && score_stored (o, ids[i], data, &report->metrics[i], &report->model_path[i],
                                error);
          done += n;
          stva_job_progress (job, done);
        }
      if (!ok)
        {
          stva_eval_report_clear (report);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  StvaEvalOptions options;   /* strings owned */
} EvalTask;

static void
eval_task_free (gpointer p)
{
  EvalTask *t = p;
  stva_data_source_free_copy (&t->options.source);
  g_free ((char *) t->options.model);
  g_free ((char *) t->options.compare);
  g_free (t);
}

static gboolean
eval_thread (StvaJob   *job,
             gpointer   data,
             gpointer  *result,
             GError   **error)
{
  EvalTask *t = data;
  g_autoptr (StvaEvalReport) report = g_new0 (StvaEvalReport, 1);
  if (!stva_engine_eval (job, &t->options, report, error))
    return FALSE;
  *result = g_steal_pointer (&report);
  return TRUE;
}

void
stva_engine_eval_async (const StvaEvalOptions *options,
                        StvaJobProgressFunc    progress,
                        gpointer               progress_data,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  EvalTask *t = g_new0 (EvalTask, 1);
  t->options = *options;
  stva_data_source_copy (&t->options.source, &options->source);
  t->options.model = g_strdup (options->model);
  t->options.compare = g_strdup (options->compare);
  stva_job_run_async (eval_thread, t, eval_task_free, (GDestroyNotify) stva_eval_report_free,
                      progress, progress_data, cancellable, callback, user_data);
}

StvaEvalReport *
stva_engine_eval_finish (GAsyncResult  *result,
                         GError       **error)
{
  return stva_job_run_finish (result, NULL, NULL, error);
}

/* The model's members: its file or registered name, and its id when scored as stored. */
static void
add_model (JsonBuilder          *b,
           const StvaEvalReport *r,
           int                   i)
{
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, r->model_path[i]);
  if (r->model_id[i] != 0)
    {
      json_builder_set_member_name (b, "model_id");
      json_builder_add_int_value (b, r->model_id[i]);
    }
}

JsonNode *
stva_eval_report_to_json (const StvaEvalReport *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "split");
  json_builder_add_string_value (b, stva_data_split_name (r->split));
  if (r->n_models == 1)
    {
      /* eval's object as it always was: model, then the scores */
      add_model (b, r, 0);
      stva_data_metrics_to_json (b, &r->metrics[0], r->labels);
      json_builder_set_member_name (b, "selection");
      json_builder_add_string_value (b, "validation split only");
      json_builder_end_object (b);
      return json_builder_get_root (b);
    }
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, r->data_name);
  json_builder_set_member_name (b, "n_dialogues");
  json_builder_add_int_value (b, r->n_dialogues);
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_models; i++)
    {
      json_builder_begin_object (b);
      add_model (b, r, i);
      stva_data_metrics_to_json (b, &r->metrics[i], r->labels);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  const StvaMetrics *m0 = &r->metrics[0], *m1 = &r->metrics[1];
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  stva_data_json_number (b, "accuracy", m1->accuracy - m0->accuracy);
  stva_data_json_number (b, "weighted_f1", m1->weighted_f1 - m0->weighted_f1);
  stva_data_json_number (b, "macro_f1", m1->macro_f1 - m0->macro_f1);
  json_builder_set_member_name (b, "per_class_f1");
  json_builder_begin_object (b);
  for (int k = 0; k < r->K; k++)
    stva_data_json_number (b, r->labels[k], m1->f1[k] - m0->f1[k]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
