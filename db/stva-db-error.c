/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The error domain of db/ and the one way its readers take a whole file into memory (see
 * stva-db-error.h).
 */
#include "config.h"

#include "stva-db-error.h"

G_DEFINE_QUARK (stva-db-error-quark, stva_db_error)

gboolean
stva_db_read_file (const char  *path,
                   char       **data,
                   gsize       *size,
                   GError     **error)
{
  GError *local = NULL;
  if (!g_file_get_contents (path, data, size, &local))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}
