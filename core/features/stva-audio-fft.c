/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin wrapper over av_tx's real FFT (see stva-audio-private.h): one context per direction
 * and aligned buffers, set up once per extraction and reused for every frame.
 */
#include <string.h>

#include <libavutil/mem.h>

#include "stva-audio-private.h"

bool
_stva_rfft_init (StvaRfft *f,
                 int       n,
                 bool      with_inverse)
{
  float scale = 1.0f;
  float inv_scale = 1.0f / (float) n;

  memset (f, 0, sizeof *f);
  f->n = n;
  if (av_tx_init (&f->fwd, &f->fwd_fn, AV_TX_FLOAT_RDFT, 0, n, &scale, 0) < 0)
    goto fail;
  if (with_inverse
      && av_tx_init (&f->inv, &f->inv_fn, AV_TX_FLOAT_RDFT, 1, n, &inv_scale, 0) < 0)
    goto fail;
  f->in = av_mallocz ((size_t) (n + 2) * sizeof *f->in);
  f->spec = av_mallocz ((size_t) (n / 2 + 1) * sizeof *f->spec);
  f->out = av_mallocz ((size_t) (n + 2) * sizeof *f->out);
  if (f->in == NULL || f->spec == NULL || f->out == NULL)
    goto fail;
  return true;

fail:
  _stva_rfft_clear (f);
  return false;
}

void
_stva_rfft_clear (StvaRfft *f)
{
  av_tx_uninit (&f->fwd);
  av_tx_uninit (&f->inv);
  av_freep (&f->in);
  av_freep (&f->spec);
  av_freep (&f->out);
  memset (f, 0, sizeof *f);
}

void
_stva_rfft_forward (StvaRfft *f)
{
  f->fwd_fn (f->fwd, f->spec, f->in, sizeof (float));
}

void
_stva_rfft_inverse (StvaRfft *f)
{
  f->inv_fn (f->inv, f->out, f->spec, sizeof (float));   /* stride: one output sample */
}

int
_stva_next_pow2 (int n)
{
  int p = 1;
  while (p < n)
    p *= 2;
  return p;
}
