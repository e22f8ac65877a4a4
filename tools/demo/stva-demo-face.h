/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn faces for the demo corpus.  A StvaDemoFace is a character's identity (fixed for the
 * whole corpus); a StvaDemoExpr is what the face does in one video frame.  The drawing is
 * realistic enough in layout and shading (two eyes with dark pupils under brows, a nose with a
 * shadow, a mouth, a jaw line against a contrasting background) that dlib's HOG frontal face
 * detector finds it and its 68-landmark predictor follows mouth, eyes and brows.
 */
#pragma once

#include <stdbool.h>
#include <cairo.h>

#define STVA_DEMO_N_FACES 6   /* identity presets, one per recurring character */

typedef struct
{
  double face_w;           /* head width as a fraction of frame height, ~0.42..0.52 */
  double face_h;           /* head height as a fraction of frame height, ~0.56..0.66 */
  double jaw;              /* 0 round .. 1 square jaw */
  double skin[3];          /* RGB 0..1 */
  double hair[3];
  double iris[3];
  double shirt[3];
  double background[3];    /* scene colour behind the head */
  int    hair_style;       /* 0 short, 1 long, 2 bald with sides, 3 curly/volume */
  bool   glasses;
  bool   beard;
} StvaDemoFace;

typedef struct
{
  /* expression, each in the range given; 0 is the relaxed neutral face */
  double mouth_curve;      /* -1 corners down (frown) .. +1 corners up (smile) */
  double mouth_open;       /* 0 closed .. 1 jaw fully dropped; per frame, follows speech */
  double mouth_width;      /* -1 pressed narrow .. +1 stretched wide */
  double lip_raise;        /* 0 .. 1 upper lip raised on one side + nose wrinkle (disgust) */
  double brow_raise;       /* -1 lowered .. +1 raised */
  double brow_tilt;        /* -1 inner ends pulled down (anger) .. +1 inner ends up (sadness) */
  double eye_open;         /* 0 shut .. 1 normal .. 1.5 wide open (lids apart) */
  /* head pose and position */
  double head_yaw;         /* radians, |yaw| <= 0.35 stays frontal; see turned_away */
  double head_pitch;       /* radians, + looks down */
  double head_roll;        /* radians, in-plane tilt */
  double head_dx;          /* translation as a fraction of frame width */
  double head_dy;          /* translation as a fraction of frame height */
  bool   turned_away;      /* draws the back/side of the head: no frontal face in the frame */
  double blink;            /* 0 .. 1 extra lid closing for a blink, multiplies eye_open */
} StvaDemoExpr;

/* Fills `face` with identity preset `index` (0 .. STVA_DEMO_N_FACES-1). */
void stva_demo_face_preset (int index, StvaDemoFace *face);

/* Draws a whole frame (background, shoulders, head, expression) into cr, which covers
 * width x height pixels.  Deterministic: the same inputs draw the same pixels.  Restores cr. */
void stva_demo_face_draw (cairo_t            *cr,
                          int                 width,
                          int                 height,
                          const StvaDemoFace *face,
                          const StvaDemoExpr *expr);
