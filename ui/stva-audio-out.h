/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaAudioOut: the player's sound device, through SDL2's audio (PulseAudio, PipeWire, ALSA,
 * or SDL_AUDIODRIVER=dummy, which consumes sound at the real rate with no card).  A callback
 * on SDL's audio thread fills each buffer, as in ffplay.  STVA_AUDIO=none in the environment
 * refuses to open a device, so that playback on the system clock can be tested anywhere.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STVA_AUDIO_OUT_RATE_HZ 48000
#define STVA_AUDIO_OUT_CHANNELS 2

typedef struct StvaAudioOut StvaAudioOut;

/* Fills out[0 .. n_frames * STVA_AUDIO_OUT_CHANNELS) with interleaved float samples; called on
 * SDL's audio thread: it must not block for long.  now_us is g_get_monotonic_time () when SDL
 * asked for the buffer. */
typedef void (*StvaAudioFillFunc) (float   *out,
                                   int      n_frames,
                                   gint64   now_us,
                                   gpointer user_data);

/* (transfer full) Opens the default output at 48 kHz stereo float, paused, or NULL with an
 * error when there is none (or STVA_AUDIO=none).  fill and user_data must outlive it. */
StvaAudioOut *stva_audio_out_new        (StvaAudioFillFunc fill,
                                         gpointer          user_data,
                                         GError          **error);
void          stva_audio_out_free       (StvaAudioOut *out);
void          stva_audio_out_set_paused (StvaAudioOut *out,
                                         gboolean      paused);
/* The device's buffering in seconds: how long a sample takes from the callback to the ear
 * (two buffers, as ffplay counts). */
double        stva_audio_out_latency_s  (const StvaAudioOut *out);
/* The SDL driver in use ("pulseaudio", "alsa", "dummy", ...). */
const char   *stva_audio_out_driver     (const StvaAudioOut *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaAudioOut, stva_audio_out_free)

G_END_DECLS
