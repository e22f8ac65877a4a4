/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva extract: options, one call of stva_engine_extract () (engine/stva-engine-extract.h)
 * and the summary, as a line for people or one JSON object.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "stva-cli.h"
#include "stva-cli-data.h"
#include "stva-cli-project.h"

static const char usage[] =
  "synctva extract [--jobs N] [--shard I/N] [--modalities T,A,V] [--cache DIR]\n"
  "                [--visual-fps F] [--out FILE.npz] [--json] CORPUS_DIR\n"
  "       synctva extract [--project FILE] [--jobs N] [--shard I/N] [--modalities T,A,V]\n"
  "                [--cache DIR] [--visual-fps F] [--json]";

static const char description[] =
  "Extracts text-v1, audio-v1 and visual-v2 features for every utterance of a MELD-layout\n"
  "folder (train/dev/test CSVs and clip folders) and writes the npz dataset that train, eval\n"
  "and predict read.  Results are cached per utterance, modality and extractor version, so a\n"
  "second run only computes what is missing; Ctrl-C stops cleanly and keeps what is done.\n"
  "--shard I/N computes only dialogues with index % N == I (0-based) into the cache; a last\n"
  "run without --shard assembles the dataset from the cache.\n"
  "\n"
  "With --project FILE (or without CORPUS_DIR: $SYNCTVA_PROJECT, or the single *.stva here)\n"
  "the utterances come from the project (their clip, else the dialogue video between their\n"
  "start and end) and the vectors are stored in it, a transaction per batch of dialogues, so\n"
  "an interrupted run keeps whole dialogues only.  The text encoder is fitted on the\n"
  "project's train split, and every run re-encodes the text of every utterance (shards\n"
  "aside; it takes seconds) in one transaction, each vector recorded with the fit's id\n"
  "(fit-<hash of the fitted IDF>), so the project's text vectors never mix two fits; the\n"
  "summary names the fit and counts the vectors that changed.  The cache defaults to\n"
  ".synctva-cache next to the project.";

static gboolean
parse_modalities (const char *s,
                  gboolean    use[STVA_N_MOD])
{
  for (int m = 0; m < STVA_N_MOD; m++)
    use[m] = FALSE;
  for (; *s != '\0'; s++)
    {
      if (*s == ',' || *s == ' ')
        continue;
      int m = *s == 'T' || *s == 't' ? STVA_MOD_T : *s == 'A' || *s == 'a' ? STVA_MOD_A
              : *s == 'V' || *s == 'v' ? STVA_MOD_V : -1;
      if (m < 0)
        return FALSE;
      use[m] = TRUE;
    }
  return use[0] || use[1] || use[2];
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
print_json (const StvaEngineExtractOptions *o,
            const StvaEngineExtractResult  *r)
{
  const StvaExtractReport *rep = &r->report;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (o->project != NULL)
    {
      json_builder_set_member_name (b, "project");
      json_builder_add_string_value (b, r->place);
      add_int (b, "dialogues", r->n_dialogues);
      add_int (b, "utterances", r->n_utterances);
      if (o->shard_count > 1)
        {
          g_autofree char *shard = g_strdup_printf ("%d/%d", o->shard_index, o->shard_count);
          json_builder_set_member_name (b, "shard");
          json_builder_add_string_value (b, shard);
        }
      if (r->text)
        {
          json_builder_set_member_name (b, "text_fit");
          json_builder_add_string_value (b, r->fit_id);
          add_int (b, "text_fit_on", r->n_fit_on);
          add_int (b, "text_new", (gint64) r->n_text_new);
          add_int (b, "text_changed", (gint64) r->n_text_changed);
        }
      json_builder_set_member_name (b, "stored");
      json_builder_begin_object (b);
      for (int m = 0; m < STVA_N_MOD; m++)
        add_int (b, stva_modality_name (m), (gint64) r->n_stored[m]);
      json_builder_end_object (b);
    }
  else if (o->shard_count > 1)
    {
      g_autofree char *shard = g_strdup_printf ("%d/%d", o->shard_index, o->shard_count);
      json_builder_set_member_name (b, "shard");
      json_builder_add_string_value (b, shard);
      add_int (b, "utterances", (gint64) rep->n_items);
    }
  else
    {
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, r->out_path);
      add_int (b, "dialogues", r->n_dialogues);
      add_int (b, "utterances", r->n_utterances);
      json_builder_set_member_name (b, "features");
      json_builder_begin_object (b);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          char name[2] = { stva_modality_letter (m), '\0' };
          add_int (b, name, r->F[m]);
        }
      json_builder_end_object (b);
    }
  add_int (b, "computed_audio", (gint64) rep->n_computed[STVA_MOD_A]);
  add_int (b, "cached_audio", (gint64) rep->n_cached[STVA_MOD_A]);
  add_int (b, "computed_visual", (gint64) rep->n_computed[STVA_MOD_V]);
  add_int (b, "cached_visual", (gint64) rep->n_cached[STVA_MOD_V]);
  if (o->project != NULL)
    add_int (b, "no_media", (gint64) r->n_no_media);
  else if (o->shard_count <= 1)
    add_int (b, "missing_clips", (gint64) r->n_missing_clips);
  add_int (b, "failed", (gint64) rep->n_failed);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, r->seconds);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  stva_cli_print_json (root);
}

static void
print_text (const StvaEngineExtractOptions *o,
            const StvaEngineExtractResult  *r)
{
  const StvaExtractReport *rep = &r->report;
  if (o->project != NULL)
    {
      if (r->text)
        printf ("%s: text encoder fitted on %u training utterances (%s); text vectors of every "
                "utterance: %zu stored, %zu new, %zu changed%s\n", r->place, r->n_fit_on,
                r->fit_id, r->n_stored[STVA_MOD_T], r->n_text_new, r->n_text_changed,
                r->n_text_changed > 0 ? " (a new fit: the train split or transcripts changed)"
                                      : "");
      printf ("%s: %u dialogues, %u utterances%s; stored %zu text, %zu audio, %zu visual "
              "vectors; audio %zu computed + %zu cached, visual %zu computed + %zu cached; %zu "
              "without media, %zu unreadable; %.1f s\n", r->place, r->n_dialogues,
              r->n_utterances, o->shard_count > 1 ? " (this shard's share)" : "",
              r->n_stored[0], r->n_stored[1], r->n_stored[2], rep->n_computed[STVA_MOD_A],
              rep->n_cached[STVA_MOD_A], rep->n_computed[STVA_MOD_V], rep->n_cached[STVA_MOD_V],
              r->n_no_media, rep->n_failed, r->seconds);
    }
  else if (o->shard_count > 1)
    printf ("shard %d/%d: %zu utterances (audio %zu computed, %zu cached; visual %zu computed, "
            "%zu cached; %zu unreadable) in %.1f s; cache %s\n", o->shard_index, o->shard_count,
            rep->n_items, rep->n_computed[STVA_MOD_A], rep->n_cached[STVA_MOD_A],
            rep->n_computed[STVA_MOD_V], rep->n_cached[STVA_MOD_V], rep->n_failed, r->seconds,
            r->cache_dir);
  else
    printf ("%s: %u dialogues, %u utterances; text %d, audio %d, visual %d dimensions; audio %zu "
            "computed + %zu cached, visual %zu computed + %zu cached; %zu missing clips, %zu "
            "unreadable; %.1f s\n", r->out_path, r->n_dialogues, r->n_utterances, r->F[0],
            r->F[1], r->F[2], rep->n_computed[STVA_MOD_A], rep->n_cached[STVA_MOD_A],
            rep->n_computed[STVA_MOD_V], rep->n_cached[STVA_MOD_V], r->n_missing_clips,
            rep->n_failed, r->seconds);
}

int
stva_cli_extract (int    argc,
                  char **argv)
{
  g_autofree char *shard = NULL, *modalities = NULL, *cache = NULL, *project = NULL;
  g_autofree char *out_path = NULL, *project_path = NULL;
  int jobs = 0, status;
  double fps = 0.0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project,
      "The project (default without CORPUS_DIR: $SYNCTVA_PROJECT, or the single *.stva here)",
      "FILE" },
    { "jobs", 0, 0, G_OPTION_ARG_INT, &jobs, "Worker threads (default: one per core)", "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      "Compute only dialogues with index % N == I, into the cache", "I/N" },
    { "modalities", 0, 0, G_OPTION_ARG_STRING, &modalities,
      "Which of T, A, V to extract (default T,A,V)", "SET" },
    { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache,
      "Cache folder (default CORPUS_DIR/.synctva-cache, or next to the project)", "DIR" },
    { "visual-fps", 0, 0, G_OPTION_ARG_DOUBLE, &fps,
      "Frames sampled per second for faces (default 5)", "F" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path,
      "The dataset (default CORPUS_DIR/features.npz)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as one JSON object", NULL },
    { NULL },
  };
  if (!stva_cli_parse (&argc, &argv, &status, "[CORPUS_DIR]", description, entries, NULL))
    return status;

  StvaEngineExtractOptions options;
  stva_engine_extract_options_init (&options);
  if (jobs != 0 && (jobs < 1 || jobs > 256))
    return stva_cli_usage (usage, "--jobs takes 1 to 256");
  options.jobs = jobs;
  if (shard != NULL)
    {
      int si, sn, used = 0;
      if (sscanf (shard, "%d/%d%n", &si, &sn, &used) != 2 || shard[used] != '\0' || sn < 1
          || si < 0 || si >= sn)
        return stva_cli_usage (usage, "--shard takes I/N with 0 <= I < N, not '%s'", shard);
      options.shard_index = si;
      options.shard_count = sn;
    }
  if (modalities != NULL && !parse_modalities (modalities, options.modality))
    return stva_cli_usage (usage, "--modalities takes letters T, A and V, not '%s'", modalities);
  if (fps != 0.0 && !(fps > 0.0 && fps <= 100.0))
    return stva_cli_usage (usage, "--visual-fps takes a rate in (0, 100]");
  options.visual_fps = fps;
  if (argc > 2)
    return stva_cli_usage (usage, "one corpus folder only");
  const char *dir = argc == 2 ? argv[1] : NULL;
  if (project != NULL && dir != NULL)
    return stva_cli_usage (usage, "give a project or a corpus folder, not both");
  if (project != NULL || (dir == NULL && stva_cli_has_default_project ()))
    {
      if (out_path != NULL)
        return stva_cli_usage (usage, "--out is for a corpus folder: a project stores the "
                               "features (synctva export npz writes them out)");
      g_autoptr (GError) error = NULL;
      project_path = stva_cli_find_project (project, &error);
      if (project_path == NULL)
        return stva_cli_fail ("%s", error->message);
      options.project = project_path;
    }
  else if (dir == NULL)
    return stva_cli_usage (usage, "extract needs a MELD-layout corpus folder or a project");
  else
    options.corpus_dir = dir;
  options.out_path = out_path;
  options.cache_dir = cache;

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "extracting");
  g_autoptr (StvaJob) job = stva_cli_job_new (&progress);
  g_autoptr (GError) error = NULL;
  StvaEngineExtractResult result;
  gboolean ok = stva_engine_extract (job, &options, &result, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return stva_cli_fail ("%s; the cache keeps the finished work: run extract again to go "
                              "on", error->message);
      return stva_cli_engine_fail ("extract", error);
    }
  const StvaExtractReport *rep = &result.report;
  for (int k = 0; k < rep->n_messages; k++)
    fprintf (stderr, "synctva: warning: %s\n", rep->messages[k]);
  if (rep->n_failed > (size_t) rep->n_messages)
    fprintf (stderr, "synctva: warning: %zu more media files could not be read\n",
             rep->n_failed - (size_t) rep->n_messages);
  if (result.n_missing_clips > 0)
    fprintf (stderr, "synctva: warning: %zu clips are missing (first: %s); their audio and "
             "video count as missing\n", result.n_missing_clips, result.first_missing);
  if (result.n_no_media > 0 && (options.modality[STVA_MOD_A] || options.modality[STVA_MOD_V]))
    fprintf (stderr, "synctva: warning: %zu utterances have neither a clip nor a dialogue "
             "video with times; their audio and video count as missing\n", result.n_no_media);
  if (json)
    print_json (&options, &result);
  else
    print_text (&options, &result);
  stva_engine_extract_result_clear (&result);
  return STVA_EXIT_OK;
}
