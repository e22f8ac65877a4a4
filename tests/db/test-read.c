/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's read API: predictions (with β and attention) and features stored and read
 * back, the review queue in each order, dialogue progress and per-class statistics.
 */
#include <math.h>
#include <string.h>

#include "db-test.h"

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

/* A model and its predictions for every utterance. */
static void
add_predictions (Fixture *f)
{
  GError *error = NULL;
  f->model = stva_db_add_model (f->db, "m1", "h1", f->set->id, "{\"D\": 256}", "{}", &error);
  /* utterance 0: certain and wrong (neutral, gold surprise); 1: uniform; 2: split between
   * neutral 0.45 and joy 0.40 (gold anger); the rest 0.9 on their gold label */
  for (int i = 0; i < 9; i++)
    {
      float p[7];
      for (int k = 0; k < 7; k++)
        p[k] = i == 0 ? (k == 0 ? 1.0f : 0.0f)
               : i == 1 ? 1.0f / 7.0f
               : i == 2 ? (k == 0 ? 0.45f : k == 1 ? 0.40f : k == 2 ? 0.15f : 0.0f)
               : (k == f->gold[i] ? 0.9f : 0.1f / 6.0f);
      g_assert_true (stva_db_put_prediction (f->db, f->model, f->utt[i], p, 7, NULL, NULL,
                                             &error));
      g_assert_no_error (error);
    }
}

static const DbtFixtureStep predictions = { add_predictions };

static void
assert_queue (Fixture          *f,
              StvaDbQueueOrder  order,
              gboolean          unreviewed,
              guint             limit,
              const int        *want,
              guint             n_want)
{
  GError *error = NULL;
  g_autoptr (GArray) q = stva_db_review_queue (f->db, f->set->id, 0, order, unreviewed, limit,
                                               &error);
  g_assert_no_error (error);
  GString *got = g_string_new (NULL);
  for (guint i = 0; i < q->len; i++)
    {
      gint64 id = g_array_index (q, StvaDbQueueItem, i).utterance_id;
      for (int k = 0; k < 9; k++)
        if (f->utt[k] == id)
          g_string_append_printf (got, "%d ", k);
    }
  GString *exp = g_string_new (NULL);
  for (guint i = 0; i < n_want; i++)
    g_string_append_printf (exp, "%d ", want[i]);
  g_assert_cmpstr (got->str, ==, exp->str);
  g_string_free (got, TRUE);
  g_string_free (exp, TRUE);
}

static void
test_queue (Fixture       *f,
            gconstpointer  data)
{
  assert_queue (f, STVA_DB_QUEUE_ENTROPY, FALSE, 0, (int[]) { 1, 2, 3, 4, 5, 6, 7, 8, 0 }, 9);
  assert_queue (f, STVA_DB_QUEUE_ENTROPY, FALSE, 2, (int[]) { 1, 2 }, 2);
  assert_queue (f, STVA_DB_QUEUE_MARGIN, FALSE, 3, (int[]) { 1, 2, 3 }, 3);
  assert_queue (f, STVA_DB_QUEUE_MODEL_DISAGREEMENT, FALSE, 0, (int[]) { 0, 2 }, 2);
  assert_queue (f, STVA_DB_QUEUE_ANNOTATOR_DISAGREEMENT, FALSE, 0, NULL, 0);

  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  gint64 bob = stva_db_annotator (f->db, "bob", NULL, &error);
  const StvaDbLabel *neutral = stva_db_label_set_find (f->set, "neutral");
  const StvaDbLabel *joy = stva_db_label_set_find (f->set, "joy");
  /* alice agrees with the model on utterance 0; alice and bob disagree on 3 */
  stva_db_set_label (f->db, f->utt[0], f->set->id, alice, neutral->id, f->model, NULL, &error);
  stva_db_set_label (f->db, f->utt[3], f->set->id, alice, neutral->id, 0, NULL, &error);
  stva_db_set_label (f->db, f->utt[3], f->set->id, bob, joy->id, 0, NULL, &error);
  g_assert_no_error (error);
  assert_queue (f, STVA_DB_QUEUE_MODEL_DISAGREEMENT, FALSE, 0, (int[]) { 2 }, 1);
  assert_queue (f, STVA_DB_QUEUE_ANNOTATOR_DISAGREEMENT, FALSE, 0, (int[]) { 3 }, 1);
  assert_queue (f, STVA_DB_QUEUE_ENTROPY, TRUE, 0, (int[]) { 1, 2, 4, 5, 6, 7, 8 }, 7);

  /* progress and class statistics follow */
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (f->db, f->set->id, &error);
  StvaDbDialogue *d0 = g_ptr_array_index (dialogues, 0), *d1 = g_ptr_array_index (dialogues, 1);
  g_assert_cmpint (d0->n_reviewed, ==, 1);
  g_assert_cmpint (d0->n_changed, ==, 1);
  g_assert_cmpint (d1->n_reviewed, ==, 1);
  g_assert_cmpint (d1->n_changed, ==, 0);   /* bob acted last: joy, which is gold */
  g_autoptr (GPtrArray) stats = stva_db_class_stats (f->db, f->set->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 7);
  StvaDbClassStats *sn = g_ptr_array_index (stats, 0), *ss = g_ptr_array_index (stats, 2);
  g_assert_cmpstr (sn->name, ==, "neutral");
  g_assert_cmpint (sn->gold, ==, 2);
  g_assert_cmpint (sn->current, ==, 3);
  g_assert_cmpint (sn->predicted, ==, 4);   /* utterances 0, 1 (first of ties), 2 and 8 */
  g_assert_cmpint (sn->changed_to, ==, 1);
  g_assert_cmpint (ss->gold, ==, 2);
  g_assert_cmpint (ss->changed_from, ==, 1);
  int total = 0;
  for (guint k = 0; k < stats->len; k++)
    total += ((StvaDbClassStats *) g_ptr_array_index (stats, k))->current;
  g_assert_cmpint (total, ==, 9);

  g_autoptr (GPtrArray) u = stva_db_utterances (f->db, d0->id, f->set->id, 0, &error);
  StvaDbUtterance *u0 = g_ptr_array_index (u, 0), *u2 = g_ptr_array_index (u, 2);
  g_assert_cmpint (u0->predicted_label_id, ==, neutral->id);
  g_assert_cmpfloat_with_epsilon (u0->confidence, 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (u2->confidence, 0.45, 1e-6);
}

static void
test_prediction_blob (Fixture       *f,
                      gconstpointer  data)
{
  GError *error = NULL;
  gint64 m2 = stva_db_add_model (f->db, "m2", "h2", f->set->id, NULL, NULL, &error);
  g_assert_cmpint (stva_db_add_model (f->db, "m2 again", "h2", f->set->id, NULL, NULL, &error),
                   ==, m2);
  g_assert_cmpint (stva_db_latest_model (f->db, f->set->id, &error), ==, m2);
  float p[7] = { 0.1f, 0.1f, 0.1f, 0.4f, 0.1f, 0.1f, 0.1f }, beta[3] = { 0.5f, 0.3f, 0.2f };
  float att[4] = { 0.25f, 0.75f, 1.0f, 0.0f };
  StvaDbAttnMap map = { .name = (char *) "caf.T<-V", .rows = 2, .cols = 2, .data = att };
  g_autoptr (GBytes) blob = stva_db_attention_pack (&map, 1);
  g_assert_true (stva_db_put_prediction (f->db, m2, f->utt[4], p, 7, beta, blob, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) junk = g_bytes_new_static ("SATNxxxx", 8);
  g_assert_false (stva_db_put_prediction (f->db, m2, f->utt[4], p, 7, beta, junk, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (stva_db_put_prediction (f->db, m2, f->utt[4], p, 6, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  StvaDbPrediction *pr = stva_db_prediction (f->db, m2, f->utt[4], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pr->K, ==, 7);
  g_assert_cmpmem (pr->probs, sizeof p, p, sizeof p);
  g_assert_true (pr->has_beta);
  g_assert_cmpmem (pr->beta, sizeof beta, beta, sizeof beta);
  g_assert_cmpint (pr->label_id, ==, stva_db_label_set_find (f->set, "anger")->id);
  gsize n;
  const guint8 *d = g_bytes_get_data (pr->attention, &n);
  g_autoptr (GPtrArray) maps = stva_db_attention_unpack (d, n, &error);
  g_assert_cmpmem (((StvaDbAttnMap *) g_ptr_array_index (maps, 0))->data, sizeof att, att,
                   sizeof att);
  stva_db_prediction_free (pr);
  g_assert_null (stva_db_prediction (f->db, m2, f->utt[5], &error));
  g_assert_no_error (error);

  float x[5] = { 1, 2, 3, 4.5f, -1 };
  g_assert_true (stva_db_put_feature (f->db, f->utt[0], "audio", "stva-audio", "1", x, 5,
                                      &error));
  g_autoptr (GArray) back = stva_db_feature (f->db, f->utt[0], "audio", &error);
  g_assert_cmpuint (back->len, ==, 5);
  g_assert_cmpmem (back->data, sizeof x, x, sizeof x);
  g_assert_null (stva_db_feature (f->db, f->utt[0], "visual", &error));
  g_assert_no_error (error);
  g_assert_false (stva_db_put_feature (f->db, f->utt[0], "smell", "x", "1", x, 5, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/db/read/queue", Fixture, &predictions, dbt_fixture_setup, test_queue,
              dbt_fixture_teardown);
  g_test_add ("/db/read/prediction", Fixture, &predictions, dbt_fixture_setup, test_prediction_blob,
              dbt_fixture_teardown);
  return g_test_run ();
}
