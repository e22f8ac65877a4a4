-- SPDX-License-Identifier: GPL-3.0-or-later
-- Version 5: the file a model was registered from, so that the studio can run the model on a
-- dialogue given only its id.  NULL: registered by an older build (or merged from a project
-- whose files are elsewhere); the file's hash (file_hash) says whether a file is the model.
ALTER TABLE model ADD COLUMN path TEXT;

PRAGMA user_version = 5;
