/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data behind each figure (stva-engine-figure.h), read from a project: stored predictions
 * scored by core's metrics, the registered training history, and a dialogue's stored β and
 * attention blobs.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "stva-engine.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* The project open, its label set, and the model (the newest when options name none); head
 * filled. */
typedef struct
{
  StvaDb         *db;
  StvaDbLabelSet *set;
} Open;

static void
open_clear (Open *o)
{
  g_clear_pointer (&o->set, stva_db_label_set_free);
  g_clear_pointer (&o->db, stva_db_close);
}

static void
head_clear (StvaFigureHead *head)
{
  g_free (head->project);
  g_strfreev (head->labels);
  memset (head, 0, sizeof *head);
}

static gboolean
open_project (const StvaFigureOptions *options,
              Open                    *o,
              StvaFigureHead          *head,
              GError                 **error)
{
  memset (o, 0, sizeof *o);
  memset (head, 0, sizeof *head);
  if (options->project == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "a figure needs a project");
      return FALSE;
    }
  o->db = stva_db_open (options->project, STVA_DB_OPEN_EXISTING, error);
  if (o->db == NULL)
    return FALSE;
  o->set = stva_db_label_set (o->db, options->label_set != NULL ? options->label_set
                                                                 : STVA_DB_MELD_SET, error);
  if (o->set == NULL)
    goto fail;
  head->project = g_strdup (stva_db_path (o->db));
  head->model_id = options->model_id;
  if (head->model_id == 0)
    {
      GError *local = NULL;
      head->model_id = stva_db_latest_model (o->db, o->set->id, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          goto fail;
        }
      if (head->model_id == 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                       "%s: no model of label set %s yet (synctva train, then synctva predict)",
                       head->project, o->set->name);
          goto fail;
        }
    }
  head->K = (int) o->set->labels->len;
  head->labels = g_new0 (char *, o->set->labels->len + 1);
  for (guint i = 0; i < o->set->labels->len; i++)
    head->labels[i] = g_strdup (((StvaDbLabel *) g_ptr_array_index (o->set->labels, i))->name);
  return TRUE;

fail:
  open_clear (o);
  head_clear (head);
  return FALSE;
}

/* class index of a label id of set, -1 when 0 or not in the set */
static int
label_index (const StvaDbLabelSet *set,
             gint64                label_id)
{
  const StvaDbLabel *l = label_id != 0 ? stva_db_label_set_by_label (set, label_id) : NULL;
  return l != NULL ? l->idx : -1;
}

/* The id of the dialogue name names (SPLIT/NAME, a name in one split, or an id), 0 with error
 * set when none or several. */
static gint64
find_dialogue (Open        *o,
               const char  *name,
               GError     **error)
{
  const char *path = stva_db_path (o->db);
  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "this figure needs a dialogue");
      return 0;
    }
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (o->db, o->set->id, error);
  if (dialogues == NULL)
    return 0;
  char *end = NULL;
  gint64 id = g_ascii_strtoll (name, &end, 10);
  gboolean numeric = end != name && *end == '\0' && id > 0;
  gint64 found = 0;
  g_autoptr (GString) names = g_string_new (NULL);
  int n = 0;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      g_autofree char *full = g_strdup_printf ("%s/%s", d->split, d->name);
      if (strcmp (full, name) == 0 || (numeric && d->id == id))
        return d->id;
      if (strcmp (d->name, name) == 0)
        {
          found = d->id;
          g_string_append_printf (names, "%s%s", n++ ? ", " : "", full);
        }
    }
  if (n == 1)
    return found;
  if (n > 1)
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                 "%s: dialogue '%s' is in several splits: say which (%s)", path, name,
                 names->str);
  else
    g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                 "%s: no dialogue '%s' (name one as SPLIT/NAME, the split and dialogue columns "
                 "of synctva export csv)", path, name);
  return 0;
}

/* The utterances of options->dialogue with the model's predictions; head->dialogue_id set. */
static GPtrArray *
dialogue_utterances (Open                    *o,
                     const StvaFigureOptions *options,
                     StvaFigureHead          *head,
                     GError                 **error)
{
  head->dialogue_id = find_dialogue (o, options->dialogue, error);
  if (head->dialogue_id == 0)
    return NULL;
  return stva_db_utterances (o->db, head->dialogue_id, o->set->id, head->model_id, error);
}

/* core's metrics of model_id's predictions of split against the reference labels */
static gboolean
score_model (Open                    *o,
             const StvaFigureOptions *options,
             gint64                   model_id,
             StvaMetrics             *m,
             int                     *n_unlabelled,
             GError                 **error)
{
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (o->db, o->set->id, error);
  if (dialogues == NULL)
    return FALSE;
  g_autoptr (GArray) gold = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) pred = g_array_new (FALSE, FALSE, sizeof (int));
  int no_label = 0;
  const char *split = stva_data_split_name (options->split);
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      if (options->split != STVA_DATA_ALL_SPLITS && strcmp (d->split, split) != 0)
        continue;
      g_autoptr (GPtrArray) utts = stva_db_utterances (o->db, d->id, o->set->id, model_id,
                                                       error);
      if (utts == NULL)
        return FALSE;
      for (guint j = 0; j < utts->len; j++)
        {
          StvaDbUtterance *u = g_ptr_array_index (utts, j);
          int ref = label_index (o->set, options->gold ? u->gold_label_id : u->current_label_id);
          int p = label_index (o->set, u->predicted_label_id);
          if (p < 0)
            continue;
          if (ref < 0)
            {
              no_label++;
              continue;
            }
          g_array_append_val (gold, ref);
          g_array_append_val (pred, p);
        }
    }
  if (n_unlabelled != NULL)
    *n_unlabelled = no_label;
  if (gold->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " has no predictions of labelled utterances on "
                   "split %s (synctva predict stores them)%s", stva_db_path (o->db), model_id,
                   split, no_label > 0 ? "; the predicted ones have no label" : "");
      return FALSE;
    }
  StvaError err = { 0 };
  if (stva_metrics_compute (m, (const int *) gold->data, (const int *) pred->data, gold->len,
                            (int) o->set->labels->len, &err) != STVA_OK)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: %s", stva_db_path (o->db),
                   err.message);
      return FALSE;
    }
  return TRUE;
}

/* ---- scores ------------------------------------------------------------------------------- */

void
stva_figure_options_init (StvaFigureOptions *options)
{
  memset (options, 0, sizeof *options);
  options->split = STVA_SPLIT_TEST;
}

void
stva_figure_scores_clear (StvaFigureScores *scores)
{
  if (scores == NULL)
    return;
  head_clear (&scores->head);
  stva_metrics_clear (&scores->metrics);
  memset (scores, 0, sizeof *scores);
}

gboolean
stva_figure_scores (const StvaFigureOptions *options,
                    StvaFigureScores        *scores,
                    GError                 **error)
{
  g_return_val_if_fail (options != NULL && scores != NULL, FALSE);
  memset (scores, 0, sizeof *scores);
  Open o;
  if (!open_project (options, &o, &scores->head, error))
    return FALSE;
  gboolean ok = score_model (&o, options, scores->head.model_id, &scores->metrics,
                             &scores->n_unlabelled, error);
  open_clear (&o);
  if (!ok)
    stva_figure_scores_clear (scores);
  return ok;
}

void
stva_figure_bars_clear (StvaFigureBars *bars)
{
  if (bars == NULL)
    return;
  head_clear (&bars->head);
  g_free (bars->values);
  g_strfreev (bars->group_names);
  g_strfreev (bars->series_names);
  memset (bars, 0, sizeof *bars);
}

gboolean
stva_figure_bars (const StvaFigureOptions *options,
                  const gint64            *models,
                  int                      n_models,
                  StvaFigureMeasure        measure,
                  StvaFigureBars          *bars,
                  GError                 **error)
{
  g_return_val_if_fail (options != NULL && bars != NULL, FALSE);
  g_return_val_if_fail (n_models >= 1 && n_models <= STVA_FIGURE_MAX_MODELS, FALSE);
  memset (bars, 0, sizeof *bars);
  StvaFigureOptions first = *options;
  first.model_id = models != NULL ? models[0] : 0;
  Open o;
  if (!open_project (&first, &o, &bars->head, error))
    return FALSE;
  int K = bars->head.K, G = K + 1, S = n_models > 1 ? n_models : 3;
  bars->n_groups = G;
  bars->n_series = S;
  bars->n_models = n_models;
  bars->measure = measure;
  bars->values = g_new0 (double, (gsize) G * (gsize) S);
  bars->group_names = g_new0 (char *, G + 1);
  for (int k = 0; k < K; k++)
    bars->group_names[k] = g_strdup (bars->head.labels[k]);
  bars->group_names[K] = g_strdup ("weighted");
  bars->series_names = g_new0 (char *, S + 1);
  gboolean ok = TRUE;
  for (int i = 0; ok && i < n_models; i++)
    {
      gint64 id = i == 0 ? bars->head.model_id : models[i];
      bars->model_ids[i] = id;
      StvaMetrics m = { 0 };
      if (!(ok = score_model (&o, options, id, &m, NULL, error)))
        break;
      bars->n_scored = m.n;
      bars->weighted_f1[i] = m.weighted_f1;
      /* weighted precision and recall as sklearn's average='weighted' */
      double wp = 0.0, wr = 0.0;
      for (int k = 0; k < K; k++)
        {
          wp += (double) m.support[k] * m.precision[k] / (double) m.n;
          wr += (double) m.support[k] * m.recall[k] / (double) m.n;
        }
      for (int g = 0; g < G; g++)
        {
          double p = g < K ? m.precision[g] : wp, r = g < K ? m.recall[g] : wr;
          double f1 = g < K ? m.f1[g] : m.weighted_f1;
          if (g < K && m.support[g] == 0)   /* a class absent from the reference: no bar */
            p = r = f1 = NAN;
          if (n_models == 1)
            {
              bars->values[g * S + 0] = p;
              bars->values[g * S + 1] = r;
              bars->values[g * S + 2] = f1;
            }
          else
            bars->values[g * S + i] = measure == STVA_FIGURE_PRECISION ? p
                                      : measure == STVA_FIGURE_RECALL ? r : f1;
        }
      stva_metrics_clear (&m);
      if (n_models > 1)
        {
          g_autofree char *name = stva_db_model_name (o.db, id, error);
          if (!(ok = name != NULL))
            break;
          bars->series_names[i] = g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", name, id);
        }
    }
  if (ok && n_models == 1)
    {
      bars->series_names[0] = g_strdup ("precision");
      bars->series_names[1] = g_strdup ("recall");
      bars->series_names[2] = g_strdup ("F1");
    }
  open_clear (&o);
  if (!ok)
    stva_figure_bars_clear (bars);
  return ok;
}

/* ---- training curves ---------------------------------------------------------------------- */

/* the number member name of o, NAN when missing, null or not a number (json-glib would read a
 * string as 0 and true as 1) */
static double
json_number (JsonObject *o,
             const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NAN;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE ? json_node_get_double (n) : NAN;
}

void
stva_figure_curves_clear (StvaFigureCurves *curves)
{
  if (curves == NULL)
    return;
  head_clear (&curves->head);
  g_free (curves->epoch);
  g_free (curves->loss);
  g_free (curves->dev_f1);
  memset (curves, 0, sizeof *curves);
}

static gboolean
read_curves (Open             *o,
             StvaFigureCurves *c,
             GError          **error)
{
  const char *path = stva_db_path (o->db);
  gint64 model_id = c->head.model_id;
  g_autofree char *metrics = stva_db_model_metrics (o->db, model_id, error);
  if (metrics == NULL)
    return FALSE;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root = json_parser_load_from_data (parser, metrics, -1, NULL)
                     ? json_parser_get_root (parser) : NULL;
  JsonObject *obj = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                  : NULL;
  JsonNode *h = obj != NULL ? json_object_get_member (obj, "history") : NULL;
  JsonArray *epochs = h != NULL && JSON_NODE_HOLDS_ARRAY (h) ? json_node_get_array (h) : NULL;
  guint n = epochs != NULL ? json_array_get_length (epochs) : 0;
  if (n == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " has no training history (it was trained on a "
                   "file, or before train kept one: train it again on the project)", path,
                   model_id);
      return FALSE;
    }
  c->n = (int) n;
  c->epoch = g_new (double, n);
  c->loss = g_new (double, n);
  c->dev_f1 = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (epochs, i);
      JsonObject *eo = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      c->epoch[i] = eo != NULL ? json_number (eo, "epoch") : NAN;
      c->loss[i] = eo != NULL ? json_number (eo, "loss") : NAN;
      c->dev_f1[i] = eo != NULL ? json_number (eo, "dev_weighted_f1") : NAN;
      if (!isfinite (c->epoch[i]) || (i > 0 && !(c->epoch[i] > c->epoch[i - 1])))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: model %" G_GINT64_FORMAT ": training history entry %u %s", path,
                       model_id, i + 1, !isfinite (c->epoch[i])
                                          ? "has no epoch number"
                                          : "does not come after the one before it");
          return FALSE;
        }
    }
  c->best_epoch = json_number (obj, "best_epoch");
  return TRUE;
}

gboolean
stva_figure_curves (const StvaFigureOptions *options,
                    StvaFigureCurves        *curves,
                    GError                 **error)
{
  g_return_val_if_fail (options != NULL && curves != NULL, FALSE);
  memset (curves, 0, sizeof *curves);
  Open o;
  if (!open_project (options, &o, &curves->head, error))
    return FALSE;
  gboolean ok = read_curves (&o, curves, error);
  open_clear (&o);
  if (!ok)
    stva_figure_curves_clear (curves);
  return ok;
}

/* ---- contributions ------------------------------------------------------------------------ */

void
stva_figure_contributions_clear (StvaFigureContributions *c)
{
  if (c == NULL)
    return;
  head_clear (&c->head);
  g_free (c->utterances);
  memset (c, 0, sizeof *c);
}

static gboolean
read_contributions (Open                    *o,
                    const StvaFigureOptions *options,
                    StvaFigureContributions *c,
                    GError                 **error)
{
  g_autoptr (GPtrArray) utts = dialogue_utterances (o, options, &c->head, error);
  if (utts == NULL)
    return FALSE;
  c->n = (int) utts->len;
  c->utterances = g_new0 (StvaFigureUtterance, utts->len > 0 ? utts->len : 1);
  int n_beta = 0;
  for (guint j = 0; j < utts->len; j++)
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, j);
      StvaFigureUtterance *d = &c->utterances[j];
      d->utterance_id = u->id;
      d->reference = label_index (o->set, options->gold ? u->gold_label_id : u->current_label_id);
      d->predicted = label_index (o->set, u->predicted_label_id);
      GError *local = NULL;
      StvaDbPrediction *p = stva_db_prediction (o->db, c->head.model_id, u->id, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (p != NULL && p->has_beta)
        {
          d->has_beta = TRUE;
          memcpy (d->beta, p->beta, sizeof d->beta);
          n_beta++;
        }
      stva_db_prediction_free (p);
    }
  if (n_beta == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %s has no modality strengths from model %" G_GINT64_FORMAT
                   " (synctva predict stores them)", stva_db_path (o->db), options->dialogue,
                   c->head.model_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
stva_figure_contributions (const StvaFigureOptions *options,
                           StvaFigureContributions *c,
                           GError                 **error)
{
  g_return_val_if_fail (options != NULL && c != NULL, FALSE);
  memset (c, 0, sizeof *c);
  Open o;
  if (!open_project (options, &o, &c->head, error))
    return FALSE;
  gboolean ok = read_contributions (&o, options, c, error);
  open_clear (&o);
  if (!ok)
    stva_figure_contributions_clear (c);
  return ok;
}

/* ---- attention ---------------------------------------------------------------------------- */

void
stva_figure_attention_clear (StvaFigureAttention *a)
{
  if (a == NULL)
    return;
  head_clear (&a->head);
  stva_attn_map_free (a->map);
  g_clear_pointer (&a->keys, g_array_unref);
  g_free (a->values);
  g_strfreev (a->row_names);
  g_strfreev (a->col_names);
  memset (a, 0, sizeof *a);
}

/* "msde.T, caf.T<-A, ..." */
static char *
key_names (GArray *keys)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      g_autofree char *name = stva_attn_key_to_string (&g_array_index (keys, StvaAttnKey, i));
      g_string_append_printf (s, "%s%s", i ? ", " : "", name);
    }
  return g_string_free (s, FALSE);
}

/* The heatmap's names: utterances numbered from 1, with the modality's letter when rows or
 * columns cross modalities. */
static void
name_nodes (StvaFigureAttention *a)
{
  const StvaAttnMap *map = a->map;
  gboolean one_modality = map->key.kind == STVA_ATTN_MSDE;
  a->row_names = g_new0 (char *, map->rows + 1);
  a->col_names = g_new0 (char *, map->cols + 1);
  for (int i = 0; i < map->rows; i++)
    a->row_names[i] = one_modality
                        ? g_strdup_printf ("%d", map->row_nodes[i].utterance + 1)
                        : g_strdup_printf ("%c%d",
                                           stva_modality_letter (map->row_nodes[i].modality),
                                           map->row_nodes[i].utterance + 1);
  for (int i = 0; i < map->cols; i++)
    a->col_names[i] = one_modality
                        ? g_strdup_printf ("%d", map->col_nodes[i].utterance + 1)
                        : g_strdup_printf ("%c%d",
                                           stva_modality_letter (map->col_nodes[i].modality),
                                           map->col_nodes[i].utterance + 1);
  a->row_title = one_modality ? "utterance" : "query (utterance, modality)";
  a->col_title = one_modality ? "context utterance" : "key";
}

/* (transfer full) The attention blob of each of utts (of GBytes), NULL with error naming the
 * first utterance without one; beta (nullable, (len, 3)) gets each β stored, NaN for none. */
static GPtrArray *
dialogue_blobs (Open                    *o,
                const StvaFigureOptions *options,
                GPtrArray               *utts,
                gint64                   model_id,
                float                   *beta,
                GError                 **error)
{
  const char *path = stva_db_path (o->db);
  g_autoptr (GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint t = 0; t < utts->len; t++)
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, t);
      GError *local = NULL;
      StvaDbPrediction *p = stva_db_prediction (o->db, model_id, u->id, &local);
      if (p == NULL || p->attention == NULL)
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                         "%s: utterance %" G_GINT64_FORMAT " of dialogue %s has no attention "
                         "from model %" G_GINT64_FORMAT " (synctva predict stores it)", path,
                         u->id, options->dialogue, model_id);
          stva_db_prediction_free (p);
          return NULL;
        }
      g_ptr_array_add (blobs, g_bytes_ref (p->attention));
      for (int m = 0; beta != NULL && m < 3; m++)
        beta[t * 3 + m] = p->has_beta ? p->beta[m] : NAN;
      stva_db_prediction_free (p);
    }
  return g_steal_pointer (&blobs);
}

static gboolean
read_attention (Open                    *o,
                const StvaFigureOptions *options,
                const StvaAttnKey       *want,
                int                      head,
                StvaFigureAttention     *a,
                GError                 **error)
{
  const char *path = stva_db_path (o->db);
  gint64 model_id = a->head.model_id;
  g_autoptr (GPtrArray) utts = dialogue_utterances (o, options, &a->head, error);
  if (utts == NULL)
    return FALSE;
  int T = (int) utts->len;
  if (T == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %s has no utterances", path, options->dialogue);
      return FALSE;
    }
  g_autoptr (GPtrArray) blobs = dialogue_blobs (o, options, utts, model_id, NULL, error);
  if (blobs == NULL)
    return FALSE;
  GError *local = NULL;
  a->keys = stva_attn_keys_of_blob (g_ptr_array_index (blobs, 0), &local);
  if (a->keys == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: utterance %" G_GINT64_FORMAT
                   ": %s", path, ((StvaDbUtterance *) g_ptr_array_index (utts, 0))->id,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  StvaAttnKey key;
  if (want != NULL)
    key = *want;
  else if (a->keys->len > 0)   /* the first cross-attention map, else the first map */
    {
      key = g_array_index (a->keys, StvaAttnKey, 0);
      for (guint i = a->keys->len; i-- > 0;)
        if (g_array_index (a->keys, StvaAttnKey, i).kind == STVA_ATTN_CAF)
          key = g_array_index (a->keys, StvaAttnKey, i);
    }
  else
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %s has no attention maps from model %" G_GINT64_FORMAT, path,
                   options->dialogue, model_id);
      return FALSE;
    }
  if (head >= 0)
    key.head = head;
  int bad = -1;
  a->map = stva_attn_map_from_blobs ((GBytes *const *) blobs->pdata, T, &key, &bad, &local);
  if (a->map == NULL)
    {
      StvaAttnKey all = key;
      all.head = -1;
      g_autofree char *name = stva_attn_key_to_string (&all);
      gint64 utt = bad >= 0 ? ((StvaDbUtterance *) g_ptr_array_index (utts, bad))->id : 0;
      if (g_error_matches (local, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND))
        {
          g_autoptr (GArray) there = stva_attn_keys_of_blob (g_ptr_array_index (blobs, bad),
                                                             NULL);
          g_autofree char *names = key_names (there);
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                       "%s: dialogue %s has no attention map '%s' from model %" G_GINT64_FORMAT
                       "; it has: %s", path, options->dialogue, name, model_id, names);
        }
      else
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: utterance %"
                     G_GINT64_FORMAT ": %s", path, utt, local->message);
      g_error_free (local);
      return FALSE;
    }
  size_t n = (size_t) a->map->rows * (size_t) a->map->cols;
  a->values = g_memdup2 (a->map->values, n * sizeof (float));
  for (size_t i = 0; i < n; i++)
    if (a->values[i] == 0.0f)
      a->values[i] = NAN;
  name_nodes (a);
  return TRUE;
}

gboolean
stva_figure_attention (const StvaFigureOptions *options,
                       const StvaAttnKey       *key,
                       int                      head,
                       StvaFigureAttention     *a,
                       GError                 **error)
{
  g_return_val_if_fail (options != NULL && a != NULL, FALSE);
  memset (a, 0, sizeof *a);
  Open o;
  if (!open_project (options, &o, &a->head, error))
    return FALSE;
  gboolean ok = read_attention (&o, options, key, head, a, error);
  open_clear (&o);
  if (!ok)
    stva_figure_attention_clear (a);
  return ok;
}

/* ---- the cross-modal graph ---------------------------------------------------------------- */

void
stva_figure_graph_clear (StvaFigureGraph *g)
{
  if (g == NULL)
    return;
  head_clear (&g->head);
  g_free (g->utterance_ids);
  g_strfreev (g->speakers);
  g_free (g->beta);
  g_free (g->present);
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      g_free (g->weights[p]);
      g_free (g->relations[p]);
    }
  memset (g, 0, sizeof *g);
}

/* The weights of pair graph p: one layer's map or the mean of layers l0..l1. */
static gboolean
read_pair (const StvaFigureGraph *g,
           GPtrArray             *blobs,
           GPtrArray             *utts,
           int                    p,
           int                    l0,
           int                    l1,
           int                    head,
           float                 *weights,
           int                   *n_heads,
           GError               **error)
{
  const char *path = g->head.project;
  size_t n = 4 * (size_t) g->T * (size_t) g->T;
  for (int l = l0; l <= l1; l++)
    {
      StvaAttnKey key = { .kind = STVA_ATTN_GRAPH, .pair = p, .layer = l, .head = head };
      int bad = -1;
      GError *local = NULL;
      g_autoptr (StvaAttnMap) map = stva_attn_map_from_blobs ((GBytes *const *) blobs->pdata,
                                                              g->T, &key, &bad, &local);
      if (map == NULL)
        {
          gint64 utt = bad >= 0 ? ((StvaDbUtterance *) g_ptr_array_index (utts, bad))->id : 0;
          g_set_error (error, STVA_DB_ERROR, local->code, "%s: utterance %" G_GINT64_FORMAT
                       " (model %" G_GINT64_FORMAT "): %s", path, utt, g->head.model_id,
                       local->message);
          g_error_free (local);
          return FALSE;
        }
      *n_heads = map->heads;
      for (size_t e = 0; e < n; e++)
        weights[e] += map->values[e] / (float) (l1 - l0 + 1);
    }
  return TRUE;
}

static gboolean
read_graph (Open                    *o,
            const StvaFigureOptions *options,
            int                      layer,
            int                      head,
            StvaFigureGraph         *g,
            GError                 **error)
{
  const char *path = stva_db_path (o->db);
  gint64 model_id = g->head.model_id;
  g_autoptr (GPtrArray) utts = dialogue_utterances (o, options, &g->head, error);
  if (utts == NULL)
    return FALSE;
  int T = (int) utts->len;
  if (T == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: dialogue %s has no utterances", path, options->dialogue);
      return FALSE;
    }
  g->T = T;
  g->beta = g_new (float, 3 * (gsize) T);
  g_autoptr (GPtrArray) blobs = dialogue_blobs (o, options, utts, model_id, g->beta, error);
  if (blobs == NULL)
    return FALSE;
  g->utterance_ids = g_new (gint64, T);
  g->speakers = g_new0 (char *, T + 1);
  g_autofree int *speaker = g_new (int, T);
  g_autoptr (GHashTable) speaker_ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (int t = 0; t < T; t++)   /* speakers told apart by name, as the project's dataset does */
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, t);
      g->utterance_ids[t] = u->id;
      g->speakers[t] = g_strdup (u->speaker != NULL ? u->speaker : "");
      gpointer id;
      if (!g_hash_table_lookup_extended (speaker_ids, g->speakers[t], NULL, &id))
        {
          id = GINT_TO_POINTER (g_hash_table_size (speaker_ids));
          g_hash_table_insert (speaker_ids, g->speakers[t], id);
        }
      speaker[t] = GPOINTER_TO_INT (id);
    }

  /* the pair graphs and layers stored */
  GError *local = NULL;
  g_autoptr (GArray) keys = stva_attn_keys_of_blob (g_ptr_array_index (blobs, 0), &local);
  if (keys == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: utterance %" G_GINT64_FORMAT
                   ": %s", path, g->utterance_ids[0], local->message);
      g_error_free (local);
      return FALSE;
    }
  int layers[STVA_N_PAIRS] = { 0 };
  for (guint k = 0; k < keys->len; k++)
    {
      const StvaAttnKey *key = &g_array_index (keys, StvaAttnKey, k);
      if (key->kind == STVA_ATTN_GRAPH)
        layers[key->pair] = MAX (layers[key->pair], key->layer + 1);
    }
  g->n_layers = MAX (layers[0], MAX (layers[1], layers[2]));
  if (g->n_layers == 0)
    {
      g_autofree char *names = key_names (keys);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " stored no pair-graph attention for dialogue %s "
                   "(a model trained --no-graph has none); it has: %s", path, model_id,
                   options->dialogue, names[0] != '\0' ? names : "no maps");
      return FALSE;
    }
  if (layer >= g->n_layers || layer < STVA_FIGURE_GRAPH_ALL_LAYERS)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "%s: model %" G_GINT64_FORMAT " has %d graph attention layers (0 to %d): no "
                   "layer %d", path, model_id, g->n_layers, g->n_layers - 1, layer);
      return FALSE;
    }
  int l0 = layer == STVA_FIGURE_GRAPH_LAST_LAYER ? g->n_layers - 1
           : layer == STVA_FIGURE_GRAPH_ALL_LAYERS ? 0 : layer;
  int l1 = layer == STVA_FIGURE_GRAPH_ALL_LAYERS ? g->n_layers - 1 : l0;
  g->layer = layer == STVA_FIGURE_GRAPH_ALL_LAYERS ? layer : l0;
  g->head_index = head;
  size_t n2 = 2 * (size_t) T;
  for (int p = 0; p < STVA_N_PAIRS; p++)
    if (layers[p] > 0)
      {
        g->weights[p] = g_new0 (float, n2 * n2);
        if (!read_pair (g, blobs, utts, p, l0, MIN (l1, layers[p] - 1), head, g->weights[p],
                        &g->n_heads, error))
          return FALSE;
      }

  /* a node is present when it attends to something (its self loop at least) */
  g->present = g_new0 (bool, 3 * (gsize) T);
  for (int p = 0; p < STVA_N_PAIRS; p++)
    for (size_t v = 0; g->weights[p] != NULL && v < n2; v++)
      {
        int m = stva_pair_mod[p][v < (size_t) T ? 0 : 1], t = (int) (v % (size_t) T);
        for (size_t u = 0; u < n2 && !g->present[t * 3 + m]; u++)
          g->present[t * 3 + m] = g->weights[p][v * n2 + u] > 0.0f;
      }

  /* every edge's relation as core's builder gives it, with windows as wide as the dialogue:
   * where the model's narrower windows put no edge, the stored weight is 0 */
  StvaModelConfig wide;
  stva_model_config_init (&wide);
  wide.win_past = wide.win_future = wide.cross_window = T;
  g_autofree bool *present_m = g_new (bool, 3 * (gsize) T);   /* (3, T) */
  for (int m = 0; m < 3; m++)
    for (int t = 0; t < T; t++)
      present_m[m * T + t] = g->present[t * 3 + m];
  for (int p = 0; p < STVA_N_PAIRS; p++)
    {
      if (g->weights[p] == NULL)
        continue;
      int *rel = g->relations[p] = g_new (int, n2 * n2);
      stva_graph_build_pair (rel, T, present_m + stva_pair_mod[p][0] * T,
                             present_m + stva_pair_mod[p][1] * T, speaker, &wide);
      for (size_t e = 0; e < n2 * n2; e++)
        {
          if (!(g->weights[p][e] > 0.0f))
            {
              rel[e] = -1;
              continue;
            }
          size_t v = e / n2, u = e % n2;
          int i = (int) (v % (size_t) T), j = (int) (u % (size_t) T);
          if (rel[e] < 0)
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                           "%s: model %" G_GINT64_FORMAT ", dialogue %s: pair graph %s has a "
                           "weight from utterance %d to %d where no edge can be", path,
                           model_id, options->dialogue, stva_pair_name (p), j + 1, i + 1);
              return FALSE;
            }
          if ((v < (size_t) T) != (u < (size_t) T))
            g->reach_cross = MAX (g->reach_cross, ABS (i - j));
          else if (j < i)
            g->reach_past = MAX (g->reach_past, i - j);
          else
            g->reach_future = MAX (g->reach_future, j - i);
        }
    }
  return TRUE;
}

gboolean
stva_figure_graph (const StvaFigureOptions *options,
                   int                      layer,
                   int                      head,
                   StvaFigureGraph         *g,
                   GError                 **error)
{
  g_return_val_if_fail (options != NULL && g != NULL, FALSE);
  memset (g, 0, sizeof *g);
  Open o;
  if (!open_project (options, &o, &g->head, error))
    return FALSE;
  gboolean ok = read_graph (&o, options, layer, head, g, error);
  open_clear (&o);
  if (!ok)
    stva_figure_graph_clear (g);
  return ok;
}

/* ---- any of them, as a job ---------------------------------------------------------------- */

void
stva_figure_request_init (StvaFigureRequest *request,
                          StvaFigureKind     kind)
{
  memset (request, 0, sizeof *request);
  request->kind = kind;
  stva_figure_options_init (&request->options);
  request->n_models = 1;
  request->head = -1;
  request->layer = STVA_FIGURE_GRAPH_LAST_LAYER;
}

void
stva_figure_data_free (StvaFigureData *data)
{
  if (data == NULL)
    return;
  stva_figure_scores_clear (&data->scores);
  stva_figure_bars_clear (&data->bars);
  stva_figure_curves_clear (&data->curves);
  stva_figure_contributions_clear (&data->contributions);
  stva_figure_attention_clear (&data->attention);
  stva_figure_graph_clear (&data->graph);
  g_free (data);
}

const StvaFigureHead *
stva_figure_data_head (const StvaFigureData *data)
{
  switch (data->kind)
    {
    case STVA_FIGURE_KIND_SCORES:
      return &data->scores.head;
    case STVA_FIGURE_KIND_BARS:
      return &data->bars.head;
    case STVA_FIGURE_KIND_CURVES:
      return &data->curves.head;
    case STVA_FIGURE_KIND_CONTRIBUTIONS:
      return &data->contributions.head;
    case STVA_FIGURE_KIND_GRAPH:
      return &data->graph.head;
    case STVA_FIGURE_KIND_ATTENTION:
    default:
      return &data->attention.head;
    }
}

StvaFigureData *
stva_engine_figure (StvaJob                 *job,
                    const StvaFigureRequest *request,
                    GError                 **error)
{
  g_return_val_if_fail (request != NULL, NULL);
  stva_job_stage (job, "reading", NULL, 0);
  if (stva_job_check_cancelled (job, error))
    return NULL;
  g_autoptr (StvaFigureData) data = g_new0 (StvaFigureData, 1);
  data->kind = request->kind;
  const StvaFigureOptions *o = &request->options;
  gboolean ok;
  switch (request->kind)
    {
    case STVA_FIGURE_KIND_SCORES:
      ok = stva_figure_scores (o, &data->scores, error);
      break;
    case STVA_FIGURE_KIND_BARS:
      {
        gint64 models[STVA_FIGURE_MAX_MODELS] = { o->model_id };
        int n = CLAMP (request->n_models, 1, STVA_FIGURE_MAX_MODELS);
        if (request->n_models > 0)
          memcpy (models, request->models, sizeof models);
        ok = stva_figure_bars (o, models, n, request->measure, &data->bars, error);
      }
      break;
    case STVA_FIGURE_KIND_CURVES:
      ok = stva_figure_curves (o, &data->curves, error);
      break;
    case STVA_FIGURE_KIND_CONTRIBUTIONS:
      ok = stva_figure_contributions (o, &data->contributions, error);
      break;
    case STVA_FIGURE_KIND_ATTENTION:
      ok = stva_figure_attention (o, request->has_key ? &request->key : NULL, request->head,
                                  &data->attention, error);
      break;
    case STVA_FIGURE_KIND_GRAPH:
      ok = stva_figure_graph (o, request->layer, request->head, &data->graph, error);
      break;
    default:
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "no figure of kind %d",
                   (int) request->kind);
      ok = FALSE;
    }
  return ok ? g_steal_pointer (&data) : NULL;
}

typedef struct
{
  StvaFigureRequest request;   /* its strings owned */
  char             *project, *label_set, *dialogue;
} FigureTaskData;

static void
figure_task_data_free (gpointer p)
{
  FigureTaskData *d = p;
  g_free (d->project);
  g_free (d->label_set);
  g_free (d->dialogue);
  g_free (d);
}

static gboolean
figure_job (StvaJob  *job,
            gpointer  data,
            gpointer *result,
            GError  **error)
{
  FigureTaskData *d = data;
  *result = stva_engine_figure (job, &d->request, error);
  return *result != NULL;
}

void
stva_engine_figure_async (const StvaFigureRequest *request,
                          StvaJobProgressFunc      progress,
                          gpointer                 progress_data,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  FigureTaskData *d = g_new0 (FigureTaskData, 1);
  d->request = *request;
  d->request.options.project = d->project = g_strdup (request->options.project);
  d->request.options.label_set = d->label_set = g_strdup (request->options.label_set);
  d->request.options.dialogue = d->dialogue = g_strdup (request->options.dialogue);
  stva_job_run_async (figure_job, d, figure_task_data_free,
                      (GDestroyNotify) stva_figure_data_free, progress, progress_data,
                      cancellable, callback, user_data);
}

StvaFigureData *
stva_engine_figure_finish (GAsyncResult *res,
                           GError      **error)
{
  return stva_job_run_finish (res, NULL, NULL, error);
}
