/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/nn layers: linear, LayerNorm, GELU/sigmoid/tanh, elementwise gates, dropout and softmax.
 * Each has forward checks against hand-computed values and a central finite-difference check of
 * its backward pass (the gradients are pre-filled with noise to check that backward adds).
 * Attention is in test-nn-attention.c, losses and the optimiser in test-nn-train.c.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include <cblas.h>

#include "stva-nn.h"
#include "stva-gemm-small.h"
#include "nn-check.h"

/* Per-layer gradient tolerances (absolute + relative to the numeric value).  The numeric side
 * carries about 1e-4 of float32 rounding for O(1) outputs at h = 1e-3; these leave a margin of
 * about ten over the worst error seen, and a wrong term is off by far more. */
#define TOL_LINEAR_ATOL    1e-3
#define TOL_LINEAR_RTOL    1e-3
#define TOL_LAYERNORM_ATOL 2e-3
#define TOL_LAYERNORM_RTOL 5e-3
#define TOL_ACT_ATOL       5e-4
#define TOL_ACT_RTOL       5e-3
#define TOL_SOFTMAX_ATOL   5e-4
#define TOL_SOFTMAX_RTOL   5e-3

/* ---- linear ---------------------------------------------------------------------------------- */

static void
test_linear_forward (void)
{
  /* y = x·wᵀ + b with x = (1, 2), w = [[1, 0], [0, 1], [1, 1]], b = (0.5, -1, 0) */
  const float x[2] = { 1, 2 };               /* (T = 1, n_in = 2) */
  const float w[6] = { 1, 0, 0, 1, 1, 1 };   /* (n_out = 3, n_in = 2) */
  const float b[3] = { 0.5f, -1, 0 };        /* (n_out) */
  const float want[3] = { 1.5f, 1, 3 };
  const float want_nobias[3] = { 1, 2, 3 };
  float y[3];                                /* (T, n_out) */

  stva_linear_forward (y, x, w, b, 1, 2, 3);
  stva_assert_close (y, want, 3, 1e-7, 0);
  stva_linear_forward (y, x, w, NULL, 1, 2, 3);
  stva_assert_close (y, want_nobias, 3, 1e-7, 0);
}

typedef struct
{
  size_t T, n_in, n_out;
  float *x;   /* (T, n_in) */
  float *w;   /* (n_out, n_in) */
  float *b;   /* (n_out) */
  float *y;   /* (T, n_out) */
  float *r;   /* (T, n_out), upstream gradient */
} LinearCase;

static double
linear_loss (void *data)
{
  LinearCase *c = data;
  stva_linear_forward (c->y, c->x, c->w, c->b, c->T, c->n_in, c->n_out);
  return nn_dot (c->r, c->y, c->T * c->n_out);
}

/* The few-rows product (stva-gemm-small.c) against cblas_sgemm in double-checked shapes: row
 * counts odd and even, widths with tails (n_in % 8, n_out % 4), with and without bias, vector
 * path and portable loop, and through stva_linear_forward at the switch-over row count, also
 * into a block of columns of a wider y (stva_linear_forward_ld). */
static void
test_linear_small (void)
{
  const size_t Ts[] = { 1, 2, 3, 9, STVA_GEMM_SMALL_MAX_T, STVA_GEMM_SMALL_MAX_T + 1 };
  const size_t ins[] = { 1, 7, 8, 13, 256, 1027 };
  const size_t outs[] = { 1, 3, 4, 6, 258 };
  StvaRng rng;
  stva_rng_init (&rng, 99);
  for (size_t a = 0; a < G_N_ELEMENTS (Ts); a++)
    for (size_t c = 0; c < G_N_ELEMENTS (ins); c++)
      for (size_t e = 0; e < G_N_ELEMENTS (outs); e++)
        {
          size_t T = Ts[a], n_in = ins[c], n_out = outs[e];
          float *x = g_new (float, T * n_in), *w = g_new (float, n_out * n_in);
          float *b = g_new (float, n_out), *want = g_new (float, T * n_out);
          float *y = g_new (float, T * n_out);
          for (size_t i = 0; i < T * n_in; i++)
            x[i] = (float) stva_rng_normal (&rng);
          for (size_t i = 0; i < n_out * n_in; i++)
            w[i] = (float) stva_rng_normal (&rng);
          for (size_t i = 0; i < n_out; i++)
            b[i] = (float) stva_rng_normal (&rng);
          for (int bias = 0; bias < 2; bias++)
            {
              for (size_t t = 0; t < T; t++)   /* the reference, in double */
                for (size_t o = 0; o < n_out; o++)
                  {
                    double acc = bias ? b[o] : 0.0;
                    for (size_t k = 0; k < n_in; k++)
                      acc += (double) x[t * n_in + k] * w[o * n_in + k];
                    want[t * n_out + o] = (float) acc;
                  }
              double tol = 1e-5 * sqrt ((double) n_in) * 4.0;   /* float sums of n_in terms */
              for (int portable = 0; portable < 2; portable++)
                {
                  memset (y, 0xff, T * n_out * sizeof (float));   /* NaNs: every y written */
                  stva_gemm_small_xwt (y, n_out, x, w, bias ? b : NULL, T, n_in, n_out, portable);
                  for (size_t i = 0; i < T * n_out; i++)
                    g_assert_cmpfloat (fabs (y[i] - want[i]), <, tol * (1.0 + fabs (want[i])));
                }
              memset (y, 0xff, T * n_out * sizeof (float));
              stva_linear_forward (y, x, w, bias ? b : NULL, T, n_in, n_out);
              for (size_t i = 0; i < T * n_out; i++)
                g_assert_cmpfloat (fabs (y[i] - want[i]), <, tol * (1.0 + fabs (want[i])));
              /* into columns 2 .. 2 + n_out of rows n_out + 5 wide: the rest stays untouched */
              size_t ld = n_out + 5;
              float *wide = g_new (float, T * ld);
              for (size_t i = 0; i < T * ld; i++)
                wide[i] = -7.0f;
              stva_linear_forward_ld (wide + 2, ld, x, w, bias ? b : NULL, T, n_in, n_out);
              for (size_t t = 0; t < T; t++)
                for (size_t j = 0; j < ld; j++)
                  if (j < 2 || j >= 2 + n_out)
                    g_assert_cmpfloat (wide[t * ld + j], ==, -7.0f);
                  else
                    g_assert_cmpfloat (fabs (wide[t * ld + j] - want[t * n_out + j - 2]), <,
                                       tol * (1.0 + fabs (want[t * n_out + j - 2])));
              g_free (wide);
            }
          g_free (x);
          g_free (w);
          g_free (b);
          g_free (want);
          g_free (y);
        }
  if (!stva_gemm_small_fast ())
    g_test_message ("no AVX2+FMA here: only the portable loop was checked");
}

static void
test_linear_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 11);
  LinearCase c = { .T = 4, .n_in = 7, .n_out = 5 };
  size_t nx = c.T * c.n_in, nw = c.n_out * c.n_in, ny = c.T * c.n_out;
  g_autofree float *x = g_new (float, nx), *w = g_new (float, nw), *b = g_new (float, c.n_out);
  g_autofree float *y = g_new (float, ny), *r = g_new (float, ny);
  g_autofree float *dx = g_new (float, nx), *dx0 = g_new (float, nx);
  g_autofree float *dw = g_new (float, nw), *dw0 = g_new (float, nw);
  g_autofree float *db = g_new (float, c.n_out), *db0 = g_new (float, c.n_out);
  c.x = x, c.w = w, c.b = b, c.y = y, c.r = r;

  nn_fill_uniform (x, nx, -1, 1, &rng);
  stva_linear_init (w, b, c.n_in, c.n_out, &rng);
  nn_fill_uniform (r, ny, -1, 1, &rng);
  nn_prefill (dx, dx0, nx, &rng);
  nn_prefill (dw, dw0, nw, &rng);
  nn_prefill (db, db0, c.n_out, &rng);

  linear_loss (&c);
  stva_linear_backward (dx, dw, db, r, x, w, c.T, c.n_in, c.n_out);
  nn_sub (dx, dx, dx0, nx);
  nn_sub (dw, dw, dw0, nw);
  nn_sub (db, db, db0, c.n_out);
  nn_check_grad ("linear dx", x, dx, nx, linear_loss, &c, TOL_LINEAR_ATOL, TOL_LINEAR_RTOL);
  nn_check_grad ("linear dw", w, dw, nw, linear_loss, &c, TOL_LINEAR_ATOL, TOL_LINEAR_RTOL);
  nn_check_grad ("linear db", b, db, c.n_out, linear_loss, &c, TOL_LINEAR_ATOL,
                 TOL_LINEAR_RTOL);

  /* NULL dx and db: dw is still right */
  memcpy (dw0, dw, nw * sizeof (float));
  memset (dw, 0, nw * sizeof (float));
  stva_linear_backward (NULL, dw, NULL, r, x, w, c.T, c.n_in, c.n_out);
  stva_assert_close (dw, dw0, nw, 1e-6, 1e-6);
}

static void
test_linear_init (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 3);
  float w[400], b[4];   /* (4, 100), (4) */
  stva_linear_init (w, b, 100, 4, &rng);
  double s = 0.0, bound = 0.1;
  for (size_t i = 0; i < 400; i++)
    {
      g_assert_cmpfloat (fabs (w[i]), <=, bound);
      s += w[i] * w[i];
    }
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (b[i]), <=, bound);
  /* uniform on ±bound has variance bound²/3 */
  g_assert_cmpfloat_with_epsilon (s / 400, bound * bound / 3, 0.2 * bound * bound / 3);
}

/* ---- LayerNorm ------------------------------------------------------------------------------- */

static void
test_layernorm_forward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 5);
  enum { T = 3, C = 16 };
  float x[T * C], y[T * C], mean[T], rstd[T], gain[C], bias[C];
  nn_fill_uniform (x, T * C, -3, 5, &rng);
  stva_layernorm_init (gain, bias, C);
  stva_layernorm_forward (y, mean, rstd, x, gain, bias, T, C);
  for (size_t t = 0; t < T; t++)   /* gain 1, bias 0: mean 0, biased variance v/(v + eps) ≈ 1 */
    {
      double s = 0.0, ss = 0.0;
      for (size_t c = 0; c < C; c++)
        s += y[t * C + c];
      for (size_t c = 0; c < C; c++)
        ss += (y[t * C + c] - s / C) * (y[t * C + c] - s / C);
      g_assert_cmpfloat_with_epsilon (s / C, 0.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (ss / C, 1.0, 1e-4);
    }

  /* by hand: x = (1, 2, 3, 4): mean 2.5, variance 1.25; gain (1, 2, 1, 1), bias (0, 0, 0, 1) */
  const float x4[4] = { 1, 2, 3, 4 }, g4[4] = { 1, 2, 1, 1 }, b4[4] = { 0, 0, 0, 1 };
  float y4[4], want[4], m1, r1;
  double rs = 1.0 / sqrt (1.25 + 1e-5);
  for (size_t c = 0; c < 4; c++)
    want[c] = (float) ((x4[c] - 2.5) * rs * g4[c] + b4[c]);
  stva_layernorm_forward (y4, &m1, &r1, x4, g4, b4, 1, 4);
  stva_assert_close (y4, want, 4, 1e-6, 1e-6);
  g_assert_cmpfloat_with_epsilon (m1, 2.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (r1, rs, 1e-6);
}

typedef struct
{
  size_t T, C;
  float *x, *gain, *bias;   /* (T, C), (C), (C) */
  float *y, *mean, *rstd;   /* (T, C), (T), (T) */
  float *r;                 /* (T, C) */
} LayerNormCase;

static double
layernorm_loss (void *data)
{
  LayerNormCase *c = data;
  stva_layernorm_forward (c->y, c->mean, c->rstd, c->x, c->gain, c->bias, c->T, c->C);
  return nn_dot (c->r, c->y, c->T * c->C);
}

static void
test_layernorm_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 6);
  enum { T = 4, C = 70 };   /* C > 64 crosses a channel block of the gain/bias sums */
  float x[T * C], gain[C], bias[C], y[T * C], mean[T], rstd[T], r[T * C];
  float dx[T * C], dx0[T * C], dg[C], dg0[C], db[C], db0[C];
  LayerNormCase c = { T, C, x, gain, bias, y, mean, rstd, r };

  nn_fill_uniform (x, T * C, -2, 2, &rng);   /* row variance ≈ 1.3, far from eps */
  nn_fill_uniform (gain, C, 0.5f, 1.5f, &rng);
  nn_fill_uniform (bias, C, -0.5f, 0.5f, &rng);
  nn_fill_uniform (r, T * C, -1, 1, &rng);
  nn_prefill (dx, dx0, T * C, &rng);
  nn_prefill (dg, dg0, C, &rng);
  nn_prefill (db, db0, C, &rng);

  layernorm_loss (&c);
  stva_layernorm_backward (dx, dg, db, r, x, mean, rstd, gain, T, C);
  nn_sub (dx, dx, dx0, T * C);
  nn_sub (dg, dg, dg0, C);
  nn_sub (db, db, db0, C);
  nn_check_grad ("layernorm dx", x, dx, T * C, layernorm_loss, &c, TOL_LAYERNORM_ATOL,
                 TOL_LAYERNORM_RTOL);
  nn_check_grad ("layernorm dgain", gain, dg, C, layernorm_loss, &c, TOL_LAYERNORM_ATOL,
                 TOL_LAYERNORM_RTOL);
  nn_check_grad ("layernorm dbias", bias, db, C, layernorm_loss, &c, TOL_LAYERNORM_ATOL,
                 TOL_LAYERNORM_RTOL);
}

/* ---- activations ----------------------------------------------------------------------------- */

static void
test_activation_forward (void)
{
  /* exact GELU, x·Φ(x): gelu (1) = Φ(1), gelu (-1) = -Φ(-1), gelu (2) = 2·Φ(2) */
  const float x[4] = { 0, 1, -1, 2 };
  const float want_gelu[4] = { 0, 0.8413447460685429f, -0.15865525393145707f,
                               1.9544997361036416f };
  float y[4];
  stva_gelu_forward (y, x, 4);
  stva_assert_close (y, want_gelu, 4, 1e-7, 1e-6);

  const float xs[5] = { 0, 2, -30, 100, -100 };
  const float want_sig[5] = { 0.5f, 0.8807970779778823f, 9.357622968839299e-14f, 1, 0 };
  float ys[5];
  stva_sigmoid_forward (ys, xs, 5);
  stva_assert_close (ys, want_sig, 5, 1e-30, 1e-6);

  const float xt[3] = { 0, 0.5f, -20 };
  const float want_tanh[3] = { 0, 0.46211715726000974f, -1 };
  float yt[3];
  stva_tanh_forward (yt, xt, 3);
  stva_assert_close (yt, want_tanh, 3, 1e-7, 1e-6);

  /* in place */
  float z[4];
  memcpy (z, x, sizeof z);
  stva_gelu_forward (z, z, 4);
  stva_assert_close (z, want_gelu, 4, 1e-7, 1e-6);
}

/* Long arrays take the vector path (AVX2 with libmvec, when this CPU and build have it) for all
 * but the last n % 8 elements: every element, vector or scalar, against a double reference.
 * 4001 inputs spread over [-12, 12] plus extremes; GELU's backward too (its derivative,
 * Φ(x) + x·φ(x), accumulated onto dx).  For x << 0, GELU's 1 + erf (x/√2) cancels in float (as
 * in PyTorch's float GELU): a few ulp of erf near -1 (6e-8 each) times x/2, hence the |x| term
 * in its tolerance. */
static void
test_activation_long (void)
{
  enum { N = 4001 };
  float *x = g_new (float, N), *y = g_new (float, N), *dx = g_new (float, N);
  float *dy = g_new (float, N);
  for (int i = 0; i < N; i++)
    {
      x[i] = -12.0f + 24.0f * (float) i / (float) (N - 1);
      dy[i] = 0.5f + (float) (i % 7) * 0.25f;
      dx[i] = 1.0f;
    }
  x[0] = -100.0f;
  x[1] = 100.0f;
  x[2] = 1e-30f;
  x[3] = -0.0f;
  stva_gelu_forward (y, x, N);
  for (int i = 0; i < N; i++)
    {
      double v = x[i], want = 0.5 * v * (1.0 + erf (v / sqrt (2.0)));
      if (fabs (y[i] - want) > 1e-7 + 4e-7 * fabs (v) + 2e-6 * fabs (want))
        g_error ("gelu (%g) = %.9g, want %.9g", v, y[i], want);
    }
  stva_gelu_backward (dx, dy, x, N);
  for (int i = 0; i < N; i++)
    {
      double v = x[i], d = 0.5 * (1.0 + erf (v / sqrt (2.0))) + v * exp (-0.5 * v * v) / sqrt (2.0 * M_PI);
      double want = 1.0 + dy[i] * d;
      if (fabs (dx[i] - want) > 1e-6 + 4e-7 * fabs (v) + 2e-6 * fabs (want))
        g_error ("gelu' (%g): dx %.9g, want %.9g", v, dx[i], want);
    }
  stva_sigmoid_forward (y, x, N);
  for (int i = 0; i < N; i++)
    {
      double v = x[i], want = 1.0 / (1.0 + exp (-v));
      if (fabs (y[i] - want) > 1e-30 + 2e-6 * fabs (want))
        g_error ("sigmoid (%g) = %.9g, want %.9g", v, y[i], want);
    }
  stva_tanh_forward (y, x, N);
  for (int i = 0; i < N; i++)
    {
      double v = x[i], want = tanh (v);
      if (fabs (y[i] - want) > 1e-7 + 2e-6 * fabs (want))
        g_error ("tanh (%g) = %.9g, want %.9g", v, y[i], want);
    }
  /* in place gives the same */
  float *z = g_memdup2 (x, N * sizeof (float));
  stva_gelu_forward (y, x, N);
  stva_gelu_forward (z, z, N);
  g_assert_cmpmem (y, N * sizeof (float), z, N * sizeof (float));
  g_free (z);
  g_free (x);
  g_free (y);
  g_free (dx);
  g_free (dy);
}

typedef enum { ACT_GELU, ACT_SIGMOID, ACT_TANH } ActKind;

typedef struct
{
  ActKind kind;
  size_t  n;
  float  *x, *y, *r;   /* (n) each */
} ActCase;

static double
act_loss (void *data)
{
  ActCase *c = data;
  switch (c->kind)
    {
    case ACT_GELU:
      stva_gelu_forward (c->y, c->x, c->n);
      break;
    case ACT_SIGMOID:
      stva_sigmoid_forward (c->y, c->x, c->n);
      break;
    case ACT_TANH:
      stva_tanh_forward (c->y, c->x, c->n);
      break;
    }
  return nn_dot (c->r, c->y, c->n);
}

static void
test_activation_backward (void)
{
  static const char *names[] = { "gelu dx", "sigmoid dx", "tanh dx" };
  StvaRng rng;
  stva_rng_init (&rng, 7);
  enum { N = 40 };
  float x[N], y[N], r[N], dx[N], dx0[N];

  for (int kind = ACT_GELU; kind <= ACT_TANH; kind++)
    {
      ActCase c = { kind, N, x, y, r };
      nn_fill_uniform (x, N, -4, 4, &rng);   /* all three are smooth: no kinks to avoid */
      nn_fill_uniform (r, N, -1, 1, &rng);
      nn_prefill (dx, dx0, N, &rng);
      act_loss (&c);
      if (kind == ACT_GELU)
        stva_gelu_backward (dx, r, x, N);
      else if (kind == ACT_SIGMOID)
        stva_sigmoid_backward (dx, r, y, N);
      else
        stva_tanh_backward (dx, r, y, N);
      nn_sub (dx, dx, dx0, N);
      nn_check_grad (names[kind], x, dx, N, act_loss, &c, TOL_ACT_ATOL, TOL_ACT_RTOL);
    }
}

/* ---- elementwise gates ----------------------------------------------------------------------- */

typedef struct
{
  size_t T, C;
  float *a, *b, *s;   /* (T, C), (T, C), (T) */
  float *y, *y2, *r;  /* (T, C) each */
} GateCase;

/* y = a ⊙ b + s ⊙ a (row scale) + a + b: exercises the three helpers at once */
static double
gate_loss (void *data)
{
  GateCase *c = data;
  size_t n = c->T * c->C;
  stva_mul_forward (c->y, c->a, c->b, n);
  stva_rowscale_forward (c->y2, c->s, c->a, c->T, c->C);
  stva_add_forward (c->y, c->y, c->y2, n);
  stva_add_forward (c->y2, c->a, c->b, n);
  stva_add_forward (c->y, c->y, c->y2, n);
  return nn_dot (c->r, c->y, n);
}

static void
test_gates_forward (void)
{
  const float a[4] = { 1, 2, 3, 4 }, b[4] = { -1, 0.5f, 2, 0 }, s[2] = { 3, -0.5f };
  const float want_mul[4] = { -1, 1, 6, 0 }, want_add[4] = { 0, 2.5f, 5, 4 };
  const float want_row[4] = { 3, 6, -1.5f, -2 };   /* a as (2, 2), rows scaled by 3 and -0.5 */
  float y[4];
  stva_mul_forward (y, a, b, 4);
  stva_assert_close (y, want_mul, 4, 0, 0);
  stva_add_forward (y, a, b, 4);
  stva_assert_close (y, want_add, 4, 0, 0);
  stva_rowscale_forward (y, s, a, 2, 2);
  stva_assert_close (y, want_row, 4, 0, 0);
}

static void
test_gates_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 8);
  enum { T = 3, C = 5, N = T * C };
  float a[N], b[N], s[T], y[N], y2[N], r[N];
  float da[N], da0[N], db[N], db0[N], ds[T], ds0[T];
  GateCase c = { T, C, a, b, s, y, y2, r };
  nn_fill_uniform (a, N, -2, 2, &rng);
  nn_fill_uniform (b, N, -2, 2, &rng);
  nn_fill_uniform (s, T, -2, 2, &rng);
  nn_fill_uniform (r, N, -1, 1, &rng);
  nn_prefill (da, da0, N, &rng);
  nn_prefill (db, db0, N, &rng);
  nn_prefill (ds, ds0, T, &rng);

  gate_loss (&c);
  stva_mul_backward (da, db, r, a, b, N);
  stva_rowscale_backward (ds, da, r, s, a, T, C);
  stva_add_into (da, r, N);
  stva_add_into (db, r, N);
  nn_sub (da, da, da0, N);
  nn_sub (db, db, db0, N);
  nn_sub (ds, ds, ds0, T);
  nn_check_grad ("gates da", a, da, N, gate_loss, &c, TOL_ACT_ATOL, TOL_ACT_RTOL);
  nn_check_grad ("gates db", b, db, N, gate_loss, &c, TOL_ACT_ATOL, TOL_ACT_RTOL);
  nn_check_grad ("gates ds", s, ds, T, gate_loss, &c, TOL_ACT_ATOL, TOL_ACT_RTOL);
}

/* ---- dropout --------------------------------------------------------------------------------- */

static void
test_dropout_forward (void)
{
  enum { N = 20000 };
  g_autofree float *x = g_new (float, N), *y = g_new (float, N), *y2 = g_new (float, N);
  g_autofree bool *keep = g_new (bool, N), *keep2 = g_new (bool, N);
  StvaRng rng;
  for (size_t i = 0; i < N; i++)
    x[i] = 1.0f + (float) (i % 7);

  /* p = 0 is the identity and keeps everything */
  stva_rng_init (&rng, 1);
  stva_dropout_forward (y, keep, x, N, 0.0f, &rng);
  stva_assert_close (y, x, N, 0, 0);
  for (size_t i = 0; i < N; i++)
    g_assert_true (keep[i]);

  /* p = 0.3: about 70 % kept, kept ones scaled by 1/0.7, dropped ones zero, mean preserved */
  stva_rng_init (&rng, 2);
  stva_dropout_forward (y, keep, x, N, 0.3f, &rng);
  size_t kept = 0;
  double sx = 0.0, sy = 0.0;
  for (size_t i = 0; i < N; i++)
    {
      kept += keep[i];
      g_assert_cmpfloat (y[i], ==, keep[i] ? x[i] * (1.0f / 0.7f) : 0.0f);
      sx += x[i];
      sy += y[i];
    }
  g_assert_cmpfloat_with_epsilon ((double) kept / N, 0.7, 0.015);
  g_assert_cmpfloat_with_epsilon (sy / sx, 1.0, 0.03);

  /* the seed fixes the mask */
  stva_rng_init (&rng, 2);
  stva_dropout_forward (y2, keep2, x, N, 0.3f, &rng);
  g_assert_cmpmem (keep, N * sizeof (bool), keep2, N * sizeof (bool));
  stva_assert_close (y2, y, N, 0, 0);
}

typedef struct
{
  size_t n;
  float  p;
  float *x, *y, *r;   /* (n) each */
  bool  *keep;        /* (n) */
} DropoutCase;

static double
dropout_loss (void *data)
{
  DropoutCase *c = data;
  StvaRng rng;
  stva_rng_init (&rng, 99);   /* the same mask on every call */
  stva_dropout_forward (c->y, c->keep, c->x, c->n, c->p, &rng);
  return nn_dot (c->r, c->y, c->n);
}

static void
test_dropout_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 9);
  enum { N = 50 };
  float x[N], y[N], r[N], dx[N], dx0[N];
  bool keep[N];
  DropoutCase c = { N, 0.4f, x, y, r, keep };
  nn_fill_uniform (x, N, -1, 1, &rng);
  nn_fill_uniform (r, N, -1, 1, &rng);
  nn_prefill (dx, dx0, N, &rng);
  dropout_loss (&c);
  stva_dropout_backward (dx, r, keep, N, c.p);
  nn_sub (dx, dx, dx0, N);
  nn_check_grad ("dropout dx", x, dx, N, dropout_loss, &c, TOL_ACT_ATOL, TOL_ACT_RTOL);
}

/* ---- softmax --------------------------------------------------------------------------------- */

/* rows long enough for the vector path (when this CPU and build have it), with -inf entries as
 * masked attention scores have, against a double reference; in place gives the same */
static void
test_softmax_long (void)
{
  enum { T = 7, K = 37 };
  StvaRng rng;
  stva_rng_init (&rng, 11);
  float x[T * K], y[T * K], z[T * K];
  nn_fill_uniform (x, T * K, -30, 8, &rng);
  for (size_t i = 0; i < T * K; i += 5)
    x[i] = -INFINITY;
  stva_softmax_forward (y, x, T, K);
  for (size_t t = 0; t < T; t++)
    {
      double mx = -INFINITY, sum = 0.0;
      for (size_t k = 0; k < K; k++)
        mx = fmax (mx, x[t * K + k]);
      for (size_t k = 0; k < K; k++)
        sum += exp ((double) x[t * K + k] - mx);
      for (size_t k = 0; k < K; k++)
        {
          double want = exp ((double) x[t * K + k] - mx) / sum;
          if (fabs (y[t * K + k] - want) > 1e-30 + 2e-6 * want)
            g_error ("softmax row %zu, entry %zu: %.9g, want %.9g", t, k, y[t * K + k], want);
        }
    }
  memcpy (z, x, sizeof z);
  stva_softmax_forward (z, z, T, K);
  g_assert_cmpmem (y, sizeof y, z, sizeof z);
}

static void
test_softmax_forward (void)
{
  /* softmax (0, ln 2, ln 3) = (1, 2, 3)/6; with the middle masked: (1, 3)/4 */
  const float x[3] = { 0, (float) M_LN2, (float) log (3.0) };
  const float want[3] = { 1.0f / 6, 2.0f / 6, 3.0f / 6 };
  const float want_masked[3] = { 0.25f, 0, 0.75f };
  const bool allow[3] = { true, false, true };
  float y[3];
  stva_softmax_forward (y, x, 1, 3);
  stva_assert_close (y, want, 3, 1e-7, 1e-6);
  stva_softmax_masked_forward (y, x, allow, 1, 3);
  stva_assert_close (y, want_masked, 3, 1e-7, 1e-6);

  /* huge logits do not overflow; rows sum to one */
  StvaRng rng;
  stva_rng_init (&rng, 10);
  enum { T = 5, K = 9 };
  float big[T * K], p[T * K];
  nn_fill_uniform (big, T * K, -1000, 1000, &rng);
  big[3] = 1e30f;
  stva_softmax_forward (p, big, T, K);
  for (size_t t = 0; t < T; t++)
    {
      double s = 0.0;
      for (size_t k = 0; k < K; k++)
        {
          g_assert_true (isfinite (p[t * K + k]));
          s += p[t * K + k];
        }
      g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-6);
    }
  g_assert_cmpfloat (p[3], ==, 1.0f);

  /* a row with no allowed entry, and a row of -inf, are all zeros, not NaN */
  const float x2[6] = { 1, 2, 3, -INFINITY, -INFINITY, -INFINITY };
  const bool none[6] = { false, false, false, true, true, true };
  float y2[6];
  stva_softmax_masked_forward (y2, x2, none, 2, 3);
  nn_check_all ("fully masked rows", y2, 0.0, 6, 0);

  /* masking by -inf in the scores equals masking by allow */
  const float x3[3] = { 0, -INFINITY, (float) log (3.0) };
  stva_softmax_forward (y, x3, 1, 3);
  stva_assert_close (y, want_masked, 3, 1e-7, 1e-6);
}

typedef struct
{
  size_t      T, K;
  const bool *allow;   /* (T, K) or NULL */
  float      *x, *y, *r;
} SoftmaxCase;

static double
softmax_loss (void *data)
{
  SoftmaxCase *c = data;
  stva_softmax_masked_forward (c->y, c->x, c->allow, c->T, c->K);
  return nn_dot (c->r, c->y, c->T * c->K);
}

static void
test_softmax_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 12);
  enum { T = 4, K = 6, N = T * K };
  float x[N], y[N], r[N], dx[N], dx0[N];
  bool allow[N];
  for (size_t i = 0; i < N; i++)   /* row 2 fully masked, the others partly */
    allow[i] = (i / K != 2) && (i % 3 != 1 || i / K == 0);

  for (int masked = 0; masked <= 1; masked++)
    {
      SoftmaxCase c = { T, K, masked ? allow : NULL, x, y, r };
      nn_fill_uniform (x, N, -3, 3, &rng);
      nn_fill_uniform (r, N, -1, 1, &rng);
      nn_prefill (dx, dx0, N, &rng);
      softmax_loss (&c);
      stva_softmax_backward (dx, r, y, T, K);
      nn_sub (dx, dx, dx0, N);
      nn_check_grad (masked ? "masked softmax dx" : "softmax dx", x, dx, N, softmax_loss, &c,
                     TOL_SOFTMAX_ATOL, TOL_SOFTMAX_RTOL);
      if (masked)   /* masked entries get exactly nothing */
        for (size_t i = 0; i < N; i++)
          if (!allow[i])
            g_assert_cmpfloat (dx[i], ==, 0.0f);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/nn/linear/forward", test_linear_forward);
  g_test_add_func ("/core/nn/linear/small", test_linear_small);
  g_test_add_func ("/core/nn/linear/backward", test_linear_backward);
  g_test_add_func ("/core/nn/linear/init", test_linear_init);
  g_test_add_func ("/core/nn/layernorm/forward", test_layernorm_forward);
  g_test_add_func ("/core/nn/layernorm/backward", test_layernorm_backward);
  g_test_add_func ("/core/nn/activation/forward", test_activation_forward);
  g_test_add_func ("/core/nn/activation/long", test_activation_long);
  g_test_add_func ("/core/nn/activation/backward", test_activation_backward);
  g_test_add_func ("/core/nn/gates/forward", test_gates_forward);
  g_test_add_func ("/core/nn/gates/backward", test_gates_backward);
  g_test_add_func ("/core/nn/dropout/forward", test_dropout_forward);
  g_test_add_func ("/core/nn/dropout/backward", test_dropout_backward);
  g_test_add_func ("/core/nn/softmax/forward", test_softmax_forward);
  g_test_add_func ("/core/nn/softmax/long", test_softmax_long);
  g_test_add_func ("/core/nn/softmax/backward", test_softmax_backward);
  return g_test_run ();
}
