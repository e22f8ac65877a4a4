/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bad media (issue #4): the test makes broken files itself in a temporary folder (truncated
 * MP4s cut at many points, an empty file, text, random bytes, a PNG, a video without audio, a
 * WAV without video, headers claiming absurd frame sizes, packets with flipped bytes, a damaged
 * index) and runs every entry point of the media reader on each: open, next_frame, seek and
 * read_audio must either decode what is decodable or give STVA_ERR_MEDIA / STVA_ERR_IO with a
 * message naming the file, in bounded time, without a crash or a sanitizer report.  Then the
 * extraction runner gets a batch mixing good and broken clips: it must go on, mark only the
 * broken ones and name them in its report.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libavutil/log.h>

#include "stva-extract.h"
#include "stva-media-reader.h"

#include "clip-writer.h"

#define W 160
#define H 120
#define FPS 25
#define N_FRAMES 25             /* 1 s */
#define RATE_HZ 16000
#define TONE_HZ 300.0
#define MAX_FRAMES 400          /* a reader giving more than this for a 1 s clip is broken */
#define MAX_SECONDS 20.0        /* per file, all entry points, under ASan on a loaded machine */

static char *tmp_dir;           /* owned; removed at the end */
static char *good_path;         /* owned: a valid 1 s clip with video and audio */
static GBytes *good;            /* owned: its bytes */

/* ---- helpers ------------------------------------------------------------------------------ */

static char *
tmp_file (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static void
draw_bar (uint32_t *px,
          int       i,
          void     *user_data)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      px[y * W + x] = abs (x - 6 * i) < 10 ? 0xd0d0d0 : 0x203050 + (uint32_t) y;
}

/* The clip: N_FRAMES frames of a grey bar sweeping right, and a tone. */
static ClipTone tone = { .hz = TONE_HZ, .amp = 0.4 };
static const ClipSpec spec = { .width = W, .height = H, .fps = FPS, .n_frames = N_FRAMES,
                               .rate_hz = RATE_HZ, .draw = draw_bar, .sound = clip_tone,
                               .user_data = &tone };

static void
put_le16 (uint8_t *p, unsigned v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
}

static void
put_le32 (uint8_t *p, uint32_t v)
{
  put_le16 (p, v & 0xffff);
  put_le16 (p + 2, v >> 16);
}

/* A 16-bit PCM WAV of n samples of a tone; the header's fields can be set to lies. */
static void
write_wav (const char *path,
           int         channels,
           uint32_t    rate_hz,
           size_t      n,
           uint32_t    claimed_data_bytes)  /* 0: the true size */
{
  size_t n_data = n * (size_t) channels * 2;
  g_autofree uint8_t *b = g_malloc0 (44 + n_data);

  memcpy (b, "RIFF", 4);
  put_le32 (b + 4, (uint32_t) (36 + n_data));
  memcpy (b + 8, "WAVEfmt ", 8);
  put_le32 (b + 16, 16);
  put_le16 (b + 20, 1);  /* PCM */
  put_le16 (b + 22, (unsigned) channels);
  put_le32 (b + 24, rate_hz);
  put_le32 (b + 28, rate_hz * (uint32_t) channels * 2);
  put_le16 (b + 32, (unsigned) channels * 2);
  put_le16 (b + 34, 16);
  memcpy (b + 36, "data", 4);
  put_le32 (b + 40, claimed_data_bytes > 0 ? claimed_data_bytes : (uint32_t) n_data);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < channels; c++)
      {
        double v = 0.4 * sin (2.0 * G_PI * TONE_HZ * (double) i / (rate_hz > 0 ? rate_hz : 1));

        put_le16 (b + 44 + (i * (size_t) channels + (size_t) c) * 2,
                  (unsigned) (uint16_t) (int16_t) lrint (v * 32767.0));
      }
  clip_write_bytes (path, b, 44 + n_data);
}

/* Offset and size of the first top-level MP4 box of this type; false when there is none. */
static bool
find_box (const uint8_t *data,
          size_t         size,
          const char    *type,
          size_t        *at,
          size_t        *n)
{
  size_t pos = 0;

  while (pos + 8 <= size)
    {
      size_t box = (size_t) data[pos] << 24 | (size_t) data[pos + 1] << 16
                   | (size_t) data[pos + 2] << 8 | data[pos + 3];

      if (box < 8 || box > size - pos)
        return false;
      if (memcmp (data + pos + 4, type, 4) == 0)
        {
          *at = pos;
          *n = box;
          return true;
        }
      pos += box;
    }
  return false;
}

/* What running every entry point on one file gave. */
typedef struct
{
  StvaStatus open;       /* of stva_media_reader_open */
  int        n_frames;   /* decoded before the end or an error */
  StvaStatus frames;     /* how next_frame ended: STVA_OK at the end of the stream */
  StvaStatus seek;
  StvaStatus audio;      /* of stva_media_read_audio over the whole file */
  size_t     n_samples;
  StvaStatus audio_range; /* of stva_media_read_audio over 0.2 .. 0.6 s */
  char       message[STVA_ERROR_MESSAGE_MAX];  /* the first error */
} Outcome;

/* An error must be MEDIA or IO (or UNSUPPORTED: a codec this FFmpeg lacks) and name path. */
static void
check_error (const char      *path,
             const char      *what,
             StvaStatus       status,
             const StvaError *error,
             Outcome         *o)
{
  if (status == STVA_OK)
    return;
  if (status != STVA_ERR_MEDIA && status != STVA_ERR_IO && status != STVA_ERR_UNSUPPORTED)
    g_error ("%s: %s gave %s: %s", path, what, stva_status_name (status), error->message);
  if (error->code != status || strstr (error->message, path) == NULL)
    g_error ("%s: %s gave %s with a message that does not name the file: '%s'", path, what,
             stva_status_name (status), error->message);
  if (o->message[0] == '\0')
    g_strlcpy (o->message, error->message, sizeof o->message);
}

/* Opens path, reads its frames, seeks, reads them again, reads its audio whole and a part. */
static Outcome
exercise (const char *path)
{
  Outcome o = { .frames = STVA_OK, .seek = STVA_OK };
  StvaMediaReader *reader = NULL;
  StvaError error = { 0 };
  g_autoptr (GTimer) timer = g_timer_new ();
  float *x = NULL;

  o.open = stva_media_reader_open (&reader, path, &error);
  check_error (path, "open", o.open, &error, &o);
  if (o.open == STVA_OK)
    {
      const StvaMediaInfo *info = stva_media_reader_info (reader);
      size_t n_rgb = info->has_video ? (size_t) info->width * (size_t) info->height * 3 : 3;
      g_autofree uint8_t *rgb = NULL;
      bool eof = false;
      double pts_s = 0.0;

      g_assert_true (info->has_video || info->has_audio);
      g_assert_cmpuint (n_rgb, <=, (size_t) 16384 * 16384 * 3);
      rgb = g_malloc (n_rgb);
      while (o.n_frames < MAX_FRAMES)
        {
          o.frames = stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error);
          check_error (path, "next_frame", o.frames, &error, &o);
          if (o.frames != STVA_OK || eof)
            break;
          g_assert_true (isfinite (pts_s));
          o.n_frames++;
        }
      g_assert_cmpint (o.n_frames, <, MAX_FRAMES);
      /* seek back and read a few frames, whatever happened before */
      for (int s = 0; s < 3; s++)
        {
          double t = (double[]){ 0.5, 0.0, 1e6 }[s];
          StvaStatus status = stva_media_reader_seek (reader, t, &error);

          check_error (path, "seek", status, &error, &o);
          if (o.seek == STVA_OK)
            o.seek = status;
          for (int i = 0; i < 3 && status == STVA_OK; i++)
            {
              status = stva_media_reader_next_frame (reader, rgb, &pts_s, &eof, &error);
              check_error (path, "next_frame after seek", status, &error, &o);
              if (eof)
                break;
            }
        }
      stva_media_reader_free (reader);
    }
  else
    g_assert_null (reader);

  o.audio = stva_media_read_audio (path, 0.0, -1.0, &x, &o.n_samples, &error);
  check_error (path, "read_audio", o.audio, &error, &o);
  if (o.audio == STVA_OK)
    {
      g_assert_true (x != NULL || o.n_samples == 0);
      g_assert_cmpuint (o.n_samples, <, 3600 * STVA_AUDIO_RATE_HZ);  /* files here are < 1 min */
      for (size_t i = 0; i < o.n_samples; i++)
        g_assert_true (isfinite (x[i]));
    }
  else
    g_assert_null (x);
  free (x);
  x = NULL;
  {
    size_t n = 0;

    o.audio_range = stva_media_read_audio (path, 0.2, 0.6, &x, &n, &error);
    check_error (path, "read_audio 0.2..0.6 s", o.audio_range, &error, &o);
    g_assert_cmpuint (n, <=, (size_t) (0.4 * STVA_AUDIO_RATE_HZ) + 1);
    free (x);
  }

  if (g_timer_elapsed (timer, NULL) > MAX_SECONDS)
    g_error ("%s: reading took %.1f s", path, g_timer_elapsed (timer, NULL));
  g_test_message ("%s: open %s, %d frames (%s), seek %s, audio %s (%zu samples), range %s%s%s",
                  path, stva_status_name (o.open), o.n_frames, stva_status_name (o.frames),
                  stva_status_name (o.seek), stva_status_name (o.audio), o.n_samples,
                  stva_status_name (o.audio_range), o.message[0] ? ": " : "", o.message);
  return o;
}

/* The file must be refused when opened, by every entry point, with fragment in the message. */
static void
assert_refused (const char *path,
                StvaStatus  want,
                const char *fragment)
{
  Outcome o = exercise (path);

  g_assert_cmpstr (stva_status_name (o.open), ==, stva_status_name (want));
  g_assert_cmpstr (stva_status_name (o.audio), ==, stva_status_name (want));
  g_assert_cmpstr (stva_status_name (o.audio_range), ==, stva_status_name (want));
  if (fragment != NULL && strstr (o.message, fragment) == NULL)
    g_error ("%s: '%s' does not say '%s'", path, o.message, fragment);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_good (void)
{
  Outcome o = exercise (good_path);

  g_assert_cmpint (o.open, ==, STVA_OK);
  g_assert_cmpint (o.n_frames, ==, N_FRAMES);
  g_assert_cmpint (o.frames, ==, STVA_OK);
  g_assert_cmpint (o.seek, ==, STVA_OK);
  g_assert_cmpint (o.audio, ==, STVA_OK);
  g_assert_cmpint (labs ((long) o.n_samples - STVA_AUDIO_RATE_HZ), <=, STVA_AUDIO_RATE_HZ / FPS);
}

static void
test_empty (void)
{
  g_autofree char *path = tmp_file ("empty.mp4");

  clip_write_bytes (path, "", 0);
  assert_refused (path, STVA_ERR_MEDIA, "empty");
  g_remove (path);
}

static void
test_missing (void)
{
  g_autofree char *path = tmp_file ("no-such-file.mp4");

  assert_refused (path, STVA_ERR_IO, "No such file");
  assert_refused (tmp_dir, STVA_ERR_IO, "directory");
}

static void
test_not_video (void)
{
  g_autofree char *text = tmp_file ("subtitles.mp4");
  g_autofree char *noise = tmp_file ("noise.avi");
  g_autofree char *png = tmp_file ("still.mp4");
  static const char srt[] = "1\n00:00:01,000 --> 00:00:02,500\nOh my God, you're here!\n\n";
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  clip_write_bytes (text, srt, sizeof srt - 1);
  assert_refused (text, STVA_ERR_MEDIA, NULL);

  for (int size = 16; size <= 65536; size *= 16)
    {
      g_autofree uint8_t *b = g_malloc (size);

      for (int i = 0; i < size; i++)
        b[i] = (uint8_t) g_rand_int_range (rand, 0, 256);
      clip_write_bytes (noise, b, (gsize) size);
      assert_refused (noise, STVA_ERR_MEDIA, NULL);
    }

  /* a still image is not a video, whatever its name says */
  {
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 64, 48);

    g_assert_cmpint (cairo_surface_write_to_png (s, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (s);
  }
  assert_refused (png, STVA_ERR_MEDIA, "image");

  g_remove (text);
  g_remove (noise);
  g_remove (png);
}

static void
test_truncated (void)
{
  g_autofree char *path = tmp_file ("truncated.mp4");
  const uint8_t *data = g_bytes_get_data (good, NULL);
  size_t size = g_bytes_get_size (good);
  size_t moov_at = 0, moov_n = 0;

  g_assert_true (find_box (data, size, "moov", &moov_at, &moov_n));
  /* a few bytes, inside the first box, inside the index, and all through the media data */
  for (int k = 0; k <= 40; k++)
    {
      size_t cut = k == 0 ? 3 : k == 1 ? 20 : k == 2 ? moov_at + moov_n / 2
                                                     : (size_t) ((k - 2) * (double) size / 39.0);

      if (cut == 0 || cut >= size)
        continue;
      clip_write_bytes (path, data, cut);
      assert_refused (path, STVA_ERR_MEDIA, k >= 2 ? "truncated" : NULL);
    }

  /* a recording cut before its index was written (moov last): the file type and the media
   * data, cut anywhere after the file type box */
  {
    size_t ftyp_at = 0, ftyp_n = 0, mdat_at = 0, mdat_n = 0;
    g_autoptr (GByteArray) b = g_byte_array_new ();

    g_assert_true (find_box (data, size, "ftyp", &ftyp_at, &ftyp_n));
    g_assert_true (find_box (data, size, "mdat", &mdat_at, &mdat_n));
    g_byte_array_append (b, data + ftyp_at, (guint) ftyp_n);
    g_byte_array_append (b, data + mdat_at, (guint) mdat_n);
    for (size_t cut = ftyp_n + 8; cut <= b->len; cut += b->len / 7)
      {
        clip_write_bytes (path, b->data, cut);
        assert_refused (path, STVA_ERR_MEDIA, "without a readable index");
      }
  }
  g_remove (path);
}

static void
test_one_stream (void)
{
  g_autofree char *video_only = tmp_file ("video-only.mp4");
  g_autofree char *audio_only = tmp_file ("audio-only.m4a");
  g_autofree char *wav = tmp_file ("tone.wav");
  Outcome o;

  clip_write (video_only, &spec, true, false);
  o = exercise (video_only);
  g_assert_cmpint (o.open, ==, STVA_OK);
  g_assert_cmpint (o.n_frames, ==, N_FRAMES);
  g_assert_cmpint (o.audio, ==, STVA_ERR_MEDIA);
  g_assert_nonnull (strstr (o.message, "no audio stream"));

  clip_write (audio_only, &spec, false, true);
  o = exercise (audio_only);
  g_assert_cmpint (o.open, ==, STVA_OK);
  g_assert_cmpint (o.frames, ==, STVA_ERR_MEDIA);
  g_assert_cmpint (o.seek, ==, STVA_ERR_MEDIA);
  g_assert_nonnull (strstr (o.message, "no video stream"));
  g_assert_cmpint (o.audio, ==, STVA_OK);
  g_assert_cmpint (labs ((long) o.n_samples - STVA_AUDIO_RATE_HZ), <=, STVA_AUDIO_RATE_HZ / FPS);

  /* a stereo 44.1 kHz WAV: 0.5 s of it */
  write_wav (wav, 2, 44100, 22050, 0);
  o = exercise (wav);
  g_assert_cmpint (o.open, ==, STVA_OK);
  g_assert_cmpint (o.frames, ==, STVA_ERR_MEDIA);
  g_assert_cmpint (o.audio, ==, STVA_OK);
  g_assert_cmpint (labs ((long) o.n_samples - STVA_AUDIO_RATE_HZ / 2), <=, 16);
  g_assert_cmpint (o.audio_range, ==, STVA_OK);

  /* a WAV whose header claims 2 GB of data it does not have: what is there is read */
  write_wav (wav, 1, 16000, 8000, 0x7ffff000u);
  o = exercise (wav);
  if (o.audio == STVA_OK)
    g_assert_cmpint (labs ((long) o.n_samples - 8000), <=, 16);

  /* a WAV claiming no channels, and one at 0 Hz: refused */
  write_wav (wav, 0, 16000, 100, 0);
  assert_refused (wav, STVA_ERR_MEDIA, NULL);
  write_wav (wav, 1, 0, 100, 0);
  assert_refused (wav, STVA_ERR_MEDIA, NULL);

  g_remove (video_only);
  g_remove (audio_only);
  g_remove (wav);
}

static void
test_absurd_size (void)
{
  g_autofree char *y4m = tmp_file ("huge.y4m");
  g_autofree char *pgm = tmp_file ("huge.mkv");
  g_autofree char *mp4 = tmp_file ("huge.mp4");
  static const char *const headers[] = {
    "YUV4MPEG2 W100000 H100000 F25:1 Ip A1:1 C420jpeg\nFRAME\n",
    "YUV4MPEG2 W16000 H16000 F25:1 Ip A1:1 C444\nFRAME\n",  /* each side fits, the area not */
    "YUV4MPEG2 W2147483647 H2 F25:1 C420jpeg\nFRAME\n",
    "YUV4MPEG2 W0 H0 F25:1 C420jpeg\nFRAME\n",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *b = g_strconcat (headers[i], "0123456789abcdef0123456789abcdef", NULL);

      clip_write_bytes (y4m, b, strlen (b));
      assert_refused (y4m, STVA_ERR_MEDIA, NULL);
    }

  {
    static const char huge[] = "P5\n100000 100000\n255\n0123456789";

    clip_write_bytes (pgm, huge, sizeof huge - 1);
    assert_refused (pgm, STVA_ERR_MEDIA, NULL);
  }

  /* an MP4 whose sample description says 65535x65535 (the stream's own headers disagree):
   * refused, or read at the size the decoder finds; never a frame of 65535x65535 */
  {
    const uint8_t *data = g_bytes_get_data (good, NULL);
    size_t size = g_bytes_get_size (good);
    g_autofree uint8_t *b = g_memdup2 (data, size);
    int n_patched = 0;

    for (size_t i = 0; i + 36 < size; i++)
      if (memcmp (b + i, "avc1", 4) == 0 || memcmp (b + i, "mp4v", 4) == 0)
        {
          /* VisualSampleEntry: after type, 6 reserved + 2 index + 16 predefined, then w, h */
          b[i + 28] = b[i + 29] = b[i + 30] = b[i + 31] = 0xff;
          n_patched++;
        }
    g_assert_cmpint (n_patched, >, 0);
    for (size_t i = 4; i + 92 < size; i++)
      if (memcmp (b + i, "tkhd", 4) == 0)
        {
          /* version 0 tkhd: width and height, 16.16, are its last 8 bytes */
          size_t box = (size_t) b[i - 4] << 24 | (size_t) b[i - 3] << 16
                       | (size_t) b[i - 2] << 8 | b[i - 1];

          if (box >= 92 && i - 4 + box <= size)
            memset (b + i - 4 + box - 8, 0x7f, 8);
        }
    clip_write_bytes (mp4, b, size);
  }
  exercise (mp4);
  {
    StvaMediaReader *reader = NULL;
    StvaError error = { 0 };

    if (stva_media_reader_open (&reader, mp4, &error) == STVA_OK)
      {
        g_assert_cmpint (stva_media_reader_info (reader)->width, <=, W);
        g_assert_cmpint (stva_media_reader_info (reader)->height, <=, H);
        stva_media_reader_free (reader);
      }
  }

  g_remove (y4m);
  g_remove (pgm);
  g_remove (mp4);
}

/* Frames a few pixels wide: the RGB24 output must stay inside width * height * 3 bytes
 * (swscale's SIMD paths write whole blocks; a 4x2 frame once corrupted the heap), through
 * the padded scratch rows and through the direct path (widths of 32 pixels times n). */
static void
test_tiny_frames (void)
{
  g_autofree char *path = tmp_file ("tiny.y4m");
  static const int sizes[][2] = { { 2, 2 }, { 4, 2 }, { 6, 2 }, { 10, 4 }, { 18, 2 }, { 34, 6 },
                                  { 66, 2 }, { 32, 2 }, { 64, 4 }, { 96, 2 }, { 160, 6 } };

  for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int w = sizes[i][0], h = sizes[i][1];
      size_t n_frame = (size_t) (w * h + 2 * (w / 2) * (h / 2));
      size_t n_rgb = (size_t) w * (size_t) h * 3;
      g_autoptr (GString) y4m = g_string_new (NULL);
      g_autofree uint8_t *rgb = g_malloc (n_rgb + 256);
      StvaMediaReader *reader = NULL;
      StvaError error = { 0 };
      bool eof = false;
      int n = 0;

      g_string_printf (y4m, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", w, h);
      for (int f = 0; f < 2; f++)
        {
          g_string_append (y4m, "FRAME\n");
          for (size_t k = 0; k < n_frame; k++)
            g_string_append_c (y4m, (char) (k < (size_t) (w * h) ? 200 : 128));
        }
      clip_write_bytes (path, y4m->str, y4m->len);
      memset (rgb + n_rgb, 0xa5, 256);
      g_assert_cmpint (stva_media_reader_open (&reader, path, &error), ==, STVA_OK);
      for (;;)
        {
          g_assert_cmpint (stva_media_reader_next_frame (reader, rgb, NULL, &eof, &error), ==,
                           STVA_OK);
          if (eof)
            break;
          n++;
          for (size_t k = 0; k < n_rgb; k++)
            g_assert_cmpint (abs (rgb[k] - 214), <=, 3);  /* Y 200 of 16..235, neutral chroma */
          for (size_t k = 0; k < 256; k++)
            if (rgb[n_rgb + k] != 0xa5)
              g_error ("%dx%d: byte %zu past the frame was written", w, h, k);
        }
      g_assert_cmpint (n, ==, 2);
      stva_media_reader_free (reader);
    }
  g_remove (path);
}

static void
test_corrupt_packets (void)
{
  g_autofree char *path = tmp_file ("corrupt.mp4");
  const uint8_t *data = g_bytes_get_data (good, NULL);
  size_t size = g_bytes_get_size (good);
  size_t mdat_at = 0, mdat_n = 0, moov_at = 0, moov_n = 0;
  int n_decoded = 0;

  g_assert_true (find_box (data, size, "mdat", &mdat_at, &mdat_n));
  g_assert_true (find_box (data, size, "moov", &moov_at, &moov_n));

  /* inside the media data: light and heavy damage, and a run of zeros */
  for (guint32 seed = 1; seed <= 12; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      g_autofree uint8_t *b = g_memdup2 (data, size);
      int n_flips = seed <= 4 ? 8 : seed <= 8 ? 200 : 0;
      Outcome o;

      for (int k = 0; k < n_flips; k++)
        b[mdat_at + 8 + (size_t) g_rand_int_range (rand, 0, (gint32) (mdat_n - 8))]
          ^= (uint8_t) g_rand_int_range (rand, 1, 256);
      if (n_flips == 0)
        {
          size_t from = mdat_at + 8 + (size_t) g_rand_int_range (rand, 0, (gint32) (mdat_n / 2));

          memset (b + from, seed % 2 ? 0x00 : 0xff, mdat_n / 4);
        }
      clip_write_bytes (path, b, size);
      o = exercise (path);
      /* the index is intact: the file opens, and the damage is concealed or reported */
      g_assert_cmpint (o.open, ==, STVA_OK);
      n_decoded += o.n_frames;
    }
  g_assert_cmpint (n_decoded, >, 0);

  /* inside the index: anything may happen except a crash, a hang or a nameless error */
  for (guint32 seed = 1; seed <= 24; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      g_autofree uint8_t *b = g_memdup2 (data, size);

      for (int k = 0; k < 4; k++)
        b[moov_at + 8 + (size_t) g_rand_int_range (rand, 0, (gint32) (moov_n - 8))]
          ^= (uint8_t) (1u << g_rand_int_range (rand, 0, 8));
      clip_write_bytes (path, b, size);
      exercise (path);
    }
  g_remove (path);
}

/* The committed corpus (tests/core/data, see its README): refuse-* are refused, any-* only
 * must not crash.  Copied to the temporary folder so that messages name a path we know. */
static void
test_corpus (void)
{
  const char *data_dir = g_getenv ("STVA_BAD_MEDIA_DIR");
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) gerror = NULL;
  const char *name;
  int n_refuse = 0, n_any = 0;

  if (data_dir == NULL)
    {
      g_test_skip ("STVA_BAD_MEDIA_DIR is not set (meson test sets it)");
      return;
    }
  dir = g_dir_open (data_dir, 0, &gerror);
  g_assert_no_error (gerror);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (data_dir, name, NULL);
      g_autofree char *to = tmp_file (name);
      g_autoptr (GBytes) bytes = NULL;

      if (!g_str_has_prefix (name, "refuse-") && !g_str_has_prefix (name, "any-"))
        continue;
      bytes = clip_read_bytes (from);
      g_assert_cmpuint (g_bytes_get_size (bytes), <, 20000);
      clip_write_bytes (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      if (g_str_has_prefix (name, "refuse-"))
        {
          assert_refused (to, STVA_ERR_MEDIA, NULL);
          n_refuse++;
        }
      else
        {
          exercise (to);
          n_any++;
        }
      g_remove (to);
    }
  g_assert_cmpint (n_refuse, >=, 5);
  g_assert_cmpint (n_any, >=, 4);
}

/* A batch of good and broken clips through the extraction runner: it goes on, marks only the
 * broken ones (a video without audio loses only its audio row) and names every failing file
 * in its report.  Audio only by default; with -m slow (the 'slow' suite) visual too, whose
 * face model takes seconds to load (a minute under ASan). */
static void
test_extract_batch (void)
{
  const char *names[] = { "a-good.mp4", "b-empty.mp4", "c-good.mp4", "d-truncated.mp4",
                          "e-notes.mp4", "f-video-only.mp4", "g-good.mp4", "h-missing.mp4" };
  const bool ok_a[] = { true, false, true, false, false, false, true, false };
  const bool ok_v[] = { true, false, true, false, false, true, true, false };
  bool visual = g_test_slow ();
  enum { N = G_N_ELEMENTS (names) };
  char *paths[N];
  StvaExtractItem items[N];
  StvaExtractOptions opts;
  StvaExtractReport report;
  StvaError error = { 0 };
  float *out[STVA_N_MOD] = { NULL };
  uint8_t *mask[STVA_N_MOD] = { NULL };
  const uint8_t *data = g_bytes_get_data (good, NULL);
  size_t size = g_bytes_get_size (good);

  for (int i = 0; i < N; i++)
    {
      paths[i] = tmp_file (names[i]);
      items[i] = (StvaExtractItem){ .media_path = paths[i], .start_s = 0.0, .end_s = -1.0,
                                    .text = NULL, .dialogue = i };
    }
  clip_write_bytes (paths[0], data, size);
  clip_write_bytes (paths[1], "", 0);
  clip_write_bytes (paths[2], data, size);
  clip_write_bytes (paths[3], data, size * 2 / 3);
  clip_write_bytes (paths[4], "not a video\n", 12);
  clip_write (paths[5], &spec, true, false);
  clip_write_bytes (paths[6], data, size);
  items[6].start_s = 0.25;  /* a part of a good clip */
  items[6].end_s = 0.75;

  stva_extract_options_init (&opts);
  opts.jobs = 1;  /* failures in item order: which 8 messages are kept is fixed */
  opts.cache_dir = NULL;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      opts.modality[m] = m == STVA_MOD_A || (m == STVA_MOD_V && visual);
      if (opts.modality[m])
        {
          out[m] = g_new0 (float, N * stva_extract_dim (m, NULL));
          mask[m] = g_new0 (uint8_t, N);
        }
    }
  memset (&report, 0, sizeof report);

  g_assert_cmpint (stva_extract_run (items, N, &opts, out, mask, &report, &error), ==, STVA_OK);
  for (int k = 0; k < report.n_messages; k++)
    g_test_message ("report: %s", report.messages[k]);
  g_assert_cmpuint (report.n_items, ==, N);
  g_assert_cmpuint (report.n_computed[STVA_MOD_A], ==, 3);
  g_assert_cmpuint (report.n_computed[STVA_MOD_V], ==, visual ? 4 : 0);
  g_assert_cmpuint (report.n_failed, ==, 5);  /* items with at least one failed modality */
  /* one message per failing file, whichever modalities failed */
  g_assert_cmpint (report.n_messages, ==, 5);
  for (int i = 0; i < N; i++)
    for (int m = STVA_MOD_A; m <= (visual ? STVA_MOD_V : STVA_MOD_A); m++)
      {
        bool want = m == STVA_MOD_A ? ok_a[i] : ok_v[i];
        size_t dim = stva_extract_dim (m, NULL);
        bool nonzero = false;

        if (mask[m][i] != want)
          g_error ("%s: modality %d mask %d, want %d", names[i], m, mask[m][i], want);
        for (size_t j = 0; j < dim; j++)
          nonzero |= out[m][i * dim + j] != 0.0f;
        if (!want)
          g_assert_false (nonzero);  /* a failed row is zero */
      }
  /* every failing file is named (the first message of each item is always kept) */
  for (int i = 0; i < N; i++)
    {
      bool named = false;

      for (int k = 0; k < report.n_messages; k++)
        named |= strstr (report.messages[k], paths[i]) != NULL;
      g_assert_true (named == !(ok_a[i] && (ok_v[i] || !visual)));
    }

  for (int i = 0; i < N; i++)
    {
      g_remove (paths[i]);
      g_free (paths[i]);
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_free (out[m]);
      g_free (mask[m]);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  av_log_set_level (AV_LOG_QUIET);  /* broken inputs make FFmpeg talk; the checks say enough */

  tmp_dir = clip_tmp_dir ("stva-test-bad-media-XXXXXX");
  good_path = tmp_file ("good.mp4");
  clip_write (good_path, &spec, true, true);
  good = clip_read_bytes (good_path);

  g_test_add_func ("/core/bad-media/good", test_good);
  g_test_add_func ("/core/bad-media/empty", test_empty);
  g_test_add_func ("/core/bad-media/missing", test_missing);
  g_test_add_func ("/core/bad-media/not-video", test_not_video);
  g_test_add_func ("/core/bad-media/truncated", test_truncated);
  g_test_add_func ("/core/bad-media/one-stream", test_one_stream);
  g_test_add_func ("/core/bad-media/absurd-size", test_absurd_size);
  g_test_add_func ("/core/bad-media/tiny-frames", test_tiny_frames);
  g_test_add_func ("/core/bad-media/corrupt-packets", test_corrupt_packets);
  g_test_add_func ("/core/bad-media/corpus", test_corpus);
  g_test_add_func ("/core/bad-media/extract-batch", test_extract_batch);
  status = g_test_run ();

  g_remove (good_path);
  g_rmdir (tmp_dir);  /* fails, and leaves the files to look at, when a test left some */
  g_bytes_unref (good);
  g_free (good_path);
  g_free (tmp_dir);
  return status;
}
