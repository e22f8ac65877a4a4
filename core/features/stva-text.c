/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `text-v1` encoder (see stva-text.h): features of a token list counted in a small
 * per-call hash table keyed by the 64-bit feature hash, TF-IDF weighted per family, signed-
 * hashed into hash_dim buckets and L2-normalised, then the cue features; fitting counts
 * document frequencies into 2^18 slots; save and load write them as a checksummed byte buffer.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stva-text-private.h"

#define IDF_SLOTS      (1u << STVA_TEXT_IDF_BITS)
#define MAX_HASH_DIM   (1u << 20)
#define FORMAT_VERSION 1u
#define HEADER_BYTES   24
#define NAME_CHARS     16
#define MAX_NGRAM_WORD 256     /* longer words (URLs, noise) get no character n-grams */

enum { FAM_WORD, FAM_BIGRAM, FAM_CHAR, N_FAMILIES };
static const float family_weight[N_FAMILIES] = { 1.0f, 0.6f, 0.8f };

struct StvaTextEncoder
{
  size_t    hash_dim;
  uint32_t  n_docs;
  uint32_t *df;           /* owned (IDF_SLOTS) */
  char     *name_block;   /* owned (hash_dim · NAME_CHARS): "text_h0000", ... */
};

typedef struct
{
  uint64_t key;      /* fmix64 (FNV-1a (feature)); 0 marks an empty slot */
  uint32_t count;
  uint8_t  family;
} Entry;

typedef struct
{
  Entry  *entries;   /* owned (cap), cap a power of two */
  size_t  cap;
  size_t  used;
} FeatureTable;

typedef enum
{
  CUE_EXCLAIM, CUE_QUESTION, CUE_ELLIPSIS, CUE_REPEAT, CUE_ELONGATED, CUE_INTENSITY,
  CUE_NEGATION, CUE_INTERJECTION, CUE_EMO_POS, CUE_EMO_NEG, CUE_ALLCAPS, CUE_LAUGHTER,
  CUE_FIRST_PERSON, CUE_SECOND_PERSON, CUE_WORDS, CUE_EMPTY,
} Cue;
_Static_assert (CUE_EMPTY + 1 == STVA_TEXT_N_CUES, "cue table out of step with the header");

static const StvaFeatureDim cue_dims[STVA_TEXT_N_CUES] = {
  { "cue_exclaim", "ln(1+count)" },        /* '!' */
  { "cue_question", "ln(1+count)" },       /* '?' */
  { "cue_ellipsis", "ln(1+count)" },       /* "..." and '…' */
  { "cue_repeat", "ln(1+count)" },         /* a word seen among the two before it */
  { "cue_elongated", "ln(1+count)" },      /* "sooo", "nooo" */
  { "cue_intensity", "ln(1+count)" },      /* very, so, really, totally, ... */
  { "cue_negation", "ln(1+count)" },       /* not (also from n't), no, never, nothing, ... */
  { "cue_interjection", "ln(1+count)" },   /* oh, wow, ugh, huh, hmm, ... */
  { "cue_emoticon_pos", "ln(1+count)" },   /* :) :D <3 and smiling emoji */
  { "cue_emoticon_neg", "ln(1+count)" },   /* :( :'( and frowning emoji */
  { "cue_allcaps", "ln(1+count)" },        /* words of two or more letters in capitals */
  { "cue_laughter", "ln(1+count)" },       /* haha, hehe, lol */
  { "cue_first_person", "ln(1+count)" },   /* i, me, my, we, ... */
  { "cue_second_person", "ln(1+count)" },  /* you, your, ... */
  { "cue_words", "ln(1+count)" },          /* length in word tokens */
  { "cue_empty", "1" },                    /* 1 when the text has no token at all */
};

static const char *intensity_words[] = {
  "very", "so", "really", "totally", "absolutely", "extremely", "completely", "such", "too",
  "super", "incredibly", "utterly", "truly", "seriously", "freaking", "damn", "way", "most",
  "literally", "ever", "all", "much", "huge", "insanely",
};
static const char *negation_words[] = {
  "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "without",
  "nope", "nah",
};
static const char *interjection_words[] = {
  "oh", "wow", "ugh", "huh", "hmm", "hm", "ah", "aah", "oops", "yay", "whoa", "ew", "eww", "uh",
  "um", "umm", "hey", "ouch", "phew", "aw", "aww", "yikes", "gosh", "geez", "jeez", "oh my",
  "omg", "damn", "god", "woah", "yeah", "yes", "wha", "eh", "ooh", "boo",
};
static const char *first_person[] = { "i", "me", "my", "mine", "myself", "we", "us", "our",
                                      "ours", "ourselves" };
static const char *second_person[] = { "you", "your", "yours", "yourself", "yourselves", "ya" };

/* ---- hashing --------------------------------------------------------------------------------- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

static uint64_t
fnv_update (uint64_t    h,
            const void *bytes,
            size_t      n)
{
  const uint8_t *p = bytes;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

uint64_t
stva_text_fnv1a (const void *bytes,
                 size_t      n)
{
  return fnv_update (FNV_OFFSET, bytes, n);
}

uint64_t
stva_text_fmix64 (uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint32_t
idf_slot (uint64_t key)
{
  return (uint32_t) (key >> 32) & (IDF_SLOTS - 1);
}

static float
idf_of (const StvaTextEncoder *enc,
        uint64_t               key)
{
  double n = enc->n_docs, df = enc->df[idf_slot (key)];
  return enc->n_docs == 0 ? 1.0f : (float) (log ((1 + n) / (1 + df)) + 1);
}

/* ---- feature table --------------------------------------------------------------------------- */

static bool
table_init (FeatureTable *t,
            size_t        n_features)
{
  t->cap = 64;
  while (t->cap < 2 * n_features + 2)
    t->cap *= 2;
  t->used = 0;
  t->entries = calloc (t->cap, sizeof *t->entries);
  return t->entries != NULL;
}

static void
table_add (FeatureTable *t,
           uint64_t      key,
           int           family)
{
  if (key == 0)
    key = 1;   /* 0 marks empty slots */
  size_t mask = t->cap - 1, i = (size_t) key & mask;
  while (t->entries[i].key != 0 && t->entries[i].key != key)
    i = (i + 1) & mask;
  if (t->entries[i].key == 0)
    {
      t->entries[i] = (Entry) { key, 0, (uint8_t) family };
      t->used++;
    }
  t->entries[i].count++;
}

static uint64_t
feature_key (char        family,
             const char *a,
             size_t      na,
             const char *b,
             size_t      nb)
{
  char prefix[2] = { family, ':' };
  uint64_t h = fnv_update (FNV_OFFSET, prefix, 2);
  h = fnv_update (h, a, na);
  if (b != NULL)
    {
      h = fnv_update (h, " ", 1);
      h = fnv_update (h, b, nb);
    }
  return stva_text_fmix64 (h);
}

static bool
is_word_token (const char *t)
{
  unsigned char c = (unsigned char) t[0];
  return c >= 0x80 ? c < 0xF0 : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'');
}

/* Character 3..5-grams of "<word>", cut only at UTF-8 character starts. */
static void
add_char_ngrams (FeatureTable *t,
                 const char   *word)
{
  char padded[MAX_NGRAM_WORD + 2];
  size_t len = strlen (word);
  if (len > MAX_NGRAM_WORD)
    return;
  padded[0] = '<';
  memcpy (padded + 1, word, len);
  padded[len + 1] = '>';
  len += 2;
  size_t starts[MAX_NGRAM_WORD + 3], n_starts = 0;   /* byte offsets of characters, and the end */
  for (size_t i = 0; i < len; i++)
    if (((unsigned char) padded[i] & 0xC0) != 0x80)
      starts[n_starts++] = i;
  starts[n_starts] = len;
  for (size_t a = 0; a < n_starts; a++)
    for (size_t g = 3; g <= 5 && a + g <= n_starts; g++)
      table_add (t, feature_key ('c', padded + starts[a], starts[a + g] - starts[a], NULL, 0),
                 FAM_CHAR);
}

/* Counts every feature of the token list into t. */
static bool
collect_features (const StvaTextTokens *tokens,
                  FeatureTable         *t)
{
  size_t bytes = tokens->n_bytes;
  if (!table_init (t, 2 * tokens->n + 6 * bytes))
    return false;
  const char *prev = NULL;
  for (size_t i = 0; i < tokens->n; i++)
    {
      const char *tok = stva_text_token (tokens, i);
      size_t len = strlen (tok);
      table_add (t, feature_key ('w', tok, len, NULL, 0), FAM_WORD);
      if (prev != NULL)
        table_add (t, feature_key ('b', prev, strlen (prev), tok, len), FAM_BIGRAM);
      if (is_word_token (tok))
        add_char_ngrams (t, tok);
      prev = tok;
    }
  return true;
}

/* ---- cues ------------------------------------------------------------------------------------ */

static bool
in_list (const char  *tok,
         const char **list,
         size_t       n)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp (tok, list[k]) == 0)
      return true;
  return false;
}

#define IN(tok, list) in_list (tok, list, sizeof list / sizeof *list)

/* Emoji faces: smiling and hearts count positive, frowning, crying and angry negative. */
static int
emoji_polarity (const char *tok)
{
  const unsigned char *s = (const unsigned char *) tok;
  uint32_t c;
  if (s[0] == 0xF0 && s[1] && s[2] && s[3])
    c = ((uint32_t) (s[0] & 0x07) << 18) | ((uint32_t) (s[1] & 0x3F) << 12)
        | ((uint32_t) (s[2] & 0x3F) << 6) | (s[3] & 0x3F);
  else if (s[0] == 0xE2 && s[1] && s[2])
    c = ((uint32_t) (s[0] & 0x0F) << 12) | ((uint32_t) (s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  else
    return 0;
  if ((c >= 0x1F600 && c <= 0x1F60F) || (c >= 0x1F617 && c <= 0x1F61D) || c == 0x1F923
      || c == 0x2764 || c == 0x1F970 || c == 0x1F642 || c == 0x263A)
    return 1;
  if ((c >= 0x1F61E && c <= 0x1F62F) || (c >= 0x1F612 && c <= 0x1F616) || c == 0x1F641
      || c == 0x2639 || c == 0x1F97A || c == 0x1F494)
    return -1;
  return 0;
}

static void
cue_features (const StvaTextTokens *tokens,
              const StvaTextRaw    *raw,
              float                *cue)
{
  double count[STVA_TEXT_N_CUES] = { 0 };
  count[CUE_EXCLAIM] = (double) raw->n_exclaim;
  count[CUE_QUESTION] = (double) raw->n_question;
  count[CUE_ELLIPSIS] = (double) raw->n_ellipsis;
  count[CUE_ELONGATED] = (double) raw->n_elongated;
  count[CUE_ALLCAPS] = (double) raw->n_allcaps;
  for (size_t i = 0; i < tokens->n; i++)
    {
      const char *tok = stva_text_token (tokens, i);
      bool word = is_word_token (tok);
      count[CUE_WORDS] += word;
      count[CUE_REPEAT] += word && ((i >= 1 && strcmp (tok, stva_text_token (tokens, i - 1)) == 0)
                                    || (i >= 2 && strcmp (tok, stva_text_token (tokens, i - 2)) == 0));
      count[CUE_INTENSITY] += IN (tok, intensity_words);
      count[CUE_NEGATION] += IN (tok, negation_words);
      count[CUE_INTERJECTION] += IN (tok, interjection_words);
      count[CUE_LAUGHTER] += strcmp (tok, "haha") == 0;
      count[CUE_FIRST_PERSON] += IN (tok, first_person);
      count[CUE_SECOND_PERSON] += IN (tok, second_person);
      int pol = strcmp (tok, "<emo+>") == 0 ? 1 : strcmp (tok, "<emo->") == 0 ? -1
                                                                           : emoji_polarity (tok);
      count[CUE_EMO_POS] += pol > 0;
      count[CUE_EMO_NEG] += pol < 0;
    }
  for (int k = 0; k < STVA_TEXT_N_CUES; k++)
    cue[k] = (float) log1p (count[k]);
  cue[CUE_EMPTY] = tokens->n == 0 ? 1.0f : 0.0f;
}

/* ---- encoder --------------------------------------------------------------------------------- */

const char *
stva_text_version (void)
{
  return STVA_TEXT_EXTRACTOR;
}

const char *
stva_text_cue_name (size_t k)
{
  return k < STVA_TEXT_N_CUES ? cue_dims[k].name : NULL;
}

const char *
stva_text_cue_unit (size_t k)
{
  return k < STVA_TEXT_N_CUES ? cue_dims[k].unit : NULL;
}

StvaTextEncoder *
stva_text_encoder_new (size_t hash_dim)
{
  if (hash_dim == 0)
    hash_dim = STVA_TEXT_HASH_DIM_DEFAULT;
  if (hash_dim > MAX_HASH_DIM)
    return NULL;
  StvaTextEncoder *enc = calloc (1, sizeof *enc);
  if (enc == NULL)
    return NULL;
  enc->hash_dim = hash_dim;
  enc->df = calloc (IDF_SLOTS, sizeof *enc->df);
  enc->name_block = malloc (hash_dim * NAME_CHARS);
  if (enc->df == NULL || enc->name_block == NULL)
    {
      stva_text_encoder_free (enc);
      return NULL;
    }
  for (size_t i = 0; i < hash_dim; i++)
    snprintf (enc->name_block + i * NAME_CHARS, NAME_CHARS, "text_h%04zu", i);
  return enc;
}

void
stva_text_encoder_free (StvaTextEncoder *enc)
{
  if (enc == NULL)
    return;
  free (enc->df);
  free (enc->name_block);
  free (enc);
}

size_t
stva_text_encoder_dim (const StvaTextEncoder *enc)
{
  return enc->hash_dim + STVA_TEXT_N_CUES;
}

const char *
stva_text_encoder_dim_name (const StvaTextEncoder *enc,
                            size_t                 i)
{
  if (i < enc->hash_dim)
    return enc->name_block + i * NAME_CHARS;
  return stva_text_cue_name (i - enc->hash_dim);
}

const char *
stva_text_encoder_dim_unit (const StvaTextEncoder *enc,
                            size_t                 i)
{
  return i < enc->hash_dim ? "1" : stva_text_cue_unit (i - enc->hash_dim);
}

float
stva_text_encoder_idf (const StvaTextEncoder *enc,
                       const char            *key)
{
  return idf_of (enc, stva_text_fmix64 (stva_text_fnv1a (key, strlen (key))));
}

StvaStatus
stva_text_encoder_fit (StvaTextEncoder   *enc,
                       const char *const *texts,
                       size_t             n,
                       StvaError         *error)
{
  StvaTextTokens tokens;
  StvaStatus status = STVA_OK;
  uint8_t *seen = calloc (IDF_SLOTS, 1);   /* slots counted for the current document */
  uint32_t *touched = NULL;
  size_t n_touched = 0;

  if (n > UINT32_MAX)
    return stva_error_set (error, STVA_ERR_INVALID, "text: %zu documents are too many", n);
  stva_text_tokens_init (&tokens);
  memset (enc->df, 0, IDF_SLOTS * sizeof *enc->df);
  enc->n_docs = 0;
  if (seen == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory fitting the IDF");
  for (size_t d = 0; d < n; d++)
    {
      FeatureTable t = { 0 };
      status = stva_text_tokenize (texts[d], &tokens, error);
      if (status != STVA_OK)
        goto out;
      if (!collect_features (&tokens, &t))
        {
          status = stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory fitting the IDF");
          goto out;
        }
      uint32_t *grown = realloc (touched, (t.used + 1) * sizeof *touched);
      if (grown == NULL)
        {
          free (t.entries);
          status = stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory fitting the IDF");
          goto out;
        }
      touched = grown;
      n_touched = 0;
      for (size_t k = 0; k < t.cap; k++)
        if (t.entries[k].key != 0)
          {
            uint32_t slot = idf_slot (t.entries[k].key);
            if (!seen[slot])
              seen[slot] = 1, touched[n_touched++] = slot, enc->df[slot]++;
          }
      for (size_t k = 0; k < n_touched; k++)
        seen[touched[k]] = 0;
      free (t.entries);
    }
  enc->n_docs = (uint32_t) n;

out:
  free (seen);
  free (touched);
  stva_text_tokens_clear (&tokens);
  return status;
}

/* Adds the weighted, family-normalised features of t into the hashed part h (hash_dim). */
static void
hash_features (const StvaTextEncoder *enc,
               const FeatureTable    *t,
               float                 *h)
{
  double norm2[N_FAMILIES] = { 0 };
  for (size_t k = 0; k < t->cap; k++)
    if (t->entries[k].key != 0)
      {
        double w = (1 + log (t->entries[k].count)) * idf_of (enc, t->entries[k].key);
        norm2[t->entries[k].family] += w * w;
      }
  for (size_t k = 0; k < t->cap; k++)
    {
      const Entry *e = &t->entries[k];
      if (e->key == 0)
        continue;
      double w = (1 + log (e->count)) * idf_of (enc, e->key);
      w *= family_weight[e->family] / sqrt (norm2[e->family]);
      h[e->key % enc->hash_dim] += (float) ((e->key >> 63) ? -w : w);
    }
  double total = 0;
  for (size_t i = 0; i < enc->hash_dim; i++)
    total += (double) h[i] * h[i];
  if (total > 0)
    {
      float scale = (float) (1 / sqrt (total));
      for (size_t i = 0; i < enc->hash_dim; i++)
        h[i] *= scale;
    }
}

StvaStatus
stva_text_encode (const StvaTextEncoder *enc,
                  const char            *text,
                  float                 *out,
                  StvaError             *error)
{
  StvaTextTokens tokens;
  StvaTextRaw raw;
  FeatureTable t = { 0 };
  StvaStatus status;

  assert (enc != NULL && out != NULL);
  stva_text_tokens_init (&tokens);
  status = _stva_text_tokenize_raw (text, &tokens, &raw, error);
  if (status != STVA_OK)
    goto out;
  if (!collect_features (&tokens, &t))
    {
      status = stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory encoding a text");
      goto out;
    }
  memset (out, 0, enc->hash_dim * sizeof *out);
  hash_features (enc, &t, out);
  cue_features (&tokens, &raw, out + enc->hash_dim);

out:
  free (t.entries);
  stva_text_tokens_clear (&tokens);
  return status;
}

/* ---- bytes ----------------------------------------------------------------------------------- */

static void
put_u32 (uint8_t  *p,
         uint32_t  v)
{
  p[0] = (uint8_t) v, p[1] = (uint8_t) (v >> 8), p[2] = (uint8_t) (v >> 16);
  p[3] = (uint8_t) (v >> 24);
}

static uint32_t
get_u32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

uint64_t
stva_text_encoder_fingerprint (const StvaTextEncoder *enc)
{
  /* what stva_text_encoder_save writes, less its checksum: one value per fitted state */
  uint32_t head[5] = { FORMAT_VERSION, (uint32_t) enc->hash_dim, STVA_TEXT_IDF_BITS,
                       enc->n_docs, 0 };
  for (size_t s = 0; s < IDF_SLOTS; s++)
    head[4] += enc->df[s] != 0;
  uint64_t h = FNV_OFFSET;
  uint8_t b[8];
  for (size_t k = 0; k < 5; k++)
    {
      put_u32 (b, head[k]);
      h = fnv_update (h, b, 4);
    }
  for (size_t s = 0; s < IDF_SLOTS; s++)
    if (enc->df[s] != 0)
      {
        put_u32 (b, (uint32_t) s);
        put_u32 (b + 4, enc->df[s]);
        h = fnv_update (h, b, 8);
      }
  return stva_text_fmix64 (h);
}

void
stva_text_encoder_fit_id (const StvaTextEncoder *enc,
                          char                   id[STVA_TEXT_FIT_ID_LEN])
{
  snprintf (id, STVA_TEXT_FIT_ID_LEN, "fit-%016llx",
            (unsigned long long) stva_text_encoder_fingerprint (enc));
}

StvaStatus
stva_text_encoder_save (const StvaTextEncoder *enc,
                        uint8_t              **bytes,
                        size_t                *n_bytes,
                        StvaError             *error)
{
  size_t n_slots = 0;
  for (size_t s = 0; s < IDF_SLOTS; s++)
    n_slots += enc->df[s] != 0;
  size_t size = HEADER_BYTES + 8 * n_slots + 4;
  uint8_t *b = malloc (size);
  if (b == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory saving the encoder");
  memcpy (b, "STXT", 4);
  put_u32 (b + 4, FORMAT_VERSION);
  put_u32 (b + 8, (uint32_t) enc->hash_dim);
  put_u32 (b + 12, STVA_TEXT_IDF_BITS);
  put_u32 (b + 16, enc->n_docs);
  put_u32 (b + 20, (uint32_t) n_slots);
  uint8_t *p = b + HEADER_BYTES;
  for (size_t s = 0; s < IDF_SLOTS; s++)
    if (enc->df[s] != 0)
      {
        put_u32 (p, (uint32_t) s);
        put_u32 (p + 4, enc->df[s]);
        p += 8;
      }
  put_u32 (p, (uint32_t) crc32 (0L, b, (uInt) (size - 4)));
  *bytes = b;
  *n_bytes = size;
  return STVA_OK;
}

StvaStatus
stva_text_encoder_load (StvaTextEncoder **out,
                        const uint8_t    *bytes,
                        size_t            n_bytes,
                        StvaError        *error)
{
  *out = NULL;
  if (n_bytes < HEADER_BYTES + 4)
    return stva_error_set (error, STVA_ERR_FORMAT, "text encoder: %zu bytes, truncated header",
                           n_bytes);
  if (memcmp (bytes, "STXT", 4) != 0)
    return stva_error_set (error, STVA_ERR_FORMAT, "text encoder: bad magic");
  uint32_t version = get_u32 (bytes + 4);
  if (version != FORMAT_VERSION)
    return stva_error_set (error, version > FORMAT_VERSION ? STVA_ERR_VERSION : STVA_ERR_FORMAT,
                           "text encoder: format version %u; this build reads %u", version,
                           FORMAT_VERSION);
  uint32_t hash_dim = get_u32 (bytes + 8), bits = get_u32 (bytes + 12);
  uint32_t n_docs = get_u32 (bytes + 16), n_slots = get_u32 (bytes + 20);
  if (hash_dim == 0 || hash_dim > MAX_HASH_DIM || bits != STVA_TEXT_IDF_BITS
      || n_slots > IDF_SLOTS)
    return stva_error_set (error, STVA_ERR_FORMAT,
                           "text encoder: bad header (hash_dim %u, idf bits %u, %u slots)",
                           hash_dim, bits, n_slots);
  size_t size = HEADER_BYTES + 8 * (size_t) n_slots + 4;
  if (n_bytes != size)
    return stva_error_set (error, STVA_ERR_FORMAT, "text encoder: %zu bytes, expected %zu",
                           n_bytes, size);
  if (get_u32 (bytes + size - 4) != (uint32_t) crc32 (0L, bytes, (uInt) (size - 4)))
    return stva_error_set (error, STVA_ERR_FORMAT, "text encoder: checksum mismatch");

  StvaTextEncoder *enc = stva_text_encoder_new (hash_dim);
  if (enc == NULL)
    return stva_error_set (error, STVA_ERR_NOMEM, "text encoder: out of memory");
  enc->n_docs = n_docs;
  const uint8_t *p = bytes + HEADER_BYTES;
  for (uint32_t k = 0; k < n_slots; k++, p += 8)
    {
      uint32_t slot = get_u32 (p), df = get_u32 (p + 4);
      if (slot >= IDF_SLOTS || df > n_docs)
        {
          stva_text_encoder_free (enc);
          return stva_error_set (error, STVA_ERR_FORMAT,
                                 "text encoder: slot %u (df %u of %u documents) out of range",
                                 slot, df, n_docs);
        }
      enc->df[slot] = df;
    }
  *out = enc;
  return STVA_OK;
}
