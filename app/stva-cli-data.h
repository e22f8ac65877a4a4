/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the commands that read data share (stva-cli-data.c): the data-source options on
 * GOption turned into the engine's StvaDataSource, JSON printed from json-glib, and engine
 * errors turned into exit statuses.  The data itself is the engine's (stva-engine-data.h).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-engine.h"

/* ---- the data-source options on GOption (train, eval, predict) ---------------------------- */

/* --data FILE.npz | --project FILE [--label-set NAME] [--gold]: the values GOption fills, and
 * the table that fills them (pass entries to stva_cli_parse ()). */
typedef struct
{
  char         *data;          /* owned */
  char         *project;       /* owned */
  char         *label_set;     /* owned */
  gboolean      gold;
  char         *project_path;  /* owned: the project resolved (its default included) */
  GOptionEntry  entries[5];
} StvaCliDataArgs;

void     stva_cli_data_args_init  (StvaCliDataArgs *args);
void     stva_cli_data_args_clear (StvaCliDataArgs *args);
/* Fills source (strings borrowed from args) after parsing: the project defaults to
 * $SYNCTVA_PROJECT or the single *.stva here.  FALSE with the usage message printed and
 * *status set to STVA_EXIT_USAGE when the options do not name one place. */
gboolean stva_cli_data_args_source (StvaCliDataArgs *args, const char *command,
                                    StvaDataSource *source, int *status);

/* Prints root as one line of JSON on stdout (json-glib's generator). */
void     stva_cli_print_json       (JsonNode *root);
/* The exit status of a failed engine call: usage for a bad option value, else error; prints
 * "synctva: <message>" (with command for a usage error). */
int      stva_cli_engine_fail      (const char *command, const GError *error);
