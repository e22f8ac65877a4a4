/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The error buffer behind every core call (see stva-error.h).
 */
#include <stdio.h>
#include <string.h>

#include "stva-error.h"

StvaStatus
stva_error_set (StvaError  *error,
                StvaStatus  code,
                const char *format,
                ...)
{
  if (error == NULL)
    return code;
  error->code = code;
  va_list ap;
  va_start (ap, format);
  vsnprintf (error->message, sizeof error->message, format, ap);
  va_end (ap);
  return code;
}

StvaStatus
stva_error_prefix (StvaError  *error,
                   const char *format,
                   ...)
{
  if (error == NULL)
    return STVA_ERR_INVALID;
  char prefix[STVA_ERROR_MESSAGE_MAX];
  char old[STVA_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start (ap, format);
  vsnprintf (prefix, sizeof prefix, format, ap);
  va_end (ap);
  memcpy (old, error->message, sizeof old);
  /* Truncation is fine here: the message buffer is a fixed 256 bytes by design. */
  size_t n_prefix = strnlen (prefix, sizeof error->message - 1);
  memcpy (error->message, prefix, n_prefix);
  size_t room = sizeof error->message - 1 - n_prefix;
  size_t n_old = strnlen (old, room);
  memcpy (error->message + n_prefix, old, n_old);
  error->message[n_prefix + n_old] = '\0';
  return error->code;
}

void
stva_error_clear (StvaError *error)
{
  if (error == NULL)
    return;
  error->code = STVA_OK;
  error->message[0] = '\0';
}

const char *
stva_status_name (StvaStatus code)
{
  switch (code)
    {
    case STVA_OK: return "ok";
    case STVA_ERR_INVALID: return "invalid";
    case STVA_ERR_NOMEM: return "nomem";
    case STVA_ERR_IO: return "io";
    case STVA_ERR_FORMAT: return "format";
    case STVA_ERR_VERSION: return "version";
    case STVA_ERR_MEDIA: return "media";
    case STVA_ERR_CANCELLED: return "cancelled";
    case STVA_ERR_UNSUPPORTED: return "unsupported";
    case STVA_ERR_NUMERIC: return "numeric";
    case STVA_ERR_EXTERNAL: return "external";
    default: return "unknown";
    }
}
