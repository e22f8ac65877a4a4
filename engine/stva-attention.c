/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed attention maps (stva-attention.h): keys, their names at the command line's edge, and
 * a dialogue's maps from core's output or from the per-utterance blobs a project stores.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stva-engine.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static int
modality_of_letter (char c)
{
  return c == 'T' ? STVA_MOD_T : c == 'A' ? STVA_MOD_A : c == 'V' ? STVA_MOD_V : -1;
}

/* per: query rows of one utterance in a blob (2 for a graph: its two nodes); key_mul: key
 * columns per utterance */
static int
rows_per_utterance (const StvaAttnKey *key)
{
  return key->kind == STVA_ATTN_GRAPH ? 2 : 1;
}

static StvaAttnKey
key_all_heads (const StvaAttnKey *key)
{
  StvaAttnKey k = *key;
  k.head = -1;
  return k;
}

/* An empty map of key for T utterances and heads heads, its nodes filled. */
static StvaAttnMap *
map_new (const StvaAttnKey *key,
         int                T,
         int                heads)
{
  StvaAttnMap *map = g_new0 (StvaAttnMap, 1);
  map->key = *key;
  map->T = T;
  map->heads = heads;
  stva_attn_key_shape (key, T, &map->rows, &map->cols);
  map->values = g_new0 (float, (gsize) map->rows * (gsize) map->cols);
  map->row_nodes = g_new (StvaAttnNode, map->rows);
  map->col_nodes = g_new (StvaAttnNode, map->cols);
  for (int i = 0; i < map->rows; i++)
    map->row_nodes[i] = stva_attn_key_node (key, T, FALSE, i);
  for (int i = 0; i < map->cols; i++)
    map->col_nodes[i] = stva_attn_key_node (key, T, TRUE, i);
  return map;
}

static gboolean
check_head (const StvaAttnKey *key,
            int                heads,
            GError           **error)
{
  if (key->head < heads)
    return TRUE;
  g_autofree char *name = stva_attn_key_to_string (&(StvaAttnKey) { .kind = key->kind,
    .modality = key->modality, .source = key->source, .pair = key->pair, .layer = key->layer,
    .head = -1 });
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
               "map '%s' has %d heads (0 to %d), not head %d", name, heads, heads - 1, key->head);
  return FALSE;
}

/* ---- keys --------------------------------------------------------------------------------- */

void
stva_attn_map_free (StvaAttnMap *map)
{
  if (map == NULL)
    return;
  g_free (map->values);
  g_free (map->row_nodes);
  g_free (map->col_nodes);
  g_free (map);
}

gboolean
stva_attn_key_valid (const StvaAttnKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);
  if (key->head < -1)
    return FALSE;
  switch (key->kind)
    {
    case STVA_ATTN_MSDE:
      return key->modality >= 0 && key->modality < STVA_N_MOD && key->source == 0
             && key->pair == 0 && key->layer == 0;
    case STVA_ATTN_CAF:
      return key->modality >= 0 && key->modality < STVA_N_MOD && key->source >= 0
             && key->source < STVA_N_MOD && key->source != key->modality && key->pair == 0
             && key->layer == 0;
    case STVA_ATTN_GRAPH:
      return key->pair >= 0 && key->pair < STVA_N_PAIRS && key->layer >= 0
             && key->layer < STVA_MODEL_MAX_LAYERS && key->modality == 0 && key->source == 0;
    default:
      return FALSE;
    }
}

gboolean
stva_attn_key_equal (const StvaAttnKey *a,
                     const StvaAttnKey *b)
{
  return a->kind == b->kind && a->modality == b->modality && a->source == b->source
         && a->pair == b->pair && a->layer == b->layer && a->head == b->head;
}

/* Parses name into key, leaving the error to the caller. */
static gboolean
parse_key (const char  *name,
           StvaAttnKey *key)
{
  memset (key, 0, sizeof *key);
  key->head = -1;
  g_autofree char *base = g_strdup (name);
  char *slash = strchr (base, '/');
  if (slash != NULL)
    {
      char *end = NULL;
      if (slash[1] != 'h' || !g_ascii_isdigit (slash[2]))
        return FALSE;
      guint64 h = g_ascii_strtoull (slash + 2, &end, 10);
      if (*end != '\0' || h > 1024)
        return FALSE;
      key->head = (int) h;
      *slash = '\0';
    }
  size_t n = strlen (base);
  if (g_str_has_prefix (base, "msde.") && n == 6)
    {
      key->kind = STVA_ATTN_MSDE;
      key->modality = modality_of_letter (base[5]);
    }
  else if (g_str_has_prefix (base, "caf.") && n == 8 && strncmp (base + 5, "<-", 2) == 0)
    {
      key->kind = STVA_ATTN_CAF;
      key->modality = modality_of_letter (base[4]);
      key->source = modality_of_letter (base[7]);
    }
  else if (g_str_has_prefix (base, "graph.") && n >= 10 && base[8] == '.' && base[9] == 'l'
           && g_ascii_isdigit (base[10]))
    {
      char *end = NULL;
      key->kind = STVA_ATTN_GRAPH;
      key->pair = -1;
      for (int p = 0; p < STVA_N_PAIRS; p++)
        if (strncmp (base + 6, stva_pair_name (p), 2) == 0)
          key->pair = p;
      guint64 l = g_ascii_strtoull (base + 10, &end, 10);
      if (*end != '\0' || l >= STVA_MODEL_MAX_LAYERS || (base[10] == '0' && base[11] != '\0'))
        return FALSE;
      key->layer = (int) l;
    }
  else
    return FALSE;
  return stva_attn_key_valid (key);
}

gboolean
stva_attn_key_parse (const char  *name,
                     StvaAttnKey *key,
                     GError     **error)
{
  g_return_val_if_fail (name != NULL && key != NULL, FALSE);
  if (parse_key (name, key))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "'%s' names no attention map (msde.T, caf.T<-A, graph.TA.l0, each optionally "
               "with /hN for head N)", name);
  return FALSE;
}

char *
stva_attn_key_to_string (const StvaAttnKey *key)
{
  g_return_val_if_fail (stva_attn_key_valid (key), NULL);
  g_autofree char *head = key->head >= 0 ? g_strdup_printf ("/h%d", key->head) : g_strdup ("");
  switch (key->kind)
    {
    case STVA_ATTN_MSDE:
      return g_strdup_printf ("msde.%c%s", stva_modality_letter (key->modality), head);
    case STVA_ATTN_CAF:
      return g_strdup_printf ("caf.%c<-%c%s", stva_modality_letter (key->modality),
                              stva_modality_letter (key->source), head);
    case STVA_ATTN_GRAPH:
    default:
      return g_strdup_printf ("graph.%s.l%d%s", stva_pair_name (key->pair), key->layer, head);
    }
}

void
stva_attn_key_shape (const StvaAttnKey *key,
                     int                T,
                     int               *rows,
                     int               *cols)
{
  *rows = *cols = rows_per_utterance (key) * T;
}

StvaAttnNode
stva_attn_key_node (const StvaAttnKey *key,
                    int                T,
                    gboolean           column,
                    int                i)
{
  g_assert (T > 0 && i >= 0);
  switch (key->kind)
    {
    case STVA_ATTN_MSDE:
      return (StvaAttnNode) { i, key->modality };
    case STVA_ATTN_CAF:
      return (StvaAttnNode) { i, column ? key->source : key->modality };
    case STVA_ATTN_GRAPH:
    default:
      return (StvaAttnNode) { i % T, stva_pair_mod[key->pair][i / T] };
    }
}

/* ---- from core's output ------------------------------------------------------------------- */

/* The weights of key in out, (heads, rows, cols), or NULL; heads set. */
static const float *
output_weights (const StvaModelOutput *out,
                const StvaAttnKey     *key,
                int                   *heads)
{
  switch (key->kind)
    {
    case STVA_ATTN_MSDE:
      *heads = 1;
      return out->msde_alpha[key->modality];
    case STVA_ATTN_CAF:
      *heads = out->H;
      return out->caf_alpha[key->modality][key->source];
    case STVA_ATTN_GRAPH:
    default:
      *heads = out->H;
      return key->layer < out->L ? out->graph_alpha[key->pair][key->layer] : NULL;
    }
}

GArray *
stva_attn_keys_of_output (const StvaModelOutput *out)
{
  g_return_val_if_fail (out != NULL, NULL);
  GArray *keys = g_array_new (FALSE, TRUE, sizeof (StvaAttnKey));
  int heads;
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      StvaAttnKey k = { .kind = STVA_ATTN_MSDE, .modality = m, .head = -1 };
      if (output_weights (out, &k, &heads) != NULL)
        g_array_append_val (keys, k);
    }
  for (int m = 0; m < STVA_N_MOD; m++)
    for (int m2 = 0; m2 < STVA_N_MOD; m2++)
      {
        StvaAttnKey k = { .kind = STVA_ATTN_CAF, .modality = m, .source = m2, .head = -1 };
        if (m != m2 && output_weights (out, &k, &heads) != NULL)
          g_array_append_val (keys, k);
      }
  for (int p = 0; p < STVA_N_PAIRS; p++)
    for (int l = 0; l < out->L && l < STVA_MODEL_MAX_LAYERS; l++)
      {
        StvaAttnKey k = { .kind = STVA_ATTN_GRAPH, .pair = p, .layer = l, .head = -1 };
        if (output_weights (out, &k, &heads) != NULL)
          g_array_append_val (keys, k);
      }
  return keys;
}

StvaAttnMap *
stva_attn_map_from_output (const StvaModelOutput *out,
                           const StvaAttnKey     *key,
                           GError               **error)
{
  g_return_val_if_fail (out != NULL && key != NULL && stva_attn_key_valid (key), NULL);
  int heads = 0;
  const float *w = output_weights (out, key, &heads);
  if (w == NULL || out->T <= 0)
    {
      g_autofree char *name = stva_attn_key_to_string (key);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND,
                   "the prediction has no attention map '%s'", name);
      return NULL;
    }
  if (!check_head (key, heads, error))
    return NULL;
  StvaAttnMap *map = map_new (key, out->T, heads);
  size_t n = (size_t) map->rows * (size_t) map->cols;
  /* the same sums in the same order as from the blobs, so the two agree exactly */
  for (int h = 0; h < heads; h++)
    if (key->head < 0 || key->head == h)
      for (size_t i = 0; i < n; i++)
        map->values[i] += w[(size_t) h * n + i] / (float) (key->head < 0 ? heads : 1);
  return map;
}

GBytes *
stva_attn_blob_new (const StvaModelOutput *out,
                    int                    t)
{
  g_return_val_if_fail (out != NULL && t >= 0 && t < out->T, NULL);
  g_autoptr (GArray) keys = stva_attn_keys_of_output (out);
  int T = out->T;
  StvaDbAttnMap *maps = g_new0 (StvaDbAttnMap, keys->len > 0 ? keys->len : 1);
  for (guint k = 0; k < keys->len; k++)
    {
      const StvaAttnKey *key = &g_array_index (keys, StvaAttnKey, k);
      int heads = 0, per = rows_per_utterance (key), rows, cols;
      const float *w = output_weights (out, key, &heads);
      stva_attn_key_shape (key, T, &rows, &cols);
      StvaDbAttnMap *map = &maps[k];
      map->name = stva_attn_key_to_string (key);
      map->rows = (guint32) (per * heads);
      map->cols = (guint32) cols;
      map->data = g_new (float, (gsize) map->rows * (gsize) cols);
      /* utterance t's row of each side (its node in the pair's first, then second modality)
       * of each head */
      for (int side = 0; side < per; side++)
        for (int h = 0; h < heads; h++)
          memcpy (map->data + ((size_t) side * (size_t) heads + (size_t) h) * (size_t) cols,
                  w + ((size_t) h * (size_t) rows + (size_t) (side * T + t)) * (size_t) cols,
                  (size_t) cols * sizeof (float));
    }
  GBytes *blob = keys->len > 0 ? stva_db_attention_pack (maps, keys->len) : NULL;
  for (guint k = 0; k < keys->len; k++)
    {
      g_free (maps[k].name);
      g_free (maps[k].data);
    }
  g_free (maps);
  return blob;
}

/* ---- from stored blobs -------------------------------------------------------------------- */

static GPtrArray *
unpack (GBytes  *blob,
        GError **error)
{
  gsize n_bytes = 0;
  const guint8 *data = g_bytes_get_data (blob, &n_bytes);
  return stva_db_attention_unpack (data, n_bytes, error);
}

GArray *
stva_attn_keys_of_blob (GBytes  *blob,
                        GError **error)
{
  g_return_val_if_fail (blob != NULL, NULL);
  g_autoptr (GPtrArray) maps = unpack (blob, error);
  if (maps == NULL)
    return NULL;
  g_autoptr (GArray) keys = g_array_new (FALSE, TRUE, sizeof (StvaAttnKey));
  for (guint i = 0; i < maps->len; i++)
    {
      const StvaDbAttnMap *m = g_ptr_array_index (maps, i);
      StvaAttnKey key;
      if (!parse_key (m->name, &key) || key.head >= 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "attention map '%s' is of no kind this build knows", m->name);
          return NULL;
        }
      g_array_append_val (keys, key);
    }
  return g_steal_pointer (&keys);
}

/* Adds utterance t's rows of key from its blob into *map (made at the first utterance, which
 * sets *heads); FALSE with error set. */
static gboolean
add_blob (StvaAttnMap      **map,
          GBytes            *blob,
          int                t,
          int                T,
          const StvaAttnKey *key,
          const char        *name,
          int               *heads,
          GError           **error)
{
  int per = rows_per_utterance (key), rows, cols;
  stva_attn_key_shape (key, T, &rows, &cols);
  if (blob == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "no attention stored");
      return FALSE;
    }
  g_autoptr (GPtrArray) maps = unpack (blob, error);
  if (maps == NULL)
    return FALSE;
  const StvaDbAttnMap *m = NULL;
  for (guint i = 0; i < maps->len && m == NULL; i++)
    if (strcmp (((StvaDbAttnMap *) g_ptr_array_index (maps, i))->name, name) == 0)
      m = g_ptr_array_index (maps, i);
  if (m == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "no attention map '%s'", name);
      return FALSE;
    }
  if (*map == NULL)
    {
      *heads = (int) (m->rows / (guint32) per);
      if (key->kind == STVA_ATTN_MSDE && *heads != 1)
        *heads = 0;
      if (*heads > 0 && !check_head (key, *heads, error))
        return FALSE;
    }
  if (*heads <= 0 || m->rows != (guint32) (per * *heads) || m->cols != (guint32) cols)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "attention map '%s' is %u x %u, not %d x %d as the dialogue's %d utterances "
                   "make it", name, m->rows, m->cols, per * (*heads > 0 ? *heads : 1), cols, T);
      return FALSE;
    }
  if (*map == NULL)
    *map = map_new (key, T, *heads);
  for (int side = 0; side < per; side++)
    {
      float *row = (*map)->values + (size_t) (side * T + t) * (size_t) cols;
      for (int h = 0; h < *heads; h++)
        if (key->head < 0 || key->head == h)
          for (int c = 0; c < cols; c++)
            row[c] += m->data[(size_t) (side * *heads + h) * m->cols + (size_t) c]
                      / (float) (key->head < 0 ? *heads : 1);
    }
  return TRUE;
}

StvaAttnMap *
stva_attn_map_from_blobs (GBytes *const     *blobs,
                          int                T,
                          const StvaAttnKey *key,
                          int               *bad_utterance,
                          GError           **error)
{
  g_return_val_if_fail (blobs != NULL && T > 0 && key != NULL && stva_attn_key_valid (key),
                        NULL);
  StvaAttnKey all = key_all_heads (key);
  g_autofree char *name = stva_attn_key_to_string (&all);
  StvaAttnMap *map = NULL;
  int heads = 0;
  if (bad_utterance != NULL)
    *bad_utterance = -1;
  for (int t = 0; t < T; t++)
    if (!add_blob (&map, blobs[t], t, T, key, name, &heads, error))
      {
        if (bad_utterance != NULL)
          *bad_utterance = t;
        stva_attn_map_free (map);
        return NULL;
      }
  return map;
}
