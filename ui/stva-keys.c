/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's key table (see stva-keys.h and studio.md).  Label keys (1-9 then letters) come
 * from the project's label set and are added by the window.
 */
#include "config.h"

#include "stva-keys.h"

static const StvaKey keys[] = {
  /* playback */
  { "win.play", "space", "Playback", "Play or pause" },
  { "win.play-utterance", "<Shift>space", "Playback", "Play the selected utterance" },
  { "win.loop", "<Control>l", "Playback", "Loop the selected utterance" },
  { "win.back", "j", "Playback", "Back a few seconds" },
  { "win.pause", "k", "Playback", "Pause" },
  { "win.forward", "l", "Playback", "Play forward; again to go faster" },
  { "win.frame-prev", "comma", "Playback", "Previous frame" },
  { "win.frame-next", "period", "Playback", "Next frame" },
  { "win.slower", "<Control>minus", "Playback", "Slower" },
  { "win.faster", "<Control>plus", "Playback", "Faster" },
  /* moving */
  { "win.prev-utterance", "Up", "Moving", "Previous utterance" },
  { "win.next-utterance", "Down", "Moving", "Next utterance" },
  { "win.prev-dialogue", "<Control>Up", "Moving", "Previous dialogue" },
  { "win.next-dialogue", "<Control>Down", "Moving", "Next dialogue" },
  { "win.queue-next", "n", "Moving", "Next in the review queue" },
  { "win.queue-prev", "p", "Moving", "Previous in the review queue" },
  /* labelling (the label keys themselves come from the label set) */
  { "win.accept", "Return", "Labelling", "Accept the prediction as the label" },
  { "win.reviewed", "r", "Labelling", "Mark reviewed, label unchanged" },
  { "win.note", "<Control>m", "Labelling", "Write a note for the next label" },
  { "win.undo", "<Control>z", "Labelling", "Undo" },
  { "win.redo", "<Control><Shift>z", "Labelling", "Redo" },
  /* finding */
  { "win.search", "<Control>f", "Finding", "Search dialogues and transcripts" },
  { "win.sidebar", "F9", "Finding", "Show or hide the sidebar" },
  /* project */
  { "app.new", "<Control>n", "Project", "New project" },
  { "app.open", "<Control>o", "Project", "Open a project" },
  { "app.import", "<Control>i", "Project", "Import a corpus, media, subtitles, ELAN, CSV" },
  { "app.export", "<Control>e", "Project", "Export" },
  { "win.retrain", "<Control>r", "Project", "Retrain from corrections" },
  { "app.preferences", "<Control>comma", "Project", "Preferences" },
  { "app.shortcuts", "<Control>question", "Project", "Keyboard shortcuts" },
  { "app.quit", "<Control>q", "Project", "Quit" },
  { NULL },
};

const StvaKey *
stva_keys (void)
{
  return keys;
}

gboolean
stva_key_is_bare (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;
  if (!gtk_accelerator_parse (accel, &key, &mods))
    return FALSE;
  return (mods & ~GDK_SHIFT_MASK) == 0;
}

char *
stva_key_label_accel (const char *label_key)
{
  if (label_key == NULL || g_utf8_strlen (label_key, -1) != 1)
    return NULL;
  gunichar c = g_utf8_get_char (label_key);
  if (!g_unichar_isprint (c) || g_unichar_isspace (c))
    return NULL;
  guint keyval = gdk_unicode_to_keyval (g_unichar_tolower (c));
  const char *name = gdk_keyval_name (keyval);
  return name != NULL ? g_strdup (name) : NULL;
}

gboolean
stva_key_is_reserved (const char *label_key)
{
  g_autofree char *accel = stva_key_label_accel (label_key);
  if (accel == NULL)
    return TRUE;
  guint key = 0, other = 0;
  GdkModifierType mods = 0, other_mods = 0;
  if (!gtk_accelerator_parse (accel, &key, &mods))
    return TRUE;
  for (const StvaKey *k = keys; k->action != NULL; k++)
    if (gtk_accelerator_parse (k->accel, &other, &other_mods)
        && gdk_keyval_to_lower (other) == gdk_keyval_to_lower (key) && other_mods == mods)
      return TRUE;
  return FALSE;
}
