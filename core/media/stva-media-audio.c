/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stva_media_read_audio (stva-media-reader.h): the audio of a file or of a time range of it,
 * decoded, downmixed and resampled to 16 kHz mono float by libswresample, placed by the
 * packets' timestamps (gaps filled with silence), opened and checked as the video reader opens.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "stva-media-reader.h"
#include "stva-media-private.h"

#define AUDIO_PREROLL_S 0.25  /* decode this much before a range so AAC's overlap has settled */
#define AUDIO_SLACK 320    /* 20 ms at 16 kHz: timestamps further off than this mean a gap */
#define AUDIO_MAX_GAP (60 * STVA_AUDIO_RATE_HZ)  /* larger jumps are broken timestamps */

/* Decoding state for stva_media_read_audio: the output lands at buf[k] for the time
 * start_s + k / 16000; samples before start_s are dropped, after limit not kept, and gaps
 * in the stream (missing packets) are filled with silence. */
typedef struct
{
  float   *buf;     /* owned (handed to the caller at the end) */
  size_t   len;
  size_t   cap;
  size_t   limit;   /* SIZE_MAX: to the end */
  int64_t  pos;     /* where the resampler's next output sample goes; may be negative */
  bool     placed;  /* pos is set (from the first decoded frame's pts) */
  float   *chunk;   /* owned: resampler output */
  int      chunk_cap;
} AudioSink;

static StvaStatus
sink_reserve (AudioSink  *sink,
              size_t      n,
              const char *path,
              StvaError  *error)
{
  size_t cap = sink->cap > 0 ? sink->cap : 16384;
  float *buf;

  if (n <= sink->cap)
    return STVA_OK;
  while (cap < n)
    {
      if (cap > SIZE_MAX / 2 / sizeof (float))
        return stva_error_set (error, STVA_ERR_NOMEM, "%s: audio too long", path);
      cap *= 2;
    }
  buf = realloc (sink->buf, cap * sizeof (float));
  if (buf == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory for %zu samples", path, n);
  sink->buf = buf;
  sink->cap = cap;
  return STVA_OK;
}

/* Appends m resampled samples from sink->chunk at sink->pos, inside [0, limit). */
static StvaStatus
sink_put (AudioSink  *sink,
          int         m,
          const char *path,
          StvaError  *error)
{
  int64_t from = sink->pos;
  int64_t to = sink->pos + m;
  int64_t lo = from > 0 ? from : 0;
  int64_t hi = to;
  StvaStatus status;

  if (sink->limit != SIZE_MAX && hi > (int64_t) sink->limit)
    hi = (int64_t) sink->limit;

  sink->pos = to;
  if (hi <= lo)
    return STVA_OK;
  status = sink_reserve (sink, (size_t) hi, path, error);
  if (status != STVA_OK)
    return status;
  if ((size_t) lo > sink->len)  /* the stream starts after start_s: silence before it */
    memset (sink->buf + sink->len, 0, ((size_t) lo - sink->len) * sizeof (float));
  memcpy (sink->buf + lo, sink->chunk + (lo - from), (size_t) (hi - lo) * sizeof (float));
  if ((size_t) hi > sink->len)  /* after an overlap, hi may fall short of what we have */
    sink->len = (size_t) hi;
  return STVA_OK;
}

static StvaStatus
resample (SwrContext  *swr,
          AudioSink   *sink,
          AVFrame     *frame,
          const char  *path,
          StvaError   *error)
{
  int in = frame != NULL ? frame->nb_samples : 0;
  int need = swr_get_out_samples (swr, in);
  uint8_t *out[1];
  int m;

  if (need < 0)
    return _stva_media_error (error, path, "resampling", need);
  if (need > sink->chunk_cap)
    {
      float *chunk = realloc (sink->chunk, (size_t) need * sizeof (float));

      if (chunk == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      sink->chunk = chunk;
      sink->chunk_cap = need;
    }
  out[0] = (uint8_t *) sink->chunk;
  m = swr_convert (swr, out, sink->chunk_cap,
                   frame != NULL ? (const uint8_t **) frame->extended_data : NULL, in);
  if (m < 0)
    return _stva_media_error (error, path, "resampling", m);
  return sink_put (sink, m, path, error);
}

/* Sets up swr for frame's format; the previous context, if any, is flushed first. */
static StvaStatus
setup_resampler (SwrContext **swr,
                 AudioSink   *sink,
                 AVFrame     *frame,
                 const char  *path,
                 StvaError   *error)
{
  AVChannelLayout in_layout = { 0 };
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  StvaStatus status = STVA_OK;
  int ret;

  if (*swr != NULL)
    {
      status = resample (*swr, sink, NULL, path, error);
      swr_free (swr);
      if (status != STVA_OK)
        return status;
    }
  if (frame->ch_layout.nb_channels <= 0 || frame->sample_rate <= 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: audio with %d channels at %d Hz", path,
                           frame->ch_layout.nb_channels, frame->sample_rate);
  if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default (&in_layout, frame->ch_layout.nb_channels);
  else
    {
      ret = av_channel_layout_copy (&in_layout, &frame->ch_layout);
      if (ret < 0)
        return _stva_media_error (error, path, "channel layout", ret);
    }

  ret = swr_alloc_set_opts2 (swr, &mono, AV_SAMPLE_FMT_FLT, STVA_AUDIO_RATE_HZ,
                             &in_layout, frame->format, frame->sample_rate, 0, NULL);
  if (ret >= 0)
    ret = swr_init (*swr);
  if (ret < 0)
    status = _stva_media_error (error, path, "setting up the resampler", ret);
  av_channel_layout_uninit (&in_layout);
  return status;
}

static bool
same_audio_format (const SwrContext *swr,
                   const AVFrame    *a,
                   const AVFrame    *b)
{
  return swr != NULL && a->format == b->format && a->sample_rate == b->sample_rate
         && av_channel_layout_compare (&a->ch_layout, &b->ch_layout) == 0;
}

StvaStatus
stva_media_read_audio (const char  *path,
                       double       start_s,
                       double       end_s,
                       float      **samples,
                       size_t      *n_samples,
                       StvaError   *error)
{
  AVFormatContext *fmt = NULL;
  AVCodecContext *dec = NULL;
  SwrContext *swr = NULL;
  AVPacket *pkt = NULL;
  AVFrame *frame = NULL;
  AVFrame *last = NULL;  /* the format swr is set up for */
  AudioSink sink = { .limit = SIZE_MAX };
  StvaStatus status = STVA_OK;
  AVStream *st;
  double origin_s = 0.0;
  double stream_end_s = -1.0;
  bool draining = false;
  int n_bad = 0;
  int aindex;
  int ret;

  assert (path != NULL);
  assert (samples != NULL);
  assert (n_samples != NULL);
  *samples = NULL;
  *n_samples = 0;
  if (!(start_s >= 0.0) || !isfinite (start_s) || isnan (end_s) || (end_s >= 0.0 && end_s < start_s))
    return stva_error_set (error, STVA_ERR_INVALID, "%s: audio range %g..%g s", path, start_s,
                           end_s);

  status = _stva_media_open_input (path, &fmt, error);
  if (status != STVA_OK)
    goto out;
  aindex = _stva_media_find_stream (fmt, AVMEDIA_TYPE_AUDIO);
  if (aindex < 0)
    {
      status = stva_error_set (error, STVA_ERR_MEDIA, "%s: no audio stream", path);
      goto out;
    }
  st = fmt->streams[aindex];
  status = _stva_media_check_audio (st, path, error);
  if (status != STVA_OK)
    goto out;
  for (unsigned i = 0; i < fmt->nb_streams; i++)
    if ((int) i != aindex)
      fmt->streams[i]->discard = AVDISCARD_ALL;
  status = _stva_media_open_decoder (path, st, 1, &dec, error);
  if (status != STVA_OK)
    goto out;

  pkt = av_packet_alloc ();
  frame = av_frame_alloc ();
  last = av_frame_alloc ();
  if (pkt == NULL || frame == NULL || last == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      goto out;
    }

  if (fmt->start_time != AV_NOPTS_VALUE)
    origin_s = (double) fmt->start_time / AV_TIME_BASE;
  /* decoders emit whole frames; the stream's stated length trims the encoder's padding */
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    stream_end_s = (double) ((st->start_time != AV_NOPTS_VALUE ? st->start_time : 0)
                             + st->duration) * av_q2d (st->time_base) - origin_s;
  if (end_s >= 0.0 || stream_end_s >= 0.0)
    {
      double stop_s = end_s >= 0.0 ? end_s : stream_end_s;

      if (stream_end_s >= 0.0 && stream_end_s < stop_s)
        stop_s = stream_end_s;
      sink.limit = stop_s > start_s ? (size_t) llround ((stop_s - start_s) * STVA_AUDIO_RATE_HZ) : 0;
    }
  if (sink.limit == 0)
    goto out;

  if (start_s > AUDIO_PREROLL_S)
    {
      int64_t ts = llround ((start_s - AUDIO_PREROLL_S + origin_s) / av_q2d (st->time_base));

      /* on failure we simply decode from the start, where the file is open now */
      if (av_seek_frame (fmt, aindex, ts, AVSEEK_FLAG_BACKWARD) >= 0)
        avcodec_flush_buffers (dec);
    }

  while (sink.len < sink.limit)
    {
      ret = avcodec_receive_frame (dec, frame);
      if (ret == AVERROR_EOF)
        break;
      if (ret == AVERROR (EAGAIN))
        {
          if (draining)
            break;
          ret = av_read_frame (fmt, pkt);
          if (ret == AVERROR_EOF)
            {
              draining = true;
              ret = avcodec_send_packet (dec, NULL);
            }
          else if (ret >= 0)
            {
              if (pkt->stream_index == aindex)
                ret = avcodec_send_packet (dec, pkt);
              av_packet_unref (pkt);
            }
          else
            {
              status = _stva_media_error (error, path, "reading", ret);
              goto out;
            }
          if (ret < 0 && ret != AVERROR_EOF && !_stva_media_skip_bad_packet (ret, &n_bad))
            {
              status = _stva_media_error (error, path, "decoding audio", ret);
              goto out;
            }
          continue;
        }
      if (ret < 0)
        {
          if (_stva_media_skip_bad_packet (ret, &n_bad))
            continue;
          status = _stva_media_error (error, path, "decoding audio", ret);
          goto out;
        }
      n_bad = 0;

      /* place the first frame by its timestamp; later ones follow on, unless theirs say
       * that packets went missing (or overlap) by more than the slack */
      if (frame->best_effort_timestamp != AV_NOPTS_VALUE || !sink.placed)
        {
          int64_t pts = frame->best_effort_timestamp;
          double t = pts != AV_NOPTS_VALUE ? pts * av_q2d (st->time_base) - origin_s : 0.0;
          int64_t want = llround ((t - start_s) * STVA_AUDIO_RATE_HZ);
          /* where this frame's first sample would come out now */
          int64_t now = sink.pos + (swr != NULL ? swr_get_delay (swr, STVA_AUDIO_RATE_HZ) : 0);

          if (!sink.placed)
            sink.pos = want;
          else if (llabs (want - now) > AUDIO_SLACK && llabs (want - now) < AUDIO_MAX_GAP)
            sink.pos += want - now;
          sink.placed = true;
        }
      if (!same_audio_format (swr, frame, last))
        {
          status = setup_resampler (&swr, &sink, frame, path, error);
          if (status != STVA_OK)
            goto out;
          av_frame_unref (last);
          last->format = frame->format;
          last->sample_rate = frame->sample_rate;
          ret = av_channel_layout_copy (&last->ch_layout, &frame->ch_layout);
          if (ret < 0)
            {
              status = _stva_media_error (error, path, "channel layout", ret);
              goto out;
            }
        }
      status = resample (swr, &sink, frame, path, error);
      av_frame_unref (frame);
      if (status != STVA_OK)
        goto out;
    }
  if (swr != NULL && sink.len < sink.limit)
    {
      status = resample (swr, &sink, NULL, path, error);  /* what the filter still holds */
      if (status != STVA_OK)
        goto out;
    }

  *samples = sink.buf;
  *n_samples = sink.len;
  sink.buf = NULL;

out:
  free (sink.buf);
  free (sink.chunk);
  swr_free (&swr);
  av_frame_free (&frame);
  av_frame_free (&last);
  av_packet_free (&pkt);
  avcodec_free_context (&dec);
  avformat_close_input (&fmt);
  return status;
}
