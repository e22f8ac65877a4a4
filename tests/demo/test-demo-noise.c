/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the demo's planted label noise (make-demo --label-noise, no media): exactly the
 * share asked is flipped, every flip names another class and nothing else of the plan changes
 * (emotions, cues, transcripts: the media are the same corpus's), the flips are deterministic
 * for a seed, spread over the splits, and go to plausible classes.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "stva-demo-plan.h"

#define N_DIALOGUES 300   /* the default corpus's plan */

static int
count_utterances (const StvaDemoPlan *plan)
{
  int n = 0;
  for (int i = 0; i < plan->n_dialogues; i++)
    n += plan->dialogues[i].n_utts;
  return n;
}

static void
test_share (void)
{
  StvaDemoPlan clean, noisy;
  StvaError err = { 0 };
  g_assert_cmpint (stva_demo_plan_make (&clean, 1, N_DIALOGUES, &err), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_make (&noisy, 1, N_DIALOGUES, &err), ==, STVA_OK);
  int n = count_utterances (&clean);
  int k = stva_demo_plan_add_label_noise (&noisy, 0.05);
  g_assert_cmpint (k, ==, (int) lround (0.05 * n));

  int flipped = 0, confusable = 0, per_split[STVA_DEMO_N_SPLITS] = { 0 };
  int split_n[STVA_DEMO_N_SPLITS] = { 0 };
  for (int i = 0; i < clean.n_dialogues; i++)
    for (int u = 0; u < clean.dialogues[i].n_utts; u++)
      {
        const StvaDemoUtterance *a = &clean.dialogues[i].utts[u];
        const StvaDemoUtterance *b = &noisy.dialogues[i].utts[u];
        /* the clean plan's label is its emotion */
        g_assert_cmpint (a->label, ==, a->emotion);
        g_assert_cmpint (a->label_sentiment, ==, a->sentiment);
        g_assert_false (a->label_noise);
        /* what the media show is untouched */
        g_assert_cmpint (b->emotion, ==, a->emotion);
        g_assert_cmpint (b->sentiment, ==, a->sentiment);
        g_assert_cmpint (b->text_cue, ==, a->text_cue);
        g_assert_cmpint (b->audio_cue, ==, a->audio_cue);
        g_assert_cmpint (b->visual_cue, ==, a->visual_cue);
        g_assert_cmpstr (b->text, ==, a->text);
        g_assert_true (b->seed == a->seed);
        split_n[clean.dialogues[i].split]++;
        if (!b->label_noise)
          {
            g_assert_cmpint (b->label, ==, b->emotion);
            continue;
          }
        flipped++;
        per_split[clean.dialogues[i].split]++;
        g_assert_cmpint (b->label, !=, b->emotion);
        g_assert_cmpint (b->label, >=, 0);
        g_assert_cmpint (b->label, <, STVA_DEMO_N_EMOTIONS);
        if (b->label == STVA_DEMO_NEUTRAL)
          g_assert_cmpint (b->label_sentiment, ==, STVA_DEMO_SENT_NEUTRAL);
        int e = b->emotion, l = b->label;
        if ((e == STVA_DEMO_ANGER && l == STVA_DEMO_DISGUST)
            || (e == STVA_DEMO_DISGUST && l == STVA_DEMO_ANGER)
            || (e == STVA_DEMO_JOY && l == STVA_DEMO_SURPRISE)
            || (e == STVA_DEMO_FEAR && l == STVA_DEMO_SURPRISE)
            || (e == STVA_DEMO_SURPRISE && (l == STVA_DEMO_JOY || l == STVA_DEMO_FEAR)))
          confusable++;
      }
  g_assert_cmpint (flipped, ==, k);
  /* uniform over utterances: each split's share of the flips within 3 points of 5 % */
  for (int s = 0; s < STVA_DEMO_N_SPLITS; s++)
    {
      double share = (double) per_split[s] / split_n[s];
      g_test_message ("%s: %d of %d flipped (%.1f %%)", STVA_DEMO_SPLIT_NAMES[s], per_split[s],
                      split_n[s], 100.0 * share);
      g_assert_cmpfloat (fabs (share - 0.05), <, 0.03);
    }
  /* about half of the flips of emotions with a confusable partner (~40 % of utterances are
   * joy, surprise, anger, disgust or fear) go to it: at least 10 % of all flips */
  g_test_message ("%d of %d flips to a modality-confusable class", confusable, flipped);
  g_assert_cmpint (confusable * 10, >=, flipped);
  stva_demo_plan_clear (&clean);
  stva_demo_plan_clear (&noisy);
}

static void
test_deterministic (void)
{
  StvaDemoPlan a, b, c;
  StvaError err = { 0 };
  g_assert_cmpint (stva_demo_plan_make (&a, 7, 60, &err), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_make (&b, 7, 60, &err), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_make (&c, 8, 60, &err), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_add_label_noise (&a, 0.1), ==,
                   stva_demo_plan_add_label_noise (&b, 0.1));
  stva_demo_plan_add_label_noise (&c, 0.1);
  int same_place = 0, n_c = 0;
  for (int i = 0; i < a.n_dialogues; i++)
    for (int u = 0; u < a.dialogues[i].n_utts; u++)
      {
        g_assert_cmpint (a.dialogues[i].utts[u].label, ==, b.dialogues[i].utts[u].label);
        g_assert_cmpint (a.dialogues[i].utts[u].label_noise, ==,
                         b.dialogues[i].utts[u].label_noise);
        if (i < c.n_dialogues && u < c.dialogues[i].n_utts)
          {
            n_c += c.dialogues[i].utts[u].label_noise;
            same_place += a.dialogues[i].utts[u].label_noise
                          && c.dialogues[i].utts[u].label_noise;
          }
      }
  /* another seed flips other utterances (two 10 % samples share ~1 % by chance) */
  g_assert_cmpint (same_place * 2, <, n_c);
  /* no noise asked: nothing flipped */
  StvaDemoPlan d;
  g_assert_cmpint (stva_demo_plan_make (&d, 7, 60, &err), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_add_label_noise (&d, 0.0), ==, 0);
  stva_demo_plan_clear (&a);
  stva_demo_plan_clear (&b);
  stva_demo_plan_clear (&c);
  stva_demo_plan_clear (&d);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/noise/share", test_share);
  g_test_add_func ("/demo/noise/deterministic", test_deterministic);
  return g_test_run ();
}
