/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva label-set create NAME LABEL,LABEL,... [--keys K,...] [--colours #rrggbb,...]
 * [--description TEXT]` and `synctva label-set list`: options on GOption, one engine call
 * (stva-engine-project.h), printing.
 */
#include <stdio.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-cli-project.h"

static const char usage[] =
  "synctva label-set create NAME LABEL,LABEL,... [--keys K,...] [--colours #rrggbb,...] "
  "[--description TEXT] | list [--json]";

static void
print_sets (const StvaLabelSetsResult *r,
            gboolean                   json)
{
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "project");
      json_builder_add_string_value (b, r->project);
      json_builder_set_member_name (b, "label_sets");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->sets->len; i++)
        {
          const StvaLabelSetInfo *info = g_ptr_array_index (r->sets, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, info->set->name);
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, info->set->description);
          json_builder_set_member_name (b, "gold_labels");
          json_builder_add_int_value (b, info->n_gold);
          json_builder_set_member_name (b, "labels");
          json_builder_begin_array (b);
          for (guint k = 0; k < info->set->labels->len; k++)
            {
              const StvaDbLabel *l = g_ptr_array_index (info->set->labels, k);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, l->name);
              json_builder_set_member_name (b, "key");
              if (l->key != NULL)
                json_builder_add_string_value (b, l->key);
              else
                json_builder_add_null_value (b);
              json_builder_set_member_name (b, "colour");
              json_builder_add_string_value (b, l->colour);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      stva_cli_print_builder (b);
      return;
    }
  for (guint i = 0; i < r->sets->len; i++)
    {
      const StvaLabelSetInfo *info = g_ptr_array_index (r->sets, i);
      printf ("%s%s: %u labels, %d gold labels%s%s\n", i > 0 ? "\n" : "", info->set->name,
              info->set->labels->len, info->n_gold,
              info->set->description != NULL && *info->set->description ? " - " : "",
              info->set->description != NULL ? info->set->description : "");
      for (guint k = 0; k < info->set->labels->len; k++)
        {
          const StvaDbLabel *l = g_ptr_array_index (info->set->labels, k);
          printf ("  %-3s %-16s %s\n", l->key != NULL ? l->key : "-", l->name, l->colour);
        }
    }
}

/* (transfer full) The comma-separated items of value, trimmed; NULL for NULL. */
static GStrv
split_list (const char *value)
{
  if (value == NULL)
    return NULL;
  GStrv items = g_strsplit (value, ",", -1);
  for (char **s = items; *s != NULL; s++)
    g_strstrip (*s);
  return items;
}

static int
create (int    argc,
        char **argv)
{
  g_autofree char *project_option = NULL, *keys = NULL, *colours = NULL, *description = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    { "keys", 0, 0, G_OPTION_ARG_STRING, &keys, "One key per label: 1-9 or a letter the studio "
      "leaves free, empty for the default (1-9, then a-i, m, o, q, s-z)", "K,K,..." },
    { "colours", 0, 0, G_OPTION_ARG_STRING, &colours, "One colour per label, empty for the "
      "default (a colour-blind-safe palette)", "#rrggbb,..." },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "What the set is for", "TEXT" },
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, "NAME LABEL,LABEL,...",
                       "Adds a label set to the project: two labels or more, each with its "
                       "key in the studio and its colour.", entries, NULL)
      || !stva_cli_max_arguments ("label-set create", argc, argv, 2, &status))
    return status;
  if (argc < 3)
    return stva_cli_usage (usage, "label-set create needs a NAME and its LABELS");
  g_auto (GStrv) labels = split_list (argv[2]);
  g_auto (GStrv) key_list = split_list (keys);
  g_auto (GStrv) colour_list = split_list (colours);
  guint n = g_strv_length (labels);
  if (key_list != NULL && g_strv_length (key_list) != n)
    return stva_cli_usage (usage, "--keys gives %u keys for %u labels",
                           g_strv_length (key_list), n);
  if (colour_list != NULL && g_strv_length (colour_list) != n)
    return stva_cli_usage (usage, "--colours gives %u colours for %u labels",
                           g_strv_length (colour_list), n);
  /* an empty entry (--keys a,,c) takes the default */
  g_autofree const char **key_of = key_list != NULL ? g_new0 (const char *, n + 1) : NULL;
  g_autofree const char **colour_of = colour_list != NULL ? g_new0 (const char *, n + 1) : NULL;
  for (guint i = 0; i < n; i++)
    {
      if (key_of != NULL && *key_list[i] != '\0')
        key_of[i] = key_list[i];
      if (colour_of != NULL && *colour_list[i] != '\0')
        colour_of[i] = colour_list[i];
    }
  GError *error = NULL;
  g_autofree char *project = stva_cli_find_project (project_option, &error);
  if (project == NULL)
    return stva_cli_fail_error (error);
  StvaLabelSetOptions options = {
    .project = project,
    .name = argv[1],
    .description = description,
    .labels = (const char *const *) labels,
    .keys = key_of,
    .colours = colour_of,
    .n_labels = n,
  };
  g_autoptr (StvaLabelSetsResult) r = NULL;
  if (!stva_engine_label_set_create (NULL, &options, &r, &error))
    return stva_cli_fail_error (error);
  if (!json)
    printf ("Added label set %s to %s\n\n", argv[1], r->project);
  print_sets (r, json);
  return STVA_EXIT_OK;
}

static int
list (int    argc,
      char **argv)
{
  g_autofree char *project_option = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    STVA_CLI_PROJECT_ENTRY (project_option),
    STVA_CLI_JSON_ENTRY (json),
    { NULL },
  };
  int status;
  if (!stva_cli_parse (&argc, &argv, &status, NULL,
                       "The project's label sets: each label with its key and colour, and how "
                       "many gold labels use the set.", entries, NULL)
      || !stva_cli_max_arguments ("label-set list", argc, argv, 0, &status))
    return status;
  GError *error = NULL;
  g_autofree char *project = stva_cli_find_project (project_option, &error);
  if (project == NULL)
    return stva_cli_fail_error (error);
  StvaLabelSetOptions options = { .project = project };
  g_autoptr (StvaLabelSetsResult) r = NULL;
  if (!stva_engine_label_sets (NULL, &options, &r, &error))
    return stva_cli_fail_error (error);
  print_sets (r, json);
  return STVA_EXIT_OK;
}

int
stva_cli_label_set (int    argc,
                    char **argv)
{
  /* the subcommand comes first: `synctva label-set create|list ...` */
  const char *what = argc > 1 ? argv[1] : NULL;
  if (what != NULL && (strcmp (what, "create") == 0 || strcmp (what, "list") == 0))
    {
      g_autofree char *title = g_strdup_printf ("%s %s", argv[0], what);
      g_autofree char **sub = g_new0 (char *, argc);
      sub[0] = title;
      for (int i = 2; i < argc; i++)
        sub[i - 1] = argv[i];
      return (what[0] == 'c' ? create : list) (argc - 1, sub);
    }
  if (what != NULL && (strcmp (what, "--help") == 0 || strcmp (what, "-h") == 0))
    {
      printf ("Usage:\n  %s\n\n"
              "  create   adds a label set (synctva label-set create --help)\n"
              "  list     the project's label sets (synctva label-set list --help)\n", usage);
      return STVA_EXIT_OK;
    }
  if (what == NULL)
    return stva_cli_usage (usage, "label-set needs create or list");
  return stva_cli_usage (usage, "label-set: unknown subcommand '%s': create or list", what);
}
