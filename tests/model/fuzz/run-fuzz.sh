#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (fuzz-modelfile, fuzz-npz) with clang and ASan/UBSan straight from
# the sources they need, makes a small seed corpus (model files from modelfile-writer.py, with
# and without a training state, npz archives from npz-helper.py when numpy is there, raw .npy
# files), and runs each target for a bounded time.  Fails on any crash, leak, sanitizer report
# or failed assertion; the input that did it is kept in WORKDIR/artifacts.  Exit 77 (skip) when
# clang is missing.
# usage: run-fuzz.sh SOURCE_ROOT WORKDIR [SECONDS_PER_TARGET] [PYTHON]
set -u
root=$1 work=$2 seconds=${3:-30} python=${4:-/usr/bin/python3}
command -v clang >/dev/null 2>&1 || { echo "skip: clang is not installed"; exit 77; }
rm -rf "$work/seeds" "$work/corpus"
mkdir -p "$work/seeds/modelfile" "$work/seeds/npz" "$work/corpus/modelfile" "$work/corpus/npz" \
         "$work/artifacts"

core=$root/core
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11
       -D_DEFAULT_SOURCE -I$core -I$core/model"
echo "building fuzz-modelfile and fuzz-npz with clang"
clang $flags -o "$work/fuzz-modelfile" "$root/tests/model/fuzz/fuzz-modelfile.c" \
  "$core/stva-error.c" "$core/stva-file.c" "$core/model/stva-modelfile.c" -lz -lm || exit 1
clang $flags -o "$work/fuzz-npz" "$root/tests/model/fuzz/fuzz-npz.c" "$core/stva-error.c" \
  "$core/stva-file.c" "$core/model/stva-npz.c" "$core/model/stva-npz-write.c" \
  "$core/model/stva-npz-dataset.c" "$core/model/stva-dataset.c" \
  -lz -lm || exit 1

# seeds: the first byte is the target's mode byte
prefix () {   # MODE IN OUT
  { printf "\\$(printf %03o "$1")"; cat "$2"; } > "$3"
}
if [ -x "$python" ]; then
  "$python" "$root/tests/model/modelfile-writer.py" "$work/m.stvm"
  prefix 0 "$work/m.stvm" "$work/seeds/modelfile/crc-kept"
  prefix 1 "$work/m.stvm" "$work/seeds/modelfile/crc-fixed"
  "$python" "$root/tests/model/modelfile-writer.py" "$work/s.stvm" --train-state
  prefix 0 "$work/s.stvm" "$work/seeds/modelfile/state-crc-kept"
  prefix 1 "$work/s.stvm" "$work/seeds/modelfile/state-crc-fixed"
  mkdir -p "$work/np"
  if "$python" "$root/tests/model/npz-helper.py" write "$work/np" >/dev/null; then
    for f in savez compressed versions offsets; do
      prefix 0 "$work/np/$f.npz" "$work/seeds/npz/$f"
    done
    "$python" - "$work/seeds/npz" <<'PY'
import io, sys, numpy as np
for i, a in enumerate([np.arange(6, dtype='<f4').reshape(2, 3), np.array(['a', 'bc']),
                       np.array([True, False]), np.int64(7)]):
    b = io.BytesIO(); np.save(b, a)
    open('%s/npy%d' % (sys.argv[1], i), 'wb').write(b'\x01' + b.getvalue())
PY
  fi
fi

status=0
for t in modelfile npz; do
  echo "fuzzing $t for ${seconds}s"
  "$work/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" \
    "$work/corpus/$t" "$work/seeds/$t" > "$work/$t.log" 2>&1
  rc=$?
  tail -n 12 "$work/$t.log"
  if [ $rc -ne 0 ]; then
    echo "FAIL: fuzz-$t exited $rc; see $work/$t.log and $work/artifacts"
    status=1
  fi
done
exit $status
