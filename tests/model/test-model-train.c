/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training of the Sync-TVA model: a small model memorises four dialogues of random features
 * and random labels (100% training accuracy); two runs with the same seed and two threads give
 * bit-identical parameters and a different seed does not; a callback returning false cancels
 * with STVA_ERR_CANCELLED; early stopping keeps the best epoch's parameters.  Continuing: N
 * epochs, saved with the training state, loaded and continued give the one-go run's weights
 * (with and without validation, two threads, after a cancel mid-epoch); a model file without
 * the state (one written by the format-version-1 code, tests/model/data/tiny-v1.stvm) loads and
 * starts a fresh run; truncated and doctored state sections are refused naming the file.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "stva-train.h"

enum { K = 3 };

/* n dialogues of random features (modality A missing now and then) and random labels; the
 * first n_train are train, the rest dev */
static StvaDataset *
random_dataset (int      n,
                int      n_train,
                uint64_t seed)
{
  static const int F[STVA_N_MOD] = { 6, 5, 4 };
  StvaRng rng;
  stva_rng_init (&rng, seed);
  StvaDataset *ds = calloc (1, sizeof *ds);
  memcpy (ds->F, F, sizeof F);
  ds->K = K;
  ds->labels = calloc (K, sizeof (char *));
  for (int k = 0; k < K; k++)
    ds->labels[k] = strdup (k == 0 ? "neutral" : k == 1 ? "joy" : "anger");
  ds->n_speakers = 2;
  ds->speakers = calloc (2, sizeof (char *));
  ds->speakers[0] = strdup ("Ross");
  ds->speakers[1] = strdup ("Rachel");
  ds->n_dialogues = n;
  ds->dialogues = calloc ((size_t) n, sizeof (StvaDialogue));
  for (int d = 0; d < n; d++)
    {
      StvaDialogue *dlg = &ds->dialogues[d];
      int T = 4 + (int) stva_rng_below (&rng, 4);
      dlg->id = strdup ("dialogue");
      dlg->split = d < n_train ? STVA_SPLIT_TRAIN : STVA_SPLIT_DEV;
      dlg->T = T;
      dlg->speaker = malloc ((size_t) T * sizeof (int));
      dlg->label = malloc ((size_t) T * sizeof (int));
      for (int i = 0; i < T; i++)
        {
          dlg->speaker[i] = (int) stva_rng_below (&rng, 2);
          dlg->label[i] = (int) stva_rng_below (&rng, K);
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          dlg->x[m] = malloc ((size_t) T * F[m] * sizeof (float));
          dlg->mask[m] = malloc ((size_t) T);
          for (int i = 0; i < T; i++)
            {
              dlg->mask[m][i] = m == STVA_MOD_A && stva_rng_uniform (&rng) < 0.2 ? 0 : 1;
              for (int f = 0; f < F[m]; f++)
                dlg->x[m][i * F[m] + f] = dlg->mask[m][i] ? (float) stva_rng_normal (&rng) : 0;
            }
        }
    }
  return ds;
}

static void
small_config (StvaModelConfig *c)
{
  stva_model_config_init (c);
  c->F[0] = 6;
  c->F[1] = 5;
  c->F[2] = 4;
  c->K = K;
  c->D = 16;
  c->H = 2;
  c->L = 1;
  c->batch_size = 2;
  c->warmup_frac = 0.05f;
  c->seed = 3;
}

/* input_norm: z-scores by default; "sparse" leaves the zeros of sparse dimensions zero and
 * scales them all by their common root mean square, dense ones z-scored as before */
static void
test_train_normalisation_sparse (void)
{
  StvaDataset *ds = random_dataset (6, 6, 21);
  /* text dimension 1 non-zero in every third row only, 4 in one row only */
  double sq = 0.0, n_rows = 0.0;
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      StvaDialogue *dlg = &ds->dialogues[d];
      for (int i = 0; i < dlg->T; i++)
        {
          float *x = dlg->x[STVA_MOD_T] + i * 6;
          int r = (int) n_rows;
          x[1] = r % 3 == 0 ? 0.5f + 0.1f * (float) (r % 5) : 0.0f;
          x[4] = r == 2 ? 3.0f : 0.0f;
          sq += (double) x[1] * x[1] + (double) x[4] * x[4];
          n_rows += 1.0;
        }
    }
  int all[6] = { 0, 1, 2, 3, 4, 5 };
  StvaModelConfig c;
  small_config (&c);
  StvaError error = { 0 };
  StvaModel zs, sp;
  g_assert_cmpint (stva_model_init (&zs, &c, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_fit_normalisation (&zs, ds, all, 6, &error), ==, STVA_OK);
  c.input_norm = STVA_INPUT_NORM_SPARSE;
  g_assert_cmpint (stva_model_init (&sp, &c, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_fit_normalisation (&sp, ds, all, 6, &error), ==, STVA_OK);
  float rms = (float) sqrt (sq / (2.0 * n_rows));
  for (int f = 0; f < 6; f++)
    if (f == 1 || f == 4)
      {
        g_assert_cmpfloat (sp.mean[STVA_MOD_T][f], ==, 0.0f);
        g_assert_cmpfloat_with_epsilon (sp.std[STVA_MOD_T][f], rms, 1e-6 * rms);
        g_assert_cmpfloat (zs.mean[STVA_MOD_T][f], >, 0.0f);   /* z-scored: centred */
        g_assert_cmpfloat (fabsf (zs.std[STVA_MOD_T][f] - rms), >, 1e-3f);
      }
    else   /* dense: as z-scoring */
      {
        g_assert_cmpfloat (sp.mean[STVA_MOD_T][f], ==, zs.mean[STVA_MOD_T][f]);
        g_assert_cmpfloat (sp.std[STVA_MOD_T][f], ==, zs.std[STVA_MOD_T][f]);
      }
  for (int m = 1; m < STVA_N_MOD; m++)   /* the normal audio and visual features: dense */
    for (int f = 0; f < c.F[m]; f++)
      g_assert_cmpfloat (sp.mean[m][f], ==, zs.mean[m][f]);
  /* the key is written only when not the default, and reads back */
  char buf[64];
  for (int i = 0; i < stva_model_config_n_keys (); i++)
    if (strcmp (stva_model_config_key (i), "input_norm") == 0)
      {
        g_assert_false (stva_model_config_written (&zs.config, i));
        g_assert_true (stva_model_config_written (&sp.config, i));
        stva_model_config_format (&sp.config, i, buf, sizeof buf);
        g_assert_cmpstr (buf, ==, "sparse");
      }
  uint8_t *bytes = NULL;
  size_t n_bytes = 0;
  StvaTrainState state;
  stva_train_state_init (&state);
  g_assert_cmpint (stva_model_save_buffer_with_state (&sp, &state, &bytes, &n_bytes, &error), ==,
                   STVA_OK);
  StvaModel back;
  g_assert_cmpint (stva_model_load_buffer_with_state (&back, &state, bytes, n_bytes, &error), ==,
                   STVA_OK);
  g_assert_cmpint (back.config.input_norm, ==, STVA_INPUT_NORM_SPARSE);
  g_assert_cmpmem (back.std[STVA_MOD_T], 6 * sizeof (float), sp.std[STVA_MOD_T],
                   6 * sizeof (float));
  g_assert_cmpint (stva_model_config_set (&c, "input_norm", "none", &error), ==,
                   STVA_ERR_FORMAT);
  free (bytes);
  stva_train_state_clear (&state);
  stva_model_clear (&back);
  stva_model_clear (&zs);
  stva_model_clear (&sp);
  stva_dataset_free (ds);
}

static void
test_train_overfit (void)
{
  StvaDataset *ds = random_dataset (4, 4, 11);
  StvaModelConfig c;
  small_config (&c);
  c.dropout = 0.0f;
  c.modality_dropout = 0.0f;
  c.lr = 5e-3f;
  c.weight_decay = 0.0f;
  c.max_epochs = 150;
  c.patience = 1000;
  StvaModel model;
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_init (&model, &c, &error), ==, STVA_OK);
  int idx[4] = { 0, 1, 2, 3 };
  StvaTrainResult res;
  if (stva_train (&model, ds, idx, 4, idx, 4, NULL, NULL, &res, &error) != STVA_OK)
    g_error ("%s", error.message);
  StvaMetrics metrics = { 0 };
  g_assert_cmpint (stva_model_evaluate (&model, ds, idx, 4, NULL, NULL, &metrics, &error), ==,
                   STVA_OK);
  g_test_message ("best epoch %d of %d, train loss %.4g, accuracy %.3f over %" G_GINT64_FORMAT
                  " utterances", res.best_epoch, res.epochs_run, res.final_train_loss,
                  metrics.accuracy, metrics.n);
  g_assert_cmpfloat (metrics.accuracy, ==, 1.0);
  g_assert_cmpfloat (res.best_dev_weighted_f1, ==, 1.0);
  g_assert_nonnull (model.labels);   /* taken from the data, for the model file */
  g_assert_cmpstr (model.labels[1], ==, "joy");
  stva_metrics_clear (&metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
}

static void
train_once (StvaModel   *model,
            StvaDataset *ds,
            uint64_t     seed,
            int          threads)
{
  StvaModelConfig c;
  small_config (&c);
  c.seed = seed;
  c.threads = threads;
  c.max_epochs = 4;
  c.batch_size = 4;
  g_assert_cmpint (stva_model_init (model, &c, NULL), ==, STVA_OK);
  StvaError error = { 0 };
  g_assert_cmpint (stva_train (model, ds, NULL, 0, NULL, 0, NULL, NULL, NULL, &error), ==,
                   STVA_OK);
}

static void
test_train_deterministic (void)
{
  StvaDataset *ds = random_dataset (10, 7, 12);
  StvaModel a, b, other;
  train_once (&a, ds, 5, 2);
  train_once (&b, ds, 5, 2);
  train_once (&other, ds, 6, 2);
  size_t n = a.params.n_floats;
  g_assert_cmpint (memcmp (a.params.values, b.params.values, n * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (a.params.values, other.params.values, n * sizeof (float)), !=, 0);
  /* and training moved the parameters */
  StvaModel init;
  StvaModelConfig c = a.config;
  g_assert_cmpint (stva_model_init (&init, &c, NULL), ==, STVA_OK);
  g_assert_cmpint (memcmp (a.params.values, init.params.values, n * sizeof (float)), !=, 0);
  stva_model_clear (&init);
  stva_model_clear (&a);
  stva_model_clear (&b);
  stva_model_clear (&other);
  stva_dataset_free (ds);
}

static bool
stop_at_two (const StvaTrainProgress *progress,
             void                    *user_data)
{
  int *calls = user_data;
  (*calls)++;
  g_assert_true (isfinite (progress->train_loss));
  g_assert_true (progress->dev_weighted_f1 >= 0.0 && progress->dev_weighted_f1 <= 1.0);
  return progress->epoch < 2;
}

static void
test_train_cancel (void)
{
  StvaDataset *ds = random_dataset (6, 4, 13);
  StvaModelConfig c;
  small_config (&c);
  c.max_epochs = 10;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaError error = { 0 };
  StvaTrainResult res;
  int calls = 0;
  g_assert_cmpint (stva_train (&model, ds, NULL, 0, NULL, 0, stop_at_two, &calls, &res, &error),
                   ==, STVA_ERR_CANCELLED);
  g_assert_cmpint (calls, ==, 2);
  g_assert_cmpint (res.epochs_run, ==, 2);
  stva_model_clear (&model);
  stva_dataset_free (ds);
}

static bool
stop_at_step_three (int   epoch,
                    int   step,
                    int   n_steps,
                    void *user_data)
{
  int *steps = user_data;
  (*steps)++;
  g_assert_cmpint (n_steps, ==, 3);   /* 6 dialogues in batches of 2 */
  g_assert_cmpint (step, ==, (*steps - 1) % 3 + 1);
  return !(epoch == 2 && step == 2);
}

/* a step hook stops within an epoch */
static void
test_train_cancel_step (void)
{
  StvaDataset *ds = random_dataset (8, 6, 13);
  StvaModelConfig c;
  small_config (&c);
  c.max_epochs = 10;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  int steps = 0;
  StvaTrainHooks hooks = { .on_step = stop_at_step_three, .user_data = &steps };
  StvaError error = { 0 };
  StvaTrainResult res;
  g_assert_cmpint (stva_train_with_hooks (&model, ds, NULL, 0, NULL, 0, &hooks, &res, &error),
                   ==, STVA_ERR_CANCELLED);
  g_assert_cmpint (steps, ==, 5);
  g_assert_cmpint (res.epochs_run, ==, 1);
  g_assert_cmpint (res.best_epoch, ==, 1);
  stva_model_clear (&model);
  stva_dataset_free (ds);
}

typedef struct
{
  double best;
  int    best_epoch;
} Tracker;

static bool
track (const StvaTrainProgress *progress,
       void                    *user_data)
{
  Tracker *t = user_data;
  /* the optimiser's share is a part of the epoch, and it ran (every epoch has steps here) */
  g_assert_cmpfloat (progress->optimiser_seconds, >, 0.0);
  g_assert_cmpfloat (progress->optimiser_seconds, <=, progress->seconds);
  if (progress->epoch == 1 || progress->dev_weighted_f1 > t->best)
    {
      t->best = progress->dev_weighted_f1;
      t->best_epoch = progress->epoch;
    }
  return true;
}

/* patience 2 on random labels: stops two epochs after the best and restores its parameters */
static void
test_train_early_stop (void)
{
  StvaDataset *ds = random_dataset (8, 5, 14);
  StvaModelConfig c;
  small_config (&c);
  c.max_epochs = 40;
  c.patience = 2;
  c.lr = 1e-2f;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaError error = { 0 };
  StvaTrainResult res;
  Tracker tracker = { 0 };
  g_assert_cmpint (stva_train (&model, ds, NULL, 0, NULL, 0, track, &tracker, &res, &error), ==,
                   STVA_OK);
  g_assert_cmpint (res.best_epoch, ==, tracker.best_epoch);
  if (res.stopped_early)
    g_assert_cmpint (res.epochs_run, ==, res.best_epoch + 2);
  int dev[3] = { 5, 6, 7 };
  StvaMetrics metrics = { 0 };
  g_assert_cmpint (stva_model_evaluate (&model, ds, dev, 3, NULL, NULL, &metrics, &error), ==,
                   STVA_OK);
  g_assert_cmpfloat (fabs (metrics.weighted_f1 - res.best_dev_weighted_f1), <, 1e-12);
  stva_metrics_clear (&metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
}

/* Planted signal: each utterance's label shows in text OR audio (chosen at random), the other
 * modalities carry noise.  A single modality can read about two thirds of the labels; the
 * fused model must combine them.  First n_train dialogues train, next n_dev dev. */
static StvaDataset *
planted_dataset (int      n_train,
                 int      n_dev,
                 uint64_t seed)
{
  static const int F[STVA_N_MOD] = { 6, 5, 4 };
  int n = n_train + n_dev;
  StvaDataset *ds = random_dataset (n, n_train, seed);
  StvaRng rng;
  stva_rng_init (&rng, seed + 1000);
  for (int d = 0; d < n; d++)
    {
      StvaDialogue *dlg = &ds->dialogues[d];
      for (int i = 0; i < dlg->T; i++)
        {
          int y = dlg->label[i];
          int src = stva_rng_uniform (&rng) < 0.5 ? STVA_MOD_T : STVA_MOD_A;
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              dlg->mask[m][i] = 1;
              for (int f = 0; f < F[m]; f++)
                dlg->x[m][i * F[m] + f] = (float) (0.5 * stva_rng_normal (&rng))
                                          + (m == src && f == y ? 2.5f : 0.0f);
            }
        }
    }
  return ds;
}

static double
planted_accuracy (const char *modalities)
{
  StvaDataset *ds = planted_dataset (40, 15, 21);
  StvaModelConfig c;
  small_config (&c);
  c.batch_size = 4;
  c.max_epochs = 25;
  c.patience = 25;
  c.lr = 5e-3f;
  c.dropout = 0.1f;
  if (modalities != NULL)
    {
      g_autofree char *a = g_strconcat ("modalities=", modalities, NULL);
      g_assert_cmpint (stva_model_config_ablation (&c, a, NULL), ==, STVA_OK);
    }
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaError error = { 0 };
  StvaTrainResult res;
  g_assert_cmpint (stva_train (&model, ds, NULL, 0, NULL, 0, NULL, NULL, &res, &error), ==,
                   STVA_OK);
  int dev[15];
  for (int k = 0; k < 15; k++)
    dev[k] = 40 + k;
  StvaMetrics metrics = { 0 };
  g_assert_cmpint (stva_model_evaluate (&model, ds, dev, 15, NULL, NULL, &metrics, &error), ==,
                   STVA_OK);
  double acc = metrics.accuracy;
  g_test_message ("modalities %s: dev accuracy %.3f (best epoch %d)",
                  modalities != NULL ? modalities : "TAV", acc, res.best_epoch);
  stva_metrics_clear (&metrics);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return acc;
}

static void
test_train_planted (void)
{
  double full = planted_accuracy (NULL);
  double text = planted_accuracy ("T");
  double audio = planted_accuracy ("A");
  g_assert_cmpfloat (full, >, 0.85);
  g_assert_cmpfloat (full, >, text + 0.1);
  g_assert_cmpfloat (full, >, audio + 0.1);
}

/* data that does not fit the model is refused, naming what */
static void
test_train_refuses (void)
{
  StvaDataset *ds = random_dataset (3, 3, 16);
  StvaModelConfig c;
  small_config (&c);
  StvaModelConfig from = c;
  from.K = 0;
  stva_model_config_from_dataset (&from, ds);
  g_assert_cmpint (memcmp (&from.F, &c.F, sizeof c.F), ==, 0);
  g_assert_cmpint (from.K, ==, K);
  c.F[STVA_MOD_T] = 7;
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaError error = { 0 };
  g_assert_cmpint (stva_train (&model, ds, NULL, 0, NULL, 0, NULL, NULL, NULL, &error), ==,
                   STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "modality T"));
  stva_model_clear (&model);
  small_config (&c);
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  ds->dialogues[1].label[0] = K;   /* out of range */
  g_assert_cmpint (stva_train (&model, ds, NULL, 0, NULL, 0, NULL, NULL, NULL, &error), ==,
                   STVA_ERR_INVALID);
  g_test_message ("%s", error.message);
  stva_model_clear (&model);
  stva_dataset_free (ds);
}

static void
test_train_holdout (void)
{
  StvaDataset *ds = random_dataset (20, 20, 15);
  int *train = NULL, *dev = NULL, n_train = 0, n_dev = 0;
  g_assert_cmpint (stva_train_holdout (ds, 0.1, 4, &train, &n_train, &dev, &n_dev, NULL), ==,
                   STVA_OK);
  g_assert_cmpint (n_dev, ==, 2);
  g_assert_cmpint (n_train, ==, 18);
  bool seen[20] = { false };
  for (int k = 0; k < n_train; k++)
    seen[train[k]] = true;
  for (int k = 0; k < n_dev; k++)
    {
      g_assert_false (seen[dev[k]]);
      seen[dev[k]] = true;
    }
  for (int k = 0; k < 20; k++)
    g_assert_true (seen[k]);
  int *train2 = NULL, *dev2 = NULL, n2 = 0, nd2 = 0;
  g_assert_cmpint (stva_train_holdout (ds, 0.1, 4, &train2, &n2, &dev2, &nd2, NULL), ==,
                   STVA_OK);
  g_assert_cmpint (memcmp (dev, dev2, (size_t) n_dev * sizeof (int)), ==, 0);
  free (train);
  free (dev);
  free (train2);
  free (dev2);
  stva_dataset_free (ds);
}

/* ---- continuing from a model file ---------------------------------------------------------- */

/* the runs below: 10 dialogues (n_dev of them dev), batches of 3 (4 per epoch), 8 epochs
 * planned */
static void
continue_config (StvaModelConfig *c,
                 int              threads)
{
  small_config (c);
  c->threads = threads;
  c->max_epochs = 8;
  c->batch_size = 3;
  c->lr = 1e-2f;
  c->patience = 3;
}

static double
max_abs_diff (const StvaModel *a,
              const StvaModel *b)
{
  g_assert_cmpuint (a->params.n_floats, ==, b->params.n_floats);
  double m = 0.0;
  for (size_t i = 0; i < a->params.n_floats; i++)
    m = fmax (m, fabs ((double) a->params.values[i] - (double) b->params.values[i]));
  return m;
}

/* every epoch's progress, to compare runs */
typedef struct
{
  StvaTrainProgress epochs[16];
  int               n;
  int               stop_after;   /* on_epoch returns false after this epoch (0: never) */
  int               stop_epoch;   /* on_step returns false at this epoch's ... */
  int               stop_step;    /* ... step (0: never) */
} Log;

static bool
log_epoch (const StvaTrainProgress *progress,
           void                    *user_data)
{
  Log *log = user_data;
  g_assert_cmpint (log->n, <, 16);
  log->epochs[log->n++] = *progress;
  return progress->epoch != log->stop_after;
}

static bool
log_step (int   epoch,
          int   step,
          int   n_steps,
          void *user_data)
{
  Log *log = user_data;
  return !(epoch == log->stop_epoch && step == log->stop_step);
}

/* the one-go run of continue_config */
static void
train_whole (StvaModel         *model,
             const StvaDataset *ds,
             int                threads,
             StvaTrainResult   *res,
             Log               *log)
{
  StvaModelConfig c;
  continue_config (&c, threads);
  g_assert_cmpint (stva_model_init (model, &c, NULL), ==, STVA_OK);
  StvaTrainHooks hooks = { .on_epoch = log_epoch, .user_data = log };
  StvaError error = { 0 };
  if (stva_train_with_hooks (model, ds, NULL, 0, NULL, 0, &hooks, res, &error) != STVA_OK)
    g_error ("%s", error.message);
}

static char *
tmp_model_path (char **dir)
{
  *dir = g_dir_make_tmp ("stva-continue-XXXXXX", NULL);
  g_assert_nonnull (*dir);
  return g_build_filename (*dir, "model.stvm", NULL);
}

/* first epochs of the run, saved with the state to path, loaded, continued to the end */
static void
train_split (StvaModel         *out,
             const StvaDataset *ds,
             int                threads,
             int                first,
             const char        *path,
             StvaTrainResult   *res,
             Log               *log,
             bool              *held_weights)
{
  StvaModelConfig c;
  continue_config (&c, threads);
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaTrainState state;
  stva_train_state_init (&state);
  StvaTrainHooks hooks = { .on_epoch = log_epoch, .user_data = log };
  StvaTrainResult r1;
  StvaError error = { 0 };
  if (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, first, &hooks, &r1, &error)
      != STVA_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (state.epochs_done, ==, r1.epochs_run);
  g_assert_true (state.epochs_done == first || r1.stopped_early);
  g_assert_cmpint (state.batches_done, ==, 0);
  g_assert_cmpint (state.best_epoch, ==, r1.best_epoch);
  *held_weights = state.holds_weights;
  if (stva_model_save_with_state (&model, &state, path, &error) != STVA_OK)
    g_error ("%s", error.message);
  stva_model_clear (&model);
  stva_train_state_clear (&state);

  if (stva_model_load_with_state (out, &state, path, &error) != STVA_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (state.epochs_done, ==, r1.epochs_run);
  g_assert_cmpuint (state.n_floats, ==, out->params.n_floats);
  if (stva_train_continue (out, &state, ds, NULL, 0, NULL, 0, 0, &hooks, res, &error)
      != STVA_OK)
    g_error ("%s", error.message);
  stva_train_state_clear (&state);
}

static void
check_same_run (const StvaModel       *a,
                const StvaTrainResult *ra,
                const Log             *la,
                const StvaModel       *b,
                const StvaTrainResult *rb,
                const Log             *lb)
{
  double diff = max_abs_diff (a, b);
  g_assert_cmpfloat (diff, <=, 1e-6);
  g_assert_cmpfloat (diff, ==, 0.0);   /* and exact: the same steps in the same order */
  g_assert_cmpint (ra->epochs_run, ==, rb->epochs_run);
  g_assert_cmpint (ra->best_epoch, ==, rb->best_epoch);
  g_assert_cmpint (ra->stopped_early, ==, rb->stopped_early);
  g_assert_cmpfloat (ra->final_train_loss, ==, rb->final_train_loss);
  g_assert_true (ra->best_dev_weighted_f1 == rb->best_dev_weighted_f1
                 || (isnan (ra->best_dev_weighted_f1) && isnan (rb->best_dev_weighted_f1)));
  g_assert_cmpint (la->n, ==, lb->n);
  for (int e = 0; e < la->n; e++)
    {
      g_assert_cmpint (la->epochs[e].epoch, ==, lb->epochs[e].epoch);
      g_assert_cmpfloat (la->epochs[e].train_loss, ==, lb->epochs[e].train_loss);
      g_assert_cmpfloat (la->epochs[e].lr, ==, lb->epochs[e].lr);
      g_assert_cmpfloat (la->epochs[e].grad_norm, ==, lb->epochs[e].grad_norm);
      g_assert_cmpint (la->epochs[e].best_epoch, ==, lb->epochs[e].best_epoch);
    }
}

/* 4 + 4 epochs through a file = 8 in one go (and 1 + 7, 7 + 1); no validation, two threads */
static void
test_train_continue (void)
{
  StvaDataset *ds = random_dataset (10, 10, 31);
  g_autofree char *dir = NULL;
  g_autofree char *path = tmp_model_path (&dir);
  StvaModel whole;
  StvaTrainResult rw;
  Log lw = { 0 };
  train_whole (&whole, ds, 2, &rw, &lw);
  g_assert_cmpint (rw.epochs_run, ==, 8);
  const int firsts[] = { 4, 1, 7 };
  for (size_t k = 0; k < G_N_ELEMENTS (firsts); k++)
    {
      StvaModel split;
      StvaTrainResult rs;
      Log ls = { 0 };
      bool held = true;
      train_split (&split, ds, 2, firsts[k], path, &rs, &ls, &held);
      g_test_message ("%d + %d epochs: max |diff| %g", firsts[k], 8 - firsts[k],
                      max_abs_diff (&whole, &split));
      g_assert_false (held);   /* no validation: the model holds the last epoch */
      check_same_run (&whole, &rw, &lw, &split, &rs, &ls);
      stva_model_clear (&split);
    }
  /* and the run did something: the schedule's rates vary over the epochs */
  g_assert_cmpfloat (lw.epochs[0].lr, !=, lw.epochs[7].lr);
  stva_model_clear (&whole);
  g_unlink (path);
  g_rmdir (dir);
  stva_dataset_free (ds);
}

/* the same with validation dialogues: the file holds the best epoch's weights, the state the
 * last step's; selection and patience go on as in one run */
static void
test_train_continue_dev (void)
{
  StvaDataset *ds = random_dataset (14, 10, 32);
  g_autofree char *dir = NULL;
  g_autofree char *path = tmp_model_path (&dir);
  StvaModel whole;
  StvaTrainResult rw;
  Log lw = { 0 };
  train_whole (&whole, ds, 1, &rw, &lw);
  g_test_message ("one go: %d epochs, best %d (F1 %.3f)%s", rw.epochs_run, rw.best_epoch,
                  rw.best_dev_weighted_f1, rw.stopped_early ? ", stopped early" : "");
  int held = 0;
  for (int first = 1; first < rw.epochs_run; first++)
    {
      StvaModel split;
      StvaTrainResult rs;
      Log ls = { 0 };
      bool h = false;
      train_split (&split, ds, 1, first, path, &rs, &ls, &h);
      held += h;
      check_same_run (&whole, &rw, &lw, &split, &rs, &ls);
      stva_model_clear (&split);
    }
  g_test_message ("%d of %d splits saved the last epoch's weights apart", held,
                  rw.epochs_run - 1);
  g_assert_cmpint (held, >, 0);   /* the case where the best is not the last was met */
  stva_model_clear (&whole);
  g_unlink (path);
  g_rmdir (dir);
  stva_dataset_free (ds);
}

/* A cancel in the middle of an epoch (on_step), and one after an epoch (on_epoch), leave a
 * state that continues to the one-go result; the model then holds the last finished epoch. */
static void
test_train_continue_cancel (void)
{
  StvaDataset *ds = random_dataset (10, 10, 33);
  g_autofree char *dir = NULL;
  g_autofree char *path = tmp_model_path (&dir);
  StvaModel whole;
  StvaTrainResult rw;
  Log lw = { 0 };
  train_whole (&whole, ds, 2, &rw, &lw);

  for (int mid = 1; mid >= 0; mid--)
    {
      StvaModelConfig c;
      continue_config (&c, 2);
      StvaModel model;
      g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
      StvaTrainState state;
      stva_train_state_init (&state);
      Log ls = { .stop_epoch = mid ? 3 : 0, .stop_step = mid ? 2 : 0, .stop_after = mid ? 0 : 5 };
      StvaTrainHooks hooks = { .on_epoch = log_epoch, .on_step = log_step, .user_data = &ls };
      StvaTrainResult rs;
      StvaError error = { 0 };
      g_assert_cmpint (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 0, &hooks, &rs,
                                            &error), ==, STVA_ERR_CANCELLED);
      if (mid)
        {
          g_assert_nonnull (strstr (error.message, "cancelled in epoch 3"));
          g_assert_cmpint (state.epochs_done, ==, 2);
          g_assert_cmpint (state.batches_done, ==, 2);
          g_assert_cmpuint (state.steps, ==, 2 * 4 + 2);
          g_assert_true (state.holds_weights);   /* two steps past the kept epoch 2 */
          g_assert_cmpfloat (state.weight_sum, >, 0.0);
          g_assert_cmpint (rs.epochs_run, ==, 2);
          g_assert_cmpint (rs.best_epoch, ==, 2);
          /* the model holds epoch 2's weights: those of a run stopped there */
          StvaModel two;
          StvaTrainState s2;
          stva_train_state_init (&s2);
          g_assert_cmpint (stva_model_init (&two, &c, NULL), ==, STVA_OK);
          g_assert_cmpint (stva_train_continue (&two, &s2, ds, NULL, 0, NULL, 0, 2, NULL, NULL,
                                                &error), ==, STVA_OK);
          g_assert_cmpfloat (max_abs_diff (&model, &two), ==, 0.0);
          g_assert_false (s2.holds_weights);
          stva_train_state_clear (&s2);
          stva_model_clear (&two);
        }
      else
        {
          g_assert_nonnull (strstr (error.message, "cancelled after epoch 5"));
          g_assert_cmpint (state.epochs_done, ==, 5);
          g_assert_cmpint (state.batches_done, ==, 0);
          g_assert_false (state.holds_weights);
        }
      if (stva_model_save_with_state (&model, &state, path, &error) != STVA_OK)
        g_error ("%s", error.message);
      stva_model_clear (&model);
      stva_train_state_clear (&state);
      if (stva_model_load_with_state (&model, &state, path, &error) != STVA_OK)
        g_error ("%s", error.message);
      ls.stop_epoch = ls.stop_step = ls.stop_after = 0;
      if (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 0, &hooks, &rs, &error)
          != STVA_OK)
        g_error ("%s", error.message);
      g_test_message ("cancelled %s, continued: max |diff| %g",
                      mid ? "in epoch 3" : "after epoch 5", max_abs_diff (&whole, &model));
      /* the log has the cancelled run's epochs and then the continued run's: the epoch cut in
       * two reports the whole epoch's loss */
      check_same_run (&whole, &rw, &lw, &model, &rs, &ls);
      stva_train_state_clear (&state);
      stva_model_clear (&model);
    }
  stva_model_clear (&whole);
  g_unlink (path);
  g_rmdir (dir);
  stva_dataset_free (ds);
}

/* A model file without a training state continues with fresh moments from the start of the
 * schedule: it works, and it is another run.  The fixture was written by the format-version-1
 * code (commit c101c47): small_config with D 8, batches of 2, max_epochs 2, trained on
 * random_dataset (10, 7, 12) and saved with stva_model_save (). */
static void
test_train_continue_fresh (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "tiny-v1.stvm", NULL);
  StvaModel old, plain;
  StvaTrainState state;
  stva_train_state_init (&state);
  StvaError error = { 0 };
  if (stva_model_load_with_state (&old, &state, fixture, &error) != STVA_OK)
    g_error ("%s", error.message);
  g_assert_cmpuint (state.n_floats, ==, 0);      /* fresh: the file has no state */
  g_assert_cmpint (state.epochs_done, ==, 0);
  g_assert_cmpint (old.config.D, ==, 8);
  g_assert_cmpint (stva_model_load (&plain, fixture, &error), ==, STVA_OK);
  g_assert_cmpfloat (max_abs_diff (&old, &plain), ==, 0.0);
  /* written again without a state: the version-1 bytes of the old code, byte for byte */
  uint8_t *again = NULL;
  size_t n_again = 0;
  g_autofree char *want = NULL;
  gsize n_want = 0;
  g_assert_true (g_file_get_contents (fixture, &want, &n_want, NULL));
  g_assert_cmpint (stva_model_save_buffer_with_state (&old, &state, &again, &n_again, &error), ==,
                   STVA_OK);
  g_assert_cmpmem (again, n_again, want, n_want);
  free (again);
  /* and it trains on from those weights: a fresh run of its max_epochs (2) */
  StvaDataset *ds12 = random_dataset (10, 7, 12);
  StvaTrainResult res;
  if (stva_train_continue (&old, &state, ds12, NULL, 0, NULL, 0, 0, NULL, &res, &error)
      != STVA_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (res.epochs_run, ==, 2);
  g_assert_cmpint (state.epochs_done, ==, 2);
  g_assert_cmpuint (state.steps, ==, 2 * 4);      /* 7 training dialogues in batches of 2 */
  g_assert_cmpfloat (max_abs_diff (&old, &plain), >, 1e-4);
  stva_train_state_clear (&state);
  stva_model_clear (&old);
  stva_model_clear (&plain);
  stva_dataset_free (ds12);

  /* 4 epochs saved without the state and continued: not the 8-epoch run, unlike with it */
  StvaDataset *ds = random_dataset (10, 10, 31);
  g_autofree char *dir = NULL;
  g_autofree char *path = tmp_model_path (&dir);
  StvaModel whole, model;
  StvaTrainResult rw;
  Log lw = { 0 };
  train_whole (&whole, ds, 2, &rw, &lw);
  StvaModelConfig c;
  continue_config (&c, 2);
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 4, NULL, NULL,
                                        &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_save (&model, path, &error), ==, STVA_OK);
  stva_model_clear (&model);
  stva_train_state_clear (&state);
  g_assert_cmpint (stva_model_load_with_state (&model, &state, path, &error), ==, STVA_OK);
  g_assert_cmpuint (state.n_floats, ==, 0);
  g_assert_cmpint (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 4, NULL, &res,
                                        &error), ==, STVA_OK);
  g_assert_cmpint (res.epochs_run, ==, 4);       /* epochs counted from 1 again */
  double diff = max_abs_diff (&whole, &model);
  g_test_message ("4 + 4 epochs with fresh moments: max |diff| %g from the 8-epoch run", diff);
  g_assert_cmpfloat (diff, >, 1e-4);
  stva_train_state_clear (&state);
  stva_model_clear (&model);
  stva_model_clear (&whole);
  g_unlink (path);
  g_rmdir (dir);
  stva_dataset_free (ds);
}

static void
fix_crc (uint8_t *buf,
         size_t   n)
{
  uint32_t crc = (uint32_t) crc32 (crc32 (0L, Z_NULL, 0), buf, (uInt) (n - 4));
  for (int i = 0; i < 4; i++)
    buf[n - 4 + i] = (uint8_t) (crc >> (8 * i));
}

/* loads bytes b (n) written to path with state: expects status and a message that starts with
 * the path and holds want; model and state are left cleared */
static void
expect_load_error (const char    *path,
                   const uint8_t *b,
                   size_t         n,
                   StvaStatus     status,
                   const char    *want)
{
  g_assert_true (g_file_set_contents (path, (const char *) b, (gssize) n, NULL));
  StvaModel model;
  StvaTrainState state;
  stva_train_state_init (&state);
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_load_with_state (&model, &state, path, &error), ==, status);
  g_test_message ("%s", error.message);
  g_assert_true (g_str_has_prefix (error.message, path));
  if (strstr (error.message, want) == NULL)
    g_error ("'%s' has no '%s'", error.message, want);
  g_assert_null (model.params.values);
  g_assert_cmpuint (state.n_floats, ==, 0);
  g_assert_null (state.m1);
  /* a plain load checks the section too */
  g_assert_cmpint (stva_model_load (&model, path, &error), ==, status);
}

/* a truncated or doctored state section is refused naming the file; a state of another model
 * is refused; a state with nothing left to do leaves the model as it is */
static void
test_train_continue_refuses (void)
{
  StvaDataset *ds = random_dataset (14, 10, 32);
  g_autofree char *dir = NULL;
  g_autofree char *path = tmp_model_path (&dir);
  g_autofree char *bad = g_build_filename (dir, "bad.stvm", NULL);
  StvaModelConfig c;
  continue_config (&c, 1);
  StvaModel model;
  g_assert_cmpint (stva_model_init (&model, &c, NULL), ==, STVA_OK);
  StvaTrainState state;
  stva_train_state_init (&state);
  StvaError error = { 0 };
  StvaTrainResult res;
  g_assert_cmpint (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 3, NULL, &res,
                                        &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_save_with_state (&model, &state, path, &error), ==, STVA_OK);
  g_autofree char *file = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &file, &n, NULL));
  uint8_t *b = (uint8_t *) file;
  g_assert_cmpuint (b[4], ==, 2);   /* format version 2 */
  size_t tag = 0;   /* the section's tag: after the last tensor */
  for (size_t i = 0; i + 4 <= n; i++)
    if (memcmp (b + i, "TRST", 4) == 0)
      tag = i;
  g_assert_cmpuint (tag, >, 0);
  size_t body = tag + 12;

  /* cut inside the section, and cut by one byte */
  expect_load_error (bad, b, body + 100, STVA_ERR_FORMAT, "training state");
  expect_load_error (bad, b, n - 1, STVA_ERR_FORMAT, "");
  /* a flipped byte in the second moment: the checksum */
  g_autofree uint8_t *d = g_memdup2 (b, n);
  d[n - 64] ^= 0x10;
  expect_load_error (bad, d, n, STVA_ERR_FORMAT, "checksum mismatch");
  /* doctored with the checksum fixed: a negative second moment, a best epoch after the last */
  memcpy (d, b, n);
  uint64_t n_floats = 0;
  memcpy (&n_floats, b + body + 76, 8);
  g_assert_cmpuint (n_floats, ==, stva_params_count (&model.params));   /* without padding */
  size_t m2 = (body + 84 + 63) / 64 * 64 + 4 * (size_t) n_floats;
  float neg = -1.0f;
  memcpy (d + m2 + 8, &neg, 4);
  fix_crc (d, n);
  expect_load_error (bad, d, n, STVA_ERR_FORMAT, "training state: second moment element");
  memcpy (d, b, n);
  d[body + 12] = 9;
  fix_crc (d, n);
  expect_load_error (bad, d, n, STVA_ERR_FORMAT, "best epoch 9");

  /* a state of another model (D 16, this one's D 8) */
  StvaModelConfig c8 = c;
  c8.D = 8;
  StvaModel other;
  g_assert_cmpint (stva_model_init (&other, &c8, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_train_continue (&other, &state, ds, NULL, 0, NULL, 0, 0, NULL, NULL,
                                        &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "the training state is for"));
  g_assert_cmpint (stva_model_save_with_state (&other, &state, bad, &error), ==,
                   STVA_ERR_INVALID);
  g_assert_true (g_str_has_prefix (error.message, bad));
  g_assert_cmpint (state.epochs_done, ==, 3);   /* untouched */
  stva_model_clear (&other);

  /* run to the end; then nothing is left: OK, no epoch, the same weights */
  g_assert_cmpint (stva_train_continue (&model, &state, ds, NULL, 0, NULL, 0, 0, NULL, &res,
                                        &error), ==, STVA_OK);
  int done = state.epochs_done;
  g_assert_true (done == 8 || res.stopped_early);
  StvaModel copy;
  g_assert_cmpint (stva_model_save_with_state (&model, &state, path, &error), ==, STVA_OK);
  g_assert_cmpint (stva_model_load_with_state (&copy, &state, path, &error), ==, STVA_OK);
  g_assert_cmpint (stva_train_continue (&copy, &state, ds, NULL, 0, NULL, 0, 0, NULL, &res,
                                        &error), ==, STVA_OK);
  g_assert_cmpint (res.epochs_run, ==, done);
  g_assert_cmpint (state.epochs_done, ==, done);
  g_assert_cmpfloat (max_abs_diff (&model, &copy), ==, 0.0);
  stva_model_clear (&copy);

  stva_train_state_clear (&state);
  stva_model_clear (&model);
  g_unlink (bad);
  g_unlink (path);
  g_rmdir (dir);
  stva_dataset_free (ds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/train/normalisation-sparse", test_train_normalisation_sparse);
  g_test_add_func ("/model/train/overfit", test_train_overfit);
  g_test_add_func ("/model/train/deterministic", test_train_deterministic);
  g_test_add_func ("/model/train/cancel", test_train_cancel);
  g_test_add_func ("/model/train/cancel-step", test_train_cancel_step);
  g_test_add_func ("/model/train/early-stop", test_train_early_stop);
  g_test_add_func ("/model/train/planted", test_train_planted);
  g_test_add_func ("/model/train/holdout", test_train_holdout);
  g_test_add_func ("/model/train/refuses", test_train_refuses);
  g_test_add_func ("/model/train/continue", test_train_continue);
  g_test_add_func ("/model/train/continue-dev", test_train_continue_dev);
  g_test_add_func ("/model/train/continue-cancel", test_train_continue_cancel);
  g_test_add_func ("/model/train/continue-fresh", test_train_continue_fresh);
  g_test_add_func ("/model/train/continue-refuses", test_train_continue_refuses);
  return g_test_run ();
}
