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
  int    epochs_run;
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

/* Standardisation of each modality from the present rows of the given dialogues (mean and
 * population std per dimension, in double), stored in the model. */
StvaStatus stva_model_fit_normalisation (StvaModel *model, const StvaDataset *ds,
                                         const int *dialogues, int n, StvaError *error);

/* Trains model (initialised with stva_model_init) on the dialogues train (n_train indices into
 * ds->dialogues), selecting on dev (n_dev, may be 0: then the last epoch is kept).  With
 * train NULL the dataset's train and dev splits are used.  Fits the normalisation first when
 * the model has none.  callback may be NULL.  result may be NULL. */
StvaStatus stva_train (StvaModel *model, const StvaDataset *ds, const int *train, int n_train,
                       const int *dev, int n_dev, StvaTrainCallback callback, void *user_data,
                       StvaTrainResult *result, StvaError *error);

/* stva_train () with hooks (NULL = none). */
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
