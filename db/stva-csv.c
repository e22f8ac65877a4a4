/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 4180 reading with the tolerance real corpus files need (see stva-csv.h).  The whole file
 * is mapped into memory: corpus CSVs are a few megabytes at most.
 */
#include "config.h"

#include <string.h>

#include "stva-csv.h"

struct _StvaCsvReader
{
  char      *path;        /* owned */
  GMappedFile *map;       /* owned */
  const char *data;       /* borrowed from map */
  gsize      size;
  gsize      pos;
  guint      line;        /* line of pos, 1-based */
  guint      record_line;
  GString   *record;      /* owned: the record's fields, each ending in a NUL */
  GArray    *starts;      /* owned, of gsize: where each field of record starts */
  gsize      field_start; /* where the field being read starts in record */
  GPtrArray *fields;      /* owned, of pointers into record */
};

StvaCsvReader *
stva_csv_reader_new (const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  GError *local = NULL;
  GMappedFile *map = g_mapped_file_new (path, FALSE, &local);
  if (map == NULL)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  StvaCsvReader *self = g_new0 (StvaCsvReader, 1);
  self->path = g_strdup (path);
  self->map = map;
  self->data = g_mapped_file_get_contents (map);
  self->size = g_mapped_file_get_length (map);
  self->line = 1;
  self->record = g_string_sized_new (1024);
  self->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->fields = g_ptr_array_new ();
  if (self->size >= 3 && memcmp (self->data, "\xef\xbb\xbf", 3) == 0)
    self->pos = 3;   /* UTF-8 byte-order mark */
  return self;
}

void
stva_csv_reader_free (StvaCsvReader *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_clear_pointer (&self->map, g_mapped_file_unref);
  g_ptr_array_unref (self->fields);
  g_array_unref (self->starts);
  g_string_free (self->record, TRUE);
  g_free (self);
}

guint
stva_csv_reader_line (StvaCsvReader *self)
{
  return self->record_line;
}

const char *
stva_csv_reader_path (StvaCsvReader *self)
{
  return self->path;
}

/* Appends n bytes to the record: GLib 2.74's g_string_append_len is a call into
 * g_string_insert_len, and a record grows by a dozen short runs. */
static inline void
record_append (GString    *r,
               const char *p,
               gsize       n)
{
  if (r->len + n >= r->allocated_len)
    g_string_append_len (r, p, (gssize) n);   /* grows it */
  else
    {
      memcpy (r->str + r->len, p, n);
      r->len += n;
      r->str[r->len] = '\0';
    }
}

/* TRUE when the n bytes are ASCII without NUL (most fields of most corpora): valid UTF-8. */
static gboolean
plain_ascii (const char *s,
             gsize       n)
{
  gsize i = 0;
  for (; i + 8 <= n; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, 8);
      /* a byte with its top bit set, or a zero byte (the usual bit trick) */
      if ((w | ((w - 0x0101010101010101u) & ~w)) & 0x8080808080808080u)
        return FALSE;
    }
  for (; i < n; i++)
    if ((guchar) s[i] >= 0x80 || s[i] == '\0')
      return FALSE;
  return TRUE;
}

/* The field being read as UTF-8: valid UTF-8 as it is, anything else read as Windows-1252. */
static void
end_field (StvaCsvReader *self)
{
  GString *r = self->record;
  const char *field = r->str + self->field_start;
  gsize n = r->len - self->field_start;
  if (!plain_ascii (field, n)
      && (!g_utf8_validate_len (field, n, NULL) || memchr (field, 0, n) != NULL))
    {
      char *utf8 = g_convert_with_fallback (field, (gssize) n, "UTF-8", "WINDOWS-1252", "?",
                                            NULL, NULL, NULL);
      if (utf8 == NULL)   /* bytes CP1252 leaves undefined: keep the ASCII, mark the rest */
        {
          utf8 = g_malloc (n + 1);
          for (gsize i = 0; i < n; i++)
            utf8[i] = (guchar) field[i] < 0x80 && field[i] ? field[i] : '?';
          utf8[n] = '\0';
        }
      g_string_truncate (r, self->field_start);
      g_string_append (r, utf8);
      g_free (utf8);
    }
  g_string_append_c (r, '\0');
  g_array_append_val (self->starts, self->field_start);
  self->field_start = r->len;
}

/* Points fields at the fields of a whole record (record no longer moves). */
static GPtrArray *
record_fields (StvaCsvReader *self)
{
  g_ptr_array_set_size (self->fields, (gint) self->starts->len);
  for (guint i = 0; i < self->starts->len; i++)
    self->fields->pdata[i] = self->record->str + g_array_index (self->starts, gsize, i);
  return self->fields;
}

gboolean
stva_csv_reader_next (StvaCsvReader  *self,
                      GPtrArray     **fields,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL && fields != NULL, FALSE);
  g_ptr_array_set_size (self->fields, 0);
  g_string_truncate (self->record, 0);
  g_array_set_size (self->starts, 0);
  self->field_start = 0;
  *fields = NULL;

  /* Blank lines between records are skipped (some exports end with several). */
  while (self->pos < self->size && (self->data[self->pos] == '\n'
                                    || self->data[self->pos] == '\r'))
    {
      if (self->data[self->pos] == '\n')
        self->line++;
      self->pos++;
    }
  if (self->pos >= self->size)
    return FALSE;

  self->record_line = self->line;
  gboolean quoted = FALSE, was_quoted = FALSE;
  const char *end = self->data + self->size;
  while (self->pos < self->size)
    {
      /* Plain runs are copied whole; only the characters that matter are looked at alone. */
      const char *p = self->data + self->pos;
      if (quoted)
        {
          const char *q = memchr (p, '"', (size_t) (end - p));
          const char *stop = q != NULL ? q : end;
          for (const char *n = p; (n = memchr (n, '\n', (size_t) (stop - n))) != NULL; n++)
            self->line++;
          record_append (self->record, p, (gsize) (stop - p));
          self->pos = (gsize) (stop - self->data);
          if (q == NULL)
            break;
          self->pos++;
          if (self->pos < self->size && self->data[self->pos] == '"')
            {
              g_string_append_c (self->record, '"');
              self->pos++;
            }
          else
            quoted = FALSE;
          continue;
        }
      const char *stop = p;
      while (stop < end && *stop != ',' && *stop != '\r' && *stop != '\n' && *stop != '"')
        stop++;
      if (stop > p)
        {
          record_append (self->record, p, (gsize) (stop - p));
          self->pos = (gsize) (stop - self->data);
          if (stop == end)
            break;
        }
      char c = self->data[self->pos++];
      if (c == ',')
        {
          end_field (self);
          was_quoted = FALSE;
        }
      else if (c == '\r' || c == '\n')
        {
          if (c == '\r' && self->pos < self->size && self->data[self->pos] == '\n')
            self->pos++;
          self->line++;
          end_field (self);
          *fields = record_fields (self);
          return TRUE;
        }
      else if (self->record->len == self->field_start && !was_quoted)
        quoted = was_quoted = TRUE;
      else if (was_quoted)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: stray quote after a quoted field", self->path, self->line);
          return FALSE;
        }
      else
        g_string_append_c (self->record, c);   /* a quote inside an unquoted field is data */
    }
  if (quoted)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s:%u: quoted field is not closed before the end of the file", self->path,
                   self->record_line);
      return FALSE;
    }
  end_field (self);
  *fields = record_fields (self);
  return TRUE;
}
