/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialogue timeline (see stva-draw.h): a lane per speaker, a block per utterance in the
 * colour of its current label with the model's prediction as a thin band under it (opacity:
 * the prediction's confidence), a time axis whose ticks adapt to the zoom, and the playhead.
 * One layout () places everything, so drawing, the hit test and the widget's zoom agree.
 */
#include <math.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "stva-draw-private.h"

#define AXIS_H 18.0          /* the time axis under the lanes */
#define LANE_PAD 3.0         /* above and below a lane's blocks */
#define NAME_MIN_W 40.0      /* the lane names' column, bounds */
#define NAME_MAX_W 120.0
#define BLOCK_TEXT_MIN_W 36.0   /* narrower blocks carry no text */

typedef struct
{
  double plot_x, plot_w;     /* the time plot, right of the lane names */
  double lane_h;
  double block_h, band_h;    /* a block, then the prediction band under it */
  double axis_y;             /* top of the axis */
  double sx;                 /* points per second */
} Layout;

/* ---- helpers ------------------------------------------------------------------------------ */

static bool
layout (cairo_t             *cr,
        const StvaDrawLanes *lanes,
        const StvaDrawStyle *style,
        double               width,
        double               height,
        Layout              *l)
{
  if (lanes->n_lanes <= 0 || !(lanes->view_end_s > lanes->view_start_s))
    return false;
  double names = _stva_draw_widest (cr, style, lanes->lane_names, lanes->n_lanes,
                                    style->font_size_pt) + 12.0;
  l->plot_x = fmin (NAME_MAX_W, fmax (NAME_MIN_W, names));
  l->plot_w = width - l->plot_x - 6.0;
  l->axis_y = height - AXIS_H;
  l->lane_h = l->axis_y / lanes->n_lanes;
  if (l->plot_w < 20.0 || l->lane_h < 8.0)
    return false;
  double inner = l->lane_h - 2 * LANE_PAD;
  l->band_h = fmax (3.0, fmin (8.0, inner * 0.2));
  l->block_h = inner - l->band_h - 1.0;
  l->sx = l->plot_w / (lanes->view_end_s - lanes->view_start_s);
  return true;
}

static double
x_of (const StvaDrawLanes *lanes,
      const Layout        *l,
      double               t_s)
{
  return l->plot_x + (t_s - lanes->view_start_s) * l->sx;
}

/* The box of segment i (blocks and band) in the layout, unclipped. */
static void
segment_box (const StvaDrawLanes *lanes,
             const Layout        *l,
             int                  i,
             double               box[4])
{
  const StvaDrawLaneSegment *g = &lanes->segments[i];
  double x0 = x_of (lanes, l, g->start_s), x1 = x_of (lanes, l, g->end_s);
  box[0] = x0;
  box[1] = g->lane * l->lane_h + LANE_PAD;
  box[2] = fmax (2.0, x1 - x0 - 1.0);   /* a hairline gap between neighbours */
  box[3] = l->block_h + 1.0 + l->band_h;
}

static void
rounded (cairo_t *cr,
         double   x,
         double   y,
         double   w,
         double   h,
         double   r)
{
  r = fmin (r, fmin (w, h) / 2.0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* black or white, whichever reads better on rgb (WCAG relative luminance) */
static void
text_on (const double *rgb,
         double        out[3])
{
  double lin[3];
  for (int i = 0; i < 3; i++)
    lin[i] = rgb[i] <= 0.03928 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  double y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  double v = (y + 0.05) / 0.05 > 1.05 / (y + 0.05) ? 0.0 : 1.0;
  out[0] = out[1] = out[2] = v;
}

/* text on one line in the box (x, y, w, h), ellipsized at its end, vertically centred */
static void
text_in (cairo_t             *cr,
         const StvaDrawStyle *style,
         const char          *text,
         double               x,
         double               y,
         double               w,
         double               h,
         double               size_pt)
{
  PangoLayout *pl = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (pl), style->text_dpi);
  pango_layout_context_changed (pl);
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  pango_font_description_set_size (font, (int) (size_pt * PANGO_SCALE));
  pango_layout_set_font_description (pl, font);
  pango_font_description_free (font);
  pango_layout_set_text (pl, text, -1);
  pango_layout_set_single_paragraph_mode (pl, TRUE);
  pango_layout_set_width (pl, (int) (w * PANGO_SCALE));
  pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);
  int tw, th;
  pango_layout_get_pixel_size (pl, &tw, &th);
  if (th <= h + 2)
    {
      cairo_move_to (cr, x, y + (h - th) / 2.0);
      pango_cairo_show_layout (cr, pl);
    }
  g_object_unref (pl);
}

/* A tick step (seconds) leaving at least min_gap points between labelled ticks. */
static double
tick_step (double sx,
           double min_gap)
{
  static const double steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800 };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * sx >= min_gap)
      return steps[i];
  return 3600;
}

static void
tick_text (double t_s,
           double step,
           char  *out,
           gsize  n)
{
  if (step < 1.0)
    g_snprintf (out, n, "%.1f s", t_s);
  else if (t_s >= 60.0 || step >= 60.0)
    g_snprintf (out, n, "%d:%02d", (int) (t_s / 60.0 + 1e-9), (int) fmod (t_s + 1e-9, 60.0));
  else
    g_snprintf (out, n, "%d s", (int) lround (t_s));
}

static void
draw_axis (cairo_t             *cr,
           const StvaDrawLanes *lanes,
           const StvaDrawStyle *style,
           const Layout        *l)
{
  double step = tick_step (l->sx, 56.0), minor = step / (step >= 1 && step <= 2 ? 4 : 5);
  double first = ceil (lanes->view_start_s / minor - 1e-9) * minor;
  cairo_set_line_width (cr, 1.0);
  _stva_draw_rgb (cr, style->grid);
  _stva_draw_line (cr, l->plot_x, l->axis_y + 0.5, l->plot_x + l->plot_w, l->axis_y + 0.5);
  for (int k = 0;; k++)
    {
      double t = first + k * minor;
      if (t > lanes->view_end_s + 1e-9)
        break;
      double x = floor (x_of (lanes, l, t)) + 0.5;
      bool major = fabs (t / step - round (t / step)) < 1e-6;
      _stva_draw_rgb (cr, style->grid);
      _stva_draw_line (cr, x, l->axis_y, x, l->axis_y + (major ? 6 : 3));
      if (major)
        {
          char text[24];
          tick_text (t, step, text, sizeof text);
          _stva_draw_rgb (cr, style->foreground);
          double tx = fmin (x + 3, l->plot_x + l->plot_w - _stva_draw_text_width (
                              cr, style, text, style->font_size_pt * 0.85));
          _stva_draw_text (cr, style, text, tx, l->axis_y + AXIS_H / 2 + 2,
                           style->font_size_pt * 0.85, 0.0, 0.0);
        }
    }
}

static void
draw_segment (cairo_t             *cr,
              const StvaDrawLanes *lanes,
              const StvaDrawStyle *style,
              const Layout        *l,
              int                  i)
{
  const StvaDrawLaneSegment *g = &lanes->segments[i];
  double box[4];
  segment_box (lanes, l, i, box);
  double x = box[0], y = box[1], w = box[2];
  if (g->labelled)
    {
      _stva_draw_rgb (cr, g->rgb);
      rounded (cr, x, y, w, l->block_h, 3.0);
      cairo_fill (cr);
    }
  else
    {
      /* no label: a hollow block in the grid colour */
      _stva_draw_rgb (cr, style->grid);
      cairo_set_line_width (cr, 1.0);
      rounded (cr, x + 0.5, y + 0.5, fmax (1.0, w - 1.0), l->block_h - 1.0, 3.0);
      cairo_stroke (cr);
    }
  if (g->predicted)
    {
      cairo_set_source_rgba (cr, g->predicted_rgb[0], g->predicted_rgb[1], g->predicted_rgb[2],
                             fmin (1.0, fmax (0.15, g->confidence)));
      rounded (cr, x, y + l->block_h + 1.0, w, l->band_h, 1.5);
      cairo_fill (cr);
    }
  if (g->text != NULL && w >= BLOCK_TEXT_MIN_W && l->block_h >= 10.0)
    {
      double fg[3];
      if (g->labelled)
        text_on (g->rgb, fg);
      else
        fg[0] = style->foreground[0], fg[1] = style->foreground[1], fg[2] = style->foreground[2];
      _stva_draw_rgb (cr, fg);
      cairo_save (cr);
      cairo_rectangle (cr, x, y, w, l->block_h);
      cairo_clip (cr);
      text_in (cr, style, g->text, x + 4, y, w - 8, l->block_h, style->font_size_pt * 0.9);
      cairo_restore (cr);
    }
}

/* ---- public API --------------------------------------------------------------------------- */

void
stva_draw_lanes (cairo_t             *cr,
                 const StvaDrawLanes *lanes,
                 const StvaDrawStyle *style,
                 double               width,
                 double               height)
{
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Layout l;
  if (!layout (cr, lanes, style, width, height, &l))
    {
      cairo_restore (cr);
      return;
    }

  /* lanes: every other one shaded, names on the left */
  for (int k = 0; k < lanes->n_lanes; k++)
    {
      double y = k * l.lane_h;
      if (k % 2 == 1)
        {
          cairo_set_source_rgba (cr, style->grid[0], style->grid[1], style->grid[2], 0.25);
          cairo_rectangle (cr, 0, y, width, l.lane_h);
          cairo_fill (cr);
        }
      _stva_draw_rgb (cr, style->foreground);
      cairo_save (cr);
      cairo_rectangle (cr, 0, y, l.plot_x - 4, l.lane_h);
      cairo_clip (cr);
      const char *name = lanes->lane_names[k] != NULL && lanes->lane_names[k][0] != '\0'
                           ? lanes->lane_names[k] : "—";
      text_in (cr, style, name, 6, y, l.plot_x - 12, l.lane_h, style->font_size_pt);
      cairo_restore (cr);
    }
  draw_axis (cr, lanes, style, &l);

  cairo_save (cr);
  cairo_rectangle (cr, l.plot_x, 0, l.plot_w, l.axis_y);
  cairo_clip (cr);
  for (int i = 0; i < lanes->n_segments; i++)
    {
      const StvaDrawLaneSegment *g = &lanes->segments[i];
      if (g->lane < 0 || g->lane >= lanes->n_lanes || g->end_s < lanes->view_start_s
          || g->start_s > lanes->view_end_s)
        continue;
      draw_segment (cr, lanes, style, &l, i);
    }
  if (lanes->selected >= 0 && lanes->selected < lanes->n_segments
      && lanes->segments[lanes->selected].lane >= 0
      && lanes->segments[lanes->selected].lane < lanes->n_lanes)
    {
      double box[4];
      segment_box (lanes, &l, lanes->selected, box);
      _stva_draw_rgb (cr, style->foreground);
      cairo_set_line_width (cr, 2.0);
      rounded (cr, box[0] - 1.5, box[1] - 1.5, box[2] + 3.0, box[3] + 3.0, 4.0);
      cairo_stroke (cr);
    }
  if (lanes->playhead_s >= lanes->view_start_s && lanes->playhead_s <= lanes->view_end_s)
    {
      double x = x_of (lanes, &l, lanes->playhead_s);
      cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      cairo_set_line_width (cr, 2.0);
      _stva_draw_line (cr, x, 0, x, l.axis_y);
      cairo_move_to (cr, x - 5, 0);
      cairo_line_to (cr, x + 5, 0);
      cairo_line_to (cr, x, 6);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
  cairo_restore (cr);
  cairo_restore (cr);
}

int
stva_draw_lanes_at (cairo_t             *cr,
                    const StvaDrawLanes *lanes,
                    const StvaDrawStyle *style,
                    double               width,
                    double               height,
                    double               x,
                    double               y)
{
  Layout l;
  if (!layout (cr, lanes, style, width, height, &l) || x < l.plot_x
      || x > l.plot_x + l.plot_w || y < 0 || y >= l.axis_y)
    return -1;
  for (int i = lanes->n_segments - 1; i >= 0; i--)   /* the last drawn is on top */
    {
      if (lanes->segments[i].lane < 0 || lanes->segments[i].lane >= lanes->n_lanes)
        continue;
      double box[4];
      segment_box (lanes, &l, i, box);
      if (x >= box[0] && x <= box[0] + box[2] && y >= box[1] && y <= box[1] + box[3])
        return i;
    }
  return -1;
}

bool
stva_draw_lanes_box (cairo_t             *cr,
                     const StvaDrawLanes *lanes,
                     const StvaDrawStyle *style,
                     double               width,
                     double               height,
                     int                  i,
                     double               box[4])
{
  Layout l;
  if (i < 0 || i >= lanes->n_segments || !layout (cr, lanes, style, width, height, &l)
      || lanes->segments[i].lane < 0 || lanes->segments[i].lane >= lanes->n_lanes)
    return false;
  segment_box (lanes, &l, i, box);
  double x0 = fmax (box[0], l.plot_x), x1 = fmin (box[0] + box[2], l.plot_x + l.plot_w);
  if (x1 <= x0)
    return false;
  box[0] = x0;
  box[2] = x1 - x0;
  return true;
}

bool
stva_draw_lanes_plot (cairo_t             *cr,
                      const StvaDrawLanes *lanes,
                      const StvaDrawStyle *style,
                      double               width,
                      double               height,
                      double              *plot_x,
                      double              *plot_w)
{
  Layout l;
  if (!layout (cr, lanes, style, width, height, &l))
    return false;
  *plot_x = l.plot_x;
  *plot_w = l.plot_w;
  return true;
}

void
stva_draw_timeline (cairo_t               *cr,
                    const StvaDrawSegment *segments,
                    int                    n_segments,
                    const char *const     *lane_names,
                    int                    n_lanes,
                    double                 duration_s,
                    double                 playhead_s,
                    int                    selected,
                    const StvaDrawStyle   *style,
                    double                 width,
                    double                 height)
{
  StvaDrawLaneSegment *lane = g_new0 (StvaDrawLaneSegment, MAX (n_segments, 1));
  for (int i = 0; i < n_segments; i++)
    {
      const double *rgb = _stva_draw_label_rgb (style, segments[i].label);
      lane[i] = (StvaDrawLaneSegment) { .start_s = segments[i].start_s,
                                        .end_s = segments[i].end_s,
                                        .lane = segments[i].lane,
                                        .labelled = true,
                                        .rgb = { rgb[0], rgb[1], rgb[2] } };
    }
  StvaDrawLanes lanes = { .segments = lane, .n_segments = n_segments,
                          .lane_names = lane_names, .n_lanes = n_lanes,
                          .view_start_s = 0.0, .view_end_s = duration_s,
                          .playhead_s = playhead_s, .selected = selected };
  stva_draw_lanes (cr, &lanes, style, width, height);
  g_free (lane);
}
