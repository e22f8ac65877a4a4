/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the studio's player needs from core/media: stva_media_reader_seek_at (the frame on
 * screen at a time: the last with pts <= t) and StvaMediaAudioReader (48 kHz stereo from any
 * sample on, at tempo 0.5-2 with the pitch kept).  The clip: 3 s at 25 fps whose frame i is one
 * flat colour that spells i, with a 440 Hz tone at 22.05 kHz.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libavutil/log.h>

#include "stva-media-audio-reader.h"
#include "stva-media-reader.h"

#include "clip-writer.h"

#define W 160
#define H 96
#define FPS 25
#define N_FRAMES 75             /* 3 s */
#define RATE_HZ 22050
#define TONE_HZ 440.0
#define TONE_AMP 0.5
#define OUT_HZ 48000

static char *tmp_dir;
static char *clip_path;         /* video and audio */
static char *video_only_path;

/* Frame i is flat: red and green spell i in steps of 8, which H.264 keeps to within 3. */
static void
draw_frame (uint32_t *px,
            int       i,
            void     *user_data)
{
  uint32_t r = 8 * (uint32_t) (i % 32) + 4, g = 8 * (uint32_t) (i / 32) + 4;

  for (int k = 0; k < W * H; k++)
    px[k] = r << 16 | g << 8 | 0x40;
}

/* The frame number an RGB24 frame spells (its centre pixel). */
static int
frame_number (const uint8_t *rgb)
{
  const uint8_t *p = rgb + 3 * ((H / 2) * W + W / 2);

  return (int) lround ((p[0] - 4) / 8.0) + 32 * (int) lround ((p[1] - 4) / 8.0);
}

static ClipTone tone = { .hz = TONE_HZ, .amp = TONE_AMP };
static const ClipSpec spec = { .width = W, .height = H, .fps = FPS, .n_frames = N_FRAMES,
                               .rate_hz = RATE_HZ, .draw = draw_frame, .sound = clip_tone,
                               .user_data = &tone };

/* ---- seek_at ------------------------------------------------------------------------------ */

static void
expect_frame (StvaMediaReader *reader,
              uint8_t         *rgb,
              int              want,
              const char      *what)
{
  StvaError error = { 0 };
  double pts_s = -1.0;
  bool eof = true;

  g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==, STVA_OK);
  g_assert_false (eof);
  if (fabs (pts_s - (double) want / FPS) > 1e-3 || frame_number (rgb) != want)
    g_error ("%s: frame at %.4f s spelling %d, want frame %d at %.4f s", what, pts_s,
             frame_number (rgb), want, (double) want / FPS);
}

static void
test_seek_at (void)
{
  /* between frames, on a frame exactly, before the start, a key frame (every 2 s), the last */
  static const double targets_s[] = { 1.0, 0.53, 1.999, 0.0, -1.0, 2.0, 0.039, 2.96, 10.0, 0.7 };
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  g_autofree uint8_t *rgb = g_malloc (W * H * 3);

  g_assert_cmpint (stva_media_reader_open (&reader, clip_path, &error), ==, STVA_OK);
  for (size_t k = 0; k < G_N_ELEMENTS (targets_s); k++)
    {
      double t = targets_s[k];
      int want = t <= 0.0 ? 0 : (int) floor (t * FPS + 1e-6);
      g_autofree char *what = g_strdup_printf ("seek_at %.3f s", t);

      if (want > N_FRAMES - 1)
        want = N_FRAMES - 1;
      g_assert_cmpint (stva_media_reader_seek_at (reader, t, &error), ==, STVA_OK);
      expect_frame (reader, rgb, want, what);
      if (want + 1 < N_FRAMES)  /* and the frames after it follow in order */
        expect_frame (reader, rgb, want + 1, what);
      if (want + 2 < N_FRAMES)
        expect_frame (reader, rgb, want + 2, what);
    }

  /* a step back: just before the frame on screen is the frame before it */
  for (int i = 1; i < N_FRAMES; i += 13)
    {
      g_assert_cmpint (stva_media_reader_seek_at (reader, (double) i / FPS - 1e-7, &error), ==,
                       STVA_OK);
      expect_frame (reader, rgb, i - 1, "step back");
    }

  /* the old seek keeps its meaning: the first frame at or after */
  g_assert_cmpint (stva_media_reader_seek (reader, 0.53, &error), ==, STVA_OK);
  expect_frame (reader, rgb, 14, "seek 0.53 s");
  stva_media_reader_free (reader);
}

/* ---- the audio reader --------------------------------------------------------------------- */

/* Reads everything from where the reader is: n frames of stereo into a new buffer. */
static float *
read_all (StvaMediaAudioReader *reader,
          size_t               *n,
          double               *first_pts_s)
{
  StvaError error = { 0 };
  size_t cap = 4096, len = 0;
  float *x = g_malloc (cap * 2 * sizeof (float));

  for (;;)
    {
      size_t got = 0;
      double pts_s = -1.0;
      bool eof = false;
      size_t ask = 333;  /* an odd size: pieces do not line up with frames */

      if (len + ask > cap)
        {
          cap *= 2;
          x = g_realloc (x, cap * 2 * sizeof (float));
        }
      g_assert_cmpint (stva_media_audio_reader_read (reader, x + 2 * len, ask, &got, &pts_s,
                                                     &eof, &error), ==, STVA_OK);
      if (len == 0 && first_pts_s != NULL)
        *first_pts_s = pts_s;
      len += got;
      if (eof)
        break;
      g_assert_cmpuint (got, ==, ask);
    }
  *n = len;
  return x;
}

/* Mean absolute difference of the left channel from the tone at file time t0 on. */
static double
tone_error (const float *x,
            size_t       n,
            double       t0)
{
  double sum = 0.0;

  for (size_t i = 0; i < n; i++)
    sum += fabs (x[2 * i] - TONE_AMP * sin (2.0 * G_PI * TONE_HZ * (t0 + (double) i / OUT_HZ)));
  return sum / (double) n;
}

/* Frequency from zero crossings of the left channel. */
static double
tone_hz (const float *x,
         size_t       n)
{
  long crossings = 0;
  size_t first = 0, last = 0;

  for (size_t i = 1; i < n; i++)
    if ((x[2 * (i - 1)] < 0.0f) != (x[2 * i] < 0.0f))
      {
        if (crossings == 0)
          first = i;
        last = i;
        crossings++;
      }
  return crossings > 1 ? (crossings - 1) / 2.0 * OUT_HZ / (double) (last - first) : 0.0;
}

static void
test_audio_reader (void)
{
  StvaError error = { 0 };
  StvaMediaAudioReader *reader = NULL;
  g_autofree float *x = NULL;
  size_t n = 0;
  double pts_s = -1.0;

  g_assert_cmpint (stva_media_audio_reader_open (&reader, clip_path, OUT_HZ, 2, &error), ==,
                   STVA_OK);
  x = read_all (reader, &n, &pts_s);
  g_test_message ("whole file: %zu frames from %.4f s", n, pts_s);
  g_assert_cmpfloat (fabs (pts_s), <, 1e-3);
  /* 3 s, give or take AAC's last frame */
  g_assert_cmpfloat (fabs ((double) n / OUT_HZ - 3.0), <, 0.05);
  /* the mono tone on both sides, at its level, at the right phase (skip AAC's start-up) */
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (x[2 * i], ==, x[2 * i + 1]);
  g_assert_cmpfloat (tone_error (x + 2 * 4800, 48000, 0.1), <, 0.02);

  /* seeks land on the sample, and say which: the tone's phase (one sample off: 0.018 wrong) */
  static const double targets_s[] = { 1.0, 0.5003, 2.25, 0.25, 1.7 };
  for (size_t k = 0; k < G_N_ELEMENTS (targets_s); k++)
    {
      float y[2 * 4800];
      size_t got = 0;
      bool eof = false;
      double err;

      g_assert_cmpint (stva_media_audio_reader_seek (reader, targets_s[k], 1.0, &error), ==,
                       STVA_OK);
      g_assert_cmpint (stva_media_audio_reader_read (reader, y, 4800, &got, &pts_s, &eof,
                                                     &error), ==, STVA_OK);
      g_assert_cmpuint (got, ==, 4800);
      g_assert_cmpfloat (fabs (pts_s - targets_s[k]), <, 1.0 / OUT_HZ);  /* to a sample */
      err = tone_error (y, got, pts_s);  /* the sample it gives is where it says it is */
      g_test_message ("seek %.4f s: mean error %.4f from the tone", targets_s[k], err);
      g_assert_cmpfloat (err, <, 0.006);
      g_assert_cmpfloat (fabs (stva_media_audio_reader_position (reader) - targets_s[k] - 0.1),
                         <, 1.0 / OUT_HZ);
    }
  stva_media_audio_reader_free (reader);
}

static void
test_audio_tempo (void)
{
  static const double tempos[] = { 2.0, 0.5, 1.5 };
  StvaError error = { 0 };
  StvaMediaAudioReader *reader = NULL;

  g_assert_cmpint (stva_media_audio_reader_open (&reader, clip_path, OUT_HZ, 2, &error), ==,
                   STVA_OK);
  for (size_t k = 0; k < G_N_ELEMENTS (tempos); k++)
    {
      g_autofree float *x = NULL;
      size_t n = 0;
      double pts_s = -1.0, hz, end_s;

      /* from 1 s to the end: 2 s of the file in 2 / tempo s, the tone still 440 Hz */
      g_assert_cmpint (stva_media_audio_reader_seek (reader, 1.0, tempos[k], &error), ==, STVA_OK);
      x = read_all (reader, &n, &pts_s);
      hz = tone_hz (x + 2 * (n / 4), n / 2);
      end_s = stva_media_audio_reader_position (reader);
      g_test_message ("tempo %.1f: %zu frames (%.3f s) from %.3f s to %.3f s, tone %.1f Hz",
                      tempos[k], n, (double) n / OUT_HZ, pts_s, end_s, hz);
      g_assert_cmpfloat (fabs (pts_s - 1.0), <, 1.0 / OUT_HZ);
      g_assert_cmpfloat (fabs ((double) n / OUT_HZ - 2.0 / tempos[k]), <, 0.1);
      g_assert_cmpfloat (fabs (end_s - 3.0), <, 0.1 * tempos[k]);
      g_assert_cmpfloat (fabs (hz - TONE_HZ), <, 5.0);  /* resampling would give 880 or 220 */
    }
  g_assert_cmpint (stva_media_audio_reader_seek (reader, 1.0, 2.5, &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, clip_path));
  stva_media_audio_reader_free (reader);
}

static void
test_audio_bad (void)
{
  StvaError error = { 0 };
  StvaMediaAudioReader *reader = NULL;
  g_autofree char *text = g_build_filename (tmp_dir, "notes.mp4", NULL);

  g_assert_cmpint (stva_media_audio_reader_open (&reader, video_only_path, OUT_HZ, 2, &error),
                   ==, STVA_ERR_MEDIA);
  g_assert_null (reader);
  g_assert_nonnull (strstr (error.message, video_only_path));
  g_assert_nonnull (strstr (error.message, "no audio stream"));

  clip_write_bytes (text, "not a video at all\n", 19);
  g_assert_cmpint (stva_media_audio_reader_open (&reader, text, OUT_HZ, 2, &error), ==,
                   STVA_ERR_MEDIA);
  g_assert_nonnull (strstr (error.message, text));
  g_remove (text);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  av_log_set_level (AV_LOG_QUIET);

  tmp_dir = clip_tmp_dir ("stva-test-playback-XXXXXX");
  clip_path = g_build_filename (tmp_dir, "clip.mp4", NULL);
  video_only_path = g_build_filename (tmp_dir, "silent.mp4", NULL);
  clip_write (clip_path, &spec, true, true);
  clip_write (video_only_path, &spec, true, false);

  g_test_add_func ("/core/media-playback/seek-at", test_seek_at);
  g_test_add_func ("/core/media-playback/audio-reader", test_audio_reader);
  g_test_add_func ("/core/media-playback/audio-tempo", test_audio_tempo);
  g_test_add_func ("/core/media-playback/audio-bad", test_audio_bad);
  status = g_test_run ();

  g_remove (clip_path);
  g_remove (video_only_path);
  g_rmdir (tmp_dir);
  g_free (clip_path);
  g_free (video_only_path);
  g_free (tmp_dir);
  return status;
}
