/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's preferences in a key file (see stva-preferences.h).  Main thread only.
 */
#include "config.h"

#include <errno.h>
#include <math.h>

#include <glib/gstdio.h>

#include "stva-preferences.h"

#define GROUP "studio"

struct _StvaPreferences
{
  GObject   parent_instance;
  GKeyFile *file;   /* owned: loaded on first use */
};

G_DEFINE_FINAL_TYPE (StvaPreferences, stva_preferences, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- helpers ------------------------------------------------------------------------------ */

static GKeyFile *
load (void)
{
  return stva_preferences_get_default ()->file;
}

/* Writes the file and says so; a failure leaves the value in memory for this run. */
static gboolean
save_and_notify (const char  *key,
                 GError     **error)
{
  StvaPreferences *self = stva_preferences_get_default ();
  g_autofree char *path = stva_preferences_get_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean ok = TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot make the folder: %s", dir, g_strerror (saved));
      ok = FALSE;
    }
  else
    ok = g_key_file_save_to_file (self->file, path, error);
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (key), key);
  return ok;
}

/* ---- class_init / init -------------------------------------------------------------------- */

static void
stva_preferences_finalize (GObject *object)
{
  StvaPreferences *self = STVA_PREFERENCES (object);
  g_clear_pointer (&self->file, g_key_file_unref);
  G_OBJECT_CLASS (stva_preferences_parent_class)->finalize (object);
}

static void
stva_preferences_class_init (StvaPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = stva_preferences_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
stva_preferences_init (StvaPreferences *self)
{
  self->file = g_key_file_new ();
  g_autofree char *path = stva_preferences_get_path ();
  /* a missing or unreadable file is the defaults */
  g_key_file_load_from_file (self->file, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaPreferences *
stva_preferences_get_default (void)
{
  static StvaPreferences *prefs;   /* lives as long as the process */
  if (prefs == NULL)
    prefs = g_object_new (STVA_TYPE_PREFERENCES, NULL);
  return prefs;
}

char *
stva_preferences_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "synctva-studio", "settings.ini", NULL);
}

gboolean
stva_preferences_get_boolean (const char *key,
                              gboolean    fallback)
{
  g_autoptr (GError) error = NULL;
  gboolean v = g_key_file_get_boolean (load (), GROUP, key, &error);
  return error != NULL ? fallback : v;
}

gboolean
stva_preferences_set_boolean (const char  *key,
                              gboolean     value,
                              GError     **error)
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_key_file_set_boolean (load (), GROUP, key, value);
  return save_and_notify (key, error);
}

char *
stva_preferences_get_string (const char *key,
                             const char *fallback)
{
  char *v = g_key_file_get_string (load (), GROUP, key, NULL);
  return v != NULL ? v : g_strdup (fallback);
}

gboolean
stva_preferences_set_string (const char  *key,
                             const char  *value,
                             GError     **error)
{
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);
  g_key_file_set_string (load (), GROUP, key, value);
  return save_and_notify (key, error);
}

double
stva_preferences_get_double (const char *key,
                             double      fallback)
{
  g_autoptr (GError) error = NULL;
  double v = g_key_file_get_double (load (), GROUP, key, &error);
  return error != NULL || !isfinite (v) ? fallback : v;
}

gboolean
stva_preferences_set_double (const char  *key,
                             double       value,
                             GError     **error)
{
  g_return_val_if_fail (key != NULL && isfinite (value), FALSE);
  g_key_file_set_double (load (), GROUP, key, value);
  return save_and_notify (key, error);
}

double
stva_preferences_get_speed (void)
{
  double v = stva_preferences_get_double (STVA_PREF_SPEED, 1.0);
  return CLAMP (v, STVA_PREF_SPEED_MIN, STVA_PREF_SPEED_MAX);
}
