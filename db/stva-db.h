/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project store: one SQLite file per project holding media, dialogues, utterances, label
 * sets, gold labels, features, models, predictions with their attention, and the append-only
 * log of human corrections.  This header is db/'s API; other code includes only it.
 *
 * Identifiers are the rows' SQLite ids (gint64); 0 means "none" everywhere.  A StvaDb is one
 * connection and is not thread-safe: a worker thread opens its own.
 *
 * Label semantics.  Each annotator has at most one label per (utterance, label set): the
 * new_label_id of their latest event there (NULL after an undo back to nothing).  The current
 * label of an utterance is the label of the annotator who acted on it last among those who
 * still have one, else the gold label.  An utterance is reviewed when some human has a label.
 * Labels imported from a corpus's evaluators (events of kind "import") are annotators' labels
 * (agreement, exports) but neither reviews nor current labels.
 * The rule lives in one place, the views of db/schema/0004-label-views.sql (annotator_label,
 * review_label, current_label, annotator_current_label), which every reader here uses.
 *
 * Attention blob layout (prediction.attention), all little-endian:
 *   offset 0   4 bytes  magic "SATN"
 *          4   uint32   version (1)
 *          8   uint32   n_maps
 *   then n_maps times:
 *              uint16   name length L (1..255), then L bytes of UTF-8 name ("caf.T<-A",
 *                       "graph.TV.l0", ...; no NUL)
 *              uint32   rows, uint32 cols (rows·cols ≤ 2^24)
 *              float32  rows·cols values, row-major
 *   and nothing after the last map.  For a prediction the maps hold the attention of this
 *   utterance's nodes (rows: heads or query nodes) over the dialogue (cols: key nodes).
 */
#pragma once

#include <glib.h>

#include "stva-agreement.h"
#include "stva-csv.h"
#include "stva-dataset.h"
#include "stva-db-error.h"
#include "stva-meld.h"
#include "stva-subtitles.h"
#include "stva-textgrid.h"

G_BEGIN_DECLS

#define STVA_DB_SCHEMA_VERSION 6            /* the newest version this build writes */
#define STVA_DB_APPLICATION_ID 0x53545641   /* PRAGMA application_id of a project: "STVA" */
#define STVA_DB_MELD_SET "meld"             /* names of the built-in label sets */
#define STVA_DB_IEMOCAP6_SET "iemocap-6"
#define STVA_DB_IEMOCAP4_SET "iemocap-4"

typedef struct _StvaDb StvaDb;

typedef enum
{
  STVA_DB_OPEN_EXISTING = 0,   /* the file must be a project already */
  STVA_DB_OPEN_CREATE = 1,     /* create it when missing or empty */
} StvaDbOpenFlags;

/* ---- opening ------------------------------------------------------------------------------ */

/* Opens a project, creating or migrating it to STVA_DB_SCHEMA_VERSION.  Refuses files that are
 * not SQLite databases, databases that are not projects, and projects from a newer build. */
StvaDb     *stva_db_open           (const char *path, StvaDbOpenFlags flags, GError **error);
void        stva_db_close          (StvaDb *db);
const char *stva_db_path           (StvaDb *db);
int         stva_db_schema_version (StvaDb *db);
/* Runs PRAGMA integrity_check and foreign_key_check; FALSE with the first problem named. */
gboolean    stva_db_check          (StvaDb *db, GError **error);

/* Whether a media path (a relative one is taken from the project's folder) lies inside the
 * project's folder, symbolic links followed where they exist.  Media paths come from the
 * project, which may come from anyone: what is outside is only ever read, never written. */
gboolean    stva_db_media_path_inside (StvaDb *db, const char *path);

gboolean    stva_db_begin          (StvaDb *db, GError **error);   /* BEGIN IMMEDIATE */
gboolean    stva_db_commit         (StvaDb *db, GError **error);
void        stva_db_rollback       (StvaDb *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDb, stva_db_close)

/* ---- stopping a long write --------------------------------------------------------------- */

/* Asked before each COMMIT on the connection: TRUE makes the COMMIT a ROLLBACK, so the
 * transaction (an importer's one transaction) writes nothing and the writer fails.  The caller
 * knows it asked; close the connection afterwards.  stva_db_merge () asks it once before each
 * input instead, and not at its commits (see there). */
typedef gboolean (*StvaDbStopFunc) (gpointer user_data);
/* Sets the connection's stop function (NULL: none); user_data must outlive its use. */
void        stva_db_set_stop_func  (StvaDb *db, StvaDbStopFunc func, gpointer user_data);

/* ---- label sets and annotators ------------------------------------------------------------ */

typedef struct
{
  gint64  id;
  int     idx;       /* class index */
  char   *name;      /* owned */
  char   *colour;    /* owned, "#rrggbb" */
  char   *key;       /* owned, nullable: keyboard key */
} StvaDbLabel;

typedef struct
{
  gint64     id;
  char      *name;          /* owned */
  char      *description;   /* owned */
  GPtrArray *labels;        /* owned, of StvaDbLabel*, in idx order */
} StvaDbLabelSet;

void            stva_db_label_set_free (StvaDbLabelSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbLabelSet, stva_db_label_set_free)

/* (transfer full) The set called name, or NULL with STVA_DB_ERROR_NOT_FOUND. */
StvaDbLabelSet *stva_db_label_set      (StvaDb *db, const char *name, GError **error);
StvaDbLabelSet *stva_db_label_set_by_id (StvaDb *db, gint64 id, GError **error);
/* (transfer full) All sets, by id. */
GPtrArray      *stva_db_label_sets     (StvaDb *db, GError **error);
/* Adds a user's set of any number of labels (at least two, names unique ignoring case).
 * colours: "#rrggbb" each (stored as given); keys: one character each, 1-9 or a letter other
 * than the studio's own j, k, l, n, p, r, unique in the set ignoring case (stored in lower
 * case).  Either array, or an entry of it, may be NULL: the colour is then the label's in the
 * default palette (stva_db_label_palette ()), the key the next of 1-9, a-i, m, o, q, s-z that
 * no label of the set has (none once those 29 run out).  A name that is taken is refused with
 * STVA_DB_ERROR_CONFLICT, the rest with STVA_DB_ERROR_INVALID naming the label.  Inside a
 * transaction (an import that makes its set) it is a savepoint of that transaction.  Returns
 * the set's id, 0 on error (nothing added). */
gint64          stva_db_add_label_set  (StvaDb *db, const char *name, const char *description,
                                        const char *const *names, const char *const *colours,
                                        const char *const *keys, guint n_labels,
                                        GError **error);
/* The default colour of label i ("#rrggbb"): a colour-blind-safe qualitative palette of 25
 * (Okabe-Ito's eight, then Paul Tol's muted and light sets), cycled past its end. */
const char     *stva_db_label_palette  (guint i);
/* Whether key is one a label may take, and colour a "#rrggbb" colour (the rules above). */
gboolean        stva_db_label_key_is_valid    (const char *key);
gboolean        stva_db_label_colour_is_valid (const char *colour);
/* The label of set whose name is name (case-insensitive), or NULL. */
const StvaDbLabel *stva_db_label_set_find  (const StvaDbLabelSet *set, const char *name);
const StvaDbLabel *stva_db_label_set_by_label (const StvaDbLabelSet *set, gint64 label_id);

/* The id of the annotator called name, created with kind ("human" or "model") if missing. */
gint64 stva_db_annotator (StvaDb *db, const char *name, const char *kind, GError **error);

/* ---- importing ---------------------------------------------------------------------------- */

typedef struct
{
  gint64     import_id;
  int        n_dialogues;
  int        n_utterances;
  int        n_clips;             /* utterance clips found */
  int        n_dialogue_videos;   /* whole-dialogue videos found */
  GPtrArray *warnings;            /* owned, of owned strings: missing clips and files */
} StvaDbImportReport;

void     stva_db_import_report_init  (StvaDbImportReport *report);
void     stva_db_import_report_clear (StvaDbImportReport *report);

/* Imports a MELD-layout folder: {train,dev,test}_sent_emo.csv, the clip folders train_splits/,
 * dev_splits_complete/, output_repeated_splits_test/ and, when there, dialogues/{split}/dia{D}.mp4.
 * Gold labels go into the "meld" set.  One transaction: on error nothing is written.  Missing
 * clips and CSVs are warnings in report (nullable). */
gboolean stva_db_import_meld (StvaDb *db, const char *dir, StvaDbImportReport *report,
                              GError **error);
/* The same for the dialogues whose Dialogue_ID % n_shards == shard: a batch job split in
 * n_shards parts whose projects stva_db_merge () puts together. */
gboolean stva_db_import_meld_shard (StvaDb *db, const char *dir, guint shard, guint n_shards,
                                    StvaDbImportReport *report, GError **error);

/* Imports a dialogue video (nullable: subtitles alone) with SRT or WebVTT subtitles as one
 * dialogue of corpus "subtitles" named after the video (or the subtitle file), in split
 * (nullable: "none").  A cue is an utterance; its speaker comes from a voice tag or a "Name:"
 * prefix ("" when neither is there).  One transaction. */
gboolean stva_db_import_subtitles (StvaDb *db, const char *subtitles, const char *video,
                                   const char *split, StvaDbImportReport *report,
                                   GError **error);

/* Imports an ELAN EAF file as one dialogue of corpus "eaf" named after the file: utterances
 * from every top-level time-alignable tier whose type has no controlled vocabulary (speaker:
 * the tier's PARTICIPANT, else its id), gold labels from the tier called label_tier (NULL:
 * "Emotion-gold"; "": none) in the label set named by its vocabulary (else "meld").  Times
 * must be in milliseconds.  One transaction. */
gboolean stva_db_import_eaf (StvaDb *db, const char *path, const char *label_tier,
                             const char *split, StvaDbImportReport *report, GError **error);

/* Another lab's EAF: its tiers as ELAN defines them (a LINGUISTIC_TYPE's CONSTRAINTS). */
typedef enum
{
  STVA_DB_EAF_TOP_LEVEL = 0,               /* no constraint: a tier of its own */
  STVA_DB_EAF_TIME_SUBDIVISION = 1,        /* aligned children filling the parent, no gaps */
  STVA_DB_EAF_SYMBOLIC_SUBDIVISION = 2,    /* ordered children without times of their own */
  STVA_DB_EAF_SYMBOLIC_ASSOCIATION = 3,    /* one child per parent annotation, its times */
  STVA_DB_EAF_INCLUDED_IN = 4,             /* aligned children inside the parent, gaps allowed */
} StvaDbEafConstraint;

/* "none", "Time_Subdivision", "Symbolic_Subdivision", "Symbolic_Association", "Included_In". */
const char *stva_db_eaf_constraint_name (StvaDbEafConstraint constraint);

typedef struct
{
  char                *id;             /* owned: TIER_ID */
  char                *participant;    /* owned, nullable */
  char                *type;           /* owned: LINGUISTIC_TYPE_REF */
  StvaDbEafConstraint  constraint;
  char                *parent;         /* owned, nullable: PARENT_REF */
  gboolean             time_aligned;   /* its type is TIME_ALIGNABLE */
  guint                n_annotations;
  char                *cv;             /* owned, nullable: the type's CONTROLLED_VOCABULARY_REF */
  char                *cv_url;         /* owned, nullable: an external CV's URL (not fetched) */
  GPtrArray           *cv_values;      /* owned, of owned strings: the CV's entries in its
                                          order (each in the tier's language, else its first);
                                          empty when none are in the file */
} StvaDbEafTier;

void stva_db_eaf_tier_free (StvaDbEafTier *tier);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbEafTier, stva_db_eaf_tier_free)

/* (transfer full) The tiers of the EAF at path in the file's order, of StvaDbEafTier: what an
 * import dialog offers.  Reads the file only (no project, no network). */
GPtrArray *stva_db_eaf_tiers (const char *path, GError **error);

/* What an EAF of any layout imports as (every string nullable). */
typedef struct
{
  const char *const *speaker_tiers;   /* NULL-terminated tier ids, each a speaker (PARTICIPANT,
                                         else the tier id) whose annotations are utterances;
                                         NULL: every top-level time-alignable tier whose type
                                         has no vocabulary, the label tier left out */
  const char *const *label_tiers;     /* NULL-terminated tier ids (NULL: no labels).  An
                                         utterance takes the label overlapping it most among
                                         the label tiers under its speaker tier (a speaker's
                                         own emotion tier), else among all of them */
  const char        *label_set;       /* the labels' values in this set (case-insensitive, or
                                         through another language of their CV entry); values
                                         not in it are refused, listed with the set's labels */
  const char        *new_label_set;   /* or a new set of this name: the label tiers' CV
                                         entries in CV order (values outside the CV after
                                         them, a warning), else their values in time order.
                                         Neither: the set named by the first label tier's CV,
                                         if the project has it */
} StvaDbEafChoice;

/* Imports the EAF at path as one dialogue of corpus "eaf" named after the file, as choice says.
 * Utterances are ordered by start time across the speaker tiers; each takes the label of the
 * label tier's annotation overlapping it most (none: unlabelled).  Times: a child tier's
 * Symbolic_Association annotations take their parent's, Symbolic_Subdivision ones share it
 * out evenly in order; an unaligned time slot is placed as ELAN draws it, evenly between the
 * aligned slots before and after it along its tier's chain of annotations (else in the
 * TIME_ORDER), with a warning.  A tier named that is not in the file is refused with the list
 * of its tiers.  A new label set is made in the import's one transaction: on any error
 * nothing is written.  Times must be in milliseconds (TIME_UNITS). */
gboolean stva_db_import_eaf_choice (StvaDb *db, const char *path, const StvaDbEafChoice *choice,
                                    const char *split, StvaDbImportReport *report,
                                    GError **error);

/* Imports a Praat TextGrid as one dialogue of corpus "textgrid" named after the file: every
 * non-empty interval of an interval tier not named "emotion-*" is an utterance (speaker: the
 * tier's name); gold labels come from the tier called label_tier (NULL: "emotion-gold"; "":
 * none), each utterance taking the label interval overlapping it most, in label_set (NULL:
 * "meld").  One transaction. */
gboolean stva_db_import_textgrid (StvaDb *db, const char *path, const char *label_tier,
                                  const char *label_set, const char *split,
                                  StvaDbImportReport *report, GError **error);

/* Imports the features of an npz file in core's dataset layout (core/model/stva-npz.h) as
 * extractor (NULL: "npz:<file name>"), matching its dialogues to the project's by name, split
 * and length and utterances by position; dialogues that do not match are warnings.  Reports
 * vectors stored in n_clips.  One transaction. */
gboolean stva_db_import_npz_features (StvaDb *db, const char *path, const char *extractor,
                                      StvaDbImportReport *report, GError **error);

/* Imports an IEMOCAP release: Session{1..5}/dialog/transcriptions/NAME.txt (utterances, times),
 * EmoEvaluation/NAME.txt (majority label as gold; each evaluator's first categorical label as
 * an "import" event of annotator "IEMOCAP C-E2" etc.), avi/DivX/NAME.avi (video).  Speakers
 * are "Ses01_F"...; sessions 1-4 train, 5 test.  label_set: "iemocap-6" (NULL) or "iemocap-4"
 * (exc merged into hap); labels outside the set are left out.  One transaction. */
gboolean stva_db_import_iemocap (StvaDb *db, const char *root, const char *label_set,
                                 StvaDbImportReport *report, GError **error);

/* Imports a generic CSV with a column mapping "field=column,...": dialogue and text required;
 * speaker, split, index, start/end (seconds or HH:MM:SS,mmm), start_ms/end_ms, label (in
 * label_set, NULL: "meld") optional.  split: the split of every row of a file that holds one
 * (train, dev or valid, test, none), NULL: from the mapping's split column, else "none"; giving
 * both is refused.  Dialogues of corpus "csv" by (split, dialogue), in index order (else file
 * order).  One transaction; errors name file, line and column. */
gboolean stva_db_import_csv (StvaDb *db, const char *path, const char *mapping,
                             const char *label_set, const char *split,
                             StvaDbImportReport *report, GError **error);

/* ---- corrections -------------------------------------------------------------------------- */

typedef struct
{
  gint64  id;
  gint64  utterance_id;
  gint64  label_set_id;
  gint64  annotator_id;
  char   *annotator;      /* owned: name */
  char   *kind;           /* owned: "set", "undo", "redo", "import" */
  gint64  old_label_id;   /* 0: none */
  gint64  new_label_id;   /* 0: none (label cleared) */
  gint64  reverts_id;     /* undo/redo: the event reverted or reapplied */
  gint64  model_id;       /* 0: no prediction on screen */
  char   *note;           /* owned, nullable */
  gint64  created_us;
} StvaDbCorrection;

void   stva_db_correction_free (StvaDbCorrection *c);

/* Records that annotator set utterance's label in set to label_id (0 clears it), reviewing
 * model_id's prediction (0: none), with an optional note.  Returns the event id, 0 on error. */
gint64 stva_db_set_label (StvaDb *db, gint64 utterance_id, gint64 label_set_id,
                          gint64 annotator_id, gint64 label_id, gint64 model_id,
                          const char *note, GError **error);
/* Reverts the annotator's latest not yet undone set or redo in the label set with a new
 * "undo" event (the annotator's label goes back to its old value).  Returns the new event id,
 * 0 with error unset when there is nothing to undo. */
gint64 stva_db_undo      (StvaDb *db, gint64 annotator_id, gint64 label_set_id, GError **error);
/* Reapplies the latest undone event with a "redo" event; 0 with error unset when there is
 * nothing to redo (a new set after an undo clears the redo stack, as in editors). */
gint64 stva_db_redo      (StvaDb *db, gint64 annotator_id, gint64 label_set_id, GError **error);
/* The annotator's label (*label_id = 0: none). */
gboolean stva_db_annotator_label (StvaDb *db, gint64 utterance_id, gint64 label_set_id,
                                  gint64 annotator_id, gint64 *label_id, GError **error);
/* The current label (see the top of this file; *label_id = 0: neither labelled nor gold). */
gboolean stva_db_current_label   (StvaDb *db, gint64 utterance_id, gint64 label_set_id,
                                  gint64 *label_id, GError **error);
/* (transfer full) Every event on the utterance in set, oldest first, of StvaDbCorrection*. */
GPtrArray *stva_db_history       (StvaDb *db, gint64 utterance_id, gint64 label_set_id,
                                  GError **error);

/* ---- models, predictions, features -------------------------------------------------------- */

typedef struct
{
  char    *name;   /* owned */
  guint32  rows;
  guint32  cols;
  float   *data;   /* owned, (rows, cols) */
} StvaDbAttnMap;

void       stva_db_attn_map_free    (StvaDbAttnMap *map);
/* (transfer full) The blob of the layout at the top of this file. */
GBytes    *stva_db_attention_pack   (const StvaDbAttnMap *maps, guint n_maps);
/* (transfer full) Of StvaDbAttnMap*; NULL with STVA_DB_ERROR_INVALID naming the problem. */
GPtrArray *stva_db_attention_unpack (const guint8 *blob, gsize n_bytes, GError **error);

/* Whether the file at path is model_id's: its SHA-256 (read in pieces) is the one registered.
 * STVA_DB_ERROR_CONFLICT naming both hashes when not (a project may point anywhere: check a
 * model file it names before using it), STVA_DB_ERROR_NOT_FOUND without such a model,
 * STVA_DB_ERROR_IO when the file cannot be read. */
gboolean stva_db_model_check_file (StvaDb *db, gint64 model_id, const char *path,
                                   GError **error);
/* Registers a model (file_hash unique; registering it again returns the same id). */
gint64   stva_db_add_model      (StvaDb *db, const char *name, const char *file_hash,
                                 gint64 label_set_id, const char *config_json,
                                 const char *metrics_json, GError **error);
/* The newest model of the label set, 0 when there is none. */
gint64   stva_db_latest_model   (StvaDb *db, gint64 label_set_id, GError **error);
/* (transfer full) The name a model was registered under; NULL with STVA_DB_ERROR_NOT_FOUND when
 * there is no such model. */
char    *stva_db_model_name     (StvaDb *db, gint64 model_id, GError **error);
/* (transfer full) Its metrics as registered (JSON: "labels", "best_epoch", "epochs_run", "dev"
 * and, from this build's train, "history": one object per epoch with "epoch", "loss", "lr",
 * "seconds", "dev_weighted_f1" and "dev_accuracy", null without a dev split); as name. */
char    *stva_db_model_metrics  (StvaDb *db, gint64 model_id, GError **error);
/* Records that model_id was trained starting from parent_id's weights (0: from scratch, which
 * clears it).  FALSE with STVA_DB_ERROR_NOT_FOUND when either model is missing, and with
 * STVA_DB_ERROR_INVALID when parent_id is model_id or descends from it (a loop). */
gboolean stva_db_set_model_parent (StvaDb *db, gint64 model_id, gint64 parent_id,
                                   GError **error);
/* The model model_id started from (*parent_id = 0: none); FALSE with STVA_DB_ERROR_NOT_FOUND
 * when there is no such model. */
gboolean stva_db_model_parent     (StvaDb *db, gint64 model_id, gint64 *parent_id,
                                   GError **error);
/* Records the file model_id was registered from (schema 5; path NULL forgets it).  FALSE with
 * STVA_DB_ERROR_NOT_FOUND when there is no such model. */
gboolean stva_db_set_model_path   (StvaDb *db, gint64 model_id, const char *path,
                                   GError **error);
/* (transfer full) (nullable) The file model_id was registered from; NULL with error unset when
 * none was recorded (an older build registered it), with STVA_DB_ERROR_NOT_FOUND when there is
 * no such model. */
char    *stva_db_model_path       (StvaDb *db, gint64 model_id, GError **error);
/* (transfer full) The SHA-256 (hex) of the file model_id was registered from; as name. */
char    *stva_db_model_hash       (StvaDb *db, gint64 model_id, GError **error);

typedef struct
{
  gint64  id;
  gint64  label_set_id;
  char   *name;          /* owned */
  char   *path;          /* owned, nullable: none recorded */
  char   *metrics;       /* owned: JSON as registered (stva_db_model_metrics ()) */
  gint64  created_us;
} StvaDbModel;

void       stva_db_model_free (StvaDbModel *m);
/* (transfer full) Of StvaDbModel*: the models of the label set (0: every set), newest first. */
GPtrArray *stva_db_models     (StvaDb *db, gint64 label_set_id, GError **error);
/* Stores (replaces) model's prediction for utterance: probs (K, the size of the model's set),
 * beta (3, nullable), attention blob (nullable). */
gboolean stva_db_put_prediction (StvaDb *db, gint64 model_id, gint64 utterance_id,
                                 const float *probs, guint K, const float *beta,
                                 GBytes *attention, GError **error);

typedef struct
{
  gint64  label_id;      /* argmax */
  guint   K;
  float  *probs;         /* owned, (K) */
  gboolean has_beta;
  float   beta[3];
  GBytes *attention;     /* owned, nullable */
} StvaDbPrediction;

void              stva_db_prediction_free (StvaDbPrediction *p);
/* (transfer full) NULL with error unset when there is no such prediction. */
StvaDbPrediction *stva_db_prediction      (StvaDb *db, gint64 model_id, gint64 utterance_id,
                                           GError **error);

#define STVA_DB_MAX_FEATURE_DIM 65536   /* values of one feature vector; a larger one is refused */

/* modality: "text", "audio", "visual".  Replaces an earlier vector of the same extractor.
 * dim: 1 to STVA_DB_MAX_FEATURE_DIM. */
gboolean stva_db_put_feature (StvaDb *db, gint64 utterance_id, const char *modality,
                              const char *extractor, const char *extractor_version,
                              const float *values, guint dim, GError **error);
/* (transfer full) The newest vector of modality for utterance (any extractor), or NULL with
 * error unset. */
GArray  *stva_db_feature     (StvaDb *db, gint64 utterance_id, const char *modality,
                              GError **error);

/* (transfer full) The project's train, dev and test dialogues as core's dataset, freed with
 * stva_dataset_free (): labels are the current ones (current_labels) or the gold ones, as
 * class indices of the set (-1: none); features per modality from extractors[m] (NULL or
 * NULL entries: the extractor with the most vectors), with masks marking the utterances that
 * have one; speakers numbered over the project; dialogue ids "<split>/<name>"; utt_id the
 * project's utterance ids. */
StvaDataset *stva_db_dataset (StvaDb *db, gint64 label_set_id, gboolean current_labels,
                              const char *const *extractors, GError **error);

/* ---- reading for the studio --------------------------------------------------------------- */

typedef struct
{
  gint64  id;
  char   *corpus;          /* owned */
  char   *split;           /* owned */
  char   *name;            /* owned */
  gint64  source_id;
  char   *media_path;      /* owned, nullable: the whole-dialogue video */
  int     n_utterances;
  int     n_speakers;
  int     n_reviewed;      /* utterances some human labelled */
  int     n_changed;       /* utterances whose current label differs from gold */
  gint64  end_ms;          /* the last utterance's end */
} StvaDbDialogue;

void       stva_db_dialogue_free (StvaDbDialogue *d);
/* (transfer full) Every dialogue by split (train, dev, test, none) and source id, with counts
 * and review progress in label set. */
GPtrArray *stva_db_dialogues     (StvaDb *db, gint64 label_set_id, GError **error);

typedef struct
{
  gint64  id;
  gint64  dialogue_id;
  int     idx;
  gint64  source_id;
  char   *speaker;          /* owned */
  char   *transcript;       /* owned */
  gint64  start_ms;
  gint64  end_ms;
  char   *media_path;       /* owned, nullable: the utterance's clip */
  gint64  gold_label_id;    /* 0: none */
  gint64  current_label_id; /* 0: none */
  gboolean reviewed;
  int     n_annotators;     /* humans with a label */
  gint64  predicted_label_id;  /* 0: no prediction of the model */
  float   confidence;       /* the predicted label's probability */
} StvaDbUtterance;

void       stva_db_utterance_free (StvaDbUtterance *u);
/* (transfer full) The utterances of dialogue in order, with labels in label_set_id and the
 * prediction of model_id (0: the newest model of the set). */
GPtrArray *stva_db_utterances     (StvaDb *db, gint64 dialogue_id, gint64 label_set_id,
                                   gint64 model_id, GError **error);

typedef enum
{
  STVA_DB_QUEUE_ENTROPY = 0,                /* most uncertain prediction first */
  STVA_DB_QUEUE_MARGIN = 1,                 /* smallest top-1 minus top-2 first */
  STVA_DB_QUEUE_MODEL_DISAGREEMENT = 2,     /* prediction ≠ current label, by confidence */
  STVA_DB_QUEUE_ANNOTATOR_DISAGREEMENT = 3, /* most distinct labels among humans first */
  STVA_DB_QUEUE_AUDIT = 4,                  /* a label audit's ranking: likely errors first */
} StvaDbQueueOrder;

typedef struct
{
  gint64 utterance_id;
  gint64 dialogue_id;
  double score;            /* higher comes first */
} StvaDbQueueItem;

/* (transfer full) Up to limit (0: all) utterances of label set ranked by order, of
 * StvaDbQueueItem; ties by utterance id.  Model orders use model_id (0: newest of the set);
 * unreviewed_only leaves out utterances a human has labelled.  Utterances with a score of 0
 * (no disagreement) are left out of the two disagreement orders.  STVA_DB_QUEUE_AUDIT reads
 * the ranking of the set's newest audit run (model_id is not used; no run: an empty queue), in
 * its stored rank order, with its score (stva_db_audit_store ()). */
GArray    *stva_db_review_queue   (StvaDb *db, gint64 label_set_id, gint64 model_id,
                                   StvaDbQueueOrder order, gboolean unreviewed_only,
                                   guint limit, GError **error);

typedef struct
{
  int n_dialogues[4];     /* train, dev, test, none */
  int n_utterances[4];
  int n_media;
  int n_annotators;
  int n_corrections;      /* events in the log */
  int n_models;
  int n_predictions;
  int n_features;
  int n_import_warnings;  /* distinct messages over all imports */
} StvaDbCounts;

gboolean   stva_db_counts         (StvaDb *db, StvaDbCounts *counts, GError **error);

typedef struct
{
  gint64 label_id;
  int    idx;
  char  *name;            /* owned */
  int    gold;            /* utterances with this gold label */
  int    current;         /* with this current label */
  int    predicted;       /* predicted by the model */
  int    changed_from;    /* gold is this, current differs */
  int    changed_to;      /* current is this, gold differs */
} StvaDbClassStats;

typedef struct
{
  gint64 annotator_id;
  char  *name;            /* owned */
  int    n_labels;        /* utterances with this annotator's label now */
  int    n_events;        /* events in the log */
  int    n_differ_gold;   /* labels now differing from gold */
  int    n_differ_model;  /* labels now differing from the model's prediction */
  gint64 first_us;
  gint64 last_us;
} StvaDbAnnotatorStats;

void       stva_db_class_stats_free     (StvaDbClassStats *s);
void       stva_db_annotator_stats_free (StvaDbAnnotatorStats *s);
/* (transfer full) One entry per label of the set, in idx order; model_id 0: newest. */
GPtrArray *stva_db_class_stats     (StvaDb *db, gint64 label_set_id, gint64 model_id,
                                    GError **error);
/* (transfer full) One entry per human annotator with events in the set, by name. */
GPtrArray *stva_db_annotator_stats (StvaDb *db, gint64 label_set_id, gint64 model_id,
                                    GError **error);

/* ---- agreement ---------------------------------------------------------------------------- */

typedef struct
{
  guint    n_raters;
  char   **raters;           /* owned, (n_raters): annotator names, "gold", "model:<name>" */
  guint    n_units;          /* utterances with at least two ratings */
  guint    K;
  double   alpha;            /* Krippendorff's α, nominal, over the units above */
  double  *alpha_per_class;  /* owned, (K): α of "this class or not" */
  double   fleiss;           /* Fleiss' κ over units every rater rated (NaN: none) */
  guint    n_units_complete;
  double  *cohen;            /* owned, (n_raters, n_raters): pairwise κ, NaN on the diagonal
                                and for pairs without shared units */
  double   observed;         /* fraction of agreeing pairs */
} StvaDbAgreement;

void     stva_db_agreement_clear (StvaDbAgreement *a);
/* Agreement among the human annotators of the set, plus the gold label and model_id's
 * predictions as raters when asked (model_id 0: no model). */
gboolean stva_db_agreement (StvaDb *db, gint64 label_set_id, gboolean include_gold,
                            gint64 model_id, StvaDbAgreement *out, GError **error);

/* ---- merging ----------------------------------------------------------------------------- */

typedef struct
{
  guint      n_inputs;             /* inputs merged */
  int        n_utterances_added;
  int        n_events_added;
  int        n_events_duplicate;   /* already there: not added again */
  GPtrArray *conflicts;            /* owned, of owned strings: disagreements, first one kept */
} StvaDbMergeReport;

void     stva_db_merge_report_init  (StvaDbMergeReport *report);
void     stva_db_merge_report_clear (StvaDbMergeReport *report);
/* Merges the projects at inputs into db, matching rows by what they are (names, paths,
 * dialogue and utterance positions, file hashes, event contents), never adding a row twice;
 * events from all inputs are appended in time order.  Disagreements keep db's (or the first
 * input's) version and are listed in report.  Each input is its own transaction: on error,
 * discard db (merge into a new file).  The connection's stop function is asked before each
 * input: TRUE stops taking inputs, and the events of those taken go in as above, so db is the
 * merge of the first report->n_inputs inputs (TRUE is returned). */
gboolean stva_db_merge (StvaDb *db, const char *const *inputs, guint n_inputs,
                        StvaDbMergeReport *report, GError **error);

/* ---- exporting ---------------------------------------------------------------------------- */

/* One row per utterance: ids, split, times, speaker, text, gold, current, one column per human
 * annotator, model_id's prediction (0: newest) and its probabilities. */
gboolean stva_db_export_csv   (StvaDb *db, gint64 label_set_id, gint64 model_id,
                               const char *path, GError **error);
gboolean stva_db_export_jsonl (StvaDb *db, gint64 label_set_id, gint64 model_id,
                               const char *path, GError **error);
/* {train,dev,test}_sent_emo.csv in dir (created), MELD columns, Emotion = current label in
 * the "meld" set, the other columns as imported. */
gboolean stva_db_export_meld  (StvaDb *db, const char *dir, GError **error);

/* A dialogue's utterances as SRT (vtt FALSE) or WebVTT, speakers as "Name: " or voice tags. */
gboolean stva_db_export_subtitles (StvaDb *db, gint64 dialogue_id, gboolean vtt,
                                   const char *path, GError **error);

/* A dialogue as ELAN EAF 3.0: a tier per speaker (transcripts), "Emotion-gold" and
 * "Emotion-current" tiers, and when model_id (0: newest) predicted it, "Emotion-pred" with a
 * Symbolic Association child "Emotion-pred-confidence"; label tiers use a controlled vocabulary
 * named after the label set. */
gboolean stva_db_export_eaf (StvaDb *db, gint64 dialogue_id, gint64 label_set_id,
                             gint64 model_id, const char *path, GError **error);

/* A dialogue as a TextGrid (long format): an interval tier per speaker with the transcripts and
 * "emotion-gold", "emotion-current", "emotion-pred" tiers; gaps are empty intervals, and an
 * utterance overlapping the one before it in the same tier starts where that one ends. */
gboolean stva_db_export_textgrid (StvaDb *db, gint64 dialogue_id, gint64 label_set_id,
                                  gint64 model_id, const char *path, GError **error);

/* The project (train, dev, test) in core's npz dataset layout: features, labels (current or
 * gold), speakers, splits (stva_db_dataset () then stva_npz_write_dataset ()). */
gboolean stva_db_export_npz (StvaDb *db, gint64 label_set_id, gboolean current_labels,
                             const char *path, GError **error);

/* ---- the studio's settings ---------------------------------------------------------------- */

/* (transfer full) (nullable) The project setting key ("studio.annotator", ...), NULL with error
 * unset when it is not set. */
char    *stva_db_setting         (StvaDb *db, const char *key, GError **error);
/* Stores value under key (NULL removes it). */
gboolean stva_db_set_setting     (StvaDb *db, const char *key, const char *value,
                                  GError **error);
/* The utterance a correction event (stva_db_set_label (), _undo (), _redo ()) is about. */
gboolean stva_db_event_utterance (StvaDb *db, gint64 event_id, gint64 *utterance_id,
                                  GError **error);
/* The dialogue an utterance belongs to. */
gboolean stva_db_utterance_dialogue (StvaDb *db, gint64 utterance_id, gint64 *dialogue_id,
                                     GError **error);

/* ---- the studio's views (stva-db-studio-views.c) ------------------------------------------ */

/* (transfer full) The ids (gint64, ascending) of the dialogues whose name, or an utterance's
 * transcript or speaker, contains text (SQL LIKE: ASCII letters in any case; '%', '_' and '\'
 * in text match themselves). */
GArray    *stva_db_search_dialogues (StvaDb *db, const char *text, GError **error);

typedef struct
{
  gint64  dialogue_id;
  char   *speakers;     /* owned: "Monica, Ross", each once, in the order they first speak */
  int     n_scored;     /* utterances with a current label and a prediction of the model */
  int     n_right;      /* of those, predicted as labelled */
} StvaDbDialogueSummary;

void       stva_db_dialogue_summary_free (StvaDbDialogueSummary *s);
/* (transfer full) One summary per dialogue (by id), the score of model_id (0: newest of the
 * set; none in the project: n_scored 0), in three queries whatever the number of dialogues. */
GPtrArray *stva_db_dialogue_summaries (StvaDb *db, gint64 label_set_id, gint64 model_id,
                                       GError **error);

typedef struct
{
  gint64    utterance_id;
  gint64    annotator_id;
  char     *annotator;    /* owned: name */
  gint64    label_id;
  gboolean  is_review;    /* FALSE: a rating imported from a corpus */
} StvaDbAnnotatorLabel;

void       stva_db_annotator_label_free (StvaDbAnnotatorLabel *l);
/* (transfer full) Each human annotator's label (the annotator_label rule) on the utterances of
 * dialogue_id in the set, of StvaDbAnnotatorLabel, by utterance position then name. */
GPtrArray *stva_db_dialogue_annotator_labels (StvaDb *db, gint64 dialogue_id,
                                              gint64 label_set_id, GError **error);
/* How many of the annotator's events in the set stva_db_undo () and stva_db_redo () could
 * revert and reapply now (stva-db-corrections.c, beside them). */
gboolean   stva_db_undo_state (StvaDb *db, gint64 annotator_id, gint64 label_set_id,
                               guint *n_undo, guint *n_redo, GError **error);

/* ---- label audits (stva-db-audit.c) ------------------------------------------------------- */

/* One ranked utterance of an audit run.  Reading fills every field; storing reads only the
 * ids, rank, the numbers and probs. */
typedef struct
{
  gint64    utterance_id;
  gint64    given_label_id;
  gint64    suggested_label_id;
  int       rank;              /* 1 = the most likely label error */
  double    score;             /* higher first, the order of rank (ties by utterance id) */
  double    self_confidence;   /* out-of-fold probability of the given label */
  double    margin;            /* given label's probability minus the best other's */
  gboolean  candidate;         /* off the confident joint's diagonal */
  guint     K;
  float    *probs;             /* owned when read (K), borrowed when stored */
  /* read only */
  gint64    dialogue_id;
  char     *dialogue;          /* owned: the dialogue's name */
  char     *split;             /* owned */
  int       idx;               /* position in the dialogue */
  char     *text;              /* owned: the transcript */
  char     *given;             /* owned: label names */
  char     *suggested;
} StvaDbAuditItem;

void       stva_db_audit_item_free (StvaDbAuditItem *item);

typedef struct
{
  gint64      label_set_id;
  const char *method;          /* "confident-learning/self-confidence" */
  int         folds;
  gint64      seed;
  const char *split;           /* "train" or "all" */
  int         n_candidates;
  const char *info;            /* nullable JSON object: thresholds, confident joint, options */
} StvaDbAuditRun;

/* Stores a run and its n items (each with K = the set's labels, ranks 1 .. n) in one
 * transaction of its own: all or nothing.  Returns the run's id, 0 with error. */
gint64     stva_db_audit_store     (StvaDb *db, const StvaDbAuditRun *run,
                                    const StvaDbAuditItem *items, guint n, GError **error);
/* The newest audit run of the label set; 0 (error unset) when there is none, -1 on error. */
gint64     stva_db_audit_latest    (StvaDb *db, gint64 label_set_id, GError **error);
/* (transfer full) The first limit (0: all) items of run_id by rank, of StvaDbAuditItem*,
 * every field filled; NULL with STVA_DB_ERROR_NOT_FOUND when there is no such run. */
GPtrArray *stva_db_audit_items     (StvaDb *db, gint64 run_id, guint limit, GError **error);
/* (transfer full) run_id's scores by utterance id (gint64* keys, double* values) for the
 * review queue; run_id 0: the set's newest run (none: an empty table). */
GHashTable *stva_db_audit_scores   (StvaDb *db, gint64 label_set_id, gint64 run_id,
                                    GError **error);

G_END_DECLS
