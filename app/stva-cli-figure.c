/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva figure KIND OUT`: the model's figures from a project, for papers, drawn by
 * ui/draw (the studio's drawing code) to PNG, SVG or PDF.
 *   confusion      a model's predictions against the labels on a split
 *   contributions  one dialogue's modality strengths β per utterance, with its labels
 *   attention      one of a dialogue's attention maps (MSDE, CAF or pair graph), its heads
 *                  averaged or one head
 *   metrics        per-class precision, recall and F1 of a model on a split (core's metrics,
 *                  as eval prints them), or one of them for several models side by side
 *   training       the learning curves train registered with the model: training loss and
 *                  dev weighted F1 per epoch, the kept (best) epoch marked
 *   graph          one dialogue's cross-modal graph: a node per utterance and modality sized
 *                  by β, and the edges into one node from its pair graphs' attention,
 *                  coloured by relation
 * Options, one engine call for the figure's data (engine/stva-engine-figure.h), the drawing
 * and the summary.  Reads only: nothing in the project is written.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"
#include "stva-draw.h"

static const char figure_usage[] =
  "synctva figure confusion OUT [--split test|dev|train|none|all] [--gold]\n"
  "       synctva figure metrics OUT [--model ID]... [--measure f1|precision|recall]\n"
  "                      [--split test|dev|train|none|all] [--gold]\n"
  "       synctva figure training OUT [--model ID]\n"
  "       synctva figure contributions OUT --dialogue DIALOGUE\n"
  "       synctva figure attention OUT --dialogue DIALOGUE [--map NAME] [--head N]\n"
  "       synctva figure graph OUT --dialogue DIALOGUE [--utterance N] [--modality T|A|V]\n"
  "                      [--pair TA|TV|AV|all] [--layer L|all] [--head N] [--window W|all]\n"
  "                      [--edges K|all] [--dark]\n"
  "  common: [--model ID] [--label-set NAME] [--size WxH] [--dpi N] [--screen] [--json]\n"
  "          [--project FILE]; OUT ends in .png, .svg or .pdf; DIALOGUE is SPLIT/NAME\n"
  "          (test/dia2: the split and dialogue columns of export csv), a name found in one\n"
  "          split only, or the project's dialogue id; NAME is msde.T, caf.T<-A, graph.TA.l0";

/* What one figure draws: the engine's data and ui/draw's view of it. */
typedef struct
{
  const char         *kind;
  StvaDrawStyle       style;
  StvaFigureData     *data;           /* owned */
  const StvaFigureHead *head;         /* data's */
  int                *counts;         /* confusion */
  StvaDrawBars        draw_bars;      /* metrics */
  StvaDrawCurves      draw_curves;    /* training */
  char               *marker_name;
  StvaDrawUtterance  *utterances;     /* contributions */
  StvaDrawGraph       draw_graph;     /* graph */
  char               *caption;
} Figure;

static void
draw_figure (cairo_t *cr,
             void    *data,
             double   width,
             double   height)
{
  Figure *f = data;
  const char *const *labels = (const char *const *) f->head->labels;
  switch (f->data->kind)
    {
    case STVA_FIGURE_KIND_SCORES:
      stva_draw_confusion (cr, f->counts, f->head->K, labels, &f->style, width, height);
      break;
    case STVA_FIGURE_KIND_BARS:
      stva_draw_bars (cr, &f->draw_bars, &f->style, width, height);
      break;
    case STVA_FIGURE_KIND_CURVES:
      stva_draw_curves (cr, &f->draw_curves, &f->style, width, height);
      break;
    case STVA_FIGURE_KIND_CONTRIBUTIONS:
      stva_draw_contributions (cr, f->utterances, f->data->contributions.n, labels, f->head->K,
                               &f->style, width, height);
      break;
    case STVA_FIGURE_KIND_GRAPH:
      stva_draw_graph (cr, &f->draw_graph, &f->style, width, height);
      break;
    case STVA_FIGURE_KIND_ATTENTION:
    default:
      {
        const StvaFigureAttention *a = &f->data->attention;
        StvaDrawHeatmap map = { a->values, a->map->rows, a->map->cols,
                                (const char *const *) a->row_names,
                                (const char *const *) a->col_names, a->row_title,
                                a->col_title };
        stva_draw_heatmap (cr, &map, &f->style, width, height);
      }
    }
}

static void
figure_clear (Figure *f)
{
  g_clear_pointer (&f->data, stva_figure_data_free);
  g_free (f->counts);
  g_free (f->marker_name);
  g_free (f->utterances);
  g_free (f->caption);
}

/* ui/draw's view of the engine's data, and the figure's default size in points. */
static void
view (Figure *f,
      double *w,
      double *h)
{
  StvaFigureData *d = f->data;
  f->head = stva_figure_data_head (d);
  int K = f->head->K;
  switch (d->kind)
    {
    case STVA_FIGURE_KIND_CURVES:
      {
        StvaFigureCurves *c = &d->curves;
        f->marker_name = isfinite (c->best_epoch) ? g_strdup_printf ("kept: epoch %g",
                                                                     c->best_epoch)
                                                  : NULL;
        f->draw_curves = (StvaDrawCurves) { .n = c->n, .x = c->epoch,
                                            .y = { c->loss, c->dev_f1 },
                                            .y_titles = { "training loss", "dev weighted F1" },
                                            .unit_range = { false, true }, .x_title = "epoch",
                                            .marker_x = c->best_epoch,
                                            .marker_name = f->marker_name };
        *w = 360, *h = 260;
      }
      break;
    case STVA_FIGURE_KIND_BARS:
      {
        static const char *const measures[] = { "f1", "precision", "recall" };
        StvaFigureBars *b = &d->bars;
        f->draw_bars = (StvaDrawBars) { .n_groups = b->n_groups, .n_series = b->n_series,
                                        .values = b->values,
                                        .group_names = (const char *const *) b->group_names,
                                        .series_names = (const char *const *) b->series_names,
                                        .y_title = b->n_models > 1 ? measures[b->measure]
                                                                   : NULL };
        *w = fmax (360, 60 + (K + 1) * (16.0 + 16.0 * b->n_series)), *h = 240;
      }
      break;
    case STVA_FIGURE_KIND_SCORES:
      f->counts = g_new0 (int, (gsize) K * (gsize) K);
      for (int i = 0; i < K * K; i++)
        f->counts[i] = (int) d->scores.metrics.confusion[i];
      *w = 110 + 46.0 * K, *h = *w - 20;
      break;
    case STVA_FIGURE_KIND_CONTRIBUTIONS:
      {
        StvaFigureContributions *c = &d->contributions;
        f->utterances = g_new0 (StvaDrawUtterance, c->n > 0 ? c->n : 1);
        for (int i = 0; i < c->n; i++)
          {
            f->utterances[i] = (StvaDrawUtterance) { .has_beta = c->utterances[i].has_beta,
                                                     .reference = c->utterances[i].reference,
                                                     .predicted = c->utterances[i].predicted };
            memcpy (f->utterances[i].beta, c->utterances[i].beta,
                    sizeof f->utterances[i].beta);
          }
        *w = fmax (360, 90 + 18.0 * c->n), *h = 220;
      }
      break;
    case STVA_FIGURE_KIND_GRAPH:
      {
        StvaFigureGraph *g = &d->graph;
        StvaDrawGraph *v = &f->draw_graph;   /* the selection and pairs are the caller's */
        v->T = g->T;
        v->beta = g->beta;
        v->present = g->present;
        v->speakers = (const char *const *) g->speakers;
        for (int p = 0; p < 3; p++)
          if (v->weights[p] != NULL)   /* (a placeholder for "asked for") */
            {
              v->weights[p] = g->weights[p];
              v->relations[p] = g->relations[p];
            }
        if (v->window == INT_MAX)   /* every edge of the dialogue in view */
          v->window = MAX (g->reach_past, MAX (g->reach_future, g->reach_cross));
        g_autofree char *layer = g->layer == STVA_FIGURE_GRAPH_ALL_LAYERS
                                   ? g_strdup_printf ("mean of the %d layers", g->n_layers)
                                   : g_strdup_printf ("layer %d (layers 0\u2013%d)", g->layer,
                                                      g->n_layers - 1);
        g_autofree char *heads = g->head_index < 0
                                   ? g_strdup_printf ("mean of %d heads", g->n_heads)
                                   : g_strdup_printf ("head %d of 0\u2013%d", g->head_index,
                                                      g->n_heads - 1);
        f->caption = g_strdup_printf ("model %" G_GINT64_FORMAT ", graph attention: %s, %s",
                                      f->head->model_id, layer, heads);
        v->caption = f->caption;
        int window = v->window < 0 || v->window >= g->T ? g->T : 2 * v->window + 1;
        *w = fmin (900, fmax (480, 110 + 30.0 * MIN (window, g->T))), *h = 320;
      }
      break;
    case STVA_FIGURE_KIND_ATTENTION:
    default:
      *w = 150 + fmax (120, 14.0 * d->attention.map->cols);
      *h = 80 + fmax (120, 14.0 * d->attention.map->rows);
    }
}

int
stva_cli_figure (int    argc,
                 char **argv)
{
  g_autofree char *project = NULL, *label_set = NULL, *split_name = NULL, *map = NULL;
  g_autofree char *dialogue = NULL, *measure_name = NULL, *size = NULL;
  g_auto (GStrv) model_args = NULL;
  gboolean gold = FALSE, screen = FALSE, json = FALSE, dark = FALSE;
  g_autofree char *pair_name = NULL, *layer_name = NULL, *modality_name = NULL;
  g_autofree char *window_name = NULL, *edges_name = NULL;
  int head = -1, dpi = 300, status, utterance = 1;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project,
      "The project (default: $SYNCTVA_PROJECT, or the single *.stva here)", "FILE" },
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &label_set,
      "The project's label set (default: meld)", "NAME" },
    { "model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &model_args,
      "The model's id (default: the newest); metrics takes up to 8", "ID" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      "confusion, metrics: the dialogues scored (default: test)", "test|dev|train|none|all" },
    { "gold", 0, 0, G_OPTION_ARG_NONE, &gold,
      "Score against the gold labels instead of the current ones", NULL },
    { "measure", 0, 0, G_OPTION_ARG_STRING, &measure_name,
      "metrics of several models: the one drawn (default: f1)", "f1|precision|recall" },
    { "dialogue", 0, 0, G_OPTION_ARG_STRING, &dialogue,
      "contributions, attention: SPLIT/NAME, a name in one split, or the id", "DIALOGUE" },
    { "map", 0, 0, G_OPTION_ARG_STRING, &map,
      "attention: the map (default: the first cross-attention map)", "NAME" },
    { "head", 0, 0, G_OPTION_ARG_INT, &head,
      "attention, graph: one head, from 0 (default: their mean)", "N" },
    { "utterance", 0, 0, G_OPTION_ARG_INT, &utterance,
      "graph: the selected node's utterance, numbered from 1 as drawn (default: 1)", "N" },
    { "modality", 0, 0, G_OPTION_ARG_STRING, &modality_name,
      "graph: the selected node's modality (default: T)", "T|A|V" },
    { "pair", 0, 0, G_OPTION_ARG_STRING, &pair_name,
      "graph: the pair graph whose edges are drawn (default: all holding the modality)",
      "TA|TV|AV|all" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layer_name,
      "graph: the graph attention layer, from 0, or their mean (default: the last)", "L|all" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &window_name,
      "graph: utterances shown each side of the selected one (default: as far as the "
      "model's edges reach)", "W|all" },
    { "edges", 0, 0, G_OPTION_ARG_STRING, &edges_name,
      "graph: the strongest K edges into the node drawn (default: 12)", "K|all" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "The figure's size in points", "WxH" },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &dpi, "PNG resolution (default 300)", "N" },
    { "screen", 0, 0, G_OPTION_ARG_NONE, &screen, "The studio's style instead of print", NULL },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark,
      "graph: the studio's dark style (light text on a dark background)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print what was written as one JSON object",
      NULL },
    { NULL },
  };
  if (!stva_cli_parse (&argc, &argv, &status, "KIND OUT", figure_usage, entries, NULL))
    return status;
  if (argc != 3)
    return argc > 3 ? stva_cli_usage (figure_usage, "too many arguments ('%s')", argv[3])
                    : stva_cli_usage (figure_usage, "figure needs a KIND and an output file");
  Figure f = { .kind = argv[1] };
  const char *out = argv[2];
  static const struct
  {
    const char    *name;
    StvaFigureKind kind;
  } kinds[] = {
    { "confusion", STVA_FIGURE_KIND_SCORES },
    { "metrics", STVA_FIGURE_KIND_BARS },
    { "training", STVA_FIGURE_KIND_CURVES },
    { "contributions", STVA_FIGURE_KIND_CONTRIBUTIONS },
    { "attention", STVA_FIGURE_KIND_ATTENTION },
    { "graph", STVA_FIGURE_KIND_GRAPH },
  };
  StvaFigureRequest request;
  int found = -1;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (f.kind, kinds[i].name) == 0)
      found = (int) i;
  if (found < 0)
    return stva_cli_usage (figure_usage, "unknown figure '%s'", f.kind);
  stva_figure_request_init (&request, kinds[found].kind);
  gboolean per_split = request.kind != STVA_FIGURE_KIND_CONTRIBUTIONS
                       && request.kind != STVA_FIGURE_KIND_ATTENTION
                       && request.kind != STVA_FIGURE_KIND_GRAPH;   /* (of no dialogue) */
  gboolean graph = request.kind == STVA_FIGURE_KIND_GRAPH;
  if (!graph && (pair_name || layer_name || modality_name || window_name || edges_name
                 || utterance != 1 || dark))
    return stva_cli_usage (figure_usage, "--utterance, --modality, --pair, --layer, --window, "
                           "--edges and --dark are the graph figure's");
  /* the graph's selection (pairs asked for marked by a placeholder until the data comes) */
  static const float asked = 0.0f;
  f.draw_graph = (StvaDrawGraph) { .utterance = utterance - 1, .modality = STVA_MOD_T,
                                   .window = INT_MAX, .top_k = STVA_DRAW_GRAPH_TOP_K };
  if (graph)
    {
      if (utterance < 1)
        return stva_cli_usage (figure_usage, "--utterance takes an utterance number from 1");
      if (modality_name != NULL)
        {
          const char *letters = "TAV";
          const char *at = strlen (modality_name) == 1
                             ? strchr (letters, g_ascii_toupper (modality_name[0])) : NULL;
          if (at == NULL || *at == '\0')
            return stva_cli_usage (figure_usage, "--modality takes T, A or V");
          f.draw_graph.modality = (int) (at - letters);
        }
      int m = f.draw_graph.modality, found_pair = -1;
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if (pair_name != NULL && g_ascii_strcasecmp (pair_name, stva_pair_name (p)) == 0)
          found_pair = p;
      if (pair_name != NULL && found_pair < 0 && strcmp (pair_name, "all") != 0)
        return stva_cli_usage (figure_usage, "--pair takes TA, TV, AV or all");
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if ((found_pair < 0 || found_pair == p)
            && (stva_pair_mod[p][0] == m || stva_pair_mod[p][1] == m))
          f.draw_graph.weights[p] = &asked;
      if (found_pair >= 0 && f.draw_graph.weights[found_pair] == NULL)
        return stva_cli_usage (figure_usage, "pair graph %s has no %c nodes: take one of "
                               "the two that hold them, or all", pair_name,
                               stva_modality_letter (m));
      long long v;
      if (layer_name != NULL && strcmp (layer_name, "all") == 0)
        request.layer = STVA_FIGURE_GRAPH_ALL_LAYERS;
      else if (layer_name != NULL)
        {
          if (!stva_cli_parse_int (layer_name, 0, STVA_MODEL_MAX_LAYERS - 1, &v))
            return stva_cli_usage (figure_usage, "--layer takes a layer number from 0, or all");
          request.layer = (int) v;
        }
      if (window_name != NULL && strcmp (window_name, "all") == 0)
        f.draw_graph.window = -1;
      else if (window_name != NULL)
        {
          if (!stva_cli_parse_int (window_name, 0, STVA_MODEL_MAX_T, &v))
            return stva_cli_usage (figure_usage, "--window takes a number of utterances, or all");
          f.draw_graph.window = (int) v;
        }
      if (edges_name != NULL && strcmp (edges_name, "all") == 0)
        f.draw_graph.top_k = -1;
      else if (edges_name != NULL)
        {
          if (!stva_cli_parse_int (edges_name, 1, 100000, &v))
            return stva_cli_usage (figure_usage, "--edges takes a number of edges, or all");
          f.draw_graph.top_k = (int) v;
        }
    }

  gint64 models[STVA_FIGURE_MAX_MODELS] = { 0 };
  int n_models = model_args != NULL ? (int) g_strv_length (model_args) : 0;
  for (int i = 0; i < n_models; i++)
    {
      long long v;
      if (i == STVA_FIGURE_MAX_MODELS || !stva_cli_parse_int (model_args[i], 1, INT64_MAX, &v))
        return stva_cli_usage (figure_usage, "--model takes a model id, up to %d times",
                               STVA_FIGURE_MAX_MODELS);
      models[i] = v;
    }
  if (n_models > 1 && strcmp (f.kind, "metrics") != 0)
    return stva_cli_usage (figure_usage, "figure %s takes one --model", f.kind);
  StvaFigureMeasure measure = STVA_FIGURE_F1;
  if (measure_name != NULL && strcmp (measure_name, "f1") != 0)
    {
      if (strcmp (measure_name, "precision") == 0)
        measure = STVA_FIGURE_PRECISION;
      else if (strcmp (measure_name, "recall") == 0)
        measure = STVA_FIGURE_RECALL;
      else
        return stva_cli_usage (figure_usage, "--measure takes f1, precision or recall");
    }
  if (!per_split && (dialogue == NULL || dialogue[0] == '\0'))
    return stva_cli_usage (figure_usage, "figure %s needs --dialogue DIALOGUE", f.kind);
  StvaFigureOptions *options = &request.options;
  g_autoptr (GError) error = NULL;
  if (split_name != NULL && !stva_cli_split_option (split_name, &options->split, &error))
    return stva_cli_usage (figure_usage, "%s", error->message);
  if (head < -1 || head > 1024)
    return stva_cli_usage (figure_usage, "--head takes a head number from 0");
  StvaAttnKey key;
  if (map != NULL && !stva_attn_key_parse (map, &key, &error))
    return stva_cli_usage (figure_usage, "--map: %s", error->message);
  if (dpi < 36 || dpi > 1200)
    return stva_cli_usage (figure_usage, "--dpi takes 36 to 1200");
  long long sw = 0, sh = 0;
  if (size != NULL)
    {
      g_auto (GStrv) wh = g_strsplit (size, "x", 2);
      if (g_strv_length (wh) != 2 || !stva_cli_parse_int (wh[0], 16, 20000, &sw)
          || !stva_cli_parse_int (wh[1], 16, 20000, &sh))
        return stva_cli_usage (figure_usage, "--size takes WxH in points, 16 to 20000 each");
    }
  if (!stva_draw_file_kind_ok (out))
    return stva_cli_usage (figure_usage, "%s: a figure is written as .png, .svg or .pdf", out);
  if (!stva_cli_output_ok (out))
    return STVA_EXIT_ERROR;
  g_autofree char *project_path = stva_cli_find_project (project, &error);
  if (project_path == NULL)
    return stva_cli_fail ("%s", error->message);

  options->project = project_path;
  options->label_set = label_set;
  options->model_id = models[0];
  options->gold = gold;
  options->dialogue = dialogue;
  request.n_models = n_models > 0 ? n_models : 1;
  memcpy (request.models, models, sizeof models);
  request.measure = measure;
  request.has_key = map != NULL;
  if (map != NULL)
    request.key = key;
  request.head = head;
  if (screen)
    stva_draw_style_init_screen (&f.style);
  else
    stva_draw_style_init_paper (&f.style);
  if (dark)   /* Adwaita's dark view colours, the grid between them as the studio's views */
    {
      static const double bg[3] = { 0.118, 0.118, 0.118 }, fg[3] = { 1.0, 1.0, 1.0 };
      for (int i = 0; i < 3; i++)
        {
          f.style.background[i] = bg[i];
          f.style.foreground[i] = fg[i];
          f.style.grid[i] = bg[i] + (fg[i] - bg[i]) * 0.22;
        }
    }
  double w = 0, h = 0;
  f.data = stva_engine_figure (NULL, &request, &error);
  if (f.data == NULL)
    return stva_cli_engine_fail ("figure", error);
  if (graph)
    {
      const StvaFigureGraph *g = &f.data->graph;
      int p_missing = -1, n_shown = 0;
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if (f.draw_graph.weights[p] != NULL)
          {
            if (g->weights[p] == NULL)
              p_missing = p;
            else
              n_shown++;
          }
      if (utterance > g->T || n_shown == 0)
        {
          if (utterance > g->T)
            stva_cli_fail ("dialogue %s has %d utterances: --utterance takes 1 to %d", dialogue,
                           g->T, g->T);
          else
            stva_cli_fail ("%s: model %" G_GINT64_FORMAT " stored no pair graph %s for "
                           "dialogue %s", project_path, g->head.model_id,
                           stva_pair_name (p_missing), dialogue);
          figure_clear (&f);
          return STVA_EXIT_ERROR;
        }
      if (p_missing >= 0 && pair_name != NULL && strcmp (pair_name, "all") != 0)
        {
          stva_cli_fail ("%s: model %" G_GINT64_FORMAT " stored no pair graph %s",
                         project_path, g->head.model_id, stva_pair_name (p_missing));
          figure_clear (&f);
          return STVA_EXIT_ERROR;
        }
    }
  view (&f, &w, &h);
  if (size != NULL)
    w = (double) sw, h = (double) sh;
  char *message = NULL;
  if (!stva_draw_to_file (out, w, h, dpi, draw_figure, &f, &message))
    {
      stva_cli_fail ("%s", message);
      g_free (message);
      figure_clear (&f);
      return STVA_EXIT_ERROR;
    }

  const StvaFigureData *d = f.data;
  gint64 n_counted = d->scores.metrics.n > 0 ? d->scores.metrics.n : d->bars.n_scored;
  const StvaAttnMap *attn = d->attention.map;
  StvaAttnKey used = attn != NULL ? attn->key : (StvaAttnKey) { 0 };
  used.head = -1;
  g_autofree char *map_used = attn != NULL ? stva_attn_key_to_string (&used) : NULL;
  const char *split = stva_data_split_name (options->split);
  /* the graph's edges as drawn (which ones depends on the weights and window, not the size) */
  StvaDrawGraphEdge *edges = NULL;
  int n_edges = 0;
  g_autofree char *pairs_used = NULL;
  if (graph)
    {
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 4, 4);
      cairo_t *cr = cairo_create (s);
      n_edges = stva_draw_graph_edges (cr, &f.draw_graph, &f.style, w, h, NULL, 0);
      edges = g_new0 (StvaDrawGraphEdge, MAX (n_edges, 1));
      stva_draw_graph_edges (cr, &f.draw_graph, &f.style, w, h, edges, n_edges);
      cairo_destroy (cr);
      cairo_surface_destroy (s);
      GString *pairs = g_string_new (NULL);
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if (f.draw_graph.weights[p] != NULL)
          g_string_append_printf (pairs, "%s%s", pairs->len ? ", " : "", stva_pair_name (p));
      pairs_used = g_string_free (pairs, FALSE);
    }
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "figure");
      json_builder_add_string_value (b, f.kind);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out);
      json_builder_set_member_name (b, "model_id");
      json_builder_add_int_value (b, f.head->model_id);
      json_builder_set_member_name (b, "width_pt");
      json_builder_add_double_value (b, w);
      json_builder_set_member_name (b, "height_pt");
      json_builder_add_double_value (b, h);
      json_builder_set_member_name (b, "dialogue_id");
      json_builder_add_int_value (b, f.head->dialogue_id);
      if (map_used != NULL)
        {
          json_builder_set_member_name (b, "map");
          json_builder_add_string_value (b, map_used);
        }
      if (graph)
        {
          const StvaFigureGraph *g = &d->graph;
          json_builder_set_member_name (b, "utterance");
          json_builder_add_int_value (b, f.draw_graph.utterance + 1);
          json_builder_set_member_name (b, "modality");
          char letter[2] = { stva_modality_letter (f.draw_graph.modality), '\0' };
          json_builder_add_string_value (b, letter);
          json_builder_set_member_name (b, "pairs");
          json_builder_begin_array (b);
          for (int p = 0; p < STVA_N_PAIRS; p++)
            if (f.draw_graph.weights[p] != NULL)
              json_builder_add_string_value (b, stva_pair_name (p));
          json_builder_end_array (b);
          json_builder_set_member_name (b, "layer");
          if (g->layer == STVA_FIGURE_GRAPH_ALL_LAYERS)
            json_builder_add_string_value (b, "all");
          else
            json_builder_add_int_value (b, g->layer);
          json_builder_set_member_name (b, "head");
          json_builder_add_int_value (b, g->head_index);
          json_builder_set_member_name (b, "edges");   /* strongest first */
          json_builder_begin_array (b);
          for (int k = n_edges - 1; k >= 0; k--)
            {
              char from[2] = { stva_modality_letter (edges[k].modality), '\0' };
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "utterance");
              json_builder_add_int_value (b, edges[k].utterance + 1);
              json_builder_set_member_name (b, "modality");
              json_builder_add_string_value (b, from);
              json_builder_set_member_name (b, "relation");
              json_builder_add_string_value (b, stva_draw_relation_name (edges[k].relation));
              json_builder_set_member_name (b, "weight");
              json_builder_add_double_value (b, edges[k].weight);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      if (d->bars.values != NULL)   /* the numbers drawn: each model's weighted F1 */
        {
          json_builder_set_member_name (b, "weighted_f1");
          json_builder_begin_array (b);
          for (int i = 0; i < d->bars.n_models; i++)
            json_builder_add_double_value (b, d->bars.weighted_f1[i]);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      stva_cli_print_json (root);
    }
  else
    {
      printf ("Wrote %s (%s of model%s %" G_GINT64_FORMAT, out, f.kind, n_models > 1 ? "s" : "",
              f.head->model_id);
      for (int i = 1; i < n_models; i++)
        printf (", %" G_GINT64_FORMAT, models[i]);
      if (n_counted > 0)
        printf (", %" G_GINT64_FORMAT " utterances of split %s against %s labels", n_counted,
                split, gold ? "gold" : "current");
      if (f.head->dialogue_id != 0)
        printf (", dialogue %" G_GINT64_FORMAT, f.head->dialogue_id);
      if (map_used != NULL)
        printf (", map %s, %s", map_used, attn->key.head < 0 ? "heads averaged"
                                                                       : "one head");
      if (graph)
        printf (", node %c%d, %s %s, %s, %s, %d edges drawn",
                stva_modality_letter (f.draw_graph.modality), f.draw_graph.utterance + 1,
                strchr (pairs_used, ',') ? "pair graphs" : "pair graph", pairs_used,
                d->graph.layer == STVA_FIGURE_GRAPH_ALL_LAYERS ? "layers averaged" : "one layer",
                d->graph.head_index < 0 ? "heads averaged" : "one head", n_edges);
      printf (")\n");
    }
  g_free (edges);
  figure_clear (&f);
  return STVA_EXIT_OK;
}
