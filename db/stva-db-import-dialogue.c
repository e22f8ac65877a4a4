/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the single-dialogue importers share (subtitles, ELAN EAF, Praat TextGrid): their timed
 * segments stored as one new dialogue through the import writer, with its import record, its
 * media and its warnings, or nothing at all.
 */
#include "config.h"

#include "stva-db-private.h"

static gboolean
store (StvaDbImportWriter         *w,
       const StvaDbDialogueImport *what,
       const StvaDbSegment        *segments,
       guint                       n_segments,
       GError                    **error)
{
  gint64 media_id = 0;
  if (what->media != NULL)
    {
      gboolean found = g_file_test (what->media, G_FILE_TEST_IS_REGULAR);
      if ((media_id = _stva_db_import_writer_media (w, what->media, "dialogue", found,
                                                    error)) == 0)
        return FALSE;
      if (!found)
        _stva_db_import_writer_warn (w, "%s: missing %s", what->media, what->media_word);
    }
  gint64 dialogue_id = _stva_db_import_writer_dialogue (w, what->corpus, what->split,
                                                        what->name, -1, media_id, error);
  if (dialogue_id == 0)
    {
      g_prefix_error (error, "%s: ", what->source_name);
      return FALSE;
    }
  for (guint i = 0; i < n_segments; i++)
    {
      const StvaDbSegment *s = &segments[i];
      StvaDbImportUtterance u = {
        .dialogue_id = dialogue_id, .idx = (int) i, .source_id = i, .speaker = s->speaker,
        .transcript = s->text, .start_ms = s->start_ms, .end_ms = s->end_ms, .sr_no = -1,
        .season = -1, .episode = -1, .label_id = s->label_id,
      };
      if (_stva_db_import_writer_utterance (w, &u, error) == 0)
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
  StvaDbImportWriter *w = _stva_db_import_writer_begin (db, what->kind, what->source,
                                                        what->label_set_id, FALSE, report,
                                                        error);
  if (w != NULL)
    {
      ok = store (w, what, segments, n_segments, error);
      ok = _stva_db_import_writer_end (w, ok, error);
    }
  return _stva_db_import_report_finish (report, report_out, ok);
}
