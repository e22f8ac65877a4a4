/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaTimelineView: the selected dialogue on a time axis (ui/draw's stva_draw_lanes): a lane
 * per speaker, a block per utterance in its current label's colour (from the label set), the
 * model's prediction as a thin band under it with its confidence as the band's opacity, the
 * selected utterance outlined and the playhead at :position (seconds, which the window binds
 * to the player's).  A click selects the utterance under the pointer in the session and emits
 * ::seek (gdouble seconds) with the time clicked; Ctrl+scroll zooms about the pointer, scroll
 * pans a zoomed view; a tooltip tells speaker, text, labels and confidence.
 */
#pragma once

#include <gtk/gtk.h>

#include "stva-session.h"

G_BEGIN_DECLS

#define STVA_TYPE_TIMELINE_VIEW (stva_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (StvaTimelineView, stva_timeline_view, STVA, TIMELINE_VIEW, GtkWidget)

GtkWidget   *stva_timeline_view_new          (void);
/* session (nullable): a reference is kept */
void         stva_timeline_view_set_session  (StvaTimelineView *self, StvaSession *session);
StvaSession *stva_timeline_view_get_session  (StvaTimelineView *self);

/* The playhead, seconds on the dialogue's clock; a zoomed view follows it. */
double       stva_timeline_view_get_position (StvaTimelineView *self);
void         stva_timeline_view_set_position (StvaTimelineView *self, double position_s);

/* The time span shown (zoom and scroll); clamped to the dialogue, at least half a second. */
void         stva_timeline_view_set_view     (StvaTimelineView *self, double start_s,
                                              double end_s);
void         stva_timeline_view_get_view     (StvaTimelineView *self, double *start_s,
                                              double *end_s);
/* Zooms in (factor > 1) or out about anchor_s, which stays where it is on screen. */
void         stva_timeline_view_zoom         (StvaTimelineView *self, double factor,
                                              double anchor_s);

/* The utterance (its position in the session's utterances) drawn at (x, y) in the widget's
 * coordinates, -1 for none; where utterance position is drawn (FALSE: not in view). */
int          stva_timeline_view_utterance_at  (StvaTimelineView *self, double x, double y);
gboolean     stva_timeline_view_utterance_box (StvaTimelineView *self, guint position,
                                               graphene_rect_t *box);
/* What a primary click at (x, y) does: selects the utterance there in the session and emits
 * ::seek with the time at x (nothing left of the time plot). */
void         stva_timeline_view_activate_at  (StvaTimelineView *self, double x, double y);
/* (transfer full) (nullable) The tooltip's text (Pango markup) at (x, y). */
char        *stva_timeline_view_tooltip_at   (StvaTimelineView *self, double x, double y);

G_END_DECLS
