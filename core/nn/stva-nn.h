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
 */
#pragma once

#include "stva-rng.h"
