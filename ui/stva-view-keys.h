/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window owns the studio's single keys (label keys, Enter, Space, J/K/L, N/P, R, arrows:
 * studio.md).  A view that can hold the focus (a list, the column view, the timeline) would
 * take some of them for itself (Enter activates a row, Space selects it, arrows move in it):
 * stva_view_keys_pass () gives them to the window instead, wherever its handlers sit.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether the window owns this key press: Enter, Space, a printable character, an arrow, with
 * no modifier but Shift; Ctrl+Up and Ctrl+Down. */
gboolean stva_view_keys_owned (guint keyval, GdkModifierType state);
/* Adds a capture-phase key controller to widget that hands the window's keys to the widget's
 * window (its controllers, in all phases) and stops them there, so neither widget nor its
 * children act on them. */
void     stva_view_keys_pass  (GtkWidget *widget);

G_END_DECLS
