/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's preferences, kept in a key file ($XDG_CONFIG_HOME/synctva-studio/settings.ini)
 * so the studio runs from the source tree without an installed GSettings schema.  Read once,
 * written on every change.  Whoever shows or applies a preference listens to the "changed"
 * signal of stva_preferences_get_default (), detailed by the key ("changed::color-scheme"), so
 * a change made in the preferences window reaches every window at once.  Main thread only.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STVA_PREF_ADVANCE      "advance-after-labelling"   /* boolean, default TRUE */
#define STVA_PREF_ANNOTATOR    "annotator"      /* string, default "": who labels in a project
                                                 * that names nobody yet ("": ask) */
#define STVA_PREF_AUTOPLAY     "autoplay"       /* boolean, default FALSE: play the selected
                                                 * utterance as soon as it is selected */
#define STVA_PREF_SPEED        "playback-speed" /* double, default 1.0, STVA_PREF_SPEED_MIN..MAX */
#define STVA_PREF_COLOR_SCHEME "color-scheme"   /* string: "default" (follow the system),
                                                 * "light" or "dark" */

#define STVA_PREF_SPEED_MIN 0.5   /* the player's range (stva_player_set_speed) */
#define STVA_PREF_SPEED_MAX 2.0

#define STVA_TYPE_PREFERENCES (stva_preferences_get_type ())
G_DECLARE_FINAL_TYPE (StvaPreferences, stva_preferences, STVA, PREFERENCES, GObject)

/* (transfer none) The one store; its "changed" signal (detailed by key, the key as argument)
 * follows every set_ call, also one whose file could not be written. */
StvaPreferences *stva_preferences_get_default (void);
/* (transfer full) The file the preferences live in. */
char            *stva_preferences_get_path    (void);

gboolean stva_preferences_get_boolean (const char *key, gboolean fallback);
/* FALSE with error when the file cannot be written (the value still holds for this run). */
gboolean stva_preferences_set_boolean (const char *key, gboolean value, GError **error);
/* (transfer full) The value, or a copy of fallback (nullable) when it is not set. */
char    *stva_preferences_get_string  (const char *key, const char *fallback);
gboolean stva_preferences_set_string  (const char *key, const char *value, GError **error);
/* fallback when the value is not set or is not a finite number. */
double   stva_preferences_get_double  (const char *key, double fallback);
gboolean stva_preferences_set_double  (const char *key, double value, GError **error);

/* The playback speed, clamped to STVA_PREF_SPEED_MIN..MAX (1.0 when unset). */
double   stva_preferences_get_speed   (void);

G_END_DECLS
