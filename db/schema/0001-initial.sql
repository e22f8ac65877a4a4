-- SPDX-License-Identifier: GPL-3.0-or-later
-- Version 1 of the project schema.  Run by stva-db.c inside BEGIN IMMEDIATE ... COMMIT together
-- with PRAGMA user_version = 1.  Times are integers: *_ms for media positions, *_us for wall
-- clock (microseconds since the Unix epoch, g_get_real_time ()).

-- Key/value facts about the project (name, created_us, the build that created it).
CREATE TABLE project (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- A media file: a clip of one utterance or a whole dialogue video.  path is absolute.
CREATE TABLE media (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('clip', 'dialogue', 'audio')),
  duration_ms INTEGER
);

-- corpus names the importer ('meld', 'iemocap', 'srt', ...); name is the corpus's id
-- ('dia12'); source_id is its number when it has one (MELD's Dialogue_ID).
CREATE TABLE dialogue (
  id        INTEGER PRIMARY KEY,
  corpus    TEXT NOT NULL,
  split     TEXT NOT NULL CHECK (split IN ('train', 'dev', 'test', 'none')),
  name      TEXT NOT NULL,
  source_id INTEGER,
  media_id  INTEGER REFERENCES media (id),
  UNIQUE (corpus, split, name)
);

-- idx is the position in the dialogue (0, 1, ...); source_id the corpus's Utterance_ID.
-- start_ms/end_ms are positions in the dialogue video when there is one.  The MELD columns
-- that have no other home (Sr No., Season, Episode, Sentiment) are kept for a faithful export.
CREATE TABLE utterance (
  id          INTEGER PRIMARY KEY,
  dialogue_id INTEGER NOT NULL REFERENCES dialogue (id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL,
  source_id   INTEGER,
  speaker     TEXT NOT NULL,
  transcript  TEXT NOT NULL,
  start_ms    INTEGER,
  end_ms      INTEGER,
  media_id    INTEGER REFERENCES media (id),
  sr_no       INTEGER,
  season      INTEGER,
  episode     INTEGER,
  sentiment   TEXT,
  UNIQUE (dialogue_id, idx)
);
CREATE INDEX utterance_speaker ON utterance (speaker);

CREATE TABLE label_set (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT ''
);

-- idx is the class index models use; colour is '#rrggbb'; key the keyboard key that picks it.
CREATE TABLE label (
  id           INTEGER PRIMARY KEY,
  label_set_id INTEGER NOT NULL REFERENCES label_set (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  colour       TEXT NOT NULL,
  key          TEXT,
  UNIQUE (label_set_id, idx),
  UNIQUE (label_set_id, name)
);

-- kind: 'human' (an annotator in the studio or an imported evaluator), 'model'.
CREATE TABLE annotator (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model'))
);

-- The corpus's own label of an utterance in a label set.
CREATE TABLE gold_label (
  utterance_id INTEGER NOT NULL REFERENCES utterance (id) ON DELETE CASCADE,
  label_set_id INTEGER NOT NULL REFERENCES label_set (id) ON DELETE CASCADE,
  label_id     INTEGER NOT NULL REFERENCES label (id),
  PRIMARY KEY (utterance_id, label_set_id)
) WITHOUT ROWID;

-- One feature vector: float32 little-endian, dim values.
CREATE TABLE feature (
  utterance_id      INTEGER NOT NULL REFERENCES utterance (id) ON DELETE CASCADE,
  modality          TEXT NOT NULL CHECK (modality IN ('text', 'audio', 'visual')),
  extractor         TEXT NOT NULL,
  extractor_version TEXT NOT NULL,
  dim               INTEGER NOT NULL CHECK (dim > 0),
  data              BLOB NOT NULL CHECK (length (data) = 4 * dim),
  created_us        INTEGER NOT NULL,
  PRIMARY KEY (utterance_id, modality, extractor)
) WITHOUT ROWID;

-- A trained model: the file's SHA-256, its config and metrics as JSON text.
CREATE TABLE model (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  file_hash    TEXT NOT NULL UNIQUE,
  label_set_id INTEGER NOT NULL REFERENCES label_set (id),
  config       TEXT NOT NULL DEFAULT '{}',
  metrics      TEXT NOT NULL DEFAULT '{}',
  created_us   INTEGER NOT NULL
);

-- probs: float32 LE, one per label of the model's set, in idx order.  beta: float32 LE
-- modality contributions (text, audio, visual).  attention: see stva-db.h (STVA_ATTN_*).
CREATE TABLE prediction (
  model_id     INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
  utterance_id INTEGER NOT NULL REFERENCES utterance (id) ON DELETE CASCADE,
  label_id     INTEGER NOT NULL REFERENCES label (id),
  probs        BLOB NOT NULL,
  beta         BLOB,
  attention    BLOB,
  created_us   INTEGER NOT NULL,
  PRIMARY KEY (model_id, utterance_id)
) WITHOUT ROWID;
CREATE INDEX prediction_utterance ON prediction (utterance_id);

-- The append-only log of human labels.  kind 'set' records a choice, 'undo' and 'redo' revert
-- and reapply an earlier event (reverts_id), 'import' a label brought in from a corpus's
-- evaluators.  new_label_id NULL means the annotator has no label for the utterance any more.
-- model_id: the model whose prediction was on screen.  Rows are never updated nor deleted.
CREATE TABLE correction (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  utterance_id INTEGER NOT NULL REFERENCES utterance (id) ON DELETE CASCADE,
  label_set_id INTEGER NOT NULL REFERENCES label_set (id),
  annotator_id INTEGER NOT NULL REFERENCES annotator (id),
  kind         TEXT NOT NULL CHECK (kind IN ('set', 'undo', 'redo', 'import')),
  old_label_id INTEGER REFERENCES label (id),
  new_label_id INTEGER REFERENCES label (id),
  reverts_id   INTEGER REFERENCES correction (id),
  model_id     INTEGER REFERENCES model (id),
  note         TEXT,
  created_us   INTEGER NOT NULL
);
-- The current label per (utterance, set, annotator) is the latest row of this index.
CREATE INDEX correction_current ON correction (utterance_id, label_set_id, annotator_id, id);
-- Undo and redo replay one annotator's events in order.
CREATE INDEX correction_annotator ON correction (annotator_id, label_set_id, id);
CREATE TRIGGER correction_append_only_update BEFORE UPDATE ON correction
BEGIN
  SELECT RAISE (ABORT, 'corrections are append-only');
END;
CREATE TRIGGER correction_append_only_delete BEFORE DELETE ON correction
  WHEN (SELECT count(*) FROM utterance WHERE id = OLD.utterance_id) > 0
BEGIN
  SELECT RAISE (ABORT, 'corrections are append-only');
END;

-- The built-in label sets.  Keys 1-7 pick labels in the studio; colours follow the usual
-- emotion palette (anger red, sadness blue, joy yellow, neutral grey).
INSERT INTO label_set (id, name, description) VALUES
  (1, 'meld', 'MELD: Ekman''s six and neutral'),
  (2, 'iemocap-6', 'IEMOCAP six-class setting'),
  (3, 'iemocap-4', 'IEMOCAP four-class setting (excited merged into happy)');
INSERT INTO label (label_set_id, idx, name, colour, key) VALUES
  (1, 0, 'neutral',  '#9e9e9e', '1'),
  (1, 1, 'joy',      '#f2c12e', '2'),
  (1, 2, 'surprise', '#ff8c1a', '3'),
  (1, 3, 'anger',    '#d62728', '4'),
  (1, 4, 'sadness',  '#1f77b4', '5'),
  (1, 5, 'disgust',  '#2ca02c', '6'),
  (1, 6, 'fear',     '#9467bd', '7'),
  (2, 0, 'hap', '#f2c12e', '1'),
  (2, 1, 'sad', '#1f77b4', '2'),
  (2, 2, 'neu', '#9e9e9e', '3'),
  (2, 3, 'ang', '#d62728', '4'),
  (2, 4, 'exc', '#ff7f0e', '5'),
  (2, 5, 'fru', '#8c564b', '6'),
  (3, 0, 'hap', '#f2c12e', '1'),
  (3, 1, 'sad', '#1f77b4', '2'),
  (3, 2, 'neu', '#9e9e9e', '3'),
  (3, 3, 'ang', '#d62728', '4');

PRAGMA application_id = 1398036033;  -- 0x53545641, "STVA": marks the file as a project
PRAGMA user_version = 1;
