/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The job context every engine job reports through (progress, cancel, what was kept), and the
 * GTask runner the studio uses to run a job off the main loop (see stva-job.h).
 */
#include "config.h"

#include <stdarg.h>

#include "stva-job.h"

#define REPORT_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)

struct _StvaJob
{
  StvaJobProgressFunc func;         /* nullable */
  gpointer            user_data;
  GCancellable       *cancellable;  /* owned, nullable */
  char               *stage;        /* owned */
  char               *unit;         /* owned */
  char               *detail;       /* owned, nullable */
  gint64              done;
  gint64              total;
  gint64              stage_start_us;
  gint64              last_report_us;
  StvaJobKept         kept;
  gint64              n_kept;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void
report (StvaJob *job,
        gint64   now_us)
{
  job->last_report_us = now_us;
  if (job->func == NULL)
    return;
  double elapsed_s = (double) (now_us - job->stage_start_us) / G_USEC_PER_SEC;
  double rate = elapsed_s > 0.0 && job->done > 0 ? (double) job->done / elapsed_s : 0.0;
  StvaJobProgress p = {
    .stage = job->stage != NULL ? job->stage : "",
    .unit = job->unit != NULL ? job->unit : "",
    .done = job->done,
    .total = job->total,
    .rate = rate,
    .elapsed_s = elapsed_s,
    .eta_s = rate > 0.0 && job->total > 0 ? (double) (job->total - job->done) / rate : -1.0,
    .detail = job->detail,
  };
  job->func (&p, job->user_data);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaJob *
stva_job_new (StvaJobProgressFunc progress,
              gpointer            user_data,
              GCancellable       *cancellable)
{
  StvaJob *job = g_new0 (StvaJob, 1);
  job->func = progress;
  job->user_data = user_data;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->stage_start_us = g_get_monotonic_time ();
  job->kept = STVA_JOB_KEPT_ALL;
  return job;
}

void
stva_job_free (StvaJob *job)
{
  if (job == NULL)
    return;
  g_clear_object (&job->cancellable);
  g_free (job->stage);
  g_free (job->unit);
  g_free (job->detail);
  g_free (job);
}

GCancellable *
stva_job_cancellable (StvaJob *job)
{
  return job != NULL ? job->cancellable : NULL;
}

void
stva_job_stage (StvaJob    *job,
                const char *stage,
                const char *unit,
                gint64      total)
{
  if (job == NULL)
    return;
  g_free (job->stage);
  g_free (job->unit);
  job->stage = g_strdup (stage);
  job->unit = g_strdup (unit);
  g_clear_pointer (&job->detail, g_free);
  job->done = 0;
  job->total = MAX (total, 0);
  job->stage_start_us = g_get_monotonic_time ();
  report (job, job->stage_start_us);
}

void
stva_job_progress (StvaJob *job,
                   gint64   done)
{
  if (job == NULL)
    return;
  job->done = done;
  gint64 now_us = g_get_monotonic_time ();
  if ((job->total > 0 && done >= job->total) || now_us - job->last_report_us >= REPORT_INTERVAL_US)
    report (job, now_us);
}

void
stva_job_detail (StvaJob    *job,
                 const char *format,
                 ...)
{
  if (job == NULL)
    return;
  va_list ap;
  va_start (ap, format);
  g_free (job->detail);
  job->detail = g_strdup_vprintf (format, ap);
  va_end (ap);
  report (job, g_get_monotonic_time ());
}

gboolean
stva_job_is_cancelled (StvaJob *job)
{
  return job != NULL && g_cancellable_is_cancelled (job->cancellable);
}

gboolean
stva_job_check_cancelled (StvaJob  *job,
                          GError  **error)
{
  if (!stva_job_is_cancelled (job))
    return FALSE;
  stva_job_set_cancelled (job, 0, 0, NULL, error);
  return TRUE;
}

void
stva_job_set_cancelled (StvaJob     *job,
                        gint64       n_kept,
                        gint64       n_total,
                        const char  *unit,
                        GError     **error)
{
  if (n_kept > 0)
    {
      stva_job_set_kept (job, STVA_JOB_KEPT_DIALOGUES, n_kept);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "cancelled: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " %s stored", n_kept,
                   n_total, unit != NULL ? unit : "dialogues");
    }
  else
    {
      stva_job_set_kept (job, STVA_JOB_KEPT_NOTHING, 0);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "cancelled: nothing was written");
    }
}

void
stva_job_set_kept (StvaJob     *job,
                   StvaJobKept  kept,
                   gint64       n_kept)
{
  if (job == NULL)
    return;
  job->kept = kept;
  job->n_kept = n_kept;
}

StvaJobKept
stva_job_kept (StvaJob *job,
               gint64  *n_kept)
{
  if (n_kept != NULL)
    *n_kept = job != NULL ? job->n_kept : 0;
  return job != NULL ? job->kept : STVA_JOB_KEPT_ALL;
}

/* ---- on a worker thread ------------------------------------------------------------------- */

/* What the worker and the main context share: the latest report, under lock. */
typedef struct
{
  gatomicrefcount      ref;
  GMutex               lock;
  GMainContext        *context;        /* owned: where progress is delivered */
  StvaJobProgressFunc  progress;       /* nullable */
  gpointer             progress_data;
  gboolean             pending;        /* an idle is queued */
  StvaJobProgress      latest;         /* strings below own its strings */
  char                *stage;
  char                *unit;
  char                *detail;
} Relay;

typedef struct
{
  StvaJobFunc     func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
  Relay          *relay;
  StvaJobKept     kept;
  gint64          n_kept;
} RunData;

static Relay *
relay_ref (Relay *r)
{
  g_atomic_ref_count_inc (&r->ref);
  return r;
}

static void
relay_unref (Relay *r)
{
  if (!g_atomic_ref_count_dec (&r->ref))
    return;
  g_main_context_unref (r->context);
  g_mutex_clear (&r->lock);
  g_free (r->stage);
  g_free (r->unit);
  g_free (r->detail);
  g_free (r);
}

static void
run_data_free (RunData *rd)
{
  if (rd->data_free != NULL && rd->data != NULL)
    rd->data_free (rd->data);
  relay_unref (rd->relay);
  g_free (rd);
}

static gboolean
deliver_progress (gpointer user_data)
{
  Relay *r = user_data;
  g_mutex_lock (&r->lock);
  StvaJobProgress p = r->latest;
  g_autofree char *stage = g_strdup (r->stage);
  g_autofree char *unit = g_strdup (r->unit);
  g_autofree char *detail = g_strdup (r->detail);
  r->pending = FALSE;
  g_mutex_unlock (&r->lock);
  p.stage = stage != NULL ? stage : "";
  p.unit = unit != NULL ? unit : "";
  p.detail = detail;
  r->progress (&p, r->progress_data);
  return G_SOURCE_REMOVE;
}

/* the worker's progress function: keep the latest report, queue one delivery */
static void
relay_progress (const StvaJobProgress *p,
                gpointer               user_data)
{
  Relay *r = user_data;
  g_mutex_lock (&r->lock);
  r->latest = *p;
  if (g_strcmp0 (r->stage, p->stage) != 0)
    {
      g_free (r->stage);
      r->stage = g_strdup (p->stage);
    }
  if (g_strcmp0 (r->unit, p->unit) != 0)
    {
      g_free (r->unit);
      r->unit = g_strdup (p->unit);
    }
  if (g_strcmp0 (r->detail, p->detail) != 0)
    {
      g_free (r->detail);
      r->detail = g_strdup (p->detail);
    }
  gboolean queue = !r->pending;
  r->pending = TRUE;
  g_mutex_unlock (&r->lock);
  if (queue)
    g_main_context_invoke_full (r->context, G_PRIORITY_DEFAULT_IDLE, deliver_progress,
                                relay_ref (r), (GDestroyNotify) relay_unref);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *rd = task_data;
  g_autoptr (StvaJob) job = stva_job_new (rd->relay->progress != NULL ? relay_progress : NULL,
                                          rd->relay, cancellable);
  gpointer result = NULL;
  GError *error = NULL;
  gboolean ok = rd->func (job, rd->data, &result, &error);
  rd->kept = stva_job_kept (job, &rd->n_kept);
  if (ok)
    g_task_return_pointer (task, result, rd->result_free);
  else
    {
      if (result != NULL && rd->result_free != NULL)
        rd->result_free (result);
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "the job failed");
      g_task_return_error (task, error);
    }
}

void
stva_job_run_async (StvaJobFunc          func,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    StvaJobProgressFunc  progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (func != NULL);
  Relay *r = g_new0 (Relay, 1);
  g_atomic_ref_count_init (&r->ref);
  g_mutex_init (&r->lock);
  r->context = g_main_context_ref_thread_default ();
  r->progress = progress;
  r->progress_data = progress_data;

  RunData *rd = g_new0 (RunData, 1);
  rd->func = func;
  rd->data = data;
  rd->data_free = data_free;
  rd->result_free = result_free;
  rd->relay = r;

  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, stva_job_run_async);
  /* a cancelled job still runs to its own end, so it can say what it kept */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, rd, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

gpointer
stva_job_run_finish (GAsyncResult  *result,
                     StvaJobKept   *kept,
                     gint64        *n_kept,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  GTask *task = G_TASK (result);
  RunData *rd = g_task_get_task_data (task);
  if (kept != NULL)
    *kept = rd->kept;
  if (n_kept != NULL)
    *n_kept = rd->n_kept;
  return g_task_propagate_pointer (task, error);
}
