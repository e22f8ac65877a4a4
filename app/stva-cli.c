/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Error, usage and progress output for the synctva command line (see stva-cli.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "stva-cli.h"
#include "stva-dataset.h"

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

gboolean
stva_cli_parse (int                 *argc,
                char              ***argv,
                int                 *status,
                const char          *parameters,
                const char          *description,
                const GOptionEntry  *entries,
                ...)
{
  const char *command = (*argv)[0];
  g_autofree char *title = g_strdup_printf ("%s%s%s", command,
                                            parameters != NULL ? " " : "",
                                            parameters != NULL ? parameters : "");
  g_autoptr (GOptionContext) context = g_option_context_new (title);
  g_option_context_set_help_enabled (context, FALSE);   /* --help handled below: no exit () */
  if (description != NULL)
    g_option_context_set_description (context, description);
  gboolean help = FALSE;
  const GOptionEntry help_entry[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    { NULL },
  };
  g_option_context_add_main_entries (context, help_entry, NULL);
  va_list ap;
  va_start (ap, entries);
  for (const GOptionEntry *e = entries; e != NULL; e = va_arg (ap, const GOptionEntry *))
    g_option_context_add_main_entries (context, e, NULL);
  va_end (ap);

  /* GOption reads argv[0] as the program: show "synctva COMMAND" in the help */
  g_autofree char *prgname = g_strdup_printf ("synctva");
  g_set_prgname (prgname);
  GError *error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "synctva: %s: %s\n", command, error->message);
      fprintf (stderr, "usage: synctva %s (see synctva %s --help)\n", title, command);
      g_error_free (error);
      *status = STVA_EXIT_USAGE;
      return FALSE;
    }
  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);
      fputs (text, stdout);
      *status = STVA_EXIT_OK;
      return FALSE;
    }
  /* an option GOption did not know stays in argv only after "--": refuse what looks like one */
  for (int i = 1; i < *argc; i++)
    if ((*argv)[i][0] == '-' && (*argv)[i][1] != '\0')
      {
        fprintf (stderr, "synctva: %s: unknown option %s\n", command, (*argv)[i]);
        fprintf (stderr, "usage: synctva %s (see synctva %s --help)\n", title, command);
        *status = STVA_EXIT_USAGE;
        return FALSE;
      }
  *status = STVA_EXIT_OK;
  return TRUE;
}

gboolean
stva_cli_split_option (const char  *value,
                       int         *split,
                       GError     **error)
{
  if (value == NULL || strcmp (value, "all") == 0)
    {
      *split = -1;
      return TRUE;
    }
  int s = stva_split_from_name (value);
  if (s < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--split: '%s' is not one of test, dev, train, none, all", value);
      return FALSE;
    }
  *split = s;
  return TRUE;
}

void
stva_cli_job_progress (const StvaJobProgress *progress,
                       gpointer               user_data)
{
  StvaCliProgress *p = user_data;
  static char *last_detail;   /* a detail comes again with each report until the next one */
  if (progress->detail != NULL && g_strcmp0 (progress->detail, last_detail) != 0)
    {
      if (p->tty)
        fputc ('\r', stderr);
      fprintf (stderr, "%s\n", progress->detail);
      g_free (last_detail);
      last_detail = g_strdup (progress->detail);
      return;
    }
  if (progress->total <= 0)
    return;
  p->what = progress->stage;
  stva_cli_progress_update (p, progress->done, progress->total);
}

/* Ctrl-C cancels the running job: the handler writes a byte to a pipe (async-signal-safe) and a
 * thread waiting on it cancels the job's GCancellable, which the job polls. */
static GCancellable *sigint_cancellable;
static int sigint_pipe[2] = { -1, -1 };

static void
on_sigint (int sig)
{
  (void) sig;
  char b = 1;
  ssize_t n = write (sigint_pipe[1], &b, 1);
  (void) n;
}

static gpointer
sigint_thread (gpointer data)
{
  char b;
  while (read (sigint_pipe[0], &b, 1) < 0 && errno == EINTR)
    ;
  g_cancellable_cancel (sigint_cancellable);
  return NULL;
}

StvaJob *
stva_cli_job_new (StvaCliProgress *p)
{
  if (sigint_cancellable == NULL)
    {
      sigint_cancellable = g_cancellable_new ();
      if (g_unix_open_pipe (sigint_pipe, FD_CLOEXEC, NULL))
        {
          g_thread_unref (g_thread_new ("sigint", sigint_thread, NULL));
          signal (SIGINT, on_sigint);
        }
    }
  return stva_job_new (stva_cli_job_progress, p, sigint_cancellable);
}
