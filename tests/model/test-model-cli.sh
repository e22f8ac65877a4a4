#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `synctva model info` on a model file written by an independent Python writer of the documented
# layout (modelfile-writer.py): the table, --json (parsed by Python's json), and the errors
# (a flipped bit, a newer version, a missing file: exit 1 with "synctva: FILE: problem"; bad
# usage: exit 2).  usage: test-model-cli.sh SYNCTVA PYTHON WRITER
set -u
synctva=$1 python=$2 writer=$3
[ -x "$python" ] || { echo "skip: no $python"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail () { echo "FAIL: $*"; exit 1; }

"$python" "$writer" "$dir/m.stvm" || fail "writer"
out=$("$synctva" model info "$dir/m.stvm") || fail "model info exit $?"
echo "$out"
for want in "format version 1, 520 bytes" "labels (3): neutral joy anger" \
            "text        4 dimensions, named, normalised (t0 ... t3)" "audio   absent" \
            "tensors (3), 41 parameters:" "proj.T.w                         8x4" \
            "beta.b                           scalar"; do
  case $out in *"$want"*) ;; *) fail "no '$want' in the table" ;; esac
done

"$synctva" model info --json "$dir/m.stvm" > "$dir/m.json" || fail "--json exit $?"
"$python" - "$dir/m.json" <<'PY' || fail "--json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j['format_version'] == 1 and j['crc_ok'] is True, j
assert j['labels'] == ['neutral', 'joy', 'anger'], j['labels']
assert j['config']['note'] == 'quote " and \\ backslash', j['config']
assert j['features']['A'] == {'width': 0, 'names': False, 'normalisation': False}
assert [t['shape'] for t in j['tensors']] == [[8, 4], [8], []], j['tensors']
assert j['parameters'] == 41
print('json ok')
PY

expect_error () {   # FILE STATUS TEXT
  err=$("$synctva" model info "$1" 2>&1 >/dev/null); rc=$?
  [ $rc -eq "$2" ] || fail "$1: exit $rc, want $2 ($err)"
  case $err in "synctva: $1: "*"$3"*) echo "ok: $err" ;; *) fail "$1: message '$err'" ;; esac
}
"$python" "$writer" "$dir/bad.stvm" --corrupt
expect_error "$dir/bad.stvm" 1 ""
"$python" "$writer" "$dir/new.stvm" --newer-version
expect_error "$dir/new.stvm" 1 "format version 3; this build reads 1 to 2"
# version 2: a training-state section after the tensors, read (and its tensors shown) as before
"$python" "$writer" "$dir/state.stvm" --train-state || fail "writer --train-state"
out=$("$synctva" model info "$dir/state.stvm") || fail "model info (version 2) exit $?"
case $out in *"format version 2, "*"proj.T.w                         8x4"*) ;;
  *) fail "version 2: $out" ;; esac
echo "ok: version 2 with a training state"
expect_error "$dir/none.stvm" 1 "No such file"
head -c 100 "$dir/m.stvm" > "$dir/cut.stvm"
expect_error "$dir/cut.stvm" 1 "left"

"$synctva" model >/dev/null 2>&1; [ $? -eq 2 ] || fail "bare 'model' should exit 2"
"$synctva" model info --help > "$dir/help" 2>&1 || fail "model info --help should exit 0"
grep -q -- '--json' "$dir/help" || fail "model info --help: $(cat "$dir/help")"
err=$("$synctva" model info --tier X "$dir/m.stvm" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "an unknown option should exit 2, not $rc"
case $err in *"--tier"*) ;; *) fail "the unknown option is not named: $err" ;; esac
"$synctva" model info >/dev/null 2>&1; [ $? -eq 2 ] || fail "no file should exit 2"
"$synctva" model info a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "two files should exit 2"
echo "all ok"
