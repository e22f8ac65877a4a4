/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva model info [--json] FILE`: what a model file holds (format version, config, label
 * set, features and normalisation, tensors with shapes, parameter count, checksum), read and
 * checked by the engine (stva_data_model_info ()).
 */
#include <stdio.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-cli-data.h"

static const char usage[] = "synctva model info [--json] FILE";
static const char *const modality_names[3] = { "text", "audio", "visual" };

static void
shape_text (char                  *buf,
            size_t                 size,
            const StvaNamedTensor *t)
{
  size_t used = 0;
  if (t->ndim == 0)
    snprintf (buf, size, "scalar");
  for (int d = 0; d < t->ndim && used < size; d++)
    used += (size_t) snprintf (buf + used, size - used, d ? "x%lld" : "%lld",
                               (long long) t->shape[d]);
}

static long long
numel (const StvaNamedTensor *t)
{
  long long n = 1;
  for (int d = 0; d < t->ndim; d++)
    n *= (long long) t->shape[d];
  return n;
}

static void
print_info (const StvaModelInfo *info)
{
  const StvaModelFile *mf = &info->file;
  printf ("%s: Sync-TVA model file, format version %u, %" G_GINT64_FORMAT " bytes, CRC-32 %08x "
          "ok\n", info->path, mf->version, info->n_bytes, info->crc32);
  printf ("config (%d):\n", mf->n_config);
  for (int i = 0; i < mf->n_config; i++)
    printf ("  %-24s %s\n", mf->config[i].key, mf->config[i].value);
  printf ("labels (%d):", mf->K);
  for (int k = 0; k < mf->K; k++)
    printf (" %s", mf->labels[k]);
  printf ("\nfeatures:\n");
  for (int m = 0; m < 3; m++)
    {
      if (mf->F[m] == 0)
        {
          printf ("  %-7s absent\n", modality_names[m]);
          continue;
        }
      printf ("  %-7s %5d dimensions, %s, %s", modality_names[m], mf->F[m],
              mf->feature_names[m] ? "named" : "unnamed",
              mf->mean[m] ? "normalised" : "no normalisation");
      if (mf->feature_names[m])
        printf (" (%s%s%s)", mf->feature_names[m][0], mf->F[m] > 1 ? " ... " : "",
                mf->F[m] > 1 ? mf->feature_names[m][mf->F[m] - 1] : "");
      putchar ('\n');
    }
  printf ("tensors (%d), %" G_GINT64_FORMAT " parameters:\n", mf->n_tensors, info->n_parameters);
  for (int i = 0; i < mf->n_tensors; i++)
    {
      char shape[96];
      shape_text (shape, sizeof shape, &mf->tensors[i]);
      printf ("  %-32s %-16s %12lld\n", mf->tensors[i].name, shape,
              numel (&mf->tensors[i]));
    }
}

int
stva_cli_model (int    argc,
                char **argv)
{
  if (argc < 2)
    return stva_cli_usage (usage, "model needs a subcommand");
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      printf ("usage: %s\n\nDescribes a model file: format version, config, labels, features "
              "and their\nnormalisation, tensors with shapes, parameter count; checks the "
              "CRC-32.\n--json prints one JSON object instead.\n", usage);
      return STVA_EXIT_OK;
    }
  if (strcmp (argv[1], "info") != 0)
    return stva_cli_usage (usage, "unknown model subcommand '%s'", argv[1]);
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL },
  };
  int status = STVA_EXIT_USAGE;
  argv[1] = (char *) "model info";   /* the command GOption's messages name */
  argc--;
  argv++;
  if (!stva_cli_parse (&argc, &argv, &status, "FILE",
                       "Describes a model file: format version, config, labels, features and "
                       "their\nnormalisation, tensors with shapes, parameter count; checks the "
                       "CRC-32.", entries, NULL))
    return status;
  if (argc < 2)
    return stva_cli_usage (usage, "model info needs a model file");
  if (argc > 2)
    return stva_cli_usage (usage, "one model file only");
  g_autoptr (GError) error = NULL;
  g_autoptr (StvaModelInfo) info = stva_data_model_info (argv[1], &error);
  if (info == NULL)
    return stva_cli_fail ("%s", error->message);
  if (json)
    {
      g_autoptr (JsonNode) root = stva_model_info_to_json (info);
      stva_cli_print_json (root);
    }
  else
    print_info (info);
  return STVA_EXIT_OK;
}
