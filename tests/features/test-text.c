/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `text-v1`: the tokenizer on tricky conversational strings (elisions, curly quotes, mojibake,
 * Latin-1 bytes, emoticons), the published FNV-1a values, balanced signed hashing, IDF that
 * down-weights common words, determinism, save/load round trip and refusal of damaged bytes,
 * and a real baseline: nearest-centroid on the features of a synthetic labelled set (class
 * keywords inside neutral filler, inflected forms unseen in training) beats chance widely.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "stva-text.h"

/* Tokens of text joined by '|'. */
static char *
tokens_of (const char *text)
{
  StvaTextTokens tokens;
  stva_text_tokens_init (&tokens);
  g_assert_cmpint (stva_text_tokenize (text, &tokens, NULL), ==, STVA_OK);
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < tokens.n; i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "", stva_text_token (&tokens, i));
  stva_text_tokens_clear (&tokens);
  return g_string_free (s, FALSE);
}

static void
check_tokens (const char *text,
              const char *want)
{
  g_autofree char *got = tokens_of (text);
  if (strcmp (got, want) != 0)
    g_error ("tokens of \"%s\": got \"%s\", want \"%s\"", text, got, want);
}

static void
test_tokenizer (void)
{
  check_tokens ("I'm SO happy!!! Don't you think?", "i|am|so|happy|!|do|not|you|think|?");
  check_tokens ("I\u2019m gonna tell \u201cyou\u201d something\u2026",
                "i|am|going|to|tell|you|something|...");
  check_tokens ("I don\xc3\xa2\xe2\x82\xac\xe2\x84\xa2t know", "i|do|not|know");   /* donâ€™t */
  check_tokens ("caf\xc3\x83\xc2\xa9 au lait", "caf\xc3\xa9|au|lait");         /* cafÃ© */
  check_tokens ("caf\xe9 CR\xc8ME", "caf\xc3\xa9|cr\xc3\xa8me");   /* Latin-1 bytes, folded */
  check_tokens ("We can't, won't, y'all ain't", "we|can|not|will|not|you|all|is|not");
  check_tokens ("dunno, wanna go? nooooo way", "do|not|know|want|to|go|?|noo|way");
  check_tokens ("goin' 'cause of 'em... right?!", "going|because|of|them|...|right|?|!");
  check_tokens ("great :) bad :( <3 hahaha lol", "great|<emo+>|bad|<emo->|<emo+>|haha|haha");
  check_tokens ("She's here; they've left, we'll see, he'd go",
                "she|'s|here|they|have|left|we|will|see|he|would|go");
  check_tokens ("http://x.org well-known", "http|x|org|well|known");
  check_tokens ("<i>I can&#39;t</i> {\\an8}believe &quot;it&quot; &amp; <3",
                "i|can|not|believe|it|<emo+>");
  check_tokens ("a < b and c > d {not a tag}", "a|b|and|c|d|not|a|tag");
  check_tokens ("", "");
  check_tokens ("   ...   ", "...");
  check_tokens ("wow \xf0\x9f\x98\x80!", "wow|\xf0\x9f\x98\x80|!");
  check_tokens ("\xff\xfe broken \xc3", "\xc3\xbf\xc3\xbe|broken|\xc3\xa3");   /* stray bytes */
}

static void
test_hashing (void)
{
  /* published FNV-1a 64 test values */
  g_assert_cmphex (stva_text_fnv1a ("", 0), ==, 0xcbf29ce484222325ULL);
  g_assert_cmphex (stva_text_fnv1a ("a", 1), ==, 0xaf63dc4c8601ec8cULL);
  g_assert_cmphex (stva_text_fnv1a ("foobar", 6), ==, 0x85944171f73967e8ULL);
  g_assert_cmphex (stva_text_fmix64 (0), ==, 0);

  /* signs are balanced and buckets even over many distinct keys */
  const size_t n_keys = 200000, dim = 1024;
  g_autofree size_t *bucket = g_new0 (size_t, dim);
  size_t negative = 0;
  for (size_t i = 0; i < n_keys; i++)
    {
      char key[32];
      int len = g_snprintf (key, sizeof key, "w:word%zu", i);
      uint64_t m = stva_text_fmix64 (stva_text_fnv1a (key, (size_t) len));
      negative += m >> 63;
      bucket[m % dim]++;
    }
  double frac = (double) negative / n_keys, chi2 = 0, expect = (double) n_keys / dim;
  for (size_t b = 0; b < dim; b++)
    chi2 += (bucket[b] - expect) * (bucket[b] - expect) / expect;
  g_test_message ("negative signs %.4f, chi2 %.0f over %zu buckets", frac, chi2, dim);
  g_assert_cmpfloat (fabs (frac - 0.5), <, 0.005);
  g_assert_cmpfloat (chi2, <, dim + 5 * sqrt (2.0 * dim));   /* ~5 sigma */

  /* within one bucket, colliding keys carry both signs about equally */
  size_t pos = 0, neg = 0;
  for (size_t i = 0; i < n_keys; i++)
    {
      char key[32];
      int len = g_snprintf (key, sizeof key, "c:%zu>", i);
      uint64_t m = stva_text_fmix64 (stva_text_fnv1a (key, (size_t) len));
      if (m % dim == 7)
        (m >> 63) ? neg++ : pos++;
    }
  g_assert_cmpuint (pos + neg, >, 100);
  g_assert_cmpfloat (fabs ((double) pos / (pos + neg) - 0.5), <, 0.12);
}

static float *
encode (const StvaTextEncoder *enc,
        const char            *text)
{
  size_t dim = stva_text_encoder_dim (enc);
  float *v = g_new (float, dim);
  g_assert_cmpint (stva_text_encode (enc, text, v, NULL), ==, STVA_OK);
  for (size_t i = 0; i < dim; i++)
    g_assert_true (isfinite (v[i]));
  return v;
}

static double
dot (const float *a,
     const float *b,
     size_t       n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static void
test_vectors (void)
{
  StvaTextEncoder *enc = stva_text_encoder_new (0);
  size_t dim = stva_text_encoder_dim (enc), hd = STVA_TEXT_HASH_DIM_DEFAULT;
  g_assert_cmpuint (dim, ==, hd + STVA_TEXT_N_CUES);
  g_assert_cmpstr (stva_text_version (), ==, "text-v1");
  g_assert_cmpstr (stva_text_encoder_dim_name (enc, 5), ==, "text_h0005");
  g_assert_cmpstr (stva_text_encoder_dim_name (enc, hd), ==, "cue_exclaim");
  g_assert_cmpstr (stva_text_encoder_dim_name (enc, dim - 1), ==, "cue_empty");
  g_assert_null (stva_text_encoder_dim_name (enc, dim));
  g_assert_nonnull (stva_text_encoder_dim_unit (enc, dim - 2));

  g_autofree float *a = encode (enc, "I don't know what you mean!");
  g_autofree float *b = encode (enc, "I don't know what you mean!");
  g_assert_cmpmem (a, dim * sizeof *a, b, dim * sizeof *b);
  g_assert_cmpfloat (fabs (dot (a, a, hd) - 1), <, 1e-5);   /* L2-normalised hashed part */

  /* mojibake and curly quotes give the clean text's vector */
  g_autofree float *clean = encode (enc, "I don't know, it's \"fine\"...");
  g_autofree float *curly = encode (enc, "I don\u2019t know, it\u2019s \u201cfine\u201d\u2026");
  g_autofree float *moji = encode (enc, "I don\xc3\xa2\xe2\x82\xac\xe2\x84\xa2t know, it\xc3\xa2"
                                        "\xe2\x82\xac\xe2\x84\xa2s \xc3\xa2\xe2\x82\xac\xc5\x93"
                                        "fine\xc3\xa2\xe2\x82\xac\xc2\x9d\xc3\xa2\xe2\x82\xac\xc2\xa6");
  g_assert_cmpmem (clean, dim * sizeof *clean, curly, dim * sizeof *curly);
  g_assert_cmpmem (clean, dim * sizeof *clean, moji, dim * sizeof *moji);

  /* cues */
  g_autofree float *cues = encode (enc, "WOW!! Oh no, this is SO not good :( really?? ugh...");
  float *c = cues + hd;
  g_assert_cmpfloat (c[0], ==, (float) log1p (2));    /* ! */
  g_assert_cmpfloat (c[1], ==, (float) log1p (2));    /* ? */
  g_assert_cmpfloat (c[2], ==, (float) log1p (1));    /* ... */
  g_assert_cmpfloat (c[5], ==, (float) log1p (2));    /* so, really */
  g_assert_cmpfloat (c[6], ==, (float) log1p (2));    /* no, not */
  g_assert_cmpfloat (c[7], ==, (float) log1p (3));    /* wow, oh, ugh */
  g_assert_cmpfloat (c[9], ==, (float) log1p (1));    /* :( */
  g_assert_cmpfloat (c[10], ==, (float) log1p (2));   /* WOW, SO */
  g_assert_cmpfloat (c[15], ==, 0);
  g_autofree float *empty = encode (enc, "");
  g_assert_cmpfloat (empty[dim - 1], ==, 1);
  g_assert_cmpfloat (dot (empty, empty, hd), ==, 0);
  g_autofree float *nul = encode (enc, NULL);
  g_assert_cmpmem (nul, dim * sizeof *nul, empty, dim * sizeof *empty);
  stva_text_encoder_free (enc);
}

static void
test_idf (void)
{
  const char *docs[] = {
    "the cat sat on the mat", "the dog ate the bone", "the bird sang", "a zebra walked by the river",
    "the end",
  };
  StvaTextEncoder *enc = stva_text_encoder_new (256);
  g_assert_cmpfloat (stva_text_encoder_idf (enc, "w:the"), ==, 1);   /* unfitted */
  g_assert_cmpint (stva_text_encoder_fit (enc, docs, G_N_ELEMENTS (docs), NULL), ==, STVA_OK);
  float idf_the = stva_text_encoder_idf (enc, "w:the");
  float idf_zebra = stva_text_encoder_idf (enc, "w:zebra");
  float idf_unseen = stva_text_encoder_idf (enc, "w:platypus");
  g_test_message ("idf: the %.3f, zebra %.3f, unseen %.3f", idf_the, idf_zebra, idf_unseen);
  g_assert_cmpfloat (fabs (idf_the - (log (6.0 / 6.0) + 1)), <, 1e-5);
  g_assert_cmpfloat (fabs (idf_zebra - (log (6.0 / 2.0) + 1)), <, 1e-5);
  g_assert_cmpfloat (idf_unseen, >, idf_zebra);
  g_assert_cmpfloat (stva_text_encoder_idf (enc, "b:the cat"), <,
                     stva_text_encoder_idf (enc, "b:cat the"));

  /* in "the zebra", the zebra side outweighs the common word in the vector */
  StvaTextEncoder *words = stva_text_encoder_new (4096);
  g_assert_cmpint (stva_text_encoder_fit (words, docs, G_N_ELEMENTS (docs), NULL), ==, STVA_OK);
  g_autofree float *v = encode (words, "the zebra");
  uint64_t m_the = stva_text_fmix64 (stva_text_fnv1a ("w:the", 5));
  uint64_t m_zebra = stva_text_fmix64 (stva_text_fnv1a ("w:zebra", 7));
  g_assert_cmpuint (m_the % 4096, !=, m_zebra % 4096);
  g_assert_cmpfloat (fabs (v[m_the % 4096]), <, fabs (v[m_zebra % 4096]));

  /* save, load, same vectors; damaged bytes are refused */
  uint8_t *bytes = NULL;
  size_t n_bytes = 0;
  StvaError error = { 0 };
  g_assert_cmpint (stva_text_encoder_save (words, &bytes, &n_bytes, &error), ==, STVA_OK);
  StvaTextEncoder *back = NULL;
  g_assert_cmpint (stva_text_encoder_load (&back, bytes, n_bytes, &error), ==, STVA_OK);
  g_autofree float *w = encode (back, "the zebra");
  g_assert_cmpmem (v, (4096 + STVA_TEXT_N_CUES) * sizeof *v, w, (4096 + STVA_TEXT_N_CUES) * sizeof *w);
  for (size_t cut = 0; cut < n_bytes; cut += 1 + cut / 4)
    {
      StvaTextEncoder *bad = NULL;
      g_assert_cmpint (stva_text_encoder_load (&bad, bytes, cut, &error), ==, STVA_ERR_FORMAT);
      g_assert_null (bad);
    }
  StvaTextEncoder *bad = NULL;
  bytes[n_bytes / 2] ^= 0x10;
  g_assert_cmpint (stva_text_encoder_load (&bad, bytes, n_bytes, &error), ==, STVA_ERR_FORMAT);
  g_assert_nonnull (strstr (error.message, "checksum"));
  bytes[n_bytes / 2] ^= 0x10;
  bytes[4] = 9;
  g_assert_cmpint (stva_text_encoder_load (&bad, bytes, n_bytes, &error), ==, STVA_ERR_VERSION);
  g_assert_null (bad);
  free (bytes);
  stva_text_encoder_free (back);
  stva_text_encoder_free (words);
  stva_text_encoder_free (enc);
}

/* The fit's fingerprint: the same for the same training texts in any order and after a save and
 * load, different for another training split or width, and different from an unfitted encoder. */
static void
test_fingerprint (void)
{
  const char *split[] = { "I am so happy today", "This is awful, I hate it", "Okay, the bus",
                          "Oh my God!", "no no no" };
  const char *shuffled[] = { split[3], split[0], split[4], split[2], split[1] };
  StvaError error = { 0 };
  StvaTextEncoder *a = stva_text_encoder_new (0), *b = stva_text_encoder_new (0);
  StvaTextEncoder *c = stva_text_encoder_new (0), *wide = stva_text_encoder_new (2048);
  uint64_t unfitted = stva_text_encoder_fingerprint (a);
  g_assert_cmpint (stva_text_encoder_fit (a, split, 5, &error), ==, STVA_OK);
  g_assert_cmpint (stva_text_encoder_fit (b, shuffled, 5, &error), ==, STVA_OK);
  g_assert_cmpint (stva_text_encoder_fit (c, split, 4, &error), ==, STVA_OK);
  g_assert_cmpint (stva_text_encoder_fit (wide, split, 5, &error), ==, STVA_OK);
  g_assert_cmpuint (stva_text_encoder_fingerprint (a), ==, stva_text_encoder_fingerprint (b));
  g_assert_cmpuint (stva_text_encoder_fingerprint (a), !=, unfitted);
  g_assert_cmpuint (stva_text_encoder_fingerprint (a), !=, stva_text_encoder_fingerprint (c));
  g_assert_cmpuint (stva_text_encoder_fingerprint (a), !=, stva_text_encoder_fingerprint (wide));
  /* a refit replaces the earlier one */
  g_assert_cmpint (stva_text_encoder_fit (c, split, 5, &error), ==, STVA_OK);
  g_assert_cmpuint (stva_text_encoder_fingerprint (a), ==, stva_text_encoder_fingerprint (c));

  uint8_t *bytes = NULL;
  size_t n_bytes = 0;
  StvaTextEncoder *back = NULL;
  g_assert_cmpint (stva_text_encoder_save (a, &bytes, &n_bytes, &error), ==, STVA_OK);
  g_assert_cmpint (stva_text_encoder_load (&back, bytes, n_bytes, &error), ==, STVA_OK);
  g_assert_cmpuint (stva_text_encoder_fingerprint (back), ==, stva_text_encoder_fingerprint (a));
  char id[STVA_TEXT_FIT_ID_LEN], id_back[STVA_TEXT_FIT_ID_LEN];
  stva_text_encoder_fit_id (a, id);
  stva_text_encoder_fit_id (back, id_back);
  g_assert_cmpstr (id, ==, id_back);
  g_assert_cmpuint (strlen (id), ==, 20);
  g_assert_true (g_str_has_prefix (id, "fit-"));
  for (size_t i = 4; i < 20; i++)
    g_assert_true (g_ascii_isxdigit (id[i]));
  free (bytes);
  stva_text_encoder_free (back);
  stva_text_encoder_free (a);
  stva_text_encoder_free (b);
  stva_text_encoder_free (c);
  stva_text_encoder_free (wide);
}

/* Random byte strings (invalid UTF-8, stray markup characters, control bytes) tokenize and
 * encode to finite vectors; under the sanitisers this is a small fuzz run. */
static void
test_random_bytes (void)
{
  static const char alphabet[] = "aZ '!?.<>{}&#;:()\\\xc3\xa2\x80\x99\xe2\xf0\x9f\xff\x01";
  g_autoptr (GRand) rng = g_rand_new_with_seed (77);
  StvaTextEncoder *enc = stva_text_encoder_new (64);
  size_t dim = stva_text_encoder_dim (enc);
  g_autofree float *v = g_new (float, dim);
  char text[301];
  for (int k = 0; k < 3000; k++)
    {
      int n = g_rand_int_range (rng, 0, 300);
      for (int i = 0; i < n; i++)
        text[i] = g_rand_boolean (rng) ? (char) g_rand_int_range (rng, 1, 256)
                                       : alphabet[g_rand_int_range (rng, 0, sizeof alphabet - 1)];
      text[n] = '\0';
      g_assert_cmpint (stva_text_encode (enc, text, v, NULL), ==, STVA_OK);
      for (size_t d = 0; d < dim; d++)
        g_assert_true (isfinite (v[d]));
    }
  stva_text_encoder_free (enc);
}

/* ---- baseline -------------------------------------------------------------------------------- */

#define N_CLASSES 4

static const char *train_kw[N_CLASSES][4] = {
  { "love", "wonderful", "happy", "excited" },
  { "hate", "furious", "stupid", "annoying" },
  { "miss", "lonely", "cry", "lost" },
  { "scared", "afraid", "terrified", "nervous" },
};
/* inflected or variant forms never seen in training: the character n-grams have to carry them */
static const char *test_kw[N_CLASSES][4] = {
  { "loved", "wonderfully", "happiest", "exciting" },
  { "hated", "fury", "stupidest", "annoyed" },
  { "missing", "loneliness", "crying", "losing" },
  { "scary", "afraid", "terrifying", "nervously" },
};
static const char *filler[] = {
  "so", "i", "was", "at", "the", "store", "and", "then", "we", "went", "to", "dinner", "with",
  "my", "brother", "it", "is", "kind", "of", "like", "that", "you", "know", "um", "well", "yeah",
  "what", "about", "tomorrow", "there", "this", "guy", "said", "something", "okay", "just",
};

static char *
make_sentence (GRand    *rng,
               int       label,
               gboolean  test_forms)
{
  GString *s = g_string_new (NULL);
  int n = g_rand_int_range (rng, 8, 16), at = g_rand_int_range (rng, 0, n);
  for (int i = 0; i < n; i++)
    {
      const char *w = i == at ? (test_forms ? test_kw : train_kw)[label][g_rand_int_range (rng, 0, 4)]
                              : filler[g_rand_int_range (rng, 0, G_N_ELEMENTS (filler))];
      g_string_append_printf (s, "%s%s", i ? " " : "", w);
    }
  g_string_append (s, g_rand_int_range (rng, 0, 2) ? "." : "!");
  return g_string_free (s, FALSE);
}

static double
nearest_centroid_accuracy (gboolean test_forms)
{
  const int n_train = 400, n_test = 200;
  g_autoptr (GRand) rng = g_rand_new_with_seed (42);
  g_autofree char **train = g_new0 (char *, n_train + 1);
  g_autofree int *y = g_new (int, n_train);
  for (int i = 0; i < n_train; i++)
    y[i] = i % N_CLASSES, train[i] = make_sentence (rng, y[i], FALSE);

  StvaTextEncoder *enc = stva_text_encoder_new (0);
  g_assert_cmpint (stva_text_encoder_fit (enc, (const char *const *) train, n_train, NULL), ==,
                   STVA_OK);
  size_t dim = stva_text_encoder_dim (enc);
  g_autofree double *centroid = g_new0 (double, N_CLASSES * dim);
  for (int i = 0; i < n_train; i++)
    {
      g_autofree float *v = encode (enc, train[i]);
      for (size_t d = 0; d < STVA_TEXT_HASH_DIM_DEFAULT; d++)
        centroid[y[i] * dim + d] += v[d];
    }
  int correct = 0;
  for (int i = 0; i < n_test; i++)
    {
      int label = i % N_CLASSES, best = -1;
      g_autofree char *text = make_sentence (rng, label, test_forms);
      g_autofree float *v = encode (enc, text);
      double best_score = -1e300;
      for (int k = 0; k < N_CLASSES; k++)
        {
          double s = 0, norm = 0;
          for (size_t d = 0; d < STVA_TEXT_HASH_DIM_DEFAULT; d++)
            s += centroid[k * dim + d] * v[d], norm += centroid[k * dim + d] * centroid[k * dim + d];
          s /= sqrt (norm) + 1e-12;
          if (s > best_score)
            best_score = s, best = k;
        }
      correct += best == label;
    }
  g_strfreev (train);
  train = NULL;
  stva_text_encoder_free (enc);
  return (double) correct / n_test;
}

static void
test_baseline (void)
{
  double same = nearest_centroid_accuracy (FALSE);
  double variants = nearest_centroid_accuracy (TRUE);
  printf ("# text-v1 nearest centroid, 4 classes (chance 0.25): accuracy %.3f on the training "
          "keywords, %.3f on unseen inflected forms\n", same, variants);
  g_assert_cmpfloat (same, >, 0.9);
  g_assert_cmpfloat (variants, >, 0.6);

  /* speed: encoding 1000 conversational lines */
  g_autoptr (GRand) rng = g_rand_new_with_seed (3);
  StvaTextEncoder *enc = stva_text_encoder_new (0);
  size_t dim = stva_text_encoder_dim (enc);
  g_autofree float *v = g_new (float, dim);
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *text = make_sentence (rng, i % N_CLASSES, FALSE);
      g_assert_cmpint (stva_text_encode (enc, text, v, NULL), ==, STVA_OK);
    }
  printf ("# text-v1: %.1f us per utterance\n", (g_get_monotonic_time () - t0) / 1000.0);
  stva_text_encoder_free (enc);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/text/tokenizer", test_tokenizer);
  g_test_add_func ("/features/text/hashing", test_hashing);
  g_test_add_func ("/features/text/vectors", test_vectors);
  g_test_add_func ("/features/text/idf", test_idf);
  g_test_add_func ("/features/text/fingerprint", test_fingerprint);
  g_test_add_func ("/features/text/random-bytes", test_random_bytes);
  g_test_add_func ("/features/text/baseline", test_baseline);
  return g_test_run ();
}
