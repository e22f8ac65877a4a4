/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the db tests: temporary folders, a tiny MELD-layout corpus written by
 * the test itself, and the fixture of the tests that start from that corpus in a project.
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

/* The corpus imported into a project: g_test_add (path, DbtFixture, step, dbt_fixture_setup,
 * test, dbt_fixture_teardown), step NULL or a DbtFixtureStep with what the test adds. */
#define DBT_N_UTTERANCES 9
typedef struct
{
  char           *dir;                       /* owned: a new folder, removed at teardown */
  StvaDb         *db;                        /* owned: dir/p.stva, dir/meld imported as MELD */
  StvaDbLabelSet *set;                       /* owned: its "meld" label set */
  gint64          utt[DBT_N_UTTERANCES];     /* the utterances, dialogue after dialogue */
  gint64          dia[DBT_N_UTTERANCES];     /* the dialogue of each */
  int             gold[DBT_N_UTTERANCES];    /* the idx in set of each one's gold label */
  gint64          model;                     /* 0, for a setup that adds a model */
} DbtFixture;

/* A test's own step of set-up, run by dbt_fixture_setup once the corpus is imported. */
typedef struct
{
  void (*run) (DbtFixture *f);
} DbtFixtureStep;

/* data: NULL or the DbtFixtureStep to run last. */
void    dbt_fixture_setup    (DbtFixture *f, gconstpointer data);
void    dbt_fixture_teardown (DbtFixture *f, gconstpointer data);
