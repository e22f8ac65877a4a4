/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaRetrainDialog: retrain from corrections.  The options (from the model on screen, its file
 * and training state, or afresh from a preset; the epochs), then the job in the window's
 * progress row (stva_job_runner_retrain ()) while the dialog steps aside, and when it ends the
 * before/after panel: dev and test weighted F1, accuracy, macro F1 and per-class F1 of both
 * models side by side with the change (the engine's eval with compare), and the utterances
 * whose prediction changed, each a button that selects it.
 */
#pragma once

#include <adwaita.h>

#include "stva-job-runner.h"

G_BEGIN_DECLS

#define STVA_TYPE_RETRAIN_DIALOG (stva_retrain_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StvaRetrainDialog, stva_retrain_dialog, STVA, RETRAIN_DIALOG, AdwWindow)

StvaRetrainDialog        *stva_retrain_dialog_new        (StvaWindow *window);
/* Options (tests): afresh with a preset, or from the model on screen with file (nullable:
 * the one the project records); epochs of the run; settings more KEY=VALUE (nullable). */
void                      stva_retrain_dialog_set_options (StvaRetrainDialog *self,
                                                           gboolean afresh, const char *preset,
                                                           const char *file, int epochs,
                                                           const char *const *settings);
/* The Retrain button; FALSE with error when it cannot start. */
gboolean                  stva_retrain_dialog_run        (StvaRetrainDialog *self,
                                                          GError **error);
/* (nullable) (transfer none) The outcome shown, once the job has ended. */
const StvaRetrainOutcome *stva_retrain_dialog_get_outcome (StvaRetrainDialog *self);
/* (nullable) The text of the panel's cell: split "dev" or "test", row "weighted_f1",
 * "accuracy", "macro_f1" or "f1:<label>", column 0 before, 1 after, 2 change. */
const char               *stva_retrain_dialog_cell       (StvaRetrainDialog *self,
                                                          const char *split, const char *row,
                                                          int column);
/* The message shown when the job failed (nullable). */
const char               *stva_retrain_dialog_get_error  (StvaRetrainDialog *self);

G_END_DECLS
