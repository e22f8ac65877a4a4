/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's preferences, kept in a key file ($XDG_CONFIG_HOME/synctva-studio/settings.ini)
 * so the studio runs from the source tree without an installed GSettings schema.  Read once,
 * written on every change.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STVA_PREF_ADVANCE "advance-after-labelling"   /* boolean, default TRUE */

gboolean stva_preferences_get_boolean (const char *key, gboolean fallback);
/* FALSE with error when the file cannot be written (the value still holds for this run). */
gboolean stva_preferences_set_boolean (const char *key, gboolean value, GError **error);

G_END_DECLS
