/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small hand-built dataset shared by the dataset and npz tests, and a comparison that names
 * the first difference.
 */
#pragma once

#include "stva-dataset.h"

/* 3 dialogues (train "dia0" T=3, dev "dia1" T=2, test "dia2" T=1), K = 3 labels (neutral, joy,
 * anger), speakers Ann, Bob, "Zoë" (non-ASCII on purpose), F = {3, 2, 0}: visual absent.
 *   x_T[d][t][f] = 10·d + t + 0.25·f          every row present
 *   x_A[d][t][f] = -(10·d + t) - 0.5·f        present except dia0 utterance 1 (row 0 there)
 *   labels       dia0: 0 1 -1   dia1: 2 0   dia2: 1
 *   speakers     dia0: 0 1 0    dia1: 2 2   dia2: 1
 *   utt ids      "<dialogue>_u<t>" when with_utt_ids; feature names T "t0".."t2" only. */
StvaDataset *fixture_dataset_new (bool with_utt_ids);

/* Fails the running test (g_error) naming the first field where a and b differ; features are
 * compared exactly. */
void fixture_assert_equal (const StvaDataset *a, const StvaDataset *b);
