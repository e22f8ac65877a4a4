/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A dialogue video with SRT or WebVTT subtitles as one dialogue of the project (import), and a
 * dialogue's utterances as subtitles (export).  The parsing is in stva-subtitles.c.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"
#include "stva-subtitles.h"

static int
compare_cues (gconstpointer a,
              gconstpointer b)
{
  const StvaSubtitleCue *x = *(StvaSubtitleCue *const *) a, *y = *(StvaSubtitleCue *const *) b;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static char *
stem (const char *path)
{
  char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return base;
}

gboolean
stva_db_import_subtitles (StvaDb              *db,
                          const char          *subtitles,
                          const char          *video,
                          const char          *split,
                          StvaDbImportReport  *report_out,
                          GError             **error)
{
  g_return_val_if_fail (db != NULL && subtitles != NULL, FALSE);
  if (split == NULL)
    split = "none";
  if (strcmp (split, "train") != 0 && strcmp (split, "dev") != 0 && strcmp (split, "test") != 0
      && strcmp (split, "none") != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "split '%s': a split is train, dev, test or none", split);
      return FALSE;
    }
  StvaSubtitleFormat format;
  g_autoptr (GPtrArray) cues = stva_subtitles_read (subtitles, &format, error);
  if (cues == NULL)
    return FALSE;
  if (cues->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: no cues", subtitles);
      return FALSE;
    }
  g_ptr_array_sort (cues, compare_cues);
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);
  g_autofree char *video_abs = video ? g_canonicalize_filename (video, NULL) : NULL;
  g_autofree char *subs_abs = g_canonicalize_filename (subtitles, NULL);
  g_autofree char *name = stem (video ? video : subtitles);
  if (video_abs != NULL && !g_file_test (video_abs, G_FILE_TEST_IS_REGULAR))
    g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing video", video_abs));

  gboolean ok = FALSE;
  if (!stva_db_begin (db, error))
    goto out;
  {
    g_autoptr (sqlite3_stmt) exists = _stva_db_prepare (
      db, "SELECT id FROM dialogue WHERE corpus = 'subtitles' AND split = :split "
          "AND name = :name", error);
    if (exists == NULL)
      goto rollback;
    _stva_bind_text (exists, ":split", split);
    _stva_bind_text (exists, ":name", name);
    int rc = _stva_db_step (db, exists, error);
    if (rc < 0)
      goto rollback;
    if (rc == 1)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: a dialogue called '%s' is already in %s; nothing imported", subtitles,
                     name, db->path);
        goto rollback;
      }
    g_autoptr (sqlite3_stmt) run = _stva_db_prepare (
      db, "INSERT INTO import_run (kind, source, created_us, n_dialogues, n_utterances) "
          "VALUES (:kind, :source, :now, 1, :n)", error);
    if (run == NULL)
      goto rollback;
    _stva_bind_text (run, ":kind", format == STVA_SUBTITLES_VTT ? "vtt" : "srt");
    _stva_bind_text (run, ":source", subs_abs);
    _stva_bind_int64 (run, ":now", g_get_real_time ());
    _stva_bind_int64 (run, ":n", cues->len);
    if (!_stva_db_step_done (db, run, error))
      goto rollback;
    report->import_id = sqlite3_last_insert_rowid (db->handle);

    gint64 media_id = 0;
    if (video_abs != NULL)
      {
        g_autoptr (sqlite3_stmt) media = _stva_db_prepare (
          db, "INSERT INTO media (path, kind) VALUES (:path, 'dialogue') ON CONFLICT (path) "
              "DO UPDATE SET kind = excluded.kind RETURNING id", error);
        if (media == NULL)
          goto rollback;
        _stva_bind_text (media, ":path", video_abs);
        if (_stva_db_step (db, media, error) != 1)
          goto rollback;
        media_id = sqlite3_column_int64 (media, 0);
        report->n_dialogue_videos = g_file_test (video_abs, G_FILE_TEST_IS_REGULAR);
      }
    g_autoptr (sqlite3_stmt) dialogue = _stva_db_prepare (
      db, "INSERT INTO dialogue (corpus, split, name, media_id, import_id) "
          "VALUES ('subtitles', :split, :name, :media, :import)", error);
    if (dialogue == NULL)
      goto rollback;
    _stva_bind_text (dialogue, ":split", split);
    _stva_bind_text (dialogue, ":name", name);
    _stva_bind_id (dialogue, ":media", media_id);
    _stva_bind_int64 (dialogue, ":import", report->import_id);
    if (!_stva_db_step_done (db, dialogue, error))
      goto rollback;
    gint64 dialogue_id = sqlite3_last_insert_rowid (db->handle);
    report->n_dialogues = 1;

    g_autoptr (sqlite3_stmt) utt = _stva_db_prepare (
      db, "INSERT INTO utterance (dialogue_id, idx, source_id, speaker, transcript, start_ms, "
          "end_ms) VALUES (:dialogue, :idx, :source_id, :speaker, :text, :start, :end)", error);
    if (utt == NULL)
      goto rollback;
    for (guint i = 0; i < cues->len; i++)
      {
        const StvaSubtitleCue *c = g_ptr_array_index (cues, i);
        sqlite3_reset (utt);
        _stva_bind_int64 (utt, ":dialogue", dialogue_id);
        _stva_bind_int64 (utt, ":idx", i);
        _stva_bind_int64 (utt, ":source_id", i);
        _stva_bind_text (utt, ":speaker", c->speaker ? c->speaker : "");
        _stva_bind_text (utt, ":text", c->text);
        _stva_bind_int64 (utt, ":start", c->start_ms);
        _stva_bind_int64 (utt, ":end", c->end_ms);
        if (!_stva_db_step_done (db, utt, error))
          goto rollback;
        report->n_utterances++;
      }
    g_autoptr (sqlite3_stmt) warning = _stva_db_prepare (
      db, "INSERT INTO import_warning (import_id, seq, message) VALUES (:import, :seq, :msg)",
      error);
    if (warning == NULL)
      goto rollback;
    for (guint i = 0; i < report->warnings->len; i++)
      {
        sqlite3_reset (warning);
        _stva_bind_int64 (warning, ":import", report->import_id);
        _stva_bind_int64 (warning, ":seq", i);
        _stva_bind_text (warning, ":msg", g_ptr_array_index (report->warnings, i));
        if (!_stva_db_step_done (db, warning, error))
          goto rollback;
      }
  }
  ok = stva_db_commit (db, error);
  goto out;

rollback:
  stva_db_rollback (db);
out:
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

gboolean
stva_db_export_subtitles (StvaDb      *db,
                          gint64       dialogue_id,
                          gboolean     vtt,
                          const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT speaker, transcript, start_ms, end_ms FROM utterance "
        "WHERE dialogue_id = :dialogue ORDER BY idx", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":dialogue", dialogue_id);
  StvaSubtitleFormat format = vtt ? STVA_SUBTITLES_VTT : STVA_SUBTITLES_SRT;
  g_autoptr (GString) out = g_string_new (vtt ? "WEBVTT\n\n" : "");
  guint n = 0;
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      n++;
      stva_subtitles_write_cue (out, format, n, sqlite3_column_int64 (stmt, 2),
                                sqlite3_column_int64 (stmt, 3),
                                (const char *) sqlite3_column_text (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1));
    }
  if (rc < 0)
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %" G_GINT64_FORMAT " has no utterances", db->path, dialogue_id);
      return FALSE;
    }
  GError *local = NULL;
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}
