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

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-project.h"
#include "stva-dataset.h"
#include "stva-graph.h"
#include "stva-metrics.h"
#include "stva-model.h"
#include "stva-modelfile.h"
#include "stva-npz.h"
#include "stva-train.h"

/* dialogues `predict` runs through the model in one stacked call */
#define PREDICT_PACK 16

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

/* ---- the data: an npz file or the project ------------------------------------------------- */

typedef struct
{
  const char *data;          /* --data FILE.npz, or NULL: the project */
  const char *project;       /* --project FILE, or NULL: the default project */
  const char *label_set;     /* --label-set NAME (project) */
  bool        gold;          /* --gold: gold labels instead of the current ones (project) */
  StvaDb     *db;            /* the project, when one is used */
  gint64      label_set_id;
  char       *name;          /* the file or project error messages name */
} Source;

static void
source_init (Source *src)
{
  memset (src, 0, sizeof *src);
  src->label_set = STVA_DB_MELD_SET;
}

/* Takes the options naming the data; true when argv[*i] was one of them. */
static bool
source_option (Source  *src,
               int      argc,
               char   **argv,
               int     *i)
{
  const char *a = argv[*i];
  bool has_value = *i + 1 < argc;
  if (strcmp (a, "--data") == 0 && has_value)
    src->data = argv[++*i];
  else if (strcmp (a, "--project") == 0 && has_value)
    src->project = argv[++*i];
  else if (strcmp (a, "--label-set") == 0 && has_value)
    src->label_set = argv[++*i];
  else if (strcmp (a, "--gold") == 0)
    src->gold = true;
  else
    return false;
  return true;
}

/* 0 when the options make sense, else the usage message. */
static const char *
source_check (const Source *src)
{
  if (src->data != NULL && src->project != NULL)
    return "give --data or --project, not both";
  if (src->data == NULL && src->project == NULL && !stva_cli_has_default_project ())
    return "no data: give --data FILE.npz or --project FILE (or set SYNCTVA_PROJECT, or run "
           "in a folder with one *.stva file)";
  return NULL;
}

static bool
source_uses_project (const Source *src)
{
  return src->data == NULL;
}

/* Loads the dataset; prints the failure and returns false. */
static bool
source_load (Source       *src,
             StvaDataset **ds)
{
  StvaError error = { 0 };
  *ds = NULL;
  if (src->data != NULL)
    {
      src->name = g_strdup (src->data);
      if (load_data (src->data, ds, &error) != STVA_OK)
        {
          stva_cli_fail ("%s", error.message);
          return false;
        }
      return true;
    }
  g_autoptr (GError) gerr = NULL;
  src->db = stva_cli_open_project (src->project, &gerr);
  if (src->db == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  src->name = g_strdup (stva_db_path (src->db));
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (src->db, src->label_set, &gerr);
  if (set == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  src->label_set_id = set->id;
  *ds = stva_db_dataset (src->db, set->id, !src->gold, NULL, &gerr);
  if (*ds == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  if (stva_dataset_validate (*ds, STVA_MODEL_MAX_T, &error) != STVA_OK)
    {
      stva_cli_fail ("%s: %s", src->name, error.message);
      stva_dataset_free (*ds);
      *ds = NULL;
      return false;
    }
  return true;
}

static void
source_clear (Source *src)
{
  if (src->db != NULL)
    stva_db_close (src->db);
  src->db = NULL;
  g_clear_pointer (&src->name, g_free);
}

/* The model file's SHA-256 (transfer full), or NULL with the failure printed. */
static char *
file_sha256 (const char *path)
{
  g_autoptr (GError) gerr = NULL;
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &bytes, &n, &gerr))
    {
      stva_cli_fail ("%s", gerr->message);
      return NULL;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n);
}

/* The model file's config as a JSON object (transfer full), "{}" when it cannot be read. */
static char *
model_config_json (const char *path)
{
  StvaModelFile mf;
  StvaError error = { 0 };
  if (stva_modelfile_read (path, &mf, &error) != STVA_OK)
    return g_strdup ("{}");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (int i = 0; i < mf.n_config; i++)
    {
      json_builder_set_member_name (b, mf.config[i].key);
      json_builder_add_string_value (b, mf.config[i].value);
    }
  json_builder_end_object (b);
  stva_modelfile_free (&mf);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Registers the model file in the project (again: the same id); 0 with the failure printed. */
static gint64
register_model (Source     *src,
                const char *model_path,
                const char *metrics_json)
{
  g_autofree char *hash = file_sha256 (model_path);
  if (hash == NULL)
    return 0;
  g_autofree char *config = model_config_json (model_path);
  g_autofree char *name = g_path_get_basename (model_path);
  g_autoptr (GError) gerr = NULL;
  gint64 id = stva_db_add_model (src->db, name, hash, src->label_set_id, config, metrics_json,
                                 &gerr);
  if (id == 0)
    stva_cli_fail ("%s", gerr->message);
  return id;
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
  const char *out = NULL, *preset = "default";
  bool json = false;
  Source src;
  source_init (&src);
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
      else if (source_option (&src, argc, argv, &i))
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
  const char *bad = source_check (&src);
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

  if (!source_load (&src, &ds))
    {
      source_clear (&src);
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
  if (source_uses_project (&src))
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
      g_string_append (metrics, "}");
      model_id = register_model (&src, out, metrics->str);
      if (model_id == 0)
        goto out;
    }
  if (json)
    {
      printf ("{\"model\": ");
      json_string (stdout, out);
      if (model_id != 0)
        printf (", \"model_id\": %" G_GINT64_FORMAT, model_id);
      printf (", \"epochs_run\": %d, \"best_epoch\": %d, \"best_dev_weighted_f1\": ",
              result.epochs_run, result.best_epoch);
      json_number (stdout, result.best_dev_weighted_f1);
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
  free (train);
  free (dev);
  stva_metrics_clear (&dev_metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  source_clear (&src);
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
  Source src;
  source_init (&src);
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
      else if (source_option (&src, argc, argv, &i))
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
  const char *bad = source_check (&src);
  if (bad != NULL)
    return stva_cli_usage (eval_usage, "%s", bad);
  int split = split_from_name (split_name);
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
  if (!source_load (&src, &ds))
    goto out;
  const char *data = src.name;
  if (check_labels (&model, ds, model_path, data, &error) != STVA_OK)
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
  source_clear (&src);
  return rc;
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
store_predictions (Source                *src,
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
  "                [--out FILE.csv|FILE.jsonl]";

int
stva_cli_predict (int    argc,
                  char **argv)
{
  const char *model_path = NULL, *split_name = "all", *out_path = NULL;
  Source src;
  source_init (&src);
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
                  "only with --out.\n", predict_usage);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--model") == 0 && has_value)
        model_path = argv[++i];
      else if (source_option (&src, argc, argv, &i))
        continue;
      else if (strcmp (a, "--split") == 0 && has_value)
        split_name = argv[++i];
      else if (strcmp (a, "--out") == 0 && has_value)
        out_path = argv[++i];
      else
        return stva_cli_usage (predict_usage, "unknown or incomplete option '%s'", a);
    }
  if (model_path == NULL)
    return stva_cli_usage (predict_usage, "predict needs --model");
  const char *bad = source_check (&src);
  if (bad != NULL)
    return stva_cli_usage (predict_usage, "%s", bad);
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
  StvaModelOutput outs[PREDICT_PACK];   /* predictions of the current pack */
  const StvaDialogue *pack[PREDICT_PACK];
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
  if (!source_load (&src, &ds))
    goto out;
  const char *data = src.name;
  if (check_labels (&model, ds, model_path, data, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out;
    }
  if (source_uses_project (&src))
    {
      g_autoptr (GError) gerr = NULL;
      model_id = register_model (&src, model_path, "{}");
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
      if (pack_i == pack_n)   /* predict this and the next dialogues to show in one pack */
        {
          for (int k = 0; k < pack_n; k++)
            stva_model_output_clear (&outs[k]);
          pack_n = pack_i = 0;
          int rows = 0;   /* up to 256 utterances: the workspace grows with them */
          for (int e = d; e < ds->n_dialogues && pack_n < PREDICT_PACK && rows < 256; e++)
            if (split < 0 || ds->dialogues[e].split == split)
              {
                pack[pack_n++] = &ds->dialogues[e];
                rows += ds->dialogues[e].T;
              }
          if (stva_model_predict_batch (&model, ws, pack, pack_n, outs, &error) != STVA_OK)
            {
              pack_n = 0;
              stva_cli_fail ("%s: %s", data, error.message);
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
              json_string (f, ds->labels[pred->pred[t]]);
              fprintf (f, ", \"confidence\": %.6f, \"entropy\": %.6f, \"margin\": %.6f, "
                          "\"beta\": {\"T\": %.6f, \"A\": %.6f, \"V\": %.6f}, \"probs\": {",
                       pred->confidence[t], pred->entropy[t], pred->margin[t],
                       pred->beta[t * 3 + 0], pred->beta[t * 3 + 1], pred->beta[t * 3 + 2]);
              for (int k = 0; k < ds->K; k++)
                {
                  fprintf (f, "%s", k ? ", " : "");
                  json_string (f, ds->labels[k]);
                  fprintf (f, ": %.6f", pred->probs[t * ds->K + k]);
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
              csv_string (f, ds->labels[pred->pred[t]]);
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
  stva_model_workspace_free (ws);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  source_clear (&src);
  return rc;
}
