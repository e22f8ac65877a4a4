/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Error, usage and progress output for the synctva command line (see stva-cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "stva-cli.h"

int
stva_cli_fail (const char *format,
               ...)
{
  va_list ap;
  va_start (ap, format);
  fputs ("synctva: ", stderr);
  vfprintf (stderr, format, ap);
  fputc ('\n', stderr);
  va_end (ap);
  return STVA_EXIT_ERROR;
}

int
stva_cli_usage (const char *usage,
                const char *format,
                ...)
{
  va_list ap;
  va_start (ap, format);
  fputs ("synctva: ", stderr);
  vfprintf (stderr, format, ap);
  fputc ('\n', stderr);
  va_end (ap);
  fprintf (stderr, "usage: %s\n", usage);
  return STVA_EXIT_USAGE;
}

double
stva_cli_now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

bool
stva_cli_output_ok (const char *path)
{
  struct stat sb;
  if (*path == '\0')
    {
      stva_cli_fail ("an empty output file name");
      return false;
    }
  if (stat (path, &sb) == 0 && S_ISDIR (sb.st_mode))
    {
      stva_cli_fail ("%s: is a folder, not a file name", path);
      return false;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  bool ok = false;
  if (stat (dir, &sb) != 0)
    stva_cli_fail ("%s: cannot be written: folder %s: %s", path, dir, strerror (errno));
  else if (!S_ISDIR (sb.st_mode))
    stva_cli_fail ("%s: cannot be written: %s is not a folder", path, dir);
  else if (access (dir, W_OK) != 0)
    stva_cli_fail ("%s: cannot be written: folder %s: %s", path, dir, strerror (errno));
  else
    ok = true;
  return ok;
}

bool
stva_cli_folder_ok (const char *path)
{
  struct stat sb;
  if (*path == '\0')
    {
      stva_cli_fail ("an empty folder name");
      return false;
    }
  if (stat (path, &sb) != 0 && (g_mkdir_with_parents (path, 0777) != 0 || stat (path, &sb) != 0))
    {
      stva_cli_fail ("%s: cannot make the folder: %s", path, strerror (errno));
      return false;
    }
  if (!S_ISDIR (sb.st_mode))
    {
      stva_cli_fail ("%s: not a folder", path);
      return false;
    }
  if (access (path, W_OK) != 0)
    {
      stva_cli_fail ("%s: cannot write in it: %s", path, strerror (errno));
      return false;
    }
  return true;
}

bool
stva_cli_parse_int (const char *s,
                    long long   lo,
                    long long   hi,
                    long long  *out)
{
  if (s == NULL || *s == '\0')
    return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

void
stva_cli_progress_init (StvaCliProgress *p,
                        const char      *what)
{
  p->what = what;
  p->tty = isatty (STDERR_FILENO) != 0;
  p->start_s = stva_cli_now_s ();
  p->last_s = -1e9;
}

void
stva_cli_progress_update (StvaCliProgress *p,
                          int64_t          done,
                          int64_t          total)
{
  double now = stva_cli_now_s ();
  bool last = done >= total;
  /* A terminal gets a live bar; a log gets a line every 5 s and the last one. */
  if (!last && now - p->last_s < (p->tty ? 0.1 : 5.0))
    return;
  p->last_s = now;
  double elapsed = now - p->start_s;
  double rate = elapsed > 0.0 ? (double) done / elapsed : 0.0;
  double eta = rate > 0.0 ? (double) (total - done) / rate : 0.0;
  int pct = total > 0 ? (int) (100 * done / total) : 100;
  if (p->tty)
    {
      char bar[31];
      int fill = total > 0 ? (int) (30 * done / total) : 30;
      for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
      bar[30] = '\0';
      fprintf (stderr, "\r%s [%s] %3d%% %lld/%lld  %.1f/s  ETA %.0fs ", p->what, bar, pct,
               (long long) done, (long long) total, rate, eta);
    }
  else
    fprintf (stderr, "%s: %lld/%lld (%d%%), %.1f/s, %.0fs elapsed, ETA %.0fs\n", p->what,
             (long long) done, (long long) total, pct, rate, elapsed, eta);
  fflush (stderr);
}

void
stva_cli_progress_finish (StvaCliProgress *p)
{
  if (p->tty)
    fputc ('\n', stderr);
}
