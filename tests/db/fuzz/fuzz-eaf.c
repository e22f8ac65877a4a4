/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the ELAN EAF readers, through imports into a scratch project (an input
 * that imports once makes the next ones stop at the duplicate check, after parsing): our own
 * layout, and another lab's: the tier listing, then the default speaker tiers with every tier
 * that has a parent or a vocabulary as a label tier, into the set its vocabulary names and
 * into a new one.
 */
#include <stdint.h>
#include <stdio.h>

#include "stva-db.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char   *path;
static StvaDb *db;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (db == NULL)
    {
      char *dir = g_dir_make_tmp ("fuzz-eaf-XXXXXX", NULL);
      if (dir == NULL)
        return 0;
      char *project = g_build_filename (dir, "p.stva", NULL);
      path = g_build_filename (dir, "in.eaf", NULL);
      db = stva_db_open (project, STVA_DB_OPEN_CREATE, NULL);
      g_free (project);
      g_free (dir);
      if (db == NULL)
        return 0;
    }
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return 0;
  fwrite (data, 1, size, f);
  fclose (f);
  GError *error = NULL;
  for (int k = 0; k < 2; k++)
    {
      stva_db_import_eaf (db, path, k ? NULL : "", NULL, NULL, &error);
      g_clear_error (&error);
    }
  GPtrArray *tiers = stva_db_eaf_tiers (path, &error);
  g_clear_error (&error);
  if (tiers == NULL)
    return 0;
  GPtrArray *labels = g_ptr_array_new ();
  for (guint i = 0; i < tiers->len; i++)
    {
      const StvaDbEafTier *t = g_ptr_array_index (tiers, i);
      if (t->parent != NULL || t->cv != NULL)
        g_ptr_array_add (labels, t->id);
    }
  g_ptr_array_add (labels, NULL);
  for (int k = 0; k < 3; k++)
    {
      StvaDbEafChoice choice = {
        .label_tiers = k ? (const char *const *) labels->pdata : NULL,
        .new_label_set = k == 2 ? "fuzz" : NULL,
      };
      stva_db_import_eaf_choice (db, path, &choice, NULL, NULL, &error);
      g_clear_error (&error);
    }
  g_ptr_array_unref (labels);
  g_ptr_array_unref (tiers);
  return 0;
}
