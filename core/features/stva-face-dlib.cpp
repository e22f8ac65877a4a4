/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dlib bridge: the only C++ in core/.  Wraps dlib's HOG frontal face detector and the
 * 68-point shape predictor behind the C API of stva-face-dlib.h.  No exception leaves this
 * file: each entry point catches and turns them into a StvaStatus with a message.
 *
 * The detector runs on a grey copy of the image, resized by the caller's scale (small frames
 * are doubled so that dlib's 80x80 scan window fits the faces); landmarks are placed on the
 * larger of the original and the resized grey image and returned in input pixels.
 */
/* dlib is templates compiled here: at -O0 (debug and sanitizer builds) its HOG scan is a few
 * hundred times slower, turning a test of seconds into an hour, so this file is always optimised */
#if !defined(__OPTIMIZE__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize ("O2")
#endif

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

extern "C" {
#include "stva-error.h"   /* a C header without C++ guards */
}
#include "stva-face-dlib.h"

/* ---- types -------------------------------------------------------------------------------- */

struct StvaFaceModel
{
  dlib::shape_predictor predictor;
};

struct StvaFaceDlib
{
  const StvaFaceModel           *model;     /* borrowed */
  dlib::frontal_face_detector    detector;
  dlib::array2d<unsigned char>   grey;      /* the input at its own size */
  dlib::array2d<unsigned char>   scaled;    /* the input resized for the detector */
  std::vector<dlib::rect_detection> found;
};

#define MAX_SIDE 8192        /* refuse absurd images before allocating */
#define MIN_SCALE 0.125
#define MAX_SCALE 4.0

/* ---- helpers ------------------------------------------------------------------------------ */

static StvaStatus
check_image (const StvaFaceImage *image,
             StvaError           *error)
{
  if (!image || !image->pixels)
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: no image");
  if (image->format != STVA_FACE_GREY && image->format != STVA_FACE_RGB)
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: pixel format %d",
                           (int) image->format);
  if (image->width < 1 || image->height < 1 || image->width > MAX_SIDE
      || image->height > MAX_SIDE)
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: image of %dx%d pixels",
                           image->width, image->height);
  if (image->stride < image->width * (int) image->format)
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: stride %d < %d",
                           image->stride, image->width * (int) image->format);
  return STVA_OK;
}

static StvaStatus
check_scale (const StvaFaceImage *image,
             double               scale,
             StvaError           *error)
{
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE))
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: scale %g", scale);
  if (image->width * scale > MAX_SIDE || image->height * scale > MAX_SIDE)
    return stva_error_set (error, STVA_ERR_INVALID,
                           "face detector: %dx%d pixels scaled by %g exceed %d", image->width,
                           image->height, scale, MAX_SIDE);
  return STVA_OK;
}

/* Copies the image into det->grey (BT.601 luma for RGB, in 8-bit fixed point). */
static void
load_grey (StvaFaceDlib        *det,
           const StvaFaceImage *image)
{
  det->grey.set_size (image->height, image->width);
  for (int y = 0; y < image->height; y++)
    {
      const uint8_t *row = image->pixels + (size_t) y * (size_t) image->stride;
      unsigned char *out = &det->grey[y][0];
      if (image->format == STVA_FACE_GREY)
        memcpy (out, row, (size_t) image->width);
      else
        for (int x = 0; x < image->width; x++)
          out[x] = (unsigned char) ((77 * row[3 * x] + 150 * row[3 * x + 1] + 29 * row[3 * x + 2]
                                     + 128) >> 8);
    }
}

/* det->scaled = det->grey resized by scale (bilinear). */
static void
resize_grey (StvaFaceDlib *det,
             double        scale)
{
  long h = std::max (1L, std::lround (det->grey.nr () * scale));
  long w = std::max (1L, std::lround (det->grey.nc () * scale));
  det->scaled.set_size (h, w);
  dlib::resize_image (det->grey, det->scaled);
}

/* Runs the detector on det->grey resized by scale; det->found gets the detections sorted by
 * area, largest first, in scaled pixels. */
static void
run_detector (StvaFaceDlib *det,
              double        scale)
{
  det->found.clear ();
  if (scale == 1.0)
    det->detector (det->grey, det->found);
  else
    {
      resize_grey (det, scale);
      det->detector (det->scaled, det->found);
    }
  std::stable_sort (det->found.begin (), det->found.end (),
                    [] (const dlib::rect_detection &a, const dlib::rect_detection &b) {
                      return a.rect.area () > b.rect.area ();
                    });
}

static StvaFaceBox
to_box (const dlib::rect_detection &d,
        double                      scale)
{
  StvaFaceBox box;
  box.left = (float) (d.rect.left () / scale);
  box.top = (float) (d.rect.top () / scale);
  box.width = (float) (d.rect.width () / scale);
  box.height = (float) (d.rect.height () / scale);
  box.score = d.detection_confidence;
  return box;
}

/* Places the landmarks on `img` inside `rect` (both at one scale) and writes them divided by
 * scale, so that they are in input pixels. */
template <typename Image>
static void
predict (const StvaFaceDlib    *det,
         const Image           &img,
         const dlib::rectangle &rect,
         double                 scale,
         float                 *landmarks)
{
  dlib::full_object_detection shape = det->model->predictor (img, rect);
  for (unsigned long i = 0; i < STVA_FACE_N_LANDMARKS; i++)
    {
      landmarks[2 * i] = (float) (shape.part (i).x () / scale);
      landmarks[2 * i + 1] = (float) (shape.part (i).y () / scale);
    }
}

/* ---- public API --------------------------------------------------------------------------- */

StvaStatus
stva_face_model_load (StvaFaceModel **out,
                      const char     *path,
                      StvaError      *error)
{
  *out = nullptr;
  if (!path)
    path = STVA_FACE_DEFAULT_MODEL;

  FILE *f = fopen (path, "rb");
  if (!f)
    return stva_error_set (error, STVA_ERR_IO,
                           "%s: cannot open the face landmark model (%s); Debian's libdlib-data "
                           "package installs it", path, strerror (errno));
  fclose (f);

  StvaFaceModel *model = nullptr;
  try
    {
      model = new StvaFaceModel;
      dlib::deserialize (path) >> model->predictor;
    }
  catch (std::bad_alloc &)
    {
      delete model;
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory loading the face model",
                             path);
    }
  catch (std::exception &e)
    {
      delete model;
      return stva_error_set (error, STVA_ERR_FORMAT, "%s: not a dlib shape predictor: %s", path,
                             e.what ());
    }
  if (model->predictor.num_parts () != STVA_FACE_N_LANDMARKS)
    {
      unsigned long n = model->predictor.num_parts ();
      delete model;
      return stva_error_set (error, STVA_ERR_FORMAT, "%s: a model of %lu landmarks, not %d", path,
                             n, STVA_FACE_N_LANDMARKS);
    }
  *out = model;
  return STVA_OK;
}

void
stva_face_model_free (StvaFaceModel *model)
{
  delete model;
}

StvaStatus
stva_face_dlib_new (StvaFaceDlib       **out,
                    const StvaFaceModel *model,
                    StvaError           *error)
{
  *out = nullptr;
  if (!model)
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: no landmark model");
  try
    {
      StvaFaceDlib *det = new StvaFaceDlib;
      det->model = model;
      det->detector = dlib::get_frontal_face_detector ();
      *out = det;
    }
  catch (std::bad_alloc &)
    {
      return stva_error_set (error, STVA_ERR_NOMEM, "face detector: out of memory");
    }
  catch (std::exception &e)
    {
      return stva_error_set (error, STVA_ERR_EXTERNAL, "face detector: dlib: %s", e.what ());
    }
  return STVA_OK;
}

void
stva_face_dlib_free (StvaFaceDlib *det)
{
  delete det;
}

StvaStatus
stva_face_dlib_detect (StvaFaceDlib        *det,
                       const StvaFaceImage *image,
                       double               scale,
                       StvaFaceBox         *boxes,
                       int                  max_boxes,
                       int                 *n_found,
                       StvaError           *error)
{
  *n_found = 0;
  StvaStatus status = check_image (image, error);
  if (status != STVA_OK)
    return status;
  status = check_scale (image, scale, error);
  if (status != STVA_OK)
    return status;
  if (max_boxes < 0 || (max_boxes > 0 && !boxes))
    return stva_error_set (error, STVA_ERR_INVALID, "face detector: no room for the boxes");
  try
    {
      load_grey (det, image);
      run_detector (det, scale);
    }
  catch (std::bad_alloc &)
    {
      return stva_error_set (error, STVA_ERR_NOMEM, "face detector: out of memory");
    }
  catch (std::exception &e)
    {
      return stva_error_set (error, STVA_ERR_EXTERNAL, "face detector: dlib: %s", e.what ());
    }
  int n = (int) det->found.size ();
  for (int i = 0; i < n && i < max_boxes; i++)
    boxes[i] = to_box (det->found[i], scale);
  *n_found = n;
  return STVA_OK;
}

StvaStatus
stva_face_dlib_largest (StvaFaceDlib        *det,
                        const StvaFaceImage *image,
                        double               scale,
                        StvaFaceBox         *box,
                        float               *landmarks,
                        bool                *found,
                        StvaError           *error)
{
  *found = false;
  memset (box, 0, sizeof *box);
  memset (landmarks, 0, sizeof (float) * 2 * STVA_FACE_N_LANDMARKS);

  int n = 0;
  StvaStatus status = stva_face_dlib_detect (det, image, scale, nullptr, 0, &n, error);
  if (status != STVA_OK || n == 0)
    return status;
  try
    {
      const dlib::rect_detection &best = det->found[0];
      if (scale > 1.0)   /* the upsampled copy has the finer pixels */
        predict (det, det->scaled, best.rect, scale, landmarks);
      else
        {
          dlib::rectangle r (std::lround (best.rect.left () / scale),
                             std::lround (best.rect.top () / scale),
                             std::lround (best.rect.right () / scale),
                             std::lround (best.rect.bottom () / scale));
          predict (det, det->grey, r, 1.0, landmarks);
        }
    }
  catch (std::bad_alloc &)
    {
      return stva_error_set (error, STVA_ERR_NOMEM, "face landmarks: out of memory");
    }
  catch (std::exception &e)
    {
      return stva_error_set (error, STVA_ERR_EXTERNAL, "face landmarks: dlib: %s", e.what ());
    }
  *box = to_box (det->found[0], scale);
  *found = true;
  return STVA_OK;
}

StvaStatus
stva_face_dlib_landmarks (StvaFaceDlib        *det,
                          const StvaFaceImage *image,
                          const StvaFaceBox   *box,
                          double               scale,
                          float               *landmarks,
                          StvaError           *error)
{
  StvaStatus status = check_image (image, error);
  if (status != STVA_OK)
    return status;
  if (!box || !(box->width >= 1.0f && box->height >= 1.0f))
    return stva_error_set (error, STVA_ERR_INVALID, "face landmarks: empty box");
  status = check_scale (image, scale, error);
  if (status != STVA_OK)
    return status;
  try
    {
      load_grey (det, image);
      dlib::rectangle r (std::lround (box->left * scale), std::lround (box->top * scale),
                         std::lround ((box->left + box->width) * scale) - 1,
                         std::lround ((box->top + box->height) * scale) - 1);
      if (scale == 1.0)
        predict (det, det->grey, r, 1.0, landmarks);
      else
        {
          resize_grey (det, scale);
          predict (det, det->scaled, r, scale, landmarks);
        }
    }
  catch (std::bad_alloc &)
    {
      return stva_error_set (error, STVA_ERR_NOMEM, "face landmarks: out of memory");
    }
  catch (std::exception &e)
    {
      return stva_error_set (error, STVA_ERR_EXTERNAL, "face landmarks: dlib: %s", e.what ());
    }
  return STVA_OK;
}
