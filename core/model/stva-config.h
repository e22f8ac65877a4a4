/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The configuration of a Sync-TVA model (model.md): every dimension, window, ablation switch,
 * loss and training setting, with model.md's defaults.  A model file stores it as text
 * key/value pairs; stva_model_config_key () and friends iterate over every field, so saving is
 * a loop over keys and loading a loop of stva_model_config_set () calls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-dataset.h"

#define STVA_MODEL_MAX_LAYERS 8      /* graph attention layers per pair graph */
#define STVA_MODEL_MAX_SPEAKERS 64
#define STVA_GRAPH_N_RELATIONS 16    /* relation types per pair graph (model.md §3) */

typedef enum
{
  STVA_LOSS_CE = 0,      /* class-weighted cross-entropy (optional label smoothing) */
  STVA_LOSS_FOCAL = 1,   /* focal loss with the same class weights */
} StvaLossKind;

typedef enum
{
  STVA_INPUT_NORM_ZSCORE = 0,   /* every input dimension to mean 0, variance 1 on train */
  STVA_INPUT_NORM_SPARSE = 1,   /* the same for dense dimensions; sparse ones (non-zero in fewer
                                 * than STVA_SPARSE_DIM_FRACTION of the rows) only scaled, by
                                 * one common factor */
} StvaInputNorm;

#define STVA_SPARSE_DIM_FRACTION 0.5

typedef struct
{
  /* data shape (set from the dataset) */
  int      F[STVA_N_MOD];         /* input feature width per modality */
  int      K;                     /* classes */

  /* architecture (model.md §1–§6) */
  int      D;                     /* model width, 256 */
  int      H;                     /* heads of graph attention and CAF, 4 */
  int      L;                     /* graph attention layers, 2 */
  int      S;                     /* speaker embedding slots, 9 */
  int      ffn_mult;              /* FFN hidden width = ffn_mult·D, 2 */
  int      ctx_window;            /* W_ctx of MSDE's context attention, 4 */
  int      win_past;              /* P: intra-modal and CAF window into the past, 10 */
  int      win_future;            /* F: into the future, 10; 0 makes the model causal */
  int      cross_window;          /* W_x of inter-modal contextual edges, 2 */
  bool     use_msde;              /* false: n = h (ablation --no-msde) */
  bool     wide;                  /* false; true: a linear path from each modality's normalised
                                   * input features straight to the logits (wide and deep) */
  bool     msde_speaker;          /* false; true: MSDE's context attention has a learnt bias per
                                   * relation self / past or future / same or other speaker */
  bool     use_graph;             /* false: z = n (--no-graph) */
  bool     use_cross;             /* false: u = z (--no-cross) */
  bool     modality[STVA_N_MOD];  /* modalities the model uses (--modalities) */

  /* regularisation */
  float    dropout;               /* 0.3 */
  float    modality_dropout;      /* 0.1: drop one modality of an utterance while training */
  int      input_norm;            /* StvaInputNorm, zscore */
  float    input_dropout;         /* 0: inverted dropout on the standardised input features while
                                   * training (for sparse hashed text) */

  /* loss (§7) */
  int      loss;                  /* StvaLossKind */
  float    class_weight_power;    /* γ of w_c = (n / (K n_c))^γ, 0.5 */
  float    focal_gamma;           /* 2 */
  float    label_smoothing;       /* 0 */

  /* training (§7) */
  float    lr;                    /* 5e-4 */
  float    min_lr;                /* end of the cosine, 0 */
  float    beta1, beta2;          /* 0.9, 0.999 */
  float    weight_decay;          /* 0.01, matrices only */
  float    clip_norm;             /* 5 */
  float    warmup_frac;           /* share of all steps spent warming up, 0.05 */
  int      batch_size;            /* dialogues per step, 16 */
  int      max_epochs;            /* 60 */
  int      patience;              /* epochs without a better dev weighted F1, 10 */
  uint64_t seed;                  /* 1 */
  int      threads;               /* worker threads of training, 1 */
} StvaModelConfig;

/* model.md's defaults; F and K are 0 until set from a dataset. */
void        stva_model_config_init     (StvaModelConfig *config);

/* Takes F and K from a dataset (other fields untouched). */
void        stva_model_config_from_dataset (StvaModelConfig *config, const StvaDataset *ds);

/* Presets: "default", "meld", "iemocap" (model.md §7b: widths of the standard features,
 * classes, windows, loss), "tiny" (D 8, H 2, L 1: tests).  "meld" and "iemocap" set F and K
 * to the standard features' widths; call stva_model_config_from_dataset () afterwards for
 * other data.  "default" and "tiny" keep F and K. */
StvaStatus  stva_model_config_preset   (StvaModelConfig *config, const char *name,
                                        StvaError *error);

/* Ablations: "no_msde", "no_graph", "no_cross", "causal" (win_future = 0), and
 * "modalities=T,A" style subsets (letters T, A, V, commas optional). */
StvaStatus  stva_model_config_ablation (StvaModelConfig *config, const char *name,
                                        StvaError *error);

/* Checks every field's range and the consistency of the whole (D divisible by H, at least one
 * modality with F > 0, ...); names the first problem. */
StvaStatus  stva_model_config_validate (const StvaModelConfig *config, StvaError *error);

/* Key/value view of every field, for model files: keys 0 .. n_keys-1 in a fixed order. */
int         stva_model_config_n_keys   (void);
const char *stva_model_config_key      (int i);
/* Writes field i as text into buf (size n; always NUL-terminated); floats round-trip exactly
 * (%.9g). */
void        stva_model_config_format   (const StvaModelConfig *config, int i, char *buf,
                                        size_t n);
/* Whether a model file holds key i: always, except for keys added after format version 2's
 * first files (input_dropout), written only when they differ from their default so that files
 * not using them stay byte for byte what older code wrote; a missing key reads as its default. */
bool        stva_model_config_written  (const StvaModelConfig *config, int i);
/* Parses value into the field named key; an unknown key or a malformed value is
 * STVA_ERR_FORMAT naming both. */
StvaStatus  stva_model_config_set      (StvaModelConfig *config, const char *key,
                                        const char *value, StvaError *error);

/* Number of modalities in use (config->modality[m] && F[m] > 0). */
int         stva_model_config_n_active (const StvaModelConfig *config);
bool        stva_model_config_active   (const StvaModelConfig *config, int m);
