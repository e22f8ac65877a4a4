/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `audio-v1`: one vector per utterance from 16 kHz mono speech, eGeMAPS-style.
 *
 * Low-level descriptors (LLDs), one row per 10 ms frame (frames as in stva-pitch.h: frame i is
 * centred on sample i·160 + 80, n_frames = max (1, n / 160); spectral analysis uses a 25 ms
 * Hamming window and a 512-point FFT through av_tx):
 *    0 f0                 semitones re 27.5 Hz (YIN, stva-pitch.h)                 voiced
 *    1 loudness           Σ over 26 mel bands of band power^0.3 (Stevens), a.u.    all
 *    2 jitter             mean |T_k − T_{k−1}| / mean T, glottal cycles in ±30 ms  voiced
 *    3 shimmer            mean |20·log10 (A_k / A_{k−1})|, A cycle peak-to-peak, dB voiced
 *    4 hnr                10·log10 (r / (1 − r)), r the normalised autocorrelation
 *                         at the pitch period; clamped to ±40 dB                   voiced
 *    5 spectral_centroid  Hz                                                       active
 *    6 spectral_flux      L2 distance of consecutive L2-normalised magnitude spectra active
 *    7 spectral_slope     least-squares slope of the power spectrum in dB, 0–8 kHz,
 *                         dB/kHz                                                   active
 *    8 spectral_rolloff   frequency below which 85 % of the power lies, Hz         active
 *    9–21 mfcc1..13       orthonormal DCT-II of log mel energies (26 bands,
 *                         20–8000 Hz), c0 left out                                 active
 *   22–34 mfcc1..13_delta regression over ±2 frames, per frame                     active
 *   35–37 f1..f3          LPC (order 16, pre-emphasis 0.97) envelope peaks, Hz     voiced
 * "voiced": frames the pitch tracker calls voiced; "active": frames within 45 dB of the
 * utterance's loudest frame and above −70 dBFS.  Elsewhere an LLD is undefined (NAN in the
 * LLD matrix), as are jitter/shimmer with fewer than 3 cycles in reach and missing formants.
 *
 * The vector (STVA_AUDIO_DIM = 38·7 + 7 = 273 floats): for each LLD, in the order above, the
 * functionals over its defined frames: mean, std, p20, p50, p80 (percentiles interpolated),
 * slope (least squares against time, unit/s) and range (p95 − p5); then the utterance values
 * voiced_ratio, voiced_segments_per_s and loudness_peaks_per_s (speaking-rate proxies),
 * mean_voiced_segment_s, mean_pause_s, active_ratio and duration_s.  Names and units of every
 * dimension come from stva_audio_dim_name () / stva_audio_dim_unit ().
 *
 * Convention for degenerate input: a functional over no defined frame is 0, so silence gives
 * zeros for every voiced and active LLD, with voiced_ratio and active_ratio 0 saying why; input
 * shorter than 10 ms (0 samples included) is one zero-padded frame.  Every output is finite
 * (a non-finite intermediate becomes 0).  All functions are reentrant.
 */
#pragma once

#include <stddef.h>

#include "stva-error.h"
#include "stva-feature-info.h"
#include "stva-pitch.h"

#define STVA_AUDIO_EXTRACTOR "audio-v1"
#define STVA_AUDIO_N_LLD     38
#define STVA_AUDIO_N_FUNC    7
#define STVA_AUDIO_N_UTT     7
#define STVA_AUDIO_DIM       (STVA_AUDIO_N_LLD * STVA_AUDIO_N_FUNC + STVA_AUDIO_N_UTT)

/* The extractor's name and version, "audio-v1". */
const char *stva_audio_version (void);

/* Dimension of the vector (STVA_AUDIO_DIM) and the name and unit of dimension i
 * (NULL when i is out of range).  Names look like "f0_mean", "mfcc3_delta_p80". */
size_t      stva_audio_dim (void);
const char *stva_audio_dim_name (size_t i);
const char *stva_audio_dim_unit (size_t i);

/* Name and unit of LLD j (j < STVA_AUDIO_N_LLD), NULL when out of range. */
const char *stva_audio_lld_name (size_t j);
const char *stva_audio_lld_unit (size_t j);

/* Number of LLD frames for n samples (as stva_pitch_n_frames). */
size_t stva_audio_n_frames (size_t n);

/* The LLD matrix of pcm (n samples, 16 kHz mono, ±1 full scale): lld (n_frames,
 * STVA_AUDIO_N_LLD), NAN where undefined; pitch (n_frames) receives the pitch track, or NULL.
 * STVA_ERR_NUMERIC when pcm holds NaN or Inf, STVA_ERR_NOMEM when allocation fails. */
StvaStatus stva_audio_lld (const float    *pcm_16k,
                           size_t          n,
                           float          *lld,
                           StvaPitchFrame *pitch,
                           StvaError      *error);

/* The `audio-v1` vector of one utterance into out (STVA_AUDIO_DIM floats), always finite. */
StvaStatus stva_audio_extract (const float *pcm_16k,
                               size_t       n,
                               float       *out,
                               StvaError   *error);
