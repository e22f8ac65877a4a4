/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Handing the window's keys past a focused view (see stva-view-keys.h).
 */
#include "config.h"

#include "stva-view-keys.h"

gboolean
stva_view_keys_owned (guint           keyval,
                      GdkModifierType state)
{
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK
                                  | GDK_META_MASK);
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Up:
    case GDK_KEY_KP_Down:
      return mods == 0 || mods == GDK_CONTROL_MASK;
    case GDK_KEY_Left:
    case GDK_KEY_Right:
    case GDK_KEY_KP_Left:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      return mods == 0;
    default:
      break;
    }
  if (mods != 0)
    return FALSE;
  gunichar c = gdk_keyval_to_unicode (keyval);
  return c != 0 && g_unichar_isgraph (c);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               data)
{
  if (!stva_view_keys_owned (keyval, state))
    return FALSE;
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  if (root != NULL && root != widget)
    gtk_event_controller_key_forward (controller, root);
  return TRUE;
}

void
stva_view_keys_pass (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (keys, "stva-view-keys");
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), NULL);
  gtk_widget_add_controller (widget, keys);
}
