/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The two-thread runner (core/model/stva-duo.c): every part of every job runs exactly once and
 * with its own argument, whichever thread takes part 1, through the helper's spinning, its
 * sleeping and wake-up, and the caller taking part 1 itself when the helper has not started it.
 * The forward's results through the duo are checked in test-model-forward.c (/model/forward/duo).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "stva-duo.h"
#include "stva-rng.h"

typedef struct
{
  int         id;
  atomic_int  runs[2];     /* how often each part ran */
  int         seen_id[2];  /* the job id each part read from its argument */
  pthread_t   part1_on;    /* the thread that ran part 1 */
  int         work_us[2];  /* how long each part busy-waits */
} Job;

static void
busy_us (int us)
{
  if (us <= 0)
    return;
  gint64 until = g_get_monotonic_time () + us;
  while (g_get_monotonic_time () < until)
    ;
}

static void
run_part (void *arg,
          int   part)
{
  Job *job = arg;
  g_assert_true (part == 0 || part == 1);
  job->seen_id[part] = job->id;
  if (part == 1)
    job->part1_on = pthread_self ();
  busy_us (job->work_us[part]);
  atomic_fetch_add (&job->runs[part], 1);
}

static void
test_exactly_once (void)
{
  enum { N = 20000 };
  Job *jobs = g_new0 (Job, N);
  StvaRng rng;
  stva_rng_init (&rng, 7);
  StvaDuo *duo = stva_duo_new ();
  g_assert_nonnull (duo);
  pthread_t me = pthread_self ();
  int on_caller = 0, on_helper = 0;
  for (int j = 0; j < N; j++)
    {
      Job *job = &jobs[j];
      job->id = j;
      atomic_init (&job->runs[0], 0);
      atomic_init (&job->runs[1], 0);
      /* mostly back to back (the helper spinning); every 50th job after a pause longer than
       * the helper's spin (it sleeps), with no work of the caller's own (the caller takes part 1
       * before the helper is awake); varied work otherwise */
      bool after_pause = j % 50 == 0;
      if (after_pause)
        g_usleep (STVA_DUO_SPIN_US + 100 + (gulong) (stva_rng_next (&rng) % 200));
      job->work_us[0] = after_pause ? 0 : (int) (stva_rng_next (&rng) % 20);
      job->work_us[1] = (int) (stva_rng_next (&rng) % 20);
      stva_duo_run (duo, run_part, job);
      /* when stva_duo_run returns, both parts are done: nothing may still be running */
      g_assert_cmpint (atomic_load (&job->runs[0]), ==, 1);
      g_assert_cmpint (atomic_load (&job->runs[1]), ==, 1);
      if (pthread_equal (job->part1_on, me))
        on_caller++;
      else
        on_helper++;
    }
  stva_duo_free (duo);
  for (int j = 0; j < N; j++)   /* and nothing ran again later */
    {
      g_assert_cmpint (atomic_load (&jobs[j].runs[0]), ==, 1);
      g_assert_cmpint (atomic_load (&jobs[j].runs[1]), ==, 1);
      g_assert_cmpint (jobs[j].seen_id[0], ==, j);
      g_assert_cmpint (jobs[j].seen_id[1], ==, j);
    }
  g_test_message ("part 1 ran on the helper %d times, on the caller %d times", on_helper,
                  on_caller);
  /* both ways were taken: 400 jobs posted to a sleeping helper with nothing for the caller to
   * do first, and 19,600 posted to a spinning one while the caller works up to 20 µs */
  g_assert_cmpint (on_caller, >, 0);
  g_assert_cmpint (on_helper, >, 0);
  g_free (jobs);
}

/* Freed right after it was made, and after one job: the helper quits whether it is spinning or
 * asleep. */
static void
test_free (void)
{
  for (int i = 0; i < 50; i++)
    {
      StvaDuo *duo = stva_duo_new ();
      g_assert_nonnull (duo);
      if (i % 2 == 1)
        {
          Job job = { .id = i };
          atomic_init (&job.runs[0], 0);
          atomic_init (&job.runs[1], 0);
          stva_duo_run (duo, run_part, &job);
          g_assert_cmpint (atomic_load (&job.runs[1]), ==, 1);
        }
      if (i % 5 == 0)
        g_usleep (STVA_DUO_SPIN_US + 100);
      stva_duo_free (duo);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/duo/exactly-once", test_exactly_once);
  g_test_add_func ("/model/duo/free", test_free);
  return g_test_run ();
}
