/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaExportDialog (see stva-export-dialog.h): the kind, the dialogues and where to, then
 * stva_job_runner_export () with the model on screen and the selected dialogue.
 */
#include "config.h"

#include "stva-export-dialog.h"
#include "stva-job-runner.h"

struct _StvaExportDialog
{
  AdwWindow     parent_instance;

  AdwComboRow  *kind_row;
  AdwComboRow  *scope_row;
  AdwActionRow *out_row;
  GtkButton    *export_button;

  StvaWindow   *window;   /* borrowed: the dialog is transient for it */
  char         *out;      /* owned, nullable */
};

G_DEFINE_FINAL_TYPE (StvaExportDialog, stva_export_dialog, ADW_TYPE_WINDOW)

/* ---- helpers ------------------------------------------------------------------------------ */

static StvaExportKind
kind (StvaExportDialog *self)
{
  return (StvaExportKind) adw_combo_row_get_selected (self->kind_row);
}

static gboolean
every_dialogue (StvaExportDialog *self)
{
  return stva_export_kind_is_dialogue (kind (self))
         && adw_combo_row_get_selected (self->scope_row) == 1;
}

/* A folder is written for MELD and for every dialogue; a file otherwise. */
static gboolean
writes_folder (StvaExportDialog *self)
{
  return kind (self) == STVA_EXPORT_MELD || every_dialogue (self);
}

static void
update (StvaExportDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_row),
                            stva_export_kind_is_dialogue (kind (self)));
  adw_action_row_set_subtitle (self->out_row, self->out != NULL ? self->out : "Not chosen");
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->out != NULL);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_kind_changed (StvaExportDialog *self)
{
  g_clear_pointer (&self->out, g_free);   /* a file and a folder are not interchangeable */
  update (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         data)
{
  StvaExportDialog *self = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_free (self->out);
      self->out = file != NULL ? g_file_get_path (file) : NULL;
      update (self);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
on_choose_clicked (StvaExportDialog *self)
{
  gboolean folder = writes_folder (self);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    folder ? "Export into a folder" : "Export to a file", GTK_WINDOW (self),
    folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_SAVE,
    "_Choose", "_Cancel");
  if (!folder)
    {
      StvaSession *session = stva_window_get_session (self->window);
      StvaDialogueItem *d = stva_session_get_dialogue (session);
      const char *stem = stva_export_kind_is_dialogue (kind (self)) && d != NULL
                         ? stva_dialogue_item_get (d)->name : "export";
      g_autofree char *name = g_strdup_printf ("%s.%s", stem,
                                               stva_job_runner_export_extension (kind (self)));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_export_clicked (StvaExportDialog *self)
{
  g_autoptr (GError) error = NULL;
  if (!stva_export_dialog_run (self, &error) && error != NULL)
    stva_window_toast (self->window, error->message);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
stva_export_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STVA_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (stva_export_dialog_parent_class)->dispose (object);
}

static void
stva_export_dialog_finalize (GObject *object)
{
  g_free (STVA_EXPORT_DIALOG (object)->out);
  G_OBJECT_CLASS (stva_export_dialog_parent_class)->finalize (object);
}

static void
stva_export_dialog_class_init (StvaExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_export_dialog_dispose;
  object_class->finalize = stva_export_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaExportDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, StvaExportDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, StvaExportDialog, out_row);
  gtk_widget_class_bind_template_child (widget_class, StvaExportDialog, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
}

static void
stva_export_dialog_init (StvaExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaExportDialog *
stva_export_dialog_new (StvaWindow *window)
{
  g_return_val_if_fail (STVA_IS_WINDOW (window), NULL);
  StvaExportDialog *self = g_object_new (STVA_TYPE_EXPORT_DIALOG, "transient-for", window,
                                         NULL);
  self->window = window;
  return self;
}

void
stva_export_dialog_set (StvaExportDialog *self,
                        StvaExportKind    k,
                        gboolean          every,
                        const char       *out)
{
  g_return_if_fail (STVA_IS_EXPORT_DIALOG (self) && k < STVA_N_EXPORT_KINDS);
  adw_combo_row_set_selected (self->kind_row, k);
  adw_combo_row_set_selected (self->scope_row, every ? 1 : 0);
  g_free (self->out);
  self->out = g_strdup (out);
  update (self);
}

gboolean
stva_export_dialog_run (StvaExportDialog  *self,
                        GError           **error)
{
  g_return_val_if_fail (STVA_IS_EXPORT_DIALOG (self), FALSE);
  StvaSession *session = stva_window_get_session (self->window);
  if (!stva_session_is_open (session))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "open a project to export it");
      return FALSE;
    }
  if (self->out == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "choose where to export");
      return FALSE;
    }
  StvaDialogueItem *d = stva_session_get_dialogue (session);
  StvaExportKind k = kind (self);
  if (stva_export_kind_is_dialogue (k) && !every_dialogue (self) && d == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "select a dialogue to export, or export every dialogue");
      return FALSE;
    }
  StvaExportOptions o = {
    .project = stva_session_get_path (session),
    .kind = k,
    .out = self->out,
    .label_set = stva_session_get_label_set (session)->name,
    .model_id = stva_session_get_model_id (session),
    .dialogue_id = d != NULL ? stva_dialogue_item_get_id (d) : 0,
  };
  if (!stva_job_runner_export (self->window, &o, every_dialogue (self)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "the export did not start (another job runs)");
      return FALSE;
    }
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
