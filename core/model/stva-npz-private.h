/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the .npz reader (stva-npz.c) and writer (stva-npz-write.c) share: the zip signatures,
 * little-endian stores, byte order, CRC-32 and the .npy element sizes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "stva-npz.h"

#define ZIP_LOCAL_SIG   0x04034b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_EOCD_SIG    0x06054b50u
#define ZIP64_LOC_SIG   0x07064b50u
#define ZIP_MAX_NAME    4096
#define DEFLATE_MAX_RATIO 1032u    /* deflate can't expand data by more than this */
#define NPY_MAX_UNICODE (1 << 20)  /* longest '<U{n}' accepted */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

static inline void
put16 (uint8_t *p,
       uint32_t v)
{
  p[0] = (uint8_t) v;
  p[1] = (uint8_t) (v >> 8);
}

static inline void
put32 (uint8_t *p,
       uint32_t v)
{
  put16 (p, v);
  put16 (p + 2, v >> 16);
}

static inline void
swap_bytes (void  *data,
            size_t n,
            size_t size)
{
  if (!HOST_BIG_ENDIAN || size < 2)
    return;
  uint8_t *p = data;
  for (size_t i = 0; i < n; i++, p += size)
    for (size_t a = 0, b = size - 1; a < b; a++, b--)
      {
        uint8_t t = p[a];
        p[a] = p[b];
        p[b] = t;
      }
}

static inline uLong
crc_of (const uint8_t *p,
        size_t         n)
{
  uLong crc = crc32 (0L, Z_NULL, 0);
  while (n > 0)
    {
      uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt) n;
      crc = crc32 (crc, p, chunk);
      p += chunk;
      n -= chunk;
    }
  return crc;
}

/* Bytes per element of t in a .npy file (4 per character for strings). */
size_t  _stva_npy_item_size (StvaNpyType t);
/* Decodes the next code point of s (NUL-terminated) and moves s past it; -1 on invalid UTF-8. */
int64_t _stva_utf8_next     (const uint8_t **s);
