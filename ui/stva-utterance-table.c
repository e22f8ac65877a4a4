/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaUtteranceTable (see stva-utterance-table.h): the session's utterances through a filter
 * (the toggle buttons) and the column view's sorter into a single selection kept in step with
 * the session's.  The other annotators' labels come from db/ (the annotator_label rule) for
 * the selected dialogue, read again when a label changes; cells follow their item's
 * notifications, so a label set anywhere shows here at once.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "stva-label-chip.h"
#include "stva-utterance-table.h"
#include "stva-view-keys.h"

typedef enum
{
  COL_INDEX,
  COL_TIME,
  COL_SPEAKER,
  COL_TRANSCRIPT,
  COL_GOLD,
  COL_PREDICTED,
  COL_CURRENT,
  COL_OTHERS,
  COL_REVIEWED,
  N_COLS
} Column;

static const struct
{
  const char *id;
  const char *title;
  gboolean    expand;
  int         width;       /* fixed width, -1 none */
} columns[N_COLS] = {
  [COL_INDEX] = { "index", "#", FALSE, -1 },
  [COL_TIME] = { "time", "Time", FALSE, -1 },
  [COL_SPEAKER] = { "speaker", "Speaker", FALSE, 110 },
  [COL_TRANSCRIPT] = { "transcript", "Transcript", TRUE, -1 },
  [COL_GOLD] = { "gold", "Gold", FALSE, -1 },
  [COL_PREDICTED] = { "predicted", "Predicted", FALSE, -1 },
  [COL_CURRENT] = { "current", "Current", FALSE, -1 },
  [COL_OTHERS] = { "others", "Others", FALSE, -1 },
  [COL_REVIEWED] = { "reviewed", "✓", FALSE, -1 },
};

typedef struct
{
  StvaUtteranceTable *self;
  Column              kind;
} ColumnInfo;

struct _StvaUtteranceTable
{
  GtkWidget           parent_instance;

  /* template children */
  GtkToggleButton    *wrong_button;
  GtkToggleButton    *low_button;
  GtkToggleButton    *unreviewed_button;
  GtkToggleButton    *disagree_button;
  GtkLabel           *wrong_count;
  GtkLabel           *low_count;
  GtkLabel           *unreviewed_count;
  GtkLabel           *disagree_count;
  GtkLabel           *shown_label;
  GtkColumnView      *column_view;

  StvaSession        *session;        /* owned, nullable */
  GtkFilterListModel *filtered;       /* owned */
  GtkCustomFilter    *filter;         /* owned by filtered */
  GtkSortListModel   *sorted;         /* owned */
  GtkSingleSelection *selection;      /* owned */
  GtkColumnViewColumn *cols[N_COLS];  /* owned by the column view */
  ColumnInfo          info[N_COLS];
  StvaUtteranceFilter filter_on;
  guint               counts[4];      /* per filter bit */
  GPtrArray          *labels;         /* owned, nullable: of StvaDbAnnotatorLabel, the dialogue's */
  GHashTable         *by_utterance;   /* owned: utterance id -> GPtrArray (borrowed entries) */
  GHashTable         *other_cells;    /* owned: the bound "others" cells (set) */
  gboolean            syncing;
};

G_DEFINE_FINAL_TYPE (StvaUtteranceTable, stva_utterance_table, GTK_TYPE_WIDGET)

/* One cell's state, kept on its widget. */
typedef struct
{
  StvaUtteranceTable *self;
  Column              kind;
  GtkWidget          *widget;     /* the cell's child */
  GtkWidget          *chip;       /* gold, predicted, current */
  GtkWidget          *extra;      /* predicted: the confidence */
  StvaUtteranceItem  *item;       /* borrowed while bound */
  gulong              notify_id;
} Cell;

/* ---- helpers ------------------------------------------------------------------------------ */

static const StvaDbLabel *
label_of (StvaUtteranceTable *self,
          gint64              label_id)
{
  return self->session != NULL ? stva_session_get_label (self->session, label_id) : NULL;
}

/* (transfer none) (nullable) The annotators' labels on an utterance (StvaDbAnnotatorLabel). */
static GPtrArray *
labels_on (StvaUtteranceTable *self,
           gint64              utterance_id)
{
  return g_hash_table_lookup (self->by_utterance, &utterance_id);
}

/* How many different labels the human annotators gave the utterance. */
static guint
n_distinct_labels (StvaUtteranceTable *self,
                   gint64              utterance_id)
{
  GPtrArray *on = labels_on (self, utterance_id);
  guint n = 0;
  for (guint i = 0; on != NULL && i < on->len; i++)
    {
      const StvaDbAnnotatorLabel *a = g_ptr_array_index (on, i);
      gboolean seen = FALSE;
      for (guint j = 0; j < i && !seen; j++)
        seen = ((const StvaDbAnnotatorLabel *) g_ptr_array_index (on, j))->label_id
               == a->label_id;
      n += !seen;
    }
  return n;
}

static StvaUtteranceFilter
flags_of (StvaUtteranceTable    *self,
          const StvaDbUtterance *u)
{
  StvaUtteranceFilter f = 0;
  if (u->predicted_label_id != 0 && u->current_label_id != 0
      && u->predicted_label_id != u->current_label_id)
    f |= STVA_UTTERANCE_FILTER_WRONG;
  if (u->predicted_label_id != 0 && u->confidence < STVA_UTTERANCE_TABLE_LOW_CONFIDENCE)
    f |= STVA_UTTERANCE_FILTER_LOW_CONFIDENCE;
  if (!u->reviewed)
    f |= STVA_UTTERANCE_FILTER_UNREVIEWED;
  if (n_distinct_labels (self, u->id) >= 2)
    f |= STVA_UTTERANCE_FILTER_DISAGREE;
  return f;
}

static gboolean
filter_func (gpointer object,
             gpointer data)
{
  StvaUtteranceTable *self = data;
  if (self->filter_on == 0)
    return TRUE;
  const StvaDbUtterance *u = stva_utterance_item_get (STVA_UTTERANCE_ITEM (object));
  return (flags_of (self, u) & self->filter_on) == self->filter_on;
}

static void
format_time (gint64  ms,
             char   *out,
             gsize   n)
{
  if (ms < 0)
    ms = 0;
  g_snprintf (out, n, "%d:%02d.%d", (int) (ms / 60000), (int) (ms / 1000 % 60),
              (int) (ms / 100 % 10));
}

static void
set_chip (StvaUtteranceTable *self,
          GtkWidget          *chip,
          gint64              label_id)
{
  const StvaDbLabel *l = label_of (self, label_id);
  stva_label_chip_set (STVA_LABEL_CHIP (chip), l != NULL ? l->name : NULL,
                       l != NULL ? l->colour : NULL);
}

static void
update_others (Cell *cell)
{
  StvaUtteranceTable *self = cell->self;
  GtkWidget *box = cell->widget, *child;
  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
  if (cell->item == NULL)
    return;
  const char *me = self->session != NULL ? stva_session_get_annotator (self->session) : NULL;
  GPtrArray *on = labels_on (self, stva_utterance_item_get_id (cell->item));
  for (guint i = 0; on != NULL && i < on->len; i++)
    {
      const StvaDbAnnotatorLabel *a = g_ptr_array_index (on, i);
      if (g_strcmp0 (a->annotator, me) == 0)
        continue;
      const StvaDbLabel *l = label_of (self, a->label_id);
      GtkWidget *chip = stva_label_chip_new ();
      g_autofree char *text = g_strdup_printf ("%s: %s", a->annotator,
                                               l != NULL ? l->name : "?");
      stva_label_chip_set (STVA_LABEL_CHIP (chip), text, l != NULL ? l->colour : NULL);
      g_autofree char *tip = g_strdup_printf ("%s%s", a->annotator,
                                              a->is_review ? "" : " (imported rating)");
      gtk_widget_set_tooltip_text (chip, tip);
      gtk_box_append (GTK_BOX (box), chip);
    }
}

static void
cell_update (Cell *cell)
{
  if (cell->item == NULL)
    return;
  StvaUtteranceTable *self = cell->self;
  const StvaDbUtterance *u = stva_utterance_item_get (cell->item);
  char text[64];
  switch (cell->kind)
    {
    case COL_INDEX:
      g_snprintf (text, sizeof text, "%d", u->idx + 1);   /* numbered from 1, as the figures */
      gtk_label_set_text (GTK_LABEL (cell->widget), text);
      break;
    case COL_TIME:
      format_time (u->start_ms, text, sizeof text);
      gtk_label_set_text (GTK_LABEL (cell->widget), text);
      break;
    case COL_SPEAKER:
      gtk_label_set_text (GTK_LABEL (cell->widget), u->speaker);
      break;
    case COL_TRANSCRIPT:
      {
        g_autofree char *one = g_strdup (u->transcript);
        g_strdelimit (one, "\r\n\t", ' ');   /* one line */
        gtk_label_set_text (GTK_LABEL (cell->widget), one);
        gtk_widget_set_tooltip_text (cell->widget, u->transcript);
      }
      break;
    case COL_GOLD:
      set_chip (self, cell->chip, u->gold_label_id);
      break;
    case COL_CURRENT:
      set_chip (self, cell->chip, u->current_label_id);
      break;
    case COL_PREDICTED:
      set_chip (self, cell->chip, u->predicted_label_id);
      if (u->predicted_label_id != 0)
        g_snprintf (text, sizeof text, "%.2f", u->confidence);
      else
        text[0] = '\0';
      gtk_label_set_text (GTK_LABEL (cell->extra), text);
      if (u->predicted_label_id != 0 && u->confidence < STVA_UTTERANCE_TABLE_LOW_CONFIDENCE)
        gtk_widget_add_css_class (cell->extra, "warning");
      else
        gtk_widget_remove_css_class (cell->extra, "warning");
      break;
    case COL_OTHERS:
      update_others (cell);
      break;
    case COL_REVIEWED:
      gtk_widget_set_visible (cell->widget, u->reviewed);
      break;
    case N_COLS:
      g_assert_not_reached ();
    }
}

static int
label_idx (StvaUtteranceTable *self,
           gint64              label_id)
{
  const StvaDbLabel *l = label_of (self, label_id);
  return l != NULL ? l->idx : -1;
}

static int
compare (gconstpointer a,
         gconstpointer b,
         gpointer      data)
{
  const ColumnInfo *info = data;
  StvaUtteranceTable *self = info->self;
  const StvaDbUtterance *u = stva_utterance_item_get ((StvaUtteranceItem *) a);
  const StvaDbUtterance *v = stva_utterance_item_get ((StvaUtteranceItem *) b);
  int c = 0;
  switch (info->kind)
    {
    case COL_INDEX:
      break;
    case COL_TIME:
      c = (u->start_ms > v->start_ms) - (u->start_ms < v->start_ms);
      break;
    case COL_SPEAKER:
      c = g_utf8_collate (u->speaker, v->speaker);
      break;
    case COL_TRANSCRIPT:
      c = g_utf8_collate (u->transcript, v->transcript);
      break;
    case COL_GOLD:
      c = label_idx (self, u->gold_label_id) - label_idx (self, v->gold_label_id);
      break;
    case COL_CURRENT:
      c = label_idx (self, u->current_label_id) - label_idx (self, v->current_label_id);
      break;
    case COL_PREDICTED:
      {
        double x = u->predicted_label_id != 0 ? u->confidence : -1.0;
        double y = v->predicted_label_id != 0 ? v->confidence : -1.0;
        c = (x > y) - (x < y);
      }
      break;
    case COL_OTHERS:
      c = (int) n_distinct_labels (self, u->id) - (int) n_distinct_labels (self, v->id);
      break;
    case COL_REVIEWED:
      c = (int) u->reviewed - (int) v->reviewed;
      break;
    case N_COLS:
      g_assert_not_reached ();
    }
  if (c == 0)   /* ties in dialogue order */
    c = (u->idx > v->idx) - (u->idx < v->idx);
  return c < 0 ? GTK_ORDERING_SMALLER : c > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
update_counts (StvaUtteranceTable *self)
{
  memset (self->counts, 0, sizeof self->counts);
  GListModel *all = self->session != NULL ? stva_session_get_utterances (self->session) : NULL;
  guint n = all != NULL ? g_list_model_get_n_items (all) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (all, i);
      StvaUtteranceFilter f = flags_of (self, stva_utterance_item_get (item));
      for (guint b = 0; b < 4; b++)
        self->counts[b] += (f >> b) & 1;
    }
  GtkLabel *labels[4] = { self->wrong_count, self->low_count, self->unreviewed_count,
                          self->disagree_count };
  for (guint b = 0; b < 4; b++)
    {
      char text[16];
      g_snprintf (text, sizeof text, "%u", self->counts[b]);
      gtk_label_set_text (labels[b], text);
    }
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = shown == n ? g_strdup_printf ("%u utterance%s", n, n == 1 ? "" : "s")
                                     : g_strdup_printf ("%u of %u", shown, n);
  gtk_label_set_text (self->shown_label, text);
}

static GtkWidget *
inner_list (StvaUtteranceTable *self)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_LIST_VIEW (c))
      return c;
  return NULL;
}

/* Moves the table's selection to the session's utterance (none when it is filtered out). */
static void
sync_from_session (StvaUtteranceTable *self)
{
  StvaUtteranceItem *want = self->session != NULL ? stva_session_get_utterance (self->session)
                                                  : NULL;
  GListModel *model = G_LIST_MODEL (self->sorted);
  guint pos = GTK_INVALID_LIST_POSITION;
  for (guint i = 0; want != NULL && pos == GTK_INVALID_LIST_POSITION
                    && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (model, i);
      if (item == want)
        pos = i;
    }
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, pos);
  self->syncing = FALSE;
  GtkWidget *list = inner_list (self);
  if (pos != GTK_INVALID_LIST_POSITION && list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", pos);
}

/* Reads the dialogue's annotator labels again, then counts, filters, sorts and selects. */
static void
refresh (StvaUtteranceTable *self)
{
  g_hash_table_remove_all (self->by_utterance);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  StvaDialogueItem *d = self->session != NULL ? stva_session_get_dialogue (self->session) : NULL;
  const StvaDbLabelSet *set = self->session != NULL
                                ? stva_session_get_label_set (self->session) : NULL;
  if (d != NULL && set != NULL)
    {
      g_autoptr (GError) error = NULL;
      self->labels = stva_db_dialogue_annotator_labels (stva_session_get_db (self->session),
                                                        stva_dialogue_item_get_id (d), set->id,
                                                        &error);
      if (self->labels == NULL)
        g_warning ("%s", error->message);
      for (guint i = 0; self->labels != NULL && i < self->labels->len; i++)
        {
          StvaDbAnnotatorLabel *a = g_ptr_array_index (self->labels, i);
          GPtrArray *on = g_hash_table_lookup (self->by_utterance, &a->utterance_id);
          if (on == NULL)
            {
              on = g_ptr_array_new ();
              g_hash_table_insert (self->by_utterance, &a->utterance_id, on);
            }
          g_ptr_array_add (on, a);
        }
    }
  GHashTableIter iter;
  gpointer cell;
  g_hash_table_iter_init (&iter, self->other_cells);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    update_others (cell);
  if (self->filter_on != 0)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
  update_counts (self);
  sync_from_session (self);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_item_notify (StvaUtteranceItem *item,
                GParamSpec        *pspec,
                Cell              *cell)
{
  cell_update (cell);
}

static void
on_factory_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  ColumnInfo               *info)
{
  Cell *cell = g_new0 (Cell, 1);
  cell->self = info->self;
  cell->kind = info->kind;
  switch (info->kind)
    {
    case COL_INDEX:
    case COL_TIME:
    case COL_SPEAKER:
    case COL_TRANSCRIPT:
      cell->widget = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cell->widget), info->kind == COL_INDEX ? 1.0f : 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (cell->widget), PANGO_ELLIPSIZE_END);
      gtk_label_set_single_line_mode (GTK_LABEL (cell->widget), TRUE);
      if (info->kind == COL_INDEX || info->kind == COL_TIME)
        gtk_widget_add_css_class (cell->widget, "numeric");
      if (info->kind == COL_INDEX)
        gtk_widget_add_css_class (cell->widget, "dim-label");
      if (info->kind == COL_TRANSCRIPT)
        {
          gtk_label_set_width_chars (GTK_LABEL (cell->widget), 24);
          gtk_widget_set_hexpand (cell->widget, TRUE);
        }
      break;
    case COL_GOLD:
    case COL_CURRENT:
      cell->widget = cell->chip = stva_label_chip_new ();
      break;
    case COL_PREDICTED:
      cell->widget = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      cell->chip = stva_label_chip_new ();
      cell->extra = gtk_label_new (NULL);
      gtk_widget_add_css_class (cell->extra, "numeric");
      gtk_widget_add_css_class (cell->extra, "caption");
      gtk_box_append (GTK_BOX (cell->widget), cell->chip);
      gtk_box_append (GTK_BOX (cell->widget), cell->extra);
      break;
    case COL_OTHERS:
      cell->widget = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      break;
    case COL_REVIEWED:
      cell->widget = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_set_tooltip_text (cell->widget, "Reviewed");
      break;
    case N_COLS:
      g_assert_not_reached ();
    }
  g_object_set_data_full (G_OBJECT (cell->widget), "stva-cell", cell, g_free);
  gtk_list_item_set_child (list_item, cell->widget);
}

static void
on_factory_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ColumnInfo               *info)
{
  Cell *cell = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "stva-cell");
  cell->item = gtk_list_item_get_item (list_item);
  cell->notify_id = g_signal_connect (cell->item, "notify", G_CALLBACK (on_item_notify), cell);
  if (cell->kind == COL_OTHERS)
    g_hash_table_add (cell->self->other_cells, cell);
  cell_update (cell);
}

static void
on_factory_unbind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   ColumnInfo               *info)
{
  Cell *cell = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "stva-cell");
  if (cell->item != NULL)
    g_clear_signal_handler (&cell->notify_id, cell->item);
  cell->item = NULL;
  if (cell->self->other_cells != NULL)
    g_hash_table_remove (cell->self->other_cells, cell);
}

static void
on_factory_teardown (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     ColumnInfo               *info)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  Cell *cell = child != NULL ? g_object_get_data (G_OBJECT (child), "stva-cell") : NULL;
  if (cell != NULL && cell->self->other_cells != NULL)
    g_hash_table_remove (cell->self->other_cells, cell);
}

static void
on_selection_notify_selected (GtkSingleSelection *selection,
                              GParamSpec         *pspec,
                              StvaUtteranceTable *self)
{
  if (self->syncing || self->session == NULL)
    return;
  StvaUtteranceItem *item = gtk_single_selection_get_selected_item (selection);
  if (item == NULL)
    return;
  GListModel *all = stva_session_get_utterances (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (StvaUtteranceItem) it = g_list_model_get_item (all, i);
      if (it == item)
        {
          stva_session_select_utterance (self->session, i);
          return;
        }
    }
}

static void
on_session_notify_utterance (StvaSession        *session,
                             GParamSpec         *pspec,
                             StvaUtteranceTable *self)
{
  sync_from_session (self);
}

static void
on_session_changed (StvaUtteranceTable *self)
{
  refresh (self);
}

static void
on_filter_button_toggled (StvaUtteranceTable *self,
                          GtkToggleButton    *button)
{
  StvaUtteranceFilter f = 0;
  if (gtk_toggle_button_get_active (self->wrong_button))
    f |= STVA_UTTERANCE_FILTER_WRONG;
  if (gtk_toggle_button_get_active (self->low_button))
    f |= STVA_UTTERANCE_FILTER_LOW_CONFIDENCE;
  if (gtk_toggle_button_get_active (self->unreviewed_button))
    f |= STVA_UTTERANCE_FILTER_UNREVIEWED;
  if (gtk_toggle_button_get_active (self->disagree_button))
    f |= STVA_UTTERANCE_FILTER_DISAGREE;
  if (f == self->filter_on)
    return;
  GtkFilterChange change = (f & self->filter_on) == self->filter_on ? GTK_FILTER_CHANGE_MORE_STRICT
                           : (f & self->filter_on) == f ? GTK_FILTER_CHANGE_LESS_STRICT
                                                        : GTK_FILTER_CHANGE_DIFFERENT;
  self->filter_on = f;
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_counts (self);
  sync_from_session (self);
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_utterance_table_dispose (GObject *object)
{
  StvaUtteranceTable *self = STVA_UTTERANCE_TABLE (object);
  stva_utterance_table_set_session (self, NULL);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_UTTERANCE_TABLE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);   /* the template's unnamed scrolled window */
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_pointer (&self->by_utterance, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->other_cells, g_hash_table_unref);
  G_OBJECT_CLASS (stva_utterance_table_parent_class)->dispose (object);
}

static void
stva_utterance_table_class_init (StvaUtteranceTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_utterance_table_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-utterance-table.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, wrong_button);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, low_button);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, unreviewed_button);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, disagree_button);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, wrong_count);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, low_count);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, unreviewed_count);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, disagree_count);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, shown_label);
  gtk_widget_class_bind_template_child (widget_class, StvaUtteranceTable, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_button_toggled);
  gtk_widget_class_set_css_name (widget_class, "stva-utterance-table");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
stva_utterance_table_init (StvaUtteranceTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->by_utterance = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                              (GDestroyNotify) g_ptr_array_unref);
  self->other_cells = g_hash_table_new (NULL, NULL);

  for (int k = 0; k < N_COLS; k++)
    {
      self->info[k] = (ColumnInfo) { self, (Column) k };
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup), &self->info[k]);
      g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind), &self->info[k]);
      g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind), &self->info[k]);
      g_signal_connect (factory, "teardown", G_CALLBACK (on_factory_teardown), &self->info[k]);
      GtkColumnViewColumn *col = gtk_column_view_column_new (columns[k].title, factory);
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare, &self->info[k], NULL));
      gtk_column_view_column_set_sorter (col, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_expand (col, columns[k].expand);
      gtk_column_view_column_set_resizable (col, k == COL_TRANSCRIPT || k == COL_SPEAKER
                                                   || k == COL_OTHERS);
      if (columns[k].width > 0)
        gtk_column_view_column_set_fixed_width (col, columns[k].width);
      gtk_column_view_append_column (self->column_view, col);
      self->cols[k] = col;
      g_object_unref (col);
    }

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          g_object_ref (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected",
                    G_CALLBACK (on_selection_notify_selected), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_counts), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  stva_view_keys_pass (GTK_WIDGET (self->column_view));
  update_counts (self);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_utterance_table_new (void)
{
  return g_object_new (STVA_TYPE_UTTERANCE_TABLE, NULL);
}

void
stva_utterance_table_set_session (StvaUtteranceTable *self,
                                  StvaSession        *session)
{
  g_return_if_fail (STVA_IS_UTTERANCE_TABLE (self));
  g_return_if_fail (session == NULL || STVA_IS_SESSION (session));
  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      gtk_filter_list_model_set_model (self->filtered, NULL);
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect (session, "notify::utterance", G_CALLBACK (on_session_notify_utterance),
                        self);
      g_signal_connect_swapped (session, "notify::dialogue", G_CALLBACK (on_session_changed),
                                self);
      g_signal_connect_swapped (session, "label-changed", G_CALLBACK (on_session_changed), self);
      g_signal_connect_swapped (session, "project-changed", G_CALLBACK (on_session_changed),
                                self);
      gtk_filter_list_model_set_model (self->filtered, stva_session_get_utterances (session));
    }
  refresh (self);
}

StvaSession *
stva_utterance_table_get_session (StvaUtteranceTable *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_TABLE (self), NULL);
  return self->session;
}

void
stva_utterance_table_set_filter (StvaUtteranceTable  *self,
                                 StvaUtteranceFilter  filter)
{
  g_return_if_fail (STVA_IS_UTTERANCE_TABLE (self));
  gtk_toggle_button_set_active (self->wrong_button, filter & STVA_UTTERANCE_FILTER_WRONG);
  gtk_toggle_button_set_active (self->low_button, filter & STVA_UTTERANCE_FILTER_LOW_CONFIDENCE);
  gtk_toggle_button_set_active (self->unreviewed_button,
                                filter & STVA_UTTERANCE_FILTER_UNREVIEWED);
  gtk_toggle_button_set_active (self->disagree_button, filter & STVA_UTTERANCE_FILTER_DISAGREE);
}

StvaUtteranceFilter
stva_utterance_table_get_filter (StvaUtteranceTable *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_TABLE (self), 0);
  return self->filter_on;
}

guint
stva_utterance_table_get_count (StvaUtteranceTable  *self,
                                StvaUtteranceFilter  filter)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_TABLE (self), 0);
  for (guint b = 0; b < 4; b++)
    if (filter == (StvaUtteranceFilter) (1u << b))
      return self->counts[b];
  g_return_val_if_reached (0);
}

void
stva_utterance_table_sort_by (StvaUtteranceTable *self,
                              const char         *column,
                              GtkSortType         order)
{
  g_return_if_fail (STVA_IS_UTTERANCE_TABLE (self) && column != NULL);
  for (int k = 0; k < N_COLS; k++)
    if (g_strcmp0 (columns[k].id, column) == 0)
      {
        gtk_column_view_sort_by_column (self->column_view, self->cols[k], order);
        sync_from_session (self);
        return;
      }
  g_return_if_reached ();
}

GtkSelectionModel *
stva_utterance_table_get_selection (StvaUtteranceTable *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_TABLE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

GtkColumnView *
stva_utterance_table_get_column_view (StvaUtteranceTable *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_TABLE (self), NULL);
  return self->column_view;
}
