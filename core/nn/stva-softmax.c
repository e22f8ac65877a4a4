/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Row softmax (see stva-softmax.h): the row maximum is subtracted before exp, the normaliser
 * and the backward pass's row dot product are summed in double.  Unmasked rows of eight or more
 * (the attention maps, whose masked scores are -inf) take exp eight at a time through libmvec
 * when the CPU has AVX2 (stva-vecmath.h), their sum in eight lanes added at the end.
 */
#include <assert.h>
#include <math.h>

#include "stva-softmax.h"
#include "stva-vecmath.h"

#ifdef STVA_VECMATH
/* y = exp (x - max) eight at a time through libmvec, returning the sum (float lanes, then
 * double); entries of -inf (masked attention scores) give 0.  Returns how many it did in *done. */
__attribute__ ((target ("avx2,fma"))) static double
exp_row_vec (float       *y,
             const float *x,
             float        max,
             size_t       K,
             size_t      *done)
{
  const __m256 m = _mm256_set1_ps (max);
  __m256d s0 = _mm256_setzero_pd (), s1 = s0;
  size_t k = 0;
  for (; k + 8 <= K; k += 8)
    {
      __m256 e = _ZGVdN8v_expf (_mm256_sub_ps (_mm256_loadu_ps (x + k), m));
      _mm256_storeu_ps (y + k, e);
      s0 = _mm256_add_pd (s0, _mm256_cvtps_pd (_mm256_castps256_ps128 (e)));
      s1 = _mm256_add_pd (s1, _mm256_cvtps_pd (_mm256_extractf128_ps (e, 1)));
    }
  double lanes[4];
  _mm256_storeu_pd (lanes, _mm256_add_pd (s0, s1));
  *done = k;
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}
#endif

void
stva_softmax_row (float       *y,       /* (K) */
                  const float *x,       /* (K) */
                  const bool  *allow,   /* (K) or NULL */
                  size_t       K)
{
  float max = -INFINITY;
  for (size_t k = 0; k < K; k++)
    if ((allow == NULL || allow[k]) && x[k] > max)
      max = x[k];
  if (max == -INFINITY)   /* nothing allowed (or every score -inf): a row of zeros */
    {
      for (size_t k = 0; k < K; k++)
        y[k] = 0.0f;
      return;
    }
  double sum = 0.0;
  size_t k = 0;
#ifdef STVA_VECMATH
  if (allow == NULL && K >= 8 && stva_vecmath_ok ())
    sum = exp_row_vec (y, x, max, K, &k);
#endif
  for (; k < K; k++)
    {
      float e = (allow == NULL || allow[k]) ? expf (x[k] - max) : 0.0f;
      y[k] = e;
      sum += e;
    }
  float inv = (float) (1.0 / sum);   /* sum >= 1: the maximum contributes exp (0) */
  for (k = 0; k < K; k++)
    y[k] *= inv;
}

void
stva_softmax_forward (float       *y,   /* (T, K) */
                      const float *x,   /* (T, K) */
                      size_t       T,
                      size_t       K)
{
  for (size_t t = 0; t < T; t++)
    stva_softmax_row (y + t * K, x + t * K, NULL, K);
}

void
stva_softmax_masked_forward (float       *y,       /* (T, K) */
                             const float *x,       /* (T, K) */
                             const bool  *allow,   /* (T, K) or NULL */
                             size_t       T,
                             size_t       K)
{
  for (size_t t = 0; t < T; t++)
    stva_softmax_row (y + t * K, x + t * K, allow != NULL ? allow + t * K : NULL, K);
}

void
stva_softmax_backward (float       *dx,   /* (T, K), += */
                       const float *dy,   /* (T, K) */
                       const float *y,    /* (T, K), the forward's output */
                       size_t       T,
                       size_t       K)
{
  for (size_t t = 0; t < T; t++)
    {
      const float *yr = y + t * K, *dyr = dy + t * K;
      double dot = 0.0;
      for (size_t k = 0; k < K; k++)
        dot += (double) yr[k] * dyr[k];
      float d = (float) dot;
      for (size_t k = 0; k < K; k++)
        dx[t * K + k] += yr[k] * (dyr[k] - d);
    }
}
