/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening, creating and migrating projects: a new project has the newest schema, WAL, foreign
 * keys and the built-in label sets; a project written by the build of each older schema version
 * (tests/db/data) migrates to the newest keeping its rows and reads as that build read it; a
 * failing migration leaves the file at its old version; newer, foreign and damaged files are
 * refused with a message naming the file.  Also model.parent_id and the attention blob.
 */
#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"
#include "fixture-dump.h"
#include "stva-db-private.h"

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (path, &h), ==, SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec (h, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (h);
}

static void
test_create (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_schema_version (db), ==, STVA_DB_SCHEMA_VERSION);
  g_assert_true (stva_db_check (db, &error));
  g_assert_no_error (error);

  g_autoptr (StvaDbLabelSet) meld = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (meld->labels->len, ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (meld->labels, i);
      g_assert_nonnull (stva_db_label_set_find (meld, STVA_MELD_EMOTIONS[i]));
      g_assert_cmpint (l->idx, ==, (int) i);
      g_assert_cmpuint (strlen (l->colour), ==, 7);
      g_assert_nonnull (l->key);
    }
  g_autoptr (StvaDbLabelSet) i6 = stva_db_label_set (db, STVA_DB_IEMOCAP6_SET, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (i6->labels->len, ==, 6);
  g_assert_cmpstr (((StvaDbLabel *) g_ptr_array_index (i6->labels, 4))->name, ==, "exc");
  g_autoptr (StvaDbLabelSet) i4 = stva_db_label_set (db, STVA_DB_IEMOCAP4_SET, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (i4->labels->len, ==, 4);
  g_assert_null (stva_db_label_set (db, "nope", &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  const char *names[] = { "calm", "tense", "excited" };
  gint64 id = stva_db_add_label_set (db, "arousal", "three levels", names, NULL, NULL, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 3);
  g_autoptr (GPtrArray) sets = stva_db_label_sets (db, &error);
  g_assert_cmpuint (sets->len, ==, 4);
  /* a duplicate set name is refused and leaves nothing behind */
  g_assert_cmpint (stva_db_add_label_set (db, "arousal", "", names, NULL, NULL, 3, &error), ==, 0);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);

  gint64 a = stva_db_annotator (db, "alice", NULL, &error);
  g_assert_cmpint (a, >, 0);
  g_assert_cmpint (stva_db_annotator (db, "alice", NULL, &error), ==, a);
  stva_db_close (db);

  g_assert_cmpint (dbt_query_int (path, "PRAGMA application_id"), ==, STVA_DB_APPLICATION_ID);
  g_assert_cmpint (dbt_query_int (path, "PRAGMA user_version"), ==, STVA_DB_SCHEMA_VERSION);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM pragma_journal_mode "
                                        "WHERE journal_mode = 'wal'"), ==, 1);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM label"), ==, 7 + 6 + 4 + 3);

  /* reopening an existing project changes nothing */
  db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_annotator (db, "alice", NULL, &error), ==, a);
  /* foreign keys are on: a label for an utterance that does not exist is refused */
  g_assert_cmpint (stva_db_set_label (db, 12345, 1, a, 1, 0, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

/* ---- projects of older versions ------------------------------------------------------------
 * tests/db/data/project-vN.stva were written by the builds of schema version N
 * (tests/db/data/make-fixtures.sh), with project-vN.dump and project-vN.csv what those builds
 * read from them: nothing here is made by today's SQL. */

#define N_OLD_VERSIONS 5
/* a new schema version ships with a fixture of the version before it */
G_STATIC_ASSERT (N_OLD_VERSIONS == STVA_DB_SCHEMA_VERSION - 1);

/* (transfer full) A copy of data/project-vN.stva in dir. */
static char *
copy_fixture (const char *dir,
              int         version)
{
  g_autofree char *name = g_strdup_printf ("project-v%d.stva", version);
  g_autofree char *from = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *data = NULL;
  gsize n = 0;
  GError *error = NULL;
  g_assert_true (g_file_get_contents (from, &data, &n, &error));
  g_assert_no_error (error);
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) n, &error));
  g_assert_no_error (error);
  return path;
}

/* (transfer full) data/project-vN.SUFFIX as a string. */
static char *
fixture_text (int         version,
              const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("project-v%d.%s", version, suffix);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  char *text = NULL;
  GError *error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
assert_same_text (const char *what,
                  const char *got,
                  const char *want)
{
  if (strcmp (got, want) == 0)
    return;
  g_autofree char **a = g_strsplit (got, "\n", -1), **b = g_strsplit (want, "\n", -1);
  guint i = 0;
  while (a[i] != NULL && b[i] != NULL && strcmp (a[i], b[i]) == 0)
    i++;
  g_error ("%s differs from what the old build read, line %u:\n  now: %s\n  was: %s", what,
           i + 1, a[i] ? a[i] : "(end)", b[i] ? b[i] : "(end)");
}

/* "table=rows,..." for every table of the project at path, by name. */
static char *
table_counts (const char *path)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%' ORDER BY name", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  GString *out = g_string_new (NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM \"%s\"", name);
      sqlite3_stmt *count = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (h, sql, -1, &count, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (count), ==, SQLITE_ROW);
      g_string_append_printf (out, "%s=%lld,", name, (long long) sqlite3_column_int64 (count, 0));
      sqlite3_finalize (count);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (h);
  return g_string_free (out, FALSE);
}

static char *
dump (StvaDb *db)
{
  GString *out = g_string_new (NULL);
  GError *error = NULL;
  g_assert_true (fixture_dump (db, out, &error));
  g_assert_no_error (error);
  return g_string_free (out, FALSE);
}

/* Each old project migrates to the newest version keeping every row, and reads as its own
 * build read it: lists, current and annotators' labels, counts, statistics, its CSV export. */
static void
test_migrate_fixture (gconstpointer data)
{
  int v = GPOINTER_TO_INT (data);
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = copy_fixture (dir, v);
  g_assert_cmpint (dbt_query_int (path, "PRAGMA user_version"), ==, v);
  g_autofree char *rows_before = table_counts (path);
  g_assert_nonnull (strstr (rows_before, "correction=19,"));   /* the fixture is the one made */

  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_schema_version (db), ==, STVA_DB_SCHEMA_VERSION);
  g_assert_true (stva_db_check (db, &error));
  g_assert_no_error (error);
  g_autofree char *want = fixture_text (v, "dump");
  g_autofree char *got = dump (db);
  g_autofree char *what = g_strdup_printf ("project-v%d", v);
  assert_same_text (what, got, want);

  g_autofree char *csv = g_build_filename (dir, "export.csv", NULL);
  g_assert_true (stva_db_export_csv (db, 1, 0, csv, &error));
  g_assert_no_error (error);
  g_autofree char *csv_text = NULL;
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_autofree char *csv_want = fixture_text (v, "csv");
  g_autofree char *csv_what = g_strdup_printf ("project-v%d's CSV export", v);
  assert_same_text (csv_what, csv_text, csv_want);

  /* the model registered by the old build has no parent; one can be given now */
  gint64 model = stva_db_latest_model (db, 1, &error), parent = -1;
  g_assert_cmpint (model, >, 0);
  g_assert_true (stva_db_model_parent (db, model, &parent, &error));
  g_assert_cmpint (parent, ==, 0);

  /* the log goes on where the old build left it: a new annotator's label is current, and
   * undoing it gives the old current label back */
  g_autoptr (StvaDbLabelSet) meld = stva_db_label_set (db, "meld", &error);
  gint64 utt = dbt_query_int (path, "SELECT u.id FROM utterance u JOIN dialogue d ON "
                                    "d.id = u.dialogue_id WHERE d.name = 'd1' AND u.idx = 0");
  gint64 carol = stva_db_annotator (db, "carol", NULL, &error);
  gint64 before = 0, now = 0;
  g_assert_true (stva_db_current_label (db, utt, 1, &before, &error));
  g_assert_cmpstr (stva_db_label_set_by_label (meld, before)->name, ==, "anger");
  g_assert_cmpint (stva_db_set_label (db, utt, 1, carol, stva_db_label_set_find (meld, "joy")->id,
                                      model, NULL, &error), >, 0);
  g_assert_true (stva_db_current_label (db, utt, 1, &now, &error));
  g_assert_cmpstr (stva_db_label_set_by_label (meld, now)->name, ==, "joy");
  g_assert_cmpint (stva_db_undo (db, carol, 1, &error), >, 0);
  g_assert_true (stva_db_current_label (db, utt, 1, &now, &error));
  g_assert_cmpint (now, ==, before);
  g_assert_no_error (error);
  g_autofree char *written = dump (db);
  stva_db_close (db);

  /* every row is still there (and the two events just added) */
  g_autofree char *rows_after = table_counts (path);
  g_autofree char *expected = g_strdup (rows_before);
  g_autofree char *grown = NULL;
  {
    g_autoptr (GString) s = g_string_new (expected);
    g_string_replace (s, "correction=19,", "correction=21,", 1);
    g_string_replace (s, "annotator=3,", "annotator=4,", 1);
    grown = g_strdup (s->str);
  }
  /* tables the migrations added since (import_run and import_warning from version 2) are
   * empty; every table of the old file keeps its rows */
  g_auto (GStrv) old_tables = g_strsplit (grown, ",", -1);
  for (guint i = 0; old_tables[i] != NULL && old_tables[i][0] != '\0'; i++)
    if (strstr (rows_after, old_tables[i]) == NULL)
      g_error ("project-v%d: '%s' after migrating: %s", v, old_tables[i], rows_after);

  g_assert_cmpint (dbt_query_int (path, "PRAGMA user_version"), ==, STVA_DB_SCHEMA_VERSION);
  /* version 2's import log and column, version 3's dropped index, version 4's views and
   * model.parent_id */
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM pragma_table_info('dialogue')"
                                        " WHERE name = 'import_id'"), ==, 1);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                        "'utterance_speaker'"), ==, 0);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'view' "
                                        "AND name IN ('annotator_label', 'review_label', "
                                        "'current_label', 'annotator_current_label')"), ==, 4);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM model WHERE parent_id IS NULL"),
                   ==, 1);
  /* version 5's model.path: an old build recorded no file */
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM model WHERE path IS NULL"), ==, 1);
  /* version 6's audit tables, empty */
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM audit_run"), ==, 0);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM audit_score"), ==, 0);
  if (v >= 2)   /* the CSV import of the old build was recorded */
    g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM import_run WHERE kind = 'csv'"),
                     ==, 1);

  /* opened again: nothing left to migrate, the same reading */
  db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autofree char *again = dump (db);
  g_assert_true (stva_db_check (db, &error));
  stva_db_close (db);
  assert_same_text (what, again, written);
  dbt_rm_rf (dir);
}

static void
test_migrate_atomic (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = copy_fixture (dir, 1);
  GError *error = NULL;
  /* a table in the way makes migration 2 fail half-way, after its first statements ran */
  exec_sql (path, "CREATE TABLE import_warning (x)");
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_null (db);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "version 2"));
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (path, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                        "'import_run'"), ==, 0);
  g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM utterance"), ==, 10);

  /* the same for migration 4: its first views are made, then a table stops it; none of them,
   * nor model.parent_id, stays */
  g_autofree char *v3 = copy_fixture (dir, 3);
  exec_sql (v3, "CREATE TABLE current_label (x)");
  db = stva_db_open (v3, STVA_DB_OPEN_EXISTING, &error);
  g_assert_null (db);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, v3));
  g_assert_nonnull (strstr (error->message, "version 4"));
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (v3, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (dbt_query_int (v3, "SELECT count(*) FROM sqlite_schema WHERE type = 'view'"),
                   ==, 0);
  g_assert_cmpint (dbt_query_int (v3, "SELECT count(*) FROM pragma_table_info('model')"
                                      " WHERE name = 'parent_id'"), ==, 0);
  g_assert_cmpint (dbt_query_int (v3, "SELECT count(*) FROM correction"), ==, 19);
  dbt_rm_rf (dir);
}

static void
expect_refused (const char *path,
                int         code,
                const char *words)
{
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_null (db);
  g_assert_error (error, STVA_DB_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_error_free (error);
}

static void
test_refuse (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);
  GError *error = NULL;

  expect_refused (path, STVA_DB_ERROR_NOT_FOUND, "no such project");
  expect_refused (dir, STVA_DB_ERROR_NOT_PROJECT, "folder");

  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  stva_db_close (db);
  exec_sql (path, "PRAGMA user_version = 99");
  expect_refused (path, STVA_DB_ERROR_VERSION, "version 99");
  /* create does not override the refusal either */
  g_assert_null (stva_db_open (path, STVA_DB_OPEN_CREATE, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_VERSION);
  g_clear_error (&error);

  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  exec_sql (other, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
  expect_refused (other, STVA_DB_ERROR_NOT_PROJECT, "not a Sync-TVA project");
  g_assert_null (stva_db_open (other, STVA_DB_OPEN_CREATE, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT);
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (other, "SELECT count(*) FROM t"), ==, 1);   /* untouched */

  /* our id, but tables dropped */
  g_autofree char *damaged = g_build_filename (dir, "damaged.stva", NULL);
  db = stva_db_open (damaged, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  stva_db_close (db);
  exec_sql (damaged, "PRAGMA foreign_keys = OFF; DROP TABLE prediction");
  expect_refused (damaged, STVA_DB_ERROR_NOT_PROJECT, "'prediction' is missing");

  /* our id and all tables, but a column gone: statements fail with the file named */
  g_autofree char *altered = g_build_filename (dir, "altered.stva", NULL);
  db = stva_db_open (altered, STVA_DB_OPEN_CREATE, &error);
  stva_db_close (db);
  exec_sql (altered, "ALTER TABLE utterance DROP COLUMN sentiment");
  db = stva_db_open (altered, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_assert_false (stva_db_export_csv (db, 1, 0, out, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE);
  g_assert_nonnull (strstr (error->message, altered));
  g_assert_nonnull (strstr (error->message, "sentiment"));
  g_clear_error (&error);
  stva_db_close (db);

  g_autofree char *garbage = g_build_filename (dir, "garbage.stva", NULL);
  GString *junk = g_string_new (NULL);
  for (int i = 0; i < 5000; i++)
    g_string_append_c (junk, (char) (i * 7919 % 251));
  g_file_set_contents (garbage, junk->str, (gssize) junk->len, NULL);
  g_string_free (junk, TRUE);
  expect_refused (garbage, STVA_DB_ERROR_NOT_PROJECT, "not a Sync-TVA project");

  g_autofree char *empty = g_build_filename (dir, "empty.stva", NULL);
  g_file_set_contents (empty, "", 0, NULL);
  expect_refused (empty, STVA_DB_ERROR_NOT_PROJECT, "empty");
  dbt_rm_rf (dir);
}

/* A project cut short at many lengths: opening or checking fails with an error, never a crash. */
static void
test_truncated (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "corpus", NULL);
  dbt_write_meld (corpus);
  g_autofree char *path = g_build_filename (dir, "full.stva", NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_assert_no_error (error);
  stva_db_close (db);   /* checkpoints the WAL into the file */
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  gchar *data = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  g_autofree char *cut = g_build_filename (dir, "cut.stva", NULL);
  int n_refused = 0, n_tried = 0;
  for (gsize len = 0; len < size; len += size / 23 + 1)
    {
      g_unlink (cut);
      g_file_set_contents (cut, data, (gssize) len, NULL);
      n_tried++;
      db = stva_db_open (cut, STVA_DB_OPEN_EXISTING, &error);
      gboolean ok = db != NULL && stva_db_check (db, &error);
      if (ok)
        {
          g_autoptr (GPtrArray) d = stva_db_dialogues (db, 1, &error);
          ok = d != NULL;
        }
      if (!ok)
        {
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, cut));
          n_refused++;
        }
      g_clear_error (&error);
      stva_db_close (db);
      g_autofree char *cut_wal = g_strconcat (cut, "-wal", NULL);
      g_unlink (cut_wal);
      g_autofree char *cut_shm = g_strconcat (cut, "-shm", NULL);
      g_unlink (cut_shm);
    }
  g_assert_cmpint (n_refused, ==, n_tried);   /* every cut loses pages; each must be noticed */
  g_free (data);
  dbt_rm_rf (dir);
}

/* model.parent_id (version 4): set, read, cleared; missing models and loops refused. */
static void
test_model_parent (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  gint64 m1 = stva_db_add_model (db, "m1", "h1", 1, NULL, NULL, &error);
  gint64 m2 = stva_db_add_model (db, "m2", "h2", 1, NULL, NULL, &error);
  gint64 m3 = stva_db_add_model (db, "m3", "h3", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  gint64 parent = -1;
  g_assert_true (stva_db_model_parent (db, m2, &parent, &error));
  g_assert_cmpint (parent, ==, 0);
  g_assert_true (stva_db_set_model_parent (db, m2, m1, &error));
  g_assert_true (stva_db_set_model_parent (db, m3, m2, &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_model_parent (db, m3, &parent, &error));
  g_assert_cmpint (parent, ==, m2);

  /* a loop, directly or through m2, is refused and changes nothing */
  g_assert_false (stva_db_set_model_parent (db, m1, m1, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (stva_db_set_model_parent (db, m1, m3, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_true (stva_db_model_parent (db, m1, &parent, &error));
  g_assert_cmpint (parent, ==, 0);
  /* missing models */
  g_assert_false (stva_db_set_model_parent (db, m1, 999, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (stva_db_set_model_parent (db, 999, m1, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (stva_db_model_parent (db, 999, &parent, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* cleared with 0 */
  g_assert_true (stva_db_set_model_parent (db, m3, 0, &error));
  g_assert_true (stva_db_model_parent (db, m3, &parent, &error));
  g_assert_cmpint (parent, ==, 0);
  stva_db_close (db);
  g_assert_cmpint (dbt_query_int (path, "SELECT parent_id FROM model WHERE name = 'm2'"), ==, m1);
  g_assert_cmpint (dbt_query_int (path, "SELECT count (*) FROM pragma_foreign_key_list ('model') "
                                        "WHERE \"from\" = 'parent_id' AND \"table\" = 'model'"),
                   ==, 1);
  dbt_rm_rf (dir);
}

/* The file a model was registered from: recorded, read back, forgotten; listed with the set's
 * models, newest first; a missing model named. */
static void
test_model_path (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  gint64 m1 = stva_db_add_model (db, "m1", "h1", 1, NULL, "{\"dev\": {}}", &error);
  gint64 m2 = stva_db_add_model (db, "m2", "h2", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stva_db_model_path (db, m1, &error));   /* none recorded: no error */
  g_assert_no_error (error);
  g_assert_true (stva_db_set_model_path (db, m1, "/models/m1.stvm", &error));
  g_autofree char *got = stva_db_model_path (db, m1, &error);
  g_assert_cmpstr (got, ==, "/models/m1.stvm");
  g_autofree char *hash = stva_db_model_hash (db, m1, &error);
  g_assert_cmpstr (hash, ==, "h1");
  g_autoptr (GPtrArray) models = stva_db_models (db, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 2);
  const StvaDbModel *newest = g_ptr_array_index (models, 0);
  const StvaDbModel *oldest = g_ptr_array_index (models, 1);
  g_assert_cmpint (newest->id, ==, m2);
  g_assert_null (newest->path);
  g_assert_cmpstr (newest->metrics, ==, "{}");
  g_assert_cmpint (oldest->id, ==, m1);
  g_assert_cmpstr (oldest->path, ==, "/models/m1.stvm");
  g_autoptr (GPtrArray) none = stva_db_models (db, 2, &error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (stva_db_set_model_path (db, m1, NULL, &error));
  g_assert_null (stva_db_model_path (db, m1, &error));
  g_assert_no_error (error);
  g_assert_false (stva_db_set_model_path (db, 999, "/x", &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (stva_db_model_path (db, 999, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

static void
test_attention (void)
{
  float a[6] = { 0.1f, 0.2f, 0.7f, 0.5f, 0.25f, 0.25f }, b[2] = { 1.0f, -0.0f };
  StvaDbAttnMap maps[2] = {
    { .name = (char *) "caf.T<-A", .rows = 2, .cols = 3, .data = a },
    { .name = (char *) "graph.TV.l0", .rows = 1, .cols = 2, .data = b },
  };
  g_autoptr (GBytes) blob = stva_db_attention_pack (maps, 2);
  gsize n;
  const guint8 *data = g_bytes_get_data (blob, &n);
  g_assert_cmpuint (n, ==, 12 + (2 + 8 + 8 + 24) + (2 + 11 + 8 + 8));
  g_assert_cmpmem (data, 4, "SATN", 4);
  GError *error = NULL;
  g_autoptr (GPtrArray) back = stva_db_attention_unpack (data, n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  StvaDbAttnMap *m = g_ptr_array_index (back, 0);
  g_assert_cmpstr (m->name, ==, "caf.T<-A");
  g_assert_cmpuint (m->rows, ==, 2);
  g_assert_cmpmem (m->data, sizeof a, a, sizeof a);
  /* every shorter blob and a longer one are refused */
  for (gsize len = 0; len < n; len++)
    {
      GPtrArray *bad = stva_db_attention_unpack (data, len, &error);
      g_assert_null (bad);
      g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_autofree guint8 *longer = g_malloc0 (n + 1);
  memcpy (longer, data, n);
  g_assert_null (stva_db_attention_unpack (longer, n + 1, &error));
  g_clear_error (&error);
  /* a huge declared shape is refused before any allocation */
  guint8 huge[12 + 2 + 1 + 8] = "SATN\1\0\0\0\1\0\0\0\1\0x\xff\xff\xff\x7f\xff\xff\xff\x7f";
  g_assert_null (stva_db_attention_unpack (huge, sizeof huge, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/open/create", test_create);
  g_test_add_func ("/db/open/refuse", test_refuse);
  g_test_add_func ("/db/open/truncated", test_truncated);
  for (int v = 1; v <= N_OLD_VERSIONS; v++)
    {
      g_autofree char *name = g_strdup_printf ("/db/migrate/from-v%d", v);
      g_test_add_data_func (name, GINT_TO_POINTER (v), test_migrate_fixture);
    }
  g_test_add_func ("/db/migrate/atomic", test_migrate_atomic);
  g_test_add_func ("/db/model/parent", test_model_parent);
  g_test_add_func ("/db/model/path", test_model_path);
  g_test_add_func ("/db/attention/blob", test_attention);
  return g_test_run ();
}
