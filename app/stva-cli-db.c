/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project commands of synctva: `init`, `import KIND PATH`, `export KIND OUT`, `stats` and
 * `merge`.  Each is its GOption table (an import or export kind takes only its own options),
 * one engine job (stva-engine-project.h) and printing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-project.h"

/* ---- shared ------------------------------------------------------------------------------- */

/* The index of the KIND of `synctva import|export KIND ...`: the first argument that is neither
 * an option nor the value of one of value_options (options taking a separate value); 0 when
 * there is none. */
static int
find_kind (int                argc,
           char             **argv,
           const char *const *value_options)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--") == 0)
        return i + 1 < argc ? i + 1 : 0;
      if (a[0] != '-' || a[1] == '\0')
        return i;
      if (strchr (a, '=') != NULL)
        continue;
      for (const char *const *v = value_options; *v != NULL; v++)
        if (strcmp (a, *v) == 0)
          {
            i++;
            break;
          }
    }
  return 0;
}

/* (transfer container) argv without its KIND, argv[0] "COMMAND KIND" (owned by *title). */
static char **
argv_without_kind (int    argc,
                   char **argv,
                   int    kind_index,
                   char **title,
                   int   *new_argc)
{
  char **v = g_new0 (char *, argc + 1);
  *title = g_strdup_printf ("%s %s", argv[0], argv[kind_index]);
  int n = 0;
  v[n++] = *title;
  for (int i = 1; i < argc; i++)
    if (i != kind_index)
      v[n++] = argv[i];
  *new_argc = n;
  return v;
}

/* The project path: --project, else $SYNCTVA_PROJECT, else the single *.stva here. */
static char *
project_path (const char  *option,
              GError     **error)
{
  return stva_cli_find_project (option, error);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

/* An id option (--model, --dialogue): a whole number from 1; FALSE after printing usage. */
static gboolean
id_option (const char *command,
           const char *name,
           const char *value,
           gint64     *id,
           int        *status)
{
  long long v = 0;
  if (value == NULL)
    return TRUE;
  if (!stva_cli_parse_int (value, 1, G_MAXINT64, &v))
    {
      fprintf (stderr, "synctva: %s: %s takes an id (a whole number from 1), not '%s'\n"
                       "usage: see synctva %s --help\n", command, name, value, command);
      *status = STVA_EXIT_USAGE;
      return FALSE;
    }
  *id = v;
  return TRUE;
}

/* ---- init --------------------------------------------------------------------------------- */

int
stva_cli_init (int    argc,
               char **argv)
{
  g_autofree char *project = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project, "The project file to create", "FILE" },
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, "[FILE]",
                       "Creates a new, empty project: FILE, else --project, else "
                       "$SYNCTVA_PROJECT, else project.stva.", entries, NULL)
      || !stva_cli_max_arguments ("init", argc, argv, 1, &status))
    return status;
  if (project != NULL && argc > 1)
    return stva_cli_usage ("synctva init [FILE | --project FILE]", "give the project file once");
  const char *path = project != NULL ? project : argc > 1 ? argv[1] : g_getenv ("SYNCTVA_PROJECT");
  if (path == NULL || *path == '\0')
    path = "project.stva";

  StvaInitOptions options = { .project = path };
  g_autoptr (StvaInitResult) result = NULL;
  GError *error = NULL;
  if (!stva_engine_init (NULL, &options, &result, &error))
    return stva_cli_fail_error (error);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "project", result->project);
      add_int (b, "schema_version", result->schema_version);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
    }
  else
    printf ("Created project %s (schema version %d)\n", result->project, result->schema_version);
  return STVA_EXIT_OK;
}

/* ---- import ------------------------------------------------------------------------------- */

static const char import_help[] =
  "Imports into the project, in one transaction (all or nothing).  Kinds and their options\n"
  "(see synctva import KIND --help):\n"
  "  meld DIR         a MELD-layout folder                  [--shard i/n]\n"
  "  iemocap DIR      an IEMOCAP release                    [--label-set iemocap-6|iemocap-4]\n"
  "  srt|vtt FILE     subtitles of one dialogue video       [--video FILE] [--split S]\n"
  "  eaf FILE         an ELAN annotation                    [--tier NAME] [--split S]\n"
  "  textgrid FILE    a Praat TextGrid       [--tier NAME] [--label-set NAME] [--split S]\n"
  "  csv FILE         a CSV with a column mapping  --columns field=column,... [--label-set NAME]\n"
  "                   [--split S]\n"
  "  npz FILE         features in core's npz dataset layout [--extractor NAME]\n"
  "Every kind takes --project FILE and --json.";

typedef struct
{
  char     *project;
  gboolean  json;
  char     *video;
  char     *split;
  char     *tier;
  char     *label_set;
  char     *extractor;
  char     *columns;
  char     *shard;
} ImportArgs;

static void
import_args_clear (ImportArgs *a)
{
  g_free (a->project);
  g_free (a->video);
  g_free (a->split);
  g_free (a->tier);
  g_free (a->label_set);
  g_free (a->extractor);
  g_free (a->columns);
  g_free (a->shard);
}

static int
print_import (const StvaImportResult *r,
              gboolean                json)
{
  guint n_warn = r->warnings != NULL ? r->warnings->len : 0;
  for (guint i = 0; i < n_warn && i < 10; i++)
    fprintf (stderr, "synctva: warning: %s\n", (char *) g_ptr_array_index (r->warnings, i));
  if (n_warn > 10)
    fprintf (stderr, "synctva: warning: ... and %u more (synctva stats counts them)\n",
             n_warn - 10);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "project", r->project);
      add_string (b, "kind", stva_import_kind_name (r->kind));
      add_int (b, "dialogues", r->n_dialogues);
      add_int (b, "utterances", r->n_utterances);
      add_int (b, "clips", r->n_clips);
      add_int (b, "dialogue_videos", r->n_dialogue_videos);
      add_int (b, "warnings", n_warn);
      add_double (b, "seconds", r->seconds);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
    }
  else if (r->kind == STVA_IMPORT_NPZ)
    printf ("Imported %d feature vectors for %d utterances of %d dialogues into %s in %.2f s "
            "(%u warnings)\n", r->n_clips, r->n_utterances, r->n_dialogues, r->project,
            r->seconds, n_warn);
  else
    printf ("Imported %d dialogues, %d utterances, %d clips, %d dialogue videos into %s "
            "in %.2f s (%u warnings)\n", r->n_dialogues, r->n_utterances, r->n_clips,
            r->n_dialogue_videos, r->project, r->seconds, n_warn);
  return STVA_EXIT_OK;
}

/* --split of an import: one split, its canonical name in *name; FALSE after printing usage. */
static gboolean
import_split (const char  *command,
              const char  *value,
              const char **name,
              int         *status)
{
  *name = NULL;
  if (value == NULL)
    return TRUE;
  int split = -1;
  g_autoptr (GError) error = NULL;
  if (!stva_cli_split_option (value, &split, &error) || split < 0)
    {
      fprintf (stderr, "synctva: %s: %s\nusage: see synctva %s --help\n", command,
               error != NULL ? error->message
                             : "--split: an import goes into one split: train, dev, test or "
                               "none", command);
      *status = STVA_EXIT_USAGE;
      return FALSE;
    }
  *name = stva_split_name (split);
  return TRUE;
}

int
stva_cli_import (int    argc,
                 char **argv)
{
  static const char *const value_options[] = {
    "--project", "--video", "--split", "--tier", "--label-set", "--extractor", "--columns",
    "--shard", NULL,
  };
  ImportArgs a = { 0 };
  const GOptionEntry common[] = {
    STVA_CLI_PROJECT_ENTRY (a.project),
    STVA_CLI_JSON_ENTRY (a.json),
    { NULL },
  };
  const GOptionEntry video_entry[] = {
    { "video", 0, 0, G_OPTION_ARG_FILENAME, &a.video,
      "The dialogue's video (default: one beside the subtitles with the same name)", "FILE" },
    { NULL },
  };
  const GOptionEntry split_entry[] = {
    { "split", 0, 0, G_OPTION_ARG_STRING, &a.split, "The split: train, dev, test or none "
      "(default: none)", "S" },
    { NULL },
  };
  const GOptionEntry tier_entry[] = {
    { "tier", 0, 0, G_OPTION_ARG_STRING, &a.tier, "The tier of gold labels (\"\": none)",
      "NAME" },
    { NULL },
  };
  const GOptionEntry label_set_entry[] = {
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &a.label_set, "The label set of the gold labels",
      "NAME" },
    { NULL },
  };
  const GOptionEntry extractor_entry[] = {
    { "extractor", 0, 0, G_OPTION_ARG_STRING, &a.extractor,
      "The extractor the features are stored as (default: npz:FILE)", "NAME" },
    { NULL },
  };
  const GOptionEntry columns_entry[] = {
    { "columns", 0, 0, G_OPTION_ARG_STRING, &a.columns, "The column mapping (required): "
      "dialogue and text, optionally speaker, split, index, start, end, start_ms, end_ms, "
      "label", "field=column,..." },
    { NULL },
  };
  const GOptionEntry shard_entry[] = {
    { "shard", 0, 0, G_OPTION_ARG_STRING, &a.shard,
      "Only the dialogues whose id % n is i (a batch job in n parts)", "i/n" },
    { NULL },
  };

  int status = STVA_EXIT_OK;
  int k = find_kind (argc, argv, value_options);
  if (k == 0)
    {
      /* no kind: --help of the command as a whole, or a usage error */
      if (stva_cli_parse (&argc, &argv, &status, "KIND PATH", import_help, common, NULL))
        status = stva_cli_usage ("synctva import KIND PATH (see synctva import --help)",
                                 "import needs a KIND and a PATH");
      import_args_clear (&a);
      return status;
    }
  StvaImportKind kind;
  if (!stva_import_kind_from_name (argv[k], &kind))
    {
      status = stva_cli_usage ("synctva import KIND PATH (see synctva import --help)",
                               "unknown import kind '%s': meld, iemocap, srt, vtt, eaf, "
                               "textgrid, csv or npz", argv[k]);
      return status;
    }
  g_autofree char *title = NULL;
  int kargc = 0;
  g_autofree char **kargv = argv_without_kind (argc, argv, k, &title, &kargc);
  char **pargv = kargv;
  gboolean go_on = FALSE;
  switch (kind)
    {
    case STVA_IMPORT_MELD:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "DIR", "Imports a MELD-layout folder.",
                              common, shard_entry, NULL);
      break;
    case STVA_IMPORT_IEMOCAP:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "DIR", "Imports an IEMOCAP release "
                              "(label sets iemocap-6, the default, or iemocap-4).", common,
                              label_set_entry, NULL);
      break;
    case STVA_IMPORT_SRT:
    case STVA_IMPORT_VTT:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "FILE", "Imports subtitles as one "
                              "dialogue, each cue an utterance.", common, video_entry,
                              split_entry, NULL);
      break;
    case STVA_IMPORT_EAF:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "FILE", "Imports an ELAN EAF file as "
                              "one dialogue.", common, tier_entry, split_entry, NULL);
      break;
    case STVA_IMPORT_TEXTGRID:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "FILE", "Imports a Praat TextGrid as "
                              "one dialogue.", common, tier_entry, label_set_entry,
                              split_entry, NULL);
      break;
    case STVA_IMPORT_CSV:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "FILE", "Imports a CSV through a "
                              "column mapping; --split puts a file holding one split into it.",
                              common, columns_entry, label_set_entry, split_entry, NULL);
      break;
    case STVA_IMPORT_NPZ:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "FILE", "Imports features in core's "
                              "npz dataset layout, matching dialogues by name, split and "
                              "length.", common, extractor_entry, NULL);
      break;
    case STVA_N_IMPORT_KINDS:
    default:
      break;
    }
  StvaImportOptions options = { .kind = kind };
  if (go_on && !stva_cli_max_arguments (title, kargc, pargv, 1, &status))
    go_on = FALSE;
  if (go_on && kargc < 2)
    {
      status = stva_cli_usage ("synctva import KIND PATH (see synctva import --help)",
                               "import %s needs a PATH", argv[k]);
      go_on = FALSE;
    }
  if (go_on && kind == STVA_IMPORT_CSV && a.columns == NULL)
    {
      status = stva_cli_usage ("synctva import csv FILE --columns field=column,...",
                               "import csv needs --columns field=column,...");
      go_on = FALSE;
    }
  if (go_on && !import_split (title, a.split, &options.split, &status))
    go_on = FALSE;
  if (go_on && a.shard != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (a.shard, "/", 2);
      long long shard = 0, n_shards = 0;
      if (g_strv_length (parts) != 2 || !stva_cli_parse_int (parts[1], 1, 100000, &n_shards)
          || !stva_cli_parse_int (parts[0], 0, n_shards - 1, &shard))
        {
          status = stva_cli_usage ("synctva import meld DIR --shard i/n",
                                   "--shard takes i/n with 0 <= i < n");
          go_on = FALSE;
        }
      options.shard = (guint) shard;
      options.n_shards = (guint) n_shards;
    }
  g_autofree char *project = NULL;
  GError *error = NULL;
  if (go_on && (project = project_path (a.project, &error)) == NULL)
    {
      status = stva_cli_fail_error (error);
      go_on = FALSE;
    }
  if (!go_on)
    {
      import_args_clear (&a);
      return status;
    }
  options.project = project;
  options.path = pargv[1];
  options.video = a.video;
  options.tier = a.tier;
  options.label_set = a.label_set;
  options.extractor = a.extractor;
  options.columns = a.columns;

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "importing");
  g_autoptr (StvaJob) job = stva_cli_project_job_new (&progress);
  g_autoptr (StvaImportResult) result = NULL;
  gboolean ok = stva_engine_import (job, &options, &result, &error);
  stva_cli_progress_finish (&progress);
  status = ok ? print_import (result, a.json) : stva_cli_fail_error (error);
  import_args_clear (&a);
  return status;
}

/* ---- merge -------------------------------------------------------------------------------- */

int
stva_cli_merge (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, "OUT IN...",
                       "Merges projects made apart (shards of a batch job, annotators' "
                       "copies) into the new project OUT, never adding a row twice.  Ctrl-C "
                       "stops between inputs.", entries, NULL))
    return status;
  if (argc < 3)
    return stva_cli_usage ("synctva merge OUT IN... [--json]",
                           "merge needs an output and at least one input");
  StvaMergeOptions options = {
    .out = argv[1],
    .inputs = (const char *const *) argv + 2,
    .n_inputs = (guint) (argc - 2),
  };
  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "merging");
  g_autoptr (StvaJob) job = stva_cli_project_job_new (&progress);
  g_autoptr (StvaMergeResult) r = NULL;
  GError *error = NULL;
  gboolean ok = stva_engine_merge (job, &options, &r, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    return stva_cli_fail_error (error);
  for (guint i = 0; i < r->conflicts->len; i++)
    fprintf (stderr, "synctva: conflict: %s\n", (char *) g_ptr_array_index (r->conflicts, i));
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "out", r->out);
      add_int (b, "inputs", r->n_inputs);
      add_int (b, "utterances_added", r->n_utterances_added);
      add_int (b, "events_added", r->n_events_added);
      add_int (b, "events_duplicate", r->n_events_duplicate);
      add_int (b, "conflicts", r->conflicts->len);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
    }
  else
    printf ("Merged %u projects into %s: %d utterances, %d corrections (%d already there), "
            "%u conflicts\n", r->n_inputs, r->out, r->n_utterances_added, r->n_events_added,
            r->n_events_duplicate, r->conflicts->len);
  return STVA_EXIT_OK;
}

/* ---- export ------------------------------------------------------------------------------- */

static const char export_help[] =
  "Writes the project, or one dialogue of it.  Kinds and their options (see synctva export\n"
  "KIND --help):\n"
  "  csv|jsonl OUT     one row per utterance        [--label-set NAME] [--model ID]\n"
  "  meld DIR          MELD's CSVs, current labels of the meld set\n"
  "  npz OUT           core's npz dataset layout    [--label-set NAME] [--gold]\n"
  "  srt|vtt OUT       one dialogue's subtitles     --dialogue ID\n"
  "  eaf|textgrid OUT  one dialogue's annotation    --dialogue ID [--label-set NAME] "
  "[--model ID]\n"
  "Every kind takes --project FILE and --json.";

int
stva_cli_export (int    argc,
                 char **argv)
{
  static const char *const value_options[] = {
    "--project", "--label-set", "--model", "--dialogue", NULL,
  };
  g_autofree char *project_option = NULL, *label_set = NULL, *model = NULL, *dialogue = NULL;
  gboolean json = FALSE, gold = FALSE;
  const GOptionEntry common[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  const GOptionEntry label_set_entry[] = {
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &label_set, "The label set (default: meld)",
      "NAME" },
    { NULL },
  };
  const GOptionEntry model_entry[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, "Whose predictions (default: the newest "
      "model of the set)", "ID" },
    { NULL },
  };
  const GOptionEntry dialogue_entry[] = {
    { "dialogue", 0, 0, G_OPTION_ARG_STRING, &dialogue, "The dialogue (required)", "ID" },
    { NULL },
  };
  const GOptionEntry gold_entry[] = {
    { "gold", 0, 0, G_OPTION_ARG_NONE, &gold, "Gold labels instead of the current ones",
      NULL },
    { NULL },
  };

  int status = STVA_EXIT_OK;
  int k = find_kind (argc, argv, value_options);
  if (k == 0)
    {
      if (stva_cli_parse (&argc, &argv, &status, "KIND OUT", export_help, common, NULL))
        status = stva_cli_usage ("synctva export KIND OUT (see synctva export --help)",
                                 "export needs a KIND and an output path");
      return status;
    }
  StvaExportKind kind;
  if (!stva_export_kind_from_name (argv[k], &kind))
    return stva_cli_usage ("synctva export KIND OUT (see synctva export --help)",
                           "unknown export kind '%s': csv, jsonl, meld, npz, srt, vtt, eaf or "
                           "textgrid", argv[k]);
  g_autofree char *title = NULL;
  int kargc = 0;
  g_autofree char **kargv = argv_without_kind (argc, argv, k, &title, &kargc);
  char **pargv = kargv;
  gboolean go_on = FALSE;
  switch (kind)
    {
    case STVA_EXPORT_CSV:
    case STVA_EXPORT_JSONL:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "OUT", "One row per utterance: ids, "
                              "split, times, speaker, text, gold, current, each annotator, "
                              "the model's prediction and probabilities.", common,
                              label_set_entry, model_entry, NULL);
      break;
    case STVA_EXPORT_MELD:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "DIR", "MELD's three CSVs in DIR "
                              "(made), Emotion the current label.", common, NULL);
      break;
    case STVA_EXPORT_NPZ:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "OUT", "The project in core's npz "
                              "dataset layout.", common, label_set_entry, gold_entry, NULL);
      break;
    case STVA_EXPORT_SRT:
    case STVA_EXPORT_VTT:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "OUT", "One dialogue's utterances as "
                              "subtitles.", common, dialogue_entry, NULL);
      break;
    case STVA_EXPORT_EAF:
    case STVA_EXPORT_TEXTGRID:
      go_on = stva_cli_parse (&kargc, &pargv, &status, "OUT", "One dialogue with its "
                              "transcripts and gold, current and predicted labels.", common,
                              dialogue_entry, label_set_entry, model_entry, NULL);
      break;
    case STVA_N_EXPORT_KINDS:
    default:
      break;
    }
  if (!go_on || !stva_cli_max_arguments (title, kargc, pargv, 1, &status))
    return status;
  if (kargc < 2)
    return stva_cli_usage ("synctva export KIND OUT (see synctva export --help)",
                           "export %s needs an output path", argv[k]);
  StvaExportOptions options = { .kind = kind, .out = pargv[1], .label_set = label_set,
                                .gold = gold };
  if (!id_option (title, "--model", model, &options.model_id, &status)
      || !id_option (title, "--dialogue", dialogue, &options.dialogue_id, &status))
    return status;
  if (stva_export_kind_is_dialogue (kind) && options.dialogue_id == 0)
    return stva_cli_usage ("synctva export KIND OUT --dialogue ID",
                           "export %s needs --dialogue ID", argv[k]);
  GError *error = NULL;
  g_autofree char *project = project_path (project_option, &error);
  if (project == NULL)
    return stva_cli_fail_error (error);
  options.project = project;
  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "exporting");
  g_autoptr (StvaJob) job = stva_cli_project_job_new (&progress);
  g_autoptr (StvaExportResult) r = NULL;
  gboolean ok = stva_engine_export (job, &options, &r, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    return stva_cli_fail_error (error);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "kind", stva_export_kind_name (r->kind));
      add_string (b, "out", r->out);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
    }
  else
    printf ("Exported %s to %s\n", stva_export_kind_name (r->kind), r->out);
  return STVA_EXIT_OK;
}

/* ---- stats -------------------------------------------------------------------------------- */

static const char *const split_names[4] = { "train", "dev", "test", "none" };

static void
print_stats_json (const StvaStatsResult *r)
{
  const StvaDbCounts *c = &r->counts;
  const StvaDbAgreement *ag = &r->agreement;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "project", r->project);
  add_string (b, "label_set", r->label_set);
  json_builder_set_member_name (b, "dialogues");
  json_builder_begin_object (b);
  for (int s = 0; s < 4; s++)
    add_int (b, split_names[s], c->n_dialogues[s]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "utterances");
  json_builder_begin_object (b);
  for (int s = 0; s < 4; s++)
    add_int (b, split_names[s], c->n_utterances[s]);
  json_builder_end_object (b);
  add_int (b, "media", c->n_media);
  add_int (b, "import_warnings", c->n_import_warnings);
  add_int (b, "annotators", c->n_annotators);
  add_int (b, "corrections", c->n_corrections);
  add_int (b, "models", c->n_models);
  add_int (b, "predictions", c->n_predictions);
  add_int (b, "features", c->n_features);
  json_builder_set_member_name (b, "progress");
  json_builder_begin_object (b);
  add_int (b, "reviewed", r->n_reviewed);
  add_int (b, "changed", r->n_changed);
  add_int (b, "total", r->n_utterances);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_object (b);
  for (guint k = 0; k < r->classes->len; k++)
    {
      StvaDbClassStats *s = g_ptr_array_index (r->classes, k);
      json_builder_set_member_name (b, s->name);
      json_builder_begin_object (b);
      add_int (b, "gold", s->gold);
      add_int (b, "current", s->current);
      add_int (b, "predicted", s->predicted);
      add_int (b, "changed_from", s->changed_from);
      add_int (b, "changed_to", s->changed_to);
      add_double (b, "alpha", k < ag->K ? ag->alpha_per_class[k] : NAN);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "annotators_stats");
  json_builder_begin_object (b);
  for (guint a = 0; a < r->annotators->len; a++)
    {
      StvaDbAnnotatorStats *s = g_ptr_array_index (r->annotators, a);
      json_builder_set_member_name (b, s->name);
      json_builder_begin_object (b);
      add_int (b, "labels", s->n_labels);
      add_int (b, "events", s->n_events);
      add_int (b, "differ_gold", s->n_differ_gold);
      add_int (b, "differ_model", s->n_differ_model);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "agreement");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "raters");
  json_builder_begin_array (b);
  for (guint i = 0; i < ag->n_raters; i++)
    json_builder_add_string_value (b, ag->raters[i]);
  json_builder_end_array (b);
  add_int (b, "units", ag->n_units);
  add_int (b, "units_complete", ag->n_units_complete);
  add_double (b, "krippendorff_alpha", ag->alpha);
  add_double (b, "fleiss_kappa", ag->fleiss);
  add_double (b, "observed", ag->observed);
  json_builder_set_member_name (b, "cohen_kappa");
  json_builder_begin_array (b);
  for (guint i = 0; i < ag->n_raters; i++)
    for (guint j = i + 1; j < ag->n_raters; j++)
      {
        json_builder_begin_object (b);
        add_string (b, "a", ag->raters[i]);
        add_string (b, "b", ag->raters[j]);
        add_double (b, "kappa", ag->cohen[i * ag->n_raters + j]);
        json_builder_end_object (b);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  stva_cli_print_builder (b);
}

static void
print_value (const char *name,
             double      v)
{
  if (isnan (v))
    printf ("  %-26s %8s\n", name, "n/a");
  else
    printf ("  %-26s %8.3f\n", name, v);
}

static void
print_stats_table (const StvaStatsResult *r)
{
  const StvaDbCounts *c = &r->counts;
  const StvaDbAgreement *ag = &r->agreement;
  printf ("Project %s (label set %s)\n", r->project, r->label_set);
  printf ("  %-8s %9s %11s\n", "split", "dialogues", "utterances");
  for (int s = 0; s < 4; s++)
    if (c->n_dialogues[s] > 0 || s < 3)
      printf ("  %-8s %9d %11d\n", split_names[s], c->n_dialogues[s], c->n_utterances[s]);
  printf ("  media files %d (%d import warnings), annotators %d, corrections %d, models %d, "
          "predictions %d, features %d\n", c->n_media, c->n_import_warnings, c->n_annotators,
          c->n_corrections, c->n_models, c->n_predictions, c->n_features);
  printf ("  reviewed %d of %d utterances (%.1f%%), %d changed from gold\n", r->n_reviewed,
          r->n_utterances, r->n_utterances ? 100.0 * r->n_reviewed / r->n_utterances : 0.0,
          r->n_changed);
  printf ("\n  %-10s %7s %8s %9s %8s %8s %7s\n", "label", "gold", "current", "predicted",
          "changed-", "changed+", "alpha");
  for (guint k = 0; k < r->classes->len; k++)
    {
      StvaDbClassStats *s = g_ptr_array_index (r->classes, k);
      double a = k < ag->K ? ag->alpha_per_class[k] : NAN;
      char alpha[16];
      if (isnan (a))
        g_strlcpy (alpha, "n/a", sizeof alpha);
      else
        g_snprintf (alpha, sizeof alpha, "%.3f", a);
      printf ("  %-10s %7d %8d %9d %8d %8d %7s\n", s->name, s->gold, s->current, s->predicted,
              s->changed_from, s->changed_to, alpha);
    }
  if (r->annotators->len > 0)
    {
      printf ("\n  %-16s %7s %7s %12s %13s\n", "annotator", "labels", "events", "differ-gold",
              "differ-model");
      for (guint a = 0; a < r->annotators->len; a++)
        {
          StvaDbAnnotatorStats *s = g_ptr_array_index (r->annotators, a);
          printf ("  %-16s %7d %7d %12d %13d\n", s->name, s->n_labels, s->n_events,
                  s->n_differ_gold, s->n_differ_model);
        }
    }
  printf ("\n  agreement among %u raters:", ag->n_raters);
  for (guint i = 0; i < ag->n_raters; i++)
    printf (" %s", ag->raters[i]);
  printf ("\n");
  printf ("  %-26s %8u\n", "units rated twice or more", ag->n_units);
  print_value ("Krippendorff's alpha", ag->alpha);
  print_value ("Fleiss' kappa", ag->fleiss);
  print_value ("observed agreement", ag->observed);
  for (guint i = 0; i < ag->n_raters; i++)
    for (guint j = i + 1; j < ag->n_raters; j++)
      {
        g_autofree char *name = g_strdup_printf ("Cohen's kappa %s/%s", ag->raters[i],
                                                 ag->raters[j]);
        print_value (name, ag->cohen[i * ag->n_raters + j]);
      }
}

int
stva_cli_stats (int    argc,
                char **argv)
{
  g_autofree char *project_option = NULL, *label_set = NULL, *model = NULL;
  gboolean json = FALSE, no_gold = FALSE, model_rater = FALSE;
  const GOptionEntry entries[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &label_set, "The label set (default: meld)",
      "NAME" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, "Whose predictions are counted (default: the "
      "newest model of the set)", "ID" },
    { "no-gold", 0, 0, G_OPTION_ARG_NONE, &no_gold, "Leave the gold labels out of the "
      "agreement", NULL },
    { "model-rater", 0, 0, G_OPTION_ARG_NONE, &model_rater, "Count the model as a rater in "
      "the agreement", NULL },
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, NULL,
                       "Counts by split, the label distribution (gold, current, predicted, "
                       "changed), each annotator's work and the agreement among raters "
                       "(Krippendorff's alpha, Fleiss' and Cohen's kappa).", entries, NULL)
      || !stva_cli_max_arguments ("stats", argc, argv, 0, &status))
    return status;
  StvaStatsOptions options = { .label_set = label_set, .no_gold = no_gold,
                               .model_rater = model_rater };
  if (!id_option ("stats", "--model", model, &options.model_id, &status))
    return status;
  GError *error = NULL;
  g_autofree char *project = project_path (project_option, &error);
  if (project == NULL)
    return stva_cli_fail_error (error);
  options.project = project;
  g_autoptr (StvaStatsResult) r = NULL;
  if (!stva_engine_stats (NULL, &options, &r, &error))
    return stva_cli_fail_error (error);
  if (json)
    print_stats_json (r);
  else
    print_stats_table (r);
  return STVA_EXIT_OK;
}
