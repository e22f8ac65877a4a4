/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo corpus's MP4 writer.  Cairo frames are converted to yuv420p here (BT.601, limited
 * range, integer arithmetic: the same bytes on every CPU, which libswscale's SIMD paths do not
 * promise, and some ten times faster than its bit-exact C path) and go into
 * libx264 (or FFmpeg's native MPEG-4 Part 2 encoder when this FFmpeg has no libx264); float
 * samples are buffered into whole AAC frames for FFmpeg's native AAC encoder.  Both encoders
 * and the muxer run bit-exact, so the same frames and samples give the same bytes, and the
 * file is written to `path`.tmp and renamed into place only once the trailer is out.
 * Video frame i has pts i in 1/fps; audio pts count samples, and the encoder's priming
 * delay goes into the MP4 edit list so that decoders report the stated duration.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#include "stva-demo-writer.h"

/* ---- types ------------------------------------------------------------------------------ */

#define MAX_SIDE 16384        /* the largest width or height we accept */
#define AUDIO_BIT_RATE 64000  /* mono speech; plenty at 22.05 kHz */
#define X264_PRESET "ultrafast"
#define X264_CRF "23"
#define MPEG4_QSCALE 4

struct StvaDemoWriter
{
  char              *path;      /* owned */
  char              *tmp_path;  /* owned: path + ".tmp", where the muxer writes */
  AVFormatContext   *fmt;       /* owned */
  AVCodecContext    *venc;      /* owned */
  AVCodecContext    *aenc;      /* owned */
  AVStream          *vst;       /* borrowed from fmt */
  AVStream          *ast;       /* borrowed from fmt */
  AVFrame           *vframe;    /* owned: yuv420p, width x height */
  AVFrame           *aframe;    /* owned: fltp mono, aenc->frame_size samples */
  AVPacket          *pkt;       /* owned */
  int                width;
  int                height;
  int64_t            n_frames;  /* video frames sent to venc, the next frame's pts */
  int64_t            n_samples; /* audio samples sent to aenc, the next frame's pts */
  int                a_fill;    /* samples waiting in aframe */
  bool               file_open; /* tmp_path exists and is ours to remove */
  bool               force_key; /* the next video frame starts a clip: make it an IDR frame */
  StvaDemoWriter    *tap;       /* borrowed: a clip that receives copies of our video packets */
  int64_t            tap_start; /* the tap's first frame, in our frame numbers */
  StvaDemoWriter    *source;    /* borrowed, clips only: the writer whose packets we copy */
  int64_t            n_copied;  /* clips only: video packets received from the source */
  bool               failed;    /* an encoder or the muxer failed: accept no more data */
  bool               closed;
};

/* ---- helpers ---------------------------------------------------------------------------- */

static StvaStatus
media_error (StvaError  *error,
             const char *path,
             const char *what,
             int         averr)
{
  char text[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (averr, text, sizeof text);
  return stva_error_set (error, STVA_ERR_MEDIA, "%s: %s: %s", path, what, text);
}

static char *
concat (const char *a,
        const char *b)
{
  size_t na = strlen (a);
  size_t nb = strlen (b);
  char *s = malloc (na + nb + 1);

  if (s == NULL)
    return NULL;
  memcpy (s, a, na);
  memcpy (s + na, b, nb + 1);
  return s;
}

/* A clip's video is the source's packets from tap_start on, renumbered from 0: the clip starts
 * on an IDR frame and, with no B-frames and no encoder delay, nothing in it refers outside it. */
static StvaStatus
copy_to_tap (StvaDemoWriter *self,
             StvaError      *error)
{
  StvaDemoWriter *tap = self->tap;
  AVPacket *copy;
  int ret;

  if (self->pkt->pts < self->tap_start)
    return STVA_OK;
  if (tap->n_copied == 0 && !(self->pkt->flags & AV_PKT_FLAG_KEY))
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: the clip does not start on a key frame",
                           tap->path);
  copy = av_packet_clone (self->pkt);
  if (copy == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", tap->path);
  copy->pts -= self->tap_start;
  copy->dts -= self->tap_start;
  av_packet_rescale_ts (copy, self->venc->time_base, tap->vst->time_base);
  copy->stream_index = tap->vst->index;
  ret = av_interleaved_write_frame (tap->fmt, copy);
  av_packet_free (&copy);
  if (ret < 0)
    {
      tap->failed = true;
      return media_error (error, tap->path, "writing", ret);
    }
  tap->n_copied++;
  return STVA_OK;
}

/* Receives every packet enc has ready and hands it to the muxer (and to the tap, if any). */
static StvaStatus
drain (StvaDemoWriter *self,
       AVCodecContext *enc,
       AVStream       *st,
       StvaError      *error)
{
  for (;;)
    {
      int ret = avcodec_receive_packet (enc, self->pkt);

      if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
        return STVA_OK;  /* nothing more now */
      if (ret < 0)
        return media_error (error, self->path, "encoding", ret);

      /* libx264 leaves durations unset; the muxer needs them for the last sample's length */
      if (self->pkt->duration == 0 && enc == self->venc)
        self->pkt->duration = 1;
      if (enc == self->venc && self->tap != NULL)
        {
          StvaStatus status = copy_to_tap (self, error);
          if (status != STVA_OK)
            return status;
        }
      av_packet_rescale_ts (self->pkt, enc->time_base, st->time_base);
      self->pkt->stream_index = st->index;
      ret = av_interleaved_write_frame (self->fmt, self->pkt);  /* takes the packet's data */
      if (ret < 0)
        return media_error (error, self->path, "writing", ret);
    }
}

/* Sends frame (NULL: flush) to enc and muxes what comes out. */
static StvaStatus
encode (StvaDemoWriter *self,
        AVCodecContext *enc,
        AVStream       *st,
        AVFrame        *frame,
        StvaError      *error)
{
  int ret = avcodec_send_frame (enc, frame);

  if (ret < 0)
    return media_error (error, self->path, "encoding", ret);
  return drain (self, enc, st, error);
}

static StvaStatus
open_video (StvaDemoWriter *self,
            int             fps,
            StvaError      *error)
{
  const AVCodec *codec = avcodec_find_encoder_by_name ("libx264");
  bool x264 = codec != NULL;
  AVDictionary *opts = NULL;
  StvaStatus status = STVA_OK;
  int ret;

  if (codec == NULL)
    codec = avcodec_find_encoder (AV_CODEC_ID_MPEG4);
  if (codec == NULL)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED,
                           "%s: this FFmpeg has neither libx264 nor an MPEG-4 encoder", self->path);

  self->venc = avcodec_alloc_context3 (codec);
  if (self->venc == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
  self->venc->width = self->width;
  self->venc->height = self->height;
  self->venc->pix_fmt = AV_PIX_FMT_YUV420P;
  self->venc->time_base = (AVRational){ 1, fps };
  self->venc->framerate = (AVRational){ fps, 1 };
  self->venc->sample_aspect_ratio = (AVRational){ 1, 1 };
  self->venc->gop_size = 2 * fps;  /* a key frame every 2 s keeps seeks short */
  self->venc->thread_count = 1;    /* the corpus runs one writer per core */
  self->venc->flags |= AV_CODEC_FLAG_BITEXACT;
  /* what to_yuv420p () writes */
  self->venc->color_range = AVCOL_RANGE_MPEG;
  self->venc->colorspace = AVCOL_SPC_SMPTE170M;
  self->venc->color_primaries = AVCOL_PRI_SMPTE170M;
  self->venc->color_trc = AVCOL_TRC_SMPTE170M;
  if (self->fmt->oformat->flags & AVFMT_GLOBALHEADER)
    self->venc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (x264)
    {
      av_dict_set (&opts, "preset", X264_PRESET, 0);
      /* no B-frames and no look-ahead: a packet comes out for every frame that goes in, which
       * is what lets clips copy their packets out of the dialogue's stream */
      av_dict_set (&opts, "tune", "zerolatency", 0);
      av_dict_set (&opts, "forced-idr", "1", 0);
      av_dict_set (&opts, "crf", X264_CRF, 0);
    }
  else
    {
      self->venc->flags |= AV_CODEC_FLAG_QSCALE;
      self->venc->global_quality = FF_QP2LAMBDA * MPEG4_QSCALE;
    }

  ret = avcodec_open2 (self->venc, codec, &opts);
  if (ret < 0)
    {
      status = media_error (error, self->path, codec->name, ret);
      goto out;
    }

  self->vst = avformat_new_stream (self->fmt, NULL);
  if (self->vst == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
      goto out;
    }
  self->vst->time_base = self->venc->time_base;
  self->vst->avg_frame_rate = self->venc->framerate;
  ret = avcodec_parameters_from_context (self->vst->codecpar, self->venc);
  if (ret < 0)
    {
      status = media_error (error, self->path, "video stream", ret);
      goto out;
    }

  self->vframe = av_frame_alloc ();
  if (self->vframe == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
      goto out;
    }
  self->vframe->format = AV_PIX_FMT_YUV420P;
  self->vframe->width = self->width;
  self->vframe->height = self->height;
  ret = av_frame_get_buffer (self->vframe, 0);
  if (ret < 0)
    {
      status = media_error (error, self->path, "frame buffer", ret);
      goto out;
    }

out:
  av_dict_free (&opts);
  return status;
}

static StvaStatus
open_audio (StvaDemoWriter *self,
            int             sample_rate,
            StvaError      *error)
{
  const AVCodec *codec = avcodec_find_encoder_by_name ("aac");
  StvaStatus status = STVA_OK;
  int ret;

  if (codec == NULL)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: this FFmpeg has no AAC encoder",
                           self->path);

  self->aenc = avcodec_alloc_context3 (codec);
  if (self->aenc == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
  self->aenc->sample_fmt = AV_SAMPLE_FMT_FLTP;
  self->aenc->sample_rate = sample_rate;
  av_channel_layout_default (&self->aenc->ch_layout, 1);
  self->aenc->bit_rate = AUDIO_BIT_RATE;
  self->aenc->time_base = (AVRational){ 1, sample_rate };
  self->aenc->flags |= AV_CODEC_FLAG_BITEXACT;
  if (self->fmt->oformat->flags & AVFMT_GLOBALHEADER)
    self->aenc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  AVDictionary *opts = NULL;
  av_dict_set (&opts, "aac_coder", "fast", 0);  /* twoloop costs 20 % of the whole generation */
  ret = avcodec_open2 (self->aenc, codec, &opts);
  av_dict_free (&opts);
  if (ret < 0)
    return media_error (error, self->path, "aac", ret);
  if (self->aenc->frame_size <= 0)
    return stva_error_set (error, STVA_ERR_MEDIA, "%s: aac: no frame size", self->path);

  self->ast = avformat_new_stream (self->fmt, NULL);
  if (self->ast == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
  self->ast->time_base = self->aenc->time_base;
  /* copies initial_padding too: the muxer turns the priming delay into an edit list */
  ret = avcodec_parameters_from_context (self->ast->codecpar, self->aenc);
  if (ret < 0)
    return media_error (error, self->path, "audio stream", ret);

  self->aframe = av_frame_alloc ();
  if (self->aframe == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
  self->aframe->format = AV_SAMPLE_FMT_FLTP;
  self->aframe->sample_rate = sample_rate;
  self->aframe->nb_samples = self->aenc->frame_size;
  ret = av_channel_layout_copy (&self->aframe->ch_layout, &self->aenc->ch_layout);
  if (ret >= 0)
    ret = av_frame_get_buffer (self->aframe, 0);
  if (ret < 0)
    status = media_error (error, self->path, "audio buffer", ret);
  return status;
}

/* Encodes the buffered samples as one frame; a short last frame is padded with silence
 * unless the encoder takes it as it is (then its packet's duration says how short). */
static StvaStatus
send_audio_frame (StvaDemoWriter *self,
                  StvaError      *error)
{
  int frame_size = self->aenc->frame_size;
  StvaStatus status;

  if (self->a_fill < frame_size)
    {
      if (self->aenc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME)
        self->aframe->nb_samples = self->a_fill;
      else
        memset ((float *) self->aframe->data[0] + self->a_fill, 0,
                (size_t) (frame_size - self->a_fill) * sizeof (float));
    }
  self->aframe->pts = self->n_samples;
  status = encode (self, self->aenc, self->ast, self->aframe, error);
  self->n_samples += self->aframe->nb_samples;
  self->a_fill = 0;
  self->aframe->nb_samples = frame_size;
  return status;
}

/* ---- public API ------------------------------------------------------------------------- */

/* A clip's video stream: the source encoder's parameters (SPS/PPS included), no encoder. */
static StvaStatus
open_video_copy (StvaDemoWriter *self,
                 StvaDemoWriter *source,
                 StvaError      *error)
{
  int ret;

  self->vst = avformat_new_stream (self->fmt, NULL);
  if (self->vst == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", self->path);
  self->vst->time_base = source->venc->time_base;
  self->vst->avg_frame_rate = source->venc->framerate;
  ret = avcodec_parameters_from_context (self->vst->codecpar, source->venc);
  if (ret < 0)
    return media_error (error, self->path, "video stream", ret);
  return STVA_OK;
}

static StvaStatus
writer_open (StvaDemoWriter **out,
             const char      *path,
             int              width,
             int              height,
             int              fps,
             int              sample_rate,
             StvaDemoWriter  *source,
             StvaError       *error)
{
  StvaDemoWriter *self = NULL;
  AVDictionary *mux_opts = NULL;
  StvaStatus status = STVA_OK;
  int ret;

  assert (out != NULL);
  assert (path != NULL);
  *out = NULL;
  if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0
      || width > MAX_SIDE || height > MAX_SIDE)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: frame size %dx%d is not even and "
                           "within 2..%d", path, width, height, MAX_SIDE);
  if (fps <= 0 || fps > 1000)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: frame rate %d", path, fps);
  if (sample_rate < 8000 || sample_rate > 96000)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: sample rate %d Hz", path, sample_rate);

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
  self->width = width;
  self->height = height;
  self->path = strdup (path);
  self->tmp_path = concat (path, ".tmp");
  self->pkt = av_packet_alloc ();
  if (self->path == NULL || self->tmp_path == NULL || self->pkt == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
      goto out;
    }

  ret = avformat_alloc_output_context2 (&self->fmt, NULL, "mp4", self->tmp_path);
  if (ret < 0)
    {
      status = media_error (error, path, "mp4 muxer", ret);
      goto out;
    }
  self->fmt->flags |= AVFMT_FLAG_BITEXACT;  /* no encoder string, no creation time */

  status = source != NULL ? open_video_copy (self, source, error) : open_video (self, fps, error);
  if (status != STVA_OK)
    goto out;
  status = open_audio (self, sample_rate, error);
  if (status != STVA_OK)
    goto out;

  ret = avio_open (&self->fmt->pb, self->tmp_path, AVIO_FLAG_WRITE);
  if (ret < 0)
    {
      char text[AV_ERROR_MAX_STRING_SIZE] = "";

      av_strerror (ret, text, sizeof text);
      status = stva_error_set (error, STVA_ERR_IO, "%s: %s", self->tmp_path, text);
      goto out;
    }
  self->file_open = true;

  av_dict_set (&mux_opts, "movflags", "+faststart", 0);  /* index first: players seek at once */
  ret = avformat_write_header (self->fmt, &mux_opts);
  if (ret < 0)
    {
      status = media_error (error, path, "writing the header", ret);
      goto out;
    }

  *out = self;
  self = NULL;

out:
  av_dict_free (&mux_opts);
  stva_demo_writer_free (self);
  return status;
}

StvaStatus
stva_demo_writer_open (StvaDemoWriter **out,
                       const char      *path,
                       int              width,
                       int              height,
                       int              fps,
                       int              sample_rate,
                       StvaError       *error)
{
  return writer_open (out, path, width, height, fps, sample_rate, NULL, error);
}

StvaStatus
stva_demo_writer_open_clip (StvaDemoWriter **out,
                            const char      *path,
                            StvaDemoWriter  *source,
                            StvaError       *error)
{
  StvaStatus status;

  assert (out != NULL);
  assert (source != NULL);
  *out = NULL;
  if (source->closed || source->failed || source->source != NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: cannot take a clip from %s", path,
                           source->path);
  if (source->tap != NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: %s is still feeding clip %s", path,
                           source->path, source->tap->path);
  status = writer_open (out, path, source->width, source->height, source->venc->framerate.num,
                        source->aenc->sample_rate, source, error);
  if (status != STVA_OK)
    return status;
  (*out)->source = source;
  source->tap = *out;
  source->tap_start = source->n_frames;
  source->force_key = true;
  return STVA_OK;
}

/* Native-endian 0xXXRRGGBB words (Cairo's RGB24) to limited-range BT.601 yuv420p, two rows at
 * a time: luma per pixel, chroma from the sum of each 2x2 block.  Coefficients are the standard
 * ones times 2^16, rounded so that grey gives exactly 128 chroma.  Width and height are even
 * (stva_demo_writer_open checks). */
static inline int32_t
luma16 (uint32_t p)
{
  return 16829 * (int32_t) ((p >> 16) & 0xff) + 33039 * (int32_t) ((p >> 8) & 0xff)
         + 6416 * (int32_t) (p & 0xff);
}

static void
to_yuv420p (const uint8_t *argb,
            int            stride,
            int            width,
            int            height,
            AVFrame       *frame)
{
  const int32_t y_round = (16 << 16) + (1 << 15);
  const int32_t c_round = (128 << 18) + (1 << 17);

  for (int y = 0; y < height; y += 2)
    {
      const uint32_t *r0 = (const uint32_t *) (const void *) (argb + (size_t) y * stride);
      const uint32_t *r1 = (const uint32_t *) (const void *) (argb + (size_t) (y + 1) * stride);
      uint8_t *y0 = frame->data[0] + (size_t) y * frame->linesize[0];
      uint8_t *y1 = y0 + frame->linesize[0];
      uint8_t *u = frame->data[1] + (size_t) (y / 2) * frame->linesize[1];
      uint8_t *v = frame->data[2] + (size_t) (y / 2) * frame->linesize[2];

      for (int x = 0; x < width; x += 2)
        {
          uint32_t a = r0[x], b = r0[x + 1], c = r1[x], d = r1[x + 1];

          y0[x] = (uint8_t) ((luma16 (a) + y_round) >> 16);
          y0[x + 1] = (uint8_t) ((luma16 (b) + y_round) >> 16);
          y1[x] = (uint8_t) ((luma16 (c) + y_round) >> 16);
          y1[x + 1] = (uint8_t) ((luma16 (d) + y_round) >> 16);

          /* the four pixels' channels summed; no carries cross the byte fields here, as each
           * sum stays below 2^10 in its own 16-bit half after splitting */
          uint32_t rb = (a & 0xff00ff) + (b & 0xff00ff) + (c & 0xff00ff) + (d & 0xff00ff);
          int32_t r = (int32_t) (rb >> 16);
          int32_t bl = (int32_t) (rb & 0xffff);
          int32_t g = (int32_t) (((a >> 8) & 0xff) + ((b >> 8) & 0xff) + ((c >> 8) & 0xff)
                                 + ((d >> 8) & 0xff));
          u[x / 2] = (uint8_t) ((-9714 * r - 19070 * g + 28784 * bl + c_round) >> 18);
          v[x / 2] = (uint8_t) ((28784 * r - 24103 * g - 4681 * bl + c_round) >> 18);
        }
    }
}

StvaStatus
stva_demo_writer_video (StvaDemoWriter *writer,
                        const uint8_t  *argb,
                        int             stride,
                        StvaError      *error)
{
  StvaStatus status;
  int ret;

  assert (writer != NULL);
  assert (argb != NULL);
  if (writer->closed || writer->failed)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: writer is %s", writer->path,
                           writer->closed ? "closed" : "in a failed state");
  if (writer->source != NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: a clip takes its video from %s",
                           writer->path, writer->source->path);
  if (stride < writer->width * 4)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: stride %d < 4 x width %d",
                           writer->path, stride, writer->width);

  /* the encoder may still hold a reference to the previous frame's planes */
  ret = av_frame_make_writable (writer->vframe);
  if (ret < 0)
    {
      writer->failed = true;
      return media_error (error, writer->path, "frame buffer", ret);
    }
  to_yuv420p (argb, stride, writer->width, writer->height, writer->vframe);
  writer->vframe->pict_type = writer->force_key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  writer->force_key = false;
  writer->vframe->pts = writer->n_frames++;
  status = encode (writer, writer->venc, writer->vst, writer->vframe, error);
  if (status != STVA_OK)
    writer->failed = true;
  return status;
}

StvaStatus
stva_demo_writer_audio (StvaDemoWriter *writer,
                        const float    *samples,
                        size_t          n,
                        StvaError      *error)
{
  int frame_size;

  assert (writer != NULL);
  assert (samples != NULL || n == 0);
  if (writer->closed || writer->failed)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: writer is %s", writer->path,
                           writer->closed ? "closed" : "in a failed state");

  frame_size = writer->aenc->frame_size;
  while (n > 0)
    {
      float *dst;
      size_t room;
      size_t take;

      if (writer->a_fill == 0)
        {
          /* the encoder may still hold a reference to the last frame's samples */
          int ret = av_frame_make_writable (writer->aframe);

          if (ret < 0)
            {
              writer->failed = true;
              return media_error (error, writer->path, "audio buffer", ret);
            }
        }
      dst = (float *) writer->aframe->data[0] + writer->a_fill;
      room = (size_t) (frame_size - writer->a_fill);
      take = n < room ? n : room;
      for (size_t i = 0; i < take; i++)
        {
          float x = samples[i];

          /* NaN fails both comparisons and becomes silence */
          dst[i] = x >= -1.0f ? (x <= 1.0f ? x : 1.0f) : (x < -1.0f ? -1.0f : 0.0f);
        }
      writer->a_fill += (int) take;
      samples += take;
      n -= take;

      if (writer->a_fill == frame_size)
        {
          StvaStatus status = send_audio_frame (writer, error);

          if (status != STVA_OK)
            {
              writer->failed = true;
              return status;
            }
        }
    }
  return STVA_OK;
}

StvaStatus
stva_demo_writer_close (StvaDemoWriter *writer,
                        StvaError      *error)
{
  StvaStatus status = STVA_OK;
  int ret;

  assert (writer != NULL);
  if (writer->closed || writer->failed)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: writer is %s", writer->path,
                           writer->closed ? "closed" : "in a failed state");
  if (writer->tap != NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: clip %s is still open", writer->path,
                           writer->tap->path);
  writer->failed = true;  /* until the rename succeeds */
  if (writer->source != NULL)
    {
      int64_t want = writer->source->n_frames - writer->source->tap_start;

      writer->source->tap = NULL;
      writer->source = NULL;
      if (writer->n_copied != want)
        return stva_error_set (error, STVA_ERR_MEDIA, "%s: %lld of %lld video frames came out "
                               "of the encoder in time", writer->path,
                               (long long) writer->n_copied, (long long) want);
    }

  if (writer->a_fill > 0)
    {
      status = send_audio_frame (writer, error);
      if (status != STVA_OK)
        return status;
    }
  if (writer->venc != NULL)
    {
      status = encode (writer, writer->venc, writer->vst, NULL, error);
      if (status != STVA_OK)
        return status;
    }
  status = encode (writer, writer->aenc, writer->ast, NULL, error);
  if (status != STVA_OK)
    return status;

  ret = av_write_trailer (writer->fmt);
  if (ret < 0)
    return media_error (error, writer->path, "writing the trailer", ret);
  ret = avio_closep (&writer->fmt->pb);
  if (ret < 0)
    return media_error (error, writer->path, "closing", ret);
  if (rename (writer->tmp_path, writer->path) != 0)
    return stva_error_set (error, STVA_ERR_IO, "%s: cannot rename %s: %s", writer->path,
                           writer->tmp_path, strerror (errno));

  writer->file_open = false;
  writer->failed = false;
  writer->closed = true;
  return STVA_OK;
}

void
stva_demo_writer_free (StvaDemoWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->source != NULL)
    writer->source->tap = NULL;
  if (writer->tap != NULL)
    writer->tap->source = NULL;
  if (writer->fmt != NULL && writer->fmt->pb != NULL)
    avio_closep (&writer->fmt->pb);
  if (writer->file_open)
    unlink (writer->tmp_path);
  avformat_free_context (writer->fmt);
  avcodec_free_context (&writer->venc);
  avcodec_free_context (&writer->aenc);
  av_frame_free (&writer->vframe);
  av_frame_free (&writer->aframe);
  av_packet_free (&writer->pkt);
  free (writer->path);
  free (writer->tmp_path);
  free (writer);
}
