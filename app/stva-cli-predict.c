/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva predict, on an npz dataset or the project: every prediction stored in the project
 * (probabilities, β and the attention maps as db/stva-db.h's blob) and/or written as CSV or
 * JSONL.  Argument parsing and printing only: prediction is core's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"
#include "stva-dataset.h"
#include "stva-graph.h"
#include "stva-metrics.h"
#include "stva-model.h"
#include "stva-modelfile.h"
#include "stva-npz.h"
#include "stva-train.h"

/* dialogues `predict` runs through the model in one stacked call, and packs predicted at once
 * (one per thread, --threads) */
#define PREDICT_PACK  16
#define PREDICT_PACKS 2

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

static gpointer
pack_thread (gpointer data)
{
  PackJob *job = data;
  job->status = stva_model_predict_batch (job->model, job->ws, job->dlgs, job->n, job->outs,
                                          &job->error);
  return NULL;
}

/* The attention of utterance t of a prediction as the SATN blob of stva-db.h: "msde.T" (1, T)
 * its MSDE context row; "caf.T<-A" (H, T) its row of each head of cross-attention T <- A;
 * "graph.TA.l0" (2H, 2T) each head's row of its first-modality node, then of its
 * second-modality node, over the pair graph's 2T nodes. */
static GBytes *
attention_blob (const StvaModelOutput *pred,
                int                    t)
{
  static const char L[STVA_N_MOD] = { 'T', 'A', 'V' };
  int T = pred->T, H = pred->H;
  StvaDbAttnMap maps[STVA_N_MOD + STVA_N_MOD * STVA_N_MOD + STVA_N_PAIRS * STVA_MODEL_MAX_LAYERS];
  guint n = 0;
  for (int m = 0; m < STVA_N_MOD; m++)
    if (pred->msde_alpha[m] != NULL)
      {
        StvaDbAttnMap *map = &maps[n++];
        map->name = g_strdup_printf ("msde.%c", L[m]);
        map->rows = 1;
        map->cols = (guint32) T;
        map->data = g_memdup2 (pred->msde_alpha[m] + (size_t) t * (size_t) T,
                               (gsize) T * sizeof (float));
      }
  for (int m = 0; m < STVA_N_MOD; m++)
    for (int m2 = 0; m2 < STVA_N_MOD; m2++)
      if (pred->caf_alpha[m][m2] != NULL)
        {
          StvaDbAttnMap *map = &maps[n++];
          map->name = g_strdup_printf ("caf.%c<-%c", L[m], L[m2]);
          map->rows = (guint32) H;
          map->cols = (guint32) T;
          map->data = g_new (float, (gsize) H * (gsize) T);
          for (int h = 0; h < H; h++)
            memcpy (map->data + (size_t) h * (size_t) T,
                    pred->caf_alpha[m][m2] + ((size_t) h * (size_t) T + (size_t) t) * (size_t) T,
                    (size_t) T * sizeof (float));
        }
  for (int p = 0; p < STVA_N_PAIRS; p++)
    for (int l = 0; l < pred->L && l < STVA_MODEL_MAX_LAYERS; l++)
      if (pred->graph_alpha[p][l] != NULL)
        {
          size_t N = 2 * (size_t) T;
          StvaDbAttnMap *map = &maps[n++];
          map->name = g_strdup_printf ("graph.%s.l%d", stva_pair_name (p), l);
          map->rows = (guint32) (2 * H);
          map->cols = (guint32) N;
          map->data = g_new (float, 2 * (gsize) H * N);
          for (int side = 0; side < 2; side++)
            for (int h = 0; h < H; h++)
              {
                size_t node = (size_t) t + (size_t) side * (size_t) T;
                memcpy (map->data + ((size_t) side * (size_t) H + (size_t) h) * N,
                        pred->graph_alpha[p][l] + ((size_t) h * N + node) * N,
                        N * sizeof (float));
              }
        }
  GBytes *blob = n > 0 ? stva_db_attention_pack (maps, n) : NULL;
  for (guint k = 0; k < n; k++)
    {
      g_free (maps[k].name);
      g_free (maps[k].data);
    }
  return blob;
}

/* Stores a dialogue's predictions (inside the caller's transaction); false after printing. */
static bool
store_predictions (StvaCliSource         *src,
                   gint64                 model_id,
                   const StvaDialogue    *dlg,
                   const StvaModelOutput *pred)
{
  for (int t = 0; t < dlg->T; t++)
    {
      g_autoptr (GError) gerr = NULL;
      char *end = NULL;
      gint64 utt = dlg->utt_id != NULL ? g_ascii_strtoll (dlg->utt_id[t], &end, 10) : 0;
      if (utt <= 0 || end == NULL || *end != '\0')
        {
          stva_cli_fail ("%s: dialogue %s has no utterance id at %d", src->name, dlg->id, t);
          return false;
        }
      g_autoptr (GBytes) attention = attention_blob (pred, t);
      if (!stva_db_put_prediction (src->db, model_id, utt, pred->probs + (size_t) t * pred->K,
                                   (guint) pred->K, pred->beta + (size_t) t * 3, attention,
                                   &gerr))
        {
          stva_cli_fail ("%s", gerr->message);
          return false;
        }
    }
  return true;
}

/* ---- predict ------------------------------------------------------------------------------ */

static const char predict_usage[] =
  "synctva predict --model MODEL.stvm (--data FILE.npz | --project FILE [--gold]\n"
  "                [--label-set NAME]) [--split all|train|dev|test|none]\n"
  "                [--out FILE.csv|FILE.jsonl] [--threads 1|2] [--pack N]";

int
stva_cli_predict (int    argc,
                  char **argv)
{
  const char *model_path = NULL, *split_name = "all", *out_path = NULL;
  int threads = 1, pack_max = PREDICT_PACK, blas_threads = 0;   /* 0: OpenBLAS's left alone */
  StvaCliSource src;
  stva_cli_source_init (&src);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\nPredicts every utterance: label, confidence, entropy, margin,\n"
                  "modality strengths (beta) and class probabilities, as CSV (default, on\n"
                  "stdout) or JSON lines (an --out name ending in .jsonl).\n"
                  "Without --data the project's utterances are predicted and every prediction\n"
                  "(probabilities, beta, attention) is stored in the project in one\n"
                  "transaction, the model registered if it is not yet; a table is written\n"
                  "only with --out.  Dialogues go through the model in packs of up to\n"
                  "--pack N (default %d, at most 256 utterances); --threads 2 predicts two\n"
                  "packs at a time, one per thread (default 1; results equal to rounding).\n",
                  predict_usage, PREDICT_PACK);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--model") == 0 && has_value)
        model_path = argv[++i];
      else if (stva_cli_source_option (&src, argc, argv, &i))
        continue;
      else if (strcmp (a, "--split") == 0 && has_value)
        split_name = argv[++i];
      else if (strcmp (a, "--out") == 0 && has_value)
        out_path = argv[++i];
      else if (strcmp (a, "--threads") == 0 && has_value)
        {
          long long v;
          if (!stva_cli_parse_int (argv[++i], 1, PREDICT_PACKS, &v))
            return stva_cli_usage (predict_usage, "--threads takes 1 or 2, not '%s'", argv[i]);
          threads = (int) v;
        }
      else if (strcmp (a, "--pack") == 0 && has_value)
        {
          long long v;
          if (!stva_cli_parse_int (argv[++i], 1, PREDICT_PACK, &v))
            return stva_cli_usage (predict_usage, "--pack takes 1 to %d, not '%s'", PREDICT_PACK,
                                   argv[i]);
          pack_max = (int) v;
        }
      else
        return stva_cli_usage (predict_usage, "unknown or incomplete option '%s'", a);
    }
  if (model_path == NULL)
    return stva_cli_usage (predict_usage, "predict needs --model");
  const char *bad = stva_cli_source_check (&src);
  if (bad != NULL)
    return stva_cli_usage (predict_usage, "%s", bad);
  int split = strcmp (split_name, "all") == 0 ? -1 : stva_cli_split_from_name (split_name);
  if (split < 0 && strcmp (split_name, "all") != 0)
    return stva_cli_usage (predict_usage, "--split takes all, train, dev, test or none");
  size_t len = out_path != NULL ? strlen (out_path) : 0;
  bool jsonl = len > 6 && strcmp (out_path + len - 6, ".jsonl") == 0;

  StvaError error = { 0 };
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaDataset *ds = NULL;
  StvaModelWorkspace *ws[PREDICT_PACKS] = { NULL };
  StvaModelOutput outs[PREDICT_PACKS * PREDICT_PACK];   /* predictions of the current packs */
  const StvaDialogue *pack[PREDICT_PACKS * PREDICT_PACK];
  int pack_n = 0, pack_i = 0;
  memset (outs, 0, sizeof outs);
  FILE *f = stdout;
  char *tmp = NULL;
  int rc = STVA_EXIT_ERROR;

  FILE *null_out = NULL;
  gint64 model_id = 0;
  bool in_transaction = false, table = true;
  long long n_stored = 0;
  if (stva_model_load (&model, model_path, &error) != STVA_OK)
    return stva_cli_fail ("%s", error.message);
  if (!stva_cli_source_load (&src, &ds))
    goto out;
  const char *data = src.name;
  if (stva_cli_check_labels (&model, ds, model_path, data, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  if (stva_cli_source_uses_project (&src))
    {
      g_autoptr (GError) gerr = NULL;
      model_id = stva_cli_register_model (&src, model_path, "{}");
      if (model_id == 0)
        goto out;
      if (!stva_db_begin (src.db, &gerr))
        {
          stva_cli_fail ("%s", gerr->message);
          goto out;
        }
      in_transaction = true;
      table = out_path != NULL;
    }
  for (int w = 0; w < threads; w++)
    if ((ws[w] = stva_model_workspace_new (&model.config)) == NULL)
      {
        stva_cli_fail ("out of memory");
        goto out;
      }
  /* with a pack per thread, OpenBLAS's own threads would only compete with ours (as in
   * training, stva-train.h): one each while predicting, restored at the end */
  if (threads > 1)
    {
      blas_threads = openblas_get_num_threads ();
      openblas_set_num_threads (1);
    }
  if (out_path != NULL)
    {
      tmp = malloc (len + 5);
      snprintf (tmp, len + 5, "%s.tmp", out_path);
      f = fopen (tmp, "w");
      if (f == NULL)
        {
          stva_cli_fail ("%s: cannot write: %s", tmp, strerror (errno));
          f = stdout;
          goto out;
        }
    }
  if (!table)
    {
      null_out = fopen ("/dev/null", "w");
      if (null_out == NULL)
        {
          stva_cli_fail ("/dev/null: cannot write");
          goto out;
        }
      f = null_out;
    }
  if (!jsonl)
    {
      fprintf (f, "dialogue,utterance,split,speaker,gold,predicted,confidence,entropy,margin,"
                  "beta_T,beta_A,beta_V");
      for (int k = 0; k < ds->K; k++)
        fprintf (f, ",p_%s", ds->labels[k]);
      fprintf (f, "\n");
    }
  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "predicting");
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dlg = &ds->dialogues[d];
      if (split >= 0 && dlg->split != split)
        continue;
      if (pack_i == pack_n)   /* predict this and the next dialogues, a pack per thread */
        {
          for (int k = 0; k < pack_n; k++)
            stva_model_output_clear (&outs[k]);
          pack_n = pack_i = 0;
          int first[PREDICT_PACKS] = { 0 }, count[PREDICT_PACKS] = { 0 }, e = d;
          for (int p = 0; p < threads; p++)
            {
              int rows = 0;   /* up to 256 utterances: the workspace grows with them */
              first[p] = pack_n;
              for (; e < ds->n_dialogues && count[p] < pack_max && rows < 256; e++)
                if (split < 0 || ds->dialogues[e].split == split)
                  {
                    pack[pack_n++] = &ds->dialogues[e];
                    count[p]++;
                    rows += ds->dialogues[e].T;
                  }
            }
          PackJob second = { .model = &model, .ws = ws[1], .dlgs = pack + first[1],
                             .n = count[1], .outs = outs + first[1], .status = STVA_OK };
          GThread *helper = NULL;
          if (threads > 1 && count[1] > 0
              && (helper = g_thread_try_new ("predict", pack_thread, &second, NULL)) == NULL)
            pack_thread (&second);   /* no thread: the second pack after the first */
          StvaStatus status = stva_model_predict_batch (&model, ws[0], pack, count[0], outs,
                                                        &error);
          if (helper != NULL)
            g_thread_join (helper);
          if (status != STVA_OK || second.status != STVA_OK)
            {
              if (status == STVA_OK)
                for (int k = 0; k < count[0]; k++)
                  stva_model_output_clear (&outs[k]);
              if (second.status == STVA_OK)
                for (int k = 0; k < count[1]; k++)
                  stva_model_output_clear (&outs[first[1] + k]);
              pack_n = 0;
              stva_cli_fail ("%s: %s", data,
                             status != STVA_OK ? error.message : second.error.message);
              goto out;
            }
        }
      g_assert (pack[pack_i] == dlg);
      const StvaModelOutput *pred = &outs[pack_i++];
      if (in_transaction && !store_predictions (&src, model_id, dlg, pred))
        goto out;
      n_stored += in_transaction ? dlg->T : 0;
      for (int t = 0; t < dlg->T; t++)
        {
          const char *gold = dlg->label[t] >= 0 ? ds->labels[dlg->label[t]] : "";
          const char *utt = dlg->utt_id != NULL ? dlg->utt_id[t] : "";
          const char *spk = ds->speakers != NULL ? ds->speakers[dlg->speaker[t]] : "";
          if (jsonl)
            {
              fprintf (f, "{\"dialogue\": ");
              stva_cli_json_string (f, dlg->id);
              fprintf (f, ", \"utterance\": ");
              stva_cli_json_string (f, utt);
              fprintf (f, ", \"index\": %d, \"split\": \"%s\", \"speaker\": ", t,
                       stva_split_name (dlg->split));
              stva_cli_json_string (f, spk);
              fprintf (f, ", \"gold\": ");
              if (dlg->label[t] >= 0)
                stva_cli_json_string (f, gold);
              else
                fprintf (f, "null");
              fprintf (f, ", \"predicted\": ");
              stva_cli_json_string (f, ds->labels[pred->pred[t]]);
              fprintf (f, ", \"confidence\": %.6f, \"entropy\": %.6f, \"margin\": %.6f, "
                          "\"beta\": {\"T\": %.6f, \"A\": %.6f, \"V\": %.6f}, \"probs\": {",
                       pred->confidence[t], pred->entropy[t], pred->margin[t],
                       pred->beta[t * 3 + 0], pred->beta[t * 3 + 1], pred->beta[t * 3 + 2]);
              for (int k = 0; k < ds->K; k++)
                {
                  fprintf (f, "%s", k ? ", " : "");
                  stva_cli_json_string (f, ds->labels[k]);
                  fprintf (f, ": %.6f", pred->probs[t * ds->K + k]);
                }
              fprintf (f, "}}\n");
            }
          else
            {
              /* ids and names come from user files: quoted */
              stva_cli_csv_string (f, dlg->id);
              fputc (',', f);
              stva_cli_csv_string (f, utt);
              fprintf (f, ",%s,", stva_split_name (dlg->split));
              stva_cli_csv_string (f, spk);
              fputc (',', f);
              stva_cli_csv_string (f, gold);
              fputc (',', f);
              stva_cli_csv_string (f, ds->labels[pred->pred[t]]);
              fprintf (f, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", pred->confidence[t], pred->entropy[t],
                       pred->margin[t], pred->beta[t * 3 + 0], pred->beta[t * 3 + 1],
                       pred->beta[t * 3 + 2]);
              for (int k = 0; k < ds->K; k++)
                fprintf (f, ",%.6f", pred->probs[t * ds->K + k]);
              fprintf (f, "\n");
            }
        }
      stva_cli_progress_update (&progress, d + 1, ds->n_dialogues);
    }
  stva_cli_progress_finish (&progress);
  if (in_transaction)
    {
      g_autoptr (GError) gerr = NULL;
      if (!stva_db_commit (src.db, &gerr))
        {
          stva_cli_fail ("%s", gerr->message);
          goto out;
        }
      in_transaction = false;
      fprintf (table && f == stdout ? stderr : stdout,
               "%s: stored %lld predictions of model %" G_GINT64_FORMAT " (%s)\n", data,
               n_stored, model_id, model_path);
    }
  if (null_out != NULL)
    {
      fclose (null_out);
      null_out = NULL;
      f = stdout;
    }
  if (f != stdout)
    {
      bool ok = fclose (f) == 0;
      f = stdout;
      if (!ok || rename (tmp, out_path) != 0)
        {
          stva_cli_fail ("%s: cannot write", out_path);
          goto out;
        }
    }
  rc = STVA_EXIT_OK;

out:
  if (in_transaction)
    stva_db_rollback (src.db);
  if (null_out != NULL)
    {
      fclose (null_out);
      f = stdout;
    }
  if (f != stdout)
    {
      fclose (f);
      remove (tmp);
    }
  free (tmp);
  for (int k = 0; k < pack_n; k++)
    stva_model_output_clear (&outs[k]);
  for (int w = 0; w < PREDICT_PACKS; w++)
    stva_model_workspace_free (ws[w]);
  if (blas_threads > 0)
    openblas_set_num_threads (blas_threads);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  stva_cli_source_clear (&src);
  return rc;
}
