/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * .npz archives, reading: the zip container (central directory, stored and deflated entries
 * through zlib), the .npy format (versions 1 to 3, a small parser for its Python-literal header)
 * and fixed-width UTF-32 strings.  Writing is in stva-npz-write.c, the dataset layout built on
 * top in stva-npz-dataset.c.  Every size read from a file is checked against the bytes there
 * before it sizes anything.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stva-file.h"
#include "stva-npz.h"
#include "stva-npz-private.h"

/* ---- helpers: little-endian bytes ------------------------------------------------------------ */

static uint16_t
le16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | p[1] << 8);
}

static uint32_t
le32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* ---- dtypes ---------------------------------------------------------------------------------- */

static const struct
{
  const char *descr;
  size_t      size;       /* bytes per element in the file */
} npy_types[] = {
  [STVA_NPY_F4] = { "<f4", 4 }, [STVA_NPY_F8] = { "<f8", 8 }, [STVA_NPY_I1] = { "|i1", 1 },
  [STVA_NPY_I2] = { "<i2", 2 }, [STVA_NPY_I4] = { "<i4", 4 }, [STVA_NPY_I8] = { "<i8", 8 },
  [STVA_NPY_U1] = { "|u1", 1 }, [STVA_NPY_U2] = { "<u2", 2 }, [STVA_NPY_B1] = { "|b1", 1 },
  [STVA_NPY_STR] = { "<U", 4 },
};

size_t
_stva_npy_item_size (StvaNpyType t)
{
  return npy_types[t].size;
}

const char *
stva_npy_type_name (StvaNpyType t)
{
  return t <= STVA_NPY_STR ? npy_types[t].descr : "?";
}

size_t
stva_npy_type_size (StvaNpyType t)
{
  return t == STVA_NPY_STR ? sizeof (char *) : t < STVA_NPY_STR ? npy_types[t].size : 0;
}

bool
stva_npy_type_is_int (StvaNpyType t)
{
  return t >= STVA_NPY_I1 && t <= STVA_NPY_B1;
}

bool
stva_npy_type_is_float (StvaNpyType t)
{
  return t == STVA_NPY_F4 || t == STVA_NPY_F8;
}

double
stva_npy_get_f64 (const StvaNpyArray *a,
                  int64_t             i)
{
  switch (a->dtype)
    {
    case STVA_NPY_F4: return ((const float *) a->data)[i];
    case STVA_NPY_F8: return ((const double *) a->data)[i];
    case STVA_NPY_STR: return 0;
    default: return (double) stva_npy_get_i64 (a, i);
    }
}

int64_t
stva_npy_get_i64 (const StvaNpyArray *a,
                  int64_t             i)
{
  switch (a->dtype)
    {
    case STVA_NPY_F4: return (int64_t) ((const float *) a->data)[i];
    case STVA_NPY_F8: return (int64_t) ((const double *) a->data)[i];
    case STVA_NPY_I1: return ((const int8_t *) a->data)[i];
    case STVA_NPY_I2: return ((const int16_t *) a->data)[i];
    case STVA_NPY_I4: return ((const int32_t *) a->data)[i];
    case STVA_NPY_I8: return ((const int64_t *) a->data)[i];
    case STVA_NPY_U1: return ((const uint8_t *) a->data)[i];
    case STVA_NPY_U2: return ((const uint16_t *) a->data)[i];
    case STVA_NPY_B1: return ((const uint8_t *) a->data)[i] != 0;
    default: return 0;
    }
}

/* ---- UTF-8 and UTF-32 ------------------------------------------------------------------------ */

/* Appends code point c to out (room for 4 bytes). */
static size_t
utf8_put (uint8_t *out,
          uint32_t c)
{
  if (c < 0x80)
    {
      out[0] = (uint8_t) c;
      return 1;
    }
  if (c < 0x800)
    {
      out[0] = (uint8_t) (0xc0 | c >> 6);
      out[1] = (uint8_t) (0x80 | (c & 0x3f));
      return 2;
    }
  if (c < 0x10000)
    {
      out[0] = (uint8_t) (0xe0 | c >> 12);
      out[1] = (uint8_t) (0x80 | ((c >> 6) & 0x3f));
      out[2] = (uint8_t) (0x80 | (c & 0x3f));
      return 3;
    }
  out[0] = (uint8_t) (0xf0 | c >> 18);
  out[1] = (uint8_t) (0x80 | ((c >> 12) & 0x3f));
  out[2] = (uint8_t) (0x80 | ((c >> 6) & 0x3f));
  out[3] = (uint8_t) (0x80 | (c & 0x3f));
  return 4;
}

/* Decodes the next code point of s (NUL-terminated); -1 on invalid UTF-8. */
int64_t
_stva_utf8_next (const uint8_t **s)
{
  const uint8_t *p = *s;
  uint32_t c = p[0];
  int extra;
  uint32_t min;
  if (c < 0x80)
    {
      *s = p + 1;
      return c;
    }
  else if ((c & 0xe0) == 0xc0)
    extra = 1, c &= 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0)
    extra = 2, c &= 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0)
    extra = 3, c &= 0x07, min = 0x10000;
  else
    return -1;
  for (int i = 1; i <= extra; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return -1;
      c = c << 6 | (p[i] & 0x3f);
    }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return -1;
  *s = p + 1 + extra;
  return c;
}

/* ---- .npy ------------------------------------------------------------------------------------ */

typedef struct
{
  const char *p;
  size_t      n;
  size_t      at;
} Lit;   /* a cursor over the Python-literal header */

static void
lit_ws (Lit *l)
{
  while (l->at < l->n && (l->p[l->at] == ' ' || l->p[l->at] == '\t' || l->p[l->at] == '\n'
                          || l->p[l->at] == '\r'))
    l->at++;
}

static bool
lit_char (Lit *l,
          char c)
{
  lit_ws (l);
  if (l->at < l->n && l->p[l->at] == c)
    {
      l->at++;
      return true;
    }
  return false;
}

/* A quoted string into buf (size); false if malformed or too long. */
static bool
lit_string (Lit   *l,
            char  *buf,
            size_t size)
{
  lit_ws (l);
  if (l->at >= l->n || (l->p[l->at] != '\'' && l->p[l->at] != '"'))
    return false;
  char q = l->p[l->at++];
  size_t k = 0;
  while (l->at < l->n && l->p[l->at] != q)
    {
      if (k + 1 >= size || l->p[l->at] == '\\')
        return false;
      buf[k++] = l->p[l->at++];
    }
  if (l->at >= l->n)
    return false;
  l->at++;
  buf[k] = '\0';
  return true;
}

static bool
lit_word (Lit        *l,
          const char *w)
{
  lit_ws (l);
  size_t k = strlen (w);
  if (l->n - l->at >= k && memcmp (l->p + l->at, w, k) == 0)
    {
      l->at += k;
      return true;
    }
  return false;
}

static bool
lit_int (Lit     *l,
         int64_t *v)
{
  lit_ws (l);
  int64_t x = 0;
  size_t start = l->at;
  while (l->at < l->n && l->p[l->at] >= '0' && l->p[l->at] <= '9')
    {
      if (x > (INT64_MAX - 9) / 10)
        return false;
      x = x * 10 + (l->p[l->at++] - '0');
    }
  if (l->at < l->n && l->p[l->at] == 'L')   /* Python 2 longs */
    l->at++;
  *v = x;
  return l->at > start;
}

/* dtype from a descr string; *units = characters for '<U'. */
static StvaStatus
parse_descr (const char  *d,
             StvaNpyType *t,
             int64_t     *units,
             StvaError   *error)
{
  *units = 0;
  char order = d[0];
  if (order == '>' && !(d[1] != '\0' && d[2] == '1' && d[3] == '\0'))
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "big-endian dtype '%s'", d);
  if (order != '<' && order != '|' && order != '=' && order != '>')
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "dtype '%s'", d);
  const char *k = d + 1;
  if (k[0] == 'U')
    {
      int64_t n = 0;
      const char *p = k + 1;
      if (*p == '\0')
        return stva_error_set (error, STVA_ERR_FORMAT, "dtype '%s' without a width", d);
      for (; *p; p++)
        {
          if (*p < '0' || *p > '9' || n > NPY_MAX_UNICODE)
            return stva_error_set (error, STVA_ERR_FORMAT, "dtype '%s'", d);
          n = n * 10 + (*p - '0');
        }
      if (n > NPY_MAX_UNICODE)
        return stva_error_set (error, STVA_ERR_UNSUPPORTED, "dtype '%s' is wider than %d "
                               "characters", d, NPY_MAX_UNICODE);
      if (n == 0)   /* numpy never writes it; zero-byte elements would let a shape lie freely */
        return stva_error_set (error, STVA_ERR_FORMAT, "dtype '%s' (strings of width 0)", d);
      *t = STVA_NPY_STR;
      *units = n;
      return STVA_OK;
    }
  for (int i = 0; i < STVA_NPY_STR; i++)
    if (strcmp (k, npy_types[i].descr + 1) == 0)
      {
        *t = (StvaNpyType) i;
        return STVA_OK;
      }
  return stva_error_set (error, STVA_ERR_UNSUPPORTED, "dtype '%s' (read: <f4 <f8 <i4 <i8 |u1 "
                         "|b1 <U, |i1 <i2 <u2)", d);
}

static StvaStatus
parse_header (const char   *h,
              size_t        n,
              StvaNpyArray *a,
              int64_t      *units,
              StvaError    *error)
{
  Lit l = { h, n, 0 };
  bool have_descr = false, have_order = false, have_shape = false;
  char key[32], descr[32];

  if (!lit_char (&l, '{'))
    return stva_error_set (error, STVA_ERR_FORMAT, "header is not a dict");
  for (;;)
    {
      if (lit_char (&l, '}'))
        break;
      if (!lit_string (&l, key, sizeof key) || !lit_char (&l, ':'))
        return stva_error_set (error, STVA_ERR_FORMAT, "header: bad key at byte %zu", l.at);
      if (strcmp (key, "descr") == 0)
        {
          if (!lit_string (&l, descr, sizeof descr))
            return stva_error_set (error, STVA_ERR_UNSUPPORTED, "header: descr is not a simple "
                                   "dtype (structured arrays are not read)");
          StvaStatus st = parse_descr (descr, &a->dtype, units, error);
          if (st != STVA_OK)
            return st;
          have_descr = true;
        }
      else if (strcmp (key, "fortran_order") == 0)
        {
          if (lit_word (&l, "True"))
            return stva_error_set (error, STVA_ERR_UNSUPPORTED, "fortran_order is True (save a "
                                   "C-ordered array)");
          if (!lit_word (&l, "False"))
            return stva_error_set (error, STVA_ERR_FORMAT, "header: bad fortran_order");
          have_order = true;
        }
      else if (strcmp (key, "shape") == 0)
        {
          if (!lit_char (&l, '('))
            return stva_error_set (error, STVA_ERR_FORMAT, "header: shape is not a tuple");
          a->ndim = 0;
          while (!lit_char (&l, ')'))
            {
              int64_t v;
              if (a->ndim == STVA_NPY_MAX_DIM)
                return stva_error_set (error, STVA_ERR_UNSUPPORTED, "more than %d dimensions",
                                       STVA_NPY_MAX_DIM);
              if (!lit_int (&l, &v))
                return stva_error_set (error, STVA_ERR_FORMAT, "header: bad shape at byte %zu",
                                       l.at);
              a->shape[a->ndim++] = v;
              if (!lit_char (&l, ','))
                {
                  if (!lit_char (&l, ')'))
                    return stva_error_set (error, STVA_ERR_FORMAT, "header: bad shape");
                  break;
                }
            }
          have_shape = true;
        }
      else
        return stva_error_set (error, STVA_ERR_FORMAT, "header: unknown key '%s'", key);
      if (!lit_char (&l, ','))
        {
          if (!lit_char (&l, '}'))
            return stva_error_set (error, STVA_ERR_FORMAT, "header: expected ',' or '}' at "
                                   "byte %zu", l.at);
          break;
        }
    }
  if (!have_descr || !have_order || !have_shape)
    return stva_error_set (error, STVA_ERR_FORMAT, "header lacks %s",
                           !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
  return STVA_OK;
}

StvaStatus
stva_npy_parse (const uint8_t *buf,
                size_t         n,
                StvaNpyArray  *a,
                StvaError     *error)
{
  memset (a, 0, sizeof *a);
  if (n < 10 || memcmp (buf, "\x93NUMPY", 6) != 0)
    return stva_error_set (error, STVA_ERR_FORMAT, "not a .npy file (bad magic)");
  uint8_t major = buf[6];
  size_t header_len, start;
  if (major == 1)
    {
      header_len = le16 (buf + 8);
      start = 10;
    }
  else if (major == 2 || major == 3)
    {
      if (n < 12)
        return stva_error_set (error, STVA_ERR_FORMAT, ".npy header cut short");
      header_len = le32 (buf + 8);
      start = 12;
    }
  else
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, ".npy format version %u.%u", major,
                           buf[7]);
  if (header_len > n - start)
    return stva_error_set (error, STVA_ERR_FORMAT, ".npy header of %zu bytes, %zu left",
                           header_len, n - start);
  int64_t units = 0;
  StvaStatus st = parse_header ((const char *) buf + start, header_len, a, &units, error);
  if (st != STVA_OK)
    return st;

  const uint8_t *data = buf + start + header_len;
  size_t n_data = n - start - header_len;
  size_t item = a->dtype == STVA_NPY_STR ? 4 * (size_t) units : npy_types[a->dtype].size;
  int64_t numel = 1;
  for (int d = 0; d < a->ndim; d++)
    {
      if (a->shape[d] != 0 && numel > (int64_t) (SIZE_MAX / 16) / a->shape[d])
        return stva_error_set (error, STVA_ERR_FORMAT, "shape too large");
      numel *= a->shape[d];
    }
  a->numel = numel;
  if (item > 0 && (size_t) numel > n_data / item)
    return stva_error_set (error, STVA_ERR_FORMAT, "%lld elements of %zu bytes need %llu bytes, "
                           "%zu left", (long long) numel, item,
                           (unsigned long long) numel * item, n_data);
  if ((size_t) numel * item != n_data)
    return stva_error_set (error, STVA_ERR_FORMAT, "%zu bytes after the data",
                           n_data - (size_t) numel * item);

  if (a->dtype != STVA_NPY_STR)
    {
      a->data = malloc (n_data ? n_data : 1);
      if (a->data == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "out of memory for %zu bytes", n_data);
      memcpy (a->data, data, n_data);
      swap_bytes (a->data, (size_t) numel, item);
      if (a->dtype == STVA_NPY_B1)
        for (int64_t i = 0; i < numel; i++)
          if (((uint8_t *) a->data)[i] > 1)
            return stva_error_set (error, STVA_ERR_FORMAT, "bool element %lld is %u",
                                   (long long) i, ((uint8_t *) a->data)[i]);
      return STVA_OK;
    }

  char **strs = calloc ((size_t) numel + 1, sizeof (char *));
  if (strs == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "out of memory for %lld strings",
                           (long long) numel);
  a->data = strs;
  for (int64_t i = 0; i < numel; i++)
    {
      const uint8_t *s = data + (size_t) i * item;
      size_t len = (size_t) units;
      while (len > 0 && le32 (s + 4 * (len - 1)) == 0)
        len--;
      strs[i] = malloc (4 * len + 1);
      if (strs[i] == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "out of memory for string %lld",
                               (long long) i);
      size_t k = 0;
      for (size_t c = 0; c < len; c++)
        {
          uint32_t cp = le32 (s + 4 * c);
          if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return stva_error_set (error, STVA_ERR_FORMAT, "string %lld: character %zu is "
                                   "U+%04X", (long long) i, c, cp);
          k += utf8_put ((uint8_t *) strs[i] + k, cp);
        }
      strs[i][k] = '\0';
    }
  return STVA_OK;
}

void
stva_npy_array_clear (StvaNpyArray *a)
{
  if (a == NULL)
    return;
  if (a->dtype == STVA_NPY_STR && a->data)
    {
      char **s = a->data;
      for (int64_t i = 0; i < a->numel && s[i]; i++)
        free (s[i]);
    }
  free (a->data);
  free (a->name);
  memset (a, 0, sizeof *a);
}

/* ---- zip reading ----------------------------------------------------------------------------- */

void
stva_npz_free (StvaNpz *npz)
{
  if (npz == NULL)
    return;
  for (int i = 0; npz->arrays && i < npz->n_arrays; i++)
    stva_npy_array_clear (&npz->arrays[i]);
  free (npz->arrays);
  memset (npz, 0, sizeof *npz);
}

const StvaNpyArray *
stva_npz_find (const StvaNpz *npz,
               const char    *name)
{
  for (int i = 0; i < npz->n_arrays; i++)
    if (npz->arrays[i].name && strcmp (npz->arrays[i].name, name) == 0)
      return &npz->arrays[i];
  return NULL;
}

/* Inflates one deflated entry into a new buffer of usize bytes. */
static StvaStatus
inflate_entry (const uint8_t *src,
               uint32_t       csize,
               uint32_t       usize,
               uint8_t      **out,
               StvaError     *error)
{
  *out = NULL;
  if ((uint64_t) usize > (uint64_t) csize * DEFLATE_MAX_RATIO + 64)
    return stva_error_set (error, STVA_ERR_FORMAT, "%u compressed bytes can't hold %u bytes",
                           csize, usize);
  uint8_t *buf = malloc (usize ? usize : 1);
  if (buf == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "out of memory for %u bytes", usize);
  z_stream z;
  memset (&z, 0, sizeof z);
  if (inflateInit2 (&z, -MAX_WBITS) != Z_OK)
    {
      free (buf);
      return stva_error_set (error, STVA_ERR_EXTERNAL, "zlib inflateInit2 failed");
    }
  z.next_in = (Bytef *) src;
  z.avail_in = csize;
  z.next_out = buf;
  z.avail_out = usize;
  int rc = inflate (&z, Z_FINISH);
  size_t produced = usize - z.avail_out;
  inflateEnd (&z);
  if (rc != Z_STREAM_END || produced != usize)
    {
      free (buf);
      if (rc == Z_BUF_ERROR && produced == usize)
        return stva_error_set (error, STVA_ERR_FORMAT, "deflate data is longer than the %u bytes "
                               "declared", usize);
      return stva_error_set (error, STVA_ERR_FORMAT, "deflate data is corrupt (%s, %zu of %u "
                             "bytes)", z.msg ? z.msg : zError (rc), produced, usize);
    }
  *out = buf;
  return STVA_OK;
}

static StvaStatus
read_zip (const uint8_t *buf,
          size_t         n,
          StvaNpz       *out,
          StvaError     *error)
{
  if (n < 22)
    return stva_error_set (error, STVA_ERR_FORMAT, "%zu bytes is too short for a zip archive", n);
  /* the end-of-central-directory record: 22 bytes + a comment of up to 65535 */
  size_t eocd = SIZE_MAX;
  size_t lowest = n > 22 + 65535 ? n - 22 - 65535 : 0;
  for (size_t i = n - 22 + 1; i-- > lowest;)
    if (le32 (buf + i) == ZIP_EOCD_SIG && i + 22 + le16 (buf + i + 20) == n)
      {
        eocd = i;
        break;
      }
  if (eocd == SIZE_MAX)
    return stva_error_set (error, STVA_ERR_FORMAT, "not a zip archive (no end of central "
                           "directory)");
  const uint8_t *e = buf + eocd;
  uint16_t disk = le16 (e + 4), cd_disk = le16 (e + 6), n_disk = le16 (e + 8);
  uint16_t n_entries = le16 (e + 10);
  uint32_t cd_size = le32 (e + 12), cd_off = le32 (e + 16);
  if ((eocd >= 20 && le32 (buf + eocd - 20) == ZIP64_LOC_SIG) || n_entries == 0xffff
      || cd_size == 0xffffffffu || cd_off == 0xffffffffu)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "zip64 archive (not supported: arrays "
                           "over 4 GiB)");
  if (disk != 0 || cd_disk != 0 || n_disk != n_entries)
    return stva_error_set (error, STVA_ERR_UNSUPPORTED, "multi-disk zip archive");
  if ((uint64_t) cd_off + cd_size > eocd)
    return stva_error_set (error, STVA_ERR_FORMAT, "central directory (%u bytes at %u) runs past "
                           "its end record at %zu", cd_size, cd_off, eocd);
  if ((uint64_t) n_entries * 46 > cd_size)
    return stva_error_set (error, STVA_ERR_FORMAT, "%u entries can't fit a central directory of "
                           "%u bytes", n_entries, cd_size);

  out->arrays = calloc ((size_t) n_entries + 1, sizeof *out->arrays);
  if (out->arrays == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "out of memory");
  size_t at = cd_off, cd_end = (size_t) cd_off + cd_size;
  for (int i = 0; i < n_entries; i++)
    {
      if (cd_end - at < 46 || le32 (buf + at) != ZIP_CENTRAL_SIG)
        return stva_error_set (error, STVA_ERR_FORMAT, "central directory entry %d at byte %zu "
                               "is malformed", i, at);
      const uint8_t *c = buf + at;
      uint16_t flags = le16 (c + 8), method = le16 (c + 10);
      uint32_t crc = le32 (c + 16), csize = le32 (c + 20), usize = le32 (c + 24);
      uint16_t name_len = le16 (c + 28), extra_len = le16 (c + 30), comment_len = le16 (c + 32);
      uint32_t local = le32 (c + 42);
      size_t entry_len = 46 + (size_t) name_len + extra_len + comment_len;
      if (entry_len > cd_end - at)
        return stva_error_set (error, STVA_ERR_FORMAT, "central directory entry %d runs past the "
                               "directory", i);
      char name[ZIP_MAX_NAME + 1];
      if (name_len == 0 || name_len > ZIP_MAX_NAME || memchr (c + 46, '\0', name_len))
        return stva_error_set (error, STVA_ERR_FORMAT, "entry %d: bad name", i);
      memcpy (name, c + 46, name_len);
      name[name_len] = '\0';
      at += entry_len;

      if (flags & 1)
        return stva_error_set (error, STVA_ERR_UNSUPPORTED, "entry '%s' is encrypted", name);
      if (method != 0 && method != 8)
        return stva_error_set (error, STVA_ERR_UNSUPPORTED, "entry '%s': compression method %u "
                               "(read: stored, deflate)", name, method);
      if (csize == 0xffffffffu || usize == 0xffffffffu || local == 0xffffffffu)
        return stva_error_set (error, STVA_ERR_UNSUPPORTED, "entry '%s' has zip64 sizes (not "
                               "supported)", name);
      if (name_len < 5 || strcmp (name + name_len - 4, ".npy") != 0)
        return stva_error_set (error, STVA_ERR_FORMAT, "entry '%s' is not a .npy array", name);
      name[name_len - 4] = '\0';
      for (int j = 0; j < i; j++)
        if (strcmp (out->arrays[j].name, name) == 0)
          return stva_error_set (error, STVA_ERR_FORMAT, "array '%s' appears twice", name);

      /* the local header: its name and extra lengths may differ from the central copy */
      if ((uint64_t) local + 30 > cd_off || le32 (buf + local) != ZIP_LOCAL_SIG)
        return stva_error_set (error, STVA_ERR_FORMAT, "entry '%s.npy': no local header at byte "
                               "%u", name, local);
      size_t data = (size_t) local + 30 + le16 (buf + local + 26) + le16 (buf + local + 28);
      if (data > cd_off || csize > cd_off - data)
        return stva_error_set (error, STVA_ERR_FORMAT, "entry '%s.npy': %u bytes of data at byte "
                               "%zu run past the central directory at %u", name, csize, data,
                               cd_off);
      /* stored entries are checked and parsed where they lie; deflated ones are inflated */
      uint8_t *bytes = NULL;
      if (method == 0 && csize != usize)
        return stva_error_set (error, STVA_ERR_FORMAT, "entry '%s.npy': stored entry of %u "
                               "bytes says %u uncompressed", name, csize, usize);
      if (method != 0)
        {
          StvaStatus st = inflate_entry (buf + data, csize, usize, &bytes, error);
          if (st != STVA_OK)
            return stva_error_prefix (error, "entry '%s.npy': ", name);
        }
      const uint8_t *npy = bytes ? bytes : buf + data;
      if ((uint32_t) crc_of (npy, usize) != crc)
        {
          free (bytes);
          return stva_error_set (error, STVA_ERR_FORMAT, "entry '%s.npy': CRC-32 mismatch", name);
        }
      StvaNpyArray *a = &out->arrays[out->n_arrays];
      StvaStatus st = stva_npy_parse (npy, usize, a, error);
      free (bytes);
      out->n_arrays++;      /* so a partly parsed array is freed too */
      a->name = strdup (name);
      if (st != STVA_OK)
        return stva_error_prefix (error, "array '%s': ", name);
      if (a->name == NULL)
        return stva_error_set (error, STVA_ERR_NOMEM, "out of memory");
    }
  return STVA_OK;
}

StvaStatus
stva_npz_read_buffer (const uint8_t *buf,
                      size_t         n,
                      const char    *what,
                      StvaNpz       *out,
                      StvaError     *error)
{
  memset (out, 0, sizeof *out);
  StvaStatus st = read_zip (buf, n, out, error);
  if (st != STVA_OK)
    {
      stva_npz_free (out);
      return stva_error_prefix (error, "%s: ", what ? what : "<buffer>");
    }
  return STVA_OK;
}

StvaStatus
stva_npz_read (const char *path,
               StvaNpz    *out,
               StvaError  *error)
{
  memset (out, 0, sizeof *out);
  uint8_t *buf;
  size_t size;
  StvaStatus st = stva_file_read_all (path, &buf, &size, error);
  if (st != STVA_OK)
    return st;
  st = stva_npz_read_buffer (buf, size, path, out, error);
  free (buf);
  return st;
}
