/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the audio feature files share: a real FFT through FFmpeg's av_tx, with its buffers.
 * Not part of core's API.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libavutil/tx.h>

typedef struct
{
  int               n;        /* transform length (a power of two) */
  AVTXContext      *fwd;      /* owned: real -> complex, n -> n/2+1 */
  av_tx_fn          fwd_fn;
  AVTXContext      *inv;      /* owned: complex -> real, unscaled (or NULL when not asked for) */
  av_tx_fn          inv_fn;
  float            *in;       /* owned, av_malloc'ed (n + 2) floats: time-domain input */
  AVComplexFloat   *spec;     /* owned, av_malloc'ed (n/2 + 1) */
  float            *out;      /* owned, av_malloc'ed (n + 2) floats: inverse output */
} StvaRfft;

/* Sets up transforms of length n (a power of two); with_inverse adds the inverse transform.
 * Returns false on allocation failure (then *f is cleared). */
bool _stva_rfft_init (StvaRfft *f, int n, bool with_inverse);
void _stva_rfft_clear (StvaRfft *f);

/* f->in (n floats, caller-filled) -> f->spec (n/2+1 bins). */
void _stva_rfft_forward (StvaRfft *f);

/* f->spec -> f->out, scaled by 1/n so that inverse (forward (x)) = x.  Overwrites f->spec. */
void _stva_rfft_inverse (StvaRfft *f);

/* Smallest power of two >= n (n >= 1). */
int _stva_next_pow2 (int n);
