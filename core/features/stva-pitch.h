/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pitch (F0) tracking of 16 kHz mono speech with YIN (de Cheveigné & Kawahara 2002): the
 * cumulative-mean-normalised difference function d'(τ) per 10 ms frame, computed through an
 * FFT cross-correlation; the first dip below a threshold is refined by parabolic interpolation.
 * A frame is voiced when its dip is deep enough and it is not near-silent.  Two octave guards
 * run over the whole utterance: a frame more than ~0.75 octave from the utterance's median F0
 * moves to another of its own d' dips when one lies near the median and is almost as deep, and
 * lone voiced frames (no voiced neighbour) are dropped.
 *
 * Frames: frame i is centred on sample i·160 + 80 and n_frames = max (1, n / 160); samples
 * outside the input are zeros, so every input length (0 included) gives defined output.
 * Functions here are reentrant (no global state).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stva-error.h"

#define STVA_PITCH_RATE_HZ 16000   /* input sample rate */
#define STVA_PITCH_HOP     160     /* 10 ms */
#define STVA_PITCH_WINDOW  400     /* 25 ms integration window of the difference function */

typedef struct
{
  float min_hz;        /* lowest F0 searched (default 60) */
  float max_hz;        /* highest F0 searched (default 600) */
  float threshold;     /* YIN absolute threshold on d' (default 0.15) */
  float voicing_max;   /* a frame whose best d' is above this is unvoiced (default 0.35) */
  float silence_db;    /* frames quieter than the loudest frame by more than this are
                        * unvoiced (default 45 dB); frames under -70 dBFS always are */
} StvaPitchConfig;

typedef struct
{
  float f0_hz;         /* 0 when unvoiced */
  float period;        /* pitch period in samples (fractional), 0 when unvoiced */
  float aperiodicity;  /* d' at the chosen period: 0 periodic .. ~1 noise (1 when silent) */
  float periodicity;   /* normalised autocorrelation at the chosen period, in [0, 1];
                        * 0 when unvoiced */
  float rms_db;        /* frame RMS over the 25 ms window, dBFS (floored at -120) */
} StvaPitchFrame;

/* Fills cfg with the defaults above. */
void stva_pitch_config_init (StvaPitchConfig *cfg);

/* Number of frames for n samples: max (1, n / STVA_PITCH_HOP). */
size_t stva_pitch_n_frames (size_t n);

/* Tracks F0 over pcm (n samples, 16 kHz mono, full scale ±1); cfg NULL means the defaults.
 * frames receives stva_pitch_n_frames (n) entries.  STVA_ERR_INVALID for a bad config,
 * STVA_ERR_NUMERIC when pcm holds NaN or Inf, STVA_ERR_NOMEM when allocation fails. */
StvaStatus stva_pitch_track (const float           *pcm,
                             size_t                 n,
                             const StvaPitchConfig *cfg,
                             StvaPitchFrame        *frames,
                             StvaError             *error);
