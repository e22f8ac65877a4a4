/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generic CSV with a column mapping: "field=column,..." names which column holds each field
 * of an utterance.  Fields: dialogue and text (required), speaker, split, index (order within
 * the dialogue; else file order), start and end (seconds, or HH:MM:SS,mmm), start_ms and end_ms
 * (integer milliseconds), label (a label of the chosen set).  Rows are grouped into dialogues
 * by (split, dialogue).  All rows are checked before the one transaction that stores them.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"

enum
{
  F_DIALOGUE, F_TEXT, F_SPEAKER, F_SPLIT, F_INDEX, F_START, F_END, F_START_MS, F_END_MS, F_LABEL,
  N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  "dialogue", "text", "speaker", "split", "index", "start", "end", "start_ms", "end_ms", "label",
};

typedef struct
{
  char   *split;
  char   *dialogue;
  gint64  index;
  char   *speaker;
  char   *text;
  gint64  start_ms;
  gint64  end_ms;
  const StvaDbLabel *label;
  guint   line;
} Row;

static void
row_clear (gpointer data)
{
  Row *r = data;
  g_free (r->split);
  g_free (r->dialogue);
  g_free (r->speaker);
  g_free (r->text);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = a, *y = b;
  int c = strcmp (x->split, y->split);
  if (c == 0)
    c = strcmp (x->dialogue, y->dialogue);
  if (c == 0 && x->index != y->index)
    c = x->index < y->index ? -1 : 1;
  if (c == 0)
    c = x->line < y->line ? -1 : x->line > y->line;
  return c;
}

/* Seconds ("1.25") or a time ("00:00:01,250") into milliseconds. */
static gboolean
parse_time (const char *s,
            gboolean    ms,
            gint64     *out)
{
  if (s == NULL || *s == '\0' || strpbrk (s, "xXnNiI") != NULL)
    return FALSE;
  if (!ms && strchr (s, ':') != NULL)
    return stva_meld_parse_time (s, out);
  char *end = NULL;
  double v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (v) || v < 0 || v > 1e12)
    return FALSE;
  *out = ms ? (gint64) llround (v) : (gint64) llround (v * 1000.0);
  return TRUE;
}

gboolean
stva_db_import_csv (StvaDb              *db,
                    const char          *path,
                    const char          *mapping,
                    const char          *label_set,
                    const char          *split,
                    StvaDbImportReport  *report_out,
                    GError             **error)
{
  g_return_val_if_fail (db != NULL && path != NULL && mapping != NULL, FALSE);
  char *column_of[N_FIELDS] = { NULL };
  g_auto (GStrv) pairs = g_strsplit (mapping, ",", -1);
  gboolean ok = FALSE;
  g_autoptr (StvaDbLabelSet) set = NULL;
  g_autoptr (StvaCsvReader) reader = NULL;
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, row_clear);
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);
  for (guint i = 0; pairs[i]; i++)
    {
      char *eq = strchr (pairs[i], '=');
      int f = -1;
      if (eq != NULL)
        {
          *eq = '\0';
          for (int k = 0; k < N_FIELDS; k++)
            if (strcmp (g_strstrip (pairs[i]), field_names[k]) == 0)
              f = k;
        }
      if (f < 0 || *g_strstrip (eq + 1) == '\0')
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "column mapping '%s': give field=column pairs with fields dialogue, text,"
                       " speaker, split, index, start, end, start_ms, end_ms, label", mapping);
          goto out;
        }
      g_free (column_of[f]);
      column_of[f] = g_strdup (eq + 1);
    }
  if (column_of[F_DIALOGUE] == NULL || column_of[F_TEXT] == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "column mapping '%s': dialogue and text are required", mapping);
      goto out;
    }
  if (split != NULL && column_of[F_SPLIT] != NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: the split is given twice, as '%s' and as column '%s' of the mapping; "
                   "give one", path, split, column_of[F_SPLIT]);
      goto out;
    }
  if (split != NULL && stva_split_from_name (split) < 0 && strcmp (split, "none") != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                   "%s: split '%s' is not train, dev, test or none", path, split);
      goto out;
    }
  if (column_of[F_LABEL] != NULL
      && (set = stva_db_label_set (db, label_set ? label_set : STVA_DB_MELD_SET, error)) == NULL)
    goto out;
  if ((reader = stva_csv_reader_new (path, error)) == NULL)
    goto out;
  GPtrArray *fields = NULL;
  GError *local = NULL;
  if (!stva_csv_reader_next (reader, &fields, &local))
    {
      if (local == NULL)
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: empty file", path);
      else
        g_propagate_error (error, local);
      goto out;
    }
  int col[N_FIELDS];
  guint n_cols = fields->len;
  for (int f = 0; f < N_FIELDS; f++)
    {
      col[f] = -1;
      if (column_of[f] == NULL)
        continue;
      for (guint i = 0; i < fields->len; i++)
        if (strcmp (g_strstrip ((char *) fields->pdata[i]), column_of[f]) == 0)
          col[f] = (int) i;
      if (col[f] < 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:1: no column '%s' (mapped to %s) in the header", path, column_of[f],
                       field_names[f]);
          goto out;
        }
    }
  while (stva_csv_reader_next (reader, &fields, &local))
    {
      guint line = stva_csv_reader_line (reader);
      if (fields->len != n_cols)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: %u fields where the header has %u", path, line, fields->len,
                       n_cols);
          goto out;
        }
#define FIELD(f) (col[f] < 0 ? NULL : (const char *) fields->pdata[col[f]])
      Row r = { .line = line, .index = rows->len };
      r.split = g_strdup (split != NULL ? split
                          : FIELD (F_SPLIT) && *FIELD (F_SPLIT) ? FIELD (F_SPLIT) : "none");
      g_array_append_val (rows, r);
      Row *row = &g_array_index (rows, Row, rows->len - 1);
      row->dialogue = g_strdup (FIELD (F_DIALOGUE));
      row->text = g_strdup (FIELD (F_TEXT));
      row->speaker = g_strdup (FIELD (F_SPEAKER) ? FIELD (F_SPEAKER) : "");
      if (stva_split_from_name (row->split) < 0 && strcmp (row->split, "none") != 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: split '%s' is not train, dev, test or none", path, line,
                       row->split);
          goto out;
        }
      if (strcmp (row->split, "valid") == 0)
        {
          g_free (row->split);
          row->split = g_strdup ("dev");
        }
      if (*row->dialogue == '\0')
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: column '%s' (dialogue) is empty", path, line,
                       column_of[F_DIALOGUE]);
          goto out;
        }
      if (FIELD (F_INDEX) != NULL)
        {
          char *end = NULL;
          row->index = g_ascii_strtoll (FIELD (F_INDEX), &end, 10);
          if (end == FIELD (F_INDEX) || *end != '\0')
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: column '%s' (index): '%s' is not an integer", path, line,
                           column_of[F_INDEX], FIELD (F_INDEX));
              goto out;
            }
        }
      row->start_ms = row->end_ms = -1;
      for (int k = 0; k < 4; k++)
        {
          static const int which[4] = { F_START, F_END, F_START_MS, F_END_MS };
          const char *v = FIELD (which[k]);
          if (v == NULL || *v == '\0')
            continue;
          gint64 *target = k % 2 == 0 ? &row->start_ms : &row->end_ms;
          if (!parse_time (v, k >= 2, target))
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: column '%s' (%s): '%s' is not a time", path, line,
                           column_of[which[k]], field_names[which[k]], v);
              goto out;
            }
        }
      if (row->start_ms >= 0 && row->end_ms >= 0 && row->end_ms < row->start_ms)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: the utterance ends before it starts", path, line);
          goto out;
        }
      const char *label = FIELD (F_LABEL);
      if (set != NULL && label != NULL && *label != '\0'
          && (row->label = stva_db_label_set_find (set, label)) == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: column '%s' (label): '%s' is not in the label set '%s'", path,
                       line, column_of[F_LABEL], label, set->name);
          goto out;
        }
#undef FIELD
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto out;
    }
  g_array_sort (rows, compare_rows);

  {
    g_autofree char *abs = g_canonicalize_filename (path, NULL);
    StvaDbImportWriter *w = _stva_db_import_writer_begin (db, "csv", abs, set ? set->id : 0,
                                                          FALSE, report, error);
    if (w == NULL)
      goto out;
    gint64 dialogue_id = 0;
    int idx = 0;
    ok = TRUE;
    for (guint i = 0; ok && i < rows->len; i++)
      {
        const Row *r = &g_array_index (rows, Row, i);
        const Row *prev = i ? &g_array_index (rows, Row, i - 1) : NULL;
        if (prev == NULL || strcmp (prev->split, r->split) != 0
            || strcmp (prev->dialogue, r->dialogue) != 0)
          {
            dialogue_id = _stva_db_import_writer_dialogue (w, "csv", r->split, r->dialogue, -1,
                                                           0, error);
            ok = dialogue_id != 0;
            if (!ok)
              g_prefix_error (error, "%s:%u: ", path, r->line);
            idx = 0;
          }
        StvaDbImportUtterance u = {
          .dialogue_id = dialogue_id, .idx = idx++, .source_id = r->index,
          .speaker = r->speaker, .transcript = r->text, .start_ms = r->start_ms,
          .end_ms = r->end_ms, .sr_no = -1, .season = -1, .episode = -1,
          .label_id = r->label ? r->label->id : 0,
        };
        ok = ok && _stva_db_import_writer_utterance (w, &u, error) != 0;
      }
    ok = _stva_db_import_writer_end (w, ok, error);   /* the rows live until here */
  }

out:
  for (int f = 0; f < N_FIELDS; f++)
    g_free (column_of[f]);
  return _stva_db_import_report_finish (report, report_out, ok);
}
