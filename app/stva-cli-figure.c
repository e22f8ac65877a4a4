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
 * Reads only: the project is opened and nothing in it is written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"
#include "stva-db.h"
#include "stva-draw.h"
#include "stva-metrics.h"

static const char figure_usage[] =
  "synctva figure confusion OUT [--split test|dev|train|all] [--gold]\n"
  "       synctva figure metrics OUT [--model ID]... [--measure f1|precision|recall]\n"
  "                      [--split test|dev|train|all] [--gold]\n"
  "       synctva figure training OUT [--model ID]\n"
  "       synctva figure contributions OUT --dialogue DIALOGUE\n"
  "       synctva figure attention OUT --dialogue DIALOGUE [--map NAME] [--head N]\n"
  "  common: [--model ID] [--label-set NAME] [--size WxH] [--dpi N] [--screen] [--json]\n"
  "          [--project FILE]; OUT ends in .png, .svg or .pdf; DIALOGUE is SPLIT/NAME\n"
  "          (test/dia2: the split and dialogue columns of export csv), a name found in one\n"
  "          split only, or the project's dialogue id";

#define MAX_MODELS 8

typedef struct
{
  const char *kind, *out, *project, *label_set, *split, *map, *dialogue, *measure;
  long long   model_ids[MAX_MODELS];         /* --model, in order; metrics takes several */
  int         n_models;
  long long   dialogue_id, head;             /* head -1: the mean of the heads */
  bool        gold, screen, json;
  double      width, height, dpi;            /* width 0: the kind's default */
} Args;

static bool
parse (int    argc,
       char **argv,
       Args  *a,
       int   *status)
{
  memset (a, 0, sizeof *a);
  a->split = "test";
  a->label_set = STVA_DB_MELD_SET;
  a->head = -1;
  a->dpi = 300;
  a->measure = "f1";
  const char *pos[2] = { NULL, NULL };
  int n_pos = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *s = argv[i];
      bool value = i + 1 < argc;
      long long v;
      if (strcmp (s, "--help") == 0 || strcmp (s, "-h") == 0)
        {
          printf ("usage: %s\n", figure_usage);
          *status = STVA_EXIT_OK;
          return false;
        }
      else if (strcmp (s, "--project") == 0 && value)
        a->project = argv[++i];
      else if (strcmp (s, "--label-set") == 0 && value)
        a->label_set = argv[++i];
      else if (strcmp (s, "--split") == 0 && value)
        a->split = argv[++i];
      else if (strcmp (s, "--map") == 0 && value)
        a->map = argv[++i];
      else if (strcmp (s, "--gold") == 0)
        a->gold = true;
      else if (strcmp (s, "--screen") == 0)
        a->screen = true;
      else if (strcmp (s, "--json") == 0)
        a->json = true;
      else if (strcmp (s, "--model") == 0 && value)
        {
          if (a->n_models == MAX_MODELS
              || !stva_cli_parse_int (argv[++i], 1, INT64_MAX, &a->model_ids[a->n_models++]))
            {
              *status = stva_cli_usage (figure_usage, "--model takes a model id, up to %d times",
                                        MAX_MODELS);
              return false;
            }
        }
      else if (strcmp (s, "--measure") == 0 && value)
        a->measure = argv[++i];
      else if (strcmp (s, "--dialogue") == 0 && value)
        a->dialogue = argv[++i];
      else if (strcmp (s, "--head") == 0 && value)
        {
          if (!stva_cli_parse_int (argv[++i], 0, 1024, &a->head))
            {
              *status = stva_cli_usage (figure_usage, "--head takes a head number from 0");
              return false;
            }
        }
      else if (strcmp (s, "--dpi") == 0 && value)
        {
          if (!stva_cli_parse_int (argv[++i], 36, 1200, &v))
            {
              *status = stva_cli_usage (figure_usage, "--dpi takes 36 to 1200");
              return false;
            }
          a->dpi = (double) v;
        }
      else if (strcmp (s, "--size") == 0 && value)
        {
          g_auto (GStrv) wh = g_strsplit (argv[++i], "x", 2);
          long long w, h;
          if (g_strv_length (wh) != 2 || !stva_cli_parse_int (wh[0], 16, 20000, &w)
              || !stva_cli_parse_int (wh[1], 16, 20000, &h))
            {
              *status = stva_cli_usage (figure_usage,
                                        "--size takes WxH in points, 16 to 20000 each");
              return false;
            }
          a->width = (double) w;
          a->height = (double) h;
        }
      else if (s[0] == '-' && s[1] != '\0')
        {
          *status = stva_cli_usage (figure_usage, "unknown or incomplete option '%s'", s);
          return false;
        }
      else if (n_pos < 2)
        pos[n_pos++] = s;
      else
        {
          *status = stva_cli_usage (figure_usage, "too many arguments ('%s')", s);
          return false;
        }
    }
  if (n_pos != 2)
    {
      *status = stva_cli_usage (figure_usage, "figure needs a KIND and an output file");
      return false;
    }
  a->kind = pos[0];
  a->out = pos[1];
  bool per_split = strcmp (a->kind, "confusion") == 0 || strcmp (a->kind, "metrics") == 0
                   || strcmp (a->kind, "training") == 0;   /* (of no dialogue) */
  if (!per_split && strcmp (a->kind, "contributions") != 0 && strcmp (a->kind, "attention") != 0)
    {
      *status = stva_cli_usage (figure_usage, "unknown figure '%s'", a->kind);
      return false;
    }
  if (a->n_models > 1 && strcmp (a->kind, "metrics") != 0)
    {
      *status = stva_cli_usage (figure_usage, "figure %s takes one --model", a->kind);
      return false;
    }
  if (strcmp (a->measure, "f1") != 0 && strcmp (a->measure, "precision") != 0
      && strcmp (a->measure, "recall") != 0)
    {
      *status = stva_cli_usage (figure_usage, "--measure takes f1, precision or recall");
      return false;
    }
  if (!per_split && (a->dialogue == NULL || a->dialogue[0] == '\0'))
    {
      *status = stva_cli_usage (figure_usage, "figure %s needs --dialogue DIALOGUE", a->kind);
      return false;
    }
  if (strcmp (a->split, "all") != 0 && stva_cli_split_from_name (a->split) < 0)
    {
      *status = stva_cli_usage (figure_usage, "--split takes train, dev, test or all, not '%s'",
                                a->split);
      return false;
    }
  if (!stva_draw_file_kind_ok (a->out))
    {
      *status = stva_cli_usage (figure_usage, "%s: a figure is written as .png, .svg or .pdf",
                                a->out);
      return false;
    }
  return true;
}

/* ---- what each figure needs from the project ------------------------------------------- */

typedef struct
{
  const char        *kind;          /* as on the command line */
  StvaDrawStyle      style;
  const char *const *labels;
  int                K;
  int               *counts;        /* confusion (K, K) */
  StvaDrawUtterance *utterances;    /* contributions */
  int                n;
  float             *values;        /* attention (rows, cols) */
  StvaDrawBars       bars;          /* metrics; its values and names owned below */
  double            *bar_values;
  char             **series_names;
  const char       **group_names;   /* owned array of borrowed names */
  double             weighted_f1[MAX_MODELS];
  StvaDrawCurves     curves;        /* training; its arrays owned below */
  double            *epochs, *loss, *dev_f1;
  char              *marker_name;
  int                rows, cols;
  char             **row_names, **col_names;
  const char        *row_title, *col_title;
} Figure;

/* the figure f->kind names, from what the fill_* functions put in f */
static void
draw_figure (cairo_t *cr,
             void    *data,
             double   width,
             double   height)
{
  Figure *f = data;
  if (strcmp (f->kind, "confusion") == 0)
    stva_draw_confusion (cr, f->counts, f->K, f->labels, &f->style, width, height);
  else if (strcmp (f->kind, "metrics") == 0)
    stva_draw_bars (cr, &f->bars, &f->style, width, height);
  else if (strcmp (f->kind, "training") == 0)
    stva_draw_curves (cr, &f->curves, &f->style, width, height);
  else if (strcmp (f->kind, "contributions") == 0)
    stva_draw_contributions (cr, f->utterances, f->n, f->labels, f->K, &f->style, width, height);
  else
    {
      StvaDrawHeatmap map = { f->values, f->rows, f->cols, (const char *const *) f->row_names,
                              (const char *const *) f->col_names, f->row_title, f->col_title };
      stva_draw_heatmap (cr, &map, &f->style, width, height);
    }
}

/* class index of a label id of set, -1 when 0 or not in the set */
static int
label_index (const StvaDbLabelSet *set,
             gint64                label_id)
{
  const StvaDbLabel *l = label_id != 0 ? stva_db_label_set_by_label (set, label_id) : NULL;
  return l != NULL ? l->idx : -1;
}

/* The id of the dialogue a->dialogue names (SPLIT/NAME, a name in one split, or an id), 0
 * after printing why none or several. */
static gint64
find_dialogue (StvaDb     *db,
               const Args *a,
               gint64      set_id)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set_id, &error);
  if (dialogues == NULL)
    {
      stva_cli_fail ("%s", error->message);
      g_error_free (error);
      return 0;
    }
  long long id = 0;
  bool numeric = stva_cli_parse_int (a->dialogue, 1, INT64_MAX, &id);
  gint64 found = 0;
  g_autoptr (GString) names = g_string_new (NULL);
  int n = 0;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      g_autofree char *full = g_strdup_printf ("%s/%s", d->split, d->name);
      if (strcmp (full, a->dialogue) == 0 || (numeric && d->id == id))
        return d->id;
      if (strcmp (d->name, a->dialogue) == 0)
        {
          found = d->id;
          g_string_append_printf (names, "%s%s", n++ ? ", " : "", full);
        }
    }
  if (n == 1)
    return found;
  if (n > 1)
    stva_cli_fail ("%s: dialogue '%s' is in several splits: say which (%s)", stva_db_path (db),
                   a->dialogue, names->str);
  else
    stva_cli_fail ("%s: no dialogue '%s' (name one as SPLIT/NAME, the split and dialogue "
                   "columns of synctva export csv)", stva_db_path (db), a->dialogue);
  return 0;
}

/* The utterances of the dialogue a->dialogue names (NULL after printing why); sets
 * a->dialogue_id. */
static GPtrArray *
dialogue_utterances (StvaDb *db,
                     Args   *a,
                     gint64  set_id,
                     gint64  model_id)
{
  a->dialogue_id = find_dialogue (db, a, set_id);
  if (a->dialogue_id == 0)
    return NULL;
  GError *error = NULL;
  GPtrArray *utts = stva_db_utterances (db, a->dialogue_id, set_id, model_id, &error);
  if (utts == NULL)
    {
      stva_cli_fail ("%s", error->message);
      g_error_free (error);
    }
  return utts;
}

/* core's metrics of model_id's predictions on the split against the reference labels; false
 * after printing why when there is nothing to score */
static bool
score (StvaDb               *db,
       const Args           *a,
       const StvaDbLabelSet *set,
       gint64                model_id,
       StvaMetrics          *m)
{
  GError *error = NULL;
  bool all = strcmp (a->split, "all") == 0;
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  if (dialogues == NULL)
    {
      stva_cli_fail ("%s", error->message);
      g_error_free (error);
      return false;
    }
  g_autoptr (GArray) gold = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) pred = g_array_new (FALSE, FALSE, sizeof (int));
  int no_label = 0;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      if (!all && strcmp (d->split, a->split) != 0)
        continue;
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, d->id, set->id, model_id, &error);
      if (utts == NULL)
        {
          stva_cli_fail ("%s", error->message);
          g_error_free (error);
          return false;
        }
      for (guint j = 0; j < utts->len; j++)
        {
          StvaDbUtterance *u = g_ptr_array_index (utts, j);
          int ref = label_index (set, a->gold ? u->gold_label_id : u->current_label_id);
          int p = label_index (set, u->predicted_label_id);
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
  if (gold->len == 0)
    {
      stva_cli_fail ("%s: model %lld has no predictions of labelled utterances on split %s "
                     "(synctva predict stores them)%s", stva_db_path (db), (long long) model_id,
                     a->split, no_label > 0 ? "; the predicted ones have no label" : "");
      return false;
    }
  StvaError err;
  if (stva_metrics_compute (m, (const int *) gold->data, (const int *) pred->data, gold->len,
                            (int) set->labels->len, &err) != STVA_OK)
    {
      stva_cli_fail ("%s: %s", stva_db_path (db), err.message);
      return false;
    }
  return true;
}

static bool
fill_confusion (StvaDb               *db,
                const Args           *a,
                const StvaDbLabelSet *set,
                gint64                model_id,
                Figure               *f,
                int                  *n_counted)
{
  StvaMetrics m = { 0 };
  if (!score (db, a, set, model_id, &m))
    return false;
  f->counts = g_new0 (int, (gsize) f->K * (gsize) f->K);
  for (int i = 0; i < f->K * f->K; i++)
    f->counts[i] = (int) m.confusion[i];
  *n_counted = (int) m.n;
  stva_metrics_clear (&m);
  return true;
}

/* Groups: the classes, then "weighted" (support-weighted, as the papers' main number). Series:
 * precision, recall and F1 of one model, or --measure of each model. */
static bool
fill_metrics (StvaDb               *db,
              const Args           *a,
              const StvaDbLabelSet *set,
              const gint64         *models,
              int                   n_models,
              Figure               *f,
              int                  *n_counted)
{
  int G = f->K + 1, S = n_models > 1 ? n_models : 3;
  f->bar_values = g_new0 (double, (gsize) G * (gsize) S);
  f->series_names = g_new0 (char *, (gsize) S + 1);
  f->group_names = g_new0 (const char *, (gsize) G);
  for (int k = 0; k < f->K; k++)
    f->group_names[k] = f->labels[k];
  f->group_names[f->K] = "weighted";
  for (int i = 0; i < n_models; i++)
    {
      StvaMetrics m = { 0 };
      if (!score (db, a, set, models[i], &m))
        return false;
      *n_counted = (int) m.n;
      f->weighted_f1[i] = m.weighted_f1;
      /* weighted precision and recall as sklearn's average='weighted' */
      double wp = 0.0, wr = 0.0;
      for (int k = 0; k < f->K; k++)
        {
          wp += (double) m.support[k] * m.precision[k] / (double) m.n;
          wr += (double) m.support[k] * m.recall[k] / (double) m.n;
        }
      for (int g = 0; g < G; g++)
        {
          double p = g < f->K ? m.precision[g] : wp, r = g < f->K ? m.recall[g] : wr;
          double f1 = g < f->K ? m.f1[g] : m.weighted_f1;
          if (g < f->K && m.support[g] == 0)   /* a class absent from the reference: no bar */
            p = r = f1 = NAN;
          if (n_models == 1)
            {
              f->bar_values[g * S + 0] = p;
              f->bar_values[g * S + 1] = r;
              f->bar_values[g * S + 2] = f1;
            }
          else
            f->bar_values[g * S + i] = a->measure[0] == 'p' ? p : a->measure[0] == 'r' ? r : f1;
        }
      stva_metrics_clear (&m);
      if (n_models > 1)
        {
          GError *error = NULL;
          g_autofree char *name = stva_db_model_name (db, models[i], &error);
          if (name == NULL)
            {
              stva_cli_fail ("%s", error->message);
              g_error_free (error);
              return false;
            }
          f->series_names[i] = g_strdup_printf ("%s (%lld)", name, (long long) models[i]);
        }
    }
  if (n_models == 1)
    {
      f->series_names[0] = g_strdup ("precision");
      f->series_names[1] = g_strdup ("recall");
      f->series_names[2] = g_strdup ("F1");
    }
  f->bars = (StvaDrawBars) { .n_groups = G, .n_series = S, .values = f->bar_values,
                             .group_names = f->group_names,
                             .series_names = (const char *const *) f->series_names,
                             .y_title = n_models > 1 ? a->measure : NULL };
  return true;
}

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

static bool
fill_training (StvaDb *db,
               gint64  model_id,
               Figure *f)
{
  GError *error = NULL;
  g_autofree char *metrics = stva_db_model_metrics (db, model_id, &error);
  if (metrics == NULL)
    {
      stva_cli_fail ("%s", error->message);
      g_error_free (error);
      return false;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root = json_parser_load_from_data (parser, metrics, -1, NULL)
                     ? json_parser_get_root (parser) : NULL;
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                : NULL;
  JsonNode *h = o != NULL ? json_object_get_member (o, "history") : NULL;
  JsonArray *epochs = h != NULL && JSON_NODE_HOLDS_ARRAY (h) ? json_node_get_array (h) : NULL;
  guint n = epochs != NULL ? json_array_get_length (epochs) : 0;
  if (n == 0)
    {
      stva_cli_fail ("%s: model %lld has no training history (it was trained on a file, or "
                     "before train kept one: train it again on the project)", stva_db_path (db),
                     (long long) model_id);
      return false;
    }
  f->epochs = g_new (double, n);
  f->loss = g_new (double, n);
  f->dev_f1 = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (epochs, i);
      JsonObject *eo = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      f->epochs[i] = eo != NULL ? json_number (eo, "epoch") : NAN;
      f->loss[i] = eo != NULL ? json_number (eo, "loss") : NAN;
      f->dev_f1[i] = eo != NULL ? json_number (eo, "dev_weighted_f1") : NAN;
      if (!isfinite (f->epochs[i]) || (i > 0 && !(f->epochs[i] > f->epochs[i - 1])))
        {
          stva_cli_fail ("%s: model %lld: training history entry %u %s", stva_db_path (db),
                         (long long) model_id, i + 1,
                         !isfinite (f->epochs[i]) ? "has no epoch number"
                                                  : "does not come after the one before it");
          return false;
        }
    }
  double best = o != NULL ? json_number (o, "best_epoch") : NAN;
  f->marker_name = isfinite (best) ? g_strdup_printf ("kept: epoch %g", best) : NULL;
  f->curves = (StvaDrawCurves) { .n = (int) n, .x = f->epochs, .y = { f->loss, f->dev_f1 },
                                 .y_titles = { "training loss", "dev weighted F1" },
                                 .unit_range = { false, true }, .x_title = "epoch",
                                 .marker_x = best, .marker_name = f->marker_name };
  return true;
}

static bool
fill_contributions (StvaDb               *db,
                    Args                 *a,
                    const StvaDbLabelSet *set,
                    gint64                model_id,
                    Figure               *f)
{
  g_autoptr (GPtrArray) utts = dialogue_utterances (db, a, set->id, model_id);
  if (utts == NULL)
    return false;
  f->n = (int) utts->len;
  f->utterances = g_new0 (StvaDrawUtterance, utts->len > 0 ? utts->len : 1);
  int n_beta = 0;
  for (guint j = 0; j < utts->len; j++)
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, j);
      StvaDrawUtterance *d = &f->utterances[j];
      d->reference = label_index (set, a->gold ? u->gold_label_id : u->current_label_id);
      d->predicted = label_index (set, u->predicted_label_id);
      GError *error = NULL;
      StvaDbPrediction *p = stva_db_prediction (db, model_id, u->id, &error);
      if (p == NULL && error != NULL)
        {
          stva_cli_fail ("%s", error->message);
          g_error_free (error);
          return false;
        }
      if (p != NULL && p->has_beta)
        {
          d->has_beta = true;
          memcpy (d->beta, p->beta, sizeof d->beta);
          n_beta++;
        }
      stva_db_prediction_free (p);
    }
  if (n_beta == 0)
    {
      stva_cli_fail ("%s: dialogue %s has no modality strengths from model %lld (synctva "
                     "predict stores them)", stva_db_path (db), a->dialogue, (long long) model_id);
      return false;
    }
  return true;
}

/* The names of the maps in blob, comma-separated, for an error message. */
static char *
map_names (GPtrArray *maps)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < maps->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
                            ((StvaDbAttnMap *) g_ptr_array_index (maps, i))->name);
  return g_string_free (s, FALSE);
}

/* How map name lays an utterance's attention out (predict's attention blob in stva-db.h):
 * per utterance `per` query rows (1 msde, 1 caf, 2 graph: the utterance's two nodes), each
 * with `heads` rows of `cols` values, cols = key_mul × the dialogue's utterances. */
static bool
map_layout (const char *name,
            int        *per,
            int        *key_mul,
            char        mods[2])
{
  if (g_str_has_prefix (name, "msde.") && strlen (name) == 6)
    {
      *per = 1, *key_mul = 1, mods[0] = mods[1] = name[5];
      return true;
    }
  if (g_str_has_prefix (name, "caf.") && strlen (name) == 8 && strncmp (name + 5, "<-", 2) == 0)
    {
      *per = 1, *key_mul = 1, mods[0] = name[4], mods[1] = name[7];
      return true;
    }
  if (g_str_has_prefix (name, "graph.") && strlen (name) >= 9 && name[8] == '.')
    {
      *per = 2, *key_mul = 2, mods[0] = name[6], mods[1] = name[7];
      return true;
    }
  return false;
}

static bool
fill_attention (StvaDb               *db,
                Args                 *a,
                const StvaDbLabelSet *set,
                gint64                model_id,
                Figure               *f,
                char                **map_used)
{
  g_autoptr (GPtrArray) utts = dialogue_utterances (db, a, set->id, model_id);
  if (utts == NULL)
    return false;
  int T = (int) utts->len, per = 0, key_mul = 0, heads = 0;
  char mods[2] = { 0, 0 };
  const char *path = stva_db_path (db);
  if (T == 0)
    {
      stva_cli_fail ("%s: dialogue %s has no utterances", path, a->dialogue);
      return false;
    }
  for (int t = 0; t < T; t++)
    {
      StvaDbUtterance *u = g_ptr_array_index (utts, t);
      GError *error = NULL;
      StvaDbPrediction *p = stva_db_prediction (db, model_id, u->id, &error);
      if (p == NULL || p->attention == NULL)
        {
          if (error != NULL)
            stva_cli_fail ("%s", error->message);
          else
            stva_cli_fail ("%s: utterance %lld of dialogue %s has no attention from model "
                           "%lld (synctva predict stores it)", path, (long long) u->id,
                           a->dialogue, (long long) model_id);
          g_clear_error (&error);
          stva_db_prediction_free (p);
          return false;
        }
      gsize n_bytes;
      const guint8 *blob = g_bytes_get_data (p->attention, &n_bytes);
      g_autoptr (GPtrArray) maps = stva_db_attention_unpack (blob, n_bytes, &error);
      stva_db_prediction_free (p);
      if (maps == NULL)
        {
          stva_cli_fail ("%s: utterance %lld: %s", path, (long long) u->id, error->message);
          g_error_free (error);
          return false;
        }
      const char *want = a->map;
      if (want == NULL && t == 0)   /* the first cross-attention map, else the first map */
        {
          for (guint i = 0; i < maps->len && want == NULL; i++)
            if (g_str_has_prefix (((StvaDbAttnMap *) g_ptr_array_index (maps, i))->name, "caf."))
              want = ((StvaDbAttnMap *) g_ptr_array_index (maps, i))->name;
          if (want == NULL && maps->len > 0)
            want = ((StvaDbAttnMap *) g_ptr_array_index (maps, 0))->name;
        }
      else if (want == NULL)
        want = *map_used;
      const StvaDbAttnMap *map = NULL;
      for (guint i = 0; i < maps->len && map == NULL; i++)
        if (strcmp (((StvaDbAttnMap *) g_ptr_array_index (maps, i))->name, want ? want : "") == 0)
          map = g_ptr_array_index (maps, i);
      if (map == NULL)
        {
          g_autofree char *names = map_names (maps);
          stva_cli_fail ("%s: dialogue %s has no attention map '%s' from model %lld; it has: %s",
                         path, a->dialogue, want ? want : "", (long long) model_id, names);
          return false;
        }
      if (t == 0)
        {
          *map_used = g_strdup (map->name);
          if (!map_layout (map->name, &per, &key_mul, mods))
            {
              stva_cli_fail ("%s: attention map '%s' is of no kind this build draws", path,
                             map->name);
              return false;
            }
          heads = (int) map->rows / per;
          f->rows = per * T;
          f->cols = key_mul * T;
          f->values = g_new0 (float, (gsize) f->rows * (gsize) f->cols);
          if (a->head >= heads)
            {
              stva_cli_fail ("%s: map '%s' has %d heads (0 to %d); --head %lld", path, map->name,
                             heads, heads - 1, a->head);
              return false;
            }
        }
      if (heads <= 0 || map->rows != (guint32) (per * heads) || map->cols != (guint32) f->cols)
        {
          stva_cli_fail ("%s: utterance %lld: attention map '%s' is %u x %u, not %d x %d as the "
                         "dialogue's %d utterances make it", path, (long long) u->id, map->name,
                         map->rows, map->cols, per * (heads > 0 ? heads : 1), f->cols, T);
          return false;
        }
      for (int side = 0; side < per; side++)
        {
          float *row = f->values + (size_t) (side * T + t) * (size_t) f->cols;
          for (int h = 0; h < heads; h++)
            if (a->head < 0 || a->head == h)
              for (int c = 0; c < f->cols; c++)
                row[c] += map->data[(size_t) (side * heads + h) * map->cols + (size_t) c]
                          / (float) (a->head < 0 ? heads : 1);
        }
    }
  /* a weight of exactly 0 is a key the query may not attend to (no edge of the pair graph,
   * outside the window, a missing modality): left blank rather than drawn as a small weight */
  for (size_t i = 0; i < (size_t) f->rows * (size_t) f->cols; i++)
    if (f->values[i] == 0.0f)
      f->values[i] = NAN;
  f->row_names = g_new0 (char *, (gsize) f->rows + 1);
  f->col_names = g_new0 (char *, (gsize) f->cols + 1);
  for (int i = 0; i < f->rows; i++)   /* u1, u2, ... or, in a pair graph, T1.. A1.. */
    f->row_names[i] = per == 1 && mods[0] == mods[1]
                        ? g_strdup_printf ("%d", i + 1)
                        : g_strdup_printf ("%c%d", mods[i / T], i % T + 1);
  for (int i = 0; i < f->cols; i++)
    f->col_names[i] = key_mul == 1 ? g_strdup_printf (mods[0] == mods[1] ? "%d" : "%c%d",
                                                      mods[0] == mods[1] ? i + 1 : mods[1],
                                                      i + 1)
                                   : g_strdup_printf ("%c%d", mods[i / T], i % T + 1);
  f->row_title = "query (utterance, modality)";
  f->col_title = "key";
  if (per == 1 && mods[0] == mods[1])
    f->row_title = "utterance", f->col_title = "context utterance";
  return true;
}

int
stva_cli_figure (int    argc,
                 char **argv)
{
  Args a;
  int status;
  if (!parse (argc, argv, &a, &status))
    return status;
  if (!stva_cli_output_ok (a.out))
    return STVA_EXIT_ERROR;
  GError *error = NULL;
  g_autoptr (StvaDb) db = stva_cli_open_project (a.project, &error);
  g_autoptr (StvaDbLabelSet) set = db != NULL ? stva_db_label_set (db, a.label_set, &error) : NULL;
  gint64 model_id = set == NULL ? 0 : a.n_models > 0 ? a.model_ids[0]
                                                      : stva_db_latest_model (db, set->id, &error);
  if (set == NULL || error != NULL)
    {
      status = stva_cli_fail ("%s", error->message);
      g_error_free (error);
      return status;
    }
  if (model_id == 0)
    return stva_cli_fail ("%s: no model of label set %s yet (synctva train, then synctva "
                          "predict)", stva_db_path (db), set->name);

  Figure f = { .kind = a.kind };
  if (a.screen)
    stva_draw_style_init_screen (&f.style);
  else
    stva_draw_style_init_paper (&f.style);
  f.K = (int) set->labels->len;
  const char **labels = g_new0 (const char *, set->labels->len + 1);
  for (guint i = 0; i < set->labels->len; i++)
    labels[i] = ((StvaDbLabel *) g_ptr_array_index (set->labels, i))->name;
  f.labels = labels;

  bool ok;
  int n_counted = 0;
  g_autofree char *map_used = NULL;
  double w, h;
  if (strcmp (a.kind, "training") == 0)
    {
      ok = fill_training (db, model_id, &f);
      w = 360, h = 260;
    }
  else if (strcmp (a.kind, "metrics") == 0)
    {
      gint64 models[MAX_MODELS] = { model_id };
      for (int i = 1; i < a.n_models; i++)
        models[i] = a.model_ids[i];
      ok = fill_metrics (db, &a, set, models, a.n_models > 0 ? a.n_models : 1, &f, &n_counted);
      w = fmax (360, 60 + (f.K + 1) * (16.0 + 16.0 * f.bars.n_series)), h = 240;
    }
  else if (strcmp (a.kind, "confusion") == 0)
    {
      ok = fill_confusion (db, &a, set, model_id, &f, &n_counted);
      w = 110 + 46.0 * f.K, h = w - 20;
    }
  else if (strcmp (a.kind, "contributions") == 0)
    {
      ok = fill_contributions (db, &a, set, model_id, &f);
      w = fmax (360, 90 + 18.0 * f.n), h = 220;
    }
  else
    {
      ok = fill_attention (db, &a, set, model_id, &f, &map_used);
      w = 150 + fmax (120, 14.0 * f.cols), h = 80 + fmax (120, 14.0 * f.rows);
    }
  if (ok)
    {
      char *message = NULL;
      if (a.width > 0)
        w = a.width, h = a.height;
      ok = stva_draw_to_file (a.out, w, h, a.dpi, draw_figure, &f, &message);
      if (!ok)
        {
          stva_cli_fail ("%s", message);
          g_free (message);
        }
    }
  if (ok && a.json)
    {
      printf ("{\"figure\": \"%s\", \"out\": ", a.kind);
      stva_cli_json_string (stdout, a.out);
      printf (", \"model_id\": %lld, \"width_pt\": %g, \"height_pt\": %g, \"dialogue_id\": %lld",
              (long long) model_id, w, h, a.dialogue_id);
      if (map_used != NULL)
        {
          printf (", \"map\": ");
          stva_cli_json_string (stdout, map_used);
        }
      if (f.bar_values != NULL)   /* the numbers drawn: each model's weighted F1 */
        for (int i = 0; i < (a.n_models > 1 ? a.n_models : 1); i++)
          printf ("%s%.6f%s", i ? ", " : ", \"weighted_f1\": [", f.weighted_f1[i],
                  i + 1 == (a.n_models > 1 ? a.n_models : 1) ? "]" : "");
      printf ("}\n");
    }
  else if (ok)
    {
      printf ("Wrote %s (%s of model%s %lld", a.out, a.kind, a.n_models > 1 ? "s" : "",
              (long long) model_id);
      for (int i = 1; i < a.n_models; i++)
        printf (", %lld", a.model_ids[i]);
      if (n_counted > 0)
        printf (", %d utterances of split %s against %s labels", n_counted, a.split,
                a.gold ? "gold" : "current");
      if (a.dialogue_id != 0)
        printf (", dialogue %lld", a.dialogue_id);
      if (map_used != NULL)
        printf (", map %s, %s", map_used, a.head < 0 ? "heads averaged" : "one head");
      printf (")\n");
    }
  g_free (labels);
  g_free (f.counts);
  g_free (f.utterances);
  g_free (f.values);
  g_strfreev (f.row_names);
  g_strfreev (f.col_names);
  g_free (f.bar_values);
  g_free (f.epochs);
  g_free (f.loss);
  g_free (f.dev_f1);
  g_free (f.marker_name);
  g_strfreev (f.series_names);
  g_free (f.group_names);
  return ok ? STVA_EXIT_OK : STVA_EXIT_ERROR;
}
