/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Elementwise activations (see stva-activation.h).  Each value is computed in double and
 * rounded once, so results do not depend on how the compiler vectorises float libm calls.
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
      double v = x[i];
      y[i] = (float) (0.5 * v * (1.0 + erf (v * INV_SQRT2)));
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
      double v = x[i];
      double cdf = 0.5 * (1.0 + erf (v * INV_SQRT2));
      double pdf = INV_SQRT_2PI * exp (-0.5 * v * v);
      dx[i] += (float) (dy[i] * (cdf + v * pdf));
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
