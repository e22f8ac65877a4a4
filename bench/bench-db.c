/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Speed of the project database (issue #5, "How fast"), measured in one run:
 *   import     MELD's three CSVs (13,708 rows: 9,989 train, 1,109 dev, 2,610 test, written
 *              here with MELD's columns and shapes) into a new project file, creation of the
 *              file included; goal < 1 s and <= 2x the `sqlite3` shell's `.import` of the same
 *              three files into a fresh file with a table of the same 11 columns (a child
 *              process, timed from spawn to exit, so its start-up counts against it: about a
 *              millisecond, printed)
 *   open+list  opening a project of 100,000 utterances (10,000 dialogues, 20,000 corrections)
 *              and listing one dialogue's utterances with their labels; goal < 50 ms
 *   burst      1,000 corrections, each its own transaction (as the studio commits them);
 *              goal < 1 s
 * Each contender runs --reps times, alternating, and the median is reported (wall clock, with
 * CPU time beside it: user + system, the child's for sqlite3).  Lines starting with "RESULT"
 * are for bench/run-db-bench.sh.
 * --only import|scale runs one part (for profiling); --keep DIR keeps the corpus and the
 * sqlite3 script there; --import-once CORPUS PROJECT only imports (for counting instructions
 * under valgrind, as bench/run-db-bench.sh --instructions does).
 * usage: bench-db [--reps N] [--sqlite3 PATH] [--keep DIR] [--only import|scale]
 *        bench-db --import-once CORPUS PROJECT
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stva-db.h"
#include "stva-meld.h"

extern char **environ;

#define MAX_REPS 64

typedef struct
{
  double wall_s;
  double cpu_s;
} Time;

static void
die (const char *message)
{
  fprintf (stderr, "bench-db: %s\n", message);
  exit (1);
}

static double
wall_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static Time
median (const Time *t,
        int         n)
{
  double w[MAX_REPS], c[MAX_REPS];
  for (int i = 0; i < n; i++)
    w[i] = t[i].wall_s, c[i] = t[i].cpu_s;
  qsort (w, (size_t) n, sizeof *w, compare_double);
  qsort (c, (size_t) n, sizeof *c, compare_double);
  Time m = { n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]),
             n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]) };
  return m;
}

static void
remove_project (const char *path)
{
  const char *suffix[3] = { "", "-wal", "-shm" };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *p = g_strconcat (path, suffix[i], NULL);
      g_unlink (p);
    }
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_unlink (journal);
}

/* ---- the corpus --------------------------------------------------------------------------- */

static guint32 rng_state = 12345;

static guint32
rnd (guint32 n)
{
  rng_state = rng_state * 1664525u + 1013904223u;
  return (rng_state >> 8) % n;
}

static const char *const words[] = {
  "I", "you", "we", "know", "what", "oh", "my", "God", "that", "is", "so", "not", "really",
  "Ross", "Rachel", "Monica", "the", "a", "coffee", "apartment", "just", "can't", "believe",
  "okay", "yeah", "hey", "wait", "come", "on", "going", "to", "be", "fine", "there", "it's",
  "great", "no", "way", "why", "would", "do", "this", "tonight", "date", "guys", "well",
};
static const char *const speakers[] = {
  "Joey", "Ross", "Rachel", "Phoebe", "Monica", "Chandler", "Janice", "Mr. Geller", "Gunther",
};
static const char *const sentiments[] = { "neutral", "positive", "negative" };

/* One MELD CSV of n_rows rows in dialogues of 1 to 18 utterances (9.6 on average, as MELD's);
 * utterances of 2 to 20 words, some with a comma, a quote or "..." so the CSV quotes them. */
static void
write_meld_csv (const char *path,
                int         n_rows,
                int        *sr_no)
{
  GString *s = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,"
                             "Utterance_ID,Season,Episode,StartTime,EndTime\r\n");
  int dia = 0, utt = 0, len = 1 + (int) rnd (18);
  for (int r = 0; r < n_rows; r++)
    {
      if (utt == len)
        dia++, utt = 0, len = 1 + (int) rnd (18);
      GString *text = g_string_new (NULL);
      int n_words = 2 + (int) rnd (19);
      for (int w = 0; w < n_words; w++)
        g_string_append_printf (text, "%s%s", w ? " " : "",
                                words[rnd (G_N_ELEMENTS (words))]);
      gboolean comma = rnd (4) == 0, quote = rnd (8) == 0;
      g_string_append (text, comma ? ", you know..." : rnd (3) == 0 ? "?" : ".");
      int start_s = 60 + utt * 4;
      g_string_append_printf (s, "%d,%s%s%s%s,%s,%s,%s,%d,%d,%d,%d,\"00:%02d:%02d,%03d\","
                              "\"00:%02d:%02d,%03d\"\r\n", (*sr_no)++,
                              comma || quote ? "\"" : "", quote ? "\"\"" : "", text->str,
                              quote ? "\"\"\"" : comma ? "\"" : "",
                              speakers[rnd (G_N_ELEMENTS (speakers))],
                              STVA_MELD_EMOTIONS[rnd (7)], sentiments[rnd (3)], dia, utt,
                              1 + (int) rnd (9), 1 + (int) rnd (24), start_s / 60, start_s % 60,
                              (int) rnd (1000), (start_s + 3) / 60, (start_s + 3) % 60,
                              (int) rnd (1000));
      g_string_free (text, TRUE);
      utt++;
    }
  GError *error = NULL;
  if (!g_file_set_contents (path, s->str, (gssize) s->len, &error))
    die (error->message);
  g_string_free (s, TRUE);
}

/* ---- the contenders ----------------------------------------------------------------------- */

static Time
time_import (const char *corpus,
             const char *project)
{
  remove_project (project);
  GError *error = NULL;
  double w0 = wall_now (), c0 = cpu_now ();
  StvaDb *db = stva_db_open (project, STVA_DB_OPEN_CREATE, &error);
  StvaDbImportReport report;
  if (db == NULL || !stva_db_import_meld (db, corpus, &report, &error))
    die (error->message);
  stva_db_close (db);
  Time t = { wall_now () - w0, cpu_now () - c0 };
  if (report.n_utterances != 13708)
    die ("the import did not store 13,708 utterances");
  stva_db_import_report_clear (&report);
  return t;
}

/* The parts of the import: creating an empty project, reading and checking the CSVs. */
static Time
time_create (const char *project)
{
  remove_project (project);
  GError *error = NULL;
  double w0 = wall_now (), c0 = cpu_now ();
  StvaDb *db = stva_db_open (project, STVA_DB_OPEN_CREATE, &error);
  if (db == NULL)
    die (error->message);
  stva_db_close (db);
  return (Time) { wall_now () - w0, cpu_now () - c0 };
}

static Time
time_read (const char *corpus)
{
  static const char *const files[3] = { "train_sent_emo.csv", "dev_sent_emo.csv",
                                        "test_sent_emo.csv" };
  double w0 = wall_now (), c0 = cpu_now ();
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *csv = g_build_filename (corpus, files[k], NULL);
      GError *error = NULL;
      GPtrArray *rows = stva_meld_read (csv, &error);
      if (rows == NULL)
        die (error->message);
      g_ptr_array_unref (rows);
    }
  return (Time) { wall_now () - w0, cpu_now () - c0 };
}

/* Runs argv[0] to completion; its wall time from spawn to exit and its CPU time. */
static Time
time_child (char *const *argv)
{
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  double w0 = wall_now ();
  pid_t pid;
  int status;
  struct rusage ru;
  if (posix_spawn (&pid, argv[0], &actions, NULL, argv, environ) != 0)
    die ("cannot start the sqlite3 program");
  posix_spawn_file_actions_destroy (&actions);
  if (wait4 (pid, &status, 0, &ru) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die ("the sqlite3 program failed");
  Time t = { wall_now () - w0, (double) ru.ru_utime.tv_sec + 1e-6 * (double) ru.ru_utime.tv_usec
                                 + (double) ru.ru_stime.tv_sec
                                 + 1e-6 * (double) ru.ru_stime.tv_usec };
  return t;
}

static int
count_rows (const char *path)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;
  if (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (handle, "SELECT count(*) FROM meld", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return n;
}

static void
bench_import (const char *dir,
              const char *sqlite3_program,
              int         reps)
{
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  g_mkdir_with_parents (corpus, 0755);
  static const char *const files[3] = { "train_sent_emo.csv", "dev_sent_emo.csv",
                                        "test_sent_emo.csv" };
  static const int n_rows[3] = { 9989, 1109, 2610 };   /* MELD's */
  GString *script = g_string_new (
    "CREATE TABLE meld (\"Sr No.\" INTEGER, Utterance TEXT, Speaker TEXT, Emotion TEXT, "
    "Sentiment TEXT, Dialogue_ID INTEGER, Utterance_ID INTEGER, Season INTEGER, "
    "Episode INTEGER, StartTime TEXT, EndTime TEXT);\n");
  int sr_no = 0;
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *csv = g_build_filename (corpus, files[k], NULL);
      write_meld_csv (csv, n_rows[k], &sr_no);
      g_string_append_printf (script, ".import --csv --skip 1 '%s' meld\n", csv);
    }
  g_autofree char *script_path = g_build_filename (dir, "import.sql", NULL);
  g_file_set_contents (script_path, script->str, (gssize) script->len, NULL);
  g_string_free (script, TRUE);

  g_autofree char *project = g_build_filename (dir, "import.stva", NULL);
  g_autofree char *shell_db = g_build_filename (dir, "import-shell.db", NULL);
  g_autofree char *read_cmd = g_strdup_printf (".read '%s'", script_path);
  char *shell_argv[] = { (char *) sqlite3_program, (char *) "-batch", shell_db, read_cmd, NULL };
  char *empty_argv[] = { (char *) sqlite3_program, (char *) "-batch", (char *) ":memory:",
                         (char *) "SELECT 1", NULL };

  Time ours[MAX_REPS], shell[MAX_REPS], start[MAX_REPS], create[MAX_REPS], read[MAX_REPS];
  time_import (corpus, project);   /* warm the page cache and the code */
  for (int r = 0; r < reps; r++)
    {
      ours[r] = time_import (corpus, project);
      remove_project (shell_db);
      shell[r] = time_child (shell_argv);
      if (count_rows (shell_db) != 13708)
        die ("the sqlite3 shell did not import 13,708 rows");
      start[r] = time_child (empty_argv);
      create[r] = time_create (project);
      read[r] = time_read (corpus);
    }
  Time o = median (ours, reps), s = median (shell, reps), e = median (start, reps);
  Time c = median (create, reps), rd = median (read, reps);
  printf ("INFO\timport parts: creating the empty project %.1f ms wall (%.1f ms CPU), reading "
          "and checking the CSVs %.1f ms wall (%.1f ms CPU)\n", c.wall_s * 1e3, c.cpu_s * 1e3,
          rd.wall_s * 1e3, rd.cpu_s * 1e3);
  printf ("INFO\timport: ours %.1f ms wall (%.1f ms CPU), sqlite3 .import %.1f ms wall "
          "(%.1f ms CPU), sqlite3 start-up alone %.1f ms; medians of %d\n", o.wall_s * 1e3,
          o.cpu_s * 1e3, s.wall_s * 1e3, s.cpu_s * 1e3, e.wall_s * 1e3, reps);
  printf ("RESULT\tMELD import, 13,708 rows (s, wall)\t%.3f\t< 1\t%s\tnew project file\n",
          o.wall_s, o.wall_s < 1 ? "ok" : "MISSED");
  printf ("RESULT\tMELD import / sqlite3 .import (wall)\t%.2f\t<= 2\t%s\tsame rows, fresh files\n",
          o.wall_s / s.wall_s, o.wall_s <= 2 * s.wall_s ? "ok" : "MISSED");
  printf ("RESULT\tMELD import / sqlite3 .import (CPU)\t%.2f\t<= 2\t%s\tuser + system\n",
          o.cpu_s / s.cpu_s, o.cpu_s <= 2 * s.cpu_s ? "ok" : "MISSED");
  remove_project (project);
  remove_project (shell_db);
}

static void
bench_scale (const char *dir,
             int         reps)
{
  g_autofree char *corpus = g_build_filename (dir, "big", NULL);
  g_mkdir_with_parents (corpus, 0755);
  GString *s = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,"
                             "Utterance_ID,Season,Episode,StartTime,EndTime\r\n");
  for (int d = 0, sr = 1; d < 10000; d++)
    for (int u = 0; u < 10; u++, sr++)
      g_string_append_printf (s, "%d,\"Utterance %d of dialogue %d, said plainly.\",S%d,%s,"
                              "neutral,%d,%d,1,1,\"00:00:%02d,000\",\"00:00:%02d,900\"\r\n", sr,
                              u, d, u % 3, STVA_MELD_EMOTIONS[(d * 7 + u) % 7], d, u, u, u);
  g_autofree char *csv = g_build_filename (corpus, "train_sent_emo.csv", NULL);
  g_file_set_contents (csv, s->str, (gssize) s->len, NULL);
  g_string_free (s, TRUE);

  g_autofree char *project = g_build_filename (dir, "big.stva", NULL);
  remove_project (project);
  GError *error = NULL;
  StvaDb *db = stva_db_open (project, STVA_DB_OPEN_CREATE, &error);
  if (db == NULL || !stva_db_import_meld (db, corpus, NULL, &error))
    die (error->message);
  gint64 alice = stva_db_annotator (db, "alice", NULL, &error);
  if (alice <= 0 || !stva_db_begin (db, &error))
    die (error->message);
  for (int i = 0; i < 20000; i++)
    if (stva_db_set_label (db, 1 + (i * 37) % 100000, 1, alice, 1 + i % 7, 0, NULL, &error)
        <= 0)
      die (error->message);
  if (!stva_db_commit (db, &error))
    die (error->message);
  stva_db_close (db);

  Time open_list[MAX_REPS], burst[MAX_REPS];
  for (int r = 0; r < reps; r++)
    {
      double w0 = wall_now (), c0 = cpu_now ();
      db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
      if (db == NULL)
        die (error->message);
      GPtrArray *u = stva_db_utterances (db, 1 + (r * 997) % 10000, 1, 0, &error);
      if (u == NULL || u->len != 10)
        die ("listing a dialogue failed");
      g_ptr_array_unref (u);
      open_list[r] = (Time) { wall_now () - w0, cpu_now () - c0 };

      w0 = wall_now (), c0 = cpu_now ();
      for (int i = 0; i < 1000; i++)
        if (stva_db_set_label (db, 1 + (i * 91 + r * 7) % 100000, 1, alice, 1 + (i + r) % 7, 0,
                               NULL, &error) <= 0)
          die (error->message);
      burst[r] = (Time) { wall_now () - w0, cpu_now () - c0 };
      stva_db_close (db);
    }
  Time o = median (open_list, reps), b = median (burst, reps);
  printf ("INFO\topen+list %.1f ms wall (%.1f ms CPU); 1,000 corrections %.0f ms wall "
          "(%.0f ms CPU); medians of %d\n", o.wall_s * 1e3, o.cpu_s * 1e3, b.wall_s * 1e3,
          b.cpu_s * 1e3, reps);
  printf ("RESULT\topen 100k project + list a dialogue (ms)\t%.1f\t< 50\t%s\twall\n",
          o.wall_s * 1e3, o.wall_s < 0.05 ? "ok" : "MISSED");
  printf ("RESULT\t1,000 corrections, one commit each (s)\t%.3f\t< 1\t%s\twall\n", b.wall_s,
          b.wall_s < 1 ? "ok" : "MISSED");
  remove_project (project);
}

int
main (int    argc,
      char **argv)
{
  int reps = 7;
  const char *sqlite3_program = "/usr/bin/sqlite3";
  const char *keep = NULL;
  const char *only = NULL;
  if (argc == 4 && strcmp (argv[1], "--import-once") == 0)
    {
      time_import (argv[2], argv[3]);
      return 0;
    }
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--reps") == 0 && i + 1 < argc)
      reps = atoi (argv[++i]);
    else if (strcmp (argv[i], "--sqlite3") == 0 && i + 1 < argc)
      sqlite3_program = argv[++i];
    else if (strcmp (argv[i], "--keep") == 0 && i + 1 < argc)
      keep = argv[++i];
    else if (strcmp (argv[i], "--only") == 0 && i + 1 < argc)
      only = argv[++i];
    else
      die ("usage: bench-db [--reps N] [--sqlite3 PATH] [--keep DIR] [--only import|scale]\n"
           "       bench-db --import-once CORPUS PROJECT");
  if (reps < 1 || reps > MAX_REPS)
    die ("--reps takes 1 to 64");
  if (access (sqlite3_program, X_OK) != 0)
    die ("no sqlite3 program (apt install sqlite3, or --sqlite3 PATH)");

  g_autofree char *dir = NULL;
  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      dir = g_strdup (keep);
    }
  else if ((dir = g_dir_make_tmp ("bench-db-XXXXXX", NULL)) == NULL)
    die ("cannot make a temporary folder");
  printf ("INFO\tsqlite %s; folder %s\n", sqlite3_libversion (), dir);
  if (only == NULL || strcmp (only, "import") == 0)
    bench_import (dir, sqlite3_program, reps);
  if (only == NULL || strcmp (only, "scale") == 0)
    bench_scale (dir, reps);
  if (keep == NULL)
    {
      const char *const names[] = { "meld/train_sent_emo.csv", "meld/dev_sent_emo.csv",
                                    "meld/test_sent_emo.csv", "meld", "big/train_sent_emo.csv",
                                    "big", "import.sql" };
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *p = g_build_filename (dir, names[i], NULL);
          g_remove (p);
        }
      g_rmdir (dir);
    }
  return 0;
}
