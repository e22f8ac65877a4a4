/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test clips (see clip-writer.h).
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-demo-writer.h"

#include "clip-writer.h"

void
clip_write (const char     *path,
            const ClipSpec *spec,
            bool            video,
            bool            audio)
{
  StvaError error = { 0 };
  StvaDemoWriter *writer = NULL;
  size_t n_px = (size_t) spec->width * (size_t) spec->height;
  size_t n_samples = (size_t) (spec->rate_hz / spec->fps);
  g_autofree uint32_t *px = g_new0 (uint32_t, n_px);
  g_autofree float *x = g_new (float, n_samples);
  int64_t first = 0;

  if (stva_demo_writer_open (&writer, path, spec->width, spec->height, spec->fps, spec->rate_hz,
                             &error) != STVA_OK)
    g_error ("%s", error.message);
  for (int i = 0; i < spec->n_frames; i++)
    {
      if (video)
        {
          spec->draw (px, i, spec->user_data);
          if (stva_demo_writer_video (writer, (const uint8_t *) px, spec->width * 4, &error)
              != STVA_OK)
            g_error ("%s", error.message);
        }
      if (audio)
        {
          spec->sound (x, n_samples, first, spec->rate_hz, spec->user_data);
          first += (int64_t) n_samples;
          if (stva_demo_writer_audio (writer, x, n_samples, &error) != STVA_OK)
            g_error ("%s", error.message);
        }
    }
  if (stva_demo_writer_close (writer, &error) != STVA_OK)
    g_error ("%s", error.message);
  stva_demo_writer_free (writer);
}

void
clip_tone (float   *x,
           size_t   n,
           int64_t  first,
           int      rate_hz,
           void    *user_data)
{
  const ClipTone *tone = user_data;

  for (size_t i = 0; i < n; i++)
    x[i] = (float) (tone->amp * sin (2.0 * G_PI * tone->hz * (double) (first + (int64_t) i)
                                     / rate_hz));
}

void
clip_silence (float   *x,
              size_t   n,
              int64_t  first,
              int      rate_hz,
              void    *user_data)
{
  memset (x, 0, n * sizeof *x);
}

char *
clip_tmp_dir (const char *tmpl)
{
  g_autoptr (GError) gerror = NULL;
  char *dir = g_dir_make_tmp (tmpl, &gerror);

  g_assert_no_error (gerror);
  return dir;
}

GBytes *
clip_read_bytes (const char *path)
{
  g_autoptr (GError) gerror = NULL;
  char *data = NULL;
  gsize n = 0;

  g_file_get_contents (path, &data, &n, &gerror);
  g_assert_no_error (gerror);
  return g_bytes_new_take (data, n);
}

void
clip_write_bytes (const char *path,
                  const void *data,
                  gsize       n)
{
  g_autoptr (GError) gerror = NULL;

  g_file_set_contents (path, data, (gssize) n, &gerror);
  g_assert_no_error (gerror);
}
