/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's long work (see stva-job-runner.h).  Every job runs on a worker thread through
 * the engine (stva_job_run_async () or a job's own _async), with its own database connection;
 * the window's progress row shows it and its Cancel button cancels it.  What a worker needs is
 * copied into its task data; what it returns comes back on the main loop, where the session
 * reloads.  Jobs made of several engine jobs (predict with the model on screen, retrain, export
 * of every dialogue) are one worker function calling them in turn with the same StvaJob, so
 * one Cancel stops whichever runs.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stva-import-dialog.h"
#include "stva-job-runner.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define LAST_MESSAGE "stva-job-runner-message"

/* Every job's result is a toast, also kept as the window's last job message (tests). */
static void
say (StvaWindow *window,
     const char *message)
{
  g_object_set_data_full (G_OBJECT (window), LAST_MESSAGE, g_strdup (message), g_free);
  stva_window_toast (window, message);
}

static void
toast_error (StvaWindow   *window,
             const GError *error)
{
  if (error != NULL)
    say (window, error->message);
}

const char *
stva_job_runner_last_message (StvaWindow *window)
{
  return g_object_get_data (G_OBJECT (window), LAST_MESSAGE);
}

/* The open project's path and label set name, or a toast and FALSE. */
static gboolean
need_project (StvaWindow  *window,
              const char **path,
              const char **label_set)
{
  StvaSession *session = stva_window_get_session (window);
  if (!stva_session_is_open (session))
    {
      stva_window_toast (window, "Open a project first (Ctrl+O)");
      return FALSE;
    }
  *path = stva_session_get_path (session);
  if (label_set != NULL)
    *label_set = stva_session_get_label_set (session)->name;
  return TRUE;
}

static void
reload (StvaWindow *window)
{
  g_autoptr (GError) error = NULL;
  if (!stva_session_reload (stva_window_get_session (window), &error))
    toast_error (window, error);
}

gboolean
stva_job_runner_busy (StvaWindow *window)
{
  return stva_window_job_running (window);
}

/* ---- extract ------------------------------------------------------------------------------ */

static void
extract_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  g_autoptr (StvaWindow) window = data;
  stva_window_end_job (window);
  g_autoptr (GError) error = NULL;
  StvaJobKept kept = STVA_JOB_KEPT_NOTHING;
  StvaEngineExtractResult *r = stva_engine_extract_finish (res, &kept, &error);
  reload (window);   /* a cancel keeps whole dialogues: show them too */
  if (r == NULL)
    {
      toast_error (window, error);
      return;
    }
  g_autofree char *msg = g_strdup_printf (
    "Extracted %u utterances: %zu text, %zu audio, %zu video vectors stored", r->n_utterances,
    r->n_stored[STVA_MOD_T], r->n_stored[STVA_MOD_A], r->n_stored[STVA_MOD_V]);
  say (window, msg);
  stva_engine_extract_result_free (r);
}

gboolean
stva_job_runner_extract (StvaWindow *window)
{
  const char *project = NULL;
  if (!need_project (window, &project, NULL))
    return FALSE;
  GCancellable *c = stva_window_begin_job (window, "Extracting features");
  if (c == NULL)
    return FALSE;
  StvaEngineExtractOptions options;
  stva_engine_extract_options_init (&options);
  options.project = project;
  stva_engine_extract_async (&options, stva_window_job_progress, window, c, extract_cb,
                             g_object_ref (window));
  return TRUE;
}

/* ---- predict with the model on screen ------------------------------------------------------- */

typedef struct
{
  char   *project;
  char   *label_set;
  gint64  model_id;
} PredictData;

static void
predict_data_free (gpointer p)
{
  PredictData *d = p;
  g_free (d->project);
  g_free (d->label_set);
  g_free (d);
}

/* The model's file is found (and its SHA-256 checked) on the worker: hashing a big file would
 * hold the main loop. */
static gboolean
predict_thread (StvaJob   *job,
                gpointer   data,
                gpointer  *result,
                GError   **error)
{
  PredictData *d = data;
  g_autofree char *model_path = NULL;
  {
    g_autoptr (StvaDb) db = stva_db_open (d->project, STVA_DB_OPEN_EXISTING, error);
    if (db == NULL || !stva_data_model_file (db, d->model_id, &model_path, error))
      return FALSE;
  }
  StvaPredictOptions o;
  stva_predict_options_init (&o);
  o.source.project = d->project;
  o.source.label_set = d->label_set;
  o.model_path = model_path;
  o.split = STVA_DATA_ALL_SPLITS;
  o.store = TRUE;
  StvaPredictResult *r = g_new0 (StvaPredictResult, 1);
  if (!stva_engine_predict (job, &o, r, error))
    {
      stva_predict_result_free (r);
      return FALSE;
    }
  *result = r;
  return TRUE;
}

static void
predict_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  g_autoptr (StvaWindow) window = data;
  stva_window_end_job (window);
  g_autoptr (GError) error = NULL;
  StvaPredictResult *r = stva_job_run_finish (res, NULL, NULL, &error);
  reload (window);
  if (r == NULL)
    {
      toast_error (window, error);
      return;
    }
  g_autofree char *msg = g_strdup_printf ("Predicted %" G_GINT64_FORMAT " dialogues, %"
                                          G_GINT64_FORMAT " utterances", r->n_dialogues,
                                          r->n_utterances);
  say (window, msg);
  stva_predict_result_free (r);
}

gboolean
stva_job_runner_predict (StvaWindow *window)
{
  const char *project = NULL, *set = NULL;
  if (!need_project (window, &project, &set))
    return FALSE;
  gint64 model_id = stva_session_get_model_id (stva_window_get_session (window));
  if (model_id == 0)
    {
      stva_window_toast (window, "No model on screen: train one first (Retrain)");
      return FALSE;
    }
  GCancellable *c = stva_window_begin_job (window, "Predicting the project");
  if (c == NULL)
    return FALSE;
  PredictData *d = g_new0 (PredictData, 1);
  d->project = g_strdup (project);
  d->label_set = g_strdup (set);
  d->model_id = model_id;
  stva_job_run_async (predict_thread, d, predict_data_free,
                      (GDestroyNotify) stva_predict_result_free, stva_window_job_progress,
                      window, c, predict_cb, g_object_ref (window));
  return TRUE;
}

/* ---- retrain -------------------------------------------------------------------------------- */

void
stva_retrain_request_clear (StvaRetrainRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->from, g_free);
  g_clear_pointer (&request->preset, g_free);
  g_clear_pointer (&request->settings, g_strfreev);
}

static void
prediction_change_free (gpointer p)
{
  StvaPredictionChange *c = p;
  g_free (c->dialogue);
  g_free (c->text);
  g_free (c->before);
  g_free (c->after);
  g_free (c);
}

void
stva_retrain_outcome_free (StvaRetrainOutcome *o)
{
  if (o == NULL)
    return;
  g_free (o->model_path);
  g_free (o->old_path);
  stva_train_report_clear (&o->train);
  stva_eval_report_clear (&o->eval[0]);
  stva_eval_report_clear (&o->eval[1]);
  g_clear_pointer (&o->changes, g_ptr_array_unref);
  g_free (o);
}

typedef struct
{
  char               *project;
  char               *label_set;
  char               *out;         /* the new model file */
  StvaRetrainRequest  request;     /* a deep copy */
  StvaWindow         *window;      /* owned */
  StvaRetrainDone     done;
  gpointer            done_data;
} RetrainData;

static void
retrain_data_free (gpointer p)
{
  RetrainData *d = p;
  g_free (d->project);
  g_free (d->label_set);
  g_free (d->out);
  stva_retrain_request_clear (&d->request);
  g_clear_object (&d->window);
  g_free (d);
}

/* The new model's file: models/<project>-<n>.stvm beside the project, n the first free one. */
static char *
new_model_path (const char *project)
{
  g_autofree char *dir = g_path_get_dirname (project);
  g_autofree char *base = g_path_get_basename (project);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  g_autofree char *models = g_build_filename (dir, "models", NULL);
  g_mkdir_with_parents (models, 0755);
  for (int n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%d.stvm", base, n);
      char *path = g_build_filename (models, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

/* Which predictions of the new model differ from the old one's (both stored). */
static gboolean
list_changes (const RetrainData   *d,
              StvaRetrainOutcome  *o,
              GError             **error)
{
  o->changes = g_ptr_array_new_with_free_func (prediction_change_free);
  if (o->old_id == 0)
    return TRUE;
  g_autoptr (StvaDb) db = stva_db_open (d->project, STVA_DB_OPEN_EXISTING, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, d->label_set, error);
  if (set == NULL)
    return FALSE;
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, error);
  if (dialogues == NULL)
    return FALSE;
  for (guint i = 0; i < dialogues->len; i++)
    {
      const StvaDbDialogue *dia = g_ptr_array_index (dialogues, i);
      g_autoptr (GPtrArray) before = stva_db_utterances (db, dia->id, set->id, o->old_id, error);
      g_autoptr (GPtrArray) after = before != NULL
        ? stva_db_utterances (db, dia->id, set->id, o->model_id, error) : NULL;
      if (after == NULL)
        return FALSE;
      for (guint u = 0; u < after->len && u < before->len; u++)
        {
          const StvaDbUtterance *b = g_ptr_array_index (before, u);
          const StvaDbUtterance *a = g_ptr_array_index (after, u);
          if (a->predicted_label_id == 0 || b->predicted_label_id == 0)
            continue;
          o->n_compared++;
          if (a->predicted_label_id == b->predicted_label_id)
            continue;
          StvaPredictionChange *c = g_new0 (StvaPredictionChange, 1);
          c->utterance_id = a->id;
          c->dialogue = g_strdup_printf ("%s/%s", dia->split, dia->name);
          c->index = a->idx;
          c->text = g_strdup (a->transcript != NULL ? a->transcript : "");
          const StvaDbLabel *lb = stva_db_label_set_by_label (set, b->predicted_label_id);
          const StvaDbLabel *la = stva_db_label_set_by_label (set, a->predicted_label_id);
          c->before = g_strdup (lb != NULL ? lb->name : "?");
          c->after = g_strdup (la != NULL ? la->name : "?");
          g_ptr_array_add (o->changes, c);
        }
    }
  return TRUE;
}

static gboolean
retrain_thread (StvaJob   *job,
                gpointer   data,
                gpointer  *result,
                GError   **error)
{
  RetrainData *d = data;
  const StvaRetrainRequest *rq = &d->request;
  g_autoptr (StvaRetrainOutcome) o = g_new0 (StvaRetrainOutcome, 1);
  o->old_id = rq->from_id;
  o->old_path = g_strdup (rq->from);
  if (o->old_path == NULL && o->old_id != 0)
    {
      /* afresh: the old model is scored by its file when the project knows it, else by its
       * stored predictions */
      g_autoptr (StvaDb) db = stva_db_open (d->project, STVA_DB_OPEN_EXISTING, error);
      if (db == NULL)
        return FALSE;
      char *path = NULL;
      if (stva_data_model_file (db, o->old_id, &path, NULL))
        o->old_path = path;
    }

  /* train: with from, this run's epochs come after those the file has done */
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func (g_free);
  int epochs_done = 0;
  if (rq->from != NULL)
    {
      g_autoptr (StvaModelInfo) info = stva_data_model_info (rq->from, error);
      if (info == NULL)
        return FALSE;
      epochs_done = info->file.state != NULL ? (int) info->file.state->epochs_done : 0;
    }
  if (rq->epochs > 0)
    g_ptr_array_add (settings, g_strdup_printf ("max_epochs=%d", epochs_done + rq->epochs));
  for (char **s = rq->settings; s != NULL && *s != NULL; s++)
    g_ptr_array_add (settings, g_strdup (*s));
  g_ptr_array_add (settings, NULL);
  StvaTrainOptions t = {
    .source = { .project = d->project, .label_set = d->label_set, .gold = FALSE },
    .out = d->out,
    .from = rq->from,
    .preset = rq->from == NULL ? rq->preset : NULL,
    .settings = (const char *const *) settings->pdata,
  };
  if (!stva_engine_train (job, &t, &o->train, error))
    return FALSE;
  o->model_id = o->train.model_id;
  o->model_path = g_strdup (o->train.model_path);

  /* predict the project with the new model, so the views and the list of changes show it */
  StvaPredictOptions p;
  stva_predict_options_init (&p);
  p.source.project = d->project;
  p.source.label_set = d->label_set;
  p.model_path = o->model_path;
  p.split = STVA_DATA_ALL_SPLITS;
  p.store = TRUE;
  StvaPredictResult pr = { 0 };
  gboolean predicted = stva_engine_predict (job, &p, &pr, error);
  stva_predict_result_clear (&pr);
  if (!predicted)
    return FALSE;

  /* both models on dev and test: eval --compare OLD NEW */
  const int splits[2] = { STVA_SPLIT_DEV, STVA_SPLIT_TEST };
  for (int s = 0; s < 2; s++)
    {
      StvaEvalOptions e = {
        .source = { .project = d->project, .label_set = d->label_set, .gold = FALSE },
        .split = splits[s],
      };
      if (o->old_path != NULL)
        {
          e.model = o->old_path;
          e.compare = o->model_path;
        }
      else if (o->old_id != 0)
        {
          e.model_id = o->old_id;
          e.compare = o->model_path;
        }
      else
        e.model = o->model_path;
      g_autoptr (GError) local = NULL;
      if (!stva_engine_eval (job, &e, &o->eval[s], &local))
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          stva_eval_report_clear (&o->eval[s]);   /* no labelled utterance there */
          continue;
        }
      o->has_eval[s] = o->eval[s].n_dialogues > 0
                       && o->eval[s].metrics[o->eval[s].n_models - 1].n > 0;
    }
  if (!list_changes (d, o, error))
    return FALSE;
  *result = g_steal_pointer (&o);
  return TRUE;
}

static void
retrain_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  RetrainData *d = data;
  StvaWindow *window = d->window;
  stva_window_end_job (window);
  g_autoptr (GError) error = NULL;
  StvaRetrainOutcome *o = stva_job_run_finish (res, NULL, NULL, &error);
  StvaSession *session = stva_window_get_session (window);
  reload (window);
  if (o != NULL)
    {
      g_autoptr (GError) local = NULL;
      if (!stva_session_set_model_id (session, o->model_id, &local))
        toast_error (window, local);
      double before = NAN, after = NAN;
      if (o->has_eval[0])
        {
          const StvaEvalReport *e = &o->eval[0];
          after = e->metrics[e->n_models - 1].weighted_f1;
          before = e->n_models > 1 ? e->metrics[0].weighted_f1 : NAN;
        }
      g_autofree char *msg = isnan (before)
        ? g_strdup_printf ("Retrained: model #%" G_GINT64_FORMAT ", dev w-F1 %.3f",
                           o->model_id, after)
        : g_strdup_printf ("Retrained: dev w-F1 %.3f → %.3f", before, after);
      say (window, msg);
    }
  else
    toast_error (window, error);
  if (d->done != NULL)
    d->done (o, error, d->done_data);
  else
    stva_retrain_outcome_free (o);
  retrain_data_free (d);
}

gboolean
stva_job_runner_retrain (StvaWindow               *window,
                         const StvaRetrainRequest *request,
                         StvaRetrainDone           done,
                         gpointer                  user_data)
{
  const char *project = NULL, *set = NULL;
  if (!need_project (window, &project, &set))
    return FALSE;
  GCancellable *c = stva_window_begin_job (window, request->from != NULL ? "Retraining"
                                                                         : "Training afresh");
  if (c == NULL)
    return FALSE;
  RetrainData *d = g_new0 (RetrainData, 1);
  d->project = g_strdup (project);
  d->label_set = g_strdup (set);
  d->out = new_model_path (project);
  d->request.from = g_strdup (request->from);
  d->request.from_id = request->from_id;
  d->request.preset = g_strdup (request->preset);
  d->request.epochs = request->epochs;
  d->request.settings = g_strdupv (request->settings);
  d->window = g_object_ref (window);
  d->done = done;
  d->done_data = user_data;
  /* the task data is freed by retrain_cb (it carries the callback), not by the runner */
  stva_job_run_async (retrain_thread, d, NULL, (GDestroyNotify) stva_retrain_outcome_free,
                      stva_window_job_progress, window, c, retrain_cb, d);
  return TRUE;
}

/* ---- audit ---------------------------------------------------------------------------------- */

static void
audit_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      data)
{
  g_autoptr (StvaWindow) window = data;
  stva_window_end_job (window);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaAuditReport) r = stva_engine_audit_finish (res, &error);
  reload (window);
  if (r == NULL)
    {
      toast_error (window, error);
      return;
    }
  /* the review queue goes through the ranking: likely errors first */
  StvaSession *session = stva_window_get_session (window);
  g_autoptr (GError) local = NULL;
  if (!stva_session_set_queue (session, STVA_DB_QUEUE_AUDIT, FALSE, &local))
    toast_error (window, local);
  g_autofree char *msg = g_strdup_printf (
    "Audit: %d likely label errors of %d labels (about %.0f estimated); N and P go through "
    "them", r->n_candidates, r->n_ranked, r->estimated_errors);
  say (window, msg);
}

gboolean
stva_job_runner_audit (StvaWindow        *window,
                       const char        *preset,
                       int                folds,
                       const char *const *settings)
{
  const char *project = NULL, *set = NULL;
  if (!need_project (window, &project, &set))
    return FALSE;
  GCancellable *c = stva_window_begin_job (window, "Auditing the labels");
  if (c == NULL)
    return FALSE;
  StvaAuditOptions o = {
    .train = { .source = { .project = project, .label_set = set, .gold = FALSE },
               .preset = preset, .settings = settings },
    .folds = folds,
    .seed = 1,
    .split = STVA_SPLIT_TRAIN,
  };
  stva_engine_audit_async (&o, stva_window_job_progress, window, c, audit_cb,
                           g_object_ref (window));
  return TRUE;
}

/* ---- import --------------------------------------------------------------------------------- */

typedef struct
{
  StvaWindow *window;      /* owned */
  char       *project;
  gboolean    open_after;
  gboolean    remove_on_failure;   /* a project made for this import */
} ImportRun;

/* A project made for an import that failed holds nothing: it goes, with its WAL files. */
static void
remove_project (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

static void
import_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      data)
{
  ImportRun *run = data;
  StvaWindow *window = run->window;
  stva_window_end_job (window);
  g_autoptr (StvaImportResult) result = NULL;
  g_autoptr (GError) error = NULL;
  if (!stva_engine_import_finish (res, &result, &error))
    {
      if (run->remove_on_failure)
        remove_project (run->project);
      toast_error (window, error);
    }
  else
    {
      g_autofree char *msg = g_strdup_printf (
        "Imported %d dialogues, %d utterances (%u warnings)", result->n_dialogues,
        result->n_utterances, result->warnings != NULL ? result->warnings->len : 0);
      say (window, msg);
      if (run->open_after)
        stva_window_open (window, run->project, NULL);
      else
        reload (window);
    }
  g_object_unref (run->window);
  g_free (run->project);
  g_free (run);
}

gboolean
stva_job_runner_import (StvaWindow              *window,
                        const StvaImportOptions *options,
                        gboolean                 open_after,
                        gboolean                 remove_on_failure)
{
  g_return_val_if_fail (options->project != NULL && options->path != NULL, FALSE);
  GCancellable *c = stva_window_begin_job (window, "Importing");
  if (c == NULL)
    return FALSE;
  ImportRun *run = g_new0 (ImportRun, 1);
  run->window = g_object_ref (window);
  run->project = g_strdup (options->project);
  run->open_after = open_after;
  run->remove_on_failure = remove_on_failure;
  stva_engine_import_async (options, stva_window_job_progress, window, c, import_cb, run);
  return TRUE;
}

/* ---- a folder of videos with their subtitles ------------------------------------------------ */

static const char *const video_exts[] = { ".mp4", ".mkv", ".webm", ".avi", ".mov", NULL };

/* (transfer full) The folder's videos that have subtitles of the same name beside them, in
 * name order, as pairs: video, subtitles, video, ... */
GPtrArray *
stva_job_runner_subtitled_videos (const char  *folder,
                                  GError     **error)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, error);
  if (dir == NULL)
    return NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    g_ptr_array_add (names, g_strdup (name));
  /* in name order (a few hundred files at most) */
  for (guint i = 0; i < names->len; i++)
    for (guint j = i + 1; j < names->len; j++)
      if (g_strcmp0 (names->pdata[j], names->pdata[i]) < 0)
        {
          gpointer t = names->pdata[i];
          names->pdata[i] = names->pdata[j];
          names->pdata[j] = t;
        }
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const char *dot = strrchr (name, '.');
      gboolean video = FALSE;
      for (const char *const *e = video_exts; dot != NULL && *e != NULL; e++)
        video |= g_ascii_strcasecmp (dot, *e) == 0;
      if (!video)
        continue;
      g_autofree char *stem = g_strndup (name, (gsize) (dot - name));
      const char *subs[] = { ".srt", ".vtt" };
      for (guint s = 0; s < G_N_ELEMENTS (subs); s++)
        {
          g_autofree char *sub_name = g_strconcat (stem, subs[s], NULL);
          char *sub = g_build_filename (folder, sub_name, NULL);
          if (g_file_test (sub, G_FILE_TEST_IS_REGULAR))
            {
              g_ptr_array_add (pairs, g_build_filename (folder, name, NULL));
              g_ptr_array_add (pairs, sub);
              break;
            }
          g_free (sub);
        }
    }
  return pairs;
}

typedef struct
{
  char *project;
  char *folder;
  char *split;
} MediaData;

static void
media_data_free (gpointer p)
{
  MediaData *d = p;
  g_free (d->project);
  g_free (d->folder);
  g_free (d->split);
  g_free (d);
}

/* Each video with its subtitles is one import (one transaction): a cancel keeps the videos
 * imported before it, whole.  result: (gint64[3]) videos, dialogues, utterances. */
static gboolean
media_thread (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  MediaData *d = data;
  g_autoptr (GPtrArray) pairs = stva_job_runner_subtitled_videos (d->folder, error);
  if (pairs == NULL)
    return FALSE;
  guint n = pairs->len / 2;
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: no video with subtitles of the same name beside it (.srt, .vtt)",
                   d->folder);
      return FALSE;
    }
  gint64 *counts = g_new0 (gint64, 3);
  stva_job_stage (job, "importing", "videos", n);
  for (guint i = 0; i < n; i++)
    {
      if (stva_job_is_cancelled (job))
        {
          stva_job_set_cancelled (job, i, n, "videos", error);
          g_free (counts);
          return FALSE;
        }
      const char *video = pairs->pdata[2 * i], *sub = pairs->pdata[2 * i + 1];
      StvaImportOptions o = {
        .project = d->project,
        .kind = g_str_has_suffix (sub, ".vtt") ? STVA_IMPORT_VTT : STVA_IMPORT_SRT,
        .path = sub,
        .video = video,
        .split = d->split,
      };
      g_autoptr (StvaImportResult) r = NULL;
      if (!stva_engine_import (NULL, &o, &r, error))
        {
          if (i > 0)
            stva_job_set_kept (job, STVA_JOB_KEPT_DIALOGUES, i);
          g_free (counts);
          return FALSE;
        }
      counts[0]++;
      counts[1] += r->n_dialogues;
      counts[2] += r->n_utterances;
      stva_job_progress (job, i + 1);
    }
  *result = counts;
  return TRUE;
}

static void
media_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      data)
{
  ImportRun *run = data;
  StvaWindow *window = run->window;
  stva_window_end_job (window);
  g_autoptr (GError) error = NULL;
  StvaJobKept kept = STVA_JOB_KEPT_NOTHING;
  g_autofree gint64 *counts = stva_job_run_finish (res, &kept, NULL, &error);
  if (counts == NULL && kept == STVA_JOB_KEPT_NOTHING && run->remove_on_failure)
    remove_project (run->project);
  else if (run->open_after)
    stva_window_open (window, run->project, NULL);
  else
    reload (window);
  if (counts == NULL)
    toast_error (window, error);
  else
    {
      g_autofree char *msg = g_strdup_printf (
        "Imported %" G_GINT64_FORMAT " videos: %" G_GINT64_FORMAT " dialogues, %"
        G_GINT64_FORMAT " utterances", counts[0], counts[1], counts[2]);
      say (window, msg);
    }
  g_object_unref (run->window);
  g_free (run->project);
  g_free (run);
}

gboolean
stva_job_runner_import_videos (StvaWindow *window,
                               const char *project,
                               const char *folder,
                               const char *split,
                               gboolean    open_after,
                               gboolean    remove_on_failure)
{
  g_return_val_if_fail (project != NULL && folder != NULL, FALSE);
  GCancellable *c = stva_window_begin_job (window, "Importing the videos");
  if (c == NULL)
    return FALSE;
  ImportRun *run = g_new0 (ImportRun, 1);
  run->window = g_object_ref (window);
  run->project = g_strdup (project);
  run->open_after = open_after;
  run->remove_on_failure = remove_on_failure;
  MediaData *d = g_new0 (MediaData, 1);
  d->project = g_strdup (project);
  d->folder = g_strdup (folder);
  d->split = g_strdup (split);
  stva_job_run_async (media_thread, d, media_data_free, g_free, stva_window_job_progress,
                      window, c, media_cb, run);
  return TRUE;
}

/* ---- export --------------------------------------------------------------------------------- */

const char *
stva_job_runner_export_extension (StvaExportKind kind)
{
  switch (kind)
    {
    case STVA_EXPORT_SRT: return "srt";
    case STVA_EXPORT_VTT: return "vtt";
    case STVA_EXPORT_EAF: return "eaf";
    case STVA_EXPORT_TEXTGRID: return "TextGrid";
    case STVA_EXPORT_CSV: return "csv";
    case STVA_EXPORT_JSONL: return "jsonl";
    case STVA_EXPORT_NPZ: return "npz";
    case STVA_EXPORT_MELD:
    case STVA_N_EXPORT_KINDS:
    default: return "";
    }
}

typedef struct
{
  char           *project;
  char           *label_set;
  char           *out;
  StvaExportKind  kind;
  gint64          model_id;
  gint64          dialogue_id;
  gboolean        every_dialogue;
} ExportData;

static void
export_data_free (gpointer p)
{
  ExportData *d = p;
  g_free (d->project);
  g_free (d->label_set);
  g_free (d->out);
  g_free (d);
}

/* A file name from a dialogue's split and name: letters, digits, '-', '_' and '.' kept. */
static char *
dialogue_file_name (const StvaDbDialogue *dia,
                    const char           *ext)
{
  g_autofree char *stem = g_strdup_printf ("%s-%s", dia->split, dia->name);
  for (char *c = stem; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      *c = '_';
  return g_strdup_printf ("%s.%s", stem, ext);
}

/* result: the number of files written (as a pointer-sized integer + 1, never NULL). */
static gboolean
export_thread (StvaJob   *job,
               gpointer   data,
               gpointer  *result,
               GError   **error)
{
  ExportData *d = data;
  StvaExportOptions o = { .project = d->project, .kind = d->kind, .out = d->out,
                          .label_set = d->label_set, .model_id = d->model_id,
                          .dialogue_id = d->dialogue_id };
  if (!d->every_dialogue || !stva_export_kind_is_dialogue (d->kind))
    {
      stva_job_stage (job, "exporting", "files", 1);
      if (!stva_engine_export (job, &o, NULL, error))
        return FALSE;
      stva_job_progress (job, 1);
      *result = GSIZE_TO_POINTER (2);
      return TRUE;
    }
  /* every dialogue into the folder: one file each */
  if (g_mkdir_with_parents (d->out, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot make the folder: %s", d->out, g_strerror (saved));
      return FALSE;
    }
  g_autoptr (GPtrArray) dialogues = NULL;
  {
    g_autoptr (StvaDb) db = stva_db_open (d->project, STVA_DB_OPEN_EXISTING, error);
    if (db == NULL)
      return FALSE;
    g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, d->label_set, error);
    if (set == NULL || (dialogues = stva_db_dialogues (db, set->id, error)) == NULL)
      return FALSE;
  }
  stva_job_stage (job, "exporting", "dialogues", dialogues->len);
  for (guint i = 0; i < dialogues->len; i++)
    {
      if (stva_job_is_cancelled (job))
        {
          stva_job_set_cancelled (job, i, dialogues->len, "files written", error);
          return FALSE;
        }
      const StvaDbDialogue *dia = g_ptr_array_index (dialogues, i);
      g_autofree char *name = dialogue_file_name (dia, stva_job_runner_export_extension (d->kind));
      g_autofree char *out = g_build_filename (d->out, name, NULL);
      o.out = out;
      o.dialogue_id = dia->id;
      if (!stva_engine_export (NULL, &o, NULL, error))
        return FALSE;
      stva_job_progress (job, i + 1);
    }
  *result = GSIZE_TO_POINTER ((gsize) dialogues->len + 1);
  return TRUE;
}

typedef struct
{
  StvaWindow *window;     /* owned */
  char       *out;
} ExportRun;

static void
export_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      data)
{
  ExportRun *run = data;
  stva_window_end_job (run->window);
  g_autoptr (GError) error = NULL;
  gpointer n = stva_job_run_finish (res, NULL, NULL, &error);
  if (n == NULL)
    toast_error (run->window, error);
  else
    {
      g_autofree char *msg = g_strdup_printf ("Exported %zu file%s to %s",
                                              GPOINTER_TO_SIZE (n) - 1,
                                              GPOINTER_TO_SIZE (n) == 2 ? "" : "s", run->out);
      say (run->window, msg);
    }
  g_object_unref (run->window);
  g_free (run->out);
  g_free (run);
}

gboolean
stva_job_runner_export (StvaWindow              *window,
                        const StvaExportOptions *options,
                        gboolean                 every_dialogue)
{
  g_return_val_if_fail (options->project != NULL && options->out != NULL, FALSE);
  GCancellable *c = stva_window_begin_job (window, "Exporting");
  if (c == NULL)
    return FALSE;
  ExportData *d = g_new0 (ExportData, 1);
  d->project = g_strdup (options->project);
  d->label_set = g_strdup (options->label_set);
  d->out = g_strdup (options->out);
  d->kind = options->kind;
  d->model_id = options->model_id;
  d->dialogue_id = options->dialogue_id;
  d->every_dialogue = every_dialogue;
  ExportRun *run = g_new0 (ExportRun, 1);
  run->window = g_object_ref (window);
  run->out = g_strdup (options->out);
  stva_job_run_async (export_thread, d, export_data_free, NULL, stva_window_job_progress,
                      window, c, export_cb, run);
  return TRUE;
}

/* ---- projects ------------------------------------------------------------------------------- */

void
stva_job_runner_add_recent (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) "application/x-synctva-project",
    .app_name = (char *) "synctva-studio",
    .app_exec = (char *) "synctva-studio %f",
  };
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
fill_recent (GtkRecentManager *manager,
             gpointer          data)
{
  GMenu *section = data;
  g_menu_remove_all (section);
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr (GPtrArray) mine = g_ptr_array_new ();
  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, "synctva-studio")
        && gtk_recent_info_exists (l->data))
      g_ptr_array_add (mine, l->data);
  /* newest first */
  for (guint i = 0; i < mine->len; i++)
    for (guint j = i + 1; j < mine->len; j++)
      {
        GtkRecentInfo *a = g_ptr_array_index (mine, i), *b = g_ptr_array_index (mine, j);
        if (g_date_time_compare (gtk_recent_info_get_modified (b),
                                 gtk_recent_info_get_modified (a)) > 0)
          {
            mine->pdata[i] = b;
            mine->pdata[j] = a;
          }
      }
  for (guint i = 0; i < mine->len && i < 8; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (mine, i);
      g_autoptr (GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
      g_autofree char *path = g_file_get_path (file);
      if (path == NULL)
        continue;
      g_autofree char *base = g_path_get_basename (path);
      g_autoptr (GMenuItem) item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target_value (item, "app.open-recent",
                                               g_variant_new_string (path));
      g_menu_append_item (section, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

void
stva_job_runner_track_recent (GMenu *section)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  g_signal_connect_object (manager, "changed", G_CALLBACK (fill_recent), section, 0);
  fill_recent (manager, section);
}

gboolean
stva_job_runner_create_project (StvaWindow  *window,
                                const char  *path,
                                GError     **error)
{
  StvaInitOptions init = { .project = path };
  if (!stva_engine_init (NULL, &init, NULL, error))
    return FALSE;
  return stva_window_open_project (window, path, NULL, error);
}

static void
on_new_response (GtkNativeDialog *chooser,
                 int              response,
                 gpointer         data)
{
  StvaWindow *window = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *chosen = file != NULL ? g_file_get_path (file) : NULL;
      g_autofree char *path = chosen == NULL || g_str_has_suffix (chosen, ".stva")
                              ? g_strdup (chosen) : g_strconcat (chosen, ".stva", NULL);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !stva_job_runner_create_project (window, path, &error))
        toast_error (window, error);
      else if (path != NULL)
        stva_window_toast (window, "A new project: import a corpus or media into it (Ctrl+I)");
    }
  g_object_unref (chooser);
  g_object_unref (window);
}

void
stva_job_runner_new_project (StvaWindow *window)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    "New project", GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_SAVE, "_Create", "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "project.stva");
  g_signal_connect (chooser, "response", G_CALLBACK (on_new_response), g_object_ref (window));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- drag and drop ------------------------------------------------------------------------- */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         gpointer       data)
{
  StvaWindow *window = data;
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  g_autofree char *path = g_file_get_path (files->data);
  g_slist_free (files);
  if (path == NULL)
    return FALSE;
  if (g_str_has_suffix (path, ".stva"))
    stva_window_open (window, path, NULL);
  else
    gtk_window_present (GTK_WINDOW (stva_import_dialog_new (window, path)));
  return TRUE;
}

void
stva_job_runner_install_drop (StvaWindow *window)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), window);
  gtk_widget_add_controller (GTK_WIDGET (window), GTK_EVENT_CONTROLLER (target));
}
