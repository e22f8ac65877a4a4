/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Elementwise helpers (see stva-elementwise.h): plain loops the compiler vectorises; the one
 * reduction, the row scale's ds, sums in double.
 */
#include <assert.h>

#include "stva-elementwise.h"

void
stva_mul_forward (float       *y,   /* (n) */
                  const float *a,   /* (n) */
                  const float *b,   /* (n) */
                  size_t       n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = a[i] * b[i];
}

void
stva_mul_backward (float       *da,   /* (n) or NULL, += */
                   float       *db,   /* (n) or NULL, += */
                   const float *dy,   /* (n) */
                   const float *a,    /* (n) */
                   const float *b,    /* (n) */
                   size_t       n)
{
  if (da != NULL)
    for (size_t i = 0; i < n; i++)
      da[i] += dy[i] * b[i];
  if (db != NULL)
    for (size_t i = 0; i < n; i++)
      db[i] += dy[i] * a[i];
}

void
stva_add_forward (float       *y,   /* (n) */
                  const float *a,   /* (n) */
                  const float *b,   /* (n) */
                  size_t       n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = a[i] + b[i];
}

void
stva_add_into (float       *dst,   /* (n), += */
               const float *src,   /* (n) */
               size_t       n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] += src[i];
}

void
stva_rowscale_forward (float       *y,   /* (T, C) */
                       const float *s,   /* (T) */
                       const float *x,   /* (T, C) */
                       size_t       T,
                       size_t       C)
{
  for (size_t t = 0; t < T; t++)
    for (size_t c = 0; c < C; c++)
      y[t * C + c] = s[t] * x[t * C + c];
}

void
stva_rowscale_backward (float       *ds,   /* (T) or NULL, += */
                        float       *dx,   /* (T, C) or NULL, += */
                        const float *dy,   /* (T, C) */
                        const float *s,    /* (T) */
                        const float *x,    /* (T, C) */
                        size_t       T,
                        size_t       C)
{
  for (size_t t = 0; t < T; t++)
    {
      const float *dyr = dy + t * C;
      if (ds != NULL)
        {
          double acc = 0.0;
          for (size_t c = 0; c < C; c++)
            acc += (double) dyr[c] * x[t * C + c];
          ds[t] += (float) acc;
        }
      if (dx != NULL)
        for (size_t c = 0; c < C; c++)
          dx[t * C + c] += s[t] * dyr[c];
    }
}
