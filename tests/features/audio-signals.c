/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test signals (see audio-signals.h).  The harmonic complex is synthesised from a running
 * phase so that a perturbed period stays a clean cycle with a known length.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "audio-signals.h"
#include "stva-demo-voice.h"

static double
uniform (uint64_t *s)   /* xorshift64*, in [0, 1) */
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double) ((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

float *
sig_tone (double f_hz,
          double amp,
          size_t n)
{
  float *x = g_new (float, n ? n : 1);
  for (size_t i = 0; i < n; i++)
    x[i] = (float) (amp * sin (2 * G_PI * f_hz * (double) i / SIG_RATE_HZ));
  return x;
}

float *
sig_harmonic (double   f_hz,
              int      first,
              int      last,
              double   amp,
              double   period_jitter,
              double   amp_jitter,
              uint64_t seed,
              size_t   n)
{
  float *x = g_new (float, n ? n : 1);
  uint64_t s = seed | 1;
  double phase = 0;   /* in cycles */
  double f = f_hz, a = 1;
  double norm = 0;
  for (int k = first; k <= last; k++)
    norm += 1.0 / k;
  for (size_t i = 0; i < n; i++)
    {
      double v = 0;
      for (int k = first; k <= last; k++)
        v += sin (2 * G_PI * k * phase) / k;
      x[i] = (float) (amp * a * v / norm);
      double before = phase;
      phase += f / SIG_RATE_HZ;
      if (floor (phase) != floor (before))   /* a new cycle: draw its length and level */
        {
          f = f_hz / (1 + period_jitter * (2 * uniform (&s) - 1));
          a = 1 + amp_jitter * (2 * uniform (&s) - 1);
        }
    }
  return x;
}

float *
sig_noise (double   amp,
           uint64_t seed,
           size_t   n)
{
  float *x = g_new (float, n ? n : 1);
  uint64_t s = seed | 1;
  for (size_t i = 0; i < n; i++)
    x[i] = (float) (amp * (2 * uniform (&s) - 1));
  return x;
}

void
sig_mix (float       *a,
         const float *b,
         double       scale,
         size_t       n)
{
  for (size_t i = 0; i < n; i++)
    a[i] += (float) (scale * b[i]);
}

float *
sig_speech (const char *voice,
            int         pitch,
            int         range,
            const char *text,
            size_t     *n)
{
  StvaDemoProsody p = { .pitch = pitch, .range = range, .rate_wpm = 160, .gain = 1.0 };
  return sig_speech_prosody (voice, &p, text, n);
}

float *
sig_speech_prosody (const char            *voice,
                    const StvaDemoProsody *p,
                    const char            *text,
                    size_t                *n)
{
  StvaError error = { 0 };
  float *raw = NULL;
  size_t n_raw = 0;
  if (stva_demo_voice_speak (voice, p, text, &raw, &n_raw, &error) != STVA_OK)
    {
      g_printerr ("speech: %s\n", error.message);
      return NULL;
    }
  /* linear interpolation 22050 -> 16000 Hz: fine for F0, which sits far below both Nyquists */
  double step = (double) STVA_DEMO_VOICE_RATE_HZ / SIG_RATE_HZ;
  size_t m = n_raw > 1 ? (size_t) ((double) (n_raw - 1) / step) : 0;
  float *x = g_new (float, m ? m : 1);
  for (size_t i = 0; i < m; i++)
    {
      double t = i * step;
      size_t j = (size_t) t;
      double w = t - (double) j;
      x[i] = (float) ((1 - w) * raw[j] + w * raw[j + 1]);
    }
  free (raw);
  *n = m;
  return x;
}

static void
put16 (FILE     *f,
       unsigned  v)
{
  fputc (v & 0xff, f);
  fputc ((v >> 8) & 0xff, f);
}

static void
put32 (FILE     *f,
       unsigned  v)
{
  put16 (f, v & 0xffff);
  put16 (f, v >> 16);
}

int
sig_write_wav (const char  *path,
               const float *x,
               size_t       n)
{
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return -1;
  fwrite ("RIFF", 1, 4, f);
  put32 (f, (unsigned) (36 + 2 * n));
  fwrite ("WAVEfmt ", 1, 8, f);
  put32 (f, 16);
  put16 (f, 1);             /* PCM */
  put16 (f, 1);             /* mono */
  put32 (f, SIG_RATE_HZ);
  put32 (f, SIG_RATE_HZ * 2);
  put16 (f, 2);
  put16 (f, 16);
  fwrite ("data", 1, 4, f);
  put32 (f, (unsigned) (2 * n));
  for (size_t i = 0; i < n; i++)
    {
      double v = x[i] * 32767.0;
      v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      put16 (f, (unsigned) (uint16_t) (int16_t) lrint (v));
    }
  return fclose (f) == 0 ? 0 : -1;
}
