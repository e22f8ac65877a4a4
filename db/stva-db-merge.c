/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Merging projects made apart (shards of a batch job, annotators working on their own copies)
 * into one.  Rows are matched by what they are, not by their ids: label sets and labels by
 * name, annotators by name, media by path, dialogues by (corpus, split, name), utterances by
 * (dialogue, index), models by file hash, events by (utterance, set, annotator, kind, labels,
 * time).  What is already there is not added twice; where two inputs disagree (an utterance's
 * text, a gold label, a prediction) the first one merged wins and the disagreement is reported.
 * Events from all inputs are appended in time order, so each annotator's history and the
 * current labels come out as if the work had been done in one project.  Each input is one
 * transaction and the events one more, so on an error the project may hold part of the merge:
 * merge into a new file and discard it on error (synctva merge writes OUT.tmp and renames it).
 */
#include "config.h"

#include <string.h>

#include "stva-db-private.h"

void
stva_db_merge_report_init (StvaDbMergeReport *report)
{
  memset (report, 0, sizeof *report);
  report->conflicts = g_ptr_array_new_with_free_func (g_free);
}

void
stva_db_merge_report_clear (StvaDbMergeReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->conflicts, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

/* Runs one statement with no parameters but :input; returns the rows changed, -1 on error. */
static int
run (StvaDb      *db,
     const char  *sql,
     GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, sql, error);
  if (stmt == NULL || !_stva_db_step_done (db, stmt, error))
    return -1;
  return sqlite3_changes (db->handle);
}

/* Adds "what: n rows (first: example)" to the conflicts when the query finds any. */
static gboolean
report_conflicts (StvaDb             *db,
                  const char         *input,
                  const char         *what,
                  const char         *sql,
                  StvaDbMergeReport  *report,
                  GError            **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  int rc, n = 0;
  g_autofree char *first = NULL;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    if (n++ == 0)
      first = _stva_column_dup (stmt, 0);
  if (rc < 0)
    return FALSE;
  if (n > 0)
    g_ptr_array_add (report->conflicts, g_strdup_printf ("%s: %d %s differ from the merged "
                                                         "project's (first: %s); kept the "
                                                         "project's", input, n, what,
                                                         first ? first : "?"));
  return TRUE;
}

/* The structure of one attached input (schema "src"): everything but the events. */
static gboolean
merge_structure (StvaDb             *db,
                 const char         *input,
                 StvaDbMergeReport  *report,
                 GError            **error)
{
  /* label sets must agree on the names of their classes */
  {
    g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
      db, "SELECT ss.name, l.idx, l.name, ml.name FROM src.label l "
          "JOIN src.label_set ss ON ss.id = l.label_set_id "
          "JOIN main.label_set ms ON ms.name = ss.name "
          "LEFT JOIN main.label ml ON ml.label_set_id = ms.id AND ml.idx = l.idx "
          "WHERE ml.name IS NOT l.name LIMIT 1", error);
    if (stmt == NULL)
      return FALSE;
    int rc = _stva_db_step (db, stmt, error);
    if (rc < 0)
      return FALSE;
    if (rc == 1)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: label set '%s' has '%s' as class %d where %s has '%s'; nothing "
                     "merged", input, sqlite3_column_text (stmt, 0),
                     sqlite3_column_text (stmt, 2), sqlite3_column_int (stmt, 1), db->path,
                     sqlite3_column_type (stmt, 3) == SQLITE_NULL
                       ? "none" : (const char *) sqlite3_column_text (stmt, 3));
        return FALSE;
      }
  }
  static const char *const steps[] = {
    "INSERT INTO main.label_set (name, description) SELECT name, description FROM "
    "src.label_set WHERE name NOT IN (SELECT name FROM main.label_set) ORDER BY id",
    "INSERT INTO main.label (label_set_id, idx, name, colour, key) "
    "SELECT ms.id, l.idx, l.name, l.colour, l.key FROM src.label l "
    "JOIN src.label_set ss ON ss.id = l.label_set_id JOIN main.label_set ms ON ms.name = ss.name "
    "WHERE NOT EXISTS (SELECT 1 FROM main.label ml WHERE ml.label_set_id = ms.id "
    "AND ml.idx = l.idx) ORDER BY l.id",
    "DELETE FROM temp.map_label",
    "INSERT INTO temp.map_label SELECT l.id, ml.id FROM src.label l "
    "JOIN src.label_set ss ON ss.id = l.label_set_id JOIN main.label_set ms ON ms.name = ss.name "
    "JOIN main.label ml ON ml.label_set_id = ms.id AND ml.idx = l.idx",
    "DELETE FROM temp.map_set",
    "INSERT INTO temp.map_set SELECT ss.id, ms.id FROM src.label_set ss "
    "JOIN main.label_set ms ON ms.name = ss.name",
    "INSERT INTO main.annotator (name, kind) SELECT name, kind FROM src.annotator "
    "WHERE name NOT IN (SELECT name FROM main.annotator) ORDER BY id",
    "DELETE FROM temp.map_annotator",
    "INSERT INTO temp.map_annotator SELECT s.id, m.id FROM src.annotator s "
    "JOIN main.annotator m ON m.name = s.name",
    "INSERT INTO main.media (path, kind, duration_ms) SELECT path, kind, duration_ms "
    "FROM src.media WHERE path NOT IN (SELECT path FROM main.media) ORDER BY id",
    "DELETE FROM temp.map_media",
    "INSERT INTO temp.map_media SELECT s.id, m.id FROM src.media s JOIN main.media m "
    "ON m.path = s.path",
    "INSERT INTO main.import_run (kind, source, created_us, n_dialogues, n_utterances) "
    "SELECT kind, source, created_us, n_dialogues, n_utterances FROM src.import_run s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.import_run m WHERE m.kind = s.kind "
    "AND m.source = s.source AND m.created_us = s.created_us) ORDER BY id",
    "DELETE FROM temp.map_import",
    "INSERT INTO temp.map_import SELECT s.id, min (m.id) FROM src.import_run s "
    "JOIN main.import_run m ON m.kind = s.kind AND m.source = s.source "
    "AND m.created_us = s.created_us GROUP BY s.id",
    "INSERT OR IGNORE INTO main.import_warning (import_id, seq, message) "
    "SELECT mi.dst, w.seq, w.message FROM src.import_warning w "
    "JOIN temp.map_import mi ON mi.src = w.import_id",
    "INSERT INTO main.dialogue (corpus, split, name, source_id, media_id, import_id) "
    "SELECT d.corpus, d.split, d.name, d.source_id, mm.dst, mi.dst FROM src.dialogue d "
    "LEFT JOIN temp.map_media mm ON mm.src = d.media_id "
    "LEFT JOIN temp.map_import mi ON mi.src = d.import_id "
    "WHERE NOT EXISTS (SELECT 1 FROM main.dialogue m WHERE m.corpus = d.corpus "
    "AND m.split = d.split AND m.name = d.name) ORDER BY d.id",
    "DELETE FROM temp.map_dialogue",
    "INSERT INTO temp.map_dialogue SELECT d.id, m.id FROM src.dialogue d JOIN main.dialogue m "
    "ON m.corpus = d.corpus AND m.split = d.split AND m.name = d.name",
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (run (db, steps[i], error) < 0)
      return FALSE;

  if (!report_conflicts (db, input, "utterances",
                         "SELECT d.name || ' utterance ' || u.idx FROM src.utterance u "
                         "JOIN src.dialogue d ON d.id = u.dialogue_id "
                         "JOIN temp.map_dialogue md ON md.src = u.dialogue_id "
                         "JOIN main.utterance m ON m.dialogue_id = md.dst AND m.idx = u.idx "
                         "WHERE m.transcript IS NOT u.transcript OR m.speaker IS NOT u.speaker "
                         "OR m.start_ms IS NOT u.start_ms OR m.end_ms IS NOT u.end_ms",
                         report, error))
    return FALSE;
  int n = run (db, "INSERT INTO main.utterance (dialogue_id, idx, source_id, speaker, transcript,"
                   " start_ms, end_ms, media_id, sr_no, season, episode, sentiment) "
                   "SELECT md.dst, u.idx, u.source_id, u.speaker, u.transcript, u.start_ms, "
                   "u.end_ms, mm.dst, u.sr_no, u.season, u.episode, u.sentiment "
                   "FROM src.utterance u JOIN temp.map_dialogue md ON md.src = u.dialogue_id "
                   "LEFT JOIN temp.map_media mm ON mm.src = u.media_id "
                   "WHERE NOT EXISTS (SELECT 1 FROM main.utterance m WHERE m.dialogue_id = "
                   "md.dst AND m.idx = u.idx) ORDER BY u.id", error);
  if (n < 0)
    return FALSE;
  report->n_utterances_added += n;
  /* a model is its file: one hash registered for two label sets is a forged or broken row, and
   * its predictions would be read against the wrong set of classes */
  {
    g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
      db, "SELECT s.id, s.name, m.id FROM src.model s JOIN main.model m "
          "ON m.file_hash = s.file_hash LEFT JOIN temp.map_set ms ON ms.src = s.label_set_id "
          "WHERE ms.dst IS NOT m.label_set_id LIMIT 1", error);
    if (stmt == NULL)
      return FALSE;
    int rc = _stva_db_step (db, stmt, error);
    if (rc < 0)
      return FALSE;
    if (rc == 1)
      {
        g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                     "%s: model %" G_GINT64_FORMAT " ('%s') has the file hash of model %"
                     G_GINT64_FORMAT " of %s but another label set; nothing merged", input,
                     (gint64) sqlite3_column_int64 (stmt, 0), sqlite3_column_text (stmt, 1),
                     (gint64) sqlite3_column_int64 (stmt, 2), db->path);
        return FALSE;
      }
  }
  static const char *const steps2[] = {
    "DELETE FROM temp.map_utterance",
    "INSERT INTO temp.map_utterance SELECT u.id, m.id FROM src.utterance u "
    "JOIN temp.map_dialogue md ON md.src = u.dialogue_id "
    "JOIN main.utterance m ON m.dialogue_id = md.dst AND m.idx = u.idx",
    "INSERT INTO main.model (name, file_hash, label_set_id, config, metrics, created_us, path) "
    "SELECT s.name, s.file_hash, ms.dst, s.config, s.metrics, s.created_us, s.path "
    "FROM src.model s "
    "JOIN temp.map_set ms ON ms.src = s.label_set_id "
    "WHERE s.file_hash NOT IN (SELECT file_hash FROM main.model) ORDER BY s.id",
    "DELETE FROM temp.map_model",
    "INSERT INTO temp.map_model SELECT s.id, m.id FROM src.model s JOIN main.model m "
    "ON m.file_hash = s.file_hash",
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps2); i++)
    if (run (db, steps2[i], error) < 0)
      return FALSE;

  if (!report_conflicts (db, input, "gold labels",
                         "SELECT 'utterance ' || mu.dst FROM src.gold_label g "
                         "JOIN temp.map_utterance mu ON mu.src = g.utterance_id "
                         "JOIN temp.map_set ms ON ms.src = g.label_set_id "
                         "JOIN temp.map_label ml ON ml.src = g.label_id "
                         "JOIN main.gold_label m ON m.utterance_id = mu.dst "
                         "AND m.label_set_id = ms.dst WHERE m.label_id != ml.dst", report, error)
      || !report_conflicts (db, input, "features",
                            "SELECT 'utterance ' || mu.dst || ' ' || f.modality FROM "
                            "src.feature f JOIN temp.map_utterance mu ON mu.src = f.utterance_id "
                            "JOIN main.feature m ON m.utterance_id = mu.dst AND m.modality = "
                            "f.modality AND m.extractor = f.extractor WHERE m.data != f.data",
                            report, error)
      || !report_conflicts (db, input, "predictions",
                            "SELECT 'utterance ' || mu.dst FROM src.prediction p "
                            "JOIN temp.map_utterance mu ON mu.src = p.utterance_id "
                            "JOIN temp.map_model mm ON mm.src = p.model_id "
                            "JOIN main.prediction m ON m.model_id = mm.dst AND m.utterance_id = "
                            "mu.dst WHERE m.probs != p.probs", report, error))
    return FALSE;
  static const char *const steps3[] = {
    "INSERT OR IGNORE INTO main.gold_label (utterance_id, label_set_id, label_id) "
    "SELECT mu.dst, ms.dst, ml.dst FROM src.gold_label g "
    "JOIN temp.map_utterance mu ON mu.src = g.utterance_id "
    "JOIN temp.map_set ms ON ms.src = g.label_set_id JOIN temp.map_label ml ON ml.src = g.label_id",
    "INSERT OR IGNORE INTO main.feature (utterance_id, modality, extractor, extractor_version, dim,"
    " data, created_us) SELECT mu.dst, f.modality, f.extractor, f.extractor_version, f.dim, "
    "f.data, f.created_us FROM src.feature f JOIN temp.map_utterance mu ON mu.src = f.utterance_id",
    "INSERT OR IGNORE INTO main.prediction (model_id, utterance_id, label_id, probs, beta, "
    "attention, created_us) SELECT mm.dst, mu.dst, ml.dst, p.probs, p.beta, p.attention, "
    "p.created_us FROM src.prediction p JOIN temp.map_model mm ON mm.src = p.model_id "
    "JOIN temp.map_utterance mu ON mu.src = p.utterance_id "
    "JOIN temp.map_label ml ON ml.src = p.label_id",
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps3); i++)
    if (run (db, steps3[i], error) < 0)
      return FALSE;
  return TRUE;
}

/* One event of an input with its ids translated into the merged project's. */
typedef struct
{
  guint  input;
  gint64 src_id;
  gint64 utterance_id, label_set_id, annotator_id, old_label_id, new_label_id, model_id;
  gint64 src_reverts_id;
  char  *kind;
  char  *note;
  gint64 created_us;
} Event;

static void
event_clear (gpointer data)
{
  Event *e = data;
  g_free (e->kind);
  g_free (e->note);
}

static gboolean
collect_events (StvaDb   *db,
                guint     input,
                GArray   *events,
                GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
    db, "SELECT c.id, mu.dst, ms.dst, ma.dst, mo.dst, mn.dst, mm.dst, c.reverts_id, c.kind, "
        "c.note, c.created_us FROM src.correction c "
        "JOIN temp.map_utterance mu ON mu.src = c.utterance_id "
        "JOIN temp.map_set ms ON ms.src = c.label_set_id "
        "JOIN temp.map_annotator ma ON ma.src = c.annotator_id "
        "LEFT JOIN temp.map_label mo ON mo.src = c.old_label_id "
        "LEFT JOIN temp.map_label mn ON mn.src = c.new_label_id "
        "LEFT JOIN temp.map_model mm ON mm.src = c.model_id ORDER BY c.id", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = _stva_db_step (db, stmt, error)) == 1)
    {
      Event e = {
        .input = input,
        .src_id = sqlite3_column_int64 (stmt, 0),
        .utterance_id = sqlite3_column_int64 (stmt, 1),
        .label_set_id = sqlite3_column_int64 (stmt, 2),
        .annotator_id = sqlite3_column_int64 (stmt, 3),
        .old_label_id = sqlite3_column_int64 (stmt, 4),
        .new_label_id = sqlite3_column_int64 (stmt, 5),
        .model_id = sqlite3_column_int64 (stmt, 6),
        .src_reverts_id = sqlite3_column_int64 (stmt, 7),
        .kind = _stva_column_dup (stmt, 8),
        .note = _stva_column_dup (stmt, 9),
        .created_us = sqlite3_column_int64 (stmt, 10),
      };
      g_array_append_val (events, e);
    }
  return rc == 0;
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const Event *x = a, *y = b;
  if (x->created_us != y->created_us)
    return x->created_us < y->created_us ? -1 : 1;
  if (x->input != y->input)
    return x->input < y->input ? -1 : 1;
  return x->src_id < y->src_id ? -1 : x->src_id > y->src_id;
}

static guint64
event_key (guint  input,
           gint64 src_id)
{
  return ((guint64) input << 48) ^ (guint64) src_id;
}

static gboolean
append_events (StvaDb             *db,
               GArray             *events,
               StvaDbMergeReport  *report,
               GError            **error)
{
  g_array_sort (events, compare_events);
  g_autoptr (sqlite3_stmt) find = _stva_db_prepare (
    db, "SELECT id FROM main.correction WHERE utterance_id = :utterance AND label_set_id = :set "
        "AND annotator_id = :annotator AND kind = :kind AND created_us = :created "
        "AND old_label_id IS :old AND new_label_id IS :new LIMIT 1", error);
  g_autoptr (sqlite3_stmt) insert = _stva_db_prepare (
    db, "INSERT INTO main.correction (utterance_id, label_set_id, annotator_id, kind, "
        "old_label_id, new_label_id, reverts_id, model_id, note, created_us) VALUES (:utterance,"
        " :set, :annotator, :kind, :old, :new, :reverts, :model, :note, :created)", error);
  if (find == NULL || insert == NULL)
    return FALSE;
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < events->len; i++)
    {
      const Event *e = &g_array_index (events, Event, i);
      sqlite3_reset (find);
      _stva_bind_int64 (find, ":utterance", e->utterance_id);
      _stva_bind_int64 (find, ":set", e->label_set_id);
      _stva_bind_int64 (find, ":annotator", e->annotator_id);
      _stva_bind_text (find, ":kind", e->kind);
      _stva_bind_int64 (find, ":created", e->created_us);
      _stva_bind_id (find, ":old", e->old_label_id);
      _stva_bind_id (find, ":new", e->new_label_id);
      int rc = _stva_db_step (db, find, error);
      if (rc < 0)
        return FALSE;
      gint64 id;
      if (rc == 1)
        {
          id = sqlite3_column_int64 (find, 0);
          report->n_events_duplicate++;
        }
      else
        {
          gint64 reverts = 0;
          if (e->src_reverts_id != 0)
            {
              guint64 key = event_key (e->input, e->src_reverts_id);
              gint64 *mapped = g_hash_table_lookup (ids, &key);
              reverts = mapped ? *mapped : 0;
            }
          sqlite3_reset (insert);
          _stva_bind_int64 (insert, ":utterance", e->utterance_id);
          _stva_bind_int64 (insert, ":set", e->label_set_id);
          _stva_bind_int64 (insert, ":annotator", e->annotator_id);
          _stva_bind_text (insert, ":kind", e->kind);
          _stva_bind_id (insert, ":old", e->old_label_id);
          _stva_bind_id (insert, ":new", e->new_label_id);
          _stva_bind_id (insert, ":reverts", reverts);
          _stva_bind_id (insert, ":model", e->model_id);
          _stva_bind_text (insert, ":note", e->note);
          _stva_bind_int64 (insert, ":created", e->created_us);
          if (!_stva_db_step_done (db, insert, error))
            return FALSE;
          id = sqlite3_last_insert_rowid (db->handle);
          report->n_events_added++;
        }
      guint64 key = event_key (e->input, e->src_id);
      g_hash_table_insert (ids, g_memdup2 (&key, sizeof key), g_memdup2 (&id, sizeof id));
    }
  return TRUE;
}

static const char *const temp_tables =
  "CREATE TEMP TABLE IF NOT EXISTS map_label (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_set (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_annotator (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_media (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_import (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_dialogue (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_utterance (src INTEGER PRIMARY KEY, dst INTEGER);"
  "CREATE TEMP TABLE IF NOT EXISTS map_model (src INTEGER PRIMARY KEY, dst INTEGER);";

static gboolean
attach (StvaDb      *db,
        const char  *path,
        GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "ATTACH DATABASE :path AS src", error);
  if (stmt == NULL)
    return FALSE;
  _stva_bind_text (stmt, ":path", path);
  return _stva_db_step_done (db, stmt, error);
}

/* The attached input is a project of this build's version whose schema is ours. */
static gboolean
check_attached (StvaDb      *db,
                const char  *path,
                GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (db, "PRAGMA src.application_id", error);
  g_autoptr (sqlite3_stmt) version = _stva_db_prepare (db, "PRAGMA src.user_version", error);
  if (stmt == NULL || version == NULL || _stva_db_step (db, stmt, error) < 0
      || _stva_db_step (db, version, error) < 0)
    return FALSE;
  if (sqlite3_column_int64 (stmt, 0) != STVA_DB_APPLICATION_ID
      || sqlite3_column_int64 (version, 0) != STVA_DB_SCHEMA_VERSION)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_PROJECT,
                   "%s: changed while merging: no longer a Sync-TVA project of schema version "
                   "%d; nothing more merged", path, STVA_DB_SCHEMA_VERSION);
      return FALSE;
    }
  return _stva_db_check_schema (db, "src", path, STVA_DB_SCHEMA_VERSION, TRUE, error);
}

gboolean
stva_db_merge (StvaDb              *db,
               const char *const   *inputs,
               guint                n_inputs,
               StvaDbMergeReport   *report_out,
               GError             **error)
{
  g_return_val_if_fail (db != NULL && (inputs != NULL || n_inputs == 0), FALSE);
  StvaDbMergeReport local_report;
  StvaDbMergeReport *report = report_out ? report_out : &local_report;
  stva_db_merge_report_init (report);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (Event));
  g_array_set_clear_func (events, event_clear);
  /* the stop function is asked before each input, not at the commits (see stva-db.h) */
  sqlite3_commit_hook (db->handle, NULL, NULL);

  /* each input must be a project of this schema version (opening migrates an older one) */
  g_autofree char *self = g_canonicalize_filename (db->path, NULL);
  for (guint i = 0; i < n_inputs; i++)
    {
      g_autofree char *other = g_canonicalize_filename (inputs[i], NULL);
      if (strcmp (self, other) == 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                       "%s: cannot merge a project into itself", inputs[i]);
          goto fail;
        }
      StvaDb *in = stva_db_open (inputs[i], STVA_DB_OPEN_EXISTING, error);
      if (in == NULL)
        goto fail;
      stva_db_close (in);
    }
  if (!_stva_db_exec (db, temp_tables, error))
    goto fail;

  for (guint i = 0; i < n_inputs; i++)
    {
      if (_stva_db_should_stop (db))
        break;   /* the inputs taken so far are whole; their corrections go in below */
      /* ATTACH is refused inside a transaction: each input is one transaction of its own */
      if (!attach (db, inputs[i], error))
        goto fail;
      /* checked again as attached: what is read is what was checked, even if the file changed
       * since it was opened above */
      if (!check_attached (db, inputs[i], error))
        goto detach;
      if (!stva_db_begin (db, error))
        goto detach;
      if (!merge_structure (db, inputs[i], report, error)
          || !collect_events (db, i, events, error)
          || !stva_db_commit (db, error))
        goto rollback_detach;
      report->n_inputs++;
      if (!_stva_db_exec (db, "DETACH src", error))
        goto fail;
    }
  if (!stva_db_begin (db, error))
    goto fail;
  if (!append_events (db, events, report, error))
    goto rollback;
  if (!stva_db_commit (db, error))
    goto fail;
  if (report_out == NULL)
    stva_db_merge_report_clear (report);
  stva_db_set_stop_func (db, db->stop_func, db->stop_data);
  return TRUE;

rollback_detach:
  stva_db_rollback (db);
detach:
  _stva_db_exec (db, "DETACH src", NULL);
  goto fail;
rollback:
  stva_db_rollback (db);
fail:
  stva_db_merge_report_clear (report);
  if (report_out != NULL)
    stva_db_merge_report_init (report_out);
  stva_db_set_stop_func (db, db->stop_func, db->stop_data);
  return FALSE;
}
