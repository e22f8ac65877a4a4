/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Speed of core/media and the audio-v1 / visual-v2 extractors (issue #4, "How fast"), as ratios
 * measured in one run, so that a loaded machine slows both sides of each ratio alike:
 *   audio-v1     seconds of audio per CPU second (features from 16 kHz PCM in 3 s utterances,
 *                and from the file: decoding and resampling included); goal >= 100
 *   visual-v2    seconds of video per CPU second at 5 sampled frames per second; goal >= 5
 *   decoding     frames per second through StvaMediaReader (one decoding thread, RGB24 out)
 *                against `ffmpeg -threads 1 -i X -an -f null -` on the same file; goal >= 0.8
 *                (also against ffmpeg converting to rgb24 too, which is what the reader does)
 * Times are CPU times (user + system, the child's for ffmpeg), medians over the repetitions;
 * wall-clock medians are printed beside them.  Without a clip argument the bench writes one
 * with the demo writer: a drawn face talking (640x360 unless --size, 25 fps, H.264, voiced
 * 16 kHz AAC; the demo corpus is 320x240).
 * A CLIP that does not exist is written there (and kept).  Lines starting with "RESULT" are for
 * bench/run-media-bench.sh.
 * usage: bench-media [--seconds S] [--size WxH] [--reps N] [--visual-seconds S] [--ffmpeg PATH]
 *                    [CLIP]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <libavutil/log.h>

#include "stva-audio.h"
#include "stva-demo-face.h"
#include "stva-demo-writer.h"
#include "stva-media-reader.h"
#include "stva-visual.h"

extern char **environ;

static int W = 640;  /* the generated clip's size (--size) */
static int H = 360;
#define FPS 25
#define RATE_HZ 16000
#define UTTERANCE_S 3.0   /* audio-v1 runs per utterance; MELD's are 3 s on average */
#define MAX_REPS 64

/* ---- helpers ------------------------------------------------------------------------------ */

static void
die (const char *message)
{
  fprintf (stderr, "bench-media: %s\n", message);
  exit (1);
}

static double
wall_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *x,
        int     n)
{
  qsort (x, (size_t) n, sizeof *x, compare_doubles);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* ---- the clip ----------------------------------------------------------------------------- */

/* A talking face: the mouth follows syllables of ~200 ms, with blinks and a slow head sway;
 * the voice is a glottal-like pulse train at a wandering pitch through two formant-ish
 * resonances, with pauses between phrases. */
static void
write_clip (const char *path,
            double      seconds)
{
  StvaError error = { 0 };
  StvaDemoWriter *writer = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  StvaDemoFace face;
  int n_frames = (int) lround (seconds * FPS);
  float voice[RATE_HZ / FPS];
  double phase = 0.0, y1 = 0.0, y2 = 0.0, z1 = 0.0, z2 = 0.0;
  uint32_t noise = 12345;
  int64_t k = 0;

  stva_demo_face_preset (1, &face);
  if (stva_demo_writer_open (&writer, path, W, H, FPS, RATE_HZ, &error) != STVA_OK)
    die (error.message);
  for (int i = 0; i < n_frames; i++)
    {
      double t = (double) i / FPS;
      bool speaking = fmod (t, 4.0) < 3.2;
      StvaDemoExpr expr = {
        .mouth_open = speaking ? 0.5 + 0.5 * sin (2.0 * M_PI * 5.0 * t) : 0.0,
        .mouth_curve = 0.3 * sin (0.3 * t),
        .eye_open = 1.0,
        .blink = fmod (t, 3.7) < 0.12 ? 1.0 : 0.0,
        .head_yaw = 0.1 * sin (0.5 * t),
        .head_roll = 0.05 * sin (0.7 * t),
        .brow_raise = 0.3 * sin (0.9 * t),
      };

      stva_demo_face_draw (cr, W, H, &face, &expr);
      cairo_surface_flush (surface);
      if (stva_demo_writer_video (writer, cairo_image_surface_get_data (surface),
                                  cairo_image_surface_get_stride (surface), &error) != STVA_OK)
        die (error.message);

      for (size_t j = 0; j < sizeof voice / sizeof *voice; j++, k++)
        {
          double ts = (double) k / RATE_HZ;
          double f0 = 120.0 + 30.0 * sin (2.0 * M_PI * 0.4 * ts) + 10.0 * sin (2.0 * M_PI * 3 * ts);
          double src, out;

          phase += f0 / RATE_HZ;
          src = phase >= 1.0 ? 1.0 : 0.0;  /* one pulse per period */
          if (phase >= 1.0)
            phase -= 1.0;
          noise = noise * 1664525u + 1013904223u;
          src = speaking ? src : 0.0;
          src += 0.01 * ((double) (noise >> 8) / (double) (1u << 24) - 0.5);
          /* two resonators: ~600 Hz and ~1700 Hz */
          out = src + 1.80 * y1 - 0.90 * y2;
          y2 = y1;
          y1 = out;
          out = 0.2 * y1 + 0.5 * z1 - 0.85 * z2;
          z2 = z1;
          z1 = out;
          voice[j] = (float) fmax (-1.0, fmin (1.0, 0.05 * y1 + 0.02 * z1));
        }
      if (stva_demo_writer_audio (writer, voice, sizeof voice / sizeof *voice, &error) != STVA_OK)
        die (error.message);
    }
  if (stva_demo_writer_close (writer, &error) != STVA_OK)
    die (error.message);
  stva_demo_writer_free (writer);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- the measurements --------------------------------------------------------------------- */

typedef struct
{
  double cpu[MAX_REPS];
  double wall[MAX_REPS];
  int    n;
} Times;

static void
note (Times  *t,
      double  cpu0,
      double  wall0)
{
  t->cpu[t->n] = cpu_s () - cpu0;
  t->wall[t->n] = wall_s () - wall0;
  t->n++;
}

/* Decodes every frame of path through the reader with one thread; returns the frame count. */
static long
decode_all (const char *path)
{
  StvaMediaReader *reader = NULL;
  StvaError error = { 0 };
  uint8_t *rgb;
  long n = 0;
  bool eof = false;

  if (stva_media_reader_open_threads (&reader, path, 1, &error) != STVA_OK)
    die (error.message);
  rgb = malloc ((size_t) stva_media_reader_info (reader)->width
                * (size_t) stva_media_reader_info (reader)->height * 3);
  if (rgb == NULL)
    die ("out of memory");
  for (;;)
    {
      if (stva_media_reader_next_frame (reader, rgb, NULL, &eof, &error) != STVA_OK)
        die (error.message);
      if (eof)
        break;
      n++;
    }
  free (rgb);
  stva_media_reader_free (reader);
  return n;
}

/* Runs ffmpeg on path (decoding only, one thread), adding its CPU and wall time to t. */
static void
run_ffmpeg (const char *ffmpeg,
            const char *path,
            bool        rgb,
            Times      *t)
{
  char *argv[24];
  struct rusage ru;
  double wall0 = wall_s ();
  pid_t pid;
  int status;
  int n = 0;

  argv[n++] = (char *) ffmpeg;
  for (const char *const *a = (const char *const[]){ "-nostdin", "-hide_banner", "-loglevel",
                                                      "error", "-threads", "1", "-i", NULL };
       *a != NULL; a++)
    argv[n++] = (char *) *a;
  argv[n++] = (char *) path;
  argv[n++] = "-an";
  if (rgb)
    {
      argv[n++] = "-pix_fmt";
      argv[n++] = "rgb24";
    }
  argv[n++] = "-f";
  argv[n++] = "null";
  argv[n++] = "-";
  argv[n] = NULL;
  if (posix_spawn (&pid, ffmpeg, NULL, NULL, argv, environ) != 0)
    die ("cannot run ffmpeg");
  if (wait4 (pid, &status, 0, &ru) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die ("ffmpeg failed");
  t->wall[t->n] = wall_s () - wall0;
  t->cpu[t->n] = (double) ru.ru_utime.tv_sec + 1e-6 * (double) ru.ru_utime.tv_usec
                 + (double) ru.ru_stime.tv_sec + 1e-6 * (double) ru.ru_stime.tv_usec;
  t->n++;
}

/* One line of the table: name, value, goal (0: none), verdict, what was measured. */
static void
result (const char *name,
        double      value,
        double      goal,
        const char *what)
{
  char goal_text[32] = "-";

  if (goal > 0.0)
    snprintf (goal_text, sizeof goal_text, ">= %g", goal);
  printf ("RESULT\t%s\t%.2f\t%s\t%s\t%s\n", name, value, goal_text,
          goal > 0.0 ? (value >= goal ? "met" : "MISSED") : "-", what);
}

int
main (int    argc,
      char **argv)
{
  double seconds = 60.0, visual_seconds = 20.0;
  int reps = 5;
  const char *ffmpeg = "/usr/bin/ffmpeg";
  const char *clip = NULL;
  char made[256] = "";
  StvaError error = { 0 };
  Times audio_feat = { .n = 0 }, audio_file = { .n = 0 }, visual = { .n = 0 };
  Times ours = { .n = 0 }, theirs = { .n = 0 }, theirs_rgb = { .n = 0 };
  float *pcm = NULL;
  size_t n_pcm = 0;
  long n_frames = 0;
  double duration_s;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--seconds") == 0 && i + 1 < argc)
        seconds = atof (argv[++i]);
      else if (strcmp (argv[i], "--size") == 0 && i + 1 < argc)
        {
          if (sscanf (argv[++i], "%dx%d", &W, &H) != 2 || W < 16 || H < 16 || W > 4096
              || H > 4096 || W % 2 || H % 2)
            die ("--size wants WxH, even, 16..4096");
        }
      else if (strcmp (argv[i], "--visual-seconds") == 0 && i + 1 < argc)
        visual_seconds = atof (argv[++i]);
      else if (strcmp (argv[i], "--reps") == 0 && i + 1 < argc)
        reps = atoi (argv[++i]);
      else if (strcmp (argv[i], "--ffmpeg") == 0 && i + 1 < argc)
        ffmpeg = argv[++i];
      else if (argv[i][0] != '-' && clip == NULL)
        clip = argv[i];
      else
        die ("usage: bench-media [--seconds S] [--size WxH] [--reps N] [--visual-seconds S] "
             "[--ffmpeg PATH] [CLIP]");
    }
  if (reps < 1 || reps > MAX_REPS || !(seconds > 0.0) || !(visual_seconds > 0.0))
    die ("bad --reps, --seconds or --visual-seconds");
  av_log_set_level (AV_LOG_ERROR);

  if (clip == NULL || access (clip, F_OK) != 0)
    {
      double t0 = wall_s ();

      if (clip == NULL)  /* a temporary clip, removed at the end */
        snprintf (made, sizeof made, "%s/stva-bench-media-%ld.mp4",
                  getenv ("TMPDIR") != NULL ? getenv ("TMPDIR") : "/tmp", (long) getpid ());
      write_clip (clip != NULL ? clip : made, seconds);
      if (clip == NULL)
        clip = made;
      fprintf (stderr, "wrote %s (%.0f s of %dx%d at %d fps) in %.1f s\n", clip, seconds, W, H,
               FPS, wall_s () - t0);
    }

  {
    StvaMediaReader *reader = NULL;

    if (stva_media_reader_open (&reader, clip, &error) != STVA_OK)
      die (error.message);
    duration_s = stva_media_reader_info (reader)->duration_s;
    fprintf (stderr, "clip: %s, %.1f s, %dx%d %s at %.2f fps, audio %s\n", clip, duration_s,
             stva_media_reader_info (reader)->width, stva_media_reader_info (reader)->height,
             stva_media_reader_info (reader)->video_codec, stva_media_reader_info (reader)->fps,
             stva_media_reader_info (reader)->audio_codec);
    stva_media_reader_free (reader);
  }
  if (visual_seconds > duration_s)
    visual_seconds = duration_s;

  /* the repetitions interleave the contenders, so that load changes hit them alike */
  for (int r = 0; r < reps; r++)
    {
      double c0, w0;

      c0 = cpu_s (), w0 = wall_s ();
      n_frames = decode_all (clip);
      note (&ours, c0, w0);
      run_ffmpeg (ffmpeg, clip, false, &theirs);
      run_ffmpeg (ffmpeg, clip, true, &theirs_rgb);

      c0 = cpu_s (), w0 = wall_s ();
      free (pcm);
      if (stva_media_read_audio (clip, 0.0, -1.0, &pcm, &n_pcm, &error) != STVA_OK)
        die (error.message);
      {
        double c1 = cpu_s (), w1 = wall_s ();
        size_t step = (size_t) (UTTERANCE_S * STVA_AUDIO_RATE_HZ);
        float out[STVA_AUDIO_DIM];

        for (size_t at = 0; at < n_pcm; at += step)
          if (stva_audio_extract (pcm + at, n_pcm - at < step ? n_pcm - at : step, out, &error)
              != STVA_OK)
            die (error.message);
        note (&audio_feat, c1, w1);
      }
      note (&audio_file, c0, w0);

      fprintf (stderr, "rep %d: decode %.2f s cpu (ffmpeg %.2f, rgb24 %.2f); audio %.3f s cpu\n",
               r + 1, ours.cpu[r], theirs.cpu[r], theirs_rgb.cpu[r], audio_file.cpu[r]);
    }

  /* the visual features are slow: fewer repetitions (at least one, at most three) */
  {
    StvaVisualExtractor *ex = NULL;
    StvaVisualResult res;
    StvaVisualOptions vo;

    stva_visual_options_init (&vo);
    vo.sample_fps = 5.0;
    if (stva_visual_extractor_new (&ex, NULL, &vo, &error) != STVA_OK)
      die (error.message);
    stva_visual_result_init (&res);
    for (int r = 0; r < (reps < 3 ? reps : 3); r++)
      {
        double c0 = cpu_s (), w0 = wall_s ();

        if (stva_visual_extract_file (ex, clip, 0.0, visual_seconds, &res, &error) != STVA_OK)
          die (error.message);
        note (&visual, c0, w0);
        fprintf (stderr, "visual rep %d: %.2f s cpu for %.0f s, %zu frames, faces in %.0f %%\n",
                 r + 1, visual.cpu[r], visual_seconds, res.n_frames, 100.0 * res.face_fraction);
      }
    stva_visual_result_clear (&res);
    stva_visual_extractor_free (ex);
  }

  {
    double audio_s = (double) n_pcm / STVA_AUDIO_RATE_HZ;
    double m_ours = median (ours.cpu, ours.n), m_theirs = median (theirs.cpu, theirs.n);
    double m_rgb = median (theirs_rgb.cpu, theirs_rgb.n);
    double w_ours = median (ours.wall, ours.n), w_theirs = median (theirs.wall, theirs.n);
    double w_rgb = median (theirs_rgb.wall, theirs_rgb.n);

    printf ("INFO\tclip %s: %.1f s, %ld frames; %d repetitions (visual %d over %.0f s)\n", clip,
            duration_s, n_frames, reps, visual.n, visual_seconds);
    printf ("INFO\tdecode cpu s (median): core/media %.3f, ffmpeg %.3f, ffmpeg rgb24 %.3f; "
            "wall s: %.3f, %.3f, %.3f\n", m_ours, m_theirs, m_rgb, w_ours, w_theirs, w_rgb);
    printf ("INFO\taudio cpu s (median): features %.4f, file to features %.4f for %.1f s\n",
            median (audio_feat.cpu, audio_feat.n), median (audio_file.cpu, audio_file.n),
            audio_s);
    printf ("INFO\tvisual cpu s (median): %.3f, wall %.3f for %.1f s\n",
            median (visual.cpu, visual.n), median (visual.wall, visual.n), visual_seconds);

    result ("audio-v1 features, x real time per core", audio_s / median (audio_feat.cpu,
                                                                          audio_feat.n),
            100.0, "PCM -> audio-v1, 3 s utterances");
    result ("audio-v1 from file, x real time per core", audio_s / median (audio_file.cpu,
                                                                           audio_file.n),
            100.0, "decode + resample + features");
    result (STVA_VISUAL_VERSION " at 5 fps, x real time per core",
            visual_seconds / median (visual.cpu, visual.n), 5.0, "decode + faces + features");
    result ("decode, x ffmpeg speed (1 thread)", m_theirs / m_ours, 0.8,
            "ffmpeg -threads 1 -i X -an -f null -");
    result ("decode, x ffmpeg+rgb24 speed (1 thread)", m_rgb / m_ours, 0.0,
            "same, with -pix_fmt rgb24");
    result ("decode wall, x ffmpeg speed (1 thread)", w_theirs / w_ours, 0.0,
            "wall-clock medians");
  }

  free (pcm);
  if (made[0] != '\0')
    remove (made);
  return 0;
}
