/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the single-dialogue importers share (subtitles, ELAN EAF, Praat TextGrid): their timed
 * segments stored as one new dialogue in one transaction, with its import record, its media
 * and its warnings, or nothing at all.
 */
#include "config.h"

#include "stva-db-private.h"

static gboolean
store (StvaDb                     *db,
       const StvaDbDialogueImport *what,
       const StvaDbSegment        *segments,
       guint                       n_segments,
       StvaDbImportReport         *report,
       GError                    **error)
{
  g_autoptr (sqlite3_stmt) exists = _stva_db_prepare (
    db, "SELECT id FROM dialogue WHERE corpus = :corpus AND split = :split AND name = :name",
    error);
  if (exists == NULL)
    return FALSE;
  _stva_bind_text (exists, ":corpus", what->corpus);
  _stva_bind_text (exists, ":split", what->split);
  _stva_bind_text (exists, ":name", what->name);
  int rc = _stva_db_step (db, exists, error);
  if (rc != 0)
    {
      if (rc == 1)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: a dialogue called '%s' is already in %s; nothing imported",
                     what->source_name, what->name, db->path);
      return FALSE;
    }

  g_autoptr (sqlite3_stmt) run = _stva_db_prepare (
    db, "INSERT INTO import_run (kind, source, created_us, n_dialogues, n_utterances) "
        "VALUES (:kind, :source, :now, 1, :n)", error);
  if (run == NULL)
    return FALSE;
  _stva_bind_text (run, ":kind", what->kind);
  _stva_bind_text (run, ":source", what->source);
  _stva_bind_int64 (run, ":now", g_get_real_time ());
  _stva_bind_int64 (run, ":n", n_segments);
  if (!_stva_db_step_done (db, run, error))
    return FALSE;
  report->import_id = sqlite3_last_insert_rowid (db->handle);

  gint64 media_id = 0;
  if (what->media != NULL)
    {
      g_autoptr (sqlite3_stmt) media = _stva_db_prepare (
        db, "INSERT INTO media (path, kind) VALUES (:path, 'dialogue') ON CONFLICT (path) "
            "DO UPDATE SET kind = excluded.kind RETURNING id", error);
      if (media == NULL)
        return FALSE;
      _stva_bind_text (media, ":path", what->media);
      if (_stva_db_step (db, media, error) != 1)
        return FALSE;
      media_id = sqlite3_column_int64 (media, 0);
      report->n_dialogue_videos = g_file_test (what->media, G_FILE_TEST_IS_REGULAR);
      if (!report->n_dialogue_videos)
        g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing %s", what->media,
                                                            what->media_word));
    }

  g_autoptr (sqlite3_stmt) dialogue = _stva_db_prepare (
    db, "INSERT INTO dialogue (corpus, split, name, media_id, import_id) "
        "VALUES (:corpus, :split, :name, :media, :import)", error);
  if (dialogue == NULL)
    return FALSE;
  _stva_bind_text (dialogue, ":corpus", what->corpus);
  _stva_bind_text (dialogue, ":split", what->split);
  _stva_bind_text (dialogue, ":name", what->name);
  _stva_bind_id (dialogue, ":media", media_id);
  _stva_bind_int64 (dialogue, ":import", report->import_id);
  if (!_stva_db_step_done (db, dialogue, error))
    return FALSE;
  gint64 dialogue_id = sqlite3_last_insert_rowid (db->handle);
  report->n_dialogues = 1;

  g_autoptr (sqlite3_stmt) utterance = _stva_db_prepare (
    db, "INSERT INTO utterance (dialogue_id, idx, source_id, speaker, transcript, start_ms, "
        "end_ms) VALUES (:dialogue, :idx, :idx, :speaker, :text, :start, :end)", error);
  g_autoptr (sqlite3_stmt) gold = _stva_db_prepare (
    db, "INSERT INTO gold_label (utterance_id, label_set_id, label_id) "
        "VALUES (:utterance, :set, :label)", error);
  if (utterance == NULL || gold == NULL)
    return FALSE;
  for (guint i = 0; i < n_segments; i++)
    {
      const StvaDbSegment *s = &segments[i];
      sqlite3_reset (utterance);
      _stva_bind_int64 (utterance, ":dialogue", dialogue_id);
      _stva_bind_int64 (utterance, ":idx", i);
      _stva_bind_text (utterance, ":speaker", s->speaker ? s->speaker : "");
      _stva_bind_text (utterance, ":text", s->text);
      _stva_bind_int64 (utterance, ":start", s->start_ms);
      _stva_bind_int64 (utterance, ":end", s->end_ms);
      if (!_stva_db_step_done (db, utterance, error))
        return FALSE;
      report->n_utterances++;
      if (s->label_id == 0)
        continue;
      sqlite3_reset (gold);
      _stva_bind_int64 (gold, ":utterance", sqlite3_last_insert_rowid (db->handle));
      _stva_bind_int64 (gold, ":set", what->label_set_id);
      _stva_bind_int64 (gold, ":label", s->label_id);
      if (!_stva_db_step_done (db, gold, error))
        return FALSE;
    }

  g_autoptr (sqlite3_stmt) warning = _stva_db_prepare (
    db, "INSERT INTO import_warning (import_id, seq, message) VALUES (:import, :seq, :msg)",
    error);
  if (warning == NULL)
    return FALSE;
  for (guint i = 0; i < report->warnings->len; i++)
    {
      sqlite3_reset (warning);
      _stva_bind_int64 (warning, ":import", report->import_id);
      _stva_bind_int64 (warning, ":seq", i);
      _stva_bind_text (warning, ":msg", g_ptr_array_index (report->warnings, i));
      if (!_stva_db_step_done (db, warning, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_stva_db_import_dialogue (StvaDb                     *db,
                          const StvaDbDialogueImport *what,
                          const StvaDbSegment        *segments,
                          guint                       n_segments,
                          StvaDbImportReport         *report_out,
                          GError                    **error)
{
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);
  gboolean ok = FALSE;
  if (stva_db_begin (db, error))
    {
      if (store (db, what, segments, n_segments, report, error))
        ok = stva_db_commit (db, error);   /* rolls back when it fails */
      else
        stva_db_rollback (db);
    }
  return _stva_db_import_report_finish (report, report_out, ok);
}
