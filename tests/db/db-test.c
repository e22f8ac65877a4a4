/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the db tests (see db-test.h).
 */
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "db-test.h"

char *
dbt_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("stva-db-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
dbt_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          dbt_rm_rf (child);
        }
      if (d != NULL)
        g_dir_close (d);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0755);
  GError *error = NULL;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

#define HEADER "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season," \
               "Episode,StartTime,EndTime\r\n"

void
dbt_write_meld (const char *dir)
{
  write_file (dir, "train_sent_emo.csv", HEADER
    "1,\"Oh my God, he\xe2\x80\x99s lost it.\",Monica,surprise,negative,0,0,1,1,"
      "\"00:00:00,100\",\"00:00:02,000\"\r\n"
    "2,\"He said \"\"fine\"\".\",Joey,neutral,neutral,0,1,1,1,\"00:00:02,200\",\"00:00:03,500\"\r\n"
    "3,\"Two lines,\r\nhere\",Monica,anger,negative,0,2,1,1,\"00:00:03,600\",\"00:00:05,000\"\r\n"
    "4,Great.,Rachel,joy,positive,1,0,2,5,\"00:10:00,000\",\"00:10:01,250\"\r\n"
    "5,No.,Ross,sadness,negative,1,1,2,5,\"00:10:01,500\",\"00:10:02,000\"\r\n");
  write_file (dir, "dev_sent_emo.csv", HEADER
    "1,What?,Phoebe,surprise,positive,0,0,3,2,\"00:00:01,000\",\"00:00:01,500\"\r\n"
    "2,Eww.,Chandler,disgust,negative,0,1,3,2,\"00:00:01,700\",\"00:00:02,900\"\r\n");
  write_file (dir, "test_sent_emo.csv", HEADER
    "1,I'm scared.,Joey,fear,negative,3,0,4,7,\"00:00:00,000\",\"00:00:01,000\"\r\n"
    "2,Okay.,Ross,neutral,neutral,3,1,4,7,\"00:00:01,100\",\"00:00:02,000\"\r\n");
  static const char *const clips[] = {
    "train_splits/dia0_utt0.mp4", "train_splits/dia0_utt1.mp4", "train_splits/dia0_utt2.mp4",
    "train_splits/dia1_utt0.mp4", "dev_splits_complete/dia0_utt0.mp4",
    "dev_splits_complete/dia0_utt1.mp4", "output_repeated_splits_test/dia3_utt0.mp4",
    "output_repeated_splits_test/dia3_utt1.mp4", "dialogues/train/dia0.mp4",
    "dialogues/train/dia1.mp4",
  };
  for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
    write_file (dir, clips[i], "not really a video");
}

StvaDb *
dbt_open (const char *dir,
          const char *name)
{
  g_autofree char *file = g_strconcat (name, ".stva", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

gint64
dbt_query_int (const char *db_path,
               const char *sql)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db_path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (h, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (h));
  gint64 v = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_finalize (stmt);
  sqlite3_close (h);
  return v;
}

void
dbt_fixture_setup (DbtFixture    *f,
                   gconstpointer  data)
{
  f->dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (f->dir, "meld", NULL);
  dbt_write_meld (corpus);
  f->db = dbt_open (f->dir, "p");
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (f->db, corpus, NULL, &error));
  f->set = stva_db_label_set (f->db, "meld", &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (f->db, f->set->id, &error);
  guint n = 0;
  for (guint d = 0; d < dialogues->len; d++)
    {
      StvaDbDialogue *dia = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) u = stva_db_utterances (f->db, dia->id, f->set->id, 0, &error);
      for (guint i = 0; i < u->len; i++, n++)
        {
          StvaDbUtterance *row = g_ptr_array_index (u, i);
          g_assert_cmpuint (n, <, DBT_N_UTTERANCES);
          f->utt[n] = row->id;
          f->dia[n] = dia->id;
          f->gold[n] = stva_db_label_set_by_label (f->set, row->gold_label_id)->idx;
        }
    }
  g_assert_cmpuint (n, ==, DBT_N_UTTERANCES);
  if (data != NULL)
    ((const DbtFixtureStep *) data)->run (f);
}

void
dbt_fixture_teardown (DbtFixture    *f,
                      gconstpointer  data)
{
  stva_db_label_set_free (f->set);
  stva_db_close (f->db);
  dbt_rm_rf (f->dir);
  g_free (f->dir);
}
