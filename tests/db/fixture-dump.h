/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a build reads from a project, as text: dialogues with their review progress, each
 * utterance's gold, current and predicted labels with every annotator's label and the
 * prediction, annotator and class statistics.  The fixtures of old schema versions
 * (tests/db/data/project-vN.stva) were dumped so by the build that wrote them (make-fixture.c,
 * compiled against that build's db library), and test-migrate dumps them again after migrating;
 * so this uses only API that every build since schema version 2 has, and reads nothing a
 * version-1 project lacks.
 */
#pragma once

#include <glib.h>

#include "stva-db.h"

static const char *
fixture_label_name (const StvaDbLabelSet *set,
                    gint64                label_id)
{
  const StvaDbLabel *l = label_id ? stva_db_label_set_by_label (set, label_id) : NULL;
  return l ? l->name : "-";
}

static gboolean
fixture_dump (StvaDb   *db,
              GString  *out,
              GError  **error)
{
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, error);
  if (set == NULL)
    return FALSE;
  g_autoptr (GPtrArray) people = stva_db_annotator_stats (db, set->id, 0, error);
  g_autoptr (GPtrArray) classes = stva_db_class_stats (db, set->id, 0, error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, error);
  if (people == NULL || classes == NULL || dialogues == NULL)
    return FALSE;
  gint64 model = stva_db_latest_model (db, set->id, error);
  for (guint i = 0; i < dialogues->len; i++)
    {
      const StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      g_string_append_printf (out, "dialogue %s/%s corpus %s media %s utterances %d speakers %d "
                              "reviewed %d changed %d end %" G_GINT64_FORMAT "\n", d->split,
                              d->name, d->corpus, d->media_path ? d->media_path : "-",
                              d->n_utterances, d->n_speakers, d->n_reviewed, d->n_changed,
                              d->end_ms);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, d->id, set->id, 0, error);
      if (utts == NULL)
        return FALSE;
      for (guint k = 0; k < utts->len; k++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, k);
          g_autoptr (GPtrArray) history = stva_db_history (db, u->id, set->id, error);
          if (history == NULL)
            return FALSE;
          g_string_append_printf (out, "  %d %s [%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "] "
                                  "\"%s\" gold %s current %s reviewed %d annotators %d "
                                  "predicted %s %.2f events %u", u->idx, u->speaker,
                                  u->start_ms, u->end_ms, u->transcript,
                                  fixture_label_name (set, u->gold_label_id),
                                  fixture_label_name (set, u->current_label_id), u->reviewed,
                                  u->n_annotators,
                                  fixture_label_name (set, u->predicted_label_id), u->confidence,
                                  history->len);
          for (guint a = 0; a < people->len; a++)
            {
              const StvaDbAnnotatorStats *p = g_ptr_array_index (people, a);
              gint64 l = 0;
              if (!stva_db_annotator_label (db, u->id, set->id, p->annotator_id, &l, error))
                return FALSE;
              if (l != 0)
                g_string_append_printf (out, " %s=%s", p->name, fixture_label_name (set, l));
            }
          if (model != 0)
            {
              GError *local = NULL;
              StvaDbPrediction *p = stva_db_prediction (db, model, u->id, &local);
              if (local != NULL)
                {
                  g_propagate_error (error, local);
                  return FALSE;
                }
              if (p != NULL)
                {
                  g_autoptr (GPtrArray) maps = p->attention == NULL ? NULL
                    : stva_db_attention_unpack (g_bytes_get_data (p->attention, NULL),
                                                g_bytes_get_size (p->attention), error);
                  g_string_append_printf (out, " K %u beta %.2f %.2f %.2f maps %u", p->K,
                                          p->beta[0], p->beta[1], p->beta[2],
                                          maps ? maps->len : 0);
                  stva_db_prediction_free (p);
                }
            }
          g_string_append_c (out, '\n');
        }
    }
  for (guint a = 0; a < people->len; a++)
    {
      const StvaDbAnnotatorStats *p = g_ptr_array_index (people, a);
      g_string_append_printf (out, "annotator %s labels %d events %d differ-gold %d "
                              "differ-model %d\n", p->name, p->n_labels, p->n_events,
                              p->n_differ_gold, p->n_differ_model);
    }
  for (guint k = 0; k < classes->len; k++)
    {
      const StvaDbClassStats *c = g_ptr_array_index (classes, k);
      g_string_append_printf (out, "class %s gold %d current %d predicted %d changed-from %d "
                              "changed-to %d\n", c->name, c->gold, c->current, c->predicted,
                              c->changed_from, c->changed_to);
    }
  return TRUE;
}
