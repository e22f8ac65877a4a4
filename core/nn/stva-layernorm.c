/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layer normalisation (see stva-layernorm.h).  Row statistics and the two row sums of the
 * backward pass are taken in double, in four interleaved partial sums (channels c, c+4, ...
 * go to sum c % 4, added pairwise at the end): one running sum was a chain of dependent adds,
 * four independent ones fill a vector register, and the order is still fixed by the code.  The
 * gain and bias gradients, sums over rows, are kept in double a block of channels at a time, so
 * no scratch buffer is needed.
 *
 * With n = (x - mean)·rstd and g = dy ⊙ gain, the input gradient of one row is
 *   dx = rstd · (g - mean(g) - n · mean(g ⊙ n)).
 */
#include <assert.h>
#include <math.h>

#include "stva-layernorm.h"

#define BLOCK 64   /* channels whose gain/bias gradients are summed at once */

/* Σ x[c] and Σ (x[c] - mu)², each in four partial sums */
static double
row_sum (const float *x,
         size_t       C)
{
  double a[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t c = 0;
  for (; c + 4 <= C; c += 4)
    for (size_t l = 0; l < 4; l++)
      a[l] += x[c + l];
  for (; c < C; c++)
    a[c % 4] += x[c];
  return (a[0] + a[1]) + (a[2] + a[3]);
}

static double
row_sq_dev (const float *x,
            double       mu,
            size_t       C)
{
  double a[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t c = 0;
  for (; c + 4 <= C; c += 4)
    for (size_t l = 0; l < 4; l++)
      {
        double d = x[c + l] - mu;
        a[l] += d * d;
      }
  for (; c < C; c++)
    {
      double d = x[c] - mu;
      a[c % 4] += d * d;
    }
  return (a[0] + a[1]) + (a[2] + a[3]);
}

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
      double mu = row_sum (xr, C) / (double) C;
      double v = row_sq_dev (xr, mu, C);
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
      double sg[4] = { 0.0, 0.0, 0.0, 0.0 }, sgn[4] = { 0.0, 0.0, 0.0, 0.0 };
      size_t c = 0;
      for (; c + 4 <= C; c += 4)
        for (size_t l = 0; l < 4; l++)
          {
            double g = (double) dyr[c + l] * gain[c + l];
            sg[l] += g;
            sgn[l] += g * ((xr[c + l] - mu) * rs);
          }
      for (; c < C; c++)
        {
          double g = (double) dyr[c] * gain[c];
          sg[c % 4] += g;
          sgn[c % 4] += g * ((xr[c] - mu) * rs);
        }
      float mg = (float) (((sg[0] + sg[1]) + (sg[2] + sg[3])) / (double) C);
      float mgn = (float) (((sgn[0] + sgn[1]) + (sgn[2] + sgn[3])) / (double) C);
      for (c = 0; c < C; c++)
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
