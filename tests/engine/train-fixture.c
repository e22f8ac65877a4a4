/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The corpus of train-fixture.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stva-db.h"
#include "stva-db-error.h"
#include "stva-npz.h"
#include "train-fixture.h"

static const char *const names[3] = { "neutral", "joy", "anger" };

static char *
dup (const char *s)
{
  return strcpy (malloc (strlen (s) + 1), s);
}

/* The features of utterance u of dialogue d (global dialogue number), into x (TF_F). */
static void
features (int    d,
          int    u,
          float *x)
{
  GRand *rand = g_rand_new_with_seed ((guint32) (d * 97 + u));
  int c = (d + u) % 3;
  for (int f = 0; f < TF_F; f++)
    x[f] = (f == c ? 1.0f : 0.0f) + 0.6f * (float) g_rand_double_range (rand, -1.0, 1.0);
  g_rand_free (rand);
}

StvaDataset *
tf_dataset_new (int n_train,
                int n_dev,
                int n_test)
{
  StvaDataset *ds = stva_dataset_new ();
  ds->K = 3;
  ds->labels = malloc (3 * sizeof (char *));
  for (int k = 0; k < 3; k++)
    ds->labels[k] = dup (names[k]);
  ds->n_speakers = 2;
  ds->speakers = malloc (2 * sizeof (char *));
  ds->speakers[0] = dup ("Ann");
  ds->speakers[1] = dup ("Bob");
  ds->F[STVA_MOD_T] = TF_F;
  ds->n_dialogues = n_train + n_dev + n_test;
  ds->dialogues = calloc ((size_t) ds->n_dialogues, sizeof (StvaDialogue));
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      dia->split = d < n_train ? STVA_SPLIT_TRAIN
                   : d < n_train + n_dev ? STVA_SPLIT_DEV : STVA_SPLIT_TEST;
      dia->id = g_strdup_printf ("dia%d", d);
      dia->T = TF_T;
      dia->x[STVA_MOD_T] = malloc (TF_T * TF_F * sizeof (float));
      for (int m = 0; m < STVA_N_MOD; m++)
        dia->mask[m] = calloc (TF_T, 1);
      dia->speaker = malloc (TF_T * sizeof (int));
      dia->label = malloc (TF_T * sizeof (int));
      for (int u = 0; u < TF_T; u++)
        {
          features (d, u, dia->x[STVA_MOD_T] + u * TF_F);
          dia->mask[STVA_MOD_T][u] = 1;
          dia->speaker[u] = u % 2;
          dia->label[u] = (d + u) % 3;
        }
    }
  return ds;
}

gboolean
tf_write_npz (const char  *path,
              int          n_train,
              int          n_dev,
              int          n_test,
              GError     **error)
{
  StvaDataset *ds = tf_dataset_new (n_train, n_dev, n_test);
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

gboolean
tf_write_project (const char  *path,
                  int          n_train,
                  int          n_dev,
                  int          n_test,
                  GError     **error)
{
  g_autofree char *csv = g_strconcat (path, ".csv", NULL);
  g_autoptr (GString) text = g_string_new ("dialogue,split,speaker,text,label\n");
  int n = n_train + n_dev + n_test;
  for (int d = 0; d < n; d++)
    for (int u = 0; u < TF_T; u++)
      g_string_append_printf (text, "dia%d,%s,%s,words %d %d,%s\n", d,
                              d < n_train ? "train" : d < n_train + n_dev ? "dev" : "test",
                              u % 2 ? "Bob" : "Ann", d, u, names[(d + u) % 3]);
  if (!g_file_set_contents (csv, text->str, (gssize) text->len, error))
    return FALSE;
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, error);
  if (db == NULL
      || !stva_db_import_csv (db, csv, "dialogue=dialogue,split=split,speaker=speaker,"
                              "text=text,label=label", NULL, NULL, NULL, error))
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, error);
  if (set == NULL)
    return FALSE;
  StvaDataset *ds = stva_db_dataset (db, set->id, TRUE, NULL, error);
  if (ds == NULL)
    return FALSE;
  gboolean ok = ds->n_dialogues == n;
  if (!ok)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: %d dialogues, want %d", path,
                 ds->n_dialogues, n);
  for (int i = 0; ok && i < ds->n_dialogues; i++)
    {
      const StvaDialogue *dia = &ds->dialogues[i];
      int d = atoi (strchr (dia->id, '/') != NULL ? strchr (dia->id, '/') + 4 : dia->id + 3);
      for (int u = 0; ok && u < dia->T; u++)
        {
          float x[TF_F];
          features (d, u, x);
          ok = stva_db_put_feature (db, g_ascii_strtoll (dia->utt_id[u], NULL, 10), "text",
                                    "fixture", "1", x, TF_F, error);
        }
    }
  stva_dataset_free (ds);
  return ok;
}
