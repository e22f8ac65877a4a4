/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test clips shared by the media and feature tests: a clip of drawn frames and/or generated
 * sound written with the demo writer (deterministic: one spec gives the same bytes every
 * time), a temporary folder to write them in, and whole-file reads and writes that fail the
 * test on error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Fills frame i: px holds width * height Cairo RGB24 words (0x00RRGGBB), rows width * 4 bytes
 * apart; it still holds the previous frame, and zeros before the first. */
typedef void (*ClipDrawFunc) (uint32_t *px, int i, void *user_data);

/* Fills x[0 .. n) with samples first .. first + n - 1 of the sound, at rate_hz. */
typedef void (*ClipSoundFunc) (float *x, size_t n, int64_t first, int rate_hz, void *user_data);

typedef struct
{
  int            width;       /* pixels */
  int            height;
  int            fps;
  int            n_frames;
  int            rate_hz;     /* audio; rate_hz / fps samples go with each frame */
  ClipDrawFunc   draw;
  ClipSoundFunc  sound;
  void          *user_data;   /* borrowed; passed to both */
} ClipSpec;

/* Writes the clip to path, frame by frame (the picture, then its share of the sound): both
 * streams, or one of them and a file without the other; spec->draw is needed for video,
 * spec->sound for audio.  Fails the test on error. */
void    clip_write       (const char *path, const ClipSpec *spec, bool video, bool audio);

/* A sine tone, for clip_tone. */
typedef struct
{
  double hz;
  double amp;
} ClipTone;

/* A ClipSoundFunc whose user_data is a ClipTone: x[i] = amp · sin (2π hz (first + i) / rate_hz),
 * a tone that runs on from frame to frame. */
void    clip_tone        (float *x, size_t n, int64_t first, int rate_hz, void *user_data);

/* A ClipSoundFunc for silence. */
void    clip_silence     (float *x, size_t n, int64_t first, int rate_hz, void *user_data);

/* (transfer full) A new temporary folder for a test's files, named after tmpl (which ends in
 * XXXXXX); fails the test on error. */
char   *clip_tmp_dir     (const char *tmpl);

/* (transfer full) The bytes of path. */
GBytes *clip_read_bytes  (const char *path);

/* Writes n bytes of data to path. */
void    clip_write_bytes (const char *path, const void *data, gsize n);
