/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the model file reader.  The first input byte picks a mode: bit 0 set
 * rewrites the trailing CRC-32 to match, so mutated files get past the checksum and exercise
 * every field parser (with the CRC kept, nearly every mutation stops at the checksum).  A file
 * that reads must serialise and read back to the same bytes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stva-modelfile.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;
  size_t n = size - 1;
  uint8_t *buf = malloc (n ? n : 1);      /* own block, so ASan sees reads past n */
  memcpy (buf, data + 1, n);
  if ((data[0] & 1) && n >= 4)
    {
      uint32_t crc = (uint32_t) crc32 (crc32 (0L, Z_NULL, 0), buf, (uInt) (n - 4));
      for (int i = 0; i < 4; i++)
        buf[n - 4 + i] = (uint8_t) (crc >> (8 * i));
    }
  StvaModelFile mf;
  StvaError err = { 0 };
  StvaStatus st = stva_modelfile_read_buffer (buf, n, &mf, &err);
  if (st != STVA_OK)
    assert (err.message[0] != '\0' && mf.tensors == NULL && mf.n_tensors == 0);
  else
    {
      uint8_t *again = NULL;
      size_t n_again = 0;
      assert (stva_modelfile_to_buffer (&mf, &again, &n_again, &err) == STVA_OK);
      StvaModelFile mf2;
      assert (stva_modelfile_read_buffer (again, n_again, &mf2, &err) == STVA_OK);
      uint8_t *third = NULL;
      size_t n_third = 0;
      assert (stva_modelfile_to_buffer (&mf2, &third, &n_third, &err) == STVA_OK);
      assert (n_third == n_again && memcmp (third, again, n_again) == 0);
      free (third);
      free (again);
      stva_modelfile_free (&mf2);
    }
  stva_modelfile_free (&mf);
  free (buf);
  return 0;
}
