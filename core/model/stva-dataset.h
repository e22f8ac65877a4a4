/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset core trains and predicts on: dialogues of utterances, one feature row per
 * utterance and modality with a presence mask, speakers, labels and the split.  The database
 * layer fills it (db/), the npz reader fills it (stva-npz.h), tests build it by hand.
 *
 * Ownership: a StvaDataset owns everything it points to, and its dialogues own their arrays;
 * stva_dataset_free () releases it all.  Arrays are allocated with malloc, so hand-built
 * datasets can be freed the same way.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

typedef enum
{
  STVA_MOD_T = 0,   /* text */
  STVA_MOD_A = 1,   /* audio */
  STVA_MOD_V = 2,   /* visual */
  STVA_N_MOD = 3,
} StvaModality;

typedef enum
{
  STVA_SPLIT_TRAIN = 0,
  STVA_SPLIT_DEV = 1,    /* validation: early stopping and model selection, never test */
  STVA_SPLIT_TEST = 2,
  STVA_SPLIT_NONE = 3,   /* in no split (a user's own recordings): predicted, never trained on */
  STVA_N_SPLIT = 4,
} StvaSplit;

/* One dialogue, T utterances in spoken order. */
typedef struct
{
  char    *id;                 /* as the corpus names it ("dia12", "Ses01F_impro01") */
  int      split;              /* StvaSplit */
  int      T;                  /* utterances */
  float   *x[STVA_N_MOD];      /* (T, F_m) features of modality m; rows of missing ones are 0 */
  uint8_t *mask[STVA_N_MOD];   /* (T): 1 = modality present for this utterance, 0 = missing */
  int     *speaker;            /* (T): index into the dataset's speaker names */
  int     *label;              /* (T): class index in [0, K), or -1 = no label */
  char   **utt_id;             /* (T) optional (NULL): the corpus's utterance ids */
} StvaDialogue;

typedef struct
{
  int            F[STVA_N_MOD];          /* feature width of each modality (0 = absent) */
  char         **feature_names[STVA_N_MOD]; /* optional (NULL): F_m names, for model files */
  int            K;                      /* classes */
  char         **labels;                 /* (K) class names, in index order */
  int            n_speakers;
  char         **speakers;               /* (n_speakers) speaker names */
  int            n_dialogues;
  StvaDialogue  *dialogues;              /* (n_dialogues) */
} StvaDataset;

/* Modality letter ('T', 'A', 'V') and name ("text", ...). */
char        stva_modality_letter (int m);
const char *stva_modality_name   (int m);
const char *stva_split_name      (int split);   /* "train", "dev", "test", "none" */

/* Split index of "train", "dev" (or "valid"), "test", "none"; -1 for anything else. */
int         stva_split_from_name (const char *name);

/* A zeroed dataset from calloc (NULL when out of memory), for builders to fill. */
StvaDataset *stva_dataset_new (void);
void stva_dataset_free (StvaDataset *ds);   /* NULL is fine */

/* Conventions the functions below and the npz reader follow (validate checks them):
 *   - F[m] == 0: modality m is absent; x[m] may be NULL and is never read; mask[m] may be NULL
 *     or all 0 (the npz reader allocates all three masks, so consumers may index them freely).
 *   - F[m] > 0: x[m] (T, F[m]) and mask[m] (T) are non-NULL, masks hold 0 or 1.
 *   - every utterance has at least one present modality (β is a softmax over them). */

/* Checks every invariant a model relies on and names the first violation (dialogue id,
 * utterance, modality): widths, NaN/Inf in present rows, labels outside [-1, K), speakers
 * out of range, empty dialogues, dialogues longer than max_T (0 = no limit). */
StvaStatus stva_dataset_validate (const StvaDataset *ds, int max_T, StvaError *error);

/* Utterances in split (-1: all splits). */
int64_t stva_dataset_n_utterances (const StvaDataset *ds, int split);

/* Per-class label counts of split (-1: all splits) into counts (K); returns the number of
 * labelled utterances (label -1 is not counted). */
int64_t stva_dataset_count_labels (const StvaDataset *ds, int split, int64_t *counts);

#define STVA_STD_FLOOR 1e-6f   /* a std below this is a constant dimension: scale it by 1 */

/* Per-dimension mean and standard deviation (population, ddof = 0, as sklearn's StandardScaler)
 * of modality m over the PRESENT rows (mask 1) of split's dialogues, accumulated in double
 * (two passes).  mean, std: (F[m]).  *n_rows (may be NULL) gets the rows used.  With no present
 * row, mean is 0 and std 1 (standardising is then the identity).  STVA_ERR_NUMERIC names the
 * first non-finite value met; STVA_ERR_INVALID for a bad m or split or F[m] == 0. */
StvaStatus stva_dataset_feature_stats (const StvaDataset *ds, int m, int split, float *mean,
                                       float *std, int64_t *n_rows, StvaError *error);

/* x = (x - mean) / s in place on modality m's present rows of every dialogue, where
 * s = std when std >= STVA_STD_FLOOR and 1 otherwise (as sklearn does for zero variance: a
 * dimension constant on train must not blow up on test); missing rows stay 0.
 * mean, std: (F[m]). */
void stva_dataset_standardise (StvaDataset *ds, int m, const float *mean, const float *std);
