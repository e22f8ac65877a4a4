/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaLabelBar: the label set's labels as buttons, each with its key and colour (a click sets
 * the selected utterance's label through the session; the current label's button stands
 * out), "⏎ Accept" with the prediction it would take, "R Reviewed", a note entry whose text
 * goes with the next label set from here or from the window's keys (stva_label_bar_take_note),
 * and undo / redo with whether each would do anything.  The window's keys are the window's:
 * the buttons take no focus on click, and Escape or Enter leave the note entry.
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-session.h"

G_BEGIN_DECLS

#define STVA_TYPE_LABEL_BAR (stva_label_bar_get_type ())
G_DECLARE_FINAL_TYPE (StvaLabelBar, stva_label_bar, STVA, LABEL_BAR, GtkWidget)

GtkWidget   *stva_label_bar_new         (void);
/* session (nullable): a reference is kept */
void         stva_label_bar_set_session (StvaLabelBar *self, StvaSession *session);
StvaSession *stva_label_bar_get_session (StvaLabelBar *self);

/* (transfer full) (nullable) The pending note (NULL when empty), clearing the entry: the window
 * passes it to stva_session_set_label () with a label set by key. */
char        *stva_label_bar_take_note   (StvaLabelBar *self);
/* Puts the focus in the note entry (Escape or Enter gives the keys back to the window). */
void         stva_label_bar_focus_note  (StvaLabelBar *self);
void         stva_label_bar_set_note    (StvaLabelBar *self, const char *note);

/* (transfer none) The button of the label with this id (NULL: not in the set). */
GtkWidget   *stva_label_bar_get_button  (StvaLabelBar *self, gint64 label_id);
/* Whether undo and redo would do anything now (the buttons' sensitivity). */
gboolean     stva_label_bar_can_undo    (StvaLabelBar *self);
gboolean     stva_label_bar_can_redo    (StvaLabelBar *self);

/* ::error (const char *message): a click could not label (no annotator, no prediction...);
 * the window shows it (a toast). */

G_END_DECLS
