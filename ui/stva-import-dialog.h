/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaImportDialog: what to import (a corpus folder, media with subtitles, subtitles, ELAN,
 * TextGrid, CSV, npz) and its options, then the engine's import job in the window's progress
 * row (stva_job_runner_import ()).  With a project open the import goes into it; without, into
 * a new project beside what is imported ("<folder>.stva"), opened when it ends.  Drops onto the
 * window open it prefilled.
 */
#pragma once

#include <adwaita.h>

#include "stva-engine.h"
#include "stva-window.h"

G_BEGIN_DECLS

/* The dialog's kind beyond the engine's: a folder of videos, each with subtitles of the same
 * name beside it (stva_job_runner_import_videos ()). */
#define STVA_IMPORT_DIALOG_VIDEOS ((StvaImportKind) STVA_N_IMPORT_KINDS)

#define STVA_TYPE_IMPORT_DIALOG (stva_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StvaImportDialog, stva_import_dialog, STVA, IMPORT_DIALOG, AdwWindow)

/* path (nullable): prefills the dialog as stva_import_dialog_set_path () does. */
StvaImportDialog *stva_import_dialog_new       (StvaWindow *window, const char *path);
/* Chooses what to import and guesses its kind: a folder is MELD (IEMOCAP when it holds
 * Session1, a folder of videos with subtitles beside them STVA_IMPORT_DIALOG_VIDEOS), a file by
 * its extension; a video with a .srt or .vtt of the same name beside it
 * imports those subtitles with it. */
void              stva_import_dialog_set_path  (StvaImportDialog *self, const char *path);
StvaImportKind    stva_import_dialog_get_kind  (StvaImportDialog *self);
void              stva_import_dialog_set_kind  (StvaImportDialog *self, StvaImportKind kind);
/* The path imported (nullable), and the project it goes into (nullable: nothing chosen). */
const char       *stva_import_dialog_get_path  (StvaImportDialog *self);
const char       *stva_import_dialog_get_target (StvaImportDialog *self);
/* Sets the options' text fields (tests): "split" (none, train, dev, test), "label-set", "tier",
 * "columns", "video", and for an EAF read through its tiers "speaker-tiers", "label-tiers" (tier
 * ids, comma-separated) and "new-label-set". */
void              stva_import_dialog_set_option (StvaImportDialog *self, const char *name,
                                                 const char *value);
/* (transfer none) The EAF's tiers as listed (empty for other kinds). */
const char       *stva_import_dialog_get_tiers (StvaImportDialog *self);
/* The Import button: starts the job and closes; FALSE with error when it cannot start. */
gboolean          stva_import_dialog_run       (StvaImportDialog *self, GError **error);

G_END_DECLS
