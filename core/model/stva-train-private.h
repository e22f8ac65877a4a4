/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to core/model's training: the thread runner the workers and the optimiser share, and
 * the optimiser step split over threads (stva-train-step.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-nn.h"
#include "stva-params.h"

/* fn on each of the n items (item t at base + t·size, n <= 256): items 1.. on threads of their
 * own, item 0 on this one; an item whose thread cannot start runs here (same result). */
void _stva_run_on_threads (void *(*fn) (void *), void *base, size_t size, int n);

/* The optimiser's share of a step on n threads, each over a slice of the parameter block. */
typedef struct StvaOptStep StvaOptStep;

/* NULL when out of memory.  P, ranges (P->n_tensors of them), m1 and m2 are borrowed. */
StvaOptStep *_stva_opt_step_new    (int n, StvaParams *P, const StvaParamRange *ranges,
                                    float *m1, float *m2);
void         _stva_opt_step_free   (StvaOptStep *s);
/* P->grads = Σ grads[0 .. n_grads) element by element in that order, each grads[t] zeroed for
 * the next batch; returns Σ P->grads² (for the clipping norm). */
double       _stva_opt_step_sum    (StvaOptStep *s, float *const *grads, int n_grads);
/* Clips P->grads by coef (1 = none) and takes the AdamW step. */
void         _stva_opt_step_update (StvaOptStep *s, float coef, const StvaAdamwConfig *adamw,
                                    float lr, uint64_t step);
