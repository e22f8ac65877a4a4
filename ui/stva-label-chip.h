/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaLabelChip: a label's name on a rounded patch of the label's own colour (from the label
 * set, "#rrggbb"), its text black or white, whichever reads better on it; without a colour,
 * the name in the theme's dimmed text.  The views' cells, the label bar and the lists use it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STVA_TYPE_LABEL_CHIP (stva_label_chip_get_type ())
G_DECLARE_FINAL_TYPE (StvaLabelChip, stva_label_chip, STVA, LABEL_CHIP, GtkWidget)

GtkWidget  *stva_label_chip_new  (void);
/* text (nullable: "—"), colour (nullable: none) */
void        stva_label_chip_set  (StvaLabelChip *self, const char *text, const char *colour);
const char *stva_label_chip_get_text (StvaLabelChip *self);
/* The text colour that reads better on colour: black or white (WCAG contrast). */
void        stva_label_chip_text_rgba (const GdkRGBA *colour, GdkRGBA *text);

G_END_DECLS
