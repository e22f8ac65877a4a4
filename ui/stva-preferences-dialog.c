/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPreferencesDialog (see stva-preferences-dialog.h).  The rows show the store; a change of
 * a row writes its key, and the store's "changed" signal from elsewhere (the window's menu
 * toggle) sets the rows again; `syncing` keeps the two apart, so that showing a value never
 * writes it and writing a row's value never resets the row (the annotator as it is typed).
 * A file that cannot be written is said in a toast: the value still holds for this run.
 */
#include "config.h"

#include "stva-preferences-dialog.h"
#include "stva-preferences.h"

struct _StvaPreferencesDialog
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow   *annotator_row;
  GtkSwitch     *advance_switch;
  GtkSwitch     *autoplay_switch;
  GtkSpinButton *speed_spin;
  AdwComboRow   *scheme_row;

  gboolean       syncing;   /* TRUE while the rows are set from the store */
};

G_DEFINE_FINAL_TYPE (StvaPreferencesDialog, stva_preferences_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const scheme_names[] = { "default", "light", "dark" };   /* the row's order */

/* ---- helpers ------------------------------------------------------------------------------ */

static guint
scheme_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (scheme_names); i++)
    if (g_strcmp0 (name, scheme_names[i]) == 0)
      return i;
  return 0;
}

/* The rows from the store. */
static void
sync_rows (StvaPreferencesDialog *self)
{
  self->syncing = TRUE;
  g_autofree char *who = stva_preferences_get_string (STVA_PREF_ANNOTATOR, "");
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->annotator_row)), who) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->annotator_row), who);
  gtk_switch_set_active (self->advance_switch,
                         stva_preferences_get_boolean (STVA_PREF_ADVANCE, TRUE));
  gtk_switch_set_active (self->autoplay_switch,
                         stva_preferences_get_boolean (STVA_PREF_AUTOPLAY, FALSE));
  gtk_spin_button_set_value (self->speed_spin, stva_preferences_get_speed ());
  g_autofree char *scheme = stva_preferences_get_string (STVA_PREF_COLOR_SCHEME, "default");
  adw_combo_row_set_selected (self->scheme_row, scheme_index (scheme));
  self->syncing = FALSE;
}

static void
report (StvaPreferencesDialog *self,
        GError                *error)
{
  g_autofree char *text = g_strdup_printf ("Not saved: %s", error->message);
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 0);   /* stays until dismissed */
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_prefs_changed (StvaPreferences *prefs,
                  const char      *key,
                  gpointer         data)
{
  StvaPreferencesDialog *self = data;
  if (!self->syncing)   /* a change made elsewhere (not a row writing its own key) */
    sync_rows (self);
}

static void
on_annotator_changed (GtkEditable *editable,
                      gpointer     data)
{
  StvaPreferencesDialog *self = data;
  if (self->syncing)
    return;
  g_autofree char *who = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_autofree char *old = stva_preferences_get_string (STVA_PREF_ANNOTATOR, "");
  if (g_strcmp0 (who, old) == 0)
    return;   /* spaces typed around the name */
  g_autoptr (GError) error = NULL;
  self->syncing = TRUE;   /* keep what is being typed, spaces and all */
  gboolean ok = stva_preferences_set_string (STVA_PREF_ANNOTATOR, who, &error);
  self->syncing = FALSE;
  if (!ok)
    report (self, error);
}

static void
on_switch_active (GtkSwitch  *sw,
                  GParamSpec *pspec,
                  gpointer    data)
{
  StvaPreferencesDialog *self = data;
  if (self->syncing)
    return;
  const char *key = sw == self->advance_switch ? STVA_PREF_ADVANCE : STVA_PREF_AUTOPLAY;
  g_autoptr (GError) error = NULL;
  if (!stva_preferences_set_boolean (key, gtk_switch_get_active (sw), &error))
    report (self, error);
}

static void
on_speed_changed (GtkSpinButton *spin,
                  gpointer       data)
{
  StvaPreferencesDialog *self = data;
  if (self->syncing)
    return;
  g_autoptr (GError) error = NULL;
  if (!stva_preferences_set_double (STVA_PREF_SPEED, gtk_spin_button_get_value (spin), &error))
    report (self, error);
}

static void
on_scheme_selected (AdwComboRow *row,
                    GParamSpec  *pspec,
                    gpointer     data)
{
  StvaPreferencesDialog *self = data;
  if (self->syncing)
    return;
  guint i = adw_combo_row_get_selected (row);
  if (i >= G_N_ELEMENTS (scheme_names))
    return;
  g_autoptr (GError) error = NULL;
  if (!stva_preferences_set_string (STVA_PREF_COLOR_SCHEME, scheme_names[i], &error))
    report (self, error);
}

/* ---- class_init / init -------------------------------------------------------------------- */

static void
stva_preferences_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STVA_TYPE_PREFERENCES_DIALOG);
  G_OBJECT_CLASS (stva_preferences_dialog_parent_class)->dispose (object);
}

static void
stva_preferences_dialog_class_init (StvaPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_preferences_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaPreferencesDialog, annotator_row);
  gtk_widget_class_bind_template_child (widget_class, StvaPreferencesDialog, advance_switch);
  gtk_widget_class_bind_template_child (widget_class, StvaPreferencesDialog, autoplay_switch);
  gtk_widget_class_bind_template_child (widget_class, StvaPreferencesDialog, speed_spin);
  gtk_widget_class_bind_template_child (widget_class, StvaPreferencesDialog, scheme_row);
}

static void
stva_preferences_dialog_init (StvaPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sync_rows (self);
  g_signal_connect (self->annotator_row, "changed", G_CALLBACK (on_annotator_changed), self);
  g_signal_connect (self->advance_switch, "notify::active", G_CALLBACK (on_switch_active), self);
  g_signal_connect (self->autoplay_switch, "notify::active", G_CALLBACK (on_switch_active),
                    self);
  g_signal_connect (self->speed_spin, "value-changed", G_CALLBACK (on_speed_changed), self);
  g_signal_connect (self->scheme_row, "notify::selected", G_CALLBACK (on_scheme_selected), self);
  g_signal_connect_object (stva_preferences_get_default (), "changed",
                           G_CALLBACK (on_prefs_changed), self, 0);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_preferences_dialog_new (GtkWindow *parent)
{
  return g_object_new (STVA_TYPE_PREFERENCES_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

AdwColorScheme
stva_preferences_color_scheme (const char *name)
{
  switch (scheme_index (name))
    {
    case 1:
      return ADW_COLOR_SCHEME_FORCE_LIGHT;
    case 2:
      return ADW_COLOR_SCHEME_FORCE_DARK;
    default:
      return ADW_COLOR_SCHEME_DEFAULT;
    }
}
