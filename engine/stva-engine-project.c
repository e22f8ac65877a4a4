/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project jobs (see stva-engine-project.h): init, import, export, stats, merge, label sets
 * and the demo corpus.  Each opens its own connection from the project's path, reports its
 * stages through the StvaJob, and checks for a cancel where a cancel can still leave the
 * project as it was; the db call does the work in its own transaction.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stva-demo.h"
#include "stva-demo-plan.h"
#include "stva-engine-project.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* TRUE when a file can be written at path (its folder exists and is writable, path is not a
 * folder); otherwise error names path and why. */
static gboolean
output_ok (const char  *path,
           GError     **error)
{
  struct stat sb;
  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "an empty output file name");
      return FALSE;
    }
  if (stat (path, &sb) == 0 && S_ISDIR (sb.st_mode))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: is a folder, not a file name",
                   path);
      return FALSE;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  if (stat (dir, &sb) != 0 || (S_ISDIR (sb.st_mode) && access (dir, W_OK) != 0))
    {
      int e = errno;
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: cannot be written: folder %s: %s",
                   path, dir, g_strerror (e));
      return FALSE;
    }
  if (!S_ISDIR (sb.st_mode))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: cannot be written: %s is not a "
                   "folder", path, dir);
      return FALSE;
    }
  return TRUE;
}

static StvaDb *
open_project (StvaJob     *job,
              const char  *path,
              GError     **error)
{
  if (stva_job_check_cancelled (job, error))
    return NULL;
  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "no project given");
      return NULL;
    }
  return stva_db_open (path, STVA_DB_OPEN_EXISTING, error);
}

static StvaDbLabelSet *
label_set_or_meld (StvaDb      *db,
                   const char  *name,
                   GError     **error)
{
  return stva_db_label_set (db, name != NULL ? name : STVA_DB_MELD_SET, error);
}

/* Removes path and its SQLite side files. */
static void
remove_project_files (const char *path)
{
  static const char *const sidecars[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < G_N_ELEMENTS (sidecars); i++)
    {
      g_autofree char *p = g_strconcat (path, sidecars[i], NULL);
      remove (p);
    }
}

/* Options copied for a worker thread: the strings they point to live in owned. */
static const char *
keep (GPtrArray  *owned,
      const char *s)
{
  if (s == NULL)
    return NULL;
  char *copy = g_strdup (s);
  g_ptr_array_add (owned, copy);
  return copy;
}

static const char *const *
keep_strv (GPtrArray          *owned,
           const char *const  *v,
           guint               n)
{
  if (v == NULL)
    return NULL;
  const char **copy = g_new0 (const char *, n + 1);
  g_ptr_array_add (owned, copy);
  for (guint i = 0; i < n; i++)
    copy[i] = keep (owned, v[i]);
  return copy;
}

static gpointer
finish (GAsyncResult  *res,
        GError       **error)
{
  return stva_job_run_finish (res, NULL, NULL, error);
}

/* ---- init --------------------------------------------------------------------------------- */

void
stva_init_result_free (StvaInitResult *result)
{
  if (result == NULL)
    return;
  g_free (result->project);
  g_free (result);
}

/**
 * stva_engine_init:
 * @result: (out) (transfer full) (nullable): the project made
 *
 * Creates a new project at options->project; an existing file is refused.
 */
gboolean
stva_engine_init (StvaJob                *job,
                  const StvaInitOptions  *options,
                  StvaInitResult        **result,
                  GError                **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  const char *path = options->project;
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                   "%s: already exists; init makes a new project", path);
      return FALSE;
    }
  if (!output_ok (path, error))   /* in words, rather than SQLite's "unable to open" */
    return FALSE;
  stva_job_stage (job, "creating", "projects", 1);
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, error);
  if (db == NULL)
    return FALSE;
  stva_job_progress (job, 1);
  if (result != NULL)
    {
      *result = g_new0 (StvaInitResult, 1);
      (*result)->project = g_strdup (path);
      (*result)->schema_version = stva_db_schema_version (db);
    }
  return TRUE;
}

typedef struct
{
  StvaInitOptions  o;
  GPtrArray       *owned;
} InitData;

static void
init_data_free (InitData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
init_thunk (StvaJob   *job,
            gpointer   data,
            gpointer  *result,
            GError   **error)
{
  return stva_engine_init (job, &((InitData *) data)->o, (StvaInitResult **) result, error);
}

void
stva_engine_init_async (const StvaInitOptions *options,
                        StvaJobProgressFunc    progress,
                        gpointer               progress_data,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  InitData *d = g_new0 (InitData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o.project = keep (d->owned, options->project);
  stva_job_run_async (init_thunk, d, (GDestroyNotify) init_data_free,
                      (GDestroyNotify) stva_init_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_init_finish (GAsyncResult    *res,
                         StvaInitResult **result,
                         GError         **error)
{
  g_autoptr (StvaInitResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- import ------------------------------------------------------------------------------- */

static const struct
{
  const char     *name;
  StvaImportKind  kind;
} import_names[] = {
  { "meld", STVA_IMPORT_MELD },
  { "iemocap", STVA_IMPORT_IEMOCAP },
  { "srt", STVA_IMPORT_SRT },
  { "vtt", STVA_IMPORT_VTT },
  { "webvtt", STVA_IMPORT_VTT },
  { "eaf", STVA_IMPORT_EAF },
  { "elan", STVA_IMPORT_EAF },
  { "textgrid", STVA_IMPORT_TEXTGRID },
  { "csv", STVA_IMPORT_CSV },
  { "npz", STVA_IMPORT_NPZ },
};

gboolean
stva_import_kind_from_name (const char     *name,
                            StvaImportKind *kind)
{
  for (size_t i = 0; name != NULL && i < G_N_ELEMENTS (import_names); i++)
    if (g_ascii_strcasecmp (name, import_names[i].name) == 0)
      {
        *kind = import_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

const char *
stva_import_kind_name (StvaImportKind kind)
{
  for (size_t i = 0; i < G_N_ELEMENTS (import_names); i++)
    if (import_names[i].kind == kind)
      return import_names[i].name;
  return "?";
}

void
stva_import_result_free (StvaImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->project);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}

/* (transfer full) The video beside the subtitles with the same name, or NULL. */
static char *
video_beside (const char *subtitles)
{
  g_autofree char *base = g_strdup (subtitles);
  char *dot = strrchr (base, '.');
  if (dot != NULL && strchr (dot, '/') == NULL)
    *dot = '\0';
  static const char *const exts[] = { ".mp4", ".mkv", ".webm", ".avi", ".mov" };
  for (size_t i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *candidate = g_strconcat (base, exts[i], NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/* A comma-separated list of tier ids as a NULL-terminated vector (NULL stays NULL). */
static GStrv
tier_list (const char *list)
{
  if (list == NULL)
    return NULL;
  GStrv ids = g_strsplit (list, ",", -1);
  guint n = 0;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_strstrip (ids[i]);
      if (*ids[i] == '\0')
        g_free (ids[i]);
      else
        ids[n++] = ids[i];
    }
  ids[n] = NULL;
  return ids;
}

/* An EAF of another lab's layout, as the options choose its tiers and label set. */
static gboolean
import_eaf_choice (StvaDb                   *db,
                   const StvaImportOptions  *o,
                   StvaDbImportReport       *report,
                   GError                  **error)
{
  if (o->tier != NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "%s: the gold tier of our own "
                   "layout goes with no speaker tiers, label tiers or label set", o->path);
      return FALSE;
    }
  g_auto (GStrv) speakers = tier_list (o->speaker_tiers);
  g_auto (GStrv) labels = tier_list (o->label_tiers);
  StvaDbEafChoice choice = {
    .speaker_tiers = (const char *const *) speakers, .label_tiers = (const char *const *) labels,
    .label_set = o->label_set, .new_label_set = o->new_label_set,
  };
  return stva_db_import_eaf_choice (db, o->path, &choice, o->split, report, error);
}

/* The one db importer of the kind, in its own transaction. */
static gboolean
run_importer (StvaDb                   *db,
              const StvaImportOptions  *o,
              StvaDbImportReport       *report,
              GError                  **error)
{
  switch (o->kind)
    {
    case STVA_IMPORT_MELD:
      return stva_db_import_meld_shard (db, o->path, o->shard, MAX (o->n_shards, 1), report,
                                        error);
    case STVA_IMPORT_IEMOCAP:
      return stva_db_import_iemocap (db, o->path, o->label_set, report, error);
    case STVA_IMPORT_SRT:
    case STVA_IMPORT_VTT:
      {
        g_autofree char *video = o->video != NULL ? g_strdup (o->video) : video_beside (o->path);
        return stva_db_import_subtitles (db, o->path, video, o->split, report, error);
      }
    case STVA_IMPORT_EAF:
      if (o->speaker_tiers != NULL || o->label_tiers != NULL || o->new_label_set != NULL
          || o->label_set != NULL)
        return import_eaf_choice (db, o, report, error);
      return stva_db_import_eaf (db, o->path, o->tier, o->split, report, error);
    case STVA_IMPORT_TEXTGRID:
      return stva_db_import_textgrid (db, o->path, o->tier, o->label_set, o->split, report,
                                      error);
    case STVA_IMPORT_CSV:
      return stva_db_import_csv (db, o->path, o->columns, o->label_set, o->split, report,
                                 error);
    case STVA_IMPORT_NPZ:
      return stva_db_import_npz_features (db, o->path, o->extractor, report, error);
    case STVA_N_IMPORT_KINDS:
    default:
      break;
    }
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "unknown import kind %d", o->kind);
  return FALSE;
}

/* Asked by the db before the import's COMMIT: the import is read and written, only the commit
 * is left; a cancel now makes it a rollback. */
typedef struct
{
  StvaJob  *job;
  gboolean  asked;
} ImportStop;

static gboolean
import_stop (gpointer data)
{
  ImportStop *s = data;
  if (!s->asked)
    {
      stva_job_progress (s->job, 1);
      stva_job_stage (s->job, "committing", "transactions", 1);
      s->asked = TRUE;
    }
  return stva_job_is_cancelled (s->job);
}

/**
 * stva_engine_import:
 * @result: (out) (transfer full) (nullable): what was imported, with the importer's warnings
 *
 * Imports options->path into the project in one transaction.
 */
gboolean
stva_engine_import (StvaJob                  *job,
                    const StvaImportOptions  *options,
                    StvaImportResult        **result,
                    GError                  **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  if (options->kind == STVA_IMPORT_CSV && (options->columns == NULL || *options->columns == '\0'))
    {
      g_set_error_literal (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                           "import csv needs a column mapping (field=column,...)");
      return FALSE;
    }
  if (options->path == NULL)
    {
      g_set_error_literal (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "nothing to import");
      return FALSE;
    }
  gint64 t0 = g_get_monotonic_time ();
  stva_job_stage (job, "opening", "projects", 1);
  g_autoptr (StvaDb) db = open_project (job, options->project, error);
  if (db == NULL)
    return FALSE;
  stva_job_progress (job, 1);

  stva_job_stage (job, "importing", "files", 1);
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  ImportStop stop = { .job = job };
  if (job != NULL)
    stva_db_set_stop_func (db, import_stop, &stop);
  StvaDbImportReport report;
  stva_db_import_report_init (&report);
  GError *e = NULL;
  gboolean ok = run_importer (db, options, &report, &e);
  stva_db_set_stop_func (db, NULL, NULL);
  if (!ok)
    {
      stva_db_import_report_clear (&report);
      /* the one transaction was rolled back, whether the cancel stopped it or it failed */
      if (stva_job_is_cancelled (job))
        {
          g_error_free (e);
          stva_job_set_cancelled (job, 0, 0, NULL, error);
        }
      else
        g_propagate_error (error, e);
      return FALSE;
    }
  stva_job_progress (job, 1);
  stva_job_set_kept (job, STVA_JOB_KEPT_ALL, report.n_dialogues);
  if (result != NULL)
    {
      StvaImportResult *r = g_new0 (StvaImportResult, 1);
      r->project = g_strdup (stva_db_path (db));
      r->kind = options->kind;
      r->n_dialogues = report.n_dialogues;
      r->n_utterances = report.n_utterances;
      r->n_clips = report.n_clips;
      r->n_dialogue_videos = report.n_dialogue_videos;
      r->warnings = g_steal_pointer (&report.warnings);
      r->seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
      *result = r;
    }
  stva_db_import_report_clear (&report);
  return TRUE;
}

GPtrArray *
stva_engine_eaf_tiers (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return stva_db_eaf_tiers (path, error);
}

typedef struct
{
  StvaImportOptions  o;
  GPtrArray         *owned;
} ImportData;

static void
import_data_free (ImportData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
import_thunk (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  return stva_engine_import (job, &((ImportData *) data)->o, (StvaImportResult **) result,
                             error);
}

void
stva_engine_import_async (const StvaImportOptions *options,
                          StvaJobProgressFunc      progress,
                          gpointer                 progress_data,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  ImportData *d = g_new0 (ImportData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o = *options;
  d->o.project = keep (d->owned, options->project);
  d->o.path = keep (d->owned, options->path);
  d->o.video = keep (d->owned, options->video);
  d->o.split = keep (d->owned, options->split);
  d->o.tier = keep (d->owned, options->tier);
  d->o.speaker_tiers = keep (d->owned, options->speaker_tiers);
  d->o.label_tiers = keep (d->owned, options->label_tiers);
  d->o.new_label_set = keep (d->owned, options->new_label_set);
  d->o.label_set = keep (d->owned, options->label_set);
  d->o.extractor = keep (d->owned, options->extractor);
  d->o.columns = keep (d->owned, options->columns);
  stva_job_run_async (import_thunk, d, (GDestroyNotify) import_data_free,
                      (GDestroyNotify) stva_import_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_import_finish (GAsyncResult      *res,
                           StvaImportResult **result,
                           GError           **error)
{
  g_autoptr (StvaImportResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- export ------------------------------------------------------------------------------- */

static const char *const export_names[STVA_N_EXPORT_KINDS] = {
  [STVA_EXPORT_CSV] = "csv",
  [STVA_EXPORT_JSONL] = "jsonl",
  [STVA_EXPORT_MELD] = "meld",
  [STVA_EXPORT_NPZ] = "npz",
  [STVA_EXPORT_SRT] = "srt",
  [STVA_EXPORT_VTT] = "vtt",
  [STVA_EXPORT_EAF] = "eaf",
  [STVA_EXPORT_TEXTGRID] = "textgrid",
};

gboolean
stva_export_kind_from_name (const char     *name,
                            StvaExportKind *kind)
{
  for (int k = 0; name != NULL && k < STVA_N_EXPORT_KINDS; k++)
    if (g_ascii_strcasecmp (name, export_names[k]) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

const char *
stva_export_kind_name (StvaExportKind kind)
{
  return kind >= 0 && kind < STVA_N_EXPORT_KINDS ? export_names[kind] : "?";
}

gboolean
stva_export_kind_is_dialogue (StvaExportKind kind)
{
  return kind == STVA_EXPORT_SRT || kind == STVA_EXPORT_VTT || kind == STVA_EXPORT_EAF
         || kind == STVA_EXPORT_TEXTGRID;
}

void
stva_export_result_free (StvaExportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->out);
  g_free (result);
}

/**
 * stva_engine_export:
 * @result: (out) (transfer full) (nullable): what was written
 *
 * Writes the project (or one dialogue) as options->kind to options->out; reads only.
 */
gboolean
stva_engine_export (StvaJob                  *job,
                    const StvaExportOptions  *options,
                    StvaExportResult        **result,
                    GError                  **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  StvaExportKind kind = options->kind;
  const char *out = options->out;
  if (kind < 0 || kind >= STVA_N_EXPORT_KINDS)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "unknown export kind %d", kind);
      return FALSE;
    }
  if (stva_export_kind_is_dialogue (kind) && options->dialogue_id <= 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "export %s needs a dialogue",
                   export_names[kind]);
      return FALSE;
    }
  /* every kind but meld (a folder) writes a file */
  if (kind != STVA_EXPORT_MELD && !output_ok (out, error))
    return FALSE;
  stva_job_stage (job, "opening", "projects", 1);
  g_autoptr (StvaDb) db = open_project (job, options->project, error);
  if (db == NULL)
    return FALSE;
  stva_job_progress (job, 1);
  g_autoptr (StvaDbLabelSet) set = NULL;
  if (kind != STVA_EXPORT_MELD && kind != STVA_EXPORT_SRT && kind != STVA_EXPORT_VTT)
    {
      set = label_set_or_meld (db, options->label_set, error);
      if (set == NULL)
        return FALSE;
    }
  stva_job_stage (job, "exporting", "files", 1);
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  gboolean ok = FALSE;
  switch (kind)
    {
    case STVA_EXPORT_CSV:
      ok = stva_db_export_csv (db, set->id, options->model_id, out, error);
      break;
    case STVA_EXPORT_JSONL:
      ok = stva_db_export_jsonl (db, set->id, options->model_id, out, error);
      break;
    case STVA_EXPORT_MELD:
      ok = stva_db_export_meld (db, out, error);
      break;
    case STVA_EXPORT_NPZ:
      ok = stva_db_export_npz (db, set->id, !options->gold, out, error);
      break;
    case STVA_EXPORT_SRT:
    case STVA_EXPORT_VTT:
      ok = stva_db_export_subtitles (db, options->dialogue_id, kind == STVA_EXPORT_VTT, out,
                                     error);
      break;
    case STVA_EXPORT_EAF:
      ok = stva_db_export_eaf (db, options->dialogue_id, set->id, options->model_id, out, error);
      break;
    case STVA_EXPORT_TEXTGRID:
      ok = stva_db_export_textgrid (db, options->dialogue_id, set->id, options->model_id, out,
                                    error);
      break;
    case STVA_N_EXPORT_KINDS:
    default:
      break;
    }
  if (!ok)
    return FALSE;
  stva_job_progress (job, 1);
  if (result != NULL)
    {
      *result = g_new0 (StvaExportResult, 1);
      (*result)->out = g_strdup (out);
      (*result)->kind = kind;
    }
  return TRUE;
}

typedef struct
{
  StvaExportOptions  o;
  GPtrArray         *owned;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
export_thunk (StvaJob   *job,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  return stva_engine_export (job, &((ExportData *) data)->o, (StvaExportResult **) result,
                             error);
}

void
stva_engine_export_async (const StvaExportOptions *options,
                          StvaJobProgressFunc      progress,
                          gpointer                 progress_data,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  ExportData *d = g_new0 (ExportData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o = *options;
  d->o.project = keep (d->owned, options->project);
  d->o.out = keep (d->owned, options->out);
  d->o.label_set = keep (d->owned, options->label_set);
  stva_job_run_async (export_thunk, d, (GDestroyNotify) export_data_free,
                      (GDestroyNotify) stva_export_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_export_finish (GAsyncResult      *res,
                           StvaExportResult **result,
                           GError           **error)
{
  g_autoptr (StvaExportResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- stats -------------------------------------------------------------------------------- */

void
stva_stats_result_free (StvaStatsResult *result)
{
  if (result == NULL)
    return;
  g_free (result->project);
  g_free (result->label_set);
  g_clear_pointer (&result->classes, g_ptr_array_unref);
  g_clear_pointer (&result->annotators, g_ptr_array_unref);
  stva_db_agreement_clear (&result->agreement);
  g_free (result);
}

/**
 * stva_engine_stats:
 * @result: (out) (transfer full): counts, per-class numbers and agreement
 *
 * Reads the project's counts by split, the label set's per-class numbers, each annotator's
 * and the agreement among raters; reads only.
 */
gboolean
stva_engine_stats (StvaJob                 *job,
                   const StvaStatsOptions  *options,
                   StvaStatsResult        **result,
                   GError                 **error)
{
  g_return_val_if_fail (options != NULL && result != NULL, FALSE);
  stva_job_stage (job, "reading", "tables", 5);
  g_autoptr (StvaDb) db = open_project (job, options->project, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = label_set_or_meld (db, options->label_set, error);
  if (set == NULL)
    return FALSE;
  g_autoptr (StvaStatsResult) r = g_new0 (StvaStatsResult, 1);
  r->project = g_strdup (stva_db_path (db));
  r->label_set = g_strdup (set->name);
  if (!stva_db_counts (db, &r->counts, error))
    return FALSE;
  stva_job_progress (job, 1);
  r->classes = stva_db_class_stats (db, set->id, options->model_id, error);
  if (r->classes == NULL)
    return FALSE;
  stva_job_progress (job, 2);
  r->annotators = stva_db_annotator_stats (db, set->id, options->model_id, error);
  if (r->annotators == NULL)
    return FALSE;
  stva_job_progress (job, 3);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, error);
  if (dialogues == NULL)
    return FALSE;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      r->n_utterances += d->n_utterances;
      r->n_reviewed += d->n_reviewed;
      r->n_changed += d->n_changed;
    }
  stva_job_progress (job, 4);
  gint64 rater_model = 0;
  if (options->model_rater)
    {
      GError *e = NULL;
      rater_model = options->model_id ? options->model_id
                                      : stva_db_latest_model (db, set->id, &e);
      if (e != NULL)
        {
          g_propagate_error (error, e);
          return FALSE;
        }
    }
  if (!stva_db_agreement (db, set->id, !options->no_gold, rater_model, &r->agreement, error))
    return FALSE;
  stva_job_progress (job, 5);
  *result = g_steal_pointer (&r);
  return TRUE;
}

typedef struct
{
  StvaStatsOptions  o;
  GPtrArray        *owned;
} StatsData;

static void
stats_data_free (StatsData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
stats_thunk (StvaJob   *job,
             gpointer   data,
             gpointer  *result,
             GError   **error)
{
  return stva_engine_stats (job, &((StatsData *) data)->o, (StvaStatsResult **) result, error);
}

void
stva_engine_stats_async (const StvaStatsOptions *options,
                         StvaJobProgressFunc     progress,
                         gpointer                progress_data,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  StatsData *d = g_new0 (StatsData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o = *options;
  d->o.project = keep (d->owned, options->project);
  d->o.label_set = keep (d->owned, options->label_set);
  stva_job_run_async (stats_thunk, d, (GDestroyNotify) stats_data_free,
                      (GDestroyNotify) stva_stats_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_stats_finish (GAsyncResult     *res,
                          StvaStatsResult **result,
                          GError          **error)
{
  g_autoptr (StvaStatsResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- merge -------------------------------------------------------------------------------- */

void
stva_merge_result_free (StvaMergeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->out);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_free (result);
}

/* Asked by the db before each input it merges: the inputs before it are in, whole. */
typedef struct
{
  StvaJob                *job;
  const StvaMergeOptions *options;
  guint                   asked;
} MergeStop;

static gboolean
merge_stop (gpointer data)
{
  MergeStop *s = data;
  stva_job_progress (s->job, s->asked);
  if (stva_job_is_cancelled (s->job))
    return TRUE;
  if (s->asked < s->options->n_inputs)
    stva_job_detail (s->job, "merging %s", s->options->inputs[s->asked]);
  s->asked++;
  return FALSE;
}

/**
 * stva_engine_merge:
 * @result: (out) (transfer full) (nullable): what was merged, with the conflicts
 *
 * Merges options->inputs into the new project options->out (see stva_db_merge ()).
 */
gboolean
stva_engine_merge (StvaJob                 *job,
                   const StvaMergeOptions  *options,
                   StvaMergeResult        **result,
                   GError                 **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  const char *out = options->out;
  if (options->n_inputs == 0)
    {
      g_set_error_literal (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID,
                           "merge needs at least one input");
      return FALSE;
    }
  if (out != NULL && g_file_test (out, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_CONFLICT,
                   "%s: already exists; merge writes a new project", out);
      return FALSE;
    }
  if (!output_ok (out, error))
    return FALSE;
  /* each input a project this build reads, before anything is written */
  stva_job_stage (job, "checking", "inputs", options->n_inputs);
  for (guint i = 0; i < options->n_inputs; i++)
    {
      if (stva_job_check_cancelled (job, error))
        return FALSE;
      StvaDb *in = stva_db_open (options->inputs[i], STVA_DB_OPEN_EXISTING, error);
      if (in == NULL)
        return FALSE;
      stva_db_close (in);
      stva_job_progress (job, i + 1);
    }
  stva_job_stage (job, "merging", "inputs", options->n_inputs);
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  /* built under a temporary name and renamed when whole, so a failed merge leaves nothing */
  g_autofree char *tmp = g_strconcat (out, ".tmp", NULL);
  remove_project_files (tmp);
  StvaDb *db = stva_db_open (tmp, STVA_DB_OPEN_CREATE, error);
  MergeStop stop = { .job = job, .options = options };
  if (db != NULL && job != NULL)
    stva_db_set_stop_func (db, merge_stop, &stop);
  StvaDbMergeReport report;
  stva_db_merge_report_init (&report);
  gboolean ok = db != NULL
                && stva_db_merge (db, options->inputs, options->n_inputs, &report, error);
  stva_db_close (db);
  gboolean stopped = ok && report.n_inputs < options->n_inputs;
  if (stopped && report.n_inputs == 0)
    {
      remove_project_files (tmp);
      stva_db_merge_report_clear (&report);
      stva_job_set_cancelled (job, 0, options->n_inputs, "inputs", error);
      return FALSE;
    }
  if (ok && rename (tmp, out) != 0)
    {
      int e = errno;
      ok = FALSE;
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", out, g_strerror (e));
    }
  if (!ok)
    {
      remove_project_files (tmp);
      stva_db_merge_report_clear (&report);
      return FALSE;
    }
  remove_project_files (tmp);   /* the side files of the closed temporary name, if any */
  if (stopped)
    {
      /* OUT holds the inputs taken whole */
      stva_job_set_cancelled (job, report.n_inputs, options->n_inputs, "inputs", error);
      stva_db_merge_report_clear (&report);
      return FALSE;
    }
  stva_job_progress (job, options->n_inputs);
  if (result != NULL)
    {
      StvaMergeResult *r = g_new0 (StvaMergeResult, 1);
      r->out = g_strdup (out);
      r->n_inputs = report.n_inputs;
      r->n_utterances_added = report.n_utterances_added;
      r->n_events_added = report.n_events_added;
      r->n_events_duplicate = report.n_events_duplicate;
      r->conflicts = g_steal_pointer (&report.conflicts);
      *result = r;
    }
  stva_db_merge_report_clear (&report);
  return TRUE;
}

typedef struct
{
  StvaMergeOptions  o;
  GPtrArray        *owned;
} MergeData;

static void
merge_data_free (MergeData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
merge_thunk (StvaJob   *job,
             gpointer   data,
             gpointer  *result,
             GError   **error)
{
  return stva_engine_merge (job, &((MergeData *) data)->o, (StvaMergeResult **) result, error);
}

void
stva_engine_merge_async (const StvaMergeOptions *options,
                         StvaJobProgressFunc     progress,
                         gpointer                progress_data,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  MergeData *d = g_new0 (MergeData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o = *options;
  d->o.out = keep (d->owned, options->out);
  d->o.inputs = keep_strv (d->owned, options->inputs, options->n_inputs);
  stva_job_run_async (merge_thunk, d, (GDestroyNotify) merge_data_free,
                      (GDestroyNotify) stva_merge_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_merge_finish (GAsyncResult     *res,
                          StvaMergeResult **result,
                          GError          **error)
{
  g_autoptr (StvaMergeResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- label sets --------------------------------------------------------------------------- */

static void
label_set_info_free (StvaLabelSetInfo *info)
{
  stva_db_label_set_free (info->set);
  g_free (info);
}

void
stva_label_sets_result_free (StvaLabelSetsResult *result)
{
  if (result == NULL)
    return;
  g_free (result->project);
  g_clear_pointer (&result->sets, g_ptr_array_unref);
  g_free (result);
}

/* (transfer full) The set's entry for a listing: how many gold labels it holds. */
static StvaLabelSetInfo *
label_set_info (StvaDb          *db,
                StvaDbLabelSet  *set,
                GError         **error)
{
  g_autoptr (GPtrArray) classes = stva_db_class_stats (db, set->id, 0, error);
  if (classes == NULL)
    return NULL;
  StvaLabelSetInfo *info = g_new0 (StvaLabelSetInfo, 1);
  for (guint k = 0; k < classes->len; k++)
    info->n_gold += ((StvaDbClassStats *) g_ptr_array_index (classes, k))->gold;
  info->set = set;
  return info;
}

static StvaLabelSetsResult *
label_sets_result_new (StvaDb *db)
{
  StvaLabelSetsResult *r = g_new0 (StvaLabelSetsResult, 1);
  r->project = g_strdup (stva_db_path (db));
  r->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) label_set_info_free);
  return r;
}

/**
 * stva_engine_label_set_create:
 * @result: (out) (transfer full) (nullable): the new set alone
 */
gboolean
stva_engine_label_set_create (StvaJob                    *job,
                              const StvaLabelSetOptions  *options,
                              StvaLabelSetsResult       **result,
                              GError                    **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  g_autoptr (StvaDb) db = open_project (job, options->project, error);
  if (db == NULL)
    return FALSE;
  /* the db checks names, keys and colours, and fills in the defaults */
  gint64 id = stva_db_add_label_set (db, options->name != NULL ? options->name : "",
                                     options->description, options->labels, options->colours,
                                     options->keys, options->n_labels, error);
  if (id == 0)
    return FALSE;
  if (result == NULL)
    return TRUE;
  StvaDbLabelSet *set = stva_db_label_set_by_id (db, id, error);
  if (set == NULL)
    return FALSE;
  g_autoptr (StvaLabelSetsResult) r = label_sets_result_new (db);
  StvaLabelSetInfo *info = label_set_info (db, set, error);
  if (info == NULL)
    {
      stva_db_label_set_free (set);
      return FALSE;
    }
  g_ptr_array_add (r->sets, info);
  *result = g_steal_pointer (&r);
  return TRUE;
}

/**
 * stva_engine_label_sets:
 * @result: (out) (transfer full): every set of the project, by id
 */
gboolean
stva_engine_label_sets (StvaJob                    *job,
                        const StvaLabelSetOptions  *options,
                        StvaLabelSetsResult       **result,
                        GError                    **error)
{
  g_return_val_if_fail (options != NULL && result != NULL, FALSE);
  g_autoptr (StvaDb) db = open_project (job, options->project, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (GPtrArray) sets = stva_db_label_sets (db, error);
  if (sets == NULL)
    return FALSE;
  stva_job_stage (job, "reading", "label sets", sets->len);
  g_autoptr (StvaLabelSetsResult) r = label_sets_result_new (db);
  for (guint i = 0; i < sets->len; i++)
    {
      StvaLabelSetInfo *info = label_set_info (db, g_ptr_array_index (sets, i), error);
      if (info == NULL)
        return FALSE;
      sets->pdata[i] = NULL;   /* now info's */
      g_ptr_array_add (r->sets, info);
      stva_job_progress (job, i + 1);
    }
  *result = g_steal_pointer (&r);
  return TRUE;
}

typedef struct
{
  StvaLabelSetOptions  o;
  GPtrArray           *owned;
  gboolean             create;
} LabelSetData;

static void
label_set_data_free (LabelSetData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
label_set_thunk (StvaJob   *job,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  LabelSetData *d = data;
  return (d->create ? stva_engine_label_set_create : stva_engine_label_sets) (
    job, &d->o, (StvaLabelSetsResult **) result, error);
}

static void
label_set_async (const StvaLabelSetOptions *options,
                 gboolean                   create,
                 StvaJobProgressFunc        progress,
                 gpointer                   progress_data,
                 GCancellable              *cancellable,
                 GAsyncReadyCallback        callback,
                 gpointer                   user_data)
{
  LabelSetData *d = g_new0 (LabelSetData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->create = create;
  d->o = *options;
  d->o.project = keep (d->owned, options->project);
  d->o.name = keep (d->owned, options->name);
  d->o.description = keep (d->owned, options->description);
  d->o.labels = keep_strv (d->owned, options->labels, options->n_labels);
  d->o.keys = keep_strv (d->owned, options->keys, options->n_labels);
  d->o.colours = keep_strv (d->owned, options->colours, options->n_labels);
  stva_job_run_async (label_set_thunk, d, (GDestroyNotify) label_set_data_free,
                      (GDestroyNotify) stva_label_sets_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

void
stva_engine_label_set_create_async (const StvaLabelSetOptions *options,
                                    StvaJobProgressFunc        progress,
                                    gpointer                   progress_data,
                                    GCancellable              *cancellable,
                                    GAsyncReadyCallback        callback,
                                    gpointer                   user_data)
{
  label_set_async (options, TRUE, progress, progress_data, cancellable, callback, user_data);
}

void
stva_engine_label_sets_async (const StvaLabelSetOptions *options,
                              StvaJobProgressFunc        progress,
                              gpointer                   progress_data,
                              GCancellable              *cancellable,
                              GAsyncReadyCallback        callback,
                              gpointer                   user_data)
{
  label_set_async (options, FALSE, progress, progress_data, cancellable, callback, user_data);
}

gboolean
stva_engine_label_sets_finish (GAsyncResult         *res,
                               StvaLabelSetsResult **result,
                               GError              **error)
{
  g_autoptr (StvaLabelSetsResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}

/* ---- the demo corpus ---------------------------------------------------------------------- */

void
stva_make_demo_result_free (StvaMakeDemoResult *result)
{
  if (result == NULL)
    return;
  g_free (result->dir);
  g_free (result);
}

const char *
stva_make_demo_emotion (int i)
{
  return i >= 0 && i < STVA_DEMO_N_EMOTIONS ? STVA_DEMO_EMOTIONS[i] : "?";
}

const char *
stva_make_demo_split (int i)
{
  return i >= 0 && i < STVA_DEMO_N_SPLITS ? STVA_DEMO_SPLIT_NAMES[i] : "?";
}

/* the generator's progress, between dialogues, as the job's; FALSE stops it */
static bool
demo_progress (int   done,
               int   total,
               void *user_data)
{
  StvaJob *job = user_data;
  stva_job_progress (job, done);
  return !stva_job_is_cancelled (job);
}

typedef struct
{
  StvaJob *job;
  gboolean staged;
} DemoRun;

static bool
demo_progress_first (int   done,
                     int   total,
                     void *user_data)
{
  DemoRun *run = user_data;
  if (!run->staged)
    {
      stva_job_stage (run->job, "generating", "dialogues", total);
      run->staged = TRUE;
    }
  return demo_progress (done, total, run->job);
}

/**
 * stva_engine_make_demo:
 * @result: (out) (transfer full) (nullable): the corpus's counts
 *
 * Generates the synthetic MELD-style demo corpus (tools/demo/stva-demo.h) into options->dir.
 */
gboolean
stva_engine_make_demo (StvaJob                    *job,
                       const StvaMakeDemoOptions  *options,
                       StvaMakeDemoResult        **result,
                       GError                    **error)
{
  g_return_val_if_fail (options != NULL && options->dir != NULL, FALSE);
  if (stva_job_check_cancelled (job, error))
    return FALSE;
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.size = options->size == STVA_DEMO_SIZE_DEFAULT ? STVA_DEMO_SIZE_DEFAULT
                                                      : STVA_DEMO_SIZE_SMALL;
  opts.seed = options->seed;
  opts.n_dialogues = options->n_dialogues;
  opts.jobs = options->jobs;
  opts.label_noise = options->label_noise;
  DemoRun run = { .job = job };
  if (job != NULL)
    {
      opts.progress = demo_progress_first;
      opts.progress_data = &run;
    }
  StvaDemoSummary summary;
  StvaError e = { 0 };
  StvaStatus status = stva_demo_generate (options->dir, &opts, &summary, &e);
  if (status == STVA_ERR_CANCELLED)
    {
      stva_job_set_kept (job, STVA_JOB_KEPT_NOTHING, 0);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "cancelled: %s holds an unfinished corpus (no .manifest.tsv); make-demo "
                   "replaces it when run again", options->dir);
      return FALSE;
    }
  if (status != STVA_OK)
    {
      g_propagate_error (error, stva_error_to_gerror (&e));
      return FALSE;
    }
  if (result != NULL)
    {
      StvaMakeDemoResult *r = g_new0 (StvaMakeDemoResult, 1);
      r->dir = g_strdup (options->dir);
      r->seed = options->seed;
      memcpy (r->n_dialogues, summary.n_dialogues, sizeof r->n_dialogues);
      memcpy (r->n_utterances, summary.n_utterances, sizeof r->n_utterances);
      memcpy (r->emotion_counts, summary.emotion_counts, sizeof r->emotion_counts);
      r->n_label_noise = summary.n_label_noise;
      r->media_seconds = summary.media_seconds;
      r->elapsed_s = summary.elapsed_s;
      *result = r;
    }
  return TRUE;
}

typedef struct
{
  StvaMakeDemoOptions  o;
  GPtrArray           *owned;
} MakeDemoData;

static void
make_demo_data_free (MakeDemoData *d)
{
  g_ptr_array_unref (d->owned);
  g_free (d);
}

static gboolean
make_demo_thunk (StvaJob   *job,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  return stva_engine_make_demo (job, &((MakeDemoData *) data)->o,
                                (StvaMakeDemoResult **) result, error);
}

void
stva_engine_make_demo_async (const StvaMakeDemoOptions *options,
                             StvaJobProgressFunc        progress,
                             gpointer                   progress_data,
                             GCancellable              *cancellable,
                             GAsyncReadyCallback        callback,
                             gpointer                   user_data)
{
  MakeDemoData *d = g_new0 (MakeDemoData, 1);
  d->owned = g_ptr_array_new_with_free_func (g_free);
  d->o = *options;
  d->o.dir = keep (d->owned, options->dir);
  stva_job_run_async (make_demo_thunk, d, (GDestroyNotify) make_demo_data_free,
                      (GDestroyNotify) stva_make_demo_result_free, progress, progress_data,
                      cancellable, callback, user_data);
}

gboolean
stva_engine_make_demo_finish (GAsyncResult        *res,
                              StvaMakeDemoResult **result,
                              GError             **error)
{
  g_autoptr (StvaMakeDemoResult) r = finish (res, error);
  if (r == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_steal_pointer (&r);
  return TRUE;
}
