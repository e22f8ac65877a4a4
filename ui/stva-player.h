/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPlayer: the studio's video player: a 16:9 picture (letterboxed) over a transport bar
 * (play/pause, time, speed, loop).  Files are opened, sought and decoded in a thread
 * (StvaPlayerDecoder); frames are shown at their pts from a tick callback, late ones dropped.
 * Sound (SDL2) is the master clock when there is an audio device; without one (or with
 * STVA_AUDIO=none) the player plays silently on the system clock.  Speeds other than 1 keep
 * the pitch (libavfilter's atempo).
 *
 * The window owns the keys: the player has functions for them (Space: toggle, J/K/L: jkl,
 * , and .: step_frame) and no shortcuts of its own, and its buttons never take the focus.
 *
 * Properties: position (s, notified at most ~30 times a second while playing), playing,
 * duration, speed, loop, frames-shown, frames-dropped.  Signals: opened (the file is ready;
 * duration is known), error (a GError naming the file: it could not be opened, nothing is
 * open now, or decoding failed; the player stays usable either way).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STVA_PLAYER_SPEED_MIN 0.5
#define STVA_PLAYER_SPEED_MAX 2.0
#define STVA_PLAYER_JUMP_S 5.0  /* what J goes back */

#define STVA_TYPE_PLAYER (stva_player_get_type ())
G_DECLARE_FINAL_TYPE (StvaPlayer, stva_player, STVA, PLAYER, GtkWidget)

GtkWidget *stva_player_new            (void);

/* Opens path in the decode thread and shows its first frame, paused.  FALSE with an error only
 * for a path that is not a readable file; everything else (not media, broken) comes back
 * through the error signal.  NULL closes. */
gboolean   stva_player_open           (StvaPlayer  *self,
                                       const char  *path,
                                       GError     **error);
/* (nullable) The file asked for last. */
const char *stva_player_get_path      (StvaPlayer *self);

void       stva_player_play           (StvaPlayer *self);
void       stva_player_pause          (StvaPlayer *self);
void       stva_player_toggle         (StvaPlayer *self);
/* Shows the frame on screen at t_s (the last with pts <= t_s); keeps playing if it was.  Ends
 * any play_range. */
void       stva_player_seek           (StvaPlayer *self,
                                       double      t_s);
/* Plays from start_s to end_s (< 0: on to the end) and pauses there, or with loop starts
 * again at start_s each time it gets there. */
void       stva_player_play_range     (StvaPlayer *self,
                                       double      start_s,
                                       double      end_s,
                                       gboolean    loop);
/* Pauses and shows the next (+1) or the previous (-1) frame. */
void       stva_player_step_frame     (StvaPlayer *self,
                                       int         direction);
/* 0.5 to 2.0 (clamped). */
void       stva_player_set_speed      (StvaPlayer *self,
                                       double      speed);
/* 'l': play forward at 1×, faster on each repeat (1.5×, 2×); 'k': pause; 'j': back
 * STVA_PLAYER_JUMP_S seconds (no reverse play). */
void       stva_player_jkl            (StvaPlayer *self,
                                       char        key);
/* Loop: at the end of the range (or of the file) start again. */
void       stva_player_set_loop       (StvaPlayer *self,
                                       gboolean    loop);

double     stva_player_get_position   (StvaPlayer *self);
double     stva_player_get_duration   (StvaPlayer *self);
double     stva_player_get_speed      (StvaPlayer *self);
gboolean   stva_player_get_playing    (StvaPlayer *self);
gboolean   stva_player_get_loop       (StvaPlayer *self);
/* The pts of the frame on screen; < 0 when none is. */
double     stva_player_get_frame_pts  (StvaPlayer *self);
/* (transfer none) (nullable) The frame on screen. */
GdkTexture *stva_player_get_texture   (StvaPlayer *self);
guint      stva_player_get_frames_shown   (StvaPlayer *self);
guint      stva_player_get_frames_dropped (StvaPlayer *self);
/* TRUE when the sound device drives the clock; FALSE when playing on the system clock. */
gboolean   stva_player_get_has_sound  (StvaPlayer *self);
/* TRUE while a seek, step or open has not shown its frame yet. */
gboolean   stva_player_get_busy       (StvaPlayer *self);

G_END_DECLS
