/* Writes the labels, an imported rating and a model with predictions into a project with the
 * db library of an old build, and dumps what that build reads back.  Built against the old
 * tree (tests/db/data/README says how).
 *   make-fixture v1 PROJECT      a version-1 project (dialogues as the CSV import would)
 *   make-fixture label PROJECT   the events and the model, into an imported project
 *   make-fixture dump PROJECT    what the build reads: lists, labels, stats (stdout)
 *   make-fixture export PROJECT OUT   its CSV export (meld set, newest model)
 * Each opens the project at its own version (no migration).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "stva-db-private.h"

static void
check (gboolean ok, GError *error, const char *what)
{
  if (!ok || error != NULL)
    {
      fprintf (stderr, "make-fixture: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

static StvaDb *
open_as_is (const char *path)
{
  GError *error = NULL;
  gint64 v = 0;
  /* read the version from the file, so that this build does not migrate it */
  sqlite3 *h;
  sqlite3_stmt *s;
  sqlite3_open (path, &h);
  sqlite3_prepare_v2 (h, "PRAGMA user_version", -1, &s, NULL);
  if (sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  sqlite3_close (h);
  StvaDb *db = _stva_db_open_at (path, STVA_DB_OPEN_EXISTING, (int) v, &error);
  check (db != NULL, error, "open");
  return db;
}

static gint64
label (StvaDbLabelSet *set, const char *name)
{
  return stva_db_label_set_find (set, name)->id;
}

static void
make_v1 (const char *path)
{
  GError *error = NULL;
  StvaDb *db = _stva_db_open_at (path, STVA_DB_OPEN_CREATE, 1, &error);
  check (db != NULL, error, "create v1");
  check (_stva_db_exec (db,
    "INSERT INTO media (path, kind) VALUES ('/data/talks/d1.mp4', 'dialogue');"
    "INSERT INTO dialogue (corpus, split, name, media_id) VALUES ('csv', 'train', 'd1', 1),"
    "  ('csv', 'dev', 'd2', NULL), ('csv', 'test', 'd3', NULL);"
    "INSERT INTO utterance (dialogue_id, idx, speaker, transcript, start_ms, end_ms) VALUES"
    "  (1, 0, 'Ann', 'Good morning, everyone.', 0, 1500),"
    "  (1, 1, 'Ben', 'I overslept again.', 1600, 3000),"
    "  (1, 2, 'Ann', 'You said \"never again\".', 3100, 4200),"
    "  (1, 3, 'Ben', 'Don''t start.', 4300, 5000),"
    "  (2, 0, 'Cleo', 'Is that a spider?', 0, 1200),"
    "  (2, 1, 'Dan', 'It''s only a leaf.', 1300, 2600),"
    "  (2, 2, 'Cleo', 'Ugh. Still gross.', 2700, 3900),"
    "  (3, 0, 'Eve', 'We won!', 0, 800),"
    "  (3, 1, 'Finn', 'Really?', 900, 1400),"
    "  (3, 2, 'Eve', 'The whole thing.', 1500, 2500);"
    "INSERT INTO gold_label SELECT u.id, 1, l.id FROM utterance u JOIN label l "
    "  ON l.label_set_id = 1 AND l.name = CASE u.id WHEN 1 THEN 'joy' WHEN 2 THEN 'sadness' "
    "  WHEN 3 THEN 'surprise' WHEN 4 THEN 'anger' WHEN 5 THEN 'fear' WHEN 6 THEN 'neutral' "
    "  WHEN 7 THEN 'disgust' WHEN 8 THEN 'joy' WHEN 9 THEN 'surprise' END;"
    "INSERT INTO project (key, value) VALUES ('name', 'fixture v1');", &error),
    error, "fill v1");
  stva_db_close (db);
}

/* The id of the k-th utterance (1-based) in dialogue name and position order: the same
 * utterances whatever order an importer gave them ids in. */
static gint64
utt (StvaDb *db, int k)
{
  GError *error = NULL;
  g_autofree char *sql = g_strdup_printf (
    "SELECT u.id FROM utterance u JOIN dialogue d ON d.id = u.dialogue_id "
    "ORDER BY d.name, u.idx LIMIT 1 OFFSET %d", k - 1);
  sqlite3_stmt *stmt = _stva_db_prepare (db, sql, &error);
  check (stmt != NULL && _stva_db_step (db, stmt, &error) == 1, error, "utterance");
  gint64 id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

static void
label_all (const char *path)
{
  GError *error = NULL;
  StvaDb *db = open_as_is (path);
  StvaDbLabelSet *set = stva_db_label_set (db, "meld", &error);
  check (set != NULL, error, "meld set");
  gint64 s = set->id;
  gint64 alice = stva_db_annotator (db, "alice", NULL, &error);
  gint64 bob = stva_db_annotator (db, "bob", NULL, &error);
  gint64 evaluator = stva_db_annotator (db, "IEMOCAP C-E1", NULL, &error);
  check (error == NULL, error, "annotators");
  char hash[64];
  g_snprintf (hash, sizeof hash, "fixture-model-v%d", stva_db_schema_version (db));
  gint64 model = stva_db_add_model (db, "fixture", hash, s, "{\"hidden\": 8}",
                                    "{\"dev\": {\"weighted_f1\": 0.5}}", &error);
  check (model > 0, error, "model");
  for (gint64 u = 1; u <= 10; u++)
    {
      float probs[7], beta[3] = { 0.5f, 0.3f, 0.2f };
      for (int k = 0; k < 7; k++)
        probs[k] = k == (int) (u * 3 % 7) ? 0.4f : 0.1f;
      float attn[4] = { 0.25f, 0.75f, 0.5f, 0.5f };
      StvaDbAttnMap map = { .name = (char *) "graph.TV.l0", .rows = 2, .cols = 2, .data = attn };
      GBytes *blob = stva_db_attention_pack (&map, 1);
      check (stva_db_put_prediction (db, model, utt (db, (int) u), probs, 7, beta, blob, &error),
             error, "prediction");
      g_bytes_unref (blob);
    }
#define SET(k, who, name)                                                                     \
  check (stva_db_set_label (db, utt (db, k), s, who, name ? label (set, name) : 0, model, NULL, \
                            &error) > 0, error, "set")
#define UNDO(who) check (stva_db_undo (db, who, s, &error) > 0, error, "undo")
#define REDO(who) check (stva_db_redo (db, who, s, &error) > 0, error, "redo")
  SET (1, alice, "anger");
  SET (2, alice, "joy");
  SET (2, bob, "sadness");      /* bob last on 2: sadness (= gold) */
  SET (3, alice, "fear");
  UNDO (alice);                 /* 3 back to gold */
  REDO (alice);                 /* 3 fear again */
  SET (4, alice, "neutral");
  UNDO (alice);                 /* alice has no label on 4 */
  SET (5, bob, "disgust");
  SET (5, bob, NULL);           /* bob clears 5 */
  SET (2, alice, "surprise");   /* alice last on 2 now */
  UNDO (bob);                   /* the clear undone: 5 disgust */
  SET (6, bob, "joy");
  UNDO (bob);                   /* 6 back to gold */
  SET (7, bob, "fear");
  SET (10, alice, "sadness");   /* the utterance without gold */
  /* ratings imported from a corpus's evaluator: annotators' labels, not reviews */
  static const struct { int k; const char *name; } ratings[] = {
    { 1, "joy" }, { 7, "anger" }, { 8, "neutral" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ratings); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO correction (utterance_id, label_set_id, annotator_id, kind, new_label_id, "
        "created_us) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
        ", 'import', %" G_GINT64_FORMAT ", 1700000000000000)", utt (db, ratings[i].k), s,
        evaluator, label (set, ratings[i].name));
      check (_stva_db_exec (db, sql, &error), error, "import events");
    }
  stva_db_label_set_free (set);
  stva_db_close (db);
}

#include "fixture-dump.h"

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "v1") == 0)
    make_v1 (argv[2]);
  else if (argc == 3 && strcmp (argv[1], "label") == 0)
    label_all (argv[2]);
  else if (argc == 3 && strcmp (argv[1], "dump") == 0)
    {
      StvaDb *db = open_as_is (argv[2]);
      GString *out = g_string_new (NULL);
      GError *error = NULL;
      check (fixture_dump (db, out, &error), error, "dump");
      fputs (out->str, stdout);
      stva_db_close (db);
    }
  else if (argc == 4 && strcmp (argv[1], "export") == 0)
    {
      StvaDb *db = open_as_is (argv[2]);
      GError *error = NULL;
      check (stva_db_export_csv (db, 1, 0, argv[3], &error), error, "export");
      stva_db_close (db);
    }
  else
    {
      fprintf (stderr, "usage: make-fixture v1|label|dump PROJECT | export PROJECT OUT\n");
      return 2;
    }
  return 0;
}
