/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The C API over dlib's face detector and 68-point landmark predictor (stva-face-dlib.cpp, the
 * only C++ in core/).  Two objects:
 *
 *   StvaFaceModel  the shape predictor read from shape_predictor_68_face_landmarks.dat (~100 MB
 *                  in memory, ~1 s to load).  Immutable after loading: thread-safe, one model
 *                  may serve every thread of a process.
 *   StvaFaceDlib   a HOG frontal face detector plus its scratch images, borrowing a model.
 *                  NOT thread-safe: one detector per thread (dlib's detector keeps scan state).
 *
 * Landmarks follow the iBUG 300-W numbering: 0-16 jaw, 17-21 right brow (image left), 22-26 left
 * brow, 27-35 nose (30 the tip), 36-41 right eye, 42-47 left eye, 48-59 outer lips (48 and 54
 * the corners), 60-67 inner lips (62 top, 66 bottom).  All coordinates are in pixels of the image
 * passed in, whatever scale the detector ran at.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STVA_FACE_N_LANDMARKS 68
/* where Debian's libdlib-data installs the landmark model */
#define STVA_FACE_DEFAULT_MODEL "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

typedef struct StvaFaceModel StvaFaceModel;
typedef struct StvaFaceDlib  StvaFaceDlib;

typedef enum
{
  STVA_FACE_GREY = 1,   /* one byte per pixel */
  STVA_FACE_RGB = 3,    /* packed R G B bytes, as StvaMediaReader gives */
} StvaFacePixels;

/* An image the caller owns; rows are `stride` bytes apart. */
typedef struct
{
  const uint8_t *pixels;   /* borrowed */
  int            width;
  int            height;
  int            stride;   /* bytes per row, >= width * format */
  StvaFacePixels format;
} StvaFaceImage;

typedef struct
{
  float  left;     /* pixels of the input image */
  float  top;
  float  width;
  float  height;
  double score;    /* detector confidence; > 0 is a detection, higher is surer */
} StvaFaceBox;

/* Loads the landmark model from path (NULL: STVA_FACE_DEFAULT_MODEL).  A missing file gives
 * STVA_ERR_IO naming the path and the Debian package that ships it; a file dlib cannot read
 * gives STVA_ERR_FORMAT. */
StvaStatus stva_face_model_load (StvaFaceModel **out,
                                 const char     *path,
                                 StvaError      *error);

/* Frees a model; every detector using it must be freed first.  NULL is allowed. */
void       stva_face_model_free (StvaFaceModel *model);

/* Makes a detector that borrows model (which must outlive it). */
StvaStatus stva_face_dlib_new  (StvaFaceDlib       **out,
                                const StvaFaceModel *model,
                                StvaError           *error);

void       stva_face_dlib_free (StvaFaceDlib *det);

/* Runs the detector on image resized by `scale` (2 doubles a small frame so that faces of
 * ~40 px are found; 0.5 halves a large one for speed; 1 leaves it).  Writes up to max_boxes
 * boxes, largest first, in input pixels, and the number of faces found (which may exceed
 * max_boxes) to *n_found.  boxes may be NULL when max_boxes is 0. */
StvaStatus stva_face_dlib_detect (StvaFaceDlib        *det,
                                  const StvaFaceImage *image,
                                  double               scale,
                                  StvaFaceBox         *boxes,
                                  int                  max_boxes,
                                  int                 *n_found,
                                  StvaError           *error);

/* Detects as above and places the 68 landmarks on the largest face: *found says whether there
 * was one; when it is false, box and landmarks are zeroed.  landmarks holds x, y pairs,
 * (STVA_FACE_N_LANDMARKS, 2). */
StvaStatus stva_face_dlib_largest (StvaFaceDlib        *det,
                                   const StvaFaceImage *image,
                                   double               scale,
                                   StvaFaceBox         *box,
                                   float               *landmarks,
                                   bool                *found,
                                   StvaError           *error);

/* Places the 68 landmarks in a box given by the caller (from a detection, or tracked from the
 * previous frame), on the image resized by scale (2 gives small faces finer pixels; the box and
 * the landmarks stay in input pixels).  landmarks: (STVA_FACE_N_LANDMARKS, 2). */
StvaStatus stva_face_dlib_landmarks (StvaFaceDlib        *det,
                                     const StvaFaceImage *image,
                                     const StvaFaceBox   *box,
                                     double               scale,
                                     float               *landmarks,
                                     StvaError           *error);

#ifdef __cplusplus
}
#endif
