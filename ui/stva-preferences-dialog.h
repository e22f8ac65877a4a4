/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPreferencesDialog: the studio's preferences window (app.preferences, Ctrl+comma): the
 * annotator for new projects, moving on after labelling, playing on selection, the playback
 * speed and the colour scheme.  Each row writes its key (stva-preferences.h) as it changes, and
 * follows the store when a key changes elsewhere (the window's menu toggle).
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STVA_TYPE_PREFERENCES_DIALOG (stva_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StvaPreferencesDialog, stva_preferences_dialog, STVA, PREFERENCES_DIALOG,
                      AdwPreferencesWindow)

/* parent (nullable): the window it belongs to (modal over it). */
GtkWidget *stva_preferences_dialog_new (GtkWindow *parent);

/* The colour schemes of STVA_PREF_COLOR_SCHEME in the style row's order: "default", "light",
 * "dark"; an unknown name is "default". */
AdwColorScheme stva_preferences_color_scheme (const char *name);

G_END_DECLS
