/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * xoshiro256** (Blackman and Vigna) with splitmix64 seeding; see stva-rng.h (the step itself,
 * stva_rng_next, is inline there).
 */
#include <assert.h>
#include <math.h>

#include "stva-rng.h"

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
stva_rng_init (StvaRng *rng,
               uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

void
stva_rng_derive (StvaRng  *child,
                 uint64_t  seed,
                 uint64_t  stream)
{
  uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
  stva_rng_init (child, splitmix64 (&x));
}

double
stva_rng_uniform (StvaRng *rng)
{
  return (double) (stva_rng_next (rng) >> 11) * 0x1.0p-53;
}

uint32_t
stva_rng_below (StvaRng  *rng,
                uint32_t  n)
{
  assert (n > 0);
  /* Lemire's multiply-shift; the tiny bias for huge n does not matter here. */
  return (uint32_t) (((stva_rng_next (rng) >> 32) * (uint64_t) n) >> 32);
}

double
stva_rng_normal (StvaRng *rng)
{
  double u1 = stva_rng_uniform (rng);
  double u2 = stva_rng_uniform (rng);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2);
}

size_t
stva_rng_pick (StvaRng      *rng,
               const double *w,
               size_t        n)
{
  assert (n > 0);
  double total = 0.0;
  for (size_t i = 0; i < n; i++)
    total += w[i] > 0.0 ? w[i] : 0.0;
  assert (total > 0.0);
  double r = stva_rng_uniform (rng) * total;
  for (size_t i = 0; i < n; i++)
    {
      double wi = w[i] > 0.0 ? w[i] : 0.0;
      if (r < wi)
        return i;
      r -= wi;
    }
  for (size_t i = n; i-- > 0;)   /* rounding left r just past the end: take the last positive */
    if (w[i] > 0.0)
      return i;
  return n - 1;
}

void
stva_rng_shuffle (StvaRng *rng,
                  int     *v,
                  size_t   n)
{
  for (size_t i = n; i > 1; i--)
    {
      size_t j = stva_rng_below (rng, (uint32_t) i);
      int t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}
