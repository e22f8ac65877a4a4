/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The error domain of db/: every GError from the project store, its importers and exporters is
 * in STVA_DB_ERROR, with a message naming the file and the problem.
 */
#pragma once

#include <glib.h>

#include "stva-error.h"

G_BEGIN_DECLS

#define STVA_DB_ERROR (stva_db_error_quark ())
GQuark stva_db_error_quark (void);

typedef enum
{
  STVA_DB_ERROR_IO = 1,        /* a file could not be read or written */
  STVA_DB_ERROR_FORMAT = 2,    /* malformed input: file, line and problem in the message */
  STVA_DB_ERROR_SQLITE = 3,    /* SQLite failed: sqlite3_errmsg and the database path */
  STVA_DB_ERROR_VERSION = 4,   /* the project comes from a newer build */
  STVA_DB_ERROR_NOT_PROJECT = 5, /* not a database, or a database that is not a project */
  STVA_DB_ERROR_NOT_FOUND = 6, /* no such utterance, label, annotator, model */
  STVA_DB_ERROR_INVALID = 7,   /* an argument the store refuses (unknown label, bad blob) */
  STVA_DB_ERROR_CONFLICT = 8,  /* the data is already there (a dialogue imported twice) */
} StvaDbError;

/* *data = the whole of path (g_free; NUL-terminated), *size its bytes (size may be NULL).  GLib's
 * message, which names the file and what is wrong with it (missing, a folder, unreadable), as
 * STVA_DB_ERROR_IO. */
gboolean stva_db_read_file (const char *path, char **data, gsize *size, GError **error);

/* core's errors on the GLib side: the code is the StvaStatus, the message core's. */
#define STVA_CORE_ERROR (stva_core_error_quark ())
GQuark  stva_core_error_quark (void);

/* (transfer full) A GError in STVA_CORE_ERROR from a filled StvaError. */
GError *stva_error_to_gerror  (const StvaError *error);

G_END_DECLS
