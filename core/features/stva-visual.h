/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * visual-v2: one visual feature vector per utterance, from face landmarks where a face is seen
 * and from the whole frame always.
 *
 * Per sampled frame (default 5 fps):
 *   face  the largest face's 68 landmarks (stva-face-dlib.h) are rotated so that the eyes are
 *         level and scaled by the inter-ocular distance (IOD, between the eye centres), and
 *         measured: mouth opening, width and corner lift, upper lip to nose, eye openness (eye
 *         aspect ratio), brow height, slope and gap, head roll, yaw and pitch proxies, face size;
 *         plus landmark motion to the previous sample (shape change and head translation).
 *   frame a 32x24 grey thumbnail: brightness, contrast, motion energy to the previous sample,
 *         and a 4x4 grid of cell means and standard deviations (coarse appearance).
 * Per utterance: mean, std, min, max and slope (least squares, per second) of each per-frame
 * measure over the frames where it is defined, the fraction of frames with a face, and the
 * grid averaged over frames.
 *
 * Faces are followed (v2; v1 searched every frame, ~2.4x slower at 720p): once the detector has
 * found the largest face in the whole frame, the next samples search only a window around it
 * (at the same pyramid scales, without the levels finer than the face needs), and the face
 * keeps the box of that search, moved as its detection in the window moves; a face that does
 * not move keeps its box and landmarks exactly.  The whole frame is searched again when the
 * window loses the face or sees its size change, and every opts.track_frames samples (a larger
 * face may have come in, the box's size may have drifted) (StvaVisualOptions.track_frames = 0:
 * v1's search of every frame, with v2's landmark placement).
 *
 * Every dimension has a name and a unit (stva_visual_dim_name / _unit).  Values are always
 * finite: a part that cannot be measured (no face in any frame, a single frame for motion) is
 * filled with 0 and marked 0 in the mask.
 *
 * An StvaVisualExtractor is NOT thread-safe (it holds a dlib detector): use one per thread.
 * Extractors may share one StvaFaceModel, which is thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-face-dlib.h"

/* v2: the dimensions of v1; faces followed between samples (below), so values differ a little */
#define STVA_VISUAL_VERSION "visual-v2"

/* Per-frame face measures; unit in brackets (IOD: inter-ocular distances). */
typedef enum
{
  STVA_VISUAL_MOUTH_OPEN = 0,     /* [IOD] inner lips apart, 62-66 */
  STVA_VISUAL_MOUTH_WIDTH,        /* [IOD] corner to corner, 48-54 */
  STVA_VISUAL_MOUTH_CURVE,        /* [IOD] corners above the lip centre; + smile, - frown */
  STVA_VISUAL_LIP_NOSE,           /* [IOD] upper lip top (51) below the nose base (33) */
  STVA_VISUAL_EYE_OPEN,           /* [ratio] eye aspect ratio, mean of both eyes */
  STVA_VISUAL_BROW_HEIGHT,        /* [IOD] brows (17-26) above the eye line */
  STVA_VISUAL_BROW_SLOPE,         /* [IOD] inner brow ends above the outer; + sad, - angry */
  STVA_VISUAL_BROW_GAP,           /* [IOD] between the inner brow ends, 21-22 */
  STVA_VISUAL_HEAD_ROLL,          /* [deg] eye line from horizontal, + clockwise in the image */
  STVA_VISUAL_HEAD_YAW,           /* [ratio] nose tip offset from the jaw middle / jaw width */
  STVA_VISUAL_HEAD_PITCH,         /* [ratio] nose tip depth below the eyes / chin depth */
  STVA_VISUAL_FACE_SIZE,          /* [frame] IOD as a fraction of the frame height */
  STVA_VISUAL_SHAPE_MOTION,       /* [IOD/s] mean landmark displacement, head motion removed */
  STVA_VISUAL_HEAD_MOTION,        /* [IOD/s] displacement of the eyes and nose bridge */
  STVA_VISUAL_N_FACE              /* 14 */
} StvaVisualFace;

/* Per-frame whole-frame measures, defined on every frame. */
typedef enum
{
  STVA_VISUAL_BRIGHTNESS = 0,     /* [grey] mean thumbnail grey, 0..1 */
  STVA_VISUAL_CONTRAST,           /* [grey] std of thumbnail grey */
  STVA_VISUAL_FRAME_MOTION,       /* [grey/s] mean |difference| to the previous thumbnail */
  STVA_VISUAL_N_FRAME             /* 3 */
} StvaVisualFrameMeasure;

#define STVA_VISUAL_N_FUNCTIONALS 5   /* mean, std, min, max, slope */
#define STVA_VISUAL_GRID 4            /* appearance grid: 4x4 cells of the thumbnail */
#define STVA_VISUAL_THUMB_W 32
#define STVA_VISUAL_THUMB_H 24

/* The vector, in this order:
 *   face functionals      STVA_VISUAL_N_FACE * 5     measure-major: mean, std, min, max, slope
 *   face fraction         1
 *   frame functionals     STVA_VISUAL_N_FRAME * 5
 *   grid means            16  (row-major cells), averaged over frames
 *   grid stds             16  within-cell std, averaged over frames */
#define STVA_VISUAL_OFFSET_FACE 0
#define STVA_VISUAL_OFFSET_FACE_FRACTION (STVA_VISUAL_N_FACE * STVA_VISUAL_N_FUNCTIONALS)
#define STVA_VISUAL_OFFSET_FRAME (STVA_VISUAL_OFFSET_FACE_FRACTION + 1)
#define STVA_VISUAL_OFFSET_GRID_MEAN \
  (STVA_VISUAL_OFFSET_FRAME + STVA_VISUAL_N_FRAME * STVA_VISUAL_N_FUNCTIONALS)
#define STVA_VISUAL_OFFSET_GRID_STD (STVA_VISUAL_OFFSET_GRID_MEAN + STVA_VISUAL_GRID * STVA_VISUAL_GRID)
#define STVA_VISUAL_DIM (STVA_VISUAL_OFFSET_GRID_STD + STVA_VISUAL_GRID * STVA_VISUAL_GRID)   /* 118 */

/* One sampled frame, kept so that the studio can overlay boxes and landmarks on the video. */
typedef struct
{
  double      time_s;             /* presentation time in the file (or index / fps) */
  bool        has_face;
  bool        has_motion;         /* this and the previous sample both had a face */
  StvaFaceBox box;                /* frame pixels; zero without a face */
  float       landmarks[2 * STVA_FACE_N_LANDMARKS];   /* (68, 2) x, y frame pixels; zero without */
  float       face[STVA_VISUAL_N_FACE];                /* zero without a face */
  float       frame[STVA_VISUAL_N_FRAME];
} StvaVisualFrame;

typedef struct
{
  float            values[STVA_VISUAL_DIM];
  uint8_t          mask[STVA_VISUAL_DIM];   /* 1 measured, 0 filled with 0 (not measurable) */
  bool             face_missing;            /* no sampled frame had a face: the face part is 0 */
  double           face_fraction;           /* frames with a face / frames */
  int              width;                   /* frame size in pixels */
  int              height;
  size_t           n_frames;
  StvaVisualFrame *frames;                  /* owned, (n_frames) */
} StvaVisualResult;

typedef struct
{
  double      sample_fps;         /* frames per second sampled by extract_file; default 5 */
  int         max_detect_height;  /* larger frames are scaled down to this for the detector
                                   * (speed); default 480 */
  int         upsample_below;     /* frames (after that) lower than this are doubled for a second
                                   * try when the first finds no face; default 480, 0 never */
  int         track_frames;       /* a face found in one sample is looked for around its place in
                                   * the next (fast), for at most this many samples in a row
                                   * before a search of the whole frame; default 10 (2 s at
                                   * 5 fps), 0 searches the whole of every frame */
} StvaVisualOptions;

typedef struct StvaVisualExtractor StvaVisualExtractor;

void       stva_visual_options_init (StvaVisualOptions *opts);

/* Makes an extractor.  model is borrowed and may be shared between extractors (it must
 * outlive them); NULL loads the default model (STVA_FACE_DEFAULT_MODEL) for this extractor
 * alone.  opts NULL: defaults. */
StvaStatus stva_visual_extractor_new  (StvaVisualExtractor    **out,
                                       const StvaFaceModel     *model,
                                       const StvaVisualOptions *opts,
                                       StvaError               *error);
void       stva_visual_extractor_free (StvaVisualExtractor *ex);

void       stva_visual_result_init  (StvaVisualResult *result);
void       stva_visual_result_clear (StvaVisualResult *result);

/* Features of frames already decoded and sampled: every frame is used, frame i at time i / fps.
 * rgb: (n_frames, height, width, 3) packed bytes.  Fills result (cleared first). */
StvaStatus stva_visual_extract_frames (StvaVisualExtractor *ex,
                                       const uint8_t       *rgb,
                                       size_t               n_frames,
                                       int                  width,
                                       int                  height,
                                       double               fps,
                                       StvaVisualResult    *result,
                                       StvaError           *error);

/* Features of the video of `path` between start_s and end_s (end_s < 0: to the end), sampled at
 * opts.sample_fps (the first frame at or after each sample time).  A file without video, or
 * without frames in the range, is STVA_ERR_MEDIA naming the file. */
StvaStatus stva_visual_extract_file (StvaVisualExtractor *ex,
                                     const char          *path,
                                     double               start_s,
                                     double               end_s,
                                     StvaVisualResult    *result,
                                     StvaError           *error);

/* Name ("face.mouth_open.mean", "frame.grid_mean.r0c3", ...) and unit ("IOD", "IOD/s", "deg",
 * "ratio", "grey", "fraction", ...) of dimension i < STVA_VISUAL_DIM; static strings. */
const char *stva_visual_dim_name (size_t i);
const char *stva_visual_dim_unit (size_t i);
