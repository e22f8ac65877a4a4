/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The extract and predict tests' project (e1-fixture.h).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "e1-fixture.h"

static void
write_split (const char *path,
             int         n_dialogues)
{
  g_autoptr (GString) s = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,"
                                        "Dialogue_ID,Utterance_ID,Season,Episode,StartTime,"
                                        "EndTime\r\n");
  int n = 1;
  for (int d = 0; d < n_dialogues; d++)
    for (int u = 0; u < 4; u++)
      {
        static const char *const text[] = { "I am so happy today, great news",
                                            "This is awful, I hate it",
                                            "Okay, the bus leaves at nine" };
        static const char *const emo[] = { "joy", "anger", "neutral" };
        static const char *const sen[] = { "positive", "negative", "neutral" };
        int c = (d + u) % 3;
        g_string_append_printf (s, "%d,\"%s\",%s,%s,%s,%d,%d,1,1,\"00:00:0%d,000\","
                                "\"00:00:0%d,500\"\r\n", n++, text[c], u % 2 ? "Bob" : "Ann",
                                emo[c], sen[c], d, u, u, u);
      }
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
}

void
fixture_init (Fixture *f,
              int      skip_audio)
{
  memset (f, 0, sizeof *f);
  f->dir = g_dir_make_tmp ("e1-engine-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->corpus = g_build_filename (f->dir, "meld", NULL);
  g_assert_cmpint (g_mkdir (f->corpus, 0700), ==, 0);
  const char *csv[] = { "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv" };
  int n[] = { 8, 3, 3 };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (f->corpus, csv[i], NULL);
      write_split (path, n[i]);
    }
  f->project = g_build_filename (f->dir, "p.stva", NULL);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (StvaDb) db = stva_db_open (f->project, STVA_DB_OPEN_CREATE, &error);
    g_assert_no_error (error);
    g_assert_true (stva_db_import_meld (db, f->corpus, NULL, &error));
    g_assert_no_error (error);
  }
  /* the text through the extract job */
  StvaEngineExtractOptions opts;
  stva_engine_extract_options_init (&opts);
  opts.project = f->project;
  opts.modality[STVA_MOD_A] = opts.modality[STVA_MOD_V] = FALSE;
  opts.jobs = 1;
  StvaEngineExtractResult result;
  g_assert_true (stva_engine_extract (NULL, &opts, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_stored[STVA_MOD_T], ==, FIXTURE_UTTERANCES);
  stva_engine_extract_result_clear (&result);

  /* audio: 4 numbers per utterance from its id, so two projects built alike agree */
  g_autoptr (StvaDb) db = stva_db_open (f->project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  g_assert_cmpuint (dialogues->len, ==, FIXTURE_DIALOGUES);
  g_assert_true (stva_db_begin (db, &error));
  for (guint d = 0; d < dialogues->len; d++)
    {
      if ((int) d == skip_audio)
        continue;
      const StvaDbDialogue *dlg = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, dlg->id, set->id, 0, &error);
      for (guint k = 0; k < utts->len; k++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, k);
          float v[4] = { (float) (u->id % 7) / 7.0f, (float) (u->idx % 2), 0.5f,
                         (float) d / 14.0f };
          g_assert_true (stva_db_put_feature (db, u->id, "audio", "synthetic", "1", v, 4,
                                              &error));
        }
    }
  g_assert_true (stva_db_commit (db, &error));
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
fixture_clear (Fixture *f)
{
  if (f->dir != NULL)
    remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->corpus);
  g_free (f->project);
  memset (f, 0, sizeof *f);
}

char *
fixture_import (Fixture    *f,
                const char *name)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_import_meld (db, f->corpus, NULL, &error));
  g_assert_no_error (error);
  return path;
}

/* Half a second of a sine at hz, 16 kHz mono 16-bit WAV (FFmpeg finds it by its content
 * whatever the name). */
static void
write_tone (const char *path,
            double      hz)
{
  const guint32 rate = 16000, n = rate / 2;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  guint32 u32;
  guint16 u16;
#define PUT(v) g_byte_array_append (b, (const guint8 *) &(v), sizeof (v))
  g_byte_array_append (b, (const guint8 *) "RIFF", 4);
  u32 = GUINT32_TO_LE (36 + 2 * n); PUT (u32);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt ", 8);
  u32 = GUINT32_TO_LE (16); PUT (u32);
  u16 = GUINT16_TO_LE (1); PUT (u16);                  /* PCM */
  u16 = GUINT16_TO_LE (1); PUT (u16);                  /* mono */
  u32 = GUINT32_TO_LE (rate); PUT (u32);
  u32 = GUINT32_TO_LE (2 * rate); PUT (u32);
  u16 = GUINT16_TO_LE (2); PUT (u16);
  u16 = GUINT16_TO_LE (16); PUT (u16);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  u32 = GUINT32_TO_LE (2 * n); PUT (u32);
  for (guint32 i = 0; i < n; i++)
    {
      gint16 v = (gint16) (8000.0 * sin (2.0 * G_PI * hz * i / rate));
      u16 = GUINT16_TO_LE ((guint16) v); PUT (u16);
    }
#undef PUT
  g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
}

char *
fixture_media_project (Fixture    *f,
                       const char *name)
{
  g_autofree char *corpus = g_build_filename (f->dir, "meld-media", NULL);
  const char *csv[] = { "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv" };
  const char *clips[] = { "train_splits", "dev_splits_complete", "output_repeated_splits_test" };
  int n[] = { 8, 3, 3 };
  if (!g_file_test (corpus, G_FILE_TEST_IS_DIR))
    for (int s = 0; s < 3; s++)
      {
        g_autofree char *folder = g_build_filename (corpus, clips[s], NULL);
        g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
        g_autofree char *from = g_build_filename (f->corpus, csv[s], NULL);
        g_autofree char *to = g_build_filename (corpus, csv[s], NULL);
        g_autofree char *text = NULL;
        g_assert_true (g_file_get_contents (from, &text, NULL, NULL));
        g_assert_true (g_file_set_contents (to, text, -1, NULL));
        for (int d = 0; d < n[s]; d++)
          for (int u = 0; u < 4; u++)
            {
              g_autofree char *clip = g_strdup_printf ("dia%d_utt%d.mp4", d, u);
              g_autofree char *path = g_build_filename (folder, clip, NULL);
              write_tone (path, 150.0 + 40.0 * u + 15.0 * d + 100.0 * s);
            }
      }
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_import_meld (db, corpus, NULL, &error));
  g_assert_no_error (error);
  return path;
}

char *
fixture_copy (Fixture    *f,
              const char *name)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GFile) from = g_file_new_for_path (f->project);
  g_autoptr (GFile) to = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  return path;
}

char *
fixture_model (Fixture *f,
               guint64  seed)
{
  g_autoptr (GError) error = NULL;
  StvaDataSource source = { .project = f->project };
  g_autoptr (StvaData) data = stva_data_load (&source, &error);
  g_assert_no_error (error);
  StvaModelConfig config;
  StvaError err = { 0 };
  stva_model_config_init (&config);
  g_assert_cmpint (stva_model_config_preset (&config, "tiny", &err), ==, STVA_OK);
  stva_model_config_from_dataset (&config, data->ds);
  config.seed = seed;
  StvaModel model;
  memset (&model, 0, sizeof model);
  g_assert_cmpint (stva_model_init (&model, &config, &err), ==, STVA_OK);
  model.labels = calloc ((size_t) data->ds->K, sizeof (char *));   /* core frees with free () */
  for (int k = 0; k < data->ds->K; k++)
    model.labels[k] = strdup (data->ds->labels[k]);
  g_autofree char *name = g_strdup_printf ("m%" G_GUINT64_FORMAT ".stvm", seed);
  char *path = g_build_filename (f->dir, name, NULL);
  if (stva_model_save (&model, path, &err) != STVA_OK)
    g_error ("%s", err.message);
  stva_model_clear (&model);
  return path;
}

GArray *
fixture_dialogue_ids (const char *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint d = 0; d < dialogues->len; d++)
    g_array_append_val (ids, ((StvaDbDialogue *) g_ptr_array_index (dialogues, d))->id);
  return ids;
}

gint64
fixture_latest_model (const char *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  gint64 id = stva_db_latest_model (db, set->id, &error);
  g_assert_no_error (error);
  return id;
}

int
fixture_whole_dialogues (const char *project,
                         gint64      model_id,
                         const char *modality)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  if (!stva_db_check (db, &error))
    g_error ("%s: %s", project, error->message);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  int n_whole = 0;
  for (guint d = 0; d < dialogues->len; d++)
    {
      const StvaDbDialogue *dlg = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, dlg->id, set->id, model_id, &error);
      g_assert_no_error (error);
      guint n = 0;
      for (guint k = 0; k < utts->len; k++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, k);
          if (modality != NULL)
            {
              g_autoptr (GArray) v = stva_db_feature (db, u->id, modality, &error);
              g_assert_no_error (error);
              n += v != NULL;
            }
          else
            n += model_id != 0 && u->predicted_label_id != 0;
        }
      if (n != 0 && n != utts->len)
        g_error ("%s: dialogue %s has %u of its %u utterances %s", project, dlg->name, n,
                 utts->len, modality != NULL ? modality : "predicted");
      n_whole += n == utts->len && n > 0;
    }
  return n_whole;
}
