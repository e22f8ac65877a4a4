/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaSession: the open project, its selection and every label change (see stva-session.h).
 */
#include "config.h"

#include <gtk/gtk.h>

#include "stva-session.h"

struct _StvaSession
{
  GObject            parent_instance;

  StvaDb            *db;              /* owned, nullable */
  StvaDbLabelSet    *label_set;       /* owned, nullable */
  char              *annotator;       /* owned, nullable */
  gint64             annotator_id;
  gint64             model_id;
  GListStore        *dialogues;       /* owned, of StvaDialogueItem */
  GListStore        *utterances;      /* owned, of StvaUtteranceItem */
  guint              dialogue_pos;    /* GTK_INVALID_LIST_POSITION: none */
  guint              utterance_pos;
  GArray            *queue;           /* owned, nullable, of StvaDbQueueItem */
  StvaDbQueueOrder   queue_order;
  int                queue_pos;       /* -1: before the first */
};

G_DEFINE_FINAL_TYPE (StvaSession, stva_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DIALOGUE,
  PROP_UTTERANCE,
  PROP_ANNOTATOR,
  PROP_MODEL_ID,
  N_PROPS
};

enum
{
  LABEL_CHANGED,
  PROJECT_CHANGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- helpers ------------------------------------------------------------------------------ */

/* The label set the studio works in: the one remembered in the project, else the first set
 * with a model, else "meld", else the first. */
static StvaDbLabelSet *
pick_label_set (StvaDb  *db,
                GError **error)
{
  g_autoptr (GPtrArray) sets = stva_db_label_sets (db, error);
  if (sets == NULL)
    return NULL;
  if (sets->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "%s: the project has no "
                   "label set", stva_db_path (db));
      return NULL;
    }
  g_autofree char *remembered = stva_db_setting (db, "studio.label-set", NULL);
  StvaDbLabelSet *pick = NULL;
  for (guint i = 0; i < sets->len && pick == NULL; i++)
    {
      StvaDbLabelSet *set = g_ptr_array_index (sets, i);
      if (remembered != NULL && g_strcmp0 (set->name, remembered) == 0)
        pick = set;
    }
  for (guint i = 0; i < sets->len && pick == NULL; i++)
    {
      StvaDbLabelSet *set = g_ptr_array_index (sets, i);
      if (stva_db_latest_model (db, set->id, NULL) != 0)
        pick = set;
    }
  for (guint i = 0; i < sets->len && pick == NULL; i++)
    {
      StvaDbLabelSet *set = g_ptr_array_index (sets, i);
      if (g_strcmp0 (set->name, STVA_DB_MELD_SET) == 0)
        pick = set;
    }
  if (pick == NULL)
    pick = g_ptr_array_index (sets, 0);
  return stva_db_label_set_by_id (db, pick->id, error);
}

/* Re-reads the selected dialogue's utterances, updating the items in place when the dialogue
 * is the same (so views keep their rows) and replacing them otherwise. */
static gboolean
load_utterances (StvaSession  *self,
                 gboolean      same_dialogue,
                 GError      **error)
{
  StvaDialogueItem *d = stva_session_get_dialogue (self);
  if (d == NULL)
    {
      g_list_store_remove_all (self->utterances);
      return TRUE;
    }
  g_autoptr (GPtrArray) rows = stva_db_utterances (self->db, stva_dialogue_item_get_id (d),
                                                   self->label_set->id, self->model_id, error);
  if (rows == NULL)
    return FALSE;
  g_ptr_array_set_free_func (rows, NULL);   /* the items take the rows */
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->utterances));
  if (same_dialogue && n == rows->len)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (
            G_LIST_MODEL (self->utterances), i);
          stva_utterance_item_update (item, g_ptr_array_index (rows, i));
        }
      return TRUE;
    }
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (items, stva_utterance_item_new (g_ptr_array_index (rows, i)));
  g_list_store_splice (self->utterances, 0, n, items->pdata, items->len);
  return TRUE;
}

/* The model's accuracy on a dialogue's labelled utterances from its rows (NaN: none). */
static double
accuracy_of (GListModel *utterances)
{
  int n = 0, right = 0;
  for (guint i = 0; i < g_list_model_get_n_items (utterances); i++)
    {
      g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (utterances, i);
      const StvaDbUtterance *u = stva_utterance_item_get (item);
      if (u->current_label_id == 0 || u->predicted_label_id == 0)
        continue;
      n++;
      right += u->current_label_id == u->predicted_label_id;
    }
  return n > 0 ? (double) right / n : NAN;
}

/* Re-reads the dialogue rows (review counts) in place. */
static gboolean
refresh_dialogues (StvaSession  *self,
                   GError      **error)
{
  g_autoptr (GPtrArray) rows = stva_db_dialogues (self->db, self->label_set->id, error);
  if (rows == NULL)
    return FALSE;
  g_ptr_array_set_free_func (rows, NULL);
  GListModel *model = G_LIST_MODEL (self->dialogues);
  guint n = g_list_model_get_n_items (model);
  gboolean same = n == rows->len;
  for (guint i = 0; i < n && same; i++)
    {
      g_autoptr (StvaDialogueItem) item = g_list_model_get_item (model, i);
      same = stva_dialogue_item_get_id (item) == ((StvaDbDialogue *) rows->pdata[i])->id;
    }
  if (same)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (StvaDialogueItem) item = g_list_model_get_item (model, i);
          stva_dialogue_item_update (item, g_ptr_array_index (rows, i));
        }
      return TRUE;
    }
  /* the dialogues themselves changed: replace them all */
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (items, stva_dialogue_item_new (g_ptr_array_index (rows, i)));
  g_list_store_splice (self->dialogues, 0, n, items->pdata, items->len);
  return TRUE;
}

/* After a label event: the utterance's row and its dialogue's counts, then the signal. */
static gboolean
label_changed (StvaSession  *self,
               gint64        utterance_id,
               GError      **error)
{
  if (!load_utterances (self, TRUE, error) || !refresh_dialogues (self, error))
    return FALSE;
  StvaDialogueItem *d = stva_session_get_dialogue (self);
  if (d != NULL)
    stva_dialogue_item_set_accuracy (d, accuracy_of (G_LIST_MODEL (self->utterances)));
  g_signal_emit (self, signals[LABEL_CHANGED], 0, utterance_id);
  return TRUE;
}

static gboolean
need_annotator (StvaSession  *self,
                GError      **error)
{
  if (self->db == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "no project is open");
      return FALSE;
    }
  if (self->annotator_id == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "choose who is labelling first (an annotator)");
      return FALSE;
    }
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
stva_session_finalize (GObject *object)
{
  StvaSession *self = STVA_SESSION (object);
  g_clear_object (&self->dialogues);
  g_clear_object (&self->utterances);
  g_clear_pointer (&self->label_set, stva_db_label_set_free);
  g_clear_pointer (&self->annotator, g_free);
  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->db, stva_db_close);
  G_OBJECT_CLASS (stva_session_parent_class)->finalize (object);
}

static void
stva_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  StvaSession *self = STVA_SESSION (object);
  switch (prop_id)
    {
    case PROP_DIALOGUE:
      g_value_set_object (value, stva_session_get_dialogue (self));
      break;
    case PROP_UTTERANCE:
      g_value_set_object (value, stva_session_get_utterance (self));
      break;
    case PROP_ANNOTATOR:
      g_value_set_string (value, self->annotator);
      break;
    case PROP_MODEL_ID:
      g_value_set_int64 (value, self->model_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_session_class_init (StvaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = stva_session_finalize;
  object_class->get_property = stva_session_get_property;

  GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  props[PROP_DIALOGUE] = g_param_spec_object ("dialogue", NULL, NULL,
                                              STVA_TYPE_DIALOGUE_ITEM, f);
  props[PROP_UTTERANCE] = g_param_spec_object ("utterance", NULL, NULL,
                                               STVA_TYPE_UTTERANCE_ITEM, f);
  props[PROP_ANNOTATOR] = g_param_spec_string ("annotator", NULL, NULL, NULL, f);
  props[PROP_MODEL_ID] = g_param_spec_int64 ("model-id", NULL, NULL, 0, G_MAXINT64, 0, f);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[LABEL_CHANGED] = g_signal_new ("label-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[PROJECT_CHANGED] = g_signal_new ("project-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
stva_session_init (StvaSession *self)
{
  self->dialogues = g_list_store_new (STVA_TYPE_DIALOGUE_ITEM);
  self->utterances = g_list_store_new (STVA_TYPE_UTTERANCE_ITEM);
  self->dialogue_pos = GTK_INVALID_LIST_POSITION;
  self->utterance_pos = GTK_INVALID_LIST_POSITION;
  self->queue_pos = -1;
}

/* ---- public API --------------------------------------------------------------------------- */

StvaSession *
stva_session_new (void)
{
  return g_object_new (STVA_TYPE_SESSION, NULL);
}

gboolean
stva_session_open (StvaSession  *self,
                   const char   *path,
                   const char   *annotator,
                   GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self) && path != NULL, FALSE);
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_EXISTING, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = pick_label_set (db, error);
  if (set == NULL)
    return FALSE;
  g_autofree char *who = annotator != NULL ? g_strdup (annotator)
                                           : stva_db_setting (db, STVA_SESSION_ANNOTATOR_KEY,
                                                              NULL);
  gint64 who_id = 0;
  if (who != NULL && *who != '\0')
    {
      who_id = stva_db_annotator (db, who, "human", error);
      if (who_id == 0)
        return FALSE;
      if (annotator != NULL
          && !stva_db_set_setting (db, STVA_SESSION_ANNOTATOR_KEY, annotator, error))
        return FALSE;
    }
  GError *local = NULL;
  gint64 model_id = stva_db_latest_model (db, set->id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }

  /* it opened: replace what was open */
  g_clear_pointer (&self->db, stva_db_close);
  g_clear_pointer (&self->label_set, stva_db_label_set_free);
  g_clear_pointer (&self->queue, g_array_unref);
  self->db = g_steal_pointer (&db);
  self->label_set = g_steal_pointer (&set);
  g_free (self->annotator);
  self->annotator = who != NULL && *who != '\0' ? g_steal_pointer (&who) : NULL;
  self->annotator_id = who_id;
  self->model_id = model_id;
  self->queue_pos = -1;
  self->dialogue_pos = GTK_INVALID_LIST_POSITION;
  self->utterance_pos = GTK_INVALID_LIST_POSITION;
  g_list_store_remove_all (self->utterances);
  g_list_store_remove_all (self->dialogues);
  if (!refresh_dialogues (self, error))
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ANNOTATOR]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MODEL_ID]);
  g_signal_emit (self, signals[PROJECT_CHANGED], 0);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->dialogues)) > 0)
    return stva_session_select_dialogue (self, 0, error);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DIALOGUE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UTTERANCE]);
  return TRUE;
}

gboolean
stva_session_reload (StvaSession  *self,
                     GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (self->db == NULL)
    return TRUE;
  gint64 dialogue_id = 0;
  StvaDialogueItem *d = stva_session_get_dialogue (self);
  if (d != NULL)
    dialogue_id = stva_dialogue_item_get_id (d);
  guint utt = self->utterance_pos;
  if (!refresh_dialogues (self, error))
    return FALSE;
  if (self->model_id == 0)
    self->model_id = stva_db_latest_model (self->db, self->label_set->id, NULL);
  g_signal_emit (self, signals[PROJECT_CHANGED], 0);
  GListModel *model = G_LIST_MODEL (self->dialogues);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (StvaDialogueItem) item = g_list_model_get_item (model, i);
      if (stva_dialogue_item_get_id (item) == dialogue_id)
        {
          if (!stva_session_select_dialogue (self, i, error))
            return FALSE;
          if (utt != GTK_INVALID_LIST_POSITION)
            stva_session_select_utterance (self, utt);
          return TRUE;
        }
    }
  return g_list_model_get_n_items (model) > 0 ? stva_session_select_dialogue (self, 0, error)
                                              : TRUE;
}

gboolean
stva_session_is_open (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  return self->db != NULL;
}

const char *
stva_session_get_path (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return self->db != NULL ? stva_db_path (self->db) : NULL;
}

StvaDb *
stva_session_get_db (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return self->db;
}

const StvaDbLabelSet *
stva_session_get_label_set (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return self->label_set;
}

const StvaDbLabel *
stva_session_get_label (StvaSession *self,
                        gint64       label_id)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  if (self->label_set == NULL || label_id == 0)
    return NULL;
  return stva_db_label_set_by_label (self->label_set, label_id);
}

const char *
stva_session_get_annotator (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return self->annotator;
}

gboolean
stva_session_set_annotator (StvaSession  *self,
                            const char   *name,
                            GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self) && name != NULL, FALSE);
  if (self->db == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "no project is open");
      return FALSE;
    }
  g_autofree char *trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "an annotator needs a name");
      return FALSE;
    }
  gint64 id = stva_db_annotator (self->db, trimmed, "human", error);
  if (id == 0 || !stva_db_set_setting (self->db, STVA_SESSION_ANNOTATOR_KEY, trimmed, error))
    return FALSE;
  g_free (self->annotator);
  self->annotator = g_steal_pointer (&trimmed);
  self->annotator_id = id;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ANNOTATOR]);
  return TRUE;
}

gint64
stva_session_get_model_id (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), 0);
  return self->model_id;
}

gboolean
stva_session_set_model_id (StvaSession  *self,
                           gint64        model_id,
                           GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (model_id == self->model_id)
    return TRUE;
  if (self->db != NULL && model_id != 0)
    {
      g_autofree char *name = stva_db_model_name (self->db, model_id, error);
      if (name == NULL)
        return FALSE;
    }
  self->model_id = model_id;
  g_clear_pointer (&self->queue, g_array_unref);
  self->queue_pos = -1;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MODEL_ID]);
  return self->db == NULL || label_changed (self, 0, error);
}

GListModel *
stva_session_get_dialogues (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->dialogues);
}

GListModel *
stva_session_get_utterances (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->utterances);
}

StvaDialogueItem *
stva_session_get_dialogue (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  if (self->dialogue_pos == GTK_INVALID_LIST_POSITION)
    return NULL;
  g_autoptr (StvaDialogueItem) item = g_list_model_get_item (G_LIST_MODEL (self->dialogues),
                                                             self->dialogue_pos);
  return item;   /* the store keeps it alive */
}

guint
stva_session_get_dialogue_position (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), GTK_INVALID_LIST_POSITION);
  return self->dialogue_pos;
}

gboolean
stva_session_select_dialogue (StvaSession  *self,
                              guint         position,
                              GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->dialogues));
  g_return_val_if_fail (position < n, FALSE);
  gboolean same = position == self->dialogue_pos;
  self->dialogue_pos = position;
  if (!load_utterances (self, same, error))
    return FALSE;
  StvaDialogueItem *d = stva_session_get_dialogue (self);
  stva_dialogue_item_set_accuracy (d, accuracy_of (G_LIST_MODEL (self->utterances)));
  guint n_utt = g_list_model_get_n_items (G_LIST_MODEL (self->utterances));
  self->utterance_pos = n_utt > 0 ? 0 : GTK_INVALID_LIST_POSITION;
  if (!same)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DIALOGUE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UTTERANCE]);
  return TRUE;
}

gboolean
stva_session_select_utterance_id (StvaSession  *self,
                                  gint64        utterance_id,
                                  GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (self->db == NULL)
    return FALSE;
  gint64 dialogue_id = 0;
  if (!stva_db_utterance_dialogue (self->db, utterance_id, &dialogue_id, error))
    return FALSE;
  StvaDialogueItem *d = stva_session_get_dialogue (self);
  if (d == NULL || stva_dialogue_item_get_id (d) != dialogue_id)
    {
      GListModel *model = G_LIST_MODEL (self->dialogues);
      guint n = g_list_model_get_n_items (model), pos = GTK_INVALID_LIST_POSITION;
      for (guint i = 0; i < n && pos == GTK_INVALID_LIST_POSITION; i++)
        {
          g_autoptr (StvaDialogueItem) item = g_list_model_get_item (model, i);
          if (stva_dialogue_item_get_id (item) == dialogue_id)
            pos = i;
        }
      if (pos == GTK_INVALID_LIST_POSITION)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "dialogue %"
                       G_GINT64_FORMAT " is not in the list", dialogue_id);
          return FALSE;
        }
      if (!stva_session_select_dialogue (self, pos, error))
        return FALSE;
    }
  GListModel *utts = G_LIST_MODEL (self->utterances);
  for (guint i = 0; i < g_list_model_get_n_items (utts); i++)
    {
      g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (utts, i);
      if (stva_utterance_item_get_id (item) == utterance_id)
        {
          stva_session_select_utterance (self, i);
          return TRUE;
        }
    }
  return TRUE;
}

StvaUtteranceItem *
stva_session_get_utterance (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  if (self->utterance_pos == GTK_INVALID_LIST_POSITION)
    return NULL;
  g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (G_LIST_MODEL (self->utterances),
                                                              self->utterance_pos);
  return item;   /* the store keeps it alive */
}

guint
stva_session_get_utterance_position (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), GTK_INVALID_LIST_POSITION);
  return self->utterance_pos;
}

void
stva_session_select_utterance (StvaSession *self,
                               guint        position)
{
  g_return_if_fail (STVA_IS_SESSION (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->utterances));
  if (position >= n || position == self->utterance_pos)
    return;
  self->utterance_pos = position;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UTTERANCE]);
}

gboolean
stva_session_step_utterance (StvaSession *self,
                             int          delta)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->utterances));
  if (n == 0 || self->utterance_pos == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gint64 to = (gint64) self->utterance_pos + delta;
  if (to < 0 || to >= n)
    return FALSE;
  stva_session_select_utterance (self, (guint) to);
  return TRUE;
}

/* ---- labelling ---------------------------------------------------------------------------- */

gboolean
stva_session_set_label (StvaSession  *self,
                        gint64        label_id,
                        const char   *note,
                        GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (!need_annotator (self, error))
    return FALSE;
  StvaUtteranceItem *item = stva_session_get_utterance (self);
  if (item == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no utterance is selected");
      return FALSE;
    }
  gint64 utt = stva_utterance_item_get_id (item);
  if (stva_db_set_label (self->db, utt, self->label_set->id, self->annotator_id, label_id,
                         self->model_id, note, error) == 0)
    return FALSE;
  return label_changed (self, utt, error);
}

const StvaDbLabel *
stva_session_label_for_key (StvaSession *self,
                            const char  *key)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  if (self->label_set == NULL || key == NULL)
    return NULL;
  for (guint i = 0; i < self->label_set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (self->label_set->labels, i);
      if (l->key != NULL && g_ascii_strcasecmp (l->key, key) == 0)
        return l;
    }
  return NULL;
}

gboolean
stva_session_accept_prediction (StvaSession  *self,
                                GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  StvaUtteranceItem *item = stva_session_get_utterance (self);
  const StvaDbUtterance *u = item != NULL ? stva_utterance_item_get (item) : NULL;
  if (u == NULL || u->predicted_label_id == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "the model on screen has no prediction for this utterance");
      return FALSE;
    }
  return stva_session_set_label (self, u->predicted_label_id, NULL, error);
}

gboolean
stva_session_mark_reviewed (StvaSession  *self,
                            GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  StvaUtteranceItem *item = stva_session_get_utterance (self);
  const StvaDbUtterance *u = item != NULL ? stva_utterance_item_get (item) : NULL;
  if (u == NULL || u->current_label_id == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "this utterance has no label to keep: give it one");
      return FALSE;
    }
  return stva_session_set_label (self, u->current_label_id, NULL, error);
}

static gboolean
undo_redo (StvaSession  *self,
           gboolean      redo,
           gboolean     *done,
           GError      **error)
{
  if (done != NULL)
    *done = FALSE;
  if (!need_annotator (self, error))
    return FALSE;
  GError *local = NULL;
  gint64 event = redo ? stva_db_redo (self->db, self->annotator_id, self->label_set->id, &local)
                      : stva_db_undo (self->db, self->annotator_id, self->label_set->id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (event == 0)
    return TRUE;   /* nothing to undo / redo */
  if (done != NULL)
    *done = TRUE;
  gint64 utt = 0;
  if (!stva_db_event_utterance (self->db, event, &utt, error)
      || !stva_session_select_utterance_id (self, utt, error))
    return FALSE;
  return label_changed (self, utt, error);
}

gboolean
stva_session_undo (StvaSession  *self,
                   gboolean     *done,
                   GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  return undo_redo (self, FALSE, done, error);
}

gboolean
stva_session_redo (StvaSession  *self,
                   gboolean     *done,
                   GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  return undo_redo (self, TRUE, done, error);
}

/* ---- review queue ------------------------------------------------------------------------- */

gboolean
stva_session_set_queue (StvaSession       *self,
                        StvaDbQueueOrder   order,
                        gboolean           unreviewed_only,
                        GError           **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (self->db == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "no project is open");
      return FALSE;
    }
  GArray *queue = stva_db_review_queue (self->db, self->label_set->id, self->model_id, order,
                                        unreviewed_only, 0, error);
  if (queue == NULL)
    return FALSE;
  g_clear_pointer (&self->queue, g_array_unref);
  self->queue = queue;
  self->queue_order = order;
  self->queue_pos = -1;
  return TRUE;
}

StvaDbQueueOrder
stva_session_get_queue_order (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), STVA_DB_QUEUE_ENTROPY);
  return self->queue_order;
}

GArray *
stva_session_get_queue (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), NULL);
  return self->queue;
}

gboolean
stva_session_queue_step (StvaSession  *self,
                         int           delta,
                         GError      **error)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), FALSE);
  if (self->queue == NULL || self->queue->len == 0)
    return FALSE;
  int to = self->queue_pos + delta;
  if (to < 0 || to >= (int) self->queue->len)
    return FALSE;
  const StvaDbQueueItem *it = &g_array_index (self->queue, StvaDbQueueItem, to);
  if (!stva_session_select_utterance_id (self, it->utterance_id, error))
    return FALSE;
  self->queue_pos = to;
  return TRUE;
}

guint
stva_session_queue_left (StvaSession *self)
{
  g_return_val_if_fail (STVA_IS_SESSION (self), 0);
  if (self->queue == NULL)
    return 0;
  return self->queue->len - (guint) (self->queue_pos + 1);
}
