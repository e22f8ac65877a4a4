/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's keys: one table (studio.md, "Keys") read by the application (accelerators with
 * modifiers), the window (bare keys, which must never reach it while a text field has the
 * focus) and the shortcuts window, and checked by the tests: no key is bound twice, and no
 * label set key may take one of these.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  const char *action;     /* "win.play", "app.quit", or a detailed name "win.queue-order(0)" */
  const char *accel;      /* gtk_accelerator_parse () syntax: "space", "<Control>z" */
  const char *section;    /* shortcuts window section: "Playback", "Labelling", ... */
  const char *title;      /* what it does, for the shortcuts window */
} StvaKey;

/* (transfer none) The table, ending with a zeroed entry. */
const StvaKey *stva_keys              (void);
/* TRUE when accel has no modifier but Shift: a key a text field would take as typing, so the
 * window handles it in the bubble phase (never while an editable has the focus) instead of as
 * an application accelerator. */
gboolean       stva_key_is_bare       (const char *accel);
/* TRUE when a label set key (one character, "1" or "a") would clash with the table. */
gboolean       stva_key_is_reserved   (const char *label_key);
/* The accelerator of a label set key: "1" -> "1", "a" -> "a"; NULL for a key that is not one
 * printable character (transfer full). */
char          *stva_key_label_accel   (const char *label_key);

G_END_DECLS
