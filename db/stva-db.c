/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening, creating and migrating a project, the statement helpers the other files of db/ use,
 * label sets, annotators, models, predictions with their attention blob, and features.
 *
 * Migrations are db/schema/NNNN-<what>.sql in db's GResource.  Each file ends with its own
 * `PRAGMA user_version = N` and runs whole inside one BEGIN IMMEDIATE ... COMMIT, so a crash or
 * an error leaves the project at the version before it.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "stva-db-private.h"
#include "stva-db-resources.h"

/* ---- statement helpers -------------------------------------------------------------------- */

gboolean
_stva_db_fail (StvaDb     *db,
               GError    **error,
               const char *what)
{
  int code = sqlite3_errcode (db->handle);
  int kind = (code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT
               ? STVA_DB_ERROR_NOT_PROJECT : STVA_DB_ERROR_SQLITE;
  g_set_error (error, STVA_DB_ERROR, kind, "%s: %s: %s", db->path, what,
               sqlite3_errmsg (db->handle));
  return FALSE;
}

sqlite3_stmt *
_stva_db_prepare (StvaDb      *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _stva_db_fail (db, error, "preparing a statement");
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

sqlite3_stmt *
_stva_db_cached (StvaDb      *db,
                 StvaDbStmt   id,
                 const char  *sql,
                 GError     **error)
{
  g_assert (id < STVA_N_STMTS);
  sqlite3_stmt *stmt = db->stmts[id];
  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
          != SQLITE_OK)
        {
          _stva_db_fail (db, error, "preparing a statement");
          sqlite3_finalize (stmt);
          return NULL;
        }
      db->stmts[id] = stmt;
    }
  g_assert (strcmp (sqlite3_sql (stmt), sql) == 0);   /* one statement per id */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

gboolean
_stva_db_exec (StvaDb      *db,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _stva_db_fail (db, error, "executing");
  return TRUE;
}

int
_stva_db_step (StvaDb        *db,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  _stva_db_fail (db, error, "running a statement");
  return -1;
}

gboolean
_stva_db_step_done (StvaDb        *db,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return _stva_db_fail (db, error, "writing");
}

static int
param (sqlite3_stmt *stmt,
       const char   *name)
{
  int i = sqlite3_bind_parameter_index (stmt, name);
  g_assert (i > 0);
  return i;
}

void
_stva_bind_int64 (sqlite3_stmt *stmt,
                  const char   *name,
                  gint64        value)
{
  sqlite3_bind_int64 (stmt, param (stmt, name), value);
}

void
_stva_bind_id (sqlite3_stmt *stmt,
               const char   *name,
               gint64        value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, param (stmt, name));
  else
    sqlite3_bind_int64 (stmt, param (stmt, name), value);
}

void
_stva_bind_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, param (stmt, name));
  else
    sqlite3_bind_text (stmt, param (stmt, name), value, -1, SQLITE_TRANSIENT);
}

void
_stva_bind_double (sqlite3_stmt *stmt,
                   const char   *name,
                   double        value)
{
  sqlite3_bind_double (stmt, param (stmt, name), value);
}

void
_stva_bind_blob (sqlite3_stmt *stmt,
                 const char   *name,
                 const void   *data,
                 gsize         n)
{
  if (data == NULL)
    sqlite3_bind_null (stmt, param (stmt, name));
  else
    sqlite3_bind_blob64 (stmt, param (stmt, name), data, n, SQLITE_TRANSIENT);
}

char *
_stva_column_dup (sqlite3_stmt *stmt,
                  int           col)
{
  const unsigned char *s = sqlite3_column_text (stmt, col);
  return s == NULL ? NULL : g_strdup ((const char *) s);
}

/* ---- migrations --------------------------------------------------------------------------- */

/* One entry per schema version; a C step runs after the SQL when rows must be rewritten. */
typedef struct
{
  int         version;
  const char *resource;
  gboolean  (*c_step) (StvaDb *db, GError **error);
} Migration;

static const Migration migrations[] = {
  { 1, "/org/synctva/db/schema/0001-initial.sql", NULL },
  { 2, "/org/synctva/db/schema/0002-import-log.sql", NULL },
  { 3, "/org/synctva/db/schema/0003-drop-speaker-index.sql", NULL },
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STVA_DB_SCHEMA_VERSION);

static gboolean
read_int_pragma (StvaDb      *db,
                 const char  *sql,
                 gint64      *value,
                 GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  *value = rc == 1 ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
_stva_db_migrate (StvaDb  *db,
                  int      target,
                  GError **error)
{
  g_return_val_if_fail (target <= STVA_DB_SCHEMA_VERSION, FALSE);
  for (int v = db->version + 1; v <= target; v++)
    {
      const Migration *m = &migrations[v - 1];
      g_autoptr (GBytes) sql = g_resource_lookup_data (stva_db_get_resource (), m->resource,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (sql != NULL);
      if (!_stva_db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      GError *local = NULL;
      gint64 now_version = 0;
      if (!_stva_db_exec (db, g_bytes_get_data (sql, NULL), &local)
          || (m->c_step != NULL && !m->c_step (db, &local))
          || !read_int_pragma (db, "PRAGMA user_version", &now_version, &local))
        {
          _stva_db_exec (db, "ROLLBACK", NULL);
          g_set_error (error, STVA_DB_ERROR, local->code, "%s: migrating to schema version %d "
                       "failed, the project is unchanged at version %d: %s", db->path, v,
                       db->version, local->message);
          g_error_free (local);
          return FALSE;
        }
      g_assert (now_version == v);   /* every migration file sets its version */
      if (!_stva_db_exec (db, "COMMIT", error))
        {
          _stva_db_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      db->version = v;
    }
  return TRUE;
}

/* Tables every project of the current version has. */
static const char *const required_tables[] = {
  "project", "media", "dialogue", "utterance", "label_set", "label", "annotator",
  "gold_label", "feature", "model", "prediction", "correction", "import_run", "import_warning",
};

static gboolean
check_tables (StvaDb  *db,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = :name", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (required_tables); i++)
    {
      sqlite3_reset (stmt);
      _stva_bind_text (stmt, ":name", required_tables[i]);
      if (_stva_db_step (db, stmt, error) < 0)
        return FALSE;
      if (sqlite3_column_int (stmt, 0) != 1)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                       "%s: damaged project: table '%s' is missing", db->path,
                       required_tables[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- opening ------------------------------------------------------------------------------ */

StvaDb *
stva_db_open (const char       *path,
              StvaDbOpenFlags   flags,
              GError          **error)
{
  return _stva_db_open_at (path, flags, STVA_DB_SCHEMA_VERSION, error);
}

StvaDb *
_stva_db_open_at (const char       *path,
                  StvaDbOpenFlags   flags,
                  int               target,
                  GError          **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  gboolean create = flags == STVA_DB_OPEN_CREATE;
  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: no such project (synctva init creates one)", path);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: is a folder, not a project file", path);
      return NULL;
    }

  g_autoptr (StvaDb) db = g_new0 (StvaDb, 1);
  db->path = g_strdup (path);
  int open_flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2 (path, &db->handle, open_flags, NULL) != SQLITE_OK)
    {
      if (db->handle == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE, "%s: out of memory", path);
      else
        _stva_db_fail (db, error, "opening");
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 5000);

  /* What is this file?  Decided before any PRAGMA changes it. */
  gint64 app_id = 0, version = 0, n_objects = 0;
  GError *local = NULL;
  if (!read_int_pragma (db, "PRAGMA application_id", &app_id, &local)
      || !read_int_pragma (db, "PRAGMA user_version", &version, &local)
      || !read_int_pragma (db, "SELECT count(*) FROM sqlite_schema", &n_objects, &local))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: not a Sync-TVA project: %s", path, sqlite3_errmsg (db->handle));
      g_error_free (local);
      return NULL;
    }
  gboolean empty = app_id == 0 && version == 0 && n_objects == 0;
  if (empty && !create)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: empty database, not a Sync-TVA project (synctva init creates one)",
                   path);
      return NULL;
    }
  if (!empty && app_id != STVA_DB_APPLICATION_ID)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: an SQLite database, but not a Sync-TVA project (application id 0x%08"
                   G_GINT64_MODIFIER "x)", path, app_id);
      return NULL;
    }
  if (version > STVA_DB_SCHEMA_VERSION)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_VERSION,
                   "%s: project schema version %" G_GINT64_FORMAT "; this build reads 1 to %d "
                   "(the project was written by a newer synctva)", path, version,
                   STVA_DB_SCHEMA_VERSION);
      return NULL;
    }
  if (!empty && version < 1)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: damaged project: schema version %" G_GINT64_FORMAT, path, version);
      return NULL;
    }
  db->version = (int) version;

  g_autofree char *mode = NULL;
  {
    g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "PRAGMA journal_mode = WAL", error);
    if (stmt == NULL || _stva_db_step (db, stmt, error) < 0)
      return NULL;
    mode = _stva_column_dup (stmt, 0);
  }
  if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE,
                   "%s: the database refused write-ahead logging (journal mode %s)", path,
                   mode ? mode : "unknown");
      return NULL;
    }
  if (!_stva_db_exec (db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", error))
    return NULL;

  if (!_stva_db_migrate (db, MAX (target, db->version), error))
    return NULL;
  if (db->version == STVA_DB_SCHEMA_VERSION && !check_tables (db, error))
    return NULL;
  if (empty)
    {
      g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
        db, "INSERT OR IGNORE INTO project (key, value) VALUES ('created_us', :now), "
            "('created_by', :by)", error);
      if (stmt == NULL)
        return NULL;
      _stva_bind_int64 (stmt, ":now", g_get_real_time ());
      _stva_bind_text (stmt, ":by", "synctva " PACKAGE_VERSION);
      if (!_stva_db_step_done (db, stmt, error))
        return NULL;
    }
  return g_steal_pointer (&db);
}

void
stva_db_close (StvaDb *db)
{
  if (db == NULL)
    return;
  for (int i = 0; i < STVA_N_STMTS; i++)
    sqlite3_finalize (db->stmts[i]);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db->path);
  g_free (db);
}

const char *
stva_db_path (StvaDb *db)
{
  return db->path;
}

int
stva_db_schema_version (StvaDb *db)
{
  return db->version;
}

gboolean
stva_db_check (StvaDb  *db,
               GError **error)
{
  {
    g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "PRAGMA integrity_check", error);
    if (stmt == NULL)
      return FALSE;
    int rc = _stva_db_step (db, stmt, error);
    if (rc < 0)
      return FALSE;
    const char *first = (const char *) sqlite3_column_text (stmt, 0);
    if (rc == 0 || first == NULL || strcmp (first, "ok") != 0)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                     "%s: integrity check failed: %s", db->path, first ? first : "no answer");
        return FALSE;
      }
  }
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "PRAGMA foreign_key_check", error);
  if (stmt == NULL)
    return FALSE;
  int rc = _stva_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == 1)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: foreign key check failed: a row of '%s' points to a missing '%s'",
                   db->path, sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 2));
      return FALSE;
    }
  return TRUE;
}

gboolean
stva_db_begin (StvaDb  *db,
               GError **error)
{
  return _stva_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
stva_db_commit (StvaDb  *db,
                GError **error)
{
  if (_stva_db_exec (db, "COMMIT", error))
    return TRUE;
  stva_db_rollback (db);
  return FALSE;
}

void
stva_db_rollback (StvaDb *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

/* Foreign keys cannot be switched inside a transaction, so a bulk write switches them off
 * before BEGIN IMMEDIATE and on again after its end.  Only for writers whose every reference is
 * an id read in the same transaction (last_insert_rowid, RETURNING, a SELECT after BEGIN): the
 * checks would find nothing, and they cost the MELD import about a fifth of its time. */
gboolean
_stva_db_begin_bulk (StvaDb  *db,
                     GError **error)
{
  if (!_stva_db_exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  if (stva_db_begin (db, error))
    return TRUE;
  _stva_db_exec (db, "PRAGMA foreign_keys = ON", NULL);
  return FALSE;
}

gboolean
_stva_db_end_bulk (StvaDb   *db,
                   gboolean  commit,
                   GError  **error)
{
  gboolean ok = TRUE;
  if (commit)
    ok = stva_db_commit (db, error);   /* rolls back when it fails */
  else
    stva_db_rollback (db);
  /* outside a transaction this only sets a flag of the connection */
  _stva_db_exec (db, "PRAGMA foreign_keys = ON", NULL);
  return ok;
}

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

/* ---- attention blobs ---------------------------------------------------------------------- */

#define ATTN_MAX_VALUES (1u << 24)

void
stva_db_attn_map_free (StvaDbAttnMap *map)
{
  if (map == NULL)
    return;
  g_free (map->name);
  g_free (map->data);
  g_free (map);
}

static void
put_u32 (GByteArray *b,
         guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &le, 4);
}

GBytes *
stva_db_attention_pack (const StvaDbAttnMap *maps,
                        guint                n_maps)
{
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) "SATN", 4);
  put_u32 (b, 1);
  put_u32 (b, n_maps);
  for (guint i = 0; i < n_maps; i++)
    {
      gsize len = strlen (maps[i].name);
      g_assert (len >= 1 && len <= 255);
      g_assert ((guint64) maps[i].rows * maps[i].cols <= ATTN_MAX_VALUES);
      guint16 le16 = GUINT16_TO_LE ((guint16) len);
      g_byte_array_append (b, (const guint8 *) &le16, 2);
      g_byte_array_append (b, (const guint8 *) maps[i].name, (guint) len);
      put_u32 (b, maps[i].rows);
      put_u32 (b, maps[i].cols);
      for (guint64 k = 0; k < (guint64) maps[i].rows * maps[i].cols; k++)
        {
          guint32 bits;
          memcpy (&bits, &maps[i].data[k], 4);
          put_u32 (b, bits);
        }
    }
  return g_byte_array_free_to_bytes (b);
}

GPtrArray *
stva_db_attention_unpack (const guint8  *blob,
                          gsize          n_bytes,
                          GError       **error)
{
  gsize pos = 0;
#define NEED(n, what)                                                                        \
  if (n_bytes - pos < (gsize) (n))                                                            \
    {                                                                                         \
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,                               \
                   "attention blob: %s at byte %" G_GSIZE_FORMAT " runs past its end (%"      \
                   G_GSIZE_FORMAT " bytes)", what, pos, n_bytes);                             \
      return NULL;                                                                            \
    }
  guint32 u;
  NEED (12, "header");
  if (memcmp (blob, "SATN", 4) != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "attention blob: bad magic");
      return NULL;
    }
  memcpy (&u, blob + 4, 4);
  if (GUINT32_FROM_LE (u) != 1)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "attention blob: version %u; this build reads 1", GUINT32_FROM_LE (u));
      return NULL;
    }
  memcpy (&u, blob + 8, 4);
  guint32 n_maps = GUINT32_FROM_LE (u);
  pos = 12;
  g_autoptr (GPtrArray) maps = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_attn_map_free);
  for (guint32 i = 0; i < n_maps; i++)
    {
      guint16 len16;
      NEED (2, "map name length");
      memcpy (&len16, blob + pos, 2);
      guint len = GUINT16_FROM_LE (len16);
      pos += 2;
      if (len < 1 || len > 255)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "attention blob: map %u has a name of %u bytes", i, len);
          return NULL;
        }
      NEED (len + 8, "map name and shape");
      StvaDbAttnMap *m = g_new0 (StvaDbAttnMap, 1);
      g_ptr_array_add (maps, m);
      m->name = g_strndup ((const char *) blob + pos, len);
      pos += len;
      memcpy (&u, blob + pos, 4);
      m->rows = GUINT32_FROM_LE (u);
      memcpy (&u, blob + pos + 4, 4);
      m->cols = GUINT32_FROM_LE (u);
      pos += 8;
      guint64 n = (guint64) m->rows * m->cols;
      if (n > ATTN_MAX_VALUES)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "attention blob: map '%s' is %u×%u, above the limit", m->name, m->rows,
                       m->cols);
          return NULL;
        }
      NEED (4 * n, "map values");
      m->data = g_new (float, n ? n : 1);
      for (guint64 k = 0; k < n; k++)
        {
          memcpy (&u, blob + pos + 4 * k, 4);
          u = GUINT32_FROM_LE (u);
          memcpy (&m->data[k], &u, 4);
        }
      pos += 4 * n;
    }
  if (pos != n_bytes)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "attention blob: %" G_GSIZE_FORMAT " bytes after the last map",
                   n_bytes - pos);
      return NULL;
    }
#undef NEED
  return g_steal_pointer (&maps);
}

/* ---- models and predictions --------------------------------------------------------------- */

gint64
stva_db_add_model (StvaDb      *db,
                   const char  *name,
                   const char  *file_hash,
                   gint64       label_set_id,
                   const char  *config_json,
                   const char  *metrics_json,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL && name != NULL && file_hash != NULL, 0);
  g_autoptr (sqlite3_stmt) insert = _stva_db_prepare (
    db, "INSERT INTO model (name, file_hash, label_set_id, config, metrics, created_us) "
        "VALUES (:name, :hash, :set, :config, :metrics, :now) "
        "ON CONFLICT (file_hash) DO NOTHING", error);
  if (insert == NULL)
    return 0;
  _stva_bind_text (insert, ":name", name);
  _stva_bind_text (insert, ":hash", file_hash);
  _stva_bind_int64 (insert, ":set", label_set_id);
  _stva_bind_text (insert, ":config", config_json ? config_json : "{}");
  _stva_bind_text (insert, ":metrics", metrics_json ? metrics_json : "{}");
  _stva_bind_int64 (insert, ":now", g_get_real_time ());
  if (!_stva_db_step_done (db, insert, error))
    return 0;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id FROM model WHERE file_hash = :hash", error);
  if (stmt == NULL)
    return 0;
  _stva_bind_text (stmt, ":hash", file_hash);
  if (_stva_db_step (db, stmt, error) != 1)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

gint64
stva_db_latest_model (StvaDb      *db,
                      gint64       label_set_id,
                      GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id FROM model WHERE label_set_id = :set ORDER BY created_us DESC, id DESC "
        "LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  _stva_bind_int64 (stmt, ":set", label_set_id);
  return _stva_db_step (db, stmt, error) == 1 ? sqlite3_column_int64 (stmt, 0) : 0;
}

gboolean
stva_db_put_prediction (StvaDb       *db,
                        gint64        model_id,
                        gint64        utterance_id,
                        const float  *probs,
                        guint         K,
                        const float  *beta,
                        GBytes       *attention,
                        GError      **error)
{
  g_return_val_if_fail (db != NULL && probs != NULL, FALSE);
  g_autoptr (sqlite3_stmt) labels = _stva_db_prepare (
    db, "SELECT label.id FROM model JOIN label USING (label_set_id) WHERE model.id = :model "
        "ORDER BY label.idx", error);
  if (labels == NULL)
    return FALSE;
  _stva_bind_int64 (labels, ":model", model_id);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;
  while ((rc = _stva_db_step (db, labels, error)) == 1)
    {
      gint64 id = sqlite3_column_int64 (labels, 0);
      g_array_append_val (ids, id);
    }
  if (rc < 0)
    return FALSE;
  if (ids->len == 0 || ids->len != K)
    {
      g_set_error (error, STVA_DB_ERROR, ids->len == 0 ? STVA_DB_ERROR_NOT_FOUND
                                                       : STVA_DB_ERROR_INVALID,
                   "%s: model %" G_GINT64_FORMAT ": %s", db->path, model_id,
                   ids->len == 0 ? "no such model" : "probabilities do not match its label set");
      return FALSE;
    }
  guint best = 0;
  for (guint k = 0; k < K; k++)
    {
      if (!isfinite (probs[k]))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: prediction for utterance %" G_GINT64_FORMAT " has a non-finite "
                       "probability", db->path, utterance_id);
          return FALSE;
        }
      if (probs[k] > probs[best])
        best = k;
    }
  if (attention != NULL)
    {
      gsize n;
      const guint8 *data = g_bytes_get_data (attention, &n);
      g_autoptr (GPtrArray) maps = stva_db_attention_unpack (data, n, error);
      if (maps == NULL)
        return FALSE;
    }
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "INSERT OR REPLACE INTO prediction (model_id, utterance_id, label_id, probs, beta, "
        "attention, created_us) VALUES (:model, :utterance, :label, :probs, :beta, :attention, "
        ":now)", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree guint32 *le = g_new (guint32, K + 3);
  for (guint k = 0; k < K; k++)
    {
      memcpy (&le[k], &probs[k], 4);
      le[k] = GUINT32_TO_LE (le[k]);
    }
  for (guint k = 0; beta && k < 3; k++)
    {
      memcpy (&le[K + k], &beta[k], 4);
      le[K + k] = GUINT32_TO_LE (le[K + k]);
    }
  _stva_bind_int64 (stmt, ":model", model_id);
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_int64 (stmt, ":label", g_array_index (ids, gint64, best));
  _stva_bind_blob (stmt, ":probs", le, 4 * K);
  _stva_bind_blob (stmt, ":beta", beta ? (const void *) &le[K] : NULL, 12);
  _stva_bind_blob (stmt, ":attention", attention ? g_bytes_get_data (attention, NULL) : NULL,
                   attention ? g_bytes_get_size (attention) : 0);
  _stva_bind_int64 (stmt, ":now", g_get_real_time ());
  return _stva_db_step_done (db, stmt, error);
}

void
stva_db_prediction_free (StvaDbPrediction *p)
{
  if (p == NULL)
    return;
  g_free (p->probs);
  g_clear_pointer (&p->attention, g_bytes_unref);
  g_free (p);
}

/* Reads n little-endian float32 from blob (n_bytes must be 4·n). */
static void
read_floats (float        *out,
             const void   *blob,
             guint         n)
{
  for (guint k = 0; k < n; k++)
    {
      guint32 u;
      memcpy (&u, (const guint8 *) blob + 4 * k, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&out[k], &u, 4);
    }
}

StvaDbPrediction *
stva_db_prediction (StvaDb      *db,
                    gint64       model_id,
                    gint64       utterance_id,
                    GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT label_id, probs, beta, attention FROM prediction "
        "WHERE model_id = :model AND utterance_id = :utterance", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":model", model_id);
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  if (_stva_db_step (db, stmt, error) != 1)
    return NULL;
  StvaDbPrediction *p = g_new0 (StvaDbPrediction, 1);
  p->label_id = sqlite3_column_int64 (stmt, 0);
  int n = sqlite3_column_bytes (stmt, 1);
  p->K = (guint) n / 4;
  p->probs = g_new0 (float, p->K ? p->K : 1);
  read_floats (p->probs, sqlite3_column_blob (stmt, 1), p->K);
  if (sqlite3_column_bytes (stmt, 2) == 12)
    {
      p->has_beta = TRUE;
      read_floats (p->beta, sqlite3_column_blob (stmt, 2), 3);
    }
  if (sqlite3_column_type (stmt, 3) == SQLITE_BLOB)
    p->attention = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
  return p;
}

/* ---- features ----------------------------------------------------------------------------- */

gboolean
stva_db_put_feature (StvaDb       *db,
                     gint64        utterance_id,
                     const char   *modality,
                     const char   *extractor,
                     const char   *extractor_version,
                     const float  *values,
                     guint         dim,
                     GError      **error)
{
  g_return_val_if_fail (db != NULL && modality != NULL && extractor != NULL && values != NULL,
                        FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "INSERT OR REPLACE INTO feature (utterance_id, modality, extractor, extractor_version, "
        "dim, data, created_us) VALUES (:utterance, :modality, :extractor, :version, :dim, "
        ":data, :now)", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree guint32 *le = g_new (guint32, dim ? dim : 1);
  for (guint k = 0; k < dim; k++)
    {
      memcpy (&le[k], &values[k], 4);
      le[k] = GUINT32_TO_LE (le[k]);
    }
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_text (stmt, ":modality", modality);
  _stva_bind_text (stmt, ":extractor", extractor);
  _stva_bind_text (stmt, ":version", extractor_version ? extractor_version : "");
  _stva_bind_int64 (stmt, ":dim", dim);
  _stva_bind_blob (stmt, ":data", le, 4 * (gsize) dim);
  _stva_bind_int64 (stmt, ":now", g_get_real_time ());
  return _stva_db_step_done (db, stmt, error);
}

GArray *
stva_db_feature (StvaDb      *db,
                 gint64       utterance_id,
                 const char  *modality,
                 GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT dim, data FROM feature WHERE utterance_id = :utterance AND modality = :modality"
        " ORDER BY created_us DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  _stva_bind_text (stmt, ":modality", modality);
  if (_stva_db_step (db, stmt, error) != 1)
    return NULL;
  guint dim = (guint) sqlite3_column_int64 (stmt, 0);
  if ((gsize) sqlite3_column_bytes (stmt, 1) != 4 * (gsize) dim)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: feature of utterance %" G_GINT64_FORMAT " has a blob of the wrong size",
                   db->path, utterance_id);
      return NULL;
    }
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (float), dim);
  g_array_set_size (a, dim);
  read_floats ((float *) (void *) a->data, sqlite3_column_blob (stmt, 1), dim);
  return a;
}
