#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer target fuzz-media with clang and ASan/UBSan from the media reader's
# sources, linked against the system FFmpeg libraries; makes a seed corpus of small valid and
# broken media files with make-media-seeds (built by meson); runs the target for a bounded time.
# Fails on any crash, leak, sanitizer report, hang (-timeout) or error message without the file
# name; the input that did it is kept in WORKDIR/artifacts.  Exit 77 (skip) when clang is missing.
# usage: run-fuzz.sh SOURCE_ROOT WORKDIR MAKE_SEEDS [SECONDS]
set -u
root=$1 work=$2 make_seeds=$3 seconds=${4:-30}
command -v clang >/dev/null 2>&1 || { echo "skip: clang is not installed"; exit 77; }
rm -rf "$work/seeds" "$work/corpus"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"

core=$root/core
ffmpeg_libs=$(pkg-config --cflags --libs libavformat libavcodec libavutil libswscale \
              libswresample) || { echo "FAIL: pkg-config does not know FFmpeg"; exit 1; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11
       -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -I$core -I$core/media"
echo "building fuzz-media with clang"
# shellcheck disable=SC2086
clang $flags -o "$work/fuzz-media" "$root/tests/core/fuzz/fuzz-media.c" "$core/stva-error.c" \
  "$core/media/stva-media-reader.c" "$core/media/stva-media-audio.c" $ffmpeg_libs -lm || exit 1

"$make_seeds" "$work/seeds" || { echo "FAIL: make-media-seeds"; exit 1; }
cp "$root"/tests/core/data/refuse-* "$root"/tests/core/data/any-* "$work/seeds/"
ls -l "$work/seeds"

echo "fuzzing media for ${seconds}s"
"$work/fuzz-media" -max_total_time="$seconds" -rss_limit_mb=2560 -malloc_limit_mb=1024 \
  -timeout=20 -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/media-" \
  "$work/corpus" "$work/seeds" > "$work/media.log" 2>&1
rc=$?
tail -n 14 "$work/media.log"
if [ $rc -ne 0 ]; then
  echo "FAIL: fuzz-media exited $rc; see $work/media.log and $work/artifacts"
  exit 1
fi
exit 0
