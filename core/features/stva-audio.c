/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `audio-v1` (see stva-audio.h): functionals over the LLD matrix of stva-audio-lld.c, the
 * utterance-level rhythm values, and the table of dimension names and units, built once.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-audio.h"

#define FRAME_S        0.01
#define NAME_MAX_CHARS 32
#define PEAK_REACH     5       /* a loudness peak is the maximum of ±50 ms */
#define MIN_SEGMENT    3       /* voiced runs shorter than 30 ms do not count as segments */

static const struct
{
  const char *name;
  const char *unit;
  const char *delta_unit;   /* unit of the slope functional */
} lld_info[STVA_AUDIO_N_LLD] = {
  { "f0", "st", "st/s" },
  { "loudness", "a.u.", "a.u./s" },
  { "jitter", "1", "1/s" },
  { "shimmer", "dB", "dB/s" },
  { "hnr", "dB", "dB/s" },
  { "spectral_centroid", "Hz", "Hz/s" },
  { "spectral_flux", "1", "1/s" },
  { "spectral_slope", "dB/kHz", "dB/kHz/s" },
  { "spectral_rolloff", "Hz", "Hz/s" },
#define MFCC_INFO(k) { "mfcc" #k, "1", "1/s" }
  MFCC_INFO (1), MFCC_INFO (2), MFCC_INFO (3), MFCC_INFO (4), MFCC_INFO (5), MFCC_INFO (6),
  MFCC_INFO (7), MFCC_INFO (8), MFCC_INFO (9), MFCC_INFO (10), MFCC_INFO (11), MFCC_INFO (12),
  MFCC_INFO (13),
#define DMFCC_INFO(k) { "mfcc" #k "_delta", "1/frame", "1/frame/s" }
  DMFCC_INFO (1), DMFCC_INFO (2), DMFCC_INFO (3), DMFCC_INFO (4), DMFCC_INFO (5),
  DMFCC_INFO (6), DMFCC_INFO (7), DMFCC_INFO (8), DMFCC_INFO (9), DMFCC_INFO (10),
  DMFCC_INFO (11), DMFCC_INFO (12), DMFCC_INFO (13),
  { "f1", "Hz", "Hz/s" },
  { "f2", "Hz", "Hz/s" },
  { "f3", "Hz", "Hz/s" },
};

static const char *func_names[STVA_AUDIO_N_FUNC] = {
  "mean", "std", "p20", "p50", "p80", "slope", "range",
};

static const StvaFeatureDim utt_dims[STVA_AUDIO_N_UTT] = {
  { "voiced_ratio", "1" },
  { "voiced_segments_per_s", "1/s" },
  { "loudness_peaks_per_s", "1/s" },
  { "mean_voiced_segment_s", "s" },
  { "mean_pause_s", "s" },
  { "active_ratio", "1" },
  { "duration_s", "s" },
};

static char           dim_names[STVA_AUDIO_DIM][NAME_MAX_CHARS];
static StvaFeatureDim dims[STVA_AUDIO_DIM];
static pthread_once_t dims_once = PTHREAD_ONCE_INIT;

/* ---- names ----------------------------------------------------------------------------------- */

static void
build_dims (void)
{
  size_t d = 0;
  for (size_t j = 0; j < STVA_AUDIO_N_LLD; j++)
    for (size_t f = 0; f < STVA_AUDIO_N_FUNC; f++, d++)
      {
        snprintf (dim_names[d], NAME_MAX_CHARS, "%s_%s", lld_info[j].name, func_names[f]);
        dims[d].name = dim_names[d];
        dims[d].unit = f == 5 ? lld_info[j].delta_unit : lld_info[j].unit;
      }
  for (size_t u = 0; u < STVA_AUDIO_N_UTT; u++, d++)
    dims[d] = utt_dims[u];
  assert (d == STVA_AUDIO_DIM);
}

const char *
stva_audio_version (void)
{
  return STVA_AUDIO_EXTRACTOR;
}

size_t
stva_audio_dim (void)
{
  return STVA_AUDIO_DIM;
}

const char *
stva_audio_dim_name (size_t i)
{
  pthread_once (&dims_once, build_dims);
  return i < STVA_AUDIO_DIM ? dims[i].name : NULL;
}

const char *
stva_audio_dim_unit (size_t i)
{
  pthread_once (&dims_once, build_dims);
  return i < STVA_AUDIO_DIM ? dims[i].unit : NULL;
}

const char *
stva_audio_lld_name (size_t j)
{
  return j < STVA_AUDIO_N_LLD ? lld_info[j].name : NULL;
}

const char *
stva_audio_lld_unit (size_t j)
{
  return j < STVA_AUDIO_N_LLD ? lld_info[j].unit : NULL;
}

size_t
stva_audio_n_frames (size_t n)
{
  return stva_pitch_n_frames (n);
}

/* ---- functionals ----------------------------------------------------------------------------- */

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Percentile q (0..1) of sorted v (m > 0), linearly interpolated. */
static double
percentile (const float *v,
            size_t       m,
            double       q)
{
  double pos = q * (double) (m - 1);
  size_t lo = (size_t) pos;
  size_t hi = lo + 1 < m ? lo + 1 : lo;
  double w = pos - (double) lo;
  return (1 - w) * v[lo] + w * v[hi];
}

/* The seven functionals of LLD column j over its defined frames; zeros when there are none.
 * scratch holds n_frames floats. */
static void
functionals (const float *lld,
             size_t       n_frames,
             size_t       j,
             float       *scratch,
             float       *out)
{
  double sum = 0, st = 0, stt = 0, sv = 0, stv = 0;
  size_t m = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float v = lld[i * STVA_AUDIO_N_LLD + j];
      if (!isfinite (v))
        continue;
      double t = (double) i * FRAME_S;
      scratch[m++] = v;
      sum += v, st += t, stt += t * t, sv += v, stv += t * v;
    }
  memset (out, 0, STVA_AUDIO_N_FUNC * sizeof *out);
  if (m == 0)
    return;
  double mean = sum / (double) m, var = 0;
  for (size_t k = 0; k < m; k++)
    var += (scratch[k] - mean) * (scratch[k] - mean);
  qsort (scratch, m, sizeof *scratch, compare_float);
  double den = (double) m * stt - st * st;
  out[0] = (float) mean;
  out[1] = (float) sqrt (var / (double) m);
  out[2] = (float) percentile (scratch, m, 0.20);
  out[3] = (float) percentile (scratch, m, 0.50);
  out[4] = (float) percentile (scratch, m, 0.80);
  out[5] = m >= 2 && den > 0 ? (float) (((double) m * stv - st * sv) / den) : 0;
  out[6] = (float) (percentile (scratch, m, 0.95) - percentile (scratch, m, 0.05));
}

/* ---- utterance values ------------------------------------------------------------------------ */

/* Voiced segments (runs of >= MIN_SEGMENT voiced frames), their mean length and the mean pause
 * between consecutive segments. */
static void
rhythm (const StvaPitchFrame *pitch,
        size_t                n_frames,
        double               *n_segments,
        double               *mean_segment_s,
        double               *mean_pause_s)
{
  size_t segs = 0, seg_frames = 0, pauses = 0, pause_frames = 0, last_end = 0;
  for (size_t i = 0; i < n_frames;)
    {
      if (pitch[i].f0_hz <= 0)
        {
          i++;
          continue;
        }
      size_t end = i;
      while (end < n_frames && pitch[end].f0_hz > 0)
        end++;
      if (end - i >= MIN_SEGMENT)
        {
          if (segs > 0)
            pauses++, pause_frames += i - last_end;
          segs++, seg_frames += end - i, last_end = end;
        }
      i = end;
    }
  *n_segments = (double) segs;
  *mean_segment_s = segs ? (double) seg_frames * FRAME_S / (double) segs : 0;
  *mean_pause_s = pauses ? (double) pause_frames * FRAME_S / (double) pauses : 0;
}

/* Loudness peaks: frames that are the maximum within ±PEAK_REACH and rise above the 20th
 * percentile by more than half the 20–80 percentile spread (f holds loudness's functionals). */
static size_t
loudness_peaks (const float *lld,
                size_t       n_frames,
                const float *f)
{
  double level = f[2] + 0.5 * (f[4] - f[2]);
  size_t peaks = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      float v = lld[i * STVA_AUDIO_N_LLD + 1];
      if (!(v > level) || f[4] <= f[2])
        continue;
      bool is_max = true;
      size_t lo = i >= PEAK_REACH ? i - PEAK_REACH : 0;
      for (size_t k = lo; k < n_frames && k <= i + PEAK_REACH && is_max; k++)
        {
          float w = lld[k * STVA_AUDIO_N_LLD + 1];
          is_max = k == i || w < v || (w == v && k > i);
        }
      peaks += is_max;
    }
  return peaks;
}

/* ---- public API ------------------------------------------------------------------------------ */

StvaStatus
stva_audio_extract (const float *pcm_16k,
                    size_t       n,
                    float       *out,
                    StvaError   *error)
{
  size_t n_frames = stva_audio_n_frames (n);
  float *lld = malloc (n_frames * STVA_AUDIO_N_LLD * sizeof *lld);
  float *scratch = malloc (n_frames * sizeof *scratch);
  StvaPitchFrame *pitch = malloc (n_frames * sizeof *pitch);
  StvaStatus status = STVA_OK;

  assert (out != NULL);
  if (lld == NULL || scratch == NULL || pitch == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "audio: out of memory for %zu frames",
                               n_frames);
      goto out;
    }
  status = stva_audio_lld (pcm_16k, n, lld, pitch, error);
  if (status != STVA_OK)
    goto out;

  for (size_t j = 0; j < STVA_AUDIO_N_LLD; j++)
    functionals (lld, n_frames, j, scratch, out + j * STVA_AUDIO_N_FUNC);

  size_t voiced = 0, active = 0;
  for (size_t i = 0; i < n_frames; i++)
    {
      voiced += pitch[i].f0_hz > 0;
      active += isfinite (lld[i * STVA_AUDIO_N_LLD + 5]);   /* centroid: active frames only */
    }
  double duration_s = (double) n / STVA_PITCH_RATE_HZ;
  double per_s = duration_s > 0 ? 1.0 / duration_s : 0;
  double n_segments, mean_segment_s, mean_pause_s;
  rhythm (pitch, n_frames, &n_segments, &mean_segment_s, &mean_pause_s);
  size_t peaks = loudness_peaks (lld, n_frames, out + 1 * STVA_AUDIO_N_FUNC);

  float *u = out + STVA_AUDIO_N_LLD * STVA_AUDIO_N_FUNC;
  u[0] = (float) voiced / (float) n_frames;
  u[1] = (float) (n_segments * per_s);
  u[2] = (float) ((double) peaks * per_s);
  u[3] = (float) mean_segment_s;
  u[4] = (float) mean_pause_s;
  u[5] = (float) active / (float) n_frames;
  u[6] = (float) duration_s;
  for (size_t d = 0; d < STVA_AUDIO_DIM; d++)   /* the promise: always finite */
    if (!isfinite (out[d]))
      out[d] = 0;

out:
  free (lld);
  free (scratch);
  free (pitch);
  return status;
}
