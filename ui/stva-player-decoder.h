/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPlayerDecoder: the player's decode thread, as in ffplay.  One thread per decoder opens
 * files, seeks and decodes (core's StvaMediaReader for frames, StvaMediaAudioReader for 48 kHz
 * stereo sound) ahead into a small frame queue and an audio queue; the main thread takes frames
 * by their pts and SDL's audio thread takes sound.  Every open and seek bumps a serial; frames
 * and sound of an older serial are dropped wherever they are found.  Thread-safe: the public
 * functions may be called from any thread, the fill from SDL's.
 */
#pragma once

#include <glib.h>

#include "stva-core.h"

G_BEGIN_DECLS

#define STVA_PLAYER_QUEUE_FRAMES 4  /* decoded frames kept ahead */

typedef struct StvaPlayerDecoder StvaPlayerDecoder;

typedef struct
{
  GBytes *rgb;     /* owned: packed RGB24, width * height * 3 bytes */
  int     width;
  int     height;
  double  pts_s;
  guint   serial;
} StvaPlayerFrame;

void stva_player_frame_clear (StvaPlayerFrame *frame);

typedef enum
{
  STVA_PLAYER_EVENT_OPENED,  /* info is the file's */
  STVA_PLAYER_EVENT_FAILED,  /* error says what; open failed (nothing open now) or decoding did */
} StvaPlayerEventKind;

typedef struct
{
  StvaPlayerEventKind kind;
  guint               open_id;  /* which stva_player_decoder_open this is about */
  StvaMediaInfo       info;
  gboolean            has_sound;  /* an audio stream that is being decoded */
  GError             *error;    /* owned by the event */
} StvaPlayerEvent;

/* Called on the main context the decoder was created on. */
typedef void (*StvaPlayerEventFunc) (const StvaPlayerEvent *event,
                                     gpointer               user_data);

/* (transfer full) Starts the thread; events go to func on the thread-default main context.
 * with_sound: decode sound for stva_player_decoder_fill_sound (false: no audio device). */
StvaPlayerDecoder *stva_player_decoder_new        (gboolean            with_sound,
                                                   StvaPlayerEventFunc func,
                                                   gpointer            user_data);
/* Stops and joins the thread (at most one frame's decoding); no event is delivered after. */
void               stva_player_decoder_free       (StvaPlayerDecoder *self);

/* Opens path (NULL: closes) in the thread; returns the open's id for its event.  The new
 * serial is *serial. */
guint              stva_player_decoder_open       (StvaPlayerDecoder *self,
                                                   const char        *path,
                                                   guint             *serial);
/* Seeks so that the first frame of the new serial (returned) is the one on screen at t_s. */
guint              stva_player_decoder_seek       (StvaPlayerDecoder *self,
                                                   double             t_s);
/* Sound from here on at tempo (0.5..2.0, pitch kept); frames are unaffected. */
void               stva_player_decoder_set_tempo  (StvaPlayerDecoder *self,
                                                   double             tempo);

/* Takes the next frame of serial, whatever its pts; FALSE when none is decoded yet. */
gboolean           stva_player_decoder_take_next  (StvaPlayerDecoder *self,
                                                   guint              serial,
                                                   StvaPlayerFrame   *frame);
/* Takes the latest frame of serial with pts <= t_s; the earlier ones it passes are dropped
 * and counted in *n_late.  FALSE when the next frame is not due yet (or none is decoded). */
gboolean           stva_player_decoder_take_due   (StvaPlayerDecoder *self,
                                                   guint              serial,
                                                   double             t_s,
                                                   StvaPlayerFrame   *frame,
                                                   guint             *n_late);
/* TRUE when serial's video is at its end and all its frames were taken (or there is none),
 * and its sound too. */
gboolean           stva_player_decoder_finished   (StvaPlayerDecoder *self,
                                                   guint              serial);

/* For StvaAudioOut's callback: n_frames of 48 kHz stereo of the current serial (silence when
 * none is decoded), and the clock: the file time heard at now_us. */
void               stva_player_decoder_fill_sound (float   *out,
                                                   int      n_frames,
                                                   gint64   now_us,
                                                   gpointer decoder);
/* The device's latency, which the clock subtracts. */
void               stva_player_decoder_set_latency (StvaPlayerDecoder *self,
                                                    double             latency_s);
/* The sound clock: the file time *pts_s heard at *time_us, for serial; FALSE when the sound
 * has not played anything of the current serial yet. */
gboolean           stva_player_decoder_sound_clock (StvaPlayerDecoder *self,
                                                    double            *pts_s,
                                                    gint64            *time_us,
                                                    guint             *serial);

G_END_DECLS
