# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the shell tests of the synctva command line (tests/db/test-cli.sh,
# test-pipeline.sh, test-pipeline-media.sh, tests/features/test-extract-text-fit.sh) before
# they change folder: `. "$(dirname "$0")/../common/cli-test.sh"` with the synctva binary as
# $1.  Sets $synctva (absolute: the tests change folder) and $dir (a temporary folder removed at
# exit), and defines fail, expect and json_int.
set -u
synctva=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail () { echo "FAIL: $*" >&2; exit 1; }
expect () {   # expect STATUS COMMAND...: run, compare the exit status
  want=$1; shift
  "$@" >"$dir/out" 2>"$dir/err"; got=$?
  [ "$got" = "$want" ] || { cat "$dir/out" "$dir/err" >&2; fail "'$*' exited $got, want $want"; }
}
json_int () {   # json_int KEY FILE: the first integer after "KEY":
  sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p" "$2" | head -n 1
}
