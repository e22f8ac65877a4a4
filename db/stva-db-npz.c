/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The npz dataset layout core reads (core/model/stva-npz.h): a project exported as one, and
 * features imported from one.  Also the bridge from core's StvaError to GError.
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"
#include "stva-npz.h"

G_DEFINE_QUARK (stva-core-error-quark, stva_core_error)

GError *
stva_error_to_gerror (const StvaError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  return g_error_new_literal (STVA_CORE_ERROR, (int) error->code, error->message);
}

gboolean
stva_db_export_npz (StvaDb      *db,
                    gint64       label_set_id,
                    gboolean     current_labels,
                    const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  StvaDataset *ds = stva_db_dataset (db, label_set_id, current_labels, NULL, error);
  if (ds == NULL)
    return FALSE;
  StvaError err = { 0 };
  StvaStatus status = stva_npz_write_dataset (path, ds, &err);
  stva_dataset_free (ds);
  if (status != STVA_OK)
    {
      g_propagate_error (error, stva_error_to_gerror (&err));
      return FALSE;
    }
  return TRUE;
}

static const char *const modality_names[STVA_N_MOD] = { "text", "audio", "visual" };

gboolean
stva_db_import_npz_features (StvaDb              *db,
                             const char          *path,
                             const char          *extractor,
                             StvaDbImportReport  *report_out,
                             GError             **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  StvaDataset *ds = NULL;
  StvaError err = { 0 };
  if (stva_npz_read_dataset (path, &ds, &err) != STVA_OK)
    {
      g_propagate_error (error, stva_error_to_gerror (&err));
      return FALSE;
    }
  if (ds->F[STVA_MOD_T] == 0 && ds->F[STVA_MOD_A] == 0 && ds->F[STVA_MOD_V] == 0)
    {
      stva_dataset_free (ds);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s: no features in it (no x_T, x_A or x_V array)", path);
      return FALSE;
    }
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = extractor ? g_strdup (extractor) : g_strconcat ("npz:", base, NULL);
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);
  gboolean ok = FALSE;
  int n_vectors = 0;
  g_autoptr (sqlite3_stmt) find = NULL;
  if (!stva_db_begin (db, error))
    goto out;
  /* dialogues by name and split, utterances by position */
  find = _stva_db_prepare (db, "SELECT u.id FROM dialogue d JOIN utterance u ON u.dialogue_id "
                               "= d.id WHERE d.name = :name AND d.split = :split "
                               "ORDER BY u.idx", error);
  if (find == NULL)
    goto rollback;
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dia = &ds->dialogues[d];
      const char *slash = strchr (dia->id, '/');   /* "<split>/<name>" as stva_db_dataset () */
      sqlite3_reset (find);
      _stva_bind_text (find, ":name", slash ? slash + 1 : dia->id);
      _stva_bind_text (find, ":split", stva_split_name (dia->split));
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      int rc;
      while ((rc = _stva_db_step (db, find, error)) == 1)
        {
          gint64 id = sqlite3_column_int64 (find, 0);
          g_array_append_val (ids, id);
        }
      if (rc < 0)
        goto rollback;
      if (ids->len != (guint) dia->T)
        {
          g_ptr_array_add (report->warnings,
                           g_strdup_printf ("%s: dialogue %s (%s) has %d utterances here and %u "
                                            "in the project; skipped", path, dia->id,
                                            stva_split_name (dia->split), dia->T, ids->len));
          continue;
        }
      report->n_dialogues++;
      for (int u = 0; u < dia->T; u++)
        for (int m = 0; m < STVA_N_MOD; m++)
          {
            if (ds->F[m] == 0 || (dia->mask[m] != NULL && !dia->mask[m][u]))
              continue;
            if (!stva_db_put_feature (db, g_array_index (ids, gint64, u), modality_names[m],
                                      name, "1", dia->x[m] + (size_t) u * (size_t) ds->F[m],
                                      (guint) ds->F[m], error))
              goto rollback;
            n_vectors++;
          }
      report->n_utterances += dia->T;
    }
  if (report->n_dialogues == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s: none of its %d dialogues matches one of %s by name, split and length",
                   path, ds->n_dialogues, db->path);
      goto rollback;
    }
  ok = stva_db_commit (db, error);
  goto out;

rollback:
  stva_db_rollback (db);
out:
  stva_dataset_free (ds);
  if (ok)
    report->n_clips = n_vectors;   /* reused: feature vectors stored */
  return _stva_db_import_report_finish (report, report_out, ok);
}
