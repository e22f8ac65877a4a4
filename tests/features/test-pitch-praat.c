/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Our pitch tracker against Praat (Debian's `praat`, batch mode) on espeak-ng utterances in the
 * demo corpus's six voices at several pitch settings: the correlation of per-utterance mean F0
 * must be high, and on frames both call voiced the median relative difference under 2 %.
 * The same on 48 utterances of the demo corpus's plan, spoken with their planned prosody.
 * Suite 'slow': it runs Praat once per utterance.  Skipped when praat is not installed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-pitch.h"
#include "audio-signals.h"

#define N_VOICES 6
#define MAX_FRAMES 2000
#define N_DEMO_UTTS 48

static const char *voices[N_VOICES] = {
  "en-us+f2", "en-us+m3", "en+f4", "en-us+m7", "en+f3", "en-us+m1",
};
static const char *texts[] = {
  "I can't believe you actually did that, it's amazing!",
  "Okay. Well, maybe we should just talk about it later.",
  "Why would anyone leave the door open all night?",
};

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Runs Praat's To Pitch (10 ms, 60–600 Hz) on wav; fills its mean and its value at each of our
 * frame centres (NAN when Praat calls the frame unvoiced).  Returns false when praat fails. */
static gboolean
praat_pitch (const char *dir,
             const char *wav,
             size_t      n_frames,
             double     *mean,
             double     *f0)
{
  g_autofree char *script = g_build_filename (dir, "pitch.praat", NULL);
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_append_printf (s, "Read from file: \"%s\"\nTo Pitch: 0.01, 60, 600\n", wav);
  g_string_append (s, "mean = Get mean: 0, 0, \"Hertz\"\nappendInfoLine: \"MEAN \", mean\n");
  g_string_append_printf (s, "for i from 0 to %zu\n", n_frames - 1);
  g_string_append (s, "  t = (i * 160 + 80) / 16000\n"
                      "  v = Get value at time: t, \"Hertz\", \"linear\"\n"
                      "  appendInfoLine: \"F \", i, \" \", v\nendfor\n");
  g_assert_true (g_file_set_contents (script, s->str, -1, NULL));

  const char *argv[] = { "praat", "--run", script, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) || status != 0)
    return FALSE;
  *mean = NAN;
  for (size_t i = 0; i < n_frames; i++)
    f0[i] = NAN;
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      unsigned i;
      char value[64];
      if (g_str_has_prefix (*l, "MEAN "))
        *mean = g_ascii_strtod (*l + 5, NULL);
      else if (sscanf (*l, "F %u %63s", &i, value) == 2 && i < n_frames
               && strcmp (value, "--undefined--") != 0)
        f0[i] = g_ascii_strtod (value, NULL);
    }
  return isfinite (*mean);
}

static double
correlation (const double *a,
             const double *b,
             size_t        n)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; i++)
    ma += a[i] / n, mb += b[i] / n;
  for (size_t i = 0; i < n; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  return sab / sqrt (saa * sbb);
}

typedef struct
{
  const char *dir;        /* temporary folder for the WAV and the script */
  double     *ours;       /* (cap) per-utterance mean F0 */
  double     *theirs;
  double     *rel;        /* (cap · MAX_FRAMES) relative differences on frames both voice */
  size_t      cap, n_utts, n_rel, n_both, n_either;
} Comparison;

/* Tracks x with both trackers and records the utterance in c. */
static void
compare_utterance (Comparison  *c,
                   const float *x,
                   size_t       n,
                   const char  *label)
{
  size_t nf = stva_pitch_n_frames (n);
  g_assert_cmpuint (nf, <=, MAX_FRAMES);
  g_assert_cmpuint (c->n_utts, <, c->cap);
  g_autofree StvaPitchFrame *fr = g_new0 (StvaPitchFrame, nf);
  g_assert_cmpint (stva_pitch_track (x, n, NULL, fr, NULL), ==, STVA_OK);

  g_autofree char *wav = g_strdup_printf ("%s/utt.wav", c->dir);
  g_assert_cmpint (sig_write_wav (wav, x, n), ==, 0);
  g_autofree double *pf = g_new (double, nf);
  double pmean = NAN;
  g_assert_true (praat_pitch (c->dir, wav, nf, &pmean, pf));
  g_remove (wav);

  double sum = 0;
  size_t m = 0;
  for (size_t i = 0; i < nf; i++)
    {
      bool a = fr[i].f0_hz > 0, b = isfinite (pf[i]);
      if (a)
        sum += fr[i].f0_hz, m++;
      c->n_either += a || b;
      if (a && b)
        {
          c->rel[c->n_rel++] = fabs (fr[i].f0_hz - pf[i]) / pf[i];
          c->n_both++;
        }
    }
  g_assert_cmpuint (m, >, 0);
  c->ours[c->n_utts] = sum / m;
  c->theirs[c->n_utts] = pmean;
  g_test_message ("%-28s mean F0 ours %6.1f Hz, Praat %6.1f Hz", label, c->ours[c->n_utts],
                  pmean);
  c->n_utts++;
}

static void
comparison_init (Comparison *c,
                 size_t      cap)
{
  *c = (Comparison) { .cap = cap };
  c->dir = g_dir_make_tmp ("stva-praat-XXXXXX", NULL);
  g_assert_nonnull (c->dir);
  c->ours = g_new (double, cap);
  c->theirs = g_new (double, cap);
  c->rel = g_new (double, cap * MAX_FRAMES);
}

/* Prints and checks the summary, then frees c. */
static void
comparison_finish (Comparison *c,
                   const char *what)
{
  g_autofree char *script = g_build_filename (c->dir, "pitch.praat", NULL);
  g_remove (script);
  g_rmdir (c->dir);
  double r = correlation (c->ours, c->theirs, c->n_utts);
  qsort (c->rel, c->n_rel, sizeof *c->rel, cmp_double);
  double med = c->rel[c->n_rel / 2], p90 = c->rel[c->n_rel * 9 / 10];
  printf ("# praat, %s: r = %.4f over %zu utterances; frames voiced in both: %zu of %zu voiced "
          "in either (%.1f%%); median relative difference %.2f%%, 90th percentile %.2f%%\n", what,
          r, c->n_utts, c->n_both, c->n_either, 100.0 * c->n_both / c->n_either, 100 * med,
          100 * p90);
  g_assert_cmpfloat (r, >, 0.9);
  g_assert_cmpfloat (med, <, 0.02);
  g_assert_cmpfloat ((double) c->n_both / c->n_either, >, 0.7);
  g_free ((char *) c->dir);
  g_free (c->ours);
  g_free (c->theirs);
  g_free (c->rel);
}

static gboolean
have_praat (void)
{
  g_autofree char *praat = g_find_program_in_path ("praat");
  if (praat == NULL)
    g_test_skip ("praat is not installed");
  return praat != NULL;
}

/* The demo corpus's six voices, three sentences each, espeak pitch 20..80. */
static void
test_praat_voices (void)
{
  if (!have_praat ())
    return;
  Comparison c;
  comparison_init (&c, N_VOICES * 3);
  for (int v = 0; v < N_VOICES; v++)
    for (int t = 0; t < 3; t++)
      {
        int pitch = 20 + 12 * ((v + 2 * t) % 6);   /* spread over voices and texts */
        size_t n = 0;
        g_autofree float *x = sig_speech (voices[v], pitch, 40, texts[t], &n);
        g_assert_nonnull (x);
        g_autofree char *label = g_strdup_printf ("%s pitch %d", voices[v], pitch);
        compare_utterance (&c, x, n, label);
      }
  comparison_finish (&c, "voices");
}

/* Utterances of the demo corpus as planned (seed 1): each character's voice with the planned
 * emotional prosody (pitch, range, rate, pauses, loudness, tremor, strain). */
static void
test_praat_demo (void)
{
  if (!have_praat ())
    return;
  StvaDemoPlan plan = { 0 };
  StvaError error = { 0 };
  g_assert_cmpint (stva_demo_plan_make (&plan, 1, 8, &error), ==, STVA_OK);
  Comparison c;
  comparison_init (&c, N_DEMO_UTTS);
  for (int d = 0; d < plan.n_dialogues && c.n_utts < N_DEMO_UTTS; d++)
    for (int u = 0; u < plan.dialogues[d].n_utts && c.n_utts < N_DEMO_UTTS; u++)
      {
        const StvaDemoUtterance *utt = &plan.dialogues[d].utts[u];
        if (utt->spoken[0] == '\0')
          continue;
        size_t n = 0;
        g_autofree float *x = sig_speech_prosody (plan.characters[utt->speaker].voice,
                                                  &utt->prosody, utt->spoken, &n);
        g_assert_nonnull (x);
        if (n < SIG_RATE_HZ / 4)
          continue;
        g_autofree char *label = g_strdup_printf ("dia%d_utt%d (%s, %s)", d, u,
                                                  plan.characters[utt->speaker].name,
                                                  STVA_DEMO_EMOTIONS[utt->emotion]);
        compare_utterance (&c, x, n, label);
      }
  g_assert_cmpuint (c.n_utts, >=, 30);
  comparison_finish (&c, "demo corpus plan");
  stva_demo_plan_clear (&plan);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/pitch/praat-voices", test_praat_voices);
  g_test_add_func ("/features/pitch/praat-demo", test_praat_demo);
  return g_test_run ();
}
