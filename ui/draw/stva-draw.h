/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/draw: the studio's figures as plain Cairo functions (core + Cairo + PangoCairo, no GTK),
 * so the widgets, `synctva figure` and the tests draw the same pixels.  Every function draws
 * into a width x height box at the current origin and restores cr as it found it.
 */
#pragma once

#include <stdbool.h>
#include <cairo.h>

typedef struct
{
  double background[3];
  double foreground[3];
  double grid[3];
  double emotion[8][3];    /* one colour per label of the label set (Okabe-Ito, colour-blind
                            * safe); the 8th is for "unlabelled" */
  const double *label_rgb; /* borrowed, nullable: (n_label_rgb, 3), the label set's own colours
                            * (stva_draw_parse_colour ()), taken before emotion[] */
  int    n_label_rgb;      /* labels past both get stva_draw_palette_rgb () */
  const char *font;        /* Pango font description family, e.g. "Sans" */
  double font_size_pt;
  double text_dpi;         /* user units per inch the text is set at: 96 on screens (GTK's),
                            * 72 for files sized in points, where 1 unit is 1 point */
} StvaDrawStyle;

/* The house style for screens (light) and for papers (white background, black text). */
void stva_draw_style_init_screen (StvaDrawStyle *style);
void stva_draw_style_init_paper  (StvaDrawStyle *style);

/* "#rrggbb" (a label set's colour) as 0..1 channels; false, rgb untouched, when it is not one. */
bool stva_draw_parse_colour (const char *hex, double rgb[3]);
/* The colour of a label that has none of its own (label 0, 1, ...): db's default label palette
 * (stva_db_label_palette (): Okabe-Ito's eight, then Paul Tol's muted and light sets), cycled,
 * so any number of labels gets colours. */
const double *stva_draw_palette_rgb (int label);

typedef struct
{
  double start_s;
  double end_s;
  int    lane;        /* speaker row */
  int    label;       /* index into style->emotion, -1 unlabelled */
} StvaDrawSegment;

/* Speaker lanes with one block per utterance, coloured by label, a time axis and a playhead
 * (playhead_s < 0: none).  `selected` (or -1) is outlined. */
void stva_draw_timeline (cairo_t               *cr,
                         const StvaDrawSegment *segments,
                         int                    n_segments,
                         const char *const     *lane_names,
                         int                    n_lanes,
                         double                 duration_s,
                         double                 playhead_s,
                         int                    selected,
                         const StvaDrawStyle   *style,
                         double                 width,
                         double                 height);

/* The studio's timeline, with colours from the label set (any number of labels). */
typedef struct
{
  double      start_s;
  double      end_s;
  int         lane;               /* speaker row */
  bool        labelled;           /* false: a hollow block */
  double      rgb[3];             /* the current label's colour */
  bool        predicted;          /* a band under the block in predicted_rgb */
  double      predicted_rgb[3];
  double      confidence;         /* 0 to 1: the band's opacity (at least 0.15) */
  const char *text;               /* nullable: written in the block where it fits */
} StvaDrawLaneSegment;

typedef struct
{
  const StvaDrawLaneSegment *segments;     /* (n_segments) */
  int                        n_segments;
  const char *const         *lane_names;   /* (n_lanes), entries nullable */
  int                        n_lanes;
  double                     view_start_s; /* the time at the plot's left edge */
  double                     view_end_s;   /* at its right edge (> view_start_s) */
  double                     playhead_s;   /* drawn when within the view */
  int                        selected;     /* outlined; -1 none */
} StvaDrawLanes;

/* Lanes named on the left, each segment a block in its label's colour over a band in its
 * prediction's, a time axis whose ticks follow the zoom, the playhead.  stva_draw_timeline ()
 * is this over the whole duration with the style's emotion colours. */
void stva_draw_lanes      (cairo_t *cr, const StvaDrawLanes *lanes, const StvaDrawStyle *style,
                           double width, double height);
/* The segment (block or band) under (x, y) in lanes drawn so, the last drawn on top; -1 for
 * none. */
int  stva_draw_lanes_at   (cairo_t *cr, const StvaDrawLanes *lanes, const StvaDrawStyle *style,
                           double width, double height, double x, double y);
/* Where segment i is drawn (x, y, width, height; clipped to the plot): false when it is not. */
bool stva_draw_lanes_box  (cairo_t *cr, const StvaDrawLanes *lanes, const StvaDrawStyle *style,
                           double width, double height, int i, double box[4]);
/* The time plot's left edge and width (zoom and seeking map x to time through it); false when
 * nothing would be drawn. */
bool stva_draw_lanes_plot (cairo_t *cr, const StvaDrawLanes *lanes, const StvaDrawStyle *style,
                           double width, double height, double *plot_x, double *plot_w);

/* ---- figures (stva-draw-grid.c, -bars.c, -curves.c): what the studio's inspector shows and
 * `synctva figure` writes for papers ------------------------------------------------------ */

/* Confusion matrix: counts (K x K, row = reference label, column = predicted), each cell shaded
 * by its share of its row (the class's recall) and showing the count and that share. */
void stva_draw_confusion (cairo_t             *cr,
                          const int           *counts,
                          int                  K,
                          const char *const   *labels,
                          const StvaDrawStyle *style,
                          double               width,
                          double               height);
/* The cell of a confusion drawn with these arguments under (x, y): false outside the grid. */
bool stva_draw_confusion_at (cairo_t             *cr,
                             int                  K,
                             const char *const   *labels,
                             const StvaDrawStyle *style,
                             double               width,
                             double               height,
                             double               x,
                             double               y,
                             int                 *row,
                             int                 *col);
/* A cell's colour for its share of its row (0 to 1). */
void stva_draw_confusion_shade (const StvaDrawStyle *style,
                                double               share,
                                double               rgb[3]);

typedef struct
{
  bool  has_beta;
  float beta[3];       /* modality strengths β (T, A, V), summing to 1 over those present */
  int   reference;     /* label index, -1 none */
  int   predicted;     /* label index, -1 none */
} StvaDrawUtterance;

/* Modality contributions of one dialogue: a bar per utterance stacking β_T, β_A and β_V, with
 * the reference and predicted labels as coloured chips under it (a wrong prediction marked),
 * and a legend of the modalities and of the labels that occur. */
void stva_draw_contributions (cairo_t                 *cr,
                              const StvaDrawUtterance *utterances,
                              int                      n,
                              const char *const       *labels,
                              int                      K,
                              const StvaDrawStyle     *style,
                              double                   width,
                              double                   height);
/* The utterance whose bar or chips are under (x, y) in contributions drawn with these
 * arguments, -1 for none. */
int  stva_draw_contributions_at (cairo_t                 *cr,
                                 const StvaDrawUtterance *utterances,
                                 int                      n,
                                 const char *const       *labels,
                                 int                      K,
                                 const StvaDrawStyle     *style,
                                 double                   width,
                                 double                   height,
                                 double                   x,
                                 double                   y);
/* The modality colours of the bars (0 text, 1 audio, 2 visual). */
const double *stva_draw_modality_rgb (int modality);

typedef struct
{
  const float       *values;      /* (rows, cols), row-major; NaN: no value, left blank */
  int                rows, cols;
  const char *const *row_names;   /* (rows), entries nullable */
  const char *const *col_names;   /* (cols), entries nullable */
  const char        *row_title;   /* nullable */
  const char        *col_title;   /* nullable */
  const bool        *marked;      /* (rows) nullable: rows framed, their names always shown */
  bool               compact;     /* a screen's narrow box (under 45 font sizes wide): no row
                                   * title, a narrow colour bar close to the map */
} StvaDrawHeatmap;

/* A heatmap on a perceptually uniform sequential scale (viridis) from 0 to the largest value,
 * with a colour bar, row and column names (thinned when crowded) and axis titles. */
void stva_draw_heatmap    (cairo_t *cr, const StvaDrawHeatmap *map, const StvaDrawStyle *style,
                           double width, double height);
/* The cell of map drawn so under (x, y): false outside the map. */
bool stva_draw_heatmap_at (cairo_t *cr, const StvaDrawHeatmap *map, const StvaDrawStyle *style,
                           double width, double height, double x, double y, int *row, int *col);

typedef struct
{
  int                n_groups, n_series;
  const double      *values;         /* (n_groups, n_series) in [0, 1]; NaN: no bar */
  const char *const *group_names;    /* (n_groups) */
  const char *const *series_names;   /* (n_series) */
  const char        *y_title;        /* nullable */
} StvaDrawBars;

/* Grouped bars on a 0–1 axis (per-class scores of one or more models): a group per class, a bar
 * per series in a colour-blind-safe qualitative palette, the value over each bar when it fits,
 * a legend of the series. */
void stva_draw_bars    (cairo_t *cr, const StvaDrawBars *bars, const StvaDrawStyle *style,
                        double width, double height);
/* The bar under (x, y) of bars drawn so (its group and series; anywhere in its column of the
 * plot): false for none. */
bool stva_draw_bars_at (cairo_t *cr, const StvaDrawBars *bars, const StvaDrawStyle *style,
                        double width, double height, double x, double y, int *group,
                        int *series);
/* The colour of series s (cycling after 8). */
const double *stva_draw_series_rgb (int s);

typedef struct
{
  int                n;               /* points, in x order */
  const double      *x;               /* (n): epochs */
  const double      *y[2];            /* (n) each panel's values; NaN: none (the line breaks) */
  const char        *y_titles[2];
  bool               unit_range[2];   /* the panel spans 0–1 (a score), else 0 to its maximum */
  const char        *x_title;         /* nullable */
  double             marker_x;        /* a vertical line across both panels (the best epoch);
                                       * NaN: none */
  const char        *marker_name;     /* nullable: written beside the marker */
} StvaDrawCurves;

/* Two panels over one x axis (training loss above, dev weighted F1 below), each a line with a
 * dot per point, and the marker. */
void stva_draw_curves       (cairo_t *cr, const StvaDrawCurves *curves,
                             const StvaDrawStyle *style, double width, double height);
/* Where point i of panel (0 top, 1 bottom) is drawn; false when it is not (NaN, no room). */
bool stva_draw_curves_point (cairo_t *cr, const StvaDrawCurves *curves,
                             const StvaDrawStyle *style, double width, double height, int panel,
                             int i, double *x, double *y);
/* The point whose x is nearest to x when (x, y) is over a panel: its index, -1 for none. */
int  stva_draw_curves_at    (cairo_t *cr, const StvaDrawCurves *curves,
                             const StvaDrawStyle *style, double width, double height, double x,
                             double y);

/* The colour of v in [0, 1] on the heatmap's scale (clamped). */
void stva_draw_viridis (double v, double rgb[3]);

/* ---- files (stva-draw-export.c) ----------------------------------------------------------- */

typedef void (*StvaDrawFunc) (cairo_t *cr, void *data, double width, double height);

/* Draws a width x height figure (points) into path, its kind from the extension: .png (at dpi
 * dots per inch), .svg or .pdf (vector, fonts embedded).  Written beside path and renamed over
 * it when complete, so a failure leaves no half figure.  False with *message (g_free it)
 * naming path and the problem. */
bool stva_draw_to_file (const char   *path,
                        double        width,
                        double        height,
                        double        dpi,
                        StvaDrawFunc  draw,
                        void         *data,
                        char        **message);
/* True when path ends in .png, .svg or .pdf (any case). */
bool stva_draw_file_kind_ok (const char *path);

/* ---- the cross-modal graph (stva-draw-graph.c) -------------------------------------------- */

/* What an edge of the graph view is, from core's relation ids (core/model/stva-graph.h):
 * intra-modal temporal edges by time and speaker, the two inter-modal kinds, the self loop. */
typedef enum
{
  STVA_DRAW_REL_NONE = -1,
  STVA_DRAW_REL_PAST_SAME = 0,      /* (j, m) -> (i, m), j < i, the same speaker */
  STVA_DRAW_REL_PAST_OTHER = 1,     /* ... another speaker */
  STVA_DRAW_REL_FUTURE_SAME = 2,    /* j > i, the same speaker */
  STVA_DRAW_REL_FUTURE_OTHER = 3,
  STVA_DRAW_REL_SYNCHRONOUS = 4,    /* (i, m') -> (i, m) */
  STVA_DRAW_REL_CONTEXTUAL = 5,     /* (j, m') -> (i, m), 0 < |i - j| <= W_x */
  STVA_DRAW_REL_SELF = 6,           /* (i, m) -> (i, m) */
  STVA_DRAW_N_RELATIONS = 7,
} StvaDrawRelation;

/* The kind of core's relation id r of a pair graph (0 .. 15), STVA_DRAW_REL_NONE for -1. */
StvaDrawRelation stva_draw_relation_of   (int r);
/* The colour of a relation kind: Okabe and Ito's colour-blind-safe palette (pasts blue, futures
 * orange-red, cross-modal green and purple, the self loop grey), the same on light and dark. */
const double    *stva_draw_relation_rgb  (StvaDrawRelation relation);
/* "past, same speaker", ... as the legend writes them. */
const char      *stva_draw_relation_name (StvaDrawRelation relation);

typedef struct
{
  int                T;              /* utterances of the dialogue, in time order */
  const float       *beta;           /* nullable: (T, 3) modality strengths β (T, A, V) of each
                                      * utterance; NaN, or NULL: unknown (a middle size) */
  const bool        *present;        /* nullable: (T, 3); false: the modality is missing (a
                                      * hollow node); NULL: every one present */
  const char *const *speakers;       /* nullable: (T), entries nullable */
  const float       *weights[3];     /* per pair graph (0 TA, 1 TV, 2 AV), NULL: not shown:
                                      * (2T, 2T) attention as stva-attention.h's maps: nodes
                                      * 0..T-1 the pair's first modality, T..2T-1 its second,
                                      * rows queries, columns keys */
  const int         *relations[3];   /* per pair graph, nullable: (2T, 2T) core's relation ids
                                      * (stva_graph_build_pair ()), -1 no edge; NULL: every key
                                      * with a weight above 0 is an edge, its kind from where
                                      * its nodes are and who spoke */
  int                utterance;      /* the selected node's utterance (0 .. T-1) */
  int                modality;       /* and modality (0 T, 1 A, 2 V); -1: none selected */
  int                window;         /* utterances shown each side of the selected one; < 0:
                                      * the whole dialogue */
  int                top_k;          /* edges drawn: the strongest top_k (0: 12; < 0: all) */
  double             min_weight;     /* and only those of at least this weight */
  const char        *caption;        /* nullable: what the weights are ("layer 2, mean of 4
                                      * heads"), written under the legend */
} StvaDrawGraph;

#define STVA_DRAW_GRAPH_TOP_K 12

/* The graph view: three rows (text, audio, visual) by the utterances shown, a node per
 * utterance and modality whose area follows β (missing ones hollow), the utterance's number and
 * speaker under each column; for the selected node, the edges into it (its row of each pair
 * graph holding its modality: the attention it pays to each key), drawn with width and opacity
 * by weight and coloured by relation.  Shown together, the pair graphs' rows are averaged (each
 * sums to 1, so the edges drawn share the node's attention); intra-modal edges arc above their
 * row from the past and below it from the future.  A legend names the relations, the weight and
 * β scales, and which edges are drawn. */
void stva_draw_graph (cairo_t *cr, const StvaDrawGraph *g, const StvaDrawStyle *style,
                      double width, double height);

/* An edge drawn (the strongest last, on top). */
typedef struct
{
  int              utterance, modality;   /* the key: the node attended to */
  StvaDrawRelation relation;
  double           weight;                /* its share of the selected node's attention */
  double           line_width;            /* as drawn */
  double           alpha;                 /* its opacity */
  double           mid[2];                /* the middle of its line (x, y) */
} StvaDrawGraphEdge;

/* The edges g draws in this box, weakest first, up to max_edges of them into edges
 * (nullable); returns how many are drawn. */
int  stva_draw_graph_edges (cairo_t *cr, const StvaDrawGraph *g, const StvaDrawStyle *style,
                            double width, double height, StvaDrawGraphEdge *edges,
                            int max_edges);
/* Where node (utterance, modality) is drawn: centre x, y and radius r; false when it is not
 * shown (outside the window, no room). */
bool stva_draw_graph_node  (cairo_t *cr, const StvaDrawGraph *g, const StvaDrawStyle *style,
                            double width, double height, int utterance, int modality,
                            double xyr[3]);

typedef enum
{
  STVA_DRAW_GRAPH_HIT_NONE = 0,
  STVA_DRAW_GRAPH_HIT_NODE = 1,
  STVA_DRAW_GRAPH_HIT_EDGE = 2,
} StvaDrawGraphHitKind;

typedef struct
{
  StvaDrawGraphHitKind kind;
  int                  utterance, modality;   /* NODE: the node; EDGE: the key it comes from */
  int                  edge;                  /* EDGE: its index in stva_draw_graph_edges () */
  StvaDrawRelation     relation;              /* EDGE */
  double               weight;                /* EDGE */
} StvaDrawGraphHit;

/* What is under (x, y) in g drawn so: a node (over the edges), else the topmost edge (within a
 * few points of its line), else none. */
StvaDrawGraphHit stva_draw_graph_hit (cairo_t *cr, const StvaDrawGraph *g,
                                      const StvaDrawStyle *style, double width, double height,
                                      double x, double y);
