/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaDialogueList: the sidebar's dialogues.  A row per dialogue (split, name, speakers,
 * utterances, how many reviewed as a bar, the model's accuracy on it where labels exist), a
 * search entry (transcript text, speaker or name) and a split filter.  Selecting a row selects
 * the dialogue in the session; the session's selection moves the list's.
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-session.h"

G_BEGIN_DECLS

#define STVA_TYPE_DIALOGUE_LIST (stva_dialogue_list_get_type ())
G_DECLARE_FINAL_TYPE (StvaDialogueList, stva_dialogue_list, STVA, DIALOGUE_LIST, GtkWidget)

GtkWidget   *stva_dialogue_list_new         (void);
/* session (nullable): the session shown (a reference is kept). */
void         stva_dialogue_list_set_session (StvaDialogueList *self, StvaSession *session);
StvaSession *stva_dialogue_list_get_session (StvaDialogueList *self);

/* The search (as typed in the entry; applied at once) and the split shown (NULL: all; "train",
 * "dev", "test", "none"). */
void         stva_dialogue_list_set_search  (StvaDialogueList *self, const char *text);
void         stva_dialogue_list_set_split   (StvaDialogueList *self, const char *split);
/* Gives the search entry the focus (the window's Ctrl+F). */
void         stva_dialogue_list_focus_search (StvaDialogueList *self);
/* (transfer none) The rows shown, a single selection over the filtered dialogues (of
 * StvaDialogueItem). */
GtkSelectionModel *stva_dialogue_list_get_selection (StvaDialogueList *self);
guint        stva_dialogue_list_get_n_shown (StvaDialogueList *self);

G_END_DECLS
