/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optimiser side of training: AdamW with decoupled weight decay, the learning-rate schedule
 * (linear warm-up, then cosine decay) and global gradient-norm clipping.  All work on one flat
 * block per role (parameters, gradients, first and second moments laid out alike, style.md), so
 * a step is one pass over it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  float beta1;          /* decay of the first moment */
  float beta2;          /* decay of the second moment */
  float eps;            /* added to the bias-corrected sqrt (v), as torch does */
  float weight_decay;   /* decoupled: p -= lr·wd·p, on ranges flagged decay only */
} StvaAdamwConfig;

/* torch.optim.AdamW's defaults, which are also model.md's (weight decay 0.01). */
#define STVA_ADAMW_CONFIG_DEFAULT \
  ((StvaAdamwConfig) { .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .weight_decay = 0.01f })

typedef struct
{
  size_t offset;   /* first float of the range in the parameter block */
  size_t n;        /* floats in the range */
  bool   decay;    /* weight decay applies: true for matrices; false for biases, LayerNorm gains
                    * and biases, relation biases (torch: a param group with weight_decay 0) */
} StvaParamRange;

/* One AdamW step with torch.optim.AdamW's semantics (amsgrad off, maximize off), for each range:
 *   p *= 1 - lr·wd                                    (ranges with decay only)
 *   m += (1 - β1)·(g - m);  v = β2·v + (1 - β2)·g²
 *   p -= lr / (1 - β1^step) · m / (sqrt (v) / sqrt (1 - β2^step) + eps)
 * step counts steps taken including this one (1 on the first call), like torch's state['step'];
 * lr is this step's rate (see stva_lr_warmup_cosine ()).  param, m, v and grad are parallel
 * blocks; floats outside every range are left alone, and ranges must not overlap.  m and v
 * start at zero. */
void   stva_adamw_step       (float *param, float *m, float *v, const float *grad,
                              const StvaParamRange *ranges, size_t n_ranges,
                              const StvaAdamwConfig *config, float lr, uint64_t step);
/* The same step on the gradient grad · grad_scale (clipping's factor, applied as the gradient is
 * read, so the gradient block is not rewritten; 1 gives stva_adamw_step exactly). */
void   stva_adamw_step_scaled (float *param, float *m, float *v, const float *grad,
                               float grad_scale, const StvaParamRange *ranges, size_t n_ranges,
                               const StvaAdamwConfig *config, float lr, uint64_t step);

/* Learning rate for 0-based step `step` (the step about to be taken) of total_steps:
 *   step < warmup_steps:  base_lr·(step + 1)/warmup_steps     (reaches base_lr at warmup_steps-1)
 *   otherwise:            min_lr + (base_lr - min_lr)·(1 + cos (π·s))/2,
 *                         s = (step - warmup_steps)/(total_steps - warmup_steps), clamped to [0, 1]
 * so it is base_lr right after warm-up and min_lr at total_steps and beyond (also when
 * total_steps <= warmup_steps).  With warmup_steps = 0 there is no warm-up. */
float  stva_lr_warmup_cosine (float base_lr, float min_lr, uint64_t step, uint64_t warmup_steps,
                              uint64_t total_steps);

/* torch.nn.utils.clip_grad_norm_ (norm_type 2) over one gradient block grad (n): returns the
 * global norm before clipping (summed in double); if max_norm / (norm + 1e-6) < 1, multiplies
 * every gradient by that factor.  Unlike torch, a NaN or infinite norm leaves grad untouched:
 * the caller sees it in the return value and stops with STVA_ERR_NUMERIC. */
double stva_clip_grad_norm   (float *grad, size_t n, float max_norm);
/* The factor stva_clip_grad_norm () scales by for a finite global norm: max_norm / (norm + 1e-6)
 * when that is below 1, else 1 (no clipping). */
float  stva_clip_factor      (double norm, float max_norm);
