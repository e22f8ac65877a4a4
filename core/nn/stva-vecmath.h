/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to core/nn: glibc's vector math (libmvec) AVX2 functions, called by name, and the
 * run-time test for the CPU features they need.  STVA_VECMATH is defined when the build linked
 * libmvec (core/meson.build) on x86-64 with GCC or clang; otherwise callers keep to libm.
 * Users: stva-activation.c (GELU, sigmoid, tanh), stva-softmax.c (exp of a row).
 */
#pragma once

#if defined(STVA_HAVE_LIBMVEC) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STVA_VECMATH 1
#include <immintrin.h>
#include <stdbool.h>

/* the x86_64 vector function ABI names of erff, expf, tanhf on eight floats (AVX2) */
__m256 _ZGVdN8v_erff (__m256 x);
__m256 _ZGVdN8v_expf (__m256 x);
__m256 _ZGVdN8v_tanhf (__m256 x);

static inline bool
stva_vecmath_ok (void)
{
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
}
#endif
