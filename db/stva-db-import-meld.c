/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MELD importer: the three *_sent_emo.csv files of a MELD-layout folder, their clip folders
 * and (in our demo corpus) the whole-dialogue videos, stored in one transaction.  Every CSV is
 * read and validated before the first write, so malformed input leaves the project untouched;
 * missing clips are warnings, recorded with the import.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"

typedef struct
{
  const char *split;
  const char *csv;
  const char *clips;
} MeldSplit;

static const MeldSplit meld_splits[3] = {
  { "train", "train_sent_emo.csv", "train_splits" },
  { "dev", "dev_sent_emo.csv", "dev_splits_complete" },
  { "test", "test_sent_emo.csv", "output_repeated_splits_test" },
};

void
stva_db_import_report_init (StvaDbImportReport *report)
{
  memset (report, 0, sizeof *report);
  report->warnings = g_ptr_array_new_with_free_func (g_free);
}

void
stva_db_import_report_clear (StvaDbImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->warnings, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

gboolean
_stva_db_import_report_finish (StvaDbImportReport *report,
                               StvaDbImportReport *report_out,
                               gboolean            ok)
{
  if (!ok)
    {
      stva_db_import_report_clear (report);
      if (report_out != NULL)
        stva_db_import_report_init (report_out);
    }
  else if (report_out == NULL)
    stva_db_import_report_clear (report);
  return ok;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const StvaMeldRow *x = *(StvaMeldRow *const *) a, *y = *(StvaMeldRow *const *) b;
  if (x->dialogue_id != y->dialogue_id)
    return x->dialogue_id < y->dialogue_id ? -1 : 1;
  return x->utterance_id < y->utterance_id ? -1 : x->utterance_id > y->utterance_id;
}

/* The utterance columns in the order of the insert's parameters, per row. */
enum
{
  UTT_ID, UTT_DIALOGUE, UTT_IDX, UTT_SOURCE_ID, UTT_SPEAKER, UTT_TRANSCRIPT, UTT_START_MS,
  UTT_END_MS, UTT_MEDIA, UTT_SR_NO, UTT_SEASON, UTT_EPISODE, UTT_SENTIMENT, N_UTT_COLS
};

/* Utterances and their gold labels go in BATCH rows per INSERT: a statement's own cost (cursors
 * opened and closed, its halt) was a third of the import.  Their ids are given, counting on from
 * the largest one before the import (the transaction holds the write lock), so the gold rows
 * need no last_insert_rowid.  OR ROLLBACK: a failing row ends the transaction at once, as the
 * import would, and SQLite keeps no statement journal for the batch. */
#define BATCH 64

typedef struct
{
  const StvaMeldRow *row;   /* borrowed */
  gint64             dialogue_id;
  gint64             clip_id;   /* 0: none */
  int                idx;
  gint64             label_id;
} Pending;

/* The statements of one import, prepared once and reused for every row. */
typedef struct
{
  sqlite3_stmt *media;
  sqlite3_stmt *dialogue;
  sqlite3_stmt *utterance[2];   /* one row, BATCH rows */
  sqlite3_stmt *gold[2];
  sqlite3_stmt *warning;
  gint64        next_utterance_id;
  gint64        label_set_id;
  Pending       pending[BATCH];
  int           n_pending;
} Stmts;

static void
stmts_clear (Stmts *s)
{
  sqlite3_finalize (s->media);
  sqlite3_finalize (s->dialogue);
  for (int k = 0; k < 2; k++)
    {
      sqlite3_finalize (s->utterance[k]);
      sqlite3_finalize (s->gold[k]);
    }
  sqlite3_finalize (s->warning);
}

/* "INSERT INTO table (columns) VALUES (?, ...), ..." for n_rows rows of n_cols. */
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

/* The largest utterance id so far (0 for none), -1 with error set. */
static gint64
max_utterance_id (StvaDb  *db,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "SELECT coalesce (max (id), 0) "
                                                        "FROM utterance", error);
  if (stmt == NULL || _stva_db_step (db, stmt, error) != 1)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* Writes the pending utterances and their gold labels. */
static gboolean
flush_pending (StvaDb  *db,
               Stmts   *s,
               GError **error)
{
  for (int first = 0; first < s->n_pending;)
    {
      int n = s->n_pending - first >= BATCH ? BATCH : 1;
      sqlite3_stmt *u = s->utterance[n == BATCH], *g = s->gold[n == BATCH];
      sqlite3_reset (u);
      sqlite3_reset (g);
      for (int r = 0; r < n; r++)
        {
          const Pending *p = &s->pending[first + r];
          const StvaMeldRow *row = p->row;
          gint64 id = s->next_utterance_id++;
          int b = r * N_UTT_COLS + 1;
          sqlite3_bind_int64 (u, b + UTT_ID, id);
          sqlite3_bind_int64 (u, b + UTT_DIALOGUE, p->dialogue_id);
          sqlite3_bind_int64 (u, b + UTT_IDX, p->idx);
          sqlite3_bind_int64 (u, b + UTT_SOURCE_ID, row->utterance_id);
          sqlite3_bind_text (u, b + UTT_SPEAKER, row->speaker, -1, SQLITE_STATIC);
          sqlite3_bind_text (u, b + UTT_TRANSCRIPT, row->utterance, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (u, b + UTT_START_MS, row->start_ms);
          sqlite3_bind_int64 (u, b + UTT_END_MS, row->end_ms);
          if (p->clip_id > 0)
            sqlite3_bind_int64 (u, b + UTT_MEDIA, p->clip_id);
          else
            sqlite3_bind_null (u, b + UTT_MEDIA);
          if (row->sr_no >= 0)
            sqlite3_bind_int64 (u, b + UTT_SR_NO, row->sr_no);
          else
            sqlite3_bind_null (u, b + UTT_SR_NO);
          sqlite3_bind_int64 (u, b + UTT_SEASON, row->season);
          sqlite3_bind_int64 (u, b + UTT_EPISODE, row->episode);
          sqlite3_bind_text (u, b + UTT_SENTIMENT, row->sentiment, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (g, 3 * r + 1, id);
          sqlite3_bind_int64 (g, 3 * r + 2, s->label_set_id);
          sqlite3_bind_int64 (g, 3 * r + 3, p->label_id);
        }
      if (!_stva_db_step_done (db, u, error) || !_stva_db_step_done (db, g, error))
        return FALSE;
      first += n;
    }
  s->n_pending = 0;
  return TRUE;
}

/* The id of the media row for path (inserted if new), 0 with error set. */
static gint64
media_id (StvaDb      *db,
          Stmts       *s,
          const char  *path,
          const char  *kind,
          GError     **error)
{
  sqlite3_reset (s->media);
  _stva_bind_text (s->media, ":path", path);
  _stva_bind_text (s->media, ":kind", kind);
  if (_stva_db_step (db, s->media, error) != 1)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE, "%s: no id for %s",
                     db->path, path);
      return 0;
    }
  gint64 id = sqlite3_column_int64 (s->media, 0);
  sqlite3_reset (s->media);
  return id;
}

static void
warn (StvaDbImportReport *report,
      const char         *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (StvaDbImportReport *report,
      const char         *format,
      ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (report->warnings, g_strdup_vprintf (format, ap));
  va_end (ap);
}

static gboolean
store_split (StvaDb              *db,
             Stmts               *s,
             guint                shard,
             guint                n_shards,
             const char          *dir,
             const MeldSplit     *split,
             GPtrArray           *rows,
             const StvaDbLabelSet *set,
             gint64               import_id,
             StvaDbImportReport  *report,
             GError             **error)
{
  g_ptr_array_sort (rows, compare_rows);
  g_autofree char *clip_dir = g_build_filename (dir, split->clips, NULL);
  gboolean have_clip_dir = g_file_test (clip_dir, G_FILE_TEST_IS_DIR);
  if (!have_clip_dir)
    warn (report, "%s: no clip folder; the %s split has no utterance clips", clip_dir,
          split->split);
  for (guint i = 0; i < rows->len;)
    {
      const StvaMeldRow *first = g_ptr_array_index (rows, i);
      int dia = first->dialogue_id;
      if ((guint) dia % n_shards != shard)
        {
          while (i < rows->len && ((StvaMeldRow *) g_ptr_array_index (rows, i))->dialogue_id
                                    == dia)
            i++;
          continue;
        }
      g_autofree char *name = g_strdup_printf ("dia%d", dia);
      g_autofree char *video_name = g_strdup_printf ("dia%d.mp4", dia);
      g_autofree char *video = g_build_filename (dir, "dialogues", split->split, video_name,
                                                 NULL);
      gint64 video_id = 0;
      if (g_file_test (video, G_FILE_TEST_IS_REGULAR))
        {
          if ((video_id = media_id (db, s, video, "dialogue", error)) == 0)
            return FALSE;
          report->n_dialogue_videos++;
        }

      sqlite3_reset (s->dialogue);
      _stva_bind_text (s->dialogue, ":split", split->split);
      _stva_bind_text (s->dialogue, ":name", name);
      _stva_bind_int64 (s->dialogue, ":source_id", dia);
      _stva_bind_id (s->dialogue, ":media", video_id);
      _stva_bind_int64 (s->dialogue, ":import", import_id);
      if (sqlite3_step (s->dialogue) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (db->handle) == SQLITE_CONSTRAINT_UNIQUE)
            g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                         "%s/%s: dialogue %d of the %s split is already in %s; nothing "
                         "imported", dir, split->csv, dia, split->split, db->path);
          else
            _stva_db_fail (db, error, "writing");
          return FALSE;
        }
      gint64 dialogue_id = sqlite3_last_insert_rowid (db->handle);
      report->n_dialogues++;

      for (int idx = 0; i < rows->len; i++, idx++)
        {
          const StvaMeldRow *row = g_ptr_array_index (rows, i);
          if (row->dialogue_id != dia)
            break;
          gint64 clip_id = 0;
          if (have_clip_dir)
            {
              g_autofree char *clip = g_strdup_printf ("%s" G_DIR_SEPARATOR_S "dia%d_utt%d.mp4",
                                                       clip_dir, dia, row->utterance_id);
              if (g_file_test (clip, G_FILE_TEST_IS_REGULAR))
                {
                  if ((clip_id = media_id (db, s, clip, "clip", error)) == 0)
                    return FALSE;
                  report->n_clips++;
                }
              else
                warn (report, "%s: missing clip (%s line %u)", clip, split->csv, row->line);
            }

          const StvaDbLabel *label = stva_db_label_set_find (set, row->emotion);
          g_assert (label != NULL);   /* stva_meld_read () accepts only MELD's seven */
          s->pending[s->n_pending++] = (Pending) { .row = row, .dialogue_id = dialogue_id,
                                                   .clip_id = clip_id, .idx = idx,
                                                   .label_id = label->id };
          report->n_utterances++;
          if (s->n_pending == BATCH && !flush_pending (db, s, error))
            return FALSE;
        }
    }
  return flush_pending (db, s, error);   /* the rows borrowed from this split */
}

gboolean
stva_db_import_meld (StvaDb              *db,
                     const char          *dir,
                     StvaDbImportReport  *report,
                     GError             **error)
{
  return stva_db_import_meld_shard (db, dir, 0, 1, report, error);
}

gboolean
stva_db_import_meld_shard (StvaDb              *db,
                           const char          *dir_in,
                           guint                shard,
                           guint                n_shards,
                           StvaDbImportReport  *report_out,
                           GError             **error)
{
  g_return_val_if_fail (db != NULL && dir_in != NULL, FALSE);
  g_return_val_if_fail (n_shards >= 1 && shard < n_shards, FALSE);
  g_autofree char *dir = g_canonicalize_filename (dir_in, NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", dir_in,
                   g_file_test (dir, G_FILE_TEST_EXISTS) ? "not a folder (give MELD's folder)"
                                                        : "no such folder");
      return FALSE;
    }
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);

  /* Read and check everything first: an error here writes nothing. */
  GPtrArray *rows[3] = { NULL, NULL, NULL };
  int n_csv = 0;
  gboolean ok = FALSE;
  Stmts s = { NULL };
  g_autoptr (StvaDbLabelSet) set = NULL;
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *csv = g_build_filename (dir, meld_splits[k].csv, NULL);
      if (!g_file_test (csv, G_FILE_TEST_EXISTS))
        {
          warn (report, "%s: missing; the %s split is empty", csv, meld_splits[k].split);
          continue;
        }
      if ((rows[k] = stva_meld_read (csv, error)) == NULL)
        goto out;
      n_csv++;
    }
  if (n_csv == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s: not a MELD folder: none of train_sent_emo.csv, dev_sent_emo.csv, "
                   "test_sent_emo.csv is there", dir);
      goto out;
    }

  /* foreign-key and CHECK enforcement off: every id written below is read in this
   * transaction, splits and media kinds are the constants above */
  if (!_stva_db_begin_bulk (db, error))
    goto out;
  if ((set = stva_db_label_set (db, STVA_DB_MELD_SET, error)) == NULL)
    goto rollback;
  s.media = _stva_db_prepare (db, "INSERT INTO media (path, kind) VALUES (:path, :kind) "
                                  "ON CONFLICT (path) DO UPDATE SET kind = excluded.kind "
                                  "RETURNING id", error);
  s.dialogue = s.media ? _stva_db_prepare (
    db, "INSERT INTO dialogue (corpus, split, name, source_id, media_id, import_id) "
        "VALUES ('meld', :split, :name, :source_id, :media, :import)", error) : NULL;
  static const char utterance_head[] =
    "INSERT OR ROLLBACK INTO utterance (id, dialogue_id, idx, source_id, speaker, transcript, "
    "start_ms, end_ms, media_id, sr_no, season, episode, sentiment) VALUES";
  static const char gold_head[] =
    "INSERT OR ROLLBACK INTO gold_label (utterance_id, label_set_id, label_id) VALUES";
  for (int k = 0; k < 2; k++)
    {
      s.utterance[k] = s.dialogue && (k == 0 || s.gold[0])
                         ? prepare_rows (db, utterance_head, N_UTT_COLS, k ? BATCH : 1, error)
                         : NULL;
      s.gold[k] = s.utterance[k] ? prepare_rows (db, gold_head, 3, k ? BATCH : 1, error) : NULL;
    }
  s.label_set_id = set->id;
  if (s.gold[1] != NULL
      && (s.next_utterance_id = max_utterance_id (db, error) + 1) == 0)
    goto rollback;
  s.warning = s.gold[1] ? _stva_db_prepare (
    db, "INSERT INTO import_warning (import_id, seq, message) VALUES (:import, :seq, :message)",
    error) : NULL;
  if (s.warning == NULL)
    goto rollback;
  {
    g_autoptr (sqlite3_stmt) run = _stva_db_prepare (
      db, "INSERT INTO import_run (kind, source, created_us) VALUES ('meld', :source, :now)",
      error);
    if (run == NULL)
      goto rollback;
    _stva_bind_text (run, ":source", dir);
    _stva_bind_int64 (run, ":now", g_get_real_time ());
    if (!_stva_db_step_done (db, run, error))
      goto rollback;
    report->import_id = sqlite3_last_insert_rowid (db->handle);
  }
  for (int k = 0; k < 3; k++)
    if (rows[k] != NULL
        && !store_split (db, &s, shard, n_shards, dir, &meld_splits[k], rows[k], set,
                         report->import_id, report, error))
      goto rollback;
  for (guint i = 0; i < report->warnings->len; i++)
    {
      sqlite3_reset (s.warning);
      _stva_bind_int64 (s.warning, ":import", report->import_id);
      _stva_bind_int64 (s.warning, ":seq", i);
      _stva_bind_text (s.warning, ":message", g_ptr_array_index (report->warnings, i));
      if (!_stva_db_step_done (db, s.warning, error))
        goto rollback;
    }
  {
    g_autoptr (sqlite3_stmt) counts = _stva_db_prepare (
      db, "UPDATE import_run SET n_dialogues = :d, n_utterances = :u WHERE id = :id", error);
    if (counts == NULL)
      goto rollback;
    _stva_bind_int64 (counts, ":d", report->n_dialogues);
    _stva_bind_int64 (counts, ":u", report->n_utterances);
    _stva_bind_int64 (counts, ":id", report->import_id);
    if (!_stva_db_step_done (db, counts, error))
      goto rollback;
  }
  stmts_clear (&s);
  memset (&s, 0, sizeof s);
  ok = _stva_db_end_bulk (db, TRUE, error);
  goto out;

rollback:
  stmts_clear (&s);
  memset (&s, 0, sizeof s);
  _stva_db_end_bulk (db, FALSE, NULL);
out:
  stmts_clear (&s);
  for (int k = 0; k < 3; k++)
    g_clear_pointer (&rows[k], g_ptr_array_unref);
  return _stva_db_import_report_finish (report, report_out, ok);
}
