/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Painting primitives for the demo faces (stva-demo-face-private.h): colour, gradients and soft
 * shading, the projection from head space onto the turned head, and the smooth paths the
 * features are drawn with.
 *
 * The corpus draws some 200k frames, so the cost per frame matters.  With Cairo's image backend
 * each fill costs a few microseconds however small, and a pixel costs ten times more under a
 * radial or slanted gradient than under a flat colour or a vertical gradient.  Hence: soft
 * shading is nested flat ellipses, gradients are vertical, and the two eyes, brows, nostrils
 * and so on share one path per colour.
 */
#include <math.h>
#include <stdbool.h>

#include "stva-demo-face-private.h"

/* ---- helpers: numbers and colour ------------------------------------------------------------ */

static inline double
smooth (double e0,
        double e1,
        double v)
{
  double t = clampd ((v - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

/* Colour c scaled by k (k > 1 lightens), clamped to 0..1. */
static void
scaled (double       out[3],
        const double c[3],
        double       k)
{
  for (int i = 0; i < 3; i++)
    out[i] = clampd (c[i] * k, 0.0, 1.0);
}

/* Sets colour c scaled by k (k > 1 lightens, clamped) with the given alpha. */
void
_stva_demo_set_rgba (cairo_t      *cr,
                     const double  c[3],
                     double        k,
                     double        alpha)
{
  double rgb[3];
  scaled (rgb, c, k);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
}

void
_stva_demo_add_stop (cairo_pattern_t *pat,
                     double           offset,
                     const double     c[3],
                     double           k,
                     double           alpha)
{
  double rgb[3];
  scaled (rgb, c, k);
  cairo_pattern_add_color_stop_rgba (pat, offset, rgb[0], rgb[1], rgb[2], alpha);
}

/* A linear gradient that is vertical on the frame, from the frame row under user-space (0, y0)
 * to the one under (0, y1).  Built in device space (its matrix is the current transform), so
 * pixman gets an identity transform and paints it a row at a time; a gradient that follows the
 * head's roll and sub-pixel translation goes through pixman's per-pixel transformed path at
 * several times the cost.  Light comes from above the frame, which a rolled head does not move. */
cairo_pattern_t *
_stva_demo_vertical_gradient (cairo_t *cr,
                              double   y0,
                              double   y1)
{
  double x0d = 0.0, y0d = y0, x1d = 0.0, y1d = y1;
  cairo_matrix_t m;

  cairo_user_to_device (cr, &x0d, &y0d);
  cairo_user_to_device (cr, &x1d, &y1d);
  if (fabs (y1d - y0d) < 1e-3)
    y1d = y0d + 1e-3;
  cairo_pattern_t *pat = cairo_pattern_create_linear (0.0, y0d, 0.0, y1d);
  cairo_get_matrix (cr, &m);
  cairo_pattern_set_matrix (pat, &m);
  return pat;
}

/* Fills the current path with pat and drops the pattern. */
void
_stva_demo_fill_pattern (cairo_t         *cr,
                         cairo_pattern_t *pat)
{
  cairo_set_source (cr, pat);
  cairo_fill (cr);
  cairo_pattern_destroy (pat);
}

/* A vertical gradient from colour c·k0 at y0 to c·k1 at y1, filling the current path. */
void
_stva_demo_fill_vertical (cairo_t      *cr,
                          const double  c[3],
                          double        y0,
                          double        k0,
                          double        y1,
                          double        k1,
                          double        alpha)
{
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, y0, y1);
  _stva_demo_add_stop (pat, 0.0, c, k0, alpha);
  _stva_demo_add_stop (pat, 1.0, c, k1, alpha);
  _stva_demo_fill_pattern (cr, pat);
}

/* Soft elliptical shading, colour c·k, about alpha at the centre fading out at (rx, ry): three
 * nested flat ellipses per spot, all spots of a layer in one fill. */
void
_stva_demo_soft_spots (cairo_t      *cr,
                       const Spot   *spots,
                       int           n,
                       const double  c[3],
                       double        k,
                       double        alpha)
{
  static const double radius[3] = { 1.0, 0.74, 0.46 };
  if (alpha <= 0.0)
    return;
  _stva_demo_set_rgba (cr, c, k, 1.0 - cbrt (1.0 - clampd (alpha, 0.0, 0.99)));
  for (int layer = 0; layer < 3; layer++)
    {
      for (int i = 0; i < n; i++)
        {
          if (spots[i].rx < 0.5 || spots[i].ry < 0.5)
            continue;
          cairo_new_sub_path (cr);
          cairo_save (cr);
          cairo_translate (cr, spots[i].x, spots[i].y);
          cairo_scale (cr, spots[i].rx * radius[layer], spots[i].ry * radius[layer]);
          cairo_arc (cr, 0.0, 0.0, 1.0, 0.0, 2.0 * M_PI);
          cairo_restore (cr);
        }
      cairo_fill (cr);
    }
}

/* Adds a (possibly transformed) ellipse to the path as its own sub-path. */
void
_stva_demo_ellipse_path (cairo_t *cr,
                         double   x,
                         double   y,
                         double   rx,
                         double   ry)
{
  cairo_new_sub_path (cr);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, rx, ry);
  cairo_arc (cr, 0.0, 0.0, 1.0, 0.0, 2.0 * M_PI);
  cairo_restore (cr);
}

/* ---- projection and paths ------------------------------------------------------------------- */

/* A point on the face surface: the head is an ellipsoid (flatter below the eyes, so chin and
 * mouth stay forward), dz lifts features off it (the nose, the lips, glasses). */
void
_stva_demo_surf (const Pose *p,
                 double      x,
                 double      y,
                 double      dz,
                 Pt         *out)
{
  double xn = x / p->a;
  double yn = y / p->b;
  if (yn > 0.0)
    yn *= 0.6;
  double q = 1.0 - xn * xn - yn * yn;
  double z = p->c * sqrt (q > 0.0 ? q : 0.0) + dz;
  double zr = -x * p->sin_yaw + z * p->cos_yaw;
  out->x = x * p->cos_yaw + z * p->sin_yaw;
  out->y = y * p->cos_pitch + zr * p->sin_pitch;
}

/* A point on the silhouette at depth z: the skull outline does not narrow when the head turns,
 * only its forward parts (the chin) slide with the face. */
void
_stva_demo_sil (const Pose *p,
                double      x,
                double      y,
                double      z,
                Pt         *out)
{
  out->x = x + z * p->sin_yaw;
  out->y = y + z * p->sin_pitch;
}

/* Local horizontal foreshortening of the surface at (x, y). */
double
_stva_demo_surf_scale_x (const Pose *p,
                         double      x,
                         double      y)
{
  Pt l, r;
  _stva_demo_surf (p, x - 1.0, y, 0.0, &l);
  _stva_demo_surf (p, x + 1.0, y, 0.0, &r);
  return clampd ((r.x - l.x) / 2.0, 0.2, 1.5);
}

/* A smooth path through device points (Catmull-Rom as cubic Béziers); move starts a new
 * sub-path, otherwise it joins the current one with a line. */
void
_stva_demo_spline (cairo_t  *cr,
                   const Pt *q,
                   int       n,
                   bool      move,
                   bool      closed)
{
  if (move)
    cairo_move_to (cr, q[0].x, q[0].y);
  else
    cairo_line_to (cr, q[0].x, q[0].y);
  int last = closed ? n : n - 1;
  for (int i = 0; i < last; i++)
    {
      const Pt *p0, *p1 = &q[i], *p2, *p3;
      if (closed)
        {
          p0 = &q[(i + n - 1) % n];
          p2 = &q[(i + 1) % n];
          p3 = &q[(i + 2) % n];
        }
      else
        {
          p0 = &q[i > 0 ? i - 1 : 0];
          p2 = &q[i + 1];
          p3 = &q[i + 2 < n ? i + 2 : n - 1];
        }
      cairo_curve_to (cr, p1->x + (p2->x - p0->x) / 6.0, p1->y + (p2->y - p0->y) / 6.0,
                      p2->x - (p3->x - p1->x) / 6.0, p2->y - (p3->y - p1->y) / 6.0, p2->x, p2->y);
    }
  if (closed)
    cairo_close_path (cr);
}

/* The same, last point to first. */
static void
spline_rev (cairo_t  *cr,
            const Pt *q,
            int       n,
            bool      move)
{
  Pt r[N_MAX];
  for (int i = 0; i < n; i++)
    r[i] = q[n - 1 - i];
  _stva_demo_spline (cr, r, n, move, false);
}

/* A band between two splines (a lip, a brow, lashes), as one closed sub-path. */
void
_stva_demo_band_path (cairo_t  *cr,
                      const Pt *edge0,
                      const Pt *edge1,
                      int       n)
{
  _stva_demo_spline (cr, edge0, n, true, false);
  spline_rev (cr, edge1, n, false);
  cairo_close_path (cr);
}

/* An ellipse on the face surface, projected point by point, as its own sub-path. */
void
_stva_demo_surf_ellipse (cairo_t    *cr,
                         const Pose *p,
                         double      cx,
                         double      cy,
                         double      rx,
                         double      ry,
                         double      dz)
{
  Pt q[10];
  for (int i = 0; i < 10; i++)
    {
      double t = 2.0 * M_PI * i / 10.0;
      _stva_demo_surf (p, cx + rx * cos (t), cy + ry * sin (t), dz, &q[i]);
    }
  _stva_demo_spline (cr, q, 10, true, true);
}

/* Fills q with the head outline (crown ellipse over a jaw whose squareness follows face->jaw;
 * below the mouth it drops with the jaw), through _stva_demo_sil (). */
void
_stva_demo_head_outline_points (const Pose         *p,
                                const StvaDemoFace *face,
                                double              jaw_drop,
                                double              grow,
                                Pt                 *q)
{
  double a = p->a * grow, b = p->b * grow;
  double jaw = clampd (face->jaw, 0.0, 1.0);
  double e = 2.0 / (2.2 + 1.6 * jaw);     /* superellipse exponent: 2.2 round .. 3.8 square */
  double taper = 0.36 - 0.12 * jaw;       /* narrower towards the chin */
  int n = 0;
  for (int i = 0; i < 20; i++)            /* crown: left cheek (-a, 0) over the top */
    {
      double t = M_PI * (1.0 - i / 20.0);
      _stva_demo_sil (p, a * cos (t), -b * sin (t), 0.0, &q[n++]);
    }
  for (int i = 0; i < 28; i++)            /* jaw: right cheek round the chin to the left cheek */
    {
      double v = M_PI * i / 28.0;
      double cv = cos (v);
      double yn = pow (sin (v), e);
      double x = a * copysign (pow (fabs (cv), e), cv) * (1.0 - taper * yn * yn);
      double z = p->c * 0.8 * clampd ((yn - 0.1) / 0.9, 0.0, 1.0) * (1.0 - 0.7 * fabs (x) / a);
      _stva_demo_sil (p, x, b * yn + jaw_drop * smooth (0.35, 0.9, yn), z, &q[n++]);
    }
}
