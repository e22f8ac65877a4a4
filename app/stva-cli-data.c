/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What train, eval and predict share (stva-cli-data.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"
#include "stva-dataset.h"
#include "stva-graph.h"
#include "stva-metrics.h"
#include "stva-model.h"
#include "stva-modelfile.h"
#include "stva-npz.h"
#include "stva-train.h"

/* ---- the data-source options on GOption ----------------------------------------------- */

void
stva_cli_data_args_init (StvaCliDataArgs *args)
{
  memset (args, 0, sizeof *args);
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args->data,
      "Read the dataset from an npz file instead of the project", "FILE.npz" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &args->project,
      "The project (default: $SYNCTVA_PROJECT, or the single *.stva here)", "FILE" },
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &args->label_set,
      "The project's label set (default: meld)", "NAME" },
    { "gold", 0, 0, G_OPTION_ARG_NONE, &args->gold,
      "The gold labels instead of the current ones (project)", NULL },
    { NULL },
  };
  memcpy (args->entries, entries, sizeof entries);
}

void
stva_cli_data_args_clear (StvaCliDataArgs *args)
{
  g_free (args->data);
  g_free (args->project);
  g_free (args->label_set);
  g_free (args->project_path);
  memset (args, 0, sizeof *args);
}

gboolean
stva_cli_data_args_source (StvaCliDataArgs *args,
                           const char      *command,
                           StvaDataSource  *source,
                           int             *status)
{
  memset (source, 0, sizeof *source);
  *status = STVA_EXIT_USAGE;
  if (args->data != NULL && args->project != NULL)
    {
      fprintf (stderr, "synctva: %s: give --data or --project, not both\n"
               "usage: see synctva %s --help\n", command, command);
      return FALSE;
    }
  if (args->data == NULL)
    {
      if (args->project == NULL && !stva_cli_has_default_project ())
        {
          fprintf (stderr, "synctva: %s: no data: give --data FILE.npz or --project FILE (or set "
                   "SYNCTVA_PROJECT, or run in a folder with one *.stva file)\n"
                   "usage: see synctva %s --help\n", command, command);
          return FALSE;
        }
      g_autoptr (GError) error = NULL;
      args->project_path = stva_cli_find_project (args->project, &error);
      if (args->project_path == NULL)
        {
          *status = stva_cli_fail ("%s", error->message);
          return FALSE;
        }
    }
  source->data = args->data;
  source->project = args->project_path;
  source->label_set = args->label_set;
  source->gold = args->gold;
  *status = STVA_EXIT_OK;
  return TRUE;
}

void
stva_cli_print_json (JsonNode *root)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  puts (text);
}

int
stva_cli_engine_fail (const char   *command,
                      const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    {
      fprintf (stderr, "synctva: %s: %s\nusage: see synctva %s --help\n", command,
               error->message, command);
      return STVA_EXIT_USAGE;
    }
  return stva_cli_fail ("%s", error->message);
}

/* ---- the older hand-parsed source (predict, figure) ------------------------------------ */

int
stva_cli_split_from_name (const char *s)
{
  for (int k = 0; k < STVA_N_SPLIT; k++)
    if (strcmp (s, stva_split_name (k)) == 0)
      return k;
  if (strcmp (s, "val") == 0 || strcmp (s, "validation") == 0)
    return STVA_SPLIT_DEV;
  return -1;
}

/* Indices of the dialogues of one split (malloc'ed). */
int *
stva_cli_dialogues_of (const StvaDataset *ds,
                       int                split,
                       int               *n)
{
  int *idx = malloc ((size_t) (ds->n_dialogues ? ds->n_dialogues : 1) * sizeof *idx);
  *n = 0;
  if (idx == NULL)
    return NULL;
  for (int d = 0; d < ds->n_dialogues; d++)
    if (ds->dialogues[d].split == split)
      idx[(*n)++] = d;
  return idx;
}

StvaStatus
stva_cli_load_npz (const char   *path,
                   StvaDataset **ds,
                   StvaError    *error)
{
  StvaStatus status = stva_npz_read_dataset (path, ds, error);
  if (status == STVA_OK)
    status = stva_dataset_validate (*ds, STVA_MODEL_MAX_T, error);
  if (status != STVA_OK && *ds != NULL)
    {
      stva_dataset_free (*ds);
      *ds = NULL;
    }
  return status;
}

/* The model's class names must be the dataset's, in the same order. */
StvaStatus
stva_cli_check_labels (const StvaModel   *model,
                       const StvaDataset *ds,
                       const char        *model_path,
                       const char        *data_path,
                       StvaError         *error)
{
  if (model->config.K != ds->K)
    return stva_error_set (error, STVA_ERR_INVALID, "%s has %d classes, %s has %d", model_path,
                           model->config.K, data_path, ds->K);
  for (int k = 0; k < ds->K && model->labels != NULL; k++)
    if (strcmp (model->labels[k], ds->labels[k]) != 0)
      return stva_error_set (error, STVA_ERR_INVALID, "class %d is '%s' in %s but '%s' in %s", k,
                             model->labels[k], model_path, ds->labels[k], data_path);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (stva_model_config_active (&model->config, m) && model->config.F[m] != ds->F[m])
      return stva_error_set (error, STVA_ERR_INVALID, "%s expects %d %s features, %s has %d",
                             model_path, model->config.F[m], stva_modality_name (m), data_path,
                             ds->F[m]);
  return STVA_OK;
}

/* ---- the data: an npz file or the project ------------------------------------------------- */

void
stva_cli_source_init (StvaCliSource *src)
{
  memset (src, 0, sizeof *src);
  src->label_set = STVA_DB_MELD_SET;
}

/* Takes the options naming the data; true when argv[*i] was one of them. */
bool
stva_cli_source_option (StvaCliSource *src,
                        int            argc,
                        char         **argv,
                        int           *i)
{
  const char *a = argv[*i];
  bool has_value = *i + 1 < argc;
  if (strcmp (a, "--data") == 0 && has_value)
    src->data = argv[++*i];
  else if (strcmp (a, "--project") == 0 && has_value)
    src->project = argv[++*i];
  else if (strcmp (a, "--label-set") == 0 && has_value)
    src->label_set = argv[++*i];
  else if (strcmp (a, "--gold") == 0)
    src->gold = true;
  else
    return false;
  return true;
}

/* 0 when the options make sense, else the usage message. */
const char *
stva_cli_source_check (const StvaCliSource *src)
{
  if (src->data != NULL && src->project != NULL)
    return "give --data or --project, not both";
  if (src->data == NULL && src->project == NULL && !stva_cli_has_default_project ())
    return "no data: give --data FILE.npz or --project FILE (or set SYNCTVA_PROJECT, or run "
           "in a folder with one *.stva file)";
  return NULL;
}

bool
stva_cli_source_uses_project (const StvaCliSource *src)
{
  return src->data == NULL;
}

/* Loads the dataset; prints the failure and returns false. */
bool
stva_cli_source_load (StvaCliSource *src,
                      StvaDataset  **ds)
{
  StvaError error = { 0 };
  *ds = NULL;
  if (src->data != NULL)
    {
      src->name = g_strdup (src->data);
      if (stva_cli_load_npz (src->data, ds, &error) != STVA_OK)
        {
          stva_cli_fail ("%s", error.message);
          return false;
        }
      return true;
    }
  g_autoptr (GError) gerr = NULL;
  src->db = stva_cli_open_project (src->project, &gerr);
  if (src->db == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  src->name = g_strdup (stva_db_path (src->db));
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (src->db, src->label_set, &gerr);
  if (set == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  src->label_set_id = set->id;
  *ds = stva_db_dataset (src->db, set->id, !src->gold, NULL, &gerr);
  if (*ds == NULL)
    {
      stva_cli_fail ("%s", gerr->message);
      return false;
    }
  if (stva_dataset_validate (*ds, STVA_MODEL_MAX_T, &error) != STVA_OK)
    {
      stva_cli_fail ("%s: %s", src->name, error.message);
      stva_dataset_free (*ds);
      *ds = NULL;
      return false;
    }
  return true;
}

void
stva_cli_source_clear (StvaCliSource *src)
{
  if (src->db != NULL)
    stva_db_close (src->db);
  src->db = NULL;
  g_clear_pointer (&src->name, g_free);
}

/* The model file's SHA-256 (transfer full), or NULL with the failure printed. */
char *
stva_cli_file_sha256 (const char *path)
{
  g_autoptr (GError) gerr = NULL;
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &bytes, &n, &gerr))
    {
      stva_cli_fail ("%s", gerr->message);
      return NULL;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n);
}

/* The model file's config as a JSON object (transfer full), "{}" when it cannot be read. */
char *
stva_cli_model_config_json (const char *path)
{
  StvaModelFile mf;
  StvaError error = { 0 };
  if (stva_modelfile_read (path, &mf, &error) != STVA_OK)
    return g_strdup ("{}");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (int i = 0; i < mf.n_config; i++)
    {
      json_builder_set_member_name (b, mf.config[i].key);
      json_builder_add_string_value (b, mf.config[i].value);
    }
  json_builder_end_object (b);
  stva_modelfile_free (&mf);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Registers the model file in the project (again: the same id); 0 with the failure printed. */
gint64
stva_cli_register_model (StvaCliSource *src,
                         const char    *model_path,
                         const char    *metrics_json)
{
  g_autofree char *hash = stva_cli_file_sha256 (model_path);
  if (hash == NULL)
    return 0;
  g_autofree char *config = stva_cli_model_config_json (model_path);
  g_autofree char *name = g_path_get_basename (model_path);
  g_autoptr (GError) gerr = NULL;
  gint64 id = stva_db_add_model (src->db, name, hash, src->label_set_id, config, metrics_json,
                                 &gerr);
  if (id == 0)
    stva_cli_fail ("%s", gerr->message);
  return id;
}

void
stva_cli_json_string (FILE       *f,
                      const char *s)
{
  fputc ('"', f);
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        fprintf (f, "\\%c", c);
      else if (c < 0x20)
        fprintf (f, "\\u%04x", c);
      else
        fputc (c, f);
    }
  fputc ('"', f);
}

/* A CSV field, always quoted, quotes doubled (RFC 4180). */
void
stva_cli_csv_string (FILE       *f,
                     const char *s)
{
  fputc ('"', f);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        fputc ('"', f);
      fputc (*s, f);
    }
  fputc ('"', f);
}

void
stva_cli_json_number (FILE  *f,
                      double v)
{
  if (isfinite (v))
    fprintf (f, "%.6g", v);
  else
    fputs ("null", f);
}
