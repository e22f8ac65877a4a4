/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * visual-v2 (see stva-visual.h): per sampled frame, face geometry from dlib's 68 landmarks,
 * normalised by the inter-ocular distance in a frame where the eyes are level, plus whole-frame
 * measures from a small grey thumbnail; per utterance, functionals over the frames.  Frames are
 * processed one at a time, so a long clip needs memory only for the per-frame records.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stva-media-reader.h"
#include "stva-visual.h"
#include "stva-visual-private.h"

/* ---- names and units ---------------------------------------------------------------------- */

static const char *const face_names[STVA_VISUAL_N_FACE] = {
  "mouth_open", "mouth_width", "mouth_curve", "lip_nose", "eye_open", "brow_height",
  "brow_slope", "brow_gap", "head_roll", "head_yaw", "head_pitch", "face_size", "shape_motion",
  "head_motion",
};
static const char *const face_units[STVA_VISUAL_N_FACE] = {
  "IOD", "IOD", "IOD", "IOD", "ratio", "IOD", "IOD", "IOD", "deg", "ratio", "ratio", "frame_h",
  "IOD/s", "IOD/s",
};
static const char *const frame_names[STVA_VISUAL_N_FRAME] = {
  "brightness", "contrast", "motion",
};
static const char *const frame_units[STVA_VISUAL_N_FRAME] = { "grey", "grey", "grey/s" };
static const char *const functional_names[STVA_VISUAL_N_FUNCTIONALS] = {
  "mean", "std", "min", "max", "slope",
};

#define NAME_MAX_LEN 40
static char dim_names[STVA_VISUAL_DIM][NAME_MAX_LEN];
static char dim_units[STVA_VISUAL_DIM][16];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void
set_functional_names (size_t             offset,
                      const char        *group,
                      const char        *measure,
                      const char        *unit)
{
  for (int f = 0; f < STVA_VISUAL_N_FUNCTIONALS; f++)
    {
      snprintf (dim_names[offset + f], NAME_MAX_LEN, "%s.%s.%s", group, measure,
                functional_names[f]);
      if (f == STVA_VISUAL_N_FUNCTIONALS - 1 && strchr (unit, '/'))   /* slopes are per s */
        snprintf (dim_units[offset + f], sizeof dim_units[0], "%s^2", unit);
      else if (f == STVA_VISUAL_N_FUNCTIONALS - 1)
        snprintf (dim_units[offset + f], sizeof dim_units[0], "%s/s", unit);
      else
        snprintf (dim_units[offset + f], sizeof dim_units[0], "%s", unit);
    }
}

static void
make_names (void)
{
  for (int m = 0; m < STVA_VISUAL_N_FACE; m++)
    set_functional_names (STVA_VISUAL_OFFSET_FACE + m * STVA_VISUAL_N_FUNCTIONALS, "face",
                          face_names[m], face_units[m]);
  snprintf (dim_names[STVA_VISUAL_OFFSET_FACE_FRACTION], NAME_MAX_LEN, "face.fraction");
  snprintf (dim_units[STVA_VISUAL_OFFSET_FACE_FRACTION], sizeof dim_units[0], "fraction");
  for (int m = 0; m < STVA_VISUAL_N_FRAME; m++)
    set_functional_names (STVA_VISUAL_OFFSET_FRAME + m * STVA_VISUAL_N_FUNCTIONALS, "frame",
                          frame_names[m], frame_units[m]);
  for (int c = 0; c < N_CELLS; c++)
    {
      int r = c / STVA_VISUAL_GRID, k = c % STVA_VISUAL_GRID;
      snprintf (dim_names[STVA_VISUAL_OFFSET_GRID_MEAN + c], NAME_MAX_LEN,
                "frame.grid_mean.r%dc%d", r, k);
      snprintf (dim_units[STVA_VISUAL_OFFSET_GRID_MEAN + c], sizeof dim_units[0], "grey");
      snprintf (dim_names[STVA_VISUAL_OFFSET_GRID_STD + c], NAME_MAX_LEN, "frame.grid_std.r%dc%d",
                r, k);
      snprintf (dim_units[STVA_VISUAL_OFFSET_GRID_STD + c], sizeof dim_units[0], "grey");
    }
}

const char *
stva_visual_dim_name (size_t i)
{
  assert (i < STVA_VISUAL_DIM);
  pthread_once (&names_once, make_names);
  return dim_names[i];
}

const char *
stva_visual_dim_unit (size_t i)
{
  assert (i < STVA_VISUAL_DIM);
  pthread_once (&names_once, make_names);
  return dim_units[i];
}

/* ---- helpers: the thumbnail --------------------------------------------------------------- */

/* Box-averages the frame's luma into acc->thumb (0..1) and adds its grid to the sums. */
static void
make_thumb (Accumulator   *acc,
            const uint8_t *rgb,
            float         *frame_measures)
{
  int w = acc->width, h = acc->height;
  memset (acc->cell_sum, 0, N_THUMB * sizeof *acc->cell_sum);
  memset (acc->cell_count, 0, N_THUMB * sizeof *acc->cell_count);
  for (int y = 0; y < h; y++)
    {
      int ty = (int) ((int64_t) y * STVA_VISUAL_THUMB_H / h);
      const uint8_t *row = rgb + (size_t) y * w * 3;
      uint64_t *sum = acc->cell_sum + ty * STVA_VISUAL_THUMB_W;
      uint32_t *count = acc->cell_count + ty * STVA_VISUAL_THUMB_W;
      /* the columns of each thumbnail column, x from column_start[tx] on (made at init) */
      for (int tx = 0; tx < STVA_VISUAL_THUMB_W; tx++)
        {
          uint32_t cell = 0;
          int x1 = acc->column_start[tx + 1];
          for (int x = acc->column_start[tx]; x < x1; x++)
            cell += 77u * row[3 * x] + 150u * row[3 * x + 1] + 29u * row[3 * x + 2];
          sum[tx] += cell;
          count[tx] += (uint32_t) (x1 - acc->column_start[tx]);
        }
    }
  double mean = 0.0;
  for (int i = 0; i < N_THUMB; i++)
    {
      /* a frame narrower than the thumbnail leaves cells empty: they copy a neighbour */
      if (acc->cell_count[i] == 0)
        acc->thumb[i] = i > 0 ? acc->thumb[i - 1] : 0.0f;
      else
        acc->thumb[i] = (float) ((double) acc->cell_sum[i] / (256.0 * 255.0 * acc->cell_count[i]));
      mean += acc->thumb[i];
    }
  mean /= N_THUMB;
  double var = 0.0;
  for (int i = 0; i < N_THUMB; i++)
    var += (acc->thumb[i] - mean) * (acc->thumb[i] - mean);
  frame_measures[STVA_VISUAL_BRIGHTNESS] = (float) mean;
  frame_measures[STVA_VISUAL_CONTRAST] = (float) sqrt (var / N_THUMB);

  int cw = STVA_VISUAL_THUMB_W / STVA_VISUAL_GRID, ch = STVA_VISUAL_THUMB_H / STVA_VISUAL_GRID;
  for (int c = 0; c < N_CELLS; c++)
    {
      int r0 = (c / STVA_VISUAL_GRID) * ch, c0 = (c % STVA_VISUAL_GRID) * cw;
      double s = 0.0, s2 = 0.0;
      for (int y = r0; y < r0 + ch; y++)
        for (int x = c0; x < c0 + cw; x++)
          {
            double v = acc->thumb[y * STVA_VISUAL_THUMB_W + x];
            s += v;
            s2 += v * v;
          }
      double m = s / (cw * ch);
      acc->grid_mean_sum[c] += m;
      acc->grid_std_sum[c] += sqrt (fmax (0.0, s2 / (cw * ch) - m * m));
    }
}

/* ---- helpers: face geometry --------------------------------------------------------------- */

static void
mean_point (const float *lm,
            int          from,
            int          to,
            double      *x,
            double      *y)
{
  double sx = 0.0, sy = 0.0;
  for (int i = from; i <= to; i++)
    {
      sx += lm[2 * i];
      sy += lm[2 * i + 1];
    }
  *x = sx / (to - from + 1);
  *y = sy / (to - from + 1);
}

static double
dist (const float *s,
      int          i,
      int          j)
{
  return hypot (s[2 * i] - s[2 * j], s[2 * i + 1] - s[2 * j + 1]);
}

#define SX(i) (shape[2 * (i)])
#define SY(i) (shape[2 * (i) + 1])

/* Measures a face from its landmarks (frame pixels).  shape gets the landmarks rotated so the
 * eyes are level, centred between the eyes and in IOD units (y down).  Returns false when the
 * fit is degenerate (eyes on top of each other). */
static bool
measure_face (const float *lm,
              int          frame_height,
              float       *out,
              float       *shape,
              double      *centroid,
              double      *iod_px)
{
  double rx, ry, lx, ly;   /* the subject's right eye is on the image left */
  mean_point (lm, 36, 41, &rx, &ry);
  mean_point (lm, 42, 47, &lx, &ly);
  double dx = lx - rx, dy = ly - ry;
  double iod = hypot (dx, dy);
  if (!(iod >= MIN_IOD_PX))
    return false;
  double roll = atan2 (dy, dx);
  double c = cos (-roll) / iod, s = sin (-roll) / iod;
  double ox = (rx + lx) / 2.0, oy = (ry + ly) / 2.0;
  for (int i = 0; i < STVA_FACE_N_LANDMARKS; i++)
    {
      double x = lm[2 * i] - ox, y = lm[2 * i + 1] - oy;
      shape[2 * i] = (float) (c * x - s * y);
      shape[2 * i + 1] = (float) (s * x + c * y);
    }
  /* the head's position: nose bridge and eyes, which a talking jaw leaves in place */
  double bx, by, ex, ey;
  mean_point (lm, 27, 30, &bx, &by);
  mean_point (lm, 36, 47, &ex, &ey);
  centroid[0] = (4.0 * bx + 12.0 * ex) / 16.0;
  centroid[1] = (4.0 * by + 12.0 * ey) / 16.0;
  *iod_px = iod;

  double brow_y = 0.0;
  for (int i = 17; i <= 26; i++)
    brow_y += SY (i);
  brow_y /= 10.0;
  double ear_r = (dist (shape, 37, 41) + dist (shape, 38, 40)) / (2.0 * dist (shape, 36, 39));
  double ear_l = (dist (shape, 43, 47) + dist (shape, 44, 46)) / (2.0 * dist (shape, 42, 45));
  double jaw_w = SX (16) - SX (0);

  out[STVA_VISUAL_MOUTH_OPEN] = (float) dist (shape, 62, 66);
  out[STVA_VISUAL_MOUTH_WIDTH] = (float) dist (shape, 48, 54);
  out[STVA_VISUAL_MOUTH_CURVE] = (float) ((SY (62) + SY (66)) / 2.0 - (SY (48) + SY (54)) / 2.0);
  out[STVA_VISUAL_LIP_NOSE] = (float) (SY (51) - SY (33));
  out[STVA_VISUAL_EYE_OPEN] = (float) ((isfinite (ear_r) ? ear_r : 0.0)
                                       + (isfinite (ear_l) ? ear_l : 0.0)) / 2.0f;
  out[STVA_VISUAL_BROW_HEIGHT] = (float) -brow_y;
  out[STVA_VISUAL_BROW_SLOPE] = (float) ((SY (17) + SY (26)) / 2.0 - (SY (21) + SY (22)) / 2.0);
  out[STVA_VISUAL_BROW_GAP] = (float) dist (shape, 21, 22);
  out[STVA_VISUAL_HEAD_ROLL] = (float) (roll * 180.0 / M_PI);
  out[STVA_VISUAL_HEAD_YAW] = (float) (jaw_w > 1e-3 ? (SX (30) - (SX (0) + SX (16)) / 2.0) / jaw_w
                                                    : 0.0);
  out[STVA_VISUAL_HEAD_PITCH] = (float) (SY (8) > 1e-3 ? SY (30) / SY (8) : 0.0);
  out[STVA_VISUAL_FACE_SIZE] = (float) (iod / frame_height);
  out[STVA_VISUAL_SHAPE_MOTION] = 0.0f;
  out[STVA_VISUAL_HEAD_MOTION] = 0.0f;
  return true;
}

#undef SX
#undef SY

static StvaStatus
add_frame (StvaVisualExtractor *ex,
           Accumulator         *acc,
           const uint8_t       *rgb,
           double               time_s,
           StvaError           *error)
{
  if (acc->n_frames == acc->capacity)
    {
      size_t capacity = acc->capacity ? 2 * acc->capacity : 64;
      StvaVisualFrame *frames = realloc (acc->frames, capacity * sizeof *frames);
      if (!frames)
        return stva_error_set (error, STVA_ERR_NOMEM, "visual features: %zu frames", capacity);
      acc->frames = frames;
      acc->capacity = capacity;
    }
  StvaVisualFrame *fr = &acc->frames[acc->n_frames];
  const StvaVisualFrame *prev = acc->n_frames > 0 ? fr - 1 : NULL;
  memset (fr, 0, sizeof *fr);
  fr->time_s = time_s;
  double dt = prev ? time_s - prev->time_s : 0.0;
  if (prev && !(dt > 1e-6))
    dt = acc->step_s;   /* two samples at one time (a broken timestamp): the nominal step */

  make_thumb (acc, rgb, fr->frame);
  if (prev)
    {
      double diff = 0.0;
      for (int i = 0; i < N_THUMB; i++)
        diff += fabsf (acc->thumb[i] - acc->prev_thumb[i]);
      fr->frame[STVA_VISUAL_FRAME_MOTION] = (float) (diff / N_THUMB / dt);
    }
  memcpy (acc->prev_thumb, acc->thumb, sizeof acc->thumb);

  bool found = false;
  StvaStatus status = _stva_visual_find_face (ex, acc, rgb, &fr->box, fr->landmarks, &found,
                                              error);
  if (status != STVA_OK)
    return status;
  double centroid[2], iod = 0.0;
  if (found && measure_face (fr->landmarks, acc->height, fr->face, acc->shape, centroid, &iod))
    {
      fr->has_face = true;
      if (prev && prev->has_face)
        {
          double moved = 0.0;
          for (int i = 0; i < STVA_FACE_N_LANDMARKS; i++)
            moved += hypot (acc->shape[2 * i] - acc->prev_shape[2 * i],
                            acc->shape[2 * i + 1] - acc->prev_shape[2 * i + 1]);
          fr->face[STVA_VISUAL_SHAPE_MOTION] = (float) (moved / STVA_FACE_N_LANDMARKS / dt);
          fr->face[STVA_VISUAL_HEAD_MOTION]
            = (float) (hypot (centroid[0] - acc->prev_centroid[0],
                              centroid[1] - acc->prev_centroid[1])
                       / (0.5 * (iod + acc->prev_iod)) / dt);
          fr->has_motion = true;
        }
      memcpy (acc->prev_shape, acc->shape, sizeof acc->shape);
      acc->prev_centroid[0] = centroid[0];
      acc->prev_centroid[1] = centroid[1];
      acc->prev_iod = iod;
    }
  else
    {
      memset (&fr->box, 0, sizeof fr->box);
      memset (fr->landmarks, 0, sizeof fr->landmarks);
      memset (fr->face, 0, sizeof fr->face);
    }
  acc->n_frames++;
  return STVA_OK;
}

/* mean, std, min, max and least-squares slope per second of v (at times t, n values); writes
 * 0 and mask 0 where there are too few values. */
static void
functionals (const double *t,
             const double *v,
             size_t        n,
             float        *out,
             uint8_t      *mask)
{
  memset (out, 0, STVA_VISUAL_N_FUNCTIONALS * sizeof *out);
  memset (mask, 0, STVA_VISUAL_N_FUNCTIONALS);
  if (n == 0)
    return;
  double sum = 0.0, sum_t = 0.0, lo = v[0], hi = v[0];
  for (size_t i = 0; i < n; i++)
    {
      sum += v[i];
      sum_t += t[i];
      lo = fmin (lo, v[i]);
      hi = fmax (hi, v[i]);
    }
  double mean = sum / n, mean_t = sum_t / n, var = 0.0, cov = 0.0, var_t = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double dv = v[i] - mean, dt = t[i] - mean_t;
      var += dv * dv;
      cov += dv * dt;
      var_t += dt * dt;
    }
  out[0] = (float) mean;
  out[1] = (float) sqrt (var / n);
  out[2] = (float) lo;
  out[3] = (float) hi;
  mask[0] = mask[1] = mask[2] = mask[3] = 1;
  if (n >= 2 && var_t > 1e-12)
    {
      out[4] = (float) (cov / var_t);
      mask[4] = 1;
    }
}

typedef enum
{
  USE_ALL,
  USE_FACE,
  USE_MOTION,
  USE_AFTER_FIRST,
} FrameSet;

/* Gathers the times and values of one measure over the frames of a set; returns the count. */
static size_t
gather (const Accumulator *acc,
        FrameSet           set,
        bool               face,
        int                m,
        double            *t,
        double            *v)
{
  size_t k = 0;
  for (size_t i = 0; i < acc->n_frames; i++)
    {
      const StvaVisualFrame *fr = &acc->frames[i];
      if ((set == USE_FACE && !fr->has_face) || (set == USE_MOTION && !fr->has_motion)
          || (set == USE_AFTER_FIRST && i == 0))
        continue;
      t[k] = fr->time_s;
      v[k] = face ? fr->face[m] : fr->frame[m];
      k++;
    }
  return k;
}

static StvaStatus
finish (Accumulator      *acc,
        StvaVisualResult *result,
        StvaError        *error)
{
  size_t n = acc->n_frames, n_face = 0;
  double *t = malloc ((n ? n : 1) * sizeof *t), *v = malloc ((n ? n : 1) * sizeof *v);
  if (!t || !v)
    {
      free (t);
      free (v);
      return stva_error_set (error, STVA_ERR_NOMEM, "visual features: %zu frames", n);
    }
  for (size_t i = 0; i < n; i++)
    n_face += acc->frames[i].has_face;

  for (int m = 0; m < STVA_VISUAL_N_FACE; m++)
    {
      bool motion = m == STVA_VISUAL_SHAPE_MOTION || m == STVA_VISUAL_HEAD_MOTION;
      size_t o = STVA_VISUAL_OFFSET_FACE + m * STVA_VISUAL_N_FUNCTIONALS;
      size_t k = gather (acc, motion ? USE_MOTION : USE_FACE, true, m, t, v);
      functionals (t, v, k, result->values + o, result->mask + o);
    }
  result->face_fraction = n ? (double) n_face / n : 0.0;
  result->face_missing = n_face == 0;
  result->values[STVA_VISUAL_OFFSET_FACE_FRACTION] = (float) result->face_fraction;
  result->mask[STVA_VISUAL_OFFSET_FACE_FRACTION] = 1;

  for (int m = 0; m < STVA_VISUAL_N_FRAME; m++)
    {
      /* the first frame has nothing to move from */
      FrameSet set = m == STVA_VISUAL_FRAME_MOTION ? USE_AFTER_FIRST : USE_ALL;
      size_t o = STVA_VISUAL_OFFSET_FRAME + m * STVA_VISUAL_N_FUNCTIONALS;
      size_t k = gather (acc, set, false, m, t, v);
      functionals (t, v, k, result->values + o, result->mask + o);
    }
  free (t);
  free (v);
  for (int c = 0; c < N_CELLS; c++)
    {
      result->values[STVA_VISUAL_OFFSET_GRID_MEAN + c] = n ? (float) (acc->grid_mean_sum[c] / n) : 0;
      result->values[STVA_VISUAL_OFFSET_GRID_STD + c] = n ? (float) (acc->grid_std_sum[c] / n) : 0;
      result->mask[STVA_VISUAL_OFFSET_GRID_MEAN + c] = n > 0;
      result->mask[STVA_VISUAL_OFFSET_GRID_STD + c] = n > 0;
    }
  /* the promise: never a NaN or an infinity in the vector */
  for (size_t i = 0; i < STVA_VISUAL_DIM; i++)
    if (!isfinite (result->values[i]))
      {
        result->values[i] = 0.0f;
        result->mask[i] = 0;
      }

  result->width = acc->width;
  result->height = acc->height;
  result->frames = acc->frames;
  result->n_frames = acc->n_frames;
  acc->frames = NULL;
  return STVA_OK;
}

static StvaStatus
accumulator_init (Accumulator *acc,
                  int          width,
                  int          height,
                  double       step_s,
                  StvaError   *error)
{
  memset (acc, 0, sizeof *acc);
  acc->width = width;
  acc->height = height;
  acc->step_s = step_s;
  /* frame column x goes to thumbnail column x * THUMB_W / width */
  for (int tx = 0; tx <= STVA_VISUAL_THUMB_W; tx++)
    acc->column_start[tx] = (int) (((int64_t) tx * width + STVA_VISUAL_THUMB_W - 1)
                                   / STVA_VISUAL_THUMB_W);
  acc->cell_sum = calloc (N_THUMB, sizeof *acc->cell_sum);
  acc->cell_count = calloc (N_THUMB, sizeof *acc->cell_count);
  if (!acc->cell_sum || !acc->cell_count)
    return stva_error_set (error, STVA_ERR_NOMEM, "visual features: out of memory");
  return STVA_OK;
}

static void
accumulator_clear (Accumulator *acc)
{
  free (acc->frames);
  free (acc->cell_sum);
  free (acc->cell_count);
  memset (acc, 0, sizeof *acc);
}

#define MAX_SIDE 8192   /* as the dlib bridge */

static StvaStatus
check_size (int        width,
            int        height,
            StvaError *error)
{
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
    return stva_error_set (error, STVA_ERR_INVALID, "visual features: frames of %dx%d pixels",
                           width, height);
  return STVA_OK;
}

/* ---- public API --------------------------------------------------------------------------- */

void
stva_visual_options_init (StvaVisualOptions *opts)
{
  *opts = (StvaVisualOptions) { .sample_fps = 5.0, .max_detect_height = 480,
                                .upsample_below = 480, .track_frames = 10 };
}

StvaStatus
stva_visual_extractor_new (StvaVisualExtractor    **out,
                           const StvaFaceModel     *model,
                           const StvaVisualOptions *opts,
                           StvaError               *error)
{
  *out = NULL;
  StvaVisualExtractor *ex = calloc (1, sizeof *ex);
  if (!ex)
    return stva_error_set (error, STVA_ERR_NOMEM, "visual features: out of memory");
  if (opts)
    ex->opts = *opts;
  else
    stva_visual_options_init (&ex->opts);
  StvaStatus status = STVA_OK;
  if (!(ex->opts.sample_fps > 0.0 && ex->opts.sample_fps <= 1000.0))
    {
      status = stva_error_set (error, STVA_ERR_INVALID, "visual features: sample rate %g fps",
                               ex->opts.sample_fps);
      goto out;
    }
  if (!model)
    {
      status = stva_face_model_load (&ex->own_model, NULL, error);
      if (status != STVA_OK)
        goto out;
      model = ex->own_model;
    }
  ex->model = model;
  status = stva_face_dlib_new (&ex->det, model, error);

out:
  if (status != STVA_OK)
    stva_visual_extractor_free (ex);
  else
    *out = ex;
  return status;
}

void
stva_visual_extractor_free (StvaVisualExtractor *ex)
{
  if (!ex)
    return;
  stva_face_dlib_free (ex->det);
  stva_face_model_free (ex->own_model);
  free (ex);
}

void
stva_visual_result_init (StvaVisualResult *result)
{
  memset (result, 0, sizeof *result);
}

void
stva_visual_result_clear (StvaVisualResult *result)
{
  if (!result)
    return;
  free (result->frames);
  stva_visual_result_init (result);
}

StvaStatus
stva_visual_extract_frames (StvaVisualExtractor *ex,
                            const uint8_t       *rgb,
                            size_t               n_frames,
                            int                  width,
                            int                  height,
                            double               fps,
                            StvaVisualResult    *result,
                            StvaError           *error)
{
  assert (ex && result);
  stva_visual_result_clear (result);
  StvaStatus status = check_size (width, height, error);
  if (status != STVA_OK)
    return status;
  if (!(fps > 0.0 && isfinite (fps)))
    return stva_error_set (error, STVA_ERR_INVALID, "visual features: frame rate %g", fps);
  if (n_frames == 0 || !rgb)
    return stva_error_set (error, STVA_ERR_INVALID, "visual features: no frames");

  Accumulator acc;
  status = accumulator_init (&acc, width, height, 1.0 / fps, error);
  size_t frame_bytes = (size_t) width * (size_t) height * 3;
  for (size_t i = 0; status == STVA_OK && i < n_frames; i++)
    status = add_frame (ex, &acc, rgb + i * frame_bytes, (double) i / fps, error);
  if (status == STVA_OK)
    status = finish (&acc, result, error);
  accumulator_clear (&acc);
  return status;
}

StvaStatus
stva_visual_extract_file (StvaVisualExtractor *ex,
                          const char          *path,
                          double               start_s,
                          double               end_s,
                          StvaVisualResult    *result,
                          StvaError           *error)
{
  assert (ex && path && result);
  stva_visual_result_clear (result);
  StvaMediaReader *reader = NULL;
  uint8_t *rgb = NULL;
  Accumulator acc = { 0 };
  bool acc_ready = false;

  if (!isfinite (start_s) || isnan (end_s))
    return stva_error_set (error, STVA_ERR_INVALID, "%s: clip from %g to %g s", path, start_s,
                           end_s);
  if (start_s < 0.0)
    start_s = 0.0;
  if (end_s < 0.0)
    end_s = INFINITY;

  /* one decoding thread: the extraction runner runs one extractor per core */
  StvaStatus status = stva_media_reader_open_threads (&reader, path, 1, error);
  if (status != STVA_OK)
    goto out;
  const StvaMediaInfo *info = stva_media_reader_info (reader);
  if (!info->has_video)
    {
      status = stva_error_set (error, STVA_ERR_MEDIA, "%s: no video stream", path);
      goto out;
    }
  status = check_size (info->width, info->height, error);
  if (status != STVA_OK)
    {
      stva_error_prefix (error, "%s: ", path);
      goto out;
    }
  rgb = malloc ((size_t) info->width * (size_t) info->height * 3);
  if (!rgb)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: frame of %dx%d", path, info->width,
                               info->height);
      goto out;
    }
  status = accumulator_init (&acc, info->width, info->height, 1.0 / ex->opts.sample_fps, error);
  acc_ready = true;
  if (status == STVA_OK && start_s > 0.0)
    status = stva_media_reader_seek (reader, start_s, error);

  double step = 1.0 / ex->opts.sample_fps, next_s = start_s;
  while (status == STVA_OK)
    {
      double pts = 0.0;
      bool eof = false;
      /* frames between samples are decoded but not converted to RGB */
      status = stva_media_reader_next_frame (reader, NULL, &pts, &eof, error);
      if (status != STVA_OK || eof || pts >= end_s - TIME_TOLERANCE_S)
        break;
      if (pts < next_s - TIME_TOLERANCE_S)
        continue;
      status = stva_media_reader_convert (reader, rgb, error);
      if (status == STVA_OK)
        status = add_frame (ex, &acc, rgb, pts, error);
      if (status != STVA_OK)
        stva_error_prefix (error, "%s: ", path);
      /* the next sample time after this frame; a slow video gives each frame once */
      while (next_s <= pts + TIME_TOLERANCE_S)
        next_s += step;
    }
  if (status == STVA_OK && acc.n_frames == 0)
    status = stva_error_set (error, STVA_ERR_MEDIA, "%s: no video frames between %.3f and %.3f s",
                             path, start_s, end_s);
  if (status == STVA_OK)
    status = finish (&acc, result, error);

out:
  if (acc_ready)
    accumulator_clear (&acc);
  free (rgb);
  stva_media_reader_free (reader);
  return status;
}
