/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The learning curves (see stva-draw.h): two panels of per-epoch values over one x axis.
 * Sizes are in points, so the same call makes a screen view, a PNG at any resolution and a
 * vector figure; text follows style->font_size_pt and shrinks only where a cell is too small.
 * Each figure has a layout function that both the drawing and the hit test call.
 */
#include <math.h>
#include <stdio.h>

#include "stva-draw-private.h"

/* ---- learning curves --------------------------------------------------------------------- */

typedef struct
{
  double left, top, plot_w, panel_h, gap;
  double x_lo, x_hi, y_hi[2];   /* the axes' ranges; y from 0 */
} Panels;

/* the least of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= v > 0 */
static double
nice_ceil (double v)
{
  static const double m[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
  double mag = pow (10.0, floor (log10 (v)));
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (m[i] * mag >= v)
      return m[i] * mag;
  return 10 * mag;
}

static bool
curves_layout (cairo_t              *cr,
               const StvaDrawCurves *c,
               const StvaDrawStyle  *style,
               double                width,
               double                height,
               Panels               *p)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  if (c->n <= 0)
    return false;
  p->left = 4 + title + _stva_draw_text_width (cr, style, "0.000", fs) + 6;
  p->top = 8 + fs;   /* room for the marker's name */
  p->gap = fs * 1.5;
  p->plot_w = width - p->left - 10;
  p->panel_h = (height - p->top - p->gap - (4 + fs * 1.6 + (c->x_title ? title : 0))) / 2;
  p->x_lo = c->x[0];
  p->x_hi = c->x[c->n - 1];
  if (!(p->x_hi > p->x_lo))
    p->x_lo -= 0.5, p->x_hi += 0.5;
  for (int k = 0; k < 2; k++)
    {
      double hi = 0.0;
      for (int i = 0; i < c->n; i++)
        if (isfinite (c->y[k][i]) && c->y[k][i] > hi)
          hi = c->y[k][i];
      p->y_hi[k] = c->unit_range[k] ? 1.0 : hi > 0.0 ? nice_ceil (hi * 1.02) : 1.0;
    }
  return p->plot_w > 20 && p->panel_h > 10;
}

static double
panel_x (const Panels *p,
         double        x)
{
  return p->left + (x - p->x_lo) / (p->x_hi - p->x_lo) * p->plot_w;
}

static double
panel_y (const Panels *p,
         int           k,
         double        v)
{
  double top = p->top + k * (p->panel_h + p->gap);
  return top + p->panel_h * (1.0 - fmin (fmax (v / p->y_hi[k], 0.0), 1.0));
}

bool
stva_draw_curves_point (cairo_t              *cr,
                        const StvaDrawCurves *c,
                        const StvaDrawStyle  *style,
                        double                width,
                        double                height,
                        int                   panel,
                        int                   i,
                        double               *x,
                        double               *y)
{
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p) || panel < 0 || panel > 1 || i < 0
      || i >= c->n || !isfinite (c->y[panel][i]))
    return false;
  *x = panel_x (&p, c->x[i]);
  *y = panel_y (&p, panel, c->y[panel][i]);
  return true;
}

int
stva_draw_curves_at (cairo_t              *cr,
                     const StvaDrawCurves *c,
                     const StvaDrawStyle  *style,
                     double                width,
                     double                height,
                     double                x,
                     double                y)
{
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p) || x < p.left || x > p.left + p.plot_w)
    return -1;
  bool over = false;
  for (int k = 0; k < 2; k++)
    {
      double top = p.top + k * (p.panel_h + p.gap);
      over = over || (y >= top && y <= top + p.panel_h);
    }
  if (!over)
    return -1;
  int best = 0;
  for (int i = 1; i < c->n; i++)
    if (fabs (panel_x (&p, c->x[i]) - x) < fabs (panel_x (&p, c->x[best]) - x))
      best = i;
  return best;
}

/* an x step of 1, 2 or 5 times a power of ten giving at most max_ticks ticks */
static double
tick_step (double range,
           int    max_ticks)
{
  double step = 1.0;
  for (int k = 0; k < 12 && range / step > max_ticks; k++)
    step *= k % 3 == 1 ? 2.5 : 2.0;   /* 1, 2, 5, 10, 20, 50, ... */
  return step;
}

void
stva_draw_curves (cairo_t              *cr,
                  const StvaDrawCurves *c,
                  const StvaDrawStyle  *style,
                  double                width,
                  double                height)
{
  const double fs = style->font_size_pt, title = fs * 1.8;
  cairo_save (cr);
  _stva_draw_clear (cr, style, width, height);
  Panels p;
  if (!curves_layout (cr, c, style, width, height, &p))
    {
      cairo_restore (cr);
      return;
    }
  cairo_set_line_width (cr, 0.5);
  /* the marker first: the curves' dots go over it */
  if (isfinite (c->marker_x) && c->marker_x >= p.x_lo && c->marker_x <= p.x_hi)
    {
      double x = panel_x (&p, c->marker_x), dash[2] = { 3.0, 2.0 };
      _stva_draw_rgb (cr, style->foreground);
      cairo_set_dash (cr, dash, 2, 0);
      _stva_draw_line (cr, x, p.top, x, p.top + 2 * p.panel_h + p.gap);
      cairo_set_dash (cr, NULL, 0, 0);
      if (c->marker_name != NULL)
        _stva_draw_text (cr, style, c->marker_name, x, p.top - fs * 0.7, fs * 0.85,
                         x > p.left + p.plot_w * 0.8 ? 1.0 : 0.5, 0.0);
    }
  double step = tick_step (p.x_hi - p.x_lo, (int) (p.plot_w / 36) + 1);
  for (int k = 0; k < 2; k++)
    {
      double top = p.top + k * (p.panel_h + p.gap);
      for (int q = 0; q <= 2; q++)   /* y gridlines at 0, half and the top, labelled */
        {
          double v = p.y_hi[k] * q / 2.0, y = panel_y (&p, k, v);
          char text[16];
          snprintf (text, sizeof text, "%.3g", v);
          _stva_draw_rgb (cr, style->grid);
          _stva_draw_line (cr, p.left, y, p.left + p.plot_w, y);
          _stva_draw_rgb (cr, style->foreground);
          _stva_draw_text (cr, style, text, p.left - 4, y, fs, 1.0, 0.0);
        }
      for (double x = ceil (p.x_lo / step) * step; x <= p.x_hi + 1e-9; x += step)
        {
          _stva_draw_rgb (cr, style->grid);
          _stva_draw_line (cr, panel_x (&p, x), top, panel_x (&p, x), top + p.panel_h);
          if (k == 1)
            {
              char text[16];
              snprintf (text, sizeof text, "%g", x);
              _stva_draw_rgb (cr, style->foreground);
              _stva_draw_text (cr, style, text, panel_x (&p, x), top + p.panel_h + 4 + fs * 0.8,
                               fs, 0.5, 0.0);
            }
        }
      _stva_draw_rgb (cr, style->foreground);
      if (c->y_titles[k] != NULL)
        _stva_draw_text (cr, style, c->y_titles[k], 4 + title / 2, top + p.panel_h / 2, fs, 0.5,
                         -M_PI / 2);

      const double *rgb = stva_draw_series_rgb (k == 0 ? 0 : 2);
      _stva_draw_rgb (cr, rgb);
      cairo_set_line_width (cr, 1.2);
      bool open = false;
      for (int i = 0; i < c->n; i++)
        {
          if (!isfinite (c->y[k][i]))
            {
              open = false;
              continue;
            }
          double x = panel_x (&p, c->x[i]), y = panel_y (&p, k, c->y[k][i]);
          if (open)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          open = true;
        }
      cairo_stroke (cr);
      for (int i = 0; i < c->n; i++)
        if (isfinite (c->y[k][i]))
          {
            cairo_arc (cr, panel_x (&p, c->x[i]), panel_y (&p, k, c->y[k][i]), 2.0, 0, 2 * M_PI);
            cairo_fill (cr);
          }
      cairo_set_line_width (cr, 0.5);
    }
  if (c->x_title != NULL)
    {
      _stva_draw_rgb (cr, style->foreground);
      _stva_draw_text (cr, style, c->x_title, p.left + p.plot_w / 2, height - title / 2, fs, 0.5,
                       0.0);
    }
  cairo_restore (cr);
}
