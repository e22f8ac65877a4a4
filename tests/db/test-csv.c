/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaCsvReader: quoted fields with doubled quotes, commas and line breaks (the line numbers
 * count the breaks inside quotes), CRLF and LF, a byte-order mark, blank lines, empty fields,
 * a quote inside an unquoted field kept as data, Windows-1252 bytes converted to UTF-8 (and
 * bytes CP1252 leaves undefined turned into '?'), and the two malformed cases, each naming the
 * file and line.  And stva_db_import_csv's split for a file of one split.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"
#include "stva-csv.h"

static char *
write_file (const char *dir,
            const char *data,
            gssize      n)
{
  char *path = g_build_filename (dir, "t.csv", NULL);
  g_assert_true (g_file_set_contents (path, data, n, NULL));
  return path;
}

/* Reads every record of data, joined as "a|b|c@LINE" records separated by newlines. */
static char *
read_all (const char  *data,
          gssize       n,
          GError     **error)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = write_file (dir, data, n);
  GString *out = g_string_new (NULL);
  StvaCsvReader *reader = stva_csv_reader_new (path, error);
  g_assert_nonnull (reader);
  GPtrArray *fields = NULL;
  while (stva_csv_reader_next (reader, &fields, error))
    {
      for (guint i = 0; i < fields->len; i++)
        g_string_append_printf (out, "%s%s", i ? "|" : "", (char *) fields->pdata[i]);
      g_string_append_printf (out, "@%u\n", stva_csv_reader_line (reader));
    }
  stva_csv_reader_free (reader);
  dbt_rm_rf (dir);
  return g_string_free (out, FALSE);
}

static void
test_quoting (void)
{
  GError *error = NULL;
  static const char data[] =
    "\xef\xbb\xbfid,text,who\r\n"
    "1,\"Hi, \"\"you\"\"\",Ross\r\n"
    "2,\"two\nlines\",\r\n"
    "\r\n\n"
    "3,say \"hi\",\"\"\n"
    "4,,last";
  g_autofree char *got = read_all (data, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==,
                   "id|text|who@1\n"
                   "1|Hi, \"you\"|Ross@2\n"
                   "2|two\nlines|@3\n"
                   "3|say \"hi\"|@7\n"
                   "4||last@8\n");
}

static void
test_encoding (void)
{
  GError *error = NULL;
  /* 0x92 is a right single quote in CP1252; 0x81 is undefined there */
  static const char data[] = "a,it\x92s,caf\xc3\xa9\nb,x\x81y,\"z\x92\"\n";
  g_autofree char *got = read_all (data, sizeof data - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "a|it\xe2\x80\x99s|caf\xc3\xa9@1\nb|x?y|z\xe2\x80\x99@2\n");
}

static void
expect_error (const char *data,
              const char *message)
{
  GError *error = NULL;
  g_autofree char *got = read_all (data, -1, &error);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_nonnull (strstr (error->message, "t.csv:"));
  g_error_free (error);
}

static void
test_malformed (void)
{
  expect_error ("a,b\n\"x\"y\",c\n", "t.csv:2: stray quote after a quoted field");
  expect_error ("a,b\n1,\"open\n\nstill open\n", "t.csv:2: quoted field is not closed");
}

/* stva_db_import_csv for a file of one split: the split given, else the mapping's, else none;
 * both at once, or a split that is not one, refused with nothing written. */
static void
test_import_split (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *path = write_file (dir, "dia,text,split\nd1,hi,train\nd1,ho,train\n"
                                           "d2,yes,dev\n", -1);
  g_autoptr (StvaDb) db = dbt_open (dir, "p");
  GError *error = NULL;
  StvaDbImportReport report;
  g_assert_true (stva_db_import_csv (db, path, "dialogue=dia,text=text", NULL, "test", &report,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 2);
  g_assert_cmpint (report.n_utterances, ==, 3);
  stva_db_import_report_clear (&report);
  /* the same file again as another split is other dialogues */
  g_assert_true (stva_db_import_csv (db, path, "dialogue=dia,text=text", NULL, "valid", NULL,
                                     &error));
  g_assert_no_error (error);
  StvaDbCounts counts;
  g_assert_true (stva_db_counts (db, &counts, &error));
  g_assert_cmpint (counts.n_dialogues[0], ==, 0);
  g_assert_cmpint (counts.n_dialogues[1], ==, 2);   /* dev: d1, d2 as "valid" */
  g_assert_cmpint (counts.n_dialogues[2], ==, 2);   /* test */
  g_assert_cmpint (counts.n_dialogues[3], ==, 0);
  /* by the mapping; and none when neither says */
  g_autoptr (StvaDb) other = dbt_open (dir, "q");
  g_assert_true (stva_db_import_csv (other, path, "dialogue=dia,text=text,split=split", NULL,
                                     NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_import_csv (other, path, "dialogue=dia,text=text", NULL, NULL, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (stva_db_counts (other, &counts, &error));
  g_assert_cmpint (counts.n_dialogues[0], ==, 1);
  g_assert_cmpint (counts.n_dialogues[1], ==, 1);
  g_assert_cmpint (counts.n_dialogues[2], ==, 0);
  g_assert_cmpint (counts.n_dialogues[3], ==, 2);

  g_assert_false (stva_db_import_csv (db, path, "dialogue=dia,text=text,split=split", NULL,
                                      "train", NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "given twice"));
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (stva_db_import_csv (db, path, "dialogue=dia,text=text", NULL, "training",
                                      NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "'training' is not train, dev, test or none"));
  g_clear_error (&error);
  g_assert_true (stva_db_counts (db, &counts, &error));
  g_assert_cmpint (counts.n_utterances[1] + counts.n_utterances[2], ==, 6);   /* as before */
  g_assert_true (stva_db_check (db, &error));
  g_clear_pointer (&db, stva_db_close);
  g_clear_pointer (&other, stva_db_close);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/csv/quoting", test_quoting);
  g_test_add_func ("/db/csv/encoding", test_encoding);
  g_test_add_func ("/db/csv/malformed", test_malformed);
  g_test_add_func ("/db/csv/import-split", test_import_split);
  return g_test_run ();
}
