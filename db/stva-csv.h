/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaCsvReader: an RFC 4180 reader for the corpus files users bring.  Accepts CRLF or LF,
 * quoted fields with doubled quotes and line breaks, a UTF-8 byte-order mark, and fields in
 * Windows-1252 (as in some MELD archives), which it converts to UTF-8.  Errors name the file
 * and the line.
 */
#pragma once

#include <glib.h>

#include "stva-db-error.h"

G_BEGIN_DECLS

typedef struct _StvaCsvReader StvaCsvReader;

StvaCsvReader *stva_csv_reader_new  (const char *path, GError **error);
void           stva_csv_reader_free (StvaCsvReader *reader);

/* Reads the next record.  Returns TRUE with *fields (borrowed, valid until the next call) set,
 * or FALSE at the end (error unset) or on malformed input (error set). */
gboolean       stva_csv_reader_next (StvaCsvReader  *reader,
                                     GPtrArray     **fields,
                                     GError        **error);
/* The line where the last record returned started (1-based). */
guint          stva_csv_reader_line (StvaCsvReader *reader);
const char    *stva_csv_reader_path (StvaCsvReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaCsvReader, stva_csv_reader_free)

G_END_DECLS
