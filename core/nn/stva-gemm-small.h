/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * y = x·wᵀ + b for few rows, where cblas_sgemm spends most of its time copying w (the
 * per-dialogue forward of the studio: a dialogue has 1 to ~100 utterances).  stva_linear_forward
 * uses it up to STVA_GEMM_SMALL_MAX_T rows.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define STVA_GEMM_SMALL_MAX_T 16   /* rows up to which the kernel beats cblas_sgemm here */

/* True when this CPU runs the vector path (AVX2 and FMA). */
bool stva_gemm_small_fast (void);

/* y (T, n_out; rows ldy >= n_out apart) = x (T, n_in) · w (n_out, n_in)ᵀ + b (n_out); b may be
 * NULL.  Overwrites y, which must not overlap x or w.  portable forces the plain C loop (tests
 * compare the two). */
void stva_gemm_small_xwt  (float *y, size_t ldy, const float *x, const float *w, const float *b,
                           size_t T, size_t n_in, size_t n_out, bool portable);
