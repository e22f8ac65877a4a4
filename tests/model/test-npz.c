/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The npz reader and writer: C -> C round trips (stored and deflated), C-written files read by
 * numpy and numpy-written files (np.savez, np.savez_compressed, .npy versions 2 and 3, float64
 * features, int64 labels, uint8 masks, NaN in missing rows) read by C, through npz-helper.py
 * run with $STVA_PYTHON (Debian's python3 with numpy; the numpy parts are skipped, saying so,
 * when it has no numpy).  Then malformed input: cuts at every byte, a bad CRC, zip64, Fortran
 * order, big-endian and complex dtypes, inconsistent offsets and row counts, every dataset-level
 * check of the reader, NaN features left to stva_dataset_validate ().
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "stva-npz.h"
#include "data-fixture.h"

static char *tmp_dir;
static char *numpy_dir;     /* numpy-written files, NULL when numpy is missing */
static char *numpy_missing; /* why */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static const char *
python (void)
{
  const char *p = g_getenv ("STVA_PYTHON");
  return p ? p : "/usr/bin/python3";
}

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "npz-helper.py", NULL);
}

/* Runs npz-helper.py CMD ARG; returns its exit status (77 = numpy missing). */
static int
run_helper (const char *cmd,
            const char *arg,
            char      **output)
{
  g_autofree char *helper = helper_path ();
  const char *argv[] = { python (), helper, cmd, arg, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    {
      *output = g_strdup_printf ("cannot run %s: %s", python (), error->message);
      return 77;
    }
  *output = g_strconcat (out, err, NULL);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

/* ---- C -> C ---------------------------------------------------------------------------------- */

static void
round_trip (bool compress,
            bool utt_ids)
{
  StvaDataset *ds = fixture_dataset_new (utt_ids);
  g_autofree char *path = tmp_path (compress ? "rt-deflate.npz" : "rt-stored.npz");
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  StvaError err = { 0 };
  StvaDataset *back = NULL;

  if (stva_npz_write_dataset_full (path, ds, compress, &err) != STVA_OK)
    g_error ("write: %s", err.message);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  if (stva_npz_read_dataset (path, &back, &err) != STVA_OK)
    g_error ("read: %s", err.message);
  fixture_assert_equal (ds, back);
  g_assert_nonnull (back->dialogues[0].mask[STVA_MOD_V]);   /* absent modality: masks exist... */
  g_assert_cmpint (back->dialogues[0].mask[STVA_MOD_V][2], ==, 0);   /* ...and are 0 */
  g_assert_null (back->dialogues[0].x[STVA_MOD_V]);
  g_assert_cmpint (stva_dataset_validate (back, 0, &err), ==, STVA_OK);
  stva_dataset_free (back);
  stva_dataset_free (ds);
}

static void
test_round_trip (void)
{
  round_trip (false, true);
  round_trip (true, true);
  round_trip (true, false);
}

/* A larger random dataset: 40 dialogues of 1 to 33 utterances, random masks (each utterance keeps
 * at least one modality), widths 17/5/9, feature names on A only. */
static StvaDataset *
random_dataset (guint32 seed)
{
  GRand *rng = g_rand_new_with_seed (seed);
  StvaDataset *ds = stva_dataset_new ();
  const int F[3] = { 17, 5, 9 };
  ds->K = 7;
  ds->labels = malloc (7 * sizeof (char *));
  for (int k = 0; k < 7; k++)
    ds->labels[k] = g_strdup_printf ("class%d", k);
  ds->n_speakers = 9;
  ds->speakers = malloc (9 * sizeof (char *));
  for (int k = 0; k < 9; k++)
    ds->speakers[k] = g_strdup_printf ("speaker %d", k);
  memcpy (ds->F, F, sizeof F);
  ds->feature_names[STVA_MOD_A] = malloc (5 * sizeof (char *));
  for (int f = 0; f < 5; f++)
    ds->feature_names[STVA_MOD_A][f] = g_strdup_printf ("a%d", f);
  ds->n_dialogues = 40;
  ds->dialogues = calloc (40, sizeof (StvaDialogue));
  for (int d = 0; d < 40; d++)
    {
      StvaDialogue *dia = &ds->dialogues[d];
      int T = g_rand_int_range (rng, 1, 34);
      dia->id = g_strdup_printf ("d%03d", d);
      dia->split = g_rand_int_range (rng, 0, 3);
      dia->T = T;
      dia->speaker = malloc ((size_t) T * sizeof (int));
      dia->label = malloc ((size_t) T * sizeof (int));
      for (int m = 0; m < 3; m++)
        {
          dia->x[m] = calloc ((size_t) T * (size_t) F[m], sizeof (float));
          dia->mask[m] = calloc ((size_t) T, 1);
        }
      for (int t = 0; t < T; t++)
        {
          dia->speaker[t] = g_rand_int_range (rng, 0, 9);
          dia->label[t] = g_rand_int_range (rng, -1, 7);
          int keep = g_rand_int_range (rng, 1, 8);      /* a non-empty subset of T, A, V */
          for (int m = 0; m < 3; m++)
            {
              dia->mask[m][t] = (keep >> m) & 1;
              for (int f = 0; dia->mask[m][t] && f < F[m]; f++)
                dia->x[m][t * F[m] + f] = (float) g_rand_double_range (rng, -1e3, 1e3);
            }
        }
    }
  g_rand_free (rng);
  return ds;
}

static void
test_random_round_trip (void)
{
  for (guint32 seed = 1; seed <= 3; seed++)
    for (int compress = 0; compress < 2; compress++)
      {
        StvaDataset *ds = random_dataset (seed);
        g_autofree char *path = tmp_path ("random.npz");
        StvaDataset *back = NULL;
        StvaError err = { 0 };
        g_assert_cmpint (stva_dataset_validate (ds, 33, &err), ==, STVA_OK);
        g_assert_cmpint (stva_npz_write_dataset_full (path, ds, compress, &err), ==, STVA_OK);
        if (stva_npz_read_dataset (path, &back, &err) != STVA_OK)
          g_error ("seed %u: %s", seed, err.message);
        fixture_assert_equal (ds, back);
        g_assert_cmpint (stva_dataset_validate (back, 33, &err), ==, STVA_OK);
        stva_dataset_free (back);
        stva_dataset_free (ds);
      }
}

static void
test_arrays (void)
{
  g_autofree char *path = tmp_path ("arrays.npz");
  StvaNpzWriter *w;
  StvaError err = { 0 };
  const int64_t shape[3] = { 2, 3, 4 };
  double d[24];
  int16_t s[2] = { -300, 7 };
  for (int i = 0; i < 24; i++)
    d[i] = i * 0.5 - 3;
  const char *strs[] = { "", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80 x" };

  g_assert_cmpint (stva_npz_writer_open (path, true, &w, &err), ==, STVA_OK);
  g_assert_cmpint (stva_npz_writer_add (w, "d", STVA_NPY_F8, 3, shape, d, &err), ==, STVA_OK);
  g_assert_cmpint (stva_npz_writer_add (w, "s", STVA_NPY_I2, 1, shape, s, &err), ==, STVA_OK);
  g_assert_cmpint (stva_npz_writer_add (w, "scalar", STVA_NPY_F8, 0, NULL, d + 5, &err), ==,
                   STVA_OK);
  g_assert_cmpint (stva_npz_writer_add_strings (w, "u", strs, 3, &err), ==, STVA_OK);
  g_assert_cmpint (stva_npz_writer_add (w, "s", STVA_NPY_I2, 1, shape, s, &err), ==,
                   STVA_ERR_INVALID);                   /* twice */
  const char *bad[] = { "\xff" };
  g_assert_cmpint (stva_npz_writer_add_strings (w, "bad", bad, 1, &err), ==, STVA_ERR_INVALID);
  g_assert_cmpint (stva_npz_writer_close (w, &err), ==, STVA_OK);

  StvaNpz npz;
  g_assert_cmpint (stva_npz_read (path, &npz, &err), ==, STVA_OK);
  g_assert_cmpint (npz.n_arrays, ==, 4);
  const StvaNpyArray *a = stva_npz_find (&npz, "d");
  g_assert_cmpint (a->dtype, ==, STVA_NPY_F8);
  g_assert_cmpint (a->ndim, ==, 3);
  g_assert_cmpint (a->shape[2], ==, 4);
  g_assert_cmpint (a->numel, ==, 24);
  g_assert_cmpmem (a->data, sizeof d, d, sizeof d);
  a = stva_npz_find (&npz, "s");
  g_assert_cmpint (stva_npy_get_i64 (a, 0), ==, -300);
  a = stva_npz_find (&npz, "scalar");
  g_assert_cmpint (a->ndim, ==, 0);
  g_assert_cmpfloat (stva_npy_get_f64 (a, 0), ==, -0.5);
  a = stva_npz_find (&npz, "u");
  g_assert_cmpint (a->dtype, ==, STVA_NPY_STR);
  for (int i = 0; i < 3; i++)
    g_assert_cmpstr (((char **) a->data)[i], ==, strs[i]);
  g_assert_null (stva_npz_find (&npz, "bad"));
  stva_npz_free (&npz);

  /* an unwritable place is an I/O error naming the temporary file; abort leaves nothing */
  g_assert_cmpint (stva_npz_writer_open ("/nonexistent-dir/x.npz", false, &w, &err), ==,
                   STVA_ERR_IO);
  g_assert_nonnull (strstr (err.message, "/nonexistent-dir/x.npz.tmp"));
  g_assert_null (w);
  g_autofree char *aborted = tmp_path ("aborted.npz");
  g_autofree char *aborted_tmp = g_strconcat (aborted, ".tmp", NULL);
  g_assert_cmpint (stva_npz_writer_open (aborted, false, &w, &err), ==, STVA_OK);
  g_assert_true (g_file_test (aborted_tmp, G_FILE_TEST_EXISTS));
  stva_npz_writer_abort (w);
  g_assert_false (g_file_test (aborted_tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (aborted, G_FILE_TEST_EXISTS));
  StvaDataset *ds = fixture_dataset_new (false);
  g_assert_cmpint (stva_npz_write_dataset ("/nonexistent-dir/x.npz", ds, &err), ==, STVA_ERR_IO);
  stva_dataset_free (ds);
}

/* ---- numpy ----------------------------------------------------------------------------------- */

static bool
need_numpy (void)
{
  if (numpy_dir)
    return true;
  g_test_skip (numpy_missing);
  return false;
}

static void
test_numpy_reads_c (void)
{
  if (!need_numpy ())
    return;
  for (int compress = 0; compress < 2; compress++)
    {
      StvaDataset *ds = fixture_dataset_new (true);
      g_autofree char *path = tmp_path (compress ? "c-deflate.npz" : "c-stored.npz");
      StvaError err = { 0 };
      g_assert_cmpint (stva_npz_write_dataset_full (path, ds, compress, &err), ==, STVA_OK);
      stva_dataset_free (ds);
      g_autofree char *out = NULL;
      int rc = run_helper ("check", path, &out);
      if (rc != 0)
        g_error ("numpy check of %s failed (%d): %s", path, rc, out);
      g_test_message ("%s", out);
    }
}

static void
test_c_reads_numpy (void)
{
  if (!need_numpy ())
    return;
  const char *files[] = { "savez.npz", "compressed.npz", "versions.npz" };
  StvaDataset *want = fixture_dataset_new (true);
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (numpy_dir, files[i], NULL);
      StvaDataset *ds = NULL;
      StvaError err = { 0 };
      if (stva_npz_read_dataset (path, &ds, &err) != STVA_OK)
        g_error ("%s", err.message);
      fixture_assert_equal (want, ds);   /* savez.npz: NaN in the missing row became 0 */
      g_assert_cmpint (stva_dataset_validate (ds, 0, &err), ==, STVA_OK);
      stva_dataset_free (ds);
    }
  stva_dataset_free (want);

  g_autofree char *path = g_build_filename (numpy_dir, "versions.npz", NULL);
  StvaNpz npz;
  g_assert_cmpint (stva_npz_read (path, &npz, NULL), ==, STVA_OK);
  g_assert_cmpint (stva_npz_find (&npz, "labels")->dtype, ==, STVA_NPY_STR);
  stva_npz_free (&npz);
}

static void
expect_numpy_error (const char *file,
                    StvaStatus  want,
                    const char *text)
{
  g_autofree char *path = g_build_filename (numpy_dir, file, NULL);
  StvaDataset *ds = NULL;
  StvaError err = { 0 };
  StvaStatus st = stva_npz_read_dataset (path, &ds, &err);
  if (st != want || strstr (err.message, text) == NULL || strstr (err.message, file) == NULL)
    g_error ("%s: want %d '%s', got %d '%s'", file, want, text, st, err.message);
  g_assert_null (ds);
}

static void
test_numpy_malformed (void)
{
  if (!need_numpy ())
    return;
  expect_numpy_error ("fortran.npz", STVA_ERR_UNSUPPORTED, "array 'x_T': fortran_order is True");
  expect_numpy_error ("bigendian.npz", STVA_ERR_UNSUPPORTED, "big-endian dtype '>f4'");
  expect_numpy_error ("complex.npz", STVA_ERR_UNSUPPORTED, "array 'label': dtype '<c8'");
  expect_numpy_error ("offsets.npz", STVA_ERR_FORMAT,
                      "dialogue_offset[2] = 2 is below dialogue_offset[1] = 3");
  expect_numpy_error ("rows.npz", STVA_ERR_FORMAT, "array 'x_A' has 5 rows, not 6");
}

/* ---- malformed archives ---------------------------------------------------------------------- */

static uint8_t *
fixture_bytes (bool    compress,
               size_t *n)
{
  StvaDataset *ds = fixture_dataset_new (true);
  g_autofree char *path = tmp_path ("bytes.npz");
  g_assert_cmpint (stva_npz_write_dataset_full (path, ds, compress, NULL), ==, STVA_OK);
  stva_dataset_free (ds);
  char *buf;
  gsize len;
  g_assert_true (g_file_get_contents (path, &buf, &len, NULL));
  *n = len;
  return (uint8_t *) buf;
}

static void
test_truncation (void)
{
  for (int compress = 0; compress < 2; compress++)
    {
      size_t n;
      g_autofree uint8_t *full = fixture_bytes (compress, &n);
      for (size_t k = 0; k < n; k++)
        {
          uint8_t *cut = g_memdup2 (full, k ? k : 1);   /* own block: ASan sees overreads */
          StvaNpz npz;
          StvaError err = { 0 };
          StvaStatus st = stva_npz_read_buffer (cut, k, "cut.npz", &npz, &err);
          if (st == STVA_OK)
            g_error ("cut at %zu of %zu read as valid", k, n);
          g_assert_null (npz.arrays);
          g_free (cut);
        }
    }
}

static void
test_bad_zip (void)
{
  size_t n;
  g_autofree uint8_t *b = fixture_bytes (false, &n);
  StvaNpz npz;
  StvaError err = { 0 };

  /* one flipped byte of the first array's data: its CRC no longer matches */
  uint8_t *flipped = g_memdup2 (b, n);
  flipped[30 + strlen ("labels.npy") + 70] ^= 0x40;
  g_assert_cmpint (stva_npz_read_buffer (flipped, n, "f.npz", &npz, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "f.npz: entry 'labels.npy': CRC-32 mismatch"));
  g_free (flipped);

  /* a zip64 end record (central directory offset 0xffffffff) is refused by name */
  uint8_t *z64 = g_memdup2 (b, n);
  memset (z64 + n - 22 + 16, 0xff, 4);
  g_assert_cmpint (stva_npz_read_buffer (z64, n, "z.npz", &npz, &err), ==, STVA_ERR_UNSUPPORTED);
  g_assert_nonnull (strstr (err.message, "zip64"));
  g_free (z64);

  /* not a zip at all */
  g_assert_cmpint (stva_npz_read_buffer ((const uint8_t *) "hello, world, this is text", 26,
                                         "t.npz", &npz, &err), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "not a zip archive"));
  g_assert_cmpint (stva_npz_read ("/nonexistent.npz", &npz, &err), ==, STVA_ERR_IO);
  g_autofree char *dir = g_dir_make_tmp ("stva-npz-XXXXXX", NULL);
  g_assert_cmpint (stva_npz_read (dir, &npz, &err), ==, STVA_ERR_IO);   /* not "out of memory" */
  g_assert_nonnull (strstr (err.message, "Is a directory"));
  g_assert_cmpint (stva_npz_read ("/dev/null", &npz, &err), ==, STVA_ERR_IO);
  g_assert_nonnull (strstr (err.message, "/dev/null: not a regular file"));
  g_rmdir (dir);

  /* a .npy whose header promises more data than there is */
  const char npy[] = "\x93NUMPY\x01\x00\x3d\x00{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (4,), }   \n\x00\x00\x80\x3f";
  StvaNpyArray a;
  g_assert_cmpint (stva_npy_parse ((const uint8_t *) npy, sizeof npy - 1, &a, &err), ==,
                   STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "4 elements of 4 bytes need 16 bytes, 4 left"));
  stva_npy_array_clear (&a);

  /* zero-width strings would let a lying shape size an allocation: refused */
  const char u0[] = "\x93NUMPY\x01\x00\x46\x00{'descr': '<U0', 'fortran_order': False, "
                    "'shape': (1000000000000,), }\n";
  g_assert_cmpint (stva_npy_parse ((const uint8_t *) u0, sizeof u0 - 1, &a, &err), ==,
                   STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (err.message, "strings of width 0"));
  stva_npy_array_clear (&a);
}

/* ---- dataset-level checks: arrays changed in memory after a good read ------------------------ */

typedef void (*Breaker) (StvaNpz *npz);

static StvaNpyArray *
arr (StvaNpz    *npz,
     const char *name)
{
  return (StvaNpyArray *) stva_npz_find (npz, name);
}

static void b_split (StvaNpz *z) { ((int32_t *) arr (z, "dialogue_split")->data)[1] = 4; }
static void b_speaker (StvaNpz *z) { ((int32_t *) arr (z, "speaker")->data)[4] = 3; }
static void b_label (StvaNpz *z) { ((int32_t *) arr (z, "label")->data)[5] = -2; }
static void b_off0 (StvaNpz *z) { ((int64_t *) arr (z, "dialogue_offset")->data)[0] = 1; }
static void b_offN (StvaNpz *z) { ((int64_t *) arr (z, "dialogue_offset")->data)[3] = 5; }
static void b_mask (StvaNpz *z) { ((uint8_t *) arr (z, "mask_A")->data)[2] = 2; }
static void
b_labels_type (StvaNpz *z)
{
  arr (z, "labels")->name[0] = 'X';           /* and the int array 'label' takes its name */
  StvaNpyArray *a = arr (z, "label");
  free (a->name);
  a->name = strdup ("labels");
}
static void b_missing (StvaNpz *z) { arr (z, "speakers")->name[0] = 'X'; }
static void b_mask_only (StvaNpz *z) { arr (z, "x_A")->name[0] = 'X'; }
static void
b_dup (StvaNpz *z)
{
  char **ids = arr (z, "dialogue_ids")->data;
  ids[2][3] = '0';                            /* "dia2" -> "dia0" */
}
static void
b_rank (StvaNpz *z)
{
  StvaNpyArray *a = arr (z, "x_T");
  a->ndim = 1;
  a->shape[0] = 18;
}

static void
expect_dataset_error (Breaker     breaker,
                      const char *text)
{
  size_t n;
  g_autofree uint8_t *b = fixture_bytes (true, &n);
  StvaNpz npz;
  StvaDataset *ds = NULL;
  StvaError err = { 0 };
  g_assert_cmpint (stva_npz_read_buffer (b, n, "d.npz", &npz, &err), ==, STVA_OK);
  breaker (&npz);
  StvaStatus st = stva_npz_to_dataset (&npz, "d.npz", &ds, &err);
  if (st != STVA_ERR_FORMAT || strstr (err.message, text) == NULL
      || strncmp (err.message, "d.npz: ", 7) != 0)
    g_error ("want '%s', got %d '%s'", text, st, err.message);
  g_assert_null (ds);
  stva_npz_free (&npz);
}

static void
test_dataset_checks (void)
{
  expect_dataset_error (b_split, "dialogue_split[1] = 4 is outside the splits [0, 4)");
  expect_dataset_error (b_speaker, "speaker[4] = 3 is outside the speakers [0, 3)");
  expect_dataset_error (b_label, "label[5] = -2 is outside the labels (or -1) [-1, 3)");
  expect_dataset_error (b_off0, "dialogue_offset[0] = 1, not 0");
  expect_dataset_error (b_offN, "dialogue_offset[3] = 5, but there are 6 utterances");
  expect_dataset_error (b_mask, "mask_A[2] = 2 (0 or 1)");
  expect_dataset_error (b_labels_type, "array 'labels' is <i4, not strings (<U)");
  expect_dataset_error (b_missing, "array 'speakers' is missing");
  expect_dataset_error (b_mask_only, "'mask_A' without 'x_A'");
  expect_dataset_error (b_dup, "'dia0' appears twice");
  expect_dataset_error (b_rank, "array 'x_T' has 1 dimensions, not 2");
}

static void
test_nan_features (void)
{
  StvaDataset *ds = fixture_dataset_new (false);
  g_autofree char *path = tmp_path ("nan.npz");
  StvaError err = { 0 };
  ds->dialogues[1].x[STVA_MOD_T][4] = NAN;            /* present row: validate's job */
  ds->dialogues[0].x[STVA_MOD_A][2] = INFINITY;       /* missing row: zeroed on reading */
  g_assert_cmpint (stva_npz_write_dataset (path, ds, &err), ==, STVA_OK);
  stva_dataset_free (ds);
  g_assert_cmpint (stva_npz_read_dataset (path, &ds, &err), ==, STVA_OK);
  g_assert_cmpfloat (ds->dialogues[0].x[STVA_MOD_A][2], ==, 0);
  g_assert_cmpint (stva_dataset_validate (ds, 0, &err), ==, STVA_ERR_NUMERIC);
  g_assert_nonnull (strstr (err.message, "dialogue 'dia1', utterance 1: text feature 1 is nan"));
  stva_dataset_free (ds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("stva-npz-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_autofree char *dir = tmp_path ("numpy");
  g_mkdir (dir, 0700);
  g_autofree char *out = NULL;
  int rc = run_helper ("write", dir, &out);
  if (rc == 0)
    numpy_dir = g_strdup (dir);
  else if (rc == 77)
    numpy_missing = g_strdup_printf ("numpy parts skipped: %s", g_strstrip (out));
  else
    g_error ("npz-helper.py write failed (%d): %s", rc, out);

  g_test_add_func ("/model/npz/round-trip", test_round_trip);
  g_test_add_func ("/model/npz/random-round-trip", test_random_round_trip);
  g_test_add_func ("/model/npz/arrays", test_arrays);
  g_test_add_func ("/model/npz/numpy-reads-c", test_numpy_reads_c);
  g_test_add_func ("/model/npz/c-reads-numpy", test_c_reads_numpy);
  g_test_add_func ("/model/npz/numpy-malformed", test_numpy_malformed);
  g_test_add_func ("/model/npz/truncation", test_truncation);
  g_test_add_func ("/model/npz/bad-zip", test_bad_zip);
  g_test_add_func ("/model/npz/dataset-checks", test_dataset_checks);
  g_test_add_func ("/model/npz/nan-features", test_nan_features);
  int status = g_test_run ();

  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp_dir);
  g_free (numpy_dir);
  g_free (numpy_missing);
  g_free (tmp_dir);
  return status;
}
