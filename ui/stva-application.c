/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaApplication: command line, app.* actions and accelerators (see stva-application.h).
 */
#include "config.h"

#include "stva-application.h"
#include "stva-export-dialog.h"
#include "stva-import-dialog.h"
#include "stva-job-runner.h"
#include "stva-keys.h"
#include "stva-preferences-dialog.h"
#include "stva-preferences.h"
#include "stva-window.h"

struct _StvaApplication
{
  AdwApplication parent_instance;
  char          *annotator;   /* owned, nullable: --annotator */
};

G_DEFINE_FINAL_TYPE (StvaApplication, stva_application, ADW_TYPE_APPLICATION)

/* ---- helpers ------------------------------------------------------------------------------ */

static StvaWindow *
current_window (StvaApplication *self)
{
  GtkWindow *w = gtk_application_get_active_window (GTK_APPLICATION (self));
  return STVA_IS_WINDOW (w) ? STVA_WINDOW (w) : NULL;
}

static StvaWindow *
new_window (StvaApplication *self)
{
  return stva_window_new (self);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
app_quit_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
app_open_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       data)
{
  StvaApplication *self = data;
  StvaWindow *w = current_window (self);
  if (w == NULL)
    w = new_window (self);
  gtk_window_present (GTK_WINDOW (w));
  stva_window_choose_project (w);
}

static void
app_shortcuts_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       data)
{
  StvaWindow *w = current_window (data);
  if (w != NULL)
    stva_window_show_shortcuts (w);
}

static void
app_preferences_action (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));
  gtk_window_present (GTK_WINDOW (stva_preferences_dialog_new (parent)));
}

/* The work loop's project actions (stva-job-runner.c and its dialogs), on the active window. */
static void
app_project_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  StvaWindow *w = current_window (data);
  if (w == NULL)
    w = new_window (data);
  gtk_window_present (GTK_WINDOW (w));
  const char *name = g_action_get_name (G_ACTION (action));
  if (g_str_equal (name, "new"))
    stva_job_runner_new_project (w);
  else if (g_str_equal (name, "import"))
    gtk_window_present (GTK_WINDOW (stva_import_dialog_new (w, NULL)));
  else if (g_str_equal (name, "export"))
    gtk_window_present (GTK_WINDOW (stva_export_dialog_new (w)));
  else if (g_str_equal (name, "open-recent"))
    stva_window_open (w, g_variant_get_string (param, NULL), NULL);
}

static void
app_about_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       data)
{
  static const char *developers[] = { "The Sync-TVA Studio developers", NULL };
  static const char *model[] = { "Deng et al. (2025), the Sync-TVA model", NULL };
  static const char *palettes[] = { "Masataka Okabe and Kei Ito, colour-blind-safe colours",
                                    "Paul Tol, muted and light colour schemes", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  g_object_set (about,
                "transient-for", parent,
                "application-name", "Sync-TVA Studio",
                "application-icon", "org.synctva.Studio",   /* data/icons: the installed icon */
                "version", PACKAGE_VERSION,
                "comments", "See why a multimodal emotion model decided, correct the labels, "
                            "retrain, and export datasets and figures.",
                "developer-name", "The Sync-TVA Studio developers",
                "developers", developers,
                "copyright", "© 2026 The Sync-TVA Studio developers",
                "license-type", GTK_LICENSE_GPL_3_0,
                NULL);
  adw_about_window_add_acknowledgement_section (about, "Research", model);
  adw_about_window_add_acknowledgement_section (about, "Colours", palettes);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = app_quit_action },
  { .name = "open", .activate = app_open_action },
  { .name = "shortcuts", .activate = app_shortcuts_action },
  { .name = "preferences", .activate = app_preferences_action },
  { .name = "about", .activate = app_about_action },
  { .name = "new", .activate = app_project_action },
  { .name = "import", .activate = app_project_action },
  { .name = "export", .activate = app_project_action },
  { .name = "open-recent", .activate = app_project_action, .parameter_type = "s" },
};

/* The colour scheme preference (follow the system, light, dark), at startup and on change. */
static void
apply_color_scheme (void)
{
  g_autofree char *name = stva_preferences_get_string (STVA_PREF_COLOR_SCHEME, "default");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      stva_preferences_color_scheme (name));
}

static void
on_color_scheme_changed (StvaPreferences *prefs,
                         const char      *key,
                         gpointer         data)
{
  apply_color_scheme ();
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (stva_application_parent_class)->startup (app);
  apply_color_scheme ();
  g_signal_connect_object (stva_preferences_get_default (), "changed::" STVA_PREF_COLOR_SCHEME,
                           G_CALLBACK (on_color_scheme_changed), app, 0);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  /* accelerators with a modifier only: a bare key would be taken from text fields too */
  for (const StvaKey *k = stva_keys (); k->action != NULL; k++)
    if (!stva_key_is_bare (k->accel))
      {
        const char *accels[] = { k->accel, NULL };
        gtk_application_set_accels_for_action (GTK_APPLICATION (app), k->action, accels);
      }
}

static void
stva_application_activate (GApplication *app)
{
  StvaApplication *self = STVA_APPLICATION (app);
  StvaWindow *w = current_window (self);
  if (w == NULL)
    w = new_window (self);
  gtk_window_present (GTK_WINDOW (w));
}

static void
stva_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  StvaApplication *self = STVA_APPLICATION (app);
  for (int i = 0; i < n_files; i++)
    {
      StvaWindow *w = i == 0 && current_window (self) != NULL ? current_window (self)
                                                               : new_window (self);
      gtk_window_present (GTK_WINDOW (w));
      g_autofree char *path = g_file_get_path (files[i]);
      if (path != NULL)
        stva_window_open (w, path, self->annotator);
    }
}

static int
stva_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  StvaApplication *self = STVA_APPLICATION (app);
  const char *annotator = NULL;
  if (g_variant_dict_lookup (options, "annotator", "&s", &annotator))
    {
      g_free (self->annotator);
      self->annotator = g_strdup (annotator);
    }
  return -1;   /* go on */
}

static void
stva_application_finalize (GObject *object)
{
  StvaApplication *self = STVA_APPLICATION (object);
  g_clear_pointer (&self->annotator, g_free);
  G_OBJECT_CLASS (stva_application_parent_class)->finalize (object);
}

static void
stva_application_class_init (StvaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  object_class->finalize = stva_application_finalize;
  app_class->startup = stva_application_startup;
  app_class->activate = stva_application_activate;
  app_class->open = stva_application_open;
  app_class->handle_local_options = stva_application_handle_local_options;
}

static void
stva_application_init (StvaApplication *self)
{
  static const GOptionEntry options[] = {
    { "annotator", 'a', 0, G_OPTION_ARG_STRING, NULL,
      "Who is labelling (remembered in the project)", "NAME" },
    { NULL },
  };
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     "[PROJECT.stva | CORPUS_DIR]");
  g_application_set_option_context_summary (
    G_APPLICATION (self), "Open a Sync-TVA project (or a MELD-layout corpus folder to import) "
                          "to review the model's predictions and correct labels.");
}

/* ---- public API --------------------------------------------------------------------------- */

StvaApplication *
stva_application_new (void)
{
  return g_object_new (STVA_TYPE_APPLICATION,
                       "application-id", "org.synctva.Studio",
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       NULL);
}

const char *
stva_application_get_annotator (StvaApplication *self)
{
  g_return_val_if_fail (STVA_IS_APPLICATION (self), NULL);
  return self->annotator;
}
