-- SPDX-License-Identifier: GPL-3.0-or-later
-- Version 6: label audits (synctva audit).  An audit run ranks every labelled utterance of a
-- label set by how unlikely its label is under out-of-fold predictions (confident learning);
-- the studio offers the ranking as a review-queue order (most likely label errors first).
-- A run is stored whole or not at all; older runs stay until deleted with their rows.
CREATE TABLE audit_run (
  id           INTEGER PRIMARY KEY,
  label_set_id INTEGER NOT NULL REFERENCES label_set (id) ON DELETE CASCADE,
  method       TEXT NOT NULL,           -- 'confident-learning/self-confidence'
  folds        INTEGER NOT NULL CHECK (folds >= 2),
  seed         INTEGER NOT NULL,
  split        TEXT NOT NULL CHECK (split IN ('train', 'all')),
  n_ranked     INTEGER NOT NULL,        -- rows in audit_score
  n_candidates INTEGER NOT NULL,        -- off the confident joint's diagonal
  info         TEXT NOT NULL DEFAULT '{}',   -- JSON: thresholds, confident joint, options
  created_us   INTEGER NOT NULL
);

-- One ranked utterance of a run.  rank 1 is the most likely label error; score orders the
-- same way (higher first; ties by utterance id), so the review queue reads the rank back.
-- probs: the out-of-fold probabilities, float32 little-endian in the set's label order.
CREATE TABLE audit_score (
  run_id             INTEGER NOT NULL REFERENCES audit_run (id) ON DELETE CASCADE,
  utterance_id       INTEGER NOT NULL REFERENCES utterance (id) ON DELETE CASCADE,
  label_set_id       INTEGER NOT NULL REFERENCES label_set (id) ON DELETE CASCADE,
  given_label_id     INTEGER NOT NULL REFERENCES label (id),
  suggested_label_id INTEGER NOT NULL REFERENCES label (id),
  rank               INTEGER NOT NULL CHECK (rank >= 1),
  score              REAL NOT NULL,
  self_confidence    REAL NOT NULL,
  margin             REAL NOT NULL,
  candidate          INTEGER NOT NULL CHECK (candidate IN (0, 1)),
  probs              BLOB NOT NULL,
  PRIMARY KEY (run_id, utterance_id),
  UNIQUE (run_id, rank)
) WITHOUT ROWID;

CREATE INDEX audit_run_set ON audit_run (label_set_id, id);

PRAGMA user_version = 6;
