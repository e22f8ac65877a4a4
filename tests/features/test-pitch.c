/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The YIN pitch tracker against signals of known F0: pure tones and harmonic complexes (one
 * without its fundamental, the classic octave trap), silence and noise (unvoiced), edge cases,
 * and espeak-ng speech at three pitch settings (the tracked F0 follows the setting).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "stva-pitch.h"
#include "audio-signals.h"

typedef struct
{
  double median_err;    /* median |f0 - want| / want over voiced frames */
  double median_hz;
  double voiced;        /* fraction of frames voiced */
} PitchStats;

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v,
        size_t  m)
{
  if (m == 0)
    return 0;
  qsort (v, m, sizeof *v, cmp_double);
  return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

static PitchStats
track (const float *x,
       size_t       n,
       double       want_hz)
{
  size_t nf = stva_pitch_n_frames (n);
  g_autofree StvaPitchFrame *fr = g_new0 (StvaPitchFrame, nf);
  StvaError error = { 0 };
  g_assert_cmpint (stva_pitch_track (x, n, NULL, fr, &error), ==, STVA_OK);
  g_autofree double *err = g_new (double, nf);
  g_autofree double *hz = g_new (double, nf);
  size_t m = 0;
  for (size_t i = 0; i < nf; i++)
    {
      g_assert_true (isfinite (fr[i].f0_hz) && isfinite (fr[i].aperiodicity));
      g_assert_true (isfinite (fr[i].rms_db) && isfinite (fr[i].periodicity));
      if (fr[i].f0_hz > 0)
        {
          hz[m] = fr[i].f0_hz;
          err[m] = want_hz > 0 ? fabs (fr[i].f0_hz - want_hz) / want_hz : 0;
          m++;
        }
    }
  PitchStats s = { .voiced = (double) m / nf };
  s.median_hz = median (hz, m);
  s.median_err = median (err, m);
  return s;
}

static void
test_tones (void)
{
  const double f[] = { 70, 100, 150, 220, 330, 440, 550 };
  const size_t n = SIG_RATE_HZ;
  for (size_t k = 0; k < G_N_ELEMENTS (f); k++)
    {
      g_autofree float *x = sig_tone (f[k], 0.5, n);
      PitchStats s = track (x, n, f[k]);
      g_test_message ("tone %.0f Hz: median %.2f Hz, error %.3f%%, voiced %.2f", f[k],
                      s.median_hz, 100 * s.median_err, s.voiced);
      g_assert_cmpfloat (s.median_err, <, 0.02);
      g_assert_cmpfloat (s.voiced, >, 0.9);
    }
}

static void
test_harmonic (void)
{
  const double f[] = { 85, 120, 180, 260, 400 };
  const size_t n = SIG_RATE_HZ;
  for (size_t k = 0; k < G_N_ELEMENTS (f); k++)
    for (int first = 1; first <= 2; first++)   /* 2: the fundamental itself is missing */
      {
        g_autofree float *x = sig_harmonic (f[k], first, 12, 0.5, 0, 0, 1, n);
        PitchStats s = track (x, n, f[k]);
        g_test_message ("complex %.0f Hz from harmonic %d: median %.2f Hz, error %.3f%%",
                        f[k], first, s.median_hz, 100 * s.median_err);
        g_assert_cmpfloat (s.median_err, <, 0.02);
        g_assert_cmpfloat (s.voiced, >, 0.9);
      }
}

static void
test_unvoiced (void)
{
  const size_t n = SIG_RATE_HZ;
  g_autofree float *silence = g_new0 (float, n);
  PitchStats s = track (silence, n, 0);
  g_assert_cmpfloat (s.voiced, ==, 0);

  for (uint64_t seed = 1; seed <= 3; seed++)
    {
      g_autofree float *noise = sig_noise (0.3, seed, n);
      s = track (noise, n, 0);
      g_test_message ("white noise seed %u: voiced %.3f", (unsigned) seed, s.voiced);
      g_assert_cmpfloat (s.voiced, <, 0.05);
    }
  /* a tone buried in strong noise is mostly unvoiced, the same tone with mild noise voiced */
  g_autofree float *tone = sig_harmonic (150, 1, 8, 0.3, 0, 0, 1, n);
  g_autofree float *noise = sig_noise (1.0, 9, n);
  g_autofree float *mild = g_memdup2 (tone, n * sizeof *tone);
  sig_mix (mild, noise, 0.02, n);
  s = track (mild, n, 150);
  g_assert_cmpfloat (s.voiced, >, 0.9);
  g_assert_cmpfloat (s.median_err, <, 0.02);
}

static void
test_edges (void)
{
  StvaPitchFrame fr[4];
  StvaError error = { 0 };
  g_assert_cmpuint (stva_pitch_n_frames (0), ==, 1);
  g_assert_cmpuint (stva_pitch_n_frames (159), ==, 1);
  g_assert_cmpuint (stva_pitch_n_frames (480), ==, 3);
  g_assert_cmpint (stva_pitch_track (NULL, 0, NULL, fr, &error), ==, STVA_OK);
  g_assert_cmpfloat (fr[0].f0_hz, ==, 0);
  float short_x[100];
  for (int i = 0; i < 100; i++)
    short_x[i] = sinf (i * 0.1f);
  g_assert_cmpint (stva_pitch_track (short_x, 100, NULL, fr, &error), ==, STVA_OK);
  g_assert_true (isfinite (fr[0].f0_hz) && isfinite (fr[0].rms_db));
  short_x[50] = NAN;
  g_assert_cmpint (stva_pitch_track (short_x, 100, NULL, fr, &error), ==, STVA_ERR_NUMERIC);
  g_assert_nonnull (strstr (error.message, "sample 50"));
  StvaPitchConfig cfg;
  stva_pitch_config_init (&cfg);
  cfg.max_hz = cfg.min_hz;
  g_assert_cmpint (stva_pitch_track (short_x, 10, &cfg, fr, &error), ==, STVA_ERR_INVALID);
}

/* A 100 Hz complex whose odd harmonics vanish for 300 ms: there the waveform repeats every
 * 5 ms too and YIN's first dip says 200 Hz.  The octave guard keeps the utterance's contour. */
static void
test_octave_guard (void)
{
  const size_t n = SIG_RATE_HZ;
  g_autofree float *x = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    {
      double t = (double) i / SIG_RATE_HZ, v = 0;
      bool even_only = t > 0.35 && t < 0.65;
      for (int k = 1; k <= 10; k++)
        if (!even_only || k % 2 == 0)
          v += sin (2 * G_PI * 100 * k * t) / k;
      x[i] = (float) (0.3 * v);
    }
  size_t nf = stva_pitch_n_frames (n), near_100 = 0, voiced = 0;
  g_autofree StvaPitchFrame *fr = g_new0 (StvaPitchFrame, nf);
  g_assert_cmpint (stva_pitch_track (x, n, NULL, fr, NULL), ==, STVA_OK);
  for (size_t i = 0; i < nf; i++)
    if (fr[i].f0_hz > 0)
      voiced++, near_100 += fabs (fr[i].f0_hz - 100) < 2;
  g_test_message ("octave guard: %zu of %zu voiced frames at 100 Hz", near_100, voiced);
  g_assert_cmpuint (voiced, >, nf * 9 / 10);
  g_assert_cmpuint (near_100, >, voiced * 95 / 100);
}

static void
test_speech (void)
{
  const int pitch[] = { 15, 50, 85 };
  const char *text = "Well, I really did not expect to see you here today. How have you been?";
  double prev = 0;
  for (size_t k = 0; k < G_N_ELEMENTS (pitch); k++)
    {
      size_t n = 0;
      g_autofree float *x = sig_speech ("en-us+m3", pitch[k], 30, text, &n);
      g_assert_nonnull (x);
      PitchStats s = track (x, n, 0);
      g_test_message ("espeak pitch %d: median F0 %.1f Hz over %.0f%% voiced frames", pitch[k],
                      s.median_hz, 100 * s.voiced);
      g_assert_cmpfloat (s.voiced, >, 0.3);
      g_assert_cmpfloat (s.median_hz, >, 60);
      g_assert_cmpfloat (s.median_hz, <, 400);
      g_assert_cmpfloat (s.median_hz, >, prev * 1.1);   /* a higher setting, a higher voice */
      prev = s.median_hz;
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/pitch/tones", test_tones);
  g_test_add_func ("/features/pitch/harmonic", test_harmonic);
  g_test_add_func ("/features/pitch/unvoiced", test_unvoiced);
  g_test_add_func ("/features/pitch/edges", test_edges);
  g_test_add_func ("/features/pitch/octave-guard", test_octave_guard);
  g_test_add_func ("/features/pitch/speech", test_speech);
  return g_test_run ();
}
