/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Masked multi-head attention with relation biases, dense over a (Tq, Tk) grid: the graph
 * attention of model.md §4, MSDE's windowed context (one head, no bias) and CAF (§5) all use it.
 *
 * Inputs are already projected: q (Tq, C), k (Tk, C), v (Tk, C), split into H heads of width
 * C/H (head h owns columns [h·C/H, (h+1)·C/H)).  rel (Tq, Tk) holds, for query i and key j, the
 * relation id of the edge j -> i, or -1 for no edge.  bias (R, H) is the learnt bias of each
 * relation and head, or NULL for none (rel then only masks).  For each head h:
 *   score[h][i][j] = q_i^h · k_j^h / sqrt(C/H) + bias[rel[i][j]][h]   where rel[i][j] >= 0
 *   alpha[h][i][:] = softmax over the j with an edge (a row without edges is all zeros)
 *   out[i][h-th block] = Σ_j alpha[h][i][j] · v_j^h
 * so a query without edges outputs zeros.  Rows are Tq here, columns Tk: for a graph of 2N nodes
 * both are 2N; for CAF they are the two modalities' utterances.
 */
#pragma once

#include <stddef.h>

/* Overwrites out (Tq, C) and alpha (H, Tq, Tk); alpha is also what the studio shows. */
void   stva_attn_forward      (float *out, float *alpha, const float *q, const float *k,
                               const float *v, const int *rel, const float *bias,
                               size_t Tq, size_t Tk, size_t C, size_t H, size_t R);

/* Floats of scratch stva_attn_backward () needs: one (Tq, Tk) score gradient, reused per head. */
size_t stva_attn_scratch_size (size_t Tq, size_t Tk);

/* Adds into dq (Tq, C), dk (Tk, C), dv (Tk, C) and dbias (R, H), any of which may be NULL (dbias
 * must be NULL when the forward had no bias).  alpha is the forward's; scratch holds
 * stva_attn_scratch_size () floats and is clobbered. */
void   stva_attn_backward     (float *dq, float *dk, float *dv, float *dbias, const float *dout,
                               const float *alpha, const float *q, const float *k,
                               const float *v, const int *rel, size_t Tq, size_t Tk, size_t C,
                               size_t H, size_t R, float *scratch);
