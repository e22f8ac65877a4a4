/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target over the media reader's entry points: the input is written to a file in
 * memory-backed /dev/shm (or $TMPDIR) and given to stva_media_reader_open, then a few frames
 * are decoded, the reader seeks and decodes again, and stva_media_read_audio reads the whole
 * audio and a range.  Any error is fine as long as it names the file; crashes, sanitizer
 * reports, leaks and hangs (libFuzzer's -timeout) are what the fuzzer looks for.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "stva-media-reader.h"

#define MAX_FRAMES 8
#define MAX_RGB_BYTES ((size_t) 64 << 20)  /* larger frames are opened but not decoded here */
#define CANARY_BYTES 256

static char path[256];

static void
check (StvaStatus       status,
       const StvaError *error)
{
  if (status == STVA_OK)
    return;
  if (error->code != status || strstr (error->message, path) == NULL)
    {
      fprintf (stderr, "error without the file name: %d '%s'\n", (int) status, error->message);
      abort ();
    }
}

static void
check_canary (const uint8_t *canary)
{
  for (size_t i = 0; i < CANARY_BYTES; i++)
    if (canary[i] != 0xa5)
      {
        fprintf (stderr, "the RGB conversion wrote byte %zu past the frame\n", i);
        abort ();
      }
}

static void
write_input (const uint8_t *data,
             size_t         size)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL)
    abort ();
  if (size > 0 && fwrite (data, 1, size, f) != size)
    abort ();
  if (fclose (f) != 0)
    abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *dir = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv ("TMPDIR");

  (void) argc;
  (void) argv;
  av_log_set_level (AV_LOG_QUIET);
  snprintf (path, sizeof path, "%s/stva-fuzz-media-%ld.bin", dir != NULL ? dir : "/tmp",
            (long) getpid ());
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StvaMediaReader *reader = NULL;
  StvaError error = { 0 };
  StvaStatus status;
  float *x = NULL;
  size_t n = 0;

  write_input (data, size);

  status = stva_media_reader_open (&reader, path, &error);
  check (status, &error);
  if (status == STVA_OK)
    {
      const StvaMediaInfo *info = stva_media_reader_info (reader);
      size_t n_rgb = (size_t) info->width * (size_t) info->height * 3;

      if (info->has_video && n_rgb > 0 && n_rgb <= MAX_RGB_BYTES)
        {
          /* FFmpeg is not instrumented: a canary after the frame catches its overruns */
          uint8_t *rgb = malloc (n_rgb + CANARY_BYTES);
          bool eof = false;
          double pts_s;

          assert (rgb != NULL);
          memset (rgb + n_rgb, 0xa5, CANARY_BYTES);
          for (int i = 0; i < MAX_FRAMES && !eof; i++)
            {
              status = stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error);
              check (status, &error);
              check_canary (rgb + n_rgb);
              if (status != STVA_OK)
                break;
            }
          status = stva_media_reader_seek (reader, 0.3, &error);
          check (status, &error);
          for (int i = 0; i < 2 && status == STVA_OK && !eof; i++)
            {
              status = stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error);
              check (status, &error);
              check_canary (rgb + n_rgb);
            }
          free (rgb);
        }
      stva_media_reader_free (reader);
    }

  status = stva_media_read_audio (path, 0.0, -1.0, &x, &n, &error);
  check (status, &error);
  free (x);
  x = NULL;
  status = stva_media_read_audio (path, 0.1, 0.4, &x, &n, &error);
  check (status, &error);
  free (x);

  unlink (path);
  return 0;
}
