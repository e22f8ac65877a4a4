/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plans a demo corpus from a seed: the six characters, the dialogues and their turn-taking, each
 * utterance's emotion (with persistence within a speaker and contagion between speakers), and
 * the cues each modality is told to show (see stva-demo-plan.h for the confusion design).
 * Pure computation: no files, no synthesis.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-demo-plan.h"

const char *const STVA_DEMO_EMOTIONS[STVA_DEMO_N_EMOTIONS] = {
  "neutral", "joy", "surprise", "anger", "sadness", "disgust", "fear",
};

const char *const STVA_DEMO_SENTIMENTS[3] = { "neutral", "positive", "negative" };

const char *const STVA_DEMO_SPLIT_NAMES[STVA_DEMO_N_SPLITS] = { "train", "dev", "test" };

const char *const STVA_DEMO_CLIP_DIRS[STVA_DEMO_N_SPLITS] = {
  "train_splits", "dev_splits_complete", "output_repeated_splits_test",
};

/* MELD's training distribution, rounded: 4710 / 1743 / 1205 / 1109 / 683 / 271 / 268. */
const double STVA_DEMO_TARGET_SHARE[STVA_DEMO_N_EMOTIONS] = {
  0.47, 0.17, 0.12, 0.11, 0.07, 0.03, 0.03,
};

/* ---- how often each modality shows the utterance's emotion -------------------------------- */

#define P_TEXT_SHOWS      0.72   /* the transcript uses the emotion's vocabulary */
#define P_AUDIO_SHOWS     0.66   /* the prosody follows the emotion's profile */
#define P_VISUAL_SHOWS    0.70   /* the face follows the emotion's profile */
#define P_CUE_WRONG       0.04   /* audio / face show a random other emotion */
#define P_TEXT_MISLEADING 0.06   /* sarcasm: an emotional line in another emotion's words */
#define P_TEXT_NEGATED    0.09   /* neutral lines with a negated emotion word */
#define P_TEXT_MISSING    0.03
#define P_AUDIO_MISSING   0.03
#define P_VISUAL_MISSING  0.03
#define P_KEEP_OWN        0.50   /* a speaker keeps the emotion of their last line */
#define P_TAKE_PREVIOUS   0.22   /* ... or takes on the previous speaker's emotion */

/* ---- modality profiles -------------------------------------------------------------------- */

typedef struct
{
  double dpitch, range, rate_mul, gain, pause_ms, tremor, drive;
} AudioProfile;

/* Joy and surprise share one profile: audio alone cannot tell them apart. */
static const AudioProfile audio_profiles[STVA_DEMO_N_EMOTIONS] = {
  [STVA_DEMO_NEUTRAL] = { 0, 45, 1.00, 1.00, 150, 0.00, 0.0 },
  [STVA_DEMO_JOY] = { 16, 88, 1.12, 1.35, 90, 0.00, 0.1 },
  [STVA_DEMO_SURPRISE] = { 16, 88, 1.12, 1.35, 90, 0.00, 0.1 },
  [STVA_DEMO_ANGER] = { 4, 62, 1.22, 1.90, 60, 0.00, 0.8 },
  [STVA_DEMO_SADNESS] = { -14, 12, 0.72, 0.50, 500, 0.00, 0.0 },
  [STVA_DEMO_DISGUST] = { -8, 30, 0.80, 0.95, 350, 0.00, 0.2 },
  [STVA_DEMO_FEAR] = { 20, 22, 1.30, 0.70, 220, 0.45, 0.0 },
};

typedef struct
{
  double curve, open, width, lip_raise, brow_raise, brow_tilt, eye_open, yaw, pitch;
  double talk, motion_amp, motion_hz, shake;
} FaceProfile;

/* Surprise and fear share one profile: the face alone cannot tell them apart. */
static const FaceProfile face_profiles[STVA_DEMO_N_EMOTIONS] = {
  [STVA_DEMO_NEUTRAL] = { 0, 0, 0, 0, 0, 0, 1.0, 0, 0, 0.55, 0.012, 0.8, 0.3 },
  [STVA_DEMO_JOY] = { 0.9, 0.1, 0.5, 0, 0.15, 0, 0.8, 0, 0, 0.70, 0.030, 1.6, 0.0 },
  [STVA_DEMO_SURPRISE] = { -0.05, 0.45, 0, 0, 0.95, 0.15, 1.4, 0, -0.06, 0.60, 0.020, 3.0, 0.2 },
  [STVA_DEMO_ANGER] = { -0.35, 0, -0.5, 0, -0.8, -1.0, 0.75, 0, 0.03, 0.80, 0.045, 2.5, 1.0 },
  [STVA_DEMO_SADNESS] = { -0.8, 0, -0.1, 0, 0.1, 0.9, 0.6, 0, 0.14, 0.35, 0.015, 0.5, 0.5 },
  [STVA_DEMO_DISGUST] = { -0.4, 0, -0.2, 0.9, -0.4, -0.3, 0.7, 0.14, 0, 0.50, 0.020, 1.0, 0.6 },
  [STVA_DEMO_FEAR] = { -0.05, 0.45, 0, 0, 0.95, 0.15, 1.4, 0, -0.06, 0.60, 0.020, 3.0, 0.2 },
};

/* ---- characters --------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *voice;
  int         pitch;
  int         rate_wpm;
  double      smile_bias;
  double      temperament[STVA_DEMO_N_EMOTIONS];
} CharacterSpec;

static const CharacterSpec character_specs[STVA_DEMO_N_CHARACTERS] = {
  { "Maya", "en-us+f2", 62, 172, 0.15, { 1.0, 1.4, 1.1, 0.7, 0.9, 0.8, 1.0 } },
  { "Theo", "en-us+m3", 38, 160, -0.05, { 1.0, 0.8, 0.9, 1.5, 0.9, 1.3, 0.8 } },
  { "Priya", "en+f4", 68, 178, 0.05, { 1.0, 1.1, 1.4, 0.9, 1.0, 0.9, 1.2 } },
  { "Jonas", "en-us+m7", 30, 150, 0.0, { 1.1, 0.9, 0.9, 1.0, 1.4, 1.0, 0.9 } },
  { "Lena", "en+f3", 56, 166, 0.1, { 1.0, 1.2, 1.0, 0.9, 1.1, 1.0, 1.3 } },
  { "Omar", "en-us+m1", 45, 182, 0.05, { 1.0, 1.0, 1.1, 1.1, 0.8, 1.1, 0.9 } },
};

/* ---- helpers ------------------------------------------------------------------------------ */

static double
clampd (double x,
        double lo,
        double hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

static double
lerp (double a,
      double b,
      double t)
{
  return a + (b - a) * t;
}

static int
dialogue_length (StvaRng *rng)
{
  /* Log-normal around 8.5 utterances, as in MELD (mean 9.6, up to 33; capped here). */
  double n = exp (log (8.5) + 0.5 * stva_rng_normal (rng));
  int len = (int) lround (n);
  return len < 1 ? 1 : len > STVA_DEMO_MAX_UTTS ? STVA_DEMO_MAX_UTTS : len;
}

/* A fresh emotion: the target prior, the speaker's temperament, and a correction that pulls
 * the running counts back to the target so that small corpora still match MELD's shares. */
static StvaDemoEmotion
fresh_emotion (StvaRng                 *rng,
               const StvaDemoCharacter *character,
               const int               *counts,
               int                      total)
{
  double w[STVA_DEMO_N_EMOTIONS];
  for (int c = 0; c < STVA_DEMO_N_EMOTIONS; c++)
    {
      double want = STVA_DEMO_TARGET_SHARE[c] * (total + 20.0);
      double have = counts[c] + 20.0 * STVA_DEMO_TARGET_SHARE[c];
      double correction = clampd (pow (want / have, 3.0), 0.1, 10.0);
      w[c] = STVA_DEMO_TARGET_SHARE[c] * character->emotion_bias[c] * correction;
    }
  return (StvaDemoEmotion) stva_rng_pick (rng, w, STVA_DEMO_N_EMOTIONS);
}

static int
other_emotion (StvaRng *rng,
               int      not_this)
{
  int e;
  do
    e = 1 + (int) stva_rng_below (rng, STVA_DEMO_N_EMOTIONS - 1);
  while (e == not_this);
  return e;
}

/* Which emotion a modality shows: the true one with probability p_show, sometimes a wrong one,
 * otherwise none (-1, neutral behaviour).  Neutral utterances show none, or a wrong one. */
static int
draw_cue (StvaRng         *rng,
          StvaDemoEmotion  emotion,
          double           p_show,
          double           p_wrong)
{
  double r = stva_rng_uniform (rng);
  if (emotion != STVA_DEMO_NEUTRAL && r < p_show)
    return emotion;
  if (r > 1.0 - p_wrong)
    return other_emotion (rng, emotion);
  return -1;
}

static void
plan_prosody (StvaDemoUtterance       *utt,
              const StvaDemoCharacter *character,
              StvaRng                 *rng)
{
  const AudioProfile *n = &audio_profiles[STVA_DEMO_NEUTRAL];
  const AudioProfile *p = &audio_profiles[utt->audio_cue < 0 ? STVA_DEMO_NEUTRAL : utt->audio_cue];
  double t = utt->audio_cue < 0 ? 0.0 : utt->audio_intensity;
  StvaDemoProsody *pr = &utt->prosody;
  pr->pitch = (int) lround (clampd (character->pitch + lerp (n->dpitch, p->dpitch, t)
                                      + 3.0 * stva_rng_normal (rng), 5, 99));
  pr->range = (int) lround (clampd (lerp (n->range, p->range, t) + 6.0 * stva_rng_normal (rng),
                                    0, 100));
  pr->rate_wpm = (int) lround (character->rate_wpm * lerp (n->rate_mul, p->rate_mul, t)
                               * (1.0 + 0.05 * stva_rng_normal (rng)));
  pr->gain = lerp (n->gain, p->gain, t) * (1.0 + 0.08 * stva_rng_normal (rng));
  pr->pause_ms = (int) lround (clampd (lerp (n->pause_ms, p->pause_ms, t)
                                         + 40.0 * stva_rng_normal (rng), 20, 900));
  pr->tremor = lerp (n->tremor, p->tremor, t);
  pr->drive = lerp (n->drive, p->drive, t);
}

static void
plan_face (StvaDemoUtterance       *utt,
           const StvaDemoCharacter *character,
           StvaRng                 *rng)
{
  const FaceProfile *n = &face_profiles[STVA_DEMO_NEUTRAL];
  const FaceProfile *p = &face_profiles[utt->visual_cue < 0 ? STVA_DEMO_NEUTRAL
                                                            : utt->visual_cue];
  double t = utt->visual_cue < 0 ? 0.0 : utt->visual_intensity;
  StvaDemoFacePlan *f = &utt->face;
  StvaDemoExpr *e = &f->base;
  memset (f, 0, sizeof *f);
#define JITTER(sd) ((sd) * stva_rng_normal (rng))
  e->mouth_curve = clampd (lerp (n->curve, p->curve, t) + character->smile_bias + JITTER (0.06),
                           -1, 1);
  e->mouth_open = clampd (lerp (n->open, p->open, t) + JITTER (0.03), 0, 1);
  e->mouth_width = clampd (lerp (n->width, p->width, t) + JITTER (0.06), -1, 1);
  e->lip_raise = clampd (lerp (n->lip_raise, p->lip_raise, t) + JITTER (0.03), 0, 1);
  e->brow_raise = clampd (lerp (n->brow_raise, p->brow_raise, t) + JITTER (0.06), -1, 1);
  e->brow_tilt = clampd (lerp (n->brow_tilt, p->brow_tilt, t) + JITTER (0.06), -1, 1);
  e->eye_open = clampd (lerp (n->eye_open, p->eye_open, t) + JITTER (0.05), 0.2, 1.5);
  e->head_yaw = lerp (n->yaw, p->yaw, t) + JITTER (0.03);
  e->head_pitch = lerp (n->pitch, p->pitch, t) + JITTER (0.02);
  e->head_roll = JITTER (0.03);
  e->turned_away = utt->visual_missing;
  f->talk = clampd (lerp (n->talk, p->talk, t) + JITTER (0.05), 0.15, 1.0);
  f->motion_amp = fabs (lerp (n->motion_amp, p->motion_amp, t) + JITTER (0.003));
  f->motion_hz = clampd (lerp (n->motion_hz, p->motion_hz, t) + JITTER (0.1), 0.3, 4.0);
  f->shake = clampd (lerp (n->shake, p->shake, t), 0, 1);
#undef JITTER
}

static void
plan_text (StvaDemoUtterance *utt,
           StvaRng           *rng)
{
  int shown = -1;
  bool negated = false;
  utt->text_cue = -1;
  if (utt->emotion != STVA_DEMO_NEUTRAL)
    {
      double r = stva_rng_uniform (rng);
      if (r < P_TEXT_MISLEADING)
        {
          shown = other_emotion (rng, utt->emotion);
          utt->text_misleading = true;
        }
      else if (r < P_TEXT_MISLEADING + P_TEXT_SHOWS)
        shown = utt->text_cue = utt->emotion;
    }
  else if (stva_rng_uniform (rng) < P_TEXT_NEGATED)
    {
      shown = other_emotion (rng, STVA_DEMO_NEUTRAL);
      negated = true;
    }
  utt->text_shown = shown;
  utt->text_negated = negated;
  stva_demo_text_make (utt->spoken, sizeof utt->spoken, shown, utt->sentiment, negated, rng);
  if (utt->text_missing)
    {
      utt->text[0] = '\0';
      return;
    }
  /* Subtitle-style transcripts: some use the typographic apostrophe U+2019, as MELD's do. */
  bool curly = stva_rng_uniform (rng) < 0.15;
  size_t o = 0;
  for (const char *c = utt->spoken; *c != '\0' && o + 4 < sizeof utt->text; c++)
    if (*c == '\'' && curly)
      {
        memcpy (utt->text + o, "\xe2\x80\x99", 3);
        o += 3;
      }
    else
      utt->text[o++] = *c;
  utt->text[o] = '\0';
}

static StvaDemoSentiment
sentiment_of (StvaDemoEmotion  emotion,
              StvaRng         *rng)
{
  switch (emotion)
    {
    case STVA_DEMO_NEUTRAL:
      return STVA_DEMO_SENT_NEUTRAL;
    case STVA_DEMO_JOY:
      return STVA_DEMO_SENT_POSITIVE;
    case STVA_DEMO_SURPRISE:   /* MELD marks surprise positive or negative by its cause */
      return stva_rng_uniform (rng) < 0.55 ? STVA_DEMO_SENT_POSITIVE : STVA_DEMO_SENT_NEGATIVE;
    default:
      return STVA_DEMO_SENT_NEGATIVE;
    }
}

/* ---- public API --------------------------------------------------------------------------- */

StvaStatus
stva_demo_plan_make (StvaDemoPlan *plan,
                     uint64_t      seed,
                     int           n_dialogues,
                     StvaError    *error)
{
  memset (plan, 0, sizeof *plan);
  if (n_dialogues < 3 || n_dialogues > 100000)
    return stva_error_set (error, STVA_ERR_INVALID,
                           "a demo corpus needs 3 to 100000 dialogues, not %d", n_dialogues);
  plan->seed = seed;
  plan->n_dialogues = n_dialogues;
  plan->dialogues = calloc ((size_t) n_dialogues, sizeof *plan->dialogues);
  if (plan->dialogues == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "out of memory planning %d dialogues",
                           n_dialogues);

  for (int i = 0; i < STVA_DEMO_N_CHARACTERS; i++)
    {
      const CharacterSpec *spec = &character_specs[i];
      StvaDemoCharacter *c = &plan->characters[i];
      c->name = spec->name;
      c->voice = spec->voice;
      c->pitch = spec->pitch;
      c->rate_wpm = spec->rate_wpm;
      c->smile_bias = spec->smile_bias;
      memcpy (c->emotion_bias, spec->temperament, sizeof c->emotion_bias);
      /* faces that go with the names and voices: Maya long red hair, Theo short hair, Priya
       * long black hair, Jonas curls, Lena grey with glasses, Omar bald with a beard */
      static const int face_of[] = { 1, 0, 5, 3, 4, 2 };
      stva_demo_face_preset (face_of[i % 6], &c->face);
    }

  /* Splits by dialogue, as MELD's 1038 / 114 / 280: about 72 / 8 / 20 %. */
  StvaRng rng;
  stva_rng_derive (&rng, seed, 0);
  int *order = malloc ((size_t) n_dialogues * sizeof *order);
  if (order == NULL)
    {
      stva_demo_plan_clear (plan);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory planning splits");
    }
  for (int i = 0; i < n_dialogues; i++)
    order[i] = i;
  stva_rng_shuffle (&rng, order, (size_t) n_dialogues);
  int n_dev = (int) lround (0.08 * n_dialogues);
  int n_test = (int) lround (0.20 * n_dialogues);
  n_dev = n_dev < 1 ? 1 : n_dev;
  n_test = n_test < 1 ? 1 : n_test;
  int n_train = n_dialogues - n_dev - n_test;
  StvaDemoSplit *split_of = malloc ((size_t) n_dialogues * sizeof *split_of);
  if (split_of == NULL)
    {
      free (order);
      stva_demo_plan_clear (plan);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory planning splits");
    }
  for (int i = 0; i < n_dialogues; i++)
    split_of[order[i]] = i < n_train ? STVA_DEMO_TRAIN
                       : i < n_train + n_dev ? STVA_DEMO_DEV : STVA_DEMO_TEST;
  free (order);

  /* Dialogues are stored grouped by split; within a split in generation order. */
  int next_id[STVA_DEMO_N_SPLITS] = { 0 };
  int base[STVA_DEMO_N_SPLITS] = { 0, n_train, n_train + n_dev };
  int counts[STVA_DEMO_N_EMOTIONS] = { 0 };
  int total = 0;
  for (int g = 0; g < n_dialogues; g++)
    {
      StvaDemoSplit split = split_of[g];
      StvaDemoDialogue *d = &plan->dialogues[base[split] + next_id[split]];
      d->split = split;
      d->dialogue_id = next_id[split]++;
      StvaRng drng;
      stva_rng_derive (&drng, seed, 1000 + (uint64_t) g);

      /* Cast: two or three of the six characters. */
      int cast[STVA_DEMO_N_CHARACTERS] = { 0, 1, 2, 3, 4, 5 };
      stva_rng_shuffle (&drng, cast, STVA_DEMO_N_CHARACTERS);
      int n_cast = stva_rng_uniform (&drng) < 0.6 ? 2 : 3;
      d->n_utts = dialogue_length (&drng);

      int last_emotion[STVA_DEMO_N_CHARACTERS];
      for (int i = 0; i < STVA_DEMO_N_CHARACTERS; i++)
        last_emotion[i] = -1;
      int prev_speaker = -1;
      int prev_emotion = -1;
      for (int u = 0; u < d->n_utts; u++)
        {
          StvaDemoUtterance *utt = &d->utts[u];
          utt->utterance_id = u;
          int speaker;
          if (prev_speaker < 0)
            speaker = cast[stva_rng_below (&drng, (uint32_t) n_cast)];
          else if (stva_rng_uniform (&drng) < 0.15)
            speaker = prev_speaker;
          else
            do
              speaker = cast[stva_rng_below (&drng, (uint32_t) n_cast)];
            while (speaker == prev_speaker);
          utt->speaker = speaker;
          const StvaDemoCharacter *character = &plan->characters[speaker];

          double r = stva_rng_uniform (&drng);
          if (last_emotion[speaker] >= 0 && r < P_KEEP_OWN)
            utt->emotion = (StvaDemoEmotion) last_emotion[speaker];
          else if (prev_emotion >= 0 && r < P_KEEP_OWN + P_TAKE_PREVIOUS)
            utt->emotion = (StvaDemoEmotion) prev_emotion;
          else
            utt->emotion = fresh_emotion (&drng, character, counts, total);
          counts[utt->emotion]++;
          total++;
          last_emotion[speaker] = prev_emotion = utt->emotion;
          prev_speaker = speaker;
          utt->sentiment = sentiment_of (utt->emotion, &drng);
          utt->label = utt->emotion;
          utt->label_sentiment = utt->sentiment;

          /* Missing modalities: never more than one per utterance. */
          double m = stva_rng_uniform (&drng);
          utt->text_missing = m < P_TEXT_MISSING;
          utt->audio_missing = m >= P_TEXT_MISSING && m < P_TEXT_MISSING + P_AUDIO_MISSING;
          utt->visual_missing = m >= P_TEXT_MISSING + P_AUDIO_MISSING
                                && m < P_TEXT_MISSING + P_AUDIO_MISSING + P_VISUAL_MISSING;

          plan_text (utt, &drng);
          utt->audio_cue = draw_cue (&drng, utt->emotion, P_AUDIO_SHOWS, P_CUE_WRONG);
          utt->visual_cue = draw_cue (&drng, utt->emotion, P_VISUAL_SHOWS, P_CUE_WRONG);
          utt->text_intensity = utt->text_cue >= 0 ? 1.0 : 0.0;
          utt->audio_intensity = 0.55 + 0.45 * stva_rng_uniform (&drng);
          utt->visual_intensity = 0.55 + 0.45 * stva_rng_uniform (&drng);
          plan_prosody (utt, character, &drng);
          plan_face (utt, character, &drng);
          utt->seed = stva_rng_next (&drng);
        }
    }
  free (split_of);

  /* Fake seasons and episodes: five dialogues to an episode, 24 episodes to a season. */
  for (int i = 0; i < n_dialogues; i++)
    {
      plan->dialogues[i].season = 1 + (i / 5) / 24;
      plan->dialogues[i].episode = 1 + (i / 5) % 24;
    }
  return STVA_OK;
}

void
stva_demo_plan_clear (StvaDemoPlan *plan)
{
  if (plan == NULL)
    return;
  free (plan->dialogues);
  plan->dialogues = NULL;
  plan->n_dialogues = 0;
}
