#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/run-meld.sh MELD_DIR|DATA.npz OUTDIR [BUILD] [-- TRAIN_ARGS...] (issue #17): on real
# MELD text, our model (text only, `--preset meld` and TRAIN_ARGS, 3 seeds) against
# scikit-learn's logistic regression on the very same npz, C tuned on dev.  Given a MELD-layout
# folder (train_sent_emo.csv, dev_sent_emo.csv) it builds the project and the npz first
# through the real pipeline (init, import meld, extract --modalities T, export npz).  Prints
# dev weighted F1, accuracy and macro F1, mean ± sd over the seeds.  Dev only; not a test.
#   SEEDS="1 2 3" (default), TFIDF=1 adds the TF-IDF regression on the CSVs (minutes).
# Needs python3-sklearn (tools/setup) under /usr/bin/python3.  Runs at nice 10, one thread.
set -euo pipefail
usage='usage: bench/run-meld.sh MELD_DIR|DATA.npz OUTDIR [BUILD] [-- TRAIN_ARGS...]'
src=${1:?$usage}
out=${2:?$usage}
shift 2
build=build
if [[ $# -gt 0 && $1 != -- ]]; then build=$1; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
extra=("$@")
here=$(cd "$(dirname "$0")" && pwd)
synctva=$(cd "$build" && pwd)/app/synctva
py=/usr/bin/python3
seeds=${SEEDS:-1 2 3}
mkdir -p "$out"
"$py" -c 'import sklearn' 2> /dev/null || { echo "run-meld: $py has no sklearn (apt-get install python3-sklearn)" >&2; exit 1; }

if [[ -d $src ]]; then
  data=$out/meld-text.npz
  if [[ ! -f $data ]]; then
    rm -f "$out/meld.stva"
    "$synctva" init "$out/meld.stva" > /dev/null
    "$synctva" import meld "$src" --project "$out/meld.stva" > /dev/null 2> "$out/import.log"
    nice -n 10 "$synctva" extract --project "$out/meld.stva" --modalities T --jobs 1 \
      > /dev/null 2> "$out/extract.log"
    "$synctva" export npz "$data" --project "$out/meld.stva" > /dev/null 2>&1
  fi
else
  data=$src
fi

nice -n 10 "$py" "$here/meld_baseline.py" lr "$data" > "$out/logreg.json"
if [[ ${TFIDF:-0} == 1 && -d $src ]]; then
  nice -n 10 "$py" "$here/meld_baseline.py" tfidf "$src" > "$out/tfidf.json"
fi

jsons=()
for seed in $seeds; do
  nice -n 10 "$synctva" train --data "$data" --out "$out/model-$seed.stvm" --modalities T \
    --preset meld --threads 1 --seed "$seed" "${extra[@]}" > /dev/null 2> "$out/model-$seed.log"
  "$synctva" eval --model "$out/model-$seed.stvm" --data "$data" --split dev --json \
    > "$out/model-$seed.json" 2> /dev/null
  jsons+=("$out/model-$seed.json")
done
nice -n 10 "$py" "$here/meld_baseline.py" scores "${jsons[@]}" > "$out/model.json"

"$py" - "$out" "${extra[*]:-}" <<'PY'
import json, os, sys
out, extra = sys.argv[1], sys.argv[2]
rows = []
lr = json.load(open(os.path.join(out, 'logreg.json')))
rows.append(('logistic regression, same npz (C %g)' % lr['C'], lr, None))
if os.path.exists(os.path.join(out, 'tfidf.json')):
    tf = json.load(open(os.path.join(out, 'tfidf.json')))
    rows.append(('logistic regression, TF-IDF (C %g)' % tf['C'], tf, None))
m = json.load(open(os.path.join(out, 'model.json')))
rows.append(('synctva --preset meld %s(%d seeds)' % (extra + ' ' if extra else '', m['n']), m, m))
print('| on MELD dev, text only | weighted F1 | accuracy | macro F1 |')
print('|---|---|---|---|')
for name, r, sd in rows:
    if sd is None:
        print('| %s | %.3f | %.3f | %.3f |' % (name, r['weighted_f1'], r['accuracy'], r['macro_f1']))
    else:
        print('| %s | %.3f ± %.3f | %.3f ± %.3f | %.3f ± %.3f |' % (
            name, r['weighted_f1'], r['weighted_f1_sd'], r['accuracy'], r['accuracy_sd'],
            r['macro_f1'], r['macro_f1_sd']))
print('runs (weighted F1): ' + ', '.join('%.4f' % v for v in m['weighted_f1_runs']))
PY
