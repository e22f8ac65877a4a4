/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FFmpeg's own log goes to stderr at INFO by default (encoder statistics, muxer notes).  The
 * executables call this once at start so that only FFmpeg's errors reach the user; every
 * failure that matters is reported through StvaError anyway.
 */
#pragma once

void stva_media_log_errors_only (void);
