/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `synctva model info [--json] FILE`: what a model file holds (format version, config, label
 * set, features and normalisation, tensors with shapes, parameter count, checksum), read and
 * checked by stva_modelfile_read ().
 */
#include <stdio.h>
#include <string.h>

#include "stva-cli.h"
#include "stva-modelfile.h"

static const char usage[] = "synctva model info [--json] FILE";
static const char *const modality_names[3] = { "text", "audio", "visual" };

/* Prints s as a JSON string (quotes included). */
static void
json_string (const char *s)
{
  putchar ('"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        printf ("\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", stdout);
      else if (*p == '\t')
        fputs ("\\t", stdout);
      else if (*p < 0x20)
        printf ("\\u%04x", *p);
      else
        putchar (*p);
    }
  putchar ('"');
}

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

/* The stored CRC (the last 4 bytes) and the file size, for the report. */
static bool
file_facts (const char *path,
            uint32_t   *crc,
            long       *size)
{
  FILE *f = fopen (path, "rb");
  uint8_t b[4];
  bool ok = f && fseek (f, -4, SEEK_END) == 0 && fread (b, 1, 4, f) == 4
            && fseek (f, 0, SEEK_END) == 0 && (*size = ftell (f)) >= 0;
  if (f)
    fclose (f);
  if (ok)
    *crc = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16
           | (uint32_t) b[3] << 24;
  return ok;
}

static int
model_info (const char *path,
            bool        json)
{
  StvaModelFile mf;
  StvaError error = { 0 };
  if (stva_modelfile_read (path, &mf, &error) != STVA_OK)
    return stva_cli_fail ("%s", error.message);
  uint32_t crc = 0;
  long size = 0;
  if (!file_facts (path, &crc, &size))
    {
      stva_modelfile_free (&mf);
      return stva_cli_fail ("%s: cannot read it again", path);
    }
  int64_t n_params = 0;
  for (int i = 0; i < mf.n_tensors; i++)
    n_params += stva_named_tensor_numel (&mf.tensors[i]);

  if (json)
    {
      printf ("{\"file\": ");
      json_string (path);
      printf (", \"format_version\": %u, \"bytes\": %ld, \"crc32\": \"%08x\", \"crc_ok\": true, "
              "\"config\": {", mf.version, size, crc);
      for (int i = 0; i < mf.n_config; i++)
        {
          printf (i ? ", " : "");
          json_string (mf.config[i].key);
          printf (": ");
          json_string (mf.config[i].value);
        }
      printf ("}, \"labels\": [");
      for (int k = 0; k < mf.K; k++)
        {
          printf (k ? ", " : "");
          json_string (mf.labels[k]);
        }
      printf ("], \"features\": {");
      for (int m = 0; m < 3; m++)
        printf ("%s\"%c\": {\"width\": %d, \"names\": %s, \"normalisation\": %s}", m ? ", " : "",
                "TAV"[m], mf.F[m], mf.feature_names[m] ? "true" : "false",
                mf.mean[m] ? "true" : "false");
      printf ("}, \"tensors\": [");
      for (int i = 0; i < mf.n_tensors; i++)
        {
          const StvaNamedTensor *t = &mf.tensors[i];
          printf ("%s{\"name\": ", i ? ", " : "");
          json_string (t->name);
          printf (", \"shape\": [");
          for (int d = 0; d < t->ndim; d++)
            printf ("%s%lld", d ? ", " : "", (long long) t->shape[d]);
          printf ("], \"numel\": %lld}", (long long) stva_named_tensor_numel (t));
        }
      printf ("], \"parameters\": %lld}\n", (long long) n_params);
      stva_modelfile_free (&mf);
      return STVA_EXIT_OK;
    }

  printf ("%s: Sync-TVA model file, format version %u, %ld bytes, CRC-32 %08x ok\n", path,
          mf.version, size, crc);
  printf ("config (%d):\n", mf.n_config);
  for (int i = 0; i < mf.n_config; i++)
    printf ("  %-24s %s\n", mf.config[i].key, mf.config[i].value);
  printf ("labels (%d):", mf.K);
  for (int k = 0; k < mf.K; k++)
    printf (" %s", mf.labels[k]);
  printf ("\nfeatures:\n");
  for (int m = 0; m < 3; m++)
    {
      if (mf.F[m] == 0)
        {
          printf ("  %-7s absent\n", modality_names[m]);
          continue;
        }
      printf ("  %-7s %5d dimensions, %s, %s", modality_names[m], mf.F[m],
              mf.feature_names[m] ? "named" : "unnamed",
              mf.mean[m] ? "normalised" : "no normalisation");
      if (mf.feature_names[m])
        printf (" (%s%s%s)", mf.feature_names[m][0], mf.F[m] > 1 ? " ... " : "",
                mf.F[m] > 1 ? mf.feature_names[m][mf.F[m] - 1] : "");
      putchar ('\n');
    }
  printf ("tensors (%d), %lld parameters:\n", mf.n_tensors, (long long) n_params);
  for (int i = 0; i < mf.n_tensors; i++)
    {
      char shape[96];
      shape_text (shape, sizeof shape, &mf.tensors[i]);
      printf ("  %-32s %-16s %12lld\n", mf.tensors[i].name, shape,
              (long long) stva_named_tensor_numel (&mf.tensors[i]));
    }
  stva_modelfile_free (&mf);
  return STVA_EXIT_OK;
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
  const char *path = NULL;
  bool json = false;
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--json") == 0)
        json = true;
      else if (a[0] == '-' && a[1] != '\0')
        return stva_cli_usage (usage, "unknown option '%s'", a);
      else if (path == NULL)
        path = a;
      else
        return stva_cli_usage (usage, "one model file only");
    }
  if (path == NULL)
    return stva_cli_usage (usage, "model info needs a model file");
  return model_info (path, json);
}
