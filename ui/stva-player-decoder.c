/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaPlayerDecoder (stva-player-decoder.h): one thread that owns the file's readers and does
 * everything slow (open, seek, decode, convert to RGB, resample and stretch sound), a frame
 * queue of a few frames and an audio queue of a quarter second, both tagged with the serial
 * they were decoded for.  The lock is held only to move finished frames and sound in and out
 * and to read or post commands, never while FFmpeg works, so the main thread and SDL's audio
 * thread wait for it at most a memcpy.  Commands coalesce: of several seeks made while one
 * runs, only the last is done.
 */
#include "config.h"

#include <string.h>

#include "stva-db.h"  /* stva_error_to_gerror */

#include "stva-audio-out.h"
#include "stva-player-decoder.h"

/* ---- types ------------------------------------------------------------------------------ */

#define SOUND_CHUNK_FRAMES 1024                        /* one read of the sound */
#define SOUND_AHEAD_FRAMES (STVA_AUDIO_OUT_RATE_HZ / 4) /* decode sound this far ahead */
#define SOUND_LOW_FRAMES (STVA_AUDIO_OUT_RATE_HZ / 10)  /* below this, sound before frames */

typedef struct
{
  guint  serial;
  double pts_s;     /* the file time of data[0] */
  double tempo;     /* file seconds per second of sound */
  gsize  n_frames;
  gsize  pos;       /* frames already played */
  float  data[];    /* n_frames * 2, interleaved */
} SoundChunk;

/* What events need of the decoder: it may be gone when an event's idle runs. */
typedef struct
{
  StvaPlayerEventFunc func;
  gpointer            user_data;
  gboolean            alive;     /* read and cleared on the main context only */
} Link;

typedef struct
{
  Link            *link;         /* a reference */
  StvaPlayerEvent  event;
} Posted;

struct StvaPlayerDecoder
{
  GThread      *thread;
  GMainContext *context;          /* owned ref: where events go */
  Link         *link;             /* a reference (atomic rc box) */
  gboolean      with_sound;

  GMutex        lock;             /* guards everything below */
  GCond         cond;             /* the thread waits here for work or room */
  gboolean      quit;
  guint         serial;           /* the latest open's or seek's */
  guint         open_id;
  guint         open_serial;      /* the serial the pending open starts */
  gboolean      open_pending;
  char         *open_path;        /* owned; NULL: close */
  gboolean      seek_pending;
  double        seek_s;
  gboolean      tempo_pending;
  double        tempo;            /* the latest asked for */
  guint         work_serial;      /* the serial the readers are positioned for */
  gboolean      video_eof;        /* of work_serial */
  gboolean      sound_eof;
  GQueue        frames;           /* StvaPlayerFrame *, owned */
  GQueue        sound;            /* SoundChunk *, owned */
  gsize         sound_ahead;      /* frames in sound not yet played */
  double        latency_s;        /* the device's */
  gboolean      clock_valid;
  double        clock_pts_s;
  gint64        clock_time_us;
  guint         clock_serial;

  /* the thread's own */
  StvaMediaReader      *video;    /* owned; NULL when nothing is open or it has no video */
  StvaMediaAudioReader *audio;    /* owned; NULL without sound */
  double                tempo_now; /* what audio was last set to */
};

/* ---- helpers ---------------------------------------------------------------------------- */

void
stva_player_frame_clear (StvaPlayerFrame *frame)
{
  g_clear_pointer (&frame->rgb, g_bytes_unref);
}

static void
frame_free (gpointer data)
{
  StvaPlayerFrame *frame = data;

  stva_player_frame_clear (frame);
  g_free (frame);
}

static void
posted_free (gpointer data)
{
  Posted *posted = data;

  g_clear_error (&posted->event.error);
  g_atomic_rc_box_release (posted->link);
  g_free (posted);
}

static gboolean
deliver (gpointer data)
{
  Posted *posted = data;

  if (posted->link->alive)
    posted->link->func (&posted->event, posted->link->user_data);
  return G_SOURCE_REMOVE;
}

/* Sends an event to the main context; takes error. */
static void
post (StvaPlayerDecoder   *self,
      StvaPlayerEventKind  kind,
      guint                open_id,
      const StvaMediaInfo *info,
      gboolean             has_sound,
      GError              *error)
{
  Posted *posted = g_new0 (Posted, 1);
  GSource *source;

  posted->link = g_atomic_rc_box_acquire (self->link);
  posted->event.kind = kind;
  posted->event.open_id = open_id;
  if (info != NULL)
    posted->event.info = *info;
  posted->event.has_sound = has_sound;
  posted->event.error = error;
  /* an idle source, not g_main_context_invoke: invoke runs the function at once, in this
   * thread, when the context is the thread's default and nobody holds it at that moment */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, posted, posted_free);
  g_source_set_static_name (source, "[stva] player decoder event");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static GError *
media_error (const StvaError *error)
{
  return stva_error_to_gerror (error);  /* STVA_CORE_ERROR; the message names the file */
}

/* Drops what was decoded for older serials.  Locked. */
static void
flush_queues (StvaPlayerDecoder *self)
{
  g_queue_clear_full (&self->frames, frame_free);
  g_queue_clear_full (&self->sound, g_free);
  self->sound_ahead = 0;
  self->clock_valid = FALSE;
}

static void
close_readers (StvaPlayerDecoder *self)
{
  g_clear_pointer (&self->video, stva_media_reader_free);
  g_clear_pointer (&self->audio, stva_media_audio_reader_free);
}

/* ---- the thread's work (called unlocked, returning locked) ------------------------------ */

static void
do_open (StvaPlayerDecoder *self,
         char              *path,
         guint              open_id,
         guint              serial)
{
  StvaError error = { 0 };
  StvaMediaInfo info = { 0 };
  gboolean has_sound = FALSE;
  StvaStatus status = STVA_OK;

  close_readers (self);
  if (path != NULL)
    {
      status = stva_media_reader_open (&self->video, path, &error);
      if (status == STVA_OK)
        {
          info = *stva_media_reader_info (self->video);
          if (!info.has_video && !info.has_audio)
            status = stva_error_set (&error, STVA_ERR_MEDIA, "%s: neither video nor sound",
                                     path);
        }
      if (status == STVA_OK && !info.has_video)
        g_clear_pointer (&self->video, stva_media_reader_free);
      if (status == STVA_OK && info.has_audio && self->with_sound)
        {
          StvaError sound_error = { 0 };

          /* a file whose sound is broken still plays its pictures, silently */
          if (stva_media_audio_reader_open (&self->audio, path, STVA_AUDIO_OUT_RATE_HZ,
                                            STVA_AUDIO_OUT_CHANNELS, &sound_error) == STVA_OK
              && (self->tempo_now == 1.0
                  || stva_media_audio_reader_seek (self->audio, 0.0, self->tempo_now,
                                                   &sound_error) == STVA_OK))
            has_sound = TRUE;
          else
            {
              g_message ("%s", sound_error.message);
              g_clear_pointer (&self->audio, stva_media_audio_reader_free);
            }
        }
      if (status != STVA_OK)
        close_readers (self);
    }

  g_mutex_lock (&self->lock);
  flush_queues (self);
  self->work_serial = serial;
  self->video_eof = self->video == NULL;
  self->sound_eof = self->audio == NULL;
  if (path != NULL)
    post (self, status == STVA_OK ? STVA_PLAYER_EVENT_OPENED : STVA_PLAYER_EVENT_FAILED,
          open_id, &info, has_sound, status == STVA_OK ? NULL : media_error (&error));
  g_free (path);
}

static void
do_seek (StvaPlayerDecoder *self,
         double             t_s,
         guint              serial,
         guint              open_id)
{
  StvaError error = { 0 };
  StvaStatus status = STVA_OK;

  if (self->video != NULL)
    status = stva_media_reader_seek_at (self->video, t_s, &error);
  if (status == STVA_OK && self->audio != NULL)
    status = stva_media_audio_reader_seek (self->audio, t_s, self->tempo_now, &error);

  g_mutex_lock (&self->lock);
  flush_queues (self);
  self->work_serial = serial;
  self->video_eof = self->video == NULL || status != STVA_OK;
  self->sound_eof = self->audio == NULL || status != STVA_OK;
  if (status != STVA_OK)
    post (self, STVA_PLAYER_EVENT_FAILED, open_id, NULL, FALSE, media_error (&error));
}

/* Sound from the first sample not yet played on at the new tempo.  Called locked; returns
 * locked. */
static void
do_tempo (StvaPlayerDecoder *self,
          double             tempo)
{
  StvaError error = { 0 };
  SoundChunk *head = g_queue_peek_head (&self->sound);
  guint serial = self->work_serial;
  double from_s;
  StvaStatus status;

  if (self->audio == NULL)
    {
      self->tempo_now = tempo;
      return;
    }
  if (head != NULL)
    from_s = head->pts_s + (double) head->pos * head->tempo / STVA_AUDIO_OUT_RATE_HZ;
  else
    from_s = stva_media_audio_reader_position (self->audio);
  g_queue_clear_full (&self->sound, g_free);
  self->sound_ahead = 0;
  g_mutex_unlock (&self->lock);

  status = stva_media_audio_reader_seek (self->audio, from_s, tempo, &error);
  self->tempo_now = tempo;

  g_mutex_lock (&self->lock);
  if (self->work_serial == serial)
    self->sound_eof = status != STVA_OK;
  if (status != STVA_OK)
    post (self, STVA_PLAYER_EVENT_FAILED, self->open_id, NULL, FALSE, media_error (&error));
}

/* Decodes one frame into the queue.  Called locked; returns locked. */
static void
decode_video (StvaPlayerDecoder *self)
{
  const StvaMediaInfo *info = stva_media_reader_info (self->video);
  guint serial = self->work_serial;
  gsize n_bytes = (gsize) info->width * (gsize) info->height * 3;
  StvaError error = { 0 };
  guint8 *rgb;
  double pts_s = 0.0;
  bool eof = false;
  StvaStatus status;

  g_mutex_unlock (&self->lock);
  rgb = g_malloc (n_bytes);
  status = stva_media_reader_next_frame (self->video, rgb, &pts_s, &eof, &error);
  g_mutex_lock (&self->lock);

  if (self->work_serial != serial || self->serial != serial)  /* a seek came meanwhile */
    {
      g_free (rgb);
      return;
    }
  if (status != STVA_OK || eof)
    {
      g_free (rgb);
      self->video_eof = TRUE;
      if (status != STVA_OK)
        post (self, STVA_PLAYER_EVENT_FAILED, self->open_id, NULL, FALSE, media_error (&error));
      return;
    }
  StvaPlayerFrame *frame = g_new0 (StvaPlayerFrame, 1);
  frame->rgb = g_bytes_new_take (rgb, n_bytes);
  frame->width = info->width;
  frame->height = info->height;
  frame->pts_s = pts_s;
  frame->serial = serial;
  g_queue_push_tail (&self->frames, frame);
}

/* Decodes a piece of sound into the queue.  Called locked; returns locked. */
static void
decode_sound (StvaPlayerDecoder *self)
{
  guint serial = self->work_serial;
  double tempo = self->tempo_now;
  StvaError error = { 0 };
  SoundChunk *chunk;
  size_t n_read = 0;
  double pts_s = 0.0;
  bool eof = false;
  StvaStatus status;

  g_mutex_unlock (&self->lock);
  chunk = g_malloc (sizeof (SoundChunk)
                    + SOUND_CHUNK_FRAMES * STVA_AUDIO_OUT_CHANNELS * sizeof (float));
  status = stva_media_audio_reader_read (self->audio, chunk->data, SOUND_CHUNK_FRAMES, &n_read,
                                         &pts_s, &eof, &error);
  g_mutex_lock (&self->lock);

  if (self->work_serial != serial || self->serial != serial || self->tempo_pending)
    {
      g_free (chunk);
      return;
    }
  if (status != STVA_OK || eof)
    self->sound_eof = TRUE;
  if (status != STVA_OK)
    post (self, STVA_PLAYER_EVENT_FAILED, self->open_id, NULL, FALSE, media_error (&error));
  if (status != STVA_OK || n_read == 0)
    {
      g_free (chunk);
      return;
    }
  chunk->serial = serial;
  chunk->pts_s = pts_s;
  chunk->tempo = tempo;
  chunk->n_frames = n_read;
  chunk->pos = 0;
  g_queue_push_tail (&self->sound, chunk);
  self->sound_ahead += n_read;
}

static gpointer
decode_thread (gpointer data)
{
  StvaPlayerDecoder *self = data;

  g_mutex_lock (&self->lock);
  while (!self->quit)
    {
      gboolean want_video, want_sound;

      if (self->open_pending)
        {
          char *path = g_steal_pointer (&self->open_path);
          guint open_id = self->open_id, serial = self->open_serial;

          self->open_pending = FALSE;  /* a seek asked for after it comes next */
          g_mutex_unlock (&self->lock);
          do_open (self, path, open_id, serial);
          continue;
        }
      if (self->seek_pending)
        {
          double t_s = self->seek_s;
          guint serial = self->serial, open_id = self->open_id;

          self->seek_pending = FALSE;
          g_mutex_unlock (&self->lock);
          do_seek (self, t_s, serial, open_id);
          continue;
        }
      if (self->tempo_pending)
        {
          self->tempo_pending = FALSE;
          do_tempo (self, self->tempo);
          continue;
        }

      want_video = self->video != NULL && !self->video_eof
                   && self->frames.length < STVA_PLAYER_QUEUE_FRAMES;
      want_sound = self->audio != NULL && !self->sound_eof
                   && self->sound_ahead < SOUND_AHEAD_FRAMES;
      if (want_sound && (self->sound_ahead < SOUND_LOW_FRAMES || !want_video))
        decode_sound (self);
      else if (want_video)
        decode_video (self);
      else
        g_cond_wait (&self->cond, &self->lock);
    }
  g_mutex_unlock (&self->lock);
  close_readers (self);
  return NULL;
}

/* ---- public API ------------------------------------------------------------------------- */

StvaPlayerDecoder *
stva_player_decoder_new (gboolean            with_sound,
                         StvaPlayerEventFunc func,
                         gpointer            user_data)
{
  StvaPlayerDecoder *self = g_new0 (StvaPlayerDecoder, 1);

  g_return_val_if_fail (func != NULL, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->link = g_atomic_rc_box_new0 (Link);
  self->link->func = func;
  self->link->user_data = user_data;
  self->link->alive = TRUE;
  self->with_sound = with_sound;
  self->tempo = 1.0;
  self->tempo_now = 1.0;
  self->video_eof = TRUE;
  self->sound_eof = TRUE;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->frames);
  g_queue_init (&self->sound);
  self->thread = g_thread_new ("stva-player-decode", decode_thread, self);
  return self;
}

void
stva_player_decoder_free (StvaPlayerDecoder *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  self->link->alive = FALSE;  /* events still queued on the context are dropped */
  g_atomic_rc_box_release (self->link);
  flush_queues (self);
  g_free (self->open_path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_main_context_unref (self->context);
  g_free (self);
}

guint
stva_player_decoder_open (StvaPlayerDecoder *self,
                          const char        *path,
                          guint             *serial)
{
  guint open_id;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->lock);
  g_free (self->open_path);
  self->open_path = g_strdup (path);
  self->open_pending = TRUE;
  self->seek_pending = FALSE;
  open_id = ++self->open_id;
  *serial = self->open_serial = ++self->serial;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  return open_id;
}

guint
stva_player_decoder_seek (StvaPlayerDecoder *self,
                          double             t_s)
{
  guint serial;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->lock);
  self->seek_pending = TRUE;
  self->seek_s = t_s;
  serial = ++self->serial;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  return serial;
}

void
stva_player_decoder_set_tempo (StvaPlayerDecoder *self,
                               double             tempo)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (tempo >= STVA_MEDIA_TEMPO_MIN && tempo <= STVA_MEDIA_TEMPO_MAX);
  g_mutex_lock (&self->lock);
  if (tempo != self->tempo)
    {
      self->tempo = tempo;
      self->tempo_pending = TRUE;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

/* Drops queued frames of other serials.  Locked. */
static void
drop_stale (StvaPlayerDecoder *self,
            guint              serial)
{
  StvaPlayerFrame *head;

  while ((head = g_queue_peek_head (&self->frames)) != NULL && head->serial != serial)
    frame_free (g_queue_pop_head (&self->frames));
}

gboolean
stva_player_decoder_take_next (StvaPlayerDecoder *self,
                               guint              serial,
                               StvaPlayerFrame   *frame)
{
  StvaPlayerFrame *head;

  g_return_val_if_fail (self != NULL, FALSE);
  g_mutex_lock (&self->lock);
  drop_stale (self, serial);
  head = g_queue_pop_head (&self->frames);
  if (head != NULL)
    g_cond_signal (&self->cond);  /* room for another */
  g_mutex_unlock (&self->lock);
  if (head == NULL)
    return FALSE;
  *frame = *head;
  g_free (head);
  return TRUE;
}

gboolean
stva_player_decoder_take_due (StvaPlayerDecoder *self,
                              guint              serial,
                              double             t_s,
                              StvaPlayerFrame   *frame,
                              guint             *n_late)
{
  StvaPlayerFrame *head;
  StvaPlayerFrame *due = NULL;
  GList *dropped = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  *n_late = 0;
  g_mutex_lock (&self->lock);
  drop_stale (self, serial);
  while ((head = g_queue_peek_head (&self->frames)) != NULL && head->pts_s <= t_s)
    {
      if (due != NULL)
        {
          dropped = g_list_prepend (dropped, due);  /* freed unlocked */
          (*n_late)++;
        }
      due = g_queue_pop_head (&self->frames);
    }
  if (due != NULL)
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_list_free_full (dropped, frame_free);
  if (due == NULL)
    return FALSE;
  *frame = *due;
  g_free (due);
  return TRUE;
}

gboolean
stva_player_decoder_finished (StvaPlayerDecoder *self,
                              guint              serial)
{
  gboolean done;

  g_return_val_if_fail (self != NULL, FALSE);
  g_mutex_lock (&self->lock);
  drop_stale (self, serial);
  done = self->serial == serial && self->work_serial == serial && !self->seek_pending
         && !self->open_pending && self->video_eof && self->frames.length == 0
         && self->sound_eof;
  g_mutex_unlock (&self->lock);
  return done;
}

void
stva_player_decoder_fill_sound (float   *out,
                                int      n_frames,
                                gint64   now_us,
                                gpointer decoder)
{
  StvaPlayerDecoder *self = decoder;
  GSList *played = NULL;
  gsize done = 0;
  gboolean any = FALSE;
  double end_s = 0.0, tempo = 1.0;
  SoundChunk *chunk;

  g_mutex_lock (&self->lock);
  while (done < (gsize) n_frames && (chunk = g_queue_peek_head (&self->sound)) != NULL)
    {
      gsize k;

      if (chunk->serial != self->serial)
        {
          self->sound_ahead -= chunk->n_frames - chunk->pos;
          played = g_slist_prepend (played, g_queue_pop_head (&self->sound));
          continue;
        }
      k = MIN (chunk->n_frames - chunk->pos, (gsize) n_frames - done);
      memcpy (out + done * STVA_AUDIO_OUT_CHANNELS,
              chunk->data + chunk->pos * STVA_AUDIO_OUT_CHANNELS,
              k * STVA_AUDIO_OUT_CHANNELS * sizeof (float));
      chunk->pos += k;
      done += k;
      self->sound_ahead -= k;
      any = TRUE;
      tempo = chunk->tempo;
      end_s = chunk->pts_s + (double) chunk->pos * chunk->tempo / STVA_AUDIO_OUT_RATE_HZ;
      if (chunk->pos == chunk->n_frames)
        played = g_slist_prepend (played, g_queue_pop_head (&self->sound));
    }
  if (any)
    {
      /* what is heard now went into the device a latency ago (ffplay's reckoning) */
      self->clock_pts_s = end_s - self->latency_s * tempo;
      self->clock_time_us = now_us;
      self->clock_serial = self->serial;
      self->clock_valid = TRUE;
    }
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (done < (gsize) n_frames)
    memset (out + done * STVA_AUDIO_OUT_CHANNELS, 0,
            ((gsize) n_frames - done) * STVA_AUDIO_OUT_CHANNELS * sizeof (float));
  g_slist_free_full (played, g_free);
}

void
stva_player_decoder_set_latency (StvaPlayerDecoder *self,
                                 double             latency_s)
{
  g_return_if_fail (self != NULL);
  g_mutex_lock (&self->lock);
  self->latency_s = latency_s;
  g_mutex_unlock (&self->lock);
}

gboolean
stva_player_decoder_sound_clock (StvaPlayerDecoder *self,
                                 double            *pts_s,
                                 gint64            *time_us,
                                 guint             *serial)
{
  gboolean valid;

  g_return_val_if_fail (self != NULL, FALSE);
  g_mutex_lock (&self->lock);
  valid = self->clock_valid && self->clock_serial == self->serial;
  *pts_s = self->clock_pts_s;
  *time_us = self->clock_time_us;
  *serial = self->clock_serial;
  g_mutex_unlock (&self->lock);
  return valid;
}
