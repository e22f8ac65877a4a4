/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaMediaAudioReader (stva-media-audio-reader.h): the audio of a file for playback.  Packets
 * are decoded one frame at a time, converted by libswresample to interleaved float at the
 * caller's rate and channels, placed by their timestamps (a hole in them becomes silence),
 * trimmed to the sample a seek asked for, then, at a tempo other than 1, stretched by
 * libavfilter's atempo (which keeps the pitch) and kept until read.
 */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "stva-media-audio-reader.h"
#include "stva-media-private.h"

/* ---- types ------------------------------------------------------------------------------ */

#define PREROLL_S 0.25  /* decode this much before a seek's target so AAC's overlap has settled */
#define SLACK_S 0.02    /* timestamps further ahead than this mean missing packets */
#define MAX_GAP_S 10.0  /* longer holes are broken timestamps: played on, not waited out */

struct StvaMediaAudioReader
{
  char            *path;       /* owned */
  AVFormatContext *fmt;        /* owned */
  AVCodecContext  *dec;        /* owned */
  int              aindex;
  AVPacket        *pkt;        /* owned */
  AVFrame         *frame;      /* owned: the decoder's output */
  AVFrame         *last;       /* owned: the format swr is set up for (no data) */
  AVFrame         *filt;       /* owned: atempo's output */
  SwrContext      *swr;        /* owned; NULL until the first frame after a seek */
  bool             swr_mono;   /* swr puts out mono, copied to each channel in resample () */
  AVChannelLayout  layout;     /* the output's */
  int              rate_hz;
  int              n_channels;
  double           origin_s;   /* the container's start time */
  double           tempo;
  AVFilterGraph   *graph;      /* owned; NULL at tempo 1 */
  AVFilterContext *src;        /* borrowed from graph */
  AVFilterContext *sink;
  int64_t          n_pushed;   /* frames given to the graph: the next one's pts */
  float           *chunk;      /* owned: swr output, chunk_cap frames */
  int              chunk_cap;
  float           *buf;        /* owned: frames ready to read, interleaved, [pos, len) */
  size_t           cap;        /* in frames */
  size_t           len;
  size_t           pos;
  double           trim_s;     /* frames before this file time are dropped (a seek's target) */
  double           in_s;       /* the file time of swr's next output frame; NAN: not placed */
  double           out_s;      /* the file time of the next frame read returns */
  bool             out_placed; /* a frame has been kept since the seek: out_s is exact */
  bool             draining;   /* the demuxer hit the end; the decoder was sent NULL */
  bool             flushed;    /* the decoder, swr and the graph gave all they had */
  int              n_bad;      /* packets in a row the decoder refused */
};

/* ---- helpers ---------------------------------------------------------------------------- */

static StvaStatus
nomem (StvaMediaAudioReader *self,
       StvaError            *error)
{
  return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
}

/* Appends n frames of x to buf. */
static StvaStatus
keep (StvaMediaAudioReader *self,
      const float          *x,
      size_t                n,
      StvaError            *error)
{
  size_t ch = (size_t) self->n_channels;

  if (self->pos > 0)  /* what was read goes */
    {
      memmove (self->buf, self->buf + self->pos * ch,
               (self->len - self->pos) * ch * sizeof (float));
      self->len -= self->pos;
      self->pos = 0;
    }
  if (self->len + n > self->cap)
    {
      size_t cap = self->cap > 0 ? self->cap : 4096;
      float *buf;

      while (cap < self->len + n)
        cap *= 2;
      buf = realloc (self->buf, cap * ch * sizeof (float));
      if (buf == NULL)
        return nomem (self, error);
      self->buf = buf;
      self->cap = cap;
    }
  memcpy (self->buf + self->len * ch, x, n * ch * sizeof (float));
  self->len += n;
  return STVA_OK;
}

/* Moves what atempo has ready into buf. */
static StvaStatus
pull (StvaMediaAudioReader *self,
      StvaError            *error)
{
  for (;;)
    {
      StvaStatus status;
      int ret = av_buffersink_get_frame (self->sink, self->filt);

      if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
        return STVA_OK;
      if (ret < 0)
        return _stva_media_error (error, self->path, "atempo", ret);
      status = keep (self, (const float *) self->filt->data[0], (size_t) self->filt->nb_samples,
                     error);
      av_frame_unref (self->filt);
      if (status != STVA_OK)
        return status;
    }
}

/* Hands n resampled frames to atempo, or keeps them at tempo 1. */
static StvaStatus
feed (StvaMediaAudioReader *self,
      const float          *x,
      size_t                n,
      StvaError            *error)
{
  AVFrame *f;
  int ret;

  if (self->graph == NULL)
    return keep (self, x, n, error);
  f = av_frame_alloc ();
  if (f == NULL)
    return nomem (self, error);
  f->format = AV_SAMPLE_FMT_FLT;
  f->sample_rate = self->rate_hz;
  f->nb_samples = (int) n;
  f->pts = self->n_pushed;
  ret = av_channel_layout_copy (&f->ch_layout, &self->layout);
  if (ret >= 0)
    ret = av_frame_get_buffer (f, 0);
  if (ret >= 0)
    {
      memcpy (f->data[0], x, n * (size_t) self->n_channels * sizeof (float));
      self->n_pushed += (int64_t) n;
      ret = av_buffersrc_add_frame (self->src, f);
    }
  av_frame_free (&f);
  if (ret < 0)
    return _stva_media_error (error, self->path, "atempo", ret);
  return pull (self, error);
}

/* n frames out of swr (or silence) at file time in_s: drops those before trim_s. */
static StvaStatus
push (StvaMediaAudioReader *self,
      const float          *x,
      size_t                n,
      StvaError            *error)
{
  double at_s = self->in_s;
  size_t skip = 0;

  self->in_s += (double) n / self->rate_hz;
  if (at_s < self->trim_s)
    {
      double k = ceil ((self->trim_s - at_s) * self->rate_hz - 1e-6);

      skip = k >= (double) n ? n : (size_t) k;
    }
  if (skip == n)
    return STVA_OK;
  if (!self->out_placed)
    {
      self->out_s = at_s + (double) skip / self->rate_hz;
      self->out_placed = true;
    }
  return feed (self, x + skip * (size_t) self->n_channels, n - skip, error);
}

static StvaStatus
push_silence (StvaMediaAudioReader *self,
              size_t                n,
              StvaError            *error)
{
  static const float zeros[1024];

  while (n > 0)
    {
      size_t k = 1024 / (size_t) self->n_channels;
      StvaStatus status;

      if (k > n)
        k = n;
      status = push (self, zeros, k, error);
      if (status != STVA_OK)
        return status;
      n -= k;
    }
  return STVA_OK;
}

/* Converts frame (NULL: what swr still holds) and pushes the result. */
static StvaStatus
resample (StvaMediaAudioReader *self,
          AVFrame              *frame,
          StvaError            *error)
{
  int in = frame != NULL ? frame->nb_samples : 0;
  int need = swr_get_out_samples (self->swr, in);
  uint8_t *out[1];
  int m;

  if (need < 0)
    return _stva_media_error (error, self->path, "resampling", need);
  if (need > self->chunk_cap)
    {
      float *chunk = realloc (self->chunk, (size_t) need * (size_t) self->n_channels
                                           * sizeof (float));

      if (chunk == NULL)
        return nomem (self, error);
      self->chunk = chunk;
      self->chunk_cap = need;
    }
  out[0] = (uint8_t *) self->chunk;
  m = swr_convert (self->swr, out, self->chunk_cap,
                   frame != NULL ? (const uint8_t **) frame->extended_data : NULL, in);
  if (m < 0)
    return _stva_media_error (error, self->path, "resampling", m);
  if (self->swr_mono && self->n_channels > 1)
    for (int i = m - 1; i >= 0; i--)  /* backwards: sample i moves to 2i, 2i + 1 */
      for (int c = self->n_channels - 1; c >= 0; c--)
        self->chunk[(size_t) i * (size_t) self->n_channels + (size_t) c] = self->chunk[i];
  return push (self, self->chunk, (size_t) m, error);
}

/* Sets up swr for frame's format; the previous context, if any, is flushed first. */
static StvaStatus
setup_resampler (StvaMediaAudioReader *self,
                 AVFrame              *frame,
                 StvaError            *error)
{
  AVChannelLayout in_layout = { 0 };
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  StvaStatus status = STVA_OK;
  int ret;

  if (self->swr != NULL)
    {
      status = resample (self, NULL, error);
      swr_free (&self->swr);
      if (status != STVA_OK)
        return status;
    }
  if (frame->ch_layout.nb_channels <= 0 || frame->sample_rate <= 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: audio with %d channels at %d Hz",
                           self->path, frame->ch_layout.nb_channels, frame->sample_rate);
  if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default (&in_layout, frame->ch_layout.nb_channels);
  else if ((ret = av_channel_layout_copy (&in_layout, &frame->ch_layout)) < 0)
    return _stva_media_error (error, self->path, "channel layout", ret);

  /* mono stays mono through swr (whose upmix lowers it by 3 dB) and is copied to both sides */
  self->swr_mono = in_layout.nb_channels == 1;
  ret = swr_alloc_set_opts2 (&self->swr, self->swr_mono ? &mono : &self->layout,
                             AV_SAMPLE_FMT_FLT, self->rate_hz, &in_layout, frame->format,
                             frame->sample_rate, 0, NULL);
  if (ret >= 0)
    ret = swr_init (self->swr);
  if (ret < 0)
    status = _stva_media_error (error, self->path, "setting up the resampler", ret);
  av_channel_layout_uninit (&in_layout);
  if (status == STVA_OK)
    {
      av_channel_layout_uninit (&self->last->ch_layout);
      self->last->format = frame->format;
      self->last->sample_rate = frame->sample_rate;
      ret = av_channel_layout_copy (&self->last->ch_layout, &frame->ch_layout);
      if (ret < 0)
        status = _stva_media_error (error, self->path, "channel layout", ret);
    }
  return status;
}

/* Places, converts and pushes one decoded frame. */
static StvaStatus
take_frame (StvaMediaAudioReader *self,
            AVFrame              *frame,
            StvaError            *error)
{
  AVStream *st = self->fmt->streams[self->aindex];
  int64_t pts = frame->best_effort_timestamp;

  if (self->swr == NULL || frame->format != self->last->format
      || frame->sample_rate != self->last->sample_rate
      || av_channel_layout_compare (&frame->ch_layout, &self->last->ch_layout) != 0)
    {
      StvaStatus status = setup_resampler (self, frame, error);

      if (status != STVA_OK)
        return status;
    }
  if (pts != AV_NOPTS_VALUE)
    {
      double t = (double) pts * av_q2d (st->time_base) - self->origin_s;

      if (isnan (self->in_s))
        self->in_s = t;
      else
        {
          /* where this frame's first frame would come out now */
          double now = self->in_s + (double) swr_get_delay (self->swr, self->rate_hz)
                                    / self->rate_hz;

          if (t - now > SLACK_S && t - now < MAX_GAP_S)
            {
              StvaStatus status = push_silence (self, (size_t) llround ((t - now) * self->rate_hz),
                                                error);

              if (status != STVA_OK)
                return status;
            }
        }
    }
  else if (isnan (self->in_s))
    self->in_s = self->trim_s;  /* no timestamp to go by: take it as the target's */
  return resample (self, frame, error);
}

/* At the end: what swr and atempo still hold. */
static StvaStatus
flush (StvaMediaAudioReader *self,
       StvaError            *error)
{
  StvaStatus status;
  int ret;

  self->flushed = true;
  if (self->swr != NULL)
    {
      status = resample (self, NULL, error);
      if (status != STVA_OK)
        return status;
    }
  if (self->graph == NULL)
    return STVA_OK;
  ret = av_buffersrc_add_frame (self->src, NULL);
  if (ret < 0)
    return _stva_media_error (error, self->path, "atempo", ret);
  return pull (self, error);
}

/* Decodes until buf has frames to read or everything was read. */
static StvaStatus
refill (StvaMediaAudioReader *self,
        StvaError            *error)
{
  while (self->pos == self->len && !self->flushed)
    {
      int ret = avcodec_receive_frame (self->dec, self->frame);

      if (ret == 0)
        {
          StvaStatus status;

          self->n_bad = 0;
          status = take_frame (self, self->frame, error);
          av_frame_unref (self->frame);
          if (status != STVA_OK)
            return status;
          continue;
        }
      if (ret == AVERROR_EOF || (ret == AVERROR (EAGAIN) && self->draining))
        return flush (self, error);
      if (ret != AVERROR (EAGAIN))
        {
          if (_stva_media_skip_bad_packet (ret, &self->n_bad))
            continue;
          return _stva_media_error (error, self->path, "decoding audio", ret);
        }

      /* the decoder wants input */
      ret = av_read_frame (self->fmt, self->pkt);
      if (ret == AVERROR_EOF)
        {
          self->draining = true;
          ret = avcodec_send_packet (self->dec, NULL);
        }
      else if (ret >= 0)
        {
          if (self->pkt->stream_index == self->aindex)
            ret = avcodec_send_packet (self->dec, self->pkt);
          av_packet_unref (self->pkt);
        }
      else
        return _stva_media_error (error, self->path, "reading", ret);
      if (ret < 0 && ret != AVERROR_EOF && !_stva_media_skip_bad_packet (ret, &self->n_bad))
        return _stva_media_error (error, self->path, "decoding audio", ret);
    }
  return STVA_OK;
}

/* atempo between an abuffer and an abuffersink, or nothing at tempo 1. */
static StvaStatus
build_graph (StvaMediaAudioReader *self,
             StvaError            *error)
{
  AVFilterInOut *outputs = NULL;
  AVFilterInOut *inputs = NULL;
  char layout[64] = "";
  char args[256];
  char spec[256];
  int ret;

  avfilter_graph_free (&self->graph);
  self->src = self->sink = NULL;
  self->n_pushed = 0;
  if (self->tempo == 1.0)
    return STVA_OK;

  av_channel_layout_describe (&self->layout, layout, sizeof layout);
  self->graph = avfilter_graph_alloc ();
  outputs = avfilter_inout_alloc ();
  inputs = avfilter_inout_alloc ();
  if (self->graph == NULL || outputs == NULL || inputs == NULL)
    {
      ret = AVERROR (ENOMEM);
      goto out;
    }
  self->graph->nb_threads = 1;
  snprintf (args, sizeof args, "time_base=1/%d:sample_rate=%d:sample_fmt=flt:channel_layout=%s",
            self->rate_hz, self->rate_hz, layout);
  ret = avfilter_graph_create_filter (&self->src, avfilter_get_by_name ("abuffer"), "in", args,
                                      NULL, self->graph);
  if (ret < 0)
    goto out;
  ret = avfilter_graph_create_filter (&self->sink, avfilter_get_by_name ("abuffersink"), "out",
                                      NULL, NULL, self->graph);
  if (ret < 0)
    goto out;
  outputs->name = av_strdup ("in");
  outputs->filter_ctx = self->src;
  inputs->name = av_strdup ("out");
  inputs->filter_ctx = self->sink;
  snprintf (spec, sizeof spec, "atempo=%.6f,aformat=sample_fmts=flt:sample_rates=%d:"
            "channel_layouts=%s", self->tempo, self->rate_hz, layout);
  ret = avfilter_graph_parse_ptr (self->graph, spec, &inputs, &outputs, NULL);
  if (ret >= 0)
    ret = avfilter_graph_config (self->graph, NULL);

out:
  avfilter_inout_free (&inputs);
  avfilter_inout_free (&outputs);
  if (ret < 0)
    {
      avfilter_graph_free (&self->graph);
      self->src = self->sink = NULL;
      return _stva_media_error (error, self->path, "setting up atempo", ret);
    }
  return STVA_OK;
}

/* Forgets everything decoded: the next frame read is the one at t_s. */
static void
reset (StvaMediaAudioReader *self,
       double                t_s)
{
  avcodec_flush_buffers (self->dec);
  swr_free (&self->swr);
  self->len = self->pos = 0;
  self->trim_s = t_s;
  self->in_s = NAN;
  self->out_s = t_s;
  self->out_placed = false;
  self->draining = false;
  self->flushed = false;
  self->n_bad = 0;
}

/* ---- public API ------------------------------------------------------------------------- */

StvaStatus
stva_media_audio_reader_open (StvaMediaAudioReader **out,
                              const char            *path,
                              int                    rate_hz,
                              int                    n_channels,
                              StvaError             *error)
{
  StvaMediaAudioReader *self = NULL;
  StvaStatus status = STVA_OK;
  AVStream *st;

  assert (out != NULL);
  assert (path != NULL);
  *out = NULL;
  if (rate_hz < 8000 || rate_hz > 192000 || n_channels < 1 || n_channels > 2)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: audio out at %d Hz, %d channels", path,
                           rate_hz, n_channels);

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
  self->path = strdup (path);
  self->pkt = av_packet_alloc ();
  self->frame = av_frame_alloc ();
  self->last = av_frame_alloc ();
  self->filt = av_frame_alloc ();
  self->rate_hz = rate_hz;
  self->n_channels = n_channels;
  self->tempo = 1.0;
  av_channel_layout_default (&self->layout, n_channels);
  if (self->path == NULL || self->pkt == NULL || self->frame == NULL || self->last == NULL
      || self->filt == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      goto out;
    }

  status = _stva_media_open_input (path, &self->fmt, error);
  if (status != STVA_OK)
    goto out;
  self->aindex = _stva_media_find_stream (self->fmt, AVMEDIA_TYPE_AUDIO);
  if (self->aindex < 0)
    {
      status = stva_error_set (error, STVA_ERR_MEDIA, "%s: no audio stream", path);
      goto out;
    }
  st = self->fmt->streams[self->aindex];
  status = _stva_media_check_audio (st, path, error);
  if (status != STVA_OK)
    goto out;
  for (unsigned i = 0; i < self->fmt->nb_streams; i++)
    if ((int) i != self->aindex)
      self->fmt->streams[i]->discard = AVDISCARD_ALL;
  status = _stva_media_open_decoder (path, st, 1, &self->dec, error);
  if (status != STVA_OK)
    goto out;
  if (self->fmt->start_time != AV_NOPTS_VALUE)
    self->origin_s = (double) self->fmt->start_time / AV_TIME_BASE;
  reset (self, 0.0);

  *out = self;
  self = NULL;

out:
  stva_media_audio_reader_free (self);
  return status;
}

void
stva_media_audio_reader_free (StvaMediaAudioReader *reader)
{
  if (reader == NULL)
    return;
  avfilter_graph_free (&reader->graph);
  swr_free (&reader->swr);
  av_channel_layout_uninit (&reader->layout);
  av_frame_free (&reader->filt);
  av_frame_free (&reader->last);
  av_frame_free (&reader->frame);
  av_packet_free (&reader->pkt);
  avcodec_free_context (&reader->dec);
  avformat_close_input (&reader->fmt);
  free (reader->chunk);
  free (reader->buf);
  free (reader->path);
  free (reader);
}

StvaStatus
stva_media_audio_reader_seek (StvaMediaAudioReader *reader,
                              double                t_s,
                              double                tempo,
                              StvaError            *error)
{
  AVStream *st;
  StvaStatus status;
  double from_s;
  int64_t ts;
  int ret;

  assert (reader != NULL);
  if (!isfinite (t_s))
    return stva_error_set (error, STVA_ERR_INVALID, "%s: seek to %g s", reader->path, t_s);
  if (!(tempo >= STVA_MEDIA_TEMPO_MIN && tempo <= STVA_MEDIA_TEMPO_MAX))
    return stva_error_set (error, STVA_ERR_INVALID, "%s: tempo %g is outside %g..%g",
                           reader->path, tempo, STVA_MEDIA_TEMPO_MIN, STVA_MEDIA_TEMPO_MAX);
  if (t_s < 0.0)
    t_s = 0.0;

  st = reader->fmt->streams[reader->aindex];
  from_s = t_s > PREROLL_S ? t_s - PREROLL_S : 0.0;
  ts = llround ((from_s + reader->origin_s) / av_q2d (st->time_base));
  if (from_s == 0.0 && st->start_time != AV_NOPTS_VALUE && st->start_time < ts)
    ts = st->start_time;
  ret = av_seek_frame (reader->fmt, reader->aindex, ts, AVSEEK_FLAG_BACKWARD);
  if (ret < 0)  /* before the first packet, or no index: from the start */
    ret = av_seek_frame (reader->fmt, reader->aindex,
                         st->start_time != AV_NOPTS_VALUE ? st->start_time : 0,
                         AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY);
  if (ret < 0)
    return _stva_media_error (error, reader->path, "seeking", ret);
  reader->tempo = tempo;
  reset (reader, t_s);
  status = build_graph (reader, error);
  return status;
}

StvaStatus
stva_media_audio_reader_read (StvaMediaAudioReader *reader,
                              float                *out,
                              size_t                n_frames,
                              size_t               *n_read,
                              double               *pts_s,
                              bool                 *eof,
                              StvaError            *error)
{
  size_t ch;
  size_t done = 0;

  assert (reader != NULL);
  assert (out != NULL || n_frames == 0);
  assert (n_read != NULL);
  assert (eof != NULL);
  ch = (size_t) reader->n_channels;
  *n_read = 0;
  *eof = false;

  while (done < n_frames)
    {
      size_t k;

      if (reader->pos == reader->len)
        {
          StvaStatus status = refill (reader, error);

          if (status != STVA_OK)
            return status;
          if (reader->pos == reader->len)
            {
              *eof = true;
              break;
            }
        }
      if (done == 0 && pts_s != NULL)
        *pts_s = reader->out_s;
      k = reader->len - reader->pos;
      if (k > n_frames - done)
        k = n_frames - done;
      memcpy (out + done * ch, reader->buf + reader->pos * ch, k * ch * sizeof (float));
      reader->pos += k;
      done += k;
      reader->out_s += (double) k * reader->tempo / reader->rate_hz;
    }
  if (done == 0 && pts_s != NULL)
    *pts_s = reader->out_s;
  *n_read = done;
  return STVA_OK;
}

double
stva_media_audio_reader_position (const StvaMediaAudioReader *reader)
{
  assert (reader != NULL);
  return reader->out_s;
}
