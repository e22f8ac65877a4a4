/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prediction jobs (stva-engine-predict.h): a split in packs of whole dialogues, one or two
 * packs at a time on their own threads, each pack stored in one transaction and written to
 * the table; and one dialogue with its whole output in memory.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "stva-engine.h"

#define PACK_ROWS_MAX 256   /* utterances of one pack: the workspace grows with them */

/* ---- types -------------------------------------------------------------------------------- */

/* one pack predicted on a second thread */
typedef struct
{
  const StvaModel           *model;
  StvaModelWorkspace        *ws;
  const StvaDialogue *const *dlgs;
  int                        n;
  StvaModelOutput           *outs;
  StvaStatus                 status;
  StvaError                  error;
} PackJob;

/* where the table goes */
typedef struct
{
  GOutputStream   *stream;     /* borrowed or owned (file) */
  GFileOutputStream *file;     /* owned when writing out_path */
  char            *tmp_path;   /* owned: out_path + ".tmp" */
  StvaPredictTable kind;
} Table;

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_core_error (GError         **error,
                const StvaError *err,
                const char      *prefix)
{
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s%s%s", prefix ? prefix : "",
               prefix ? ": " : "", err->message);
}

static gpointer
pack_thread (gpointer data)
{
  PackJob *job = data;
  job->status = stva_model_predict_batch (job->model, job->ws, job->dlgs, job->n, job->outs,
                                          &job->error);
  return NULL;
}

/* The project's utterance id of dlg's utterance t, 0 after setting error. */
static gint64
utterance_id (const char         *data_name,
              const StvaDialogue *dlg,
              int                 t,
              GError            **error)
{
  char *end = NULL;
  gint64 id = dlg->utt_id != NULL && dlg->utt_id[t] != NULL
                ? g_ascii_strtoll (dlg->utt_id[t], &end, 10) : 0;
  if (id <= 0 || end == NULL || *end != '\0')
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: dialogue %s has no utterance id at %d", data_name, dlg->id, t);
      return 0;
    }
  return id;
}

/* Stores a dialogue's predictions (inside the caller's transaction). */
static gboolean
store_dialogue (StvaDb                *db,
                const char            *data_name,
                gint64                 model_id,
                const StvaDialogue    *dlg,
                const StvaModelOutput *pred,
                GError               **error)
{
  for (int t = 0; t < dlg->T; t++)
    {
      gint64 utt = utterance_id (data_name, dlg, t, error);
      if (utt == 0)
        return FALSE;
      g_autoptr (GBytes) attention = stva_attn_blob_new (pred, t);
      if (!stva_db_put_prediction (db, model_id, utt, pred->probs + (size_t) t * pred->K,
                                   (guint) pred->K, pred->beta + (size_t) t * 3, attention,
                                   error))
        return FALSE;
    }
  return TRUE;
}

/* ---- the table ------------------------------------------------------------------------------ */

static gboolean
table_write (Table       *table,
             const char  *text,
             GError     **error)
{
  return g_output_stream_write_all (table->stream, text, strlen (text), NULL, NULL, error);
}

static void
csv_field (GString    *s,
           const char *v)
{
  g_string_append_c (s, '"');
  for (; *v != '\0'; v++)
    {
      if (*v == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *v);
    }
  g_string_append_c (s, '"');
}

static gboolean
table_open (Table                    *table,
            const StvaPredictOptions *options,
            const StvaDataset        *ds,
            GError                  **error)
{
  memset (table, 0, sizeof *table);
  if (options->out_path != NULL)
    {
      table->tmp_path = g_strdup_printf ("%s.tmp", options->out_path);
      g_autoptr (GFile) file = g_file_new_for_path (table->tmp_path);
      table->file = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
      if (table->file == NULL)
        {
          g_prefix_error (error, "%s: cannot write: ", table->tmp_path);
          return FALSE;
        }
      table->stream = G_OUTPUT_STREAM (table->file);
      table->kind = g_str_has_suffix (options->out_path, ".jsonl") ? STVA_PREDICT_TABLE_JSONL
                                                                    : STVA_PREDICT_TABLE_CSV;
    }
  else
    {
      table->stream = options->out_stream;
      table->kind = options->table;
    }
  if (table->stream == NULL || table->kind != STVA_PREDICT_TABLE_CSV)
    return TRUE;
  g_autoptr (GString) head = g_string_new ("dialogue,utterance,split,speaker,gold,predicted,"
                                           "confidence,entropy,margin,beta_T,beta_A,beta_V");
  for (int k = 0; k < ds->K; k++)
    g_string_append_printf (head, ",p_%s", ds->labels[k]);
  g_string_append_c (head, '\n');
  return table_write (table, head->str, error);
}

/* The table's rows of a dialogue. */
static gboolean
table_rows (Table                 *table,
            const StvaDataset     *ds,
            const StvaDialogue    *dlg,
            const StvaModelOutput *pred,
            GError               **error)
{
  if (table->stream == NULL)
    return TRUE;
  g_autoptr (GString) s = g_string_new (NULL);
  for (int t = 0; t < dlg->T; t++)
    {
      const char *gold = dlg->label[t] >= 0 ? ds->labels[dlg->label[t]] : NULL;
      const char *utt = dlg->utt_id != NULL ? dlg->utt_id[t] : "";
      const char *spk = ds->speakers != NULL ? ds->speakers[dlg->speaker[t]] : "";
      const char *predicted = ds->labels[pred->pred[t]];
      const float *beta = pred->beta + (size_t) t * 3;
      const float *probs = pred->probs + (size_t) t * (size_t) ds->K;
      if (table->kind == STVA_PREDICT_TABLE_JSONL)
        {
          g_autoptr (JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "dialogue");
          json_builder_add_string_value (b, dlg->id);
          json_builder_set_member_name (b, "utterance");
          json_builder_add_string_value (b, utt);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, t);
          json_builder_set_member_name (b, "split");
          json_builder_add_string_value (b, stva_split_name (dlg->split));
          json_builder_set_member_name (b, "speaker");
          json_builder_add_string_value (b, spk);
          json_builder_set_member_name (b, "gold");
          if (gold != NULL)
            json_builder_add_string_value (b, gold);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "predicted");
          json_builder_add_string_value (b, predicted);
          stva_data_json_number (b, "confidence", pred->confidence[t]);
          stva_data_json_number (b, "entropy", pred->entropy[t]);
          stva_data_json_number (b, "margin", pred->margin[t]);
          json_builder_set_member_name (b, "beta");
          json_builder_begin_object (b);
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              char name[2] = { stva_modality_letter (m), '\0' };
              stva_data_json_number (b, name, beta[m]);
            }
          json_builder_end_object (b);
          json_builder_set_member_name (b, "probs");
          json_builder_begin_object (b);
          for (int k = 0; k < ds->K; k++)
            stva_data_json_number (b, ds->labels[k], probs[k]);
          json_builder_end_object (b);
          json_builder_end_object (b);
          g_autoptr (JsonNode) root = json_builder_get_root (b);
          g_autofree char *line = json_to_string (root, FALSE);
          g_string_append (s, line);
          g_string_append_c (s, '\n');
        }
      else
        {
          /* ids and names come from user files: quoted */
          csv_field (s, dlg->id);
          g_string_append_c (s, ',');
          csv_field (s, utt);
          g_string_append_printf (s, ",%s,", stva_split_name (dlg->split));
          csv_field (s, spk);
          g_string_append_c (s, ',');
          csv_field (s, gold != NULL ? gold : "");
          g_string_append_c (s, ',');
          csv_field (s, predicted);
          g_string_append_printf (s, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", pred->confidence[t],
                                  pred->entropy[t], pred->margin[t], beta[0], beta[1], beta[2]);
          for (int k = 0; k < ds->K; k++)
            g_string_append_printf (s, ",%.6f", probs[k]);
          g_string_append_c (s, '\n');
        }
    }
  return table_write (table, s->str, error);
}

/* Closes the table: a file is renamed over out_path when keep, else removed. */
static gboolean
table_close (Table       *table,
             const char  *out_path,
             gboolean     keep,
             GError     **error)
{
  gboolean ok = TRUE;
  if (table->file != NULL)
    {
      ok = g_output_stream_close (G_OUTPUT_STREAM (table->file), NULL, keep ? error : NULL);
      g_clear_object (&table->file);
      if (ok && keep && g_rename (table->tmp_path, out_path) != 0)
        {
          int e = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: cannot write: %s",
                       out_path, g_strerror (e));
          ok = FALSE;
        }
      if (!ok || !keep)
        g_remove (table->tmp_path);
    }
  else if (table->stream != NULL && keep)
    ok = g_output_stream_flush (table->stream, NULL, error);
  g_clear_pointer (&table->tmp_path, g_free);
  table->stream = NULL;
  return ok && keep;
}

/* ---- a split ------------------------------------------------------------------------------ */

void
stva_predict_options_init (StvaPredictOptions *options)
{
  memset (options, 0, sizeof *options);
  options->split = STVA_DATA_ALL_SPLITS;
  options->threads = 1;
  options->pack = STVA_PREDICT_PACK_MAX;
}

void
stva_predict_result_clear (StvaPredictResult *result)
{
  if (result == NULL)
    return;
  g_free (result->data_name);
  g_free (result->model_path);
  memset (result, 0, sizeof *result);
}

void
stva_predict_result_free (StvaPredictResult *result)
{
  stva_predict_result_clear (result);
  g_free (result);
}

/* The state of one run of stva_engine_predict. */
typedef struct
{
  StvaModel           model;
  StvaData           *data;
  StvaModelWorkspace *ws[STVA_PREDICT_THREADS_MAX];
  StvaModelOutput     outs[STVA_PREDICT_THREADS_MAX * STVA_PREDICT_PACK_MAX];
  const StvaDialogue *pack[STVA_PREDICT_THREADS_MAX * STVA_PREDICT_PACK_MAX];
  int                 pack_n;        /* outputs held in outs */
  int                 blas_threads;  /* OpenBLAS's thread count to restore, 0: none */
  Table               table;
} Run;

static void
run_clear_outs (Run *run)
{
  for (int k = 0; k < run->pack_n; k++)
    stva_model_output_clear (&run->outs[k]);
  run->pack_n = 0;
}

/* Predicts the next packs from idx[*next], one per thread: run->pack and run->outs hold
 * run->pack_n dialogues after. */
static gboolean
predict_packs (Run                      *run,
               const StvaPredictOptions *options,
               const int                *idx,
               int                       n_idx,
               int                      *next,
               GError                  **error)
{
  const StvaDataset *ds = run->data->ds;
  int threads = CLAMP (options->threads, 1, STVA_PREDICT_THREADS_MAX);
  int pack_max = options->pack > 0 ? MIN (options->pack, STVA_PREDICT_PACK_MAX)
                                   : STVA_PREDICT_PACK_MAX;
  int first[STVA_PREDICT_THREADS_MAX] = { 0 }, count[STVA_PREDICT_THREADS_MAX] = { 0 };
  run_clear_outs (run);
  for (int p = 0; p < threads; p++)
    {
      int rows = 0;
      first[p] = run->pack_n;
      for (; *next < n_idx && count[p] < pack_max && rows < PACK_ROWS_MAX; (*next)++)
        {
          const StvaDialogue *dlg = &ds->dialogues[idx[*next]];
          run->pack[run->pack_n++] = dlg;
          count[p]++;
          rows += dlg->T;
        }
    }
  PackJob second = { .model = &run->model, .ws = run->ws[1], .dlgs = run->pack + first[1],
                     .n = count[1], .outs = run->outs + first[1], .status = STVA_OK };
  GThread *helper = NULL;
  if (threads > 1 && count[1] > 0
      && (helper = g_thread_try_new ("predict", pack_thread, &second, NULL)) == NULL)
    pack_thread (&second);   /* no thread: the second pack after the first */
  StvaError err = { 0 };
  StvaStatus status = stva_model_predict_batch (&run->model, run->ws[0], run->pack, count[0],
                                                run->outs, &err);
  if (helper != NULL)
    g_thread_join (helper);
  if (status == STVA_OK && second.status == STVA_OK)
    return TRUE;
  /* what succeeded is cleared; nothing is held */
  if (status == STVA_OK)
    for (int k = 0; k < count[0]; k++)
      stva_model_output_clear (&run->outs[k]);
  if (second.status == STVA_OK)
    for (int k = 0; k < count[1]; k++)
      stva_model_output_clear (&run->outs[first[1] + k]);
  run->pack_n = 0;
  set_core_error (error, status != STVA_OK ? &err : &second.error, run->data->name);
  return FALSE;
}

/* Stores run->pack in one transaction, registering the model first when *model_id is 0. */
static gboolean
store_pack (Run                      *run,
            const StvaPredictOptions *options,
            gint64                   *model_id,
            GError                  **error)
{
  StvaDb *db = run->data->db;
  if (!stva_db_begin (db, error))
    return FALSE;
  if (*model_id == 0)
    *model_id = stva_data_register_model (run->data, options->model_path, "{}", 0, error);
  gboolean ok = *model_id != 0;
  for (int k = 0; ok && k < run->pack_n; k++)
    ok = store_dialogue (db, run->data->name, *model_id, run->pack[k], &run->outs[k], error);
  if (ok && stva_db_commit (db, error))
    return TRUE;
  stva_db_rollback (db);
  return FALSE;
}

static gboolean
check_options (const StvaPredictOptions *options,
               GError                  **error)
{
  const char *bad = NULL;
  if (options->model_path == NULL)
    bad = "predict needs a model file";
  else if (options->store && options->source.data != NULL)
    bad = "predictions are stored in a project, not in a dataset file";
  else if (!options->store && options->out_path == NULL && options->out_stream == NULL)
    bad = "nothing to do: neither storing the predictions nor writing a table";
  else if (options->out_path != NULL && options->out_path[0] == '\0')
    bad = "an empty output file name";
  else if (options->split < STVA_DATA_ALL_SPLITS || options->split >= STVA_N_SPLIT)
    bad = "no such split";
  else if (options->threads < 0 || options->threads > STVA_PREDICT_THREADS_MAX
           || options->pack < 0 || options->pack > STVA_PREDICT_PACK_MAX)
    bad = "threads take 1 or 2, packs 1 to 16 dialogues";
  if (bad == NULL)
    return TRUE;
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return FALSE;
}

gboolean
stva_engine_predict (StvaJob                  *job,
                     const StvaPredictOptions *options,
                     StvaPredictResult        *result,
                     GError                  **error)
{
  g_return_val_if_fail (options != NULL && result != NULL, FALSE);
  memset (result, 0, sizeof *result);
  GError *local = NULL;
  if (!check_options (options, error))
    return FALSE;
  stva_job_stage (job, "loading", NULL, 0);
  Run *run = g_new0 (Run, 1);
  gboolean ok = FALSE, table_open_ok = FALSE;
  gint64 model_id = 0, n_done = 0, n_stored_dialogues = 0;
  int n_idx = 0, next = 0;
  g_autofree int *idx = NULL;
  StvaError err = { 0 };

  if (stva_model_load (&run->model, options->model_path, &err) != STVA_OK)
    {
      set_core_error (&local, &err, NULL);
      goto out;
    }
  if (stva_job_check_cancelled (job, &local)
      || (run->data = stva_data_load (&options->source, &local)) == NULL)
    goto out;
  if (!stva_data_check_model (&run->model, run->data->ds, options->model_path, run->data->name,
                              &local))
    goto out;
  if (options->store && run->data->db == NULL)
    {
      g_set_error (&local, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: predictions are stored in a project", run->data->name);
      goto out;
    }
  int threads = CLAMP (options->threads, 1, STVA_PREDICT_THREADS_MAX);
  for (int w = 0; w < threads; w++)
    if ((run->ws[w] = stva_model_workspace_new (&run->model.config)) == NULL)
      {
        g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
        goto out;
      }
  /* with a pack per thread, OpenBLAS's own threads would only compete with ours (as in
   * training, stva-train.h): one each while predicting, restored at the end */
  if (threads > 1)
    {
      run->blas_threads = openblas_get_num_threads ();
      openblas_set_num_threads (1);
    }
  if (!table_open (&run->table, options, run->data->ds, &local))
    goto out;
  table_open_ok = TRUE;

  idx = stva_data_dialogues (run->data->ds, options->split, &n_idx);
  stva_job_stage (job, "predicting", "dialogues", n_idx);
  while (next < n_idx)
    {
      if (stva_job_is_cancelled (job))
        break;
      if (!predict_packs (run, options, idx, n_idx, &next, &local))
        goto out;
      if (stva_job_is_cancelled (job))   /* this pack is not stored */
        break;
      if (options->store && !store_pack (run, options, &model_id, &local))
        goto out;
      for (int k = 0; k < run->pack_n; k++)
        {
          if (!table_rows (&run->table, run->data->ds, run->pack[k], &run->outs[k], &local))
            goto out;
          result->n_utterances += run->pack[k]->T;
          result->n_stored += options->store ? run->pack[k]->T : 0;
          result->n_rows += run->table.stream != NULL ? run->pack[k]->T : 0;
        }
      n_done += run->pack_n;
      n_stored_dialogues += options->store ? run->pack_n : 0;
      stva_job_progress (job, n_done);
    }
  if (n_done < n_idx)   /* the loop ends early only when cancelled */
    {
      stva_job_set_cancelled (job, n_stored_dialogues, n_idx, "dialogues", &local);
      goto out;
    }
  if (!table_close (&run->table, options->out_path, TRUE, &local))
    {
      table_open_ok = FALSE;
      goto out;
    }
  table_open_ok = FALSE;
  result->data_name = g_strdup (run->data->name);
  result->model_path = g_strdup (options->model_path);
  result->model_id = model_id;
  result->n_dialogues = n_done;
  stva_job_set_kept (job, STVA_JOB_KEPT_ALL, n_stored_dialogues);
  ok = TRUE;

out:
  if (!ok && n_stored_dialogues > 0 && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      stva_job_set_kept (job, STVA_JOB_KEPT_DIALOGUES, n_stored_dialogues);
      g_prefix_error (&local, "%" G_GINT64_FORMAT " of %d dialogues stored before: ",
                      n_stored_dialogues, n_idx);
    }
  if (table_open_ok)
    table_close (&run->table, options->out_path, FALSE, NULL);
  run_clear_outs (run);
  for (int w = 0; w < STVA_PREDICT_THREADS_MAX; w++)
    stva_model_workspace_free (run->ws[w]);
  if (run->blas_threads > 0)
    openblas_set_num_threads (run->blas_threads);
  stva_model_clear (&run->model);
  stva_data_free (run->data);
  g_free (run);
  if (!ok)
    {
      stva_predict_result_clear (result);
      g_propagate_error (error, local);
    }
  return ok;
}

/* ---- one dialogue ------------------------------------------------------------------------- */

void
stva_predict_dialogue_result_free (StvaPredictDialogueResult *result)
{
  if (result == NULL)
    return;
  g_free (result->dialogue);
  g_free (result->utterance_ids);
  g_strfreev (result->labels);
  stva_model_output_clear (&result->output);
  g_clear_pointer (&result->keys, g_array_unref);
  g_free (result);
}

StvaAttnMap *
stva_predict_dialogue_result_map (const StvaPredictDialogueResult *result,
                                  const StvaAttnKey               *key,
                                  GError                         **error)
{
  g_return_val_if_fail (result != NULL, NULL);
  return stva_attn_map_from_output (&result->output, key, error);
}

/* The model the one-dialogue job read last, kept loaded: the studio predicts dialogue after
 * dialogue with one model, and reading a large model file (a 130 MB one: most of a second)
 * costs far more than a dialogue's forward.  Known by its file's path, size, time and inode
 * (a file rewritten in place within one clock tick at the same size goes unseen); read (never
 * written: stva_model_predict takes it const) under kept_model's lock. */
static struct
{
  char      *path;    /* owned, NULL: none kept */
  char      *stamp;   /* owned: "size:seconds:nanoseconds" */
  StvaModel  model;
} kept;
G_LOCK_DEFINE_STATIC (kept_model);

/* (transfer none) The model of path, loaded now or kept from before; NULL with error set.
 * Called with kept_model locked. */
static const StvaModel *
keep_model (const char  *path,
            GError     **error)
{
  GStatBuf st;
  g_autofree char *stamp = g_stat (path, &st) == 0
    ? g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%"
                       G_GUINT64_FORMAT, (gint64) st.st_size, (gint64) st.st_mtim.tv_sec,
                       (gint64) st.st_mtim.tv_nsec, (guint64) st.st_ino)
    : NULL;
  if (kept.path != NULL && stamp != NULL && strcmp (kept.path, path) == 0
      && strcmp (kept.stamp, stamp) == 0)
    return &kept.model;
  if (kept.path != NULL)
    {
      stva_model_clear (&kept.model);
      g_clear_pointer (&kept.path, g_free);
      g_clear_pointer (&kept.stamp, g_free);
    }
  memset (&kept.model, 0, sizeof kept.model);
  if (!stva_data_load_model (&kept.model, path, error))
    return NULL;
  if (stamp == NULL)   /* no time to know it by: not kept */
    {
      static StvaModel once;   /* under the lock, as kept */
      stva_model_clear (&once);
      once = kept.model;
      memset (&kept.model, 0, sizeof kept.model);
      return &once;
    }
  kept.path = g_strdup (path);
  kept.stamp = g_steal_pointer (&stamp);
  return &kept.model;
}

/* The dataset dialogue of the project's dialogue_id, NULL with error set. */
static const StvaDialogue *
find_dialogue (StvaData *data,
               gint64    dialogue_id,
               char    **name,
               GError  **error)
{
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (data->db, data->label_set_id, error);
  if (dialogues == NULL)
    return NULL;
  for (guint i = 0; i < dialogues->len; i++)
    {
      const StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      if (d->id != dialogue_id)
        continue;
      *name = g_strdup_printf ("%s/%s", d->split, d->name);
      for (int k = 0; k < data->ds->n_dialogues; k++)
        if (strcmp (data->ds->dialogues[k].id, *name) == 0)
          return &data->ds->dialogues[k];
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %s has no utterances to predict", data->name, *name);
      return NULL;
    }
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "%s: no dialogue with id %"
               G_GINT64_FORMAT, data->name, dialogue_id);
  return NULL;
}

StvaPredictDialogueResult *
stva_engine_predict_dialogue (StvaJob                          *job,
                              const StvaPredictDialogueOptions *options,
                              GError                          **error)
{
  g_return_val_if_fail (options != NULL, NULL);
  gboolean what_if = options->absent[0] || options->absent[1] || options->absent[2];
  if (options->project == NULL || options->model_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "predicting a dialogue needs a project and a model file");
      return NULL;
    }
  if (what_if && options->store)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a prediction with a modality left out is not stored (it would "
                           "overwrite the model's stored predictions)");
      return NULL;
    }
  stva_job_stage (job, "predicting", "dialogues", 1);
  StvaDataSource source = { .project = options->project, .label_set = options->label_set };
  g_autoptr (StvaData) data = stva_data_load (&source, error);
  if (data == NULL)
    return NULL;
  g_autoptr (StvaPredictDialogueResult) result = g_new0 (StvaPredictDialogueResult, 1);
  StvaError err = { 0 };
  G_LOCK (kept_model);   /* held while the kept model is read */
  const StvaModel *model = keep_model (options->model_path, error);
  if (model == NULL)
    {
      G_UNLOCK (kept_model);
      return NULL;
    }
  const StvaDialogue *found = NULL;
  if (!stva_data_check_model (model, data->ds, options->model_path, data->name, error)
      || (found = find_dialogue (data, options->dialogue_id, &result->dialogue, error)) == NULL
      || stva_job_check_cancelled (job, error))
    {
      G_UNLOCK (kept_model);
      return NULL;
    }
  /* the what-if: the masked modalities' rows zero and marked missing, as a project without
   * those vectors reads (stva_db_dataset ()) */
  StvaDialogue dlg = *found;
  float *x[STVA_N_MOD] = { NULL };
  uint8_t *mask[STVA_N_MOD] = { NULL };
  for (int m = 0; m < STVA_N_MOD; m++)
    if (options->absent[m] && data->ds->F[m] > 0)
      {
        x[m] = g_new0 (float, (gsize) dlg.T * (gsize) data->ds->F[m]);
        mask[m] = g_new0 (uint8_t, dlg.T);
        dlg.x[m] = x[m];
        dlg.mask[m] = mask[m];
      }
  StvaStatus status = stva_model_predict (model, NULL, &dlg, &result->output, &err);
  G_UNLOCK (kept_model);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_free (x[m]);
      g_free (mask[m]);
    }
  if (status != STVA_OK)
    {
      set_core_error (error, &err, data->name);
      return NULL;
    }
  result->dialogue_id = options->dialogue_id;
  result->T = dlg.T;
  result->K = result->output.K;
  result->utterance_ids = g_new0 (gint64, dlg.T);
  for (int t = 0; t < dlg.T; t++)
    if ((result->utterance_ids[t] = utterance_id (data->name, &dlg, t, error)) == 0)
      return NULL;
  result->labels = g_new0 (char *, data->ds->K + 1);
  for (int k = 0; k < data->ds->K; k++)
    result->labels[k] = g_strdup (data->ds->labels[k]);
  result->keys = stva_attn_keys_of_output (&result->output);
  if (options->store)
    {
      if (stva_job_check_cancelled (job, error) || !stva_db_begin (data->db, error))
        return NULL;
      result->model_id = stva_data_register_model (data, options->model_path, "{}", 0, error);
      if (result->model_id == 0
          || !store_dialogue (data->db, data->name, result->model_id, &dlg, &result->output,
                              error)
          || !stva_db_commit (data->db, error))
        {
          stva_db_rollback (data->db);
          return NULL;
        }
    }
  stva_job_progress (job, 1);
  return g_steal_pointer (&result);
}

/* ---- on a worker thread ------------------------------------------------------------------- */

typedef struct
{
  StvaPredictOptions options;   /* its strings owned */
  char              *model_path, *out_path;
} PredictData;

static void
predict_data_free (gpointer p)
{
  PredictData *d = p;
  stva_data_source_free_copy (&d->options.source);
  g_clear_object (&d->options.out_stream);
  g_free (d->model_path);
  g_free (d->out_path);
  g_free (d);
}

static gboolean
predict_job (StvaJob  *job,
             gpointer  data,
             gpointer *result,
             GError  **error)
{
  PredictData *d = data;
  StvaPredictResult *r = g_new0 (StvaPredictResult, 1);
  if (!stva_engine_predict (job, &d->options, r, error))
    {
      g_free (r);
      return FALSE;
    }
  *result = r;
  return TRUE;
}

void
stva_engine_predict_async (const StvaPredictOptions *options,
                           StvaJobProgressFunc       progress,
                           gpointer                  progress_data,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  PredictData *d = g_new0 (PredictData, 1);
  d->options = *options;
  stva_data_source_copy (&d->options.source, &options->source);
  d->options.model_path = d->model_path = g_strdup (options->model_path);
  d->options.out_path = d->out_path = g_strdup (options->out_path);
  if (options->out_stream != NULL)
    g_object_ref (options->out_stream);
  stva_job_run_async (predict_job, d, predict_data_free,
                      (GDestroyNotify) stva_predict_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

StvaPredictResult *
stva_engine_predict_finish (GAsyncResult *res,
                            StvaJobKept  *kept,
                            GError      **error)
{
  return stva_job_run_finish (res, kept, NULL, error);
}

typedef struct
{
  StvaPredictDialogueOptions options;   /* its strings owned */
  char                      *project, *label_set, *model_path;
} DialogueData;

static void
dialogue_data_free (gpointer p)
{
  DialogueData *d = p;
  g_free (d->project);
  g_free (d->label_set);
  g_free (d->model_path);
  g_free (d);
}

static gboolean
dialogue_job (StvaJob  *job,
              gpointer  data,
              gpointer *result,
              GError  **error)
{
  DialogueData *d = data;
  *result = stva_engine_predict_dialogue (job, &d->options, error);
  return *result != NULL;
}

void
stva_engine_predict_dialogue_async (const StvaPredictDialogueOptions *options,
                                    StvaJobProgressFunc               progress,
                                    gpointer                          progress_data,
                                    GCancellable                     *cancellable,
                                    GAsyncReadyCallback               callback,
                                    gpointer                          user_data)
{
  DialogueData *d = g_new0 (DialogueData, 1);
  d->options = *options;
  d->options.project = d->project = g_strdup (options->project);
  d->options.label_set = d->label_set = g_strdup (options->label_set);
  d->options.model_path = d->model_path = g_strdup (options->model_path);
  stva_job_run_async (dialogue_job, d, dialogue_data_free,
                      (GDestroyNotify) stva_predict_dialogue_result_free, progress,
                      progress_data, cancellable, callback, user_data);
}

StvaPredictDialogueResult *
stva_engine_predict_dialogue_finish (GAsyncResult *res,
                                     GError      **error)
{
  return stva_job_run_finish (res, NULL, NULL, error);
}
