/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The training loop (stva-train.h): epochs of shuffled mini-batches, a small pthread pool per
 * batch (one workspace and one gradient block per worker; each worker stacks its share of the
 * batch into one forward and backward, stva_model_forward_batch), AdamW with warm-up and cosine
 * decay, clipping, early stopping on validation weighted F1 with the best parameters kept.
 * The optimiser step, split over the same threads, is in stva-train-step.c.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "stva-nn.h"
#include "stva-train.h"
#include "stva-train-private.h"

/* ---- types ---- */

typedef struct
{
  const StvaModel    *model;
  const StvaDataset  *ds;
  StvaModelWorkspace *ws;        /* owned */
  float              *grad;      /* owned (n_floats) */
  const int          *batch;     /* dataset indices of the batch */
  int                 n_batch;
  const int          *owner;     /* (n_batch) the worker of each (assign_owners) */
  int                 worker;
  int                 n_workers;
  const float        *class_w;
  float               scale;
  uint64_t            epoch;
  bool                train;     /* false: evaluation, predictions into pred */
  int                *pred;      /* evaluation: per dialogue of the batch, at offsets */
  const size_t       *pred_off;
  double              loss;      /* out */
  StvaStatus          status;    /* out */
  StvaError           error;     /* out */
} Worker;

/* ---- helpers ---- */

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* A worker stacks up to PACK_MAX dialogues into one forward (stva_model_forward_batch), and
 * starts a new pack once PACK_ROWS utterances are in: the workspace costs about 0.3 MB per
 * utterance at D = 256, and past a few hundred rows the products gain nothing. */
#define PACK_MAX  32
#define PACK_ROWS 256

/* forward (and, training, backward) over one pack of the worker's dialogues: batch positions
 * js[0 .. n) */
static bool
run_pack (Worker    *w,
          const int *js,
          int        n)
{
  const StvaDialogue *dlgs[PACK_MAX];
  StvaRng rngs[PACK_MAX];
  for (int k = 0; k < n; k++)
    {
      int d = w->batch[js[k]];
      dlgs[k] = &w->ds->dialogues[d];
      stva_rng_derive (&rngs[k], w->model->config.seed, (w->epoch << 32) ^ (uint64_t) d);
    }
  StvaForwardOptions options = { .train = w->train, .rng = rngs, .no_backward = !w->train };
  w->status = stva_model_forward_batch (w->ws, w->model, w->model->params.values, dlgs, n,
                                        &options, &w->error);
  if (w->status != STVA_OK)
    return false;
  if (w->train)
    {
      w->loss += stva_model_backward (w->ws, w->model, w->model->params.values, w->class_w,
                                      w->scale, w->grad);
      return true;
    }
  const float *probs = stva_model_workspace_probs (w->ws);
  size_t K = (size_t) w->model->config.K, row = 0;
  for (int k = 0; k < n; k++)
    for (int i = 0; i < dlgs[k]->T; i++, row++)
      {
        size_t best = 0;
        for (size_t c = 1; c < K; c++)
          if (probs[row * K + c] > probs[row * K + best])
            best = c;
        w->pred[w->pred_off[js[k]] + (size_t) i] = (int) best;
      }
  return true;
}

static void *
worker_thread (void *data)
{
  Worker *w = data;
  w->loss = 0.0;
  w->status = STVA_OK;   /* w->grad is zero: calloc'd, and zeroed again by each step's sum */
  int js[PACK_MAX], n = 0, rows = 0;
  for (int j = 0; j < w->n_batch; j++)
    {
      if (w->owner[j] != w->worker)
        continue;
      js[n++] = j;
      rows += w->ds->dialogues[w->batch[j]].T;
      if (n == PACK_MAX || rows >= PACK_ROWS)
        {
          if (!run_pack (w, js, n))
            return NULL;
          n = rows = 0;
        }
    }
  if (n > 0)
    run_pack (w, js, n);
  return NULL;
}

/* Shares the batch out among n_workers by utterances, so they finish together: longest
 * dialogue first to the least loaded worker (ties to the lower index), deterministic. */
static void
assign_owners (const StvaDataset *ds,
               const int         *batch,
               int                n_batch,
               int                n_workers,
               int               *owner)
{
  size_t load[256] = { 0 };
  for (int j = 0; j < n_batch; j++)
    owner[j] = -1;
  for (int done = 0; done < n_batch; done++)
    {
      int pick = -1;   /* the longest unassigned, first in batch order */
      for (int j = 0; j < n_batch; j++)
        if (owner[j] < 0
            && (pick < 0 || ds->dialogues[batch[j]].T > ds->dialogues[batch[pick]].T))
          pick = j;
      int best = 0;
      for (int t = 1; t < n_workers; t++)
        if (load[t] < load[best])
          best = t;
      owner[pick] = best;
      load[best] += (size_t) ds->dialogues[batch[pick]].T;
    }
}

/* Runs workers[0 .. n) over one batch: workers 1.. on threads, worker 0 here. */
static StvaStatus
run_workers (Worker    *workers,
             int        n,
             StvaError *error)
{
  _stva_run_on_threads (worker_thread, workers, sizeof *workers, n);
  for (int t = 0; t < n; t++)
    if (workers[t].status != STVA_OK)
      {
        if (error != NULL)
          *error = workers[t].error;
        return workers[t].status;
      }
  return STVA_OK;
}

static StvaStatus
make_workers (Worker            **out,
              int                 n,
              const StvaModel    *model,
              const StvaDataset  *ds,
              StvaError          *error)
{
  Worker *w = calloc ((size_t) n, sizeof (Worker));
  if (w == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
  *out = w;
  for (int t = 0; t < n; t++)
    {
      w[t] = (Worker) { .model = model, .ds = ds, .worker = t, .n_workers = n };
      w[t].ws = stva_model_workspace_new (&model->config);
      w[t].grad = calloc (model->params.n_floats, sizeof (float));
      if (w[t].ws == NULL || w[t].grad == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
    }
  return STVA_OK;
}

static void
free_workers (Worker *w,
              int     n)
{
  if (w == NULL)
    return;
  for (int t = 0; t < n; t++)
    {
      stva_model_workspace_free (w[t].ws);
      free (w[t].grad);
    }
  free (w);
}

/* the dataset's shape against the model's config */
static StvaStatus
check_shape (const StvaModel   *model,
             const StvaDataset *ds,
             StvaError         *error)
{
  const StvaModelConfig *c = &model->config;
  if (ds->K != c->K)
    return stva_error_set (error, STVA_ERR_INVALID, "the data has %d classes, the model %d",
                           ds->K, c->K);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m) && ds->F[m] != c->F[m])
      return stva_error_set (error, STVA_ERR_INVALID,
                             "modality %c has %d features in the data, %d in the model",
                             "TAV"[m], ds->F[m], c->F[m]);
  return STVA_OK;
}

static char **
dup_strings (char * const *v,
             int           n)
{
  char **out = calloc ((size_t) (n > 0 ? n : 1), sizeof (char *));
  if (out == NULL)
    return NULL;
  for (int i = 0; i < n; i++)
    if ((out[i] = strdup (v[i] != NULL ? v[i] : "")) == NULL)
      {
        for (int j = 0; j < i; j++)
          free (out[j]);
        free (out);
        return NULL;
      }
  return out;
}

/* label and feature names from the data, where the model has none, so its file describes
 * itself */
static StvaStatus
adopt_names (StvaModel         *model,
             const StvaDataset *ds,
             StvaError         *error)
{
  if (model->labels == NULL && ds->labels != NULL
      && (model->labels = dup_strings (ds->labels, ds->K)) == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (&model->config, m) && model->feature_names[m] == NULL
        && ds->feature_names[m] != NULL
        && (model->feature_names[m] = dup_strings (ds->feature_names[m], ds->F[m])) == NULL)
      return stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
  return STVA_OK;
}

/* order shuffled for epoch `epoch` (applied to the previous epoch's order) */
static void
shuffle_epoch (uint64_t seed,
               int      epoch,
               int     *order,
               int      n)
{
  StvaRng shuffle;
  stva_rng_derive (&shuffle, seed, 0x5348554600000000ull + (uint64_t) epoch);   /* SHUF */
  stva_rng_shuffle (&shuffle, order, (size_t) n);
}

/* a[i] <-> b[i], with no third block */
static void
swap_floats (float  *restrict a,
             float  *restrict b,
             size_t           n)
{
  for (size_t i = 0; i < n; i++)
    {
      float t = a[i];
      a[i] = b[i];
      b[i] = t;
    }
}

/* ---- public API ---- */

StvaStatus
stva_model_fit_normalisation (StvaModel         *model,
                              const StvaDataset *ds,
                              const int         *dialogues,
                              int                n,
                              StvaError         *error)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      size_t F = (size_t) model->config.F[m];
      if (!stva_model_config_active (&model->config, m))
        continue;
      if (ds->F[m] != (int) F)
        return stva_error_set (error, STVA_ERR_INVALID,
                               "normalisation: modality %c has width %d in the data, %zu in the "
                               "model", "TAV"[m], ds->F[m], F);
      double *sum = calloc (F, sizeof (double)), *sq = calloc (F, sizeof (double));
      double *nz = calloc (F, sizeof (double)), *sq0 = calloc (F, sizeof (double));
      float *mean = malloc (F * sizeof (float)), *std = malloc (F * sizeof (float));
      if (sum == NULL || sq == NULL || nz == NULL || sq0 == NULL || mean == NULL || std == NULL)
        {
          free (sum);
          free (sq);
          free (nz);
          free (sq0);
          free (mean);
          free (std);
          return stva_error_set (error, STVA_ERR_NOMEM, "normalisation: out of memory");
        }
      double count = 0.0;
      for (int k = 0; k < n; k++)
        {
          const StvaDialogue *dlg = &ds->dialogues[dialogues[k]];
          for (int i = 0; i < dlg->T; i++)
            {
              if (!dlg->mask[m][i])
                continue;
              const float *x = dlg->x[m] + (size_t) i * F;
              for (size_t f = 0; f < F; f++)
                {
                  sum[f] += x[f];
                  nz[f] += x[f] != 0.0f;
                  sq0[f] += (double) x[f] * x[f];
                }
              count += 1.0;
            }
        }
      for (size_t f = 0; f < F; f++)
        sum[f] = count > 0.0 ? sum[f] / count : 0.0;
      for (int k = 0; k < n; k++)   /* second pass: no cancellation in the variance */
        {
          const StvaDialogue *dlg = &ds->dialogues[dialogues[k]];
          for (int i = 0; i < dlg->T; i++)
            {
              if (!dlg->mask[m][i])
                continue;
              const float *x = dlg->x[m] + (size_t) i * F;
              for (size_t f = 0; f < F; f++)
                sq[f] += (x[f] - sum[f]) * (x[f] - sum[f]);
            }
        }
      for (size_t f = 0; f < F; f++)
        {
          mean[f] = (float) sum[f];
          std[f] = count > 0.0 ? (float) sqrt (sq[f] / count) : 1.0f;
        }
      if (model->config.input_norm == STVA_INPUT_NORM_SPARSE && count > 0.0)
        {
          /* sparse dimensions (zero in most rows: hashed n-gram buckets) keep their zeros and
           * their relative sizes: no centring, one scale for all of them (their root mean
           * square), so a rare bucket is not blown up to unit variance */
          double sq_sparse = 0.0, n_sparse = 0.0;
          for (size_t f = 0; f < F; f++)
            if (nz[f] < STVA_SPARSE_DIM_FRACTION * count)
              {
                sq_sparse += sq0[f];
                n_sparse += 1.0;
              }
          double rms = n_sparse > 0.0 ? sqrt (sq_sparse / (n_sparse * count)) : 0.0;
          for (size_t f = 0; f < F; f++)
            if (nz[f] < STVA_SPARSE_DIM_FRACTION * count)
              {
                mean[f] = 0.0f;
                std[f] = rms > 0.0 ? (float) rms : 1.0f;
              }
        }
      StvaStatus status = stva_model_set_normalisation (model, m, mean, std, error);
      free (sum);
      free (sq);
      free (nz);
      free (sq0);
      free (mean);
      free (std);
      if (status != STVA_OK)
        return status;
    }
  return STVA_OK;
}

StvaStatus
stva_model_evaluate (const StvaModel   *model,
                     const StvaDataset *ds,
                     const int         *dialogues,
                     int                n,
                     int               *pred,
                     int               *gold,
                     StvaMetrics       *metrics,
                     StvaError         *error)
{
  StvaStatus shape = check_shape (model, ds, error);
  if (shape != STVA_OK)
    return shape;
  size_t total = 0;
  size_t *off = malloc ((size_t) (n > 0 ? n : 1) * sizeof (size_t));
  if (off == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "evaluate: out of memory");
  for (int k = 0; k < n; k++)
    {
      off[k] = total;
      total += (size_t) ds->dialogues[dialogues[k]].T;
    }
  int *p = malloc ((total > 0 ? total : 1) * sizeof (int));
  int *g = malloc ((total > 0 ? total : 1) * sizeof (int));
  int *owner = malloc ((size_t) (n > 0 ? n : 1) * sizeof (int));
  int n_workers = model->config.threads;
  Worker *workers = NULL;
  StvaStatus status = p == NULL || g == NULL || owner == NULL
                        ? stva_error_set (error, STVA_ERR_NOMEM, "evaluate: out of memory")
                        : make_workers (&workers, n_workers, model, ds, error);
  int blas_threads = openblas_get_num_threads ();
  if (status == STVA_OK)
    {
      openblas_set_num_threads (1);   /* see stva-train.h */
      assign_owners (ds, dialogues, n, n_workers, owner);
      for (int t = 0; t < n_workers; t++)
        {
          workers[t].batch = dialogues;
          workers[t].n_batch = n;
          workers[t].owner = owner;
          workers[t].train = false;
          workers[t].pred = p;
          workers[t].pred_off = off;
        }
      status = run_workers (workers, n_workers, error);
      openblas_set_num_threads (blas_threads);
    }
  if (status == STVA_OK)
    {
      for (int k = 0; k < n; k++)
        {
          const StvaDialogue *dlg = &ds->dialogues[dialogues[k]];
          for (int i = 0; i < dlg->T; i++)
            g[off[k] + (size_t) i] = dlg->label != NULL ? dlg->label[i] : -1;
        }
      if (pred != NULL)
        memcpy (pred, p, total * sizeof (int));
      if (gold != NULL)
        memcpy (gold, g, total * sizeof (int));
      if (metrics != NULL)
        status = stva_metrics_compute (metrics, g, p, total, model->config.K, error);
    }
  free_workers (workers, n_workers);
  free (off);
  free (owner);
  free (p);
  free (g);
  return status;
}

StvaStatus
stva_train (StvaModel         *model,
            const StvaDataset *ds,
            const int         *train,
            int                n_train,
            const int         *dev,
            int                n_dev,
            StvaTrainCallback  callback,
            void              *user_data,
            StvaTrainResult   *result,
            StvaError         *error)
{
  StvaTrainHooks hooks = { .on_epoch = callback, .user_data = user_data };
  return stva_train_with_hooks (model, ds, train, n_train, dev, n_dev, &hooks, result, error);
}

StvaStatus
stva_train_with_hooks (StvaModel            *model,
                       const StvaDataset    *ds,
                       const int            *train,
                       int                   n_train,
                       const int            *dev,
                       int                   n_dev,
                       const StvaTrainHooks *hooks,
                       StvaTrainResult      *result,
                       StvaError            *error)
{
  StvaTrainState state;
  stva_train_state_init (&state);
  StvaStatus status = stva_train_continue (model, &state, ds, train, n_train, dev, n_dev, 0,
                                           hooks, result, error);
  stva_train_state_clear (&state);
  return status;
}

void
stva_train_state_init (StvaTrainState *state)
{
  memset (state, 0, sizeof *state);
  state->best_dev_weighted_f1 = NAN;
}

void
stva_train_state_clear (StvaTrainState *state)
{
  if (state == NULL)
    return;
  free (state->m1);
  free (state->m2);
  free (state->weights);
  stva_train_state_init (state);
}

StvaStatus
stva_train_continue (StvaModel            *model,
                     StvaTrainState       *state,
                     const StvaDataset    *ds,
                     const int            *train,
                     int                   n_train,
                     const int            *dev,
                     int                   n_dev,
                     int                   epochs,
                     const StvaTrainHooks *hooks,
                     StvaTrainResult      *result,
                     StvaError            *error)
{
  assert (model != NULL && state != NULL && ds != NULL);
  StvaTrainCallback callback = hooks != NULL ? hooks->on_epoch : NULL;
  void *user_data = hooks != NULL ? hooks->user_data : NULL;
  bool cancelled = false, started = false;
  const StvaModelConfig *c = &model->config;
  StvaParams *P = &model->params;
  size_t nf = P->n_floats;
  int *split_idx = NULL, *order = NULL, *labels = NULL, *owner = NULL;
  float *class_w = NULL;
  StvaParamRange *ranges = NULL;
  Worker *workers = NULL;
  StvaOptStep *opt = NULL;
  int n_workers = c->threads;
  StvaStatus status = STVA_OK;
  StvaTrainResult res = { .best_dev_weighted_f1 = NAN };
  int blas_threads = 0;   /* OpenBLAS's thread count to restore, 0 = untouched */

  if (epochs < 0)
    return stva_error_set (error, STVA_ERR_INVALID, "training: %d epochs", epochs);
  if (state->n_floats != 0
      && (state->n_floats != nf || state->m1 == NULL || state->m2 == NULL
          || state->weights == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "training: the training state is for %zu "
                           "parameters, the model has %zu", state->n_floats, nf);
  status = check_shape (model, ds, error);
  if (status == STVA_OK)
    status = stva_dataset_validate (ds, STVA_MODEL_MAX_T, error);
  if (status != STVA_OK)
    return stva_error_prefix (error, "training: ");
  status = adopt_names (model, ds, error);
  if (status != STVA_OK)
    return status;
  if (train == NULL)
    {
      split_idx = malloc ((size_t) (ds->n_dialogues > 0 ? ds->n_dialogues : 1) * sizeof (int));
      if (split_idx == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
      n_train = n_dev = 0;
      for (int d = 0; d < ds->n_dialogues; d++)
        if (ds->dialogues[d].split == STVA_SPLIT_TRAIN)
          split_idx[n_train++] = d;
      int *dev_start = split_idx + n_train;
      for (int d = 0; d < ds->n_dialogues; d++)
        if (ds->dialogues[d].split == STVA_SPLIT_DEV)
          dev_start[n_dev++] = d;
      train = split_idx;
      dev = dev_start;
    }
  if (n_train <= 0)
    {
      free (split_idx);
      return stva_error_set (error, STVA_ERR_INVALID, "training: no training dialogues");
    }

  /* class weights from the training labels */
  size_t n_labels = 0;
  for (int k = 0; k < n_train; k++)
    n_labels += (size_t) ds->dialogues[train[k]].T;
  labels = malloc (n_labels * sizeof (int));
  class_w = malloc ((size_t) c->K * sizeof (float));
  order = malloc ((size_t) n_train * sizeof (int));
  owner = malloc ((size_t) c->batch_size * sizeof (int));
  ranges = malloc ((size_t) P->n_tensors * sizeof (StvaParamRange));
  if (labels == NULL || class_w == NULL || order == NULL || owner == NULL || ranges == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
      goto out;
    }
  if (state->n_floats == 0)   /* a fresh state: AdamW's moments start at zero */
    {
      float *m1 = calloc (nf, sizeof (float)), *m2 = calloc (nf, sizeof (float));
      float *w = malloc (nf * sizeof (float));
      if (m1 == NULL || m2 == NULL || w == NULL)
        {
          free (m1);
          free (m2);
          free (w);
          status = stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
          goto out;
        }
      state->m1 = m1;
      state->m2 = m2;
      state->weights = w;
      state->n_floats = nf;
      state->holds_weights = false;
    }
  n_labels = 0;
  for (int k = 0; k < n_train; k++)
    {
      const StvaDialogue *dlg = &ds->dialogues[train[k]];
      for (int i = 0; i < dlg->T; i++)
        labels[n_labels++] = dlg->label != NULL ? dlg->label[i] : -1;
    }
  stva_loss_class_weights (class_w, labels, n_labels, (size_t) c->K, c->class_weight_power);
  stva_params_ranges (P, ranges);

  if (model->mean[STVA_MOD_T] == NULL && model->mean[STVA_MOD_A] == NULL
      && model->mean[STVA_MOD_V] == NULL)
    {
      status = stva_model_fit_normalisation (model, ds, train, n_train, error);
      if (status != STVA_OK)
        goto out;
    }
  status = make_workers (&workers, n_workers, model, ds, error);
  if (status != STVA_OK)
    goto out;
  if (P->grads == NULL && (P->grads = calloc (nf, sizeof (float))) == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
      goto out;
    }
  if ((opt = _stva_opt_step_new (n_workers, P, ranges, state->m1, state->m2)) == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "training: out of memory");
      goto out;
    }
  blas_threads = openblas_get_num_threads ();
  openblas_set_num_threads (1);   /* see stva-train.h */

  StvaAdamwConfig adamw = { .beta1 = c->beta1, .beta2 = c->beta2, .eps = 1e-8f,
                            .weight_decay = c->weight_decay };
  int B = c->batch_size;
  int n_batches = (n_train + B - 1) / B;
  uint64_t steps_per_epoch = (uint64_t) n_batches;
  uint64_t total_steps = steps_per_epoch * (uint64_t) c->max_epochs;
  uint64_t warmup = (uint64_t) floor ((double) c->warmup_frac * (double) total_steps);
  int last_epoch = c->max_epochs;
  if (epochs > 0 && epochs < last_epoch - state->epochs_done)
    last_epoch = state->epochs_done + epochs;
  for (int k = 0; k < n_train; k++)
    order[k] = train[k];
  for (int e = 1; e <= state->epochs_done; e++)   /* the earlier runs' epochs' orders */
    shuffle_epoch (c->seed, e, order, n_train);

  /* the model holds the best weights so far; training goes on from the last step's, and
   * state->weights holds the best while it runs */
  if (state->holds_weights)
    swap_floats (P->values, state->weights, nf);
  else
    memcpy (state->weights, P->values, nf * sizeof (float));
  state->holds_weights = false;
  started = true;
  res.epochs_run = state->epochs_done;
  res.best_epoch = state->best_epoch;
  res.best_dev_weighted_f1 = state->best_dev_weighted_f1;
  res.final_train_loss = state->train_loss;
  if (n_dev > 0 && state->epochs_done > 0 && state->batches_done == 0
      && state->epochs_since_best >= c->patience)
    {
      res.stopped_early = true;   /* as the run it continues did */
      goto out;
    }

  for (int epoch = state->epochs_done + 1; epoch <= last_epoch; epoch++)
    {
      double t0 = now_s (), opt_seconds = 0.0;
      shuffle_epoch (c->seed, epoch, order, n_train);
      if (state->batches_done == 0)
        {
          state->loss_sum = state->weight_sum = 0.0;
          state->lr = state->grad_norm = 0.0;
        }

      for (int j = state->batches_done; j < n_batches; j++)
        {
          int b0 = j * B;
          int nb = n_train - b0 < B ? n_train - b0 : B;
          double wtot = 0.0;
          for (int i = 0; i < nb; i++)
            {
              const StvaDialogue *dlg = &ds->dialogues[order[b0 + i]];
              if (dlg->label != NULL)
                wtot += stva_loss_weight_total (dlg->label, class_w, (size_t) dlg->T);
            }
          if (wtot <= 0.0)
            {
              state->batches_done = j + 1;
              continue;   /* nothing labelled in this batch */
            }
          int nw = n_workers < nb ? n_workers : nb;
          assign_owners (ds, order + b0, nb, nw, owner);
          for (int t = 0; t < nw; t++)
            {
              workers[t].batch = order + b0;
              workers[t].n_batch = nb;
              workers[t].owner = owner;
              workers[t].n_workers = nw;
              workers[t].class_w = class_w;
              workers[t].scale = (float) (1.0 / wtot);
              workers[t].epoch = (uint64_t) epoch;
              workers[t].train = true;
            }
          status = run_workers (workers, nw, error);
          if (status != STVA_OK)
            goto out;
          double batch_loss = 0.0;
          float *grads[256];
          for (int t = 0; t < nw; t++)
            {
              batch_loss += workers[t].loss;
              grads[t] = workers[t].grad;
            }
          for (int t = 0; t < n_workers; t++)
            workers[t].n_workers = n_workers;

          /* P->grads = Σ worker gradients; the norm, clipped as stva_clip_grad_norm () would */
          double t_opt = now_s ();
          double norm = sqrt (_stva_opt_step_sum (opt, grads, nw));
          if (!isfinite (norm))
            {
              status = stva_error_set (error, STVA_ERR_NUMERIC,
                                       "training diverged: gradient norm %g at epoch %d", norm,
                                       epoch);
              goto out;
            }
          float coef = stva_clip_factor (norm, c->clip_norm > 0.0f ? c->clip_norm : INFINITY);
          float lr = stva_lr_warmup_cosine (c->lr, c->min_lr, state->steps, warmup,
                                            total_steps);
          state->steps++;
          _stva_opt_step_update (opt, coef, &adamw, lr, state->steps);   /* clip, AdamW */
          opt_seconds += now_s () - t_opt;
          state->loss_sum += batch_loss * wtot;
          state->weight_sum += wtot;
          state->lr = lr;
          state->grad_norm = norm;
          state->batches_done = j + 1;
          if (hooks != NULL && hooks->on_step != NULL
              && !hooks->on_step (epoch, j + 1, n_batches, hooks->user_data))
            {
              cancelled = true;
              break;
            }
        }
      if (cancelled)
        {
          status = stva_error_set (error, STVA_ERR_CANCELLED, "training cancelled in epoch %d",
                                   epoch);
          break;
        }

      StvaTrainProgress progress = {
        .epoch = epoch,
        .max_epochs = c->max_epochs,
        .train_loss = state->weight_sum > 0.0 ? state->loss_sum / state->weight_sum : 0.0,
        .dev_weighted_f1 = NAN,
        .dev_accuracy = NAN,
        .lr = state->lr,
        .grad_norm = state->grad_norm,
      };
      if (n_dev > 0)
        {
          StvaMetrics metrics = { 0 };
          status = stva_model_evaluate (model, ds, dev, n_dev, NULL, NULL, &metrics, error);
          if (status != STVA_OK)
            goto out;   /* the state is still at the epoch's last batch */
          progress.dev_weighted_f1 = metrics.weighted_f1;
          progress.dev_accuracy = metrics.accuracy;
          stva_metrics_clear (&metrics);
          if (state->best_epoch == 0 || isnan (state->best_dev_weighted_f1)
              || progress.dev_weighted_f1 > state->best_dev_weighted_f1)
            {
              state->best_epoch = epoch;
              state->best_dev_weighted_f1 = progress.dev_weighted_f1;
              memcpy (state->weights, P->values, nf * sizeof (float));
              state->epochs_since_best = 0;
            }
          else
            state->epochs_since_best++;
        }
      else
        {
          state->best_epoch = epoch;
          state->best_dev_weighted_f1 = NAN;
          state->epochs_since_best = 0;
          memcpy (state->weights, P->values, nf * sizeof (float));
        }
      state->epochs_done = epoch;
      state->batches_done = 0;
      state->train_loss = progress.train_loss;
      state->loss_sum = state->weight_sum = 0.0;
      res.epochs_run = epoch;
      res.final_train_loss = progress.train_loss;
      res.best_epoch = state->best_epoch;
      res.best_dev_weighted_f1 = state->best_dev_weighted_f1;
      progress.best_epoch = state->best_epoch;
      progress.best_dev_weighted_f1 = state->best_dev_weighted_f1;
      progress.seconds = now_s () - t0;
      progress.optimiser_seconds = opt_seconds;
      if (callback != NULL && !callback (&progress, user_data))
        {
          status = stva_error_set (error, STVA_ERR_CANCELLED, "training cancelled after epoch %d",
                                   epoch);
          break;
        }
      if (n_dev > 0 && state->epochs_since_best >= c->patience)
        {
          res.stopped_early = true;
          break;
        }
    }

out:
  if (started)
    {
      /* the model gets the best weights back; the state keeps the last step's when they are
       * another step's */
      if (state->best_epoch == state->epochs_done && state->batches_done == 0)
        state->holds_weights = false;
      else
        {
          swap_floats (P->values, state->weights, nf);
          state->holds_weights = true;
        }
    }
  if (blas_threads > 0)
    openblas_set_num_threads (blas_threads);
  if (result != NULL)
    *result = res;
  free_workers (workers, n_workers);
  _stva_opt_step_free (opt);
  free (split_idx);
  free (order);
  free (owner);
  free (labels);
  free (class_w);
  free (ranges);
  return status;
}

static int
compare_int (const void *a,
             const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

StvaStatus
stva_train_holdout (const StvaDataset *ds,
                    double             fraction,
                    uint64_t           seed,
                    int              **train,
                    int               *n_train,
                    int              **dev,
                    int               *n_dev,
                    StvaError         *error)
{
  *train = *dev = NULL;
  *n_train = *n_dev = 0;
  if (!(fraction >= 0.0 && fraction < 1.0))
    return stva_error_set (error, STVA_ERR_INVALID, "holdout fraction %g outside [0, 1)",
                           fraction);
  int n = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    n += ds->dialogues[d].split == STVA_SPLIT_TRAIN;
  int *all = malloc ((size_t) (n > 0 ? n : 1) * sizeof (int));
  int *t = malloc ((size_t) (n > 0 ? n : 1) * sizeof (int));
  int *v = malloc ((size_t) (n > 0 ? n : 1) * sizeof (int));
  if (all == NULL || t == NULL || v == NULL)
    {
      free (all);
      free (t);
      free (v);
      return stva_error_set (error, STVA_ERR_NOMEM, "holdout: out of memory");
    }
  n = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (ds->dialogues[d].split == STVA_SPLIT_TRAIN)
      all[n++] = d;
  StvaRng rng;
  stva_rng_derive (&rng, seed, 0x484f4c44ull);   /* "HOLD" */
  stva_rng_shuffle (&rng, all, (size_t) n);
  int nd = (int) floor (fraction * n + 0.5);
  if (nd < 1 && n >= 2 && fraction > 0.0)
    nd = 1;
  if (nd >= n)
    nd = n - 1 > 0 ? n - 1 : 0;
  memcpy (v, all, (size_t) nd * sizeof (int));
  memcpy (t, all + nd, (size_t) (n - nd) * sizeof (int));
  qsort (v, (size_t) nd, sizeof (int), compare_int);
  qsort (t, (size_t) (n - nd), sizeof (int), compare_int);
  free (all);
  *train = t;
  *n_train = n - nd;
  *dev = v;
  *n_dev = nd;
  return STVA_OK;
}
