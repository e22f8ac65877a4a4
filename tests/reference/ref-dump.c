/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ref-dump: the C side of the PyTorch reference test (tests/reference/test-reference.py).
 *
 *   ref-dump OUTDIR [--seed N] [--dialogues N] [--max-T N] [--speakers N] [--p-missing X]
 *            [--p-unlabelled X] [--no-step] [key=value ...]
 *
 * Makes a small model from a config (the test's small defaults, then each key=value as a model
 * file config key: "D=16", "use_msde=0", "modalities=TA", "loss=focal", ...), perturbs its
 * LayerNorm and relation-bias tensors off their trivial initial values, gives it a feature
 * normalisation, and generates a small dataset (several speakers, missing modalities, missing
 * labels).  It writes, into OUTDIR:
 *   model.stvm       the model (stva_model_save)
 *   data.npz         the dataset (stva_npz_write_dataset)
 *   out.npz          for every dialogue d of data.npz as read back, predicted by the model as
 *                    loaded back from model.stvm (stva_model_predict): d<d>_logits, _probs,
 *                    _pred, _confidence, _entropy, _margin, _beta, _present, _msde_alpha_<m>,
 *                    _graph_rel_<P>, _graph_alpha_<P>_l<l>, _caf_alpha_<m><m'>
 *   grad.npz         (unless --no-step) the gradient of the training loss over all dialogues
 *                    as one batch (class weights from their labels, scale 1 / Σ w_y, as
 *                    stva_train does): g_<tensor name> for every tensor, class_w, loss
 *   model-step.stvm  (unless --no-step) the model after one stva_train () step over all
 *                    dialogues as one batch (max_epochs 1, no warm-up, no validation split)
 * The config must have dropout and modality dropout 0 for the step (the test sets them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-error.h"
#include "stva-rng.h"
#include "stva-loss.h"
#include "stva-npz.h"
#include "stva-model.h"
#include "stva-train.h"

typedef struct
{
  uint64_t seed;
  int      n_dialogues;
  int      max_T;
  int      n_speakers;
  double   p_missing;
  double   p_unlabelled;
  bool     step;
} Options;

static const char MOD_LETTERS[] = "TAV";

/* ---- helpers ---- */

static int
fail (const char      *what,
      const StvaError *error)
{
  fprintf (stderr, "ref-dump: %s: %s\n", what, error->message);
  return 1;
}

/* The test's small model: widths and windows small enough that windows cut real dialogues. */
static void
small_config (StvaModelConfig *c)
{
  stva_model_config_init (c);
  c->F[STVA_MOD_T] = 12;
  c->F[STVA_MOD_A] = 7;
  c->F[STVA_MOD_V] = 5;
  c->K = 4;
  c->D = 16;
  c->H = 2;
  c->L = 2;
  c->S = 3;
  c->ffn_mult = 2;
  c->ctx_window = 2;
  c->win_past = 3;
  c->win_future = 2;
  c->cross_window = 1;
  c->dropout = 0.0f;
  c->modality_dropout = 0.0f;
  c->max_epochs = 1;
  c->batch_size = 1000;
  c->warmup_frac = 0.0f;
  c->lr = 1e-3f;
  c->clip_norm = 1.0f;
}

static StvaDataset *
make_dataset (const StvaModelConfig *c,
              const Options         *o)
{
  StvaRng rng;
  stva_rng_init (&rng, o->seed);
  StvaDataset *ds = stva_dataset_new ();
  if (ds == NULL)
    return NULL;
  ds->K = c->K;
  ds->labels = calloc ((size_t) c->K, sizeof (char *));
  for (int k = 0; k < c->K; k++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "emotion%d", k);
      ds->labels[k] = strdup (buf);
    }
  ds->n_speakers = o->n_speakers;
  ds->speakers = calloc ((size_t) o->n_speakers, sizeof (char *));
  for (int s = 0; s < o->n_speakers; s++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "speaker%d", s);
      ds->speakers[s] = strdup (buf);
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    ds->F[m] = c->F[m];
  ds->n_dialogues = o->n_dialogues;
  ds->dialogues = calloc ((size_t) o->n_dialogues, sizeof (StvaDialogue));
  /* per-dimension offsets and scales, so the normalisation matters */
  float *off[STVA_N_MOD], *scl[STVA_N_MOD];
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      off[m] = malloc ((size_t) (c->F[m] > 0 ? c->F[m] : 1) * sizeof (float));
      scl[m] = malloc ((size_t) (c->F[m] > 0 ? c->F[m] : 1) * sizeof (float));
      for (int f = 0; f < c->F[m]; f++)
        {
          off[m][f] = (float) (2.0 * stva_rng_normal (&rng));
          scl[m][f] = (float) (0.5 + 2.0 * stva_rng_uniform (&rng));
        }
    }
  for (int d = 0; d < o->n_dialogues; d++)
    {
      StvaDialogue *dlg = &ds->dialogues[d];
      /* the first dialogue is the longest, the second has one utterance */
      int T = d == 0 ? o->max_T : d == 1 ? 1 : 1 + (int) stva_rng_below (&rng, (uint32_t) o->max_T);
      char buf[32];
      snprintf (buf, sizeof buf, "dia%d", d);
      dlg->id = strdup (buf);
      dlg->split = STVA_SPLIT_TRAIN;
      dlg->T = T;
      dlg->speaker = malloc ((size_t) T * sizeof (int));
      dlg->label = malloc ((size_t) T * sizeof (int));
      for (int m = 0; m < STVA_N_MOD; m++)
        if (c->F[m] > 0)
          {
            dlg->x[m] = calloc ((size_t) T * (size_t) c->F[m], sizeof (float));
            dlg->mask[m] = calloc ((size_t) T, 1);
          }
      for (int i = 0; i < T; i++)
        {
          dlg->speaker[i] = (int) stva_rng_below (&rng, (uint32_t) o->n_speakers);
          dlg->label[i] = stva_rng_uniform (&rng) < o->p_unlabelled
                            ? -1 : (int) stva_rng_below (&rng, (uint32_t) c->K);
          int n_present = 0;
          for (int m = 0; m < STVA_N_MOD; m++)
            if (c->F[m] > 0)
              {
                dlg->mask[m][i] = stva_rng_uniform (&rng) >= o->p_missing;
                n_present += dlg->mask[m][i];
              }
          if (n_present == 0)   /* every utterance keeps one modality (stva-dataset.h) */
            for (int m = 0; m < STVA_N_MOD; m++)
              if (c->F[m] > 0)
                {
                  dlg->mask[m][i] = 1;
                  break;
                }
          for (int m = 0; m < STVA_N_MOD; m++)
            if (c->F[m] > 0 && dlg->mask[m][i])
              for (int f = 0; f < c->F[m]; f++)
                dlg->x[m][(size_t) i * c->F[m] + f]
                  = off[m][f] + scl[m][f] * (float) stva_rng_normal (&rng);
        }
      if (d == 0)
        dlg->label[0] = 0;   /* something is labelled */
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      free (off[m]);
      free (scl[m]);
    }
  return ds;
}

/* LayerNorm gains and biases, relation biases and the rest: off their trivial values, so the
 * comparison exercises them. */
static void
perturb_params (StvaModel *model,
                uint64_t   seed)
{
  StvaRng rng;
  stva_rng_init (&rng, seed ^ 0x70657274ull);
  StvaParams *p = &model->params;
  for (int t = 0; t < p->n_tensors; t++)
    {
      const StvaParamTensor *pt = &p->tensors[t];
      float *x = p->values + pt->offset;
      double amp = pt->init == STVA_INIT_ONES || pt->init == STVA_INIT_ZEROS ? 0.5 : 0.0;
      if (strstr (pt->name, "rel_bias") != NULL)
        amp = 1.0;
      for (size_t k = 0; k < pt->n; k++)
        x[k] += (float) (amp * (2.0 * stva_rng_uniform (&rng) - 1.0));
    }
}

static StvaStatus
set_normalisation (StvaModel *model,
                   uint64_t   seed,
                   StvaError *error)
{
  StvaRng rng;
  stva_rng_init (&rng, seed ^ 0x6e6f726dull);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      int F = model->config.F[m];
      if (F == 0)
        continue;
      float *mean = malloc ((size_t) F * sizeof (float)), *std = malloc ((size_t) F * sizeof (float));
      for (int f = 0; f < F; f++)
        {
          mean[f] = (float) (1.5 * stva_rng_normal (&rng));
          std[f] = (float) (0.5 + 2.0 * stva_rng_uniform (&rng));
        }
      std[F - 1] = 0.0f;   /* a constant feature: scaled by 1 */
      StvaStatus status = stva_model_set_normalisation (model, m, mean, std, error);
      free (mean);
      free (std);
      if (status != STVA_OK)
        return status;
    }
  return STVA_OK;
}

static StvaStatus
add_f32 (StvaNpzWriter *w,
         const char    *name,
         const float   *data,
         int            ndim,
         int64_t        d0,
         int64_t        d1,
         int64_t        d2,
         StvaError     *error)
{
  int64_t shape[3] = { d0, d1, d2 };
  return stva_npz_writer_add (w, name, STVA_NPY_F4, ndim, shape, data, error);
}

static StvaStatus
write_predictions (const StvaModel   *model,
                   const StvaDataset *ds,
                   const char        *path,
                   StvaError         *error)
{
  const StvaModelConfig *c = &model->config;
  StvaNpzWriter *w = NULL;
  StvaStatus status = stva_npz_writer_open (path, true, &w, error);
  if (status != STVA_OK)
    return status;
  StvaModelWorkspace *ws = stva_model_workspace_new (c);
  for (int d = 0; d < ds->n_dialogues && status == STVA_OK; d++)
    {
      StvaModelOutput out = { 0 };
      status = stva_model_predict (model, ws, &ds->dialogues[d], &out, error);
      if (status != STVA_OK)
        break;
      int64_t T = out.T, K = out.K, H = out.H, T2 = 2 * T;
      char name[96];
#define NAME(...) (snprintf (name, sizeof name, __VA_ARGS__), name)
      int64_t s1[1] = { T }, s2[2] = { 3, T };
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_logits", d), out.logits, 2, T, K, 0, error);
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_probs", d), out.probs, 2, T, K, 0, error);
      if (status == STVA_OK)
        status = stva_npz_writer_add (w, NAME ("d%d_pred", d), STVA_NPY_I4, 1, s1, out.pred,
                                      error);
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_confidence", d), out.confidence, 1, T, 0, 0, error);
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_entropy", d), out.entropy, 1, T, 0, 0, error);
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_margin", d), out.margin, 1, T, 0, 0, error);
      if (status == STVA_OK)
        status = add_f32 (w, NAME ("d%d_beta", d), out.beta, 2, T, 3, 0, error);
      if (status == STVA_OK)
        status = stva_npz_writer_add (w, NAME ("d%d_present", d), STVA_NPY_U1, 2, s2,
                                      out.present, error);
      for (int m = 0; m < STVA_N_MOD && status == STVA_OK; m++)
        if (out.msde_alpha[m] != NULL)
          status = add_f32 (w, NAME ("d%d_msde_alpha_%c", d, MOD_LETTERS[m]), out.msde_alpha[m],
                            2, T, T, 0, error);
      for (int p = 0; p < STVA_N_PAIRS && status == STVA_OK; p++)
        {
          if (out.graph_rel[p] == NULL)
            continue;
          int64_t sr[2] = { T2, T2 };
          status = stva_npz_writer_add (w, NAME ("d%d_graph_rel_%s", d, stva_pair_name (p)),
                                        STVA_NPY_I4, 2, sr, out.graph_rel[p], error);
          for (int l = 0; l < out.L && status == STVA_OK; l++)
            if (out.graph_alpha[p][l] != NULL)
              status = add_f32 (w, NAME ("d%d_graph_alpha_%s_l%d", d, stva_pair_name (p), l),
                                out.graph_alpha[p][l], 3, H, T2, T2, error);
        }
      for (int m = 0; m < STVA_N_MOD && status == STVA_OK; m++)
        for (int m2 = 0; m2 < STVA_N_MOD && status == STVA_OK; m2++)
          if (out.caf_alpha[m][m2] != NULL)
            status = add_f32 (w, NAME ("d%d_caf_alpha_%c%c", d, MOD_LETTERS[m],
                                       MOD_LETTERS[m2]),
                              out.caf_alpha[m][m2], 3, H, T, T, error);
#undef NAME
      stva_model_output_clear (&out);
    }
  stva_model_workspace_free (ws);
  if (status != STVA_OK)
    {
      stva_npz_writer_abort (w);
      return status;
    }
  return stva_npz_writer_close (w, error);
}

/* The gradient stva_train's first step takes, before clipping: all dialogues as one batch. */
static StvaStatus
write_gradient (const StvaModel   *model,
                const StvaDataset *ds,
                const char        *path,
                StvaError         *error)
{
  const StvaModelConfig *c = &model->config;
  const StvaParams *P = &model->params;
  size_t n_labels = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    n_labels += (size_t) ds->dialogues[d].T;
  int *labels = malloc (n_labels * sizeof (int));
  float *class_w = malloc ((size_t) c->K * sizeof (float));
  float *grad = calloc (P->n_floats, sizeof (float));
  StvaModelWorkspace *ws = stva_model_workspace_new (c);
  StvaNpzWriter *w = NULL;
  StvaStatus status = STVA_OK;
  n_labels = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    for (int i = 0; i < ds->dialogues[d].T; i++)
      labels[n_labels++] = ds->dialogues[d].label[i];
  stva_loss_class_weights (class_w, labels, n_labels, (size_t) c->K, c->class_weight_power);
  double wtot = 0.0, loss = 0.0;
  for (int d = 0; d < ds->n_dialogues; d++)
    wtot += stva_loss_weight_total (ds->dialogues[d].label, class_w,
                                    (size_t) ds->dialogues[d].T);
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      StvaRng rng;
      stva_rng_init (&rng, 1);
      StvaForwardOptions options = { .train = true, .rng = &rng };
      status = stva_model_forward (ws, model, P->values, &ds->dialogues[d], &options, error);
      if (status != STVA_OK)
        goto out;
      loss += stva_model_backward (ws, model, P->values, class_w, (float) (1.0 / wtot), grad);
    }
  status = stva_npz_writer_open (path, true, &w, error);
  if (status != STVA_OK)
    goto out;
  for (int t = 0; t < P->n_tensors && status == STVA_OK; t++)
    {
      const StvaParamTensor *pt = &P->tensors[t];
      char name[STVA_PARAM_NAME_MAX + 8];
      snprintf (name, sizeof name, "g_%s", pt->name);
      status = stva_npz_writer_add (w, name, STVA_NPY_F4, pt->ndim, pt->shape, grad + pt->offset,
                                    error);
    }
  if (status == STVA_OK)
    status = add_f32 (w, "class_w", class_w, 1, c->K, 0, 0, error);
  double lw[1] = { loss };
  int64_t s1[1] = { 1 };
  if (status == STVA_OK)
    status = stva_npz_writer_add (w, "loss", STVA_NPY_F8, 1, s1, lw, error);
  if (status == STVA_OK)
    status = stva_npz_writer_close (w, error);
  else
    stva_npz_writer_abort (w);

out:
  stva_model_workspace_free (ws);
  free (labels);
  free (class_w);
  free (grad);
  return status;
}

static int
parse_options (int              argc,
               char           **argv,
               Options         *o,
               StvaModelConfig *c)
{
  StvaError error = { 0 };
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (strcmp (a, "--no-step") == 0)
        o->step = false;
      else if (strncmp (a, "--", 2) == 0 && v == NULL)
        {
          fprintf (stderr, "ref-dump: %s needs a value\n", a);
          return 1;
        }
      else if (strcmp (a, "--seed") == 0)
        o->seed = strtoull (argv[++i], NULL, 10);
      else if (strcmp (a, "--dialogues") == 0)
        o->n_dialogues = atoi (argv[++i]);
      else if (strcmp (a, "--max-T") == 0)
        o->max_T = atoi (argv[++i]);
      else if (strcmp (a, "--speakers") == 0)
        o->n_speakers = atoi (argv[++i]);
      else if (strcmp (a, "--p-missing") == 0)
        o->p_missing = atof (argv[++i]);
      else if (strcmp (a, "--p-unlabelled") == 0)
        o->p_unlabelled = atof (argv[++i]);
      else if (strchr (a, '=') != NULL)
        {
          char key[64];
          size_t n = (size_t) (strchr (a, '=') - a);
          if (n >= sizeof key)
            n = sizeof key - 1;
          memcpy (key, a, n);
          key[n] = '\0';
          if (stva_model_config_set (c, key, a + n + 1, &error) != STVA_OK)
            return fail ("config", &error);
        }
      else
        {
          fprintf (stderr, "ref-dump: unknown argument '%s'\n", a);
          return 1;
        }
    }
  if (o->n_dialogues < 2 || o->max_T < 1 || o->n_speakers < 1)
    {
      fprintf (stderr, "ref-dump: need at least 2 dialogues, max-T >= 1, speakers >= 1\n");
      return 1;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2 || argv[1][0] == '-')
    {
      fprintf (stderr, "usage: ref-dump OUTDIR [--seed N] [--dialogues N] [--max-T N] "
               "[--speakers N] [--p-missing X] [--p-unlabelled X] [--no-step] [key=value ...]\n");
      return 2;
    }
  const char *dir = argv[1];
  Options o = { .seed = 1, .n_dialogues = 5, .max_T = 9, .n_speakers = 5, .p_missing = 0.25,
                .p_unlabelled = 0.2, .step = true };
  StvaModelConfig c;
  small_config (&c);
  if (parse_options (argc, argv, &o, &c) != 0)
    return 1;

  StvaError error = { 0 };
  char path[4096];
  StvaModel model = { 0 }, loaded = { 0 };
  StvaDataset *ds = NULL, *ds2 = NULL;
  int rc = 1;

  if (stva_model_init (&model, &c, &error) != STVA_OK)
    return fail ("model", &error);
  perturb_params (&model, o.seed);
  if (set_normalisation (&model, o.seed, &error) != STVA_OK)
    {
      rc = fail ("normalisation", &error);
      goto out;
    }
  snprintf (path, sizeof path, "%s/model.stvm", dir);
  if (stva_model_save (&model, path, &error) != STVA_OK)
    {
      rc = fail ("save", &error);
      goto out;
    }
  if (stva_model_load (&loaded, path, &error) != STVA_OK)
    {
      rc = fail ("load", &error);
      goto out;
    }

  ds = make_dataset (&c, &o);
  if (ds == NULL)
    goto out;
  snprintf (path, sizeof path, "%s/data.npz", dir);
  if (stva_npz_write_dataset (path, ds, &error) != STVA_OK
      || stva_npz_read_dataset (path, &ds2, &error) != STVA_OK)
    {
      rc = fail ("dataset", &error);
      goto out;
    }

  snprintf (path, sizeof path, "%s/out.npz", dir);
  if (write_predictions (&loaded, ds2, path, &error) != STVA_OK)
    {
      rc = fail ("predict", &error);
      goto out;
    }

  if (o.step)
    {
      snprintf (path, sizeof path, "%s/grad.npz", dir);
      if (write_gradient (&loaded, ds2, path, &error) != STVA_OK)
        {
          rc = fail ("gradient", &error);
          goto out;
        }
      int *all = malloc ((size_t) ds2->n_dialogues * sizeof (int));
      for (int d = 0; d < ds2->n_dialogues; d++)
        all[d] = d;
      StvaTrainResult result;
      StvaStatus status = stva_train (&loaded, ds2, all, ds2->n_dialogues, NULL, 0, NULL, NULL,
                                      &result, &error);
      free (all);
      if (status != STVA_OK)
        {
          rc = fail ("train step", &error);
          goto out;
        }
      printf ("train loss %.9g\n", result.final_train_loss);
      snprintf (path, sizeof path, "%s/model-step.stvm", dir);
      if (stva_model_save (&loaded, path, &error) != STVA_OK)
        {
          rc = fail ("save after the step", &error);
          goto out;
        }
    }
  rc = 0;

out:
  stva_model_clear (&model);
  stva_model_clear (&loaded);
  stva_dataset_free (ds);
  stva_dataset_free (ds2);
  return rc;
}
