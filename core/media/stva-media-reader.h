/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaMediaReader: decodes a media file with FFmpeg's libraries.  Video frames come out as
 * packed RGB24 at the stream's own rate; audio comes out resampled to 16 kHz mono float.
 * One reader per thread; separate readers may run in separate threads.
 *
 * This is the first cut that the foundation needs (probing, frames, audio); the media issue
 * grows it (frame rate conversion, seeking precision, clips cut from whole sessions).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

#define STVA_AUDIO_RATE_HZ 16000  /* the audio features assume 16 kHz mono */

typedef struct StvaMediaReader StvaMediaReader;

typedef struct
{
  double duration_s;        /* container duration, or the longest stream's */
  bool   has_video;
  bool   has_audio;
  int    width;             /* video, 0 when there is none */
  int    height;
  double fps;               /* average frame rate of the video stream */
  int64_t n_video_frames;   /* as the container states it, or 0 when unknown */
  double video_duration_s;
  double audio_duration_s;
  int    audio_rate_hz;     /* the stream's own rate, before resampling */
  int    audio_channels;
  char   video_codec[32];   /* FFmpeg codec name, "" when absent */
  char   audio_codec[32];
} StvaMediaInfo;

/* Opens and probes `path`.  Errors name the file and the problem (STVA_ERR_IO when it cannot
 * be opened, STVA_ERR_MEDIA when FFmpeg cannot make sense of it).  The first call caps FFmpeg's
 * single allocations at 768 MiB for the whole process (av_max_alloc), so that a damaged header
 * cannot make the demuxer ask for gigabytes. */
StvaStatus stva_media_reader_open (StvaMediaReader **out,
                                   const char       *path,
                                   StvaError        *error);

/* As stva_media_reader_open, with n_threads video decoding threads (0: FFmpeg's choice, one
 * per core, which is what stva_media_reader_open does). */
StvaStatus stva_media_reader_open_threads (StvaMediaReader **out,
                                           const char       *path,
                                           int               n_threads,
                                           StvaError        *error);

void                 stva_media_reader_free (StvaMediaReader *reader);
const StvaMediaInfo *stva_media_reader_info (const StvaMediaReader *reader);

/* Decodes the next video frame into rgb (width * height * 3 bytes, rows packed) and its
 * presentation time in seconds.  Sets *eof and returns STVA_OK at the end of the stream.
 * rgb NULL: the frame is decoded but not converted (a caller sampling frames by time skips
 * the conversion of those it drops; stva_media_reader_convert gets it later). */
StvaStatus stva_media_reader_next_frame (StvaMediaReader *reader,
                                         uint8_t         *rgb,
                                         double          *pts_s,
                                         bool            *eof,
                                         StvaError       *error);

/* Converts the frame the last successful next_frame returned (not at the end) into rgb. */
StvaStatus stva_media_reader_convert (StvaMediaReader *reader,
                                      uint8_t         *rgb,
                                      StvaError       *error);

/* Seeks so that the next frame returned is the first with pts >= t_s (frame-accurate:
 * seeks to the key frame before and decodes forward). */
StvaStatus stva_media_reader_seek (StvaMediaReader *reader,
                                   double           t_s,
                                   StvaError       *error);

/* Seeks so that the next frame returned is the one on screen at t_s: the last with
 * pts <= t_s (the first frame when t_s comes before it, the last when after the end), then
 * the frames after it in order.  What a player shows after a seek or a step back. */
StvaStatus stva_media_reader_seek_at (StvaMediaReader *reader,
                                      double           t_s,
                                      StvaError       *error);

/* Decodes the audio between start_s and end_s (end_s < 0: to the end) as 16 kHz mono float.
 * *samples is malloc'ed (owned by the caller), *n_samples its length. */
StvaStatus stva_media_read_audio (const char  *path,
                                  double       start_s,
                                  double       end_s,
                                  float      **samples,
                                  size_t      *n_samples,
                                  StvaError   *error);
