/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small seeded random generator (xoshiro256** seeded through splitmix64).  Everything random
 * in core and in the demo generator draws from one of these, so a seed fixes the result.
 * Not thread-safe: give each thread its own, split from a parent with stva_rng_split ().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct
{
  uint64_t s[4];
} StvaRng;

void     stva_rng_init    (StvaRng *rng, uint64_t seed);
/* A child generator whose stream depends only on the parent's seed and `stream`, not on how
 * much the parent has been used: stable sub-streams for dialogues, threads, modalities. */
void     stva_rng_derive  (StvaRng *child, uint64_t seed, uint64_t stream);
/* Uniform in [0, 1) with 53 random bits: (stva_rng_next () >> 11) · 2^-53. */
double   stva_rng_uniform (StvaRng *rng);
/* Uniform integer in [0, n); n > 0. */
uint32_t stva_rng_below   (StvaRng *rng, uint32_t n);
/* Standard normal (Box-Muller, one value per call). */
double   stva_rng_normal  (StvaRng *rng);
/* Index drawn from unnormalised non-negative weights w[0..n); n > 0 and some w > 0. */
size_t   stva_rng_pick    (StvaRng *rng, const double *w, size_t n);
/* Fisher-Yates shuffle of n ints. */
void     stva_rng_shuffle (StvaRng *rng, int *v, size_t n);

/* The next 64 random bits: one xoshiro256** step, inline because dropout draws one per element
 * of every dropped activation (an out-of-line call was ~2 % of a training epoch). */
static inline uint64_t
stva_rng_next (StvaRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t r = s[1] * 5;
  uint64_t result = ((r << 7) | (r >> 57)) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return result;
}
