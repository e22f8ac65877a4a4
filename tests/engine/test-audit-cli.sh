#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# synctva audit: --help (exit 0), bad options refused by name (exit 2) with nothing stored, a
# real audit on a small project with --csv and --json (the CSV's rows are the JSON's items in
# rank order), and the same ranking again for the same seed.
# usage: test-audit-cli.sh SYNCTVA MAKE-TRAIN-FIXTURE
set -u
abs () { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
synctva=$(abs "$1") fixture=$(abs "$2")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail () { echo "FAIL: $*" >&2; exit 1; }
expect () {   # expect STATUS COMMAND...: run, compare the exit status
  want=$1; shift
  "$@" >"$dir/out" 2>"$dir/err"; got=$?
  [ "$got" = "$want" ] || { cat "$dir/out" "$dir/err" >&2; fail "'$*' exited $got, want $want"; }
}
named () {   # named TEXT: stderr names it
  grep -q -- "$1" "$dir/err" || fail "stderr does not name '$1': $(cat "$dir/err")"
}
cd "$dir" || exit 1
"$fixture" project p.stva || fail "fixture project"
tiny="--preset tiny --batch 2 --lr 0.02 --epochs 4"

expect 0 "$synctva" audit --help
grep -q "confident learning" "$dir/out" || fail "audit --help says no method"
grep -q -- "--folds" "$dir/out" || fail "audit --help lists no --folds"
expect 2 "$synctva" audit --project p.stva --folds 1; named "--folds"
expect 2 "$synctva" audit --project p.stva --folds 21; named "--folds"
expect 2 "$synctva" audit --project p.stva --folds x; named "--folds"
expect 2 "$synctva" audit --project p.stva --seed -1; named "--seed"
expect 2 "$synctva" audit --project p.stva --split dev; named "dev"
expect 2 "$synctva" audit --project p.stva --top many; named "--top"
expect 2 "$synctva" audit --project p.stva --bogus; named "--bogus"
expect 2 "$synctva" audit --project p.stva stray; named "stray"
expect 2 "$synctva" audit --data d.npz; named "--data"
expect 2 "$synctva" audit --project p.stva --preset nope; named "nope"
expect 2 "$synctva" audit --project p.stva --set nokey; named "nokey"
expect 1 "$synctva" audit --project missing.stva $tiny
[ "$(sqlite3 p.stva 'SELECT count(*) FROM audit_run')" = 0 ] || fail "a refused audit stored a run"

# 8 train dialogues, 4 folds
expect 0 "$synctva" audit --project p.stva $tiny --folds 4 --csv a.csv --json --top 0
cp "$dir/out" a.json
head -1 a.csv | grep -q "^utterance_id,dialogue,split,index,text,given,suggested,score,rank," \
  || fail "CSV header: $(head -1 a.csv)"
[ "$(wc -l < a.csv)" = 33 ] || fail "CSV rows: $(wc -l < a.csv), want 32 + header"
python3 - a.json a.csv <<'PY' || fail "JSON and CSV disagree"
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert j["ranked"] == 32 and j["folds"] == 4 and j["split"] == "train", j
assert [i["utterance_id"] for i in j["items"]] == [int(r["utterance_id"]) for r in rows]
assert [int(r["rank"]) for r in rows] == list(range(1, 33))
PY
expect 0 "$synctva" audit --project p.stva $tiny --folds 4 --csv b.csv
cmp -s a.csv b.csv || fail "the same seed gave another ranking"
grep -q "audit run 2 stored" "$dir/out" || fail "table: $(head -1 "$dir/out")"
[ "$(sqlite3 p.stva 'SELECT count(*) FROM audit_run')" = 2 ] || fail "two runs not stored"
echo "audit cli: ok"
