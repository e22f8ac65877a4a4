/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inverted dropout (see stva-dropout.h).  The mask is stored so the backward pass reuses it and
 * the studio can replay a training step exactly.
 * An element is kept when its uniform draw u = (b >> 11) · 2^-53 (b the next 64 random bits)
 * is >= p.  Both sides scaled by 2^53 are exact, so that is the integer test
 * (b >> 11) >= ceil (p · 2^53): the same masks as comparing doubles, without the conversion.
 */
#include <assert.h>
#include <math.h>

#include "stva-dropout.h"

void
stva_dropout_forward (float       *y,      /* (n) */
                      bool        *keep,   /* (n) */
                      const float *x,      /* (n) */
                      size_t       n,
                      float        p,
                      StvaRng     *rng)
{
  assert (p >= 0.0f && p < 1.0f);
  if (p == 0.0f)
    {
      for (size_t i = 0; i < n; i++)
        {
          keep[i] = true;
          y[i] = x[i];
        }
      return;
    }
  assert (rng != NULL);
  float scale = 1.0f / (1.0f - p);
  uint64_t threshold = (uint64_t) ceil ((double) p * 0x1.0p53);
  for (size_t i = 0; i < n; i++)
    {
      keep[i] = (stva_rng_next (rng) >> 11) >= threshold;
      y[i] = keep[i] ? x[i] * scale : 0.0f;
    }
}

void
stva_dropout_backward (float       *dx,     /* (n), += */
                       const float *dy,     /* (n) */
                       const bool  *keep,   /* (n) */
                       size_t       n,
                       float        p)
{
  assert (p >= 0.0f && p < 1.0f);
  float scale = 1.0f / (1.0f - p);
  for (size_t i = 0; i < n; i++)
    dx[i] += keep[i] ? dy[i] * scale : 0.0f;   /* +=, because x may feed more than one branch */
}
