/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the video reader (stva-media-reader.c) and the audio reader (stva-media-audio.c) share:
 * opening and probing a file, finding and opening a stream's decoder, checking an audio
 * stream's header, FFmpeg errors as StvaError and the rule for skipping corrupt packets.
 */
#pragma once

#include <stdbool.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "stva-error.h"

/* An FFmpeg error as STVA_ERR_MEDIA: "path: what: FFmpeg's text". */
StvaStatus _stva_media_error           (StvaError *error, const char *path, const char *what,
                                        int averr);
/* Opens and probes path into *out (owned by the caller, avformat_close_input). */
StvaStatus _stva_media_open_input      (const char *path, AVFormatContext **out,
                                        StvaError *error);
/* The best stream of a type, not counting cover art; -1 when there is none. */
int        _stva_media_find_stream     (AVFormatContext *fmt, enum AVMediaType type);
/* The decoder of st with `threads` threads (0: FFmpeg's choice) into *out (owned). */
StvaStatus _stva_media_open_decoder    (const char *path, AVStream *st, int threads,
                                        AVCodecContext **out, StvaError *error);
/* An audio stream we can resample: FFmpeg accepts headers claiming 0 channels or 0 Hz. */
StvaStatus _stva_media_check_audio     (const AVStream *st, const char *path, StvaError *error);
/* A decoder error on one packet (a few corrupt bytes) is skipped, as players do, and the
 * decoder conceals it; a run of them means the stream is garbage. */
bool       _stva_media_skip_bad_packet (int averr, int *n_bad);
