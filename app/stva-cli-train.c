/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva train and eval, on an npz dataset (core/model/stva-npz.h's layout, what `synctva
 * extract` writes) or on the project.  Argument parsing and printing only: training and
 * evaluation are core's.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

/* ---- train -------------------------------------------------------------------------------- */

static const char train_usage[] =
  "synctva train (--data FILE.npz | --project FILE [--gold] [--label-set NAME])\n"
  "              --out MODEL.stvm [--preset default|meld|iemocap|tiny]\n"
  "              [--no-msde] [--no-graph] [--no-cross] [--causal] [--modalities T,A,V]\n"
  "              [--loss ce|focal] [--epochs N] [--patience N] [--lr X] [--batch N]\n"
  "              [--threads N] [--seed N] [--set KEY=VALUE]... [--json]";

static const char train_help[] =
  "Trains a Sync-TVA model on the train split of an npz dataset, selecting the epoch by the\n"
  "weighted F1 on the dev split (never on test), and writes the best model.  A line per\n"
  "epoch goes to stderr; Ctrl-C stops and keeps the best model so far.  --set sets any\n"
  "config key (see `synctva model info` of a model for the list).\n"
  "\n"
  "With a project (--project FILE, $SYNCTVA_PROJECT or the single *.stva here, when no\n"
  "--data is given) the dataset is the project's features with the current labels of the\n"
  "label set (--gold: the gold labels), and the model is registered in the project with its\n"
  "file hash, config and dev metrics.\n";

/* prints the epoch's line and keeps it in the history (a GArray of StvaTrainProgress) */
static bool
on_epoch (const StvaTrainProgress *p,
          void                    *user_data)
{
  g_array_append_val ((GArray *) user_data, *p);
  fprintf (stderr, "epoch %3d/%d  loss %.4f  dev wF1 %.4f  acc %.4f  best %.4f @%d  lr %.2e  "
           "%.1f s\n", p->epoch, p->max_epochs, p->train_loss, p->dev_weighted_f1,
           p->dev_accuracy, p->best_dev_weighted_f1, p->best_epoch, p->lr, p->seconds);
  return !interrupted;
}

int
stva_cli_train (int    argc,
                char **argv)
{
  const char *out = NULL, *preset = "default";
  bool json = false;
  StvaCliSource src;
  stva_cli_source_init (&src);
  const char *ablations[16];
  int n_ablations = 0;
  const char *sets[64];
  int n_sets = 0;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\n", train_usage);
          fputs (train_help, stdout);
          return STVA_EXIT_OK;
        }
      else if (stva_cli_source_option (&src, argc, argv, &i))
        continue;
      else if (strcmp (a, "--out") == 0 && has_value)
        out = argv[++i];
      else if (strcmp (a, "--preset") == 0 && has_value)
        preset = argv[++i];
      else if (strcmp (a, "--no-msde") == 0 || strcmp (a, "--no-graph") == 0
               || strcmp (a, "--no-cross") == 0 || strcmp (a, "--causal") == 0)
        {
          if (n_ablations < 16)
            ablations[n_ablations++] = a;
        }
      else if (strcmp (a, "--modalities") == 0 && has_value)
        {
          if (n_ablations < 16)
            ablations[n_ablations++] = argv[++i];
          else
            i++;
        }
      else if ((strcmp (a, "--loss") == 0 || strcmp (a, "--epochs") == 0
                || strcmp (a, "--patience") == 0 || strcmp (a, "--lr") == 0
                || strcmp (a, "--batch") == 0 || strcmp (a, "--threads") == 0
                || strcmp (a, "--seed") == 0 || strcmp (a, "--set") == 0) && has_value)
        {
          if (n_sets >= 62)
            return stva_cli_usage (train_usage, "too many settings");
          sets[n_sets++] = a;
          sets[n_sets++] = argv[++i];
        }
      else if (strcmp (a, "--json") == 0)
        json = true;
      else
        return stva_cli_usage (train_usage, "unknown or incomplete option '%s'", a);
    }
  if (out == NULL)
    return stva_cli_usage (train_usage, "train needs --out");
  if (!stva_cli_output_ok (out))   /* before the training, not after it */
    return STVA_EXIT_ERROR;
  const char *bad = stva_cli_source_check (&src);
  if (bad != NULL)
    return stva_cli_usage (train_usage, "%s", bad);

  StvaError error = { 0 };
  StvaDataset *ds = NULL;
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaModelConfig config;
  int rc = STVA_EXIT_ERROR;
  int *train = NULL, *dev = NULL, n_train = 0, n_dev = 0;
  StvaMetrics dev_metrics;
  memset (&dev_metrics, 0, sizeof dev_metrics);
  gint64 model_id = 0;
  GArray *history = g_array_new (FALSE, FALSE, sizeof (StvaTrainProgress));   /* every epoch */

  if (!stva_cli_source_load (&src, &ds))
    {
      stva_cli_source_clear (&src);
      g_array_unref (history);
      return STVA_EXIT_ERROR;
    }
  const char *data = src.name;

  stva_model_config_init (&config);
  if (stva_model_config_preset (&config, preset, &error) != STVA_OK)
    {
      stva_cli_usage (train_usage, "%s", error.message);
      rc = STVA_EXIT_USAGE;
      goto out;
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    config.F[m] = ds->F[m];
  config.K = ds->K;
  for (int k = 0; k < n_ablations; k++)
    {
      const char *a = ablations[k];
      char name[64];
      if (strncmp (a, "--", 2) == 0)
        {
          snprintf (name, sizeof name, "%s", a + 2);
          for (char *p = name; *p; p++)
            if (*p == '-')
              *p = '_';
        }
      else
        snprintf (name, sizeof name, "modalities=%s", a);
      if (stva_model_config_ablation (&config, name, &error) != STVA_OK)
        {
          stva_cli_usage (train_usage, "%s", error.message);
          rc = STVA_EXIT_USAGE;
          goto out;
        }
    }
  for (int k = 0; k < n_sets; k += 2)
    {
      const char *opt = sets[k], *value = sets[k + 1];
      char key[64], val[256];
      if (strcmp (opt, "--set") == 0)
        {
          const char *eq = strchr (value, '=');
          if (eq == NULL || eq == value || (size_t) (eq - value) >= sizeof key)
            {
              stva_cli_usage (train_usage, "--set takes KEY=VALUE, not '%s'", value);
              rc = STVA_EXIT_USAGE;
              goto out;
            }
          snprintf (key, sizeof key, "%.*s", (int) (eq - value), value);
          snprintf (val, sizeof val, "%s", eq + 1);
        }
      else
        {
          static const char *const map[][2] = {
            { "--loss", "loss" }, { "--epochs", "max_epochs" }, { "--patience", "patience" },
            { "--lr", "lr" }, { "--batch", "batch_size" }, { "--threads", "threads" },
            { "--seed", "seed" },
          };
          key[0] = '\0';
          for (size_t j = 0; j < sizeof map / sizeof map[0]; j++)
            if (strcmp (opt, map[j][0]) == 0)
              snprintf (key, sizeof key, "%s", map[j][1]);
          snprintf (val, sizeof val, "%s", value);
        }
      if (stva_model_config_set (&config, key, val, &error) != STVA_OK)
        {
          stva_cli_usage (train_usage, "%s", error.message);
          rc = STVA_EXIT_USAGE;
          goto out;
        }
    }
  if (stva_model_config_validate (&config, &error) != STVA_OK
      || stva_model_init (&model, &config, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  model.labels = calloc ((size_t) ds->K, sizeof *model.labels);
  for (int k = 0; k < ds->K && model.labels != NULL; k++)
    model.labels[k] = strdup (ds->labels[k]);

  train = stva_cli_dialogues_of (ds, STVA_SPLIT_TRAIN, &n_train);
  dev = stva_cli_dialogues_of (ds, STVA_SPLIT_DEV, &n_dev);
  if (train == NULL || dev == NULL)
    {
      stva_cli_fail ("out of memory");
      goto out;
    }
  if (n_train == 0)
    {
      stva_cli_fail ("%s has no dialogues in the train split", data);
      goto out;
    }
  if (n_dev == 0)
    fprintf (stderr, "synctva: warning: %s has no dev split: the last epoch is kept\n", data);
  fprintf (stderr, "training on %d dialogues, selecting on %d (dev); %zu parameters\n",
           n_train, n_dev, stva_params_count (&model.params));

  struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);
  StvaTrainResult result;
  double t0 = stva_cli_now_s ();
  StvaStatus status = stva_train (&model, ds, train, n_train, dev, n_dev, on_epoch, history,
                                  &result, &error);
  double seconds = stva_cli_now_s () - t0;
  sigaction (SIGINT, &old_sa, NULL);
  if (status == STVA_ERR_CANCELLED)
    fprintf (stderr, "synctva: interrupted: saving the best model so far\n");
  else if (status != STVA_OK)
    {
      stva_cli_fail ("%s: %s", data, error.message);
      goto out;
    }
  if (stva_model_save (&model, out, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  if (stva_cli_source_uses_project (&src))
    {
      if (n_dev > 0
          && stva_model_evaluate (&model, ds, dev, n_dev, NULL, NULL, &dev_metrics, &error)
               != STVA_OK)
        {
          stva_cli_fail ("%s: dev split: %s", data, error.message);
          goto out;
        }
      g_autoptr (GString) metrics = g_string_new ("{\"labels\": ");
      g_string_append_printf (metrics, "\"%s\", \"best_epoch\": %d, \"epochs_run\": %d",
                              src.gold ? "gold" : "current", result.best_epoch,
                              result.epochs_run);
      if (n_dev > 0 && isfinite (dev_metrics.weighted_f1) && isfinite (dev_metrics.accuracy)
          && isfinite (dev_metrics.macro_f1))
        g_string_append_printf (metrics, ", \"dev\": {\"n\": %lld, \"accuracy\": %.6g, "
                                "\"weighted_f1\": %.6g, \"macro_f1\": %.6g}",
                                (long long) dev_metrics.n, dev_metrics.accuracy,
                                dev_metrics.weighted_f1, dev_metrics.macro_f1);
      /* every epoch, for learning curves (synctva figure training); no dev split: nulls */
      g_string_append (metrics, ", \"history\": [");
      for (guint e = 0; e < history->len; e++)
        {
          const StvaTrainProgress *h = &g_array_index (history, StvaTrainProgress, e);
          g_string_append_printf (metrics, "%s{\"epoch\": %d, \"lr\": %.6g, \"seconds\": %.4g",
                                  e ? ", " : "", h->epoch, h->lr, h->seconds);
          if (isfinite (h->train_loss))   /* a diverged epoch's loss is no number: null */
            g_string_append_printf (metrics, ", \"loss\": %.6g", h->train_loss);
          else
            g_string_append (metrics, ", \"loss\": null");
          if (isfinite (h->dev_weighted_f1) && isfinite (h->dev_accuracy))
            g_string_append_printf (metrics, ", \"dev_weighted_f1\": %.6g, \"dev_accuracy\": "
                                    "%.6g}", h->dev_weighted_f1, h->dev_accuracy);
          else
            g_string_append (metrics, ", \"dev_weighted_f1\": null, \"dev_accuracy\": null}");
        }
      g_string_append (metrics, "]}");
      model_id = stva_cli_register_model (&src, out, metrics->str);
      if (model_id == 0)
        goto out;
    }
  if (json)
    {
      printf ("{\"model\": ");
      stva_cli_json_string (stdout, out);
      if (model_id != 0)
        printf (", \"model_id\": %" G_GINT64_FORMAT, model_id);
      printf (", \"epochs_run\": %d, \"best_epoch\": %d, \"best_dev_weighted_f1\": ",
              result.epochs_run, result.best_epoch);
      stva_cli_json_number (stdout, result.best_dev_weighted_f1);
      printf (", \"stopped_early\": %s, \"interrupted\": %s, \"seconds\": %.3f}\n",
              result.stopped_early ? "true" : "false",
              status == STVA_ERR_CANCELLED ? "true" : "false", seconds);
    }
  else
    {
      printf ("%s: best epoch %d of %d, dev weighted F1 %.4f%s; %.1f s\n", out,
              result.best_epoch, result.epochs_run, result.best_dev_weighted_f1,
              result.stopped_early ? " (stopped early)" : "", seconds);
      if (model_id != 0)
        printf ("registered in %s as model %" G_GINT64_FORMAT "\n", data, model_id);
    }
  rc = STVA_EXIT_OK;

out:
  g_array_unref (history);
  free (train);
  free (dev);
  stva_metrics_clear (&dev_metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  stva_cli_source_clear (&src);
  return rc;
}

/* ---- eval --------------------------------------------------------------------------------- */

static const char eval_usage[] =
  "synctva eval --model MODEL.stvm (--data FILE.npz | --project FILE [--gold]\n"
  "             [--label-set NAME]) [--split test|dev|train] [--json]";

int
stva_cli_eval (int    argc,
               char **argv)
{
  const char *model_path = NULL, *split_name = "test";
  bool json = false;
  StvaCliSource src;
  stva_cli_source_init (&src);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\nScores a model on one split of an npz dataset: accuracy, "
                  "weighted and macro F1,\nper-class precision/recall/F1 and the confusion "
                  "matrix.\nWithout --data the project's features and current labels (--gold: "
                  "gold) are scored.\n", eval_usage);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--model") == 0 && has_value)
        model_path = argv[++i];
      else if (stva_cli_source_option (&src, argc, argv, &i))
        continue;
      else if (strcmp (a, "--split") == 0 && has_value)
        split_name = argv[++i];
      else if (strcmp (a, "--json") == 0)
        json = true;
      else
        return stva_cli_usage (eval_usage, "unknown or incomplete option '%s'", a);
    }
  if (model_path == NULL)
    return stva_cli_usage (eval_usage, "eval needs --model");
  const char *bad = stva_cli_source_check (&src);
  if (bad != NULL)
    return stva_cli_usage (eval_usage, "%s", bad);
  int split = stva_cli_split_from_name (split_name);
  if (split < 0 || split == STVA_SPLIT_NONE)   /* "none" holds recordings nobody labelled */
    return stva_cli_usage (eval_usage, "--split takes train, dev or test, not '%s'",
                           split_name);

  StvaError error = { 0 };
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaDataset *ds = NULL;
  StvaMetrics metrics;
  memset (&metrics, 0, sizeof metrics);
  int *idx = NULL, n = 0;
  int rc = STVA_EXIT_ERROR;
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
  idx = stva_cli_dialogues_of (ds, split, &n);
  if (idx == NULL || n == 0)
    {
      stva_cli_fail ("%s has no dialogues in the %s split", data, split_name);
      goto out;
    }
  if (stva_model_evaluate (&model, ds, idx, n, NULL, NULL, &metrics, &error) != STVA_OK)
    {
      stva_cli_fail ("%s: %s", data, error.message);
      goto out;
    }
  if (json)
    stva_cli_print_metrics_json (&metrics, ds->labels, stva_split_name (split), model_path);
  else
    stva_cli_print_metrics_table (&metrics, ds->labels, stva_split_name (split));
  rc = STVA_EXIT_OK;

out:
  free (idx);
  stva_metrics_clear (&metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  stva_cli_source_clear (&src);
  return rc;
}
