/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label audit's report helper (bench/run-audit.sh): scores a review-queue order of a demo
 * project against the label noise planted by `make-demo --label-noise` (the corpus's hidden
 * .manifest.tsv keeps each utterance's true emotion and whether its label was flipped), and
 * plays an oracle annotator who sets the true label through the db API.
 *
 *   bench-audit score   PROJECT MANIFEST ORDER SPLIT N...   planted errors among the first N
 *   bench-audit correct PROJECT MANIFEST ORDER SPLIT N      oracle labels for the first N
 *   bench-audit clean   PROJECT MANIFEST SPLIT              oracle labels for every flip there
 *
 * ORDER is audit (the newest audit run) or disagreement (the newest model's predictions that
 * disagree with the current label, most confident first: STVA_DB_QUEUE_MODEL_DISAGREEMENT);
 * SPLIT (train, dev, test or all) keeps the utterances of that split.  Output: one line of
 * JSON.  Not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "stva-db.h"

typedef struct
{
  char *truth;      /* the true emotion */
  char *label;      /* the label the CSVs carry */
  int   noise;      /* 1: flipped */
} Planted;

typedef struct
{
  char   *split;
  gint64  current;  /* the current label id */
  Planted *planted;  /* borrowed from the manifest table */
} Utt;

static int
column (char **header,
        const char *name)
{
  for (int i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], name) == 0)
      return i;
  fprintf (stderr, "bench-audit: the manifest has no column '%s' (made before --label-noise?)\n",
           name);
  exit (1);
}

/* "split/dialogue_id/utterance_id" -> Planted */
static GHashTable *
read_manifest (const char *path)
{
  g_autofree char *text = NULL;
  GError *error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      exit (1);
    }
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
  char **header = NULL;
  int c_split = 0, c_dia = 0, c_utt = 0, c_emo = 0, c_label = 0, c_noise = 0;
  for (int i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      char **cells = g_strsplit (lines[i], "\t", -1);
      if (header == NULL)
        {
          header = cells;
          c_split = column (header, "split");
          c_dia = column (header, "dialogue_id");
          c_utt = column (header, "utterance_id");
          c_emo = column (header, "emotion");
          c_label = column (header, "label");
          c_noise = column (header, "label_noise");
          continue;
        }
      Planted *p = g_new0 (Planted, 1);
      p->truth = g_strdup (cells[c_emo]);
      p->label = g_strdup (cells[c_label]);
      p->noise = atoi (cells[c_noise]);
      g_hash_table_insert (t, g_strdup_printf ("%s/%s/%s", cells[c_split], cells[c_dia],
                                               cells[c_utt]), p);
      g_strfreev (cells);
    }
  g_strfreev (header);
  return t;
}

/* utterance id -> Utt, for every utterance of the project found in the manifest */
static GHashTable *
read_project (StvaDb     *db,
              gint64      set_id,
              GHashTable *manifest)
{
  GError *error = NULL;
  GHashTable *t = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set_id, &error);
  if (dialogues == NULL)
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      exit (1);
    }
  for (guint i = 0; i < dialogues->len; i++)
    {
      const StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, d->id, set_id, 0, &error);
      if (utts == NULL)
        {
          fprintf (stderr, "bench-audit: %s\n", error->message);
          exit (1);
        }
      for (guint j = 0; j < utts->len; j++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, j);
          g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                  d->split, d->source_id, u->source_id);
          Planted *p = g_hash_table_lookup (manifest, key);
          if (p == NULL)
            continue;
          Utt *x = g_new0 (Utt, 1);
          x->split = g_strdup (d->split);
          x->current = u->current_label_id;
          x->planted = p;
          g_hash_table_insert (t, g_memdup2 (&u->id, sizeof u->id), x);
        }
    }
  return t;
}

static gboolean
in_split (const Utt  *u,
          const char *split)
{
  return strcmp (split, "all") == 0 || strcmp (u->split, split) == 0;
}

/* (transfer full) the queue's utterance ids in order, of the split */
static GArray *
queue (StvaDb     *db,
       gint64      set_id,
       const char *order,
       GHashTable *utts,
       const char *split)
{
  StvaDbQueueOrder o;
  if (strcmp (order, "audit") == 0)
    o = STVA_DB_QUEUE_AUDIT;
  else if (strcmp (order, "disagreement") == 0)
    o = STVA_DB_QUEUE_MODEL_DISAGREEMENT;
  else
    {
      fprintf (stderr, "bench-audit: ORDER is audit or disagreement, not '%s'\n", order);
      exit (2);
    }
  GError *error = NULL;
  g_autoptr (GArray) q = stva_db_review_queue (db, set_id, 0, o, FALSE, 0, &error);
  if (q == NULL)
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      exit (1);
    }
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < q->len; i++)
    {
      const StvaDbQueueItem *it = &g_array_index (q, StvaDbQueueItem, i);
      const Utt *u = g_hash_table_lookup (utts, &it->utterance_id);
      if (u != NULL && in_split (u, split))
        g_array_append_val (ids, it->utterance_id);
    }
  return ids;
}

/* Sets the true label of utterance id as the oracle's; returns 1 when it changed a label. */
static int
oracle_set (StvaDb               *db,
            const StvaDbLabelSet *set,
            gint64                oracle,
            gint64                id,
            Utt                  *u)
{
  const StvaDbLabel *truth = stva_db_label_set_find (set, u->planted->truth);
  if (truth == NULL)
    {
      fprintf (stderr, "bench-audit: no label '%s' in the set\n", u->planted->truth);
      exit (1);
    }
  if (truth->id == u->current)
    return 0;   /* the oracle agrees: no event */
  GError *error = NULL;
  if (stva_db_set_label (db, id, set->id, oracle, truth->id, 0, "audit bench: true label",
                         &error) == 0)
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      exit (1);
    }
  u->current = truth->id;
  return 1;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 5 || (strcmp (argv[1], "score") != 0 && strcmp (argv[1], "correct") != 0
                   && strcmp (argv[1], "clean") != 0))
    {
      fprintf (stderr, "usage: bench-audit score|correct PROJECT MANIFEST ORDER SPLIT N...\n"
                       "       bench-audit clean PROJECT MANIFEST SPLIT\n");
      return 2;
    }
  GError *error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (argv[2], STVA_DB_OPEN_EXISTING, &error);
  if (db == NULL)
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      return 1;
    }
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  if (set == NULL)
    {
      fprintf (stderr, "bench-audit: %s\n", error->message);
      return 1;
    }
  GHashTable *manifest = read_manifest (argv[3]);
  GHashTable *utts = read_project (db, set->id, manifest);

  if (strcmp (argv[1], "clean") == 0)
    {
      const char *split = argv[4];
      gint64 oracle = stva_db_annotator (db, "oracle", "human", &error);
      int n_changed = 0, n_planted = 0;
      GHashTableIter it;
      gpointer key, value;
      g_hash_table_iter_init (&it, utts);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          Utt *u = value;
          if (!in_split (u, split) || !u->planted->noise)
            continue;
          n_planted++;
          n_changed += oracle_set (db, set, oracle, *(gint64 *) key, u);
        }
      printf ("{\"split\":\"%s\",\"planted\":%d,\"changed\":%d}\n", split, n_planted, n_changed);
      return 0;
    }

  const char *order = argv[4], *split = argv[5];
  g_autoptr (GArray) ids = queue (db, set->id, order, utts, split);
  int n_planted = 0, n_utts = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, utts);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (in_split (value, split))
      {
        n_utts++;
        n_planted += ((Utt *) value)->planted->noise;
      }
  if (strcmp (argv[1], "score") == 0)
    {
      printf ("{\"order\":\"%s\",\"split\":\"%s\",\"utterances\":%d,\"planted\":%d,"
              "\"queue\":%u,\"top\":{", order, split, n_utts, n_planted, ids->len);
      for (int a = 6; a < argc; a++)
        {
          int n = atoi (argv[a]), found = 0;
          for (int i = 0; i < n && (guint) i < ids->len; i++)
            found += ((Utt *) g_hash_table_lookup (utts, &g_array_index (ids, gint64, i)))
                       ->planted->noise;
          printf ("%s\"%d\":%d", a > 6 ? "," : "", n, found);
        }
      printf ("}}\n");
      return 0;
    }
  int n = argc > 6 ? atoi (argv[6]) : 0, n_changed = 0, n_found = 0;
  gint64 oracle = stva_db_annotator (db, "oracle", "human", &error);
  for (int i = 0; i < n && (guint) i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      Utt *u = g_hash_table_lookup (utts, &id);
      n_found += u->planted->noise;
      n_changed += oracle_set (db, set, oracle, id, u);
    }
  printf ("{\"order\":\"%s\",\"split\":\"%s\",\"top\":%d,\"planted_found\":%d,"
          "\"changed\":%d}\n", order, split, n, n_found, n_changed);
  return 0;
}
