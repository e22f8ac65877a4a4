/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training, retraining and evaluation as engine jobs (stva-job.h).
 *
 * Train: a Sync-TVA model on the train split of the data (stva-engine-data.h), the epoch
 * selected by the dev split's weighted F1 (never test), written to a model file and, when the
 * data is a project's, registered there with its dev metrics and every epoch's history.
 * Progress: stage "training" in optimiser steps, each finished epoch's scores as a detail
 * line.  Cancel is seen after every step: the best model of the epochs finished so far is
 * saved (and registered), the job fails with G_IO_ERROR_CANCELLED "cancelled: the best model
 * so far (epoch B) saved to OUT ..." and the report says so (cancelled); cancelled before any
 * epoch finished, nothing is written ("cancelled: nothing was written").
 *
 * Retrain (from): starts from a model file's weights and, when the file carries it, its
 * training state (AdamW's moments, the step, the epochs done), so N epochs, then M more from
 * the file, is one run of N + M epochs.  The architecture is the model's: only training
 * settings may change.  On a project the new model records the one it came from as parent.
 *
 * Evaluate: a model's scores on a split (or all of them) of the data; with compare, a second
 * model's on the same utterances and the change of each score.  Either model may instead be a
 * model registered in the project, scored by the predictions stored for it (the labelled
 * utterances it predicted, against the current or gold labels).  Progress: stage "evaluating"
 * in dialogues.  Writes nothing.
 *
 * Option values the job refuses (an unknown preset, a bad KEY=VALUE) fail with
 * G_OPTION_ERROR_BAD_VALUE, so a command line can report them as usage errors.
 */
#pragma once

#include "stva-job.h"
#include "stva-engine-data.h"
#include "stva-train.h"

G_BEGIN_DECLS

/* ---- train -------------------------------------------------------------------------------- */

typedef struct
{
  StvaDataSource     source;
  const char        *out;          /* the model file written */
  const char        *from;         /* nullable: retrain from this model file */
  const char        *preset;       /* nullable: "default"; refused with from */
  gboolean           no_msde;      /* ablations (refused with from) */
  gboolean           no_graph;
  gboolean           no_cross;
  gboolean           causal;
  const char        *modalities;   /* nullable: a subset such as "T,A" (refused with from) */
  const char *const *settings;     /* nullable, NULL-terminated "KEY=VALUE" config settings,
                                    * applied in order after the preset and the ablations */
  int                stop_after;   /* > 0: stop after that many epochs of this run (the
                                    * schedule still spans max_epochs; continue with from) */
} StvaTrainOptions;

typedef struct
{
  char    *model_path;             /* owned: the model file written (NULL: none) */
  gint64   model_id;               /* registered in the project; 0: not (npz data) */
  gint64   parent_id;              /* the model retrained from, registered; 0: none */
  int      n_train;                /* dialogues trained on */
  int      n_dev;                  /* dialogues selected on; 0: the last epoch is kept */
  gsize    n_parameters;
  int      epochs_run;             /* the last epoch finished (counting earlier runs') */
  int      best_epoch;             /* the epoch whose weights were saved */
  double   best_dev_weighted_f1;   /* NAN without dev dialogues */
  gboolean stopped_early;          /* patience ran out */
  gboolean cancelled;              /* cancelled: the best model so far was saved */
  gboolean has_state;              /* the file carries the training state to continue from */
  double   seconds;
  GArray  *history;                /* owned, of StvaTrainProgress: this run's epochs */
} StvaTrainReport;

void     stva_train_report_clear (StvaTrainReport *report);
void     stva_train_report_free  (StvaTrainReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaTrainReport, stva_train_report_free)

/* A new model's config as the train job makes it: the preset, F and K from ds, the
 * ablations, modalities and settings of options, validated (options->from is not read).
 * Values refused fail with G_OPTION_ERROR_BAD_VALUE.  For jobs that train in memory (audit). */
gboolean stva_engine_train_config (const StvaTrainOptions *options, const StvaDataset *ds,
                                   StvaModelConfig *config, GError **error);

/* Trains as the options say; report (cleared first; clear it after) is filled also when the
 * job fails after saving a model (cancelled).  FALSE with error otherwise. */
gboolean stva_engine_train        (StvaJob *job, const StvaTrainOptions *options,
                                   StvaTrainReport *report, GError **error);
void     stva_engine_train_async  (const StvaTrainOptions *options,
                                   StvaJobProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* (transfer full) The report, or NULL with error set (a cancelled train: G_IO_ERROR_CANCELLED
 * naming what was saved). */
StvaTrainReport *stva_engine_train_finish (GAsyncResult *result, GError **error);

/* ---- evaluate ----------------------------------------------------------------------------- */

typedef struct
{
  StvaDataSource  source;
  const char     *model;        /* the model file (or NULL and model_id) */
  const char     *compare;      /* nullable: a second model file, scored on the same
                                 * utterances */
  int             split;        /* a StvaSplit, or STVA_DATA_ALL_SPLITS */
  gint64          model_id;     /* with model NULL: a registered model of the project, scored
                                 * by its stored predictions (stva_figure_scores ()) */
  gint64          compare_id;   /* with compare NULL: the same for the second model; 0: none */
} StvaEvalOptions;

typedef struct
{
  char        *data_name;       /* owned: the file or project scored */
  int          split;           /* as asked */
  int          n_dialogues;
  int          K;
  char       **labels;          /* owned (K), NULL-terminated */
  int          n_models;        /* 1, or 2 with compare */
  char        *model_path[2];   /* owned: the file, or the registered name of a stored one */
  gint64       model_id[2];     /* a model scored by its stored predictions; 0: a file */
  StvaMetrics  metrics[2];      /* owned */
} StvaEvalReport;

void     stva_eval_report_clear (StvaEvalReport *report);
void     stva_eval_report_free  (StvaEvalReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaEvalReport, stva_eval_report_free)

/* Scores the model (and the compared one) on the split; report cleared first. */
gboolean stva_engine_eval         (StvaJob *job, const StvaEvalOptions *options,
                                   StvaEvalReport *report, GError **error);
void     stva_engine_eval_async   (const StvaEvalOptions *options,
                                   StvaJobProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* (transfer full) */
StvaEvalReport  *stva_engine_eval_finish  (GAsyncResult *result, GError **error);

/* (transfer full) The report as one JSON object: split, data, n_dialogues, and for one model
 * model (plus model_id when scored by stored predictions) and eval's metrics members
 * (stva_data_metrics_to_json ()); with two, "models" (each {model, [model_id,] metrics
 * members}) and "delta": the second minus the first for accuracy, weighted_f1, macro_f1 and
 * per_class_f1 {label: change}. */
JsonNode *stva_eval_report_to_json (const StvaEvalReport *report);

G_END_DECLS
