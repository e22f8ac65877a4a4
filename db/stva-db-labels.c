/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Label sets (the built-in ones come with the schema; users add their own, each label with a
 * colour and a keyboard key) and annotators.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

/* ---- label sets ---------------------------------------------------------------------------- */

static void
label_free (gpointer data)
{
  StvaDbLabel *l = data;
  g_free (l->name);
  g_free (l->colour);
  g_free (l->key);
  g_free (l);
}

void
stva_db_label_set_free (StvaDbLabelSet *set)
{
  if (set == NULL)
    return;
  g_free (set->name);
  g_free (set->description);
  g_clear_pointer (&set->labels, g_ptr_array_unref);
  g_free (set);
}

static StvaDbLabelSet *
load_label_set (StvaDb      *db,
                const char  *name,
                gint64       id,
                GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id, name, description FROM label_set WHERE name = :name OR id = :id", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_text (stmt, ":name", name);
  _stva_bind_int64 (stmt, ":id", id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == 0)
    {
      if (name != NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                     "%s: no label set called '%s'", db->path, name);
      else
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                     "%s: no label set with id %" G_GINT64_FORMAT, db->path, id);
      return NULL;
    }
  g_autoptr (StvaDbLabelSet) set = g_new0 (StvaDbLabelSet, 1);
  set->id = sqlite3_column_int64 (stmt, 0);
  set->name = _stva_column_dup (stmt, 1);
  set->description = _stva_column_dup (stmt, 2);
  set->labels = g_ptr_array_new_with_free_func (label_free);

  g_autoptr (sqlite3_stmt) labels = _stva_db_prepare (
    db, "SELECT id, idx, name, colour, key FROM label WHERE label_set_id = :set ORDER BY idx",
    error);
  if (labels == NULL)
    return NULL;
  _stva_bind_int64 (labels, ":set", set->id);
  while ((rc = _stva_db_step (db, labels, error)) == 1)
    {
      StvaDbLabel *l = g_new0 (StvaDbLabel, 1);
      l->id = sqlite3_column_int64 (labels, 0);
      l->idx = sqlite3_column_int (labels, 1);
      l->name = _stva_column_dup (labels, 2);
      l->colour = _stva_column_dup (labels, 3);
      l->key = _stva_column_dup (labels, 4);
      g_ptr_array_add (set->labels, l);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&set);
}

/**
 * stva_db_label_set:
 * Returns: (transfer full): the label set called name.
 */
StvaDbLabelSet *
stva_db_label_set (StvaDb      *db,
                   const char  *name,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL && name != NULL, NULL);
  return load_label_set (db, name, 0, error);
}

StvaDbLabelSet *
stva_db_label_set_by_id (StvaDb      *db,
                         gint64       id,
                         GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  return load_label_set (db, NULL, id, error);
}

GPtrArray *
stva_db_label_sets (StvaDb  *db,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "SELECT id FROM label_set ORDER BY id",
                                                    error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_label_set_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbLabelSet *set = load_label_set (db, NULL, sqlite3_column_int64 (stmt, 0), error);
      if (set == NULL)
        return NULL;
      g_ptr_array_add (sets, set);
    }
  return rc < 0 ? NULL : g_steal_pointer (&sets);
}

const StvaDbLabel *
stva_db_label_set_find (const StvaDbLabelSet *set,
                        const char           *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      if (g_ascii_strcasecmp (l->name, name) == 0)
        return l;
    }
  return NULL;
}

const StvaDbLabel *
stva_db_label_set_by_label (const StvaDbLabelSet *set,
                            gint64                label_id)
{
  for (guint i = 0; i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      if (l->id == label_id)
        return l;
    }
  return NULL;
}

static const char *const palette[] = {
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf",
};

gint64
stva_db_add_label_set (StvaDb             *db,
                       const char         *name,
                       const char         *description,
                       const char *const  *names,
                       const char *const  *colours,
                       const char *const  *keys,
                       guint               n_labels,
                       GError            **error)
{
  g_return_val_if_fail (db != NULL && name != NULL && names != NULL, 0);
  if (n_labels < 2 || n_labels > 64)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: label set '%s' has %u labels; a set has 2 to 64", db->path, name,
                   n_labels);
      return 0;
    }
  if (!stva_db_begin (db, error))
    return 0;
  g_autoptr (sqlite3_stmt) set = _stva_db_prepare (
    db, "INSERT INTO label_set (name, description) VALUES (:name, :description)", error);
  g_autoptr (sqlite3_stmt) label = _stva_db_prepare (
    db, "INSERT INTO label (label_set_id, idx, name, colour, key) "
        "VALUES (:set, :idx, :name, :colour, :key)", error);
  if (set == NULL || label == NULL)
    goto fail;
  _stva_bind_text (set, ":name", name);
  _stva_bind_text (set, ":description", description ? description : "");
  if (!_stva_db_step_done (db, set, error))
    goto fail;
  gint64 id = sqlite3_last_insert_rowid (db->handle);
  for (guint i = 0; i < n_labels; i++)
    {
      g_autofree char *key = i < 9 ? g_strdup_printf ("%u", i + 1) : NULL;
      sqlite3_reset (label);
      _stva_bind_int64 (label, ":set", id);
      _stva_bind_int64 (label, ":idx", i);
      _stva_bind_text (label, ":name", names[i]);
      _stva_bind_text (label, ":colour", colours ? colours[i]
                                                 : palette[i % G_N_ELEMENTS (palette)]);
      _stva_bind_text (label, ":key", keys ? keys[i] : key);
      if (!_stva_db_step_done (db, label, error))
        goto fail;
    }
  if (!stva_db_commit (db, error))
    return 0;
  return id;

fail:
  stva_db_rollback (db);
  return 0;
}

/* ---- annotators --------------------------------------------------------------------------- */

gint64
stva_db_annotator (StvaDb      *db,
                   const char  *name,
                   const char  *kind,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL && name != NULL, 0);
  if (*name == '\0')
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: an annotator needs a name",
                   db->path);
      return 0;
    }
  g_autoptr (sqlite3_stmt) insert = _stva_db_prepare (
    db, "INSERT INTO annotator (name, kind) VALUES (:name, :kind) ON CONFLICT (name) DO NOTHING",
    error);
  if (insert == NULL)
    return 0;
  _stva_bind_text (insert, ":name", name);
  _stva_bind_text (insert, ":kind", kind ? kind : "human");
  if (!_stva_db_step_done (db, insert, error))
    return 0;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id FROM annotator WHERE name = :name", error);
  if (stmt == NULL)
    return 0;
  _stva_bind_text (stmt, ":name", name);
  if (_stva_db_step (db, stmt, error) != 1)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}
