/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reliability: a child process importing a corpus, or making a burst of corrections with undo
 * and redo, is killed with SIGKILL at random moments.  Afterwards the project passes
 * PRAGMA integrity_check and foreign_key_check, an import is there whole or not at all, and
 * every correction the child saw committed is in the log with the label it wrote.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "db-test.h"

typedef struct
{
  gint64 event_id;
  gint64 utterance_id;
  gint64 new_label_id;   /* as the child expects it in the log */
} Record;

/* Writes a corpus of n_dialogues × 10 utterances (train only). */
static void
write_big_corpus (const char *dir,
                  int         n_dialogues)
{
  g_mkdir_with_parents (dir, 0755);
  GString *s = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,"
                             "Utterance_ID,Season,Episode,StartTime,EndTime\r\n");
  int sr = 1;
  for (int d = 0; d < n_dialogues; d++)
    for (int u = 0; u < 10; u++, sr++)
      g_string_append_printf (s, "%d,\"Line %d, of dialogue %d.\",Speaker%d,%s,neutral,%d,%d,"
                              "1,1,\"00:00:%02d,000\",\"00:00:%02d,500\"\r\n", sr, u, d, u % 3,
                              STVA_MELD_EMOTIONS[(d + u) % 7], d, u, u, u);
  g_autofree char *path = g_build_filename (dir, "train_sent_emo.csv", NULL);
  g_file_set_contents (path, s->str, (gssize) s->len, NULL);
  g_string_free (s, TRUE);
}

static void
remove_project (const char *path)
{
  g_unlink (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
}

static void
check_project (const char *path)
{
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (db, &error));
  g_assert_no_error (error);
  stva_db_close (db);
}

/* Kills pid after delay_us and reaps it. */
static void
kill_after (pid_t  pid,
            gint64 delay_us)
{
  g_usleep ((gulong) delay_us);
  kill (pid, SIGKILL);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

static void
test_import_killed (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "big", NULL);
  write_big_corpus (corpus, 200);
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);

  GRand *rand = g_rand_new_with_seed (5);
  int n_whole = 0, n_empty = 0;
  /* how long a child takes to open the project and import, to spread the kills over it */
  GError *error = NULL;
  StvaDb *db = NULL;
  gint64 span = 0;
  for (int round = -1; round < 10; round++)
    {
      remove_project (path);
      db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
      g_assert_no_error (error);
      stva_db_close (db);
      gint64 t0 = g_get_monotonic_time ();
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          StvaDb *child = stva_db_open (path, STVA_DB_OPEN_EXISTING, NULL);
          gboolean ok = child && stva_db_import_meld (child, corpus, NULL, NULL);
          _exit (ok ? 0 : 3);
        }
      if (round < 0)
        {
          int status = 0;
          g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
          g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
          span = g_get_monotonic_time () - t0;
          g_test_message ("child importing 2000 rows: %.1f ms", span / 1000.0);
          g_assert_cmpint (dbt_query_int (path, "SELECT count(*) FROM utterance"), ==, 2000);
          continue;
        }
      kill_after (pid, g_rand_int_range (rand, 0, (gint32) (span * 5 / 4 + 1)));
      check_project (path);
      gint64 n = dbt_query_int (path, "SELECT count(*) FROM utterance");
      gint64 g = dbt_query_int (path, "SELECT count(*) FROM gold_label");
      gint64 runs = dbt_query_int (path, "SELECT count(*) FROM import_run");
      g_assert_true (n == 0 || n == 2000);   /* all or nothing */
      g_assert_cmpint (g, ==, n);
      g_assert_cmpint (runs, ==, n ? 1 : 0);
      if (n)
        n_whole++;
      else
        n_empty++;
    }
  g_test_message ("import killed 10 times: %d whole, %d empty", n_whole, n_empty);
  g_rand_free (rand);
  dbt_rm_rf (dir);
}

static void
corrections_child (const char *path,
                   int         fd,
                   guint32     seed)
{
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_EXISTING, NULL);
  if (db == NULL)
    _exit (3);
  StvaDbLabelSet *set = stva_db_label_set (db, "meld", NULL);
  gint64 annotator = stva_db_annotator (db, "alice", NULL, NULL);
  GArray *utts = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *dialogues = stva_db_dialogues (db, set->id, NULL);
  for (guint d = 0; d < dialogues->len; d++)
    {
      GPtrArray *u = stva_db_utterances (db, ((StvaDbDialogue *) dialogues->pdata[d])->id,
                                         set->id, 0, NULL);
      for (guint i = 0; i < u->len; i++)
        g_array_append_val (utts, ((StvaDbUtterance *) u->pdata[i])->id);
      g_ptr_array_unref (u);
    }
  GRand *rand = g_rand_new_with_seed (seed);
  for (;;)
    {
      int what = g_rand_int_range (rand, 0, 10);
      Record r = { 0 };
      if (what < 7)
        {
          r.utterance_id = g_array_index (utts, gint64,
                                          g_rand_int_range (rand, 0, (gint32) utts->len));
          const StvaDbLabel *l = g_ptr_array_index (set->labels,
                                                    (guint) g_rand_int_range (rand, 0, 7));
          r.new_label_id = l->id;
          r.event_id = stva_db_set_label (db, r.utterance_id, set->id, annotator, l->id, 0, NULL,
                                          NULL);
        }
      else if (what < 9)
        r.event_id = stva_db_undo (db, annotator, set->id, NULL);
      else
        r.event_id = stva_db_redo (db, annotator, set->id, NULL);
      if (r.event_id == 0)
        continue;
      /* committed: tell the parent what the log must now hold */
      if (write (fd, &r, sizeof r) != (ssize_t) sizeof r)
        _exit (4);
    }
}

/* Every event id in seen is in the log, and each set in sets holds its utterance and label. */
static void
check_events (const char *path,
              GArray     *seen,
              GArray     *sets)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT kind, utterance_id, new_label_id FROM "
                                          "correction WHERE id = :id", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  for (guint i = 0; i < seen->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (seen, gint64, i));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    }
  for (guint i = 0; i < sets->len; i++)
    {
      const Record *r = &g_array_index (sets, Record, i);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r->event_id);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "set");
      g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, r->utterance_id);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 2), ==, r->new_label_id);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (h);
}

static void
test_corrections_killed (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  g_autofree char *path = g_build_filename (dir, "p.stva", NULL);
  GError *error = NULL;
  StvaDb *db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  stva_db_close (db);

  GRand *rand = g_rand_new_with_seed (7);
  GArray *seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *sets = g_array_new (FALSE, FALSE, sizeof (Record));
  for (int round = 0; round < 15; round++)
    {
      int fds[2];
      g_assert_cmpint (pipe (fds), ==, 0);
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          corrections_child (path, fds[1], (guint32) round + 100);
        }
      close (fds[1]);
      kill_after (pid, g_rand_int_range (rand, 2000, 60000));
      Record r;
      ssize_t n;
      while ((n = read (fds[0], &r, sizeof r)) == (ssize_t) sizeof r)
        {
          g_array_append_val (seen, r.event_id);
          if (r.utterance_id != 0)
            g_array_append_val (sets, r);
        }
      g_assert_cmpint (n, ==, 0);   /* whole records only */
      close (fds[0]);
      check_project (path);
      /* every event the child saw committed, in this and earlier rounds, is in the log */
      gint64 total = dbt_query_int (path, "SELECT count(*) FROM correction");
      g_assert_cmpint (total, >=, seen->len);
      g_assert_cmpint (total, <=, seen->len + round + 1);   /* at most one unreported per kill */
      check_events (path, seen, sets);
    }
  /* the log still replays: undo and redo work on what the kills left */
  db = stva_db_open (path, STVA_DB_OPEN_EXISTING, &error);
  gint64 alice = stva_db_annotator (db, "alice", NULL, &error);
  stva_db_undo (db, alice, 1, &error);
  g_assert_no_error (error);
  stva_db_redo (db, alice, 1, &error);
  g_assert_no_error (error);
  stva_db_close (db);
  g_array_unref (sets);
  g_test_message ("%u committed corrections survived 15 kills", seen->len);
  g_assert_cmpuint (seen->len, >, 0);
  g_array_unref (seen);
  g_rand_free (rand);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/crash/import", test_import_killed);
  g_test_add_func ("/db/crash/corrections", test_corrections_killed);
  return g_test_run ();
}
