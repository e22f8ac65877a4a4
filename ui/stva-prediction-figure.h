/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inspector's Prediction figure (Cairo, no GTK): one utterance's class probabilities as
 * bars in the label set's colours, its reference (gold) and current labels marked, entropy and
 * margin above; with a what-if (a modality switched off), each bar's move drawn as a ghost bar
 * and an arrow, and below the bars the dialogue's utterances with their prediction before and
 * after.  Drawn by the inspector, exported by it, and hit-tested for tooltips and clicks.
 */
#pragma once

#include "stva-draw.h"

typedef struct
{
  int                K;
  const char *const *labels;         /* (K) */
  const float       *probs;          /* (K) the selected utterance's */
  const float       *what_if;        /* (K) nullable: the same with modalities switched off */
  int                reference;      /* label index, -1 none */
  int                current;        /* label index, -1 none */
  const char        *title;          /* nullable: "#3 · Monica" */
  const char        *subtitle;       /* nullable: the transcript */
  const char        *what_if_name;   /* nullable: "without audio" */
  /* the dialogue's list under the bars (each utterance's prediction, and with what_if its
   * prediction then): T rows, nullable arrays */
  int                T;
  const float       *all_probs;      /* (T, K) */
  const float       *all_what_if;    /* (T, K) */
  int                selected;       /* the row of the selected utterance */
  const char *const *speakers;       /* (T) nullable: who spoke each row */
  const int         *references;     /* (T) nullable: each row's gold label index, -1 none */
} StvaPredictionFigure;

/* Entropy (nats) of p (K) and margin (top minus second); top (nullable) the argmax. */
void stva_prediction_stats  (const float *p, int K, double *entropy, double *margin, int *top);
void stva_prediction_figure_draw (cairo_t *cr, const StvaPredictionFigure *fig,
                                  const StvaDrawStyle *style, double width, double height);
/* What is under (x, y): a class bar (*bar its label index, else -1) or a row of the dialogue's
 * list (*row the utterance, else -1); FALSE for nothing. */
bool stva_prediction_figure_at   (cairo_t *cr, const StvaPredictionFigure *fig,
                                  const StvaDrawStyle *style, double width, double height,
                                  double x, double y, int *bar, int *row);
/* Bars drawn (K) and list rows drawn (T when they fit) at this size: for tests. */
void stva_prediction_figure_counts (cairo_t *cr, const StvaPredictionFigure *fig,
                                    const StvaDrawStyle *style, double width, double height,
                                    int *n_bars, int *n_rows);
