/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Merging: two shards of an import, each with its annotators' corrections, merge into a project
 * equal to a single run with the same work; merging again adds nothing; a shard that disagrees
 * about an utterance is reported and the first version kept; label-set clashes are refused.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"

/* Labels by (annotator, utterance position in dialogue order) done in every project. */
typedef struct
{
  const char *annotator;
  guint       utt;       /* position among all utterances in dialogue order */
  const char *label;
} Work;

static const Work work[] = {
  { "alice", 0, "anger" }, { "alice", 3, "fear" }, { "bob", 0, "joy" }, { "alice", 7, "joy" },
  { "bob", 8, "sadness" }, { "alice", 3, NULL /* undo */ }, { "carol", 5, "disgust" },
};

/* Utterance ids of db in dialogue order. */
static GArray *
utterances (StvaDb *db)
{
  GError *error = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) d = stva_db_dialogues (db, 1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < d->len; i++)
    {
      g_autoptr (GPtrArray) u = stva_db_utterances (db, ((StvaDbDialogue *) d->pdata[i])->id, 1,
                                                    0, &error);
      for (guint k = 0; k < u->len; k++)
        g_array_append_val (ids, ((StvaDbUtterance *) u->pdata[k])->id);
    }
  return ids;
}

/* Applies the work whose utterance falls in db (by dialogue name, through positions in full). */
static void
do_work (StvaDb       *db,
         const char   *corpus_positions_from)
{
  GError *error = NULL;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, "meld", &error);
  g_autoptr (GArray) mine = utterances (db);
  for (guint w = 0; w < G_N_ELEMENTS (work); w++)
    {
      /* the full corpus order: train dia0 (3), train dia1 (2), dev dia0 (2), test dia3 (2);
       * shard 0 of 2 holds the dialogues with an even id, shard 1 the odd one */
      static const char *const where[9] = { "t0", "t0", "t0", "t1", "t1", "d0", "d0", "s3",
                                            "s3" };
      static const guint pos[9] = { 0, 1, 2, 0, 1, 0, 1, 0, 1 };
      const char *dia = where[work[w].utt];
      gboolean even = dia[1] == '0';
      guint index;
      if (strcmp (corpus_positions_from, "all") == 0)
        index = work[w].utt;
      else if (strcmp (corpus_positions_from, "even") == 0 && even)
        index = dia[0] == 't' ? pos[work[w].utt] : 3 + pos[work[w].utt];
      else if (strcmp (corpus_positions_from, "odd") == 0 && !even)
        index = dia[0] == 't' ? pos[work[w].utt] : 2 + pos[work[w].utt];
      else
        continue;
      gint64 who = stva_db_annotator (db, work[w].annotator, NULL, &error);
      if (work[w].label == NULL)
        g_assert_cmpint (stva_db_undo (db, who, set->id, &error), >, 0);
      else
        g_assert_cmpint (stva_db_set_label (db, g_array_index (mine, gint64, index), set->id, who,
                                            stva_db_label_set_find (set, work[w].label)->id, 0,
                                            NULL, &error), >, 0);
      g_assert_no_error (error);
    }
}

static char *
export_all (StvaDb     *db,
            const char *dir,
            const char *name)
{
  GError *error = NULL;
  g_autofree char *out = g_build_filename (dir, name, NULL);
  g_assert_true (stva_db_export_meld (db, out, &error));
  g_assert_no_error (error);
  GString *all = g_string_new (NULL);
  const char *files[] = { "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv" };
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *p = g_build_filename (out, files[i], NULL);
      g_autofree char *c = NULL;
      g_file_get_contents (p, &c, NULL, NULL);
      g_string_append (all, c);
    }
  /* each annotator's labels, as the JSONL export shows them (ids removed) */
  g_autofree char *jl = g_build_filename (dir, "x.jsonl", NULL);
  g_assert_true (stva_db_export_jsonl (db, 1, 0, jl, &error));
  g_autofree char *c = NULL;
  g_file_get_contents (jl, &c, NULL, NULL);
  g_auto (GStrv) lines = g_strsplit (c, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *from = strstr (lines[i], "\"split\"");
      g_string_append (all, from ? from : lines[i]);
    }
  return g_string_free (all, FALSE);
}

static void
test_shards (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  GError *error = NULL;

  StvaDb *single = dbt_open (dir, "single");
  g_assert_true (stva_db_import_meld (single, corpus, NULL, &error));
  do_work (single, "all");

  const char *names[2] = { "shard0", "shard1" };
  char *paths[2] = { NULL, NULL };
  for (guint s = 0; s < 2; s++)
    {
      StvaDb *db = dbt_open (dir, names[s]);
      g_assert_true (stva_db_import_meld_shard (db, corpus, s, 2, NULL, &error));
      g_assert_no_error (error);
      do_work (db, s == 0 ? "even" : "odd");
      paths[s] = g_strdup (stva_db_path (db));
      stva_db_close (db);
    }
  StvaDb *merged = dbt_open (dir, "merged");
  StvaDbMergeReport report;
  g_assert_true (stva_db_merge (merged, (const char *const *) paths, 2, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_inputs, ==, 2);
  g_assert_cmpint (report.n_utterances_added, ==, 9);
  g_assert_cmpint (report.n_events_added, ==, (int) G_N_ELEMENTS (work));
  g_assert_cmpuint (report.conflicts->len, ==, 0);
  stva_db_merge_report_clear (&report);
  g_assert_true (stva_db_check (merged, &error));

  g_autofree char *a = export_all (single, dir, "e-single");
  g_autofree char *b = export_all (merged, dir, "e-merged");
  g_assert_cmpstr (a, ==, b);
  StvaDbCounts ca, cb;
  stva_db_counts (single, &ca, &error);
  stva_db_counts (merged, &cb, &error);
  g_assert_cmpint (ca.n_corrections, ==, cb.n_corrections);
  g_assert_cmpint (ca.n_annotators, ==, cb.n_annotators);
  g_assert_cmpint (ca.n_media, ==, cb.n_media);
  g_assert_cmpmem (ca.n_utterances, sizeof ca.n_utterances, cb.n_utterances,
                   sizeof cb.n_utterances);

  /* the same shards again: nothing new */
  g_assert_true (stva_db_merge (merged, (const char *const *) paths, 2, &report, &error));
  g_assert_cmpint (report.n_utterances_added, ==, 0);
  g_assert_cmpint (report.n_events_added, ==, 0);
  g_assert_cmpint (report.n_events_duplicate, ==, (int) G_N_ELEMENTS (work));
  stva_db_merge_report_clear (&report);
  g_autofree char *c = export_all (merged, dir, "e-again");
  g_assert_cmpstr (a, ==, c);

  /* a copy whose first utterance says something else: reported, first version kept */
  g_autofree char *other_corpus = g_build_filename (dir, "other", NULL);
  dbt_write_meld (other_corpus);
  g_autofree char *csv = g_build_filename (other_corpus, "train_sent_emo.csv", NULL);
  g_autofree char *text = NULL;
  g_file_get_contents (csv, &text, NULL, NULL);
  memcpy (strstr (text, "Oh my God"), "Ah my God", 9);
  g_file_set_contents (csv, text, -1, NULL);
  StvaDb *other = dbt_open (dir, "other");
  g_assert_true (stva_db_import_meld (other, other_corpus, NULL, &error));
  const char *other_path[1] = { stva_db_path (other) };
  g_autofree char *other_copy = g_strdup (other_path[0]);
  stva_db_close (other);
  other_path[0] = other_copy;
  g_assert_true (stva_db_merge (merged, other_path, 1, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (report.conflicts, 0), "1 utterances differ"));
  stva_db_merge_report_clear (&report);

  /* into itself: refused */
  const char *self[1] = { stva_db_path (merged) };
  g_assert_false (stva_db_merge (merged, self, 1, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);

  /* a set of the same name with other classes: refused */
  StvaDb *clash = dbt_open (dir, "clash");
  const char *l2[] = { "calm", "tense" }, *l3[] = { "tense", "calm" };
  g_assert_cmpint (stva_db_add_label_set (clash, "arousal", "", l3, NULL, NULL, 2, &error), >, 0);
  g_autofree char *clash_path = g_strdup (stva_db_path (clash));
  stva_db_close (clash);
  g_assert_cmpint (stva_db_add_label_set (merged, "arousal", "", l2, NULL, NULL, 2, &error), >, 0);
  const char *clash_in[1] = { clash_path };
  g_assert_false (stva_db_merge (merged, clash_in, 1, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);

  stva_db_close (merged);
  stva_db_close (single);
  g_free (paths[0]);
  g_free (paths[1]);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/merge/shards", test_shards);
  return g_test_run ();
}
