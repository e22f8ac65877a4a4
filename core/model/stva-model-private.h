/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the model's files share: the workspace layout.  A forward runs over a pack of one or more
 * dialogues stacked row-wise: dialogue d owns rows row0[d] .. row0[d + 1) of every (N, ·)
 * buffer, so each linear layer, LayerNorm and activation is one call over all N rows, and only
 * the attentions run per dialogue.  A pair graph's (2N, D) buffers hold the pair's first
 * modality in rows 0 .. N and its second in N .. 2N; its attention gathers a dialogue's 2T rows
 * into the g* scratch.  Square per-dialogue buffers (relations, attention maps) sit at offsets
 * sq1[d] (Σ T²) and sq2[d] (Σ (2T)²).  Every buffer points into one float, one int and one bool
 * block, laid out by _stva_model_workspace_reserve ().
 */
#pragma once

#include "stva-duo.h"

#include <string.h>

#include "stva-model.h"

typedef struct
{
  const float *zin;                  /* borrowed: (2N, D) input of the layer */
  float *q, *k, *v;                  /* (2N, D) */
  float *alpha;                      /* per dialogue at H·sq2[d]: (H, 2T, 2T) */
  float *att;                        /* (2N, D) */
  float *o;                          /* (2N, D) after Wo and dropout */
  float *r1, *y1;                    /* (2N, D) */
  float *mean1, *rstd1;              /* (2N) */
  float *f1, *gl;                    /* (2N, fD) */
  float *f2;                         /* (2N, D) after dropout */
  float *r2, *out;                   /* (2N, D) */
  float *mean2, *rstd2;              /* (2N) */
  bool  *keep1, *keep2;              /* (2N, D) */
} GraphLayerBuf;

struct StvaModelWorkspace
{
  StvaModelConfig config;
  StvaDuo *duo;                      /* owned, or NULL: the forward's second thread */
  int      n_active;
  size_t   f_cap, i_cap, b_cap;      /* block sizes */
  float   *fblock;                   /* owned (block_alloc in stva-model.c) */
  bool     f_mapped;                 /* fblock is a mapping, not from calloc */
  int     *iblock;                   /* owned */
  bool    *bblock;                   /* owned */

  /* the pack of the last forward */
  int      n_dlg;                    /* dialogues */
  int      N;                        /* rows: Σ T */
  int      T_max;
  int      dlg_cap;                  /* room in the four arrays below */
  const StvaDialogue **dlgs;         /* owned array (dlg_cap), borrowed dialogues */
  int     *row0;                     /* owned (dlg_cap + 1) */
  size_t  *sq1, *sq2;                /* owned (dlg_cap + 1): offsets Σ T², Σ (2T)² */
  int     *labels;                   /* (N) -1 where unlabelled */
  bool     dropout_on;               /* dropout masks were drawn */
  bool     input_drop_on;            /* input dropout masks were drawn (xkeep) */
  bool     input_grad;
  bool     no_backward;              /* the last forward's options.no_backward: layout shared */

  /* inputs */
  bool    *present[STVA_N_MOD];      /* (N) */
  float   *maskf[STVA_N_MOD];        /* (N) 0 or 1 */
  int     *spk;                      /* (N) slot in [0, S) */
  float   *wide_out;                 /* (N, K) one modality's wide path */
  float   *xs[STVA_N_MOD];           /* (N, F_m) standardised, missing rows 0, after input
                                      * dropout when training */
  bool    *xkeep[STVA_N_MOD];        /* (N, F_m) input dropout's mask; NULL without backward */

  /* §1 projection */
  float   *p_lin[STVA_N_MOD], *p_ln[STVA_N_MOD], *h[STVA_N_MOD];    /* (N, D) */
  float   *p_mean[STVA_N_MOD], *p_rstd[STVA_N_MOD];                 /* (N) */

  /* §2 MSDE */
  int     *rel_ctx[STVA_N_MOD];      /* per dialogue at sq1[d]: (T, T) */
  float   *mq[STVA_N_MOD], *mk[STVA_N_MOD], *mv[STVA_N_MOD];        /* (N, D) */
  float   *malpha[STVA_N_MOD];       /* per dialogue at sq1[d]: (T, T) */
  float   *c[STVA_N_MOD];            /* (N, D) context */
  float   *gin[STVA_N_MOD];          /* (N, 2D) [h; c] */
  float   *g[STVA_N_MOD], *et[STVA_N_MOD], *r[STVA_N_MOD], *e[STVA_N_MOD];   /* (N, D) */
  float   *e_mean[STVA_N_MOD], *e_rstd[STVA_N_MOD];                 /* (N) */
  float   *score;                    /* (3, N) */
  float   *beta;                     /* (N, 3) */
  float   *s3[STVA_N_MOD];           /* (N) 3·β_m */
  float   *nbuf[STVA_N_MOD];         /* (N, D) */
  const float *n[STVA_N_MOD];        /* nbuf or h */

  /* §3–4 graphs */
  bool     pair_on[STVA_N_PAIRS];
  int     *rel_g[STVA_N_PAIRS];      /* per dialogue at sq2[d]: (2T, 2T) */
  float   *z0[STVA_N_PAIRS];         /* (2N, D) */
  GraphLayerBuf gl[STVA_N_PAIRS][STVA_MODEL_MAX_LAYERS];
  int      n_views;
  float   *cin[STVA_N_MOD];          /* (N, n_views·D) */
  float   *cl[STVA_N_MOD], *cz[STVA_N_MOD], *zbuf[STVA_N_MOD];      /* (N, D) */
  float   *c_mean[STVA_N_MOD], *c_rstd[STVA_N_MOD];                 /* (N) */
  const float *z[STVA_N_MOD];        /* zbuf or n */

  /* §5 CAF */
  bool     caf_on;
  int     *rel_caf[STVA_N_MOD][STVA_N_MOD];                         /* at sq1[d]: (T, T) */
  float   *cq[STVA_N_MOD][STVA_N_MOD], *ck[STVA_N_MOD][STVA_N_MOD];  /* (N, D) */
  float   *cv[STVA_N_MOD][STVA_N_MOD], *catt[STVA_N_MOD][STVA_N_MOD];
  float   *calpha[STVA_N_MOD][STVA_N_MOD];                  /* at H·sq1[d]: (H, T, T) */
  float   *usum[STVA_N_MOD], *upre[STVA_N_MOD], *ubuf[STVA_N_MOD];  /* (N, D) */
  float   *u_mean[STVA_N_MOD], *u_rstd[STVA_N_MOD];                 /* (N) */
  const float *u[STVA_N_MOD];        /* ubuf or z */

  /* §6 classifier */
  float   *o_in;                     /* (N, M·D) */
  float   *c1, *cg, *cd;             /* (N, D) */
  bool    *keep_c;                   /* (N, D) */
  float   *logits, *probs;           /* (N, K) */

  /* backward */
  float   *dlogits;                  /* (N, K) */
  float   *dx[STVA_N_MOD];           /* (N, F_m) */
  float   *dT_a, *dT_b, *dT_c;       /* (N, D) scratch */
  float   *do_in;                    /* (N, M·D) */
  float   *dwide;                    /* (N, max (2, n_views)·D) scratch */
  float   *du[STVA_N_MOD], *dz[STVA_N_MOD], *dn[STVA_N_MOD], *de[STVA_N_MOD];   /* (N, D) */
  float   *dh[STVA_N_MOD];           /* (N, D) */
  float   *dq, *dk, *dv;             /* (2N, D) scratch */
  float   *dG_a, *dG_b, *dG_c, *dG_d;   /* (2N, D) scratch */
  float   *dG_wide1, *dG_wide2;      /* (2N, fD) scratch */
  float   *dpair[STVA_N_PAIRS];      /* (2N, D) gradient of the top layer's output */
  float   *dbeta, *dscore;           /* (N, 3) */
  float   *dcol;                     /* (N) */
  float   *attn_scratch;             /* (2T_max · 2T_max) */
  float   *gq, *gk, *gv, *gout;      /* (2T_max, D) one dialogue of a pair graph, gathered */
  float   *gdq, *gdk, *gdv;          /* (2T_max, D) */
};

/* Makes room for the pack dlgs[0 .. n) (lengths already checked), records its row and square
 * offsets and lays out every buffer; STVA_ERR_NOMEM.  With no_backward the buffers only the
 * backward reads are left out (NULL), the pair graphs' layers after the first use its
 * intermediates (q, k, v, att, o, r1, y1, f1, gl, f2, r2, their statistics and masks; each
 * keeps its own alpha and out, which outlive it), the modalities after the first active one
 * use its projection, MSDE, view-combination and CAF intermediates, and the CAF pairs after
 * the first use its q, k, v and attention output (what outlives them, as h, e, n, z, u and every
 * attention map, stays per modality or pair). */
StvaStatus _stva_model_workspace_reserve (StvaModelWorkspace *ws, const StvaDialogue *const *dlgs,
                                          int n, bool no_backward, StvaError *error);

/* Rows of dialogue d (first row r0, T utterances) of a pair graph's (2N, D) buffer x, its first
 * modality then its second, copied to the (2T, D) block g, and back. */
static inline void
_stva_gather_pair (float       *g,
                   const float *x,
                   size_t       N,
                   size_t       r0,
                   size_t       T,
                   size_t       D)
{
  memcpy (g, x + r0 * D, T * D * sizeof (float));
  memcpy (g + T * D, x + (N + r0) * D, T * D * sizeof (float));
}

static inline void
_stva_scatter_pair (float       *x,
                    const float *g,
                    size_t       N,
                    size_t       r0,
                    size_t       T,
                    size_t       D)
{
  memcpy (x + r0 * D, g, T * D * sizeof (float));
  memcpy (x + (N + r0) * D, g + T * D, T * D * sizeof (float));
}
