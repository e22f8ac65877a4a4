/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Label audits (schema/0006-audit.sql): a run of `synctva audit` stored whole in one
 * transaction, read back by rank with the utterance's dialogue, text and label names, and its
 * scores by utterance for the review queue's STVA_DB_QUEUE_AUDIT order.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

void
stva_db_audit_item_free (StvaDbAuditItem *item)
{
  if (item == NULL)
    return;
  g_free (item->probs);
  g_free (item->dialogue);
  g_free (item->split);
  g_free (item->text);
  g_free (item->given);
  g_free (item->suggested);
  g_free (item);
}

/* K float32 little-endian. */
static guint8 *
pack_probs (const float *probs,
            guint        K)
{
  guint8 *blob = g_malloc (4 * (gsize) K);
  for (guint k = 0; k < K; k++)
    {
      guint32 u;
      memcpy (&u, &probs[k], 4);
      u = GUINT32_TO_LE (u);
      memcpy (blob + 4 * k, &u, 4);
    }
  return blob;
}

gint64
stva_db_audit_store (StvaDb                 *db,
                     const StvaDbAuditRun   *run,
                     const StvaDbAuditItem  *items,
                     guint                   n,
                     GError                **error)
{
  g_return_val_if_fail (db != NULL && run != NULL && (items != NULL || n == 0), 0);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set_by_id (db, run->label_set_id, error);
  if (set == NULL)
    return 0;
  guint K = set->labels->len;
  for (guint i = 0; i < n; i++)
    if (items[i].K != K || items[i].probs == NULL || items[i].rank < 1
        || (guint) items[i].rank > n
        || stva_db_label_set_by_label (set, items[i].given_label_id) == NULL
        || stva_db_label_set_by_label (set, items[i].suggested_label_id) == NULL)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                     "%s: audit item %u (utterance %" G_GINT64_FORMAT ") does not fit label "
                     "set '%s' (%u labels) or ranks 1 to %u", stva_db_path (db), i,
                     items[i].utterance_id, set->name, K, n);
        return 0;
      }

  if (!stva_db_begin (db, error))
    return 0;
  gint64 run_id = 0;
  {
    g_autoptr (sqlite3_stmt) r = _stva_db_prepare (
      db, "INSERT INTO audit_run (label_set_id, method, folds, seed, split, n_ranked, "
          "n_candidates, info, created_us) VALUES (:set, :method, :folds, :seed, :split, "
          ":n, :cand, :info, :now)", error);
    if (r == NULL)
      goto fail;
    _stva_bind_int64 (r, ":set", run->label_set_id);
    _stva_bind_text (r, ":method", run->method);
    _stva_bind_int64 (r, ":folds", run->folds);
    _stva_bind_int64 (r, ":seed", run->seed);
    _stva_bind_text (r, ":split", run->split);
    _stva_bind_int64 (r, ":n", n);
    _stva_bind_int64 (r, ":cand", run->n_candidates);
    _stva_bind_text (r, ":info", run->info != NULL ? run->info : "{}");
    _stva_bind_int64 (r, ":now", g_get_real_time ());
    if (!_stva_db_step_done (db, r, error))
      goto fail;
    run_id = sqlite3_last_insert_rowid (db->handle);
  }
  {
    g_autoptr (sqlite3_stmt) s = _stva_db_prepare (
      db, "INSERT INTO audit_score (run_id, utterance_id, label_set_id, given_label_id, "
          "suggested_label_id, rank, score, self_confidence, margin, candidate, probs) VALUES "
          "(:run, :utt, :set, :given, :sugg, :rank, :score, :self, :margin, :cand, :probs)",
      error);
    if (s == NULL)
      goto fail;
    for (guint i = 0; i < n; i++)
      {
        const StvaDbAuditItem *it = &items[i];
        g_autofree guint8 *blob = pack_probs (it->probs, K);
        sqlite3_reset (s);
        _stva_bind_int64 (s, ":run", run_id);
        _stva_bind_int64 (s, ":utt", it->utterance_id);
        _stva_bind_int64 (s, ":set", run->label_set_id);
        _stva_bind_int64 (s, ":given", it->given_label_id);
        _stva_bind_int64 (s, ":sugg", it->suggested_label_id);
        _stva_bind_int64 (s, ":rank", it->rank);
        _stva_bind_double (s, ":score", it->score);
        _stva_bind_double (s, ":self", it->self_confidence);
        _stva_bind_double (s, ":margin", it->margin);
        _stva_bind_int64 (s, ":cand", it->candidate ? 1 : 0);
        _stva_bind_blob (s, ":probs", blob, 4 * (gsize) K);
        if (!_stva_db_step_done (db, s, error))
          goto fail;
      }
  }
  if (!stva_db_commit (db, error))
    goto fail;
  return run_id;

fail:
  stva_db_rollback (db);
  return 0;
}

gint64
stva_db_audit_latest (StvaDb  *db,
                      gint64   label_set_id,
                      GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT max (id) FROM audit_run WHERE label_set_id = :set", error);
  if (stmt == NULL)
    return -1;
  _stva_bind_int64 (stmt, ":set", label_set_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return -1;
  return rc == 1 ? sqlite3_column_int64 (stmt, 0) : 0;
}

GPtrArray *
stva_db_audit_items (StvaDb  *db,
                     gint64   run_id,
                     guint    limit,
                     GError **error)
{
  gint64 set_id = 0;
  {
    g_autoptr (sqlite3_stmt) r = _stva_db_prepare (
      db, "SELECT label_set_id FROM audit_run WHERE id = :run", error);
    if (r == NULL)
      return NULL;
    _stva_bind_int64 (r, ":run", run_id);
    int rc = _stva_db_step (db, r, error);
    if (rc < 0)
      return NULL;
    if (rc == 0)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                     "%s: no audit run %" G_GINT64_FORMAT, stva_db_path (db), run_id);
        return NULL;
      }
    set_id = sqlite3_column_int64 (r, 0);
  }
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set_by_id (db, set_id, error);
  if (set == NULL)
    return NULL;
  guint K = set->labels->len;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT s.utterance_id, s.given_label_id, s.suggested_label_id, s.rank, s.score, "
        "s.self_confidence, s.margin, s.candidate, s.probs, d.id, d.name, d.split, u.idx, "
        "u.transcript FROM audit_score s JOIN utterance u ON u.id = s.utterance_id "
        "JOIN dialogue d ON d.id = u.dialogue_id WHERE s.run_id = :run ORDER BY s.rank "
        "LIMIT :limit", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":run", run_id);
  _stva_bind_int64 (stmt, ":limit", limit > 0 ? (gint64) limit : -1);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_audit_item_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbAuditItem *it = g_new0 (StvaDbAuditItem, 1);
      g_ptr_array_add (items, it);
      it->utterance_id = sqlite3_column_int64 (stmt, 0);
      it->given_label_id = sqlite3_column_int64 (stmt, 1);
      it->suggested_label_id = sqlite3_column_int64 (stmt, 2);
      it->rank = sqlite3_column_int (stmt, 3);
      it->score = sqlite3_column_double (stmt, 4);
      it->self_confidence = sqlite3_column_double (stmt, 5);
      it->margin = sqlite3_column_double (stmt, 6);
      it->candidate = sqlite3_column_int (stmt, 7) != 0;
      it->K = K;
      it->probs = g_new0 (float, K);
      if ((guint) sqlite3_column_bytes (stmt, 8) != 4 * K)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: audit run %" G_GINT64_FORMAT ", utterance %" G_GINT64_FORMAT
                       ": probabilities of %d bytes, not %u", stva_db_path (db), run_id,
                       it->utterance_id, sqlite3_column_bytes (stmt, 8), 4 * K);
          return NULL;
        }
      const guint8 *blob = sqlite3_column_blob (stmt, 8);
      for (guint k = 0; k < K; k++)
        {
          guint32 u;
          memcpy (&u, blob + 4 * k, 4);
          u = GUINT32_FROM_LE (u);
          memcpy (&it->probs[k], &u, 4);
        }
      it->dialogue_id = sqlite3_column_int64 (stmt, 9);
      it->dialogue = _stva_column_dup (stmt, 10);
      it->split = _stva_column_dup (stmt, 11);
      it->idx = sqlite3_column_int (stmt, 12);
      it->text = _stva_column_dup (stmt, 13);
      const StvaDbLabel *g = stva_db_label_set_by_label (set, it->given_label_id);
      const StvaDbLabel *s = stva_db_label_set_by_label (set, it->suggested_label_id);
      it->given = g_strdup (g != NULL ? g->name : "");
      it->suggested = g_strdup (s != NULL ? s->name : "");
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&items);
}

GHashTable *
stva_db_audit_scores (StvaDb  *db,
                      gint64   label_set_id,
                      gint64   run_id,
                      GError **error)
{
  if (run_id == 0 && (run_id = stva_db_audit_latest (db, label_set_id, error)) < 0)
    return NULL;
  g_autoptr (GHashTable) scores = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT utterance_id, score FROM audit_score WHERE run_id = :run "
        "AND label_set_id = :set", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":run", run_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    g_hash_table_insert (scores, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) },
                                            sizeof (gint64)),
                         g_memdup2 (&(double) { sqlite3_column_double (stmt, 1) },
                                    sizeof (double)));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&scores);
}
