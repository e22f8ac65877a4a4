/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva audit: options on GOption, the engine's label audit job (stva-engine-audit.h),
 * printing the ranking as a table, JSON or a CSV file.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"

static const char audit_help[] =
  "Finds the labelled utterances whose label is most likely wrong (confident learning,\n"
  "Northcutt et al., JAIR 2021).  The dialogues of the split are dealt into K folds (a\n"
  "dialogue is never split); for each fold a model is trained as `synctva train` would, on\n"
  "the other folds, and predicts the held-out fold.  Per class j the threshold t_j is the\n"
  "mean out-of-fold probability of j over the utterances labelled j; an utterance whose most\n"
  "probable class among those at or above their threshold is not its label is a candidate.\n"
  "Every labelled utterance is ranked: candidates first, each group by the lowest probability\n"
  "of its label (self-confidence).  The ranking is stored in the project as an audit run,\n"
  "which the studio's review queue offers as an order (most likely errors first).\n"
  "\n"
  "--split train (the default) audits the train split, selecting each fold model's epoch on\n"
  "dev; --split all audits every split and keeps each fold model's last epoch.  The training\n"
  "options are train's.  Ctrl-C stops with nothing stored.  The table lists the first --top\n"
  "rows; --csv FILE writes every row (utterance_id, dialogue, split, index, text, given,\n"
  "suggested, score, rank, self_confidence, margin, candidate).";

static const char audit_usage[] = "synctva audit [--folds K] [--seed N] [--split train|all] "
                                  "[--json] [--csv FILE] [OPTION...]";

/* RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
static void
csv_field (GString    *s,
           const char *v)
{
  if (strpbrk (v, ",\"\r\n") == NULL)
    {
      g_string_append (s, v);
      return;
    }
  g_string_append_c (s, '"');
  for (; *v; v++)
    {
      if (*v == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *v);
    }
  g_string_append_c (s, '"');
}

static gboolean
write_csv (const char             *path,
           const StvaAuditReport  *r,
           GError                **error)
{
  g_autoptr (GString) s = g_string_new ("utterance_id,dialogue,split,index,text,given,suggested,"
                                        "score,rank,self_confidence,margin,candidate\n");
  for (guint i = 0; i < r->items->len; i++)
    {
      const StvaDbAuditItem *it = g_ptr_array_index (r->items, i);
      char score[G_ASCII_DTOSTR_BUF_SIZE], self[G_ASCII_DTOSTR_BUF_SIZE];
      char margin[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "%" G_GINT64_FORMAT ",", it->utterance_id);
      csv_field (s, it->dialogue);
      g_string_append_printf (s, ",%s,%d,", it->split, it->idx);
      csv_field (s, it->text);
      g_string_append_c (s, ',');
      csv_field (s, it->given);
      g_string_append_c (s, ',');
      csv_field (s, it->suggested);
      g_string_append_printf (s, ",%s,%d,%s,%s,%d\n",
                              g_ascii_formatd (score, sizeof score, "%.6f", it->score), it->rank,
                              g_ascii_formatd (self, sizeof self, "%.6f", it->self_confidence),
                              g_ascii_formatd (margin, sizeof margin, "%.6f", it->margin),
                              it->candidate ? 1 : 0);
    }
  return g_file_set_contents (path, s->str, (gssize) s->len, error);
}

int
stva_cli_audit (int    argc,
                char **argv)
{
  StvaCliDataArgs data_args;
  stva_cli_data_args_init (&data_args);
  char *folds = NULL, *seed = NULL, *split = NULL, *csv = NULL, *top = NULL;
  char *preset = NULL, *modalities = NULL;
  char *loss = NULL, *epochs = NULL, *patience = NULL, *lr = NULL, *batch = NULL;
  char *threads = NULL;
  char **sets = NULL;
  gboolean no_msde = FALSE, no_graph = FALSE, no_cross = FALSE, causal = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "folds", 0, 0, G_OPTION_ARG_STRING, &folds, "Folds, 2 to 20 (default 5)", "K" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Seed of the folds and the fold models "
      "(default 1)", "N" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, "The split audited (default train)",
      "train|all" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write every ranked utterance as CSV",
      "FILE" },
    { "top", 0, 0, G_OPTION_ARG_STRING, &top, "Rows in the table or JSON (default 20; 0: all)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as one JSON object", NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "default, meld, iemocap or tiny", "NAME" },
    { "no-msde", 0, 0, G_OPTION_ARG_NONE, &no_msde, "Ablation: no MSDE", NULL },
    { "no-graph", 0, 0, G_OPTION_ARG_NONE, &no_graph, "Ablation: no graph attention", NULL },
    { "no-cross", 0, 0, G_OPTION_ARG_NONE, &no_cross, "Ablation: no cross-modal fusion", NULL },
    { "causal", 0, 0, G_OPTION_ARG_NONE, &causal, "Ablation: no window into the future",
      NULL },
    { "modalities", 0, 0, G_OPTION_ARG_STRING, &modalities, "The modalities used", "T,A,V" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &loss, "ce or focal", "KIND" },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &epochs, "Epochs at most (max_epochs)", "N" },
    { "patience", 0, 0, G_OPTION_ARG_STRING, &patience, "Epochs without a better dev score",
      "N" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &lr, "Learning rate", "X" },
    { "batch", 0, 0, G_OPTION_ARG_STRING, &batch, "Dialogues per step (batch_size)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads, "Training threads", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Any config key (repeatable; seed is "
      "--seed's)", "KEY=VALUE" },
    { NULL },
  };
  int status = STVA_EXIT_USAGE;
  StvaDataSource source;
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (StvaJob) job = NULL;
  g_autoptr (StvaAuditReport) report = NULL;
  g_autoptr (GError) error = NULL;
  StvaCliProgress progress;
  StvaAuditOptions options = { .folds = STVA_AUDIT_FOLDS_DEFAULT, .seed = 1,
                               .split = STVA_SPLIT_TRAIN };
  long long v, n_top = 20;

  if (!stva_cli_parse (&argc, &argv, &status, "[OPTION...]", audit_help, entries,
                       data_args.entries, NULL))
    goto out;
  if (argc > 1)
    {
      status = stva_cli_usage (audit_usage, "audit: unexpected argument '%s'", argv[1]);
      goto out;
    }
  if (data_args.data != NULL)
    {
      status = stva_cli_usage (audit_usage, "audit stores its ranking in a project: give "
                               "--project, not --data");
      goto out;
    }
  if (folds != NULL)
    {
      if (!stva_cli_parse_int (folds, 2, STVA_AUDIT_FOLDS_MAX, &v))
        {
          status = stva_cli_usage (audit_usage, "--folds takes 2 to %d, not '%s'",
                                   STVA_AUDIT_FOLDS_MAX, folds);
          goto out;
        }
      options.folds = (int) v;
    }
  if (seed != NULL)
    {
      if (!stva_cli_parse_int (seed, 0, G_MAXINT64, &v))
        {
          status = stva_cli_usage (audit_usage, "--seed takes a non-negative integer, not '%s'",
                                   seed);
          goto out;
        }
      options.seed = (guint64) v;
    }
  if (split != NULL)
    {
      if (strcmp (split, "train") == 0)
        options.split = STVA_SPLIT_TRAIN;
      else if (strcmp (split, "all") == 0)
        options.split = STVA_DATA_ALL_SPLITS;
      else
        {
          status = stva_cli_usage (audit_usage, "--split takes train or all, not '%s'", split);
          goto out;
        }
    }
  if (top != NULL)
    {
      if (!stva_cli_parse_int (top, 0, G_MAXINT32, &n_top))
        {
          status = stva_cli_usage (audit_usage, "--top takes a count, not '%s'", top);
          goto out;
        }
    }
  if (!stva_cli_data_args_source (&data_args, "audit", &source, &status))
    goto out;
  status = STVA_EXIT_ERROR;
  if (csv != NULL && !stva_cli_output_ok (csv))   /* before the work, not after it */
    goto out;
  const struct { const char *key, *value; } named[] = {
    { "loss", loss }, { "max_epochs", epochs }, { "patience", patience }, { "lr", lr },
    { "batch_size", batch }, { "threads", threads },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (named); i++)
    if (named[i].value != NULL)
      g_ptr_array_add (settings, g_strdup_printf ("%s=%s", named[i].key, named[i].value));
  for (int i = 0; sets != NULL && sets[i] != NULL; i++)
    g_ptr_array_add (settings, g_strdup (sets[i]));
  g_ptr_array_add (settings, NULL);
  options.train = (StvaTrainOptions) {
    .source = source,
    .preset = preset,
    .no_msde = no_msde,
    .no_graph = no_graph,
    .no_cross = no_cross,
    .causal = causal,
    .modalities = modalities,
    .settings = (const char *const *) settings->pdata,
  };

  stva_cli_progress_init (&progress, "audit");
  job = stva_cli_job_new (&progress);
  gboolean ok = stva_engine_audit (job, &options, &report, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    {
      status = stva_cli_engine_fail ("audit", error);
      goto out;
    }
  if (csv != NULL && !write_csv (csv, report, &error))
    {
      status = stva_cli_fail ("%s", error->message);
      goto out;
    }
  if (json)
    {
      g_autoptr (JsonNode) root = stva_audit_report_to_json (report, (guint) n_top);
      stva_cli_print_json (root);
    }
  else
    {
      printf ("audit run %" G_GINT64_FORMAT " stored in %s: %d labelled utterances of %d "
              "dialogues (%s split), %d folds, seed %" G_GUINT64_FORMAT "; %.1f s\n",
              report->run_id, report->project, report->n_ranked, report->n_dialogues,
              report->split == STVA_SPLIT_TRAIN ? "train" : "all", report->folds, report->seed,
              report->seconds);
      printf ("%d candidates off the confident joint's diagonal; about %.0f label errors "
              "estimated; ranked by self-confidence, candidates first\n",
              report->n_candidates, report->estimated_errors);
      printf ("%5s %8s %-18s %4s %-10s %-10s %6s  %s\n", "rank", "utt", "dialogue", "idx",
              "given", "suggested", "p(given)", "text");
      for (guint i = 0; i < report->items->len && (n_top == 0 || i < (guint) n_top); i++)
        {
          const StvaDbAuditItem *it = g_ptr_array_index (report->items, i);
          g_autofree char *text = g_utf8_substring (it->text, 0,
                                                    MIN (g_utf8_strlen (it->text, -1), 40));
          printf ("%5d %8" G_GINT64_FORMAT " %-18s %4d %-10s %-10s %8.4f%s %s\n", it->rank,
                  it->utterance_id, it->dialogue, it->idx, it->given, it->suggested,
                  it->self_confidence, it->candidate ? "*" : " ", text);
        }
      if (csv != NULL)
        printf ("every row written to %s\n", csv);
    }
  status = STVA_EXIT_OK;

out:
  stva_cli_data_args_clear (&data_args);
  g_free (folds);
  g_free (seed);
  g_free (split);
  g_free (csv);
  g_free (top);
  g_free (preset);
  g_free (modalities);
  g_free (loss);
  g_free (epochs);
  g_free (patience);
  g_free (lr);
  g_free (batch);
  g_free (threads);
  g_strfreev (sets);
  return status;
}
