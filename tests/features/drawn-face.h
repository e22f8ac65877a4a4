/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn demo faces for the visual feature tests: a character with an expression drawn at a
 * given size, as packed RGB or as Cairo RGB24 words (a clip frame), how many characters a
 * test goes through, and a clock to time them.
 */
#pragma once

#include <stdint.h>

#include "stva-demo-face.h"

/* dlib's detector runs ~20-70x slower under AddressSanitizer: sanitizer builds check every
 * code path on fewer characters, so that the test takes minutes, not an hour */
#if defined(__SANITIZE_ADDRESS__)
#define N_CHARACTERS 2
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define N_CHARACTERS 2
#endif
#endif
#ifndef N_CHARACTERS
#define N_CHARACTERS STVA_DEMO_N_FACES
#endif

/* Character `preset` showing expr, drawn at width x height as packed RGB: rgb holds
 * width * height * 3 bytes. */
void   drawn_face_rgb   (uint8_t *rgb, int preset, const StvaDemoExpr *expr, int width,
                         int height);

/* The same into px, width * height Cairo RGB24 words (0x00RRGGBB), rows width * 4 bytes
 * apart, as on a new surface: what px held before does not show. */
void   drawn_face_words (uint32_t *px, int preset, const StvaDemoExpr *expr, int width,
                         int height);

/* Seconds on the monotonic clock. */
double drawn_now_s      (void);
