/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feature extraction as an engine job, over a project or a MELD-layout corpus folder.  The work
 * itself is core's extraction runner (stva-extract.h: threads, cache, shards).
 *
 * A project.  The text encoder is fitted on the project's train split and the text of every
 * utterance encoded (shards aside: it takes seconds) and stored in one transaction, each vector
 * recorded with the fit's id, so the project's text vectors never mix two fits.  Audio and
 * video are then extracted in batches of whole dialogues (at least 256 utterances each), each
 * batch stored in one transaction.  Cancelled, the job keeps what it committed, whole
 * dialogues only, and says so: nothing before the text is stored; then the text of every
 * dialogue and the audio and video of the batches done (stva_job_kept () counts the dialogues
 * whose audio and video were stored).  The cache keeps the finished work
 * either way, so the next run goes on from there.
 *
 * A corpus folder.  The three CSVs and clip folders are read, the encoder fitted on the train
 * split, every utterance extracted, and the npz dataset that train, eval and predict read
 * written whole (not at all when cancelled; a shard writes only the cache).
 */
#pragma once

#include <gio/gio.h>

#include "stva-job.h"
#include "stva-extract.h"
#include "stva-text.h"

G_BEGIN_DECLS

typedef struct
{
  const char *project;        /* a project, or NULL with corpus_dir */
  const char *corpus_dir;     /* a MELD-layout folder, or NULL with project */
  const char *out_path;       /* corpus: the npz (NULL: CORPUS_DIR/features.npz) */
  const char *cache_dir;      /* NULL: .synctva-cache next to the project or in the corpus */
  gboolean    modality[STVA_N_MOD];   /* which of T, A, V (all by default) */
  int         jobs;           /* worker threads; 0: one per core */
  int         shard_index;    /* with shard_count > 1: only dialogues with index % count ==
                               * index, into the cache (and the project) */
  int         shard_count;    /* 1: everything */
  double      visual_fps;     /* frames sampled per second for faces; 0: 5 */
  int         batch_utterances;   /* project: audio and video stored a batch of whole
                                   * dialogues of at least this many utterances per
                                   * transaction; 0: 256 */
} StvaEngineExtractOptions;

typedef struct
{
  char              *place;           /* owned: the project's path or the corpus folder */
  char              *out_path;        /* owned, nullable: the npz written (corpus mode) */
  char              *cache_dir;       /* owned */
  guint              n_dialogues;
  guint              n_utterances;
  int                F[STVA_N_MOD];   /* corpus: the dataset's widths */
  /* the text encoder (when text was asked for) */
  gboolean           text;
  char               fit_id[STVA_TEXT_FIT_ID_LEN];
  guint              n_fit_on;        /* training utterances it was fitted on */
  gsize              n_text_new;      /* project: text vectors that were not stored before */
  gsize              n_text_changed;  /* project: that differ from the vector stored before */
  gsize              n_stored[STVA_N_MOD];   /* project: vectors stored */
  StvaExtractReport  report;          /* core's counts over every batch (computed, cached,
                                       * failed and the first messages) */
  gsize              n_no_media;      /* project: utterances with neither clip nor video */
  gsize              n_missing_clips; /* corpus: clips not found */
  char              *first_missing;   /* owned, nullable: the first of them */
  double             seconds;         /* of the extraction */
} StvaEngineExtractResult;

void     stva_engine_extract_options_init (StvaEngineExtractOptions *options);
void     stva_engine_extract_result_clear (StvaEngineExtractResult *result);
void     stva_engine_extract_result_free  (StvaEngineExtractResult *result);

/* Extracts (stages "fitting the text encoder", "encoding text" and "extracting", in
 * utterances).  FALSE with error set: G_OPTION_ERROR_BAD_VALUE for options that do not fit
 * (both or neither place, --out with a project), the project, corpus, cache or output named
 * with the problem (checked before any extraction), or G_IO_ERROR_CANCELLED saying what was
 * kept (stva_job_kept ()). */
gboolean stva_engine_extract        (StvaJob *job, const StvaEngineExtractOptions *options,
                                     StvaEngineExtractResult *result, GError **error);
void     stva_engine_extract_async  (const StvaEngineExtractOptions *options,
                                     StvaJobProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* (transfer full) */
StvaEngineExtractResult *stva_engine_extract_finish (GAsyncResult *res, StvaJobKept *kept,
                                                     GError **error);

G_END_DECLS
