/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Planted label noise for the demo corpus (`make-demo --label-noise P`): a share of the gold
 * labels written to the CSVs is flipped to a plausible other class, while the media keep
 * showing the true emotion and the manifest keeps both, so that a label audit can be scored
 * against what was planted.  The draws come from a stream of their own, so a corpus with noise
 * has the same media, transcripts and cues as the one without.
 */
#include <math.h>
#include <stdlib.h>

#include "stva-demo-plan.h"

#define NOISE_STREAM 0x6c6162656c6e6f69ull   /* "labelnoi": the noise's own RNG stream */
#define P_CONFUSABLE 0.5    /* a flip goes to the class a modality confuses, when there is one */

/* The class a modality's shared profile makes look like e (stva-demo-plan.h), -1 when none;
 * surprise has two (joy in audio, fear in the face): one of them at random. */
static int
confusable (StvaDemoEmotion  e,
            StvaRng         *rng)
{
  switch (e)
    {
    case STVA_DEMO_ANGER:
      return STVA_DEMO_DISGUST;
    case STVA_DEMO_DISGUST:
      return STVA_DEMO_ANGER;
    case STVA_DEMO_JOY:
      return STVA_DEMO_SURPRISE;
    case STVA_DEMO_FEAR:
      return STVA_DEMO_SURPRISE;
    case STVA_DEMO_SURPRISE:
      return stva_rng_uniform (rng) < 0.5 ? STVA_DEMO_JOY : STVA_DEMO_FEAR;
    default:
      return -1;
    }
}

static StvaDemoSentiment
sentiment_of_label (StvaDemoEmotion  label,
                    StvaRng         *rng)
{
  switch (label)
    {
    case STVA_DEMO_NEUTRAL:
      return STVA_DEMO_SENT_NEUTRAL;
    case STVA_DEMO_JOY:
      return STVA_DEMO_SENT_POSITIVE;
    case STVA_DEMO_SURPRISE:
      return stva_rng_uniform (rng) < 0.55 ? STVA_DEMO_SENT_POSITIVE : STVA_DEMO_SENT_NEGATIVE;
    default:
      return STVA_DEMO_SENT_NEGATIVE;
    }
}

int
stva_demo_plan_add_label_noise (StvaDemoPlan *plan,
                                double        share)
{
  if (!(share > 0.0))
    return 0;
  if (share > 0.5)
    share = 0.5;
  int n = 0;
  for (int i = 0; i < plan->n_dialogues; i++)
    n += plan->dialogues[i].n_utts;
  int k = (int) lround (share * n);
  if (k <= 0)
    return 0;
  /* (dialogue, utterance) of every utterance, in plan order, encoded as d · MAX + u */
  int *order = malloc ((size_t) n * sizeof *order);
  if (order == NULL)
    return 0;
  int j = 0;
  for (int i = 0; i < plan->n_dialogues; i++)
    for (int u = 0; u < plan->dialogues[i].n_utts; u++)
      order[j++] = i * STVA_DEMO_MAX_UTTS + u;
  StvaRng rng;
  stva_rng_derive (&rng, plan->seed, NOISE_STREAM);
  /* a partial Fisher–Yates shuffle: the first k are a uniform sample without replacement */
  for (int a = 0; a < k; a++)
    {
      int b = a + (int) stva_rng_below (&rng, (uint32_t) (n - a));
      int t = order[a];
      order[a] = order[b];
      order[b] = t;
    }
  for (int a = 0; a < k; a++)
    {
      StvaDemoUtterance *utt = &plan->dialogues[order[a] / STVA_DEMO_MAX_UTTS]
                                  .utts[order[a] % STVA_DEMO_MAX_UTTS];
      StvaDemoEmotion truth = utt->emotion;
      int to = stva_rng_uniform (&rng) < P_CONFUSABLE ? confusable (truth, &rng) : -1;
      if (to < 0)
        {
          double w[STVA_DEMO_N_EMOTIONS];
          for (int c = 0; c < STVA_DEMO_N_EMOTIONS; c++)
            w[c] = c == (int) truth ? 0.0 : STVA_DEMO_TARGET_SHARE[c];
          to = (int) stva_rng_pick (&rng, w, STVA_DEMO_N_EMOTIONS);
        }
      utt->label = (StvaDemoEmotion) to;
      utt->label_sentiment = sentiment_of_label (utt->label, &rng);
      utt->label_noise = true;
    }
  free (order);
  return k;
}
