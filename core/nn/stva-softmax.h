/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Row softmax, plain and masked.  A masked entry gets probability 0 and a row with no allowed
 * entry comes out all zeros (never NaN): a missing modality or an isolated graph node then
 * contributes nothing downstream.  Entries equal to -INFINITY are masked too, so a caller may
 * mask by writing -INFINITY into the scores instead of passing a mask.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* y (T, K) = softmax of each row of x (T, K).  y may equal x. */
void stva_softmax_forward        (float *y, const float *x, size_t T, size_t K);
/* As above with allow (T, K): false entries are masked; allow NULL allows everything. */
void stva_softmax_masked_forward (float *y, const float *x, const bool *allow, size_t T, size_t K);
/* One row: y (K) from x (K) and allow (K) or NULL.  y may equal x. */
void stva_softmax_row            (float *y, const float *x, const bool *allow, size_t K);

/* dx (T, K) += y ⊙ (dy - Σ_k y·dy), row by row, for both forwards: masked entries have y = 0
 * and so get no gradient. */
void stva_softmax_backward       (float *dx, const float *dy, const float *y, size_t T, size_t K);
