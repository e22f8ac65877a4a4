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

/* What a command with kinds (import, export) takes for each kind: its positional parameter,
 * a line of help, and which of the command's kind options (bit i: entry i) it accepts. */
typedef struct
{
  const char *parameter;
  const char *description;
  guint       options;
} KindSpec;

/* TRUE when a is an option of entries (up to its terminator) that takes a separate value. */
static gboolean
takes_value (const GOptionEntry *entries,
             const char         *a)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    if (e->arg != G_OPTION_ARG_NONE && strncmp (a, "--", 2) == 0
        && strcmp (a + 2, e->long_name) == 0)
      return TRUE;
  return FALSE;
}

/* The index of the KIND of `synctva import|export KIND ...`: the first argument that is neither
 * an option nor the value of one; 0 when there is none. */
static int
find_kind (int                 argc,
           char              **argv,
           const GOptionEntry *common,
           const GOptionEntry *kind_options)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--") == 0)
        return i + 1 < argc ? i + 1 : 0;
      if (a[0] != '-' || a[1] == '\0')
        return i;
      if (takes_value (common, a) || takes_value (kind_options, a))
        i++;
    }
  return 0;
}

/* Parses `synctva COMMAND KIND ARG [options]` where KIND takes the common options and those of
 * kind_options its spec names (any other exits 2 naming it).  Without a KIND, --help shows the
 * command's help (parameters: "KIND PATH") and anything else is a usage error.  On success
 * *kind is the KIND and *arg the one positional argument; otherwise FALSE with *status set. */
static gboolean
parse_kind_command (int                 argc,
                    char              **argv,
                    const char         *parameters,
                    const char         *help,
                    const GOptionEntry *common,
                    const GOptionEntry *kind_options,
                    gboolean          (*kind_from_name) (const char *name, int *kind),
                    const KindSpec     *specs,
                    int                *kind,
                    const char        **arg,
                    int                *status)
{
  g_autofree char *usage = g_strdup_printf ("synctva %s %s (see synctva %s --help)", argv[0],
                                            parameters, argv[0]);
  int k = find_kind (argc, argv, common, kind_options);
  if (k == 0)
    {
      /* no kind: the command's own --help, or a usage error */
      if (stva_cli_parse (&argc, &argv, status, parameters, help, common, NULL))
        *status = stva_cli_usage (usage, "%s needs %s", argv[0], parameters);
      return FALSE;
    }
  if (!kind_from_name (argv[k], kind))
    {
      *status = stva_cli_usage (usage, "unknown %s kind '%s'", argv[0], argv[k]);
      return FALSE;
    }
  const KindSpec *spec = &specs[*kind];
  /* one table: the common options, then the kind's own */
  g_autoptr (GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  for (const GOptionEntry *e = common; e->long_name != NULL; e++)
    g_array_append_val (entries, *e);
  for (guint i = 0; kind_options[i].long_name != NULL; i++)
    if (spec->options & (1u << i))
      g_array_append_val (entries, kind_options[i]);
  /* argv without KIND, named "COMMAND KIND" in messages */
  g_autofree char *title = g_strdup_printf ("%s %s", argv[0], argv[k]);
  g_autofree char **v = g_new0 (char *, argc + 1);
  int n = 0;
  v[n++] = title;
  for (int i = 1; i < argc; i++)
    if (i != k)
      v[n++] = argv[i];
  char **pv = v;
  if (!stva_cli_parse (&n, &pv, status, spec->parameter, spec->description,
                       (const GOptionEntry *) entries->data, NULL)
      || !stva_cli_max_arguments (title, n, pv, 1, status))
    return FALSE;
  if (n < 2)
    {
      *status = stva_cli_usage (usage, "%s needs %s", title, spec->parameter);
      return FALSE;
    }
  *arg = pv[1];
  return TRUE;
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
  "                   another lab's: --speaker-tiers A,B --label-tier T\n"
  "                   [--label-set NAME | --new-label-set NAME]; --list-tiers [--json]\n"
  "  textgrid FILE    a Praat TextGrid       [--tier NAME] [--label-set NAME] [--split S]\n"
  "  csv FILE         a CSV with a column mapping  --columns field=column,... [--label-set NAME]\n"
  "                   [--split S]\n"
  "  npz FILE         features in core's npz dataset layout [--extractor NAME]\n"
  "Every kind takes --project FILE and --json.";

enum  /* the import kinds' options: bits of KindSpec.options, in import_options' order */
{
  I_VIDEO = 1 << 0,
  I_SPLIT = 1 << 1,
  I_TIER = 1 << 2,
  I_LABEL_SET = 1 << 3,
  I_EXTRACTOR = 1 << 4,
  I_COLUMNS = 1 << 5,
  I_SHARD = 1 << 6,
  I_SPEAKER_TIERS = 1 << 7,
  I_LABEL_TIER = 1 << 8,
  I_NEW_LABEL_SET = 1 << 9,
  I_LIST_TIERS = 1 << 10,
};

static const KindSpec import_specs[STVA_N_IMPORT_KINDS] = {
  [STVA_IMPORT_MELD] = { "DIR", "Imports a MELD-layout folder.", I_SHARD },
  [STVA_IMPORT_IEMOCAP] = { "DIR", "Imports an IEMOCAP release (label set iemocap-6, the "
                            "default, or iemocap-4).", I_LABEL_SET },
  [STVA_IMPORT_SRT] = { "FILE", "Imports SRT subtitles as one dialogue, each cue an "
                        "utterance.", I_VIDEO | I_SPLIT },
  [STVA_IMPORT_VTT] = { "FILE", "Imports WebVTT subtitles as one dialogue, each cue an "
                        "utterance.", I_VIDEO | I_SPLIT },
  [STVA_IMPORT_EAF] = { "FILE", "Imports an ELAN EAF file as one dialogue: our own export's "
                        "layout (--tier), or another lab's through the tiers chosen "
                        "(--speaker-tiers, --label-tier; --list-tiers shows them).",
                        I_TIER | I_SPLIT | I_LABEL_SET | I_SPEAKER_TIERS | I_LABEL_TIER
                        | I_NEW_LABEL_SET | I_LIST_TIERS },
  [STVA_IMPORT_TEXTGRID] = { "FILE", "Imports a Praat TextGrid as one dialogue.",
                             I_TIER | I_LABEL_SET | I_SPLIT },
  [STVA_IMPORT_CSV] = { "FILE", "Imports a CSV through a column mapping; --split puts a file "
                        "holding one split into it.", I_COLUMNS | I_LABEL_SET | I_SPLIT },
  [STVA_IMPORT_NPZ] = { "FILE", "Imports features in core's npz dataset layout, matching "
                        "dialogues by name, split and length.", I_EXTRACTOR },
};

static gboolean
import_kind_from_name (const char *name,
                       int        *kind)
{
  StvaImportKind k;
  if (!stva_import_kind_from_name (name, &k))
    return FALSE;
  *kind = k;
  return TRUE;
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

/* The values of an import's options, checked: the split's canonical name, the shard.  FALSE
 * after printing usage. */
static gboolean
import_values (const char        *command,
               const char        *split,
               const char        *shard,
               StvaImportOptions *o,
               int               *status)
{
  if (split != NULL)
    {
      int s = -1;
      g_autoptr (GError) error = NULL;
      if (!stva_cli_split_option (split, &s, &error) || s < 0)
        {
          fprintf (stderr, "synctva: %s: %s\nusage: see synctva %s --help\n", command,
                   error != NULL ? error->message
                                 : "--split: an import goes into one split: train, dev, test "
                                   "or none", command);
          *status = STVA_EXIT_USAGE;
          return FALSE;
        }
      o->split = stva_split_name (s);
    }
  if (shard != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (shard, "/", 2);
      long long i = 0, n = 0;
      if (g_strv_length (parts) != 2 || !stva_cli_parse_int (parts[1], 1, 100000, &n)
          || !stva_cli_parse_int (parts[0], 0, n - 1, &i))
        {
          *status = stva_cli_usage ("synctva import meld DIR --shard i/n",
                                    "--shard takes i/n with 0 <= i < n");
          return FALSE;
        }
      o->shard = (guint) i;
      o->n_shards = (guint) n;
    }
  return TRUE;
}

static void
add_nullable (JsonBuilder *b,
              const char  *name,
              const char  *v)
{
  if (v != NULL)
    add_string (b, name, v);
  else
    {
      json_builder_set_member_name (b, name);
      json_builder_add_null_value (b);
    }
}

/* The EAF options that go together; FALSE after printing usage. */
static gboolean
eaf_options (const StvaImportOptions *o,
             gboolean                 list_tiers,
             gboolean                 split,
             int                     *status)
{
  static const char usage[] = "synctva import eaf FILE --speaker-tiers A,B --label-tier T "
                              "[--label-set NAME | --new-label-set NAME] [--split S]";
  gboolean choice = o->speaker_tiers || o->label_tiers || o->label_set || o->new_label_set;
  if (o->label_set != NULL && o->new_label_set != NULL)
    *status = stva_cli_usage (usage, "import eaf: --label-set or --new-label-set, not both");
  else if ((o->label_set != NULL || o->new_label_set != NULL) && o->label_tiers == NULL)
    *status = stva_cli_usage (usage, "import eaf: %s needs --label-tier",
                              o->label_set ? "--label-set" : "--new-label-set");
  else if (o->tier != NULL && choice)
    *status = stva_cli_usage (usage, "import eaf: --tier reads our own layout; another lab's "
                              "takes --label-tier");
  else if (list_tiers && (choice || o->tier || split))
    *status = stva_cli_usage ("synctva import eaf FILE --list-tiers [--json]",
                              "import eaf: --list-tiers imports nothing and takes only --json");
  else
    return TRUE;
  return FALSE;
}

/* synctva import eaf FILE --list-tiers: what the import dialog shows. */
static int
print_eaf_tiers (const char *path,
                 gboolean    json)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) tiers = stva_engine_eaf_tiers (path, &error);
  if (tiers == NULL)
    return stva_cli_fail_error (error);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "file", path);
      json_builder_set_member_name (b, "tiers");
      json_builder_begin_array (b);
      for (guint i = 0; i < tiers->len; i++)
        {
          const StvaDbEafTier *t = g_ptr_array_index (tiers, i);
          json_builder_begin_object (b);
          add_string (b, "id", t->id);
          add_nullable (b, "participant", t->participant);
          add_string (b, "type", t->type);
          add_string (b, "constraint", stva_db_eaf_constraint_name (t->constraint));
          add_nullable (b, "parent", t->parent);
          json_builder_set_member_name (b, "time_aligned");
          json_builder_add_boolean_value (b, t->time_aligned);
          add_int (b, "annotations", t->n_annotations);
          add_nullable (b, "vocabulary", t->cv);
          add_nullable (b, "vocabulary_url", t->cv_url);
          json_builder_set_member_name (b, "vocabulary_values");
          json_builder_begin_array (b);
          for (guint k = 0; k < t->cv_values->len; k++)
            json_builder_add_string_value (b, g_ptr_array_index (t->cv_values, k));
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
      return STVA_EXIT_OK;
    }
  printf ("%s: %u tiers\n", path, tiers->len);
  for (guint i = 0; i < tiers->len; i++)
    {
      const StvaDbEafTier *t = g_ptr_array_index (tiers, i);
      printf ("%s\n  participant %s, type %s, %s, %s%s%s, %u annotation%s\n", t->id,
              t->participant ? t->participant : "-", t->type,
              t->time_aligned ? "time-aligned" : "not time-aligned",
              t->parent ? stva_db_eaf_constraint_name (t->constraint) : "top level",
              t->parent ? " of " : "", t->parent ? t->parent : "", t->n_annotations,
              t->n_annotations == 1 ? "" : "s");
      if (t->cv == NULL)
        continue;
      printf ("  vocabulary %s", t->cv);
      if (t->cv_url != NULL)
        printf (" (external, not fetched: %s)", t->cv_url);
      for (guint k = 0; k < t->cv_values->len; k++)
        printf ("%s%s", k ? ", " : ": ", (char *) g_ptr_array_index (t->cv_values, k));
      printf ("\n");
    }
  return STVA_EXIT_OK;
}

int
stva_cli_import (int    argc,
                 char **argv)
{
  g_autofree char *project_option = NULL, *video = NULL, *split = NULL, *tier = NULL;
  g_autofree char *label_set = NULL, *extractor = NULL, *columns = NULL, *shard = NULL;
  g_autofree char *speaker_tiers = NULL, *label_tiers = NULL, *new_label_set = NULL;
  gboolean json = FALSE, list_tiers = FALSE;
  const GOptionEntry common[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  const GOptionEntry kind_options[] = {   /* in the order of the I_ bits */
    { "video", 0, 0, G_OPTION_ARG_FILENAME, &video,
      "The dialogue's video (default: one beside the subtitles with the same name)", "FILE" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, "The split: train, dev, test or none "
      "(default: none; csv: the mapping's split column, else none)", "S" },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier, "The tier of gold labels (\"\": none)",
      "NAME" },
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &label_set, "The label set of the gold labels",
      "NAME" },
    { "extractor", 0, 0, G_OPTION_ARG_STRING, &extractor,
      "The extractor the features are stored as (default: npz:FILE)", "NAME" },
    { "columns", 0, 0, G_OPTION_ARG_STRING, &columns, "The column mapping (required): "
      "dialogue and text, optionally speaker, split, index, start, end, start_ms, end_ms, "
      "label", "field=column,..." },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      "Only the dialogues whose id % n is i (a batch job in n parts)", "i/n" },
    { "speaker-tiers", 0, 0, G_OPTION_ARG_STRING, &speaker_tiers, "The tiers of utterances, "
      "each a speaker (default: the top-level time-aligned tiers without a vocabulary)",
      "A,B,..." },
    { "label-tier", 0, 0, G_OPTION_ARG_STRING, &label_tiers, "The tier of labels (several: "
      "each speaker's own first)", "T[,U...]" },
    { "new-label-set", 0, 0, G_OPTION_ARG_STRING, &new_label_set, "Make a label set of the "
      "label tier's vocabulary (in its order) or values", "NAME" },
    { "list-tiers", 0, 0, G_OPTION_ARG_NONE, &list_tiers, "List the file's tiers and import "
      "nothing", NULL },
    { NULL },
  };
  int status = STVA_EXIT_OK, kind = 0;
  const char *path = NULL;
  if (!parse_kind_command (argc, argv, "KIND PATH", import_help, common, kind_options,
                           import_kind_from_name, import_specs, &kind, &path, &status))
    return status;
  g_autofree char *command = g_strdup_printf ("import %s", stva_import_kind_name (kind));
  StvaImportOptions options = { .kind = kind, .path = path, .video = video, .tier = tier,
                                .label_set = label_set, .extractor = extractor,
                                .columns = columns, .speaker_tiers = speaker_tiers,
                                .label_tiers = label_tiers, .new_label_set = new_label_set };
  if (kind == STVA_IMPORT_EAF && !eaf_options (&options, list_tiers, split != NULL, &status))
    return status;
  if (list_tiers)
    return print_eaf_tiers (path, json);
  if (kind == STVA_IMPORT_CSV && columns == NULL)
    return stva_cli_usage ("synctva import csv FILE --columns field=column,...",
                           "import csv needs --columns field=column,...");
  if (!import_values (command, split, shard, &options, &status))
    return status;
  GError *error = NULL;
  g_autofree char *project = project_path (project_option, &error);
  if (project == NULL)
    return stva_cli_fail_error (error);
  options.project = project;

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "importing");
  g_autoptr (StvaJob) job = stva_cli_project_job_new (&progress);
  g_autoptr (StvaImportResult) result = NULL;
  gboolean ok = stva_engine_import (job, &options, &result, &error);
  stva_cli_progress_finish (&progress);
  return ok ? print_import (result, json) : stva_cli_fail_error (error);
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
  gint64 n_kept = 0;
  if (!ok && stva_job_kept (job, &n_kept) == STVA_JOB_KEPT_DIALOGUES)
    {
      status = stva_cli_fail_error (error);
      fprintf (stderr, "synctva: %s holds the first %" G_GINT64_FORMAT " inputs, merged whole\n",
               options.out, n_kept);
      return status;
    }
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

enum  /* the export kinds' options: bits of KindSpec.options, in export_options' order */
{
  E_LABEL_SET = 1 << 0,
  E_MODEL = 1 << 1,
  E_DIALOGUE = 1 << 2,
  E_GOLD = 1 << 3,
};

#define E_ROWS "One row per utterance: ids, split, times, speaker, text, gold, current, each " \
               "annotator, the model's prediction and probabilities."
#define E_DIALOGUE_TEXT "One dialogue with its transcripts and gold, current and predicted " \
                        "labels."

static const KindSpec export_specs[STVA_N_EXPORT_KINDS] = {
  [STVA_EXPORT_CSV] = { "OUT", E_ROWS, E_LABEL_SET | E_MODEL },
  [STVA_EXPORT_JSONL] = { "OUT", E_ROWS, E_LABEL_SET | E_MODEL },
  [STVA_EXPORT_MELD] = { "DIR", "MELD's three CSVs in DIR (made), Emotion the current label.",
                         0 },
  [STVA_EXPORT_NPZ] = { "OUT", "The project in core's npz dataset layout.",
                        E_LABEL_SET | E_GOLD },
  [STVA_EXPORT_SRT] = { "OUT", "One dialogue's utterances as SRT subtitles.", E_DIALOGUE },
  [STVA_EXPORT_VTT] = { "OUT", "One dialogue's utterances as WebVTT subtitles.", E_DIALOGUE },
  [STVA_EXPORT_EAF] = { "OUT", E_DIALOGUE_TEXT, E_DIALOGUE | E_LABEL_SET | E_MODEL },
  [STVA_EXPORT_TEXTGRID] = { "OUT", E_DIALOGUE_TEXT, E_DIALOGUE | E_LABEL_SET | E_MODEL },
};

static gboolean
export_kind_from_name (const char *name,
                       int        *kind)
{
  StvaExportKind k;
  if (!stva_export_kind_from_name (name, &k))
    return FALSE;
  *kind = k;
  return TRUE;
}

int
stva_cli_export (int    argc,
                 char **argv)
{
  g_autofree char *project_option = NULL, *label_set = NULL, *model = NULL, *dialogue = NULL;
  gboolean json = FALSE, gold = FALSE;
  const GOptionEntry common[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  const GOptionEntry kind_options[] = {   /* in the order of the E_ bits */
    { "label-set", 0, 0, G_OPTION_ARG_STRING, &label_set, "The label set (default: meld)",
      "NAME" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, "Whose predictions (default: the newest "
      "model of the set)", "ID" },
    { "dialogue", 0, 0, G_OPTION_ARG_STRING, &dialogue, "The dialogue (required)", "ID" },
    { "gold", 0, 0, G_OPTION_ARG_NONE, &gold, "Gold labels instead of the current ones",
      NULL },
    { NULL },
  };
  int status = STVA_EXIT_OK, kind = 0;
  const char *out = NULL;
  if (!parse_kind_command (argc, argv, "KIND OUT", export_help, common, kind_options,
                           export_kind_from_name, export_specs, &kind, &out, &status))
    return status;
  g_autofree char *command = g_strdup_printf ("export %s", stva_export_kind_name (kind));
  StvaExportOptions options = { .kind = kind, .out = out, .label_set = label_set,
                                .gold = gold };
  if (!id_option (command, "--model", model, &options.model_id, &status)
      || !id_option (command, "--dialogue", dialogue, &options.dialogue_id, &status))
    return status;
  if (stva_export_kind_is_dialogue (kind) && options.dialogue_id == 0)
    return stva_cli_usage ("synctva export KIND OUT --dialogue ID",
                           "%s needs --dialogue ID", command);
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
