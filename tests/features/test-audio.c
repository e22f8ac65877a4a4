/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `audio-v1` on signals whose features are known: loudness follows level, a tone's centroid
 * sits on the tone, MFCCs tell white from low-pass noise, jitter and shimmer of a perfectly
 * periodic signal are near zero and grow with perturbation, HNR orders clean over noisy, an F0
 * glide has the slope it was made with.  Edge cases stay finite; the speed is printed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-audio.h"
#include "stva-media-reader.h"
#include "audio-signals.h"

/* Index of the dimension called name (fails the test when there is none). */
static size_t
dim (const char *name)
{
  for (size_t i = 0; i < stva_audio_dim (); i++)
    if (strcmp (stva_audio_dim_name (i), name) == 0)
      return i;
  g_error ("no audio dimension '%s'", name);
}

static float *
extract (const float *x,
         size_t       n)
{
  float *v = g_new (float, STVA_AUDIO_DIM);
  StvaError error = { 0 };
  g_assert_cmpint (stva_audio_extract (x, n, v, &error), ==, STVA_OK);
  for (size_t i = 0; i < STVA_AUDIO_DIM; i++)
    if (!isfinite (v[i]))
      g_error ("dimension %zu (%s) is %g", i, stva_audio_dim_name (i), v[i]);
  return v;
}

static void
test_dims (void)
{
  g_assert_cmpstr (stva_audio_version (), ==, "audio-v1");
  g_assert_cmpuint (stva_audio_dim (), ==, 273);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t i = 0; i < stva_audio_dim (); i++)
    {
      const char *name = stva_audio_dim_name (i), *unit = stva_audio_dim_unit (i);
      g_assert_nonnull (name);
      g_assert_nonnull (unit);
      g_assert_cmpuint (strlen (unit), >, 0);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
    }
  g_assert_null (stva_audio_dim_name (stva_audio_dim ()));
  g_assert_cmpstr (stva_audio_dim_name (dim ("f0_mean")), ==, "f0_mean");
  g_assert_cmpstr (stva_audio_dim_unit (dim ("f0_mean")), ==, "st");
  g_assert_cmpstr (stva_audio_dim_unit (dim ("f0_slope")), ==, "st/s");
  g_assert_cmpstr (stva_audio_dim_unit (dim ("hnr_p50")), ==, "dB");
  g_assert_cmpstr (stva_audio_dim_unit (dim ("spectral_centroid_mean")), ==, "Hz");
  g_assert_cmpstr (stva_audio_dim_unit (dim ("duration_s")), ==, "s");
  g_assert_cmpuint (dim ("mfcc13_delta_range"), ==, 34 * 7 + 6);
  g_assert_cmpstr (stva_audio_lld_name (35), ==, "f1");
}

static void
test_loudness_and_centroid (void)
{
  const size_t n = SIG_RATE_HZ;
  double prev = 0;
  for (double amp = 0.02; amp < 1; amp *= 4)
    {
      g_autofree float *x = sig_harmonic (140, 1, 10, amp, 0, 0, 1, n);
      g_autofree float *v = extract (x, n);
      g_test_message ("amplitude %.2f: loudness %.3f", amp, v[dim ("loudness_mean")]);
      g_assert_cmpfloat (v[dim ("loudness_mean")], >, prev * 1.5);
      prev = v[dim ("loudness_mean")];
    }
  const double f[] = { 500, 1000, 3000 };
  for (size_t k = 0; k < G_N_ELEMENTS (f); k++)
    {
      g_autofree float *x = sig_tone (f[k], 0.3, n);
      g_autofree float *v = extract (x, n);
      double c = v[dim ("spectral_centroid_p50")];
      g_test_message ("tone %.0f Hz: centroid %.1f Hz, roll-off %.1f Hz", f[k], c,
                      v[dim ("spectral_rolloff_p50")]);
      g_assert_cmpfloat (fabs (c - f[k]) / f[k], <, 0.03);
      g_assert_cmpfloat (fabs (v[dim ("spectral_rolloff_p50")] - f[k]), <, 64);
      g_assert_cmpfloat (v[dim ("spectral_flux_mean")], <, 0.05);   /* steady: no flux */
    }
}

static void
test_mfcc (void)
{
  const size_t n = SIG_RATE_HZ;
  g_autofree float *white = sig_noise (0.3, 5, n);
  g_autofree float *low = g_new (float, n);   /* one-pole low-pass of the same noise */
  float y = 0;
  for (size_t i = 0; i < n; i++)
    low[i] = y = 0.95f * y + 0.05f * white[i] * 10;
  g_autofree float *silence = g_new0 (float, n);
  g_autofree float *vw = extract (white, n);
  g_autofree float *vl = extract (low, n);
  g_autofree float *vs = extract (silence, n);
  g_test_message ("mfcc1 mean: white %.2f, low-pass %.2f, silence %.2f", vw[dim ("mfcc1_mean")],
                  vl[dim ("mfcc1_mean")], vs[dim ("mfcc1_mean")]);
  /* white noise: band energy grows with the mel bands' width, so mfcc1 < 0; the low-pass
   * noise tilts energy to the low bands, which turns mfcc1 well positive */
  g_assert_cmpfloat (vw[dim ("mfcc1_mean")], <, 0);
  g_assert_cmpfloat (vl[dim ("mfcc1_mean")], >, vw[dim ("mfcc1_mean")] + 5);
  g_assert_cmpfloat (vw[dim ("spectral_slope_mean")], >, vl[dim ("spectral_slope_mean")] + 0.5);
  for (int k = 1; k <= 13; k++)   /* silence: no active frame, zeros by convention */
    {
      g_autofree char *name = g_strdup_printf ("mfcc%d_mean", k);
      g_assert_cmpfloat (vs[dim (name)], ==, 0);
    }
  g_assert_cmpfloat (vs[dim ("voiced_ratio")], ==, 0);
  g_assert_cmpfloat (vs[dim ("active_ratio")], ==, 0);
  g_assert_cmpfloat (vw[dim ("active_ratio")], >, 0.95);
  g_assert_cmpfloat (vw[dim ("voiced_ratio")], <, 0.05);
}

static void
test_jitter_shimmer_hnr (void)
{
  const size_t n = SIG_RATE_HZ;
  g_autofree float *clean = sig_harmonic (120, 1, 10, 0.5, 0, 0, 1, n);
  g_autofree float *jit = sig_harmonic (120, 1, 10, 0.5, 0.03, 0, 2, n);
  g_autofree float *shim = sig_harmonic (120, 1, 10, 0.5, 0, 0.2, 3, n);
  g_autofree float *vc = extract (clean, n);
  g_autofree float *vj = extract (jit, n);
  g_autofree float *vs = extract (shim, n);
  double jc = vc[dim ("jitter_mean")], jj = vj[dim ("jitter_mean")];
  double sc = vc[dim ("shimmer_mean")], ss = vs[dim ("shimmer_mean")];
  g_test_message ("jitter: periodic %.5f, perturbed 3%% %.5f; shimmer: %.3f dB, perturbed 20%% "
                  "%.3f dB", jc, jj, sc, ss);
  g_assert_cmpfloat (jc, <, 0.002);
  g_assert_cmpfloat (jj, >, 0.01);
  g_assert_cmpfloat (jj, >, 5 * jc);
  g_assert_cmpfloat (sc, <, 0.1);
  g_assert_cmpfloat (ss, >, 1.0);

  g_autofree float *noisy = g_memdup2 (clean, n * sizeof *clean);
  g_autofree float *noise = sig_noise (1, 7, n);
  sig_mix (noisy, noise, 0.1, n);
  g_autofree float *vn = extract (noisy, n);
  g_test_message ("hnr: clean %.1f dB, noisy %.1f dB", vc[dim ("hnr_mean")], vn[dim ("hnr_mean")]);
  g_assert_cmpfloat (vc[dim ("hnr_mean")], >, vn[dim ("hnr_mean")] + 10);
  g_assert_cmpfloat (vn[dim ("hnr_mean")], >, 0);
}

static void
test_glide (void)
{
  /* F0 from 100 to 200 Hz over one second: 12 semitones per second */
  const size_t n = SIG_RATE_HZ;
  g_autofree float *x = g_new (float, n);
  double phase = 0;
  for (size_t i = 0; i < n; i++)
    {
      double f = 100 * pow (2, (double) i / n);
      phase += f / SIG_RATE_HZ;
      x[i] = (float) (0.3 * sin (2 * G_PI * phase) + 0.15 * sin (4 * G_PI * phase));
    }
  g_autofree float *v = extract (x, n);
  g_test_message ("glide: f0 slope %.2f st/s, p50 %.2f st", v[dim ("f0_slope")],
                  v[dim ("f0_p50")]);
  g_assert_cmpfloat (fabs (v[dim ("f0_slope")] - 12), <, 0.5);
  g_assert_cmpfloat (fabs (v[dim ("f0_p50")] - 12 * log2 (100 * sqrt (2) / 27.5)), <, 0.3);
  g_assert_cmpfloat (fabs (v[dim ("f0_range")] - 0.9 * 12), <, 0.6);   /* p95 - p5 */
}

static void
test_edges (void)
{
  const size_t lengths[] = { 0, 1, 100, 159, 160, 401 };
  float *x = g_new (float, 401);
  for (int i = 0; i < 401; i++)
    x[i] = 0.5f * sinf (i * 0.05f);
  for (size_t k = 0; k < G_N_ELEMENTS (lengths); k++)
    g_free (extract (lengths[k] ? x : NULL, lengths[k]));
  g_autofree float *v0 = extract (NULL, 0);
  g_assert_cmpfloat (v0[dim ("duration_s")], ==, 0);

  const size_t n = SIG_RATE_HZ / 2;
  g_autofree float *loud = g_new (float, n);   /* clipped square wave, then DC */
  for (size_t i = 0; i < n; i++)
    loud[i] = (i / 50) % 2 ? 1.0f : -1.0f;
  g_free (extract (loud, n));
  for (size_t i = 0; i < n; i++)
    loud[i] = 0.7f;
  g_free (extract (loud, n));
  g_autofree float *tiny = sig_noise (1e-7, 3, n);
  g_free (extract (tiny, n));

  float out[STVA_AUDIO_DIM];
  StvaError error = { 0 };
  x[7] = INFINITY;
  g_assert_cmpint (stva_audio_extract (x, 100, out, &error), ==, STVA_ERR_NUMERIC);
  g_free (x);
}

static void
test_speech (void)
{
  size_t n_low = 0, n_high = 0;
  const char *text = "Oh no, I think we missed the last train home. What do we do now?";
  g_autofree float *low = sig_speech ("en-us+m3", 25, 40, text, &n_low);
  g_autofree float *high = sig_speech ("en-us+f2", 70, 40, text, &n_high);
  g_assert_nonnull (low);
  g_assert_nonnull (high);
  g_autofree float *vl = extract (low, n_low);
  g_autofree float *vh = extract (high, n_high);
  g_test_message ("speech: f0 %.1f vs %.1f st, voiced %.2f, segments/s %.2f, peaks/s %.2f, "
                  "F1 %.0f Hz, F2 %.0f Hz, HNR %.1f dB, jitter %.4f", vl[dim ("f0_mean")],
                  vh[dim ("f0_mean")], vl[dim ("voiced_ratio")],
                  vl[dim ("voiced_segments_per_s")], vl[dim ("loudness_peaks_per_s")],
                  vl[dim ("f1_p50")], vl[dim ("f2_p50")], vl[dim ("hnr_mean")],
                  vl[dim ("jitter_mean")]);
  g_assert_cmpfloat (vh[dim ("f0_mean")], >, vl[dim ("f0_mean")] + 3);
  g_assert_cmpfloat (vl[dim ("voiced_ratio")], >, 0.3);
  g_assert_cmpfloat (vl[dim ("voiced_segments_per_s")], >, 1);
  g_assert_cmpfloat (vl[dim ("voiced_segments_per_s")], <, 10);
  g_assert_cmpfloat (vl[dim ("loudness_peaks_per_s")], >, 1);
  g_assert_cmpfloat (vl[dim ("f1_p50")], >, 250);
  g_assert_cmpfloat (vl[dim ("f1_p50")], <, 1000);
  g_assert_cmpfloat (vl[dim ("f2_p50")], >, vl[dim ("f1_p50")]);
  g_assert_cmpfloat (vl[dim ("f3_p50")], >, vl[dim ("f2_p50")]);
}

/* The same speech through a WAV file and core/media's reader gives the same features. */
static void
test_media_path (void)
{
  size_t n = 0;
  g_autofree float *x = sig_speech ("en+f3", 60, 40, "Are you serious? That is great news!", &n);
  g_assert_nonnull (x);
  g_autofree char *dir = g_dir_make_tmp ("stva-audio-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "utt.wav", NULL);
  g_assert_cmpint (sig_write_wav (wav, x, n), ==, 0);
  float *read = NULL;
  size_t n_read = 0;
  StvaError error = { 0 };
  g_assert_cmpint (stva_media_read_audio (wav, 0, -1, &read, &n_read, &error), ==, STVA_OK);
  g_assert_cmpuint (n_read, >, n - 160);
  g_assert_cmpuint (n_read, <, n + 160);
  g_autofree float *direct = extract (x, n);
  g_autofree float *via = extract (read, n_read);
  const char *names[] = { "f0_mean", "loudness_mean", "hnr_mean", "spectral_centroid_mean",
                          "mfcc2_mean", "f1_p50", "voiced_ratio" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    {
      double a = direct[dim (names[k])], b = via[dim (names[k])];
      g_test_message ("%s: direct %.3f, via media %.3f", names[k], a, b);
      g_assert_cmpfloat (fabs (a - b), <=, 0.03 * fabs (a) + 0.05);
    }
  free (read);
  g_remove (wav);
  g_rmdir (dir);
}

static void
test_speed (void)
{
  size_t n = 0;
  const char *text = "This is a longer sentence, spoken to measure how fast the audio features "
                     "are computed; we repeat it a few times to get about ten seconds.";
  g_autofree float *one = sig_speech ("en-us+m1", 50, 40, text, &n);
  g_assert_nonnull (one);
  size_t reps = (10 * SIG_RATE_HZ) / n + 1, total = reps * n;
  g_autofree float *x = g_new (float, total);
  for (size_t r = 0; r < reps; r++)
    memcpy (x + r * n, one, n * sizeof *one);
  float out[STVA_AUDIO_DIM];
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (stva_audio_extract (x, total, out, NULL), ==, STVA_OK);
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  double audio_s = (double) total / SIG_RATE_HZ;
  printf ("# audio-v1: %.2f ms per second of audio (%.0fx real time) over %.1f s\n",
          ms / audio_s, audio_s * 1000 / ms, audio_s);
  g_assert_cmpfloat (ms / audio_s, <, 200);   /* loose: sanitiser builds run here too */
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/audio/dims", test_dims);
  g_test_add_func ("/features/audio/loudness-centroid", test_loudness_and_centroid);
  g_test_add_func ("/features/audio/mfcc", test_mfcc);
  g_test_add_func ("/features/audio/jitter-shimmer-hnr", test_jitter_shimmer_hnr);
  g_test_add_func ("/features/audio/glide", test_glide);
  g_test_add_func ("/features/audio/edges", test_edges);
  g_test_add_func ("/features/audio/speech", test_speech);
  g_test_add_func ("/features/audio/media", test_media_path);
  g_test_add_func ("/features/audio/speed", test_speed);
  return g_test_run ();
}
