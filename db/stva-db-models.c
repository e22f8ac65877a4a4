/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What training and prediction store: the attention blob (packing and checked unpacking),
 * models, predictions with their probabilities, beta and attention, and feature vectors.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "stva-db-private.h"

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

/* Reads the blob's maps into maps, or when maps is NULL only checks them (no allocation). */
static gboolean
attention_walk (const guint8  *blob,
                gsize          n_bytes,
                GPtrArray     *maps,
                GError       **error)
{
  gsize pos = 0;
#define NEED(n, what)                                                                        \
  if (n_bytes - pos < (gsize) (n))                                                            \
    {                                                                                         \
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,                               \
                   "attention blob: %s at byte %" G_GSIZE_FORMAT " runs past its end (%"      \
                   G_GSIZE_FORMAT " bytes)", what, pos, n_bytes);                             \
      return FALSE;                                                                           \
    }
  guint32 u;
  NEED (12, "header");
  if (memcmp (blob, "SATN", 4) != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "attention blob: bad magic");
      return FALSE;
    }
  memcpy (&u, blob + 4, 4);
  if (GUINT32_FROM_LE (u) != 1)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "attention blob: version %u; this build reads 1", GUINT32_FROM_LE (u));
      return FALSE;
    }
  memcpy (&u, blob + 8, 4);
  guint32 n_maps = GUINT32_FROM_LE (u);
  pos = 12;
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
          return FALSE;
        }
      NEED (len + 8, "map name and shape");
      const char *name = (const char *) blob + pos;
      pos += len;
      guint32 rows, cols;
      memcpy (&u, blob + pos, 4);
      rows = GUINT32_FROM_LE (u);
      memcpy (&u, blob + pos + 4, 4);
      cols = GUINT32_FROM_LE (u);
      pos += 8;
      guint64 n = (guint64) rows * cols;
      if (n > ATTN_MAX_VALUES)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "attention blob: map '%.*s' is %u×%u, above the limit of %u values",
                       (int) len, name, rows, cols, ATTN_MAX_VALUES);
          return FALSE;
        }
      NEED (4 * n, "map values");   /* before any allocation the shape asks for */
      if (maps != NULL)
        {
          StvaDbAttnMap *m = g_new0 (StvaDbAttnMap, 1);
          g_ptr_array_add (maps, m);
          m->name = g_strndup (name, len);
          m->rows = rows;
          m->cols = cols;
          m->data = g_new (float, n ? n : 1);
          for (guint64 k = 0; k < n; k++)
            {
              memcpy (&u, blob + pos + 4 * k, 4);
              u = GUINT32_FROM_LE (u);
              memcpy (&m->data[k], &u, 4);
            }
        }
      pos += 4 * n;
    }
  if (pos != n_bytes)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "attention blob: %" G_GSIZE_FORMAT " bytes after the last map",
                   n_bytes - pos);
      return FALSE;
    }
#undef NEED
  return TRUE;
}

GPtrArray *
stva_db_attention_unpack (const guint8  *blob,
                          gsize          n_bytes,
                          GError       **error)
{
  g_autoptr (GPtrArray) maps = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_attn_map_free);
  if (!attention_walk (blob, n_bytes, maps, error))
    return NULL;
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
    db, "SELECT m.id, m.label_set_id, m.name, s.name, (SELECT name FROM label_set "
        "WHERE id = :set) FROM model m LEFT JOIN label_set s ON s.id = m.label_set_id "
        "WHERE m.file_hash = :hash", error);
  if (stmt == NULL)
    return 0;
  _stva_bind_text (stmt, ":hash", file_hash);
  _stva_bind_int64 (stmt, ":set", label_set_id);
  if (_stva_db_step (db, stmt, error) != 1)
    return 0;
  /* the file is matched by its hash: a row with that hash for other classes is not this model
   * (a forged or altered project), and its predictions would be read against the wrong set */
  if (sqlite3_column_int64 (stmt, 1) != label_set_id)
    {
      const char *theirs = (const char *) sqlite3_column_text (stmt, 3);
      const char *ours = (const char *) sqlite3_column_text (stmt, 4);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                   "%s: model %" G_GINT64_FORMAT " ('%s') is registered with this model file's "
                   "hash %s for label set '%s', but the file is used with label set '%s'; "
                   "refused (the project's record does not match the file)", db->path,
                   (gint64) sqlite3_column_int64 (stmt, 0), sqlite3_column_text (stmt, 2),
                   file_hash, theirs ? theirs : "none", ours ? ours : "none");
      return 0;
    }
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

/* one text column (sql: SELECT it FROM model WHERE id = :model) of a model */
static char *
model_text (StvaDb      *db,
            gint64       model_id,
            const char  *sql,
            GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":model", model_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc == 0)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no model with id %" G_GINT64_FORMAT, stva_db_path (db), model_id);
  if (rc != 1)
    return NULL;
  char *text = _stva_column_dup (stmt, 0);   /* NULL only in a forged schema: "" then */
  return text != NULL ? text : g_strdup ("");
}

char *
stva_db_model_name (StvaDb      *db,
                    gint64       model_id,
                    GError     **error)
{
  return model_text (db, model_id, "SELECT name FROM model WHERE id = :model", error);
}

char *
stva_db_model_metrics (StvaDb      *db,
                       gint64       model_id,
                       GError     **error)
{
  return model_text (db, model_id, "SELECT metrics FROM model WHERE id = :model", error);
}

/* Whether model_id is a model; FALSE with error set when not (or on error). */
static gboolean
model_exists (StvaDb      *db,
              gint64       model_id,
              GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "SELECT 1 FROM model WHERE id = :model",
                                                    error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":model", model_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc == 0)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no model with id %" G_GINT64_FORMAT, stva_db_path (db), model_id);
  return rc == 1;
}

gboolean
stva_db_set_model_parent (StvaDb      *db,
                          gint64       model_id,
                          gint64       parent_id,
                          GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  if (!model_exists (db, model_id, error) || (parent_id != 0 && !model_exists (db, parent_id,
                                                                               error)))
    return FALSE;
  if (parent_id != 0)
    {
      /* the parent's line of ancestors must not reach model_id (the bound stops a loop that is
       * already stored, which only a forged project can hold) */
      g_autoptr (sqlite3_stmt) loop = _stva_db_prepare (
        db, "WITH RECURSIVE line (id, n) AS (SELECT :parent, 0 UNION ALL "
            "SELECT m.parent_id, line.n + 1 FROM model m JOIN line ON m.id = line.id "
            "WHERE m.parent_id IS NOT NULL AND line.n < (SELECT count (*) FROM model)) "
            "SELECT count (*) FROM line WHERE id = :model", error);
      if (loop == NULL)
        return FALSE;
      _stva_bind_int64 (loop, ":parent", parent_id);
      _stva_bind_int64 (loop, ":model", model_id);
      if (_stva_db_step (db, loop, error) != 1)
        return FALSE;
      if (sqlite3_column_int64 (loop, 0) != 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: model %" G_GINT64_FORMAT " cannot start from model %" G_GINT64_FORMAT
                       ": that one %s", db->path, model_id, parent_id,
                       parent_id == model_id ? "is the same model" : "started from it");
          return FALSE;
        }
    }
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "UPDATE model SET parent_id = :parent WHERE id = :model", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_id (stmt, ":parent", parent_id);
  _stva_bind_int64 (stmt, ":model", model_id);
  return _stva_db_step_done (db, stmt, error);
}

gboolean
stva_db_model_parent (StvaDb      *db,
                      gint64       model_id,
                      gint64      *parent_id,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL && parent_id != NULL, FALSE);
  *parent_id = 0;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT parent_id FROM model WHERE id = :model", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_int64 (stmt, ":model", model_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc == 0)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no model with id %" G_GINT64_FORMAT, stva_db_path (db), model_id);
  if (rc != 1)
    return FALSE;
  *parent_id = sqlite3_column_int64 (stmt, 0);   /* NULL reads as 0 */
  return TRUE;
}

gboolean
stva_db_set_model_path (StvaDb      *db,
                        gint64       model_id,
                        const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  if (!model_exists (db, model_id, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "UPDATE model SET path = :path WHERE id = :model", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_text (stmt, ":path", path);
  _stva_bind_int64 (stmt, ":model", model_id);
  return _stva_db_step_done (db, stmt, error);
}

char *
stva_db_model_path (StvaDb      *db,
                    gint64       model_id,
                    GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT path FROM model WHERE id = :model", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":model", model_id);
  int rc = _stva_db_step (db, stmt, error);
  if (rc == 0)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no model with id %" G_GINT64_FORMAT, stva_db_path (db), model_id);
  if (rc != 1)
    return NULL;
  char *path = _stva_column_dup (stmt, 0);
  if (path != NULL && path[0] == '\0')
    g_clear_pointer (&path, g_free);
  return path;
}

char *
stva_db_model_hash (StvaDb      *db,
                    gint64       model_id,
                    GError     **error)
{
  return model_text (db, model_id, "SELECT file_hash FROM model WHERE id = :model", error);
}

void
stva_db_model_free (StvaDbModel *m)
{
  if (m == NULL)
    return;
  g_free (m->name);
  g_free (m->path);
  g_free (m->metrics);
  g_free (m);
}

GPtrArray *
stva_db_models (StvaDb      *db,
                gint64       label_set_id,
                GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT id, label_set_id, name, path, metrics, created_us FROM model "
        "WHERE :set = 0 OR label_set_id = :set ORDER BY created_us DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":set", label_set_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) stva_db_model_free);
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      StvaDbModel *m = g_new0 (StvaDbModel, 1);
      m->id = sqlite3_column_int64 (stmt, 0);
      m->label_set_id = sqlite3_column_int64 (stmt, 1);
      m->name = _stva_column_dup (stmt, 2);
      m->path = _stva_column_dup (stmt, 3);
      m->metrics = _stva_column_dup (stmt, 4);
      if (m->name == NULL)
        m->name = g_strdup ("");
      if (m->metrics == NULL)
        m->metrics = g_strdup ("{}");
      m->created_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (out, m);
    }
  return rc < 0 ? NULL : g_steal_pointer (&out);
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
      if (!attention_walk (data, n, NULL, error))
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
  /* K: the size of the model's label set; the label must be one of it */
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT p.label_id, p.probs, p.beta, p.attention, "
        "  (SELECT count (*) FROM label l WHERE l.label_set_id = m.label_set_id), "
        "  EXISTS (SELECT 1 FROM label l WHERE l.id = p.label_id "
        "          AND l.label_set_id = m.label_set_id) "
        "FROM prediction p JOIN model m ON m.id = p.model_id "
        "WHERE p.model_id = :model AND p.utterance_id = :utterance", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_int64 (stmt, ":model", model_id);
  _stva_bind_int64 (stmt, ":utterance", utterance_id);
  if (_stva_db_step (db, stmt, error) != 1)
    return NULL;
  guint K = (guint) sqlite3_column_int (stmt, 4);
  gsize n_probs = (gsize) sqlite3_column_bytes (stmt, 1);
  gsize n_beta = (gsize) sqlite3_column_bytes (stmt, 2);
  g_autofree char *problem = NULL;
  g_autoptr (GError) local = NULL;
  if (sqlite3_column_type (stmt, 1) != SQLITE_BLOB || n_probs != 4 * (gsize) K || K == 0)
    problem = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes of probabilities for the %u classes "
                               "of its label set", n_probs, K);
  else if (!sqlite3_column_int (stmt, 5))
    problem = g_strdup ("its label is not one of its label set's");
  else if (sqlite3_column_type (stmt, 2) != SQLITE_NULL && n_beta != 12)
    problem = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes of modality strengths, not 3 floats",
                               n_beta);
  else if (sqlite3_column_type (stmt, 3) != SQLITE_NULL
           && (sqlite3_column_type (stmt, 3) != SQLITE_BLOB
               || !attention_walk (sqlite3_column_blob (stmt, 3),
                                   (gsize) sqlite3_column_bytes (stmt, 3), NULL, &local)))
    problem = g_strdup (local ? local->message : "its attention is not a blob");
  if (problem != NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: utterance %" G_GINT64_FORMAT ": the prediction of model %"
                   G_GINT64_FORMAT " is damaged: %s", db->path, utterance_id, model_id, problem);
      return NULL;
    }
  StvaDbPrediction *p = g_new0 (StvaDbPrediction, 1);
  p->label_id = sqlite3_column_int64 (stmt, 0);
  p->K = K;
  p->probs = g_new0 (float, K);
  read_floats (p->probs, sqlite3_column_blob (stmt, 1), K);
  if (n_beta == 12)
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
  if (dim == 0 || dim > STVA_DB_MAX_FEATURE_DIM)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: a %s feature of %u values for utterance %" G_GINT64_FORMAT " (1 to %d "
                   "are stored)", db->path, modality, dim, utterance_id, STVA_DB_MAX_FEATURE_DIM);
      return FALSE;
    }
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
  gint64 dim64 = sqlite3_column_int64 (stmt, 0);
  gsize n_bytes = (gsize) sqlite3_column_bytes (stmt, 1);
  if (dim64 <= 0 || dim64 > STVA_DB_MAX_FEATURE_DIM || n_bytes != 4 * (gsize) dim64)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: the %s feature of utterance %" G_GINT64_FORMAT " is damaged: %"
                   G_GSIZE_FORMAT " bytes for %" G_GINT64_FORMAT " values (at most %d)",
                   db->path, modality, utterance_id, n_bytes, dim64, STVA_DB_MAX_FEATURE_DIM);
      return NULL;
    }
  guint dim = (guint) dim64;
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (float), dim);
  g_array_set_size (a, dim);
  read_floats ((float *) (void *) a->data, sqlite3_column_blob (stmt, 1), dim);
  return a;
}
