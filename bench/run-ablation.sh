#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/run-ablation.sh DATA.npz OUTDIR [BUILD]: trains the full model, each single modality and
# the no-graph ablation with three seeds on an npz dataset (what `synctva extract` writes) and
# prints the test weighted F1 and accuracy of each (model selection on the dev split only).
# The README's fusion table comes from this script on the small demo corpus.
set -euo pipefail
data=${1:?usage: bench/run-ablation.sh DATA.npz OUTDIR [BUILD]}
out=${2:?usage: bench/run-ablation.sh DATA.npz OUTDIR [BUILD]}
build=${3:-build}
synctva=$build/app/synctva
mkdir -p "$out"
printf '%-10s %4s %8s %8s\n' model seed test_wF1 accuracy
for cfg in "full:" "T:--modalities T" "A:--modalities A" "V:--modalities V" "no-graph:--no-graph"; do
  name=${cfg%%:*}
  read -r -a args <<< "${cfg#*:}"
  for seed in 1 2 3; do
    "$synctva" train --data "$data" --out "$out/$name-$seed.stvm" --threads 1 --seed "$seed" \
      --set D=64 --patience 8 --epochs 40 "${args[@]}" > /dev/null 2> "$out/$name-$seed.log"
    "$synctva" eval --model "$out/$name-$seed.stvm" --data "$data" --split test --json \
      > "$out/$name-$seed.json"
    /usr/bin/python3 - "$out/$name-$seed.json" "$name" "$seed" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print('%-10s %4s %8.4f %8.4f' % (sys.argv[2], sys.argv[3], d['weighted_f1'], d['accuracy']))
PY
  done
done
