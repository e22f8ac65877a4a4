/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Elementwise helpers for gates and residuals: products, sums, and a per-row scale (MSDE's
 * n = 3·β·e multiplies each utterance's row by one strength).
 */
#pragma once

#include <stddef.h>

/* y (n) = a (n) ⊙ b (n).  y may equal a or b. */
void stva_mul_forward     (float *y, const float *a, const float *b, size_t n);
/* da += dy ⊙ b, db += dy ⊙ a; either may be NULL. */
void stva_mul_backward    (float *da, float *db, const float *dy, const float *a, const float *b,
                           size_t n);

/* y (n) = a (n) + b (n).  y may equal a or b.  Its backward is stva_add_into for each input. */
void stva_add_forward     (float *y, const float *a, const float *b, size_t n);
/* dst (n) += src (n): accumulates a gradient that flows unchanged through a sum or a copy. */
void stva_add_into        (float *dst, const float *src, size_t n);

/* y (T, C) = s (T) ⊙ x (T, C) row by row: y[t, :] = s[t] · x[t, :].  y may equal x only when no
 * backward pass follows. */
void stva_rowscale_forward  (float *y, const float *s, const float *x, size_t T, size_t C);
/* ds (T) += Σ_c dy[t, c] · x[t, c] and dx (T, C) += s[t] · dy[t, :]; either may be NULL. */
void stva_rowscale_backward (float *ds, float *dx, const float *dy, const float *s,
                             const float *x, size_t T, size_t C);
