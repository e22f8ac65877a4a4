/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feature extraction as an engine job (stva-engine-extract.h): the items of a project or a
 * MELD-layout folder, the text encoder fitted on the train split, core's runner in batches of
 * whole dialogues, and what it computes stored in the project or written as an npz dataset.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-engine.h"
#include "stva-audio.h"
#include "stva-meld.h"
#include "stva-npz.h"
#include "stva-visual.h"

#define PROJECT_BATCH 256   /* utterances per extraction call and per transaction, at least */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaTextEncoder, stva_text_encoder_free)

static const struct
{
  const char *csv;
  const char *clips;
  int         split;
} splits[] = {
  { "train_sent_emo.csv", "train_splits", STVA_SPLIT_TRAIN },
  { "dev_sent_emo.csv", "dev_splits_complete", STVA_SPLIT_DEV },
  { "test_sent_emo.csv", "output_repeated_splits_test", STVA_SPLIT_TEST },
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_core_error (GError         **error,
                const StvaError *err,
                const char      *place)
{
  if (err->code == STVA_ERR_CANCELLED)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s: %s", place, err->message);
  else
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: %s", place, err->message);
}

/* A writable folder at path, made with its parents when missing (before work that fills it). */
static gboolean
folder_ok (const char  *path,
           GError     **error)
{
  struct stat sb;
  if (*path == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           "an empty folder name");
      return FALSE;
    }
  if (stat (path, &sb) != 0 && (g_mkdir_with_parents (path, 0777) != 0 || stat (path, &sb) != 0))
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
                   "%s: cannot make the folder: %s", path, g_strerror (e));
      return FALSE;
    }
  if (!S_ISDIR (sb.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "%s: not a folder", path);
      return FALSE;
    }
  if (access (path, W_OK) != 0)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: cannot write in it: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* A file can be written at path (its folder exists and is writable, path is no folder). */
static gboolean
output_ok (const char  *path,
           GError     **error)
{
  struct stat sb;
  if (*path == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           "an empty output file name");
      return FALSE;
    }
  if (stat (path, &sb) == 0 && S_ISDIR (sb.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "%s: is a folder, not a file name",
                   path);
      return FALSE;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  int e = 0;
  if (stat (dir, &sb) != 0)
    e = errno;
  else if (!S_ISDIR (sb.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   "%s: cannot be written: %s is not a folder", path, dir);
      return FALSE;
    }
  else if (access (dir, W_OK) != 0)
    e = errno;
  if (e == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: cannot be written: folder %s: %s",
               path, dir, g_strerror (e));
  return FALSE;
}

/* core's progress of a batch starting at offset, cancelled through the job */
typedef struct
{
  StvaJob *job;
  size_t   offset;
} BatchProgress;

static bool
batch_progress (size_t done,
                size_t total,
                void  *user_data)
{
  BatchProgress *bp = user_data;
  (void) total;
  stva_job_progress (bp->job, (gint64) (bp->offset + done));
  return !stva_job_is_cancelled (bp->job);
}

static void
report_add (StvaExtractReport       *total,
            const StvaExtractReport *r)
{
  total->n_items += r->n_items;
  total->n_failed += r->n_failed;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      total->n_computed[m] += r->n_computed[m];
      total->n_cached[m] += r->n_cached[m];
      total->n_missing[m] += r->n_missing[m];
    }
  for (int k = 0; k < r->n_messages && total->n_messages < STVA_EXTRACT_MAX_MESSAGES; k++)
    memcpy (total->messages[total->n_messages++], r->messages[k], sizeof r->messages[k]);
}

/* The encoder fitted on texts; NULL with error naming place. */
static StvaTextEncoder *
fit_encoder (GPtrArray   *texts,
             const char  *place,
             GError     **error)
{
  StvaError err = { 0 };
  StvaTextEncoder *enc = stva_text_encoder_new (0);
  if (enc == NULL
      || stva_text_encoder_fit (enc, (const char *const *) texts->pdata, texts->len, &err)
           != STVA_OK)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: text encoder: %s", place,
                   enc != NULL ? err.message : "out of memory");
      stva_text_encoder_free (enc);
      return NULL;
    }
  return enc;
}

static void
core_options (StvaExtractOptions             *opts,
              const StvaEngineExtractOptions *options)
{
  stva_extract_options_init (opts);
  opts->jobs = options->jobs;
  for (int m = 0; m < STVA_N_MOD; m++)
    opts->modality[m] = options->modality[m];
  opts->shard_index = options->shard_count > 1 ? options->shard_index : 0;
  opts->shard_count = options->shard_count > 1 ? options->shard_count : 1;
  if (options->visual_fps > 0)
    opts->visual_fps = options->visual_fps;
}

/* ---- a project ---------------------------------------------------------------------------- */

/* Stores the vectors of items [first, first + n) that have one, a transaction for the lot. */
static gboolean
store_batch (StvaDb                   *db,
             GPtrArray                *utts,
             size_t                    first,
             size_t                    n,
             const StvaExtractOptions *opts,
             float                    *rows[STVA_N_MOD],
             uint8_t                  *masks[STVA_N_MOD],
             gsize                     n_stored[STVA_N_MOD],
             GError                  **error)
{
  const char *extractor[STVA_N_MOD] = { stva_text_version (), stva_audio_version (),
                                        STVA_VISUAL_VERSION };
  if (!stva_db_begin (db, error))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, first + i);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          if (!opts->modality[m] || masks[m][i] == 0)
            continue;
          size_t dim = stva_extract_dim (m, opts->text_encoder);
          if (!stva_db_put_feature (db, u->id, stva_modality_name (m), extractor[m], "1",
                                    rows[m] + i * dim, (guint) dim, error))
            {
              stva_db_rollback (db);
              return FALSE;
            }
        }
    }
  if (!stva_db_commit (db, error))
    {
      stva_db_rollback (db);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    for (int m = 0; m < STVA_N_MOD; m++)
      if (opts->modality[m] && masks[m][i] != 0)
        n_stored[m]++;
  return TRUE;
}

/* The text vectors of every utterance of the project (shards aside: text is cheap), encoded by
 * the encoder just fitted and stored in one transaction with its fit id as the extractor
 * version, so that the project's text vectors always come from one fit: a run that stops
 * half-way cannot leave two fits mixed.  Counts the vectors stored, those that are new and
 * those that differ from the vector stored before (a new fit: the train split or transcripts
 * changed). */
static gboolean
store_text (StvaJob                  *job,
            StvaDb                   *db,
            GPtrArray                *utts,
            GArray                   *items,
            const StvaExtractOptions *opts,
            StvaEngineExtractResult  *result,
            GError                  **error)
{
  StvaExtractOptions text_opts = *opts;
  for (int m = 0; m < STVA_N_MOD; m++)
    text_opts.modality[m] = m == STVA_MOD_T;
  text_opts.shard_index = 0;
  text_opts.shard_count = 1;
  BatchProgress bp = { .job = job, .offset = 0 };
  text_opts.progress = batch_progress;
  text_opts.user_data = &bp;
  size_t n = items->len, dim = stva_extract_dim (STVA_MOD_T, opts->text_encoder);
  g_autofree float *rows = g_malloc (n * dim * sizeof (float));
  g_autofree uint8_t *mask = g_malloc (n);
  float *out[STVA_N_MOD] = { rows, NULL, NULL };
  uint8_t *masks[STVA_N_MOD] = { mask, NULL, NULL };
  StvaError err = { 0 };
  stva_job_stage (job, "encoding text", "utterances", (gint64) n);
  if (stva_extract_run ((const StvaExtractItem *) items->data, n, &text_opts, out, masks, NULL,
                        &err) != STVA_OK)
    {
      if (err.code == STVA_ERR_CANCELLED)
        return !stva_job_check_cancelled (job, error);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "text features: %s", err.message);
      return FALSE;
    }
  stva_job_progress (job, (gint64) n);   /* (core reports no progress for text alone) */
  if (stva_job_check_cancelled (job, error) || !stva_db_begin (db, error))
    return FALSE;
  gsize n_stored = 0, n_new = 0, n_changed = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (mask[i] == 0)
        continue;
      const StvaDbUtterance *u = g_ptr_array_index (utts, i);
      const float *row = rows + i * dim;
      GError *read_error = NULL;
      GArray *old = stva_db_feature (db, u->id, "text", &read_error);
      if (read_error != NULL)
        {
          g_propagate_error (error, read_error);
          stva_db_rollback (db);
          return FALSE;
        }
      if (old == NULL)
        n_new++;
      else if (old->len != dim || memcmp (old->data, row, dim * sizeof *row) != 0)
        n_changed++;
      g_clear_pointer (&old, g_array_unref);
      if (!stva_db_put_feature (db, u->id, "text", stva_text_version (), result->fit_id, row,
                                (guint) dim, error))
        {
          stva_db_rollback (db);
          return FALSE;
        }
      n_stored++;
    }
  if (!stva_db_commit (db, error))
    {
      stva_db_rollback (db);
      return FALSE;
    }
  result->n_stored[STVA_MOD_T] = n_stored;
  result->n_text_new = n_new;
  result->n_text_changed = n_changed;
  return TRUE;
}

/* Says what a cancelled project extraction kept: nothing, or the text of every dialogue
 * and/or the audio and video of n_media of them (whole dialogues); stva_job_kept () counts
 * the n_media dialogues. */
static void
project_cancelled (StvaJob     *job,
                   gboolean     text_stored,
                   guint        n_media,
                   guint        n_dialogues,
                   GError     **error)
{
  if (!text_stored)
    {
      stva_job_set_cancelled (job, n_media, n_dialogues, "dialogues", error);
      return;
    }
  stva_job_set_kept (job, STVA_JOB_KEPT_DIALOGUES, n_media);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               "cancelled: the text vectors of all %u dialogues stored, the audio and video of "
               "%u of them", n_dialogues, n_media);
}

static gboolean
extract_project (StvaJob                        *job,
                 const StvaEngineExtractOptions *options,
                 StvaEngineExtractResult        *result,
                 GError                        **error)
{
  g_autoptr (StvaDb) db = stva_db_open (options->project, STVA_DB_OPEN_EXISTING, error);
  if (db == NULL)
    return FALSE;
  const char *path = stva_db_path (db);
  result->place = g_strdup (path);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, error);
  g_autoptr (GPtrArray) dialogues = set ? stva_db_dialogues (db, set->id, error) : NULL;
  if (dialogues == NULL)
    return FALSE;

  /* the items, a dialogue at a time; the utterances own the strings the items point to */
  g_autoptr (GPtrArray) utts = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_utterance_free);
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (StvaExtractItem));
  g_autoptr (GPtrArray) train_texts = g_ptr_array_new ();
  for (guint d = 0; d < dialogues->len; d++)
    {
      const StvaDbDialogue *dlg = g_ptr_array_index (dialogues, d);
      GPtrArray *us = stva_db_utterances (db, dlg->id, set->id, 0, error);
      if (us == NULL)
        return FALSE;
      for (guint k = 0; k < us->len; k++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (us, k);
          StvaExtractItem item = { .text = u->transcript, .dialogue = (int) d,
                                   .start_s = 0.0, .end_s = -1.0 };
          if (u->media_path != NULL)
            item.media_path = u->media_path;
          else if (dlg->media_path != NULL && u->end_ms > u->start_ms)
            {
              item.media_path = dlg->media_path;
              item.start_s = (double) u->start_ms / 1000.0;
              item.end_s = (double) u->end_ms / 1000.0;
            }
          else
            result->n_no_media++;
          g_array_append_val (items, item);
          if (strcmp (dlg->split, "train") == 0)
            g_ptr_array_add (train_texts, u->transcript);
        }
      g_ptr_array_extend_and_steal (utts, us);
    }
  result->n_dialogues = dialogues->len;
  result->n_utterances = utts->len;
  if (utts->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: the project has no utterances (synctva import adds some)", path);
      return FALSE;
    }

  StvaExtractOptions opts;
  core_options (&opts, options);
  g_autoptr (StvaTextEncoder) enc = NULL;
  result->text = opts.modality[STVA_MOD_T];
  if (result->text)
    {
      if (train_texts->len == 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                       "%s: no utterances in the train split to fit the text encoder on (or "
                       "leave text out with --modalities A,V)", path);
          return FALSE;
        }
      stva_job_stage (job, "fitting the text encoder", "utterances", train_texts->len);
      enc = fit_encoder (train_texts, path, error);
      if (enc == NULL)
        return FALSE;
      opts.text_encoder = enc;
      stva_text_encoder_fit_id (enc, result->fit_id);
      result->n_fit_on = train_texts->len;
      stva_job_progress (job, train_texts->len);
    }

  g_autofree char *project_dir = g_path_get_dirname (path);
  result->cache_dir = options->cache_dir != NULL
                        ? g_strdup (options->cache_dir)
                        : g_build_filename (project_dir, ".synctva-cache", NULL);
  opts.cache_dir = result->cache_dir;
  if (!folder_ok (opts.cache_dir, error))   /* or every feature would be computed uncached */
    return FALSE;
  if (stva_job_check_cancelled (job, error))
    return FALSE;

  gint64 t0 = g_get_monotonic_time ();
  if (result->text && !store_text (job, db, utts, items, &opts, result, error))
    return FALSE;
  opts.modality[STVA_MOD_T] = FALSE;   /* done: the batches below are audio and video */
  gboolean want_media = opts.modality[STVA_MOD_A] || opts.modality[STVA_MOD_V];
  BatchProgress bp = { .job = job };
  opts.progress = batch_progress;
  opts.user_data = &bp;
  guint n_media_dialogues = 0;
  size_t batch = options->batch_utterances > 0 ? (size_t) options->batch_utterances
                                               : PROJECT_BATCH;
  if (want_media)
    stva_job_stage (job, "extracting", "utterances", items->len);
  for (size_t first = 0; want_media && first < items->len;)
    {
      /* whole dialogues, at least batch utterances unless the project ends */
      size_t end = first;
      while (end < items->len
             && (end - first < batch
                 || g_array_index (items, StvaExtractItem, end).dialogue
                      == g_array_index (items, StvaExtractItem, end - 1).dialogue))
        end++;
      size_t n = end - first;
      float *rows[STVA_N_MOD] = { NULL, NULL, NULL };
      uint8_t *masks[STVA_N_MOD] = { NULL, NULL, NULL };
      for (int m = 0; m < STVA_N_MOD; m++)
        if (opts.modality[m])
          {
            rows[m] = g_malloc (n * stva_extract_dim (m, enc) * sizeof (float));
            masks[m] = g_malloc (n);
          }
      StvaExtractReport report;
      StvaError err = { 0 };
      bp.offset = first;
      StvaStatus status = stva_extract_run (&g_array_index (items, StvaExtractItem, first), n,
                                            &opts, rows, masks, &report, &err);
      gboolean ok = status == STVA_OK && !stva_job_is_cancelled (job);
      if (ok)
        {
          report_add (&result->report, &report);
          ok = store_batch (db, utts, first, n, &opts, rows, masks, result->n_stored, error);
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          g_free (rows[m]);
          g_free (masks[m]);
        }
      if (!ok)
        {
          if (status == STVA_ERR_CANCELLED || (status == STVA_OK && stva_job_is_cancelled (job)))
            {
              project_cancelled (job, result->text, n_media_dialogues, dialogues->len, error);
              return FALSE;
            }
          if (status != STVA_OK)
            set_core_error (error, &err, path);
          /* failed (store_batch's error is set): what the earlier transactions kept */
          if (result->text || n_media_dialogues > 0)
            stva_job_set_kept (job, STVA_JOB_KEPT_DIALOGUES, n_media_dialogues);
          else
            stva_job_set_kept (job, STVA_JOB_KEPT_NOTHING, 0);
          return FALSE;
        }
      n_media_dialogues += (guint) (g_array_index (items, StvaExtractItem, end - 1).dialogue
                                    - g_array_index (items, StvaExtractItem, first).dialogue + 1);
      first = end;
    }
  result->seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  return TRUE;
}

/* ---- a corpus folder ---------------------------------------------------------------------- */

typedef struct
{
  int          split;
  StvaMeldRow *row;
  char        *clip;     /* owned, NULL when the clip file is missing */
  int          dialogue; /* index into the dataset's dialogues */
} Utt;

static int
compare_utts (const void *a,
              const void *b)
{
  const Utt *x = a, *y = b;
  if (x->split != y->split)
    return x->split - y->split;
  if (x->row->dialogue_id != y->row->dialogue_id)
    return x->row->dialogue_id < y->row->dialogue_id ? -1 : 1;
  return x->row->utterance_id - y->row->utterance_id;
}

/* The dataset of utts (sorted, dialogue indices set) with the vectors of rows and masks. */
static StvaDataset *
assemble (GArray                *utts,
          int                    n_dialogues,
          const StvaTextEncoder *enc,
          const bool             modality[STVA_N_MOD],
          float                 *rows[STVA_N_MOD],
          uint8_t               *masks[STVA_N_MOD])
{
  StvaDataset *ds = stva_dataset_new ();
  g_assert (ds != NULL);
  g_autoptr (GHashTable) speakers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) speaker_names = g_ptr_array_new ();
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      if (!g_hash_table_contains (speakers, u->row->speaker))
        {
          g_hash_table_insert (speakers, u->row->speaker, GINT_TO_POINTER (speaker_names->len));
          g_ptr_array_add (speaker_names, u->row->speaker);
        }
    }
  ds->K = 7;
  ds->labels = g_new0 (char *, 7);
  for (int k = 0; k < 7; k++)
    ds->labels[k] = g_strdup (STVA_MELD_EMOTIONS[k]);
  ds->n_speakers = (int) speaker_names->len;
  ds->speakers = g_new0 (char *, speaker_names->len + 1);
  for (guint k = 0; k < speaker_names->len; k++)
    ds->speakers[k] = g_strdup (g_ptr_array_index (speaker_names, k));
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      ds->F[m] = modality[m] ? (int) stva_extract_dim (m, enc) : 0;
      if (ds->F[m] > 0)
        {
          ds->feature_names[m] = g_new0 (char *, ds->F[m]);
          for (int j = 0; j < ds->F[m]; j++)
            ds->feature_names[m][j] = g_strdup (
              m == STVA_MOD_T ? stva_text_encoder_dim_name (enc, (size_t) j)
              : m == STVA_MOD_A ? stva_audio_dim_name ((size_t) j)
                                : stva_visual_dim_name ((size_t) j));
        }
    }
  ds->n_dialogues = n_dialogues;
  ds->dialogues = g_new0 (StvaDialogue, n_dialogues > 0 ? n_dialogues : 1);
  for (guint i = 0; i < utts->len;)
    {
      Utt *first = &g_array_index (utts, Utt, i);
      guint j = i;
      while (j < utts->len && g_array_index (utts, Utt, j).dialogue == first->dialogue)
        j++;
      StvaDialogue *d = &ds->dialogues[first->dialogue];
      int T = (int) (j - i);
      d->id = g_strdup_printf ("%s/dia%d", stva_split_name (first->split),
                               first->row->dialogue_id);
      d->split = first->split;
      d->T = T;
      d->speaker = g_new0 (int, T);
      d->label = g_new0 (int, T);
      d->utt_id = g_new0 (char *, T);
      for (int m = 0; m < STVA_N_MOD; m++)
        if (ds->F[m] > 0)
          {
            d->x[m] = g_memdup2 (rows[m] + (size_t) i * (size_t) ds->F[m],
                                 (size_t) T * (size_t) ds->F[m] * sizeof (float));
            d->mask[m] = g_memdup2 (masks[m] + i, (size_t) T);
          }
      for (int t = 0; t < T; t++)
        {
          Utt *u = &g_array_index (utts, Utt, i + (guint) t);
          d->speaker[t] = GPOINTER_TO_INT (g_hash_table_lookup (speakers, u->row->speaker));
          d->label[t] = -1;
          for (int k = 0; k < 7; k++)
            if (strcmp (u->row->emotion, STVA_MELD_EMOTIONS[k]) == 0)
              d->label[t] = k;
          d->utt_id[t] = g_strdup_printf ("dia%d_utt%d", u->row->dialogue_id,
                                          u->row->utterance_id);
        }
      i = j;
    }
  return ds;
}

static gboolean
extract_corpus (StvaJob                        *job,
                const StvaEngineExtractOptions *options,
                StvaEngineExtractResult        *result,
                GError                        **error)
{
  const char *dir = options->corpus_dir;
  result->place = g_strdup (dir);
  GPtrArray *tables[3] = { NULL, NULL, NULL };
  g_autoptr (GArray) utts = g_array_new (FALSE, TRUE, sizeof (Utt));
  g_autoptr (StvaTextEncoder) enc = NULL;
  float *rows[STVA_N_MOD] = { NULL, NULL, NULL };
  uint8_t *masks[STVA_N_MOD] = { NULL, NULL, NULL };
  g_autofree StvaExtractItem *items = NULL;
  gboolean ok = FALSE;

  for (int s = 0; s < 3; s++)
    {
      g_autofree char *csv = g_build_filename (dir, splits[s].csv, NULL);
      if (!g_file_test (csv, G_FILE_TEST_EXISTS))
        continue;   /* a corpus may lack a split */
      tables[s] = stva_meld_read (csv, error);
      if (tables[s] == NULL)
        goto out;
      for (guint r = 0; r < tables[s]->len; r++)
        {
          StvaMeldRow *row = g_ptr_array_index (tables[s], r);
          Utt u = { .split = splits[s].split, .row = row };
          g_autofree char *name = g_strdup_printf ("dia%d_utt%d.mp4", row->dialogue_id,
                                                   row->utterance_id);
          char *clip = g_build_filename (dir, splits[s].clips, name, NULL);
          if (g_file_test (clip, G_FILE_TEST_IS_REGULAR))
            u.clip = clip;
          else
            {
              if (result->n_missing_clips++ == 0)
                result->first_missing = g_strdup (clip);
              g_free (clip);
            }
          g_array_append_val (utts, u);
        }
    }
  if (utts->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: no train_sent_emo.csv, dev_sent_emo.csv or test_sent_emo.csv with "
                   "utterances", dir);
      goto out;
    }
  g_array_sort (utts, compare_utts);
  int n_dialogues = 0;
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      Utt *prev = i > 0 ? &g_array_index (utts, Utt, i - 1) : NULL;
      if (prev == NULL || prev->split != u->split
          || prev->row->dialogue_id != u->row->dialogue_id)
        n_dialogues++;
      u->dialogue = n_dialogues - 1;
    }
  result->n_dialogues = (guint) n_dialogues;
  result->n_utterances = utts->len;

  StvaExtractOptions opts;
  core_options (&opts, options);
  result->text = opts.modality[STVA_MOD_T];
  if (result->text)
    {
      g_autoptr (GPtrArray) train_texts = g_ptr_array_new ();
      for (guint i = 0; i < utts->len; i++)
        {
          Utt *u = &g_array_index (utts, Utt, i);
          if (u->split == STVA_SPLIT_TRAIN)
            g_ptr_array_add (train_texts, u->row->utterance);
        }
      stva_job_stage (job, "fitting the text encoder", "utterances", train_texts->len);
      enc = fit_encoder (train_texts, dir, error);
      if (enc == NULL)
        goto out;
      opts.text_encoder = enc;
      stva_text_encoder_fit_id (enc, result->fit_id);
      result->n_fit_on = train_texts->len;
      stva_job_progress (job, train_texts->len);
    }

  items = g_new0 (StvaExtractItem, utts->len);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (opts.modality[m])
      {
        rows[m] = g_try_malloc ((size_t) utts->len * stva_extract_dim (m, enc) * sizeof (float));
        masks[m] = g_try_malloc (utts->len);
        if (rows[m] == NULL || masks[m] == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "out of memory for %u utterances", utts->len);
            goto out;
          }
      }
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      items[i] = (StvaExtractItem) { .media_path = u->clip, .start_s = 0.0, .end_s = -1.0,
                                     .text = u->row->utterance, .dialogue = u->dialogue };
    }
  result->cache_dir = options->cache_dir != NULL
                        ? g_strdup (options->cache_dir)
                        : g_build_filename (dir, ".synctva-cache", NULL);
  opts.cache_dir = result->cache_dir;
  result->out_path = options->out_path != NULL ? g_strdup (options->out_path)
                                               : g_build_filename (dir, "features.npz", NULL);
  /* before the extraction, which may take hours: a cache that cannot be written, an output
   * that cannot be (a shard writes only the cache) */
  if (!folder_ok (opts.cache_dir, error)
      || (opts.shard_count <= 1 && !output_ok (result->out_path, error)))
    goto out;
  if (opts.shard_count > 1)
    g_clear_pointer (&result->out_path, g_free);

  BatchProgress bp = { .job = job, .offset = 0 };
  opts.progress = batch_progress;
  opts.user_data = &bp;
  stva_job_stage (job, "extracting", "utterances", utts->len);
  StvaError err = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  StvaStatus status = stva_extract_run (items, utts->len, &opts, rows, masks, &result->report,
                                        &err);
  result->seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  if (status == STVA_ERR_CANCELLED || stva_job_check_cancelled (job, error))
    {
      if (status == STVA_ERR_CANCELLED)
        stva_job_set_cancelled (job, 0, n_dialogues, "dialogues", error);
      g_prefix_error (error, "%s: ", dir);
      goto out;
    }
  if (status != STVA_OK)
    {
      set_core_error (error, &err, dir);
      goto out;
    }
  if (opts.shard_count > 1)   /* a shard only fills the cache */
    {
      ok = TRUE;
      goto out;
    }
  for (guint i = 0; i < utts->len; i++)
    g_clear_pointer (&g_array_index (utts, Utt, i).clip, g_free);
  StvaDataset *ds = assemble (utts, n_dialogues, enc, opts.modality, rows, masks);
  for (int m = 0; m < STVA_N_MOD; m++)
    result->F[m] = ds->F[m];
  status = stva_npz_write_dataset (result->out_path, ds, &err);
  stva_dataset_free (ds);
  if (status != STVA_OK)
    {
      set_core_error (error, &err, result->out_path);
      goto out;
    }
  ok = TRUE;

out:
  for (guint i = 0; i < utts->len; i++)
    g_free (g_array_index (utts, Utt, i).clip);
  for (int s = 0; s < 3; s++)
    if (tables[s] != NULL)
      g_ptr_array_free (tables[s], TRUE);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_free (rows[m]);
      g_free (masks[m]);
    }
  return ok;
}

/* ---- public API --------------------------------------------------------------------------- */

void
stva_engine_extract_options_init (StvaEngineExtractOptions *options)
{
  memset (options, 0, sizeof *options);
  for (int m = 0; m < STVA_N_MOD; m++)
    options->modality[m] = TRUE;
  options->shard_count = 1;
}

void
stva_engine_extract_result_clear (StvaEngineExtractResult *result)
{
  if (result == NULL)
    return;
  g_free (result->place);
  g_free (result->out_path);
  g_free (result->cache_dir);
  g_free (result->first_missing);
  memset (result, 0, sizeof *result);
}

void
stva_engine_extract_result_free (StvaEngineExtractResult *result)
{
  stva_engine_extract_result_clear (result);
  g_free (result);
}

gboolean
stva_engine_extract (StvaJob                        *job,
                     const StvaEngineExtractOptions *options,
                     StvaEngineExtractResult        *result,
                     GError                        **error)
{
  g_return_val_if_fail (options != NULL && result != NULL, FALSE);
  memset (result, 0, sizeof *result);
  const char *bad = NULL;
  if ((options->project == NULL) == (options->corpus_dir == NULL))
    bad = "give a project or a corpus folder, not both";
  else if (options->project != NULL && options->out_path != NULL)
    bad = "--out is for a corpus folder: a project stores the features (synctva export npz "
          "writes them out)";
  else if (!options->modality[0] && !options->modality[1] && !options->modality[2])
    bad = "no modality to extract";
  else if (options->shard_count < 1 || options->shard_index < 0
           || options->shard_index >= options->shard_count)
    bad = "a shard is I/N with 0 <= I < N";
  if (bad != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
      return FALSE;
    }
  gboolean ok = options->project != NULL ? extract_project (job, options, result, error)
                                         : extract_corpus (job, options, result, error);
  if (ok)
    stva_job_set_kept (job, STVA_JOB_KEPT_ALL, result->n_dialogues);
  else
    stva_engine_extract_result_clear (result);
  return ok;
}

/* ---- on a worker thread ------------------------------------------------------------------- */

typedef struct
{
  StvaEngineExtractOptions options;   /* its strings owned */
  char                    *project, *corpus_dir, *out_path, *cache_dir;
} ExtractData;

static void
extract_data_free (gpointer p)
{
  ExtractData *d = p;
  g_free (d->project);
  g_free (d->corpus_dir);
  g_free (d->out_path);
  g_free (d->cache_dir);
  g_free (d);
}

static gboolean
extract_job (StvaJob  *job,
             gpointer  data,
             gpointer *result,
             GError  **error)
{
  ExtractData *d = data;
  StvaEngineExtractResult *r = g_new0 (StvaEngineExtractResult, 1);
  if (!stva_engine_extract (job, &d->options, r, error))
    {
      g_free (r);
      return FALSE;
    }
  *result = r;
  return TRUE;
}

void
stva_engine_extract_async (const StvaEngineExtractOptions *options,
                           StvaJobProgressFunc             progress,
                           gpointer                        progress_data,
                           GCancellable                   *cancellable,
                           GAsyncReadyCallback             callback,
                           gpointer                        user_data)
{
  ExtractData *d = g_new0 (ExtractData, 1);
  d->options = *options;
  d->options.project = d->project = g_strdup (options->project);
  d->options.corpus_dir = d->corpus_dir = g_strdup (options->corpus_dir);
  d->options.out_path = d->out_path = g_strdup (options->out_path);
  d->options.cache_dir = d->cache_dir = g_strdup (options->cache_dir);
  stva_job_run_async (extract_job, d, extract_data_free,
                      (GDestroyNotify) stva_engine_extract_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

StvaEngineExtractResult *
stva_engine_extract_finish (GAsyncResult *res,
                            StvaJobKept  *kept,
                            GError      **error)
{
  return stva_job_run_finish (res, kept, NULL, error);
}
