/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model file: round trip through a file, the documented byte layout, truncation at every
 * offset (with the original checksum and with a checksum fixed up to match, so the field parsers
 * themselves meet every cut), every single bit flip, lying counts, a newer version, NaN refused;
 * the same for a file with a training-state section (format version 2), whose doctored fields
 * are refused one by one, and a version-2 file from the independent Python writer.
 * Run it under ASan to make "never a crash" mean no overread either.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "stva-modelfile.h"

/* ---- a small model file ---------------------------------------------------------------------- */

typedef struct
{
  StvaModelFile mf;
  StvaKV        config[2];
  char         *labels[3];
  char         *names_T[4];
  float         mean_T[4], std_T[4], mean_V[2], std_V[2];
  StvaNamedTensor tensors[3];
  float         scalar, bias[3], weight[15];
  StvaModelFileState state;
  float         m1[19], m2[19], last[19];   /* 19 = 1 + 3 + 15 floats in the tensors */
} Sample;

static void
sample_init (Sample *s)
{
  memset (s, 0, sizeof *s);
  s->config[0] = (StvaKV) { "preset", "meld" };
  s->config[1] = (StvaKV) { "D", "" };            /* empty values are allowed */
  s->labels[0] = "neutral";
  s->labels[1] = "joy";
  s->labels[2] = "anger";
  for (int f = 0; f < 4; f++)
    {
      s->names_T[f] = (char *[]) { "t0", "t1", "t2", "t3" }[f];
      s->mean_T[f] = 0.25f * (float) f - 1;
      s->std_T[f] = 1 + (float) f;
    }
  s->mean_V[0] = 3;
  s->mean_V[1] = -3;
  s->std_V[0] = 0;                                /* a constant dimension */
  s->std_V[1] = 0.5f;
  s->scalar = 42;
  for (int i = 0; i < 3; i++)
    s->bias[i] = (float) i - 0.5f;
  for (int i = 0; i < 15; i++)
    s->weight[i] = sinf ((float) i);
  s->tensors[0] = (StvaNamedTensor) { "beta.b", 0, { 0 }, &s->scalar };
  s->tensors[1] = (StvaNamedTensor) { "proj.T.b", 1, { 3 }, s->bias };
  s->tensors[2] = (StvaNamedTensor) { "proj.T.w", 2, { 3, 5 }, s->weight };
  s->mf = (StvaModelFile) {
    .version = 0,
    .n_config = 2, .config = s->config,
    .K = 3, .labels = s->labels,
    .F = { 4, 0, 2 },
    .feature_names = { s->names_T, NULL, NULL },
    .mean = { s->mean_T, NULL, s->mean_V },
    .std = { s->std_T, NULL, s->std_V },
    .n_tensors = 3, .tensors = s->tensors,
  };
}

/* the sample with a training state: mid-epoch, so with the last step's weights */
static void
sample_init_state (Sample *s)
{
  sample_init (s);
  for (int i = 0; i < 19; i++)
    {
      s->m1[i] = 0.001f * cosf ((float) i);
      s->m2[i] = 1e-6f * (float) (i + 1);
      s->last[i] = 2.0f + (float) i;
    }
  s->state = (StvaModelFileState) {
    .epochs_done = 4, .batches_done = 2, .best_epoch = 3, .epochs_since_best = 1,
    .steps = 14, .loss_sum = 2.5, .weight_sum = 3.25, .lr = 4e-4, .grad_norm = 1.5,
    .train_loss = 0.75, .best_dev_weighted_f1 = 0.625, .n_floats = 19,
    .m1 = s->m1, .m2 = s->m2, .weights = s->last,
  };
  s->mf.state = &s->state;
}

static uint8_t *
state_bytes (size_t *n)
{
  Sample s;
  sample_init_state (&s);
  uint8_t *buf = NULL;
  StvaError err = { 0 };
  if (stva_modelfile_to_buffer (&s.mf, &buf, n, &err) != STVA_OK)
    g_error ("to_buffer: %s", err.message);
  return buf;
}

static uint8_t *
sample_bytes (size_t *n)
{
  Sample s;
  sample_init (&s);
  uint8_t *buf = NULL;
  StvaError err = { 0 };
  if (stva_modelfile_to_buffer (&s.mf, &buf, n, &err) != STVA_OK)
    g_error ("to_buffer: %s", err.message);
  return buf;
}

/* Rewrites the trailing CRC of buf (n) to match the bytes before it. */
static void
fix_crc (uint8_t *buf,
         size_t   n)
{
  g_assert_cmpuint (n, >=, 4);
  uint32_t crc = (uint32_t) crc32 (crc32 (0L, Z_NULL, 0), buf, (uInt) (n - 4));
  for (int i = 0; i < 4; i++)
    buf[n - 4 + i] = (uint8_t) (crc >> (8 * i));
}

static void
put_u32_at (uint8_t *buf,
            size_t   at,
            uint32_t v)
{
  for (int i = 0; i < 4; i++)
    buf[at + i] = (uint8_t) (v >> (8 * i));
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_round_trip (void)
{
  Sample s;
  sample_init (&s);
  g_autofree char *dir = g_dir_make_tmp ("stva-modelfile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.stva", NULL);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  StvaError err = { 0 };
  StvaModelFile r;

  g_assert_cmpint (stva_modelfile_write (path, &s.mf, &err), ==, STVA_OK);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_cmpint (stva_modelfile_read (path, &r, &err), ==, STVA_OK);

  g_assert_cmpuint (r.version, ==, 1);   /* no training state: what version 1 wrote */
  g_assert_null (r.state);
  g_assert_cmpint (r.n_config, ==, 2);
  g_assert_cmpstr (r.config[0].key, ==, "preset");
  g_assert_cmpstr (r.config[0].value, ==, "meld");
  g_assert_cmpstr (stva_modelfile_config_get (&r, "D"), ==, "");
  g_assert_null (stva_modelfile_config_get (&r, "nope"));
  g_assert_cmpint (r.K, ==, 3);
  g_assert_cmpstr (r.labels[2], ==, "anger");
  g_assert_cmpint (r.F[0], ==, 4);
  g_assert_cmpint (r.F[1], ==, 0);
  g_assert_cmpint (r.F[2], ==, 2);
  g_assert_cmpstr (r.feature_names[0][3], ==, "t3");
  g_assert_null (r.feature_names[1]);
  g_assert_null (r.feature_names[2]);
  g_assert_null (r.mean[1]);
  g_assert_null (r.std[1]);
  g_assert_cmpmem (r.mean[0], 16, s.mean_T, 16);
  g_assert_cmpmem (r.std[0], 16, s.std_T, 16);
  g_assert_cmpmem (r.mean[2], 8, s.mean_V, 8);
  g_assert_cmpmem (r.std[2], 8, s.std_V, 8);
  g_assert_cmpint (r.n_tensors, ==, 3);
  const StvaNamedTensor *w = stva_modelfile_find (&r, "proj.T.w");
  g_assert_nonnull (w);
  g_assert_cmpint (w->ndim, ==, 2);
  g_assert_cmpint (w->shape[0], ==, 3);
  g_assert_cmpint (w->shape[1], ==, 5);
  g_assert_cmpint (stva_named_tensor_numel (w), ==, 15);
  g_assert_cmpmem (w->data, 15 * 4, s.weight, 15 * 4);
  const StvaNamedTensor *sc = stva_modelfile_find (&r, "beta.b");
  g_assert_cmpint (sc->ndim, ==, 0);
  g_assert_cmpint (stva_named_tensor_numel (sc), ==, 1);
  g_assert_cmpfloat (sc->data[0], ==, 42);
  g_assert_null (stva_modelfile_find (&r, "proj.T"));

  /* the file holds exactly the serialised bytes */
  size_t n;
  g_autofree uint8_t *want = sample_bytes (&n);
  g_autofree char *got = NULL;
  gsize n_got;
  g_assert_true (g_file_get_contents (path, &got, &n_got, NULL));
  g_assert_cmpmem (got, n_got, want, n);

  /* written again from what was read: the same bytes */
  uint8_t *again;
  size_t n_again;
  g_assert_cmpint (stva_modelfile_to_buffer (&r, &again, &n_again, &err), ==, STVA_OK);
  g_assert_cmpmem (again, n_again, want, n);
  free (again);

  stva_modelfile_free (&r);
  stva_modelfile_free (&r);    /* twice is fine */
  g_unlink (path);
  g_rmdir (dir);
}

/* The layout of the header comment, checked byte by byte on the sample. */
static void
test_layout (void)
{
  size_t n;
  g_autofree uint8_t *b = sample_bytes (&n);

  g_assert_cmpmem (b, 4, "STVA", 4);
  g_assert_cmpuint (b[4], ==, 1);           /* version 1, little-endian */
  g_assert_cmpuint (b[5] | b[6] | b[7], ==, 0);
  g_assert_cmpuint (b[8], ==, 12);          /* header size */
  g_assert_cmpuint (b[12], ==, 2);          /* n_config */
  g_assert_cmpuint (b[16], ==, 6);          /* strlen ("preset") */
  g_assert_cmpmem (b + 20, 6, "preset", 6);
  /* the tensor data is 64-byte aligned: find the weight's first float in the file */
  const uint8_t *hit = NULL;
  float w0 = sinf (0.0f), w1 = sinf (1.0f);
  for (size_t i = 0; i + 8 <= n; i += 4)
    {
      float a, c;
      memcpy (&a, b + i, 4);
      memcpy (&c, b + i + 4, 4);
      if (a == w0 && c == w1)
        hit = b + i;
    }
  g_assert_nonnull (hit);
  g_assert_cmpuint ((size_t) (hit - b) % STVA_MODELFILE_ALIGN, ==, 0);
  /* the CRC covers everything before it */
  uint32_t crc = (uint32_t) crc32 (crc32 (0L, Z_NULL, 0), b, (uInt) (n - 4));
  g_assert_cmpuint (crc, ==, (uint32_t) b[n - 4] | (uint32_t) b[n - 3] << 8
                             | (uint32_t) b[n - 2] << 16 | (uint32_t) b[n - 1] << 24);
}

static void
test_truncation (void)
{
  size_t n;
  g_autofree uint8_t *full = sample_bytes (&n);
  g_autofree uint8_t *cut = g_malloc (n + 4);
  StvaModelFile r;
  StvaError err = { 0 };
  int named_tensor = 0;

  for (size_t k = 0; k < n; k++)
    {
      /* the plain cut: the bytes are copied so ASan sees any read past k */
      uint8_t *plain = g_memdup2 (full, k ? k : 1);
      StvaStatus st = stva_modelfile_read_buffer (plain, k, &r, &err);
      if (st != STVA_ERR_FORMAT)
        g_error ("cut at %zu of %zu: status %d (%s)", k, n, st, err.message);
      g_assert_null (r.tensors);
      g_free (plain);

      /* the cut with a valid checksum appended: only the fields can tell */
      memcpy (cut, full, k);
      memset (cut + k, 0, 4);
      if (k >= 12 && k != n - 4)   /* n - 4 + crc is the whole file again */
        {
          fix_crc (cut, k + 4);
          st = stva_modelfile_read_buffer (cut, k + 4, &r, &err);
          if (st != STVA_ERR_FORMAT)
            g_error ("cut at %zu + crc: status %d (%s)", k, st, err.message);
          if (strstr (err.message, "tensor 2 'proj.T.w': shape 3x5 needs 60 bytes"))
            named_tensor++;
        }
    }
  g_assert_cmpint (named_tensor, >, 0);   /* the message names the tensor and its size */
}

static void
test_bit_flips (void)
{
  size_t n;
  g_autofree uint8_t *b = sample_bytes (&n);
  StvaModelFile r;
  StvaError err = { 0 };
  int n_crc = 0;

  for (size_t i = 0; i < n; i++)
    for (int bit = 0; bit < 8; bit++)
      {
        b[i] ^= (uint8_t) (1u << bit);
        StvaStatus st = stva_modelfile_read_buffer (b, n, &r, &err);
        if (st == STVA_OK)
          g_error ("bit %d of byte %zu flipped: read as valid", bit, i);
        g_assert_true (st == STVA_ERR_FORMAT || st == STVA_ERR_VERSION);
        n_crc += strstr (err.message, "checksum mismatch") != NULL;
        b[i] ^= (uint8_t) (1u << bit);
      }
  g_assert_cmpint (n_crc, >, 0);
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_OK);
  stva_modelfile_free (&r);
}

static void
test_newer_version (void)
{
  size_t n;
  g_autofree uint8_t *b = sample_bytes (&n);
  StvaModelFile r;
  StvaError err = { 0 };

  put_u32_at (b, 4, STVA_MODELFILE_VERSION + 1);
  fix_crc (b, n);
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_ERR_VERSION);
  g_assert_nonnull (strstr (err.message, "format version 3; this build reads 1 to 2"));
  put_u32_at (b, 4, 0);
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_ERR_FORMAT);

  /* a larger header (future fields) is skipped: 64 more bytes keep the tensors aligned */
  put_u32_at (b, 4, 1);   /* the sample's own version */
  g_autofree uint8_t *big = g_malloc (n + 64);
  memcpy (big, b, 12);
  memset (big + 12, 0xab, 64);
  memcpy (big + 76, b + 12, n - 12);
  put_u32_at (big, 8, 76);
  fix_crc (big, n + 64);
  g_assert_cmpint (stva_modelfile_read_buffer (big, n + 64, &r, &err), ==, STVA_OK);
  g_assert_cmpstr (r.labels[1], ==, "joy");
  g_assert_cmpfloat (stva_modelfile_find (&r, "proj.T.w")->data[1], ==, sinf (1.0f));
  stva_modelfile_free (&r);
}

static void
test_lying_counts (void)
{
  size_t n;
  g_autofree uint8_t *b = sample_bytes (&n);
  StvaModelFile r;
  StvaError err = { 0 };

  put_u32_at (b, 12, 0x7fffffff);            /* n_config */
  fix_crc (b, n);
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "config count is 2147483647"));

  g_free (b);
  b = sample_bytes (&n);
  put_u32_at (b, 16, 0xfffffff0);            /* length of the first key */
  fix_crc (b, n);
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "config entry 0: key"));
}

static void
test_nan (void)
{
  Sample s;
  sample_init (&s);
  StvaError err = { 0 };
  uint8_t *buf = NULL;
  size_t n;

  s.weight[7] = NAN;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_NUMERIC);
  g_assert_nonnull (strstr (err.message, "tensor 'proj.T.w': element 7"));
  g_assert_null (buf);
  s.weight[7] = 0;
  s.std_V[1] = INFINITY;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_NUMERIC);
  s.std_V[1] = 0.5f;

  /* a file with a NaN smuggled in (and a matching checksum) is refused by the reader */
  g_autofree uint8_t *b = sample_bytes (&n);
  float w3 = sinf (3.0f);
  size_t at = 0;
  for (size_t i = 0; i + 4 <= n; i += 4)
    if (memcmp (b + i, &w3, 4) == 0)
      at = i;
  g_assert_cmpuint (at, >, 0);
  float nan = NAN;
  memcpy (b + at, &nan, 4);
  fix_crc (b, n);
  StvaModelFile r;
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "tensor 2 'proj.T.w': element 3 is nan"));
}

static void
test_bad_write (void)
{
  Sample s;
  sample_init (&s);
  StvaError err = { 0 };
  uint8_t *buf;
  size_t n;

  s.tensors[1].name = "proj.T.w";
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (err.message, "appears twice"));
  sample_init (&s);
  s.mf.std[2] = NULL;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  sample_init (&s);
  s.tensors[2].ndim = 5;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  sample_init (&s);
  s.labels[1] = "";
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);

  sample_init (&s);
  g_assert_cmpint (stva_modelfile_write ("/nonexistent-dir/model.stva", &s.mf, &err), ==,
                   STVA_ERR_IO);
  g_assert_nonnull (strstr (err.message, "/nonexistent-dir/model.stva.tmp"));
  StvaModelFile r;
  g_assert_cmpint (stva_modelfile_read ("/nonexistent-dir/model.stva", &r, &err), ==,
                   STVA_ERR_IO);
}

/* A directory or a FIFO given as the model file: an error that says what it is (a directory's
 * size once read as 2^63 - 1 and was reported as "out of memory"), and no wait on the FIFO. */
static void
test_not_a_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stva-mf-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "model.stvm", NULL);
  StvaModelFile r;
  StvaError err = { 0 };
  g_assert_cmpint (stva_modelfile_read (dir, &r, &err), ==, STVA_ERR_IO);
  g_assert_nonnull (strstr (err.message, "Is a directory"));
  g_assert_true (g_str_has_prefix (err.message, dir));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  int fd = open (fifo, O_RDWR | O_NONBLOCK);   /* a writer, so opening for reading does not block */
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (stva_modelfile_read (fifo, &r, &err), ==, STVA_ERR_IO);
  g_assert_nonnull (strstr (err.message, "model.stvm: not a regular file"));
  close (fd);
  g_remove (fifo);
  g_rmdir (dir);
}

/* ---- the training-state section (format version 2) ------------------------------------------ */

static void
put_u64_at (uint8_t *buf,
            size_t   at,
            uint64_t v)
{
  for (int i = 0; i < 8; i++)
    buf[at + i] = (uint8_t) (v >> (8 * i));
}

static uint64_t
get_u64_at (const uint8_t *buf,
            size_t         at)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t) buf[at + i] << (8 * i);
  return v;
}

/* where the sample's state file puts its section: the version-1 bytes without their crc, then
 * n_sections, tag, size, body */
static size_t
state_body_at (void)
{
  size_t n1;
  g_autofree uint8_t *v1 = sample_bytes (&n1);
  return n1 - 4 + 4 + 4 + 8;
}

static void
check_state_equal (const StvaModelFileState *a,
                   const StvaModelFileState *b)
{
  g_assert_cmpuint (a->epochs_done, ==, b->epochs_done);
  g_assert_cmpuint (a->batches_done, ==, b->batches_done);
  g_assert_cmpuint (a->best_epoch, ==, b->best_epoch);
  g_assert_cmpuint (a->epochs_since_best, ==, b->epochs_since_best);
  g_assert_cmpuint (a->steps, ==, b->steps);
  g_assert_cmpfloat (a->loss_sum, ==, b->loss_sum);
  g_assert_cmpfloat (a->weight_sum, ==, b->weight_sum);
  g_assert_cmpfloat (a->lr, ==, b->lr);
  g_assert_cmpfloat (a->grad_norm, ==, b->grad_norm);
  g_assert_cmpfloat (a->train_loss, ==, b->train_loss);
  g_assert_true (a->best_dev_weighted_f1 == b->best_dev_weighted_f1
                 || (isnan (a->best_dev_weighted_f1) && isnan (b->best_dev_weighted_f1)));
  g_assert_cmpuint (a->n_floats, ==, b->n_floats);
  g_assert_cmpmem (a->m1, a->n_floats * 4, b->m1, b->n_floats * 4);
  g_assert_cmpmem (a->m2, a->n_floats * 4, b->m2, b->n_floats * 4);
  g_assert_true ((a->weights == NULL) == (b->weights == NULL));
  if (a->weights != NULL)
    g_assert_cmpmem (a->weights, a->n_floats * 4, b->weights, b->n_floats * 4);
}

static void
test_state_round_trip (void)
{
  Sample s;
  sample_init_state (&s);
  g_autofree char *dir = g_dir_make_tmp ("stva-modelfile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.stva", NULL);
  StvaError err = { 0 };
  StvaModelFile r;

  g_assert_cmpint (stva_modelfile_write (path, &s.mf, &err), ==, STVA_OK);
  g_assert_cmpint (stva_modelfile_read (path, &r, &err), ==, STVA_OK);
  g_assert_cmpuint (r.version, ==, 2);
  g_assert_nonnull (r.state);
  check_state_equal (r.state, &s.state);
  g_assert_cmpmem (stva_modelfile_find (&r, "proj.T.w")->data, 60, s.weight, 60);
  size_t n;
  g_autofree uint8_t *want = state_bytes (&n);
  uint8_t *again;
  size_t n_again;
  g_assert_cmpint (stva_modelfile_to_buffer (&r, &again, &n_again, &err), ==, STVA_OK);
  g_assert_cmpmem (again, n_again, want, n);
  free (again);
  stva_modelfile_free (&r);

  /* at an epoch's end with the best epoch the last: no weights; no validation: F1 NaN */
  s.state.weights = NULL;
  s.state.best_epoch = 4;
  s.state.batches_done = 0;
  s.state.best_dev_weighted_f1 = NAN;
  g_assert_cmpint (stva_modelfile_write (path, &s.mf, &err), ==, STVA_OK);
  g_assert_cmpint (stva_modelfile_read (path, &r, &err), ==, STVA_OK);
  g_assert_nonnull (r.state);
  g_assert_null (r.state->weights);
  check_state_equal (r.state, &s.state);
  stva_modelfile_free (&r);
  g_unlink (path);
  g_rmdir (dir);
}

/* The section's layout, as the header comment has it */
static void
test_state_layout (void)
{
  size_t n1, n;
  g_autofree uint8_t *v1 = sample_bytes (&n1);
  g_autofree uint8_t *b = state_bytes (&n);

  g_assert_cmpuint (b[4], ==, 2);                        /* version 2 */
  g_assert_cmpmem (b + 8, n1 - 12, v1 + 8, n1 - 12);     /* up to the sections: version 1's */
  g_assert_cmpuint (b[n1 - 4], ==, 1);                   /* n_sections */
  g_assert_cmpmem (b + n1, 4, "TRST", 4);
  size_t body = state_body_at ();
  g_assert_cmpuint (get_u64_at (b, n1 + 4), ==, n - 4 - body);   /* size: the body to the crc */
  g_assert_cmpuint (b[body], ==, 1);                     /* flags: weights follow */
  g_assert_cmpuint (b[body + 4], ==, 4);                 /* epochs_done */
  g_assert_cmpuint (b[body + 8], ==, 2);                 /* batches_done */
  g_assert_cmpuint (b[body + 12], ==, 3);                /* best_epoch */
  g_assert_cmpuint (b[body + 16], ==, 1);                /* epochs_since_best */
  g_assert_cmpuint (get_u64_at (b, body + 20), ==, 14);  /* steps */
  double f[6];
  memcpy (f, b + body + 28, sizeof f);
  g_assert_cmpfloat (f[0], ==, 2.5);                     /* loss_sum */
  g_assert_cmpfloat (f[1], ==, 3.25);                    /* weight_sum */
  g_assert_cmpfloat (f[2], ==, 4e-4);                    /* lr */
  g_assert_cmpfloat (f[3], ==, 1.5);                     /* grad_norm */
  g_assert_cmpfloat (f[4], ==, 0.75);                    /* train_loss */
  g_assert_cmpfloat (f[5], ==, 0.625);                   /* best_dev_weighted_f1 */
  g_assert_cmpuint (get_u64_at (b, body + 76), ==, 19);  /* n_floats */
  size_t m1 = (body + 84 + 63) / 64 * 64;                /* aligned to 64 */
  for (size_t k = body + 84; k < m1; k++)
    g_assert_cmpuint (b[k], ==, 0);
  Sample s;
  sample_init_state (&s);
  g_assert_cmpmem (b + m1, 76, s.m1, 76);
  g_assert_cmpmem (b + m1 + 76, 76, s.m2, 76);
  g_assert_cmpmem (b + m1 + 152, 76, s.last, 76);
  g_assert_cmpuint (m1 + 228 + 4, ==, n);                /* then the crc, the end */
}

static void
test_state_truncation (void)
{
  size_t n;
  g_autofree uint8_t *full = state_bytes (&n);
  g_autofree uint8_t *cut = g_malloc (n + 4);
  StvaModelFile r;
  StvaError err = { 0 };
  int named = 0;

  for (size_t k = 0; k < n; k++)
    {
      uint8_t *plain = g_memdup2 (full, k ? k : 1);
      StvaStatus st = stva_modelfile_read_buffer (plain, k, &r, &err);
      if (st != STVA_ERR_FORMAT)
        g_error ("cut at %zu of %zu: status %d (%s)", k, n, st, err.message);
      g_assert_null (r.state);
      g_free (plain);
      memcpy (cut, full, k);
      memset (cut + k, 0, 4);
      if (k >= 12 && k != n - 4)
        {
          fix_crc (cut, k + 4);
          st = stva_modelfile_read_buffer (cut, k + 4, &r, &err);
          if (st != STVA_ERR_FORMAT)
            g_error ("cut at %zu + crc: status %d (%s)", k, st, err.message);
          named += strstr (err.message, "training state") != NULL;
        }
    }
  g_assert_cmpint (named, >, 0);
}

static void
test_state_bit_flips (void)
{
  size_t n;
  g_autofree uint8_t *b = state_bytes (&n);
  StvaModelFile r;
  StvaError err = { 0 };

  for (size_t i = 0; i < n; i++)
    for (int bit = 0; bit < 8; bit++)
      {
        b[i] ^= (uint8_t) (1u << bit);
        StvaStatus st = stva_modelfile_read_buffer (b, n, &r, &err);
        if (st == STVA_OK)
          g_error ("bit %d of byte %zu flipped: read as valid", bit, i);
        g_assert_true (st == STVA_ERR_FORMAT || st == STVA_ERR_VERSION);
        b[i] ^= (uint8_t) (1u << bit);
      }
  g_assert_cmpint (stva_modelfile_read_buffer (b, n, &r, &err), ==, STVA_OK);
  stva_modelfile_free (&r);
}

/* writes len bytes of v at offset at of a fresh state file, fixes the crc and expects a
 * refusal whose message holds want */
static void
expect_doctored (size_t      at,
                 const void *v,
                 size_t      len,
                 const char *want)
{
  size_t n;
  g_autofree uint8_t *b = state_bytes (&n);
  StvaModelFile r;
  StvaError err = { 0 };
  memcpy (b + at, v, len);
  fix_crc (b, n);
  StvaStatus st = stva_modelfile_read_buffer (b, n, &r, &err);
  g_test_message ("at %zu: %s", at, err.message);
  g_assert_cmpint (st, ==, STVA_ERR_FORMAT);
  if (strstr (err.message, want) == NULL)
    g_error ("at %zu: '%s' has no '%s'", at, err.message, want);
  g_assert_null (r.state);
}

static void
test_state_doctored (void)
{
  size_t body = state_body_at (), n;
  g_autofree uint8_t *b = state_bytes (&n);
  size_t m1 = (body + 84 + 63) / 64 * 64;
  uint32_t u;
  uint64_t q;
  double d;
  float f;

  q = 20;
  expect_doctored (body + 76, &q, 8, "training state: 20 floats, the tensors hold 19");
  u = 3;
  expect_doctored (body, &u, 4, "training state: unknown flags 0x3");
  u = 0;
  expect_doctored (body, &u, 4, "training state: no weights with best epoch 3 of 4 and 2");
  u = 5;
  expect_doctored (body + 12, &u, 4, "best epoch 5, 1 epochs since: out of range");
  u = 0x80000000u;
  expect_doctored (body + 4, &u, 4, "out of range");
  q = (uint64_t) 1 << 60;
  expect_doctored (body + 20, &q, 8, "training state: 1152921504606846976 steps");
  d = -1;
  expect_doctored (body + 28, &d, 8, "training state: loss sum is -1");
  d = NAN;
  expect_doctored (body + 44, &d, 8, "training state: learning rate is nan");
  d = INFINITY;
  expect_doctored (body + 60, &d, 8, "training state: train loss is inf");
  d = 1.5;
  expect_doctored (body + 68, &d, 8, "training state: best weighted F1 is 1.5");
  f = NAN;
  expect_doctored (m1 + 12, &f, 4, "training state: first moment element 3 is nan");
  f = -1;
  expect_doctored (m1 + 76 + 20, &f, 4, "training state: second moment element 5 is -1");
  f = INFINITY;
  expect_doctored (m1 + 152, &f, 4, "training state: weights element 0 is inf");
  u = 7;
  expect_doctored (body + 84, &u, 1, "training state: padding byte at offset");
  /* a size that lies: past the end, one byte more than the body, one byte less */
  size_t size_at = body - 8;
  q = (uint64_t) 1 << 40;
  expect_doctored (size_at, &q, 8, "section 0 'TRST' (training state): size 1099511627776");
  q = get_u64_at (b, size_at) + 1;
  expect_doctored (size_at, &q, 8, "section 0 'TRST' (training state): 1 bytes of");
  q = get_u64_at (b, size_at) - 1;
  expect_doctored (size_at, &q, 8, "training state: 3 blocks of 19 floats");
  u = 2;
  expect_doctored (body - 16, &u, 4, "section 1");   /* a second section that is not there */
}

/* a later version's section is skipped; a second training state is refused */
static void
test_state_sections (void)
{
  size_t n;
  g_autofree uint8_t *b = state_bytes (&n);
  size_t body = state_body_at ();
  size_t section = body - 12, size = n - 4 - body;
  StvaModelFile r;
  StvaError err = { 0 };

  /* ... TRST section, then "ZZZZ" with 5 bytes, then the crc */
  g_autofree uint8_t *more = g_malloc (n + 17);
  memcpy (more, b, n - 4);
  put_u32_at (more, section - 4, 2);
  memcpy (more + n - 4, "ZZZZ", 4);
  put_u64_at (more, n, 5);
  memcpy (more + n + 8, "hello", 5);
  fix_crc (more, n + 17);
  g_assert_cmpint (stva_modelfile_read_buffer (more, n + 17, &r, &err), ==, STVA_OK);
  g_assert_nonnull (r.state);
  g_assert_cmpuint (r.state->steps, ==, 14);
  stva_modelfile_free (&r);

  /* ... TRST section twice */
  g_autofree uint8_t *twice = g_malloc (n + 12 + size);
  memcpy (twice, b, n - 4);
  put_u32_at (twice, section - 4, 2);
  memcpy (twice + n - 4, b + section, 12 + size);
  fix_crc (twice, n + 12 + size);
  g_assert_cmpint (stva_modelfile_read_buffer (twice, n + 12 + size, &r, &err), ==,
                   STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "section 1: a second training state"));

  /* an unprintable tag is named in hex */
  memcpy (more + n - 4, "\x01\xff\x02Z", 4);
  put_u64_at (more, n, 10);
  fix_crc (more, n + 17);
  g_assert_cmpint (stva_modelfile_read_buffer (more, n + 17, &r, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "section 1 '01ff025a': size 10, 9 bytes left"));
}

static void
test_state_bad_write (void)
{
  Sample s;
  StvaError err = { 0 };
  uint8_t *buf = NULL;
  size_t n;

  sample_init_state (&s);
  s.state.n_floats = 18;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (err.message, "training state: 18 floats, the tensors hold 19"));
  sample_init_state (&s);
  s.m2[2] = -1;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_NUMERIC);
  g_assert_nonnull (strstr (err.message, "training state: second moment element 2 is -1"));
  sample_init_state (&s);
  s.m1[0] = NAN;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_NUMERIC);
  sample_init_state (&s);
  s.state.weights = NULL;   /* mid-epoch needs the last step's weights */
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  sample_init_state (&s);
  s.state.epochs_since_best = 9;
  g_assert_cmpint (stva_modelfile_to_buffer (&s.mf, &buf, &n, &err), ==, STVA_ERR_INVALID);
  g_assert_null (buf);
}

/* tests/model/modelfile-writer.py --train-state writes the section from the header comment's
 * layout on its own; the C reader reads what it meant */
static void
test_state_python (void)
{
  const char *python = g_getenv ("STVA_PYTHON");
  if (python == NULL || !g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no python (STVA_PYTHON)");
      return;
    }
  g_autofree char *writer = g_test_build_filename (G_TEST_DIST, "modelfile-writer.py", NULL);
  g_autofree char *dir = g_dir_make_tmp ("stva-modelfile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "py.stvm", NULL);
  const char *argv[] = { python, writer, path, "--train-state", NULL };
  int wait = 0;
  g_autoptr (GError) gerr = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &wait, &gerr));
  g_assert_true (g_spawn_check_wait_status (wait, NULL));
  StvaModelFile r;
  StvaError err = { 0 };
  if (stva_modelfile_read (path, &r, &err) != STVA_OK)
    g_error ("%s", err.message);
  g_assert_cmpuint (r.version, ==, 2);
  g_assert_nonnull (r.state);
  g_assert_cmpuint (r.state->epochs_done, ==, 3);
  g_assert_cmpuint (r.state->batches_done, ==, 1);
  g_assert_cmpuint (r.state->best_epoch, ==, 2);
  g_assert_cmpuint (r.state->epochs_since_best, ==, 1);
  g_assert_cmpuint (r.state->steps, ==, 7);
  g_assert_cmpfloat (r.state->lr, ==, 1e-3);
  g_assert_true (isnan (r.state->best_dev_weighted_f1));
  g_assert_cmpuint (r.state->n_floats, ==, 41);
  g_assert_cmpfloat (r.state->m1[40], ==, (float) (0.01 * 40));
  g_assert_cmpfloat (r.state->m2[40], ==, (float) (0.001 * 40));
  g_assert_cmpfloat (r.state->weights[40], ==, 41.0f);
  stva_modelfile_free (&r);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/modelfile/round-trip", test_round_trip);
  g_test_add_func ("/model/modelfile/layout", test_layout);
  g_test_add_func ("/model/modelfile/truncation", test_truncation);
  g_test_add_func ("/model/modelfile/bit-flips", test_bit_flips);
  g_test_add_func ("/model/modelfile/newer-version", test_newer_version);
  g_test_add_func ("/model/modelfile/lying-counts", test_lying_counts);
  g_test_add_func ("/model/modelfile/nan", test_nan);
  g_test_add_func ("/model/modelfile/bad-write", test_bad_write);
  g_test_add_func ("/model/modelfile/not-a-file", test_not_a_file);
  g_test_add_func ("/model/modelfile/state/round-trip", test_state_round_trip);
  g_test_add_func ("/model/modelfile/state/layout", test_state_layout);
  g_test_add_func ("/model/modelfile/state/truncation", test_state_truncation);
  g_test_add_func ("/model/modelfile/state/bit-flips", test_state_bit_flips);
  g_test_add_func ("/model/modelfile/state/doctored", test_state_doctored);
  g_test_add_func ("/model/modelfile/state/sections", test_state_sections);
  g_test_add_func ("/model/modelfile/state/bad-write", test_state_bad_write);
  g_test_add_func ("/model/modelfile/state/python", test_state_python);
  return g_test_run ();
}
