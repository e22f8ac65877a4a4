/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dense masked multi-head attention with relation biases (see stva-attention.h).  Heads are
 * strided views into the (T, C) tensors (leading dimension C), so each head's Q·Kᵀ and α·V is
 * one cblas_sgemm with no copies.  The forward writes scores straight into alpha and turns them
 * into probabilities in place; masked entries become -INFINITY, which the row softmax treats as
 * masked (and an all-masked row as zeros).
 *
 * Backward, per head, with dA = dout_h · V_hᵀ and dS = α ⊙ (dA - Σ_j α·dA) (the softmax
 * Jacobian, zero where masked):
 *   dV_h += αᵀ · dout_h,  dQ_h += dS · K_h / sqrt(C/H),  dK_h += dSᵀ · Q_h / sqrt(C/H),
 *   dbias[r][h] += Σ over edges of relation r of dS.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "stva-attention.h"
#include "stva-softmax.h"

#define REL_BLOCK 64   /* relations whose bias gradients are summed at once, in double */

void
stva_attn_forward (float       *out,     /* (Tq, C) */
                   float       *alpha,   /* (H, Tq, Tk) */
                   const float *q,       /* (Tq, C) */
                   const float *k,       /* (Tk, C) */
                   const float *v,       /* (Tk, C) */
                   const int   *rel,     /* (Tq, Tk), -1 = no edge */
                   const float *bias,    /* (R, H) or NULL */
                   size_t       Tq,
                   size_t       Tk,
                   size_t       C,
                   size_t       H,
                   size_t       R)
{
  assert (out != NULL && alpha != NULL && q != NULL && k != NULL && v != NULL && rel != NULL);
  assert (H > 0 && C % H == 0);
  if (Tq == 0)
    return;
  if (Tk == 0 || C == 0)
    {
      memset (out, 0, Tq * C * sizeof (float));
      return;
    }
  size_t hs = C / H;
  float scale = (float) (1.0 / sqrt ((double) hs));

  for (size_t h = 0; h < H; h++)
    {
      float *a = alpha + h * Tq * Tk;   /* (Tq, Tk) */
      /* a = q_h (Tq, hs) · k_hᵀ (hs, Tk) · scale */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) Tq, (int) Tk, (int) hs,
                   scale, q + h * hs, (int) C, k + h * hs, (int) C, 0.0f, a, (int) Tk);
      for (size_t i = 0; i < Tq; i++)
        {
          float *row = a + i * Tk;
          const int *rrow = rel + i * Tk;
          for (size_t j = 0; j < Tk; j++)
            {
              int r = rrow[j];
              if (r < 0)
                row[j] = -INFINITY;
              else if (bias != NULL)
                {
                  assert ((size_t) r < R);
                  row[j] += bias[(size_t) r * H + h];
                }
            }
          stva_softmax_row (row, row, NULL, Tk);
        }
      /* out_h (Tq, hs) = a (Tq, Tk) · v_h (Tk, hs) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) Tq, (int) hs, (int) Tk,
                   1.0f, a, (int) Tk, v + h * hs, (int) C, 0.0f, out + h * hs, (int) C);
    }
}

size_t
stva_attn_scratch_size (size_t Tq,
                        size_t Tk)
{
  return Tq * Tk;
}

/* dbias[r][h] += Σ_{i,j: rel[i][j] = r} ds[i][j], summed in double a block of relations at a
 * time. */
static void
sum_bias_grad (float       *dbias,   /* (R, H), += */
               const float *ds,      /* (Tq, Tk) */
               const int   *rel,     /* (Tq, Tk) */
               size_t       n,       /* Tq · Tk */
               size_t       h,
               size_t       H,
               size_t       R)
{
  for (size_t r0 = 0; r0 < R; r0 += REL_BLOCK)
    {
      size_t nr = R - r0 < REL_BLOCK ? R - r0 : REL_BLOCK;
      double acc[REL_BLOCK] = { 0 };
      for (size_t e = 0; e < n; e++)
        {
          int r = rel[e];
          if (r >= 0 && (size_t) r >= r0 && (size_t) r < r0 + nr)
            acc[(size_t) r - r0] += ds[e];
        }
      for (size_t i = 0; i < nr; i++)
        dbias[(r0 + i) * H + h] += (float) acc[i];
    }
}

void
stva_attn_backward (float       *dq,        /* (Tq, C) or NULL, += */
                    float       *dk,        /* (Tk, C) or NULL, += */
                    float       *dv,        /* (Tk, C) or NULL, += */
                    float       *dbias,     /* (R, H) or NULL, += */
                    const float *dout,      /* (Tq, C) */
                    const float *alpha,     /* (H, Tq, Tk) */
                    const float *q,         /* (Tq, C) */
                    const float *k,         /* (Tk, C) */
                    const float *v,         /* (Tk, C) */
                    const int   *rel,       /* (Tq, Tk), -1 = no edge */
                    size_t       Tq,
                    size_t       Tk,
                    size_t       C,
                    size_t       H,
                    size_t       R,
                    float       *scratch)   /* (Tq, Tk) */
{
  assert (dout != NULL && alpha != NULL && q != NULL && k != NULL && v != NULL && rel != NULL);
  assert (H > 0 && C % H == 0);
  if (Tq == 0 || Tk == 0 || C == 0)
    return;
  assert (scratch != NULL);
  size_t hs = C / H;
  float scale = (float) (1.0 / sqrt ((double) hs));
  float *ds = scratch;   /* (Tq, Tk) */

  for (size_t h = 0; h < H; h++)
    {
      const float *a = alpha + h * Tq * Tk;   /* (Tq, Tk) */
      if (dv != NULL)   /* dv_h (Tk, hs) += aᵀ (Tk, Tq) · dout_h (Tq, hs) */
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) Tk, (int) hs, (int) Tq,
                     1.0f, a, (int) Tk, dout + h * hs, (int) C, 1.0f, dv + h * hs, (int) C);
      if (dq == NULL && dk == NULL && dbias == NULL)
        continue;

      /* ds = dout_h (Tq, hs) · v_hᵀ (hs, Tk), then through the softmax */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) Tq, (int) Tk, (int) hs,
                   1.0f, dout + h * hs, (int) C, v + h * hs, (int) C, 0.0f, ds, (int) Tk);
      for (size_t i = 0; i < Tq; i++)
        {
          const float *ar = a + i * Tk;
          float *dr = ds + i * Tk;
          double dot = 0.0;
          for (size_t j = 0; j < Tk; j++)
            dot += (double) ar[j] * dr[j];
          float d = (float) dot;
          for (size_t j = 0; j < Tk; j++)
            dr[j] = ar[j] * (dr[j] - d);
        }

      if (dbias != NULL)
        sum_bias_grad (dbias, ds, rel, Tq * Tk, h, H, R);
      if (dq != NULL)   /* dq_h (Tq, hs) += ds (Tq, Tk) · k_h (Tk, hs) · scale */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) Tq, (int) hs, (int) Tk,
                     scale, ds, (int) Tk, k + h * hs, (int) C, 1.0f, dq + h * hs, (int) C);
      if (dk != NULL)   /* dk_h (Tk, hs) += dsᵀ (Tk, Tq) · q_h (Tq, hs) · scale */
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) Tk, (int) hs, (int) Tq,
                     scale, ds, (int) Tk, q + h * hs, (int) C, 1.0f, dk + h * hs, (int) C);
    }
}
