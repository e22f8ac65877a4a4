/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading MELD's `*_sent_emo.csv` files into rows: header checked by column name, every field
 * validated, errors naming file, line and column.  The MELD importer stores these rows.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   line;            /* where the row starts in the file */
  gint64  sr_no;
  char   *utterance;       /* owned, UTF-8 */
  char   *speaker;         /* owned */
  char   *emotion;         /* owned, one of MELD's seven, lower case */
  char   *sentiment;       /* owned: neutral, positive or negative */
  gint    dialogue_id;
  gint    utterance_id;
  gint    season;
  gint    episode;
  gint64  start_ms;
  gint64  end_ms;
} StvaMeldRow;

extern const char *const STVA_MELD_EMOTIONS[7];

/* Parses "HH:MM:SS,mmm" (also "H:MM:SS.mmm") into milliseconds. */
gboolean   stva_meld_parse_time (const char *text, gint64 *ms);

/* Reads a MELD CSV.  Returns an array of StvaMeldRow* (transfer full; the array frees them), or
 * NULL with error set.  Duplicate (Dialogue_ID, Utterance_ID) pairs are an error. */
GPtrArray *stva_meld_read (const char *path, GError **error);

G_END_DECLS
