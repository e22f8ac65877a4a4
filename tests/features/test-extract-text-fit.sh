#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# synctva extract --project records the text encoder's fit: every text vector of the project is
# stored with the fit id (fit-<hash of the fitted IDF>) as its extractor version; a second run on
# the same project fits the same encoder and stores identical vectors; a changed train split
# (a subtitled dialogue imported into it) gives another fit, and every text vector, old
# utterances included, is re-encoded with it, so the project never holds two fits; a shard run
# re-encodes the text of the whole project too.
. "$(dirname "$0")/../common/cli-test.sh"   # $synctva, $dir, fail, expect, json_int
json_fit () {   # the text_fit of an extract --json summary
  sed -n 's/.*"text_fit": *"\(fit-[0-9a-f]*\)".*/\1/p' "$1" | head -n 1
}

# a small corpus whose transcripts draw on one vocabulary in different proportions, so the
# IDF (and with it every vector) depends on which dialogues are in the train split
mkdir -p "$dir/meld" "$dir/work"
header='Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime'
write_split () {   # write_split FILE N_DIALOGUES SALT
  {
    printf '%s\r\n' "$header"
    n=1; d=0
    while [ $d -lt "$2" ]; do
      u=0
      while [ $u -lt 4 ]; do
        case $(( (d * 3 + u + $3) % 5 )) in
          0) text="I am so happy today, great news!" ;;
          1) text="This is awful, I hate the bus" ;;
          2) text="Okay... the bus leaves at nine" ;;
          3) text="Oh my God, you got the apartment?" ;;
          *) text="No no no, not the coffee again" ;;
        esac
        printf '%d,"%s",Ann,neutral,neutral,%d,%d,1,1,"00:00:0%d,000","00:00:0%d,500"\r\n' \
          $n "$text" $d $u $u $u
        n=$((n + 1)); u=$((u + 1))
      done
      d=$((d + 1))
    done
  } > "$dir/meld/$1"
}
write_split train_sent_emo.csv 5 0
write_split dev_sent_emo.csv 2 1
write_split test_sent_emo.csv 2 2
cd "$dir/work" || exit 1
expect 0 "$synctva" init p.stva
expect 0 "$synctva" import meld ../meld

# the first run: a fit over the 20 training utterances, 36 new vectors
expect 0 "$synctva" extract --modalities T --json
fit1=$(json_fit "$dir/out")
[ -n "$fit1" ] || fail "no text_fit in $(cat "$dir/out")"
[ "$(json_int text_fit_on "$dir/out")" = 20 ] || fail "fit on: $(cat "$dir/out")"
[ "$(json_int text_new "$dir/out")" = 36 ] || fail "new: $(cat "$dir/out")"
[ "$(json_int text_changed "$dir/out")" = 0 ] || fail "changed: $(cat "$dir/out")"
expect 0 "$synctva" export npz first.npz

# again: the same fit, nothing changed, the same dataset byte for byte
expect 0 "$synctva" extract --modalities T --json
[ "$(json_fit "$dir/out")" = "$fit1" ] || fail "a second run fitted $(json_fit "$dir/out"), not $fit1"
[ "$(json_int text_new "$dir/out")" = 0 ] || fail "second run, new: $(cat "$dir/out")"
[ "$(json_int text_changed "$dir/out")" = 0 ] || fail "second run, changed: $(cat "$dir/out")"
expect 0 "$synctva" export npz second.npz
cmp -s first.npz second.npz || fail "a second run changed the exported features"
expect 0 "$synctva" extract --modalities T
grep -q "($fit1); text vectors of every utterance: 36 stored, 0 new, 0 changed$" "$dir/out" \
  || fail "summary: $(cat "$dir/out")"

# the train split changes: a subtitled dialogue joins it
printf '1\n00:00:01,000 --> 00:00:02,000\nZebra! The zebra drinks coffee\n\n' > extra.srt
printf '2\n00:00:03,000 --> 00:00:04,000\nA zebra, great news\n\n' >> extra.srt
expect 0 "$synctva" import srt extra.srt --split train
expect 0 "$synctva" extract --modalities T --json
fit2=$(json_fit "$dir/out")
[ -n "$fit2" ] && [ "$fit2" != "$fit1" ] || fail "the changed split kept fit $fit1: $(cat "$dir/out")"
[ "$(json_int text_fit_on "$dir/out")" = 22 ] || fail "refit on: $(cat "$dir/out")"
[ "$(json_int text_new "$dir/out")" = 2 ] || fail "refit, new: $(cat "$dir/out")"
[ "$(json_int text_changed "$dir/out")" -ge 30 ] || fail "refit, changed: $(cat "$dir/out")"
expect 0 "$synctva" extract --modalities T
grep -q "a new fit" "$dir/out" && fail "a run after the refit still reports changes: $(cat "$dir/out")"

# a shard run re-encodes the whole project's text with its fit (never a mix)
expect 0 "$synctva" extract --modalities T --shard 1/2 --json
[ "$(json_fit "$dir/out")" = "$fit2" ] || fail "shard fit: $(cat "$dir/out")"
[ "$(json_int text "$dir/out")" = 38 ] || fail "shard stored: $(cat "$dir/out")"

if command -v sqlite3 >/dev/null 2>&1; then
  rows=$(sqlite3 p.stva "SELECT extractor_version, count (*) FROM feature WHERE modality = 'text'
                         GROUP BY extractor_version")
  [ "$rows" = "$fit2|38" ] || fail "text vectors by fit: $rows"
fi
# an output or a cache that cannot be written is refused before any extraction, on a corpus
# folder and on a project
expect 1 "$synctva" extract --modalities T --out nowhere/f.npz ../meld
grep -q 'nowhere/f.npz: cannot be written: folder nowhere' "$dir/err" || fail "out: $(cat "$dir/err")"
expect 1 "$synctva" extract --modalities T --out . ../meld
grep -q 'is a folder, not a file name' "$dir/err" || fail "out onto a folder: $(cat "$dir/err")"
expect 1 "$synctva" extract --modalities T --cache p.stva ../meld
grep -q 'p.stva: not a folder' "$dir/err" || fail "cache, corpus: $(cat "$dir/err")"
expect 1 "$synctva" extract --modalities T --cache p.stva
grep -q 'p.stva: not a folder' "$dir/err" || fail "cache, project: $(cat "$dir/err")"
! grep -q 'extracting' "$dir/err" || fail "extracted before refusing: $(cat "$dir/err")"
expect 1 "$synctva" extract --modalities T --cache "" ../meld
grep -q 'an empty folder name' "$dir/err" || fail "empty cache name: $(cat "$dir/err")"
expect 1 "$synctva" extract --modalities T --out "" ../meld
grep -q 'an empty output file name' "$dir/err" || fail "empty out name: $(cat "$dir/err")"
expect 0 "$synctva" extract --modalities T --cache new/cache --out f.npz ../meld
[ -s f.npz ] && [ -d new/cache ] || fail "extract into a new cache folder"

echo "ok: fits $fit1 then $fit2"
