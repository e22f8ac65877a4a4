/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project as core's dataset: splits, dialogue order, speakers, gold or corrected labels,
 * features with masks for the modalities present, and ids that lead predictions back.
 */
#include <stdlib.h>
#include <string.h>

#include "db-test.h"

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
      g_assert_cmpstr (d0->id, ==, "dia0");
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
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/dataset/build", test_dataset);
  return g_test_run ();
}
