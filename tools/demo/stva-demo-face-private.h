/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the demo faces: head space, the pose and palette of one frame and the painting
 * primitives, shared by stva-demo-face.c (the frame, the face and its expression, the API),
 * stva-demo-face-hair.c (hair, and the back of a turned-away head) and stva-demo-face-paint.c
 * (colour, shading, the projection onto the turned head, paths).
 *
 * Head space: pixels relative to the head centre, y down, before pose.
 */
#pragma once

#include <stdbool.h>
#include <cairo.h>

#include "stva-demo-face.h"

/* ---- types ---------------------------------------------------------------------------------- */

#define N_OUTLINE 48   /* points around the head outline */
#define N_MAX     64   /* largest point array any helper takes */

typedef struct
{
  double x, y;
} Pt;

typedef struct
{
  double x, y, rx, ry;
} Spot;

typedef struct
{
  double a, b, c;            /* head half-width, half-height and face depth, pixels */
  double cos_yaw, sin_yaw;
  double cos_pitch, sin_pitch;
} Pose;

typedef struct
{
  double skin[3];
  double skin_dark[3];       /* creases, nostrils, lid lines */
  double lip[3];
  double brow[3];
  double hair[3];
} Palette;

static inline double
clampd (double v,
        double lo,
        double hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

/* ---- stva-demo-face-paint.c: colour and shading --------------------------------------------- */

/* Colours c·k (k > 1 lightens, clamped to 0..1) as the source, or as a gradient stop. */
void _stva_demo_set_rgba (cairo_t *cr, const double c[3], double k, double alpha);
void _stva_demo_add_stop (cairo_pattern_t *pat, double offset, const double c[3], double k,
                          double alpha);

/* A linear gradient vertical on the frame from user-space y0 to y1, to add stops to. */
cairo_pattern_t *_stva_demo_vertical_gradient (cairo_t *cr, double y0, double y1);

/* Fills the current path with pat and drops the pattern. */
void _stva_demo_fill_pattern (cairo_t *cr, cairo_pattern_t *pat);

/* Fills the current path with a vertical gradient from colour c·k0 at y0 to c·k1 at y1. */
void _stva_demo_fill_vertical (cairo_t *cr, const double c[3], double y0, double k0, double y1,
                               double k1, double alpha);

/* Soft elliptical shading in colour c·k, about alpha at each spot's centre. */
void _stva_demo_soft_spots (cairo_t *cr, const Spot *spots, int n, const double c[3], double k,
                            double alpha);

/* Adds an ellipse (in user space) to the path as its own sub-path. */
void _stva_demo_ellipse_path (cairo_t *cr, double x, double y, double rx, double ry);

/* ---- stva-demo-face-paint.c: projection and paths ------------------------------------------- */

/* Head space to the turned head: a point on the face surface (dz lifts it off the surface),
 * a point on the silhouette at depth z, and the surface's horizontal foreshortening. */
void   _stva_demo_surf         (const Pose *p, double x, double y, double dz, Pt *out);
void   _stva_demo_sil          (const Pose *p, double x, double y, double z, Pt *out);
double _stva_demo_surf_scale_x (const Pose *p, double x, double y);

/* A smooth path through the n points q (n <= N_MAX); move starts a new sub-path. */
void _stva_demo_spline (cairo_t *cr, const Pt *q, int n, bool move, bool closed);

/* A band between two splines of n points (a lip, a brow, lashes), one closed sub-path. */
void _stva_demo_band_path (cairo_t *cr, const Pt *edge0, const Pt *edge1, int n);

/* An ellipse on the face surface, as its own sub-path. */
void _stva_demo_surf_ellipse (cairo_t *cr, const Pose *p, double cx, double cy, double rx,
                              double ry, double dz);

/* Fills q (N_OUTLINE points) with the head outline, grown by grow, chin lowered by jaw_drop. */
void _stva_demo_head_outline_points (const Pose *p, const StvaDemoFace *face, double jaw_drop,
                                     double grow, Pt *q);

/* ---- stva-demo-face-hair.c ------------------------------------------------------------------ */

/* Hair behind the head (long hair, curls), drawn before the neck and the head. */
void _stva_demo_draw_hair_back    (cairo_t *cr, const Pose *p, const StvaDemoFace *face,
                                   const Palette *pal);

/* Hair framing the forehead, drawn over the face. */
void _stva_demo_draw_hair_front   (cairo_t *cr, const Pose *p, const StvaDemoFace *face,
                                   const Palette *pal);

/* A head turned away: ears, skull and hair, no face. */
void _stva_demo_draw_back_of_head (cairo_t *cr, const Pose *p, const StvaDemoFace *face,
                                   const Palette *pal);
