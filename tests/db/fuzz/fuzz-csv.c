/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the RFC 4180 reader and the MELD row reader on it (the readers take a
 * file, so each input is written to one first).
 */
#include <stdint.h>
#include <stdio.h>

#include "stva-csv.h"
#include "stva-meld.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *path;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-csv-XXXXXX.csv", &path, NULL);
      if (fd < 0)
        return 0;
      close (fd);
    }
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return 0;
  fwrite (data, 1, size, f);
  fclose (f);
  GError *error = NULL;
  StvaCsvReader *reader = stva_csv_reader_new (path, &error);
  GPtrArray *fields;
  while (reader != NULL && stva_csv_reader_next (reader, &fields, &error))
    ;
  stva_csv_reader_free (reader);
  g_clear_error (&error);
  GPtrArray *rows = stva_meld_read (path, &error);
  if (rows != NULL)
    g_ptr_array_unref (rows);
  g_clear_error (&error);
  return 0;
}
