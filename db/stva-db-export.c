/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exporters: a flat CSV and JSON Lines with one row per utterance (ids, times, speaker, text,
 * gold, current label, each annotator's label, the prediction and its probabilities), and
 * MELD-format CSVs carrying the current labels, so a corrected corpus drops into MELD code.
 * Files are written whole to <path>.tmp and renamed over the target (g_file_set_contents).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "stva-db-private.h"

/* ---- CSV writing -------------------------------------------------------------------------- */

static void
csv_field (GString    *out,
           const char *value,
           gboolean    last)
{
  if (value == NULL)
    value = "";
  if (strpbrk (value, ",\"\r\n") != NULL || (value[0] == ' ')
      || (value[0] != '\0' && value[strlen (value) - 1] == ' '))
    {
      g_string_append_c (out, '"');
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, value);
  g_string_append (out, last ? "\r\n" : ",");
}

static void
csv_int (GString  *out,
         gint64    value,
         gboolean  last)
{
  char buf[32];
  if (value < 0)
    buf[0] = '\0';
  else
    g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  csv_field (out, buf, last);
}

static gboolean
write_file (const char  *path,
            GString     *contents,
            GError     **error)
{
  GError *local = NULL;
  if (!g_file_set_contents (path, contents->str, (gssize) contents->len, &local))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static const char *
label_name (const StvaDbTable *t,
            gint64             label_id)
{
  const StvaDbLabel *l = label_id ? stva_db_label_set_by_label (t->set, label_id) : NULL;
  return l ? l->name : NULL;
}

/* ---- flat CSV ----------------------------------------------------------------------------- */

gboolean
stva_db_export_csv (StvaDb      *db,
                    gint64       label_set_id,
                    gint64       model_id,
                    const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, model_id, error);
  if (t == NULL)
    return FALSE;
  guint K = t->set->labels->len;
  g_autoptr (GString) out = g_string_new (NULL);
  static const char *const fixed[] = {
    "utterance_id", "corpus", "split", "dialogue", "dialogue_source_id", "index", "source_id",
    "start_ms", "end_ms", "speaker", "text", "gold", "current",
  };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    csv_field (out, fixed[i], FALSE);
  for (guint a = 0; a < t->n_annotators; a++)
    {
      g_autofree char *col = g_strconcat ("annotator:", t->annotator_names[a], NULL);
      csv_field (out, col, FALSE);
    }
  csv_field (out, "model", FALSE);
  csv_field (out, "predicted", K == 0);
  for (guint k = 0; k < K; k++)
    {
      const StvaDbLabel *l = g_ptr_array_index (t->set->labels, k);
      g_autofree char *col = g_strconcat ("p:", l->name, NULL);
      csv_field (out, col, k + 1 == K);
    }
  for (guint i = 0; i < t->rows->len; i++)
    {
      const StvaDbRow *r = g_ptr_array_index (t->rows, i);
      csv_int (out, r->utterance_id, FALSE);
      csv_field (out, r->corpus, FALSE);
      csv_field (out, r->split, FALSE);
      csv_field (out, r->dialogue, FALSE);
      csv_int (out, r->dialogue_source_id, FALSE);
      csv_int (out, r->idx, FALSE);
      csv_int (out, r->source_id, FALSE);
      csv_int (out, r->start_ms, FALSE);
      csv_int (out, r->end_ms, FALSE);
      csv_field (out, r->speaker, FALSE);
      csv_field (out, r->transcript, FALSE);
      csv_field (out, label_name (t, r->gold), FALSE);
      csv_field (out, label_name (t, r->current), FALSE);
      for (guint a = 0; a < t->n_annotators; a++)
        csv_field (out, label_name (t, r->annotator_labels[a]), FALSE);
      csv_field (out, r->predicted ? t->model_name : NULL, FALSE);
      csv_field (out, label_name (t, r->predicted), K == 0);
      for (guint k = 0; k < K; k++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE] = "";
          if (r->probs != NULL)
            g_ascii_formatd (buf, sizeof buf, "%.6g", r->probs[k]);
          csv_field (out, buf, k + 1 == K);
        }
    }
  return write_file (path, out, error);
}

/* ---- JSON Lines --------------------------------------------------------------------------- */

static void
member_label (JsonBuilder       *b,
              const char        *name,
              const StvaDbTable *t,
              gint64             label_id)
{
  json_builder_set_member_name (b, name);
  const char *l = label_name (t, label_id);
  if (l)
    json_builder_add_string_value (b, l);
  else
    json_builder_add_null_value (b);
}

static void
member_int (JsonBuilder *b,
            const char  *name,
            gint64       value)
{
  json_builder_set_member_name (b, name);
  if (value < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, value);
}

static void
member_string (JsonBuilder *b,
               const char  *name,
               const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gboolean
stva_db_export_jsonl (StvaDb      *db,
                      gint64       label_set_id,
                      gint64       model_id,
                      const char  *path,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  g_autoptr (StvaDbTable) t = _stva_db_table (db, label_set_id, model_id, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  for (guint i = 0; i < t->rows->len; i++)
    {
      const StvaDbRow *r = g_ptr_array_index (t->rows, i);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      member_int (b, "utterance_id", r->utterance_id);
      member_string (b, "corpus", r->corpus);
      member_string (b, "split", r->split);
      member_string (b, "dialogue", r->dialogue);
      member_int (b, "dialogue_source_id", r->dialogue_source_id);
      member_int (b, "index", r->idx);
      member_int (b, "source_id", r->source_id);
      member_int (b, "start_ms", r->start_ms);
      member_int (b, "end_ms", r->end_ms);
      member_string (b, "speaker", r->speaker);
      member_string (b, "text", r->transcript);
      member_string (b, "media", r->media_path);
      member_string (b, "label_set", t->set->name);
      member_label (b, "gold", t, r->gold);
      member_label (b, "current", t, r->current);
      json_builder_set_member_name (b, "annotators");
      json_builder_begin_object (b);
      for (guint a = 0; a < t->n_annotators; a++)
        if (r->annotator_labels[a] != 0)
          member_label (b, t->annotator_names[a], t, r->annotator_labels[a]);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "prediction");
      if (r->predicted == 0)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_object (b);
          member_string (b, "model", t->model_name);
          member_label (b, "label", t, r->predicted);
          json_builder_set_member_name (b, "probabilities");
          json_builder_begin_object (b);
          for (guint k = 0; r->probs && k < t->set->labels->len; k++)
            {
              const StvaDbLabel *l = g_ptr_array_index (t->set->labels, k);
              json_builder_set_member_name (b, l->name);
              json_builder_add_double_value (b, r->probs[k]);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      g_autofree char *line = json_generator_to_data (gen, NULL);
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }
  return write_file (path, out, error);
}

/* ---- MELD --------------------------------------------------------------------------------- */

static void
meld_time (GString *out,
           gint64   ms)
{
  char buf[32];
  if (ms < 0)
    ms = 0;
  g_snprintf (buf, sizeof buf, "%02d:%02d:%02d,%03d", (int) (ms / 3600000),
              (int) (ms / 60000 % 60), (int) (ms / 1000 % 60), (int) (ms % 1000));
  g_string_append_printf (out, "\"%s\"", buf);
}

gboolean
stva_db_export_meld (StvaDb      *db,
                     const char  *dir,
                     GError     **error)
{
  g_return_val_if_fail (db != NULL && dir != NULL, FALSE);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, error);
  if (set == NULL)
    return FALSE;
  g_autoptr (StvaDbTable) t = _stva_db_table (db, set->id, -1, error);
  if (t == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  static const char *const splits[3] = { "train", "dev", "test" };
  GString *out[3];
  gint64 serial[3] = { 0, 0, 0 };
  for (int s = 0; s < 3; s++)
    out[s] = g_string_new ("Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,"
                           "Utterance_ID,Season,Episode,StartTime,EndTime\r\n");
  gboolean ok = TRUE;
  for (guint i = 0; i < t->rows->len && ok; i++)
    {
      const StvaDbRow *r = g_ptr_array_index (t->rows, i);
      int s = 0;
      while (s < 3 && strcmp (r->split, splits[s]) != 0)
        s++;
      if (s == 3)
        continue;   /* dialogues outside the three splits have no MELD file */
      const char *emotion = label_name (t, r->current);
      if (emotion == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: utterance %d of dialogue %s (%s) has no label in the MELD set; "
                       "nothing exported", db->path, r->idx, r->dialogue, r->split);
          ok = FALSE;
          break;
        }
      serial[s]++;
      GString *o = out[s];
      csv_int (o, r->sr_no >= 0 ? r->sr_no : serial[s], FALSE);
      csv_field (o, r->transcript, FALSE);
      csv_field (o, r->speaker, FALSE);
      csv_field (o, emotion, FALSE);
      csv_field (o, r->sentiment ? r->sentiment : "neutral", FALSE);
      csv_int (o, r->dialogue_source_id >= 0 ? r->dialogue_source_id : 0, FALSE);
      csv_int (o, r->source_id, FALSE);
      csv_int (o, MAX (r->season, 0), FALSE);
      csv_int (o, MAX (r->episode, 0), FALSE);
      meld_time (o, r->start_ms);
      g_string_append_c (o, ',');
      meld_time (o, MAX (r->end_ms, r->start_ms));
      g_string_append (o, "\r\n");
    }
  for (int s = 0; s < 3; s++)
    {
      if (ok)
        {
          g_autofree char *name = g_strconcat (splits[s], "_sent_emo.csv", NULL);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          ok = write_file (path, out[s], error);
        }
      g_string_free (out[s], TRUE);
    }
  return ok;
}
