/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data behind each figure, from a project (read only: nothing in it is written), as plain
 * structs for ui/draw: a model's confusion and per-class scores from its stored predictions,
 * its training curves from the history train registered, one dialogue's modality
 * contributions and one of its attention maps.
 *
 * stva_figure_scores () is "evaluate from stored predictions": core's metrics of a model's
 * stored predictions of a split against the current (or gold) labels, usable by eval too.
 */
#pragma once

#include <glib.h>

#include "stva-job.h"
#include "stva-attention.h"
#include "stva-engine-data.h"
#include "stva-metrics.h"

G_BEGIN_DECLS

#define STVA_FIGURE_MAX_MODELS 8

typedef struct
{
  const char *project;     /* the project file */
  const char *label_set;   /* nullable: "meld" */
  gint64      model_id;    /* 0: the newest model of the label set */
  int         split;       /* scores: a StvaSplit or STVA_DATA_ALL_SPLITS */
  gboolean    gold;        /* reference labels: the gold ones instead of the current ones */
  const char *dialogue;    /* contributions, attention: SPLIT/NAME, a name found in one split
                            * only, or the project's dialogue id */
} StvaFigureOptions;

void stva_figure_options_init (StvaFigureOptions *options);

/* What every figure's data names: the project, the model, the label set's classes. */
typedef struct
{
  char   *project;       /* owned: its path */
  gint64  model_id;      /* the model options named, or the newest */
  int     K;
  char  **labels;        /* owned (K + 1, NULL-terminated) */
  gint64  dialogue_id;   /* contributions, attention: the dialogue found; else 0 */
} StvaFigureHead;

/* ---- scores of stored predictions ----------------------------------------------------------- */

typedef struct
{
  StvaFigureHead head;
  StvaMetrics    metrics;        /* owned: core's metrics (confusion rows: reference) */
  int            n_unlabelled;   /* predicted utterances without a reference label, left out */
} StvaFigureScores;

void     stva_figure_scores_clear (StvaFigureScores *scores);
/* Scores options->model_id's predictions of options->split; FALSE with error set (naming the
 * project and model) when the model has no predictions of labelled utterances there. */
gboolean stva_figure_scores (const StvaFigureOptions *options, StvaFigureScores *scores,
                             GError **error);

/* Grouped bars: groups are the classes then "weighted" (support-weighted, as sklearn's
 * average='weighted'); series are precision, recall and F1 of one model, or one measure of
 * each of several models. */
typedef enum
{
  STVA_FIGURE_F1 = 0,
  STVA_FIGURE_PRECISION = 1,
  STVA_FIGURE_RECALL = 2,
} StvaFigureMeasure;

typedef struct
{
  StvaFigureHead head;                 /* head.model_id: the first model */
  int            n_groups, n_series;
  double        *values;               /* owned (n_groups, n_series); NaN: a class absent from
                                        * the reference */
  char         **group_names;          /* owned (n_groups + 1) */
  char         **series_names;         /* owned (n_series + 1): measures, or "NAME (ID)" */
  int            n_models;
  StvaFigureMeasure measure;           /* of several models */
  gint64         model_ids[STVA_FIGURE_MAX_MODELS];
  double         weighted_f1[STVA_FIGURE_MAX_MODELS];
  gint64         n_scored;             /* utterances scored (of the last model) */
} StvaFigureBars;

void     stva_figure_bars_clear (StvaFigureBars *bars);
/* models (n_models 1 .. 8; models[0] 0: the newest) scored as stva_figure_scores (). */
gboolean stva_figure_bars       (const StvaFigureOptions *options, const gint64 *models,
                                 int n_models, StvaFigureMeasure measure, StvaFigureBars *bars,
                                 GError **error);

/* ---- training curves ------------------------------------------------------------------------ */

typedef struct
{
  StvaFigureHead head;
  int            n;            /* epochs */
  double        *epoch;        /* owned (n), increasing */
  double        *loss;         /* owned (n); NaN: none */
  double        *dev_f1;       /* owned (n); NaN: none (no dev split) */
  double         best_epoch;   /* the kept epoch; NaN: not recorded */
} StvaFigureCurves;

void     stva_figure_curves_clear (StvaFigureCurves *curves);
/* FALSE with error naming the model when it has no history, or an entry without an epoch
 * number or out of order. */
gboolean stva_figure_curves       (const StvaFigureOptions *options, StvaFigureCurves *curves,
                                   GError **error);

/* ---- one dialogue ------------------------------------------------------------------------- */

typedef struct
{
  gint64   utterance_id;
  int      reference;   /* label index, -1: none */
  int      predicted;   /* label index, -1: none */
  gboolean has_beta;
  float    beta[3];
} StvaFigureUtterance;

typedef struct
{
  StvaFigureHead       head;
  int                  n;
  StvaFigureUtterance *utterances;   /* owned (n) */
} StvaFigureContributions;

void     stva_figure_contributions_clear (StvaFigureContributions *c);
gboolean stva_figure_contributions       (const StvaFigureOptions *options,
                                          StvaFigureContributions *c, GError **error);

typedef struct
{
  StvaFigureHead head;
  StvaAttnMap   *map;         /* owned: the map drawn */
  GArray        *keys;        /* owned, of StvaAttnKey: the maps stored (first utterance's) */
  float         *values;      /* owned (rows, cols): map's, a weight of exactly 0 (a key the
                               * query may not attend to) as NaN, left blank */
  char         **row_names;   /* owned (rows + 1): "1".. or, across modalities, "T1", "A1".. */
  char         **col_names;   /* owned (cols + 1) */
  const char    *row_title;   /* static */
  const char    *col_title;   /* static */
} StvaFigureAttention;

void     stva_figure_attention_clear (StvaFigureAttention *a);
/* key (nullable: the first cross-attention map stored, else the first map) of the dialogue,
 * head >= 0 one head instead of key's; FALSE with error naming the utterance, the map and the
 * maps there are. */
gboolean stva_figure_attention       (const StvaFigureOptions *options, const StvaAttnKey *key,
                                      int head, StvaFigureAttention *a, GError **error);

/* ---- the cross-modal graph ---------------------------------------------------------------- */

#define STVA_FIGURE_GRAPH_LAST_LAYER (-1)   /* layer: the model's last graph attention layer */
#define STVA_FIGURE_GRAPH_ALL_LAYERS (-2)   /* layer: the mean of every layer */

/* One dialogue's pair graphs as the model saw them: its stored graph attention (one layer or the
 * mean of the layers, one head or the mean of the heads), the relation of every edge and the
 * nodes, for ui/draw's graph view (stva_draw_graph ()). */
typedef struct
{
  StvaFigureHead head;
  int            T;                /* utterances, in order */
  gint64        *utterance_ids;    /* owned (T) */
  char         **speakers;         /* owned (T + 1) */
  float         *beta;             /* owned (T, 3): β (T, A, V) stored with each prediction;
                                    * NaN where none is */
  bool          *present;          /* owned (T, 3): the node has edges in the stored graphs; a
                                    * modality missing from the utterance (or one the model does
                                    * not use) has none */
  int            n_layers;         /* graph attention layers stored */
  int            n_heads;          /* heads of each */
  int            layer;            /* the layer read (from 0), or STVA_FIGURE_GRAPH_ALL_LAYERS */
  int            head_index;       /* the head read, -1: the mean of the heads */
  float         *weights[3];       /* owned (2T, 2T) per pair graph (0 TA, 1 TV, 2 AV) as
                                    * stva-attention.h's maps; NULL: the model stored none */
  int           *relations[3];     /* owned (2T, 2T) where weights is: core's relation id of
                                    * each edge (stva_graph_build_pair ()), -1 no edge */
  int            reach_past;       /* the farthest edge seen: intra-modal into the past */
  int            reach_future;     /* ... into the future */
  int            reach_cross;      /* ... inter-modal, either way */
} StvaFigureGraph;

void     stva_figure_graph_clear (StvaFigureGraph *g);
/* The graph data of options->dialogue from the model's stored predictions: layer (from 0, or
 * STVA_FIGURE_GRAPH_LAST_LAYER, STVA_FIGURE_GRAPH_ALL_LAYERS), head (-1: their mean).  Edges
 * are the keys with a stored weight above 0 (core gives every edge of a node a softmax share,
 * a key outside the node's windows none); each takes the relation core's graph builder gives
 * it from the utterances' order and speakers.  FALSE with error naming the project, dialogue
 * and model: no such dialogue, no attention stored for an utterance, no pair-graph maps (a
 * model trained --no-graph), a layer or head the model does not have. */
gboolean stva_figure_graph       (const StvaFigureOptions *options, int layer, int head,
                                  StvaFigureGraph *g, GError **error);

/* ---- any of them, as a job ------------------------------------------------------------------ */

typedef enum
{
  STVA_FIGURE_KIND_SCORES = 0,          /* stva_figure_scores () (the confusion) */
  STVA_FIGURE_KIND_BARS = 1,            /* stva_figure_bars () (per-class metrics) */
  STVA_FIGURE_KIND_CURVES = 2,          /* stva_figure_curves () */
  STVA_FIGURE_KIND_CONTRIBUTIONS = 3,   /* stva_figure_contributions () */
  STVA_FIGURE_KIND_ATTENTION = 4,       /* stva_figure_attention () */
  STVA_FIGURE_KIND_GRAPH = 5,           /* stva_figure_graph () */
} StvaFigureKind;

/* What to read: the kind and its arguments (strings borrowed). */
typedef struct
{
  StvaFigureKind    kind;
  StvaFigureOptions options;
  gint64            models[STVA_FIGURE_MAX_MODELS];   /* bars: models[0 .. n_models) */
  int               n_models;                         /* bars: 1 .. 8 (0: 1) */
  StvaFigureMeasure measure;                          /* bars of several models */
  gboolean          has_key;                          /* attention: key, else the default */
  StvaAttnKey       key;
  int               head;                             /* attention, graph: -1, or one head */
  int               layer;                            /* graph: STVA_FIGURE_GRAPH_LAST_LAYER
                                                       * (the default), _ALL_LAYERS or one */
} StvaFigureRequest;

/* The data of one request: the member of its kind filled, the others zero. */
typedef struct
{
  StvaFigureKind          kind;
  StvaFigureScores        scores;
  StvaFigureBars          bars;
  StvaFigureCurves        curves;
  StvaFigureContributions contributions;
  StvaFigureAttention     attention;
  StvaFigureGraph         graph;
} StvaFigureData;

void            stva_figure_request_init (StvaFigureRequest *request, StvaFigureKind kind);
void            stva_figure_data_free    (StvaFigureData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaFigureData, stva_figure_data_free)
/* The head of data's kind (project, model, labels, dialogue). */
const StvaFigureHead *stva_figure_data_head (const StvaFigureData *data);

/* (transfer full) Reads request's data (job nullable: one stage "reading", cancel before it
 * starts); NULL with error set as the kind's function sets it. */
StvaFigureData *stva_engine_figure        (StvaJob *job, const StvaFigureRequest *request,
                                           GError **error);
void            stva_engine_figure_async  (const StvaFigureRequest *request,
                                           StvaJobProgressFunc progress,
                                           gpointer progress_data, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
StvaFigureData *stva_engine_figure_finish (GAsyncResult *res, GError **error);

G_END_DECLS
