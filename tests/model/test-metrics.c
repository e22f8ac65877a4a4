/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Metrics against hand-worked examples (the arithmetic is in the comments; the same numbers come
 * out of sklearn.metrics' accuracy_score, precision_recall_fscore_support and f1_score).
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-metrics.h"

#define EPS 1e-12

static void
check_d (const char *what,
         double      got,
         double      want)
{
  if (fabs (got - want) > EPS)
    g_error ("%s: got %.15g, want %.15g", what, got, want);
}

static void
test_basic (void)
{
  /* gold 0 0 0 1 1 2, pred 0 0 1 1 2 2
   * confusion (row gold): [2 1 0; 0 1 1; 0 0 1], support 3 2 1, column sums 2 2 2
   * precision 2/2, 1/2, 1/2; recall 2/3, 1/2, 1/1
   * F1 = 2TP/(2TP+FP+FN): 4/5, 2/4, 2/3
   * accuracy 4/6; weighted (3·0.8 + 2·0.5 + 1·2/3)/6 = 61/90; macro (0.8+0.5+2/3)/3 = 59/90 */
  const int gold[] = { 0, 0, 0, 1, 1, 2 };
  const int pred[] = { 0, 0, 1, 1, 2, 2 };
  const int64_t want_conf[9] = { 2, 1, 0, 0, 1, 1, 0, 0, 1 };
  StvaMetrics m;
  StvaError err = { 0 };

  g_assert_cmpint (stva_metrics_compute (&m, gold, pred, 6, 3, &err), ==, STVA_OK);
  g_assert_cmpint (m.K, ==, 3);
  g_assert_cmpint (m.n, ==, 6);
  for (int i = 0; i < 9; i++)
    g_assert_cmpint (m.confusion[i], ==, want_conf[i]);
  g_assert_cmpint (m.support[0], ==, 3);
  g_assert_cmpint (m.support[1], ==, 2);
  g_assert_cmpint (m.support[2], ==, 1);
  check_d ("precision[0]", m.precision[0], 1.0);
  check_d ("precision[1]", m.precision[1], 0.5);
  check_d ("precision[2]", m.precision[2], 0.5);
  check_d ("recall[0]", m.recall[0], 2.0 / 3);
  check_d ("recall[1]", m.recall[1], 0.5);
  check_d ("recall[2]", m.recall[2], 1.0);
  check_d ("f1[0]", m.f1[0], 0.8);
  check_d ("f1[1]", m.f1[1], 0.5);
  check_d ("f1[2]", m.f1[2], 2.0 / 3);
  check_d ("accuracy", m.accuracy, 4.0 / 6);
  check_d ("weighted_f1", m.weighted_f1, 61.0 / 90);
  check_d ("macro_f1", m.macro_f1, 59.0 / 90);
  stva_metrics_clear (&m);
  g_assert_null (m.confusion);
  stva_metrics_clear (&m);   /* twice is fine */
}

static void
test_zero_division (void)
{
  /* K = 4, gold 0 0 1 -1, pred 0 2 0 3: the last utterance is skipped (its pred 3 is not counted).
   * confusion: (0,0) = 1, (0,2) = 1, (1,0) = 1; support 2 1 0 0; column sums 2 0 1 0
   * class 0: P 1/2, R 1/2, F1 2/(2+1+1) = 1/2
   * class 1: never predicted -> P 0; R 0/1; F1 0/(0+0+1) = 0
   * class 2: predicted once, no support -> P 0/1, R 0 (zero division), F1 0/(0+1+0) = 0
   * class 3: in neither gold nor pred -> all 0 and left out of macro F1
   * accuracy 1/3; weighted (2·1/2 + 1·0 + 0 + 0)/3 = 1/3; macro (1/2 + 0 + 0)/3 = 1/6 */
  const int gold[] = { 0, 0, 1, -1 };
  const int pred[] = { 0, 2, 0, 3 };
  StvaMetrics m;

  g_assert_cmpint (stva_metrics_compute (&m, gold, pred, 4, 4, NULL), ==, STVA_OK);
  g_assert_cmpint (m.n, ==, 3);
  g_assert_cmpint (m.confusion[0 * 4 + 3], ==, 0);
  g_assert_cmpint (m.confusion[0 * 4 + 2], ==, 1);
  g_assert_cmpint (m.support[3], ==, 0);
  check_d ("precision[0]", m.precision[0], 0.5);
  check_d ("precision[1]", m.precision[1], 0.0);
  check_d ("precision[2]", m.precision[2], 0.0);
  check_d ("recall[2]", m.recall[2], 0.0);
  check_d ("f1[0]", m.f1[0], 0.5);
  check_d ("f1[1]", m.f1[1], 0.0);
  check_d ("f1[2]", m.f1[2], 0.0);
  check_d ("f1[3]", m.f1[3], 0.0);
  check_d ("accuracy", m.accuracy, 1.0 / 3);
  check_d ("weighted_f1", m.weighted_f1, 1.0 / 3);
  check_d ("macro_f1", m.macro_f1, 1.0 / 6);
  stva_metrics_clear (&m);
}

static void
test_imbalanced (void)
{
  /* A MELD-like skew: 8 neutral (0), 2 joy (1); the model says neutral always.
   * class 0: TP 8, FP 2, FN 0: P 8/10, R 1, F1 16/18 = 8/9; class 1: TP 0, FN 2: F1 0
   * accuracy 0.8; weighted (8·8/9 + 2·0)/10 = 64/90; macro (8/9 + 0)/2 = 4/9 */
  const int gold[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 };
  const int pred[10] = { 0 };
  StvaMetrics m;

  g_assert_cmpint (stva_metrics_compute (&m, gold, pred, 10, 2, NULL), ==, STVA_OK);
  check_d ("accuracy", m.accuracy, 0.8);
  check_d ("precision[0]", m.precision[0], 0.8);
  check_d ("f1[0]", m.f1[0], 8.0 / 9);
  check_d ("weighted_f1", m.weighted_f1, 64.0 / 90);
  check_d ("macro_f1", m.macro_f1, 4.0 / 9);
  stva_metrics_clear (&m);
}

static void
test_perfect_and_empty (void)
{
  const int gold[] = { 2, 1, 0, 2 };
  StvaMetrics m;

  g_assert_cmpint (stva_metrics_compute (&m, gold, gold, 4, 3, NULL), ==, STVA_OK);
  check_d ("accuracy", m.accuracy, 1.0);
  check_d ("weighted_f1", m.weighted_f1, 1.0);
  check_d ("macro_f1", m.macro_f1, 1.0);
  stva_metrics_clear (&m);

  /* nothing labelled: all zero, not an error */
  const int none[] = { -1, -1 };
  const int any[] = { 5, -7 };   /* not looked at for skipped utterances */
  g_assert_cmpint (stva_metrics_compute (&m, none, any, 2, 3, NULL), ==, STVA_OK);
  g_assert_cmpint (m.n, ==, 0);
  check_d ("accuracy", m.accuracy, 0.0);
  check_d ("weighted_f1", m.weighted_f1, 0.0);
  check_d ("macro_f1", m.macro_f1, 0.0);
  stva_metrics_clear (&m);
  g_assert_cmpint (stva_metrics_compute (&m, NULL, NULL, 0, 3, NULL), ==, STVA_OK);
  stva_metrics_clear (&m);
}

static void
test_bad_input (void)
{
  const int gold[] = { 0, 1, 3 };
  const int pred[] = { 0, 1, 1 };
  const int gold_ok[] = { 0, 1, 2 };
  const int pred_bad[] = { 0, -1, 1 };
  StvaMetrics m;
  StvaError err = { 0 };

  g_assert_cmpint (stva_metrics_compute (&m, gold, pred, 3, 3, &err), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (err.message, "gold label 3 at utterance 2"));
  g_assert_null (m.confusion);
  g_assert_cmpint (stva_metrics_compute (&m, gold_ok, pred_bad, 3, 3, &err), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (err.message, "predicted label -1 at utterance 1"));
  g_assert_cmpint (stva_metrics_compute (&m, gold_ok, pred, 3, 0, &err), ==, STVA_ERR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/metrics/basic", test_basic);
  g_test_add_func ("/model/metrics/zero-division", test_zero_division);
  g_test_add_func ("/model/metrics/imbalanced", test_imbalanced);
  g_test_add_func ("/model/metrics/perfect-and-empty", test_perfect_and_empty);
  g_test_add_func ("/model/metrics/bad-input", test_bad_input);
  return g_test_run ();
}
