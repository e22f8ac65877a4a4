/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaInspector: why the model said that, beside the player.  A view switcher over five
 * figures of the session's selection and the model on screen: Prediction (the utterance's
 * probabilities, its gold and current labels, entropy and margin), Graph (the dialogue's pair
 * graph around the utterance), Attention (pair-graph and cross-attention heatmaps), β (the
 * modality contributions along the dialogue) and Metrics (confusion, per-class scores and
 * learning curves, with a second model to compare).
 *
 * A dialogue the model on screen has not predicted is predicted in a worker (the engine's
 * one-dialogue job, stored) and the session reloaded; the model picker lists the project's
 * models with their dev scores.  The what-if toggles (T, A, V) run the same job with those
 * modalities masked, never stored, and draw each probability's move.  Every view exports its
 * figure as PNG, SVG or PDF (action inspector.export, GtkFileChooserNative).
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-engine.h"
#include "stva-session.h"
#include "stva-figure-view.h"

G_BEGIN_DECLS

#define STVA_TYPE_INSPECTOR (stva_inspector_get_type ())
G_DECLARE_FINAL_TYPE (StvaInspector, stva_inspector, STVA, INSPECTOR, GtkWidget)

GtkWidget      *stva_inspector_new              (void);
/* Follows session (borrowed; nullable to stop following). */
void            stva_inspector_set_session      (StvaInspector *self, StvaSession *session);

/* The visible view: "prediction", "graph", "attention", "contributions", "metrics". */
void            stva_inspector_set_view         (StvaInspector *self, const char *name);
const char     *stva_inspector_get_view         (StvaInspector *self);
/* (transfer none) The figure of a view (as above). */
StvaFigureView *stva_inspector_get_figure_view  (StvaInspector *self, const char *name);

/* What if: modality (STVA_MOD_T, _A, _V) switched off for the selected dialogue. */
void            stva_inspector_set_modality_off (StvaInspector *self, int modality,
                                                 gboolean off);
/* Writes the visible view's figure to path (.png, .svg, .pdf) at publication size in the
 * paper style; FALSE with error naming the file. */
gboolean        stva_inspector_export           (StvaInspector *self, const char *path,
                                                 GError **error);

/* ---- state, for tests and benchmarks ------------------------------------------------------ */

/* TRUE while a prediction, a what-if or the metrics are being computed. */
gboolean        stva_inspector_is_busy          (StvaInspector *self);
/* (transfer none) (nullable) The selected dialogue's probabilities as shown, (T, K); the
 * what-if's (NULL without one). */
const float    *stva_inspector_get_probs        (StvaInspector *self, int *T, int *K);
const float    *stva_inspector_get_what_if      (StvaInspector *self, int *T, int *K);
/* How many dialogues the inspector predicted live (stored) since it was made. */
guint           stva_inspector_get_n_live       (StvaInspector *self);
/* Microseconds from the latest dialogue selection to the Prediction figure drawn with its
 * probabilities; 0 until drawn. */
gint64          stva_inspector_get_shown_us     (StvaInspector *self);
/* (transfer none) The status line ("predicting test/dia3 …", an error). */
const char     *stva_inspector_get_status       (StvaInspector *self);
/* (transfer none) (nullable) The attention map on screen (the Attention view's choice). */
const StvaAttnMap *stva_inspector_get_attention (StvaInspector *self);
/* Chooses the Attention view's map by name ("graph.TA.l0", "caf.T<-A") and head (-1: mean);
 * FALSE when the dialogue has no such map. */
gboolean        stva_inspector_set_attention    (StvaInspector *self, const char *name,
                                                 int head);
/* (transfer none) (nullable) The Graph view's graph as drawn now. */
const StvaDrawGraph *stva_inspector_get_graph   (StvaInspector *self);
/* Chooses the model compared in Metrics (0: none). */
void            stva_inspector_set_compare      (StvaInspector *self, gint64 model_id);
/* (transfer none) (nullable) Metrics' eval report (the engine's eval: model and compared). */
const StvaEvalReport *stva_inspector_get_eval   (StvaInspector *self);

G_END_DECLS
