/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SubRip and WebVTT cues (see stva-subtitles.h).  The parser works on a buffer so the fuzz
 * target can feed it directly; it accepts CRLF or LF, a byte-order mark, cue numbers or ids,
 * WebVTT NOTE/STYLE/REGION blocks (skipped) and cue settings after the times.
 */
#include "config.h"

#include <string.h>

#include "stva-subtitles.h"

static void
cue_free (gpointer data)
{
  StvaSubtitleCue *c = data;
  g_free (c->speaker);
  g_free (c->text);
  g_free (c);
}

/* Reads up to max_digits digits; returns how many were read. */
static int
digits (const char *s,
        gsize       n,
        int         max_digits,
        guint64    *value)
{
  int k = 0;
  *value = 0;
  while ((gsize) k < n && k < max_digits && g_ascii_isdigit (s[k]))
    *value = *value * 10 + (guint64) (s[k++] - '0');
  return k;
}

gboolean
stva_subtitles_parse_time (const char *s,
                           gsize       n,
                           gint64     *ms)
{
  guint64 f[4] = { 0, 0, 0, 0 };
  int nf = 0;
  gsize pos = 0;
  for (;;)
    {
      int k = digits (s + pos, n - pos, nf == 0 ? 9 : 2, &f[nf]);
      if (k == 0 || (nf > 0 && k != 2))
        return FALSE;
      pos += (gsize) k;
      nf++;
      if (pos < n && s[pos] == ':' && nf < 3)
        {
          pos++;
          continue;
        }
      break;
    }
  if (nf < 2 || pos >= n || (s[pos] != ',' && s[pos] != '.'))
    return FALSE;
  pos++;
  guint64 frac;
  int k = digits (s + pos, n - pos, 3, &frac);
  if (k != 3 || pos + 3 != n)
    return FALSE;
  guint64 h = nf == 3 ? f[0] : 0, m = nf == 3 ? f[1] : f[0], sec = nf == 3 ? f[2] : f[1];
  if (m > 59 || sec > 59 || h > 100000)
    return FALSE;
  *ms = (gint64) (((h * 60 + m) * 60 + sec) * 1000 + frac);
  return TRUE;
}

/* One line of the buffer, without its end of line. */
typedef struct
{
  const char *s;
  gsize       n;
  guint       number;
} Line;

static gboolean
next_line (const char *data,
           gsize       size,
           gsize      *pos,
           Line       *line)
{
  if (*pos >= size)
    return FALSE;
  line->s = data + *pos;
  const char *nl = memchr (line->s, '\n', size - *pos);
  gsize len = nl ? (gsize) (nl - line->s) : size - *pos;
  *pos += len + (nl ? 1 : 0);
  if (len > 0 && line->s[len - 1] == '\r')
    len--;
  line->n = len;
  line->number++;
  return TRUE;
}

static gboolean
blank (const Line *l)
{
  for (gsize i = 0; i < l->n; i++)
    if (!g_ascii_isspace (l->s[i]))
      return FALSE;
  return TRUE;
}

/* Lines are not NUL-terminated: compare within their length. */
static gboolean
starts_with (const Line *l,
             const char *prefix)
{
  gsize n = strlen (prefix);
  return l->n >= n && memcmp (l->s, prefix, n) == 0;
}

/* Parses "START --> END [settings]"; FALSE if the line has no arrow. */
static gboolean
timing (const Line  *l,
        gboolean    *has_arrow,
        gint64      *start,
        gint64      *end)
{
  const char *arrow = g_strstr_len (l->s, (gssize) l->n, "-->");
  *has_arrow = arrow != NULL;
  if (arrow == NULL)
    return FALSE;
  const char *a = l->s, *a_end = arrow;
  while (a < a_end && a[0] == ' ')
    a++;
  while (a_end > a && (a_end[-1] == ' ' || a_end[-1] == '\t'))
    a_end--;
  const char *b = arrow + 3, *stop = l->s + l->n;
  while (b < stop && (*b == ' ' || *b == '\t'))
    b++;
  const char *b_end = b;
  while (b_end < stop && *b_end != ' ' && *b_end != '\t')
    b_end++;
  return stva_subtitles_parse_time (a, (gsize) (a_end - a), start)
         && stva_subtitles_parse_time (b, (gsize) (b_end - b), end);
}

/* Removes <...> tags, taking a WebVTT voice tag's name as the speaker; decodes the few
 * entities WebVTT requires. */
static char *
strip_tags (const char  *text,
            char       **speaker)
{
  GString *out = g_string_new (NULL);
  for (const char *p = text; *p;)
    {
      if (*p == '<')
        {
          const char *close = strchr (p, '>');
          if (close == NULL)
            break;
          if (p[1] == 'v' && (p[2] == ' ' || p[2] == '.') && *speaker == NULL)
            {
              const char *name = strchr (p, ' ');
              if (name != NULL && name < close)
                *speaker = g_strstrip (g_strndup (name + 1, (gsize) (close - name - 1)));
            }
          p = close + 1;
          continue;
        }
      static const struct { const char *entity; char c; } entities[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&nbsp;", ' ' },
      };
      gboolean done = FALSE;
      for (guint e = 0; e < G_N_ELEMENTS (entities) && *p == '&' && !done; e++)
        if (g_str_has_prefix (p, entities[e].entity))
          {
            g_string_append_c (out, entities[e].c);
            p += strlen (entities[e].entity);
            done = TRUE;
          }
      if (!done)
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* "Name: text" → speaker Name, when Name is short and has no sentence punctuation. */
static void
split_speaker (StvaSubtitleCue *cue)
{
  if (cue->speaker != NULL)
    return;
  const char *colon = strchr (cue->text, ':');
  if (colon == NULL || colon == cue->text || colon - cue->text > 40 || colon[1] != ' ')
    return;
  for (const char *p = cue->text; p < colon; p++)
    if (*p == '\n' || *p == '.' || *p == '!' || *p == '?' || *p == ',' || g_ascii_isdigit (*p))
      return;
  cue->speaker = g_strndup (cue->text, (gsize) (colon - cue->text));
  g_strstrip (cue->speaker);
  char *rest = g_strdup (colon + 2);
  g_free (cue->text);
  cue->text = rest;
}

GPtrArray *
stva_subtitles_parse (const char          *path,
                      const char          *data,
                      gsize                size,
                      StvaSubtitleFormat  *format_out,
                      GError             **error)
{
  gsize pos = 0;
  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;
  Line l = { NULL, 0, 0 };
  StvaSubtitleFormat format = STVA_SUBTITLES_SRT;
  if (size - pos >= 6 && memcmp (data + pos, "WEBVTT", 6) == 0
      && (size - pos == 6 || g_ascii_isspace (data[pos + 6])))
    {
      format = STVA_SUBTITLES_VTT;
      /* the header block runs to the first blank line */
      while (next_line (data, size, &pos, &l) && !blank (&l))
        ;
    }
  if (format_out)
    *format_out = format;
  g_autoptr (GPtrArray) cues = g_ptr_array_new_with_free_func (cue_free);
  while (next_line (data, size, &pos, &l))
    {
      if (blank (&l))
        continue;
      /* a block: optional number or id, then the timing line, then text to a blank line */
      gboolean has_arrow;
      gint64 start = 0, end = 0;
      gboolean ok = timing (&l, &has_arrow, &start, &end);
      if (!has_arrow)
        {
          if (format == STVA_SUBTITLES_VTT
              && (starts_with (&l, "NOTE") || starts_with (&l, "STYLE")
                  || starts_with (&l, "REGION")))
            {
              while (next_line (data, size, &pos, &l) && !blank (&l))
                ;
              continue;
            }
          guint id_line = l.number;
          if (!next_line (data, size, &pos, &l) || blank (&l))
            {
              g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                           "%s:%u: a cue number or id with no timing line after it", path,
                           id_line);
              return NULL;
            }
          ok = timing (&l, &has_arrow, &start, &end);
        }
      if (!ok)
        {
          g_autofree char *shown = g_utf8_make_valid (l.s, (gssize) MIN (l.n, 60));
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: '%s' is not a timing line like 00:00:01%c000 --> 00:00:02%c500",
                       path, l.number, shown, format == STVA_SUBTITLES_VTT ? '.' : ',',
                       format == STVA_SUBTITLES_VTT ? '.' : ',');
          return NULL;
        }
      if (end < start)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: the cue ends before it starts", path, l.number);
          return NULL;
        }
      guint timing_line = l.number;
      GString *text = g_string_new (NULL);
      while (next_line (data, size, &pos, &l) && !blank (&l))
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append_len (text, l.s, (gssize) l.n);
        }
      g_autofree char *raw = g_string_free (text, FALSE);
      if (!g_utf8_validate (raw, -1, NULL))
        {
          char *fixed = g_convert_with_fallback (raw, -1, "UTF-8", "WINDOWS-1252", "?", NULL,
                                                 NULL, NULL);
          if (fixed == NULL)
            fixed = g_utf8_make_valid (raw, -1);
          g_free (raw);
          raw = fixed;
        }
      StvaSubtitleCue *cue = g_new0 (StvaSubtitleCue, 1);
      cue->line = timing_line;
      cue->start_ms = start;
      cue->end_ms = end;
      cue->text = strip_tags (raw, &cue->speaker);
      split_speaker (cue);
      g_ptr_array_add (cues, cue);
    }
  return g_steal_pointer (&cues);
}

GPtrArray *
stva_subtitles_read (const char          *path,
                     StvaSubtitleFormat  *format,
                     GError             **error)
{
  g_autofree char *data = NULL;
  gsize size = 0;
  if (!stva_db_read_file (path, &data, &size, error))
    return NULL;
  return stva_subtitles_parse (path, data, size, format, error);
}

static void
write_time (GString            *out,
            StvaSubtitleFormat  format,
            gint64              ms)
{
  if (ms < 0)
    ms = 0;
  g_string_append_printf (out, "%02" G_GINT64_FORMAT ":%02d:%02d%c%03d", ms / 3600000,
                          (int) (ms / 60000 % 60), (int) (ms / 1000 % 60),
                          format == STVA_SUBTITLES_VTT ? '.' : ',', (int) (ms % 1000));
}

void
stva_subtitles_write_cue (GString            *out,
                          StvaSubtitleFormat  format,
                          guint               index,
                          gint64              start_ms,
                          gint64              end_ms,
                          const char         *speaker,
                          const char         *text)
{
  if (format == STVA_SUBTITLES_SRT)
    g_string_append_printf (out, "%u\n", index);
  write_time (out, format, start_ms);
  g_string_append (out, " --> ");
  write_time (out, format, end_ms);
  g_string_append_c (out, '\n');
  if (speaker != NULL && *speaker != '\0')
    {
      if (format == STVA_SUBTITLES_VTT)
        g_string_append_printf (out, "<v %s>", speaker);
      else
        g_string_append_printf (out, "%s: ", speaker);
    }
  /* a blank line would end the cue: keep line breaks but never an empty line */
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '\r')
        continue;
      if (*p == '\n' && (p[1] == '\n' || p[1] == '\r' || p[1] == '\0'))
        continue;
      if (format == STVA_SUBTITLES_VTT && (*p == '<' || *p == '&' || *p == '>'))
        g_string_append (out, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : "&amp;");
      else
        g_string_append_c (out, *p);
    }
  g_string_append (out, "\n\n");
}
