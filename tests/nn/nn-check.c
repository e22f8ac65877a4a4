/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared helpers of the core/nn tests (see nn-check.h).
 */
#include <math.h>
#include <string.h>

#include "nn-check.h"

void
nn_check_close_d (const char   *what,
                  const double *got,
                  const double *want,
                  size_t        n,
                  double        atol,
                  double        rtol)
{
  size_t worst = 0;
  double worst_ratio = -1.0;   /* |diff| / tolerance; the largest names the worst index */
  gboolean bad = FALSE;
  for (size_t i = 0; i < n; i++)
    {
      double tol = atol + rtol * fabs (want[i]);
      double err = fabs (got[i] - want[i]);
      double ratio = isnan (err) ? INFINITY : tol > 0.0 ? err / tol : err > 0.0 ? INFINITY : 0.0;
      if (ratio > worst_ratio)
        {
          worst_ratio = ratio;
          worst = i;
        }
      if (!(err <= tol))
        bad = TRUE;
    }
  if (n == 0)
    return;
  double tol = atol + rtol * fabs (want[worst]);
  if (bad)
    g_test_fail_printf ("%s: worst at index %zu of %zu: got %.9g, want %.9g, |diff| %.3g > "
                        "tolerance %.3g (atol %.3g + rtol %.3g * |want|)",
                        what, worst, n, got[worst], want[worst], fabs (got[worst] - want[worst]),
                        tol, atol, rtol);
  else
    g_test_message ("%s: worst at index %zu of %zu: |diff| %.3g, tolerance %.3g", what, worst,
                    n, fabs (got[worst] - want[worst]), tol);
}

void
nn_check_close (const char  *what,
                const float *got,
                const float *want,
                size_t       n,
                double       atol,
                double       rtol)
{
  double *g = g_new (double, n), *w = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    {
      g[i] = got[i];
      w[i] = want[i];
    }
  nn_check_close_d (what, g, w, n, atol, rtol);
  g_free (g);
  g_free (w);
}

void
nn_check_all (const char  *what,
              const float *got,
              double       want,
              size_t       n,
              double       atol)
{
  double *g = g_new (double, n), *w = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    {
      g[i] = got[i];
      w[i] = want;
    }
  nn_check_close_d (what, g, w, n, atol, 0.0);
  g_free (g);
  g_free (w);
}

double
nn_check_grad (const char  *what,
               float       *x,
               const float *analytic,
               size_t       n,
               NnLossFunc   loss,
               void        *ctx,
               double       atol,
               double       rtol)
{
  double *num = g_new (double, n), *ana = g_new (double, n);
  double largest = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      float x0 = x[i];
      x[i] = (float) (x0 + FD_STEP);
      double xp = x[i], lp = loss (ctx);
      x[i] = (float) (x0 - FD_STEP);
      double xm = x[i], lm = loss (ctx);
      x[i] = x0;
      num[i] = (lp - lm) / (xp - xm);
      ana[i] = analytic[i];
      largest = fmax (largest, fabs (num[i]));
    }
  loss (ctx);   /* leave the forward's buffers as they were at x */
  char *label = g_strdup_printf ("%s: analytic vs numeric gradient", what);
  nn_check_close_d (label, ana, num, n, atol, rtol);
  g_free (label);
  g_free (num);
  g_free (ana);
  return largest;
}

void
nn_fill_uniform (float   *x,
                 size_t   n,
                 float    lo,
                 float    hi,
                 StvaRng *rng)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (float) (lo + (hi - lo) * stva_rng_uniform (rng));
}

double
nn_dot (const float *r,
        const float *y,
        size_t       n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) r[i] * y[i];
  return s;
}

void
nn_sub (float       *dst,
        const float *src,
        const float *base,
        size_t       n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = src[i] - base[i];
}

void
nn_prefill (float   *g,
            float   *g0,
            size_t   n,
            StvaRng *rng)
{
  nn_fill_uniform (g, n, -0.5f, 0.5f, rng);
  memcpy (g0, g, n * sizeof (float));
}
