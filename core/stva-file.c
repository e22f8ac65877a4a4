/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whole-file reading (see stva-file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stva-file.h"

StvaStatus
stva_file_read_all (const char *path,
                    uint8_t   **out,
                    size_t     *n,
                    StvaError  *error)
{
  *out = NULL;
  *n = 0;
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
  StvaStatus st = STVA_OK;
  uint8_t *buf = NULL;
  struct stat sb;
  if (fstat (fileno (f), &sb) != 0)
    {
      st = stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
      goto out;
    }
  if (S_ISDIR (sb.st_mode))
    {
      st = stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (EISDIR));
      goto out;
    }
  if (!S_ISREG (sb.st_mode))
    {
      st = stva_error_set (error, STVA_ERR_IO, "%s: not a regular file", path);
      goto out;
    }
  size_t size = (size_t) sb.st_size;
  if (sb.st_size < 0 || (off_t) size != sb.st_size || size == SIZE_MAX)
    {
      st = stva_error_set (error, STVA_ERR_NOMEM, "%s: too large to read (%lld bytes)", path,
                           (long long) sb.st_size);
      goto out;
    }
  buf = malloc (size + 1);
  if (buf == NULL)
    {
      st = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory for %zu bytes", path, size);
      goto out;
    }
  size_t got = fread (buf, 1, size, f);
  if (got != size)
    {
      st = ferror (f)
             ? stva_error_set (error, STVA_ERR_IO, "%s: read failed: %s", path, strerror (errno))
             : stva_error_set (error, STVA_ERR_IO, "%s: changed size while read (%zu of %zu "
                               "bytes)", path, got, size);
      goto out;
    }
  if (fgetc (f) != EOF)
    {
      st = stva_error_set (error, STVA_ERR_IO, "%s: grew while read (past %zu bytes)", path,
                           size);
      goto out;
    }
  buf[size] = 0;
  *out = buf;
  *n = size;
  buf = NULL;
out:
  free (buf);
  fclose (f);
  return st;
}
