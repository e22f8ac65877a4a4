/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * npz-dump FILE: reads an npz dataset with stva_npz_read_dataset (), validates it and prints it
 * as one JSON object (every field, features with %.9g), for the pkl2npz test to compare with the
 * pickle it came from.  Exit 1 with the reader's message on error.
 */
#include <stdio.h>

#include "stva-npz.h"

static void
put_str (const char *s)
{
  putchar ('"');
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        putchar ('\\');
      if ((unsigned char) *s < 0x20)
        printf ("\\u%04x", (unsigned char) *s);
      else
        putchar (*s);
    }
  putchar ('"');
}

static void
put_strv (char **v,
          int    n)
{
  putchar ('[');
  for (int i = 0; i < n; i++)
    {
      if (i)
        putchar (',');
      put_str (v[i]);
    }
  putchar (']');
}

int
main (int    argc,
      char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: npz-dump FILE\n");
      return 2;
    }
  StvaDataset *ds = NULL;
  StvaError err = { 0 };
  if (stva_npz_read_dataset (argv[1], &ds, &err) != STVA_OK
      || stva_dataset_validate (ds, 0, &err) != STVA_OK)
    {
      fprintf (stderr, "npz-dump: %s\n", err.message);
      stva_dataset_free (ds);
      return 1;
    }
  printf ("{\"labels\":");
  put_strv (ds->labels, ds->K);
  printf (",\"speakers\":");
  put_strv (ds->speakers, ds->n_speakers);
  printf (",\"F\":[%d,%d,%d],\"dialogues\":[", ds->F[0], ds->F[1], ds->F[2]);
  for (int d = 0; d < ds->n_dialogues; d++)
    {
      const StvaDialogue *dia = &ds->dialogues[d];
      printf ("%s{\"id\":", d ? "," : "");
      put_str (dia->id);
      printf (",\"split\":%d,\"T\":%d,\"speaker\":[", dia->split, dia->T);
      for (int t = 0; t < dia->T; t++)
        printf ("%s%d", t ? "," : "", dia->speaker[t]);
      printf ("],\"label\":[");
      for (int t = 0; t < dia->T; t++)
        printf ("%s%d", t ? "," : "", dia->label[t]);
      printf ("],\"utt_id\":");
      if (dia->utt_id)
        put_strv (dia->utt_id, dia->T);
      else
        printf ("null");
      printf (",\"x\":[");
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          printf ("%s[", m ? "," : "");
          for (int i = 0; ds->F[m] > 0 && i < dia->T * ds->F[m]; i++)
            printf ("%s%.9g", i ? "," : "", (double) dia->x[m][i]);
          printf ("]");
        }
      printf ("]}");
    }
  printf ("]}\n");
  stva_dataset_free (ds);
  return 0;
}
