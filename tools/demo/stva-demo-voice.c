/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * espeak-ng synthesis for the demo corpus (see stva-demo-voice.h).  Pauses are SSML breaks at
 * the text's punctuation; loudness, strain (soft saturation) and tremor (a 6.5 Hz amplitude
 * modulation) are applied afterwards so they act on the samples exactly as planned.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <espeak-ng/speak_lib.h>

#include "stva-demo-voice.h"

#define TREMOR_HZ 6.5
#define SILENCE_LEVEL 0.004f   /* |sample| below this at the ends counts as silence */

typedef struct
{
  short  *buf;      /* owned */
  size_t  n;
  size_t  cap;
  bool    oom;
} Collect;

static pthread_mutex_t espeak_lock = PTHREAD_MUTEX_INITIALIZER;
static int espeak_rate_hz;   /* 0 until initialised; guarded by espeak_lock */
static Collect *collecting;  /* guarded by espeak_lock */

static int
on_synth (short        *wav,
          int           n,
          espeak_EVENT *events)
{
  Collect *c = collecting;
  if (wav == NULL || n <= 0 || c == NULL || c->oom)
    return 0;
  if (c->n + (size_t) n > c->cap)
    {
      size_t cap = c->cap ? c->cap * 2 : 65536;
      while (cap < c->n + (size_t) n)
        cap *= 2;
      short *grown = realloc (c->buf, cap * sizeof *grown);
      if (grown == NULL)
        {
          c->oom = true;
          return 1;   /* stop synthesis */
        }
      c->buf = grown;
      c->cap = cap;
    }
  memcpy (c->buf + c->n, wav, (size_t) n * sizeof *wav);
  c->n += (size_t) n;
  return 0;
}

/* SSML with a break after each phrase-ending punctuation mark; escapes the XML specials. */
static char *
to_ssml (const char *text,
         int         pause_ms)
{
  size_t len = strlen (text);
  size_t cap = 64 + len * 6 + (len / 2 + 1) * 32;
  char *out = malloc (cap);
  if (out == NULL)
    return NULL;
  size_t o = 0;
  o += (size_t) snprintf (out + o, cap - o, "<speak>");
  for (size_t i = 0; i < len; i++)
    {
      char ch = text[i];
      if (ch == '&')
        o += (size_t) snprintf (out + o, cap - o, "&amp;");
      else if (ch == '<')
        o += (size_t) snprintf (out + o, cap - o, "&lt;");
      else if (ch == '>')
        o += (size_t) snprintf (out + o, cap - o, "&gt;");
      else
        out[o++] = ch;
      bool phrase_end = (ch == ',' || ch == '.' || ch == '?' || ch == '!')
                        && (text[i + 1] == ' ' || text[i + 1] == '\0');
      if (phrase_end && text[i + 1] != '\0')
        o += (size_t) snprintf (out + o, cap - o, "<break time=\"%dms\"/>", pause_ms);
    }
  snprintf (out + o, cap - o, "</speak>");
  return out;
}

StvaStatus
stva_demo_voice_speak (const char            *voice,
                       const StvaDemoProsody *p,
                       const char            *text,
                       float                **samples,
                       size_t                *n_samples,
                       StvaError             *error)
{
  *samples = NULL;
  *n_samples = 0;
  char *ssml = to_ssml (text, p->pause_ms);
  if (ssml == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "out of memory preparing speech");

  Collect c = { 0 };
  StvaStatus status = STVA_OK;
  pthread_mutex_lock (&espeak_lock);
  if (espeak_rate_hz == 0)
    {
      int rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL,
                                    espeakINITIALIZE_DONT_EXIT);
      if (rate != STVA_DEMO_VOICE_RATE_HZ)
        {
          pthread_mutex_unlock (&espeak_lock);
          free (ssml);
          return stva_error_set (error, STVA_ERR_EXTERNAL,
                                 "espeak-ng failed to initialise (rate %d; is espeak-ng-data "
                                 "installed?)", rate);
        }
      espeak_SetSynthCallback (on_synth);
      espeak_rate_hz = rate;
    }
  if (espeak_SetVoiceByName (voice) != EE_OK)
    status = stva_error_set (error, STVA_ERR_EXTERNAL, "espeak-ng has no voice '%s'", voice);
  else
    {
      espeak_SetParameter (espeakRATE, p->rate_wpm < 80 ? 80 : p->rate_wpm > 450 ? 450
                                                                                : p->rate_wpm, 0);
      espeak_SetParameter (espeakPITCH, p->pitch, 0);
      espeak_SetParameter (espeakRANGE, p->range, 0);
      espeak_SetParameter (espeakVOLUME, 100, 0);
      espeak_SetParameter (espeakPUNCTUATION, espeakPUNCT_NONE, 0);
      collecting = &c;
      espeak_ERROR err = espeak_Synth (ssml, strlen (ssml) + 1, 0, POS_CHARACTER, 0,
                                       espeakCHARS_UTF8 | espeakSSML, NULL, NULL);
      collecting = NULL;
      if (err != EE_OK)
        status = stva_error_set (error, STVA_ERR_EXTERNAL, "espeak-ng could not speak \"%s\"",
                                 text);
      else if (c.oom)
        status = stva_error_set (error, STVA_ERR_NOMEM, "out of memory synthesising speech");
    }
  pthread_mutex_unlock (&espeak_lock);
  free (ssml);
  if (status != STVA_OK)
    {
      free (c.buf);
      return status;
    }

  /* Trim silence at both ends, keeping 30 ms so onsets are not clipped. */
  size_t first = 0, last = c.n;
  while (first < c.n && fabsf (c.buf[first] / 32768.0f) < SILENCE_LEVEL)
    first++;
  while (last > first && fabsf (c.buf[last - 1] / 32768.0f) < SILENCE_LEVEL)
    last--;
  size_t keep = (size_t) (0.03 * STVA_DEMO_VOICE_RATE_HZ);
  first = first > keep ? first - keep : 0;
  last = last + keep < c.n ? last + keep : c.n;
  size_t n = last > first ? last - first : 0;
  float *out = malloc ((n ? n : 1) * sizeof *out);
  if (out == NULL)
    {
      free (c.buf);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory synthesising speech");
    }
  double k = 1.0 + 3.0 * p->drive;    /* strain: soft saturation, louder and harsher */
  for (size_t i = 0; i < n; i++)
    {
      double x = c.buf[first + i] / 32768.0;
      if (p->drive > 0.0)
        x = tanh (k * x) / sqrt (k);
      double t = (double) i / STVA_DEMO_VOICE_RATE_HZ;
      x *= p->gain * (1.0 + 0.6 * p->tremor * sin (2.0 * M_PI * TREMOR_HZ * t));
      out[i] = (float) (x > 0.98 ? 0.98 : x < -0.98 ? -0.98 : x);
    }
  free (c.buf);
  *samples = out;
  *n_samples = n;
  return STVA_OK;
}

/* Sessions: one at a time; what espeak-ng carries from call to call is set by the primer. */
static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;

#define PRIMER_VOICE "en"
#define PRIMER_TEXT "Well."

StvaStatus
stva_demo_voice_begin (StvaError *error)
{
  pthread_mutex_lock (&session_lock);
  StvaDemoProsody neutral = { 0 };
  neutral.pitch = 50;
  neutral.range = 50;
  neutral.rate_wpm = 175;
  neutral.gain = 1.0;
  float *samples = NULL;
  size_t n = 0;
  StvaStatus status = stva_demo_voice_speak (PRIMER_VOICE, &neutral, PRIMER_TEXT, &samples, &n,
                                             error);
  free (samples);
  if (status != STVA_OK)
    pthread_mutex_unlock (&session_lock);
  return status;
}

void
stva_demo_voice_end (void)
{
  pthread_mutex_unlock (&session_lock);
}
