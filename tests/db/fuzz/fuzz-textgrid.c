/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: TextGrid parsing (long, short, UTF-16), and writing back what was read.
 */
#include <stdint.h>

#include "stva-textgrid.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  StvaTextGrid *tg = stva_textgrid_parse ("fuzz", (const char *) data, size, &error);
  if (tg != NULL)
    {
      GString *out = g_string_new (NULL);
      stva_textgrid_write (out, tg);
      g_string_free (out, TRUE);
      stva_textgrid_free (tg);
    }
  g_clear_error (&error);
  return 0;
}
