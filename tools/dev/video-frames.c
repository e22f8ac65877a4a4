/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dev tool: a contact sheet of frames decoded from videos (through core/media), one cell per
 * argument, each captioned.  It makes the README's pictures of the demo corpus from the
 * generated videos themselves.
 *
 *   build/tools/dev/video-frames OUT.png COLUMNS "CAPTION=VIDEO@SECONDS" ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "stva-media-log.h"
#include "stva-media-reader.h"

#define CAPTION_H 22

static int
draw_cell (cairo_t    *cr,
           const char *arg,
           double      x,
           double      y,
           int        *cell_w,
           int        *cell_h)
{
  char caption[256], path[4096];
  double t = 0.0;
  const char *eq = strchr (arg, '=');
  const char *at = strrchr (arg, '@');
  if (eq == NULL || at == NULL || at < eq)
    {
      fprintf (stderr, "video-frames: '%s' is not CAPTION=VIDEO@SECONDS\n", arg);
      return 1;
    }
  snprintf (caption, sizeof caption, "%.*s", (int) (eq - arg), arg);
  snprintf (path, sizeof path, "%.*s", (int) (at - eq - 1), eq + 1);
  t = atof (at + 1);

  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  if (stva_media_reader_open (&reader, path, &error) != STVA_OK)
    {
      fprintf (stderr, "video-frames: %s\n", error.message);
      return 1;
    }
  const StvaMediaInfo *info = stva_media_reader_info (reader);
  int w = info->width, h = info->height;
  unsigned char *rgb = malloc ((size_t) w * h * 3);
  double pts = 0.0;
  bool eof = false;
  if (rgb == NULL || stva_media_reader_seek (reader, t, &error) != STVA_OK
      || stva_media_reader_next_frame (reader, rgb, &pts, &eof, &error) != STVA_OK || eof)
    {
      fprintf (stderr, "video-frames: %s: no frame at %.2f s %s\n", path, t, error.message);
      free (rgb);
      stva_media_reader_free (reader);
      return 1;
    }
  *cell_w = w;
  *cell_h = h + CAPTION_H;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  unsigned char *dst = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (int r = 0; r < h; r++)
    for (int c = 0; c < w; c++)
      {
        const unsigned char *p = rgb + ((size_t) r * w + c) * 3;
        uint32_t v = (uint32_t) p[0] << 16 | (uint32_t) p[1] << 8 | p[2];
        memcpy (dst + (size_t) r * stride + 4 * c, &v, 4);
      }
  cairo_surface_mark_dirty (img);
  if (cr != NULL)
    {
      cairo_set_source_surface (cr, img, x, y);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                              CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 13);
      cairo_move_to (cr, x + 6, y + h + 16);
      cairo_show_text (cr, caption);
    }
  cairo_surface_destroy (img);
  free (rgb);
  stva_media_reader_free (reader);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 4)
    {
      fprintf (stderr, "usage: video-frames OUT.png COLUMNS CAPTION=VIDEO@SECONDS ...\n");
      return 2;
    }
  stva_media_log_errors_only ();
  int cols = atoi (argv[2]);
  int n = argc - 3;
  if (cols < 1)
    cols = 1;
  int cw = 0, ch = 0;
  if (draw_cell (NULL, argv[3], 0, 0, &cw, &ch) != 0)
    return 1;
  int rows = (n + cols - 1) / cols;
  int gap = 4;
  cairo_surface_t *sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cols * (cw + gap) - gap,
                                                       rows * (ch + gap) - gap);
  cairo_t *cr = cairo_create (sheet);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++)
    {
      int w, h;
      rc = draw_cell (cr, argv[3 + i], (i % cols) * (cw + gap), (i / cols) * (ch + gap), &w, &h);
    }
  cairo_destroy (cr);
  if (rc == 0 && cairo_surface_write_to_png (sheet, argv[1]) != CAIRO_STATUS_SUCCESS)
    {
      fprintf (stderr, "video-frames: cannot write %s\n", argv[1]);
      rc = 1;
    }
  cairo_surface_destroy (sheet);
  return rc;
}
