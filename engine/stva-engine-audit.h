/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label audit (synctva audit) as an engine job (stva-job.h): which labelled utterances of
 * a project most likely carry a wrong label, found by confident learning (Northcutt, Jiang and
 * Chuang, "Confident learning: estimating uncertainty in dataset labels", JAIR 70, 2021) on
 * out-of-fold predictions.
 *
 * Out of fold.  The dialogues of the audited split (train, or all) that hold a labelled
 * utterance are shuffled by the seed and dealt round-robin into K folds (a dialogue is never
 * split).  For each fold a model is trained, as the train job would (the same preset,
 * ablations and settings; its seed the audit's plus the fold), on the other folds; the epoch
 * is selected on the dev split when the audit covers the train split only, else the last
 * epoch is kept; the model then predicts its held-out fold.  Nothing of these models is saved.
 *
 * Confident learning, with y the given label and p the out-of-fold probabilities:
 *   - per-class thresholds t_j = mean of p_j over the utterances labelled j (a class nobody
 *     is labelled with gets no threshold: it is never a confident class);
 *   - an utterance's confident class is the most probable of the classes j with p_j >= t_j
 *     (none when no class reaches its threshold); the confident joint C[y][j] counts them;
 *   - candidates (likely label errors) are the utterances off C's diagonal;
 *   - the estimated number of label errors is the off-diagonal mass of C calibrated to the
 *     label counts (each row of C rescaled to sum to the number of utterances labelled y).
 * Ranking: every labelled utterance gets score = candidate + (1 - self-confidence), where the
 * self-confidence is p_y: candidates first, each group by the lowest self-confidence (the
 * paper's "self-confidence" ranking), ties by utterance id.  The normalised margin (p_y minus
 * the largest other p) is stored beside it.  The suggested label is the confident class for
 * a candidate, the most probable class otherwise.
 *
 * Stored: one audit run (stva_db_audit_store (): utterance, label set, run, score, rank, the
 * out-of-fold probabilities, the suggested label), in one transaction after the last fold, so
 * a cancel or failure before it leaves the project as it was ("cancelled: nothing was
 * written").  The review queue reads it as STVA_DB_QUEUE_AUDIT.
 *
 * Progress: stage "fold F/K: training" in optimiser steps, "fold F/K: predicting" in
 * dialogues, then "ranking".  Deterministic for a seed (and thread count).
 */
#pragma once

#include "stva-job.h"
#include "stva-engine-train.h"

G_BEGIN_DECLS

#define STVA_AUDIT_FOLDS_DEFAULT 5
#define STVA_AUDIT_FOLDS_MAX 20
#define STVA_AUDIT_METHOD "confident-learning/self-confidence"

typedef struct
{
  StvaTrainOptions train;   /* source (a project; gold FALSE audits the current labels),
                             * preset, ablations, modalities, settings; out, from and
                             * stop_after are not used (from is refused) */
  int              folds;   /* 2 .. STVA_AUDIT_FOLDS_MAX; 0: STVA_AUDIT_FOLDS_DEFAULT */
  guint64          seed;    /* folds and the fold models' seeds */
  int              split;   /* STVA_SPLIT_TRAIN or STVA_DATA_ALL_SPLITS */
} StvaAuditOptions;

typedef struct
{
  char       *project;           /* owned */
  gint64      run_id;            /* the stored run */
  gint64      label_set_id;
  int         folds;
  guint64     seed;
  int         split;
  int         n_dialogues;       /* dealt into folds */
  int         n_ranked;          /* labelled utterances ranked */
  int         n_candidates;      /* off the confident joint's diagonal */
  double      estimated_errors;  /* from the calibrated confident joint */
  int         K;
  char      **labels;            /* owned (K), NULL-terminated */
  double     *thresholds;        /* owned (K); NAN: no utterance labelled so */
  gint64     *joint;             /* owned (K × K): the confident joint, rows the given label */
  GPtrArray  *items;             /* owned, of StvaDbAuditItem*, by rank, every one */
  double      seconds;
} StvaAuditReport;

void     stva_audit_report_free (StvaAuditReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaAuditReport, stva_audit_report_free)

/* Confident learning on n utterances (the ranking the job stores), pure computation:
 * given (n) labels in [0, K), probs (n × K) out-of-fold probabilities, ids (n) for ties.
 * Fills thresholds (K; NAN for a class nobody has), joint (K × K), and per utterance:
 * suggested (n), candidate (n), self (n), margin (n), score (n) and rank (n, 1-based).
 * Returns the number of candidates; *estimated (nullable) gets the estimated error count. */
int      stva_audit_rank         (int n, int K, const int *given, const float *probs,
                                  const gint64 *ids, double *thresholds, gint64 *joint,
                                  int *suggested, gboolean *candidate, double *self,
                                  double *margin, double *score, int *rank, double *estimated);

/* Runs the audit and stores its ranking; *report (transfer full) on success.  A cancel before
 * the ranking is stored fails with G_IO_ERROR_CANCELLED "cancelled: nothing was written";
 * option values refused (preset, setting, folds) fail with G_OPTION_ERROR_BAD_VALUE. */
gboolean stva_engine_audit        (StvaJob *job, const StvaAuditOptions *options,
                                   StvaAuditReport **report, GError **error);
void     stva_engine_audit_async  (const StvaAuditOptions *options,
                                   StvaJobProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* (transfer full) The report, or NULL with error set. */
StvaAuditReport *stva_engine_audit_finish (GAsyncResult *result, GError **error);

/* (transfer full) The report as one JSON object: project, run_id, method, folds, seed, split,
 * dialogues, ranked, candidates, estimated_errors, thresholds {label: t}, confident_joint
 * (rows given), labels, and items (the first limit, 0: all): utterance_id, dialogue, split,
 * index, text, given, suggested, score, rank, self_confidence, margin, candidate. */
JsonNode *stva_audit_report_to_json (const StvaAuditReport *report, guint limit);

G_END_DECLS
