/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model file (model.md §9): a self-describing, versioned, checksummed container of a
 * config (text key/value pairs), the label set, the feature names and normalisation of each
 * modality, and named float32 tensors.  It knows nothing of the network: stva-model reads its
 * parameters out of it by name.  (style.md calls this file stva-model-file.h; it is
 * stva-modelfile.h, as the task that made it named it.)
 *
 * Byte layout, format versions 1 and 2.  Everything is little-endian; u32/u64 unsigned
 * integers, f32 IEEE-754 binary32, f64 binary64; str = u32 byte length L, then L bytes of UTF-8
 * without a terminating NUL (a NUL inside is refused; L <= STVA_MODELFILE_MAX_STR).
 *
 *   offset  field
 *   0       magic        4 bytes "STVA"
 *   4       version      u32, 1 or 2 (STVA_MODELFILE_VERSION); a larger one is STVA_ERR_VERSION
 *   8       header_size  u32, bytes from offset 0 to the config section: 12 in versions 1
 *                        and 2.
 *                        A reader skips header bytes it does not know (future fields go here).
 *   header_size:
 *   config   n_config u32, then n_config × (key str, value str); keys non-empty and unique
 *   labels   K u32, then K × str; names non-empty and unique
 *   features for m = T, A, V (in that order):
 *              F_m u32 (0 = modality absent)
 *              flags u32: bit 0 = feature names follow, bit 1 = normalisation follows,
 *                         other bits must be 0 (both bits must be 0 when F_m = 0)
 *              [bit 0] F_m × str                     feature names
 *              [bit 1] F_m × f32 mean, F_m × f32 std  per-dimension normalisation, std >= 0
 *   tensors  n_tensors u32, then per tensor:
 *              name str (non-empty, unique)
 *              ndim u32 (0..4; 0 = a scalar of one element)
 *              ndim × u64 shape (each <= 2^31)
 *              zero bytes up to the next file offset that is a multiple of 64
 *              prod(shape) × f32 data (so the data of every tensor is 64-byte aligned in the
 *              file, and a reader may map it)
 *   sections (version 2 only) n_sections u32, then per section:
 *              tag 4 bytes, then size u64: the bytes of the body that follow (at most what is
 *              left before the crc).  A reader skips the body of a tag it does not know; a tag
 *              it knows appears at most once and its body is exactly size bytes.
 *   crc      u32: CRC-32 (zlib's crc32 (), the zip/PNG polynomial) of every byte before it;
 *            the file ends here (trailing bytes are refused).
 *
 * Version 2 (this build) adds the sections; a file without any is written as version 1, byte
 * for byte what earlier builds wrote, so a reader of version 1 still reads every model that has
 * no training state.  The one section so far:
 *   "TRST"   the training state (stva-train.h: what a training needs to continue exactly):
 *              flags u32: bit 0 = weights follow; other bits must be 0.  Bit 0 is set exactly
 *                when best_epoch != epochs_done or batches_done != 0 (the tensors then hold
 *                the best epoch's weights, not the last step's)
 *              epochs_done u32, batches_done u32, best_epoch u32, epochs_since_best u32
 *                (each below 2^31; best_epoch and epochs_since_best at most epochs_done)
 *              steps u64 (AdamW steps taken, below 2^53)
 *              loss_sum f64, weight_sum f64  the unfinished epoch's weighted loss (finite, >= 0)
 *              lr f64, grad_norm f64         the last step's (finite, >= 0)
 *              train_loss f64                the last finished epoch's (finite)
 *              best_dev_weighted_f1 f64      0 .. 1, or NaN when training had no validation
 *              n_floats u64                  = Σ prod(shape) over the tensor table
 *              zero bytes up to the next file offset that is a multiple of 64
 *              m1 n_floats × f32             AdamW's first moment, tensor by tensor in the
 *                                            order of the tensor table (finite)
 *              m2 n_floats × f32             the second moment, likewise (finite, >= 0)
 *              [bit 0] weights n_floats × f32  the last step's parameters, likewise (finite)
 *
 * Reading goes field by field through a bounds-checked cursor: a declared count or size is
 * checked against the bytes that remain before anything is allocated, so a hostile file can't
 * make the reader allocate more than a small multiple of its own size.  The error names the
 * file and the first thing wrong ("model.stva: tensor 3 'proj.T.w': shape 256x1024 needs
 * 1048576 bytes, 12 left").  Checks run in file order; the CRC is compared last, so a truncated
 * file is reported by the field it cuts, and a file whose fields parse but whose bytes changed
 * gets "checksum mismatch" (STVA_ERR_FORMAT).
 *
 * NaN and Inf are refused, in tensors, mean/std and the training state's blocks, by the writer
 * (STVA_ERR_NUMERIC) and by the reader (STVA_ERR_FORMAT, naming the tensor and element): a
 * model with a non-finite parameter only ever predicts NaN, so such a file is a bug or
 * corruption, never a model.
 *
 * Writing goes to "<path>.tmp", which is then renamed over path, so a crash never leaves a
 * half-written model under the real name.  Functions here keep no state; any thread may call
 * them on separate structs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

#define STVA_MODELFILE_MAGIC     "STVA"
#define STVA_MODELFILE_VERSION   2u               /* the newest this build reads */
#define STVA_MODELFILE_ALIGN     64               /* tensor data alignment in the file */
#define STVA_MODELFILE_MAX_STR   (1u << 20)       /* longest string field, bytes */
#define STVA_MODELFILE_MAX_DIM   ((int64_t) 1 << 31)

typedef struct
{
  char    *name;       /* owned */
  int      ndim;       /* 0..4 */
  int64_t  shape[4];   /* the first ndim are used */
  float   *data;       /* owned; prod(shape) floats, row-major */
} StvaNamedTensor;

typedef struct
{
  char *key;           /* owned */
  char *value;         /* owned */
} StvaKV;              /* config as text key/value pairs */

/* The "TRST" section (fields as in the layout above); the blocks are in tensor-table order. */
typedef struct
{
  uint32_t  epochs_done, batches_done, best_epoch, epochs_since_best;
  uint64_t  steps;
  double    loss_sum, weight_sum, lr, grad_norm, train_loss, best_dev_weighted_f1;
  uint64_t  n_floats;
  float    *m1;        /* (n_floats) owned */
  float    *m2;        /* (n_floats) owned */
  float    *weights;   /* (n_floats) owned, or NULL (flags bit 0 clear) */
} StvaModelFileState;

typedef struct
{
  uint32_t          version;            /* as read; the writer writes 2 with a training state,
                                         * else 1 */
  int               n_config;
  StvaKV           *config;             /* (n_config) owned */
  int               K;
  char            **labels;             /* (K) owned */
  int               F[3];               /* feature width per modality (StvaModality order) */
  char            **feature_names[3];   /* (F[m]) owned, or NULL */
  float            *mean[3];            /* (F[m]) owned, or NULL (then std[m] is NULL too) */
  float            *std[3];             /* (F[m]) owned, or NULL */
  int               n_tensors;
  StvaNamedTensor  *tensors;            /* (n_tensors) owned */
  StvaModelFileState *state;            /* owned, or NULL: no training-state section */
} StvaModelFile;

/* Writes mf to "<path>.tmp" and renames it to path.  Checks mf first (STVA_ERR_INVALID for empty
 * or duplicate names, mean without std, a bad ndim or shape, a state whose counts break the
 * layout's rules; STVA_ERR_NUMERIC for NaN/Inf). */
StvaStatus stva_modelfile_write (const char *path, const StvaModelFile *mf, StvaError *error);

/* Reads path into out (overwritten; free it with stva_modelfile_free ()).  On failure out is left
 * empty (freed and zeroed) and error says what is wrong, prefixed by path. */
StvaStatus stva_modelfile_read (const char *path, StvaModelFile *out, StvaError *error);

/* The same from memory (buf, n bytes); messages are prefixed "<buffer>". */
StvaStatus stva_modelfile_read_buffer (const uint8_t *buf, size_t n, StvaModelFile *out,
                                       StvaError *error);

/* Serialises mf into a malloc'd buffer (*out_buf, *out_n bytes): exactly the bytes
 * stva_modelfile_write () puts in the file.  Same checks as the writer. */
StvaStatus stva_modelfile_to_buffer (const StvaModelFile *mf, uint8_t **out_buf, size_t *out_n,
                                     StvaError *error);

/* Frees everything mf owns and zeroes it; NULL and zeroed structs are fine. */
void stva_modelfile_free (StvaModelFile *mf);
/* Frees what a state section owns and the struct itself (as the reader allocates it); NULL is
 * fine. */
void stva_modelfile_state_free (StvaModelFileState *state);

/* The tensor named name, or NULL. */
const StvaNamedTensor *stva_modelfile_find (const StvaModelFile *mf, const char *name);

/* The config value of key, or NULL. */
const char *stva_modelfile_config_get (const StvaModelFile *mf, const char *key);

/* Elements of t: prod(shape) (1 for ndim 0). */
int64_t stva_named_tensor_numel (const StvaNamedTensor *t);
