/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaRetrainDialog (see stva-retrain-dialog.h).  The panel is built from the job's outcome:
 * one grid per split scored, a row per score, before | after | change, then the changed
 * predictions.  The cells are kept by name so the tests read what is shown.
 */
#include "config.h"

#include <math.h>

#include "stva-retrain-dialog.h"

struct _StvaRetrainDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *title;
  GtkButton      *close_button;
  GtkButton      *run_button;
  GtkStack       *stack;
  AdwActionRow   *from_row;
  AdwActionRow   *file_row;
  GtkCheckButton *from_check;
  GtkCheckButton *fresh_check;
  AdwComboRow    *preset_row;
  GtkSpinButton  *epochs_spin;
  GtkBox         *results_box;

  StvaWindow         *window;     /* borrowed: the dialog is transient for it */
  gint64              model_id;   /* the model on screen, 0: none */
  char               *file;       /* owned, nullable: its file */
  char              **settings;   /* owned, nullable */
  StvaRetrainOutcome *outcome;    /* owned, nullable */
  char               *error;      /* owned, nullable */
  GHashTable         *cells;      /* "split/row/column" -> GtkLabel (borrowed) */
};

G_DEFINE_FINAL_TYPE (StvaRetrainDialog, stva_retrain_dialog, ADW_TYPE_WINDOW)

static const char *const presets[] = { "default", "meld", "iemocap", "tiny" };

/* ---- helpers ------------------------------------------------------------------------------ */

static void
update_mode (StvaRetrainDialog *self)
{
  gboolean from = gtk_check_button_get_active (self->from_check);
  gtk_widget_set_sensitive (GTK_WIDGET (self->file_row), from);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preset_row), !from);
  adw_action_row_set_subtitle (self->file_row, self->file != NULL
                               ? self->file : "Not recorded in the project: choose the file");
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), !from || self->file != NULL);
}

static GtkWidget *
cell (StvaRetrainDialog *self,
      GtkGrid           *grid,
      const char        *split,
      const char        *row,
      int                column,
      int                y,
      const char        *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column + 1, y, 1, 1);
  g_hash_table_insert (self->cells, g_strdup_printf ("%s/%s/%d", split, row, column), label);
  return label;
}

static void
score_row (StvaRetrainDialog *self,
           GtkGrid           *grid,
           const char        *split,
           const char        *row,
           const char        *title,
           int                y,
           gboolean           two,
           double             before,
           double             after)
{
  GtkWidget *name = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_grid_attach (grid, name, 0, y, 1, 1);
  g_autofree char *b = two && isfinite (before) ? g_strdup_printf ("%.3f", before)
                                                : g_strdup ("—");
  g_autofree char *a = isfinite (after) ? g_strdup_printf ("%.3f", after) : g_strdup ("—");
  g_autofree char *d = two && isfinite (before) && isfinite (after)
                       ? g_strdup_printf ("%+.3f", after - before) : g_strdup ("");
  cell (self, grid, split, row, 0, y, b);
  cell (self, grid, split, row, 1, y, a);
  GtkWidget *change = cell (self, grid, split, row, 2, y, d);
  if (two && isfinite (before) && isfinite (after) && fabs (after - before) >= 0.0005)
    gtk_widget_add_css_class (change, after > before ? "success" : "error");
}

static void
add_split (StvaRetrainDialog    *self,
           const StvaEvalReport *e,
           const char           *split)
{
  gboolean two = e->n_models > 1;
  const StvaMetrics *old = two ? &e->metrics[0] : NULL;
  const StvaMetrics *new = &e->metrics[e->n_models - 1];
  g_autofree char *heading = g_strdup_printf ("%s (%" G_GINT64_FORMAT " utterances, %d "
                                              "dialogues)", split, new->n, e->n_dialogues);
  GtkWidget *h = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (h), 0.0);
  gtk_widget_add_css_class (h, "heading");
  gtk_box_append (self->results_box, h);
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 4);
  const char *heads[3] = { "before", "after", "change" };
  for (int c = 0; c < 3; c++)
    {
      GtkWidget *l = gtk_label_new (heads[c]);
      gtk_label_set_xalign (GTK_LABEL (l), 1.0);
      gtk_widget_add_css_class (l, "dim-label");
      gtk_grid_attach (grid, l, c + 1, 0, 1, 1);
    }
  int y = 1;
  score_row (self, grid, split, "weighted_f1", "weighted F1", y++, two,
             two ? old->weighted_f1 : NAN, new->weighted_f1);
  score_row (self, grid, split, "accuracy", "accuracy", y++, two, two ? old->accuracy : NAN,
             new->accuracy);
  score_row (self, grid, split, "macro_f1", "macro F1", y++, two, two ? old->macro_f1 : NAN,
             new->macro_f1);
  for (int k = 0; k < e->K; k++)
    {
      g_autofree char *row = g_strdup_printf ("f1:%s", e->labels[k]);
      g_autofree char *title = g_strdup_printf ("F1 %s", e->labels[k]);
      score_row (self, grid, split, row, title, y++, two, two ? old->f1[k] : NAN, new->f1[k]);
    }
  gtk_box_append (self->results_box, GTK_WIDGET (grid));
}

static void
on_change_clicked (GtkButton *button,
                   gpointer   data)
{
  StvaRetrainDialog *self = data;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "utterance-id"));
  g_autoptr (GError) error = NULL;
  if (!stva_session_select_utterance_id (stva_window_get_session (self->window), id, &error))
    stva_window_toast (self->window, error->message);
}

static void
show_outcome (StvaRetrainDialog *self)
{
  const StvaRetrainOutcome *o = self->outcome;
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_box))) != NULL)
    gtk_box_remove (self->results_box, child);
  g_hash_table_remove_all (self->cells);
  g_autofree char *intro = o->old_id != 0
    ? g_strdup_printf ("Model #%" G_GINT64_FORMAT " (%s) is now on screen; before: model #%"
                       G_GINT64_FORMAT ". Epoch %d of %d kept%s.", o->model_id, o->model_path,
                       o->old_id, o->train.best_epoch, o->train.epochs_run,
                       o->train.stopped_early ? ", stopped early" : "")
    : g_strdup_printf ("Model #%" G_GINT64_FORMAT " (%s) is now on screen. Epoch %d of %d "
                       "kept.", o->model_id, o->model_path, o->train.best_epoch,
                       o->train.epochs_run);
  GtkWidget *l = gtk_label_new (intro);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_xalign (GTK_LABEL (l), 0.0);
  gtk_box_append (self->results_box, l);
  const char *names[2] = { "dev", "test" };
  for (int s = 0; s < 2; s++)
    if (o->has_eval[s])
      add_split (self, &o->eval[s], names[s]);
    else
      {
        g_autofree char *t = g_strdup_printf ("%s: no labelled utterances", names[s]);
        GtkWidget *n = gtk_label_new (t);
        gtk_label_set_xalign (GTK_LABEL (n), 0.0);
        gtk_widget_add_css_class (n, "dim-label");
        gtk_box_append (self->results_box, n);
      }
  g_autofree char *head = o->old_id == 0
    ? g_strdup ("No model before: no predictions to compare")
    : g_strdup_printf ("%u of %" G_GINT64_FORMAT " predictions changed", o->changes->len,
                       o->n_compared);
  GtkWidget *h = gtk_label_new (head);
  gtk_label_set_xalign (GTK_LABEL (h), 0.0);
  gtk_widget_add_css_class (h, "heading");
  gtk_box_append (self->results_box, h);
  if (o->changes->len == 0)
    return;
  GtkWidget *list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < o->changes->len && i < 500; i++)
    {
      const StvaPredictionChange *c = g_ptr_array_index (o->changes, i);
      g_autofree char *t = g_strdup_printf ("%s #%d  %s → %s  %s", c->dialogue, c->index,
                                            c->before, c->after, c->text);
      GtkWidget *b = gtk_button_new_with_label (t);
      gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (b))),
                               PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (b))), 0.0);
      gtk_widget_add_css_class (b, "flat");
      g_object_set_data (G_OBJECT (b), "utterance-id", GSIZE_TO_POINTER (c->utterance_id));
      g_signal_connect (b, "clicked", G_CALLBACK (on_change_clicked), self);
      gtk_list_box_append (GTK_LIST_BOX (list), b);
    }
  gtk_box_append (self->results_box, list);
}

static void
retrain_done (StvaRetrainOutcome *outcome,
              const GError       *error,
              gpointer            data)
{
  StvaRetrainDialog *self = data;   /* a reference held by the job */
  g_clear_pointer (&self->outcome, stva_retrain_outcome_free);
  g_clear_pointer (&self->error, g_free);
  if (outcome != NULL)
    {
      self->outcome = outcome;
      show_outcome (self);
      adw_window_title_set_title (self->title, "Before and after");
    }
  else
    {
      self->error = g_strdup (error != NULL ? error->message : "the job failed");
      GtkWidget *l = gtk_label_new (self->error);
      gtk_label_set_wrap (GTK_LABEL (l), TRUE);
      gtk_box_append (self->results_box, l);
      adw_window_title_set_title (self->title, "Retraining stopped");
    }
  gtk_stack_set_visible_child_name (self->stack, "results");
  gtk_widget_set_visible (GTK_WIDGET (self->run_button), FALSE);
  gtk_button_set_label (self->close_button, "_Close");
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_window_present (GTK_WINDOW (self));
  g_object_unref (self);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_mode_toggled (StvaRetrainDialog *self)
{
  update_mode (self);
}

static void
on_file_response (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         data)
{
  StvaRetrainDialog *self = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_free (self->file);
      self->file = file != NULL ? g_file_get_path (file) : NULL;
      update_mode (self);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
on_choose_clicked (StvaRetrainDialog *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    "The model's file", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, "_Choose", "_Cancel");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "Sync-TVA models (*.stvm)");
  gtk_file_filter_add_pattern (filter, "*.stvm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_run_clicked (StvaRetrainDialog *self)
{
  g_autoptr (GError) error = NULL;
  if (!stva_retrain_dialog_run (self, &error) && error != NULL)
    stva_window_toast (self->window, error->message);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
stva_retrain_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STVA_TYPE_RETRAIN_DIALOG);
  G_OBJECT_CLASS (stva_retrain_dialog_parent_class)->dispose (object);
}

static void
stva_retrain_dialog_finalize (GObject *object)
{
  StvaRetrainDialog *self = STVA_RETRAIN_DIALOG (object);
  g_free (self->file);
  g_strfreev (self->settings);
  g_clear_pointer (&self->outcome, stva_retrain_outcome_free);
  g_free (self->error);
  g_hash_table_unref (self->cells);
  G_OBJECT_CLASS (stva_retrain_dialog_parent_class)->finalize (object);
}

static void
stva_retrain_dialog_class_init (StvaRetrainDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_retrain_dialog_dispose;
  object_class->finalize = stva_retrain_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-retrain-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, title);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, from_row);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, from_check);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, fresh_check);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, StvaRetrainDialog, results_box);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_run_clicked);
}

static void
stva_retrain_dialog_init (StvaRetrainDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaRetrainDialog *
stva_retrain_dialog_new (StvaWindow *window)
{
  g_return_val_if_fail (STVA_IS_WINDOW (window), NULL);
  StvaRetrainDialog *self = g_object_new (STVA_TYPE_RETRAIN_DIALOG, "transient-for", window,
                                          NULL);
  self->window = window;
  StvaSession *session = stva_window_get_session (window);
  StvaDb *db = stva_session_get_db (session);
  self->model_id = stva_session_get_model_id (session);
  if (db != NULL && self->model_id != 0)
    {
      g_autofree char *name = stva_db_model_name (db, self->model_id, NULL);
      g_autofree char *t = g_strdup_printf ("The model on screen: #%" G_GINT64_FORMAT " %s",
                                            self->model_id, name != NULL ? name : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->from_row), t);
      adw_action_row_set_subtitle (self->from_row, "Its weights and training state go on");
      char *path = stva_db_model_path (db, self->model_id, NULL);
      if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        self->file = path;
      else
        g_free (path);
    }
  else
    {
      adw_action_row_set_subtitle (self->from_row, "No model in the project yet");
      gtk_widget_set_sensitive (GTK_WIDGET (self->from_row), FALSE);
      gtk_check_button_set_active (self->fresh_check, TRUE);
    }
  update_mode (self);
  return self;
}

void
stva_retrain_dialog_set_options (StvaRetrainDialog *self,
                                 gboolean           afresh,
                                 const char        *preset,
                                 const char        *file,
                                 int                epochs,
                                 const char *const *settings)
{
  g_return_if_fail (STVA_IS_RETRAIN_DIALOG (self));
  gtk_check_button_set_active (afresh ? self->fresh_check : self->from_check, TRUE);
  for (guint i = 0; preset != NULL && i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (preset, presets[i]))
      adw_combo_row_set_selected (self->preset_row, i);
  if (file != NULL)
    {
      g_free (self->file);
      self->file = g_strdup (file);
    }
  if (epochs > 0)
    gtk_spin_button_set_value (self->epochs_spin, epochs);
  g_strfreev (self->settings);
  self->settings = g_strdupv ((char **) settings);
  update_mode (self);
}

gboolean
stva_retrain_dialog_run (StvaRetrainDialog  *self,
                         GError            **error)
{
  g_return_val_if_fail (STVA_IS_RETRAIN_DIALOG (self), FALSE);
  gboolean from = gtk_check_button_get_active (self->from_check);
  if (from && self->file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "choose the file of the model on screen, or train afresh");
      return FALSE;
    }
  guint p = adw_combo_row_get_selected (self->preset_row);
  StvaRetrainRequest rq = {
    .from = from ? self->file : NULL,
    .from_id = self->model_id,
    .preset = (char *) (p < G_N_ELEMENTS (presets) ? presets[p] : "default"),
    .epochs = gtk_spin_button_get_value_as_int (self->epochs_spin),
    .settings = self->settings,
  };
  if (!stva_job_runner_retrain (self->window, &rq, retrain_done, g_object_ref (self)))
    {
      g_object_unref (self);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "retraining did not start (another job runs)");
      return FALSE;
    }
  /* the window stays usable while it trains: the panel comes back when it ends */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  return TRUE;
}

const StvaRetrainOutcome *
stva_retrain_dialog_get_outcome (StvaRetrainDialog *self)
{
  g_return_val_if_fail (STVA_IS_RETRAIN_DIALOG (self), NULL);
  return self->outcome;
}

const char *
stva_retrain_dialog_cell (StvaRetrainDialog *self,
                          const char        *split,
                          const char        *row,
                          int                column)
{
  g_return_val_if_fail (STVA_IS_RETRAIN_DIALOG (self), NULL);
  g_autofree char *key = g_strdup_printf ("%s/%s/%d", split, row, column);
  GtkLabel *label = g_hash_table_lookup (self->cells, key);
  return label != NULL ? gtk_label_get_text (label) : NULL;
}

const char *
stva_retrain_dialog_get_error (StvaRetrainDialog *self)
{
  g_return_val_if_fail (STVA_IS_RETRAIN_DIALOG (self), NULL);
  return self->error;
}
