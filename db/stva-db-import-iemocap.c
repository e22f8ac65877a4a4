/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IEMOCAP importer (release layout, formats.md): per session, the dialogue transcriptions
 * give utterances and times, EmoEvaluation gives the majority label (gold) and each evaluator's
 * categorical labels, imported as annotators' "import" events so agreement can be measured;
 * these do not count as studio reviews and do not change the current label.  The split-screen
 * dialogue video is the dialogue's media.  Sessions 1-4 are train, 5 test.  Everything is read
 * and checked before the one transaction that stores it.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stva-db-private.h"

typedef struct
{
  char   *id;         /* owned: "Ses01F_impro01_F000" */
  char   *speaker;    /* owned: "Ses01_F" */
  char   *text;       /* owned */
  gint64  start_ms;
  gint64  end_ms;
  char   *gold;       /* owned, nullable: majority code ("neu"), NULL for xxx or none */
  GPtrArray *evals;   /* owned, of owned strings "C-E2\tneu" */
} IemoUtt;

static void
utt_clear (gpointer data)
{
  IemoUtt *u = data;
  g_free (u->id);
  g_free (u->speaker);
  g_free (u->text);
  g_free (u->gold);
  g_clear_pointer (&u->evals, g_ptr_array_unref);
}

static int
compare_utts (gconstpointer a,
              gconstpointer b)
{
  const IemoUtt *x = a, *y = b;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return strcmp (x->id, y->id);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Evaluator words to the release's codes. */
static const char *
code_of (const char *word)
{
  static const char *const map[][2] = {
    { "neutral", "neu" }, { "happiness", "hap" }, { "sadness", "sad" }, { "anger", "ang" },
    { "excited", "exc" }, { "frustration", "fru" }, { "surprise", "sur" }, { "fear", "fea" },
    { "disgust", "dis" }, { "other", "oth" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (word, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

static gboolean
parse_seconds (const char *s,
               gint64     *ms)
{
  if (strpbrk (s, "xXpPnNiI") != NULL)   /* hex, nan, inf: not a time */
    return FALSE;
  char *end = NULL;
  double v = g_ascii_strtod (s, &end);
  if (end == s || !isfinite (v) || v < 0 || v > 1e7)
    return FALSE;
  while (*end == ' ')
    end++;
  if (*end != '\0')
    return FALSE;
  *ms = (gint64) llround (v * 1000.0);
  return TRUE;
}

/* "[006.2901-008.2357]" or "[6.2901 - 8.2357]" */
static gboolean
parse_span (const char *s,
            gint64     *start,
            gint64     *end)
{
  if (*s != '[')
    return FALSE;
  const char *close = strchr (s, ']');
  const char *dash = close ? strchr (s + 2, '-') : NULL;
  if (dash == NULL || dash > close)
    return FALSE;
  g_autofree char *a = g_strndup (s + 1, (gsize) (dash - s - 1));
  g_autofree char *b = g_strndup (dash + 1, (gsize) (close - dash - 1));
  return parse_seconds (g_strstrip (a), start) && parse_seconds (g_strstrip (b), end)
         && *end >= *start;
}

static gboolean
read_lines (const char  *path,
            char      ***lines,
            GError     **error)
{
  g_autofree char *text = NULL;
  if (!stva_db_read_file (path, &text, NULL, error))
    return FALSE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *fixed = g_convert_with_fallback (text, -1, "UTF-8", "WINDOWS-1252", "?", NULL, NULL,
                                             NULL);
      g_free (text);
      text = fixed ? fixed : g_strdup ("");
    }
  *lines = g_strsplit (text, "\n", -1);
  return TRUE;
}

/* Reads one dialogue's transcription and evaluation into utts. */
static gboolean
read_dialogue (const char  *transcription,
               const char  *evaluation,
               const char  *session,
               GArray      *utts,
               GError     **error)
{
  g_auto (GStrv) lines = NULL;
  if (!read_lines (transcription, &lines, error))
    return FALSE;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (!g_str_has_prefix (line, "Ses"))
        continue;
      char *space = strchr (line, ' ');
      char *colon = space ? strstr (space, "]:") : NULL;
      IemoUtt u = { 0 };
      if (space == NULL || colon == NULL
          || !parse_span (g_strstrip (space + 1), &u.start_ms, &u.end_ms))
        {
          /* unaligned turns (no times) are in the release; they carry no evaluation */
          if (space != NULL && space[1] != '[')
            continue;
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: not a line like 'Ses01F_impro01_F000 [006.2901-008.2357]: text'",
                       transcription, i + 1);
          return FALSE;
        }
      u.id = g_strndup (line, (gsize) (space - line));
      const char *last = strrchr (u.id, '_');
      char gender = last && (last[1] == 'F' || last[1] == 'M') ? last[1] : '?';
      u.speaker = g_strdup_printf ("%s_%c", session, gender);
      u.text = g_strdup (g_strstrip (colon + 2));
      u.evals = g_ptr_array_new_with_free_func (g_free);
      if (g_hash_table_contains (by_id, u.id))
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: %s appears twice",
                       transcription, i + 1, u.id);
          utt_clear (&u);
          return FALSE;
        }
      g_array_append_val (utts, u);
      g_hash_table_add (by_id, g_array_index (utts, IemoUtt, utts->len - 1).id);
    }
  if (evaluation == NULL)
    return TRUE;
  g_auto (GStrv) ev = NULL;
  if (!read_lines (evaluation, &ev, error))
    return FALSE;
  IemoUtt *current = NULL;
  for (guint i = 0; ev[i]; i++)
    {
      char *line = g_strstrip (ev[i]);
      if (line[0] == '[')
        {
          g_auto (GStrv) f = g_strsplit (line, "\t", -1);
          gint64 s, e;
          if (g_strv_length (f) < 3 || !parse_span (f[0], &s, &e))
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: not a line like '[6.2901 - 8.2357]<TAB>Ses01F_impro01_F000"
                           "<TAB>neu<TAB>[2.5, 2.5, 2.5]'", evaluation, i + 1);
              return FALSE;
            }
          current = NULL;
          for (guint k = 0; k < utts->len && current == NULL; k++)
            if (strcmp (g_array_index (utts, IemoUtt, k).id, g_strstrip (f[1])) == 0)
              current = &g_array_index (utts, IemoUtt, k);
          if (current != NULL && strcmp (g_strstrip (f[2]), "xxx") != 0)
            current->gold = g_strdup (f[2]);
        }
      else if (current != NULL && line[0] == 'C' && line[1] == '-')
        {
          /* "C-E2:<TAB>Neutral; Frustration;<TAB>(comment)": the first label is theirs */
          char *colon = strchr (line, ':');
          if (colon == NULL)
            continue;
          g_autofree char *who = g_strndup (line, (gsize) (colon - line));
          g_auto (GStrv) words = g_strsplit_set (colon + 1, ";\t", -1);
          for (guint w = 0; words[w]; w++)
            {
              const char *code = code_of (g_strstrip (words[w]));
              if (code != NULL)
                {
                  g_ptr_array_add (current->evals, g_strdup_printf ("%s\t%s", who, code));
                  break;
                }
            }
        }
    }
  return TRUE;
}

gboolean
stva_db_import_iemocap (StvaDb              *db,
                        const char          *root_in,
                        const char          *label_set,
                        StvaDbImportReport  *report_out,
                        GError             **error)
{
  g_return_val_if_fail (db != NULL && root_in != NULL, FALSE);
  g_autofree char *root = g_canonicalize_filename (root_in, NULL);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, label_set ? label_set
                                                                    : STVA_DB_IEMOCAP6_SET,
                                                      error);
  if (set == NULL)
    return FALSE;
  gboolean four = strcmp (set->name, STVA_DB_IEMOCAP4_SET) == 0;
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);

  /* read everything first */
  typedef struct
  {
    char   *name;
    int     session;
    char   *video;   /* nullable */
    GArray *utts;    /* of IemoUtt */
  } Dia;
  g_autoptr (GArray) dias = g_array_new (FALSE, TRUE, sizeof (Dia));
  gboolean ok = FALSE;
  for (int s = 1; s <= 5; s++)
    {
      g_autofree char *session = g_strdup_printf ("Session%d", s);
      g_autofree char *tdir = g_build_filename (root, session, "dialog", "transcriptions", NULL);
      GDir *dir = g_dir_open (tdir, 0, NULL);
      if (dir == NULL)
        {
          g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing", tdir));
          continue;
        }
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *n;
      while ((n = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (n, ".txt") && n[0] != '.')
          g_ptr_array_add (names, g_strndup (n, strlen (n) - 4));
      g_dir_close (dir);
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = names->pdata[i];
          g_autofree char *file = g_strconcat (name, ".txt", NULL);
          g_autofree char *avi = g_strconcat (name, ".avi", NULL);
          g_autofree char *tpath = g_build_filename (tdir, file, NULL);
          g_autofree char *epath = g_build_filename (root, session, "dialog", "EmoEvaluation",
                                                     file, NULL);
          char *vpath = g_build_filename (root, session, "dialog", "avi", "DivX", avi, NULL);
          Dia d = { g_strdup (name), s, NULL, g_array_new (FALSE, TRUE, sizeof (IemoUtt)) };
          g_array_set_clear_func (d.utts, utt_clear);
          if (g_file_test (vpath, G_FILE_TEST_IS_REGULAR))
            d.video = vpath;
          else
            {
              g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing video", vpath));
              g_free (vpath);
            }
          g_array_append_val (dias, d);
          gboolean have_eval = g_file_test (epath, G_FILE_TEST_IS_REGULAR);
          if (!have_eval)
            g_ptr_array_add (report->warnings, g_strdup_printf ("%s: missing", epath));
          g_autofree char *ses = g_strdup_printf ("Ses%02d", s);
          if (!read_dialogue (tpath, have_eval ? epath : NULL, ses, d.utts, error))
            goto out;
          g_array_sort (d.utts, compare_utts);
        }
    }
  if (dias->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s: not an IEMOCAP release (no Session*/dialog/transcriptions/*.txt)", root);
      goto out;
    }

  {
    StvaDbImportWriter *w = _stva_db_import_writer_begin (db, "iemocap", root, set->id, FALSE,
                                                          report, error);
    if (w == NULL)
      goto out;
    ok = TRUE;
    for (guint k = 0; ok && k < dias->len; k++)
      {
        Dia *d = &g_array_index (dias, Dia, k);
        gint64 media_id = 0;
        if (d->video != NULL
            && (media_id = _stva_db_import_writer_media (w, d->video, "dialogue", TRUE,
                                                         error)) == 0)
          {
            ok = FALSE;
            break;
          }
        gint64 dialogue_id = _stva_db_import_writer_dialogue (
          w, "iemocap", d->session == 5 ? "test" : "train", d->name, d->session, media_id,
          error);
        ok = dialogue_id != 0;
        if (!ok)
          g_prefix_error (error, "%s: ", root);
        for (guint i = 0; ok && i < d->utts->len; i++)
          {
            const IemoUtt *u = &g_array_index (d->utts, IemoUtt, i);
            const char *g = u->gold && four && strcmp (u->gold, "exc") == 0 ? "hap" : u->gold;
            const StvaDbLabel *l = stva_db_label_set_find (set, g);
            StvaDbImportUtterance row = {
              .dialogue_id = dialogue_id, .idx = (int) i, .source_id = i,
              .speaker = u->speaker, .transcript = u->text, .start_ms = u->start_ms,
              .end_ms = u->end_ms, .sr_no = -1, .season = -1, .episode = -1,
              .label_id = l ? l->id : 0,
            };
            gint64 utterance_id = _stva_db_import_writer_utterance (w, &row, error);
            ok = utterance_id != 0;
            for (guint e = 0; ok && e < u->evals->len; e++)
              {
                g_auto (GStrv) pair = g_strsplit (u->evals->pdata[e], "\t", 2);
                const char *code = four && strcmp (pair[1], "exc") == 0 ? "hap" : pair[1];
                const StvaDbLabel *el = stva_db_label_set_find (set, code);
                if (el == NULL)
                  continue;   /* a label outside the set (sur, oth, ...): no rating */
                g_autofree char *who = g_strconcat ("IEMOCAP ", pair[0], NULL);
                ok = _stva_db_import_writer_rating (w, utterance_id, who, el->id, u->id, error);
              }
          }
      }
    ok = _stva_db_import_writer_end (w, ok, error);   /* the dialogues live until here */
  }

out:
  for (guint k = 0; k < dias->len; k++)
    {
      Dia *d = &g_array_index (dias, Dia, k);
      g_free (d->name);
      g_free (d->video);
      g_array_unref (d->utts);
    }
  return _stva_db_import_report_finish (report, report_out, ok);
}
