/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project file of extract, train, eval and predict (see stva-cli-project.h).
 */
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

StvaDb *
stva_cli_open_project (const char  *option,
                       GError     **error)
{
  g_autofree char *path = stva_cli_find_project (option, error);
  if (path == NULL)
    return NULL;
  return stva_db_open (path, STVA_DB_OPEN_EXISTING, error);
}

gboolean
stva_cli_has_default_project (void)
{
  const char *env = g_getenv ("SYNCTVA_PROJECT");
  if (env != NULL && *env != '\0')
    return TRUE;
  return count_projects_here (NULL) == 1;
}
