/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project commands of synctva: `init`, `import KIND PATH`, `export KIND OUT` and `stats`.
 * Argument parsing, finding the project (--project, $SYNCTVA_PROJECT, or the single *.stva in
 * the current folder) and printing; the work is in db/.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-project.h"
#include "stva-db.h"

/* ---- shared ------------------------------------------------------------------------------- */

typedef struct
{
  const char *project;      /* --project */
  const char *label_set;    /* --label-set */
  long long   model_id;     /* --model */
  bool        json;
  bool        no_gold;
  bool        model_rater;
  const char *video;        /* --video */
  const char *split;        /* --split */
  const char *tier;         /* --tier */
  const char *extractor;    /* --extractor */
  const char *columns;      /* --columns */
  bool        gold;         /* --gold */
  long long   dialogue_id;  /* --dialogue */
  long long   shard;        /* --shard i/n */
  long long   n_shards;
  const char *pos[4];       /* positional arguments */
  int         n_pos;
} Args;

/* Parses the options every project command shares; returns false after printing usage. */
static bool
parse_args (int         argc,
            char      **argv,
            const char *usage,
            int         max_pos,
            Args       *args,
            int        *status)
{
  memset (args, 0, sizeof *args);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--project") == 0 && has_value)
        args->project = argv[++i];
      else if (strcmp (a, "--label-set") == 0 && has_value)
        args->label_set = argv[++i];
      else if (strcmp (a, "--model") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 1, INT64_MAX, &args->model_id))
            {
              *status = stva_cli_usage (usage, "--model takes a model id");
              return false;
            }
        }
      else if (strcmp (a, "--video") == 0 && has_value)
        args->video = argv[++i];
      else if (strcmp (a, "--split") == 0 && has_value)
        args->split = argv[++i];
      else if (strcmp (a, "--tier") == 0 && has_value)
        args->tier = argv[++i];
      else if (strcmp (a, "--extractor") == 0 && has_value)
        args->extractor = argv[++i];
      else if (strcmp (a, "--columns") == 0 && has_value)
        args->columns = argv[++i];
      else if (strcmp (a, "--gold") == 0)
        args->gold = true;
      else if (strcmp (a, "--dialogue") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 1, INT64_MAX, &args->dialogue_id))
            {
              *status = stva_cli_usage (usage, "--dialogue takes a dialogue id");
              return false;
            }
        }
      else if (strcmp (a, "--shard") == 0 && has_value)
        {
          g_auto (GStrv) parts = g_strsplit (argv[++i], "/", 2);
          if (g_strv_length (parts) != 2
              || !stva_cli_parse_int (parts[1], 1, 100000, &args->n_shards)
              || !stva_cli_parse_int (parts[0], 0, args->n_shards - 1, &args->shard))
            {
              *status = stva_cli_usage (usage, "--shard takes i/n with 0 <= i < n");
              return false;
            }
        }
      else if (strcmp (a, "--json") == 0)
        args->json = true;
      else if (strcmp (a, "--no-gold") == 0)
        args->no_gold = true;
      else if (strcmp (a, "--model-rater") == 0)
        args->model_rater = true;
      else if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n", usage);
          *status = STVA_EXIT_OK;
          return false;
        }
      else if (a[0] == '-' && a[1] != '\0')
        {
          *status = stva_cli_usage (usage, "unknown or incomplete option '%s'", a);
          return false;
        }
      else if (args->n_pos < max_pos)
        args->pos[args->n_pos++] = a;
      else
        {
          *status = stva_cli_usage (usage, "too many arguments ('%s')", a);
          return false;
        }
    }
  return true;
}

static StvaDb *
open_project (const Args  *args,
              GError     **error)
{
  g_autofree char *path = stva_cli_find_project (args->project, error);
  if (path == NULL)
    return NULL;
  return stva_db_open (path, STVA_DB_OPEN_EXISTING, error);
}

static int
fail_error (GError *error)
{
  int status = stva_cli_fail ("%s", error->message);
  g_error_free (error);
  return status;
}

/* ---- init --------------------------------------------------------------------------------- */

static const char init_usage[] = "synctva init [--project FILE | FILE]";

int
stva_cli_init (int    argc,
               char **argv)
{
  Args args;
  int status;
  if (!parse_args (argc, argv, init_usage, 1, &args, &status))
    return status;
  if (args.project != NULL && args.n_pos > 0)
    return stva_cli_usage (init_usage, "give the project file once");
  const char *path = args.project ? args.project : args.n_pos ? args.pos[0]
                                                             : g_getenv ("SYNCTVA_PROJECT");
  if (path == NULL || *path == '\0')
    path = "project.stva";
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return stva_cli_fail ("%s: already exists; init makes a new project", path);
  if (!stva_cli_output_ok (path))   /* in words, rather than SQLite's "unable to open" */
    return STVA_EXIT_ERROR;
  GError *error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  if (db == NULL)
    return fail_error (error);
  if (args.json)
    printf ("{\"project\": \"%s\", \"schema_version\": %d}\n", path,
            stva_db_schema_version (db));
  else
    printf ("Created project %s (schema version %d)\n", path, stva_db_schema_version (db));
  return STVA_EXIT_OK;
}

/* ---- import ------------------------------------------------------------------------------- */

static const char import_usage[] =
  "synctva import meld DIR [--shard i/n] | iemocap DIR [--label-set iemocap-4] |\n"
  "       srt|vtt FILE [--video FILE] [--split S] |\n"
  "       eaf|textgrid FILE [--tier NAME] [--label-set NAME] [--split S] |\n"
  "       npz FILE [--extractor NAME] | csv FILE --columns field=column,...\n"
  "       [--project FILE] [--json]";

/* Kinds issue #5 plans that this build does not read yet. */
static const char *const planned_imports[] = {
  "pickle",
};

int
stva_cli_import (int    argc,
                 char **argv)
{
  Args args;
  int status;
  if (!parse_args (argc, argv, import_usage, 2, &args, &status))
    return status;
  if (args.n_pos != 2)
    return stva_cli_usage (import_usage, "import needs a KIND and a PATH");
  const char *kind = args.pos[0], *path = args.pos[1];
  bool subtitles = strcmp (kind, "srt") == 0 || strcmp (kind, "vtt") == 0
                   || strcmp (kind, "webvtt") == 0;
  bool eaf = strcmp (kind, "eaf") == 0 || strcmp (kind, "elan") == 0;
  bool textgrid = g_ascii_strcasecmp (kind, "textgrid") == 0, npz = strcmp (kind, "npz") == 0;
  bool iemocap = strcmp (kind, "iemocap") == 0, csv = strcmp (kind, "csv") == 0;
  if (strcmp (kind, "meld") != 0 && !subtitles && !eaf && !textgrid && !npz && !iemocap && !csv)
    {
      for (size_t i = 0; i < G_N_ELEMENTS (planned_imports); i++)
        if (strcmp (kind, planned_imports[i]) == 0)
          return stva_cli_fail ("importing '%s' is not built yet (issue #5); this build "
                                "imports meld, iemocap, srt, vtt, eaf, textgrid, npz and csv",
                                kind);
      return stva_cli_usage (import_usage, "unknown import kind '%s'", kind);
    }
  GError *error = NULL;
  g_autoptr (StvaDb) db = open_project (&args, &error);
  if (db == NULL)
    return fail_error (error);
  double t0 = stva_cli_now_s ();
  StvaDbImportReport report;
  g_autofree char *video = args.video ? g_strdup (args.video) : NULL;
  if (subtitles && video == NULL)
    {
      /* the video beside the subtitles, with the same name */
      g_autofree char *base = g_strdup (path);
      char *dot = strrchr (base, '.');
      if (dot != NULL && strchr (dot, '/') == NULL)
        *dot = '\0';
      static const char *const exts[] = { ".mp4", ".mkv", ".webm", ".avi", ".mov" };
      for (size_t i = 0; i < G_N_ELEMENTS (exts) && video == NULL; i++)
        {
          g_autofree char *candidate = g_strconcat (base, exts[i], NULL);
          if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
            video = g_steal_pointer (&candidate);
        }
    }
  if (csv && args.columns == NULL)
    return stva_cli_usage (import_usage, "import csv needs --columns field=column,...");
  if (!(csv ? stva_db_import_csv (db, path, args.columns, args.label_set, &report, &error)
        : iemocap ? stva_db_import_iemocap (db, path, args.label_set, &report, &error)
        : npz ? stva_db_import_npz_features (db, path, args.extractor, &report, &error)
        : textgrid ? stva_db_import_textgrid (db, path, args.tier, args.label_set, args.split,
                                            &report, &error)
        : eaf ? stva_db_import_eaf (db, path, args.tier, args.split, &report, &error)
        : subtitles ? stva_db_import_subtitles (db, path, video, args.split, &report, &error)
                  : stva_db_import_meld_shard (db, path, (guint) args.shard,
                                               args.n_shards ? (guint) args.n_shards : 1,
                                               &report, &error)))
    return fail_error (error);
  double elapsed = stva_cli_now_s () - t0;
  guint n_warn = report.warnings->len;
  for (guint i = 0; i < n_warn && i < 10; i++)
    fprintf (stderr, "synctva: warning: %s\n", (char *) g_ptr_array_index (report.warnings, i));
  if (n_warn > 10)
    fprintf (stderr, "synctva: warning: ... and %u more (synctva stats counts them)\n",
             n_warn - 10);
  if (args.json)
    printf ("{\"project\": \"%s\", \"kind\": \"%s\", \"dialogues\": %d, \"utterances\": %d, "
            "\"clips\": %d, \"dialogue_videos\": %d, \"warnings\": %u, \"seconds\": %.3f}\n",
            stva_db_path (db), kind, report.n_dialogues, report.n_utterances, report.n_clips,
            report.n_dialogue_videos, n_warn, elapsed);
  else if (npz)
    printf ("Imported %d feature vectors for %d utterances of %d dialogues into %s in %.2f s "
            "(%u warnings)\n", report.n_clips, report.n_utterances, report.n_dialogues,
            stva_db_path (db), elapsed, n_warn);
  else
    printf ("Imported %d dialogues, %d utterances, %d clips, %d dialogue videos into %s "
            "in %.2f s (%u warnings)\n", report.n_dialogues, report.n_utterances,
            report.n_clips, report.n_dialogue_videos, stva_db_path (db), elapsed, n_warn);
  stva_db_import_report_clear (&report);
  return STVA_EXIT_OK;
}

/* ---- merge -------------------------------------------------------------------------------- */

static const char merge_usage[] = "synctva merge OUT IN... [--json]";

int
stva_cli_merge (int    argc,
                char **argv)
{
  bool json = false;
  g_autoptr (GPtrArray) files = g_ptr_array_new ();
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--json") == 0)
        json = true;
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          printf ("usage: %s\n", merge_usage);
          return STVA_EXIT_OK;
        }
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        return stva_cli_usage (merge_usage, "unknown option '%s'", argv[i]);
      else
        g_ptr_array_add (files, argv[i]);
    }
  if (files->len < 2)
    return stva_cli_usage (merge_usage, "merge needs an output and at least one input");
  const char *out = g_ptr_array_index (files, 0);
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    return stva_cli_fail ("%s: already exists; merge writes a new project", out);
  /* built under a temporary name and renamed when whole, so a failed merge leaves nothing */
  g_autofree char *tmp = g_strconcat (out, ".tmp", NULL);
  static const char *const sidecars[] = { "", "-wal", "-shm" };
  for (size_t i = 0; i < G_N_ELEMENTS (sidecars); i++)
    {
      g_autofree char *p = g_strconcat (tmp, sidecars[i], NULL);
      remove (p);
    }
  GError *error = NULL;
  StvaDb *db = stva_db_open (tmp, STVA_DB_OPEN_CREATE, &error);
  StvaDbMergeReport report;
  gboolean ok = db != NULL
                && stva_db_merge (db, (const char *const *) files->pdata + 1, files->len - 1,
                                  &report, &error);
  stva_db_close (db);
  if (ok && rename (tmp, out) != 0)
    {
      ok = FALSE;
      g_set_error (&error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", out, g_strerror (errno));
    }
  if (!ok)
    {
      for (size_t i = 0; i < G_N_ELEMENTS (sidecars); i++)
        {
          g_autofree char *p = g_strconcat (tmp, sidecars[i], NULL);
          remove (p);
        }
      return fail_error (error);
    }
  for (guint i = 0; i < report.conflicts->len; i++)
    fprintf (stderr, "synctva: conflict: %s\n", (char *) g_ptr_array_index (report.conflicts, i));
  if (json)
    printf ("{\"out\": \"%s\", \"inputs\": %u, \"utterances_added\": %d, \"events_added\": %d, "
            "\"events_duplicate\": %d, \"conflicts\": %u}\n", out, report.n_inputs,
            report.n_utterances_added, report.n_events_added, report.n_events_duplicate,
            report.conflicts->len);
  else
    printf ("Merged %u projects into %s: %d utterances, %d corrections (%d already there), "
            "%u conflicts\n", report.n_inputs, out, report.n_utterances_added,
            report.n_events_added, report.n_events_duplicate, report.conflicts->len);
  stva_db_merge_report_clear (&report);
  return STVA_EXIT_OK;
}

/* ---- export ------------------------------------------------------------------------------- */

static const char export_usage[] =
  "synctva export csv|jsonl|meld OUT [--label-set NAME] [--model ID] | srt|vtt|eaf|textgrid OUT "
  "--dialogue ID [--label-set NAME] [--model ID] | npz OUT [--label-set NAME] [--gold]"
  "  [--project FILE]";

static StvaDbLabelSet *
pick_label_set (StvaDb      *db,
                const Args  *args,
                GError     **error)
{
  return stva_db_label_set (db, args->label_set ? args->label_set : STVA_DB_MELD_SET, error);
}

int
stva_cli_export (int    argc,
                 char **argv)
{
  Args args;
  int status;
  if (!parse_args (argc, argv, export_usage, 2, &args, &status))
    return status;
  if (args.n_pos != 2)
    return stva_cli_usage (export_usage, "export needs a KIND and an output path");
  const char *kind = args.pos[0], *out = args.pos[1];
  bool csv = strcmp (kind, "csv") == 0, jsonl = strcmp (kind, "jsonl") == 0,
       meld = strcmp (kind, "meld") == 0, srt = strcmp (kind, "srt") == 0,
       vtt = strcmp (kind, "vtt") == 0, eaf = strcmp (kind, "eaf") == 0,
       textgrid = g_ascii_strcasecmp (kind, "textgrid") == 0, npz = strcmp (kind, "npz") == 0;
  if ((srt || vtt || eaf || textgrid) && args.dialogue_id == 0)
    return stva_cli_usage (export_usage, "export %s needs --dialogue ID", kind);
  if (!csv && !jsonl && !meld && !srt && !vtt && !eaf && !textgrid && !npz)
    {
      return stva_cli_usage (export_usage, "unknown export kind '%s'", kind);
    }
  if (!meld && !stva_cli_output_ok (out))   /* every kind but meld (a folder) writes a file */
    return STVA_EXIT_ERROR;
  GError *error = NULL;
  g_autoptr (StvaDb) db = open_project (&args, &error);
  if (db == NULL)
    return fail_error (error);
  gboolean ok;
  if (meld)
    ok = stva_db_export_meld (db, out, &error);
  else if (srt || vtt)
    ok = stva_db_export_subtitles (db, args.dialogue_id, vtt, out, &error);
  else
    {
      g_autoptr (StvaDbLabelSet) set = pick_label_set (db, &args, &error);
      if (set == NULL)
        return fail_error (error);
      ok = csv ? stva_db_export_csv (db, set->id, args.model_id, out, &error)
           : jsonl ? stva_db_export_jsonl (db, set->id, args.model_id, out, &error)
           : npz ? stva_db_export_npz (db, set->id, !args.gold, out, &error)
           : textgrid ? stva_db_export_textgrid (db, args.dialogue_id, set->id, args.model_id,
                                                 out, &error)
                   : stva_db_export_eaf (db, args.dialogue_id, set->id, args.model_id, out,
                                         &error);
    }
  if (!ok)
    return fail_error (error);
  if (!args.json)
    printf ("Exported %s to %s\n", kind, out);
  else
    printf ("{\"kind\": \"%s\", \"out\": \"%s\"}\n", kind, out);
  return STVA_EXIT_OK;
}

/* ---- stats -------------------------------------------------------------------------------- */

static const char stats_usage[] =
  "synctva stats [--label-set NAME] [--model ID] [--no-gold] [--model-rater] [--json] "
  "[--project FILE]";

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

static void
print_value (const char *name,
             double      v)
{
  if (isnan (v))
    printf ("  %-26s %8s\n", name, "n/a");
  else
    printf ("  %-26s %8.3f\n", name, v);
}

int
stva_cli_stats (int    argc,
                char **argv)
{
  Args args;
  int status;
  if (!parse_args (argc, argv, stats_usage, 0, &args, &status))
    return status;
  GError *error = NULL;
  g_autoptr (StvaDb) db = open_project (&args, &error);
  if (db == NULL)
    return fail_error (error);
  g_autoptr (StvaDbLabelSet) set = pick_label_set (db, &args, &error);
  if (set == NULL)
    return fail_error (error);
  StvaDbCounts c;
  if (!stva_db_counts (db, &c, &error))
    return fail_error (error);
  g_autoptr (GPtrArray) classes = stva_db_class_stats (db, set->id, args.model_id, &error);
  g_autoptr (GPtrArray) annotators = classes ? stva_db_annotator_stats (db, set->id,
                                                                        args.model_id, &error)
                                             : NULL;
  g_autoptr (GPtrArray) dialogues = annotators ? stva_db_dialogues (db, set->id, &error) : NULL;
  if (dialogues == NULL)
    return fail_error (error);
  gint64 rater_model = 0;
  if (args.model_rater)
    rater_model = args.model_id ? args.model_id : stva_db_latest_model (db, set->id, &error);
  StvaDbAgreement ag;
  if (error != NULL || !stva_db_agreement (db, set->id, !args.no_gold, rater_model, &ag, &error))
    return fail_error (error);

  int n_utts = 0, n_reviewed = 0, n_changed = 0;
  for (guint i = 0; i < dialogues->len; i++)
    {
      StvaDbDialogue *d = g_ptr_array_index (dialogues, i);
      n_utts += d->n_utterances;
      n_reviewed += d->n_reviewed;
      n_changed += d->n_changed;
    }
  static const char *const splits[4] = { "train", "dev", "test", "none" };

  if (args.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "project");
      json_builder_add_string_value (b, stva_db_path (db));
      json_builder_set_member_name (b, "label_set");
      json_builder_add_string_value (b, set->name);
      json_builder_set_member_name (b, "dialogues");
      json_builder_begin_object (b);
      for (int s = 0; s < 4; s++)
        {
          json_builder_set_member_name (b, splits[s]);
          json_builder_add_int_value (b, c.n_dialogues[s]);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "utterances");
      json_builder_begin_object (b);
      for (int s = 0; s < 4; s++)
        {
          json_builder_set_member_name (b, splits[s]);
          json_builder_add_int_value (b, c.n_utterances[s]);
        }
      json_builder_end_object (b);
#define INT_MEMBER(name, v) (json_builder_set_member_name (b, name), \
                             json_builder_add_int_value (b, v))
      INT_MEMBER ("media", c.n_media);
      INT_MEMBER ("import_warnings", c.n_import_warnings);
      INT_MEMBER ("annotators", c.n_annotators);
      INT_MEMBER ("corrections", c.n_corrections);
      INT_MEMBER ("models", c.n_models);
      INT_MEMBER ("predictions", c.n_predictions);
      INT_MEMBER ("features", c.n_features);
      json_builder_set_member_name (b, "progress");
      json_builder_begin_object (b);
      INT_MEMBER ("reviewed", n_reviewed);
      INT_MEMBER ("changed", n_changed);
      INT_MEMBER ("total", n_utts);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "labels");
      json_builder_begin_object (b);
      for (guint k = 0; k < classes->len; k++)
        {
          StvaDbClassStats *s = g_ptr_array_index (classes, k);
          json_builder_set_member_name (b, s->name);
          json_builder_begin_object (b);
          INT_MEMBER ("gold", s->gold);
          INT_MEMBER ("current", s->current);
          INT_MEMBER ("predicted", s->predicted);
          INT_MEMBER ("changed_from", s->changed_from);
          INT_MEMBER ("changed_to", s->changed_to);
          add_double (b, "alpha", ag.alpha_per_class[k]);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "annotators_stats");
      json_builder_begin_object (b);
      for (guint a = 0; a < annotators->len; a++)
        {
          StvaDbAnnotatorStats *s = g_ptr_array_index (annotators, a);
          json_builder_set_member_name (b, s->name);
          json_builder_begin_object (b);
          INT_MEMBER ("labels", s->n_labels);
          INT_MEMBER ("events", s->n_events);
          INT_MEMBER ("differ_gold", s->n_differ_gold);
          INT_MEMBER ("differ_model", s->n_differ_model);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "agreement");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "raters");
      json_builder_begin_array (b);
      for (guint r = 0; r < ag.n_raters; r++)
        json_builder_add_string_value (b, ag.raters[r]);
      json_builder_end_array (b);
      INT_MEMBER ("units", ag.n_units);
      INT_MEMBER ("units_complete", ag.n_units_complete);
      add_double (b, "krippendorff_alpha", ag.alpha);
      add_double (b, "fleiss_kappa", ag.fleiss);
      add_double (b, "observed", ag.observed);
      json_builder_set_member_name (b, "cohen_kappa");
      json_builder_begin_array (b);
      for (guint r = 0; r < ag.n_raters; r++)
        for (guint q = r + 1; q < ag.n_raters; q++)
          {
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "a");
            json_builder_add_string_value (b, ag.raters[r]);
            json_builder_set_member_name (b, "b");
            json_builder_add_string_value (b, ag.raters[q]);
            add_double (b, "kappa", ag.cohen[r * ag.n_raters + q]);
            json_builder_end_object (b);
          }
      json_builder_end_array (b);
      json_builder_end_object (b);
#undef INT_MEMBER
      json_builder_end_object (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      stva_db_agreement_clear (&ag);
      return STVA_EXIT_OK;
    }

  printf ("Project %s (label set %s)\n", stva_db_path (db), set->name);
  printf ("  %-8s %9s %11s\n", "split", "dialogues", "utterances");
  for (int s = 0; s < 4; s++)
    if (c.n_dialogues[s] > 0 || s < 3)
      printf ("  %-8s %9d %11d\n", splits[s], c.n_dialogues[s], c.n_utterances[s]);
  printf ("  media files %d (%d import warnings), annotators %d, corrections %d, models %d, "
          "predictions %d, features %d\n", c.n_media, c.n_import_warnings, c.n_annotators,
          c.n_corrections, c.n_models, c.n_predictions, c.n_features);
  printf ("  reviewed %d of %d utterances (%.1f%%), %d changed from gold\n", n_reviewed, n_utts,
          n_utts ? 100.0 * n_reviewed / n_utts : 0.0, n_changed);
  printf ("\n  %-10s %7s %8s %9s %8s %8s %7s\n", "label", "gold", "current", "predicted",
          "changed-", "changed+", "alpha");
  for (guint k = 0; k < classes->len; k++)
    {
      StvaDbClassStats *s = g_ptr_array_index (classes, k);
      char alpha[16];
      if (isnan (ag.alpha_per_class[k]))
        g_strlcpy (alpha, "n/a", sizeof alpha);
      else
        g_snprintf (alpha, sizeof alpha, "%.3f", ag.alpha_per_class[k]);
      printf ("  %-10s %7d %8d %9d %8d %8d %7s\n", s->name, s->gold, s->current, s->predicted,
              s->changed_from, s->changed_to, alpha);
    }
  if (annotators->len > 0)
    {
      printf ("\n  %-16s %7s %7s %12s %13s\n", "annotator", "labels", "events", "differ-gold",
              "differ-model");
      for (guint a = 0; a < annotators->len; a++)
        {
          StvaDbAnnotatorStats *s = g_ptr_array_index (annotators, a);
          printf ("  %-16s %7d %7d %12d %13d\n", s->name, s->n_labels, s->n_events,
                  s->n_differ_gold, s->n_differ_model);
        }
    }
  printf ("\n  agreement among %u raters:", ag.n_raters);
  for (guint r = 0; r < ag.n_raters; r++)
    printf (" %s", ag.raters[r]);
  printf ("\n");
  printf ("  %-26s %8u\n", "units rated twice or more", ag.n_units);
  print_value ("Krippendorff's alpha", ag.alpha);
  print_value ("Fleiss' kappa", ag.fleiss);
  print_value ("observed agreement", ag.observed);
  for (guint r = 0; r < ag.n_raters; r++)
    for (guint q = r + 1; q < ag.n_raters; q++)
      {
        g_autofree char *name = g_strdup_printf ("Cohen's kappa %s/%s", ag.raters[r],
                                                 ag.raters[q]);
        print_value (name, ag.cohen[r * ag.n_raters + q]);
      }
  stva_db_agreement_clear (&ag);
  return STVA_EXIT_OK;
}
