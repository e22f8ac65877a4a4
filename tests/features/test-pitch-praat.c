/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Our pitch tracker against Praat (Debian's `praat`, batch mode) on espeak-ng utterances in the
 * demo corpus's six voices at several pitch settings: the correlation of per-utterance mean F0
 * must be high, and on frames both call voiced the median relative difference under 2 %.
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

static const char *voices[N_VOICES] = {
  "en-us+f2", "en-us+m3", "en+f4", "en-us+m7", "en+f3", "en-us+m1",
};
static const char *texts[] = {
  "I can't believe you actually did that, it's amazing!",
  "Okay. Well, maybe we should just talk about it later.",
  "Why would anyone leave the door open all night?",
};

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Runs Praat's To Pitch (10 ms, 60–600 Hz) on wav; fills its mean and its value at each of our
 * frame centres (NAN when Praat calls the frame unvoiced).  Returns false when praat fails. */
static gboolean
praat_pitch (const char *dir, const char *wav, size_t n_frames, double *mean, double *f0)
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
correlation (const double *a, const double *b, size_t n)
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

static void
test_praat (void)
{
  g_autofree char *praat = g_find_program_in_path ("praat");
  if (praat == NULL)
    {
      g_test_skip ("praat is not installed");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("stva-praat-XXXXXX", NULL);
  g_assert_nonnull (dir);
  double ours[N_VOICES * 3], theirs[N_VOICES * 3];
  g_autofree double *rel = g_new (double, N_VOICES * 3 * MAX_FRAMES);
  size_t n_utts = 0, n_rel = 0, n_both = 0, n_either = 0;

  for (int v = 0; v < N_VOICES; v++)
    for (int t = 0; t < 3; t++)
      {
        int pitch = 20 + 12 * ((v + 2 * t) % 6);   /* 20..80, spread over voices and texts */
        size_t n = 0;
        g_autofree float *x = sig_speech (voices[v], pitch, 40, texts[t], &n);
        g_assert_nonnull (x);
        size_t nf = stva_pitch_n_frames (n);
        g_assert_cmpuint (nf, <=, MAX_FRAMES);
        g_autofree StvaPitchFrame *fr = g_new0 (StvaPitchFrame, nf);
        g_assert_cmpint (stva_pitch_track (x, n, NULL, fr, NULL), ==, STVA_OK);

        g_autofree char *wav = g_strdup_printf ("%s/utt%zu.wav", dir, n_utts);
        g_assert_cmpint (sig_write_wav (wav, x, n), ==, 0);
        g_autofree double *pf = g_new (double, nf);
        double pmean = NAN;
        g_assert_true (praat_pitch (dir, wav, nf, &pmean, pf));

        double sum = 0;
        size_t m = 0;
        for (size_t i = 0; i < nf; i++)
          {
            bool a = fr[i].f0_hz > 0, b = isfinite (pf[i]);
            if (a)
              sum += fr[i].f0_hz, m++;
            n_either += a || b;
            if (a && b)
              {
                rel[n_rel++] = fabs (fr[i].f0_hz - pf[i]) / pf[i];
                n_both++;
              }
          }
        g_assert_cmpuint (m, >, 0);
        ours[n_utts] = sum / m;
        theirs[n_utts] = pmean;
        g_test_message ("%-9s pitch %2d: mean F0 ours %6.1f Hz, Praat %6.1f Hz", voices[v], pitch,
                        ours[n_utts], theirs[n_utts]);
        g_remove (wav);
        n_utts++;
      }
  g_autofree char *script = g_build_filename (dir, "pitch.praat", NULL);
  g_remove (script);
  g_rmdir (dir);

  double r = correlation (ours, theirs, n_utts);
  qsort (rel, n_rel, sizeof *rel, cmp_double);
  double med = rel[n_rel / 2], p90 = rel[n_rel * 9 / 10];
  printf ("# praat: r = %.4f over %zu utterances; frames voiced in both: %zu of %zu voiced in "
          "either (%.1f%%); median relative difference %.2f%%, 90th percentile %.2f%%\n", r,
          n_utts, n_both, n_either, 100.0 * n_both / n_either, 100 * med, 100 * p90);
  g_assert_cmpfloat (r, >, 0.9);
  g_assert_cmpfloat (med, <, 0.02);
  g_assert_cmpfloat ((double) n_both / n_either, >, 0.7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/pitch/praat", test_praat);
  return g_test_run ();
}
