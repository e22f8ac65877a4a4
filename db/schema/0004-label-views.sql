-- SPDX-License-Identifier: GPL-3.0-or-later
-- Version 4: the rule that makes labels out of the correction log, written once, here, as
-- views that every reader of db/ uses (no reader replays the log in C); and model.parent_id.
--
-- The rule.  Each annotator has at most one label per (utterance, label set): the
-- new_label_id of their latest event there, latest meaning the largest correction id (the log
-- is append-only and ids only grow, so this is the order the events were recorded in; merge
-- appends other projects' events in time order).  An event of kind 'import' (a corpus's
-- evaluator) gives its annotator a label that counts for agreement and exports, but it is not
-- a review: it neither marks the utterance reviewed nor takes part in the current label.  The
-- current label of an utterance is the label of the annotator who acted on it last among those
-- whose label is a review, else the gold label.
--
-- Speed: every lookup here is a search of the index correction_current (utterance_id,
-- label_set_id, annotator_id, id), a max () on its last column included; the views are plain
-- joins that SQLite flattens into the query that reads them, so a constraint on utterance_id
-- (or a join from utterance) reaches the index.  Read current_label through an inner join or a
-- WHERE, not on the right of a LEFT JOIN (SQLite would materialise it whole): it has a row
-- for every utterance and label set, so an inner join loses nothing.

-- Each annotator's label: their latest event on the utterance in the set, when it leaves them a
-- label (an annotator whose latest event cleared it, or undid their only label, has no row).
-- kind is that event's kind; is_review is 0 for an imported rating, 1 otherwise.
CREATE VIEW annotator_label AS
SELECT c.utterance_id, c.label_set_id, c.annotator_id, c.new_label_id AS label_id,
       c.id AS event_id, c.kind, c.created_us, c.kind != 'import' AS is_review
FROM correction c
WHERE c.new_label_id IS NOT NULL
  AND c.id = (SELECT max (l.id) FROM correction l WHERE l.utterance_id = c.utterance_id
              AND l.label_set_id = c.label_set_id AND l.annotator_id = c.annotator_id);

-- The review that decides an utterance's current label in a set: among the annotators whose
-- label is a review, the one whose latest event is the newest.  At most one row per
-- (utterance, set); none when nobody reviewed it.
CREATE VIEW review_label AS
SELECT a.utterance_id, a.label_set_id, a.label_id, a.annotator_id, a.event_id
FROM annotator_label a
WHERE a.is_review
  AND NOT EXISTS (SELECT 1 FROM annotator_label b WHERE b.utterance_id = a.utterance_id
                  AND b.label_set_id = a.label_set_id AND b.is_review
                  AND b.event_id > a.event_id);

-- The current label: one row for every utterance and label set.  label_id is the review's
-- label, else the gold label, else NULL; annotator_id and event_id name the review (NULL: not
-- reviewed); gold_label_id is the gold label (NULL: none); n_reviewers counts the annotators
-- whose label is a review.
CREATE VIEW current_label AS
SELECT u.id AS utterance_id, s.id AS label_set_id, coalesce (r.label_id, g.label_id) AS label_id,
       r.annotator_id AS annotator_id, r.event_id AS event_id, g.label_id AS gold_label_id,
       (SELECT count (*) FROM annotator_label n WHERE n.utterance_id = u.id
        AND n.label_set_id = s.id AND n.is_review) AS n_reviewers
FROM utterance u, label_set s
LEFT JOIN review_label r ON r.utterance_id = u.id AND r.label_set_id = s.id
LEFT JOIN gold_label g ON g.utterance_id = u.id AND g.label_set_id = s.id;

-- The current label as one annotator sees it (read with annotator_id = the annotator): their
-- own label (imported or not), else the gold label, else NULL; own is 1 when it is theirs.
-- One row for every utterance, label set and annotator.
CREATE VIEW annotator_current_label AS
SELECT u.id AS utterance_id, s.id AS label_set_id, n.id AS annotator_id,
       coalesce (a.label_id, g.label_id) AS label_id, a.label_id IS NOT NULL AS own
FROM utterance u, label_set s, annotator n
LEFT JOIN annotator_label a ON a.utterance_id = u.id AND a.label_set_id = s.id
                               AND a.annotator_id = n.id
LEFT JOIN gold_label g ON g.utterance_id = u.id AND g.label_set_id = s.id;

-- The model a retrained model started from (train --from); NULL: trained from scratch.
ALTER TABLE model ADD COLUMN parent_id INTEGER REFERENCES model (id);

PRAGMA user_version = 4;
