#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent writer of the model file format (version 1, or version 2 with a training-state
section, as documented atop core/model/stva-modelfile.h), for the CLI and model file tests: it
checks that the documented layout is the layout the C reader reads.  Standard library only.

  modelfile-writer.py OUT [--newer-version] [--corrupt] [--train-state]"""
import struct
import sys
import zlib


def s(text):
    b = text.encode('utf-8')
    return struct.pack('<I', len(b)) + b


def train_state(out, n_floats):
    """The "TRST" section for a file whose tensor table ends at len(out): n_sections, tag, size,
    body (mid-epoch: with the last step's weights)."""
    body_at = len(out) + 4 + 4 + 8
    body = struct.pack('<5I', 1, 3, 1, 2, 1)           # flags, epochs, batches, best, since
    body += struct.pack('<Q', 7)                       # steps
    body += struct.pack('<6d', 1.5, 2.0, 1e-3, 0.5, 0.25, float('nan'))
    body += struct.pack('<Q', n_floats)
    body += b'\0' * ((64 - (body_at + len(body)) % 64) % 64)
    body += struct.pack('<%df' % n_floats, *[0.01 * i for i in range(n_floats)])
    body += struct.pack('<%df' % n_floats, *[0.001 * i for i in range(n_floats)])
    body += struct.pack('<%df' % n_floats, *[1.0 + i for i in range(n_floats)])
    return struct.pack('<I', 1) + b'TRST' + struct.pack('<Q', len(body)) + body


def build(version=1, with_state=False):
    out = bytearray(b'STVA' + struct.pack('<II', version, 12))
    config = [('preset', 'meld'), ('D', '8'), ('note', 'quote " and \\ backslash')]
    out += struct.pack('<I', len(config))
    for k, v in config:
        out += s(k) + s(v)
    labels = ['neutral', 'joy', 'anger']
    out += struct.pack('<I', len(labels)) + b''.join(s(x) for x in labels)
    # text: 4 named + normalised; audio: absent; visual: 2, normalised only
    out += struct.pack('<II', 4, 3) + b''.join(s('t%d' % i) for i in range(4))
    out += struct.pack('<4f', 0, 1, 2, 3) + struct.pack('<4f', 1, 1, 1, 1)
    out += struct.pack('<II', 0, 0)
    out += struct.pack('<II', 2, 2) + struct.pack('<2f', 0, 0) + struct.pack('<2f', 1, 2)
    tensors = [('proj.T.w', (8, 4)), ('proj.T.b', (8,)), ('beta.b', ())]
    n_floats = 0
    out += struct.pack('<I', len(tensors))
    for name, shape in tensors:
        out += s(name) + struct.pack('<I', len(shape))
        for d in shape:
            out += struct.pack('<Q', d)
        out += b'\0' * ((64 - len(out) % 64) % 64)
        n = 1
        for d in shape:
            n *= d
        out += struct.pack('<%df' % n, *[0.5 * i for i in range(n)])
        n_floats += n
    if with_state:
        out += train_state(out, n_floats)
    out += struct.pack('<I', zlib.crc32(bytes(out)) & 0xffffffff)
    return out


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    state = '--train-state' in sys.argv
    data = build(3 if '--newer-version' in sys.argv else 2 if state else 1, state)
    if '--corrupt' in sys.argv:
        data[40] ^= 1
    open(sys.argv[1], 'wb').write(data)
