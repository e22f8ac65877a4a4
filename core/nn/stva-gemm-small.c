/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * y = x·wᵀ + b for few rows (see stva-gemm-small.h).
 *
 * Why not cblas_sgemm: with a handful of rows, OpenBLAS spends as long copying w into its panel
 * format as it does multiplying (measured: 25-45 GFLOP/s at 10-20 rows against 67 at 320 on
 * this machine class), and it does that copy on every call.  Here w is read in place, once:
 * the outer loop walks w four output rows at a time (16 KB at most for n_in = 1024, so they stay
 * in L1 while every x row passes them), the inner loop takes x two rows at a time, and each of
 * the 2 × 4 dot products is an AVX2 FMA accumulator over n_in, summed horizontally at the end.
 * The vector path is compiled for AVX2+FMA only inside this file and chosen at run time; other
 * CPUs use the portable loop, which is also the reference the test compares against.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "stva-gemm-small.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_PATH 1
#include <immintrin.h>
#endif

/* the portable loop, for outputs o0 .. n_out: one dot product per output, accumulated in float
 * in k order */
static void
xwt_portable (float       *y,
              size_t       ldy,
              const float *x,
              const float *w,
              const float *b,
              size_t       T,
              size_t       n_in,
              size_t       n_out,
              size_t       o0)
{
  for (size_t t = 0; t < T; t++)
    for (size_t o = o0; o < n_out; o++)
      {
        const float *xr = x + t * n_in, *wr = w + o * n_in;
        float acc = 0.0f;
        for (size_t k = 0; k < n_in; k++)
          acc += xr[k] * wr[k];
        y[t * ldy + o] = (b != NULL ? b[o] : 0.0f) + acc;
      }
}

#ifdef HAVE_AVX2_PATH

/* the four lane sums of a, b, c, d as one 4-float vector */
__attribute__ ((target ("avx2,fma"))) static inline __m128
hsum4 (__m256 a,
       __m256 b,
       __m256 c,
       __m256 d)
{
  __m256 ab = _mm256_hadd_ps (a, b);    /* a01 a23 b01 b23 | a45 a67 b45 b67 */
  __m256 cd = _mm256_hadd_ps (c, d);
  __m256 abcd = _mm256_hadd_ps (ab, cd);   /* a0123 b0123 c0123 d0123 | the 4567 halves */
  return _mm_add_ps (_mm256_castps256_ps128 (abcd), _mm256_extractf128_ps (abcd, 1));
}

/* Keeps a loaded vector in its register: without this GCC folds the four w loads into the
 * FMAs as memory operands, which loads each w vector twice (once per x row) and leaves the loop
 * bound by loads at about half the FMA rate (measured: 33 before, 56 GFLOP/s with it, 10 rows x
 * 256 x 256, w in L2). */
#define KEEP_IN_REGISTER(v) __asm__ ("" : "+x" (v))

/* How far ahead, in blocks of four w rows, the kernel fetches w into cache.  The fetches of one
 * block are spread over all the passes of the block before it (one pass per pair of x rows), so
 * they do not bunch up in its first pass; with weights streaming from memory this took the
 * kernel from 20-30 to 45-50 GFLOP/s (10 rows, 64 weights of 256 x 256, one thread, where a
 * distance of 1 or 2 blocks measured alike and 8 worse; in the one-dialogue forward on two
 * threads 1 to 12 measured alike). */
#define PREFETCH_BLOCKS 2

/* rows t0 (and t0 + 1 when two) against outputs o0 .. o0 + 3.  pf, when not NULL, is the first
 * w row of a block ahead, whose 64-byte lines with index ≡ pass (mod n_pass) are fetched now */
__attribute__ ((target ("avx2,fma"))) static void
block (float       *y,
       size_t       ldy,
       const float *x,
       const float *w,
       const float *b,
       size_t       t0,
       bool         two,
       size_t       o0,
       size_t       n_in,
       const float *pf,
       size_t       pass,
       size_t       n_pass)
{
  const float *x0 = x + t0 * n_in, *x1 = two ? x0 + n_in : x0;
  const float *w0 = w + o0 * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
  __m256 a00 = _mm256_setzero_ps (), a01 = a00, a02 = a00, a03 = a00;
  __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  size_t k = 0, k_pf = pf != NULL ? 16 * pass : SIZE_MAX;
  for (; k + 8 <= n_in; k += 8)
    {
      if (k == k_pf)
        {
          for (size_t j = 0; j < 4; j++)
            _mm_prefetch ((const char *) (pf + j * n_in + k), _MM_HINT_T0);
          k_pf += 16 * n_pass;
        }
      __m256 v0 = _mm256_loadu_ps (w0 + k), v1 = _mm256_loadu_ps (w1 + k);
      __m256 v2 = _mm256_loadu_ps (w2 + k), v3 = _mm256_loadu_ps (w3 + k);
      KEEP_IN_REGISTER (v0);
      KEEP_IN_REGISTER (v1);
      KEEP_IN_REGISTER (v2);
      KEEP_IN_REGISTER (v3);
      __m256 u = _mm256_loadu_ps (x0 + k);
      a00 = _mm256_fmadd_ps (u, v0, a00);
      a01 = _mm256_fmadd_ps (u, v1, a01);
      a02 = _mm256_fmadd_ps (u, v2, a02);
      a03 = _mm256_fmadd_ps (u, v3, a03);
      u = _mm256_loadu_ps (x1 + k);
      a10 = _mm256_fmadd_ps (u, v0, a10);
      a11 = _mm256_fmadd_ps (u, v1, a11);
      a12 = _mm256_fmadd_ps (u, v2, a12);
      a13 = _mm256_fmadd_ps (u, v3, a13);
    }
  float s0[4], s1[4];
  _mm_storeu_ps (s0, hsum4 (a00, a01, a02, a03));
  _mm_storeu_ps (s1, hsum4 (a10, a11, a12, a13));
  for (; k < n_in; k++)   /* the tail of n_in % 8 */
    for (size_t j = 0; j < 4; j++)
      {
        s0[j] += x0[k] * w0[j * n_in + k];
        s1[j] += x1[k] * w0[j * n_in + k];
      }
  for (size_t j = 0; j < 4; j++)
    {
      float bias = b != NULL ? b[o0 + j] : 0.0f;
      y[t0 * ldy + o0 + j] = bias + s0[j];
      if (two)
        y[(t0 + 1) * ldy + o0 + j] = bias + s1[j];
    }
}

__attribute__ ((target ("avx2,fma"))) static void
xwt_avx2 (float       *y,
          size_t       ldy,
          const float *x,
          const float *w,
          const float *b,
          size_t       T,
          size_t       n_in,
          size_t       n_out)
{
  size_t o = 0, n_pass = (T + 1) / 2;
  for (; o + 4 <= n_out; o += 4)
    {
      size_t ahead = o + 4 * PREFETCH_BLOCKS;
      const float *pf = ahead + 4 <= n_out ? w + ahead * n_in : NULL;
      for (size_t t = 0; t < T; t += 2)
        block (y, ldy, x, w, b, t, t + 1 < T, o, n_in, pf, t / 2, n_pass);
    }
  xwt_portable (y, ldy, x, w, b, T, n_in, n_out, o);   /* the last n_out % 4 outputs */
}

#endif

bool
stva_gemm_small_fast (void)
{
#ifdef HAVE_AVX2_PATH
  /* GCC and clang initialise the CPU model before main, so this is two loads and tests */
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
#else
  return false;
#endif
}

void
stva_gemm_small_xwt (float       *y,
                     size_t       ldy,
                     const float *x,
                     const float *w,
                     const float *b,
                     size_t       T,
                     size_t       n_in,
                     size_t       n_out,
                     bool         portable)
{
  assert (y != NULL && x != NULL && w != NULL && ldy >= n_out);
#ifdef HAVE_AVX2_PATH
  if (!portable && stva_gemm_small_fast ())
    {
      xwt_avx2 (y, ldy, x, w, b, T, n_in, n_out);
      return;
    }
#endif
  xwt_portable (y, ldy, x, w, b, T, n_in, n_out, 0);
}
