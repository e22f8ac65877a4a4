#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-desktop.sh CHECK SOURCE_ROOT BUILD_ROOT VERSION: the studio's desktop integration, one
# check per meson test (suite 'desktop'):
#   desktop-file  data/org.synctva.Studio.desktop passes desktop-file-validate with no message
#   metainfo      the AppStream metainfo passes appstreamcli validate --no-net with no error,
#                 warning or info (pedantic notes only), and names this version and the binaries
#   icons         both icons are well-formed SVG of the right size; the symbolic one only fills
#   mime          *.stva and a project under any name are application/x-synctva-project, a
#                 plain SQLite database is not
#   man           both pages pass groff and man with every warning on, and list every command,
#                 kind and option the programs' --help list
#   install       meson install with DESTDIR puts exactly the expected files in place, and the
#                 installed tree opens *.stva with the studio
# A tool that tools/setup installs and that is missing fails the check, naming the package.
set -euo pipefail

check="$1"
src="$2"
build="$3"
version="$4"
app_id=org.synctva.Studio
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

need() {   # need PROGRAM PACKAGE
  command -v "$1" >/dev/null || fail "$1 is missing (Debian package $2; tools/setup installs it)"
}

desktop_file() {
  need desktop-file-validate desktop-file-utils
  local f="$src/data/$app_id.desktop" out
  out=$(desktop-file-validate "$f" 2>&1) || fail "desktop-file-validate $f: $out"
  [ -z "$out" ] || fail "desktop-file-validate $f says (hints count too): $out"
  grep -qx "Exec=synctva-studio %F" "$f" || fail "$f: Exec is not 'synctva-studio %F'"
  grep -qx "Icon=$app_id" "$f" || fail "$f: Icon is not $app_id"
  grep -qx "MimeType=application/x-synctva-project;" "$f" || fail "$f: no project MIME type"
  # the negative case: the validator does complain about a broken copy
  sed 's/^Type=Application$/Type=Program/' "$f" >"$tmp/$app_id.desktop"
  if desktop-file-validate "$tmp/$app_id.desktop" >/dev/null 2>&1; then
    fail "desktop-file-validate accepts Type=Program: the check would pass anything"
  fi
  echo "desktop-file: $f valid, no hints"
}

metainfo() {
  need appstreamcli appstream
  need xmllint libxml2-utils
  local f="$src/data/$app_id.metainfo.xml" out rc=0
  out=$(appstreamcli validate --no-net --pedantic "$f" 2>&1) || rc=$?
  [ "$rc" -eq 0 ] || fail "appstreamcli validate --no-net $f exits $rc: $out"
  # accepted: pedantic notes (P:), e.g. cid-contains-uppercase-letter for the given id
  if grep -E '^[EWI]: ' <<<"$out"; then
    fail "appstreamcli validate $f: errors, warnings or infos above"
  fi
  local id release launch
  id=$(xmllint --xpath 'string(/component/id)' "$f")
  [ "$id" = "$app_id" ] || fail "$f: id '$id', expected $app_id"
  release=$(xmllint --xpath 'string(/component/releases/release[1]/@version)' "$f")
  [ "$release" = "$version" ] || fail "$f: newest release '$release', meson's version $version"
  launch=$(xmllint --xpath 'string(/component/launchable[@type="desktop-id"])' "$f")
  [ "$launch" = "$app_id.desktop" ] || fail "$f: launchable '$launch'"
  for b in synctva synctva-studio; do
    [ "$(xmllint --xpath "count(/component/provides/binary[.='$b'])" "$f")" = 1 ] \
      || fail "$f: provides no binary $b"
    [ -x "$build/app/$b" ] || fail "$f names binary $b, which the build does not make"
  done
  [ "$(xmllint --xpath 'string(/component/project_license)' "$f")" = GPL-3.0-or-later ] \
    || fail "$f: project_license is not GPL-3.0-or-later"
  # the negative case: a missing summary is an error
  sed '/<summary>/d' "$f" >"$tmp/$app_id.metainfo.xml"
  if appstreamcli validate --no-net "$tmp/$app_id.metainfo.xml" >/dev/null 2>&1; then
    fail "appstreamcli accepts a component without a summary: the check would pass anything"
  fi
  echo "metainfo: $f valid ($(grep -c '^P: ' <<<"$out" || true) pedantic notes), release $release"
}

icons() {
  need xmllint libxml2-utils
  local d="$src/data/icons/hicolor" f
  f="$d/scalable/apps/$app_id.svg"
  xmllint --noout "$f" || fail "$f is not well-formed XML"
  [ "$(xmllint --xpath 'string(/*[local-name()="svg"]/@viewBox)' "$f")" = "0 0 128 128" ] \
    || fail "$f: viewBox is not 0 0 128 128"
  f="$d/symbolic/apps/$app_id-symbolic.svg"
  xmllint --noout "$f" || fail "$f is not well-formed XML"
  [ "$(xmllint --xpath 'string(/*[local-name()="svg"]/@viewBox)' "$f")" = "0 0 16 16" ] \
    || fail "$f: viewBox is not 0 0 16 16"
  # GTK recolours a symbolic icon's fills; a stroke or a second colour would stay as drawn
  ! grep -q 'stroke' "$f" || fail "$f: a symbolic icon must not use strokes"
  local colours
  colours=$(grep -o '#[0-9a-fA-F]\{6\}' "$f" | sort -u)
  [ "$colours" = "#2e3436" ] || fail "$f: colours $colours (one, #2e3436, expected)"
  echo "icons: both well-formed, 128 and 16 px, symbolic fills only"
}

mime() {
  need update-mime-database shared-mime-info
  need gio libglib2.0-bin
  need sqlite3 sqlite3
  local share="$tmp/share"
  mkdir -p "$share/mime/packages"
  cp "$src/data/$app_id.mime.xml" "$share/mime/packages/$app_id.xml"
  update-mime-database "$share/mime" >"$tmp/umd.log" 2>&1 \
    || { cat "$tmp/umd.log" >&2; fail "update-mime-database $share/mime failed"; }
  "$build/app/synctva" init "$tmp/p.stva" >/dev/null
  cp "$tmp/p.stva" "$tmp/renamed.db"
  sqlite3 "$tmp/plain.data" 'CREATE TABLE t (x INTEGER);'
  type_of() {
    XDG_DATA_HOME="$share" XDG_DATA_DIRS=/usr/share gio info -a standard::content-type "$1" \
      | sed -n 's/^ *standard::content-type: //p'
  }
  [ "$(type_of "$tmp/p.stva")" = application/x-synctva-project ] \
    || fail "a project named p.stva is $(type_of "$tmp/p.stva")"
  [ "$(type_of "$tmp/renamed.db")" = application/x-synctva-project ] \
    || fail "a project named renamed.db is $(type_of "$tmp/renamed.db") (the magic)"
  [ "$(type_of "$tmp/plain.data")" = application/vnd.sqlite3 ] \
    || fail "a plain SQLite database is $(type_of "$tmp/plain.data")"
  echo "mime: *.stva and a renamed project are application/x-synctva-project; plain SQLite is not"
}

man_pages() {
  need groff groff-base
  need man man-db
  local page out bin
  for page in synctva synctva-studio; do
    local f="$build/man/$page.1"
    [ -s "$f" ] || fail "$f is missing or empty"
    out=$(groff -ww -man -z "$f" 2>&1)
    [ -z "$out" ] || fail "groff -ww -man -z $f: $out"
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
    [ -z "$out" ] || fail "man --warnings -l $f: $out"
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null | col -b >"$tmp/$page.txt"
  done
  bin="$build/app/synctva"
  local f="$build/man/synctva.1" text="$tmp/synctva.txt" cmd kind opt n=0 help
  local commands
  commands=$("$bin" --help | sed -n 's/^  \([a-z][a-z0-9-]*\)  *[^ ].*/\1/p')
  [ -n "$commands" ] || fail "synctva --help lists no command"
  for cmd in $commands; do
    grep -q "^\\.SS \"synctva ${cmd//-/\\\\-}\"" "$f" || fail "$f: no section for command $cmd"
    # every option of the command and of each kind it names, as written in the page
    help=$("$bin" "$cmd" --help 2>&1 || true)
    # kinds: rows of a table ('  meld DIR ...', '  srt|vtt FILE') and usage lines
    # ('usage: synctva model info', 'synctva figure confusion OUT')
    local usage_re="s/^ *\\(usage: \\)\\?synctva \\(\\[OPTION…\\] \\)\\?$cmd"
    usage_re+=" \\([a-z][a-z-]*\\).*/\\3/p"
    for kind in $(sed -n 's/^  \([a-z][a-z0-9|-]*\)  *[^ -].*/\1/p' <<<"$help" | tr '|' ' ') \
                $(sed -n "$usage_re" <<<"$help"); do
      [ "$kind" = synctva ] && continue
      help+=$'\n'$("$bin" "$cmd" "$kind" --help 2>&1 || true)
      grep -q "synctva $cmd $kind" "$text" || grep -q "$cmd $kind" "$text" \
        || fail "$f: kind '$cmd $kind' is not in the page"
    done
    for opt in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u); do
      grep -q -- "$opt" "$text" || fail "$f: option $opt of 'synctva $cmd' is not in the page"
      n=$((n + 1))
    done
  done
  for opt in $("$build/app/synctva-studio" --help-all | grep -o -- '--[a-z][a-z0-9-]*' \
               | sort -u); do
    grep -q -- "$opt" "$tmp/synctva-studio.txt" \
      || fail "synctva-studio.1: option $opt of synctva-studio --help-all is not in the page"
  done
  echo "man: both pages clean under groff -ww and man --warnings;" \
       "$(wc -w <<<"$commands") commands and $n command options found in synctva.1"
}

install_tree() {
  need update-desktop-database desktop-file-utils
  need update-mime-database shared-mime-info
  need gio libglib2.0-bin
  local dest="$tmp/dest" prefix listed expected
  meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log" >&2; fail "meson install --destdir failed"; }
  prefix=$(meson introspect --buildoptions "$build" | python3 -c 'import json, sys
print (next (o["value"] for o in json.load (sys.stdin) if o["name"] == "prefix"))')
  local root="$dest$prefix"
  listed=$(cd "$dest" && find . -type f -o -type l | sed 's|^\.||' | sort)
  expected=$(printf '%s\n' \
    "$prefix/bin/synctva" \
    "$prefix/bin/synctva-studio" \
    "$prefix/share/applications/$app_id.desktop" \
    "$prefix/share/icons/hicolor/scalable/apps/$app_id.svg" \
    "$prefix/share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
    "$prefix/share/man/man1/synctva-studio.1" \
    "$prefix/share/man/man1/synctva.1" \
    "$prefix/share/metainfo/$app_id.metainfo.xml" \
    "$prefix/share/mime/packages/$app_id.xml" | sort)
  if [ "$listed" != "$expected" ]; then
    diff <(echo "$expected") <(echo "$listed") >&2 || true
    fail "the DESTDIR tree differs from the expected list (< expected, > installed)"
  fi
  echo "$listed"
  [ -x "$root/bin/synctva-studio" ] || fail "$root/bin/synctva-studio is not executable"
  "$root/bin/synctva" --help >/dev/null || fail "the installed synctva does not run"
  cmp -s "$root/share/man/man1/synctva.1" "$build/man/synctva.1" \
    || fail "the installed synctva.1 differs from the built one"
  # the installed tree as a desktop sees it: *.stva opens with the studio
  update-mime-database "$root/share/mime" >/dev/null 2>&1 \
    || fail "update-mime-database $root/share/mime failed"
  update-desktop-database "$root/share/applications"
  local default
  # (PATH: GIO skips a desktop file whose TryExec is not on the PATH)
  default=$(PATH="$root/bin:$PATH" XDG_DATA_HOME="$root/share" XDG_DATA_DIRS=/usr/share \
    XDG_CONFIG_HOME="$tmp/config" gio mime application/x-synctva-project | sed -n 1p)
  grep -q "$app_id.desktop" <<<"$default" \
    || fail "application/x-synctva-project does not open with $app_id.desktop: $default"
  echo "install: $(wc -l <<<"$listed") files; $default"
}

case "$check" in
  desktop-file) desktop_file ;;
  metainfo) metainfo ;;
  icons) icons ;;
  mime) mime ;;
  man) man_pages ;;
  install) install_tree ;;
  *) fail "unknown check '$check'" ;;
esac
