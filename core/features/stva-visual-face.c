/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * visual-v2's face in a frame (stva-visual-private.h): a whole-frame search, or a search in a
 * window around the face followed from the sample before, then the landmarks on a crop around
 * the box found.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-visual-private.h"

/* ---- helpers: per frame ------------------------------------------------------------------- */

/* The part of a width x height frame around a box: the box grown by `margin` of its size on
 * each side, clipped to the frame, at least a pixel. */
static void
crop_around (int                width,
             int                height,
             const StvaFaceBox *box,
             double             margin,
             int               *x,
             int               *y,
             int               *crop_width,
             int               *crop_height)
{
  double x0 = floor (box->left - margin * box->width);
  double y0 = floor (box->top - margin * box->height);
  double x1 = ceil (box->left + (1.0 + margin) * box->width);
  double y1 = ceil (box->top + (1.0 + margin) * box->height);
  x0 = fmin (fmax (x0, 0.0), width - 1);
  y0 = fmin (fmax (y0, 0.0), height - 1);
  x1 = fmin (fmax (x1, x0 + 1), width);
  y1 = fmin (fmax (y1, y0 + 1), height);
  *x = (int) x0;
  *y = (int) y0;
  *crop_width = (int) x1 - *x;
  *crop_height = (int) y1 - *y;
}

/* The rectangle (x, y, width, height) of an RGB frame, borrowing its pixels. */
static StvaFaceImage
sub_image (const StvaFaceImage *frame,
           int                  x,
           int                  y,
           int                  width,
           int                  height)
{
  return (StvaFaceImage) { .pixels = frame->pixels + (size_t) y * (size_t) frame->stride
                                     + (size_t) x * (size_t) frame->format,
                           .width = width, .height = height, .stride = frame->stride,
                           .format = frame->format };
}

/* Places the landmarks in box (frame pixels) on the part of the frame around it only, so that
 * the grey copy the predictor reads is small whatever the frame size; at `scale` (2 gives the
 * eyes of a small face finer pixels). */
static StvaStatus
place_landmarks (StvaVisualExtractor *ex,
                 const StvaFaceImage *frame,
                 const StvaFaceBox   *box,
                 double               scale,
                 float               *landmarks,
                 StvaError           *error)
{
  int ox, oy, w, h;
  crop_around (frame->width, frame->height, box, LANDMARK_MARGIN, &ox, &oy, &w, &h);
  StvaFaceImage part = sub_image (frame, ox, oy, w, h);
  StvaFaceBox local = *box;
  local.left -= (float) ox;
  local.top -= (float) oy;
  StvaStatus status = stva_face_dlib_landmarks (ex->det, &part, &local, scale, landmarks, error);
  for (int i = 0; status == STVA_OK && i < STVA_FACE_N_LANDMARKS; i++)
    {
      landmarks[2 * i] += (float) ox;
      landmarks[2 * i + 1] += (float) oy;
    }
  return status;
}

/* The window the detector searches while it follows a face: the face's box grown by
 * TRACK_MARGIN of its size on each side (clipped to the frame), at the scale of the search that
 * found it (base_scale) made smaller by steps of dlib's pyramid (5/6) until the face is at most
 * TRACK_FACE_PX wide: the detector sees the face at the same scales as in a search of the whole
 * frame, without the levels too fine for it (dlib's scan window is 80 px). */
static void
place_window (const Accumulator *acc,
              const StvaFaceBox *box,
              double             base_scale,
              Window            *win)
{
  crop_around (acc->width, acc->height, box, TRACK_MARGIN, &win->x, &win->y, &win->width,
               &win->height);
  win->base_scale = base_scale;
  win->scale = base_scale;
  while (box->width * win->scale > TRACK_FACE_PX && win->scale * 5.0 / 6.0 >= TRACK_MIN_SCALE)
    win->scale *= 5.0 / 6.0;
  win->face_px = box->width * win->scale;
}

/* Whether a face found in the window is well inside it (or against the frame's edge);
 * otherwise the window moves to it. */
static bool
window_holds (const Accumulator *acc,
              const Window      *win,
              const StvaFaceBox *box)
{
  double m = TRACK_KEEP * box->width;
  return (win->x == 0 || box->left - win->x >= m)
         && (win->y == 0 || box->top - win->y >= m)
         && (win->x + win->width == acc->width
             || win->x + win->width - (box->left + box->width) >= m)
         && (win->y + win->height == acc->height
             || win->y + win->height - (box->top + box->height) >= m);
}

/* Whether a face found in the window is still of a size near the one the window was placed
 * for; otherwise the whole frame is searched again. */
static bool
window_sizes (const Window      *win,
              const StvaFaceBox *box)
{
  double px = box->width * win->scale;
  return px >= win->face_px * TRACK_SIZE_MIN && px <= win->face_px * TRACK_SIZE_MAX;
}

/* Runs the detector on the window only; the box in frame pixels, *n_found 0 when there is no
 * face in it. */
static StvaStatus
detect_in_window (StvaVisualExtractor *ex,
                  const StvaFaceImage *frame,
                  const Window        *win,
                  StvaFaceBox         *box,
                  int                 *n_found,
                  StvaError           *error)
{
  *n_found = 0;
  if (win->width * win->scale < TRACK_MIN_SIDE || win->height * win->scale < TRACK_MIN_SIDE)
    return STVA_OK;   /* at the frame's edge: too little left to search */
  StvaFaceImage part = sub_image (frame, win->x, win->y, win->width, win->height);
  StvaStatus status = stva_face_dlib_detect (ex->det, &part, win->scale, box, 1, n_found, error);
  if (status == STVA_OK && *n_found > 0)
    {
      box->left += (float) win->x;
      box->top += (float) win->y;
    }
  return status;
}

/* Finds the face of a frame.  Searching the whole frame is slow (dlib's detector at a scale that
 * finds every face size), so a face once found is followed: the detector then searches a window
 * around it only, and the face's box is the box of the last search moved as the detection in
 * the window moves.  The window stays in place while the face stays well inside it, so a face
 * that does not move keeps its box (and its landmarks) frame after frame, and the box keeps the
 * size the search gave it (the window sees the face through other pyramid levels, whose boxes
 * differ in size by up to a level's 20 %).  The whole frame is searched when there is no window,
 * when the window loses the face or sees it change size, and after opts.track_frames samples in
 * a row (a larger face may have come in, the face's size may have drifted; a window that still
 * holds the face found stays): first at a scale that keeps large frames fast, then doubled
 * when a small frame shows no face.  The landmarks go on the face's box, on a doubled
 * frame when the frame is small (the eyes of a small face span few pixels). */
StvaStatus
_stva_visual_find_face (StvaVisualExtractor *ex,
                        Accumulator         *acc,
                        const uint8_t       *rgb,
                        StvaFaceBox         *box,
                        float               *landmarks,
                        bool                *found,
                        StvaError           *error)
{
  int width = acc->width, height = acc->height;
  StvaFaceImage image = { .pixels = rgb, .width = width, .height = height, .stride = 3 * width,
                          .format = STVA_FACE_RGB };
  bool small = height < ex->opts.upsample_below;
  int n = 0;
  StvaStatus status = STVA_OK;
  StvaFaceBox det;
  *found = false;

  bool search = !acc->has_window || acc->n_since_search >= ex->opts.track_frames;
  if (status == STVA_OK && !search)
    {
      acc->n_since_search++;
      status = detect_in_window (ex, &image, &acc->window, &det, &n, error);
      search = status == STVA_OK && (n == 0 || !window_sizes (&acc->window, &det));
      if (status == STVA_OK && !search)
        {
          const StvaFaceBox *ref = &acc->ref_det;
          *box = acc->ref_box;
          box->left += (det.left + 0.5f * det.width) - (ref->left + 0.5f * ref->width);
          box->top += (det.top + 0.5f * det.height) - (ref->top + 0.5f * ref->height);
          box->score = det.score;
          if (!window_holds (acc, &acc->window, &det))
            {
              /* the face nears the window's edge: a new window around it, whose detection
               * the box now moves with */
              place_window (acc, &det, acc->window.base_scale, &acc->window);
              int m = 0;
              status = detect_in_window (ex, &image, &acc->window, &acc->ref_det, &m, error);
              acc->ref_box = *box;
              acc->has_window = m > 0;
              if (m > 0)   /* sizes are compared between detections in the window */
                acc->window.face_px = acc->ref_det.width * acc->window.scale;
            }
        }
    }
  if (status == STVA_OK && search)
    {
      bool had_window = acc->has_window;   /* a periodic search keeps a window that still fits */
      acc->has_window = false;
      acc->n_since_search = 0;
      double scale = 1.0;
      if (ex->opts.max_detect_height > 0 && height > ex->opts.max_detect_height)
        scale = (double) ex->opts.max_detect_height / height;
      status = stva_face_dlib_detect (ex->det, &image, scale, box, 1, &n, error);
      if (status == STVA_OK && n == 0 && height * scale < ex->opts.upsample_below)
        {
          scale *= 2.0;
          status = stva_face_dlib_detect (ex->det, &image, scale, box, 1, &n, error);
        }
      if (status == STVA_OK && n > 0 && ex->opts.track_frames > 0)
        {
          bool placed = !had_window || !window_holds (acc, &acc->window, box)
                        || !window_sizes (&acc->window, box);
          if (placed)
            place_window (acc, box, scale, &acc->window);
          int m = 0;
          status = detect_in_window (ex, &image, &acc->window, &acc->ref_det, &m, error);
          acc->ref_box = *box;
          acc->has_window = m > 0;
          if (m > 0 && placed)   /* sizes are compared between detections in the window */
            acc->window.face_px = acc->ref_det.width * acc->window.scale;
        }
    }
  if (status != STVA_OK || n == 0)
    {
      acc->has_window = false;
      return status;
    }
  status = place_landmarks (ex, &image, box, small ? 2.0 : 1.0, landmarks, error);
  *found = status == STVA_OK;
  return status;
}
