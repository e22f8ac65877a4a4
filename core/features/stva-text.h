/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `text-v1`: a built-in text encoder for conversational English that needs no download.
 *
 * Normalisation: the text is decoded as UTF-8, bytes that are not valid UTF-8 read as
 * Windows-1252 (Latin-1 subtitle files); UTF-8 that was mis-decoded as Windows-1252 and
 * re-encoded ("donâ€™t", "cafÃ©") is repaired; subtitle tags ("<i>", "</font>", "{\an8}") are
 * dropped and HTML entities (&amp; &#39; ...) decoded; curly quotes and apostrophes, primes and
 * accents become ' and ", dashes a space, "…" three dots; letters are lowercased (ASCII and
 * Latin-1).
 *
 * Tokens (stva_text_tokenize): words with inner apostrophes, elisions expanded ("don't" →
 * do not, "I'm" → i am, "gonna" → going to, "dunno" → do not know, "goin'" → going, common
 * forms without the apostrophe such as "dont"), "!" and "?" (one per run), "...", emoticons
 * as <emo+> / <emo-> and emoji as themselves.
 *
 * Features: word unigrams (key "w:" + token), word bigrams ("b:" + t1 + " " + t2) and character
 * 3–5-grams of each word padded as "<word>" ("c:" + gram; n-grams never split a UTF-8
 * character).  Per family, weight = (1 + ln tf) · idf with idf = ln ((1 + N) / (1 + df)) + 1,
 * N and df counted on the training split by stva_text_encoder_fit (all idf are 1 before a fit);
 * each family is scaled to unit L2 norm and weighted (words 1, bigrams 0.6, characters 0.8).
 * Feature hashing: h = FNV-1a 64 of the key's bytes, m = MurmurHash3's fmix64 (h); the feature
 * adds sign · weight to bucket m mod hash_dim, sign + when bit 63 of m is 0, − otherwise; the
 * idf of the key lives in slot (m >> 32) mod 2^18 of a document-frequency table.  The hashed
 * part is L2-normalised (all zeros for a text without tokens).
 *
 * Cue features follow the hashed part, STVA_TEXT_N_CUES of them, named "cue_*"
 * (stva_text_cue_name); counts enter as ln (1 + count).
 *
 * Vector: hash_dim + STVA_TEXT_N_CUES floats, always finite.  An encoder is immutable after
 * fit, so one fitted encoder may encode from several threads at once.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-feature-info.h"

#define STVA_TEXT_EXTRACTOR        "text-v1"
#define STVA_TEXT_HASH_DIM_DEFAULT 1024
#define STVA_TEXT_N_CUES           16
#define STVA_TEXT_IDF_BITS         18      /* 2^18 document-frequency slots */
#define STVA_TEXT_MAX_BYTES        65536   /* longer texts are cut (at a character boundary) */

typedef struct StvaTextEncoder StvaTextEncoder;

typedef struct
{
  char   *buf;       /* owned: the tokens, each NUL-terminated, one after the other */
  size_t  n_bytes;
  size_t  cap_bytes;
  size_t *offsets;   /* owned (n): where token i starts in buf */
  size_t  n;
  size_t  cap;
} StvaTextTokens;

/* The extractor's name and version, "text-v1". */
const char *stva_text_version (void);

/* Token lists: init before use, clear to free (clear leaves an empty, reusable list). */
void        stva_text_tokens_init (StvaTextTokens *tokens);
void        stva_text_tokens_clear (StvaTextTokens *tokens);
const char *stva_text_token (const StvaTextTokens *tokens, size_t i);

/* Normalises text (NUL-terminated; NULL is the empty text) and splits it into tokens
 * (replacing what tokens held).  STVA_ERR_NOMEM when allocation fails. */
StvaStatus stva_text_tokenize (const char     *text,
                               StvaTextTokens *tokens,
                               StvaError      *error);

/* FNV-1a 64 of n bytes, and MurmurHash3's 64-bit finaliser, as the hashing above uses them. */
uint64_t stva_text_fnv1a (const void *bytes, size_t n);
uint64_t stva_text_fmix64 (uint64_t h);

/* Name ("cue_exclaim", ...) and unit of cue k, NULL when k >= STVA_TEXT_N_CUES. */
const char *stva_text_cue_name (size_t k);
const char *stva_text_cue_unit (size_t k);

/* A new encoder hashing into hash_dim buckets (0 means STVA_TEXT_HASH_DIM_DEFAULT; at most
 * 2^20).  NULL when out of memory or hash_dim is too large. */
StvaTextEncoder *stva_text_encoder_new (size_t hash_dim);
void             stva_text_encoder_free (StvaTextEncoder *enc);

/* Output dimension (hash_dim + STVA_TEXT_N_CUES) and the name and unit of dimension i: hashed
 * buckets are "text_h0000".. with unit "1", cues as stva_text_cue_name.  NULL out of range. */
size_t      stva_text_encoder_dim (const StvaTextEncoder *enc);
const char *stva_text_encoder_dim_name (const StvaTextEncoder *enc, size_t i);
const char *stva_text_encoder_dim_unit (const StvaTextEncoder *enc, size_t i);

/* Fits the IDF on n training texts (replacing an earlier fit).  NULL texts count as empty. */
StvaStatus stva_text_encoder_fit (StvaTextEncoder   *enc,
                                  const char *const *texts,
                                  size_t             n,
                                  StvaError         *error);

/* The IDF the encoder gives feature key ("w:the", "b:i am", "c:<th"). */
float stva_text_encoder_idf (const StvaTextEncoder *enc, const char *key);

/* Encodes text into out (stva_text_encoder_dim (enc) floats). */
StvaStatus stva_text_encode (const StvaTextEncoder *enc,
                             const char            *text,
                             float                 *out,
                             StvaError             *error);

/* The fitted state (hash_dim, the number of training texts, every document frequency) as 64
 * bits, the same for the same training texts in any order: two encoders with one fingerprint
 * encode alike.  The fit id is "fit-" and its 16 hex digits; projects record it with each text
 * vector (synctva extract --project). */
#define STVA_TEXT_FIT_ID_LEN 24
uint64_t stva_text_encoder_fingerprint (const StvaTextEncoder *enc);
void     stva_text_encoder_fit_id      (const StvaTextEncoder *enc,
                                        char                   id[STVA_TEXT_FIT_ID_LEN]);

/* Serialises the encoder: *bytes (malloc'ed, owned by the caller) and its length.  Layout, all
 * little-endian: "STXT", u32 version (1), u32 hash_dim, u32 idf_bits, u32 n_docs, u32 n_slots,
 * n_slots × (u32 slot, u32 df) in increasing slot order, u32 CRC-32 (zlib) of all before it. */
StvaStatus stva_text_encoder_save (const StvaTextEncoder *enc,
                                   uint8_t              **bytes,
                                   size_t                *n_bytes,
                                   StvaError             *error);

/* Reads what stva_text_encoder_save wrote; STVA_ERR_FORMAT names what is wrong (truncated, bad
 * magic, bad checksum, slot out of range), STVA_ERR_VERSION a newer version. */
StvaStatus stva_text_encoder_load (StvaTextEncoder **out,
                                   const uint8_t    *bytes,
                                   size_t            n_bytes,
                                   StvaError        *error);
