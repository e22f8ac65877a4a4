/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dev tool, not part of the build: draws every demo character with every test expression into
 * a contact sheet (rows = characters, columns = expressions), writes each cell as its own
 * 320x240 PNG for tools/dev/dlib-check.cpp, and times the drawing.
 *
 *   cc -std=c11 -D_DEFAULT_SOURCE -I tools/demo -I core $(pkg-config --cflags --libs cairo) \
 *      tools/dev/face-sheet.c tools/demo/stva-demo-face.c -lm -o /tmp/face-sheet
 *   /tmp/face-sheet sheet.png cells/
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "stva-demo-face.h"

#define CELL_W 320
#define CELL_H 240

typedef struct
{
  const char   *name;
  StvaDemoExpr  expr;
} Column;

static const Column columns[] = {
  { "neutral", { .eye_open = 1.0 } },
  { "joy", { .mouth_curve = 0.9, .eye_open = 0.8, .mouth_open = 0.15 } },
  { "surprise", { .brow_raise = 1.0, .eye_open = 1.4, .mouth_open = 0.6 } },
  { "fear", { .brow_raise = 0.9, .brow_tilt = 0.4, .eye_open = 1.35, .mouth_open = 0.45,
              .mouth_curve = -0.2, .mouth_width = 0.4 } },
  { "anger", { .brow_raise = -0.8, .brow_tilt = -1.0, .eye_open = 0.75, .mouth_curve = -0.3,
               .mouth_width = -0.5 } },
  { "sadness", { .mouth_curve = -0.8, .brow_tilt = 0.9, .brow_raise = 0.1, .eye_open = 0.6,
                 .head_pitch = 0.1 } },
  { "disgust", { .lip_raise = 0.9, .brow_raise = -0.4, .eye_open = 0.7, .mouth_curve = -0.4,
                 .head_yaw = 0.12 } },
  { "speaking", { .mouth_open = 0.7, .eye_open = 1.0 } },
  { "yaw", { .head_yaw = 0.3, .eye_open = 1.0 } },
  { "away", { .turned_away = true, .eye_open = 1.0 } },
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: face-sheet SHEET.png [CELL_DIR]\n");
      return 1;
    }
  const char *cell_dir = argc > 2 ? argv[2] : NULL;
  if (cell_dir)
    mkdir (cell_dir, 0755);

  double scale = 0.5;   /* the sheet shows cells at half size */
  int sheet_w = (int) (N_COLUMNS * CELL_W * scale), sheet_h = (int) (STVA_DEMO_N_FACES * CELL_H * scale);
  cairo_surface_t *sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, sheet_w, sheet_h);
  cairo_t *scr = cairo_create (sheet);
  cairo_surface_t *cell = cairo_image_surface_create (CAIRO_FORMAT_RGB24, CELL_W, CELL_H);
  cairo_t *cr = cairo_create (cell);

  for (int f = 0; f < STVA_DEMO_N_FACES; f++)
    {
      StvaDemoFace face;
      stva_demo_face_preset (f, &face);
      for (size_t c = 0; c < N_COLUMNS; c++)
        {
          stva_demo_face_draw (cr, CELL_W, CELL_H, &face, &columns[c].expr);
          cairo_surface_flush (cell);
          if (cell_dir)
            {
              char path[4096];
              snprintf (path, sizeof path, "%s/f%d-%02zu-%s.png", cell_dir, f, c, columns[c].name);
              if (cairo_surface_write_to_png (cell, path) != CAIRO_STATUS_SUCCESS)
                {
                  fprintf (stderr, "face-sheet: cannot write %s\n", path);
                  return 1;
                }
            }
          cairo_save (scr);
          cairo_translate (scr, c * CELL_W * scale, f * CELL_H * scale);
          cairo_scale (scr, scale, scale);
          cairo_set_source_surface (scr, cell, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (scr), CAIRO_FILTER_GOOD);
          cairo_paint (scr);
          cairo_restore (scr);
        }
    }
  if (cairo_surface_write_to_png (sheet, argv[1]) != CAIRO_STATUS_SUCCESS)
    {
      fprintf (stderr, "face-sheet: cannot write %s\n", argv[1]);
      return 1;
    }

  /* timing: 1000 draws cycling through characters and expressions, with a blink and some
   * speech so every path (open mouth, closed eyes) is exercised */
  int n = 1000;
  double t0 = now_s ();
  for (int i = 0; i < n; i++)
    {
      StvaDemoFace face;
      stva_demo_face_preset (i % STVA_DEMO_N_FACES, &face);
      StvaDemoExpr e = columns[(i / STVA_DEMO_N_FACES) % (N_COLUMNS - 1)].expr;
      e.mouth_open += 0.3 * ((i * 37) % 10) / 10.0;
      e.blink = (i % 29 == 0) ? 1.0 : 0.0;
      e.head_roll = 0.1 * (((i * 13) % 7) - 3) / 3.0;
      stva_demo_face_draw (cr, CELL_W, CELL_H, &face, &e);
    }
  cairo_surface_flush (cell);
  double dt = now_s () - t0;
  printf ("%d frames of %dx%d in %.3f s: %.3f ms per frame\n", n, CELL_W, CELL_H, dt,
          1e3 * dt / n);

  cairo_destroy (cr);
  cairo_surface_destroy (cell);
  cairo_destroy (scr);
  cairo_surface_destroy (sheet);
  return 0;
}
