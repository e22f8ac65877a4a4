/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SRT and WebVTT: cues with times, text, speakers from "Name:" prefixes and voice tags; the
 * WebVTT extras (header, NOTE blocks, cue ids, settings, entities); errors with file and line;
 * every truncation of a file handled without a crash; import as a dialogue and the export
 * round trip.
 */
#include <string.h>

#include "db-test.h"

static const char srt[] =
  "\xef\xbb\xbf" "1\r\n"
  "00:00:01,000 --> 00:00:02,500\r\n"
  "Monica: Oh my God, he's lost it.\r\n"
  "\r\n"
  "2\r\n"
  "00:00:03,000 --> 00:00:04,250\r\n"
  "Two lines\r\n"
  "of text, no speaker.\r\n"
  "\r\n"
  "3\r\n"
  "01:02:03,004 --> 01:02:05,000\r\n"
  "Dr. Who: Time: relative.\r\n";

static const char vtt[] =
  "WEBVTT - a header\n"
  "Kind: captions\n"
  "\n"
  "NOTE this block is a comment\n"
  "and spans lines\n"
  "\n"
  "intro\n"
  "00:01.000 --> 00:02.000 align:start position:10%\n"
  "<v Joey>How <i>you</i> doin'?</v>\n"
  "\n"
  "00:00:02.500 --> 00:00:03.000\n"
  "Rachel: Fish &amp; chips &lt;3\n";

static StvaSubtitleCue *
cue (GPtrArray *cues,
     guint      i)
{
  return g_ptr_array_index (cues, i);
}

static void
test_parse (void)
{
  GError *error = NULL;
  StvaSubtitleFormat format;
  g_autoptr (GPtrArray) a = stva_subtitles_parse ("a.srt", srt, sizeof srt - 1, &format, &error);
  g_assert_no_error (error);
  g_assert_cmpint (format, ==, STVA_SUBTITLES_SRT);
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpint (cue (a, 0)->start_ms, ==, 1000);
  g_assert_cmpint (cue (a, 0)->end_ms, ==, 2500);
  g_assert_cmpstr (cue (a, 0)->speaker, ==, "Monica");
  g_assert_cmpstr (cue (a, 0)->text, ==, "Oh my God, he's lost it.");
  g_assert_null (cue (a, 1)->speaker);
  g_assert_cmpstr (cue (a, 1)->text, ==, "Two lines\nof text, no speaker.");
  g_assert_cmpint (cue (a, 2)->start_ms, ==, 3723004);
  g_assert_null (cue (a, 2)->speaker);   /* "Dr. Who" has a full stop: not taken as a name */
  g_assert_cmpuint (cue (a, 2)->line, ==, 11);

  g_autoptr (GPtrArray) b = stva_subtitles_parse ("b.vtt", vtt, sizeof vtt - 1, &format, &error);
  g_assert_no_error (error);
  g_assert_cmpint (format, ==, STVA_SUBTITLES_VTT);
  g_assert_cmpuint (b->len, ==, 2);
  g_assert_cmpint (cue (b, 0)->start_ms, ==, 1000);
  g_assert_cmpstr (cue (b, 0)->speaker, ==, "Joey");
  g_assert_cmpstr (cue (b, 0)->text, ==, "How you doin'?");
  g_assert_cmpstr (cue (b, 1)->speaker, ==, "Rachel");
  g_assert_cmpstr (cue (b, 1)->text, ==, "Fish & chips <3");
}

static void
expect_error (const char *text,
              const char *words)
{
  GError *error = NULL;
  GPtrArray *cues = stva_subtitles_parse ("x.srt", text, strlen (text), NULL, &error);
  g_assert_null (cues);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_error_free (error);
}

static void
test_errors (void)
{
  expect_error ("1\n00:00:01,000 -> 00:00:02,000\nHi\n", "x.srt:2: '00:00:01,000 -> ");
  expect_error ("1\n00:00:01,000 --> 00:00:02\nHi\n", "x.srt:2:");
  expect_error ("1\n00:00:03,000 --> 00:00:02,000\nHi\n", "x.srt:2: the cue ends before");
  expect_error ("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n\n", "x.srt:5: a cue number");
  expect_error ("1\n00:61:01,000 --> 00:62:02,000\nHi\n", "x.srt:2:");
  gint64 ms = 0;
  g_assert_true (stva_subtitles_parse_time ("12:34.567", 9, &ms));
  g_assert_cmpint (ms, ==, 754567);
  g_assert_false (stva_subtitles_parse_time ("1:2:3,4", 7, &ms));

  /* every prefix of both files: an error or cues, never a crash (ASan watches) */
  for (int f = 0; f < 2; f++)
    {
      const char *text = f ? vtt : srt;
      gsize n = f ? sizeof vtt - 1 : sizeof srt - 1;
      for (gsize len = 0; len <= n; len++)
        {
          char *copy = g_memdup2 (text, len);   /* exact size, so overreads show */
          GError *error = NULL;
          GPtrArray *cues = stva_subtitles_parse ("cut", copy, len, NULL, &error);
          g_assert_true ((cues == NULL) != (error == NULL));
          g_clear_pointer (&cues, g_ptr_array_unref);
          g_clear_error (&error);
          g_free (copy);
        }
    }
}

static void
test_import_export (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *subs = g_build_filename (dir, "episode1.srt", NULL);
  g_autofree char *video = g_build_filename (dir, "episode1.mp4", NULL);
  g_file_set_contents (subs, srt, sizeof srt - 1, NULL);
  g_file_set_contents (video, "x", 1, NULL);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  StvaDbImportReport report;
  g_assert_true (stva_db_import_subtitles (db, subs, video, "test", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_utterances, ==, 3);
  g_assert_cmpint (report.n_dialogue_videos, ==, 1);
  stva_db_import_report_clear (&report);
  g_assert_false (stva_db_import_subtitles (db, subs, video, "test", NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);

  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, 1, &error);
  g_assert_cmpuint (dialogues->len, ==, 1);
  StvaDbDialogue *d = g_ptr_array_index (dialogues, 0);
  g_assert_cmpstr (d->name, ==, "episode1");
  g_assert_cmpstr (d->split, ==, "test");
  g_assert_cmpstr (d->corpus, ==, "subtitles");
  g_assert_cmpint (d->n_speakers, ==, 2);   /* Monica and "" */
  g_assert_true (g_str_has_suffix (d->media_path, "episode1.mp4"));

  for (int vtt_out = 0; vtt_out < 2; vtt_out++)
    {
      g_autofree char *out = g_build_filename (dir, vtt_out ? "back.vtt" : "back.srt", NULL);
      g_assert_true (stva_db_export_subtitles (db, d->id, vtt_out, out, &error));
      g_assert_no_error (error);
      StvaSubtitleFormat format;
      g_autoptr (GPtrArray) a = stva_subtitles_parse ("a", srt, sizeof srt - 1, NULL, &error);
      g_autoptr (GPtrArray) b = stva_subtitles_read (out, &format, &error);
      g_assert_no_error (error);
      g_assert_cmpint (format, ==, vtt_out ? STVA_SUBTITLES_VTT : STVA_SUBTITLES_SRT);
      g_assert_cmpuint (a->len, ==, b->len);
      for (guint i = 0; i < a->len; i++)
        {
          g_assert_cmpint (cue (a, i)->start_ms, ==, cue (b, i)->start_ms);
          g_assert_cmpint (cue (a, i)->end_ms, ==, cue (b, i)->end_ms);
          g_assert_cmpstr (cue (a, i)->text, ==, cue (b, i)->text);
          g_assert_cmpstr (cue (a, i)->speaker, ==, cue (b, i)->speaker);
        }
    }
  g_assert_false (stva_db_import_subtitles (db, subs, NULL, "holdout", NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

/* A video that is not there is a warning, kept with the import; the cues still land. */
static void
test_missing_video (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *subs = g_build_filename (dir, "episode2.vtt", NULL);
  g_autofree char *video = g_build_filename (dir, "gone", "episode2.mkv", NULL);
  static const char vtt[] = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Ross>Hi.\n\n"
                            "00:00:03.000 --> 00:00:04.000\nRachel: Hey.\n";
  g_file_set_contents (subs, vtt, sizeof vtt - 1, NULL);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  StvaDbImportReport report;
  g_assert_true (stva_db_import_subtitles (db, subs, video, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_utterances, ==, 2);
  g_assert_cmpint (report.n_dialogue_videos, ==, 0);
  g_assert_cmpuint (report.warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (report.warnings, 0),
                           "episode2.mkv: missing video"));
  stva_db_import_report_clear (&report);
  StvaDbCounts c;
  g_assert_true (stva_db_counts (db, &c, &error));
  g_assert_cmpint (c.n_import_warnings, ==, 1);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, 1, &error);
  g_assert_cmpuint (dialogues->len, ==, 1);
  StvaDbDialogue *d = g_ptr_array_index (dialogues, 0);
  g_assert_cmpstr (d->name, ==, "episode2");
  g_assert_cmpstr (d->split, ==, "none");
  g_autoptr (GPtrArray) utts = stva_db_utterances (db, d->id, 1, 0, &error);
  g_assert_cmpuint (utts->len, ==, 2);
  g_assert_cmpstr (((StvaDbUtterance *) utts->pdata[0])->speaker, ==, "Ross");
  g_assert_cmpstr (((StvaDbUtterance *) utts->pdata[1])->speaker, ==, "Rachel");
  g_assert_cmpint (((StvaDbUtterance *) utts->pdata[0])->end_ms, ==, 2500);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/subtitles/parse", test_parse);
  g_test_add_func ("/db/subtitles/errors", test_errors);
  g_test_add_func ("/db/subtitles/import-export", test_import_export);
  g_test_add_func ("/db/subtitles/missing-video", test_missing_video);
  return g_test_run ();
}
