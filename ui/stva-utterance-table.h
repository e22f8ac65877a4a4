/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaUtteranceTable: the selected dialogue's utterances as a GtkColumnView: index, time,
 * speaker, transcript, reference (gold) label, predicted label with its confidence, current
 * label, the other annotators' labels, reviewed.  Columns sort by a click on their header; the
 * toggle buttons above keep only the utterances predicted wrong (prediction ≠ current label),
 * predicted with low confidence (< 0.5), unreviewed, or on which annotators disagree (two or
 * more different labels among the human annotators), each with its count in the dialogue,
 * several at once meaning all of them.  The selected row is the session's utterance, both
 * ways.
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-session.h"

G_BEGIN_DECLS

#define STVA_TYPE_UTTERANCE_TABLE (stva_utterance_table_get_type ())
G_DECLARE_FINAL_TYPE (StvaUtteranceTable, stva_utterance_table, STVA, UTTERANCE_TABLE,
                      GtkWidget)

typedef enum
{
  STVA_UTTERANCE_FILTER_NONE = 0,
  STVA_UTTERANCE_FILTER_WRONG = 1 << 0,            /* predicted ≠ current */
  STVA_UTTERANCE_FILTER_LOW_CONFIDENCE = 1 << 1,   /* prediction's probability < 0.5 */
  STVA_UTTERANCE_FILTER_UNREVIEWED = 1 << 2,
  STVA_UTTERANCE_FILTER_DISAGREE = 1 << 3,         /* annotators' labels differ */
} StvaUtteranceFilter;

#define STVA_UTTERANCE_TABLE_LOW_CONFIDENCE 0.5

GtkWidget   *stva_utterance_table_new         (void);
/* session (nullable): a reference is kept */
void         stva_utterance_table_set_session (StvaUtteranceTable *self, StvaSession *session);
StvaSession *stva_utterance_table_get_session (StvaUtteranceTable *self);

/* The filters on (as the toggle buttons show them), and how many of the dialogue's utterances
 * one filter alone keeps. */
void         stva_utterance_table_set_filter  (StvaUtteranceTable *self,
                                               StvaUtteranceFilter filter);
StvaUtteranceFilter stva_utterance_table_get_filter (StvaUtteranceTable *self);
guint        stva_utterance_table_get_count   (StvaUtteranceTable *self,
                                               StvaUtteranceFilter filter);
/* Sorts as a click on the column's header does; column: "index", "time", "speaker",
 * "transcript", "gold", "predicted" (by confidence), "current", "others" (by how many labels),
 * "reviewed". */
void         stva_utterance_table_sort_by     (StvaUtteranceTable *self, const char *column,
                                               GtkSortType order);
/* (transfer none) The rows shown, filtered and sorted (of StvaUtteranceItem). */
GtkSelectionModel *stva_utterance_table_get_selection (StvaUtteranceTable *self);
/* (transfer none) */
GtkColumnView *stva_utterance_table_get_column_view (StvaUtteranceTable *self);

G_END_DECLS
