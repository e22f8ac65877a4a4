#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs bench-media from an existing build (it builds nothing) and prints its ratios as a table.
# The ratios compare contenders measured in the same run (CPU time, medians), so they hold on a
# loaded machine better than absolute times do.
# usage: bench/run-media-bench.sh [BUILDDIR] [bench-media options: --seconds S --size WxH
#        --reps N --visual-seconds S --ffmpeg PATH CLIP]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
bench=$build/bench/bench-media
[ -x "$bench" ] || { echo "run-media-bench: no $bench; build first (ninja -C $build)" >&2; exit 1; }
command -v ffmpeg >/dev/null 2>&1 || { echo "run-media-bench: the ffmpeg program is missing (tools/setup installs it)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bench" --ffmpeg "$(command -v ffmpeg)" "$@" > "$out"
grep '^INFO' "$out" | cut -f2-
echo
printf '%-44s %9s %8s %7s  %s\n' "measure" "value" "goal" "" "what"
grep '^RESULT' "$out" | awk -F'\t' '{ printf "%-44s %9s %8s %7s  %s\n", $2, $3, $4, $5, $6 }'
