/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MELD importer on a tiny corpus written here: every row lands with its text, speaker,
 * times, split and gold label; clips and dialogue videos are linked and missing clips
 * reported; malformed input and a second import of the same dialogues write nothing.  And what
 * the one import writer records for every importer.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"

static void
test_meld (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  StvaDbImportReport report;
  g_assert_true (stva_db_import_meld (db, corpus, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 4);
  g_assert_cmpint (report.n_utterances, ==, 9);
  g_assert_cmpint (report.n_clips, ==, 8);
  g_assert_cmpint (report.n_dialogue_videos, ==, 2);
  g_assert_cmpuint (report.warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (report.warnings, 0), "dia1_utt1.mp4"));
  stva_db_import_report_clear (&report);

  StvaDbCounts c;
  g_assert_true (stva_db_counts (db, &c, &error));
  g_assert_cmpint (c.n_dialogues[0], ==, 2);
  g_assert_cmpint (c.n_dialogues[1], ==, 1);
  g_assert_cmpint (c.n_dialogues[2], ==, 1);
  g_assert_cmpint (c.n_utterances[0], ==, 5);
  g_assert_cmpint (c.n_utterances[1], ==, 2);
  g_assert_cmpint (c.n_utterances[2], ==, 2);
  g_assert_cmpint (c.n_media, ==, 10);
  g_assert_cmpint (c.n_import_warnings, ==, 1);

  g_autoptr (StvaDbLabelSet) meld = stva_db_label_set (db, "meld", &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, meld->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dialogues->len, ==, 4);
  StvaDbDialogue *d0 = g_ptr_array_index (dialogues, 0);
  g_assert_cmpstr (d0->split, ==, "train");
  g_assert_cmpstr (d0->name, ==, "dia0");
  g_assert_cmpint (d0->n_utterances, ==, 3);
  g_assert_cmpint (d0->n_speakers, ==, 2);
  g_assert_cmpint (d0->n_reviewed, ==, 0);
  g_assert_cmpint (d0->end_ms, ==, 5000);
  g_assert_true (g_str_has_suffix (d0->media_path, "dialogues/train/dia0.mp4"));
  StvaDbDialogue *d3 = g_ptr_array_index (dialogues, 3);
  g_assert_cmpstr (d3->split, ==, "test");
  g_assert_cmpint (d3->source_id, ==, 3);
  g_assert_null (d3->media_path);

  g_autoptr (GPtrArray) utts = stva_db_utterances (db, d0->id, meld->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (utts->len, ==, 3);
  StvaDbUtterance *u0 = g_ptr_array_index (utts, 0), *u1 = g_ptr_array_index (utts, 1),
                  *u2 = g_ptr_array_index (utts, 2);
  g_assert_cmpstr (u0->transcript, ==, "Oh my God, he\xe2\x80\x99s lost it.");
  g_assert_cmpstr (u1->transcript, ==, "He said \"fine\".");
  g_assert_cmpstr (u2->transcript, ==, "Two lines,\r\nhere");
  g_assert_cmpstr (u0->speaker, ==, "Monica");
  g_assert_cmpint (u0->start_ms, ==, 100);
  g_assert_cmpint (u2->end_ms, ==, 5000);
  g_assert_cmpstr (stva_db_label_set_by_label (meld, u0->gold_label_id)->name, ==, "surprise");
  g_assert_cmpint (u0->current_label_id, ==, u0->gold_label_id);
  g_assert_false (u0->reviewed);
  g_assert_true (g_str_has_suffix (u1->media_path, "train_splits/dia0_utt1.mp4"));
  g_assert_true (g_path_is_absolute (u1->media_path));

  /* the same dialogues again: refused, nothing added */
  g_assert_false (stva_db_import_meld (db, corpus, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);
  StvaDbCounts c2;
  g_assert_true (stva_db_counts (db, &c2, &error));
  g_assert_cmpmem (&c, sizeof c, &c2, sizeof c2);
  g_assert_true (stva_db_check (db, &error));
  stva_db_close (db);
  dbt_rm_rf (dir);
}

static void
expect_nothing_written (const char *corpus,
                        const char *words)
{
  g_autofree char *dir = dbt_tmpdir ();
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_false (stva_db_import_meld (db, corpus, NULL, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_clear_error (&error);
  StvaDbCounts c, zero = { { 0 } };
  g_assert_true (stva_db_counts (db, &c, &error));
  g_assert_cmpmem (&c, sizeof c, &zero, sizeof zero);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

static void
test_malformed (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  g_autofree char *test_csv = g_build_filename (corpus, "test_sent_emo.csv", NULL);
  g_autofree char *contents = NULL;
  g_file_get_contents (test_csv, &contents, NULL, NULL);

  /* an unknown emotion on line 3 of the last file: train and dev were fine, still nothing */
  g_autofree char *bad = g_strdup (contents);
  char *p = strstr (bad, "neutral,neutral,3,1");
  memcpy (p, "neutrul", 7);
  g_file_set_contents (test_csv, bad, -1, NULL);
  g_autofree char *where = g_strdup_printf ("%s:3:", test_csv);
  expect_nothing_written (corpus, where);

  /* a bad time */
  g_autofree char *bad_time = g_strdup (contents);
  p = strstr (bad_time, "00:00:01,100");
  p[3] = 'x';
  g_file_set_contents (test_csv, bad_time, -1, NULL);
  expect_nothing_written (corpus, "StartTime");

  /* an unterminated quote */
  g_autofree char *open_quote = g_strconcat (contents, "3,\"Unclosed, Joey, joy\r\n", NULL);
  g_file_set_contents (test_csv, open_quote, -1, NULL);
  expect_nothing_written (corpus, "quoted field");

  /* a duplicate utterance */
  g_autofree char *dup = g_strconcat (contents, "3,Again.,Ross,neutral,neutral,3,1,4,7,"
                                      "\"00:00:03,000\",\"00:00:04,000\"\r\n", NULL);
  g_file_set_contents (test_csv, dup, -1, NULL);
  expect_nothing_written (corpus, "appears twice");

  /* not a MELD folder */
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_mkdir (empty, 0755);
  expect_nothing_written (empty, "not a MELD folder");
  g_autofree char *none = g_build_filename (dir, "none", NULL);
  expect_nothing_written (none, "no such folder");
  expect_nothing_written (test_csv, "not a folder");   /* a file where the folder should be */

  /* a missing CSV is a warning, not an error */
  g_unlink (test_csv);
  g_autofree char *pdir = dbt_tmpdir ();
  StvaDb *db = dbt_open (pdir, "p");
  StvaDbImportReport report;
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (db, corpus, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_utterances, ==, 7);
  g_assert_cmpuint (report.warnings->len, ==, 2);
  stva_db_import_report_clear (&report);
  stva_db_close (db);
  dbt_rm_rf (pdir);
  dbt_rm_rf (dir);
}

/* More rows than one multi-row insert holds, written out of order, into a project that already
 * has utterances: every row lands whole, with its gold label, after the ones already there. */
static void
test_batches (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  g_mkdir (corpus, 0755);
  GString *csv = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,"
                               "Utterance_ID,Season,Episode,StartTime,EndTime\r\n");
  enum { N_DIA = 23, N_UTT = 7 };   /* 161 rows */
  for (int k = 0; k < N_DIA * N_UTT; k++)
    {
      int row = (k * 37) % (N_DIA * N_UTT);   /* 37 is prime to 161: each row once */
      int d = row / N_UTT, u = row % N_UTT;
      g_string_append_printf (csv, "%d,\"Line %d of %d, \"\"quoted\"\"\",S%d,%s,neutral,%d,%d,"
                              "1,%d,\"00:00:%02d,%03d\",\"00:00:%02d,999\"\r\n", row, u, d,
                              (d + u) % 5, STVA_MELD_EMOTIONS[(d + 2 * u) % 7], d, u, d % 9, u,
                              d, u);
    }
  g_autofree char *path = g_build_filename (corpus, "train_sent_emo.csv", NULL);
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  g_string_free (csv, TRUE);
  g_autofree char *srt = g_build_filename (dir, "talk.srt", NULL);
  g_assert_true (g_file_set_contents (srt, "1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello.\n\n"
                                      "2\n00:00:03,000 --> 00:00:04,000\nBob: Hi.\n", -1, NULL));

  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_true (stva_db_import_subtitles (db, srt, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  StvaDbImportReport report;
  g_assert_true (stva_db_import_meld (db, corpus, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, N_DIA);
  g_assert_cmpint (report.n_utterances, ==, N_DIA * N_UTT);
  stva_db_import_report_clear (&report);
  g_assert_true (stva_db_check (db, &error));

  g_autoptr (StvaDbLabelSet) meld = stva_db_label_set (db, "meld", &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, meld->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dialogues->len, ==, N_DIA + 1);
  int seen = 0;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *dia = g_ptr_array_index (dialogues, i);
      if (strcmp (dia->split, "train") != 0)
        continue;
      int d = atoi (dia->name + 3);   /* "dia12" */
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, dia->id, meld->id, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (utts->len, ==, N_UTT);
      for (int u = 0; u < N_UTT; u++, seen++)
        {
          StvaDbUtterance *x = g_ptr_array_index (utts, (guint) u);
          g_autofree char *text = g_strdup_printf ("Line %d of %d, \"quoted\"", u, d);
          g_autofree char *speaker = g_strdup_printf ("S%d", (d + u) % 5);
          g_assert_cmpint (x->idx, ==, u);
          g_assert_cmpint (x->source_id, ==, u);
          g_assert_cmpstr (x->transcript, ==, text);
          g_assert_cmpstr (x->speaker, ==, speaker);
          g_assert_cmpint (x->start_ms, ==, u * 1000 + d);
          g_assert_cmpint (x->end_ms, ==, u * 1000 + 999);
          g_assert_cmpstr (stva_db_label_set_by_label (meld, x->gold_label_id)->name, ==,
                           STVA_MELD_EMOTIONS[(d + 2 * u) % 7]);
          g_assert_cmpint (x->id, >, 2);   /* after the subtitles' two */
        }
    }
  g_assert_cmpint (seen, ==, N_DIA * N_UTT);
  g_autofree char *p_path = g_strdup (stva_db_path (db));
  stva_db_close (db);
  g_assert_cmpint (dbt_query_int (p_path, "SELECT max (id) FROM utterance"), ==,
                   2 + N_DIA * N_UTT);
  g_assert_cmpint (dbt_query_int (p_path, "SELECT count (*) FROM gold_label"), ==,
                   N_DIA * N_UTT);
  g_assert_cmpint (dbt_query_int (p_path, "SELECT sum (season * 1000 + episode) FROM utterance "
                                          "u JOIN dialogue d ON d.id = u.dialogue_id "
                                          "WHERE d.corpus = 'meld'"), ==,
                   N_DIA * N_UTT * 1000 + N_UTT * (2 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8)
                                                   + (0 + 1 + 2 + 3 + 4)));
  dbt_rm_rf (dir);
}

static void
test_times (void)
{
  static const struct { const char *text; gint64 ms; } ok[] = {
    { "00:00:01,000", 1000 }, { "0:00:01.5", 1500 }, { "123:59:59,999", 446399999 },
    { "00:01:02,34", 62340 },
  };
  static const char *const bad[] = {
    "", "00:00", "00:60:00,000", "00:00:01", "00:00:01,", "00:00:01,0000", "1234:00:00,000",
    "00:0:01,000", "a0:00:01,000", "00:00:01,000x", "00:00:61,000", "-1:00:00,000",
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      gint64 ms = -1;
      g_assert_true (stva_meld_parse_time (ok[i].text, &ms));
      g_assert_cmpint (ms, ==, ok[i].ms);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 ms;
      if (stva_meld_parse_time (bad[i], &ms))
        g_error ("'%s' read as a time", bad[i]);
    }
}

/* What the one import writer records for every importer (MELD, CSV, subtitles into one
 * project): an import_run row per import with its kind and the report's counts, the report's
 * warnings in order, utterance ids counting on across imports, a gold label per labelled row;
 * a conflicting import refused naming its file and line, leaving every table as it was. */
/* SELECT count (*) FROM what id: what ends with a comparison with the id */
static gint64
count (const char *path,
       const char *what,
       gint64      id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s %" G_GINT64_FORMAT, what,
                                          id);
  return dbt_query_int (path, sql);
}

static void
assert_recorded (const char               *path,
                 const StvaDbImportReport *r,
                 const char               *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM import_run WHERE id = %"
                                          G_GINT64_FORMAT " AND kind = '%s' AND n_dialogues = %d"
                                          " AND n_utterances = %d", r->import_id, kind,
                                          r->n_dialogues, r->n_utterances);
  g_assert_cmpint (dbt_query_int (path, sql), ==, 1);
  g_assert_cmpint (count (path, "import_warning WHERE import_id =", r->import_id), ==,
                   r->warnings->len);
  for (guint i = 0; i < r->warnings->len; i++)
    {
      sqlite3 *h = NULL;
      g_assert_cmpint (sqlite3_open_v2 (path, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      sqlite3_stmt *stmt = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT message FROM import_warning WHERE "
                                              "import_id = ? AND seq = ?", -1, &stmt, NULL), ==,
                       SQLITE_OK);
      sqlite3_bind_int64 (stmt, 1, r->import_id);
      sqlite3_bind_int (stmt, 2, (int) i);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, r->warnings->pdata[i]);
      sqlite3_finalize (stmt);
      sqlite3_close (h);
    }
}

static void
test_bookkeeping (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *meld = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (meld);
  StvaDb *db = dbt_open (dir, "p");
  g_autofree char *path = g_strdup (stva_db_path (db));
  GError *error = NULL;

  StvaDbImportReport r;
  g_assert_true (stva_db_import_meld (db, meld, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_dialogues, ==, 4);
  g_assert_cmpint (r.n_utterances, ==, DBT_N_UTTERANCES);
  g_assert_cmpint (r.warnings->len, ==, 1);   /* the one missing clip */
  assert_recorded (path, &r, "meld");
  gint64 meld_run = r.import_id;
  stva_db_import_report_clear (&r);

  g_autofree char *csv = g_build_filename (dir, "t.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "dia,text,label,who\n"
                                           "a,one,joy,x\na,two,,y\nb,three,anger,x\n", -1,
                                      NULL));
  g_assert_true (stva_db_import_csv (db, csv, "dialogue=dia,text=text,label=label,speaker=who",
                                     NULL, "dev", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_dialogues, ==, 2);
  g_assert_cmpint (r.n_utterances, ==, 3);
  assert_recorded (path, &r, "csv");
  gint64 csv_run = r.import_id;
  g_assert_cmpint (csv_run, >, meld_run);
  stva_db_import_report_clear (&r);
  /* ids count on from the MELD import's; two of three rows have a gold label */
  g_assert_cmpint (dbt_query_int (path, "SELECT max (id) - min (id) + 1 FROM utterance"), ==,
                   DBT_N_UTTERANCES + 3);
  g_assert_cmpint (count (path, "gold_label g JOIN utterance u ON u.id = g.utterance_id JOIN "
                                "dialogue d ON d.id = u.dialogue_id WHERE d.import_id =", csv_run),
                   ==, 2);

  g_autofree char *srt = g_build_filename (dir, "talk.srt", NULL);
  g_autofree char *video = g_build_filename (dir, "talk.mp4", NULL);
  g_assert_true (g_file_set_contents (srt, "1\n00:00:01,000 --> 00:00:02,000\nAnn: hello\n\n"
                                           "2\n00:00:02,500 --> 00:00:04,000\nBob: hi\n", -1,
                                      NULL));
  g_assert_true (stva_db_import_subtitles (db, srt, video, "test", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_dialogues, ==, 1);
  g_assert_cmpint (r.n_utterances, ==, 2);
  g_assert_cmpint (r.n_dialogue_videos, ==, 0);
  g_assert_cmpint (r.warnings->len, ==, 1);   /* the video is not there */
  assert_recorded (path, &r, "srt");
  stva_db_import_report_clear (&r);

  /* the same CSV again: refused naming the file and the row, nothing more written */
  gint64 runs = dbt_query_int (path, "SELECT count (*) FROM import_run");
  gint64 utts = dbt_query_int (path, "SELECT count (*) FROM utterance");
  gint64 media = dbt_query_int (path, "SELECT count (*) FROM media");
  g_assert_false (stva_db_import_csv (db, csv, "dialogue=dia,text=text", NULL, "dev", &r,
                                      &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_autofree char *where = g_strdup_printf ("%s:2: dialogue 'a' (dev) is already in %s", csv,
                                            path);
  if (strstr (error->message, where) == NULL)
    g_error ("'%s' does not say '%s'", error->message, where);
  g_clear_error (&error);
  g_assert_cmpint (r.n_utterances, ==, 0);   /* the report is left empty */
  g_assert_cmpuint (r.warnings->len, ==, 0);
  stva_db_import_report_clear (&r);
  g_assert_false (stva_db_import_subtitles (db, srt, video, "test", NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already in"));
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (path, "SELECT count (*) FROM import_run"), ==, runs);
  g_assert_cmpint (dbt_query_int (path, "SELECT count (*) FROM utterance"), ==, utts);
  g_assert_cmpint (dbt_query_int (path, "SELECT count (*) FROM media"), ==, media);
  g_assert_true (stva_db_check (db, &error));
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/import/times", test_times);
  g_test_add_func ("/db/import/meld", test_meld);
  g_test_add_func ("/db/import/malformed", test_malformed);
  g_test_add_func ("/db/import/batches", test_batches);
  g_test_add_func ("/db/import/bookkeeping", test_bookkeeping);
  return g_test_run ();
}
