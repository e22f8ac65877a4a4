/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva-studio [PROJECT.stva | CORPUS_DIR] [--annotator NAME]: the studio (StvaApplication).
 */
#include "config.h"

#include "stva-core.h"
#include "stva-ui.h"

int
main (int    argc,
      char **argv)
{
  stva_media_log_errors_only ();
  g_autoptr (StvaApplication) app = stva_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
