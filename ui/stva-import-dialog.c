/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaImportDialog (see stva-import-dialog.h): the choice of what to import and the engine's
 * import options, the job itself run by stva_job_runner_import () in the window's progress
 * row.
 */
#include "config.h"

#include <string.h>

#include "stva-import-dialog.h"
#include "stva-job-runner.h"

struct _StvaImportDialog
{
  AdwWindow    parent_instance;

  AdwActionRow *path_row;
  AdwComboRow  *kind_row;
  AdwActionRow *target_row;
  AdwComboRow  *split_row;
  AdwEntryRow  *label_set_row;
  AdwEntryRow  *tier_row;
  AdwEntryRow  *columns_row;
  AdwEntryRow  *video_row;
  AdwPreferencesGroup *eaf_group;
  AdwPreferencesGroup *options_group;
  AdwEntryRow  *speaker_tiers_row;
  AdwEntryRow  *label_tiers_row;
  AdwEntryRow  *new_label_set_row;
  GtkButton    *import_button;

  StvaWindow   *window;     /* borrowed: the dialog is transient for it */
  char         *path;       /* owned, nullable */
  char         *target;     /* owned, nullable: the project imported into */
  gboolean      new_target; /* the target is a new project made for this import */
};

G_DEFINE_FINAL_TYPE (StvaImportDialog, stva_import_dialog, ADW_TYPE_WINDOW)

static const char *const video_exts[] = { ".mp4", ".mkv", ".webm", ".avi", ".mov", NULL };
static const char *const split_names[] = { "none", "train", "dev", "test" };

/* ---- helpers ------------------------------------------------------------------------------ */

static gboolean
has_ext (const char *path,
         const char *ext)
{
  size_t n = strlen (path), m = strlen (ext);
  return n > m && g_ascii_strcasecmp (path + n - m, ext) == 0;
}

static char *
strip_ext (const char *path)
{
  char *copy = g_strdup (path);
  char *dot = strrchr (copy, '.');
  char *slash = strrchr (copy, G_DIR_SEPARATOR);
  if (dot != NULL && (slash == NULL || dot > slash))
    *dot = '\0';
  return copy;
}

/* Where the import goes: the open project, or a new one beside the path. */
static void
update_target (StvaImportDialog *self)
{
  g_clear_pointer (&self->target, g_free);
  StvaSession *session = stva_window_get_session (self->window);
  if (stva_session_is_open (session))
    {
      self->target = g_strdup (stva_session_get_path (session));
      self->new_target = FALSE;
    }
  else if (self->path != NULL)
    {
      g_autofree char *clean = g_canonicalize_filename (self->path, NULL);
      g_autofree char *stem = g_file_test (clean, G_FILE_TEST_IS_DIR) ? g_strdup (clean)
                                                                      : strip_ext (clean);
      self->target = g_strconcat (stem, ".stva", NULL);
      self->new_target = !g_file_test (self->target, G_FILE_TEST_EXISTS);
    }
  g_autofree char *text = self->target == NULL
    ? g_strdup ("Choose what to import")
    : g_strdup_printf ("%s%s", self->target,
                       self->new_target ? " (a new project)" : "");
  adw_action_row_set_subtitle (self->target_row, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), self->target != NULL);
}

/* An EAF's tiers listed, and a first choice made: the top-level time-aligned tiers are the
 * speakers, the tiers without times of their own under them hold the labels. */
static void
list_tiers (StvaImportDialog *self)
{
  gboolean eaf = self->path != NULL && has_ext (self->path, ".eaf");
  gtk_widget_set_visible (GTK_WIDGET (self->eaf_group), eaf);
  gtk_editable_set_text (GTK_EDITABLE (self->speaker_tiers_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->label_tiers_row), "");
  if (!eaf)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tiers = stva_engine_eaf_tiers (self->path, &error);
  if (tiers == NULL)
    {
      adw_preferences_group_set_description (self->eaf_group, error->message);
      return;
    }
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) speakers = g_string_new (NULL);
  g_autoptr (GString) labels = g_string_new (NULL);
  for (guint i = 0; i < tiers->len; i++)
    {
      const StvaDbEafTier *t = g_ptr_array_index (tiers, i);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s%s%s, %s, %u annotations", t->id,
                              t->participant != NULL ? t->participant : "no participant",
                              t->parent != NULL ? ", under " : "",
                              t->parent != NULL ? t->parent : "",
                              t->parent == NULL ? "top level"
                                                : stva_db_eaf_constraint_name (t->constraint),
                              t->n_annotations);
      for (guint v = 0; v < t->cv_values->len; v++)
        g_string_append_printf (text, v == 0 ? "; values %s" : ", %s",
                                (char *) g_ptr_array_index (t->cv_values, v));
      GString *into = t->parent == NULL && t->time_aligned ? speakers
                      : t->parent != NULL && !t->time_aligned ? labels : NULL;
      if (into != NULL && t->n_annotations > 0)
        g_string_append_printf (into, "%s%s", into->len > 0 ? "," : "", t->id);
    }
  adw_preferences_group_set_description (self->eaf_group, text->str);
  gtk_editable_set_text (GTK_EDITABLE (self->speaker_tiers_row), speakers->str);
  gtk_editable_set_text (GTK_EDITABLE (self->label_tiers_row), labels->str);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

/* Only the options the kind takes are shown. */
static void
on_kind_changed (StvaImportDialog *self)
{
  StvaImportKind k = (StvaImportKind) adw_combo_row_get_selected (self->kind_row);
  gboolean subtitles = k == STVA_IMPORT_SRT || k == STVA_IMPORT_VTT;
  gtk_widget_set_visible (GTK_WIDGET (self->split_row),
                          subtitles || k == STVA_IMPORT_DIALOG_VIDEOS || k == STVA_IMPORT_EAF || k == STVA_IMPORT_TEXTGRID
                          || k == STVA_IMPORT_CSV);
  gtk_widget_set_visible (GTK_WIDGET (self->label_set_row),
                          k == STVA_IMPORT_IEMOCAP || k == STVA_IMPORT_TEXTGRID
                          || k == STVA_IMPORT_CSV || k == STVA_IMPORT_EAF);
  gtk_widget_set_visible (GTK_WIDGET (self->tier_row),
                          k == STVA_IMPORT_TEXTGRID || k == STVA_IMPORT_EAF);
  gtk_widget_set_visible (GTK_WIDGET (self->columns_row), k == STVA_IMPORT_CSV);
  gtk_widget_set_visible (GTK_WIDGET (self->video_row), subtitles);
  gtk_widget_set_visible (GTK_WIDGET (self->options_group),
                          k != STVA_IMPORT_MELD && k != STVA_IMPORT_NPZ);
  gtk_widget_set_visible (GTK_WIDGET (self->eaf_group),
                          k == STVA_IMPORT_EAF && self->path != NULL
                          && has_ext (self->path, ".eaf"));
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         data)
{
  StvaImportDialog *self = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        stva_import_dialog_set_path (self, path);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose (StvaImportDialog     *self,
        GtkFileChooserAction  action)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER ? "Import a folder" : "Import a file",
    GTK_WINDOW (self), action, "_Choose", "_Cancel");
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_choose_file_clicked (StvaImportDialog *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
on_choose_folder_clicked (StvaImportDialog *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
on_import_clicked (StvaImportDialog *self)
{
  g_autoptr (GError) error = NULL;
  if (!stva_import_dialog_run (self, &error) && error != NULL)
    stva_window_toast (self->window, error->message);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
stva_import_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STVA_TYPE_IMPORT_DIALOG);
  G_OBJECT_CLASS (stva_import_dialog_parent_class)->dispose (object);
}

static void
stva_import_dialog_finalize (GObject *object)
{
  StvaImportDialog *self = STVA_IMPORT_DIALOG (object);
  g_free (self->path);
  g_free (self->target);
  G_OBJECT_CLASS (stva_import_dialog_parent_class)->finalize (object);
}

static void
stva_import_dialog_class_init (StvaImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_import_dialog_dispose;
  object_class->finalize = stva_import_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, path_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, split_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, label_set_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, tier_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, columns_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, video_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, eaf_group);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, speaker_tiers_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, label_tiers_row);
  gtk_widget_class_bind_template_child (widget_class, StvaImportDialog, new_label_set_row);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_file_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);
}

static void
stva_import_dialog_init (StvaImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  on_kind_changed (self);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaImportDialog *
stva_import_dialog_new (StvaWindow *window,
                        const char *path)
{
  g_return_val_if_fail (STVA_IS_WINDOW (window), NULL);
  StvaImportDialog *self = g_object_new (STVA_TYPE_IMPORT_DIALOG, "transient-for", window,
                                         NULL);
  self->window = window;
  if (path != NULL)
    stva_import_dialog_set_path (self, path);
  else
    update_target (self);
  return self;
}

void
stva_import_dialog_set_path (StvaImportDialog *self,
                             const char       *path)
{
  g_return_if_fail (STVA_IS_IMPORT_DIALOG (self) && path != NULL);
  StvaImportKind kind = STVA_IMPORT_MELD;
  g_autofree char *chosen = g_strdup (path);
  gtk_editable_set_text (GTK_EDITABLE (self->video_row), "");
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *session = g_build_filename (path, "Session1", NULL);
      g_autofree char *train = g_build_filename (path, "train_sent_emo.csv", NULL);
      g_autoptr (GPtrArray) videos = stva_job_runner_subtitled_videos (path, NULL);
      kind = g_file_test (session, G_FILE_TEST_IS_DIR) ? STVA_IMPORT_IEMOCAP
             : !g_file_test (train, G_FILE_TEST_EXISTS) && videos != NULL && videos->len > 0
             ? STVA_IMPORT_DIALOG_VIDEOS : STVA_IMPORT_MELD;
    }
  else if (has_ext (path, ".srt"))
    kind = STVA_IMPORT_SRT;
  else if (has_ext (path, ".vtt"))
    kind = STVA_IMPORT_VTT;
  else if (has_ext (path, ".eaf"))
    kind = STVA_IMPORT_EAF;
  else if (has_ext (path, ".textgrid"))
    kind = STVA_IMPORT_TEXTGRID;
  else if (has_ext (path, ".csv"))
    kind = STVA_IMPORT_CSV;
  else if (has_ext (path, ".npz"))
    kind = STVA_IMPORT_NPZ;
  else
    for (const char *const *e = video_exts; *e != NULL; e++)
      if (has_ext (path, *e))
        {
          /* a video: the subtitles of the same name beside it, with it as their video */
          g_autofree char *stem = strip_ext (path);
          g_autofree char *srt = g_strconcat (stem, ".srt", NULL);
          g_autofree char *vtt = g_strconcat (stem, ".vtt", NULL);
          if (g_file_test (srt, G_FILE_TEST_EXISTS) || g_file_test (vtt, G_FILE_TEST_EXISTS))
            {
              gboolean is_srt = g_file_test (srt, G_FILE_TEST_EXISTS);
              kind = is_srt ? STVA_IMPORT_SRT : STVA_IMPORT_VTT;
              g_free (chosen);
              chosen = g_strdup (is_srt ? srt : vtt);
              gtk_editable_set_text (GTK_EDITABLE (self->video_row), path);
            }
          else
            kind = STVA_IMPORT_SRT;   /* no subtitles beside it: the import says so */
          break;
        }
  g_free (self->path);
  self->path = g_steal_pointer (&chosen);
  adw_action_row_set_subtitle (self->path_row, self->path);
  adw_combo_row_set_selected (self->kind_row, kind);
  list_tiers (self);
  update_target (self);
}

StvaImportKind
stva_import_dialog_get_kind (StvaImportDialog *self)
{
  g_return_val_if_fail (STVA_IS_IMPORT_DIALOG (self), STVA_IMPORT_MELD);
  return (StvaImportKind) adw_combo_row_get_selected (self->kind_row);
}

void
stva_import_dialog_set_kind (StvaImportDialog *self,
                             StvaImportKind    kind)
{
  g_return_if_fail (STVA_IS_IMPORT_DIALOG (self) && kind <= STVA_IMPORT_DIALOG_VIDEOS);
  adw_combo_row_set_selected (self->kind_row, kind);
}

const char *
stva_import_dialog_get_path (StvaImportDialog *self)
{
  g_return_val_if_fail (STVA_IS_IMPORT_DIALOG (self), NULL);
  return self->path;
}

const char *
stva_import_dialog_get_target (StvaImportDialog *self)
{
  g_return_val_if_fail (STVA_IS_IMPORT_DIALOG (self), NULL);
  return self->target;
}

void
stva_import_dialog_set_option (StvaImportDialog *self,
                               const char       *name,
                               const char       *value)
{
  g_return_if_fail (STVA_IS_IMPORT_DIALOG (self) && name != NULL && value != NULL);
  if (g_str_equal (name, "split"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (split_names); i++)
        if (g_str_equal (value, split_names[i]))
          adw_combo_row_set_selected (self->split_row, i);
      return;
    }
  AdwEntryRow *row = g_str_equal (name, "label-set") ? self->label_set_row
                     : g_str_equal (name, "tier") ? self->tier_row
                     : g_str_equal (name, "columns") ? self->columns_row
                     : g_str_equal (name, "video") ? self->video_row
                     : g_str_equal (name, "speaker-tiers") ? self->speaker_tiers_row
                     : g_str_equal (name, "label-tiers") ? self->label_tiers_row
                     : g_str_equal (name, "new-label-set") ? self->new_label_set_row : NULL;
  g_return_if_fail (row != NULL);
  gtk_editable_set_text (GTK_EDITABLE (row), value);
}

const char *
stva_import_dialog_get_tiers (StvaImportDialog *self)
{
  g_return_val_if_fail (STVA_IS_IMPORT_DIALOG (self), NULL);
  const char *text = adw_preferences_group_get_description (self->eaf_group);
  return gtk_widget_get_visible (GTK_WIDGET (self->eaf_group)) && text != NULL ? text : "";
}

/* An entry's text, NULL when empty. */
static const char *
text_or_null (AdwEntryRow *row)
{
  const char *t = gtk_editable_get_text (GTK_EDITABLE (row));
  return t != NULL && *t != '\0' ? t : NULL;
}

gboolean
stva_import_dialog_run (StvaImportDialog  *self,
                        GError           **error)
{
  g_return_val_if_fail (STVA_IS_IMPORT_DIALOG (self), FALSE);
  if (self->path == NULL || self->target == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "choose a file or folder to import");
      return FALSE;
    }
  if (stva_job_runner_busy (self->window))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "a job is running: wait for it or cancel it first");
      return FALSE;
    }
  StvaImportKind kind = stva_import_dialog_get_kind (self);
  guint split = adw_combo_row_get_selected (self->split_row);
  if (kind == STVA_IMPORT_CSV && text_or_null (self->columns_row) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: a CSV needs its columns (field=column,…)", self->path);
      return FALSE;
    }
  if (self->new_target)
    {
      StvaInitOptions init = { .project = self->target };
      if (!stva_engine_init (NULL, &init, NULL, error))
        return FALSE;
    }
  /* an EAF read through its tiers: the labels go into the label set named, else a new one,
   * else the open project's */
  const char *speaker_tiers = kind == STVA_IMPORT_EAF ? text_or_null (self->speaker_tiers_row)
                                                      : NULL;
  const char *label_tiers = kind == STVA_IMPORT_EAF ? text_or_null (self->label_tiers_row)
                                                    : NULL;
  const char *new_set = kind == STVA_IMPORT_EAF ? text_or_null (self->new_label_set_row) : NULL;
  const char *label_set = text_or_null (self->label_set_row);
  const StvaDbLabelSet *open_set = stva_session_get_label_set (
    stva_window_get_session (self->window));
  if (label_tiers != NULL && new_set == NULL && label_set == NULL)
    label_set = open_set != NULL ? open_set->name : STVA_DB_MELD_SET;
  StvaImportOptions o = {
    .project = self->target,
    .kind = kind,
    .path = self->path,
    .video = text_or_null (self->video_row),
    .split = split > 0 && split < G_N_ELEMENTS (split_names) ? split_names[split] : NULL,
    .tier = text_or_null (self->tier_row),
    .label_set = label_set,
    .speaker_tiers = speaker_tiers,
    .label_tiers = label_tiers,
    .new_label_set = new_set,
    .columns = text_or_null (self->columns_row),
  };
  gboolean open_after = !stva_session_is_open (stva_window_get_session (self->window))
                        || g_strcmp0 (stva_session_get_path (
                                        stva_window_get_session (self->window)),
                                      self->target) != 0;
  if (kind == STVA_IMPORT_DIALOG_VIDEOS)
    {
      if (!stva_job_runner_import_videos (self->window, self->target, self->path, o.split,
                                          open_after, self->new_target))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, "the import did not start");
          return FALSE;
        }
      gtk_window_close (GTK_WINDOW (self));
      return TRUE;
    }
  if (!stva_job_runner_import (self->window, &o, open_after, self->new_target))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, "the import did not start");
      return FALSE;
    }
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
