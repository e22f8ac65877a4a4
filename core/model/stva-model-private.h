/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the model's files share: the workspace layout.  Every buffer points into one float, one
 * int and one bool block, laid out per dialogue length T by _stva_model_workspace_reserve ().
 */
#pragma once

#include "stva-model.h"

typedef struct
{
  const float *zin;                  /* borrowed: (2T, D) input of the layer */
  float *q, *k, *v;                  /* (2T, D) */
  float *alpha;                      /* (H, 2T, 2T) */
  float *att;                        /* (2T, D) */
  float *o;                          /* (2T, D) after Wo and dropout */
  float *r1, *y1;                    /* (2T, D) */
  float *mean1, *rstd1;              /* (2T) */
  float *f1, *gl;                    /* (2T, fD) */
  float *f2;                         /* (2T, D) after dropout */
  float *r2, *out;                   /* (2T, D) */
  float *mean2, *rstd2;              /* (2T) */
  bool  *keep1, *keep2;              /* (2T, D) */
} GraphLayerBuf;

struct StvaModelWorkspace
{
  StvaModelConfig config;
  int      n_active;
  int      T;                        /* of the last forward */
  size_t   f_cap, i_cap, b_cap;      /* block sizes */
  float   *fblock;                   /* owned */
  int     *iblock;                   /* owned */
  bool    *bblock;                   /* owned */

  const StvaDialogue *dlg;           /* borrowed, of the last forward */
  bool     dropout_on;               /* dropout masks were drawn */
  bool     input_grad;

  /* inputs */
  bool    *present[STVA_N_MOD];      /* (T) */
  float   *maskf[STVA_N_MOD];        /* (T) 0 or 1 */
  int     *spk;                      /* (T) slot in [0, S) */
  float   *xs[STVA_N_MOD];           /* (T, F_m) standardised, missing rows 0 */

  /* §1 projection */
  float   *p_lin[STVA_N_MOD], *p_ln[STVA_N_MOD], *h[STVA_N_MOD];    /* (T, D) */
  float   *p_mean[STVA_N_MOD], *p_rstd[STVA_N_MOD];                 /* (T) */

  /* §2 MSDE */
  int     *rel_ctx[STVA_N_MOD];      /* (T, T) */
  float   *mq[STVA_N_MOD], *mk[STVA_N_MOD], *mv[STVA_N_MOD];        /* (T, D) */
  float   *malpha[STVA_N_MOD];       /* (T, T) */
  float   *c[STVA_N_MOD];            /* (T, D) context */
  float   *gin[STVA_N_MOD];          /* (T, 2D) [h; c] */
  float   *g[STVA_N_MOD], *et[STVA_N_MOD], *r[STVA_N_MOD], *e[STVA_N_MOD];   /* (T, D) */
  float   *e_mean[STVA_N_MOD], *e_rstd[STVA_N_MOD];                 /* (T) */
  float   *score;                    /* (3, T) */
  float   *beta;                     /* (T, 3) */
  float   *s3[STVA_N_MOD];           /* (T) 3·β_m */
  float   *nbuf[STVA_N_MOD];         /* (T, D) */
  const float *n[STVA_N_MOD];        /* nbuf or h */

  /* §3–4 graphs */
  bool     pair_on[STVA_N_PAIRS];
  int     *rel_g[STVA_N_PAIRS];      /* (2T, 2T) */
  float   *z0[STVA_N_PAIRS];         /* (2T, D) */
  GraphLayerBuf gl[STVA_N_PAIRS][STVA_MODEL_MAX_LAYERS];
  int      n_views;
  float   *cin[STVA_N_MOD];          /* (T, n_views·D) */
  float   *cl[STVA_N_MOD], *cz[STVA_N_MOD], *zbuf[STVA_N_MOD];      /* (T, D) */
  float   *c_mean[STVA_N_MOD], *c_rstd[STVA_N_MOD];                 /* (T) */
  const float *z[STVA_N_MOD];        /* zbuf or n */

  /* §5 CAF */
  bool     caf_on;
  int     *rel_caf[STVA_N_MOD][STVA_N_MOD];                         /* (T, T) */
  float   *cq[STVA_N_MOD][STVA_N_MOD], *ck[STVA_N_MOD][STVA_N_MOD];  /* (T, D) */
  float   *cv[STVA_N_MOD][STVA_N_MOD], *catt[STVA_N_MOD][STVA_N_MOD];
  float   *calpha[STVA_N_MOD][STVA_N_MOD];                          /* (H, T, T) */
  float   *usum[STVA_N_MOD], *upre[STVA_N_MOD], *ubuf[STVA_N_MOD];  /* (T, D) */
  float   *u_mean[STVA_N_MOD], *u_rstd[STVA_N_MOD];                 /* (T) */
  const float *u[STVA_N_MOD];        /* ubuf or z */

  /* §6 classifier */
  float   *o_in;                     /* (T, M·D) */
  float   *c1, *cg, *cd;             /* (T, D) */
  bool    *keep_c;                   /* (T, D) */
  float   *logits, *probs;           /* (T, K) */

  /* backward */
  float   *dlogits;                  /* (T, K) */
  float   *dx[STVA_N_MOD];           /* (T, F_m) */
  float   *dT_a, *dT_b, *dT_c;       /* (T, D) scratch */
  float   *do_in;                    /* (T, M·D) */
  float   *dwide;                    /* (T, max (2, n_views)·D) scratch */
  float   *du[STVA_N_MOD], *dz[STVA_N_MOD], *dn[STVA_N_MOD], *de[STVA_N_MOD];   /* (T, D) */
  float   *dh[STVA_N_MOD];           /* (T, D) */
  float   *dq, *dk, *dv;             /* (2T, D) scratch */
  float   *dG_a, *dG_b, *dG_c, *dG_d;   /* (2T, D) scratch */
  float   *dG_wide1, *dG_wide2;      /* (2T, fD) scratch */
  float   *dpair[STVA_N_PAIRS];      /* (2T, D) gradient of the top layer's output */
  float   *dbeta, *dscore;           /* (T, 3) */
  float   *dcol;                     /* (T) */
  float   *attn_scratch;             /* (2T · 2T) */
};

/* Makes room for a dialogue of T utterances and lays out every buffer; STVA_ERR_NOMEM. */
StvaStatus _stva_model_workspace_reserve (StvaModelWorkspace *ws, int T, StvaError *error);
