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

static gboolean
store_split (StvaDbImportWriter   *w,
             guint                 shard,
             guint                 n_shards,
             const char           *dir,
             const MeldSplit      *split,
             GPtrArray            *rows,
             const StvaDbLabelSet *set,
             GError              **error)
{
  g_ptr_array_sort (rows, compare_rows);
  g_autofree char *clip_dir = g_build_filename (dir, split->clips, NULL);
  gboolean have_clip_dir = g_file_test (clip_dir, G_FILE_TEST_IS_DIR);
  if (!have_clip_dir)
    _stva_db_import_writer_warn (w, "%s: no clip folder; the %s split has no utterance clips",
                                 clip_dir, split->split);
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
      if (g_file_test (video, G_FILE_TEST_IS_REGULAR)
          && (video_id = _stva_db_import_writer_media (w, video, "dialogue", TRUE, error)) == 0)
        return FALSE;
      gint64 dialogue_id = _stva_db_import_writer_dialogue (w, "meld", split->split, name, dia,
                                                            video_id, error);
      if (dialogue_id == 0)
        {
          g_prefix_error (error, "%s/%s: ", dir, split->csv);
          return FALSE;
        }

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
              if (!g_file_test (clip, G_FILE_TEST_IS_REGULAR))
                _stva_db_import_writer_warn (w, "%s: missing clip (%s line %u)", clip,
                                             split->csv, row->line);
              else if ((clip_id = _stva_db_import_writer_media (w, clip, "clip", TRUE,
                                                                error)) == 0)
                return FALSE;
            }
          const StvaDbLabel *label = stva_db_label_set_find (set, row->emotion);
          g_assert (label != NULL);   /* stva_meld_read () accepts only MELD's seven */
          StvaDbImportUtterance u = {
            .dialogue_id = dialogue_id, .idx = idx, .source_id = row->utterance_id,
            .speaker = row->speaker, .transcript = row->utterance, .start_ms = row->start_ms,
            .end_ms = row->end_ms, .media_id = clip_id, .sr_no = row->sr_no,
            .season = row->season, .episode = row->episode, .sentiment = row->sentiment,
            .label_id = label->id,
          };
          if (_stva_db_import_writer_utterance (w, &u, error) == 0)
            return FALSE;
        }
    }
  return _stva_db_import_writer_flush (w, error);   /* the rows borrowed from this split */
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
  g_autoptr (StvaDbLabelSet) set = NULL;
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *csv = g_build_filename (dir, meld_splits[k].csv, NULL);
      if (!g_file_test (csv, G_FILE_TEST_EXISTS))
        {
          g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing; the %s split is "
                                                              "empty", csv,
                                                              meld_splits[k].split));
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

  if ((set = stva_db_label_set (db, STVA_DB_MELD_SET, error)) == NULL)
    goto out;
  /* bulk: foreign-key and CHECK enforcement off, as every id written is read in the import's
   * transaction and the splits and media kinds are the constants above */
  StvaDbImportWriter *w = _stva_db_import_writer_begin (db, "meld", dir, set->id, TRUE, report,
                                                        error);
  if (w == NULL)
    goto out;
  ok = TRUE;
  for (int k = 0; ok && k < 3; k++)
    if (rows[k] != NULL)
      ok = store_split (w, shard, n_shards, dir, &meld_splits[k], rows[k], set, error);
  ok = _stva_db_import_writer_end (w, ok, error);

out:
  for (int k = 0; k < 3; k++)
    g_clear_pointer (&rows[k], g_ptr_array_unref);
  return _stva_db_import_report_finish (report, report_out, ok);
}
