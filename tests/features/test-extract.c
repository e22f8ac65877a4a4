/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The extraction runner (core/features/stva-extract.h) on a few clips made here: rows land by
 * item whatever the thread count, the cache makes a second run compute nothing and give the
 * same bytes, a damaged cache file is recomputed, shards fill the cache so that a last full run
 * computes nothing, a broken clip marks only its own utterance missing and is named, and a
 * progress callback can cancel.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-extract.h"
#include "stva-media-log.h"
#include "stva-text.h"

#include "clip-writer.h"
#include "drawn-face.h"

#define W 320
#define H 240
#define FPS 20
#define RATE 16000
#define N_CLIPS 4

typedef struct
{
  char            *dir;
  char            *cache;
  char            *clips[N_CLIPS + 1];   /* the last is not a video */
  StvaTextEncoder *enc;
} Fixture;

/* Frame f of clip k: a drawn face talking. */
static void
draw_talk (uint32_t *px,
           int       f,
           void     *user_data)
{
  int k = *(const int *) user_data;
  StvaDemoExpr expr = { 0 };
  expr.eye_open = 1.0;
  expr.mouth_open = 0.5 + 0.5 * sin (f * 0.7);
  expr.mouth_curve = k * 0.2;
  drawn_face_words (px, k % 6, &expr, W, H);
}

/* The sound of clip k: a 150 Hz + 300 Hz buzz, louder for larger k. */
static void
buzz (float   *x,
      size_t   n,
      int64_t  first,
      int      rate_hz,
      void    *user_data)
{
  int k = *(const int *) user_data;
  for (size_t i = 0; i < n; i++)
    {
      double t = (double) (first + (int64_t) i) / rate_hz;
      x[i] = (float) ((0.05 + 0.1 * k) * (sin (2 * M_PI * 150 * t)
                                          + 0.5 * sin (2 * M_PI * 300 * t)));
    }
}

/* A clip of n_frames of a drawn face with a 150 Hz + 300 Hz buzz, louder for larger k. */
static void
write_clip (const char *path,
            int         k,
            int         n_frames)
{
  ClipSpec spec = { .width = W, .height = H, .fps = FPS, .n_frames = n_frames, .rate_hz = RATE,
                    .draw = draw_talk, .sound = buzz, .user_data = &k };
  clip_write (path, &spec, true, true);
}

static const char *const texts[N_CLIPS + 1] = {
  "Oh wow, that's amazing!", "I don't know, maybe.", "", "This is so unfair!!",
  "Nobody can read this clip.",
};

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  (void) data;
  fx->dir = clip_tmp_dir ("stva-extract-XXXXXX");
  fx->cache = g_build_filename (fx->dir, "cache", NULL);
  for (int k = 0; k < N_CLIPS; k++)
    {
      g_autofree char *name = g_strdup_printf ("clip%d.mp4", k);
      fx->clips[k] = g_build_filename (fx->dir, name, NULL);
      write_clip (fx->clips[k], k, 16 + 4 * k);
    }
  fx->clips[N_CLIPS] = g_build_filename (fx->dir, "broken.mp4", NULL);
  g_assert_true (g_file_set_contents (fx->clips[N_CLIPS], "this is not a video", -1, NULL));
  fx->enc = stva_text_encoder_new (256);
  StvaError error = { 0 };
  g_assert_cmpint (stva_text_encoder_fit (fx->enc, texts, N_CLIPS + 1, &error), ==, STVA_OK);
}

static void
remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (d != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (d);
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  (void) data;
  remove_tree (fx->dir);
  for (int k = 0; k <= N_CLIPS; k++)
    g_free (fx->clips[k]);
  stva_text_encoder_free (fx->enc);
  g_free (fx->cache);
  g_free (fx->dir);
}

typedef struct
{
  float   *out[STVA_N_MOD];
  uint8_t *mask[STVA_N_MOD];
  size_t   dim[STVA_N_MOD];
} Rows;

static void
rows_init (Rows                  *r,
           const StvaTextEncoder *enc)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      r->dim[m] = stva_extract_dim (m, enc);
      r->out[m] = g_new0 (float, (N_CLIPS + 1) * r->dim[m]);
      r->mask[m] = g_new0 (uint8_t, N_CLIPS + 1);
    }
}

static void
rows_clear (Rows *r)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_free (r->out[m]);
      g_free (r->mask[m]);
    }
}

static void
items_init (Fixture         *fx,
            StvaExtractItem *items)
{
  for (int k = 0; k <= N_CLIPS; k++)
    items[k] = (StvaExtractItem) { .media_path = fx->clips[k], .start_s = 0.0, .end_s = -1.0,
                                   .text = texts[k], .dialogue = k };
}

static StvaStatus
run (Fixture           *fx,
     int                jobs,
     int                shard_index,
     int                shard_count,
     Rows              *rows,
     StvaExtractReport *report,
     StvaError         *error)
{
  StvaExtractItem items[N_CLIPS + 1];
  items_init (fx, items);
  StvaExtractOptions opts;
  stva_extract_options_init (&opts);
  opts.jobs = jobs;
  opts.cache_dir = fx->cache;
  opts.text_encoder = fx->enc;
  opts.shard_index = shard_index;
  opts.shard_count = shard_count;
  return stva_extract_run (items, N_CLIPS + 1, &opts, rows->out, rows->mask, report, error);
}

static void
assert_rows_equal (const Rows *a,
                   const Rows *b)
{
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      g_assert_cmpmem (a->mask[m], N_CLIPS + 1, b->mask[m], N_CLIPS + 1);
      g_assert_cmpmem (a->out[m], (N_CLIPS + 1) * a->dim[m] * sizeof (float), b->out[m],
                       (N_CLIPS + 1) * b->dim[m] * sizeof (float));
    }
}

static void
test_cache (Fixture       *fx,
            gconstpointer  data)
{
  (void) data;
  Rows first, second, third;
  rows_init (&first, fx->enc);
  rows_init (&second, fx->enc);
  rows_init (&third, fx->enc);
  StvaExtractReport report;
  StvaError error = { 0 };

  g_assert_cmpint (run (fx, 2, 0, 1, &first, &report, &error), ==, STVA_OK);
  g_assert_cmpuint (report.n_items, ==, N_CLIPS + 1);
  g_assert_cmpuint (report.n_computed[STVA_MOD_A], ==, N_CLIPS);
  g_assert_cmpuint (report.n_computed[STVA_MOD_V], ==, N_CLIPS);
  g_assert_cmpuint (report.n_cached[STVA_MOD_A], ==, 0);
  g_assert_cmpuint (report.n_missing[STVA_MOD_T], ==, 1);   /* the empty transcript */
  /* the broken file: counted once, named, its audio and video missing; nothing else is */
  g_assert_cmpuint (report.n_failed, ==, 1);
  g_assert_cmpint (report.n_messages, ==, 1);   /* one per file, though audio and video fail */
  g_assert_nonnull (strstr (report.messages[0], "broken.mp4"));
  for (int k = 0; k <= N_CLIPS; k++)
    {
      g_assert_cmpint (first.mask[STVA_MOD_A][k], ==, k < N_CLIPS);
      g_assert_cmpint (first.mask[STVA_MOD_V][k], ==, k < N_CLIPS);
      g_assert_cmpint (first.mask[STVA_MOD_T][k], ==, texts[k][0] != '\0');
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    for (size_t i = 0; i < (N_CLIPS + 1) * first.dim[m]; i++)
      g_assert_true (isfinite (first.out[m][i]));
  /* a louder buzz: a different audio vector, so rows are not copies of one another */
  g_assert_true (memcmp (first.out[STVA_MOD_A], first.out[STVA_MOD_A] + first.dim[STVA_MOD_A],
                         first.dim[STVA_MOD_A] * sizeof (float)) != 0);

  /* second run, one thread: everything from the cache, the same bytes */
  g_assert_cmpint (run (fx, 1, 0, 1, &second, &report, &error), ==, STVA_OK);
  g_assert_cmpuint (report.n_computed[STVA_MOD_A] + report.n_computed[STVA_MOD_V], ==, 0);
  g_assert_cmpuint (report.n_cached[STVA_MOD_A], ==, N_CLIPS);
  g_assert_cmpuint (report.n_cached[STVA_MOD_V], ==, N_CLIPS);
  assert_rows_equal (&first, &second);

  /* damage every cache file of one version: truncate them; they are recomputed */
  g_autofree char *audio_dir = g_build_filename (fx->cache, "audio-v1", NULL);
  GDir *d = g_dir_open (audio_dir, 0, NULL);
  g_assert_nonnull (d);
  int damaged = 0;
  const char *sub;
  while ((sub = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *subdir = g_build_filename (audio_dir, sub, NULL);
      GDir *d2 = g_dir_open (subdir, 0, NULL);
      const char *name;
      while (d2 != NULL && (name = g_dir_read_name (d2)) != NULL)
        {
          g_autofree char *file = g_build_filename (subdir, name, NULL);
          g_assert_true (g_file_set_contents (file, "STVC", 4, NULL));
          damaged++;
        }
      if (d2 != NULL)
        g_dir_close (d2);
    }
  g_dir_close (d);
  g_assert_cmpint (damaged, ==, N_CLIPS);
  g_assert_cmpint (run (fx, 2, 0, 1, &third, &report, &error), ==, STVA_OK);
  g_assert_cmpuint (report.n_computed[STVA_MOD_A], ==, N_CLIPS);
  g_assert_cmpuint (report.n_cached[STVA_MOD_V], ==, N_CLIPS);
  assert_rows_equal (&first, &third);

  rows_clear (&first);
  rows_clear (&second);
  rows_clear (&third);
}

static void
test_shards (Fixture       *fx,
             gconstpointer  data)
{
  (void) data;
  Rows r;
  rows_init (&r, fx->enc);
  StvaExtractReport report;
  StvaError error = { 0 };
  size_t computed = 0;
  for (int s = 0; s < 2; s++)
    {
      g_assert_cmpint (run (fx, 1, s, 2, &r, &report, &error), ==, STVA_OK);
      /* only this shard's items have rows */
      for (int k = 0; k <= N_CLIPS; k++)
        if (k % 2 != s)
          for (int m = 0; m < STVA_N_MOD; m++)
            g_assert_cmpint (r.mask[m][k], ==, 0);
      computed += report.n_computed[STVA_MOD_A];
    }
  g_assert_cmpuint (computed, ==, N_CLIPS);
  g_assert_cmpint (run (fx, 2, 0, 1, &r, &report, &error), ==, STVA_OK);
  g_assert_cmpuint (report.n_computed[STVA_MOD_A] + report.n_computed[STVA_MOD_V], ==, 0);
  g_assert_cmpuint (report.n_cached[STVA_MOD_A], ==, N_CLIPS);

  /* a bad shard is refused */
  g_assert_cmpint (run (fx, 1, 2, 2, &r, &report, &error), ==, STVA_ERR_INVALID);
  rows_clear (&r);
}

static bool
stop_at_once (size_t done,
              size_t total,
              void  *user_data)
{
  (void) done;
  (void) total;
  (*(int *) user_data)++;
  return false;
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  (void) data;
  Rows r;
  rows_init (&r, fx->enc);
  StvaExtractItem items[N_CLIPS + 1];
  items_init (fx, items);
  StvaExtractOptions opts;
  stva_extract_options_init (&opts);
  opts.jobs = 1;
  opts.cache_dir = fx->cache;
  opts.text_encoder = fx->enc;
  int calls = 0;
  opts.progress = stop_at_once;
  opts.user_data = &calls;
  StvaError error = { 0 };
  StvaStatus status = stva_extract_run (items, N_CLIPS + 1, &opts, r.out, r.mask, NULL, &error);
  g_assert_cmpint (status, ==, STVA_ERR_CANCELLED);
  g_assert_cmpint (calls, >=, 1);
  g_assert_nonnull (strstr (error.message, "cancelled"));
  rows_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  stva_media_log_errors_only ();
  g_test_add ("/features/extract/cache", Fixture, NULL, fixture_set_up, test_cache,
              fixture_tear_down);
  g_test_add ("/features/extract/shards", Fixture, NULL, fixture_set_up, test_shards,
              fixture_tear_down);
  g_test_add ("/features/extract/cancel", Fixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);
  return g_test_run ();
}
