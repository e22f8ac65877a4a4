/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaDialogueList (see stva-dialogue-list.h): the session's dialogues through a filter (the
 * search's matches from db/, the split) into a single selection kept in step with the
 * session's.  When a project opens, every dialogue's speakers and the model's accuracy come
 * from one pass over the project (stva_db_dialogue_summaries) and are set on the items; the
 * session keeps the selected dialogue's accuracy current as labels change.
 */
#include "config.h"

#include <math.h>

#include "stva-dialogue-list.h"
#include "stva-view-keys.h"

struct _StvaDialogueList
{
  GtkWidget           parent_instance;

  /* template children */
  GtkSearchEntry     *search_entry;
  GtkDropDown        *split_dropdown;
  GtkLabel           *count_label;
  GtkListView        *list_view;

  StvaSession        *session;      /* owned, nullable */
  GtkFilterListModel *filtered;     /* owned */
  GtkCustomFilter    *filter;       /* owned by filtered */
  GtkSingleSelection *selection;    /* owned */
  char               *search;       /* owned, nullable: the search applied ("" none) */
  GHashTable         *matches;      /* owned, nullable: dialogue ids (gint64*) the search found */
  char               *split;        /* owned, nullable: the split shown */
  gboolean            syncing;      /* the selection is being moved to the session's */
};

G_DEFINE_FINAL_TYPE (StvaDialogueList, stva_dialogue_list, GTK_TYPE_WIDGET)

static const char *const splits[] = { NULL, "train", "dev", "test", "none" };

/* One row's widgets, kept on the list item's child. */
typedef struct
{
  GtkWidget        *split;
  GtkWidget        *name;
  GtkWidget        *accuracy;
  GtkWidget        *speakers;
  GtkWidget        *level;
  GtkWidget        *count;
  StvaDialogueItem *item;      /* borrowed while bound */
  gulong            notify_id;
} Row;

/* ---- helpers ------------------------------------------------------------------------------ */

static void
row_update (Row *row)
{
  StvaDialogueItem *item = row->item;
  const StvaDbDialogue *d = stva_dialogue_item_get (item);
  gtk_label_set_text (GTK_LABEL (row->split), d->split);
  gtk_label_set_text (GTK_LABEL (row->name), d->name);
  const char *speakers = stva_dialogue_item_get_speakers (item);
  gtk_label_set_text (GTK_LABEL (row->speakers), *speakers != '\0' ? speakers : "—");
  double acc = stva_dialogue_item_get_accuracy (item);
  g_autofree char *acc_text = isnan (acc) ? g_strdup ("") : g_strdup_printf ("acc %.0f%%",
                                                                             100.0 * acc);
  gtk_label_set_text (GTK_LABEL (row->accuracy), acc_text);
  int n = MAX (d->n_utterances, 1);
  gtk_level_bar_set_max_value (GTK_LEVEL_BAR (row->level), n);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (row->level), MIN (d->n_reviewed, n));
  g_autofree char *count = g_strdup_printf ("%d/%d", d->n_reviewed, d->n_utterances);
  gtk_label_set_text (GTK_LABEL (row->count), count);
}

/* The row's tooltip, made when asked: setting tooltips on every row as it is bound costs a
 * tooltip query over the window each time (most of opening a large project, measured). */
static gboolean
on_row_query_tooltip (GtkWidget  *box,
                      int         x,
                      int         y,
                      gboolean    keyboard,
                      GtkTooltip *tooltip,
                      Row        *row)
{
  if (row->item == NULL)
    return FALSE;
  const StvaDbDialogue *d = stva_dialogue_item_get (row->item);
  const char *speakers = stva_dialogue_item_get_speakers (row->item);
  double acc = stva_dialogue_item_get_accuracy (row->item);
  g_autofree char *acc_text = isnan (acc) ? g_strdup ("no model's predictions to score")
                                          : g_strdup_printf ("the model's accuracy on its "
                                                             "labelled utterances: %.0f%%",
                                                             100.0 * acc);
  g_autofree char *text = g_strdup_printf ("%s/%s: %d utterance%s, %d reviewed\n%s%s%s",
                                           d->split, d->name, d->n_utterances,
                                           d->n_utterances == 1 ? "" : "s", d->n_reviewed,
                                           *speakers != '\0' ? speakers : "",
                                           *speakers != '\0' ? "\n" : "", acc_text);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static GtkWidget *
caption (const char *css)
{
  GtkWidget *l = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (l), 0.0f);
  gtk_widget_add_css_class (l, "caption");
  if (css != NULL)
    gtk_widget_add_css_class (l, css);
  return l;
}

static void
update_count (StvaDialogueList *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint all = self->session != NULL
                ? g_list_model_get_n_items (stva_session_get_dialogues (self->session)) : 0;
  g_autofree char *text = shown == all ? g_strdup_printf ("%u dialogue%s", all,
                                                          all == 1 ? "" : "s")
                                       : g_strdup_printf ("%u of %u", shown, all);
  gtk_label_set_text (self->count_label, text);
}

/* Moves the list's selection to the session's dialogue (none when it is filtered out). */
static void
sync_from_session (StvaDialogueList *self)
{
  StvaDialogueItem *want = self->session != NULL ? stva_session_get_dialogue (self->session)
                                                 : NULL;
  GListModel *model = G_LIST_MODEL (self->filtered);
  guint pos = GTK_INVALID_LIST_POSITION;
  for (guint i = 0; want != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (StvaDialogueItem) item = g_list_model_get_item (model, i);
      if (item == want)
        pos = i;
      if (pos != GTK_INVALID_LIST_POSITION)
        break;
    }
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, pos);
  self->syncing = FALSE;
  if (pos != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", pos);
  update_count (self);
}

static gboolean
filter_func (gpointer object,
             gpointer data)
{
  StvaDialogueList *self = data;
  StvaDialogueItem *item = object;
  const StvaDbDialogue *d = stva_dialogue_item_get (item);
  if (self->split != NULL && g_strcmp0 (d->split, self->split) != 0)
    return FALSE;
  if (self->search == NULL || *self->search == '\0')
    return TRUE;
  return self->matches != NULL && g_hash_table_contains (self->matches, &d->id);
}

static void
apply_search (StvaDialogueList *self,
              const char       *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_free (self->search);
  self->search = g_steal_pointer (&trimmed);
  g_clear_pointer (&self->matches, g_hash_table_unref);
  StvaDb *db = self->session != NULL ? stva_session_get_db (self->session) : NULL;
  if (*self->search != '\0' && db != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) ids = stva_db_search_dialogues (db, self->search, &error);
      if (ids == NULL)
        g_warning ("search: %s", error->message);
      self->matches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      for (guint i = 0; ids != NULL && i < ids->len; i++)
        g_hash_table_add (self->matches, g_memdup2 (&g_array_index (ids, gint64, i),
                                                    sizeof (gint64)));
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  sync_from_session (self);
}

/* Every dialogue's speakers and the model's accuracy, in one pass over the project. */
static void
load_summaries (StvaDialogueList *self)
{
  StvaDb *db = stva_session_get_db (self->session);
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  if (db == NULL || set == NULL)
    return;
  gint64 model_id = stva_session_get_model_id (self->session);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sums = stva_db_dialogue_summaries (db, set->id, model_id, &error);
  if (sums == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < sums->len; i++)
    {
      StvaDbDialogueSummary *s = g_ptr_array_index (sums, i);
      g_hash_table_insert (by_id, &s->dialogue_id, s);
    }
  GListModel *dialogues = stva_session_get_dialogues (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (dialogues); i++)
    {
      g_autoptr (StvaDialogueItem) item = g_list_model_get_item (dialogues, i);
      gint64 id = stva_dialogue_item_get_id (item);
      StvaDbDialogueSummary *s = g_hash_table_lookup (by_id, &id);
      if (s == NULL)
        continue;
      stva_dialogue_item_set_speakers (item, s->speakers);
      /* no model on screen: no accuracy, whatever the newest model says */
      stva_dialogue_item_set_accuracy (item, model_id != 0 && s->n_scored > 0
                                               ? (double) s->n_right / s->n_scored : NAN);
    }
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_item_notify (StvaDialogueItem *item,
                GParamSpec       *pspec,
                Row              *row)
{
  row_update (row);
}

static void
on_factory_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  data)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);

  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->split = caption ("dim-label");
  row->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->name), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (row->name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->name, TRUE);
  gtk_widget_add_css_class (row->name, "heading");
  row->accuracy = caption ("numeric");
  gtk_box_append (GTK_BOX (top), row->split);
  gtk_box_append (GTK_BOX (top), row->name);
  gtk_box_append (GTK_BOX (top), row->accuracy);

  row->speakers = caption ("dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (row->speakers), PANGO_ELLIPSIZE_END);

  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->level = gtk_level_bar_new ();
  gtk_level_bar_set_mode (GTK_LEVEL_BAR (row->level), GTK_LEVEL_BAR_MODE_CONTINUOUS);
  /* no offsets: one colour whatever the share (GtkLevelBar's "low" would read as a warning) */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (row->level), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (row->level), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (row->level), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_hexpand (row->level, TRUE);
  gtk_widget_set_valign (row->level, GTK_ALIGN_CENTER);
  row->count = caption ("numeric");
  gtk_widget_add_css_class (row->count, "dim-label");
  gtk_box_append (GTK_BOX (bottom), row->level);
  gtk_box_append (GTK_BOX (bottom), row->count);

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), row->speakers);
  gtk_box_append (GTK_BOX (box), bottom);
  g_object_set_data_full (G_OBJECT (box), "stva-row", row, g_free);
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (on_row_query_tooltip), row);
  gtk_list_item_set_child (list_item, box);
}

static void
on_factory_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  data)
{
  Row *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "stva-row");
  row->item = gtk_list_item_get_item (list_item);
  row->notify_id = g_signal_connect (row->item, "notify", G_CALLBACK (on_item_notify), row);
  row_update (row);
}

static void
on_factory_unbind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  data)
{
  Row *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "stva-row");
  if (row->item != NULL)
    g_clear_signal_handler (&row->notify_id, row->item);
  row->item = NULL;
}

static void
on_selection_notify_selected (GtkSingleSelection *selection,
                              GParamSpec         *pspec,
                              StvaDialogueList   *self)
{
  if (self->syncing || self->session == NULL)
    return;
  StvaDialogueItem *item = gtk_single_selection_get_selected_item (selection);
  if (item == NULL)
    return;
  GListModel *all = stva_session_get_dialogues (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (StvaDialogueItem) it = g_list_model_get_item (all, i);
      if (it != item)
        continue;
      g_autoptr (GError) error = NULL;
      if (i != stva_session_get_dialogue_position (self->session)
          && !stva_session_select_dialogue (self->session, i, &error))
        g_warning ("%s", error->message);
      return;
    }
}

static void
on_session_notify_dialogue (StvaSession      *session,
                            GParamSpec       *pspec,
                            StvaDialogueList *self)
{
  sync_from_session (self);
}

static void
on_session_project_changed (StvaSession      *session,
                            StvaDialogueList *self)
{
  load_summaries (self);
  apply_search (self, self->search);   /* the matches are the new project's */
}

static void
on_session_notify_model_id (StvaSession      *session,
                            GParamSpec       *pspec,
                            StvaDialogueList *self)
{
  load_summaries (self);
}

static void
on_search_entry_search_changed (StvaDialogueList *self,
                                GtkSearchEntry   *entry)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Escape leaves the entry (the window's keys work again), keeping the search. */
static void
on_search_entry_stop_search (StvaDialogueList *self,
                             GtkSearchEntry   *entry)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  if (root != NULL)
    gtk_root_set_focus (root, NULL);
}

static void
on_split_dropdown_notify_selected (StvaDialogueList *self,
                                   GParamSpec       *pspec,
                                   GtkDropDown      *dropdown)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  g_free (self->split);
  self->split = i < G_N_ELEMENTS (splits) ? g_strdup (splits[i]) : NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  sync_from_session (self);
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_dialogue_list_dispose (GObject *object)
{
  StvaDialogueList *self = STVA_DIALOGUE_LIST (object);
  stva_dialogue_list_set_session (self, NULL);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_DIALOGUE_LIST);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);   /* the template's unnamed boxes */
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->split, g_free);
  g_clear_pointer (&self->matches, g_hash_table_unref);
  G_OBJECT_CLASS (stva_dialogue_list_parent_class)->dispose (object);
}

static void
stva_dialogue_list_class_init (StvaDialogueListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_dialogue_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-dialogue-list.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaDialogueList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StvaDialogueList, split_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StvaDialogueList, count_label);
  gtk_widget_class_bind_template_child (widget_class, StvaDialogueList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_split_dropdown_notify_selected);
  gtk_widget_class_set_css_name (widget_class, "stva-dialogue-list");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
stva_dialogue_list_init (StvaDialogueList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->search = g_strdup ("");
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected",
                    G_CALLBACK (on_selection_notify_selected), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_count), self);

  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  stva_view_keys_pass (GTK_WIDGET (self->list_view));
  update_count (self);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_dialogue_list_new (void)
{
  return g_object_new (STVA_TYPE_DIALOGUE_LIST, NULL);
}

void
stva_dialogue_list_set_session (StvaDialogueList *self,
                                StvaSession      *session)
{
  g_return_if_fail (STVA_IS_DIALOGUE_LIST (self));
  g_return_if_fail (session == NULL || STVA_IS_SESSION (session));
  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      gtk_filter_list_model_set_model (self->filtered, NULL);
      g_clear_object (&self->session);
    }
  if (session == NULL)
    return;
  self->session = g_object_ref (session);
  g_signal_connect (session, "notify::dialogue", G_CALLBACK (on_session_notify_dialogue), self);
  g_signal_connect (session, "notify::model-id", G_CALLBACK (on_session_notify_model_id), self);
  g_signal_connect (session, "project-changed", G_CALLBACK (on_session_project_changed), self);
  gtk_filter_list_model_set_model (self->filtered, stva_session_get_dialogues (session));
  if (stva_session_is_open (session))
    load_summaries (self);
  apply_search (self, self->search);
}

StvaSession *
stva_dialogue_list_get_session (StvaDialogueList *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_LIST (self), NULL);
  return self->session;
}

void
stva_dialogue_list_set_search (StvaDialogueList *self,
                               const char       *text)
{
  g_return_if_fail (STVA_IS_DIALOGUE_LIST (self));
  const char *now = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (g_strcmp0 (now, text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  apply_search (self, text);   /* at once, not after the entry's delay */
}

void
stva_dialogue_list_set_split (StvaDialogueList *self,
                              const char       *split)
{
  g_return_if_fail (STVA_IS_DIALOGUE_LIST (self));
  for (guint i = 0; i < G_N_ELEMENTS (splits); i++)
    if (g_strcmp0 (splits[i], split) == 0)
      {
        gtk_drop_down_set_selected (self->split_dropdown, i);
        return;
      }
  g_return_if_reached ();
}

void
stva_dialogue_list_focus_search (StvaDialogueList *self)
{
  g_return_if_fail (STVA_IS_DIALOGUE_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GtkSelectionModel *
stva_dialogue_list_get_selection (StvaDialogueList *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_LIST (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

guint
stva_dialogue_list_get_n_shown (StvaDialogueList *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_LIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}
