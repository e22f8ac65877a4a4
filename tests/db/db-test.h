/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the db tests: temporary folders and a tiny MELD-layout corpus written by
 * the test itself.
 */
#pragma once

#include <glib.h>

#include "stva-db.h"

/* (transfer full) A new empty temporary folder; dbt_rm_rf () removes it. */
char   *dbt_tmpdir (void);
void    dbt_rm_rf  (const char *path);

/* Writes the tiny corpus into dir: train dialogues 0 (3 utterances) and 1 (2), dev dialogue 0
 * (2), test dialogue 3 (2); every clip present but train dia1_utt1.mp4; whole videos for the
 * train dialogues only.  Texts hold commas, doubled quotes, a curly apostrophe and a line
 * break.  9 utterances, 4 dialogues, 1 missing clip. */
void    dbt_write_meld (const char *dir);

/* Opens (creating) dir/name.stva, failing the test on error. */
StvaDb *dbt_open (const char *dir, const char *name);

/* Runs a query in a fresh connection and returns the first column of its first row as an
 * integer (for checks from outside the API). */
gint64  dbt_query_int (const char *db_path, const char *sql);
