/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Elementwise activations (see stva-activation.h).  The sigmoid and tanh are computed in
 * double and rounded once; GELU, which runs on the graph layers' wide FFN (most of the
 * elementwise work of an epoch), uses glibc's float erff and expf (within an ulp or two; double
 * erf was 3 % of a training epoch).  No libm call is vectorised (no -ffast-math), so results do
 * not depend on the compiler's choices.
 * The sigmoid takes exp of a non-positive number only, so it never overflows.
 */
#include <assert.h>
#include <math.h>

#include "stva-activation.h"

#define INV_SQRT2     0.70710678118654752440
#define INV_SQRT_2PI  0.39894228040143267794

void
stva_gelu_forward (float       *y,   /* (n) */
                   const float *x,   /* (n) */
                   size_t       n)
{
  for (size_t i = 0; i < n; i++)
    {
      float v = x[i];
      y[i] = 0.5f * v * (1.0f + erff (v * (float) INV_SQRT2));
    }
}

void
stva_gelu_backward (float       *dx,   /* (n), += */
                    const float *dy,   /* (n) */
                    const float *x,    /* (n) */
                    size_t       n)
{
  for (size_t i = 0; i < n; i++)
    {
      float v = x[i];
      float cdf = 0.5f * (1.0f + erff (v * (float) INV_SQRT2));
      float pdf = (float) INV_SQRT_2PI * expf (-0.5f * v * v);
      dx[i] += dy[i] * (cdf + v * pdf);
    }
}

void
stva_sigmoid_forward (float       *y,   /* (n) */
                      const float *x,   /* (n) */
                      size_t       n)
{
  for (size_t i = 0; i < n; i++)
    {
      double v = x[i];
      if (v >= 0.0)
        y[i] = (float) (1.0 / (1.0 + exp (-v)));
      else
        {
          double e = exp (v);
          y[i] = (float) (e / (1.0 + e));
        }
    }
}

void
stva_sigmoid_backward (float       *dx,   /* (n), += */
                       const float *dy,   /* (n) */
                       const float *y,    /* (n), the forward's output */
                       size_t       n)
{
  for (size_t i = 0; i < n; i++)
    dx[i] += dy[i] * y[i] * (1.0f - y[i]);
}

void
stva_tanh_forward (float       *y,   /* (n) */
                   const float *x,   /* (n) */
                   size_t       n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = (float) tanh ((double) x[i]);
}

void
stva_tanh_backward (float       *dx,   /* (n), += */
                    const float *dy,   /* (n) */
                    const float *y,    /* (n), the forward's output */
                    size_t       n)
{
  for (size_t i = 0; i < n; i++)
    dx[i] += dy[i] * (1.0f - y[i] * y[i]);
}
