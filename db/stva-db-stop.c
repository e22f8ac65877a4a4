/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stopping a long write (see stva_db_set_stop_func () in stva-db.h): the connection's commit
 * hook asks the caller's function before each COMMIT, and a yes turns the COMMIT into a
 * ROLLBACK, so an importer's one transaction writes nothing.
 */
#include "config.h"

#include "stva-db-private.h"

static int
on_commit (void *data)
{
  StvaDb *db = data;
  return db->stop_func != NULL && db->stop_func (db->stop_data) ? 1 : 0;
}

void
stva_db_set_stop_func (StvaDb         *db,
                       StvaDbStopFunc  func,
                       gpointer        user_data)
{
  g_return_if_fail (db != NULL);
  db->stop_func = func;
  db->stop_data = user_data;
  sqlite3_commit_hook (db->handle, func != NULL ? on_commit : NULL, db);
}

gboolean
_stva_db_should_stop (StvaDb *db)
{
  return db->stop_func != NULL && db->stop_func (db->stop_data);
}
