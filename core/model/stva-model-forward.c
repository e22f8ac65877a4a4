/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forward pass of Sync-TVA over a pack of dialogues (model.md §1–§6; the choices model.md leaves
 * open are listed in stva-model.h).  The dialogues' rows are stacked (stva-model-private.h), so
 * every linear layer is one product over all of them; the attentions and graphs are per
 * dialogue.  Each dialogue draws its dropout from its own RNG in the order a lone forward would,
 * so a dialogue's result does not depend on the pack it is in.  Every intermediate the backward
 * pass needs stays in the workspace; the attention maps are kept for the studio.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "stva-duo.h"
#include "stva-gemm-small.h"
#include "stva-nn.h"
#include "stva-model-private.h"

#define W(off) (params + (off))

/* One half of a split product (stva-duo.h): part 0 takes output columns [0, half), part 1 the
 * rest, each reading only its rows of w.  Through the few-rows kernel whatever the row count
 * when the CPU has it (it reads w in place and is as fast as cblas_sgemm up to a few hundred
 * rows here), so OpenBLAS is never entered from two threads at once. */
typedef struct
{
  float       *y;
  const float *x, *w, *b;
  size_t       T, n_in, n_out, half;
} SplitLinear;

static void
split_linear_part (void *arg,
                   int   part)
{
  const SplitLinear *j = arg;
  size_t o0 = part == 0 ? 0 : j->half, n = part == 0 ? j->half : j->n_out - j->half;
  const float *b = j->b != NULL ? j->b + o0 : NULL;
  if (stva_gemm_small_fast ())
    stva_gemm_small_xwt (j->y + o0, j->n_out, j->x, j->w + o0 * j->n_in, b, j->T, j->n_in, n,
                         false);
  else
    stva_linear_forward_ld (j->y + o0, j->n_out, j->x, j->w + o0 * j->n_in, b, j->T, j->n_in, n);
}

/* y (T, n_out) = x (T, n_in) · w' + b for one StvaLinearAt; on two threads when the workspace
 * has its helper (stva_model_workspace_set_threads) and the product is wide enough to pay for
 * the hand-over */
static void
linear (StvaModelWorkspace *ws,
        float              *y,
        const float        *x,
        const float        *params,
        StvaLinearAt        at,
        size_t              T,
        size_t              n_in,
        size_t              n_out)
{
  if (ws->duo != NULL && n_out >= 64 && T > 0 && n_in > 0)
    {
      SplitLinear job = { .y = y, .x = x, .w = W (at.w), .b = W (at.b), .T = T, .n_in = n_in,
                          .n_out = n_out, .half = (n_out / 2 + 7) / 8 * 8 };
      stva_duo_run (ws->duo, split_linear_part, &job);
      return;
    }
  stva_linear_forward (y, x, W (at.w), W (at.b), T, n_in, n_out);
}

static StvaStatus
check_dialogue (const StvaModelConfig *c,
                const StvaDialogue    *dlg,
                StvaError             *error)
{
  const char *id = dlg->id != NULL ? dlg->id : "(unnamed)";
  if (dlg->T < 1 || dlg->T > STVA_MODEL_MAX_T)
    return stva_error_set (error, STVA_ERR_INVALID, "dialogue %s: %d utterances (1 to %d)", id,
                           dlg->T, STVA_MODEL_MAX_T);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m) && (dlg->x[m] == NULL || dlg->mask[m] == NULL))
      return stva_error_set (error, STVA_ERR_INVALID,
                             "dialogue %s: modality %c has no features or mask", id, "TAV"[m]);
  if (dlg->speaker == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "dialogue %s: no speakers", id);
  if (dlg->label != NULL)
    for (int i = 0; i < dlg->T; i++)
      if (dlg->label[i] < -1 || dlg->label[i] >= c->K)
        return stva_error_set (error, STVA_ERR_INVALID,
                               "dialogue %s, utterance %d: label %d outside [-1, %d)", id, i,
                               dlg->label[i], c->K);
  return STVA_OK;
}

/* masks after subsets and modality dropout; speaker slots in order of appearance; labels */
static void
prepare_inputs (StvaModelWorkspace       *ws,
                const StvaModel          *model,
                const StvaForwardOptions *options)
{
  const StvaModelConfig *c = &ws->config;
  for (int d = 0; d < ws->n_dlg; d++)
    {
      const StvaDialogue *dlg = ws->dlgs[d];
      int T = dlg->T, r0 = ws->row0[d];
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          bool on = stva_model_config_active (c, m);
          for (int i = 0; i < T; i++)
            ws->present[m][r0 + i] = on && dlg->mask[m][i] != 0;
        }
      if (options->train && c->modality_dropout > 0.0f)
        for (int i = 0; i < T; i++)
          {
            StvaRng *rng = &options->rng[d];
            if (stva_rng_uniform (rng) >= (double) c->modality_dropout)
              continue;
            int have[STVA_N_MOD], n = 0;
            for (int m = 0; m < STVA_N_MOD; m++)
              if (ws->present[m][r0 + i])
                have[n++] = m;
            if (n >= 2)
              ws->present[have[stva_rng_below (rng, (uint32_t) n)]][r0 + i] = false;
          }
      stva_graph_speaker_slots (ws->spk + r0, dlg->speaker, T, c->S);
      for (int i = 0; i < T; i++)
        ws->labels[r0 + i] = dlg->label != NULL ? dlg->label[i] : STVA_LABEL_NONE;

      for (int m = 0; m < STVA_N_MOD; m++)
        {
          if (!stva_model_config_active (c, m))
            continue;
          size_t F = (size_t) c->F[m];
          for (int i = 0; i < T; i++)
            {
              float *row = ws->xs[m] + (size_t) (r0 + i) * F;
              const float *x = dlg->x[m] + (size_t) i * F;
              if (!ws->present[m][r0 + i])
                memset (row, 0, F * sizeof (float));
              else if (model->mean[m] != NULL)
                for (size_t k = 0; k < F; k++)
                  row[k] = (x[k] - model->mean[m][k]) / model->std[m][k];
              else
                memcpy (row, x, F * sizeof (float));
            }
          if (ws->input_drop_on)   /* after modality dropout, from the same dialogue RNG */
            for (int i = 0; i < T; i++)
              {
                size_t off = (size_t) (r0 + i) * F;
                if (ws->present[m][r0 + i])
                  stva_dropout_forward (ws->xs[m] + off, ws->xkeep[m] + off, ws->xs[m] + off, F,
                                        c->input_dropout, &options->rng[d]);
                else
                  memset (ws->xkeep[m] + off, 0, F * sizeof (bool));
              }
        }
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    for (int i = 0; i < ws->N; i++)
      ws->maskf[m][i] = ws->present[m][i] ? 1.0f : 0.0f;
}

/* §1: h = (LayerNorm (W x + b) + E_spk[s]) · mask */
static void
forward_projection (StvaModelWorkspace    *ws,
                    const StvaParamLayout *at,
                    const float           *params,
                    int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, F = (size_t) c->F[m];
  linear (ws, ws->p_lin[m], ws->xs[m], params, at->proj[m], T, F, D);
  stva_layernorm_forward (ws->p_ln[m], ws->p_mean[m], ws->p_rstd[m], ws->p_lin[m],
                          W (at->proj_ln[m].g), W (at->proj_ln[m].b), T, D);
  for (size_t i = 0; i < T; i++)
    {
      const float *emb = W (at->spk) + (size_t) ws->spk[i] * D;
      float mask = ws->maskf[m][i];
      for (size_t d = 0; d < D; d++)
        ws->h[m][i * D + d] = (ws->p_ln[m][i * D + d] + emb[d]) * mask;
    }
}

/* §2 up to e (the β softmax couples the modalities and follows once all are done) */
static void
forward_msde (StvaModelWorkspace    *ws,
              const StvaParamLayout *at,
              const float           *params,
              int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D;
  int hi = c->ctx_window < c->win_future ? c->ctx_window : c->win_future;
  const float *h = ws->h[m];

  linear (ws, ws->mq[m], h, params, at->msde_q[m], T, D, D);
  linear (ws, ws->mk[m], h, params, at->msde_k[m], T, D, D);
  linear (ws, ws->mv[m], h, params, at->msde_v[m], T, D, D);
  for (int d = 0; d < ws->n_dlg; d++)
    {
      size_t r = (size_t) ws->row0[d] * D, Td = (size_t) ws->dlgs[d]->T;
      int *rel = ws->rel_ctx[m] + ws->sq1[d];
      const bool *present = ws->present[m] + ws->row0[d];
      if (c->msde_speaker)
        stva_graph_build_window_speaker (rel, (int) Td, present, present, ws->dlgs[d]->speaker,
                                         -c->ctx_window, hi);
      else
        stva_graph_build_window (rel, (int) Td, present, present, -c->ctx_window, hi);
      stva_attn_forward (ws->c[m] + r, ws->malpha[m] + ws->sq1[d], ws->mq[m] + r, ws->mk[m] + r,
                         ws->mv[m] + r, rel, c->msde_speaker ? W (at->msde_rel[m]) : NULL, Td,
                         Td, D, 1, c->msde_speaker ? STVA_MSDE_N_RELATIONS : 1);
    }
  for (size_t i = 0; i < T; i++)
    {
      memcpy (ws->gin[m] + i * 2 * D, h + i * D, D * sizeof (float));
      memcpy (ws->gin[m] + i * 2 * D + D, ws->c[m] + i * D, D * sizeof (float));
    }
  linear (ws, ws->g[m], ws->gin[m], params, at->msde_gate[m], T, 2 * D, D);
  stva_sigmoid_forward (ws->g[m], ws->g[m], T * D);
  linear (ws, ws->et[m], ws->c[m], params, at->msde_enh[m], T, D, D);
  stva_tanh_forward (ws->et[m], ws->et[m], T * D);
  for (size_t k = 0; k < T * D; k++)
    ws->r[m][k] = h[k] + ws->g[m][k] * ws->et[m][k];
  stva_layernorm_forward (ws->e[m], ws->e_mean[m], ws->e_rstd[m], ws->r[m],
                          W (at->msde_ln[m].g), W (at->msde_ln[m].b), T, D);
  linear (ws, ws->score + (size_t) m * T, ws->e[m], params, at->msde_beta[m], T, D, 1);
}

/* β = softmax over present modalities; n = 3·β·e */
static void
forward_beta (StvaModelWorkspace *ws)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D;
  for (size_t i = 0; i < T; i++)
    {
      float s[STVA_N_MOD];
      bool allow[STVA_N_MOD];
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          allow[m] = ws->present[m][i];
          s[m] = allow[m] ? ws->score[(size_t) m * T + i] : 0.0f;
        }
      if (c->use_msde)
        stva_softmax_row (ws->beta + i * 3, s, allow, 3);
      else
        {
          int n = allow[0] + allow[1] + allow[2];
          for (int m = 0; m < STVA_N_MOD; m++)
            ws->beta[i * 3 + m] = allow[m] ? 1.0f / (float) n : 0.0f;
        }
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      if (!c->use_msde)
        {
          ws->n[m] = ws->h[m];
          continue;
        }
      for (size_t i = 0; i < T; i++)
        ws->s3[m][i] = 3.0f * ws->beta[i * 3 + m];
      stva_rowscale_forward (ws->nbuf[m], ws->s3[m], ws->e[m], T, D);
      ws->n[m] = ws->nbuf[m];
    }
}

/* dropout over a pair graph's (2N, D) x, each dialogue's rows with its own RNG (first modality,
 * then second, as a lone dialogue's (2T, D) would draw) */
static void
dropout_pair (float                    *x,
              bool                     *keep,
              const StvaModelWorkspace *ws,
              float                     p,
              StvaRng                  *rngs)
{
  size_t N = (size_t) ws->N, D = (size_t) ws->config.D;
  for (int d = 0; d < ws->n_dlg; d++)
    for (size_t s = 0; s < 2; s++)
      {
        size_t off = (s * N + (size_t) ws->row0[d]) * D, n = (size_t) ws->dlgs[d]->T * D;
        stva_dropout_forward (x + off, keep + off, x + off, n, p, &rngs[d]);
      }
}

/* §3–4: one pair graph, L layers */
static void
forward_pair (StvaModelWorkspace       *ws,
              const StvaParamLayout    *at,
              const float              *params,
              int                       p,
              const StvaForwardOptions *options)
{
  const StvaModelConfig *c = &ws->config;
  size_t N = (size_t) ws->N, D = (size_t) c->D, N2 = 2 * N, H = (size_t) c->H;
  size_t fD = (size_t) c->ffn_mult * D;
  int ma = stva_pair_mod[p][0], mb = stva_pair_mod[p][1];
  int mods[2] = { ma, mb };

  for (int d = 0; d < ws->n_dlg; d++)
    stva_graph_build_pair (ws->rel_g[p] + ws->sq2[d], ws->dlgs[d]->T,
                           ws->present[ma] + ws->row0[d], ws->present[mb] + ws->row0[d],
                           ws->dlgs[d]->speaker, c);
  memcpy (ws->z0[p], ws->n[ma], N * D * sizeof (float));
  memcpy (ws->z0[p] + N * D, ws->n[mb], N * D * sizeof (float));

  for (int l = 0; l < c->L; l++)
    {
      GraphLayerBuf *b = &ws->gl[p][l];
      const StvaGraphLayerAt *g = &at->graph[p][l];
      b->zin = l == 0 ? ws->z0[p] : ws->gl[p][l - 1].out;
      for (int s = 0; s < 2; s++)   /* modality-specific projections of each half */
        {
          int m = mods[s];
          size_t off = (size_t) s * N * D;
          linear (ws, b->q + off, b->zin + off, params, g->q[m], N, D, D);
          linear (ws, b->k + off, b->zin + off, params, g->k[m], N, D, D);
          linear (ws, b->v + off, b->zin + off, params, g->v[m], N, D, D);
        }
      for (int d = 0; d < ws->n_dlg; d++)
        {
          size_t r0 = (size_t) ws->row0[d], T = (size_t) ws->dlgs[d]->T;
          _stva_gather_pair (ws->gq, b->q, N, r0, T, D);
          _stva_gather_pair (ws->gk, b->k, N, r0, T, D);
          _stva_gather_pair (ws->gv, b->v, N, r0, T, D);
          stva_attn_forward (ws->gout, b->alpha + H * ws->sq2[d], ws->gq, ws->gk, ws->gv,
                             ws->rel_g[p] + ws->sq2[d], W (g->rel), 2 * T, 2 * T, D, H,
                             STVA_GRAPH_N_RELATIONS);
          _stva_scatter_pair (b->att, ws->gout, N, r0, T, D);
        }
      linear (ws, b->o, b->att, params, g->o, N2, D, D);
      if (ws->dropout_on)
        dropout_pair (b->o, b->keep1, ws, c->dropout, options->rng);
      stva_add_forward (b->r1, b->zin, b->o, N2 * D);
      stva_layernorm_forward (b->y1, b->mean1, b->rstd1, b->r1, W (g->ln1.g), W (g->ln1.b), N2,
                              D);
      linear (ws, b->f1, b->y1, params, g->ffn1, N2, D, fD);
      stva_gelu_forward (b->gl, b->f1, N2 * fD);
      linear (ws, b->f2, b->gl, params, g->ffn2, N2, fD, D);
      if (ws->dropout_on)
        dropout_pair (b->f2, b->keep2, ws, c->dropout, options->rng);
      stva_add_forward (b->r2, b->y1, b->f2, N2 * D);
      stva_layernorm_forward (b->out, b->mean2, b->rstd2, b->r2, W (g->ln2.g), W (g->ln2.b), N2,
                              D);
    }
}

/* z_m = LayerNorm (W_c [views] + b_c) · mask, views in pair order */
static void
forward_combine (StvaModelWorkspace    *ws,
                 const StvaParamLayout *at,
                 const float           *params,
                 int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, nv = (size_t) ws->n_views;
  size_t k = 0;
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      if (!ws->pair_on[p] || (stva_pair_mod[p][0] != m && stva_pair_mod[p][1] != m))
        continue;
      size_t row0 = stva_pair_mod[p][0] == m ? 0 : T;
      const float *out = ws->gl[p][c->L - 1].out;
      for (size_t i = 0; i < T; i++)
        memcpy (ws->cin[m] + i * nv * D + k * D, out + (row0 + i) * D, D * sizeof (float));
      k++;
    }
  assert (k == nv);
  linear (ws, ws->cl[m], ws->cin[m], params, at->combine[m], T, nv * D, D);
  stva_layernorm_forward (ws->cz[m], ws->c_mean[m], ws->c_rstd[m], ws->cl[m],
                          W (at->combine_ln[m].g), W (at->combine_ln[m].b), T, D);
  stva_rowscale_forward (ws->zbuf[m], ws->maskf[m], ws->cz[m], T, D);
  ws->z[m] = ws->zbuf[m];
}

/* §5: u_m = LayerNorm (z_m + Σ_m' CA_{m<-m'}) · mask */
static void
forward_caf (StvaModelWorkspace    *ws,
             const StvaParamLayout *at,
             const float           *params,
             int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, H = (size_t) c->H;
  memcpy (ws->usum[m], ws->z[m], T * D * sizeof (float));
  for (int m2 = 0; m2 < STVA_N_MOD; m2++)
    {
      if (m2 == m || !stva_model_config_active (c, m2))
        continue;
      linear (ws, ws->cq[m][m2], ws->z[m], params, at->caf_q[m][m2], T, D, D);
      linear (ws, ws->ck[m][m2], ws->z[m2], params, at->caf_k[m][m2], T, D, D);
      linear (ws, ws->cv[m][m2], ws->z[m2], params, at->caf_v[m][m2], T, D, D);
      for (int d = 0; d < ws->n_dlg; d++)
        {
          size_t r = (size_t) ws->row0[d] * D, Td = (size_t) ws->dlgs[d]->T;
          int *rel = ws->rel_caf[m][m2] + ws->sq1[d];
          stva_graph_build_window (rel, (int) Td, ws->present[m] + ws->row0[d],
                                   ws->present[m2] + ws->row0[d], -c->win_past, c->win_future);
          stva_attn_forward (ws->catt[m][m2] + r, ws->calpha[m][m2] + H * ws->sq1[d],
                             ws->cq[m][m2] + r, ws->ck[m][m2] + r, ws->cv[m][m2] + r, rel, NULL,
                             Td, Td, D, H, 1);
        }
      /* CA = catt · Woᵀ + bo, added onto the residual sum (dT_a is free during forward) */
      linear (ws, ws->dT_a, ws->catt[m][m2], params, at->caf_o[m][m2], T, D, D);
      stva_add_into (ws->usum[m], ws->dT_a, T * D);
    }
  stva_layernorm_forward (ws->upre[m], ws->u_mean[m], ws->u_rstd[m], ws->usum[m],
                          W (at->caf_ln[m].g), W (at->caf_ln[m].b), T, D);
  stva_rowscale_forward (ws->ubuf[m], ws->maskf[m], ws->upre[m], T, D);
  ws->u[m] = ws->ubuf[m];
}

/* §6 */
static void
forward_classifier (StvaModelWorkspace       *ws,
                    const StvaParamLayout    *at,
                    const float              *params,
                    const StvaForwardOptions *options)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, M = (size_t) ws->n_active, K = (size_t) c->K;
  size_t k = 0;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      for (size_t i = 0; i < T; i++)
        memcpy (ws->o_in + i * M * D + k * D, ws->u[m] + i * D, D * sizeof (float));
      k++;
    }
  linear (ws, ws->c1, ws->o_in, params, at->cls1, T, M * D, D);
  stva_gelu_forward (ws->cg, ws->c1, T * D);
  if (ws->dropout_on)
    for (int d = 0; d < ws->n_dlg; d++)
      {
        size_t off = (size_t) ws->row0[d] * D, n = (size_t) ws->dlgs[d]->T * D;
        stva_dropout_forward (ws->cd + off, ws->keep_c + off, ws->cg + off, n, c->dropout,
                              &options->rng[d]);
      }
  else
    memcpy (ws->cd, ws->cg, T * D * sizeof (float));
  linear (ws, ws->logits, ws->cd, params, at->cls2, T, D, K);
  if (c->wide)   /* + W_m xs_m for each present modality (xs is zero where it is missing) */
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        {
          stva_linear_forward (ws->wide_out, ws->xs[m], W (at->wide[m]), NULL, T,
                               (size_t) c->F[m], K);
          for (size_t e = 0; e < T * K; e++)
            ws->logits[e] += ws->wide_out[e];
        }
  stva_softmax_forward (ws->probs, ws->logits, T, K);
}

static bool
same_shape (const StvaModelConfig *a,
            const StvaModelConfig *b)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    if (a->F[m] != b->F[m] || a->modality[m] != b->modality[m])
      return false;
  return a->K == b->K && a->D == b->D && a->H == b->H && a->L == b->L && a->S == b->S
         && a->ffn_mult == b->ffn_mult && a->use_msde == b->use_msde
         && a->use_graph == b->use_graph && a->use_cross == b->use_cross
         && a->msde_speaker == b->msde_speaker && a->wide == b->wide;
}

StvaStatus
stva_model_forward_batch (StvaModelWorkspace        *ws,
                          const StvaModel           *model,
                          const float               *params,
                          const StvaDialogue *const *dlgs,
                          int                        n,
                          const StvaForwardOptions  *options,
                          StvaError                 *error)
{
  const StvaModelConfig *c = &ws->config;
  const StvaParamLayout *at = &model->params.at;
  if (!same_shape (c, &model->config))
    return stva_error_set (error, STVA_ERR_INVALID, "forward: workspace made for another config");
  if (n < 1)
    return stva_error_set (error, STVA_ERR_INVALID, "forward: no dialogues");
  size_t rows = 0;
  for (int d = 0; d < n; d++)
    {
      StvaStatus status = check_dialogue (c, dlgs[d], error);
      if (status != STVA_OK)
        return status;
      rows += (size_t) dlgs[d]->T;
    }
  if (rows > (size_t) INT32_MAX / 4)
    return stva_error_set (error, STVA_ERR_INVALID, "forward: %zu utterances in one pack", rows);
  if (options->train
      && (c->dropout > 0.0f || c->modality_dropout > 0.0f || c->input_dropout > 0.0f)
      && options->rng == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "forward: training needs an RNG");
  StvaStatus status = _stva_model_workspace_reserve (ws, dlgs, n, options->no_backward, error);
  if (status != STVA_OK)
    return status;
  ws->dropout_on = options->train && c->dropout > 0.0f;
  /* input dropout needs its mask for the backward: a forward without one draws none */
  ws->input_drop_on = options->train && c->input_dropout > 0.0f && !options->no_backward;
  ws->input_grad = options->input_grad;

  prepare_inputs (ws, model, options);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m))
      {
        forward_projection (ws, at, params, m);
        if (c->use_msde)
          forward_msde (ws, at, params, m);
      }
  forward_beta (ws);

  for (int m = 0; m < STVA_N_MOD; m++)
    ws->z[m] = ws->n[m];
  bool any_pair = false;
  for (int p = 0; p < STVA_N_PAIRS; p++)
    if (ws->pair_on[p])
      {
        forward_pair (ws, at, params, p, options);
        any_pair = true;
      }
  if (any_pair)
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        forward_combine (ws, at, params, m);

  for (int m = 0; m < STVA_N_MOD; m++)
    ws->u[m] = ws->z[m];
  if (ws->caf_on)
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        forward_caf (ws, at, params, m);   /* reads z only, so the order does not matter */
  forward_classifier (ws, at, params, options);

  for (int d = 0; d < n; d++)
    {
      const float *lg = ws->logits + (size_t) ws->row0[d] * (size_t) c->K;
      for (size_t k = 0; k < (size_t) dlgs[d]->T * (size_t) c->K; k++)
        if (!isfinite (lg[k]))
          return stva_error_set (error, STVA_ERR_NUMERIC, "dialogue %s: non-finite logits",
                                 dlgs[d]->id != NULL ? dlgs[d]->id : "(unnamed)");
    }
  return STVA_OK;
}

StvaStatus
stva_model_forward (StvaModelWorkspace       *ws,
                    const StvaModel          *model,
                    const float              *params,
                    const StvaDialogue       *dlg,
                    const StvaForwardOptions *options,
                    StvaError                *error)
{
  const StvaDialogue *one[1] = { dlg };
  return stva_model_forward_batch (ws, model, params, one, 1, options, error);
}
