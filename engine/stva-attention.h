/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed attention maps: a map of a dialogue is named by a StvaAttnKey (MSDE of a modality,
 * CAF of an ordered modality pair, or a pair graph's layer), optionally one head, and comes as
 * a StvaAttnMap: its shape, the node each row and column stands for (utterance and modality)
 * and the weights.  Maps are built from core's model output (a prediction in memory) or from
 * the blobs a project stores per utterance (db/stva-db.h's SATN layout: this file writes and
 * reads them).  String names ("msde.T", "caf.T<-A", "graph.TA.l0", with "/h1" for one head)
 * are for the command line's edge only: stva_attn_key_parse () and stva_attn_key_to_string ().
 *
 * Shapes for a dialogue of T utterances (H heads):
 *   MSDE m         (T, T)    row t: utterance t's context weights over the dialogue
 *   CAF m <- m2    (T, T)    row t: m's utterance t over m2's utterances
 *   graph p, l     (2T, 2T)  nodes 0..T-1 the pair's first modality, T..2T-1 its second
 * The weights are the mean of the heads (head -1) or one head's.
 */
#pragma once

#include <glib.h>

#include "stva-db.h"
#include "stva-graph.h"
#include "stva-model.h"

G_BEGIN_DECLS

typedef enum
{
  STVA_ATTN_MSDE = 0,    /* a modality's context attention (one head) */
  STVA_ATTN_CAF = 1,     /* cross-attention modality <- source */
  STVA_ATTN_GRAPH = 2,   /* a pair graph's layer */
} StvaAttnKind;

typedef struct
{
  StvaAttnKind kind;
  int          modality;   /* MSDE, CAF: the querying modality (STVA_MOD_*) */
  int          source;     /* CAF: the attended modality; else unused (0) */
  int          pair;       /* GRAPH: 0 TA, 1 TV, 2 AV (stva_pair_mod); else 0 */
  int          layer;      /* GRAPH: 0 .. STVA_MODEL_MAX_LAYERS - 1; else 0 */
  int          head;       /* -1: the mean of the heads; else one head */
} StvaAttnKey;

/* The node a row or column stands for. */
typedef struct
{
  int utterance;   /* 0 .. T-1 */
  int modality;    /* STVA_MOD_* */
} StvaAttnNode;

typedef struct
{
  StvaAttnKey   key;
  int           T;           /* utterances of the dialogue */
  int           heads;       /* heads the model has for this map (1 for MSDE) */
  int           rows, cols;
  float        *values;      /* owned (rows, cols), row-major */
  StvaAttnNode *row_nodes;   /* owned (rows) */
  StvaAttnNode *col_nodes;   /* owned (cols) */
} StvaAttnMap;

void         stva_attn_map_free       (StvaAttnMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaAttnMap, stva_attn_map_free)

/* ---- keys --------------------------------------------------------------------------------- */

/* TRUE when the key's fields are in range (a head >= 0 is checked against a map's heads). */
gboolean     stva_attn_key_valid      (const StvaAttnKey *key);
gboolean     stva_attn_key_equal      (const StvaAttnKey *a, const StvaAttnKey *b);
/* Parses "msde.T", "caf.T<-A", "graph.TA.l0", each optionally followed by "/hN" (one head);
 * FALSE with G_OPTION_ERROR_BAD_VALUE naming the name. */
gboolean     stva_attn_key_parse      (const char *name, StvaAttnKey *key, GError **error);
/* (transfer full) The name stva_attn_key_parse () reads back into key. */
char        *stva_attn_key_to_string  (const StvaAttnKey *key);
/* The shape of key's map for a dialogue of T utterances. */
void         stva_attn_key_shape      (const StvaAttnKey *key, int T, int *rows, int *cols);
/* The node row (or column, when column) i of key's map stands for. */
StvaAttnNode stva_attn_key_node       (const StvaAttnKey *key, int T, gboolean column, int i);

/* ---- from core's output ------------------------------------------------------------------- */

/* (transfer full) The keys (head -1) of the maps out holds, in the blob's order (MSDE by
 * modality, CAF by pair, graphs by pair then layer), of StvaAttnKey. */
GArray      *stva_attn_keys_of_output (const StvaModelOutput *out);
/* (transfer full) key's map of the dialogue out predicted; NULL with STVA_DB_ERROR_NOT_FOUND
 * when out has no such map, STVA_DB_ERROR_INVALID for a head it does not have. */
StvaAttnMap *stva_attn_map_from_output (const StvaModelOutput *out, const StvaAttnKey *key,
                                        GError **error);
/* (transfer full) Utterance t's rows of every map of out as the SATN blob stored with its
 * prediction (db/stva-db.h); NULL when out has no maps. */
GBytes      *stva_attn_blob_new       (const StvaModelOutput *out, int t);

/* ---- from stored blobs -------------------------------------------------------------------- */

/* (transfer full) The keys (head -1) of the maps in one utterance's blob, of StvaAttnKey, in
 * the blob's order; NULL with STVA_DB_ERROR_INVALID when the blob is not one or names a map of
 * no kind this build knows. */
GArray      *stva_attn_keys_of_blob   (GBytes *blob, GError **error);
/* (transfer full) key's map of a dialogue from its T utterances' blobs (blobs[t] utterance t's,
 * NULL: none stored), every blob checked: STVA_DB_ERROR_INVALID naming the problem (not a
 * blob, a map of the wrong shape for T utterances, a head out of range),
 * STVA_DB_ERROR_NOT_FOUND when a blob is missing or lacks the map; *bad_utterance (nullable)
 * gets the index of the utterance at fault (-1 when none is), for the caller to name it. */
StvaAttnMap *stva_attn_map_from_blobs (GBytes *const *blobs, int T, const StvaAttnKey *key,
                                       int *bad_utterance, GError **error);

G_END_DECLS
