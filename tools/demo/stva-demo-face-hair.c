/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hair for the demo faces (stva-demo-face-private.h): the four hair styles, behind the head and
 * framing the forehead, and the back of a head turned away from the camera.
 */
#include <math.h>
#include <stdbool.h>

#include "stva-demo-face-private.h"

/* ---- types ---------------------------------------------------------------------------------- */

typedef struct
{
  Pt from, c1, c2, to;       /* a cubic Bézier */
} Strand;

/* ---- helpers -------------------------------------------------------------------------------- */

/* Hair colour over the current path, lighter on the crown. */
static void
fill_hair (cairo_t       *cr,
           const Pose    *p,
           const Palette *pal,
           double         alpha)
{
  cairo_pattern_t *pat = _stva_demo_vertical_gradient (cr, -1.15 * p->b, 0.6 * p->b);
  _stva_demo_add_stop (pat, 0.0, pal->hair, 1.45, alpha);
  _stva_demo_add_stop (pat, 0.4, pal->hair, 1.0, alpha);
  _stva_demo_add_stop (pat, 1.0, pal->hair, 0.7, alpha);
  _stva_demo_fill_pattern (cr, pat);
}

/* The curly style's volume: a cloud of overlapping curls round the crown, down to y_low. */
static void
curls_path (cairo_t    *cr,
            const Pose *p,
            double      y_low)
{
  double a = p->a, b = p->b;
  _stva_demo_ellipse_path (cr, 0.0, -0.12 * b, 1.2 * a, 0.98 * b);
  for (int i = 0; i <= 16; i++)
    {
      double t = M_PI * (0.92 + 1.16 * i / 16.0);    /* left side, over the top, right side */
      double y = -0.12 * b + b * sin (t);
      if (y > y_low)
        continue;
      double r = (0.2 + 0.04 * ((i * 7) % 3)) * a;
      _stva_demo_ellipse_path (cr, 1.22 * a * cos (t), y, r, r);
    }
  for (int side = -1; side <= 1; side += 2)    /* curls falling past the ears */
    for (int i = 0; i < 3; i++)
      {
        double y = -0.05 * b + i * 0.2 * b;
        if (y <= y_low)
          _stva_demo_ellipse_path (cr, side * (1.2 - 0.05 * i) * a, y, 0.2 * a, 0.2 * a);
      }
}

/* Long hair down to the shoulders, seen from the front (behind the head) or from behind. */
static void
long_hair_path (cairo_t    *cr,
                const Pose *p)
{
  double a = p->a, b = p->b;
  Pt q[6];
  _stva_demo_sil (p, -1.12 * a, -0.2 * b, -0.3 * p->c, &q[0]);
  _stva_demo_sil (p, -1.25 * a, 0.7 * b, -0.3 * p->c, &q[1]);
  _stva_demo_sil (p, -1.3 * a, 1.45 * b, -0.3 * p->c, &q[2]);
  _stva_demo_sil (p, 1.3 * a, 1.45 * b, -0.3 * p->c, &q[3]);
  _stva_demo_sil (p, 1.25 * a, 0.7 * b, -0.3 * p->c, &q[4]);
  _stva_demo_sil (p, 1.12 * a, -0.2 * b, -0.3 * p->c, &q[5]);
  cairo_move_to (cr, q[0].x, q[0].y);
  cairo_curve_to (cr, q[0].x - 0.05 * a, 0.2 * b, q[1].x, 0.4 * b, q[1].x, q[1].y);
  cairo_curve_to (cr, q[1].x, 1.0 * b, q[2].x, 1.2 * b, q[2].x, q[2].y);
  cairo_curve_to (cr, -0.4 * a, 1.55 * b, 0.4 * a, 1.55 * b, q[3].x, q[3].y);
  cairo_curve_to (cr, q[3].x, 1.2 * b, q[4].x, 1.0 * b, q[4].x, q[4].y);
  cairo_curve_to (cr, q[4].x, 0.4 * b, q[5].x + 0.05 * a, 0.2 * b, q[5].x, q[5].y);
  cairo_curve_to (cr, 1.1 * a, -1.3 * b, -1.1 * a, -1.3 * b, q[0].x, q[0].y);
  cairo_close_path (cr);
}

/* Seven strands of hair, round-capped strokes of the given width: the even ones lighter
 * (hair colour·k_light), then the odd ones darker. */
static void
stroke_strands (cairo_t       *cr,
                const Palette *pal,
                const Strand  *strand,
                double         width,
                double         k_light,
                double         k_dark,
                double         alpha)
{
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, width);
  for (int shade = 0; shade < 2; shade++)
    {
      for (int i = shade; i < 7; i += 2)
        {
          const Strand *s = &strand[i];
          cairo_move_to (cr, s->from.x, s->from.y);
          cairo_curve_to (cr, s->c1.x, s->c1.y, s->c2.x, s->c2.y, s->to.x, s->to.y);
        }
      _stva_demo_set_rgba (cr, pal->hair, shade ? k_dark : k_light, alpha);
      cairo_stroke (cr);
    }
}

/* ---- hair ----------------------------------------------------------------------------------- */

/* Hair behind the head: long hair down to the shoulders, the curly style's volume. */
void
_stva_demo_draw_hair_back (cairo_t            *cr,
                           const Pose         *p,
                           const StvaDemoFace *face,
                           const Palette      *pal)
{
  if (face->hair_style == 1)
    {
      long_hair_path (cr, p);
      _stva_demo_fill_vertical (cr, pal->hair, -p->b, 0.9, 1.5 * p->b, 0.55, 1.0);
    }
  else if (face->hair_style == 3)
    {
      cairo_save (cr);
      cairo_translate (cr, -0.25 * p->c * p->sin_yaw, 0.0);
      curls_path (cr, p, 0.45 * p->b);
      cairo_restore (cr);
      fill_hair (cr, p, pal, 1.0);
    }
}

/* Hair in front: the part that frames the forehead.  Outer edge on the silhouette, hairline on
 * the face surface. */
void
_stva_demo_draw_hair_front (cairo_t            *cr,
                            const Pose         *p,
                            const StvaDemoFace *face,
                            const Palette      *pal)
{
  double a = p->a, b = p->b;

  if (face->hair_style == 2)   /* bald: a shine on the crown, hair only above the ears */
    {
      Spot shine;
      Pt top;
      _stva_demo_surf (p, -0.2 * a, -0.78 * b, 0.0, &top);
      shine = (Spot) { top.x, top.y, 0.45 * a, 0.2 * b };
      _stva_demo_soft_spots (cr, &shine, 1, pal->skin, 1.3, 0.5);
      for (int side = -1; side <= 1; side += 2)
        {
          Pt q[6];
          _stva_demo_sil (p, side * 1.03 * a, 0.08 * b, -0.1 * p->c, &q[0]);
          _stva_demo_sil (p, side * 1.05 * a, -0.2 * b, -0.1 * p->c, &q[1]);
          _stva_demo_sil (p, side * 0.98 * a, -0.42 * b, -0.1 * p->c, &q[2]);
          _stva_demo_surf (p, side * 0.9 * a, -0.36 * b, 0.0, &q[3]);
          _stva_demo_surf (p, side * 0.9 * a, -0.12 * b, 0.0, &q[4]);
          _stva_demo_surf (p, side * 0.93 * a, 0.06 * b, 0.0, &q[5]);
          _stva_demo_spline (cr, q, 6, true, true);
        }
      fill_hair (cr, p, pal, 0.95);
      return;
    }

  /* hairlines, right temple to left temple, in units of (a, b) */
  static const double short_line[][2] = {
    { 0.99, -0.02 }, { 0.93, -0.1 }, { 0.9, -0.34 }, { 0.76, -0.54 }, { 0.45, -0.63 },
    { 0.1, -0.66 }, { -0.2, -0.68 }, { -0.3, -0.74 }, { -0.42, -0.66 }, { -0.74, -0.56 },
    { -0.9, -0.34 }, { -0.93, -0.1 }, { -0.99, -0.02 },
  };
  static const double long_line[][2] = {
    { 0.94, 0.95 }, { 0.86, 0.5 }, { 0.86, 0.0 }, { 0.82, -0.35 }, { 0.55, -0.6 },
    { 0.3, -0.72 }, { 0.1, -0.62 }, { -0.25, -0.5 }, { -0.6, -0.4 }, { -0.84, -0.2 },
    { -0.86, 0.2 }, { -0.86, 0.5 }, { -0.94, 0.95 },
  };
  static const double curly_line[][2] = {
    { 0.98, 0.35 }, { 0.9, 0.1 }, { 0.86, -0.25 }, { 0.7, -0.48 }, { 0.4, -0.56 },
    { 0.0, -0.58 }, { -0.4, -0.56 }, { -0.7, -0.48 }, { -0.86, -0.25 }, { -0.9, 0.1 },
    { -0.98, 0.35 },
  };
  const double (*src)[2] = short_line;
  int n_src = 13;
  double vol_x = 1.04, vol_y = 1.12;    /* short hair hugs the sides, has volume on top */
  if (face->hair_style == 1)
    {
      src = long_line;
      vol_x = 1.07;
      vol_y = 1.08;
    }
  else if (face->hair_style == 3)
    {
      src = curly_line;
      n_src = 11;
      vol_x = 1.14;
      vol_y = 1.14;
    }

  Pt outer[20], line[16];
  for (int i = 0; i < 20; i++)
    {
      double t = M_PI * (1.04 - 1.08 * i / 19.0);
      _stva_demo_sil (p, vol_x * a * cos (t), -0.03 * b - vol_y * b * sin (t), 0.0, &outer[i]);
    }
  for (int i = 0; i < n_src; i++)
    _stva_demo_surf (p, src[i][0] * a, src[i][1] * b, 0.01 * p->c, &line[i]);

  if (face->hair_style == 1)  /* the curtains fall to the jaw: extend the outer edge down */
    {
      Pt l0, r0;
      _stva_demo_sil (p, -1.12 * a, 1.0 * b, -0.2 * p->c, &l0);
      _stva_demo_sil (p, 1.12 * a, 1.0 * b, -0.2 * p->c, &r0);
      cairo_move_to (cr, l0.x, l0.y);
      _stva_demo_spline (cr, outer, 20, false, false);
      cairo_line_to (cr, r0.x, r0.y);
    }
  else
    _stva_demo_spline (cr, outer, 20, true, false);
  _stva_demo_spline (cr, line, n_src, false, false);
  cairo_close_path (cr);
  if (face->hair_style == 3)  /* curls along the hairline */
    for (int i = 0; i < 9; i++)
      {
        double t = -0.85 + 1.7 * i / 8.0;
        double y = -0.56 * b - 0.1 * b * (1.0 - t * t) + 0.34 * b * t * t * t * t;
        Pt c;
        _stva_demo_surf (p, t * 0.86 * a, y, 0.02 * p->c, &c);
        _stva_demo_ellipse_path (cr, c.x, c.y, 0.11 * a, 0.11 * a);
      }
  fill_hair (cr, p, pal, 1.0);

  /* strands: darker and lighter strokes from the crown towards the hairline */
  Strand strand[7];
  for (int i = 0; i < 7; i++)
    {
      double t = -0.75 + 0.25 * i;
      _stva_demo_sil (p, 0.15 * a + t * 0.2 * a, -1.06 * b, 0.0, &strand[i].from);
      _stva_demo_sil (p, t * 0.9 * a, -0.88 * b, 0.2 * p->c, &strand[i].c1);
      strand[i].c2 = strand[i].c1;
      _stva_demo_surf (p, t * 1.0 * a, -0.66 * b, 0.05 * p->c, &strand[i].to);
    }
  stroke_strands (cr, pal, strand, 0.018 * b, 1.35, 0.7, 0.3);
}

/* The back of the head: no face at all, only hair (or a bald crown) over the skull. */
void
_stva_demo_draw_back_of_head (cairo_t            *cr,
                              const Pose         *p,
                              const StvaDemoFace *face,
                              const Palette      *pal)
{
  double a = p->a, b = p->b;

  _stva_demo_ellipse_path (cr, -0.97 * a, 0.12 * b, 0.13 * a, 0.21 * b);    /* ears */
  _stva_demo_ellipse_path (cr, 0.97 * a, 0.12 * b, 0.13 * a, 0.21 * b);
  _stva_demo_set_rgba (cr, pal->skin, 0.8, 1.0);
  cairo_fill (cr);

  /* skull: the crown ellipse closing into the nape, narrower than a jaw */
  cairo_save (cr);
  cairo_scale (cr, a, b);
  cairo_move_to (cr, -0.62, 0.72);
  cairo_curve_to (cr, -1.05, 0.4, -1.02, -1.0, 0.0, -1.0);
  cairo_curve_to (cr, 1.02, -1.0, 1.05, 0.4, 0.62, 0.72);
  cairo_curve_to (cr, 0.3, 0.9, -0.3, 0.9, -0.62, 0.72);
  cairo_close_path (cr);
  cairo_restore (cr);
  switch (face->hair_style)
    {
    case 2:
      {
        _stva_demo_fill_vertical (cr, pal->skin, -b, 1.1, 0.8 * b, 0.75, 1.0);
        Spot shine = { -0.2 * a, -0.6 * b, 0.45 * a, 0.25 * b };
        _stva_demo_soft_spots (cr, &shine, 1, pal->skin, 1.3, 0.45);
        /* the horseshoe of short hair round the back, ear to ear */
        cairo_save (cr);
        cairo_scale (cr, a, b);
        cairo_move_to (cr, -1.0, -0.1);
        cairo_curve_to (cr, -0.6, 0.08, 0.6, 0.08, 1.0, -0.1);
        cairo_curve_to (cr, 1.0, 0.25, 0.9, 0.55, 0.62, 0.7);
        cairo_curve_to (cr, 0.3, 0.82, -0.3, 0.82, -0.62, 0.7);
        cairo_curve_to (cr, -0.9, 0.55, -1.0, 0.25, -1.0, -0.1);
        cairo_close_path (cr);
        cairo_restore (cr);
        fill_hair (cr, p, pal, 0.9);
      }
      break;
    case 3:
      curls_path (cr, p, 0.6 * b);
      fill_hair (cr, p, pal, 1.0);
      break;
    default:
      {
        _stva_demo_fill_vertical (cr, pal->hair, -b, 1.35, 0.8 * b, 0.75, 1.0);
        /* strands from the crown whorl down to the nape */
        Strand strand[7];
        for (int i = 0; i < 7; i++)
          {
            double t = -0.75 + 0.25 * i;
            strand[i] = (Strand) { { 0.05 * a, -0.55 * b }, { t * 0.6 * a, -0.5 * b },
                                   { t * 0.9 * a, 0.0 }, { t * 0.6 * a, 0.7 * b } };
          }
        stroke_strands (cr, pal, strand, 0.02 * b, 1.3, 0.65, 0.4);
        if (face->hair_style == 1)
          {
            long_hair_path (cr, p);
            fill_hair (cr, p, pal, 1.0);
          }
      }
      break;
    }
}
