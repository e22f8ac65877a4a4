#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# synctva train, eval and model info on the engine: options refused by name (exit 2), --help
# (exit 0), train on a project and an npz file, retraining with --from (the parent recorded),
# eval --split all, and eval --compare's numbers equal to two separate evals.
# usage: test-train-cli.sh SYNCTVA MAKE-TRAIN-FIXTURE
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
"$fixture" npz d.npz || fail "fixture npz"
"$fixture" project p.stva || fail "fixture project"
tiny="--preset tiny --batch 2 --lr 0.02"

# usage: unknown, misplaced and incomplete options, stray arguments, --help
expect 2 "$synctva" train --tier X --out m.stvm; named "--tier"
expect 2 "$synctva" eval --model m.stvm --out x.stvm; named "--out"
expect 2 "$synctva" eval --model m.stvm --epochs 3; named "--epochs"
expect 2 "$synctva" model info --epochs 3 m.stvm; named "--epochs"
expect 2 "$synctva" train --out m.stvm --epochs; named "--epochs"
expect 2 "$synctva" train --out m.stvm stray; named "stray"
expect 2 "$synctva" train --project p.stva; named "needs --out"
expect 2 "$synctva" eval --project p.stva; named "needs --model"
expect 2 "$synctva" eval --model m.stvm --split bogus; named "bogus"
expect 2 "$synctva" train --project p.stva --data d.npz --out m.stvm; named "not both"
expect 2 "$synctva" train --project p.stva --out m.stvm --preset nope; named "nope"
expect 2 "$synctva" train --project p.stva --out m.stvm --set nokey; named "nokey"
[ ! -e m.stvm ] || fail "a refused train wrote a model"
expect 0 "$synctva" train --help; grep -q -- "--from" "$dir/out" || fail "train --help"
expect 0 "$synctva" eval --help; grep -q -- "--compare" "$dir/out" || fail "eval --help"
expect 0 "$synctva" model info --help; grep -q -- "--json" "$dir/out" || fail "model info --help"

# train on the project: registered, an epoch line each on stderr
expect 0 "$synctva" train --project p.stva --out m1.stvm $tiny --epochs 4 --seed 3 --json
grep -q '"model_id": *1' "$dir/out" || fail "train: $(cat "$dir/out")"
[ "$(grep -c '^epoch ' "$dir/err")" = 4 ] || fail "epoch lines: $(cat "$dir/err")"
expect 0 "$synctva" train --project p.stva --out m2.stvm $tiny --epochs 2 --seed 4 --json
grep -q '"model_id": *2' "$dir/out" || fail "train 2: $(cat "$dir/out")"
expect 0 "$synctva" model info m1.stvm
grep -q 'format version 2' "$dir/out" || fail "model info: no training state: $(cat "$dir/out")"

# eval: every split, and two models compared
expect 0 "$synctva" eval --project p.stva --model m1.stvm --split all --json
grep -q '"split": *"all"' "$dir/out" || fail "eval all: $(cat "$dir/out")"
grep -q '"n": *56' "$dir/out" || fail "eval all: not 56 utterances: $(cat "$dir/out")"
expect 0 "$synctva" eval --project p.stva --model m1.stvm --split all
grep -q '^all: 56 utterances' "$dir/out" || fail "eval all table: $(cat "$dir/out")"
expect 1 "$synctva" eval --project p.stva --model m1.stvm --split none
grep -q 'p.stva has no dialogues in the none split' "$dir/err" || fail "none: $(cat "$dir/err")"
expect 0 "$synctva" eval --project p.stva --model m1.stvm --split dev --json
cp "$dir/out" a.json
expect 0 "$synctva" eval --project p.stva --model m2.stvm --split dev --json
cp "$dir/out" b.json
expect 0 "$synctva" eval --project p.stva --model m1.stvm --compare m2.stvm --split dev --json
cp "$dir/out" ab.json
expect 0 "$synctva" eval --project p.stva --model m1.stvm --compare m2.stvm --split dev
grep -q 'weighted F1' "$dir/out" && grep -q 'change' "$dir/out" \
  || fail "compare table: $(cat "$dir/out")"
python3 - a.json b.json ab.json <<'PY' || fail "eval --compare differs from two evals"
import json, sys
a, b, ab = (json.load(open(p)) for p in sys.argv[1:])
assert [m['model'] for m in ab['models']] == ['m1.stvm', 'm2.stvm'], ab
for one, both in ((a, ab['models'][0]), (b, ab['models'][1])):
    for key in ('n', 'accuracy', 'weighted_f1', 'macro_f1', 'per_class', 'confusion'):
        assert one[key] == both[key], (key, one[key], both[key])
for key in ('accuracy', 'weighted_f1', 'macro_f1'):
    assert abs(ab['delta'][key] - (b[key] - a[key])) < 1e-12, key
for label, d in ab['delta']['per_class_f1'].items():
    assert abs(d - (b['per_class'][label]['f1'] - a['per_class'][label]['f1'])) < 1e-12, label
print('compare ok')
PY

# stored predictions: model 1 predicted into the project scores as its file does
expect 2 "$synctva" eval --project p.stva --model m1.stvm --model-id 1; named "one model"
expect 1 "$synctva" eval --project p.stva --model-id 1 --split test
grep -q 'model 1' "$dir/err" || fail "eval of a model with no stored predictions: $(cat "$dir/err")"
expect 0 "$synctva" predict --project p.stva --model m1.stvm
expect 0 "$synctva" eval --project p.stva --model-id 1 --split dev --json
cp "$dir/out" s.json
expect 0 "$synctva" eval --project p.stva --model m1.stvm --compare-id 1 --split dev --json
cp "$dir/out" as.json
expect 0 "$synctva" eval --project p.stva --model m1.stvm --compare-id 1 --split dev
grep -q 'B = m1.stvm (model 1, stored predictions, 12 utterances)' "$dir/out" \
  || fail "compare with stored: $(cat "$dir/out")"
python3 - a.json s.json as.json <<'PY' || fail "stored predictions score otherwise than the file"
import json, sys
a, s, both = (json.load(open(p)) for p in sys.argv[1:])
assert s['model_id'] == 1 and s['model'] == 'm1.stvm', s
for key in ('n', 'per_class', 'confusion'):
    assert a[key] == s[key], (key, a[key], s[key])
for key in ('accuracy', 'weighted_f1', 'macro_f1'):
    assert abs(a[key] - s[key]) < 1e-12, key
    assert abs(both['delta'][key]) < 1e-12, key
print('stored ok')
PY

# retraining: the architecture stays, the parent is recorded
expect 2 "$synctva" train --project p.stva --from m1.stvm --out r.stvm --preset tiny
named "architecture"
expect 2 "$synctva" train --project p.stva --from m1.stvm --out r.stvm --set D=16
named "D cannot change"
expect 0 "$synctva" train --project p.stva --from m1.stvm --out r.stvm --epochs 6 --json
grep -q '"model_id": *3' "$dir/out" || fail "retrain: $(cat "$dir/out")"
grep -q '"parent_id": *1' "$dir/out" || fail "retrain parent: $(cat "$dir/out")"
[ "$(grep -c '^epoch ' "$dir/err")" = 2 ] || fail "retrain ran epochs 5-6 only: $(cat "$dir/err")"
grep -q '^epoch   5/6' "$dir/err" || fail "retrain epochs: $(cat "$dir/err")"

# Ctrl-C after the first epoch: the best model so far saved and registered, the run marked
"$synctva" train --project p.stva --out int.stvm --batch 2 --epochs 2000 --patience 2000 --json \
  > int.out 2> int.err &
pid=$!
i=0
until grep -q '^epoch ' int.err; do
  i=$((i + 1))
  [ $i -lt 600 ] || { kill $pid; fail "no epoch line in a minute: $(cat int.err)"; }
  sleep 0.1
done
kill -INT $pid
wait $pid; rc=$?
[ $rc = 0 ] || fail "interrupted train exited $rc: $(cat int.err)"
grep -q '"interrupted": *true' int.out || fail "not marked interrupted: $(cat int.out)"
grep -q 'cancelled: the best model so far (epoch [0-9]*) saved to int.stvm, registered as model 4' \
  int.err || fail "interrupt message: $(tail -n 3 int.err)"
[ -s int.stvm ] || fail "interrupted train saved no model"
expect 0 "$synctva" eval --project p.stva --model int.stvm --split test

# an npz file: trained and scored, nothing registered
expect 0 "$synctva" train --data d.npz --out n.stvm $tiny --epochs 2 --json
! grep -q 'model_id' "$dir/out" || fail "npz train registered: $(cat "$dir/out")"
expect 0 "$synctva" eval --data d.npz --model n.stvm --split test --json
grep -q '"n": *12' "$dir/out" || fail "npz eval: $(cat "$dir/out")"
echo "all ok"
