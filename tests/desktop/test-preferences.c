/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preferences window and what it governs, on a virtual display, with the test's own
 * configuration folder ($XDG_CONFIG_HOME, set before anything reads it):
 *  - the key file written before startup is applied: a dark scheme at startup, the player's
 *    speed, and the window's rows show every stored value;
 *  - app.preferences (Ctrl+comma in the key table) opens the window; choosing light, dark and
 *    follow-the-system there changes AdwStyleManager at once (adw_style_manager_get_dark) and
 *    the file;
 *  - the switches, the speed and the annotator are written to the file; the window's player
 *    follows the speed; with "play on selection" a selected utterance plays; a project that
 *    names no annotator labels under the preferences' name without asking;
 *  - a file that cannot be written is refused naming its folder, the value kept for the run;
 *  - the about window names the installed icon (found in data/icons), the GPL, this version,
 *    the developers and a copyright line.
 * The project is the demo corpus of three dialogues.  Screenshots of the window, light and
 * dark, go to $STVA_SHOT_DIR.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "db-test.h"
#include "stva-core.h"
#include "stva-demo.h"
#include "stva-player.h"
#include "stva-preferences-dialog.h"
#include "stva-preferences.h"
#include "stva-ui.h"

static char *tmp;       /* the test's folder: config/, corpus/ (the demo), p.stva */
static char *ini;       /* tmp/config/synctva-studio/settings.ini */
static char *project;   /* tmp/p.stva: the demo corpus imported, no annotator named */

/* ---- helpers ------------------------------------------------------------------------------ */

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* The stored value of key, read from the file on disk (not the store's memory). */
static char *
file_value (const char *key)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  if (!g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, &error))
    g_error ("%s: %s", ini, error->message);
  return g_key_file_get_value (kf, "studio", key, NULL);
}

static void
assert_file (const char *key,
             const char *want)
{
  g_autofree char *got = file_value (key);
  if (g_strcmp0 (got, want) != 0)
    g_error ("%s: %s=%s, expected %s", ini, key, got != NULL ? got : "(none)", want);
}

/* The widgets of a type under root, depth first (the template's order). */
static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect (c, type, found);
}

static GtkWidget *
find_nth (GtkWidget *root,
          GType      type,
          guint      n)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  collect (root, type, found);
  if (n >= found->len)
    g_error ("%u %s widget(s) in the preferences window, wanted number %u", found->len,
             g_type_name (type), n + 1);
  return g_ptr_array_index (found, n);
}

/* The one toplevel of a type, NULL when none is shown. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *tops = gtk_window_get_toplevels ();   /* (transfer none) */
  GtkWindow *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (tops, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        found = w;
    }
  return found;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  spin (0.3);
  const char *dir = g_getenv ("STVA_SHOT_DIR");
  if (dir == NULL)
    return;
  g_autofree char *file = g_strconcat ("preferences-", name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                     &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

static void
make_project (void)
{
  /* the demo corpus (real clips and dialogue videos) of three dialogues */
  g_autofree char *corpus = g_build_filename (tmp, "corpus", NULL);
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.n_dialogues = 3;
  opts.seed = 5;
  StvaError demo_error = { 0 };
  if (stva_demo_generate (corpus, &opts, NULL, &demo_error) != STVA_OK)
    g_error ("%s", demo_error.message);
  project = g_build_filename (tmp, "p.stva", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  StvaDbImportReport report;
  stva_db_import_report_init (&report);
  g_assert_true (stva_db_import_meld (db, corpus, &report, &error));
  g_assert_no_error (error);
  stva_db_import_report_clear (&report);
}

static gint64
corrections_by (const char *who)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM correction c JOIN annotator a ON a.id = c.annotator_id "
    "WHERE a.name = '%s'", who);
  return dbt_query_int (project, sql);
}

/* ---- the test ----------------------------------------------------------------------------- */

static void
test_preferences (void)
{
  /* written before the store is first read: the studio must start dark, at 1.5x */
  g_autofree char *dir = g_path_get_dirname (ini);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini, "[studio]\ncolor-scheme=dark\nplayback-speed=1.5\n"
                                           "advance-after-labelling=true\n", -1, NULL));
  g_autofree char *path = stva_preferences_get_path ();
  g_assert_cmpstr (path, ==, ini);

  g_autoptr (StvaApplication) app = stva_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));   /* startup */
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));

  /* Ctrl+comma is app.preferences, and no other action has it */
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                 "app.preferences");
  g_assert_cmpuint (g_strv_length (accels), ==, 1);
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_auto (GStrv) taken = gtk_application_get_actions_for_accel (GTK_APPLICATION (app),
                                                                "<Control>comma");
  g_assert_cmpuint (g_strv_length (taken), ==, 1);

  StvaWindow *window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  StvaPlayer *player = STVA_PLAYER (stva_window_get_player (window));
  g_assert_cmpfloat_with_epsilon (stva_player_get_speed (player), 1.5, 1e-9);
  spin (0.3);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  spin (0.3);
  GtkWindow *prefs = find_toplevel (STVA_TYPE_PREFERENCES_DIALOG);
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (prefs) == GTK_WINDOW (window));
  GtkWidget *root = GTK_WIDGET (prefs);
  AdwComboRow *scheme = ADW_COMBO_ROW (find_nth (root, ADW_TYPE_COMBO_ROW, 0));
  GtkSwitch *advance = GTK_SWITCH (find_nth (root, GTK_TYPE_SWITCH, 0));
  GtkSwitch *autoplay = GTK_SWITCH (find_nth (root, GTK_TYPE_SWITCH, 1));
  GtkSpinButton *speed = GTK_SPIN_BUTTON (find_nth (root, GTK_TYPE_SPIN_BUTTON, 0));
  GtkEditable *annotator = GTK_EDITABLE (find_nth (root, ADW_TYPE_ENTRY_ROW, 0));

  /* the rows show the file */
  g_assert_cmpuint (adw_combo_row_get_selected (scheme), ==, 2);
  g_assert_true (gtk_switch_get_active (advance));
  g_assert_false (gtk_switch_get_active (autoplay));
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (speed), 1.5, 1e-9);
  g_assert_cmpstr (gtk_editable_get_text (annotator), ==, "");
  save_screenshot (root, "dark");

  /* the colour scheme: applied at once through AdwStyleManager, and kept */
  adw_combo_row_set_selected (scheme, 1);
  spin (0.1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (style));
  assert_file (STVA_PREF_COLOR_SCHEME, "light");
  save_screenshot (root, "light");
  adw_combo_row_set_selected (scheme, 2);
  spin (0.1);
  g_assert_true (adw_style_manager_get_dark (style));
  assert_file (STVA_PREF_COLOR_SCHEME, "dark");
  adw_combo_row_set_selected (scheme, 0);
  spin (0.1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  assert_file (STVA_PREF_COLOR_SCHEME, "default");

  /* the speed: kept, and the window's player follows */
  gtk_spin_button_set_value (speed, 0.75);
  spin (0.1);
  assert_file (STVA_PREF_SPEED, "0.75");
  g_assert_cmpfloat_with_epsilon (stva_player_get_speed (player), 0.75, 1e-9);

  /* move on after labelling: kept; the window's menu toggle was the same key */
  gtk_switch_set_active (advance, FALSE);
  spin (0.1);
  assert_file (STVA_PREF_ADVANCE, "false");
  g_assert_false (stva_preferences_get_boolean (STVA_PREF_ADVANCE, TRUE));
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.advance", NULL);   /* the menu */
  spin (0.1);
  g_assert_true (gtk_switch_get_active (advance));   /* the row followed the menu */
  assert_file (STVA_PREF_ADVANCE, "true");

  /* the annotator for new projects: trimmed when stored */
  gtk_editable_set_text (annotator, "  Ada ");
  spin (0.1);
  assert_file (STVA_PREF_ANNOTATOR, "Ada");
  g_assert_cmpstr (gtk_editable_get_text (annotator), ==, "  Ada ");   /* typing left alone */

  /* play on selection */
  gtk_switch_set_active (autoplay, TRUE);
  spin (0.1);
  assert_file (STVA_PREF_AUTOPLAY, "true");
  gtk_window_close (prefs);
  spin (0.2);

  /* a project naming no annotator: a label goes under the preferences' name, nobody asked */
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_window_open_project (window, project, NULL, &error));
  g_assert_no_error (error);
  StvaSession *s = stva_window_get_session (window);
  g_assert_null (stva_session_get_annotator (s));
  spin (1.0);
  const StvaDbLabel *first = stva_session_label_for_key (s, "1");
  g_assert_nonnull (first);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.label", "x", first->id);
  spin (0.2);
  g_assert_cmpstr (stva_session_get_annotator (s), ==, "Ada");
  g_assert_cmpint (corrections_by ("Ada"), ==, 1);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));   /* "Who is labelling?" not asked */

  /* with play on selection, the next utterance (the same dialogue's video) plays */
  stva_player_pause (player);
  stva_session_step_utterance (s, 1);
  gboolean played = FALSE;
  for (int i = 0; i < 100 && !played; i++)
    {
      spin (0.05);
      played = stva_player_get_playing (player);
    }
  g_assert_true (played);
  stva_player_pause (player);

  /* a file that cannot be written (its folder is a file): refused naming the folder; the value
   * holds for this run and the file on disk is left as it was */
  g_autofree char *moved = g_strconcat (dir, ".away", NULL);
  g_assert_cmpint (g_rename (dir, moved), ==, 0);
  g_assert_true (g_file_set_contents (dir, "not a folder", -1, NULL));
  g_autoptr (GError) write_error = NULL;
  g_assert_false (stva_preferences_set_string (STVA_PREF_COLOR_SCHEME, "dark", &write_error));
  g_assert_nonnull (write_error);
  g_assert_nonnull (strstr (write_error->message, dir));
  g_assert_true (adw_style_manager_get_dark (style));   /* applied all the same */
  g_assert_cmpint (g_unlink (dir), ==, 0);
  g_assert_cmpint (g_rename (moved, dir), ==, 0);
  assert_file (STVA_PREF_COLOR_SCHEME, "default");

  /* the about window: the installed icon's name (found in data/icons), the GPL, credits */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  spin (0.3);
  GtkWindow *about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  const char *icon = adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about));
  g_assert_cmpstr (icon, ==, "org.synctva.Studio");
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  const char *const *developers = adw_about_window_get_developers (ADW_ABOUT_WINDOW (about));
  g_assert_true (developers != NULL && developers[0] != NULL);
  g_assert_nonnull (strstr (adw_about_window_get_copyright (ADW_ABOUT_WINDOW (about)),
                            "Sync-TVA Studio developers"));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_autofree char *icons = g_build_filename (STVA_SOURCE_DIR, "data", "icons", NULL);
  gtk_icon_theme_add_search_path (theme, icons);
  g_assert_true (gtk_icon_theme_has_icon (theme, icon));
  g_autofree char *symbolic = g_strconcat (icon, "-symbolic", NULL);
  g_assert_true (gtk_icon_theme_has_icon (theme, symbolic));
  gtk_window_close (about);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

int
main (int    argc,
      char **argv)
{
  /* the test's own configuration folder, before GLib reads $XDG_CONFIG_HOME */
  g_autoptr (GError) error = NULL;
  tmp = g_dir_make_tmp ("stva-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  ini = g_build_filename (config, "synctva-studio", "settings.ini", NULL);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  make_project ();
  g_test_add_func ("/desktop/preferences", test_preferences);
  int rc = g_test_run ();
  dbt_rm_rf (tmp);
  g_free (tmp);
  g_free (ini);
  g_free (project);
  return rc;
}
