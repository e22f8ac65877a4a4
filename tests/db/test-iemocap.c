/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IEMOCAP importer on a miniature release written here: utterances in time order with
 * speakers and times, majority labels as gold (xxx left out, exc merged into hap in the
 * four-class set), every evaluator's label as an annotator's, which agreement measures but
 * which neither counts as a review nor changes the current label; malformed files refused.
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "db-test.h"

static void
write_file (const char *root,
            const char *rel,
            const char *text)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
write_release (const char *root)
{
  write_file (root, "Session1/dialog/transcriptions/Ses01F_impro01.txt",
              "Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me.\n"
              "Ses01F_impro01_M000 [007.5712-010.4750]: Do you have your forms?\n"
              "M: [BREATHING]\n"
              "Ses01F_impro01_F001 [010.0100-011.3000]: Yeah.\n");
  write_file (root, "Session1/dialog/EmoEvaluation/Ses01F_impro01.txt",
              "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n"
              "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]\n"
              "C-E2:\tNeutral;\t()\n"
              "C-E3:\tNeutral;\t()\n"
              "C-E4:\tNeutral;\t()\n"
              "A-E3:\tval 3; act 2; dom  2;\t()\n\n"
              "[7.5712 - 10.4750]\tSes01F_impro01_M000\txxx\t[2.5000, 2.5000, 2.5000]\n"
              "C-E2:\tFrustration;\t()\n"
              "C-E3:\tAnger; Frustration;\t()\n"
              "C-E4:\tSurprise;\t()\n\n"
              "[10.0100 - 11.3000]\tSes01F_impro01_F001\texc\t[3.0, 3.5, 3.0]\n"
              "C-E2:\tExcited;\t()\n"
              "C-E3:\tHappiness;\t()\n"
              "C-E4:\tExcited; Happiness;\t()\n");
  write_file (root, "Session1/dialog/avi/DivX/Ses01F_impro01.avi", "video");
  write_file (root, "Session5/dialog/transcriptions/Ses05M_script01_1.txt",
              "Ses05M_script01_1_M000 [001.0000-002.0000]: Hi.\n"
              "Ses05M_script01_1_F000 [002.5000-003.0000]: Bye.\n");
  write_file (root, "Session5/dialog/EmoEvaluation/Ses05M_script01_1.txt",
              "[1.0000 - 2.0000]\tSes05M_script01_1_M000\tang\t[1.0, 4.0, 4.0]\n"
              "C-E1:\tAnger;\t()\n"
              "C-E2:\tAnger;\t()\n"
              "[2.5000 - 3.0000]\tSes05M_script01_1_F000\tsad\t[1.0, 1.0, 1.0]\n"
              "C-E1:\tSadness;\t()\n"
              "C-E2:\tNeutral;\t()\n");
}

static const char *
name_of (const StvaDbLabelSet *set,
         gint64                id)
{
  const StvaDbLabel *l = stva_db_label_set_by_label (set, id);
  return l ? l->name : NULL;
}

static void
test_release (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *root = g_build_filename (dir, "IEMOCAP_full_release", NULL);
  write_release (root);
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  StvaDbImportReport report;
  g_assert_true (stva_db_import_iemocap (db, root, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 2);
  g_assert_cmpint (report.n_utterances, ==, 5);
  g_assert_cmpint (report.n_dialogue_videos, ==, 1);
  stva_db_import_report_clear (&report);

  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, "iemocap-6", &error);
  g_autoptr (GPtrArray) d = stva_db_dialogues (db, set->id, &error);
  g_assert_cmpuint (d->len, ==, 2);
  StvaDbDialogue *d0 = d->pdata[0], *d1 = d->pdata[1];
  g_assert_cmpstr (d0->name, ==, "Ses01F_impro01");
  g_assert_cmpstr (d0->split, ==, "train");
  g_assert_cmpstr (d1->split, ==, "test");
  g_assert_cmpint (d0->n_reviewed, ==, 0);   /* evaluators are not studio reviews */
  g_assert_true (g_str_has_suffix (d0->media_path, "avi/DivX/Ses01F_impro01.avi"));
  g_autoptr (GPtrArray) u = stva_db_utterances (db, d0->id, set->id, 0, &error);
  g_assert_cmpuint (u->len, ==, 3);
  StvaDbUtterance *u0 = u->pdata[0], *u1 = u->pdata[1], *u2 = u->pdata[2];
  g_assert_cmpstr (u0->speaker, ==, "Ses01_F");
  g_assert_cmpstr (u1->speaker, ==, "Ses01_M");
  g_assert_cmpint (u0->start_ms, ==, 6290);
  g_assert_cmpint (u1->end_ms, ==, 10475);
  g_assert_cmpstr (u1->transcript, ==, "Do you have your forms?");
  g_assert_cmpstr (name_of (set, u0->gold_label_id), ==, "neu");
  g_assert_cmpint (u1->gold_label_id, ==, 0);   /* xxx: no agreement */
  g_assert_cmpstr (name_of (set, u2->current_label_id), ==, "exc");
  g_assert_false (u2->reviewed);

  /* the evaluators as raters: units with two or more ratings in the set */
  StvaDbAgreement a;
  g_assert_true (stva_db_agreement (db, set->id, FALSE, 0, &a, &error));
  g_assert_cmpuint (a.n_raters, ==, 4);   /* C-E1 .. C-E4 */
  g_assert_cmpstr (a.raters[0], ==, "IEMOCAP C-E1");
  g_assert_cmpuint (a.n_units, ==, 5);
  g_assert_true (isfinite (a.alpha));
  stva_db_agreement_clear (&a);
  /* annotator disagreement finds the frustration/anger turn and the excited/happy one */
  g_autoptr (GArray) q = stva_db_review_queue (db, set->id, 0,
                                               STVA_DB_QUEUE_ANNOTATOR_DISAGREEMENT, TRUE, 0,
                                               &error);
  g_assert_cmpuint (q->len, ==, 3);

  /* the four-class set merges exc into hap */
  g_autofree char *root4 = g_build_filename (dir, "four", NULL);
  write_release (root4);
  StvaDb *db4 = dbt_open (dir, "four");
  g_assert_true (stva_db_import_iemocap (db4, root4, "iemocap-4", NULL, &error));
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set4 = stva_db_label_set (db4, "iemocap-4", &error);
  g_autoptr (GPtrArray) d4 = stva_db_dialogues (db4, set4->id, &error);
  g_autoptr (GPtrArray) u4 = stva_db_utterances (db4, ((StvaDbDialogue *) d4->pdata[0])->id,
                                                 set4->id, 0, &error);
  g_assert_cmpstr (name_of (set4, ((StvaDbUtterance *) u4->pdata[2])->gold_label_id), ==, "hap");
  stva_db_close (db4);

  /* again: refused whole */
  g_assert_false (stva_db_import_iemocap (db, root, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

static void
test_malformed (void)
{
  g_autofree char *dir = dbt_tmpdir ();
  g_autofree char *root = g_build_filename (dir, "rel", NULL);
  write_release (root);
  write_file (root, "Session5/dialog/transcriptions/Ses05M_script01_1.txt",
              "Ses05M_script01_1_M000 [001.0000-two]: Hi.\n");
  StvaDb *db = dbt_open (dir, "p");
  GError *error = NULL;
  g_assert_false (stva_db_import_iemocap (db, root, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "Ses05M_script01_1.txt:1:"));
  g_clear_error (&error);
  StvaDbCounts c;
  stva_db_counts (db, &c, &error);
  g_assert_cmpint (c.n_utterances[0] + c.n_utterances[2], ==, 0);
  g_assert_cmpint (c.n_corrections, ==, 0);
  g_assert_false (stva_db_import_iemocap (db, dir, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "not an IEMOCAP release"));
  g_clear_error (&error);
  stva_db_close (db);
  dbt_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/iemocap/release", test_release);
  g_test_add_func ("/db/iemocap/malformed", test_malformed);
  return g_test_run ();
}
