/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fully connected layer (see stva-linear.h).  The forward product goes through cblas_sgemm, or
 * for few rows through stva-gemm-small.c (which reads w without copying it); the backward's
 * through cblas_sgemm.  The bias gradient, a sum over utterances, is accumulated in double a
 * block of channels at a time so the kernel needs no scratch buffer.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "stva-gemm-small.h"
#include "stva-linear.h"

#define BLOCK 64   /* channels summed at once in a stack array of doubles */

/* db (n_out) += Σ_t dy[t, :], dy (T, n_out) */
static void
sum_rows (float       *db,
          const float *dy,
          size_t       T,
          size_t       n_out)
{
  for (size_t o0 = 0; o0 < n_out; o0 += BLOCK)
    {
      size_t n = n_out - o0 < BLOCK ? n_out - o0 : BLOCK;
      double acc[BLOCK] = { 0 };
      for (size_t t = 0; t < T; t++)
        {
          const float *row = dy + t * n_out + o0;
          for (size_t i = 0; i < n; i++)
            acc[i] += row[i];
        }
      for (size_t i = 0; i < n; i++)
        db[o0 + i] += (float) acc[i];
    }
}

void
stva_linear_forward_ld (float       *y,   /* (T, n_out), rows ldy apart */
                        size_t       ldy,
                        const float *x,   /* (T, n_in) */
                        const float *w,   /* (n_out, n_in) */
                        const float *b,   /* (n_out) or NULL */
                        size_t       T,
                        size_t       n_in,
                        size_t       n_out)
{
  assert (y != NULL && x != NULL && w != NULL && ldy >= n_out);
  if (T == 0 || n_out == 0)
    return;
  if (T <= STVA_GEMM_SMALL_MAX_T && n_in > 0 && stva_gemm_small_fast ())
    {
      stva_gemm_small_xwt (y, ldy, x, w, b, T, n_in, n_out, false);
      return;
    }
  for (size_t t = 0; t < T; t++)
    if (b != NULL)
      memcpy (y + t * ldy, b, n_out * sizeof (float));
    else if (n_in == 0)
      memset (y + t * ldy, 0, n_out * sizeof (float));
  if (n_in == 0)
    return;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) T, (int) n_out, (int) n_in,
               1.0f, x, (int) n_in, w, (int) n_in, b != NULL ? 1.0f : 0.0f, y, (int) ldy);
}

void
stva_linear_forward (float       *y,   /* (T, n_out) */
                     const float *x,   /* (T, n_in) */
                     const float *w,   /* (n_out, n_in) */
                     const float *b,   /* (n_out) or NULL */
                     size_t       T,
                     size_t       n_in,
                     size_t       n_out)
{
  stva_linear_forward_ld (y, n_out, x, w, b, T, n_in, n_out);
}

void
stva_linear_backward (float       *dx,   /* (T, n_in) or NULL, += */
                      float       *dw,   /* (n_out, n_in), += */
                      float       *db,   /* (n_out) or NULL, += */
                      const float *dy,   /* (T, n_out) */
                      const float *x,    /* (T, n_in) */
                      const float *w,    /* (n_out, n_in) */
                      size_t       T,
                      size_t       n_in,
                      size_t       n_out)
{
  assert (dw != NULL && dy != NULL && x != NULL && w != NULL);
  if (T == 0 || n_out == 0)
    return;
  if (n_in > 0)
    {
      if (dx != NULL)   /* dx (T, n_in) += dy (T, n_out) · w (n_out, n_in) */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) T, (int) n_in,
                     (int) n_out, 1.0f, dy, (int) n_out, w, (int) n_in, 1.0f, dx, (int) n_in);
      /* dw (n_out, n_in) += dyᵀ (n_out, T) · x (T, n_in) */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n_out, (int) n_in, (int) T,
                   1.0f, dy, (int) n_out, x, (int) n_in, 1.0f, dw, (int) n_in);
    }
  if (db != NULL)
    sum_rows (db, dy, T, n_out);
}

void
stva_linear_init (float   *w,   /* (n_out, n_in) */
                  float   *b,   /* (n_out) or NULL */
                  size_t   n_in,
                  size_t   n_out,
                  StvaRng *rng)
{
  assert (w != NULL && rng != NULL && n_in > 0);
  double bound = 1.0 / sqrt ((double) n_in);
  for (size_t i = 0; i < n_out * n_in; i++)
    w[i] = (float) ((2.0 * stva_rng_uniform (rng) - 1.0) * bound);
  if (b != NULL)
    for (size_t o = 0; o < n_out; o++)
      b[o] = (float) ((2.0 * stva_rng_uniform (rng) - 1.0) * bound);
}
