/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test signals for the audio feature tests: tones, harmonic complexes with optional period
 * perturbation, seeded noise, espeak-ng speech resampled to 16 kHz, and a 16-bit WAV writer
 * (for Praat).  All buffers are g_malloc'ed; free them with g_free.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-demo-plan.h"

#define SIG_RATE_HZ 16000

/* n samples of amp·sin (2π f t). */
float *sig_tone (double f_hz, double amp, size_t n);

/* Harmonics k = first..last of f_hz with amplitude amp/k each.  period_jitter > 0 draws each
 * period's length from f0·(1 + period_jitter·u), u uniform in [-1, 1], seeded. */
float *sig_harmonic (double f_hz, int first, int last, double amp, double period_jitter,
                     double amp_jitter, uint64_t seed, size_t n);

/* Uniform white noise in [-amp, amp], seeded. */
float *sig_noise (double amp, uint64_t seed, size_t n);

/* Adds b (scaled) into a. */
void sig_mix (float *a, const float *b, double scale, size_t n);

/* espeak-ng speech (tools/demo voice) at espeak pitch 0..100, resampled to 16 kHz.
 * Returns NULL (and a message) when synthesis fails. */
float *sig_speech (const char *voice, int pitch, int range, const char *text, size_t *n);

/* The same with a full prosody (as the demo corpus plans it: tremor, strain, pauses). */
float *sig_speech_prosody (const char *voice, const StvaDemoProsody *p, const char *text,
                           size_t *n);

/* Writes a 16-bit mono WAV at 16 kHz; returns 0 on success. */
int sig_write_wav (const char *path, const float *x, size_t n);
