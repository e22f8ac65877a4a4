/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaTimelineView (see stva-timeline-view.h): the session's utterances as StvaDrawLanes,
 * rebuilt when they or their labels change, drawn through ui/draw in the theme's colours; the
 * hit test, the box of an utterance and the time under the pointer all go through ui/draw's
 * layout, so what is drawn is what is pointed at.
 */
#include "config.h"

#include <math.h>

#include "stva-draw.h"
#include "stva-timeline-view.h"

#define MIN_SPAN_S 0.5
#define ZOOM_STEP 1.25

struct _StvaTimelineView
{
  GtkWidget            parent_instance;

  StvaSession         *session;       /* owned, nullable */
  GListModel          *utterances;    /* borrowed from the session */
  StvaDrawLaneSegment *segments;      /* owned, (n_segments), in the session's order */
  int                  n_segments;
  GPtrArray           *texts;         /* owned: the segments' and lanes' strings */
  GPtrArray           *lanes;         /* owned, of char* (borrowed from texts) */
  double               first_s;       /* the span the utterances cover, with a margin */
  double               last_s;
  double               view_start_s;
  double               view_end_s;
  gboolean             zoomed;        /* the view is not the whole dialogue */
  double               position_s;
  double               pointer_x;     /* the last pointer position (zoom anchor) */
  cairo_surface_t     *measure;       /* owned: a 1x1 surface for text metrics */
};

G_DEFINE_FINAL_TYPE (StvaTimelineView, stva_timeline_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_POSITION,
  N_PROPS
};

enum
{
  SEEK,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- helpers ------------------------------------------------------------------------------ */

static void
rgb_of (const char *colour,
        double      rgb[3])
{
  GdkRGBA c = { 0.6f, 0.6f, 0.6f, 1.0f };
  if (colour != NULL)
    gdk_rgba_parse (&c, colour);
  rgb[0] = c.red;
  rgb[1] = c.green;
  rgb[2] = c.blue;
}

/* The draw style in the theme's colours: its view background and text, grid between them. */
static void
theme_style (StvaTimelineView *self,
             StvaDrawStyle    *style)
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
}

static StvaDrawLanes
lanes_of (StvaTimelineView *self)
{
  StvaUtteranceItem *sel = self->session != NULL ? stva_session_get_utterance (self->session)
                                                 : NULL;
  guint pos = self->session != NULL ? stva_session_get_utterance_position (self->session)
                                    : GTK_INVALID_LIST_POSITION;
  return (StvaDrawLanes) {
    .segments = self->segments,
    .n_segments = self->n_segments,
    .lane_names = (const char *const *) self->lanes->pdata,
    .n_lanes = (int) self->lanes->len,
    .view_start_s = self->view_start_s,
    .view_end_s = self->view_end_s,
    .playhead_s = self->session != NULL && stva_session_get_dialogue (self->session) != NULL
                    ? self->position_s : -1.0,
    .selected = sel != NULL && pos < (guint) self->n_segments ? (int) pos : -1,
  };
}

static cairo_t *
measure_cr (StvaTimelineView *self)
{
  return cairo_create (self->measure);
}

static void
clamp_view (StvaTimelineView *self,
            double            start_s,
            double            end_s)
{
  double full = fmax (self->last_s - self->first_s, MIN_SPAN_S);
  double span = fmin (full, fmax (MIN_SPAN_S, end_s - start_s));
  start_s = fmin (fmax (self->first_s, start_s), self->first_s + full - span);
  self->view_start_s = start_s;
  self->view_end_s = start_s + span;
  self->zoomed = span < full - 1e-9;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Keeps t in view when zoomed: pages so that it sits a tenth in from the left. */
static void
follow (StvaTimelineView *self,
        double            t_s)
{
  if (!self->zoomed || (t_s >= self->view_start_s && t_s <= self->view_end_s))
    return;
  double span = self->view_end_s - self->view_start_s;
  clamp_view (self, t_s - span * 0.1, t_s + span * 0.9);
}

/* Rebuilds the segments and lanes from the session's utterances. */
static void
rebuild (StvaTimelineView *self)
{
  guint old_lanes = self->lanes->len;
  g_clear_pointer (&self->segments, g_free);
  self->n_segments = 0;
  g_ptr_array_set_size (self->lanes, 0);
  g_ptr_array_set_size (self->texts, 0);
  double old_first = self->first_s, old_last = self->last_s;
  self->first_s = G_MAXDOUBLE;
  self->last_s = 0.0;
  guint n = self->utterances != NULL ? g_list_model_get_n_items (self->utterances) : 0;
  if (n > 0)
    {
      self->segments = g_new0 (StvaDrawLaneSegment, n);
      self->n_segments = (int) n;
    }
  g_autoptr (GHashTable) lane_of = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (self->utterances, i);
      const StvaDbUtterance *u = stva_utterance_item_get (item);
      StvaDrawLaneSegment *g = &self->segments[i];
      const char *speaker = u->speaker != NULL ? u->speaker : "";
      gpointer lane;
      if (!g_hash_table_lookup_extended (lane_of, speaker, NULL, &lane))
        {
          char *name = g_strdup (speaker);
          g_ptr_array_add (self->texts, name);
          lane = GINT_TO_POINTER (self->lanes->len);
          g_ptr_array_add (self->lanes, name);
          g_hash_table_insert (lane_of, name, lane);
        }
      g->lane = GPOINTER_TO_INT (lane);
      g->start_s = u->start_ms / 1000.0;
      /* an utterance without times still gets a sliver to point at */
      g->end_s = fmax (u->end_ms / 1000.0, g->start_s + 0.25);
      const StvaDbLabel *cur = stva_session_get_label (self->session, u->current_label_id);
      g->labelled = cur != NULL;
      rgb_of (cur != NULL ? cur->colour : NULL, g->rgb);
      const StvaDbLabel *pred = stva_session_get_label (self->session, u->predicted_label_id);
      g->predicted = pred != NULL;
      rgb_of (pred != NULL ? pred->colour : NULL, g->predicted_rgb);
      g->confidence = u->confidence;
      char *text = g_strdup (u->transcript);
      g_strdelimit (text, "\r\n\t", ' ');   /* one line in the block */
      g_ptr_array_add (self->texts, text);
      g->text = text;
      self->first_s = fmin (self->first_s, g->start_s);
      self->last_s = fmax (self->last_s, g->end_s);
    }
  /* a little room around the blocks; a dialogue starting within a second starts at 0 */
  self->first_s = n == 0 || self->first_s < 1.0 ? 0.0 : self->first_s - 0.2;
  self->last_s = n > 0 ? self->last_s + 0.2 : 0.0;
  if (self->lanes->len != old_lanes)
    gtk_widget_queue_resize (GTK_WIDGET (self));   /* a lane more or less: another height */
  if (!self->zoomed || self->first_s != old_first || self->last_s != old_last)
    clamp_view (self, self->first_s, self->last_s);
  else
    clamp_view (self, self->view_start_s, self->view_end_s);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static void
on_utterances_items_changed (GListModel       *model,
                             guint             position,
                             guint             removed,
                             guint             added,
                             StvaTimelineView *self)
{
  self->zoomed = FALSE;   /* another dialogue: show all of it */
  rebuild (self);
}

static void
on_session_label_changed (StvaSession      *session,
                          gint64            utterance_id,
                          StvaTimelineView *self)
{
  rebuild (self);
}

static void
on_session_notify_utterance (StvaSession      *session,
                             GParamSpec       *pspec,
                             StvaTimelineView *self)
{
  guint pos = stva_session_get_utterance_position (session);
  if (pos < (guint) self->n_segments && self->zoomed)
    {
      const StvaDrawLaneSegment *g = &self->segments[pos];
      if (g->end_s < self->view_start_s || g->start_s > self->view_end_s)
        {
          double span = self->view_end_s - self->view_start_s;
          double mid = (g->start_s + g->end_s) / 2.0;
          clamp_view (self, mid - span / 2.0, mid + span / 2.0);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click_pressed (GtkGestureClick  *gesture,
                  int               n_press,
                  double            x,
                  double            y,
                  StvaTimelineView *self)
{
  stva_timeline_view_activate_at (self, x, y);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           StvaTimelineView         *self)
{
  self->pointer_x = x;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           StvaTimelineView         *self)
{
  if (self->n_segments == 0)
    return FALSE;
  GdkModifierType state = gtk_event_controller_get_current_event_state (
    GTK_EVENT_CONTROLLER (scroll));
  double span = self->view_end_s - self->view_start_s;
  if (state & GDK_CONTROL_MASK)
    {
      cairo_t *cr = measure_cr (self);
      StvaDrawStyle style;
      theme_style (self, &style);
      StvaDrawLanes lanes = lanes_of (self);
      double px, pw;
      double anchor = (self->view_start_s + self->view_end_s) / 2.0;
      if (stva_draw_lanes_plot (cr, &lanes, &style, gtk_widget_get_width (GTK_WIDGET (self)),
                                gtk_widget_get_height (GTK_WIDGET (self)), &px, &pw))
        anchor = self->view_start_s + fmin (1.0, fmax (0.0, (self->pointer_x - px) / pw)) * span;
      cairo_destroy (cr);
      stva_timeline_view_zoom (self, pow (ZOOM_STEP, -dy), anchor);
      return TRUE;
    }
  if (!self->zoomed)
    return FALSE;   /* nothing to pan: let a surrounding view scroll */
  double d = fabs (dx) > fabs (dy) ? dx : dy;
  clamp_view (self, self->view_start_s + d * span * 0.1, self->view_end_s + d * span * 0.1);
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget        *widget,
                  int               x,
                  int               y,
                  gboolean          keyboard,
                  GtkTooltip       *tooltip,
                  StvaTimelineView *self)
{
  g_autofree char *markup = stva_timeline_view_tooltip_at (self, x, y);
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_timeline_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w <= 0 || h <= 0)
    return;
  StvaDrawStyle style;
  theme_style (self, &style);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  StvaDrawLanes lanes = lanes_of (self);
  if (lanes.n_lanes > 0)
    stva_draw_lanes (cr, &lanes, &style, w, h);
  else
    {
      cairo_set_source_rgb (cr, style.background[0], style.background[1], style.background[2]);
      cairo_paint (cr);
    }
  cairo_destroy (cr);
}

static void
stva_timeline_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (widget);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 600;
    }
  else
    {
      int lanes = MAX (2, (int) self->lanes->len);
      *minimum = 18 + lanes * 22;
      *natural = 18 + lanes * 34;
    }
}

static void
stva_timeline_view_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (stva_timeline_view_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
stva_timeline_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (object);
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_POSITION:
      g_value_set_double (value, self->position_s);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_timeline_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (object);
  switch (prop_id)
    {
    case PROP_SESSION:
      stva_timeline_view_set_session (self, g_value_get_object (value));
      break;
    case PROP_POSITION:
      stva_timeline_view_set_position (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_timeline_view_dispose (GObject *object)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (object);
  stva_timeline_view_set_session (self, NULL);
  G_OBJECT_CLASS (stva_timeline_view_parent_class)->dispose (object);
}

static void
stva_timeline_view_finalize (GObject *object)
{
  StvaTimelineView *self = STVA_TIMELINE_VIEW (object);
  g_clear_pointer (&self->segments, g_free);
  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  g_clear_pointer (&self->texts, g_ptr_array_unref);
  g_clear_pointer (&self->measure, cairo_surface_destroy);
  G_OBJECT_CLASS (stva_timeline_view_parent_class)->finalize (object);
}

static void
stva_timeline_view_class_init (StvaTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_timeline_view_dispose;
  object_class->finalize = stva_timeline_view_finalize;
  object_class->get_property = stva_timeline_view_get_property;
  object_class->set_property = stva_timeline_view_set_property;
  widget_class->snapshot = stva_timeline_view_snapshot;
  widget_class->measure = stva_timeline_view_measure;
  widget_class->css_changed = stva_timeline_view_css_changed;

  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, STVA_TYPE_SESSION,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                             | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_POSITION] = g_param_spec_double ("position", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                              | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* the time clicked, in seconds on the dialogue's clock */
  signals[SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  gtk_widget_class_set_css_name (widget_class, "stva-timeline-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
stva_timeline_view_init (StvaTimelineView *self)
{
  self->lanes = g_ptr_array_new ();
  self->texts = g_ptr_array_new_with_free_func (g_free);
  self->measure = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  self->view_end_s = MIN_SPAN_S;

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  GtkEventController *scroll = gtk_event_controller_scroll_new (
    GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Timeline of the dialogue", -1);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_timeline_view_new (void)
{
  return g_object_new (STVA_TYPE_TIMELINE_VIEW, NULL);
}

void
stva_timeline_view_set_session (StvaTimelineView *self,
                                StvaSession      *session)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self));
  g_return_if_fail (session == NULL || STVA_IS_SESSION (session));
  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->utterances, self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      self->utterances = NULL;
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->utterances = stva_session_get_utterances (session);
      g_signal_connect (self->utterances, "items-changed",
                        G_CALLBACK (on_utterances_items_changed), self);
      g_signal_connect (session, "label-changed", G_CALLBACK (on_session_label_changed), self);
      g_signal_connect (session, "notify::utterance", G_CALLBACK (on_session_notify_utterance),
                        self);
    }
  self->zoomed = FALSE;
  rebuild (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SESSION]);
}

StvaSession *
stva_timeline_view_get_session (StvaTimelineView *self)
{
  g_return_val_if_fail (STVA_IS_TIMELINE_VIEW (self), NULL);
  return self->session;
}

double
stva_timeline_view_get_position (StvaTimelineView *self)
{
  g_return_val_if_fail (STVA_IS_TIMELINE_VIEW (self), 0.0);
  return self->position_s;
}

void
stva_timeline_view_set_position (StvaTimelineView *self,
                                 double            position_s)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self));
  if (!isfinite (position_s) || position_s < 0.0)
    position_s = 0.0;
  if (position_s == self->position_s)
    return;
  self->position_s = position_s;
  follow (self, position_s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_POSITION]);
}

void
stva_timeline_view_set_view (StvaTimelineView *self,
                             double            start_s,
                             double            end_s)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self));
  clamp_view (self, start_s, end_s);
}

void
stva_timeline_view_get_view (StvaTimelineView *self,
                             double           *start_s,
                             double           *end_s)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self));
  if (start_s != NULL)
    *start_s = self->view_start_s;
  if (end_s != NULL)
    *end_s = self->view_end_s;
}

void
stva_timeline_view_zoom (StvaTimelineView *self,
                         double            factor,
                         double            anchor_s)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self) && factor > 0.0);
  double span = self->view_end_s - self->view_start_s;
  double share = span > 0.0 ? (anchor_s - self->view_start_s) / span : 0.5;
  double full = fmax (self->last_s - self->first_s, MIN_SPAN_S);
  double new_span = fmin (full, fmax (MIN_SPAN_S, span / factor));
  double start = anchor_s - share * new_span;
  clamp_view (self, start, start + new_span);
}

int
stva_timeline_view_utterance_at (StvaTimelineView *self,
                                 double            x,
                                 double            y)
{
  g_return_val_if_fail (STVA_IS_TIMELINE_VIEW (self), -1);
  if (self->n_segments == 0)
    return -1;
  StvaDrawStyle style;
  theme_style (self, &style);
  StvaDrawLanes lanes = lanes_of (self);
  cairo_t *cr = measure_cr (self);
  int i = stva_draw_lanes_at (cr, &lanes, &style, gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)), x, y);
  cairo_destroy (cr);
  return i;
}

gboolean
stva_timeline_view_utterance_box (StvaTimelineView *self,
                                  guint             position,
                                  graphene_rect_t  *box)
{
  g_return_val_if_fail (STVA_IS_TIMELINE_VIEW (self) && box != NULL, FALSE);
  if (position >= (guint) self->n_segments)
    return FALSE;
  StvaDrawStyle style;
  theme_style (self, &style);
  StvaDrawLanes lanes = lanes_of (self);
  cairo_t *cr = measure_cr (self);
  double b[4];
  gboolean ok = stva_draw_lanes_box (cr, &lanes, &style,
                                     gtk_widget_get_width (GTK_WIDGET (self)),
                                     gtk_widget_get_height (GTK_WIDGET (self)), (int) position, b);
  cairo_destroy (cr);
  if (ok)
    graphene_rect_init (box, b[0], b[1], b[2], b[3]);
  return ok;
}

void
stva_timeline_view_activate_at (StvaTimelineView *self,
                                double            x,
                                double            y)
{
  g_return_if_fail (STVA_IS_TIMELINE_VIEW (self));
  if (self->session == NULL || self->n_segments == 0)
    return;
  StvaDrawStyle style;
  theme_style (self, &style);
  StvaDrawLanes lanes = lanes_of (self);
  cairo_t *cr = measure_cr (self);
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double px, pw;
  gboolean plot = stva_draw_lanes_plot (cr, &lanes, &style, w, h, &px, &pw);
  int i = stva_draw_lanes_at (cr, &lanes, &style, w, h, x, y);
  cairo_destroy (cr);
  if (!plot || x < px || x > px + pw)
    return;
  if (i >= 0)
    stva_session_select_utterance (self->session, (guint) i);
  double t = self->view_start_s + (x - px) / pw * (self->view_end_s - self->view_start_s);
  g_signal_emit (self, signals[SEEK], 0, t);
}

static void
append_label (GString           *s,
              const char        *what,
              const StvaDbLabel *l)
{
  g_autofree char *name = g_markup_escape_text (l != NULL ? l->name : "none", -1);
  GdkRGBA c;
  /* the colour as parsed, never the project's text, goes into the markup */
  if (l != NULL && l->colour != NULL && gdk_rgba_parse (&c, l->colour))
    g_string_append_printf (s, "%s <span foreground=\"#%02x%02x%02x\">●</span> %s", what,
                            (guint) lroundf (c.red * 255), (guint) lroundf (c.green * 255),
                            (guint) lroundf (c.blue * 255), name);
  else
    g_string_append_printf (s, "%s %s", what, name);
}

char *
stva_timeline_view_tooltip_at (StvaTimelineView *self,
                               double            x,
                               double            y)
{
  g_return_val_if_fail (STVA_IS_TIMELINE_VIEW (self), NULL);
  int i = stva_timeline_view_utterance_at (self, x, y);
  if (i < 0 || self->utterances == NULL)
    return NULL;
  g_autoptr (StvaUtteranceItem) item = g_list_model_get_item (self->utterances, (guint) i);
  if (item == NULL)
    return NULL;
  const StvaDbUtterance *u = stva_utterance_item_get (item);
  g_autofree char *speaker = g_markup_escape_text (*u->speaker != '\0' ? u->speaker : "—", -1);
  g_autofree char *text = g_markup_escape_text (u->transcript, -1);
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "<b>%s</b>  <small>#%d · %.1f–%.1f s</small>\n%s\n", speaker,
                          u->idx, u->start_ms / 1000.0, u->end_ms / 1000.0, text);
  append_label (s, "current", stva_session_get_label (self->session, u->current_label_id));
  if (u->gold_label_id != 0 && u->gold_label_id != u->current_label_id)
    {
      g_string_append (s, " · ");
      append_label (s, "gold", stva_session_get_label (self->session, u->gold_label_id));
    }
  const StvaDbLabel *pred = stva_session_get_label (self->session, u->predicted_label_id);
  if (pred != NULL)
    {
      g_string_append (s, "\n");
      append_label (s, "predicted", pred);
      g_string_append_printf (s, " (%.2f)", u->confidence);
    }
  if (u->reviewed)
    g_string_append (s, "\n<small>reviewed</small>");
  return g_string_free (s, FALSE);
}
