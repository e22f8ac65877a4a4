/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `synctva train`, `eval` and `predict` share (stva-cli-data.c): where the data comes from
 * (an npz file or the project), checks of a model against the data, model registration, and the
 * metrics table, JSON and CSV printing.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-dataset.h"
#include "stva-engine.h"
#include "stva-db.h"
#include "stva-metrics.h"
#include "stva-model.h"

/* ---- the data-source options on GOption (train, eval) ------------------------------------- */

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

/* ---- the older hand-parsed source (predict, figure) ---------------------------------------- */

/* The data of a command: --data FILE.npz or a project (--project, --label-set, --gold). */
typedef struct
{
  const char *data;          /* --data FILE.npz, or NULL: the project */
  const char *project;       /* --project FILE, or NULL: the default project */
  const char *label_set;     /* --label-set NAME (project) */
  bool        gold;          /* --gold: gold labels instead of the current ones (project) */
  StvaDb     *db;            /* the project, when one is used */
  gint64      label_set_id;
  char       *name;          /* the file or project error messages name */
} StvaCliSource;

/* Split index of a --split value ("train", "dev", "val", "validation", "test", "none"); -1. */
int         stva_cli_split_from_name (const char *s);
/* Indices of the dialogues of one split (malloc'ed). */
int        *stva_cli_dialogues_of    (const StvaDataset *ds, int split, int *n);
/* Reads and validates an npz dataset. */
StvaStatus  stva_cli_load_npz        (const char *path, StvaDataset **ds, StvaError *error);
/* The model's class names must be the dataset's, in the same order. */
StvaStatus  stva_cli_check_labels    (const StvaModel *model, const StvaDataset *ds,
                                      const char *model_path, const char *data_path,
                                      StvaError *error);

void        stva_cli_source_init         (StvaCliSource *src);
/* Takes the options naming the data; true when argv[*i] was one of them. */
bool        stva_cli_source_option       (StvaCliSource *src, int argc, char **argv, int *i);
/* NULL when the options make sense, else the usage message. */
const char *stva_cli_source_check        (const StvaCliSource *src);
bool        stva_cli_source_uses_project (const StvaCliSource *src);
/* Loads the dataset; prints the failure and returns false. */
bool        stva_cli_source_load         (StvaCliSource *src, StvaDataset **ds);
void        stva_cli_source_clear        (StvaCliSource *src);

/* The model file's SHA-256 (transfer full), or NULL with the failure printed. */
char       *stva_cli_file_sha256       (const char *path);
/* The model file's config as a JSON object (transfer full), "{}" when it cannot be read. */
char       *stva_cli_model_config_json (const char *path);
/* Registers the model file in the project (again: the same id); 0 with the failure printed. */
gint64      stva_cli_register_model    (StvaCliSource *src, const char *model_path,
                                        const char *metrics_json);

/* A JSON string literal, escaped. */
void        stva_cli_json_string         (FILE *f, const char *s);
/* A CSV field, always quoted, quotes doubled (RFC 4180). */
void        stva_cli_csv_string          (FILE *f, const char *s);
/* A JSON number, or null when not finite. */
void        stva_cli_json_number         (FILE *f, double v);
