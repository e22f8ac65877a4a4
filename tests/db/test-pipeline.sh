#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The project pipeline end to end, text only so it takes seconds: init, import meld,
# extract --project, train --project (preset tiny), eval --project, predict --project, stats;
# checks that the project then holds the features, one model and a prediction per utterance,
# that re-running extract replaces vectors rather than adding them, that predict registers
# the same model once, and that the npz mode still agrees with the project mode.
. "$(dirname "$0")/../common/cli-test.sh"   # $synctva, $dir, fail, expect, json_int

# a small corpus: 3 splits, dialogues of 4 utterances whose words follow the label
mkdir -p "$dir/meld" "$dir/work"
header='Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime'
write_split () {   # write_split FILE N_DIALOGUES
  {
    printf '%s\r\n' "$header"
    n=1; d=0
    while [ $d -lt "$2" ]; do
      u=0
      while [ $u -lt 4 ]; do
        case $(( (d + u) % 3 )) in
          0) text="I am so happy today, great news"; emo=joy; sen=positive ;;
          1) text="This is awful, I hate it"; emo=anger; sen=negative ;;
          *) text="Okay, the bus leaves at nine"; emo=neutral; sen=neutral ;;
        esac
        spk=Ann; [ $((u % 2)) = 1 ] && spk=Bob
        printf '%d,"%s",%s,%s,%s,%d,%d,1,1,"00:00:0%d,000","00:00:0%d,500"\r\n' \
          $n "$text" $spk $emo $sen $d $u $u $u
        n=$((n + 1)); u=$((u + 1))
      done
      d=$((d + 1))
    done
  } > "$dir/meld/$1"
}
write_split train_sent_emo.csv 8
write_split dev_sent_emo.csv 3
write_split test_sent_emo.csv 3
cd "$dir/work" || exit 1

expect 0 "$synctva" init p.stva
expect 0 "$synctva" import meld ../meld
grep -q 'Imported 14 dialogues, 56 utterances' "$dir/out" || fail "import: $(cat "$dir/out")"

# extract: with no media only text is asked for; found as the single *.stva here
expect 2 "$synctva" extract --project p.stva --out x.npz
expect 2 "$synctva" extract --project p.stva ../meld
# GOption: --help from the option table; an unknown or misplaced option named, status 2
expect 0 "$synctva" extract --help
grep -q -- '--modalities' "$dir/out" || fail "extract --help: $(cat "$dir/out")"
expect 2 "$synctva" extract --project p.stva --bogus
grep -q 'extract: Unknown option --bogus' "$dir/err" || fail "extract --bogus: $(cat "$dir/err")"
expect 2 "$synctva" extract --project p.stva --model m.stvm
grep -q 'Unknown option --model' "$dir/err" || fail "extract --model: $(cat "$dir/err")"
expect 2 "$synctva" extract --project p.stva --shard 2/2
grep -q -- "--shard takes I/N with 0 <= I < N, not '2/2'" "$dir/err" || fail "--shard 2/2: $(cat "$dir/err")"
expect 0 "$synctva" extract --modalities T --jobs 2 --json
grep -q '"project": *"p.stva", *"dialogues": *14, *"utterances": *56' "$dir/out" \
  || fail "extract: $(cat "$dir/out")"
grep -q '"stored": *{"text": *56, *"audio": *0, *"visual": *0}' "$dir/out" \
  || fail "extract stored: $(cat "$dir/out")"
expect 0 "$synctva" stats --json
[ "$(json_int features "$dir/out")" = 56 ] || fail "features after extract: $(cat "$dir/out")"
expect 0 "$synctva" extract --project p.stva --modalities T
expect 0 "$synctva" stats --json
[ "$(json_int features "$dir/out")" = 56 ] || fail "a second extract added vectors"

# train: the model is registered with its dev metrics
expect 2 "$synctva" train --project p.stva --data x.npz --out m.stvm
# an output that cannot be written is refused before training, naming why
expect 1 "$synctva" train --project p.stva --out nowhere/m.stvm --preset tiny --epochs 4
grep -q 'nowhere/m.stvm: cannot be written: folder nowhere' "$dir/err" || fail "train --out: $(cat "$dir/err")"
! grep -q 'epoch' "$dir/out" "$dir/err" || fail "train --out nowhere: trained first"
expect 1 "$synctva" train --project p.stva --out . --preset tiny --epochs 4
grep -q 'is a folder' "$dir/err" || fail "train --out .: $(cat "$dir/err")"
expect 0 "$synctva" train --project p.stva --out m.stvm --preset tiny --epochs 4 --seed 3 --json
grep -q '"model_id": *1' "$dir/out" || fail "train: $(cat "$dir/out")"
[ -s m.stvm ] || fail "no model file"
expect 0 "$synctva" stats --json
[ "$(json_int models "$dir/out")" = 1 ] || fail "models after train: $(cat "$dir/out")"

# eval on the project, and the same numbers from the npz export
expect 0 "$synctva" eval --model m.stvm --split test --json
grep -q '"n": *12' "$dir/out" || fail "eval: $(cat "$dir/out")"
sed 's/"model": *"[^"]*", *//' "$dir/out" > eval-project.json
expect 0 "$synctva" export npz f.npz
expect 0 "$synctva" eval --model m.stvm --data f.npz --split test --json
sed 's/"model": *"[^"]*", *//' "$dir/out" > eval-npz.json
cmp -s eval-project.json eval-npz.json || fail "eval differs between project and npz"

# predict: every utterance stored, the model not registered twice; a table with --out
expect 0 "$synctva" predict --model m.stvm
grep -q 'stored 56 predictions of model 1' "$dir/out" || fail "predict: $(cat "$dir/out")"
expect 0 "$synctva" predict --project p.stva --model m.stvm --out pred.jsonl
[ "$(wc -l < pred.jsonl)" = 56 ] || fail "predict --out rows"
# packs of 3 dialogues, two at a time on two threads (stored again, replacing): the same
# predictions in the same order, to rounding; bad counts are usage errors
expect 0 "$synctva" predict --project p.stva --model m.stvm --out pred2.jsonl --threads 2 --pack 3
/usr/bin/python3 - pred.jsonl pred2.jsonl <<'PY' || fail "predict --threads 2 --pack 3 differs"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) == 56
for x, y in zip(a, b):
    assert (x['dialogue'], x['index']) == (y['dialogue'], y['index']), (x, y)
    assert x['predicted'] == y['predicted'], (x, y)
    assert abs(x['confidence'] - y['confidence']) < 1e-5, (x, y)
PY
expect 2 "$synctva" predict --project p.stva --model m.stvm --threads 3
grep -q -- '--threads takes 1 or 2' "$dir/err" || fail "predict --threads 3: $(cat "$dir/err")"
expect 2 "$synctva" predict --project p.stva --model m.stvm --pack 0
grep -q -- '--pack takes 1 to 16' "$dir/err" || fail "predict --pack 0: $(cat "$dir/err")"
expect 0 "$synctva" predict --help
grep -q -- '--threads' "$dir/out" && grep -q -- '--label-set' "$dir/out" || fail "predict --help: $(cat "$dir/out")"
expect 2 "$synctva" predict --model m.stvm --dialogue 1
grep -q 'predict: Unknown option --dialogue' "$dir/err" || fail "predict --dialogue: $(cat "$dir/err")"
expect 2 "$synctva" predict --model m.stvm --split exam
grep -q "'exam' is not one of test, dev, train, none, all" "$dir/err" || fail "predict --split exam: $(cat "$dir/err")"
expect 2 "$synctva" predict --split test
grep -q 'predict needs --model' "$dir/err" || fail "predict without --model: $(cat "$dir/err")"
expect 0 "$synctva" stats --json
[ "$(json_int models "$dir/out")" = 1 ] || fail "models after predict: $(cat "$dir/out")"
[ "$(json_int predictions "$dir/out")" = 56 ] || fail "predictions: $(cat "$dir/out")"
predicted=$(sed -n 's/.*"predicted": *\([0-9][0-9]*\).*/\1/p' "$dir/out" | head -n 1)
[ -n "$predicted" ] || fail "no predicted counts in stats"

# the predictions as exported agree with the JSONL of predict
expect 0 "$synctva" export csv all.csv
[ "$(wc -l < all.csv)" -ge 57 ] || fail "export rows"
if command -v sqlite3 >/dev/null 2>&1; then
  n=$(sqlite3 p.stva "SELECT count (*) FROM prediction WHERE hex (substr (attention, 1, 4)) = '5341544E' AND beta IS NOT NULL")
  [ "$n" = 56 ] || fail "predictions with beta and a SATN attention blob: $n"
fi

# the attention blobs follow the SATN layout of stva-db.h and hold softmax rows
if command -v python3 >/dev/null 2>&1; then
  python3 - p.stva <<'PY' || fail "attention blobs"
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
n = 0
for (att,) in db.execute("SELECT attention FROM prediction"):
    assert att[:4] == b"SATN", "magic"
    version, n_maps = struct.unpack_from("<II", att, 4)
    assert version == 1 and n_maps >= 1, (version, n_maps)
    off = 12
    for _ in range(n_maps):
        (L,) = struct.unpack_from("<H", att, off); off += 2 + L
        rows, cols = struct.unpack_from("<II", att, off); off += 8
        vals = struct.unpack_from("<%df" % (rows * cols), att, off); off += 4 * rows * cols
        for r in range(rows):
            s = sum(vals[r * cols:(r + 1) * cols])
            assert abs(s - 1) < 1e-3 or s == 0, s
    assert off == len(att), "bytes after the last map"
    n += 1
assert n == 56, n
PY
fi

# figures from the stored predictions: the three kinds in the three file kinds; reading only
sum_before=$(cksum < p.stva)
expect 0 "$synctva" figure confusion conf.png
grep -q 'Wrote conf.png (confusion of model 1, 12 utterances of split test against current labels)' \
  "$dir/out" || fail "figure confusion: $(cat "$dir/out")"
expect 0 "$synctva" figure confusion conf.pdf --split all --gold --size 300x300
expect 0 "$synctva" figure confusion conf.svg --json
grep -q '"figure": *"confusion", *"out": *"conf.svg", *"model_id": *1' "$dir/out" \
  || fail "figure --json: $(cat "$dir/out")"
expect 0 "$synctva" figure contributions contrib.png --dialogue 1 --dpi 72
expect 0 "$synctva" figure attention att.svg --dialogue 1 --json
grep -q '"map": *"msde.T"' "$dir/out" || fail "figure attention's map: $(cat "$dir/out")"
[ "$(head -c 8 conf.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] || fail "conf.png: not a PNG"
[ "$(head -c 5 conf.pdf)" = '%PDF-' ] || fail "conf.pdf: not a PDF"
grep -q '<svg' conf.svg && grep -q '<svg' att.svg || fail "not SVG"
# per-class metrics: the weighted F1 drawn is eval's on the same split and labels
expect 0 "$synctva" figure metrics metrics.pdf --json
f_fig=$(sed -n 's/.*"weighted_f1": *\[\([0-9.]*\)\].*/\1/p' "$dir/out")
expect 0 "$synctva" eval --model m.stvm --split test --json
f_eval=$(sed -n 's/.*"weighted_f1": *\([0-9.]*\),.*/\1/p' "$dir/out")
[ -n "$f_fig" ] && awk -v a="$f_fig" -v b="$f_eval" 'BEGIN { exit !(a - b < 1e-5 && b - a < 1e-5) }' \
  || fail "figure metrics' weighted F1 $f_fig, eval's $f_eval"
# learning curves from the history train registered: one entry per epoch run
expect 0 "$synctva" figure training curves.pdf
grep -q 'Wrote curves.pdf (training of model 1)' "$dir/out" || fail "figure training: $(cat "$dir/out")"
/usr/bin/python3 - p.stva <<'PY' || fail "the registered history"
import json, sqlite3, sys
m = json.loads(sqlite3.connect(sys.argv[1]).execute("SELECT metrics FROM model WHERE id = 1").fetchone()[0])
h = m["history"]
assert len(h) == m["epochs_run"] and [e["epoch"] for e in h] == list(range(1, len(h) + 1)), h
assert all(e["loss"] > 0 and 0 <= e["dev_weighted_f1"] <= 1 for e in h), h
PY
[ "$(cksum < p.stva)" = "$sum_before" ] || fail "figure changed the project"
# usage errors (2) and what the project lacks (1), each named
expect 2 "$synctva" figure pie p.png
grep -q "unknown figure 'pie'" "$dir/err" || fail "figure pie: $(cat "$dir/err")"
expect 0 "$synctva" figure --help
grep -q -- '--dialogue' "$dir/out" || fail "figure --help: $(cat "$dir/out")"
expect 2 "$synctva" figure confusion c.png --threads 2
grep -q 'figure: Unknown option --threads' "$dir/err" || fail "figure --threads: $(cat "$dir/err")"
expect 2 "$synctva" figure attention c.png --dialogue 1 --map caf.T
grep -q "'caf.T' names no attention map" "$dir/err" || fail "figure --map caf.T: $(cat "$dir/err")"
expect 2 "$synctva" figure attention a.png
grep -q 'needs --dialogue DIALOGUE' "$dir/err" || fail "figure without --dialogue: $(cat "$dir/err")"
expect 2 "$synctva" figure confusion conf.gif
grep -q 'conf.gif: a figure is written as .png, .svg or .pdf' "$dir/err" || fail "gif: $(cat "$dir/err")"
expect 2 "$synctva" figure confusion c.png --split exam
expect 2 "$synctva" figure confusion c.png --dpi 5
expect 1 "$synctva" figure confusion nowhere/c.png
grep -q 'nowhere/c.png' "$dir/err" || fail "figure into a missing folder: $(cat "$dir/err")"
expect 1 "$synctva" figure contributions c.png --dialogue 999
grep -q "no dialogue '999'" "$dir/err" || fail "dialogue 999: $(cat "$dir/err")"
# dialogues by SPLIT/NAME too; a name in several splits must be told apart
expect 0 "$synctva" figure contributions c.svg --dialogue test/dia1 --json
grep -q '"dialogue_id": *[1-9]' "$dir/out" || fail "test/dia1: $(cat "$dir/out")"
expect 1 "$synctva" figure contributions c.svg --dialogue dia1
grep -q "dialogue 'dia1' is in several splits: say which (train/dia1, dev/dia1, test/dia1)" \
  "$dir/err" || fail "dia1: $(cat "$dir/err")"
rm -f c.svg
expect 1 "$synctva" figure attention c.png --dialogue 1 --map caf.T\<-A
grep -q "no attention map 'caf.T<-A' from model 1; it has: msde.T" "$dir/err" \
  || fail "unknown map: $(cat "$dir/err")"
expect 1 "$synctva" figure attention c.png --dialogue 1 --head 3
grep -q 'has 1 heads' "$dir/err" || fail "--head 3: $(cat "$dir/err")"
expect 1 "$synctva" figure confusion c.png --model 7
grep -q 'model 7 has no predictions' "$dir/err" || fail "--model 7: $(cat "$dir/err")"
expect 0 "$synctva" init "$dir/empty.stva"
expect 1 "$synctva" figure confusion c.png --project "$dir/empty.stva"
grep -q 'no model of label set meld yet' "$dir/err" || fail "no model: $(cat "$dir/err")"
expect 2 "$synctva" figure metrics c.png --measure accuracy
expect 2 "$synctva" figure confusion c.png --model 1 --model 1
grep -q 'takes one --model' "$dir/err" || fail "two models for confusion: $(cat "$dir/err")"
expect 1 "$synctva" figure metrics c.png --model 1 --model 9
grep -q 'model 9 has no predictions' "$dir/err" || fail "metrics --model 9: $(cat "$dir/err")"
[ ! -e c.png ] && [ -z "$(ls ./*.part 2>/dev/null)" ] || fail "a failed figure left a file"
# the cross-modal graph: the text-only model has no pair graph; a copy of the project with audio
# features (all but test/dia1's second utterance) gets a T+A model whose T-A graph is drawn
expect 1 "$synctva" figure graph g.png --dialogue test/dia1
grep -q "model 1 stored no pair-graph attention for dialogue test/dia1 (a model trained --no-graph has none); it has: msde.T" \
  "$dir/err" || fail "graph of a text-only model: $(cat "$dir/err")"
/usr/bin/python3 - p.stva g.stva <<'PY' || fail "could not add audio features"
import sqlite3, struct, sys
src = sqlite3.connect(sys.argv[1]); db = sqlite3.connect(sys.argv[2]); src.backup(db); src.close()
skip = db.execute("SELECT u.id FROM utterance u JOIN dialogue d ON d.id = u.dialogue_id "
                  "WHERE d.split = 'test' AND d.name = 'dia1' AND u.idx = 1").fetchone()[0]
for (uid, idx) in db.execute("SELECT id, idx FROM utterance").fetchall():
    if uid != skip:
        v = [((uid * 7 + k * 3) % 11) / 11.0 for k in range(8)]
        db.execute("INSERT INTO feature VALUES (?, 'audio', 'test-audio', '1', 8, ?, 0)",
                   (uid, struct.pack('<8f', *v)))
db.commit()
PY
expect 0 "$synctva" train --project g.stva --out g.stvm --preset tiny --epochs 2 --modalities T,A
expect 0 "$synctva" predict --project g.stva --model g.stvm
# T1 (the tiny preset: windows of 2 utterances, cross-modal 1): its self loop, T2 and T3 ahead,
# A1 beside it; not T4 (too far ahead), nor A2 (no audio); the weights are the whole row
expect 0 "$synctva" figure graph g.png --project g.stva --dialogue test/dia1 --edges all --json
/usr/bin/python3 - "$dir/out" <<'PY' || fail "graph edges of T1: $(cat "$dir/out")"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["figure"] == "graph" and f["utterance"] == 1 and f["modality"] == "T", f
assert f["pairs"] == ["TA"] and f["layer"] == 0 and f["head"] == -1, f
got = sorted((e["modality"], e["utterance"], e["relation"]) for e in f["edges"])
assert got == [("A", 1, "cross-modal, synchronous"), ("T", 1, "self loop"),
               ("T", 2, "future, other speaker"), ("T", 3, "future, same speaker")], got
w = [e["weight"] for e in f["edges"]]
assert w == sorted(w, reverse=True) and abs(sum(w) - 1) < 1e-5, w
PY
# A3: A1 behind (Ann both), A4 ahead (Bob), itself; T3 beside, T2 and T4 one away
expect 0 "$synctva" figure graph g.svg --project g.stva --dialogue test/dia1 --utterance 3 \
  --modality a --pair TA --layer all --head 1 --edges all --json
/usr/bin/python3 - "$dir/out" <<'PY' || fail "graph edges of A3: $(cat "$dir/out")"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["utterance"] == 3 and f["modality"] == "A" and f["layer"] == "all" and f["head"] == 1, f
got = sorted((e["modality"], e["utterance"], e["relation"]) for e in f["edges"])
assert got == [("A", 1, "past, same speaker"), ("A", 3, "self loop"),
               ("A", 4, "future, other speaker"), ("T", 2, "cross-modal, context"),
               ("T", 3, "cross-modal, synchronous"), ("T", 4, "cross-modal, context")], got
PY
# A2 has no audio: no edges at all
expect 0 "$synctva" figure graph g.png --project g.stva --dialogue test/dia1 --utterance 2 \
  --modality A --json
grep -q '"utterance": *2, *"modality": *"A", *"pairs": *\["TA"\],.*"edges": *\[\]' "$dir/out" \
  || fail "graph of a missing node: $(cat "$dir/out")"
expect 0 "$synctva" figure graph g.pdf --project g.stva --dialogue test/dia1 --utterance 4 --edges 2
grep -q 'Wrote g.pdf (graph of model 2, dialogue [0-9]*, node T4, pair graph TA, one layer, heads averaged, 2 edges drawn)' \
  "$dir/out" || fail "figure graph g.pdf: $(cat "$dir/out")"
[ "$(head -c 8 g.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] || fail "g.png: not a PNG"
[ "$(head -c 5 g.pdf)" = '%PDF-' ] && grep -q '<svg' g.svg || fail "g.pdf, g.svg"
# bad options (2), and what the project lacks (1), each named
for bad in "--utterance 0" "--modality Q" "--pair XY" "--pair AV" "--layer x" "--edges 0" \
           "--window -1" "--window many"; do
  # shellcheck disable=SC2086
  expect 2 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 $bad
done
grep -q 'takes a number of utterances, or all' "$dir/err" || fail "--window many: $(cat "$dir/err")"
expect 2 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --pair av
grep -q 'pair graph av has no T nodes' "$dir/err" || fail "--pair av: $(cat "$dir/err")"
expect 2 "$synctva" figure graph b.png --project g.stva
grep -q 'figure graph needs --dialogue DIALOGUE' "$dir/err" || fail "graph without dialogue: $(cat "$dir/err")"
expect 2 "$synctva" figure contributions b.png --project g.stva --dialogue test/dia1 --utterance 2
grep -q "are the graph figure's" "$dir/err" || fail "--utterance elsewhere: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --utterance 5
grep -q 'dialogue test/dia1 has 4 utterances: --utterance takes 1 to 4' "$dir/err" \
  || fail "--utterance 5: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --layer 1
grep -q 'model 2 has 1 graph attention layers (0 to 0): no layer 1' "$dir/err" \
  || fail "--layer 1: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --head 2
grep -q 'utterance [0-9]* (model 2): .*head' "$dir/err" || fail "--head 2: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --pair TV
grep -q 'model 2 stored no pair graph TV' "$dir/err" || fail "--pair TV: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --model 1
grep -q 'model 1 stored no pair-graph attention' "$dir/err" || fail "graph --model 1: $(cat "$dir/err")"
expect 1 "$synctva" figure graph b.png --project g.stva --dialogue test/dia1 --model 7
grep -q 'has no attention from model 7' "$dir/err" || fail "graph --model 7: $(cat "$dir/err")"
[ ! -e b.png ] || fail "a failed graph figure left a file"
rm -f g.stva g.stva-wal g.stva-shm g.stvm g.png g.svg g.pdf

# a hostile project: one attention blob of the wrong shape, one not a blob at all
/usr/bin/python3 - p.stva <<'PY' || fail "could not doctor the project"
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("SELECT u.id FROM utterance u JOIN dialogue d ON d.id = u.dialogue_id "
                                "WHERE d.id IN (1, 2) ORDER BY d.id, u.idx")]
name = b"msde.T"
bad = b"SATN" + struct.pack("<II", 1, 1) + struct.pack("<H", len(name)) + name + struct.pack("<II", 1, 2) + struct.pack("<2f", 0.5, 0.5)
db.execute("UPDATE prediction SET attention = ? WHERE utterance_id = ?", (bad, ids[1]))
db.execute("UPDATE prediction SET attention = ? WHERE utterance_id = ?", (b"SATN\x01", ids[5]))
db.execute("""UPDATE model SET metrics = '{"history": [{"epoch": 2}, {"epoch": 1}]}' WHERE id = 1""")
db.commit()
PY
expect 1 "$synctva" figure training c.png --model 1
grep -q 'model 1: training history entry 2 does not come after the one before it' "$dir/err" \
  || fail "a history out of order: $(cat "$dir/err")"
/usr/bin/python3 - p.stva <<'PY' || fail "could not doctor the history"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("""UPDATE model SET metrics = '{"history": [{"epoch": "1", "loss": 1}]}' WHERE id = 1""")
db.commit()
PY
expect 1 "$synctva" figure training c.png --model 1
grep -q 'model 1: training history entry 1 has no epoch number' "$dir/err" \
  || fail "an epoch given as a string: $(cat "$dir/err")"
expect 1 "$synctva" figure attention c.png --dialogue 1
grep -q "attention map 'msde.T' is 1 x 2, not 1 x 4" "$dir/err" || fail "wrong shape: $(cat "$dir/err")"
expect 1 "$synctva" figure attention c.png --dialogue 2
grep -q 'p.stva: utterance [0-9]*: ' "$dir/err" || fail "bad blob: $(cat "$dir/err")"
expect 0 "$synctva" figure confusion conf.png   # the rest still reads
expect 0 "$synctva" predict --model m.stvm      # and predicting again mends it

# two models side by side: a second one trained briefly, its predictions stored beside the first's
expect 0 "$synctva" train --out m2.stvm --preset tiny --epochs 2 --seed 5
expect 0 "$synctva" predict --model m2.stvm
expect 0 "$synctva" figure metrics metrics2.svg --model 1 --model 2 --measure recall --json
grep -q '"weighted_f1": *\[[0-9.]*, *[0-9.]*\]' "$dir/out" || fail "two models: $(cat "$dir/out")"
expect 0 "$synctva" figure metrics metrics2.png --model 1 --model 2
grep -q 'Wrote metrics2.png (metrics of models 1, 2, 12 utterances of split test' "$dir/out" \
  || fail "two models: $(cat "$dir/out")"

# gold labels and an unknown label set
expect 0 "$synctva" eval --model m.stvm --gold --split dev
expect 1 "$synctva" eval --model m.stvm --label-set nope
echo "ok"
