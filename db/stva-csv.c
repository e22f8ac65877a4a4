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
  GPtrArray *fields;      /* owned, of owned strings */
  GString   *field;       /* owned */
};

G_DEFINE_QUARK (stva-db-error-quark, stva_db_error)

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
  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->field = g_string_new (NULL);
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
  g_string_free (self->field, TRUE);
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

/* A field as UTF-8: valid UTF-8 as it is, anything else read as Windows-1252. */
static char *
field_to_utf8 (GString *field)
{
  if (g_utf8_validate_len (field->str, field->len, NULL) && memchr (field->str, 0, field->len)
      == NULL)
    return g_strndup (field->str, field->len);
  char *utf8 = g_convert_with_fallback (field->str, (gssize) field->len, "UTF-8", "WINDOWS-1252",
                                        "?", NULL, NULL, NULL);
  if (utf8 == NULL)   /* bytes CP1252 leaves undefined: keep the ASCII, mark the rest */
    {
      GString *s = g_string_sized_new (field->len);
      for (gsize i = 0; i < field->len; i++)
        g_string_append_c (s, (guchar) field->str[i] < 0x80 && field->str[i] ? field->str[i]
                                                                              : '?');
      return g_string_free (s, FALSE);
    }
  return utf8;
}

static void
end_field (StvaCsvReader *self)
{
  g_ptr_array_add (self->fields, field_to_utf8 (self->field));
  g_string_truncate (self->field, 0);
}

gboolean
stva_csv_reader_next (StvaCsvReader  *self,
                      GPtrArray     **fields,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL && fields != NULL, FALSE);
  g_ptr_array_set_size (self->fields, 0);
  g_string_truncate (self->field, 0);
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
  while (self->pos < self->size)
    {
      char c = self->data[self->pos++];
      if (quoted)
        {
          if (c == '"')
            {
              if (self->pos < self->size && self->data[self->pos] == '"')
                {
                  g_string_append_c (self->field, '"');
                  self->pos++;
                }
              else
                quoted = FALSE;
            }
          else
            {
              if (c == '\n')
                self->line++;
              g_string_append_c (self->field, c);
            }
          continue;
        }
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
          *fields = self->fields;
          return TRUE;
        }
      else if (c == '"' && self->field->len == 0 && !was_quoted)
        quoted = was_quoted = TRUE;
      else if (c == '"' && was_quoted)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: stray quote after a quoted field", self->path, self->line);
          return FALSE;
        }
      else
        g_string_append_c (self->field, c);   /* a quote inside an unquoted field is data */
    }
  if (quoted)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                   "%s:%u: quoted field is not closed before the end of the file", self->path,
                   self->record_line);
      return FALSE;
    }
  end_field (self);
  *fields = self->fields;
  return TRUE;
}
