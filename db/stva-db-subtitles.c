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
  g_autofree char *video_abs = video ? g_canonicalize_filename (video, NULL) : NULL;
  g_autofree char *subs_abs = g_canonicalize_filename (subtitles, NULL);
  g_autofree char *name = stem (video ? video : subtitles);
  g_autofree StvaDbSegment *segments = g_new0 (StvaDbSegment, cues->len);
  for (guint i = 0; i < cues->len; i++)
    {
      const StvaSubtitleCue *c = g_ptr_array_index (cues, i);
      segments[i] = (StvaDbSegment) { .start_ms = c->start_ms, .end_ms = c->end_ms,
                                      .speaker = c->speaker, .text = c->text };
    }
  StvaDbDialogueImport what = {
    .kind = format == STVA_SUBTITLES_VTT ? "vtt" : "srt", .corpus = "subtitles",
    .source = subs_abs, .source_name = subtitles, .split = split, .name = name,
    .media = video_abs, .media_word = "video",
  };
  return _stva_db_import_dialogue (db, &what, segments, cues->len, report_out, error);
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
