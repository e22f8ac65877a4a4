#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The label audit's report (issue #16), not a test.  On a demo corpus with planted label noise
# (make-demo --label-noise, the true labels kept in its hidden manifest):
#   1. the share of planted errors of the train split among the first N of the audit's ranking
#      (synctva audit, 5 folds) against the same for the full-data model's disagreement
#      (synctva train + predict, the review queue's STVA_DB_QUEUE_MODEL_DISAGREEMENT order);
#   2. the test weighted F1 of models retrained (one per seed of AUDIT_SEEDS) on the noisy
#      labels, after an oracle annotator set the true label (stva_db_set_label, annotator
#      "oracle") of the audit's top CORRECT train utterances, after correcting the disagreement
#      order's top CORRECT, and after correcting every planted error of train (the ceiling).
#      The test split's own planted errors are corrected by the oracle first, so that the F1 is
#      against true labels (the scores against the noisy test labels are given too).
# Slow on the default corpus (generation ~6 min, extraction ~20 min on two idle cores):
# run it at nice -n 10 when the machine is quiet.  Every step's output stays in DIR.
# usage: bench/run-audit.sh BUILDDIR [DIR]
#   env: AUDIT_SIZE (default | small, default: default), AUDIT_DIALOGUES (overrides the size),
#        AUDIT_NOISE (0.05), AUDIT_TOP ("50 100 300"), AUDIT_CORRECT (300), AUDIT_FOLDS (5),
#        AUDIT_TRAIN_ARGS (extra options for train and audit, e.g. "--epochs 30"),
#        AUDIT_SEEDS (the retrained models' seeds, "1 2 3")
set -eu
[ $# -ge 1 ] || { echo "usage: bench/run-audit.sh BUILDDIR [DIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
dir=${2:-/tmp/synctva-audit-report}
synctva=$build/app/synctva
helper=$build/bench/bench-audit
[ -x "$synctva" ] && [ -x "$helper" ] \
  || { echo "run-audit: build $build/app/synctva and $build/bench/bench-audit first" >&2; exit 2; }
size=${AUDIT_SIZE:-default}
noise=${AUDIT_NOISE:-0.05}
tops=${AUDIT_TOP:-50 100 300}
correct=${AUDIT_CORRECT:-300}
folds=${AUDIT_FOLDS:-5}
extra=${AUDIT_TRAIN_ARGS:-}
seeds=${AUDIT_SEEDS:-1 2 3}
mkdir -p "$dir"
corpus=$dir/demo
manifest=$corpus/.manifest.tsv
project=$corpus/demo.stva
log () { echo "run-audit: $(date -u +%H:%M:%S) $*" >&2; }
json () {   # json FILE EXPR: a value of the JSON in FILE
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

if [ ! -f "$manifest" ]; then
  if [ -n "${AUDIT_DIALOGUES:-}" ]; then set -- --dialogues "$AUDIT_DIALOGUES"
  else set -- --size "$size"; fi
  log "make-demo $* --label-noise $noise"
  "$synctva" make-demo "$@" --label-noise "$noise" --jobs 2 --json "$corpus" > "$dir/make-demo.json"
fi
export SYNCTVA_PROJECT="$project"
if [ ! -f "$project" ]; then
  "$synctva" init > /dev/null
  "$synctva" import meld "$corpus" > "$dir/import.txt"
  log "extract"
  "$synctva" extract --jobs 2 > "$dir/extract.txt" 2> "$dir/extract.err"
fi
base=$dir/base.stva   # the project with features, before any model or correction
[ -f "$base" ] || { sqlite3 "$project" "VACUUM INTO '$base'"; }

fresh () {   # fresh NAME [FROM]: a copy of the base project (or FROM), its path printed
  rm -f "$dir/$1.stva" "$dir/$1.stva-wal" "$dir/$1.stva-shm"
  sqlite3 "${2:-$base}" "VACUUM INTO '$dir/$1.stva'"
  echo "$dir/$1.stva"
}
evaluate () {   # evaluate PROJECT MODEL NAME: test scores against the current and gold labels
  "$synctva" eval --project "$1" --model "$2" --split test --json > "$dir/eval-$3.json"
  "$synctva" eval --project "$1" --model "$2" --split test --gold --json \
    > "$dir/eval-$3-gold.json"
}

# 1. the full-data model and its disagreement, the audit (kept in DIR/after.stva: delete it
# to run this step again)
after=$dir/after.stva
if [ ! -f "$after" ]; then
p=$(fresh main)
log "train on the noisy labels"
"$synctva" train --project "$p" --out "$dir/full.stvm" --threads 2 $extra --json \
  > "$dir/train-full.json" 2> "$dir/train-full.err"
"$synctva" predict --project "$p" --model "$dir/full.stvm" > /dev/null 2> "$dir/predict-full.err"
log "audit ($folds folds)"
"$synctva" audit --project "$p" --folds "$folds" --threads 2 $extra --csv "$dir/audit.csv" \
  --json --top 0 > "$dir/audit.json" 2> "$dir/audit.err"
# shellcheck disable=SC2086
"$helper" score "$p" "$manifest" audit train $tops > "$dir/score-audit.json"
# shellcheck disable=SC2086
"$helper" score "$p" "$manifest" disagreement train $tops > "$dir/score-disagreement.json"

sqlite3 "$p" "VACUUM INTO '$after'"
fi

# 2. corrections and retraining, each on its own copy of the project as step 1 left it (its
# audit run and the full model's predictions in it); test labels corrected first
retrain () {   # retrain NAME none|audit|disagreement|ceiling: one model per seed
  q=$(fresh "$1" "$after")
  "$helper" clean "$q" "$manifest" test > "$dir/clean-test-$1.json"
  case $2 in
    none) echo '{"changed":0}' > "$dir/correct-$1.json" ;;
    ceiling) "$helper" clean "$q" "$manifest" train > "$dir/correct-$1.json" ;;
    *) "$helper" correct "$q" "$manifest" "$2" train "$correct" > "$dir/correct-$1.json" ;;
  esac
  for seed in $seeds; do
    log "retrain: $1, seed $seed"
    "$synctva" train --project "$q" --out "$dir/$1-$seed.stvm" --threads 2 --seed "$seed" \
      $extra --json > "$dir/train-$1-$seed.json" 2> "$dir/train-$1-$seed.err"
    evaluate "$q" "$dir/$1-$seed.stvm" "$1-$seed"
  done
}
q=$(fresh full "$after")   # the full-data model against the corrected test labels
"$helper" clean "$q" "$manifest" test > "$dir/clean-test-full.json"
evaluate "$q" "$dir/full.stvm" full
for run in noisy:none audit:audit disagreement:disagreement ceiling:ceiling; do
  retrain "${run%%:*}" "${run#*:}"
done

# the report
log "report"
# shellcheck disable=SC2086
python3 - "$dir" "$seeds" $tops <<'PY' | tee "$dir/report.txt"
import json, statistics, sys
d, seeds, tops = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
def load(name):
    return json.load(open(f"{d}/{name}.json"))
try:
    m = load("make-demo")
    print(f"corpus: {m['dir']}, seed {m['seed']}: dialogues {m['dialogues']}, utterances "
          f"{m['utterances']}, {m['label_noise']} labels flipped")
except OSError:
    pass
a, g, au = load("score-audit"), load("score-disagreement"), load("audit")
print(f"train split: {a['utterances']} utterances, {a['planted']} planted errors")
print(f"audit: {au['folds']} folds, {au['candidates']} candidates, "
      f"{au['estimated_errors']:.0f} errors estimated")
for t in tops:
    x, y = a["top"][t], g["top"][t]
    print(f"top {t}: audit {x} planted ({100 * x / int(t):.1f} %), model disagreement {y} "
          f"({100 * y / int(t):.1f} %)")
print(f"disagreement queue length: {g['queue']}")
print(f"test weighted F1 of the full-data model: {load('eval-full')['weighted_f1']:.4f} (true "
      f"test labels), {load('eval-full-gold')['weighted_f1']:.4f} (noisy test labels)")
def f1(n, suffix):
    v = [load(f"eval-{n}-{s}{suffix}")["weighted_f1"] for s in seeds]
    sd = statistics.stdev(v) if len(v) > 1 else 0.0
    return f"{statistics.mean(v):.4f} ± {sd:.4f} ({', '.join(f'{x:.4f}' for x in v)})"
for n in ("noisy", "audit", "disagreement", "ceiling"):
    print(f"test weighted F1 retrained, {n} (seeds {' '.join(seeds)}): {f1(n, '')} true test "
          f"labels; {f1(n, '-gold')} noisy test labels")
for n in ("audit", "disagreement", "ceiling"):
    print(f"corrected ({n}): {json.dumps(load('correct-' + n))}")
PY
