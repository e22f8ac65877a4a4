/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Speech for the demo corpus through libespeak-ng: a character's voice speaking a line with an
 * emotion's prosody (pitch level and range, rate, pauses at phrase breaks), then loudness,
 * tremor and vocal strain applied to the samples.  espeak-ng keeps global state, so calls are
 * serialised by a lock inside; callers may call from any thread.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stva-error.h"
#include "stva-demo-plan.h"

#define STVA_DEMO_VOICE_RATE_HZ 22050   /* espeak-ng's output rate */

/* Speaks `text` with voice `voice` (an espeak-ng name such as "en-us+m3") and prosody p.
 * *samples (malloc'ed, owned by the caller) receives mono float samples at
 * STVA_DEMO_VOICE_RATE_HZ with leading and trailing silence trimmed. */
StvaStatus stva_demo_voice_speak (const char            *voice,
                                  const StvaDemoProsody *p,
                                  const char            *text,
                                  float                **samples,
                                  size_t                *n_samples,
                                  StvaError             *error);

/* espeak-ng's output depends on what it said before (it keeps state from one call to the
 * next, and espeak_Terminate () can hang in 1.51, so it cannot simply be restarted).  A session
 * makes a run of lines independent of everything said before: begin takes the session lock
 * (one session at a time, across threads) and speaks a fixed primer line, so the lines spoken
 * until end sound the same whatever order threads run in.  Within one process the primer
 * does not undo everything (the very first synthesis after espeak-ng starts differs by a few
 * samples from later ones), so the promise is: one seed, one corpus, per process — what
 * `synctva make-demo` gives. */
StvaStatus stva_demo_voice_begin (StvaError *error);
void       stva_demo_voice_end   (void);
