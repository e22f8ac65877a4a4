/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Agreement measures against worked examples whose values are computed by hand below, and the
 * project-level agreement (annotators, gold and a model as raters) on a tiny corpus.
 */
#include <math.h>

#include "db-test.h"

#define M -1   /* missing */

static void
assert_near (double got,
             double want,
             double tol)
{
  if (!(fabs (got - want) <= tol))
    g_error ("got %.6f, want %.6f (tolerance %g)", got, want, tol);
}

/* Krippendorff's α, the computational example of the Wikipedia article (values 1..5 as 0..4),
 * three coders, fifteen units:
 *   A: * * * * * 3 4 1 2 1 1 3 3 * 3
 *   B: 1 * 2 1 3 3 4 3 * * * * * * *
 *   C: * * 2 1 3 4 4 * 2 1 1 3 3 * 4
 * Units with two or more values: 12, with n = 26 pairable values.  Disagreeing coincidences:
 * unit 6 {3,3,4} gives o_34 = o_43 = 2·1/(3−1) = 1; unit 8 {1,3} gives o_13 = o_31 = 1; unit 15
 * {3,4} gives o_34 = o_43 = 1 more; Σ_{c≠k} o_ck = 6.  Value totals n_1..n_4 = 7, 4, 10, 5, so
 * Σ_{c≠k} n_c n_k = 26² − (49 + 16 + 100 + 25) = 486 and
 * α = 1 − (n − 1)·6/486 = 1 − 150/486 = 0.691358. */
static void
test_alpha_wikipedia (void)
{
  static const int A[15] = { M, M, M, M, M, 3, 4, 1, 2, 1, 1, 3, 3, M, 3 };
  static const int B[15] = { 1, M, 2, 1, 3, 3, 4, 3, M, M, M, M, M, M, M };
  static const int C[15] = { M, M, 2, 1, 3, 4, 4, M, 2, 1, 1, 3, 3, M, 4 };
  int r[15 * 3];
  for (int u = 0; u < 15; u++)
    {
      r[u * 3 + 0] = A[u] < 0 ? -1 : A[u] - 1;
      r[u * 3 + 1] = B[u] < 0 ? -1 : B[u] - 1;
      r[u * 3 + 2] = C[u] < 0 ? -1 : C[u] - 1;
    }
  size_t used = 0;
  double alpha = stva_agreement_alpha (r, 15, 3, 5, &used);
  assert_near (alpha, 1.0 - 150.0 / 486.0, 1e-9);
  assert_near (alpha, 0.691, 5e-4);
  g_assert_cmpuint (used, ==, 12);
  /* the model as a fourth rater that always agrees with coder C adds agreement */
  int r4[15 * 4];
  for (int u = 0; u < 15; u++)
    {
      for (int c = 0; c < 3; c++)
        r4[u * 4 + c] = r[u * 3 + c];
      r4[u * 4 + 3] = r[u * 3 + 2];
    }
  g_assert_cmpfloat (stva_agreement_alpha (r4, 15, 4, 5, NULL), >, alpha);
}

/* Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with four
 * observers and twelve units (the last coded once, so it drops out); its nominal α is 0.743. */
static void
test_alpha_krippendorff_2011 (void)
{
  static const int obs[4][12] = {
    { 1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M },
    { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3 },
    { M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M },
    { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M },
  };
  int r[12 * 4];
  for (int u = 0; u < 12; u++)
    for (int o = 0; o < 4; o++)
      r[u * 4 + o] = obs[o][u] < 0 ? -1 : obs[o][u] - 1;
  size_t used = 0;
  assert_near (stva_agreement_alpha (r, 12, 4, 5, &used), 0.743, 5e-4);
  g_assert_cmpuint (used, ==, 11);
}

/* Cohen's κ, the Wikipedia example: 50 proposals read by A and B; both yes 20, A yes B no 5,
 * A no B yes 10, both no 15.  p_o = 35/50 = 0.7; A says yes 25/50 = 0.5, B 30/50 = 0.6, so
 * p_e = 0.5·0.6 + 0.5·0.4 = 0.5 and κ = (0.7 − 0.5)/(1 − 0.5) = 0.4. */
static void
test_cohen (void)
{
  int r[52 * 2];
  int n = 0;
  for (int i = 0; i < 20; i++, n++)
    r[n * 2] = 1, r[n * 2 + 1] = 1;
  for (int i = 0; i < 5; i++, n++)
    r[n * 2] = 1, r[n * 2 + 1] = 0;
  for (int i = 0; i < 10; i++, n++)
    r[n * 2] = 0, r[n * 2 + 1] = 1;
  for (int i = 0; i < 15; i++, n++)
    r[n * 2] = 0, r[n * 2 + 1] = 0;
  /* two units only one of them read, which must not count */
  r[n * 2] = 1, r[n * 2 + 1] = -1, n++;
  r[n * 2] = -1, r[n * 2 + 1] = 0, n++;
  size_t used = 0;
  assert_near (stva_agreement_cohen (r, 52, 2, 0, 1, 2, &used), 0.4, 1e-12);
  g_assert_cmpuint (used, ==, 50);
  assert_near (stva_agreement_cohen (r, 52, 2, 1, 0, 2, NULL), 0.4, 1e-12);   /* symmetric */
  /* one category throughout: undefined */
  int same[4] = { 1, 1, 1, 1 };
  g_assert_true (isnan (stva_agreement_cohen (same, 2, 2, 0, 1, 2, NULL)));
}

/* Fleiss' κ, the Wikipedia example: 10 subjects, 14 raters, 5 categories.
 * P_i = (Σ_j n_ij² − 14)/182; the numerators are 182, 46, 56, 80, 60, 84, 44, 32, 52, 52,
 * Σ = 688, so P̄ = 688/1820.  Column totals 20, 28, 39, 21, 32 of 140 give
 * P̄_e = (400 + 784 + 1521 + 441 + 1024)/19600 = 4170/19600, and
 * κ = (172/455 − 417/1960)/(1 − 417/1960) = 4211/20059 = 0.209930. */
static void
test_fleiss (void)
{
  static const int table[10 * 5] = {
    0, 0, 0, 0, 14,
    0, 2, 6, 4, 2,
    0, 0, 3, 5, 6,
    0, 3, 9, 2, 0,
    2, 2, 8, 1, 1,
    7, 7, 0, 0, 0,
    3, 2, 6, 3, 0,
    2, 5, 3, 2, 2,
    6, 5, 2, 1, 0,
    0, 2, 2, 3, 7,
  };
  assert_near (stva_agreement_fleiss_table (table, 10, 5), 4211.0 / 20059.0, 1e-12);
  assert_near (stva_agreement_fleiss_table (table, 10, 5), 0.210, 5e-4);

  /* the same data as a ratings matrix, plus a unit not every rater rated (left out) */
  int r[11 * 14];
  for (int i = 0; i < 10; i++)
    {
      int col = 0;
      for (int j = 0; j < 5; j++)
        for (int c = 0; c < table[i * 5 + j]; c++)
          r[i * 14 + col++] = j;
    }
  for (int c = 0; c < 14; c++)
    r[10 * 14 + c] = c == 3 ? -1 : 0;
  size_t used = 0;
  assert_near (stva_agreement_fleiss (r, 11, 14, 5, &used), 4211.0 / 20059.0, 1e-12);
  g_assert_cmpuint (used, ==, 10);

  /* rows of different sizes are refused */
  static const int uneven[2 * 2] = { 2, 0, 1, 2 };
  g_assert_true (isnan (stva_agreement_fleiss_table (uneven, 2, 2)));
  /* Fleiss' κ with two raters and Cohen's κ differ only in the chance term: on the Cohen
   * example Fleiss pools the marginals, p = (25 + 30)/100 = 0.55 yes, P̄_e = 0.55² + 0.45² =
   * 0.505, κ = (0.7 − 0.505)/(1 − 0.505) = 0.393939. */
  int c2[50 * 2];
  for (int i = 0; i < 50; i++)
    {
      c2[i * 2] = i < 25 ? 1 : 0;
      c2[i * 2 + 1] = i < 20 || (i >= 25 && i < 35) ? 1 : 0;
    }
  assert_near (stva_agreement_fleiss (c2, 50, 2, 2, NULL), 0.195 / 0.495, 1e-12);
}

/* Per class: "joy or not".  Two raters, four units: (joy, joy), (joy, anger), (anger, anger),
 * (sad, sad) with joy = 0.  Binary values: (1,1), (1,0), (0,0), (0,0); n = 8, o_01 = o_10 = 1,
 * n_0 = 5, n_1 = 3, Σ_{c≠k} n_c n_k = 30, α = 1 − 7·2/30 = 0.533333. */
static void
test_per_class (void)
{
  static const int r[8] = { 0, 0, 0, 1, 1, 1, 2, 2 };
  int b[8];
  stva_agreement_binarize (b, r, 8, 0);
  assert_near (stva_agreement_alpha (b, 4, 2, 2, NULL), 1.0 - 14.0 / 30.0, 1e-12);
  assert_near (stva_agreement_observed (r, 4, 2, 3), 0.75, 1e-12);
}

/* The project-level measure wires annotators, gold and a model as raters. */
static void
test_project (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, "meld", &error);
  gint64 alice = stva_db_annotator (db, "alice", NULL, &error);
  gint64 bob = stva_db_annotator (db, "bob", NULL, &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) stva_db_utterance_free);
  for (guint d = 0; d < dialogues->len; d++)
    {
      StvaDbDialogue *dia = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) u = stva_db_utterances (db, dia->id, set->id, 0, &error);
      for (guint i = 0; i < u->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&u->pdata[i]));
    }
  g_assert_cmpuint (all->len, ==, 9);
  /* alice copies gold on all nine; bob copies gold on the first six, says anger (3) on two and
   * leaves the last alone.  Gold idx in file order: surprise 2, neutral 0, anger 3, joy 1,
   * sadness 4, surprise 2, disgust 5, fear 6, neutral 0. */
  int gold[9] = { 2, 0, 3, 1, 4, 2, 5, 6, 0 };
  int ratings[9 * 3];
  for (guint i = 0; i < 9; i++)
    {
      StvaDbUtterance *u = g_ptr_array_index (all, i);
      const StvaDbLabel *g = stva_db_label_set_by_label (set, u->gold_label_id);
      g_assert_cmpint (g->idx, ==, gold[i]);
      g_assert_cmpint (stva_db_set_label (db, u->id, set->id, alice, u->gold_label_id, 0, NULL,
                                          &error), >, 0);
      ratings[i * 3 + 0] = gold[i];
      ratings[i * 3 + 1] = i < 6 ? gold[i] : i < 8 ? 3 : -1;
      ratings[i * 3 + 2] = gold[i];
      if (i < 8)
        {
          const StvaDbLabel *l = g_ptr_array_index (set->labels, (guint) ratings[i * 3 + 1]);
          g_assert_cmpint (stva_db_set_label (db, u->id, set->id, bob, l->id, 0, NULL, &error),
                           >, 0);
        }
    }
  g_ptr_array_unref (all);
  StvaDbAgreement a;
  g_assert_true (stva_db_agreement (db, set->id, TRUE, 0, &a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a.n_raters, ==, 3);
  g_assert_cmpstr (a.raters[0], ==, "alice");
  g_assert_cmpstr (a.raters[1], ==, "bob");
  g_assert_cmpstr (a.raters[2], ==, "gold");
  g_assert_cmpuint (a.n_units, ==, 9);
  g_assert_cmpuint (a.n_units_complete, ==, 8);
  assert_near (a.alpha, stva_agreement_alpha (ratings, 9, 3, 7, NULL), 1e-12);
  assert_near (a.fleiss, stva_agreement_fleiss (ratings, 9, 3, 7, NULL), 1e-12);
  assert_near (a.cohen[0 * 3 + 2], 1.0, 1e-12);   /* alice and gold agree everywhere */
  assert_near (a.cohen[0 * 3 + 1], a.cohen[1 * 3 + 0], 1e-12);
  g_assert_cmpfloat (a.cohen[0 * 3 + 1], <, 1.0);
  assert_near (a.alpha_per_class[5], stva_agreement_alpha ((int[]) { 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                     0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                     1, 0, 1, 0, 0, 0, 0, -1, 0 },
                                                            9, 3, 2, NULL), 1e-12);
  stva_db_agreement_clear (&a);

  /* without gold: two raters, α over the units both rated */
  g_assert_true (stva_db_agreement (db, set->id, FALSE, 0, &a, &error));
  g_assert_cmpuint (a.n_raters, ==, 2);
  g_assert_cmpuint (a.n_units, ==, 8);
  stva_db_agreement_clear (&a);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/agreement/alpha-wikipedia", test_alpha_wikipedia);
  g_test_add_func ("/db/agreement/alpha-krippendorff-2011", test_alpha_krippendorff_2011);
  g_test_add_func ("/db/agreement/cohen", test_cohen);
  g_test_add_func ("/db/agreement/fleiss", test_fleiss);
  g_test_add_func ("/db/agreement/per-class", test_per_class);
  g_test_add_func ("/db/agreement/project", test_project);
  return g_test_run ();
}
