/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small learnable corpus for the train and eval tests: dialogues of 4 utterances whose text
 * features point at their label (neutral, joy, anger, cycling), with a little noise, in a
 * project (imported from a CSV, features stored per utterance) or as an npz dataset.
 */
#pragma once

#include <glib.h>

#include "stva-dataset.h"

#define TF_T 4     /* utterances per dialogue */
#define TF_F 6     /* text feature width */

/* (transfer full) The dataset: n_train, n_dev, n_test dialogues, labels neutral/joy/anger. */
StvaDataset *tf_dataset_new     (int n_train, int n_dev, int n_test);
/* Writes it as an npz file; FALSE with error. */
gboolean     tf_write_npz       (const char *path, int n_train, int n_dev, int n_test,
                                 GError **error);
/* Creates the project at path (CSV import into label set "meld", text features from
 * tf_dataset_new's); FALSE with error. */
gboolean     tf_write_project   (const char *path, int n_train, int n_dev, int n_test,
                                 GError **error);
