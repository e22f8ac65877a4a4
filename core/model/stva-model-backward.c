/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Backward pass of Sync-TVA over the pack of the last forward (stacked rows, attentions per
 * dialogue, as in stva-model-forward.c): the loss gradient goes back
 * through the classifier, CAF, view combination, the pair graphs, MSDE and the projections,
 * adding every parameter gradient into the caller's block.  Activation gradients live in
 * workspace buffers; each is zeroed right before the layer that adds into it.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "stva-nn.h"
#include "stva-model-private.h"

#define W(off) (params + (off))
#define G(off) (grad + (off))

static void
zero (float  *x,
      size_t  n)
{
  memset (x, 0, n * sizeof (float));
}

/* dx += through y = x·wᵀ + b; dx may be NULL */
static void
linear_back (float          *dx,
             float          *grad,
             const float    *params,
             StvaLinearAt    at,
             const float    *dy,
             const float    *x,
             size_t          T,
             size_t          n_in,
             size_t          n_out)
{
  stva_linear_backward (dx, G (at.w), G (at.b), dy, x, W (at.w), T, n_in, n_out);
}

double
stva_model_loss (StvaModelWorkspace *ws,
                 const StvaModel    *model,
                 const float        *class_w,
                 float               scale)
{
  const StvaModelConfig *c = &model->config;
  const int *labels = ws->labels;
  size_t T = (size_t) ws->N, K = (size_t) c->K;
  if (c->loss == STVA_LOSS_FOCAL)
    return stva_loss_focal (NULL, ws->logits, labels, class_w, T, K, c->focal_gamma, scale);
  return stva_loss_ce (NULL, ws->logits, labels, class_w, T, K, c->label_smoothing, scale);
}

static void
backward_classifier (StvaModelWorkspace    *ws,
                     const StvaParamLayout *at,
                     const float           *params,
                     float                 *grad)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, M = (size_t) ws->n_active, K = (size_t) c->K;
  float *dcd = ws->dT_a, *dcg = ws->dT_b, *dc1 = ws->dT_c;

  zero (dcd, T * D);
  linear_back (dcd, grad, params, at->cls2, ws->dlogits, ws->cd, T, D, K);
  if (ws->dropout_on)
    {
      zero (dcg, T * D);
      stva_dropout_backward (dcg, dcd, ws->keep_c, T * D, c->dropout);
    }
  else
    dcg = dcd;
  zero (dc1, T * D);
  stva_gelu_backward (dc1, dcg, ws->c1, T * D);
  zero (ws->do_in, T * M * D);
  linear_back (ws->do_in, grad, params, at->cls1, dc1, ws->o_in, T, M * D, D);
  size_t k = 0;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      for (size_t i = 0; i < T; i++)
        memcpy (ws->du[m] + i * D, ws->do_in + i * M * D + k * D, D * sizeof (float));
      k++;
    }
}

/* du[m] -> dz[m] and dz[m'] (zeroed by the caller) */
static void
backward_caf (StvaModelWorkspace    *ws,
              const StvaParamLayout *at,
              const float           *params,
              float                 *grad,
              int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, H = (size_t) c->H;
  float *dupre = ws->dT_a, *dsum = ws->dT_b, *dcatt = ws->dT_c;

  zero (dupre, T * D);
  stva_rowscale_backward (NULL, dupre, ws->du[m], ws->maskf[m], ws->upre[m], T, D);
  zero (dsum, T * D);
  stva_layernorm_backward (dsum, G (at->caf_ln[m].g), G (at->caf_ln[m].b), dupre, ws->usum[m],
                           ws->u_mean[m], ws->u_rstd[m], W (at->caf_ln[m].g), T, D);
  stva_add_into (ws->dz[m], dsum, T * D);
  for (int m2 = 0; m2 < STVA_N_MOD; m2++)
    {
      if (m2 == m || !stva_model_config_active (c, m2))
        continue;
      zero (dcatt, T * D);
      linear_back (dcatt, grad, params, at->caf_o[m][m2], dsum, ws->catt[m][m2], T, D, D);
      zero (ws->dq, T * D);
      zero (ws->dk, T * D);
      zero (ws->dv, T * D);
      for (int d = 0; d < ws->n_dlg; d++)
        {
          size_t r = (size_t) ws->row0[d] * D, Td = (size_t) ws->dlgs[d]->T;
          stva_attn_backward (ws->dq + r, ws->dk + r, ws->dv + r, NULL, dcatt + r,
                              ws->calpha[m][m2] + H * ws->sq1[d], ws->cq[m][m2] + r,
                              ws->ck[m][m2] + r, ws->cv[m][m2] + r,
                              ws->rel_caf[m][m2] + ws->sq1[d], Td, Td, D, H, 1,
                              ws->attn_scratch);
        }
      linear_back (ws->dz[m], grad, params, at->caf_q[m][m2], ws->dq, ws->z[m], T, D, D);
      linear_back (ws->dz[m2], grad, params, at->caf_k[m][m2], ws->dk, ws->z[m2], T, D, D);
      linear_back (ws->dz[m2], grad, params, at->caf_v[m][m2], ws->dv, ws->z[m2], T, D, D);
    }
}

/* dz[m] -> dpair[p] slices */
static void
backward_combine (StvaModelWorkspace    *ws,
                  const StvaParamLayout *at,
                  const float           *params,
                  float                 *grad,
                  int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, nv = (size_t) ws->n_views;
  float *dcz = ws->dT_a, *dcl = ws->dT_b, *dcin = ws->dwide;

  zero (dcz, T * D);
  stva_rowscale_backward (NULL, dcz, ws->dz[m], ws->maskf[m], ws->cz[m], T, D);
  zero (dcl, T * D);
  stva_layernorm_backward (dcl, G (at->combine_ln[m].g), G (at->combine_ln[m].b), dcz,
                           ws->cl[m], ws->c_mean[m], ws->c_rstd[m], W (at->combine_ln[m].g), T,
                           D);
  zero (dcin, T * nv * D);
  linear_back (dcin, grad, params, at->combine[m], dcl, ws->cin[m], T, nv * D, D);
  size_t k = 0;
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      if (!ws->pair_on[p] || (stva_pair_mod[p][0] != m && stva_pair_mod[p][1] != m))
        continue;
      size_t row0 = stva_pair_mod[p][0] == m ? 0 : T;
      for (size_t i = 0; i < T; i++)
        stva_add_into (ws->dpair[p] + (row0 + i) * D, dcin + i * nv * D + k * D, D);
      k++;
    }
}

/* dpair[p] -> dn[a], dn[b] */
static void
backward_pair (StvaModelWorkspace    *ws,
               const StvaParamLayout *at,
               const float           *params,
               float                 *grad,
               int                    p)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, N2 = 2 * T, H = (size_t) c->H;
  size_t fD = (size_t) c->ffn_mult * D;
  int mods[2] = { stva_pair_mod[p][0], stva_pair_mod[p][1] };
  const float *dout = ws->dpair[p];
  float *dzin_bufs[2] = { ws->dG_a, ws->dG_b };
  float *dr = ws->dG_c, *dy1 = ws->dG_d, *dgl = ws->dG_wide1, *df1 = ws->dG_wide2;

  for (int l = c->L - 1; l >= 0; l--)
    {
      const GraphLayerBuf *b = &ws->gl[p][l];
      const StvaGraphLayerAt *g = &at->graph[p][l];
      float *dzin = dzin_bufs[l % 2];

      /* out = LN2 (y1 + drop (ffn2 (gelu (ffn1 (y1))))) */
      zero (dr, N2 * D);
      stva_layernorm_backward (dr, G (g->ln2.g), G (g->ln2.b), dout, b->r2, b->mean2, b->rstd2,
                               W (g->ln2.g), N2, D);
      memcpy (dy1, dr, N2 * D * sizeof (float));
      const float *df2 = dr;
      if (ws->dropout_on)
        {
          zero (ws->dq, N2 * D);
          stva_dropout_backward (ws->dq, dr, b->keep2, N2 * D, c->dropout);
          df2 = ws->dq;
        }
      zero (dgl, N2 * fD);
      linear_back (dgl, grad, params, g->ffn2, df2, b->gl, N2, fD, D);
      zero (df1, N2 * fD);
      stva_gelu_backward (df1, dgl, b->f1, N2 * fD);
      linear_back (dy1, grad, params, g->ffn1, df1, b->y1, N2, D, fD);

      /* y1 = LN1 (zin + drop (Wo · attn)) */
      zero (dr, N2 * D);
      stva_layernorm_backward (dr, G (g->ln1.g), G (g->ln1.b), dy1, b->r1, b->mean1, b->rstd1,
                               W (g->ln1.g), N2, D);
      memcpy (dzin, dr, N2 * D * sizeof (float));
      const float *do_ = dr;
      if (ws->dropout_on)
        {
          zero (ws->dq, N2 * D);
          stva_dropout_backward (ws->dq, dr, b->keep1, N2 * D, c->dropout);
          do_ = ws->dq;
        }
      zero (dy1, N2 * D);   /* reused as the gradient of att */
      linear_back (dy1, grad, params, g->o, do_, b->att, N2, D, D);
      for (int d = 0; d < ws->n_dlg; d++)   /* each row belongs to one dialogue: no zeroing */
        {
          size_t r0 = (size_t) ws->row0[d], Td = (size_t) ws->dlgs[d]->T, n2 = 2 * Td * D;
          _stva_gather_pair (ws->gout, dy1, T, r0, Td, D);
          _stva_gather_pair (ws->gq, b->q, T, r0, Td, D);
          _stva_gather_pair (ws->gk, b->k, T, r0, Td, D);
          _stva_gather_pair (ws->gv, b->v, T, r0, Td, D);
          zero (ws->gdq, n2);
          zero (ws->gdk, n2);
          zero (ws->gdv, n2);
          stva_attn_backward (ws->gdq, ws->gdk, ws->gdv, G (g->rel), ws->gout,
                              b->alpha + H * ws->sq2[d], ws->gq, ws->gk, ws->gv,
                              ws->rel_g[p] + ws->sq2[d], 2 * Td, 2 * Td, D, H,
                              STVA_GRAPH_N_RELATIONS, ws->attn_scratch);
          _stva_scatter_pair (ws->dq, ws->gdq, T, r0, Td, D);
          _stva_scatter_pair (ws->dk, ws->gdk, T, r0, Td, D);
          _stva_scatter_pair (ws->dv, ws->gdv, T, r0, Td, D);
        }
      for (int s = 0; s < 2; s++)
        {
          int m = mods[s];
          size_t off = (size_t) s * T * D;
          linear_back (dzin + off, grad, params, g->q[m], ws->dq + off, b->zin + off, T, D, D);
          linear_back (dzin + off, grad, params, g->k[m], ws->dk + off, b->zin + off, T, D, D);
          linear_back (dzin + off, grad, params, g->v[m], ws->dv + off, b->zin + off, T, D, D);
        }
      dout = dzin;
    }
  stva_add_into (ws->dn[mods[0]], dout, T * D);
  stva_add_into (ws->dn[mods[1]], dout + T * D, T * D);
}

/* dn of every modality -> de (through n = 3βe and the β softmax) */
static void
backward_beta (StvaModelWorkspace    *ws,
               const StvaParamLayout *at,
               const float           *params,
               float                 *grad)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D;
  zero (ws->dbeta, 3 * T);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      zero (ws->de[m], T * D);
      zero (ws->dcol, T);
      stva_rowscale_backward (ws->dcol, ws->de[m], ws->dn[m], ws->s3[m], ws->e[m], T, D);
      for (size_t i = 0; i < T; i++)
        ws->dbeta[i * 3 + m] = 3.0f * ws->dcol[i];
    }
  zero (ws->dscore, 3 * T);
  stva_softmax_backward (ws->dscore, ws->dbeta, ws->beta, T, 3);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      for (size_t i = 0; i < T; i++)
        ws->dcol[i] = ws->dscore[i * 3 + m];
      linear_back (ws->de[m], grad, params, at->msde_beta[m], ws->dcol, ws->e[m], T, D, 1);
    }
}

/* de[m] -> dh[m] */
static void
backward_msde (StvaModelWorkspace    *ws,
               const StvaParamLayout *at,
               const float           *params,
               float                 *grad,
               int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D;
  float *dr = ws->dT_a, *dg = ws->dT_b, *det = ws->dT_c, *dc = ws->dq;
  float *dpre = ws->dk, *dgin = ws->dwide;

  zero (dr, T * D);
  stva_layernorm_backward (dr, G (at->msde_ln[m].g), G (at->msde_ln[m].b), ws->de[m], ws->r[m],
                           ws->e_mean[m], ws->e_rstd[m], W (at->msde_ln[m].g), T, D);
  stva_add_into (ws->dh[m], dr, T * D);   /* r = h + g ⊙ et */
  zero (dg, T * D);
  zero (det, T * D);
  stva_mul_backward (dg, det, dr, ws->g[m], ws->et[m], T * D);
  zero (dc, T * D);
  /* et = tanh (We c + be) */
  zero (dpre, T * D);
  stva_tanh_backward (dpre, det, ws->et[m], T * D);
  linear_back (dc, grad, params, at->msde_enh[m], dpre, ws->c[m], T, D, D);
  /* g = sigmoid (Wg [h; c] + bg) */
  zero (dpre, T * D);
  stva_sigmoid_backward (dpre, dg, ws->g[m], T * D);
  zero (dgin, T * 2 * D);
  linear_back (dgin, grad, params, at->msde_gate[m], dpre, ws->gin[m], T, 2 * D, D);
  for (size_t i = 0; i < T; i++)
    {
      stva_add_into (ws->dh[m] + i * D, dgin + i * 2 * D, D);
      stva_add_into (dc + i * D, dgin + i * 2 * D + D, D);
    }
  /* c = attention (h) */
  float *dmq = dr, *dmk = dg, *dmv = det;
  zero (dmq, T * D);
  zero (dmk, T * D);
  zero (dmv, T * D);
  for (int d = 0; d < ws->n_dlg; d++)
    {
      size_t r = (size_t) ws->row0[d] * D, Td = (size_t) ws->dlgs[d]->T;
      stva_attn_backward (dmq + r, dmk + r, dmv + r, c->msde_speaker ? G (at->msde_rel[m]) : NULL,
                          dc + r, ws->malpha[m] + ws->sq1[d], ws->mq[m] + r, ws->mk[m] + r,
                          ws->mv[m] + r, ws->rel_ctx[m] + ws->sq1[d], Td, Td, D, 1,
                          c->msde_speaker ? STVA_MSDE_N_RELATIONS : 1, ws->attn_scratch);
    }
  linear_back (ws->dh[m], grad, params, at->msde_q[m], dmq, ws->h[m], T, D, D);
  linear_back (ws->dh[m], grad, params, at->msde_k[m], dmk, ws->h[m], T, D, D);
  linear_back (ws->dh[m], grad, params, at->msde_v[m], dmv, ws->h[m], T, D, D);
}

/* dh[m] -> projection, speaker embedding and (optionally) the raw features */
static void
backward_projection (StvaModelWorkspace    *ws,
                     const StvaParamLayout *at,
                     const float           *params,
                     float                 *grad,
                     const StvaModel       *model,
                     int                    m)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->N, D = (size_t) c->D, F = (size_t) c->F[m];
  float *dp = ws->dT_a, *dlin = ws->dT_b;
  zero (dp, T * D);
  stva_rowscale_backward (NULL, dp, ws->dh[m], ws->maskf[m], ws->h[m], T, D);
  for (size_t i = 0; i < T; i++)
    stva_add_into (G (at->spk) + (size_t) ws->spk[i] * D, dp + i * D, D);
  zero (dlin, T * D);
  stva_layernorm_backward (dlin, G (at->proj_ln[m].g), G (at->proj_ln[m].b), dp, ws->p_lin[m],
                           ws->p_mean[m], ws->p_rstd[m], W (at->proj_ln[m].g), T, D);
  float *dx = NULL;
  if (ws->input_grad)
    {
      dx = ws->dx[m];
      zero (dx, T * F);
    }
  linear_back (dx, grad, params, at->proj[m], dlin, ws->xs[m], T, F, D);
  if (c->wide)   /* logits += W xs: the rows are zero where m is missing, and so their share */
    stva_linear_backward (dx, G (at->wide[m]), NULL, ws->dlogits, ws->xs[m], W (at->wide[m]), T,
                          F, (size_t) c->K);
  if (dx != NULL)
    for (size_t i = 0; i < T; i++)
      for (size_t k = 0; k < F; k++)   /* xs = (x - mean) / std, zero where missing */
        {
          float g = dx[i * F + k];
          if (ws->input_drop_on)   /* xs = keep · x / (1 - p) */
            g = ws->xkeep[m][i * F + k] ? g / (1.0f - c->input_dropout) : 0.0f;
          dx[i * F + k] = !ws->present[m][i] ? 0.0f
                          : model->std[m] != NULL ? g / model->std[m][k] : g;
        }
}

double
stva_model_backward (StvaModelWorkspace *ws,
                     const StvaModel    *model,
                     const float        *params,
                     const float        *class_w,
                     float               scale,
                     float              *grad)
{
  const StvaModelConfig *c = &ws->config;
  const StvaParamLayout *at = &model->params.at;
  size_t T = (size_t) ws->N, D = (size_t) c->D, K = (size_t) c->K;
  const int *labels = ws->labels;
  if (ws->no_backward)   /* the forward shared its buffers: nothing to go back through */
    {
      assert (!"stva_model_backward after a forward with no_backward");
      return NAN;
    }

  zero (ws->dlogits, T * K);
  bool any = false;
  for (size_t i = 0; i < T && !any; i++)
    any = labels[i] != STVA_LABEL_NONE;
  if (!any)
    return 0.0;
  double loss;
  if (c->loss == STVA_LOSS_FOCAL)
    loss = stva_loss_focal (ws->dlogits, ws->logits, labels, class_w, T, K, c->focal_gamma,
                            scale);
  else
    loss = stva_loss_ce (ws->dlogits, ws->logits, labels, class_w, T, K, c->label_smoothing,
                         scale);

  backward_classifier (ws, at, params, grad);

  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m))
      {
        zero (ws->dz[m], T * D);
        zero (ws->dn[m], T * D);
        zero (ws->dh[m], T * D);
      }
  if (ws->caf_on)
    {
      for (int m = 0; m < STVA_N_MOD; m++)
        if (stva_model_config_active (c, m))
          backward_caf (ws, at, params, grad, m);
    }
  else
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        stva_add_into (ws->dz[m], ws->du[m], T * D);

  bool any_pair = false;
  for (int p = 0; p < STVA_N_PAIRS; p++)
    if (ws->pair_on[p])
      {
        zero (ws->dpair[p], 2 * T * D);
        any_pair = true;
      }
  if (any_pair)
    {
      for (int m = 0; m < STVA_N_MOD; m++)
        if (stva_model_config_active (c, m))
          backward_combine (ws, at, params, grad, m);
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if (ws->pair_on[p])
          backward_pair (ws, at, params, grad, p);
    }
  else
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        stva_add_into (ws->dn[m], ws->dz[m], T * D);

  if (c->use_msde)
    {
      backward_beta (ws, at, params, grad);
      for (int m = 0; m < STVA_N_MOD; m++)
        if (stva_model_config_active (c, m))
          backward_msde (ws, at, params, grad, m);
    }
  else
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        stva_add_into (ws->dh[m], ws->dn[m], T * D);

  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m))
      backward_projection (ws, at, params, grad, model, m);
  return loss;
}
