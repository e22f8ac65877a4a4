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

/* ---- other labs' layouts (tests/db/data/eaf/) --------------------------------------------- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaDbDialogue, stva_db_dialogue_free)

typedef struct
{
  const char *speaker;
  const char *text;
  gint64      start_ms;
  gint64      end_ms;
  const char *label;   /* NULL: none */
} Want;

static char *
layout (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "eaf", name, NULL);
}

/* The counts of every table an import writes: equal before and after a refused one. */
static char *
project_state (StvaDb *db)
{
  static const char *const tables[] = {
    "label_set", "label", "import_run", "dialogue", "utterance", "gold_label", "media",
  };
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", tables[i]);
      g_string_append_printf (s, "%s=%" G_GINT64_FORMAT " ", tables[i],
                              dbt_query_int (stva_db_path (db), sql));
    }
  return g_string_free (s, FALSE);
}

/* The dialogue called name holds want, labels read in set_name. */
static StvaDbDialogue *
check_dialogue (StvaDb     *db,
                const char *name,
                const char *set_name,
                const Want *want,
                guint       n)
{
  GError *error = NULL;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, set_name, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  g_assert_no_error (error);
  StvaDbDialogue *dia = NULL;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = dialogues->pdata[i];
      if (strcmp (d->corpus, "eaf") == 0 && strcmp (d->name, name) == 0)
        dia = g_ptr_array_steal_index (dialogues, i);
    }
  g_assert_nonnull (dia);
  g_autoptr (GPtrArray) utts = stva_db_utterances (db, dia->id, set->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (utts->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const StvaDbUtterance *u = utts->pdata[i];
      const StvaDbLabel *l = stva_db_label_set_by_label (set, u->gold_label_id);
      if (g_strcmp0 (u->speaker, want[i].speaker) != 0 || g_strcmp0 (u->transcript, want[i].text)
          || u->start_ms != want[i].start_ms || u->end_ms != want[i].end_ms
          || g_strcmp0 (l ? l->name : NULL, want[i].label) != 0)
        g_error ("%s, utterance %u: got %s '%s' %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s, "
                 "want %s '%s' %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s", name, i,
                 u->speaker, u->transcript, u->start_ms, u->end_ms, l ? l->name : "(none)",
                 want[i].speaker, want[i].text, want[i].start_ms, want[i].end_ms,
                 want[i].label ? want[i].label : "(none)");
    }
  return dia;
}

static gboolean
has_warning (const StvaDbImportReport *report,
             const char               *words)
{
  for (guint i = 0; report->warnings && i < report->warnings->len; i++)
    if (strstr (g_ptr_array_index (report->warnings, i), words) != NULL)
      return TRUE;
  return FALSE;
}

static void
check_labels (StvaDb            *db,
              const char        *set_name,
              const char *const *names)
{
  GError *error = NULL;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, set_name, &error);
  g_assert_no_error (error);
  guint n = g_strv_length ((char **) names);
  g_assert_cmpuint (set->labels->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (((StvaDbLabel *) set->labels->pdata[i])->name, ==, names[i]);
}

static void
test_list_tiers (Fixture       *f,
                 gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("two-speakers.eaf");
  g_autoptr (GPtrArray) tiers = stva_db_eaf_tiers (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tiers->len, ==, 4);
  const StvaDbEafTier *a = tiers->pdata[0], *ea = tiers->pdata[2];
  g_assert_cmpstr (a->id, ==, "Speaker A");
  g_assert_cmpstr (a->participant, ==, "Anna");
  g_assert_cmpint (a->constraint, ==, STVA_DB_EAF_TOP_LEVEL);
  g_assert_true (a->time_aligned);
  g_assert_null (a->parent);
  g_assert_null (a->cv);
  g_assert_cmpuint (a->n_annotations, ==, 2);
  g_assert_cmpstr (ea->id, ==, "Emotion A");
  g_assert_cmpstr (ea->parent, ==, "Speaker A");
  g_assert_cmpstr (ea->type, ==, "emotion");
  g_assert_cmpint (ea->constraint, ==, STVA_DB_EAF_SYMBOLIC_ASSOCIATION);
  g_assert_cmpstr (stva_db_eaf_constraint_name (ea->constraint), ==, "Symbolic_Association");
  g_assert_false (ea->time_aligned);
  g_assert_cmpstr (ea->cv, ==, "EmotionCV");
  g_assert_null (ea->cv_url);
  g_assert_cmpuint (ea->cv_values->len, ==, 7);
  g_assert_cmpstr (ea->cv_values->pdata[2], ==, "surprise");

  /* the German tier's values in German; the external CV's URL, no entries */
  g_free (path);
  path = layout ("external-cv.eaf");
  g_ptr_array_unref (tiers);
  tiers = stva_db_eaf_tiers (path, &error);
  g_assert_no_error (error);
  const StvaDbEafTier *emo = tiers->pdata[2], *val = tiers->pdata[3];
  g_assert_cmpstr (emo->cv, ==, "Emotionen");
  g_assert_cmpstr (emo->cv_url, ==, "https://cv.example.org/lab-c/emotionen.ecv");
  g_assert_cmpuint (emo->cv_values->len, ==, 4);
  g_assert_cmpstr (emo->cv_values->pdata[3], ==, "Ärger");
  g_assert_cmpstr (val->cv_url, ==, "https://cv.example.org/lab-c/valenz.ecv");
  g_assert_cmpuint (val->cv_values->len, ==, 0);

  /* every constraint, and an old CV's entries */
  g_free (path);
  path = layout ("included-in.eaf");
  g_ptr_array_unref (tiers);
  tiers = stva_db_eaf_tiers (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tiers->len, ==, 6);
  g_assert_cmpint (((StvaDbEafTier *) tiers->pdata[3])->constraint, ==, STVA_DB_EAF_INCLUDED_IN);
  g_assert_cmpuint (((StvaDbEafTier *) tiers->pdata[3])->cv_values->len, ==, 5);
  g_assert_cmpint (((StvaDbEafTier *) tiers->pdata[4])->constraint, ==,
                   STVA_DB_EAF_SYMBOLIC_SUBDIVISION);
  g_assert_cmpint (((StvaDbEafTier *) tiers->pdata[5])->constraint, ==, STVA_DB_EAF_TOP_LEVEL);
  g_free (path);
  path = layout ("time-subdivision.eaf");
  g_ptr_array_unref (tiers);
  tiers = stva_db_eaf_tiers (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((StvaDbEafTier *) tiers->pdata[1])->constraint, ==,
                   STVA_DB_EAF_TIME_SUBDIVISION);
  g_assert_cmpuint (((StvaDbEafTier *) tiers->pdata[1])->n_annotations, ==, 3);
}

/* Layout 1: two speaker tiers with a Symbolic_Association emotion tier each. */
static void
test_two_speakers (Fixture       *f,
                   gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("two-speakers.eaf");
  const char *speakers[] = { "Speaker A", "Speaker B", NULL };
  const char *labels[] = { "Emotion A", "Emotion B", NULL };
  StvaDbEafChoice choice = { speakers, labels, NULL, "lab-a" };
  StvaDbImportReport report;
  g_assert_true (stva_db_import_eaf_choice (f->db, path, &choice, "dev", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_dialogues, ==, 1);
  g_assert_cmpint (report.n_utterances, ==, 4);
  stva_db_import_report_clear (&report);
  /* each speaker's utterances take their own tier's labels, though Ben's last overlaps Anna's */
  static const Want want[] = {
    { "Anna", "Hi, how was the trip?", 500, 2100, "neutral" },
    { "Ben", "Terrible, they lost my bag.", 2300, 4200, "anger" },
    { "Anna", "Oh no, what happened?", 4300, 6000, "surprise" },
    { "Ben", "It turned up this morning!", 5800, 8000, "joy" },
  };
  g_autoptr (StvaDbDialogue) dia = check_dialogue (f->db, "two-speakers", "lab-a", want, 4);
  g_assert_cmpstr (dia->split, ==, "dev");
  g_assert_cmpint (dia->n_speakers, ==, 2);
  /* the new set has the CV's entries in the CV's order, the unused ones too */
  static const char *const cv[] = { "neutral", "joy", "surprise", "anger", "sadness", "fear",
                                    "disgust", NULL };
  check_labels (f->db, "lab-a", cv);

  /* the same values into an existing set, case aside; one label tier labels any speaker by
   * overlap: Ben's first turn overlaps no annotation of Emotion A, his second Anna's last */
  const char *only_a[] = { "Emotion A", NULL };
  StvaDbEafChoice into_meld = { speakers, only_a, STVA_DB_MELD_SET, NULL };
  g_autofree char *copy = g_build_filename (f->dir, "two-speakers-a.eaf", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  g_assert_true (stva_db_import_eaf_choice (f->db, copy, &into_meld, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (&report, "1 of 4 utterances overlap no label annotation"));
  stva_db_import_report_clear (&report);
  static const Want want_a[] = {
    { "Anna", "Hi, how was the trip?", 500, 2100, "neutral" },
    { "Ben", "Terrible, they lost my bag.", 2300, 4200, NULL },
    { "Anna", "Oh no, what happened?", 4300, 6000, "surprise" },
    { "Ben", "It turned up this morning!", 5800, 8000, "surprise" },
  };
  g_autoptr (StvaDbDialogue) dia_a = check_dialogue (f->db, "two-speakers-a", STVA_DB_MELD_SET,
                                                     want_a, 4);
  g_assert_cmpstr (dia_a->split, ==, "none");
}

/* Layout 2: a Time_Subdivision tier whose inner slots are unaligned. */
static void
test_time_subdivision (Fixture       *f,
                       gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("time-subdivision.eaf");
  const char *speakers[] = { "Mara-phrases", "Joe", NULL };
  const char *labels[] = { "Affect", NULL };
  StvaDbEafChoice choice = { speakers, labels, STVA_DB_MELD_SET, NULL };
  StvaDbImportReport report;
  g_assert_true (stva_db_import_eaf_choice (f->db, path, &choice, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (&report, "tier 'Mara-phrases': 2 unaligned time slots placed"));
  stva_db_import_report_clear (&report);
  /* ts2 and ts4 split 1000-4000 in three (by the TIME_ORDER they would be 1750 and 3250) */
  static const Want want[] = {
    { "Mara", "so I went", 1000, 2000, "neutral" },
    { "Mara", "to the market", 2000, 3000, "neutral" },
    { "Joe", "mm-hm", 2500, 2800, "neutral" },
    { "Mara", "and it was closed", 3000, 4000, "anger" },
    { "Joe", "that's annoying", 4200, 5600, "anger" },
  };
  stva_db_dialogue_free (check_dialogue (f->db, "time-subdivision", STVA_DB_MELD_SET,
                                                   want, 5));
}

/* Layout 3: a multilingual CV linked to an external file, and an external CV alone. */
static void
test_external_cv (Fixture       *f,
                  gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("external-cv.eaf");
  const char *speakers[] = { "Sprecher1", "Sprecher2", NULL };
  const char *emotion[] = { "Emotion", NULL };
  /* German values into meld's English labels through their entries */
  StvaDbEafChoice choice = { speakers, emotion, STVA_DB_MELD_SET, NULL };
  StvaDbImportReport report;
  g_assert_true (stva_db_import_eaf_choice (f->db, path, &choice, "test", &report, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (&report, "'Emotionen' is external "
                                       "(https://cv.example.org/lab-c/emotionen.ecv); it was "
                                       "not fetched"));
  stva_db_import_report_clear (&report);
  static const Want want[] = {
    { "Kim", "Ich habe den Job bekommen!", 0, 1500, "joy" },
    { "Lou", "Wirklich? Das ist ungerecht.", 1600, 3000, "anger" },
    { "Kim", "Wieso?", 3100, 4000, "sadness" },
  };
  stva_db_dialogue_free (check_dialogue (f->db, "external-cv", STVA_DB_MELD_SET, want,
                                                   3));

  /* a new set in the tier's language, in CV order; "trauer" is the entry Trauer */
  g_autofree char *copy = g_build_filename (f->dir, "external-cv-2.eaf", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  StvaDbEafChoice german = { speakers, emotion, NULL, "emotionen" };
  g_assert_true (stva_db_import_eaf_choice (f->db, copy, &german, NULL, NULL, &error));
  g_assert_no_error (error);
  static const char *const de[] = { "Neutral", "Freude", "Trauer", "Ärger", NULL };
  check_labels (f->db, "emotionen", de);
  static const Want want_de[] = {
    { "Kim", "Ich habe den Job bekommen!", 0, 1500, "Freude" },
    { "Lou", "Wirklich? Das ist ungerecht.", 1600, 3000, "Ärger" },
    { "Kim", "Wieso?", 3100, 4000, "Trauer" },
  };
  stva_db_dialogue_free (check_dialogue (f->db, "external-cv-2", "emotionen",
                                                      want_de, 3));

  /* an external CV without entries: the set from the values in time order, the URL kept */
  g_autofree char *copy3 = g_build_filename (f->dir, "external-cv-3.eaf", NULL);
  g_assert_true (g_file_set_contents (copy3, text, -1, NULL));
  const char *valenz[] = { "Valenz", NULL };
  StvaDbEafChoice val = { speakers, valenz, NULL, "valenz" };
  g_assert_true (stva_db_import_eaf_choice (f->db, copy3, &val, NULL, NULL, &error));
  g_assert_no_error (error);
  static const char *const pn[] = { "positiv", "negativ", NULL };
  check_labels (f->db, "valenz", pn);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (f->db, "valenz", &error);
  g_assert_nonnull (strstr (set->description, "https://cv.example.org/lab-c/valenz.ecv"));
  g_assert_nonnull (strstr (set->description, "not fetched"));
}

/* Layout 4: Included_In emotion tiers with gaps, a Symbolic_Subdivision, a comments tier. */
static void
test_included_in (Fixture       *f,
                  gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("included-in.eaf");
  const char *speakers[] = { "Interviewer", "Patient", NULL };
  const char *labels[] = { "INT-emotion", "PAT-emotion", NULL };
  StvaDbEafChoice choice = { speakers, labels, STVA_DB_MELD_SET, NULL };
  StvaDbImportReport report;
  g_assert_true (stva_db_import_eaf_choice (f->db, path, &choice, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (&report, "tier 'INT-emotion': 1 unaligned time slot placed"));
  stva_db_import_report_clear (&report);
  /* the comments tier is no speaker; "I see." overlaps only the patient's fear, not its own
   * speaker's tier: unlabelled; INT-emotion's open end (ts11) lies halfway to ts2, at 1600 */
  static const Want want[] = {
    { "INT", "How have you been feeling?", 0, 2000, "neutral" },
    { "PAT", "Not great, honestly", 2200, 4800, "fear" },
    { "INT", "I see.", 5000, 6000, NULL },
  };
  stva_db_dialogue_free (check_dialogue (f->db, "included-in", STVA_DB_MELD_SET, want,
                                                   3));

  /* the words of a Symbolic_Subdivision share their parent's time in order */
  g_autofree char *copy = g_build_filename (f->dir, "included-in-words.eaf", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  const char *words[] = { "PAT-words", NULL };
  const char *pat[] = { "PAT-emotion", NULL };
  StvaDbEafChoice by_word = { words, pat, NULL, "affect-d" };
  g_assert_true (stva_db_import_eaf_choice (f->db, copy, &by_word, NULL, NULL, &error));
  g_assert_no_error (error);
  static const Want want_words[] = {
    { "PAT", "Not", 2200, 3066, "sadness" },
    { "PAT", "great,", 3066, 3933, "fear" },
    { "PAT", "honestly", 3933, 4800, "fear" },
  };
  stva_db_dialogue_free (check_dialogue (f->db, "included-in-words", "affect-d",
                                                     want_words, 3));
  /* an old-style CV (CV_ENTRY) gives the set its order */
  static const char *const affect[] = { "neutral", "sadness", "fear", "anger", "joy", NULL };
  check_labels (f->db, "affect-d", affect);
}

/* Layout 5: the media found through RELATIVE_MEDIA_URL; frames as time units refused. */
static void
test_relative_media (Fixture       *f,
                     gconstpointer  data)
{
  GError *error = NULL;
  g_autofree char *path = layout ("relative-media.eaf");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autofree char *dir = g_build_filename (f->dir, "lab-e", "media", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autofree char *wav = g_build_filename (dir, "clip07.wav", NULL);
  g_assert_true (g_file_set_contents (wav, "RIFF", -1, NULL));
  g_autofree char *copy = g_build_filename (f->dir, "lab-e", "relative-media.eaf", NULL);
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  StvaDbEafChoice choice = { 0 };   /* the default speaker tiers, no labels */
  StvaDbImportReport report;
  g_assert_true (stva_db_import_eaf_choice (f->db, copy, &choice, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.warnings ? report.warnings->len : 0, ==, 0);
  stva_db_import_report_clear (&report);
  static const Want want[] = {
    { "spk-left", "Is it recording?", 120, 1870, NULL },
    { "spk-right", "Yes, go ahead.", 2010, 3555, NULL },
  };
  g_autoptr (StvaDbDialogue) dia = check_dialogue (f->db, "relative-media", STVA_DB_MELD_SET,
                                                   want, 2);
  g_autofree char *real = g_canonicalize_filename (wav, NULL);
  g_assert_cmpstr (dia->media_path, ==, real);

  g_autofree char *pal = layout ("pal-frames.eaf");
  g_autofree char *before = project_state (f->db);
  g_assert_false (stva_db_import_eaf_choice (f->db, pal, &choice, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "TIME_UNITS 'PAL-frames'"));
  g_assert_nonnull (strstr (error->message, pal));
  g_clear_error (&error);
  g_autofree char *after = project_state (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
expect_choice_refused (Fixture               *f,
                       const char            *name,
                       const StvaDbEafChoice *choice,
                       int                    code,
                       const char            *words)
{
  g_autofree char *path = layout (name);
  g_autofree char *before = project_state (f->db);
  GError *error = NULL;
  g_assert_false (stva_db_import_eaf_choice (f->db, path, choice, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, code);
  if (strstr (error->message, words) == NULL || strstr (error->message, path) == NULL)
    g_error ("'%s' does not say '%s' and the file", error->message, words);
  g_clear_error (&error);
  g_autofree char *after = project_state (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_choice_refused (Fixture       *f,
                     gconstpointer  data)
{
  const char *speakers[] = { "Speaker A", "Speaker B", NULL };
  const char *missing[] = { "Speaker A", "Speaker C", NULL };
  const char *labels[] = { "Emotion A", "Emotion B", NULL };
  const char *bad_label[] = { "emotion", NULL };
  const char *twice[] = { "Speaker A", "Speaker A", NULL };
  const char *none[] = { NULL };
  StvaDbEafChoice c = { missing, labels, STVA_DB_MELD_SET, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_NOT_FOUND,
                         "no tier 'Speaker C'; its tiers are: Speaker A, Speaker B, Emotion A, "
                         "Emotion B");
  c = (StvaDbEafChoice) { speakers, bad_label, STVA_DB_MELD_SET, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_NOT_FOUND,
                         "no tier 'emotion'; its tiers are:");
  c = (StvaDbEafChoice) { speakers, labels, STVA_DB_MELD_SET, "x" };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID, "not both");
  c = (StvaDbEafChoice) { speakers, NULL, NULL, "x" };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID, "needs a label tier");
  c = (StvaDbEafChoice) { twice, NULL, NULL, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID, "named twice");
  c = (StvaDbEafChoice) { none, NULL, NULL, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID, "no speaker tier");
  const char *both[] = { "Speaker A", "Emotion A", NULL };
  c = (StvaDbEafChoice) { both, labels, STVA_DB_MELD_SET, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID,
                         "tier 'Emotion A' cannot hold both");
  /* neither set named and the CV is no set of the project */
  c = (StvaDbEafChoice) { speakers, labels, NULL, NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_INVALID,
                         "vocabulary 'EmotionCV', which is no label set of the project");
  c = (StvaDbEafChoice) { speakers, labels, "no-such-set", NULL };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_NOT_FOUND, "no-such-set");
  /* values outside the chosen set: refused, listing them and the set's labels */
  const char *ss[] = { "Sprecher1", "Sprecher2", NULL };
  const char *valenz[] = { "Valenz", NULL };
  c = (StvaDbEafChoice) { ss, valenz, STVA_DB_MELD_SET, NULL };
  expect_choice_refused (f, "external-cv.eaf", &c, STVA_DB_ERROR_INVALID,
                         "the label tier 'Valenz' has values not in the label set 'meld': "
                         "positiv, negativ; its labels are: neutral, joy, surprise, anger, "
                         "sadness, disgust, fear");
  /* a new set whose name is taken: nothing of the import stays */
  c = (StvaDbEafChoice) { speakers, labels, NULL, STVA_DB_MELD_SET };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_CONFLICT,
                         "a label set called 'meld' is already there");
  /* a new set and a dialogue already there: the set goes with the rest */
  c = (StvaDbEafChoice) { speakers, labels, NULL, "first" };
  g_autofree char *path = layout ("two-speakers.eaf");
  GError *error = NULL;
  g_assert_true (stva_db_import_eaf_choice (f->db, path, &c, NULL, NULL, &error));
  g_assert_no_error (error);
  c = (StvaDbEafChoice) { speakers, labels, NULL, "second" };
  expect_choice_refused (f, "two-speakers.eaf", &c, STVA_DB_ERROR_CONFLICT, "already in");
  g_assert_null (stva_db_label_set (f->db, "second", &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* time units in frames */
  c = (StvaDbEafChoice) { 0 };
  expect_choice_refused (f, "pal-frames.eaf", &c, STVA_DB_ERROR_FORMAT, "PAL-frames");
}

/* Malformed layouts: refused naming the file and what is wrong, the project unchanged. */
static void
expect_layout_refused (Fixture           *f,
                       const char        *contents,
                       const char *const *label_tiers,
                       const char        *words)
{
  g_autofree char *path = g_build_filename (f->dir, "bad-layout.eaf", NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_autofree char *before = project_state (f->db);
  StvaDbEafChoice choice = { NULL, label_tiers, NULL, "new" };
  GError *error = NULL;
  g_assert_false (stva_db_import_eaf_choice (f->db, path, &choice, NULL, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT);
  if (strstr (error->message, words) == NULL || strstr (error->message, path) == NULL)
    g_error ("'%s' does not say '%s' and the file", error->message, words);
  g_clear_error (&error);
  g_autofree char *after = project_state (f->db);
  g_assert_cmpstr (before, ==, after);
}

#define LAYOUT(slots, tiers) "<?xml version=\"1.0\"?>\n<ANNOTATION_DOCUMENT><HEADER/>"         \
  "<TIME_ORDER><TIME_SLOT TIME_SLOT_ID=\"ts1\" TIME_VALUE=\"0\"/>" slots                       \
  "<TIME_SLOT TIME_SLOT_ID=\"ts2\" TIME_VALUE=\"900\"/></TIME_ORDER>"                          \
  "<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"u\">" ANN ("a1", "ts1", "ts2", "Hi") "</TIER>"   \
  tiers "<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID=\"u\" TIME_ALIGNABLE=\"true\"/>"                  \
  "<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID=\"s\" TIME_ALIGNABLE=\"false\" "                        \
  "CONSTRAINTS=\"Symbolic_Association\"/><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID=\"i\" "           \
  "CONSTRAINTS=\"Included_In\"/></ANNOTATION_DOCUMENT>\n"
#define REF(id, ref, v) "<ANNOTATION><REF_ANNOTATION ANNOTATION_ID=\"" id "\" ANNOTATION_REF=\"" \
  ref "\"><ANNOTATION_VALUE>" v "</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>"

static void
test_layout_refused (Fixture       *f,
                     gconstpointer  data)
{
  const char *e[] = { "E", NULL };
  expect_layout_refused (f, LAYOUT ("", "<TIER TIER_ID=\"E\" PARENT_REF=\"A\" "
                                    "LINGUISTIC_TYPE_REF=\"s\">" REF ("a2", "a9", "joy")
                                    "</TIER>"), e, "refers to the missing annotation 'a9'");
  expect_layout_refused (f, LAYOUT ("", "<TIER TIER_ID=\"E\" PARENT_REF=\"Z\" "
                                    "LINGUISTIC_TYPE_REF=\"s\"/>"), e, "missing parent tier 'Z'");
  expect_layout_refused (f, LAYOUT ("", "<TIER TIER_ID=\"E\" PARENT_REF=\"F\" "
                                    "LINGUISTIC_TYPE_REF=\"s\">" REF ("a2", "a3", "joy")
                                    "</TIER><TIER TIER_ID=\"F\" PARENT_REF=\"E\" "
                                    "LINGUISTIC_TYPE_REF=\"s\">" REF ("a3", "a2", "joy")
                                    "</TIER>"), e, "is its own ancestor");
  expect_layout_refused (f, LAYOUT ("", "<TIER TIER_ID=\"A\" LINGUISTIC_TYPE_REF=\"u\"/>"), e,
                         "a second tier called 'A'");
  /* an unaligned slot that no aligned slot follows, along its tier or in the TIME_ORDER */
  expect_layout_refused (f, LAYOUT ("", "<TIER TIER_ID=\"E\" PARENT_REF=\"A\" "
                                    "LINGUISTIC_TYPE_REF=\"i\">" ANN ("a2", "ts1", "ts3", "joy")
                                    "</TIER>") "<!-- -->", e, "time slot that is not in the");
  g_autofree char *late = g_strdup (LAYOUT ("", "<TIER TIER_ID=\"E\" PARENT_REF=\"A\" "
                                            "LINGUISTIC_TYPE_REF=\"i\">"
                                            ANN ("a2", "ts1", "ts3", "joy") "</TIER>"));
  char *at = strstr (late, "</TIME_ORDER>");
  g_autofree char *unaligned = g_strdup_printf ("%.*s<TIME_SLOT TIME_SLOT_ID=\"ts3\"/>%s",
                                                (int) (at - late), late, at);
  expect_layout_refused (f, unaligned, e, "time slot 'ts3' is unaligned and no aligned slot "
                                          "follows it");
  expect_layout_refused (f, LAYOUT ("<TIME_SLOT TIME_SLOT_ID=\"ts1\" TIME_VALUE=\"5\"/>", ""), e,
                         "a second time slot 'ts1'");
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
  g_test_add ("/db/eaf/list-tiers", Fixture, NULL, dbt_fixture_setup, test_list_tiers,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout/two-speakers", Fixture, NULL, dbt_fixture_setup, test_two_speakers,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout/time-subdivision", Fixture, NULL, dbt_fixture_setup,
              test_time_subdivision, dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout/external-cv", Fixture, NULL, dbt_fixture_setup, test_external_cv,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout/included-in", Fixture, NULL, dbt_fixture_setup, test_included_in,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout/relative-media", Fixture, NULL, dbt_fixture_setup,
              test_relative_media, dbt_fixture_teardown);
  g_test_add ("/db/eaf/choice-refused", Fixture, NULL, dbt_fixture_setup, test_choice_refused,
              dbt_fixture_teardown);
  g_test_add ("/db/eaf/layout-refused", Fixture, NULL, dbt_fixture_setup, test_layout_refused,
              dbt_fixture_teardown);
  return g_test_run ();
}
