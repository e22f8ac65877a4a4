/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accuracy, per-class precision/recall/F1, weighted and macro F1 and the confusion matrix, with
 * scikit-learn's semantics (see stva-metrics.h for the exact definitions).
 */
#include <stdlib.h>
#include <string.h>

#include "stva-metrics.h"

void
stva_metrics_clear (StvaMetrics *m)
{
  if (m == NULL)
    return;
  free (m->confusion);
  free (m->support);
  free (m->precision);
  free (m->recall);
  free (m->f1);
  memset (m, 0, sizeof *m);
}

StvaStatus
stva_metrics_compute (StvaMetrics *out,
                      const int   *gold,
                      const int   *pred,
                      size_t       n,
                      int          K,
                      StvaError   *error)
{
  memset (out, 0, sizeof *out);
  if (K < 1 || K > 1 << 16)
    return stva_error_set (error, STVA_ERR_INVALID, "metrics: %d classes", K);
  if (n > 0 && (gold == NULL || pred == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "metrics: no labels given");
  for (size_t i = 0; i < n; i++)
    {
      if (gold[i] < -1 || gold[i] >= K)
        return stva_error_set (error, STVA_ERR_INVALID,
                               "metrics: gold label %d at utterance %zu is outside [-1, %d)",
                               gold[i], i, K);
      if (gold[i] >= 0 && (pred[i] < 0 || pred[i] >= K))
        return stva_error_set (error, STVA_ERR_INVALID,
                               "metrics: predicted label %d at utterance %zu is outside [0, %d)",
                               pred[i], i, K);
    }

  size_t k = (size_t) K;
  out->K = K;
  out->confusion = calloc (k * k, sizeof *out->confusion);
  out->support = calloc (k, sizeof *out->support);
  out->precision = calloc (k, sizeof *out->precision);
  out->recall = calloc (k, sizeof *out->recall);
  out->f1 = calloc (k, sizeof *out->f1);
  if (!out->confusion || !out->support || !out->precision || !out->recall || !out->f1)
    {
      stva_metrics_clear (out);
      return stva_error_set (error, STVA_ERR_NOMEM, "metrics: out of memory for %d classes", K);
    }

  int64_t correct = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (gold[i] < 0)
        continue;
      out->confusion[(size_t) gold[i] * k + (size_t) pred[i]]++;
      out->support[gold[i]]++;
      correct += gold[i] == pred[i];
      out->n++;
    }
  if (out->n == 0)
    return STVA_OK;

  double weighted = 0, macro = 0;
  int n_macro = 0;
  for (size_t c = 0; c < k; c++)
    {
      int64_t tp = out->confusion[c * k + c];
      int64_t predicted = 0;                      /* column sum: TP + FP */
      for (size_t g = 0; g < k; g++)
        predicted += out->confusion[g * k + c];
      int64_t fp = predicted - tp;
      int64_t fn = out->support[c] - tp;
      out->precision[c] = predicted > 0 ? (double) tp / (double) predicted : 0.0;
      out->recall[c] = out->support[c] > 0 ? (double) tp / (double) out->support[c] : 0.0;
      int64_t denom = 2 * tp + fp + fn;           /* 0 only if c is in neither gold nor pred */
      out->f1[c] = denom > 0 ? 2.0 * (double) tp / (double) denom : 0.0;
      weighted += (double) out->support[c] * out->f1[c];
      if (denom > 0)
        {
          macro += out->f1[c];
          n_macro++;
        }
    }
  out->accuracy = (double) correct / (double) out->n;
  out->weighted_f1 = weighted / (double) out->n;
  out->macro_f1 = n_macro > 0 ? macro / n_macro : 0.0;
  return STVA_OK;
}
