/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaSession: the open project as the studio sees it (not a widget).  It owns the main
 * thread's connection to the project, the label set, the annotator, the model on screen, the
 * selected dialogue and utterance; it exposes the dialogues and the selected dialogue's
 * utterances as GListModels of StvaDialogueItem and StvaUtteranceItem, and every label change
 * goes through it, so every view updates from one place:
 *
 *   ::label-changed (gint64 utterance_id)   a label of that utterance changed (set, reviewed,
 *                                            undo, redo); its item is already updated
 *   ::project-changed ()                     a project was opened (or reloaded after a job)
 *   notify::dialogue, notify::utterance      the selection moved
 *
 * Writes are single small transactions on the main thread (a correction is one INSERT in WAL
 * mode); long work goes through engine/ jobs with their own connections.
 */
#pragma once

#include <gio/gio.h>

#include "stva-db.h"
#include "stva-items.h"

G_BEGIN_DECLS

#define STVA_TYPE_SESSION (stva_session_get_type ())
G_DECLARE_FINAL_TYPE (StvaSession, stva_session, STVA, SESSION, GObject)

#define STVA_SESSION_ANNOTATOR_KEY "studio.annotator"   /* project setting */

StvaSession          *stva_session_new            (void);
/* Opens the project at path (replacing the open one only when it opens).  annotator
 * (nullable): who labels; NULL takes the one remembered in the project (none: labelling asks,
 * see stva_session_set_annotator ()).  The first dialogue and its first utterance are
 * selected. */
gboolean              stva_session_open           (StvaSession *self, const char *path,
                                                   const char *annotator, GError **error);
/* Re-reads the dialogues and the selected dialogue's utterances (after a job changed the
 * project), keeping the selection where it can; emits ::project-changed. */
gboolean              stva_session_reload         (StvaSession *self, GError **error);
gboolean              stva_session_is_open        (StvaSession *self);
/* (nullable) */
const char           *stva_session_get_path       (StvaSession *self);
/* (transfer none) (nullable) The main thread's connection. */
StvaDb               *stva_session_get_db         (StvaSession *self);
/* (transfer none) (nullable) */
const StvaDbLabelSet *stva_session_get_label_set  (StvaSession *self);
/* (transfer none) (nullable) The label of the set with this id. */
const StvaDbLabel    *stva_session_get_label      (StvaSession *self, gint64 label_id);

/* (nullable) The annotator's name; NULL before one is chosen. */
const char           *stva_session_get_annotator  (StvaSession *self);
/* Chooses the annotator (created when new) and remembers it in the project. */
gboolean              stva_session_set_annotator  (StvaSession *self, const char *name,
                                                   GError **error);

/* The model whose predictions are shown (0: none in the project). */
gint64                stva_session_get_model_id   (StvaSession *self);
gboolean              stva_session_set_model_id   (StvaSession *self, gint64 model_id,
                                                   GError **error);

/* (transfer none) Of StvaDialogueItem, in the project's order (split, then source id). */
GListModel           *stva_session_get_dialogues  (StvaSession *self);
/* (transfer none) Of StvaUtteranceItem: the selected dialogue's, in order. */
GListModel           *stva_session_get_utterances (StvaSession *self);

/* (transfer none) (nullable) */
StvaDialogueItem     *stva_session_get_dialogue   (StvaSession *self);
/* GTK_INVALID_LIST_POSITION when none */
guint                 stva_session_get_dialogue_position  (StvaSession *self);
gboolean              stva_session_select_dialogue        (StvaSession *self, guint position,
                                                           GError **error);
/* Selects the dialogue holding utterance_id and that utterance. */
gboolean              stva_session_select_utterance_id    (StvaSession *self,
                                                           gint64 utterance_id,
                                                           GError **error);
/* (transfer none) (nullable) */
StvaUtteranceItem    *stva_session_get_utterance  (StvaSession *self);
guint                 stva_session_get_utterance_position (StvaSession *self);
void                  stva_session_select_utterance       (StvaSession *self, guint position);
/* Moves the utterance selection by delta within the dialogue (clamped); FALSE at an end. */
gboolean              stva_session_step_utterance         (StvaSession *self, int delta);

/* ---- labelling (the selected utterance, by the annotator, reviewing the model on screen) -- */

/* Sets the label (0 clears the annotator's label) with an optional note. */
gboolean              stva_session_set_label      (StvaSession *self, gint64 label_id,
                                                   const char *note, GError **error);
/* The label with this key in the set (NULL when no label has it). */
const StvaDbLabel    *stva_session_label_for_key  (StvaSession *self, const char *key);
/* Takes the model's prediction as the label; FALSE with an error when there is none. */
gboolean              stva_session_accept_prediction (StvaSession *self, GError **error);
/* Marks the utterance reviewed with its current label unchanged. */
gboolean              stva_session_mark_reviewed  (StvaSession *self, GError **error);
/* Undo and redo the annotator's latest event through the correction log; the utterance it
 * changed is selected.  *done (nullable) FALSE when there was nothing to undo / redo. */
gboolean              stva_session_undo           (StvaSession *self, gboolean *done,
                                                   GError **error);
gboolean              stva_session_redo           (StvaSession *self, gboolean *done,
                                                   GError **error);

/* ---- review queue -------------------------------------------------------------------------- */

/* Ranks the utterances by order (db's StvaDbQueueOrder) for the model on screen; the queue's
 * position starts before its first item. */
gboolean              stva_session_set_queue      (StvaSession *self, StvaDbQueueOrder order,
                                                   gboolean unreviewed_only, GError **error);
StvaDbQueueOrder      stva_session_get_queue_order (StvaSession *self);
/* (transfer none) The ranked items (StvaDbQueueItem), or NULL before set_queue. */
GArray               *stva_session_get_queue      (StvaSession *self);
/* Selects the next (delta 1) or previous (-1) utterance of the queue; FALSE at an end. */
gboolean              stva_session_queue_step     (StvaSession *self, int delta,
                                                   GError **error);
/* How many items of the queue are not reviewed yet. */
guint                 stva_session_queue_left     (StvaSession *self);

G_END_DECLS
