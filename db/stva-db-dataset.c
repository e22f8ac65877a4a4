/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bridge to core: a project's dialogues as the StvaDataset core trains and predicts on
 * (features per modality with presence masks, speakers, labels, splits).  Labels are the
 * current ones (corrections applied) or the gold ones; dialogue ids are "<split>/<name>"; the
 * utterance ids of the dataset are the
 * project's utterance ids in decimal, so predictions find their way back
 * (stva_db_put_prediction).  Arrays are malloc'd, as stva_dataset_free () expects.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"
#include "stva-dataset.h"

static const char *const modality_names[STVA_N_MOD] = { "text", "audio", "visual" };

/* The extractor of modality with the most vectors (ties: the one written last, so a project
 * re-extracted with visual-v2 next to its visual-v1 vectors trains on v2; then by name), its
 * dim; NULL if none. */
static char *
pick_extractor (StvaDb      *db,
                const char  *modality,
                const char  *wanted,
                int         *dim,
                GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT extractor, max (dim), count (*) AS n, min (dim) FROM feature "
        "WHERE modality = :modality AND (:wanted IS NULL OR extractor = :wanted) "
        "GROUP BY extractor ORDER BY n DESC, max (created_us) DESC, extractor LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  _stva_bind_text (stmt, ":modality", modality);
  _stva_bind_text (stmt, ":wanted", wanted);
  int rc = _stva_db_step (db, stmt, error);
  if (rc != 1)
    {
      *dim = 0;
      if (rc == 0 && wanted != NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                     "%s: no %s features from extractor '%s'", db->path, modality, wanted);
      return NULL;
    }
  g_autofree char *name = _stva_column_dup (stmt, 0);
  gint64 d = sqlite3_column_int64 (stmt, 1);
  /* the dataset allocates utterances × dim floats: a dim no vector of it has is refused first */
  g_autoptr (sqlite3_stmt) bad = _stva_db_prepare (
    db, "SELECT utterance_id, dim, length (data) FROM feature WHERE modality = :modality "
        "AND extractor = :extractor AND (dim <= 0 OR dim > :max OR typeof (data) != 'blob' "
        "OR length (data) != 4 * dim) LIMIT 1", error);
  if (bad == NULL)
    return NULL;
  _stva_bind_text (bad, ":modality", modality);
  _stva_bind_text (bad, ":extractor", name);
  _stva_bind_int64 (bad, ":max", STVA_DB_MAX_FEATURE_DIM);
  rc = _stva_db_step (db, bad, error);
  if (rc < 0)
    return NULL;
  if (rc == 1)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: the %s feature of utterance %" G_GINT64_FORMAT " from extractor '%s' is "
                   "damaged: %" G_GINT64_FORMAT " bytes for %" G_GINT64_FORMAT " values (at most "
                   "%d)", db->path, modality, (gint64) sqlite3_column_int64 (bad, 0), name,
                   (gint64) sqlite3_column_int64 (bad, 2), (gint64) sqlite3_column_int64 (bad, 1),
                   STVA_DB_MAX_FEATURE_DIM);
      return NULL;
    }
  if (d != sqlite3_column_int64 (stmt, 3))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: %s features of extractor '%s' have different sizes", db->path, modality,
                   name);
      return NULL;
    }
  *dim = (int) d;
  return g_steal_pointer (&name);
}

/**
 * stva_db_dataset:
 * Returns: (transfer full): the dataset, freed with stva_dataset_free ().
 */
StvaDataset *
stva_db_dataset (StvaDb             *db,
                 gint64              label_set_id,
                 gboolean            current_labels,
                 const char *const  *extractors,
                 GError            **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, -1, error);
  if (t == NULL)
    return NULL;
  StvaDataset *ds = stva_dataset_new ();
  if (ds == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "out of memory");
      return NULL;
    }
  char *extractor[STVA_N_MOD] = { NULL, NULL, NULL };
  g_autoptr (sqlite3_stmt) feat = NULL;
  g_autoptr (GHashTable) speaker_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) speakers = g_ptr_array_new ();
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      GError *local = NULL;
      extractor[m] = pick_extractor (db, modality_names[m], extractors ? extractors[m] : NULL,
                                     &ds->F[m], &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          goto fail;
        }
    }
  ds->K = (int) t->set->labels->len;
  ds->labels = calloc ((size_t) ds->K, sizeof (char *));
  for (int k = 0; k < ds->K; k++)
    ds->labels[k] = strdup (((StvaDbLabel *) g_ptr_array_index (t->set->labels, (guint) k))->name);

  /* dialogues of the three splits, rows already in split, dialogue, index order */
  guint n_rows = t->rows->len, n_dialogues = 0;
  for (guint i = 0; i < n_rows; i++)
    {
      const StvaDbRow *r = g_ptr_array_index (t->rows, i);
      if (stva_split_from_name (r->split) >= 0
          && (i == 0 || r->dialogue_id != ((StvaDbRow *) t->rows->pdata[i - 1])->dialogue_id))
        n_dialogues++;
    }
  ds->dialogues = calloc (n_dialogues ? n_dialogues : 1, sizeof (StvaDialogue));
  feat = _stva_db_prepare (db, "SELECT data FROM feature WHERE utterance_id = :utterance "
                               "AND modality = :modality AND extractor = :extractor", error);
  if (feat == NULL)
    goto fail;
  for (guint i = 0; i < n_rows;)
    {
      const StvaDbRow *first = g_ptr_array_index (t->rows, i);
      guint end = i;
      while (end < n_rows && ((StvaDbRow *) t->rows->pdata[end])->dialogue_id
                               == first->dialogue_id)
        end++;
      int split = stva_split_from_name (first->split);
      if (split < 0)
        {
          i = end;
          continue;
        }
      StvaDialogue *d = &ds->dialogues[ds->n_dialogues++];
      g_autofree char *id = g_strdup_printf ("%s/%s", first->split, first->dialogue);
      d->id = strdup (id);   /* names repeat across splits (MELD's dia0): keep ids unique */
      d->split = split;
      d->T = (int) (end - i);
      d->speaker = calloc ((size_t) d->T, sizeof (int));
      d->label = calloc ((size_t) d->T, sizeof (int));
      d->utt_id = calloc ((size_t) d->T, sizeof (char *));
      for (int m = 0; m < STVA_N_MOD; m++)
        if (ds->F[m] > 0)
          {
            d->x[m] = calloc ((size_t) d->T * (size_t) ds->F[m], sizeof (float));
            d->mask[m] = calloc ((size_t) d->T, 1);
          }
      for (int u = 0; u < d->T; u++)
        {
          const StvaDbRow *r = g_ptr_array_index (t->rows, i + (guint) u);
          char buf[32];
          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, r->utterance_id);
          d->utt_id[u] = strdup (buf);
          gpointer found = NULL;
          if (!g_hash_table_lookup_extended (speaker_index, r->speaker, NULL, &found))
            {
              found = GINT_TO_POINTER (speakers->len);
              g_ptr_array_add (speakers, r->speaker);
              g_hash_table_insert (speaker_index, r->speaker, found);
            }
          d->speaker[u] = GPOINTER_TO_INT (found);
          const StvaDbLabel *l = stva_db_label_set_by_label (t->set, current_labels ? r->current
                                                                                    : r->gold);
          d->label[u] = l ? l->idx : -1;
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              if (ds->F[m] == 0)
                continue;
              sqlite3_reset (feat);
              _stva_bind_int64 (feat, ":utterance", r->utterance_id);
              _stva_bind_text (feat, ":modality", modality_names[m]);
              _stva_bind_text (feat, ":extractor", extractor[m]);
              int rc = _stva_db_step (db, feat, error);
              if (rc < 0)
                goto fail;
              if (rc == 0 || sqlite3_column_bytes (feat, 0) != 4 * ds->F[m])
                continue;
              const guint8 *blob = sqlite3_column_blob (feat, 0);
              float *x = d->x[m] + (size_t) u * (size_t) ds->F[m];
              for (int k = 0; k < ds->F[m]; k++)
                {
                  guint32 v;
                  memcpy (&v, blob + 4 * k, 4);
                  v = GUINT32_FROM_LE (v);
                  memcpy (&x[k], &v, 4);
                }
              d->mask[m][u] = 1;
            }
        }
      i = end;
    }
  ds->n_speakers = (int) speakers->len;
  ds->speakers = calloc (speakers->len ? speakers->len : 1, sizeof (char *));
  for (guint s = 0; s < speakers->len; s++)
    ds->speakers[s] = strdup (speakers->pdata[s]);
  for (int m = 0; m < STVA_N_MOD; m++)
    g_free (extractor[m]);
  return ds;

fail:
  for (int m = 0; m < STVA_N_MOD; m++)
    g_free (extractor[m]);
  stva_dataset_free (ds);
  return NULL;
}
