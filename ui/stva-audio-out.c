/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaAudioOut (stva-audio-out.h): one SDL2 audio device per open player.  SDL's audio
 * subsystem is initialised with the first device and shut down with the last; SDL's signal
 * handlers stay off (GLib and the application own SIGINT and SIGTERM).
 */
#include "config.h"

#include <gio/gio.h>
#include <SDL.h>

#include "stva-audio-out.h"

#define BUFFER_FRAMES 1024  /* 21 ms at 48 kHz: what SDL asks the callback for at a time */

struct StvaAudioOut
{
  SDL_AudioDeviceID device;
  StvaAudioFillFunc fill;       /* borrowed */
  gpointer          user_data;  /* borrowed */
  int               buffer_frames;
  char             *driver;     /* owned */
};

G_LOCK_DEFINE_STATIC (sdl);
static guint sdl_users;

static void
on_device_fill (void  *data,
                Uint8 *stream,
                int    n_bytes)
{
  StvaAudioOut *self = data;

  self->fill ((float *) stream, n_bytes / (int) (sizeof (float) * STVA_AUDIO_OUT_CHANNELS),
              g_get_monotonic_time (), self->user_data);
}

StvaAudioOut *
stva_audio_out_new (StvaAudioFillFunc fill,
                    gpointer          user_data,
                    GError          **error)
{
  g_autoptr (StvaAudioOut) self = NULL;
  SDL_AudioSpec want = { 0 };
  SDL_AudioSpec have = { 0 };
  const char *env = g_getenv ("STVA_AUDIO");

  g_return_val_if_fail (fill != NULL, NULL);
  if (g_strcmp0 (env, "none") == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no sound: STVA_AUDIO=none; playing silently on the system clock");
      return NULL;
    }

  G_LOCK (sdl);
  if (sdl_users == 0)
    {
      SDL_SetHint (SDL_HINT_NO_SIGNAL_HANDLERS, "1");
      SDL_SetHint (SDL_HINT_AUDIO_DEVICE_APP_NAME, "Sync-TVA Studio");
      SDL_SetHint (SDL_HINT_AUDIO_DEVICE_STREAM_NAME, "player");
      if (SDL_InitSubSystem (SDL_INIT_AUDIO) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no sound: SDL: %s",
                       SDL_GetError ());
          G_UNLOCK (sdl);
          return NULL;
        }
    }
  sdl_users++;
  G_UNLOCK (sdl);

  self = g_new0 (StvaAudioOut, 1);
  self->fill = fill;
  self->user_data = user_data;
  want.freq = STVA_AUDIO_OUT_RATE_HZ;
  want.format = AUDIO_F32SYS;
  want.channels = STVA_AUDIO_OUT_CHANNELS;
  want.samples = BUFFER_FRAMES;
  want.callback = on_device_fill;
  want.userdata = self;
  /* no changes allowed: SDL converts to what the device takes */
  self->device = SDL_OpenAudioDevice (NULL, 0, &want, &have, 0);
  if (self->device == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no sound device (SDL %s: %s)",
                   SDL_GetCurrentAudioDriver () ? SDL_GetCurrentAudioDriver () : "no driver",
                   SDL_GetError ());
      return NULL;  /* the autoptr releases SDL */
    }
  self->buffer_frames = have.samples > 0 ? have.samples : BUFFER_FRAMES;
  self->driver = g_strdup (SDL_GetCurrentAudioDriver ());
  return g_steal_pointer (&self);
}

void
stva_audio_out_free (StvaAudioOut *out)
{
  if (out == NULL)
    return;
  if (out->device != 0)
    SDL_CloseAudioDevice (out->device);  /* waits for a running callback */
  g_free (out->driver);
  g_free (out);

  G_LOCK (sdl);
  if (--sdl_users == 0)
    SDL_QuitSubSystem (SDL_INIT_AUDIO);
  G_UNLOCK (sdl);
}

void
stva_audio_out_set_paused (StvaAudioOut *out,
                           gboolean      paused)
{
  g_return_if_fail (out != NULL);
  SDL_PauseAudioDevice (out->device, paused ? 1 : 0);
}

double
stva_audio_out_latency_s (const StvaAudioOut *out)
{
  g_return_val_if_fail (out != NULL, 0.0);
  return 2.0 * out->buffer_frames / STVA_AUDIO_OUT_RATE_HZ;
}

const char *
stva_audio_out_driver (const StvaAudioOut *out)
{
  g_return_val_if_fail (out != NULL, NULL);
  return out->driver != NULL ? out->driver : "";
}
