/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn demo faces (see drawn-face.h).
 */
#include <string.h>
#include <time.h>

#include <glib.h>

#include "drawn-face.h"

static void
draw (cairo_surface_t    *surface,
      int                 preset,
      const StvaDemoExpr *expr,
      int                 width,
      int                 height)
{
  StvaDemoFace face;
  stva_demo_face_preset (preset, &face);
  cairo_t *cr = cairo_create (surface);
  stva_demo_face_draw (cr, width, height, &face, expr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

static cairo_surface_t *
new_surface (int                 preset,
             const StvaDemoExpr *expr,
             int                 width,
             int                 height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  draw (surface, preset, expr, width, height);
  return surface;
}

void
drawn_face_rgb (uint8_t            *rgb,
                int                 preset,
                const StvaDemoExpr *expr,
                int                 width,
                int                 height)
{
  cairo_surface_t *surface = new_surface (preset, expr, width, height);
  const uint8_t *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  /* Cairo's xRGB words to packed RGB */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        uint32_t px;
        uint8_t *out = rgb + 3 * ((size_t) y * width + x);
        memcpy (&px, data + (size_t) y * stride + 4 * x, 4);
        out[0] = (px >> 16) & 0xff;
        out[1] = (px >> 8) & 0xff;
        out[2] = px & 0xff;
      }
  cairo_surface_destroy (surface);
}

void
drawn_face_words (uint32_t           *px,
                  int                 preset,
                  const StvaDemoExpr *expr,
                  int                 width,
                  int                 height)
{
  g_assert_cmpint (cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, width), ==, width * 4);
  memset (px, 0, (size_t) width * height * sizeof *px);   /* a new surface starts black */
  cairo_surface_t *surface = cairo_image_surface_create_for_data ((unsigned char *) px,
                                                                  CAIRO_FORMAT_RGB24, width,
                                                                  height, width * 4);
  draw (surface, preset, expr, width, height);
  cairo_surface_destroy (surface);
}

double
drawn_now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
