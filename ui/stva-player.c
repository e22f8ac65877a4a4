/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPlayer (stva-player.h), after ffplay: the decode thread (StvaPlayerDecoder) works ahead,
 * and the main thread only takes finished frames and wraps them as textures.  A tick callback
 * (the frame clock) runs while playing or while a seek waits for its frame: it reads the master
 * clock (the sound device's when there is one, else the system clock, which follows the sound
 * clock while it runs so that it takes over seamlessly where the sound ends), takes the latest
 * frame due by then and drops the ones it passed, and stops at the end of a range or the file.
 * Every open and seek has a serial; whatever the thread made for an older one is dropped.
 */
#include "config.h"

#include <math.h>

#include "stva-audio-out.h"
#include "stva-player.h"
#include "stva-player-decoder.h"
#include "stva-video-paintable.h"

/* ---- types ------------------------------------------------------------------------------ */

#define NOTIFY_US (G_USEC_PER_SEC / 30)  /* position is notified at most this often */
#define SOUND_CLOCK_STALE_US 200000      /* a sound clock older than this has stopped */
#define STEP_EPSILON_S 1e-7              /* "just before a frame": less than any time base tick */

static const double speeds[] = { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0 };  /* the drop-down's */
static const double jkl_speeds[] = { 1.0, 1.5, 2.0 };                /* L, L L, L L L */

typedef enum
{
  WAIT_NONE,
  WAIT_FRAME,  /* an open or a seek: its first frame, then the clock runs from its target */
  WAIT_STEP,   /* a step forward: the next frame, whose pts becomes the position */
} Wait;

/* A clock that runs at speed from pts_s at time_us, or stands at pts_s. */
typedef struct
{
  double   pts_s;
  gint64   time_us;
  gboolean running;
} Clock;

struct _StvaPlayer
{
  GtkWidget           parent_instance;

  /* template */
  GtkPicture         *picture;
  GtkLabel           *message;
  GtkButton          *play_button;
  GtkLabel           *time_label;
  GtkDropDown        *speed_dropdown;
  GtkToggleButton    *loop_button;

  StvaVideoPaintable *paintable;       /* owned */
  StvaPlayerDecoder  *decoder;         /* owned */
  StvaAudioOut       *audio;           /* owned; NULL: the system clock */
  char               *path;            /* owned: the file asked for last */
  guint               open_id;
  guint               serial;          /* of the latest open or seek */
  gboolean            opened;          /* the file is open (its event came) */
  gboolean            failed;          /* it could not be opened: nothing is open */
  gboolean            has_video;
  gboolean            has_sound;       /* it has sound and the device plays it */
  double              duration_s;
  double              frame_s;         /* one frame's duration (1/fps), 0.04 when unknown */
  Clock               clock;           /* the system clock */
  gboolean            playing;
  double              speed;
  gboolean            loop;
  gboolean            in_range;        /* play_range is on */
  double              range_start_s;
  double              range_end_s;     /* < 0: to the end */
  double              position_s;
  gint64              notified_us;     /* when position was last notified */
  double              frame_pts_s;     /* of the frame on screen; < 0: none */
  Wait                wait;
  double              wait_target_s;   /* where the clock starts when WAIT_FRAME ends */
  guint               tick_id;
  guint               frames_shown;
  guint               frames_dropped;
  gboolean            syncing_ui;      /* setting a control from code: not the user */
};

enum
{
  PROP_0,
  PROP_POSITION,
  PROP_PLAYING,
  PROP_DURATION,
  PROP_SPEED,
  PROP_LOOP,
  PROP_FRAMES_SHOWN,
  PROP_FRAMES_DROPPED,
  N_PROPS
};

enum
{
  SIGNAL_OPENED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StvaPlayer, stva_player, GTK_TYPE_WIDGET)

/* ---- helpers ---------------------------------------------------------------------------- */

static double
clock_get (const StvaPlayer *self,
           gint64            now_us)
{
  if (!self->clock.running)
    return self->clock.pts_s;
  return self->clock.pts_s + (double) (now_us - self->clock.time_us) / G_USEC_PER_SEC
                             * self->speed;
}

static void
clock_set (StvaPlayer *self,
           double      pts_s,
           gint64      now_us,
           gboolean    running)
{
  self->clock.pts_s = pts_s;
  self->clock.time_us = now_us;
  self->clock.running = running;
}

/* The master clock: the sound's while it plays this serial, else the system clock (which is
 * kept on the sound's so that it takes over where the sound stops). */
static double
master_clock (StvaPlayer *self,
              gint64      now_us)
{
  double pts_s;
  gint64 time_us;
  guint serial;

  if (self->has_sound && self->playing && self->wait != WAIT_FRAME
      && stva_player_decoder_sound_clock (self->decoder, &pts_s, &time_us, &serial)
      && serial == self->serial && now_us - time_us < SOUND_CLOCK_STALE_US)
    {
      double t = pts_s + (double) (now_us - time_us) / G_USEC_PER_SEC * self->speed;

      clock_set (self, t, now_us, TRUE);
      return t;
    }
  return clock_get (self, now_us);
}

static void
format_time (char   *buf,
             gsize   n,
             double  t_s)
{
  int tenths = (int) floor (MAX (t_s, 0.0) * 10.0 + 1e-6);

  g_snprintf (buf, n, "%d:%02d.%d", tenths / 600, tenths / 10 % 60, tenths % 10);
}

static void
update_time_label (StvaPlayer *self)
{
  char now[32], total[32], text[72];

  format_time (now, sizeof now, self->position_s);
  format_time (total, sizeof total, self->duration_s);
  g_snprintf (text, sizeof text, "%s / %s", now, total);
  gtk_label_set_label (self->time_label, text);
}

/* Sets the position; notified at once when forced, else at most every NOTIFY_US. */
static void
set_position (StvaPlayer *self,
              double      t_s,
              gboolean    force)
{
  gint64 now_us = g_get_monotonic_time ();

  if (self->duration_s > 0.0 && t_s > self->duration_s)
    t_s = self->duration_s;
  if (t_s < 0.0)
    t_s = 0.0;
  self->position_s = t_s;
  if (!force && now_us - self->notified_us < NOTIFY_US)
    return;
  self->notified_us = now_us;
  update_time_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES_SHOWN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES_DROPPED]);
}

static void
show_message (StvaPlayer *self,
              const char *text)
{
  gtk_label_set_label (self->message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

/* Wraps a decoded frame as a texture and puts it on screen (takes frame's bytes). */
static void
show_frame (StvaPlayer      *self,
            StvaPlayerFrame *frame)
{
  g_autoptr (GdkTexture) texture = gdk_memory_texture_new (frame->width, frame->height,
                                                           GDK_MEMORY_R8G8B8, frame->rgb,
                                                           (gsize) frame->width * 3);

  stva_video_paintable_set_texture (self->paintable, texture);
  self->frame_pts_s = frame->pts_s;
  self->frames_shown++;
  stva_player_frame_clear (frame);
}

static gboolean on_tick (GtkWidget *widget, GdkFrameClock *frame_clock, gpointer user_data);

static void
ensure_tick (StvaPlayer *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

static void
set_playing (StvaPlayer *self,
             gboolean    playing)
{
  gint64 now_us = g_get_monotonic_time ();

  if (self->playing == playing)
    return;
  if (playing)
    clock_set (self, self->clock.pts_s, now_us, self->wait != WAIT_FRAME);
  else
    clock_set (self, master_clock (self, now_us), now_us, FALSE);
  self->playing = playing;
  if (self->audio != NULL)
    stva_audio_out_set_paused (self->audio, !playing);
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  if (playing)
    ensure_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

/* Seeks the decoder; the clock stands at t_s until the frame comes. */
static void
start_seek (StvaPlayer *self,
            double      t_s,
            Wait        wait)
{
  if (self->decoder == NULL || self->path == NULL || self->failed)
    return;
  if (self->duration_s > 0.0)
    t_s = MIN (t_s, self->duration_s);
  t_s = MAX (t_s, 0.0);
  self->serial = stva_player_decoder_seek (self->decoder, t_s);
  self->wait = wait;
  self->wait_target_s = t_s;
  clock_set (self, t_s, g_get_monotonic_time (), FALSE);
  if (wait == WAIT_FRAME)
    set_position (self, t_s, TRUE);
  ensure_tick (self);
}

/* Reaching end_s of a range or the end of the file: start again, or pause there. */
static void
reach_end (StvaPlayer *self,
           double      end_s)
{
  if (self->loop)
    {
      start_seek (self, self->in_range ? self->range_start_s : 0.0, WAIT_FRAME);
      return;
    }
  set_playing (self, FALSE);
  clock_set (self, end_s, g_get_monotonic_time (), FALSE);
  set_position (self, end_s, TRUE);
}

/* ---- callbacks -------------------------------------------------------------------------- */

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  StvaPlayer *self = STVA_PLAYER (widget);
  gint64 now_us = g_get_monotonic_time ();
  StvaPlayerFrame frame = { 0 };

  if (self->wait != WAIT_NONE && self->opened)
    {
      if (!self->has_video)  /* sound only: no frame to wait for */
        {
          clock_set (self, self->wait_target_s, now_us, self->playing);
          self->wait = WAIT_NONE;
        }
      else if (stva_player_decoder_take_next (self->decoder, self->serial, &frame))
        {
          show_frame (self, &frame);
          if (self->wait == WAIT_STEP)
            {
              clock_set (self, self->frame_pts_s, now_us, self->playing);
              set_position (self, self->frame_pts_s, TRUE);
            }
          else
            {
              clock_set (self, self->wait_target_s, now_us, self->playing);
              set_position (self, self->wait_target_s, TRUE);
            }
          self->wait = WAIT_NONE;
        }
      else if (stva_player_decoder_finished (self->decoder, self->serial))
        self->wait = WAIT_NONE;  /* nothing there (a step past the last frame) */
    }

  if (self->playing && self->opened && self->wait == WAIT_NONE)
    {
      double t = master_clock (self, now_us);
      double limit = self->in_range && self->range_end_s >= 0.0 ? self->range_end_s : -1.0;
      double show_s = limit >= 0.0 ? MIN (t, limit) : t;
      guint n_late = 0;

      if (stva_player_decoder_take_due (self->decoder, self->serial, show_s, &frame, &n_late))
        show_frame (self, &frame);
      self->frames_dropped += n_late;
      set_position (self, show_s, FALSE);
      if (limit >= 0.0 && t >= limit)
        reach_end (self, limit);
      else if (stva_player_decoder_finished (self->decoder, self->serial)
               && t >= MAX (self->frame_pts_s + self->frame_s, self->has_sound ? 0.0
                                                                : self->duration_s))
        reach_end (self, MIN (t, self->duration_s > 0.0 ? self->duration_s : t));
    }

  if (!self->playing && self->wait == WAIT_NONE)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_decoder_event (const StvaPlayerEvent *event,
                  gpointer               user_data)
{
  StvaPlayer *self = STVA_PLAYER (user_data);

  if (event->open_id != self->open_id)
    return;  /* about a file asked for before the current one */
  if (event->kind == STVA_PLAYER_EVENT_OPENED)
    {
      self->opened = TRUE;
      self->has_video = event->info.has_video;
      self->has_sound = event->has_sound && self->audio != NULL;
      self->duration_s = event->info.duration_s;
      self->frame_s = event->info.fps > 0.0 ? 1.0 / event->info.fps : 0.04;
      if (!event->info.has_video)
        show_message (self, "sound only");
      update_time_label (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
      g_signal_emit (self, signals[SIGNAL_OPENED], 0);
      ensure_tick (self);
      return;
    }

  if (!self->opened)  /* the open failed: nothing is open */
    {
      self->failed = TRUE;
      self->wait = WAIT_NONE;
      set_playing (self, FALSE);
    }
  show_message (self, event->error->message);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, event->error);
}

/* SDL's audio thread: the decoder fills the device's buffer. */
static void
on_audio_fill (float   *out,
               int      n_frames,
               gint64   now_us,
               gpointer user_data)
{
  StvaPlayer *self = user_data;

  stva_player_decoder_fill_sound (out, n_frames, now_us, self->decoder);
}

static void
on_play_button_clicked (StvaPlayer *self)
{
  stva_player_toggle (self);
}

static void
on_speed_dropdown_selected (StvaPlayer *self)
{
  guint i = gtk_drop_down_get_selected (self->speed_dropdown);

  if (!self->syncing_ui && i < G_N_ELEMENTS (speeds))
    stva_player_set_speed (self, speeds[i]);
}

/* ---- overrides -------------------------------------------------------------------------- */

static void
stva_player_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StvaPlayer *self = STVA_PLAYER (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_double (value, self->position_s);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration_s);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;
    case PROP_FRAMES_SHOWN:
      g_value_set_uint (value, self->frames_shown);
      break;
    case PROP_FRAMES_DROPPED:
      g_value_set_uint (value, self->frames_dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_player_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  StvaPlayer *self = STVA_PLAYER (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      stva_player_seek (self, g_value_get_double (value));
      break;
    case PROP_PLAYING:
      if (g_value_get_boolean (value))
        stva_player_play (self);
      else
        stva_player_pause (self);
      break;
    case PROP_SPEED:
      stva_player_set_speed (self, g_value_get_double (value));
      break;
    case PROP_LOOP:
      stva_player_set_loop (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stva_player_dispose (GObject *object)
{
  StvaPlayer *self = STVA_PLAYER (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_pointer (&self->audio, stva_audio_out_free);  /* no more callbacks, then no thread */
  g_clear_pointer (&self->decoder, stva_player_decoder_free);
  g_clear_object (&self->paintable);
  g_clear_pointer (&self->path, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_PLAYER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);  /* the overlay and the bar, which have no pointer */
  G_OBJECT_CLASS (stva_player_parent_class)->dispose (object);
}

/* ---- class_init / init ------------------------------------------------------------------ */

static void
stva_player_class_init (StvaPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = stva_player_get_property;
  object_class->set_property = stva_player_set_property;
  object_class->dispose = stva_player_dispose;

  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, STVA_PLAYER_SPEED_MIN, STVA_PLAYER_SPEED_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMES_SHOWN] =
    g_param_spec_uint ("frames-shown", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMES_DROPPED] =
    g_param_spec_uint ("frames-dropped", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-player.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, picture);
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, message);
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, play_button);
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, time_label);
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StvaPlayer, loop_button);
  gtk_widget_class_bind_template_callback (widget_class, on_play_button_clicked);
  gtk_widget_class_set_css_name (widget_class, "player");
}

static void
stva_player_init (StvaPlayer *self)
{
  g_autoptr (GError) error = NULL;
  gint64 t0_us;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->speed = 1.0;
  self->frame_pts_s = -1.0;
  self->frame_s = 0.04;
  self->range_end_s = -1.0;
  self->paintable = stva_video_paintable_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));

  t0_us = g_get_monotonic_time ();
  self->audio = stva_audio_out_new (on_audio_fill, self, &error);
  if (self->audio == NULL)
    g_debug ("player: %s", error->message);
  else
    g_debug ("player: sound through SDL's %s driver, opened in %.1f ms",
             stva_audio_out_driver (self->audio),
             (double) (g_get_monotonic_time () - t0_us) / 1000.0);
  self->decoder = stva_player_decoder_new (self->audio != NULL, on_decoder_event, self);
  if (self->audio != NULL)
    stva_player_decoder_set_latency (self->decoder, stva_audio_out_latency_s (self->audio));

  self->syncing_ui = TRUE;
  gtk_drop_down_set_selected (self->speed_dropdown, 2);  /* 1× */
  self->syncing_ui = FALSE;
  g_signal_connect_swapped (self->speed_dropdown, "notify::selected",
                            G_CALLBACK (on_speed_dropdown_selected), self);
  g_object_bind_property (self, "loop", self->loop_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

/* ---- public API ------------------------------------------------------------------------- */

/* (transfer full) */
GtkWidget *
stva_player_new (void)
{
  return g_object_new (STVA_TYPE_PLAYER, NULL);
}

gboolean
stva_player_open (StvaPlayer  *self,
                  const char  *path,
                  GError     **error)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path != NULL && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: %s", path,
                   g_file_test (path, G_FILE_TEST_EXISTS) ? "not a file" : "no such file");
      return FALSE;
    }

  set_playing (self, FALSE);
  g_free (self->path);
  self->path = g_strdup (path);
  self->open_id = stva_player_decoder_open (self->decoder, path, &self->serial);
  self->opened = FALSE;
  self->failed = FALSE;
  self->has_video = FALSE;
  self->has_sound = FALSE;
  self->duration_s = 0.0;
  self->frame_s = 0.04;
  self->in_range = FALSE;
  self->frame_pts_s = -1.0;
  self->wait = path != NULL ? WAIT_FRAME : WAIT_NONE;
  self->wait_target_s = 0.0;
  clock_set (self, 0.0, g_get_monotonic_time (), FALSE);
  stva_video_paintable_set_texture (self->paintable, NULL);
  show_message (self, NULL);
  set_position (self, 0.0, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  if (path != NULL)
    ensure_tick (self);
  return TRUE;
}

const char *
stva_player_get_path (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), NULL);
  return self->path;
}

void
stva_player_play (StvaPlayer *self)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  if (self->path == NULL || self->failed || self->playing)
    return;
  /* at the end (of the range or the file): from its start */
  if (self->in_range && self->range_end_s >= 0.0
      && self->position_s >= self->range_end_s - 1e-6)
    start_seek (self, self->range_start_s, WAIT_FRAME);
  else if (self->opened && self->duration_s > 0.0 && self->position_s >= self->duration_s - 1e-6)
    start_seek (self, 0.0, WAIT_FRAME);
  set_playing (self, TRUE);
}

void
stva_player_pause (StvaPlayer *self)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  set_playing (self, FALSE);
  set_position (self, self->clock.pts_s, TRUE);
}

void
stva_player_toggle (StvaPlayer *self)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  if (self->playing)
    stva_player_pause (self);
  else
    stva_player_play (self);
}

void
stva_player_seek (StvaPlayer *self,
                  double      t_s)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  g_return_if_fail (isfinite (t_s));
  self->in_range = FALSE;
  start_seek (self, t_s, WAIT_FRAME);
}

void
stva_player_play_range (StvaPlayer *self,
                        double      start_s,
                        double      end_s,
                        gboolean    loop)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  g_return_if_fail (isfinite (start_s) && isfinite (end_s));
  if (self->path == NULL || self->failed)
    return;
  self->in_range = TRUE;
  self->range_start_s = MAX (start_s, 0.0);
  self->range_end_s = end_s >= 0.0 ? MAX (end_s, self->range_start_s) : -1.0;
  stva_player_set_loop (self, loop);
  start_seek (self, self->range_start_s, WAIT_FRAME);
  set_playing (self, TRUE);
}

void
stva_player_step_frame (StvaPlayer *self,
                        int         direction)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  g_return_if_fail (direction == 1 || direction == -1);
  if (self->path == NULL || !self->opened || !self->has_video)
    return;
  set_playing (self, FALSE);
  if (self->wait != WAIT_NONE)
    return;  /* the previous step or seek has not shown its frame yet */
  if (direction > 0)
    {
      self->wait = WAIT_STEP;  /* the next frame in the queue */
      ensure_tick (self);
    }
  else if (self->frame_pts_s > 0.0)
    start_seek (self, self->frame_pts_s - STEP_EPSILON_S, WAIT_STEP);
}

void
stva_player_set_speed (StvaPlayer *self,
                       double      speed)
{
  gint64 now_us = g_get_monotonic_time ();
  guint nearest = 0;

  g_return_if_fail (STVA_IS_PLAYER (self));
  g_return_if_fail (isfinite (speed));
  speed = CLAMP (speed, STVA_PLAYER_SPEED_MIN, STVA_PLAYER_SPEED_MAX);
  if (speed == self->speed)
    return;
  /* the clock goes on from where it is at the new rate */
  clock_set (self, master_clock (self, now_us), now_us, self->clock.running);
  self->speed = speed;
  stva_player_decoder_set_tempo (self->decoder, speed);

  for (guint i = 1; i < G_N_ELEMENTS (speeds); i++)
    if (fabs (speeds[i] - speed) < fabs (speeds[nearest] - speed))
      nearest = i;
  self->syncing_ui = TRUE;
  gtk_drop_down_set_selected (self->speed_dropdown, nearest);
  self->syncing_ui = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

void
stva_player_jkl (StvaPlayer *self,
                 char        key)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  switch (key)
    {
    case 'l':
    case 'L':
      if (!self->playing)
        stva_player_set_speed (self, jkl_speeds[0]);
      else
        for (guint i = 0; i < G_N_ELEMENTS (jkl_speeds); i++)  /* the next faster */
          if (jkl_speeds[i] > self->speed + 1e-9)
            {
              stva_player_set_speed (self, jkl_speeds[i]);
              break;
            }
      stva_player_play (self);
      break;
    case 'k':
    case 'K':
      stva_player_pause (self);
      break;
    case 'j':
    case 'J':
      stva_player_seek (self, self->position_s - STVA_PLAYER_JUMP_S);
      break;
    default:
      g_return_if_reached ();
    }
}

void
stva_player_set_loop (StvaPlayer *self,
                      gboolean    loop)
{
  g_return_if_fail (STVA_IS_PLAYER (self));
  loop = !!loop;
  if (loop == self->loop)
    return;
  self->loop = loop;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

double
stva_player_get_position (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), 0.0);
  return self->position_s;
}

double
stva_player_get_duration (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), 0.0);
  return self->duration_s;
}

double
stva_player_get_speed (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), 1.0);
  return self->speed;
}

gboolean
stva_player_get_playing (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), FALSE);
  return self->playing;
}

gboolean
stva_player_get_loop (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), FALSE);
  return self->loop;
}

double
stva_player_get_frame_pts (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), -1.0);
  return self->frame_pts_s;
}

GdkTexture *
stva_player_get_texture (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), NULL);
  return stva_video_paintable_get_texture (self->paintable);
}

guint
stva_player_get_frames_shown (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), 0);
  return self->frames_shown;
}

guint
stva_player_get_frames_dropped (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), 0);
  return self->frames_dropped;
}

gboolean
stva_player_get_has_sound (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), FALSE);
  return self->has_sound;
}

gboolean
stva_player_get_busy (StvaPlayer *self)
{
  g_return_val_if_fail (STVA_IS_PLAYER (self), FALSE);
  return self->wait != WAIT_NONE;
}
