/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to visual-v2: the extractor and the running state of one extraction, shared by
 * stva-visual.c (sampling, measures, functionals, API) and stva-visual-face.c (finding and
 * following the face in a frame).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "stva-visual.h"

struct StvaVisualExtractor
{
  StvaVisualOptions    opts;
  StvaFaceModel       *own_model;   /* owned when the caller gave none, else NULL */
  const StvaFaceModel *model;       /* borrowed (or own_model) */
  StvaFaceDlib        *det;         /* owned */
};

#define N_THUMB (STVA_VISUAL_THUMB_W * STVA_VISUAL_THUMB_H)
#define N_CELLS (STVA_VISUAL_GRID * STVA_VISUAL_GRID)
#define MIN_IOD_PX 4.0              /* a face whose eyes are closer is a bad fit: no face */
#define TIME_TOLERANCE_S 1e-3       /* a frame this close before a sample time still counts */
#define TRACK_MARGIN 0.5            /* a followed face is looked for within half its size */
#define TRACK_FACE_PX 120.0         /* ... in a window resized so that it is at most this wide */
#define TRACK_KEEP 0.15             /* the window moves when the face nears its edge this much */
#define TRACK_SIZE_MIN 0.75         /* the frame is searched when the face's size in the window */
#define TRACK_SIZE_MAX 1.35         /* leaves this range of its size when the window was placed */
#define TRACK_MIN_SCALE 0.125       /* the dlib bridge's limits */
#define TRACK_MIN_SIDE 80.0         /* dlib's scan window */
#define LANDMARK_MARGIN 0.5         /* the predictor reads the box and this much around it */

/* Where the detector looks for a face it follows: frame pixels, and the scale it runs at. */
typedef struct
{
  int    x;
  int    y;
  int    width;
  int    height;
  double scale;
  double base_scale;   /* the scale of the search that found the face */
  double face_px;      /* the face's width at scale when the window was placed */
} Window;

/* Running state of one extraction. */
typedef struct
{
  int              width;
  int              height;
  StvaVisualFrame *frames;          /* owned, grows */
  size_t           n_frames;
  size_t           capacity;
  float            thumb[N_THUMB];
  float            prev_thumb[N_THUMB];
  float            shape[2 * STVA_FACE_N_LANDMARKS];       /* aligned, IOD units */
  float            prev_shape[2 * STVA_FACE_N_LANDMARKS];
  double           prev_centroid[2];
  double           prev_iod;
  double           grid_mean_sum[N_CELLS];
  double           grid_std_sum[N_CELLS];
  double           step_s;          /* nominal time between samples */
  bool             has_window;      /* a face is being followed in window */
  Window           window;
  StvaFaceBox      ref_box;         /* the face's box when the window saw it at ref_det */
  StvaFaceBox      ref_det;
  int              n_since_search;  /* samples since the whole frame was searched */
  uint64_t        *cell_sum;        /* owned scratch for the thumbnail, (N_THUMB) */
  int              column_start[STVA_VISUAL_THUMB_W + 1];   /* first frame x of each column */
  uint32_t        *cell_count;
} Accumulator;

/* Finds the face of one frame (rgb, acc->width x acc->height), following the one found before
 * when it can (stva-visual-face.c): *found, its box and landmarks. */
StvaStatus _stva_visual_find_face (StvaVisualExtractor *ex, Accumulator *acc, const uint8_t *rgb,
                                   StvaFaceBox *box, float *landmarks, bool *found,
                                   StvaError *error);
