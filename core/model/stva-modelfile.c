/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model file container: serialisation into one buffer (then <path>.tmp + rename) and a
 * reader that goes field by field through a bounds-checked cursor.  The byte layout is in
 * stva-modelfile.h.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stva-file.h"
#include "stva-modelfile.h"

static const char *const modality_letters = "TAV";

/* ---- helpers: a growable output buffer ------------------------------------------------------- */

typedef struct
{
  uint8_t *data;   /* owned */
  size_t   len;
  size_t   cap;
  bool     failed; /* an allocation failed; later puts are dropped */
} OutBuf;

static bool
out_reserve (OutBuf *b,
             size_t  extra)
{
  if (b->failed)
    return false;
  if (extra > SIZE_MAX / 2 - b->len)
    return !(b->failed = true);
  if (b->len + extra <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra)
    cap *= 2;
  uint8_t *p = realloc (b->data, cap);
  if (p == NULL)
    return !(b->failed = true);
  b->data = p;
  b->cap = cap;
  return true;
}

static void
put_bytes (OutBuf     *b,
           const void *p,
           size_t      n)
{
  if (n == 0 || !out_reserve (b, n))
    return;
  memcpy (b->data + b->len, p, n);
  b->len += n;
}

static void
put_u32 (OutBuf  *b,
         uint32_t v)
{
  uint8_t s[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
  put_bytes (b, s, 4);
}

static void
put_u64 (OutBuf  *b,
         uint64_t v)
{
  put_u32 (b, (uint32_t) (v & 0xffffffffu));
  put_u32 (b, (uint32_t) (v >> 32));
}

static void
put_f64 (OutBuf *b,
         double  v)
{
  uint64_t u;
  memcpy (&u, &v, 8);
  put_u64 (b, u);
}

static void
put_str (OutBuf     *b,
         const char *s)
{
  size_t n = strlen (s);
  put_u32 (b, (uint32_t) n);
  put_bytes (b, s, n);
}

static void
put_f32s (OutBuf      *b,
          const float *x,
          size_t       n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  put_bytes (b, x, n * sizeof (float));
#else
  for (size_t i = 0; i < n; i++)
    {
      uint32_t u;
      memcpy (&u, &x[i], 4);
      put_u32 (b, u);
    }
#endif
}

/* ---- helpers: checks shared by writer and reader --------------------------------------------- */

static bool
str_ok (const char *s)
{
  return s != NULL && s[0] != '\0' && strlen (s) <= STVA_MODELFILE_MAX_STR;
}

/* First non-finite element of x (n), or -1. */
static int64_t
first_nonfinite (const float *x,
                 size_t       n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return (int64_t) i;
  return -1;
}

static void
shape_text (char          *buf,
            size_t         size,
            int            ndim,
            const int64_t *shape)
{
  size_t used = 0;
  buf[0] = '\0';
  if (ndim == 0)
    snprintf (buf, size, "scalar");
  for (int d = 0; d < ndim && used < size; d++)
    used += (size_t) snprintf (buf + used, size - used, d ? "x%lld" : "%lld",
                               (long long) shape[d]);
}

#define TRAIN_STATE_TAG   "TRST"
#define MAX_COUNT         ((uint32_t) INT32_MAX)   /* epochs and batches: they become ints */
#define MAX_STEPS         ((uint64_t) 1 << 53)     /* steps: exact in a double */

/* Σ prod(shape) over the tensor table, or -1 past INT64_MAX / 4 */
static int64_t
tensor_floats (const StvaModelFile *mf)
{
  int64_t total = 0;
  for (int i = 0; i < mf->n_tensors; i++)
    {
      int64_t n = stva_named_tensor_numel (&mf->tensors[i]);
      if (n < 0 || total > INT64_MAX / 4 - n)
        return -1;
      total += n;
    }
  return total;
}

/* The rules of the TRST section's fields besides its blocks (shared by writer and reader);
 * STVA_OK or code with the problem in error. */
static StvaStatus
check_state_fields (const StvaModelFileState *st,
                    bool                      has_weights,
                    StvaStatus                code,
                    StvaError                *error)
{
  if (st->epochs_done > MAX_COUNT || st->batches_done > MAX_COUNT
      || st->best_epoch > st->epochs_done || st->epochs_since_best > st->epochs_done)
    return stva_error_set (error, code, "training state: %u epochs done, %u batches into the "
                           "next, best epoch %u, %u epochs since: out of range", st->epochs_done,
                           st->batches_done, st->best_epoch, st->epochs_since_best);
  if (st->steps > MAX_STEPS)
    return stva_error_set (error, code, "training state: %llu steps (at most 2^53)",
                           (unsigned long long) st->steps);
  const double v[5] = { st->loss_sum, st->weight_sum, st->lr, st->grad_norm, st->train_loss };
  static const char *const names[5] = { "loss sum", "weight sum", "learning rate",
                                        "gradient norm", "train loss" };
  for (int i = 0; i < 5; i++)
    if (!isfinite (v[i]) || (i < 4 && v[i] < 0.0))
      return stva_error_set (error, code, "training state: %s is %g", names[i], v[i]);
  double f1 = st->best_dev_weighted_f1;
  if (!isnan (f1) && !(f1 >= 0.0 && f1 <= 1.0))
    return stva_error_set (error, code, "training state: best weighted F1 is %g", f1);
  bool differ = st->best_epoch != st->epochs_done || st->batches_done != 0;
  if (has_weights != differ)
    return stva_error_set (error, code, "training state: %s with best epoch %u of %u and %u "
                           "batches into the next", has_weights ? "weights" : "no weights",
                           st->best_epoch, st->epochs_done, st->batches_done);
  return STVA_OK;
}

/* First bad element of a state block: not finite, or negative where non_negative; -1 if none */
static int64_t
first_bad_moment (const float *x,
                  size_t       n,
                  bool         non_negative)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (x[i]) || (non_negative && x[i] < 0.0f))
      return (int64_t) i;
  return -1;
}

static StvaStatus
check_state_for_write (const StvaModelFile *mf,
                       StvaError           *error)
{
  const StvaModelFileState *st = mf->state;
  int64_t total = tensor_floats (mf);
  if (total < 0 || st->n_floats != (uint64_t) total)
    return stva_error_set (error, STVA_ERR_INVALID, "training state: %llu floats, the tensors "
                           "hold %lld", (unsigned long long) st->n_floats, (long long) total);
  if (st->n_floats > 0 && (st->m1 == NULL || st->m2 == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "training state: no moments");
  StvaStatus code = check_state_fields (st, st->weights != NULL, STVA_ERR_INVALID, error);
  if (code != STVA_OK)
    return code;
  const float *blocks[3] = { st->m1, st->m2, st->weights };
  static const char *const names[3] = { "first moment", "second moment", "weights" };
  for (int k = 0; k < 3; k++)
    {
      int64_t bad = blocks[k] != NULL ? first_bad_moment (blocks[k], st->n_floats, k == 1) : -1;
      if (bad >= 0)
        return stva_error_set (error, STVA_ERR_NUMERIC, "training state: %s element %lld is %g",
                               names[k], (long long) bad, (double) blocks[k][bad]);
    }
  return STVA_OK;
}

static StvaStatus
check_for_write (const StvaModelFile *mf,
                 StvaError           *error)
{
  if (mf->n_config < 0 || (mf->n_config > 0 && mf->config == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "config: %d entries", mf->n_config);
  for (int i = 0; i < mf->n_config; i++)
    {
      if (!str_ok (mf->config[i].key) || mf->config[i].value == NULL
          || strlen (mf->config[i].value) > STVA_MODELFILE_MAX_STR)
        return stva_error_set (error, STVA_ERR_INVALID, "config entry %d: empty or missing key "
                               "or value", i);
      for (int j = 0; j < i; j++)
        if (strcmp (mf->config[i].key, mf->config[j].key) == 0)
          return stva_error_set (error, STVA_ERR_INVALID, "config key '%s' appears twice",
                                 mf->config[i].key);
    }
  if (mf->K < 0 || (mf->K > 0 && mf->labels == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "%d labels", mf->K);
  for (int k = 0; k < mf->K; k++)
    {
      if (!str_ok (mf->labels[k]))
        return stva_error_set (error, STVA_ERR_INVALID, "label %d is empty or missing", k);
      for (int j = 0; j < k; j++)
        if (strcmp (mf->labels[k], mf->labels[j]) == 0)
          return stva_error_set (error, STVA_ERR_INVALID, "label '%s' appears twice",
                                 mf->labels[k]);
    }
  for (int m = 0; m < 3; m++)
    {
      char letter = modality_letters[m];
      if (mf->F[m] < 0)
        return stva_error_set (error, STVA_ERR_INVALID, "features %c: width %d", letter,
                               mf->F[m]);
      if ((mf->mean[m] == NULL) != (mf->std[m] == NULL))
        return stva_error_set (error, STVA_ERR_INVALID, "features %c: mean without std or std "
                               "without mean", letter);
      if (mf->F[m] == 0 && (mf->mean[m] || mf->feature_names[m]))
        return stva_error_set (error, STVA_ERR_INVALID, "features %c: width 0 with names or "
                               "normalisation", letter);
      if (mf->feature_names[m])
        for (int f = 0; f < mf->F[m]; f++)
          if (!str_ok (mf->feature_names[m][f]))
            return stva_error_set (error, STVA_ERR_INVALID, "features %c: name %d is empty or "
                                   "missing", letter, f);
      if (mf->mean[m])
        {
          int64_t bad = first_nonfinite (mf->mean[m], (size_t) mf->F[m]);
          if (bad < 0)
            bad = first_nonfinite (mf->std[m], (size_t) mf->F[m]);
          if (bad >= 0)
            return stva_error_set (error, STVA_ERR_NUMERIC, "features %c: normalisation of "
                                   "dimension %lld is not finite", letter, (long long) bad);
          for (int f = 0; f < mf->F[m]; f++)
            if (mf->std[m][f] < 0)
              return stva_error_set (error, STVA_ERR_INVALID, "features %c: std[%d] = %g is "
                                     "negative", letter, f, (double) mf->std[m][f]);
        }
    }
  if (mf->n_tensors < 0 || (mf->n_tensors > 0 && mf->tensors == NULL))
    return stva_error_set (error, STVA_ERR_INVALID, "%d tensors", mf->n_tensors);
  for (int i = 0; i < mf->n_tensors; i++)
    {
      const StvaNamedTensor *t = &mf->tensors[i];
      if (!str_ok (t->name))
        return stva_error_set (error, STVA_ERR_INVALID, "tensor %d: empty or missing name", i);
      for (int j = 0; j < i; j++)
        if (strcmp (t->name, mf->tensors[j].name) == 0)
          return stva_error_set (error, STVA_ERR_INVALID, "tensor name '%s' appears twice",
                                 t->name);
      if (t->ndim < 0 || t->ndim > 4)
        return stva_error_set (error, STVA_ERR_INVALID, "tensor '%s': %d dimensions", t->name,
                               t->ndim);
      for (int d = 0; d < t->ndim; d++)
        if (t->shape[d] < 0 || t->shape[d] > STVA_MODELFILE_MAX_DIM)
          return stva_error_set (error, STVA_ERR_INVALID, "tensor '%s': dimension %d is %lld",
                                 t->name, d, (long long) t->shape[d]);
      int64_t numel = stva_named_tensor_numel (t);
      if (numel < 0)
        return stva_error_set (error, STVA_ERR_INVALID, "tensor '%s': too many elements",
                               t->name);
      if (numel > 0 && t->data == NULL)
        return stva_error_set (error, STVA_ERR_INVALID, "tensor '%s': no data", t->name);
      int64_t bad = numel > 0 ? first_nonfinite (t->data, (size_t) numel) : -1;
      if (bad >= 0)
        return stva_error_set (error, STVA_ERR_NUMERIC, "tensor '%s': element %lld is %g",
                               t->name, (long long) bad, (double) t->data[bad]);
    }
  if (mf->state != NULL)
    return check_state_for_write (mf, error);
  return STVA_OK;
}

/* ---- public API: writing --------------------------------------------------------------------- */

int64_t
stva_named_tensor_numel (const StvaNamedTensor *t)
{
  int64_t n = 1;
  for (int d = 0; d < t->ndim && d < 4; d++)
    {
      if (t->shape[d] < 0)
        return -1;
      if (t->shape[d] != 0 && n > INT64_MAX / 4 / t->shape[d])
        return -1;    /* would overflow a byte count */
      n *= t->shape[d];
    }
  return n;
}

StvaStatus
stva_modelfile_to_buffer (const StvaModelFile *mf,
                          uint8_t            **out_buf,
                          size_t              *out_n,
                          StvaError           *error)
{
  *out_buf = NULL;
  *out_n = 0;
  StvaStatus st = check_for_write (mf, error);
  if (st != STVA_OK)
    return st;

  OutBuf b = { 0 };
  put_bytes (&b, STVA_MODELFILE_MAGIC, 4);
  put_u32 (&b, mf->state != NULL ? 2u : 1u);   /* the oldest version that holds it all */
  put_u32 (&b, 12);                           /* header_size */
  put_u32 (&b, (uint32_t) mf->n_config);
  for (int i = 0; i < mf->n_config; i++)
    {
      put_str (&b, mf->config[i].key);
      put_str (&b, mf->config[i].value);
    }
  put_u32 (&b, (uint32_t) mf->K);
  for (int k = 0; k < mf->K; k++)
    put_str (&b, mf->labels[k]);
  for (int m = 0; m < 3; m++)
    {
      put_u32 (&b, (uint32_t) mf->F[m]);
      put_u32 (&b, (mf->feature_names[m] ? 1u : 0u) | (mf->mean[m] ? 2u : 0u));
      if (mf->feature_names[m])
        for (int f = 0; f < mf->F[m]; f++)
          put_str (&b, mf->feature_names[m][f]);
      if (mf->mean[m])
        {
          put_f32s (&b, mf->mean[m], (size_t) mf->F[m]);
          put_f32s (&b, mf->std[m], (size_t) mf->F[m]);
        }
    }
  put_u32 (&b, (uint32_t) mf->n_tensors);
  static const uint8_t zeros[STVA_MODELFILE_ALIGN] = { 0 };
  for (int i = 0; i < mf->n_tensors; i++)
    {
      const StvaNamedTensor *t = &mf->tensors[i];
      put_str (&b, t->name);
      put_u32 (&b, (uint32_t) t->ndim);
      for (int d = 0; d < t->ndim; d++)
        put_u64 (&b, (uint64_t) t->shape[d]);
      put_bytes (&b, zeros, (STVA_MODELFILE_ALIGN - b.len % STVA_MODELFILE_ALIGN)
                            % STVA_MODELFILE_ALIGN);
      put_f32s (&b, t->data, (size_t) stva_named_tensor_numel (t));
    }
  if (mf->state != NULL)
    {
      const StvaModelFileState *ts = mf->state;
      put_u32 (&b, 1);                           /* n_sections */
      put_bytes (&b, TRAIN_STATE_TAG, 4);
      size_t size_at = b.len;
      put_u64 (&b, 0);                           /* the body's size, set below */
      size_t body = b.len;
      put_u32 (&b, ts->weights != NULL ? 1u : 0u);
      put_u32 (&b, ts->epochs_done);
      put_u32 (&b, ts->batches_done);
      put_u32 (&b, ts->best_epoch);
      put_u32 (&b, ts->epochs_since_best);
      put_u64 (&b, ts->steps);
      put_f64 (&b, ts->loss_sum);
      put_f64 (&b, ts->weight_sum);
      put_f64 (&b, ts->lr);
      put_f64 (&b, ts->grad_norm);
      put_f64 (&b, ts->train_loss);
      put_f64 (&b, ts->best_dev_weighted_f1);
      put_u64 (&b, ts->n_floats);
      put_bytes (&b, zeros, (STVA_MODELFILE_ALIGN - b.len % STVA_MODELFILE_ALIGN)
                            % STVA_MODELFILE_ALIGN);
      put_f32s (&b, ts->m1, (size_t) ts->n_floats);
      put_f32s (&b, ts->m2, (size_t) ts->n_floats);
      if (ts->weights != NULL)
        put_f32s (&b, ts->weights, (size_t) ts->n_floats);
      if (!b.failed)
        {
          uint64_t size = (uint64_t) (b.len - body);
          for (int k = 0; k < 8; k++)
            b.data[size_at + (size_t) k] = (uint8_t) (size >> (8 * k));
        }
    }
  uLong crc = crc32 (0L, Z_NULL, 0);
  for (size_t done = 0; done < b.len && !b.failed;)
    {
      uInt chunk = (uInt) (b.len - done < (1u << 30) ? b.len - done : (1u << 30));
      crc = crc32 (crc, b.data + done, chunk);
      done += chunk;
    }
  put_u32 (&b, (uint32_t) crc);
  if (b.failed)
    {
      free (b.data);
      return stva_error_set (error, STVA_ERR_NOMEM, "out of memory serialising the model");
    }
  *out_buf = b.data;
  *out_n = b.len;
  return STVA_OK;
}

StvaStatus
stva_modelfile_write (const char          *path,
                      const StvaModelFile *mf,
                      StvaError           *error)
{
  uint8_t *buf = NULL;
  size_t n = 0;
  StvaStatus st = stva_modelfile_to_buffer (mf, &buf, &n, error);
  if (st != STVA_OK)
    return stva_error_prefix (error, "%s: ", path);

  size_t n_tmp = strlen (path) + 5;
  char *tmp = malloc (n_tmp);
  if (tmp == NULL)
    {
      free (buf);
      return stva_error_set (error, STVA_ERR_NOMEM, "%s: out of memory", path);
    }
  snprintf (tmp, n_tmp, "%s.tmp", path);
  FILE *f = fopen (tmp, "wb");
  if (f == NULL)
    {
      st = stva_error_set (error, STVA_ERR_IO, "%s: %s", tmp, strerror (errno));
      goto out;
    }
  bool ok = fwrite (buf, 1, n, f) == n;
  int saved = errno;
  ok = (fflush (f) == 0) && ok;
  if (!ok)
    saved = errno;
  if (fclose (f) != 0 && ok)
    {
      ok = false;
      saved = errno;
    }
  if (!ok)
    {
      remove (tmp);
      st = stva_error_set (error, STVA_ERR_IO, "%s: %s", tmp, strerror (saved));
      goto out;
    }
  if (rename (tmp, path) != 0)
    {
      saved = errno;
      remove (tmp);
      st = stva_error_set (error, STVA_ERR_IO, "%s: rename from %s: %s", path, tmp,
                           strerror (saved));
      goto out;
    }
out:
  free (tmp);
  free (buf);
  return st;
}

/* ---- helpers: the bounds-checked cursor ------------------------------------------------------ */

typedef struct
{
  const uint8_t *p;
  size_t         n;      /* bytes in the file */
  size_t         at;     /* cursor */
  StvaError     *error;
} Cursor;

static size_t
left (const Cursor *c)
{
  return c->n - c->at;
}

static StvaStatus
short_read (Cursor     *c,
            const char *what,
            size_t      need)
{
  return stva_error_set (c->error, STVA_ERR_FORMAT, "%s needs %zu bytes at offset %zu, %zu left",
                         what, need, c->at, left (c));
}

static uint32_t
rd_u32 (Cursor *c)
{
  const uint8_t *s = c->p + c->at;
  c->at += 4;
  return (uint32_t) s[0] | (uint32_t) s[1] << 8 | (uint32_t) s[2] << 16 | (uint32_t) s[3] << 24;
}

static StvaStatus
get_u32 (Cursor     *c,
         const char *what,
         uint32_t   *v)
{
  if (left (c) < 4)
    return short_read (c, what, 4);
  *v = rd_u32 (c);
  return STVA_OK;
}

static StvaStatus
get_u64 (Cursor     *c,
         const char *what,
         uint64_t   *v)
{
  if (left (c) < 8)
    return short_read (c, what, 8);
  uint64_t lo = rd_u32 (c);
  uint64_t hi = rd_u32 (c);
  *v = lo | hi << 32;
  return STVA_OK;
}

static StvaStatus
get_f64 (Cursor     *c,
         const char *what,
         double     *v)
{
  uint64_t u = 0;
  StvaStatus st = get_u64 (c, what, &u);
  if (st == STVA_OK)
    memcpy (v, &u, 8);
  return st;
}

/* A count of items that take at least min_bytes each: refused if the rest of the file can't
 * hold them, before anything is allocated for them. */
static StvaStatus
get_count (Cursor     *c,
           const char *what,
           size_t      min_bytes,
           int        *out)
{
  uint32_t v = 0;
  StvaStatus st = get_u32 (c, what, &v);
  if (st != STVA_OK)
    return st;
  if (v > (uint32_t) INT32_MAX || (uint64_t) v * min_bytes > left (c))
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%s is %u: needs at least %llu bytes, "
                           "%zu left", what, v, (unsigned long long) v * min_bytes, left (c));
  *out = (int) v;
  return STVA_OK;
}

/* A str field into a new NUL-terminated string (*out owned by the caller). */
static StvaStatus
get_str (Cursor     *c,
         const char *what,
         bool        non_empty,
         char      **out)
{
  uint32_t len = 0;
  StvaStatus st = get_u32 (c, what, &len);
  if (st != STVA_OK)
    return st;
  if (len > STVA_MODELFILE_MAX_STR)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%s: length %u is over the limit of %u",
                           what, len, STVA_MODELFILE_MAX_STR);
  if (len > left (c))
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%s: length %u, %zu bytes left", what,
                           len, left (c));
  if (non_empty && len == 0)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%s is empty", what);
  if (memchr (c->p + c->at, '\0', len) != NULL)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%s holds a NUL byte", what);
  char *s = malloc ((size_t) len + 1);
  if (s == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "%s: out of memory", what);
  memcpy (s, c->p + c->at, len);
  s[len] = '\0';
  c->at += len;
  *out = s;
  return STVA_OK;
}

/* n floats into a new array; the caller checked that 4·n bytes are left. */
static float *
take_f32s (Cursor *c,
           size_t  n)
{
  float *x = malloc (n ? n * sizeof (float) : 1);
  if (x == NULL)
    return NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy (x, c->p + c->at, n * sizeof (float));
  c->at += n * sizeof (float);
#else
  for (size_t i = 0; i < n; i++)
    {
      uint32_t u = rd_u32 (c);
      memcpy (&x[i], &u, 4);
    }
#endif
  return x;
}

/* ---- reading --------------------------------------------------------------------------------- */

static StvaStatus
read_features (Cursor        *c,
               StvaModelFile *mf,
               int            m)
{
  char what[96];
  char letter = modality_letters[m];
  uint32_t F = 0, flags = 0;
  StvaStatus st;

  snprintf (what, sizeof what, "features %c: width", letter);
  if ((st = get_u32 (c, what, &F)) != STVA_OK)
    return st;
  snprintf (what, sizeof what, "features %c: flags", letter);
  if ((st = get_u32 (c, what, &flags)) != STVA_OK)
    return st;
  if (flags & ~3u)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "features %c: unknown flags 0x%x", letter,
                           flags);
  if (F == 0 && flags != 0)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "features %c: width 0 with flags 0x%x",
                           letter, flags);
  size_t need = ((flags & 1) ? 4u : 0u) + ((flags & 2) ? 8u : 0u);   /* bytes per dimension */
  if (F > (uint32_t) INT32_MAX || (uint64_t) F * need > left (c))
    return stva_error_set (c->error, STVA_ERR_FORMAT, "features %c: width %u with flags 0x%x "
                           "needs at least %llu bytes, %zu left", letter, F, flags,
                           (unsigned long long) F * need, left (c));
  mf->F[m] = (int) F;
  if (flags & 1)
    {
      mf->feature_names[m] = calloc (F, sizeof (char *));
      if (mf->feature_names[m] == NULL)
        return stva_error_set (c->error, STVA_ERR_NOMEM, "features %c: out of memory", letter);
      for (uint32_t f = 0; f < F; f++)
        {
          snprintf (what, sizeof what, "features %c: name %u", letter, f);
          if ((st = get_str (c, what, true, &mf->feature_names[m][f])) != STVA_OK)
            return st;
        }
    }
  if (flags & 2)
    {
      if ((uint64_t) F * 8 > left (c))
        return stva_error_set (c->error, STVA_ERR_FORMAT, "features %c: normalisation of %u "
                               "dimensions needs %llu bytes, %zu left", letter, F,
                               (unsigned long long) F * 8, left (c));
      mf->mean[m] = take_f32s (c, F);
      mf->std[m] = mf->mean[m] ? take_f32s (c, F) : NULL;
      if (mf->std[m] == NULL)
        return stva_error_set (c->error, STVA_ERR_NOMEM, "features %c: out of memory", letter);
      for (uint32_t f = 0; f < F; f++)
        if (!isfinite (mf->mean[m][f]) || !isfinite (mf->std[m][f]) || mf->std[m][f] < 0)
          return stva_error_set (c->error, STVA_ERR_FORMAT, "features %c: dimension %u has mean "
                                 "%g and std %g", letter, f, (double) mf->mean[m][f],
                                 (double) mf->std[m][f]);
    }
  return STVA_OK;
}

static StvaStatus
read_tensor (Cursor          *c,
             StvaModelFile   *mf,
             int              i,
             StvaNamedTensor *t)
{
  char what[160];
  StvaStatus st;
  uint32_t ndim;

  snprintf (what, sizeof what, "tensor %d: name", i);
  if ((st = get_str (c, what, true, &t->name)) != STVA_OK)
    return st;
  for (int j = 0; j < i; j++)
    if (strcmp (mf->tensors[j].name, t->name) == 0)
      return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d: name '%s' appears twice", i,
                             t->name);
  snprintf (what, sizeof what, "tensor %d '%s': rank", i, t->name);
  if ((st = get_u32 (c, what, &ndim)) != STVA_OK)
    return st;
  if (ndim > 4)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': rank %u (at most 4)", i,
                           t->name, ndim);
  t->ndim = (int) ndim;
  for (uint32_t d = 0; d < ndim; d++)
    {
      uint64_t v = 0;
      snprintf (what, sizeof what, "tensor %d '%s': shape[%u]", i, t->name, d);
      if ((st = get_u64 (c, what, &v)) != STVA_OK)
        return st;
      if (v > (uint64_t) STVA_MODELFILE_MAX_DIM)
        return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': dimension %u is %llu",
                               i, t->name, d, (unsigned long long) v);
      t->shape[d] = (int64_t) v;
    }
  size_t pad = (STVA_MODELFILE_ALIGN - c->at % STVA_MODELFILE_ALIGN) % STVA_MODELFILE_ALIGN;
  if (pad > left (c))
    return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': alignment needs %zu "
                           "bytes, %zu left", i, t->name, pad, left (c));
  for (size_t k = 0; k < pad; k++)
    if (c->p[c->at + k] != 0)
      return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': padding byte at "
                             "offset %zu is not 0", i, t->name, c->at + k);
  c->at += pad;

  int64_t numel = stva_named_tensor_numel (t);
  char shape[96];
  shape_text (shape, sizeof shape, t->ndim, t->shape);
  if (numel < 0 || (uint64_t) numel > left (c) / 4)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': shape %s needs %llu "
                           "bytes, %zu left", i, t->name, shape,
                           numel < 0 ? (unsigned long long) UINT64_MAX
                                     : (unsigned long long) numel * 4,
                           left (c));
  t->data = take_f32s (c, (size_t) numel);
  if (t->data == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "tensor %d '%s': out of memory for %s", i,
                           t->name, shape);
  int64_t bad = first_nonfinite (t->data, (size_t) numel);
  if (bad >= 0)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "tensor %d '%s': element %lld is %g", i,
                           t->name, (long long) bad, (double) t->data[bad]);
  return STVA_OK;
}

/* The TRST section's body: c ends where the body ends. */
static StvaStatus
read_state (Cursor        *c,
            StvaModelFile *mf)
{
  StvaStatus st;
  StvaModelFileState *s = calloc (1, sizeof *s);
  if (s == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "training state: out of memory");
  mf->state = s;
  uint32_t flags = 0;
  if ((st = get_u32 (c, "training state: flags", &flags)) != STVA_OK
      || (st = get_u32 (c, "training state: epochs done", &s->epochs_done)) != STVA_OK
      || (st = get_u32 (c, "training state: batches done", &s->batches_done)) != STVA_OK
      || (st = get_u32 (c, "training state: best epoch", &s->best_epoch)) != STVA_OK
      || (st = get_u32 (c, "training state: epochs since the best", &s->epochs_since_best))
           != STVA_OK
      || (st = get_u64 (c, "training state: steps", &s->steps)) != STVA_OK
      || (st = get_f64 (c, "training state: loss sum", &s->loss_sum)) != STVA_OK
      || (st = get_f64 (c, "training state: weight sum", &s->weight_sum)) != STVA_OK
      || (st = get_f64 (c, "training state: learning rate", &s->lr)) != STVA_OK
      || (st = get_f64 (c, "training state: gradient norm", &s->grad_norm)) != STVA_OK
      || (st = get_f64 (c, "training state: train loss", &s->train_loss)) != STVA_OK
      || (st = get_f64 (c, "training state: best weighted F1", &s->best_dev_weighted_f1))
           != STVA_OK
      || (st = get_u64 (c, "training state: float count", &s->n_floats)) != STVA_OK)
    return st;
  if (flags & ~1u)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: unknown flags 0x%x",
                           flags);
  if ((st = check_state_fields (s, flags & 1u, STVA_ERR_FORMAT, c->error)) != STVA_OK)
    return st;
  int64_t total = tensor_floats (mf);
  if (total < 0 || s->n_floats != (uint64_t) total)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: %llu floats, the "
                           "tensors hold %lld", (unsigned long long) s->n_floats,
                           (long long) total);
  size_t pad = (STVA_MODELFILE_ALIGN - c->at % STVA_MODELFILE_ALIGN) % STVA_MODELFILE_ALIGN;
  if (pad > left (c))
    return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: alignment needs %zu "
                           "bytes, %zu left", pad, left (c));
  for (size_t k = 0; k < pad; k++)
    if (c->p[c->at + k] != 0)
      return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: padding byte at "
                             "offset %zu is not 0", c->at + k);
  c->at += pad;
  int n_blocks = (flags & 1u) ? 3 : 2;
  if (s->n_floats > left (c) / 4 / (size_t) n_blocks)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: %d blocks of %llu "
                           "floats, %zu bytes left", n_blocks, (unsigned long long) s->n_floats,
                           left (c));
  float **blocks[3] = { &s->m1, &s->m2, &s->weights };
  static const char *const names[3] = { "first moment", "second moment", "weights" };
  for (int k = 0; k < n_blocks; k++)
    {
      if ((*blocks[k] = take_f32s (c, (size_t) s->n_floats)) == NULL)
        return stva_error_set (c->error, STVA_ERR_NOMEM, "training state: out of memory for "
                               "%llu floats", (unsigned long long) s->n_floats);
      int64_t bad = first_bad_moment (*blocks[k], (size_t) s->n_floats, k == 1);
      if (bad >= 0)
        return stva_error_set (c->error, STVA_ERR_FORMAT, "training state: %s element %lld "
                               "is %g", names[k], (long long) bad, (double) (*blocks[k])[bad]);
    }
  return STVA_OK;
}

/* Version 2's sections, up to the crc */
static StvaStatus
read_sections (Cursor        *c,
               StvaModelFile *mf)
{
  StvaStatus st;
  int n = 0;
  char what[64];
  /* a section takes at least its tag and size: 12 bytes */
  if ((st = get_count (c, "section count", 12, &n)) != STVA_OK)
    return st;
  for (int i = 0; i < n; i++)
    {
      snprintf (what, sizeof what, "section %d: tag", i);
      if (left (c) < 4)
        return short_read (c, what, 4);
      char tag[9];   /* the tag as text, or in hex when it is not printable */
      const uint8_t *t = c->p + c->at;
      bool printable = true;
      for (int k = 0; k < 4; k++)
        printable = printable && t[k] >= 0x20 && t[k] < 0x7f;
      if (printable)
        snprintf (tag, sizeof tag, "%.4s", (const char *) t);
      else
        snprintf (tag, sizeof tag, "%02x%02x%02x%02x", t[0], t[1], t[2], t[3]);
      bool is_state = memcmp (t, TRAIN_STATE_TAG, 4) == 0;
      const char *about = is_state ? " (training state)" : "";
      c->at += 4;
      uint64_t size = 0;
      snprintf (what, sizeof what, "section %d '%s'%s: size", i, tag, about);
      if ((st = get_u64 (c, what, &size)) != STVA_OK)
        return st;
      if (size > left (c))
        return stva_error_set (c->error, STVA_ERR_FORMAT, "section %d '%s'%s: size %llu, %zu "
                               "bytes left", i, tag, about, (unsigned long long) size, left (c));
      if (!is_state)
        {
          c->at += (size_t) size;   /* a later version's section: skipped */
          continue;
        }
      if (mf->state != NULL)
        return stva_error_set (c->error, STVA_ERR_FORMAT, "section %d: a second training "
                               "state", i);
      Cursor body = *c;   /* cannot read past the section's end */
      body.n = c->at + (size_t) size;
      if ((st = read_state (&body, mf)) != STVA_OK)
        return st;
      if (left (&body) != 0)
        return stva_error_set (c->error, STVA_ERR_FORMAT, "section %d '%s'%s: %zu bytes of "
                               "%llu unused", i, tag, about, left (&body),
                               (unsigned long long) size);
      c->at = body.at;
    }
  return STVA_OK;
}

static StvaStatus
read_all (Cursor        *c,
          StvaModelFile *mf)
{
  StvaStatus st;
  char what[64];

  if (c->n < 12)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%zu bytes is too short for a model "
                           "file", c->n);
  if (memcmp (c->p, STVA_MODELFILE_MAGIC, 4) != 0)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "not a Sync-TVA model file (bad magic)");
  c->at = 4;
  mf->version = rd_u32 (c);
  if (mf->version == 0)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "format version 0");
  if (mf->version > STVA_MODELFILE_VERSION)
    return stva_error_set (c->error, STVA_ERR_VERSION, "format version %u; this build reads 1 "
                           "to %u", mf->version, STVA_MODELFILE_VERSION);
  uint32_t header_size = rd_u32 (c);
  if (header_size < 12 || header_size > c->n)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "header size %u (file of %zu bytes)",
                           header_size, c->n);
  c->at = header_size;

  if ((st = get_count (c, "config count", 8, &mf->n_config)) != STVA_OK)
    return st;
  mf->config = calloc ((size_t) mf->n_config + 1, sizeof *mf->config);
  if (mf->config == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "config: out of memory");
  for (int i = 0; i < mf->n_config; i++)
    {
      snprintf (what, sizeof what, "config entry %d: key", i);
      if ((st = get_str (c, what, true, &mf->config[i].key)) != STVA_OK)
        return st;
      snprintf (what, sizeof what, "config '%.32s': value", mf->config[i].key);
      if ((st = get_str (c, what, false, &mf->config[i].value)) != STVA_OK)
        return st;
      for (int j = 0; j < i; j++)
        if (strcmp (mf->config[i].key, mf->config[j].key) == 0)
          return stva_error_set (c->error, STVA_ERR_FORMAT, "config key '%s' appears twice",
                                 mf->config[i].key);
    }

  if ((st = get_count (c, "label count", 4, &mf->K)) != STVA_OK)
    return st;
  mf->labels = calloc ((size_t) mf->K + 1, sizeof (char *));
  if (mf->labels == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "labels: out of memory");
  for (int k = 0; k < mf->K; k++)
    {
      snprintf (what, sizeof what, "label %d", k);
      if ((st = get_str (c, what, true, &mf->labels[k])) != STVA_OK)
        return st;
      for (int j = 0; j < k; j++)
        if (strcmp (mf->labels[k], mf->labels[j]) == 0)
          return stva_error_set (c->error, STVA_ERR_FORMAT, "label '%s' appears twice",
                                 mf->labels[k]);
    }

  for (int m = 0; m < 3; m++)
    if ((st = read_features (c, mf, m)) != STVA_OK)
      return st;

  /* a tensor takes at least name length + rank: 8 bytes */
  if ((st = get_count (c, "tensor count", 8, &mf->n_tensors)) != STVA_OK)
    return st;
  mf->tensors = calloc ((size_t) mf->n_tensors + 1, sizeof *mf->tensors);
  if (mf->tensors == NULL)
    return stva_error_set (c->error, STVA_ERR_NOMEM, "tensors: out of memory");
  for (int i = 0; i < mf->n_tensors; i++)
    if ((st = read_tensor (c, mf, i, &mf->tensors[i])) != STVA_OK)
      return st;
  if (mf->version >= 2 && (st = read_sections (c, mf)) != STVA_OK)
    return st;

  if (left (c) < 4)
    return short_read (c, "checksum", 4);
  if (left (c) > 4)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "%zu unexpected bytes after the last "
                           "%s", left (c) - 4, mf->version >= 2 ? "section" : "tensor");
  uLong crc = crc32 (0L, Z_NULL, 0);
  for (size_t done = 0; done < c->at;)
    {
      uInt chunk = (uInt) (c->at - done < (1u << 30) ? c->at - done : (1u << 30));
      crc = crc32 (crc, c->p + done, chunk);
      done += chunk;
    }
  uint32_t stored = rd_u32 (c);
  if (stored != (uint32_t) crc)
    return stva_error_set (c->error, STVA_ERR_FORMAT, "checksum mismatch (stored %08x, "
                           "computed %08x): the file is corrupt", stored, (uint32_t) crc);
  return STVA_OK;
}

/* ---- public API: reading --------------------------------------------------------------------- */

StvaStatus
stva_modelfile_read_buffer (const uint8_t *buf,
                            size_t         n,
                            StvaModelFile *out,
                            StvaError     *error)
{
  memset (out, 0, sizeof *out);
  StvaError local = { 0 };
  Cursor c = { .p = buf, .n = n, .at = 0, .error = error ? error : &local };
  StvaStatus st = read_all (&c, out);
  if (st != STVA_OK)
    {
      stva_modelfile_free (out);
      return stva_error_prefix (error, "<buffer>: ");
    }
  return STVA_OK;
}

StvaStatus
stva_modelfile_read (const char    *path,
                     StvaModelFile *out,
                     StvaError     *error)
{
  memset (out, 0, sizeof *out);
  uint8_t *buf;
  size_t size;
  StvaStatus st = stva_file_read_all (path, &buf, &size, error);
  if (st != STVA_OK)
    return st;
  StvaError local = { 0 };
  Cursor c = { .p = buf, .n = size, .at = 0, .error = error ? error : &local };
  st = read_all (&c, out);
  if (st != STVA_OK)
    {
      stva_modelfile_free (out);
      stva_error_prefix (error, "%s: ", path);
    }
  free (buf);
  return st;
}

void
stva_modelfile_free (StvaModelFile *mf)
{
  if (mf == NULL)
    return;
  if (mf->config)
    for (int i = 0; i < mf->n_config; i++)
      {
        free (mf->config[i].key);
        free (mf->config[i].value);
      }
  free (mf->config);
  if (mf->labels)
    for (int k = 0; k < mf->K; k++)
      free (mf->labels[k]);
  free (mf->labels);
  for (int m = 0; m < 3; m++)
    {
      if (mf->feature_names[m])
        for (int f = 0; f < mf->F[m]; f++)
          free (mf->feature_names[m][f]);
      free (mf->feature_names[m]);
      free (mf->mean[m]);
      free (mf->std[m]);
    }
  if (mf->tensors)
    for (int i = 0; i < mf->n_tensors; i++)
      {
        free (mf->tensors[i].name);
        free (mf->tensors[i].data);
      }
  free (mf->tensors);
  stva_modelfile_state_free (mf->state);
  memset (mf, 0, sizeof *mf);
}

void
stva_modelfile_state_free (StvaModelFileState *state)
{
  if (state == NULL)
    return;
  free (state->m1);
  free (state->m2);
  free (state->weights);
  free (state);
}

const StvaNamedTensor *
stva_modelfile_find (const StvaModelFile *mf,
                     const char          *name)
{
  for (int i = 0; i < mf->n_tensors; i++)
    if (mf->tensors[i].name && strcmp (mf->tensors[i].name, name) == 0)
      return &mf->tensors[i];
  return NULL;
}

const char *
stva_modelfile_config_get (const StvaModelFile *mf,
                           const char          *key)
{
  for (int i = 0; i < mf->n_config; i++)
    if (mf->config[i].key && strcmp (mf->config[i].key, key) == 0)
      return mf->config[i].value;
  return NULL;
}
