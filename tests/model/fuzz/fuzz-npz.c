/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the npz reader.  The first input byte picks a mode: bit 0 set parses the
 * rest as one .npy file (its header parser is the part a mutation reaches most easily, since zip
 * entries carry CRCs); clear reads it as an archive and, when that works, builds and validates
 * the dataset.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "stva-npz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;
  size_t n = size - 1;
  uint8_t *buf = malloc (n ? n : 1);
  memcpy (buf, data + 1, n);
  StvaError err = { 0 };
  if (data[0] & 1)
    {
      StvaNpyArray a;
      if (stva_npy_parse (buf, n, &a, &err) == STVA_OK)
        for (int64_t i = 0; i < a.numel && a.dtype != STVA_NPY_STR; i++)
          (void) stva_npy_get_f64 (&a, i);
      else
        assert (err.message[0] != '\0');
      stva_npy_array_clear (&a);
    }
  else
    {
      StvaNpz npz;
      if (stva_npz_read_buffer (buf, n, "fuzz.npz", &npz, &err) == STVA_OK)
        {
          StvaDataset *ds = NULL;
          if (stva_npz_to_dataset (&npz, "fuzz.npz", &ds, &err) == STVA_OK)
            {
              (void) stva_dataset_validate (ds, 0, &err);
              stva_dataset_free (ds);
            }
          else
            assert (ds == NULL && err.message[0] != '\0');
        }
      else
        assert (npz.arrays == NULL && err.message[0] != '\0');
      stva_npz_free (&npz);
    }
  free (buf);
  return 0;
}
