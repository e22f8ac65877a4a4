/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset helpers: names, validation (each invariant broken once, the message checked),
 * label counts, feature statistics on the training split and standardisation, with the
 * expected numbers worked out by hand from the fixture (data-fixture.h).
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-dataset.h"
#include "data-fixture.h"

static void
test_names (void)
{
  g_assert_cmpint (stva_modality_letter (STVA_MOD_A), ==, 'A');
  g_assert_cmpstr (stva_modality_name (STVA_MOD_V), ==, "visual");
  g_assert_cmpstr (stva_split_name (STVA_SPLIT_DEV), ==, "dev");
  g_assert_cmpstr (stva_split_name (7), ==, "unknown");
  g_assert_cmpint (stva_split_from_name ("test"), ==, STVA_SPLIT_TEST);
  g_assert_cmpint (stva_split_from_name ("valid"), ==, STVA_SPLIT_DEV);
  g_assert_cmpint (stva_split_from_name ("Train"), ==, -1);
  g_assert_cmpint (stva_split_from_name ("none"), ==, STVA_SPLIT_NONE);
  g_assert_cmpstr (stva_split_name (STVA_SPLIT_NONE), ==, "none");
  stva_dataset_free (NULL);
}

/* Validates a fresh fixture broken by `breaker` and checks the status and message. */
static void
expect_invalid (void        (*breaker) (StvaDataset *ds),
                int           max_T,
                StvaStatus    want,
                const char   *want_text)
{
  StvaDataset *ds = fixture_dataset_new (false);
  StvaError err = { 0 };
  breaker (ds);
  StvaStatus st = stva_dataset_validate (ds, max_T, &err);
  if (st != want || strstr (err.message, want_text) == NULL)
    g_error ("want %d '%s', got %d '%s'", want, want_text, st, err.message);
  stva_dataset_free (ds);
}

static void no_break (StvaDataset *ds) { (void) ds; }
static void break_nan (StvaDataset *ds) { ds->dialogues[1].x[STVA_MOD_A][3] = NAN; }
static void break_inf (StvaDataset *ds) { ds->dialogues[2].x[STVA_MOD_T][2] = -INFINITY; }
static void nan_in_missing_row (StvaDataset *ds) { ds->dialogues[0].x[STVA_MOD_A][2] = NAN; }
static void break_label (StvaDataset *ds) { ds->dialogues[1].label[1] = 3; }
static void break_label_neg (StvaDataset *ds) { ds->dialogues[1].label[0] = -2; }
static void break_speaker (StvaDataset *ds) { ds->dialogues[0].speaker[2] = 3; }
static void break_empty (StvaDataset *ds) { ds->dialogues[2].T = 0; }
static void break_split (StvaDataset *ds) { ds->dialogues[0].split = STVA_N_SPLIT; }
static void break_mask (StvaDataset *ds) { ds->dialogues[0].mask[STVA_MOD_A][0] = 2; }
static void break_absent (StvaDataset *ds) { ds->dialogues[1].mask[STVA_MOD_V][0] = 1; }
static void break_width (StvaDataset *ds) { ds->F[STVA_MOD_A] = -1; }
static void
break_no_mod (StvaDataset *ds)
{
  ds->dialogues[2].mask[STVA_MOD_T][0] = 0;
  ds->dialogues[2].mask[STVA_MOD_A][0] = 0;
}
static void
break_no_x (StvaDataset *ds)
{
  free (ds->dialogues[1].x[STVA_MOD_T]);
  ds->dialogues[1].x[STVA_MOD_T] = NULL;
}

static void
test_validate (void)
{
  expect_invalid (no_break, 0, STVA_OK, "");
  expect_invalid (no_break, 3, STVA_OK, "");
  expect_invalid (nan_in_missing_row, 0, STVA_OK, "");   /* missing rows are not read */
  expect_invalid (no_break, 2, STVA_ERR_INVALID,
                  "dialogue 'dia0' has 3 utterances, more than the configured maximum of 2");
  expect_invalid (break_nan, 0, STVA_ERR_NUMERIC, "dialogue 'dia1', utterance 1: audio feature "
                  "1 is nan");
  expect_invalid (break_inf, 0, STVA_ERR_NUMERIC, "dialogue 'dia2', utterance 0: text feature 2 "
                  "is -inf");
  expect_invalid (break_label, 0, STVA_ERR_INVALID, "dialogue 'dia1', utterance 1: label 3 is "
                  "outside the label set (0 to 2, or -1)");
  expect_invalid (break_label_neg, 0, STVA_ERR_INVALID, "utterance 0: label -2");
  expect_invalid (break_speaker, 0, STVA_ERR_INVALID, "dialogue 'dia0', utterance 2: speaker 3 "
                  "of 3");
  expect_invalid (break_empty, 0, STVA_ERR_INVALID, "dialogue 'dia2' is empty");
  expect_invalid (break_split, 0, STVA_ERR_INVALID, "dialogue 'dia0': split 4");
  expect_invalid (break_mask, 0, STVA_ERR_INVALID, "mask of A is 2");
  expect_invalid (break_absent, 0, STVA_ERR_INVALID, "modality V is marked present but the "
                  "dataset has none");
  expect_invalid (break_width, 0, STVA_ERR_INVALID, "modality A has width -1");
  expect_invalid (break_no_mod, 0, STVA_ERR_INVALID, "dialogue 'dia2', utterance 0: no modality "
                  "is present");
  expect_invalid (break_no_x, 0, STVA_ERR_INVALID, "dialogue 'dia1': modality T has no features");
}

static void
test_counts (void)
{
  StvaDataset *ds = fixture_dataset_new (false);
  int64_t c[3];

  /* labels dia0 (train): 0 1 -1; dia1 (dev): 2 0; dia2 (test): 1 */
  g_assert_cmpint (stva_dataset_count_labels (ds, STVA_SPLIT_TRAIN, c), ==, 2);
  g_assert_cmpint (c[0], ==, 1);
  g_assert_cmpint (c[1], ==, 1);
  g_assert_cmpint (c[2], ==, 0);
  g_assert_cmpint (stva_dataset_count_labels (ds, -1, c), ==, 5);
  g_assert_cmpint (c[0], ==, 2);
  g_assert_cmpint (c[1], ==, 2);
  g_assert_cmpint (c[2], ==, 1);
  g_assert_cmpint (stva_dataset_count_labels (ds, STVA_SPLIT_TEST, c), ==, 1);
  g_assert_cmpint (stva_dataset_n_utterances (ds, -1), ==, 6);
  g_assert_cmpint (stva_dataset_n_utterances (ds, STVA_SPLIT_DEV), ==, 2);
  stva_dataset_free (ds);
}

static void
test_stats (void)
{
  StvaDataset *ds = fixture_dataset_new (false);
  StvaError err = { 0 };
  float mean[3], std[3];
  int64_t rows;

  /* text on train (dia0, t = 0..2): feature f is t + 0.25 f, so mean 1 + 0.25 f and population
   * std sqrt(((-1)² + 0² + 1²)/3) = sqrt(2/3) for every f */
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_T, STVA_SPLIT_TRAIN, mean, std, &rows,
                                               &err), ==, STVA_OK);
  g_assert_cmpint (rows, ==, 3);
  for (int f = 0; f < 3; f++)
    {
      g_assert_cmpfloat_with_epsilon (mean[f], 1 + 0.25 * f, 1e-6);
      g_assert_cmpfloat_with_epsilon (std[f], sqrt (2.0 / 3), 1e-6);
    }
  /* audio on train: rows t = 0 and 2 present (t = 1 is missing and must not count):
   * feature f is -t - 0.5 f, so mean -1 - 0.5 f and std sqrt((1 + 1)/2) = 1 */
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_A, STVA_SPLIT_TRAIN, mean, std, &rows,
                                               &err), ==, STVA_OK);
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpfloat_with_epsilon (mean[0], -1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (mean[1], -1.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (std[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (std[1], 1.0, 1e-6);
  /* test split: one row, so std 0 */
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_T, STVA_SPLIT_TEST, mean, std, &rows,
                                               &err), ==, STVA_OK);
  g_assert_cmpint (rows, ==, 1);
  g_assert_cmpfloat (std[1], ==, 0);
  g_assert_cmpfloat_with_epsilon (mean[1], 20.25, 1e-6);

  /* absent modality and bad split refused; NaN in a present train row named */
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_V, 0, mean, std, NULL, &err), ==,
                   STVA_ERR_INVALID);
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_T, STVA_N_SPLIT, mean, std, NULL,
                                               &err), ==, STVA_ERR_INVALID);
  ds->dialogues[0].x[STVA_MOD_T][4] = NAN;
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_T, 0, mean, std, NULL, &err), ==,
                   STVA_ERR_NUMERIC);
  g_assert_nonnull (strstr (err.message, "dialogue 'dia0', utterance 1: text feature 1 is nan"));

  /* no present row: mean 0, std 1 */
  ds->dialogues[0].x[STVA_MOD_T][4] = 1.25f;
  for (int t = 0; t < 3; t++)
    ds->dialogues[0].mask[STVA_MOD_A][t] = 0;
  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_A, 0, mean, std, &rows, &err), ==,
                   STVA_OK);
  g_assert_cmpint (rows, ==, 0);
  g_assert_cmpfloat (mean[0], ==, 0);
  g_assert_cmpfloat (std[1], ==, 1);
  stva_dataset_free (ds);
}

static void
test_standardise (void)
{
  StvaDataset *ds = fixture_dataset_new (false);
  float mean[3], std[3];

  g_assert_cmpint (stva_dataset_feature_stats (ds, STVA_MOD_A, 0, mean, std, NULL, NULL), ==,
                   STVA_OK);
  stva_dataset_standardise (ds, STVA_MOD_A, mean, std);
  /* train audio: (-t - 0.5 f - (-1 - 0.5 f)) / 1 = 1 - t for t = 0, 2; the missing row stays 0 */
  const float *a0 = ds->dialogues[0].x[STVA_MOD_A];
  g_assert_cmpfloat_with_epsilon (a0[0], 1, 1e-6);
  g_assert_cmpfloat_with_epsilon (a0[1], 1, 1e-6);
  g_assert_cmpfloat (a0[2], ==, 0);
  g_assert_cmpfloat (a0[3], ==, 0);
  g_assert_cmpfloat_with_epsilon (a0[4], -1, 1e-6);
  /* dev dialogue 1, t = 1: x = -11 - 0.5 f -> (-11 + 1) / 1 = -10 */
  g_assert_cmpfloat_with_epsilon (ds->dialogues[1].x[STVA_MOD_A][2], -10, 1e-5);
  g_assert_cmpfloat_with_epsilon (ds->dialogues[1].x[STVA_MOD_A][3], -10, 1e-5);

  /* a constant dimension (std 0 < floor) is shifted, not blown up */
  const float m2[3] = { 1, 2, 3 };
  const float s2[3] = { 0, 2, 1e-9f };
  stva_dataset_standardise (ds, STVA_MOD_T, m2, s2);
  const float *t2 = ds->dialogues[2].x[STVA_MOD_T];    /* was 20, 20.25, 20.5 */
  g_assert_cmpfloat_with_epsilon (t2[0], 19, 1e-5);
  g_assert_cmpfloat_with_epsilon (t2[1], 9.125, 1e-5);
  g_assert_cmpfloat_with_epsilon (t2[2], 17.5, 1e-5);
  stva_dataset_free (ds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/dataset/names", test_names);
  g_test_add_func ("/model/dataset/validate", test_validate);
  g_test_add_func ("/model/dataset/counts", test_counts);
  g_test_add_func ("/model/dataset/stats", test_stats);
  g_test_add_func ("/model/dataset/standardise", test_standardise);
  return g_test_run ();
}
