/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inter-rater agreement on nominal labels: Cohen's κ, Fleiss' κ and Krippendorff's α.  Ratings
 * are a (n_units, n_raters) row-major matrix of class indices in [0, K), with -1 for "this
 * rater did not rate this unit".  Each function returns NaN when the measure is undefined
 * (no usable units, or a single category used throughout, where the expected disagreement is
 * zero).  Formulas are in shared/design/formats.md.
 */
#pragma once

#include <stddef.h>

/* Cohen's κ between raters a and b (columns of ratings) over the units both rated;
 * *n_used (nullable) receives that number of units. */
double stva_agreement_cohen        (const int *ratings, size_t n_units, size_t n_raters,
                                    size_t a, size_t b, int K, size_t *n_used);

/* Fleiss' κ over the units rated by every rater (n_raters ≥ 2); *n_used as above. */
double stva_agreement_fleiss       (const int *ratings, size_t n_units, size_t n_raters, int K,
                                    size_t *n_used);

/* Fleiss' κ from a count table (n_units, K): counts[i·K + j] raters put unit i in class j;
 * every row must sum to the same n ≥ 2 (NaN otherwise). */
double stva_agreement_fleiss_table (const int *counts, size_t n_units, int K);

/* Krippendorff's α, nominal metric, missing data allowed: units with fewer than two ratings
 * are left out; *n_used (nullable) receives the units that count (m_u ≥ 2). */
double stva_agreement_alpha        (const int *ratings, size_t n_units, size_t n_raters, int K,
                                    size_t *n_used);

/* Observed agreement 1 − D_o of α: agreeing pairable values over all pairable values. */
double stva_agreement_observed     (const int *ratings, size_t n_units, size_t n_raters, int K);

/* Copies ratings into out with class c as 1 and every other class as 0 (missing stays -1),
 * for the per-class "c or not c" agreement. */
void   stva_agreement_binarize     (int *out, const int *ratings, size_t n, int c);
