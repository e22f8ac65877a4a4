/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The C forward pass against an independent one: test-model-pyref.py recomputes Sync-TVA in
 * plain Python (double precision, written from model.md, no shared code) from a JSON dump of a
 * tiny model's config, parameters and one dialogue with missing modalities, and compares the
 * logits, β, every graph relation id and attention weight and every CAF map, to 1e-4.  Run for
 * the full model and each ablation.  Skipped when no Python is found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-model.h"

enum { T = 7, K = 3 };

static void
put_floats (GString     *s,
            const float *x,
            size_t       n)
{
  g_string_append_c (s, '[');
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (s, "%s%.9g", i > 0 ? "," : "", (double) x[i]);
  g_string_append_c (s, ']');
}

static void
put_ints (GString   *s,
          const int *x,
          size_t     n)
{
  g_string_append_c (s, '[');
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (s, "%s%d", i > 0 ? "," : "", x[i]);
  g_string_append_c (s, ']');
}

/* JSON of model, dialogue and prediction, as test-model-pyref.py reads it */
static GString *
dump (const StvaModel       *model,
      const StvaDialogue    *dlg,
      const StvaModelOutput *out)
{
  const StvaModelConfig *c = &model->config;
  const StvaParams *p = &model->params;
  size_t H = (size_t) c->H, N2 = 2 * T;
  GString *s = g_string_new ("{\"config\":{");
  for (int i = 0; i < stva_model_config_n_keys (); i++)
    {
      char buf[64];
      stva_model_config_format (c, i, buf, sizeof buf);
      g_string_append_printf (s, "%s\"%s\":\"%s\"", i > 0 ? "," : "", stva_model_config_key (i),
                              buf);
    }
  g_string_append (s, "},\"params\":{");
  for (int t = 0; t < p->n_tensors; t++)
    {
      g_string_append_printf (s, "%s\"%s\":", t > 0 ? "," : "", p->tensors[t].name);
      put_floats (s, p->values + p->tensors[t].offset, p->tensors[t].n);
    }
  g_string_append_printf (s, "},\"T\":%d", T);
  static const char *arrays[] = { "x", "mean", "std", "mask" };
  for (int a = 0; a < 4; a++)
    {
      g_string_append_printf (s, ",\"%s\":[", arrays[a]);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          size_t F = (size_t) c->F[m];
          if (m > 0)
            g_string_append_c (s, ',');
          if (a == 0)
            put_floats (s, dlg->x[m], T * F);
          else if (a == 1)
            put_floats (s, model->mean[m], F);
          else if (a == 2)
            put_floats (s, model->std[m], F);
          else
            {
              int mask[T];
              for (int i = 0; i < T; i++)
                mask[i] = dlg->mask[m][i];
              put_ints (s, mask, T);
            }
        }
      g_string_append_c (s, ']');
    }
  g_string_append (s, ",\"speaker\":");
  put_ints (s, dlg->speaker, T);
  g_string_append (s, ",\"logits\":");
  put_floats (s, out->logits, (size_t) T * K);
  g_string_append (s, ",\"beta\":");
  put_floats (s, out->beta, (size_t) T * 3);
  g_string_append (s, ",\"graph_alpha\":{");
  const char *sep = "";
  for (int q = 0; q < STVA_N_PAIRS; q++)
    for (int l = 0; l < c->L; l++)
      if (out->graph_alpha[q][l] != NULL)
        {
          g_string_append_printf (s, "%s\"%d_%d\":", sep, q, l);
          put_floats (s, out->graph_alpha[q][l], H * N2 * N2);
          sep = ",";
        }
  g_string_append (s, "},\"graph_rel\":{");
  sep = "";
  for (int q = 0; q < STVA_N_PAIRS; q++)
    if (out->graph_rel[q] != NULL)
      {
        g_string_append_printf (s, "%s\"%d\":", sep, q);
        put_ints (s, out->graph_rel[q], N2 * N2);
        sep = ",";
      }
  g_string_append (s, "},\"caf_alpha\":{");
  sep = "";
  for (int m = 0; m < STVA_N_MOD; m++)
    for (int m2 = 0; m2 < STVA_N_MOD; m2++)
      if (out->caf_alpha[m][m2] != NULL)
        {
          g_string_append_printf (s, "%s\"%d_%d\":", sep, m, m2);
          put_floats (s, out->caf_alpha[m][m2], H * T * T);
          sep = ",";
        }
  g_string_append (s, "}}\n");
  return s;
}

static void
run_reference (gconstpointer data)
{
  const char *ablation = data;
  const char *python = g_getenv ("STVA_PYTHON");
  g_autofree char *found = python == NULL ? g_find_program_in_path ("python3") : NULL;
  if (python == NULL)
    python = found;
  if (python == NULL || !g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no python3");
      return;
    }

  StvaModelConfig c;
  stva_model_config_init (&c);
  c.F[STVA_MOD_T] = 5;
  c.F[STVA_MOD_A] = 4;
  c.F[STVA_MOD_V] = 3;
  c.K = K;
  g_assert_cmpint (stva_model_config_preset (&c, "tiny", NULL), ==, STVA_OK);
  c.L = 2;
  c.win_past = 2;
  c.win_future = 1;
  c.ctx_window = 2;
  c.cross_window = 1;
  c.seed = 5;
  if (ablation[0] != '\0')
    g_assert_cmpint (stva_model_config_ablation (&c, ablation, NULL), ==, STVA_OK);
  StvaModel model;
  StvaError error = { 0 };
  g_assert_cmpint (stva_model_init (&model, &c, &error), ==, STVA_OK);

  /* parameters off their initial values, so LayerNorm gains and relation biases matter */
  StvaRng rng;
  stva_rng_init (&rng, 77);
  StvaParams *p = &model.params;
  for (int t = 0; t < p->n_tensors; t++)
    for (size_t k = 0; k < p->tensors[t].n; k++)
      p->values[p->tensors[t].offset + k] += (float) (0.6 * stva_rng_uniform (&rng) - 0.3);

  static uint8_t masks[STVA_N_MOD][T] = {
    { 1, 1, 1, 0, 1, 0, 1 },
    { 1, 1, 0, 1, 1, 0, 1 },
    { 0, 1, 1, 0, 1, 0, 1 },   /* utterance 5 has no modality at all */
  };
  int speaker[T] = { 4, 7, 4, 2, 7, 4, 9 }, label[T] = { 0, -1, 2, 1, 2, 0, 1 };
  StvaDialogue dlg = { .id = "pyref", .T = T, .speaker = speaker, .label = label };
  float *x[STVA_N_MOD];
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      int F = c.F[m];
      x[m] = g_new0 (float, T * F);
      for (int i = 0; i < T; i++)
        if (masks[m][i])
          for (int f = 0; f < F; f++)
            x[m][i * F + f] = (float) stva_rng_normal (&rng);
      dlg.x[m] = x[m];
      dlg.mask[m] = masks[m];
      float mean[8], std[8];
      for (int f = 0; f < F; f++)
        {
          mean[f] = (float) (0.3 * stva_rng_normal (&rng));
          std[f] = (float) (0.5 + stva_rng_uniform (&rng));
        }
      g_assert_cmpint (stva_model_set_normalisation (&model, m, mean, std, NULL), ==, STVA_OK);
    }

  StvaModelOutput out;
  g_assert_cmpint (stva_model_predict (&model, NULL, &dlg, &out, &error), ==, STVA_OK);
  GString *json = dump (&model, &dlg, &out);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("stva-pyref-XXXXXX.json", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, json->str, (gssize) json->len, NULL));
  g_string_free (json, TRUE);

  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "test-model-pyref.py", NULL);
  char *argv[] = { (char *) python, script, path, NULL };
  g_autofree char *std_out = NULL, *std_err = NULL;
  int status = 0;
  g_autoptr (GError) gerror = NULL;
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &std_out, &std_err,
                               &status, &gerror));
  g_test_message ("%s%s", std_out, std_err);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_fail_printf ("%s: the Python reference disagrees:\n%s%s",
                        ablation[0] != '\0' ? ablation : "full", std_out, std_err);
  g_unlink (path);
  stva_model_output_clear (&out);
  for (int m = 0; m < STVA_N_MOD; m++)
    g_free (x[m]);
  stva_model_clear (&model);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  static const char *cases[] = { "", "no_msde", "no_graph", "no_cross", "causal",
                                 "modalities=T,V", "modalities=A" };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model/pyref/%s",
                                               cases[i][0] != '\0' ? cases[i] : "full");
      g_strdelimit (name + 13, "=,", '-');
      g_test_add_data_func (name, cases[i], run_reference);
    }
  return g_test_run ();
}
