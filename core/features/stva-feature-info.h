/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaFeatureDim: the name and unit of one dimension of a feature vector, so every extractor
 * can document its output through its API (and the studio and exporters can label columns).
 */
#pragma once

typedef struct
{
  const char *name;   /* stable, snake_case: "f0_semitone_mean", "mfcc3_delta_std", "cue_exclaim" */
  const char *unit;   /* "st", "dB", "Hz", "1" for dimensionless, "count", "1/s", ... */
} StvaFeatureDim;
