/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The per-frame low-level descriptors of `audio-v1` (see stva-audio.h for the list): pitch
 * from stva-pitch, a windowed power spectrum per frame for loudness, spectral shape and MFCCs,
 * an LPC envelope for formants, and glottal cycles found by waveform correlation for jitter
 * and shimmer.  Set-up (window, mel filters, DCT, FFTs) happens once per call.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-audio-private.h"
#include "stva-audio.h"

#define RATE         16000
#define HOP          160
#define WIN          400         /* 25 ms */
#define NFFT         512
#define NBIN         (NFFT / 2 + 1)
#define N_MEL        26
#define N_MFCC       13
#define MEL_LO_HZ    20.0
#define MEL_HI_HZ    8000.0
#define LPC_ORDER    16
#define PREEMPH      0.97f
#define ROLLOFF      0.85
#define ACTIVE_DB    45.0f       /* active: within this of the loudest frame ... */
#define ACTIVE_MIN_DB (-70.0f)   /* ... and above this */
#define CYCLE_REACH  480         /* cycles within ±30 ms of a frame centre count for it */
#define HNR_MAX_DB   40.0
#define FORMANT_LO_HZ 90.0
#define FORMANT_HI_HZ 5000.0

enum
{
  L_F0, L_LOUDNESS, L_JITTER, L_SHIMMER, L_HNR,
  L_CENTROID, L_FLUX, L_SLOPE, L_ROLLOFF,
  L_MFCC, L_DMFCC = L_MFCC + N_MFCC, L_F1 = L_DMFCC + N_MFCC,
};
_Static_assert (L_F1 + 3 == STVA_AUDIO_N_LLD, "LLD table out of step with the header");

typedef struct
{
  StvaRfft spec;               /* frames' spectra */
  StvaRfft lpc;                /* LPC polynomial -> |A|² */
  float    window[WIN];        /* Hamming */
  float   *mel;                /* owned (N_MEL, NBIN) triangular weights */
  float    dct[N_MFCC][N_MEL]; /* orthonormal DCT-II rows 1..13 */
  float    prev_mag[NBIN];     /* L2-normalised magnitude of the previous frame */
  bool     have_prev;
} Analyser;

typedef struct
{
  double pos;      /* start sample of the cycle */
  float  period;   /* samples */
  float  amp;      /* peak-to-peak amplitude within the cycle */
  int    run;      /* cycles of one voiced run share it; differences never cross runs */
} Cycle;

/* ---- set-up ---------------------------------------------------------------------------------- */

static double
hz_to_mel (double hz)
{
  return 2595.0 * log10 (1.0 + hz / 700.0);
}

static double
mel_to_hz (double mel)
{
  return 700.0 * (pow (10.0, mel / 2595.0) - 1.0);
}

static void
init_mel (float *mel)
{
  double lo = hz_to_mel (MEL_LO_HZ), hi = hz_to_mel (MEL_HI_HZ);
  double edge[N_MEL + 2];
  for (int m = 0; m < N_MEL + 2; m++)
    edge[m] = mel_to_hz (lo + (hi - lo) * m / (N_MEL + 1));
  for (int m = 0; m < N_MEL; m++)
    for (int k = 0; k < NBIN; k++)
      {
        double f = (double) k * RATE / NFFT, w = 0;
        if (f > edge[m] && f <= edge[m + 1])
          w = (f - edge[m]) / (edge[m + 1] - edge[m]);
        else if (f > edge[m + 1] && f < edge[m + 2])
          w = (edge[m + 2] - f) / (edge[m + 2] - edge[m + 1]);
        mel[m * NBIN + k] = (float) w;
      }
}

static void
analyser_clear (Analyser *a)
{
  _stva_rfft_clear (&a->spec);
  _stva_rfft_clear (&a->lpc);
  free (a->mel);
  a->mel = NULL;
}

static bool
analyser_init (Analyser *a)
{
  memset (a, 0, sizeof *a);
  a->mel = malloc ((size_t) N_MEL * NBIN * sizeof *a->mel);
  if (a->mel == NULL || !_stva_rfft_init (&a->spec, NFFT, false)
      || !_stva_rfft_init (&a->lpc, NFFT, false))
    {
      analyser_clear (a);
      return false;
    }
  for (int j = 0; j < WIN; j++)
    a->window[j] = (float) (0.54 - 0.46 * cos (2 * M_PI * j / (WIN - 1)));
  init_mel (a->mel);
  for (int k = 0; k < N_MFCC; k++)
    for (int m = 0; m < N_MEL; m++)
      a->dct[k][m] = (float) (sqrt (2.0 / N_MEL) * cos (M_PI * (k + 1) * (m + 0.5) / N_MEL));
  return true;
}

/* ---- spectral descriptors -------------------------------------------------------------------- */

/* Power spectrum of the Hamming-windowed 25 ms around frame centre c (into pw, NBIN). */
static void
power_spectrum (Analyser    *a,
                const float *x,
                double      *pw)
{
  memset (a->spec.in, 0, NFFT * sizeof (float));
  for (int j = 0; j < WIN; j++)
    a->spec.in[j] = x[j] * a->window[j];
  _stva_rfft_forward (&a->spec);
  for (int k = 0; k < NBIN; k++)
    pw[k] = (double) a->spec.spec[k].re * a->spec.spec[k].re
            + (double) a->spec.spec[k].im * a->spec.spec[k].im;
}

/* Centroid, roll-off, slope and flux of one frame's power spectrum. */
static void
spectral_shape (Analyser     *a,
                const double *pw,
                float        *row)
{
  double total = 0, moment = 0;
  for (int k = 0; k < NBIN; k++)
    total += pw[k], moment += pw[k] * k * RATE / NFFT;
  row[L_CENTROID] = total > 0 ? (float) (moment / total) : 0;

  double cum = 0;
  int k_roll = 0;
  for (k_roll = 0; k_roll < NBIN - 1 && total > 0; k_roll++)
    if ((cum += pw[k_roll]) >= ROLLOFF * total)
      break;
  row[L_ROLLOFF] = (float) ((double) k_roll * RATE / NFFT);

  /* slope: least squares of dB against kHz over bins 1..NBIN-1 */
  double sx = 0, sy = 0, sxx = 0, sxy = 0, m = NBIN - 1;
  for (int k = 1; k < NBIN; k++)
    {
      double f = (double) k * RATE / NFFT / 1000.0, db = 10 * log10 (pw[k] + 1e-10);
      sx += f, sy += db, sxx += f * f, sxy += f * db;
    }
  row[L_SLOPE] = (float) ((m * sxy - sx * sy) / (m * sxx - sx * sx));

  double norm = 0, flux = 0;
  float mag[NBIN];
  for (int k = 0; k < NBIN; k++)
    norm += pw[k];
  norm = sqrt (norm);
  for (int k = 0; k < NBIN; k++)
    {
      mag[k] = norm > 0 ? (float) (sqrt (pw[k]) / norm) : 0;
      double d = mag[k] - a->prev_mag[k];
      flux += d * d;
    }
  row[L_FLUX] = a->have_prev ? (float) sqrt (flux) : 0;
  memcpy (a->prev_mag, mag, sizeof mag);
  a->have_prev = true;
}

/* Loudness and MFCCs from the mel band energies. */
static void
mel_descriptors (const Analyser *a,
                 const double   *pw,
                 float          *row)
{
  double loud = 0;
  float logmel[N_MEL];
  for (int m = 0; m < N_MEL; m++)
    {
      const float *w = a->mel + m * NBIN;
      double e = 0;
      for (int k = 0; k < NBIN; k++)
        e += w[k] * pw[k];
      loud += pow (e, 0.3);
      logmel[m] = (float) log (e + 1e-8);
    }
  row[L_LOUDNESS] = (float) loud;
  for (int k = 0; k < N_MFCC; k++)
    {
      double c = 0;
      for (int m = 0; m < N_MEL; m++)
        c += a->dct[k][m] * logmel[m];
      row[L_MFCC + k] = (float) c;
    }
}

/* ---- formants -------------------------------------------------------------------------------- */

/* Levinson-Durbin on autocorrelation r (order+1): predictor a (order+1, a[0] = 1).
 * Returns false when the frame has no energy or the recursion breaks down. */
static bool
levinson (const double *r,
          double       *a,
          int           order)
{
  double err = r[0], tmp[LPC_ORDER + 1];
  if (err <= 0)
    return false;
  memset (a, 0, (size_t) (order + 1) * sizeof *a);
  a[0] = 1;
  for (int i = 1; i <= order; i++)
    {
      double acc = r[i];
      for (int j = 1; j < i; j++)
        acc += a[j] * r[i - j];
      double k = -acc / err;
      memcpy (tmp, a, (size_t) (i + 1) * sizeof *a);
      for (int j = 1; j < i; j++)
        a[j] = tmp[j] + k * tmp[i - j];
      a[i] = k;
      err *= 1 - k * k;
      if (err <= 0)
        return false;
    }
  return true;
}

/* F1..F3: the first three peaks of the LPC envelope 1/|A|² between 90 Hz and 5 kHz (NAN for
 * any not found). */
static void
formants (Analyser    *a,
          const float *x,
          float       *row)
{
  double seg[WIN], r[LPC_ORDER + 1], lpc[LPC_ORDER + 1];
  for (int k = 0; k < 3; k++)
    row[L_F1 + k] = NAN;
  for (int j = 0; j < WIN; j++)
    seg[j] = (x[j] - (j > 0 ? PREEMPH * x[j - 1] : 0)) * a->window[j];
  for (int lag = 0; lag <= LPC_ORDER; lag++)
    {
      double s = 0;
      for (int j = lag; j < WIN; j++)
        s += seg[j] * seg[j - lag];
      r[lag] = s;
    }
  r[0] *= 1 + 1e-9;   /* a touch of white noise keeps the recursion stable */
  if (!levinson (r, lpc, LPC_ORDER))
    return;

  memset (a->lpc.in, 0, NFFT * sizeof (float));
  for (int j = 0; j <= LPC_ORDER; j++)
    a->lpc.in[j] = (float) lpc[j];
  _stva_rfft_forward (&a->lpc);
  double env[NBIN];   /* -10 log10 |A|²: the envelope in dB */
  for (int k = 0; k < NBIN; k++)
    env[k] = -10 * log10 ((double) a->lpc.spec[k].re * a->lpc.spec[k].re
                          + (double) a->lpc.spec[k].im * a->lpc.spec[k].im + 1e-20);
  int found = 0;
  for (int k = 1; k < NBIN - 1 && found < 3; k++)
    {
      double f = (double) k * RATE / NFFT;
      if (f < FORMANT_LO_HZ || f > FORMANT_HI_HZ || env[k] <= env[k - 1] || env[k] < env[k + 1])
        continue;
      double den = env[k - 1] - 2 * env[k] + env[k + 1];
      double shift = den < 0 ? 0.5 * (env[k - 1] - env[k + 1]) / den : 0;
      row[L_F1 + found++] = (float) ((k + shift) * RATE / NFFT);
    }
}

/* ---- glottal cycles: jitter, shimmer --------------------------------------------------------- */

/* Normalised correlation of x[a..a+len) with x[b..b+len). */
static double
ncorr (const float *x,
       size_t       a,
       size_t       b,
       int          len)
{
  double s = 0, ea = 0, eb = 0;
  for (int j = 0; j < len; j++)
    {
      s += (double) x[a + j] * x[b + j];
      ea += (double) x[a + j] * x[a + j];
      eb += (double) x[b + j] * x[b + j];
    }
  return ea > 0 && eb > 0 ? s / sqrt (ea * eb) : 0;
}

/* The length of the cycle starting at pos: the lag within ±20 % of the expected period whose
 * next cycle matches this one best, refined by a parabola; 0 when none matches (r < 0.5). */
static float
cycle_length (const float *x,
              size_t       n,
              size_t       pos,
              float        expect)
{
  int len = (int) lrintf (expect);
  int lo = (int) floorf (0.8f * expect), hi = (int) ceilf (1.2f * expect);
  if (pos + (size_t) hi + 1 + (size_t) len > n || lo < 2)
    return 0;
  int best = -1;
  double best_r = 0.5, r_at[3] = { 0 };
  for (int lag = lo; lag <= hi; lag++)
    {
      double r = ncorr (x, pos, pos + (size_t) lag, len);
      if (r > best_r)
        best_r = r, best = lag;
    }
  if (best < 0)
    return 0;
  for (int d = -1; d <= 1; d++)
    r_at[d + 1] = ncorr (x, pos, pos + (size_t) (best + d), len);
  double den = r_at[0] - 2 * r_at[1] + r_at[2];
  double shift = den < 0 ? 0.5 * (r_at[0] - r_at[2]) / den : 0;
  if (shift > 0.5 || shift < -0.5)
    shift = 0;
  return (float) (best + shift);
}

/* The position of the largest sample in x[pos .. pos + len), within n. */
static double
peak_at (const float *x,
         size_t       n,
         double       pos,
         float        len)
{
  size_t a = (size_t) pos, b = (size_t) (pos + len), best = a;
  for (size_t j = a; j < b && j < n; j++)
    if (x[j] > x[best])
      best = j;
  return (double) best;
}

/* Walks the voiced runs cycle by cycle, each run anchored at a waveform peak, so that a
 * cycle's peak-to-peak amplitude belongs to one glottal cycle; returns the number of cycles stored (at most cap). */
static size_t
find_cycles (const float          *x,
             size_t                n,
             const StvaPitchFrame *pitch,
             size_t                n_frames,
             Cycle                *cycles,
             size_t                cap)
{
  size_t m = 0;
  int run = 0;
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
      double pos = peak_at (x, n, (double) (i * HOP), pitch[i].period);
      double stop = (double) (end * HOP);
      while (pos < stop && m < cap)
        {
          size_t f = (size_t) pos / HOP;
          float expect = pitch[f < end ? f : end - 1].period;
          float len = cycle_length (x, n, (size_t) pos, expect);
          if (len <= 0)
            {
              run++;   /* a break: the next cycle starts a new run, at a peak */
              pos = peak_at (x, n, pos + expect, expect);
              continue;
            }
          size_t a = (size_t) pos, b = (size_t) (pos + len);
          float lo = x[a], hi = x[a];
          for (size_t j = a; j < b && j < n; j++)
            lo = fminf (lo, x[j]), hi = fmaxf (hi, x[j]);
          cycles[m++] = (Cycle) { pos, len, hi - lo, run };
          pos += len;
        }
      run++;
      i = end;
    }
  return m;
}

/* Jitter and shimmer of frame i from the cycles starting within ±CYCLE_REACH of its centre. */
static void
perturbation (const Cycle *cycles,
              size_t       n_cycles,
              size_t      *first,
              size_t       i,
              float       *row)
{
  double c = (double) (i * HOP + HOP / 2);
  while (*first < n_cycles && cycles[*first].pos < c - CYCLE_REACH)
    (*first)++;
  double sum_t = 0, sum_dt = 0, sum_da = 0;
  size_t n_t = 0, n_d = 0, n_a = 0;
  for (size_t k = *first; k < n_cycles && cycles[k].pos <= c + CYCLE_REACH; k++)
    {
      sum_t += cycles[k].period, n_t++;
      if (k > *first && cycles[k].run == cycles[k - 1].run)
        {
          sum_dt += fabs (cycles[k].period - cycles[k - 1].period), n_d++;
          if (cycles[k].amp > 0 && cycles[k - 1].amp > 0)
            sum_da += fabs (20 * log10 (cycles[k].amp / cycles[k - 1].amp)), n_a++;
        }
    }
  row[L_JITTER] = n_d >= 2 ? (float) ((sum_dt / n_d) / (sum_t / n_t)) : NAN;
  row[L_SHIMMER] = n_a >= 2 ? (float) (sum_da / n_a) : NAN;
}

/* ---- the LLD matrix -------------------------------------------------------------------------- */

/* Deltas of the MFCCs: regression over ±2 frames, edges clamped. */
static void
mfcc_deltas (float  *lld,
             size_t  n_frames)
{
  for (size_t i = 0; i < n_frames; i++)
    for (int k = 0; k < N_MFCC; k++)
      {
        double num = 0;
        for (int d = 1; d <= 2; d++)
          {
            size_t prev = i >= (size_t) d ? i - (size_t) d : 0;
            size_t next = i + (size_t) d < n_frames ? i + (size_t) d : n_frames - 1;
            num += d * (lld[next * STVA_AUDIO_N_LLD + L_MFCC + k]
                        - lld[prev * STVA_AUDIO_N_LLD + L_MFCC + k]);
          }
        lld[i * STVA_AUDIO_N_LLD + L_DMFCC + k] = (float) (num / 10.0);
      }
}

/* Marks the voiced-only and active-only LLDs undefined where they do not apply. */
static void
mask_frames (float                *lld,
             const StvaPitchFrame *pitch,
             size_t                n_frames)
{
  float loudest = -1e9f;
  for (size_t i = 0; i < n_frames; i++)
    loudest = fmaxf (loudest, pitch[i].rms_db);
  float floor_db = fmaxf (ACTIVE_MIN_DB, loudest - ACTIVE_DB);
  for (size_t i = 0; i < n_frames; i++)
    {
      float *row = lld + i * STVA_AUDIO_N_LLD;
      if (pitch[i].f0_hz <= 0)
        {
          row[L_F0] = row[L_JITTER] = row[L_SHIMMER] = row[L_HNR] = NAN;
          row[L_F1] = row[L_F1 + 1] = row[L_F1 + 2] = NAN;
        }
      if (!(pitch[i].rms_db > floor_db))
        for (int j = L_CENTROID; j < L_F1; j++)
          row[j] = NAN;
    }
}

static void
voice_descriptors (const StvaPitchFrame *p,
                   float                *row)
{
  double r = p->periodicity;
  r = r < 1e-4 ? 1e-4 : r > 1 - 1e-4 ? 1 - 1e-4 : r;
  double hnr = 10 * log10 (r / (1 - r));
  row[L_HNR] = (float) (hnr > HNR_MAX_DB ? HNR_MAX_DB : hnr < -HNR_MAX_DB ? -HNR_MAX_DB : hnr);
  row[L_F0] = p->f0_hz > 0 ? (float) (12 * log2 (p->f0_hz / 27.5)) : NAN;
}

StvaStatus
stva_audio_lld (const float    *pcm_16k,
                size_t          n,
                float          *lld,
                StvaPitchFrame *pitch,
                StvaError      *error)
{
  size_t n_frames = stva_audio_n_frames (n);
  StvaPitchFrame *own_pitch = NULL;
  float *padded = NULL;
  Cycle *cycles = NULL;
  Analyser a;
  StvaStatus status;

  assert (lld != NULL && (pcm_16k != NULL || n == 0));
  if (!analyser_init (&a))
    return stva_error_set (error, STVA_ERR_NOMEM, "audio: out of memory");
  if (pitch == NULL)
    pitch = own_pitch = malloc (n_frames * sizeof *pitch);
  size_t pad = WIN;
  padded = calloc (n + 2 * pad + HOP, sizeof *padded);
  size_t cap = n / 20 + 16;   /* cycles are at least 2.5 ms (400 Hz and a margin) */
  cycles = malloc (cap * sizeof *cycles);
  if (pitch == NULL || padded == NULL || cycles == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "audio: out of memory for %zu samples", n);
      goto out;
    }
  status = stva_pitch_track (pcm_16k, n, NULL, pitch, error);
  if (status != STVA_OK)
    goto out;
  if (n > 0)
    memcpy (padded + pad, pcm_16k, n * sizeof *pcm_16k);

  size_t n_cycles = find_cycles (padded + pad, n, pitch, n_frames, cycles, cap);
  size_t first_cycle = 0;
  double pw[NBIN];
  for (size_t i = 0; i < n_frames; i++)
    {
      float *row = lld + i * STVA_AUDIO_N_LLD;
      const float *x = padded + pad + i * HOP + HOP / 2 - WIN / 2;
      power_spectrum (&a, x, pw);
      spectral_shape (&a, pw, row);
      mel_descriptors (&a, pw, row);
      voice_descriptors (&pitch[i], row);
      perturbation (cycles, n_cycles, &first_cycle, i, row);
      if (pitch[i].f0_hz > 0)
        formants (&a, x, row);
    }
  mfcc_deltas (lld, n_frames);
  mask_frames (lld, pitch, n_frames);

out:
  free (own_pitch);
  free (padded);
  free (cycles);
  analyser_clear (&a);
  return status;
}
