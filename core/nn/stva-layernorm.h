/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layer normalisation over the last dimension, as torch.nn.LayerNorm (C): biased variance,
 * eps = 1e-5 inside the square root, then an elementwise gain and bias.
 */
#pragma once

#include <stddef.h>

#define STVA_LAYERNORM_EPS 1e-5   /* torch.nn.LayerNorm's default */

/* y (T, C) = (x - mean) · rstd · gain + bias, row by row; saves mean (T) and rstd (T) for the
 * backward pass.  y may equal x, but the backward pass needs x itself: keep it when training. */
void stva_layernorm_forward (float *y, float *mean, float *rstd, const float *x,
                             const float *gain, const float *bias, size_t T, size_t C);

/* Adds into dx (T, C), dgain (C) and dbias (C); dx may be NULL.  x, mean and rstd are the
 * forward's input and saved statistics. */
void stva_layernorm_backward (float *dx, float *dgain, float *dbias, const float *dy,
                              const float *x, const float *mean, const float *rstd,
                              const float *gain, size_t T, size_t C);

/* gain = 1, bias = 0, as torch initialises them. */
void stva_layernorm_init (float *gain, float *bias, size_t C);
