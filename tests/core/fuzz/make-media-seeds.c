/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the media fuzzer's seed corpus into a folder: small valid files (MP4 with video and
 * audio, video only, audio only, a WAV, a Y4M) and broken ones made from them (truncated,
 * bytes flipped in the media data and in the index, a Y4M claiming an absurd size).
 * usage: make-media-seeds DIR
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "stva-demo-writer.h"

#define W 32
#define H 32
#define FPS 25
#define N_FRAMES 6
#define RATE_HZ 16000

static const char *dir;

static void
die (const char *message)
{
  fprintf (stderr, "make-media-seeds: %s\n", message);
  exit (1);
}

static char *
path_of (const char *name)
{
  static char path[4096];

  snprintf (path, sizeof path, "%s/%s", dir, name);
  return path;
}

static void
put (const char *name,
     const void *data,
     size_t      size)
{
  FILE *f = fopen (path_of (name), "wb");

  if (f == NULL || (size > 0 && fwrite (data, 1, size, f) != size) || fclose (f) != 0)
    die (name);
}

static uint8_t *
get (const char *name,
     size_t     *size)
{
  FILE *f = fopen (path_of (name), "rb");
  uint8_t *data;
  long n;

  if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (n = ftell (f)) <= 0 || fseek (f, 0, SEEK_SET))
    die (name);
  data = malloc ((size_t) n);
  if (data == NULL || fread (data, 1, (size_t) n, f) != (size_t) n)
    die (name);
  fclose (f);
  *size = (size_t) n;
  return data;
}

static void
clip (const char *name,
      bool        video,
      bool        audio)
{
  StvaError error = { 0 };
  StvaDemoWriter *writer = NULL;
  uint32_t px[W * H];
  float tone[RATE_HZ / FPS];

  if (stva_demo_writer_open (&writer, path_of (name), W, H, FPS, RATE_HZ, &error) != STVA_OK)
    die (error.message);
  for (int i = 0; i < N_FRAMES; i++)
    {
      if (video)
        {
          for (int p = 0; p < W * H; p++)
            px[p] = (p % W) / 4 == i ? 0xe0e0e0 : 0x304060;
          if (stva_demo_writer_video (writer, (const uint8_t *) px, W * 4, &error) != STVA_OK)
            die (error.message);
        }
      if (audio)
        {
          for (int j = 0; j < RATE_HZ / FPS; j++)
            tone[j] = (float) (0.3 * sin (0.1 * (i * (RATE_HZ / FPS) + j)));
          if (stva_demo_writer_audio (writer, tone, RATE_HZ / FPS, &error) != STVA_OK)
            die (error.message);
        }
    }
  if (stva_demo_writer_close (writer, &error) != STVA_OK)
    die (error.message);
  stva_demo_writer_free (writer);
}

int
main (int    argc,
      char **argv)
{
  static const char y4m[] = "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\nFRAME\n0123456789AB";
  static const char huge[] = "YUV4MPEG2 W100000 H100000 F25:1 C420jpeg\nFRAME\n0123";
  uint8_t wav[44 + 400] = "RIFF";
  uint8_t *data, *bad;
  size_t size;

  if (argc != 2)
    die ("usage: make-media-seeds DIR");
  dir = argv[1];
  av_log_set_level (AV_LOG_ERROR);  /* no encoder statistics */

  clip ("av.mp4", true, true);
  clip ("video.mp4", true, false);
  clip ("audio.m4a", false, true);
  put ("tiny.y4m", y4m, sizeof y4m - 1);
  put ("huge.y4m", huge, sizeof huge - 1);

  /* 200 samples of 16-bit mono PCM at 8 kHz */
  memcpy (wav + 4, "\xb4\x01\0\0", 4);  /* 36 + 400 bytes follow */
  memcpy (wav + 8, "WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data"
                   "\x90\x01\0\0", 36);
  for (int i = 0; i < 200; i++)
    {
      int16_t v = (int16_t) (8000 * sin (0.3 * i));

      wav[44 + 2 * i] = (uint8_t) (v & 0xff);
      wav[45 + 2 * i] = (uint8_t) ((uint16_t) v >> 8);
    }
  put ("tone.wav", wav, sizeof wav);

  data = get ("av.mp4", &size);
  put ("av-half.mp4", data, size / 2);
  put ("av-head.mp4", data, size < 64 ? size : 64);
  bad = malloc (size);
  if (bad == NULL)
    die ("out of memory");
  for (int seed = 0; seed < 3; seed++)
    {
      char name[32];

      memcpy (bad, data, size);
      srand ((unsigned) seed + 1);
      for (int k = 0; k < 6; k++)
        bad[(size_t) rand () % size] ^= (uint8_t) (1 + rand () % 255);
      snprintf (name, sizeof name, "av-flipped-%d.mp4", seed);
      put (name, bad, size);
    }
  free (bad);
  free (data);
  return 0;
}
