/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Projects from someone else are untrusted input.  Each test makes a real project through the
 * API, forges it with raw SQLite calls (as anyone with the sqlite3 shell could), and checks that
 * opening, reading or merging it is refused or contained: a clear message naming the file and
 * what is wrong, PRAGMA integrity_check still "ok", and nothing written to the forged file nor
 * beside it.
 */
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "db-test.h"
#include "stva-db-private.h"   /* the connection, to check its settings */

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

/* ---- helpers ------------------------------------------------------------------------------ */

/* Runs sql on path through a plain connection: the forger's tool. */
static void
forge (const char *path,
       const char *sql)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (path, &h), ==, SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec (h, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("forging with '%s': %s", sql, msg);
  sqlite3_close (h);
}

static char *
project_path (Fixture *f)
{
  return g_build_filename (f->dir, "p.stva", NULL);
}

/* Closes the fixture's connection, so that the file is whole (no -wal beside it). */
static void
close_project (Fixture *f)
{
  g_clear_pointer (&f->db, stva_db_close);
  g_autofree char *path = project_path (f);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The file's SHA-256 and the names in its folder: what must not change. */
static char *
snapshot (const char *path)
{
  g_autofree char *data = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  GString *s = g_string_new (NULL);
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) data, n);
  g_string_append (s, sum);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (s, " %s", (const char *) names->pdata[i]);
  return g_string_free (s, FALSE);
}

static void
assert_integrity (const char *path)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (h);
}

static void
assert_says (const GError *error,
             const char   *a,
             const char   *b)
{
  g_assert_nonnull (error);
  if (strstr (error->message, a) == NULL || (b != NULL && strstr (error->message, b) == NULL))
    g_error ("'%s' does not say '%s' and '%s'", error->message, a, b ? b : "");
}

/* path refused by stva_db_open with code, a message naming it and words; the file and its
 * folder as they were. */
static void
assert_refused (const char *path,
                int         code,
                const char *words)
{
  g_autofree char *before = snapshot (path);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_null (db);
  g_assert_error (error, STVA_DB_ERROR, code);
  assert_says (error, path, words);
  g_error_free (error);
  g_autofree char *after = snapshot (path);
  g_assert_cmpstr (before, ==, after);
  assert_integrity (path);
}

/* ---- the connection ----------------------------------------------------------------------- */

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  int v = -1;
  g_assert_cmpint (sqlite3_db_config (f->db->handle, SQLITE_DBCONFIG_DEFENSIVE, -1, &v), ==,
                   SQLITE_OK);
  g_assert_cmpint (v, ==, 1);
  g_assert_cmpint (sqlite3_db_config (f->db->handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &v), ==,
                   SQLITE_OK);
  g_assert_cmpint (v, ==, 0);
  g_assert_cmpint (sqlite3_db_config (f->db->handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1,
                                      &v), ==, SQLITE_OK);
  g_assert_cmpint (v, ==, 0);
  g_assert_cmpint (sqlite3_limit (f->db->handle, SQLITE_LIMIT_LENGTH, -1), ==, 256 << 20);
  g_assert_cmpint (sqlite3_limit (f->db->handle, SQLITE_LIMIT_ATTACHED, -1), ==, 2);
  g_assert_cmpint (sqlite3_limit (f->db->handle, SQLITE_LIMIT_SQL_LENGTH, -1), ==, 1 << 20);
  /* what defensive mode is for: the schema cannot be written around SQLite's checks */
  GError *error = NULL;
  g_assert_true (_stva_db_exec (f->db, "PRAGMA writable_schema = ON", &error));
  g_assert_false (_stva_db_exec (f->db, "UPDATE sqlite_schema SET sql = 'x' WHERE name = 'label'",
                                 &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE);
  g_clear_error (&error);
  g_assert_false (_stva_db_exec (f->db, "SELECT load_extension ('/nonexistent.so')", &error));
  g_clear_error (&error);
  g_assert_true (stva_db_check (f->db, &error));
}

/* ---- forged schemas ----------------------------------------------------------------------- */

static const struct
{
  const char *sql;
  const char *words;
} forgeries[] = {
  { "CREATE TRIGGER evil AFTER INSERT ON correction BEGIN DELETE FROM gold_label; END",
    "trigger 'evil'" },
  { "CREATE VIEW label_view AS SELECT * FROM label", "view 'label_view'" },
  { "DROP TRIGGER correction_append_only_update; CREATE TRIGGER correction_append_only_update "
    "BEFORE UPDATE ON correction BEGIN SELECT 1; END",
    "trigger 'correction_append_only_update' is not the one" },
  { "CREATE TABLE notes (x)", "table 'notes'" },
  { "CREATE INDEX utterance_speaker ON utterance (speaker)", "index 'utterance_speaker'" },
  { "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace (sql, "
    "'DEFAULT ''''', 'DEFAULT (random ())') WHERE name = 'label_set'",
    "table 'label_set' is not the one" },
  { "PRAGMA application_id = 7", "not a Sync-TVA project" },
};

static void
test_forged_schema (Fixture       *f,
                    gconstpointer  data)
{
  close_project (f);
  g_autofree char *path = project_path (f);
  g_autofree char *pristine = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &pristine, &n, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (forgeries); i++)
    {
      g_assert_true (g_file_set_contents (path, pristine, (gssize) n, NULL));
      forge (path, forgeries[i].sql);
      assert_refused (path, STVA_DB_ERROR_NOT_PROJECT, forgeries[i].words);
    }
  /* the pristine project opens, and so does one someone ran ANALYZE on (SQLite's statistics
   * tables, as SQLite makes them) */
  g_assert_true (g_file_set_contents (path, pristine, (gssize) n, NULL));
  forge (path, "ANALYZE");
  g_assert_cmpint (dbt_query_int (path, "SELECT count (*) FROM sqlite_schema WHERE name = "
                                        "'sqlite_stat1'"), ==, 1);
  GError *error = NULL;
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (f->db, &error));
}

/* An older project is checked before its migration runs: a trigger that would fire on the
 * migration's writes is refused and the file stays at its version. */
static void
test_forged_old_version (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.stva", NULL);
  GError *error = NULL;
  StvaDb *db = _stva_db_open_at (path, STVA_DB_OPEN_CREATE, 2, &error);
  g_assert_no_error (error);
  stva_db_close (db);
  forge (path, "CREATE TRIGGER evil AFTER INSERT ON label BEGIN DELETE FROM label_set; END");
  assert_refused (path, STVA_DB_ERROR_NOT_PROJECT, "trigger 'evil'");
  g_assert_cmpint (dbt_query_int (path, "PRAGMA user_version"), ==, 2);
  dbt_rm_rf (dir);
}

/* merge opens each input with the same checks, and checks it again once attached */
static void
test_forged_merge_input (Fixture       *f,
                         gconstpointer  data)
{
  close_project (f);
  g_autofree char *path = project_path (f);
  g_autofree char *input = g_build_filename (f->dir, "input.stva", NULL);
  g_autofree char *out_dir = g_build_filename (f->dir, "merged", NULL);   /* apart: snapshot */
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  g_autofree char *out = g_build_filename (out_dir, "out.stva", NULL);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &n, NULL));
  g_assert_true (g_file_set_contents (input, bytes, (gssize) n, NULL));
  forge (input, "CREATE TRIGGER evil AFTER INSERT ON correction BEGIN DELETE FROM label; END");
  g_autofree char *before = snapshot (input);

  GError *error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (out, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  const char *inputs[] = { path, input };
  StvaDbMergeReport report;
  g_assert_false (stva_db_merge (db, inputs, 2, &report, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT);
  assert_says (error, input, "trigger 'evil'");
  g_clear_error (&error);
  g_assert_cmpuint (report.n_inputs, ==, 0);   /* refused before anything was merged */
  stva_db_merge_report_clear (&report);
  g_assert_cmpint (dbt_query_int (out, "SELECT count (*) FROM utterance"), ==, 0);
  g_autofree char *after = snapshot (input);
  g_assert_cmpstr (before, ==, after);
  assert_integrity (input);
  g_assert_true (stva_db_check (db, &error));
}

/* ---- absurd blobs ------------------------------------------------------------------------- */

static void
test_feature_sizes (Fixture       *f,
                    gconstpointer  data)
{
  GError *error = NULL;
  const float x[4] = { 1, 2, 3, 4 };
  for (int i = 0; i < DBT_N_UTTERANCES; i++)
    g_assert_true (stva_db_put_feature (f->db, f->utt[i], "audio", "a", "1", x, 4, &error));
  g_assert_false (stva_db_put_feature (f->db, f->utt[0], "audio", "a", "1", x, 0, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  close_project (f);
  g_autofree char *path = project_path (f);
  static const char *const forged[] = {
    /* a dim of 2^30 on a 16-byte blob: a dataset would allocate 4 GiB per utterance */
    "dim = 1073741824",
    "data = x'00000000'",
    "dim = -4",
  };
  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE feature SET %s WHERE utterance_id = %"
                                              G_GINT64_FORMAT, forged[i], f->utt[3]);
      g_autofree char *all = g_strconcat ("PRAGMA ignore_check_constraints = ON; ", sql, NULL);
      forge (path, all);
      g_autofree char *before = snapshot (path);
      f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
      g_assert_no_error (error);
      g_autofree char *utt = g_strdup_printf ("utterance %" G_GINT64_FORMAT, f->utt[3]);
      g_assert_null (stva_db_feature (f->db, f->utt[3], "audio", &error));
      g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT);
      assert_says (error, path, utt);
      g_clear_error (&error);
      g_assert_null (stva_db_dataset (f->db, f->set->id, FALSE, NULL, &error));
      g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT);
      assert_says (error, path, utt);
      g_clear_error (&error);
      /* the other rows still read */
      g_autoptr (GArray) ok = stva_db_feature (f->db, f->utt[4], "audio", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ok->len, ==, 4);
      close_project (f);
      g_autofree char *after = snapshot (path);
      g_assert_cmpstr (before, ==, after);
      assert_integrity (path);
      /* mended for the next forgery */
      g_autofree char *mend = g_strdup_printf (
        "UPDATE feature SET dim = 4, data = x'0000803f0000004000004040" "00008040' "
        "WHERE utterance_id = %" G_GINT64_FORMAT, f->utt[3]);
      forge (path, mend);
    }
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  StvaDataset *ds = stva_db_dataset (f->db, f->set->id, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->F[STVA_MOD_A], ==, 4);
  stva_dataset_free (ds);
}

/* An attention blob: magic, version, one map called "x" of rows × cols, then n_values floats. */
static GBytes *
attention_claiming (guint32 rows,
                    guint32 cols,
                    guint   n_values)
{
  GByteArray *b = g_byte_array_new ();
  guint32 head[3] = { 0, GUINT32_TO_LE (1), GUINT32_TO_LE (1) };
  memcpy (head, "SATN", 4);
  g_byte_array_append (b, (const guint8 *) head, 12);
  guint16 len = GUINT16_TO_LE (1);
  g_byte_array_append (b, (const guint8 *) &len, 2);
  g_byte_array_append (b, (const guint8 *) "x", 1);
  guint32 shape[2] = { GUINT32_TO_LE (rows), GUINT32_TO_LE (cols) };
  g_byte_array_append (b, (const guint8 *) shape, 8);
  for (guint i = 0; i < n_values; i++)
    {
      float v = 0.5f;
      g_byte_array_append (b, (const guint8 *) &v, 4);
    }
  return g_byte_array_free_to_bytes (b);
}

static void
test_prediction_sizes (Fixture       *f,
                       gconstpointer  data)
{
  GError *error = NULL;
  gint64 model = stva_db_add_model (f->db, "m", "hash-m", f->set->id, NULL, NULL, &error);
  g_assert_no_error (error);
  const float p[7] = { 0.1f, 0.5f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f };
  const float beta[3] = { 0.2f, 0.3f, 0.5f };
  g_autoptr (GBytes) good = attention_claiming (1, 2, 2);
  for (int i = 0; i < DBT_N_UTTERANCES; i++)
    g_assert_true (stva_db_put_prediction (f->db, model, f->utt[i], p, 7, beta, good, &error));
  /* the writer refuses the absurd attention blobs itself */
  g_autoptr (GBytes) huge = attention_claiming (65536, 32768, 0);   /* 2^31 values */
  g_autoptr (GBytes) short_ = attention_claiming (4096, 4096, 2);   /* 2^24, 8 bytes of them */
  g_assert_false (stva_db_put_prediction (f->db, model, f->utt[0], p, 7, NULL, huge, &error));
  assert_says (error, "above the limit", NULL);
  g_clear_error (&error);
  close_project (f);
  g_autofree char *path = project_path (f);
  static const struct
  {
    const char *set;
    const char *words;
  } forged[] = {
    { "probs = x'0000'", "2 bytes of probabilities for the 7 classes" },
    { "probs = zeroblob (4 * 7000)", "28000 bytes of probabilities" },
    { "beta = x'01020304'", "modality strengths" },
    { "label_id = 9999", "its label" },
    { "attention = :huge", "above the limit" },
    { "attention = :short", "runs past its end" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      /* forged through a statement, to bind the blobs */
      sqlite3 *h = NULL;
      g_assert_cmpint (sqlite3_open (path, &h), ==, SQLITE_OK);
      g_autofree char *sql = g_strdup_printf ("UPDATE prediction SET %s WHERE utterance_id = %"
                                              G_GINT64_FORMAT, forged[i].set, f->utt[2]);
      sqlite3_stmt *stmt = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (h, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      int at = sqlite3_bind_parameter_index (stmt, ":huge");
      if (at > 0)
        sqlite3_bind_blob (stmt, at, g_bytes_get_data (huge, NULL), (int) g_bytes_get_size (huge),
                           SQLITE_STATIC);
      at = sqlite3_bind_parameter_index (stmt, ":short");
      if (at > 0)
        sqlite3_bind_blob (stmt, at, g_bytes_get_data (short_, NULL),
                           (int) g_bytes_get_size (short_), SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
      sqlite3_close (h);

      g_autofree char *before = snapshot (path);
      f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
      g_assert_no_error (error);
      g_assert_null (stva_db_prediction (f->db, model, f->utt[2], &error));
      g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
      g_autofree char *utt = g_strdup_printf ("%s: utterance %" G_GINT64_FORMAT ":", path,
                                              f->utt[2]);
      assert_says (error, utt, forged[i].words);
      g_clear_error (&error);
      /* contained everywhere else: the dialogue, the review queue and the exports still read */
      g_autoptr (GPtrArray) utts = stva_db_utterances (f->db, f->dia[2], f->set->id, model,
                                                       &error);
      g_assert_no_error (error);
      g_autoptr (GArray) queue = stva_db_review_queue (f->db, f->set->id, model,
                                                       STVA_DB_QUEUE_ENTROPY, FALSE, 0, &error);
      g_assert_no_error (error);
      g_autofree char *csv = g_build_filename (f->dir, "out.csv", NULL);
      g_assert_true (stva_db_export_csv (f->db, f->set->id, model, csv, &error));
      g_assert_no_error (error);
      g_assert_true (g_unlink (csv) == 0);
      StvaDbPrediction *other = stva_db_prediction (f->db, model, f->utt[3], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (other->K, ==, 7);
      stva_db_prediction_free (other);
      close_project (f);
      g_autofree char *after = snapshot (path);
      g_assert_cmpstr (before, ==, after);
      assert_integrity (path);
      /* mended by storing it again */
      f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
      g_assert_true (stva_db_put_prediction (f->db, model, f->utt[2], p, 7, beta, good, &error));
      g_assert_no_error (error);
      close_project (f);
    }
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
}

/* Labels that are not the set's: a gold label of another set, an event's label that does not
 * exist.  stva_db_check names the broken reference; every reader carries on. */
static void
test_foreign_labels (Fixture       *f,
                     gconstpointer  data)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", "human", &error);
  const StvaDbLabel *joy = stva_db_label_set_find (f->set, "joy");
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[1], f->set->id, alice, joy->id, 0, NULL,
                                      &error), >, 0);
  const float p[7] = { 0.1f, 0.5f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f };
  gint64 model = stva_db_add_model (f->db, "m", "hash-m", f->set->id, NULL, NULL, &error);
  for (int i = 0; i < DBT_N_UTTERANCES; i++)
    g_assert_true (stva_db_put_prediction (f->db, model, f->utt[i], p, 7, NULL, NULL, &error));
  close_project (f);
  g_autofree char *path = project_path (f);
  g_autofree char *sql = g_strdup_printf (
    "PRAGMA foreign_keys = OFF;"
    "UPDATE gold_label SET label_id = (SELECT min (id) FROM label WHERE label_set_id = 2) "
    "WHERE utterance_id = %" G_GINT64_FORMAT ";"
    "INSERT INTO correction (utterance_id, label_set_id, annotator_id, kind, new_label_id, "
    "created_us) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", "
    "'set', 99999, 1)", f->utt[0], f->utt[2], f->set->id, alice);
  forge (path, sql);
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);   /* apart: snapshot */
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  g_autofree char *before = snapshot (path);
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_false (stva_db_check (f->db, &error));
  assert_says (error, path, "foreign key check failed");
  g_clear_error (&error);
  g_autofree char *csv = g_build_filename (out_dir, "a.csv", NULL);
  g_autofree char *jsonl = g_build_filename (out_dir, "a.jsonl", NULL);
  g_autofree char *eaf = g_build_filename (out_dir, "a.eaf", NULL);
  g_assert_true (stva_db_export_csv (f->db, f->set->id, model, csv, &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_export_jsonl (f->db, f->set->id, model, jsonl, &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_export_eaf (f->db, f->dia[0], f->set->id, model, eaf, &error));
  g_assert_no_error (error);
  g_autoptr (GPtrArray) stats = stva_db_class_stats (f->db, f->set->id, model, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) queue = stva_db_review_queue (f->db, f->set->id, model,
                                                   STVA_DB_QUEUE_MODEL_DISAGREEMENT, FALSE, 0,
                                                   &error);
  g_assert_no_error (error);
  StvaDbAgreement a;
  if (stva_db_agreement (f->db, f->set->id, TRUE, model, &a, &error))
    stva_db_agreement_clear (&a);
  g_clear_error (&error);   /* too few raters is an answer too; what matters is no crash */
  StvaDataset *ds = stva_db_dataset (f->db, f->set->id, TRUE, NULL, &error);
  g_clear_error (&error);
  stva_dataset_free (ds);
  close_project (f);
  g_autofree char *after = snapshot (path);
  g_assert_cmpstr (before, ==, after);   /* reading wrote nothing */
  assert_integrity (path);
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
}

/* ---- media paths and models --------------------------------------------------------------- */

static void
test_media_paths (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *inside = g_build_filename (f->dir, "meld", "train_splits", "x.mp4", NULL);
  g_autofree char *link = g_build_filename (f->dir, "etc", NULL);
  g_assert_cmpint (symlink ("/etc", link), ==, 0);
  g_autofree char *through_link = g_build_filename (link, "passwd", NULL);
  g_autofree char *project = project_path (f);
  g_assert_true (stva_db_media_path_inside (f->db, inside));
  g_assert_true (stva_db_media_path_inside (f->db, "meld/dev_splits_complete/dia0_utt0.mp4"));
  g_assert_true (stva_db_media_path_inside (f->db, "./new/not-there-yet.mp4"));
  g_assert_false (stva_db_media_path_inside (f->db, "/etc/passwd"));
  g_assert_false (stva_db_media_path_inside (f->db, "../../x"));
  g_assert_false (stva_db_media_path_inside (f->db, "meld/../../x"));
  g_assert_false (stva_db_media_path_inside (f->db, through_link));   /* a link out */
  g_assert_false (stva_db_media_path_inside (f->db, "etc/passwd"));
  g_assert_false (stva_db_media_path_inside (f->db, project));        /* the project itself */
  g_assert_false (stva_db_media_path_inside (f->db, ""));

  /* a project pointing its media outside reads as usual (media are only read) */
  close_project (f);
  forge (project, "UPDATE media SET path = '/etc/passwd' WHERE id = (SELECT min (id) FROM media);"
                  "UPDATE media SET path = '../../x' WHERE id = (SELECT max (id) FROM media)");
  struct stat st_before, st_after;
  g_assert_cmpint (stat ("/etc/passwd", &st_before), ==, 0);
  GError *error = NULL;
  f->db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  int n_outside = 0;
  for (int i = 0; i < DBT_N_UTTERANCES; i++)
    {
      g_autoptr (GPtrArray) u = stva_db_utterances (f->db, f->dia[i], f->set->id, 0, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < u->len; j++)
        {
          const StvaDbUtterance *row = g_ptr_array_index (u, j);
          if (row->id == f->utt[i] && row->media_path != NULL
              && !stva_db_media_path_inside (f->db, row->media_path))
            n_outside++;
        }
    }
  g_assert_cmpint (n_outside, >=, 1);
  g_autofree char *csv = g_build_filename (f->dir, "out.csv", NULL);
  g_assert_true (stva_db_export_csv (f->db, f->set->id, 0, csv, &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_check (f->db, &error));
  g_assert_cmpint (stat ("/etc/passwd", &st_after), ==, 0);
  g_assert_cmpint (st_before.st_mtime, ==, st_after.st_mtime);
  g_assert_cmpint (st_before.st_size, ==, st_after.st_size);
  g_autofree char *outside = g_build_filename (f->dir, "..", "..", "x", NULL);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
}

static void
test_model_hash (Fixture       *f,
                 gconstpointer  data)
{
  GError *error = NULL;
  gint64 id = stva_db_add_model (f->db, "m.stvm", "0123abcd", f->set->id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_add_model (f->db, "m.stvm", "0123abcd", f->set->id, NULL, NULL,
                                      &error), ==, id);
  close_project (f);
  g_autofree char *path = project_path (f);
  g_autofree char *pristine = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &pristine, &n, NULL));
  /* the row with this file's hash says it has other classes */
  forge (path, "UPDATE model SET label_set_id = (SELECT id FROM label_set WHERE name = "
               "'iemocap-6')");
  f->db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stva_db_add_model (f->db, "m.stvm", "0123abcd", f->set->id, NULL, NULL,
                                      &error), ==, 0);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  assert_says (error, path, "'iemocap-6', but the file is used with label set 'meld'");
  g_clear_error (&error);
  const float p[7] = { 1, 0, 0, 0, 0, 0, 0 };
  g_assert_false (stva_db_put_prediction (f->db, id, f->utt[0], p, 7, NULL, NULL, &error));
  g_clear_error (&error);
  g_assert_true (stva_db_check (f->db, &error));

  /* a model file is the registered one only with the registered hash */
  g_autofree char *file = g_build_filename (f->dir, "m.stvm", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.stvm", NULL);
  g_assert_true (g_file_set_contents (file, "weights", -1, NULL));
  g_assert_true (g_file_set_contents (other, "weightz", -1, NULL));
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "weights", -1);
  gint64 real = stva_db_add_model (f->db, "m.stvm", sum, f->set->id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_model_check_file (f->db, real, file, &error));
  g_assert_no_error (error);
  g_assert_false (stva_db_model_check_file (f->db, real, other, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  assert_says (error, sum, "not the registered model file");
  assert_says (error, path, other);
  g_clear_error (&error);
  g_assert_false (stva_db_model_check_file (f->db, real + 100, file, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (f->dir, "missing.stvm", NULL);
  g_assert_false (stva_db_model_check_file (f->db, real, missing, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO);
  assert_says (error, missing, NULL);
  g_clear_error (&error);

  /* merging a project whose model of this hash has other classes is refused too */
  g_autofree char *input = g_build_filename (f->dir, "input.stva", NULL);
  g_assert_true (g_file_set_contents (input, pristine, (gssize) n, NULL));
  const char *inputs[] = { input };
  g_assert_false (stva_db_merge (f->db, inputs, 1, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  assert_says (error, input, "another label set");
  g_clear_error (&error);
  g_assert_true (stva_db_check (f->db, &error));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, dbt_fixture_setup, fn, dbt_fixture_teardown)
  ADD ("/db/hostile/settings", test_settings);
  ADD ("/db/hostile/forged-schema", test_forged_schema);
  g_test_add_func ("/db/hostile/forged-old-version", test_forged_old_version);
  ADD ("/db/hostile/forged-merge-input", test_forged_merge_input);
  ADD ("/db/hostile/feature-sizes", test_feature_sizes);
  ADD ("/db/hostile/prediction-sizes", test_prediction_sizes);
  ADD ("/db/hostile/foreign-labels", test_foreign_labels);
  ADD ("/db/hostile/media-paths", test_media_paths);
  ADD ("/db/hostile/model-hash", test_model_hash);
#undef ADD
  return g_test_run ();
}
