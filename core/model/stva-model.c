/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model object, its workspace (layout of every activation and gradient buffer of one
 * dialogue) and the studio's per-dialogue prediction call.  The passes themselves live in
 * stva-model-forward.c and stva-model-backward.c.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-nn.h"
#include "stva-model-private.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

/* The float block of a workspace (MBs to hundreds of MBs for a pack): on Linux a private
 * anonymous mapping (zero-filled, as calloc gave) with transparent huge pages requested, so the
 * first touch of a new block faults 2 MB at a time instead of 4 KB (the faults were ~8 % of
 * predicting a test set) and the products' operands need fewer TLB entries: bench-model's test
 * set 0.61-0.64 s -> 0.54-0.57 s in interleaved runs.  Elsewhere, when the mapping fails, or
 * under AddressSanitizer (which guards the ends of heap blocks only), calloc.  *mapped says
 * which, for block_free. */
#define HUGE_MIN ((size_t) 4 << 20)

static float *
block_alloc (size_t  n,
             bool   *mapped)
{
  *mapped = false;
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
  size_t bytes = n * sizeof (float);
  if (bytes >= HUGE_MIN)
    {
      void *p = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED)
        {
          (void) madvise (p, bytes, MADV_HUGEPAGE);   /* a hint: without THP, plain pages */
          *mapped = true;
          return p;
        }
    }
#endif
  return calloc (n, sizeof (float));
}

static void
block_free (float  *p,
            size_t  n,
            bool    mapped)
{
#ifdef __linux__
  if (mapped)
    {
      munmap (p, n * sizeof (float));
      return;
    }
#else
  (void) n;
  (void) mapped;
#endif
  free (p);
}

/* ---- model ---- */

StvaStatus
stva_model_init (StvaModel             *model,
                 const StvaModelConfig *config,
                 StvaError             *error)
{
  memset (model, 0, sizeof *model);
  StvaStatus status = stva_params_init (&model->params, config, error);
  if (status != STVA_OK)
    return status;
  model->config = *config;
  stva_params_reset (&model->params, config->seed);
  return STVA_OK;
}

static void
free_strings (char **v,
              int    n)
{
  if (v == NULL)
    return;
  for (int i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

void
stva_model_clear (StvaModel *model)
{
  if (model == NULL)
    return;
  stva_params_clear (&model->params);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      free (model->mean[m]);
      free (model->std[m]);
      free_strings (model->feature_names[m], model->config.F[m]);
    }
  free_strings (model->labels, model->config.K);
  memset (model, 0, sizeof *model);
}

StvaStatus
stva_model_set_normalisation (StvaModel   *model,
                              int          m,
                              const float *mean,
                              const float *std,
                              StvaError   *error)
{
  assert (m >= 0 && m < STVA_N_MOD);
  size_t F = (size_t) model->config.F[m];
  if (F == 0)
    return STVA_OK;
  float *mu = malloc (F * sizeof (float)), *sd = malloc (F * sizeof (float));
  if (mu == NULL || sd == NULL)
    {
      free (mu);
      free (sd);
      return stva_error_set (error, STVA_ERR_NOMEM, "normalisation: out of memory");
    }
  for (size_t k = 0; k < F; k++)
    {
      if (!isfinite (mean[k]) || !isfinite (std[k]))
        {
          free (mu);
          free (sd);
          return stva_error_set (error, STVA_ERR_NUMERIC,
                                 "normalisation of modality %d: feature %zu is not finite", m,
                                 k);
        }
      mu[k] = mean[k];
      sd[k] = std[k] > 1e-6f ? std[k] : 1.0f;   /* constant features pass through centred */
    }
  free (model->mean[m]);
  free (model->std[m]);
  model->mean[m] = mu;
  model->std[m] = sd;
  return STVA_OK;
}

/* ---- workspace ---- */

typedef struct
{
  size_t f, i, b;   /* cursors (elements) */
  StvaModelWorkspace *ws;
  bool   assign;
  bool   share;     /* no backward: intermediates shared, the backward's buffers left out */
} Cursor;

#define ROUND16(n) (((n) + 15) / 16 * 16)

static float *
take_f (Cursor *cur,
        size_t  n)
{
  float *p = cur->assign ? cur->ws->fblock + cur->f : NULL;
  cur->f += ROUND16 (n);
  return p;
}

static int *
take_i (Cursor *cur,
        size_t  n)
{
  int *p = cur->assign ? cur->ws->iblock + cur->i : NULL;
  cur->i += ROUND16 (n);
  return p;
}

static bool *
take_b (Cursor *cur,
        size_t  n)
{
  bool *p = cur->assign ? cur->ws->bblock + cur->b : NULL;
  cur->b += ROUND16 (n);
  return p;
}

/* a buffer only the backward uses: none when the forward has no backward */
static float *
take_bwd (Cursor *cur,
          size_t  n)
{
  return cur->share ? NULL : take_f (cur, n);
}

/* rows N, squares Q1 = Σ T² and Q2 = Σ (2T)², longest dialogue T_max */
static void
layout (Cursor *cur,
        size_t  N,
        size_t  Q1,
        size_t  Q2,
        size_t  T_max)
{
  StvaModelWorkspace *ws = cur->ws;
  const StvaModelConfig *c = &ws->config;
  size_t T = N, D = (size_t) c->D, H = (size_t) c->H, K = (size_t) c->K;
  size_t fD = (size_t) c->ffn_mult * D, N2 = 2 * N, M = (size_t) ws->n_active;
  size_t nv = ws->n_views > 0 ? (size_t) ws->n_views : 1;
  bool graph = c->use_graph && ws->n_active >= 2;
  bool caf = c->use_cross && ws->n_active >= 2;

  /* Without a backward, a modality's intermediates (and a CAF pair's) are dead once its
   * result is out, and the modalities run one after the other: the first active one (pair)
   * takes them, the others reuse its. */
  int fm = -1, fm2 = -1;   /* the first active modality, and pair of CAF, when shared */
#define MOD_TEMP(buf, n) (ws->buf[m] = own ? take_f (cur, (n)) : ws->buf[fm])
#define PAIR_TEMP(buf, n) (ws->buf[m][m2] = own_pair ? take_f (cur, (n)) : ws->buf[fm][fm2])
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      bool on = stva_model_config_active (c, m);
      size_t F = (size_t) c->F[m];
      ws->present[m] = take_b (cur, T);   /* always: predict reports all three */
      ws->maskf[m] = take_f (cur, T);
      if (!on)
        continue;
      bool own = !cur->share || fm < 0;
      if (cur->share && fm < 0)
        fm = m;
      ws->xs[m] = take_f (cur, T * F);   /* all filled before the first projection */
      ws->dx[m] = take_bwd (cur, T * F);
      ws->xkeep[m] = cur->share ? NULL : take_b (cur, T * F);
      MOD_TEMP (p_lin, T * D);
      MOD_TEMP (p_ln, T * D);
      ws->h[m] = take_f (cur, T * D);
      MOD_TEMP (p_mean, T);
      MOD_TEMP (p_rstd, T);
      if (c->use_msde)
        {
          ws->rel_ctx[m] = take_i (cur, Q1);
          MOD_TEMP (mq, T * D);
          MOD_TEMP (mk, T * D);
          MOD_TEMP (mv, T * D);
          ws->malpha[m] = take_f (cur, Q1);
          MOD_TEMP (c, T * D);
          MOD_TEMP (gin, T * 2 * D);
          MOD_TEMP (g, T * D);
          MOD_TEMP (et, T * D);
          MOD_TEMP (r, T * D);
          ws->e[m] = take_f (cur, T * D);
          MOD_TEMP (e_mean, T);
          MOD_TEMP (e_rstd, T);
          ws->s3[m] = take_f (cur, T);
          ws->nbuf[m] = take_f (cur, T * D);
        }
      if (graph)
        {
          MOD_TEMP (cin, T * nv * D);
          MOD_TEMP (cl, T * D);
          MOD_TEMP (cz, T * D);
          ws->zbuf[m] = take_f (cur, T * D);
          MOD_TEMP (c_mean, T);
          MOD_TEMP (c_rstd, T);
        }
      if (caf)
        {
          for (int m2 = 0; m2 < STVA_N_MOD; m2++)
            {
              if (m2 == m || !stva_model_config_active (c, m2))
                continue;
              bool own_pair = !cur->share || fm2 < 0;
              ws->rel_caf[m][m2] = take_i (cur, Q1);
              PAIR_TEMP (cq, T * D);
              PAIR_TEMP (ck, T * D);
              PAIR_TEMP (cv, T * D);
              PAIR_TEMP (catt, T * D);
              ws->calpha[m][m2] = take_f (cur, H * Q1);
              if (cur->share && fm2 < 0)
                fm2 = m2;   /* the pair (fm, fm2) */
            }
          MOD_TEMP (usum, T * D);
          MOD_TEMP (upre, T * D);
          ws->ubuf[m] = take_f (cur, T * D);
          MOD_TEMP (u_mean, T);
          MOD_TEMP (u_rstd, T);
        }
      ws->du[m] = take_bwd (cur, T * D);
      ws->dz[m] = take_bwd (cur, T * D);
      ws->dn[m] = take_bwd (cur, T * D);
      ws->de[m] = take_bwd (cur, T * D);
      ws->dh[m] = take_bwd (cur, T * D);
    }
#undef MOD_TEMP
#undef PAIR_TEMP
  ws->spk = take_i (cur, T);
  ws->score = take_f (cur, 3 * T);
  ws->beta = take_f (cur, 3 * T);

  const GraphLayerBuf *first = NULL;   /* the set the others share, when shared */
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      if (!ws->pair_on[p])
        continue;
      ws->rel_g[p] = take_i (cur, Q2);
      ws->z0[p] = take_f (cur, N2 * D);
      ws->dpair[p] = take_bwd (cur, N2 * D);
      for (int l = 0; l < c->L; l++)
        {
          GraphLayerBuf *b = &ws->gl[p][l];
          if (first != NULL)
            {
              /* a layer reads only its input (the previous layer's out, or z0) and its own
               * intermediates, which no later layer needs without a backward */
              *b = *first;
              b->alpha = take_f (cur, H * Q2);
              b->out = take_f (cur, N2 * D);
              continue;
            }
          b->q = take_f (cur, N2 * D);
          b->k = take_f (cur, N2 * D);
          b->v = take_f (cur, N2 * D);
          b->alpha = take_f (cur, H * Q2);
          b->att = take_f (cur, N2 * D);
          b->o = take_f (cur, N2 * D);
          b->r1 = take_f (cur, N2 * D);
          b->y1 = take_f (cur, N2 * D);
          b->mean1 = take_f (cur, N2);
          b->rstd1 = take_f (cur, N2);
          b->f1 = take_f (cur, N2 * fD);
          b->gl = take_f (cur, N2 * fD);
          b->f2 = take_f (cur, N2 * D);
          b->r2 = take_f (cur, N2 * D);
          b->out = take_f (cur, N2 * D);
          b->mean2 = take_f (cur, N2);
          b->rstd2 = take_f (cur, N2);
          b->keep1 = take_b (cur, N2 * D);
          b->keep2 = take_b (cur, N2 * D);
          if (cur->share)
            first = b;
        }
    }

  ws->o_in = take_f (cur, T * M * D);
  ws->c1 = take_f (cur, T * D);
  ws->cg = take_f (cur, T * D);
  ws->cd = take_f (cur, T * D);
  ws->keep_c = take_b (cur, T * D);
  ws->logits = take_f (cur, T * K);
  ws->wide_out = c->wide ? take_f (cur, T * K) : NULL;
  ws->probs = take_f (cur, T * K);

  ws->dlogits = take_bwd (cur, T * K);
  ws->dT_a = take_f (cur, T * D);
  ws->dT_b = take_bwd (cur, T * D);
  ws->dT_c = take_bwd (cur, T * D);
  ws->do_in = take_bwd (cur, T * M * D);
  ws->dwide = take_bwd (cur, T * (nv > 2 ? nv : 2) * D);
  if (graph)
    {
      ws->dq = take_bwd (cur, N2 * D);
      ws->dk = take_bwd (cur, N2 * D);
      ws->dv = take_bwd (cur, N2 * D);
      ws->dG_a = take_bwd (cur, N2 * D);
      ws->dG_b = take_bwd (cur, N2 * D);
      ws->dG_c = take_bwd (cur, N2 * D);
      ws->dG_d = take_bwd (cur, N2 * D);
      ws->dG_wide1 = take_bwd (cur, N2 * fD);
      ws->dG_wide2 = take_bwd (cur, N2 * fD);
    }
  else
    {
      ws->dq = take_bwd (cur, T * D);
      ws->dk = take_bwd (cur, T * D);
      ws->dv = take_bwd (cur, T * D);
    }
  ws->dbeta = take_bwd (cur, 3 * T);
  ws->dscore = take_bwd (cur, 3 * T);
  ws->dcol = take_bwd (cur, T);
  ws->attn_scratch = take_f (cur, stva_attn_scratch_size (2 * T_max, 2 * T_max));
  ws->labels = take_i (cur, N);
  if (graph)
    {
      ws->gq = take_f (cur, 2 * T_max * D);
      ws->gk = take_f (cur, 2 * T_max * D);
      ws->gv = take_f (cur, 2 * T_max * D);
      ws->gout = take_f (cur, 2 * T_max * D);
      ws->gdq = take_bwd (cur, 2 * T_max * D);
      ws->gdk = take_bwd (cur, 2 * T_max * D);
      ws->gdv = take_bwd (cur, 2 * T_max * D);
    }
}

StvaModelWorkspace *
stva_model_workspace_new (const StvaModelConfig *config)
{
  StvaModelWorkspace *ws = calloc (1, sizeof *ws);
  if (ws == NULL)
    return NULL;
  ws->config = *config;
  ws->n_active = stva_model_config_n_active (config);
  ws->n_views = config->use_graph ? ws->n_active - 1 : 0;
  if (config->use_graph && ws->n_active >= 2)
    for (int p = 0; p < STVA_N_PAIRS; p++)
      ws->pair_on[p] = stva_model_config_active (config, stva_pair_mod[p][0])
                       && stva_model_config_active (config, stva_pair_mod[p][1]);
  ws->caf_on = config->use_cross && ws->n_active >= 2;
  return ws;
}

int
stva_model_workspace_set_threads (StvaModelWorkspace *ws,
                                  int                 threads)
{
  if (threads >= 2 && ws->duo == NULL)
    ws->duo = stva_duo_new ();   /* NULL if the thread cannot start: one thread, as before */
  else if (threads < 2 && ws->duo != NULL)
    {
      stva_duo_free (ws->duo);
      ws->duo = NULL;
    }
  return ws->duo != NULL ? 2 : 1;
}

void
stva_model_workspace_free (StvaModelWorkspace *ws)
{
  if (ws == NULL)
    return;
  stva_duo_free (ws->duo);
  block_free (ws->fblock, ws->f_cap, ws->f_mapped);
  free (ws->iblock);
  free (ws->bblock);
  free (ws->dlgs);
  free (ws->row0);
  free (ws->sq1);
  free (ws->sq2);
  free (ws);
}

static StvaStatus
grow_pack_arrays (StvaModelWorkspace *ws,
                  int                 n,
                  StvaError          *error)
{
  if (n <= ws->dlg_cap)
    return STVA_OK;
  size_t cap = (size_t) n;
  const StvaDialogue **dlgs = realloc (ws->dlgs, cap * sizeof *dlgs);
  if (dlgs != NULL)
    ws->dlgs = dlgs;
  int *row0 = realloc (ws->row0, (cap + 1) * sizeof *row0);
  if (row0 != NULL)
    ws->row0 = row0;
  size_t *sq1 = realloc (ws->sq1, (cap + 1) * sizeof *sq1);
  if (sq1 != NULL)
    ws->sq1 = sq1;
  size_t *sq2 = realloc (ws->sq2, (cap + 1) * sizeof *sq2);
  if (sq2 != NULL)
    ws->sq2 = sq2;
  if (dlgs == NULL || row0 == NULL || sq1 == NULL || sq2 == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "model workspace: out of memory for %d dialogues",
                           n);
  ws->dlg_cap = n;
  return STVA_OK;
}

StvaStatus
_stva_model_workspace_reserve (StvaModelWorkspace        *ws,
                               const StvaDialogue *const *dlgs,
                               int                        n,
                               bool                       no_backward,
                               StvaError                 *error)
{
  StvaStatus status = grow_pack_arrays (ws, n, error);
  if (status != STVA_OK)
    return status;
  size_t N = 0, Q1 = 0, Q2 = 0, T_max = 0;
  for (int d = 0; d < n; d++)
    {
      size_t T = (size_t) dlgs[d]->T;
      ws->dlgs[d] = dlgs[d];
      ws->row0[d] = (int) N;
      ws->sq1[d] = Q1;
      ws->sq2[d] = Q2;
      N += T;
      Q1 += T * T;
      Q2 += 4 * T * T;
      T_max = T > T_max ? T : T_max;
    }
  ws->row0[n] = (int) N;
  ws->sq1[n] = Q1;
  ws->sq2[n] = Q2;

  Cursor cur = { .ws = ws, .assign = false, .share = no_backward };
  layout (&cur, N, Q1, Q2, T_max);
  if (cur.f > ws->f_cap || cur.i > ws->i_cap || cur.b > ws->b_cap)
    {
      /* a regrown block is new memory the kernel has to map page by page on first touch (7 % of
       * predicting a test set when each larger pack regrew to its exact size): once a workspace
       * has grown, it grows by half again, so a run of ever larger packs regrows a few times */
      if (ws->f_cap > 0)
        {
          cur.f = cur.f > ws->f_cap + ws->f_cap / 2 ? cur.f : ws->f_cap + ws->f_cap / 2;
          cur.i = cur.i > ws->i_cap + ws->i_cap / 2 ? cur.i : ws->i_cap + ws->i_cap / 2;
          cur.b = cur.b > ws->b_cap + ws->b_cap / 2 ? cur.b : ws->b_cap + ws->b_cap / 2;
        }
      block_free (ws->fblock, ws->f_cap, ws->f_mapped);
      free (ws->iblock);
      free (ws->bblock);
      ws->fblock = block_alloc (cur.f, &ws->f_mapped);
      ws->iblock = calloc (cur.i, sizeof (int));
      ws->bblock = calloc (cur.b, sizeof (bool));
      if (ws->fblock == NULL || ws->iblock == NULL || ws->bblock == NULL)
        {
          if (ws->fblock != NULL)
            block_free (ws->fblock, cur.f, ws->f_mapped);
          free (ws->iblock);
          free (ws->bblock);
          ws->fblock = NULL;
          ws->iblock = NULL;
          ws->bblock = NULL;
          ws->f_mapped = false;
          ws->f_cap = ws->i_cap = ws->b_cap = 0;
          return stva_error_set (error, STVA_ERR_NOMEM,
                                 "model workspace: cannot allocate %zu floats for %zu utterances",
                                 cur.f, N);
        }
      ws->f_cap = cur.f;
      ws->i_cap = cur.i;
      ws->b_cap = cur.b;
    }
  cur = (Cursor) { .ws = ws, .assign = true, .share = no_backward };
  layout (&cur, N, Q1, Q2, T_max);
  ws->n_dlg = n;
  ws->no_backward = no_backward;
  ws->N = (int) N;
  ws->T_max = (int) T_max;
  return STVA_OK;
}

const float *
stva_model_workspace_logits (const StvaModelWorkspace *ws)
{
  return ws->logits;
}

const float *
stva_model_workspace_probs (const StvaModelWorkspace *ws)
{
  return ws->probs;
}

const float *
stva_model_workspace_input_grad (const StvaModelWorkspace *ws,
                                 int                       m)
{
  return stva_model_config_active (&ws->config, m) ? ws->dx[m] : NULL;
}

/* ---- prediction ---- */

void
stva_model_output_clear (StvaModelOutput *out)
{
  if (out == NULL)
    return;
  free (out->logits);
  free (out->probs);
  free (out->pred);
  free (out->confidence);
  free (out->entropy);
  free (out->margin);
  free (out->beta);
  free (out->present);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      free (out->msde_alpha[m]);
      for (int m2 = 0; m2 < STVA_N_MOD; m2++)
        free (out->caf_alpha[m][m2]);
    }
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      free (out->graph_rel[p]);
      for (int l = 0; l < STVA_MODEL_MAX_LAYERS; l++)
        free (out->graph_alpha[p][l]);
    }
  memset (out, 0, sizeof *out);
}

static void *
dup_or_null (const void *src,
             size_t      n_bytes,
             bool       *failed)
{
  if (src == NULL)
    return NULL;
  void *p = malloc (n_bytes > 0 ? n_bytes : 1);
  if (p == NULL)
    {
      *failed = true;
      return NULL;
    }
  memcpy (p, src, n_bytes);
  return p;
}

/* copies dialogue d of the workspace's pack into out (cleared) */
static StvaStatus
copy_output (const StvaModelWorkspace *ws,
             int                       d,
             StvaModelOutput          *out,
             StvaError                *error)
{
  const StvaModelConfig *c = &ws->config;
  size_t T = (size_t) ws->dlgs[d]->T, K = (size_t) c->K, H = (size_t) c->H;
  size_t r0 = (size_t) ws->row0[d], q1 = ws->sq1[d], q2 = ws->sq2[d], N2 = 2 * T;
  bool failed = false;
  memset (out, 0, sizeof *out);
  out->T = (int) T;
  out->K = c->K;
  out->H = c->H;
  out->L = c->L;
  out->logits = dup_or_null (ws->logits + r0 * K, T * K * sizeof (float), &failed);
  out->probs = dup_or_null (ws->probs + r0 * K, T * K * sizeof (float), &failed);
  out->beta = dup_or_null (ws->beta + r0 * 3, T * 3 * sizeof (float), &failed);
  out->pred = malloc (T * sizeof (int));
  out->confidence = malloc (T * sizeof (float));
  out->entropy = malloc (T * sizeof (float));
  out->margin = malloc (T * sizeof (float));
  out->present = malloc (3 * T);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (ws->malpha[m] != NULL)
        out->msde_alpha[m] = dup_or_null (ws->malpha[m] + q1, T * T * sizeof (float), &failed);
      for (int m2 = 0; m2 < STVA_N_MOD; m2++)
        if (ws->calpha[m][m2] != NULL)
          out->caf_alpha[m][m2] = dup_or_null (ws->calpha[m][m2] + H * q1,
                                               H * T * T * sizeof (float), &failed);
    }
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      if (!ws->pair_on[p])
        continue;
      out->graph_rel[p] = dup_or_null (ws->rel_g[p] + q2, N2 * N2 * sizeof (int), &failed);
      for (int l = 0; l < c->L; l++)
        out->graph_alpha[p][l] = dup_or_null (ws->gl[p][l].alpha + H * q2,
                                              H * N2 * N2 * sizeof (float), &failed);
    }
  if (failed || out->pred == NULL || out->confidence == NULL || out->entropy == NULL
      || out->margin == NULL || out->present == NULL)
    {
      stva_model_output_clear (out);
      return stva_error_set (error, STVA_ERR_NOMEM, "predict: out of memory");
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    for (size_t i = 0; i < T; i++)
      out->present[(size_t) m * T + i] = ws->present[m][r0 + i];
  for (size_t i = 0; i < T; i++)
    {
      const float *p = out->probs + i * K;
      size_t best = 0;
      float second = 0.0f;
      double ent = 0.0;
      for (size_t k = 1; k < K; k++)
        if (p[k] > p[best])
          best = k;
      for (size_t k = 0; k < K; k++)
        {
          if (k != best && p[k] > second)
            second = p[k];
          if (p[k] > 0.0f)
            ent -= (double) p[k] * log ((double) p[k]);
        }
      out->pred[i] = (int) best;
      out->confidence[i] = p[best];
      out->entropy[i] = (float) ent;
      out->margin[i] = p[best] - second;
    }
  return STVA_OK;
}

StvaStatus
stva_model_predict_batch (const StvaModel           *model,
                          StvaModelWorkspace        *ws,
                          const StvaDialogue *const *dlgs,
                          int                        n,
                          StvaModelOutput           *outs,
                          StvaError                 *error)
{
  for (int d = 0; d < n; d++)
    memset (&outs[d], 0, sizeof outs[d]);
  StvaModelWorkspace *own = NULL;
  if (ws == NULL)
    {
      ws = own = stva_model_workspace_new (&model->config);
      if (ws == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "predict: out of memory");
    }
  StvaForwardOptions options = { .train = false, .no_backward = true };
  StvaStatus status = stva_model_forward_batch (ws, model, model->params.values, dlgs, n,
                                                &options, error);
  for (int d = 0; d < n && status == STVA_OK; d++)
    status = copy_output (ws, d, &outs[d], error);
  if (status != STVA_OK)
    for (int d = 0; d < n; d++)
      stva_model_output_clear (&outs[d]);
  stva_model_workspace_free (own);
  return status;
}

StvaStatus
stva_model_predict (const StvaModel    *model,
                    StvaModelWorkspace *ws,
                    const StvaDialogue *dlg,
                    StvaModelOutput    *out,
                    StvaError          *error)
{
  const StvaDialogue *one[1] = { dlg };
  return stva_model_predict_batch (model, ws, one, 1, out, error);
}

size_t
stva_model_output_graph_edges (const StvaModelOutput *out,
                               int                    pair,
                               StvaGraphEdge         *edges)
{
  if (pair < 0 || pair >= STVA_N_PAIRS || out->graph_rel[pair] == NULL)
    return 0;
  size_t N2 = 2 * (size_t) out->T, n = 0;
  const int *rel = out->graph_rel[pair];
  for (size_t v = 0; v < N2; v++)
    for (size_t u = 0; u < N2; u++)
      if (rel[v * N2 + u] >= 0)
        {
          if (edges != NULL)
            edges[n] = (StvaGraphEdge) { .src = (int) u, .dst = (int) v,
                                         .relation = rel[v * N2 + u] };
          n++;
        }
  return n;
}
