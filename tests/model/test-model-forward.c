/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Sync-TVA model apart from its gradient: the config's key/value round trip, the parameter
 * table, relation ids of the pair graphs checked by hand (model.md §3), what a prediction
 * returns (probabilities, β, attention rows over exactly the graph's edges), causality with
 * win_future = 0, thread independence of workspaces, packs of dialogues against lone forwards,
 * the shared layout of a forward with no backward, and saving/loading through the model file
 * container.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-model.h"
#include "stva-model-private.h"   /* the workspace's buffers: /model/forward/no-backward */
#include "stva-modelfile.h"

enum { K = 4 };

/* ---- fixtures ---- */

static void
tiny_config (StvaModelConfig *c)
{
  stva_model_config_init (c);
  c->F[STVA_MOD_T] = 7;
  c->F[STVA_MOD_A] = 5;
  c->F[STVA_MOD_V] = 3;
  c->K = K;
  g_assert_cmpint (stva_model_config_preset (c, "tiny", NULL), ==, STVA_OK);
  c->L = 2;
  c->win_past = 3;
  c->win_future = 2;
  c->seed = 21;
}

typedef struct
{
  StvaDialogue dlg;
  float       *x[STVA_N_MOD];
  uint8_t     *mask[STVA_N_MOD];
  int         *speaker;
  int         *label;
} Dialogue;

static void
dialogue_init (Dialogue              *d,
               const StvaModelConfig *c,
               int                    T,
               uint64_t               seed)
{
  StvaRng rng;
  stva_rng_init (&rng, seed);
  memset (d, 0, sizeof *d);
  d->speaker = g_new (int, T);
  d->label = g_new (int, T);
  for (int i = 0; i < T; i++)
    {
      d->speaker[i] = (int) stva_rng_below (&rng, 3);
      d->label[i] = i % 5 == 1 ? -1 : (int) stva_rng_below (&rng, K);
    }
  d->dlg = (StvaDialogue) { .id = "d", .T = T, .speaker = d->speaker, .label = d->label };
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      int F = c->F[m];
      d->x[m] = g_new0 (float, (size_t) T * F);
      d->mask[m] = g_new (uint8_t, T);
      for (int i = 0; i < T; i++)
        {
          d->mask[m][i] = stva_rng_uniform (&rng) < 0.25 ? 0 : 1;
          for (int f = 0; f < F; f++)
            d->x[m][i * F + f] = d->mask[m][i] ? (float) stva_rng_normal (&rng) : 0.0f;
        }
      d->dlg.x[m] = d->x[m];
      d->dlg.mask[m] = d->mask[m];
    }
}

static void
dialogue_clear (Dialogue *d)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_free (d->x[m]);
      g_free (d->mask[m]);
    }
  g_free (d->speaker);
  g_free (d->label);
}

/* ---- config and parameters ---- */

static void
check_roundtrip (const StvaModelConfig *c)
{
  StvaModelConfig back;
  stva_model_config_init (&back);
  back.D = 3;   /* every field must be overwritten */
  int n = stva_model_config_n_keys ();
  for (int i = 0; i < n; i++)
    {
      char buf[64];
      stva_model_config_format (c, i, buf, sizeof buf);
      StvaError error = { 0 };
      g_assert_cmpint (stva_model_config_set (&back, stva_model_config_key (i), buf, &error), ==,
                       STVA_OK);
    }
  for (int i = 0; i < n; i++)
    {
      char a[64], b[64];
      stva_model_config_format (c, i, a, sizeof a);
      stva_model_config_format (&back, i, b, sizeof b);
      g_assert_cmpstr (a, ==, b);
    }
  g_assert_cmpint (back.D, ==, c->D);
  g_assert_true (back.lr == c->lr && back.seed == c->seed && back.loss == c->loss);
}

static void
test_config_kv (void)
{
  static const char *presets[] = { "default", "meld", "iemocap", "tiny" };
  static const char *ablations[] = { "no_msde", "no_graph", "no_cross", "causal",
                                     "modalities=T,V" };
  for (size_t p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      StvaModelConfig c;
      stva_model_config_init (&c);
      c.F[0] = 10;
      c.F[1] = 11;
      c.F[2] = 12;
      c.K = 5;
      g_assert_cmpint (stva_model_config_preset (&c, presets[p], NULL), ==, STVA_OK);
      g_assert_cmpint (stva_model_config_validate (&c, NULL), ==, STVA_OK);
      check_roundtrip (&c);
      for (size_t a = 0; a < G_N_ELEMENTS (ablations); a++)
        {
          StvaModelConfig d = c;
          g_assert_cmpint (stva_model_config_ablation (&d, ablations[a], NULL), ==, STVA_OK);
          check_roundtrip (&d);
        }
    }
  StvaModelConfig c;
  stva_model_config_init (&c);
  g_assert_cmpint (c.D, ==, 256);
  g_assert_cmpint (c.H, ==, 4);
  g_assert_cmpint (c.L, ==, 2);
  g_assert_cmpint (c.S, ==, 9);
  g_assert_cmpint (c.win_past, ==, 10);
  g_assert_cmpint (c.batch_size, ==, 16);
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_config_set (&c, "nope", "1", &error), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (error.message, "nope"));
  g_assert_cmpint (stva_model_config_set (&c, "D", "12x", &error), ==, STVA_ERR_FORMAT);
  g_assert_cmpint (stva_model_config_set (&c, "modalities", "TX", &error), ==, STVA_ERR_FORMAT);
  g_assert_cmpint (stva_model_config_ablation (&c, "no_everything", &error), ==,
                   STVA_ERR_INVALID);
  c.K = 3;
  c.F[0] = 4;
  c.H = 3;   /* 256 % 3 != 0 */
  g_assert_cmpint (stva_model_config_validate (&c, &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "divisible"));

  /* each out-of-range setting is refused with the key, the value and what is allowed */
  static const struct { const char *key, *value, *words; } bad[] = {
    { "D", "0", "D = 0 (1 to 8192)" },
    { "H", "0", "H = 0 (at least 1 head)" },
    { "dropout", "1.5", "dropout = 1.5 (0 to below 1)" },
    { "modality_dropout", "-0.1", "modality_dropout = -0.1 (0 to below 1)" },
    { "lr", "0", "lr = 0, min_lr = 0 (lr above 0" },
    { "beta2", "1", "beta2 = 1 (each 0 to below 1)" },
    { "batch_size", "0", "batch_size = 0 (at least 1 dialogue)" },
    { "max_epochs", "0", "max_epochs = 0 (at least 1)" },
    { "patience", "0", "patience = 0 (at least 1 epoch)" },
    { "threads", "1000", "threads = 1000 (1 to 256)" },
    { "warmup_frac", "1", "warmup_frac = 1 (0 to below 1)" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      StvaModelConfig v;
      stva_model_config_init (&v);
      v.F[0] = 4;
      v.K = 3;
      g_assert_cmpint (stva_model_config_set (&v, bad[i].key, bad[i].value, &error), ==, STVA_OK);
      g_assert_cmpint (stva_model_config_validate (&v, &error), ==, STVA_ERR_INVALID);
      if (strstr (error.message, bad[i].words) == NULL)
        g_error ("%s=%s: '%s' does not say '%s'", bad[i].key, bad[i].value, error.message,
                 bad[i].words);
    }
}

static void
test_params_table (void)
{
  StvaModelConfig c;
  stva_model_config_init (&c);
  g_assert_cmpint (stva_model_config_preset (&c, "meld", NULL), ==, STVA_OK);
  StvaParams p;
  g_assert_cmpint (stva_params_init (&p, &c, NULL), ==, STVA_OK);
  g_test_message ("meld preset: %d tensors, %zu parameters", p.n_tensors, stva_params_count (&p));
  size_t end = 0;
  for (int t = 0; t < p.n_tensors; t++)
    {
      const StvaParamTensor *pt = &p.tensors[t];
      g_assert_cmpuint (pt->offset, >=, end);            /* in order, no overlap */
      g_assert_cmpuint (pt->offset % 16, ==, 0);
      end = pt->offset + pt->n;
      g_assert_cmpint (stva_params_find (&p, pt->name), ==, t);   /* names unique */
      g_assert_true (pt->decay == (pt->ndim == 2 && strcmp (pt->name, "spk.emb") != 0
                                   && strstr (pt->name, "rel_bias") == NULL));
    }
  g_assert_cmpuint (end, <=, p.n_floats);
  g_assert_cmpint (stva_params_find (&p, "proj.T.w"), >=, 0);
  g_assert_cmpint (stva_params_find (&p, "msde.A.gate.w"), >=, 0);
  g_assert_cmpint (stva_params_find (&p, "graph.TA.l0.wq.T.w"), >=, 0);
  g_assert_cmpint (stva_params_find (&p, "graph.AV.l1.rel_bias"), >=, 0);
  g_assert_cmpint (stva_params_find (&p, "caf.VA.wo.w"), >=, 0);
  const StvaParamTensor *w = &p.tensors[stva_params_find (&p, "proj.A.w")];
  g_assert_cmpint (w->shape[0], ==, 64);    /* the meld preset's D (issue #17) */
  g_assert_cmpint (w->shape[1], ==, 300);
  /* its speakers are MSDE relations (one bias per relation, per modality), not slots */
  int rb = stva_params_find (&p, "msde.T.rel_bias");
  g_assert_cmpint (rb, >=, 0);
  g_assert_cmpint (p.tensors[rb].n, ==, STVA_MSDE_N_RELATIONS);
  g_assert_cmpint (p.tensors[stva_params_find (&p, "spk.emb")].shape[0], ==, 1);
  g_assert_cmpint (c.input_norm, ==, STVA_INPUT_NORM_SPARSE);
  g_assert_cmpint (stva_params_find (&p, "wide.V.w"), >=, 0);
  stva_params_clear (&p);

  /* ablations drop their tensors */
  StvaModelConfig d = c;
  stva_model_config_ablation (&d, "no_graph", NULL);
  stva_model_config_ablation (&d, "modalities=T,A", NULL);
  g_assert_cmpint (stva_params_init (&p, &d, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_params_find (&p, "graph.TA.l0.wq.T.w"), <, 0);
  g_assert_cmpint (stva_params_find (&p, "proj.V.w"), <, 0);
  g_assert_cmpint (stva_params_find (&p, "caf.TA.wq.w"), >=, 0);
  g_assert_cmpint (stva_params_find (&p, "caf.TV.wq.w"), <, 0);
  stva_params_clear (&p);
}

/* ---- graphs ---- */

static void
test_graph_relations (void)
{
  enum { N = 4 };
  StvaModelConfig c;
  stva_model_config_init (&c);
  c.win_past = 10;
  c.win_future = 10;
  c.cross_window = 1;
  bool pa[N] = { true, true, true, true }, pb[N] = { true, true, false, true };
  int spk[N] = { 0, 1, 0, 0 };
  int rel[2 * N * 2 * N];
  stva_graph_build_pair (rel, N, pa, pb, spk, &c);
#define R(v, u) rel[(v) * 2 * N + (u)]
  /* target (utterance 1, T) */
  g_assert_cmpint (R (1, 1), ==, 14);            /* self */
  g_assert_cmpint (R (1, 0), ==, 1);             /* T past, other speaker */
  g_assert_cmpint (R (1, 2), ==, 3);             /* T future, other speaker */
  g_assert_cmpint (R (0, 2), ==, 2);             /* T future, same speaker */
  g_assert_cmpint (R (3, 0), ==, 0);             /* T past, same speaker */
  g_assert_cmpint (R (1, N + 1), ==, 8);         /* A -> T synchronous */
  g_assert_cmpint (R (1, N + 0), ==, 10);        /* A -> T contextual, past */
  g_assert_cmpint (R (0, N + 1), ==, 11);        /* A -> T contextual, future */
  g_assert_cmpint (R (0, N + 3), ==, -1);        /* beyond W_x */
  /* target (utterance 1, A) */
  g_assert_cmpint (R (N + 1, N + 1), ==, 15);
  g_assert_cmpint (R (N + 1, N + 0), ==, 4 + 1); /* A past, other speaker */
  g_assert_cmpint (R (N + 3, N + 0), ==, 4);     /* A past, same speaker */
  g_assert_cmpint (R (N + 1, 1), ==, 9);         /* T -> A synchronous */
  g_assert_cmpint (R (N + 1, 0), ==, 12);        /* T -> A contextual, past */
  g_assert_cmpint (R (N + 1, 2), ==, 13);        /* T -> A contextual, future */
  g_assert_cmpint (R (N + 1, N + 3), ==, 4 + 2 + 1);   /* A future, other speaker */
  g_assert_cmpint (R (N + 0, N + 3), ==, 4 + 2);       /* A future, same speaker */
  /* the missing node (2, A) has no edge in or out */
  for (int u = 0; u < 2 * N; u++)
    {
      g_assert_cmpint (R (N + 2, u), ==, -1);
      g_assert_cmpint (R (u, N + 2), ==, -1);
    }
  /* causal: nothing from a later utterance */
  c.win_future = 0;
  stva_graph_build_pair (rel, N, pa, pb, spk, &c);
  for (int v = 0; v < 2 * N; v++)
    for (int u = 0; u < 2 * N; u++)
      if (u % N > v % N)
        g_assert_cmpint (R (v, u), ==, -1);
  g_assert_cmpint (R (1, N + 0), ==, 10);
  g_assert_cmpint (R (1, 0), ==, 1);
#undef R
  /* speaker slots: order of appearance, capped */
  int ids[8] = { 40, 7, 40, 9, 12, 7, 33, 12 }, slots[8];
  int want3[8] = { 0, 1, 0, 2, 2, 1, 2, 2 }, want9[8] = { 0, 1, 0, 2, 3, 1, 4, 3 };
  stva_graph_speaker_slots (slots, ids, 8, 3);
  for (int i = 0; i < 8; i++)
    g_assert_cmpint (slots[i], ==, want3[i]);
  stva_graph_speaker_slots (slots, ids, 8, 9);
  for (int i = 0; i < 8; i++)
    g_assert_cmpint (slots[i], ==, want9[i]);
  /* every relation name differs within a pair */
  for (int p = 0; p < STVA_N_PAIRS; p++)
    for (int r = 0; r < STVA_GRAPH_N_RELATIONS; r++)
      for (int s = r + 1; s < STVA_GRAPH_N_RELATIONS; s++)
        g_assert_cmpstr (stva_relation_name (p, r), !=, stva_relation_name (p, s));
}

/* ---- forward and prediction ---- */

static void
check_rows (const char  *what,
            const float *alpha,
            const int   *rel,
            int          rows,
            int          cols,
            const bool  *row_live)
{
  for (int i = 0; i < rows; i++)
    {
      double sum = 0.0;
      for (int j = 0; j < cols; j++)
        {
          float a = alpha[i * cols + j];
          if (rel[i * cols + j] < 0 && a != 0.0f)
            g_test_fail_printf ("%s: row %d column %d has weight %g and no edge", what, i, j, a);
          g_assert_true (a >= 0.0f && a <= 1.0f);
          sum += a;
        }
      double want = row_live[i] ? 1.0 : 0.0;
      if (fabs (sum - want) > 1e-5)
        g_test_fail_printf ("%s: row %d sums to %g, want %g", what, i, sum, want);
    }
}

static void
test_predict_outputs (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  Dialogue d;
  enum { T = 9 };
  dialogue_init (&d, &c, T, 4);
  StvaModelOutput out;
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_predict (&model, NULL, &d.dlg, &out, &error), ==, STVA_OK);
  g_assert_cmpint (out.T, ==, T);
  for (int i = 0; i < T; i++)
    {
      double sum = 0.0;
      int best = 0;
      for (int k = 0; k < K; k++)
        {
          sum += out.probs[i * K + k];
          if (out.probs[i * K + k] > out.probs[i * K + best])
            best = k;
        }
      g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-5);
      g_assert_cmpint (out.pred[i], ==, best);
      g_assert_cmpfloat (out.confidence[i], ==, out.probs[i * K + best]);
      g_assert_true (out.margin[i] >= 0.0f && out.margin[i] <= out.confidence[i]);
      g_assert_true (out.entropy[i] >= 0.0f && out.entropy[i] <= log (K) + 1e-5);
      double bsum = 0.0;
      int present = 0;
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          g_assert_cmpint (out.present[m * T + i], ==, d.mask[m][i]);
          if (!d.mask[m][i])
            g_assert_cmpfloat (out.beta[i * 3 + m], ==, 0.0f);
          bsum += out.beta[i * 3 + m];
          present += d.mask[m][i];
        }
      g_assert_cmpfloat (fabs (bsum - (present > 0 ? 1.0 : 0.0)), <, 1e-5);
    }
  /* graph attention: rows over exactly the edges, summing to 1 for present nodes */
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      g_assert_nonnull (out.graph_rel[p]);
      bool live[2 * T];
      for (int s = 0; s < 2; s++)
        for (int i = 0; i < T; i++)
          live[s * T + i] = d.mask[stva_pair_mod[p][s]][i];
      for (int l = 0; l < c.L; l++)
        for (int h = 0; h < c.H; h++)
          check_rows ("graph", out.graph_alpha[p][l] + (size_t) h * 4 * T * T, out.graph_rel[p],
                      2 * T, 2 * T, live);
      g_assert_null (out.graph_alpha[p][c.L]);
      /* the edge list names the same edges, and their weights of a node sum to 1 */
      size_t n_edges = stva_model_output_graph_edges (&out, p, NULL);
      g_assert_cmpuint (n_edges, ==, stva_graph_count_edges (out.graph_rel[p], 2 * T, 2 * T));
      StvaGraphEdge *edges = g_new (StvaGraphEdge, n_edges);
      g_assert_cmpuint (stva_model_output_graph_edges (&out, p, edges), ==, n_edges);
      double sum[2 * T] = { 0 };
      for (size_t k = 0; k < n_edges; k++)
        {
          g_assert_cmpint (edges[k].relation, ==,
                           out.graph_rel[p][edges[k].dst * 2 * T + edges[k].src]);
          sum[edges[k].dst] += out.graph_alpha[p][1][(size_t) (1 * 2 * T + edges[k].dst) * 2 * T
                                                     + edges[k].src];
        }
      for (int v = 0; v < 2 * T; v++)
        g_assert_cmpfloat (fabs (sum[v] - (live[v] ? 1.0 : 0.0)), <, 1e-5);
      g_free (edges);
    }
  /* CAF maps: a query row is live when it and some key in its window are present */
  for (int m = 0; m < STVA_N_MOD; m++)
    for (int m2 = 0; m2 < STVA_N_MOD; m2++)
      {
        if (m == m2)
          {
            g_assert_null (out.caf_alpha[m][m2]);
            continue;
          }
        int rel[T * T];
        bool live[T];
        bool pq[T], pk[T];
        for (int i = 0; i < T; i++)
          {
            pq[i] = d.mask[m][i];
            pk[i] = d.mask[m2][i];
          }
        stva_graph_build_window (rel, T, pq, pk, -c.win_past, c.win_future);
        for (int i = 0; i < T; i++)
          live[i] = stva_graph_count_edges (rel + i * T, 1, T) > 0;
        for (int h = 0; h < c.H; h++)
          check_rows ("caf", out.caf_alpha[m][m2] + (size_t) h * T * T, rel, T, T, live);
      }
  stva_model_output_clear (&out);
  dialogue_clear (&d);
  stva_model_clear (&model);
}

/* with win_future = 0 the outputs of utterances <= i do not depend on later ones */
static void
test_forward_causal (void)
{
  for (int causal = 0; causal < 2; causal++)
    {
      StvaModelConfig c;
      tiny_config (&c);
      if (causal)
        stva_model_config_ablation (&c, "causal", NULL);
      StvaModel model;
      g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
      enum { T = 8, CUT = 4 };
      Dialogue a, b;
      dialogue_init (&a, &c, T, 9);
      dialogue_init (&b, &c, T, 9);
      for (int m = 0; m < STVA_N_MOD; m++)   /* b differs from a after CUT */
        for (int k = (CUT + 1) * c.F[m]; k < T * c.F[m]; k++)
          b.x[m][k] += 0.5f;
      StvaModelOutput oa, ob;
      g_assert_cmpint (stva_model_predict (&model, NULL, &a.dlg, &oa, NULL), ==, STVA_OK);
      g_assert_cmpint (stva_model_predict (&model, NULL, &b.dlg, &ob, NULL), ==, STVA_OK);
      double diff = 0.0;
      for (int k = 0; k < (CUT + 1) * K; k++)
        diff = fmax (diff, fabs (oa.logits[k] - ob.logits[k]));
      g_test_message ("%s: largest change of an early logit %g", causal ? "causal" : "full",
                      diff);
      if (causal)
        g_assert_cmpfloat (diff, <, 1e-6);
      else
        g_assert_cmpfloat (diff, >, 1e-4);   /* the check above can see a leak */
      stva_model_output_clear (&oa);
      stva_model_output_clear (&ob);
      dialogue_clear (&a);
      dialogue_clear (&b);
      stva_model_clear (&model);
    }
}

/* one-utterance dialogues, with and without any modality: finite outputs and gradients */
static void
test_forward_single (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.dropout = 0.2f;
  c.modality_dropout = 0.5f;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaModelWorkspace *ws = stva_model_workspace_new (&c);
  float *grad = g_new0 (float, model.params.n_floats);
  for (int none = 0; none < 2; none++)
    {
      Dialogue d;
      dialogue_init (&d, &c, 1, 5);
      d.label[0] = 2;
      for (int m = 0; m < STVA_N_MOD; m++)
        d.mask[m][0] = !none;
      StvaRng rng;
      stva_rng_init (&rng, 3);
      StvaForwardOptions options = { .train = true, .rng = &rng };
      StvaError error = { 0 };
      g_assert_cmpint (stva_model_forward (ws, &model, model.params.values, &d.dlg, &options,
                                           &error), ==, STVA_OK);
      double loss = stva_model_backward (ws, &model, model.params.values, NULL, 1.0f, grad);
      g_assert_true (isfinite (loss) && loss > 0.0);
      for (size_t k = 0; k < model.params.n_floats; k++)
        g_assert_true (isfinite (grad[k]));
      StvaModelOutput out;
      g_assert_cmpint (stva_model_predict (&model, ws, &d.dlg, &out, &error), ==, STVA_OK);
      g_assert_cmpfloat (fabs (out.probs[0] + out.probs[1] + out.probs[2] + out.probs[3] - 1.0),
                         <, 1e-5);
      stva_model_output_clear (&out);
      dialogue_clear (&d);
    }
  g_free (grad);
  stva_model_workspace_free (ws);
  stva_model_clear (&model);
}

typedef struct
{
  const StvaModel    *model;
  const StvaDialogue *dlg;
  float               logits[64 * K];
} ThreadJob;

static gpointer
predict_thread (gpointer data)
{
  ThreadJob *job = data;
  StvaModelWorkspace *ws = stva_model_workspace_new (&job->model->config);
  for (int rep = 0; rep < 20; rep++)
    {
      StvaModelOutput out;
      g_assert_cmpint (stva_model_predict (job->model, ws, job->dlg, &out, NULL), ==, STVA_OK);
      memcpy (job->logits, out.logits, (size_t) job->dlg->T * K * sizeof (float));
      stva_model_output_clear (&out);
    }
  stva_model_workspace_free (ws);
  return NULL;
}

/* several threads on one model, each with its own workspace, agree with a lone run */
static void
test_forward_threads (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  Dialogue d[2];
  dialogue_init (&d[0], &c, 11, 1);
  dialogue_init (&d[1], &c, 30, 2);
  ThreadJob jobs[4];
  GThread *threads[4];
  for (int t = 0; t < 4; t++)
    {
      jobs[t] = (ThreadJob) { .model = &model, .dlg = &d[t % 2].dlg };
      threads[t] = g_thread_new ("predict", predict_thread, &jobs[t]);
    }
  for (int t = 0; t < 4; t++)
    g_thread_join (threads[t]);
  for (int t = 0; t < 2; t++)
    {
      ThreadJob lone = { .model = &model, .dlg = &d[t].dlg };
      predict_thread (&lone);
      g_assert_cmpint (memcmp (lone.logits, jobs[t].logits, (size_t) d[t].dlg.T * K * 4), ==, 0);
      g_assert_cmpint (memcmp (lone.logits, jobs[t + 2].logits, (size_t) d[t].dlg.T * K * 4), ==,
                       0);
      dialogue_clear (&d[t]);
    }
  stva_model_clear (&model);
}

/* largest |a - b| / (1 + |b|) over n floats */
static double
max_rel_diff (const float *a,
              const float *b,
              size_t       n)
{
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - b[i]) / (1.0 + fabs ((double) b[i]));
      worst = d > worst ? d : worst;
    }
  return worst;
}

/* A workspace with its helper thread (stva_model_workspace_set_threads) predicts what a one-thread
 * workspace predicts, every attention map included, to rounding (the split products go through
 * another kernel), and the same bits every time; a pack too.  D = 64 so the products are wide
 * enough to be split; a 40-utterance dialogue takes cblas_sgemm on one thread. */
static void
test_forward_duo (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.D = 64;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  enum { N_DLG = 3 };
  const int lengths[N_DLG] = { 3, 40, 12 };
  Dialogue d[N_DLG];
  const StvaDialogue *dlgs[N_DLG];
  for (int k = 0; k < N_DLG; k++)
    {
      dialogue_init (&d[k], &c, lengths[k], 70 + (uint64_t) k);
      dlgs[k] = &d[k].dlg;
    }
  StvaModelWorkspace *one = stva_model_workspace_new (&c), *two = stva_model_workspace_new (&c);
  g_assert_cmpint (stva_model_workspace_set_threads (one, 1), ==, 1);
  g_assert_cmpint (stva_model_workspace_set_threads (two, 2), ==, 2);
  g_assert_cmpint (stva_model_workspace_set_threads (two, 2), ==, 2);   /* idempotent */
  StvaError error = { 0 };
  size_t H = (size_t) c.H;
  for (int k = 0; k < N_DLG; k++)
    {
      size_t T = (size_t) lengths[k];
      StvaModelOutput a, b, b2;
      g_assert_cmpint (stva_model_predict (&model, one, dlgs[k], &a, &error), ==, STVA_OK);
      g_assert_cmpint (stva_model_predict (&model, two, dlgs[k], &b, &error), ==, STVA_OK);
      g_assert_cmpint (stva_model_predict (&model, two, dlgs[k], &b2, &error), ==, STVA_OK);
      g_assert_cmpfloat (max_rel_diff (b.logits, a.logits, T * K), <, 1e-5);
      g_assert_cmpfloat (max_rel_diff (b.probs, a.probs, T * K), <, 1e-5);
      g_assert_cmpfloat (max_rel_diff (b.beta, a.beta, T * 3), <, 1e-5);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          g_assert_cmpfloat (max_rel_diff (b.msde_alpha[m], a.msde_alpha[m], T * T), <, 1e-5);
          for (int m2 = 0; m2 < STVA_N_MOD; m2++)
            if (m2 != m)
              g_assert_cmpfloat (max_rel_diff (b.caf_alpha[m][m2], a.caf_alpha[m][m2],
                                               H * T * T), <, 1e-5);
        }
      for (int p = 0; p < STVA_N_PAIRS; p++)
        for (int l = 0; l < c.L; l++)
          g_assert_cmpfloat (max_rel_diff (b.graph_alpha[p][l], a.graph_alpha[p][l],
                                           H * 4 * T * T), <, 1e-5);
      g_assert_cmpint (memcmp (b.logits, b2.logits, T * K * sizeof (float)), ==, 0);
      g_assert_cmpint (memcmp (b.graph_alpha[0][0], b2.graph_alpha[0][0],
                               H * 4 * T * T * sizeof (float)), ==, 0);
      stva_model_output_clear (&a);
      stva_model_output_clear (&b);
      stva_model_output_clear (&b2);
    }
  /* a pack on two threads against the lone one-thread predictions */
  StvaModelOutput outs[N_DLG];
  g_assert_cmpint (stva_model_predict_batch (&model, two, dlgs, N_DLG, outs, &error), ==,
                   STVA_OK);
  for (int k = 0; k < N_DLG; k++)
    {
      StvaModelOutput a;
      g_assert_cmpint (stva_model_predict (&model, one, dlgs[k], &a, &error), ==, STVA_OK);
      g_assert_cmpfloat (max_rel_diff (outs[k].probs, a.probs, (size_t) lengths[k] * K), <, 1e-5);
      stva_model_output_clear (&a);
      stva_model_output_clear (&outs[k]);
    }
  g_assert_cmpint (stva_model_workspace_set_threads (two, 1), ==, 1);   /* stops the helper */
  stva_model_workspace_free (one);
  stva_model_workspace_free (two);
  for (int k = 0; k < N_DLG; k++)
    dialogue_clear (&d[k]);
  stva_model_clear (&model);
}

/* A pack of dialogues stacked into one forward gives each dialogue what its lone forward gives
 * (training mode: dropout and modality dropout drawn from the dialogue's own RNG), its backward
 * the sum of the lone gradients, and stva_model_predict_batch the lone predictions with every
 * attention map. */
static void
test_forward_pack (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.dropout = 0.3f;
  c.modality_dropout = 0.3f;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  enum { N_DLG = 4 };
  const int lengths[N_DLG] = { 9, 1, 17, 4 };
  Dialogue d[N_DLG];
  const StvaDialogue *dlgs[N_DLG];
  int rows = 0;
  for (int k = 0; k < N_DLG; k++)
    {
      dialogue_init (&d[k], &c, lengths[k], 40 + (uint64_t) k);
      dlgs[k] = &d[k].dlg;
      rows += lengths[k];
    }
  d[1].dlg.label = NULL;   /* an unlabelled dialogue in the pack */
  size_t nf = model.params.n_floats;
  StvaModelWorkspace *ws = stva_model_workspace_new (&c);
  float *grad_lone = g_new0 (float, nf), *grad_pack = g_new0 (float, nf);
  float *logits_lone = g_new0 (float, (size_t) rows * K);
  StvaError error = { 0 };

  double loss_lone = 0.0;
  for (int k = 0, r = 0; k < N_DLG; r += lengths[k], k++)
    {
      StvaRng rng;
      stva_rng_derive (&rng, 7, (uint64_t) k);
      StvaForwardOptions options = { .train = true, .rng = &rng };
      g_assert_cmpint (stva_model_forward (ws, &model, model.params.values, dlgs[k], &options,
                                           &error), ==, STVA_OK);
      memcpy (logits_lone + (size_t) r * K, stva_model_workspace_logits (ws),
              (size_t) lengths[k] * K * sizeof (float));
      loss_lone += stva_model_backward (ws, &model, model.params.values, NULL, 0.1f, grad_lone);
    }

  StvaRng rngs[N_DLG];
  for (int k = 0; k < N_DLG; k++)
    stva_rng_derive (&rngs[k], 7, (uint64_t) k);
  StvaForwardOptions options = { .train = true, .rng = rngs };
  g_assert_cmpint (stva_model_forward_batch (ws, &model, model.params.values, dlgs, N_DLG,
                                             &options, &error), ==, STVA_OK);
  g_assert_cmpfloat (max_rel_diff (stva_model_workspace_logits (ws), logits_lone,
                                   (size_t) rows * K), <, 1e-5);
  double loss_pack = stva_model_backward (ws, &model, model.params.values, NULL, 0.1f,
                                          grad_pack);
  g_assert_cmpfloat (fabs (loss_pack - loss_lone), <, 1e-5 * (1.0 + fabs (loss_lone)));
  g_assert_cmpfloat (max_rel_diff (grad_pack, grad_lone, nf), <, 1e-5);
  double gsum = 0.0;
  for (size_t i = 0; i < nf; i++)
    gsum += fabs (grad_pack[i]);
  g_assert_cmpfloat (gsum, >, 0.0);

  /* predictions: pack against lone, attention maps included */
  StvaModelOutput outs[N_DLG];
  g_assert_cmpint (stva_model_predict_batch (&model, ws, dlgs, N_DLG, outs, &error), ==,
                   STVA_OK);
  for (int k = 0; k < N_DLG; k++)
    {
      StvaModelOutput lone;
      size_t T = (size_t) lengths[k], H = (size_t) c.H;
      g_assert_cmpint (stva_model_predict (&model, NULL, dlgs[k], &lone, &error), ==, STVA_OK);
      g_assert_cmpint (outs[k].T, ==, lone.T);
      g_assert_cmpfloat (max_rel_diff (outs[k].probs, lone.probs, T * K), <, 1e-5);
      g_assert_cmpfloat (max_rel_diff (outs[k].beta, lone.beta, T * 3), <, 1e-5);
      g_assert_cmpint (memcmp (outs[k].present, lone.present, 3 * T), ==, 0);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          g_assert_cmpfloat (max_rel_diff (outs[k].msde_alpha[m], lone.msde_alpha[m], T * T), <,
                             1e-5);
          for (int m2 = 0; m2 < STVA_N_MOD; m2++)
            if (m2 != m)
              g_assert_cmpfloat (max_rel_diff (outs[k].caf_alpha[m][m2], lone.caf_alpha[m][m2],
                                               H * T * T), <, 1e-5);
        }
      for (int p = 0; p < STVA_N_PAIRS; p++)
        {
          g_assert_cmpint (memcmp (outs[k].graph_rel[p], lone.graph_rel[p],
                                   4 * T * T * sizeof (int)), ==, 0);
          for (int l = 0; l < c.L; l++)
            g_assert_cmpfloat (max_rel_diff (outs[k].graph_alpha[p][l], lone.graph_alpha[p][l],
                                             H * 4 * T * T), <, 1e-5);
        }
      stva_model_output_clear (&lone);
      stva_model_output_clear (&outs[k]);
    }

  /* a bad dialogue anywhere in the pack is named */
  d[2].dlg.id = "bad-one";
  d[2].label[3] = K;
  g_assert_cmpint (stva_model_forward_batch (ws, &model, model.params.values, dlgs, N_DLG,
                                             &options, &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "bad-one"));

  g_free (grad_lone);
  g_free (grad_pack);
  g_free (logits_lone);
  for (int k = 0; k < N_DLG; k++)
    dialogue_clear (&d[k]);
  stva_model_workspace_free (ws);
  stva_model_clear (&model);
}

/* backward after a forward with no_backward stops on its assertion (a caller's bug) */
static void
test_forward_no_backward_refused (void)
{
#ifndef NDEBUG
  if (g_test_subprocess ())
    {
      StvaModelConfig c;
      tiny_config (&c);
      StvaModel model;
      g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
      Dialogue d;
      dialogue_init (&d, &c, 5, 3);
      StvaModelWorkspace *ws = stva_model_workspace_new (&c);
      StvaError error = { 0 };
      StvaForwardOptions drop = { .no_backward = true };
      g_assert_cmpint (stva_model_forward (ws, &model, model.params.values, &d.dlg, &drop, &error),
                       ==, STVA_OK);
      float *g = g_new0 (float, model.params.n_floats);
      stva_model_backward (ws, &model, model.params.values, NULL, 1.0f, g);
      return;   /* not reached */
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*no_backward*");
#else
  g_test_skip ("assertions are compiled out (NDEBUG): /model/forward/no-backward checks the NAN");
#endif
}

/* A forward with no_backward lays the pair graphs' layers over one set of intermediates: the
 * same logits and the same attention maps of every pair and layer, bit for bit, as the full
 * layout, in a smaller block; the workspace then takes a training forward and backward as a
 * fresh one does; and backward refuses the shared forward. */
static void
test_forward_no_backward (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  c.L = 3;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  enum { N_DLG = 3 };
  const int lengths[N_DLG] = { 6, 1, 13 };
  Dialogue d[N_DLG];
  const StvaDialogue *dlgs[N_DLG];
  int rows = 0;
  for (int k = 0; k < N_DLG; k++)
    {
      dialogue_init (&d[k], &c, lengths[k], 90 + (uint64_t) k);
      dlgs[k] = &d[k].dlg;
      rows += lengths[k];
    }
  StvaModelWorkspace *full = stva_model_workspace_new (&c), *shared = stva_model_workspace_new (&c);
  StvaError error = { 0 };
  StvaForwardOptions keep = { .train = false }, drop = { .train = false, .no_backward = true };
  g_assert_cmpint (stva_model_forward_batch (full, &model, model.params.values, dlgs, N_DLG, &keep,
                                             &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_forward_batch (shared, &model, model.params.values, dlgs, N_DLG,
                                             &drop, &error), ==, STVA_OK);
  g_assert_cmpint (memcmp (stva_model_workspace_logits (full), stva_model_workspace_logits (shared),
                           (size_t) rows * K * sizeof (float)), ==, 0);
  size_t n_alpha = (size_t) c.H * full->sq2[N_DLG];
  g_assert_cmpuint (n_alpha, >, 0);
  for (int p = 0; p < STVA_N_PAIRS; p++)
    for (int l = 0; l < c.L; l++)
      {
        g_assert_true (shared->gl[p][l].alpha != shared->gl[p][0].alpha || l == 0);
        g_assert_cmpint (memcmp (full->gl[p][l].alpha, shared->gl[p][l].alpha,
                                 n_alpha * sizeof (float)), ==, 0);
      }
  size_t n_sq1 = full->sq1[N_DLG];
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_assert_cmpint (memcmp (full->malpha[m], shared->malpha[m], n_sq1 * sizeof (float)), ==, 0);
      for (int m2 = 0; m2 < STVA_N_MOD; m2++)
        if (m2 != m)
          g_assert_cmpint (memcmp (full->calpha[m][m2], shared->calpha[m][m2],
                                   (size_t) c.H * n_sq1 * sizeof (float)), ==, 0);
    }
  g_assert_cmpint (memcmp (full->beta, shared->beta, (size_t) rows * 3 * sizeof (float)), ==, 0);
  /* what is shared is what was asked for: the later layers use the first one's q, the later
   * modalities the first one's MSDE query, the later CAF pairs the first pair's */
  g_assert_true (shared->gl[2][2].q == shared->gl[0][0].q);
  g_assert_true (full->gl[2][2].q != full->gl[0][0].q);
  g_assert_true (shared->mq[STVA_MOD_V] == shared->mq[STVA_MOD_T]);
  g_assert_true (shared->cq[STVA_MOD_V][STVA_MOD_A] == shared->cq[STVA_MOD_T][STVA_MOD_A]);
  g_assert_true (shared->xs[STVA_MOD_V] != shared->xs[STVA_MOD_T]);
  g_assert_cmpuint (shared->f_cap, <, full->f_cap);

  /* the shared workspace trains as a fresh one does */
  size_t nf = model.params.n_floats;
  float *g_full = g_new0 (float, nf), *g_shared = g_new0 (float, nf);
  StvaRng r1, r2;
  stva_rng_init (&r1, 5);
  stva_rng_init (&r2, 5);
  StvaForwardOptions t1 = { .train = true, .rng = &r1 }, t2 = { .train = true, .rng = &r2 };
  g_assert_cmpint (stva_model_forward (full, &model, model.params.values, dlgs[2], &t1, &error),
                   ==, STVA_OK);
  g_assert_cmpint (stva_model_forward (shared, &model, model.params.values, dlgs[2], &t2, &error),
                   ==, STVA_OK);
  double l1 = stva_model_backward (full, &model, model.params.values, NULL, 1.0f, g_full);
  double l2 = stva_model_backward (shared, &model, model.params.values, NULL, 1.0f, g_shared);
  g_assert_cmpfloat (l1, ==, l2);
  g_assert_cmpint (memcmp (g_full, g_shared, nf * sizeof (float)), ==, 0);
  g_free (g_full);
  g_free (g_shared);

  /* no backward through a shared forward */
  g_assert_cmpint (stva_model_forward_batch (shared, &model, model.params.values, dlgs, N_DLG,
                                             &drop, &error), ==, STVA_OK);
#ifdef NDEBUG
  float *g = g_new0 (float, nf);
  g_assert_true (isnan (stva_model_backward (shared, &model, model.params.values, NULL, 1.0f, g)));
  g_free (g);
#endif
  stva_model_workspace_free (full);
  stva_model_workspace_free (shared);
  for (int k = 0; k < N_DLG; k++)
    dialogue_clear (&d[k]);
  stva_model_clear (&model);
}

/* ---- model files ---- */

static void
test_model_file (void)
{
  StvaModelConfig c;
  tiny_config (&c);
  stva_model_config_ablation (&c, "no_cross", NULL);
  c.lr = 3.3e-4f;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaRng rng;
  stva_rng_init (&rng, 8);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      float mean[8], std[8];
      for (int f = 0; f < c.F[m]; f++)
        {
          mean[f] = (float) stva_rng_normal (&rng);
          std[f] = 0.5f + (float) stva_rng_uniform (&rng);
        }
      g_assert_cmpint (stva_model_set_normalisation (&model, m, mean, std, NULL), ==, STVA_OK);
    }
  model.labels = calloc (K, sizeof (char *));
  for (int k = 0; k < K; k++)
    {
      char name[32];
      snprintf (name, sizeof name, "emotion-%d", k);
      model.labels[k] = strdup (name);
    }

  g_autofree char *dir = g_dir_make_tmp ("stva-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.stvm", NULL);
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_save (&model, path, &error), ==, STVA_OK);
  StvaModel back;
  g_assert_cmpint (stva_model_load (&back, path, &error), ==, STVA_OK);
  g_assert_cmpint (back.params.n_floats, ==, model.params.n_floats);
  g_assert_cmpint (memcmp (back.params.values, model.params.values,
                           model.params.n_floats * sizeof (float)), ==, 0);
  g_assert_true (back.config.lr == c.lr && !back.config.use_cross && back.config.L == 2);
  g_assert_cmpstr (back.labels[2], ==, "emotion-2");
  g_assert_cmpint (memcmp (back.std[1], model.std[1], (size_t) c.F[1] * sizeof (float)), ==, 0);

  Dialogue d;
  dialogue_init (&d, &c, 7, 3);
  StvaModelOutput oa, ob;
  g_assert_cmpint (stva_model_predict (&model, NULL, &d.dlg, &oa, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_model_predict (&back, NULL, &d.dlg, &ob, NULL), ==, STVA_OK);
  g_assert_cmpint (memcmp (oa.logits, ob.logits, 7 * K * sizeof (float)), ==, 0);
  stva_model_output_clear (&oa);
  stva_model_output_clear (&ob);
  dialogue_clear (&d);

  /* broken files: a tensor missing, a config that does not fit the tensors, an unknown key */
  StvaModelFile mf;
  g_assert_cmpint (stva_modelfile_read (path, &mf, &error), ==, STVA_OK);
  uint8_t *buf = NULL;
  size_t n = 0;
  StvaModel bad;
  mf.n_tensors--;
  StvaNamedTensor last = mf.tensors[mf.n_tensors];
  g_assert_cmpint (stva_modelfile_to_buffer (&mf, &buf, &n, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_buffer (&bad, buf, n, &error), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (error.message, last.name));
  free (buf);
  mf.n_tensors++;
  for (int i = 0; i < mf.n_config; i++)
    if (strcmp (mf.config[i].key, "ffn_mult") == 0)
      {
        free (mf.config[i].value);
        mf.config[i].value = strdup ("3");
      }
  g_assert_cmpint (stva_modelfile_to_buffer (&mf, &buf, &n, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_buffer (&bad, buf, n, &error), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (error.message, "ffn1"));
  free (buf);
  for (int i = 0; i < mf.n_config; i++)   /* a config far bigger than the tensors */
    if (strcmp (mf.config[i].key, "ffn_mult") == 0)
      {
        free (mf.config[i].value);
        mf.config[i].value = strdup ("2");
      }
    else if (strcmp (mf.config[i].key, "D") == 0)
      {
        free (mf.config[i].value);
        mf.config[i].value = strdup ("8192");
      }
  g_assert_cmpint (stva_modelfile_to_buffer (&mf, &buf, &n, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_buffer (&bad, buf, n, &error), ==, STVA_ERR_FORMAT);
  g_test_message ("%s", error.message);
  g_assert_nonnull (strstr (error.message, "the file holds"));
  free (buf);
  free (mf.config[0].key);
  mf.config[0].key = strdup ("colour");
  g_assert_cmpint (stva_modelfile_to_buffer (&mf, &buf, &n, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_buffer (&bad, buf, n, &error), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (error.message, "colour"));
  free (buf);
  stva_modelfile_free (&mf);

  g_unlink (path);
  g_rmdir (dir);
  stva_model_clear (&back);
  stva_model_clear (&model);
}

/* every ablation's parameter set survives the model file, and predicts the same */
static void
test_model_file_ablations (void)
{
  static const char *ablations[] = { "no_msde", "no_graph", "no_cross", "causal",
                                     "modalities=A,V", "modalities=T" };
  for (size_t a = 0; a < G_N_ELEMENTS (ablations); a++)
    {
      StvaModelConfig c;
      tiny_config (&c);
      g_assert_cmpint (stva_model_config_ablation (&c, ablations[a], NULL), ==, STVA_OK);
      StvaModel model, back;
      g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
      uint8_t *buf = NULL;
      size_t n = 0;
      StvaError error = { 0 };
      g_assert_cmpint (stva_model_save_buffer (&model, &buf, &n, &error), ==, STVA_OK);
      g_assert_cmpint (stva_model_load_buffer (&back, buf, n, &error), ==, STVA_OK);
      free (buf);
      g_assert_cmpint (back.params.n_tensors, ==, model.params.n_tensors);
      g_assert_cmpint (memcmp (back.params.values, model.params.values,
                               model.params.n_floats * sizeof (float)), ==, 0);
      Dialogue d;
      dialogue_init (&d, &c, 6, a);
      StvaModelOutput oa, ob;
      g_assert_cmpint (stva_model_predict (&model, NULL, &d.dlg, &oa, NULL), ==, STVA_OK);
      g_assert_cmpint (stva_model_predict (&back, NULL, &d.dlg, &ob, NULL), ==, STVA_OK);
      g_assert_cmpint (memcmp (oa.probs, ob.probs, 6 * K * sizeof (float)), ==, 0);
      g_test_message ("%s: %d tensors, %zu parameters, %zu bytes", ablations[a],
                      model.params.n_tensors, stva_params_count (&model.params), n);
      stva_model_output_clear (&oa);
      stva_model_output_clear (&ob);
      dialogue_clear (&d);
      stva_model_clear (&back);
      stva_model_clear (&model);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/config/kv", test_config_kv);
  g_test_add_func ("/model/params/table", test_params_table);
  g_test_add_func ("/model/graph/relations", test_graph_relations);
  g_test_add_func ("/model/forward/predict", test_predict_outputs);
  g_test_add_func ("/model/forward/causal", test_forward_causal);
  g_test_add_func ("/model/forward/threads", test_forward_threads);
  g_test_add_func ("/model/forward/single", test_forward_single);
  g_test_add_func ("/model/forward/pack", test_forward_pack);
  g_test_add_func ("/model/forward/duo", test_forward_duo);
  g_test_add_func ("/model/forward/no-backward", test_forward_no_backward);
  g_test_add_func ("/model/forward/no-backward/refused", test_forward_no_backward_refused);
  g_test_add_func ("/model/io/roundtrip", test_model_file);
  g_test_add_func ("/model/io/ablations", test_model_file_ablations);
  return g_test_run ();
}
