/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small project for the extract and predict job tests: a MELD-layout corpus of 14
 * dialogues of 4 utterances (train 8, dev 3, test 3) whose words follow the label, imported,
 * text extracted by the extract job, synthetic audio vectors stored, and tiny untrained models
 * saved beside it; plus what the tests count in it.
 */
#pragma once

#include <glib.h>

#include "stva-engine.h"

#define FIXTURE_DIALOGUES  14
#define FIXTURE_UTTERANCES 56

typedef struct
{
  char *dir;        /* owned: the temporary folder (removed by fixture_clear) */
  char *corpus;     /* owned: the MELD folder */
  char *project;    /* owned: the project with text and audio for every utterance */
} Fixture;

/* Writes the corpus and the project; skip_audio >= 0 leaves that dialogue (in project order)
 * without audio vectors. */
void     fixture_init         (Fixture *f, int skip_audio);
void     fixture_clear        (Fixture *f);
/* (transfer full) A new project in f->dir with the corpus imported and no features. */
char    *fixture_import       (Fixture *f, const char *name);
/* (transfer full) A new project in f->dir from a copy of the corpus with a clip per
 * utterance (half a second of a tone as WAV, its pitch by dialogue and utterance), imported,
 * no features. */
char    *fixture_media_project (Fixture *f, const char *name);
/* (transfer full) A copy of the project file under a new name in f->dir. */
char    *fixture_copy         (Fixture *f, const char *name);
/* (transfer full) A tiny untrained model for the project's data (seed chooses its weights)
 * saved in f->dir. */
char    *fixture_model        (Fixture *f, guint64 seed);
/* The project's dialogue ids in order (transfer full, of gint64). */
GArray  *fixture_dialogue_ids (const char *project);
/* Per dialogue of the project, how many of its utterances have a prediction of model_id
 * (model_id 0: none counted) or a vector of modality (when modality is not NULL); asserts the
 * project passes stva_db_check () and returns how many dialogues have all, failing the test
 * when one has some but not all. */
int      fixture_whole_dialogues (const char *project, gint64 model_id, const char *modality);
/* The project's newest model id (0: none). */
gint64   fixture_latest_model (const char *project);
