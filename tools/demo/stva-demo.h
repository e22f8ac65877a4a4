/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo corpus generator behind `synctva make-demo`: a synthetic, MELD-shaped corpus of real
 * dialogue videos (drawn faces, espeak-ng voices, scripted text) in which every modality carries
 * emotion evidence, none carries all of it, and dialogue context helps.  Deterministic for a
 * seed and independent of the number of worker threads.
 *
 * Output layout in DIR:
 *   train_sent_emo.csv, dev_sent_emo.csv, test_sent_emo.csv   MELD columns, CRLF, UTF-8
 *   train_splits/, dev_splits_complete/, output_repeated_splits_test/   dia{D}_utt{U}.mp4 clips
 *   dialogues/{train,dev,test}/dia{D}.mp4   one whole video per dialogue (StartTime/EndTime
 *                                            of the CSVs are positions in this video)
 *   .manifest.tsv   the cues planted in every utterance (see stva-demo-plan.h); written last,
 *                   so its presence means the corpus is complete.  Its emotion column is the
 *                   true emotion; label (and label_sentiment) is what the CSVs say, and
 *                   label_noise is 1 where label noise flipped it
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "stva-error.h"

typedef enum
{
  STVA_DEMO_SIZE_SMALL = 0,    /* ~40 dialogues: CI and tests */
  STVA_DEMO_SIZE_DEFAULT = 1,  /* ~300 dialogues, ~3000 utterances */
} StvaDemoSize;

/* Called from the calling thread between dialogues; return false to cancel. */
typedef bool (*StvaDemoProgressFunc) (int done, int total, void *user_data);

typedef struct
{
  StvaDemoSize         size;
  uint64_t             seed;
  int                  n_dialogues;   /* overrides size when > 0 */
  int                  jobs;          /* worker threads; <= 0: one per core */
  double               label_noise;   /* share of gold labels flipped, 0 .. 0.5 (the manifest
                                       * keeps the true one: stva-demo-plan.h) */
  StvaDemoProgressFunc progress;      /* nullable */
  void                *progress_data;
} StvaDemoOptions;

typedef struct
{
  int    n_dialogues[3];      /* train, dev, test */
  int    n_utterances[3];
  int    emotion_counts[7];   /* over all splits, in STVA_DEMO_EMOTIONS order (true ones) */
  int    n_label_noise;       /* labels flipped by label_noise */
  double media_seconds;       /* total length of the utterance clips */
  double elapsed_s;
} StvaDemoSummary;

/* Fills opts with the defaults (small size, seed 1, all cores). */
void       stva_demo_options_init (StvaDemoOptions *opts);

/* Generates the corpus into dir (created if missing).  Refuses a non-empty dir that is not an
 * earlier demo corpus; an earlier demo corpus is replaced. */
StvaStatus stva_demo_generate (const char            *dir,
                               const StvaDemoOptions *opts,
                               StvaDemoSummary       *summary,
                               StvaError             *error);
