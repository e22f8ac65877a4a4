/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The correction log: set, undo and redo are new events and nothing is ever changed or
 * removed; labels derive from the log per annotator and overall; several annotators; bad ids
 * refused; a burst of 1,000 corrections is timed.
 */
#include <sqlite3.h>
#include <string.h>

#include "db-test.h"

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

static gint64
label (Fixture    *f,
       const char *name)
{
  return stva_db_label_set_find (f->set, name)->id;
}

static gint64
current (Fixture *f,
         gint64   utt)
{
  gint64 l = -1;
  GError *error = NULL;
  g_assert_true (stva_db_current_label (f->db, utt, f->set->id, &l, &error));
  g_assert_no_error (error);
  return l;
}

static gint64
own (Fixture *f,
     gint64   utt,
     gint64   annotator)
{
  gint64 l = -1;
  GError *error = NULL;
  g_assert_true (stva_db_annotator_label (f->db, utt, f->set->id, annotator, &l, &error));
  return l;
}

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  gint64 model = stva_db_add_model (f->db, "m1", "abc123", f->set->id, NULL, NULL, &error);
  gint64 gold0 = current (f, f->utt[0]);
  g_assert_cmpint (gold0, ==, label (f, "surprise"));

  /* nothing to undo or redo yet: 0 and no error */
  g_assert_cmpint (stva_db_undo (f->db, alice, f->set->id, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), ==, 0);
  g_assert_no_error (error);

  gint64 e1 = stva_db_set_label (f->db, f->utt[0], f->set->id, alice, label (f, "anger"), model,
                                 "sounds angry", &error);
  g_assert_no_error (error);
  gint64 e2 = stva_db_set_label (f->db, f->utt[1], f->set->id, alice, label (f, "joy"), 0, NULL,
                                 &error);
  gint64 e3 = stva_db_set_label (f->db, f->utt[0], f->set->id, alice, label (f, "fear"), 0, NULL,
                                 &error);
  g_assert_cmpint (e1, <, e2);
  g_assert_cmpint (e2, <, e3);
  g_assert_cmpint (current (f, f->utt[0]), ==, label (f, "fear"));
  g_assert_cmpint (current (f, f->utt[1]), ==, label (f, "joy"));

  /* undo e3: utt0 back to anger; undo e2: utt1 back to no label of alice's (gold shows) */
  gint64 u1 = stva_db_undo (f->db, alice, f->set->id, &error);
  g_assert_cmpint (u1, >, e3);
  g_assert_cmpint (current (f, f->utt[0]), ==, label (f, "anger"));
  g_assert_cmpint (stva_db_undo (f->db, alice, f->set->id, &error), >, u1);
  g_assert_cmpint (own (f, f->utt[1], alice), ==, 0);
  g_assert_cmpint (current (f, f->utt[1]), ==, label (f, "neutral"));   /* gold */
  /* redo brings e2 back, then e3 */
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), >, 0);
  g_assert_cmpint (current (f, f->utt[1]), ==, label (f, "joy"));
  g_assert_cmpint (current (f, f->utt[0]), ==, label (f, "anger"));
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), >, 0);
  g_assert_cmpint (current (f, f->utt[0]), ==, label (f, "fear"));
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), ==, 0);
  /* undo all three, then a new label clears the redo stack */
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (stva_db_undo (f->db, alice, f->set->id, &error), >, 0);
  g_assert_cmpint (stva_db_undo (f->db, alice, f->set->id, &error), ==, 0);
  g_assert_cmpint (own (f, f->utt[0], alice), ==, 0);
  g_assert_cmpint (current (f, f->utt[0]), ==, gold0);
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[2], f->set->id, alice, label (f, "joy"), 0,
                                      NULL, &error), >, 0);
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), ==, 0);
  g_assert_no_error (error);

  /* the history keeps every event with who, what, model and note */
  g_autoptr (GPtrArray) h = stva_db_history (f->db, f->utt[0], f->set->id, &error);
  g_assert_no_error (error);
  const char *kinds[] = { "set", "set", "undo", "redo", "undo", "undo" };
  g_assert_cmpuint (h->len, ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < h->len; i++)
    {
      StvaDbCorrection *c = g_ptr_array_index (h, i);
      g_assert_cmpstr (c->kind, ==, kinds[i]);
      g_assert_cmpstr (c->annotator, ==, "alice");
      g_assert_cmpint (c->created_us, >, 0);
    }
  StvaDbCorrection *first = g_ptr_array_index (h, 0), *last = g_ptr_array_index (h, 5);
  g_assert_cmpint (first->old_label_id, ==, 0);
  g_assert_cmpint (first->new_label_id, ==, label (f, "anger"));
  g_assert_cmpint (first->model_id, ==, model);
  g_assert_cmpstr (first->note, ==, "sounds angry");
  g_assert_cmpint (last->reverts_id, ==, e1);
  g_assert_cmpint (last->old_label_id, ==, label (f, "anger"));
  g_assert_cmpint (last->new_label_id, ==, 0);

  /* the log cannot be edited behind the API's back */
  gint64 before = dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction");
  sqlite3 *h2 = NULL;
  sqlite3_open (stva_db_path (f->db), &h2);
  g_assert_cmpint (sqlite3_exec (h2, "UPDATE correction SET note = 'x'", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h2, "DELETE FROM correction", NULL, NULL, NULL), !=, SQLITE_OK);
  sqlite3_close (h2);
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction"), ==,
                   before);
}

static void
test_annotators (Fixture       *f,
                 gconstpointer  data)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  gint64 bob = stva_db_annotator (f->db, "bob", NULL, &error);
  gint64 u = f->utt[3];
  stva_db_set_label (f->db, u, f->set->id, alice, label (f, "anger"), 0, NULL, &error);
  stva_db_set_label (f->db, u, f->set->id, bob, label (f, "sadness"), 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (own (f, u, alice), ==, label (f, "anger"));
  g_assert_cmpint (own (f, u, bob), ==, label (f, "sadness"));
  g_assert_cmpint (current (f, u), ==, label (f, "sadness"));   /* bob acted last */
  /* alice's undo touches only alice's label */
  g_assert_cmpint (stva_db_undo (f->db, alice, f->set->id, &error), >, 0);
  g_assert_cmpint (own (f, u, alice), ==, 0);
  g_assert_cmpint (own (f, u, bob), ==, label (f, "sadness"));
  g_assert_cmpint (current (f, u), ==, label (f, "sadness"));
  /* bob's undo: nobody holds a label, gold shows */
  g_assert_cmpint (stva_db_undo (f->db, bob, f->set->id, &error), >, 0);
  g_assert_cmpint (current (f, u), ==, label (f, "joy"));
  /* alice redoes: hers is the current one again */
  g_assert_cmpint (stva_db_redo (f->db, alice, f->set->id, &error), >, 0);
  g_assert_cmpint (current (f, u), ==, label (f, "anger"));

  g_autoptr (GPtrArray) utts = stva_db_utterances (f->db, dbt_query_int (
    stva_db_path (f->db), "SELECT dialogue_id FROM utterance WHERE id = (SELECT min (id) FROM "
    "utterance WHERE source_id = 0 AND speaker = 'Rachel')"), f->set->id, 0, &error);
  g_assert_no_error (error);
  StvaDbUtterance *row = g_ptr_array_index (utts, 0);
  g_assert_cmpint (row->id, ==, u);
  g_assert_true (row->reviewed);
  g_assert_cmpint (row->n_annotators, ==, 1);
  g_assert_cmpint (row->current_label_id, ==, label (f, "anger"));
  g_assert_cmpint (row->gold_label_id, ==, label (f, "joy"));

  g_autoptr (GPtrArray) stats = stva_db_annotator_stats (f->db, f->set->id, 0, &error);
  g_assert_cmpuint (stats->len, ==, 2);
  StvaDbAnnotatorStats *sa = g_ptr_array_index (stats, 0), *sb = g_ptr_array_index (stats, 1);
  g_assert_cmpstr (sa->name, ==, "alice");
  g_assert_cmpint (sa->n_events, ==, 3);
  g_assert_cmpint (sa->n_labels, ==, 1);
  g_assert_cmpint (sa->n_differ_gold, ==, 1);
  g_assert_cmpint (sb->n_events, ==, 2);
  g_assert_cmpint (sb->n_labels, ==, 0);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  g_autoptr (StvaDbLabelSet) i6 = stva_db_label_set (f->db, "iemocap-6", &error);
  gint64 hap = stva_db_label_set_find (i6, "hap")->id;
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[0], f->set->id, alice, hap, 0, NULL, &error),
                   ==, 0);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (stva_db_set_label (f->db, 999999, f->set->id, alice, label (f, "joy"), 0,
                                      NULL, &error), ==, 0);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[0], f->set->id, 4242, label (f, "joy"), 0,
                                      NULL, &error), ==, 0);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction"), ==, 0);
  /* text is data: a note full of SQL is stored as written */
  const char *nasty = "'); DROP TABLE correction; --";
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[0], f->set->id, alice, label (f, "joy"), 0,
                                      nasty, &error), >, 0);
  g_autoptr (GPtrArray) h = stva_db_history (f->db, f->utt[0], f->set->id, &error);
  g_assert_cmpstr (((StvaDbCorrection *) g_ptr_array_index (h, 0))->note, ==, nasty);
}

static void
test_burst (Fixture       *f,
            gconstpointer  data)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < 1000; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (f->set->labels, (guint) (i * 5 % 7));
      g_assert_cmpint (stva_db_set_label (f->db, f->utt[i % 9], f->set->id, alice, l->id, 0,
                                          NULL, &error), >, 0);
    }
  double s = (double) (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("1000 corrections, one transaction each: %.3f s", s);
  g_test_minimized_result (s, "burst of 1000 corrections: %.3f s", s);
  g_assert_cmpfloat (s, <, 5.0);   /* target 1 s; the bound leaves room for a loaded machine */
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction"), ==,
                   1000);
  gint64 want = ((StvaDbLabel *) g_ptr_array_index (f->set->labels, 999 * 5 % 7))->id;
  g_assert_cmpint (current (f, f->utt[999 % 9]), ==, want);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/db/corrections/undo-redo", Fixture, NULL, dbt_fixture_setup, test_undo_redo,
              dbt_fixture_teardown);
  g_test_add ("/db/corrections/annotators", Fixture, NULL, dbt_fixture_setup, test_annotators,
              dbt_fixture_teardown);
  g_test_add ("/db/corrections/refused", Fixture, NULL, dbt_fixture_setup, test_refused,
              dbt_fixture_teardown);
  g_test_add ("/db/corrections/burst", Fixture, NULL, dbt_fixture_setup, test_burst,
              dbt_fixture_teardown);
  return g_test_run ();
}
