/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A project is untrusted input: projects travel between labs and merge reads other people's.
 * Every connection is opened defensively (no writes to the schema, no extensions, no functions
 * with side effects from the schema, SQLite's limits cut down to what projects need), and the
 * schema of a project is compared with the one this build's migrations make before anything
 * runs on it: a table, index, view or trigger that is not ours, or differs from ours, is refused
 * with its name and the file.  The expected schema of each version comes from a new in-memory
 * project migrated to it, once per process.
 *
 * A table whose text is ours with whole columns taken out (ALTER TABLE ... DROP COLUMN) is let
 * through as damaged rather than forged: the statements that need the column fail naming it.
 * Triggers, views and indexes must match exactly.  SQLite's own statistics tables (ANALYZE) are
 * let through as SQLite makes them.
 *
 * What a project points to is checked where it is used: media paths are only ever read
 * (stva_db_media_path_inside () says whether one leaves the project's folder), and a model file
 * is the registered model only when its SHA-256 is the one registered
 * (stva_db_model_check_file ()).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"

/* ---- the connection ----------------------------------------------------------------------- */

/* Limits of one connection: generous for any real project (the largest value stored is an
 * attention blob, at most a few MiB; the longest statement a migration of a few KiB), small
 * enough that a forged schema or row cannot make SQLite build something absurd. */
static const struct
{
  int id;
  int value;
} limits[] = {
  { SQLITE_LIMIT_LENGTH, 256 << 20 },           /* bytes of a string or blob */
  { SQLITE_LIMIT_SQL_LENGTH, 1 << 20 },         /* bytes of one statement */
  { SQLITE_LIMIT_COLUMN, 128 },
  { SQLITE_LIMIT_EXPR_DEPTH, 200 },
  { SQLITE_LIMIT_COMPOUND_SELECT, 64 },
  { SQLITE_LIMIT_VDBE_OP, 1 << 20 },
  { SQLITE_LIMIT_FUNCTION_ARG, 32 },
  { SQLITE_LIMIT_ATTACHED, 2 },                 /* merge attaches one input at a time */
  { SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000 },
  { SQLITE_LIMIT_VARIABLE_NUMBER, STVA_DB_MAX_VARIABLES },
  { SQLITE_LIMIT_TRIGGER_DEPTH, 8 },
  { SQLITE_LIMIT_WORKER_THREADS, 0 },
};

gboolean
_stva_db_harden (StvaDb  *db,
                 GError **error)
{
  int on = -1;
  if (sqlite3_db_config (db->handle, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK || on != 1
      || sqlite3_db_config (db->handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &on)
           != SQLITE_OK || on != 0
      || sqlite3_db_config (db->handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on) != SQLITE_OK
      || on != 0
      || sqlite3_db_config (db->handle, SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0, &on) != SQLITE_OK
      || on != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE,
                   "%s: this SQLite (%s) cannot open projects defensively", db->path,
                   sqlite3_libversion ());
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    sqlite3_limit (db->handle, limits[i].id, limits[i].value);
  /* the same as SQLITE_DBCONFIG_TRUSTED_SCHEMA above, said once more in SQL for who reads it */
  return _stva_db_exec (db, "PRAGMA trusted_schema = OFF", error);
}

/* ---- the expected schema ------------------------------------------------------------------ */

typedef struct
{
  char *type;       /* owned: table, index, view, trigger */
  char *name;       /* owned */
  char *tbl_name;   /* owned */
  char *sql;        /* owned, nullable (automatic indexes) */
} SchemaObject;

static void
schema_object_free (SchemaObject *o)
{
  g_free (o->type);
  g_free (o->name);
  g_free (o->tbl_name);
  g_free (o->sql);
  g_free (o);
}

/* Tables first, so that a dropped table is named rather than its indexes. */
#define SCHEMA_QUERY                                                                          \
  "SELECT type, name, tbl_name, sql FROM %s.sqlite_schema "                                   \
  "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, " \
  "name"

/* (transfer full) The objects of schema ("main", "src") in SCHEMA_QUERY's order. */
static GPtrArray *
read_schema (StvaDb      *db,
             const char  *schema,
             GError     **error)
{
  g_autofree char *sql = g_strdup_printf (SCHEMA_QUERY, schema);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) schema_object_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      SchemaObject *o = g_new0 (SchemaObject, 1);
      o->type = _stva_column_dup (stmt, 0);
      o->name = _stva_column_dup (stmt, 1);
      o->tbl_name = _stva_column_dup (stmt, 2);
      o->sql = _stva_column_dup (stmt, 3);
      if (o->type == NULL || o->name == NULL)
        {
          schema_object_free (o);
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                       "%s: damaged project: an entry of its schema has no type or name",
                       db->path);
          return NULL;
        }
      g_ptr_array_add (out, o);
    }
  return rc < 0 ? NULL : g_steal_pointer (&out);
}

G_LOCK_DEFINE_STATIC (expected);
static GPtrArray *expected[STVA_DB_SCHEMA_VERSION + 1];   /* by version, built once */

/* (transfer none) The schema of a new project of version, as this build's migrations make it. */
static const GPtrArray *
expected_schema (int      version,
                 GError **error)
{
  g_assert (version >= 1 && version <= STVA_DB_SCHEMA_VERSION);
  G_LOCK (expected);
  if (expected[version] == NULL)
    {
      StvaDb fresh = { .path = (char *) "(a new project in memory)" };
      if (sqlite3_open_v2 (":memory:", &fresh.handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           NULL) == SQLITE_OK
          && _stva_db_migrate (&fresh, version, error))
        expected[version] = read_schema (&fresh, "main", error);
      else if (error != NULL && *error == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_SQLITE, "%s: %s", fresh.path,
                     fresh.handle ? sqlite3_errmsg (fresh.handle) : "out of memory");
      for (int i = 0; i < STVA_N_STMTS; i++)
        sqlite3_finalize (fresh.stmts[i]);
      sqlite3_close (fresh.handle);
    }
  const GPtrArray *out = expected[version];
  G_UNLOCK (expected);
  return out;
}

/* ---- comparing ---------------------------------------------------------------------------- */

/* Whether a can be made from b by deleting characters: what ALTER TABLE DROP COLUMN does to a
 * table's text. */
static gboolean
is_subsequence (const char *a,
                const char *b)
{
  for (; *a != '\0'; a++)
    {
      b = strchr (b, *a);
      if (b == NULL)
        return FALSE;
      b++;
    }
  return TRUE;
}

static const SchemaObject *
find_object (const GPtrArray *objects,
             const char      *name)
{
  for (guint i = 0; i < objects->len; i++)
    {
      const SchemaObject *o = g_ptr_array_index (objects, i);
      if (g_ascii_strcasecmp (o->name, name) == 0)   /* SQLite's names ignore ASCII case */
        return o;
    }
  return NULL;
}

/* The statistics tables SQLite itself makes (ANALYZE, PRAGMA optimize), as it makes them: they
 * steer the query planner only, and a project someone ran ANALYZE on stays a project. */
static const SchemaObject sqlite_stats[] = {
  { (char *) "table", (char *) "sqlite_stat1", (char *) "sqlite_stat1",
    (char *) "CREATE TABLE sqlite_stat1(tbl,idx,stat)" },
  { (char *) "table", (char *) "sqlite_stat4", (char *) "sqlite_stat4",
    (char *) "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)" },
};

/* Whether o (from a project) is ours (mine, from a new one): same type, table and text. */
static gboolean
same_object (const SchemaObject *o,
             const SchemaObject *mine)
{
  if (strcmp (o->type, mine->type) != 0 || g_strcmp0 (o->tbl_name, mine->tbl_name) != 0)
    return FALSE;
  if (g_strcmp0 (o->sql, mine->sql) == 0)
    return TRUE;
  return strcmp (o->type, "table") == 0 && o->sql != NULL && mine->sql != NULL
         && is_subsequence (o->sql, mine->sql);
}

gboolean
_stva_db_check_schema (StvaDb      *db,
                       const char  *schema,
                       const char  *path,
                       int          version,
                       gboolean     complete,
                       GError     **error)
{
  const GPtrArray *mine = expected_schema (version, error);
  if (mine == NULL)
    return FALSE;
  g_autoptr (GPtrArray) theirs = read_schema (db, schema, error);
  if (theirs == NULL)
    return FALSE;
  for (guint i = 0; i < theirs->len; i++)
    {
      const SchemaObject *o = g_ptr_array_index (theirs, i);
      const SchemaObject *m = find_object (mine, o->name);
      for (guint k = 0; m == NULL && k < G_N_ELEMENTS (sqlite_stats); k++)
        if (strcmp (o->name, sqlite_stats[k].name) == 0)
          m = &sqlite_stats[k];
      if (m != NULL && !same_object (o, m))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                       "%s: refused: its %s '%s' is not the one a Sync-TVA project of schema "
                       "version %d has (a forged or altered project)", path, o->type, o->name,
                       version);
          return FALSE;
        }
      /* before a migration, unknown tables and indexes are left to it (it stops on one in its
       * way) and to the complete check after it; code that would run never waits */
      gboolean runs = strcmp (o->type, "trigger") == 0 || strcmp (o->type, "view") == 0;
      if (m == NULL && (complete || runs))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                       "%s: refused: it has a %s '%s' that no Sync-TVA project of schema "
                       "version %d has (a forged or altered project)", path, o->type, o->name,
                       version);
          return FALSE;
        }
    }
  if (!complete)
    return TRUE;
  for (guint i = 0; i < mine->len; i++)
    {
      const SchemaObject *m = g_ptr_array_index (mine, i);
      if (find_object (theirs, m->name) == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                       "%s: damaged project: %s '%s' is missing", path, m->type, m->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- media paths -------------------------------------------------------------------------- */

/* path made absolute against base, with "." and ".." resolved and, where the file (or the
 * deepest folder of it that exists) is there, symbolic links followed. */
static char *
resolve (const char *path,
         const char *base)
{
  g_autofree char *abs = g_canonicalize_filename (path, base);
  char *real = realpath (abs, NULL);
  if (real != NULL)
    {
      char *out = g_strdup (real);
      free (real);
      return out;
    }
  g_autofree char *dir = g_path_get_dirname (abs);
  if (strcmp (dir, abs) == 0)
    return g_steal_pointer (&abs);
  g_autofree char *parent = resolve (dir, "/");
  g_autofree char *name = g_path_get_basename (abs);
  return g_build_filename (parent, name, NULL);
}

gboolean
stva_db_media_path_inside (StvaDb     *db,
                           const char *path)
{
  g_return_val_if_fail (db != NULL, FALSE);
  if (path == NULL || *path == '\0')
    return FALSE;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *project = resolve (db->path, cwd);
  g_autofree char *folder = g_path_get_dirname (project);
  g_autofree char *media = resolve (path, folder);
  gsize n = strlen (folder);
  if (strcmp (folder, "/") == 0)
    n = 0;
  return strncmp (media, folder, n) == 0 && media[n] == '/' && strcmp (media, project) != 0;
}

/* ---- model files -------------------------------------------------------------------------- */

/* (transfer full) The SHA-256 of the file at path in hex, read in pieces; NULL with error set. */
static char *
file_sha256 (const char  *path,
             GError     **error)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", path, g_strerror (e));
      return NULL;
    }
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[1 << 16];
  size_t n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, (gssize) n);
  gboolean failed = ferror (f) != 0;
  fclose (f);
  if (failed)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: read error", path);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

gboolean
stva_db_model_check_file (StvaDb      *db,
                          gint64       model_id,
                          const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT file_hash, name FROM model WHERE id = :model", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":model", model_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc == 0)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no model with id %" G_GINT64_FORMAT, db->path, model_id);
  if (rc != 1)
    return FALSE;
  g_autofree char *hash = file_sha256 (path, error);
  if (hash == NULL)
    return FALSE;
  const char *registered = (const char *) sqlite3_column_text (stmt, 0);
  if (registered == NULL || g_ascii_strcasecmp (hash, registered) != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                   "%s: model %" G_GINT64_FORMAT " ('%s') was registered with SHA-256 %s, but "
                   "%s has %s: not the registered model file; refused", db->path, model_id,
                   sqlite3_column_text (stmt, 1), registered ? registered : "(none)", path,
                   hash);
      return FALSE;
    }
  return TRUE;
}
