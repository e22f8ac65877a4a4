/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving and loading a Sync-TVA model through the model file container (stva-modelfile.h):
 * the config as key/value text, labels, feature names and normalisation, and the parameter
 * table as named tensors.  Both directions are loops over the config keys and the parameter
 * table, so a new field or tensor needs no code here.  A training state (stva-train.h) goes in
 * the file's "TRST" section, its blocks gathered from the parameter block's layout into the
 * tensor table's order and scattered back by tensor name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-model.h"
#include "stva-modelfile.h"
#include "stva-train.h"

/* ---- helpers ---- */

/* Fills mf with pointers into model (borrowed) and freshly allocated config strings and label
 * names, which free_view () releases. */
static StvaStatus
make_view (const StvaModel *model,
           StvaModelFile   *mf,
           StvaError       *error)
{
  const StvaModelConfig *c = &model->config;
  const StvaParams *p = &model->params;
  int nk = stva_model_config_n_keys ();
  memset (mf, 0, sizeof *mf);
  mf->version = STVA_MODELFILE_VERSION;
  mf->config = calloc ((size_t) nk, sizeof (StvaKV));
  mf->labels = calloc ((size_t) c->K, sizeof (char *));
  mf->tensors = calloc ((size_t) p->n_tensors, sizeof (StvaNamedTensor));
  if (mf->config == NULL || mf->labels == NULL || mf->tensors == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
  mf->n_config = 0;
  for (int i = 0; i < nk; i++)
    {
      if (!stva_model_config_written (c, i))
        continue;
      char buf[64];
      stva_model_config_format (c, i, buf, sizeof buf);
      StvaKV *kv = &mf->config[mf->n_config++];
      kv->key = strdup (stva_model_config_key (i));
      kv->value = strdup (buf);
      if (kv->key == NULL || kv->value == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
    }
  mf->K = c->K;
  for (int k = 0; k < c->K; k++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "class%d", k);
      mf->labels[k] = strdup (model->labels != NULL ? model->labels[k] : buf);
      if (mf->labels[k] == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      mf->F[m] = c->F[m];
      mf->feature_names[m] = model->feature_names[m];
      mf->mean[m] = model->mean[m];
      mf->std[m] = model->std[m];
    }
  mf->n_tensors = p->n_tensors;
  for (int t = 0; t < p->n_tensors; t++)
    {
      const StvaParamTensor *pt = &p->tensors[t];
      mf->tensors[t] = (StvaNamedTensor) {
        .name = (char *) pt->name,
        .ndim = pt->ndim,
        .shape = { pt->shape[0], pt->ndim == 2 ? pt->shape[1] : 0, 0, 0 },
        .data = p->values + pt->offset,
      };
    }
  return STVA_OK;
}

/* mf->state from state (blocks gathered into the tensor table's order), or none when state is
 * NULL or has no blocks yet */
static StvaStatus
make_state_view (const StvaModel      *model,
                 const StvaTrainState *state,
                 StvaModelFile        *mf,
                 StvaError            *error)
{
  const StvaParams *p = &model->params;
  if (state == NULL || state->n_floats == 0)
    return STVA_OK;
  if (state->n_floats != p->n_floats || state->m1 == NULL || state->m2 == NULL
      || state->weights == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "the training state is for %zu parameters, "
                           "the model has %zu", state->n_floats, p->n_floats);
  if (state->epochs_done < 0 || state->batches_done < 0 || state->best_epoch < 0
      || state->epochs_since_best < 0)
    return stva_error_set (error, STVA_ERR_INVALID, "training state: negative counts");
  size_t total = 0;
  for (int t = 0; t < p->n_tensors; t++)
    total += p->tensors[t].n;
  StvaModelFileState *st = calloc (1, sizeof *st);
  if (st == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
  mf->state = st;
  *st = (StvaModelFileState) {
    .epochs_done = (uint32_t) state->epochs_done,
    .batches_done = (uint32_t) state->batches_done,
    .best_epoch = (uint32_t) state->best_epoch,
    .epochs_since_best = (uint32_t) state->epochs_since_best,
    .steps = state->steps,
    .loss_sum = state->loss_sum,
    .weight_sum = state->weight_sum,
    .lr = state->lr,
    .grad_norm = state->grad_norm,
    .train_loss = state->train_loss,
    .best_dev_weighted_f1 = state->best_dev_weighted_f1,
    .n_floats = total,
  };
  const float *from[3] = { state->m1, state->m2, state->holds_weights ? state->weights : NULL };
  float **to[3] = { &st->m1, &st->m2, &st->weights };
  for (int k = 0; k < 3; k++)
    {
      if (from[k] == NULL)
        continue;
      float *x = malloc ((total > 0 ? total : 1) * sizeof (float));
      if (x == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
      *to[k] = x;
      for (int t = 0; t < p->n_tensors; t++)
        {
          memcpy (x, from[k] + p->tensors[t].offset, p->tensors[t].n * sizeof (float));
          x += p->tensors[t].n;
        }
    }
  return STVA_OK;
}

/* state from mf's section (cleared first; fresh when there is none); model is the one just read
 * from mf, so every file tensor is one of its parameters */
static StvaStatus
state_from_modelfile (const StvaModel     *model,
                      const StvaModelFile *mf,
                      StvaTrainState      *state,
                      StvaError           *error)
{
  const StvaParams *p = &model->params;
  const StvaModelFileState *st = mf->state;
  stva_train_state_clear (state);
  if (st == NULL)
    return STVA_OK;
  size_t nf = p->n_floats;
  float *m1 = calloc (nf, sizeof (float)), *m2 = calloc (nf, sizeof (float));
  float *w = calloc (nf, sizeof (float));
  if (m1 == NULL || m2 == NULL || w == NULL)
    {
      free (m1);
      free (m2);
      free (w);
      return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
    }
  size_t at = 0;   /* in the file's blocks, tensor by tensor */
  for (int i = 0; i < mf->n_tensors; i++)
    {
      const StvaParamTensor *pt = &p->tensors[stva_params_find (p, mf->tensors[i].name)];
      memcpy (m1 + pt->offset, st->m1 + at, pt->n * sizeof (float));
      memcpy (m2 + pt->offset, st->m2 + at, pt->n * sizeof (float));
      if (st->weights != NULL)
        memcpy (w + pt->offset, st->weights + at, pt->n * sizeof (float));
      at += pt->n;
    }
  *state = (StvaTrainState) {
    .epochs_done = (int) st->epochs_done,
    .batches_done = (int) st->batches_done,
    .steps = st->steps,
    .best_epoch = (int) st->best_epoch,
    .best_dev_weighted_f1 = st->best_dev_weighted_f1,
    .epochs_since_best = (int) st->epochs_since_best,
    .loss_sum = st->loss_sum,
    .weight_sum = st->weight_sum,
    .lr = st->lr,
    .grad_norm = st->grad_norm,
    .train_loss = st->train_loss,
    .n_floats = nf,
    .m1 = m1,
    .m2 = m2,
    .weights = w,
    .holds_weights = st->weights != NULL,
  };
  return STVA_OK;
}

static void
free_view (StvaModelFile *mf)
{
  for (int i = 0; mf->config != NULL && i < mf->n_config; i++)
    {
      free (mf->config[i].key);
      free (mf->config[i].value);
    }
  for (int k = 0; mf->labels != NULL && k < mf->K; k++)
    free (mf->labels[k]);
  free (mf->config);
  free (mf->labels);
  free (mf->tensors);
  stva_modelfile_state_free (mf->state);
  memset (mf, 0, sizeof *mf);
}

static char **
dup_strings (char * const *v,
             int           n)
{
  char **out = calloc ((size_t) (n > 0 ? n : 1), sizeof (char *));
  if (out == NULL)
    return NULL;
  for (int i = 0; i < n; i++)
    if ((out[i] = strdup (v[i])) == NULL)
      {
        for (int j = 0; j < i; j++)
          free (out[j]);
        free (out);
        return NULL;
      }
  return out;
}

static StvaStatus
from_modelfile (StvaModel           *model,
                const StvaModelFile *mf,
                StvaError           *error)
{
  StvaModelConfig c;
  stva_model_config_init (&c);
  for (int i = 0; i < mf->n_config; i++)
    {
      StvaStatus status = stva_model_config_set (&c, mf->config[i].key, mf->config[i].value,
                                                 error);
      if (status != STVA_OK)
        return status;
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    if (mf->F[m] != c.F[m])
      return stva_error_set (error, STVA_ERR_FORMAT,
                             "modality %c: the features section says %d dimensions, the config "
                             "%d", "TAV"[m], mf->F[m], c.F[m]);
  if (mf->K != c.K)
    return stva_error_set (error, STVA_ERR_FORMAT, "%d label names for K = %d", mf->K, c.K);
  /* the config must roughly describe the file's tensors before it sizes an allocation: a
   * small file must not make us allocate gigabytes */
  int n_tensors = 0;
  size_t n_floats = 0, file_floats = 0;
  StvaStatus status = stva_params_size (&c, &n_tensors, &n_floats, error);
  if (status != STVA_OK)
    return stva_error_prefix (error, "config: ");
  for (int t = 0; t < mf->n_tensors; t++)
    file_floats += (size_t) stva_named_tensor_numel (&mf->tensors[t]);
  /* (slack: padding, and room for a small missing tensor to be named below) */
  if (n_floats > file_floats + 16 * (size_t) n_tensors + ((size_t) 1 << 20))
    return stva_error_set (error, STVA_ERR_FORMAT,
                           "the config describes %d tensors of %zu floats, the file holds %d "
                           "of %zu", n_tensors, n_floats, mf->n_tensors, file_floats);
  status = stva_model_init (model, &c, error);
  if (status != STVA_OK)
    return stva_error_prefix (error, "config: ");

  StvaParams *p = &model->params;
  for (int t = 0; t < p->n_tensors; t++)
    {
      const StvaParamTensor *pt = &p->tensors[t];
      const StvaNamedTensor *nt = stva_modelfile_find (mf, pt->name);
      if (nt == NULL)
        return stva_error_set (error, STVA_ERR_FORMAT, "tensor '%s' is missing", pt->name);
      if (nt->ndim != pt->ndim || nt->shape[0] != pt->shape[0]
          || (pt->ndim == 2 && nt->shape[1] != pt->shape[1]))
        return stva_error_set (error, STVA_ERR_FORMAT,
                               "tensor '%s' has %d dimensions (%lld x %lld), the config needs "
                               "%d (%lld x %lld)", pt->name, nt->ndim, (long long) nt->shape[0],
                               nt->ndim >= 2 ? (long long) nt->shape[1] : 1LL, pt->ndim,
                               (long long) pt->shape[0],
                               pt->ndim == 2 ? (long long) pt->shape[1] : 1LL);
      memcpy (p->values + pt->offset, nt->data, pt->n * sizeof (float));
    }
  if (mf->n_tensors != p->n_tensors)
    for (int t = 0; t < mf->n_tensors; t++)
      if (stva_params_find (p, mf->tensors[t].name) < 0)
        return stva_error_set (error, STVA_ERR_FORMAT, "tensor '%s' is not part of this model",
                               mf->tensors[t].name);

  model->labels = dup_strings (mf->labels, mf->K);
  if (model->labels == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (mf->feature_names[m] != NULL)
        {
          model->feature_names[m] = dup_strings (mf->feature_names[m], mf->F[m]);
          if (model->feature_names[m] == NULL)
            return stva_error_set (error, STVA_ERR_NOMEM, "model file: out of memory");
        }
      if (mf->mean[m] != NULL && mf->std[m] != NULL)
        {
          status = stva_model_set_normalisation (model, m, mf->mean[m], mf->std[m], error);
          if (status != STVA_OK)
            return status;
        }
    }
  return STVA_OK;
}

/* ---- public API ---- */

StvaStatus
stva_model_save_with_state (const StvaModel      *model,
                            const StvaTrainState *state,
                            const char           *path,
                            StvaError            *error)
{
  StvaModelFile mf;
  StvaStatus status = make_view (model, &mf, error);
  if (status == STVA_OK)
    status = make_state_view (model, state, &mf, error);
  if (status == STVA_OK)
    status = stva_modelfile_write (path, &mf, error);
  else
    stva_error_prefix (error, "%s: ", path);
  free_view (&mf);
  return status;
}

StvaStatus
stva_model_save (const StvaModel *model,
                 const char      *path,
                 StvaError       *error)
{
  return stva_model_save_with_state (model, NULL, path, error);
}

StvaStatus
stva_model_save_buffer_with_state (const StvaModel      *model,
                                   const StvaTrainState *state,
                                   uint8_t             **out_buf,
                                   size_t               *out_n,
                                   StvaError            *error)
{
  StvaModelFile mf;
  *out_buf = NULL;
  *out_n = 0;
  StvaStatus status = make_view (model, &mf, error);
  if (status == STVA_OK)
    status = make_state_view (model, state, &mf, error);
  if (status == STVA_OK)
    status = stva_modelfile_to_buffer (&mf, out_buf, out_n, error);
  free_view (&mf);
  return status;
}

StvaStatus
stva_model_save_buffer (const StvaModel *model,
                        uint8_t        **out_buf,
                        size_t          *out_n,
                        StvaError       *error)
{
  return stva_model_save_buffer_with_state (model, NULL, out_buf, out_n, error);
}

/* model (and state) from a file read into mf; on failure both are left cleared */
static StvaStatus
load_from (StvaModel           *model,
           StvaTrainState      *state,
           const StvaModelFile *mf,
           StvaError           *error)
{
  StvaStatus status = from_modelfile (model, mf, error);
  if (status == STVA_OK && state != NULL)
    status = state_from_modelfile (model, mf, state, error);
  if (status != STVA_OK)
    {
      stva_model_clear (model);
      stva_train_state_clear (state);
    }
  return status;
}

StvaStatus
stva_model_load_with_state (StvaModel      *model,
                            StvaTrainState *state,
                            const char     *path,
                            StvaError      *error)
{
  StvaModelFile mf;
  memset (model, 0, sizeof *model);
  if (state != NULL)
    stva_train_state_clear (state);
  StvaStatus status = stva_modelfile_read (path, &mf, error);
  if (status != STVA_OK)
    return status;
  status = load_from (model, state, &mf, error);
  stva_modelfile_free (&mf);
  if (status != STVA_OK)
    stva_error_prefix (error, "%s: ", path);
  return status;
}

StvaStatus
stva_model_load (StvaModel  *model,
                 const char *path,
                 StvaError  *error)
{
  return stva_model_load_with_state (model, NULL, path, error);
}

StvaStatus
stva_model_load_buffer_with_state (StvaModel      *model,
                                   StvaTrainState *state,
                                   const uint8_t  *buf,
                                   size_t          n,
                                   StvaError      *error)
{
  StvaModelFile mf;
  memset (model, 0, sizeof *model);
  if (state != NULL)
    stva_train_state_clear (state);
  StvaStatus status = stva_modelfile_read_buffer (buf, n, &mf, error);
  if (status != STVA_OK)
    return status;
  status = load_from (model, state, &mf, error);
  stva_modelfile_free (&mf);
  return status;
}

StvaStatus
stva_model_load_buffer (StvaModel     *model,
                        const uint8_t *buf,
                        size_t         n,
                        StvaError     *error)
{
  return stva_model_load_buffer_with_state (model, NULL, buf, n, error);
}
