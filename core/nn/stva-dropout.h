/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inverted dropout: each unit is kept with probability 1 - p and kept units are scaled by
 * 1/(1-p), so evaluation is the identity (call nothing, or pass p = 0).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stva-rng.h"

/* y (n) = keep ? x / (1 - p) : 0, drawing keep (n) from rng: one stva_rng_uniform () per unit,
 * kept when it is >= p, so a seed fixes the mask.  0 <= p < 1; p = 0 keeps everything and draws
 * nothing.  y may equal x. */
void stva_dropout_forward  (float *y, bool *keep, const float *x, size_t n, float p, StvaRng *rng);
/* dx (n) += keep ? dy / (1 - p) : 0 */
void stva_dropout_backward (float *dx, const float *dy, const bool *keep, size_t n, float p);
