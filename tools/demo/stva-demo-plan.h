/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan of a demo corpus: characters, dialogues, utterances, their emotions and the cues each
 * modality is told to show.  Planning is pure computation from the seed; synthesis (voices,
 * faces, files) happens afterwards in stva-demo-corpus.c.
 *
 * How the emotion evidence is split between modalities.  Each modality renders an emotion
 * through a *profile*; two emotions that share a profile look alike in that modality alone:
 *   text    anger = disgust   (one shared vocabulary of irritation)
 *   audio   joy = surprise    (both high, wide-ranging, fast and loud)
 *   visual  surprise = fear   (raised brows, wide eyes, dropped jaw)
 * and each modality shows its profile only in part of the utterances (otherwise it stays
 * neutral), with per-utterance intensity, so every modality alone makes mistakes that the other
 * two can correct.  Text also has misleading lines (sarcasm) and negated cues.  A few percent of
 * utterances lose a modality: silent audio, a face turned away, an empty transcript.
 * Emotions persist within a speaker and spread to the next speaker, so context helps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-rng.h"
#include "stva-demo-face.h"

typedef enum
{
  STVA_DEMO_NEUTRAL = 0,
  STVA_DEMO_JOY,
  STVA_DEMO_SURPRISE,
  STVA_DEMO_ANGER,
  STVA_DEMO_SADNESS,
  STVA_DEMO_DISGUST,
  STVA_DEMO_FEAR,
  STVA_DEMO_N_EMOTIONS
} StvaDemoEmotion;

typedef enum
{
  STVA_DEMO_SENT_NEUTRAL = 0,
  STVA_DEMO_SENT_POSITIVE,
  STVA_DEMO_SENT_NEGATIVE,
} StvaDemoSentiment;

typedef enum
{
  STVA_DEMO_TRAIN = 0,
  STVA_DEMO_DEV,
  STVA_DEMO_TEST,
  STVA_DEMO_N_SPLITS
} StvaDemoSplit;

extern const char *const STVA_DEMO_EMOTIONS[STVA_DEMO_N_EMOTIONS];    /* MELD's names */
extern const char *const STVA_DEMO_SENTIMENTS[3];
extern const char *const STVA_DEMO_SPLIT_NAMES[STVA_DEMO_N_SPLITS];   /* train, dev, test */
extern const char *const STVA_DEMO_CLIP_DIRS[STVA_DEMO_N_SPLITS];     /* MELD's clip folders */
extern const double STVA_DEMO_TARGET_SHARE[STVA_DEMO_N_EMOTIONS];      /* MELD-like imbalance */

#define STVA_DEMO_N_CHARACTERS 6
#define STVA_DEMO_MAX_UTTS 24      /* utterances per dialogue */
#define STVA_DEMO_TEXT_MAX 256

typedef struct
{
  const char  *name;
  const char  *voice;          /* espeak-ng voice with variant, e.g. "en-us+m3" */
  int          pitch;          /* espeak-ng base pitch 0..100 */
  int          rate_wpm;       /* base speaking rate */
  StvaDemoFace face;
  double       smile_bias;     /* idiosyncratic resting mouth curve */
  double       emotion_bias[STVA_DEMO_N_EMOTIONS];   /* multiplies the prior: temperament */
} StvaDemoCharacter;

/* Prosody an utterance is spoken with (absolute espeak-ng values and post-processing). */
typedef struct
{
  int    pitch;          /* 0..100 */
  int    range;          /* 0..100 */
  int    rate_wpm;
  double gain;           /* linear loudness multiplier */
  int    pause_ms;       /* silence inserted at each phrase break */
  double tremor;         /* 0..1 depth of a ~6.5 Hz amplitude tremor */
  double drive;          /* 0 clean .. 1 pressed/harsh (soft saturation) */
} StvaDemoProsody;

/* Facial behaviour over an utterance; per-frame values are derived from it and the speech. */
typedef struct
{
  StvaDemoExpr base;     /* expression held through the utterance (mouth_open is a bias) */
  double       talk;     /* how far the jaw opens with the speech envelope */
  double       motion_amp;   /* head movement amplitude (fraction of frame) */
  double       motion_hz;
  double       shake;    /* 0 nod (pitch) .. 1 shake (yaw) */
} StvaDemoFacePlan;

typedef struct
{
  int               utterance_id;
  int               speaker;           /* character index */
  StvaDemoEmotion   emotion;
  StvaDemoSentiment sentiment;
  char              text[STVA_DEMO_TEXT_MAX];    /* transcript as written in the CSV */
  char              spoken[STVA_DEMO_TEXT_MAX];  /* what the voice says (text, or the lost
                                                  * words when the transcript is empty) */
  /* the cues planted: which emotion each modality shows (-1: none, neutral behaviour) */
  int               text_cue;
  int               audio_cue;
  int               visual_cue;
  double            text_intensity, audio_intensity, visual_intensity;
  bool              text_negated;      /* a negated cue of another emotion ("not scared") */
  bool              text_misleading;   /* the text shows another emotion (sarcasm) */
  int               text_shown;        /* emotion whose vocabulary the text uses, -1 none */
  bool              text_missing;      /* transcript empty */
  bool              audio_missing;     /* microphone dead: room tone only */
  bool              visual_missing;    /* face turned away */
  StvaDemoProsody   prosody;
  StvaDemoFacePlan  face;
  uint64_t          seed;              /* for per-frame details (blinks, jitter) */
  /* the label written to the CSVs: the emotion, unless label noise flipped it */
  StvaDemoEmotion   label;
  StvaDemoSentiment label_sentiment;   /* derived from label as MELD does */
  bool              label_noise;       /* label != emotion: a planted label error */
  /* filled by synthesis */
  int64_t           start_ms;          /* position in the dialogue video */
  int64_t           end_ms;
  double            speech_s;          /* voiced length of the speech */
} StvaDemoUtterance;

typedef struct
{
  StvaDemoSplit      split;
  int                dialogue_id;      /* per split, from 0, as MELD numbers them */
  int                season;
  int                episode;
  int                n_utts;
  StvaDemoUtterance  utts[STVA_DEMO_MAX_UTTS];
} StvaDemoDialogue;

typedef struct
{
  uint64_t          seed;
  int               n_dialogues;
  StvaDemoDialogue *dialogues;         /* owned; grouped by split, then by dialogue_id */
  StvaDemoCharacter characters[STVA_DEMO_N_CHARACTERS];
} StvaDemoPlan;

StvaStatus stva_demo_plan_make  (StvaDemoPlan *plan,
                                 uint64_t      seed,
                                 int           n_dialogues,
                                 StvaError    *error);
void       stva_demo_plan_clear (StvaDemoPlan *plan);

/* Label noise (stva-demo-noise.c): flips exactly round (share × utterances) labels, chosen
 * uniformly over all splits from a stream of its own (the seed's; the media do not change), to
 * a plausible other class: half the time the class a modality's shared profile makes
 * confusable with the true one (anger <-> disgust, joy <-> surprise, surprise <-> fear), else
 * one drawn by the corpus's class shares among the other classes.  The emotion (what the
 * media show) stays; label, label_sentiment and label_noise change.  share in [0, 0.5].
 * Returns the number flipped. */
int        stva_demo_plan_add_label_noise (StvaDemoPlan *plan, double share);

/* Text generation (stva-demo-text.c): writes an utterance's transcript for the emotion whose
 * vocabulary it shows (`shown`, -1 for neutral filler), negated or not. */
void stva_demo_text_make (char              *out,
                          size_t             n_out,
                          int                shown,
                          StvaDemoSentiment  sentiment,
                          bool               negated,
                          StvaRng           *rng);
