/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaDialogueItem and StvaUtteranceItem: db/'s rows as GObjects for the session's list models
 * (see stva-items.h).
 */
#include "config.h"

#include <math.h>

#include "stva-items.h"

/* ---- StvaDialogueItem --------------------------------------------------------------------- */

struct _StvaDialogueItem
{
  GObject         parent_instance;
  StvaDbDialogue *d;          /* owned */
  char           *title;      /* owned: "split/name" */
  char           *speakers;   /* owned */
  double          accuracy;   /* NaN: unknown */
};

G_DEFINE_FINAL_TYPE (StvaDialogueItem, stva_dialogue_item, G_TYPE_OBJECT)

enum
{
  DPROP_0,
  DPROP_ID,
  DPROP_TITLE,
  DPROP_SPLIT,
  DPROP_N_UTTERANCES,
  DPROP_N_REVIEWED,
  DPROP_SPEAKERS,
  DPROP_ACCURACY,
  N_DPROPS
};

static GParamSpec *dprops[N_DPROPS];

static void
stva_dialogue_item_finalize (GObject *object)
{
  StvaDialogueItem *self = STVA_DIALOGUE_ITEM (object);
  g_clear_pointer (&self->d, stva_db_dialogue_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->speakers, g_free);
  G_OBJECT_CLASS (stva_dialogue_item_parent_class)->finalize (object);
}

static void
stva_dialogue_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StvaDialogueItem *self = STVA_DIALOGUE_ITEM (object);
  switch (prop_id)
    {
    case DPROP_ID:
      g_value_set_int64 (value, self->d->id);
      break;
    case DPROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case DPROP_SPLIT:
      g_value_set_string (value, self->d->split);
      break;
    case DPROP_N_UTTERANCES:
      g_value_set_int (value, self->d->n_utterances);
      break;
    case DPROP_N_REVIEWED:
      g_value_set_int (value, self->d->n_reviewed);
      break;
    case DPROP_SPEAKERS:
      g_value_set_string (value, self->speakers);
      break;
    case DPROP_ACCURACY:
      g_value_set_double (value, isnan (self->accuracy) ? -1.0 : self->accuracy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_dialogue_item_class_init (StvaDialogueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = stva_dialogue_item_finalize;
  object_class->get_property = stva_dialogue_item_get_property;
  GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  dprops[DPROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, f);
  dprops[DPROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, f);
  dprops[DPROP_SPLIT] = g_param_spec_string ("split", NULL, NULL, NULL, f);
  dprops[DPROP_N_UTTERANCES] = g_param_spec_int ("n-utterances", NULL, NULL, 0, G_MAXINT, 0, f);
  dprops[DPROP_N_REVIEWED] = g_param_spec_int ("n-reviewed", NULL, NULL, 0, G_MAXINT, 0, f);
  dprops[DPROP_SPEAKERS] = g_param_spec_string ("speakers", NULL, NULL, NULL, f);
  /* -1: cannot be said */
  dprops[DPROP_ACCURACY] = g_param_spec_double ("accuracy", NULL, NULL, -1.0, 1.0, -1.0, f);
  g_object_class_install_properties (object_class, N_DPROPS, dprops);
}

static void
stva_dialogue_item_init (StvaDialogueItem *self)
{
  self->accuracy = NAN;
}

StvaDialogueItem *
stva_dialogue_item_new (StvaDbDialogue *d)
{
  g_return_val_if_fail (d != NULL, NULL);
  StvaDialogueItem *self = g_object_new (STVA_TYPE_DIALOGUE_ITEM, NULL);
  self->d = d;
  self->title = g_strdup_printf ("%s/%s", d->split, d->name);
  return self;
}

const StvaDbDialogue *
stva_dialogue_item_get (StvaDialogueItem *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_ITEM (self), NULL);
  return self->d;
}

void
stva_dialogue_item_update (StvaDialogueItem *self,
                           StvaDbDialogue   *d)
{
  g_return_if_fail (STVA_IS_DIALOGUE_ITEM (self) && d != NULL);
  StvaDbDialogue *old = self->d;
  self->d = d;
  if (old->n_reviewed != d->n_reviewed)
    g_object_notify_by_pspec (G_OBJECT (self), dprops[DPROP_N_REVIEWED]);
  if (old->n_utterances != d->n_utterances)
    g_object_notify_by_pspec (G_OBJECT (self), dprops[DPROP_N_UTTERANCES]);
  stva_db_dialogue_free (old);
}

gint64
stva_dialogue_item_get_id (StvaDialogueItem *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_ITEM (self), 0);
  return self->d->id;
}

const char *
stva_dialogue_item_get_title (StvaDialogueItem *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_ITEM (self), NULL);
  return self->title;
}

double
stva_dialogue_item_get_accuracy (StvaDialogueItem *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_ITEM (self), NAN);
  return self->accuracy;
}

void
stva_dialogue_item_set_accuracy (StvaDialogueItem *self,
                                 double            accuracy)
{
  g_return_if_fail (STVA_IS_DIALOGUE_ITEM (self));
  if (self->accuracy == accuracy || (isnan (self->accuracy) && isnan (accuracy)))
    return;
  self->accuracy = accuracy;
  g_object_notify_by_pspec (G_OBJECT (self), dprops[DPROP_ACCURACY]);
}

const char *
stva_dialogue_item_get_speakers (StvaDialogueItem *self)
{
  g_return_val_if_fail (STVA_IS_DIALOGUE_ITEM (self), NULL);
  return self->speakers != NULL ? self->speakers : "";
}

void
stva_dialogue_item_set_speakers (StvaDialogueItem *self,
                                 const char       *speakers)
{
  g_return_if_fail (STVA_IS_DIALOGUE_ITEM (self));
  if (g_strcmp0 (self->speakers, speakers) == 0)
    return;
  g_free (self->speakers);
  self->speakers = g_strdup (speakers);
  g_object_notify_by_pspec (G_OBJECT (self), dprops[DPROP_SPEAKERS]);
}

/* ---- StvaUtteranceItem -------------------------------------------------------------------- */

struct _StvaUtteranceItem
{
  GObject          parent_instance;
  StvaDbUtterance *u;   /* owned */
};

G_DEFINE_FINAL_TYPE (StvaUtteranceItem, stva_utterance_item, G_TYPE_OBJECT)

enum
{
  UPROP_0,
  UPROP_ID,
  UPROP_INDEX,
  UPROP_START_MS,
  UPROP_SPEAKER,
  UPROP_TRANSCRIPT,
  UPROP_GOLD_LABEL_ID,
  UPROP_CURRENT_LABEL_ID,
  UPROP_PREDICTED_LABEL_ID,
  UPROP_CONFIDENCE,
  UPROP_REVIEWED,
  N_UPROPS
};

static GParamSpec *uprops[N_UPROPS];

static void
stva_utterance_item_finalize (GObject *object)
{
  StvaUtteranceItem *self = STVA_UTTERANCE_ITEM (object);
  g_clear_pointer (&self->u, stva_db_utterance_free);
  G_OBJECT_CLASS (stva_utterance_item_parent_class)->finalize (object);
}

static void
stva_utterance_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StvaUtteranceItem *self = STVA_UTTERANCE_ITEM (object);
  const StvaDbUtterance *u = self->u;
  switch (prop_id)
    {
    case UPROP_ID:
      g_value_set_int64 (value, u->id);
      break;
    case UPROP_INDEX:
      g_value_set_int (value, u->idx);
      break;
    case UPROP_START_MS:
      g_value_set_int64 (value, u->start_ms);
      break;
    case UPROP_SPEAKER:
      g_value_set_string (value, u->speaker);
      break;
    case UPROP_TRANSCRIPT:
      g_value_set_string (value, u->transcript);
      break;
    case UPROP_GOLD_LABEL_ID:
      g_value_set_int64 (value, u->gold_label_id);
      break;
    case UPROP_CURRENT_LABEL_ID:
      g_value_set_int64 (value, u->current_label_id);
      break;
    case UPROP_PREDICTED_LABEL_ID:
      g_value_set_int64 (value, u->predicted_label_id);
      break;
    case UPROP_CONFIDENCE:
      g_value_set_double (value, u->predicted_label_id != 0 ? u->confidence : -1.0);
      break;
    case UPROP_REVIEWED:
      g_value_set_boolean (value, u->reviewed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_utterance_item_class_init (StvaUtteranceItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = stva_utterance_item_finalize;
  object_class->get_property = stva_utterance_item_get_property;
  GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  uprops[UPROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, f);
  uprops[UPROP_INDEX] = g_param_spec_int ("index", NULL, NULL, 0, G_MAXINT, 0, f);
  uprops[UPROP_START_MS] = g_param_spec_int64 ("start-ms", NULL, NULL, G_MININT64, G_MAXINT64,
                                               0, f);
  uprops[UPROP_SPEAKER] = g_param_spec_string ("speaker", NULL, NULL, NULL, f);
  uprops[UPROP_TRANSCRIPT] = g_param_spec_string ("transcript", NULL, NULL, NULL, f);
  uprops[UPROP_GOLD_LABEL_ID] = g_param_spec_int64 ("gold-label-id", NULL, NULL, 0, G_MAXINT64,
                                                    0, f);
  uprops[UPROP_CURRENT_LABEL_ID] = g_param_spec_int64 ("current-label-id", NULL, NULL, 0,
                                                       G_MAXINT64, 0, f);
  uprops[UPROP_PREDICTED_LABEL_ID] = g_param_spec_int64 ("predicted-label-id", NULL, NULL, 0,
                                                         G_MAXINT64, 0, f);
  uprops[UPROP_CONFIDENCE] = g_param_spec_double ("confidence", NULL, NULL, -1.0, 1.0, -1.0, f);
  uprops[UPROP_REVIEWED] = g_param_spec_boolean ("reviewed", NULL, NULL, FALSE, f);
  g_object_class_install_properties (object_class, N_UPROPS, uprops);
}

static void
stva_utterance_item_init (StvaUtteranceItem *self)
{
}

StvaUtteranceItem *
stva_utterance_item_new (StvaDbUtterance *u)
{
  g_return_val_if_fail (u != NULL, NULL);
  StvaUtteranceItem *self = g_object_new (STVA_TYPE_UTTERANCE_ITEM, NULL);
  self->u = u;
  return self;
}

const StvaDbUtterance *
stva_utterance_item_get (StvaUtteranceItem *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_ITEM (self), NULL);
  return self->u;
}

void
stva_utterance_item_update (StvaUtteranceItem *self,
                            StvaDbUtterance   *u)
{
  g_return_if_fail (STVA_IS_UTTERANCE_ITEM (self) && u != NULL);
  StvaDbUtterance *old = self->u;
  self->u = u;
  GObject *o = G_OBJECT (self);
  g_object_freeze_notify (o);
  if (old->current_label_id != u->current_label_id)
    g_object_notify_by_pspec (o, uprops[UPROP_CURRENT_LABEL_ID]);
  if (old->reviewed != u->reviewed)
    g_object_notify_by_pspec (o, uprops[UPROP_REVIEWED]);
  if (old->predicted_label_id != u->predicted_label_id)
    g_object_notify_by_pspec (o, uprops[UPROP_PREDICTED_LABEL_ID]);
  if (old->confidence != u->confidence)
    g_object_notify_by_pspec (o, uprops[UPROP_CONFIDENCE]);
  if (old->gold_label_id != u->gold_label_id)
    g_object_notify_by_pspec (o, uprops[UPROP_GOLD_LABEL_ID]);
  g_object_thaw_notify (o);
  stva_db_utterance_free (old);
}

gint64
stva_utterance_item_get_id (StvaUtteranceItem *self)
{
  g_return_val_if_fail (STVA_IS_UTTERANCE_ITEM (self), 0);
  return self->u->id;
}
