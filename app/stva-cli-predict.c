/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva predict: options, one call of stva_engine_predict () (engine/stva-engine-predict.h)
 * and the summary line.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gunixoutputstream.h>
#include <glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"

static const char predict_usage[] =
  "synctva predict --model MODEL.stvm [--data FILE.npz | --project FILE] [--split SPLIT]\n"
  "                [--out FILE.csv|FILE.jsonl] [--threads 1|2] [--pack N] (see --help)";

static const char predict_description[] =
  "Predicts every utterance: label, confidence, entropy, margin, modality strengths (beta)\n"
  "and class probabilities, as CSV (default, on stdout) or JSON lines (an --out name ending in\n"
  ".jsonl).  Without --data the project's utterances are predicted and every prediction\n"
  "(probabilities, beta, attention) is stored in the project, a transaction per pack of whole\n"
  "dialogues (Ctrl-C keeps the dialogues stored so far and says how many), the model\n"
  "registered if it is not yet; a table is written only with --out.  Dialogues go through the\n"
  "model in packs of up to --pack N (default 16, at most 256 utterances); --threads 2\n"
  "predicts two packs at a time, one per thread (default 1; results equal to rounding).";

int
stva_cli_predict (int    argc,
                  char **argv)
{
  g_autofree char *model_path = NULL, *split_name = NULL, *out_path = NULL;
  int threads = 1, pack = STVA_PREDICT_PACK_MAX, status;
  StvaCliDataArgs data;
  stva_cli_data_args_init (&data);
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "The model file", "MODEL.stvm" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      "The dialogues to predict (default: all)", "test|dev|train|none|all" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path,
      "Write the table here (CSV, or JSON lines for a .jsonl name)", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Packs predicted at a time (1 or 2)", "N" },
    { "pack", 0, 0, G_OPTION_ARG_INT, &pack, "Dialogues per pack (1 to 16)", "N" },
    { NULL },
  };
  int rc = STVA_EXIT_USAGE;
  StvaPredictOptions options;
  stva_predict_options_init (&options);
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = NULL;
  StvaPredictResult result = { 0 };
  StvaCliProgress progress;
  g_autoptr (StvaJob) job = NULL;

  if (!stva_cli_parse (&argc, &argv, &status, "--model MODEL.stvm", predict_description,
                       entries, data.entries, NULL))
    {
      rc = status;
      goto out;
    }
  if (argc > 1)
    {
      rc = stva_cli_usage (predict_usage, "predict: unexpected argument '%s'", argv[1]);
      goto out;
    }
  if (model_path == NULL)
    {
      rc = stva_cli_usage (predict_usage, "predict needs --model");
      goto out;
    }
  if (threads < 1 || threads > STVA_PREDICT_THREADS_MAX)
    {
      rc = stva_cli_usage (predict_usage, "predict: --threads takes 1 or 2, not %d", threads);
      goto out;
    }
  if (pack < 1 || pack > STVA_PREDICT_PACK_MAX)
    {
      rc = stva_cli_usage (predict_usage, "predict: --pack takes 1 to %d, not %d",
                           STVA_PREDICT_PACK_MAX, pack);
      goto out;
    }
  if (!stva_cli_split_option (split_name, &options.split, &error))
    {
      rc = stva_cli_engine_fail ("predict", error);
      goto out;
    }
  if (!stva_cli_data_args_source (&data, "predict", &options.source, &status))
    {
      rc = status;
      goto out;
    }
  options.model_path = model_path;
  options.store = options.source.data == NULL;
  options.out_path = out_path;
  options.threads = threads;
  options.pack = pack;
  if (out_path == NULL && !options.store)
    {
      out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      options.out_stream = out;
      options.table = STVA_PREDICT_TABLE_CSV;
    }
  stva_cli_progress_init (&progress, "predicting");
  job = stva_cli_job_new (&progress);
  gboolean ok = stva_engine_predict (job, &options, &result, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    {
      rc = stva_cli_engine_fail ("predict", error);
      goto out;
    }
  if (options.store)
    fprintf (stdout, "%s: stored %" G_GINT64_FORMAT " predictions of model %" G_GINT64_FORMAT
             " (%s)\n", result.data_name, result.n_stored, result.model_id, model_path);
  rc = STVA_EXIT_OK;

out:
  stva_predict_result_clear (&result);
  stva_cli_data_args_clear (&data);
  return rc;
}
