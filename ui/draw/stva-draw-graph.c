/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cross-modal graph view (see stva-draw.h): a node per utterance and modality in three
 * rows, sized by β, and the edges into the selected node from the pair graphs' attention,
 * coloured by relation.  One layout function places the legend, the rows and columns and picks
 * the edges; the drawing, the hit test and the queries the tests use all call it, so what is
 * found is where it is drawn.  Sizes are in points and text follows style->font_size_pt.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "stva-draw-private.h"

/* ---- relations ---------------------------------------------------------------------------- */

static const double relation_rgb[STVA_DRAW_N_RELATIONS][3] = {
  { 0.00, 0.45, 0.70 },   /* past, same speaker: blue */
  { 0.34, 0.71, 0.91 },   /* past, other speaker: sky blue */
  { 0.84, 0.37, 0.00 },   /* future, same speaker: vermillion */
  { 0.90, 0.62, 0.00 },   /* future, other speaker: orange */
  { 0.00, 0.62, 0.45 },   /* cross-modal, synchronous: bluish green */
  { 0.80, 0.47, 0.65 },   /* cross-modal, context: reddish purple */
  { 0.55, 0.55, 0.55 },   /* self loop: grey */
};

static const char *const relation_names[STVA_DRAW_N_RELATIONS] = {
  "past, same speaker", "past, other speaker", "future, same speaker", "future, other speaker",
  "cross-modal, synchronous", "cross-modal, context", "self loop",
};

static const char *const row_names[3] = { "text", "audio", "visual" };
static const char mod_letter[3] = { 'T', 'A', 'V' };
/* the modalities of pair graph p, first then second (core's stva_pair_mod) */
static const int pair_mod[3][2] = { { 0, 1 }, { 0, 2 }, { 1, 2 } };

StvaDrawRelation
stva_draw_relation_of (int r)
{
  if (r < 0 || r > 15)
    return STVA_DRAW_REL_NONE;
  if (r < 8)   /* 4·p + 2·future + other */
    return (StvaDrawRelation) ((r & 2) + (r & 1));
  if (r < 10)
    return STVA_DRAW_REL_SYNCHRONOUS;
  if (r < 14)
    return STVA_DRAW_REL_CONTEXTUAL;
  return STVA_DRAW_REL_SELF;
}

const double *
stva_draw_relation_rgb (StvaDrawRelation relation)
{
  return relation_rgb[relation >= 0 && relation < STVA_DRAW_N_RELATIONS ? relation
                                                                         : STVA_DRAW_REL_SELF];
}

const char *
stva_draw_relation_name (StvaDrawRelation relation)
{
  return relation >= 0 && relation < STVA_DRAW_N_RELATIONS ? relation_names[relation] : "none";
}

/* ---- scales ------------------------------------------------------------------------------- */

/* an edge's width and opacity for its weight: both rise with its square root, so that the
 * many small weights stay apart and a weight of 1 is a bold line */
static double
edge_width (double weight,
            double fs)
{
  return 0.5 + fs * 0.6 * sqrt (fmin (fmax (weight, 0.0), 1.0));
}

static double
edge_alpha (double               weight,
            const StvaDrawStyle *style)
{
  /* over a dark background a faint line sinks into it: start more opaque there */
  const double *bg = style->background;
  double floor_alpha = 0.2126 * bg[0] + 0.7152 * bg[1] + 0.0722 * bg[2] < 0.5 ? 0.55 : 0.35;
  return floor_alpha + (1.0 - floor_alpha) * sqrt (fmin (fmax (weight, 0.0), 1.0));
}

/* a node's radius: area in proportion to β, at least a fifth of the largest */
static double
node_radius (double beta,
             double r_max)
{
  if (!isfinite (beta))
    beta = 1.0 / 3.0;
  return r_max * fmax (0.2, sqrt (fmin (fmax (beta, 0.0), 1.0)));
}

static const double weight_samples[3] = { 0.05, 0.2, 0.5 };
static const double beta_samples[3] = { 0.1, 1.0 / 3.0, 0.8 };

/* ---- layout ------------------------------------------------------------------------------- */

typedef struct
{
  int              key;        /* m·T + j */
  StvaDrawRelation relation;
  double           weight;
} Candidate;

typedef struct
{
  const StvaDrawGraph *g;
  double               fs;
  int                  lo, hi;          /* utterances shown */
  double               left, col_w;     /* column c's centre: left + (c - lo + 0.5)·col_w */
  double               row_y[3], gap;
  double               r_max;
  double               legend_h;        /* the legend's rows end here */
  bool                 compact;         /* the short legend: relations only, short lines */
  double               number_y, speaker_y;
  int                  n_pairs;         /* pair graphs averaged */
  char                 pairs_text[16];  /* "TA, TV" */
  Candidate           *edges;           /* owned: the edges drawn, weakest first */
  int                  n_edges;
  int                  n_candidates;    /* keys with a weight above 0 */
  int                  n_outside;       /* of those, strong enough yet outside the window */
} Layout;

static void
layout_clear (Layout *L)
{
  free (L->edges);
  L->edges = NULL;
}

static bool
selected (const StvaDrawGraph *g)
{
  return g->modality >= 0 && g->modality < 3 && g->utterance >= 0 && g->utterance < g->T;
}

static bool
is_present (const StvaDrawGraph *g,
            int                  t,
            int                  m)
{
  return g->present == NULL || g->present[(size_t) t * 3 + (size_t) m];
}

static double
beta_of (const StvaDrawGraph *g,
         int                  t,
         int                  m)
{
  return g->beta != NULL ? g->beta[(size_t) t * 3 + (size_t) m] : NAN;
}

static bool
same_speaker (const StvaDrawGraph *g,
              int                  a,
              int                  b)
{
  if (g->speakers == NULL)
    return true;
  const char *x = g->speakers[a], *y = g->speakers[b];
  return x == NULL || y == NULL ? x == y : strcmp (x, y) == 0;
}

/* the kind of edge (j, mk) -> (i, m) from where its nodes are (no relation matrix) */
static StvaDrawRelation
relation_from_nodes (const StvaDrawGraph *g,
                     int                  j,
                     int                  mk,
                     int                  i,
                     int                  m)
{
  if (mk != m)
    return j == i ? STVA_DRAW_REL_SYNCHRONOUS : STVA_DRAW_REL_CONTEXTUAL;
  if (j == i)
    return STVA_DRAW_REL_SELF;
  return (StvaDrawRelation) ((j > i ? 2 : 0) + (same_speaker (g, i, j) ? 0 : 1));
}

static int
by_weight_desc (const void *a,
                const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->weight != y->weight)
    return x->weight < y->weight ? 1 : -1;
  return x->key - y->key;   /* ties in a fixed order */
}

/* The selected node's row of each pair graph shown that holds its modality, averaged into one
 * weight per key; the edges drawn chosen from them (in the window, the strongest top_k of at
 * least min_weight), weakest first. */
static void
pick_edges (Layout *L)
{
  const StvaDrawGraph *g = L->g;
  int T = g->T, i = g->utterance, m = g->modality;
  L->n_pairs = 0;
  L->pairs_text[0] = '\0';
  if (!selected (g))
    return;
  size_t n2 = 2 * (size_t) T;
  double *sum = calloc (3 * (size_t) T, sizeof *sum);
  StvaDrawRelation *rel = malloc (3 * (size_t) T * sizeof *rel);
  for (size_t k = 0; k < 3 * (size_t) T; k++)
    rel[k] = STVA_DRAW_REL_NONE;
  for (int p = 0; p < 3; p++)
    {
      if (g->weights[p] == NULL || (pair_mod[p][0] != m && pair_mod[p][1] != m))
        continue;
      size_t len = strlen (L->pairs_text);
      snprintf (L->pairs_text + len, sizeof L->pairs_text - len, "%s%c%c", len ? ", " : "",
                mod_letter[pair_mod[p][0]], mod_letter[pair_mod[p][1]]);
      L->n_pairs++;
      size_t v = (pair_mod[p][0] == m ? 0 : (size_t) T) + (size_t) i;
      const float *row = g->weights[p] + v * n2;
      const int *rrow = g->relations[p] != NULL ? g->relations[p] + v * n2 : NULL;
      for (size_t u = 0; u < n2; u++)
        {
          int mk = pair_mod[p][u < (size_t) T ? 0 : 1], j = (int) (u % (size_t) T);
          StvaDrawRelation r = rrow != NULL ? stva_draw_relation_of (rrow[u])
                                            : relation_from_nodes (g, j, mk, i, m);
          if (!(row[u] > 0.0f) || r == STVA_DRAW_REL_NONE)
            continue;
          size_t key = (size_t) mk * (size_t) T + (size_t) j;
          sum[key] += row[u];
          rel[key] = r;
        }
    }
  Candidate *c = malloc ((3 * (size_t) T + 1) * sizeof *c);
  int n = 0;
  for (int k = 0; k < 3 * T; k++)
    if (sum[k] > 0.0)
      c[n++] = (Candidate) { k, rel[k], sum[k] / L->n_pairs };
  free (sum);
  free (rel);
  L->n_candidates = n;
  qsort (c, (size_t) n, sizeof *c, by_weight_desc);
  int top_k = g->top_k == 0 ? STVA_DRAW_GRAPH_TOP_K : g->top_k < 0 ? n : g->top_k;
  int kept = 0;
  L->n_outside = 0;
  for (int k = 0; k < n && kept < top_k; k++)
    {
      if (c[k].weight < g->min_weight)
        break;
      int j = c[k].key % T;
      if (j < L->lo || j > L->hi)
        {
          L->n_outside++;
          continue;
        }
      c[kept++] = c[k];
    }
  for (int a = 0, b = kept - 1; a < b; a++, b--)   /* weakest first: the strongest on top */
    {
      Candidate t = c[a];
      c[a] = c[b];
      c[b] = t;
    }
  L->edges = c;
  L->n_edges = kept;
}

/* ---- legend -------------------------------------------------------------------------------- */

typedef enum { ITEM_RELATION, ITEM_WEIGHT, ITEM_BETA, ITEM_MISSING, ITEM_HEADER } ItemKind;

typedef struct
{
  ItemKind    kind;
  int         i;        /* the relation, or the sample */
  const char *name;     /* NULL: the sample's value */
  int         group;    /* items of a group stay on one row when they can */
} Item;

/* the legend, in groups: each speaker's pair of times, the cross-modal pair and the self loop,
 * then (on a row of their own) the weight and β scales with a missing node */
static const Item legend_items[] = {
  { ITEM_HEADER, 0, "same speaker:", 0 },
  { ITEM_RELATION, STVA_DRAW_REL_PAST_SAME, "past", 0 },
  { ITEM_RELATION, STVA_DRAW_REL_FUTURE_SAME, "future", 0 },
  { ITEM_HEADER, 0, "other speaker:", 1 },
  { ITEM_RELATION, STVA_DRAW_REL_PAST_OTHER, "past", 1 },
  { ITEM_RELATION, STVA_DRAW_REL_FUTURE_OTHER, "future", 1 },
  { ITEM_HEADER, 0, "cross-modal:", 2 },
  { ITEM_RELATION, STVA_DRAW_REL_SYNCHRONOUS, "synchronous", 2 },
  { ITEM_RELATION, STVA_DRAW_REL_CONTEXTUAL, "context", 2 },
  { ITEM_RELATION, STVA_DRAW_REL_SELF, "self loop", 3 },
  { ITEM_HEADER, 0, "weight", 4 },
  { ITEM_WEIGHT, 0, NULL, 4 },
  { ITEM_WEIGHT, 1, NULL, 4 },
  { ITEM_WEIGHT, 2, NULL, 4 },
  { ITEM_HEADER, 0, "\u03b2 (area)", 5 },
  { ITEM_BETA, 0, NULL, 5 },
  { ITEM_BETA, 1, NULL, 5 },
  { ITEM_BETA, 2, NULL, 5 },
  { ITEM_MISSING, 0, "missing", 5 },
};
#define FIRST_SCALE_GROUP 4

/* the short legend, for a box whose height the full one would take the most of: the relations
 * alone under short names, packed item by item (an edge's tooltip names its relation in
 * full) */
static const Item compact_items[] = {
  { ITEM_RELATION, STVA_DRAW_REL_PAST_SAME, "past", 0 },
  { ITEM_RELATION, STVA_DRAW_REL_FUTURE_SAME, "future", 1 },
  { ITEM_RELATION, STVA_DRAW_REL_PAST_OTHER, "past, other", 2 },
  { ITEM_RELATION, STVA_DRAW_REL_FUTURE_OTHER, "future, other", 3 },
  { ITEM_RELATION, STVA_DRAW_REL_SYNCHRONOUS, "sync", 4 },
  { ITEM_RELATION, STVA_DRAW_REL_CONTEXTUAL, "context", 5 },
  { ITEM_RELATION, STVA_DRAW_REL_SELF, "self", 6 },
};
/* the short legend when the full one would take more than this share of the height */
#define COMPACT_LEGEND_SHARE 0.3

static const char *
item_name (const Item *item,
           char        sample[16])
{
  if (item->name != NULL)
    return item->name;
  double v = item->kind == ITEM_WEIGHT ? weight_samples[item->i] : beta_samples[item->i];
  snprintf (sample, 16, "%.2g", v);
  return sample;
}

/* a line sample's length: shorter in the short legend */
static double
swatch_w (double fs,
          bool   compact)
{
  return fs * (compact ? 1.2 : 1.8);
}

static double
item_width (cairo_t             *cr,
            const StvaDrawStyle *style,
            const Item          *item,
            bool                 compact)
{
  const double fs = style->font_size_pt;
  char sample[16];
  double mark = item->kind == ITEM_HEADER ? 0
                : item->kind == ITEM_RELATION || item->kind == ITEM_WEIGHT ? swatch_w (fs, compact)
                : fs * 1.6;
  return mark + (mark > 0 ? (compact ? 3 : 4) : 0)
         + _stva_draw_text_width (cr, style, item_name (item, sample), fs)
         + (item->kind == ITEM_HEADER ? 5 : compact ? 7 : 10);
}

static void
item_draw (cairo_t             *cr,
           const StvaDrawStyle *style,
           const Item          *item,
           bool                 compact,
           double               x,
           double               y)
{
  const double fs = style->font_size_pt, sw = swatch_w (fs, compact);
  double mark = 0;
  cairo_save (cr);
  cairo_new_path (cr);
  switch (item->kind)
    {
    case ITEM_RELATION:
      _stva_draw_rgb (cr, relation_rgb[item->i]);
      cairo_set_line_width (cr, fs * 0.35);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      _stva_draw_line (cr, x + 1, y, x + sw - 1, y);
      mark = sw;
      break;
    case ITEM_WEIGHT:
      {
        double v = weight_samples[item->i];
        const double *fg = style->foreground;
        cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], edge_alpha (v, style));
        cairo_set_line_width (cr, edge_width (v, fs));
        _stva_draw_line (cr, x, y, x + sw, y);
        mark = sw;
      }
      break;
    case ITEM_BETA:
    case ITEM_MISSING:
      {
        double r = item->kind == ITEM_BETA ? node_radius (beta_samples[item->i], fs * 0.8)
                                           : fs * 0.46;
        cairo_arc (cr, x + fs * 0.8, y, r, 0, 2 * M_PI);
        _stva_draw_rgb (cr, item->kind == ITEM_BETA ? stva_draw_modality_rgb (1)
                                                    : style->background);
        cairo_fill_preserve (cr);
        _stva_draw_rgb (cr, item->kind == ITEM_BETA ? style->foreground : style->grid);
        cairo_set_line_width (cr, item->kind == ITEM_BETA ? 0.8 : 1.2);
        cairo_stroke (cr);
        mark = fs * 1.6;
      }
      break;
    case ITEM_HEADER:
      break;
    }
  cairo_restore (cr);
  char sample[16];
  _stva_draw_rgb (cr, style->foreground);
  _stva_draw_text (cr, style, item_name (item, sample),
                   x + mark + (mark > 0 ? (compact ? 3 : 4) : 0), y, fs, 0.0, 0.0);
}

/* The legend's rows, wrapping at width (a group moves to the next row whole when it fits
 * there), then a line on what is drawn and the caller's caption: the full legend, or the
 * short one when compact.  Drawn when draw; returns the y its last row ends at. */
static double
legend (cairo_t             *cr,
        const StvaDrawStyle *style,
        const Layout        *L,
        double               width,
        bool                 compact,
        bool                 draw)
{
  const StvaDrawGraph *g = L->g;
  const double fs = style->font_size_pt, line_h = fs * (compact ? 1.5 : 1.75);
  const double x0 = compact ? 4 : 6, group_gap = compact ? fs * 0.3 : fs;
  const Item *items = compact ? compact_items : legend_items;
  const int n = compact ? (int) G_N_ELEMENTS (compact_items) : (int) G_N_ELEMENTS (legend_items);
  double w[G_N_ELEMENTS (legend_items)], x = x0, y = (compact ? 3 : 6) + line_h / 2;
  for (int k = 0; k < n; k++)
    w[k] = item_width (cr, style, &items[k], compact);
  for (int k = 0; k < n; k++)
    {
      const Item *item = &items[k];
      bool group_start = k == 0 || items[k - 1].group != item->group;
      if (group_start && k > 0)
        {
          double group_w = 0;
          for (int j = k; j < n && items[j].group == item->group; j++)
            group_w += w[j];
          if ((!compact && item->group == FIRST_SCALE_GROUP)
              || (x + group_gap + group_w > width - x0 && group_w <= width - 2 * x0))
            {
              x = x0;
              y += line_h;
            }
          else
            x += group_gap;
        }
      if (x > x0 && x + w[k] > width - x0)   /* a group longer than a row */
        {
          x = x0;
          y += line_h;
        }
      if (draw)
        item_draw (cr, style, item, compact, x, y);
      x += w[k];
    }

  /* what is drawn, then the caller's caption: on one line when both fit */
  char text[256] = "";
  if (selected (g))
    {
      char node[32];
      snprintf (node, sizeof node, "%c%d", mod_letter[g->modality], g->utterance + 1);
      if (!is_present (g, g->utterance, g->modality))
        snprintf (text, sizeof text, "%s is missing: it has no edges", node);
      else if (L->n_pairs == 0)
        snprintf (text, sizeof text, "%s: no pair graph of its modality shown", node);
      else
        {
          char floor_text[48] = "", count[64];
          if (g->min_weight > 0)
            snprintf (floor_text, sizeof floor_text, ", weight \u2265 %.2g", g->min_weight);
          if (L->n_edges < L->n_candidates)
            snprintf (count, sizeof count, "the strongest %d of %d", L->n_edges,
                      L->n_candidates);
          else
            snprintf (count, sizeof count, "all %d", L->n_edges);
          if (compact)   /* the count as "12 of 18" or "all 5" */
            snprintf (text, sizeof text, "into %s: %s%s (%s)%s", node,
                      L->n_edges < L->n_candidates ? count + strlen ("the strongest ") : count,
                      floor_text, L->pairs_text, L->n_outside > 0 ? ", more outside" : "");
          else
            snprintf (text, sizeof text, "edges into %s: %s%s (%s %s)%s", node, count,
                      floor_text, L->n_pairs > 1 ? "mean of pair graphs" : "pair graph",
                      L->pairs_text, L->n_outside > 0 ? "; more outside the window" : "");
        }
    }
  const char *caption = g->caption != NULL && g->caption[0] != '\0' ? g->caption : NULL;
  char both[512];
  const char *lines[2] = { text[0] != '\0' ? text : NULL, caption };
  if (lines[0] != NULL && caption != NULL)
    {
      snprintf (both, sizeof both, "%s; %s", text, caption);
      if (_stva_draw_text_width (cr, style, both, fs) <= width - 2 * x0)
        {
          lines[0] = both;
          lines[1] = NULL;
        }
    }
  for (int i = 0; i < 2; i++)
    if (lines[i] != NULL)
      {
        y += i == 0 ? line_h : fs * (compact ? 1.3 : 1.4);
        if (draw)
          {
            _stva_draw_rgb (cr, style->foreground);
            _stva_draw_text (cr, style, lines[i], x0, y, fs, 0.0, 0.0);
          }
      }
  return y + line_h / 2;
}

/* Places everything; false when there is nothing to draw or no room (L cleared). */
static bool
layout (cairo_t             *cr,
        const StvaDrawGraph *g,
        const StvaDrawStyle *style,
        double               width,
        double               height,
        Layout              *L)
{
  memset (L, 0, sizeof *L);
  L->g = g;
  L->fs = style->font_size_pt;
  const double fs = L->fs;
  if (g->T <= 0)
    return false;
  L->lo = 0;
  L->hi = g->T - 1;
  if (g->window >= 0 && selected (g))
    {
      L->lo = g->utterance - g->window > 0 ? g->utterance - g->window : 0;
      L->hi = g->utterance + g->window < g->T - 1 ? g->utterance + g->window : g->T - 1;
    }
  pick_edges (L);
  L->legend_h = legend (cr, style, L, width, false, false);
  if (L->legend_h > height * COMPACT_LEGEND_SHARE)
    {
      L->compact = true;
      L->legend_h = legend (cr, style, L, width, true, false);
    }
  static const char *const left_names[5] = { "text", "audio", "visual", "utterance",
                                             "speaker" };
  L->left = 6 + _stva_draw_widest (cr, style, left_names, 5, fs) + 8;
  int cols = L->hi - L->lo + 1;
  L->col_w = (width - L->left - 8) / cols;
  double labels_h = fs * 1.5 * 2 + 6;
  double plot_h = height - L->legend_h - labels_h - 4;
  L->gap = plot_h / 2.9;   /* a band of 0.45 gaps above and below the rows, for arcs */
  for (int m = 0; m < 3; m++)
    L->row_y[m] = L->legend_h + L->gap * (0.45 + m);
  /* on a screen's small box, larger nodes than a paper's: β reads from their area */
  L->r_max = fmin (fmin (L->col_w * 0.45, L->gap * 0.28), fs * (L->compact ? 1.2 : 0.9));
  L->number_y = L->row_y[2] + L->gap * 0.45 + fs * 0.75 + 2;
  L->speaker_y = L->number_y + fs * 1.5;
  if (!(L->col_w >= 1.5 && L->gap >= 6))
    {
      layout_clear (L);
      return false;
    }
  return true;
}

static double
col_x (const Layout *L,
       int           t)
{
  return L->left + (t - L->lo + 0.5) * L->col_w;
}

static double
radius_of (const Layout *L,
           int           t,
           int           m)
{
  return is_present (L->g, t, m) ? node_radius (beta_of (L->g, t, m), L->r_max)
                                 : node_radius (NAN, L->r_max);
}

/* between the selected node and the ring around it */
static double
ring_gap (const Layout *L)
{
  return fmax (1.5, L->fs * 0.25);
}

/* The path of edge e in cr (new path), its middle in mid. */
static void
edge_path (cairo_t         *cr,
           const Layout    *L,
           const Candidate *e,
           double           mid[2])
{
  const StvaDrawGraph *g = L->g;
  int T = g->T, j = e->key % T, mk = e->key / T, i = g->utterance, m = g->modality;
  double x0 = col_x (L, j), y0 = L->row_y[mk], x2 = col_x (L, i), y2 = L->row_y[m];
  cairo_new_path (cr);
  if (e->relation == STVA_DRAW_REL_SELF)
    {   /* a loop on top of the node */
      double r = radius_of (L, i, m) + ring_gap (L), lr = fmax (r * 0.5, 3.0);
      cairo_arc (cr, x2, y2 - r - lr, lr, 0, 2 * M_PI);
      mid[0] = x2;
      mid[1] = y2 - r - 2 * lr;
      return;
    }
  double cx, cy;
  if (mk == m)
    {   /* an arc over the row from the past, under it from the future */
      double h = fmin (L->gap * 0.42, radius_of (L, i, m) + 0.22 * fabs (x2 - x0));
      cx = (x0 + x2) / 2;
      cy = y0 + (j < i ? -2 * h : 2 * h);
    }
  else
    {   /* across rows; one that passes the middle row does so between its nodes */
      cx = (x0 + x2) / 2;
      cy = (y0 + y2) / 2;
      if (abs (mk - m) == 2 && abs (j - i) % 2 == 0)
        cx += L->col_w;   /* the curve's middle half a column aside */
    }
  /* the quadratic through (cx, cy) as a cubic */
  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, x0 + 2.0 / 3 * (cx - x0), y0 + 2.0 / 3 * (cy - y0),
                  x2 + 2.0 / 3 * (cx - x2), y2 + 2.0 / 3 * (cy - y2), x2, y2);
  mid[0] = 0.25 * x0 + 0.5 * cx + 0.25 * x2;
  mid[1] = 0.25 * y0 + 0.5 * cy + 0.25 * y2;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* text centred on (x, y), bold when asked, cut with an ellipsis past max_w; false when not even
 * that fits */
static bool
fit_text (cairo_t             *cr,
          const StvaDrawStyle *style,
          const char          *text,
          double               x,
          double               y,
          double               max_w,
          double               size_pt,
          bool                 bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->text_dpi);
  pango_layout_context_changed (layout);
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  pango_font_description_set_size (font, (int) (size_pt * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  int wu, hu;   /* exact sizes: pixel sizes are rounded up */
  pango_layout_get_size (layout, &wu, &hu);
  double w = (double) wu / PANGO_SCALE, h = (double) hu / PANGO_SCALE;
  if (w > max_w)
    {
      pango_layout_set_width (layout, (int) (max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_size (layout, &wu, &hu);
      w = (double) wu / PANGO_SCALE;
    }
  bool ok = w <= max_w + 0.5 && max_w >= size_pt;
  if (ok)
    {
      cairo_move_to (cr, x - w / 2, y - h / 2);
      pango_cairo_show_layout (cr, layout);
    }
  g_object_unref (layout);
  return ok;
}

/* ---- drawing ----------------------------------------------------------------------------- */

static void
draw_labels (cairo_t             *cr,
             const StvaDrawStyle *style,
             const Layout        *L)
{
  const StvaDrawGraph *g = L->g;
  const double fs = L->fs;
  _stva_draw_rgb (cr, style->foreground);
  for (int m = 0; m < 3; m++)
    _stva_draw_text (cr, style, row_names[m], L->left - 8, L->row_y[m], fs, 1.0, 0.0);
  double small = fs * 0.9;
  _stva_draw_text (cr, style, "utterance", L->left - 8, L->number_y, small, 1.0, 0.0);
  _stva_draw_text (cr, style, "speaker", L->left - 8, L->speaker_y, small, 1.0, 0.0);

  /* numbers every 1, 2, 5, 10, ... columns, as many as fit; the selected one always */
  char text[16];
  snprintf (text, sizeof text, "%d", g->T);
  double num_w = _stva_draw_text_width (cr, style, text, fs) + fs * 0.6;
  static const int steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500 };
  int every = 1000;
  for (int s = (int) G_N_ELEMENTS (steps) - 1; s >= 0; s--)
    if (steps[s] * L->col_w >= num_w)
      every = steps[s];
  bool sel = selected (g);
  for (int t = L->lo; t <= L->hi; t++)
    {
      bool is_sel = sel && t == g->utterance;
      if (!is_sel && (t + 1) % every != 0)
        continue;
      if (!is_sel && sel && fabs (col_x (L, t) - col_x (L, g->utterance)) < num_w)
        continue;   /* leave room for the selected one */
      snprintf (text, sizeof text, "%d", t + 1);
      fit_text (cr, style, text, col_x (L, t), L->number_y, num_w * 2, fs, is_sel);
    }

  /* speakers: one name per run of the same speaker, ticks between runs */
  if (g->speakers == NULL)
    return;
  cairo_set_line_width (cr, 0.6);
  for (int a = L->lo; a <= L->hi;)
    {
      int b = a;
      while (b + 1 <= L->hi && same_speaker (g, a, b + 1))
        b++;
      double x0 = col_x (L, a) - L->col_w / 2, x1 = col_x (L, b) + L->col_w / 2;
      if (g->speakers[a] != NULL)
        {
          _stva_draw_rgb (cr, style->foreground);
          fit_text (cr, style, g->speakers[a], (x0 + x1) / 2, L->speaker_y, x1 - x0 - 2,
                    small, false);
        }
      if (a > L->lo)
        {
          _stva_draw_rgb (cr, style->grid);
          _stva_draw_line (cr, x0, L->speaker_y - fs * 0.6, x0, L->speaker_y + fs * 0.6);
        }
      a = b + 1;
    }
}

void
stva_draw_graph (cairo_t             *cr,
                 const StvaDrawGraph *g,
                 const StvaDrawStyle *style,
                 double               width,
                 double               height)
{
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Layout L;
  if (!layout (cr, g, style, width, height, &L))
    {
      cairo_restore (cr);
      return;
    }
  legend (cr, style, &L, width, L.compact, true);
  const double fs = L.fs;
  bool sel = selected (g);
  if (sel)   /* the selected utterance's column, lightly */
    {
      const double *gr = style->grid;
      cairo_set_source_rgba (cr, gr[0], gr[1], gr[2], 0.35);
      cairo_rectangle (cr, col_x (&L, g->utterance) - L.col_w / 2, L.row_y[0] - L.gap * 0.45,
                       L.col_w, L.gap * 2.9);
      cairo_fill (cr);
    }
  /* faint row guides */
  _stva_draw_rgb (cr, style->grid);
  cairo_set_line_width (cr, 0.4);
  for (int m = 0; m < 3; m++)
    _stva_draw_line (cr, col_x (&L, L.lo), L.row_y[m], col_x (&L, L.hi), L.row_y[m]);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int k = 0; k < L.n_edges; k++)
    {
      const Candidate *e = &L.edges[k];
      double mid[2];
      const double *rgb = relation_rgb[e->relation];
      edge_path (cr, &L, e, mid);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], edge_alpha (e->weight, style));
      cairo_set_line_width (cr, edge_width (e->weight, fs));
      cairo_stroke (cr);
    }
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  for (int m = 0; m < 3; m++)
    for (int t = L.lo; t <= L.hi; t++)
      {
        double x = col_x (&L, t), y = L.row_y[m], r = radius_of (&L, t, m);
        bool present = is_present (g, t, m);
        cairo_arc (cr, x, y, r, 0, 2 * M_PI);
        _stva_draw_rgb (cr, present ? stva_draw_modality_rgb (m) : style->background);
        cairo_fill_preserve (cr);
        _stva_draw_rgb (cr, present ? style->foreground : style->grid);
        cairo_set_line_width (cr, present ? fmin (0.8, r * 0.3) : fmin (1.2, r * 0.4));
        cairo_stroke (cr);
      }
  if (sel)
    {
      double x = col_x (&L, g->utterance), y = L.row_y[g->modality];
      double r = radius_of (&L, g->utterance, g->modality);
      _stva_draw_rgb (cr, style->foreground);
      cairo_set_line_width (cr, fmax (1.0, fs * 0.16));
      cairo_new_path (cr);
      cairo_arc (cr, x, y, r + ring_gap (&L), 0, 2 * M_PI);
      cairo_stroke (cr);
    }
  draw_labels (cr, style, &L);
  layout_clear (&L);
  cairo_restore (cr);
}

/* ---- queries ----------------------------------------------------------------------------- */

int
stva_draw_graph_edges (cairo_t             *cr,
                       const StvaDrawGraph *g,
                       const StvaDrawStyle *style,
                       double               width,
                       double               height,
                       StvaDrawGraphEdge   *edges,
                       int                  max_edges)
{
  Layout L;
  if (!layout (cr, g, style, width, height, &L))
    return 0;
  cairo_save (cr);
  for (int k = 0; k < L.n_edges && edges != NULL && k < max_edges; k++)
    {
      const Candidate *e = &L.edges[k];
      StvaDrawGraphEdge *d = &edges[k];
      d->utterance = e->key % g->T;
      d->modality = e->key / g->T;
      d->relation = e->relation;
      d->weight = e->weight;
      d->line_width = edge_width (e->weight, L.fs);
      d->alpha = edge_alpha (e->weight, style);
      edge_path (cr, &L, e, d->mid);
    }
  cairo_new_path (cr);
  cairo_restore (cr);
  int n = L.n_edges;
  layout_clear (&L);
  return n;
}

bool
stva_draw_graph_node (cairo_t             *cr,
                      const StvaDrawGraph *g,
                      const StvaDrawStyle *style,
                      double               width,
                      double               height,
                      int                  utterance,
                      int                  modality,
                      double               xyr[3])
{
  Layout L;
  if (modality < 0 || modality > 2 || !layout (cr, g, style, width, height, &L))
    return false;
  bool shown = utterance >= L.lo && utterance <= L.hi;
  if (shown)
    {
      xyr[0] = col_x (&L, utterance);
      xyr[1] = L.row_y[modality];
      xyr[2] = radius_of (&L, utterance, modality);
    }
  layout_clear (&L);
  return shown;
}

StvaDrawGraphHit
stva_draw_graph_hit (cairo_t             *cr,
                     const StvaDrawGraph *g,
                     const StvaDrawStyle *style,
                     double               width,
                     double               height,
                     double               x,
                     double               y)
{
  StvaDrawGraphHit hit = { .kind = STVA_DRAW_GRAPH_HIT_NONE, .utterance = -1,
                           .modality = -1, .edge = -1, .relation = STVA_DRAW_REL_NONE };
  Layout L;
  if (!layout (cr, g, style, width, height, &L))
    return hit;
  /* nodes are drawn over the edges: the nearest column's nodes first */
  int t = (int) floor ((x - L.left) / L.col_w) + L.lo;
  for (int m = 0; m < 3 && t >= L.lo && t <= L.hi; m++)
    {
      double r = radius_of (&L, t, m) + 1.0;
      if (hypot (x - col_x (&L, t), y - L.row_y[m]) <= r)
        {
          hit.kind = STVA_DRAW_GRAPH_HIT_NODE;
          hit.utterance = t;
          hit.modality = m;
          layout_clear (&L);
          return hit;
        }
    }
  cairo_save (cr);
  for (int k = L.n_edges - 1; k >= 0; k--)   /* the topmost first */
    {
      const Candidate *e = &L.edges[k];
      double mid[2];
      edge_path (cr, &L, e, mid);
      cairo_set_line_width (cr, fmax (edge_width (e->weight, L.fs), 5.0));
      if (cairo_in_stroke (cr, x, y))
        {
          hit.kind = STVA_DRAW_GRAPH_HIT_EDGE;
          hit.utterance = e->key % g->T;
          hit.modality = e->key / g->T;
          hit.edge = k;
          hit.relation = e->relation;
          hit.weight = e->weight;
          break;
        }
    }
  cairo_new_path (cr);
  cairo_restore (cr);
  layout_clear (&L);
  return hit;
}
