/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaExportDialog: the open project out as CSV, JSON lines, MELD CSVs (current labels), npz,
 * or per dialogue as SRT, WebVTT, ELAN or TextGrid (the selected dialogue, or every dialogue
 * into a folder, a file each), through the engine's export job in the window's progress row.
 */
#pragma once

#include <adwaita.h>

#include "stva-engine.h"
#include "stva-window.h"

G_BEGIN_DECLS

#define STVA_TYPE_EXPORT_DIALOG (stva_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StvaExportDialog, stva_export_dialog, STVA, EXPORT_DIALOG, AdwWindow)

StvaExportDialog *stva_export_dialog_new  (StvaWindow *window);
/* The choices (tests): the kind, every dialogue (per-dialogue kinds), the file or folder. */
void              stva_export_dialog_set  (StvaExportDialog *self, StvaExportKind kind,
                                           gboolean every_dialogue, const char *out);
/* The Export button: starts the job and closes; FALSE with error when it cannot start. */
gboolean          stva_export_dialog_run  (StvaExportDialog *self, GError **error);

G_END_DECLS
