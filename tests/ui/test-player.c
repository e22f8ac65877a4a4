/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPlayer in a window under a real (virtual) display, on an 8 s 25 fps clip whose frame i
 * is one flat colour spelling i, with a 440 Hz tone: opening shows frame 0; playing advances
 * the position at 1× of the wall clock (and 2× at speed 2); seeks and steps show the frame
 * whose pts is the last <= the target, checked by pts and by the pixels on screen; play_range
 * stops at its end, or loops; J/K/L; a file that is no video gives an error naming it and the
 * player then opens the next one.  A 2 ms timer measures the largest gap between main-loop
 * iterations while playing.
 *
 * Run twice by meson: with STVA_AUDIO=none (silent, the system clock) and with
 * SDL_AUDIODRIVER=dummy (a sound device that consumes at the real rate without a card: the
 * sound is the master clock); STVA_PLAYER_EXPECT_SOUND=1 says which.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <libavutil/log.h>

#include "stva-player.h"
#include "stva-resources.h"

#include "clip-writer.h"

#define W 160
#define H 96
#define FPS 25
#define N_FRAMES 200            /* 8 s */
#define RATE_HZ 22050

static char *tmp_dir;
static char *clip_path;
static char *junk_path;
static GtkWindow *window;
static StvaPlayer *player;

/* ---- the clip ----------------------------------------------------------------------------- */

static void
draw_frame (uint32_t *px,
            int       i,
            void     *user_data)
{
  uint32_t r = 8 * (uint32_t) (i % 32) + 4, g = 8 * (uint32_t) (i / 32) + 4;

  for (int k = 0; k < W * H; k++)
    px[k] = r << 16 | g << 8 | 0x40;
}

static ClipTone tone = { .hz = 440.0, .amp = 0.3 };
static const ClipSpec spec = { .width = W, .height = H, .fps = FPS, .n_frames = N_FRAMES,
                               .rate_hz = RATE_HZ, .draw = draw_frame, .sound = clip_tone,
                               .user_data = &tone };

/* The frame number the texture on screen spells (its centre pixel). */
static int
shown_frame_number (void)
{
  GdkTexture *texture = stva_player_get_texture (player);
  g_autofree guint8 *px = NULL;
  const guint8 *p;
  int w, h;

  g_assert_nonnull (texture);
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  g_assert_cmpint (w, ==, W);
  g_assert_cmpint (h, ==, H);
  px = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, px, (gsize) w * 4);
  p = px + 4 * ((gsize) (h / 2) * w + w / 2);  /* Cairo ARGB32: B G R A in memory */
  return (int) lround ((p[2] - 4) / 8.0) + 32 * (int) lround ((p[1] - 4) / 8.0);
}

/* ---- the main loop ------------------------------------------------------------------------ */

static gint64 probe_last_us;
static gint64 probe_last_cpu_us;
static gint64 probe_max_gap_us;
static gint64 probe_max_busy_us;
static gboolean probe_on;

/* The main thread's CPU time. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Every 2 ms while the loop is free: the gap since the last call is how long it was not, and
 * the main thread's CPU time in it how long our code (or GTK's) kept it, as opposed to the
 * machine's other work keeping the thread off a core. */
static gboolean
on_probe (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();

  if (probe_on && probe_last_us > 0)
    {
      probe_max_gap_us = MAX (probe_max_gap_us, now - probe_last_us);
      probe_max_busy_us = MAX (probe_max_busy_us, cpu - probe_last_cpu_us);
    }
  probe_last_us = now;
  probe_last_cpu_us = cpu;
  return G_SOURCE_CONTINUE;
}

static void
probe (gboolean on)
{
  probe_on = on;
  probe_last_us = 0;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);  /* the probe wakes it every 2 ms */
}

/* Spins until done (data) or fails the test after timeout_s, saying what it waited for. */
static void
wait_for (gboolean  (*done) (gpointer),
          gpointer     data,
          double       timeout_s,
          const char  *what)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("waited %.1f s for %s", timeout_s, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
not_busy (gpointer data)
{
  return !stva_player_get_busy (player);
}

static gboolean
stopped (gpointer data)
{
  return !stva_player_get_playing (player);
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

static GError *last_error;

static void
on_error (StvaPlayer   *p,
          const GError *error,
          gboolean     *flag)
{
  g_clear_error (&last_error);
  last_error = g_error_copy (error);
  *flag = TRUE;
}

static void
open_clip (const char *path)
{
  g_autoptr (GError) error = NULL;
  gboolean opened = FALSE;
  gulong id = g_signal_connect (player, "opened", G_CALLBACK (on_flag), &opened);

  g_assert_true (stva_player_open (player, path, &error));
  g_assert_no_error (error);
  wait_for (flag_set, &opened, 10.0, "the opened signal");
  wait_for (not_busy, NULL, 5.0, "the first frame");
  g_signal_handler_disconnect (player, id);
}

/* The frame on screen is frame i, by its pts and its pixels. */
static void
assert_frame (int         i,
              const char *what)
{
  double pts = stva_player_get_frame_pts (player);

  if (fabs (pts - (double) i / FPS) > 1e-3 || shown_frame_number () != i)
    g_error ("%s: frame at %.4f s spelling %d on screen, want frame %d at %.4f s", what, pts,
             shown_frame_number (), i, (double) i / FPS);
}

static void
check_sound (void)
{
  gboolean want = g_strcmp0 (g_getenv ("STVA_PLAYER_EXPECT_SOUND"), "1") == 0;

  g_test_message ("clock: %s", stva_player_get_has_sound (player) ? "sound" : "system");
  g_assert_cmpint (stva_player_get_has_sound (player), ==, want);
}

/* With STVA_SCREENSHOT=FILE.png, the window as it is now, saved there. */
static void
maybe_screenshot (void)
{
  const char *path = g_getenv ("STVA_SCREENSHOT");
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int w, h;

  if (path == NULL)
    return;
  spin (0.3);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The position's rate over the wall clock is speed: within 10 % on the system clock (the
 * position is read at ticks, which a loaded machine delays); with sound, the clock is the
 * device's, and SDL's dummy device plays a little slow (it sleeps 21 ms per 21.3 ms buffer,
 * and wakes late on a loaded machine): 15 % slow to 10 % fast. */
static void
assert_rate (double rate,
             double speed)
{
  gboolean sound = stva_player_get_has_sound (player);
  double lo = speed * (sound ? 0.85 : 0.9), hi = speed * 1.1;

  if (!(rate >= lo && rate <= hi))
    g_error ("at speed %.2f the position went %.3f s a second; want %.3f to %.3f (%s clock)",
             speed, rate, lo, hi, sound ? "sound" : "system");
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_open (void)
{
  open_clip (clip_path);
  check_sound ();
  g_assert_cmpfloat (fabs (stva_player_get_duration (player) - 8.0), <, 0.05);
  g_assert_false (stva_player_get_playing (player));
  g_assert_cmpfloat (stva_player_get_position (player), ==, 0.0);
  assert_frame (0, "after open");
  g_assert_cmpstr (stva_player_get_path (player), ==, clip_path);
  stva_player_seek (player, 4.5);
  wait_for (not_busy, NULL, 5.0, "the seek");
  maybe_screenshot ();
}

typedef struct
{
  guint   n_notify;
  double  last;
  guint   n_wraps;  /* times the position went back by more than 0.3 s */
  double  lowest_after_wrap;
} Track;

static void
on_position (StvaPlayer *p,
             GParamSpec *pspec,
             Track      *track)
{
  double t = stva_player_get_position (p);

  track->n_notify++;
  if (t < track->last - 0.3)
    track->n_wraps++;
  track->last = t;
}

/* Plays for seconds from where the player is; returns the position's rate over wall time. */
static double
play_for (double  seconds,
          Track  *track)
{
  gulong id = g_signal_connect (player, "notify::position", G_CALLBACK (on_position), track);
  double t0, t1;
  gint64 w0, w1;

  stva_player_play (player);
  wait_for (not_busy, NULL, 5.0, "playback to start");
  spin (0.3);  /* the first frames and the sound settle */
  t0 = stva_player_get_position (player);
  w0 = g_get_monotonic_time ();
  track->n_notify = 0;
  spin (seconds);
  t1 = stva_player_get_position (player);
  w1 = g_get_monotonic_time ();
  g_signal_handler_disconnect (player, id);
  return (t1 - t0) / ((double) (w1 - w0) / G_USEC_PER_SEC);
}

static void
test_play (void)
{
  Track track = { 0 };
  guint shown0, dropped0;
  double rate, held;

  stva_player_seek (player, 0.5);
  wait_for (not_busy, NULL, 5.0, "the seek");
  shown0 = stva_player_get_frames_shown (player);
  dropped0 = stva_player_get_frames_dropped (player);
  probe (TRUE);
  rate = play_for (2.0, &track);
  probe (FALSE);
  g_test_message ("1x: position rate %.3f, %u notifies in 2 s, frames shown %u dropped %u", rate,
                  track.n_notify, stva_player_get_frames_shown (player) - shown0,
                  stva_player_get_frames_dropped (player) - dropped0);
  assert_rate (rate, 1.0);
  g_assert_true (stva_player_get_playing (player));
  g_assert_cmpuint (track.n_notify, <=, 2 * 31 + 2);  /* at most ~30 a second */
  g_assert_cmpuint (track.n_notify, >=, 2 * 10);
  /* 2.3 s at 25 fps: about 57 frames, each shown or dropped (a few may still be queued) */
  g_assert_cmpuint (stva_player_get_frames_shown (player) - shown0
                    + stva_player_get_frames_dropped (player) - dropped0, >=, 45);
  g_assert_cmpuint (stva_player_get_frames_dropped (player) - dropped0, <=, 10);
  /* the frame on screen is the one due at the position */
  g_assert_cmpfloat (stva_player_get_frame_pts (player), <=, stva_player_get_position (player)
                                                             + 1e-6);
  g_assert_cmpfloat (stva_player_get_frame_pts (player), >=, stva_player_get_position (player)
                                                             - 3.0 / FPS);

  stva_player_pause (player);
  g_assert_false (stva_player_get_playing (player));
  held = stva_player_get_position (player);
  spin (0.3);
  g_assert_cmpfloat (stva_player_get_position (player), ==, held);
  g_assert_cmpint (shown_frame_number (), ==, (int) lround (stva_player_get_frame_pts (player)
                                                            * FPS));
}

static void
test_seek (void)
{
  /* between frames, on frames, the start, the last frame, past the end, back */
  static const double targets_s[] = { 3.0, 1.23, 6.51, 0.0, 7.99, 4.04, 9.5, 2.019 };

  for (gsize k = 0; k < G_N_ELEMENTS (targets_s); k++)
    {
      double t = targets_s[k];
      int want = MIN ((int) floor (t * FPS + 1e-6), N_FRAMES - 1);
      g_autofree char *what = g_strdup_printf ("seek to %.3f s", t);

      stva_player_seek (player, t);
      wait_for (not_busy, NULL, 5.0, what);
      assert_frame (want, what);
      g_assert_cmpfloat (fabs (stva_player_get_position (player) - MIN (t, 8.0)), <, 1e-9);
      g_assert_false (stva_player_get_playing (player));
    }

  /* while playing: it plays on from the new place */
  stva_player_seek (player, 1.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  probe (TRUE);
  stva_player_play (player);
  spin (0.3);
  stva_player_seek (player, 5.0);
  g_assert_true (stva_player_get_playing (player));
  wait_for (not_busy, NULL, 5.0, "the seek while playing");
  spin (0.5);
  probe (FALSE);
  g_test_message ("seek while playing: 0.5 s later at %.3f s", stva_player_get_position (player));
  g_assert_cmpfloat (fabs (stva_player_get_position (player) - 5.5), <, 0.15);
  stva_player_pause (player);
}

static void
test_step (void)
{
  stva_player_seek (player, 2.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  assert_frame (50, "seek 2.0 s");
  for (int i = 51; i <= 53; i++)
    {
      stva_player_step_frame (player, 1);
      wait_for (not_busy, NULL, 5.0, "a step forward");
      assert_frame (i, "step forward");
      g_assert_cmpfloat (fabs (stva_player_get_position (player) - (double) i / FPS), <, 1e-6);
    }
  for (int i = 52; i >= 49; i--)
    {
      stva_player_step_frame (player, -1);
      wait_for (not_busy, NULL, 5.0, "a step back");
      assert_frame (i, "step back");
      g_assert_cmpfloat (fabs (stva_player_get_position (player) - (double) i / FPS), <, 1e-6);
    }
  g_assert_false (stva_player_get_playing (player));

  /* stepping pauses playback and goes on from the frame on screen */
  stva_player_play (player);
  spin (0.4);
  stva_player_step_frame (player, 1);
  g_assert_false (stva_player_get_playing (player));
  wait_for (not_busy, NULL, 5.0, "a step after playing");
  int i = (int) lround (stva_player_get_frame_pts (player) * FPS);
  stva_player_step_frame (player, 1);
  wait_for (not_busy, NULL, 5.0, "a step forward");
  assert_frame (i + 1, "step after playing");

  /* at the start, back stays on frame 0 */
  stva_player_seek (player, 0.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  stva_player_step_frame (player, -1);
  wait_for (not_busy, NULL, 5.0, "a step back at 0");
  assert_frame (0, "step back at the start");
}

static void
test_range (void)
{
  gint64 t0;
  double took;

  probe (TRUE);
  t0 = g_get_monotonic_time ();
  stva_player_play_range (player, 1.0, 1.6, FALSE);
  g_assert_true (stva_player_get_playing (player));
  wait_for (stopped, NULL, 5.0, "play_range to stop at its end");
  took = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  probe (FALSE);
  g_test_message ("play_range 1.0-1.6 s took %.3f s; frame at %.4f s", took,
                  stva_player_get_frame_pts (player));
  g_assert_cmpfloat (fabs (stva_player_get_position (player) - 1.6), <, 1e-9);
  g_assert_cmpfloat (took, >, 0.55);
  g_assert_cmpfloat (took, <, 1.0);
  /* the last frame at or before the end */
  g_assert_cmpfloat (stva_player_get_frame_pts (player), <=, 1.6 + 1e-6);
  g_assert_cmpfloat (stva_player_get_frame_pts (player), >=, 1.6 - 1.0 / FPS - 1e-6);
  spin (0.2);
  g_assert_false (stva_player_get_playing (player));
  g_assert_cmpfloat (fabs (stva_player_get_position (player) - 1.6), <, 1e-9);

  /* play again: the range from its start */
  stva_player_play (player);
  wait_for (not_busy, NULL, 5.0, "the range's start");
  spin (0.1);
  g_assert_cmpfloat (stva_player_get_position (player), <, 1.3);
  wait_for (stopped, NULL, 5.0, "play_range to stop again");

  /* to the end of the file: stops there */
  stva_player_play_range (player, 7.5, -1.0, FALSE);
  wait_for (stopped, NULL, 5.0, "playback to stop at the end of the file");
  g_test_message ("the end: position %.3f, frame at %.3f", stva_player_get_position (player),
                  stva_player_get_frame_pts (player));
  g_assert_cmpfloat (stva_player_get_position (player), >=, 7.95);
  assert_frame (N_FRAMES - 1, "the end of the file");
}

static void
test_loop (void)
{
  Track track = { .last = 0.0 };
  gulong id;

  id = g_signal_connect (player, "notify::position", G_CALLBACK (on_position), &track);
  probe (TRUE);
  stva_player_play_range (player, 2.0, 2.5, TRUE);
  g_assert_true (stva_player_get_loop (player));
  spin (1.8);
  probe (FALSE);
  g_signal_handler_disconnect (player, id);
  g_test_message ("loop 2.0-2.5 s for 1.8 s: %u wraps, now at %.3f", track.n_wraps,
                  stva_player_get_position (player));
  g_assert_true (stva_player_get_playing (player));
  g_assert_cmpuint (track.n_wraps, >=, 2);
  g_assert_cmpuint (track.n_wraps, <=, 4);
  g_assert_cmpfloat (stva_player_get_position (player), >=, 2.0 - 1e-9);
  g_assert_cmpfloat (stva_player_get_position (player), <=, 2.5 + 1e-9);
  stva_player_set_loop (player, FALSE);
  wait_for (stopped, NULL, 3.0, "the loop to stop at its end once off");
  g_assert_cmpfloat (fabs (stva_player_get_position (player) - 2.5), <, 1e-9);
}

static void
test_speed (void)
{
  Track track = { 0 };
  double rate;

  stva_player_seek (player, 1.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  stva_player_set_speed (player, 2.0);
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 2.0);
  probe (TRUE);
  rate = play_for (1.5, &track);
  probe (FALSE);
  stva_player_pause (player);
  g_test_message ("2x: position rate %.3f", rate);
  assert_rate (rate, 2.0);

  stva_player_set_speed (player, 0.5);
  stva_player_seek (player, 1.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  probe (TRUE);
  rate = play_for (1.0, &track);
  probe (FALSE);
  stva_player_pause (player);
  g_test_message ("0.5x: position rate %.3f", rate);
  assert_rate (rate, 0.5);

  stva_player_set_speed (player, 7.0);  /* clamped */
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 2.0);
  stva_player_set_speed (player, 1.0);
}

static void
test_jkl (void)
{
  double t;

  stva_player_seek (player, 6.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  stva_player_set_speed (player, 0.5);
  stva_player_jkl (player, 'l');
  g_assert_true (stva_player_get_playing (player));
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 1.0);
  stva_player_jkl (player, 'l');
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 1.5);
  stva_player_jkl (player, 'l');
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 2.0);
  stva_player_jkl (player, 'l');
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 2.0);  /* as fast as it goes */
  spin (0.2);
  stva_player_jkl (player, 'k');
  g_assert_false (stva_player_get_playing (player));
  t = stva_player_get_position (player);
  stva_player_jkl (player, 'j');
  wait_for (not_busy, NULL, 5.0, "J's seek");
  g_assert_cmpfloat (fabs (stva_player_get_position (player) - (t - STVA_PLAYER_JUMP_S)), <,
                     1e-9);
  stva_player_jkl (player, 'j');  /* not before 0 */
  wait_for (not_busy, NULL, 5.0, "J's seek");
  g_assert_cmpfloat (stva_player_get_position (player), ==, 0.0);
  assert_frame (0, "J to the start");
  stva_player_jkl (player, 'l');  /* L after a pause plays at 1× again */
  g_assert_cmpfloat (stva_player_get_speed (player), ==, 1.0);
  stva_player_jkl (player, 'k');
}

static void
test_bad_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.mp4", NULL);
  gboolean failed = FALSE;
  gulong id;

  /* not there: refused at once, nothing changes */
  g_assert_false (stva_player_open (player, missing, &error));
  g_assert_nonnull (strstr (error->message, missing));
  g_test_message ("%s", error->message);
  g_assert_cmpstr (stva_player_get_path (player), ==, clip_path);

  /* not a video: the error signal, naming it; nothing is open */
  id = g_signal_connect (player, "error", G_CALLBACK (on_error), &failed);
  g_assert_true (stva_player_open (player, junk_path, NULL));
  wait_for (flag_set, &failed, 5.0, "the error signal");
  g_test_message ("%s", last_error->message);
  g_assert_nonnull (strstr (last_error->message, junk_path));
  wait_for (not_busy, NULL, 5.0, "the player to settle");
  g_assert_false (stva_player_get_playing (player));
  g_assert_null (stva_player_get_texture (player));
  stva_player_play (player);  /* nothing to play: nothing happens */
  spin (0.1);
  g_assert_cmpfloat (stva_player_get_position (player), ==, 0.0);

  /* a real clip cut in half: refused as truncated, naming it */
  {
    g_autoptr (GBytes) bytes = clip_read_bytes (clip_path);
    g_autofree char *cut = g_build_filename (tmp_dir, "cut.mp4", NULL);

    clip_write_bytes (cut, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);
    failed = FALSE;
    g_assert_true (stva_player_open (player, cut, NULL));
    wait_for (flag_set, &failed, 5.0, "the error signal for a cut file");
    g_test_message ("%s", last_error->message);
    g_assert_nonnull (strstr (last_error->message, cut));
    g_assert_false (stva_player_get_playing (player));
    g_remove (cut);
  }

  /* and the player still works */
  failed = FALSE;
  open_clip (clip_path);
  g_assert_false (failed);
  stva_player_seek (player, 3.3);
  wait_for (not_busy, NULL, 5.0, "the seek");
  assert_frame (82, "seek after an error");
  stva_player_play_range (player, 3.3, 3.5, FALSE);
  wait_for (stopped, NULL, 3.0, "play_range after an error");
  g_signal_handler_disconnect (player, id);
  g_clear_error (&last_error);

  /* NULL closes: nothing on screen, nothing to play, then a file opens again */
  g_assert_true (stva_player_open (player, NULL, NULL));
  g_assert_null (stva_player_get_path (player));
  g_assert_null (stva_player_get_texture (player));
  g_assert_cmpfloat (stva_player_get_duration (player), ==, 0.0);
  stva_player_play (player);
  g_assert_false (stva_player_get_playing (player));
  open_clip (clip_path);
  assert_frame (0, "open after a close");
}

/* A file with sound and no picture plays on its sound (or the system clock): black, a note. */
static void
test_sound_only (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "voice.mp4", NULL);
  Track track = { 0 };
  double rate;

  clip_write (path, &spec, false, true);
  open_clip (path);
  g_assert_null (stva_player_get_texture (player));
  g_assert_cmpfloat (fabs (stva_player_get_duration (player) - 8.0), <, 0.1);
  stva_player_seek (player, 2.0);
  wait_for (not_busy, NULL, 5.0, "the seek");
  rate = play_for (1.0, &track);
  stva_player_pause (player);
  g_test_message ("sound only: position rate %.3f", rate);
  assert_rate (rate, 1.0);
  g_assert_null (stva_player_get_texture (player));
  open_clip (clip_path);
  g_remove (path);
}

/* The transport never takes the keyboard focus from the window's keys when clicked. */
static void
test_focus (void)
{
  guint n = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (player)); w != NULL;)
    {
      if (GTK_IS_BUTTON (w) || GTK_IS_DROP_DOWN (w))
        {
          g_assert_false (gtk_widget_get_focus_on_click (w));
          n++;
        }
      /* depth first through the player's own widgets */
      if (gtk_widget_get_first_child (w) != NULL && !GTK_IS_DROP_DOWN (w))
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == GTK_WIDGET (player))
                w = NULL;
            }
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_cmpuint (n, ==, 3);  /* play, speed, loop */
}

static void
test_main_loop (void)
{
  double gap_ms = (double) probe_max_gap_us / 1000.0;
  double busy_ms = (double) probe_max_busy_us / 1000.0;
  double load[1] = { 0.0 };

  /* the main thread only swaps textures: no decode, seek or open ever blocks it; the wall
   * gap also counts the time a loaded machine kept the thread waiting for a core */
  getloadavg (load, 1);
  g_test_message ("largest main-loop gap while playing: %.1f ms on the wall clock, %.1f ms of "
                  "the main thread's CPU (load average %.1f)", gap_ms, busy_ms, load[0]);
  g_assert_cmpfloat (gap_ms, >, 0.0);
  g_assert_cmpfloat (busy_ms, <, 100.0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_resources_register (stva_get_resource ());  /* as the application does */
  av_log_set_level (AV_LOG_ERROR);              /* the clip writer's encoder talks */

  tmp_dir = clip_tmp_dir ("stva-test-player-XXXXXX");
  clip_path = g_build_filename (tmp_dir, "clip.mp4", NULL);
  junk_path = g_build_filename (tmp_dir, "notes.mp4", NULL);
  clip_write (clip_path, &spec, true, true);
  clip_write_bytes (junk_path, "these are notes, not a video\n", 29);

  g_timeout_add (2, on_probe, NULL);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 480, 330);
  player = STVA_PLAYER (stva_player_new ());
  gtk_window_set_child (window, GTK_WIDGET (player));
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (player)))
    g_main_context_iteration (NULL, TRUE);

  g_test_add_func ("/ui/player/open", test_open);
  g_test_add_func ("/ui/player/play", test_play);
  g_test_add_func ("/ui/player/seek", test_seek);
  g_test_add_func ("/ui/player/step", test_step);
  g_test_add_func ("/ui/player/range", test_range);
  g_test_add_func ("/ui/player/loop", test_loop);
  g_test_add_func ("/ui/player/speed", test_speed);
  g_test_add_func ("/ui/player/jkl", test_jkl);
  g_test_add_func ("/ui/player/bad-file", test_bad_file);
  g_test_add_func ("/ui/player/sound-only", test_sound_only);
  g_test_add_func ("/ui/player/focus", test_focus);
  g_test_add_func ("/ui/player/main-loop", test_main_loop);
  status = g_test_run ();

  gtk_window_destroy (window);
  g_remove (clip_path);
  g_remove (junk_path);
  g_rmdir (tmp_dir);
  g_free (clip_path);
  g_free (junk_path);
  g_free (tmp_dir);
  return status;
}
