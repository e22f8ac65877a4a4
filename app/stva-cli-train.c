/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva train, eval and predict on an npz dataset (core/model/stva-npz.h's layout, what
 * `synctva extract` writes).  Argument parsing and printing only: training, evaluation and
 * prediction are core's.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-dataset.h"
#include "stva-metrics.h"
#include "stva-model.h"
#include "stva-npz.h"
#include "stva-train.h"

/* ---- shared ------------------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

static int
split_from_name (const char *s)
{
  for (int k = 0; k < STVA_N_SPLIT; k++)
    if (strcmp (s, stva_split_name (k)) == 0)
      return k;
  if (strcmp (s, "val") == 0 || strcmp (s, "validation") == 0)
    return STVA_SPLIT_DEV;
  return -1;
}

/* Indices of the dialogues of one split (malloc'ed). */
static int *
dialogues_of (const StvaDataset *ds,
              int                split,
              int               *n)
{
  int *idx = malloc ((size_t) (ds->n_dialogues ? ds->n_dialogues : 1) * sizeof *idx);
  *n = 0;
  if (idx == NULL)
    return NULL;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (ds->dialogues[d].split == split)
      idx[(*n)++] = d;
  return idx;
}

static StvaStatus
load_data (const char   *path,
           StvaDataset **ds,
           StvaError    *error)
{
  StvaStatus status = stva_npz_read_dataset (path, ds, error);
  if (status == STVA_OK)
    status = stva_dataset_validate (*ds, STVA_MODEL_MAX_T, error);
  if (status != STVA_OK && *ds != NULL)
    {
      stva_dataset_free (*ds);
      *ds = NULL;
    }
  return status;
}

/* The model's class names must be the dataset's, in the same order. */
static StvaStatus
check_labels (const StvaModel   *model,
              const StvaDataset *ds,
              const char        *model_path,
              const char        *data_path,
              StvaError         *error)
{
  if (model->config.K != ds->K)
    return stva_error_set (error, STVA_ERR_INVALID, "%s has %d classes, %s has %d", model_path,
                           model->config.K, data_path, ds->K);
  for (int k = 0; k < ds->K && model->labels != NULL; k++)
    if (strcmp (model->labels[k], ds->labels[k]) != 0)
      return stva_error_set (error, STVA_ERR_INVALID, "class %d is '%s' in %s but '%s' in %s", k,
                             model->labels[k], model_path, ds->labels[k], data_path);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (&model->config, m) && model->config.F[m] != ds->F[m])
      return stva_error_set (error, STVA_ERR_INVALID, "%s expects %d %s features, %s has %d",
                             model_path, model->config.F[m], stva_modality_name (m), data_path,
                             ds->F[m]);
  return STVA_OK;
}

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
json_string (FILE       *f,
             const char *s)
{
  fputc ('"', f);
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        fprintf (f, "\\%c", c);
      else if (c < 0x20)
        fprintf (f, "\\u%04x", c);
      else
        fputc (c, f);
    }
  fputc ('"', f);
}

/* A CSV field, always quoted, quotes doubled (RFC 4180). */
static void
csv_string (FILE       *f,
            const char *s)
{
  fputc ('"', f);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        fputc ('"', f);
      fputc (*s, f);
    }
  fputc ('"', f);
}

static void
json_number (FILE  *f,
             double v)
{
  if (isfinite (v))
    fprintf (f, "%.6g", v);
  else
    fputs ("null", f);
}

static void
print_metrics_json (const StvaMetrics *m,
                    char *const       *labels,
                    const char        *split,
                    const char        *model_path)
{
  printf ("{\"split\": ");
  json_string (stdout, split);
  printf (", \"model\": ");
  json_string (stdout, model_path);
  printf (", \"n\": %lld, \"accuracy\": ", (long long) m->n);
  json_number (stdout, m->accuracy);
  printf (", \"weighted_f1\": ");
  json_number (stdout, m->weighted_f1);
  printf (", \"macro_f1\": ");
  json_number (stdout, m->macro_f1);
  printf (", \"per_class\": {");
  for (int k = 0; k < m->K; k++)
    {
      printf ("%s", k ? ", " : "");
      json_string (stdout, labels[k]);
      printf (": {\"precision\": ");
      json_number (stdout, m->precision[k]);
      printf (", \"recall\": ");
      json_number (stdout, m->recall[k]);
      printf (", \"f1\": ");
      json_number (stdout, m->f1[k]);
      printf (", \"support\": %lld}", (long long) m->support[k]);
    }
  printf ("}, \"labels\": [");
  for (int k = 0; k < m->K; k++)
    {
      printf ("%s", k ? ", " : "");
      json_string (stdout, labels[k]);
    }
  printf ("], \"confusion\": [");
  for (int g = 0; g < m->K; g++)
    {
      printf ("%s[", g ? ", " : "");
      for (int p = 0; p < m->K; p++)
        printf ("%s%lld", p ? ", " : "", (long long) m->confusion[g * m->K + p]);
      printf ("]");
    }
  printf ("], \"selection\": \"validation split only\"}\n");
}

/* ---- train -------------------------------------------------------------------------------- */

static const char train_usage[] =
  "synctva train --data FILE.npz --out MODEL.stvm [--preset default|meld|iemocap|tiny]\n"
  "              [--no-msde] [--no-graph] [--no-cross] [--causal] [--modalities T,A,V]\n"
  "              [--loss ce|focal] [--epochs N] [--patience N] [--lr X] [--batch N]\n"
  "              [--threads N] [--seed N] [--set KEY=VALUE]... [--json]";

static const char train_help[] =
  "Trains a Sync-TVA model on the train split of an npz dataset, selecting the epoch by the\n"
  "weighted F1 on the dev split (never on test), and writes the best model.  A line per\n"
  "epoch goes to stderr; Ctrl-C stops and keeps the best model so far.  --set sets any\n"
  "config key (see `synctva model info` of a model for the list).\n";

typedef struct
{
  bool   json;
  double start_s;
} TrainView;

static bool
on_epoch (const StvaTrainProgress *p,
          void                    *user_data)
{
  (void) user_data;
  fprintf (stderr, "epoch %3d/%d  loss %.4f  dev wF1 %.4f  acc %.4f  best %.4f @%d  lr %.2e  "
           "%.1f s\n", p->epoch, p->max_epochs, p->train_loss, p->dev_weighted_f1,
           p->dev_accuracy, p->best_dev_weighted_f1, p->best_epoch, p->lr, p->seconds);
  return !interrupted;
}

int
stva_cli_train (int    argc,
                char **argv)
{
  const char *data = NULL, *out = NULL, *preset = "default";
  bool json = false;
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
      else if (strcmp (a, "--data") == 0 && has_value)
        data = argv[++i];
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
  if (data == NULL || out == NULL)
    return stva_cli_usage (train_usage, "train needs --data and --out");

  StvaError error = { 0 };
  StvaDataset *ds = NULL;
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaModelConfig config;
  int rc = STVA_EXIT_ERROR;
  int *train = NULL, *dev = NULL, n_train = 0, n_dev = 0;

  if (load_data (data, &ds, &error) != STVA_OK)
    return stva_cli_fail ("%s", error.message);

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

  train = dialogues_of (ds, STVA_SPLIT_TRAIN, &n_train);
  dev = dialogues_of (ds, STVA_SPLIT_DEV, &n_dev);
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
  StvaStatus status = stva_train (&model, ds, train, n_train, dev, n_dev, on_epoch, NULL,
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
  if (json)
    {
      printf ("{\"model\": ");
      json_string (stdout, out);
      printf (", \"epochs_run\": %d, \"best_epoch\": %d, \"best_dev_weighted_f1\": ",
              result.epochs_run, result.best_epoch);
      json_number (stdout, result.best_dev_weighted_f1);
      printf (", \"stopped_early\": %s, \"interrupted\": %s, \"seconds\": %.3f}\n",
              result.stopped_early ? "true" : "false",
              status == STVA_ERR_CANCELLED ? "true" : "false", seconds);
    }
  else
    printf ("%s: best epoch %d of %d, dev weighted F1 %.4f%s; %.1f s\n", out, result.best_epoch,
            result.epochs_run, result.best_dev_weighted_f1,
            result.stopped_early ? " (stopped early)" : "", seconds);
  rc = STVA_EXIT_OK;

out:
  free (train);
  free (dev);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return rc;
}

/* ---- eval --------------------------------------------------------------------------------- */

static const char eval_usage[] =
  "synctva eval --model MODEL.stvm --data FILE.npz [--split test|dev|train] [--json]";

int
stva_cli_eval (int    argc,
               char **argv)
{
  const char *model_path = NULL, *data = NULL, *split_name = "test";
  bool json = false;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\nScores a model on one split of an npz dataset: accuracy, "
                  "weighted and macro F1,\nper-class precision/recall/F1 and the confusion "
                  "matrix.\n", eval_usage);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--model") == 0 && has_value)
        model_path = argv[++i];
      else if (strcmp (a, "--data") == 0 && has_value)
        data = argv[++i];
      else if (strcmp (a, "--split") == 0 && has_value)
        split_name = argv[++i];
      else if (strcmp (a, "--json") == 0)
        json = true;
      else
        return stva_cli_usage (eval_usage, "unknown or incomplete option '%s'", a);
    }
  if (model_path == NULL || data == NULL)
    return stva_cli_usage (eval_usage, "eval needs --model and --data");
  int split = split_from_name (split_name);
  if (split < 0)
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
  if (load_data (data, &ds, &error) != STVA_OK
      || check_labels (&model, ds, model_path, data, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  idx = dialogues_of (ds, split, &n);
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
    print_metrics_json (&metrics, ds->labels, stva_split_name (split), model_path);
  else
    print_metrics_table (&metrics, ds->labels, stva_split_name (split));
  rc = STVA_EXIT_OK;

out:
  free (idx);
  stva_metrics_clear (&metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return rc;
}

/* ---- predict ------------------------------------------------------------------------------ */

static const char predict_usage[] =
  "synctva predict --model MODEL.stvm --data FILE.npz [--split all|train|dev|test]\n"
  "                [--out FILE.csv|FILE.jsonl]";

int
stva_cli_predict (int    argc,
                  char **argv)
{
  const char *model_path = NULL, *data = NULL, *split_name = "all", *out_path = NULL;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\nPredicts every utterance: label, confidence, entropy, margin,\n"
                  "modality strengths (beta) and class probabilities, as CSV (default, on\n"
                  "stdout) or JSON lines (an --out name ending in .jsonl).\n", predict_usage);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--model") == 0 && has_value)
        model_path = argv[++i];
      else if (strcmp (a, "--data") == 0 && has_value)
        data = argv[++i];
      else if (strcmp (a, "--split") == 0 && has_value)
        split_name = argv[++i];
      else if (strcmp (a, "--out") == 0 && has_value)
        out_path = argv[++i];
      else
        return stva_cli_usage (predict_usage, "unknown or incomplete option '%s'", a);
    }
  if (model_path == NULL || data == NULL)
    return stva_cli_usage (predict_usage, "predict needs --model and --data");
  int split = strcmp (split_name, "all") == 0 ? -1 : split_from_name (split_name);
  if (split < 0 && strcmp (split_name, "all") != 0)
    return stva_cli_usage (predict_usage, "--split takes all, train, dev or test");
  size_t len = out_path != NULL ? strlen (out_path) : 0;
  bool jsonl = len > 6 && strcmp (out_path + len - 6, ".jsonl") == 0;

  StvaError error = { 0 };
  StvaModel model;
  memset (&model, 0, sizeof model);
  StvaDataset *ds = NULL;
  StvaModelWorkspace *ws = NULL;
  StvaModelOutput pred;
  memset (&pred, 0, sizeof pred);
  FILE *f = stdout;
  char *tmp = NULL;
  int rc = STVA_EXIT_ERROR;

  if (stva_model_load (&model, model_path, &error) != STVA_OK)
    return stva_cli_fail ("%s", error.message);
  if (load_data (data, &ds, &error) != STVA_OK
      || check_labels (&model, ds, model_path, data, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  ws = stva_model_workspace_new (&model.config);
  if (ws == NULL)
    {
      stva_cli_fail ("out of memory");
      goto out;
    }
  if (out_path != NULL)
    {
      tmp = malloc (len + 5);
      snprintf (tmp, len + 5, "%s.tmp", out_path);
      f = fopen (tmp, "w");
      if (f == NULL)
        {
          stva_cli_fail ("%s: cannot write", tmp);
          f = stdout;
          goto out;
        }
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
      if (stva_model_predict (&model, ws, dlg, &pred, &error) != STVA_OK)
        {
          stva_cli_fail ("%s: dialogue %s: %s", data, dlg->id, error.message);
          goto out;
        }
      for (int t = 0; t < dlg->T; t++)
        {
          const char *gold = dlg->label[t] >= 0 ? ds->labels[dlg->label[t]] : "";
          const char *utt = dlg->utt_id != NULL ? dlg->utt_id[t] : "";
          const char *spk = ds->speakers != NULL ? ds->speakers[dlg->speaker[t]] : "";
          if (jsonl)
            {
              fprintf (f, "{\"dialogue\": ");
              json_string (f, dlg->id);
              fprintf (f, ", \"utterance\": ");
              json_string (f, utt);
              fprintf (f, ", \"index\": %d, \"split\": \"%s\", \"speaker\": ", t,
                       stva_split_name (dlg->split));
              json_string (f, spk);
              fprintf (f, ", \"gold\": ");
              if (dlg->label[t] >= 0)
                json_string (f, gold);
              else
                fprintf (f, "null");
              fprintf (f, ", \"predicted\": ");
              json_string (f, ds->labels[pred.pred[t]]);
              fprintf (f, ", \"confidence\": %.6f, \"entropy\": %.6f, \"margin\": %.6f, "
                          "\"beta\": {\"T\": %.6f, \"A\": %.6f, \"V\": %.6f}, \"probs\": {",
                       pred.confidence[t], pred.entropy[t], pred.margin[t],
                       pred.beta[t * 3 + 0], pred.beta[t * 3 + 1], pred.beta[t * 3 + 2]);
              for (int k = 0; k < ds->K; k++)
                {
                  fprintf (f, "%s", k ? ", " : "");
                  json_string (f, ds->labels[k]);
                  fprintf (f, ": %.6f", pred.probs[t * ds->K + k]);
                }
              fprintf (f, "}}\n");
            }
          else
            {
              /* ids and names come from user files: quoted */
              csv_string (f, dlg->id);
              fputc (',', f);
              csv_string (f, utt);
              fprintf (f, ",%s,", stva_split_name (dlg->split));
              csv_string (f, spk);
              fputc (',', f);
              csv_string (f, gold);
              fputc (',', f);
              csv_string (f, ds->labels[pred.pred[t]]);
              fprintf (f, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", pred.confidence[t], pred.entropy[t],
                       pred.margin[t], pred.beta[t * 3 + 0], pred.beta[t * 3 + 1],
                       pred.beta[t * 3 + 2]);
              for (int k = 0; k < ds->K; k++)
                fprintf (f, ",%.6f", pred.probs[t * ds->K + k]);
              fprintf (f, "\n");
            }
        }
      stva_cli_progress_update (&progress, d + 1, ds->n_dialogues);
    }
  stva_cli_progress_finish (&progress);
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
  if (f != stdout)
    {
      fclose (f);
      remove (tmp);
    }
  free (tmp);
  stva_model_output_clear (&pred);
  stva_model_workspace_free (ws);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return rc;
}
