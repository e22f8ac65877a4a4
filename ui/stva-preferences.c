/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's preferences in a key file (see stva-preferences.h).  Main thread only.
 */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "stva-preferences.h"

#define GROUP "studio"

static GKeyFile *prefs;   /* loaded on first use, lives as long as the process */

static char *
prefs_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "synctva-studio", "settings.ini", NULL);
}

static GKeyFile *
load (void)
{
  if (prefs == NULL)
    {
      prefs = g_key_file_new ();
      g_autofree char *path = prefs_path ();
      /* a missing or unreadable file is the defaults */
      g_key_file_load_from_file (prefs, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
    }
  return prefs;
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
  g_key_file_set_boolean (load (), GROUP, key, value);
  g_autofree char *path = prefs_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "%s: cannot make the folder: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return g_key_file_save_to_file (prefs, path, error);
}
