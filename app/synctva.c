/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The synctva command line: `synctva COMMAND [ARGS] [--project FILE]`
 * (conventions in shared/design/architecture.md).  Parses the command name and hands over;
 * each command lives in its own stva-cli-*.c.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "stva-cli.h"
#include "stva-media-log.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "make-demo", stva_cli_make_demo, "generate the synthetic MELD-style demo corpus" },
  { "init", stva_cli_init, "create a project database" },
  { "import", stva_cli_import, "import a corpus, subtitles, annotations or features" },
  { "extract", stva_cli_extract, "extract text, audio and visual features" },
  { "train", stva_cli_train, "train a Sync-TVA model" },
  { "eval", stva_cli_eval, "evaluate a model on a split" },
  { "predict", stva_cli_predict, "predict emotions with a model" },
  { "audit", stva_cli_audit, "rank the labels most likely wrong (confident learning)" },
  { "export", stva_cli_export, "export labels, predictions or datasets" },
  { "figure", stva_cli_figure, "draw confusion, contributions or attention to PNG, SVG or PDF" },
  { "stats", stva_cli_stats, "counts, label distribution and agreement" },
  { "merge", stva_cli_merge, "merge projects made apart" },
  { "label-set", stva_cli_label_set, "create or list label sets" },
  { "model", stva_cli_model, "model info FILE: describe a model file" },
};

static void
print_help (FILE *f)
{
  fprintf (f, "usage: synctva COMMAND [ARGS] [--project FILE]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (f, "\nsynctva %s; see README.md\n", PACKAGE_VERSION);
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2)
    {
      print_help (stderr);
      return STVA_EXIT_USAGE;
    }
  stva_media_log_errors_only ();
  const char *name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_help (stdout);
      return STVA_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("synctva %s\n", PACKAGE_VERSION);
      return STVA_EXIT_OK;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i].name, name) == 0)
      return commands[i].run (argc - 1, argv + 1);
  fprintf (stderr, "synctva: unknown command '%s'\n", name);
  print_help (stderr);
  return STVA_EXIT_USAGE;
}
