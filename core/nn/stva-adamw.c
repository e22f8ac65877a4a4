/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AdamW, the warm-up + cosine schedule and gradient-norm clipping (see stva-adamw.h).  The
 * update follows torch.optim.AdamW's single-tensor path operation by operation (lerp for m,
 * multiply-add for v, bias corrections computed in double and applied as float scalars), so one
 * step agrees with torch to float rounding.
 */
#include <assert.h>
#include <math.h>

#include "stva-adamw.h"

/* one range; restrict lets the compiler vectorise it */
static void
adamw_range (float       *restrict param,
             float       *restrict m,
             float       *restrict v,
             const float *restrict grad,
             float                 scale,   /* of grad: clipping, 1 = none */
             size_t                n,
             float                 decay,   /* 1 = none: p·1 is p exactly */
             float                 w1,
             float                 b2,
             float                 w2,
             float                 bc2_sqrt,
             float                 eps,
             float                 step_size)
{
  for (size_t i = 0; i < n; i++)
    {
      float g = grad[i] * scale;   /* as clipping's scaled gradient would read */
      float p = param[i] * decay;
      float mi = m[i] + w1 * (g - m[i]);   /* torch's lerp (m, g, 1 - β1) for weights below 0.5 */
      float vi = v[i] * b2 + w2 * g * g;
      float denom = sqrtf (vi) / bc2_sqrt + eps;
      m[i] = mi;
      v[i] = vi;
      param[i] = p + (-step_size * mi) / denom;   /* torch's addcdiv order */
    }
}

void
stva_adamw_step_scaled (float                 *param,    /* (n) */
                        float                 *m,        /* (n) */
                        float                 *v,        /* (n) */
                        const float           *grad,     /* (n) */
                        float                  grad_scale,
                        const StvaParamRange  *ranges,   /* (n_ranges) */
                        size_t                 n_ranges,
                        const StvaAdamwConfig *config,
                        float                  lr,
                        uint64_t               step)
{
  assert (param != NULL && m != NULL && v != NULL && grad != NULL && config != NULL);
  assert (step >= 1);
  double bc1 = 1.0 - pow ((double) config->beta1, (double) step);
  double bc2 = 1.0 - pow ((double) config->beta2, (double) step);
  float step_size = (float) ((double) lr / bc1);
  float bc2_sqrt = (float) sqrt (bc2);
  float decay = (float) (1.0 - (double) lr * config->weight_decay);
  float w1 = 1.0f - config->beta1, b2 = config->beta2, w2 = 1.0f - config->beta2;

  for (size_t r = 0; r < n_ranges; r++)
    {
      size_t lo = ranges[r].offset;
      bool wd = ranges[r].decay && config->weight_decay != 0.0f;
      adamw_range (param + lo, m + lo, v + lo, grad + lo, grad_scale, ranges[r].n,
                   wd ? decay : 1.0f, w1, b2, w2, bc2_sqrt, config->eps, step_size);
    }
}

void
stva_adamw_step (float                 *param,
                 float                 *m,
                 float                 *v,
                 const float           *grad,
                 const StvaParamRange  *ranges,
                 size_t                 n_ranges,
                 const StvaAdamwConfig *config,
                 float                  lr,
                 uint64_t               step)
{
  stva_adamw_step_scaled (param, m, v, grad, 1.0f, ranges, n_ranges, config, lr, step);
}

float
stva_lr_warmup_cosine (float    base_lr,
                       float    min_lr,
                       uint64_t step,
                       uint64_t warmup_steps,
                       uint64_t total_steps)
{
  if (step < warmup_steps)
    return (float) ((double) base_lr * (double) (step + 1) / (double) warmup_steps);
  double s = 1.0;
  if (total_steps > warmup_steps)
    {
      s = (double) (step - warmup_steps) / (double) (total_steps - warmup_steps);
      if (s > 1.0)
        s = 1.0;
    }
  return (float) (min_lr + ((double) base_lr - min_lr) * 0.5 * (1.0 + cos (M_PI * s)));
}

double
stva_clip_grad_norm (float  *grad,   /* (n) */
                     size_t  n,
                     float   max_norm)
{
  double ss = 0.0;
  for (size_t i = 0; i < n; i++)
    ss += (double) grad[i] * grad[i];
  double norm = sqrt (ss);
  if (!isfinite (norm))
    return norm;
  float c = stva_clip_factor (norm, max_norm);
  if (c < 1.0f)
    for (size_t i = 0; i < n; i++)
      grad[i] *= c;
  return norm;
}

float
stva_clip_factor (double norm,
                  float  max_norm)
{
  double coef = (double) max_norm / (norm + 1e-6);
  return coef < 1.0 ? (float) coef : 1.0f;
}
