/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the studio keeps in a project beside the data: settings (the annotator who works on it)
 * in the project table, and which utterance an event of the correction log changed (so undo
 * and redo can show it).
 */
#include "config.h"

#include "stva-db-private.h"

/**
 * stva_db_setting:
 * Returns: (transfer full) (nullable): the value stored under key, NULL with error unset when
 * there is none.
 */
char *
stva_db_setting (StvaDb      *db,
                 const char  *key,
                 GError     **error)
{
  g_return_val_if_fail (db != NULL && key != NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT value FROM project WHERE key = :key", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_text (stmt, ":key", key);
  int rc = _stva_db_step (db, stmt, error);
  return rc == 1 ? _stva_column_dup (stmt, 0) : NULL;
}

/* Stores value under key (replacing it); value NULL removes the key. */
gboolean
stva_db_set_setting (StvaDb      *db,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_return_val_if_fail (db != NULL && key != NULL, FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, value != NULL ? "INSERT OR REPLACE INTO project (key, value) VALUES (:key, :value)"
                      : "DELETE FROM project WHERE key = :key", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_text (stmt, ":key", key);
  if (value != NULL)
    _stva_bind_text (stmt, ":value", value);
  return _stva_db_step_done (db, stmt, error);
}

/* The utterance the correction event event_id is about; FALSE with STVA_DB_ERROR_NOT_FOUND when
 * there is no such event. */
gboolean
stva_db_event_utterance (StvaDb   *db,
                         gint64    event_id,
                         gint64   *utterance_id,
                         GError  **error)
{
  g_return_val_if_fail (db != NULL && utterance_id != NULL, FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT utterance_id FROM correction WHERE id = :id", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":id", event_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "%s: no correction event %"
                   G_GINT64_FORMAT, stva_db_path (db), event_id);
      return FALSE;
    }
  *utterance_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The dialogue utterance_id belongs to; FALSE with STVA_DB_ERROR_NOT_FOUND when there is no
 * such utterance. */
gboolean
stva_db_utterance_dialogue (StvaDb   *db,
                            gint64    utterance_id,
                            gint64   *dialogue_id,
                            GError  **error)
{
  g_return_val_if_fail (db != NULL && dialogue_id != NULL, FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT dialogue_id FROM utterance WHERE id = :id", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":id", utterance_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "%s: no utterance %"
                   G_GINT64_FORMAT, stva_db_path (db), utterance_id);
      return FALSE;
    }
  *dialogue_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
