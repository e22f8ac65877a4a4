/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Row softmax (see stva-softmax.h): the row maximum is subtracted before exp, the normaliser
 * and the backward pass's row dot product are summed in double.
 */
#include <assert.h>
#include <math.h>

#include "stva-softmax.h"

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
  for (size_t k = 0; k < K; k++)
    {
      float e = (allow == NULL || allow[k]) ? expf (x[k] - max) : 0.0f;
      y[k] = e;
      sum += e;
    }
  float inv = (float) (1.0 / sum);   /* sum >= 1: the maximum contributes exp (0) */
  for (size_t k = 0; k < K; k++)
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
