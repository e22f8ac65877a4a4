/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dlib bridge on drawn demo faces: every character with five expressions, drawn at 320x240
 * and doubled for the detector, must give exactly one face whose 68 landmarks sit where a face
 * has them (brows above eyes above the nose tip above the mouth above the chin, the image-left
 * eye left of the other, all near the box); a head turned away must give none.  Grey input
 * must find the same box as RGB; a missing or bad model file must say which file and why.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-face-dlib.h"

#include "drawn-face.h"

#define W 320
#define H 240

static StvaFaceModel *model;   /* owned; loaded once for all tests */

typedef struct
{
  const char  *name;
  StvaDemoExpr expr;
} Expression;

static const Expression expressions[] = {
  { "neutral", { .eye_open = 1.0 } },
  { "joy", { .mouth_curve = 0.9, .eye_open = 0.8, .mouth_open = 0.15 } },
  { "surprise", { .brow_raise = 1.0, .eye_open = 1.4, .mouth_open = 0.6 } },
  { "anger", { .brow_raise = -0.8, .brow_tilt = -1.0, .eye_open = 0.75, .mouth_curve = -0.3,
               .mouth_width = -0.5 } },
  { "sadness", { .mouth_curve = -0.8, .brow_tilt = 0.9, .brow_raise = 0.1, .eye_open = 0.6,
                 .head_pitch = 0.1 } },
};
#define N_EXPRESSIONS (sizeof expressions / sizeof expressions[0])

static StvaFaceImage
rgb_image (const uint8_t *rgb)
{
  return (StvaFaceImage) { .pixels = rgb, .width = W, .height = H, .stride = 3 * W,
                           .format = STVA_FACE_RGB };
}

static double
mean_coord (const float *lm,
            int          from,
            int          to,
            int          axis)
{
  double sum = 0.0;
  for (int i = from; i <= to; i++)
    sum += lm[2 * i + axis];
  return sum / (to - from + 1);
}

/* The landmarks of a frontal face: ordered top to bottom and left to right, near the box. */
static void
check_layout (const char        *what,
              const StvaFaceBox *box,
              const float       *lm)
{
  double brows = mean_coord (lm, 17, 26, 1);
  double eyes = mean_coord (lm, 36, 47, 1);
  double nose_tip = lm[2 * 30 + 1];
  double mouth = mean_coord (lm, 48, 67, 1);
  double chin = lm[2 * 8 + 1];
  double right_eye_x = mean_coord (lm, 36, 41, 0);   /* the subject's right: image left */
  double left_eye_x = mean_coord (lm, 42, 47, 0);
  double mouth_x = mean_coord (lm, 48, 67, 0);

  if (!(brows < eyes && eyes < nose_tip && nose_tip < mouth && mouth < chin))
    g_error ("%s: landmark rows out of order: brows %.1f eyes %.1f nose %.1f mouth %.1f "
             "chin %.1f", what, brows, eyes, nose_tip, mouth, chin);
  if (!(right_eye_x < mouth_x && mouth_x < left_eye_x))
    g_error ("%s: eyes at x %.1f and %.1f, mouth at %.1f", what, right_eye_x, left_eye_x,
             mouth_x);
  /* the 68 points fit the box, allowing the margin dlib's boxes leave at the brows and chin */
  double mx = 0.15 * box->width, my = 0.25 * box->height;
  for (int i = 0; i < STVA_FACE_N_LANDMARKS; i++)
    {
      double x = lm[2 * i], y = lm[2 * i + 1];
      if (x < box->left - mx || x > box->left + box->width + mx || y < box->top - my
          || y > box->top + box->height + my)
        g_error ("%s: landmark %d at (%.1f, %.1f) outside box %.1f,%.1f %.1fx%.1f", what, i, x, y,
                 box->left, box->top, box->width, box->height);
    }
  /* the eyes are a plausible part of the face: inter-ocular distance 25..60 % of the box */
  double iod = left_eye_x - right_eye_x;
  if (iod < 0.25 * box->width || iod > 0.6 * box->width)
    g_error ("%s: inter-ocular distance %.1f for a box %.1f wide", what, iod, box->width);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_frontal (void)
{
  StvaError error = { 0 };
  StvaFaceDlib *det = NULL;
  g_assert_cmpint (stva_face_dlib_new (&det, model, &error), ==, STVA_OK);
  g_autofree uint8_t *rgb = g_malloc (3 * W * H);
  int n_frames = 0, n_at_scale1 = 0;
  double t_detect = 0.0;

  for (int p = 0; p < N_CHARACTERS; p++)
    for (size_t e = 0; e < N_EXPRESSIONS; e++)
      {
        g_autofree char *what = g_strdup_printf ("character %d, %s", p, expressions[e].name);
        drawn_face_rgb (rgb, p, &expressions[e].expr, W, H);
        StvaFaceImage image = rgb_image (rgb);
        StvaFaceBox boxes[4];
        int n = 0;

        double t0 = drawn_now_s ();
        g_assert_cmpint (stva_face_dlib_detect (det, &image, 2.0, boxes, 4, &n, &error), ==,
                         STVA_OK);
        t_detect += drawn_now_s () - t0;
        n_frames++;
        if (n != 1)
          g_error ("%s: %d faces found, want 1", what, n);
        g_assert_cmpfloat (boxes[0].score, >, 0.0);
        /* the drawn head is 0.42..0.52 of the frame height wide; dlib's box is the inner face */
        if (boxes[0].width < 0.2 * H || boxes[0].width > 0.7 * H)
          g_error ("%s: box %.1f px wide", what, boxes[0].width);

        StvaFaceBox box;
        float lm[2 * STVA_FACE_N_LANDMARKS];
        bool found = false;
        g_assert_cmpint (stva_face_dlib_largest (det, &image, 2.0, &box, lm, &found, &error), ==,
                         STVA_OK);
        g_assert_true (found);
        g_assert_cmpfloat (fabsf (box.left - boxes[0].left), <, 0.01f);
        check_layout (what, &box, lm);

        g_assert_cmpint (stva_face_dlib_detect (det, &image, 1.0, NULL, 0, &n, &error), ==,
                         STVA_OK);
        n_at_scale1 += n > 0;
      }
  g_test_message ("frontal: %d/%d frames found at scale 2; %d/%d at scale 1; %.1f ms per "
                  "detection at scale 2", n_frames, n_frames, n_at_scale1, n_frames,
                  1e3 * t_detect / n_frames);
  stva_face_dlib_free (det);
}

static void
test_turned_away (void)
{
  StvaError error = { 0 };
  StvaFaceDlib *det = NULL;
  g_assert_cmpint (stva_face_dlib_new (&det, model, &error), ==, STVA_OK);
  g_autofree uint8_t *rgb = g_malloc (3 * W * H);
  StvaDemoExpr away = { .eye_open = 1.0, .turned_away = true };

  for (int p = 0; p < N_CHARACTERS; p++)
    {
      drawn_face_rgb (rgb, p, &away, W, H);
      StvaFaceImage image = rgb_image (rgb);
      StvaFaceBox box;
      float lm[2 * STVA_FACE_N_LANDMARKS];
      bool found = true;
      g_assert_cmpint (stva_face_dlib_largest (det, &image, 2.0, &box, lm, &found, &error), ==,
                       STVA_OK);
      if (found)
        g_error ("character %d turned away: a face found at %.1f,%.1f", p, box.left, box.top);
      g_assert_cmpfloat (box.width, ==, 0.0f);
      g_assert_cmpfloat (lm[0], ==, 0.0f);
    }
  stva_face_dlib_free (det);
}

/* Grey input with the same luma finds the same face; landmarks in a given box follow. */
static void
test_grey_and_box (void)
{
  StvaError error = { 0 };
  StvaFaceDlib *det = NULL;
  g_assert_cmpint (stva_face_dlib_new (&det, model, &error), ==, STVA_OK);
  g_autofree uint8_t *rgb = g_malloc (3 * W * H);
  g_autofree uint8_t *grey = g_malloc (W * H);
  drawn_face_rgb (rgb, 2, &expressions[0].expr, W, H);
  for (int i = 0; i < W * H; i++)
    grey[i] = (uint8_t) ((77 * rgb[3 * i] + 150 * rgb[3 * i + 1] + 29 * rgb[3 * i + 2] + 128)
                         >> 8);

  StvaFaceImage image = rgb_image (rgb);
  StvaFaceImage grey_image = { .pixels = grey, .width = W, .height = H, .stride = W,
                               .format = STVA_FACE_GREY };
  StvaFaceBox box_rgb, box_grey;
  float lm_rgb[2 * STVA_FACE_N_LANDMARKS], lm_grey[2 * STVA_FACE_N_LANDMARKS];
  float lm_box[2 * STVA_FACE_N_LANDMARKS];
  bool found_rgb = false, found_grey = false;
  g_assert_cmpint (stva_face_dlib_largest (det, &image, 2.0, &box_rgb, lm_rgb, &found_rgb,
                                           &error), ==, STVA_OK);
  g_assert_cmpint (stva_face_dlib_largest (det, &grey_image, 2.0, &box_grey, lm_grey,
                                           &found_grey, &error), ==, STVA_OK);
  g_assert_true (found_rgb && found_grey);
  g_assert_cmpfloat (box_rgb.left, ==, box_grey.left);
  g_assert_cmpfloat (box_rgb.width, ==, box_grey.width);
  for (int i = 0; i < 2 * STVA_FACE_N_LANDMARKS; i++)
    g_assert_cmpfloat (lm_rgb[i], ==, lm_grey[i]);

  /* landmarks placed in the detected box at the same scale agree with largest's to rounding,
   * and at the frame's own size within a few pixels */
  g_assert_cmpint (stva_face_dlib_landmarks (det, &image, &box_rgb, 2.0, lm_box, &error), ==,
                   STVA_OK);
  for (int i = 0; i < 2 * STVA_FACE_N_LANDMARKS; i++)
    g_assert_cmpfloat (fabsf (lm_box[i] - lm_rgb[i]), <, 1.0f);
  g_assert_cmpint (stva_face_dlib_landmarks (det, &image, &box_rgb, 1.0, lm_box, &error), ==,
                   STVA_OK);
  double worst = 0.0;
  for (int i = 0; i < STVA_FACE_N_LANDMARKS; i++)
    worst = fmax (worst, hypot (lm_box[2 * i] - lm_rgb[2 * i],
                                lm_box[2 * i + 1] - lm_rgb[2 * i + 1]));
  g_test_message ("landmarks at scale 1 vs 2: worst point %.2f px apart", worst);
  g_assert_cmpfloat (worst, <, 6.0);
  check_layout ("landmarks in a given box", &box_rgb, lm_box);
  stva_face_dlib_free (det);
}

static void
test_bad_input (void)
{
  StvaError error = { 0 };
  StvaFaceDlib *det = NULL;
  g_assert_cmpint (stva_face_dlib_new (&det, model, &error), ==, STVA_OK);
  uint8_t px[12] = { 0 };
  StvaFaceImage image = { .pixels = px, .width = 2, .height = 2, .stride = 6,
                          .format = STVA_FACE_RGB };
  int n = -1;
  g_assert_cmpint (stva_face_dlib_detect (det, &image, 2.0, NULL, 0, &n, &error), ==, STVA_OK);
  g_assert_cmpint (n, ==, 0);    /* smaller than the scan window: nothing, no error */
  g_assert_cmpint (stva_face_dlib_detect (det, &image, 0.0, NULL, 0, &n, &error), ==,
                   STVA_ERR_INVALID);
  g_assert_cmpint (stva_face_dlib_detect (det, &image, NAN, NULL, 0, &n, &error), ==,
                   STVA_ERR_INVALID);
  g_autofree uint8_t *row = g_malloc0 (4000);
  StvaFaceImage wide = { .pixels = row, .width = 4000, .height = 1, .stride = 4000,
                         .format = STVA_FACE_GREY };
  g_assert_cmpint (stva_face_dlib_detect (det, &wide, 4.0, NULL, 0, &n, &error), ==,
                   STVA_ERR_INVALID);   /* 16000 pixels wide once scaled: refused */
  g_assert_nonnull (strstr (error.message, "exceed"));
  image.stride = 5;
  g_assert_cmpint (stva_face_dlib_detect (det, &image, 1.0, NULL, 0, &n, &error), ==,
                   STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, "stride"));
  stva_face_dlib_free (det);
  stva_face_dlib_free (NULL);
  stva_face_model_free (NULL);
}

static void
test_bad_model (void)
{
  StvaError error = { 0 };
  StvaFaceModel *m = NULL;
  const char *missing = "/nonexistent/shape_predictor_68_face_landmarks.dat";
  g_assert_cmpint (stva_face_model_load (&m, missing, &error), ==, STVA_ERR_IO);
  g_assert_null (m);
  g_assert_nonnull (strstr (error.message, missing));
  g_assert_nonnull (strstr (error.message, "libdlib-data"));

  g_autofree char *dir = g_dir_make_tmp ("test-face-dlib-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "not-a-model.dat", NULL);
  g_assert_true (g_file_set_contents (path, "hello, I am not a shape predictor\n", -1, NULL));
  g_assert_cmpint (stva_face_model_load (&m, path, &error), ==, STVA_ERR_FORMAT);
  g_assert_null (m);
  g_assert_nonnull (strstr (error.message, path));
  g_unlink (path);
  g_rmdir (dir);

  StvaFaceDlib *det = (StvaFaceDlib *) 1;
  g_assert_cmpint (stva_face_dlib_new (&det, NULL, &error), ==, STVA_ERR_INVALID);
  g_assert_null (det);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  StvaError error = { 0 };
  double t0 = drawn_now_s ();
  if (stva_face_model_load (&model, NULL, &error) != STVA_OK)
    g_error ("%s", error.message);
  g_test_message ("model loaded in %.2f s", drawn_now_s () - t0);

  g_test_add_func ("/features/face-dlib/frontal", test_frontal);
  g_test_add_func ("/features/face-dlib/turned-away", test_turned_away);
  g_test_add_func ("/features/face-dlib/grey-and-box", test_grey_and_box);
  g_test_add_func ("/features/face-dlib/bad-input", test_bad_input);
  g_test_add_func ("/features/face-dlib/bad-model", test_bad_model);
  int status = g_test_run ();
  stva_face_model_free (model);
  return status;
}
