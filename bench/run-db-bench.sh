#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs bench-db from an existing build (it builds nothing) and prints its measures as a table:
# the MELD import against the sqlite3 shell's .import of the same rows (a ratio measured in the
# same run, so a loaded machine slows both sides alike), opening a 100k-utterance project and
# listing a dialogue, and a burst of 1,000 corrections.
# usage: bench/run-db-bench.sh [BUILDDIR] [bench-db options: --reps N --sqlite3 PATH --only X]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
bench=$build/bench/bench-db
[ -x "$bench" ] || { echo "run-db-bench: no $bench; build first (ninja -C $build)" >&2; exit 1; }
sqlite3=$(command -v sqlite3) || { echo "run-db-bench: the sqlite3 program is missing (tools/setup installs it)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bench" --sqlite3 "$sqlite3" "$@" > "$out"
grep '^INFO' "$out" | cut -f2-
echo
printf '%-44s %9s %8s %7s  %s\n' "measure" "value" "goal" "" "what"
grep '^RESULT' "$out" | awk -F'\t' '{ printf "%-44s %9s %8s %7s  %s\n", $2, $3, $4, $5, $6 }'
