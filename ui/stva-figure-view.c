/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaFigureView: one drawing area for every figure of the inspector.  It draws through the
 * figure's function (the same one `synctva figure` and the export call) in the theme's
 * colours, turns the pointer into tooltips and clicks through the figure's hit test, and
 * exports at publication size in the paper style.
 */
#include "config.h"

#include <adwaita.h>

#include "stva-figure-view.h"

struct _StvaFigureView
{
  GtkDrawingArea parent_instance;

  StvaFigure  figure;        /* draw NULL: none */
  gpointer    data;          /* borrowed */
  char       *placeholder;   /* owned, nullable */
  double     *label_rgb;     /* owned (n_label_rgb, 3) */
  int         n_label_rgb;
  int         hover_item;
};

G_DEFINE_FINAL_TYPE (StvaFigureView, stva_figure_view, GTK_TYPE_DRAWING_AREA)

enum
{
  ITEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ------------------------------------------------------------------------------ */

void
stva_figure_view_get_style (StvaFigureView *self,
                            StvaDrawStyle  *style)
{
  stva_draw_style_init_screen (style);
  GdkRGBA fg, bg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *ctx = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (ctx, &fg);
  if (!gtk_style_context_lookup_color (ctx, "view_bg_color", &bg))
    bg = (GdkRGBA) { 1.0f, 1.0f, 1.0f, 1.0f };
  G_GNUC_END_IGNORE_DEPRECATIONS
  double f[3] = { fg.red, fg.green, fg.blue }, b[3] = { bg.red, bg.green, bg.blue };
  for (int i = 0; i < 3; i++)
    {
      style->foreground[i] = f[i];
      style->background[i] = b[i];
      style->grid[i] = b[i] + (f[i] - b[i]) * 0.22;
    }
  style->label_rgb = self->label_rgb;
  style->n_label_rgb = self->n_label_rgb;
}

/* A context for measuring text as the screen draws it (hit tests run outside a draw). */
static cairo_t *
measuring_cr (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  cairo_surface_destroy (surface);
  return cr;
}

char *
stva_figure_view_hit (StvaFigureView *self,
                      double          x,
                      double          y,
                      int            *item)
{
  g_return_val_if_fail (STVA_IS_FIGURE_VIEW (self), NULL);
  int dummy = -1;
  if (item == NULL)
    item = &dummy;
  *item = -1;
  if (self->figure.draw == NULL || self->figure.hit == NULL)
    return NULL;
  StvaDrawStyle style;
  stva_figure_view_get_style (self, &style);
  cairo_t *cr = measuring_cr ();
  char *text = self->figure.hit (cr, self->data, &style, gtk_widget_get_width (GTK_WIDGET (self)),
                                 gtk_widget_get_height (GTK_WIDGET (self)), x, y, item);
  cairo_destroy (cr);
  return text;
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
draw_func (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  StvaFigureView *self = STVA_FIGURE_VIEW (area);
  StvaDrawStyle style;
  stva_figure_view_get_style (self, &style);
  if (self->figure.draw != NULL)
    {
      self->figure.draw (cr, self->data, &style, width, height);
      return;
    }
  if (self->placeholder == NULL)
    return;
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->placeholder);
  pango_layout_set_width (layout, MAX (1, width - 24) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_set_source_rgba (cr, style.foreground[0], style.foreground[1], style.foreground[2], 0.55);
  cairo_move_to (cr, 12, MAX (0, (height - th) / 2));
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  if (keyboard)
    return FALSE;
  g_autofree char *text = stva_figure_view_hit (STVA_FIGURE_VIEW (widget), x, y, NULL);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           gpointer                  user_data)
{
  StvaFigureView *self = user_data;
  int item = -1;
  g_free (stva_figure_view_hit (self, x, y, &item));
  if ((item >= 0) != (self->hover_item >= 0))
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), item >= 0 ? "pointer" : NULL);
  self->hover_item = item;
}

static void
on_click_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   gpointer         user_data)
{
  StvaFigureView *self = user_data;
  int item = -1;
  g_free (stva_figure_view_hit (self, x, y, &item));
  if (item >= 0)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, item);
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_figure_view_finalize (GObject *object)
{
  StvaFigureView *self = STVA_FIGURE_VIEW (object);
  g_clear_pointer (&self->placeholder, g_free);
  g_clear_pointer (&self->label_rgb, g_free);
  G_OBJECT_CLASS (stva_figure_view_parent_class)->finalize (object);
}

static void
stva_figure_view_class_init (StvaFigureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = stva_figure_view_finalize;
  /* ::item-activated (int item): a click on the item the hit test named */
  signals[ITEM_ACTIVATED] = g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_INT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "figureview");
}

static void
stva_figure_view_init (StvaFigureView *self)
{
  self->hover_item = -1;
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_func, NULL, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_figure_view_new (void)
{
  return g_object_new (STVA_TYPE_FIGURE_VIEW, NULL);
}

void
stva_figure_view_set_figure (StvaFigureView   *self,
                             const StvaFigure *figure,
                             gpointer          data)
{
  g_return_if_fail (STVA_IS_FIGURE_VIEW (self));
  self->figure = figure != NULL ? *figure : (StvaFigure) { 0 };
  self->data = figure != NULL ? data : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
stva_figure_view_has_figure (StvaFigureView *self)
{
  g_return_val_if_fail (STVA_IS_FIGURE_VIEW (self), FALSE);
  return self->figure.draw != NULL;
}

void
stva_figure_view_set_placeholder (StvaFigureView *self,
                                  const char     *text)
{
  g_return_if_fail (STVA_IS_FIGURE_VIEW (self));
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  if (self->figure.draw == NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
stva_figure_view_set_label_colours (StvaFigureView *self,
                                    const double   *rgb,
                                    int             n)
{
  g_return_if_fail (STVA_IS_FIGURE_VIEW (self));
  g_clear_pointer (&self->label_rgb, g_free);
  self->n_label_rgb = rgb != NULL ? n : 0;
  if (self->n_label_rgb > 0)
    self->label_rgb = g_memdup2 (rgb, sizeof (double) * 3 * (gsize) n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

typedef struct
{
  StvaFigureView *self;
  StvaDrawStyle   style;
} ExportData;

static void
export_draw (cairo_t *cr,
             void    *data,
             double   width,
             double   height)
{
  ExportData *e = data;
  e->self->figure.draw (cr, e->self->data, &e->style, width, height);
}

gboolean
stva_figure_view_export (StvaFigureView  *self,
                         const char      *path,
                         double           width_pt,
                         double           height_pt,
                         GError         **error)
{
  g_return_val_if_fail (STVA_IS_FIGURE_VIEW (self) && path != NULL, FALSE);
  if (self->figure.draw == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "%s: nothing to export: the view shows no figure", path);
      return FALSE;
    }
  if (!stva_draw_file_kind_ok (path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: a figure is written as .png, .svg or .pdf", path);
      return FALSE;
    }
  ExportData e = { .self = self };
  stva_draw_style_init_paper (&e.style);
  e.style.label_rgb = self->label_rgb;
  e.style.n_label_rgb = self->n_label_rgb;
  char *message = NULL;
  if (!stva_draw_to_file (path, width_pt, height_pt, 300.0, export_draw, &e, &message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, message);
      g_free (message);
      return FALSE;
    }
  return TRUE;
}
