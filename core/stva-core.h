/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API of core/, the engine of Sync-TVA Studio: include this one header.
 * Plain C11; thread-safety is stated per type in each header.
 */
#pragma once

#include "stva-error.h"
#include "nn/stva-nn.h"
#include "media/stva-media-reader.h"
#include "media/stva-media-audio-reader.h"
#include "media/stva-media-log.h"
