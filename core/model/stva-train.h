/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training and evaluation of a Sync-TVA model (model.md §7): mini-batches of dialogues with
 * gradients summed over the batch, class-weighted CE or focal loss, AdamW (weight decay on
 * matrices only) with linear warm-up and cosine decay, gradient-norm clipping, dropout and
 * modality dropout, early stopping on the validation weighted F1 with the best parameters
 * kept.  Model selection uses the validation dialogues only, never the test split.
 *
 * Determinism: for a given config (seed and threads included) and dataset the result is the
 * same bit for bit.  The dialogues of a batch are dealt to the workers round-robin; each worker
 * sums its dialogues' gradients in batch order into its own block, and the blocks are summed
 * in worker order.  Every dialogue's dropout draws come from a stream derived from the seed,
 * the epoch and the dialogue's index, whichever worker runs it.
 *
 * OpenBLAS: while training or evaluating, OpenBLAS's own threading is set to one thread (and
 * restored afterwards); parallelism comes from the workers over dialogues.  The products here
 * are small (2T x D by D x D), and OpenBLAS threads on top of the workers oversubscribe the
 * cores: on the 2-core build machine one epoch of 64 MELD-sized dialogues took 33.5 s with two
 * workers and OpenBLAS's default threading, 6.4 s with one OpenBLAS thread.  This setting is
 * process-wide: BLAS calls elsewhere in the process meanwhile run single-threaded too.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-dataset.h"
#include "stva-metrics.h"
#include "stva-model.h"

typedef struct
{
  int    epoch;              /* 1-based, just finished */
  int    max_epochs;
  double train_loss;         /* weighted mean loss over the epoch's labelled utterances */
  double dev_weighted_f1;    /* NAN without validation dialogues */
  double dev_accuracy;       /* NAN without validation dialogues */
  double seconds;            /* wall time of this epoch */
  double optimiser_seconds;  /* of it, in the optimiser steps (the workers' gradients summed,
                              * clipped, AdamW); the rest is the forward and backward passes,
                              * validation and bookkeeping */
  double lr;                 /* rate of the epoch's last step */
  double grad_norm;          /* before clipping, of the epoch's last step */
  int    best_epoch;         /* 0 before any */
  double best_dev_weighted_f1;
} StvaTrainProgress;

/* Called after every epoch; return false to stop (training then returns STVA_ERR_CANCELLED
 * with the best parameters so far in the model). */
typedef bool (*StvaTrainCallback) (const StvaTrainProgress *progress, void *user_data);

typedef struct
{
  int    epochs_run;             /* number of the last finished epoch (continued: counting
                                  * the earlier runs' epochs) */
  int    best_epoch;             /* the epoch whose parameters the model holds */
  double best_dev_weighted_f1;   /* NAN without validation dialogues */
  double final_train_loss;
  bool   stopped_early;          /* patience ran out */
} StvaTrainResult;

/* Finer-grained hooks: on_epoch as stva_train ()'s callback, and on_step after every optimiser
 * step (epoch 1-based, step 1 .. n_steps within the epoch), returning false to stop within an
 * epoch (STVA_ERR_CANCELLED; the model then holds the best parameters of the finished epochs,
 * or its initial ones before the first).  Either may be NULL; both get user_data.  A GUI cancels
 * through on_step, so it need not wait for the end of an epoch. */
typedef struct
{
  StvaTrainCallback on_epoch;
  bool            (*on_step) (int epoch, int step, int n_steps, void *user_data);
  void             *user_data;
} StvaTrainHooks;

/* ---- continuing training ------------------------------------------------------------------
 *
 * What the training loop needs to go on exactly where it stopped, owned by the caller between
 * calls (init/clear; the fields are for reading).  stva_train () and stva_train_with_hooks ()
 * use a fresh one of their own; stva_train_continue () takes the caller's and updates it, and
 * stva_model_save_with_state () stores it in the model file (format version 2) next to the
 * model's weights, from which stva_model_load_with_state () reads it back.
 *
 * What a continued run does, so that "N epochs, save, continue M more" is "N + M epochs":
 *   - epochs and the schedule: config.max_epochs is the total planned epochs, counting those
 *     already done.  Warm-up and cosine run over max_epochs × (steps per epoch) steps, and the
 *     learning rate of a step is a function of `steps` only, so a run that stopped after 4 of 8
 *     planned epochs and is continued with max_epochs 8 takes exactly the one-go run's rates.
 *     Continuing with a larger max_epochs stretches the schedule over the new total from where
 *     it is (the rate jumps to the new curve's value at `steps`); with epochs_done >= max_epochs
 *     there is nothing to do (STVA_OK, no epoch runs).
 *   - AdamW: the moments m1, m2 and the step count (its bias correction) go on.
 *   - the shuffle and dropout draws are functions of (seed, epoch, dialogue), and the dialogue
 *     order of an epoch is the training list shuffled by epochs 1 .. epoch in turn: a continued
 *     run replays the earlier shuffles on its list (cheap) instead of storing the order.
 *   - best-epoch selection: with validation dialogues the model holds the best epoch's weights
 *     (what predicts), while training goes on from the last step's, which the state then keeps
 *     in `weights` (holds_weights); best_epoch, its F1 and the epochs since it (patience) carry
 *     over, so early stopping and selection see one run.  Without validation dialogues the
 *     model holds the last epoch's weights and the state none.
 *   - a cancel (a hook returning false) or an error leaves the state at the last finished step,
 *     mid-epoch included (batches_done, with the epoch's loss so far): a continued run takes
 *     the next batch of that epoch, and ends where an uninterrupted run would.
 * The equivalence is exact (bit for bit) for the same dataset, training and validation lists,
 * config (seed and threads included) and build.  Another thread count changes the sums'
 * rounding only; other data keep working (the schedule's length follows the data) but are a
 * different run.  A fresh state (a model file without the section, or stva_train_state_init)
 * means a new run from the model's weights: fresh moments, the schedule from its start, epoch
 * numbers from 1.
 *
 * Continuing a loaded model: its config is the file's; set config.max_epochs (the planned
 * total) to train further, and leave the other training settings (lr, schedule, batch size,
 * seed, threads, ...) as they are for the exactness above; the architecture must stay as it is.
 * Epoch numbers in StvaTrainProgress and on_step count the earlier runs' epochs.  Not
 * thread-safe: one training at a time per state. */
typedef struct
{
  int      epochs_done;           /* finished epochs, counting earlier runs; 0 = fresh */
  int      batches_done;          /* batches of epoch epochs_done + 1 already taken (a cancel
                                   * mid-epoch), else 0 */
  uint64_t steps;                 /* AdamW steps taken: its bias correction and the schedule */
  int      best_epoch;            /* the epoch of the weights the model holds, 0 = before any */
  double   best_dev_weighted_f1;  /* NAN without validation dialogues */
  int      epochs_since_best;     /* for patience */
  double   loss_sum, weight_sum;  /* the unfinished epoch's weighted loss so far */
  double   lr, grad_norm;         /* of the last step */
  double   train_loss;            /* of the last finished epoch */
  size_t   n_floats;              /* the model's parameter block; 0 = nothing allocated */
  float   *m1, *m2;               /* owned (n_floats), AdamW's moments laid out as the block */
  float   *weights;               /* owned (n_floats): the last step's weights when
                                   * holds_weights, else scratch */
  bool     holds_weights;         /* the model holds another step's (the best epoch's) */
} StvaTrainState;

/* A fresh state: no epoch run, nothing allocated (the blocks come with the first training). */
void       stva_train_state_init  (StvaTrainState *state);
/* Frees the blocks and makes state fresh again; takes a fresh or cleared state. */
void       stva_train_state_clear (StvaTrainState *state);

/* Trains model on from state (fresh or as a previous call or stva_model_load_with_state () left
 * it) and updates state.  Arguments as stva_train_with_hooks (); epochs > 0 runs at most that
 * many epochs in this call (0: up to config.max_epochs in all, or early stopping), ending with
 * STVA_OK.  On every return the model holds the best weights so far (as stva_train ()), and
 * state what continues from the last step.  STVA_ERR_INVALID when state is for a model with
 * another parameter count.  result->epochs_run and best_epoch count earlier runs' epochs. */
StvaStatus stva_train_continue (StvaModel *model, StvaTrainState *state, const StvaDataset *ds,
                                const int *train, int n_train, const int *dev, int n_dev,
                                int epochs, const StvaTrainHooks *hooks,
                                StvaTrainResult *result, StvaError *error);

/* stva_model_save () with state's section added when state is not NULL and has its blocks
 * (the file is then format version 2; without, version 1 as before).  STVA_ERR_INVALID when
 * state is for another parameter count. */
StvaStatus stva_model_save_with_state (const StvaModel *model, const StvaTrainState *state,
                                       const char *path, StvaError *error);
/* stva_model_load () that also reads the section into state (an initialised state, cleared
 * first; left fresh when the file has none).  state may be NULL: then the section is checked
 * and dropped, as stva_model_load () does.  On failure model and state are left cleared. */
StvaStatus stva_model_load_with_state (StvaModel *model, StvaTrainState *state,
                                       const char *path, StvaError *error);
/* The same through memory. */
StvaStatus stva_model_save_buffer_with_state (const StvaModel *model,
                                              const StvaTrainState *state, uint8_t **out_buf,
                                              size_t *out_n, StvaError *error);
StvaStatus stva_model_load_buffer_with_state (StvaModel *model, StvaTrainState *state,
                                              const uint8_t *buf, size_t n, StvaError *error);

/* Standardisation of each modality from the present rows of the given dialogues (mean and
 * population std per dimension, in double), stored in the model.  With config input_norm
 * "sparse", dimensions that are non-zero in fewer than STVA_SPARSE_DIM_FRACTION of those rows
 * get mean 0 and, all of them, one std: the root mean square of their entries. */
StvaStatus stva_model_fit_normalisation (StvaModel *model, const StvaDataset *ds,
                                         const int *dialogues, int n, StvaError *error);

/* Trains model (initialised with stva_model_init) on the dialogues train (n_train indices into
 * ds->dialogues), selecting on dev (n_dev, may be 0: then the last epoch is kept).  With
 * train NULL the dataset's train and dev splits are used.  Fits the normalisation first when
 * the model has none.  callback may be NULL.  result may be NULL. */
StvaStatus stva_train (StvaModel *model, const StvaDataset *ds, const int *train, int n_train,
                       const int *dev, int n_dev, StvaTrainCallback callback, void *user_data,
                       StvaTrainResult *result, StvaError *error);

/* stva_train () with hooks (NULL = none), from a fresh StvaTrainState of its own (see
 * stva_train_continue () to keep it). */
StvaStatus stva_train_with_hooks (StvaModel *model, const StvaDataset *ds, const int *train,
                                  int n_train, const int *dev, int n_dev,
                                  const StvaTrainHooks *hooks, StvaTrainResult *result,
                                  StvaError *error);

/* model.md §7's convention where a corpus has no validation split (IEMOCAP): hold out
 * round (fraction · n) of the dataset's training dialogues (at least one when there are two or
 * more), picked by a shuffle seeded with seed, as validation.  *train and *dev are malloc'd
 * index arrays in ascending order; free them. */
StvaStatus stva_train_holdout (const StvaDataset *ds, double fraction, uint64_t seed,
                               int **train, int *n_train, int **dev, int *n_dev,
                               StvaError *error);

/* Predicted class of every utterance of the given dialogues (evaluation mode), concatenated in
 * order into pred and their gold labels into gold (each sized by the sum of T; either may be
 * NULL), and, when metrics is not NULL, the metrics over them. */
StvaStatus stva_model_evaluate (const StvaModel *model, const StvaDataset *ds,
                                const int *dialogues, int n, int *pred, int *gold,
                                StvaMetrics *metrics, StvaError *error);
