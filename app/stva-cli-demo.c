/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva make-demo [--size small|default] [--seed N] [--jobs N] [--dialogues N] [--json] DIR`:
 * argument parsing and reporting around stva_demo_generate ().
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-demo.h"
#include "stva-demo-plan.h"

static const char usage[] =
  "synctva make-demo [--size small|default] [--seed N] [--jobs N] [--dialogues N] [--json] DIR";

static const char help[] =
  "Generates the synthetic MELD-style demo corpus into DIR: three MELD CSVs, one MP4 clip per\n"
  "utterance in MELD's split folders, one MP4 per dialogue in dialogues/, and a hidden\n"
  "manifest (.manifest.tsv) of every cue planted in text, audio and video.\n"
  "\n"
  "  --size small|default  about 40 or 300 dialogues (default: small)\n"
  "  --seed N              the corpus is a function of the seed (default 1)\n"
  "  --jobs N              worker threads (default: the number of cores)\n"
  "  --dialogues N         override the number of dialogues\n"
  "  --json                print the summary as one JSON object\n"
  "\n"
  "DIR must be empty, missing, or an earlier demo corpus (which is replaced).\n"
  "Ctrl-C stops cleanly.\n";

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

static bool
show_progress (int   done,
               int   total,
               void *user_data)
{
  stva_cli_progress_update (user_data, done, total);
  return !interrupted;
}

int
stva_cli_make_demo (int    argc,
                    char **argv)
{
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  const char *dir = NULL;
  bool json = false;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      long long v;
      bool has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\n%s", usage, help);
          return STVA_EXIT_OK;
        }
      if (strcmp (a, "--size") == 0 && has_value)
        {
          const char *s = argv[++i];
          if (strcmp (s, "small") == 0)
            opts.size = STVA_DEMO_SIZE_SMALL;
          else if (strcmp (s, "default") == 0)
            opts.size = STVA_DEMO_SIZE_DEFAULT;
          else
            return stva_cli_usage (usage, "--size takes small or default, not '%s'", s);
        }
      else if (strcmp (a, "--seed") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 0, INT64_MAX, &v))
            return stva_cli_usage (usage, "--seed takes a non-negative integer");
          opts.seed = (uint64_t) v;
        }
      else if (strcmp (a, "--jobs") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 1, 64, &v))
            return stva_cli_usage (usage, "--jobs takes 1 to 64");
          opts.jobs = (int) v;
        }
      else if (strcmp (a, "--dialogues") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 3, 100000, &v))
            return stva_cli_usage (usage, "--dialogues takes 3 to 100000");
          opts.n_dialogues = (int) v;
        }
      else if (strcmp (a, "--json") == 0)
        json = true;
      else if (a[0] == '-' && a[1] != '\0')
        return stva_cli_usage (usage, "unknown or incomplete option '%s'", a);
      else if (dir == NULL)
        dir = a;
      else
        return stva_cli_usage (usage, "one output folder only");
    }
  if (dir == NULL)
    return stva_cli_usage (usage, "make-demo needs an output folder");

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "make-demo: dialogues");
  opts.progress = show_progress;
  opts.progress_data = &progress;
  struct sigaction sa = { .sa_handler = on_sigint };
  sigaction (SIGINT, &sa, NULL);

  StvaDemoSummary summary;
  StvaError error = { 0 };
  StvaStatus status = stva_demo_generate (dir, &opts, &summary, &error);
  stva_cli_progress_finish (&progress);
  if (status != STVA_OK)
    return stva_cli_fail ("%s", error.message);

  int n_utts = summary.n_utterances[0] + summary.n_utterances[1] + summary.n_utterances[2];
  if (json)
    {
      printf ("{\"dir\": \"%s\", \"seed\": %llu, \"dialogues\": {\"train\": %d, \"dev\": %d, "
              "\"test\": %d}, \"utterances\": {\"train\": %d, \"dev\": %d, \"test\": %d}, "
              "\"emotions\": {", dir, (unsigned long long) opts.seed, summary.n_dialogues[0],
              summary.n_dialogues[1], summary.n_dialogues[2], summary.n_utterances[0],
              summary.n_utterances[1], summary.n_utterances[2]);
      for (int c = 0; c < STVA_DEMO_N_EMOTIONS; c++)
        printf ("%s\"%s\": %d", c ? ", " : "", STVA_DEMO_EMOTIONS[c], summary.emotion_counts[c]);
      printf ("}, \"media_seconds\": %.1f, \"elapsed_seconds\": %.1f}\n", summary.media_seconds,
              summary.elapsed_s);
      return STVA_EXIT_OK;
    }
  printf ("Demo corpus in %s (seed %llu)\n", dir, (unsigned long long) opts.seed);
  printf ("  %-10s %9s %11s\n", "split", "dialogues", "utterances");
  for (int s = 0; s < STVA_DEMO_N_SPLITS; s++)
    printf ("  %-10s %9d %11d\n", STVA_DEMO_SPLIT_NAMES[s], summary.n_dialogues[s],
            summary.n_utterances[s]);
  printf ("  %-10s %9s %11s\n", "emotion", "count", "share");
  for (int c = 0; c < STVA_DEMO_N_EMOTIONS; c++)
    printf ("  %-10s %9d %10.1f%%\n", STVA_DEMO_EMOTIONS[c], summary.emotion_counts[c],
            100.0 * summary.emotion_counts[c] / (n_utts ? n_utts : 1));
  printf ("  %.0f s of utterance video, generated in %.1f s\n", summary.media_seconds,
          summary.elapsed_s);
  return STVA_EXIT_OK;
}
