/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cross-entropy and focal loss (see stva-loss.h for the reduction convention).  Each row works
 * from a log-softmax taken in double (max subtracted, log-sum-exp), so neither loss overflows
 * nor takes the log of a rounded-to-zero probability.
 *
 * Gradients per labelled row, with p = softmax (z), W = Σ_k w_k:
 *   CE:    ∂l/∂z_k = (1-ε)·w_y·(p_k - [k=y]) + (ε/K)·(W·p_k - w_k)
 *   focal: ∂l/∂z_k = c·([k=y] - p_k),  c = w_y·(γ·q^(γ-1)·p_y·log p_y - q^γ),  q = 1 - p_y
 */
#include <assert.h>
#include <math.h>

#include "stva-loss.h"

#define MAX_K 256   /* classes per row, for a stack buffer; emotion label sets have about 7 */

/* logp (K) = log softmax (z (K)), in double. */
static void
log_softmax (double      *logp,
             const float *z,
             size_t       K)
{
  double max = z[0];
  for (size_t k = 1; k < K; k++)
    if (z[k] > max)
      max = z[k];
  double sum = 0.0;
  for (size_t k = 0; k < K; k++)
    sum += exp ((double) z[k] - max);
  double lse = max + log (sum);
  for (size_t k = 0; k < K; k++)
    logp[k] = (double) z[k] - lse;
}

double
stva_loss_weight_total (const int   *labels,    /* (T) */
                        const float *class_w,   /* (K) or NULL */
                        size_t       T)
{
  double total = 0.0;
  for (size_t t = 0; t < T; t++)
    if (labels[t] >= 0)
      total += class_w != NULL ? class_w[labels[t]] : 1.0;
  return total;
}

double
stva_loss_ce (float       *dlogits,   /* (T, K) or NULL, += */
              const float *logits,    /* (T, K) */
              const int   *labels,    /* (T), -1 = unlabelled */
              const float *class_w,   /* (K) or NULL */
              size_t       T,
              size_t       K,
              float        smoothing,
              float        scale)
{
  assert (logits != NULL && labels != NULL && K > 0 && K <= MAX_K);
  assert (smoothing >= 0.0f && smoothing < 1.0f);
  double logp[MAX_K];
  double eps = smoothing, wsum = 0.0;
  for (size_t k = 0; k < K; k++)
    wsum += class_w != NULL ? class_w[k] : 1.0;

  double loss = 0.0;
  for (size_t t = 0; t < T; t++)
    {
      int y = labels[t];
      if (y < 0)
        continue;
      assert ((size_t) y < K);
      log_softmax (logp, logits + t * K, K);
      double wy = class_w != NULL ? class_w[y] : 1.0;
      double l = -(1.0 - eps) * wy * logp[y];
      if (eps > 0.0)
        {
          double s = 0.0;
          for (size_t k = 0; k < K; k++)
            s -= (class_w != NULL ? class_w[k] : 1.0) * logp[k];
          l += eps / (double) K * s;
        }
      loss += l;
      if (dlogits == NULL)
        continue;
      float *d = dlogits + t * K;
      for (size_t k = 0; k < K; k++)
        {
          double p = exp (logp[k]);
          double wk = class_w != NULL ? class_w[k] : 1.0;
          double g = (1.0 - eps) * wy * (p - (k == (size_t) y ? 1.0 : 0.0));
          if (eps > 0.0)
            g += eps / (double) K * (wsum * p - wk);
          d[k] += (float) (scale * g);
        }
    }
  return scale * loss;
}

double
stva_loss_focal (float       *dlogits,   /* (T, K) or NULL, += */
                 const float *logits,    /* (T, K) */
                 const int   *labels,    /* (T), -1 = unlabelled */
                 const float *class_w,   /* (K) or NULL */
                 size_t       T,
                 size_t       K,
                 float        gamma,
                 float        scale)
{
  assert (logits != NULL && labels != NULL && K > 0 && K <= MAX_K);
  assert (gamma >= 0.0f);
  double logp[MAX_K];
  double g = gamma;

  double loss = 0.0;
  for (size_t t = 0; t < T; t++)
    {
      int y = labels[t];
      if (y < 0)
        continue;
      assert ((size_t) y < K);
      log_softmax (logp, logits + t * K, K);
      double wy = class_w != NULL ? class_w[y] : 1.0;
      double lpy = logp[y], py = exp (lpy);
      double q = -expm1 (lpy);   /* 1 - p_y without cancellation when p_y is near 1 */
      double qg = g == 0.0 ? 1.0 : pow (q, g);
      loss += -wy * qg * lpy;
      if (dlogits == NULL)
        continue;
      /* γ·q^(γ-1)·p·log p → 0 as q → 0 for γ > 0; skip it where pow would give 0·inf */
      double term = (g > 0.0 && q > 0.0) ? g * pow (q, g - 1.0) * py * lpy : 0.0;
      double c = wy * (term - qg);
      float *d = dlogits + t * K;
      for (size_t k = 0; k < K; k++)
        {
          double p = exp (logp[k]);
          d[k] += (float) (scale * c * ((k == (size_t) y ? 1.0 : 0.0) - p));
        }
    }
  return scale * loss;
}

void
stva_loss_class_weights (float     *class_w,   /* (K) */
                         const int *labels,    /* (n), -1 = unlabelled */
                         size_t     n,
                         size_t     K,
                         float      power)
{
  assert (class_w != NULL && K > 0);
  size_t total = 0;
  for (size_t k = 0; k < K; k++)
    class_w[k] = 0.0f;
  for (size_t i = 0; i < n; i++)   /* count in the output first, then turn counts into weights */
    if (labels[i] >= 0)
      {
        assert ((size_t) labels[i] < K);
        class_w[labels[i]] += 1.0f;
        total++;
      }
  for (size_t k = 0; k < K; k++)
    {
      double nc = class_w[k];
      class_w[k] = nc > 0.0 ? (float) pow ((double) total / ((double) K * nc), power) : 1.0f;
    }
}
