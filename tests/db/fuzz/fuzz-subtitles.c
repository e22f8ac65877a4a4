/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: SRT/WebVTT parsing, and writing back what was read.
 */
#include <stdint.h>

#include "stva-subtitles.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  GPtrArray *cues = stva_subtitles_parse ("fuzz", (const char *) data, size, NULL, &error);
  if (cues != NULL)
    {
      GString *out = g_string_new (NULL);
      for (guint i = 0; i < cues->len; i++)
        {
          const StvaSubtitleCue *c = g_ptr_array_index (cues, i);
          stva_subtitles_write_cue (out, i % 2 ? STVA_SUBTITLES_VTT : STVA_SUBTITLES_SRT, i + 1,
                                    c->start_ms, c->end_ms, c->speaker, c->text);
        }
      g_string_free (out, TRUE);
      g_ptr_array_unref (cues);
    }
  g_clear_error (&error);
  return 0;
}
