/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes an MP4 with one video stream (H.264 through libx264 when this FFmpeg has it, else
 * MPEG-4 Part 2) and one mono AAC audio stream, from Cairo frames and float samples.
 * Bit-exact flags are set so that the same frames and samples give the same file.
 * Not thread-safe per writer; separate writers may be used from separate threads (a clip and its
 * source belong to one thread).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

typedef struct StvaDemoWriter StvaDemoWriter;

/* Opens `path` for writing (the file appears at `path` only after a successful close: the
 * writer writes `path`.tmp and renames it).  width and height are even; fps an integer rate;
 * sample_rate one AAC supports (the corpus uses 16000). */
StvaStatus stva_demo_writer_open  (StvaDemoWriter **out,
                                   const char      *path,
                                   int              width,
                                   int              height,
                                   int              fps,
                                   int              sample_rate,
                                   StvaError       *error);

/* Opens a clip of source's video from its next frame on: the clip gets copies of the packets
 * source's encoder makes (that frame is encoded as an IDR frame), so each frame is encoded once
 * for both files.  Give the clip its own audio with stva_demo_writer_audio (); do not give it
 * video.  Close the clip before source takes frames that are not the clip's, and before closing
 * source.  One clip at a time per source. */
StvaStatus stva_demo_writer_open_clip (StvaDemoWriter **out,
                                       const char      *path,
                                       StvaDemoWriter  *source,
                                       StvaError       *error);

/* Appends one video frame.  `argb` is Cairo CAIRO_FORMAT_RGB24/ARGB32 memory (native-endian
 * 32-bit pixels, B G R A bytes on little-endian) with `stride` bytes per row, width x height. */
StvaStatus stva_demo_writer_video (StvaDemoWriter *writer,
                                   const uint8_t  *argb,
                                   int             stride,
                                   StvaError      *error);

/* Appends n mono samples in [-1, 1].  Audio and video may be appended in any order and
 * amounts; the writer interleaves by timestamp.  The caller keeps both streams the same
 * length (n_frames / fps ≈ n_samples / sample_rate) for a clip of the stated duration. */
StvaStatus stva_demo_writer_audio (StvaDemoWriter *writer,
                                   const float    *samples,
                                   size_t          n,
                                   StvaError      *error);

/* Flushes the encoders, writes the trailer and renames the file into place. */
StvaStatus stva_demo_writer_close (StvaDemoWriter *writer,
                                   StvaError      *error);

/* Frees the writer; if it was not closed, removes the partial file.  NULL is allowed. */
void       stva_demo_writer_free  (StvaDemoWriter *writer);
