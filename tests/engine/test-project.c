/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project jobs (engine/stva-engine-project.h): each job's progress reaches its total, a
 * cancel leaves the project as it was (counts equal, PRAGMA integrity_check ok) and says so,
 * two imports on two threads with their own connections both land, label sets are checked,
 * and the _async/_finish pairs deliver results and progress on the caller's main context.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-engine.h"
#include "stva-media-log.h"

/* ---- fixtures ----------------------------------------------------------------------------- */

static char *tmp_dir;   /* owned: this run's folder */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* A MELD-layout folder at name with n_dialogues dialogues of 4 utterances in split's CSV. */
static char *
write_meld (const char *name,
            const char *split,
            int         n_dialogues)
{
  g_autofree char *dir = tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autoptr (GString) csv = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,"
                                          "Dialogue_ID,Utterance_ID,Season,Episode,StartTime,"
                                          "EndTime\r\n");
  static const char *const emotions[] = { "joy", "anger", "neutral", "fear" };
  int n = 1;
  for (int d = 0; d < n_dialogues; d++)
    for (int u = 0; u < 4; u++, n++)
      g_string_append_printf (csv, "%d,\"Line %d of dialogue %d, said.\",%s,%s,neutral,%d,%d,"
                              "1,1,\"00:00:0%d,000\",\"00:00:0%d,500\"\r\n", n, u, d,
                              u % 2 ? "Bob" : "Ann", emotions[(d + u) % 4], d, u, u, u);
  g_autofree char *file = g_strdup_printf ("%s/%s_sent_emo.csv", dir, split);
  g_assert_true (g_file_set_contents (file, csv->str, -1, NULL));
  return g_steal_pointer (&dir);
}

/* An SRT file of two cues at name. */
static char *
write_srt (const char *name)
{
  char *path = tmp_path (name);
  g_assert_true (g_file_set_contents (path, "1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello.\n\n"
                                            "2\n00:00:02,500 --> 00:00:03,000\nBye.\n", -1,
                                      NULL));
  return path;
}

static char *
new_project (const char *name)
{
  char *path = tmp_path (name);
  StvaInitOptions o = { .project = path };
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_init (NULL, &o, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static void
counts_of (const char   *project,
           StvaDbCounts *counts)
{
  StvaStatsOptions o = { .project = project };
  g_autoptr (StvaStatsResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_stats (NULL, &o, &r, &error));
  g_assert_no_error (error);
  *counts = r->counts;
}

static void
assert_intact (const char *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (db, &error));
  g_assert_no_error (error);
}

static int
total_utterances (const StvaDbCounts *c)
{
  return c->n_utterances[0] + c->n_utterances[1] + c->n_utterances[2] + c->n_utterances[3];
}

/* ---- progress ----------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray    *stages;        /* of owned strings: each stage once, in order */
  GArray       *last_done;     /* gint64 per stage: the last done reported */
  GArray       *total;         /* gint64 per stage */
  char         *cancel_stage;  /* owned, nullable: cancel when this stage starts */
  char         *cancel_detail; /* owned, nullable: cancel at a detail line holding this */
  GCancellable *cancellable;   /* borrowed */
  GThread      *thread;
} Seen;

static void
seen_init (Seen          *seen,
           const char    *cancel_stage,
           GCancellable  *cancellable)
{
  memset (seen, 0, sizeof *seen);
  seen->stages = g_ptr_array_new_with_free_func (g_free);
  seen->last_done = g_array_new (FALSE, TRUE, sizeof (gint64));
  seen->total = g_array_new (FALSE, TRUE, sizeof (gint64));
  seen->cancel_stage = g_strdup (cancel_stage);
  seen->cancellable = cancellable;
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->stages);
  g_array_unref (seen->last_done);
  g_array_unref (seen->total);
  g_free (seen->cancel_stage);
  g_free (seen->cancel_detail);
}

static void
on_progress (const StvaJobProgress *p,
             gpointer               user_data)
{
  Seen *seen = user_data;
  seen->thread = g_thread_self ();
  if (seen->cancel_detail != NULL && p->detail != NULL
      && strstr (p->detail, seen->cancel_detail) != NULL)
    g_cancellable_cancel (seen->cancellable);
  guint n = seen->stages->len;
  if (n == 0 || strcmp (g_ptr_array_index (seen->stages, n - 1), p->stage) != 0)
    {
      g_ptr_array_add (seen->stages, g_strdup (p->stage));
      gint64 zero = 0;
      g_array_append_val (seen->last_done, zero);
      g_array_append_val (seen->total, p->total);
      n++;
      if (g_strcmp0 (seen->cancel_stage, p->stage) == 0)
        g_cancellable_cancel (seen->cancellable);
    }
  g_assert_cmpint (p->done, >=, g_array_index (seen->last_done, gint64, n - 1));
  g_array_index (seen->last_done, gint64, n - 1) = p->done;
  g_array_index (seen->total, gint64, n - 1) = p->total;
}

/* Every stage that had a total reached it, and the stage called stage was seen. */
static void
assert_complete (const Seen *seen,
                 const char *stage)
{
  gboolean found = FALSE;
  for (guint i = 0; i < seen->stages->len; i++)
    {
      gint64 total = g_array_index (seen->total, gint64, i);
      if (total > 0)
        g_assert_cmpint (g_array_index (seen->last_done, gint64, i), ==, total);
      found |= strcmp (g_ptr_array_index (seen->stages, i), stage) == 0;
    }
  if (!found)
    g_error ("no stage '%s' reported", stage);
}

/* ---- init --------------------------------------------------------------------------------- */

static void
test_init (void)
{
  g_autofree char *path = tmp_path ("init.stva");
  Seen seen;
  seen_init (&seen, NULL, NULL);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  StvaInitOptions o = { .project = path };
  g_autoptr (StvaInitResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_init (job, &o, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (r->project, ==, path);
  g_assert_cmpint (r->schema_version, ==, STVA_DB_SCHEMA_VERSION);
  assert_complete (&seen, "creating");
  seen_clear (&seen);

  g_assert_false (stva_engine_init (NULL, &o, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);
  g_autofree char *nowhere = tmp_path ("no/such/folder/p.stva");
  o.project = nowhere;
  g_assert_false (stva_engine_init (NULL, &o, NULL, &error));
  g_assert_nonnull (strstr (error->message, "cannot be written: folder"));
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
}

/* ---- import ------------------------------------------------------------------------------- */

static void
test_import (void)
{
  g_autofree char *meld = write_meld ("import-meld", "train", 5);
  g_autofree char *project = new_project ("import.stva");
  Seen seen;
  seen_init (&seen, NULL, NULL);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  StvaImportOptions o = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_autoptr (StvaImportResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_import (job, &o, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r->n_dialogues, ==, 5);
  g_assert_cmpint (r->n_utterances, ==, 20);
  g_assert_cmpint (r->kind, ==, STVA_IMPORT_MELD);
  g_assert_cmpuint (r->warnings->len, >, 0);   /* the clips are missing */
  g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_ALL);
  assert_complete (&seen, "committing");
  seen_clear (&seen);
  StvaDbCounts c;
  counts_of (project, &c);
  g_assert_cmpint (c.n_utterances[0], ==, 20);

  /* the same again is a conflict, and leaves the project as it was */
  g_clear_pointer (&r, stva_import_result_free);
  g_assert_false (stva_engine_import (NULL, &o, &r, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_assert_null (r);
  g_clear_error (&error);
  StvaDbCounts after;
  counts_of (project, &after);
  g_assert_cmpmem (&c, sizeof c, &after, sizeof after);

  /* kinds by name, and a csv without a mapping */
  StvaImportKind kind;
  g_assert_true (stva_import_kind_from_name ("webvtt", &kind));
  g_assert_cmpint (kind, ==, STVA_IMPORT_VTT);
  g_assert_true (stva_import_kind_from_name ("TextGrid", &kind));
  g_assert_cmpint (kind, ==, STVA_IMPORT_TEXTGRID);
  g_assert_false (stva_import_kind_from_name ("pickle", &kind));
  StvaImportOptions csv = { .project = project, .kind = STVA_IMPORT_CSV, .path = meld };
  g_assert_false (stva_engine_import (NULL, &csv, NULL, &error));
  g_assert_nonnull (strstr (error->message, "column mapping"));
}

/* A cancel at each point before the commit: nothing written, and the job says so. */
static void
test_import_cancel (void)
{
  g_autofree char *meld = write_meld ("cancel-meld", "dev", 4);
  g_autofree char *srt = write_srt ("cancel.srt");
  g_autofree char *project = new_project ("cancel.stva");
  StvaImportOptions first = { .project = project, .kind = STVA_IMPORT_SRT, .path = srt,
                              .split = "test" };
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_import (NULL, &first, NULL, &error));
  StvaDbCounts before;
  counts_of (project, &before);

  /* before the job, at its start, before the importer runs, and inside the db at its COMMIT */
  static const char *const points[] = { "", "opening", "importing", "committing" };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr (GCancellable) c = g_cancellable_new ();
      Seen seen;
      seen_init (&seen, points[i], c);
      if (*points[i] == '\0')
        g_cancellable_cancel (c);   /* before the job starts */
      g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, c);
      StvaImportOptions o = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
      g_autoptr (StvaImportResult) r = NULL;
      g_assert_false (stva_engine_import (job, &o, &r, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
      g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_NOTHING);
      g_assert_null (r);
      g_clear_error (&error);
      seen_clear (&seen);
      StvaDbCounts after;
      counts_of (project, &after);
      g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
      assert_intact (project);
    }
  /* and without a cancel the same import lands */
  StvaImportOptions o = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_assert_true (stva_engine_import (NULL, &o, NULL, &error));
  g_assert_no_error (error);
  StvaDbCounts after;
  counts_of (project, &after);
  g_assert_cmpint (total_utterances (&after), ==, total_utterances (&before) + 16);
}

/* ---- two imports on two threads ----------------------------------------------------------- */

typedef struct
{
  const char *project;
  const char *meld;       /* nullable: import these srt files instead */
  char      **srts;
  gboolean    ok;
  GError     *error;
} ImportThread;

static gpointer
import_thread (gpointer data)
{
  ImportThread *t = data;
  t->ok = TRUE;
  if (t->meld != NULL)
    {
      StvaImportOptions o = { .project = t->project, .kind = STVA_IMPORT_MELD, .path = t->meld };
      t->ok = stva_engine_import (NULL, &o, NULL, &t->error);
      return NULL;
    }
  for (char **s = t->srts; t->ok && *s != NULL; s++)
    {
      StvaImportOptions o = { .project = t->project, .kind = STVA_IMPORT_SRT, .path = *s,
                              .split = "none" };
      t->ok = stva_engine_import (NULL, &o, NULL, &t->error);
    }
  return NULL;
}

static void
test_import_threads (void)
{
  g_autofree char *meld = write_meld ("threads-meld", "train", 60);
  g_autofree char *project = new_project ("threads.stva");
  g_auto (GStrv) srts = g_new0 (char *, 9);
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("episode-%d.srt", i);
      srts[i] = write_srt (name);
    }
  ImportThread a = { .project = project, .meld = meld };
  ImportThread b = { .project = project, .srts = srts };
  GThread *ta = g_thread_new ("import-a", import_thread, &a);
  GThread *tb = g_thread_new ("import-b", import_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  g_assert_true (a.ok && b.ok);
  StvaDbCounts c;
  counts_of (project, &c);
  g_assert_cmpint (c.n_dialogues[0], ==, 60);
  g_assert_cmpint (c.n_utterances[0], ==, 240);
  g_assert_cmpint (c.n_dialogues[3], ==, 8);
  g_assert_cmpint (c.n_utterances[3], ==, 16);
  assert_intact (project);
}

/* ---- export ------------------------------------------------------------------------------- */

static void
test_export (void)
{
  g_autofree char *meld = write_meld ("export-meld", "test", 3);
  g_autofree char *project = new_project ("export.stva");
  StvaImportOptions io = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_import (NULL, &io, NULL, &error));
  StvaDbCounts before;
  counts_of (project, &before);

  static const StvaExportKind kinds[] = { STVA_EXPORT_CSV, STVA_EXPORT_JSONL, STVA_EXPORT_MELD,
                                          STVA_EXPORT_NPZ, STVA_EXPORT_VTT,
                                          STVA_EXPORT_TEXTGRID };
  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("out.%s", stva_export_kind_name (kinds[i]));
      g_autofree char *out = tmp_path (name);
      StvaExportOptions o = { .project = project, .kind = kinds[i], .out = out,
                              .dialogue_id = stva_export_kind_is_dialogue (kinds[i]) ? 1 : 0 };
      /* cancelled before it writes: no file */
      g_autoptr (GCancellable) c = g_cancellable_new ();
      Seen seen;
      seen_init (&seen, "exporting", c);
      g_autoptr (StvaJob) cancelled = stva_job_new (on_progress, &seen, c);
      g_assert_false (stva_engine_export (cancelled, &o, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      seen_clear (&seen);

      seen_init (&seen, NULL, NULL);
      g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
      g_autoptr (StvaExportResult) r = NULL;
      g_assert_true (stva_engine_export (job, &o, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (r->out, ==, out);
      g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
      assert_complete (&seen, "exporting");
      seen_clear (&seen);
    }
  /* a dialogue's kind without its dialogue; an unknown label set */
  g_autofree char *srt = tmp_path ("nodialogue.srt");
  StvaExportOptions o = { .project = project, .kind = STVA_EXPORT_SRT, .out = srt };
  g_assert_false (stva_engine_export (NULL, &o, NULL, &error));
  g_assert_nonnull (strstr (error->message, "needs a dialogue"));
  g_clear_error (&error);
  o.kind = STVA_EXPORT_CSV;
  o.label_set = "nope";
  g_assert_false (stva_engine_export (NULL, &o, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_test (srt, G_FILE_TEST_EXISTS));
  StvaDbCounts after;
  counts_of (project, &after);
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
}

/* ---- stats -------------------------------------------------------------------------------- */

static void
test_stats (void)
{
  g_autofree char *meld = write_meld ("stats-meld", "dev", 3);
  g_autofree char *project = new_project ("stats.stva");
  StvaImportOptions io = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_import (NULL, &io, NULL, &error));
  Seen seen;
  seen_init (&seen, NULL, NULL);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  StvaStatsOptions o = { .project = project, .model_rater = TRUE };
  g_autoptr (StvaStatsResult) r = NULL;
  g_assert_true (stva_engine_stats (job, &o, &r, &error));
  g_assert_no_error (error);
  assert_complete (&seen, "reading");
  seen_clear (&seen);
  g_assert_cmpstr (r->label_set, ==, "meld");
  g_assert_cmpint (r->counts.n_dialogues[1], ==, 3);
  g_assert_cmpint (r->n_utterances, ==, 12);
  g_assert_cmpint (r->n_reviewed, ==, 0);
  int gold = 0, joy = -1;
  for (guint k = 0; k < r->classes->len; k++)
    {
      StvaDbClassStats *s = g_ptr_array_index (r->classes, k);
      gold += s->gold;
      if (strcmp (s->name, "joy") == 0)
        joy = s->gold;
    }
  g_assert_cmpint (gold, ==, 12);
  g_assert_cmpint (joy, ==, 3);   /* (d + u) % 4 == 0 once per dialogue */
  g_assert_cmpuint (r->agreement.K, ==, r->classes->len);

  StvaStatsOptions bad = { .project = project, .label_set = "nope" };
  g_autoptr (StvaStatsResult) none = NULL;
  g_assert_false (stva_engine_stats (NULL, &bad, &none, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_assert_null (none);
}

/* ---- merge -------------------------------------------------------------------------------- */

static void
test_merge (void)
{
  g_autofree char *meld = write_meld ("merge-meld", "train", 6);
  char *shards[3];
  g_autoptr (GError) error = NULL;
  for (guint s = 0; s < 3; s++)
    {
      g_autofree char *name = g_strdup_printf ("shard%u.stva", s);
      shards[s] = new_project (name);
      StvaImportOptions o = { .project = shards[s], .kind = STVA_IMPORT_MELD, .path = meld,
                              .shard = s, .n_shards = 3 };
      g_assert_true (stva_engine_import (NULL, &o, NULL, &error));
      g_assert_no_error (error);
    }
  const char *inputs[] = { shards[0], shards[1], shards[2] };
  g_autofree char *out = tmp_path ("merged.stva");
  g_autofree char *tmp = tmp_path ("merged.stva.tmp");
  StvaMergeOptions o = { .out = out, .inputs = inputs, .n_inputs = 3 };

  /* cancelled while checking the inputs, or as merging starts: no output, no temporary file */
  static const char *const points[] = { "checking", "merging" };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr (GCancellable) c = g_cancellable_new ();
      Seen seen;
      seen_init (&seen, points[i], c);
      g_autoptr (StvaJob) cancelled = stva_job_new (on_progress, &seen, c);
      g_assert_false (stva_engine_merge (cancelled, &o, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (error->message, ==, "cancelled: nothing was written");
      g_assert_cmpint (stva_job_kept (cancelled, NULL), ==, STVA_JOB_KEPT_NOTHING);
      g_clear_error (&error);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
      seen_clear (&seen);
    }

  /* cancelled as the second input is merged: OUT is the first two, whole */
  {
    g_autoptr (GCancellable) c = g_cancellable_new ();
    Seen seen;
    seen_init (&seen, NULL, c);
    seen.cancel_detail = g_strdup ("shard1.stva");
    g_autoptr (StvaJob) cancelled = stva_job_new (on_progress, &seen, c);
    g_assert_false (stva_engine_merge (cancelled, &o, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpstr (error->message, ==, "cancelled: 2 of 3 inputs stored");
    gint64 n_kept = 0;
    g_assert_cmpint (stva_job_kept (cancelled, &n_kept), ==, STVA_JOB_KEPT_DIALOGUES);
    g_assert_cmpint (n_kept, ==, 2);
    g_clear_error (&error);
    seen_clear (&seen);
    g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
    StvaDbCounts part, s0, s1;
    counts_of (out, &part);
    counts_of (shards[0], &s0);
    counts_of (shards[1], &s1);
    g_assert_cmpint (part.n_utterances[0], ==, s0.n_utterances[0] + s1.n_utterances[0]);
    g_assert_cmpint (part.n_dialogues[0], ==, 4);
    assert_intact (out);
    g_assert_cmpint (g_remove (out), ==, 0);
  }

  Seen seen;
  seen_init (&seen, NULL, NULL);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  g_autoptr (StvaMergeResult) r = NULL;
  g_assert_true (stva_engine_merge (job, &o, &r, &error));
  g_assert_no_error (error);
  assert_complete (&seen, "merging");
  seen_clear (&seen);
  g_assert_cmpuint (r->n_inputs, ==, 3);
  g_assert_cmpint (r->n_utterances_added, ==, 24);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  StvaDbCounts c_out;
  counts_of (out, &c_out);
  g_assert_cmpint (c_out.n_utterances[0], ==, 24);
  assert_intact (out);

  /* an existing output is refused, and left alone */
  g_assert_false (stva_engine_merge (NULL, &o, NULL, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT);
  g_clear_error (&error);
  /* a missing input: no output */
  g_autofree char *out2 = tmp_path ("merged2.stva");
  g_autofree char *missing = tmp_path ("missing.stva");
  const char *bad[] = { shards[0], missing };
  StvaMergeOptions o2 = { .out = out2, .inputs = bad, .n_inputs = 2 };
  g_assert_false (stva_engine_merge (NULL, &o2, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
  for (guint s = 0; s < 3; s++)
    g_free (shards[s]);
}

/* ---- label sets --------------------------------------------------------------------------- */

static guint
n_sets (const char *project)
{
  StvaLabelSetOptions o = { .project = project };
  g_autoptr (StvaLabelSetsResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_label_sets (NULL, &o, &r, &error));
  return r->sets->len;
}

static void
test_label_sets (void)
{
  g_autofree char *meld = write_meld ("sets-meld", "train", 2);
  g_autofree char *project = new_project ("sets.stva");
  StvaImportOptions io = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_engine_import (NULL, &io, NULL, &error));
  guint n0 = n_sets (project);

  const char *labels[] = { "positive", "negative", "neutral" };
  const char *keys[] = { "a", "B", "9" };
  const char *colours[] = { "#00aa00", "#AA0000", "#777777" };
  StvaLabelSetOptions o = { .project = project, .name = "valence", .description = "three",
                            .labels = labels, .keys = keys, .colours = colours, .n_labels = 3 };
  g_autoptr (StvaLabelSetsResult) r = NULL;
  g_assert_true (stva_engine_label_set_create (NULL, &o, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r->sets->len, ==, 1);
  const StvaLabelSetInfo *info = g_ptr_array_index (r->sets, 0);
  g_assert_cmpstr (info->set->name, ==, "valence");
  g_assert_cmpuint (info->set->labels->len, ==, 3);
  const StvaDbLabel *l1 = g_ptr_array_index (info->set->labels, 1);
  g_assert_cmpstr (l1->name, ==, "negative");
  g_assert_cmpstr (l1->key, ==, "b");   /* stored in lower case */
  g_assert_cmpstr (l1->colour, ==, "#AA0000");
  g_assert_cmpint (info->n_gold, ==, 0);
  g_assert_cmpuint (n_sets (project), ==, n0 + 1);

  /* defaults: keys and colours from the db */
  const char *two[] = { "yes", "no" };
  StvaLabelSetOptions d = { .project = project, .name = "binary", .labels = two, .n_labels = 2 };
  g_assert_true (stva_engine_label_set_create (NULL, &d, NULL, &error));
  g_assert_no_error (error);

  /* the listing counts the gold labels each set holds */
  StvaLabelSetOptions lo = { .project = project };
  g_autoptr (StvaLabelSetsResult) all = NULL;
  g_assert_true (stva_engine_label_sets (NULL, &lo, &all, &error));
  gboolean seen_meld = FALSE;
  for (guint i = 0; i < all->sets->len; i++)
    {
      const StvaLabelSetInfo *s = g_ptr_array_index (all->sets, i);
      if (strcmp (s->set->name, "meld") == 0)
        {
          g_assert_cmpint (s->n_gold, ==, 8);
          seen_meld = TRUE;
        }
      else
        g_assert_cmpint (s->n_gold, ==, 0);
    }
  g_assert_true (seen_meld);

  /* refused, each naming its problem; nothing added */
  guint n1 = n_sets (project);
  const char *one[] = { "alone" };
  const char *twice[] = { "a", "A" };
  const char *j_key[] = { "1", "j" };
  const char *zero_key[] = { "0", "1" };
  const char *long_key[] = { "1", "ab" };
  const char *same_key[] = { "c", "C" };
  const char *bad_colour[] = { "#fff", "#000000" };
  const char *not_hex[] = { "#00000g", "#000000" };
  const char *blank[] = { "x", "  " };
  struct
  {
    const char         *name;
    const char *const  *labels;
    guint               n;
    const char *const  *keys;
    const char *const  *colours;
    GQuark              domain;
    int                 code;
    const char         *says;
  } cases[] = {
    { "valence", two, 2, NULL, NULL, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT, "already there" },
    { "s1", one, 1, NULL, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "at least two" },
    { "s2", twice, 2, NULL, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "given twice" },
    { "s3", two, 2, j_key, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
      "'j' (label 'no') is not a key" },
    { "s4", two, 2, zero_key, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
      "'0' (label 'yes') is not a key" },
    { "s5", two, 2, long_key, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
      "'ab' (label 'no') is not a key" },
    { "s6", two, 2, same_key, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "key 'C' is given" },
    { "s7", two, 2, NULL, bad_colour, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "not a colour" },
    { "s8", two, 2, NULL, not_hex, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "not a colour" },
    { "s9", blank, 2, NULL, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "has no name" },
    { "", two, 2, NULL, NULL, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "needs a name" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StvaLabelSetOptions b = { .project = project, .name = cases[i].name,
                                .labels = cases[i].labels, .n_labels = cases[i].n,
                                .keys = cases[i].keys, .colours = cases[i].colours };
      g_assert_false (stva_engine_label_set_create (NULL, &b, NULL, &error));
      g_assert_error (error, cases[i].domain, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %zu: '%s' does not say '%s'", i, error->message, cases[i].says);
      g_clear_error (&error);
    }
  g_assert_cmpuint (n_sets (project), ==, n1);
  assert_intact (project);
}

/* ---- async -------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop        *loop;
  StvaImportResult *import;
  StvaStatsResult  *stats;
  GError           *error;
} Done;

static void
import_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  Done *d = user_data;
  stva_engine_import_finish (res, &d->import, &d->error);
  g_main_loop_quit (d->loop);
}

static void
stats_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  Done *d = user_data;
  stva_engine_stats_finish (res, &d->stats, &d->error);
  g_main_loop_quit (d->loop);
}

static void
generic_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (res);
}

/* Runs the main loop until *res is set. */
static void
wait_for (GAsyncResult **res)
{
  while (*res == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* init, export, merge and the label sets through their _async/_finish pairs */
static void
test_async_others (void)
{
  g_autofree char *meld = write_meld ("async2-meld", "test", 2);
  g_autofree char *project = tmp_path ("async2.stva");
  g_autoptr (GError) error = NULL;
  GAsyncResult *res = NULL;

  StvaInitOptions io = { .project = project };
  stva_engine_init_async (&io, NULL, NULL, NULL, generic_cb, &res);
  wait_for (&res);
  g_autoptr (StvaInitResult) init = NULL;
  g_assert_true (stva_engine_init_finish (res, &init, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (init->project, ==, project);
  g_clear_object (&res);
  StvaImportOptions imp = { .project = project, .kind = STVA_IMPORT_MELD, .path = meld };
  g_assert_true (stva_engine_import (NULL, &imp, NULL, &error));

  g_autofree char *csv = tmp_path ("async2.csv");
  StvaExportOptions eo = { .project = project, .kind = STVA_EXPORT_CSV, .out = csv };
  stva_engine_export_async (&eo, NULL, NULL, NULL, generic_cb, &res);
  wait_for (&res);
  g_autoptr (StvaExportResult) exported = NULL;
  g_assert_true (stva_engine_export_finish (res, &exported, &error));
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));
  g_clear_object (&res);

  g_autofree char *merged = tmp_path ("async2-merged.stva");
  const char *inputs[] = { project };
  StvaMergeOptions mo = { .out = merged, .inputs = inputs, .n_inputs = 1 };
  stva_engine_merge_async (&mo, NULL, NULL, NULL, generic_cb, &res);
  wait_for (&res);
  g_autoptr (StvaMergeResult) m = NULL;
  g_assert_true (stva_engine_merge_finish (res, &m, &error));
  g_assert_cmpint (m->n_utterances_added, ==, 8);
  g_clear_object (&res);

  const char *labels[] = { "calm", "tense" };
  StvaLabelSetOptions lo = { .project = project, .name = "tension", .labels = labels,
                             .n_labels = 2 };
  stva_engine_label_set_create_async (&lo, NULL, NULL, NULL, generic_cb, &res);
  wait_for (&res);
  g_autoptr (StvaLabelSetsResult) created = NULL;
  g_assert_true (stva_engine_label_sets_finish (res, &created, &error));
  g_assert_cmpstr (((StvaLabelSetInfo *) g_ptr_array_index (created->sets, 0))->set->name, ==,
                   "tension");
  g_clear_object (&res);
  StvaLabelSetOptions list = { .project = project };
  stva_engine_label_sets_async (&list, NULL, NULL, NULL, generic_cb, &res);
  wait_for (&res);
  g_autoptr (StvaLabelSetsResult) all = NULL;
  g_assert_true (stva_engine_label_sets_finish (res, &all, &error));
  g_assert_cmpuint (all->sets->len, ==, n_sets (project));
  g_clear_object (&res);
}

static void
test_async (void)
{
  g_autofree char *meld = write_meld ("async-meld", "train", 4);
  g_autofree char *project = new_project ("async.stva");
  Seen seen;
  seen_init (&seen, NULL, NULL);
  Done d = { .loop = g_main_loop_new (NULL, FALSE) };
  {
    /* the options are copied: these strings die before the job runs */
    g_autofree char *p = g_strdup (project), *m = g_strdup (meld);
    StvaImportOptions o = { .project = p, .kind = STVA_IMPORT_MELD, .path = m };
    stva_engine_import_async (&o, on_progress, &seen, NULL, import_cb, &d);
  }
  g_main_loop_run (d.loop);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_no_error (d.error);
  g_assert_nonnull (d.import);
  g_assert_cmpint (d.import->n_utterances, ==, 16);
  g_assert_true (seen.thread == g_thread_self ());
  /* reports are coalesced on the way: the last one delivered is the end of the last stage */
  guint last = seen.stages->len - 1;
  g_assert_cmpstr (g_ptr_array_index (seen.stages, last), ==, "committing");
  g_assert_cmpint (g_array_index (seen.last_done, gint64, last), ==,
                   g_array_index (seen.total, gint64, last));
  seen_clear (&seen);

  StvaStatsOptions so = { .project = project };
  stva_engine_stats_async (&so, NULL, NULL, NULL, stats_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  g_assert_cmpint (d.stats->counts.n_utterances[0], ==, 16);

  /* cancelled before it runs: the job's own message */
  g_autoptr (GCancellable) c = g_cancellable_new ();
  g_cancellable_cancel (c);
  g_autofree char *srt = write_srt ("async.srt");
  StvaImportOptions o = { .project = project, .kind = STVA_IMPORT_SRT, .path = srt };
  StvaImportResult *none = NULL;
  d.import = NULL;
  stva_engine_import_async (&o, NULL, NULL, c, import_cb, &d);
  g_main_loop_run (d.loop);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (d.error->message, ==, "cancelled: nothing was written");
  g_assert_null (d.import);
  g_clear_error (&d.error);
  (void) none;
  StvaDbCounts after;
  counts_of (project, &after);
  g_assert_cmpint (total_utterances (&after), ==, 16);
  g_main_loop_unref (d.loop);
  stva_stats_result_free (d.stats);
}

/* ---- the demo corpus ---------------------------------------------------------------------- */

static void
test_make_demo (void)
{
  g_autofree char *dir = tmp_path ("demo");
  g_autofree char *manifest = g_build_filename (dir, ".manifest.tsv", NULL);
  /* cancelled at its first report: no complete corpus, and it says so */
  g_autoptr (GCancellable) c = g_cancellable_new ();
  Seen seen;
  seen_init (&seen, "generating", c);
  g_autoptr (StvaJob) cancelled = stva_job_new (on_progress, &seen, c);
  StvaMakeDemoOptions o = { .dir = dir, .seed = 3, .n_dialogues = 3, .jobs = 2 };
  g_autoptr (GError) error = NULL;
  g_assert_false (stva_engine_make_demo (cancelled, &o, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "unfinished corpus"));
  g_clear_error (&error);
  g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));
  seen_clear (&seen);

  /* run whole (replacing the unfinished one): progress reaches the dialogues */
  seen_init (&seen, NULL, NULL);
  g_autoptr (StvaJob) job = stva_job_new (on_progress, &seen, NULL);
  g_autoptr (StvaMakeDemoResult) r = NULL;
  g_assert_true (stva_engine_make_demo (job, &o, &r, &error));
  g_assert_no_error (error);
  assert_complete (&seen, "generating");
  g_assert_cmpint (g_array_index (seen.total, gint64, 0), ==, 3);
  seen_clear (&seen);
  g_assert_cmpint (r->n_dialogues[0] + r->n_dialogues[1] + r->n_dialogues[2], ==, 3);
  int n_utts = r->n_utterances[0] + r->n_utterances[1] + r->n_utterances[2], n_emo = 0;
  for (int e = 0; e < 7; e++)
    n_emo += r->emotion_counts[e];
  g_assert_cmpint (n_emo, ==, n_utts);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (stva_make_demo_split (2), ==, "test");
}

/* ---- main --------------------------------------------------------------------------------- */

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  stva_media_log_errors_only ();   /* the demo's encoders, quiet as in synctva */
  tmp_dir = g_dir_make_tmp ("test-project-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_test_add_func ("/engine/project/init", test_init);
  g_test_add_func ("/engine/project/import", test_import);
  g_test_add_func ("/engine/project/import-cancel", test_import_cancel);
  g_test_add_func ("/engine/project/import-threads", test_import_threads);
  g_test_add_func ("/engine/project/export", test_export);
  g_test_add_func ("/engine/project/stats", test_stats);
  g_test_add_func ("/engine/project/merge", test_merge);
  g_test_add_func ("/engine/project/label-sets", test_label_sets);
  g_test_add_func ("/engine/project/async", test_async);
  g_test_add_func ("/engine/project/async-others", test_async_others);
  g_test_add_func ("/engine/project/make-demo", test_make_demo);
  int status = g_test_run ();
  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
