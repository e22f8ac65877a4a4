/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optimiser step of training split over threads (stva-train-private.h), and the thread
 * runner the training workers use too.
 *
 * Each thread owns a slice of the parameter block.  Sum: P->grads = the workers' gradients
 * added in worker order, the workers' blocks zeroed for the next batch and the squares of the
 * sum taken (four partial sums: one chain through the stack would wait on every add), all in
 * one pass over blocks of 16 KB that stay in L1.  Update: clipping folded into AdamW
 * (stva_adamw_step_scaled).  Element by element the sums run in worker order, so the result
 * depends on the thread count only through the norm's rounding.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stva-train-private.h"

void
_stva_run_on_threads (void  *(*fn) (void *),
                      void    *base,
                      size_t   size,
                      int      n)
{
  pthread_t threads[256];
  bool started[256] = { false };
  char *items = base;
  for (int t = 1; t < n; t++)
    started[t] = pthread_create (&threads[t], NULL, fn, items + (size_t) t * size) == 0;
  fn (items);
  for (int t = 1; t < n; t++)
    if (started[t])
      pthread_join (threads[t], NULL);
    else
      fn (items + (size_t) t * size);
}

typedef struct
{
  size_t                 lo, hi;      /* floats of the slice */
  int                    phase;       /* 1 sum, 2 update */
  float *const          *grads;       /* phase 1: the blocks to sum */
  int                    n_grads;
  StvaParams            *P;
  double                 ss;          /* out of phase 1 */
  float                  coef;        /* phase 2: clipping factor, 1 = none */
  float                 *m1, *m2;
  StvaParamRange        *ranges;      /* owned: the model's ranges cut to the slice */
  size_t                 n_ranges;
  const StvaAdamwConfig *adamw;
  float                  lr;
  uint64_t               step;
} Slice;

struct StvaOptStep
{
  int    n;
  Slice *slices;   /* owned (n) */
};

/* Σ x² in double, four partial sums */
static double
sum_squares (const float *x,
             size_t       n)
{
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    {
      a0 += (double) x[i] * x[i];
      a1 += (double) x[i + 1] * x[i + 1];
      a2 += (double) x[i + 2] * x[i + 2];
      a3 += (double) x[i + 3] * x[i + 3];
    }
  for (; i < n; i++)
    a0 += (double) x[i] * x[i];
  return (a0 + a1) + (a2 + a3);
}

static void *
slice_thread (void *data)
{
  Slice *s = data;
  float *g = s->P->grads;
  if (s->phase == 1)
    {
      double ss = 0.0;
      for (size_t i0 = s->lo; i0 < s->hi; i0 += 4096)
        {
          size_t i1 = s->hi - i0 < 4096 ? s->hi : i0 + 4096;
          memcpy (g + i0, s->grads[0] + i0, (i1 - i0) * sizeof (float));
          memset (s->grads[0] + i0, 0, (i1 - i0) * sizeof (float));
          for (int t = 1; t < s->n_grads; t++)
            {
              stva_add_into (g + i0, s->grads[t] + i0, i1 - i0);
              memset (s->grads[t] + i0, 0, (i1 - i0) * sizeof (float));
            }
          ss += sum_squares (g + i0, i1 - i0);
        }
      s->ss = ss;
      return NULL;
    }
  stva_adamw_step_scaled (s->P->values, s->m1, s->m2, g, s->coef, s->ranges, s->n_ranges,
                          s->adamw, s->lr, s->step);
  return NULL;
}

StvaOptStep *
_stva_opt_step_new (int                   n,
                    StvaParams           *P,
                    const StvaParamRange *ranges,
                    float                *m1,
                    float                *m2)
{
  StvaOptStep *o = calloc (1, sizeof *o);
  Slice *s = calloc ((size_t) n, sizeof (Slice));
  if (o == NULL || s == NULL)
    {
      free (o);
      free (s);
      return NULL;
    }
  o->n = n;
  o->slices = s;
  size_t nf = P->n_floats, nr = (size_t) P->n_tensors;
  for (int t = 0; t < n; t++)
    {
      s[t].lo = nf * (size_t) t / (size_t) n / 16 * 16;
      s[t].hi = t == n - 1 ? nf : nf * (size_t) (t + 1) / (size_t) n / 16 * 16;
      s[t].P = P;
      s[t].m1 = m1;
      s[t].m2 = m2;
      s[t].ranges = malloc ((nr > 0 ? nr : 1) * sizeof (StvaParamRange));
      if (s[t].ranges == NULL)
        {
          _stva_opt_step_free (o);
          return NULL;
        }
      for (size_t r = 0; r < nr; r++)   /* the model's ranges cut to the slice */
        {
          size_t a = ranges[r].offset, b = ranges[r].offset + ranges[r].n;
          a = a > s[t].lo ? a : s[t].lo;
          b = b < s[t].hi ? b : s[t].hi;
          if (a < b)
            s[t].ranges[s[t].n_ranges++] = (StvaParamRange) { .offset = a, .n = b - a,
                                                              .decay = ranges[r].decay };
        }
    }
  return o;
}

void
_stva_opt_step_free (StvaOptStep *o)
{
  if (o == NULL)
    return;
  for (int t = 0; t < o->n; t++)
    free (o->slices[t].ranges);
  free (o->slices);
  free (o);
}

double
_stva_opt_step_sum (StvaOptStep  *o,
                    float *const *grads,
                    int           n_grads)
{
  for (int t = 0; t < o->n; t++)
    {
      o->slices[t].phase = 1;
      o->slices[t].grads = grads;
      o->slices[t].n_grads = n_grads;
    }
  _stva_run_on_threads (slice_thread, o->slices, sizeof (Slice), o->n);
  double ss = 0.0;
  for (int t = 0; t < o->n; t++)
    ss += o->slices[t].ss;
  return ss;
}

void
_stva_opt_step_update (StvaOptStep           *o,
                       float                  coef,
                       const StvaAdamwConfig *adamw,
                       float                  lr,
                       uint64_t               step)
{
  for (int t = 0; t < o->n; t++)
    {
      o->slices[t].phase = 2;
      o->slices[t].coef = coef;
      o->slices[t].adamw = adamw;
      o->slices[t].lr = lr;
      o->slices[t].step = step;
    }
  _stva_run_on_threads (slice_thread, o->slices, sizeof (Slice), o->n);
}
