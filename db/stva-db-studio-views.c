/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the studio's views read beside the session's lists: the dialogues a search matches (the
 * dialogue list's search entry), each dialogue's speakers and the model's score on it in one
 * pass over the project (the list's rows when a project opens), and every annotator's label on
 * a dialogue's utterances (the utterance table's "others" column and its disagreement filter).
 * Labels come from the views of schema/0004-label-views.sql (annotator_label, current_label).
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

/* ---- search ------------------------------------------------------------------------------- */

/* text as a LIKE pattern matching it anywhere, with '%', '_' and the escape '\' taken
 * literally (the query says ESCAPE '\'). */
static char *
like_pattern (const char *text)
{
  GString *p = g_string_sized_new (strlen (text) + 2);
  g_string_append_c (p, '%');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (p, '\\');
      g_string_append_c (p, *c);
    }
  g_string_append_c (p, '%');
  return g_string_free (p, FALSE);
}

/**
 * stva_db_search_dialogues:
 * Returns: (transfer full): the ids (gint64) of the dialogues with an utterance whose
 * transcript or speaker contains text, or whose name does; by id.
 */
GArray *
stva_db_search_dialogues (StvaDb      *db,
                          const char  *text,
                          GError     **error)
{
  g_return_val_if_fail (db != NULL && text != NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT d.id FROM dialogue d WHERE d.name LIKE :pattern ESCAPE '\\' "
        "OR EXISTS (SELECT 1 FROM utterance u WHERE u.dialogue_id = d.id "
        "           AND (u.transcript LIKE :pattern ESCAPE '\\' "
        "                OR u.speaker LIKE :pattern ESCAPE '\\')) "
        "ORDER BY d.id", error);
  if (stmt == NULL)
    return NULL;
  g_autofree char *pattern = like_pattern (text);
  _stva_bind_text (stmt, ":pattern", pattern);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  return rc < 0 ? NULL : g_steal_pointer (&ids);
}

/* ---- dialogue summaries ------------------------------------------------------------------- */

void
stva_db_dialogue_summary_free (StvaDbDialogueSummary *s)
{
  if (s == NULL)
    return;
  g_free (s->speakers);
  g_free (s);
}

/**
 * stva_db_dialogue_summaries:
 * Returns: (transfer full): one StvaDbDialogueSummary per dialogue, by id.
 */
GPtrArray *
stva_db_dialogue_summaries (StvaDb   *db,
                            gint64    label_set_id,
                            gint64    model_id,
                            GError  **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  if (model_id == 0)
    {
      GError *local = NULL;
      model_id = stva_db_latest_model (db, label_set_id, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
    }
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_dialogue_summary_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (sqlite3_stmt) dialogues = _stva_db_prepare (
    db, "SELECT id FROM dialogue ORDER BY id", error);
  if (dialogues == NULL)
    return NULL;
  int rc;
  while ((rc = _stva_db_step (db, dialogues, error)) == 1)
    {
      StvaDbDialogueSummary *s = g_new0 (StvaDbDialogueSummary, 1);
      s->dialogue_id = sqlite3_column_int64 (dialogues, 0);
      g_ptr_array_add (out, s);
      g_hash_table_insert (by_id, &s->dialogue_id, s);
    }
  if (rc < 0)
    return NULL;

  /* the speakers, each once, in the order they first speak */
  g_autoptr (sqlite3_stmt) speakers = _stva_db_prepare (
    db, "SELECT dialogue_id, speaker FROM utterance WHERE speaker != '' "
        "GROUP BY dialogue_id, speaker ORDER BY dialogue_id, min (idx)", error);
  if (speakers == NULL)
    return NULL;
  GString *names = g_string_new (NULL);
  gint64 last = 0;
  StvaDbDialogueSummary *s = NULL;
  while ((rc = _stva_db_step (db, speakers, error)) == 1)
    {
      gint64 dialogue_id = sqlite3_column_int64 (speakers, 0);
      if (dialogue_id != last || s == NULL)
        {
          if (s != NULL)
            s->speakers = g_strdup (names->str);
          g_string_truncate (names, 0);
          s = g_hash_table_lookup (by_id, &dialogue_id);
          last = dialogue_id;
        }
      if (s == NULL)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, (const char *) sqlite3_column_text (speakers, 1));
    }
  if (s != NULL)
    s->speakers = g_strdup (names->str);
  g_string_free (names, TRUE);
  if (rc < 0)
    return NULL;
  for (guint i = 0; i < out->len; i++)
    {
      StvaDbDialogueSummary *e = g_ptr_array_index (out, i);
      if (e->speakers == NULL)
        e->speakers = g_strdup ("");
    }
  if (model_id == 0)
    return g_steal_pointer (&out);

  /* the model's score: utterances with a current label and a prediction, and how many agree */
  g_autoptr (sqlite3_stmt) score = _stva_db_prepare (
    db, "SELECT u.dialogue_id, count (*), sum (p.label_id = c.label_id) "
        "FROM utterance u JOIN current_label c ON c.utterance_id = u.id "
        "  AND c.label_set_id = :set "
        "JOIN prediction p ON p.utterance_id = u.id AND p.model_id = :model "
        "WHERE c.label_id IS NOT NULL GROUP BY u.dialogue_id", error);
  if (score == NULL)
    return NULL;
  _stva_bind_int64 (score, ":set", label_set_id);
  _stva_bind_int64 (score, ":model", model_id);
  while ((rc = _stva_db_step (db, score, error)) == 1)
    {
      gint64 dialogue_id = sqlite3_column_int64 (score, 0);
      StvaDbDialogueSummary *e = g_hash_table_lookup (by_id, &dialogue_id);
      if (e == NULL)
        continue;
      e->n_scored = sqlite3_column_int (score, 1);
      e->n_right = sqlite3_column_int (score, 2);
    }
  return rc < 0 ? NULL : g_steal_pointer (&out);
}

/* ---- annotators' labels ------------------------------------------------------------------- */

void
stva_db_annotator_label_free (StvaDbAnnotatorLabel *l)
{
  if (l == NULL)
    return;
  g_free (l->annotator);
  g_free (l);
}

/**
 * stva_db_dialogue_annotator_labels:
 * Returns: (transfer full): every human annotator's label on the dialogue's utterances in the
 * set (StvaDbAnnotatorLabel), by utterance position then annotator name.
 */
GPtrArray *
stva_db_dialogue_annotator_labels (StvaDb   *db,
                                   gint64    dialogue_id,
                                   gint64    label_set_id,
                                   GError  **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT a.utterance_id, a.annotator_id, n.name, a.label_id, a.is_review "
        "FROM utterance u JOIN annotator_label a ON a.utterance_id = u.id "
        "  AND a.label_set_id = :set "
        "JOIN annotator n ON n.id = a.annotator_id AND n.kind = 'human' "
        "WHERE u.dialogue_id = :dialogue ORDER BY u.idx, n.name", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":set", label_set_id);
  _stva_bind_int64 (stmt, ":dialogue", dialogue_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_annotator_label_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbAnnotatorLabel *l = g_new0 (StvaDbAnnotatorLabel, 1);
      l->utterance_id = sqlite3_column_int64 (stmt, 0);
      l->annotator_id = sqlite3_column_int64 (stmt, 1);
      l->annotator = _stva_column_dup (stmt, 2);
      l->label_id = sqlite3_column_int64 (stmt, 3);
      l->is_review = sqlite3_column_int (stmt, 4) != 0;
      g_ptr_array_add (out, l);
    }
  return rc < 0 ? NULL : g_steal_pointer (&out);
}
