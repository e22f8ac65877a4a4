/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the text feature files share (not part of core's API): the tokenizer's raw counts that
 * the cue features need from before lowercasing.
 */
#pragma once

#include <stddef.h>

#include "stva-text.h"

typedef struct
{
  size_t n_allcaps;     /* words of >= 2 letters written all in capitals */
  size_t n_elongated;   /* words with a letter three or more times in a row ("sooo") */
  size_t n_exclaim;     /* '!' characters */
  size_t n_question;    /* '?' characters */
  size_t n_ellipsis;    /* "..." runs and '…' */
} StvaTextRaw;

/* stva_text_tokenize, also filling raw counts (raw may be NULL). */
StvaStatus _stva_text_tokenize_raw (const char     *text,
                                    StvaTextTokens *tokens,
                                    StvaTextRaw    *raw,
                                    StvaError      *error);
