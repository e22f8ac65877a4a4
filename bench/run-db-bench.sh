#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs bench-db from an existing build (it builds nothing) and prints its measures as a table:
# the MELD import against the sqlite3 shell's .import of the same rows (a ratio measured in the
# same run, so a loaded machine slows both sides alike), opening a 100k-utterance project and
# listing a dialogue, and a burst of 1,000 corrections.
# With --instructions it also counts the instructions of one import on each side under
# valgrind (callgrind), whole processes, start-up included: a ratio no load can move.
# usage: bench/run-db-bench.sh [BUILDDIR] [--instructions] [bench-db options: --reps N
#        --sqlite3 PATH --only import|scale]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
instructions=no
if [ "${1:-}" = --instructions ]; then instructions=yes; shift; fi
bench=$build/bench/bench-db
[ -x "$bench" ] || { echo "run-db-bench: no $bench; build first (ninja -C $build)" >&2; exit 1; }
sqlite3=$(command -v sqlite3) || { echo "run-db-bench: the sqlite3 program is missing (tools/setup installs it)" >&2; exit 1; }
out=$(mktemp)
keep=$(mktemp -d)
trap 'rm -rf "$out" "$keep"' EXIT
"$bench" --sqlite3 "$sqlite3" --keep "$keep" "$@" > "$out"
grep '^INFO' "$out" | cut -f2-
echo
printf '%-44s %9s %8s %7s  %s\n' "measure" "value" "goal" "" "what"
grep '^RESULT' "$out" | awk -F'\t' '{ printf "%-44s %9s %8s %7s  %s\n", $2, $3, $4, $5, $6 }'
[ $instructions = yes ] || exit 0
command -v valgrind >/dev/null 2>&1 || { echo "run-db-bench: --instructions needs valgrind" >&2; exit 1; }
[ -f "$keep/import.sql" ] || "$bench" --sqlite3 "$sqlite3" --keep "$keep" --reps 1 --only import > /dev/null
count () {   # count COMMAND...: instructions the command executes (callgrind's Ir)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9][0-9]*\).*/\1/p'
}
ours=$(count "$bench" --import-once "$keep/meld" "$keep/once.stva")
shell=$(count "$sqlite3" -batch "$keep/once.db" ".read '$keep/import.sql'")
[ -n "$ours" ] && [ -n "$shell" ] || { echo "run-db-bench: valgrind gave no counts" >&2; exit 1; }
awk -v o="$ours" -v s="$shell" 'BEGIN {
  r = o / s
  printf "%-44s %9.2f %8s %7s  %s\n", "MELD import / sqlite3 .import (instructions)", r, "<= 2",
         r <= 2 ? "ok" : "MISSED", sprintf ("%.0fM / %.0fM, callgrind", o / 1e6, s / 1e6)
}'
