/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NumPy .npz files: a zip archive of .npy arrays (what np.savez and np.savez_compressed write),
 * read and written with zlib.  Two levels:
 *   - arrays: stva_npz_read () loads every .npy of an archive (stored or deflated entries, found
 *     through the zip central directory; zip64 archives, encryption and other compression
 *     methods are refused by name) and stva_npz_writer_* writes one that np.load () reads.
 *   - datasets: the project's dataset layout below, to and from a StvaDataset.
 *
 * .npy versions 1.0, 2.0 and 3.0 are read; fortran_order must be False.  dtypes read:
 *   '<f4' '<f8' '<i4' '<i8' '|u1' '|b1' and '<U{n}' (fixed-width UTF-32LE strings, converted to
 *   UTF-8 C strings; trailing NULs are padding, as numpy treats them).  '|i1', '<i2' and '<u2'
 *   are read too ('|' or '<' byte order; '>' is refused).  Writers write the same set.
 *
 * The dataset layout (N utterances in D dialogues, in dialogue order; K classes, S speakers):
 *   labels           <U (K,)        class names, in index order                      required
 *   speakers         <U (S,)        speaker names                                     required
 *   dialogue_ids     <U (D,)        dialogue ids                                      required
 *   dialogue_split   int (D,)       0 train, 1 dev, 2 test, 3 none                    required
 *   dialogue_offset  int (D+1,)     dialogue d is utterances [off[d], off[d+1]);
 *                                   off[0] = 0, non-decreasing, off[D] = N            required
 *   utt_ids          <U (N,)        the corpus's utterance ids                        optional
 *   speaker          int (N,)       index into speakers                               required
 *   label            int (N,)       class index, or -1 = no label                     required
 *   x_T, x_A, x_V    float (N, F_m) features, '<f4' or '<f8' (stored as float32);
 *                                   an absent array = an absent modality (F_m = 0)    optional
 *   mask_T, mask_A, mask_V  bool or uint8 (N,), 1 = present; absent = all present     optional
 *   feature_names_T, _A, _V <U (F_m,)                                                  optional
 * "int" is any of the integer dtypes above.  Other arrays in the archive are ignored.  Rows of
 * a missing modality (mask 0) are set to 0 on reading, whatever the file holds there (so NaN
 * placeholders for missing features are fine); present rows are kept as they are and checked by
 * stva_dataset_validate (), which the reader does not call.  The writer writes every required
 * array, utt_ids when the dataset has them, and x_m, mask_m ('|b1') and feature_names_m for each
 * modality with F_m > 0; ints as '<i4', dialogue_offset as '<i8', strings as '<U{longest}'.
 *
 * Nothing here keeps state: any thread may use separate readers and writers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stva-dataset.h"
#include "stva-error.h"

#define STVA_NPY_MAX_DIM 8

typedef enum
{
  STVA_NPY_F4 = 0,   /* '<f4' float */
  STVA_NPY_F8,       /* '<f8' double */
  STVA_NPY_I1,       /* '|i1' int8_t */
  STVA_NPY_I2,       /* '<i2' int16_t */
  STVA_NPY_I4,       /* '<i4' int32_t */
  STVA_NPY_I8,       /* '<i8' int64_t */
  STVA_NPY_U1,       /* '|u1' uint8_t */
  STVA_NPY_U2,       /* '<u2' uint16_t */
  STVA_NPY_B1,       /* '|b1' bool, one byte 0 or 1 */
  STVA_NPY_STR,      /* '<U{n}': data is char *[numel], UTF-8, each owned */
} StvaNpyType;

typedef struct
{
  char       *name;                     /* owned; the entry name without ".npy" */
  StvaNpyType dtype;
  int         ndim;                     /* 0..STVA_NPY_MAX_DIM */
  int64_t     shape[STVA_NPY_MAX_DIM];
  int64_t     numel;                    /* prod(shape), 1 for ndim 0 */
  void       *data;                     /* owned; numel values in host byte order, row-major
                                         * (char ** for STVA_NPY_STR) */
} StvaNpyArray;

typedef struct
{
  int           n_arrays;
  StvaNpyArray *arrays;                 /* (n_arrays) owned, in archive order */
} StvaNpz;

/* dtype as numpy spells it ("<f4", "<U" for strings) */
const char *stva_npy_type_name (StvaNpyType t);
/* bytes per element in memory (sizeof (char *) for strings) */
size_t      stva_npy_type_size (StvaNpyType t);
bool        stva_npy_type_is_int (StvaNpyType t);     /* integer or bool */
bool        stva_npy_type_is_float (StvaNpyType t);

/* Reads every array of the archive at path into out (overwritten; free with stva_npz_free ()).
 * Entries not ending in ".npy" are refused.  Errors name the file, entry and problem. */
StvaStatus stva_npz_read (const char *path, StvaNpz *out, StvaError *error);
/* The same from memory; what names the source in messages (NULL: "<buffer>"). */
StvaStatus stva_npz_read_buffer (const uint8_t *buf, size_t n, const char *what, StvaNpz *out,
                                 StvaError *error);
/* Parses one .npy file image (header and data). */
StvaStatus stva_npy_parse (const uint8_t *buf, size_t n, StvaNpyArray *out, StvaError *error);
void       stva_npz_free (StvaNpz *npz);
void       stva_npy_array_clear (StvaNpyArray *a);
/* The array called name (without ".npy"), or NULL. */
const StvaNpyArray *stva_npz_find (const StvaNpz *npz, const char *name);

/* Element i of a numeric array as double / int64 (bool reads as 0/1; floats truncate). */
double  stva_npy_get_f64 (const StvaNpyArray *a, int64_t i);
int64_t stva_npy_get_i64 (const StvaNpyArray *a, int64_t i);

/* Writer: entries go to "<path>.tmp" as they are added; close writes the central directory and
 * renames to path.  compress: deflate (np.savez_compressed) at zlib level 1, as float features
 * hardly compress at any level (random float32: 93% at level 1, 93% at numpy's level 6), or
 * store (np.savez). */
typedef struct StvaNpzWriter StvaNpzWriter;

StvaStatus stva_npz_writer_open  (const char *path, bool compress, StvaNpzWriter **out,
                                  StvaError *error);
/* data: numel values of dtype in host order (not STVA_NPY_STR); name without ".npy". */
StvaStatus stva_npz_writer_add   (StvaNpzWriter *w, const char *name, StvaNpyType dtype, int ndim,
                                  const int64_t *shape, const void *data, StvaError *error);
/* A 1-D '<U{n}' array of n_strings UTF-8 strings (invalid UTF-8 is STVA_ERR_INVALID). */
StvaStatus stva_npz_writer_add_strings (StvaNpzWriter *w, const char *name,
                                        const char *const *strings, int64_t n_strings,
                                        StvaError *error);
/* Finishes and renames; frees w in every case. */
StvaStatus stva_npz_writer_close (StvaNpzWriter *w, StvaError *error);
/* Drops the temporary file and frees w; NULL is fine. */
void       stva_npz_writer_abort (StvaNpzWriter *w);

/* Reads the dataset layout above from path into a new dataset (*out, free with
 * stva_dataset_free ()).  Every inconsistency is STVA_ERR_FORMAT naming the file, the array and
 * what is wrong ("data.npz: dialogue_offset[3] = 7 is below dialogue_offset[2] = 9"). */
StvaStatus stva_npz_read_dataset  (const char *path, StvaDataset **out, StvaError *error);
/* The same from an already read archive; what names it in messages. */
StvaStatus stva_npz_to_dataset    (const StvaNpz *npz, const char *what, StvaDataset **out,
                                   StvaError *error);
/* Writes ds in the layout above, deflated (np.savez_compressed).  ds must hold its own
 * invariants (sizes, NULLs) but is not validated (NaN features are written as they are). */
StvaStatus stva_npz_write_dataset      (const char *path, const StvaDataset *ds, StvaError *error);
/* The same, stored (np.savez) when !compress. */
StvaStatus stva_npz_write_dataset_full (const char *path, const StvaDataset *ds, bool compress,
                                        StvaError *error);
