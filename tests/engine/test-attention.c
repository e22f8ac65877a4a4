/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed attention maps (engine/stva-attention.h): every key's name round trips and bad names
 * are refused; shapes and node labels; a dialogue's map built from core's output equals the
 * one assembled from the per-utterance blobs predict stores; doctored blobs are refused with
 * the utterance at fault named.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "stva-engine.h"
#include "stva-rng.h"

/* ---- a tiny model's prediction of one dialogue ------------------------------------------- */

#define T_UTT 5

typedef struct
{
  StvaModel       model;
  StvaDialogue    dlg;
  StvaModelOutput out;
  float           x[STVA_N_MOD][T_UTT * 3];
  uint8_t         mask[STVA_N_MOD][T_UTT];
  int             speaker[T_UTT], label[T_UTT];
} Fixture;

static void
fixture_init (Fixture *f)
{
  memset (f, 0, sizeof *f);
  StvaModelConfig config;
  StvaError error = { 0 };
  stva_model_config_init (&config);
  g_assert_cmpint (stva_model_config_preset (&config, "tiny", &error), ==, STVA_OK);
  config.L = 2;   /* two layers: keys of layer 1 too */
  for (int m = 0; m < STVA_N_MOD; m++)
    config.F[m] = 3;
  config.K = 3;
  g_assert_cmpint (stva_model_init (&f->model, &config, &error), ==, STVA_OK);
  StvaRng rng;
  stva_rng_init (&rng, 7);
  f->dlg.id = "dia0";
  f->dlg.T = T_UTT;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      for (int i = 0; i < T_UTT * 3; i++)
        f->x[m][i] = (float) stva_rng_normal (&rng);
      for (int t = 0; t < T_UTT; t++)
        f->mask[m][t] = 1;
      f->dlg.x[m] = f->x[m];
      f->dlg.mask[m] = f->mask[m];
    }
  for (int t = 0; t < T_UTT; t++)
    {
      f->speaker[t] = t % 2;
      f->label[t] = t % 3;
    }
  f->dlg.speaker = f->speaker;
  f->dlg.label = f->label;
  g_assert_cmpint (stva_model_predict (&f->model, NULL, &f->dlg, &f->out, &error), ==, STVA_OK);
}

static void
fixture_clear (Fixture *f)
{
  stva_model_output_clear (&f->out);
  stva_model_clear (&f->model);
}

/* ---- keys --------------------------------------------------------------------------------- */

static void
test_keys_round_trip (void)
{
  int n = 0;
  for (int head = -1; head < 3; head++)
    {
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          StvaAttnKey keys[STVA_N_MOD + 1] = { { .kind = STVA_ATTN_MSDE, .modality = m,
                                                 .head = head } };
          int nk = 1;
          for (int m2 = 0; m2 < STVA_N_MOD; m2++)
            if (m2 != m)
              keys[nk++] = (StvaAttnKey) { .kind = STVA_ATTN_CAF, .modality = m, .source = m2,
                                           .head = head };
          for (int i = 0; i < nk; i++)
            {
              g_assert_true (stva_attn_key_valid (&keys[i]));
              g_autofree char *name = stva_attn_key_to_string (&keys[i]);
              StvaAttnKey back;
              g_autoptr (GError) error = NULL;
              g_assert_true (stva_attn_key_parse (name, &back, &error));
              g_assert_no_error (error);
              g_assert_true (stva_attn_key_equal (&keys[i], &back));
              n++;
            }
        }
      for (int p = 0; p < STVA_N_PAIRS; p++)
        for (int l = 0; l < STVA_MODEL_MAX_LAYERS; l++)
          {
            StvaAttnKey key = { .kind = STVA_ATTN_GRAPH, .pair = p, .layer = l, .head = head };
            g_autofree char *name = stva_attn_key_to_string (&key);
            StvaAttnKey back;
            g_assert_true (stva_attn_key_parse (name, &back, NULL));
            g_assert_true (stva_attn_key_equal (&key, &back));
            n++;
          }
    }
  /* 3 MSDE + 6 CAF + 24 graphs for each of four heads */
  g_assert_cmpint (n, ==, 4 * (3 + 6 + 24));

  /* the names predict has always stored */
  StvaAttnKey key;
  g_assert_true (stva_attn_key_parse ("caf.T<-A", &key, NULL));
  g_assert_cmpint (key.kind, ==, STVA_ATTN_CAF);
  g_assert_cmpint (key.modality, ==, STVA_MOD_T);
  g_assert_cmpint (key.source, ==, STVA_MOD_A);
  g_assert_cmpint (key.head, ==, -1);
  g_assert_true (stva_attn_key_parse ("graph.AV.l1/h3", &key, NULL));
  g_assert_cmpint (key.kind, ==, STVA_ATTN_GRAPH);
  g_assert_cmpint (key.pair, ==, 2);
  g_assert_cmpint (key.layer, ==, 1);
  g_assert_cmpint (key.head, ==, 3);

  const char *bad[] = { "", "msde", "msde.X", "msde.TA", "caf.T<-T", "caf.T->A",
                        "caf.T<-", "graph.TT.l0", "graph.VA.l0", "graph.TA.l", "graph.TA.l8",
                        "graph.TA.l01", "graph.TA.l0/h", "graph.TA.l0/x1", "graph.TA.l0/h1x",
                        "graph.TA.l0 ", "graph.TA" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      if (stva_attn_key_parse (bad[i], &key, &error))
        g_error ("'%s' parsed as a key", bad[i]);
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

static void
test_keys_shape_nodes (void)
{
  StvaAttnKey msde = { .kind = STVA_ATTN_MSDE, .modality = STVA_MOD_A, .head = -1 };
  StvaAttnKey caf = { .kind = STVA_ATTN_CAF, .modality = STVA_MOD_V, .source = STVA_MOD_T,
                      .head = -1 };
  StvaAttnKey graph = { .kind = STVA_ATTN_GRAPH, .pair = 1, .layer = 0, .head = 0 };   /* TV */
  int rows, cols;
  stva_attn_key_shape (&msde, 4, &rows, &cols);
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 4);
  stva_attn_key_shape (&caf, 4, &rows, &cols);
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 4);
  stva_attn_key_shape (&graph, 4, &rows, &cols);
  g_assert_cmpint (rows, ==, 8);
  g_assert_cmpint (cols, ==, 8);

  StvaAttnNode n = stva_attn_key_node (&msde, 4, TRUE, 2);
  g_assert_cmpint (n.utterance, ==, 2);
  g_assert_cmpint (n.modality, ==, STVA_MOD_A);
  n = stva_attn_key_node (&caf, 4, FALSE, 3);
  g_assert_cmpint (n.utterance, ==, 3);
  g_assert_cmpint (n.modality, ==, STVA_MOD_V);
  n = stva_attn_key_node (&caf, 4, TRUE, 3);
  g_assert_cmpint (n.modality, ==, STVA_MOD_T);
  n = stva_attn_key_node (&graph, 4, FALSE, 1);
  g_assert_cmpint (n.utterance, ==, 1);
  g_assert_cmpint (n.modality, ==, STVA_MOD_T);
  n = stva_attn_key_node (&graph, 4, TRUE, 6);
  g_assert_cmpint (n.utterance, ==, 2);
  g_assert_cmpint (n.modality, ==, STVA_MOD_V);
}

/* ---- maps --------------------------------------------------------------------------------- */

static GBytes **
blobs_of (const StvaModelOutput *out)
{
  GBytes **blobs = g_new0 (GBytes *, out->T);
  for (int t = 0; t < out->T; t++)
    blobs[t] = stva_attn_blob_new (out, t);
  return blobs;
}

static void
blobs_free (GBytes **blobs,
            int      T)
{
  for (int t = 0; t < T; t++)
    g_clear_pointer (&blobs[t], g_bytes_unref);
  g_free (blobs);
}

static void
test_maps_output_and_blobs (void)
{
  Fixture f;
  fixture_init (&f);
  g_autoptr (GArray) keys = stva_attn_keys_of_output (&f.out);
  /* the tiny model with every part on: 3 MSDE, 6 CAF, 3 pairs × 2 layers */
  g_assert_cmpuint (keys->len, ==, 3 + 6 + 6);
  GBytes **blobs = blobs_of (&f.out);
  g_autoptr (GArray) stored = stva_attn_keys_of_blob (blobs[0], NULL);
  g_assert_nonnull (stored);
  g_assert_cmpuint (stored->len, ==, keys->len);
  for (guint i = 0; i < keys->len; i++)
    g_assert_true (stva_attn_key_equal (&g_array_index (keys, StvaAttnKey, i),
                                        &g_array_index (stored, StvaAttnKey, i)));
  int n_maps = 0;
  for (guint i = 0; i < keys->len; i++)
    for (int head = -1; head < f.out.H; head++)
      {
        StvaAttnKey key = g_array_index (keys, StvaAttnKey, i);
        key.head = head;
        if (key.kind == STVA_ATTN_MSDE && head > 0)
          continue;
        g_autoptr (GError) error = NULL;
        g_autoptr (StvaAttnMap) a = stva_attn_map_from_output (&f.out, &key, &error);
        g_assert_no_error (error);
        int bad = 99;
        g_autoptr (StvaAttnMap) b = stva_attn_map_from_blobs (blobs, T_UTT, &key, &bad, &error);
        g_assert_no_error (error);
        g_assert_cmpint (bad, ==, -1);
        g_assert_cmpint (a->rows, ==, b->rows);
        g_assert_cmpint (a->cols, ==, b->cols);
        g_assert_cmpint (a->heads, ==, key.kind == STVA_ATTN_MSDE ? 1 : f.out.H);
        g_assert_cmpint (b->heads, ==, a->heads);
        g_assert_cmpmem (a->values, sizeof (float) * a->rows * a->cols, b->values,
                         sizeof (float) * b->rows * b->cols);
        g_assert_cmpmem (a->row_nodes, sizeof (StvaAttnNode) * a->rows, b->row_nodes,
                         sizeof (StvaAttnNode) * b->rows);
        /* each row a softmax (or all 0: a node attending to nothing) */
        for (int r = 0; r < a->rows; r++)
          {
            double s = 0;
            for (int c = 0; c < a->cols; c++)
              s += a->values[(size_t) r * a->cols + c];
            if (!(fabs (s - 1.0) < 1e-4 || s == 0.0))
              g_error ("map %u head %d row %d sums to %g", i, head, r, s);
          }
        n_maps++;
      }
  g_assert_cmpint (n_maps, ==, 3 * 2 + (6 + 6) * (f.out.H + 1));   /* MSDE: head -1 and 0 */

  /* one head is that head's weights of core's output */
  StvaAttnKey key = { .kind = STVA_ATTN_CAF, .modality = STVA_MOD_T, .source = STVA_MOD_A,
                      .head = 1 };
  g_autoptr (StvaAttnMap) one = stva_attn_map_from_output (&f.out, &key, NULL);
  for (int i = 0; i < T_UTT * T_UTT; i++)
    g_assert_cmpfloat (one->values[i], ==, f.out.caf_alpha[STVA_MOD_T][STVA_MOD_A]
                                             [(size_t) T_UTT * T_UTT + (size_t) i]);
  /* a head the model lacks, a layer it lacks */
  g_autoptr (GError) error = NULL;
  key.head = f.out.H;
  g_assert_null (stva_attn_map_from_output (&f.out, &key, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "has 2 heads"));
  g_clear_error (&error);
  int bad = -1;
  g_assert_null (stva_attn_map_from_blobs (blobs, T_UTT, &key, &bad, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_cmpint (bad, ==, 0);
  g_clear_error (&error);
  StvaAttnKey l5 = { .kind = STVA_ATTN_GRAPH, .pair = 0, .layer = 5, .head = -1 };
  g_assert_null (stva_attn_map_from_output (&f.out, &l5, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (stva_attn_map_from_blobs (blobs, T_UTT, &l5, &bad, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "graph.TA.l5"));
  blobs_free (blobs, T_UTT);
  fixture_clear (&f);
}

/* A blob holding one map, name (rows, cols) of value v. */
static GBytes *
one_map_blob (const char *name,
              guint32     rows,
              guint32     cols)
{
  g_autofree float *data = g_new (float, rows * cols);
  for (guint32 i = 0; i < rows * cols; i++)
    data[i] = 1.0f / (float) cols;
  StvaDbAttnMap map = { .name = (char *) name, .rows = rows, .cols = cols, .data = data };
  return stva_db_attention_pack (&map, 1);
}

static void
test_maps_doctored (void)
{
  Fixture f;
  fixture_init (&f);
  StvaAttnKey msde = { .kind = STVA_ATTN_MSDE, .modality = STVA_MOD_T, .head = -1 };
  StvaAttnKey caf = { .kind = STVA_ATTN_CAF, .modality = STVA_MOD_T, .source = STVA_MOD_V,
                      .head = -1 };
  GBytes **blobs = blobs_of (&f.out);
  struct
  {
    int         t;
    GBytes     *blob;         /* owned; NULL: none stored */
    StvaAttnKey key;
    int         code;
    const char *message;
  } cases[] = {
    { 2, one_map_blob ("msde.T", 1, 2), msde, STVA_DB_ERROR_INVALID,
      "attention map 'msde.T' is 1 x 2, not 1 x 5" },
    { 0, one_map_blob ("msde.T", 2, T_UTT), msde, STVA_DB_ERROR_INVALID, "is 2 x 5" },
    { 3, one_map_blob ("caf.T<-V", 3, T_UTT), caf, STVA_DB_ERROR_INVALID, "is 3 x 5, not 2 x 5" },
    { 4, g_bytes_new ("SATN\x01", 5), msde, STVA_DB_ERROR_INVALID, "" },
    { 1, one_map_blob ("msde.A", 1, T_UTT), msde, STVA_DB_ERROR_NOT_FOUND,
      "no attention map 'msde.T'" },
    { 1, NULL, caf, STVA_DB_ERROR_NOT_FOUND, "no attention stored" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GBytes *kept = blobs[cases[i].t];
      blobs[cases[i].t] = cases[i].blob;
      g_autoptr (GError) error = NULL;
      int bad = -1;
      StvaAttnMap *map = stva_attn_map_from_blobs (blobs, T_UTT, &cases[i].key, &bad, &error);
      if (map != NULL || error == NULL || error->code != cases[i].code
          || strstr (error->message, cases[i].message) == NULL || bad != cases[i].t)
        g_error ("case %u: got %s (%s), utterance %d", i, map ? "a map" : "no map",
                 error ? error->message : "no error", bad);
      blobs[cases[i].t] = kept;
      g_clear_pointer (&cases[i].blob, g_bytes_unref);
    }
  /* a blob naming a map of no known kind is no blob of keys */
  g_autoptr (GBytes) odd = one_map_blob ("lstm.T", 1, 1);
  g_autoptr (GError) error = NULL;
  g_assert_null (stva_attn_keys_of_blob (odd, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "lstm.T"));
  blobs_free (blobs, T_UTT);
  fixture_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/attention/keys/round-trip", test_keys_round_trip);
  g_test_add_func ("/engine/attention/keys/shape-nodes", test_keys_shape_nodes);
  g_test_add_func ("/engine/attention/maps/output-and-blobs", test_maps_output_and_blobs);
  g_test_add_func ("/engine/attention/maps/doctored", test_maps_doctored);
  return g_test_run ();
}
