/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project jobs: init, import, export, stats, merge, label sets and the demo corpus.  Each
 * job is `gboolean stva_engine_X (StvaJob *job, const StvaXOptions *options, StvaXResult
 * **result, GError **error)`: options name the project by path and the job opens its own
 * connection; job may be NULL; result (nullable) receives a heap result freed with its
 * _free function.  Each has an _async/_finish pair over stva_job_run_async () (the options
 * are copied).  A cancelled job fails with G_IO_ERROR_CANCELLED saying what it left.
 */
#pragma once

#include "stva-db.h"
#include "stva-job.h"

G_BEGIN_DECLS

/* ---- init --------------------------------------------------------------------------------- */

typedef struct
{
  const char *project;        /* the new project's path; an existing file is refused */
} StvaInitOptions;

typedef struct
{
  char *project;              /* owned */
  int   schema_version;
} StvaInitResult;

void     stva_init_result_free (StvaInitResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaInitResult, stva_init_result_free)

gboolean stva_engine_init        (StvaJob *job, const StvaInitOptions *options,
                                  StvaInitResult **result, GError **error);
void     stva_engine_init_async  (const StvaInitOptions *options, StvaJobProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean stva_engine_init_finish (GAsyncResult *res, StvaInitResult **result, GError **error);

/* ---- import ------------------------------------------------------------------------------- */

typedef enum
{
  STVA_IMPORT_MELD = 0,       /* a MELD-layout folder */
  STVA_IMPORT_IEMOCAP,        /* an IEMOCAP release folder */
  STVA_IMPORT_SRT,            /* subtitles (with the dialogue's video) */
  STVA_IMPORT_VTT,
  STVA_IMPORT_EAF,            /* ELAN */
  STVA_IMPORT_TEXTGRID,       /* Praat */
  STVA_IMPORT_CSV,            /* a CSV with a column mapping */
  STVA_IMPORT_NPZ,            /* features in core's npz dataset layout */
  STVA_N_IMPORT_KINDS
} StvaImportKind;

/* The kind called name ("meld", "srt", "webvtt", "elan", "TextGrid", ...); FALSE when none. */
gboolean    stva_import_kind_from_name (const char *name, StvaImportKind *kind);
/* The kind's own name ("meld", "vtt", "textgrid", ...). */
const char *stva_import_kind_name      (StvaImportKind kind);

typedef struct
{
  const char     *project;     /* path of an existing project */
  StvaImportKind  kind;
  const char     *path;        /* the folder or file imported */
  const char     *video;       /* srt, vtt: the dialogue's video; NULL: one beside the subtitles
                                  with the same name (.mp4, .mkv, .webm, .avi, .mov) if any */
  const char     *split;       /* srt, vtt, eaf, textgrid, csv: NULL: none (csv: the mapping's
                                  split column) */
  const char     *tier;        /* eaf, textgrid: the gold label tier */
  const char     *speaker_tiers;  /* eaf: tier ids, comma-separated, each a speaker */
  const char     *label_tiers;    /* eaf: the tiers of labels, comma-separated */
  const char     *new_label_set;  /* eaf: a label set made from the label tiers' values (or
                                     label_set: the existing one they are in); with any of
                                     these or label_set, the EAF is read as
                                     stva_db_import_eaf_choice says, else as our own
                                     export's layout (tier) */
  const char     *label_set;   /* iemocap, textgrid, csv, eaf */
  const char     *extractor;   /* npz */
  const char     *columns;     /* csv: field=column,... (required) */
  guint           shard;       /* meld: the dialogues whose id % n_shards == shard */
  guint           n_shards;    /* 0 or 1: all */
} StvaImportOptions;

typedef struct
{
  char           *project;            /* owned */
  StvaImportKind  kind;
  int             n_dialogues;
  int             n_utterances;
  int             n_clips;            /* npz: feature vectors stored */
  int             n_dialogue_videos;
  GPtrArray      *warnings;           /* owned, of owned strings */
  double          seconds;
} StvaImportResult;

void     stva_import_result_free (StvaImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaImportResult, stva_import_result_free)

/* One import in one transaction: it lands whole or not at all.  Stages "importing" (reading
 * and writing) and "committing"; a cancel up to the commit makes it a rollback, so nothing is
 * written ("cancelled: nothing was written"). */
gboolean stva_engine_import        (StvaJob *job, const StvaImportOptions *options,
                                    StvaImportResult **result, GError **error);
/* (transfer full) The tiers of an EAF file, of StvaDbEafTier (stva_db_eaf_tiers ()): what the
 * import dialog and synctva import eaf --list-tiers show. */
GPtrArray *stva_engine_eaf_tiers   (const char *path, GError **error);
void     stva_engine_import_async  (const StvaImportOptions *options,
                                    StvaJobProgressFunc progress, gpointer progress_data,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean stva_engine_import_finish (GAsyncResult *res, StvaImportResult **result,
                                    GError **error);

/* ---- export ------------------------------------------------------------------------------- */

typedef enum
{
  STVA_EXPORT_CSV = 0,        /* one row per utterance */
  STVA_EXPORT_JSONL,
  STVA_EXPORT_MELD,           /* a MELD-layout folder of CSVs */
  STVA_EXPORT_NPZ,            /* core's npz dataset layout */
  STVA_EXPORT_SRT,            /* one dialogue: these four need a dialogue id */
  STVA_EXPORT_VTT,
  STVA_EXPORT_EAF,
  STVA_EXPORT_TEXTGRID,
  STVA_N_EXPORT_KINDS
} StvaExportKind;

gboolean    stva_export_kind_from_name (const char *name, StvaExportKind *kind);
const char *stva_export_kind_name      (StvaExportKind kind);
/* TRUE for the kinds that write one dialogue (srt, vtt, eaf, textgrid). */
gboolean    stva_export_kind_is_dialogue (StvaExportKind kind);

typedef struct
{
  const char     *project;
  StvaExportKind  kind;
  const char     *out;          /* a file; meld: a folder */
  const char     *label_set;    /* NULL: "meld" */
  gint64          model_id;     /* csv, jsonl, eaf, textgrid: 0: the newest model */
  gint64          dialogue_id;  /* srt, vtt, eaf, textgrid */
  gboolean        gold;         /* npz: gold labels instead of the current ones */
} StvaExportOptions;

typedef struct
{
  char           *out;          /* owned */
  StvaExportKind  kind;
} StvaExportResult;

void     stva_export_result_free (StvaExportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaExportResult, stva_export_result_free)

/* Reads only; a cancel before the file is written leaves no file. */
gboolean stva_engine_export        (StvaJob *job, const StvaExportOptions *options,
                                    StvaExportResult **result, GError **error);
void     stva_engine_export_async  (const StvaExportOptions *options,
                                    StvaJobProgressFunc progress, gpointer progress_data,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean stva_engine_export_finish (GAsyncResult *res, StvaExportResult **result,
                                    GError **error);

/* ---- stats -------------------------------------------------------------------------------- */

typedef struct
{
  const char *project;
  const char *label_set;      /* NULL: "meld" */
  gint64      model_id;       /* 0: the newest model of the set */
  gboolean    no_gold;        /* leave the gold labels out of the agreement */
  gboolean    model_rater;    /* the model's predictions as a rater */
} StvaStatsOptions;

typedef struct
{
  char            *project;       /* owned */
  char            *label_set;     /* owned */
  StvaDbCounts     counts;
  GPtrArray       *classes;       /* owned, of StvaDbClassStats*, in class order */
  GPtrArray       *annotators;    /* owned, of StvaDbAnnotatorStats*, by name */
  int              n_utterances;  /* over every split */
  int              n_reviewed;
  int              n_changed;
  StvaDbAgreement  agreement;     /* alpha_per_class in classes' order */
} StvaStatsResult;

void     stva_stats_result_free (StvaStatsResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaStatsResult, stva_stats_result_free)

gboolean stva_engine_stats        (StvaJob *job, const StvaStatsOptions *options,
                                   StvaStatsResult **result, GError **error);
void     stva_engine_stats_async  (const StvaStatsOptions *options,
                                   StvaJobProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean stva_engine_stats_finish (GAsyncResult *res, StvaStatsResult **result,
                                   GError **error);

/* ---- merge -------------------------------------------------------------------------------- */

typedef struct
{
  const char        *out;        /* the new project; an existing file is refused */
  const char *const *inputs;     /* (n_inputs) projects */
  guint              n_inputs;
} StvaMergeOptions;

typedef struct
{
  char      *out;                 /* owned */
  guint      n_inputs;            /* inputs merged */
  int        n_utterances_added;
  int        n_events_added;
  int        n_events_duplicate;
  GPtrArray *conflicts;           /* owned, of owned strings */
} StvaMergeResult;

void     stva_merge_result_free (StvaMergeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaMergeResult, stva_merge_result_free)

/* Built under OUT.tmp and renamed when done, so a failure leaves no OUT.  Stages "checking"
 * (each input opened) and "merging", per input with a detail line naming it; a cancel keeps
 * OUT as the merge of the inputs taken whole before it ("cancelled: 2 of 5 inputs stored"), or
 * no OUT when none was ("cancelled: nothing was written"). */
gboolean stva_engine_merge        (StvaJob *job, const StvaMergeOptions *options,
                                   StvaMergeResult **result, GError **error);
void     stva_engine_merge_async  (const StvaMergeOptions *options,
                                   StvaJobProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean stva_engine_merge_finish (GAsyncResult *res, StvaMergeResult **result,
                                   GError **error);

/* ---- label sets --------------------------------------------------------------------------- */

typedef struct
{
  const char        *project;
  const char        *name;
  const char        *description;  /* nullable */
  const char *const *labels;       /* (n_labels) names, distinct, at least two */
  const char *const *keys;         /* nullable, (n_labels), entries nullable: 1-9 or a letter
                                      the studio leaves free; NULL: the db's next default */
  const char *const *colours;      /* nullable, (n_labels), entries nullable: "#rrggbb"; NULL:
                                      the db's colour-blind-safe palette */
  guint              n_labels;
} StvaLabelSetOptions;

typedef struct
{
  StvaDbLabelSet *set;      /* owned */
  int             n_gold;   /* gold labels in this set */
} StvaLabelSetInfo;

typedef struct
{
  char      *project;       /* owned */
  GPtrArray *sets;          /* owned, of StvaLabelSetInfo*, by id */
} StvaLabelSetsResult;

void     stva_label_sets_result_free (StvaLabelSetsResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaLabelSetsResult, stva_label_sets_result_free)

/* Adds a label set (stva_db_add_label_set (): a name in use is refused with
 * STVA_DB_ERROR_CONFLICT; fewer than two labels, a repeated label or key, a key or colour that
 * is not one with STVA_DB_ERROR_INVALID naming the label); *result receives the new set. */
gboolean stva_engine_label_set_create (StvaJob *job, const StvaLabelSetOptions *options,
                                       StvaLabelSetsResult **result, GError **error);
/* The project's label sets with how many gold labels use each; options->project only. */
gboolean stva_engine_label_sets       (StvaJob *job, const StvaLabelSetOptions *options,
                                       StvaLabelSetsResult **result, GError **error);
void     stva_engine_label_set_create_async (const StvaLabelSetOptions *options,
                                             StvaJobProgressFunc progress,
                                             gpointer progress_data, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void     stva_engine_label_sets_async       (const StvaLabelSetOptions *options,
                                             StvaJobProgressFunc progress,
                                             gpointer progress_data, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
/* Finishes either. */
gboolean stva_engine_label_sets_finish      (GAsyncResult *res, StvaLabelSetsResult **result,
                                             GError **error);

/* ---- the demo corpus ---------------------------------------------------------------------- */

typedef struct
{
  const char *dir;            /* created when missing; an earlier demo corpus is replaced */
  int         size;           /* StvaDemoSize: 0 small, 1 default */
  guint64     seed;
  int         n_dialogues;    /* > 0: overrides size */
  int         jobs;           /* worker threads; <= 0: one per core */
  double      label_noise;    /* share of gold labels flipped, 0 .. 0.5 (true ones kept in the
                               * hidden manifest) */
} StvaMakeDemoOptions;

typedef struct
{
  char   *dir;                /* owned */
  guint64 seed;
  int     n_dialogues[3];     /* train, dev, test */
  int     n_utterances[3];
  int     emotion_counts[7];  /* in the demo's emotion order (stva_make_demo_emotion ()) */
  int     n_label_noise;      /* gold labels flipped by label_noise */
  double  media_seconds;
  double  elapsed_s;
} StvaMakeDemoResult;

void        stva_make_demo_result_free (StvaMakeDemoResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaMakeDemoResult, stva_make_demo_result_free)
/* The demo's emotions and splits by index, for printing a result. */
const char *stva_make_demo_emotion     (int i);
const char *stva_make_demo_split       (int i);

/* Progress in dialogues ("generating"); a cancel stops between dialogues and leaves no
 * complete corpus (no manifest), saying so. */
gboolean stva_engine_make_demo        (StvaJob *job, const StvaMakeDemoOptions *options,
                                       StvaMakeDemoResult **result, GError **error);
void     stva_engine_make_demo_async  (const StvaMakeDemoOptions *options,
                                       StvaJobProgressFunc progress, gpointer progress_data,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean stva_engine_make_demo_finish (GAsyncResult *res, StvaMakeDemoResult **result,
                                       GError **error);

G_END_DECLS
