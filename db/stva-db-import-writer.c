/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one writer every importer stores through (MELD, IEMOCAP, CSV and the single-dialogue
 * ones: subtitles, EAF, TextGrid): one transaction holding the import_run row, media rows,
 * dialogues, utterances with their gold labels, imported ratings, the warnings and the counts,
 * committed whole by _stva_db_import_writer_end () or not at all.
 *
 * Utterances and their gold labels go in BATCH rows per INSERT: a statement's own cost (cursors
 * opened and closed, its halt) was a third of the MELD import.  Their ids are given, counting on
 * from the largest one before the import (the transaction holds the write lock), so the gold
 * rows and ratings need no last_insert_rowid.  OR ROLLBACK: a failing row ends the transaction
 * at once, as the import would, and SQLite keeps no statement journal for the batch.  Ratings
 * wait for the batch their utterance is in, so they follow it even with foreign keys on.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

#define BATCH 64

/* The utterance columns in the order of the insert's parameters, per row. */
enum
{
  UTT_ID, UTT_DIALOGUE, UTT_IDX, UTT_SOURCE_ID, UTT_SPEAKER, UTT_TRANSCRIPT, UTT_START_MS,
  UTT_END_MS, UTT_MEDIA, UTT_SR_NO, UTT_SEASON, UTT_EPISODE, UTT_SENTIMENT, N_UTT_COLS
};

G_STATIC_ASSERT (BATCH * N_UTT_COLS <= STVA_DB_MAX_VARIABLES);

typedef struct
{
  gint64  utterance_id;
  gint64  annotator_id;
  gint64  label_id;
  char   *note;          /* owned, nullable */
} Rating;

struct _StvaDbImportWriter
{
  StvaDb             *db;            /* borrowed */
  StvaDbImportReport *report;        /* borrowed: the importer's */
  gboolean            bulk;          /* foreign keys and CHECKs off (_stva_db_begin_bulk) */
  gint64              label_set_id;  /* of the gold labels and ratings */
  gint64              now;           /* import_run.created_us, the ratings' time */
  gint64              next_utterance_id;
  sqlite3_stmt       *media;
  sqlite3_stmt       *dialogue;
  sqlite3_stmt       *utterance[2];  /* one row, BATCH rows */
  sqlite3_stmt       *gold[2];
  sqlite3_stmt       *rating;        /* prepared on the first rating */
  StvaDbImportUtterance pending[BATCH];   /* with ids; strings borrowed until the flush */
  gint64              pending_id[BATCH];
  int                 n_pending;
  GArray             *ratings;       /* of Rating, waiting for their utterances' batch */
  GHashTable         *annotators;    /* name (owned) -> gint64 id (owned) */
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void
rating_clear (gpointer data)
{
  g_free (((Rating *) data)->note);
}

static void
writer_free (StvaDbImportWriter *w)
{
  sqlite3_finalize (w->media);
  sqlite3_finalize (w->dialogue);
  for (int k = 0; k < 2; k++)
    {
      sqlite3_finalize (w->utterance[k]);
      sqlite3_finalize (w->gold[k]);
    }
  sqlite3_finalize (w->rating);
  g_clear_pointer (&w->ratings, g_array_unref);
  g_clear_pointer (&w->annotators, g_hash_table_unref);
  g_free (w);
}

/* "INSERT ... VALUES (?, ...), ..." for n_rows rows of n_cols. */
static sqlite3_stmt *
prepare_rows (StvaDb      *db,
              const char  *head,
              int          n_cols,
              int          n_rows,
              GError     **error)
{
  GString *sql = g_string_new (head);
  for (int r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ", (?" : " (?");
      for (int c = 1; c < n_cols; c++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  sqlite3_stmt *stmt = _stva_db_prepare (db, sql->str, error);
  g_string_free (sql, TRUE);
  return stmt;
}

static void
bind_or_null (sqlite3_stmt *stmt,
              int           i,
              gint64        value,
              gboolean      has)
{
  if (has)
    sqlite3_bind_int64 (stmt, i, value);
  else
    sqlite3_bind_null (stmt, i);
}

static gboolean
flush_ratings (StvaDbImportWriter  *w,
               GError             **error)
{
  for (guint i = 0; i < w->ratings->len; i++)
    {
      const Rating *r = &g_array_index (w->ratings, Rating, i);
      if (w->rating == NULL
          && (w->rating = _stva_db_prepare (
                w->db, "INSERT INTO correction (utterance_id, label_set_id, annotator_id, kind, "
                       "new_label_id, note, created_us) VALUES (:utterance, :set, :annotator, "
                       "'import', :label, :note, :now)", error)) == NULL)
        return FALSE;
      sqlite3_reset (w->rating);
      _stva_bind_int64 (w->rating, ":utterance", r->utterance_id);
      _stva_bind_int64 (w->rating, ":set", w->label_set_id);
      _stva_bind_int64 (w->rating, ":annotator", r->annotator_id);
      _stva_bind_int64 (w->rating, ":label", r->label_id);
      _stva_bind_text (w->rating, ":note", r->note);
      _stva_bind_int64 (w->rating, ":now", w->now);
      if (!_stva_db_step_done (w->db, w->rating, error))
        return FALSE;
    }
  g_array_set_size (w->ratings, 0);
  return TRUE;
}

/* ---- the writer --------------------------------------------------------------------------- */

StvaDbImportWriter *
_stva_db_import_writer_begin (StvaDb              *db,
                              const char          *kind,
                              const char          *source,
                              gint64               label_set_id,
                              gboolean             bulk,
                              StvaDbImportReport  *report,
                              GError             **error)
{
  g_return_val_if_fail (db != NULL && kind != NULL && source != NULL && report != NULL, NULL);
  if (!(bulk ? _stva_db_begin_bulk (db, error) : stva_db_begin (db, error)))
    return NULL;
  StvaDbImportWriter *w = g_new0 (StvaDbImportWriter, 1);
  w->db = db;
  w->report = report;
  w->bulk = bulk;
  w->label_set_id = label_set_id;
  w->now = g_get_real_time ();
  w->ratings = g_array_new (FALSE, FALSE, sizeof (Rating));
  g_array_set_clear_func (w->ratings, rating_clear);
  w->annotators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  static const char utterance_head[] =
    "INSERT OR ROLLBACK INTO utterance (id, dialogue_id, idx, source_id, speaker, transcript, "
    "start_ms, end_ms, media_id, sr_no, season, episode, sentiment) VALUES";
  static const char gold_head[] =
    "INSERT OR ROLLBACK INTO gold_label (utterance_id, label_set_id, label_id) VALUES";
  g_autoptr (sqlite3_stmt) run = NULL;
  g_autoptr (sqlite3_stmt) max_id = NULL;
  if ((w->media = _stva_db_prepare (db, "INSERT INTO media (path, kind) VALUES (:path, :kind) "
                                        "ON CONFLICT (path) DO UPDATE SET kind = excluded.kind "
                                        "RETURNING id", error)) == NULL
      || (w->dialogue = _stva_db_prepare (
            db, "INSERT INTO dialogue (corpus, split, name, source_id, media_id, import_id) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) == NULL
      || (w->utterance[0] = prepare_rows (db, utterance_head, N_UTT_COLS, 1, error)) == NULL
      || (w->utterance[1] = prepare_rows (db, utterance_head, N_UTT_COLS, BATCH, error)) == NULL
      || (w->gold[0] = prepare_rows (db, gold_head, 3, 1, error)) == NULL
      || (w->gold[1] = prepare_rows (db, gold_head, 3, BATCH, error)) == NULL
      || (max_id = _stva_db_prepare (db, "SELECT coalesce (max (id), 0) FROM utterance",
                                     error)) == NULL
      || _stva_db_step (db, max_id, error) != 1
      || (run = _stva_db_prepare (db, "INSERT INTO import_run (kind, source, created_us) "
                                      "VALUES (:kind, :source, :now)", error)) == NULL)
    goto fail;
  w->next_utterance_id = sqlite3_column_int64 (max_id, 0) + 1;
  _stva_bind_text (run, ":kind", kind);
  _stva_bind_text (run, ":source", source);
  _stva_bind_int64 (run, ":now", w->now);
  if (!_stva_db_step_done (db, run, error))
    goto fail;
  report->import_id = sqlite3_last_insert_rowid (db->handle);
  return w;

fail:
  _stva_db_import_writer_end (w, FALSE, NULL);
  return NULL;
}

gint64
_stva_db_import_writer_media (StvaDbImportWriter  *w,
                              const char          *path,
                              const char          *kind,
                              gboolean             found,
                              GError             **error)
{
  sqlite3_reset (w->media);
  _stva_bind_text (w->media, ":path", path);
  _stva_bind_text (w->media, ":kind", kind);
  if (_stva_db_step (w->db, w->media, error) != 1)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE, "%s: no id for %s",
                     w->db->path, path);
      return 0;
    }
  gint64 id = sqlite3_column_int64 (w->media, 0);
  sqlite3_reset (w->media);
  if (found && strcmp (kind, "clip") == 0)
    w->report->n_clips++;
  else if (found)
    w->report->n_dialogue_videos++;
  return id;
}

gint64
_stva_db_import_writer_dialogue (StvaDbImportWriter  *w,
                                 const char          *corpus,
                                 const char          *split,
                                 const char          *name,
                                 gint64               source_id,
                                 gint64               media_id,
                                 GError             **error)
{
  /* by position: a thousand dialogues, and the names would be looked up each time */
  sqlite3_reset (w->dialogue);
  sqlite3_bind_text (w->dialogue, 1, corpus, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->dialogue, 2, split, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->dialogue, 3, name, -1, SQLITE_STATIC);
  bind_or_null (w->dialogue, 4, source_id, source_id >= 0);
  bind_or_null (w->dialogue, 5, media_id, media_id > 0);
  sqlite3_bind_int64 (w->dialogue, 6, w->report->import_id);
  if (sqlite3_step (w->dialogue) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (w->db->handle) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "dialogue '%s' (%s) is already in %s; nothing imported", name, split,
                     w->db->path);
      else
        _stva_db_fail (w->db, error, "writing");
      return 0;
    }
  w->report->n_dialogues++;
  return sqlite3_last_insert_rowid (w->db->handle);
}

gboolean
_stva_db_import_writer_flush (StvaDbImportWriter  *w,
                              GError             **error)
{
  for (int first = 0; first < w->n_pending;)
    {
      int n = w->n_pending - first >= BATCH ? BATCH : 1;
      sqlite3_stmt *u = w->utterance[n == BATCH], *g = w->gold[n == BATCH];
      int n_gold = 0;
      sqlite3_reset (u);
      for (int r = 0; r < n; r++)
        {
          const StvaDbImportUtterance *p = &w->pending[first + r];
          int b = r * N_UTT_COLS + 1;
          sqlite3_bind_int64 (u, b + UTT_ID, w->pending_id[first + r]);
          sqlite3_bind_int64 (u, b + UTT_DIALOGUE, p->dialogue_id);
          sqlite3_bind_int64 (u, b + UTT_IDX, p->idx);
          sqlite3_bind_int64 (u, b + UTT_SOURCE_ID, p->source_id);
          sqlite3_bind_text (u, b + UTT_SPEAKER, p->speaker ? p->speaker : "", -1, SQLITE_STATIC);
          sqlite3_bind_text (u, b + UTT_TRANSCRIPT, p->transcript, -1, SQLITE_STATIC);
          bind_or_null (u, b + UTT_START_MS, p->start_ms, p->start_ms >= 0);
          bind_or_null (u, b + UTT_END_MS, p->end_ms, p->end_ms >= 0);
          bind_or_null (u, b + UTT_MEDIA, p->media_id, p->media_id > 0);
          bind_or_null (u, b + UTT_SR_NO, p->sr_no, p->sr_no >= 0);
          bind_or_null (u, b + UTT_SEASON, p->season, p->season >= 0);
          bind_or_null (u, b + UTT_EPISODE, p->episode, p->episode >= 0);
          if (p->sentiment != NULL)
            sqlite3_bind_text (u, b + UTT_SENTIMENT, p->sentiment, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (u, b + UTT_SENTIMENT);
          n_gold += p->label_id != 0;
        }
      if (!_stva_db_step_done (w->db, u, error))
        return FALSE;
      /* the gold labels of the rows that have one: as one batch when all do, else one by one */
      for (int r = 0; r < n && n_gold > 0;)
        {
          int m = n_gold == BATCH ? BATCH : 1;
          g = w->gold[m == BATCH];
          sqlite3_reset (g);
          int k = 0;
          for (; r < n && k < m; r++)
            {
              const StvaDbImportUtterance *p = &w->pending[first + r];
              if (p->label_id == 0)
                continue;
              sqlite3_bind_int64 (g, 3 * k + 1, w->pending_id[first + r]);
              sqlite3_bind_int64 (g, 3 * k + 2, w->label_set_id);
              sqlite3_bind_int64 (g, 3 * k + 3, p->label_id);
              k++;
            }
          if (k < m)   /* only rows without a label were left */
            break;
          if (!_stva_db_step_done (w->db, g, error))
            return FALSE;
        }
      first += n;
    }
  w->n_pending = 0;
  return flush_ratings (w, error);
}

void
_stva_db_import_writer_set_label_set (StvaDbImportWriter *w,
                                      gint64              label_set_id)
{
  g_assert (w->report->n_utterances == 0 && w->ratings->len == 0);
  w->label_set_id = label_set_id;
}

gint64
_stva_db_import_writer_utterance (StvaDbImportWriter           *w,
                                  const StvaDbImportUtterance  *u,
                                  GError                      **error)
{
  g_assert (u->label_id == 0 || w->label_set_id != 0);
  gint64 id = w->next_utterance_id++;
  w->pending_id[w->n_pending] = id;
  w->pending[w->n_pending++] = *u;
  w->report->n_utterances++;
  if (w->n_pending == BATCH && !_stva_db_import_writer_flush (w, error))
    return 0;
  return id;
}

gboolean
_stva_db_import_writer_rating (StvaDbImportWriter  *w,
                               gint64               utterance_id,
                               const char          *annotator,
                               gint64               label_id,
                               const char          *note,
                               GError             **error)
{
  g_assert (w->label_set_id != 0);
  gint64 *id = g_hash_table_lookup (w->annotators, annotator);
  if (id == NULL)
    {
      gint64 new_id = stva_db_annotator (w->db, annotator, "human", error);
      if (new_id == 0)
        return FALSE;
      id = g_memdup2 (&new_id, sizeof new_id);
      g_hash_table_insert (w->annotators, g_strdup (annotator), id);
    }
  Rating r = { utterance_id, *id, label_id, g_strdup (note) };
  g_array_append_val (w->ratings, r);
  return TRUE;
}

void
_stva_db_import_writer_warn (StvaDbImportWriter *w,
                             const char         *format,
                             ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (w->report->warnings, g_strdup_vprintf (format, ap));
  va_end (ap);
}

gboolean
_stva_db_import_writer_end (StvaDbImportWriter  *w,
                            gboolean             commit,
                            GError             **error)
{
  StvaDb *db = w->db;
  StvaDbImportReport *report = w->report;
  gboolean bulk = w->bulk;
  if (commit)
    {
      g_autoptr (sqlite3_stmt) warning = NULL;
      g_autoptr (sqlite3_stmt) counts = NULL;
      commit = _stva_db_import_writer_flush (w, error)
               && (warning = _stva_db_prepare (
                     db, "INSERT INTO import_warning (import_id, seq, message) "
                         "VALUES (:import, :seq, :message)", error)) != NULL
               && (counts = _stva_db_prepare (
                     db, "UPDATE import_run SET n_dialogues = :d, n_utterances = :u "
                         "WHERE id = :id", error)) != NULL;
      for (guint i = 0; commit && i < report->warnings->len; i++)
        {
          sqlite3_reset (warning);
          _stva_bind_int64 (warning, ":import", report->import_id);
          _stva_bind_int64 (warning, ":seq", i);
          _stva_bind_text (warning, ":message", g_ptr_array_index (report->warnings, i));
          commit = _stva_db_step_done (db, warning, error);
        }
      if (commit)
        {
          _stva_bind_int64 (counts, ":d", report->n_dialogues);
          _stva_bind_int64 (counts, ":u", report->n_utterances);
          _stva_bind_int64 (counts, ":id", report->import_id);
          commit = _stva_db_step_done (db, counts, error);
        }
    }
  /* statements finalised before the end of the transaction, so that none holds a lock */
  writer_free (w);
  if (bulk)
    return _stva_db_end_bulk (db, commit, commit ? error : NULL) && commit;
  if (!commit)
    {
      stva_db_rollback (db);
      return FALSE;
    }
  return stva_db_commit (db, error);   /* rolls back when it fails */
}
