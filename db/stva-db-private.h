/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of db/ share: the connection struct, statement helpers with named parameters,
 * and the error bridge for SQLite.
 */
#pragma once

#include <sqlite3.h>

#include "stva-db.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Hot statements, prepared once per connection (SQLITE_PREPARE_PERSISTENT). */
typedef enum
{
  STVA_STMT_CHECK_IDS,
  STVA_STMT_ANNOTATOR_LABEL,
  STVA_STMT_CURRENT_LABEL,
  STVA_STMT_APPEND_EVENT,
  STVA_STMT_UTTERANCES,
  STVA_N_STMTS
} StvaDbStmt;

struct _StvaDb
{
  sqlite3      *handle;               /* owned */
  char         *path;                 /* owned */
  int           version;              /* schema version after opening */
  sqlite3_stmt *stmts[STVA_N_STMTS];  /* owned, prepared on first use */
  StvaDbStopFunc stop_func;           /* nullable: stva_db_set_stop_func () */
  gpointer       stop_data;
};

/* TRUE when the connection's stop function asks to stop (stva-db-stop.c). */
gboolean _stva_db_should_stop (StvaDb *db);

/* Sets error to "<path>: <what>: <sqlite3_errmsg>" and returns FALSE. */
gboolean      _stva_db_fail     (StvaDb *db, GError **error, const char *what);
/* (transfer full) A prepared statement, NULL with error set. */
sqlite3_stmt *_stva_db_prepare  (StvaDb *db, const char *sql, GError **error);
/* (transfer none) The cached statement id for sql, reset with its bindings cleared; NULL with
 * error set.  Callers reset it again when done (sqlite3_reset) so it holds no lock. */
sqlite3_stmt *_stva_db_cached   (StvaDb *db, StvaDbStmt id, const char *sql, GError **error);
/* BEGIN IMMEDIATE with foreign-key and CHECK enforcement off, for importers that reference only
 * ids read in the same transaction and write only checked values that pass (see stva-db.c);
 * _stva_db_end_bulk () commits (or rolls back) and turns both on again. */
gboolean      _stva_db_begin_bulk (StvaDb *db, GError **error);
gboolean      _stva_db_end_bulk   (StvaDb *db, gboolean commit, GError **error);
/* Runs SQL without results (several statements allowed; no parameters). */
gboolean      _stva_db_exec     (StvaDb *db, const char *sql, GError **error);
/* Steps a statement that returns no rows (SQLITE_DONE expected). */
gboolean      _stva_db_step_done (StvaDb *db, sqlite3_stmt *stmt, GError **error);
/* Steps once: 1 on a row, 0 at the end, -1 with error set. */
int           _stva_db_step     (StvaDb *db, sqlite3_stmt *stmt, GError **error);

/* Binding by name (":utterance_id"); a missing name is a programmer error. */
void _stva_bind_int64  (sqlite3_stmt *stmt, const char *name, gint64 value);
/* Binds NULL when value is 0 (ids). */
void _stva_bind_id     (sqlite3_stmt *stmt, const char *name, gint64 value);
void _stva_bind_text   (sqlite3_stmt *stmt, const char *name, const char *value);  /* NULL ok */
void _stva_bind_double (sqlite3_stmt *stmt, const char *name, double value);
void _stva_bind_blob   (sqlite3_stmt *stmt, const char *name, const void *data, gsize n);

/* A column as an owned string (NULL for SQL NULL). */
char *_stva_column_dup (sqlite3_stmt *stmt, int col);

/* Parameters one statement may have on a connection (SQLITE_LIMIT_VARIABLE_NUMBER): the import
 * writer's batches stay under it. */
#define STVA_DB_MAX_VARIABLES 1000

/* Untrusted projects (stva-db-trust.c).  Sets the connection's defensive flags (no schema
 * writes, no extensions, untrusted schema) and limits; FALSE with error set. */
gboolean _stva_db_harden       (StvaDb *db, GError **error);
/* Compares the objects of schema ("main", or an attached "src") with those of a new project of
 * version: an object of ours that differs, or a trigger or view that is not ours, is refused
 * naming it and path; complete: also any other object that is not ours, and ours missing. */
gboolean _stva_db_check_schema (StvaDb *db, const char *schema, const char *path, int version,
                                gboolean complete, GError **error);

/* Migrates an open connection to target (≤ STVA_DB_SCHEMA_VERSION), each step in its own
 * BEGIN IMMEDIATE ... COMMIT.  For tests, which build every older version this way. */
gboolean _stva_db_migrate (StvaDb *db, int target, GError **error);
/* stva_db_open () migrating only up to target: how tests make projects of older versions. */
StvaDb  *_stva_db_open_at (const char *path, StvaDbOpenFlags flags, int target, GError **error);

/* One utterance of a single-dialogue import (subtitles, EAF, TextGrid), in spoken order. */
typedef struct
{
  gint64      start_ms;
  gint64      end_ms;
  const char *speaker;    /* borrowed; NULL is stored as "" */
  const char *text;       /* borrowed */
  gint64      label_id;   /* gold label in the import's label set, 0: none */
} StvaDbSegment;

/* Where such an import goes and what it records. */
typedef struct
{
  const char *kind;          /* import_run.kind: "srt", "vtt", "eaf", "textgrid" */
  const char *corpus;        /* dialogue.corpus: "subtitles", "eaf", "textgrid" */
  const char *source;        /* the file imported, absolute */
  const char *source_name;   /* the file as the caller named it, for messages */
  const char *split;         /* train, dev, test or none */
  const char *name;          /* the dialogue's name */
  const char *media;         /* nullable: the dialogue's media file, absolute */
  const char *media_word;    /* "video", "media": the warning when the media file is missing */
  gint64      label_set_id;  /* of the segments' labels */
} StvaDbDialogueImport;

/* ---- the import writer (stva-db-import-writer.c): what every importer stores through ----- */

typedef struct _StvaDbImportWriter StvaDbImportWriter;

/* One utterance.  Strings are borrowed until the writer's next flush (_stva_db_import_writer_
 * flush (), _end (), or a full batch inside _utterance ()). */
typedef struct
{
  gint64      dialogue_id;
  int         idx;          /* position in the dialogue */
  gint64      source_id;    /* the corpus's number for it */
  const char *speaker;      /* NULL is stored as "" */
  const char *transcript;
  gint64      start_ms;     /* -1: none */
  gint64      end_ms;       /* -1: none */
  gint64      media_id;     /* 0: none */
  gint64      sr_no;        /* MELD's columns, -1: none */
  gint64      season;
  gint64      episode;
  const char *sentiment;    /* nullable */
  gint64      label_id;     /* gold label in the writer's label set, 0: none */
} StvaDbImportUtterance;

/* Begins one import: a transaction (bulk: _stva_db_begin_bulk (), for importers whose every
 * reference is an id read in it and whose checked columns are constants that pass) and its
 * import_run row of kind and source; report (the importer's, initialised) gets the import id,
 * the counts and the warnings.  label_set_id: of the gold labels and ratings (0: none).  NULL
 * with error set (nothing begun). */
StvaDbImportWriter *_stva_db_import_writer_begin (StvaDb *db, const char *kind,
                                                  const char *source, gint64 label_set_id,
                                                  gboolean bulk, StvaDbImportReport *report,
                                                  GError **error);
/* The id of the media row of path (added, or its kind updated); found: the file is there, and
 * counts as a clip (kind "clip") or a dialogue video.  0 with error set. */
gint64   _stva_db_import_writer_media     (StvaDbImportWriter *w, const char *path,
                                           const char *kind, gboolean found, GError **error);
/* A new dialogue (source_id -1: none, media_id 0: none); one already there is refused with
 * STVA_DB_ERROR_CONFLICT: "dialogue '<name>' (<split>) is already in <project>; nothing
 * imported", which the importer prefixes with where it read it (g_prefix_error).  0 on error. */
gint64   _stva_db_import_writer_dialogue  (StvaDbImportWriter *w, const char *corpus,
                                           const char *split, const char *name,
                                           gint64 source_id, gint64 media_id, GError **error);
/* The label set of the gold labels, for an importer that makes it in the writer's transaction
 * (stva_db_add_label_set () nests there); only before the first utterance. */
void     _stva_db_import_writer_set_label_set (StvaDbImportWriter *w, gint64 label_set_id);
/* Queues an utterance (and its gold label); its id, 0 on error. */
gint64   _stva_db_import_writer_utterance (StvaDbImportWriter *w,
                                           const StvaDbImportUtterance *u, GError **error);
/* An evaluator's label of the utterance in the writer's set: an "import" event of the human
 * annotator called annotator (created when new), with note. */
gboolean _stva_db_import_writer_rating    (StvaDbImportWriter *w, gint64 utterance_id,
                                           const char *annotator, gint64 label_id,
                                           const char *note, GError **error);
/* Adds a warning to the report (stored with the import at the end). */
void     _stva_db_import_writer_warn      (StvaDbImportWriter *w, const char *format, ...)
  G_GNUC_PRINTF (2, 3);
/* Writes what is queued (so that borrowed strings may go). */
gboolean _stva_db_import_writer_flush     (StvaDbImportWriter *w, GError **error);
/* commit: writes what is queued, the warnings and the counts, and commits; else (or when any
 * of that fails) rolls everything back.  Frees w.  Returns whether the import is stored. */
gboolean _stva_db_import_writer_end       (StvaDbImportWriter *w, gboolean commit,
                                           GError **error);

/* The end of every importer's report handling: report is report_out, or the importer's local
 * one when report_out is NULL.  On failure report_out is left empty (initialised, no warnings);
 * on success a local report is cleared.  Returns ok. */
gboolean _stva_db_import_report_finish (StvaDbImportReport *report,
                                        StvaDbImportReport *report_out, gboolean ok);

/* Stores the segments as one new dialogue, its import record, media and warnings in one
 * transaction, or nothing: a dialogue of the same corpus, split and name already there is a
 * conflict.  report as the public importers fill it (nullable). */
gboolean _stva_db_import_dialogue (StvaDb *db, const StvaDbDialogueImport *what,
                                   const StvaDbSegment *segments, guint n_segments,
                                   StvaDbImportReport *report, GError **error);

/* The label set (*set, transfer full) and the utterances (transfer full) a one-dialogue exporter
 * writes; NULL with error set when either is missing or the dialogue has no utterances. */
GPtrArray *_stva_db_export_utterances (StvaDb *db, gint64 dialogue_id, gint64 label_set_id,
                                       gint64 model_id, StvaDbLabelSet **set, GError **error);

/* The whole table of rows the exporters and agreement need, filled in stva-db-read.c. */
typedef struct
{
  gint64  utterance_id;
  gint64  dialogue_id;
  char   *corpus;
  char   *split;
  char   *dialogue;
  gint64  dialogue_source_id;
  int     idx;
  gint64  source_id;
  char   *speaker;
  char   *transcript;
  gint64  start_ms;
  gint64  end_ms;
  gint64  sr_no;       /* -1: none */
  gint64  season;      /* -1: none */
  gint64  episode;     /* -1: none */
  char   *sentiment;
  char   *media_path;
  gint64  gold;        /* label ids, 0: none */
  gint64  current;
  gint64 *annotator_labels;   /* (n_annotators of the table) */
  gint64  annotator_last_event;  /* id of the latest event that decided current, 0 none */
  gboolean reviewed;   /* a studio event (not an import) holds a label */
  gint64  predicted;
  float  *probs;       /* (K) or NULL */
} StvaDbRow;

typedef struct
{
  StvaDbLabelSet *set;         /* owned */
  gint64          model_id;    /* 0: none */
  char           *model_name;  /* owned */
  guint           n_annotators;
  gint64         *annotator_ids;  /* owned, (n_annotators), human annotators by name */
  char          **annotator_names; /* owned */
  GPtrArray      *rows;        /* owned, of StvaDbRow* in split, dialogue, idx order */
} StvaDbTable;

/* Fills table for label_set_id with model_id's predictions (0: newest; -1: none). */
StvaDbTable *_stva_db_table      (StvaDb *db, gint64 label_set_id, gint64 model_id,
                                  GError **error);
void         _stva_db_table_free (StvaDbTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbTable, _stva_db_table_free)
