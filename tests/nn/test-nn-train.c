/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/nn training pieces: weighted cross-entropy and focal loss (hand-worked values, the
 * reduction convention, finite-difference gradients), AdamW against a hand-computed update, the
 * warm-up + cosine schedule's endpoints and gradient-norm clipping.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-nn.h"
#include "nn-check.h"

/* The losses are computed in double from float logits, so the numeric gradient is clean to
 * about 1e-7; these tolerances leave room for the float32 dlogits. */
#define TOL_LOSS_ATOL 1e-5
#define TOL_LOSS_RTOL 1e-4

/* ---- cross-entropy --------------------------------------------------------------------------- */

/* Three rows, K = 3, class weights w = (1, 2, 0.5):
 *   row 0: z = (1, 2, 3), y = 2:  -log p_2 = log (1 + e^-1 + e^-2) = 0.40760596444438,
 *          weighted 0.5 · that = 0.20380298222219
 *   row 1: z = (0, 0, 0), y = 0:  -log p_0 = log 3 = 1.09861228866811, weight 1
 *   row 2: z = (5, 1, 1), unlabelled: nothing
 * Sum 1.30241527089030; Σ w_y = 1.5, so torch's weighted mean is 0.86827684726020. */
static const float ce_logits[9] = { 1, 2, 3, 0, 0, 0, 5, 1, 1 };   /* (T = 3, K = 3) */
static const int ce_labels[3] = { 2, 0, -1 };
static const float ce_w[3] = { 1, 2, 0.5f };

static void
test_ce_forward (void)
{
  double total = stva_loss_weight_total (ce_labels, ce_w, 3);
  g_assert_cmpfloat_with_epsilon (total, 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (stva_loss_weight_total (ce_labels, NULL, 3), 2.0, 1e-12);

  float d[9] = { 0 };
  double sum = stva_loss_ce (d, ce_logits, ce_labels, ce_w, 3, 3, 0.0f, 1.0f);
  g_assert_cmpfloat_with_epsilon (sum, 1.30241527089030, 1e-9);
  double mean = stva_loss_ce (NULL, ce_logits, ce_labels, ce_w, 3, 3, 0.0f, (float) (1 / total));
  g_assert_cmpfloat_with_epsilon (mean, 0.86827684726020, 1e-7);

  /* dlogits: w_y·(p - onehot); p of row 0 = (0.0900306, 0.2447285, 0.6652410); row 1 = 1/3 */
  const float want[9] = { 0.5f * 0.09003057317038f, 0.5f * 0.24472847105480f,
                          0.5f * (0.66524095577482f - 1), 1.0f / 3 - 1, 1.0f / 3, 1.0f / 3,
                          0, 0, 0 };
  stva_assert_close (d, want, 9, 1e-7, 1e-6);

  /* unweighted: NULL weights are all ones */
  double plain = stva_loss_ce (NULL, ce_logits, ce_labels, NULL, 3, 3, 0.0f, 1.0f);
  g_assert_cmpfloat_with_epsilon (plain, 0.40760596444438 + 1.09861228866811, 1e-9);

  /* label smoothing ε = 0.3 on row 1 alone (z = 0, y = 0): every -log p_k = log 3, so
   * l = (1 - ε)·w_0·log 3 + (ε/K)·(1 + 2 + 0.5)·log 3 = 1.05·log 3 = 1.15354290310152 */
  const int one[3] = { -1, 0, -1 };
  double smooth = stva_loss_ce (NULL, ce_logits, one, ce_w, 3, 3, 0.3f, 1.0f);
  g_assert_cmpfloat_with_epsilon (smooth, 1.15354290310152, 1e-7);

  /* only unlabelled rows: zero loss, no gradient */
  const int none[3] = { -1, -1, -1 };
  float d0[9] = { 0 };
  g_assert_cmpfloat (stva_loss_ce (d0, ce_logits, none, ce_w, 3, 3, 0.1f, 1.0f), ==, 0.0);
  nn_check_all ("dlogits with no labels", d0, 0.0, 9, 0);

  /* extreme logits stay finite */
  const float big[3] = { 1000, -1000, 0 };
  const int lab[1] = { 1 };
  g_assert_cmpfloat_with_epsilon (stva_loss_ce (NULL, big, lab, NULL, 1, 3, 0.0f, 1.0f), 2000.0,
                                  1e-9);
}

static void
test_focal_forward (void)
{
  /* γ = 0 is weighted CE, loss and gradient */
  float dce[9] = { 0 }, dfo[9] = { 0 };
  double ce = stva_loss_ce (dce, ce_logits, ce_labels, ce_w, 3, 3, 0.0f, 0.7f);
  double fo = stva_loss_focal (dfo, ce_logits, ce_labels, ce_w, 3, 3, 0.0f, 0.7f);
  g_assert_cmpfloat_with_epsilon (fo, ce, 1e-12);
  stva_assert_close (dfo, dce, 9, 1e-7, 1e-6);

  /* γ = 2 on row 1 (p_y = 1/3): (2/3)²·log 3 = 0.48827212829694, weight 1 */
  const int one[3] = { -1, 0, -1 };
  double f2 = stva_loss_focal (NULL, ce_logits, one, ce_w, 3, 3, 2.0f, 1.0f);
  g_assert_cmpfloat_with_epsilon (f2, 0.48827212829694, 1e-9);

  /* a confident right answer costs almost nothing and its gradient is finite, also for γ < 1 */
  const float sure[3] = { 40, 0, 0 };
  const int lab[1] = { 0 };
  float d[3] = { 0 };
  double l = stva_loss_focal (d, sure, lab, NULL, 1, 3, 0.5f, 1.0f);
  g_assert_cmpfloat (l, <, 1e-20);
  for (size_t i = 0; i < 3; i++)
    g_assert_true (isfinite (d[i]));
}

typedef struct
{
  gboolean     focal;
  size_t       T, K;
  float       *z;         /* (T, K) */
  const int   *labels;    /* (T) */
  const float *w;         /* (K) or NULL */
  float        setting;   /* smoothing or γ */
  float        scale;
} LossCase;

static double
loss_value (void *data)
{
  LossCase *c = data;
  if (c->focal)
    return stva_loss_focal (NULL, c->z, c->labels, c->w, c->T, c->K, c->setting, c->scale);
  return stva_loss_ce (NULL, c->z, c->labels, c->w, c->T, c->K, c->setting, c->scale);
}

static void
test_loss_backward (void)
{
  StvaRng rng;
  stva_rng_init (&rng, 41);
  enum { T = 6, K = 5, N = T * K };
  float z[N], d[N], d0[N], w[K];
  const int labels[T] = { 0, 3, -1, 4, 4, 1 };
  nn_fill_uniform (w, K, 0.3f, 2.5f, &rng);

  const struct
  {
    const char *what;
    gboolean    focal;
    gboolean    weighted;
    float       setting;
  } cases[] = {
    { "ce dlogits", FALSE, FALSE, 0.0f },
    { "weighted ce dlogits", FALSE, TRUE, 0.0f },
    { "weighted smoothed ce dlogits", FALSE, TRUE, 0.1f },
    { "focal (gamma 2) dlogits", TRUE, TRUE, 2.0f },
    { "focal (gamma 0.5) dlogits", TRUE, TRUE, 0.5f },
    { "focal (gamma 2.5, unweighted) dlogits", TRUE, FALSE, 2.5f },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LossCase c = { cases[i].focal, T, K, z, labels, cases[i].weighted ? w : NULL,
                     cases[i].setting, 0.37f };
      nn_fill_uniform (z, N, -3, 3, &rng);
      nn_prefill (d, d0, N, &rng);
      if (c.focal)
        stva_loss_focal (d, z, labels, c.w, T, K, c.setting, c.scale);
      else
        stva_loss_ce (d, z, labels, c.w, T, K, c.setting, c.scale);
      nn_sub (d, d, d0, N);
      nn_check_grad (cases[i].what, z, d, N, loss_value, &c, TOL_LOSS_ATOL, TOL_LOSS_RTOL);
      nn_check_all ("dlogits of the unlabelled row", d + 2 * K, 0.0, K, 0);
    }
}

static void
test_class_weights (void)
{
  /* 8 labels: class 0 ×4, class 1 ×2, class 2 ×2, class 3 none, one unlabelled.
   * power 1: n/(K·n_c) = 8/(4·4), 8/(4·2), 8/(4·2), absent → 1 */
  const int labels[9] = { 0, 0, 1, -1, 0, 2, 0, 1, 2 };
  float w[4];
  stva_loss_class_weights (w, labels, 9, 4, 1.0f);
  const float want1[4] = { 0.5f, 1, 1, 1 };
  stva_assert_close (w, want1, 4, 1e-7, 0);
  stva_loss_class_weights (w, labels, 9, 4, 0.5f);
  const float want_half[4] = { (float) M_SQRT1_2, 1, 1, 1 };
  stva_assert_close (w, want_half, 4, 1e-7, 1e-6);
  stva_loss_class_weights (w, labels, 9, 4, 0.0f);
  nn_check_all ("power 0 weights", w, 1.0, 4, 0);
}

/* ---- AdamW ----------------------------------------------------------------------------------- */

static void
test_adamw_step (void)
{
  /* Four floats: [0, 2) a matrix (decay), [2, 3) a bias (no decay), [3] outside every range.
   * lr 0.1, wd 0.01, β = (0.9, 0.999), eps 1e-8, g = 0.5 everywhere, p = 1, m = v = 0.
   * Step 1: decay p = 1·(1 - 0.1·0.01) = 0.999; m = 0.05; v = 0.001·0.25 = 2.5e-4;
   *   m̂ = 0.05/0.1 = 0.5, sqrt (v̂) = sqrt (2.5e-4/0.001) = 0.5, so
   *   p = 0.999 - 0.1·0.5/(0.5 + 1e-8) = 0.899000002 (decay) and 0.900000002 (no decay).
   * Step 2, g = -0.25: m = 0.05 + 0.1·(-0.25 - 0.05) = 0.02; v = 2.5e-4·0.999 + 0.001·0.0625 =
   *   3.1225e-4; bias corrections 0.19 and 0.001999:
   *   p = p·0.999 - (0.1/0.19)·0.02/(sqrt (3.1225e-4)/sqrt (0.001999) + 1e-8)
   *     = 0.87146729871 (decay; from 0.899000002) */
  float p[4] = { 1, 1, 1, 1 }, m[4] = { 0 }, v[4] = { 0 }, g[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
  const StvaParamRange ranges[2] = {
    { .offset = 0, .n = 2, .decay = true },
    { .offset = 2, .n = 1, .decay = false },
  };
  StvaAdamwConfig config = STVA_ADAMW_CONFIG_DEFAULT;
  config.weight_decay = 0.01f;

  stva_adamw_step (p, m, v, g, ranges, 2, &config, 0.1f, 1);
  const float want1[4] = { 0.899000002f, 0.899000002f, 0.900000002f, 1 };
  stva_assert_close (p, want1, 4, 1e-7, 0);
  /* float32 holds 1 - 0.9 and 1 - 0.999 to about 1e-7 and 1e-5 relative */
  g_assert_cmpfloat_with_epsilon (m[0], 0.05, 1e-7);
  g_assert_cmpfloat_with_epsilon (v[0], 2.5e-4, 1e-8);
  g_assert_cmpfloat (m[3], ==, 0.0f);

  for (size_t i = 0; i < 4; i++)
    g[i] = -0.25f;
  stva_adamw_step (p, m, v, g, ranges, 2, &config, 0.1f, 2);
  g_assert_cmpfloat_with_epsilon (m[0], 0.02, 1e-7);
  g_assert_cmpfloat_with_epsilon (v[0], 3.1225e-4, 1e-8);
  g_assert_cmpfloat_with_epsilon (p[0], 0.87146729871, 2e-7);
  g_assert_cmpfloat (p[3], ==, 1.0f);

  /* weight decay 0 and g = 0 at step 1 leave p alone (m̂ = 0) */
  float q[1] = { 3 }, mq[1] = { 0 }, vq[1] = { 0 }, gq[1] = { 0 };
  const StvaParamRange all = { .offset = 0, .n = 1, .decay = true };
  config.weight_decay = 0.0f;
  stva_adamw_step (q, mq, vq, gq, &all, 1, &config, 0.1f, 1);
  g_assert_cmpfloat (q[0], ==, 3.0f);

  /* the scaled step (clipping applied as the gradient is read) is the step on g·s, bit for bit,
   * over a range long enough for the vector loop and its tail */
  enum { N = 37 };
  float pa[N], pb[N], ma[N] = { 0 }, mb[N] = { 0 }, va[N] = { 0 }, vb[N] = { 0 };
  float ga[N], gb[N];
  const float scale = 0.3137f;
  for (int i = 0; i < N; i++)
    {
      pa[i] = pb[i] = 0.1f * (float) (i - 17);
      ga[i] = 0.05f * (float) (i % 7) - 0.13f;
      gb[i] = ga[i] * scale;
    }
  const StvaParamRange two[2] = { { .offset = 0, .n = 20, .decay = true },
                                  { .offset = 20, .n = N - 20, .decay = false } };
  config.weight_decay = 0.01f;
  for (uint64_t step = 1; step <= 3; step++)
    {
      stva_adamw_step_scaled (pa, ma, va, ga, scale, two, 2, &config, 0.01f, step);
      stva_adamw_step (pb, mb, vb, gb, two, 2, &config, 0.01f, step);
    }
  g_assert_cmpint (memcmp (pa, pb, sizeof pa), ==, 0);
  g_assert_cmpint (memcmp (va, vb, sizeof va), ==, 0);
  g_assert_cmpfloat (pa[3], !=, 0.1f * (float) (3 - 17));
}

static void
test_lr_schedule (void)
{
  /* base 1e-3, floor 1e-5, warm-up 10 of 110 steps */
  const float base = 1e-3f, floor_lr = 1e-5f;
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 0, 10, 110), 1e-4, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 4, 10, 110), 5e-4, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 9, 10, 110), 1e-3, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 10, 10, 110), 1e-3,
                                  1e-10);
  /* halfway through the decay: the mean of both ends */
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 60, 10, 110),
                                  (1e-3 + 1e-5) / 2, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 110, 10, 110), 1e-5,
                                  1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, floor_lr, 5000, 10, 110), 1e-5,
                                  1e-10);
  /* decreasing through the decay */
  float prev = INFINITY;
  for (uint64_t s = 10; s <= 110; s++)
    {
      float lr = stva_lr_warmup_cosine (base, floor_lr, s, 10, 110);
      g_assert_cmpfloat (lr, <=, prev);
      prev = lr;
    }
  /* no warm-up: starts at base; degenerate total: the floor */
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, 0, 0, 0, 100), 1e-3, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, 0, 100, 0, 100), 0, 1e-10);
  g_assert_cmpfloat_with_epsilon (stva_lr_warmup_cosine (base, 0, 3, 3, 3), 0, 1e-10);
}

static void
test_clip_grad_norm (void)
{
  /* (3, 4, 0) has norm 5: clipped to 1 it becomes (3, 4, 0)/(5 + 1e-6) */
  float g[3] = { 3, 4, 0 };
  double norm = stva_clip_grad_norm (g, 3, 1.0f);
  g_assert_cmpfloat_with_epsilon (norm, 5.0, 1e-12);
  const float want[3] = { (float) (3 / (5 + 1e-6)), (float) (4 / (5 + 1e-6)), 0 };
  stva_assert_close (g, want, 3, 1e-7, 1e-6);

  /* below the limit: untouched */
  float h[3] = { 3, 4, 0 };
  const float same[3] = { 3, 4, 0 };
  g_assert_cmpfloat_with_epsilon (stva_clip_grad_norm (h, 3, 6.0f), 5.0, 1e-12);
  stva_assert_close (h, same, 3, 0, 0);

  /* exactly at the limit torch still scales, by 5/(5 + 1e-6) */
  g_assert_cmpfloat_with_epsilon (stva_clip_grad_norm (h, 3, 5.0f), 5.0, 1e-12);
  g_assert_cmpfloat (h[1], <, 4.0f);

  /* non-finite: reported, grads untouched */
  float bad[2] = { NAN, 1 };
  g_assert_true (isnan (stva_clip_grad_norm (bad, 2, 1.0f)));
  g_assert_cmpfloat (bad[1], ==, 1.0f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/nn/loss/ce-forward", test_ce_forward);
  g_test_add_func ("/core/nn/loss/focal-forward", test_focal_forward);
  g_test_add_func ("/core/nn/loss/backward", test_loss_backward);
  g_test_add_func ("/core/nn/loss/class-weights", test_class_weights);
  g_test_add_func ("/core/nn/adamw/step", test_adamw_step);
  g_test_add_func ("/core/nn/adamw/schedule", test_lr_schedule);
  g_test_add_func ("/core/nn/adamw/clip", test_clip_grad_norm);
  return g_test_run ();
}
