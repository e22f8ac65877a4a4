/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaMediaReader: FFmpeg demuxing and decoding for the rest of core.  Opening probes the file
 * and refuses what cannot be read whole (empty, not media, a still image, an index that
 * points past the end of a truncated file, absurd frame sizes, audio headers claiming no
 * channels or no rate; tests/core/test-bad-media.c has one of each).  Video frames are decoded with the send/receive
 * API and converted to packed RGB24 at the size the stream states, whatever size a frame
 * has; seeking goes to the key frame before the target and decodes forward, backing off
 * further when a demuxer lands after it.  Audio is read in one call (stva-media-audio.c), downmixed
 * and resampled to 16 kHz mono float by libswresample.  All times are seconds from the
 * container's start.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "stva-media-reader.h"
#include "stva-media-private.h"

/* ---- types ------------------------------------------------------------------------------ */

#define MAX_SIDE 16384     /* the largest frame width or height we decode */
#define MAX_ALLOC_BYTES ((size_t) 768 << 20)  /* FFmpeg's largest single allocation, see
                                                * limit_allocations () */
#define SCRATCH_PAD 256    /* bytes past each converted row that swscale may write */
#define MAX_PIXELS (1 << 26)  /* and the largest area: 8K UHD fits; RGB24 at most 192 MiB */
#define MAX_SEEK_TRIES 24  /* back-offs when a demuxer seeks past the target */
#define MAX_CHANNELS 64     /* more audio channels than this is a broken header */
#define MAX_RATE_HZ 768000  /* and so is a higher sample rate */
#define MAX_BAD_PACKETS 16 /* corrupt packets in a row we skip before calling the stream bad */

struct StvaMediaReader
{
  char              *path;         /* owned */
  AVFormatContext   *fmt;          /* owned */
  AVCodecContext    *vdec;         /* owned; NULL without video */
  int                vindex;       /* video stream index, -1 without video */
  AVPacket          *pkt;          /* owned */
  AVFrame           *frame;        /* owned: the last decoded frame */
  AVFrame           *prev;         /* owned: seek_at's latest frame before its target */
  int64_t            prev_pts;     /* its pts */
  bool               at_mode;      /* seek_at: frames before skip_before are kept in prev */
  bool               held;         /* prev holds a frame to return after the current one */
  struct SwsContext *sws;          /* owned: frame -> RGB24 at info.width x info.height */
  uint8_t           *scratch;      /* owned (av_malloc): sws output rows, padded */
  size_t             scratch_size;
  int                sws_colorspace;  /* what sws was last set up for */
  int                sws_range;
  double             origin_s;     /* the container's start time, subtracted from all pts */
  int64_t            start_pts;    /* the video stream's first pts (0 when unknown) */
  int64_t            skip_before;  /* drop frames with pts below this (AV_NOPTS_VALUE: none) */
  int64_t            last_pts;     /* of the last frame returned (AV_NOPTS_VALUE: none yet) */
  int64_t            frame_ticks;  /* one frame in the stream's time base, 0 when unknown */
  double             next_pts_s;   /* a guess for frames without a timestamp */
  bool               pending;      /* frame holds a decoded frame next_frame has not returned */
  bool               have_frame;   /* frame holds the one next_frame returned last */
  bool               draining;     /* the demuxer hit the end; the decoder was sent NULL */
  bool               eof;          /* the decoder has nothing more */
  int                n_bad;        /* packets in a row the decoder refused */
  StvaMediaInfo      info;
};

/* ---- helpers ---------------------------------------------------------------------------- */

StvaStatus
_stva_media_error (StvaError  *error,
                   const char *path,
                   const char *what,
                   int         averr)
{
  char text[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (averr, text, sizeof text);
  return stva_error_set (error, STVA_ERR_MEDIA, "%s: %s: %s", path, what, text);
}

/* Errors FFmpeg's file protocol passes up from the operating system, as opposed to content. */
static bool
is_io_error (int averr)
{
  return averr == AVERROR (ENOENT) || averr == AVERROR (EACCES) || averr == AVERROR (EISDIR)
         || averr == AVERROR (EPERM) || averr == AVERROR (EIO) || averr == AVERROR (ENOTDIR);
}

static StvaStatus
check_file (const char *path,
            StvaError  *error)
{
  struct stat sb;

  if (stat (path, &sb) != 0)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
  if (S_ISDIR (sb.st_mode))
    return stva_error_set (error, STVA_ERR_IO, "%s: is a directory", path);
  if (S_ISREG (sb.st_mode) && sb.st_size == 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: empty file", path);
  return STVA_OK;
}

/* A truncated file whose index survived (an MP4 with its moov first) opens fine and then
 * runs dry; its index entries point past the end, so refuse it here, whole. */
static StvaStatus
check_index (AVFormatContext *fmt,
             const char      *path,
             StvaError       *error)
{
  int64_t size;

  if (fmt->pb == NULL || (fmt->iformat->flags & AVFMT_NOFILE))
    return STVA_OK;
  size = avio_size (fmt->pb);
  if (size <= 0)
    return STVA_OK;  /* a pipe or unknown size: nothing to compare with */

  for (unsigned i = 0; i < fmt->nb_streams; i++)
    {
      AVStream *st = fmt->streams[i];
      int n = avformat_index_get_entries_count (st);

      for (int j = n - 1; j >= 0 && j >= n - 64; j--)  /* the last entries end last */
        {
          const AVIndexEntry *e = avformat_index_get_entry (st, j);

          if (e != NULL && e->pos >= 0 && e->size > 0 && e->pos + e->size > size)
            return stva_error_set (error, STVA_ERR_MEDIA,
                                   "%s: truncated: stream %u needs %" PRId64 " bytes, the file "
                                   "has %" PRId64, path, i, e->pos + e->size, size);
        }
    }
  return STVA_OK;
}

/* ISO BMFF (MP4, MOV): each top-level box must end inside the file.  A cut inside the index
 * (moov) leaves a header FFmpeg half-reads without complaint, so walk the boxes ourselves;
 * junk after the last box is ignored, as players do. */
static StvaStatus
check_boxes (const char *path,
             StvaError  *error)
{
  FILE *f = fopen (path, "rb");
  StvaStatus status = STVA_OK;
  int64_t size;
  int64_t at = 0;

  if (f == NULL)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
  if (fseeko (f, 0, SEEK_END) != 0 || (size = ftello (f)) < 0)
    goto out;  /* not seekable: nothing to compare with */

  while (at < size)
    {
      uint8_t head[16];
      size_t n_head;
      uint64_t box_size;
      char type[5];

      if (fseeko (f, at, SEEK_SET) != 0)
        break;
      n_head = fread (head, 1, sizeof head, f);
      if (n_head < 8)
        break;  /* a few stray bytes at the end: players ignore them, so do we */
      box_size = (uint64_t) head[0] << 24 | (uint64_t) head[1] << 16 | (uint64_t) head[2] << 8
                 | head[3];
      memcpy (type, head + 4, 4);
      type[4] = '\0';
      if (box_size == 0)  /* extends to the end of the file */
        break;
      if (box_size == 1)  /* a 64-bit size follows the type */
        {
          if (n_head < 16)
            break;
          box_size = 0;
          for (int i = 8; i < 16; i++)
            box_size = box_size << 8 | head[i];
        }
      /* not a box header (junk appended after the last box): stop looking */
      if (box_size < 8 || box_size > (uint64_t) (INT64_MAX - at)
          || !(isalnum ((unsigned char) type[0]) && isprint ((unsigned char) type[1])
               && isprint ((unsigned char) type[2]) && isprint ((unsigned char) type[3])))
        break;
      if (at + (int64_t) box_size > size)
        {
          status = stva_error_set (error, STVA_ERR_MEDIA, "%s: truncated: box '%s' at byte %"
                                   PRId64 " ends at byte %" PRId64 ", the file has %" PRId64,
                                   path, type, at, at + (int64_t) box_size, size);
          break;
        }
      at += (int64_t) box_size;
    }

out:
  fclose (f);
  return status;
}

/* FFmpeg reads single images (PNG, JPEG, ...) as one-frame videos through its image demuxers
 * ("image2", "png_pipe", "jpeg_pipe", ...); a corpus file that is one is a mistake. */
static bool
is_still_image (const AVFormatContext *fmt)
{
  const char *name = fmt->iformat->name;
  size_t n = strlen (name);

  return strcmp (name, "image2") == 0 || (n > 5 && strcmp (name + n - 5, "_pipe") == 0);
}

static void
set_max_alloc (void)
{
  av_max_alloc (MAX_ALLOC_BYTES);
}

/* A few damaged bytes in an MP4 index make FFmpeg's demuxer allocate what a count field says
 * (the fuzzer found 1.7 GB for a 2 KB file) before it finds out the data is not there.  No
 * media we accept needs one allocation near 768 MiB (the largest RGB frame is 192 MiB), so cap
 * av_malloc there, for the whole process, once. */
static void
limit_allocations (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, set_max_alloc);
}

/* True when path starts with an ISO BMFF 'ftyp' box: an MP4 or MOV, whatever its name. */
static bool
starts_like_mp4 (const char *path)
{
  uint8_t head[8];
  FILE *f = fopen (path, "rb");
  bool yes;

  if (f == NULL)
    return false;
  yes = fread (head, 1, sizeof head, f) == sizeof head && memcmp (head + 4, "ftyp", 4) == 0;
  fclose (f);
  return yes;
}

/* Opens and probes path into *out (owned by the caller, avformat_close_input). */
StvaStatus
_stva_media_open_input (const char       *path,
                        AVFormatContext **out,
                        StvaError        *error)
{
  AVFormatContext *fmt = NULL;
  StvaStatus status;
  int ret;

  *out = NULL;
  status = check_file (path, error);
  if (status != STVA_OK)
    return status;

  limit_allocations ();
  ret = avformat_open_input (&fmt, path, NULL, NULL);
  if (ret < 0)
    {
      char text[AV_ERROR_MAX_STRING_SIZE] = "";

      av_strerror (ret, text, sizeof text);
      if (is_io_error (ret))
        return stva_error_set (error, STVA_ERR_IO, "%s: cannot open: %s", path, text);
      if (starts_like_mp4 (path))
        return stva_error_set (error, STVA_ERR_MEDIA, "%s: cannot open: an MP4/MOV without a "
                               "readable index (moov): truncated, damaged or still being "
                               "written (%s)", path, text);
      /* demuxers refuse bad headers with whatever code is at hand (EBUSY, EINVAL, ...) */
      return stva_error_set (error, STVA_ERR_MEDIA, "%s: cannot open: not media FFmpeg can "
                             "read, or a broken header (%s)", path, text);
    }
  ret = avformat_find_stream_info (fmt, NULL);
  if (ret < 0)
    {
      status = _stva_media_error (error, path, "cannot find the streams", ret);
      goto out;
    }
  if (is_still_image (fmt))
    {
      status = stva_error_set (error, STVA_ERR_MEDIA, "%s: a still image (%s), not a video",
                               path, fmt->iformat->name);
      goto out;
    }
  if (strstr (fmt->iformat->name, "mp4") != NULL)  /* "mov,mp4,m4a,3gp,3g2,mj2" */
    {
      status = check_boxes (path, error);
      if (status != STVA_OK)
        goto out;
    }
  status = check_index (fmt, path, error);
  if (status != STVA_OK)
    goto out;

  *out = fmt;
  fmt = NULL;

out:
  avformat_close_input (&fmt);
  return status;
}

/* The best stream of a type, not counting cover art; -1 when there is none. */
int
_stva_media_find_stream (AVFormatContext *fmt,
                         enum AVMediaType type)
{
  int best = av_find_best_stream (fmt, type, -1, -1, NULL, 0);

  if (best >= 0 && !(fmt->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    return best;
  for (unsigned i = 0; i < fmt->nb_streams; i++)
    {
      const AVStream *st = fmt->streams[i];

      if (st->codecpar->codec_type == type && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
        return (int) i;
    }
  return -1;
}

StvaStatus
_stva_media_open_decoder (const char      *path,
                          AVStream        *st,
                          int              threads,
                          AVCodecContext **out,
                          StvaError       *error)
{
  const AVCodec *codec = avcodec_find_decoder (st->codecpar->codec_id);
  AVCodecContext *ctx = NULL;
  StvaStatus status = STVA_OK;
  int ret;

  *out = NULL;
  if (codec == NULL)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: no decoder for %s in this FFmpeg",
                           path, avcodec_get_name (st->codecpar->codec_id));
  ctx = avcodec_alloc_context3 (codec);
  if (ctx == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
  ret = avcodec_parameters_to_context (ctx, st->codecpar);
  if (ret < 0)
    {
      status = _stva_media_error (error, path, codec->name, ret);
      goto out;
    }
  ctx->pkt_timebase = st->time_base;
  ctx->thread_count = threads;
  ret = avcodec_open2 (ctx, codec, NULL);
  if (ret < 0)
    {
      status = _stva_media_error (error, path, codec->name, ret);
      goto out;
    }
  *out = ctx;
  ctx = NULL;

out:
  avcodec_free_context (&ctx);
  return status;
}

static double
stream_duration_s (const AVStream *st)
{
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    return (double) st->duration * av_q2d (st->time_base);
  return 0.0;
}

/* An audio stream we can resample: FFmpeg accepts headers claiming 0 channels or 0 Hz. */
StvaStatus
_stva_media_check_audio (const AVStream *st,
                         const char     *path,
                         StvaError      *error)
{
  const AVCodecParameters *par = st->codecpar;

  if (par->ch_layout.nb_channels <= 0 || par->ch_layout.nb_channels > MAX_CHANNELS
      || par->sample_rate <= 0 || par->sample_rate > MAX_RATE_HZ)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: audio stream with %d channels at %d Hz",
                           path, par->ch_layout.nb_channels, par->sample_rate);
  return STVA_OK;
}

static StvaStatus
probe (StvaMediaReader *self,
       int              aindex,
       StvaError       *error)
{
  StvaMediaInfo *info = &self->info;
  AVFormatContext *fmt = self->fmt;

  if (self->vindex < 0 && aindex < 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: no audio or video stream", self->path);
  if (aindex >= 0)
    {
      if (self->vindex < 0)
        {
          StvaStatus status = _stva_media_check_audio (fmt->streams[aindex], self->path, error);

          if (status != STVA_OK)
            return status;
        }
      else if (_stva_media_check_audio (fmt->streams[aindex], self->path, NULL) != STVA_OK)
        aindex = -1;  /* the video is still good; read_audio says what is wrong */
    }

  if (self->vindex >= 0)
    {
      const AVStream *st = fmt->streams[self->vindex];
      const AVCodecParameters *par = st->codecpar;
      AVRational rate = st->avg_frame_rate;

      if (par->width <= 0 || par->height <= 0 || par->width > MAX_SIDE || par->height > MAX_SIDE)
        return stva_error_set (error, STVA_ERR_MEDIA, "%s: video frame size %dx%d is outside "
                               "1..%d", self->path, par->width, par->height, MAX_SIDE);
      if ((int64_t) par->width * par->height > MAX_PIXELS)
        return stva_error_set (error, STVA_ERR_MEDIA, "%s: video frame size %dx%d is more than "
                               "%d pixels", self->path, par->width, par->height, MAX_PIXELS);
      if (rate.num <= 0 || rate.den <= 0)
        rate = st->r_frame_rate;
      info->has_video = true;
      info->width = par->width;
      info->height = par->height;
      info->fps = rate.num > 0 && rate.den > 0 ? av_q2d (rate) : 0.0;
      info->n_video_frames = st->nb_frames > 0 ? st->nb_frames : 0;
      info->video_duration_s = stream_duration_s (st);
      if (info->video_duration_s == 0.0 && info->n_video_frames > 0 && info->fps > 0.0)
        info->video_duration_s = (double) info->n_video_frames / info->fps;
      snprintf (info->video_codec, sizeof info->video_codec, "%s",
                avcodec_get_name (par->codec_id));
      self->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
      if (rate.num > 0 && rate.den > 0)
        self->frame_ticks = av_rescale_q (1, av_inv_q (rate), st->time_base);
    }
  if (aindex >= 0)
    {
      const AVStream *st = fmt->streams[aindex];

      info->has_audio = true;
      info->audio_rate_hz = st->codecpar->sample_rate;
      info->audio_channels = st->codecpar->ch_layout.nb_channels;
      info->audio_duration_s = stream_duration_s (st);
      snprintf (info->audio_codec, sizeof info->audio_codec, "%s",
                avcodec_get_name (st->codecpar->codec_id));
    }

  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    info->duration_s = (double) fmt->duration / AV_TIME_BASE;
  else
    info->duration_s = fmax (info->video_duration_s, info->audio_duration_s);
  return STVA_OK;
}

/* A decoder error on one packet (a few corrupt bytes) is skipped, as players do, and the
 * decoder conceals it; a run of them means the stream is garbage. */
bool
_stva_media_skip_bad_packet (int  averr,
                             int *n_bad)
{
  return averr != AVERROR (ENOMEM) && ++*n_bad <= MAX_BAD_PACKETS;
}

/* Decodes the next video frame into self->frame; *got is false at the end of the stream. */
static StvaStatus
decode_frame (StvaMediaReader *self,
              bool            *got,
              StvaError       *error)
{
  *got = false;
  if (self->eof)
    return STVA_OK;

  for (;;)
    {
      int ret;

      av_frame_unref (self->frame);
      ret = avcodec_receive_frame (self->vdec, self->frame);
      if (ret == 0)
        {
          self->n_bad = 0;
          *got = true;
          return STVA_OK;
        }
      if (ret == AVERROR_EOF)
        {
          self->eof = true;
          return STVA_OK;
        }
      if (ret != AVERROR (EAGAIN))
        {
          if (_stva_media_skip_bad_packet (ret, &self->n_bad))
            continue;
          return _stva_media_error (error, self->path, "decoding video", ret);
        }
      if (self->draining)
        {
          self->eof = true;  /* a decoder that wants input after a flush: treat as done */
          return STVA_OK;
        }

      /* the decoder wants input: feed it the next packet of our stream */
      for (;;)
        {
          ret = av_read_frame (self->fmt, self->pkt);
          if (ret == AVERROR_EOF)
            {
              self->draining = true;
              ret = avcodec_send_packet (self->vdec, NULL);
              break;
            }
          if (ret < 0)
            return _stva_media_error (error, self->path, "reading", ret);
          if (self->pkt->stream_index != self->vindex)
            {
              av_packet_unref (self->pkt);
              continue;
            }
          ret = avcodec_send_packet (self->vdec, self->pkt);
          av_packet_unref (self->pkt);
          break;
        }
      if (ret < 0 && ret != AVERROR_EOF && !_stva_media_skip_bad_packet (ret, &self->n_bad))
        return _stva_media_error (error, self->path, "decoding video", ret);
    }
}

/* Converts self->frame to packed RGB24 at the stated size. */
static StvaStatus
convert_frame (StvaMediaReader *self,
               uint8_t         *rgb,
               StvaError       *error)
{
  AVFrame *f = self->frame;
  size_t row = (size_t) 3 * (size_t) self->info.width;
  /* swscale's SIMD paths write whole blocks of pixels past the end of a row (and of the last
   * row: a 4x2 frame overflowed the caller's 24 bytes), so unless rows are whole blocks (a
   * width of 32 pixels times n, an even height: every common video size) it writes into padded
   * scratch rows that are then copied out packed */
  bool direct = self->info.width % 32 == 0 && self->info.height % 2 == 0;
  size_t stride = (row + SCRATCH_PAD + 63) & ~(size_t) 63;
  size_t need = stride * ((size_t) self->info.height + 2);
  uint8_t *dst[4] = { NULL, NULL, NULL, NULL };
  int dst_stride[4] = { (int) stride, 0, 0, 0 };
  struct SwsContext *sws;

  if (f->width <= 0 || f->height <= 0 || f->width > MAX_SIDE || f->height > MAX_SIDE
      || (int64_t) f->width * f->height > MAX_PIXELS || f->format < 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: decoded a %dx%d frame", self->path,
                           f->width, f->height);

  /* no SWS_ACCURATE_RND: it costs twice the decoding (H.264, 640x360) for ±1 in a channel */
  sws = sws_getCachedContext (self->sws, f->width, f->height, f->format,
                              self->info.width, self->info.height, AV_PIX_FMT_RGB24,
                              SWS_BILINEAR | SWS_FULL_CHR_H_INT,
                              NULL, NULL, NULL);
  if (sws == NULL)
    {
      self->sws = NULL;  /* sws_getCachedContext freed the old one */
      return stva_error_set (error, STVA_ERR_MEDIA, "%s: cannot convert %s frames to RGB",
                             self->path, av_get_pix_fmt_name (f->format));
    }
  if (sws != self->sws || (int) f->colorspace != self->sws_colorspace
      || (int) f->color_range != self->sws_range)
    {
      /* the stream's matrix and range (BT.601 when unstated); RGB out is full range */
      int space = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : (int) f->colorspace;
      int full_in = f->color_range == AVCOL_RANGE_JPEG;
      int *inv_table, *table, src_range, dst_range, brightness, contrast, saturation;

      if (sws_getColorspaceDetails (sws, &inv_table, &src_range, &table, &dst_range,
                                    &brightness, &contrast, &saturation) >= 0)
        sws_setColorspaceDetails (sws, sws_getCoefficients (space), full_in,
                                  table, dst_range, brightness, contrast, saturation);
      self->sws_colorspace = (int) f->colorspace;
      self->sws_range = (int) f->color_range;
    }
  self->sws = sws;
  if (direct)
    {
      dst[0] = rgb;
      dst_stride[0] = (int) row;
      if (sws_scale (sws, (const uint8_t *const *) f->data, f->linesize, 0, f->height, dst,
                     dst_stride) != self->info.height)
        return stva_error_set (error, STVA_ERR_MEDIA, "%s: cannot convert a %dx%d %s frame to "
                               "RGB", self->path, f->width, f->height,
                               av_get_pix_fmt_name (f->format));
      return STVA_OK;
    }
  if (need > self->scratch_size)
    {
      av_freep (&self->scratch);
      self->scratch_size = 0;
      self->scratch = av_malloc (need);
      if (self->scratch == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory for a %dx%d frame",
                               self->path, self->info.width, self->info.height);
      self->scratch_size = need;
    }
  dst[0] = self->scratch;
  if (sws_scale (sws, (const uint8_t *const *) f->data, f->linesize, 0, f->height, dst,
                 dst_stride) != self->info.height)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: cannot convert a %dx%d %s frame to RGB",
                           self->path, f->width, f->height, av_get_pix_fmt_name (f->format));
  for (int y = 0; y < self->info.height; y++)
    memcpy (rgb + (size_t) y * row, self->scratch + (size_t) y * stride, row);
  return STVA_OK;
}

static double
frame_time_s (const StvaMediaReader *self,
              int64_t                pts)
{
  return (double) pts * av_q2d (self->fmt->streams[self->vindex]->time_base) - self->origin_s;
}

static void
swap_frames (StvaMediaReader *self)
{
  AVFrame *f = self->frame;

  self->frame = self->prev;
  self->prev = f;
}

/* ---- public API ------------------------------------------------------------------------- */

StvaStatus
stva_media_reader_open (StvaMediaReader **out,
                        const char       *path,
                        StvaError        *error)
{
  return stva_media_reader_open_threads (out, path, 0, error);
}

StvaStatus
stva_media_reader_open_threads (StvaMediaReader **out,
                                const char       *path,
                                int               n_threads,
                                StvaError        *error)
{
  StvaMediaReader *self = NULL;
  StvaStatus status = STVA_OK;
  int aindex;

  assert (out != NULL);
  assert (path != NULL);
  assert (n_threads >= 0);
  *out = NULL;

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
  self->vindex = -1;
  self->skip_before = AV_NOPTS_VALUE;
  self->last_pts = AV_NOPTS_VALUE;
  self->sws_colorspace = -1;
  self->sws_range = -1;
  self->path = strdup (path);
  self->pkt = av_packet_alloc ();
  self->frame = av_frame_alloc ();
  self->prev = av_frame_alloc ();
  if (self->path == NULL || self->pkt == NULL || self->frame == NULL || self->prev == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      goto out;
    }

  status = _stva_media_open_input (path, &self->fmt, error);
  if (status != STVA_OK)
    goto out;
  if (self->fmt->start_time != AV_NOPTS_VALUE)
    self->origin_s = (double) self->fmt->start_time / AV_TIME_BASE;

  self->vindex = _stva_media_find_stream (self->fmt, AVMEDIA_TYPE_VIDEO);
  aindex = _stva_media_find_stream (self->fmt, AVMEDIA_TYPE_AUDIO);
  status = probe (self, aindex, error);
  if (status != STVA_OK)
    goto out;
  if (self->vindex >= 0)
    {
      status = _stva_media_open_decoder (path, self->fmt->streams[self->vindex], n_threads,
                                         &self->vdec, error);
      if (status != STVA_OK)
        goto out;
      /* we only ever read video packets through this context */
      for (unsigned i = 0; i < self->fmt->nb_streams; i++)
        if ((int) i != self->vindex)
          self->fmt->streams[i]->discard = AVDISCARD_ALL;
    }

  *out = self;
  self = NULL;

out:
  stva_media_reader_free (self);
  return status;
}

void
stva_media_reader_free (StvaMediaReader *reader)
{
  if (reader == NULL)
    return;
  sws_freeContext (reader->sws);
  av_free (reader->scratch);
  av_frame_free (&reader->frame);
  av_frame_free (&reader->prev);
  av_packet_free (&reader->pkt);
  avcodec_free_context (&reader->vdec);
  avformat_close_input (&reader->fmt);
  free (reader->path);
  free (reader);
}

const StvaMediaInfo *
stva_media_reader_info (const StvaMediaReader *reader)
{
  assert (reader != NULL);
  return &reader->info;
}

StvaStatus
stva_media_reader_next_frame (StvaMediaReader *reader,
                              uint8_t         *rgb,
                              double          *pts_s,
                              bool            *eof,
                              StvaError       *error)
{
  int64_t pts;
  double t;

  assert (reader != NULL);
  assert (eof != NULL);
  *eof = false;
  reader->have_frame = false;
  if (reader->vdec == NULL)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: no video stream", reader->path);

  for (;;)
    {
      if (reader->held)
        {
          /* seek_at returned the frame before its target; the one after it comes now */
          swap_frames (reader);
          av_frame_unref (reader->prev);
          reader->held = false;
          pts = reader->prev_pts;
          break;
        }
      if (!reader->pending)
        {
          bool got;
          StvaStatus status = decode_frame (reader, &got, error);

          if (status != STVA_OK)
            return status;
          if (!got && reader->at_mode && reader->prev->buf[0] != NULL)
            {
              /* seek_at past the last frame: the last frame it is */
              swap_frames (reader);
              av_frame_unref (reader->prev);
              pts = reader->prev_pts;
              reader->at_mode = false;
              reader->skip_before = AV_NOPTS_VALUE;
              break;
            }
          if (!got)
            {
              *eof = true;
              return STVA_OK;
            }
        }
      reader->pending = false;
      pts = reader->frame->best_effort_timestamp;
      /* FFmpeg's guess fails on some frames (the last of a packed-B-frame AVI): one frame on */
      if (pts == AV_NOPTS_VALUE && reader->last_pts != AV_NOPTS_VALUE && reader->frame_ticks > 0)
        pts = reader->last_pts + reader->frame_ticks;
      if (pts != AV_NOPTS_VALUE)
        reader->last_pts = pts;
      if (reader->skip_before != AV_NOPTS_VALUE && pts != AV_NOPTS_VALUE
          && pts < reader->skip_before)
        {
          if (reader->at_mode)  /* keep it: it is the answer if the next one is past */
            {
              av_frame_unref (reader->prev);
              av_frame_move_ref (reader->prev, reader->frame);
              reader->prev_pts = pts;
            }
          continue;
        }
      if (reader->at_mode && pts != AV_NOPTS_VALUE && pts > reader->skip_before
          && reader->prev->buf[0] != NULL)
        {
          /* past the target: return the frame before it first, this one next */
          int64_t later = pts;

          swap_frames (reader);
          pts = reader->prev_pts;
          reader->prev_pts = later;
          reader->held = true;
        }
      else
        av_frame_unref (reader->prev);  /* no decoder buffer kept longer than needed */
      reader->skip_before = AV_NOPTS_VALUE;
      reader->at_mode = false;
      break;
    }

  t = pts != AV_NOPTS_VALUE ? frame_time_s (reader, pts) : reader->next_pts_s;
  reader->next_pts_s = t + (reader->info.fps > 0.0 ? 1.0 / reader->info.fps : 0.0);
  if (pts_s != NULL)
    *pts_s = t;
  reader->have_frame = true;
  return rgb != NULL ? stva_media_reader_convert (reader, rgb, error) : STVA_OK;
}

StvaStatus
stva_media_reader_convert (StvaMediaReader *reader,
                           uint8_t         *rgb,
                           StvaError       *error)
{
  assert (reader != NULL);
  assert (rgb != NULL);
  if (!reader->have_frame)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: no decoded frame to convert",
                           reader->path);
  return convert_frame (reader, rgb, error);
}

static StvaStatus
seek_to (StvaMediaReader *reader,
         double           t_s,
         bool             at,
         StvaError       *error)
{
  AVStream *st;
  int64_t target;
  int64_t second;  /* one second in the stream's time base */
  int64_t backoff = 0;

  assert (reader != NULL);
  if (reader->vdec == NULL)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: no video stream", reader->path);
  if (!isfinite (t_s))
    return stva_error_set (error, STVA_ERR_INVALID, "%s: seek to %g s", reader->path, t_s);
  if (t_s < 0.0)
    t_s = 0.0;

  st = reader->fmt->streams[reader->vindex];
  /* the first tick at or after t_s (seek_at: the last at or before it); the slack keeps 1.0 s
   * from becoming 12800.0000001 */
  if (at)
    target = (int64_t) floor ((t_s + reader->origin_s) / av_q2d (st->time_base) + 1e-6);
  else
    target = (int64_t) ceil ((t_s + reader->origin_s) / av_q2d (st->time_base) - 1e-6);
  second = av_rescale_q (1, (AVRational){ 1, 1 }, st->time_base);
  if (second <= 0)
    second = 1;

  for (int tries = 0;; tries++)
    {
      int64_t ts = target - backoff;
      bool got;
      StvaStatus status;
      int ret;

      ret = av_seek_frame (reader->fmt, reader->vindex, ts, AVSEEK_FLAG_BACKWARD);
      if (ret < 0)
        {
          /* before the first key frame, or a demuxer without an index: from the start */
          ret = av_seek_frame (reader->fmt, reader->vindex, reader->start_pts,
                               AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY);
          ts = reader->start_pts;
        }
      if (ret < 0)
        return _stva_media_error (error, reader->path, "seeking", ret);
      avcodec_flush_buffers (reader->vdec);
      av_frame_unref (reader->prev);
      reader->held = false;
      reader->have_frame = false;
      reader->pending = false;
      reader->draining = false;
      reader->eof = false;

      status = decode_frame (reader, &got, error);
      if (status != STVA_OK)
        return status;
      reader->pending = got;
      /* landed after the target, or at the end: the demuxer sought by dts, or to a packet
       * that is no key frame (MPEG-TS), and the decoder skipped to the next key frame.  Back
       * off, doubling, until a try from well before the stream's first frame (1 s before it:
       * dts start before pts). */
      if ((!got || (reader->frame->best_effort_timestamp != AV_NOPTS_VALUE
                    && reader->frame->best_effort_timestamp > target))
          && ts >= reader->start_pts - second && tries < MAX_SEEK_TRIES)
        {
          backoff = backoff > 0 ? 2 * backoff : second;
          continue;
        }
      break;
    }
  reader->skip_before = target;
  reader->at_mode = at;
  reader->last_pts = AV_NOPTS_VALUE;
  reader->next_pts_s = t_s;
  return STVA_OK;
}

StvaStatus
stva_media_reader_seek (StvaMediaReader *reader,
                        double           t_s,
                        StvaError       *error)
{
  return seek_to (reader, t_s, false, error);
}

StvaStatus
stva_media_reader_seek_at (StvaMediaReader *reader,
                           double           t_s,
                           StvaError       *error)
{
  return seek_to (reader, t_s, true, error);
}
