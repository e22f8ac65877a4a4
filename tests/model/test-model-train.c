/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training of the Sync-TVA model: a small model memorises four dialogues of random features
 * and random labels (100% training accuracy); two runs with the same seed and two threads give
 * bit-identical parameters and a different seed does not; a callback returning false cancels
 * with STVA_ERR_CANCELLED; early stopping keeps the best epoch's parameters.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/train/overfit", test_train_overfit);
  g_test_add_func ("/model/train/deterministic", test_train_deterministic);
  g_test_add_func ("/model/train/cancel", test_train_cancel);
  g_test_add_func ("/model/train/cancel-step", test_train_cancel_step);
  g_test_add_func ("/model/train/early-stop", test_train_early_stop);
  g_test_add_func ("/model/train/planted", test_train_planted);
  g_test_add_func ("/model/train/holdout", test_train_holdout);
  g_test_add_func ("/model/train/refuses", test_train_refuses);
  return g_test_run ();
}
