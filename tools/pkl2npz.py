#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convert the feature pickles of published conversational-emotion models into the Sync-TVA npz
dataset layout (core/model/stva-npz.h), so `synctva train` can run on the features those papers
used.  Needs only Python 3 and numpy.

  pkl2npz.py --layout LAYOUT IN.pkl OUT.npz [--dev-fraction F | --dev-list FILE] [--seed N]
             [--labels a,b,...] [--text-set 1|2|3|4|mean|concat] [--stored]

The pickles are tuples of dicts keyed by dialogue id (pickle.load (f, encoding='latin1')), each
mapping to per-utterance lists, plus the split lists.  Layouts (tuple field indices):

  iemocap          9: 0 ids, 1 speakers ('M'/'F'), 2 labels, 3 text, 4 audio, 5 visual,
                      6 sentences, 7 train ids, 8 test ids
                      (IEMOCAP_features(_raw).pkl of DialogueRNN, MMGCN, COGMEN/CORECT)
  iemocap-bert    12: 0 ids, 1 speakers, 2 labels, 3-6 four text sets, 7 audio, 8 visual,
                      9 sentences, 10 train, 11 test (GraphSmile)
  iemocap-roberta 10: 0 speakers, 1 labels, 2-5 four RoBERTa text sets, 6 sentences, 7 train,
                      8 test, 9 valid; ids are the dict keys (COSMIC / M3Net)
  meld            10: 0 ids, 1 speakers (one-hot of 9), 2 labels, 3 text, 4 audio, 5 visual,
                      6 sentences, 7 train, 8 test, 9 unused (MELD_features_raw1.pkl, MMGCN)
  meld-bert       14: 0 ids, 1 speakers, 2 labels, 3 sentiments, 4-7 four text sets, 8 audio,
                      9 visual, 10 sentences, 11 train, 12 test, 13 unused (GraphSmile)
  meld-roberta    11: 0 speakers, 1 labels, 2 sentiments, 3-6 four RoBERTa text sets,
                      7 sentences, 8 train, 9 test, 10 valid; ids are the dict keys (COSMIC/M3Net)

Labels: IEMOCAP layouts use happy sad neutral angry excited frustrated (index 0-5, the order of
the {'hap':0,'sad':1,'neu':2,'ang':3,'exc':4,'fru':5} map those repositories share); MELD
layouts use neutral surprise fear sadness joy disgust anger (0-6).  --labels overrides.

Text sets: layouts with four text feature sets (BERT/RoBERTa layers) take their mean by
default; --text-set picks one (1-4) or concatenates them (concat, width 4x).

Speakers: 'M'/'F' characters become speakers "M" and "F"; one-hot vectors become "slot0" to
"slotN" (these are per-dialogue speaker slots, not identities; the model numbers speakers per
dialogue anyway).

Splits: a layout with a validation list uses it.  Otherwise the dev split is carved out of the
training dialogues: --dev-list FILE names them (one id per line, each must be a training id),
else --dev-fraction F (default 0.1, as GraphSmile and CORECT hold out 10%) of them, chosen as
the first round(F * n) of the training ids sorted and then permuted by numpy's
RandomState(--seed, default 0); --dev-fraction 0 makes no dev split.  The test split is never
touched.  Dialogues are written train, dev, test, each sorted by id.

Also written, and ignored by the C reader: `sentence` (N,) the utterance texts when the pickle
has them, and `sentiment` (N,) for the MELD layouts that carry sentiment labels.  utt_ids are
"<dialogue id>_<utterance index>".  Exit status 1 with a message naming the dialogue and field
on any inconsistency.
"""
import argparse
import pickle
import sys

import numpy as np

IEMOCAP_LABELS = ['happy', 'sad', 'neutral', 'angry', 'excited', 'frustrated']
MELD_LABELS = ['neutral', 'surprise', 'fear', 'sadness', 'joy', 'disgust', 'anger']

# field indices per layout: None = absent; 'keys' = the dialogue ids are the label dict's keys
LAYOUTS = {
    'iemocap': dict(n=9, ids=0, speakers=1, labels=2, text=[3], audio=4, visual=5, sentences=6,
                    train=7, test=8, valid=None, sentiment=None, classes=IEMOCAP_LABELS),
    'iemocap-bert': dict(n=12, ids=0, speakers=1, labels=2, text=[3, 4, 5, 6], audio=7, visual=8,
                         sentences=9, train=10, test=11, valid=None, sentiment=None,
                         classes=IEMOCAP_LABELS),
    'iemocap-roberta': dict(n=10, ids='keys', speakers=0, labels=1, text=[2, 3, 4, 5], audio=None,
                            visual=None, sentences=6, train=7, test=8, valid=9, sentiment=None,
                            classes=IEMOCAP_LABELS),
    'meld': dict(n=10, ids=0, speakers=1, labels=2, text=[3], audio=4, visual=5, sentences=6,
                 train=7, test=8, valid=None, sentiment=None, classes=MELD_LABELS),
    'meld-bert': dict(n=14, ids=0, speakers=1, labels=2, text=[4, 5, 6, 7], audio=8, visual=9,
                      sentences=10, train=11, test=12, valid=None, sentiment=3,
                      classes=MELD_LABELS),
    'meld-roberta': dict(n=11, ids='keys', speakers=0, labels=1, text=[3, 4, 5, 6], audio=None,
                         visual=None, sentences=7, train=8, test=9, valid=10, sentiment=2,
                         classes=MELD_LABELS),
}


class ConvertError(Exception):
    pass


def ordered(ids):
    """Split lists may be lists, sets or arrays; ids are compared as strings."""
    return sorted(v.decode('latin1') if isinstance(v, bytes) else str(v) for v in ids)


_keyed = {}


def lookup(d, vid, field):
    """d[vid] with the ids compared as str (pickles keep int, bytes or str ids)."""
    if not isinstance(d, dict):
        raise ConvertError('%s is a %s, not a dict keyed by dialogue id'
                           % (field, type(d).__name__))
    if id(d) not in _keyed:
        _keyed[id(d)] = (d, {(k.decode('latin1') if isinstance(k, bytes) else str(k)): v
                             for k, v in d.items()})
    try:
        return _keyed[id(d)][1][vid]
    except KeyError:
        raise ConvertError('dialogue %s: no %s' % (vid, field)) from None


def matrix(rows, vid, field, T):
    try:
        x = np.asarray([np.asarray(r, dtype=np.float64).ravel() for r in rows], dtype=np.float64)
    except ValueError as e:
        raise ConvertError('dialogue %s: %s rows differ in width (%s)' % (vid, field, e))
    if x.ndim != 2 or x.shape[0] != T:
        raise ConvertError('dialogue %s: %s has %d rows for %d utterances'
                           % (vid, field, len(rows), T))
    return x


def text_features(data, layout, vid, T, text_set):
    sets = [matrix(lookup(data[i], vid, 'text'), vid, 'text', T) for i in layout['text']]
    if len(sets) == 1:
        return sets[0]
    if text_set == 'mean':
        return sum(sets) / len(sets)
    if text_set == 'concat':
        return np.concatenate(sets, axis=1)
    k = int(text_set)
    if not 1 <= k <= len(sets):
        raise ConvertError('--text-set %s: this layout has %d text sets' % (text_set, len(sets)))
    return sets[k - 1]


def speaker_names(raw, vid, T):
    """Per-utterance speaker names from 'M'/'F' characters or one-hot vectors."""
    items = list(raw)
    if len(items) != T:
        raise ConvertError('dialogue %s: %d speakers for %d utterances' % (vid, len(items), T))
    names = []
    for s in items:
        if isinstance(s, bytes):
            s = s.decode('latin1')
        if isinstance(s, str):
            names.append(s)
        else:
            v = np.asarray(s, dtype=np.float64).ravel()
            if v.size == 0:
                raise ConvertError('dialogue %s: empty speaker vector' % vid)
            names.append('slot%d' % int(np.argmax(v)))
    return names


def utterance_ids(data, layout, vid, T):
    """The videoIDs field's per-utterance ids when it has T of them (strings kept as they are,
    anything else prefixed by the dialogue id), else '<dialogue id>_<index>'."""
    if layout['ids'] != 'keys':
        try:
            raw = list(lookup(data[layout['ids']], vid, 'ids'))
        except (ConvertError, TypeError):
            raw = []
        if len(raw) == T:
            return [x.decode('latin1') if isinstance(x, bytes)
                    else x if isinstance(x, str) else '%s_%s' % (vid, x) for x in raw]
    return ['%s_%d' % (vid, t) for t in range(T)]


def choose_dev(train, args):
    if args.dev_list:
        with open(args.dev_list, encoding='utf-8') as f:
            dev = [line.strip() for line in f if line.strip()]
        unknown = sorted(set(dev) - set(train))
        if unknown:
            raise ConvertError('--dev-list: %s not among the training dialogues' % unknown[0])
        return set(dev)
    if not 0 <= args.dev_fraction < 1:
        raise ConvertError('--dev-fraction must be in [0, 1)')
    n_dev = int(round(args.dev_fraction * len(train)))
    perm = np.random.RandomState(args.seed).permutation(len(train))
    return {train[i] for i in perm[:n_dev]}


def convert(data, layout, args):
    if not isinstance(data, (tuple, list)) or len(data) != layout['n']:
        raise ConvertError('expected a %d-tuple for layout %s, found %s of %s'
                           % (layout['n'], args.layout, type(data).__name__,
                              len(data) if hasattr(data, '__len__') else '?'))
    classes = args.labels.split(',') if args.labels else layout['classes']
    train = ordered(data[layout['train']])
    test = ordered(data[layout['test']])
    if layout['valid'] is not None:
        dev = set(ordered(data[layout['valid']]))
        if args.dev_list or args.dev_fraction_given:
            print('pkl2npz: layout %s has its own validation list; --dev-* ignored' % args.layout,
                  file=sys.stderr)
    else:
        dev = choose_dev(train, args)
    overlap = (set(train) | dev) & set(test)
    if overlap:
        raise ConvertError('dialogue %s is in both training and test lists' % sorted(overlap)[0])
    order = ([(0, v) for v in train if v not in dev] + [(1, v) for v in sorted(dev)]
             + [(2, v) for v in test])

    out = {m: [] for m in ('T', 'A', 'V')}
    labels, spk, utt, sent, senti, offsets, ids, splits = [], [], [], [], [], [0], [], []
    for split, vid in order:
        y = [int(v) for v in np.asarray(lookup(data[layout['labels']], vid, 'labels')).ravel()]
        T = len(y)
        if T == 0:
            raise ConvertError('dialogue %s has no utterances' % vid)
        bad = [v for v in y if v < -1 or v >= len(classes)]
        if bad:
            raise ConvertError('dialogue %s: label %d outside 0..%d' % (vid, bad[0],
                                                                       len(classes) - 1))
        labels += y
        spk += speaker_names(lookup(data[layout['speakers']], vid, 'speakers'), vid, T)
        out['T'].append(text_features(data, layout, vid, T, args.text_set))
        for m, key in (('A', 'audio'), ('V', 'visual')):
            if layout[key] is not None:
                out[m].append(matrix(lookup(data[layout[key]], vid, key), vid, key, T))
        if layout['sentences'] is not None:
            s = list(lookup(data[layout['sentences']], vid, 'sentences'))
            if len(s) != T:
                raise ConvertError('dialogue %s: %d sentences for %d utterances'
                                   % (vid, len(s), T))
            sent += [x.decode('latin1') if isinstance(x, bytes) else str(x) for x in s]
        if layout['sentiment'] is not None:
            s = [int(v) for v in np.asarray(lookup(data[layout['sentiment']], vid,
                                                   'sentiment')).ravel()]
            if len(s) != T:
                raise ConvertError('dialogue %s: %d sentiments for %d utterances'
                                   % (vid, len(s), T))
            senti += s
        utt += utterance_ids(data, layout, vid, T)
        offsets.append(offsets[-1] + T)
        ids.append(vid)
        splits.append(split)

    speakers = sorted(set(spk))
    index = {s: i for i, s in enumerate(speakers)}
    arrays = {
        'labels': np.array(classes, dtype=str),
        'speakers': np.array(speakers, dtype=str),
        'dialogue_ids': np.array(ids, dtype=str),
        'dialogue_split': np.array(splits, dtype=np.int32),
        'dialogue_offset': np.array(offsets, dtype=np.int64),
        'utt_ids': np.array(utt, dtype=str),
        'speaker': np.array([index[s] for s in spk], dtype=np.int32),
        'label': np.array(labels, dtype=np.int32),
    }
    for m, rows in out.items():
        if not rows:
            continue
        widths = {r.shape[1] for r in rows}
        if len(widths) != 1:
            raise ConvertError('modality %s: dialogues have widths %s' % (m, sorted(widths)))
        arrays['x_' + m] = np.concatenate(rows).astype(np.float32)
    if sent:
        arrays['sentence'] = np.array(sent, dtype=str)
    if senti:
        arrays['sentiment'] = np.array(senti, dtype=np.int32)
    return arrays


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    p.add_argument('--layout', required=True, choices=sorted(LAYOUTS))
    p.add_argument('input')
    p.add_argument('output')
    p.add_argument('--dev-fraction', type=float, default=None)
    p.add_argument('--dev-list')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--labels', help='class names in index order, comma-separated')
    p.add_argument('--text-set', default='mean', choices=['1', '2', '3', '4', 'mean', 'concat'])
    p.add_argument('--stored', action='store_true', help='np.savez instead of savez_compressed')
    args = p.parse_args(argv)
    args.dev_fraction_given = args.dev_fraction is not None
    if args.dev_fraction is None:
        args.dev_fraction = 0.1
    try:
        with open(args.input, 'rb') as f:
            data = pickle.load(f, encoding='latin1')
        arrays = convert(data, LAYOUTS[args.layout], args)
    except (ConvertError, OSError, pickle.UnpicklingError, EOFError) as e:
        print('pkl2npz: %s: %s' % (args.input, e), file=sys.stderr)
        return 1
    with open(args.output, 'wb') as f:     # a file object: numpy adds no '.npz' suffix
        (np.savez if args.stored else np.savez_compressed)(f, **arrays)
    n = len(arrays['label'])
    split_n = [int((arrays['dialogue_split'] == s).sum()) for s in range(3)]
    print('pkl2npz: %s: %d dialogues (train %d, dev %d, test %d), %d utterances, widths %s'
          % (args.output, len(arrays['dialogue_ids']), split_n[0], split_n[1], split_n[2], n,
             ' '.join('%s=%d' % (m, arrays['x_' + m].shape[1]) for m in 'TAV'
                      if 'x_' + m in arrays)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
