/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the commands that read data share (stva-cli-data.h).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"

/* ---- the data-source options on GOption ----------------------------------------------- */

void
stva_cli_data_args_init (StvaCliDataArgs *args)
{
  memset (args, 0, sizeof *args);
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args->data,
      "Read the dataset from an npz file instead of the project", "FILE.npz" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &args->project,
      "The project (default: $SYNCTVA_PROJECT, or the single *.stva here)", "FILE" },
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &args->label_set,
      "The project's label set (default: meld)", "NAME" },
    { "gold", 0, 0, G_OPTION_ARG_NONE, &args->gold,
      "The gold labels instead of the current ones (project)", NULL },
    { NULL },
  };
  memcpy (args->entries, entries, sizeof entries);
}

void
stva_cli_data_args_clear (StvaCliDataArgs *args)
{
  g_free (args->data);
  g_free (args->project);
  g_free (args->label_set);
  g_free (args->project_path);
  memset (args, 0, sizeof *args);
}

gboolean
stva_cli_data_args_source (StvaCliDataArgs *args,
                           const char      *command,
                           StvaDataSource  *source,
                           int             *status)
{
  memset (source, 0, sizeof *source);
  *status = STVA_EXIT_USAGE;
  if (args->data != NULL && args->project != NULL)
    {
      fprintf (stderr, "synctva: %s: give --data or --project, not both\n"
               "usage: see synctva %s --help\n", command, command);
      return FALSE;
    }
  if (args->data == NULL)
    {
      if (args->project == NULL && !stva_cli_has_default_project ())
        {
          fprintf (stderr, "synctva: %s: no data: give --data FILE.npz or --project FILE (or set "
                   "SYNCTVA_PROJECT, or run in a folder with one *.stva file)\n"
                   "usage: see synctva %s --help\n", command, command);
          return FALSE;
        }
      g_autoptr (GError) error = NULL;
      args->project_path = stva_cli_find_project (args->project, &error);
      if (args->project_path == NULL)
        {
          *status = stva_cli_fail ("%s", error->message);
          return FALSE;
        }
    }
  source->data = args->data;
  source->project = args->project_path;
  source->label_set = args->label_set;
  source->gold = args->gold;
  *status = STVA_EXIT_OK;
  return TRUE;
}

void
stva_cli_print_json (JsonNode *root)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  puts (text);
}

int
stva_cli_engine_fail (const char   *command,
                      const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    {
      fprintf (stderr, "synctva: %s: %s\nusage: see synctva %s --help\n", command,
               error->message, command);
      return STVA_EXIT_USAGE;
    }
  return stva_cli_fail ("%s", error->message);
}
