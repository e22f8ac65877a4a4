/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Status codes and the error buffer every core function reports through.  core/ never prints
 * or exits: it returns a StvaStatus and, when the caller passed a StvaError, fills its message.
 * The numbers are stable (scripts and stored rows keep them): never renumber, only append.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

typedef enum
{
  STVA_OK = 0,
  STVA_ERR_INVALID = 1,   /* a caller broke an API contract or gave inconsistent sizes */
  STVA_ERR_NOMEM = 2,     /* an allocation failed or a size would overflow */
  STVA_ERR_IO = 3,        /* open/read/write/rename failed (errno text in the message) */
  STVA_ERR_FORMAT = 4,    /* a file is malformed: truncated, bad magic, bad checksum, bad field */
  STVA_ERR_VERSION = 5,   /* a file is from a newer (or unknown) format version */
  STVA_ERR_MEDIA = 6,     /* FFmpeg could not demux or decode, or a stream is missing */
  STVA_ERR_CANCELLED = 7, /* a progress callback asked to stop */
  STVA_ERR_UNSUPPORTED = 8, /* valid input this build cannot handle */
  STVA_ERR_NUMERIC = 9,   /* NaN/Inf in inputs or a computation that diverged */
  STVA_ERR_EXTERNAL = 10, /* a library we call (espeak-ng, BLAS, ...) failed */
} StvaStatus;

#define STVA_ERROR_MESSAGE_MAX 256

typedef struct
{
  StvaStatus code;
  char       message[STVA_ERROR_MESSAGE_MAX];
} StvaError;

/* Sets code and a printf-style message when error is not NULL; returns code, so a caller can
 * write `return stva_error_set (error, STVA_ERR_IO, "%s: %s", path, strerror (errno));`. */
StvaStatus stva_error_set (StvaError *error, StvaStatus code, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prefixes an already-set message with more context ("train.csv: " + message). */
StvaStatus stva_error_prefix (StvaError *error, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Resets error to STVA_OK with an empty message; NULL is allowed. */
void stva_error_clear (StvaError *error);

/* A short stable name for a code ("format", "io", ...), for logs and JSON. */
const char *stva_status_name (StvaStatus code);
