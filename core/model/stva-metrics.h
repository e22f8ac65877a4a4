/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Classification metrics as the MELD and IEMOCAP papers report them (their evaluation scripts
 * call scikit-learn's accuracy_score and f1_score; this reproduces sklearn's numbers):
 *   accuracy     correct / n over the labelled utterances (gold -1 is skipped);
 *   precision_c  TP_c / (TP_c + FP_c), 0 when class c was never predicted;
 *   recall_c     TP_c / support_c, 0 when class c has no gold utterance;
 *   f1_c         2·TP_c / (2·TP_c + FP_c + FN_c), 0 when that is 0/0 (sklearn's zero_division=0);
 *   weighted_f1  Σ_c support_c · f1_c / n (f1_score (average='weighted'), the papers' main
 *                number; classes with zero support weigh nothing);
 *   macro_f1     mean of f1_c over the classes that occur in the gold labels OR the predictions.
 *                This is f1_score (average='macro') called without labels=, as the published
 *                scripts call it: a class absent from both sides has no F1 to speak of and is
 *                left out; a class predicted but absent from gold counts with F1 0.  On the
 *                MELD and IEMOCAP test sets every class occurs, so this equals labels=range(K).
 * With n = 0 every number is 0 (nothing to score is not an error).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

typedef struct
{
  int      K;
  int64_t *confusion;   /* (K, K) owned; row = gold, column = predicted */
  int64_t *support;     /* (K) owned; gold utterances per class */
  double  *precision;   /* (K) owned */
  double  *recall;      /* (K) owned */
  double  *f1;          /* (K) owned */
  double   accuracy;
  double   weighted_f1;
  double   macro_f1;
  int64_t  n;           /* utterances scored (gold != -1) */
} StvaMetrics;

/* Fills out (overwritten without freeing: clear it first if it held metrics) from gold (n) and
 * pred (n).  gold -1 is skipped; any other gold or pred outside [0, K) is STVA_ERR_INVALID, naming
 * the index.  K >= 1. */
StvaStatus stva_metrics_compute (StvaMetrics *out, const int *gold, const int *pred, size_t n,
                                 int K, StvaError *error);

/* Frees the arrays and zeroes the struct; NULL and cleared structs are fine. */
void stva_metrics_clear (StvaMetrics *m);
