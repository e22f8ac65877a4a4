/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every engine job shares: one progress type, one cancel (a GCancellable), and one way to
 * run a job on a worker thread for the studio.
 *
 * A job is a function `gboolean stva_engine_X (StvaJob *job, const Options *, Result *,
 * GError **)` that runs synchronously on the caller's thread, opens its own database
 * connection (a job's options name the project by path), reports progress through job and
 * polls its cancellable between units of work (an utterance, a dialogue, an optimiser step).
 * job may be NULL: no progress, no cancel.
 *
 * Cancelling.  A cancelled job fails with G_IO_ERROR_CANCELLED, and its message says what it
 * left: "cancelled: nothing was written" when the project is as it was before the job, or
 * "cancelled: N of M dialogues stored" when whole dialogues were committed (never part of
 * one).  stva_job_kept () records which, so a caller can show it without parsing the text.
 *
 * Threads.  A StvaJob belongs to the thread running the job; its progress function is called
 * on that thread.  stva_job_run_async () runs a job on a GTask thread and delivers its
 * progress, coalesced, on the main context that was the thread default when it was called.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *stage;      /* what is being done now: "extracting", "training", ... */
  const char *unit;       /* what done and total count: "utterances", "epochs", ... */
  gint64      done;       /* 0 .. total */
  gint64      total;      /* 0: not known yet */
  double      rate;       /* units per second since the stage began; 0 before the first */
  double      elapsed_s;  /* since the stage began */
  double      eta_s;      /* seconds left at that rate; < 0: not known */
  const char *detail;     /* nullable: the latest line worth showing (an epoch's scores) */
} StvaJobProgress;

typedef void (*StvaJobProgressFunc) (const StvaJobProgress *progress, gpointer user_data);

typedef enum
{
  STVA_JOB_KEPT_ALL = 0,        /* the job finished: everything it did is stored */
  STVA_JOB_KEPT_NOTHING = 1,    /* cancelled or failed, the project as it was */
  STVA_JOB_KEPT_DIALOGUES = 2,  /* cancelled or failed with whole dialogues stored */
} StvaJobKept;

typedef struct _StvaJob StvaJob;

/* (transfer full) A job context; progress and cancellable may be NULL. */
StvaJob      *stva_job_new         (StvaJobProgressFunc progress, gpointer user_data,
                                    GCancellable *cancellable);
void          stva_job_free        (StvaJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaJob, stva_job_free)

/* (nullable) (transfer none) */
GCancellable *stva_job_cancellable (StvaJob *job);

/* Starts a stage: done goes back to 0 and the rate's clock restarts; reports once. */
void          stva_job_stage       (StvaJob *job, const char *stage, const char *unit,
                                    gint64 total);
/* Reports done of the stage's total (rate and ETA computed here).  Calls are cheap: the
 * progress function is called at most every 50 ms, and always when done reaches total. */
void          stva_job_progress    (StvaJob *job, gint64 done);
/* Reports a line worth showing (copied), with the current counts, at once. */
void          stva_job_detail      (StvaJob *job, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* TRUE when the job has been cancelled. */
gboolean      stva_job_is_cancelled (StvaJob *job);
/* TRUE when cancelled, with error set to G_IO_ERROR_CANCELLED "cancelled: nothing was
 * written"; the job then returns FALSE.  For points where nothing has been committed. */
gboolean      stva_job_check_cancelled (StvaJob *job, GError **error);
/* Sets error to G_IO_ERROR_CANCELLED naming what was kept ("cancelled: 12 of 40 dialogues
 * stored", or "nothing was written" when n_kept is 0) and records it (stva_job_kept ()). */
void          stva_job_set_cancelled (StvaJob *job, gint64 n_kept, gint64 n_total,
                                      const char *unit, GError **error);
/* Records what a job that ends leaves in the project. */
void          stva_job_set_kept    (StvaJob *job, StvaJobKept kept, gint64 n_kept);
StvaJobKept   stva_job_kept        (StvaJob *job, gint64 *n_kept);

/* ---- on a worker thread ------------------------------------------------------------------- */

/* A job in the generic shape: reads data, returns its result (transfer full) in *result. */
typedef gboolean (*StvaJobFunc) (StvaJob *job, gpointer data, gpointer *result,
                                 GError **error);

/* Runs func (job, data, &result, &error) on a GTask worker thread; progress (nullable) is
 * called on the calling thread's default main context with the latest report, coalesced;
 * callback gets the result through stva_job_run_finish ().  data is freed with data_free
 * after the job, the result with result_free if nobody takes it. */
void     stva_job_run_async  (StvaJobFunc func, gpointer data, GDestroyNotify data_free,
                              GDestroyNotify result_free, StvaJobProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full) The job's result, or NULL with error set; kept (nullable) receives what the
 * job left in the project and n_kept (nullable) how many units. */
gpointer stva_job_run_finish (GAsyncResult *result, StvaJobKept *kept, gint64 *n_kept,
                              GError **error);

G_END_DECLS
