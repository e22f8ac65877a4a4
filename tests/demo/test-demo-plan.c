/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the demo corpus plan at default size (no media): the label distribution, the
 * splits, the dialogue dynamics, and the confusion design — a nearest-centroid classifier on each
 * modality's planted cues must confuse exactly the pair that modality was built to confuse,
 * and the three modalities together must beat each one alone.
 */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "stva-demo-plan.h"

#define K STVA_DEMO_N_EMOTIONS

static StvaDemoPlan plan;

/* ---- features per modality, from the planted cues ---------------------------------------- */

#define TEXT_DIM 512
#define AUDIO_DIM 7
#define VISUAL_DIM 11
#define MAX_DIM (TEXT_DIM + AUDIO_DIM + VISUAL_DIM)

typedef enum { MOD_TEXT, MOD_AUDIO, MOD_VISUAL, MOD_ALL } Modality;

static guint
word_hash (const char *w,
           size_t      n)
{
  guint h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (guchar) g_ascii_tolower (w[i])) * 16777619u;
  return h;
}

/* Bag of words and word pairs (so "not scared" differs from "scared"), hashed. */
static void
text_features (const StvaDemoUtterance *u,
               double                  *x)
{
  memset (x, 0, TEXT_DIM * sizeof *x);
  const char *s = u->text;
  const char *prev = NULL;
  size_t prev_n = 0;
  while (*s)
    {
      while (*s && !g_ascii_isalpha (*s))
        s++;
      const char *w = s;
      while (*s && (g_ascii_isalpha (*s) || *s == '\''))
        s++;
      size_t n = (size_t) (s - w);
      if (n == 0)
        continue;
      x[word_hash (w, n) % TEXT_DIM] += 1.0;
      if (prev != NULL)
        x[(word_hash (prev, prev_n) * 31u + word_hash (w, n)) % TEXT_DIM] += 1.0;
      prev = w;
      prev_n = n;
    }
}

static int
features (const StvaDemoUtterance *u,
          Modality                 m,
          double                  *x)
{
  int d = 0;
  const StvaDemoCharacter *c = &plan.characters[u->speaker];
  if (m == MOD_TEXT || m == MOD_ALL)
    {
      text_features (u, x + d);
      d += TEXT_DIM;
    }
  if (m == MOD_AUDIO || m == MOD_ALL)
    {
      const StvaDemoProsody *p = &u->prosody;
      double a[AUDIO_DIM] = { p->pitch - c->pitch, p->range, (double) p->rate_wpm / c->rate_wpm,
                              p->gain, p->pause_ms, p->tremor, p->drive };
      if (u->audio_missing)
        memset (a, 0, sizeof a);
      memcpy (x + d, a, sizeof a);
      d += AUDIO_DIM;
    }
  if (m == MOD_VISUAL || m == MOD_ALL)
    {
      const StvaDemoExpr *e = &u->face.base;
      double v[VISUAL_DIM] = { e->mouth_curve - c->smile_bias, e->mouth_open, e->mouth_width,
                               e->lip_raise, e->brow_raise, e->brow_tilt, e->eye_open,
                               e->head_yaw, e->head_pitch, u->face.motion_amp * 20,
                               u->face.shake };
      if (u->visual_missing)
        memset (v, 0, sizeof v);
      memcpy (x + d, v, sizeof v);
      d += VISUAL_DIM;
    }
  return d;
}

/* Nearest centroid with per-dimension standardisation, trained on train, tested on test. */
static double
evaluate (Modality m,
          int      confusion[K][K])
{
  static double x[MAX_DIM];
  double mean[MAX_DIM] = { 0 }, sq[MAX_DIM] = { 0 };
  double centroid[K][MAX_DIM];
  int count[K] = { 0 };
  int n = 0, dim = 0;
  memset (centroid, 0, sizeof centroid);
  for (int i = 0; i < plan.n_dialogues; i++)
    {
      const StvaDemoDialogue *d = &plan.dialogues[i];
      if (d->split != STVA_DEMO_TRAIN)
        continue;
      for (int j = 0; j < d->n_utts; j++)
        {
          dim = features (&d->utts[j], m, x);
          for (int k = 0; k < dim; k++)
            {
              mean[k] += x[k];
              sq[k] += x[k] * x[k];
              centroid[d->utts[j].emotion][k] += x[k];
            }
          count[d->utts[j].emotion]++;
          n++;
        }
    }
  double sd[MAX_DIM];
  for (int k = 0; k < dim; k++)
    {
      mean[k] /= n;
      double var = sq[k] / n - mean[k] * mean[k];
      sd[k] = var > 1e-12 ? sqrt (var) : 1.0;
    }
  for (int c = 0; c < K; c++)
    for (int k = 0; k < dim; k++)
      centroid[c][k] = (centroid[c][k] / (count[c] ? count[c] : 1) - mean[k]) / sd[k];

  memset (confusion, 0, sizeof (int[K][K]));
  int right = 0, total = 0;
  for (int i = 0; i < plan.n_dialogues; i++)
    {
      const StvaDemoDialogue *d = &plan.dialogues[i];
      if (d->split == STVA_DEMO_TRAIN)
        continue;
      for (int j = 0; j < d->n_utts; j++)
        {
          features (&d->utts[j], m, x);
          int best = 0;
          double best_d = INFINITY;
          for (int c = 0; c < K; c++)
            {
              double dist = 0.0;
              for (int k = 0; k < dim; k++)
                {
                  double z = (x[k] - mean[k]) / sd[k] - centroid[c][k];
                  dist += z * z;
                }
              if (dist < best_d)
                {
                  best_d = dist;
                  best = c;
                }
            }
          confusion[d->utts[j].emotion][best]++;
          right += best == (int) d->utts[j].emotion;
          total++;
        }
    }
  return (double) right / total;
}

/* How often true class a is taken for b, as a share of a's utterances. */
static double
mix_rate (int confusion[K][K],
          int a,
          int b)
{
  int row = 0;
  for (int c = 0; c < K; c++)
    row += confusion[a][c];
  return row ? (double) confusion[a][b] / row : 0.0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_distribution (void)
{
  int counts[K] = { 0 }, total = 0;
  for (int i = 0; i < plan.n_dialogues; i++)
    for (int j = 0; j < plan.dialogues[i].n_utts; j++)
      {
        counts[plan.dialogues[i].utts[j].emotion]++;
        total++;
      }
  g_test_message ("%d utterances in %d dialogues", total, plan.n_dialogues);
  g_assert_cmpint (total, >, 2600);
  g_assert_cmpint (total, <, 3400);
  for (int c = 0; c < K; c++)
    {
      double share = (double) counts[c] / total;
      g_test_message ("%-8s %5.1f %% (target %4.1f %%)", STVA_DEMO_EMOTIONS[c], 100 * share,
                      100 * STVA_DEMO_TARGET_SHARE[c]);
      if (fabs (share - STVA_DEMO_TARGET_SHARE[c]) > 0.02)
        g_error ("%s share %.3f is more than 0.02 from MELD's %.3f", STVA_DEMO_EMOTIONS[c],
                 share, STVA_DEMO_TARGET_SHARE[c]);
    }
}

static void
test_splits (void)
{
  int n[STVA_DEMO_N_SPLITS] = { 0 };
  int next_id[STVA_DEMO_N_SPLITS] = { 0 };
  for (int i = 0; i < plan.n_dialogues; i++)
    {
      const StvaDemoDialogue *d = &plan.dialogues[i];
      n[d->split]++;
      g_assert_cmpint (d->dialogue_id, ==, next_id[d->split]++);   /* MELD numbers from 0 */
      g_assert_cmpint (d->n_utts, >=, 1);
      g_assert_cmpint (d->n_utts, <=, STVA_DEMO_MAX_UTTS);
      int speakers = 0;
      bool seen[STVA_DEMO_N_CHARACTERS] = { false };
      for (int j = 0; j < d->n_utts; j++)
        if (!seen[d->utts[j].speaker])
          {
            seen[d->utts[j].speaker] = true;
            speakers++;
          }
      g_assert_cmpint (speakers, <=, 3);
    }
  g_assert_cmpfloat (fabs (n[0] / 300.0 - 0.72), <, 0.02);
  g_assert_cmpfloat (fabs (n[1] / 300.0 - 0.08), <, 0.02);
  g_assert_cmpfloat (fabs (n[2] / 300.0 - 0.20), <, 0.02);
}

/* Emotions persist within a speaker and spread to the next speaker. */
static void
test_dynamics (void)
{
  int same_own = 0, n_own = 0, same_prev = 0, n_prev = 0, same_far = 0, n_far = 0;
  for (int i = 0; i < plan.n_dialogues; i++)
    {
      const StvaDemoDialogue *d = &plan.dialogues[i];
      for (int j = 1; j < d->n_utts; j++)
        {
          const StvaDemoUtterance *u = &d->utts[j];
          for (int k = j - 1; k >= 0; k--)
            if (d->utts[k].speaker == u->speaker)
              {
                same_own += d->utts[k].emotion == u->emotion;
                n_own++;
                break;
              }
          if (d->utts[j - 1].speaker != u->speaker)
            {
              same_prev += d->utts[j - 1].emotion == u->emotion;
              n_prev++;
            }
          /* baseline: an utterance of another dialogue */
          const StvaDemoDialogue *o = &plan.dialogues[(i + 7) % plan.n_dialogues];
          same_far += o->utts[j % o->n_utts].emotion == u->emotion;
          n_far++;
        }
    }
  double own = (double) same_own / n_own, prev = (double) same_prev / n_prev;
  double far = (double) same_far / n_far;
  g_test_message ("same emotion as: own last line %.2f, previous speaker %.2f, unrelated %.2f",
                  own, prev, far);
  g_assert_cmpfloat (own, >, far + 0.25);
  g_assert_cmpfloat (prev, >, far + 0.10);
}

static void
test_missing (void)
{
  int miss[3] = { 0 }, total = 0;
  for (int i = 0; i < plan.n_dialogues; i++)
    for (int j = 0; j < plan.dialogues[i].n_utts; j++)
      {
        const StvaDemoUtterance *u = &plan.dialogues[i].utts[j];
        miss[0] += u->text_missing;
        miss[1] += u->audio_missing;
        miss[2] += u->visual_missing;
        g_assert_cmpint (u->text_missing + u->audio_missing + u->visual_missing, <=, 1);
        g_assert_true (u->text_missing == (u->text[0] == '\0'));
        g_assert_cmpuint (strlen (u->spoken), >, 0);
        total++;
      }
  for (int m = 0; m < 3; m++)
    {
      double share = (double) miss[m] / total;
      g_assert_cmpfloat (share, >, 0.01);
      g_assert_cmpfloat (share, <, 0.06);
    }
}

static void
test_confusions (void)
{
  int conf[4][K][K];
  const char *names[4] = { "text", "audio", "visual", "all" };
  double acc[4];
  for (int m = 0; m < 4; m++)
    {
      acc[m] = evaluate ((Modality) m, conf[m]);
      g_test_message ("%-6s alone: accuracy %.3f", names[m], acc[m]);
    }
  /* Fusion is needed: all three together beat each one clearly. */
  for (int m = 0; m < 3; m++)
    if (acc[MOD_ALL] < acc[m] + 0.05)
      g_error ("fused cues (%.3f) do not beat %s alone (%.3f) by 0.05", acc[MOD_ALL], names[m],
               acc[m]);
  /* Each modality confuses its designed pair far more than the fused cues do. */
  struct { Modality m; int a, b; } pairs[] = {
    { MOD_TEXT, STVA_DEMO_ANGER, STVA_DEMO_DISGUST },
    { MOD_AUDIO, STVA_DEMO_JOY, STVA_DEMO_SURPRISE },
    { MOD_AUDIO, STVA_DEMO_SURPRISE, STVA_DEMO_JOY },
    { MOD_VISUAL, STVA_DEMO_SURPRISE, STVA_DEMO_FEAR },
    { MOD_VISUAL, STVA_DEMO_FEAR, STVA_DEMO_SURPRISE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      double alone = mix_rate (conf[pairs[i].m], pairs[i].a, pairs[i].b)
                     + mix_rate (conf[pairs[i].m], pairs[i].b, pairs[i].a);
      double fused = mix_rate (conf[MOD_ALL], pairs[i].a, pairs[i].b)
                     + mix_rate (conf[MOD_ALL], pairs[i].b, pairs[i].a);
      g_test_message ("%s confuses %s/%s at %.2f; fused %.2f", names[pairs[i].m],
                      STVA_DEMO_EMOTIONS[pairs[i].a], STVA_DEMO_EMOTIONS[pairs[i].b], alone,
                      fused);
      if (alone < 0.25 || alone < 2.0 * fused)
        g_error ("%s should confuse %s and %s (%.2f) much more than the fused cues (%.2f)",
                 names[pairs[i].m], STVA_DEMO_EMOTIONS[pairs[i].a],
                 STVA_DEMO_EMOTIONS[pairs[i].b], alone, fused);
    }
}

static void
test_seed (void)
{
  StvaDemoPlan a, b, c;
  g_assert_cmpint (stva_demo_plan_make (&a, 11, 30, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_make (&b, 11, 30, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_demo_plan_make (&c, 12, 30, NULL), ==, STVA_OK);
  g_assert_cmpmem (a.dialogues, 30 * sizeof *a.dialogues, b.dialogues, 30 * sizeof *b.dialogues);
  g_assert_true (memcmp (a.dialogues, c.dialogues, 30 * sizeof *a.dialogues) != 0);
  stva_demo_plan_clear (&a);
  stva_demo_plan_clear (&b);
  stva_demo_plan_clear (&c);

  StvaError error = { 0 };
  g_assert_cmpint (stva_demo_plan_make (&a, 1, 2, &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "dialogues"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  StvaError error = { 0 };
  if (stva_demo_plan_make (&plan, 1, 300, &error) != STVA_OK)
    g_error ("plan: %s", error.message);
  g_test_add_func ("/demo/plan/distribution", test_distribution);
  g_test_add_func ("/demo/plan/splits", test_splits);
  g_test_add_func ("/demo/plan/dynamics", test_dynamics);
  g_test_add_func ("/demo/plan/missing", test_missing);
  g_test_add_func ("/demo/plan/confusions", test_confusions);
  g_test_add_func ("/demo/plan/seed", test_seed);
  int rc = g_test_run ();
  stva_demo_plan_clear (&plan);
  return rc;
}
