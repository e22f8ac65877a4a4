/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project as core's dataset: splits, dialogue order, speakers, gold or corrected labels,
 * features with masks for the modalities present, and ids that lead predictions back.
 */
#include <stdlib.h>
#include <string.h>

#include "db-test.h"
#include "stva-npz.h"

static void
test_dataset (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, "meld", &error);

  /* text for every utterance (4 values: id, 1, 2, 3), audio for the first three only */
  for (gint64 id = 1; id <= 9; id++)
    {
      float x[4] = { (float) id, 1, 2, 3 }, a[2] = { -(float) id, 0.5f };
      g_assert_true (stva_db_put_feature (db, id, "text", "bow", "1", x, 4, &error));
      if (id <= 3)
        g_assert_true (stva_db_put_feature (db, id, "audio", "prosody", "1", a, 2, &error));
    }
  gint64 alice = stva_db_annotator (db, "alice", NULL, &error);
  stva_db_set_label (db, 1, set->id, alice, stva_db_label_set_find (set, "fear")->id, 0, NULL,
                     &error);
  g_assert_no_error (error);

  for (int current = 0; current < 2; current++)
    {
      StvaDataset *ds = stva_db_dataset (db, set->id, current, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (ds->n_dialogues, ==, 4);
      g_assert_cmpint (ds->K, ==, 7);
      g_assert_cmpstr (ds->labels[6], ==, "fear");
      g_assert_cmpint (ds->F[STVA_MOD_T], ==, 4);
      g_assert_cmpint (ds->F[STVA_MOD_A], ==, 2);
      g_assert_cmpint (ds->F[STVA_MOD_V], ==, 0);
      const StvaDialogue *d0 = &ds->dialogues[0];
      g_assert_cmpstr (d0->id, ==, "train/dia0");
      g_assert_cmpint (d0->split, ==, STVA_SPLIT_TRAIN);
      g_assert_cmpint (d0->T, ==, 3);
      g_assert_cmpint (ds->dialogues[2].split, ==, STVA_SPLIT_DEV);
      g_assert_cmpint (ds->dialogues[3].split, ==, STVA_SPLIT_TEST);
      g_assert_cmpstr (d0->utt_id[1], ==, "2");
      g_assert_cmpint (d0->label[0], ==, current ? 6 : 2);   /* fear if corrected, else surprise */
      g_assert_cmpint (d0->label[1], ==, 0);
      g_assert_cmpstr (ds->speakers[d0->speaker[0]], ==, "Monica");
      g_assert_cmpint (d0->speaker[0], ==, d0->speaker[2]);
      g_assert_cmpint (d0->speaker[0], !=, d0->speaker[1]);
      g_assert_cmpfloat (d0->x[STVA_MOD_T][1 * 4 + 0], ==, 2.0f);
      g_assert_cmpint (d0->mask[STVA_MOD_A][2], ==, 1);
      g_assert_cmpint (ds->dialogues[1].mask[STVA_MOD_A][0], ==, 0);
      g_assert_cmpfloat (ds->dialogues[1].x[STVA_MOD_A][0], ==, 0.0f);
      StvaError err = { 0 };
      g_assert_cmpint (stva_dataset_validate (ds, 0, &err), ==, STVA_OK);
      stva_dataset_free (ds);
    }
  const char *pick[3] = { "nope", NULL, NULL };
  g_assert_null (stva_db_dataset (db, set->id, TRUE, pick, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a newer extractor with as many vectors as the old one (a re-extraction after a version
   * bump) is the one chosen, though its name sorts last */
  g_usleep (2000);
  for (gint64 id = 1; id <= 9; id++)
    {
      float x[3] = { (float) id, 7, 7 };
      g_assert_true (stva_db_put_feature (db, id, "text", "zz-new", "2", x, 3, &error));
    }
  StvaDataset *ds = stva_db_dataset (db, set->id, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->F[STVA_MOD_T], ==, 3);
  g_assert_cmpfloat (ds->dialogues[0].x[STVA_MOD_T][1], ==, 7.0f);
  stva_dataset_free (ds);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

/* Export as npz, import the features into another project made from the same corpus: the two
 * datasets agree value for value. */
static void
test_npz (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *corpus = g_build_filename (dir, "meld", NULL);
  dbt_write_meld (corpus);
  StvaDb *db = dbt_open (dir, "p"), *db2 = dbt_open (dir, "q");
  GError *error = NULL;
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_assert_true (stva_db_import_meld (db2, corpus, NULL, &error));
  for (gint64 id = 1; id <= 9; id++)
    {
      float x[3] = { (float) id, 0.25f * (float) id, -1 };
      g_assert_true (stva_db_put_feature (db, id, "visual", "face", "2", x, 3, &error));
    }
  g_autofree char *npz = g_build_filename (dir, "data.npz", NULL);
  g_assert_true (stva_db_export_npz (db, 1, TRUE, npz, &error));
  g_assert_no_error (error);
  StvaDataset *read = NULL;
  StvaError err = { 0 };
  if (stva_npz_read_dataset (npz, &read, &err) != STVA_OK)
    g_error ("%s", err.message);
  g_assert_cmpint (read->n_dialogues, ==, 4);
  g_assert_cmpint (read->F[STVA_MOD_V], ==, 3);
  g_assert_cmpint (read->dialogues[3].label[0], ==, 6);   /* fear */
  stva_dataset_free (read);

  StvaDbImportReport report;
  g_assert_true (stva_db_import_npz_features (db2, npz, "face-from-npz", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 4);
  g_assert_cmpint (report.n_clips, ==, 9);
  stva_db_import_report_clear (&report);
  StvaDataset *a = stva_db_dataset (db, 1, TRUE, NULL, &error);
  StvaDataset *b = stva_db_dataset (db2, 1, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (b->F[STVA_MOD_V], ==, 3);
  for (int d = 0; d < a->n_dialogues; d++)
    g_assert_cmpmem (a->dialogues[d].x[STVA_MOD_V], a->dialogues[d].T * 3 * sizeof (float),
                     b->dialogues[d].x[STVA_MOD_V], b->dialogues[d].T * 3 * sizeof (float));
  stva_dataset_free (a);
  stva_dataset_free (b);

  /* a project with other dialogues: nothing matches, nothing written */
  StvaDb *empty = dbt_open (dir, "empty");
  g_assert_false (stva_db_import_npz_features (empty, npz, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_clear_error (&error);
  g_autofree char *junk = g_build_filename (dir, "junk.npz", NULL);
  g_file_set_contents (junk, "PK\3\4 not really", -1, NULL);
  g_assert_false (stva_db_import_npz_features (db2, junk, NULL, NULL, &error));
  g_assert_error (error, STVA_CORE_ERROR, STVA_ERR_FORMAT);
  g_clear_error (&error);
  stva_db_close (empty);
  stva_db_close (db2);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/dataset/build", test_dataset);
  g_test_add_func ("/db/dataset/npz", test_npz);
  return g_test_run ();
}
