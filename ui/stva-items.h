/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the session's list models: a dialogue (StvaDialogueItem) and an utterance
 * (StvaUtteranceItem), each a GObject over db/'s struct with read-only properties that list
 * views bind and sort by.  The session updates them in place and they notify what changed.
 */
#pragma once

#include <glib-object.h>

#include "stva-db.h"

G_BEGIN_DECLS

#define STVA_TYPE_DIALOGUE_ITEM (stva_dialogue_item_get_type ())
G_DECLARE_FINAL_TYPE (StvaDialogueItem, stva_dialogue_item, STVA, DIALOGUE_ITEM, GObject)

/* (transfer full) Takes d (owned). */
StvaDialogueItem     *stva_dialogue_item_new      (StvaDbDialogue *d);
/* (transfer none) */
const StvaDbDialogue *stva_dialogue_item_get      (StvaDialogueItem *self);
/* Replaces the row with d (owned) and notifies the properties that changed. */
void                  stva_dialogue_item_update   (StvaDialogueItem *self, StvaDbDialogue *d);
gint64                stva_dialogue_item_get_id   (StvaDialogueItem *self);
/* "test/dia12" */
const char           *stva_dialogue_item_get_title (StvaDialogueItem *self);
/* The model's accuracy on the dialogue's labelled utterances; NaN when it cannot be said. */
double                stva_dialogue_item_get_accuracy (StvaDialogueItem *self);
void                  stva_dialogue_item_set_accuracy (StvaDialogueItem *self, double accuracy);
/* "Monica, Ross" (the speakers, in order of appearance), set by the session. */
const char           *stva_dialogue_item_get_speakers (StvaDialogueItem *self);
void                  stva_dialogue_item_set_speakers (StvaDialogueItem *self,
                                                       const char *speakers);

#define STVA_TYPE_UTTERANCE_ITEM (stva_utterance_item_get_type ())
G_DECLARE_FINAL_TYPE (StvaUtteranceItem, stva_utterance_item, STVA, UTTERANCE_ITEM, GObject)

/* (transfer full) Takes u (owned). */
StvaUtteranceItem     *stva_utterance_item_new    (StvaDbUtterance *u);
/* (transfer none) */
const StvaDbUtterance *stva_utterance_item_get    (StvaUtteranceItem *self);
void                   stva_utterance_item_update (StvaUtteranceItem *self, StvaDbUtterance *u);
gint64                 stva_utterance_item_get_id (StvaUtteranceItem *self);

G_END_DECLS
