/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Normalisation and tokenization for `text-v1` (rules in stva-text.h).  Text goes through code
 * points: decode (invalid bytes as Windows-1252), undo UTF-8-read-as-1252 mojibake, drop
 * subtitle tags and decode HTML entities, count the cues that need the original case, map quotes, dashes and case, then split into tokens with
 * elisions expanded.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stva-text-private.h"

#define MOJIBAKE_PASSES 2   /* text mis-decoded twice ("Ã¢â‚¬â„¢") is repaired too */

/* Windows-1252 bytes 0x80..0x9F; the five undefined ones map to the C1 control of that value,
 * as Windows' decoder does. */
static const uint32_t cp1252_high[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

typedef struct
{
  const char *from;
  const char *to;   /* space-separated replacement tokens */
} Elision;

/* Whole words, apostrophes already ASCII; suffix rules ("n't", "'re", ...) handle the rest. */
static const Elision elisions[] = {
  { "gonna", "going to" },    { "wanna", "want to" },     { "gotta", "got to" },
  { "gimme", "give me" },     { "lemme", "let me" },      { "kinda", "kind of" },
  { "sorta", "sort of" },     { "outta", "out of" },      { "dunno", "do not know" },
  { "ain't", "is not" },      { "can't", "can not" },     { "cannot", "can not" },
  { "won't", "will not" },    { "shan't", "shall not" },  { "y'all", "you all" },
  { "let's", "let us" },      { "'cause", "because" },    { "cos", "because" },
  { "cuz", "because" },       { "'em", "them" },          { "'bout", "about" },
  { "'til", "until" },        { "dont", "do not" },       { "didnt", "did not" },
  { "doesnt", "does not" },   { "isnt", "is not" },       { "wasnt", "was not" },
  { "arent", "are not" },     { "werent", "were not" },   { "couldnt", "could not" },
  { "wouldnt", "would not" }, { "shouldnt", "should not" }, { "havent", "have not" },
  { "hasnt", "has not" },     { "hadnt", "had not" },     { "cant", "can not" },
  { "im", "i am" },           { "ive", "i have" },        { "youre", "you are" },
  { "thats", "that is" },     { "whats", "what is" },     { "ok", "okay" },
  { "xd", "<emo+>" },         { "lol", "haha" },          { "lmao", "haha" },
};

static const Elision suffixes[] = {
  { "n't", "not" }, { "'re", "are" }, { "'ve", "have" }, { "'ll", "will" },
  { "'d", "would" }, { "'m", "am" },  { "'s", "'s" },
};

/* ASCII emoticons, longest first within each family; they must stand apart from words. */
static const char *emo_positive[] = {
  "^_^", ":-)", ":-d", ";-)", ":-p", ":o)", ":)", ":]", "=)", ":d", ";)", ":p", "<3", "^^", "(:",
};
static const char *emo_negative[] = {
  ">:(", ":'(", ":-(", ":-/", ":(", ":[", "=(", ":/", "):",
};

typedef struct
{
  uint32_t *cp;   /* owned */
  size_t    n;
} Codepoints;

/* ---- code points ----------------------------------------------------------------------------- */

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or 0 when invalid. */
static size_t
utf8_decode (const uint8_t *s,
             size_t         n,
             uint32_t      *cp)
{
  uint8_t b = s[0];
  size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
             : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (len == 0 || len > n)
    return 0;
  uint32_t c = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
  for (size_t k = 1; k < len; k++)
    {
      if ((s[k] & 0xC0) != 0x80)
        return 0;
      c = (c << 6) | (s[k] & 0x3F);
    }
  static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (c < min_cp[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return len;
}

static size_t
utf8_encode (uint32_t c,
             char    *out)
{
  if (c < 0x80)
    return out[0] = (char) c, 1;
  if (c < 0x800)
    return out[0] = (char) (0xC0 | c >> 6), out[1] = (char) (0x80 | (c & 0x3F)), 2;
  if (c < 0x10000)
    {
      out[0] = (char) (0xE0 | c >> 12);
      out[1] = (char) (0x80 | ((c >> 6) & 0x3F));
      out[2] = (char) (0x80 | (c & 0x3F));
      return 3;
    }
  out[0] = (char) (0xF0 | c >> 18);
  out[1] = (char) (0x80 | ((c >> 12) & 0x3F));
  out[2] = (char) (0x80 | ((c >> 6) & 0x3F));
  out[3] = (char) (0x80 | (c & 0x3F));
  return 4;
}

static uint32_t
cp1252_to_unicode (uint8_t b)
{
  return b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b;
}

/* The Windows-1252 byte that decodes to c, or -1. */
static int
unicode_to_cp1252 (uint32_t c)
{
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
    return (int) c;
  for (int k = 0; k < 32; k++)
    if (cp1252_high[k] == c)
      return 0x80 + k;
  return -1;
}

/* Text (at most STVA_TEXT_MAX_BYTES of it) to code points; invalid bytes read as 1252. */
static bool
decode (const char *text,
        Codepoints *out)
{
  size_t n = strlen (text);
  if (n > STVA_TEXT_MAX_BYTES)
    n = STVA_TEXT_MAX_BYTES;
  out->cp = malloc ((n + 1) * sizeof *out->cp);
  out->n = 0;
  if (out->cp == NULL)
    return false;
  const uint8_t *s = (const uint8_t *) text;
  for (size_t i = 0; i < n;)
    {
      uint32_t c;
      size_t len = utf8_decode (s + i, n - i, &c);
      if (len == 0)
        c = cp1252_to_unicode (s[i]), len = 1;
      out->cp[out->n++] = c;
      i += len;
    }
  return true;
}

/* One pass of mojibake repair: a run of code points whose 1252 bytes form one valid multi-byte
 * UTF-8 sequence becomes the character it encodes.  Returns whether anything changed. */
static bool
repair_pass (Codepoints *t)
{
  size_t w = 0;
  bool changed = false;
  for (size_t i = 0; i < t->n;)
    {
      uint8_t bytes[4];
      size_t len = 0;
      int lead = unicode_to_cp1252 (t->cp[i]);
      if (lead >= 0xC2 && lead <= 0xF4)
        {
          size_t want = lead <= 0xDF ? 2 : lead <= 0xEF ? 3 : 4;
          bytes[0] = (uint8_t) lead;
          for (len = 1; len < want && i + len < t->n; len++)
            {
              int b = unicode_to_cp1252 (t->cp[i + len]);
              if (b < 0x80 || b > 0xBF)
                break;
              bytes[len] = (uint8_t) b;
            }
          uint32_t c;
          if (len == want && utf8_decode (bytes, len, &c) == len)
            {
              t->cp[w++] = c;
              i += len;
              changed = true;
              continue;
            }
        }
      t->cp[w++] = t->cp[i++];
    }
  t->n = w;
  return changed;
}

static bool
is_ascii_alpha (uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a subtitle tag at i ("<i>", "</font>", "<font color=...>", "{\an8}"), or 0.  An
 * emoticon such as "<3" is no tag: a tag name starts with a letter. */
static size_t
tag_length (const Codepoints *t,
            size_t            i)
{
  uint32_t open = t->cp[i], close = open == '<' ? '>' : '}';
  size_t j = i + 1;
  if (open == '<')
    {
      if (j < t->n && t->cp[j] == '/')
        j++;
      if (j >= t->n || !is_ascii_alpha (t->cp[j]))
        return 0;
    }
  else if (open != '{' || j >= t->n || t->cp[j] != '\\')
    return 0;
  for (; j < t->n && j - i <= 64; j++)
    {
      if (t->cp[j] == close)
        return j + 1 - i;
      if (t->cp[j] == '<' || t->cp[j] == '{')
        return 0;
    }
  return 0;
}

/* The character an HTML entity at i stands for (&amp; &quot; &apos; &lt; &gt; &nbsp; &#N;
 * &#xN;), with its length in *len; 0 when there is none. */
static uint32_t
entity_at (const Codepoints *t,
           size_t            i,
           size_t           *len)
{
  static const struct
  {
    const char *name;
    uint32_t    cp;
  } named[] = {
    { "amp", '&' }, { "quot", '"' }, { "apos", '\'' }, { "lt", '<' }, { "gt", '>' },
    { "nbsp", ' ' }, { "hellip", 0x2026 }, { "rsquo", 0x2019 }, { "lsquo", 0x2018 },
  };
  char name[12];
  size_t k = 0, j = i + 1;
  for (; j < t->n && k + 1 < sizeof name && t->cp[j] != ';' && t->cp[j] < 0x80; j++)
    name[k++] = (char) t->cp[j];
  name[k] = '\0';
  if (j >= t->n || t->cp[j] != ';' || k == 0)
    return 0;
  *len = j + 1 - i;
  if (name[0] == '#')
    {
      bool hex = name[1] == 'x' || name[1] == 'X';
      char *end;
      unsigned long v = strtoul (name + (hex ? 2 : 1), &end, hex ? 16 : 10);
      return *end == '\0' && end != name + (hex ? 2 : 1) && v > 0 && v <= 0x10FFFF
               && !(v >= 0xD800 && v <= 0xDFFF) ? (uint32_t) v : 0;
    }
  for (size_t e = 0; e < sizeof named / sizeof *named; e++)
    if (strcmp (name, named[e].name) == 0)
      return named[e].cp;
  return 0;
}

/* Removes subtitle markup and decodes HTML entities, in place. */
static void
strip_markup (Codepoints *t)
{
  size_t w = 0;
  for (size_t i = 0; i < t->n;)
    {
      size_t len = 0;
      uint32_t c = t->cp[i];
      if ((c == '<' || c == '{') && (len = tag_length (t, i)) > 0)
        {
          t->cp[w++] = ' ';
          i += len;
          continue;
        }
      if (c == '&' && (c = entity_at (t, i, &len)) != 0)
        {
          t->cp[w++] = c;
          i += len;
          continue;
        }
      t->cp[w++] = t->cp[i++];
    }
  t->n = w;
}

static bool
is_upper (uint32_t c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

static bool
is_lower (uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

static bool
is_emoji (uint32_t c)
{
  return c >= 0x1F000 || (c >= 0x2600 && c <= 0x27BF);
}

static bool
is_word (uint32_t c)
{
  return (c >= '0' && c <= '9') || is_lower (c) || is_upper (c)
         || (c >= 0x100 && c < 0x2000) || (c >= 0x3040 && c <= 0x9FFF)
         || (c >= 0xAC00 && c <= 0xD7AF);
}

/* Counts the cues that need the text before case folding (all-caps words, punctuation). */
static void
count_raw (const Codepoints *t,
           StvaTextRaw      *raw)
{
  memset (raw, 0, sizeof *raw);
  for (size_t i = 0; i < t->n;)
    {
      uint32_t c = t->cp[i];
      raw->n_exclaim += c == '!';
      raw->n_question += c == '?';
      raw->n_ellipsis += c == 0x2026;
      if (c == '.' && i + 2 < t->n && t->cp[i + 1] == '.' && t->cp[i + 2] == '.')
        {
          raw->n_ellipsis++;
          while (i < t->n && t->cp[i] == '.')
            i++;
          continue;
        }
      if (!is_word (c))
        {
          i++;
          continue;
        }
      size_t letters = 0, upper = 0;
      for (; i < t->n && is_word (t->cp[i]); i++)
        letters += is_upper (t->cp[i]) || is_lower (t->cp[i]), upper += is_upper (t->cp[i]);
      raw->n_allcaps += letters >= 2 && upper == letters;
    }
}

/* Quotes, dashes, spaces and case (rules in stva-text.h); may grow the text ("…" -> "..."). */
static bool
fold (Codepoints *t)
{
  size_t extra = 0;
  for (size_t i = 0; i < t->n; i++)
    extra += t->cp[i] == 0x2026 ? 2 : 0;
  uint32_t *out = malloc ((t->n + extra + 1) * sizeof *out);
  if (out == NULL)
    return false;
  size_t w = 0;
  for (size_t i = 0; i < t->n; i++)
    {
      uint32_t c = t->cp[i];
      if (c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B || c == 0x2032 || c == '`'
          || c == 0xB4 || c == 0x2BC)
        c = '\'';
      else if (c == 0x201C || c == 0x201D || c == 0x201E || c == 0x201F || c == 0x2033
               || c == 0xAB || c == 0xBB)
        c = '"';
      else if (c == 0x2013 || c == 0x2014 || c == 0x2015 || c == 0x2212 || c == 0xA0
               || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x3000 || c == 0xFEFF
               || (c >= 0x80 && c < 0xA0))
        c = ' ';
      else if (c == 0x2026)
        {
          out[w++] = '.', out[w++] = '.';
          c = '.';
        }
      else if (is_upper (c))
        c += 0x20;
      else if (c == 0x152 || c == 0x160 || c == 0x17D)
        c += 1;
      else if (c == 0x178)
        c = 0xFF;
      out[w++] = c;
    }
  free (t->cp);
  t->cp = out;
  t->n = w;
  return true;
}

/* ---- token list ------------------------------------------------------------------------------ */

void
stva_text_tokens_init (StvaTextTokens *tokens)
{
  memset (tokens, 0, sizeof *tokens);
}

void
stva_text_tokens_clear (StvaTextTokens *tokens)
{
  free (tokens->buf);
  free (tokens->offsets);
  memset (tokens, 0, sizeof *tokens);
}

const char *
stva_text_token (const StvaTextTokens *tokens,
                 size_t                i)
{
  return i < tokens->n ? tokens->buf + tokens->offsets[i] : NULL;
}

static bool
push_token (StvaTextTokens *tokens,
            const char     *s,
            size_t          len)
{
  if (len == 0)
    return true;
  if (tokens->n == tokens->cap)
    {
      size_t cap = tokens->cap ? 2 * tokens->cap : 32;
      size_t *grown = realloc (tokens->offsets, cap * sizeof *grown);
      if (grown == NULL)
        return false;
      tokens->offsets = grown, tokens->cap = cap;
    }
  if (tokens->n_bytes + len + 1 > tokens->cap_bytes)
    {
      size_t cap = tokens->cap_bytes ? 2 * tokens->cap_bytes : 256;
      while (cap < tokens->n_bytes + len + 1)
        cap *= 2;
      char *grown = realloc (tokens->buf, cap);
      if (grown == NULL)
        return false;
      tokens->buf = grown, tokens->cap_bytes = cap;
    }
  tokens->offsets[tokens->n++] = tokens->n_bytes;
  memcpy (tokens->buf + tokens->n_bytes, s, len);
  tokens->buf[tokens->n_bytes + len] = '\0';
  tokens->n_bytes += len + 1;
  return true;
}

/* Pushes the space-separated words of s. */
static bool
push_words (StvaTextTokens *tokens,
            const char     *s)
{
  while (*s)
    {
      size_t len = strcspn (s, " ");
      if (!push_token (tokens, s, len))
        return false;
      s += len;
      while (*s == ' ')
        s++;
    }
  return true;
}

/* ---- words ----------------------------------------------------------------------------------- */

static bool
is_laughter (const char *w,
             size_t      len)
{
  if (len < 4 || len % 2 == 1)
    return false;
  for (size_t k = 0; k < len; k += 2)
    if (w[k] != 'h' || (w[k + 1] != 'a' && w[k + 1] != 'e'))
      return false;
  return true;
}

/* Emits one word (UTF-8, lowercased, ASCII apostrophes) with elisions expanded. */
static bool
emit_word (StvaTextTokens *tokens,
           char           *w,
           size_t          len)
{
  w[len] = '\0';
  for (size_t k = 0; k < sizeof elisions / sizeof *elisions; k++)
    if (strcmp (w, elisions[k].from) == 0)
      return push_words (tokens, elisions[k].to);
  if (is_laughter (w, len))
    return push_token (tokens, "haha", 4);
  if (len >= 4 && strcmp (w + len - 3, "in'") == 0)   /* goin' -> going */
    {
      w[len - 1] = 'g';
      return push_token (tokens, w, len);
    }
  while (len > 0 && w[0] == '\'')
    w++, len--;
  while (len > 0 && w[len - 1] == '\'')
    w[--len] = '\0';
  for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++)
    {
      size_t sl = strlen (suffixes[k].from);
      if (len > sl && strcmp (w + len - sl, suffixes[k].from) == 0)
        return push_token (tokens, w, len - sl) && push_token (tokens, suffixes[k].to,
                                                               strlen (suffixes[k].to));
    }
  return push_token (tokens, w, len);
}

/* Length of the emoticon at t->cp[i] standing apart from words, or 0; *positive its family. */
static size_t
match_emoticon (const Codepoints *t,
                size_t            i,
                bool             *positive)
{
  if (i > 0 && t->cp[i - 1] != ' ' && t->cp[i - 1] != '\t' && t->cp[i - 1] != '\n')
    return 0;
  for (int fam = 0; fam < 2; fam++)
    {
      const char **list = fam == 0 ? emo_positive : emo_negative;
      size_t count = fam == 0 ? sizeof emo_positive / sizeof *emo_positive
                              : sizeof emo_negative / sizeof *emo_negative;
      for (size_t k = 0; k < count; k++)
        {
          size_t len = strlen (list[k]), j = 0;
          while (j < len && i + j < t->n && t->cp[i + j] == (uint8_t) list[k][j])
            j++;
          if (j == len && (i + len == t->n || !is_word (t->cp[i + len])))
            {
              *positive = fam == 0;
              return len;
            }
        }
    }
  return 0;
}

/* Scans one word at i (letters, digits, apostrophes inside or at the edges of it) into buf,
 * collapsing runs of three or more equal letters to two; returns the index after it. */
static size_t
scan_word (const Codepoints *t,
           size_t            i,
           char             *buf,
           size_t           *len,
           bool             *elongated)
{
  size_t run = 0;
  uint32_t prev = 0;
  *len = 0;
  *elongated = false;
  for (; i < t->n; i++)
    {
      uint32_t c = t->cp[i];
      bool apostrophe = c == '\'' && ((i + 1 < t->n && is_word (t->cp[i + 1]))
                                      || (i > 0 && is_word (t->cp[i - 1])));
      if (!is_word (c) && !apostrophe)
        break;
      run = c == prev ? run + 1 : 1;
      prev = c;
      if (run >= 3 && !(c >= '0' && c <= '9'))
        {
          *elongated = true;
          continue;
        }
      *len += utf8_encode (c, buf + *len);
    }
  return i;
}

static bool
tokenize_codepoints (const Codepoints *t,
                     StvaTextTokens   *tokens,
                     StvaTextRaw      *raw)
{
  char *buf = malloc (4 * t->n + 8);
  if (buf == NULL)
    return false;
  bool ok = true;
  for (size_t i = 0; i < t->n && ok;)
    {
      uint32_t c = t->cp[i];
      bool positive;
      size_t emo = match_emoticon (t, i, &positive);
      if (emo > 0)
        {
          ok = push_token (tokens, positive ? "<emo+>" : "<emo->", 6);
          i += emo;
        }
      else if (is_word (c) || (c == '\'' && i + 1 < t->n && is_word (t->cp[i + 1])))
        {
          size_t len;
          bool elongated;
          i = scan_word (t, i, buf, &len, &elongated);
          raw->n_elongated += elongated;
          ok = emit_word (tokens, buf, len);
        }
      else if (c == '!' || c == '?')
        {
          bool bang = false, question = false;
          for (; i < t->n && (t->cp[i] == '!' || t->cp[i] == '?'); i++)
            bang |= t->cp[i] == '!', question |= t->cp[i] == '?';
          ok = (!question || push_token (tokens, "?", 1)) && (!bang || push_token (tokens, "!", 1));
        }
      else if (c == '.' && i + 2 < t->n && t->cp[i + 1] == '.' && t->cp[i + 2] == '.')
        {
          while (i < t->n && t->cp[i] == '.')
            i++;
          ok = push_token (tokens, "...", 3);
        }
      else if (is_emoji (c))
        {
          size_t len = utf8_encode (c, buf);
          ok = push_token (tokens, buf, len);
          i++;
        }
      else
        i++;
    }
  free (buf);
  return ok;
}

/* ---- public API ------------------------------------------------------------------------------ */

StvaStatus
_stva_text_tokenize_raw (const char     *text,
                         StvaTextTokens *tokens,
                         StvaTextRaw    *raw,
                         StvaError      *error)
{
  Codepoints t = { 0 };
  StvaTextRaw own_raw;
  if (raw == NULL)
    raw = &own_raw;
  tokens->n = 0;
  tokens->n_bytes = 0;
  if (!decode (text ? text : "", &t))
    return stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory");
  for (int pass = 0; pass < MOJIBAKE_PASSES && repair_pass (&t); pass++)
    ;
  strip_markup (&t);
  count_raw (&t, raw);
  bool ok = fold (&t) && tokenize_codepoints (&t, tokens, raw);
  free (t.cp);
  if (!ok)
    return stva_error_set (error, STVA_ERR_NOMEM, "text: out of memory while tokenizing");
  return STVA_OK;
}

StvaStatus
stva_text_tokenize (const char     *text,
                    StvaTextTokens *tokens,
                    StvaError      *error)
{
  return _stva_text_tokenize_raw (text, tokens, NULL, error);
}
