/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parameter table of a Sync-TVA model (stva-params.h lists the tensors).  The table is built in
 * two passes over the same code: the first counts tensors, the second fills names, shapes and
 * offsets, so the layout has one source.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-graph.h"
#include "stva-params.h"
#include "stva-rng.h"

#define ALIGN_FLOATS 16   /* 64 bytes */

typedef struct
{
  StvaParams *params;   /* NULL in the counting pass */
  int         n;
  size_t      n_floats;
} Builder;

static size_t
add_tensor (Builder    *b,
            int         ndim,
            int64_t     d0,
            int64_t     d1,
            bool        decay,
            int         init,
            size_t      fan_in,
            const char *format,
            ...)
{
  size_t offset = b->n_floats;
  size_t n = (size_t) d0 * (size_t) (ndim == 2 ? d1 : 1);
  if (b->params != NULL)
    {
      StvaParamTensor *t = &b->params->tensors[b->n];
      va_list ap;
      va_start (ap, format);
      vsnprintf (t->name, sizeof t->name, format, ap);
      va_end (ap);
      t->ndim = ndim;
      t->shape[0] = d0;
      t->shape[1] = ndim == 2 ? d1 : 0;
      t->offset = offset;
      t->n = n;
      t->decay = decay;
      t->init = init;
      t->fan_in = fan_in;
    }
  b->n++;
  b->n_floats += (n + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
  return offset;
}

/* A torch.nn.Linear (n_out, n_in) with bias, named prefix.w and prefix.b */
static StvaLinearAt
add_linear (Builder    *b,
            size_t      n_out,
            size_t      n_in,
            const char *prefix)
{
  StvaLinearAt at;
  at.w = add_tensor (b, 2, (int64_t) n_out, (int64_t) n_in, true, STVA_INIT_LINEAR, n_in,
                     "%s.w", prefix);
  at.b = add_tensor (b, 1, (int64_t) n_out, 0, false, STVA_INIT_LINEAR, n_in, "%s.b", prefix);
  return at;
}

static StvaNormAt
add_norm (Builder    *b,
          size_t      D,
          const char *prefix)
{
  StvaNormAt at;
  at.g = add_tensor (b, 1, (int64_t) D, 0, false, STVA_INIT_ONES, 0, "%s.g", prefix);
  at.b = add_tensor (b, 1, (int64_t) D, 0, false, STVA_INIT_ZEROS, 0, "%s.b", prefix);
  return at;
}

static void
none_layout (StvaParamLayout *at)
{
  /* every offset field is a size_t: fill them all with STVA_PARAM_NONE */
  size_t *p = (size_t *) at;
  for (size_t i = 0; i < sizeof *at / sizeof (size_t); i++)
    p[i] = STVA_PARAM_NONE;
}

static void
build (Builder                *b,
       const StvaModelConfig  *c,
       StvaParamLayout        *at)
{
  static const char L[] = "TAV";
  size_t D = (size_t) c->D, fD = (size_t) c->ffn_mult * D;
  int n_active = stva_model_config_n_active (c);
  char name[STVA_PARAM_NAME_MAX];

  none_layout (at);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (!stva_model_config_active (c, m))
        continue;
      snprintf (name, sizeof name, "proj.%c", L[m]);
      at->proj[m] = add_linear (b, D, (size_t) c->F[m], name);
      snprintf (name, sizeof name, "proj.%c.ln", L[m]);
      at->proj_ln[m] = add_norm (b, D, name);
    }
  at->spk = add_tensor (b, 2, c->S, (int64_t) D, false, STVA_INIT_NORMAL, 0, "spk.emb");

  if (c->use_msde)
    for (int m = 0; m < STVA_N_MOD; m++)
      {
        if (!stva_model_config_active (c, m))
          continue;
        snprintf (name, sizeof name, "msde.%c.wq", L[m]);
        at->msde_q[m] = add_linear (b, D, D, name);
        snprintf (name, sizeof name, "msde.%c.wk", L[m]);
        at->msde_k[m] = add_linear (b, D, D, name);
        snprintf (name, sizeof name, "msde.%c.wv", L[m]);
        at->msde_v[m] = add_linear (b, D, D, name);
        snprintf (name, sizeof name, "msde.%c.gate", L[m]);
        at->msde_gate[m] = add_linear (b, D, 2 * D, name);
        snprintf (name, sizeof name, "msde.%c.enh", L[m]);
        at->msde_enh[m] = add_linear (b, D, D, name);
        snprintf (name, sizeof name, "msde.%c.ln", L[m]);
        at->msde_ln[m] = add_norm (b, D, name);
        snprintf (name, sizeof name, "msde.%c.beta", L[m]);
        at->msde_beta[m] = add_linear (b, 1, D, name);
        if (c->msde_speaker)
          at->msde_rel[m] = add_tensor (b, 2, STVA_MSDE_N_RELATIONS, 1, false, STVA_INIT_ZEROS,
                                        0, "msde.%c.rel_bias", L[m]);
      }

  if (c->use_graph && n_active >= 2)
    {
      for (int p = 0; p < STVA_N_PAIRS; p++)
        {
          int ma = stva_pair_mod[p][0], mb = stva_pair_mod[p][1];
          if (!stva_model_config_active (c, ma) || !stva_model_config_active (c, mb))
            continue;
          for (int l = 0; l < c->L; l++)
            {
              StvaGraphLayerAt *g = &at->graph[p][l];
              const char *pn = stva_pair_name (p);
              for (int s = 0; s < 2; s++)
                {
                  int m = stva_pair_mod[p][s];
                  snprintf (name, sizeof name, "graph.%s.l%d.wq.%c", pn, l, L[m]);
                  g->q[m] = add_linear (b, D, D, name);
                  snprintf (name, sizeof name, "graph.%s.l%d.wk.%c", pn, l, L[m]);
                  g->k[m] = add_linear (b, D, D, name);
                  snprintf (name, sizeof name, "graph.%s.l%d.wv.%c", pn, l, L[m]);
                  g->v[m] = add_linear (b, D, D, name);
                }
              g->rel = add_tensor (b, 2, STVA_GRAPH_N_RELATIONS, c->H, false, STVA_INIT_ZEROS,
                                   0, "graph.%s.l%d.rel_bias", pn, l);
              snprintf (name, sizeof name, "graph.%s.l%d.wo", pn, l);
              g->o = add_linear (b, D, D, name);
              snprintf (name, sizeof name, "graph.%s.l%d.ln1", pn, l);
              g->ln1 = add_norm (b, D, name);
              snprintf (name, sizeof name, "graph.%s.l%d.ffn1", pn, l);
              g->ffn1 = add_linear (b, fD, D, name);
              snprintf (name, sizeof name, "graph.%s.l%d.ffn2", pn, l);
              g->ffn2 = add_linear (b, D, fD, name);
              snprintf (name, sizeof name, "graph.%s.l%d.ln2", pn, l);
              g->ln2 = add_norm (b, D, name);
            }
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          if (!stva_model_config_active (c, m))
            continue;
          snprintf (name, sizeof name, "combine.%c", L[m]);
          at->combine[m] = add_linear (b, D, (size_t) (n_active - 1) * D, name);
          snprintf (name, sizeof name, "combine.%c.ln", L[m]);
          at->combine_ln[m] = add_norm (b, D, name);
        }
    }

  if (c->use_cross && n_active >= 2)
    for (int m = 0; m < STVA_N_MOD; m++)
      {
        if (!stva_model_config_active (c, m))
          continue;
        for (int m2 = 0; m2 < STVA_N_MOD; m2++)
          {
            if (m2 == m || !stva_model_config_active (c, m2))
              continue;
            snprintf (name, sizeof name, "caf.%c%c.wq", L[m], L[m2]);
            at->caf_q[m][m2] = add_linear (b, D, D, name);
            snprintf (name, sizeof name, "caf.%c%c.wk", L[m], L[m2]);
            at->caf_k[m][m2] = add_linear (b, D, D, name);
            snprintf (name, sizeof name, "caf.%c%c.wv", L[m], L[m2]);
            at->caf_v[m][m2] = add_linear (b, D, D, name);
            snprintf (name, sizeof name, "caf.%c%c.wo", L[m], L[m2]);
            at->caf_o[m][m2] = add_linear (b, D, D, name);
          }
        snprintf (name, sizeof name, "caf.%c.ln", L[m]);
        at->caf_ln[m] = add_norm (b, D, name);
      }

  at->cls1.w = add_tensor (b, 2, (int64_t) D, (int64_t) ((size_t) n_active * D), true,
                           STVA_INIT_LINEAR, (size_t) n_active * D, "cls.w1");
  at->cls1.b = add_tensor (b, 1, (int64_t) D, 0, false, STVA_INIT_LINEAR,
                           (size_t) n_active * D, "cls.b1");
  at->cls2.w = add_tensor (b, 2, c->K, (int64_t) D, true, STVA_INIT_LINEAR, D, "cls.w2");
  at->cls2.b = add_tensor (b, 1, c->K, 0, false, STVA_INIT_LINEAR, D, "cls.b2");
  if (c->wide)   /* starts at zero: the deep model's logits */
    for (int m = 0; m < STVA_N_MOD; m++)
      if (stva_model_config_active (c, m))
        at->wide[m] = add_tensor (b, 2, c->K, c->F[m], true, STVA_INIT_ZEROS, 0, "wide.%c.w",
                                  L[m]);
}

StvaStatus
stva_params_init (StvaParams            *params,
                  const StvaModelConfig *config,
                  StvaError             *error)
{
  memset (params, 0, sizeof *params);
  StvaStatus status = stva_model_config_validate (config, error);
  if (status != STVA_OK)
    return status;
  params->config = *config;

  Builder counter = { 0 };
  StvaParamLayout scratch;
  build (&counter, config, &scratch);

  params->tensors = calloc ((size_t) counter.n, sizeof (StvaParamTensor));
  params->values = calloc (counter.n_floats, sizeof (float));
  params->grads = NULL;   /* training allocates it: a model that only predicts needs none */
  if (params->tensors == NULL || params->values == NULL)
    {
      stva_params_clear (params);
      return stva_error_set (error, STVA_ERR_NOMEM, "parameters: cannot allocate %zu floats",
                             counter.n_floats);
    }
  Builder filler = { .params = params };
  build (&filler, config, &params->at);
  assert (filler.n == counter.n && filler.n_floats == counter.n_floats);
  params->n_tensors = filler.n;
  params->n_floats = filler.n_floats;
  return STVA_OK;
}

StvaStatus
stva_params_size (const StvaModelConfig *config,
                  int                   *n_tensors,
                  size_t                *n_floats,
                  StvaError             *error)
{
  StvaStatus status = stva_model_config_validate (config, error);
  if (status != STVA_OK)
    return status;
  Builder counter = { 0 };
  StvaParamLayout scratch;
  build (&counter, config, &scratch);
  *n_tensors = counter.n;
  *n_floats = counter.n_floats;
  return STVA_OK;
}

void
stva_params_clear (StvaParams *params)
{
  if (params == NULL)
    return;
  free (params->tensors);
  free (params->values);
  free (params->grads);
  memset (params, 0, sizeof *params);
}

void
stva_params_reset (StvaParams *params,
                   uint64_t    seed)
{
  for (int i = 0; i < params->n_tensors; i++)
    {
      const StvaParamTensor *t = &params->tensors[i];
      float *x = params->values + t->offset;
      StvaRng rng;
      stva_rng_derive (&rng, seed, 0x5041524100000000ull + (uint64_t) i);   /* "PARA" */
      switch (t->init)
        {
        case STVA_INIT_LINEAR:
          {
            double bound = t->fan_in > 0 ? 1.0 / sqrt ((double) t->fan_in) : 0.0;
            for (size_t k = 0; k < t->n; k++)
              x[k] = (float) ((2.0 * stva_rng_uniform (&rng) - 1.0) * bound);
          }
          break;
        case STVA_INIT_ONES:
          for (size_t k = 0; k < t->n; k++)
            x[k] = 1.0f;
          break;
        case STVA_INIT_ZEROS:
          memset (x, 0, t->n * sizeof (float));
          break;
        case STVA_INIT_NORMAL:
          for (size_t k = 0; k < t->n; k++)
            x[k] = (float) stva_rng_normal (&rng);
          break;
        default:
          assert (!"unknown init");
        }
    }
}

size_t
stva_params_count (const StvaParams *params)
{
  size_t n = 0;
  for (int i = 0; i < params->n_tensors; i++)
    n += params->tensors[i].n;
  return n;
}

int
stva_params_find (const StvaParams *params,
                  const char       *name)
{
  for (int i = 0; i < params->n_tensors; i++)
    if (strcmp (params->tensors[i].name, name) == 0)
      return i;
  return -1;
}

void
stva_params_ranges (const StvaParams *params,
                    StvaParamRange   *ranges)
{
  for (int i = 0; i < params->n_tensors; i++)
    ranges[i] = (StvaParamRange) {
      .offset = params->tensors[i].offset,
      .n = params->tensors[i].n,
      .decay = params->tensors[i].decay,
    };
}
