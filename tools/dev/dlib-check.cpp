/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dev tool, not part of the build: runs dlib's HOG frontal face detector (after one
 * pyramid_up, as the feature extractor upsamples small frames) and the 68-point shape
 * predictor on PNG frames drawn by tools/dev/face-sheet.c, and prints per file the faces found,
 * the box and landmark measures, so the drawing can be checked against what the visual
 * features will see.
 *
 *   g++ -O2 -std=c++14 tools/dev/dlib-check.cpp $(pkg-config --cflags --libs dlib-1) \
 *       -o /tmp/dlib-check
 *   /tmp/dlib-check [-m shape_predictor_68_face_landmarks.dat] [-o overlay_dir] cells/\*.png
 *
 * Measures, each over the face box height h (so they do not depend on the face size):
 *   open    inner-lip opening, dist (62, 66) / h
 *   width   mouth width, dist (48, 54) / h
 *   corner  mouth-corner lift, (mean y of 62 and 66 - mean y of 48 and 54) / h; + is a smile
 *   brow    brow height, (mean eye y - mean y of 17..26) / h
 *   slope   brow slope, (mean y of 17, 26 - mean y of 21, 22) / h; + is inner ends up (sad)
 *   eye     eye aspect ratio, mean over both eyes of (|37-41| + |38-40|) / (2 |36-39|)
 *   roll    degrees of the line through the eye centres
 *   yaw     nose tip (30) offset from the jaw midpoint (0, 16) over the jaw width
 */
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace dlib;

static double
dist (const full_object_detection &s,
      int                          i,
      int                          j)
{
  return length (s.part (i) - s.part (j));
}

static double
mean_y (const full_object_detection &s,
        int                          from,
        int                          to)
{
  double sum = 0.0;
  for (int i = from; i <= to; i++)
    sum += s.part (i).y ();
  return sum / (to - from + 1);
}

static std::string
base_name (const std::string &path)
{
  size_t slash = path.find_last_of ('/');
  std::string name = slash == std::string::npos ? path : path.substr (slash + 1);
  size_t dot = name.find_last_of ('.');
  return dot == std::string::npos ? name : name.substr (0, dot);
}

int
main (int    argc,
      char **argv)
{
  const char *model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  const char *overlay_dir = nullptr;
  bool verbose = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; i++)
    {
      if (!strcmp (argv[i], "-m") && i + 1 < argc)
        model = argv[++i];
      else if (!strcmp (argv[i], "-v"))
        verbose = true;
      else if (!strcmp (argv[i], "-o") && i + 1 < argc)
        overlay_dir = argv[++i];
      else
        files.push_back (argv[i]);
    }

  frontal_face_detector detector = get_frontal_face_detector ();
  shape_predictor sp;
  try
    {
      deserialize (model) >> sp;
    }
  catch (std::exception &e)
    {
      fprintf (stderr, "dlib-check: %s: %s\n", model, e.what ());
      return 1;
    }

  printf ("%-22s %5s %-22s %6s %6s %7s %6s %7s %5s %6s %6s\n", "file", "faces", "box (frame px)",
          "open", "width", "corner", "brow", "slope", "eye", "roll", "yaw");
  for (const std::string &path : files)
    {
      array2d<rgb_pixel> rgb;
      try
        {
          load_image (rgb, path);
        }
      catch (std::exception &e)
        {
          fprintf (stderr, "dlib-check: %s: %s\n", path.c_str (), e.what ());
          return 1;
        }
      array2d<unsigned char> gray;
      assign_image (gray, rgb);
      pyramid_up (gray);
      std::vector<rectangle> faces = detector (gray);

      if (faces.empty ())
        {
          printf ("%-22s %5d\n", base_name (path).c_str (), 0);
          continue;
        }
      /* the biggest face, in frame pixels (the detector saw the image at twice the size) */
      size_t best = 0;
      for (size_t i = 1; i < faces.size (); i++)
        if (faces[i].area () > faces[best].area ())
          best = i;
      full_object_detection s = sp (gray, faces[best]);
      rectangle r = faces[best];
      double h = r.height ();

      double open = dist (s, 62, 66) / h;
      double width = dist (s, 48, 54) / h;
      double corner = ((s.part (62).y () + s.part (66).y ()) / 2.0
                       - (s.part (48).y () + s.part (54).y ()) / 2.0) / h;
      double eye_y = mean_y (s, 36, 47);
      double brow = (eye_y - mean_y (s, 17, 26)) / h;
      double slope = ((s.part (17).y () + s.part (26).y ()) / 2.0
                      - (s.part (21).y () + s.part (22).y ()) / 2.0) / h;
      double ear_l = (dist (s, 37, 41) + dist (s, 38, 40)) / (2.0 * dist (s, 36, 39));
      double ear_r = (dist (s, 43, 47) + dist (s, 44, 46)) / (2.0 * dist (s, 42, 45));
      dpoint le (0, 0), re (0, 0);
      for (int i = 36; i < 42; i++)
        le += s.part (i);
      for (int i = 42; i < 48; i++)
        re += s.part (i);
      double roll = atan2 ((re - le).y (), (re - le).x ()) * 180.0 / M_PI;
      double jaw_mid = (s.part (0).x () + s.part (16).x ()) / 2.0;
      double yaw = (s.part (30).x () - jaw_mid) / (double) (s.part (16).x () - s.part (0).x ());

      char box[64];
      snprintf (box, sizeof box, "%ld,%ld %ldx%ld", r.left () / 2, r.top () / 2, r.width () / 2,
                r.height () / 2);
      printf ("%-22s %5zu %-22s %6.3f %6.3f %+7.3f %6.3f %+7.3f %5.3f %+6.1f %+6.3f\n",
              base_name (path).c_str (), faces.size (), box, open, width, corner, brow, slope,
              (ear_l + ear_r) / 2.0, roll, yaw);

      if (verbose)
        {
          /* where the landmark groups sit in the box, 0 = top, 1 = bottom */
          double top = r.top ();
          printf ("    box-relative y: brows %.2f  eyes %.2f  nose tip %.2f  nose base %.2f  "
                  "mouth %.2f  chin %.2f;  x: jaw %.2f..%.2f  eyes %.2f..%.2f\n",
                  (mean_y (s, 17, 26) - top) / h, (eye_y - top) / h, (s.part (30).y () - top) / h,
                  (s.part (33).y () - top) / h, ((s.part (62).y () + s.part (66).y ()) / 2.0 - top) / h,
                  (s.part (8).y () - top) / h, (s.part (0).x () - r.left ()) / h,
                  (s.part (16).x () - r.left ()) / h, (s.part (36).x () - r.left ()) / h,
                  (s.part (45).x () - r.left ()) / h);
        }
      if (overlay_dir)
        {
          array2d<rgb_pixel> big;
          assign_image (big, rgb);
          pyramid_up (big);
          draw_rectangle (big, r, rgb_pixel (255, 255, 0));
          for (unsigned long i = 0; i < s.num_parts (); i++)
            draw_solid_circle (big, s.part (i), 1.5, rgb_pixel (0, 255, 0));
          save_png (big, std::string (overlay_dir) + "/" + base_name (path) + "-lm.png");
        }
    }
  return 0;
}
