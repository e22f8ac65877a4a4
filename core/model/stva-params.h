/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parameters of a Sync-TVA model: one contiguous float block of values and one of
 * gradients, laid out from one table of named tensors (style.md), so zeroing gradients is one
 * memset, AdamW is one pass and saving or loading is a loop over the table.
 *
 * Which tensors exist follows the config: a modality not in use has no projection, MSDE, view
 * combination or CAF weights; --no-msde drops MSDE, --no-graph the pair graphs and view
 * combination, --no-cross CAF; a pair graph exists only when both its modalities are in use.
 * Names (m, m' in T, A, V; P in TA, TV, AV; l the layer):
 *   proj.m.w (D, F_m)  proj.m.b (D)  proj.m.ln.g/.b (D)  spk.emb (S, D)
 *   msde.m.{wq,wk,wv}.w (D, D) .b (D)  msde.m.gate.w (D, 2D) .b  msde.m.enh.w (D, D) .b
 *   msde.m.ln.g/.b (D)  msde.m.beta.w (1, D) .b (1)
 *   graph.P.l.{wq,wk,wv}.m.w (D, D) .b (D)   (modality-specific, m one of P's two)
 *   graph.P.l.rel_bias (16, H)  graph.P.l.wo.w (D, D) .b  graph.P.l.ln1.g/.b
 *   graph.P.l.ffn1.w (fD, D) .b (fD)  graph.P.l.ffn2.w (D, fD) .b  graph.P.l.ln2.g/.b
 *   combine.m.w (D, V·D) .b  combine.m.ln.g/.b   (V = views of m = modalities in use - 1)
 *   caf.mm'.{wq,wk,wv,wo}.w (D, D) .b (D)  (m <- m')  caf.m.ln.g/.b
 *   cls.w1 (D, M·D) .b1 (D)  cls.w2 (K, D) .b2 (K)        (M = modalities in use)
 * Linear weights are (n_out, n_in) as in torch.nn.Linear.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-config.h"
#include "stva-graph.h"
#include "stva-adamw.h"

#define STVA_PARAM_NONE SIZE_MAX   /* offset of a tensor the config does not have */
#define STVA_PARAM_NAME_MAX 48

typedef struct
{
  size_t w, b;   /* offsets of weight (n_out, n_in) and bias (n_out) */
} StvaLinearAt;

typedef struct
{
  size_t g, b;   /* offsets of LayerNorm gain and bias (D) */
} StvaNormAt;

typedef struct
{
  StvaLinearAt q[STVA_N_MOD], k[STVA_N_MOD], v[STVA_N_MOD];   /* the pair's two modalities */
  size_t       rel;                                           /* (16, H) */
  StvaLinearAt o, ffn1, ffn2;
  StvaNormAt   ln1, ln2;
} StvaGraphLayerAt;

/* Offsets of every tensor into the blocks (STVA_PARAM_NONE where absent). */
typedef struct
{
  StvaLinearAt     proj[STVA_N_MOD];
  StvaNormAt       proj_ln[STVA_N_MOD];
  size_t           spk;
  StvaLinearAt     msde_q[STVA_N_MOD], msde_k[STVA_N_MOD], msde_v[STVA_N_MOD];
  StvaLinearAt     msde_gate[STVA_N_MOD], msde_enh[STVA_N_MOD], msde_beta[STVA_N_MOD];
  StvaNormAt       msde_ln[STVA_N_MOD];
  size_t           msde_rel[STVA_N_MOD];   /* (5, 1) with msde_speaker: stva-graph.h */
  StvaGraphLayerAt graph[STVA_N_PAIRS][STVA_MODEL_MAX_LAYERS];
  StvaLinearAt     combine[STVA_N_MOD];
  StvaNormAt       combine_ln[STVA_N_MOD];
  StvaLinearAt     caf_q[STVA_N_MOD][STVA_N_MOD], caf_k[STVA_N_MOD][STVA_N_MOD];
  StvaLinearAt     caf_v[STVA_N_MOD][STVA_N_MOD], caf_o[STVA_N_MOD][STVA_N_MOD];
  StvaNormAt       caf_ln[STVA_N_MOD];
  StvaLinearAt     cls1, cls2;
  size_t           wide[STVA_N_MOD];   /* (K, F_m) with config wide: input -> logits, no bias */
} StvaParamLayout;

typedef enum
{
  STVA_INIT_LINEAR,   /* uniform ±1/sqrt (fan_in), torch.nn.Linear's weights and biases */
  STVA_INIT_ONES,     /* LayerNorm gains */
  STVA_INIT_ZEROS,    /* LayerNorm biases, relation biases */
  STVA_INIT_NORMAL,   /* N(0, 1): the speaker embedding, as torch.nn.Embedding */
} StvaInitKind;

typedef struct
{
  char    name[STVA_PARAM_NAME_MAX];
  int     ndim;        /* 1 or 2 */
  int64_t shape[2];
  size_t  offset;      /* first float in the blocks */
  size_t  n;           /* floats */
  bool    decay;       /* AdamW weight decay: the weight matrices of linear layers only (not
                        * biases, LayerNorm, the speaker embedding or relation biases) */
  int     init;        /* StvaInitKind */
  size_t  fan_in;
} StvaParamTensor;

typedef struct
{
  StvaModelConfig  config;       /* the config the table was laid out from */
  int              n_tensors;
  StvaParamTensor *tensors;      /* owned (n_tensors) */
  size_t           n_floats;     /* floats in each block (tensors start 64-byte aligned) */
  float           *values;       /* owned (n_floats) */
  float           *grads;        /* owned (n_floats), allocated by stva_train (); NULL before */
  StvaParamLayout  at;
} StvaParams;

/* Lays out the tensors of `config` (validated here) and allocates both blocks, zeroed. */
StvaStatus stva_params_init   (StvaParams *params, const StvaModelConfig *config,
                               StvaError *error);
/* Tensors and floats (padding included) config would have, without allocating: lets a model
 * file reader check a config against the file's tensors before it allocates. */
StvaStatus stva_params_size   (const StvaModelConfig *config, int *n_tensors, size_t *n_floats,
                               StvaError *error);
/* Frees everything; takes a cleared struct or one stva_params_init () failed on. */
void       stva_params_clear  (StvaParams *params);

/* Seeded initialisation of the values (each tensor from its own stream of the seed). */
void       stva_params_reset  (StvaParams *params, uint64_t seed);

/* Parameter count (floats that belong to tensors, padding excluded). */
size_t     stva_params_count  (const StvaParams *params);

/* Index of the tensor named `name`, or -1. */
int        stva_params_find   (const StvaParams *params, const char *name);

/* AdamW ranges, one per tensor (decay as flagged): ranges holds n_tensors entries. */
void       stva_params_ranges (const StvaParams *params, StvaParamRange *ranges);
