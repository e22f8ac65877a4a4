/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The extract job (engine/stva-engine-extract.h) on a small project without media (text, and
 * audio and video counted missing) and on its MELD folder: each stage's progress reaches its
 * total; cancelled at every report the project passes its integrity check and holds the text
 * of every dialogue or of none, as the job says; a corpus's npz is written whole or not at
 * all; options that do not fit and a cache that cannot be written are refused before anything
 * is stored.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "e1-fixture.h"

static Fixture fx;

typedef struct
{
  int           n_reports;
  int           cancel_at;
  GCancellable *cancellable;
  GPtrArray    *stages;        /* of owned "stage done/total" at each stage's last report */
  gboolean      slow;          /* sleep in each report so none is coalesced */
  char         *stage;
  gint64        done, total;
} Watch;

static void
watch_flush (Watch *w)
{
  if (w->stage != NULL)
    g_ptr_array_add (w->stages, g_strdup_printf ("%s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                 w->stage, w->done, w->total));
}

static void
on_progress (const StvaJobProgress *p,
             gpointer               user_data)
{
  Watch *w = user_data;
  w->n_reports++;
  if (g_strcmp0 (w->stage, p->stage) != 0)
    {
      watch_flush (w);
      g_free (w->stage);
      w->stage = g_strdup (p->stage);
    }
  w->done = p->done;
  w->total = p->total;
  if (w->cancel_at == w->n_reports)
    g_cancellable_cancel (w->cancellable);
  if (w->slow && w->n_reports < w->cancel_at)
    g_usleep (55 * 1000);   /* > the job's 50 ms between reports */
}

static void
watch_init (Watch *w,
            int    cancel_at)
{
  memset (w, 0, sizeof *w);
  w->cancel_at = cancel_at;
  w->cancellable = g_cancellable_new ();
  w->stages = g_ptr_array_new_with_free_func (g_free);
}

static void
watch_clear (Watch *w)
{
  g_clear_object (&w->cancellable);
  g_ptr_array_unref (w->stages);
  g_free (w->stage);
}

static void
test_project_progress (void)
{
  g_autofree char *project = fixture_import (&fx, "progress.stva");
  StvaEngineExtractOptions options;
  stva_engine_extract_options_init (&options);   /* T and A: no media, the audio missing */
  options.project = project;
  options.modality[STVA_MOD_V] = FALSE;   /* (the face detector's model takes a second to load) */
  options.jobs = 2;
  Watch w;
  watch_init (&w, 0);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
  StvaEngineExtractResult r;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_extract (job, &options, &r, &error));
  g_assert_no_error (error);
  watch_flush (&w);
  g_assert_cmpuint (w.stages->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (w.stages, 0), ==, "fitting the text encoder 32/32");
  g_assert_cmpstr (g_ptr_array_index (w.stages, 1), ==, "encoding text 56/56");
  g_assert_cmpstr (g_ptr_array_index (w.stages, 2), ==, "extracting 56/56");
  g_assert_cmpuint (r.n_dialogues, ==, FIXTURE_DIALOGUES);
  g_assert_cmpuint (r.n_utterances, ==, FIXTURE_UTTERANCES);
  g_assert_cmpuint (r.n_fit_on, ==, 32);
  g_assert_true (g_str_has_prefix (r.fit_id, "fit-"));
  g_assert_cmpuint (r.n_stored[STVA_MOD_T], ==, FIXTURE_UTTERANCES);
  g_assert_cmpuint (r.n_text_new, ==, FIXTURE_UTTERANCES);
  g_assert_cmpuint (r.n_stored[STVA_MOD_A], ==, 0);
  g_assert_cmpuint (r.report.n_missing[STVA_MOD_A], ==, FIXTURE_UTTERANCES);
  g_assert_cmpuint (r.n_no_media, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "text"), ==, FIXTURE_DIALOGUES);
  g_autofree char *fit = g_strdup (r.fit_id);
  stva_engine_extract_result_clear (&r);

  /* again: the same fit, nothing new or changed */
  g_assert_true (stva_engine_extract (NULL, &options, &r, &error));
  g_assert_cmpstr (r.fit_id, ==, fit);
  g_assert_cmpuint (r.n_text_new + r.n_text_changed, ==, 0);
  stva_engine_extract_result_clear (&r);
  watch_clear (&w);
}

static void
test_project_cancel (void)
{
  /* reports: fitting at 0 and done, encoding at 0 .. done, extracting at 0 .. done */
  for (int at = 1; at <= 7; at++)
    {
      g_autofree char *name = g_strdup_printf ("cancel%d.stva", at);
      g_autofree char *project = fixture_import (&fx, name);
      StvaEngineExtractOptions options;
      stva_engine_extract_options_init (&options);
      options.project = project;
      options.modality[STVA_MOD_V] = FALSE;
      options.jobs = 1;
      Watch w;
      watch_init (&w, at);
      g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
      StvaEngineExtractResult r;
      g_autoptr (GError) error = NULL;
      gboolean ok = stva_engine_extract (job, &options, &r, &error);
      gint64 n_kept = -1;
      StvaJobKept kept = stva_job_kept (job, &n_kept);
      int whole = fixture_whole_dialogues (project, 0, "text");
      g_test_message ("cancel at report %d of %d: %s, text of %d dialogues", at, w.n_reports,
                      ok ? "finished" : error->message, whole);
      if (ok)
        {
          g_assert_cmpint (whole, ==, FIXTURE_DIALOGUES);
          stva_engine_extract_result_clear (&r);
        }
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_true (whole == 0 || whole == FIXTURE_DIALOGUES);
          if (whole == 0)
            {
              g_assert_cmpint (kept, ==, STVA_JOB_KEPT_NOTHING);
              g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
            }
          else
            {
              g_assert_cmpint (kept, ==, STVA_JOB_KEPT_DIALOGUES);
              g_assert_nonnull (strstr (error->message, "the text vectors of all 14 dialogues "
                                                        "stored, the audio and video of "
                                                        "0 of them"));
            }
        }
      /* cancelled before the text is stored (fitting, encoding): nothing */
      if (at <= 3)
        g_assert_cmpint (whole, ==, 0);
      watch_clear (&w);
    }
}

/* Audio from real clips, a batch per dialogue: cancelled part-way, the project keeps the audio
 * of whole dialogues, as many as the job says; again, the run goes on from the cache. */
static void
test_media_cancel (void)
{
  g_autofree char *cache = g_build_filename (fx.dir, "media-cache", NULL);
  const int at[] = { 7, 14 };
  int partial = 0;
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autofree char *name = g_strdup_printf ("media%d.stva", at[i]);
      g_autofree char *project = fixture_media_project (&fx, name);
      g_autofree char *own_cache = g_strdup_printf ("%s-%d", cache, at[i]);
      StvaEngineExtractOptions options;
      stva_engine_extract_options_init (&options);
      options.project = project;
      options.modality[STVA_MOD_T] = options.modality[STVA_MOD_V] = FALSE;
      options.jobs = 1;
      options.batch_utterances = 1;   /* a transaction per dialogue */
      options.cache_dir = own_cache;
      Watch w;
      watch_init (&w, at[i]);
      w.slow = TRUE;
      g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
      StvaEngineExtractResult r;
      g_autoptr (GError) error = NULL;
      g_assert_false (stva_engine_extract (job, &options, &r, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      gint64 n_kept = -1;
      StvaJobKept kept = stva_job_kept (job, &n_kept);
      int whole = fixture_whole_dialogues (project, 0, "audio");
      g_test_message ("cancel at report %d: %s; audio of %d dialogues", at[i], error->message,
                      whole);
      if (whole == 0)
        {
          g_assert_cmpint (kept, ==, STVA_JOB_KEPT_NOTHING);
          g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
        }
      else
        {
          g_autofree char *want = g_strdup_printf ("cancelled: %d of %d dialogues stored", whole,
                                                   FIXTURE_DIALOGUES);
          g_assert_cmpint (kept, ==, STVA_JOB_KEPT_DIALOGUES);
          g_assert_cmpint (n_kept, ==, whole);
          g_assert_cmpstr (error->message, ==, want);
        }
      partial += whole > 0 && whole < FIXTURE_DIALOGUES;
      watch_clear (&w);

      /* the rest: every dialogue, the finished ones from the cache */
      g_clear_error (&error);
      g_assert_true (stva_engine_extract (NULL, &options, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (r.n_stored[STVA_MOD_A], ==, FIXTURE_UTTERANCES);
      g_assert_cmpuint (r.report.n_computed[STVA_MOD_A] + r.report.n_cached[STVA_MOD_A], ==,
                        FIXTURE_UTTERANCES);
      if (whole > 0)
        g_assert_cmpuint (r.report.n_cached[STVA_MOD_A], >=, 4 * (guint) whole);
      g_assert_cmpint (fixture_whole_dialogues (project, 0, "audio"), ==, FIXTURE_DIALOGUES);
      stva_engine_extract_result_clear (&r);
    }
  g_assert_cmpint (partial, >, 0);   /* some cancel fell between the first and last dialogue */
}

static void
test_refused (void)
{
  g_autofree char *project = fixture_import (&fx, "refused.stva");
  StvaEngineExtractOptions options;
  stva_engine_extract_options_init (&options);
  StvaEngineExtractResult r;
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_engine_extract (NULL, &options, &r, &error));   /* no place */
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options.project = project;
  options.corpus_dir = fx.corpus;
  g_assert_false (stva_engine_extract (NULL, &options, &r, &error));   /* both */
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options.corpus_dir = NULL;
  options.out_path = "x.npz";
  g_assert_false (stva_engine_extract (NULL, &options, &r, &error));   /* --out, a project */
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  /* a cache that is a file: refused before any vector is stored */
  options.out_path = NULL;
  options.cache_dir = project;
  g_assert_false (stva_engine_extract (NULL, &options, &r, &error));
  g_assert_nonnull (strstr (error->message, "not a folder"));
  g_assert_cmpint (fixture_whole_dialogues (project, 0, "text"), ==, 0);
}

static void
test_corpus (void)
{
  g_autofree char *out = g_build_filename (fx.dir, "f.npz", NULL);
  g_autofree char *cache = g_build_filename (fx.dir, "cache", NULL);
  StvaEngineExtractOptions options;
  stva_engine_extract_options_init (&options);
  options.corpus_dir = fx.corpus;
  options.out_path = out;
  options.cache_dir = cache;
  options.modality[STVA_MOD_V] = FALSE;
  options.jobs = 1;
  /* cancelled while extracting: no dataset */
  Watch w;
  watch_init (&w, 3);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &w, w.cancellable);
  StvaEngineExtractResult r;
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_engine_extract (job, &options, &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_NOTHING);
  g_clear_error (&error);
  watch_clear (&w);
  /* whole */
  g_assert_true (stva_engine_extract (NULL, &options, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (r.out_path, ==, out);
  g_assert_cmpuint (r.n_dialogues, ==, FIXTURE_DIALOGUES);
  g_assert_cmpuint (r.n_missing_clips, ==, FIXTURE_UTTERANCES);
  g_assert_cmpint (r.F[STVA_MOD_V], ==, 0);
  g_assert_cmpint (r.F[STVA_MOD_A], >, 0);
  stva_engine_extract_result_clear (&r);
  StvaDataset *ds = stva_data_load_npz (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_dialogues, ==, FIXTURE_DIALOGUES);
  g_assert_cmpint (ds->K, ==, 7);
  stva_dataset_free (ds);
  /* a shard fills the cache only */
  g_unlink (out);
  options.shard_index = 1;
  options.shard_count = 2;
  g_assert_true (stva_engine_extract (NULL, &options, &r, &error));
  g_assert_null (r.out_path);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  stva_engine_extract_result_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fixture_init (&fx, -1);
  g_test_add_func ("/engine/extract/project/progress", test_project_progress);
  g_test_add_func ("/engine/extract/project/cancel", test_project_cancel);
  g_test_add_func ("/engine/extract/project/refused", test_refused);
  g_test_add_func ("/engine/extract/project/media-cancel", test_media_cancel);
  g_test_add_func ("/engine/extract/corpus", test_corpus);
  int rc = g_test_run ();
  fixture_clear (&fx);
  return rc;
}
