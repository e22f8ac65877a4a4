/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of a generated demo corpus, checked through the files alone: the CSVs parse as MELD,
 * every clip decodes with its stated duration, speech is there where it was planted and not
 * where the microphone was dead, loudness follows the audio cue, the face differs between
 * visual cues (and not between surprise and fear, which it was built to confuse), the label
 * distribution is MELD's, and emotions persist within speakers.
 *
 * The corpus is generated once into a temporary folder (or read from STVA_DEMO_DIR, to check a
 * corpus made elsewhere, such as the default-size one).
 */
#include <math.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "stva-core.h"
#include "stva-demo.h"
#include "stva-demo-plan.h"
#include "stva-meld.h"

#define K STVA_DEMO_N_EMOTIONS
#define FRAME_S 0.04

static char *corpus;           /* the corpus folder */
static GPtrArray *manifest;    /* of GStrv rows */
static GHashTable *column;     /* name -> index + 1 */

/* ---- manifest ------------------------------------------------------------------------------ */

static const char *
get (GStrv        row,
     const char  *name)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (column, name));
  if (i == 0)
    g_error ("manifest has no column '%s'", name);
  return row[i - 1];
}

static int
get_int (GStrv       row,
         const char *name)
{
  return atoi (get (row, name));
}

static int
emotion_index (const char *name)
{
  for (int c = 0; c < K; c++)
    if (strcmp (STVA_DEMO_EMOTIONS[c], name) == 0)
      return c;
  return -1;
}

static void
load_manifest (void)
{
  g_autofree char *path = g_build_filename (corpus, ".manifest.tsv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  manifest = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  column = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_cols = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      GStrv cells = g_strsplit (lines[i], "\t", -1);
      if (n_cols == 0)
        {
          n_cols = g_strv_length (cells);
          for (guint c = 0; c < n_cols; c++)
            g_hash_table_insert (column, g_strdup (cells[c]), GUINT_TO_POINTER (c + 1));
          g_strfreev (cells);
          continue;
        }
      if (g_strv_length (cells) != n_cols)
        g_error ("manifest line %u has %u cells, the header %u", i + 1, g_strv_length (cells),
                 n_cols);
      g_ptr_array_add (manifest, cells);
    }
  g_assert_cmpuint (manifest->len, >, 0);
}

static char *
clip_path (GStrv row)
{
  return g_build_filename (corpus, get (row, "clip"), NULL);
}

/* ---- media helpers -------------------------------------------------------------------------- */

static double
rms (const float *x,
     size_t       n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) x[i] * x[i];
  return n ? sqrt (s / n) : 0.0;
}

/* Mean of the 10 loudest 50 ms windows: the level of the speech itself, not of its pauses. */
static double
speech_level (const float *x,
              size_t       n)
{
  size_t w = STVA_AUDIO_RATE_HZ / 20, k = n / w;
  if (k == 0)
    return rms (x, n);
  double *levels = g_new (double, k);
  for (size_t i = 0; i < k; i++)
    levels[i] = rms (x + i * w, w);
  double top = 0.0;
  int taken = 0;
  for (int t = 0; t < 10 && t < (int) k; t++)
    {
      size_t best = 0;
      for (size_t i = 1; i < k; i++)
        if (levels[i] > levels[best])
          best = i;
      top += levels[best];
      levels[best] = -1.0;
      taken++;
    }
  g_free (levels);
  return top / taken;
}

#define THUMB_W 40
#define THUMB_H 30

/* The mean of 5 frames spread over the clip, as a grey 40 x 30 thumbnail: the expression held
 * through the utterance, with the speaking mouth averaged out. */
static void
clip_thumbnail (const char *path,
                double     *thumb)
{
  StvaMediaReader *reader = NULL;
  StvaError error = { 0 };
  if (stva_media_reader_open (&reader, path, &error) != STVA_OK)
    g_error ("%s", error.message);
  const StvaMediaInfo *info = stva_media_reader_info (reader);
  int w = info->width, h = info->height;
  guint8 *rgb = g_malloc ((gsize) w * h * 3);
  memset (thumb, 0, THUMB_W * THUMB_H * sizeof *thumb);
  for (int k = 0; k < 5; k++)
    {
      double t = info->duration_s * (0.15 + 0.7 * k / 4.0);
      double pts;
      bool eof = false;
      if (stva_media_reader_seek (reader, t, &error) != STVA_OK
          || stva_media_reader_next_frame (reader, rgb, &pts, &eof, &error) != STVA_OK || eof)
        g_error ("%s: no frame at %.2f s: %s", path, t, error.message);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            const guint8 *p = rgb + ((gsize) y * w + x) * 3;
            thumb[(y * THUMB_H / h) * THUMB_W + x * THUMB_W / w]
              += (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) / 5.0;
          }
    }
  double cell = (double) (w / THUMB_W) * (h / THUMB_H);
  for (int i = 0; i < THUMB_W * THUMB_H; i++)
    thumb[i] /= cell;
  g_free (rgb);
  stva_media_reader_free (reader);
}

static double
thumb_distance (const double *a,
                const double *b)
{
  double s = 0.0;
  for (int i = 0; i < THUMB_W * THUMB_H; i++)
    s += (a[i] - b[i]) * (a[i] - b[i]);
  return sqrt (s / (THUMB_W * THUMB_H));
}

/* ---- tests ---------------------------------------------------------------------------------- */

static const char *const csv_names[3] = {
  "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv",
};

static void
test_meld_csv (void)
{
  guint m = 0;
  for (int s = 0; s < 3; s++)
    {
      g_autofree char *path = g_build_filename (corpus, csv_names[s], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) rows = stva_meld_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, >, 0);

      /* Byte level: MELD's exact header and CRLF line ends. */
      g_autofree char *bytes = NULL;
      gsize n = 0;
      g_assert_true (g_file_get_contents (path, &bytes, &n, NULL));
      g_assert_true (g_str_has_prefix (bytes, "Sr No.,Utterance,Speaker,Emotion,Sentiment,"
                                              "Dialogue_ID,Utterance_ID,Season,Episode,"
                                              "StartTime,EndTime\r\n"));
      for (gsize i = 0; i < n; i++)
        if (bytes[i] == '\n')
          g_assert_true (i > 0 && bytes[i - 1] == '\r');

      int expect_dialogue = 0, expect_utt = 0;
      for (guint i = 0; i < rows->len; i++, m++)
        {
          StvaMeldRow *row = g_ptr_array_index (rows, i);
          g_assert_cmpuint (m, <, manifest->len);
          GStrv cue = g_ptr_array_index (manifest, m);
          g_assert_cmpstr (get (cue, "split"), ==, STVA_DEMO_SPLIT_NAMES[s]);
          g_assert_cmpint (row->dialogue_id, ==, get_int (cue, "dialogue_id"));
          g_assert_cmpint (row->utterance_id, ==, get_int (cue, "utterance_id"));
          /* the CSV carries the label: the true emotion unless label noise flipped it */
          g_assert_cmpstr (row->emotion, ==, get (cue, "label"));
          g_assert_cmpstr (row->sentiment, ==, get (cue, "label_sentiment"));
          g_assert_cmpint (strcmp (get (cue, "label"), get (cue, "emotion")) != 0, ==,
                           get_int (cue, "label_noise"));
          if (get_int (cue, "label_noise") == 0)
            g_assert_cmpstr (row->sentiment, ==, get (cue, "sentiment"));
          g_assert_cmpstr (row->speaker, ==, get (cue, "speaker"));
          g_assert_cmpint (row->start_ms, ==, atoi (get (cue, "start_ms")));
          g_assert_cmpint (row->end_ms, ==, atoi (get (cue, "end_ms")));
          g_assert_cmpint (row->sr_no, ==, (gint64) i + 1);
          g_assert_true ((row->utterance[0] == '\0') == (get_int (cue, "text_missing") == 1));
          /* Dialogue ids count from 0 in each split, utterance ids from 0 in each dialogue. */
          if (row->dialogue_id != expect_dialogue)
            {
              g_assert_cmpint (row->dialogue_id, ==, expect_dialogue + 1);
              g_assert_cmpint (row->utterance_id, ==, 0);
              expect_dialogue++;
              expect_utt = 0;
            }
          g_assert_cmpint (row->utterance_id, ==, expect_utt++);
          /* Sentiment derived as MELD does. */
          int e = emotion_index (row->emotion);
          if (e == STVA_DEMO_NEUTRAL)
            g_assert_cmpstr (row->sentiment, ==, "neutral");
          else if (e == STVA_DEMO_JOY)
            g_assert_cmpstr (row->sentiment, ==, "positive");
          else if (e != STVA_DEMO_SURPRISE)
            g_assert_cmpstr (row->sentiment, ==, "negative");
          else
            g_assert_cmpstr (row->sentiment, !=, "neutral");
          g_autofree char *clip = clip_path (cue);
          g_autofree char *name = g_strdup_printf ("dia%d_utt%d.mp4", row->dialogue_id,
                                                   row->utterance_id);
          g_assert_true (g_str_has_suffix (clip, name));
          g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
        }
    }
  g_assert_cmpuint (m, ==, manifest->len);
}

static void
test_durations (void)
{
  double worst = 0.0;
  GHashTable *dialogue_end = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < manifest->len; i++)
    {
      GStrv cue = g_ptr_array_index (manifest, i);
      g_autofree char *path = clip_path (cue);
      StvaMediaReader *reader = NULL;
      StvaError error = { 0 };
      if (stva_media_reader_open (&reader, path, &error) != STVA_OK)
        g_error ("%s", error.message);
      const StvaMediaInfo *info = stva_media_reader_info (reader);
      double stated = (get_int (cue, "end_ms") - get_int (cue, "start_ms")) / 1000.0;
      g_assert_true (info->has_video && info->has_audio);
      g_assert_cmpint (info->width, ==, 320);
      g_assert_cmpint (info->height, ==, 240);
      double dv = fabs (info->video_duration_s - stated);
      double da = fabs (info->audio_duration_s - stated);
      worst = MAX (worst, MAX (dv, da));
      if (dv > FRAME_S + 1e-6 || da > 0.06)
        g_error ("%s: video %.3f s, audio %.3f s, but the CSV states %.3f s", path,
                 info->video_duration_s, info->audio_duration_s, stated);
      stva_media_reader_free (reader);
      g_autofree char *key = g_strdup_printf ("%s/%s", get (cue, "split"),
                                              get (cue, "dialogue_id"));
      g_hash_table_insert (dialogue_end, g_steal_pointer (&key),
                           GINT_TO_POINTER (get_int (cue, "end_ms")));
    }
  g_test_message ("worst clip duration error %.3f s over %u clips", worst, manifest->len);

  /* The whole-dialogue videos hold every utterance at its stated time. */
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, dialogue_end);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_auto (GStrv) parts = g_strsplit (key, "/", 2);
      g_autofree char *name = g_strdup_printf ("dia%s.mp4", parts[1]);
      g_autofree char *path = g_build_filename (corpus, "dialogues", parts[0], name, NULL);
      StvaMediaReader *reader = NULL;
      StvaError error = { 0 };
      if (stva_media_reader_open (&reader, path, &error) != STVA_OK)
        g_error ("%s", error.message);
      double end_s = GPOINTER_TO_INT (value) / 1000.0;
      g_assert_cmpfloat (fabs (stva_media_reader_info (reader)->video_duration_s - end_s), <=,
                         FRAME_S + 1e-6);
      stva_media_reader_free (reader);
    }
  g_hash_table_unref (dialogue_end);
}

static void
test_speech (void)
{
  double level[K] = { 0 };
  int n_level[K] = { 0 };
  for (guint i = 0; i < manifest->len; i++)
    {
      GStrv cue = g_ptr_array_index (manifest, i);
      g_autofree char *path = clip_path (cue);
      float *pcm = NULL;
      size_t n = 0;
      StvaError error = { 0 };
      if (stva_media_read_audio (path, 0.0, -1.0, &pcm, &n, &error) != STVA_OK)
        g_error ("%s", error.message);
      double speech = speech_level (pcm, n);
      if (get_int (cue, "audio_missing"))
        {
          if (speech > 0.01)
            g_error ("%s: the microphone was planted dead but the level is %.4f", path, speech);
        }
      else
        {
          if (speech < 0.03)
            g_error ("%s: speech was planted but the level is only %.4f", path, speech);
          /* the pad before the speech is quiet: the first 100 ms */
          double lead = rms (pcm, STVA_AUDIO_RATE_HZ / 10);
          if (lead > speech / 4)
            g_error ("%s: lead-in level %.4f against speech %.4f", path, lead, speech);
          int cue_e = emotion_index (get (cue, "audio_cue"));
          int k = cue_e < 0 ? STVA_DEMO_NEUTRAL : cue_e;
          level[k] += speech;
          n_level[k]++;
        }
      free (pcm);
    }
  for (int c = 0; c < K; c++)
    if (n_level[c])
      g_test_message ("audio cue %-8s: speech level %.3f over %d clips", STVA_DEMO_EMOTIONS[c],
                      level[c] / n_level[c], n_level[c]);
  /* Loudness carries the cue: angry lines are louder than neutral ones, sad lines quieter. */
  g_assert_cmpint (n_level[STVA_DEMO_ANGER], >, 0);
  g_assert_cmpint (n_level[STVA_DEMO_SADNESS], >, 0);
  double anger = level[STVA_DEMO_ANGER] / n_level[STVA_DEMO_ANGER];
  double sad = level[STVA_DEMO_SADNESS] / n_level[STVA_DEMO_SADNESS];
  double neutral = level[STVA_DEMO_NEUTRAL] / n_level[STVA_DEMO_NEUTRAL];
  g_assert_cmpfloat (anger, >, 1.2 * neutral);
  g_assert_cmpfloat (sad, <, 0.8 * neutral);
}

/* Mean thumbnail of a set of clips. */
static void
mean_thumb (const double *thumbs,
            const int    *idx,
            int           n,
            double       *out)
{
  memset (out, 0, THUMB_W * THUMB_H * sizeof *out);
  for (int k = 0; k < n; k++)
    for (int i = 0; i < THUMB_W * THUMB_H; i++)
      out[i] += thumbs[(gsize) idx[k] * THUMB_W * THUMB_H + i] / n;
}

/* For each speaker, the clips are grouped by planted visual cue.  Averaging a group removes the
 * speaking mouth, blinks and head motion and keeps the held expression.  The face differs
 * between cues when the distance between two groups' means is well above the distance between
 * the two halves of one group (the noise floor of such a mean). */
static void
test_faces (void)
{
  guint n = manifest->len;
  double *thumbs = g_new (double, (gsize) n * THUMB_W * THUMB_H);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = clip_path (g_ptr_array_index (manifest, i));
      clip_thumbnail (path, thumbs + (gsize) i * THUMB_W * THUMB_H);
    }
  enum { G = K + 1 };   /* groups: no cue (neutral face), then the seven emotions */
  double between = 0, within = 0, alike = 0;
  int n_between = 0, n_within = 0, n_alike = 0;
  double ma[THUMB_W * THUMB_H], mb[THUMB_W * THUMB_H];
  double *mean = g_new (double, (gsize) G * THUMB_W * THUMB_H);
  for (int sp = 0; sp < STVA_DEMO_N_CHARACTERS; sp++)
    {
      int *idx[G], count[G] = { 0 };
      const char *speaker = NULL;
      for (int g = 0; g < G; g++)
        idx[g] = g_new (int, n);
      for (guint i = 0; i < n; i++)
        {
          GStrv row = g_ptr_array_index (manifest, i);
          if (get_int (row, "visual_missing"))
            continue;
          if (speaker == NULL)
            {
              /* the sp-th distinct speaker of the manifest */
              int seen = 0;
              g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
              for (guint j = 0; j < n && speaker == NULL; j++)
                {
                  const char *name = get (g_ptr_array_index (manifest, j), "speaker");
                  if (g_hash_table_add (names, (gpointer) name) && seen++ == sp)
                    speaker = name;
                }
              if (speaker == NULL)
                break;
            }
          if (strcmp (get (row, "speaker"), speaker) != 0)
            continue;
          int g = emotion_index (get (row, "visual_cue")) + 1;
          idx[g][count[g]++] = (int) i;
        }
      for (int g = 0; g < G; g++)
        {
          if (count[g] >= 4)
            {
              int half = count[g] / 2;
              mean_thumb (thumbs, idx[g], half, ma);
              mean_thumb (thumbs, idx[g] + half, count[g] - half, mb);
              within += thumb_distance (ma, mb);
              n_within++;
            }
          if (count[g] >= 2)
            mean_thumb (thumbs, idx[g], count[g], mean + (gsize) g * THUMB_W * THUMB_H);
        }
      for (int a = 0; a < G; a++)
        for (int b = a + 1; b < G; b++)
          {
            if (count[a] < 2 || count[b] < 2)
              continue;
            double d = thumb_distance (mean + (gsize) a * THUMB_W * THUMB_H,
                                       mean + (gsize) b * THUMB_W * THUMB_H);
            bool designed_alike = a == STVA_DEMO_SURPRISE + 1 && b == STVA_DEMO_FEAR + 1;
            if (designed_alike)
              {
                alike += d;
                n_alike++;
              }
            else
              {
                between += d;
                n_between++;
              }
          }
      for (int g = 0; g < G; g++)
        g_free (idx[g]);
    }
  /* A face turned away changes the frame far more than any expression does. */
  double away = 0.0;
  int n_away = 0;
  for (guint i = 0; i < n; i++)
    {
      GStrv a = g_ptr_array_index (manifest, i);
      if (!get_int (a, "visual_missing"))
        continue;
      for (guint j = 0; j < n; j++)
        {
          GStrv b = g_ptr_array_index (manifest, j);
          if (get_int (b, "visual_missing") || strcmp (get (a, "speaker"), get (b, "speaker")))
            continue;
          away += thumb_distance (thumbs + (gsize) i * THUMB_W * THUMB_H,
                                  thumbs + (gsize) j * THUMB_W * THUMB_H);
          n_away++;
        }
    }
  g_free (mean);
  g_free (thumbs);
  g_assert_cmpint (n_away, >, 0);
  g_assert_cmpint (n_within, >=, 3);
  g_assert_cmpint (n_between, >=, 10);
  within /= n_within;
  between /= n_between;
  g_test_message ("per speaker, distance between mean faces of different visual cues %.2f "
                  "(%d pairs); between halves of one cue %.2f (%d); surprise vs fear %.2f (%d); turned "
                  "away vs frontal clips %.2f", between, n_between, within, n_within,
                  n_alike ? alike / n_alike : 0.0, n_alike, away / n_away);
  if (between < 1.5 * within)
    g_error ("mean faces of different visual cues (%.2f) are not clearly further apart than "
             "two halves of one cue (%.2f)", between, within);
  g_assert_cmpfloat (away / n_away, >, 2.0 * between);
  if (n_alike > 0 && alike / n_alike > between)
    g_error ("surprise and fear faces (%.2f) should look more alike than other pairs (%.2f)",
             alike / n_alike, between);

}

static void
test_labels (void)
{
  int count[K] = { 0 };
  for (guint i = 0; i < manifest->len; i++)
    count[emotion_index (get (g_ptr_array_index (manifest, i), "emotion"))]++;
  for (int c = 0; c < K; c++)
    {
      double share = (double) count[c] / manifest->len;
      g_test_message ("%-8s %4d  %5.1f %% (MELD %4.1f %%)", STVA_DEMO_EMOTIONS[c], count[c],
                      100 * share, 100 * STVA_DEMO_TARGET_SHARE[c]);
      g_assert_cmpint (count[c], >, 0);
      /* small corpora: a few hundred correlated labels, so a wider band than at default size */
      double tol = STVA_DEMO_TARGET_SHARE[c] > 0.1 ? 0.05 : 0.03;
      if (fabs (share - STVA_DEMO_TARGET_SHARE[c]) > tol)
        g_error ("%s share %.3f is more than %.2f from MELD's %.2f", STVA_DEMO_EMOTIONS[c],
                 share, tol, STVA_DEMO_TARGET_SHARE[c]);
    }
}

static void
test_context (void)
{
  int same_own = 0, n_own = 0;
  GHashTable *last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < manifest->len; i++)
    {
      GStrv cue = g_ptr_array_index (manifest, i);
      g_autofree char *key = g_strdup_printf ("%s/%s/%s", get (cue, "split"),
                                              get (cue, "dialogue_id"), get (cue, "speaker"));
      const char *prev = g_hash_table_lookup (last, key);
      if (prev != NULL)
        {
          same_own += strcmp (prev, get (cue, "emotion")) == 0;
          n_own++;
        }
      g_hash_table_insert (last, g_steal_pointer (&key), g_strdup (get (cue, "emotion")));
    }
  g_hash_table_unref (last);
  /* chance agreement of two independent MELD-distributed labels is about 0.27 */
  double own = (double) same_own / n_own;
  g_test_message ("a speaker repeats their last emotion in %.2f of %d lines", own, n_own);
  g_assert_cmpfloat (own, >, 0.5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  stva_media_log_errors_only ();
  const char *given = g_getenv ("STVA_DEMO_DIR");
  g_autofree char *tmp = NULL;
  if (given != NULL)
    corpus = g_strdup (given);
  else
    {
      tmp = g_dir_make_tmp ("stva-demo-XXXXXX", NULL);
      corpus = g_build_filename (tmp, "demo", NULL);
      StvaDemoOptions opts;
      stva_demo_options_init (&opts);
      opts.seed = 7;
      StvaDemoSummary summary;
      StvaError error = { 0 };
      if (stva_demo_generate (corpus, &opts, &summary, &error) != STVA_OK)
        g_error ("generating the small demo corpus: %s", error.message);
      g_test_message ("small corpus: %d utterances, %.0f s of clips in %.1f s",
                      summary.n_utterances[0] + summary.n_utterances[1]
                        + summary.n_utterances[2], summary.media_seconds, summary.elapsed_s);
    }
  load_manifest ();
  g_test_add_func ("/demo/corpus/meld-csv", test_meld_csv);
  g_test_add_func ("/demo/corpus/durations", test_durations);
  g_test_add_func ("/demo/corpus/speech", test_speech);
  g_test_add_func ("/demo/corpus/faces", test_faces);
  g_test_add_func ("/demo/corpus/labels", test_labels);
  g_test_add_func ("/demo/corpus/context", test_context);
  int rc = g_test_run ();
  g_ptr_array_unref (manifest);
  g_hash_table_unref (column);
  if (tmp != NULL && g_getenv ("STVA_KEEP_DEMO") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", tmp);
    }
  g_free (corpus);
  return rc;
}
