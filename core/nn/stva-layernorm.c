/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layer normalisation (see stva-layernorm.h).  Row statistics and the two row sums of the
 * backward pass are taken in double; the gain and bias gradients, sums over rows, are kept in
 * double a block of channels at a time, so no scratch buffer is needed.
 *
 * With n = (x - mean)·rstd and g = dy ⊙ gain, the input gradient of one row is
 *   dx = rstd · (g - mean(g) - n · mean(g ⊙ n)).
 */
#include <assert.h>
#include <math.h>

#include "stva-layernorm.h"

#define BLOCK 64   /* channels whose gain/bias gradients are summed at once */

void
stva_layernorm_forward (float       *y,      /* (T, C) */
                        float       *mean,   /* (T) */
                        float       *rstd,   /* (T) */
                        const float *x,      /* (T, C) */
                        const float *gain,   /* (C) */
                        const float *bias,   /* (C) */
                        size_t       T,
                        size_t       C)
{
  assert (y != NULL && mean != NULL && rstd != NULL && x != NULL);
  assert (gain != NULL && bias != NULL && C > 0);
  for (size_t t = 0; t < T; t++)
    {
      const float *xr = x + t * C;
      double s = 0.0;
      for (size_t c = 0; c < C; c++)
        s += xr[c];
      double mu = s / (double) C;
      double v = 0.0;
      for (size_t c = 0; c < C; c++)
        {
          double d = xr[c] - mu;
          v += d * d;
        }
      double rs = 1.0 / sqrt (v / (double) C + STVA_LAYERNORM_EPS);
      float muf = (float) mu, rsf = (float) rs;
      float *yr = y + t * C;
      for (size_t c = 0; c < C; c++)
        yr[c] = (xr[c] - muf) * rsf * gain[c] + bias[c];
      mean[t] = muf;
      rstd[t] = rsf;
    }
}

void
stva_layernorm_backward (float       *dx,      /* (T, C) or NULL, += */
                         float       *dgain,   /* (C), += */
                         float       *dbias,   /* (C), += */
                         const float *dy,      /* (T, C) */
                         const float *x,       /* (T, C) */
                         const float *mean,    /* (T) */
                         const float *rstd,    /* (T) */
                         const float *gain,    /* (C) */
                         size_t       T,
                         size_t       C)
{
  assert (dgain != NULL && dbias != NULL && dy != NULL && x != NULL);
  assert (mean != NULL && rstd != NULL && gain != NULL && C > 0);

  for (size_t c0 = 0; c0 < C; c0 += BLOCK)
    {
      size_t n = C - c0 < BLOCK ? C - c0 : BLOCK;
      double ag[BLOCK] = { 0 }, ab[BLOCK] = { 0 };
      for (size_t t = 0; t < T; t++)
        {
          const float *xr = x + t * C + c0, *dyr = dy + t * C + c0;
          float mu = mean[t], rs = rstd[t];
          for (size_t i = 0; i < n; i++)
            {
              ag[i] += (double) dyr[i] * ((xr[i] - mu) * rs);
              ab[i] += dyr[i];
            }
        }
      for (size_t i = 0; i < n; i++)
        {
          dgain[c0 + i] += (float) ag[i];
          dbias[c0 + i] += (float) ab[i];
        }
    }

  if (dx == NULL)
    return;
  for (size_t t = 0; t < T; t++)
    {
      const float *xr = x + t * C, *dyr = dy + t * C;
      float *dxr = dx + t * C;
      float mu = mean[t], rs = rstd[t];
      double sg = 0.0, sgn = 0.0;
      for (size_t c = 0; c < C; c++)
        {
          double g = (double) dyr[c] * gain[c];
          sg += g;
          sgn += g * ((xr[c] - mu) * rs);
        }
      float mg = (float) (sg / (double) C), mgn = (float) (sgn / (double) C);
      for (size_t c = 0; c < C; c++)
        {
          float nrm = (xr[c] - mu) * rs;
          dxr[c] += rs * (dyr[c] * gain[c] - mg - nrm * mgn);
        }
    }
}

void
stva_layernorm_init (float  *gain,   /* (C) */
                     float  *bias,   /* (C) */
                     size_t  C)
{
  for (size_t c = 0; c < C; c++)
    {
      gain[c] = 1.0f;
      bias[c] = 0.0f;
    }
}
