/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn faces for the demo corpus (see stva-demo-face.h): the frame (background, neck and
 * shoulders), the face and what the expression does to it, and the public API.  Hair is drawn
 * in stva-demo-face-hair.c, and the colour, shading, projection and path primitives are in
 * stva-demo-face-paint.c (stva-demo-face-private.h).
 *
 * Everything is laid out in "head space": pixels relative to the head centre, y down, before
 * pose.  Points on the face surface go through a small projection (an ellipsoid head turned by
 * yaw and pitch), so a turned head keeps its skull outline while eyes, nose and mouth slide
 * across it and the far side narrows; roll and translation are a plain Cairo transform.  The
 * shading (eye sockets, a nose with a shadow side and nostrils, lips darker than skin, jaw and
 * neck shadow, hair framing the forehead) is there for dlib's HOG face detector, which needs
 * the gradient structure of a real face rather than a clean outline.  Nothing here is random
 * and nothing reads the clock.
 *
 * The proportions were tuned against dlib's 68-point shape predictor (tools/dev/dlib-check.cpp):
 * its brow points stop following a brow raised much beyond what the brow_raise range gives here,
 * and a dark lid crease would catch them.
 */
#include <math.h>
#include <stdbool.h>

#include "stva-demo-face-private.h"

/* ---- types ---------------------------------------------------------------------------------- */

#define N_LIP     15   /* points along one lip edge, corner to corner */
#define N_LID     9    /* points along one eyelid, inner to outer corner */

/* What the expression does to the layout, worked out once per frame; head space, pixels. */
typedef struct
{
  double jaw_drop;           /* how far the chin moves down with mouth_open */
  double ex, ey, ew;         /* right-hand eye centre (the left one mirrors it), eye width */
  double open[2];            /* lid opening of the left and right eye, 0 .. 1.5 */
  double lower_lift;         /* lower lids pushed up by the cheeks (smile, sneer), in ew */
  double brow_y;             /* lower edge of the brows at their middle */
  double brow_raise, brow_tilt;
  double smile, sneer;
  double mouth_hw;           /* half the mouth width */
  double corner_y;           /* mouth corners */
} Layout;

/* ---- helpers: colour ------------------------------------------------------------------------ */

static void
mix3 (double       out[3],
      const double a[3],
      const double b[3],
      double       t)
{
  for (int i = 0; i < 3; i++)
    out[i] = a[i] + (b[i] - a[i]) * t;
}

static double
luma (const double c[3])
{
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/* ---- background, torso, neck ---------------------------------------------------------------- */

static void
draw_background (cairo_t            *cr,
                 int                 height,
                 const StvaDemoFace *face)
{
  /* vertical: pixman paints a vertical gradient a row at a time */
  cairo_pattern_t *pat = cairo_pattern_create_linear (0.0, 0.0, 0.0, height);
  _stva_demo_add_stop (pat, 0.0, face->background, 1.12, 1.0);
  _stva_demo_add_stop (pat, 0.45, face->background, 1.0, 1.0);
  _stva_demo_add_stop (pat, 1.0, face->background, 0.78, 1.0);
  cairo_set_source (cr, pat);
  cairo_paint (cr);
  cairo_pattern_destroy (pat);
}

static void
draw_neck (cairo_t       *cr,
           const Pose    *p,
           const Palette *pal,
           bool           back)
{
  double a = p->a, b = p->b;
  double hw = back ? 0.56 * a : 0.5 * a;
  /* the top is hidden under the jaw, the bottom under the collar */
  cairo_move_to (cr, -hw, 0.5 * b);
  cairo_curve_to (cr, -hw, 0.8 * b, -hw * 0.92, 1.1 * b, -hw * 1.05, 1.6 * b);
  cairo_line_to (cr, hw * 1.05, 1.6 * b);
  cairo_curve_to (cr, hw * 0.92, 1.1 * b, hw, 0.8 * b, hw, 0.5 * b);
  cairo_close_path (cr);
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, 0.85 * b, 1.4 * b);
  _stva_demo_add_stop (pat, 0.0, pal->skin, back ? 0.7 : 0.5, 1.0);
  _stva_demo_add_stop (pat, 0.45, pal->skin, back ? 0.8 : 0.66, 1.0);
  _stva_demo_add_stop (pat, 1.0, pal->skin, 0.84, 1.0);
  _stva_demo_fill_pattern (cr, pat);

  /* the sides of a cylinder are darker than its front */
  for (int side = -1; side <= 1; side += 2)
    {
      double s = side * hw;
      cairo_move_to (cr, s, 0.5 * b);
      cairo_curve_to (cr, s, 0.8 * b, s * 0.92, 1.1 * b, s * 1.05, 1.6 * b);
      cairo_line_to (cr, s * 0.7, 1.6 * b);
      cairo_curve_to (cr, s * 0.65, 1.1 * b, s * 0.7, 0.8 * b, s * 0.7, 0.5 * b);
      cairo_close_path (cr);
    }
  _stva_demo_set_rgba (cr, pal->skin, 0.5, 0.3);
  cairo_fill (cr);
}

static void
draw_torso (cairo_t            *cr,
            const Pose         *p,
            const StvaDemoFace *face,
            double              bottom)
{
  double a = p->a, b = p->b;
  double ys = 1.3 * b;    /* shoulder line */
  cairo_move_to (cr, -4.0 * a, bottom);
  cairo_line_to (cr, -3.6 * a, ys + 0.5 * b);
  cairo_curve_to (cr, -3.3 * a, ys + 0.1 * b, -2.6 * a, ys, -1.9 * a, ys - 0.02 * b);
  cairo_curve_to (cr, -1.2 * a, ys - 0.04 * b, -0.8 * a, ys - 0.12 * b, -0.62 * a, ys - 0.2 * b);
  cairo_curve_to (cr, -0.45 * a, ys + 0.05 * b, -0.2 * a, ys + 0.14 * b, 0.0, ys + 0.15 * b);
  cairo_curve_to (cr, 0.2 * a, ys + 0.14 * b, 0.45 * a, ys + 0.05 * b, 0.62 * a, ys - 0.2 * b);
  cairo_curve_to (cr, 0.8 * a, ys - 0.12 * b, 1.2 * a, ys - 0.04 * b, 1.9 * a, ys - 0.02 * b);
  cairo_curve_to (cr, 2.6 * a, ys, 3.3 * a, ys + 0.1 * b, 3.6 * a, ys + 0.5 * b);
  cairo_line_to (cr, 4.0 * a, bottom);
  cairo_close_path (cr);
  _stva_demo_fill_vertical (cr, face->shirt, ys - 0.2 * b, 1.1, ys + 1.0 * b, 0.7, 1.0);

  /* collar: a folded band along the neckline */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, -0.64 * a, ys - 0.19 * b);
  cairo_curve_to (cr, -0.45 * a, ys + 0.06 * b, -0.2 * a, ys + 0.15 * b, 0.0, ys + 0.16 * b);
  cairo_curve_to (cr, 0.2 * a, ys + 0.15 * b, 0.45 * a, ys + 0.06 * b, 0.64 * a, ys - 0.19 * b);
  _stva_demo_set_rgba (cr, face->shirt, 0.55, 1.0);
  cairo_set_line_width (cr, 0.06 * b);
  cairo_stroke (cr);
  cairo_move_to (cr, -0.7 * a, ys - 0.14 * b);
  cairo_curve_to (cr, -0.5 * a, ys + 0.12 * b, -0.2 * a, ys + 0.22 * b, 0.0, ys + 0.23 * b);
  cairo_curve_to (cr, 0.2 * a, ys + 0.22 * b, 0.5 * a, ys + 0.12 * b, 0.7 * a, ys - 0.14 * b);
  _stva_demo_set_rgba (cr, face->shirt, 1.2, 0.6);
  cairo_set_line_width (cr, 0.03 * b);
  cairo_stroke (cr);
}
/* ---- head and skin -------------------------------------------------------------------------- */

static void
draw_ears (cairo_t       *cr,
           const Pose    *p,
           const Palette *pal)
{
  double a = p->a, b = p->b;
  Pt c[2];
  for (int s = 0; s < 2; s++)
    _stva_demo_sil (p, (s ? 0.96 : -0.96) * a, 0.12 * b, -0.25 * p->c, &c[s]);
  for (int s = 0; s < 2; s++)
    _stva_demo_ellipse_path (cr, c[s].x, c[s].y, 0.14 * a, 0.21 * b);
  _stva_demo_set_rgba (cr, pal->skin, 0.9, 1.0);
  cairo_fill (cr);
  for (int s = 0; s < 2; s++)
    _stva_demo_ellipse_path (cr, c[s].x + (s ? 0.03 : -0.03) * a, c[s].y, 0.07 * a, 0.14 * b);
  _stva_demo_set_rgba (cr, pal->skin, 0.68, 1.0);
  cairo_fill (cr);
}

/* Skin over the head outline: lit forehead, chin in shadow, sides turning away from the light. */
static void
draw_head (cairo_t            *cr,
           const Pose         *p,
           const StvaDemoFace *face,
           const Palette      *pal,
           double              jaw_drop)
{
  double a = p->a, b = p->b;
  Pt q[N_OUTLINE], r[N_OUTLINE];
  _stva_demo_head_outline_points (p, face, jaw_drop, 1.0, q);
  _stva_demo_spline (cr, q, N_OUTLINE, true, true);
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, -b, b + jaw_drop);
  _stva_demo_add_stop (pat, 0.0, pal->skin, 1.04, 1.0);
  _stva_demo_add_stop (pat, 0.45, pal->skin, 1.0, 1.0);
  _stva_demo_add_stop (pat, 0.75, pal->skin, 0.95, 1.0);
  _stva_demo_add_stop (pat, 1.0, pal->skin, 0.72, 1.0);
  _stva_demo_fill_pattern (cr, pat);

  /* rings between the outline and smaller copies of it, the copies moved towards the light
   * (upper left), so the right side gets most shadow */
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  for (int k = 0; k < 2; k++)
    {
      double s = 0.92 - 0.1 * k;
      double ox = -(0.04 + 0.03 * k) * a + p->c * p->sin_yaw * (1.0 - s), oy = -0.03 * b;
      for (int i = 0; i < N_OUTLINE; i++)
        {
          r[i].x = q[i].x * s + ox;
          r[i].y = q[i].y * s + oy;
        }
      _stva_demo_spline (cr, q, N_OUTLINE, true, true);
      _stva_demo_spline (cr, r, N_OUTLINE, true, true);
      _stva_demo_set_rgba (cr, pal->skin, 0.72, 0.2);
      cairo_fill (cr);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);

  /* cheekbones catch light, the hollows under them do not */
  Spot lit[2], hollow[2];
  for (int s = 0; s < 2; s++)
    {
      double side = s ? 1.0 : -1.0;
      Pt c;
      _stva_demo_surf (p, side * 0.55 * a, 0.22 * b, 0.0, &c);
      lit[s] = (Spot) { c.x, c.y, 0.3 * a * _stva_demo_surf_scale_x (p, side * 0.55 * a, 0.22 * b),
                        0.16 * b };
      _stva_demo_surf (p, side * 0.78 * a, 0.5 * b, 0.0, &c);
      hollow[s] = (Spot) { c.x, c.y, 0.2 * a, 0.25 * b };
    }
  _stva_demo_soft_spots (cr, lit, 2, pal->skin, 1.1, 0.45);
  _stva_demo_soft_spots (cr, hollow, 2, pal->skin, 0.8, 0.3);
}

/* Eye sockets, blush, and the lines brows make on the forehead. */
static void
draw_skin_marks (cairo_t       *cr,
                 const Pose    *p,
                 const Palette *pal,
                 const Layout  *L)
{
  double a = p->a, b = p->b;
  Spot socket[2], blush[2];
  for (int s = 0; s < 2; s++)
    {
      double side = s ? 1.0 : -1.0;
      double x = side * (L->ex - 0.12 * L->ew);
      double y = L->ey - 0.12 * L->ew + 0.3 * (L->brow_y + 0.13 * b);
      Pt c;
      _stva_demo_surf (p, x, y, 0.0, &c);
      socket[s] = (Spot) { c.x, c.y, 0.9 * L->ew * _stva_demo_surf_scale_x (p, x, y),
                           0.55 * L->ew };
      _stva_demo_surf (p, side * 0.5 * a, 0.3 * b - L->smile * 0.06 * b, 0.0, &c);
      blush[s] = (Spot) { c.x, c.y, 0.22 * a, 0.13 * b };
    }
  _stva_demo_soft_spots (cr, socket, 2, pal->skin, 0.7, 0.45);
  static const double rose[3] = { 0.85, 0.4, 0.4 };
  _stva_demo_soft_spots (cr, blush, 2, rose, 0.9 * (0.5 + 0.5 * luma (pal->skin)),
                         0.12 + 0.15 * L->smile);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (L->brow_raise > 0.3)   /* forehead lines */
    {
      for (int i = 0; i < 2; i++)
        {
          Pt q[3];
          double y = -0.4 * b - 0.08 * b * i;
          _stva_demo_surf (p, -0.35 * a, y + 0.02 * b, 0.0, &q[0]);
          _stva_demo_surf (p, 0.0, y, 0.0, &q[1]);
          _stva_demo_surf (p, 0.35 * a, y + 0.02 * b, 0.0, &q[2]);
          _stva_demo_spline (cr, q, 3, true, false);
        }
      _stva_demo_set_rgba (cr, pal->skin_dark, 1.2, 0.45 * (L->brow_raise - 0.3));
      cairo_set_line_width (cr, 0.016 * b);
      cairo_stroke (cr);
    }
  double knit = fmax (-L->brow_tilt, 0.0) * 0.6 + fmax (-L->brow_raise, 0.0) * 0.4;
  if (knit > 0.1)            /* frown lines between the brows */
    {
      for (int side = -1; side <= 1; side += 2)
        {
          Pt q[2];
          _stva_demo_surf (p, side * 0.05 * a, L->brow_y - 0.02 * b, 0.02 * p->c, &q[0]);
          _stva_demo_surf (p, side * 0.07 * a, L->brow_y + 0.1 * b, 0.02 * p->c, &q[1]);
          cairo_move_to (cr, q[0].x, q[0].y);
          cairo_line_to (cr, q[1].x, q[1].y);
        }
      _stva_demo_set_rgba (cr, pal->skin_dark, 1.0, 0.7 * knit);
      cairo_set_line_width (cr, 0.02 * b);
      cairo_stroke (cr);
    }
}

/* ---- eyes and brows ------------------------------------------------------------------------- */

/* Upper lid height above the eye line at its apex, in eye widths. */
static double
lid_height (double open)
{
  return open <= 1.0 ? 0.19 * open : 0.19 + 0.36 * (open - 1.0);
}

/* Both eyes: crease, sclera shaded under the lid, iris, pupil, catchlight, lower rim and upper
 * lid with lashes; each step one path for both. */
static void
draw_eyes (cairo_t            *cr,
           const Pose         *p,
           const StvaDemoFace *face,
           const Palette      *pal,
           const Layout       *L)
{
  Pt up[2][N_LID], lo[2][N_LID], crease[2][N_LID], lash[2][N_LID];
  Pt centre[2];
  double sx[2];
  bool open_any = false;
  double ew = L->ew;
  for (int s = 0; s < 2; s++)
    {
      double side = s ? 1.0 : -1.0;
      double ex = side * L->ex, ey = L->ey;
      double hu = lid_height (L->open[s]);
      double hl = fmax (0.03 + 0.14 * fmin (L->open[s], 1.2) - L->lower_lift, 0.02);
      double y_in = ey + 0.03 * ew, y_out = ey - 0.03 * ew;
      double fold = fmax (0.2, hu + 0.1);    /* the crease stays put when the lid opens wide */
      for (int i = 0; i < N_LID; i++)
        {
          double t = (double) i / (N_LID - 1);
          double x = ex + side * (t - 0.5) * ew;
          double yb = y_in + (y_out - y_in) * t;
          double su = sin (M_PI * pow (t, 0.85));
          double sl = sin (M_PI * pow (t, 1.15));
          _stva_demo_surf (p, x, yb - hu * ew * su, 0.0, &up[s][i]);
          _stva_demo_surf (p, x, yb + hl * ew * sl, 0.0, &lo[s][i]);
          _stva_demo_surf (p, x, yb - (fold + 0.04) * ew * su - 0.02 * ew, 0.0, &crease[s][i]);
          _stva_demo_surf (p, x, yb - hu * ew * su - (0.05 + 0.07 * t) * ew * (0.4 + 0.6 * su), 0.0,
                           &lash[s][i]);
        }
      _stva_demo_surf (p, ex, ey + 0.02 * ew, 0.0, &centre[s]);
      sx[s] = _stva_demo_surf_scale_x (p, ex, ey);
      open_any = open_any || hu + hl > 0.06;
    }

  /* crease above each lid, faint: a dark crease would pass for a brow */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int s = 0; s < 2; s++)
    _stva_demo_spline (cr, crease[s] + 1, N_LID - 2, true, false);
  _stva_demo_set_rgba (cr, pal->skin_dark, 1.2, 0.3);
  cairo_set_line_width (cr, 0.04 * ew);
  cairo_stroke (cr);

  if (open_any)
    {
      for (int s = 0; s < 2; s++)
        _stva_demo_band_path (cr, up[s], lo[s], N_LID);
      cairo_save (cr);
      cairo_clip_preserve (cr);
      static const double white[3] = { 0.96, 0.95, 0.93 };
      double top = fmin (centre[0].y, centre[1].y) - 0.4 * ew;
      double bottom = fmax (centre[0].y, centre[1].y) + 0.25 * ew;
      _stva_demo_fill_vertical (cr, white, top, 0.68, bottom, 0.95, 1.0);

      double ri = 0.23 * ew;
      for (int s = 0; s < 2; s++)
        _stva_demo_ellipse_path (cr, centre[s].x, centre[s].y, ri * sx[s], ri);
      _stva_demo_set_rgba (cr, face->iris, 1.0, 1.0);
      cairo_fill_preserve (cr);
      _stva_demo_set_rgba (cr, face->iris, 0.45, 1.0);
      cairo_set_line_width (cr, 0.06 * ew);
      cairo_stroke (cr);
      for (int s = 0; s < 2; s++)
        _stva_demo_ellipse_path (cr, centre[s].x, centre[s].y, 0.42 * ri * sx[s], 0.42 * ri);
      cairo_set_source_rgb (cr, 0.03, 0.02, 0.02);
      cairo_fill (cr);
      for (int s = 0; s < 2; s++)
        _stva_demo_ellipse_path (cr, centre[s].x - 0.35 * ri * sx[s], centre[s].y - 0.35 * ri,
                                 0.2 * ri, 0.2 * ri);
      cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.9);
      cairo_fill (cr);

      /* the lid's shadow on the eyeball */
      for (int s = 0; s < 2; s++)
        {
          _stva_demo_spline (cr, up[s], N_LID, true, false);
          cairo_line_to (cr, up[s][N_LID - 1].x, up[s][N_LID - 1].y + 0.12 * ew);
          cairo_line_to (cr, up[s][0].x, up[s][0].y + 0.12 * ew);
          cairo_close_path (cr);
        }
      _stva_demo_set_rgba (cr, pal->skin_dark, 0.6, 0.35);
      cairo_fill (cr);
      cairo_restore (cr);

      for (int s = 0; s < 2; s++)
        _stva_demo_spline (cr, lo[s], N_LID, true, false);
      _stva_demo_set_rgba (cr, pal->skin_dark, 0.9, 0.7);
      cairo_set_line_width (cr, 0.045 * ew);
      cairo_stroke (cr);
    }

  /* upper lids with lashes: bands thickening towards the outer corners */
  for (int s = 0; s < 2; s++)
    _stva_demo_band_path (cr, up[s], lash[s], N_LID);
  cairo_set_source_rgba (cr, 0.06, 0.04, 0.04, 0.92);
  cairo_fill (cr);
}

/* Both brows: tapered bands, thick at the inner end; raise moves and arches them, tilt turns
 * the inner ends down (anger) or up (sadness).  They never sink onto the lids. */
static void
draw_brows (cairo_t       *cr,
            const Pose    *p,
            const Palette *pal,
            const Layout  *L)
{
  double b = p->b, ew = L->ew;
  for (int s = 0; s < 2; s++)
    {
      double side = s ? 1.0 : -1.0;
      double ex = side * L->ex;
      double floor_y = L->ey - lid_height (L->open[s]) * ew - 0.02 * b;
      Pt lo[N_LID], up[N_LID];
      double x_in = ex - side * 0.62 * ew, x_out = ex + side * 0.68 * ew;
      for (int i = 0; i < N_LID; i++)
        {
          double t = (double) i / (N_LID - 1);
          double x = x_in + (x_out - x_in) * t;
          double arch = (0.035 + 0.02 * fmax (L->brow_raise, 0.0)) * b * sin (M_PI * pow (t, 1.3));
          double y = L->brow_y - arch - L->brow_tilt * 0.075 * b * (1.0 - t)
                     + L->brow_tilt * 0.03 * b * t;
          y = fmin (y, floor_y);
          double thick = (0.1 - 0.055 * t) * b * (1.0 - 0.6 * t * t * t) * (t > 0.95 ? 0.5 : 1.0);
          _stva_demo_surf (p, x, y, 0.02 * p->c, &lo[i]);
          _stva_demo_surf (p, x, y - thick, 0.02 * p->c, &up[i]);
        }
      _stva_demo_band_path (cr, lo, up, N_LID);
    }
  _stva_demo_set_rgba (cr, pal->brow, 1.0, 0.95);
  cairo_fill (cr);
}

/* ---- nose, mouth, beard, glasses ------------------------------------------------------------ */

static void
draw_nose (cairo_t       *cr,
           const Pose    *p,
           const Palette *pal,
           double         wrinkle)
{
  double a = p->a, b = 1.15 * p->b, c = p->c;    /* b stretched: the nose is long */
  double lift = 0.03 * b * wrinkle;               /* disgust pulls the nostril wings up */
  Pt q[4];
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* bridge: shadow side on the right, a faint line on the left, light down the middle */
  for (int side = -1; side <= 1; side += 2)
    {
      _stva_demo_surf (p, side * 0.1 * a, -0.02 * b, 0.06 * c, &q[0]);
      _stva_demo_surf (p, side * 0.11 * a, 0.12 * b, 0.14 * c, &q[1]);
      _stva_demo_surf (p, side * 0.13 * a, 0.26 * b, 0.22 * c, &q[2]);
      _stva_demo_spline (cr, q, 3, true, false);
      _stva_demo_set_rgba (cr, pal->skin, 0.6, side > 0 ? 0.45 : 0.18);
      cairo_set_line_width (cr, (side > 0 ? 0.07 : 0.035) * a);
      cairo_stroke (cr);
    }
  _stva_demo_surf (p, 0.03 * a, 0.02 * b, 0.08 * c, &q[0]);
  _stva_demo_surf (p, 0.03 * a, 0.22 * b, 0.22 * c, &q[1]);
  cairo_move_to (cr, q[0].x, q[0].y);
  cairo_line_to (cr, q[1].x, q[1].y);
  _stva_demo_set_rgba (cr, pal->skin, 1.15, 0.35);
  cairo_set_line_width (cr, 0.05 * a);
  cairo_stroke (cr);

  /* disgust: short creases on both sides of the bridge */
  if (wrinkle > 0.05)
    {
      for (int side = -1; side <= 1; side += 2)
        for (int i = 0; i < 2; i++)
          {
            double y = (0.06 + 0.06 * i) * b;
            _stva_demo_surf (p, side * 0.05 * a, y - 0.01 * b, 0.12 * c, &q[0]);
            _stva_demo_surf (p, side * 0.11 * a, y + 0.005 * b, 0.1 * c, &q[1]);
            _stva_demo_surf (p, side * 0.17 * a, y + 0.025 * b, 0.06 * c, &q[2]);
            _stva_demo_spline (cr, q, 3, true, false);
          }
      _stva_demo_set_rgba (cr, pal->skin_dark, 1.0, 0.55 * fmin (wrinkle, 1.0));
      cairo_set_line_width (cr, 0.02 * b);
      cairo_stroke (cr);
    }

  /* shadow under the tip and beside the wings, light on the tip */
  Spot under, wings[2], tip;
  Pt u;
  _stva_demo_surf (p, 0.02 * a, 0.39 * b, 0.12 * c, &u);
  under = (Spot) { u.x, u.y, 0.26 * a, 0.07 * b };
  for (int s = 0; s < 2; s++)
    {
      _stva_demo_surf (p, (s ? 0.2 : -0.2) * a, 0.3 * b - lift, 0.12 * c, &u);
      wings[s] = (Spot) { u.x, u.y, 0.1 * a, 0.09 * b };
    }
  _stva_demo_surf (p, -0.01 * a, 0.28 * b - 0.3 * lift, 0.28 * c, &u);
  tip = (Spot) { u.x, u.y, 0.13 * a, 0.09 * b };
  _stva_demo_soft_spots (cr, &under, 1, pal->skin, 0.55, 0.6);
  _stva_demo_soft_spots (cr, wings, 2, pal->skin, 0.6, 0.55);
  _stva_demo_soft_spots (cr, &tip, 1, pal->skin, 1.15, 0.55);

  /* wings: curved contours; nostrils */
  for (int side = -1; side <= 1; side += 2)
    {
      _stva_demo_surf (p, side * 0.13 * a, 0.22 * b - lift, 0.18 * c, &q[0]);
      _stva_demo_surf (p, side * 0.2 * a, 0.29 * b - lift, 0.14 * c, &q[1]);
      _stva_demo_surf (p, side * 0.19 * a, 0.35 * b - lift, 0.13 * c, &q[2]);
      _stva_demo_surf (p, side * 0.12 * a, 0.37 * b - lift, 0.16 * c, &q[3]);
      _stva_demo_spline (cr, q, 4, true, false);
    }
  _stva_demo_set_rgba (cr, pal->skin_dark, 0.85, 0.75);
  cairo_set_line_width (cr, 0.028 * b);
  cairo_stroke (cr);
  for (int side = -1; side <= 1; side += 2)
    _stva_demo_surf_ellipse (cr, p, side * 0.085 * a, 0.36 * b - lift * 0.7, 0.055 * a, 0.022 * b,
                             0.2 * c);
  _stva_demo_set_rgba (cr, pal->skin_dark, 0.45, 0.95);
  cairo_fill (cr);
}

/* Lines from the nose wings past the mouth corners, deeper in a smile or a sneer. */
static void
draw_folds (cairo_t       *cr,
            const Pose    *p,
            const Palette *pal,
            const Layout  *L)
{
  double a = p->a, b = p->b;
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 0.025 * b);
  for (int s = 0; s < 2; s++)
    {
      double side = s ? 1.0 : -1.0;
      double sneer = s ? 0.0 : L->sneer;     /* the sneer is on the left */
      double depth = 0.06 + 0.5 * L->smile + 0.6 * sneer;
      Pt q[3];
      _stva_demo_surf (p, side * 0.22 * a, 0.4 * b - 0.03 * b * sneer, 0.05 * p->c, &q[0]);
      _stva_demo_surf (p, side * (L->mouth_hw + 0.1 * a),
                       L->corner_y - 0.12 * b * (1.0 - 0.5 * L->smile), 0.0, &q[1]);
      _stva_demo_surf (p, side * (L->mouth_hw + 0.06 * a), L->corner_y + 0.12 * b, 0.0, &q[2]);
      _stva_demo_spline (cr, q, 3, true, false);
      _stva_demo_set_rgba (cr, pal->skin_dark, 1.0, clampd (depth, 0.0, 0.8));
      cairo_stroke (cr);
    }
}

static void
draw_mouth (cairo_t            *cr,
            const Pose         *p,
            const Palette      *pal,
            const StvaDemoExpr *e,
            const Layout       *L)
{
  double a = p->a, b = p->b;
  double curve = clampd (e->mouth_curve, -1.0, 1.0);
  double open = clampd (e->mouth_open, 0.0, 1.0);
  double hw = L->mouth_hw, corner_y = L->corner_y;
  double stom_y = 0.62 * b + curve * 0.025 * b;   /* centre of the lip line */
  double ui = stom_y - L->jaw_drop * 0.1;         /* inner edges of the lips at the centre */
  double li = stom_y + L->jaw_drop * 0.9;
  double uo = ui - 0.07 * b;                      /* outer edges */
  double lo = li + 0.1 * b * (1.0 - 0.3 * open);
  double dz = 0.05 * p->c;
  Pt up_o[N_LIP], up_i[N_LIP], lo_i[N_LIP], lo_o[N_LIP];
  double gap_max = 0.0;
  for (int i = 0; i < N_LIP; i++)
    {
      double t = -1.0 + 2.0 * i / (N_LIP - 1);
      double s = 1.0 - t * t;
      double bow = 0.02 * b * exp (-pow ((fabs (t) - 0.3) / 0.16, 2.0))
                   - 0.008 * b * exp (-pow (t / 0.12, 2.0));
      double sneer = L->sneer * 0.08 * b * exp (-pow ((t + 0.4) / 0.32, 2.0));
      double cy = corner_y - (t < 0.0 ? L->sneer * 0.03 * b * (-t) : 0.0);
      double yui = cy + (ui - cy) * pow (s, 0.8) - sneer * 1.1;
      double yli = cy + (li - cy) * pow (s, 0.7);
      gap_max = fmax (gap_max, yli - yui);
      _stva_demo_surf (p, t * hw, cy + (uo - cy) * pow (s, 0.5) - bow - sneer, dz * s, &up_o[i]);
      _stva_demo_surf (p, t * hw, yui, dz * s, &up_i[i]);
      _stva_demo_surf (p, t * hw, yli, dz * s, &lo_i[i]);
      _stva_demo_surf (p, t * hw, cy + (lo - cy) * pow (s, 0.45), dz * s, &lo_o[i]);
    }

  /* shadow under the lower lip, over the chin */
  Spot chin;
  Pt u;
  _stva_demo_surf (p, 0.0, lo + 0.05 * b, 0.0, &u);
  chin = (Spot) { u.x, u.y, 0.55 * hw, 0.05 * b };
  _stva_demo_soft_spots (cr, &chin, 1, pal->skin, 0.6, 0.45);

  /* both lips, then the upper one darker */
  _stva_demo_band_path (cr, up_o, lo_o, N_LIP);
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, up_o[N_LIP / 2].y, lo_o[N_LIP / 2].y);
  _stva_demo_add_stop (pat, 0.0, pal->lip, 0.8, 1.0);
  _stva_demo_add_stop (pat, 0.6, pal->lip, 1.0, 1.0);
  _stva_demo_add_stop (pat, 1.0, pal->lip, 0.85, 1.0);
  _stva_demo_fill_pattern (cr, pat);
  _stva_demo_band_path (cr, up_o, up_i, N_LIP);
  _stva_demo_set_rgba (cr, pal->lip, 0.78, 1.0);
  cairo_fill (cr);

  if (gap_max > 0.8)
    {
      /* open: a dark cavity, a tongue, upper teeth under the upper lip */
      _stva_demo_band_path (cr, up_i, lo_i, N_LIP);
      cairo_save (cr);
      cairo_clip_preserve (cr);
      cairo_set_source_rgb (cr, 0.2, 0.05, 0.06);
      cairo_fill (cr);
      _stva_demo_surf (p, 0.0, li + 0.01 * b, dz, &u);
      _stva_demo_ellipse_path (cr, u.x, u.y, 0.55 * hw, 0.08 * b * fmax (open, 0.3));
      cairo_set_source_rgba (cr, 0.58, 0.25, 0.28, 0.9);
      cairo_fill (cr);
      Pt teeth[N_LIP];
      double depth = fmin (0.045 * b, 0.3 * gap_max);
      for (int i = 0; i < N_LIP; i++)
        {
          double t = -1.0 + 2.0 * i / (N_LIP - 1);
          teeth[i] = up_i[i];
          teeth[i].y += depth * (1.0 - pow (fabs (t), 4.0));
        }
      for (int i = 0; i < N_LIP; i++)  /* start the teeth above the lip edge, under the lip */
        up_o[i].y = fmin (up_o[i].y, up_i[i].y - 1.0);
      _stva_demo_band_path (cr, up_o, teeth, N_LIP);
      cairo_set_source_rgb (cr, 0.94, 0.92, 0.86);
      cairo_fill (cr);
      cairo_restore (cr);
    }

  /* the lip line, darkest at the corners */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  _stva_demo_spline (cr, up_i, N_LIP, true, false);
  _stva_demo_set_rgba (cr, pal->lip, 0.4, gap_max > 0.8 ? 0.5 : 0.95);
  cairo_set_line_width (cr, 0.022 * b);
  cairo_stroke (cr);
  _stva_demo_ellipse_path (cr, up_i[0].x, up_i[0].y, 0.035 * a, 0.02 * b);
  _stva_demo_ellipse_path (cr, up_i[N_LIP - 1].x, up_i[N_LIP - 1].y, 0.035 * a, 0.02 * b);
  _stva_demo_set_rgba (cr, pal->skin_dark, 0.7, 0.5);
  cairo_fill (cr);

  /* light on the lower lip */
  _stva_demo_surf (p, -0.1 * a, li + 0.55 * (lo - li), dz, &u);
  _stva_demo_ellipse_path (cr, u.x, u.y, 0.3 * hw, 0.018 * b);
  _stva_demo_set_rgba (cr, pal->lip, 1.5, 0.3);
  cairo_fill (cr);
}

static void
draw_beard (cairo_t            *cr,
            const Pose         *p,
            const StvaDemoFace *face,
            const Palette      *pal,
            double              jaw_drop)
{
  double a = p->a, b = p->b;
  Pt out[N_OUTLINE], edge[N_MAX];
  int n = 0;
  _stva_demo_head_outline_points (p, face, jaw_drop, 1.015, out);
  for (int i = 21; i < N_OUTLINE; i++)   /* the outline below the ears, round the chin */
    edge[n++] = out[i];
  static const double top[][2] = {       /* cheek line and moustache, left to right */
    { -0.93, 0.12 }, { -0.82, 0.34 }, { -0.6, 0.46 }, { -0.38, 0.48 }, { -0.15, 0.47 },
    { 0.0, 0.48 }, { 0.15, 0.47 }, { 0.38, 0.48 }, { 0.6, 0.46 }, { 0.82, 0.34 }, { 0.93, 0.12 },
  };
  for (int i = 0; i < 11; i++)
    _stva_demo_surf (p, top[i][0] * a, top[i][1] * b, 0.03 * p->c, &edge[n++]);
  _stva_demo_spline (cr, edge, n, true, true);
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, 0.3 * b, b + jaw_drop);
  _stva_demo_add_stop (pat, 0.0, pal->hair, 1.2, 0.8);
  _stva_demo_add_stop (pat, 1.0, pal->hair, 0.9, 0.95);
  _stva_demo_fill_pattern (cr, pat);
}

static void
draw_glasses (cairo_t      *cr,
              const Pose   *p,
              const Layout *L)
{
  double a = p->a, b = p->b, dz = 0.12 * p->c;
  double ex = L->ex, ey = L->ey, ew = L->ew;
  Pt rim[2][16];
  for (int s = 0; s < 2; s++)
    {
      double cx = (s ? 1.0 : -1.0) * ex;
      for (int i = 0; i < 16; i++)   /* rounded rectangles: superellipses */
        {
          double t = 2.0 * M_PI * i / 16.0;
          double ct = cos (t), st = sin (t);
          _stva_demo_surf (p, cx + 0.78 * ew * copysign (pow (fabs (ct), 0.6), ct),
                           ey + 0.01 * b + 0.2 * b * copysign (pow (fabs (st), 0.6), st), dz,
                           &rim[s][i]);
        }
      _stva_demo_spline (cr, rim[s], 16, true, true);
    }
  cairo_set_source_rgba (cr, 0.85, 0.9, 1.0, 0.1);
  cairo_fill (cr);

  /* rims, bridge, and the temples towards the ears */
  for (int s = 0; s < 2; s++)
    _stva_demo_spline (cr, rim[s], 16, true, true);
  Pt q[3];
  _stva_demo_surf (p, -ex + 0.78 * ew, ey - 0.06 * b, dz, &q[0]);
  _stva_demo_surf (p, 0.0, ey - 0.1 * b, dz * 1.2, &q[1]);
  _stva_demo_surf (p, ex - 0.78 * ew, ey - 0.06 * b, dz, &q[2]);
  _stva_demo_spline (cr, q, 3, true, false);
  for (int side = -1; side <= 1; side += 2)
    {
      _stva_demo_surf (p, side * (ex + 0.78 * ew), ey - 0.08 * b, dz, &q[0]);
      _stva_demo_sil (p, side * 0.99 * a, ey - 0.04 * b, -0.1 * p->c, &q[1]);
      cairo_move_to (cr, q[0].x, q[0].y);
      cairo_line_to (cr, q[1].x, q[1].y);
    }
  cairo_set_source_rgb (cr, 0.1, 0.08, 0.08);
  cairo_set_line_width (cr, 0.035 * b);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);

  /* a glint on each lens */
  for (int s = 0; s < 2; s++)
    {
      double cx = (s ? 1.0 : -1.0) * ex;
      _stva_demo_surf (p, cx - 0.45 * ew, ey - 0.1 * b, dz, &q[0]);
      _stva_demo_surf (p, cx - 0.15 * ew, ey - 0.16 * b, dz, &q[1]);
      cairo_move_to (cr, q[0].x, q[0].y);
      cairo_line_to (cr, q[1].x, q[1].y);
    }
  cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.35);
  cairo_set_line_width (cr, 0.02 * b);
  cairo_stroke (cr);
}

/* ---- frame setup ---------------------------------------------------------------------------- */

static void
palette_init (Palette            *pal,
              const StvaDemoFace *face)
{
  for (int i = 0; i < 3; i++)
    {
      pal->skin[i] = clampd (face->skin[i], 0.0, 1.0);
      pal->hair[i] = clampd (face->hair[i], 0.0, 1.0);
      pal->skin_dark[i] = pal->skin[i] * 0.55;
    }
  /* lips: skin pulled towards red, darker on fair skin too */
  static const double red[3] = { 0.7, 0.25, 0.28 };
  double base[3] = { pal->skin[0] * 0.85, pal->skin[1] * 0.85, pal->skin[2] * 0.85 };
  mix3 (pal->lip, base, red, 0.4);
  for (int i = 0; i < 3; i++)
    pal->lip[i] *= 0.55 + 0.45 * luma (pal->skin);
  /* brows stay darker than the skin whatever the hair colour */
  static const double dark[3] = { 0.08, 0.06, 0.05 };
  mix3 (pal->brow, pal->hair, dark, luma (pal->hair) > 0.3 ? 0.55 : 0.2);
}

static void
layout_init (Layout             *L,
             const Pose         *p,
             const StvaDemoExpr *e)
{
  double a = p->a, b = p->b;
  double blink = 1.0 - clampd (e->blink, 0.0, 1.0);
  double open = clampd (e->eye_open, 0.0, 1.5) * blink;
  double curve = clampd (e->mouth_curve, -1.0, 1.0);
  double mouth_open = clampd (e->mouth_open, 0.0, 1.0);

  L->jaw_drop = mouth_open * 0.26 * b;
  L->ex = 0.4 * a;
  L->ey = 0.0;
  L->ew = 0.44 * a;
  L->smile = fmax (curve, 0.0);
  L->sneer = clampd (e->lip_raise, 0.0, 1.0);
  L->open[0] = open * (1.0 - 0.1 * L->sneer);   /* the sneering side squints a little */
  L->open[1] = open;
  L->lower_lift = 0.06 * L->smile + 0.04 * L->sneer;
  L->brow_raise = clampd (e->brow_raise, -1.0, 1.0);
  L->brow_tilt = clampd (e->brow_tilt, -1.0, 1.0);
  L->brow_y = L->ey - 0.13 * b - L->brow_raise * 0.055 * b;
  L->mouth_hw = 0.38 * a * (1.0 + 0.22 * clampd (e->mouth_width, -1.0, 1.0) + 0.1 * L->smile)
                * (1.0 - 0.2 * mouth_open);
  L->corner_y = 0.62 * b - curve * 0.08 * b + L->jaw_drop * 0.3;
}

/* ---- public API ----------------------------------------------------------------------------- */

void
stva_demo_face_preset (int           index,
                       StvaDemoFace *face)
{
  static const StvaDemoFace presets[STVA_DEMO_N_FACES] = {
    { /* short dark-brown hair, light-medium skin, navy shirt, teal wall */
      .face_w = 0.46, .face_h = 0.62, .jaw = 0.6,
      .skin = { 0.88, 0.69, 0.56 }, .hair = { 0.23, 0.14, 0.09 }, .iris = { 0.38, 0.24, 0.12 },
      .shirt = { 0.16, 0.22, 0.42 }, .background = { 0.36, 0.52, 0.55 },
      .hair_style = 0, .glasses = false, .beard = false },
    { /* long auburn hair, fair skin, maroon top, slate-blue wall */
      .face_w = 0.43, .face_h = 0.6, .jaw = 0.15,
      .skin = { 0.96, 0.8, 0.7 }, .hair = { 0.5, 0.22, 0.1 }, .iris = { 0.25, 0.45, 0.35 },
      .shirt = { 0.5, 0.12, 0.18 }, .background = { 0.34, 0.39, 0.58 },
      .hair_style = 1, .glasses = false, .beard = false },
    { /* bald with dark sides, beard, dark skin, mustard shirt, pale grey-blue wall */
      .face_w = 0.5, .face_h = 0.64, .jaw = 0.85,
      .skin = { 0.46, 0.3, 0.21 }, .hair = { 0.1, 0.08, 0.07 }, .iris = { 0.2, 0.12, 0.07 },
      .shirt = { 0.78, 0.6, 0.2 }, .background = { 0.7, 0.75, 0.8 },
      .hair_style = 2, .glasses = false, .beard = true },
    { /* curly black-brown volume, medium-brown skin, teal top, mauve wall */
      .face_w = 0.45, .face_h = 0.58, .jaw = 0.3,
      .skin = { 0.72, 0.5, 0.36 }, .hair = { 0.13, 0.09, 0.07 }, .iris = { 0.3, 0.18, 0.1 },
      .shirt = { 0.12, 0.48, 0.45 }, .background = { 0.72, 0.6, 0.68 },
      .hair_style = 3, .glasses = false, .beard = false },
    { /* short grey hair, glasses, olive skin, green shirt, dark red wall */
      .face_w = 0.47, .face_h = 0.64, .jaw = 0.5,
      .skin = { 0.84, 0.66, 0.5 }, .hair = { 0.52, 0.5, 0.48 }, .iris = { 0.3, 0.42, 0.6 },
      .shirt = { 0.25, 0.44, 0.28 }, .background = { 0.45, 0.2, 0.2 },
      .hair_style = 0, .glasses = true, .beard = false },
    { /* long straight black hair, light tan skin, lavender top, sage wall */
      .face_w = 0.42, .face_h = 0.59, .jaw = 0.25,
      .skin = { 0.93, 0.76, 0.6 }, .hair = { 0.06, 0.05, 0.06 }, .iris = { 0.22, 0.13, 0.08 },
      .shirt = { 0.6, 0.52, 0.75 }, .background = { 0.5, 0.6, 0.46 },
      .hair_style = 1, .glasses = false, .beard = false },
  };
  index = ((index % STVA_DEMO_N_FACES) + STVA_DEMO_N_FACES) % STVA_DEMO_N_FACES;
  *face = presets[index];
}

void
stva_demo_face_draw (cairo_t            *cr,
                     int                 width,
                     int                 height,
                     const StvaDemoFace *face,
                     const StvaDemoExpr *expr)
{
  double H = height;
  Palette pal;
  palette_init (&pal, face);
  Pose p = {
    .a = 0.5 * clampd (face->face_w, 0.2, 0.8) * H,
    .b = 0.5 * clampd (face->face_h, 0.3, 0.9) * H,
  };
  double yaw = clampd (expr->head_yaw, -0.6, 0.6);
  double pitch = clampd (expr->head_pitch, -0.5, 0.5);
  double roll = clampd (expr->head_roll, -0.8, 0.8);
  p.c = 0.85 * p.a;
  p.cos_yaw = cos (yaw);
  p.sin_yaw = sin (yaw);
  p.cos_pitch = cos (pitch);
  p.sin_pitch = sin (pitch);
  Layout L;
  layout_init (&L, &p, expr);

  cairo_save (cr);
  cairo_new_path (cr);
  /* Cairo's coarser rasteriser: a third cheaper per frame; edges stay smooth enough for the
   * video encoder and for dlib (every frontal test face is still found) */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  draw_background (cr, height, face);

  /* the head rolls about a point under the chin; neck and shoulders stay */
  cairo_translate (cr, 0.5 * width + expr->head_dx * width, 0.44 * H + expr->head_dy * H);
  cairo_matrix_t body;
  cairo_get_matrix (cr, &body);
  cairo_translate (cr, 0.0, 0.9 * p.b);
  cairo_rotate (cr, roll);
  cairo_translate (cr, 0.0, -0.9 * p.b);
  cairo_matrix_t head;
  cairo_get_matrix (cr, &head);

  if (!expr->turned_away)
    _stva_demo_draw_hair_back (cr, &p, face, &pal);
  cairo_set_matrix (cr, &body);
  draw_neck (cr, &p, &pal, expr->turned_away);
  draw_torso (cr, &p, face, 2.0 * H);
  cairo_set_matrix (cr, &head);

  if (expr->turned_away)
    {
      _stva_demo_draw_back_of_head (cr, &p, face, &pal);
      cairo_restore (cr);
      return;
    }

  if (face->hair_style != 1)
    draw_ears (cr, &p, &pal);
  draw_head (cr, &p, face, &pal, L.jaw_drop);
  draw_skin_marks (cr, &p, &pal, &L);
  draw_nose (cr, &p, &pal, L.sneer);
  if (face->beard)
    draw_beard (cr, &p, face, &pal, L.jaw_drop);
  draw_folds (cr, &p, &pal, &L);
  draw_mouth (cr, &p, &pal, expr, &L);
  draw_eyes (cr, &p, face, &pal, &L);
  draw_brows (cr, &p, &pal, &L);
  _stva_demo_draw_hair_front (cr, &p, face, &pal);
  if (face->glasses)
    draw_glasses (cr, &p, &L);

  cairo_restore (cr);
}
