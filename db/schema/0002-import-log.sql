-- SPDX-License-Identifier: GPL-3.0-or-later
-- Version 2: a record of every import (what, from where, when) and the warnings it gave
-- (missing clips, skipped rows), so a project remembers what was not there.
CREATE TABLE import_run (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  source      TEXT NOT NULL,
  created_us  INTEGER NOT NULL,
  n_dialogues INTEGER NOT NULL DEFAULT 0,
  n_utterances INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE import_warning (
  import_id INTEGER NOT NULL REFERENCES import_run (id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  message   TEXT NOT NULL,
  PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;
ALTER TABLE dialogue ADD COLUMN import_id INTEGER REFERENCES import_run (id);

PRAGMA user_version = 2;
