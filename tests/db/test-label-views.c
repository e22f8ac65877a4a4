/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label rule of schema/0004-label-views.sql against a replay of the log written here from
 * its statement (stva-db.h): random sequences of sets, clears, undos, redos and imported
 * ratings by three annotators and an evaluator, every reader checked after every event (the
 * current and annotator labels, the utterance and dialogue lists, class and annotator
 * statistics, and the view of one annotator).  And the query plans the views must keep:
 * lookups by utterance search the index correction_current, never scan a table.
 */
#include <sqlite3.h>
#include <string.h>

#include "db-test.h"

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

#define N_ANNOTATORS 4        /* alice, bob, carol, and the evaluator, who only imports */

typedef struct
{
  gint64 annotator_label[N_ANNOTATORS];
  gint64 current;
  gboolean reviewed;
  int n_reviewers;
  gint64 gold;
} Expected;

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (path, &h), ==, SQLITE_OK);
  sqlite3_busy_timeout (h, 5000);
  char *msg = NULL;
  if (sqlite3_exec (h, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (h);
}

/* The first column of sql's first row in h, -1 without a row. */
static gint64
query_int (sqlite3    *h,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (h, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (h));
  gint64 v = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_finalize (stmt);
  return v;
}

/* The rule, replayed from the utterance's history (oldest first). */
static Expected
replay (Fixture      *f,
        guint         i,
        const gint64 *annotators)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) events = stva_db_history (f->db, f->utt[i], f->set->id, &error);
  g_assert_no_error (error);
  Expected e = { .gold = 0 };
  gint64 last_id[N_ANNOTATORS] = { 0 };
  gboolean imported[N_ANNOTATORS] = { FALSE };
  for (guint k = 0; k < events->len; k++)
    {
      const StvaDbCorrection *c = g_ptr_array_index (events, k);
      for (guint a = 0; a < N_ANNOTATORS; a++)
        if (annotators[a] == c->annotator_id)
          {
            e.annotator_label[a] = c->new_label_id;
            last_id[a] = c->id;
            imported[a] = strcmp (c->kind, "import") == 0;
          }
    }
  gint64 newest = 0;
  for (guint a = 0; a < N_ANNOTATORS; a++)
    if (e.annotator_label[a] != 0 && !imported[a])
      {
        e.n_reviewers++;
        if (last_id[a] > newest)
          {
            newest = last_id[a];
            e.current = e.annotator_label[a];
          }
      }
  e.reviewed = e.n_reviewers > 0;
  return e;
}

static void
check_all (Fixture      *f,
           const gint64 *annotators,
           sqlite3      *h,
           const char   *when)
{
  GError *error = NULL;
  Expected want[DBT_N_UTTERANCES];
  g_autoptr (GPtrArray) utts = NULL;
  for (guint i = 0; i < DBT_N_UTTERANCES; i++)
    {
      want[i] = replay (f, i, annotators);
      g_autofree char *sql = g_strdup_printf (
        "SELECT coalesce ((SELECT label_id FROM gold_label WHERE utterance_id = %"
        G_GINT64_FORMAT " AND label_set_id = %" G_GINT64_FORMAT "), 0)", f->utt[i],
        f->set->id);
      want[i].gold = query_int (h, sql);
      if (!want[i].reviewed)
        want[i].current = want[i].gold;

      gint64 got = -1;
      g_assert_true (stva_db_current_label (f->db, f->utt[i], f->set->id, &got, &error));
      if (got != want[i].current)
        g_error ("%s: utterance %u: current label %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
                 when, i, got, want[i].current);
      for (guint a = 0; a < N_ANNOTATORS; a++)
        {
          g_assert_true (stva_db_annotator_label (f->db, f->utt[i], f->set->id, annotators[a],
                                                  &got, &error));
          if (got != want[i].annotator_label[a])
            g_error ("%s: utterance %u, annotator %u: label %" G_GINT64_FORMAT ", want %"
                     G_GINT64_FORMAT, when, i, a, got, want[i].annotator_label[a]);
          /* one annotator's view: their label, else gold (0: neither, read as -1 for no row) */
          g_autofree char *view = g_strdup_printf (
            "SELECT coalesce (label_id, 0) FROM annotator_current_label WHERE utterance_id = %"
            G_GINT64_FORMAT " AND label_set_id = %" G_GINT64_FORMAT " AND annotator_id = %"
            G_GINT64_FORMAT, f->utt[i], f->set->id, annotators[a]);
          gint64 mine = want[i].annotator_label[a] ? want[i].annotator_label[a] : want[i].gold;
          g_assert_cmpint (query_int (h, view), ==, mine);
        }
    }

  /* the lists of the studio */
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (f->db, f->set->id, &error);
  g_assert_no_error (error);
  guint n = 0;
  for (guint d = 0; d < dialogues->len; d++)
    {
      const StvaDbDialogue *dia = g_ptr_array_index (dialogues, d);
      int n_reviewed = 0, n_changed = 0;
      g_autoptr (GPtrArray) list = stva_db_utterances (f->db, dia->id, f->set->id, 0, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < list->len; k++, n++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (list, k);
          g_assert_cmpint (u->id, ==, f->utt[n]);
          if (u->current_label_id != want[n].current || u->reviewed != want[n].reviewed
              || u->n_annotators != want[n].n_reviewers || u->gold_label_id != want[n].gold)
            g_error ("%s: utterance %u listed as current %" G_GINT64_FORMAT " reviewed %d "
                     "reviewers %d gold %" G_GINT64_FORMAT "; want %" G_GINT64_FORMAT " %d %d %"
                     G_GINT64_FORMAT, when, n, u->current_label_id, u->reviewed,
                     u->n_annotators, u->gold_label_id, want[n].current, want[n].reviewed,
                     want[n].n_reviewers, want[n].gold);
          n_reviewed += want[n].reviewed;
          n_changed += want[n].reviewed && want[n].current != want[n].gold;
        }
      g_assert_cmpint (dia->n_reviewed, ==, n_reviewed);
      g_assert_cmpint (dia->n_changed, ==, n_changed);
    }
  g_assert_cmpuint (n, ==, DBT_N_UTTERANCES);

  /* the whole-project table, through the statistics */
  g_autoptr (GPtrArray) classes = stva_db_class_stats (f->db, f->set->id, 0, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < classes->len; k++)
    {
      const StvaDbClassStats *s = g_ptr_array_index (classes, k);
      int current = 0;
      for (guint i = 0; i < DBT_N_UTTERANCES; i++)
        current += want[i].current == s->label_id;
      g_assert_cmpint (s->current, ==, current);
    }
  g_autoptr (GPtrArray) people = stva_db_annotator_stats (f->db, f->set->id, 0, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < people->len; k++)
    {
      const StvaDbAnnotatorStats *s = g_ptr_array_index (people, k);
      int n_labels = 0;
      for (guint a = 0; a < N_ANNOTATORS; a++)
        if (annotators[a] == s->annotator_id)
          for (guint i = 0; i < DBT_N_UTTERANCES; i++)
            n_labels += want[i].annotator_label[a] != 0;
      g_assert_cmpint (s->n_labels, ==, n_labels);
    }
}

static void
test_random (Fixture       *f,
             gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "p.stva", NULL);
  gint64 annotators[N_ANNOTATORS] = {
    stva_db_annotator (f->db, "alice", NULL, &error),
    stva_db_annotator (f->db, "bob", NULL, &error),
    stva_db_annotator (f->db, "carol", NULL, &error),
    stva_db_annotator (f->db, "IEMOCAP C-E1", NULL, &error),
  };
  g_assert_no_error (error);
  /* two utterances without a gold label: one current label comes from nothing at all */
  g_autofree char *nogold = g_strdup_printf (
    "DELETE FROM gold_label WHERE utterance_id IN (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
    f->utt[1], f->utt[6]);
  exec_sql (path, nogold);
  sqlite3 *h = NULL;   /* a reader of its own, for the views the API does not return */
  g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  check_all (f, annotators, h, "before any event");

  GRand *rng = g_rand_new_with_seed (20261208);
  guint K = f->set->labels->len;
  int n_kinds[6] = { 0 };
  for (int step = 0; step < 250; step++)
    {
      guint a = (guint) g_rand_int_range (rng, 0, N_ANNOTATORS);
      guint i = (guint) g_rand_int_range (rng, 0, DBT_N_UTTERANCES);
      int what = a == 3 ? 5 : g_rand_int_range (rng, 0, 12);
      gint64 label = ((StvaDbLabel *) g_ptr_array_index (
                        f->set->labels, (guint) g_rand_int_range (rng, 0, (gint32) K)))->id;
      int kind = what < 5 ? 0 : what == 5 ? 5 : what < 7 ? 1 : what < 9 ? 2 : what < 11 ? 3 : 4;
      n_kinds[kind]++;
      switch (kind)
        {
        case 0:
          g_assert_cmpint (stva_db_set_label (f->db, f->utt[i], f->set->id, annotators[a], label,
                                              0, NULL, &error), >, 0);
          break;
        case 1:   /* cleared */
          g_assert_cmpint (stva_db_set_label (f->db, f->utt[i], f->set->id, annotators[a], 0, 0,
                                              NULL, &error), >, 0);
          break;
        case 2:
          stva_db_undo (f->db, annotators[a], f->set->id, &error);
          break;
        case 3:
          stva_db_redo (f->db, annotators[a], f->set->id, &error);
          break;
        case 4:   /* a studio annotator's rating imported later: their label, not a review */
        case 5:   /* an evaluator's rating */
          {
            g_autofree char *sql = g_strdup_printf (
              "INSERT INTO correction (utterance_id, label_set_id, annotator_id, kind, "
              "new_label_id, created_us) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
              G_GINT64_FORMAT ", 'import', %" G_GINT64_FORMAT ", 1)", f->utt[i], f->set->id,
              annotators[a], label);
            exec_sql (path, sql);
          }
          break;
        default:
          g_assert_not_reached ();
        }
      g_assert_no_error (error);
      g_autofree char *when = g_strdup_printf ("after event %d (kind %d by annotator %u)", step,
                                               kind, a);
      check_all (f, annotators, h, when);
    }
  sqlite3_close (h);
  g_rand_free (rng);
  for (int k = 0; k < 6; k++)
    g_assert_cmpint (n_kinds[k], >, 10);   /* every kind of event was tried */
}

/* Each row of EXPLAIN QUERY PLAN sql: a search, never a scan of a table, a materialised view
 * or an automatic index. */
static void
expect_searches (sqlite3    *h,
                 const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (h, explain, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (h));
  int n = 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);
      n += g_str_has_prefix (detail, "SEARCH");
      if (g_str_has_prefix (detail, "SCAN") || strstr (detail, "MATERIALIZE") != NULL
          || strstr (detail, "AUTOMATIC") != NULL)
        g_error ("%s: the plan has '%s'", sql, detail);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (n, >, 0);
}

static void
test_plans (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "p.stva", NULL);
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  expect_searches (h, "SELECT label_id FROM annotator_label WHERE utterance_id = ?1 "
                      "AND label_set_id = ?2 AND annotator_id = ?3");
  expect_searches (h, "SELECT label_id, annotator_id, n_reviewers FROM current_label "
                      "WHERE utterance_id = ?1 AND label_set_id = ?2");
  expect_searches (h, "SELECT label_id FROM annotator_current_label WHERE utterance_id = ?1 "
                      "AND label_set_id = ?2 AND annotator_id = ?3");
  /* a dialogue's utterances with their labels, as the studio lists them */
  expect_searches (h, "SELECT u.id, c.label_id, c.gold_label_id, c.annotator_id, c.n_reviewers "
                      "FROM utterance u JOIN current_label c ON c.utterance_id = u.id "
                      "AND c.label_set_id = ?2 WHERE u.dialogue_id = ?1 ORDER BY u.idx");
  /* the index that all of them search */
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "EXPLAIN QUERY PLAN SELECT label_id FROM current_label "
                                          "WHERE utterance_id = 1 AND label_set_id = 1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  int n_index = 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    n_index += strstr ((const char *) sqlite3_column_text (stmt, 3),
                       "INDEX correction_current (utterance_id=? AND label_set_id=?") != NULL;
  sqlite3_finalize (stmt);
  g_assert_cmpint (n_index, >=, 2);
  sqlite3_close (h);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/db/label-views/random", Fixture, NULL, dbt_fixture_setup, test_random,
              dbt_fixture_teardown);
  g_test_add ("/db/label-views/plans", Fixture, NULL, dbt_fixture_setup, test_plans,
              dbt_fixture_teardown);
  return g_test_run ();
}
