/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a job's data comes from (an npz file or a project), models checked against it, model
 * files described and registered (see stva-engine-data.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "stva-db-error.h"
#include "stva-npz.h"
#include "stva-engine-data.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_core_error (GError          **error,
                const StvaError  *err,
                const char       *prefix)
{
  GError *e = stva_error_to_gerror (err);
  if (prefix != NULL)
    g_prefix_error (&e, "%s: ", prefix);
  g_propagate_error (error, e);
}

/* ---- the source --------------------------------------------------------------------------- */

void
stva_data_source_copy (StvaDataSource       *dst,
                       const StvaDataSource *src)
{
  dst->data = g_strdup (src->data);
  dst->project = g_strdup (src->project);
  dst->label_set = g_strdup (src->label_set);
  dst->gold = src->gold;
}

void
stva_data_source_free_copy (StvaDataSource *copy)
{
  if (copy == NULL)
    return;
  g_free ((char *) copy->data);
  g_free ((char *) copy->project);
  g_free ((char *) copy->label_set);
  memset (copy, 0, sizeof *copy);
}

gboolean
stva_data_source_check (const StvaDataSource  *source,
                        GError               **error)
{
  if (source->data != NULL && source->project != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "give a dataset file (%s) or a project (%s), not both", source->data,
                   source->project);
      return FALSE;
    }
  if (source->data == NULL && source->project == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "no data: neither a dataset file nor a project");
      return FALSE;
    }
  return TRUE;
}

/* ---- loading ------------------------------------------------------------------------------ */

StvaDataset *
stva_data_load_npz (const char  *path,
                    GError     **error)
{
  StvaError err = { 0 };
  StvaDataset *ds = NULL;
  StvaStatus status = stva_npz_read_dataset (path, &ds, &err);
  if (status == STVA_OK)
    status = stva_dataset_validate (ds, STVA_MODEL_MAX_T, &err);
  if (status != STVA_OK)
    {
      stva_dataset_free (ds);
      set_core_error (error, &err, NULL);
      return NULL;
    }
  return ds;
}

StvaData *
stva_data_load (const StvaDataSource  *source,
                GError               **error)
{
  g_return_val_if_fail (source != NULL, NULL);
  if (!stva_data_source_check (source, error))
    return NULL;
  g_autoptr (StvaData) data = g_new0 (StvaData, 1);
  if (source->data != NULL)
    {
      data->name = g_strdup (source->data);
      data->ds = stva_data_load_npz (source->data, error);
      return data->ds != NULL ? g_steal_pointer (&data) : NULL;
    }
  data->name = g_strdup (source->project);
  data->gold = source->gold;
  data->db = stva_db_open (source->project, STVA_DB_OPEN_EXISTING, error);
  if (data->db == NULL)
    return NULL;
  g_autoptr (StvaDbLabelSet) set =
    stva_db_label_set (data->db, source->label_set != NULL ? source->label_set
                                                           : STVA_DB_MELD_SET, error);
  if (set == NULL)
    return NULL;
  data->label_set_id = set->id;
  data->ds = stva_db_dataset (data->db, set->id, !source->gold, NULL, error);
  if (data->ds == NULL)
    return NULL;
  StvaError err = { 0 };
  if (stva_dataset_validate (data->ds, STVA_MODEL_MAX_T, &err) != STVA_OK)
    {
      set_core_error (error, &err, data->name);
      return NULL;
    }
  return g_steal_pointer (&data);
}

void
stva_data_free (StvaData *data)
{
  if (data == NULL)
    return;
  stva_dataset_free (data->ds);
  if (data->db != NULL)
    stva_db_close (data->db);
  g_free (data->name);
  g_free (data);
}

int *
stva_data_dialogues (const StvaDataset *ds,
                     int                split,
                     int               *n)
{
  int *idx = g_new (int, ds->n_dialogues > 0 ? ds->n_dialogues : 1);
  *n = 0;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (split == STVA_DATA_ALL_SPLITS || ds->dialogues[d].split == split)
      idx[(*n)++] = d;
  return idx;
}

const char *
stva_data_split_name (int split)
{
  return split == STVA_DATA_ALL_SPLITS ? "all" : stva_split_name (split);
}

gboolean
stva_data_check_model (const StvaModel    *model,
                       const StvaDataset  *ds,
                       const char         *model_path,
                       const char         *data_name,
                       GError            **error)
{
  if (model->config.K != ds->K)
    {
      g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID, "%s has %d classes, %s has %d",
                   model_path, model->config.K, data_name, ds->K);
      return FALSE;
    }
  for (int k = 0; k < ds->K && model->labels != NULL; k++)
    if (strcmp (model->labels[k], ds->labels[k]) != 0)
      {
        g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                     "class %d is '%s' in %s but '%s' in %s", k, model->labels[k], model_path,
                     ds->labels[k], data_name);
        return FALSE;
      }
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (&model->config, m) && model->config.F[m] != ds->F[m])
      {
        g_set_error (error, STVA_CORE_ERROR, STVA_ERR_INVALID,
                     "%s expects %d %s features, %s has %d", model_path, model->config.F[m],
                     stva_modality_name (m), data_name, ds->F[m]);
        return FALSE;
      }
  return TRUE;
}

gboolean
stva_data_load_model (StvaModel   *model,
                      const char  *path,
                      GError     **error)
{
  StvaError err = { 0 };
  if (stva_model_load (model, path, &err) != STVA_OK)
    {
      set_core_error (error, &err, NULL);
      return FALSE;
    }
  return TRUE;
}

/* ---- model files -------------------------------------------------------------------------- */

char *
stva_data_file_sha256 (const char  *path,
                       GError     **error)
{
  /* read in pieces (a model may be 130 MB), and once per process while the file's size, time
   * and inode stay the same: the studio registers the model with every dialogue it stores */
  static GHashTable *known;   /* "path" -> "size:mtime hash" */
  G_LOCK_DEFINE_STATIC (known);
  GStatBuf st;
  g_autofree char *stamp = NULL;
  if (g_stat (path, &st) == 0)
    stamp = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%"
                             G_GUINT64_FORMAT " ", (gint64) st.st_size,
                             (gint64) st.st_mtim.tv_sec, (gint64) st.st_mtim.tv_nsec,
                             (guint64) st.st_ino);
  if (stamp != NULL)
    {
      G_LOCK (known);
      const char *seen = known != NULL ? g_hash_table_lookup (known, path) : NULL;
      char *hash = seen != NULL && g_str_has_prefix (seen, stamp)
                     ? g_strdup (seen + strlen (stamp)) : NULL;
      G_UNLOCK (known);
      if (hash != NULL)
        return hash;
    }
  FILE *f = g_fopen (path, "rb");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1 << 20);
  size_t n;
  while ((n = fread (buffer, 1, 1 << 20, f)) > 0)
    g_checksum_update (sum, buffer, (gssize) n);
  gboolean failed = ferror (f) != 0;
  int saved = errno;
  fclose (f);
  if (failed)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  char *hash = g_strdup (g_checksum_get_string (sum));
  if (stamp != NULL)
    {
      G_LOCK (known);
      if (known == NULL)
        known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_replace (known, g_strdup (path), g_strconcat (stamp, hash, NULL));
      G_UNLOCK (known);
    }
  return hash;
}

char *
stva_data_model_config_json (const char *path)
{
  StvaModelFile mf;
  StvaError err = { 0 };
  if (stva_modelfile_read (path, &mf, &err) != STVA_OK)
    return g_strdup ("{}");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (int i = 0; i < mf.n_config; i++)
    {
      json_builder_set_member_name (b, mf.config[i].key);
      json_builder_add_string_value (b, mf.config[i].value);
    }
  json_builder_end_object (b);
  stva_modelfile_free (&mf);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gint64
stva_data_register_model (StvaData    *data,
                          const char  *model_path,
                          const char  *metrics_json,
                          gint64       parent_id,
                          GError     **error)
{
  g_return_val_if_fail (data != NULL, 0);
  if (data->db == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: a model is registered in a project, not in a dataset file", data->name);
      return 0;
    }
  g_autofree char *hash = stva_data_file_sha256 (model_path, error);
  if (hash == NULL)
    return 0;
  g_autofree char *config = stva_data_model_config_json (model_path);
  g_autofree char *name = g_path_get_basename (model_path);
  /* with a parent, the model and its parent land together or not at all (in a transaction of
   * its own; without one the caller's transaction, if any, holds the registration) */
  gboolean own = parent_id != 0;
  if (own && !stva_db_begin (data->db, error))
    return 0;
  gint64 id = stva_db_add_model (data->db, name, hash, data->label_set_id, config,
                                 metrics_json != NULL ? metrics_json : "{}", error);
  /* where the file is, so that the studio can run the model from its id (registering the same
   * file from elsewhere records where it is now) */
  g_autofree char *where = g_canonicalize_filename (model_path, NULL);
  if (id != 0 && !stva_db_set_model_path (data->db, id, where, error))
    id = 0;
  if (!own && id == 0)
    return 0;
  if (own
      && (id == 0
          || (parent_id != id   /* the same file again is no child of itself */
              && !stva_db_set_model_parent (data->db, id, parent_id, error))
          || !stva_db_commit (data->db, error)))
    {
      stva_db_rollback (data->db);
      return 0;
    }
  return id;
}

/* model files hashed by this process: "hash|path" -> "size:mtime" when checked */
static GHashTable *checked;
G_LOCK_DEFINE_STATIC (checked);

gboolean
stva_data_model_file (StvaDb      *db,
                      gint64       model_id,
                      char       **path,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  *path = NULL;
  g_autofree char *name = stva_db_model_name (db, model_id, error);
  if (name == NULL)
    return FALSE;
  GError *local = NULL;
  g_autofree char *file = stva_db_model_path (db, model_id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (file == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " ('%s') was registered without its file's "
                   "place (by an older build); register the file again (synctva predict "
                   "--model FILE --store) to run it", stva_db_path (db), model_id, name);
      return FALSE;
    }
  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " ('%s') was registered from %s, which is not "
                   "there any more", stva_db_path (db), model_id, name, file);
      return FALSE;
    }
  /* the file is hashed once per process while its size, time and inode stay the same (a 130 MB
   * model takes most of a second to hash; the studio asks at every dialogue) */
  g_autofree char *hash = stva_db_model_hash (db, model_id, error);
  if (hash == NULL)
    return FALSE;
  GStatBuf st;
  g_autofree char *stamp = g_stat (file, &st) == 0
    ? g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%"
                       G_GUINT64_FORMAT, (gint64) st.st_size, (gint64) st.st_mtim.tv_sec,
                       (gint64) st.st_mtim.tv_nsec, (guint64) st.st_ino)
    : NULL;
  g_autofree char *key = g_strconcat (hash, "|", file, NULL);
  G_LOCK (checked);
  gboolean known = stamp != NULL && checked != NULL
                   && g_strcmp0 (g_hash_table_lookup (checked, key), stamp) == 0;
  G_UNLOCK (checked);
  if (known)
    {
      *path = g_steal_pointer (&file);
      return TRUE;
    }
  g_clear_error (&local);
  if (!stva_db_model_check_file (db, model_id, file, &local))
    {
      if (g_error_matches (local, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT))
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: model %" G_GINT64_FORMAT " ('%s') was registered from %s, but that "
                     "file has changed since; it is another model now (%s)", stva_db_path (db),
                     model_id, name, file, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      g_clear_error (&local);
      return FALSE;
    }
  if (stamp != NULL)
    {
      G_LOCK (checked);
      if (checked == NULL)
        checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_replace (checked, g_steal_pointer (&key), g_steal_pointer (&stamp));
      G_UNLOCK (checked);
    }
  *path = g_steal_pointer (&file);
  return TRUE;
}

/* ---- model info --------------------------------------------------------------------------- */

StvaModelInfo *
stva_data_model_info (const char  *path,
                      GError     **error)
{
  g_autoptr (StvaModelInfo) info = g_new0 (StvaModelInfo, 1);
  info->path = g_strdup (path);
  StvaError err = { 0 };
  if (stva_modelfile_read (path, &info->file, &err) != STVA_OK)
    {
      set_core_error (error, &err, NULL);
      return NULL;
    }
  /* the CRC the reader checked is the file's last 4 bytes */
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &bytes, &n, error))
    return NULL;
  if (n < 4)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: changed while it was read", path);
      return NULL;
    }
  const guint8 *b = (const guint8 *) bytes + n - 4;
  info->crc32 = (guint32) b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16
                | (guint32) b[3] << 24;
  info->n_bytes = (gint64) n;
  for (int i = 0; i < info->file.n_tensors; i++)
    info->n_parameters += stva_named_tensor_numel (&info->file.tensors[i]);
  return g_steal_pointer (&info);
}

void
stva_model_info_free (StvaModelInfo *info)
{
  if (info == NULL)
    return;
  stva_modelfile_free (&info->file);
  g_free (info->path);
  g_free (info);
}

JsonNode *
stva_model_info_to_json (const StvaModelInfo *info)
{
  const StvaModelFile *mf = &info->file;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, info->path);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, mf->version);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, info->n_bytes);
  json_builder_set_member_name (b, "crc32");
  g_autofree char *crc = g_strdup_printf ("%08x", info->crc32);
  json_builder_add_string_value (b, crc);
  json_builder_set_member_name (b, "crc_ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  for (int i = 0; i < mf->n_config; i++)
    {
      json_builder_set_member_name (b, mf->config[i].key);
      json_builder_add_string_value (b, mf->config[i].value);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int k = 0; k < mf->K; k++)
    json_builder_add_string_value (b, mf->labels[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "features");
  json_builder_begin_object (b);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      char key[2] = { stva_modality_letter (m), '\0' };
      json_builder_set_member_name (b, key);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, mf->F[m]);
      json_builder_set_member_name (b, "names");
      json_builder_add_boolean_value (b, mf->feature_names[m] != NULL);
      json_builder_set_member_name (b, "normalisation");
      json_builder_add_boolean_value (b, mf->mean[m] != NULL);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "tensors");
  json_builder_begin_array (b);
  for (int i = 0; i < mf->n_tensors; i++)
    {
      const StvaNamedTensor *t = &mf->tensors[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, t->name);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < t->ndim; d++)
        json_builder_add_int_value (b, t->shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "numel");
      json_builder_add_int_value (b, stva_named_tensor_numel (t));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_int_value (b, info->n_parameters);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- metrics as JSON ---------------------------------------------------------------------- */

void
stva_data_json_number (JsonBuilder *builder,
                       const char  *name,
                       double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
stva_data_metrics_to_json (JsonBuilder       *b,
                           const StvaMetrics *m,
                           char *const       *labels)
{
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, m->n);
  stva_data_json_number (b, "accuracy", m->accuracy);
  stva_data_json_number (b, "weighted_f1", m->weighted_f1);
  stva_data_json_number (b, "macro_f1", m->macro_f1);
  json_builder_set_member_name (b, "per_class");
  json_builder_begin_object (b);
  for (int k = 0; k < m->K; k++)
    {
      json_builder_set_member_name (b, labels[k]);
      json_builder_begin_object (b);
      stva_data_json_number (b, "precision", m->precision[k]);
      stva_data_json_number (b, "recall", m->recall[k]);
      stva_data_json_number (b, "f1", m->f1[k]);
      json_builder_set_member_name (b, "support");
      json_builder_add_int_value (b, m->support[k]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int k = 0; k < m->K; k++)
    json_builder_add_string_value (b, labels[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "confusion");
  json_builder_begin_array (b);
  for (int g = 0; g < m->K; g++)
    {
      json_builder_begin_array (b);
      for (int p = 0; p < m->K; p++)
        json_builder_add_int_value (b, m->confusion[g * m->K + p]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}
