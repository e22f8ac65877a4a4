/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaMediaAudioReader: a file's audio as a stream for playback, read in pieces of any size,
 * resampled to the rate and channel count the caller asks for (48 kHz stereo for a sound
 * card), interleaved float, from any time on and at a tempo of 0.5 to 2 with the pitch kept
 * (libavfilter's atempo: overlapping windows, no resampling, so voices keep their pitch).
 * Feature extraction reads audio with stva_media_read_audio instead (16 kHz mono, one call).
 * One reader per thread.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stva-error.h"

#define STVA_MEDIA_TEMPO_MIN 0.5
#define STVA_MEDIA_TEMPO_MAX 2.0

typedef struct StvaMediaAudioReader StvaMediaAudioReader;

/* Opens the audio stream of path, to come out at rate_hz (8000..192000) with n_channels (1 or
 * 2: mono is the downmix, stereo the stream's own or a mono stream on both sides), from 0 s
 * at tempo 1.  Errors name the file: STVA_ERR_MEDIA "no audio stream" when it has none. */
StvaStatus stva_media_audio_reader_open (StvaMediaAudioReader **out,
                                         const char            *path,
                                         int                    rate_hz,
                                         int                    n_channels,
                                         StvaError             *error);

void       stva_media_audio_reader_free (StvaMediaAudioReader *reader);

/* Goes to t_s (seconds from the container's start; negative is 0) at tempo (0.5..2.0): the
 * next sample read is the one at t_s exactly (to a sample), and each second of output then
 * covers tempo seconds of the file.  A tempo change is a seek to where the reader is. */
StvaStatus stva_media_audio_reader_seek (StvaMediaAudioReader *reader,
                                         double                t_s,
                                         double                tempo,
                                         StvaError            *error);

/* Reads up to n_frames frames (n_frames * n_channels floats) into out; *n_read is what came,
 * less than asked only at the end, where *eof is set.  *pts_s (NULL allowed) is the file's
 * time of the first frame read (with a tempo, as precise as atempo's window, ~40 ms). */
StvaStatus stva_media_audio_reader_read (StvaMediaAudioReader *reader,
                                         float                *out,
                                         size_t                n_frames,
                                         size_t               *n_read,
                                         double               *pts_s,
                                         bool                 *eof,
                                         StvaError            *error);

/* The file's time of the next frame read. */
double     stva_media_audio_reader_position (const StvaMediaAudioReader *reader);
