/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the corpus of train-fixture.h for the command-line tests:
 *   make-train-fixture npz FILE | project FILE
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "train-fixture.h"

int
main (int    argc,
      char **argv)
{
  if (argc != 3 || (strcmp (argv[1], "npz") != 0 && strcmp (argv[1], "project") != 0))
    {
      fprintf (stderr, "usage: make-train-fixture npz|project FILE\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  gboolean ok = strcmp (argv[1], "npz") == 0 ? tf_write_npz (argv[2], 8, 3, 3, &error)
                                             : tf_write_project (argv[2], 8, 3, 3, &error);
  if (!ok)
    {
      fprintf (stderr, "make-train-fixture: %s\n", error->message);
      return 1;
    }
  return 0;
}
