/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training losses over logits (T, K) with integer labels (T): class-weighted cross-entropy with
 * optional label smoothing, and focal loss with the same class weights.  Label -1 marks an
 * unlabelled utterance, which adds nothing to the loss or its gradient.
 *
 * Reduction: a weighted SUM, multiplied by `scale`.  Per labelled utterance i with label y:
 *   CE:    l_i = (1-ε)·w_y·(-log p_y) + (ε/K)·Σ_k w_k·(-log p_k)     (ε = label smoothing)
 *   focal: l_i = -w_y·(1-p_y)^γ·log p_y                               (γ = 0 gives CE with ε = 0)
 * and each function returns scale·Σ_i l_i and adds scale·∂(Σ_i l_i)/∂logits into dlogits, so
 * the value returned is exactly the function whose gradient was written.
 *
 * Why a sum: model.md sums gradients over a mini-batch of dialogues, and a dialogue cannot know
 * the batch's total weight.  The trainer picks the normalisation through `scale`:
 *   - scale = 1 / Σ_batch w_{y_i} (stva_loss_weight_total () summed over the batch's dialogues)
 *     is torch.nn.CrossEntropyLoss (weight=w, label_smoothing=ε, reduction='mean') applied to
 *     the batch's labelled utterances concatenated (torch divides by Σ w_{y_i} too, smoothing
 *     term included, and ignore_index rows count in neither sum);
 *   - scale = 1 is reduction='sum'.
 * For focal loss the same scale gives the weighted mean Σ l_i / Σ w_{y_i}.
 * Focal loss takes no label smoothing.
 */
#pragma once

#include <stddef.h>

#define STVA_LABEL_NONE (-1)   /* an utterance without a label */

/* Σ over labelled rows of class_w[labels[t]] (class_w NULL means all ones, so this counts the
 * labelled rows): the denominator of torch's weighted mean. */
double stva_loss_weight_total  (const int *labels, const float *class_w, size_t T);

/* Weighted cross-entropy as above; class_w (K) may be NULL (all ones), dlogits may be NULL (loss
 * only); 0 <= smoothing < 1. */
double stva_loss_ce            (float *dlogits, const float *logits, const int *labels,
                                const float *class_w, size_t T, size_t K, float smoothing,
                                float scale);

/* Focal loss as above; gamma >= 0; class_w and dlogits may be NULL. */
double stva_loss_focal         (float *dlogits, const float *logits, const int *labels,
                                const float *class_w, size_t T, size_t K, float gamma,
                                float scale);

/* Class weights w_c = (n / (K·n_c))^power from n labelled rows (-1 skipped), n_c of them of class
 * c (model.md §7: power 0.5; 0 gives all ones, 1 inverse frequency).  A class with no rows gets
 * weight 1, so it neither dominates nor vanishes from the smoothing term. */
void   stva_loss_class_weights (float *class_w, const int *labels, size_t n, size_t K,
                                float power);
