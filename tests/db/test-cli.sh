#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The project commands of synctva end to end: init, import meld, stats (table and --json),
# export csv|jsonl|meld, project lookup (--project, $SYNCTVA_PROJECT, the single *.stva here),
# and the exit codes (1 with "synctva: <message>" for user errors, 2 for bad usage).
. "$(dirname "$0")/../common/cli-test.sh"   # $synctva, $dir, fail, expect, json_int

mkdir -p "$dir/meld/train_splits" "$dir/work" "$dir/two"
printf 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n1,"Hi, you.",Ann,joy,positive,0,0,1,1,"00:00:00,000","00:00:01,000"\r\n2,No.,Bob,anger,negative,0,1,1,1,"00:00:01,500","00:00:02,250"\r\n' > "$dir/meld/train_sent_emo.csv"
: > "$dir/meld/train_splits/dia0_utt0.mp4"
cd "$dir/work" || exit 1

expect 1 "$synctva" stats
grep -q '^synctva: no project' "$dir/err" || fail "stats without a project: $(cat "$dir/err")"
expect 0 "$synctva" init
[ -f project.stva ] || fail "init made no project.stva"
expect 1 "$synctva" init
grep -q '^synctva: project.stva: already exists' "$dir/err" || fail "second init"
expect 1 "$synctva" init nowhere/p.stva
grep -q 'nowhere/p.stva: cannot be written: folder nowhere' "$dir/err" || fail "init into no folder: $(cat "$dir/err")"
expect 2 "$synctva" import
expect 2 "$synctva" import nonsense x
expect 2 "$synctva" import pickle x.pkl   # a kind this build does not read is unknown
grep -q "unknown import kind 'pickle'" "$dir/err" || fail "import pickle: $(cat "$dir/err")"
expect 2 "$synctva" import csv x.csv
expect 2 "$synctva" stats --bogus

expect 0 "$synctva" import meld ../meld
grep -q 'Imported 1 dialogues, 2 utterances, 1 clips' "$dir/out" || fail "import: $(cat "$dir/out")"
grep -q 'dia0_utt1.mp4: missing clip' "$dir/err" || fail "missing clip not reported"
expect 1 "$synctva" import meld ../meld
grep -q 'already in' "$dir/err" || fail "second import: $(cat "$dir/err")"
expect 1 "$synctva" import meld ../nowhere

expect 0 "$synctva" stats
grep -q 'reviewed 0 of 2 utterances' "$dir/out" || fail "stats table: $(cat "$dir/out")"
expect 0 "$synctva" stats --json
grep -q '"utterances":{"train":2,"dev":0,"test":0,"none":0}' "$dir/out" || fail "stats json"
grep -q '"joy":{"gold":1,"current":1' "$dir/out" || fail "stats json labels"

expect 0 "$synctva" export meld ../exported
cmp -s ../meld/train_sent_emo.csv ../exported/train_sent_emo.csv || fail "MELD export differs"
expect 0 "$synctva" export csv ../exported.csv
grep -q '"Hi, you."' ../exported.csv || fail "csv export"
expect 0 "$synctva" export jsonl ../exported.jsonl
[ "$(wc -l < ../exported.jsonl)" = 2 ] || fail "jsonl rows"
expect 2 "$synctva" export pdf x
expect 1 "$synctva" export csv ../exported.csv --label-set nope
expect 1 "$synctva" export csv ../exported   # a folder
grep -q 'exported: is a folder, not a file name' "$dir/err" || fail "export onto a folder: $(cat "$dir/err")"
expect 1 "$synctva" export npz ../nowhere/x.npz
grep -q 'x.npz: cannot be written: folder ../nowhere' "$dir/err" || fail "export into no folder: $(cat "$dir/err")"

# subtitles with the video beside them
printf '1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello there.\n\n2\n00:00:02,500 --> 00:00:03,000\nBye.\n' > ../ep1.srt
: > ../ep1.mp4
expect 0 "$synctva" import srt ../ep1.srt --split test
grep -q 'Imported 1 dialogues, 2 utterances, 0 clips, 1 dialogue videos' "$dir/out" || fail "srt: $(cat "$dir/out")"
expect 1 "$synctva" import srt ../ep1.srt --split test
expect 2 "$synctva" export vtt ../ep1.vtt
expect 0 "$synctva" export vtt ../ep1.vtt --dialogue 2
grep -q '<v Ann>Hello there.' ../ep1.vtt || fail "vtt export: $(cat ../ep1.vtt)"

# ELAN: export a dialogue, import it back under another split
expect 0 "$synctva" export eaf ../d1.eaf --dialogue 1
grep -q 'CONTROLLED_VOCABULARY CV_ID="meld"' ../d1.eaf || fail "eaf export"
expect 0 "$synctva" import eaf ../d1.eaf --split dev
grep -q 'Imported 1 dialogues, 2 utterances' "$dir/out" || fail "eaf import: $(cat "$dir/out")"
expect 1 "$synctva" import eaf ../ep1.srt

# Praat: the same
expect 0 "$synctva" export textgrid ../d1.TextGrid --dialogue 1
expect 0 "$synctva" import textgrid ../d1.TextGrid --split test
grep -q 'Imported 1 dialogues, 2 utterances' "$dir/out" || fail "textgrid import: $(cat "$dir/out")"

# npz: the dataset layout core reads
expect 0 "$synctva" export npz ../data.npz
[ -s ../data.npz ] || fail "npz export"
expect 1 "$synctva" import npz ../data.npz

# each command takes only its own options, each import and export kind only its own; every
# command's --help exits 0; a misplaced option exits 2 naming it
expect 2 "$synctva" init --tier X
grep -q 'init: Unknown option --tier' "$dir/err" || fail "init --tier: $(cat "$dir/err")"
expect 2 "$synctva" import meld ../meld --tier X
grep -q 'import meld: Unknown option --tier' "$dir/err" || fail "import meld --tier: $(cat "$dir/err")"
expect 2 "$synctva" import srt ../ep1.srt --columns a=b
grep -q 'import srt: Unknown option --columns' "$dir/err" || fail "srt --columns: $(cat "$dir/err")"
expect 2 "$synctva" import npz ../data.npz --split test
grep -q 'import npz: Unknown option --split' "$dir/err" || fail "npz --split: $(cat "$dir/err")"
expect 2 "$synctva" export meld ../e2 --model 1
grep -q 'export meld: Unknown option --model' "$dir/err" || fail "export meld --model: $(cat "$dir/err")"
expect 2 "$synctva" export csv ../x.csv --dialogue 1
expect 2 "$synctva" export csv ../x.csv --model one
grep -q -- "--model takes an id" "$dir/err" || fail "export --model one: $(cat "$dir/err")"
expect 2 "$synctva" stats --dialogue 1
expect 2 "$synctva" merge ../m.stva ../a.stva --project x
expect 2 "$synctva" make-demo --split test ../demo
expect 2 "$synctva" label-set list --keys 1
expect 2 "$synctva" label-set remove x
grep -q "unknown subcommand 'remove'" "$dir/err" || fail "label-set remove: $(cat "$dir/err")"
expect 2 "$synctva" import srt ../ep1.srt --split all
grep -q 'an import goes into one split' "$dir/err" || fail "--split all: $(cat "$dir/err")"
expect 2 "$synctva" import meld
for c in init import "import meld" "import iemocap" "import srt" "import vtt" "import eaf" \
         "import textgrid" "import csv" "import npz" export "export csv" "export meld" \
         "export npz" "export vtt" "export eaf" stats merge make-demo label-set \
         "label-set create" "label-set list"; do
  # shellcheck disable=SC2086
  expect 0 "$synctva" $c --help
  grep -q 'Usage:' "$dir/out" || fail "$c --help: $(cat "$dir/out")"
done
expect 0 "$synctva" import csv --help
grep -q -- '--split=S' "$dir/out" && grep -q -- '--columns' "$dir/out" || fail "import csv --help"
! grep -q -- '--tier' "$dir/out" || fail "import csv --help lists --tier"

# label sets: defaults (keys 1-9 then letters, the palette), given keys and colours, errors
expect 0 "$synctva" label-set create valence positive,negative,neutral --description "Valence"
grep -q 'Added label set valence' "$dir/out" || fail "label-set create: $(cat "$dir/out")"
expect 0 "$synctva" label-set create arousal low,high --keys a,B --colours '#112233,#AABBCC' --json
grep -q '"name":"high","key":"b","colour":"#AABBCC"' "$dir/out" || fail "label-set --json: $(cat "$dir/out")"
expect 1 "$synctva" label-set create valence a,b
grep -q "a label set called 'valence' is already there" "$dir/err" || fail "duplicate set: $(cat "$dir/err")"
expect 1 "$synctva" label-set create solo one
grep -q 'a set has at least two' "$dir/err" || fail "one label: $(cat "$dir/err")"
expect 1 "$synctva" label-set create keyed a,b --keys 1,j
grep -q "'j' (label 'b') is not a key" "$dir/err" || fail "key j: $(cat "$dir/err")"
expect 1 "$synctva" label-set create painted a,b --colours '#000000,blue'
grep -q "'blue' (label 'b') is not a colour" "$dir/err" || fail "colour: $(cat "$dir/err")"
expect 2 "$synctva" label-set create short a,b,c --keys 1,2
grep -q -- '--keys gives 2 keys for 3 labels' "$dir/err" || fail "short keys: $(cat "$dir/err")"
expect 2 "$synctva" label-set create nolabels
expect 0 "$synctva" label-set list
grep -q '^valence: 3 labels, 0 gold labels - Valence' "$dir/out" || fail "list: $(cat "$dir/out")"
grep -q '^meld: 7 labels, [1-9][0-9]* gold labels' "$dir/out" || fail "list meld: $(cat "$dir/out")"
grep -q '^  3   neutral ' "$dir/out" || fail "list keys: $(cat "$dir/out")"
expect 0 "$synctva" label-set list --json
/usr/bin/python3 - "$dir/out" <<'PY' || fail "label-set list --json"
import json, sys
d = json.load(open(sys.argv[1]))
sets = {s["name"]: s for s in d["label_sets"]}
assert [l["key"] for l in sets["valence"]["labels"]] == ["1", "2", "3"], sets["valence"]
assert sets["arousal"]["labels"][0] == {"name": "low", "key": "a", "colour": "#112233"}
assert sets["meld"]["gold_labels"] > 0 and sets["valence"]["gold_labels"] == 0
assert all(l["colour"].startswith("#") and len(l["colour"]) == 7 for s in sets.values()
           for l in s["labels"])
PY

# a CSV that holds one split, labelled in the new set
printf 'dia,text,who,v\n1,"Great, thanks",Ann,positive\n1,Awful,Bob,negative\n2,Fine,Ann,neutral\n' > ../one.csv
expect 0 "$synctva" import csv ../one.csv --columns dialogue=dia,text=text,speaker=who,label=v \
  --label-set valence --split dev --json
grep -q '"dialogues":2,"utterances":3' "$dir/out" || fail "import csv --split: $(cat "$dir/out")"
expect 0 "$synctva" stats --label-set valence --json
grep -q '"utterances":{"train":[0-9]*,"dev":[1-9]' "$dir/out" || fail "csv in dev: $(cat "$dir/out")"
grep -q '"positive":{"gold":1' "$dir/out" || fail "csv labels: $(cat "$dir/out")"
expect 1 "$synctva" import csv ../one.csv --columns dialogue=dia,text=text,split=who --split test
grep -q 'the split is given twice' "$dir/err" || fail "split twice: $(cat "$dir/err")"
expect 0 "$synctva" label-set list --json
grep -q '"name":"valence","description":"Valence","gold_labels":3' "$dir/out" \
  || fail "gold labels of valence: $(cat "$dir/out")"

# ELAN from another lab (tests/db/data/eaf): its tiers, then the chosen ones into a new set
eaf="$(cd "$(dirname "$0")" && pwd)/data/eaf"
expect 0 "$synctva" import eaf "$eaf/two-speakers.eaf" --list-tiers
grep -q 'Symbolic_Association of Speaker A, 2 annotations' "$dir/out" \
  || fail "eaf --list-tiers: $(cat "$dir/out")"
expect 0 "$synctva" import eaf "$eaf/external-cv.eaf" --list-tiers --json
grep -q '"id":"Emotion",.*"vocabulary_url":"https://cv.example.org/lab-c/emotionen.ecv","vocabulary_values":\["Neutral","Freude","Trauer","Ärger"\]' \
  "$dir/out" || fail "eaf --list-tiers --json: $(cat "$dir/out")"
expect 2 "$synctva" import eaf "$eaf/two-speakers.eaf" --speaker-tiers "Speaker A" \
  --label-tier "Emotion A" --label-set meld --new-label-set x
grep -q -- '--label-set or --new-label-set, not both' "$dir/err" || fail "both sets: $(cat "$dir/err")"
expect 2 "$synctva" import eaf "$eaf/two-speakers.eaf" --new-label-set x
expect 2 "$synctva" import eaf "$eaf/two-speakers.eaf" --tier Emotion-gold --label-tier "Emotion A"
expect 2 "$synctva" import eaf "$eaf/two-speakers.eaf" --list-tiers --label-tier "Emotion A"
expect 1 "$synctva" import eaf "$eaf/two-speakers.eaf" --speaker-tiers "Speaker A,Speaker C"
grep -q "two-speakers.eaf: no tier 'Speaker C'; its tiers are: Speaker A, Speaker B, Emotion A, Emotion B" \
  "$dir/err" || fail "eaf missing tier: $(cat "$dir/err")"
expect 1 "$synctva" import eaf "$eaf/external-cv.eaf" --speaker-tiers Sprecher1,Sprecher2 \
  --label-tier Valenz --label-set meld
grep -q "not in the label set 'meld': positiv, negativ; its labels are: neutral," "$dir/err" \
  || fail "eaf values outside the set: $(cat "$dir/err")"
expect 0 "$synctva" import eaf "$eaf/two-speakers.eaf" --speaker-tiers "Speaker A,Speaker B" \
  --label-tier "Emotion A,Emotion B" --new-label-set lab-a --split test
grep -q 'Imported 1 dialogues, 4 utterances' "$dir/out" || fail "eaf choice: $(cat "$dir/out")"
expect 0 "$synctva" stats --label-set lab-a --json
grep -q '"labels":{"neutral":{"gold":1,.*"joy":{"gold":1,.*"surprise":{"gold":1,.*"anger":{"gold":1,.*"sadness":{"gold":0,.*"fear":{"gold":0,.*"disgust":{"gold":0,' \
  "$dir/out" || fail "eaf choice labels in the CV's order: $(cat "$dir/out")"
expect 1 "$synctva" import eaf "$eaf/two-speakers.eaf" --speaker-tiers "Speaker A,Speaker B" \
  --label-tier "Emotion A,Emotion B" --new-label-set lab-b --split test
grep -q 'already in' "$dir/err" || fail "eaf choice twice: $(cat "$dir/err")"
expect 0 "$synctva" label-set list
! grep -q 'lab-b' "$dir/out" || fail "a refused import left its new label set"

# project lookup: --project and $SYNCTVA_PROJECT from elsewhere; two *.stva here is ambiguous
cd "$dir/two" || exit 1
expect 0 "$synctva" stats --project ../work/project.stva
SYNCTVA_PROJECT=../work/project.stva expect 0 "$synctva" stats
expect 0 "$synctva" init a.stva
expect 0 "$synctva" init --project b.stva
expect 1 "$synctva" stats
grep -q '2 \*.stva files here' "$dir/err" || fail "ambiguous project: $(cat "$dir/err")"
printf 'garbage garbage garbage' > c.stva
expect 1 "$synctva" stats --project c.stva
grep -q '^synctva: c.stva: not a Sync-TVA project' "$dir/err" || fail "garbage: $(cat "$dir/err")"
# a batch job in two shards run through GNU parallel, merged: equal to a single run
if command -v parallel >/dev/null; then
  mkdir -p ../big
  {
    printf 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n'
    n=1
    for d in 0 1 2 3 4; do
      for u in 0 1 2; do
        printf '%d,"Line %d, dialogue %d.",S%d,%s,neutral,%d,%d,1,1,"00:00:0%d,000","00:00:0%d,500"\r\n' \
          $n $u $d $u "$(echo joy anger fear | cut -d' ' -f$((u + 1)))" $d $u $u $u
        n=$((n + 1))
      done
    done
  } > ../big/train_sent_emo.csv
  expect 0 "$synctva" init ../single.stva
  expect 0 "$synctva" import meld ../big --project ../single.stva
  parallel --will-cite "$synctva" init ../shard{}.stva ::: 0 1 >/dev/null || fail "parallel init"
  parallel --will-cite "$synctva" import meld ../big --shard {}/2 --project ../shard{}.stva \
    ::: 0 1 >/dev/null 2>&1 || fail "parallel import"
  expect 0 "$synctva" stats --project ../shard1.stva --json
  grep -q '"utterances":{"train":6,' "$dir/out" || fail "shard 1 of 2: $(cat "$dir/out")"
  expect 0 "$synctva" merge ../merged.stva ../shard0.stva ../shard1.stva
  grep -q 'Merged 2 projects into ../merged.stva: 15 utterances' "$dir/out" || fail "merge: $(cat "$dir/out")"
  expect 1 "$synctva" merge ../merged.stva ../shard0.stva
  expect 2 "$synctva" merge ../only.stva
  expect 0 "$synctva" export meld ../e-single --project ../single.stva
  expect 0 "$synctva" export meld ../e-merged --project ../merged.stva
  cmp -s ../e-single/train_sent_emo.csv ../e-merged/train_sent_emo.csv || fail "merge differs"
  "$synctva" stats --json --project ../single.stva | sed 's/"project":"[^"]*"//' > ../s1.json
  "$synctva" stats --json --project ../merged.stva | sed 's/"project":"[^"]*"//' > ../s2.json
  cmp -s ../s1.json ../s2.json || fail "stats of the merge differ from a single run"
else
  echo "GNU parallel not installed: sharded run skipped" >&2
fi
echo "ok"
