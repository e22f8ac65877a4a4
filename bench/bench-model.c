/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-model: the C side of the speed comparison of issue #3 (bench/run-bench.sh runs it next
 * to bench/bench_torch.py on the same data and prints the ratios).
 *
 *   bench-model gen DIR [--seed N]
 *       writes DIR/meld-synth.npz, synthetic features of MELD's shapes (text 1024, audio 300,
 *       visual 342; 7 classes in MELD's training proportions): 1038 train dialogues with 9989
 *       utterances and 280 test dialogues with 2610 utterances, lengths drawn to resemble
 *       MELD's (1 to 24 in train, 1 to 33 in test), up to 9 speakers per dialogue; and
 *       DIR/model.stvm, a model of the default config (D 256, H 4, L 2) for those widths with
 *       the normalisation of the train split.
 *   bench-model run DIR [--workers N] [--repeat N] [--no-train] [--only train|infer|latency]
 *       times, on that data and model: one training epoch (stva_train, batches of 16,
 *       N worker threads), predicting the test split with every attention map recorded
 *       (stva_model_predict_batch, N threads over packs of 16 dialogues), and the per-dialogue
 *       latency of stva_model_predict called one dialogue at a time; the forward pass's linear
 *       products over the test set as cblas_sgemm calls, one per dialogue against 16
 *       dialogues' rows stacked; reports the GEMM work of an epoch, the GFLOP/s reached (over
 *       the whole epoch, and over its forward and backward passes alone), cblas_sgemm's rate at
 *       the model's shapes, the peak memory, and the floor of the latency (reading the weights
 *       once on the latency loop's threads).  Output is "key value" lines.
 * OpenBLAS's own threads are set by the caller (OPENBLAS_NUM_THREADS).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cblas.h>

#include "stva-error.h"
#include "stva-rng.h"
#include "stva-npz.h"
#include "stva-model.h"
#include "stva-train.h"

#define N_TRAIN 1038
#define U_TRAIN 9989
#define N_TEST 280
#define U_TEST 2610

static const int MELD_F[3] = { 1024, 300, 342 };
/* MELD train label counts: neutral surprise fear sadness joy disgust anger */
static const double MELD_LABELS[7] = { 4710, 1205, 268, 683, 1743, 271, 1109 };
static const char *const MELD_NAMES[7] = { "neutral", "surprise", "fear", "sadness", "joy",
                                           "disgust", "anger" };

/* ---- helpers ---- */

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
fail (const char      *what,
      const StvaError *error)
{
  fprintf (stderr, "bench-model: %s: %s\n", what, error->message);
  return 1;
}

/* n lengths in [1, max_T] summing to total: a gamma-like draw (shape 2, MELD's mean), then
 * single steps up or down on random dialogues until the sum is exact. */
static void
draw_lengths (StvaRng *rng,
              int     *len,
              int      n,
              int      total,
              int      max_T)
{
  double mean = (double) total / n;
  int sum = 0;
  for (int d = 0; d < n; d++)
    {
      /* sum of two exponentials: gamma(2, mean/2) */
      double g = -0.5 * mean * (log (1.0 - stva_rng_uniform (rng))
                                + log (1.0 - stva_rng_uniform (rng)));
      int T = 1 + (int) floor (g);
      len[d] = T < 1 ? 1 : T > max_T ? max_T : T;
      sum += len[d];
    }
  while (sum != total)
    {
      int d = (int) stva_rng_below (rng, (uint32_t) n);
      if (sum < total && len[d] < max_T)
        {
          len[d]++;
          sum++;
        }
      else if (sum > total && len[d] > 1)
        {
          len[d]--;
          sum--;
        }
    }
}

static StvaDataset *
make_dataset (uint64_t seed)
{
  StvaRng rng;
  stva_rng_init (&rng, seed);
  StvaDataset *ds = stva_dataset_new ();
  int n = N_TRAIN + N_TEST;
  int *len = malloc ((size_t) n * sizeof (int));
  draw_lengths (&rng, len, N_TRAIN, U_TRAIN, 24);
  draw_lengths (&rng, len + N_TRAIN, N_TEST, U_TEST, 33);
  ds->K = 7;
  ds->labels = calloc (7, sizeof (char *));
  for (int k = 0; k < 7; k++)
    ds->labels[k] = strdup (MELD_NAMES[k]);
  ds->n_speakers = 260;
  ds->speakers = calloc ((size_t) ds->n_speakers, sizeof (char *));
  for (int s = 0; s < ds->n_speakers; s++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "speaker%d", s);
      ds->speakers[s] = strdup (buf);
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    ds->F[m] = MELD_F[m];
  ds->n_dialogues = n;
  ds->dialogues = calloc ((size_t) n, sizeof (StvaDialogue));
  for (int d = 0; d < n; d++)
    {
      StvaDialogue *dlg = &ds->dialogues[d];
      int T = len[d];
      char buf[32];
      snprintf (buf, sizeof buf, "dia%d", d);
      dlg->id = strdup (buf);
      dlg->split = d < N_TRAIN ? STVA_SPLIT_TRAIN : STVA_SPLIT_TEST;
      dlg->T = T;
      dlg->speaker = malloc ((size_t) T * sizeof (int));
      dlg->label = malloc ((size_t) T * sizeof (int));
      int cast[9], n_cast = 1 + (int) stva_rng_below (&rng, 9);
      for (int s = 0; s < n_cast; s++)
        cast[s] = (int) stva_rng_below (&rng, (uint32_t) ds->n_speakers);
      for (int i = 0; i < T; i++)
        {
          dlg->speaker[i] = cast[stva_rng_below (&rng, (uint32_t) n_cast)];
          dlg->label[i] = (int) stva_rng_pick (&rng, MELD_LABELS, 7);
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          size_t F = (size_t) MELD_F[m];
          dlg->x[m] = malloc ((size_t) T * F * sizeof (float));
          dlg->mask[m] = malloc ((size_t) T);
          memset (dlg->mask[m], 1, (size_t) T);
          for (size_t k = 0; k < (size_t) T * F; k++)
            dlg->x[m][k] = (float) stva_rng_normal (&rng) + 0.5f * (float) dlg->label[k / F];
        }
    }
  free (len);
  return ds;
}

static int
cmd_gen (const char *dir,
         uint64_t    seed)
{
  StvaError error = { 0 };
  char path[4096];
  StvaDataset *ds = make_dataset (seed);
  snprintf (path, sizeof path, "%s/meld-synth.npz", dir);
  if (stva_npz_write_dataset_full (path, ds, false, &error) != STVA_OK)
    return fail ("write data", &error);

  StvaModelConfig c;
  stva_model_config_init (&c);
  for (int m = 0; m < STVA_N_MOD; m++)
    c.F[m] = MELD_F[m];
  c.K = 7;
  c.seed = seed;
  StvaModel model = { 0 };
  if (stva_model_init (&model, &c, &error) != STVA_OK)
    return fail ("model", &error);
  /* the data's class names, so `synctva eval/predict --model DIR/model.stvm --data
   * DIR/meld-synth.npz` accept the pair (stva_model_clear frees them) */
  model.labels = calloc (7, sizeof (char *));
  for (int k = 0; k < 7 && model.labels != NULL; k++)
    model.labels[k] = strdup (MELD_NAMES[k]);
  int *train = malloc (N_TRAIN * sizeof (int));
  for (int d = 0; d < N_TRAIN; d++)
    train[d] = d;
  int rc = 0;
  snprintf (path, sizeof path, "%s/model.stvm", dir);
  if (stva_model_fit_normalisation (&model, ds, train, N_TRAIN, &error) != STVA_OK
      || stva_model_save (&model, path, &error) != STVA_OK)
    rc = fail ("model", &error);
  printf ("data %s/meld-synth.npz: %d train dialogues (%d utterances), %d test (%d)\n", dir,
          N_TRAIN, U_TRAIN, N_TEST, U_TEST);
  printf ("model %s: %zu parameters\n", path, stva_params_count (&model.params));
  free (train);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return rc;
}

/* GEMM floating-point operations of one dialogue's forward pass (2·m·n·k per product):
 * linear layers and attention products, as model.md lays them out. */
static double
forward_flops (const StvaModelConfig *c,
               int                    T)
{
  double D = c->D, t = T, f = 0.0, fD = (double) c->ffn_mult * D;
  int M = stva_model_config_n_active (c);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (c, m))
      {
        f += 2 * t * D * c->F[m];                                   /* projection */
        if (c->use_msde)
          f += 2 * t * D * D * 4 + 2 * t * 2 * D * D + 2 * 2 * t * t * D;   /* qkv enh, gate, attn */
      }
  int pairs = c->use_graph && M >= 2 ? M * (M - 1) / 2 : 0;
  double n2 = 2 * t;
  f += pairs * c->L * (2 * n2 * D * D * 4 + 2 * n2 * D * fD * 2 + 2 * 2 * n2 * n2 * D);
  if (pairs > 0)
    f += M * 2 * t * (M - 1) * D * D;                               /* combine */
  if (c->use_cross && M >= 2)
    f += M * (M - 1) * (2 * t * D * D * 4 + 2 * 2 * t * t * D);     /* CAF */
  f += 2 * t * M * D * D + 2 * t * D * c->K;                        /* classifier */
  return f;
}

/* cblas_sgemm's rate at (m, n, k), C = A·Bᵀ as a linear layer computes it, in GFLOP/s */
static double
cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* cblas_sgemm's rate in GFLOP/s at (m, n, k): y (m, n) = a (m, k) · b (n, k)ᵀ as a linear
 * layer's forward computes it, or, with grad_w, y (m, n) += a (k, m)ᵀ · b (k, n) as its weight
 * gradient does (k is then the rows of the batch). */
static double
sgemm_rate (int  m,
            int  n,
            int  k,
            bool grad_w)
{
  float *a = calloc ((size_t) m * k, sizeof (float)), *b = calloc ((size_t) n * k, sizeof (float));
  float *y = calloc ((size_t) m * n, sizeof (float));
  for (size_t i = 0; i < (size_t) m * k; i++)
    a[i] = (float) (i % 7) * 0.1f;
  for (size_t i = 0; i < (size_t) n * k; i++)
    b[i] = (float) (i % 5) * 0.1f;
  double flops = 2.0 * m * n * k, t0 = now_s (), t;
  long reps = 0;
  do
    {
      if (grad_w)
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1.0f, a, m, b, n, 1.0f,
                     y, n);
      else
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, k, b, k, 0.0f,
                     y, n);
      reps++;
      t = now_s () - t0;
    }
  while (t < 0.3);
  free (a);
  free (b);
  free (y);
  return flops * (double) reps / t * 1e-9;
}

typedef struct
{
  const StvaModel   *model;
  const StvaDataset *ds;
  const int         *dialogues;   /* longest first */
  int                n;
  atomic_int        *next_pack;   /* shared: the next pack of PACK dialogues to take */
  StvaStatus         status;
  StvaError          error;
  double             checksum;
} PredictJob;

/* dialogues a thread predicts in one stacked call (stva_model_predict_batch) */
#define PACK 16

/* weights_read_ms: n_threads threads (1 or 2) sum their part of v (n floats) once per pass,
 * starting together; the median pass in ms, and the sum of everything read in *checksum (printed,
 * so the reads cannot be left out).  Four vector-friendly partial sums per thread, so the loop
 * is bound by reading, not by a chain of adds. */
typedef struct
{
  const float       *v;
  size_t             lo, hi;
  int                passes;
  pthread_barrier_t *start, *end;
  double             sum;
} ReadPart;

static void
read_part (ReadPart *r)
{
  float acc[4][8] = { { 0 } };
  size_t i = r->lo;
  for (; i + 32 <= r->hi; i += 32)
    for (int a = 0; a < 4; a++)
      for (int l = 0; l < 8; l++)
        acc[a][l] += r->v[i + 8 * (size_t) a + (size_t) l];
  for (; i < r->hi; i++)
    acc[0][0] += r->v[i];
  for (int a = 0; a < 4; a++)
    for (int l = 0; l < 8; l++)
      r->sum += acc[a][l];
}

static void *
read_thread (void *data)
{
  ReadPart *r = data;
  for (int j = 0; j < r->passes; j++)
    {
      pthread_barrier_wait (r->start);
      read_part (r);
      pthread_barrier_wait (r->end);
    }
  return NULL;
}

static double
weights_read_ms (const float *v,
                 size_t       n,
                 int          n_threads,
                 int          passes,
                 double      *checksum)
{
  pthread_barrier_t start, end;
  n_threads = n_threads == 2 ? 2 : 1;
  pthread_barrier_init (&start, NULL, (unsigned) n_threads);
  pthread_barrier_init (&end, NULL, (unsigned) n_threads);
  size_t half = n / 2 / 32 * 32;
  ReadPart parts[2] = {
    { .v = v, .lo = 0, .hi = n_threads == 2 ? half : n, .passes = passes, .start = &start,
      .end = &end },
    { .v = v, .lo = half, .hi = n, .passes = passes, .start = &start, .end = &end },
  };
  pthread_t helper;
  if (n_threads == 2)
    pthread_create (&helper, NULL, read_thread, &parts[1]);
  double *pass = malloc ((size_t) passes * sizeof (double));
  for (int j = 0; j < passes; j++)
    {
      pthread_barrier_wait (&start);
      double t0 = now_s ();
      read_part (&parts[0]);
      pthread_barrier_wait (&end);
      pass[j] = now_s () - t0;
    }
  if (n_threads == 2)
    pthread_join (helper, NULL);
  pthread_barrier_destroy (&start);
  pthread_barrier_destroy (&end);
  for (int i = 1; i < passes; i++)   /* insertion sort for the median */
    for (int j = i; j > 0 && pass[j] < pass[j - 1]; j--)
      {
        double x = pass[j];
        pass[j] = pass[j - 1];
        pass[j - 1] = x;
      }
  double ms = 1e3 * pass[passes / 2];
  free (pass);
  *checksum = parts[0].sum + parts[1].sum;
  return ms;
}

/* Each thread takes the next pack of PACK consecutive dialogues (the list is sorted longest
 * first, so the last packs are the short ones and the threads finish together) until none is
 * left. */
static void *
predict_thread (void *data)
{
  PredictJob *job = data;
  StvaModelWorkspace *ws = stva_model_workspace_new (&job->model->config);
  job->status = STVA_OK;
  const StvaDialogue *pack[PACK];
  StvaModelOutput outs[PACK];
  for (;;)
    {
      int first = atomic_fetch_add (job->next_pack, 1) * PACK;
      if (first >= job->n)
        break;
      int n = job->n - first < PACK ? job->n - first : PACK;
      for (int k = 0; k < n; k++)
        pack[k] = &job->ds->dialogues[job->dialogues[first + k]];
      job->status = stva_model_predict_batch (job->model, ws, pack, n, outs, &job->error);
      if (job->status != STVA_OK)
        break;
      for (int k = 0; k < n; k++)
        {
          job->checksum += outs[k].confidence[0];
          stva_model_output_clear (&outs[k]);
        }
    }
  stva_model_workspace_free (ws);
  return NULL;
}

/* What stacking would buy: the forward pass's linear products over the test dialogues (the
 * shapes of forward_flops (): every weight its own matrix, as in the model), once with one
 * product per dialogue (rows = T or 2T, what the C model does) and once with the rows of 16
 * dialogues in a row stacked into one product (no padding).  Wall and CPU seconds of each. */
static void
linear_products (const StvaModelConfig *c,
                 const StvaDataset     *ds,
                 const int             *dlg,
                 int                    n,
                 double                 seconds[2],
                 double                 cpu_seconds[2])
{
  int D = c->D, fD = c->ffn_mult * D, K = c->K;
  /* rows factor (1: T, 2: 2T), n_out, n_in, count; all three modalities, default switches */
  const int prods[][4] = {
    { 1, D, c->F[0], 1 }, { 1, D, c->F[1], 1 }, { 1, D, c->F[2], 1 },   /* projection */
    { 1, D, D, 3 * 4 }, { 1, D, 2 * D, 3 },                                /* MSDE */
    { 1, D, D, 3 * 2 * 6 }, { 2, D, D, 3 * 2 }, { 2, fD, D, 3 * 2 }, { 2, D, fD, 3 * 2 },   /* graphs, L 2 */
    { 1, D, 2 * D, 3 },                                                    /* combine */
    { 1, D, D, 6 * 4 },                                                    /* CAF */
    { 1, D, 3 * D, 1 }, { 1, K, D, 1 },                                    /* classifier */
  };
  const int n_prods = (int) (sizeof prods / sizeof prods[0]);
  size_t w_floats = 0, max_in = 0;
  for (int p = 0; p < n_prods; p++)
    {
      w_floats += (size_t) prods[p][1] * (size_t) prods[p][2] * (size_t) prods[p][3];
      if ((size_t) prods[p][2] > max_in)
        max_in = (size_t) prods[p][2];
    }
  int max_rows = 0;
  for (int b = 0; b < n; b += 16)
    {
      int rows = 0;
      for (int j = b; j < n && j < b + 16; j++)
        rows += ds->dialogues[dlg[j]].T;
      if (rows > max_rows)
        max_rows = rows;
    }
  size_t max_out = (size_t) (fD > 3 * D ? fD : 3 * D);
  float *w = malloc (w_floats * sizeof (float));
  float *x = malloc (2 * (size_t) max_rows * max_in * sizeof (float));
  float *y = malloc (2 * (size_t) max_rows * max_out * sizeof (float));
  for (size_t i = 0; i < w_floats; i++)
    w[i] = (float) (i % 13) * 0.01f;
  for (size_t i = 0; i < 2 * (size_t) max_rows * max_in; i++)
    x[i] = (float) (i % 11) * 0.01f;
  for (int pass = 0; pass < 2; pass++)
    {
      int group = pass == 0 ? 1 : 16;
      double t0 = now_s (), c0 = cpu_s ();
      for (int b = 0; b < n; b += group)
        {
          int T = 0;
          for (int j = b; j < n && j < b + group; j++)
            T += ds->dialogues[dlg[j]].T;
          const float *wp = w;
          for (int p = 0; p < n_prods; p++)
            for (int k = 0; k < prods[p][3]; k++)
              {
                int rows = prods[p][0] * T, n_out = prods[p][1], n_in = prods[p][2];
                cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, n_out, n_in, 1.0f, x,
                             n_in, wp, n_in, 0.0f, y, n_out);
                wp += (size_t) n_out * (size_t) n_in;
              }
        }
      seconds[pass] = now_s () - t0;
      cpu_seconds[pass] = cpu_s () - c0;
    }
  free (w);
  free (x);
  free (y);
}

static bool
epoch_cb (const StvaTrainProgress *p,
          void                    *user_data)
{
  *(StvaTrainProgress *) user_data = *p;
  return true;
}

enum { PART_TRAIN = 1, PART_INFER = 2, PART_LATENCY = 4, PART_REST = 8, PART_ALL = 15 };

static int
cmd_run (const char *dir,
         int         workers,
         int         repeat,
         int         parts)
{
  bool train_too = (parts & PART_TRAIN) != 0;
  StvaError error = { 0 };
  char path[4096];
  StvaModel model = { 0 };
  StvaDataset *ds = NULL;
  snprintf (path, sizeof path, "%s/model.stvm", dir);
  if (stva_model_load (&model, path, &error) != STVA_OK)
    return fail ("model", &error);
  snprintf (path, sizeof path, "%s/meld-synth.npz", dir);
  if (stva_npz_read_dataset (path, &ds, &error) != STVA_OK)
    return fail ("data", &error);
  model.config.threads = workers;
  model.config.max_epochs = 1;
  model.params.config.threads = workers;
  model.params.config.max_epochs = 1;

  int train[N_TRAIN + N_TEST], test[N_TRAIN + N_TEST], n_train = 0, n_test = 0;
  double epoch_flops = 0.0, test_flops = 0.0;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (ds->dialogues[d].split == STVA_SPLIT_TRAIN)
      {
        train[n_train++] = d;
        epoch_flops += 3.0 * forward_flops (&model.config, ds->dialogues[d].T);
      }
    else if (ds->dialogues[d].split == STVA_SPLIT_TEST)
      {
        test[n_test++] = d;
        test_flops += forward_flops (&model.config, ds->dialogues[d].T);
      }
  printf ("workers %d\n", workers);
  printf ("train_dialogues %d\ntest_dialogues %d\n", n_train, n_test);
  printf ("epoch_gflop %.1f\n", epoch_flops * 1e-9);
  printf ("test_gflop %.2f\n", test_flops * 1e-9);

  /* cblas_sgemm at the shapes of the big products: rows of a mean dialogue (10 utterances, 20
   * graph nodes), and of a batch of 16 such dialogues stacked (160, 320) for comparison */
  const int D = model.config.D;
  struct { const char *what; int m, n, k; bool grad_w; } shapes[] = {
    { "proj_T_10", 10, D, 1024, false }, { "graph_qkvo_20", 20, D, D, false },
    { "graph_ffn1_20", 20, 2 * D, D, false }, { "graph_ffn2_20", 20, D, 2 * D, false },
    { "dW_DxD_20", D, D, 20, true }, { "dW_proj_T_10", D, 1024, 10, true },
    { "proj_T_160", 160, D, 1024, false }, { "graph_qkvo_320", 320, D, D, false },
    { "dW_DxD_320", D, D, 320, true },
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0] && (parts & PART_REST); s++)
    printf ("sgemm_gflops_%s %.1f\n", shapes[s].what,
            sgemm_rate (shapes[s].m, shapes[s].n, shapes[s].k, shapes[s].grad_w));

  /* one training epoch, best of repeat (the parameters move on: speed does not care) */
  double best_epoch = INFINITY, best_opt = NAN;
  for (int r = 0; r < repeat && train_too; r++)
    {
      double c0 = cpu_s ();
      StvaTrainProgress progress = { .seconds = NAN, .optimiser_seconds = NAN };
      StvaTrainResult result;
      if (stva_train (&model, ds, train, n_train, NULL, 0, epoch_cb, &progress, &result, &error)
          != STVA_OK)
        return fail ("train", &error);
      printf ("train_epoch_s_run%d %.3f (cpu %.1f s, loss %.4f, optimiser %.3f s)\n", r,
              progress.seconds, cpu_s () - c0, result.final_train_loss,
              progress.optimiser_seconds);
      if (r == 0)
        printf ("train_epoch_cpu_s %.3f\n", cpu_s () - c0);
      if (progress.seconds < best_epoch)
        {
          best_epoch = progress.seconds;
          best_opt = progress.optimiser_seconds;
        }
    }
  printf ("train_epoch_s %.3f\n", best_epoch);
  printf ("train_gflops %.1f\n", epoch_flops * 1e-9 / best_epoch);
  /* the same epoch less its optimiser steps: the forward and backward passes, where every
   * product is (the optimiser has none) */
  printf ("train_optimiser_s %.3f\n", best_opt);
  printf ("train_passes_gflops %.1f\n", epoch_flops * 1e-9 / (best_epoch - best_opt));
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  printf ("peak_rss_mb %.1f\n", (double) ru.ru_maxrss / 1024.0);

  /* the test set, every attention map recorded, workers threads taking packs of PACK
   * dialogues (sorted longest first before timing, as the PyTorch side buckets by length) */
  int by_length[N_TRAIN + N_TEST];
  memcpy (by_length, test, (size_t) n_test * sizeof (int));
  for (int i = 1; i < n_test; i++)   /* insertion sort, longest first, stable */
    for (int j = i; j > 0 && ds->dialogues[by_length[j]].T > ds->dialogues[by_length[j - 1]].T;
         j--)
      {
        int x = by_length[j];
        by_length[j] = by_length[j - 1];
        by_length[j - 1] = x;
      }
  double best_infer = INFINITY;
  for (int r = 0; r < repeat && (parts & PART_INFER); r++)
    {
      PredictJob jobs[64];
      pthread_t threads[64];
      atomic_int next_pack = 0;
      double t0 = now_s (), c0 = cpu_s ();
      for (int w = 0; w < workers; w++)
        {
          jobs[w] = (PredictJob) { .model = &model, .ds = ds, .dialogues = by_length,
                                   .n = n_test, .next_pack = &next_pack };
          if (w > 0)
            pthread_create (&threads[w], NULL, predict_thread, &jobs[w]);
        }
      predict_thread (&jobs[0]);
      for (int w = 1; w < workers; w++)
        pthread_join (threads[w], NULL);
      double t = now_s () - t0;
      if (r == 0)
        printf ("infer_test_cpu_s %.4f\n", cpu_s () - c0);
      for (int w = 0; w < workers; w++)
        if (jobs[w].status != STVA_OK)
          return fail ("predict", &jobs[w].error);
      if (t < best_infer)
        best_infer = t;
    }
  printf ("infer_test_s %.4f\n", best_infer);
  printf ("infer_gflops %.1f\n", test_flops * 1e-9 / best_infer);

  /* latency: one dialogue per call, a fresh output each time, the workspace reused (the
   * studio keeps one); mean and median over the test dialogues */
  StvaModelWorkspace *ws = stva_model_workspace_new (&model.config);
  int lat_threads = stva_model_workspace_set_threads (ws, workers);
  printf ("latency_threads %d\n", lat_threads);
  double *lat = malloc ((size_t) n_test * sizeof (double)), sum = 0.0, c0 = cpu_s ();
  for (int j = 0; j < n_test && (parts & PART_LATENCY); j++)
    {
      StvaModelOutput out = { 0 };
      double t0 = now_s ();
      if (stva_model_predict (&model, ws, &ds->dialogues[test[j]], &out, &error) != STVA_OK)
        return fail ("predict", &error);
      lat[j] = now_s () - t0;
      sum += lat[j];
      stva_model_output_clear (&out);
    }
  printf ("latency_cpu_ms_mean %.3f\n", 1e3 * (cpu_s () - c0) / n_test);
  for (int i = 1; i < n_test; i++)   /* insertion sort for the median */
    for (int j = i; j > 0 && lat[j] < lat[j - 1]; j--)
      {
        double x = lat[j];
        lat[j] = lat[j - 1];
        lat[j - 1] = x;
      }
  printf ("latency_ms_mean %.3f\n", 1e3 * sum / n_test);
  printf ("latency_ms_median %.3f\n", 1e3 * lat[n_test / 2]);
  free (lat);

  /* the floor of a one-dialogue forward on this machine: every weight is read once, so time
   * reading the parameter block with the latency loop's threads, each its own half every time
   * as the split products do (as often as the latency loop, so the cache is as warm as it was
   * there; median) */
  if (parts & PART_REST)
    {
      double checksum;
      double floor_ms = weights_read_ms (model.params.values, model.params.n_floats, lat_threads,
                                         n_test, &checksum);
      printf ("weights_read_ms %.3f (%.1f MB, %d threads, checksum %g)\n", floor_ms,
              (double) model.params.n_floats * 4e-6, lat_threads, checksum);
    }

  double lin_s[2] = { 0.0, 0.0 }, lin_cpu_s[2] = { 0.0, 0.0 };
  if (parts & PART_REST)
    linear_products (&model.config, ds, test, n_test, lin_s, lin_cpu_s);
  printf ("test_linear_products_per_dialogue_s %.4f (cpu %.4f)\n", lin_s[0], lin_cpu_s[0]);
  printf ("test_linear_products_stacked16_s %.4f (cpu %.4f)\n", lin_s[1], lin_cpu_s[1]);
  stva_model_workspace_free (ws);
  stva_model_clear (&model);
  stva_dataset_free (ds);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-model gen DIR [--seed N] | run DIR [--workers N] "
               "[--repeat N] [--no-train] [--only train|infer|latency]\n");
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);   /* progress shows through tee */
  uint64_t seed = 1;
  int workers = 1, repeat = 1;
  int parts = PART_ALL;
  for (int i = 3; i < argc; i++)
    if (strcmp (argv[i], "--no-train") == 0)
      parts &= ~PART_TRAIN;
  for (int i = 3; i + 1 < argc; i += 2)
    if (strcmp (argv[i], "--no-train") == 0)
      i--;
    else if (strcmp (argv[i], "--seed") == 0)
      seed = strtoull (argv[i + 1], NULL, 10);
    else if (strcmp (argv[i], "--workers") == 0)
      workers = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--repeat") == 0)
      repeat = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--only") == 0)
      parts = strcmp (argv[i + 1], "train") == 0 ? PART_TRAIN
              : strcmp (argv[i + 1], "infer") == 0 ? PART_INFER
              : strcmp (argv[i + 1], "latency") == 0 ? PART_LATENCY : 0;
  if (parts == 0)
    {
      fprintf (stderr, "bench-model: --only train, infer or latency\n");
      return 2;
    }
  if (workers < 1 || workers > 64 || repeat < 1)
    {
      fprintf (stderr, "bench-model: --workers 1..64, --repeat >= 1\n");
      return 2;
    }
  if (strcmp (argv[1], "gen") == 0)
    return cmd_gen (argv[2], seed);
  if (strcmp (argv[1], "run") == 0)
    return cmd_run (argv[2], workers, repeat, parts);
  fprintf (stderr, "bench-model: unknown command '%s'\n", argv[1]);
  return 2;
}
