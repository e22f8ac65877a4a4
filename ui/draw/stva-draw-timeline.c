/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialogue timeline (see stva-draw.h): a lane per speaker, a block per utterance coloured by
 * its label, second ticks along the bottom, and the playhead.
 */
#include <math.h>
#include <glib.h>

#include "stva-draw-private.h"

#define LANE_LABEL_W 70.0
#define AXIS_H 16.0

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
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  if (n_lanes <= 0 || duration_s <= 0.0 || width <= LANE_LABEL_W + 10 || height <= AXIS_H + 4)
    {
      cairo_restore (cr);
      return;
    }
  double plot_w = width - LANE_LABEL_W - 8.0;
  double lane_h = (height - AXIS_H) / n_lanes;
  double sx = plot_w / duration_s;

  for (int l = 0; l < n_lanes; l++)
    {
      _stva_draw_rgb (cr, style->foreground);
      _stva_draw_text (cr, style, lane_names[l], 4.0, (l + 0.5) * lane_h, style->font_size_pt,
                       0.0, 0.0);
      _stva_draw_rgb (cr, style->grid);
      cairo_set_line_width (cr, 1.0);
      double y = (l + 1) * lane_h - 0.5;
      _stva_draw_line (cr, LANE_LABEL_W, y, LANE_LABEL_W + plot_w, y);
    }

  /* ticks: every second, labelled every 5 (every 10 past a minute) */
  int label_every = duration_s > 60 ? 10 : 5;
  for (int s = 0; s <= (int) duration_s; s++)
    {
      double x = LANE_LABEL_W + s * sx;
      _stva_draw_rgb (cr, style->grid);
      _stva_draw_line (cr, x + 0.5, height - AXIS_H, x + 0.5,
                       height - AXIS_H + (s % label_every ? 3 : 6));
      if (s % label_every == 0)
        {
          char text[16];
          g_snprintf (text, sizeof text, "%d s", s);
          _stva_draw_rgb (cr, style->foreground);
          _stva_draw_text (cr, style, text, x + 2, height - AXIS_H / 2 + 2,
                           style->font_size_pt * 0.8, 0.0, 0.0);
        }
    }

  for (int i = 0; i < n_segments; i++)
    {
      const StvaDrawSegment *g = &segments[i];
      if (g->lane < 0 || g->lane >= n_lanes)
        continue;
      double x0 = LANE_LABEL_W + g->start_s * sx, x1 = LANE_LABEL_W + g->end_s * sx;
      double y0 = g->lane * lane_h + 3, h = lane_h - 6;
      _stva_draw_rgb (cr, _stva_draw_label_rgb (style, g->label));
      cairo_rectangle (cr, x0, y0, fmax (1.0, x1 - x0 - 1), h);
      cairo_fill (cr);
      if (i == selected)
        {
          _stva_draw_rgb (cr, style->foreground);
          cairo_set_line_width (cr, 2.0);
          cairo_rectangle (cr, x0 - 1, y0 - 1, fmax (1.0, x1 - x0 + 1), h + 2);
          cairo_stroke (cr);
        }
    }

  if (playhead_s >= 0.0)
    {
      double x = LANE_LABEL_W + fmin (playhead_s, duration_s) * sx;
      cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
      cairo_set_line_width (cr, 2.0);
      _stva_draw_line (cr, x, 0, x, height - AXIS_H);
    }
  cairo_restore (cr);
}
