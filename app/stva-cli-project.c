/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the project commands share (see stva-cli-project.h): finding the project file, the
 * --project and --json options, a quiet progress line, JSON and error printing.
 */
#include <stdio.h>

#include "stva-cli-data.h"
#include "stva-cli-project.h"

static int
count_projects_here (char **first)
{
  g_autoptr (GDir) dir = g_dir_open (".", 0, NULL);
  if (dir == NULL)
    return 0;
  int n = 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".stva") && g_file_test (name, G_FILE_TEST_IS_REGULAR))
      {
        if (n++ == 0 && first != NULL)
          *first = g_strdup (name);
      }
  return n;
}

char *
stva_cli_find_project (const char  *option,
                       GError     **error)
{
  if (option != NULL)
    return g_strdup (option);
  const char *env = g_getenv ("SYNCTVA_PROJECT");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  char *found = NULL;
  int n = count_projects_here (&found);
  if (n == 1)
    return found;
  g_free (found);
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
               n == 0 ? "no project: give --project FILE, set SYNCTVA_PROJECT, or run in a "
                        "folder with one *.stva file (synctva init creates one)"
                      : "%d *.stva files here: choose one with --project FILE", n);
  return NULL;
}

gboolean
stva_cli_has_default_project (void)
{
  const char *env = g_getenv ("SYNCTVA_PROJECT");
  if (env != NULL && *env != '\0')
    return TRUE;
  return count_projects_here (NULL) == 1;
}

/* ---- the project commands' job, printing -------------------------------------------------- */

static void
project_job_progress (const StvaJobProgress *progress,
                      gpointer               user_data)
{
  StvaCliProgress *p = user_data;
  if (p->tty || progress->elapsed_s >= 1.0 || progress->detail != NULL)
    stva_cli_job_progress (progress, user_data);
}

StvaJob *
stva_cli_project_job_new (StvaCliProgress *p)
{
  /* the command line's job carries the Ctrl-C cancellable: take it, print our own way */
  g_autoptr (StvaJob) cli_job = stva_cli_job_new (p);
  return stva_job_new (project_job_progress, p, stva_job_cancellable (cli_job));
}

void
stva_cli_print_builder (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  stva_cli_print_json (root);
}

int
stva_cli_fail_error (GError *error)
{
  int status = stva_cli_fail ("%s", error->message);
  g_error_free (error);
  return status;
}

gboolean
stva_cli_max_arguments (const char  *command,
                        int          argc,
                        char       **argv,
                        int          n_max,
                        int         *status)
{
  if (argc - 1 <= n_max)
    return TRUE;
  fprintf (stderr, "synctva: %s: unexpected argument '%s'\nusage: see synctva %s --help\n",
           command, argv[1 + n_max], command);
  *status = STVA_EXIT_USAGE;
  return FALSE;
}
