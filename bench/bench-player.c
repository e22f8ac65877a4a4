/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's player (ui/stva-player.c) on a 720p H.264 video, in a window: run it under a
 * display (xvfb-run -a -s "-screen 0 1600x900x24" with GSK_RENDERER=cairo GDK_BACKEND=x11 as
 * the GUI tests do).  Not a test: it prints what it measured.
 *   seek   20 paused seeks: the time until the frame is on screen
 *   1x     playback for --seconds-1x of media time: frames shown and dropped, the largest gap
 *          between main-loop iterations (a 2 ms timer's lateness)
 *   2x     looped playback of the clip at 2x for --media-seconds of media time (default 600:
 *          ten minutes, five on the wall clock): frames shown and dropped, the resident set
 *          sampled every --sample-seconds, to show that memory stays flat
 * The clip (--clip-seconds long, default 60, 1280x720 30 fps through libx264, with a 48 kHz
 * tone) is written with the demo writer into a temporary folder at start and removed at the
 * end, unless CLIP is given (written there when missing, and kept).  Sound follows the
 * environment (SDL_AUDIODRIVER=dummy for a clock at the real rate without a card,
 * STVA_AUDIO=none for the system clock).
 * usage: bench-player [--media-seconds S] [--seconds-1x S] [--clip-seconds S]
 *                     [--sample-seconds S] [CLIP]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <libavutil/log.h>

#include "stva-demo-writer.h"
#include "stva-player.h"
#include "stva-resources.h"

#define W 1280
#define H 720
#define FPS 30
#define RATE_HZ 48000

static StvaPlayer *player;

/* ---- the clip ----------------------------------------------------------------------------- */

/* Frame i: a diagonal gradient drifting right and down, a bright bar sweeping across, and
 * blocks counting the frame: motion everywhere, so every macroblock is coded. */
static void
draw_frame (uint32_t *px,
            int       i)
{
  int bar = (i * 16) % W;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        uint32_t r = (uint32_t) (x + 3 * i) & 255, g = (uint32_t) (y + 2 * i) & 255;
        uint32_t b = (uint32_t) (x + y + i) / 8 & 255;

        if (x >= bar && x < bar + 40)
          r = g = b = 240;
        if (y < 40 && x < 40 * 16 && ((i >> (x / 40)) & 1))
          r = g = b = 16;
        px[(size_t) y * W + x] = r << 16 | g << 8 | b;
      }
}

static void
write_clip (const char *path,
            double      seconds)
{
  StvaError error = { 0 };
  StvaDemoWriter *writer = NULL;
  int n_frames = (int) lround (seconds * FPS);
  uint32_t *px = g_malloc ((size_t) W * H * 4);
  float tone[RATE_HZ / FPS];
  gint64 t0 = g_get_monotonic_time ();

  if (stva_demo_writer_open (&writer, path, W, H, FPS, RATE_HZ, &error) != STVA_OK)
    {
      fprintf (stderr, "bench-player: %s\n", error.message);
      exit (1);
    }
  for (int i = 0; i < n_frames; i++)
    {
      for (int k = 0; k < RATE_HZ / FPS; k++)
        tone[k] = 0.2f * sinf (2.0f * (float) G_PI * 440.0f * (float) (i * (RATE_HZ / FPS) + k)
                               / RATE_HZ);
      draw_frame (px, i);
      if (stva_demo_writer_video (writer, (const uint8_t *) px, W * 4, &error) != STVA_OK
          || stva_demo_writer_audio (writer, tone, RATE_HZ / FPS, &error) != STVA_OK)
        {
          fprintf (stderr, "bench-player: %s\n", error.message);
          exit (1);
        }
    }
  if (stva_demo_writer_close (writer, &error) != STVA_OK)
    {
      fprintf (stderr, "bench-player: %s\n", error.message);
      exit (1);
    }
  stva_demo_writer_free (writer);
  g_free (px);
  printf ("clip      %s: %dx%d %d fps, %.0f s, written in %.1f s\n", path, W, H, FPS, seconds,
          (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
}

/* ---- measuring ---------------------------------------------------------------------------- */

static gint64 probe_last_us;
static gint64 probe_last_cpu_us;
static gint64 probe_max_gap_us;
static gint64 probe_max_busy_us;
static guint probe_n_over_50ms;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Every 2 ms while the main loop is free: the gap since the last call on the wall clock, and
 * the main thread's CPU time in it (the part our code and GTK's kept it busy; the rest is
 * the machine's other work keeping the thread off a core). */
static gboolean
on_probe (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();

  if (probe_last_us > 0)
    {
      probe_max_gap_us = MAX (probe_max_gap_us, now - probe_last_us);
      probe_max_busy_us = MAX (probe_max_busy_us, cpu - probe_last_cpu_us);
      if (now - probe_last_us > 50000)
        probe_n_over_50ms++;
    }
  probe_last_us = now;
  probe_last_cpu_us = cpu;
  return G_SOURCE_CONTINUE;
}

static void
probe_reset (void)
{
  probe_last_us = 0;
  probe_max_gap_us = 0;
  probe_max_busy_us = 0;
  probe_n_over_50ms = 0;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* The resident set in MiB, from /proc/self/status. */
static double
rss_mib (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL)
      || (line = strstr (text, "VmRSS:")) == NULL)
    return -1.0;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

/* The 1-minute load average, as text: the machine's other work is part of the result. */
static const char *
load_average (void)
{
  static char text[32];
  g_autofree char *all = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &all, NULL, NULL))
    return "?";
  g_strlcpy (text, all, sizeof text);
  text[strcspn (text, " ")] = '\0';
  return text;
}

/* CPU seconds (user + system) of the main thread and of the whole process so far. */
static void
cpu_s (double *main_s,
       double *all_s)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/stat", (int) getpid ());
  g_autofree char *text = NULL;
  struct rusage usage;
  const char *p;
  unsigned long utime = 0, stime = 0;

  *main_s = *all_s = 0.0;
  /* fields 14 and 15 (utime, stime in clock ticks), after the command's closing parenthesis */
  if (g_file_get_contents (path, &text, NULL, NULL) && (p = strrchr (text, ')')) != NULL
      && sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                 &stime) == 2)
    *main_s = (double) (utime + stime) / (double) sysconf (_SC_CLK_TCK);
  if (getrusage (RUSAGE_SELF, &usage) == 0)
    *all_s = (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
             + (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_flag (gpointer  instance,
         gboolean *flag)
{
  *flag = TRUE;
}

/* Plays the clip looped at speed for media_s of media time; prints one line, and with
 * sample_s > 0 the resident set every sample_s of wall time. */
static void
run (double speed,
     double media_s,
     double sample_s)
{
  guint shown0, dropped0, shown, dropped;
  double main0_s, all0_s, main1_s, all1_s;
  double wall_s = media_s / speed;
  gint64 t0;
  GArray *rss = g_array_new (FALSE, FALSE, sizeof (double));
  double r;

  stva_player_set_speed (player, speed);
  stva_player_play_range (player, 0.0, -1.0, TRUE);
  spin (0.5);  /* started and settled */
  shown0 = stva_player_get_frames_shown (player);
  dropped0 = stva_player_get_frames_dropped (player);
  cpu_s (&main0_s, &all0_s);
  probe_reset ();
  t0 = g_get_monotonic_time ();
  r = rss_mib ();
  g_array_append_val (rss, r);
  for (double next = sample_s; ; next += sample_s)
    {
      double now_s = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
      double until = sample_s > 0.0 ? MIN (next, wall_s) : wall_s;

      spin (until - now_s);
      if (sample_s > 0.0)
        {
          r = rss_mib ();
          g_array_append_val (rss, r);
          printf ("rss       %.0f s of media: %.1f MiB\n", until * speed, r);
          fflush (stdout);
        }
      if (until >= wall_s)
        break;
    }
  stva_player_pause (player);
  shown = stva_player_get_frames_shown (player) - shown0;
  dropped = stva_player_get_frames_dropped (player) - dropped0;
  cpu_s (&main1_s, &all1_s);
  printf ("%gx        %.0f s of media in %.1f s: %u frames shown, %u dropped (%.2f %%) of %.0f "
          "due; largest main-loop gap %.1f ms (%.1f ms of it the main thread's CPU), %u gaps "
          "over 50 ms\n", speed, media_s,
          (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC, shown, dropped,
          100.0 * dropped / MAX (shown + dropped, 1), media_s * FPS,
          (double) probe_max_gap_us / 1000.0, (double) probe_max_busy_us / 1000.0,
          probe_n_over_50ms);
  printf ("cpu       main thread %.2f ms per frame shown; the process %.0f %% of one core "
          "(load average now %s)\n", 1000.0 * (main1_s - main0_s) / MAX (shown, 1),
          100.0 * (all1_s - all0_s) / wall_s, load_average ());
  if (rss->len > 2)
    {
      /* the first sample is before the run; flat means the last ones match the second */
      double lo = G_MAXDOUBLE, hi = 0.0;

      for (guint i = 1; i < rss->len; i++)
        {
          lo = MIN (lo, g_array_index (rss, double, i));
          hi = MAX (hi, g_array_index (rss, double, i));
        }
      printf ("rss       at the start %.1f MiB; during the run %.1f-%.1f MiB; at the end %.1f "
              "MiB\n", g_array_index (rss, double, 0), lo, hi,
              g_array_index (rss, double, rss->len - 1));
    }
  g_array_free (rss, TRUE);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Paused seeks to n places spread over the clip (a fixed sequence): the time from
 * stva_player_seek to its frame on screen, median and largest. */
static void
run_seeks (int n)
{
  double *ms = g_new (double, n);
  double duration_s = stva_player_get_duration (player);
  GRand *rand = g_rand_new_with_seed (7);

  stva_player_pause (player);
  probe_reset ();
  for (int i = 0; i < n; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      stva_player_seek (player, g_rand_double_range (rand, 0.0, duration_s));
      while (stva_player_get_busy (player))
        g_main_context_iteration (NULL, TRUE);
      ms[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (ms, (size_t) n, sizeof *ms, compare_doubles);
  printf ("seek      %d paused seeks to the frame on screen: median %.1f ms, largest %.1f ms "
          "(key frames every 2 s); largest main-loop gap %.1f ms (%.1f ms CPU)\n", n,
          ms[n / 2], ms[n - 1], (double) probe_max_gap_us / 1000.0,
          (double) probe_max_busy_us / 1000.0);
  g_rand_free (rand);
  g_free (ms);
}

int
main (int   argc,
      char *argv[])
{
  double media_s = 600.0, seconds_1x = 60.0, clip_s = 60.0, sample_s = 10.0;
  const char *clip = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  gboolean opened = FALSE;
  GtkWindow *window;

  for (int i = 1; i < argc; i++)
    {
      if (i + 1 < argc && strcmp (argv[i], "--media-seconds") == 0)
        media_s = g_ascii_strtod (argv[++i], NULL);
      else if (i + 1 < argc && strcmp (argv[i], "--seconds-1x") == 0)
        seconds_1x = g_ascii_strtod (argv[++i], NULL);
      else if (i + 1 < argc && strcmp (argv[i], "--clip-seconds") == 0)
        clip_s = g_ascii_strtod (argv[++i], NULL);
      else if (i + 1 < argc && strcmp (argv[i], "--sample-seconds") == 0)
        sample_s = g_ascii_strtod (argv[++i], NULL);
      else if (argv[i][0] != '-' && clip == NULL)
        clip = argv[i];
      else
        {
          fprintf (stderr, "usage: bench-player [--media-seconds S] [--seconds-1x S] "
                   "[--clip-seconds S] [--sample-seconds S] [CLIP]\n");
          return 2;
        }
    }
  if (!(media_s > 0.0 && seconds_1x > 0.0 && clip_s >= 1.0 && sample_s > 0.0))
    {
      fprintf (stderr, "bench-player: durations must be positive (the clip at least 1 s)\n");
      return 2;
    }

  av_log_set_level (AV_LOG_ERROR);
  if (clip == NULL)
    {
      tmp = g_dir_make_tmp ("stva-bench-player-XXXXXX", &error);
      if (tmp == NULL)
        {
          fprintf (stderr, "bench-player: %s\n", error->message);
          return 1;
        }
      path = g_build_filename (tmp, "clip-720p.mp4", NULL);
    }
  else
    path = g_strdup (clip);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    write_clip (path, clip_s);

  gtk_init ();
  g_resources_register (stva_get_resource ());
  g_timeout_add (2, on_probe, NULL);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, W, H + 60);
  player = STVA_PLAYER (stva_player_new ());
  gtk_window_set_child (window, GTK_WIDGET (player));
  gtk_window_present (window);
  g_signal_connect (player, "opened", G_CALLBACK (on_flag), &opened);
  if (!stva_player_open (player, path, &error))
    {
      fprintf (stderr, "bench-player: %s\n", error->message);
      return 1;
    }
  while (!flag_set (&opened))
    g_main_context_iteration (NULL, TRUE);
  printf ("player    clock: %s; window %dx%d; renderer %s\n",
          stva_player_get_has_sound (player) ? "sound" : "system", W, H + 60,
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");

  run_seeks (20);
  run (1.0, seconds_1x, 0.0);
  run (2.0, media_s, sample_s);

  gtk_window_destroy (window);
  if (tmp != NULL)
    {
      g_remove (path);
      g_rmdir (tmp);
    }
  return 0;
}
