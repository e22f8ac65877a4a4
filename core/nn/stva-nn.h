/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/nn: the numerical building blocks of Sync-TVA.
 *
 * Dimension legend for all of core (every tensor pointer's comment uses these letters):
 *   T  utterances in a dialogue          M  modalities (3: text, audio, visual)
 *   C  channels (model width D)          H  attention heads
 *   K  classes (emotions)                B  dialogues in a mini-batch
 *   F  input feature width of one modality
 * Tensors are row-major float32; a (T, C) tensor stores utterance t's channel c at [t * C + c].
 * A layer may name a local size too (a linear layer's n_in and n_out, attention's Tq, Tk and
 * R); its header says what they mean.
 *
 * Conventions of every layer here: forward overwrites its outputs; backward ADDS into every
 * gradient it is given (zero them once per step), and a NULL gradient pointer, where the header
 * allows it, skips that gradient.  Kernels do not allocate: buffers come from the caller, sized
 * as each header says.  Sizes are checked once where a dialogue's graph is built; kernels
 * assert only their programmer-error preconditions.  They keep no state, so several threads may
 * run them at once on separate buffers (OpenBLAS itself is thread-safe).
 */
#pragma once

#include "stva-rng.h"
#include "stva-linear.h"
#include "stva-layernorm.h"
#include "stva-activation.h"
#include "stva-elementwise.h"
#include "stva-dropout.h"
#include "stva-softmax.h"
#include "stva-attention.h"
#include "stva-loss.h"
#include "stva-adamw.h"
