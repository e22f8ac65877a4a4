# SPDX-License-Identifier: GPL-3.0-or-later
"""Utterance-level baselines for bench/run-meld.sh (issue #17).

  meld_baseline.py lr DATA.npz [--modality T] [--C 0.25,1,4]
      scikit-learn's logistic regression on the npz the model trains on (x_T of the train
      split; C tuned on the dev split by weighted F1); prints one JSON line.
  meld_baseline.py tfidf MELD_DIR [--C 1,4,16]
      the same on word 1-2-gram + character 2-5-gram TF-IDF of MELD's train/dev CSVs.
  meld_baseline.py scores JSON...
      mean and standard deviation of `synctva eval --json` outputs; prints one JSON line.

Run with the system interpreter (/usr/bin/python3) and Debian's python3-sklearn.  Dev only:
the test split is never read.
"""
import argparse
import csv
import json
import math
import os
import sys

import numpy as np


def scores(gold, pred):
    from sklearn.metrics import accuracy_score, f1_score
    return {'weighted_f1': float(f1_score(gold, pred, average='weighted')),
            'accuracy': float(accuracy_score(gold, pred)),
            'macro_f1': float(f1_score(gold, pred, average='macro'))}


def tune(xtr, ytr, xdv, ydv, cs):
    from sklearn.linear_model import LogisticRegression
    best = None
    per_c = {}
    for c in cs:
        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit(xtr, ytr)
        s = scores(ydv, clf.predict(xdv))
        per_c[str(c)] = s['weighted_f1']
        if best is None or s['weighted_f1'] > best[1]['weighted_f1']:
            best = (c, s)
    return {'C': best[0], **best[1], 'per_C': per_c}


def utterances(npz, modality):
    d = np.load(npz)
    split = np.asarray(d['dialogue_split'])
    off = np.asarray(d['dialogue_offset'])
    utt_split = np.repeat(split, np.diff(off))
    x = np.asarray(d['x_' + modality], dtype=np.float64)
    y = np.asarray(d['label'])
    keep = y >= 0
    if 'mask_' + modality in d:
        keep &= np.asarray(d['mask_' + modality]).astype(bool)
    tr = keep & (utt_split == 0)
    dv = keep & (utt_split == 1)
    if not tr.any() or not dv.any():
        sys.exit('%s: needs labelled train and dev utterances' % npz)
    return x[tr], y[tr], x[dv], y[dv]


def cmd_lr(a):
    xtr, ytr, xdv, ydv = utterances(a.data, a.modality)
    mean = xtr.mean(axis=0)
    std = xtr.std(axis=0)
    std[std <= 0] = 1.0
    if a.standardise:
        xtr, xdv = (xtr - mean) / std, (xdv - mean) / std
    elif (xtr != 0).mean() < 0.2:   # hashed text: the same numbers, fitted much faster
        from scipy.sparse import csr_matrix
        xtr, xdv = csr_matrix(xtr), csr_matrix(xdv)
    res = tune(xtr, ytr, xdv, ydv, [float(c) for c in a.C.split(',')])
    res.update(baseline='logreg', features=os.path.basename(a.data), dim=int(xtr.shape[1]),
               standardised=bool(a.standardise))
    print(json.dumps(res))


def read_meld(path):
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    return [r['Utterance'] for r in rows], [r['Emotion'] for r in rows]


def cmd_tfidf(a):
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    ttr, ytr = read_meld(os.path.join(a.meld, 'train_sent_emo.csv'))
    tdv, ydv = read_meld(os.path.join(a.meld, 'dev_sent_emo.csv'))
    w = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    ch = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    xtr = hstack([w.fit_transform(ttr), ch.fit_transform(ttr)]).tocsr()
    xdv = hstack([w.transform(tdv), ch.transform(tdv)]).tocsr()
    res = tune(xtr, ytr, xdv, ydv, [float(c) for c in a.C.split(',')])
    res.update(baseline='tfidf-logreg', dim=int(xtr.shape[1]))
    print(json.dumps(res))


def cmd_scores(a):
    runs = [json.load(open(p)) for p in a.json]
    out = {'n': len(runs)}
    for k in ('weighted_f1', 'accuracy', 'macro_f1'):
        v = [r[k] for r in runs]
        m = sum(v) / len(v)
        sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
        out[k] = m
        out[k + '_sd'] = sd
        out[k + '_runs'] = v
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    lr = sub.add_parser('lr')
    lr.add_argument('data')
    lr.add_argument('--modality', default='T')
    lr.add_argument('--C', default='0.25,1,4,16')
    lr.add_argument('--standardise', action='store_true',
                    help='z-score each feature on train first (as the model does)')
    lr.set_defaults(fn=cmd_lr)
    tf = sub.add_parser('tfidf')
    tf.add_argument('meld')
    tf.add_argument('--C', default='1,4,16')
    tf.set_defaults(fn=cmd_tfidf)
    sc = sub.add_parser('scores')
    sc.add_argument('json', nargs='+')
    sc.set_defaults(fn=cmd_scores)
    a = p.parse_args()
    a.fn(a)


if __name__ == '__main__':
    main()
