/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva-studio [FOLDER]: the GUI entry point.  Opens a MELD-layout corpus folder (the demo
 * corpus by default when run from the source tree) in a StvaWindow.
 */
#include "config.h"

#include "stva-core.h"
#include "stva-ui.h"

static char *folder;   /* owned; what to open */

static void
on_app_activate (GApplication *app,
                 gpointer      data)
{
  StvaWindow *window = stva_window_new (ADW_APPLICATION (app));
  if (folder != NULL)
    {
      g_autoptr (GError) error = NULL;
      if (!stva_window_open_folder (window, folder, &error))
        {
          AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
            adw_message_dialog_new (GTK_WINDOW (window), "Cannot open the corpus",
                                    error->message));
          adw_message_dialog_add_response (dialog, "close", "Close");
          gtk_window_present (GTK_WINDOW (window));
          gtk_window_present (GTK_WINDOW (dialog));
          return;
        }
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_app_startup (GApplication *app,
                gpointer      data)
{
  static const char *const play_accels[] = { "space", NULL };
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.play", play_accels);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
    {
      g_printerr ("usage: synctva-studio [FOLDER]\n");
      return 2;
    }
  stva_media_log_errors_only ();
  if (argc == 2)
    folder = g_canonicalize_filename (argv[1], NULL);
  g_autoptr (AdwApplication) app = adw_application_new ("org.synctva.Studio",
                                                        G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "startup", G_CALLBACK (on_app_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_app_activate), NULL);
  int rc = g_application_run (G_APPLICATION (app), 1, argv);
  g_free (folder);
  return rc;
}
