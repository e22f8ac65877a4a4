#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The MELD import's speed goal as a test that load cannot make flaky: the instructions of one
# import of MELD's 13,708 rows into a new project, against those of the sqlite3 shell's .import
# of the same rows, counted under valgrind by bench/run-db-bench.sh --instructions; the issue
# asks for at most 2x (it is about 1.0x).  Skipped (77) without valgrind or the sqlite3 shell,
# and in sanitizer builds, which valgrind cannot run.
# usage: test-import-speed.sh BENCH_DB RUN_DB_BENCH SANITIZE
set -u
[ "$3" = none ] || { echo "skipped: sanitizer build ($3)"; exit 77; }
command -v valgrind >/dev/null 2>&1 || { echo "skipped: no valgrind"; exit 77; }
command -v sqlite3 >/dev/null 2>&1 || { echo "skipped: no sqlite3 shell"; exit 77; }
# meson's MALLOC_PERTURB_ fills every block malloc hands out or takes back: a debugging aid
# that would count memsets no user's import does
unset MALLOC_PERTURB_
build=$(dirname "$(dirname "$1")")   # BUILD/bench/bench-db
out=$(sh "$2" "$build" --instructions --reps 1 --only import) || { echo "$out"; exit 1; }
echo "$out"
echo "$out" | grep -q '(instructions) .* ok ' || { echo "FAIL: over 2x the sqlite3 shell"; exit 1; }
