/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The job context (engine/stva-job.h): progress reaches its total with a rate, cancel is seen
 * and says what was kept, and a job run on a worker thread reports on the caller's main
 * context, in order, and delivers its result or its cancellation there.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "stva-engine.h"

typedef struct
{
  GPtrArray *stages;   /* of owned strings, one per report */
  gint64     last_done;
  gint64     last_total;
  double     last_rate;
  int        n_reports;
  gboolean   went_back;   /* done decreased within a stage */
  GThread   *thread;      /* where reports arrived */
} Seen;

static void
on_progress (const StvaJobProgress *p,
             gpointer               user_data)
{
  Seen *seen = user_data;
  const char *prev = seen->stages->len > 0 ? g_ptr_array_index (seen->stages,
                                                                seen->stages->len - 1) : NULL;
  if (g_strcmp0 (prev, p->stage) == 0 && p->done < seen->last_done)
    seen->went_back = TRUE;
  g_ptr_array_add (seen->stages, g_strdup (p->stage));
  seen->last_done = p->done;
  seen->last_total = p->total;
  seen->last_rate = p->rate;
  seen->n_reports++;
  seen->thread = g_thread_self ();
}

static void
seen_init (Seen *seen)
{
  memset (seen, 0, sizeof *seen);
  seen->stages = g_ptr_array_new_with_free_func (g_free);
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->stages);
}

static void
test_progress (void)
{
  Seen seen;
  seen_init (&seen);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  stva_job_stage (job, "counting", "items", 1000);
  for (int i = 1; i <= 1000; i++)
    stva_job_progress (job, i);
  g_assert_cmpint (seen.last_done, ==, 1000);
  g_assert_cmpint (seen.last_total, ==, 1000);
  g_assert_cmpfloat (seen.last_rate, >, 0.0);
  /* rate-limited: far fewer reports than calls, but the stage start and the end are there */
  g_assert_cmpint (seen.n_reports, <, 100);
  g_assert_cmpint (seen.n_reports, >=, 2);
  g_assert_false (seen.went_back);
  g_assert_false (stva_job_is_cancelled (job));
  g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_ALL);
  seen_clear (&seen);

  /* NULL is a job with no progress and no cancel */
  stva_job_stage (NULL, "x", "y", 3);
  stva_job_progress (NULL, 3);
  g_assert_false (stva_job_is_cancelled (NULL));
}

static void
test_cancel (void)
{
  g_autoptr (GCancellable) c = g_cancellable_new ();
  g_autoptr (StvaJob) job = stva_job_new (NULL, NULL, c);
  GError *error = NULL;
  g_assert_false (stva_job_check_cancelled (job, &error));
  g_assert_no_error (error);
  g_cancellable_cancel (c);
  g_assert_true (stva_job_check_cancelled (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "nothing was written"));
  g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_NOTHING);
  g_clear_error (&error);

  stva_job_set_cancelled (job, 12, 40, "dialogues", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "cancelled: 12 of 40 dialogues stored");
  gint64 n = 0;
  g_assert_cmpint (stva_job_kept (job, &n), ==, STVA_JOB_KEPT_DIALOGUES);
  g_assert_cmpint (n, ==, 12);
  g_clear_error (&error);
}

/* ---- on a worker thread ------------------------------------------------------------------- */

typedef struct
{
  int          n;           /* units to do */
  GMutex       lock;
  GCond        cond;
  int          reached;     /* the worker has done this many */
  int          cancel_at;   /* the main thread cancels when the worker reaches it (0: never) */
} Work;

static gboolean
counting_job (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  Work *w = data;
  stva_job_stage (job, "counting", "units", w->n);
  for (int i = 1; i <= w->n; i++)
    {
      if (stva_job_is_cancelled (job))
        {
          stva_job_set_cancelled (job, i - 1, w->n, "units", error);
          return FALSE;
        }
      g_usleep (200);
      stva_job_progress (job, i);
      g_mutex_lock (&w->lock);
      w->reached = i;
      g_cond_signal (&w->cond);
      /* wait at cancel_at until the main thread has cancelled */
      while (w->cancel_at != 0 && i == w->cancel_at
             && !stva_job_is_cancelled (job))
        g_cond_wait (&w->cond, &w->lock);
      g_mutex_unlock (&w->lock);
    }
  *result = g_strdup_printf ("%d", w->n);
  return TRUE;
}

typedef struct
{
  GMainLoop   *loop;
  char        *result;
  GError      *error;
  StvaJobKept  kept;
  gint64       n_kept;
} Done;

static void
run_cb (GObject      *source,
        GAsyncResult *res,
        gpointer      user_data)
{
  Done *d = user_data;
  d->result = stva_job_run_finish (res, &d->kept, &d->n_kept, &d->error);
  g_main_loop_quit (d->loop);
}

static void
test_async (void)
{
  Seen seen;
  seen_init (&seen);
  Work w = { .n = 500 };
  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  Done d = { .loop = g_main_loop_new (NULL, FALSE) };
  stva_job_run_async (counting_job, &w, NULL, g_free, on_progress, &seen, NULL, run_cb, &d);
  g_main_loop_run (d.loop);
  /* the last report may come after the result: let pending idles run */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_no_error (d.error);
  g_assert_cmpstr (d.result, ==, "500");
  g_assert_cmpint (d.kept, ==, STVA_JOB_KEPT_ALL);
  g_assert_true (seen.thread == g_thread_self ());
  g_assert_cmpint (seen.last_done, ==, 500);
  g_assert_cmpint (seen.last_total, ==, 500);
  g_assert_false (seen.went_back);
  g_free (d.result);
  g_main_loop_unref (d.loop);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  seen_clear (&seen);
}

static gboolean
cancel_when_reached (gpointer user_data)
{
  void **pair = user_data;
  Work *w = pair[0];
  GCancellable *c = pair[1];
  g_mutex_lock (&w->lock);
  gboolean there = w->reached >= w->cancel_at;
  if (there)
    {
      g_cancellable_cancel (c);
      g_cond_broadcast (&w->cond);
    }
  g_mutex_unlock (&w->lock);
  return there ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
test_async_cancel (void)
{
  g_autoptr (GCancellable) c = g_cancellable_new ();
  Work w = { .n = 500, .cancel_at = 37 };
  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  Done d = { .loop = g_main_loop_new (NULL, FALSE) };
  void *pair[2] = { &w, c };
  g_timeout_add (1, cancel_when_reached, pair);
  stva_job_run_async (counting_job, &w, NULL, g_free, NULL, NULL, c, run_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_null (d.result);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* the job's own message, not GTask's generic one */
  g_assert_cmpstr (d.error->message, ==, "cancelled: 37 of 500 units stored");
  g_assert_cmpint (d.kept, ==, STVA_JOB_KEPT_DIALOGUES);
  g_assert_cmpint (d.n_kept, ==, 37);
  g_clear_error (&d.error);
  g_main_loop_unref (d.loop);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/job/progress", test_progress);
  g_test_add_func ("/job/cancel", test_cancel);
  g_test_add_func ("/job/async", test_async);
  g_test_add_func ("/job/async-cancel", test_async_cancel);
  return g_test_run ();
}
