/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset fixture of data-fixture.h.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "data-fixture.h"

static char *
dup (const char *s)
{
  char *p = malloc (strlen (s) + 1);
  g_assert_nonnull (p);
  return strcpy (p, s);
}

StvaDataset *
fixture_dataset_new (bool with_utt_ids)
{
  static const int Ts[3] = { 3, 2, 1 };
  static const int labels[3][3] = { { 0, 1, -1 }, { 2, 0 }, { 1 } };
  static const int speakers[3][3] = { { 0, 1, 0 }, { 2, 2 }, { 1 } };
  StvaDataset *ds = stva_dataset_new ();

  ds->K = 3;
  ds->labels = malloc (3 * sizeof (char *));
  ds->labels[0] = dup ("neutral");
  ds->labels[1] = dup ("joy");
  ds->labels[2] = dup ("anger");
  ds->n_speakers = 3;
  ds->speakers = malloc (3 * sizeof (char *));
  ds->speakers[0] = dup ("Ann");
  ds->speakers[1] = dup ("Bob");
  ds->speakers[2] = dup ("Zo\xc3\xab");
  ds->F[STVA_MOD_T] = 3;
  ds->F[STVA_MOD_A] = 2;
  ds->F[STVA_MOD_V] = 0;
  ds->feature_names[STVA_MOD_T] = malloc (3 * sizeof (char *));
  for (int f = 0; f < 3; f++)
    ds->feature_names[STVA_MOD_T][f] = g_strdup_printf ("t%d", f);
  ds->n_dialogues = 3;
  ds->dialogues = calloc (3, sizeof (StvaDialogue));
  for (int d = 0; d < 3; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      int T = Ts[d];
      dia->id = g_strdup_printf ("dia%d", d);
      dia->split = d;
      dia->T = T;
      dia->x[STVA_MOD_T] = malloc ((size_t) T * 3 * sizeof (float));
      dia->x[STVA_MOD_A] = malloc ((size_t) T * 2 * sizeof (float));
      for (int m = 0; m < 3; m++)
        dia->mask[m] = calloc ((size_t) T, 1);
      dia->speaker = malloc ((size_t) T * sizeof (int));
      dia->label = malloc ((size_t) T * sizeof (int));
      if (with_utt_ids)
        dia->utt_id = malloc ((size_t) T * sizeof (char *));
      for (int t = 0; t < T; t++)
        {
          for (int f = 0; f < 3; f++)
            dia->x[STVA_MOD_T][t * 3 + f] = (float) (10 * d + t) + 0.25f * (float) f;
          bool a_present = !(d == 0 && t == 1);
          for (int f = 0; f < 2; f++)
            dia->x[STVA_MOD_A][t * 2 + f] = a_present ? -(float) (10 * d + t) - 0.5f * (float) f
                                                      : 0.0f;
          dia->mask[STVA_MOD_T][t] = 1;
          dia->mask[STVA_MOD_A][t] = a_present;
          dia->speaker[t] = speakers[d][t];
          dia->label[t] = labels[d][t];
          if (with_utt_ids)
            dia->utt_id[t] = g_strdup_printf ("dia%d_u%d", d, t);
        }
    }
  return ds;
}

static void
assert_strv (const char *what,
             char      **a,
             char      **b,
             int         n)
{
  if ((a == NULL) != (b == NULL))
    g_error ("%s: present in one dataset only", what);
  for (int i = 0; a && i < n; i++)
    if (strcmp (a[i], b[i]) != 0)
      g_error ("%s[%d]: '%s' vs '%s'", what, i, a[i], b[i]);
}

void
fixture_assert_equal (const StvaDataset *a,
                      const StvaDataset *b)
{
  if (a->K != b->K)
    g_error ("K: %d vs %d", a->K, b->K);
  assert_strv ("labels", a->labels, b->labels, a->K);
  if (a->n_speakers != b->n_speakers)
    g_error ("n_speakers: %d vs %d", a->n_speakers, b->n_speakers);
  assert_strv ("speakers", a->speakers, b->speakers, a->n_speakers);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      if (a->F[m] != b->F[m])
        g_error ("F[%d]: %d vs %d", m, a->F[m], b->F[m]);
      assert_strv ("feature_names", a->feature_names[m], b->feature_names[m], a->F[m]);
    }
  if (a->n_dialogues != b->n_dialogues)
    g_error ("n_dialogues: %d vs %d", a->n_dialogues, b->n_dialogues);
  for (int d = 0; d < a->n_dialogues; d++)
    {
      const StvaDialogue *x = &a->dialogues[d], *y = &b->dialogues[d];
      if (strcmp (x->id, y->id) != 0 || x->split != y->split || x->T != y->T)
        g_error ("dialogue %d: '%s' split %d T %d vs '%s' split %d T %d", d, x->id, x->split,
                 x->T, y->id, y->split, y->T);
      for (int t = 0; t < x->T; t++)
        {
          if (x->speaker[t] != y->speaker[t] || x->label[t] != y->label[t])
            g_error ("dialogue %d utterance %d: speaker %d label %d vs speaker %d label %d", d, t,
                     x->speaker[t], x->label[t], y->speaker[t], y->label[t]);
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              if (a->F[m] == 0)
                continue;
              if (x->mask[m][t] != y->mask[m][t])
                g_error ("dialogue %d utterance %d: mask %d: %u vs %u", d, t, m, x->mask[m][t],
                         y->mask[m][t]);
              for (int f = 0; f < a->F[m]; f++)
                {
                  float u = x->x[m][t * a->F[m] + f], v = y->x[m][t * a->F[m] + f];
                  if (u != v)   /* exact; -0 == 0 (numpy computes 0 where C has -0) */
                    g_error ("dialogue %d utterance %d modality %d feature %d: %.9g vs %.9g", d,
                             t, m, f, (double) u, (double) v);
                }
            }
        }
      if ((x->utt_id == NULL) != (y->utt_id == NULL))
        g_error ("dialogue %d: utterance ids in one dataset only", d);
      assert_strv ("utt_id", x->utt_id, y->utt_id, x->T);
    }
}
