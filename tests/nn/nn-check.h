/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the core/nn tests: closeness checks that name the worst index, both values
 * and the tolerance, a central finite-difference gradient check, and random fills.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "stva-nn.h"

#define FD_STEP 1e-3   /* style.md: smaller steps drown in float32 rounding */

/* A scalar function of the inputs a test perturbs: runs the layer's forward and returns, in
 * double, Σ r ⊙ y for a fixed random upstream gradient r (or the loss itself for losses). */
typedef double (*NnLossFunc) (void *ctx);

/* Fails the running test unless |got[i] - want[i]| <= atol + rtol·|want[i]| for every i; the
 * message names `what`, the worst index, both values and the tolerance. */
void nn_check_close_d (const char *what, const double *got, const double *want, size_t n,
                       double atol, double rtol);
void nn_check_close   (const char *what, const float *got, const float *want, size_t n,
                       double atol, double rtol);
/* got against one value for every i */
void nn_check_all     (const char *what, const float *got, double want, size_t n, double atol);

#define stva_assert_close(got, want, n, atol, rtol) \
  nn_check_close (G_STRLOC ": " #got, (got), (want), (n), (atol), (rtol))

/* Central differences of loss with respect to x (n), h = FD_STEP (the step actually taken after
 * rounding x ± h to float is used), compared with analytic (n) by nn_check_close_d ();
 * x is restored.  Returns the largest |numeric| seen, so a test can tell it checked something. */
double nn_check_grad (const char *what, float *x, const float *analytic, size_t n,
                      NnLossFunc loss, void *ctx, double atol, double rtol);

/* Uniform in [lo, hi) */
void   nn_fill_uniform (float *x, size_t n, float lo, float hi, StvaRng *rng);
/* Σ r·y in double */
double nn_dot          (const float *r, const float *y, size_t n);
/* dst = src - base: the part a backward pass added onto a pre-filled gradient */
void   nn_sub          (float *dst, const float *src, const float *base, size_t n);
/* Fills g (n) with random values and copies them to g0, so a test can check that backward adds
 * (nn_sub (g, g, g0) then leaves exactly what it added). */
void   nn_prefill      (float *g, float *g0, size_t n, StvaRng *rng);
