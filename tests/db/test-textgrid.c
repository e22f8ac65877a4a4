/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Praat TextGrid: the long and the short format read to the same tiers, UTF-16 files, errors
 * with file and line, every truncation handled, and a dialogue's round trip through export and
 * import (utterances, speakers, times to the millisecond, labels).
 */
#include <string.h>

#include "db-test.h"

static const char long_tg[] =
  "File type = \"ooTextFile\"\n"
  "Object class = \"TextGrid\"\n"
  "\n"
  "xmin = 0 \n"
  "xmax = 2.5 \n"
  "tiers? <exists> \n"
  "size = 2 \n"
  "item []: \n"
  "    item [1]:\n"
  "        class = \"IntervalTier\" \n"
  "        name = \"Mary\" \n"
  "        xmin = 0 \n"
  "        xmax = 2.5 \n"
  "        intervals: size = 2 \n"
  "        intervals [1]:\n"
  "            xmin = 0 \n"
  "            xmax = 1.25 \n"
  "            text = \"She said \"\"hi\"\".\" \n"
  "        intervals [2]:\n"
  "            xmin = 1.25 \n"
  "            xmax = 2.5 \n"
  "            text = \"\" \n"
  "    item [2]:\n"
  "        class = \"TextTier\" \n"
  "        name = \"bell\" \n"
  "        xmin = 0 \n"
  "        xmax = 2.5 \n"
  "        points: size = 1 \n"
  "        points [1]:\n"
  "            number = 0.5 \n"
  "            mark = \"ding\" \n";

static const char short_tg[] =
  "File type = \"ooTextFile\"\n"
  "Object class = \"TextGrid\"\n"
  "\n"
  "0\n2.5\n<exists>\n2\n"
  "\"IntervalTier\"\n\"Mary\"\n0\n2.5\n2\n0\n1.25\n\"She said \"\"hi\"\".\"\n1.25\n2.5\n\"\"\n"
  "\"TextTier\"\n\"bell\"\n0\n2.5\n1\n0.5\n\"ding\"\n";

static void
check_grid (const StvaTextGrid *tg)
{
  g_assert_cmpuint (tg->n_tiers, ==, 2);
  g_assert_cmpfloat (tg->xmax, ==, 2.5);
  g_assert_cmpstr (tg->tiers[0].name, ==, "Mary");
  g_assert_false (tg->tiers[0].points);
  g_assert_cmpuint (tg->tiers[0].n_items, ==, 2);
  g_assert_cmpstr (tg->tiers[0].items[0].text, ==, "She said \"hi\".");
  g_assert_cmpfloat (tg->tiers[0].items[0].xmax, ==, 1.25);
  g_assert_true (tg->tiers[1].points);
  g_assert_cmpfloat (tg->tiers[1].items[0].xmin, ==, 0.5);
  g_assert_cmpstr (tg->tiers[1].items[0].text, ==, "ding");
}

static void
test_formats (void)
{
  GError *error = NULL;
  g_autoptr (StvaTextGrid) a = stva_textgrid_parse ("a", long_tg, sizeof long_tg - 1, &error);
  g_assert_no_error (error);
  check_grid (a);
  g_autoptr (StvaTextGrid) b = stva_textgrid_parse ("b", short_tg, sizeof short_tg - 1, &error);
  g_assert_no_error (error);
  check_grid (b);
  /* UTF-16 with a byte-order mark, as Praat writes non-ASCII text */
  gsize n = 0;
  g_autofree char *u16 = g_convert (long_tg, -1, "UTF-16LE", "UTF-8", NULL, &n, NULL);
  g_autofree char *bom = g_malloc (n + 2);
  bom[0] = (char) 0xff;
  bom[1] = (char) 0xfe;
  memcpy (bom + 2, u16, n);
  g_autoptr (StvaTextGrid) c = stva_textgrid_parse ("c", bom, n + 2, &error);
  g_assert_no_error (error);
  check_grid (c);
  /* our writer's output reads back the same */
  g_autoptr (GString) out = g_string_new (NULL);
  stva_textgrid_write (out, a);
  g_autoptr (StvaTextGrid) d = stva_textgrid_parse ("d", out->str, out->len, &error);
  g_assert_no_error (error);
  check_grid (d);
}

static void
expect_error (const char *text,
              const char *words)
{
  GError *error = NULL;
  StvaTextGrid *tg = stva_textgrid_parse ("x.TextGrid", text, strlen (text), &error);
  g_assert_null (tg);
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_error_free (error);
}

static void
test_errors (void)
{
  expect_error ("File type = \"ooTextFile\"\nObject class = \"Pitch 1\"\n", "x.TextGrid:2: a "
                "Praat 'Pitch 1'");
  expect_error ("hello", "ends where \"ooTextFile\"");
  expect_error ("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n0\n1\n<exists>\n"
                "99999999\n", "number of tiers");
  expect_error ("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n0\n1\n<exists>\n1\n"
                "\"Ellipse\"\n", "x.TextGrid:7: tier class 'Ellipse'");
  expect_error ("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n0\n1\n<exists>\n1\n"
                "\"IntervalTier\"\n\"a\"\n0\n1\n1\n0.8\n0.2\n\"x\"\n", "ends before it starts");
  expect_error ("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n0\n1\n<exists>\n1\n"
                "\"IntervalTier\"\n\"a\n", "x.TextGrid:8: a string is not closed");
  for (int f = 0; f < 2; f++)
    {
      const char *text = f ? short_tg : long_tg;
      gsize n = strlen (text);
      for (gsize len = 0; len < n; len++)
        {
          char *copy = g_memdup2 (text, len);
          GError *error = NULL;
          StvaTextGrid *tg = stva_textgrid_parse ("cut", copy, len, &error);
          g_assert_true ((tg == NULL) != (error == NULL));
          stva_textgrid_free (tg);
          g_clear_error (&error);
          g_free (copy);
        }
    }
}

static void
test_round_trip (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_autoptr (GPtrArray) d = stva_db_dialogues (db, 1, &error);
  gint64 dia = ((StvaDbDialogue *) d->pdata[0])->id;
  g_autofree char *path = g_build_filename (dir, "dia0.TextGrid", NULL);
  g_assert_true (stva_db_export_textgrid (db, dia, 1, 0, path, &error));
  g_assert_no_error (error);
  g_autoptr (StvaTextGrid) tg = stva_textgrid_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tg->n_tiers, ==, 2 + 3);   /* Monica, Joey and three label tiers */
  for (guint t = 0; t < tg->n_tiers; t++)   /* every interval tier tiles [xmin, xmax] */
    {
      const StvaTextGridTier *tier = &tg->tiers[t];
      g_assert_cmpfloat (tier->items[0].xmin, ==, tg->xmin);
      for (guint k = 1; k < tier->n_items; k++)
        g_assert_cmpfloat (tier->items[k].xmin, ==, tier->items[k - 1].xmax);
      g_assert_cmpfloat (tier->items[tier->n_items - 1].xmax, ==, tg->xmax);
    }

  StvaDb *db2 = dbt_open (dir, "back");
  g_assert_true (stva_db_import_textgrid (db2, path, NULL, NULL, "train", NULL, &error));
  g_assert_no_error (error);
  g_autoptr (GPtrArray) d2 = stva_db_dialogues (db2, 1, &error);
  g_autoptr (GPtrArray) a = stva_db_utterances (db, dia, 1, 0, &error);
  g_autoptr (GPtrArray) b = stva_db_utterances (db2, ((StvaDbDialogue *) d2->pdata[0])->id, 1, 0,
                                                &error);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      StvaDbUtterance *x = a->pdata[i], *y = b->pdata[i];
      g_assert_cmpstr (x->speaker, ==, y->speaker);
      g_assert_cmpstr (x->transcript, ==, y->transcript);
      g_assert_cmpint (x->start_ms, ==, y->start_ms);
      g_assert_cmpint (x->end_ms, ==, y->end_ms);
      g_assert_cmpint (x->gold_label_id, ==, y->gold_label_id);
    }
  g_assert_false (stva_db_import_textgrid (db2, path, "nope", NULL, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_clear_error (&error);
  stva_db_close (db2);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/textgrid/formats", test_formats);
  g_test_add_func ("/db/textgrid/errors", test_errors);
  g_test_add_func ("/db/textgrid/round-trip", test_round_trip);
  return g_test_run ();
}
