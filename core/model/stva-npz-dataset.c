/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project's npz dataset layout (documented in stva-npz.h) to and from a StvaDataset.
 * The reader checks every array's dtype and shape and every cross-array invariant it can see
 * (offsets, splits, index ranges) and names the file, the array and the element.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-npz.h"

#define STVA_NPZ_MAX_WIDTH (1 << 24)   /* feature width; bounds allocations when N = 0 */

static const char *const x_names[STVA_N_MOD] = { "x_T", "x_A", "x_V" };
static const char *const mask_names[STVA_N_MOD] = { "mask_T", "mask_A", "mask_V" };
static const char *const fname_names[STVA_N_MOD] = { "feature_names_T", "feature_names_A",
                                                     "feature_names_V" };

/* ---- reading --------------------------------------------------------------------------------- */

typedef enum
{
  KIND_STR,
  KIND_INT,
  KIND_FLOAT,
  KIND_MASK,     /* bool or any integer, values 0/1 */
} Kind;

/* The array called name, checked for kind and rank (and length dim0 when dim0 >= 0); NULL with
 * *st = STVA_OK when it is absent and optional. */
static const StvaNpyArray *
get (const StvaNpz *npz,
     const char    *what,
     const char    *name,
     bool           required,
     Kind           kind,
     int            ndim,
     int64_t        dim0,
     StvaStatus    *st,
     StvaError     *error)
{
  static const char *const kind_names[] = { "strings (<U)", "integers", "floats (<f4 or <f8)",
                                            "bool or uint8" };
  const StvaNpyArray *a = stva_npz_find (npz, name);
  *st = STVA_OK;
  if (a == NULL)
    {
      if (required)
        *st = stva_error_set (error, STVA_ERR_FORMAT, "%s: array '%s' is missing", what, name);
      return NULL;
    }
  bool ok = kind == KIND_STR ? a->dtype == STVA_NPY_STR
          : kind == KIND_FLOAT ? stva_npy_type_is_float (a->dtype)
          : stva_npy_type_is_int (a->dtype);
  if (!ok)
    {
      *st = stva_error_set (error, STVA_ERR_FORMAT, "%s: array '%s' is %s, not %s", what, name,
                            stva_npy_type_name (a->dtype), kind_names[kind]);
      return NULL;
    }
  if (a->ndim != ndim)
    {
      *st = stva_error_set (error, STVA_ERR_FORMAT, "%s: array '%s' has %d dimensions, not %d",
                            what, name, a->ndim, ndim);
      return NULL;
    }
  if (dim0 >= 0 && a->shape[0] != dim0)
    {
      *st = stva_error_set (error, STVA_ERR_FORMAT, "%s: array '%s' has %lld rows, not %lld",
                            what, name, (long long) a->shape[0], (long long) dim0);
      return NULL;
    }
  if (kind == KIND_MASK)
    for (int64_t i = 0; i < a->numel; i++)
      {
        int64_t v = a->dtype == STVA_NPY_B1 ? ((const uint8_t *) a->data)[i]   /* raw byte */
                                            : stva_npy_get_i64 (a, i);
        if (v != 0 && v != 1)
          {
            *st = stva_error_set (error, STVA_ERR_FORMAT, "%s: %s[%lld] = %lld (0 or 1)", what,
                                  name, (long long) i, (long long) v);
            return NULL;
          }
      }
  return a;
}

/* Checks every element of an integer array against [lo, hi). */
static StvaStatus
check_range (const StvaNpyArray *a,
             const char         *what,
             int64_t             lo,
             int64_t             hi,
             const char         *meaning,
             StvaError          *error)
{
  for (int64_t i = 0; i < a->numel; i++)
    {
      int64_t v = stva_npy_get_i64 (a, i);
      if (v < lo || v >= hi)
        return stva_error_set (error, STVA_ERR_FORMAT, "%s: %s[%lld] = %lld is outside %s "
                               "[%lld, %lld)", what, a->name, (long long) i, (long long) v,
                               meaning, (long long) lo, (long long) hi);
    }
  return STVA_OK;
}

static char **
copy_strv (const StvaNpyArray *a,
           int64_t             from,
           int64_t             n)
{
  char **v = calloc ((size_t) n + 1, sizeof (char *));
  if (v == NULL)
    return NULL;
  const char *const *s = a->data;
  for (int64_t i = 0; i < n; i++)
    if ((v[i] = strdup (s[from + i])) == NULL)
      {
        for (int64_t j = 0; j < i; j++)
          free (v[j]);
        free (v);
        return NULL;
      }
  return v;
}

static int
compare_str (const void *a,
             const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* First string of a that appears twice, or NULL. */
static const char *
find_duplicate (const StvaNpyArray *a)
{
  if (a->numel < 2)
    return NULL;
  char **sorted = malloc ((size_t) a->numel * sizeof (char *));
  if (sorted == NULL)
    return NULL;
  memcpy (sorted, a->data, (size_t) a->numel * sizeof (char *));
  qsort (sorted, (size_t) a->numel, sizeof (char *), compare_str);
  const char *dup = NULL;
  for (int64_t i = 1; i < a->numel && !dup; i++)
    if (strcmp (sorted[i - 1], sorted[i]) == 0)
      dup = sorted[i];
  free (sorted);
  return dup;
}

StvaStatus
stva_npz_to_dataset (const StvaNpz *npz,
                     const char    *what,
                     StvaDataset  **out,
                     StvaError     *error)
{
  StvaStatus st;
  const StvaNpyArray *a_x[STVA_N_MOD] = { 0 }, *a_mask[STVA_N_MOD] = { 0 };
  const StvaNpyArray *a_fname[STVA_N_MOD] = { 0 };
  *out = NULL;
  if (what == NULL)
    what = "<npz>";

#define GET(var, name, req, kind, nd, d0)                                   \
  const StvaNpyArray *var = get (npz, what, name, req, kind, nd, d0, &st, error); \
  if (st != STVA_OK)                                                       \
    return st;

  GET (a_labels, "labels", true, KIND_STR, 1, -1);
  GET (a_speakers, "speakers", true, KIND_STR, 1, -1);
  GET (a_ids, "dialogue_ids", true, KIND_STR, 1, -1);
  int64_t D = a_ids->shape[0];
  GET (a_split, "dialogue_split", true, KIND_INT, 1, D);
  GET (a_off, "dialogue_offset", true, KIND_INT, 1, D + 1);
  GET (a_speaker, "speaker", true, KIND_INT, 1, -1);
  int64_t N = a_speaker->shape[0];
  GET (a_label, "label", true, KIND_INT, 1, N);
  GET (a_utt, "utt_ids", false, KIND_STR, 1, N);
#undef GET

  int64_t K = a_labels->shape[0], S = a_speakers->shape[0];
  if (K < 1 || K > INT32_MAX)
    return stva_error_set (error, STVA_ERR_FORMAT, "%s: labels has %lld classes", what,
                           (long long) K);
  if (D > INT32_MAX || S > INT32_MAX || N > INT32_MAX)
    return stva_error_set (error, STVA_ERR_FORMAT, "%s: too many dialogues, speakers or "
                           "utterances", what);
  for (int64_t k = 0; k < K; k++)
    if (((char **) a_labels->data)[k][0] == '\0')
      return stva_error_set (error, STVA_ERR_FORMAT, "%s: labels[%lld] is empty", what,
                             (long long) k);
  const char *dup = find_duplicate (a_labels);
  if (dup == NULL)
    dup = find_duplicate (a_ids);
  if (dup)
    return stva_error_set (error, STVA_ERR_FORMAT, "%s: '%s' appears twice in labels or "
                           "dialogue_ids", what, dup);
  if ((st = check_range (a_split, what, 0, STVA_N_SPLIT, "the splits", error)) != STVA_OK
      || (st = check_range (a_speaker, what, 0, S, "the speakers", error)) != STVA_OK
      || (st = check_range (a_label, what, -1, K, "the labels (or -1)", error)) != STVA_OK)
    return st;
  if (stva_npy_get_i64 (a_off, 0) != 0)
    return stva_error_set (error, STVA_ERR_FORMAT, "%s: dialogue_offset[0] = %lld, not 0", what,
                           (long long) stva_npy_get_i64 (a_off, 0));
  for (int64_t d = 1; d <= D; d++)
    {
      int64_t prev = stva_npy_get_i64 (a_off, d - 1), cur = stva_npy_get_i64 (a_off, d);
      if (cur < prev)
        return stva_error_set (error, STVA_ERR_FORMAT, "%s: dialogue_offset[%lld] = %lld is "
                               "below dialogue_offset[%lld] = %lld", what, (long long) d,
                               (long long) cur, (long long) d - 1, (long long) prev);
    }
  if (stva_npy_get_i64 (a_off, D) != N)
    return stva_error_set (error, STVA_ERR_FORMAT, "%s: dialogue_offset[%lld] = %lld, but there "
                           "are %lld utterances", what, (long long) D,
                           (long long) stva_npy_get_i64 (a_off, D), (long long) N);

  for (int m = 0; m < STVA_N_MOD; m++)
    {
      a_x[m] = get (npz, what, x_names[m], false, KIND_FLOAT, 2, N, &st, error);
      if (st != STVA_OK)
        return st;
      a_mask[m] = get (npz, what, mask_names[m], false, KIND_MASK, 1, N, &st, error);
      if (st != STVA_OK)
        return st;
      int64_t F = a_x[m] ? a_x[m]->shape[1] : 0;
      a_fname[m] = get (npz, what, fname_names[m], false, KIND_STR, 1, F, &st, error);
      if (st != STVA_OK)
        return st;
      if (a_x[m] == NULL && (a_mask[m] || a_fname[m]))
        return stva_error_set (error, STVA_ERR_FORMAT, "%s: '%s' without '%s'", what,
                               a_mask[m] ? mask_names[m] : fname_names[m], x_names[m]);
      if (a_x[m] && (F < 1 || F > STVA_NPZ_MAX_WIDTH))
        return stva_error_set (error, STVA_ERR_FORMAT, "%s: '%s' has width %lld", what,
                               x_names[m], (long long) F);
    }

  StvaDataset *ds = stva_dataset_new ();
  if (ds == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", what);
  ds->K = (int) K;
  ds->n_speakers = (int) S;
  ds->labels = copy_strv (a_labels, 0, K);
  ds->speakers = copy_strv (a_speakers, 0, S);
  ds->dialogues = calloc ((size_t) D + 1, sizeof (StvaDialogue));
  bool nomem = !ds->labels || !ds->speakers || !ds->dialogues;
  if (!nomem)
    ds->n_dialogues = (int) D;
  for (int m = 0; m < STVA_N_MOD && !nomem; m++)
    {
      ds->F[m] = a_x[m] ? (int) a_x[m]->shape[1] : 0;
      if (a_fname[m] && (ds->feature_names[m] = copy_strv (a_fname[m], 0, ds->F[m])) == NULL)
        nomem = true;
    }
  for (int64_t d = 0; d < D && !nomem; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      int64_t off = stva_npy_get_i64 (a_off, d);
      int T = (int) (stva_npy_get_i64 (a_off, d + 1) - off);
      size_t nT = (size_t) T ? (size_t) T : 1;
      dia->T = T;
      dia->split = (int) stva_npy_get_i64 (a_split, d);
      dia->id = strdup (((char **) a_ids->data)[d]);
      dia->speaker = malloc (nT * sizeof (int));
      dia->label = malloc (nT * sizeof (int));
      if (!dia->id || !dia->speaker || !dia->label)
        {
          nomem = true;
          break;
        }
      for (int t = 0; t < T; t++)
        {
          dia->speaker[t] = (int) stva_npy_get_i64 (a_speaker, off + t);
          dia->label[t] = (int) stva_npy_get_i64 (a_label, off + t);
        }
      if (a_utt && (dia->utt_id = copy_strv (a_utt, off, T)) == NULL)
        {
          nomem = true;
          break;
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          dia->mask[m] = calloc (nT, 1);
          if (dia->mask[m] == NULL)
            {
              nomem = true;
              break;
            }
          if (a_x[m] == NULL || T == 0)
            continue;                     /* no features (validate refuses empty dialogues) */
          size_t F = (size_t) ds->F[m];
          dia->x[m] = malloc (nT * F * sizeof (float));
          if (dia->x[m] == NULL)
            {
              nomem = true;
              break;
            }
          for (int t = 0; t < T; t++)
            {
              int64_t row = off + t;
              uint8_t on = a_mask[m] ? (uint8_t) stva_npy_get_i64 (a_mask[m], row) : 1;
              float *dst = dia->x[m] + (size_t) t * F;
              dia->mask[m][t] = on;
              if (!on)
                memset (dst, 0, F * sizeof (float));
              else if (a_x[m]->dtype == STVA_NPY_F4)
                memcpy (dst, (const float *) a_x[m]->data + (size_t) row * F, F * sizeof (float));
              else
                for (size_t f = 0; f < F; f++)
                  dst[f] = (float) ((const double *) a_x[m]->data)[(size_t) row * F + f];
            }
        }
    }
  if (nomem)
    {
      stva_dataset_free (ds);
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", what);
    }
  *out = ds;
  return STVA_OK;
}

StvaStatus
stva_npz_read_dataset (const char   *path,
                       StvaDataset **out,
                       StvaError    *error)
{
  StvaNpz npz;
  *out = NULL;
  StvaStatus st = stva_npz_read (path, &npz, error);
  if (st != STVA_OK)
    return st;
  st = stva_npz_to_dataset (&npz, path, out, error);
  stva_npz_free (&npz);
  return st;
}

/* ---- writing --------------------------------------------------------------------------------- */

StvaStatus
stva_npz_write_dataset (const char        *path,
                        const StvaDataset *ds,
                        StvaError         *error)
{
  return stva_npz_write_dataset_full (path, ds, true, error);
}

StvaStatus
stva_npz_write_dataset_full (const char        *path,
                             const StvaDataset *ds,
                             bool               compress,
                             StvaError         *error)
{
  int64_t N = 0, D = ds->n_dialogues;
  bool any_utt = false;
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      N += ds->dialogues[d].T;
      any_utt |= ds->dialogues[d].utt_id != NULL;
    }
  size_t nN = (size_t) N + 1, nD = (size_t) D + 1;
  int32_t *split = malloc (nD * sizeof *split);
  int64_t *offset = malloc ((nD + 1) * sizeof *offset);
  int32_t *speaker = malloc (nN * sizeof *speaker);
  int32_t *label = malloc (nN * sizeof *label);
  const char **ids = malloc (nD * sizeof *ids);
  const char **utt = malloc (nN * sizeof *utt);
  uint8_t *mask = malloc (nN);
  float *x = NULL;
  StvaNpzWriter *w = NULL;
  StvaStatus st = STVA_OK;
  if (!split || !offset || !speaker || !label || !ids || !utt || !mask)
    {
      st = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      goto out;
    }
  int64_t at = 0;
  offset[0] = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dia = &ds->dialogues[d];
      split[d] = dia->split;
      ids[d] = dia->id ? dia->id : "";
      for (int t = 0; t < dia->T; t++, at++)
        {
          speaker[at] = dia->speaker[t];
          label[at] = dia->label[t];
          utt[at] = dia->utt_id ? dia->utt_id[t] : "";
        }
      offset[d + 1] = at;
    }

  if ((st = stva_npz_writer_open (path, compress, &w, error)) != STVA_OK)
    goto out;
  int64_t shape[2];
  if ((st = stva_npz_writer_add_strings (w, "labels", (const char *const *) ds->labels, ds->K,
                                         error)) != STVA_OK
      || (st = stva_npz_writer_add_strings (w, "speakers", (const char *const *) ds->speakers,
                                            ds->n_speakers, error)) != STVA_OK
      || (st = stva_npz_writer_add_strings (w, "dialogue_ids", ids, D, error)) != STVA_OK)
    goto out;
  shape[0] = D;
  if ((st = stva_npz_writer_add (w, "dialogue_split", STVA_NPY_I4, 1, shape, split, error))
      != STVA_OK)
    goto out;
  shape[0] = D + 1;
  if ((st = stva_npz_writer_add (w, "dialogue_offset", STVA_NPY_I8, 1, shape, offset, error))
      != STVA_OK)
    goto out;
  shape[0] = N;
  if (any_utt && (st = stva_npz_writer_add_strings (w, "utt_ids", utt, N, error)) != STVA_OK)
    goto out;
  if ((st = stva_npz_writer_add (w, "speaker", STVA_NPY_I4, 1, shape, speaker, error)) != STVA_OK
      || (st = stva_npz_writer_add (w, "label", STVA_NPY_I4, 1, shape, label, error)) != STVA_OK)
    goto out;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (ds->F[m] <= 0)
        continue;
      size_t F = (size_t) ds->F[m];
      free (x);
      x = malloc (nN * F * sizeof (float));
      if (x == NULL)
        {
          st = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
          goto out;
        }
      at = 0;
      for (int d = 0; d < ds->n_dialogues; d++)
        {
          const StvaDialogue *dia = &ds->dialogues[d];
          if (dia->T > 0)
            memcpy (x + (size_t) at * F, dia->x[m], (size_t) dia->T * F * sizeof (float));
          for (int t = 0; t < dia->T; t++)
            mask[at + t] = dia->mask[m] ? dia->mask[m][t] != 0 : 1;
          at += dia->T;
        }
      shape[0] = N;
      shape[1] = (int64_t) F;
      if ((st = stva_npz_writer_add (w, x_names[m], STVA_NPY_F4, 2, shape, x, error)) != STVA_OK
          || (st = stva_npz_writer_add (w, mask_names[m], STVA_NPY_B1, 1, shape, mask, error))
             != STVA_OK)
        goto out;
      if (ds->feature_names[m]
          && (st = stva_npz_writer_add_strings (w, fname_names[m],
                                                (const char *const *) ds->feature_names[m],
                                                ds->F[m], error)) != STVA_OK)
        goto out;
    }
  st = stva_npz_writer_close (w, error);
  w = NULL;
out:
  stva_npz_writer_abort (w);
  free (split);
  free (offset);
  free (speaker);
  free (label);
  free (ids);
  free (utt);
  free (mask);
  free (x);
  return st;
}
