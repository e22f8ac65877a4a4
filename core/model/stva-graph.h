/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Graph construction for one dialogue (model.md §3): the three heterogeneous pair graphs (T–A,
 * T–V, A–V) as dense (2T, 2T) relation-id matrices, and the window masks of MSDE's context
 * attention and of CAF, in the (Tq, Tk) form stva_attn_forward () takes (-1 = no edge).
 *
 * Node numbering in pair graph (a, b): node i is (utterance i, modality a), node T + i is
 * (utterance i, modality b).  rel[v * 2T + u] is the relation of the edge u -> v (v attends to
 * u).  Relation ids, with p the local modality index of the target v (0 = a, 1 = b):
 *   0..7    intra-modal temporal (j, m) -> (i, m), i-P <= j <= i+F, j != i:
 *           4·p + 2·(j > i ? future : past) + (speaker differs ? 1 : 0)
 *   8..9    inter-modal synchronous (i, m') -> (i, m):            8 + p
 *   10..13  inter-modal contextual (j, m') -> (i, m), 0 < |i-j| <= W_x (and j - i <= F):
 *           10 + 2·p + (j > i ? 1 : 0)
 *   14..15  self loop (i, m) -> (i, m):                           14 + p
 * Missing modalities: an edge exists only when both of its nodes are present.  A present node
 * always keeps its self loop, so its attention row is never empty; a missing node has no edges
 * at all, its attention row is all zeros (no NaN, stva-attention.h) and it sends nothing.
 * Causal use (F = 0) removes every edge from a later utterance, inter-modal contextual ones
 * included (model.md bounds only the intra-modal window by F; we bound every look-ahead by it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stva-config.h"

#define STVA_N_PAIRS 3

/* Pair graphs in a fixed order: 0 = T–A, 1 = T–V, 2 = A–V; modality a first. */
extern const int stva_pair_mod[STVA_N_PAIRS][2];
/* "TA", "TV", "AV" */
const char *stva_pair_name     (int pair);
/* Short description of relation r of pair graph `pair` ("T past same-speaker", ...), for the
 * studio; a static string. */
const char *stva_relation_name (int pair, int r);

/* rel (2T, 2T) of pair graph (a, b).  present_a and present_b (T) are the modality masks after
 * subsets and modality dropout; speaker (T) are speaker ids (only equality matters). */
void stva_graph_build_pair   (int *rel, int T, const bool *present_a, const bool *present_b,
                              const int *speaker, const StvaModelConfig *config);

/* MSDE's relations with msde_speaker (stva_graph_build_window_speaker) */
enum
{
  STVA_MSDE_REL_SELF = 0,
  STVA_MSDE_REL_PAST_SAME = 1,
  STVA_MSDE_REL_PAST_OTHER = 2,
  STVA_MSDE_REL_FUTURE_SAME = 3,
  STVA_MSDE_REL_FUTURE_OTHER = 4,
  STVA_MSDE_N_RELATIONS = 5,
};

/* rel (T, T) of a window with the relations above: as stva_graph_build_window, the edge j -> i
 * of relation self (j = i), past (j < i) or future, same or other speaker (speaker (T) ids,
 * only equality matters). */
void stva_graph_build_window_speaker (int *rel, int T, const bool *present_q,
                                      const bool *present_k, const int *speaker, int lo,
                                      int hi);

/* rel (T, T) of a window: edge j -> i (relation 0) when lo <= j - i <= hi and both
 * present_q[i] and present_k[j]; otherwise -1. */
void stva_graph_build_window (int *rel, int T, const bool *present_q, const bool *present_k,
                              int lo, int hi);

/* Speaker slots of the speaker embedding (model.md §1): speakers numbered per dialogue in
 * order of first appearance, the S-th and later all sharing slot S - 1.  slot (T) from
 * speaker (T), any ids. */
void stva_graph_speaker_slots (int *slot, const int *speaker, int T, int S);

/* Edges of a relation matrix (n, n) (entries >= 0). */
size_t stva_graph_count_edges (const int *rel, size_t n_rows, size_t n_cols);
