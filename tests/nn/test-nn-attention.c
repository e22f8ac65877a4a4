/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/nn masked multi-head attention with relation biases: hand-checkable cases (one allowed
 * key, a relation bias shifting attention, a query without edges), agreement with a naive
 * triple-loop reference in double, and a finite-difference check of every gradient.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-nn.h"
#include "nn-check.h"

/* The outputs pass through two products and a softmax: float32 rounding in the numeric side is a
 * few 1e-5 here; a missing term (the scale, a head's stride, the softmax Jacobian) is O(0.1). */
#define TOL_ATTN_ATOL 1e-3
#define TOL_ATTN_RTOL 5e-3

/* out (Tq, C), alpha (H, Tq, Tk) by the definition, in double, one head and query at a time */
static void
attention_reference (double      *out,
                     double      *alpha,
                     const float *q,
                     const float *k,
                     const float *v,
                     const int   *rel,
                     const float *bias,
                     size_t       Tq,
                     size_t       Tk,
                     size_t       C,
                     size_t       H)
{
  size_t hs = C / H;
  g_autofree double *e = g_new (double, Tk);
  for (size_t h = 0; h < H; h++)
    for (size_t i = 0; i < Tq; i++)
      {
        double max = -INFINITY, sum = 0.0;
        for (size_t j = 0; j < Tk; j++)
          {
            int r = rel[i * Tk + j];
            if (r < 0)
              continue;
            double s = 0.0;
            for (size_t d = 0; d < hs; d++)
              s += (double) q[i * C + h * hs + d] * k[j * C + h * hs + d];
            e[j] = s / sqrt ((double) hs) + (bias != NULL ? bias[r * H + h] : 0.0);
            max = fmax (max, e[j]);
          }
        for (size_t j = 0; j < Tk; j++)
          if (rel[i * Tk + j] >= 0)
            sum += exp (e[j] - max);
        for (size_t d = 0; d < hs; d++)
          out[i * C + h * hs + d] = 0.0;
        for (size_t j = 0; j < Tk; j++)
          {
            double a = rel[i * Tk + j] >= 0 ? exp (e[j] - max) / sum : 0.0;
            alpha[(h * Tq + i) * Tk + j] = a;
            for (size_t d = 0; d < hs; d++)
              out[i * C + h * hs + d] += a * v[j * C + h * hs + d];
          }
      }
}

static void
test_attention_single_key (void)
{
  /* each query has exactly one edge (a different key per query): out = that key's value in
   * every head, whatever the scores */
  StvaRng rng;
  stva_rng_init (&rng, 21);
  enum { Tq = 3, Tk = 4, C = 6, H = 3, R = 2 };
  float q[Tq * C], k[Tk * C], v[Tk * C], bias[R * H], out[Tq * C], alpha[H * Tq * Tk];
  int rel[Tq * Tk];
  const size_t pick[Tq] = { 2, 0, 3 };
  nn_fill_uniform (q, Tq * C, -2, 2, &rng);
  nn_fill_uniform (k, Tk * C, -2, 2, &rng);
  nn_fill_uniform (v, Tk * C, -2, 2, &rng);
  nn_fill_uniform (bias, R * H, -2, 2, &rng);
  for (size_t i = 0; i < Tq; i++)
    for (size_t j = 0; j < Tk; j++)
      rel[i * Tk + j] = j == pick[i] ? (int) (i % R) : -1;

  stva_attn_forward (out, alpha, q, k, v, rel, bias, Tq, Tk, C, H, R);
  for (size_t i = 0; i < Tq; i++)
    {
      char what[64];
      g_snprintf (what, sizeof what, "query %zu attends only key %zu", i, pick[i]);
      nn_check_close (what, out + i * C, v + pick[i] * C, C, 1e-6, 1e-6);
      for (size_t h = 0; h < H; h++)
        for (size_t j = 0; j < Tk; j++)
          g_assert_cmpfloat (alpha[(h * Tq + i) * Tk + j], ==, j == pick[i] ? 1.0f : 0.0f);
    }
}

static void
test_attention_relation_bias (void)
{
  /* two keys with identical k, so equal q·k scores; relation 1 carries bias ln 3 in head 0 and
   * nothing in head 1: head 0 splits 1/4 : 3/4, head 1 stays 1/2 : 1/2 */
  enum { Tq = 1, Tk = 2, C = 4, H = 2, R = 2 };
  const float q[C] = { 0.3f, -1, 2, 0.5f };
  const float k[Tk * C] = { 1, 2, 3, 4, 1, 2, 3, 4 };
  const float v[Tk * C] = { 1, 0, 10, 0, 0, 1, 0, 10 };
  const float bias[R * H] = { 0, 0, (float) log (3.0), 0 };   /* (R, H) */
  const int rel[Tq * Tk] = { 0, 1 };
  float out[Tq * C], alpha[H * Tq * Tk];

  stva_attn_forward (out, alpha, q, k, v, rel, bias, Tq, Tk, C, H, R);
  const float want_alpha[H * Tq * Tk] = { 0.25f, 0.75f, 0.5f, 0.5f };
  const float want_out[C] = { 0.25f, 0.75f, 5, 5 };
  stva_assert_close (alpha, want_alpha, H * Tq * Tk, 1e-6, 1e-6);
  stva_assert_close (out, want_out, C, 1e-6, 1e-6);

  /* without the bias table, relations only mask: both heads even */
  const float want_even[H * Tq * Tk] = { 0.5f, 0.5f, 0.5f, 0.5f };
  stva_attn_forward (out, alpha, q, k, v, rel, NULL, Tq, Tk, C, H, R);
  stva_assert_close (alpha, want_even, H * Tq * Tk, 1e-6, 1e-6);
}

static void
test_attention_empty_row (void)
{
  enum { Tq = 3, Tk = 3, C = 4, H = 2 };
  StvaRng rng;
  stva_rng_init (&rng, 22);
  float q[Tq * C], k[Tk * C], v[Tk * C], out[Tq * C], alpha[H * Tq * Tk];
  const int rel[Tq * Tk] = { 0, 0, 0, -1, -1, -1, 0, -1, 0 };   /* query 1 has no edge */
  nn_fill_uniform (q, Tq * C, -2, 2, &rng);
  nn_fill_uniform (k, Tk * C, -2, 2, &rng);
  nn_fill_uniform (v, Tk * C, -2, 2, &rng);
  memset (out, 0x7f, sizeof out);   /* garbage that must be overwritten */
  stva_attn_forward (out, alpha, q, k, v, rel, NULL, Tq, Tk, C, H, 1);
  nn_check_all ("output of a query without edges", out + 1 * C, 0.0, C, 0);
  for (size_t h = 0; h < H; h++)
    nn_check_all ("alpha row of a query without edges", alpha + (h * Tq + 1) * Tk, 0.0, Tk, 0);
  for (size_t i = 0; i < Tq * C; i++)
    g_assert_true (isfinite (out[i]));
}

static void
test_attention_reference (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 23);
  enum { Tq = 7, Tk = 5, C = 12, H = 3, R = 4 };
  float q[Tq * C], k[Tk * C], v[Tk * C], bias[R * H], out[Tq * C], alpha[H * Tq * Tk];
  double ref_out[Tq * C], ref_alpha[H * Tq * Tk];
  float ro[Tq * C], ra[H * Tq * Tk];
  int rel[Tq * Tk];
  nn_fill_uniform (q, Tq * C, -2, 2, &rng);
  nn_fill_uniform (k, Tk * C, -2, 2, &rng);
  nn_fill_uniform (v, Tk * C, -2, 2, &rng);
  nn_fill_uniform (bias, R * H, -1, 1, &rng);
  for (size_t i = 0; i < Tq * Tk; i++)
    rel[i] = (int) stva_rng_below (&rng, R + 1) - 1;
  for (size_t j = 0; j < Tk; j++)
    rel[4 * Tk + j] = -1;

  stva_attn_forward (out, alpha, q, k, v, rel, bias, Tq, Tk, C, H, R);
  attention_reference (ref_out, ref_alpha, q, k, v, rel, bias, Tq, Tk, C, H);
  for (size_t i = 0; i < Tq * C; i++)
    ro[i] = (float) ref_out[i];
  for (size_t i = 0; i < H * Tq * Tk; i++)
    ra[i] = (float) ref_alpha[i];
  nn_check_close ("attention out vs reference", out, ro, Tq * C, 1e-5, 1e-5);
  nn_check_close ("attention alpha vs reference", alpha, ra, H * Tq * Tk, 1e-6, 1e-5);
}

typedef struct
{
  size_t Tq, Tk, C, H, R;
  float *q, *k, *v, *bias;   /* (Tq, C), (Tk, C), (Tk, C), (R, H) or NULL */
  int   *rel;                /* (Tq, Tk) */
  float *out, *alpha, *r;    /* (Tq, C), (H, Tq, Tk), (Tq, C) */
} AttnCase;

static double
attn_loss (void *data)
{
  AttnCase *c = data;
  stva_attn_forward (c->out, c->alpha, c->q, c->k, c->v, c->rel, c->bias, c->Tq, c->Tk, c->C,
                     c->H, c->R);
  return nn_dot (c->r, c->out, c->Tq * c->C);
}

static void
check_attention_backward (size_t   Tq,
                          size_t   Tk,
                          size_t   C,
                          size_t   H,
                          size_t   R,
                          gboolean with_bias,
                          guint64  seed)
{
  StvaRng rng;
  stva_rng_init (&rng, seed);
  size_t nq = Tq * C, nk = Tk * C, nb = R * H;
  g_autofree float *q = g_new (float, nq), *k = g_new (float, nk), *v = g_new (float, nk);
  g_autofree float *bias = g_new (float, nb), *out = g_new (float, nq), *r = g_new (float, nq);
  g_autofree float *alpha = g_new (float, H * Tq * Tk);
  g_autofree float *scratch = g_new (float, stva_attn_scratch_size (Tq, Tk));
  g_autofree int *rel = g_new (int, Tq * Tk);
  g_autofree float *dq = g_new (float, nq), *dq0 = g_new (float, nq);
  g_autofree float *dk = g_new (float, nk), *dk0 = g_new (float, nk);
  g_autofree float *dv = g_new (float, nk), *dv0 = g_new (float, nk);
  g_autofree float *db = g_new (float, nb), *db0 = g_new (float, nb);
  AttnCase c = { Tq, Tk, C, H, R, q, k, v, with_bias ? bias : NULL, rel, out, alpha, r };

  nn_fill_uniform (q, nq, -1.5f, 1.5f, &rng);
  nn_fill_uniform (k, nk, -1.5f, 1.5f, &rng);
  nn_fill_uniform (v, nk, -1.5f, 1.5f, &rng);
  nn_fill_uniform (bias, nb, -1, 1, &rng);
  nn_fill_uniform (r, nq, -1, 1, &rng);
  for (size_t i = 0; i < Tq * Tk; i++)   /* about a third of the pairs without an edge */
    rel[i] = stva_rng_uniform (&rng) < 0.35 ? -1 : (int) stva_rng_below (&rng, (uint32_t) R);
  for (size_t j = 0; j < Tk; j++)        /* and query 1 with none at all */
    rel[1 * Tk + j] = -1;
  nn_prefill (dq, dq0, nq, &rng);
  nn_prefill (dk, dk0, nk, &rng);
  nn_prefill (dv, dv0, nk, &rng);
  nn_prefill (db, db0, nb, &rng);

  attn_loss (&c);
  stva_attn_backward (dq, dk, dv, with_bias ? db : NULL, r, alpha, q, k, v, rel, Tq, Tk, C, H, R,
                      scratch);
  nn_sub (dq, dq, dq0, nq);
  nn_sub (dk, dk, dk0, nk);
  nn_sub (dv, dv, dv0, nk);
  nn_sub (db, db, db0, nb);
  nn_check_grad ("attention dq", q, dq, nq, attn_loss, &c, TOL_ATTN_ATOL, TOL_ATTN_RTOL);
  nn_check_grad ("attention dk", k, dk, nk, attn_loss, &c, TOL_ATTN_ATOL, TOL_ATTN_RTOL);
  nn_check_grad ("attention dv", v, dv, nk, attn_loss, &c, TOL_ATTN_ATOL, TOL_ATTN_RTOL);
  if (with_bias)
    nn_check_grad ("attention dbias", bias, db, nb, attn_loss, &c, TOL_ATTN_ATOL,
                   TOL_ATTN_RTOL);
  else
    nn_check_all ("untouched dbias", db, 0.0, nb, 0);
  nn_check_all ("dq of a query without edges", dq + 1 * C, 0.0, C, 0);
}

static void
test_attention_backward (void)
{
  check_attention_backward (6, 5, 8, 2, 3, TRUE, 31);    /* Tq != Tk, two heads, biases */
  check_attention_backward (5, 5, 6, 1, 1, FALSE, 32);   /* MSDE's shape: one head, no bias */
  check_attention_backward (4, 4, 8, 4, 70, TRUE, 33);   /* R > 64 crosses a relation block */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/nn/attention/single-key", test_attention_single_key);
  g_test_add_func ("/core/nn/attention/relation-bias", test_attention_relation_bias);
  g_test_add_func ("/core/nn/attention/empty-row", test_attention_empty_row);
  g_test_add_func ("/core/nn/attention/reference", test_attention_reference);
  g_test_add_func ("/core/nn/attention/backward", test_attention_backward);
  return g_test_run ();
}
