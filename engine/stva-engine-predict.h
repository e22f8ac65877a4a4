/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prediction jobs: a whole split of an npz dataset or a project, every prediction (its
 * probabilities, β and attention maps) stored in the project and/or written as a CSV or JSON
 * lines table; and one dialogue of a project, for the studio, with everything in memory and an
 * optional modality mask ("what if the audio were missing").
 *
 * Cancelling.  The split job stores its predictions a pack of whole dialogues per transaction
 * (after predicting the pack, so the project is locked only while writing): cancelled, it
 * keeps the dialogues stored so far and says how many ("cancelled: 12 of 40 dialogues
 * stored"); a table file is then not written.  The model is registered with the first pack.
 */
#pragma once

#include <gio/gio.h>

#include "stva-job.h"
#include "stva-attention.h"
#include "stva-engine-data.h"

G_BEGIN_DECLS

#define STVA_PREDICT_PACK_MAX    16   /* dialogues predicted in one stacked call */
#define STVA_PREDICT_THREADS_MAX 2    /* packs predicted at a time, one per thread */

typedef enum
{
  STVA_PREDICT_TABLE_CSV = 0,     /* dialogue,utterance,split,speaker,gold,predicted,... */
  STVA_PREDICT_TABLE_JSONL = 1,   /* one JSON object per utterance */
} StvaPredictTable;

typedef struct
{
  StvaDataSource   source;       /* an npz file or a project (strings borrowed) */
  const char      *model_path;
  int              split;        /* a StvaSplit or STVA_DATA_ALL_SPLITS */
  gboolean         store;        /* a project's: store every prediction in it */
  const char      *out_path;     /* nullable: the table written here (whole, or not at all) */
  GOutputStream   *out_stream;   /* nullable, borrowed: the table written here instead
                                  * (stdout), as it goes */
  StvaPredictTable table;        /* the table's kind for out_stream; out_path's by its name
                                  * (.jsonl: JSON lines, else CSV) */
  int              threads;      /* 1 or 2 (0: 1) */
  int              pack;         /* dialogues per pack, 1 .. 16 (0: 16) */
} StvaPredictOptions;

typedef struct
{
  char   *data_name;      /* owned: the file or project messages name */
  char   *model_path;     /* owned */
  gint64  model_id;       /* the model's id in the project when stored, else 0 */
  gint64  n_dialogues;    /* predicted */
  gint64  n_utterances;   /* predicted */
  gint64  n_stored;       /* predictions stored */
  gint64  n_rows;         /* table rows written */
} StvaPredictResult;

void     stva_predict_options_init  (StvaPredictOptions *options);
void     stva_predict_result_clear  (StvaPredictResult *result);
void     stva_predict_result_free   (StvaPredictResult *result);

/* Predicts every dialogue of options->split (stages "loading", then "predicting" in
 * dialogues).  FALSE with error set: a usage problem (G_OPTION_ERROR_BAD_VALUE: no model, a
 * table and store both off, store on an npz file, a bad split, thread or pack count), the
 * data or model (naming the file), or G_IO_ERROR_CANCELLED with what was kept.  A failure
 * after some packs were stored keeps them (stva_job_kept (): whole dialogues) and says so. */
gboolean stva_engine_predict        (StvaJob *job, const StvaPredictOptions *options,
                                     StvaPredictResult *result, GError **error);
void     stva_engine_predict_async  (const StvaPredictOptions *options,
                                     StvaJobProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* (transfer full) The result, or NULL with error set; kept (nullable) as stva_job_kept (). */
StvaPredictResult *stva_engine_predict_finish (GAsyncResult *res, StvaJobKept *kept,
                                               GError **error);

/* ---- one dialogue, for the studio ---------------------------------------------------------- */

typedef struct
{
  const char *project;            /* the project file */
  const char *label_set;          /* nullable: "meld" */
  const char *model_path;         /* the model file */
  gint64      dialogue_id;        /* the project's dialogue */
  gboolean    absent[STVA_N_MOD]; /* TRUE: modality m treated as missing for every utterance
                                   * (its features zero and masked), a what-if */
  gboolean    store;              /* store the predictions (refused with a modality absent: a
                                   * what-if never overwrites stored predictions) */
} StvaPredictDialogueOptions;

typedef struct
{
  gint64          dialogue_id;
  char           *dialogue;        /* owned: "<split>/<name>" */
  gint64          model_id;        /* its id in the project when stored, else 0 */
  int             T, K;
  gint64         *utterance_ids;   /* owned (T) */
  char          **labels;          /* owned (K + 1, NULL-terminated): the model's classes */
  StvaModelOutput output;          /* owned: probs (T, K), pred, β (T, 3), attention */
  GArray         *keys;            /* owned, of StvaAttnKey: the maps the output holds */
} StvaPredictDialogueResult;

void     stva_predict_dialogue_result_free (StvaPredictDialogueResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaPredictDialogueResult, stva_predict_dialogue_result_free)
/* (transfer full) key's map of the prediction (stva_attn_map_from_output ()). */
StvaAttnMap *stva_predict_dialogue_result_map (const StvaPredictDialogueResult *result,
                                               const StvaAttnKey *key, GError **error);

/* (transfer full) Predicts one dialogue (job nullable: one stage "predicting" of 1 dialogue);
 * NULL with error set (no such dialogue: STVA_DB_ERROR_NOT_FOUND).  The model file read last
 * stays loaded for the next call while its path, size, time and inode are the same. */
StvaPredictDialogueResult *stva_engine_predict_dialogue (StvaJob *job,
                                                         const StvaPredictDialogueOptions *options,
                                                         GError **error);
void     stva_engine_predict_dialogue_async  (const StvaPredictDialogueOptions *options,
                                              StvaJobProgressFunc progress,
                                              gpointer progress_data, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
StvaPredictDialogueResult *stva_engine_predict_dialogue_finish (GAsyncResult *res,
                                                                GError **error);

G_END_DECLS
