/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Praat TextGrid files: the long and short text formats (UTF-8 or UTF-16) read into tiers of
 * intervals or points, and the long format written.  Times are seconds.  Errors name the file,
 * the line and the problem.
 */
#pragma once

#include <glib.h>

#include "stva-db-error.h"

G_BEGIN_DECLS

typedef struct
{
  double  xmin;      /* a point's time is xmin = xmax */
  double  xmax;
  char   *text;      /* owned: the interval's text or the point's mark */
} StvaTextGridItem;

typedef struct
{
  char             *name;      /* owned */
  gboolean          points;    /* TextTier (points) rather than IntervalTier */
  guint             n_items;
  StvaTextGridItem *items;     /* owned, (n_items) */
} StvaTextGridTier;

typedef struct
{
  double            xmin;
  double            xmax;
  guint             n_tiers;
  StvaTextGridTier *tiers;     /* owned, (n_tiers) */
} StvaTextGrid;

void          stva_textgrid_free  (StvaTextGrid *tg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaTextGrid, stva_textgrid_free)

/* (transfer full) Parses size bytes of data; path names the source in errors. */
StvaTextGrid *stva_textgrid_parse (const char *path, const char *data, gsize size,
                                   GError **error);
StvaTextGrid *stva_textgrid_read  (const char *path, GError **error);
/* Appends tg in the long text format. */
void          stva_textgrid_write (GString *out, const StvaTextGrid *tg);

G_END_DECLS
