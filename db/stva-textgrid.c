/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Praat TextGrid files (formats.md): reading the long and the short text format (both are the
 * same sequence of values, the long one with labels in between, so the reader keeps the quoted
 * strings and numbers and skips the rest), in UTF-8 or UTF-16; writing the long format.
 * Import and export of dialogues as TextGrids: a tier per speaker holding the transcripts and
 * interval tiers of labels.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "stva-db-private.h"
#include "stva-textgrid.h"

void
stva_textgrid_free (StvaTextGrid *tg)
{
  if (tg == NULL)
    return;
  for (guint i = 0; i < tg->n_tiers; i++)
    {
      StvaTextGridTier *t = &tg->tiers[i];
      g_free (t->name);
      for (guint k = 0; k < t->n_items; k++)
        g_free (t->items[k].text);
      g_free (t->items);
    }
  g_free (tg->tiers);
  g_free (tg);
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct
{
  gboolean string;
  char    *text;    /* owned: the string, or the number's spelling */
  double   number;
  guint    line;
} Token;

static void
token_clear (gpointer data)
{
  g_free (((Token *) data)->text);
}

static gboolean
tokenize (const char  *path,
          const char  *s,
          gsize        n,
          GArray      *tokens,
          GError     **error)
{
  guint line = 1;
  gsize i = 0;
  while (i < n)
    {
      char c = s[i];
      if (c == '\n')
        {
          line++;
          i++;
        }
      else if (c == '"')
        {
          GString *str = g_string_new (NULL);
          guint start_line = line;
          i++;
          for (;;)
            {
              if (i >= n)
                {
                  g_string_free (str, TRUE);
                  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                               "%s:%u: a string is not closed", path, start_line);
                  return FALSE;
                }
              if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
                {
                  g_string_append_c (str, '"');
                  i += 2;
                  continue;
                }
              if (s[i] == '"')
                {
                  i++;
                  break;
                }
              if (s[i] == '\n')
                line++;
              g_string_append_c (str, s[i++]);
            }
          Token t = { TRUE, g_string_free (str, FALSE), 0.0, start_line };
          g_array_append_val (tokens, t);
        }
      else if (g_ascii_isdigit (c) || ((c == '-' || c == '.') && i + 1 < n
                                       && (g_ascii_isdigit (s[i + 1]) || s[i + 1] == '.')))
        {
          gsize j = i;
          while (j < n && (g_ascii_isdigit (s[j]) || strchr ("+-.eE", s[j]) != NULL))
            j++;
          g_autofree char *num = g_strndup (s + i, j - i);
          char *end = NULL;
          double v = g_ascii_strtod (num, &end);
          if (end == num || *end != '\0' || !isfinite (v))
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: '%s' is not a number", path, line, num);
              return FALSE;
            }
          Token t = { FALSE, g_steal_pointer (&num), v, line };
          g_array_append_val (tokens, t);
          i = j;
        }
      else if (c == '[')
        {
          while (i < n && s[i] != ']' && s[i] != '\n')   /* "item [2]:" is a label */
            i++;
        }
      else if (c == '!')
        {
          while (i < n && s[i] != '\n')   /* a comment in the short format */
            i++;
        }
      else if (g_ascii_isalpha (c) || c == '<')
        {
          while (i < n && !g_ascii_isspace (s[i]) && s[i] != '"')   /* xmin, <exists>, ... */
            i++;
        }
      else
        i++;
    }
  return TRUE;
}

typedef struct
{
  const char *path;
  GArray     *tokens;
  guint       at;
} Cursor;

static const Token *
take (Cursor      *c,
      gboolean     string,
      const char  *what,
      GError     **error)
{
  if (c->at >= c->tokens->len)
    {
      guint line = c->tokens->len ? g_array_index (c->tokens, Token, c->tokens->len - 1).line : 1;
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s:%u: the file ends where %s should be", c->path, line, what);
      return NULL;
    }
  const Token *t = &g_array_index (c->tokens, Token, c->at++);
  if (t->string != string)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: '%s' where %s should be",
                   c->path, t->line, t->text, what);
      return NULL;
    }
  return t;
}

static gboolean
take_count (Cursor      *c,
            const char  *what,
            guint        limit,
            guint       *out,
            GError     **error)
{
  const Token *t = take (c, FALSE, what, error);
  if (t == NULL)
    return FALSE;
  if (t->number < 0 || t->number > limit || t->number != floor (t->number))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: %s '%s' is out of range",
                   c->path, t->line, what, t->text);
      return FALSE;
    }
  *out = (guint) t->number;
  return TRUE;
}

StvaTextGrid *
stva_textgrid_parse (const char  *path,
                     const char  *data,
                     gsize        size,
                     GError     **error)
{
  g_autofree char *converted = NULL;
  if (size >= 2 && ((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe))
    converted = g_convert (data + 2, (gssize) size - 2, "UTF-8", "UTF-16LE", NULL, &size, NULL);
  else if (size >= 2 && ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff))
    converted = g_convert (data + 2, (gssize) size - 2, "UTF-8", "UTF-16BE", NULL, &size, NULL);
  else if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      converted = g_strndup (data + 3, size - 3);
      size -= 3;
    }
  if (converted == NULL && size >= 2 && ((guchar) data[0] >= 0xfe))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:1: bad UTF-16 text", path);
      return NULL;
    }
  const char *text = converted ? converted : data;

  g_autoptr (GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  g_array_set_clear_func (tokens, token_clear);
  if (!tokenize (path, text, size, tokens, error))
    return NULL;
  Cursor c = { path, tokens, 0 };
  const Token *t;
  if ((t = take (&c, TRUE, "\"ooTextFile\"", error)) == NULL)
    return NULL;
  if (strcmp (t->text, "ooTextFile") != 0 && strcmp (t->text, "ooTextFile short") != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s:%u: not a Praat text file (File type = \"%s\")", path, t->line, t->text);
      return NULL;
    }
  if ((t = take (&c, TRUE, "\"TextGrid\"", error)) == NULL)
    return NULL;
  if (strcmp (t->text, "TextGrid") != 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s:%u: a Praat '%s', not a TextGrid", path, t->line, t->text);
      return NULL;
    }
  g_autoptr (StvaTextGrid) tg = g_new0 (StvaTextGrid, 1);
  const Token *xmin = take (&c, FALSE, "xmin", error);
  const Token *xmax = xmin ? take (&c, FALSE, "xmax", error) : NULL;
  if (xmax == NULL || !take_count (&c, "the number of tiers", 10000, &tg->n_tiers, error))
    return NULL;
  tg->xmin = xmin->number;
  tg->xmax = xmax->number;
  tg->tiers = g_new0 (StvaTextGridTier, tg->n_tiers ? tg->n_tiers : 1);
  for (guint i = 0; i < tg->n_tiers; i++)
    {
      StvaTextGridTier *tier = &tg->tiers[i];
      const Token *cls = take (&c, TRUE, "a tier class", error);
      if (cls == NULL)
        return NULL;
      if (strcmp (cls->text, "IntervalTier") == 0)
        tier->points = FALSE;
      else if (strcmp (cls->text, "TextTier") == 0)
        tier->points = TRUE;
      else
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: tier class '%s' (IntervalTier or TextTier expected)", path,
                       cls->line, cls->text);
          return NULL;
        }
      const Token *name = take (&c, TRUE, "a tier name", error);
      const Token *t0 = name ? take (&c, FALSE, "the tier's xmin", error) : NULL;
      const Token *t1 = t0 ? take (&c, FALSE, "the tier's xmax", error) : NULL;
      if (t1 == NULL)
        return NULL;
      tier->name = g_strdup (name->text);
      /* each item takes at least two tokens: bound the count by what is left before allocating */
      if (!take_count (&c, "the number of intervals", (tokens->len - c.at) / 2, &tier->n_items,
                       error))
        return NULL;
      tier->items = g_new0 (StvaTextGridItem, tier->n_items ? tier->n_items : 1);
      for (guint k = 0; k < tier->n_items; k++)
        {
          StvaTextGridItem *it = &tier->items[k];
          const Token *a = take (&c, FALSE, "a time", error);
          const Token *b = a && !tier->points ? take (&c, FALSE, "a time", error) : a;
          const Token *s = b ? take (&c, TRUE, "a text", error) : NULL;
          if (s == NULL)
            return NULL;
          it->xmin = a->number;
          it->xmax = b->number;
          it->text = g_strdup (s->text);
          if (it->xmax < it->xmin)
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: an interval of tier '%s' ends before it starts", path,
                           a->line, tier->name);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&tg);
}

StvaTextGrid *
stva_textgrid_read (const char  *path,
                    GError     **error)
{
  g_autofree char *data = NULL;
  gsize size = 0;
  if (!stva_db_read_file (path, &data, &size, error))
    return NULL;
  return stva_textgrid_parse (path, data, size, error);
}

/* ---- writing ------------------------------------------------------------------------------ */

static void
put_string (GString    *out,
            const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s ? s : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
put_time (GString *out,
          double   t)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.3f", t));
}

void
stva_textgrid_write (GString            *out,
                     const StvaTextGrid *tg)
{
  g_string_append (out, "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = ");
  put_time (out, tg->xmin);
  g_string_append (out, " \nxmax = ");
  put_time (out, tg->xmax);
  g_string_append_printf (out, " \ntiers? <exists> \nsize = %u \nitem []: \n", tg->n_tiers);
  for (guint i = 0; i < tg->n_tiers; i++)
    {
      const StvaTextGridTier *t = &tg->tiers[i];
      g_string_append_printf (out, "    item [%u]:\n        class = \"%s\" \n        name = ",
                              i + 1, t->points ? "TextTier" : "IntervalTier");
      put_string (out, t->name);
      g_string_append (out, " \n        xmin = ");
      put_time (out, tg->xmin);
      g_string_append (out, " \n        xmax = ");
      put_time (out, tg->xmax);
      g_string_append_printf (out, " \n        %s: size = %u \n",
                              t->points ? "points" : "intervals", t->n_items);
      for (guint k = 0; k < t->n_items; k++)
        {
          const StvaTextGridItem *it = &t->items[k];
          g_string_append_printf (out, "        %s [%u]:\n", t->points ? "points" : "intervals",
                                  k + 1);
          if (t->points)
            {
              g_string_append (out, "            number = ");
              put_time (out, it->xmin);
              g_string_append (out, " \n            mark = ");
            }
          else
            {
              g_string_append (out, "            xmin = ");
              put_time (out, it->xmin);
              g_string_append (out, " \n            xmax = ");
              put_time (out, it->xmax);
              g_string_append (out, " \n            text = ");
            }
          put_string (out, it->text);
          g_string_append (out, " \n");
        }
    }
}

/* ---- dialogues ---------------------------------------------------------------------------- */

/* Appends an interval tier built from (start, end, text) triples sorted by start, filling gaps
 * with empty intervals so the tier tiles [0, xmax] as Praat requires; an interval overlapping
 * its predecessor starts where that one ends. */
typedef struct
{
  gint64      start_ms;
  gint64      end_ms;
  const char *text;   /* borrowed */
} Span;

static void
fill_tier (StvaTextGridTier *tier,
           const char       *name,
           GArray           *spans,
           gint64            end_ms)
{
  tier->name = g_strdup (name);
  GArray *items = g_array_new (FALSE, TRUE, sizeof (StvaTextGridItem));
  gint64 at = 0;
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *s = &g_array_index (spans, Span, i);
      gint64 a = MAX (s->start_ms, at), b = MAX (s->end_ms, a);
      if (b == a)
        continue;
      if (a > at)
        {
          StvaTextGridItem gap = { at / 1000.0, a / 1000.0, g_strdup ("") };
          g_array_append_val (items, gap);
        }
      StvaTextGridItem it = { a / 1000.0, b / 1000.0, g_strdup (s->text) };
      g_array_append_val (items, it);
      at = b;
    }
  if (at < end_ms || items->len == 0)
    {
      StvaTextGridItem gap = { at / 1000.0, MAX (end_ms, at + 1) / 1000.0, g_strdup ("") };
      g_array_append_val (items, gap);
    }
  tier->n_items = items->len;
  tier->items = (StvaTextGridItem *) (void *) g_array_free (items, FALSE);
}

gboolean
stva_db_export_textgrid (StvaDb      *db,
                         gint64       dialogue_id,
                         gint64       label_set_id,
                         gint64       model_id,
                         const char  *path,
                         GError     **error)
{
  g_autoptr (StvaDbLabelSet) set = NULL;
  g_autoptr (GPtrArray) utts = _stva_db_export_utterances (db, dialogue_id, label_set_id,
                                                           model_id, &set, error);
  if (utts == NULL)
    return FALSE;
  gint64 end_ms = 0;
  g_autoptr (GPtrArray) speakers = g_ptr_array_new ();
  for (guint i = 0; i < utts->len; i++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, i);
      end_ms = MAX (end_ms, u->end_ms);
      gboolean seen = FALSE;
      for (guint k = 0; k < speakers->len && !seen; k++)
        seen = strcmp (speakers->pdata[k], u->speaker) == 0;
      if (!seen)
        g_ptr_array_add (speakers, u->speaker);
    }
  g_autoptr (StvaTextGrid) tg = g_new0 (StvaTextGrid, 1);
  tg->xmin = 0.0;
  tg->xmax = MAX (end_ms, 1) / 1000.0;
  tg->n_tiers = speakers->len + 3;
  tg->tiers = g_new0 (StvaTextGridTier, tg->n_tiers);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  for (guint k = 0; k < tg->n_tiers; k++)
    {
      g_array_set_size (spans, 0);
      for (guint i = 0; i < utts->len; i++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, i);
          const char *text;
          if (k < speakers->len)
            text = strcmp (u->speaker, speakers->pdata[k]) == 0 ? u->transcript : NULL;
          else
            {
              gint64 l = k == speakers->len ? u->gold_label_id
                         : k == speakers->len + 1 ? u->current_label_id : u->predicted_label_id;
              const StvaDbLabel *label = stva_db_label_set_by_label (set, l);
              text = label ? label->name : NULL;
            }
          if (text == NULL)
            continue;
          Span s = { u->start_ms, u->end_ms, text };
          g_array_append_val (spans, s);
        }
      static const char *const label_tiers[3] = { "emotion-gold", "emotion-current",
                                                  "emotion-pred" };
      const char *name = k < speakers->len ? (*(char *) speakers->pdata[k] ? speakers->pdata[k]
                                                                            : "Speaker")
                                           : label_tiers[k - speakers->len];
      fill_tier (&tg->tiers[k], name, spans, end_ms);
    }
  g_autoptr (GString) out = g_string_new (NULL);
  stva_textgrid_write (out, tg);
  GError *local = NULL;
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local))
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gint64
to_ms (double seconds)
{
  return (gint64) llround (seconds * 1000.0);
}

gboolean
stva_db_import_textgrid (StvaDb              *db,
                         const char          *path,
                         const char          *label_tier,
                         const char          *label_set,
                         const char          *split,
                         StvaDbImportReport  *report_out,
                         GError             **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  if (split == NULL)
    split = "none";
  if (label_tier == NULL)
    label_tier = "emotion-gold";
  g_autoptr (StvaTextGrid) tg = stva_textgrid_read (path, error);
  if (tg == NULL)
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, label_set ? label_set
                                                                    : STVA_DB_MELD_SET, error);
  if (set == NULL)
    return FALSE;
  const StvaTextGridTier *labels = NULL;
  for (guint i = 0; i < tg->n_tiers; i++)
    if (strcmp (tg->tiers[i].name, label_tier) == 0)
      labels = &tg->tiers[i];
  if (*label_tier && labels == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: no tier called '%s'", path,
                   label_tier);
      return FALSE;
    }
  /* utterances: non-empty intervals of the interval tiers that do not hold labels */
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr (GPtrArray) speakers = g_ptr_array_new ();
  for (guint i = 0; i < tg->n_tiers; i++)
    {
      const StvaTextGridTier *t = &tg->tiers[i];
      if (t->points || g_str_has_prefix (t->name, "emotion-") || t == labels)
        continue;
      for (guint k = 0; k < t->n_items; k++)
        {
          if (*g_strstrip (t->items[k].text) == '\0')
            continue;
          Span s = { to_ms (t->items[k].xmin), to_ms (t->items[k].xmax), t->items[k].text };
          g_array_append_val (spans, s);
          g_ptr_array_add (speakers, t->name);
        }
    }
  if (spans->len == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s: no speaker tier with non-empty intervals", path);
      return FALSE;
    }
  /* order by start time (stable: insertion sort over indexes, files are small) */
  g_autofree guint *order = g_new (guint, spans->len);
  for (guint i = 0; i < spans->len; i++)
    {
      guint j = i;
      while (j > 0 && g_array_index (spans, Span, order[j - 1]).start_ms
                        > g_array_index (spans, Span, i).start_ms)
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = i;
    }
  /* each utterance takes the label interval overlapping it most */
  g_autofree const StvaDbLabel **label_of = g_new0 (const StvaDbLabel *, spans->len);
  for (guint i = 0; labels && i < spans->len; i++)
    {
      const Span *s = &g_array_index (spans, Span, i);
      gint64 best = 0;
      for (guint k = 0; k < labels->n_items; k++)
        {
          const StvaTextGridItem *it = &labels->items[k];
          gint64 overlap = MIN (s->end_ms, to_ms (it->xmax)) - MAX (s->start_ms, to_ms (it->xmin));
          if (overlap <= best || *g_strstrip (it->text) == '\0')
            continue;
          const StvaDbLabel *l = stva_db_label_set_find (set, it->text);
          if (l == NULL)
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s: tier '%s': '%s' is not in the label set '%s'", path,
                           labels->name, it->text, set->name);
              return FALSE;
            }
          best = overlap;
          label_of[i] = l;
        }
    }

  g_autofree char *name = g_path_get_basename (path);
  char *dot = strrchr (name, '.');
  if (dot != NULL && dot != name)
    *dot = '\0';
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree StvaDbSegment *segments = g_new0 (StvaDbSegment, spans->len);
  for (guint i = 0; i < spans->len; i++)
    {
      guint j = order[i];
      const Span *s = &g_array_index (spans, Span, j);
      segments[i] = (StvaDbSegment) { .start_ms = s->start_ms, .end_ms = s->end_ms,
                                      .speaker = g_ptr_array_index (speakers, j),
                                      .text = s->text,
                                      .label_id = label_of[j] ? label_of[j]->id : 0 };
    }
  StvaDbDialogueImport what = {
    .kind = "textgrid", .corpus = "textgrid", .source = abs, .source_name = path,
    .split = split, .name = name, .label_set_id = set->id,
  };
  return _stva_db_import_dialogue (db, &what, segments, spans->len, report_out, error);
}
