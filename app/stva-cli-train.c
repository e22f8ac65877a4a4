/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva train and eval: options on GOption, one engine job (stva-engine-train.h), printing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"

/* Refuses a positional argument left after the options. */
static gboolean
no_arguments (const char  *command,
              int          argc,
              char       **argv,
              int         *status)
{
  if (argc <= 1)
    return TRUE;
  fprintf (stderr, "synctva: %s: unexpected argument '%s'\nusage: see synctva %s --help\n",
           command, argv[1], command);
  *status = STVA_EXIT_USAGE;
  return FALSE;
}

/* ---- train -------------------------------------------------------------------------------- */

static const char train_help[] =
  "Trains a Sync-TVA model on the train split, selecting the epoch by the weighted F1 on the\n"
  "dev split (never on test), and writes the best model.  A line per epoch goes to stderr;\n"
  "Ctrl-C stops and keeps the best model so far.  --set sets any config key (see `synctva\n"
  "model info` of a model for the list); --epochs and the like are applied first, then each\n"
  "--set in order.\n"
  "\n"
  "With a project (--project FILE, $SYNCTVA_PROJECT or the single *.stva here, when no --data\n"
  "is given) the dataset is the project's features with the current labels of the label set\n"
  "(--gold: the gold labels), and the model is registered in the project with its file hash,\n"
  "config, dev metrics and every epoch's history.\n"
  "\n"
  "Retraining: --from MODEL.stvm starts from that model's weights and, when the file has it,\n"
  "its training state (optimiser moments, step, epochs done), so `--epochs 8 --stop-after 4`\n"
  "then `--from` the result with `--epochs 8` ends where 8 epochs in one go end.  The\n"
  "architecture is the model's (no --preset or ablations); on a project the new model records\n"
  "the one it came from.";

int
stva_cli_train (int    argc,
                char **argv)
{
  StvaCliDataArgs data_args;
  stva_cli_data_args_init (&data_args);
  char *out = NULL, *from = NULL, *preset = NULL, *modalities = NULL;
  char *loss = NULL, *epochs = NULL, *patience = NULL, *lr = NULL, *batch = NULL;
  char *threads = NULL, *seed = NULL;
  char **sets = NULL;
  gboolean no_msde = FALSE, no_graph = FALSE, no_cross = FALSE, causal = FALSE, json = FALSE;
  int stop_after = 0;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "The model file to write (required)",
      "MODEL.stvm" },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, "Retrain from this model file", "MODEL.stvm" },
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
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Random seed", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Any config key (repeatable)",
      "KEY=VALUE" },
    { "stop-after", 0, 0, G_OPTION_ARG_INT, &stop_after,
      "Stop after N epochs of this run (the schedule still spans --epochs)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as one JSON object", NULL },
    { NULL },
  };
  int status = STVA_EXIT_USAGE;
  StvaDataSource source;
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (StvaJob) job = NULL;
  StvaCliProgress progress;
  StvaTrainReport report;
  memset (&report, 0, sizeof report);
  g_autoptr (GError) error = NULL;

  if (!stva_cli_parse (&argc, &argv, &status, "[OPTION...]", train_help, entries,
                       data_args.entries, NULL)
      || !no_arguments ("train", argc, argv, &status))
    goto out;
  if (out == NULL)
    {
      status = stva_cli_usage ("synctva train --out MODEL.stvm [OPTION...]",
                               "train needs --out");
      goto out;
    }
  if (stop_after < 0)
    {
      status = stva_cli_usage ("synctva train --stop-after N", "--stop-after takes N >= 0");
      goto out;
    }
  if (!stva_cli_data_args_source (&data_args, "train", &source, &status))
    goto out;
  status = STVA_EXIT_ERROR;
  if (!stva_cli_output_ok (out))   /* before the training, not after it */
    goto out;
  const struct { const char *key, *value; } named[] = {
    { "loss", loss }, { "max_epochs", epochs }, { "patience", patience }, { "lr", lr },
    { "batch_size", batch }, { "threads", threads }, { "seed", seed },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (named); i++)
    if (named[i].value != NULL)
      g_ptr_array_add (settings, g_strdup_printf ("%s=%s", named[i].key, named[i].value));
  for (int i = 0; sets != NULL && sets[i] != NULL; i++)
    g_ptr_array_add (settings, g_strdup (sets[i]));
  g_ptr_array_add (settings, NULL);

  StvaTrainOptions options = {
    .source = source,
    .out = out,
    .from = from,
    .preset = preset,
    .no_msde = no_msde,
    .no_graph = no_graph,
    .no_cross = no_cross,
    .causal = causal,
    .modalities = modalities,
    .settings = (const char *const *) settings->pdata,
    .stop_after = stop_after,
  };
  stva_cli_progress_init (&progress, "training");
  job = stva_cli_job_new (&progress);
  gboolean ok = stva_engine_train (job, &options, &report, &error);
  stva_cli_progress_finish (&progress);
  if (!ok && !report.cancelled)
    {
      status = stva_cli_engine_fail ("train", error);
      goto out;
    }
  if (!ok)   /* cancelled after an epoch: the best model so far was saved */
    fprintf (stderr, "synctva: %s\n", error->message);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, report.model_path);
      if (report.model_id != 0)
        {
          json_builder_set_member_name (b, "model_id");
          json_builder_add_int_value (b, report.model_id);
        }
      if (report.parent_id != 0)
        {
          json_builder_set_member_name (b, "parent_id");
          json_builder_add_int_value (b, report.parent_id);
        }
      json_builder_set_member_name (b, "epochs_run");
      json_builder_add_int_value (b, report.epochs_run);
      json_builder_set_member_name (b, "best_epoch");
      json_builder_add_int_value (b, report.best_epoch);
      stva_data_json_number (b, "best_dev_weighted_f1", report.best_dev_weighted_f1);
      json_builder_set_member_name (b, "stopped_early");
      json_builder_add_boolean_value (b, report.stopped_early);
      json_builder_set_member_name (b, "interrupted");
      json_builder_add_boolean_value (b, report.cancelled);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, report.seconds);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      stva_cli_print_json (root);
    }
  else
    {
      printf ("%s: best epoch %d of %d, dev weighted F1 %.4f%s; %.1f s\n", report.model_path,
              report.best_epoch, report.epochs_run, report.best_dev_weighted_f1,
              report.stopped_early ? " (stopped early)" : "", report.seconds);
      if (report.model_id != 0)
        printf ("registered in %s as model %" G_GINT64_FORMAT "\n", source.project,
                report.model_id);
      if (report.parent_id != 0)
        printf ("retrained from model %" G_GINT64_FORMAT "\n", report.parent_id);
    }
  status = STVA_EXIT_OK;

out:
  stva_train_report_clear (&report);
  stva_cli_data_args_clear (&data_args);
  g_free (out);
  g_free (from);
  g_free (preset);
  g_free (modalities);
  g_free (loss);
  g_free (epochs);
  g_free (patience);
  g_free (lr);
  g_free (batch);
  g_free (threads);
  g_free (seed);
  g_strfreev (sets);
  return status;
}

/* ---- eval --------------------------------------------------------------------------------- */

static const char eval_help[] =
  "Scores a model on one split (default test; all: every dialogue): accuracy, weighted and\n"
  "macro F1, per-class precision/recall/F1 and the confusion matrix.  Without --data the\n"
  "project's features and current labels (--gold: gold) are scored.  --compare MODEL2 scores a\n"
  "second model on the same utterances and shows both side by side with the change of each\n"
  "score (MODEL2 minus MODEL).  --model-id N and --compare-id M score a model registered in\n"
  "the project by the predictions stored for it (synctva predict) instead of running a file.";

static void
print_metrics_table (const StvaMetrics *m,
                     char *const       *labels,
                     const char        *split)
{
  printf ("%s: %lld utterances\n", split, (long long) m->n);
  printf ("  %-12s %9s %9s %9s %9s\n", "class", "precision", "recall", "F1", "support");
  for (int k = 0; k < m->K; k++)
    printf ("  %-12s %9.4f %9.4f %9.4f %9lld\n", labels[k], m->precision[k], m->recall[k],
            m->f1[k], (long long) m->support[k]);
  printf ("  %-12s %9s %9s %9.4f %9lld\n", "weighted F1", "", "", m->weighted_f1,
          (long long) m->n);
  printf ("  %-12s %9s %9s %9.4f\n", "macro F1", "", "", m->macro_f1);
  printf ("  %-12s %9s %9s %9.4f\n", "accuracy", "", "", m->accuracy);
  printf ("confusion (rows gold, columns predicted):\n  %-12s", "");
  for (int k = 0; k < m->K; k++)
    printf (" %8.8s", labels[k]);
  printf ("\n");
  for (int g = 0; g < m->K; g++)
    {
      printf ("  %-12s", labels[g]);
      for (int p = 0; p < m->K; p++)
        printf (" %8lld", (long long) m->confusion[g * m->K + p]);
      printf ("\n");
    }
}

static void
print_compare_table (const StvaEvalReport *r)
{
  const StvaMetrics *a = &r->metrics[0], *b = &r->metrics[1];
  printf ("%s: %lld utterances\n", stva_data_split_name (r->split), (long long) a->n);
  for (int i = 0; i < 2; i++)
    {
      printf ("  %c = %s", "AB"[i], r->model_path[i]);
      if (r->model_id[i] != 0)
        printf (" (model %" G_GINT64_FORMAT ", stored predictions, %lld utterances)",
                r->model_id[i], (long long) r->metrics[i].n);
      putchar ('\n');
    }
  printf ("  %-12s %9s %9s %9s %9s\n", "class", "F1 A", "F1 B", "change", "support");
  for (int k = 0; k < r->K; k++)
    printf ("  %-12s %9.4f %9.4f %+9.4f %9lld\n", r->labels[k], a->f1[k], b->f1[k],
            b->f1[k] - a->f1[k], (long long) a->support[k]);
  printf ("  %-12s %9.4f %9.4f %+9.4f %9lld\n", "weighted F1", a->weighted_f1, b->weighted_f1,
          b->weighted_f1 - a->weighted_f1, (long long) a->n);
  printf ("  %-12s %9.4f %9.4f %+9.4f\n", "macro F1", a->macro_f1, b->macro_f1,
          b->macro_f1 - a->macro_f1);
  printf ("  %-12s %9.4f %9.4f %+9.4f\n", "accuracy", a->accuracy, b->accuracy,
          b->accuracy - a->accuracy);
}

int
stva_cli_eval (int    argc,
               char **argv)
{
  StvaCliDataArgs data_args;
  stva_cli_data_args_init (&data_args);
  char *model = NULL, *compare = NULL, *split_name = NULL;
  gint64 model_id = 0, compare_id = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model, "The model file", "MODEL.stvm" },
    { "compare", 0, 0, G_OPTION_ARG_FILENAME, &compare,
      "A second model, scored on the same utterances", "MODEL2.stvm" },
    { "model-id", 0, 0, G_OPTION_ARG_INT64, &model_id,
      "Instead of --model: the project's model N, scored by its stored predictions", "N" },
    { "compare-id", 0, 0, G_OPTION_ARG_INT64, &compare_id,
      "Instead of --compare: the project's model M, by its stored predictions", "M" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name, "The split scored (default test)",
      "test|dev|train|none|all" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL },
  };
  int status = STVA_EXIT_USAGE, split = STVA_SPLIT_TEST;
  StvaDataSource source;
  StvaEvalReport report;
  memset (&report, 0, sizeof report);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaJob) job = NULL;
  StvaCliProgress progress;

  if (!stva_cli_parse (&argc, &argv, &status, "--model MODEL.stvm [OPTION...]", eval_help,
                       entries, data_args.entries, NULL)
      || !no_arguments ("eval", argc, argv, &status))
    goto out;
  if ((model == NULL) == (model_id == 0) || (compare != NULL && compare_id != 0)
      || model_id < 0 || compare_id < 0)
    {
      status = stva_cli_usage ("synctva eval (--model MODEL.stvm | --model-id N) [OPTION...]",
                               model == NULL && model_id == 0
                               ? "eval needs --model (or --model-id)"
                               : "give one model of each: a file or a positive model id");
      goto out;
    }
  if (split_name != NULL && !stva_cli_split_option (split_name, &split, &error))
    {
      status = stva_cli_engine_fail ("eval", error);
      goto out;
    }
  if (!stva_cli_data_args_source (&data_args, "eval", &source, &status))
    goto out;
  StvaEvalOptions options = {
    .source = source,
    .model = model,
    .compare = compare,
    .split = split,
    .model_id = model_id,
    .compare_id = compare_id,
  };
  stva_cli_progress_init (&progress, "evaluating");
  job = stva_cli_job_new (&progress);
  gboolean ok = stva_engine_eval (job, &options, &report, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    {
      status = stva_cli_engine_fail ("eval", error);
      goto out;
    }
  if (json)
    {
      g_autoptr (JsonNode) root = stva_eval_report_to_json (&report);
      stva_cli_print_json (root);
    }
  else if (report.n_models == 2)
    print_compare_table (&report);
  else
    print_metrics_table (&report.metrics[0], report.labels, stva_data_split_name (split));
  status = STVA_EXIT_OK;

out:
  stva_eval_report_clear (&report);
  stva_cli_data_args_clear (&data_args);
  g_free (model);
  g_free (compare);
  g_free (split_name);
  return status;
}
