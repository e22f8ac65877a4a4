/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * .npz archives, writing (stva-npz.h): .npy entries stored or deflated through zlib into a
 * temporary file, the central directory at close, then a rename into place, so a reader never
 * sees half an archive.  Fixed timestamps: the same arrays give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stva-npz.h"
#include "stva-npz-private.h"

/* ---- zip writing ----------------------------------------------------------------------------- */

typedef struct
{
  char    *name;     /* owned, with ".npy" */
  uint32_t crc, csize, usize, offset;
  uint16_t method;
} CentralEntry;

struct StvaNpzWriter
{
  FILE         *f;
  char         *path;      /* owned */
  char         *tmp;       /* owned */
  bool          compress;
  uint64_t      offset;    /* bytes written */
  CentralEntry *entries;   /* (n_entries) owned */
  int           n_entries;
  int           cap;
};

#define DOS_DATE_1980_01_01 0x21    /* fixed timestamps: the same dataset gives the same bytes */

StvaStatus
stva_npz_writer_open (const char     *path,
                      bool            compress,
                      StvaNpzWriter **out,
                      StvaError      *error)
{
  *out = NULL;
  StvaNpzWriter *w = calloc (1, sizeof *w);
  if (w == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
  size_t len = strlen (path);
  w->path = strdup (path);
  w->tmp = malloc (len + 5);
  if (w->path == NULL || w->tmp == NULL)
    {
      stva_npz_writer_abort (w);
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
    }
  snprintf (w->tmp, len + 5, "%s.tmp", path);
  w->compress = compress;
  w->f = fopen (w->tmp, "wb");
  if (w->f == NULL)
    {
      StvaStatus st = stva_error_set (error, STVA_ERR_IO, "%s: %s", w->tmp, strerror (errno));
      free (w->tmp);
      w->tmp = NULL;            /* nothing to remove */
      stva_npz_writer_abort (w);
      return st;
    }
  *out = w;
  return STVA_OK;
}

void
stva_npz_writer_abort (StvaNpzWriter *w)
{
  if (w == NULL)
    return;
  if (w->f)
    fclose (w->f);
  if (w->tmp)
    remove (w->tmp);
  for (int i = 0; i < w->n_entries; i++)
    free (w->entries[i].name);
  free (w->entries);
  free (w->path);
  free (w->tmp);
  free (w);
}

static StvaStatus
write_bytes (StvaNpzWriter *w,
             const void    *p,
             size_t         n,
             StvaError     *error)
{
  if (n > 0 && fwrite (p, 1, n, w->f) != n)
    return stva_error_set (error, STVA_ERR_IO, "%s: %s", w->tmp, strerror (errno));
  w->offset += n;
  return STVA_OK;
}

/* Adds one entry whose uncompressed bytes are npy (n bytes). */
static StvaStatus
add_entry (StvaNpzWriter *w,
           const char    *name,
           const uint8_t *npy,
           size_t         n,
           StvaError     *error)
{
  size_t name_len = strlen (name) + 4;
  if (name_len > ZIP_MAX_NAME || name[0] == '\0')
    return stva_error_set (error, STVA_ERR_INVALID, "%s: bad array name '%s'", w->path, name);
  for (int i = 0; i < w->n_entries; i++)
    if (strncmp (w->entries[i].name, name, name_len - 4) == 0
        && strcmp (w->entries[i].name + name_len - 4, ".npy") == 0)
      return stva_error_set (error, STVA_ERR_INVALID, "%s: array '%s' added twice", w->path,
                             name);
  if (n > 0xfffffffeu || w->offset > 0xfffffffeu)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: array '%s' would need zip64 "
                           "(over 4 GiB)", w->path, name);
  if (w->n_entries == w->cap)
    {
      int cap = w->cap ? 2 * w->cap : 16;
      CentralEntry *e = realloc (w->entries, (size_t) cap * sizeof *e);
      if (e == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", w->path);
      w->entries = e;
      w->cap = cap;
    }
  CentralEntry *e = &w->entries[w->n_entries];
  memset (e, 0, sizeof *e);
  e->name = malloc (name_len + 1);
  if (e->name == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", w->path);
  snprintf (e->name, name_len + 1, "%s.npy", name);
  w->n_entries++;

  e->crc = (uint32_t) crc_of (npy, n);
  e->usize = (uint32_t) n;
  e->offset = (uint32_t) w->offset;
  const uint8_t *payload = npy;
  uint8_t *packed = NULL;
  size_t n_payload = n;
  if (w->compress)
    {
      z_stream z;
      memset (&z, 0, sizeof z);
      if (deflateInit2 (&z, Z_BEST_SPEED, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return stva_error_set (error, STVA_ERR_EXTERNAL, "%s: zlib deflateInit2 failed",
                               w->path);
      size_t bound = deflateBound (&z, (uLong) n);
      packed = malloc (bound);
      if (packed == NULL)
        {
          deflateEnd (&z);
          return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", w->path);
        }
      z.next_in = (Bytef *) npy;
      z.avail_in = (uInt) n;
      z.next_out = packed;
      z.avail_out = (uInt) bound;
      int rc = deflate (&z, Z_FINISH);
      n_payload = bound - z.avail_out;
      deflateEnd (&z);
      if (rc != Z_STREAM_END)
        {
          free (packed);
          return stva_error_set (error, STVA_ERR_EXTERNAL, "%s: zlib deflate failed (%d)",
                                 w->path, rc);
        }
      payload = packed;
      e->method = 8;
    }
  e->csize = (uint32_t) n_payload;

  uint8_t h[30];
  put32 (h, ZIP_LOCAL_SIG);
  put16 (h + 4, 20);                  /* version needed: 2.0 */
  put16 (h + 6, 0);                   /* flags */
  put16 (h + 8, e->method);
  put16 (h + 10, 0);                  /* time 00:00:00 */
  put16 (h + 12, DOS_DATE_1980_01_01);
  put32 (h + 14, e->crc);
  put32 (h + 18, e->csize);
  put32 (h + 22, e->usize);
  put16 (h + 26, (uint32_t) name_len);
  put16 (h + 28, 0);                  /* extra */
  StvaStatus st = write_bytes (w, h, 30, error);
  if (st == STVA_OK)
    st = write_bytes (w, e->name, name_len, error);
  if (st == STVA_OK)
    st = write_bytes (w, payload, n_payload, error);
  free (packed);
  return st;
}

/* The .npy header for descr and shape, padded so the data starts at a multiple of 64. */
static uint8_t *
npy_header (const char    *descr,
            int            ndim,
            const int64_t *shape,
            size_t        *n)
{
  char dict[64 + 24 * STVA_NPY_MAX_DIM];
  int k = snprintf (dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                    descr);
  for (int d = 0; d < ndim; d++)
    k += snprintf (dict + k, sizeof dict - (size_t) k, d ? " %lld," : "%lld,",
                   (long long) shape[d]);
  if (ndim > 1)
    k--;                               /* (3,) for one dimension, (3, 4) for more */
  k += snprintf (dict + k, sizeof dict - (size_t) k, "), }");
  size_t total = 10 + (size_t) k + 1;  /* magic, version, u16 length, dict, '\n' */
  total = (total + 63) / 64 * 64;
  uint8_t *h = malloc (total);
  if (h == NULL)
    return NULL;
  memcpy (h, "\x93NUMPY\x01\x00", 8);
  put16 (h + 8, (uint32_t) (total - 10));
  memcpy (h + 10, dict, (size_t) k);
  memset (h + 10 + k, ' ', total - 10 - (size_t) k - 1);
  h[total - 1] = '\n';
  *n = total;
  return h;
}

StvaStatus
stva_npz_writer_add (StvaNpzWriter *w,
                     const char    *name,
                     StvaNpyType    dtype,
                     int            ndim,
                     const int64_t *shape,
                     const void    *data,
                     StvaError     *error)
{
  if (dtype >= STVA_NPY_STR || ndim < 0 || ndim > STVA_NPY_MAX_DIM)
    return stva_error_set (error, STVA_ERR_INVALID, "%s: array '%s': bad dtype or rank", w->path,
                           name);
  size_t item = _stva_npy_item_size (dtype);
  uint64_t numel = 1;
  for (int d = 0; d < ndim; d++)
    {
      if (shape[d] < 0 || (shape[d] > 0 && numel > (UINT32_MAX / item) / (uint64_t) shape[d]))
        return stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: array '%s' is too large",
                               w->path, name);
      numel *= (uint64_t) shape[d];
    }
  size_t n_head;
  uint8_t *head = npy_header (stva_npy_type_name (dtype), ndim, shape, &n_head);
  size_t n = n_head + (size_t) numel * item;
  uint8_t *npy = head ? realloc (head, n) : NULL;
  if (npy == NULL)
    {
      free (head);
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", w->path);
    }
  if (numel > 0)
    memcpy (npy + n_head, data, (size_t) numel * item);
  swap_bytes (npy + n_head, (size_t) numel, item);
  StvaStatus st = add_entry (w, name, npy, n, error);
  free (npy);
  return st;
}

StvaStatus
stva_npz_writer_add_strings (StvaNpzWriter     *w,
                             const char        *name,
                             const char *const *strings,
                             int64_t            n_strings,
                             StvaError         *error)
{
  int64_t width = 1;                  /* numpy's narrowest string dtype is '<U1' */
  for (int64_t i = 0; i < n_strings; i++)
    {
      const uint8_t *p = (const uint8_t *) strings[i];
      int64_t len = 0;
      while (*p)
        {
          if (_stva_utf8_next (&p) < 0)
            return stva_error_set (error, STVA_ERR_INVALID, "%s: array '%s': string %lld is not "
                                   "valid UTF-8", w->path, name, (long long) i);
          len++;
        }
      if (len > width)
        width = len;
    }
  if (width > NPY_MAX_UNICODE || n_strings < 0
      || (uint64_t) n_strings > UINT32_MAX / 4 / (uint64_t) width)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: array '%s' is too large", w->path,
                           name);
  char descr[32];
  snprintf (descr, sizeof descr, "<U%lld", (long long) width);
  size_t n_head;
  uint8_t *head = npy_header (descr, 1, &n_strings, &n_head);
  size_t n_data = (size_t) n_strings * (size_t) width * 4;
  uint8_t *npy = head ? realloc (head, n_head + n_data) : NULL;
  if (npy == NULL)
    {
      free (head);
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", w->path);
    }
  memset (npy + n_head, 0, n_data);
  for (int64_t i = 0; i < n_strings; i++)
    {
      const uint8_t *p = (const uint8_t *) strings[i];
      uint8_t *o = npy + n_head + (size_t) i * (size_t) width * 4;
      while (*p)
        {
          put32 (o, (uint32_t) _stva_utf8_next (&p));
          o += 4;
        }
    }
  StvaStatus st = add_entry (w, name, npy, n_head + n_data, error);
  free (npy);
  return st;
}

StvaStatus
stva_npz_writer_close (StvaNpzWriter *w,
                       StvaError     *error)
{
  StvaStatus st = STVA_OK;
  uint64_t cd_off = w->offset;
  for (int i = 0; i < w->n_entries && st == STVA_OK; i++)
    {
      const CentralEntry *e = &w->entries[i];
      size_t name_len = strlen (e->name);
      uint8_t c[46];
      put32 (c, ZIP_CENTRAL_SIG);
      put16 (c + 4, 20);               /* made by: MS-DOS / version 2.0 */
      put16 (c + 6, 20);               /* needed */
      put16 (c + 8, 0);
      put16 (c + 10, e->method);
      put16 (c + 12, 0);
      put16 (c + 14, DOS_DATE_1980_01_01);
      put32 (c + 16, e->crc);
      put32 (c + 20, e->csize);
      put32 (c + 24, e->usize);
      put16 (c + 28, (uint32_t) name_len);
      put16 (c + 30, 0);               /* extra */
      put16 (c + 32, 0);               /* comment */
      put16 (c + 34, 0);               /* disk */
      put16 (c + 36, 0);               /* internal attributes */
      put32 (c + 38, 0);               /* external attributes */
      put32 (c + 42, e->offset);
      st = write_bytes (w, c, 46, error);
      if (st == STVA_OK)
        st = write_bytes (w, e->name, name_len, error);
    }
  if (st == STVA_OK && (w->offset > 0xfffffffeu || w->n_entries > 0xfffe))
    st = stva_error_set (error, STVA_ERR_UNSUPPORTED, "%s: archive would need zip64", w->path);
  if (st == STVA_OK)
    {
      uint8_t e[22];
      put32 (e, ZIP_EOCD_SIG);
      put16 (e + 4, 0);
      put16 (e + 6, 0);
      put16 (e + 8, (uint32_t) w->n_entries);
      put16 (e + 10, (uint32_t) w->n_entries);
      put32 (e + 12, (uint32_t) (w->offset - cd_off));
      put32 (e + 16, (uint32_t) cd_off);
      put16 (e + 20, 0);
      st = write_bytes (w, e, 22, error);
    }
  if (st == STVA_OK)
    {
      FILE *f = w->f;
      w->f = NULL;
      if (fclose (f) != 0)
        st = stva_error_set (error, STVA_ERR_IO, "%s: %s", w->tmp, strerror (errno));
      else if (rename (w->tmp, w->path) != 0)
        st = stva_error_set (error, STVA_ERR_IO, "%s: rename from %s: %s", w->path, w->tmp,
                             strerror (errno));
      else
        {
          free (w->tmp);
          w->tmp = NULL;     /* renamed: nothing to remove */
        }
    }
  stva_npz_writer_abort (w);
  return st;
}
