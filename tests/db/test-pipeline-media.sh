#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The project pipeline with media (suite 'slow', about a minute): a 3-dialogue demo corpus,
# extract --project of all three modalities from the clips, train and predict on the project;
# then a dialogue video with subtitles, where each utterance's audio and video are read
# between its start and end, so two utterances of one video get different vectors.
. "$(dirname "$0")/../common/cli-test.sh"   # $synctva, $dir, fail, expect, json_int
cd "$dir" || exit 1

expect 0 "$synctva" make-demo --dialogues 3 --jobs 2 demo
expect 0 "$synctva" init p.stva
expect 0 "$synctva" import meld demo
expect 0 "$synctva" extract --project p.stva --jobs 2 --cache cache --json
n=$(json_int utterances "$dir/out")
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "extract: $(cat "$dir/out")"
grep -q "\"stored\": *{\"text\": *$n, *\"audio\": *$n, *\"visual\": *$n}" "$dir/out" \
  || fail "not every utterance got its three vectors: $(cat "$dir/out")"
grep -q '"computed_audio": *'"$n" "$dir/out" || fail "audio not computed: $(cat "$dir/out")"
# a second run takes everything from the cache and stores the same number of vectors
expect 0 "$synctva" extract --project p.stva --jobs 2 --cache cache --json
grep -q '"cached_audio": *'"$n"', *"computed_visual": *0, *"cached_visual": *'"$n" "$dir/out" \
  || fail "second extract: $(cat "$dir/out")"
expect 0 "$synctva" stats --project p.stva --json
[ "$(json_int features "$dir/out")" = $((3 * n)) ] || fail "features: $(cat "$dir/out")"

expect 0 "$synctva" train --project p.stva --out m.stvm --preset tiny --epochs 2
expect 0 "$synctva" predict --project p.stva --model m.stvm
grep -q "stored $n predictions of model 1" "$dir/out" || fail "predict: $(cat "$dir/out")"

# a dialogue video cut by subtitle times
video=$(ls demo/dialogues/*/dia*.mp4 | head -n 1)
[ -f "$video" ] || fail "no dialogue video in the demo corpus"
printf '1\n00:00:00,200 --> 00:00:01,800\nAnn: Hello there.\n\n2\n00:00:02,000 --> 00:00:03,600\nBye.\n' > ep.srt
expect 0 "$synctva" init s.stva
expect 0 "$synctva" import srt ep.srt --video "$video" --project s.stva
expect 1 "$synctva" extract --project s.stva --cache cache
grep -q 'no utterances in the train split' "$dir/err" || fail "text without train: $(cat "$dir/err")"
expect 0 "$synctva" extract --project s.stva --cache cache --modalities A,V --json
grep -q '"stored": *{"text": *0, *"audio": *2, *"visual": *2}' "$dir/out" \
  || fail "subtitled video: $(cat "$dir/out")"
if command -v sqlite3 >/dev/null 2>&1; then
  d=$(sqlite3 s.stva "SELECT count (DISTINCT data) FROM feature WHERE modality = 'audio'")
  [ "$d" = 2 ] || fail "the two utterances of one video have the same audio vector"
fi

# the same recording, in no split, joins the trained project: predicted with the rest
expect 0 "$synctva" import srt ep.srt --video "$video" --project p.stva
expect 0 "$synctva" extract --project p.stva --jobs 2 --cache cache --json
expect 0 "$synctva" predict --project p.stva --model m.stvm --split none --out none.csv
grep -q "stored 2 predictions of model 1" "$dir/out" || fail "predict split none: $(cat "$dir/out")"
[ "$(grep -c ',none,' none.csv)" = 2 ] || fail "predict --out, split none: $(cat none.csv)"
expect 0 "$synctva" predict --project p.stva --model m.stvm
grep -q "stored $((n + 2)) predictions of model 1" "$dir/out" || fail "predict all: $(cat "$dir/out")"
echo "ok"
