/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaLabelBar (see stva-label-bar.h): a button per label of the session's set, rebuilt when
 * a project opens, and the accept / reviewed / note / undo / redo controls, all acting through
 * the session and updated from its signals.  Whether undo and redo would do anything comes
 * from db/'s replay of the annotator's log (stva_db_undo_state), so it is what they will do.
 */
#include "config.h"

#include "stva-label-bar.h"
#include "stva-label-chip.h"

struct _StvaLabelBar
{
  GtkWidget       parent_instance;

  /* template children */
  GtkFlowBox     *label_box;
  GtkButton      *accept_button;
  StvaLabelChip  *accept_chip;
  GtkButton      *reviewed_button;
  GtkEntry       *note_entry;
  GtkButton      *undo_button;
  GtkButton      *redo_button;

  StvaSession    *session;       /* owned, nullable */
  GHashTable     *buttons;       /* owned: label id (gint64*, owned) -> GtkButton (borrowed) */
  GtkWidget      *current;       /* borrowed, nullable: the current label's button */
  gint64          annotator_id;  /* the session's annotator's, 0: none */
  gboolean        can_undo;
  gboolean        can_redo;
};

G_DEFINE_FINAL_TYPE (StvaLabelBar, stva_label_bar, GTK_TYPE_WIDGET)

enum
{
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ------------------------------------------------------------------------------ */

static void
report (StvaLabelBar *self,
        GError       *error)
{
  if (error != NULL)
    g_signal_emit (self, signals[ERROR], 0, error->message);
}

/* The annotator's id, looked up when the annotator changes (the session has it by name). */
static void
update_annotator (StvaLabelBar *self)
{
  self->annotator_id = 0;
  StvaDb *db = self->session != NULL ? stva_session_get_db (self->session) : NULL;
  const char *who = self->session != NULL ? stva_session_get_annotator (self->session) : NULL;
  if (db == NULL || who == NULL)
    return;
  g_autoptr (GError) error = NULL;
  self->annotator_id = stva_db_annotator (db, who, "human", &error);   /* there already */
  if (self->annotator_id == 0)
    g_warning ("%s", error->message);
}

static void
update_undo (StvaLabelBar *self)
{
  guint n_undo = 0, n_redo = 0;
  StvaDb *db = self->session != NULL ? stva_session_get_db (self->session) : NULL;
  const StvaDbLabelSet *set = self->session != NULL
                                ? stva_session_get_label_set (self->session) : NULL;
  if (db != NULL && self->annotator_id != 0 && set != NULL)
    {
      g_autoptr (GError) error = NULL;
      if (!stva_db_undo_state (db, self->annotator_id, set->id, &n_undo, &n_redo, &error))
        g_warning ("%s", error->message);
    }
  self->can_undo = n_undo > 0;
  self->can_redo = n_redo > 0;
  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_button), self->can_undo);
  gtk_widget_set_sensitive (GTK_WIDGET (self->redo_button), self->can_redo);
}

/* The current label's button stands out; accept shows the prediction it would take. */
static void
update_selection (StvaLabelBar *self)
{
  StvaUtteranceItem *item = self->session != NULL ? stva_session_get_utterance (self->session)
                                                  : NULL;
  const StvaDbUtterance *u = item != NULL ? stva_utterance_item_get (item) : NULL;
  if (self->current != NULL)
    {
      gtk_widget_add_css_class (self->current, "flat");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->current),
                                   GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_FALSE,
                                   -1);
    }
  self->current = NULL;
  if (u != NULL && u->current_label_id != 0)
    self->current = g_hash_table_lookup (self->buttons, &u->current_label_id);
  if (self->current != NULL)
    {
      gtk_widget_remove_css_class (self->current, "flat");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->current),
                                   GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_TRUE,
                                   -1);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->label_box), u != NULL);

  const StvaDbLabel *pred = u != NULL ? stva_session_get_label (self->session,
                                                                u->predicted_label_id)
                                      : NULL;
  if (pred != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s %.2f", pred->name, u->confidence);
      stva_label_chip_set (self->accept_chip, text, pred->colour);
    }
  else
    stva_label_chip_set (self->accept_chip, "no prediction", NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), pred != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reviewed_button),
                            u != NULL && u->current_label_id != 0);
}

static void
on_label_button_clicked (GtkButton    *button,
                         StvaLabelBar *self);

static void
rebuild (StvaLabelBar *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->label_box))) != NULL)
    gtk_flow_box_remove (self->label_box, child);
  g_hash_table_remove_all (self->buttons);
  self->current = NULL;
  const StvaDbLabelSet *set = self->session != NULL
                                ? stva_session_get_label_set (self->session) : NULL;
  for (guint i = 0; set != NULL && i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 5);
      if (l->key != NULL && *l->key != '\0')
        gtk_box_append (GTK_BOX (box), gtk_shortcut_label_new (l->key));
      GtkWidget *chip = stva_label_chip_new ();
      stva_label_chip_set (STVA_LABEL_CHIP (chip), l->name, l->colour);
      gtk_box_append (GTK_BOX (box), chip);
      GtkWidget *button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_focus_on_click (button, FALSE);
      g_autofree char *tip = l->key != NULL && *l->key != '\0'
                               ? g_strdup_printf ("Label as %s (%s)", l->name, l->key)
                               : g_strdup_printf ("Label as %s", l->name);
      gtk_widget_set_tooltip_text (button, tip);
      gint64 *id = g_new (gint64, 1);
      *id = l->id;
      g_object_set_data (G_OBJECT (button), "stva-label-id", id);
      g_signal_connect (button, "clicked", G_CALLBACK (on_label_button_clicked), self);
      g_hash_table_insert (self->buttons, id, button);
      gtk_flow_box_append (self->label_box, button);
      /* the flow box's child would take the focus (and arrows): the buttons do without */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
  /* at least a few per line, else the window's narrowest layout would stack them all */
  guint n = set != NULL ? set->labels->len : 1;
  gtk_flow_box_set_min_children_per_line (self->label_box, MAX (1, MIN (n, 4)));
  update_selection (self);
  update_annotator (self);
  update_undo (self);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_label_button_clicked (GtkButton    *button,
                         StvaLabelBar *self)
{
  if (self->session == NULL)
    return;
  const gint64 *id = g_object_get_data (G_OBJECT (button), "stva-label-id");
  g_autofree char *note = stva_label_bar_take_note (self);
  g_autoptr (GError) error = NULL;
  if (!stva_session_set_label (self->session, *id, note, &error))
    {
      stva_label_bar_set_note (self, note);   /* not lost */
      report (self, error);
    }
}

static void
on_accept_button_clicked (StvaLabelBar *self,
                          GtkButton    *button)
{
  StvaUtteranceItem *item = self->session != NULL ? stva_session_get_utterance (self->session)
                                                  : NULL;
  if (item == NULL)
    return;
  gint64 pred = stva_utterance_item_get (item)->predicted_label_id;
  g_autofree char *note = stva_label_bar_take_note (self);
  g_autoptr (GError) error = NULL;
  /* accepting is setting the predicted label: with the note */
  gboolean ok = pred != 0 ? stva_session_set_label (self->session, pred, note, &error)
                          : stva_session_accept_prediction (self->session, &error);
  if (!ok)
    {
      stva_label_bar_set_note (self, note);
      report (self, error);
    }
}

static void
on_reviewed_button_clicked (StvaLabelBar *self,
                            GtkButton    *button)
{
  StvaUtteranceItem *item = self->session != NULL ? stva_session_get_utterance (self->session)
                                                  : NULL;
  if (item == NULL)
    return;
  gint64 current = stva_utterance_item_get (item)->current_label_id;
  g_autofree char *note = stva_label_bar_take_note (self);
  g_autoptr (GError) error = NULL;
  gboolean ok = current != 0 ? stva_session_set_label (self->session, current, note, &error)
                             : stva_session_mark_reviewed (self->session, &error);
  if (!ok)
    {
      stva_label_bar_set_note (self, note);
      report (self, error);
    }
}

static void
on_undo_button_clicked (StvaLabelBar *self,
                        GtkButton    *button)
{
  g_autoptr (GError) error = NULL;
  if (self->session != NULL && !stva_session_undo (self->session, NULL, &error))
    report (self, error);
  update_undo (self);
}

static void
on_redo_button_clicked (StvaLabelBar *self,
                        GtkButton    *button)
{
  g_autoptr (GError) error = NULL;
  if (self->session != NULL && !stva_session_redo (self->session, NULL, &error))
    report (self, error);
  update_undo (self);
}

static void
leave_entry (StvaLabelBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  if (root != NULL)
    gtk_root_set_focus (root, NULL);
}

/* Enter keeps the note for the next label and gives the keys back to the window. */
static void
on_note_entry_activate (StvaLabelBar *self,
                        GtkEntry     *entry)
{
  leave_entry (self);
}

static void
on_note_entry_icon_release (StvaLabelBar         *self,
                            GtkEntryIconPosition  position,
                            GtkEntry             *entry)
{
  stva_label_bar_set_note (self, NULL);
}

static void
on_note_entry_changed (StvaLabelBar *self,
                       GtkEditable  *editable)
{
  gboolean has = *gtk_editable_get_text (editable) != '\0';
  gtk_entry_set_icon_from_icon_name (self->note_entry, GTK_ENTRY_ICON_SECONDARY,
                                     has ? "edit-clear-symbolic" : NULL);
}

static gboolean
on_note_key_pressed (GtkEventControllerKey *keys,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     StvaLabelBar          *self)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  leave_entry (self);   /* the note stays for the next label */
  return TRUE;
}

static void
on_session_project_changed (StvaSession  *session,
                            StvaLabelBar *self)
{
  rebuild (self);
}

static void
on_session_label_changed (StvaSession  *session,
                          gint64        utterance_id,
                          StvaLabelBar *self)
{
  update_selection (self);
  update_undo (self);
}

static void
on_session_notify (StvaSession  *session,
                   GParamSpec   *pspec,
                   StvaLabelBar *self)
{
  update_selection (self);
  if (g_strcmp0 (pspec->name, "annotator") == 0)
    {
      update_annotator (self);
      update_undo (self);
    }
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_label_bar_dispose (GObject *object)
{
  StvaLabelBar *self = STVA_LABEL_BAR (object);
  stva_label_bar_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_LABEL_BAR);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);   /* the template's unnamed separator and box */
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  G_OBJECT_CLASS (stva_label_bar_parent_class)->dispose (object);
}

static void
stva_label_bar_class_init (StvaLabelBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_label_bar_dispose;

  g_type_ensure (STVA_TYPE_LABEL_CHIP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-label-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, label_box);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, accept_button);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, accept_chip);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, reviewed_button);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, note_entry);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, undo_button);
  gtk_widget_class_bind_template_child (widget_class, StvaLabelBar, redo_button);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reviewed_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_undo_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_redo_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_note_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_note_entry_icon_release);
  gtk_widget_class_bind_template_callback (widget_class, on_note_entry_changed);
  gtk_widget_class_set_css_name (widget_class, "stva-label-bar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TOOLBAR);

  /* the message of a click that could not label */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
stva_label_bar_init (StvaLabelBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->buttons = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_note_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_entry), keys);
  update_selection (self);
  update_undo (self);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_label_bar_new (void)
{
  return g_object_new (STVA_TYPE_LABEL_BAR, NULL);
}

void
stva_label_bar_set_session (StvaLabelBar *self,
                            StvaSession  *session)
{
  g_return_if_fail (STVA_IS_LABEL_BAR (self));
  g_return_if_fail (session == NULL || STVA_IS_SESSION (session));
  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect (session, "project-changed", G_CALLBACK (on_session_project_changed),
                        self);
      g_signal_connect (session, "label-changed", G_CALLBACK (on_session_label_changed), self);
      g_signal_connect (session, "notify::utterance", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::annotator", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::model-id", G_CALLBACK (on_session_notify), self);
    }
  if (self->buttons != NULL)
    rebuild (self);
}

StvaSession *
stva_label_bar_get_session (StvaLabelBar *self)
{
  g_return_val_if_fail (STVA_IS_LABEL_BAR (self), NULL);
  return self->session;
}

char *
stva_label_bar_take_note (StvaLabelBar *self)
{
  g_return_val_if_fail (STVA_IS_LABEL_BAR (self), NULL);
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->note_entry))));
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  return *note != '\0' ? g_steal_pointer (&note) : NULL;
}

void
stva_label_bar_set_note (StvaLabelBar *self,
                         const char   *note)
{
  g_return_if_fail (STVA_IS_LABEL_BAR (self));
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), note != NULL ? note : "");
}

GtkWidget *
stva_label_bar_get_button (StvaLabelBar *self,
                           gint64        label_id)
{
  g_return_val_if_fail (STVA_IS_LABEL_BAR (self), NULL);
  return g_hash_table_lookup (self->buttons, &label_id);
}

gboolean
stva_label_bar_can_undo (StvaLabelBar *self)
{
  g_return_val_if_fail (STVA_IS_LABEL_BAR (self), FALSE);
  return self->can_undo;
}

gboolean
stva_label_bar_can_redo (StvaLabelBar *self)
{
  g_return_val_if_fail (STVA_IS_LABEL_BAR (self), FALSE);
  return self->can_redo;
}

void
stva_label_bar_focus_note (StvaLabelBar *self)
{
  g_return_if_fail (STVA_IS_LABEL_BAR (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}
