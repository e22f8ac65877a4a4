#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tools/pkl2npz.py end to end: writes small pickles in every layout it knows (protocol 2, as the
Python-2-era originals; ids in sets and lists, features as lists and arrays), converts them,
reads each result with the C reader (npz-dump, which also validates) and checks every value
against what the pickle held, computed here independently of the converter.  Then the errors:
a wrong tuple length, a label outside the set, an unknown --dev-list id.

usage: test-pkl2npz.py PKL2NPZ NPZ_DUMP      (exit 77 when numpy is missing)"""
import json
import os
import pickle
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print('skip: numpy is not installed for', sys.executable)
    sys.exit(77)

PKL2NPZ, DUMP = sys.argv[1], sys.argv[2]
IEMOCAP = ['happy', 'sad', 'neutral', 'angry', 'excited', 'frustrated']
MELD = ['neutral', 'surprise', 'fear', 'sadness', 'joy', 'disgust', 'anger']
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def corpus(n_train, n_test, K, prefix, widths, n_text, seed, n_valid=0):
    """Dialogues with exact-in-float32 features: value = q / 4 for small integers q."""
    rng = np.random.RandomState(seed)
    ids = ['%s%02d' % (prefix, i) for i in range(n_train + n_valid + n_test)]
    dia = {}
    for vid in ids:
        T = int(rng.randint(1, 6))
        d = {'T': T, 'labels': [int(v) for v in rng.randint(-1 if vid == ids[0] else 0, K, T)],
             'mf': ['M' if v else 'F' for v in rng.randint(0, 2, T)],
             'slot': [int(v) for v in rng.randint(0, 9, T)],
             'sent': ['utterance %d of %s' % (t, vid) for t in range(T)],
             'utt': ['%s_%s%03d' % (vid, 'MF'[t % 2], t) for t in range(T)],
             'senti': [int(v) for v in rng.randint(0, 3, T)]}
        d['text'] = [rng.randint(-40, 40, (T, widths[0])) / 4.0 for _ in range(n_text)]
        d['audio'] = rng.randint(-40, 40, (T, widths[1])) / 4.0
        d['visual'] = rng.randint(-40, 40, (T, widths[2])) / 4.0
        dia[vid] = d
    train = ids[:n_train]
    valid = ids[n_train:n_train + n_valid]
    test = ids[n_train + n_valid:]
    return dia, train, valid, test


def field(dia, f):
    return {vid: f(d) for vid, d in dia.items()}


def onehot(slots):
    return [[1.0 if k == s else 0.0 for k in range(9)] for s in slots]


def build(layout, dia, train, valid, test):
    # IEMOCAP-style per-utterance ids (strings) for the iemocap layouts, MELD-style ints for meld
    ids = field(dia, lambda d: d['utt'] if layout.startswith('iemocap') else list(range(d['T'])))
    spk_mf = field(dia, lambda d: d['mf'])
    spk_oh = field(dia, lambda d: onehot(d['slot']))
    lab = field(dia, lambda d: d['labels'])
    sent = field(dia, lambda d: d['sent'])
    senti = field(dia, lambda d: d['senti'])
    text = [field(dia, lambda d, k=k: [list(r) for r in d['text'][k]]) for k in range(4)
            if k < len(next(iter(dia.values()))['text'])]
    audio = field(dia, lambda d: list(d['audio']))          # a list of numpy rows
    visual = field(dia, lambda d: d['visual'])                # a (T, F) array
    if layout == 'iemocap':
        return (ids, spk_mf, lab, text[0], audio, visual, sent, set(train), list(test))
    if layout == 'iemocap-bert':
        return (ids, spk_mf, lab, *text, audio, visual, sent, list(train), set(test))
    if layout == 'iemocap-roberta':
        return (spk_mf, lab, *text, sent, list(train), list(test), list(valid))
    if layout == 'meld':
        return (ids, spk_oh, lab, text[0], audio, visual, sent, list(train), list(test), None)
    if layout == 'meld-bert':
        return (ids, spk_oh, lab, senti, *text, audio, visual, sent, list(train), list(test), None)
    if layout == 'meld-roberta':
        return (spk_oh, lab, senti, *text, sent, list(train), list(test), list(valid))
    raise ValueError(layout)


def expected(layout, dia, train, valid, test, dev_fraction, seed, text_set, dev_list=None):
    meld = layout.startswith('meld')
    if valid:
        dev = set(valid)
    elif dev_list is not None:
        dev = set(dev_list)
    else:
        st = sorted(train)
        n_dev = int(round(dev_fraction * len(st)))
        dev = {st[i] for i in np.random.RandomState(seed).permutation(len(st))[:n_dev]}
    order = ([(0, v) for v in sorted(train) if v not in dev] + [(1, v) for v in sorted(dev)]
             + [(2, v) for v in sorted(test)])
    names = {vid: (['slot%d' % s for s in d['slot']] if meld else d['mf'])
             for vid, d in dia.items()}
    speakers = sorted({n for vid in dia for n in names[vid]})
    has_av = layout in ('iemocap', 'iemocap-bert', 'meld', 'meld-bert')
    out = []
    for split, vid in order:
        d = dia[vid]
        sets = d['text']
        if len(sets) == 1:
            xt = sets[0]
        elif text_set == 'mean':
            xt = sum(sets) / len(sets)
        elif text_set == 'concat':
            xt = np.concatenate(sets, axis=1)
        else:
            xt = sets[int(text_set) - 1]
        xs = [xt, d['audio'] if has_av else None, d['visual'] if has_av else None]
        out.append({'id': vid, 'split': split, 'T': d['T'],
                    'speaker': [speakers.index(n) for n in names[vid]], 'label': d['labels'],
                    'utt_id': (d['utt'] if layout in ('iemocap', 'iemocap-bert')
                               else ['%s_%d' % (vid, t) for t in range(d['T'])]),
                    'x': [[] if x is None else [float(v) for v in
                                                np.asarray(x, dtype=np.float32).ravel()]
                          for x in xs]})
    return {'labels': MELD if meld else IEMOCAP, 'speakers': speakers, 'dialogues': out}


def run(args):
    return subprocess.run([sys.executable, PKL2NPZ] + args, capture_output=True, text=True)


def compare(name, got, want):
    check(got['labels'] == want['labels'], '%s: labels %s' % (name, got['labels']))
    check(got['speakers'] == want['speakers'], '%s: speakers %s vs %s'
          % (name, got['speakers'], want['speakers']))
    check(len(got['dialogues']) == len(want['dialogues']), '%s: dialogue count' % name)
    for g, w in zip(got['dialogues'], want['dialogues']):
        for k in ('id', 'split', 'T', 'speaker', 'label', 'utt_id'):
            check(g[k] == w[k], '%s: dialogue %s: %s is %s, want %s'
                  % (name, w['id'], k, g[k], w[k]))
        for m in range(3):
            check(g['x'][m] == w['x'][m], '%s: dialogue %s: modality %d features differ'
                  % (name, w['id'], m))


def case(tmp, layout, seed, extra=(), text_set='mean', dev_fraction=0.1, dev_list=None,
         K=None):
    meld = layout.startswith('meld')
    n_text = 4 if layout.endswith('bert') or layout.endswith('roberta') else 1
    n_valid = 2 if layout.endswith('roberta') else 0
    dia, train, valid, test = corpus(8, 3, K or (7 if meld else 6), 'dia' if meld else 'Ses0',
                                     (5, 3, 4), n_text, seed, n_valid)
    name = '%s-%d' % (layout, seed)
    pkl = os.path.join(tmp, name + '.pkl')
    npz = os.path.join(tmp, name + '.npz')
    with open(pkl, 'wb') as f:
        pickle.dump(build(layout, dia, train, valid, test), f, protocol=2)
    r = run(['--layout', layout, pkl, npz, '--seed', str(seed), *extra])
    check(r.returncode == 0, '%s: pkl2npz failed: %s' % (name, r.stderr))
    if r.returncode:
        return
    print(r.stdout.strip())
    d = subprocess.run([DUMP, npz], capture_output=True, text=True)
    check(d.returncode == 0, '%s: the C reader refused it: %s' % (name, d.stderr))
    if d.returncode:
        return
    compare(name, json.loads(d.stdout),
            expected(layout, dia, train, valid, test, dev_fraction, seed, text_set, dev_list))
    z = np.load(npz)
    if layout.startswith('meld-'):
        check('sentiment' in z.files, '%s: no sentiment array' % name)
    check(list(z['sentence'][:1]) == [dia[str(z['dialogue_ids'][0])]['sent'][0]],
          '%s: sentence array' % name)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ('iemocap', 'iemocap-bert', 'iemocap-roberta', 'meld', 'meld-bert',
                       'meld-roberta'):
            case(tmp, layout, 1)
        case(tmp, 'iemocap', 2, ['--dev-fraction', '0.25'], dev_fraction=0.25)
        case(tmp, 'iemocap', 3, ['--dev-fraction', '0'], dev_fraction=0)
        devs = os.path.join(tmp, 'dev.txt')
        with open(devs, 'w') as f:
            f.write('Ses000\nSes003\n')
        case(tmp, 'iemocap', 4, ['--dev-list', devs], dev_list=['Ses000', 'Ses003'])
        case(tmp, 'meld-bert', 5, ['--text-set', '3'], text_set='3')
        case(tmp, 'iemocap-bert', 6, ['--text-set', 'concat', '--stored'], text_set='concat')

        # errors: exit 1 and a message naming the problem
        dia, train, valid, test = corpus(4, 2, 6, 'Ses0', (5, 3, 4), 1, 7)
        pkl = os.path.join(tmp, 'bad.pkl')
        with open(pkl, 'wb') as f:
            pickle.dump(build('iemocap', dia, train, valid, test), f, protocol=2)
        r = run(['--layout', 'meld', pkl, os.path.join(tmp, 'x.npz')])
        check(r.returncode == 1 and 'expected a 10-tuple' in r.stderr, 'tuple length: %s'
              % r.stderr)
        with open(devs, 'w') as f:
            f.write('nope\n')
        r = run(['--layout', 'iemocap', pkl, os.path.join(tmp, 'x.npz'), '--dev-list', devs])
        check(r.returncode == 1 and 'nope not among the training' in r.stderr, 'dev list: %s'
              % r.stderr)
        r = run(['--layout', 'iemocap', pkl, os.path.join(tmp, 'x.npz'), '--labels', 'a,b'])
        check(r.returncode == 1 and 'outside 0..1' in r.stderr, 'labels: %s' % r.stderr)
    if failures:
        print('%d failures' % len(failures))
        return 1
    print('all ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
