/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Transcripts for the demo corpus.  An utterance is neutral filler around at most one emotional
 * core phrase.  The vocabularies are arranged so that text alone cannot tell anger from disgust
 * (one shared pool of irritation), while joy, surprise (positive and negative), sadness and
 * fear each have their own words.  Negated cues ("I'm not scared") put an emotion's word in a
 * line that does not carry that emotion, so a bag of words is fooled where word pairs are not.
 */
#include <stdio.h>
#include <string.h>

#include "stva-demo-plan.h"

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static const char *const openers[] = {
  "", "", "", "", "Well, ", "Okay, ", "So ", "Look, ", "Hey, ", "Um, ", "You know, ", "Listen, ",
  "Oh, ", "Right, ", "Alright, ",
};

static const char *const closers[] = {
  ".", ".", ".", ".", ", you know.", ", right?", ", I guess.", ", to be honest.", ", seriously.",
  " today.", " again.", ", anyway.",
};

/* Sentences with no emotional content: what people say between the feelings. */
static const char *const neutral_lines[] = {
  "I'll pick up the groceries tomorrow",
  "the meeting got moved to Thursday",
  "can you pass me the remote",
  "we should leave around seven",
  "I think the keys are on the table",
  "my cousin is coming over this weekend",
  "did you call the landlord about the sink",
  "the coffee place on the corner opens at eight",
  "I need to finish this report first",
  "let's order pizza for dinner",
  "she said the train was on time",
  "I put your jacket in the closet",
  "we could watch a movie later",
  "he works at the museum now",
  "the bus stop is two blocks down",
  "I have to return these books to the library",
  "what time does the game start",
  "I was going to paint the kitchen blue",
  "they moved the couch into the other room",
  "it's my turn to do the dishes",
  "I talked to Ross about the apartment",
  "the package came this morning",
  "we're out of milk",
  "I'll be at the office until six",
  "do you want the window open",
};

/* Core phrases, one pool per text profile.  Anger and disgust share the irritation pool. */
static const char *const joy_lines[] = {
  "I'm so happy for you",
  "this is the best day ever",
  "I love it, I really love it",
  "that's wonderful news",
  "we did it, this is fantastic",
  "you made my whole week",
  "I'm thrilled, thank you so much",
  "this is great, I'm so glad",
  "that's amazing, I'm delighted",
  "haha, that's hilarious, I love you guys",
  "yay, we won",
  "it's perfect, absolutely perfect",
  "I can't stop smiling",
  "what a lovely surprise party, thank you",
};

static const char *const surprise_pos_lines[] = {
  "wow, no way, really",
  "what, you're kidding me, that's incredible",
  "oh my God, seriously",
  "wait, are you serious, you got the job",
  "whoa, I did not see that coming",
  "really, you're getting married",
  "no way, since when",
  "what, how did you even do that",
  "oh wow, look at this place",
  "you're kidding, he said yes",
};

static const char *const surprise_neg_lines[] = {
  "what, you lost the ring",
  "wait, what do you mean he's gone",
  "no way, they cancelled it",
  "oh my God, what happened here",
  "seriously, the whole thing fell apart",
  "what, since when do you smoke",
  "are you kidding me, it's all gone",
  "wait, you told her",
};

static const char *const irritation_lines[] = {
  "I can't stand this",
  "this is ridiculous",
  "I'm sick of it",
  "that is so gross",
  "ugh, that's disgusting",
  "are you kidding me, stop it",
  "I hate when you do that",
  "get that away from me",
  "that's revolting, who does that",
  "you've got to be joking, this is unacceptable",
  "I'm fed up with all of this",
  "eww, what is that smell",
  "don't ever touch my stuff again",
  "that's nasty, put it down",
  "this is absolutely outrageous",
};

static const char *const sadness_lines[] = {
  "I miss her so much",
  "I'm really sorry, I feel terrible",
  "it's over, we broke up",
  "nobody even remembered my birthday",
  "I just feel so alone",
  "I lost my job today",
  "I wish things were different",
  "it hurts, it really hurts",
  "he's never coming back",
  "I'm so tired of being disappointed",
  "I cried all night",
  "everything is falling apart",
};

static const char *const fear_lines[] = {
  "I'm scared, what if something happens",
  "oh no, I think someone is in the house",
  "please don't leave me alone here",
  "I'm terrified of what he'll do",
  "what was that noise",
  "I'm so nervous, my hands are shaking",
  "we have to get out of here",
  "I'm afraid I'm going to mess it up",
  "help, somebody help",
  "I'm worried something bad is going to happen",
  "don't go in there",
};

/* Adjectives for negated cues: "I'm not <adj>". */
static const char *const negation_adjectives[STVA_DEMO_N_EMOTIONS][3] = {
  [STVA_DEMO_NEUTRAL] = { "bothered", "upset", "worried" },
  [STVA_DEMO_JOY] = { "happy", "thrilled", "glad" },
  [STVA_DEMO_SURPRISE] = { "surprised", "shocked", "amazed" },
  [STVA_DEMO_ANGER] = { "angry", "mad", "furious" },
  [STVA_DEMO_SADNESS] = { "sad", "upset", "heartbroken" },
  [STVA_DEMO_DISGUST] = { "disgusted", "grossed out", "sick of it" },
  [STVA_DEMO_FEAR] = { "scared", "afraid", "nervous" },
};

/* Negation frames as the text before and after the adjective. */
static const char *const negation_frames[][2] = {
  { "I'm not ", ", I'm fine" },
  { "relax, I'm not ", " at all" },
  { "honestly, I'm not even ", "" },
  { "no, I wasn't ", "" },
};

static const char *
pick (StvaRng           *rng,
      const char *const *pool,
      size_t             n)
{
  return pool[stva_rng_below (rng, (uint32_t) n)];
}

static const char *
core_line (StvaRng           *rng,
           int                shown,
           StvaDemoSentiment  sentiment)
{
  switch (shown)
    {
    case STVA_DEMO_JOY:
      return pick (rng, joy_lines, N_OF (joy_lines));
    case STVA_DEMO_SURPRISE:
      if (sentiment == STVA_DEMO_SENT_NEGATIVE)
        return pick (rng, surprise_neg_lines, N_OF (surprise_neg_lines));
      return pick (rng, surprise_pos_lines, N_OF (surprise_pos_lines));
    case STVA_DEMO_ANGER:
    case STVA_DEMO_DISGUST:
      return pick (rng, irritation_lines, N_OF (irritation_lines));
    case STVA_DEMO_SADNESS:
      return pick (rng, sadness_lines, N_OF (sadness_lines));
    case STVA_DEMO_FEAR:
      return pick (rng, fear_lines, N_OF (fear_lines));
    default:
      return pick (rng, neutral_lines, N_OF (neutral_lines));
    }
}

/* Appends a sentence: opener + body + closer, with the first letter capitalised. */
static void
append_sentence (char       *out,
                 size_t      n_out,
                 const char *opener,
                 const char *body,
                 const char *closer)
{
  size_t len = strlen (out);
  if (len > 0 && len + 1 < n_out)
    {
      out[len++] = ' ';
      out[len] = '\0';
    }
  char sentence[STVA_DEMO_TEXT_MAX];
  snprintf (sentence, sizeof sentence, "%s%s%s", opener, body, closer);
  if (sentence[0] >= 'a' && sentence[0] <= 'z')
    sentence[0] = (char) (sentence[0] - 'a' + 'A');
  snprintf (out + len, n_out - len, "%s", sentence);
}

void
stva_demo_text_make (char              *out,
                     size_t             n_out,
                     int                shown,
                     StvaDemoSentiment  sentiment,
                     bool               negated,
                     StvaRng           *rng)
{
  out[0] = '\0';
  const char *opener = pick (rng, openers, N_OF (openers));
  bool exclaim = shown == STVA_DEMO_JOY || shown == STVA_DEMO_SURPRISE || shown == STVA_DEMO_ANGER
                 || shown == STVA_DEMO_DISGUST || shown == STVA_DEMO_FEAR;
  bool question = shown == STVA_DEMO_SURPRISE && stva_rng_uniform (rng) < 0.5;

  if (negated && shown >= 0)
    {
      char body[STVA_DEMO_TEXT_MAX];
      const char *adj = negation_adjectives[shown][stva_rng_below (rng, 3)];
      const char *const *frame = negation_frames[stva_rng_below (rng, N_OF (negation_frames))];
      snprintf (body, sizeof body, "%s%s%s", frame[0], adj, frame[1]);
      append_sentence (out, n_out, opener, body, ".");
      if (stva_rng_uniform (rng) < 0.6)
        append_sentence (out, n_out, "", pick (rng, neutral_lines, N_OF (neutral_lines)), ".");
      return;
    }

  /* Emotional lines sit inside filler half of the time: before, after or both. */
  double r = stva_rng_uniform (rng);
  bool filler_before = shown >= 0 && r < 0.25;
  bool filler_after = shown >= 0 && r >= 0.25 && r < 0.5;
  if (filler_before)
    append_sentence (out, n_out, opener, pick (rng, neutral_lines, N_OF (neutral_lines)), ".");
  const char *closer = pick (rng, closers, N_OF (closers));
  if (shown >= 0 && strcmp (closer, ".") == 0)
    closer = question ? "?" : exclaim ? "!" : ".";
  append_sentence (out, n_out, filler_before ? "" : opener, core_line (rng, shown, sentiment),
                   closer);
  if (filler_after)
    append_sentence (out, n_out, "", pick (rng, neutral_lines, N_OF (neutral_lines)), ".");
  if (shown < 0 && stva_rng_uniform (rng) < 0.3)
    append_sentence (out, n_out, "", pick (rng, neutral_lines, N_OF (neutral_lines)), ".");
}
