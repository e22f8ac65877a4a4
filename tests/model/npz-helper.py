#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""numpy's side of the npz tests (test-npz.c).

  npz-helper.py write DIR   writes archives the way numpy does (np.savez, np.savez_compressed,
                            .npy versions 2 and 3, and a few broken ones) holding the fixture
                            of data-fixture.h
  npz-helper.py check FILE  loads a C-written archive with np.load and checks it against the
                            fixture (exit 1 naming the first difference)
Exit 77 when numpy is missing."""
import io
import os
import sys
import zipfile

try:
    import numpy as np
except ImportError:
    print('numpy is not installed for', sys.executable)
    sys.exit(77)


def fixture():
    """The dataset of data-fixture.h, as arrays of our npz layout."""
    Ts = [3, 2, 1]
    labels = [[0, 1, -1], [2, 0], [1]]
    speakers = [[0, 1, 0], [2, 2], [1]]
    xT, xA, mA, utt = [], [], [], []
    for d, T in enumerate(Ts):
        for t in range(T):
            xT.append([10 * d + t + 0.25 * f for f in range(3)])
            present = not (d == 0 and t == 1)
            xA.append([-(10 * d + t) - 0.5 * f for f in range(2)] if present else [0.0, 0.0])
            mA.append(present)
            utt.append('dia%d_u%d' % (d, t))
    return {
        'labels': np.array(['neutral', 'joy', 'anger']),
        'speakers': np.array(['Ann', 'Bob', 'Zo\u00eb']),
        'dialogue_ids': np.array(['dia0', 'dia1', 'dia2']),
        'dialogue_split': np.array([0, 1, 2]),
        'dialogue_offset': np.array([0, 3, 5, 6]),
        'utt_ids': np.array(utt),
        'speaker': np.array(sum(speakers, [])),
        'label': np.array(sum(labels, [])),
        'x_T': np.array(xT, dtype=np.float32),
        'x_A': np.array(xA, dtype=np.float32),
        'mask_T': np.ones(6, dtype=bool),
        'mask_A': np.array(mA, dtype=bool),
        'feature_names_T': np.array(['t0', 't1', 't2']),
    }


def write_versions(path, arrays, versions):
    """A stored zip like np.savez, with chosen .npy format versions."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for name, a in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, a, version=versions.get(name, (1, 0)))
            z.writestr(name + '.npy', buf.getvalue())


def write(out):
    f = fixture()
    # np.savez: float64 features, int64 ints, uint8 masks, NaN in a missing row, no mask_T
    g = dict(f)
    g['x_T'] = f['x_T'].astype(np.float64)
    g['x_A'] = f['x_A'].copy()
    g['x_A'][1, :] = np.nan
    g['mask_A'] = f['mask_A'].astype(np.uint8)
    g['label'] = f['label'].astype(np.int64)
    del g['mask_T']
    np.savez(os.path.join(out, 'savez.npz'), **g)
    np.savez_compressed(os.path.join(out, 'compressed.npz'), **f)
    write_versions(os.path.join(out, 'versions.npz'), f,
                   {'labels': (3, 0), 'x_T': (2, 0), 'speaker': (2, 0)})
    bad = dict(f, x_T=np.asfortranarray(f['x_T']))
    np.savez(os.path.join(out, 'fortran.npz'), **bad)
    bad = dict(f, x_T=f['x_T'].astype('>f4'))
    np.savez(os.path.join(out, 'bigendian.npz'), **bad)
    bad = dict(f, label=f['label'].astype(np.complex64))
    np.savez(os.path.join(out, 'complex.npz'), **bad)
    bad = dict(f, dialogue_offset=np.array([0, 3, 2, 6]))
    np.savez(os.path.join(out, 'offsets.npz'), **bad)
    bad = dict(f, x_A=f['x_A'][:5])
    np.savez(os.path.join(out, 'rows.npz'), **bad)


def check(path):
    want = fixture()
    got = np.load(path)
    for name, w in want.items():
        if name not in got.files:
            sys.exit('%s: array %s missing' % (path, name))
        g = got[name]
        if g.shape != w.shape:
            sys.exit('%s: %s has shape %s, want %s' % (path, name, g.shape, w.shape))
        if w.dtype.kind == 'U':
            ok = g.dtype.kind == 'U' and list(g) == list(w)
        elif w.dtype.kind == 'f':
            ok = g.dtype == np.float32 and np.array_equal(g, w)
        elif w.dtype.kind == 'b':
            ok = g.dtype == np.bool_ and np.array_equal(g, w)
        else:
            ok = g.dtype.kind == 'i' and np.array_equal(g, w)
        if not ok:
            sys.exit('%s: %s is %r (%s), want %r' % (path, name, g, g.dtype, w))
    extra = set(got.files) - set(want)
    if extra:
        sys.exit('%s: unexpected arrays %s' % (path, sorted(extra)))
    print('numpy read %s: %d arrays match' % (path, len(want)))


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('write', 'check'):
        sys.exit(__doc__)
    (write if sys.argv[1] == 'write' else check)(sys.argv[2])
