#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Remakes the projects of old schema versions that test-migrate migrates, with the builds that
# wrote those versions, and what those builds read from them:
#   project-vN.stva   the project (its WAL checkpointed into it when the build closed it)
#   project-vN.csv    that build's `export csv` (current labels, annotators' labels, prediction)
#   project-vN.dump   what that build's API reads back (fixture-dump.h, via make-fixture.c)
# Version 2: commit 555e2aa, the last to write it.  Version 3: commit ec534b4, version 4:
# 0988b23, version 5: ecc7270, each the last to write it.  Version 1 never shipped (b648c58,
# the first commit of db/, wrote version 2): its project is made by 555e2aa's own migration
# code stopped at version 1 (_stva_db_open_at), its dialogues written as rows since every
# importer of that build also writes version 2's import log.
# Dialogues come from fixture-turns.csv (`synctva import csv`); make-fixture then adds labels by
# two annotators with undo, redo and a cleared label, ratings imported from an evaluator, and a
# model with predictions.  Each old commit is checked out and built in /tmp (ccache helps) and
# removed afterwards.
# usage: tests/db/data/make-fixtures.sh    (from the root of the repository)
set -eu
root=$(pwd)
data=$root/tests/db/data
[ -f "$data/make-fixture.c" ] || { echo "make-fixtures: run from the repository root" >&2; exit 2; }
work=$(mktemp -d)
cleanup () {
  for v in 2 3 4 5; do git -C "$root" worktree remove --force "$work/v$v" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

build () {   # build VERSION COMMIT: synctva and make-fixture of that commit in $work/vVERSION
  git -C "$root" worktree add --detach "$work/v$1" "$2" > /dev/null
  grep -q "define STVA_DB_SCHEMA_VERSION $1 " "$work/v$1/db/stva-db.h" \
    || { echo "make-fixtures: $2 does not write schema version $1" >&2; exit 1; }
  (cd "$work/v$1" && CC="ccache gcc" meson setup build --buildtype=debugoptimized > /dev/null \
    && ninja -C build -j2 app/synctva db/libstva-db.a core/libstva-core.a > /dev/null)
  b=$work/v$1/build
  gcc -O1 -o "$work/make-fixture-v$1" "$data/make-fixture.c" -I"$root/tests/db" \
    -I"$work/v$1/db" -I"$work/v$1/core" -I"$work/v$1/core/model" -I"$work/v$1/core/nn" -I"$b" \
    "$b/db/libstva-db.a" "$b/core/libstva-core.a" \
    $(pkg-config --cflags --libs glib-2.0 gio-2.0 sqlite3 json-glib-1.0 libxml-2.0) -lopenblas -lm
}

build 2 555e2aa
build 3 ec534b4
build 4 0988b23
build 5 ecc7270
cd "$work"
./make-fixture-v2 v1 project-v1.stva
./make-fixture-v2 label project-v1.stva
./make-fixture-v2 export project-v1.stva project-v1.csv
./make-fixture-v2 dump project-v1.stva > project-v1.dump
for v in 2 3 4 5; do
  synctva=$work/v$v/build/app/synctva
  "$synctva" init "project-v$v.stva" > /dev/null
  "$synctva" import csv "$data/fixture-turns.csv" --project "project-v$v.stva" \
    --columns dialogue=conv,speaker=who,text=line,split=part,start=t0,end=t1,label=emo > /dev/null
  "./make-fixture-v$v" label "project-v$v.stva"
  "$synctva" export csv "project-v$v.csv" --project "project-v$v.stva" > /dev/null
  "./make-fixture-v$v" dump "project-v$v.stva" > "project-v$v.dump"
done
for v in 1 2 3 4 5; do
  [ ! -e "project-v$v.stva-wal" ] \
    || { echo "make-fixtures: project-v$v.stva-wal left" >&2; exit 1; }
  [ "$(sqlite3 "project-v$v.stva" 'PRAGMA user_version')" = "$v" ] \
    || { echo "make-fixtures: project-v$v.stva is not at version $v" >&2; exit 1; }
  cp "project-v$v.stva" "project-v$v.csv" "project-v$v.dump" "$data/"
done
ls -l "$data"/project-v*
