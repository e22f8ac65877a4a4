/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the ELAN EAF reader, through an import into a scratch project (an input
 * that imports once makes the next ones stop at the duplicate check, after parsing).
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
  return 0;
}
