/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exporters: the flat CSV and JSONL carry every utterance with gold, current, each annotator's
 * label and the prediction; the MELD export round-trips (import → export → import gives the
 * same rows, with the corrected labels as the new gold, and exporting again gives the same
 * bytes).
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "db-test.h"

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

/* alice and bob label an utterance each; a model predicts utterance 0. */
static void
add_labels (Fixture *f)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  gint64 bob = stva_db_annotator (f->db, "bob, the \"second\"", NULL, &error);
  f->model = stva_db_add_model (f->db, "m1", "hash1", f->set->id, NULL, NULL, &error);
  gint64 u0 = f->utt[0], u1 = f->utt[1];   /* the first two of the first dialogue */
  /* alice: utterance 0 is anger (gold surprise); bob: utterance 1 is joy (gold neutral) */
  stva_db_set_label (f->db, u0, f->set->id, alice, stva_db_label_set_find (f->set, "anger")->id,
                     f->model, NULL, &error);
  stva_db_set_label (f->db, u1, f->set->id, bob, stva_db_label_set_find (f->set, "joy")->id, 0,
                     NULL, &error);
  float p[7] = { 0.05f, 0.1f, 0.6f, 0.15f, 0.05f, 0.03f, 0.02f };
  g_assert_true (stva_db_put_prediction (f->db, f->model, u0, p, 7, NULL, NULL, &error));
  g_assert_no_error (error);
}

static const DbtFixtureStep labels = { add_labels };

static int
column (GPtrArray  *header,
        const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (strcmp (g_ptr_array_index (header, i), name) == 0)
      return (int) i;
  g_error ("no column '%s'", name);
  return -1;
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.csv", NULL);
  GError *error = NULL;
  g_assert_true (stva_db_export_csv (f->db, f->set->id, 0, path, &error));
  g_assert_no_error (error);
  g_autoptr (StvaCsvReader) r = stva_csv_reader_new (path, &error);
  GPtrArray *fields;
  g_assert_true (stva_csv_reader_next (r, &fields, &error));
  g_autoptr (GPtrArray) header = g_ptr_array_copy (fields, (GCopyFunc) (void *) g_strdup, NULL);
  g_ptr_array_set_free_func (header, g_free);
  int c_text = column (header, "text"), c_gold = column (header, "gold"),
      c_cur = column (header, "current"), c_alice = column (header, "annotator:alice"),
      c_bob = column (header, "annotator:bob, the \"second\""),
      c_pred = column (header, "predicted"), c_p = column (header, "p:surprise"),
      c_start = column (header, "start_ms");
  int n = 0;
  while (stva_csv_reader_next (r, &fields, &error))
    {
      g_assert_cmpuint (fields->len, ==, header->len);
      const char *const *v = (const char *const *) fields->pdata;
      if (n == 0)
        {
          g_assert_cmpstr (v[c_text], ==, "Oh my God, he\xe2\x80\x99s lost it.");
          g_assert_cmpstr (v[c_gold], ==, "surprise");
          g_assert_cmpstr (v[c_cur], ==, "anger");
          g_assert_cmpstr (v[c_alice], ==, "anger");
          g_assert_cmpstr (v[c_bob], ==, "");
          g_assert_cmpstr (v[c_pred], ==, "surprise");
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (v[c_p], NULL), 0.6, 1e-6);
          g_assert_cmpstr (v[c_start], ==, "100");
        }
      if (n == 1)
        {
          g_assert_cmpstr (v[c_bob], ==, "joy");
          g_assert_cmpstr (v[c_cur], ==, "joy");
          g_assert_cmpstr (v[c_pred], ==, "");
        }
      if (n == 2)
        g_assert_cmpstr (v[c_text], ==, "Two lines,\r\nhere");
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 9);
}

static void
test_jsonl (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.jsonl", NULL);
  GError *error = NULL;
  g_assert_true (stva_db_export_jsonl (f->db, f->set->id, 0, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);   /* nine rows and the empty tail */
  g_assert_cmpstr (lines[9], ==, "");
  for (int i = 0; i < 9; i++)
    {
      g_autoptr (JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, lines[i], -1, &error));
      g_assert_no_error (error);
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      g_assert_cmpstr (json_object_get_string_member (o, "split"), ==, i < 5 ? "train"
                                                                             : i < 7 ? "dev"
                                                                                     : "test");
      JsonObject *annotators = json_object_get_object_member (o, "annotators");
      if (i == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "speaker"), ==, "Monica");
          g_assert_cmpstr (json_object_get_string_member (o, "current"), ==, "anger");
          g_assert_cmpstr (json_object_get_string_member (annotators, "alice"), ==, "anger");
          JsonObject *pred = json_object_get_object_member (o, "prediction");
          g_assert_cmpstr (json_object_get_string_member (pred, "model"), ==, "m1");
          JsonObject *probs = json_object_get_object_member (pred, "probabilities");
          g_assert_cmpuint (json_object_get_size (probs), ==, 7);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (probs, "surprise"),
                                          0.6, 1e-6);
          g_assert_cmpint (json_object_get_int_member (o, "end_ms"), ==, 2000);
        }
      else
        g_assert_true (json_object_get_null_member (o, "prediction"));
      if (i == 1)
        g_assert_cmpstr (json_object_get_string_member (annotators, "bob, the \"second\""), ==,
                         "joy");
      if (i == 2)
        g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "Two lines,\r\nhere");
    }
}

static void
assert_same_rows (StvaDb *a,
                  StvaDb *b)
{
  GError *error = NULL;
  g_autoptr (StvaDbLabelSet) sa = stva_db_label_set (a, "meld", &error);
  g_autoptr (StvaDbLabelSet) sb = stva_db_label_set (b, "meld", &error);
  g_autoptr (GPtrArray) da = stva_db_dialogues (a, sa->id, &error);
  g_autoptr (GPtrArray) db = stva_db_dialogues (b, sb->id, &error);
  g_assert_cmpuint (da->len, ==, db->len);
  for (guint d = 0; d < da->len; d++)
    {
      StvaDbDialogue *x = g_ptr_array_index (da, d), *y = g_ptr_array_index (db, d);
      g_assert_cmpstr (x->split, ==, y->split);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->source_id, ==, y->source_id);
      g_autoptr (GPtrArray) ua = stva_db_utterances (a, x->id, sa->id, 0, &error);
      g_autoptr (GPtrArray) ub = stva_db_utterances (b, y->id, sb->id, 0, &error);
      g_assert_cmpuint (ua->len, ==, ub->len);
      for (guint i = 0; i < ua->len; i++)
        {
          StvaDbUtterance *p = g_ptr_array_index (ua, i), *q = g_ptr_array_index (ub, i);
          g_assert_cmpint (p->idx, ==, q->idx);
          g_assert_cmpint (p->source_id, ==, q->source_id);
          g_assert_cmpstr (p->speaker, ==, q->speaker);
          g_assert_cmpstr (p->transcript, ==, q->transcript);
          g_assert_cmpint (p->start_ms, ==, q->start_ms);
          g_assert_cmpint (p->end_ms, ==, q->end_ms);
          /* the corrected label of the first project is the gold label of the second */
          g_assert_cmpstr (stva_db_label_set_by_label (sa, p->current_label_id)->name, ==,
                           stva_db_label_set_by_label (sb, q->gold_label_id)->name);
        }
    }
}

static void
test_meld_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *out1 = g_build_filename (f->dir, "export1", NULL);
  g_assert_true (stva_db_export_meld (f->db, out1, &error));
  g_assert_no_error (error);

  StvaDb *db2 = dbt_open (f->dir, "second");
  StvaDbImportReport report;
  g_assert_true (stva_db_import_meld (db2, out1, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_utterances, ==, 9);
  stva_db_import_report_clear (&report);
  assert_same_rows (f->db, db2);

  g_autofree char *out2 = g_build_filename (f->dir, "export2", NULL);
  g_assert_true (stva_db_export_meld (db2, out2, &error));
  const char *names[] = { "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv" };
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *p1 = g_build_filename (out1, names[i], NULL);
      g_autofree char *p2 = g_build_filename (out2, names[i], NULL);
      g_autofree char *c1 = NULL, *c2 = NULL;
      gsize n1 = 0, n2 = 0;
      g_assert_true (g_file_get_contents (p1, &c1, &n1, NULL));
      g_assert_true (g_file_get_contents (p2, &c2, &n2, NULL));
      g_assert_cmpmem (c1, n1, c2, n2);
    }
  /* without corrections the export equals the source files row for row */
  g_autofree char *orig = g_build_filename (f->dir, "meld", "dev_sent_emo.csv", NULL);
  g_autofree char *again = g_build_filename (out1, "dev_sent_emo.csv", NULL);
  g_autofree char *c1 = NULL, *c2 = NULL;
  gsize n1 = 0, n2 = 0;
  g_file_get_contents (orig, &c1, &n1, NULL);
  g_file_get_contents (again, &c2, &n2, NULL);
  g_assert_cmpmem (c1, n1, c2, n2);
  stva_db_close (db2);
}

/* The flat CSV export read back through the generic CSV importer with a column mapping. */
static void
test_csv_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "flat.csv", NULL);
  g_assert_true (stva_db_export_csv (f->db, f->set->id, 0, path, &error));
  StvaDb *db2 = dbt_open (f->dir, "from-csv");
  StvaDbImportReport report;
  g_assert_true (stva_db_import_csv (db2, path, "dialogue=dialogue,split=split,index=source_id,"
                                     "speaker=speaker,text=text,start_ms=start_ms,"
                                     "end_ms=end_ms,label=current", NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 4);
  g_assert_cmpint (report.n_utterances, ==, 9);
  stva_db_import_report_clear (&report);
  g_autoptr (GPtrArray) da = stva_db_dialogues (f->db, f->set->id, &error);
  g_autoptr (GPtrArray) db = stva_db_dialogues (db2, f->set->id, &error);
  g_assert_cmpuint (da->len, ==, db->len);
  for (guint d = 0; d < da->len; d++)
    {
      StvaDbDialogue *x = da->pdata[d], *y = db->pdata[d];
      g_assert_cmpstr (x->split, ==, y->split);
      g_assert_cmpstr (x->name, ==, y->name);
      g_autoptr (GPtrArray) ua = stva_db_utterances (f->db, x->id, f->set->id, 0, &error);
      g_autoptr (GPtrArray) ub = stva_db_utterances (db2, y->id, f->set->id, 0, &error);
      g_assert_cmpuint (ua->len, ==, ub->len);
      for (guint i = 0; i < ua->len; i++)
        {
          StvaDbUtterance *p = ua->pdata[i], *q = ub->pdata[i];
          g_assert_cmpstr (p->speaker, ==, q->speaker);
          g_assert_cmpstr (p->transcript, ==, q->transcript);
          g_assert_cmpint (p->start_ms, ==, q->start_ms);
          g_assert_cmpint (p->end_ms, ==, q->end_ms);
          g_assert_cmpint (p->current_label_id, ==, q->gold_label_id);
        }
    }
  /* mapping and data errors */
  g_assert_false (stva_db_import_csv (db2, path, "dialogue=dialogue", NULL, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (stva_db_import_csv (db2, path, "dialogue=nope,text=text", NULL, NULL, NULL,
                                      &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "no column 'nope'"));
  g_clear_error (&error);
  g_assert_false (stva_db_import_csv (db2, path, "dialogue=dialogue,text=text,label=speaker",
                                      NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, ":2: column 'speaker' (label): 'Monica'"));
  g_clear_error (&error);
  g_assert_false (stva_db_import_csv (db2, path, "dialogue=dialogue,text=text,start=speaker",
                                      NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "is not a time"));
  g_clear_error (&error);
  stva_db_close (db2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/db/export/csv", Fixture, &labels, dbt_fixture_setup, test_csv,
              dbt_fixture_teardown);
  g_test_add ("/db/export/jsonl", Fixture, &labels, dbt_fixture_setup, test_jsonl,
              dbt_fixture_teardown);
  g_test_add ("/db/export/csv-round-trip", Fixture, &labels, dbt_fixture_setup, test_csv_round_trip,
              dbt_fixture_teardown);
  g_test_add ("/db/export/meld-round-trip", Fixture, &labels, dbt_fixture_setup,
              test_meld_round_trip, dbt_fixture_teardown);
  return g_test_run ();
}
