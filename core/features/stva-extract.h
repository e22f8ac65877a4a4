/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feature extraction over many utterances: worker threads, a cache per utterance, modality and
 * extractor version, shards for cluster schedulers, progress and cancel.  What is extracted:
 *   T  text-v1 (stva-text.h) from the transcript, with an encoder fitted by the caller
 *   A  audio-v1 (stva-audio.h) from the media's audio between start and end
 *   V  visual-v2 (stva-visual.h) from the media's video between start and end
 * A broken or missing media file does not stop the run: the modality that cannot be read
 * (both, for a file that does not open; the audio only, for a video without sound) is marked
 * missing for that utterance (mask 0, zero row), and the report counts the file and keeps the
 * first messages.
 *
 * The cache: one file per (item, modality) under cache_dir/<extractor version>/, named by a
 * 64-bit hash of the media path, its size and modification time, the time range and the
 * extractor version, so a changed file or a new extractor version is recomputed and nothing
 * else is.  Files are written to a temporary name and renamed, and carry a CRC-32: a damaged
 * or truncated cache file is recomputed, never trusted.  Text is not cached (it is cheap).
 *
 * Shards: with shard_count n > 1 only items whose dialogue index % n == shard_index are
 * computed (the rest get mask 0).  Shards run on different machines sharing cache_dir; a last
 * run without shards then finds everything in the cache and assembles the whole dataset.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-dataset.h"
#include "stva-text.h"

typedef struct
{
  const char *media_path;   /* clip or whole-session video; NULL: none (A and V missing) */
  double      start_s;      /* range in the media */
  double      end_s;        /* < 0: to the end of the file */
  const char *text;         /* transcript; NULL or "" is a missing text modality */
  int         dialogue;     /* dialogue index, for sharding */
} StvaExtractItem;

/* Called from the calling thread as items finish; return false to cancel. */
typedef bool (*StvaExtractProgress) (size_t done, size_t total, void *user_data);

typedef struct
{
  int                    jobs;              /* worker threads; <= 0: one per core */
  const char            *cache_dir;         /* NULL: no cache */
  bool                   modality[STVA_N_MOD];
  int                    shard_index;       /* 0 .. shard_count - 1 */
  int                    shard_count;       /* 1: everything */
  const StvaTextEncoder *text_encoder;      /* fitted; required when modality[T] */
  const char            *face_model_path;   /* NULL: the dlib model from libdlib-data */
  double                 visual_fps;        /* frames sampled per second; <= 0: 5 */
  StvaExtractProgress    progress;
  void                  *user_data;
} StvaExtractOptions;

#define STVA_EXTRACT_MAX_MESSAGES 8

typedef struct
{
  size_t n_items;                        /* items of this shard */
  size_t n_computed[STVA_N_MOD];         /* computed now */
  size_t n_cached[STVA_N_MOD];           /* taken from the cache */
  size_t n_missing[STVA_N_MOD];          /* no input (no text, no media, no face is NOT this) */
  size_t n_failed;                       /* items with a modality that could not be read */
  int    n_messages;
  char   messages[STVA_EXTRACT_MAX_MESSAGES][STVA_ERROR_MESSAGE_MAX];   /* the first failures */
} StvaExtractReport;

void   stva_extract_options_init (StvaExtractOptions *opts);

/* Width of modality m's vector (text: the encoder's; NULL encoder gives 0). */
size_t stva_extract_dim (int m, const StvaTextEncoder *enc);

/* Extracts the modalities opts asks for, for every item of the shard, into out[m] (n, F_m)
 * and mask[m] (n), both allocated by the caller (NULL for a modality not asked for).  Rows of
 * items outside the shard or missing are zero with mask 0.  Returns STVA_ERR_CANCELLED when the
 * progress callback asked to stop (finished cache files stay); report may be NULL. */
StvaStatus stva_extract_run (const StvaExtractItem    *items,
                             size_t                    n,
                             const StvaExtractOptions *opts,
                             float                    *out[STVA_N_MOD],
                             uint8_t                  *mask[STVA_N_MOD],
                             StvaExtractReport        *report,
                             StvaError                *error);
