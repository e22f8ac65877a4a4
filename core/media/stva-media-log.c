/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FFmpeg log level (see stva-media-log.h).
 */
#include <libavutil/log.h>

#include "stva-media-log.h"

void
stva_media_log_errors_only (void)
{
  av_log_set_level (AV_LOG_ERROR);
}
