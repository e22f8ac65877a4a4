/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The two-thread runner of stva-duo.h.
 *
 * Hand-over: the caller publishes fn/arg, then increments `posted` (seq_cst).  Part 1 of job j
 * goes to whichever thread first moves `claimed` from j - 1 to j: the helper when it sees posted
 * move, or the caller once its own half is done.  The helper runs a part it claimed and stores
 * j in `finished` (release); a caller that lost the claim polls `finished` (acquire).  So a
 * helper that is asleep, or not scheduled because the machine is busy, costs the caller only
 * the other half's work, not a spin for a whole time slice (one dialogue with two busy
 * processes on the machine: 31.9 ms when the caller could only wait, 13.4 ms so; 5 ms idle).
 * A caller that waits on a running part spins STVA_DUO_WAIT_SPIN_US, then yields the CPU
 * between polls.
 * Jobs are sequential (the caller posts j + 1 only after part 1 of j is done), so when the
 * helper wins the claim fn/arg are those of j; a helper that lost it never reads them.
 * Sleeping without a lost wake-up: the helper sets `sleeping` and re-reads `posted` while
 * holding the mutex before it waits; the caller, after its increment, reads `sleeping` and if
 * set signals under the mutex.  Both are seq_cst, so either the helper sees the new job or the
 * caller sees it asleep (and cannot signal before it waits: the helper holds the mutex until
 * cond_wait).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "stva-duo.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define relax() _mm_pause ()
#else
#define relax() ((void) 0)
#endif

struct StvaDuo
{
  pthread_t        thread;
  pthread_mutex_t  mutex;
  pthread_cond_t   cond;
  StvaDuoFunc      fn;         /* written by the caller before `posted` moves */
  void            *arg;
  atomic_uint      posted;     /* jobs posted */
  atomic_uint      claimed;    /* the last job whose part 1 a thread took */
  atomic_uint      finished;   /* the last job whose part 1 the helper finished */
  atomic_bool      sleeping;
  atomic_bool      quit;
};

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec * 1e-3;
}

static void *
helper_main (void *data)
{
  StvaDuo *duo = data;
  unsigned last = 0;
  for (;;)
    {
      /* poll for a while, checking the clock every 256 rounds */
      double until = now_us () + STVA_DUO_SPIN_US;
      unsigned spins = 0;
      while (atomic_load (&duo->posted) == last && !atomic_load (&duo->quit))
        {
          relax ();
          if (++spins % 256 == 0 && now_us () > until)
            break;
        }
      if (atomic_load (&duo->posted) == last && !atomic_load (&duo->quit))
        {
          pthread_mutex_lock (&duo->mutex);
          atomic_store (&duo->sleeping, true);
          while (atomic_load (&duo->posted) == last && !atomic_load (&duo->quit))
            pthread_cond_wait (&duo->cond, &duo->mutex);
          atomic_store (&duo->sleeping, false);
          pthread_mutex_unlock (&duo->mutex);
        }
      if (atomic_load (&duo->quit))
        return NULL;
      last = atomic_load (&duo->posted);
      unsigned expect = last - 1;
      if (!atomic_compare_exchange_strong (&duo->claimed, &expect, last))
        continue;   /* the caller ran it */
      duo->fn (duo->arg, 1);
      atomic_store_explicit (&duo->finished, last, memory_order_release);
    }
}

StvaDuo *
stva_duo_new (void)
{
  StvaDuo *duo = calloc (1, sizeof *duo);
  if (duo == NULL)
    return NULL;
  atomic_init (&duo->posted, 0);
  atomic_init (&duo->claimed, 0);
  atomic_init (&duo->finished, 0);
  atomic_init (&duo->sleeping, false);
  atomic_init (&duo->quit, false);
  if (pthread_mutex_init (&duo->mutex, NULL) != 0)
    {
      free (duo);
      return NULL;
    }
  if (pthread_cond_init (&duo->cond, NULL) != 0)
    {
      pthread_mutex_destroy (&duo->mutex);
      free (duo);
      return NULL;
    }
  if (pthread_create (&duo->thread, NULL, helper_main, duo) != 0)
    {
      pthread_cond_destroy (&duo->cond);
      pthread_mutex_destroy (&duo->mutex);
      free (duo);
      return NULL;
    }
  return duo;
}

static void
wake (StvaDuo *duo)
{
  if (atomic_load (&duo->sleeping))
    {
      pthread_mutex_lock (&duo->mutex);
      pthread_cond_signal (&duo->cond);
      pthread_mutex_unlock (&duo->mutex);
    }
}

void
stva_duo_run (StvaDuo     *duo,
              StvaDuoFunc  fn,
              void        *arg)
{
  duo->fn = fn;
  duo->arg = arg;
  unsigned job = atomic_fetch_add (&duo->posted, 1) + 1;
  wake (duo);
  fn (arg, 0);
  unsigned expect = job - 1;
  if (atomic_compare_exchange_strong (&duo->claimed, &expect, job))
    {
      fn (arg, 1);   /* the helper had not started it */
      return;
    }
  double until = 0.0;
  for (unsigned spins = 1; atomic_load_explicit (&duo->finished, memory_order_acquire) != job;
       spins++)
    {
      if (spins % 64 != 0)
        relax ();
      else if (until == 0.0)
        until = now_us () + STVA_DUO_WAIT_SPIN_US;
      else if (now_us () > until)
        sched_yield ();   /* the helper may be waiting for this CPU */
    }
}

void
stva_duo_free (StvaDuo *duo)
{
  if (duo == NULL)
    return;
  atomic_store (&duo->quit, true);
  pthread_mutex_lock (&duo->mutex);
  pthread_cond_signal (&duo->cond);
  pthread_mutex_unlock (&duo->mutex);
  pthread_join (duo->thread, NULL);
  pthread_cond_destroy (&duo->cond);
  pthread_mutex_destroy (&duo->mutex);
  free (duo);
}
