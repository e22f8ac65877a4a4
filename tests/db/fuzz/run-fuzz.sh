#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets of db/'s readers with clang (ASan + UBSan, coverage on the
# reader under test; the rest of db/ comes from the gcc-built library) and runs each briefly
# from a small seed corpus.  Usage: run-fuzz.sh SOURCE_ROOT BUILD_ROOT [SECONDS]
set -eu
src=$1
build=$2
seconds=${3:-10}
cc=$(command -v clang || true)
[ -n "$cc" ] || { echo "1..0 # SKIP clang not installed"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I$src/db -I$src/core -I$src/core/model -I$build -I$build/db
  $(pkg-config --cflags glib-2.0 gio-2.0 sqlite3 libxml-2.0 json-glib-1.0)"
libs="$build/db/libstva-db.a $(pkg-config --libs glib-2.0 gio-2.0 sqlite3 libxml-2.0 json-glib-1.0) -lm"

seed () {   # seed NAME FILE CONTENT
  mkdir -p "$work/corpus-$1"
  printf '%b' "$3" > "$work/corpus-$1/$2"
}
seed csv a 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n1,"Hi, ""you""",Ann,joy,positive,0,0,1,1,"00:00:00,000","00:00:01,000"\r\n'
seed subtitles a '1\r\n00:00:01,000 --> 00:00:02,500\r\nAnn: Hello.\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nTwo\r\nlines\r\n'
seed subtitles b 'WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<v Joe>Hi &amp; bye</v>\n'
seed textgrid a 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 2\ntiers? <exists>\nsize = 1\nitem []:\n  item [1]:\n    class = "IntervalTier"\n    name = "A"\n    xmin = 0\n    xmax = 2\n    intervals: size = 1\n    intervals [1]:\n      xmin = 0\n      xmax = 2\n      text = "hi ""x"""\n'
seed eaf a '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="900"/></TIME_ORDER><TIER TIER_ID="A" LINGUISTIC_TYPE_REF="u"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>Hi</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER><TIER TIER_ID="Emotion-gold" LINGUISTIC_TYPE_REF="e"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>joy</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" TIME_ALIGNABLE="true"/><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="e" TIME_ALIGNABLE="true" CONTROLLED_VOCABULARY_REF="meld"/></ANNOTATION_DOCUMENT>\n'
seed eaf b '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2"/><TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="900"/></TIME_ORDER><TIER TIER_ID="A" PARTICIPANT="P" LINGUISTIC_TYPE_REF="u"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>Hi</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER><TIER TIER_ID="S" PARENT_REF="A" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>joy</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>Anger</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER><TIER TIER_ID="E" PARENT_REF="A" LINGUISTIC_TYPE_REF="e"><ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a1" CVE_REF="c1"><ANNOTATION_VALUE>x</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION></TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" TIME_ALIGNABLE="true"/><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="t" CONSTRAINTS="Time_Subdivision" TIME_ALIGNABLE="true"/><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="e" CONSTRAINTS="Symbolic_Association" TIME_ALIGNABLE="false" CONTROLLED_VOCABULARY_REF="cv"/><CONTROLLED_VOCABULARY CV_ID="cv" EXT_REF="r"><CV_ENTRY_ML CVE_ID="c1"><CVE_VALUE LANG_REF="eng">joy</CVE_VALUE><CVE_VALUE LANG_REF="deu">Freude</CVE_VALUE></CV_ENTRY_ML><CV_ENTRY_ML CVE_ID="c2"><CVE_VALUE LANG_REF="eng">anger</CVE_VALUE></CV_ENTRY_ML></CONTROLLED_VOCABULARY><EXTERNAL_REF EXT_REF_ID="r" TYPE="ecv" VALUE="x.ecv"/></ANNOTATION_DOCUMENT>\n'

n=0
status=0
for target in csv subtitles textgrid eaf; do
  n=$((n + 1))
  case $target in
    csv) under="$src/db/stva-csv.c $src/db/stva-meld.c" ;;
    subtitles) under="$src/db/stva-subtitles.c" ;;
    textgrid) under="$src/db/stva-textgrid.c" ;;
    eaf) under="$src/db/stva-db-eaf.c" ;;
  esac
  # shellcheck disable=SC2086
  if ! "$cc" $flags -o "$work/fuzz-$target" "$src/tests/db/fuzz/fuzz-$target.c" $under $libs \
       2>"$work/build-$target.log"; then
    cat "$work/build-$target.log" >&2
    echo "not ok $n - fuzz-$target (build)"; status=1; continue
  fi
  if "$work/fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=4096 \
       -artifact_prefix="$work/" "$work/corpus-$target" >"$work/run-$target.log" 2>&1; then
    echo "ok $n - fuzz-$target: $(grep -o 'Done [0-9]* runs' "$work/run-$target.log" || echo ran)"
  else
    tail -40 "$work/run-$target.log" >&2
    echo "not ok $n - fuzz-$target"; status=1
  fi
done
echo "1..$n"
exit $status
