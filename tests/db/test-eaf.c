/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ELAN EAF: the exported file has the structure formats.md lists (element order, time slot
 * and parent references, unique ids, lastUsedAnnotationId, vocabulary), and it round-trips
 * through our reader: same utterances, speakers, times and labels.  Malformed files are refused
 * with file and line, writing nothing.
 */
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "db-test.h"

typedef DbtFixture Fixture;   /* the tiny corpus in a project (db-test.h) */

/* alice labels utterance 0; a model predicts utterances 0 and 1. */
static void
add_labels (Fixture *f)
{
  GError *error = NULL;
  gint64 alice = stva_db_annotator (f->db, "alice", NULL, &error);
  stva_db_set_label (f->db, f->utt[0], f->set->id, alice,
                     stva_db_label_set_find (f->set, "anger")->id, 0, NULL, &error);
  gint64 model = stva_db_add_model (f->db, "m", "h", f->set->id, NULL, NULL, &error);
  float p[7] = { 0.1f, 0.1f, 0.1f, 0.55f, 0.05f, 0.05f, 0.05f };
  for (guint i = 0; i < 2; i++)
    stva_db_put_prediction (f->db, model, f->utt[i], p, 7, NULL, NULL, &error);
  g_assert_no_error (error);
}

static const DbtFixtureStep labels = { add_labels };

static char *
attr (xmlNodePtr  n,
      const char *name)
{
  xmlChar *v = xmlGetProp (n, BAD_CAST name);
  char *s = g_strdup ((const char *) v);
  xmlFree (v);
  return s;
}

static gboolean
element (xmlNodePtr  n,
         const char *name)
{
  return n->type == XML_ELEMENT_NODE && strcmp ((const char *) n->name, name) == 0;
}

/* The checks an ELAN-readable file must pass (formats.md, "Rules a writer must keep"). */
static void
check_structure (const char *path)
{
  xmlDocPtr doc = xmlReadFile (path, NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  g_assert_true (element (root, "ANNOTATION_DOCUMENT"));
  g_autofree char *format = attr (root, "FORMAT");
  g_assert_cmpstr (format, ==, "3.0");
  static const char *const order[] = {
    "LICENSE", "HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE",
    "CONSTRAINT", "CONTROLLED_VOCABULARY", "LEXICON_REF", "EXTERNAL_REF",
  };
  guint at = 0;
  g_autoptr (GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) cvs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) cv_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
  long last_used = -1, max_id = 0;
  for (xmlNodePtr n = root->children; n; n = n->next)
    {
      if (n->type != XML_ELEMENT_NODE)
        continue;
      while (at < G_N_ELEMENTS (order) && !element (n, order[at]))
        at++;
      if (at == G_N_ELEMENTS (order))
        g_error ("element %s out of the schema's order", n->name);
      if (element (n, "HEADER"))
        for (xmlNodePtr p = n->children; p; p = p->next)
          if (element (p, "PROPERTY"))
            {
              xmlChar *c = xmlNodeGetContent (p);
              last_used = strtol ((const char *) c, NULL, 10);
              xmlFree (c);
            }
      if (element (n, "TIME_ORDER"))
        for (xmlNodePtr t = n->children; t; t = t->next)
          if (element (t, "TIME_SLOT"))
            g_hash_table_add (slots, attr (t, "TIME_SLOT_ID"));
      if (element (n, "LINGUISTIC_TYPE"))
        g_hash_table_add (types, attr (n, "LINGUISTIC_TYPE_ID"));
      if (element (n, "CONTROLLED_VOCABULARY"))
        {
          g_hash_table_add (cvs, attr (n, "CV_ID"));
          for (xmlNodePtr e = n->children; e; e = e->next)
            if (element (e, "CV_ENTRY_ML"))
              for (xmlNodePtr v = e->children; v; v = v->next)
                if (element (v, "CVE_VALUE"))
                  g_hash_table_add (cv_values, (char *) xmlNodeGetContent (v));
        }
    }
  /* tiers: references resolve, ids are unique */
  for (xmlNodePtr n = root->children; n; n = n->next)
    {
      if (element (n, "LINGUISTIC_TYPE"))
        {
          g_autofree char *cv = attr (n, "CONTROLLED_VOCABULARY_REF");
          g_assert_true (cv == NULL || g_hash_table_contains (cvs, cv));
        }
      if (!element (n, "TIER"))
        continue;
      g_autofree char *tier = attr (n, "TIER_ID");
      g_autofree char *type = attr (n, "LINGUISTIC_TYPE_REF");
      g_autofree char *parent = attr (n, "PARENT_REF");
      g_assert_true (g_hash_table_contains (types, type));
      for (xmlNodePtr a = n->children; a; a = a->next)
        for (xmlNodePtr b = element (a, "ANNOTATION") ? a->children : NULL; b; b = b->next)
          {
            if (b->type != XML_ELEMENT_NODE)
              continue;
            char *id = attr (b, "ANNOTATION_ID");
            g_assert_false (g_hash_table_contains (ids, id));
            max_id = MAX (max_id, strtol (id + 1, NULL, 10));
            g_hash_table_insert (ids, id, g_strdup (tier));
            if (element (b, "ALIGNABLE_ANNOTATION"))
              {
                g_autofree char *r1 = attr (b, "TIME_SLOT_REF1");
                g_autofree char *r2 = attr (b, "TIME_SLOT_REF2");
                g_assert_true (g_hash_table_contains (slots, r1));
                g_assert_true (g_hash_table_contains (slots, r2));
                g_assert_null (parent);
                if (g_str_has_prefix (tier, "Emotion-"))
                  {
                    xmlChar *v = xmlNodeGetContent (b);
                    g_assert_true (g_hash_table_contains (cv_values, g_strstrip ((char *) v)));
                    xmlFree (v);
                  }
              }
            else
              {
                g_assert_true (element (b, "REF_ANNOTATION"));
                g_autofree char *ref = attr (b, "ANNOTATION_REF");
                g_assert_nonnull (parent);
                g_assert_cmpstr (g_hash_table_lookup (ids, ref), ==, parent);
              }
          }
    }
  g_assert_cmpint (last_used, ==, max_id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 3 + 3 + 3 + 2 + 2);
  xmlFreeDoc (doc);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "dia0.eaf", NULL);
  g_assert_true (stva_db_export_eaf (f->db, f->dia[0], f->set->id, 0, path, &error));
  g_assert_no_error (error);
  check_structure (path);

  for (int current = 0; current < 2; current++)
    {
      StvaDb *db2 = dbt_open (f->dir, current ? "back-current" : "back-gold");
      StvaDbImportReport report;
      g_assert_true (stva_db_import_eaf (db2, path, current ? "Emotion-current" : NULL, "train",
                                         &report, &error));
      g_assert_no_error (error);
      g_assert_cmpint (report.n_utterances, ==, 3);
      g_assert_cmpint (report.n_dialogue_videos, ==, 1);
      stva_db_import_report_clear (&report);
      g_autoptr (GPtrArray) d = stva_db_dialogues (db2, 1, &error);
      g_assert_cmpstr (((StvaDbDialogue *) d->pdata[0])->name, ==, "dia0");
      g_assert_true (g_str_has_suffix (((StvaDbDialogue *) d->pdata[0])->media_path,
                                       "dialogues/train/dia0.mp4"));
      g_autoptr (GPtrArray) a = stva_db_utterances (f->db, f->dia[0], 1, 0, &error);
      g_autoptr (GPtrArray) b = stva_db_utterances (db2, ((StvaDbDialogue *) d->pdata[0])->id, 1,
                                                    0, &error);
      g_assert_cmpuint (a->len, ==, b->len);
      for (guint i = 0; i < a->len; i++)
        {
          StvaDbUtterance *x = a->pdata[i], *y = b->pdata[i];
          g_assert_cmpstr (x->speaker, ==, y->speaker);
          g_assert_cmpstr (x->transcript, ==, y->transcript);
          g_assert_cmpint (x->start_ms, ==, y->start_ms);
          g_assert_cmpint (x->end_ms, ==, y->end_ms);
          g_assert_cmpint (current ? x->current_label_id : x->gold_label_id, ==,
                           y->gold_label_id);
        }
      g_assert_false (stva_db_import_eaf (db2, path, NULL, "train", NULL, &error));
      g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
      g_clear_error (&error);
      stva_db_close (db2);
    }
}

static void
expect_refused (Fixture    *f,
                const char *contents,
                const char *words)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.eaf", NULL);
  g_file_set_contents (path, contents, -1, NULL);
  GError *error = NULL;
  StvaDbCounts before, after;
  stva_db_counts (f->db, &before, &error);
  g_assert_false (stva_db_import_eaf (f->db, path, NULL, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  if (strstr (error->message, words) == NULL || strstr (error->message, path) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_clear_error (&error);
  stva_db_counts (f->db, &after, &error);
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
}

#define DOC(tiers) "<?xml version=\"1.0\"?>\n<ANNOTATION_DOCUMENT>"                          \
  "<HEADER TIME_UNITS=\"milliseconds\"/>"                                                      \
  "<TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"ts1\" TIME_VALUE=\"0\"/>"                             \
  "<TIME_SLOT TIME_SLOT_ID=\"ts2\" "                                                           \
  "TIME_VALUE=\"900\"/></TIME_ORDER>" tiers "<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID=\"u\" " \
  "TIME_ALIGNABLE=\"true\"/><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID=\"e\" TIME_ALIGNABLE=\"true\" " \
  "CONTROLLED_VOCABULARY_REF=\"meld\"/></ANNOTATION_DOCUMENT>\n"
#define ANN(id, r1, r2, v) "<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"" id "\" " \
  "TIME_SLOT_REF1=\"" r1 "\" TIME_SLOT_REF2=\"" r2 "\"><ANNOTATION_VALUE>" v \
  "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>"

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  expect_refused (f, "<ANNOTATION_DOCUMENT><HEADER>\n<oops></ANNOTATION_DOCUMENT>",
                  "not well-formed");
  expect_refused (f, "<?xml version=\"1.0\"?><TEI/>", "not an ELAN file");
  expect_refused (f, DOC ("<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"u\">" ANN ("a1", "ts1", "ts9",
                          "Hi") "</TIER><TIER TIER_ID=\"Emotion-gold\" LINGUISTIC_TYPE_REF=\"e\">"
                          "</TIER>"), "time slot that is missing");
  expect_refused (f, DOC ("<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"u\">" ANN ("a1", "ts1", "ts2",
                          "Hi") "</TIER><TIER TIER_ID=\"Emotion-gold\" LINGUISTIC_TYPE_REF=\"e\">"
                          ANN ("a2", "ts1", "ts2", "glee") "</TIER>"), "'glee' is not in");
  expect_refused (f, DOC ("<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"u\">" ANN ("a1", "ts1", "ts2",
                          "Hi") "</TIER>"), "no tier called 'Emotion-gold'");
  expect_refused (f, DOC ("<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"zz\"/>"), "undefined type");
  expect_refused (f, "", "empty file");
  /* a directory: GLib's reading error, not libxml2's "I/O error" and an empty document */
  GError *error = NULL;
  g_assert_false (stva_db_import_eaf (f->db, f->dir, NULL, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "directory"));
  g_clear_error (&error);
  /* an external entity is not fetched nor expanded */
  expect_refused (f, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"/etc/passwd\">]>"
                  "<ANNOTATION_DOCUMENT>&e;</ANNOTATION_DOCUMENT>", "no tier called");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/db/eaf/round-trip", Fixture, &labels, dbt_fixture_setup, test_round_trip,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/refused", Fixture, &labels, dbt_fixture_setup, test_refused,
              dbt_fixture_teardown);
  return g_test_run ();
}
