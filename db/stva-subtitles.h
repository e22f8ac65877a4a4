/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading and writing SubRip (.srt) and WebVTT (.vtt) subtitles as utterances: each cue is one
 * utterance with its times and text; the speaker comes from a WebVTT voice tag (<v Name>) or a
 * "Name:" prefix when present.  Errors name the file, the line and the problem.
 */
#pragma once

#include <glib.h>

#include "stva-db-error.h"

G_BEGIN_DECLS

typedef struct
{
  guint   line;       /* where the cue's timing line is */
  gint64  start_ms;
  gint64  end_ms;
  char   *speaker;    /* owned, nullable: no speaker given */
  char   *text;       /* owned, UTF-8, lines joined with '\n', tags removed */
} StvaSubtitleCue;

typedef enum
{
  STVA_SUBTITLES_SRT = 0,
  STVA_SUBTITLES_VTT = 1,
} StvaSubtitleFormat;

/* Parses "HH:MM:SS,mmm" (SRT) or "[HH:]MM:SS.mmm" (WebVTT) into milliseconds. */
gboolean   stva_subtitles_parse_time (const char *text, gsize n, gint64 *ms);

/* Reads cues from data (n bytes; the format from a leading "WEBVTT" line, else SRT).  path
 * names the source in errors.  Returns an array of StvaSubtitleCue* (transfer full) in file
 * order, or NULL with error set. */
GPtrArray *stva_subtitles_parse      (const char *path, const char *data, gsize n,
                                      StvaSubtitleFormat *format, GError **error);
/* Reads a file with stva_subtitles_parse (). */
GPtrArray *stva_subtitles_read       (const char *path, StvaSubtitleFormat *format,
                                      GError **error);

/* Appends one cue in the format (index is SRT's 1-based counter); the speaker becomes a
 * "Name: " prefix (SRT) or a voice tag (WebVTT). */
void       stva_subtitles_write_cue  (GString *out, StvaSubtitleFormat format, guint index,
                                      gint64 start_ms, gint64 end_ms, const char *speaker,
                                      const char *text);

G_END_DECLS
