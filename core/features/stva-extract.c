/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feature extraction over many utterances (see stva-extract.h): a pool of worker threads takes
 * items in order from a shared counter; each item's audio and visual vectors come from the
 * cache when a valid file is there, else from the extractors, and go to the cache.  The
 * calling thread fills the text rows, then waits, reporting progress and passing on a cancel.
 * Results land in the caller's rows by item index, so they do not depend on the thread count.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "stva-audio.h"
#include "stva-face-dlib.h"
#include "stva-media-reader.h"
#include "stva-visual.h"
#include "stva-extract.h"

/* ---- types -------------------------------------------------------------------------------- */

#define CACHE_MAGIC "STVC"
#define CACHE_VERSION 1u
#define PATH_LEN 4096

typedef struct
{
  const StvaExtractItem    *items;
  size_t                    n;
  const StvaExtractOptions *opts;
  float                   **out;          /* [STVA_N_MOD] */
  uint8_t                 **mask;         /* [STVA_N_MOD] */
  const StvaFaceModel      *face_model;   /* shared, read-only */
  atomic_size_t             next;
  atomic_bool               stop;
  pthread_mutex_t           lock;         /* guards everything below */
  pthread_cond_t            changed;
  size_t                    done;
  int                       running;
  StvaExtractReport        *report;
} Run;

/* ---- helpers ------------------------------------------------------------------------------ */

static bool
in_shard (const StvaExtractOptions *opts,
          const StvaExtractItem    *item)
{
  if (opts->shard_count <= 1)
    return true;
  int d = item->dialogue < 0 ? -item->dialogue : item->dialogue;
  return d % opts->shard_count == opts->shard_index;
}

static uint64_t
fnv1a (uint64_t    h,
       const void *bytes,
       size_t      n)
{
  const unsigned char *p = bytes;
  for (size_t i = 0; i < n; i++)
    {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  return h;
}

/* The cache file of (item, modality): false when the media cannot be stat'ed (no cache then). */
static bool
cache_path (const StvaExtractOptions *opts,
            const StvaExtractItem    *item,
            const char               *version,
            char                     *path,
            size_t                    n)
{
  struct stat st;
  if (opts->cache_dir == NULL || item->media_path == NULL || stat (item->media_path, &st) != 0)
    return false;
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv1a (h, version, strlen (version) + 1);
  h = fnv1a (h, item->media_path, strlen (item->media_path) + 1);
  int64_t facts[4] = { (int64_t) st.st_size, (int64_t) st.st_mtim.tv_sec,
                       (int64_t) st.st_mtim.tv_nsec, 0 };
  h = fnv1a (h, facts, sizeof facts);
  double range[3] = { item->start_s, item->end_s, opts->visual_fps };
  h = fnv1a (h, range, sizeof range);
  int len = snprintf (path, n, "%s/%s/%02x/%016llx.f32", opts->cache_dir, version,
                      (unsigned) (h >> 56), (unsigned long long) h);
  return len > 0 && (size_t) len < n;
}

static void
put_u32 (unsigned char *p,
         uint32_t       v)
{
  p[0] = (unsigned char) v;
  p[1] = (unsigned char) (v >> 8);
  p[2] = (unsigned char) (v >> 16);
  p[3] = (unsigned char) (v >> 24);
}

static uint32_t
get_u32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* Layout: "STVC", u32 version, u32 dim, dim float32 (little-endian), u32 CRC-32 of all before.
 * True only for a whole, intact file of the expected width. */
static bool
cache_read (const char *path,
            float      *row,
            size_t      dim)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return false;
  size_t want = 12 + 4 * dim + 4;
  unsigned char *buf = malloc (want + 1);
  size_t got = buf != NULL ? fread (buf, 1, want + 1, f) : 0;
  fclose (f);
  bool ok = buf != NULL && got == want && memcmp (buf, CACHE_MAGIC, 4) == 0
            && get_u32 (buf + 4) == CACHE_VERSION && get_u32 (buf + 8) == dim
            && get_u32 (buf + want - 4) == (uint32_t) crc32 (0L, buf, (uInt) (want - 4));
  if (ok)
    for (size_t i = 0; i < dim; i++)
      {
        uint32_t bits = get_u32 (buf + 12 + 4 * i);
        memcpy (&row[i], &bits, 4);
      }
  free (buf);
  return ok;
}

static int
make_dirs (char *path)   /* mkdir -p of path's parent; path is restored */
{
  for (char *p = path + 1; *p != '\0'; p++)
    if (*p == '/')
      {
        *p = '\0';
        int rc = mkdir (path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
          return -1;
      }
  return 0;
}

/* Best effort: a cache that cannot be written only costs time on the next run. */
static void
cache_write (char        *path,
             const float *row,
             size_t       dim)
{
  size_t n = 12 + 4 * dim + 4;
  unsigned char *buf = malloc (n);
  char tmp[PATH_LEN + 32];
  if (buf == NULL || make_dirs (path) != 0)
    {
      free (buf);
      return;
    }
  memcpy (buf, CACHE_MAGIC, 4);
  put_u32 (buf + 4, CACHE_VERSION);
  put_u32 (buf + 8, (uint32_t) dim);
  for (size_t i = 0; i < dim; i++)
    {
      uint32_t bits;
      memcpy (&bits, &row[i], 4);
      put_u32 (buf + 12 + 4 * i, bits);
    }
  put_u32 (buf + n - 4, (uint32_t) crc32 (0L, buf, (uInt) (n - 4)));
  snprintf (tmp, sizeof tmp, "%s.%ld.tmp", path, (long) getpid ());
  FILE *f = fopen (tmp, "wb");
  bool ok = f != NULL && fwrite (buf, 1, n, f) == n;
  if (f != NULL && fclose (f) != 0)
    ok = false;
  if (ok)
    ok = rename (tmp, path) == 0;
  if (!ok)
    unlink (tmp);
  free (buf);
}

/* A modality of an item could not be read: keeps the message; count_item once per item. */
static void
note_failure (Run        *run,
              const char *message,
              bool        count_item)
{
  pthread_mutex_lock (&run->lock);
  StvaExtractReport *r = run->report;
  if (count_item)
    r->n_failed++;
  if (r->n_messages < STVA_EXTRACT_MAX_MESSAGES)
    snprintf (r->messages[r->n_messages++], STVA_ERROR_MESSAGE_MAX, "%s", message);
  pthread_mutex_unlock (&run->lock);
}

static void
count (Run    *run,
       size_t *counter)
{
  pthread_mutex_lock (&run->lock);
  (*counter)++;
  pthread_mutex_unlock (&run->lock);
}

/* ---- workers ------------------------------------------------------------------------------ */

typedef struct
{
  Run                 *run;
  StvaVisualExtractor *visual;   /* owned, made when first needed */
  StvaVisualResult     result;
} Worker;

/* Audio or visual row of item i: from the cache, or computed (and cached).  False when the
 * media could not be read (the message is noted once per item by the caller). */
static bool
media_row (Worker                *w,
           size_t                 i,
           int                    m,
           StvaError             *error)
{
  Run *run = w->run;
  const StvaExtractItem *item = &run->items[i];
  size_t dim = stva_extract_dim (m, NULL);
  float *row = run->out[m] + i * dim;
  const char *version = m == STVA_MOD_A ? stva_audio_version () : STVA_VISUAL_VERSION;
  char path[PATH_LEN];
  bool cacheable = cache_path (run->opts, item, version, path, sizeof path);

  if (cacheable && cache_read (path, row, dim))
    {
      count (run, &run->report->n_cached[m]);
      return true;
    }

  StvaStatus status;
  if (m == STVA_MOD_A)
    {
      float *pcm = NULL;
      size_t n_pcm = 0;
      status = stva_media_read_audio (item->media_path, item->start_s, item->end_s, &pcm, &n_pcm,
                                      error);
      if (status == STVA_OK)
        status = stva_audio_extract (pcm, n_pcm, row, error);
      free (pcm);
    }
  else
    {
      status = STVA_OK;
      if (w->visual == NULL)
        {
          StvaVisualOptions vo;
          stva_visual_options_init (&vo);
          if (run->opts->visual_fps > 0.0)
            vo.sample_fps = run->opts->visual_fps;
          status = stva_visual_extractor_new (&w->visual, run->face_model, &vo, error);
        }
      if (status == STVA_OK)
        status = stva_visual_extract_file (w->visual, item->media_path, item->start_s,
                                           item->end_s, &w->result, error);
      if (status == STVA_OK)
        memcpy (row, w->result.values, dim * sizeof *row);
    }
  if (status != STVA_OK)
    {
      memset (row, 0, dim * sizeof *row);
      return false;
    }
  if (cacheable)
    cache_write (path, row, dim);
  count (run, &run->report->n_computed[m]);
  return true;
}

static void *
extract_thread (void *data)
{
  Worker *w = data;
  Run *run = w->run;
  stva_visual_result_init (&w->result);
  for (;;)
    {
      if (atomic_load (&run->stop))
        break;
      size_t i = atomic_fetch_add (&run->next, 1);
      if (i >= run->n)
        break;
      const StvaExtractItem *item = &run->items[i];
      if (in_shard (run->opts, item))
        {
          /* each modality on its own: a video without audio still gives its visual row */
          bool failed = false;
          for (int m = STVA_MOD_A; m <= STVA_MOD_V; m++)
            {
              if (!run->opts->modality[m] || run->out[m] == NULL)
                continue;
              if (item->media_path == NULL)
                {
                  run->mask[m][i] = 0;
                  count (run, &run->report->n_missing[m]);
                  continue;
                }
              StvaError error = { 0 };
              bool ok = media_row (w, i, m, &error);
              run->mask[m][i] = ok;
              if (!ok && !failed)   /* one message per file: the first thing that failed */
                note_failure (run, error.message, true);
              failed = failed || !ok;
            }
        }
      pthread_mutex_lock (&run->lock);
      run->done++;
      pthread_cond_signal (&run->changed);
      pthread_mutex_unlock (&run->lock);
    }
  stva_visual_result_clear (&w->result);
  stva_visual_extractor_free (w->visual);
  pthread_mutex_lock (&run->lock);
  run->running--;
  pthread_cond_signal (&run->changed);
  pthread_mutex_unlock (&run->lock);
  return NULL;
}

/* ---- public API --------------------------------------------------------------------------- */

void
stva_extract_options_init (StvaExtractOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->jobs = 0;
  opts->shard_count = 1;
  for (int m = 0; m < STVA_N_MOD; m++)
    opts->modality[m] = true;
  opts->visual_fps = 5.0;
}

size_t
stva_extract_dim (int                    m,
                  const StvaTextEncoder *enc)
{
  switch (m)
    {
    case STVA_MOD_T:
      return enc != NULL ? stva_text_encoder_dim (enc) : 0;
    case STVA_MOD_A:
      return stva_audio_dim ();
    case STVA_MOD_V:
      return STVA_VISUAL_DIM;
    default:
      return 0;
    }
}

StvaStatus
stva_extract_run (const StvaExtractItem    *items,
                  size_t                    n,
                  const StvaExtractOptions *opts,
                  float                    *out[STVA_N_MOD],
                  uint8_t                  *mask[STVA_N_MOD],
                  StvaExtractReport        *report,
                  StvaError                *error)
{
  StvaExtractReport local;
  if (report == NULL)
    report = &local;
  memset (report, 0, sizeof *report);
  if (opts->shard_count < 1 || opts->shard_index < 0 || opts->shard_index >= opts->shard_count)
    return stva_error_set (error, STVA_ERR_INVALID, "shard %d/%d: the index must be in 0..%d",
                           opts->shard_index, opts->shard_count, opts->shard_count - 1);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (opts->modality[m] && (out[m] == NULL || mask[m] == NULL))
      return stva_error_set (error, STVA_ERR_INVALID, "no output rows for modality %s",
                             stva_modality_name (m));
  if (opts->modality[STVA_MOD_T] && opts->text_encoder == NULL)
    return stva_error_set (error, STVA_ERR_INVALID, "text features need a fitted text encoder");

  for (int m = 0; m < STVA_N_MOD; m++)
    if (opts->modality[m])
      {
        size_t dim = stva_extract_dim (m, opts->text_encoder);
        memset (out[m], 0, n * dim * sizeof (float));
        memset (mask[m], 0, n);
      }
  for (size_t i = 0; i < n; i++)
    if (in_shard (opts, &items[i]))
      report->n_items++;

  /* text: in this thread, it is cheap */
  if (opts->modality[STVA_MOD_T])
    {
      size_t dim = stva_extract_dim (STVA_MOD_T, opts->text_encoder);
      for (size_t i = 0; i < n; i++)
        {
          if (!in_shard (opts, &items[i]))
            continue;
          if (items[i].text == NULL || items[i].text[0] == '\0')
            {
              report->n_missing[STVA_MOD_T]++;
              continue;
            }
          StvaStatus status = stva_text_encode (opts->text_encoder, items[i].text,
                                                out[STVA_MOD_T] + i * dim, error);
          if (status != STVA_OK)
            return status;
          mask[STVA_MOD_T][i] = 1;
          report->n_computed[STVA_MOD_T]++;
        }
    }
  if (!opts->modality[STVA_MOD_A] && !opts->modality[STVA_MOD_V])
    return STVA_OK;

  StvaFaceModel *face_model = NULL;
  if (opts->modality[STVA_MOD_V])
    {
      StvaStatus status = stva_face_model_load (&face_model, opts->face_model_path, error);
      if (status != STVA_OK)
        return status;
    }

  Run run = {
    .items = items, .n = n, .opts = opts, .out = out, .mask = mask,
    .face_model = face_model, .report = report,
  };
  atomic_init (&run.next, 0);
  atomic_init (&run.stop, false);
  pthread_mutex_init (&run.lock, NULL);
  pthread_cond_init (&run.changed, NULL);

  int jobs = opts->jobs > 0 ? opts->jobs : (int) sysconf (_SC_NPROCESSORS_ONLN);
  if (jobs < 1)
    jobs = 1;
  if (jobs > 256)
    jobs = 256;
  Worker *workers = calloc ((size_t) jobs, sizeof *workers);
  pthread_t *threads = calloc ((size_t) jobs, sizeof *threads);
  StvaStatus status = STVA_OK;
  if (workers == NULL || threads == NULL)
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "out of memory");
      goto out;
    }
  for (int j = 0; j < jobs; j++)
    {
      workers[j].run = &run;
      pthread_mutex_lock (&run.lock);
      run.running++;
      pthread_mutex_unlock (&run.lock);
      if (pthread_create (&threads[j], NULL, extract_thread, &workers[j]) != 0)
        {
          pthread_mutex_lock (&run.lock);
          run.running--;
          pthread_mutex_unlock (&run.lock);
          jobs = j;
          if (j == 0)
            {
              status = stva_error_set (error, STVA_ERR_EXTERNAL, "cannot start a thread");
              goto out;
            }
          break;
        }
    }

  pthread_mutex_lock (&run.lock);
  size_t reported = (size_t) -1;
  while (run.running > 0)
    {
      if (run.done != reported)
        {
          size_t done = run.done;
          reported = done;
          if (opts->progress != NULL)
            {
              pthread_mutex_unlock (&run.lock);
              bool go_on = opts->progress (done, n, opts->user_data);
              pthread_mutex_lock (&run.lock);
              if (!go_on)
                atomic_store (&run.stop, true);
            }
          continue;
        }
      pthread_cond_wait (&run.changed, &run.lock);
    }
  bool cancelled = atomic_load (&run.stop);
  size_t done = run.done;
  pthread_mutex_unlock (&run.lock);
  for (int j = 0; j < jobs; j++)
    pthread_join (threads[j], NULL);
  if (opts->progress != NULL && !cancelled && done != reported)
    opts->progress (done, n, opts->user_data);
  if (cancelled)
    status = stva_error_set (error, STVA_ERR_CANCELLED,
                             "cancelled after %zu of %zu utterances (finished ones are cached)",
                             done, n);

out:
  free (workers);
  free (threads);
  pthread_mutex_destroy (&run.lock);
  pthread_cond_destroy (&run.changed);
  stva_face_model_free (face_model);
  return status;
}
