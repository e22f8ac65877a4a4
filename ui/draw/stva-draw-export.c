/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figures to files (see stva-draw.h): PNG through an image surface scaled to the asked
 * resolution, SVG and PDF through cairo's vector surfaces, all sized in points.  The figure
 * goes to a temporary name in the same folder and is renamed over the target once cairo
 * reports success.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "stva-draw.h"

typedef enum { KIND_NONE, KIND_PNG, KIND_SVG, KIND_PDF } Kind;

static Kind
kind_of (const char *path)
{
  const char *dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, '/') != NULL)
    return KIND_NONE;
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return KIND_PNG;
  if (g_ascii_strcasecmp (dot, ".svg") == 0)
    return KIND_SVG;
  if (g_ascii_strcasecmp (dot, ".pdf") == 0)
    return KIND_PDF;
  return KIND_NONE;
}

bool
stva_draw_file_kind_ok (const char *path)
{
  return path != NULL && kind_of (path) != KIND_NONE;
}

bool
stva_draw_to_file (const char   *path,
                   double        width,
                   double        height,
                   double        dpi,
                   StvaDrawFunc  draw,
                   void         *data,
                   char        **message)
{
  Kind kind = kind_of (path);
  if (kind == KIND_NONE)
    {
      *message = g_strdup_printf ("%s: a figure is written as .png, .svg or .pdf", path);
      return false;
    }
  if (!(width >= 16 && height >= 16 && width <= 20000 && height <= 20000))
    {
      *message = g_strdup_printf ("%s: a figure of %g x %g points is out of range (16 to 20000)",
                                  path, width, height);
      return false;
    }
  double scale = kind == KIND_PNG ? dpi / 72.0 : 1.0;
  if (kind == KIND_PNG && !(dpi >= 36 && dpi <= 1200 && width * scale <= 32767
                            && height * scale <= 32767))
    {
      *message = g_strdup_printf ("%s: %g dpi is out of range for a %g x %g point PNG", path,
                                  dpi, width, height);
      return false;
    }
  char *tmp = g_strdup_printf ("%s.part", path);
  cairo_surface_t *surface;
  if (kind == KIND_PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (width * scale + 0.5),
                                          (int) (height * scale + 0.5));
  else if (kind == KIND_SVG)
    surface = cairo_svg_surface_create (tmp, width, height);
  else
    surface = cairo_pdf_surface_create (tmp, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  draw (cr, data, width, height);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (status == CAIRO_STATUS_SUCCESS && kind == KIND_PNG)
    status = cairo_surface_write_to_png (surface, tmp);
  cairo_surface_finish (surface);   /* vector surfaces write their file here */
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  bool ok = status == CAIRO_STATUS_SUCCESS;
  if (!ok)
    *message = g_strdup_printf ("%s: the figure could not be written: %s", path,
                                cairo_status_to_string (status));
  else if (g_rename (tmp, path) != 0)
    {
      *message = g_strdup_printf ("%s: cannot be written: %s", path, g_strerror (errno));
      ok = false;
    }
  if (!ok)
    g_remove (tmp);
  g_free (tmp);
  return ok;
}
