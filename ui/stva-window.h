/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaWindow: the studio's main window (see stva-window.c).
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STVA_TYPE_WINDOW (stva_window_get_type ())
G_DECLARE_FINAL_TYPE (StvaWindow, stva_window, STVA, WINDOW, AdwApplicationWindow)

StvaWindow *stva_window_new                    (AdwApplication *app);
gboolean    stva_window_open_folder            (StvaWindow *self, const char *folder,
                                                GError **error);
guint       stva_window_get_n_dialogues        (StvaWindow *self);
guint       stva_window_get_n_utterances_shown (StvaWindow *self);
void        stva_window_select_dialogue        (StvaWindow *self, guint index);
/* Seeks to the utterance's start in the dialogue video and plays until its end. */
void        stva_window_play_utterance         (StvaWindow *self, guint index);
double      stva_window_get_position           (StvaWindow *self);
gboolean    stva_window_is_playing             (StvaWindow *self);
guint       stva_window_get_frames_shown       (StvaWindow *self);
double      stva_window_get_frame_period       (StvaWindow *self);

G_END_DECLS
