/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MELD CSV rows (see stva-meld.h).  The columns are found by name, so a file with its columns in
 * another order or with extra columns still reads.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stva-csv.h"
#include "stva-meld.h"

const char *const STVA_MELD_EMOTIONS[7] = {
  "neutral", "joy", "surprise", "anger", "sadness", "disgust", "fear",
};

static const char *const sentiments[3] = { "neutral", "positive", "negative" };

enum
{
  COL_SR, COL_UTTERANCE, COL_SPEAKER, COL_EMOTION, COL_SENTIMENT, COL_DIALOGUE, COL_UTT,
  COL_SEASON, COL_EPISODE, COL_START, COL_END, N_COLS
};

static const char *const column_names[N_COLS] = {
  "Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID",
  "Season", "Episode", "StartTime", "EndTime",
};

static void
row_free (gpointer data)
{
  StvaMeldRow *row = data;
  g_free (row->utterance);
  g_free (row->speaker);
  g_free (row->emotion);
  g_free (row->sentiment);
  g_free (row);
}

gboolean
stva_meld_parse_time (const char *text,
                      gint64     *ms)
{
  /* by hand rather than sscanf: it runs twice for each of MELD's 13,708 rows */
  if (text == NULL)
    return FALSE;
  const char *p = text;
  guint64 f[3] = { 0, 0, 0 };
  for (int k = 0; k < 3; k++)
    {
      int n = 0;
      while (g_ascii_isdigit (*p) && n < (k == 0 ? 3 : 2))
        f[k] = f[k] * 10 + (guint64) (*p++ - '0'), n++;
      if (n == 0 || (k > 0 && n != 2) || *p != (k < 2 ? ':' : *p) || g_ascii_isdigit (*p))
        return FALSE;
      if (k < 2)
        p++;
    }
  if ((*p != ',' && *p != '.') || f[1] > 59 || f[2] > 59)
    return FALSE;
  p++;
  guint64 frac = 0;
  int digits = 0;
  while (g_ascii_isdigit (*p) && digits < 3)
    frac = frac * 10 + (guint64) (*p++ - '0'), digits++;
  if (digits == 0 || *p != '\0')
    return FALSE;
  while (digits++ < 3)
    frac *= 10;
  *ms = (gint64) ((f[0] * 3600 + f[1] * 60 + f[2]) * 1000 + frac);
  return TRUE;
}

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  /* plain digits by hand (five per row); anything else as g_ascii_strtoll reads it */
  gint64 v = 0;
  const char *p = text;
  while (g_ascii_isdigit (*p) && p - text < 18)
    v = v * 10 + (*p++ - '0');
  if (*p == '\0')
    {
      *out = v;
      return TRUE;
    }
  char *end = NULL;
  v = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

/* Rows hashed and compared by (Dialogue_ID, Utterance_ID), so the set of seen pairs needs no
 * key allocations of its own. */
static guint
row_hash (gconstpointer v)
{
  const StvaMeldRow *row = v;
  return ((guint) row->dialogue_id * 2654435761u) ^ (guint) row->utterance_id;
}

static gboolean
row_equal (gconstpointer a,
           gconstpointer b)
{
  const StvaMeldRow *x = a, *y = b;
  return x->dialogue_id == y->dialogue_id && x->utterance_id == y->utterance_id;
}

static int
index_of (const char        *value,
          const char *const *set,
          int                n)
{
  for (int i = 0; i < n; i++)   /* as written in MELD first, then in any case */
    if (strcmp (value, set[i]) == 0)
      return i;
  for (int i = 0; i < n; i++)
    if (g_ascii_strcasecmp (value, set[i]) == 0)
      return i;
  return -1;
}

GPtrArray *
stva_meld_read (const char  *path,
                GError     **error)
{
  g_autoptr (StvaCsvReader) reader = stva_csv_reader_new (path, error);
  if (reader == NULL)
    return NULL;
  GPtrArray *fields = NULL;
  GError *local = NULL;
  if (!stva_csv_reader_next (reader, &fields, &local))
    {
      if (local == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: empty file, expected a "
                     "MELD header", path);
      else
        g_propagate_error (error, local);
      return NULL;
    }
  int col[N_COLS];
  for (int c = 0; c < N_COLS; c++)
    {
      col[c] = -1;
      for (guint i = 0; i < fields->len; i++)
        if (strcmp (g_strstrip ((char *) g_ptr_array_index (fields, i)), column_names[c]) == 0)
          col[c] = (int) i;
      if (col[c] < 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:1: no column '%s' in the header: not a MELD CSV", path,
                       column_names[c]);
          return NULL;
        }
    }

  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (row_hash, row_equal);
  while (stva_csv_reader_next (reader, &fields, &local))
    {
      guint line = stva_csv_reader_line (reader);
      if (fields->len < (guint) N_COLS)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: %u fields, a MELD row has %d", path, line, fields->len, N_COLS);
          return NULL;
        }
#define FIELD(c) ((const char *) g_ptr_array_index (fields, (guint) col[c]))
      StvaMeldRow *row = g_new0 (StvaMeldRow, 1);
      g_ptr_array_add (rows, row);
      row->line = line;
      gint64 v[4];
      static const int int_cols[4] = { COL_DIALOGUE, COL_UTT, COL_SEASON, COL_EPISODE };
      for (int k = 0; k < 4; k++)
        if (!parse_int (FIELD (int_cols[k]), &v[k]) || v[k] < 0 || v[k] > G_MAXINT)
          {
            g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                         "%s:%u: column '%s': '%s' is not a non-negative integer", path, line,
                         column_names[int_cols[k]], FIELD (int_cols[k]));
            return NULL;
          }
      row->dialogue_id = (gint) v[0];
      row->utterance_id = (gint) v[1];
      row->season = (gint) v[2];
      row->episode = (gint) v[3];
      if (!parse_int (FIELD (COL_SR), &row->sr_no))
        row->sr_no = -1;   /* some copies leave it blank; nothing depends on it */
      for (int k = 0; k < 2; k++)
        {
          int c = k == 0 ? COL_START : COL_END;
          if (!stva_meld_parse_time (FIELD (c), k == 0 ? &row->start_ms : &row->end_ms))
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: column '%s': '%s' is not a time like 00:01:02,345", path,
                           line, column_names[c], FIELD (c));
              return NULL;
            }
        }
      if (row->end_ms < row->start_ms)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: EndTime is before StartTime", path, line);
          return NULL;
        }
      int e = index_of (FIELD (COL_EMOTION), STVA_MELD_EMOTIONS, 7);
      int s = index_of (FIELD (COL_SENTIMENT), sentiments, 3);
      if (e < 0 || s < 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: column '%s': '%s' is not one of MELD's labels", path, line,
                       e < 0 ? "Emotion" : "Sentiment",
                       e < 0 ? FIELD (COL_EMOTION) : FIELD (COL_SENTIMENT));
          return NULL;
        }
      row->emotion = g_strdup (STVA_MELD_EMOTIONS[e]);
      row->sentiment = g_strdup (sentiments[s]);
      row->utterance = g_strdup (FIELD (COL_UTTERANCE));
      row->speaker = g_strdup (FIELD (COL_SPEAKER));
#undef FIELD
      if (!g_hash_table_add (seen, row))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: dialogue %d utterance %d appears twice", path, line,
                       row->dialogue_id, row->utterance_id);
          return NULL;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&rows);
}
