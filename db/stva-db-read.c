/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading for the studio and the reports: dialogues with counts and review progress, the
 * utterances of a dialogue with their labels, the review queue, counts, per-class and
 * per-annotator statistics and agreement.  The dialogue and utterance lists are single queries
 * (they must be quick on large projects); the rest works on the whole-project table that
 * _stva_db_table () loads, which the exporters share.  Every label comes from the views of
 * schema/0004-label-views.sql (annotator_label, current_label): no code here derives a label
 * from the correction log.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"

#define SPLIT_ORDER(col)                                                                      \
  "CASE " col " WHEN 'train' THEN 0 WHEN 'dev' THEN 1 WHEN 'test' THEN 2 ELSE 3 END"

/* ---- dialogues ---------------------------------------------------------------------------- */

void
stva_db_dialogue_free (StvaDbDialogue *d)
{
  if (d == NULL)
    return;
  g_free (d->corpus);
  g_free (d->split);
  g_free (d->name);
  g_free (d->media_path);
  g_free (d);
}

/**
 * stva_db_dialogues:
 * Returns: (transfer full): every dialogue with counts and progress in the label set.
 */
GPtrArray *
stva_db_dialogues (StvaDb   *db,
                   gint64    label_set_id,
                   GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT d.id, d.corpus, d.split, d.name, d.source_id, m.path, count (u.id), "
        "  count (DISTINCT u.speaker), max (u.end_ms) "
        "FROM dialogue d LEFT JOIN media m ON m.id = d.media_id "
        "LEFT JOIN utterance u ON u.dialogue_id = d.id "
        "GROUP BY d.id ORDER BY " SPLIT_ORDER ("d.split") ", d.source_id, d.name", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_dialogue_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbDialogue *d = g_new0 (StvaDbDialogue, 1);
      d->id = sqlite3_column_int64 (stmt, 0);
      d->corpus = _stva_column_dup (stmt, 1);
      d->split = _stva_column_dup (stmt, 2);
      d->name = _stva_column_dup (stmt, 3);
      d->source_id = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1
                                                                  : sqlite3_column_int64 (stmt, 4);
      d->media_path = _stva_column_dup (stmt, 5);
      d->n_utterances = sqlite3_column_int (stmt, 6);
      d->n_speakers = sqlite3_column_int (stmt, 7);
      d->end_ms = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (out, d);
      g_hash_table_insert (by_id, &d->id, d);
    }
  if (rc < 0)
    return NULL;

  /* review progress: utterances some human reviewed, and those whose label is not gold */
  g_autoptr (sqlite3_stmt) progress = _stva_db_prepare (
    db, "SELECT u.dialogue_id, count (*), sum (c.label_id IS NOT c.gold_label_id) "
        "FROM current_label c JOIN utterance u ON u.id = c.utterance_id "
        "WHERE c.label_set_id = :set AND c.annotator_id IS NOT NULL GROUP BY u.dialogue_id",
    error);
  if (progress == NULL)
    return NULL;
  _stva_bind_int64 (progress, ":set", label_set_id);
  while ((rc = _stva_db_step (db, progress, error)) == 1)
    {
      gint64 dialogue_id = sqlite3_column_int64 (progress, 0);
      StvaDbDialogue *d = g_hash_table_lookup (by_id, &dialogue_id);
      if (d == NULL)
        continue;
      d->n_reviewed = sqlite3_column_int (progress, 1);
      d->n_changed = sqlite3_column_int (progress, 2);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&out);
}

/* ---- utterances --------------------------------------------------------------------------- */

void
stva_db_utterance_free (StvaDbUtterance *u)
{
  if (u == NULL)
    return;
  g_free (u->speaker);
  g_free (u->transcript);
  g_free (u->media_path);
  g_free (u);
}

/* The largest value of a float32 LE blob and its index; -1 for an empty blob. */
static int
blob_argmax (const void *blob,
             int         n_bytes,
             float      *best)
{
  int arg = -1;
  for (int k = 0; k < n_bytes / 4; k++)
    {
      guint32 u;
      float v;
      memcpy (&u, (const guint8 *) blob + 4 * k, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&v, &u, 4);
      if (arg < 0 || v > *best)
        {
          *best = v;
          arg = k;
        }
    }
  return arg;
}

static gint64
resolve_model (StvaDb   *db,
               gint64    label_set_id,
               gint64    model_id,
               GError  **error)
{
  if (model_id != 0)
    return model_id;
  GError *local = NULL;
  gint64 id = stva_db_latest_model (db, label_set_id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }
  return id;
}

/**
 * stva_db_utterances:
 * Returns: (transfer full): the utterances of the dialogue, in order, with their labels.
 */
GPtrArray *
stva_db_utterances (StvaDb   *db,
                    gint64    dialogue_id,
                    gint64    label_set_id,
                    gint64    model_id,
                    GError  **error)
{
  model_id = resolve_model (db, label_set_id, model_id, error);
  if (model_id < 0)
    return NULL;
  /* prepared once per connection: the label views make it costly to prepare, and readers call
   * it once per dialogue (the studio, the figure data) */
  sqlite3_stmt *stmt = _stva_db_cached (
    db, STVA_STMT_UTTERANCES,
    "SELECT u.id, u.idx, u.source_id, u.speaker, u.transcript, u.start_ms, u.end_ms, "
        "  m.path, c.gold_label_id, c.label_id, c.annotator_id IS NOT NULL, c.n_reviewers, "
        "  p.label_id, p.probs "
        "FROM utterance u JOIN current_label c ON c.utterance_id = u.id AND c.label_set_id = :set "
        "LEFT JOIN media m ON m.id = u.media_id "
        "LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_id = :model "
        "WHERE u.dialogue_id = :dialogue ORDER BY u.idx", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":set", label_set_id);
  _stva_bind_int64 (stmt, ":dialogue", dialogue_id);
  _stva_bind_int64 (stmt, ":model", model_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_utterance_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbUtterance *u = g_new0 (StvaDbUtterance, 1);
      u->id = sqlite3_column_int64 (stmt, 0);
      u->dialogue_id = dialogue_id;
      u->idx = sqlite3_column_int (stmt, 1);
      u->source_id = sqlite3_column_int64 (stmt, 2);
      u->speaker = _stva_column_dup (stmt, 3);
      u->transcript = _stva_column_dup (stmt, 4);
      u->start_ms = sqlite3_column_int64 (stmt, 5);
      u->end_ms = sqlite3_column_int64 (stmt, 6);
      u->media_path = _stva_column_dup (stmt, 7);
      u->gold_label_id = sqlite3_column_int64 (stmt, 8);
      u->current_label_id = sqlite3_column_int64 (stmt, 9);
      u->reviewed = sqlite3_column_int (stmt, 10);
      u->n_annotators = sqlite3_column_int (stmt, 11);
      u->predicted_label_id = sqlite3_column_int64 (stmt, 12);
      float best = 0.0f;
      if (blob_argmax (sqlite3_column_blob (stmt, 13), sqlite3_column_bytes (stmt, 13), &best)
          >= 0)
        u->confidence = best;
      g_ptr_array_add (out, u);
    }
  sqlite3_reset (stmt);   /* holds no read lock between calls */
  return rc < 0 ? NULL : g_steal_pointer (&out);
}

/* What the one-dialogue exporters (EAF, TextGrid) start from: the label set (*set, transfer
 * full) and the dialogue's utterances, or NULL with error set (also when it has none). */
GPtrArray *
_stva_db_export_utterances (StvaDb          *db,
                            gint64           dialogue_id,
                            gint64           label_set_id,
                            gint64           model_id,
                            StvaDbLabelSet **set,
                            GError         **error)
{
  *set = stva_db_label_set_by_id (db, label_set_id, error);
  if (*set == NULL)
    return NULL;
  GPtrArray *utts = stva_db_utterances (db, dialogue_id, label_set_id, model_id, error);
  if (utts != NULL && utts->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %" G_GINT64_FORMAT " has no utterances", db->path, dialogue_id);
      g_clear_pointer (&utts, g_ptr_array_unref);
    }
  if (utts == NULL)
    g_clear_pointer (set, stva_db_label_set_free);
  return utts;
}

/* ---- the whole-project table -------------------------------------------------------------- */

static void
row_free (gpointer data)
{
  StvaDbRow *r = data;
  g_free (r->corpus);
  g_free (r->split);
  g_free (r->dialogue);
  g_free (r->speaker);
  g_free (r->transcript);
  g_free (r->sentiment);
  g_free (r->media_path);
  g_free (r->annotator_labels);
  g_free (r->probs);
  g_free (r);
}

void
_stva_db_table_free (StvaDbTable *t)
{
  if (t == NULL)
    return;
  stva_db_label_set_free (t->set);
  g_free (t->model_name);
  g_free (t->annotator_ids);
  g_strfreev (t->annotator_names);
  g_clear_pointer (&t->rows, g_ptr_array_unref);
  g_free (t);
}

static gint64
column_or (sqlite3_stmt *stmt,
           int           col,
           gint64        fallback)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? fallback
                                                        : sqlite3_column_int64 (stmt, col);
}

StvaDbTable *
_stva_db_table (StvaDb   *db,
                gint64    label_set_id,
                gint64    model_id,
                GError  **error)
{
  g_autoptr (StvaDbTable) t = g_new0 (StvaDbTable, 1);
  if ((t->set = stva_db_label_set_by_id (db, label_set_id, error)) == NULL)
    return NULL;
  if (model_id == 0 && (model_id = resolve_model (db, label_set_id, 0, error)) < 0)
    return NULL;
  t->model_id = MAX (model_id, 0);
  if (t->model_id != 0 && (t->model_name = stva_db_model_name (db, t->model_id, error)) == NULL)
    return NULL;

  /* annotators with events in the set, by name */
  {
    g_autoptr (sqlite3_stmt) a = _stva_db_prepare (
      db, "SELECT id, name FROM annotator WHERE id IN (SELECT annotator_id FROM correction "
          "WHERE label_set_id = :set) ORDER BY name", error);
    if (a == NULL)
      return NULL;
    _stva_bind_int64 (a, ":set", label_set_id);
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GPtrArray) names = g_ptr_array_new ();
    int rc;
    while ((rc = _stva_db_step (db, a, error)) == 1)
      {
        gint64 id = sqlite3_column_int64 (a, 0);
        g_array_append_val (ids, id);
        g_ptr_array_add (names, _stva_column_dup (a, 1));
      }
    if (rc < 0)
      return NULL;
    g_ptr_array_add (names, NULL);
    t->n_annotators = ids->len;
    t->annotator_ids = (gint64 *) (void *) g_array_free (g_steal_pointer (&ids), FALSE);
    t->annotator_names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  }

  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  t->rows = g_ptr_array_new_with_free_func (row_free);
  {
    g_autoptr (sqlite3_stmt) r = _stva_db_prepare (
      db, "SELECT u.id, d.id, d.corpus, d.split, d.name, d.source_id, u.idx, u.source_id, "
          "u.speaker, u.transcript, u.start_ms, u.end_ms, u.sr_no, u.season, u.episode, "
          "u.sentiment, m.path, c.gold_label_id, c.label_id, c.annotator_id IS NOT NULL, "
          "c.event_id FROM utterance u JOIN dialogue d ON d.id = u.dialogue_id "
          "JOIN current_label c ON c.utterance_id = u.id AND c.label_set_id = :set "
          "LEFT JOIN media m ON m.id = u.media_id "
          "ORDER BY " SPLIT_ORDER ("d.split") ", d.corpus, d.source_id, d.name, u.idx", error);
    if (r == NULL)
      return NULL;
    _stva_bind_int64 (r, ":set", label_set_id);
    int rc;
    while ((rc = _stva_db_step (db, r, error)) == 1)
      {
        StvaDbRow *row = g_new0 (StvaDbRow, 1);
        row->utterance_id = sqlite3_column_int64 (r, 0);
        row->dialogue_id = sqlite3_column_int64 (r, 1);
        row->corpus = _stva_column_dup (r, 2);
        row->split = _stva_column_dup (r, 3);
        row->dialogue = _stva_column_dup (r, 4);
        row->dialogue_source_id = column_or (r, 5, -1);
        row->idx = sqlite3_column_int (r, 6);
        row->source_id = column_or (r, 7, row->idx);
        row->speaker = _stva_column_dup (r, 8);
        row->transcript = _stva_column_dup (r, 9);
        row->start_ms = column_or (r, 10, -1);
        row->end_ms = column_or (r, 11, -1);
        row->sr_no = column_or (r, 12, -1);
        row->season = column_or (r, 13, -1);
        row->episode = column_or (r, 14, -1);
        row->sentiment = _stva_column_dup (r, 15);
        row->media_path = _stva_column_dup (r, 16);
        row->gold = sqlite3_column_int64 (r, 17);
        row->current = sqlite3_column_int64 (r, 18);
        row->reviewed = sqlite3_column_int (r, 19);
        row->annotator_last_event = sqlite3_column_int64 (r, 20);
        row->annotator_labels = g_new0 (gint64, t->n_annotators + 1);
        g_ptr_array_add (t->rows, row);
        g_hash_table_insert (by_id, &row->utterance_id, row);
      }
    if (rc < 0)
      return NULL;
  }

  /* each annotator's label, imported ones included */
  {
    g_autoptr (sqlite3_stmt) c = _stva_db_prepare (
      db, "SELECT utterance_id, annotator_id, label_id FROM annotator_label "
          "WHERE label_set_id = :set", error);
    if (c == NULL)
      return NULL;
    _stva_bind_int64 (c, ":set", label_set_id);
    int rc;
    while ((rc = _stva_db_step (db, c, error)) == 1)
      {
        gint64 utt = sqlite3_column_int64 (c, 0);
        StvaDbRow *row = g_hash_table_lookup (by_id, &utt);
        if (row == NULL)
          continue;
        gint64 annotator = sqlite3_column_int64 (c, 1);
        for (guint a = 0; a < t->n_annotators; a++)
          if (t->annotator_ids[a] == annotator)
            row->annotator_labels[a] = sqlite3_column_int64 (c, 2);
      }
    if (rc < 0)
      return NULL;
  }

  if (t->model_id != 0)
    {
      guint K = t->set->labels->len;
      g_autoptr (sqlite3_stmt) p = _stva_db_prepare (
        db, "SELECT utterance_id, label_id, probs FROM prediction WHERE model_id = :model",
        error);
      if (p == NULL)
        return NULL;
      _stva_bind_int64 (p, ":model", t->model_id);
      int rc;
      while ((rc = _stva_db_step (db, p, error)) == 1)
        {
          gint64 utt = sqlite3_column_int64 (p, 0);
          StvaDbRow *row = g_hash_table_lookup (by_id, &utt);
          if (row == NULL)
            continue;
          row->predicted = sqlite3_column_int64 (p, 1);
          if ((guint) sqlite3_column_bytes (p, 2) == 4 * K)
            {
              row->probs = g_new (float, K);
              const guint8 *blob = sqlite3_column_blob (p, 2);
              for (guint k = 0; k < K; k++)
                {
                  guint32 u;
                  memcpy (&u, blob + 4 * k, 4);
                  u = GUINT32_FROM_LE (u);
                  memcpy (&row->probs[k], &u, 4);
                }
            }
        }
      if (rc < 0)
        return NULL;
    }
  return g_steal_pointer (&t);
}

/* ---- review queue ------------------------------------------------------------------------- */

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const StvaDbQueueItem *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->utterance_id < y->utterance_id ? -1 : x->utterance_id > y->utterance_id;
}

GArray *
stva_db_review_queue (StvaDb            *db,
                      gint64             label_set_id,
                      gint64             model_id,
                      StvaDbQueueOrder   order,
                      gboolean           unreviewed_only,
                      guint              limit,
                      GError           **error)
{
  /* an audit's order reads the newest run's stored scores (model_id, the model on screen, is
   * not an audit run); the table then needs no model's predictions */
  g_autoptr (GHashTable) audit = NULL;
  if (order == STVA_DB_QUEUE_AUDIT
      && (audit = stva_db_audit_scores (db, label_set_id, 0, error)) == NULL)
    return NULL;
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id,
                                              audit != NULL ? -1 : model_id, error);
  if (t == NULL)
    return NULL;
  guint K = t->set->labels->len;
  GArray *queue = g_array_new (FALSE, FALSE, sizeof (StvaDbQueueItem));
  for (guint i = 0; i < t->rows->len; i++)
    {
      const StvaDbRow *row = g_ptr_array_index (t->rows, i);
      if (unreviewed_only && row->reviewed)
        continue;
      double score = 0.0;
      gboolean keep = TRUE;
      if (order == STVA_DB_QUEUE_ANNOTATOR_DISAGREEMENT)
        {
          gint64 seen[64];
          guint n_seen = 0;
          for (guint a = 0; a < t->n_annotators; a++)
            {
              gint64 l = row->annotator_labels[a];
              gboolean found = l == 0;
              for (guint k = 0; k < n_seen && !found; k++)
                found = seen[k] == l;
              if (!found && n_seen < G_N_ELEMENTS (seen))
                seen[n_seen++] = l;
            }
          score = n_seen > 1 ? (double) n_seen : 0.0;
          keep = n_seen > 1;
        }
      else if (audit != NULL)
        {
          const double *stored = g_hash_table_lookup (audit, &row->utterance_id);
          keep = stored != NULL;
          score = keep ? *stored : 0.0;
        }
      else if (row->probs == NULL)
        keep = FALSE;
      else if (order == STVA_DB_QUEUE_ENTROPY)
        {
          for (guint k = 0; k < K; k++)
            if (row->probs[k] > 0.0f)
              score -= row->probs[k] * log (row->probs[k]);
        }
      else if (order == STVA_DB_QUEUE_MARGIN)
        {
          float p1 = -1.0f, p2 = -1.0f;
          for (guint k = 0; k < K; k++)
            if (row->probs[k] > p1)
              {
                p2 = p1;
                p1 = row->probs[k];
              }
            else if (row->probs[k] > p2)
              p2 = row->probs[k];
          score = 1.0 - (p1 - p2);   /* smaller margin ranks higher */
        }
      else
        {
          const StvaDbLabel *pred = stva_db_label_set_by_label (t->set, row->predicted);
          keep = row->current != 0 && pred != NULL && row->predicted != row->current;
          score = keep ? row->probs[pred->idx] : 0.0;   /* confident disagreement first */
        }
      if (!keep)
        continue;
      StvaDbQueueItem item = { row->utterance_id, row->dialogue_id, score };
      g_array_append_val (queue, item);
    }
  g_array_sort (queue, compare_items);
  if (limit > 0 && queue->len > limit)
    g_array_set_size (queue, limit);
  return queue;
}

/* ---- counts and statistics ---------------------------------------------------------------- */

gboolean
stva_db_counts (StvaDb        *db,
                StvaDbCounts  *c,
                GError       **error)
{
  memset (c, 0, sizeof *c);
  g_autoptr (sqlite3_stmt) splits = _stva_db_prepare (
    db, "SELECT " SPLIT_ORDER ("d.split") ", count (DISTINCT d.id), count (u.id) "
        "FROM dialogue d LEFT JOIN utterance u ON u.dialogue_id = d.id GROUP BY d.split", error);
  if (splits == NULL)
    return FALSE;
  int rc;
  while ((rc = _stva_db_step (db, splits, error)) == 1)
    {
      int s = sqlite3_column_int (splits, 0);
      c->n_dialogues[s] = sqlite3_column_int (splits, 1);
      c->n_utterances[s] = sqlite3_column_int (splits, 2);
    }
  if (rc < 0)
    return FALSE;
  g_autoptr (sqlite3_stmt) rest = _stva_db_prepare (
    db, "SELECT (SELECT count (*) FROM media), (SELECT count (*) FROM annotator), "
        "(SELECT count (*) FROM correction), (SELECT count (*) FROM model), "
        "(SELECT count (*) FROM prediction), (SELECT count (*) FROM feature), "
        "(SELECT count (DISTINCT message) FROM import_warning)", error);
  if (rest == NULL || _stva_db_step (db, rest, error) != 1)
    return FALSE;
  c->n_media = sqlite3_column_int (rest, 0);
  c->n_annotators = sqlite3_column_int (rest, 1);
  c->n_corrections = sqlite3_column_int (rest, 2);
  c->n_models = sqlite3_column_int (rest, 3);
  c->n_predictions = sqlite3_column_int (rest, 4);
  c->n_features = sqlite3_column_int (rest, 5);
  c->n_import_warnings = sqlite3_column_int (rest, 6);
  return TRUE;
}

void
stva_db_class_stats_free (StvaDbClassStats *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s);
}

void
stva_db_annotator_stats_free (StvaDbAnnotatorStats *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s);
}

GPtrArray *
stva_db_class_stats (StvaDb   *db,
                     gint64    label_set_id,
                     gint64    model_id,
                     GError  **error)
{
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, model_id, error);
  if (t == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) stva_db_class_stats_free);
  for (guint k = 0; k < t->set->labels->len; k++)
    {
      const StvaDbLabel *l = g_ptr_array_index (t->set->labels, k);
      StvaDbClassStats *s = g_new0 (StvaDbClassStats, 1);
      s->label_id = l->id;
      s->idx = l->idx;
      s->name = g_strdup (l->name);
      for (guint i = 0; i < t->rows->len; i++)
        {
          const StvaDbRow *r = g_ptr_array_index (t->rows, i);
          s->gold += r->gold == l->id;
          s->current += r->current == l->id;
          s->predicted += r->predicted == l->id;
          s->changed_from += r->gold == l->id && r->current != l->id;
          s->changed_to += r->current == l->id && r->gold != 0 && r->gold != l->id;
        }
      g_ptr_array_add (out, s);
    }
  return out;
}

GPtrArray *
stva_db_annotator_stats (StvaDb   *db,
                         gint64    label_set_id,
                         gint64    model_id,
                         GError  **error)
{
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, model_id, error);
  if (t == NULL)
    return NULL;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT count (*), min (created_us), max (created_us) FROM correction "
        "WHERE annotator_id = :annotator AND label_set_id = :set", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_annotator_stats_free);
  for (guint a = 0; a < t->n_annotators; a++)
    {
      StvaDbAnnotatorStats *s = g_new0 (StvaDbAnnotatorStats, 1);
      s->annotator_id = t->annotator_ids[a];
      s->name = g_strdup (t->annotator_names[a]);
      g_ptr_array_add (out, s);
      for (guint i = 0; i < t->rows->len; i++)
        {
          const StvaDbRow *r = g_ptr_array_index (t->rows, i);
          gint64 l = r->annotator_labels[a];
          if (l == 0)
            continue;
          s->n_labels++;
          s->n_differ_gold += r->gold != 0 && l != r->gold;
          s->n_differ_model += r->predicted != 0 && l != r->predicted;
        }
      sqlite3_reset (stmt);
      _stva_bind_int64 (stmt, ":annotator", s->annotator_id);
      _stva_bind_int64 (stmt, ":set", label_set_id);
      if (_stva_db_step (db, stmt, error) != 1)
        return NULL;
      s->n_events = sqlite3_column_int (stmt, 0);
      s->first_us = sqlite3_column_int64 (stmt, 1);
      s->last_us = sqlite3_column_int64 (stmt, 2);
    }
  return g_steal_pointer (&out);
}

/* ---- agreement ---------------------------------------------------------------------------- */

void
stva_db_agreement_clear (StvaDbAgreement *a)
{
  if (a == NULL)
    return;
  g_strfreev (a->raters);
  g_free (a->alpha_per_class);
  g_free (a->cohen);
  memset (a, 0, sizeof *a);
}

gboolean
stva_db_agreement (StvaDb           *db,
                   gint64            label_set_id,
                   gboolean          include_gold,
                   gint64            model_id,
                   StvaDbAgreement  *out,
                   GError          **error)
{
  memset (out, 0, sizeof *out);
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, model_id ? model_id : -1,
                                              error);
  if (t == NULL)
    return FALSE;
  guint R = t->n_annotators + (include_gold ? 1 : 0) + (t->model_id ? 1 : 0);
  int K = (int) t->set->labels->len;
  out->n_raters = R;
  out->K = (guint) K;
  out->raters = g_new0 (char *, R + 1);
  for (guint a = 0; a < t->n_annotators; a++)
    out->raters[a] = g_strdup (t->annotator_names[a]);
  if (include_gold)
    out->raters[t->n_annotators] = g_strdup ("gold");
  if (t->model_id)
    out->raters[R - 1] = g_strdup_printf ("model:%s", t->model_name);

  size_t N = t->rows->len;
  g_autofree int *ratings = g_new (int, N * R + 1);
  for (size_t i = 0; i < N; i++)
    {
      const StvaDbRow *r = g_ptr_array_index (t->rows, i);
      for (guint a = 0; a < R; a++)
        {
          gint64 l = a < t->n_annotators ? r->annotator_labels[a]
                     : include_gold && a == t->n_annotators ? r->gold : r->predicted;
          const StvaDbLabel *label = l ? stva_db_label_set_by_label (t->set, l) : NULL;
          ratings[i * R + a] = label ? label->idx : -1;
        }
    }
  size_t used = 0;
  out->alpha = R >= 2 ? stva_agreement_alpha (ratings, N, R, K, &used) : NAN;
  out->n_units = (guint) used;
  out->observed = R >= 2 ? stva_agreement_observed (ratings, N, R, K) : NAN;
  out->fleiss = R >= 2 ? stva_agreement_fleiss (ratings, N, R, K, &used) : NAN;
  out->n_units_complete = R >= 2 ? (guint) used : 0;
  out->alpha_per_class = g_new (double, K);
  g_autofree int *binary = g_new (int, N * R + 1);
  for (int k = 0; k < K; k++)
    {
      stva_agreement_binarize (binary, ratings, N * R, k);
      out->alpha_per_class[k] = R >= 2 ? stva_agreement_alpha (binary, N, R, 2, NULL) : NAN;
    }
  out->cohen = g_new (double, (size_t) R * R + 1);
  for (guint a = 0; a < R; a++)
    for (guint b = 0; b < R; b++)
      out->cohen[a * R + b] = a == b ? NAN
                                     : stva_agreement_cohen (ratings, N, R, a, b, K, NULL);
  return TRUE;
}
