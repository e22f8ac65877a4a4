/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva make-demo [--size small|default] [--seed N] [--jobs N] [--dialogues N]
 * [--label-noise P] [--json] DIR`:
 * options on GOption, the engine's make-demo job, printing.
 */
#include <stdio.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-cli-project.h"

static const char help[] =
  "Generates the synthetic MELD-style demo corpus into DIR: three MELD CSVs, one MP4 clip per\n"
  "utterance in MELD's split folders, one MP4 per dialogue in dialogues/, and a hidden\n"
  "manifest (.manifest.tsv) of every cue planted in text, audio and video.  The corpus is a\n"
  "function of the seed.  DIR must be empty, missing, or an earlier demo corpus (which is\n"
  "replaced).  Ctrl-C stops cleanly.  --label-noise P flips a share P of the gold labels to a\n"
  "plausible other class (the media still show the true one; the manifest keeps both), for\n"
  "testing a label audit.";

static const char usage[] =
  "synctva make-demo [--size small|default] [--seed N] [--jobs N] [--dialogues N]\n"
  "                  [--label-noise P] [--json] DIR";

int
stva_cli_make_demo (int    argc,
                    char **argv)
{
  g_autofree char *size = NULL, *seed = NULL, *jobs = NULL, *dialogues = NULL, *noise = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "About 40 (small, the default) or 300 "
      "dialogues", "small|default" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "The seed (default 1)", "N" },
    { "jobs", 0, 0, G_OPTION_ARG_STRING, &jobs, "Worker threads, 1 to 64 (default: the number "
      "of cores)", "N" },
    { "dialogues", 0, 0, G_OPTION_ARG_STRING, &dialogues, "The number of dialogues, 3 to "
      "100000, instead of --size", "N" },
    { "label-noise", 0, 0, G_OPTION_ARG_STRING, &noise, "Flip a share P of the gold labels, "
      "0 to 0.5 (default 0)", "P" },
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, "DIR", help, entries, NULL)
      || !stva_cli_max_arguments ("make-demo", argc, argv, 1, &status))
    return status;
  if (argc < 2)
    return stva_cli_usage (usage, "make-demo needs an output folder");
  StvaMakeDemoOptions options = { .dir = argv[1], .seed = 1 };
  long long v;
  if (size != NULL)
    {
      if (strcmp (size, "small") == 0)
        options.size = 0;
      else if (strcmp (size, "default") == 0)
        options.size = 1;
      else
        return stva_cli_usage (usage, "--size takes small or default, not '%s'", size);
    }
  if (seed != NULL)
    {
      if (!stva_cli_parse_int (seed, 0, G_MAXINT64, &v))
        return stva_cli_usage (usage, "--seed takes a non-negative integer");
      options.seed = (guint64) v;
    }
  if (jobs != NULL)
    {
      if (!stva_cli_parse_int (jobs, 1, 64, &v))
        return stva_cli_usage (usage, "--jobs takes 1 to 64");
      options.jobs = (int) v;
    }
  if (dialogues != NULL)
    {
      if (!stva_cli_parse_int (dialogues, 3, 100000, &v))
        return stva_cli_usage (usage, "--dialogues takes 3 to 100000");
      options.n_dialogues = (int) v;
    }
  if (noise != NULL)
    {
      char *end = NULL;
      double p = g_ascii_strtod (noise, &end);
      if (end == noise || *end != '\0' || !(p >= 0.0 && p <= 0.5))
        return stva_cli_usage (usage, "--label-noise takes a share from 0 to 0.5, not '%s'",
                               noise);
      options.label_noise = p;
    }

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "make-demo: dialogues");
  g_autoptr (StvaJob) job = stva_cli_job_new (&progress);
  g_autoptr (StvaMakeDemoResult) r = NULL;
  GError *error = NULL;
  gboolean ok = stva_engine_make_demo (job, &options, &r, &error);
  stva_cli_progress_finish (&progress);
  if (!ok)
    return stva_cli_fail_error (error);

  int n_utts = r->n_utterances[0] + r->n_utterances[1] + r->n_utterances[2];
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dir");
      json_builder_add_string_value (b, r->dir);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64) r->seed);
      static const char *const counts[2] = { "dialogues", "utterances" };
      for (int c = 0; c < 2; c++)
        {
          json_builder_set_member_name (b, counts[c]);
          json_builder_begin_object (b);
          for (int s = 0; s < 3; s++)
            {
              json_builder_set_member_name (b, stva_make_demo_split (s));
              json_builder_add_int_value (b, c == 0 ? r->n_dialogues[s] : r->n_utterances[s]);
            }
          json_builder_end_object (b);
        }
      json_builder_set_member_name (b, "emotions");
      json_builder_begin_object (b);
      for (int e = 0; e < 7; e++)
        {
          json_builder_set_member_name (b, stva_make_demo_emotion (e));
          json_builder_add_int_value (b, r->emotion_counts[e]);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "label_noise");
      json_builder_add_int_value (b, r->n_label_noise);
      json_builder_set_member_name (b, "media_seconds");
      json_builder_add_double_value (b, r->media_seconds);
      json_builder_set_member_name (b, "elapsed_seconds");
      json_builder_add_double_value (b, r->elapsed_s);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
      return STVA_EXIT_OK;
    }
  printf ("Demo corpus in %s (seed %llu)\n", r->dir, (unsigned long long) r->seed);
  printf ("  %-10s %9s %11s\n", "split", "dialogues", "utterances");
  for (int s = 0; s < 3; s++)
    printf ("  %-10s %9d %11d\n", stva_make_demo_split (s), r->n_dialogues[s],
            r->n_utterances[s]);
  printf ("  %-10s %9s %11s\n", "emotion", "count", "share");
  for (int e = 0; e < 7; e++)
    printf ("  %-10s %9d %10.1f%%\n", stva_make_demo_emotion (e), r->emotion_counts[e],
            100.0 * r->emotion_counts[e] / (n_utts ? n_utts : 1));
  if (r->n_label_noise > 0)
    printf ("  %d gold labels flipped (label noise; the manifest keeps the true ones)\n",
            r->n_label_noise);
  printf ("  %.0f s of utterance video, generated in %.1f s\n", r->media_seconds, r->elapsed_s);
  return STVA_EXIT_OK;
}
