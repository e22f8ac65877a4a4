/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaWindow: the studio's main window (layout in studio.md).  It owns a StvaSession, places
 * the component views, and holds the win.* action table with the keys of stva-keys.h.
 */
#pragma once

#include <adwaita.h>

#include "stva-job.h"
#include "stva-session.h"

G_BEGIN_DECLS

typedef struct _StvaApplication StvaApplication;

#define STVA_TYPE_WINDOW (stva_window_get_type ())
G_DECLARE_FINAL_TYPE (StvaWindow, stva_window, STVA, WINDOW, AdwApplicationWindow)

StvaWindow  *stva_window_new            (StvaApplication *app);
/* Opens a project file (annotator nullable: the one remembered, else the window asks); a
 * failure is shown in a dialog naming the file, and what was open stays open. */
void         stva_window_open           (StvaWindow *self, const char *path,
                                         const char *annotator);
/* As stva_window_open (), returning the failure instead of showing it (tests, scripts). */
gboolean     stva_window_open_project   (StvaWindow *self, const char *path,
                                         const char *annotator, GError **error);
/* Lets the user pick a project file to open. */
void         stva_window_choose_project (StvaWindow *self);
void         stva_window_show_shortcuts (StvaWindow *self);
void         stva_window_toast          (StvaWindow *self, const char *message);
/* (transfer none) */
StvaSession *stva_window_get_session    (StvaWindow *self);

/* The progress row, one job at a time (stva-job-runner.c): begin_job shows it and returns the
 * job's cancellable (transfer none: the window's until end_job), or NULL with a toast naming
 * the job that runs; job_progress is a StvaJobProgressFunc whose data is the window. */
GCancellable *stva_window_begin_job     (StvaWindow *self, const char *what);
void          stva_window_end_job       (StvaWindow *self);
void          stva_window_job_progress  (const StvaJobProgress *progress, gpointer window);
gboolean      stva_window_job_running   (StvaWindow *self);
/* The text of the status line, the header bar's subtitle (tests). */
const char  *stva_window_get_status     (StvaWindow *self);
const char  *stva_window_get_subtitle   (StvaWindow *self);
/* (transfer none) The player (a StvaPlayer). */
GtkWidget   *stva_window_get_player     (StvaWindow *self);

G_END_DECLS
