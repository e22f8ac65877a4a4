/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The correction log: setting a label, undo and redo as new events, and the labels derived from
 * the log (see the top of stva-db.h), read from the views of schema/0004-label-views.sql.  Each
 * call that writes is one transaction (joined into the caller's when one is open), so a crash
 * keeps every event committed before it.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

void
stva_db_correction_free (StvaDbCorrection *c)
{
  if (c == NULL)
    return;
  g_free (c->annotator);
  g_free (c->kind);
  g_free (c->note);
  g_free (c);
}

/* Opens a transaction unless the caller has one; *owned says whether to commit it. */
static gboolean
begin_maybe (StvaDb    *db,
             gboolean  *owned,
             GError   **error)
{
  *owned = sqlite3_get_autocommit (db->handle) != 0;
  return !*owned || stva_db_begin (db, error);
}

static gboolean
end_maybe (StvaDb    *db,
           gboolean   owned,
           gboolean   ok,
           GError   **error)
{
  if (!owned)
    return ok;
  if (!ok)
    {
      stva_db_rollback (db);
      return FALSE;
    }
  return stva_db_commit (db, error);
}

gboolean
stva_db_annotator_label (StvaDb   *db,
                         gint64    utterance_id,
                         gint64    label_set_id,
                         gint64    annotator_id,
                         gint64   *label_id,
                         GError  **error)
{
  sqlite3_stmt *stmt = _stva_db_cached (
    db, STVA_STMT_ANNOTATOR_LABEL,
    "SELECT label_id FROM annotator_label WHERE utterance_id = :utterance "
    "AND label_set_id = :set AND annotator_id = :annotator", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  _stva_bind_int64 (stmt, ":annotator", annotator_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc >= 0)
    *label_id = rc == 1 ? sqlite3_column_int64 (stmt, 0) : 0;   /* no row: no label */
  sqlite3_reset (stmt);
  return rc >= 0;
}

gboolean
stva_db_current_label (StvaDb   *db,
                       gint64    utterance_id,
                       gint64    label_set_id,
                       gint64   *label_id,
                       GError  **error)
{
  sqlite3_stmt *stmt = _stva_db_cached (
    db, STVA_STMT_CURRENT_LABEL, "SELECT label_id FROM current_label "
        "WHERE utterance_id = :utterance AND label_set_id = :set", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc >= 0)
    *label_id = rc == 1 ? sqlite3_column_int64 (stmt, 0) : 0;   /* NULL (neither) reads as 0 */
  sqlite3_reset (stmt);
  return rc >= 0;
}

static gint64
append_event (StvaDb      *db,
              gint64       utterance_id,
              gint64       label_set_id,
              gint64       annotator_id,
              const char  *kind,
              gint64       new_label_id,
              gint64       reverts_id,
              gint64       model_id,
              const char  *note,
              GError     **error)
{
  gint64 old = 0;
  if (!stva_db_annotator_label (db, utterance_id, label_set_id, annotator_id, &old, error))
    return 0;
  sqlite3_stmt *stmt = _stva_db_cached (
    db, STVA_STMT_APPEND_EVENT,
    "INSERT INTO correction (utterance_id, label_set_id, annotator_id, kind, old_label_id, "
        "new_label_id, reverts_id, model_id, note, created_us) VALUES (:utterance, :set, "
        ":annotator, :kind, :old, :new, :reverts, :model, :note, :now)", error);
  if (stmt == NULL)
    return 0;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  _stva_bind_int64 (stmt, ":annotator", annotator_id);
  _stva_bind_text (stmt, ":kind", kind);
  _stva_bind_id (stmt, ":old", old);
  _stva_bind_id (stmt, ":new", new_label_id);
  _stva_bind_id (stmt, ":reverts", reverts_id);
  _stva_bind_id (stmt, ":model", model_id);
  _stva_bind_text (stmt, ":note", note);
  _stva_bind_int64 (stmt, ":now", g_get_real_time ());
  gboolean ok = _stva_db_step_done (db, stmt, error);
  sqlite3_reset (stmt);
  return ok ? sqlite3_last_insert_rowid (db->handle) : 0;
}

/* Checks what the foreign keys cannot: the label belongs to the set, the ids exist. */
static gboolean
check_ids (StvaDb   *db,
           gint64    utterance_id,
           gint64    label_set_id,
           gint64    annotator_id,
           gint64    label_id,
           GError  **error)
{
  sqlite3_stmt *stmt = _stva_db_cached (
    db, STVA_STMT_CHECK_IDS, "SELECT (SELECT count(*) FROM utterance WHERE id = :utterance), "
        "(SELECT count(*) FROM annotator WHERE id = :annotator), "
        "(SELECT count(*) FROM label WHERE id = :label AND label_set_id = :set)", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":annotator", annotator_id);
  _stva_bind_int64 (stmt, ":label", label_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  if (_stva_db_step (db, stmt, error) != 1)
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  const char *what = NULL;
  if (sqlite3_column_int (stmt, 0) == 0)
    what = "no such utterance";
  else if (sqlite3_column_int (stmt, 1) == 0)
    what = "no such annotator";
  else if (label_id != 0 && sqlite3_column_int (stmt, 2) == 0)
    what = "the label is not in the label set";
  sqlite3_reset (stmt);
  if (what == NULL)
    return TRUE;
  g_set_error (error, STVA_DB_ERROR, what[0] == 'n' ? STVA_DB_ERROR_NOT_FOUND
                                                    : STVA_DB_ERROR_INVALID,
               "%s: utterance %" G_GINT64_FORMAT ", label %" G_GINT64_FORMAT ": %s", db->path,
               utterance_id, label_id, what);
  return FALSE;
}

gint64
stva_db_set_label (StvaDb      *db,
                   gint64       utterance_id,
                   gint64       label_set_id,
                   gint64       annotator_id,
                   gint64       label_id,
                   gint64       model_id,
                   const char  *note,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL, 0);
  gboolean owned;
  if (!begin_maybe (db, &owned, error))
    return 0;
  gint64 id = 0;
  if (check_ids (db, utterance_id, label_set_id, annotator_id, label_id, error))
    id = append_event (db, utterance_id, label_set_id, annotator_id, "set", label_id, 0,
                       model_id, note, error);
  return end_maybe (db, owned, id != 0, error) ? id : 0;
}

/* ---- undo and redo ------------------------------------------------------------------------ */

typedef struct
{
  gint64 id;            /* the set (or redo) event */
  gint64 utterance_id;
  gint64 new_label_id;
  gint64 old_label_id;
  gint64 model_id;
} Done;

/* Replays the annotator's events in set into the undo stack (done) and the redo stack. */
static gboolean
replay (StvaDb   *db,
        gint64    annotator_id,
        gint64    label_set_id,
        GArray   *done,
        GArray   *undone,
        GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id, kind, utterance_id, old_label_id, new_label_id, reverts_id, model_id "
        "FROM correction WHERE annotator_id = :annotator AND label_set_id = :set "
        "AND kind != 'import' ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":annotator", annotator_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      Done e = {
        .id = sqlite3_column_int64 (stmt, 0),
        .utterance_id = sqlite3_column_int64 (stmt, 2),
        .old_label_id = sqlite3_column_int64 (stmt, 3),
        .new_label_id = sqlite3_column_int64 (stmt, 4),
        .model_id = sqlite3_column_int64 (stmt, 6),
      };
      gint64 reverts = sqlite3_column_int64 (stmt, 5);
      if (strcmp (kind, "set") == 0)
        {
          g_array_append_val (done, e);
          g_array_set_size (undone, 0);
        }
      else if (strcmp (kind, "undo") == 0 && done->len > 0)
        {
          Done top = g_array_index (done, Done, done->len - 1);
          g_warn_if_fail (top.id == reverts);
          g_array_set_size (done, done->len - 1);
          g_array_append_val (undone, top);
        }
      else if (strcmp (kind, "redo") == 0 && undone->len > 0)
        {
          Done top = g_array_index (undone, Done, undone->len - 1);
          g_array_set_size (undone, undone->len - 1);
          e.old_label_id = top.old_label_id;   /* undoing the redo goes back to the same place */
          g_array_append_val (done, e);
        }
    }
  return rc == 0;
}

static gint64
undo_redo (StvaDb      *db,
           gint64       annotator_id,
           gint64       label_set_id,
           gboolean     redo,
           GError     **error)
{
  g_return_val_if_fail (db != NULL, 0);
  gboolean owned;
  if (!begin_maybe (db, &owned, error))
    return 0;
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (Done));
  g_autoptr (GArray) undone = g_array_new (FALSE, FALSE, sizeof (Done));
  gint64 id = 0;
  gboolean ok = replay (db, annotator_id, label_set_id, done, undone, error);
  GArray *from = redo ? undone : done;
  if (ok && from->len > 0)
    {
      Done top = g_array_index (from, Done, from->len - 1);
      id = append_event (db, top.utterance_id, label_set_id, annotator_id,
                         redo ? "redo" : "undo", redo ? top.new_label_id : top.old_label_id,
                         top.id, top.model_id, NULL, error);
      ok = id != 0;
    }
  if (!end_maybe (db, owned, ok, error))
    return 0;
  return id;
}

gint64
stva_db_undo (StvaDb   *db,
              gint64    annotator_id,
              gint64    label_set_id,
              GError  **error)
{
  return undo_redo (db, annotator_id, label_set_id, FALSE, error);
}

gint64
stva_db_redo (StvaDb   *db,
              gint64    annotator_id,
              gint64    label_set_id,
              GError  **error)
{
  return undo_redo (db, annotator_id, label_set_id, TRUE, error);
}

/**
 * stva_db_history:
 * Returns: (transfer full): every event on the utterance in the set, oldest first.
 */
GPtrArray *
stva_db_history (StvaDb   *db,
                 gint64    utterance_id,
                 gint64    label_set_id,
                 GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT c.id, c.annotator_id, a.name, c.kind, c.old_label_id, c.new_label_id, "
        "c.reverts_id, c.model_id, c.note, c.created_us FROM correction c "
        "JOIN annotator a ON a.id = c.annotator_id "
        "WHERE c.utterance_id = :utterance AND c.label_set_id = :set ORDER BY c.id", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_correction_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbCorrection *c = g_new0 (StvaDbCorrection, 1);
      c->id = sqlite3_column_int64 (stmt, 0);
      c->utterance_id = utterance_id;
      c->label_set_id = label_set_id;
      c->annotator_id = sqlite3_column_int64 (stmt, 1);
      c->annotator = _stva_column_dup (stmt, 2);
      c->kind = _stva_column_dup (stmt, 3);
      c->old_label_id = sqlite3_column_int64 (stmt, 4);
      c->new_label_id = sqlite3_column_int64 (stmt, 5);
      c->reverts_id = sqlite3_column_int64 (stmt, 6);
      c->model_id = sqlite3_column_int64 (stmt, 7);
      c->note = _stva_column_dup (stmt, 8);
      c->created_us = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (events, c);
    }
  return rc < 0 ? NULL : g_steal_pointer (&events);
}

/* How many of the annotator's events in the set stva_db_undo () and stva_db_redo () could
 * revert and reapply now (the studio shows whether undo and redo would do anything). */
gboolean
stva_db_undo_state (StvaDb   *db,
                    gint64    annotator_id,
                    gint64    label_set_id,
                    guint    *n_undo,
                    guint    *n_redo,
                    GError  **error)
{
  g_return_val_if_fail (db != NULL && n_undo != NULL && n_redo != NULL, FALSE);
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (Done));
  g_autoptr (GArray) undone = g_array_new (FALSE, FALSE, sizeof (Done));
  if (!replay (db, annotator_id, label_set_id, done, undone, error))
    return FALSE;
  *n_undo = done->len;
  *n_redo = undone->len;
  return TRUE;
}
