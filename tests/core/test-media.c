/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Round trip through the demo writer and the media reader: a 2 s 320x240 25 fps clip of a red
 * square moving right over a blue background, with a 440 Hz tone at 22.05 kHz, is written and
 * read back (probe, frames, seeking, 16 kHz audio); the writer must be deterministic, and bad
 * files (empty, text, truncated, one stream missing) must give the right code and their name.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libavutil/log.h>

#include "stva-demo-writer.h"
#include "stva-media-reader.h"

#include "clip-writer.h"

/* ---- the clip ----------------------------------------------------------------------------- */

#define W 320
#define H 240
#define FPS 25
#define N_FRAMES 50             /* 2 s */
#define RATE_HZ 22050
#define TONE_HZ 440.0
#define TONE_AMP 0.5
#define SQUARE 60               /* side in pixels */
#define SQUARE_Y 90             /* top edge */
#define BG_R 40                 /* background and square colours, 0..255 */
#define BG_G 60
#define BG_B 120
#define SQ_R 230
#define SQ_G 40
#define SQ_B 40

static char *tmp_dir;           /* owned; removed at the end */
static char *clip_path;         /* owned: the clip every read test uses */

static char *
tmp_file (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* The square's left edge in frame i: 4 px per frame from x = 20. */
static int
square_x (int i)
{
  return 20 + 4 * i;
}

static void
draw_frame (uint32_t *px,
            int       i,
            void     *user_data)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        bool in = x >= square_x (i) && x < square_x (i) + SQUARE && y >= SQUARE_Y
                  && y < SQUARE_Y + SQUARE;

        /* Cairo RGB24: native-endian 0x00RRGGBB words */
        px[y * W + x] = in ? (SQ_R << 16) | (SQ_G << 8) | SQ_B : (BG_R << 16) | (BG_G << 8) | BG_B;
      }
}

/* The clip: draw_frame's square and the tone; clip_write writes both streams or one. */
static ClipTone tone = { .hz = TONE_HZ, .amp = TONE_AMP };
static const ClipSpec spec = { .width = W, .height = H, .fps = FPS, .n_frames = N_FRAMES,
                               .rate_hz = RATE_HZ, .draw = draw_frame, .sound = clip_tone,
                               .user_data = &tone };

/* Centre of the reddish pixels of an RGB24 frame, and their mean colour; false when none. */
static bool
find_square (const uint8_t *rgb,
             double        *cx,
             double        *cy,
             double         mean[3])
{
  double sx = 0.0, sy = 0.0, sum[3] = { 0.0, 0.0, 0.0 };
  long n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        const uint8_t *p = rgb + 3 * (y * W + x);

        if (p[0] > 150 && p[1] < 100 && p[2] < 100)
          {
            sx += x;
            sy += y;
            for (int c = 0; c < 3; c++)
              sum[c] += p[c];
            n++;
          }
      }
  if (n == 0)
    return false;
  *cx = sx / n;
  *cy = sy / n;
  for (int c = 0; c < 3; c++)
    mean[c] = sum[c] / n;
  return true;
}

/* Checks that rgb shows frame i: the square where it was drawn, in about its colour. */
static void
assert_shows_frame (const uint8_t *rgb,
                    int            i)
{
  double cx = 0.0, cy = 0.0, mean[3] = { 0.0, 0.0, 0.0 };
  const uint8_t *bg = rgb + 3 * (10 * W + 300);  /* a corner the square never reaches */

  g_assert_true (find_square (rgb, &cx, &cy, mean));
  if (fabs (cx - (square_x (i) + SQUARE / 2.0 - 0.5)) > 1.5
      || fabs (cy - (SQUARE_Y + SQUARE / 2.0 - 0.5)) > 1.5)
    g_error ("frame %d: square centred at (%.1f, %.1f), want (%.1f, %.1f) +- 1.5", i, cx, cy,
             square_x (i) + SQUARE / 2.0 - 0.5, SQUARE_Y + SQUARE / 2.0 - 0.5);
  if (fabs (mean[0] - SQ_R) > 16 || fabs (mean[1] - SQ_G) > 16 || fabs (mean[2] - SQ_B) > 16)
    g_error ("frame %d: square colour (%.0f, %.0f, %.0f), want (%d, %d, %d) +- 16", i, mean[0],
             mean[1], mean[2], SQ_R, SQ_G, SQ_B);
  if (abs (bg[0] - BG_R) > 12 || abs (bg[1] - BG_G) > 12 || abs (bg[2] - BG_B) > 12)
    g_error ("frame %d: background (%d, %d, %d), want (%d, %d, %d) +- 12", i, bg[0], bg[1],
             bg[2], BG_R, BG_G, BG_B);
}

/* RMS and the frequency from zero crossings of samples at 16 kHz. */
static void
tone_stats (const float *x,
            size_t       n,
            double      *rms,
            double      *freq_hz)
{
  double sum = 0.0;
  long crossings = 0;
  size_t first = 0, last = 0;

  for (size_t i = 0; i < n; i++)
    sum += (double) x[i] * x[i];
  for (size_t i = 1; i < n; i++)
    if ((x[i - 1] < 0.0f) != (x[i] < 0.0f))
      {
        if (crossings == 0)
          first = i;
        last = i;
        crossings++;
      }
  *rms = sqrt (sum / (double) (n > 0 ? n : 1));
  /* two crossings per period, counted between the first and the last */
  *freq_hz = crossings > 1 ? (crossings - 1) / 2.0 * STVA_AUDIO_RATE_HZ / (double) (last - first)
                           : 0.0;
}

static void
assert_media_error (StvaStatus       got,
                    const StvaError *error,
                    StvaStatus       want,
                    const char      *path,
                    const char      *fragment)
{
  g_test_message ("%s -> %s: %s", path, stva_status_name (got), error->message);
  g_assert_cmpstr (stva_status_name (got), ==, stva_status_name (want));
  g_assert_cmpint (error->code, ==, want);
  g_assert_nonnull (strstr (error->message, path));
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_probe (void)
{
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  const StvaMediaInfo *info;
  const double frame_s = 1.0 / FPS;

  g_assert_cmpint (stva_media_reader_open (&reader, clip_path, &error), ==, STVA_OK);
  info = stva_media_reader_info (reader);
  g_test_message ("%s: %.3f s, %s %dx%d %.2f fps %" G_GINT64_FORMAT " frames %.3f s, "
                  "%s %d Hz %d ch %.3f s", clip_path, info->duration_s, info->video_codec,
                  info->width, info->height, info->fps, info->n_video_frames,
                  info->video_duration_s, info->audio_codec, info->audio_rate_hz,
                  info->audio_channels, info->audio_duration_s);
  g_assert_true (info->has_video);
  g_assert_true (info->has_audio);
  g_assert_cmpint (info->width, ==, W);
  g_assert_cmpint (info->height, ==, H);
  g_assert_cmpfloat_with_epsilon (info->fps, FPS, 1e-6);
  g_assert_cmpint (info->n_video_frames, ==, N_FRAMES);
  g_assert_cmpfloat_with_epsilon (info->duration_s, 2.0, frame_s);
  g_assert_cmpfloat_with_epsilon (info->video_duration_s, 2.0, frame_s);
  g_assert_cmpfloat_with_epsilon (info->audio_duration_s, 2.0, frame_s);
  g_assert_true (strcmp (info->video_codec, "h264") == 0
                 || strcmp (info->video_codec, "mpeg4") == 0);
  g_assert_cmpstr (info->audio_codec, ==, "aac");
  g_assert_cmpint (info->audio_rate_hz, ==, RATE_HZ);
  g_assert_cmpint (info->audio_channels, ==, 1);
  stva_media_reader_free (reader);
}

static void
test_frames (void)
{
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  g_autofree uint8_t *rgb = g_malloc (W * H * 3);
  int n = 0;

  g_assert_cmpint (stva_media_reader_open (&reader, clip_path, &error), ==, STVA_OK);
  for (;;)
    {
      double pts_s = -1.0;
      bool eof = false;

      g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==,
                       STVA_OK);
      if (eof)
        break;
      g_assert_cmpint (n, <, N_FRAMES);
      g_assert_cmpfloat_with_epsilon (pts_s, (double) n / FPS, 1e-3);
      assert_shows_frame (rgb, n);
      n++;
    }
  g_assert_cmpint (n, ==, N_FRAMES);

  /* at the end it stays at the end */
  {
    bool eof = false;

    g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, NULL, &eof, &error), ==, STVA_OK);
    g_assert_true (eof);
  }
  stva_media_reader_free (reader);
}

/* Frames decoded without conversion, one converted afterwards: as if converted at once. */
static void
test_convert_later (void)
{
  g_autofree uint8_t *rgb = g_malloc (W * H * 3);
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  double pts_s = -1.0;
  bool eof = false;

  g_assert_cmpint (stva_media_reader_open (&reader, clip_path, &error), ==, STVA_OK);
  g_assert_cmpint (stva_media_reader_convert (reader, rgb, &error), ==, STVA_ERR_INVALID);
  for (int i = 0; i < 7; i++)
    {
      g_assert_cmpint (stva_media_reader_next_frame (reader, NULL, &pts_s, &eof, &error), ==,
                       STVA_OK);
      g_assert_false (eof);
      g_assert_cmpfloat_with_epsilon (pts_s, (double) i / FPS, 1e-6);
    }
  g_assert_cmpint (stva_media_reader_convert (reader, rgb, &error), ==, STVA_OK);
  assert_shows_frame (rgb, 6);
  g_assert_cmpint (stva_media_reader_seek (reader, 1.0, &error), ==, STVA_OK);
  g_assert_cmpint (stva_media_reader_convert (reader, rgb, &error), ==, STVA_ERR_INVALID);
  g_assert_cmpint (stva_media_reader_next_frame (reader, NULL, &pts_s, &eof, &error), ==,
                   STVA_OK);
  g_assert_cmpint (stva_media_reader_convert (reader, rgb, &error), ==, STVA_OK);
  assert_shows_frame (rgb, FPS);
  stva_media_reader_free (reader);
}

static void
test_seek (void)
{
  /* key frames are 2 s apart, so all but 0 land between them; then back and past the end */
  static const double targets_s[] = { 1.0, 0.52, 1.96, 0.0, 1.5, 0.04, 1.01 };
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  g_autofree uint8_t *rgb = g_malloc (W * H * 3);
  double pts_s;
  bool eof;

  g_assert_cmpint (stva_media_reader_open (&reader, clip_path, &error), ==, STVA_OK);
  for (size_t k = 0; k < G_N_ELEMENTS (targets_s); k++)
    {
      /* the first frame at or after the target */
      int want = (int) ceil (targets_s[k] * FPS - 1e-6);

      g_assert_cmpint (stva_media_reader_seek (reader, targets_s[k], &error), ==, STVA_OK);
      g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==,
                       STVA_OK);
      g_assert_false (eof);
      g_test_message ("seek %.2f s -> frame at %.3f s", targets_s[k], pts_s);
      g_assert_cmpfloat_with_epsilon (pts_s, (double) want / FPS, 1e-3);
      assert_shows_frame (rgb, want);
      /* and decoding goes on from there */
      g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==,
                       STVA_OK);
      if (want + 1 < N_FRAMES)
        {
          g_assert_cmpfloat_with_epsilon (pts_s, (double) (want + 1) / FPS, 1e-3);
          assert_shows_frame (rgb, want + 1);
        }
    }

  g_assert_cmpint (stva_media_reader_seek (reader, 5.0, &error), ==, STVA_OK);
  g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==, STVA_OK);
  g_assert_true (eof);
  g_assert_cmpint (stva_media_reader_seek (reader, 1.0, &error), ==, STVA_OK);
  g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==, STVA_OK);
  g_assert_false (eof);
  g_assert_cmpfloat_with_epsilon (pts_s, 1.0, 1e-3);
  stva_media_reader_free (reader);
}

static void
test_audio (void)
{
  StvaError error = { 0 };
  float *x = NULL;
  size_t n = 0;
  double rms, freq_hz;

  /* the whole stream: 2 s at 16 kHz, the priming delay and padding trimmed */
  g_assert_cmpint (stva_media_read_audio (clip_path, 0.0, -1.0, &x, &n, &error), ==, STVA_OK);
  g_assert_nonnull (x);
  g_test_message ("whole: %zu samples", n);
  g_assert_cmpint (labs ((long) n - 2 * STVA_AUDIO_RATE_HZ), <=, STVA_AUDIO_RATE_HZ / FPS);
  tone_stats (x, n, &rms, &freq_hz);
  g_test_message ("whole: rms %.4f, %.2f Hz", rms, freq_hz);
  g_assert_cmpfloat_with_epsilon (rms, TONE_AMP / sqrt (2.0), 0.05 * TONE_AMP);
  g_assert_cmpfloat_with_epsilon (freq_hz, TONE_HZ, 3.0);
  /* the tone starts at once: the priming delay is not silence at the front */
  {
    double head = 0.0;

    for (size_t i = 0; i < 160; i++)
      head += (double) x[i] * x[i];
    g_assert_cmpfloat (sqrt (head / 160), >, 0.5 * TONE_AMP / sqrt (2.0));
  }
  free (x);

  /* a range from the middle: exactly its length, and in phase with the whole */
  x = NULL;
  g_assert_cmpint (stva_media_read_audio (clip_path, 0.5, 1.5, &x, &n, &error), ==, STVA_OK);
  g_assert_cmpint (n, ==, STVA_AUDIO_RATE_HZ);
  tone_stats (x, n, &rms, &freq_hz);
  g_test_message ("0.5-1.5 s: rms %.4f, %.2f Hz", rms, freq_hz);
  g_assert_cmpfloat_with_epsilon (rms, TONE_AMP / sqrt (2.0), 0.05 * TONE_AMP);
  g_assert_cmpfloat_with_epsilon (freq_hz, TONE_HZ, 3.0);
  {
    /* correlate with the tone as written: the range must start at 0.5 s, not near it */
    double dot = 0.0, norm = 0.0;

    for (size_t i = 0; i < n; i++)
      {
        double want = TONE_AMP * sin (2.0 * G_PI * TONE_HZ * (0.5 + (double) i / 16000.0));

        dot += x[i] * want;
        norm += want * want;
      }
    g_test_message ("0.5-1.5 s: correlation with the written tone %.3f", dot / norm);
    g_assert_cmpfloat (dot / norm, >, 0.9);
  }
  free (x);

  /* an empty range and one past the end */
  x = NULL;
  g_assert_cmpint (stva_media_read_audio (clip_path, 1.0, 1.0, &x, &n, &error), ==, STVA_OK);
  g_assert_cmpuint (n, ==, 0);
  free (x);
  x = NULL;
  g_assert_cmpint (stva_media_read_audio (clip_path, 3.0, 4.0, &x, &n, &error), ==, STVA_OK);
  g_assert_cmpuint (n, ==, 0);
  free (x);

  g_assert_cmpint (stva_media_read_audio (clip_path, 1.0, 0.5, &x, &n, &error), ==,
                   STVA_ERR_INVALID);
}

static void
test_deterministic (void)
{
  g_autofree char *a = tmp_file ("same-a.mp4");
  g_autofree char *b = tmp_file ("same-b.mp4");
  g_autoptr (GBytes) bytes_a = NULL;
  g_autoptr (GBytes) bytes_b = NULL;

  clip_write (a, &spec, true, true);
  clip_write (b, &spec, true, true);
  bytes_a = clip_read_bytes (a);
  bytes_b = clip_read_bytes (b);
  g_test_message ("%s: %zu bytes", a, g_bytes_get_size (bytes_a));
  g_assert_true (g_bytes_equal (bytes_a, bytes_b));
  {
    g_autofree char *a_tmp = g_strconcat (a, ".tmp", NULL);

    g_assert_false (g_file_test (a_tmp, G_FILE_TEST_EXISTS));  /* renamed into place */
  }
  g_remove (a);
  g_remove (b);
}

static void
test_writer_tmp (void)
{
  g_autofree char *path = tmp_file ("abandoned.mp4");
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  g_autofree uint32_t *px = g_new0 (uint32_t, W * H);
  StvaError error = { 0 };
  StvaDemoWriter *writer = NULL;

  g_assert_cmpint (stva_demo_writer_open (&writer, path, W, H, FPS, RATE_HZ, &error), ==,
                   STVA_OK);
  g_assert_cmpint (stva_demo_writer_video (writer, (const uint8_t *) px, W * 4, &error), ==,
                   STVA_OK);
  g_assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  stva_demo_writer_free (writer);  /* never closed: nothing may be left */
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (stva_demo_writer_open (&writer, path, W + 1, H, FPS, RATE_HZ, &error), ==,
                   STVA_ERR_INVALID);
  g_assert_null (writer);
}

static void
test_bad_input (void)
{
  g_autofree char *empty = tmp_file ("empty.mp4");
  g_autofree char *text = tmp_file ("notes.mp4");
  g_autofree char *missing = tmp_file ("missing.mp4");
  g_autofree char *trunc = tmp_file ("truncated.mp4");
  g_autoptr (GBytes) clip = clip_read_bytes (clip_path);
  const uint8_t *data = g_bytes_get_data (clip, NULL);
  size_t size = g_bytes_get_size (clip);
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  float *x = NULL;
  size_t n = 0;
  StvaStatus status;

  clip_write_bytes (empty, "", 0);
  status = stva_media_reader_open (&reader, empty, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, empty, NULL);
  g_assert_null (reader);
  status = stva_media_read_audio (empty, 0.0, -1.0, &x, &n, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, empty, NULL);
  g_assert_null (x);

  {
    static const char notes[] = "Session 1, take 3.\nThe red square moves to the right.\n";

    clip_write_bytes (text, notes, sizeof notes - 1);
  }
  status = stva_media_reader_open (&reader, text, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, text, NULL);
  g_assert_null (reader);

  status = stva_media_reader_open (&reader, missing, &error);
  assert_media_error (status, &error, STVA_ERR_IO, missing, NULL);
  status = stva_media_read_audio (missing, 0.0, -1.0, &x, &n, &error);
  assert_media_error (status, &error, STVA_ERR_IO, missing, NULL);
  status = stva_media_reader_open (&reader, tmp_dir, &error);
  assert_media_error (status, &error, STVA_ERR_IO, tmp_dir, NULL);

  /* cut in half: the index (moved to the front) survives, the data does not */
  clip_write_bytes (trunc, data, size / 2);
  status = stva_media_reader_open (&reader, trunc, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, trunc, "truncated");
  status = stva_media_read_audio (trunc, 0.0, -1.0, &x, &n, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, trunc, NULL);

  /* cut anywhere: refused when opened, never a crash */
  for (size_t cut = 1; cut < size; cut += size / 97 + 1)
    {
      StvaError quiet = { 0 };

      clip_write_bytes (trunc, data, cut);
      status = stva_media_reader_open (&reader, trunc, &quiet);
      if (status != STVA_ERR_MEDIA || strstr (quiet.message, trunc) == NULL)
        g_error ("%s cut at %zu of %zu bytes: %s: %s", trunc, cut, size,
                 stva_status_name (status), quiet.message);
      g_assert_null (reader);
      status = stva_media_read_audio (trunc, 0.0, -1.0, &x, &n, &quiet);
      if (status != STVA_ERR_MEDIA || strstr (quiet.message, trunc) == NULL)
        g_error ("%s cut at %zu of %zu bytes: %s: %s", trunc, cut, size,
                 stva_status_name (status), quiet.message);
      g_assert_null (x);
    }

  /* bytes flipped in the media data: decoded with the damage concealed, or refused */
  for (guint32 seed = 1; seed <= 6; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      g_autofree uint8_t *bad = g_memdup2 (data, size);
      g_autofree uint8_t *rgb = g_malloc (W * H * 3);
      StvaError quiet = { 0 };
      int n_frames = 0;

      for (int k = 0; k < 24; k++)  /* past the index (moov), which is the first few KB */
        bad[g_rand_int_range (rand, (gint32) (size / 4), (gint32) size)] ^= 1u << (k % 8);
      clip_write_bytes (trunc, bad, size);
      status = stva_media_reader_open (&reader, trunc, &quiet);
      while (status == STVA_OK)
        {
          bool eof = false;

          status = stva_media_reader_next_frame (reader, rgb, NULL, &eof, &quiet);
          if (status != STVA_OK || eof)
            break;
          n_frames++;
        }
      stva_media_reader_free (reader);
      reader = NULL;
      g_test_message ("seed %u: %d frames, %s %s", seed, n_frames, stva_status_name (status),
                      quiet.message);
      if (status != STVA_OK)
        assert_media_error (status, &quiet, STVA_ERR_MEDIA, trunc, NULL);
      status = stva_media_read_audio (trunc, 0.0, -1.0, &x, &n, &quiet);
      if (status != STVA_OK)
        assert_media_error (status, &quiet, STVA_ERR_MEDIA, trunc, NULL);
      free (x);
      x = NULL;
    }

  g_remove (empty);
  g_remove (text);
  g_remove (trunc);
}

static void
test_one_stream (void)
{
  g_autofree char *video_only = tmp_file ("video-only.mp4");
  g_autofree char *audio_only = tmp_file ("audio-only.mp4");
  g_autofree uint8_t *rgb = g_malloc (W * H * 3);
  StvaError error = { 0 };
  StvaMediaReader *reader = NULL;
  const StvaMediaInfo *info;
  float *x = NULL;
  size_t n = 0;
  double pts_s;
  bool eof;
  StvaStatus status;

  clip_write (video_only, &spec, true, false);
  g_assert_cmpint (stva_media_reader_open (&reader, video_only, &error), ==, STVA_OK);
  info = stva_media_reader_info (reader);
  g_assert_true (info->has_video);
  g_assert_false (info->has_audio);
  g_assert_cmpstr (info->audio_codec, ==, "");
  g_assert_cmpint (info->n_video_frames, ==, N_FRAMES);
  g_assert_cmpfloat_with_epsilon (info->duration_s, 2.0, 1.0 / FPS);
  g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error), ==, STVA_OK);
  assert_shows_frame (rgb, 0);
  stva_media_reader_free (reader);
  reader = NULL;
  status = stva_media_read_audio (video_only, 0.0, -1.0, &x, &n, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, video_only, ": no audio stream");
  g_assert_null (x);

  clip_write (audio_only, &spec, false, true);
  g_assert_cmpint (stva_media_reader_open (&reader, audio_only, &error), ==, STVA_OK);
  info = stva_media_reader_info (reader);
  g_assert_false (info->has_video);
  g_assert_true (info->has_audio);
  g_assert_cmpint (info->width, ==, 0);
  g_assert_cmpfloat_with_epsilon (info->duration_s, 2.0, 1.0 / FPS);
  status = stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, audio_only, "no video stream");
  status = stva_media_reader_seek (reader, 1.0, &error);
  assert_media_error (status, &error, STVA_ERR_MEDIA, audio_only, "no video stream");
  stva_media_reader_free (reader);
  g_assert_cmpint (stva_media_read_audio (audio_only, 0.0, -1.0, &x, &n, &error), ==, STVA_OK);
  g_assert_cmpint (labs ((long) n - 2 * STVA_AUDIO_RATE_HZ), <=, STVA_AUDIO_RATE_HZ / FPS);
  free (x);
  g_remove (video_only);
  g_remove (audio_only);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  av_log_set_level (AV_LOG_QUIET);  /* bad inputs make FFmpeg talk; the checks say enough */

  tmp_dir = clip_tmp_dir ("stva-test-media-XXXXXX");
  clip_path = tmp_file ("clip.mp4");
  clip_write (clip_path, &spec, true, true);

  g_test_add_func ("/core/media/probe", test_probe);
  g_test_add_func ("/core/media/frames", test_frames);
  g_test_add_func ("/core/media/convert-later", test_convert_later);
  g_test_add_func ("/core/media/seek", test_seek);
  g_test_add_func ("/core/media/audio", test_audio);
  g_test_add_func ("/core/media/deterministic", test_deterministic);
  g_test_add_func ("/core/media/writer-tmp", test_writer_tmp);
  g_test_add_func ("/core/media/bad-input", test_bad_input);
  g_test_add_func ("/core/media/one-stream", test_one_stream);
  status = g_test_run ();

  g_remove (clip_path);
  g_rmdir (tmp_dir);  /* fails, and leaves the files to look at, when a test left some */
  g_free (clip_path);
  g_free (tmp_dir);
  return status;
}
