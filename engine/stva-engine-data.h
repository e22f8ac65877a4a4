/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a job's data comes from, and what every job that reads a model needs: the data of a
 * command (an npz dataset file, or a project's features with its current or gold labels of one
 * label set), the dialogues of a split, a model checked against the data, a model file's
 * SHA-256, config and description, and a model registered in the project.
 *
 * A split is core's StvaSplit index (train, dev, test, none) or STVA_DATA_ALL_SPLITS (-1) for
 * every dialogue, the same wherever a command takes --split.
 *
 * Threads: nothing here keeps state; a StvaData belongs to one thread (its StvaDb is that
 * thread's connection).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "stva-core.h"
#include "stva-db.h"
#include "stva-dataset.h"
#include "stva-metrics.h"
#include "stva-model.h"
#include "stva-modelfile.h"

G_BEGIN_DECLS

#define STVA_DATA_ALL_SPLITS (-1)

/* The data a job reads: an npz file, or a project.  Strings are borrowed. */
typedef struct
{
  const char *data;        /* nullable: an npz dataset (core/model/stva-npz.h); NULL: project */
  const char *project;     /* the project file when data is NULL (its default is the caller's) */
  const char *label_set;   /* nullable: the project's label set; NULL: "meld" */
  gboolean    gold;        /* the gold labels instead of the current ones (project) */
} StvaDataSource;

/* Copies src's strings into dst (for a job's task data); free them with
 * stva_data_source_free_copy (). */
void      stva_data_source_copy      (StvaDataSource *dst, const StvaDataSource *src);
void      stva_data_source_free_copy (StvaDataSource *copy);
/* TRUE when source names one place to read: an npz file or a project, not both, not none. */
gboolean  stva_data_source_check     (const StvaDataSource *source, GError **error);

/* A source's data, loaded and validated (core's limits, STVA_MODEL_MAX_T). */
typedef struct
{
  StvaDataset *ds;            /* owned */
  StvaDb      *db;            /* owned, nullable: this thread's connection to the project */
  gint64       label_set_id;  /* the project's label set; 0 for an npz file */
  gboolean     gold;          /* the labels are the gold ones (project) */
  char        *name;          /* owned: the file or project path that messages name */
} StvaData;

/* (transfer full) Loads source's dataset; for a project opens its own connection (the project
 * must exist).  NULL with error naming the file and the problem. */
StvaData    *stva_data_load      (const StvaDataSource *source, GError **error);
void         stva_data_free      (StvaData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaData, stva_data_free)

/* (transfer full) An npz dataset read and validated; NULL with error naming path. */
StvaDataset *stva_data_load_npz  (const char *path, GError **error);

/* (transfer full) Indices of ds's dialogues in split (STVA_DATA_ALL_SPLITS: every one), in
 * order, g_free'd; *n may be 0 (the array is then still allocated). */
int         *stva_data_dialogues (const StvaDataset *ds, int split, int *n);
/* "train", "dev", "test", "none" or "all". */
const char  *stva_data_split_name (int split);

/* The model's classes must be the dataset's, in the same order, and each modality the model
 * uses as wide as the data's; otherwise FALSE with error naming both files. */
gboolean     stva_data_check_model (const StvaModel *model, const StvaDataset *ds,
                                    const char *model_path, const char *data_name,
                                    GError **error);

/* Loads a model file into model (cleared first by the caller); FALSE with core's message. */
gboolean     stva_data_load_model  (StvaModel *model, const char *path, GError **error);

/* ---- model files ------------------------------------------------------------------------ */

/* (transfer full) The file's SHA-256 in hex; NULL with error naming path. */
char        *stva_data_file_sha256         (const char *path, GError **error);
/* (transfer full) The model file's config as a JSON object of strings; "{}" when it cannot be
 * read. */
char        *stva_data_model_config_json   (const char *path);

/* Registers the model file in data's project (again: the same id) with metrics_json (nullable:
 * "{}") and, when parent_id is not 0, the model it was retrained from, both in one transaction
 * of its own (so not inside the caller's; without a parent the caller's transaction may hold
 * the registration).  Returns the model's id, 0 with error set (also when data is not a
 * project's). */
gint64       stva_data_register_model      (StvaData *data, const char *model_path,
                                            const char *metrics_json, gint64 parent_id,
                                            GError **error);
/* The file model_id of db was registered from (*path owned: g_free it), checked to be that
 * model (its SHA-256 the one registered).  FALSE with error naming the project, the model and
 * the problem: no such model or no file recorded (STVA_DB_ERROR_NOT_FOUND), the file gone
 * (G_IO_ERROR_NOT_FOUND), the file changed (STVA_DB_ERROR_CONFLICT). */
gboolean     stva_data_model_file          (StvaDb *db, gint64 model_id, char **path,
                                            GError **error);

/* What a model file holds (synctva model info). */
typedef struct
{
  char          *path;          /* owned */
  StvaModelFile  file;          /* owned: config, labels, features, tensors */
  guint32        crc32;         /* as stored in the file's last 4 bytes */
  gint64         n_bytes;
  gint64         n_parameters;  /* elements of every tensor */
} StvaModelInfo;

/* (transfer full) Reads and checks path (format, CRC-32); NULL with error naming path. */
StvaModelInfo *stva_data_model_info      (const char *path, GError **error);
void           stva_model_info_free      (StvaModelInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaModelInfo, stva_model_info_free)
/* (transfer full) info as one JSON object: file, format_version, bytes, crc32, crc_ok, config,
 * labels, features, tensors, parameters. */
JsonNode      *stva_model_info_to_json   (const StvaModelInfo *info);

/* ---- metrics as JSON -------------------------------------------------------------------- */

/* Adds members n, accuracy, weighted_f1, macro_f1 (null when not finite), per_class {label:
 * {precision, recall, f1, support}}, labels and confusion (rows gold) to the open object of
 * builder. */
void           stva_data_metrics_to_json (JsonBuilder *builder, const StvaMetrics *metrics,
                                          char *const *labels);
/* A number member, null when not finite. */
void           stva_data_json_number     (JsonBuilder *builder, const char *name, double value);

G_END_DECLS
