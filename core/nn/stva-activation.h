/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Elementwise activations over n floats: GELU, sigmoid and tanh.
 *
 * GELU is the exact, erf-based one, x·Φ(x) = x/2 · (1 + erf(x/√2)), which is what
 * torch.nn.GELU () computes by default (approximate='none'); the tanh approximation is not used.
 * Forwards may work in place (y == x).  GELU's backward needs the input x; sigmoid's and tanh's
 * need only the output y, so their inputs may be overwritten.
 */
#pragma once

#include <stddef.h>

void stva_gelu_forward     (float *y, const float *x, size_t n);
void stva_gelu_backward    (float *dx, const float *dy, const float *x, size_t n);

void stva_sigmoid_forward  (float *y, const float *x, size_t n);
void stva_sigmoid_backward (float *dx, const float *dy, const float *y, size_t n);

void stva_tanh_forward     (float *y, const float *x, size_t n);
void stva_tanh_backward    (float *dx, const float *dy, const float *y, size_t n);
