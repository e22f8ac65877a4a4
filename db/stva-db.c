/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening, creating and migrating a project, checking it, transactions, and the statement
 * helpers the other files of db/ use.  Label sets and annotators are in stva-db-labels.c;
 * models, predictions with their attention blob, and features in stva-db-models.c.
 *
 * Migrations are db/schema/NNNN-<what>.sql in db's GResource.  Each file ends with its own
 * `PRAGMA user_version = N` and runs whole inside one BEGIN IMMEDIATE ... COMMIT, so a crash or
 * an error leaves the project at the version before it.
 */
#include "config.h"

#include <string.h>

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
  { 4, "/org/synctva/db/schema/0004-label-views.sql", NULL },
  { 5, "/org/synctva/db/schema/0005-model-path.sql", NULL },
  { 6, "/org/synctva/db/schema/0006-audit.sql", NULL },
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
  if (!_stva_db_harden (db, error))   /* a project is untrusted input (stva-db-trust.c) */
    return NULL;

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
  /* nothing runs on a forged schema: checked before the first write, the migration's too */
  if (!empty && !_stva_db_check_schema (db, "main", path, db->version, target <= db->version,
                                        error))
    return NULL;

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
  /* a migrated project again, complete (a new one holds only what the migrations made) */
  if (!empty && db->version > version
      && !_stva_db_check_schema (db, "main", path, db->version, TRUE, error))
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

/* A bulk write runs with foreign-key and CHECK enforcement off; both are switched before BEGIN
 * IMMEDIATE (foreign keys cannot be switched inside a transaction; CHECKs are left out of the
 * statements prepared after it) and back after the end.  Only for writers whose every reference
 * is an id read in the same transaction (last_insert_rowid, RETURNING, a SELECT after BEGIN) and
 * whose checked columns are constants that pass (split, media kind): the checks would find
 * nothing, and they cost the MELD import a third of its instructions (SQLite builds an
 * ephemeral table for a CHECK's IN list at every execution).  PRAGMA integrity_check
 * (stva_db_check) still verifies every CHECK constraint. */
gboolean
_stva_db_begin_bulk (StvaDb  *db,
                     GError **error)
{
  if (!_stva_db_exec (db, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON",
                      error))
    return FALSE;
  if (stva_db_begin (db, error))
    return TRUE;
  _stva_db_exec (db, "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF", NULL);
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
  _stva_db_exec (db, "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF", NULL);
  return ok;
}
