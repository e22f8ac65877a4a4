/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaApplication: the studio as an application: its command line (`synctva-studio [PROJECT.stva
 * | CORPUS_DIR] [--annotator NAME]`), the app.* actions (open, import, export, preferences,
 * shortcuts, about, quit), and the accelerators of the key table (stva-keys.h) that carry a
 * modifier; bare keys are the window's.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STVA_TYPE_APPLICATION (stva_application_get_type ())
G_DECLARE_FINAL_TYPE (StvaApplication, stva_application, STVA, APPLICATION, AdwApplication)

StvaApplication *stva_application_new           (void);
/* (nullable) The annotator given with --annotator. */
const char      *stva_application_get_annotator (StvaApplication *self);

G_END_DECLS
