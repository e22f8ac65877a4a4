/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole Sync-TVA model's gradient against central finite differences, on a tiny config
 * (D 8, H 2, L 2) and a tiny random dialogue with missing modalities (one utterance has none at
 * all), an unlabelled utterance and three speakers: for every parameter tensor a few sampled
 * entries and one random direction over the whole tensor; for CE (with class weights and label
 * smoothing) and focal loss; for the full model and each ablation.  Plus the gradient with
 * respect to the raw input features (through the normalisation), and checks that missing
 * features have no influence.  Dropout is off (p = 0): a dropout mask is not differentiable.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-nn.h"
#include "stva-model.h"
#include "nn-check.h"

/* Float32 forward passes through about twenty layers: the rounding noise of the difference
 * quotient is a few 1e-5 at h = 1e-3 for these loss values.  A missing or wrong term changes a
 * gradient by O(0.01–1) relative, far above these. */
#define TOL_ATOL 2e-4
#define TOL_RTOL 2e-2
#define N_SAMPLES 5
/* The loss is a float32 computation: its rounding noise divided by 2h dominates the error of
 * the difference quotient, so the whole-model check steps further than the layer checks'
 * 1e-3; the truncation error, O(h²), stays below 1e-5 relative for these smooth layers. */
#define FD_H 4e-3

enum { T = 6, K = 3 };

typedef struct
{
  StvaModel           model;
  StvaModelWorkspace *ws;
  StvaDialogue        dlg;
  float               class_w[K];
  float               scale;
  bool                train;     /* dropout on, with the same masks in every pass */
  StvaRng             rng;
  float              *x[STVA_N_MOD];
  uint8_t             mask[STVA_N_MOD][T];
  int                 speaker[T];
  int                 label[T];
} Fixture;

static void
tiny_config (StvaModelConfig *c)
{
  stva_model_config_init (c);
  c->F[STVA_MOD_T] = 5;
  c->F[STVA_MOD_A] = 4;
  c->F[STVA_MOD_V] = 3;
  c->K = K;
  g_assert_cmpint (stva_model_config_preset (c, "tiny", NULL), ==, STVA_OK);
  c->L = 2;
  c->seed = 7;
}

static void
fixture_init (Fixture               *fx,
              const StvaModelConfig *config,
              bool                   normalise)
{
  memset (fx, 0, sizeof *fx);
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_init (&fx->model, config, &error), ==, STVA_OK);
  fx->ws = stva_model_workspace_new (config);
  g_assert_nonnull (fx->ws);

  StvaRng rng;
  stva_rng_init (&rng, 99);
  /* move every parameter off its initial value (LayerNorm gains off 1, relation biases off 0)
   * so no term hides behind a symmetric start */
  StvaParams *p = &fx->model.params;
  for (int i = 0; i < p->n_tensors; i++)
    for (size_t k = 0; k < p->tensors[i].n; k++)
      p->values[p->tensors[i].offset + k] += (float) (0.4 * stva_rng_uniform (&rng) - 0.2);

  static const uint8_t masks[STVA_N_MOD][T] = {
    { 1, 1, 1, 0, 1, 0 },   /* T missing at 3 */
    { 1, 1, 0, 1, 1, 0 },   /* A missing at 2 */
    { 0, 1, 1, 0, 1, 0 },   /* V missing at 0 and 3; utterance 5 has nothing */
  };
  static const int speakers[T] = { 4, 7, 4, 2, 7, 4 };
  static const int labels[T] = { 0, -1, 2, 1, 2, 0 };
  memcpy (fx->mask, masks, sizeof masks);
  memcpy (fx->speaker, speakers, sizeof speakers);
  memcpy (fx->label, labels, sizeof labels);
  fx->dlg = (StvaDialogue) { .id = "tiny", .T = T, .speaker = fx->speaker, .label = fx->label };
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      int F = config->F[m];
      fx->x[m] = g_new0 (float, (size_t) T * (size_t) (F > 0 ? F : 1));
      for (int i = 0; i < T; i++)
        if (masks[m][i])
          nn_fill_uniform (fx->x[m] + i * F, (size_t) F, -1.5f, 1.5f, &rng);
      fx->dlg.x[m] = fx->x[m];
      fx->dlg.mask[m] = fx->mask[m];
      if (normalise && F > 0)
        {
          float *mean = g_new (float, F), *std = g_new (float, F);
          nn_fill_uniform (mean, (size_t) F, -0.3f, 0.3f, &rng);
          nn_fill_uniform (std, (size_t) F, 0.5f, 2.0f, &rng);
          g_assert_cmpint (stva_model_set_normalisation (&fx->model, m, mean, std, NULL), ==,
                           STVA_OK);
          g_free (mean);
          g_free (std);
        }
    }
  fx->class_w[0] = 0.7f;
  fx->class_w[1] = 1.6f;
  fx->class_w[2] = 1.1f;
  fx->scale = 0.8f;
}

static void
fixture_clear (Fixture *fx)
{
  stva_model_workspace_free (fx->ws);
  stva_model_clear (&fx->model);
  for (int m = 0; m < STVA_N_MOD; m++)
    g_free (fx->x[m]);
}

static double
fixture_loss (void *data)
{
  Fixture *fx = data;
  stva_rng_init (&fx->rng, 4242);   /* the same dropout masks in every pass */
  StvaForwardOptions options = { .train = fx->train, .rng = &fx->rng };
  StvaError error = { 0 };
  StvaStatus status = stva_model_forward (fx->ws, &fx->model, fx->model.params.values, &fx->dlg,
                                          &options, &error);
  g_assert_cmpint (status, ==, STVA_OK);
  return stva_model_loss (fx->ws, &fx->model, fx->class_w, fx->scale);
}

/* analytic gradient of the loss into grad (zeroed first) */
static double
fixture_grad (Fixture *fx,
              float   *grad,
              bool     input_grad)
{
  stva_rng_init (&fx->rng, 4242);
  StvaForwardOptions options = { .train = fx->train, .rng = &fx->rng, .input_grad = input_grad };
  memset (grad, 0, fx->model.params.n_floats * sizeof (float));
  g_assert_cmpint (stva_model_forward (fx->ws, &fx->model, fx->model.params.values, &fx->dlg,
                                       &options, NULL), ==, STVA_OK);
  return stva_model_backward (fx->ws, &fx->model, fx->model.params.values, fx->class_w,
                              fx->scale, grad);
}

/* Central difference of the loss in x[0], with the steps actually taken after rounding to
 * float, compared with analytic; x[0] is restored.  Returns |numeric|. */
static double
check_entry (const char  *what,
             float       *x,
             double       analytic,
             Fixture     *fx)
{
  float x0 = *x;
  *x = (float) (x0 + FD_H);
  double xp = *x, lp = fixture_loss (fx);
  *x = (float) (x0 - FD_H);
  double xm = *x, lm = fixture_loss (fx);
  *x = x0;
  double num = (lp - lm) / (xp - xm);
  g_autofree char *label = g_strdup_printf ("%s: analytic vs numeric gradient", what);
  nn_check_close_d (label, &analytic, &num, 1, TOL_ATOL, TOL_RTOL);
  return fabs (num);
}

/* Every tensor: N_SAMPLES entries and one random direction.  Returns how many tensors had a
 * non-negligible gradient. */
static int
check_all_tensors (Fixture *fx)
{
  StvaParams *p = &fx->model.params;
  float *grad = g_new0 (float, p->n_floats);
  double loss = fixture_grad (fx, grad, false);
  double loss2 = fixture_loss (fx);
  g_assert_cmpfloat (fabs (loss - loss2), <=, 1e-6 * fabs (loss) + 1e-9);
  g_assert_true (isfinite (loss) && loss > 0.0);

  StvaRng rng;
  stva_rng_init (&rng, 5);
  int live = 0;
  for (int t = 0; t < p->n_tensors; t++)
    {
      const StvaParamTensor *tensor = &p->tensors[t];
      float *x = p->values + tensor->offset;
      const float *g = grad + tensor->offset;
      size_t n = tensor->n;

      /* sampled entries: first, last and random ones */
      size_t ns = n < N_SAMPLES ? n : N_SAMPLES;
      float xs[N_SAMPLES], gs[N_SAMPLES];
      size_t idx[N_SAMPLES];
      for (size_t s = 0; s < ns; s++)
        idx[s] = s == 0 ? 0 : s == 1 ? n - 1 : stva_rng_below (&rng, (uint32_t) n);
      double worst = 0.0;
      for (size_t s = 0; s < ns; s++)
        {
          float saved = x[idx[s]];
          xs[s] = saved;
          gs[s] = g[idx[s]];
          g_autofree char *what = g_strdup_printf ("%s[%zu]", tensor->name, idx[s]);
          double num = check_entry (what, &x[idx[s]], gs[s], fx);
          worst = fmax (worst, num);
          g_assert_cmpfloat (x[idx[s]], ==, saved);
        }
      (void) xs;

      /* random direction v over the whole tensor: d/dε loss (x + ε v) = g · v */
      float *v = g_new (float, n), *x0 = g_new (float, n);
      memcpy (x0, x, n * sizeof (float));
      nn_fill_uniform (v, n, -1.0f, 1.0f, &rng);
      double gv = 0.0;
      for (size_t k = 0; k < n; k++)
        gv += (double) g[k] * v[k];
      double h = FD_H;
      for (size_t k = 0; k < n; k++)
        x[k] = (float) (x0[k] + h * v[k]);
      double lp = fixture_loss (fx);
      for (size_t k = 0; k < n; k++)
        x[k] = (float) (x0[k] - h * v[k]);
      double lm = fixture_loss (fx);
      memcpy (x, x0, n * sizeof (float));
      double num = (lp - lm) / (2 * h);
      g_autofree char *what = g_strdup_printf ("%s (direction)", tensor->name);
      nn_check_close_d (what, &gv, &num, 1, TOL_ATOL * sqrt ((double) n), TOL_RTOL);
      if (fabs (num) > 1e-4 || worst > 1e-4)
        live++;
      else
        g_test_message ("no gradient reaches %s", tensor->name);
      g_free (v);
      g_free (x0);
    }
  g_free (grad);
  return live;
}

static void
run_grad_check_full (const char *ablation,
                     int         loss,
                     float       dropout)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.dropout = dropout;
  c.modality_dropout = dropout;
  c.loss = loss;
  if (loss == STVA_LOSS_CE)
    c.label_smoothing = 0.1f;
  if (ablation != NULL)
    g_assert_cmpint (stva_model_config_ablation (&c, ablation, NULL), ==, STVA_OK);
  Fixture fx;
  fixture_init (&fx, &c, false);
  fx.train = dropout > 0.0f;
  int live = check_all_tensors (&fx);
  g_test_message ("%s/%s: %d of %d tensors with a non-negligible gradient, %zu parameters",
                  ablation != NULL ? ablation : "full", loss == STVA_LOSS_CE ? "ce" : "focal",
                  live, fx.model.params.n_tensors, stva_params_count (&fx.model.params));
  /* nearly every tensor must carry gradient; a few biases of unused relations may not */
  g_assert_cmpint (live, >=, fx.model.params.n_tensors * 9 / 10);
  fixture_clear (&fx);
}

static void
run_grad_check (const char *ablation,
                int         loss)
{
  run_grad_check_full (ablation, loss, 0.0f);
}

/* MSDE's context attention with speaker relation biases, full and text alone */
static void
test_grad_msde_speaker (void)
{
  for (int alone = 0; alone < 2; alone++)
    {
      StvaModelConfig c;
      tiny_config (&c);
      c.msde_speaker = true;
      c.ctx_window = 3;
      if (alone)
        g_assert_cmpint (stva_model_config_ablation (&c, "modalities=T", NULL), ==, STVA_OK);
      Fixture fx;
      fixture_init (&fx, &c, false);
      int t = stva_params_find (&fx.model.params, "msde.T.rel_bias");
      g_assert_cmpint (t, >=, 0);
      g_assert_cmpint (fx.model.params.tensors[t].n, ==, STVA_MSDE_N_RELATIONS);
      g_assert_false (fx.model.params.tensors[t].decay);
      /* non-zero biases, so each relation changes the attention */
      for (int r = 0; r < STVA_MSDE_N_RELATIONS; r++)
        fx.model.params.values[fx.model.params.tensors[t].offset + r] = 0.3f * (float) (r - 2);
      int live = check_all_tensors (&fx);
      g_assert_cmpint (live, >=, fx.model.params.n_tensors * 9 / 10);
      fixture_clear (&fx);
    }
}

/* the wide path (input -> logits), with missing rows, and the input gradient through it */
static void
test_grad_wide_path (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.wide = true;
  Fixture fx;
  fixture_init (&fx, &c, true);
  int t = stva_params_find (&fx.model.params, "wide.A.w");
  g_assert_cmpint (t, >=, 0);
  g_assert_cmpint (fx.model.params.tensors[t].shape[0], ==, c.K);
  g_assert_cmpint (fx.model.params.tensors[t].shape[1], ==, c.F[STVA_MOD_A]);
  g_assert_true (fx.model.params.tensors[t].decay);
  int live = check_all_tensors (&fx);
  g_assert_cmpint (live, >=, fx.model.params.n_tensors * 9 / 10);
  fixture_clear (&fx);
}

/* four heads, a wider FFN, two speaker slots for three speakers (the cap shares a slot),
 * windows wider than the dialogue on one side */
static void
test_grad_wide (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.D = 16;
  c.H = 4;
  c.ffn_mult = 3;
  c.S = 2;
  c.win_past = 6;
  c.win_future = 1;
  c.cross_window = 2;
  c.ctx_window = 3;
  c.loss = STVA_LOSS_FOCAL;
  c.focal_gamma = 1.5f;
  Fixture fx;
  fixture_init (&fx, &c, true);
  int live = check_all_tensors (&fx);
  g_assert_cmpint (live, >=, fx.model.params.n_tensors * 9 / 10);
  fixture_clear (&fx);
}

/* With the RNG re-seeded before every pass the dropout masks are fixed, the loss is a smooth
 * function of the parameters again, and the backward pass through the stored masks (graph
 * layers, classifier, modality dropout) can be checked like the rest. */
static void test_grad_dropout (void)     { run_grad_check_full (NULL, STVA_LOSS_CE, 0.3f); }
static void test_grad_full_ce (void)     { run_grad_check (NULL, STVA_LOSS_CE); }
static void test_grad_full_focal (void)  { run_grad_check (NULL, STVA_LOSS_FOCAL); }
static void test_grad_no_msde (void)     { run_grad_check ("no_msde", STVA_LOSS_CE); }
static void test_grad_no_graph (void)    { run_grad_check ("no_graph", STVA_LOSS_FOCAL); }
static void test_grad_no_cross (void)    { run_grad_check ("no_cross", STVA_LOSS_CE); }
static void test_grad_causal (void)      { run_grad_check ("causal", STVA_LOSS_FOCAL); }
static void test_grad_pair_ta (void)     { run_grad_check ("modalities=T,A", STVA_LOSS_CE); }
static void test_grad_single_v (void)    { run_grad_check ("modalities=V", STVA_LOSS_FOCAL); }

/* d loss / d raw features through the normalisation (and input dropout's fixed mask, when on);
 * missing rows have no influence */
static void
run_grad_input (float input_dropout,
                bool  wide)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.input_dropout = input_dropout;
  c.wide = wide;
  Fixture fx;
  fixture_init (&fx, &c, true);
  fx.train = input_dropout > 0.0f;
  float *grad = g_new0 (float, fx.model.params.n_floats);
  fixture_grad (&fx, grad, true);
  StvaRng rng;
  stva_rng_init (&rng, 17);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      size_t F = (size_t) c.F[m];
      float *dx = g_new (float, T * F);
      memcpy (dx, stva_model_workspace_input_grad (fx.ws, m), T * F * sizeof (float));
      for (int i = 0; i < T; i++)
        {
          if (!fx.mask[m][i])
            {
              /* zero gradient, and changing the features changes nothing */
              nn_check_all ("input gradient of a missing row", dx + i * F, 0.0, F, 0.0);
              double before = fixture_loss (&fx);
              fx.x[m][i * F] += 3.0f;
              double after = fixture_loss (&fx);
              fx.x[m][i * F] -= 3.0f;
              g_assert_cmpfloat (before, ==, after);
              continue;
            }
          size_t k = stva_rng_below (&rng, (uint32_t) F);
          g_autofree char *what = g_strdup_printf ("d loss / d x_%c[%d][%zu]", "TAV"[m], i, k);
          check_entry (what, &fx.x[m][i * F + k], dx[i * F + k], &fx);
          if (input_dropout > 0.0f)   /* every entry of a row: the dropped ones included */
            for (size_t k2 = 0; k2 < F; k2++)
              if (k2 != k)
                {
                  g_autofree char *w2 = g_strdup_printf ("d loss / d x_%c[%d][%zu], input "
                                                         "dropout", "TAV"[m], i, k2);
                  check_entry (w2, &fx.x[m][i * F + k2], dx[i * F + k2], &fx);
                }
        }
      if (input_dropout > 0.0f)   /* some entries were dropped, and their gradient is 0 */
        {
          size_t n_zero = 0;
          for (size_t e = 0; e < T * F; e++)
            n_zero += dx[e] == 0.0f;
          g_assert_cmpuint (n_zero, >, 0);
        }
      g_free (dx);
    }
  g_free (grad);
  fixture_clear (&fx);
}

static void test_grad_input (void)          { run_grad_input (0.0f, false); }
static void test_grad_input_dropout (void)  { run_grad_input (0.4f, false); }
static void test_grad_input_wide (void)     { run_grad_input (0.4f, true); }

/* input dropout: with its mask fixed every parameter's gradient checks too */
static void
test_grad_input_dropout_params (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.input_dropout = 0.4f;
  Fixture fx;
  fixture_init (&fx, &c, false);
  fx.train = true;
  int live = check_all_tensors (&fx);
  g_assert_cmpint (live, >=, fx.model.params.n_tensors * 9 / 10);
  fixture_clear (&fx);
}

/* backward adds: two backward passes give twice the gradient */
static void
test_grad_adds (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  Fixture fx;
  fixture_init (&fx, &c, false);
  size_t n = fx.model.params.n_floats;
  float *g1 = g_new0 (float, n), *g2 = g_new0 (float, n);
  fixture_grad (&fx, g1, false);
  fixture_grad (&fx, g2, false);
  stva_model_backward (fx.ws, &fx.model, fx.model.params.values, fx.class_w, fx.scale, g2);
  for (size_t k = 0; k < n; k++)
    g1[k] *= 2.0f;
  stva_assert_close (g2, g1, n, 1e-6, 1e-5);
  g_free (g1);
  g_free (g2);
  fixture_clear (&fx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/grad/full-ce", test_grad_full_ce);
  g_test_add_func ("/model/grad/full-focal", test_grad_full_focal);
  g_test_add_func ("/model/grad/no-msde", test_grad_no_msde);
  g_test_add_func ("/model/grad/no-graph", test_grad_no_graph);
  g_test_add_func ("/model/grad/no-cross", test_grad_no_cross);
  g_test_add_func ("/model/grad/causal", test_grad_causal);
  g_test_add_func ("/model/grad/modalities-ta", test_grad_pair_ta);
  g_test_add_func ("/model/grad/modalities-v", test_grad_single_v);
  g_test_add_func ("/model/grad/dropout", test_grad_dropout);
  g_test_add_func ("/model/grad/wide", test_grad_wide);
  g_test_add_func ("/model/grad/msde-speaker", test_grad_msde_speaker);
  g_test_add_func ("/model/grad/wide-path", test_grad_wide_path);
  g_test_add_func ("/model/grad/input", test_grad_input);
  g_test_add_func ("/model/grad/input-dropout", test_grad_input_dropout);
  g_test_add_func ("/model/grad/input-wide", test_grad_input_wide);
  g_test_add_func ("/model/grad/input-dropout-params", test_grad_input_dropout_params);
  g_test_add_func ("/model/grad/adds", test_grad_adds);
  return g_test_run ();
}
