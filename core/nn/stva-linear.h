/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fully connected layer, laid out like torch.nn.Linear: w is (n_out, n_in) row-major and
 * y = x·wᵀ + b.  n_in and n_out are this layer's input and output widths (not I and O: cblas.h
 * pulls in <complex.h>, whose I is a macro).
 */
#pragma once

#include <stddef.h>

#include "stva-rng.h"

/* y (T, n_out) = x (T, n_in) · w (n_out, n_in)ᵀ + b (n_out); b may be NULL (no bias).
 * Overwrites y, which must not overlap x. */
void stva_linear_forward  (float *y, const float *x, const float *w, const float *b,
                           size_t T, size_t n_in, size_t n_out);
/* The same with y's rows ldy >= n_out floats apart: a block of output columns of a wider y
 * (the model's two-thread forward gives each thread a range of w's rows and y's columns). */
void stva_linear_forward_ld (float *y, size_t ldy, const float *x, const float *w,
                             const float *b, size_t T, size_t n_in, size_t n_out);

/* Adds dy's (T, n_out) contribution into dx (T, n_in), dw (n_out, n_in) and db (n_out); dx and
 * db may be NULL when the caller needs no input gradient or the layer has no bias. */
void stva_linear_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                           const float *w, size_t T, size_t n_in, size_t n_out);

/* torch.nn.Linear's default initialisation: w and b uniform in ±1/sqrt (n_in); b may be NULL.
 * Draws w first, row by row, then b. */
void stva_linear_init     (float *w, float *b, size_t n_in, size_t n_out, StvaRng *rng);
