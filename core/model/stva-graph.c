/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Relation matrices of the pair graphs and attention windows of one dialogue (stva-graph.h
 * documents the numbering).  Dense on purpose: dialogues have at most a few hundred nodes and
 * the attention kernel is a masked sgemm over the whole grid.
 */
#include <stddef.h>

#include "stva-graph.h"

const int stva_pair_mod[STVA_N_PAIRS][2] = {
  { STVA_MOD_T, STVA_MOD_A },
  { STVA_MOD_T, STVA_MOD_V },
  { STVA_MOD_A, STVA_MOD_V },
};

const char *
stva_pair_name (int pair)
{
  static const char *names[STVA_N_PAIRS] = { "TA", "TV", "AV" };
  return pair >= 0 && pair < STVA_N_PAIRS ? names[pair] : "?";
}

const char *
stva_relation_name (int pair,
                    int r)
{
  /* [pair][relation] */
  static const char *names[STVA_N_PAIRS][STVA_GRAPH_N_RELATIONS] = {
    { "T past same-speaker", "T past other-speaker", "T future same-speaker",
      "T future other-speaker", "A past same-speaker", "A past other-speaker",
      "A future same-speaker", "A future other-speaker", "A->T synchronous",
      "T->A synchronous", "A->T past", "A->T future", "T->A past", "T->A future",
      "T self", "A self" },
    { "T past same-speaker", "T past other-speaker", "T future same-speaker",
      "T future other-speaker", "V past same-speaker", "V past other-speaker",
      "V future same-speaker", "V future other-speaker", "V->T synchronous",
      "T->V synchronous", "V->T past", "V->T future", "T->V past", "T->V future",
      "T self", "V self" },
    { "A past same-speaker", "A past other-speaker", "A future same-speaker",
      "A future other-speaker", "V past same-speaker", "V past other-speaker",
      "V future same-speaker", "V future other-speaker", "V->A synchronous",
      "A->V synchronous", "V->A past", "V->A future", "A->V past", "A->V future",
      "A self", "V self" },
  };
  if (pair < 0 || pair >= STVA_N_PAIRS || r < 0 || r >= STVA_GRAPH_N_RELATIONS)
    return "?";
  return names[pair][r];
}

void
stva_graph_build_pair (int                   *rel,         /* (2T, 2T) */
                       int                    T,
                       const bool            *present_a,   /* (T) */
                       const bool            *present_b,   /* (T) */
                       const int             *speaker,     /* (T) */
                       const StvaModelConfig *config)
{
  size_t n = 2 * (size_t) T;
  const bool *present[2] = { present_a, present_b };
  int P = config->win_past, F = config->win_future, Wx = config->cross_window;
  int Wx_future = Wx < F ? Wx : F;

  for (size_t e = 0; e < n * n; e++)
    rel[e] = -1;
  for (int p = 0; p < 2; p++)          /* target modality */
    for (int i = 0; i < T; i++)        /* target utterance */
      {
        if (!present[p][i])
          continue;
        size_t v = (size_t) p * T + i;
        int *row = rel + v * n;
        /* self loop */
        row[v] = 14 + p;
        /* intra-modal temporal */
        for (int j = i - P < 0 ? 0 : i - P; j <= i + F && j < T; j++)
          if (j != i && present[p][j])
            {
              int future = j > i;
              int other = speaker[j] != speaker[i];
              row[(size_t) p * T + j] = 4 * p + 2 * future + other;
            }
        /* inter-modal: synchronous and contextual */
        int q = 1 - p;
        for (int j = i - Wx < 0 ? 0 : i - Wx; j <= i + Wx_future && j < T; j++)
          {
            if (!present[q][j])
              continue;
            row[(size_t) q * T + j] = j == i ? 8 + p : 10 + 2 * p + (j > i);
          }
      }
}

void
stva_graph_build_window (int        *rel,         /* (T, T) */
                         int         T,
                         const bool *present_q,   /* (T) */
                         const bool *present_k,   /* (T) */
                         int         lo,
                         int         hi)
{
  for (int i = 0; i < T; i++)
    for (int j = 0; j < T; j++)
      {
        int d = j - i;
        rel[(size_t) i * T + j] = d >= lo && d <= hi && present_q[i] && present_k[j] ? 0 : -1;
      }
}

void
stva_graph_build_window_speaker (int        *rel,         /* (T, T) */
                                 int         T,
                                 const bool *present_q,   /* (T) */
                                 const bool *present_k,   /* (T) */
                                 const int  *speaker,     /* (T) */
                                 int         lo,
                                 int         hi)
{
  for (int i = 0; i < T; i++)
    for (int j = 0; j < T; j++)
      {
        int d = j - i, r = -1;
        if (d >= lo && d <= hi && present_q[i] && present_k[j])
          {
            bool same = speaker[j] == speaker[i];
            r = d == 0  ? STVA_MSDE_REL_SELF
                : d < 0 ? (same ? STVA_MSDE_REL_PAST_SAME : STVA_MSDE_REL_PAST_OTHER)
                        : (same ? STVA_MSDE_REL_FUTURE_SAME : STVA_MSDE_REL_FUTURE_OTHER);
          }
        rel[(size_t) i * T + j] = r;
      }
}

size_t
stva_graph_count_edges (const int *rel,
                        size_t     n_rows,
                        size_t     n_cols)
{
  size_t n = 0;
  for (size_t e = 0; e < n_rows * n_cols; e++)
    n += rel[e] >= 0;
  return n;
}

void
stva_graph_speaker_slots (int       *slot,      /* (T) */
                          const int *speaker,   /* (T) */
                          int        T,
                          int        S)
{
  int n_seen = 0;
  for (int i = 0; i < T; i++)
    {
      slot[i] = -1;
      for (int j = 0; j < i; j++)
        if (speaker[j] == speaker[i])
          {
            slot[i] = slot[j];
            break;
          }
      if (slot[i] < 0)
        slot[i] = n_seen++ < S - 1 ? n_seen - 1 : S - 1;
    }
}
