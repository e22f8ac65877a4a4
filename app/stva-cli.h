/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared pieces of the synctva command line: error reporting with the house exit codes
 * (0 success, 1 user error, 2 bad usage) and the progress line on stderr.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "stva-engine.h"

enum
{
  STVA_EXIT_OK = 0,
  STVA_EXIT_ERROR = 1,
  STVA_EXIT_USAGE = 2,
};

/* Prints "synctva: <message>" on stderr and returns STVA_EXIT_ERROR. */
int stva_cli_fail (const char *format, ...) __attribute__ ((format (printf, 1, 2)));
/* Prints "synctva: <message>" and a usage hint on stderr and returns STVA_EXIT_USAGE. */
int stva_cli_usage (const char *usage, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

typedef struct
{
  const char *what;       /* "generating", "training", ... */
  bool        tty;        /* stderr is a terminal: redraw a bar in place */
  double      start_s;
  double      last_s;
} StvaCliProgress;

void stva_cli_progress_init   (StvaCliProgress *p, const char *what);
/* Shows done/total with rate and ETA; lines are rate-limited when stderr is not a terminal. */
void stva_cli_progress_update (StvaCliProgress *p, int64_t done, int64_t total);
void stva_cli_progress_finish (StvaCliProgress *p);

double stva_cli_now_s (void);

/* Parses a command's options with GOption: argv[0] is the command ("train", "import csv"),
 * then one or more GOptionEntry tables (each ending with a zeroed entry), then NULL.  --help
 * (generated from the tables, with parameters and description) prints and returns
 * STVA_EXIT_OK through *status; an option that is not the command's, a missing or bad value,
 * prints "synctva: COMMAND: <what>" naming it with a usage hint and sets STVA_EXIT_USAGE.
 * Returns TRUE when the command should go on, with the positional arguments left in
 * argc and argv after argv[0]. */
gboolean stva_cli_parse (int *argc, char ***argv, int *status, const char *parameters,
                         const char *description, const GOptionEntry *entries, ...)
  G_GNUC_NULL_TERMINATED;

/* --split test|dev|train|none|all as one option everywhere: the split index of core's
 * dataset (a StvaSplit) or -1 for all; FALSE with a message naming the value. */
gboolean stva_cli_split_option (const char *value, int *split, GError **error);

/* A StvaJobProgressFunc printing the progress line on stderr (a bar on a terminal, a line
 * every 5 s in a log); user_data is a StvaCliProgress. */
void stva_cli_job_progress (const StvaJobProgress *progress, gpointer user_data);
/* A StvaJob reporting to p and cancelled by SIGINT (Ctrl-C) while it runs (transfer full). */
StvaJob *stva_cli_job_new (StvaCliProgress *p);

/* True when a file can be written at path (its folder exists and is writable, path is not a
 * folder); otherwise prints why, naming path, and returns false.  For outputs written only
 * after long work (a trained model), checked before the work starts. */
bool stva_cli_output_ok (const char *path);

/* True when path is a writable folder, made (with its parents) when missing; otherwise prints
 * why, naming path, and returns false.  For caches, checked before the work that fills them. */
bool stva_cli_folder_ok (const char *path);

/* Parses a whole decimal integer in [lo, hi]; false on anything else. */
bool stva_cli_parse_int (const char *s, long long lo, long long hi, long long *out);

int stva_cli_make_demo (int argc, char **argv);
/* The project commands (stva-cli-db.c). */
int stva_cli_init      (int argc, char **argv);
int stva_cli_import    (int argc, char **argv);
int stva_cli_export    (int argc, char **argv);
int stva_cli_stats     (int argc, char **argv);
int stva_cli_merge     (int argc, char **argv);
int stva_cli_label_set (int argc, char **argv);   /* stva-cli-label-set.c */
int stva_cli_model     (int argc, char **argv);   /* model info: stva-cli-model.c */
int stva_cli_extract   (int argc, char **argv);   /* stva-cli-extract.c */
int stva_cli_train     (int argc, char **argv);   /* stva-cli-train.c */
int stva_cli_eval      (int argc, char **argv);
int stva_cli_predict   (int argc, char **argv);
int stva_cli_figure    (int argc, char **argv);   /* stva-cli-figure.c */
int stva_cli_audit     (int argc, char **argv);   /* stva-cli-audit.c */
