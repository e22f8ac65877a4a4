/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's long work (the work loop of studio.md): extract, predict, retrain, import,
 * export and new projects, each an engine job on a worker thread shown in the window's progress
 * row (stage, rate, time left, Cancel), one at a time: a job asked for while another runs is
 * refused with a toast.  Results land in the project and the session reloads, so every view
 * refreshes.  Main thread only.
 */
#pragma once

#include <adwaita.h>

#include "stva-engine.h"
#include "stva-window.h"

G_BEGIN_DECLS

/* What the retrain job is asked to do. */
typedef struct
{
  char    *from;          /* owned, nullable: the model file retrained from (NULL: afresh) */
  gint64   from_id;       /* the model on screen (0: none), the "before" of the panel */
  char    *preset;        /* owned, nullable: afresh only ("default", "tiny", ...) */
  int      epochs;        /* epochs of this run (more epochs for a retrain from a file) */
  char   **settings;      /* owned, nullable, NULL-terminated: more KEY=VALUE settings */
} StvaRetrainRequest;

void stva_retrain_request_clear (StvaRetrainRequest *request);

/* A changed prediction: the utterance and both labels (names). */
typedef struct
{
  gint64  utterance_id;
  char   *dialogue;       /* owned: "split/name" */
  int     index;          /* in the dialogue */
  char   *text;           /* owned */
  char   *before;         /* owned, nullable: no prediction of the old model */
  char   *after;          /* owned */
} StvaPredictionChange;

/* What a retrain left: the new model and its scores beside the old one's. */
typedef struct
{
  gint64          model_id;       /* the new model, registered and on screen */
  char           *model_path;     /* owned */
  gint64          old_id;         /* 0: no model before */
  char           *old_path;       /* owned, nullable: scored by its file; NULL: by its stored
                                   * predictions (or no model before) */
  StvaTrainReport train;          /* owned */
  gboolean        has_eval[2];    /* dev, test: scored (labelled utterances there) */
  StvaEvalReport  eval[2];        /* owned: dev and test; with an old model two models (old,
                                   * new: metrics[0] and [1]), else the new one alone */
  GPtrArray      *changes;        /* owned, of StvaPredictionChange*, project order */
  gint64          n_compared;     /* utterances both models predicted */
} StvaRetrainOutcome;

void stva_retrain_outcome_free (StvaRetrainOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StvaRetrainOutcome, stva_retrain_outcome_free)

typedef void (*StvaRetrainDone) (StvaRetrainOutcome *outcome, const GError *error,
                                 gpointer user_data);

/* Runs the extraction of the open project's features (text, audio, video). */
gboolean stva_job_runner_extract  (StvaWindow *window);
/* Predicts the whole project with the model on screen (its file found from its id). */
gboolean stva_job_runner_predict  (StvaWindow *window);
/* Trains (request->from: retrains) on the current labels (gold plus corrections), predicts
 * the project with the new model, scores both models on dev and test (the engine's eval with
 * compare, as `synctva eval --compare`), lists the predictions that changed, makes the new
 * model the one on screen and calls done (outcome transfer full, NULL on failure).  FALSE
 * when refused (another job runs, no project). */
gboolean stva_job_runner_retrain  (StvaWindow *window, const StvaRetrainRequest *request,
                                   StvaRetrainDone done, gpointer user_data);
/* Audits the current labels of the train split (the engine's audit job: K fold models,
 * confident learning; preset nullable: "default", folds 0: 5, settings nullable) and turns
 * the review queue to its ranking. */
gboolean stva_job_runner_audit    (StvaWindow *window, const char *preset, int folds,
                                   const char *const *settings);
/* Imports (options copied) into options->project, then reloads (or opens) it; when the
 * import fails, remove_on_failure removes the project (one made for this import). */
gboolean stva_job_runner_import   (StvaWindow *window, const StvaImportOptions *options,
                                   gboolean open_after, gboolean remove_on_failure);
/* (transfer full) The videos of folder with subtitles of the same name beside them (.srt,
 * .vtt), in name order, as pairs: video, subtitles, video, ...; NULL with error when the
 * folder cannot be read. */
GPtrArray *stva_job_runner_subtitled_videos (const char *folder, GError **error);
/* Imports every video of folder with its subtitles (a dialogue each, split nullable) into
 * project, one import per video: a cancel keeps the videos imported before it. */
gboolean stva_job_runner_import_videos (StvaWindow *window, const char *project,
                                        const char *folder, const char *split,
                                        gboolean open_after, gboolean remove_on_failure);
/* Exports; with every_dialogue a per-dialogue kind writes one file per dialogue into the
 * folder options->out ("<split>-<dialogue>.<ext>"). */
gboolean stva_job_runner_export   (StvaWindow *window, const StvaExportOptions *options,
                                   gboolean every_dialogue);
/* (nullable) The message the window's last job ended with (its toast). */
const char *stva_job_runner_last_message (StvaWindow *window);
/* TRUE while a job of this window runs. */
gboolean stva_job_runner_busy     (StvaWindow *window);

/* Projects: a new one (a save chooser, then stva_engine_init and open), recent ones. */
void     stva_job_runner_new_project   (StvaWindow *window);
/* Makes path (a new file) a project and opens it; FALSE with error. */
gboolean stva_job_runner_create_project (StvaWindow *window, const char *path, GError **error);
void     stva_job_runner_add_recent    (const char *path);
/* Keeps section filled with the recent projects (app.open-recent("path")), newest first. */
void     stva_job_runner_track_recent  (GMenu *section);
/* Drops of files or a folder onto the window: a project opens, anything else opens the import
 * dialog prefilled. */
void     stva_job_runner_install_drop  (StvaWindow *window);

/* (transfer full) The file extension a per-dialogue export kind writes ("eaf"). */
const char *stva_job_runner_export_extension (StvaExportKind kind);

G_END_DECLS
