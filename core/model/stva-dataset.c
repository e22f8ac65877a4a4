/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset: freeing, validation of every invariant the model relies on, label counts, and
 * per-dimension feature statistics and standardisation (the normalisation the model file
 * stores, computed on the training split only).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-dataset.h"

/* ---- names ----------------------------------------------------------------------------------- */

char
stva_modality_letter (int m)
{
  return m >= 0 && m < STVA_N_MOD ? "TAV"[m] : '?';
}

const char *
stva_modality_name (int m)
{
  static const char *const names[STVA_N_MOD] = { "text", "audio", "visual" };
  return m >= 0 && m < STVA_N_MOD ? names[m] : "unknown";
}

const char *
stva_split_name (int split)
{
  static const char *const names[STVA_N_SPLIT] = { "train", "dev", "test", "none" };
  return split >= 0 && split < STVA_N_SPLIT ? names[split] : "unknown";
}

int
stva_split_from_name (const char *name)
{
  if (name == NULL)
    return -1;
  if (strcmp (name, "train") == 0)
    return STVA_SPLIT_TRAIN;
  if (strcmp (name, "dev") == 0 || strcmp (name, "valid") == 0)
    return STVA_SPLIT_DEV;
  if (strcmp (name, "test") == 0)
    return STVA_SPLIT_TEST;
  if (strcmp (name, "none") == 0)
    return STVA_SPLIT_NONE;
  return -1;
}

/* ---- life cycle ------------------------------------------------------------------------------ */

StvaDataset *
stva_dataset_new (void)
{
  return calloc (1, sizeof (StvaDataset));
}

static void
free_strv (char **v,
           int    n)
{
  if (v == NULL)
    return;
  for (int i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

void
stva_dataset_free (StvaDataset *ds)
{
  if (ds == NULL)
    return;
  for (int d = 0; ds->dialogues && d < ds->n_dialogues; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      free (dia->id);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          free (dia->x[m]);
          free (dia->mask[m]);
        }
      free (dia->speaker);
      free (dia->label);
      free_strv (dia->utt_id, dia->T);
    }
  free (ds->dialogues);
  for (int m = 0; m < STVA_N_MOD; m++)
    free_strv (ds->feature_names[m], ds->F[m]);
  free_strv (ds->labels, ds->K);
  free_strv (ds->speakers, ds->n_speakers);
  free (ds);
}

/* ---- validation ------------------------------------------------------------------------------ */

StvaStatus
stva_dataset_validate (const StvaDataset *ds,
                       int                max_T,
                       StvaError         *error)
{
  if (ds == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "no dataset");
  if (ds->K < 1 || ds->labels == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "dataset has no label set");
  for (int k = 0; k < ds->K; k++)
    if (ds->labels[k] == NULL || ds->labels[k][0] == '\0')
      return stva_error_set (error, STVA_ERR_INVALID, "label %d has no name", k);
  if (ds->n_speakers < 0 || (ds->n_speakers > 0 && ds->speakers == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "dataset has %d speakers and no names",
                           ds->n_speakers);
  bool any_modality = false;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (ds->F[m] < 0)
        return stva_error_set (error, STVA_ERR_INVALID, "modality %c has width %d",
                               stva_modality_letter (m), ds->F[m]);
      any_modality |= ds->F[m] > 0;
    }
  if (!any_modality)
    return stva_error_set (error, STVA_ERR_INVALID, "dataset has no modality (every width is 0)");
  if (ds->n_dialogues < 0 || (ds->n_dialogues > 0 && ds->dialogues == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "dataset has %d dialogues and no array",
                           ds->n_dialogues);

  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dia = &ds->dialogues[d];
      char name[64];
      if (dia->id)
        snprintf (name, sizeof name, "dialogue '%.40s'", dia->id);
      else
        snprintf (name, sizeof name, "dialogue %d", d);
      if (dia->split < 0 || dia->split >= STVA_N_SPLIT)
        return stva_error_set (error, STVA_ERR_INVALID, "%s: split %d", name, dia->split);
      if (dia->T <= 0)
        return stva_error_set (error, STVA_ERR_INVALID, "%s is empty", name);
      if (max_T > 0 && dia->T > max_T)
        return stva_error_set (error, STVA_ERR_INVALID, "%s has %d utterances, more than the "
                               "configured maximum of %d", name, dia->T, max_T);
      if (dia->speaker == NULL || dia->label == NULL)
        return stva_error_set (error, STVA_ERR_INVALID, "%s has no speakers or labels", name);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          if (ds->F[m] == 0)
            {
              for (int t = 0; dia->mask[m] && t < dia->T; t++)
                if (dia->mask[m][t])
                  return stva_error_set (error, STVA_ERR_INVALID, "%s, utterance %d: modality "
                                         "%c is marked present but the dataset has none", name,
                                         t, stva_modality_letter (m));
              continue;
            }
          if (dia->x[m] == NULL || dia->mask[m] == NULL)
            return stva_error_set (error, STVA_ERR_INVALID, "%s: modality %c has no features or "
                                   "no mask", name, stva_modality_letter (m));
        }
      for (int t = 0; t < dia->T; t++)
        {
          if (dia->label[t] < -1 || dia->label[t] >= ds->K)
            return stva_error_set (error, STVA_ERR_INVALID, "%s, utterance %d: label %d is "
                                   "outside the label set (0 to %d, or -1)", name, t,
                                   dia->label[t], ds->K - 1);
          if (dia->speaker[t] < 0 || dia->speaker[t] >= ds->n_speakers)
            return stva_error_set (error, STVA_ERR_INVALID, "%s, utterance %d: speaker %d of %d",
                                   name, t, dia->speaker[t], ds->n_speakers);
          int present = 0;
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              if (ds->F[m] == 0)
                continue;
              uint8_t on = dia->mask[m][t];
              if (on > 1)
                return stva_error_set (error, STVA_ERR_INVALID, "%s, utterance %d: mask of %c "
                                       "is %u", name, t, stva_modality_letter (m), on);
              present += on;
              if (!on)
                continue;
              const float *row = dia->x[m] + (size_t) t * (size_t) ds->F[m];
              for (int f = 0; f < ds->F[m]; f++)
                if (!isfinite (row[f]))
                  return stva_error_set (error, STVA_ERR_NUMERIC, "%s, utterance %d: %s feature "
                                         "%d is %g", name, t, stva_modality_name (m), f,
                                         (double) row[f]);
            }
          if (present == 0)
            return stva_error_set (error, STVA_ERR_INVALID, "%s, utterance %d: no modality is "
                                   "present", name, t);
        }
    }
  return STVA_OK;
}

/* ---- counts ---------------------------------------------------------------------------------- */

int64_t
stva_dataset_n_utterances (const StvaDataset *ds,
                           int                split)
{
  int64_t n = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (split < 0 || ds->dialogues[d].split == split)
      n += ds->dialogues[d].T;
  return n;
}

int64_t
stva_dataset_count_labels (const StvaDataset *ds,
                           int                split,
                           int64_t           *counts)
{
  int64_t n = 0;
  memset (counts, 0, (size_t) ds->K * sizeof *counts);
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dia = &ds->dialogues[d];
      if (split >= 0 && dia->split != split)
        continue;
      for (int t = 0; t < dia->T; t++)
        if (dia->label[t] >= 0 && dia->label[t] < ds->K)
          {
            counts[dia->label[t]]++;
            n++;
          }
    }
  return n;
}

/* ---- normalisation --------------------------------------------------------------------------- */

StvaStatus
stva_dataset_feature_stats (const StvaDataset *ds,
                            int                m,
                            int                split,
                            float             *mean,
                            float             *std,
                            int64_t           *n_rows,
                            StvaError         *error)
{
  if (n_rows)
    *n_rows = 0;
  if (m < 0 || m >= STVA_N_MOD || ds->F[m] <= 0)
    return stva_error_set (error, STVA_ERR_INVALID, "feature statistics: modality %d is absent",
                           m);
  if (split < -1 || split >= STVA_N_SPLIT)
    return stva_error_set (error, STVA_ERR_INVALID, "feature statistics: split %d", split);
  size_t F = (size_t) ds->F[m];
  double *acc = calloc (F, sizeof *acc);       /* (F): sums, then means */
  double *sq = calloc (F, sizeof *sq);         /* (F): squared deviations */
  if (acc == NULL || sq == NULL)
    {
      free (acc);
      free (sq);
      return stva_error_set (error, STVA_ERR_NOMEM, "feature statistics: out of memory");
    }
  StvaStatus st = STVA_OK;
  int64_t rows = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      for (int d = 0; d < ds->n_dialogues; d++)
        {
          const StvaDialogue *dia = &ds->dialogues[d];
          if (split >= 0 && dia->split != split)
            continue;
          for (int t = 0; t < dia->T; t++)
            {
              if (!dia->mask[m][t])
                continue;
              const float *row = dia->x[m] + (size_t) t * F;
              if (pass == 0)
                {
                  for (size_t f = 0; f < F; f++)
                    {
                      if (!isfinite (row[f]))
                        {
                          st = stva_error_set (error, STVA_ERR_NUMERIC, "dialogue '%s', "
                                               "utterance %d: %s feature %zu is %g",
                                               dia->id ? dia->id : "?", t, stva_modality_name (m),
                                               f, (double) row[f]);
                          goto out;
                        }
                      acc[f] += row[f];
                    }
                  rows++;
                }
              else
                for (size_t f = 0; f < F; f++)
                  {
                    double dev = row[f] - acc[f];
                    sq[f] += dev * dev;
                  }
            }
        }
      if (pass == 0)
        for (size_t f = 0; f < F; f++)
          acc[f] = rows > 0 ? acc[f] / (double) rows : 0.0;
    }
  for (size_t f = 0; f < F; f++)
    {
      mean[f] = (float) acc[f];
      std[f] = rows > 0 ? (float) sqrt (sq[f] / (double) rows) : 1.0f;
    }
  if (n_rows)
    *n_rows = rows;
out:
  free (acc);
  free (sq);
  return st;
}

void
stva_dataset_standardise (StvaDataset *ds,
                          int          m,
                          const float *mean,
                          const float *std)
{
  if (m < 0 || m >= STVA_N_MOD || ds->F[m] <= 0)
    return;
  size_t F = (size_t) ds->F[m];
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      for (int t = 0; t < dia->T; t++)
        {
          if (!dia->mask[m][t])
            continue;
          float *row = dia->x[m] + (size_t) t * F;
          for (size_t f = 0; f < F; f++)
            row[f] = (row[f] - mean[f]) / (std[f] >= STVA_STD_FLOOR ? std[f] : 1.0f);
        }
    }
}
