/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaInspector: the figures of the selected dialogue and utterance for the model on screen.
 *
 * Data.  The selected dialogue's predictions are read from the project (the session's
 * connection: T small reads) when the model has stored them all; otherwise the engine's
 * one-dialogue prediction runs in a worker with its own connection, finds the model's file
 * from its id (stva_data_model_file: the hash checked), stores the result, and the inspector
 * shows it at once and reloads the session so every view sees it.  A what-if is the same job
 * with modalities masked and nothing stored.  The metrics are the engine's figure data and
 * eval, read in workers.  Results carry the serial of the selection they were asked for; a
 * stale one is dropped, and a newer request cancels the older.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "stva-engine.h"
#include "stva-inspector.h"
#include "stva-prediction-figure.h"

#define PAPER_WIDTH_PT 468.0   /* a journal's text width (6.5 in) */

/* ---- types -------------------------------------------------------------------------------- */

/* The selected dialogue as the model on screen predicted it. */
typedef struct
{
  gint64                     dialogue_id;
  gint64                     model_id;
  int                        T, K;
  gint64                    *utterance_ids;   /* (T) */
  float                     *probs;           /* (T, K) */
  float                     *beta;            /* (T, 3) */
  gboolean                  *has_beta;        /* (T) */
  int                       *reference;       /* (T) gold label index, -1 none */
  int                       *current;         /* (T) current label index, -1 none */
  int                       *predicted;       /* (T) */
  GBytes                   **blobs;           /* (T) stored attention, entries nullable */
  StvaPredictDialogueResult *result;          /* owned, nullable: a live prediction */
  GArray                    *keys;            /* of StvaAttnKey: the maps there are */
  char                     **names;           /* (T + 1) "3 · Monica" */
  char                     **speakers;        /* (T + 1) */
} Dialogue;

typedef struct
{
  char     *project;
  char     *label_set;
  gint64    model_id;
  gint64    dialogue_id;
  gboolean  absent[STVA_N_MOD];
  gboolean  store;
} PredictJob;

struct _StvaInspector
{
  GtkWidget parent_instance;

  /* template */
  GtkDropDown     *model_drop;
  GtkButton       *export_button;
  AdwViewSwitcher *switcher;
  GtkBox          *what_if_box;
  GtkToggleButton *off_t, *off_a, *off_v;
  GtkLabel        *status_label;
  AdwViewStack    *stack;
  StvaFigureView  *prediction_view;
  GtkBox          *graph_controls;
  GtkDropDown     *graph_pair_drop, *graph_layer_drop, *graph_head_drop;
  StvaFigureView  *graph_view;
  GtkDropDown     *map_drop, *head_drop;
  StvaFigureView  *attention_view;
  StvaFigureView  *contributions_view;
  GtkDropDown     *split_drop, *compare_drop;
  GtkLabel        *metrics_label;
  StvaFigureView  *metrics_view;

  StvaSession     *session;          /* borrowed, signals connected */
  gulong           session_handlers[4];

  char           **labels;           /* (K + 1) the label set's names */
  int              K;
  gint64          *label_ids;        /* (K) */
  GArray          *model_ids;        /* of gint64: model_drop's rows */
  GArray          *compare_ids;      /* of gint64: compare_drop's rows (0: none) */
  gboolean         filling;          /* the drop-downs are being filled: ignore them */

  Dialogue        *dia;              /* nullable */
  guint            serial;           /* of the dialogue selection */
  GCancellable    *predict_cancel;   /* the live prediction running, nullable */
  gint64           live_tried_dialogue, live_tried_model;
  guint            n_live;
  gint64           selected_us;      /* when the dialogue was selected; 0: drawn */
  gint64           shown_us;

  gboolean         absent[STVA_N_MOD];
  float           *what_if;          /* (T, K) nullable */
  GCancellable    *what_if_cancel;
  guint            what_if_serial;

  /* the figures' own data, rebuilt from dia */
  StvaPredictionFigure pfig;
  char            *p_title, *p_subtitle, *p_what_if_name;
  StvaDrawUtterance *contrib;        /* (T) */
  StvaAttnMap     *map;              /* the map on screen */
  float           *map_values;       /* (rows, cols) 0 as NaN */
  char           **row_names, **col_names;
  bool            *heat_marked;      /* (rows): the selected utterance's rows */
  GArray          *map_keys;         /* of StvaAttnKey: map_drop's rows */
  StvaDrawHeatmap  heat;

  /* the graph */
  float           *graph_w[3];       /* (2T, 2T) per pair graph shown, NULL: not shown */
  bool            *graph_present;    /* (T, 3) nullable */
  StvaDrawGraph    graph;
  char            *graph_caption;
  int              graph_modality;   /* the selected node's modality */
  int              graph_layers, graph_heads;

  /* metrics */
  GCancellable    *metrics_cancel;
  guint            metrics_serial;
  int              metrics_pending;
  StvaFigureData  *scores, *bars, *curves;
  char            *scores_error, *bars_error, *curves_error;
  int             *confusion;        /* (K, K) */
  StvaDrawBars     draw_bars;
  StvaDrawCurves   draw_curves;
  char            *marker_name;
  StvaEvalReport  *eval;
  gint64           compare_id;

  char            *status;
};

G_DEFINE_FINAL_TYPE (StvaInspector, stva_inspector, GTK_TYPE_WIDGET)

static const StvaFigure prediction_figure, contributions_figure, heatmap_figure, graph_figure,
                        metrics_figure;

static void load_dialogue   (StvaInspector *self);
static void load_metrics    (StvaInspector *self);
static void start_what_if   (StvaInspector *self);
static void rebuild_figures (StvaInspector *self);

/* ---- helpers ------------------------------------------------------------------------------ */

static void
dialogue_free (Dialogue *d)
{
  if (d == NULL)
    return;
  g_free (d->utterance_ids);
  g_free (d->probs);
  g_free (d->beta);
  g_free (d->has_beta);
  g_free (d->reference);
  g_free (d->current);
  g_free (d->predicted);
  for (int t = 0; d->blobs != NULL && t < d->T; t++)
    g_clear_pointer (&d->blobs[t], g_bytes_unref);
  g_free (d->blobs);
  g_clear_pointer (&d->result, stva_predict_dialogue_result_free);
  g_clear_pointer (&d->keys, g_array_unref);
  g_strfreev (d->names);
  g_strfreev (d->speakers);
  g_free (d);
}

static void
predict_job_free (PredictJob *job)
{
  g_free (job->project);
  g_free (job->label_set);
  g_free (job);
}

static void
set_status (StvaInspector *self,
            const char    *text)
{
  g_free (self->status);
  self->status = g_strdup (text != NULL ? text : "");
  gtk_label_set_text (self->status_label, self->status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                               text != NULL && text[0] != '\0' ? text : NULL);
}

static int
label_index (StvaInspector *self,
             gint64         label_id)
{
  for (int k = 0; label_id != 0 && k < self->K; k++)
    if (self->label_ids[k] == label_id)
      return k;
  return -1;
}

static int
argmax (const float *p,
        int          K)
{
  int top = 0;
  for (int k = 1; k < K; k++)
    if (p[k] > p[top])
      top = k;
  return top;
}

static const char *const modality_names[STVA_N_MOD] = { "text", "audio", "video" };

/* "without audio", "without text and video" */
static char *
what_if_name (const gboolean *absent)
{
  GString *s = g_string_new ("without ");
  int n = 0;
  for (int m = 0; m < STVA_N_MOD; m++)
    if (absent[m])
      g_string_append_printf (s, "%s%s", n++ > 0 ? " and " : "", modality_names[m]);
  return g_string_free (s, FALSE);
}

static gboolean
any_absent (const gboolean *absent)
{
  return absent[0] || absent[1] || absent[2];
}

/* The dev weighted F1 a model was registered with (train's metrics JSON); NaN: none. */
static double
dev_score (const char *metrics)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (metrics == NULL || !json_parser_load_from_data (parser, metrics, -1, NULL))
    return NAN;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NAN;
  JsonNode *dev_node = json_object_get_member (json_node_get_object (root), "dev");
  JsonObject *dev = dev_node != NULL && JSON_NODE_HOLDS_OBJECT (dev_node)
                      ? json_node_get_object (dev_node) : NULL;
  if (dev == NULL || !json_object_has_member (dev, "weighted_f1"))
    return NAN;
  JsonNode *v = json_object_get_member (dev, "weighted_f1");
  return JSON_NODE_HOLDS_VALUE (v) ? json_node_get_double (v) : NAN;
}

/* ---- the label set and the models -------------------------------------------------------- */

static void
read_labels (StvaInspector *self)
{
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->label_ids, g_free);
  self->K = 0;
  const StvaDbLabelSet *set = self->session ? stva_session_get_label_set (self->session) : NULL;
  int K = set != NULL ? (int) set->labels->len : 0;
  self->labels = g_new0 (char *, K + 1);
  self->label_ids = g_new0 (gint64, MAX (K, 1));
  g_autofree double *rgb = g_new0 (double, 3 * (gsize) MAX (K, 1));
  for (int k = 0; k < K; k++)
    {
      const StvaDbLabel *label = g_ptr_array_index (set->labels, k);
      self->labels[k] = g_strdup (label->name);
      self->label_ids[k] = label->id;
      if (!stva_draw_parse_colour (label->colour, rgb + 3 * k))
        memcpy (rgb + 3 * k, stva_draw_palette_rgb (k), 3 * sizeof (double));
    }
  self->K = K;
  StvaFigureView *views[] = { self->prediction_view, self->graph_view, self->attention_view,
                              self->contributions_view, self->metrics_view };
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    stva_figure_view_set_label_colours (views[i], rgb, K);
}

static void
fill_models (StvaInspector *self)
{
  self->filling = TRUE;
  g_array_set_size (self->model_ids, 0);
  g_array_set_size (self->compare_ids, 0);
  g_autoptr (GtkStringList) rows = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) compare = gtk_string_list_new (NULL);
  gtk_string_list_append (compare, "compare with: none");
  gint64 none = 0;
  g_array_append_val (self->compare_ids, none);
  StvaDb *db = self->session ? stva_session_get_db (self->session) : NULL;
  const StvaDbLabelSet *set = self->session ? stva_session_get_label_set (self->session) : NULL;
  gint64 on_screen = self->session ? stva_session_get_model_id (self->session) : 0;
  guint selected = GTK_INVALID_LIST_POSITION;
  g_autoptr (GPtrArray) models = db != NULL && set != NULL ? stva_db_models (db, set->id, NULL)
                                                           : NULL;
  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      const StvaDbModel *m = g_ptr_array_index (models, i);
      double f1 = dev_score (m->metrics);
      g_autofree char *row = isfinite (f1)
        ? g_strdup_printf ("#%" G_GINT64_FORMAT " %s · dev w-F1 %.2f", m->id, m->name, f1)
        : g_strdup_printf ("#%" G_GINT64_FORMAT " %s", m->id, m->name);
      gtk_string_list_append (rows, row);
      g_array_append_val (self->model_ids, m->id);
      if (m->id == on_screen)
        selected = i;
      if (m->id != on_screen)
        {
          g_autofree char *c = g_strdup_printf ("compare with %s", row);
          gtk_string_list_append (compare, c);
          g_array_append_val (self->compare_ids, m->id);
        }
    }
  if (self->model_ids->len == 0)
    gtk_string_list_append (rows, "no model in the project");
  gtk_drop_down_set_model (self->model_drop, G_LIST_MODEL (rows));
  gtk_drop_down_set_selected (self->model_drop, selected != GTK_INVALID_LIST_POSITION ? selected
                                                                                       : 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_drop), self->model_ids->len > 0);
  gtk_drop_down_set_model (self->compare_drop, G_LIST_MODEL (compare));
  guint c = 0;
  for (guint i = 0; i < self->compare_ids->len; i++)
    if (g_array_index (self->compare_ids, gint64, i) == self->compare_id)
      c = i;
  if (c == 0)
    self->compare_id = 0;
  gtk_drop_down_set_selected (self->compare_drop, c);
  self->filling = FALSE;
}

/* ---- the figures' data -------------------------------------------------------------------- */

static StvaAttnMap *
dialogue_map (const Dialogue    *d,
              const StvaAttnKey *key,
              GError           **error)
{
  if (d->result != NULL)
    return stva_predict_dialogue_result_map (d->result, key, error);
  return stva_attn_map_from_blobs ((GBytes *const *) d->blobs, d->T, key, NULL, error);
}

static char *
key_title (const StvaAttnKey *key)
{
  static const char mod[] = "TAV";
  static const char *const pairs[] = { "T–A", "T–V", "A–V" };
  switch (key->kind)
    {
    case STVA_ATTN_MSDE:
      return g_strdup_printf ("context of %c (MSDE)", mod[key->modality]);
    case STVA_ATTN_CAF:
      return g_strdup_printf ("cross-attention %c ← %c", mod[key->modality], mod[key->source]);
    case STVA_ATTN_GRAPH:
    default:
      return g_strdup_printf ("pair graph %s, layer %d", pairs[key->pair], key->layer + 1);
    }
}

static void
clear_map (StvaInspector *self)
{
  g_clear_pointer (&self->map, stva_attn_map_free);
  g_clear_pointer (&self->map_values, g_free);
  g_clear_pointer (&self->row_names, g_strfreev);
  g_clear_pointer (&self->heat_marked, g_free);
  g_clear_pointer (&self->col_names, g_strfreev);
}

/* Builds the Attention view's map from the chosen key and head. */
static void
build_map (StvaInspector *self)
{
  clear_map (self);
  Dialogue *d = self->dia;
  guint k = gtk_drop_down_get_selected (self->map_drop);
  if (d == NULL || self->map_keys == NULL || k >= self->map_keys->len)
    {
      stva_figure_view_set_figure (self->attention_view, NULL, NULL);
      return;
    }
  StvaAttnKey key = g_array_index (self->map_keys, StvaAttnKey, k);
  guint h = gtk_drop_down_get_selected (self->head_drop);
  key.head = h == GTK_INVALID_LIST_POSITION || h == 0 ? -1 : (int) h - 1;
  g_autoptr (GError) error = NULL;
  self->map = dialogue_map (d, &key, &error);
  if (self->map == NULL && key.head >= 0)   /* a head this map lacks: the mean */
    {
      g_clear_error (&error);
      key.head = -1;
      self->map = dialogue_map (d, &key, &error);
    }
  if (self->map == NULL)
    {
      stva_figure_view_set_figure (self->attention_view, NULL, NULL);
      stva_figure_view_set_placeholder (self->attention_view, error->message);
      return;
    }
  const StvaAttnMap *m = self->map;
  gsize n = (gsize) m->rows * (gsize) m->cols;
  self->map_values = g_new (float, n);
  for (gsize i = 0; i < n; i++)   /* a key the query may not attend to: blank */
    self->map_values[i] = m->values[i] == 0.0f ? NAN : m->values[i];
  gboolean across = m->rows > d->T;   /* a pair graph: two modalities' nodes */
  static const char mod[] = "TAV";
  guint sel = stva_session_get_utterance_position (self->session);
  self->row_names = g_new0 (char *, m->rows + 1);
  self->heat_marked = g_new0 (bool, m->rows);
  for (int r = 0; r < m->rows; r++)
    {
      const StvaAttnNode *node = &m->row_nodes[r];
      const char *mark = (guint) node->utterance == sel ? "▶ " : "";
      self->heat_marked[r] = (guint) node->utterance == sel;
      const char *who = d->speakers[node->utterance];
      self->row_names[r] = across
        ? g_strdup_printf ("%s%c%d %s", mark, mod[node->modality], node->utterance + 1, who)
        : g_strdup_printf ("%s%d %s", mark, node->utterance + 1, who);
    }
  self->col_names = g_new0 (char *, m->cols + 1);
  for (int c = 0; c < m->cols; c++)
    {
      const StvaAttnNode *node = &m->col_nodes[c];
      self->col_names[c] = across ? g_strdup_printf ("%c%d", mod[node->modality],
                                                     node->utterance + 1)
                                  : g_strdup_printf ("%d", node->utterance + 1);
    }
  self->heat = (StvaDrawHeatmap) {
    .values = self->map_values, .rows = m->rows, .cols = m->cols,
    .row_names = (const char *const *) self->row_names,
    .col_names = (const char *const *) self->col_names,
    .row_title = "query (utterance, speaker)",
    .col_title = key.kind == STVA_ATTN_CAF ? "attended utterance" : "key node",
    .marked = self->heat_marked,
  };
  stva_figure_view_set_figure (self->attention_view, &heatmap_figure, self);
}

/* Fills map_drop from the dialogue's keys, keeping the chosen map when there is one. */
static void
fill_maps (StvaInspector *self)
{
  StvaAttnKey was = { .kind = STVA_ATTN_GRAPH };
  gboolean had = FALSE;
  guint k = gtk_drop_down_get_selected (self->map_drop);
  if (self->map_keys != NULL && k < self->map_keys->len)
    {
      was = g_array_index (self->map_keys, StvaAttnKey, k);
      had = TRUE;
    }
  g_clear_pointer (&self->map_keys, g_array_unref);
  self->map_keys = g_array_new (FALSE, FALSE, sizeof (StvaAttnKey));
  g_autoptr (GtkStringList) rows = gtk_string_list_new (NULL);
  guint keep = 0, first_caf = G_MAXUINT;
  int heads = 1;
  for (guint i = 0; self->dia != NULL && self->dia->keys != NULL && i < self->dia->keys->len;
       i++)
    {
      StvaAttnKey key = g_array_index (self->dia->keys, StvaAttnKey, i);
      if (key.kind == STVA_ATTN_MSDE)   /* the brief's maps: pair graphs and the CAF maps */
        continue;
      if (had && stva_attn_key_equal (&key, &was))
        keep = self->map_keys->len;
      if (key.kind == STVA_ATTN_GRAPH && first_caf == G_MAXUINT)
        first_caf = self->map_keys->len;
      g_array_append_val (self->map_keys, key);
      g_autofree char *title = key_title (&key);
      gtk_string_list_append (rows, title);
    }
  if (self->dia != NULL && self->dia->result != NULL)
    heads = MAX (1, self->dia->result->output.H);
  else if (self->dia != NULL && self->map_keys->len > 0)
    {
      StvaAttnKey key = g_array_index (self->map_keys, StvaAttnKey, 0);
      g_autoptr (StvaAttnMap) m = dialogue_map (self->dia, &key, NULL);
      heads = m != NULL ? MAX (1, m->heads) : 1;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->map_drop, G_LIST_MODEL (rows));
  gtk_drop_down_set_selected (self->map_drop, keep);
  guint head = gtk_drop_down_get_selected (self->head_drop);
  g_autoptr (GtkStringList) head_rows = gtk_string_list_new (NULL);
  gtk_string_list_append (head_rows, "mean of heads");
  for (int h = 0; h < heads; h++)
    {
      g_autofree char *row = g_strdup_printf ("head %d", h + 1);
      gtk_string_list_append (head_rows, row);
    }
  gtk_drop_down_set_model (self->head_drop, G_LIST_MODEL (head_rows));
  gtk_drop_down_set_selected (self->head_drop, head != GTK_INVALID_LIST_POSITION
                                                 && head <= (guint) heads ? head : 0);
  self->filling = FALSE;
  build_map (self);
}

static void
clear_graph (StvaInspector *self)
{
  for (int p = 0; p < 3; p++)
    g_clear_pointer (&self->graph_w[p], g_free);
  g_clear_pointer (&self->graph_present, g_free);
  g_clear_pointer (&self->graph_caption, g_free);
}

/* Fills the layer and head choosers from the dialogue's pair graphs. */
static void
fill_graph_choices (StvaInspector *self)
{
  int layers = 0, heads = 1;
  for (guint i = 0; self->dia != NULL && self->dia->keys != NULL && i < self->dia->keys->len;
       i++)
    {
      const StvaAttnKey *key = &g_array_index (self->dia->keys, StvaAttnKey, i);
      if (key->kind == STVA_ATTN_GRAPH)
        layers = MAX (layers, key->layer + 1);
    }
  if (self->dia != NULL && layers > 0)
    {
      for (int p = 0; p < 3; p++)
        {
          StvaAttnKey key = { .kind = STVA_ATTN_GRAPH, .pair = p, .head = -1 };
          g_autoptr (StvaAttnMap) m = dialogue_map (self->dia, &key, NULL);
          if (m != NULL)
            {
              heads = MAX (1, m->heads);
              break;
            }
        }
    }
  if (layers == self->graph_layers && heads == self->graph_heads)
    return;
  self->graph_layers = layers;
  self->graph_heads = heads;
  self->filling = TRUE;
  g_autoptr (GtkStringList) layer_rows = gtk_string_list_new (NULL);
  for (int l = 0; l < layers; l++)
    {
      g_autofree char *row = g_strdup_printf ("layer %d", l + 1);
      gtk_string_list_append (layer_rows, row);
    }
  gtk_drop_down_set_model (self->graph_layer_drop, G_LIST_MODEL (layer_rows));
  gtk_drop_down_set_selected (self->graph_layer_drop, layers > 0 ? (guint) layers - 1 : 0);
  g_autoptr (GtkStringList) head_rows = gtk_string_list_new (NULL);
  gtk_string_list_append (head_rows, "mean of heads");
  for (int h = 0; h < heads; h++)
    {
      g_autofree char *row = g_strdup_printf ("head %d", h + 1);
      gtk_string_list_append (head_rows, row);
    }
  gtk_drop_down_set_model (self->graph_head_drop, G_LIST_MODEL (head_rows));
  gtk_drop_down_set_selected (self->graph_head_drop, 0);
  self->filling = FALSE;
}

/* The Graph view's data: the chosen pair graphs' layer and head, around the selection. */
static gboolean
build_graph (StvaInspector *self,
             guint          sel)
{
  clear_graph (self);
  Dialogue *d = self->dia;
  guint pair = gtk_drop_down_get_selected (self->graph_pair_drop);   /* 0: all */
  guint layer = gtk_drop_down_get_selected (self->graph_layer_drop);
  guint head = gtk_drop_down_get_selected (self->graph_head_drop);
  if (layer == GTK_INVALID_LIST_POSITION || (int) layer >= self->graph_layers)
    return FALSE;
  int n = 0;
  gsize size = (gsize) 4 * d->T * d->T;
  for (int p = 0; p < 3; p++)
    {
      if (pair != 0 && pair != GTK_INVALID_LIST_POSITION && (guint) p != pair - 1)
        continue;
      StvaAttnKey key = { .kind = STVA_ATTN_GRAPH, .pair = p, .layer = (int) layer,
                          .head = head == 0 || head == GTK_INVALID_LIST_POSITION ? -1
                                                                                 : (int) head - 1 };
      g_autoptr (StvaAttnMap) m = dialogue_map (d, &key, NULL);
      if (m == NULL || (gsize) m->rows * m->cols != size)
        continue;
      self->graph_w[p] = g_memdup2 (m->values, sizeof (float) * size);
      n++;
    }
  if (n == 0)
    return FALSE;
  if (d->result != NULL && d->result->output.present != NULL)
    {
      self->graph_present = g_new0 (bool, 3 * (gsize) d->T);
      for (int t = 0; t < d->T; t++)
        for (int m = 0; m < 3; m++)
          self->graph_present[3 * t + m] = d->result->output.present[m * d->T + t] != 0;
    }
  self->graph_caption = head == 0 || head == GTK_INVALID_LIST_POSITION
    ? g_strdup_printf ("layer %u of %d, mean of %d heads", layer + 1, self->graph_layers,
                       self->graph_heads)
    : g_strdup_printf ("layer %u of %d, head %u", layer + 1, self->graph_layers, head);
  self->graph = (StvaDrawGraph) {
    .T = d->T, .beta = d->beta, .present = self->graph_present,
    .speakers = (const char *const *) d->speakers,
    .weights = { self->graph_w[0], self->graph_w[1], self->graph_w[2] },
    .utterance = (int) sel, .modality = self->graph_modality,
    .window = d->T > 12 ? 5 : -1, .top_k = 0, .min_weight = 0.0,
    .caption = self->graph_caption,
  };
  return TRUE;
}

static void
rebuild_figures (StvaInspector *self)
{
  Dialogue *d = self->dia;
  g_clear_pointer (&self->p_title, g_free);
  g_clear_pointer (&self->p_subtitle, g_free);
  g_clear_pointer (&self->p_what_if_name, g_free);
  g_clear_pointer (&self->contrib, g_free);
  guint sel = self->session ? stva_session_get_utterance_position (self->session)
                            : GTK_INVALID_LIST_POSITION;
  if (d == NULL || d->K != self->K || sel == GTK_INVALID_LIST_POSITION || sel >= (guint) d->T)
    {
      stva_figure_view_set_figure (self->prediction_view, NULL, NULL);
      stva_figure_view_set_figure (self->contributions_view, NULL, NULL);
      stva_figure_view_set_figure (self->attention_view, NULL, NULL);
      stva_figure_view_set_figure (self->graph_view, NULL, NULL);
      if (d != NULL && d->K != self->K)
        {
          g_autofree char *text = g_strdup_printf ("the model has %d classes, the label set %d",
                                                   d->K, self->K);
          stva_figure_view_set_placeholder (self->prediction_view, text);
        }
      return;
    }
  StvaUtteranceItem *item = stva_session_get_utterance (self->session);
  const StvaDbUtterance *u = item != NULL ? stva_utterance_item_get (item) : NULL;
  self->p_title = g_strdup_printf ("utterance %u of %d · %s", sel + 1, d->T, d->speakers[sel]);
  self->p_subtitle = u != NULL && u->transcript != NULL ? g_strdup (u->transcript) : NULL;
  if (self->what_if != NULL)
    self->p_what_if_name = what_if_name (self->absent);
  self->pfig = (StvaPredictionFigure) {
    .K = d->K, .labels = (const char *const *) self->labels,
    .probs = d->probs + (gsize) sel * d->K,
    .what_if = self->what_if != NULL ? self->what_if + (gsize) sel * d->K : NULL,
    .reference = d->reference[sel], .current = d->current[sel],
    .title = self->p_title, .subtitle = self->p_subtitle, .what_if_name = self->p_what_if_name,
    .T = d->T, .all_probs = d->probs, .all_what_if = self->what_if, .selected = (int) sel,
    .speakers = (const char *const *) d->speakers, .references = d->reference,
  };
  stva_figure_view_set_figure (self->prediction_view, &prediction_figure, self);

  self->contrib = g_new0 (StvaDrawUtterance, d->T);
  for (int t = 0; t < d->T; t++)
    {
      self->contrib[t] = (StvaDrawUtterance) { .has_beta = d->has_beta[t],
                                               .reference = d->reference[t],
                                               .predicted = d->predicted[t] };
      memcpy (self->contrib[t].beta, d->beta + 3 * t, sizeof self->contrib[t].beta);
    }
  stva_figure_view_set_figure (self->contributions_view, &contributions_figure, self);
  build_map (self);
  fill_graph_choices (self);
  if (build_graph (self, sel))
    stva_figure_view_set_figure (self->graph_view, &graph_figure, self);
  else
    {
      stva_figure_view_set_figure (self->graph_view, NULL, NULL);
      stva_figure_view_set_placeholder (self->graph_view, "this model stored no pair graphs "
                                        "for the dialogue");
    }
}

/* ---- figures ------------------------------------------------------------------------------ */

static void
prediction_draw (cairo_t             *cr,
                 gpointer             data,
                 const StvaDrawStyle *style,
                 double               width,
                 double               height)
{
  StvaInspector *self = data;
  stva_prediction_figure_draw (cr, &self->pfig, style, width, height);
  if (self->selected_us != 0 && style->text_dpi > 72.0)   /* on screen: the selection shown */
    {
      self->shown_us = g_get_monotonic_time () - self->selected_us;
      self->selected_us = 0;
    }
}

static char *
prediction_hit (cairo_t             *cr,
                gpointer             data,
                const StvaDrawStyle *style,
                double               width,
                double               height,
                double               x,
                double               y,
                int                 *item)
{
  StvaInspector *self = data;
  int bar, row;
  if (!stva_prediction_figure_at (cr, &self->pfig, style, width, height, x, y, &bar, &row))
    return NULL;
  const StvaPredictionFigure *f = &self->pfig;
  if (row >= 0)
    {
      *item = row;
      return g_strdup_printf ("utterance %d (%s): click to select it", row + 1,
                              self->dia->speakers[row]);
    }
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%s: p = %.4f", f->labels[bar], f->probs[bar]);
  if (f->what_if != NULL)
    g_string_append_printf (s, "\n%s: %.4f (%+.4f)", f->what_if_name, f->what_if[bar],
                            f->what_if[bar] - f->probs[bar]);
  if (bar == f->reference)
    g_string_append (s, "\nthe reference (gold) label");
  if (bar == f->current)
    g_string_append (s, "\nthe current label");
  return g_string_free (s, FALSE);
}

static const StvaFigure prediction_figure = { prediction_draw, prediction_hit };

static void
contributions_draw (cairo_t             *cr,
                    gpointer             data,
                    const StvaDrawStyle *style,
                    double               width,
                    double               height)
{
  StvaInspector *self = data;
  stva_draw_contributions (cr, self->contrib, self->dia->T, (const char *const *) self->labels,
                           self->K, style, width, height);
}

static char *
contributions_hit (cairo_t             *cr,
                   gpointer             data,
                   const StvaDrawStyle *style,
                   double               width,
                   double               height,
                   double               x,
                   double               y,
                   int                 *item)
{
  StvaInspector *self = data;
  Dialogue *d = self->dia;
  int t = stva_draw_contributions_at (cr, self->contrib, d->T, (const char *const *) self->labels,
                                      self->K, style, width, height, x, y);
  if (t < 0)
    return NULL;
  *item = t;
  const StvaDrawUtterance *u = &self->contrib[t];
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "utterance %d (%s)", t + 1, d->speakers[t]);
  if (u->has_beta)
    g_string_append_printf (s, "\nβ: text %.3f · audio %.3f · video %.3f", u->beta[0],
                            u->beta[1], u->beta[2]);
  g_string_append_printf (s, "\ngold %s · predicted %s (%.3f)",
                          u->reference >= 0 ? self->labels[u->reference] : "none",
                          self->labels[u->predicted],
                          d->probs[(gsize) t * d->K + u->predicted]);
  g_string_append (s, "\nclick to select it");
  return g_string_free (s, FALSE);
}

static const StvaFigure contributions_figure = { contributions_draw, contributions_hit };

/* the view draws on screen with text at GTK's 96 dpi, and exports in the paper style (72): an
 * export keeps the paper's full heatmap */
static bool
on_screen (const StvaDrawStyle *style)
{
  return style->text_dpi > 72.0;
}

static void
heatmap_draw (cairo_t             *cr,
              gpointer             data,
              const StvaDrawStyle *style,
              double               width,
              double               height)
{
  StvaInspector *self = data;
  StvaDrawHeatmap map = self->heat;
  map.compact = on_screen (style);
  stva_draw_heatmap (cr, &map, style, width, height);
}

static char *
heatmap_hit (cairo_t             *cr,
             gpointer             data,
             const StvaDrawStyle *style,
             double               width,
             double               height,
             double               x,
             double               y,
             int                 *item)
{
  StvaInspector *self = data;
  int r, c;
  StvaDrawHeatmap map = self->heat;
  map.compact = on_screen (style);
  if (!stva_draw_heatmap_at (cr, &map, style, width, height, x, y, &r, &c))
    return NULL;
  static const char mod[] = "TAV";
  const StvaAttnNode *q = &self->map->row_nodes[r], *k = &self->map->col_nodes[c];
  float v = self->map->values[(gsize) r * self->map->cols + c];
  *item = q->utterance;
  return g_strdup_printf ("%c%d (%s) → %c%d (%s): %.4f%s", mod[q->modality], q->utterance + 1,
                          self->dia->speakers[q->utterance], mod[k->modality], k->utterance + 1,
                          self->dia->speakers[k->utterance], v,
                          v == 0.0f ? " (not attended: masked)" : "");
}

static const StvaFigure heatmap_figure = { heatmap_draw, heatmap_hit };

static void
graph_draw (cairo_t             *cr,
            gpointer             data,
            const StvaDrawStyle *style,
            double               width,
            double               height)
{
  StvaInspector *self = data;
  stva_draw_graph (cr, &self->graph, style, width, height);
}

static char *
graph_hit (cairo_t             *cr,
           gpointer             data,
           const StvaDrawStyle *style,
           double               width,
           double               height,
           double               x,
           double               y,
           int                 *item)
{
  StvaInspector *self = data;
  StvaDrawGraphHit hit = stva_draw_graph_hit (cr, &self->graph, style, width, height, x, y);
  const char *const *who = (const char *const *) self->dia->speakers;
  if (hit.kind == STVA_DRAW_GRAPH_HIT_NODE)
    {
      *item = hit.utterance * 3 + hit.modality;   /* the node: utterance and modality */
      return g_strdup_printf ("utterance %d (%s), %s: β %.3f\nclick to select it",
                              hit.utterance + 1, who[hit.utterance],
                              modality_names[hit.modality],
                              self->dia->beta[3 * hit.utterance + hit.modality]);
    }
  if (hit.kind == STVA_DRAW_GRAPH_HIT_EDGE)
    {
      const StvaDrawGraph *g = &self->graph;
      return g_strdup_printf ("%s of utterance %d (%s) → %s of utterance %d (%s): %.4f\n%s",
                              modality_names[hit.modality], hit.utterance + 1,
                              who[hit.utterance], modality_names[g->modality], g->utterance + 1,
                              who[g->utterance], hit.weight,
                              stva_draw_relation_name (hit.relation));
    }
  return NULL;
}

static const StvaFigure graph_figure = { graph_draw, graph_hit };

/* Metrics: the confusion above, the per-class scores, the learning curves below. */
typedef struct
{
  double y, h;
} Band;

static void
metrics_bands (double height,
               Band   bands[3])
{
  bands[0] = (Band) { 0, height * 0.40 };
  bands[1] = (Band) { height * 0.40, height * 0.28 };
  bands[2] = (Band) { height * 0.70, height * 0.30 };   /* two panels: room for both titles */
}

static void
band_message (cairo_t             *cr,
              const StvaDrawStyle *style,
              const char          *text,
              double               width,
              double               height)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->text_dpi);
  pango_layout_context_changed (layout);
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  pango_font_description_set_size (font, (int) (style->font_size_pt * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (MAX (1, width - 16) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgba (cr, style->foreground[0], style->foreground[1], style->foreground[2],
                         0.6);
  cairo_move_to (cr, 8, (height - h) / 2);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
metrics_draw (cairo_t             *cr,
              gpointer             data,
              const StvaDrawStyle *style,
              double               width,
              double               height)
{
  StvaInspector *self = data;
  cairo_save (cr);
  cairo_set_source_rgb (cr, style->background[0], style->background[1], style->background[2]);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  Band b[3];
  metrics_bands (height, b);
  for (int i = 0; i < 3; i++)
    {
      cairo_save (cr);
      cairo_translate (cr, 0, b[i].y);
      const char *error = i == 0 ? self->scores_error : i == 1 ? self->bars_error
                                                               : self->curves_error;
      if (i == 0 && self->scores != NULL)
        {
          /* square cells: the confusion centred in its band */
          double side = fmin (width, b[i].h);
          cairo_translate (cr, (width - side) / 2, 0);
          stva_draw_confusion (cr, self->confusion, self->K, (const char *const *) self->labels,
                               style, side, b[i].h);
        }
      else if (i == 1 && self->bars != NULL)
        stva_draw_bars (cr, &self->draw_bars, style, width, b[i].h);
      else if (i == 2 && self->curves != NULL)
        stva_draw_curves (cr, &self->draw_curves, style, width, b[i].h);
      else
        band_message (cr, style, error != NULL ? error : "reading…", width, b[i].h);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

static char *
metrics_hit (cairo_t             *cr,
             gpointer             data,
             const StvaDrawStyle *style,
             double               width,
             double               height,
             double               x,
             double               y,
             int                 *item)
{
  StvaInspector *self = data;
  Band b[3];
  metrics_bands (height, b);
  if (y < b[1].y && self->scores != NULL)
    {
      double side = fmin (width, b[0].h);
      int r, c;
      if (!stva_draw_confusion_at (cr, self->K, (const char *const *) self->labels, style, side,
                                   b[0].h, x - (width - side) / 2, y, &r, &c))
        return NULL;
      const StvaMetrics *m = &self->scores->scores.metrics;
      gint64 n = m->confusion[r * self->K + c], row = m->support[r];
      return g_strdup_printf ("reference %s, predicted %s: %" G_GINT64_FORMAT " of %"
                              G_GINT64_FORMAT " (%.1f %%)", self->labels[r], self->labels[c],
                              n, row, row > 0 ? 100.0 * n / row : 0.0);
    }
  if (y >= b[1].y && y < b[2].y && self->bars != NULL)
    {
      int g, s;
      if (!stva_draw_bars_at (cr, &self->draw_bars, style, width, b[1].h, x, y - b[1].y, &g, &s))
        return NULL;
      double v = self->draw_bars.values[g * self->draw_bars.n_series + s];
      return g_strdup_printf ("%s, %s: %.4f", self->draw_bars.group_names[g],
                              self->draw_bars.series_names[s], v);
    }
  if (y >= b[2].y && self->curves != NULL)
    {
      int i = stva_draw_curves_at (cr, &self->draw_curves, style, width, b[2].h, x, y - b[2].y);
      if (i < 0)
        return NULL;
      const StvaFigureCurves *c = &self->curves->curves;
      return g_strdup_printf ("epoch %g: training loss %.4f, dev weighted F1 %.4f", c->epoch[i],
                              c->loss[i], c->dev_f1[i]);
    }
  return NULL;
}

static const StvaFigure metrics_figure = { metrics_draw, metrics_hit };

/* ---- the selected dialogue ---------------------------------------------------------------- */

/* A Dialogue with the session's utterances (labels, names), arrays sized, no prediction. */
static Dialogue *
dialogue_new (StvaInspector *self,
              int            K)
{
  GListModel *list = stva_session_get_utterances (self->session);
  StvaDialogueItem *item = stva_session_get_dialogue (self->session);
  Dialogue *d = g_new0 (Dialogue, 1);
  d->dialogue_id = stva_dialogue_item_get_id (item);
  d->model_id = stva_session_get_model_id (self->session);
  d->T = (int) g_list_model_get_n_items (list);
  d->K = K;
  int T = d->T;
  d->utterance_ids = g_new0 (gint64, MAX (T, 1));
  d->probs = g_new0 (float, (gsize) MAX (T, 1) * MAX (K, 1));
  d->beta = g_new0 (float, 3 * (gsize) MAX (T, 1));
  d->has_beta = g_new0 (gboolean, MAX (T, 1));
  d->reference = g_new0 (int, MAX (T, 1));
  d->current = g_new0 (int, MAX (T, 1));
  d->predicted = g_new0 (int, MAX (T, 1));
  d->blobs = g_new0 (GBytes *, MAX (T, 1));
  d->names = g_new0 (char *, T + 1);
  d->speakers = g_new0 (char *, T + 1);
  for (int t = 0; t < T; t++)
    {
      g_autoptr (StvaUtteranceItem) u = g_list_model_get_item (list, t);
      const StvaDbUtterance *row = stva_utterance_item_get (u);
      d->utterance_ids[t] = row->id;
      d->reference[t] = label_index (self, row->gold_label_id);
      d->current[t] = label_index (self, row->current_label_id);
      d->speakers[t] = g_strdup (row->speaker != NULL && row->speaker[0] ? row->speaker : "?");
      d->names[t] = g_strdup_printf ("%d · %s", t + 1, d->speakers[t]);
    }
  return d;
}

/* The stored predictions of the model on screen, or NULL when one is missing. */
static Dialogue *
read_stored (StvaInspector *self,
             GError       **error)
{
  StvaDb *db = stva_session_get_db (self->session);
  Dialogue *d = dialogue_new (self, self->K);
  for (int t = 0; t < d->T; t++)
    {
      StvaDbPrediction *p = stva_db_prediction (db, d->model_id, d->utterance_ids[t], error);
      if (p == NULL || (int) p->K != d->K)
        {
          if (p != NULL)
            g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                         "the stored prediction has %u classes, the label set %d", p->K, d->K);
          stva_db_prediction_free (p);
          dialogue_free (d);
          return NULL;
        }
      memcpy (d->probs + (gsize) t * d->K, p->probs, sizeof (float) * d->K);
      d->has_beta[t] = p->has_beta;
      memcpy (d->beta + 3 * t, p->beta, sizeof p->beta);
      d->predicted[t] = argmax (p->probs, d->K);
      d->blobs[t] = p->attention != NULL ? g_bytes_ref (p->attention) : NULL;
      stva_db_prediction_free (p);
    }
  if (d->T > 0 && d->blobs[0] != NULL)
    d->keys = stva_attn_keys_of_blob (d->blobs[0], NULL);
  return d;
}

/* A Dialogue from a live prediction (result taken). */
static Dialogue *
from_result (StvaInspector             *self,
             StvaPredictDialogueResult *result)
{
  Dialogue *d = dialogue_new (self, result->K);
  if (d->T != result->T)
    {
      dialogue_free (d);
      stva_predict_dialogue_result_free (result);
      return NULL;
    }
  memcpy (d->probs, result->output.probs, sizeof (float) * (gsize) d->T * d->K);
  for (int t = 0; t < d->T; t++)
    {
      d->has_beta[t] = TRUE;
      memcpy (d->beta + 3 * t, result->output.beta + 3 * t, 3 * sizeof (float));
      d->predicted[t] = result->output.pred[t];
    }
  d->keys = g_array_ref (result->keys);
  d->result = result;
  return d;
}

static void
predict_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PredictJob *job = task_data;
  GError *error = NULL;
  g_autofree char *model_path = NULL;
  {
    g_autoptr (StvaDb) db = stva_db_open (job->project, STVA_DB_OPEN_EXISTING, &error);
    if (db == NULL || !stva_data_model_file (db, job->model_id, &model_path, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }
  if (g_task_return_error_if_cancelled (task))
    return;
  StvaPredictDialogueOptions options = {
    .project = job->project, .label_set = job->label_set, .model_path = model_path,
    .dialogue_id = job->dialogue_id, .store = job->store,
  };
  memcpy (options.absent, job->absent, sizeof options.absent);
  StvaPredictDialogueResult *result = stva_engine_predict_dialogue (NULL, &options, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) stva_predict_dialogue_result_free);
}

static GTask *
predict_task (StvaInspector       *self,
              gboolean             store,
              const gboolean      *absent,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              guint                serial)
{
  PredictJob *job = g_new0 (PredictJob, 1);
  job->project = g_strdup (stva_session_get_path (self->session));
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  job->label_set = set != NULL ? g_strdup (set->name) : NULL;
  job->model_id = stva_session_get_model_id (self->session);
  job->dialogue_id = stva_dialogue_item_get_id (stva_session_get_dialogue (self->session));
  job->store = store;
  if (absent != NULL)
    memcpy (job->absent, absent, sizeof job->absent);
  GTask *task = g_task_new (NULL, cancellable, callback, g_object_ref (self));
  g_task_set_source_tag (task, predict_task);
  g_task_set_task_data (task, job, (GDestroyNotify) predict_job_free);
  g_object_set_data (G_OBJECT (task), "serial", GUINT_TO_POINTER (serial));
  return task;
}

static void
live_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr (StvaInspector) self = user_data;
  guint serial = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (res), "serial"));
  g_autoptr (GError) error = NULL;
  StvaPredictDialogueResult *result = g_task_propagate_pointer (G_TASK (res), &error);
  if (serial != self->serial || self->session == NULL)   /* the selection moved on */
    {
      g_clear_pointer (&result, stva_predict_dialogue_result_free);
      return;
    }
  g_clear_object (&self->predict_cancel);
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf ("could not predict: %s", error->message);
      set_status (self, text);
      stva_figure_view_set_placeholder (self->prediction_view, text);
      return;
    }
  self->n_live++;
  Dialogue *d = from_result (self, result);
  if (d == NULL)
    {
      set_status (self, "the prediction does not match the dialogue on screen");
      return;
    }
  dialogue_free (self->dia);
  self->dia = d;
  set_status (self, "predicted now and stored");
  fill_maps (self);
  rebuild_figures (self);
  /* every view shows the stored prediction: the session reads it again */
  if (!stva_session_reload (self->session, &error))
    set_status (self, error->message);
}

static void
what_if_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr (StvaInspector) self = user_data;
  guint serial = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (res), "serial"));
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaPredictDialogueResult) result = g_task_propagate_pointer (G_TASK (res), &error);
  if (serial != self->what_if_serial || self->session == NULL)
    return;
  g_clear_object (&self->what_if_cancel);
  g_clear_pointer (&self->what_if, g_free);
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf ("what-if failed: %s", error->message);
      set_status (self, text);
    }
  else if (self->dia != NULL && result->T == self->dia->T && result->K == self->dia->K)
    {
      self->what_if = g_memdup2 (result->output.probs,
                                 sizeof (float) * (gsize) result->T * result->K);
      int changed = 0;
      for (int t = 0; t < result->T; t++)
        changed += result->output.pred[t] != self->dia->predicted[t];
      g_autofree char *name = what_if_name (self->absent);
      g_autofree char *text = g_strdup_printf ("%s: %d of %d predictions change", name, changed,
                                               result->T);
      set_status (self, text);
    }
  rebuild_figures (self);
}

static void
start_what_if (StvaInspector *self)
{
  g_cancellable_cancel (self->what_if_cancel);
  g_clear_object (&self->what_if_cancel);
  self->what_if_serial++;
  if (self->what_if != NULL)
    {
      g_clear_pointer (&self->what_if, g_free);
      rebuild_figures (self);
    }
  if (!any_absent (self->absent) || self->dia == NULL || self->session == NULL)
    return;
  self->what_if_cancel = g_cancellable_new ();
  g_autofree char *name = what_if_name (self->absent);
  g_autofree char *text = g_strdup_printf ("predicting %s…", name);
  set_status (self, text);
  g_autoptr (GTask) task = predict_task (self, FALSE, self->absent, self->what_if_cancel,
                                         what_if_cb, self->what_if_serial);
  g_task_run_in_thread (task, predict_thread);
}

static void
load_dialogue (StvaInspector *self)
{
  self->serial++;
  g_cancellable_cancel (self->predict_cancel);
  g_clear_object (&self->predict_cancel);
  g_clear_pointer (&self->dia, dialogue_free);
  if (self->session == NULL || stva_session_get_dialogue (self->session) == NULL)
    {
      fill_maps (self);
      rebuild_figures (self);
      stva_figure_view_set_placeholder (self->prediction_view, "no dialogue selected");
      return;
    }
  gint64 model_id = stva_session_get_model_id (self->session);
  if (model_id == 0)
    {
      fill_maps (self);
      rebuild_figures (self);
      stva_figure_view_set_placeholder (self->prediction_view,
                                        "no model in the project: train one to see its "
                                        "predictions here");
      set_status (self, "");
      return;
    }
  g_autoptr (GError) error = NULL;
  self->dia = read_stored (self, &error);
  gint64 dialogue_id = stva_dialogue_item_get_id (stva_session_get_dialogue (self->session));
  if (self->dia == NULL && error == NULL
      && !(self->live_tried_dialogue == dialogue_id && self->live_tried_model == model_id))
    {
      /* not predicted yet: predict it now (once per dialogue and model) and store it */
      self->live_tried_dialogue = dialogue_id;
      self->live_tried_model = model_id;
      self->predict_cancel = g_cancellable_new ();
      g_autofree char *text = g_strdup_printf ("predicting %s with model #%" G_GINT64_FORMAT "…",
                                               stva_dialogue_item_get_title (
                                                 stva_session_get_dialogue (self->session)),
                                               model_id);
      set_status (self, text);
      stva_figure_view_set_placeholder (self->prediction_view, text);
      g_autoptr (GTask) task = predict_task (self, TRUE, NULL, self->predict_cancel, live_cb,
                                             self->serial);
      g_task_run_in_thread (task, predict_thread);
    }
  else if (self->dia == NULL)
    {
      g_autofree char *text = error != NULL
        ? g_strdup_printf ("could not read the predictions: %s", error->message)
        : g_strdup ("this dialogue has no prediction of the model on screen");
      stva_figure_view_set_placeholder (self->prediction_view, text);
    }
  else if (self->status != NULL && g_str_has_prefix (self->status, "predicting"))
    set_status (self, "");
  fill_maps (self);
  rebuild_figures (self);
  start_what_if (self);
}

/* ---- metrics ------------------------------------------------------------------------------ */

static void
clear_metrics (StvaInspector *self)
{
  g_clear_pointer (&self->scores, stva_figure_data_free);
  g_clear_pointer (&self->bars, stva_figure_data_free);
  g_clear_pointer (&self->curves, stva_figure_data_free);
  g_clear_pointer (&self->scores_error, g_free);
  g_clear_pointer (&self->bars_error, g_free);
  g_clear_pointer (&self->curves_error, g_free);
  g_clear_pointer (&self->confusion, g_free);
  g_clear_pointer (&self->marker_name, g_free);
  g_clear_pointer (&self->eval, stva_eval_report_free);
}

static int
chosen_split (StvaInspector *self)
{
  static const int splits[] = { STVA_DATA_ALL_SPLITS, STVA_SPLIT_TRAIN, STVA_SPLIT_DEV,
                                STVA_SPLIT_TEST };
  guint i = gtk_drop_down_get_selected (self->split_drop);
  return i < G_N_ELEMENTS (splits) ? splits[i] : STVA_DATA_ALL_SPLITS;
}

static void
metrics_done (StvaInspector *self)
{
  if (--self->metrics_pending > 0)
    return;
  g_clear_object (&self->metrics_cancel);
  stva_figure_view_set_figure (self->metrics_view, &metrics_figure, self);
}

/* What a metrics read was asked for: its answer is dropped when the metrics moved on. */
typedef struct
{
  StvaInspector *self;     /* a reference */
  guint          serial;
  StvaFigureKind kind;
} MetricsCall;

static MetricsCall *
metrics_call_new (StvaInspector  *self,
                  StvaFigureKind  kind)
{
  MetricsCall *call = g_new0 (MetricsCall, 1);
  call->self = g_object_ref (self);
  call->serial = self->metrics_serial;
  call->kind = kind;
  return call;
}

static void
metrics_call_free (MetricsCall *call)
{
  g_object_unref (call->self);
  g_free (call);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MetricsCall, metrics_call_free)

static void
figure_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr (MetricsCall) call = user_data;
  StvaInspector *self = call->self;
  guint serial = call->serial;
  g_autoptr (GError) error = NULL;
  StvaFigureData *data = stva_engine_figure_finish (res, &error);
  StvaFigureKind kind = call->kind;
  if (serial != self->metrics_serial)
    {
      g_clear_pointer (&data, stva_figure_data_free);
      return;
    }
  switch (kind)
    {
    case STVA_FIGURE_KIND_SCORES:
      if (data != NULL && data->scores.metrics.K == self->K)
        {
          self->scores = data;
          self->confusion = g_new0 (int, (gsize) self->K * self->K);
          for (int i = 0; i < self->K * self->K; i++)
            self->confusion[i] = (int) data->scores.metrics.confusion[i];
        }
      else
        self->scores_error = g_strdup (error != NULL ? error->message : "other classes");
      break;
    case STVA_FIGURE_KIND_BARS:
      if (data != NULL)
        {
          static const char *const measures[] = { "F1", "precision", "recall" };
          self->bars = data;
          StvaFigureBars *b = &data->bars;
          self->draw_bars = (StvaDrawBars) {
            .n_groups = b->n_groups, .n_series = b->n_series, .values = b->values,
            .group_names = (const char *const *) b->group_names,
            .series_names = (const char *const *) b->series_names,
            .y_title = b->n_models > 1 ? measures[b->measure] : "per-class scores",
          };
        }
      else
        self->bars_error = g_strdup (error->message);
      break;
    case STVA_FIGURE_KIND_CURVES:
    default:
      if (data != NULL)
        {
          self->curves = data;
          StvaFigureCurves *c = &data->curves;
          self->marker_name = isfinite (c->best_epoch)
                                ? g_strdup_printf ("kept: epoch %g", c->best_epoch) : NULL;
          self->draw_curves = (StvaDrawCurves) {
            .n = c->n, .x = c->epoch, .y = { c->loss, c->dev_f1 },
            .y_titles = { "training loss", "dev weighted F1" }, .unit_range = { false, true },
            .x_title = "epoch", .marker_x = c->best_epoch, .marker_name = self->marker_name,
          };
        }
      else
        self->curves_error = g_strdup (error->message);
    }
  metrics_done (self);
}

static void
eval_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr (MetricsCall) call = user_data;
  StvaInspector *self = call->self;
  guint serial = call->serial;
  g_autoptr (GError) error = NULL;
  StvaEvalReport *report = stva_engine_eval_finish (res, &error);
  if (serial != self->metrics_serial)
    {
      g_clear_pointer (&report, stva_eval_report_free);
      return;
    }
  self->eval = report;
  if (report == NULL)
    gtk_label_set_text (self->metrics_label, error->message);
  else
    {
      GString *s = g_string_new (NULL);
      const StvaMetrics *a = &report->metrics[0];
      g_string_append_printf (s, "%s: accuracy %.3f · weighted F1 %.3f · macro F1 %.3f "
                              "(%" G_GINT64_FORMAT " utterances)", report->model_path[0],
                              a->accuracy, a->weighted_f1, a->macro_f1, (gint64) a->n);
      if (report->n_models > 1)
        {
          const StvaMetrics *b = &report->metrics[1];
          g_string_append_printf (s, "\n%s: accuracy %.3f (%+.3f) · weighted F1 %.3f (%+.3f) · "
                                  "macro F1 %.3f (%+.3f)", report->model_path[1], b->accuracy,
                                  b->accuracy - a->accuracy, b->weighted_f1,
                                  b->weighted_f1 - a->weighted_f1, b->macro_f1,
                                  b->macro_f1 - a->macro_f1);
        }
      gtk_label_set_text (self->metrics_label, s->str);
      g_string_free (s, TRUE);
    }
  metrics_done (self);
}

static void
load_metrics (StvaInspector *self)
{
  g_cancellable_cancel (self->metrics_cancel);
  g_clear_object (&self->metrics_cancel);
  self->metrics_serial++;
  clear_metrics (self);
  gtk_label_set_text (self->metrics_label, "");
  gint64 model_id = self->session ? stva_session_get_model_id (self->session) : 0;
  if (model_id == 0)
    {
      self->metrics_pending = 0;
      stva_figure_view_set_figure (self->metrics_view, NULL, NULL);
      stva_figure_view_set_placeholder (self->metrics_view, "no model in the project");
      return;
    }
  self->metrics_cancel = g_cancellable_new ();
  self->metrics_pending = 4;
  stva_figure_view_set_figure (self->metrics_view, &metrics_figure, self);
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  StvaFigureKind kinds[] = { STVA_FIGURE_KIND_SCORES, STVA_FIGURE_KIND_BARS,
                             STVA_FIGURE_KIND_CURVES };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      StvaFigureRequest request;
      stva_figure_request_init (&request, kinds[i]);
      request.options.project = stva_session_get_path (self->session);
      request.options.label_set = set != NULL ? set->name : NULL;
      request.options.model_id = model_id;
      request.options.split = chosen_split (self);
      request.models[0] = model_id;
      request.n_models = 1;
      if (kinds[i] == STVA_FIGURE_KIND_BARS && self->compare_id != 0)
        {
          request.models[1] = self->compare_id;
          request.n_models = 2;
          request.measure = STVA_FIGURE_F1;
        }
      stva_engine_figure_async (&request, NULL, NULL, self->metrics_cancel, figure_cb,
                                metrics_call_new (self, kinds[i]));
    }
  StvaEvalOptions eval = { .source = { .project = stva_session_get_path (self->session) },
                           .split = chosen_split (self), .model_id = model_id,
                           .compare_id = self->compare_id };
  stva_engine_eval_async (&eval, NULL, NULL, self->metrics_cancel, eval_cb,
                          metrics_call_new (self, STVA_FIGURE_KIND_SCORES));
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_dialogue (StvaSession   *session,
             GParamSpec    *pspec,
             StvaInspector *self)
{
  self->selected_us = g_get_monotonic_time ();
  self->shown_us = 0;
  load_dialogue (self);
}

static void
on_utterance (StvaSession   *session,
              GParamSpec    *pspec,
              StvaInspector *self)
{
  rebuild_figures (self);
}

static void
on_project (StvaSession   *session,
            StvaInspector *self)
{
  read_labels (self);
  fill_models (self);
  /* the reload after a live prediction: what is on screen is what was just stored */
  StvaDialogueItem *item = stva_session_get_dialogue (session);
  gboolean fresh = self->dia != NULL && self->dia->result != NULL && item != NULL
                   && self->dia->dialogue_id == stva_dialogue_item_get_id (item)
                   && self->dia->model_id == stva_session_get_model_id (session)
                   && self->dia->K == self->K;
  if (!fresh)
    load_dialogue (self);
  load_metrics (self);
}

static void
on_model (StvaSession   *session,
          GParamSpec    *pspec,
          StvaInspector *self)
{
  fill_models (self);
  load_dialogue (self);
  load_metrics (self);
}

static void
on_model_chosen (GtkDropDown   *drop,
                 GParamSpec    *pspec,
                 StvaInspector *self)
{
  guint i = gtk_drop_down_get_selected (drop);
  if (self->filling || self->session == NULL || i >= self->model_ids->len)
    return;
  gint64 id = g_array_index (self->model_ids, gint64, i);
  if (id == stva_session_get_model_id (self->session))
    return;
  g_autoptr (GError) error = NULL;
  if (!stva_session_set_model_id (self->session, id, &error))
    set_status (self, error->message);
}

static void
on_compare_chosen (GtkDropDown   *drop,
                   GParamSpec    *pspec,
                   StvaInspector *self)
{
  guint i = gtk_drop_down_get_selected (drop);
  if (self->filling || i >= self->compare_ids->len)
    return;
  self->compare_id = g_array_index (self->compare_ids, gint64, i);
  load_metrics (self);
}

static void
on_split_chosen (GtkDropDown   *drop,
                 GParamSpec    *pspec,
                 StvaInspector *self)
{
  load_metrics (self);
}

static void
on_map_chosen (GtkDropDown   *drop,
               GParamSpec    *pspec,
               StvaInspector *self)
{
  if (!self->filling)
    build_map (self);
}

static void
on_graph_chosen (GtkDropDown   *drop,
                 GParamSpec    *pspec,
                 StvaInspector *self)
{
  if (!self->filling)
    rebuild_figures (self);
}

static void
on_graph_node (StvaFigureView *view,
               int             item,
               StvaInspector  *self)
{
  if (self->session == NULL || self->dia == NULL || item < 0 || item >= 3 * self->dia->T)
    return;
  self->graph_modality = item % 3;
  if ((guint) (item / 3) == stva_session_get_utterance_position (self->session))
    rebuild_figures (self);
  else
    stva_session_select_utterance (self->session, (guint) (item / 3));
}

static void
on_toggle (GtkToggleButton *button,
           StvaInspector   *self)
{
  self->absent[STVA_MOD_T] = gtk_toggle_button_get_active (self->off_t);
  self->absent[STVA_MOD_A] = gtk_toggle_button_get_active (self->off_a);
  self->absent[STVA_MOD_V] = gtk_toggle_button_get_active (self->off_v);
  if (!any_absent (self->absent))
    set_status (self, "");
  start_what_if (self);
}

static void
on_item_activated (StvaFigureView *view,
                   int             item,
                   StvaInspector  *self)
{
  if (self->session != NULL && self->dia != NULL && item >= 0 && item < self->dia->T)
    stva_session_select_utterance (self->session, (guint) item);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr (StvaInspector) self = user_data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;
      if (path != NULL && !stva_inspector_export (self, path, &error))
        set_status (self, error->message);
      else if (path != NULL)
        {
          g_autofree char *text = g_strdup_printf ("figure written to %s", path);
          set_status (self, text);
        }
    }
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StvaInspector *self = STVA_INSPECTOR (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    "Export figure", GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
    GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  const char *const kinds[][2] = { { "PDF (vector)", "*.pdf" }, { "SVG (vector)", "*.svg" },
                                   { "PNG (300 dpi)", "*.png" } };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, kinds[i][0]);
      gtk_file_filter_add_pattern (filter, kinds[i][1]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }
  const char *view = stva_inspector_get_view (self);
  g_autofree char *name = NULL;
  if (self->dia != NULL && self->session != NULL && strcmp (view, "metrics") != 0)
    {
      g_autofree char *title = g_strdup (stva_dialogue_item_get_title (
                                           stva_session_get_dialogue (self->session)));
      g_strdelimit (title, "/ ", '-');
      name = g_strdup_printf ("%s-%s.pdf", view, title);
    }
  else
    name = g_strdup_printf ("%s.pdf", view);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The drop-downs' button shows its choice cut with an ellipsis, so a long model name never
 * widens the inspector past its slot; the popup lists the whole names. */
static void
on_factory_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  if (GPOINTER_TO_INT (ellipsize))
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 4);
    }
  gtk_list_item_set_child (item, label);
}

static void
on_factory_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  ellipsize)
{
  GtkStringObject *row = gtk_list_item_get_item (item);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      row != NULL ? gtk_string_object_get_string (row) : "");
}

static void
shrinkable (GtkDropDown *drop)
{
  for (int popup = 0; popup < 2; popup++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup),
                        GINT_TO_POINTER (!popup));
      g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind), GINT_TO_POINTER (!popup));
      if (popup)
        gtk_drop_down_set_list_factory (drop, factory);
      else
        gtk_drop_down_set_factory (drop, factory);
      g_object_unref (factory);
    }
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_inspector_dispose (GObject *object)
{
  StvaInspector *self = STVA_INSPECTOR (object);
  stva_inspector_set_session (self, NULL);
  GCancellable **c[] = { &self->predict_cancel, &self->what_if_cancel, &self->metrics_cancel };
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      g_cancellable_cancel (*c[i]);
      g_clear_object (c[i]);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_INSPECTOR);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)   /* unnamed rows */
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (stva_inspector_parent_class)->dispose (object);
}

static void
stva_inspector_finalize (GObject *object)
{
  StvaInspector *self = STVA_INSPECTOR (object);
  g_clear_pointer (&self->dia, dialogue_free);
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->label_ids, g_free);
  g_clear_pointer (&self->model_ids, g_array_unref);
  g_clear_pointer (&self->compare_ids, g_array_unref);
  g_clear_pointer (&self->what_if, g_free);
  g_clear_pointer (&self->p_title, g_free);
  g_clear_pointer (&self->p_subtitle, g_free);
  g_clear_pointer (&self->p_what_if_name, g_free);
  g_clear_pointer (&self->contrib, g_free);
  g_clear_pointer (&self->map_keys, g_array_unref);
  g_clear_pointer (&self->status, g_free);
  clear_map (self);
  clear_graph (self);
  clear_metrics (self);
  G_OBJECT_CLASS (stva_inspector_parent_class)->finalize (object);
}

static void
stva_inspector_class_init (StvaInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_inspector_dispose;
  object_class->finalize = stva_inspector_finalize;
  g_type_ensure (STVA_TYPE_FIGURE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, model_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, export_button);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, switcher);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, what_if_box);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, off_t);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, off_a);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, off_v);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, status_label);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, prediction_view);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, graph_controls);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, graph_pair_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, graph_layer_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, graph_head_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, graph_view);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, map_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, head_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, attention_view);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, contributions_view);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, split_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, compare_drop);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, metrics_label);
  gtk_widget_class_bind_template_child (widget_class, StvaInspector, metrics_view);
  gtk_widget_class_install_action (widget_class, "inspector.export", NULL, export_action);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
stva_inspector_init (StvaInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->model_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->compare_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->status = g_strdup ("");
  GtkDropDown *drops[] = { self->model_drop, self->compare_drop, self->split_drop,
                           self->map_drop, self->head_drop, self->graph_pair_drop,
                           self->graph_layer_drop, self->graph_head_drop };
  for (guint i = 0; i < G_N_ELEMENTS (drops); i++)
    shrinkable (drops[i]);
  g_signal_connect (self->model_drop, "notify::selected", G_CALLBACK (on_model_chosen), self);
  g_signal_connect (self->compare_drop, "notify::selected", G_CALLBACK (on_compare_chosen),
                    self);
  g_signal_connect (self->split_drop, "notify::selected", G_CALLBACK (on_split_chosen), self);
  g_signal_connect (self->map_drop, "notify::selected", G_CALLBACK (on_map_chosen), self);
  g_signal_connect (self->head_drop, "notify::selected", G_CALLBACK (on_map_chosen), self);
  GtkToggleButton *toggles[] = { self->off_t, self->off_a, self->off_v };
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    g_signal_connect (toggles[i], "toggled", G_CALLBACK (on_toggle), self);
  StvaFigureView *clickable[] = { self->prediction_view, self->attention_view,
                                  self->contributions_view };
  for (guint i = 0; i < G_N_ELEMENTS (clickable); i++)
    g_signal_connect (clickable[i], "item-activated", G_CALLBACK (on_item_activated), self);
  stva_figure_view_set_placeholder (self->prediction_view, "no project open");
  stva_figure_view_set_placeholder (self->graph_view, "no prediction to draw");
  GtkDropDown *graph_drops[] = { self->graph_pair_drop, self->graph_layer_drop,
                                 self->graph_head_drop };
  for (guint i = 0; i < G_N_ELEMENTS (graph_drops); i++)
    g_signal_connect (graph_drops[i], "notify::selected", G_CALLBACK (on_graph_chosen), self);
  g_signal_connect (self->graph_view, "item-activated", G_CALLBACK (on_graph_node), self);
  stva_figure_view_set_placeholder (self->metrics_view, "no model in the project");
  gtk_widget_set_size_request (GTK_WIDGET (self->metrics_view), -1, 800);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_inspector_new (void)
{
  return g_object_new (STVA_TYPE_INSPECTOR, NULL);
}

void
stva_inspector_set_session (StvaInspector *self,
                            StvaSession   *session)
{
  g_return_if_fail (STVA_IS_INSPECTOR (self));
  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->session_handlers); i++)
        g_clear_signal_handler (&self->session_handlers[i], self->session);
      g_object_remove_weak_pointer (G_OBJECT (self->session), (gpointer *) &self->session);
    }
  self->session = session;
  if (session == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &self->session);
  self->session_handlers[0] = g_signal_connect (session, "notify::dialogue",
                                                G_CALLBACK (on_dialogue), self);
  self->session_handlers[1] = g_signal_connect (session, "notify::utterance",
                                                G_CALLBACK (on_utterance), self);
  self->session_handlers[2] = g_signal_connect (session, "project-changed",
                                                G_CALLBACK (on_project), self);
  self->session_handlers[3] = g_signal_connect (session, "notify::model-id",
                                                G_CALLBACK (on_model), self);
  if (stva_session_is_open (session))
    on_project (session, self);
}

void
stva_inspector_set_view (StvaInspector *self,
                         const char    *name)
{
  g_return_if_fail (STVA_IS_INSPECTOR (self));
  adw_view_stack_set_visible_child_name (self->stack, name);
}

const char *
stva_inspector_get_view (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

StvaFigureView *
stva_inspector_get_figure_view (StvaInspector *self,
                                const char    *name)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self) && name != NULL, NULL);
  if (strcmp (name, "prediction") == 0)
    return self->prediction_view;
  if (strcmp (name, "graph") == 0)
    return self->graph_view;
  if (strcmp (name, "attention") == 0)
    return self->attention_view;
  if (strcmp (name, "contributions") == 0)
    return self->contributions_view;
  if (strcmp (name, "metrics") == 0)
    return self->metrics_view;
  return NULL;
}

void
stva_inspector_set_modality_off (StvaInspector *self,
                                 int            modality,
                                 gboolean       off)
{
  g_return_if_fail (STVA_IS_INSPECTOR (self) && modality >= 0 && modality < STVA_N_MOD);
  GtkToggleButton *toggles[] = { self->off_t, self->off_a, self->off_v };
  gtk_toggle_button_set_active (toggles[modality], off);
}

gboolean
stva_inspector_export (StvaInspector  *self,
                       const char     *path,
                       GError        **error)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self) && path != NULL, FALSE);
  const char *view = stva_inspector_get_view (self);
  StvaFigureView *figure = stva_inspector_get_figure_view (self, view);
  double w = PAPER_WIDTH_PT, h = 300.0;
  if (strcmp (view, "metrics") == 0)
    h = 760.0;
  else if (strcmp (view, "attention") == 0 && self->map != NULL)
    h = fmin (640.0, 120.0 + 14.0 * self->map->rows);
  else if (strcmp (view, "prediction") == 0 && self->dia != NULL)   /* bars and the list */
    h = fmin (720.0, 90.0 + 22.0 * self->dia->K + 14.0 * self->dia->T);
  return stva_figure_view_export (figure, path, w, h, error);
}

gboolean
stva_inspector_is_busy (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), FALSE);
  return self->predict_cancel != NULL || self->what_if_cancel != NULL
         || self->metrics_cancel != NULL;
}

const float *
stva_inspector_get_probs (StvaInspector *self,
                          int           *T,
                          int           *K)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  *T = self->dia != NULL ? self->dia->T : 0;
  *K = self->dia != NULL ? self->dia->K : 0;
  return self->dia != NULL ? self->dia->probs : NULL;
}

const float *
stva_inspector_get_what_if (StvaInspector *self,
                            int           *T,
                            int           *K)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  *T = self->what_if != NULL ? self->dia->T : 0;
  *K = self->what_if != NULL ? self->dia->K : 0;
  return self->what_if;
}

guint
stva_inspector_get_n_live (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), 0);
  return self->n_live;
}

gint64
stva_inspector_get_shown_us (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), 0);
  return self->shown_us;
}

const char *
stva_inspector_get_status (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  return self->status;
}

const StvaAttnMap *
stva_inspector_get_attention (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  return self->map;
}

gboolean
stva_inspector_set_attention (StvaInspector *self,
                              const char    *name,
                              int            head)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self) && name != NULL, FALSE);
  StvaAttnKey want;
  if (!stva_attn_key_parse (name, &want, NULL))
    return FALSE;
  for (guint i = 0; self->map_keys != NULL && i < self->map_keys->len; i++)
    {
      StvaAttnKey key = g_array_index (self->map_keys, StvaAttnKey, i);
      want.head = key.head;
      if (!stva_attn_key_equal (&key, &want))
        continue;
      self->filling = TRUE;
      gtk_drop_down_set_selected (self->map_drop, i);
      gtk_drop_down_set_selected (self->head_drop, head < 0 ? 0 : (guint) head + 1);
      self->filling = FALSE;
      build_map (self);
      return self->map != NULL;
    }
  return FALSE;
}

void
stva_inspector_set_compare (StvaInspector *self,
                            gint64         model_id)
{
  g_return_if_fail (STVA_IS_INSPECTOR (self));
  for (guint i = 0; i < self->compare_ids->len; i++)
    if (g_array_index (self->compare_ids, gint64, i) == model_id)
      {
        gtk_drop_down_set_selected (self->compare_drop, i);   /* loads the metrics */
        return;
      }
}

const StvaEvalReport *
stva_inspector_get_eval (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  return self->eval;
}

const StvaDrawGraph *
stva_inspector_get_graph (StvaInspector *self)
{
  g_return_val_if_fail (STVA_IS_INSPECTOR (self), NULL);
  return stva_figure_view_has_figure (self->graph_view) ? &self->graph : NULL;
}
