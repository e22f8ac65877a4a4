/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Sync-TVA model (model.md): forward pass over one dialogue with every attention map
 * recorded, backward pass into a gradient block, and the per-dialogue inference call the
 * studio uses.
 *
 * Threading: a StvaModel is read-only during forward and backward, so several threads may run
 * them at once, each with its own StvaModelWorkspace (and its own gradient block and RNG).
 * A workspace is not thread-safe.  There are no globals.
 *
 * Choices model.md leaves open, fixed here (the PyTorch reference must do the same):
 *   - Missing modality (mask 0, not in use, or dropped by modality dropout): h_m[i] = 0; its
 *     node has no edges in any attention (rows all zero, see stva-graph.h), β_m[i] = 0, and
 *     z_m[i] = u_m[i] = 0 (the combination and CAF outputs are multiplied by the mask), so the
 *     classifier sees zeros for it.  An utterance with no modality at all gets the
 *     classifier's bias path.
 *   - MSDE's context attention has Q/K/V projections with biases and no output projection
 *     (W_e follows at once), one head scaled by 1/sqrt (D); its window is j - i in
 *     [-W_ctx, min (W_ctx, F)], self included.
 *   - β's scoring weights w_β (D) and bias b_β are per modality ("each modality separately,
 *     its own weights"; a shared b_β would cancel in the softmax).
 *   - The speaker embedding E_spk (S, D) is shared by the three modalities.
 *   - Graph layers share Wo, FFN and LayerNorms between the pair's two modalities; only Q, K,
 *     V are modality-specific (model.md §4).  Dropout after Wo and after the FFN.
 *   - View combination with two modalities in use has one view per modality (W_c is (D, D));
 *     with one modality there is no graph and z = n.
 *   - CAF: per ordered pair (m <- m') Q, K, V and an output projection Wo, H heads, window
 *     j - i in [-P, F]; no dropout.  u_m = LayerNorm (z_m + Σ CA) · mask.
 *   - Dropout (model.md §4, §6) only after Wo and after the FFN of each graph layer and after
 *     the classifier's GELU; none on attention weights, MSDE, CAF or the projections.
 *   - With --no-msde, β is reported as 1 / (modalities present) and not used.
 *   - Every Linear has a bias; LayerNorm eps 1e-5; GELU is the exact erf form; graph and CAF
 *     attention scale by 1/sqrt (D/H).
 *   - Modality dropout (training only): each utterance, with probability p, loses one of its
 *     present modalities chosen uniformly, unless it has only one.
 *   - Input normalisation (fitted on train, stored in the file): each dimension z-scored;
 *     with input_norm "sparse" the dimensions non-zero in fewer than half the training rows
 *     (hashed text buckets) are not centred and share one scale, their root mean square.
 *   - Input dropout (training only, input_dropout p): inverted dropout on each present row's
 *     normalised features, drawn after modality dropout from the dialogue's RNG.
 *   - AdamW's weight decay "on matrices only" (model.md §7) means the weight matrices of linear
 *     layers: not the speaker embedding (a lookup table, which decay would pull towards zero
 *     for speakers seen rarely) nor the relation biases (biases, though stored (16, H)).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-rng.h"
#include "stva-dataset.h"
#include "stva-config.h"
#include "stva-params.h"
#include "stva-graph.h"

#define STVA_MODEL_MAX_T 1024   /* utterances per dialogue the model accepts: the dense pair
                                 * graphs keep H·(2T)² attention weights per layer */

typedef struct
{
  StvaModelConfig config;
  StvaParams      params;                      /* owned */
  float          *mean[STVA_N_MOD];            /* owned (F_m) or NULL: feature normalisation */
  float          *std[STVA_N_MOD];             /* owned (F_m) or NULL; x' = (x - mean) / std */
  char          **labels;                      /* owned (K) or NULL: class names */
  char          **feature_names[STVA_N_MOD];   /* owned (F_m) or NULL */
} StvaModel;

/* Lays out and initialises (seed config->seed) the parameters of config. */
StvaStatus stva_model_init  (StvaModel *model, const StvaModelConfig *config, StvaError *error);
/* Frees everything the model owns; takes a cleared struct. */
void       stva_model_clear (StvaModel *model);
/* Sets the feature normalisation of modality m (copies F_m floats each; std entries <= 0 or
 * tiny are treated as 1). */
StvaStatus stva_model_set_normalisation (StvaModel *model, int m, const float *mean,
                                         const float *std, StvaError *error);

/* Model files (stva-modelfile.h holds the container): every config key as text, the label
 * names (model->labels, or "class0".. when NULL), feature names and normalisation when the
 * model has them, and every parameter tensor by name and shape.  Loading refuses unknown config
 * keys, a missing, extra or misshapen tensor, and feature widths that disagree with the config,
 * naming the first problem; model is left cleared on failure. */
StvaStatus stva_model_save (const StvaModel *model, const char *path, StvaError *error);
StvaStatus stva_model_load (StvaModel *model, const char *path, StvaError *error);
/* The same through memory (what save writes / load reads, as bytes). */
StvaStatus stva_model_save_buffer (const StvaModel *model, uint8_t **out_buf, size_t *out_n,
                                   StvaError *error);
StvaStatus stva_model_load_buffer (StvaModel *model, const uint8_t *buf, size_t n,
                                   StvaError *error);

typedef struct StvaModelWorkspace StvaModelWorkspace;

/* A workspace for models of this config; it grows to the longest dialogue it sees. */
StvaModelWorkspace *stva_model_workspace_new  (const StvaModelConfig *config);
void                stva_model_workspace_free (StvaModelWorkspace *ws);
/* threads >= 2: the workspace starts (once) a helper thread of its own, and every forward on it
 * splits its wide linear products column-wise between the caller and the helper (the studio's
 * one-dialogue call; results equal the one-thread forward's to rounding, see stva-duo.h);
 * threads < 2 stops it.  Returns the threads now in use (1 if the thread could not start).
 * Meant for a caller that runs one forward at a time with a core to spare, not for training
 * workers, which already fill the cores. */
int                 stva_model_workspace_set_threads (StvaModelWorkspace *ws, int threads);

typedef struct
{
  bool     train;        /* dropout and modality dropout on */
  StvaRng *rng;          /* draws of dropout and modality dropout, one RNG per dialogue (an
                          * array of n for a pack of n); needed when train */
  bool     input_grad;   /* backward also computes d loss / d features (tests) */
  bool     no_backward;  /* no backward follows (prediction, evaluation): the pair graphs'
                          * layers, the modalities and the CAF pairs share their intermediates
                          * and the backward's buffers are left out, so the workspace is about a
                          * third of a training forward's; stva_model_backward () refuses it */
} StvaForwardOptions;

/* Forward pass over one dialogue, with params (model->params.n_floats) as the parameter values
 * (normally model->params.values).  dlg->x[m] must hold (T, config F_m) floats for every
 * modality in use (a dialogue carries no widths: check the dataset's F against the config, as
 * stva_train () and stva_model_evaluate () do).  Checks the dialogue (sizes, labels in [-1, K)) and names
 * the first problem.  Results stay in the workspace until its next forward; dlg is borrowed
 * until then too. */
StvaStatus stva_model_forward  (StvaModelWorkspace *ws, const StvaModel *model,
                                const float *params, const StvaDialogue *dlg,
                                const StvaForwardOptions *options, StvaError *error);

/* The same over a pack of n dialogues at once: their utterances are stacked so each linear layer
 * runs as one product over all of them (the attentions stay within each dialogue).  Each
 * dialogue's result equals its lone forward's up to float rounding, whatever the pack, and
 * draws its dropout from options->rng[d].  The workspace then holds the pack: logits and probs
 * are (Σ T, K) in pack order, and backward sums the loss over all of it. */
StvaStatus stva_model_forward_batch (StvaModelWorkspace *ws, const StvaModel *model,
                                     const float *params, const StvaDialogue *const *dlgs,
                                     int n, const StvaForwardOptions *options,
                                     StvaError *error);

/* Loss of the last forward against its dialogues' labels: weighted CE or focal as
 * config->loss, class weights class_w (K) or NULL, multiplied by scale (stva-loss.h).  Backward
 * then ADDS d(loss)/d(params) into grad (n_floats).  Returns the loss. */
double     stva_model_backward (StvaModelWorkspace *ws, const StvaModel *model,
                                const float *params, const float *class_w, float scale,
                                float *grad);
/* The loss only (no gradient). */
double     stva_model_loss     (StvaModelWorkspace *ws, const StvaModel *model,
                                const float *class_w, float scale);

/* After a forward: logits (T, K) and probabilities (T, K) in the workspace (borrowed); after a
 * pack, (Σ T, K) in pack order. */
const float *stva_model_workspace_logits (const StvaModelWorkspace *ws);
const float *stva_model_workspace_probs  (const StvaModelWorkspace *ws);
/* After a backward with input_grad: d loss / d raw features of modality m (T, F_m), zero for
 * missing rows; NULL for a modality not in use. */
const float *stva_model_workspace_input_grad (const StvaModelWorkspace *ws, int m);

/* Everything one prediction shows (model.md §6 and the studio's inspector).  Owned copies. */
typedef struct
{
  int      T, K, H, L;
  float   *logits;                   /* (T, K) */
  float   *probs;                    /* (T, K) */
  int     *pred;                     /* (T) argmax */
  float   *confidence;               /* (T) top probability */
  float   *entropy;                  /* (T) nats */
  float   *margin;                   /* (T) top minus second probability */
  float   *beta;                     /* (T, 3) modality strength; 0 for a missing modality */
  uint8_t *present;                  /* (3, T) masks the model used */
  float   *msde_alpha[STVA_N_MOD];   /* (T, T) MSDE context attention, or NULL */
  int     *graph_rel[STVA_N_PAIRS];  /* (2T, 2T) relation ids (-1 no edge), or NULL */
  float   *graph_alpha[STVA_N_PAIRS][STVA_MODEL_MAX_LAYERS];   /* (H, 2T, 2T), or NULL */
  float   *caf_alpha[STVA_N_MOD][STVA_N_MOD];   /* [m][m'] (H, T, T) of CA m <- m', or NULL */
} StvaModelOutput;

/* One call for the studio: forward in evaluation mode over dlg (a fresh workspace if ws is
 * NULL) and copies of everything above into out.  out is overwritten without being freed:
 * clear a used one with stva_model_output_clear () first.  On failure out is left empty. */
StvaStatus stva_model_predict       (const StvaModel *model, StvaModelWorkspace *ws,
                                     const StvaDialogue *dlg, StvaModelOutput *out,
                                     StvaError *error);
/* The same for n dialogues in one stacked forward (stva_model_forward_batch): outs[d] for
 * dlgs[d].  Faster for many dialogues; each result equals stva_model_predict's up to float
 * rounding. */
StvaStatus stva_model_predict_batch (const StvaModel *model, StvaModelWorkspace *ws,
                                     const StvaDialogue *const *dlgs, int n,
                                     StvaModelOutput *outs, StvaError *error);
void       stva_model_output_clear  (StvaModelOutput *out);

/* An edge of a pair graph: node ids as in stva-graph.h (utterance i of the pair's first
 * modality is node i, of its second T + i); the edge's weight in layer l, head h is
 * out->graph_alpha[pair][l][(h · 2T + dst) · 2T + src]. */
typedef struct
{
  int src;        /* the node attended to */
  int dst;        /* the node attending */
  int relation;   /* 0 .. 15, stva_relation_name () */
} StvaGraphEdge;

/* Lists the edges of pair graph `pair` in row-major order (by dst, then src) into edges (room
 * for all of them, or NULL to count) and returns how many there are; 0 when the pair has no
 * graph. */
size_t     stva_model_output_graph_edges (const StvaModelOutput *out, int pair,
                                          StvaGraphEdge *edges);
