/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cohen's κ, Fleiss' κ and Krippendorff's α on nominal labels (see stva-agreement.h).  Sums are
 * in double; the tables are small (K ≤ 64 classes).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "stva-agreement.h"

static int
valid (int r,
       int K)
{
  return r >= 0 && r < K;
}

double
stva_agreement_cohen (const int *ratings,
                      size_t     n_units,
                      size_t     n_raters,
                      size_t     a,
                      size_t     b,
                      int        K,
                      size_t    *n_used)
{
  assert (a < n_raters && b < n_raters && K > 0);
  double *pa = calloc ((size_t) K, sizeof *pa), *pb = calloc ((size_t) K, sizeof *pb);
  size_t n = 0, agree = 0;
  for (size_t i = 0; i < n_units; i++)
    {
      int x = ratings[i * n_raters + a], y = ratings[i * n_raters + b];
      if (!valid (x, K) || !valid (y, K))
        continue;
      n++;
      agree += x == y;
      pa[x] += 1.0;
      pb[y] += 1.0;
    }
  if (n_used)
    *n_used = n;
  double kappa = NAN;
  if (n > 0)
    {
      double po = (double) agree / (double) n, pe = 0.0;
      for (int k = 0; k < K; k++)
        pe += (pa[k] / (double) n) * (pb[k] / (double) n);
      if (pe < 1.0 - 1e-12)
        kappa = (po - pe) / (1.0 - pe);
    }
  free (pa);
  free (pb);
  return kappa;
}

double
stva_agreement_fleiss_table (const int *counts,
                             size_t     n_units,
                             int        K)
{
  if (n_units == 0 || K <= 0)
    return NAN;
  long n = -1;
  double *p = calloc ((size_t) K, sizeof *p);
  double P_bar = 0.0;
  for (size_t i = 0; i < n_units; i++)
    {
      long row = 0;
      double sq = 0.0;
      for (int j = 0; j < K; j++)
        {
          int c = counts[i * (size_t) K + (size_t) j];
          row += c;
          sq += (double) c * c;
          p[j] += c;
        }
      if (n < 0)
        n = row;
      if (row != n || n < 2)
        {
          free (p);
          return NAN;
        }
      P_bar += (sq - (double) n) / ((double) n * (double) (n - 1));   /* P_i */
    }
  P_bar /= (double) n_units;
  double Pe = 0.0;
  for (int j = 0; j < K; j++)
    {
      double pj = p[j] / ((double) n_units * (double) n);
      Pe += pj * pj;
    }
  free (p);
  if (Pe >= 1.0 - 1e-12)
    return NAN;
  return (P_bar - Pe) / (1.0 - Pe);
}

double
stva_agreement_fleiss (const int *ratings,
                       size_t     n_units,
                       size_t     n_raters,
                       int        K,
                       size_t    *n_used)
{
  int *counts = calloc (n_units * (size_t) K + 1, sizeof *counts);
  size_t n = 0;
  for (size_t i = 0; i < n_units; i++)
    {
      size_t m = 0;
      for (size_t r = 0; r < n_raters; r++)
        m += valid (ratings[i * n_raters + r], K);
      if (m != n_raters)
        continue;
      for (size_t r = 0; r < n_raters; r++)
        counts[n * (size_t) K + (size_t) ratings[i * n_raters + r]]++;
      n++;
    }
  if (n_used)
    *n_used = n;
  double kappa = n_raters >= 2 ? stva_agreement_fleiss_table (counts, n, K) : NAN;
  free (counts);
  return kappa;
}

/* The coincidence matrix o (K, K) of Krippendorff's α; returns the units with m_u ≥ 2. */
static size_t
coincidences (double    *o,
              const int *ratings,
              size_t     n_units,
              size_t     n_raters,
              int        K)
{
  int *c = calloc ((size_t) K, sizeof *c);
  size_t used = 0;
  for (size_t i = 0; i < n_units; i++)
    {
      int m = 0;
      for (int k = 0; k < K; k++)
        c[k] = 0;
      for (size_t r = 0; r < n_raters; r++)
        {
          int x = ratings[i * n_raters + r];
          if (valid (x, K))
            {
              c[x]++;
              m++;
            }
        }
      if (m < 2)
        continue;
      used++;
      /* ordered pairs of values from different raters: c_k·c_l for k ≠ l, c_k·(c_k − 1) */
      for (int k = 0; k < K; k++)
        for (int l = 0; l < K; l++)
          {
            double pairs = k == l ? (double) c[k] * (c[k] - 1) : (double) c[k] * c[l];
            o[k * K + l] += pairs / (double) (m - 1);
          }
    }
  free (c);
  return used;
}

double
stva_agreement_alpha (const int *ratings,
                      size_t     n_units,
                      size_t     n_raters,
                      int        K,
                      size_t    *n_used)
{
  double *o = calloc ((size_t) K * (size_t) K, sizeof *o);
  size_t used = coincidences (o, ratings, n_units, n_raters, K);
  if (n_used)
    *n_used = used;
  double n = 0.0, disagree_o = 0.0, disagree_e = 0.0;
  double *nc = calloc ((size_t) K, sizeof *nc);
  for (int k = 0; k < K; k++)
    for (int l = 0; l < K; l++)
      {
        nc[k] += o[k * K + l];
        if (k != l)
          disagree_o += o[k * K + l];
      }
  for (int k = 0; k < K; k++)
    n += nc[k];
  for (int k = 0; k < K; k++)
    for (int l = 0; l < K; l++)
      if (k != l)
        disagree_e += nc[k] * nc[l];
  free (o);
  free (nc);
  if (used == 0 || n <= 1.0 || disagree_e <= 0.0)
    return NAN;
  /* α = 1 − D_o/D_e with D_o = Σ o_kl δ / n and D_e = Σ n_k n_l δ / (n (n − 1)) */
  return 1.0 - (n - 1.0) * disagree_o / disagree_e;
}

double
stva_agreement_observed (const int *ratings,
                         size_t     n_units,
                         size_t     n_raters,
                         int        K)
{
  double *o = calloc ((size_t) K * (size_t) K, sizeof *o);
  coincidences (o, ratings, n_units, n_raters, K);
  double total = 0.0, diag = 0.0;
  for (int k = 0; k < K; k++)
    for (int l = 0; l < K; l++)
      {
        total += o[k * K + l];
        if (k == l)
          diag += o[k * K + l];
      }
  free (o);
  return total > 0.0 ? diag / total : NAN;
}

void
stva_agreement_binarize (int       *out,
                         const int *ratings,
                         size_t     n,
                         int        c)
{
  for (size_t i = 0; i < n; i++)
    out[i] = ratings[i] < 0 ? -1 : ratings[i] == c;
}
