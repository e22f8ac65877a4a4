/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding the project for every command that reads or writes one: --project FILE, else
 * $SYNCTVA_PROJECT, else the single *.stva in the current folder.
 */
#pragma once

#include "stva-db.h"

G_BEGIN_DECLS

/* (transfer full) The project's path, or NULL with error naming what is missing. */
char   *stva_cli_find_project (const char *option, GError **error);
/* (transfer full) The project opened (it must exist), or NULL with error set. */
StvaDb *stva_cli_open_project (const char *option, GError **error);
/* TRUE when no --project was given but $SYNCTVA_PROJECT is set or exactly one *.stva file is
 * in the current folder: a command that also has a file mode then works on the project. */
gboolean stva_cli_has_default_project (void);

G_END_DECLS
