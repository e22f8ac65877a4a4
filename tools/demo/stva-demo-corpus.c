/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turns a demo plan into files: for every dialogue a worker thread synthesises each line,
 * draws the speaker's face frame by frame (mouth opening follows the speech envelope, head and
 * eyes move as the emotion's profile says), and encodes each frame once into both the
 * utterance clip and the whole-dialogue video.  The CSVs and the manifest are written last
 * from the plan and the measured timings, so the result does not depend on thread scheduling.
 */
#include <errno.h>
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "stva-demo.h"
#include "stva-demo-face.h"
#include "stva-demo-plan.h"
#include "stva-demo-voice.h"
#include "stva-demo-writer.h"

#define FRAME_W 320
#define FRAME_H 240
#define FPS 20                            /* webcam-like; 25 would cost a quarter more time */
#define RATE_HZ 16000                     /* what audio features use; espeak-ng's 22050 resampled */
#define SAMPLES_PER_FRAME (RATE_HZ / FPS)   /* 800: frames and samples stay aligned */
#define PAD_BEFORE_S 0.16                 /* silence in a clip before the speech starts */
#define PAD_AFTER_S 0.16
#define ROOM_TONE 0.0015                  /* noise floor, so silence is not digital zero */
#define MANIFEST_NAME ".manifest.tsv"
#define MARK_NAME ".synctva-demo"   /* marks a folder as ours from the start of a run */
#define PATH_MAX_LEN 4096

_Static_assert (RATE_HZ % FPS == 0, "audio rate must be a multiple of the frame rate");

/* ---- shared state of one generation run ---------------------------------------------------- */

typedef struct
{
  const char   *dir;
  StvaDemoPlan *plan;
  pthread_mutex_t lock;
  pthread_cond_t  changed;
  int           next;        /* next dialogue to take */
  int           done;        /* dialogues finished */
  atomic_bool   stop;        /* an error or a cancel: workers stop taking work */
  StvaError     error;       /* the first error */
  double        media_s;
} Run;

static void
run_fail (Run             *run,
          const StvaError *error)
{
  pthread_mutex_lock (&run->lock);
  if (run->error.code == STVA_OK)
    run->error = *error;
  run->stop = true;
  pthread_cond_broadcast (&run->changed);
  pthread_mutex_unlock (&run->lock);
}

/* ---- files and folders --------------------------------------------------------------------- */

static StvaStatus
make_dir (const char *path,
          StvaError  *error)
{
  if (mkdir (path, 0755) == 0 || errno == EEXIST)
    {
      struct stat st;
      if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        return STVA_OK;
      return stva_error_set (error, STVA_ERR_IO, "%s: exists and is not a folder", path);
    }
  return stva_error_set (error, STVA_ERR_IO, "%s: cannot create folder: %s", path,
                         strerror (errno));
}

static bool
has_suffix (const char *s,
            const char *suffix)
{
  size_t n = strlen (s), k = strlen (suffix);
  return n >= k && strcmp (s + n - k, suffix) == 0;
}

/* Removes the dia*.mp4 files an earlier run left in folder (missing folder: nothing to do). */
static void
remove_old_videos (const char *folder)
{
  DIR *d = opendir (folder);
  if (d == NULL)
    return;
  struct dirent *e;
  char path[PATH_MAX_LEN];
  while ((e = readdir (d)) != NULL)
    if (strncmp (e->d_name, "dia", 3) == 0 && (has_suffix (e->d_name, ".mp4")
                                               || has_suffix (e->d_name, ".mp4.tmp")))
      {
        snprintf (path, sizeof path, "%s/%s", folder, e->d_name);
        unlink (path);
      }
  closedir (d);
}

/* dir must be missing, empty, or an earlier demo corpus (it has the manifest). */
static StvaStatus
prepare_dir (const char *dir,
             StvaError  *error)
{
  char path[PATH_MAX_LEN];
  StvaStatus status = make_dir (dir, error);
  if (status != STVA_OK)
    return status;
  char mark[PATH_MAX_LEN];
  snprintf (path, sizeof path, "%s/%s", dir, MANIFEST_NAME);
  snprintf (mark, sizeof mark, "%s/%s", dir, MARK_NAME);
  bool earlier = access (path, F_OK) == 0 || access (mark, F_OK) == 0;
  if (!earlier)
    {
      DIR *d = opendir (dir);
      if (d == NULL)
        return stva_error_set (error, STVA_ERR_IO, "%s: %s", dir, strerror (errno));
      struct dirent *e;
      bool empty = true;
      while ((e = readdir (d)) != NULL)
        if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
          empty = false;
      closedir (d);
      if (!empty)
        return stva_error_set (error, STVA_ERR_INVALID,
                               "%s: folder is not empty and holds no demo corpus; "
                               "refusing to write into it", dir);
    }
  /* The manifest goes first, so an interrupted run never looks complete; the mark stays, so
   * the next run knows the folder is a demo corpus and may replace it. */
  if (unlink (path) != 0 && errno != ENOENT)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
  FILE *f = fopen (mark, "wb");
  bool written = f != NULL && fputs ("synctva demo corpus\n", f) >= 0;
  if ((f != NULL && fclose (f) != 0) || !written)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", mark, strerror (errno));

  snprintf (path, sizeof path, "%s/dialogues", dir);
  if ((status = make_dir (path, error)) != STVA_OK)
    return status;
  for (int s = 0; s < STVA_DEMO_N_SPLITS; s++)
    {
      snprintf (path, sizeof path, "%s/%s", dir, STVA_DEMO_CLIP_DIRS[s]);
      if ((status = make_dir (path, error)) != STVA_OK)
        return status;
      remove_old_videos (path);
      snprintf (path, sizeof path, "%s/dialogues/%s", dir, STVA_DEMO_SPLIT_NAMES[s]);
      if ((status = make_dir (path, error)) != STVA_OK)
        return status;
      remove_old_videos (path);
    }
  return STVA_OK;
}

/* ---- one utterance's sound and motion ------------------------------------------------------- */

typedef struct
{
  float  *audio;        /* owned; n_frames * SAMPLES_PER_FRAME samples, what the clip plays */
  float  *envelope;     /* owned; n_frames values in 0..1, the speech loudness per frame */
  int     n_frames;
  double  speech_s;
} Line;

static void
line_clear (Line *line)
{
  free (line->audio);
  free (line->envelope);
  memset (line, 0, sizeof *line);
}

/* Resamples mono float audio from rate_in to rate_out with libswresample's default filter;
 * *out is malloc'ed.  Deterministic for a given input on a given machine. */
static StvaStatus
resample (const float *in,
          size_t       n_in,
          int          rate_in,
          float      **out,
          size_t      *n_out,
          int          rate_out,
          StvaError   *error)
{
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext *swr = NULL;
  *out = NULL;
  *n_out = 0;
  if (swr_alloc_set_opts2 (&swr, &mono, AV_SAMPLE_FMT_FLT, rate_out, &mono, AV_SAMPLE_FMT_FLT,
                           rate_in, 0, NULL) < 0 || swr_init (swr) < 0)
    {
      swr_free (&swr);
      return stva_error_set (error, STVA_ERR_MEDIA, "cannot resample %d Hz to %d Hz", rate_in,
                             rate_out);
    }
  size_t cap = (size_t) ((double) n_in * rate_out / rate_in) + 256;
  float *buf = malloc (cap * sizeof *buf);
  if (buf == NULL)
    {
      swr_free (&swr);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory resampling speech");
    }
  const uint8_t *src[1] = { (const uint8_t *) in };
  uint8_t *dst[1] = { (uint8_t *) buf };
  int got = swr_convert (swr, dst, (int) cap, src, (int) n_in);
  int tail = got >= 0 ? swr_convert (swr, (uint8_t *[1]) { (uint8_t *) (buf + got) },
                                     (int) cap - got, NULL, 0) : -1;
  swr_free (&swr);
  if (got < 0 || tail < 0)
    {
      free (buf);
      return stva_error_set (error, STVA_ERR_MEDIA, "resampling %d Hz to %d Hz failed", rate_in,
                             rate_out);
    }
  *out = buf;
  *n_out = (size_t) got + (size_t) tail;
  return STVA_OK;
}

static StvaStatus
line_make (Line                    *line,
           const StvaDemoUtterance *utt,
           const StvaDemoCharacter *character,
           StvaError               *error)
{
  memset (line, 0, sizeof *line);
  float *voice = NULL, *speech = NULL;
  size_t n_voice = 0, n_speech = 0;
  StvaStatus status = stva_demo_voice_speak (character->voice, &utt->prosody, utt->spoken,
                                             &voice, &n_voice, error);
  if (status != STVA_OK)
    return status;
  status = resample (voice, n_voice, STVA_DEMO_VOICE_RATE_HZ, &speech, &n_speech, RATE_HZ, error);
  free (voice);
  if (status != STVA_OK)
    return status;

  size_t pad = (size_t) (PAD_BEFORE_S * RATE_HZ);
  size_t total = pad + n_speech + (size_t) (PAD_AFTER_S * RATE_HZ);
  line->n_frames = (int) ((total + SAMPLES_PER_FRAME - 1) / SAMPLES_PER_FRAME);
  line->speech_s = (double) n_speech / RATE_HZ;
  size_t n = (size_t) line->n_frames * SAMPLES_PER_FRAME;
  line->audio = calloc (n, sizeof *line->audio);
  line->envelope = calloc ((size_t) line->n_frames, sizeof *line->envelope);
  if (line->audio == NULL || line->envelope == NULL)
    {
      free (speech);
      line_clear (line);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory for a line of speech");
    }

  /* The envelope comes from the speech even when the microphone is dead: the face still talks. */
  double peak = 1e-9;
  for (int f = 0; f < line->n_frames; f++)
    {
      double sum = 0.0;
      for (size_t i = 0; i < SAMPLES_PER_FRAME; i++)
        {
          size_t at = (size_t) f * SAMPLES_PER_FRAME + i;
          double x = at >= pad && at - pad < n_speech ? speech[at - pad] : 0.0;
          sum += x * x;
        }
      line->envelope[f] = (float) sqrt (sum / SAMPLES_PER_FRAME);
      peak = line->envelope[f] > peak ? line->envelope[f] : peak;
    }
  for (int f = 0; f < line->n_frames; f++)
    line->envelope[f] = (float) (line->envelope[f] / peak);

  StvaRng rng;
  stva_rng_init (&rng, utt->seed ^ 0xa0d10ULL);
  for (size_t i = 0; i < n; i++)
    {
      double x = ROOM_TONE * stva_rng_normal (&rng);
      if (!utt->audio_missing && i >= pad && i - pad < n_speech)
        x += speech[i - pad];
      line->audio[i] = (float) x;
    }
  free (speech);
  return STVA_OK;
}

/* The expression of frame f of a line: the planned base plus speech, head motion, blinks. */
static void
frame_expression (StvaDemoExpr            *out,
                  const StvaDemoUtterance *utt,
                  const Line              *line,
                  int                      f,
                  double                  *mouth_state,
                  StvaRng                 *rng,
                  double                   phase,
                  int                     *blink_at)
{
  const StvaDemoFacePlan *plan = &utt->face;
  *out = plan->base;
  double env = line != NULL && f < line->n_frames ? line->envelope[f] : 0.0;
  double target = plan->talk * pow (env, 0.7);
  /* The jaw opens fast and closes a little slower, as real mouths do. */
  *mouth_state += (target - *mouth_state) * (target > *mouth_state ? 0.75 : 0.45);
  out->mouth_open = plan->base.mouth_open + *mouth_state;
  if (out->mouth_open > 1.0)
    out->mouth_open = 1.0;

  double t = (double) f / FPS;
  double w = sin (2.0 * M_PI * plan->motion_hz * t + phase);
  out->head_yaw += plan->shake * plan->motion_amp * 5.0 * w;
  out->head_pitch += (1.0 - plan->shake) * plan->motion_amp * 4.0 * w;
  out->head_dx = plan->motion_amp * 0.5 * sin (2.0 * M_PI * 0.37 * t + 2.0 * phase);
  out->head_dy = plan->motion_amp * 0.3 * w;

  /* Blinks every 2 to 5 s, four frames long. */
  if (f >= *blink_at + 4)
    *blink_at = f + 50 + (int) stva_rng_below (rng, 75);
  int k = f - *blink_at;
  static const double blink_shape[4] = { 0.5, 1.0, 0.8, 0.3 };
  out->blink = k >= 0 && k < 4 ? blink_shape[k] : 0.0;
}

/* ---- one dialogue --------------------------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
} Canvas;

static StvaStatus
draw_and_write (Canvas                  *canvas,
                const StvaDemoCharacter *character,
                const StvaDemoExpr      *expr,
                StvaDemoWriter          *full,
                StvaError               *error)
{
  stva_demo_face_draw (canvas->cr, FRAME_W, FRAME_H, &character->face, expr);
  cairo_surface_flush (canvas->surface);
  const uint8_t *data = cairo_image_surface_get_data (canvas->surface);
  int stride = cairo_image_surface_get_stride (canvas->surface);
  /* an open clip gets copies of the dialogue video's packets: each frame is encoded once */
  return stva_demo_writer_video (full, data, stride, error);
}

static StvaStatus
make_dialogue (Run              *run,
               StvaDemoDialogue *d,
               Canvas           *canvas,
               double           *media_s,
               StvaError        *error)
{
  const StvaDemoPlan *plan = run->plan;
  char path[PATH_MAX_LEN];
  StvaDemoWriter *full = NULL, *clip = NULL;
  Line *lines = calloc ((size_t) d->n_utts, sizeof *lines);
  float *gap_audio = NULL;
  StvaStatus status = STVA_OK;

  /* All lines of the dialogue in one speech session (see stva-demo-voice.h): espeak-ng keeps
   * state between calls, and the session makes the dialogue's speech depend on nothing else,
   * so the corpus is the same whatever the number of threads and whatever ran before. */
  if (lines == NULL)
    status = stva_error_set (error, STVA_ERR_NOMEM, "out of memory");
  else
    status = stva_demo_voice_begin (error);
  if (status == STVA_OK)
    {
      for (int u = 0; u < d->n_utts && status == STVA_OK && !run->stop; u++)
        status = line_make (&lines[u], &d->utts[u], &plan->characters[d->utts[u].speaker],
                            error);
      stva_demo_voice_end ();
    }
  if (status != STVA_OK)
    goto out;

  snprintf (path, sizeof path, "%s/dialogues/%s/dia%d.mp4", run->dir,
            STVA_DEMO_SPLIT_NAMES[d->split], d->dialogue_id);
  status = stva_demo_writer_open (&full, path, FRAME_W, FRAME_H, FPS, RATE_HZ, error);
  if (status != STVA_OK)
    goto out;

  StvaRng rng;
  stva_rng_init (&rng, d->utts[0].seed ^ 0x9a95ULL);
  int64_t frame_at = 0;   /* frames written to the whole-dialogue video */
  for (int u = 0; u < d->n_utts && status == STVA_OK; u++)
    {
      if (run->stop)
        {
          status = stva_error_set (error, STVA_ERR_CANCELLED, "cancelled");
          goto out;
        }
      StvaDemoUtterance *utt = &d->utts[u];
      const StvaDemoCharacter *character = &plan->characters[utt->speaker];
      Line *line = &lines[u];
      StvaRng frng;
      stva_rng_init (&frng, utt->seed);
      double phase = 2.0 * M_PI * stva_rng_uniform (&frng);
      int blink_at = (int) stva_rng_below (&frng, 40);
      double mouth = 0.0;

      /* A pause before each line: the speaker listens, mouth closed, room tone only. */
      int gap = 8 + (int) stva_rng_below (&rng, 10);
      free (gap_audio);
      gap_audio = malloc ((size_t) gap * SAMPLES_PER_FRAME * sizeof *gap_audio);
      if (gap_audio == NULL)
        {
          status = stva_error_set (error, STVA_ERR_NOMEM, "out of memory");
          goto out;
        }
      for (int i = 0; i < gap * SAMPLES_PER_FRAME; i++)
        gap_audio[i] = (float) (ROOM_TONE * stva_rng_normal (&rng));
      for (int f = 0; f < gap && status == STVA_OK; f++)
        {
          StvaDemoExpr expr;
          double idle_mouth = 0.0;
          frame_expression (&expr, utt, NULL, f - gap, &idle_mouth, &frng, phase, &blink_at);
          status = draw_and_write (canvas, character, &expr, full, error);
        }
      if (status == STVA_OK)
        status = stva_demo_writer_audio (full, gap_audio, (size_t) gap * SAMPLES_PER_FRAME,
                                         error);
      if (status != STVA_OK)
        goto out;
      frame_at += gap;

      snprintf (path, sizeof path, "%s/%s/dia%d_utt%d.mp4", run->dir,
                STVA_DEMO_CLIP_DIRS[d->split], d->dialogue_id, utt->utterance_id);
      if ((status = stva_demo_writer_open_clip (&clip, path, full, error))
          != STVA_OK)
        goto out;
      for (int f = 0; f < line->n_frames && status == STVA_OK; f++)
        {
          StvaDemoExpr expr;
          frame_expression (&expr, utt, line, f, &mouth, &frng, phase, &blink_at);
          status = draw_and_write (canvas, character, &expr, full, error);
        }
      size_t n = (size_t) line->n_frames * SAMPLES_PER_FRAME;
      if (status == STVA_OK)
        status = stva_demo_writer_audio (clip, line->audio, n, error);
      if (status == STVA_OK)
        status = stva_demo_writer_audio (full, line->audio, n, error);
      if (status == STVA_OK)
        status = stva_demo_writer_close (clip, error);
      stva_demo_writer_free (clip);
      clip = NULL;
      if (status != STVA_OK)
        goto out;

      utt->start_ms = frame_at * 1000 / FPS;
      utt->end_ms = (frame_at + line->n_frames) * 1000 / FPS;
      utt->speech_s = line->speech_s;
      frame_at += line->n_frames;
      *media_s += (double) line->n_frames / FPS;
      line_clear (line);
    }
  status = stva_demo_writer_close (full, error);

out:
  for (int u = 0; lines != NULL && u < d->n_utts; u++)
    line_clear (&lines[u]);
  free (lines);
  free (gap_audio);
  stva_demo_writer_free (clip);
  stva_demo_writer_free (full);
  return status;
}

static void *
generate_thread (void *data)
{
  Run *run = data;
  Canvas canvas;
  canvas.surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, FRAME_W, FRAME_H);
  canvas.cr = cairo_create (canvas.surface);
  for (;;)
    {
      pthread_mutex_lock (&run->lock);
      int i = run->stop || run->next >= run->plan->n_dialogues ? -1 : run->next++;
      pthread_mutex_unlock (&run->lock);
      if (i < 0)
        break;
      StvaError error = { 0 };
      double media_s = 0.0;
      StvaStatus status = make_dialogue (run, &run->plan->dialogues[i], &canvas, &media_s,
                                         &error);
      if (status != STVA_OK)
        {
          run_fail (run, &error);
          break;
        }
      pthread_mutex_lock (&run->lock);
      run->done++;
      run->media_s += media_s;
      pthread_cond_broadcast (&run->changed);
      pthread_mutex_unlock (&run->lock);
    }
  cairo_destroy (canvas.cr);
  cairo_surface_destroy (canvas.surface);
  return NULL;
}

/* ---- CSVs and manifest ----------------------------------------------------------------------- */

static void
format_time (char    *out,
             size_t   n,
             int64_t  ms)
{
  snprintf (out, n, "%02d:%02d:%02d,%03d", (int) (ms / 3600000), (int) (ms / 60000 % 60),
            (int) (ms / 1000 % 60), (int) (ms % 1000));
}

/* RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
static void
write_field (FILE       *f,
             const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      fputs (s, f);
      return;
    }
  fputc ('"', f);
  for (; *s; s++)
    {
      if (*s == '"')
        fputc ('"', f);
      fputc (*s, f);
    }
  fputc ('"', f);
}

static StvaStatus
finish_file (FILE       *f,
             const char *tmp,
             const char *path,
             StvaError  *error)
{
  bool bad = ferror (f) != 0;
  if (fclose (f) != 0 || bad)
    {
      unlink (tmp);
      return stva_error_set (error, STVA_ERR_IO, "%s: write failed: %s", path, strerror (errno));
    }
  if (rename (tmp, path) != 0)
    {
      unlink (tmp);
      return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));
    }
  return STVA_OK;
}

static StvaStatus
write_csvs (const char         *dir,
            const StvaDemoPlan *plan,
            StvaError          *error)
{
  static const char *const csv_names[STVA_DEMO_N_SPLITS] = {
    "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv",
  };
  for (int s = 0; s < STVA_DEMO_N_SPLITS; s++)
    {
      char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
      snprintf (path, sizeof path, "%s/%s", dir, csv_names[s]);
      snprintf (tmp, sizeof tmp, "%s.tmp", path);
      FILE *f = fopen (tmp, "wb");
      if (f == NULL)
        return stva_error_set (error, STVA_ERR_IO, "%s: %s", tmp, strerror (errno));
      fputs ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,"
             "StartTime,EndTime\r\n", f);
      int sr = 1;
      for (int i = 0; i < plan->n_dialogues; i++)
        {
          const StvaDemoDialogue *d = &plan->dialogues[i];
          if ((int) d->split != s)
            continue;
          for (int u = 0; u < d->n_utts; u++)
            {
              const StvaDemoUtterance *utt = &d->utts[u];
              char start[32], end[32];
              format_time (start, sizeof start, utt->start_ms);
              format_time (end, sizeof end, utt->end_ms);
              fprintf (f, "%d,", sr++);
              write_field (f, utt->text);
              fprintf (f, ",%s,%s,%s,%d,%d,%d,%d,\"%s\",\"%s\"\r\n",
                       plan->characters[utt->speaker].name, STVA_DEMO_EMOTIONS[utt->label],
                       STVA_DEMO_SENTIMENTS[utt->label_sentiment], d->dialogue_id,
                       utt->utterance_id,
                       d->season, d->episode, start, end);
            }
        }
      StvaStatus status = finish_file (f, tmp, path, error);
      if (status != STVA_OK)
        return status;
    }
  return STVA_OK;
}

static const char *
cue_name (int cue)
{
  return cue >= 0 ? STVA_DEMO_EMOTIONS[cue] : "none";
}

static StvaStatus
write_manifest (const char         *dir,
                const StvaDemoPlan *plan,
                StvaError          *error)
{
  char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
  snprintf (path, sizeof path, "%s/%s", dir, MANIFEST_NAME);
  snprintf (tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen (tmp, "wb");
  if (f == NULL)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", tmp, strerror (errno));
  fprintf (f, "# synctva demo corpus 1 seed=%llu dialogues=%d fps=%d width=%d height=%d "
              "audio_rate_hz=%d\n",
           (unsigned long long) plan->seed, plan->n_dialogues, FPS, FRAME_W, FRAME_H, RATE_HZ);
  fputs ("split\tdialogue_id\tutterance_id\tspeaker\temotion\tsentiment\tstart_ms\tend_ms\t"
         "speech_ms\ttext_cue\ttext_shown\ttext_negated\ttext_misleading\ttext_missing\t"
         "audio_cue\taudio_intensity\taudio_missing\tpitch\trange\trate_wpm\tgain\tpause_ms\t"
         "tremor\tdrive\tvisual_cue\tvisual_intensity\tvisual_missing\tmouth_curve\t"
         "mouth_open\tmouth_width\tlip_raise\tbrow_raise\tbrow_tilt\teye_open\thead_yaw\t"
         "head_pitch\ttalk\tmotion_amp\tmotion_hz\tshake\tvoice\tclip\tlabel\t"
         "label_sentiment\tlabel_noise\n", f);
  for (int i = 0; i < plan->n_dialogues; i++)
    {
      const StvaDemoDialogue *d = &plan->dialogues[i];
      for (int u = 0; u < d->n_utts; u++)
        {
          const StvaDemoUtterance *t = &d->utts[u];
          const StvaDemoExpr *e = &t->face.base;
          const StvaDemoProsody *p = &t->prosody;
          fprintf (f, "%s\t%d\t%d\t%s\t%s\t%s\t%lld\t%lld\t%d\t%s\t%s\t%d\t%d\t%d\t%s\t%.3f\t%d\t"
                      "%d\t%d\t%d\t%.3f\t%d\t%.3f\t%.3f\t%s\t%.3f\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t"
                      "%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.4f\t%.3f\t%.3f\t%s\t%s/dia%d_utt%d.mp4\t%s\t%s\t%d\n",
                   STVA_DEMO_SPLIT_NAMES[d->split], d->dialogue_id, t->utterance_id,
                   plan->characters[t->speaker].name, STVA_DEMO_EMOTIONS[t->emotion],
                   STVA_DEMO_SENTIMENTS[t->sentiment], (long long) t->start_ms,
                   (long long) t->end_ms, (int) lround (t->speech_s * 1000.0),
                   cue_name (t->text_cue), cue_name (t->text_shown), t->text_negated,
                   t->text_misleading, t->text_missing, cue_name (t->audio_cue),
                   t->audio_cue >= 0 ? t->audio_intensity : 0.0, t->audio_missing, p->pitch,
                   p->range, p->rate_wpm, p->gain, p->pause_ms, p->tremor, p->drive,
                   cue_name (t->visual_cue), t->visual_cue >= 0 ? t->visual_intensity : 0.0,
                   t->visual_missing, e->mouth_curve, e->mouth_open, e->mouth_width,
                   e->lip_raise, e->brow_raise, e->brow_tilt, e->eye_open, e->head_yaw,
                   e->head_pitch, t->face.talk, t->face.motion_amp, t->face.motion_hz,
                   t->face.shake, plan->characters[t->speaker].voice,
                   STVA_DEMO_CLIP_DIRS[d->split], d->dialogue_id, t->utterance_id,
                   STVA_DEMO_EMOTIONS[t->label], STVA_DEMO_SENTIMENTS[t->label_sentiment],
                   t->label_noise);
        }
    }
  return finish_file (f, tmp, path, error);
}

/* ---- public API ------------------------------------------------------------------------------ */

void
stva_demo_options_init (StvaDemoOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->size = STVA_DEMO_SIZE_SMALL;
  opts->seed = 1;
}

StvaStatus
stva_demo_generate (const char            *dir,
                    const StvaDemoOptions *opts,
                    StvaDemoSummary       *summary,
                    StvaError             *error)
{
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  int n_dialogues = opts->n_dialogues > 0 ? opts->n_dialogues
                    : opts->size == STVA_DEMO_SIZE_DEFAULT ? 300 : 40;
  int jobs = opts->jobs > 0 ? opts->jobs : (int) sysconf (_SC_NPROCESSORS_ONLN);
  jobs = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
  if (strlen (dir) > PATH_MAX_LEN - 128)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: path too long", dir);

  if (!(opts->label_noise >= 0.0 && opts->label_noise <= 0.5))
    return stva_error_set (error, STVA_ERR_INVALID, "label noise %g is not a share in [0, 0.5]",
                           opts->label_noise);
  StvaDemoPlan plan;
  StvaStatus status = stva_demo_plan_make (&plan, opts->seed, n_dialogues, error);
  if (status != STVA_OK)
    return status;
  int n_flipped = stva_demo_plan_add_label_noise (&plan, opts->label_noise);
  if ((status = prepare_dir (dir, error)) != STVA_OK)
    {
      stva_demo_plan_clear (&plan);
      return status;
    }

  Run run = { .dir = dir, .plan = &plan };
  pthread_mutex_init (&run.lock, NULL);
  pthread_cond_init (&run.changed, NULL);
  pthread_t threads[64];
  int started = 0;
  for (int i = 0; i < jobs; i++)
    if (pthread_create (&threads[started], NULL, generate_thread, &run) == 0)
      started++;
  if (started == 0)
    {
      StvaError e;
      stva_error_set (&e, STVA_ERR_EXTERNAL, "could not start a worker thread");
      run_fail (&run, &e);
    }

  /* Report progress from this thread; a false return from the callback cancels. */
  pthread_mutex_lock (&run.lock);
  int reported = -1;
  while (!run.stop && run.done < plan.n_dialogues)
    {
      if (run.done != reported && opts->progress != NULL)
        {
          reported = run.done;
          int done = run.done;
          pthread_mutex_unlock (&run.lock);
          bool go_on = opts->progress (done, plan.n_dialogues, opts->progress_data);
          pthread_mutex_lock (&run.lock);
          if (!go_on && !run.stop)
            {
              run.stop = true;
              stva_error_set (&run.error, STVA_ERR_CANCELLED, "demo generation cancelled");
            }
          continue;
        }
      pthread_cond_wait (&run.changed, &run.lock);
    }
  pthread_mutex_unlock (&run.lock);
  for (int i = 0; i < started; i++)
    pthread_join (threads[i], NULL);
  if (run.error.code == STVA_OK && opts->progress != NULL)
    opts->progress (run.done, plan.n_dialogues, opts->progress_data);

  if (run.error.code != STVA_OK)
    {
      status = run.error.code;
      if (error != NULL)
        *error = run.error;
    }
  if (status == STVA_OK)
    status = write_csvs (dir, &plan, error);
  if (status == STVA_OK)
    status = write_manifest (dir, &plan, error);

  if (status == STVA_OK && summary != NULL)
    {
      memset (summary, 0, sizeof *summary);
      for (int i = 0; i < plan.n_dialogues; i++)
        {
          const StvaDemoDialogue *d = &plan.dialogues[i];
          summary->n_dialogues[d->split]++;
          summary->n_utterances[d->split] += d->n_utts;
          for (int u = 0; u < d->n_utts; u++)
            summary->emotion_counts[d->utts[u].emotion]++;
        }
      summary->n_label_noise = n_flipped;
      summary->media_seconds = run.media_s;
      clock_gettime (CLOCK_MONOTONIC, &t1);
      summary->elapsed_s = (double) (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    }
  pthread_mutex_destroy (&run.lock);
  pthread_cond_destroy (&run.changed);
  stva_demo_plan_clear (&plan);
  return status;
}
