/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * YIN pitch tracker (see stva-pitch.h).  Per frame, the difference function
 *   d(τ) = Σ_{j<W} (x_j − x_{j+τ})² = e_0 + e_τ − 2 c(τ)
 * takes its energies e from a prefix sum and its cross term c from one real FFT pair (the
 * direct sum would cost W·τ_max per frame).  Pass one finds each frame's dip and its other
 * candidate dips; pass two decides voicing against the utterance's loudest frame and applies
 * the octave guards.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/mem.h>

#include "stva-audio-private.h"
#include "stva-pitch.h"

#define MAX_CANDIDATES   8       /* dips kept per frame for the octave guard */
#define OCTAVE_FAR       0.75f   /* |log2 (f0 / median)| beyond which a frame is suspect */
#define OCTAVE_NEAR      0.5f    /* ... and within which a candidate is acceptable */
#define CANDIDATE_SLACK  0.15f   /* a replacement dip may be this much shallower */
#define ABS_SILENCE_DB   (-70.0f)
#define DB_FLOOR         (-120.0f)

typedef struct
{
  float period;       /* samples, interpolated */
  float value;        /* d' at the dip */
  float corr;         /* normalised autocorrelation at the integer lag */
} Dip;

typedef struct
{
  StvaPitchConfig cfg;
  int             tau_min, tau_max;
  int             seg_len;     /* W + tau_max + 1 samples read per frame */
  StvaRfft        fft;
  AVComplexFloat *a_spec;      /* owned (N/2+1): spectrum of the first W samples */
  double         *prefix;      /* owned (seg_len + 1): prefix sums of x² */
  float          *dprime;      /* owned (tau_max + 2): d'(τ) */
  float          *corr;        /* owned (tau_max + 2): normalised autocorrelation r(τ) */
  Dip            *dips;        /* owned (n_frames · MAX_CANDIDATES) */
  int            *n_dips;      /* owned (n_frames) */
} Tracker;

/* ---- helpers --------------------------------------------------------------------------------- */

void
stva_pitch_config_init (StvaPitchConfig *cfg)
{
  *cfg = (StvaPitchConfig) {
    .min_hz = 60.0f,
    .max_hz = 600.0f,
    .threshold = 0.15f,
    .voicing_max = 0.35f,
    .silence_db = 45.0f,
  };
}

size_t
stva_pitch_n_frames (size_t n)
{
  size_t m = n / STVA_PITCH_HOP;
  return m > 0 ? m : 1;
}

static void
tracker_clear (Tracker *t)
{
  _stva_rfft_clear (&t->fft);
  av_freep (&t->a_spec);
  free (t->prefix);
  free (t->dprime);
  free (t->corr);
  free (t->dips);
  free (t->n_dips);
  memset (t, 0, sizeof *t);
}

static bool
tracker_init (Tracker               *t,
              const StvaPitchConfig *cfg,
              size_t                 n_frames)
{
  memset (t, 0, sizeof *t);
  t->cfg = *cfg;
  t->tau_min = (int) floorf (STVA_PITCH_RATE_HZ / cfg->max_hz);
  t->tau_max = (int) ceilf (STVA_PITCH_RATE_HZ / cfg->min_hz);
  if (t->tau_min < 2)
    t->tau_min = 2;
  t->seg_len = STVA_PITCH_WINDOW + t->tau_max + 1;
  int nfft = _stva_next_pow2 (t->seg_len);
  if (!_stva_rfft_init (&t->fft, nfft, true))
    return false;
  t->a_spec = av_malloc ((size_t) (nfft / 2 + 1) * sizeof *t->a_spec);
  t->prefix = malloc ((size_t) (t->seg_len + 1) * sizeof *t->prefix);
  t->dprime = malloc ((size_t) (t->tau_max + 2) * sizeof *t->dprime);
  t->corr = malloc ((size_t) (t->tau_max + 2) * sizeof *t->corr);
  t->dips = malloc (n_frames * MAX_CANDIDATES * sizeof *t->dips);
  t->n_dips = calloc (n_frames, sizeof *t->n_dips);
  if (t->a_spec == NULL || t->prefix == NULL || t->dprime == NULL || t->corr == NULL
      || t->dips == NULL || t->n_dips == NULL)
    {
      tracker_clear (t);
      return false;
    }
  return true;
}

/* c(τ) = Σ_{j<W} x_j x_{j+τ} for τ = 0..tau_max into t->fft.out, via conj (A)·B. */
static void
cross_correlate (Tracker     *t,
                 const float *x)
{
  StvaRfft *f = &t->fft;
  int half = f->n / 2 + 1;

  memset (f->in, 0, (size_t) f->n * sizeof *f->in);
  memcpy (f->in, x, STVA_PITCH_WINDOW * sizeof *x);
  _stva_rfft_forward (f);
  memcpy (t->a_spec, f->spec, (size_t) half * sizeof *f->spec);

  memcpy (f->in, x, (size_t) t->seg_len * sizeof *x);
  _stva_rfft_forward (f);
  for (int k = 0; k < half; k++)
    {
      AVComplexFloat a = t->a_spec[k], b = f->spec[k];
      f->spec[k] = (AVComplexFloat) { a.re * b.re + a.im * b.im, a.re * b.im - a.im * b.re };
    }
  _stva_rfft_inverse (f);
}

/* Fills t->dprime and t->corr for the segment x (seg_len samples); returns e_0. */
static double
difference_function (Tracker     *t,
                     const float *x)
{
  const int W = STVA_PITCH_WINDOW;
  double *p = t->prefix;

  p[0] = 0;
  for (int j = 0; j < t->seg_len; j++)
    p[j + 1] = p[j] + (double) x[j] * x[j];
  cross_correlate (t, x);

  double e0 = p[W], running = 0;
  t->dprime[0] = 1.0f;
  t->corr[0] = 1.0f;
  for (int tau = 1; tau <= t->tau_max; tau++)
    {
      double et = p[tau + W] - p[tau];
      double c = t->fft.out[tau];
      double d = e0 + et - 2 * c;
      if (d < 0)
        d = 0;
      running += d;
      t->dprime[tau] = running > 0 ? (float) (d * tau / running) : 1.0f;
      double den = sqrt (e0 * et);
      double r = den > 1e-20 ? c / den : 0;
      t->corr[tau] = (float) (r < 0 ? 0 : r > 1 ? 1 : r);
    }
  t->dprime[t->tau_max + 1] = 1.0f;
  return e0;
}

/* Parabolic refinement of the dip at integer tau: fractional period and value there. */
static Dip
refine_dip (const Tracker *t,
            int            tau)
{
  Dip dip = { (float) tau, t->dprime[tau], t->corr[tau] };
  if (tau <= t->tau_min || tau >= t->tau_max)
    return dip;
  float a = t->dprime[tau - 1], b = t->dprime[tau], c = t->dprime[tau + 1];
  float den = a - 2 * b + c;
  if (den <= 0)
    return dip;
  float shift = 0.5f * (a - c) / den;
  if (shift > 0.5f || shift < -0.5f)
    return dip;
  dip.period = tau + shift;
  dip.value = b - 0.25f * (a - c) * shift;
  /* the autocorrelation peaks at the same fractional lag: evaluate its parabola there */
  float ra = t->corr[tau - 1], rb = t->corr[tau], rc = t->corr[tau + 1];
  float r = rb + 0.5f * (rc - ra) * shift + 0.5f * (ra - 2 * rb + rc) * shift * shift;
  dip.corr = r > 1 ? 1 : r < rb ? rb : r;
  if (dip.value < 0)
    dip.value = 0;
  return dip;
}

/* YIN's choice: the first τ with d' below the threshold, followed down to its local minimum;
 * without one, the global minimum. */
static int
choose_tau (const Tracker *t)
{
  const float *dp = t->dprime;
  for (int tau = t->tau_min; tau <= t->tau_max; tau++)
    if (dp[tau] < t->cfg.threshold)
      {
        while (tau < t->tau_max && dp[tau + 1] < dp[tau])
          tau++;
        return tau;
      }
  int best = t->tau_min;
  for (int tau = t->tau_min + 1; tau <= t->tau_max; tau++)
    if (dp[tau] < dp[best])
      best = tau;
  return best;
}

/* Keeps up to MAX_CANDIDATES local minima of d' below voicing_max, for the octave guard. */
static void
collect_dips (Tracker *t,
              size_t   i)
{
  const float *dp = t->dprime;
  Dip *out = t->dips + i * MAX_CANDIDATES;
  int k = 0;
  for (int tau = t->tau_min + 1; tau < t->tau_max && k < MAX_CANDIDATES; tau++)
    if (dp[tau] < dp[tau - 1] && dp[tau] <= dp[tau + 1] && dp[tau] < t->cfg.voicing_max)
      out[k++] = refine_dip (t, tau);
  t->n_dips[i] = k;
}

/* Pass one: the dip, periodicity and level of frame i. */
static void
analyse_frame (Tracker        *t,
               const float    *x,
               size_t          i,
               StvaPitchFrame *fr)
{
  double e0 = difference_function (t, x);
  double rms = sqrt (e0 / STVA_PITCH_WINDOW);
  fr->rms_db = rms > 1e-6 ? (float) (20 * log10 (rms)) : DB_FLOOR;
  if (fr->rms_db < DB_FLOOR)
    fr->rms_db = DB_FLOOR;
  if (e0 <= 0)
    {
      fr->aperiodicity = 1.0f;
      t->n_dips[i] = 0;
      return;
    }
  int tau = choose_tau (t);
  Dip dip = refine_dip (t, tau);
  fr->period = dip.period;
  fr->aperiodicity = dip.value;
  fr->periodicity = dip.corr;
  collect_dips (t, i);
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Median of log2 F0 over voiced frames; returns false when fewer than 3 are voiced. */
static bool
median_log_f0 (const StvaPitchFrame *frames,
               size_t                n_frames,
               float                *median)
{
  float *v = malloc (n_frames * sizeof *v);
  size_t m = 0;
  if (v == NULL)
    return false;
  for (size_t i = 0; i < n_frames; i++)
    if (frames[i].f0_hz > 0)
      v[m++] = log2f (frames[i].f0_hz);
  bool ok = m >= 3;
  if (ok)
    {
      qsort (v, m, sizeof *v, compare_float);
      *median = m % 2 ? v[m / 2] : 0.5f * (v[m / 2 - 1] + v[m / 2]);
    }
  free (v);
  return ok;
}

/* Octave guard: moves a frame far from the median to a nearby, almost-as-deep dip. */
static void
fix_octaves (const Tracker  *t,
             StvaPitchFrame *frames,
             size_t          n_frames)
{
  float med;
  if (!median_log_f0 (frames, n_frames, &med))
    return;
  for (size_t i = 0; i < n_frames; i++)
    {
      StvaPitchFrame *fr = &frames[i];
      if (fr->f0_hz <= 0 || fabsf (log2f (fr->f0_hz) - med) <= OCTAVE_FAR)
        continue;
      const Dip *d = t->dips + i * MAX_CANDIDATES;
      int best = -1;
      float best_dist = OCTAVE_NEAR;
      for (int k = 0; k < t->n_dips[i]; k++)
        {
          float dist = fabsf (log2f (STVA_PITCH_RATE_HZ / d[k].period) - med);
          if (dist < best_dist && d[k].value < fr->aperiodicity + CANDIDATE_SLACK)
            best = k, best_dist = dist;
        }
      if (best >= 0)
        {
          fr->period = d[best].period;
          fr->f0_hz = STVA_PITCH_RATE_HZ / d[best].period;
          fr->aperiodicity = d[best].value;
          fr->periodicity = d[best].corr;
        }
    }
}

/* Pass two: voicing against the loudest frame, octave guard, lone voiced frames dropped. */
static void
decide_voicing (const Tracker  *t,
                StvaPitchFrame *frames,
                size_t          n_frames)
{
  float loudest = DB_FLOOR;
  for (size_t i = 0; i < n_frames; i++)
    if (frames[i].rms_db > loudest)
      loudest = frames[i].rms_db;
  float floor_db = fmaxf (ABS_SILENCE_DB, loudest - t->cfg.silence_db);

  for (size_t i = 0; i < n_frames; i++)
    {
      StvaPitchFrame *fr = &frames[i];
      bool voiced = fr->period > 0 && fr->aperiodicity < t->cfg.voicing_max
                    && fr->rms_db > floor_db;
      fr->f0_hz = voiced ? STVA_PITCH_RATE_HZ / fr->period : 0;
    }
  fix_octaves (t, frames, n_frames);
  for (size_t i = 0; i < n_frames; i++)
    {
      bool left = i > 0 && frames[i - 1].f0_hz > 0;
      bool right = i + 1 < n_frames && frames[i + 1].f0_hz > 0;
      if (frames[i].f0_hz > 0 && !left && !right && n_frames > 1)
        frames[i].f0_hz = 0;
    }
  for (size_t i = 0; i < n_frames; i++)
    if (frames[i].f0_hz <= 0)
      {
        frames[i].f0_hz = 0;
        frames[i].period = 0;
        frames[i].periodicity = 0;
      }
}

/* ---- public API ------------------------------------------------------------------------------ */

StvaStatus
stva_pitch_track (const float           *pcm,
                  size_t                 n,
                  const StvaPitchConfig *cfg,
                  StvaPitchFrame        *frames,
                  StvaError             *error)
{
  StvaPitchConfig defaults;
  StvaStatus status = STVA_OK;
  Tracker t;
  float *padded = NULL;

  assert (frames != NULL && (pcm != NULL || n == 0));
  if (cfg == NULL)
    {
      stva_pitch_config_init (&defaults);
      cfg = &defaults;
    }
  if (!(cfg->min_hz >= 20 && cfg->max_hz > cfg->min_hz && cfg->max_hz <= 4000
        && cfg->threshold > 0 && cfg->voicing_max > 0))
    return stva_error_set (error, STVA_ERR_INVALID,
                           "pitch: bad configuration (%g..%g Hz, threshold %g, voicing %g)",
                           cfg->min_hz, cfg->max_hz, cfg->threshold, cfg->voicing_max);
  for (size_t i = 0; i < n; i++)
    if (!isfinite (pcm[i]))
      return stva_error_set (error, STVA_ERR_NUMERIC, "pitch: sample %zu is not finite", i);

  size_t n_frames = stva_pitch_n_frames (n);
  if (!tracker_init (&t, cfg, n_frames))
    return stva_error_set (error, STVA_ERR_NOMEM, "pitch: out of memory for %zu frames",
                           n_frames);

  /* zeros around the signal: each frame reads seg_len samples starting about half a
   * segment before its centre */
  size_t pad = (size_t) t.seg_len + STVA_PITCH_HOP;
  size_t n_padded = n + 2 * pad + (size_t) t.seg_len;
  padded = calloc (n_padded, sizeof *padded);
  if (padded == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "pitch: out of memory for %zu samples",
                               n);
      goto out;
    }
  if (n > 0)
    memcpy (padded + pad, pcm, n * sizeof *pcm);

  for (size_t i = 0; i < n_frames; i++)
    {
      size_t centre = i * STVA_PITCH_HOP + STVA_PITCH_HOP / 2;
      const float *x = padded + pad + centre - (size_t) (t.seg_len / 2);
      frames[i] = (StvaPitchFrame) { 0 };
      analyse_frame (&t, x, i, &frames[i]);
    }
  decide_voicing (&t, frames, n_frames);

out:
  free (padded);
  tracker_clear (&t);
  return status;
}
