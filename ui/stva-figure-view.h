/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaFigureView: a drawing area that shows any ui/draw figure.  A figure is a draw function
 * and an optional hit test over data the caller keeps alive; the view draws it in the theme's
 * colours with the label set's colours, asks the hit test for a tooltip where the pointer is,
 * emits ::item-activated (int item) when a click lands on an item, and exports the figure at
 * publication size (paper style) as PNG, SVG or PDF through stva_draw_to_file ().
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-draw.h"

G_BEGIN_DECLS

typedef struct
{
  /* Draws data into a width x height box (ui/draw's contract: cr restored as found). */
  void  (*draw) (cairo_t *cr, gpointer data, const StvaDrawStyle *style, double width,
                 double height);
  /* (nullable) (transfer full) The tooltip at (x, y) (NULL: none), and *item the item there
   * (-1: none) for ::item-activated. */
  char *(*hit)  (cairo_t *cr, gpointer data, const StvaDrawStyle *style, double width,
                 double height, double x, double y, int *item);
} StvaFigure;

#define STVA_TYPE_FIGURE_VIEW (stva_figure_view_get_type ())
G_DECLARE_FINAL_TYPE (StvaFigureView, stva_figure_view, STVA, FIGURE_VIEW, GtkDrawingArea)

GtkWidget *stva_figure_view_new              (void);
/* figure (nullable: nothing, the placeholder shown) over data (borrowed: keep it until the
 * next call or the view's end); queues a draw. */
void       stva_figure_view_set_figure       (StvaFigureView *self, const StvaFigure *figure,
                                              gpointer data);
gboolean   stva_figure_view_has_figure       (StvaFigureView *self);
/* The text shown without a figure ("no prediction", an error). */
void       stva_figure_view_set_placeholder  (StvaFigureView *self, const char *text);
/* The label set's colours, (n, 3) channels 0..1 (copied), for StvaDrawStyle.label_rgb. */
void       stva_figure_view_set_label_colours (StvaFigureView *self, const double *rgb, int n);
/* The style the view draws with now (theme colours, the label colours: borrowed from the
 * view). */
void       stva_figure_view_get_style        (StvaFigureView *self, StvaDrawStyle *style);
/* The tooltip and item at (x, y) of the view as drawn now (item -1, NULL: none). */
char      *stva_figure_view_hit              (StvaFigureView *self, double x, double y,
                                              int *item);
/* Writes the figure to path (.png at 300 dpi, .svg, .pdf) at width x height points in the
 * paper style; FALSE with error naming the file (and without a figure). */
gboolean   stva_figure_view_export           (StvaFigureView *self, const char *path,
                                              double width_pt, double height_pt,
                                              GError **error);

G_END_DECLS
