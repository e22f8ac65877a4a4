/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading a whole file into memory, for the loaders that parse from a buffer (model files,
 * npz).  Only regular files: a directory, a FIFO or a device gets an error that says so, rather
 * than a size nobody can allocate.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"

/* *out = the bytes of path (malloc'd, one zero byte after the last so text parsers may stop
 * on it; the caller frees), *n = their count.  Errors name the path: "x.stvm: Is a directory",
 * "x.npz: not a regular file", "x.npz: read failed: ...", "x.npz: changed size while read". */
StvaStatus stva_file_read_all (const char *path, uint8_t **out, size_t *n, StvaError *error);
