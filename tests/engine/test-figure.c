/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figure data (engine/stva-engine-figure.h) from a project whose predictions the predict
 * job stored: scores of a split from the stored predictions (the bars' weighted F1 theirs),
 * a dialogue's contributions, an attention map equal to the one-dialogue prediction's with
 * its blanks and node names, and what is refused (no history, no predictions, a dialogue
 * name in several splits, a head the map lacks).  Nothing in the project is written.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "e1-fixture.h"

static Fixture fx;
static char   *model1;

static char *
file_checksum (const char *path)
{
  g_autofree char *data = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, n);
}

typedef struct
{
  GMainLoop      *loop;
  StvaFigureData *data;
  GError         *error;
} AsyncSeen;

static void
figure_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  AsyncSeen *seen = user_data;
  seen->data = stva_engine_figure_finish (res, &seen->error);
  g_main_loop_quit (seen->loop);
}

static void
test_figures (void)
{
  g_autofree char *project = fixture_copy (&fx, "figure.stva");
  g_autoptr (GError) error = NULL;
  StvaPredictOptions po;
  stva_predict_options_init (&po);
  po.source.project = project;
  po.model_path = model1;
  po.store = TRUE;
  StvaPredictResult pr;
  g_assert_true (stva_engine_predict (NULL, &po, &pr, &error));
  g_autofree char *before = file_checksum (project);

  StvaFigureOptions options;
  stva_figure_options_init (&options);
  options.project = project;

  /* scores of the test split (12 labelled utterances), and of all 56 */
  StvaFigureScores scores;
  g_assert_true (stva_figure_scores (&options, &scores, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scores.head.model_id, ==, pr.model_id);
  g_assert_cmpint (scores.head.K, ==, 7);
  g_assert_cmpstr (scores.head.labels[0], ==, "neutral");
  g_assert_cmpint (scores.metrics.n, ==, 12);
  gint64 sum = 0;
  for (int i = 0; i < 49; i++)
    sum += scores.metrics.confusion[i];
  g_assert_cmpint (sum, ==, 12);
  StvaFigureBars bars;
  gint64 models[1] = { 0 };
  g_assert_true (stva_figure_bars (&options, models, 1, STVA_FIGURE_F1, &bars, &error));
  g_assert_cmpint (bars.n_groups, ==, 8);
  g_assert_cmpint (bars.n_series, ==, 3);
  g_assert_cmpfloat (bars.weighted_f1[0], ==, scores.metrics.weighted_f1);
  g_assert_cmpfloat (bars.values[7 * 3 + 2], ==, scores.metrics.weighted_f1);
  g_assert_cmpstr (bars.group_names[7], ==, "weighted");
  stva_figure_bars_clear (&bars);
  stva_figure_scores_clear (&scores);
  options.split = STVA_DATA_ALL_SPLITS;
  g_assert_true (stva_figure_scores (&options, &scores, &error));
  g_assert_cmpint (scores.metrics.n, ==, FIXTURE_UTTERANCES);
  stva_figure_scores_clear (&scores);

  /* a dialogue's contributions: β of T and A, none of V */
  options.dialogue = "test/dia1";
  StvaFigureContributions c;
  g_assert_true (stva_figure_contributions (&options, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (c.n, ==, 4);
  g_assert_cmpint (c.head.dialogue_id, >, 0);
  for (int t = 0; t < c.n; t++)
    {
      g_assert_true (c.utterances[t].has_beta);
      g_assert_cmpfloat (fabs (c.utterances[t].beta[0] + c.utterances[t].beta[1] - 1.0), <,
                         1e-5);
      g_assert_cmpfloat (c.utterances[t].beta[2], ==, 0.0f);
      g_assert_cmpint (c.utterances[t].predicted, >=, 0);
    }

  /* its default attention map: the first cross-attention, as the one-dialogue job sees it */
  StvaFigureAttention a;
  g_assert_true (stva_figure_attention (&options, NULL, -1, &a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a.map->key.kind, ==, STVA_ATTN_CAF);
  g_assert_cmpint (a.map->key.modality, ==, STVA_MOD_T);
  g_assert_cmpint (a.map->key.source, ==, STVA_MOD_A);
  g_assert_cmpint (a.map->rows, ==, 4);
  g_assert_cmpstr (a.row_names[0], ==, "T1");
  g_assert_cmpstr (a.col_names[3], ==, "A4");
  StvaPredictDialogueOptions one = { .project = project, .model_path = model1,
                                     .dialogue_id = c.head.dialogue_id };
  g_autoptr (StvaPredictDialogueResult) r = stva_engine_predict_dialogue (NULL, &one, &error);
  g_assert_no_error (error);
  g_autoptr (StvaAttnMap) want = stva_predict_dialogue_result_map (r, &a.map->key, &error);
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpfloat (fabs (a.map->values[i] - want->values[i]), <=, 1e-5);
      g_assert_true (a.map->values[i] == 0.0f ? isnan (a.values[i])
                                              : a.values[i] == a.map->values[i]);
    }
  stva_figure_attention_clear (&a);
  /* one head of a graph map; a head it lacks */
  StvaAttnKey key;
  g_assert_true (stva_attn_key_parse ("graph.TA.l0", &key, NULL));
  g_assert_true (stva_figure_attention (&options, &key, 1, &a, &error));
  g_assert_cmpint (a.map->rows, ==, 8);
  g_assert_cmpint (a.map->key.head, ==, 1);
  g_assert_cmpstr (a.row_names[4], ==, "A1");
  stva_figure_attention_clear (&a);
  g_assert_false (stva_figure_attention (&options, &key, 5, &a, &error));
  g_assert_nonnull (strstr (error->message, "has 2 heads"));
  g_clear_error (&error);
  g_assert_true (stva_attn_key_parse ("caf.V<-T", &key, NULL));
  g_assert_false (stva_figure_attention (&options, &key, -1, &a, &error));
  g_assert_nonnull (strstr (error->message, "no attention map 'caf.V<-T'"));
  g_assert_nonnull (strstr (error->message, "it has: msde.T, msde.A, caf.T<-A"));
  g_clear_error (&error);
  stva_figure_contributions_clear (&c);

  /* refused: no history, a model without predictions, a name in several splits */
  StvaFigureCurves curves;
  g_assert_false (stva_figure_curves (&options, &curves, &error));
  g_assert_nonnull (strstr (error->message, "has no training history"));
  g_clear_error (&error);
  options.dialogue = "dia1";
  g_assert_false (stva_figure_contributions (&options, &c, &error));
  g_assert_nonnull (strstr (error->message, "is in several splits: say which (train/dia1, "
                                            "dev/dia1, test/dia1)"));
  g_clear_error (&error);
  options.model_id = pr.model_id + 1;
  g_assert_false (stva_figure_scores (&options, &scores, &error));
  g_assert_nonnull (strstr (error->message, "has no predictions"));
  g_clear_error (&error);

  /* any of them as a job on a worker thread: the same data */
  StvaFigureRequest request;
  stva_figure_request_init (&request, STVA_FIGURE_KIND_ATTENTION);
  request.options.project = project;
  request.options.dialogue = "test/dia1";
  AsyncSeen seen = { .loop = g_main_loop_new (NULL, FALSE) };
  stva_engine_figure_async (&request, NULL, NULL, NULL, figure_cb, &seen);
  g_main_loop_run (seen.loop);
  g_main_loop_unref (seen.loop);
  g_assert_no_error (seen.error);
  g_autoptr (StvaFigureData) sync = stva_engine_figure (NULL, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen.data->kind, ==, STVA_FIGURE_KIND_ATTENTION);
  g_assert_cmpint (stva_figure_data_head (seen.data)->dialogue_id, ==,
                   stva_figure_data_head (sync)->dialogue_id);
  g_assert_cmpmem (seen.data->attention.map->values, 16 * sizeof (float),
                   sync->attention.map->values, 16 * sizeof (float));
  stva_figure_data_free (seen.data);
  request.kind = STVA_FIGURE_KIND_CURVES;   /* its error, as the function's */
  g_assert_null (stva_engine_figure (NULL, &request, &error));
  g_assert_nonnull (strstr (error->message, "has no training history"));
  g_clear_error (&error);

  g_autofree char *after = file_checksum (project);
  g_assert_cmpstr (before, ==, after);
  stva_predict_result_clear (&pr);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fixture_init (&fx, -1);
  model1 = fixture_model (&fx, 1);
  g_test_add_func ("/engine/figure/data", test_figures);
  int rc = g_test_run ();
  g_free (model1);
  fixture_clear (&fx);
  return rc;
}
