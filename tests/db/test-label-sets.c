/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Label sets of any size: default keys (1-9, then the letters the studio leaves free, unique
 * in the set and skipping the keys given), default colours (a colour-blind-safe palette of 25
 * that cycles), keys and colours given by the user checked with clear errors, a taken name
 * refused, and nothing stored by a refused set.
 */
#include <string.h>

#include "db-test.h"

/* names "l0", "l1", ... (freed with g_strfreev) */
static char **
label_names (guint n)
{
  char **names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup_printf ("l%u", i);
  return names;
}

static gint64
n_labels_in (StvaDb *db)
{
  return dbt_query_int (stva_db_path (db), "SELECT count (*) FROM label");
}

static void
test_defaults (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autoptr (StvaDb) db = dbt_open (dir, "p");
  GError *error = NULL;

  /* 40 labels: the 29 default keys, then none; colours cycle after 25 */
  g_auto (GStrv) names = label_names (40);
  gint64 id = stva_db_add_label_set (db, "many", "forty", (const char *const *) names, NULL,
                                     NULL, 40, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set_by_id (db, id, &error);
  g_assert_cmpuint (set->labels->len, ==, 40);
  GString *keys = g_string_new (NULL);
  g_autoptr (GHashTable) colours = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < 40; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      g_assert_cmpint (l->idx, ==, (int) i);
      g_assert_cmpstr (l->name, ==, names[i]);
      if (i < 29)
        {
          g_assert_nonnull (l->key);
          g_string_append (keys, l->key);
        }
      else
        g_assert_null (l->key);
      g_assert_true (stva_db_label_colour_is_valid (l->colour));
      g_assert_cmpstr (l->colour, ==, stva_db_label_palette (i));
      if (i < 25)
        g_hash_table_add (colours, l->colour);
    }
  g_assert_cmpstr (keys->str, ==, "123456789abcdefghimoqstuvwxyz");
  g_string_free (keys, TRUE);
  g_assert_cmpuint (g_hash_table_size (colours), ==, 25);   /* 25 different colours */
  g_assert_cmpstr (stva_db_label_palette (25), ==, stva_db_label_palette (0));
  g_assert_cmpstr (stva_db_label_palette (0), ==, "#e69f00");   /* Okabe-Ito's orange first */
  for (const char *k = "jklnpr0 ,."; *k != '\0'; k++)
    {
      char key[2] = { *k, '\0' };
      g_assert_false (stva_db_label_key_is_valid (key));
    }

  /* given keys and colours are kept (keys in lower case), the defaults skip the keys given */
  const char *three[] = { "pos", "neg", "neu" };
  const char *given_keys[] = { "2", NULL, "A" };
  const char *given_colours[] = { "#AA0000", NULL, "#00aa00" };
  id = stva_db_add_label_set (db, "valence", NULL, three, given_colours, given_keys, 3, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) v = stva_db_label_set_by_id (db, id, &error);
  const char *want_keys[] = { "2", "1", "a" };
  const char *want_colours[] = { "#AA0000", stva_db_label_palette (1), "#00aa00" };
  for (guint i = 0; i < 3; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (v->labels, i);
      g_assert_cmpstr (l->key, ==, want_keys[i]);
      g_assert_cmpstr (l->colour, ==, want_colours[i]);
    }
  g_assert_cmpstr (v->description, ==, "");
  const char *skip[] = { "x", "y", "z" };
  const char *skip_keys[] = { NULL, "1", NULL };
  id = stva_db_add_label_set (db, "skip", "", skip, NULL, skip_keys, 3, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) s = stva_db_label_set_by_id (db, id, &error);
  g_assert_cmpstr (((StvaDbLabel *) s->labels->pdata[0])->key, ==, "2");
  g_assert_cmpstr (((StvaDbLabel *) s->labels->pdata[2])->key, ==, "3");
  g_assert_true (stva_db_check (db, &error));
  g_clear_pointer (&db, stva_db_close);
  dbt_rm_rf (dir);
}

static void
test_refused (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autoptr (StvaDb) db = dbt_open (dir, "p");
  GError *error = NULL;
  const char *two[] = { "yes", "no" };
  g_assert_cmpint (stva_db_add_label_set (db, "binary", "", two, NULL, NULL, 2, &error), >, 0);
  g_assert_no_error (error);
  gint64 n_sets = dbt_query_int (stva_db_path (db), "SELECT count (*) FROM label_set");
  gint64 n_labels = n_labels_in (db);

  const char *one[] = { "alone" };
  const char *twice[] = { "a", "A" };
  const char *blank[] = { "x", "  " };
  const char *j_key[] = { "1", "j" };
  const char *r_key[] = { "R", "1" };
  const char *zero_key[] = { "0", "1" };
  const char *long_key[] = { "1", "ab" };
  const char *empty_key[] = { "", "1" };
  const char *comma_key[] = { ",", "1" };
  const char *same_key[] = { "c", "C" };
  const char *short_colour[] = { "#fff", "#000000" };
  const char *not_hex[] = { "#00000g", "#000000" };
  const char *no_hash[] = { "00000000", "#000000" };
  struct
  {
    const char         *name;
    const char *const  *labels;
    guint               n;
    const char *const  *keys;
    const char *const  *colours;
    int                 code;
    const char         *says;
  } cases[] = {
    { "binary", two, 2, NULL, NULL, STVA_DB_ERROR_CONFLICT, "'binary' is already there" },
    { "s1", one, 1, NULL, NULL, STVA_DB_ERROR_INVALID, "at least two" },
    { "s1b", one, 0, NULL, NULL, STVA_DB_ERROR_INVALID, "at least two" },
    { "s2", twice, 2, NULL, NULL, STVA_DB_ERROR_INVALID, "label 'A' is given twice" },
    { "s3", blank, 2, NULL, NULL, STVA_DB_ERROR_INVALID, "label 2 has no name" },
    { "s4", two, 2, j_key, NULL, STVA_DB_ERROR_INVALID, "'j' (label 'no') is not a key" },
    { "s5", two, 2, r_key, NULL, STVA_DB_ERROR_INVALID, "'R' (label 'yes') is not a key" },
    { "s6", two, 2, zero_key, NULL, STVA_DB_ERROR_INVALID, "'0' (label 'yes') is not a key" },
    { "s7", two, 2, long_key, NULL, STVA_DB_ERROR_INVALID, "'ab' (label 'no') is not a key" },
    { "s8", two, 2, empty_key, NULL, STVA_DB_ERROR_INVALID, "'' (label 'yes') is not a key" },
    { "s9", two, 2, comma_key, NULL, STVA_DB_ERROR_INVALID, "',' (label 'yes') is not a key" },
    { "s10", two, 2, same_key, NULL, STVA_DB_ERROR_INVALID,
      "key 'C' is given to both 'yes' and 'no'" },
    { "s11", two, 2, NULL, short_colour, STVA_DB_ERROR_INVALID,
      "'#fff' (label 'yes') is not a colour (#rrggbb)" },
    { "s12", two, 2, NULL, not_hex, STVA_DB_ERROR_INVALID, "'#00000g' (label 'yes')" },
    { "s13", two, 2, NULL, no_hash, STVA_DB_ERROR_INVALID, "is not a colour" },
    { "", two, 2, NULL, NULL, STVA_DB_ERROR_INVALID, "needs a name" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (stva_db_add_label_set (db, cases[i].name, "", cases[i].labels,
                                              cases[i].colours, cases[i].keys, cases[i].n,
                                              &error), ==, 0);
      g_assert_error (error, STVA_DB_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL
          || strstr (error->message, stva_db_path (db)) == NULL)
        g_error ("case %u: '%s' does not name the project and say '%s'", i, error->message,
                 cases[i].says);
      g_clear_error (&error);
    }
  g_assert_cmpint (dbt_query_int (stva_db_path (db), "SELECT count (*) FROM label_set"), ==,
                   n_sets);
  g_assert_cmpint (n_labels_in (db), ==, n_labels);
  g_assert_true (stva_db_check (db, &error));
  g_clear_pointer (&db, stva_db_close);
  dbt_rm_rf (dir);
}

/* A large set works end to end: gold labels from a CSV import in it, read back by name. */
static void
test_large_set_in_use (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autoptr (StvaDb) db = dbt_open (dir, "p");
  GError *error = NULL;
  g_auto (GStrv) names = label_names (30);
  g_assert_cmpint (stva_db_add_label_set (db, "big", "", (const char *const *) names, NULL, NULL,
                                          30, &error), >, 0);
  g_autofree char *csv = g_build_filename (dir, "t.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "dia,text,label\nd,a,l0\nd,b,l29\nd,c,L17\n", -1,
                                      NULL));
  g_assert_true (stva_db_import_csv (db, csv, "dialogue=dia,text=text,label=label", "big",
                                     "train", NULL, &error));
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, "big", &error);
  g_autoptr (GPtrArray) stats = stva_db_class_stats (db, set->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 30);
  g_assert_cmpint (((StvaDbClassStats *) stats->pdata[0])->gold, ==, 1);
  g_assert_cmpint (((StvaDbClassStats *) stats->pdata[17])->gold, ==, 1);
  g_assert_cmpint (((StvaDbClassStats *) stats->pdata[29])->gold, ==, 1);
  g_assert_cmpint (((StvaDbClassStats *) stats->pdata[5])->gold, ==, 0);
  g_clear_pointer (&db, stva_db_close);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/label-sets/defaults", test_defaults);
  g_test_add_func ("/db/label-sets/refused", test_refused);
  g_test_add_func ("/db/label-sets/large-set-in-use", test_large_set_in_use);
  return g_test_run ();
}
