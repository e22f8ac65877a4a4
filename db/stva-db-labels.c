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

/* The default colours, in order: Okabe and Ito's eight (grey in place of their black, which is
 * the figures' text colour), then Paul Tol's muted and light qualitative sets (without their
 * pale greys, too close to the unlabelled grey): 25 colours that stay apart for the common
 * colour-vision deficiencies; a set with more labels cycles through them again.  ui/draw's
 * stva-draw-style.c cycles the same list for labels without a colour of their own. */
static const char *const palette[] = {
  "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#999999",
  "#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933",
  "#aa4499",
  "#77aadd", "#ee8866", "#eedd88", "#ffaabb", "#99ddff", "#44bb99", "#bbcc33", "#aaaa00",
};

/* The default keys, in order: 1 to 9, then the letters the studio leaves to labels (it keeps
 * j, k, l transport, n, p the review queue, r reviewed, and space, return, comma, period). */
static const char default_keys[] = "123456789abcdefghimoqstuvwxyz";

const char *
stva_db_label_palette (guint i)
{
  return palette[i % G_N_ELEMENTS (palette)];
}

gboolean
stva_db_label_key_is_valid (const char *key)
{
  if (key == NULL || key[0] == '\0' || key[1] != '\0')
    return FALSE;
  char c = g_ascii_tolower (key[0]);
  return c != '0' && strchr (default_keys, c) != NULL;
}

gboolean
stva_db_label_colour_is_valid (const char *colour)
{
  if (colour == NULL || colour[0] != '#' || strlen (colour) != 7)
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (colour[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_blank (const char *s)
{
  while (s != NULL && g_ascii_isspace (*s))
    s++;
  return s == NULL || *s == '\0';
}

/* Checks what the caller gave and fills keys_out (owned strings, NULL: no key left) with each
 * label's key: the one given, else the next default key no label of the set has. */
static gboolean
check_label_set (StvaDb             *db,
                 const char         *name,
                 const char *const  *names,
                 const char *const  *colours,
                 const char *const  *keys,
                 guint               n_labels,
                 GPtrArray          *keys_out,
                 GError            **error)
{
#define REFUSE(...)                                                                           \
  G_STMT_START                                                                                \
  {                                                                                           \
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, __VA_ARGS__);                    \
    return FALSE;                                                                             \
  }                                                                                           \
  G_STMT_END
  if (is_blank (name))
    REFUSE ("%s: a label set needs a name", db->path);
  if (n_labels < 2)
    REFUSE ("%s: label set '%s' has %u label%s; a set has at least two", db->path, name,
            n_labels, n_labels == 1 ? "" : "s");
  for (guint i = 0; i < n_labels; i++)
    {
      if (is_blank (names[i]))
        REFUSE ("%s: label set '%s': label %u has no name", db->path, name, i + 1);
      for (guint j = 0; j < i; j++)
        if (g_ascii_strcasecmp (names[i], names[j]) == 0)
          REFUSE ("%s: label set '%s': label '%s' is given twice", db->path, name, names[i]);
      if (colours != NULL && colours[i] != NULL
          && !stva_db_label_colour_is_valid (colours[i]))
        REFUSE ("%s: label set '%s': '%s' (label '%s') is not a colour (#rrggbb)", db->path,
                name, colours[i], names[i]);
      if (keys == NULL || keys[i] == NULL)
        continue;
      if (!stva_db_label_key_is_valid (keys[i]))
        REFUSE ("%s: label set '%s': '%s' (label '%s') is not a key a label can take (1-9, or "
                "a letter other than the studio's own j, k, l, n, p, r)", db->path, name,
                keys[i], names[i]);
      for (guint j = 0; j < i; j++)
        if (keys[j] != NULL && g_ascii_strcasecmp (keys[i], keys[j]) == 0)
          REFUSE ("%s: label set '%s': key '%s' is given to both '%s' and '%s'", db->path, name,
                  keys[i], names[j], names[i]);
    }
#undef REFUSE
  /* the defaults skip the keys given */
  const char *next = default_keys;
  for (guint i = 0; i < n_labels; i++)
    {
      if (keys != NULL && keys[i] != NULL)
        {
          g_ptr_array_add (keys_out, g_ascii_strdown (keys[i], -1));
          continue;
        }
      char *key = NULL;
      for (; *next != '\0' && key == NULL; next++)
        {
          gboolean taken = FALSE;
          for (guint j = 0; keys != NULL && j < n_labels && !taken; j++)
            taken = keys[j] != NULL && g_ascii_tolower (keys[j][0]) == *next;
          if (!taken)
            key = g_strndup (next, 1);
        }
      g_ptr_array_add (keys_out, key);
    }
  return TRUE;
}

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
  g_return_val_if_fail (db != NULL && name != NULL && (names != NULL || n_labels == 0), 0);
  g_autoptr (GPtrArray) chosen = g_ptr_array_new_with_free_func (g_free);
  if (!check_label_set (db, name, names, colours, keys, n_labels, chosen, error))
    return 0;
  /* inside a transaction (an import that makes its set): a savepoint in it, so the set lands
   * with the rest or not at all */
  gboolean nested = !sqlite3_get_autocommit (db->handle);
  if (!(nested ? _stva_db_exec (db, "SAVEPOINT add_label_set", error) : stva_db_begin (db, error)))
    return 0;
  g_autoptr (sqlite3_stmt) exists = _stva_db_prepare (
    db, "SELECT id FROM label_set WHERE name = :name", error);
  g_autoptr (sqlite3_stmt) set = _stva_db_prepare (
    db, "INSERT INTO label_set (name, description) VALUES (:name, :description)", error);
  g_autoptr (sqlite3_stmt) label = _stva_db_prepare (
    db, "INSERT INTO label (label_set_id, idx, name, colour, key) "
        "VALUES (:set, :idx, :name, :colour, :key)", error);
  if (exists == NULL || set == NULL || label == NULL)
    goto fail;
  _stva_bind_text (exists, ":name", name);
  int rc = _stva_db_step (db, exists, error);
  if (rc != 0)
    {
      if (rc == 1)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: a label set called '%s' is already there", db->path, name);
      goto fail;
    }
  _stva_bind_text (set, ":name", name);
  _stva_bind_text (set, ":description", description ? description : "");
  if (!_stva_db_step_done (db, set, error))
    goto fail;
  gint64 id = sqlite3_last_insert_rowid (db->handle);
  for (guint i = 0; i < n_labels; i++)
    {
      sqlite3_reset (label);
      _stva_bind_int64 (label, ":set", id);
      _stva_bind_int64 (label, ":idx", i);
      _stva_bind_text (label, ":name", names[i]);
      _stva_bind_text (label, ":colour", colours != NULL && colours[i] != NULL
                                           ? colours[i] : stva_db_label_palette (i));
      _stva_bind_text (label, ":key", g_ptr_array_index (chosen, i));
      if (!_stva_db_step_done (db, label, error))
        goto fail;
    }
  if (nested ? !_stva_db_exec (db, "RELEASE add_label_set", error) : !stva_db_commit (db, error))
    goto fail;
  return id;

fail:
  if (nested)
    _stva_db_exec (db, "ROLLBACK TO add_label_set; RELEASE add_label_set", NULL);
  else
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
