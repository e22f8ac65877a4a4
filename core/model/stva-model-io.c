/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving and loading a Sync-TVA model through the model file container (stva-modelfile.h):
 * the config as key/value text, labels, feature names and normalisation, and the parameter
 * table as named tensors.  Both directions are loops over the config keys and the parameter
 * table, so a new field or tensor needs no code here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-model.h"
#include "stva-modelfile.h"

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
  mf->n_config = nk;
  for (int i = 0; i < nk; i++)
    {
      char buf[64];
      stva_model_config_format (c, i, buf, sizeof buf);
      mf->config[i].key = strdup (stva_model_config_key (i));
      mf->config[i].value = strdup (buf);
      if (mf->config[i].key == NULL || mf->config[i].value == NULL)
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
stva_model_save (const StvaModel *model,
                 const char      *path,
                 StvaError       *error)
{
  StvaModelFile mf;
  StvaStatus status = make_view (model, &mf, error);
  if (status == STVA_OK)
    status = stva_modelfile_write (path, &mf, error);
  free_view (&mf);
  return status;
}

StvaStatus
stva_model_save_buffer (const StvaModel *model,
                        uint8_t        **out_buf,
                        size_t          *out_n,
                        StvaError       *error)
{
  StvaModelFile mf;
  StvaStatus status = make_view (model, &mf, error);
  if (status == STVA_OK)
    status = stva_modelfile_to_buffer (&mf, out_buf, out_n, error);
  free_view (&mf);
  return status;
}

StvaStatus
stva_model_load (StvaModel  *model,
                 const char *path,
                 StvaError  *error)
{
  StvaModelFile mf;
  memset (model, 0, sizeof *model);
  StvaStatus status = stva_modelfile_read (path, &mf, error);
  if (status != STVA_OK)
    return status;
  status = from_modelfile (model, &mf, error);
  stva_modelfile_free (&mf);
  if (status != STVA_OK)
    {
      stva_error_prefix (error, "%s: ", path);
      stva_model_clear (model);
    }
  return status;
}

StvaStatus
stva_model_load_buffer (StvaModel     *model,
                        const uint8_t *buf,
                        size_t         n,
                        StvaError     *error)
{
  StvaModelFile mf;
  memset (model, 0, sizeof *model);
  StvaStatus status = stva_modelfile_read_buffer (buf, n, &mf, error);
  if (status != STVA_OK)
    return status;
  status = from_modelfile (model, &mf, error);
  stva_modelfile_free (&mf);
  if (status != STVA_OK)
    stva_model_clear (model);
  return status;
}
