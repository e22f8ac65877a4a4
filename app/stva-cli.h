/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared pieces of the synctva command line: error reporting with the house exit codes
 * (0 success, 1 user error, 2 bad usage) and the progress line on stderr.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

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
int stva_cli_model     (int argc, char **argv);   /* model info: stva-cli-model.c */
int stva_cli_extract   (int argc, char **argv);   /* stva-cli-extract.c */
int stva_cli_train     (int argc, char **argv);   /* stva-cli-train.c */
int stva_cli_eval      (int argc, char **argv);
int stva_cli_predict   (int argc, char **argv);
int stva_cli_figure    (int argc, char **argv);   /* stva-cli-figure.c */
