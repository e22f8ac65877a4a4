/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding the project for every command that reads or writes one: --project FILE, else
 * $SYNCTVA_PROJECT, else the single *.stva in the current folder.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-db.h"

G_BEGIN_DECLS

/* (transfer full) The project's path, or NULL with error naming what is missing. */
char   *stva_cli_find_project (const char *option, GError **error);
/* TRUE when no --project was given but $SYNCTVA_PROJECT is set or exactly one *.stva file is
 * in the current folder: a command that also has a file mode then works on the project. */
gboolean stva_cli_has_default_project (void);

/* The --project FILE entry of a GOptionEntry table (value: a char * to g_free). */
#define STVA_CLI_PROJECT_ENTRY(var) \
  { "project", 0, 0, G_OPTION_ARG_FILENAME, &(var), \
    "The project (default: $SYNCTVA_PROJECT, else the single *.stva here)", "FILE" }
/* The --json entry (value: a gboolean). */
#define STVA_CLI_JSON_ENTRY(var) \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(var), "Print the result as one JSON object", NULL }

/* A job for the project commands: Ctrl-C cancels it, and its progress line shows only on a
 * terminal or once the work has taken a second, so a quick import prints nothing (transfer
 * full). */
StvaJob *stva_cli_project_job_new (StvaCliProgress *p);
/* Prints the builder's object as one line of JSON on stdout (json-glib's generator). */
void     stva_cli_print_builder   (JsonBuilder *builder);
/* "synctva: <message>" for a failed engine call: status 1 (a cancelled job's message says what
 * it left). */
int      stva_cli_fail_error      (GError *error);
/* Refuses positional arguments beyond the n_max expected (after stva_cli_parse ()), naming the
 * first; TRUE when there are none too many. */
gboolean stva_cli_max_arguments   (const char *command, int argc, char **argv, int n_max,
                                   int *status);

G_END_DECLS
