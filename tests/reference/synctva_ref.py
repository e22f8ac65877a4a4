# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent PyTorch re-implementation of Sync-TVA, written from
shared/design/model.md and the "Choices model.md leaves open" block atop
core/model/stva-model.h (that block is the contract between the C model and this file).

It reads the C model file (format version 1, documented atop core/model/stva-modelfile.h)
with its own parser (struct + zlib.crc32), maps every named tensor (names as listed in
core/model/stva-params.h) onto torch modules, reads dialogues from the project's npz layout
(core/model/stva-npz.h) and runs the forward pass, one dialogue or a padded batch at a time.

Nothing here imports or calls the C code.  Run it with Debian's /usr/bin/python3
(python3-torch, python3-numpy).

The forward pass works on padded batches (B, T): padding rows are "present in no modality",
so they have no edges in any attention, and a batch of one dialogue is exactly the
per-dialogue model.  bench/bench_torch.py uses the same module for the speed comparison.
"""
import math
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as Fn

MODS = 'TAV'
PAIRS = [(0, 1), (0, 2), (1, 2)]            # T-A, T-V, A-V; modality a first
PAIR_NAMES = ['TA', 'TV', 'AV']
N_REL = 16
STD_FLOOR = 1e-6                            # a stored std at or below this scales by 1
NEG = -1e30                                 # score of a non-edge (finite: no NaN in backward)


# ---------------------------------------------------------------------------------------------
# the model file

class ModelFileError(Exception):
    pass


def read_modelfile(path):
    """Parses a model file into a dict: version, config (str -> str, in file order), labels,
    F (3 ints), feature_names (3 lists or None), mean / std (3 float32 arrays or None),
    tensors (name -> float32 array of its shape, in file order).  Checks the CRC."""
    with open(path, 'rb') as f:
        buf = f.read()
    pos = 0

    def take(n, what):
        nonlocal pos
        if pos + n > len(buf) - 4:
            raise ModelFileError('%s: %s needs %d bytes, %d left' % (path, what, n,
                                                                      len(buf) - 4 - pos))
        b = buf[pos:pos + n]
        pos += n
        return b

    def u32(what):
        return struct.unpack('<I', take(4, what))[0]

    def u64(what):
        return struct.unpack('<Q', take(8, what))[0]

    def string(what):
        n = u32(what + ' length')
        return take(n, what).decode('utf-8')

    if len(buf) < 16:
        raise ModelFileError('%s: too short (%d bytes)' % (path, len(buf)))
    crc_stored = struct.unpack('<I', buf[-4:])[0]
    crc = zlib.crc32(buf[:-4]) & 0xffffffff
    if crc != crc_stored:
        raise ModelFileError('%s: CRC-32 mismatch (stored %08x, computed %08x)'
                             % (path, crc_stored, crc))
    if take(4, 'magic') != b'STVA':
        raise ModelFileError('%s: not a model file (magic)' % path)
    version = u32('version')
    if version != 1:
        raise ModelFileError('%s: format version %d (this reader knows 1)' % (path, version))
    header_size = u32('header size')
    if header_size < 12:
        raise ModelFileError('%s: header size %d' % (path, header_size))
    pos = header_size
    out = {'version': version, 'config': {}, 'labels': [], 'F': [0, 0, 0],
           'feature_names': [None] * 3, 'mean': [None] * 3, 'std': [None] * 3,
           'tensors': {}}
    for i in range(u32('config count')):
        k = string('config key %d' % i)
        v = string('config value %d' % i)
        if k in out['config']:
            raise ModelFileError('%s: config key %r twice' % (path, k))
        out['config'][k] = v
    for i in range(u32('label count')):
        out['labels'].append(string('label %d' % i))
    for m in range(3):
        F = u32('F_%s' % MODS[m])
        flags = u32('flags of %s' % MODS[m])
        if flags & ~3 or (F == 0 and flags):
            raise ModelFileError('%s: modality %s flags %#x' % (path, MODS[m], flags))
        out['F'][m] = F
        if flags & 1:
            out['feature_names'][m] = [string('feature name') for _ in range(F)]
        if flags & 2:
            out['mean'][m] = np.frombuffer(take(4 * F, 'mean'), dtype='<f4').copy()
            out['std'][m] = np.frombuffer(take(4 * F, 'std'), dtype='<f4').copy()
    for i in range(u32('tensor count')):
        name = string('tensor %d name' % i)
        ndim = u32('tensor %s ndim' % name)
        if ndim > 4:
            raise ModelFileError('%s: tensor %s has %d dimensions' % (path, name, ndim))
        shape = tuple(u64('tensor %s shape' % name) for _ in range(ndim))
        pad = (64 - pos % 64) % 64
        if any(take(pad, 'padding')):
            raise ModelFileError('%s: tensor %s: non-zero padding' % (path, name))
        n = int(np.prod(shape)) if ndim else 1
        data = np.frombuffer(take(4 * n, 'tensor %s data' % name), dtype='<f4').copy()
        if name in out['tensors']:
            raise ModelFileError('%s: tensor %s twice' % (path, name))
        out['tensors'][name] = data.reshape(shape)
    if pos != len(buf) - 4:
        raise ModelFileError('%s: %d bytes between the last tensor and the CRC'
                             % (path, len(buf) - 4 - pos))
    return out


def parse_config(kv):
    """Typed config from the file's key/value text (keys as core/model/stva-config.c)."""
    c = {}
    ints = ['F_T', 'F_A', 'F_V', 'K', 'D', 'H', 'L', 'S', 'ffn_mult', 'ctx_window', 'win_past',
            'win_future', 'cross_window', 'batch_size', 'max_epochs', 'patience', 'seed',
            'threads']
    bools = ['use_msde', 'use_graph', 'use_cross']
    floats = ['dropout', 'modality_dropout', 'class_weight_power', 'focal_gamma',
              'label_smoothing', 'lr', 'min_lr', 'beta1', 'beta2', 'weight_decay', 'clip_norm',
              'warmup_frac']
    for k in ints:
        c[k] = int(kv[k])
    for k in bools:
        c[k] = kv[k] in ('1', 'true')
    for k in floats:
        c[k] = float(np.float32(float(kv[k])))
    c['wide'] = kv.get('wide', '0') in ('1', 'true')   # absent: off
    c['msde_speaker'] = kv.get('msde_speaker', '0') in ('1', 'true')   # absent: off
    c['input_dropout'] = float(np.float32(float(kv.get('input_dropout', '0'))))  # train only
    c['loss'] = kv['loss']
    c['modalities'] = kv['modalities']
    c['F'] = [c['F_T'], c['F_A'], c['F_V']]
    c['active'] = [MODS[m] in c['modalities'] and c['F'][m] > 0 for m in range(3)]
    return c


# ---------------------------------------------------------------------------------------------
# the network

def attention(q, k, v, allowed, H, bias=None):
    """Masked multi-head attention.  q (B, Tq, C), k, v (B, Tk, C), allowed (B, Tq, Tk) bool,
    bias (B, H, Tq, Tk) or None.  Returns out (B, Tq, C) and alpha (B, H, Tq, Tk); a query
    without any allowed key gets alpha 0 and output 0."""
    B, Tq, C = q.shape
    Tk = k.shape[1]
    dh = C // H
    qh = q.view(B, Tq, H, dh).transpose(1, 2)
    kh = k.view(B, Tk, H, dh).transpose(1, 2)
    vh = v.view(B, Tk, H, dh).transpose(1, 2)
    s = torch.matmul(qh, kh.transpose(-1, -2)) / math.sqrt(dh)
    if bias is not None:
        s = s + bias
    a = allowed.unsqueeze(1)
    s = s.masked_fill(~a, NEG)
    alpha = torch.softmax(s, dim=-1) * a.to(s.dtype)
    out = torch.matmul(alpha, vh).transpose(1, 2).reshape(B, Tq, C)
    return out, alpha


def window_mask(T, lo, hi, device):
    """(T, T) bool: key j allowed for query i when lo <= j - i <= hi."""
    i = torch.arange(T, device=device)
    d = i.view(1, T) - i.view(T, 1)
    return (d >= lo) & (d <= hi)


def pair_relations(pres_a, pres_b, speaker, P, F, Wx):
    """Relation ids (B, 2T, 2T) of a pair graph, -1 for no edge (numbering as documented in
    core/model/stva-graph.h, which follows model.md §3).  pres_a, pres_b (B, T) bool, speaker
    (B, T) speaker identities (same|other speaker is about the person, not the capped
    embedding slot)."""
    B, T = pres_a.shape
    dev = pres_a.device
    idx = torch.arange(T, device=dev)
    d = idx.view(1, T) - idx.view(T, 1)              # [i, j] = j - i
    ne = d != 0
    intra_win = (d >= -P) & (d <= F) & ne
    inter_win = (d >= -Wx) & (d <= min(Wx, F))
    fut = (d > 0).long()
    other = (speaker.unsqueeze(2) != speaker.unsqueeze(1)).long()      # (B, T, T) [i, j]
    pres = [pres_a, pres_b]
    rel = torch.full((B, 2 * T, 2 * T), -1, dtype=torch.long, device=dev)
    eye = torch.eye(T, dtype=torch.bool, device=dev)
    for p in range(2):
        q = 1 - p
        tgt = pres[p].unsqueeze(2)                   # (B, T, 1) target present
        # intra-modal temporal
        ok = intra_win.unsqueeze(0) & tgt & pres[p].unsqueeze(1)
        r = 4 * p + 2 * fut.unsqueeze(0) + other
        block = torch.where(ok, r, torch.full_like(r, -1))
        # self loops
        selfl = eye.unsqueeze(0) & tgt
        block = torch.where(selfl, torch.full_like(block, 14 + p), block)
        rel[:, p * T:(p + 1) * T, p * T:(p + 1) * T] = block
        # inter-modal synchronous and contextual
        ok = inter_win.unsqueeze(0) & tgt & pres[q].unsqueeze(1)
        r = torch.where(d == 0, torch.full_like(d, 8 + p), 10 + 2 * p + fut).unsqueeze(0)
        r = r.expand(B, T, T)
        rel[:, p * T:(p + 1) * T, q * T:(q + 1) * T] = torch.where(ok, r, torch.full_like(r, -1))
    return rel


def speaker_slots(speaker, S):
    """Per dialogue: slot = order of first appearance, the S-th distinct speaker and later
    share slot S-1 (model.md §Inputs).  speaker: 1-D int array."""
    slots, first = [], {}
    for s in speaker:
        s = int(s)
        if s not in first:
            first[s] = min(len(first), S - 1)
        slots.append(first[s])
    return slots


class GraphLayer(nn.Module):
    def __init__(self, D, H, fD, mods):
        super().__init__()
        self.H = H
        self.wq = nn.ModuleDict({MODS[m]: nn.Linear(D, D) for m in mods})
        self.wk = nn.ModuleDict({MODS[m]: nn.Linear(D, D) for m in mods})
        self.wv = nn.ModuleDict({MODS[m]: nn.Linear(D, D) for m in mods})
        self.rel_bias = nn.Parameter(torch.zeros(N_REL, H))
        self.wo = nn.Linear(D, D)
        self.ln1 = nn.LayerNorm(D)
        self.ffn1 = nn.Linear(D, fD)
        self.ffn2 = nn.Linear(fD, D)
        self.ln2 = nn.LayerNorm(D)
        self.mods = mods

    def forward(self, z, T, rel, dropout):
        a, b = MODS[self.mods[0]], MODS[self.mods[1]]
        za, zb = z[:, :T], z[:, T:]
        q = torch.cat([self.wq[a](za), self.wq[b](zb)], 1)
        k = torch.cat([self.wk[a](za), self.wk[b](zb)], 1)
        v = torch.cat([self.wv[a](za), self.wv[b](zb)], 1)
        allowed = rel >= 0
        bias = self.rel_bias[rel.clamp(min=0)].permute(0, 3, 1, 2)    # (B, H, 2T, 2T)
        att, alpha = attention(q, k, v, allowed, self.H, bias)
        y = self.ln1(z + Fn.dropout(self.wo(att), dropout, self.training))
        f = self.ffn2(Fn.gelu(self.ffn1(y)))
        out = self.ln2(y + Fn.dropout(f, dropout, self.training))
        return out, alpha


class SyncTVA(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        D, H, S, K = c['D'], c['H'], c['S'], c['K']
        fD = c['ffn_mult'] * D
        self.active = [m for m in range(3) if c['active'][m]]
        M = len(self.active)
        self.proj = nn.ModuleDict({MODS[m]: nn.Linear(c['F'][m], D) for m in self.active})
        self.proj_ln = nn.ModuleDict({MODS[m]: nn.LayerNorm(D) for m in self.active})
        self.spk = nn.Embedding(S, D)
        self.use_msde = c['use_msde']
        if self.use_msde:
            mk = lambda f: nn.ModuleDict({MODS[m]: f() for m in self.active})
            self.msde_q = mk(lambda: nn.Linear(D, D))
            self.msde_k = mk(lambda: nn.Linear(D, D))
            self.msde_v = mk(lambda: nn.Linear(D, D))
            self.msde_gate = mk(lambda: nn.Linear(2 * D, D))
            self.msde_enh = mk(lambda: nn.Linear(D, D))
            self.msde_ln = mk(lambda: nn.LayerNorm(D))
            self.msde_beta = mk(lambda: nn.Linear(D, 1))
            if c['msde_speaker']:   # self, past same, past other, future same, future other
                self.msde_rel = nn.ParameterDict({MODS[m]: nn.Parameter(torch.zeros(5, 1))
                                                  for m in self.active})
        self.pairs = [p for p, (a, b) in enumerate(PAIRS)
                      if c['use_graph'] and M >= 2 and c['active'][a] and c['active'][b]]
        self.graph = nn.ModuleDict({
            PAIR_NAMES[p]: nn.ModuleList([GraphLayer(D, H, fD, PAIRS[p]) for _ in range(c['L'])])
            for p in self.pairs})
        if self.pairs:
            self.combine = nn.ModuleDict({MODS[m]: nn.Linear((M - 1) * D, D)
                                          for m in self.active})
            self.combine_ln = nn.ModuleDict({MODS[m]: nn.LayerNorm(D) for m in self.active})
        self.use_caf = c['use_cross'] and M >= 2
        if self.use_caf:
            pairs = [MODS[m] + MODS[m2] for m in self.active for m2 in self.active if m2 != m]
            self.caf_q = nn.ModuleDict({k: nn.Linear(D, D) for k in pairs})
            self.caf_k = nn.ModuleDict({k: nn.Linear(D, D) for k in pairs})
            self.caf_v = nn.ModuleDict({k: nn.Linear(D, D) for k in pairs})
            self.caf_o = nn.ModuleDict({k: nn.Linear(D, D) for k in pairs})
            self.caf_ln = nn.ModuleDict({MODS[m]: nn.LayerNorm(D) for m in self.active})
        self.cls1 = nn.Linear(M * D, D)
        self.cls2 = nn.Linear(D, K)
        if c['wide']:   # wide path: normalised input -> logits, no bias
            self.wide = nn.ModuleDict({MODS[m]: nn.Linear(c['F'][m], K, bias=False)
                                       for m in self.active})
        for m in range(3):
            F = c['F'][m] if c['active'][m] else 0
            self.register_buffer('mean_' + MODS[m], torch.zeros(F))
            self.register_buffer('std_' + MODS[m], torch.ones(F))

    # -- names of the C parameter table (core/model/stva-params.h) --
    def c_names(self):
        """dict: C tensor name -> torch Parameter."""
        out = {}

        def lin(prefix, mod, w='w', b='b'):
            out['%s.%s' % (prefix, w)] = mod.weight
            out['%s.%s' % (prefix, b)] = mod.bias

        def ln(prefix, mod):
            out[prefix + '.g'] = mod.weight
            out[prefix + '.b'] = mod.bias

        for m in self.active:
            L = MODS[m]
            lin('proj.' + L, self.proj[L])
            ln('proj.%s.ln' % L, self.proj_ln[L])
        out['spk.emb'] = self.spk.weight
        if self.use_msde:
            for m in self.active:
                L = MODS[m]
                lin('msde.%s.wq' % L, self.msde_q[L])
                lin('msde.%s.wk' % L, self.msde_k[L])
                lin('msde.%s.wv' % L, self.msde_v[L])
                lin('msde.%s.gate' % L, self.msde_gate[L])
                lin('msde.%s.enh' % L, self.msde_enh[L])
                ln('msde.%s.ln' % L, self.msde_ln[L])
                lin('msde.%s.beta' % L, self.msde_beta[L])
                if self.c['msde_speaker']:
                    out['msde.%s.rel_bias' % L] = self.msde_rel[L]
        for p in self.pairs:
            pn = PAIR_NAMES[p]
            for l, g in enumerate(self.graph[pn]):
                for m in PAIRS[p]:
                    L = MODS[m]
                    lin('graph.%s.l%d.wq.%s' % (pn, l, L), g.wq[L])
                    lin('graph.%s.l%d.wk.%s' % (pn, l, L), g.wk[L])
                    lin('graph.%s.l%d.wv.%s' % (pn, l, L), g.wv[L])
                out['graph.%s.l%d.rel_bias' % (pn, l)] = g.rel_bias
                lin('graph.%s.l%d.wo' % (pn, l), g.wo)
                ln('graph.%s.l%d.ln1' % (pn, l), g.ln1)
                lin('graph.%s.l%d.ffn1' % (pn, l), g.ffn1)
                lin('graph.%s.l%d.ffn2' % (pn, l), g.ffn2)
                ln('graph.%s.l%d.ln2' % (pn, l), g.ln2)
        if self.pairs:
            for m in self.active:
                L = MODS[m]
                lin('combine.' + L, self.combine[L])
                ln('combine.%s.ln' % L, self.combine_ln[L])
        if self.use_caf:
            for k in self.caf_q:
                lin('caf.%s.wq' % k, self.caf_q[k])
                lin('caf.%s.wk' % k, self.caf_k[k])
                lin('caf.%s.wv' % k, self.caf_v[k])
                lin('caf.%s.wo' % k, self.caf_o[k])
            for m in self.active:
                ln('caf.%s.ln' % MODS[m], self.caf_ln[MODS[m]])
        lin('cls', self.cls1, 'w1', 'b1')
        lin('cls', self.cls2, 'w2', 'b2')
        if self.c['wide']:
            for m in self.active:
                out['wide.%s.w' % MODS[m]] = self.wide[MODS[m]].weight
        return out

    @staticmethod
    def decays(name):
        """model.md §7: weight decay on matrices only.  Read as the weight matrices of linear
        maps; the speaker embedding table and the relation-bias tables are not decayed."""
        return name.endswith('.w') or name in ('cls.w1', 'cls.w2')

    def load_tensors(self, tensors):
        names = self.c_names()
        missing = sorted(set(names) - set(tensors))
        extra = sorted(set(tensors) - set(names))
        if missing or extra:
            raise ModelFileError('tensors missing %s, unexpected %s' % (missing, extra))
        with torch.no_grad():
            for n, p in names.items():
                t = torch.from_numpy(np.asarray(tensors[n]))
                if tuple(t.shape) != tuple(p.shape):
                    raise ModelFileError('tensor %s: shape %s, expected %s'
                                         % (n, tuple(t.shape), tuple(p.shape)))
                p.copy_(t.to(p.dtype))

    def set_normalisation(self, means, stds):
        with torch.no_grad():
            for m in self.active:
                if means[m] is None:
                    continue
                mu = torch.from_numpy(np.asarray(means[m], dtype=np.float32))
                sd = torch.from_numpy(np.asarray(stds[m], dtype=np.float32))
                sd = torch.where(sd > STD_FLOOR, sd, torch.ones_like(sd))
                getattr(self, 'mean_' + MODS[m]).copy_(mu)
                getattr(self, 'std_' + MODS[m]).copy_(sd)

    # -- forward --
    def forward(self, x, mask, slot, valid, speaker=None, record=False):
        """x: list of 3 tensors (B, T, F_m) or None; mask: (B, T, 3) bool modality present in
        the data; slot (B, T) long speaker slots; valid (B, T) bool (False = padding); speaker
        (B, T) speaker identities for the graph relations (None: the slots, which is the same
        when no dialogue has more than S speakers).
        Returns logits (B, T, K) and, when record, a dict of beta (B, T, 3), present
        (B, 3, T), msde_alpha[m] (B, T, T), graph_rel[p] (B, 2T, 2T),
        graph_alpha[p][l] (B, H, 2T, 2T), caf_alpha[(m, m2)] (B, H, T, T)."""
        c = self.c
        B, T = valid.shape
        D, H = c['D'], c['H']
        P, Fw = c['win_past'], c['win_future']
        dev = valid.device
        dt = self.cls1.weight.dtype
        drop = c['dropout']
        rec = {'msde_alpha': {}, 'graph_rel': {}, 'graph_alpha': {}, 'caf_alpha': {}}
        pres = [mask[:, :, m] & valid if c['active'][m] else torch.zeros_like(valid)
                for m in range(3)]
        pf = [p.to(dt).unsqueeze(-1) for p in pres]
        emb = self.spk(slot)

        # §1 projection
        h = [None] * 3
        xs_m = [None] * 3
        for m in self.active:
            L = MODS[m]
            xs = (x[m].to(dt) - getattr(self, 'mean_' + L)) / getattr(self, 'std_' + L)
            xs = xs * pf[m]
            xs_m[m] = xs
            h[m] = (self.proj_ln[L](self.proj[L](xs)) + emb) * pf[m]

        # §2 MSDE
        npres = torch.stack(pres, -1)                          # (B, T, 3)
        if self.use_msde:
            win = window_mask(T, -c['ctx_window'], min(c['ctx_window'], Fw), dev)
            e = [None] * 3
            zero = torch.zeros(B, T, dtype=dt, device=dev)
            scores = [zero, zero, zero]
            for m in self.active:
                L = MODS[m]
                allowed = win.unsqueeze(0) & pres[m].unsqueeze(2) & pres[m].unsqueeze(1)
                bias = None
                if c['msde_speaker']:
                    who = slot if speaker is None else speaker
                    i = torch.arange(T, device=dev)
                    d = (i.view(1, T) - i.view(T, 1)).unsqueeze(0)             # j - i
                    other = (who.unsqueeze(2) != who.unsqueeze(1)).long()       # [i, j]
                    rel = torch.where(d == 0, torch.zeros_like(other),
                                      torch.where(d < 0, 1 + other, 3 + other))
                    bias = self.msde_rel[L][rel].permute(0, 3, 1, 2)           # (B, 1, T, T)
                ctx, alpha = attention(self.msde_q[L](h[m]), self.msde_k[L](h[m]),
                                       self.msde_v[L](h[m]), allowed, 1, bias)
                rec['msde_alpha'][m] = alpha[:, 0]
                g = torch.sigmoid(self.msde_gate[L](torch.cat([h[m], ctx], -1)))
                e[m] = self.msde_ln[L](h[m] + g * torch.tanh(self.msde_enh[L](ctx)))
                scores[m] = self.msde_beta[L](e[m]).squeeze(-1)
            s = torch.stack(scores, -1).masked_fill(~npres, NEG)
            beta = torch.softmax(s, -1) * npres.to(dt)
            n = [None] * 3
            for m in self.active:
                n[m] = 3.0 * beta[:, :, m:m + 1] * e[m]
        else:
            cnt = npres.sum(-1, keepdim=True).clamp(min=1).to(dt)
            beta = npres.to(dt) / cnt
            n = h
        rec['beta'] = beta
        rec['present'] = torch.stack(pres, 1)

        # §3-4 pair graphs and view combination
        z = list(n)
        if self.pairs:
            outs = {}
            for p in self.pairs:
                a, b = PAIRS[p]
                rel = pair_relations(pres[a], pres[b], slot if speaker is None else speaker, P, Fw,
                                     c['cross_window'])
                rec['graph_rel'][p] = rel
                zz = torch.cat([n[a], n[b]], 1)
                rec['graph_alpha'][p] = []
                for layer in self.graph[PAIR_NAMES[p]]:
                    zz, alpha = layer(zz, T, rel, drop)
                    rec['graph_alpha'][p].append(alpha)
                outs[p] = zz
            for m in self.active:
                views = []
                for p in self.pairs:
                    if m in PAIRS[p]:
                        half = 0 if PAIRS[p][0] == m else 1
                        views.append(outs[p][:, half * T:(half + 1) * T])
                L = MODS[m]
                z[m] = self.combine_ln[L](self.combine[L](torch.cat(views, -1))) * pf[m]

        # §5 CAF
        u = list(z)
        if self.use_caf:
            win = window_mask(T, -P, Fw, dev)
            for m in self.active:
                acc = z[m]
                for m2 in self.active:
                    if m2 == m:
                        continue
                    k = MODS[m] + MODS[m2]
                    allowed = win.unsqueeze(0) & pres[m].unsqueeze(2) & pres[m2].unsqueeze(1)
                    att, alpha = attention(self.caf_q[k](z[m]), self.caf_k[k](z[m2]),
                                           self.caf_v[k](z[m2]), allowed, H)
                    rec['caf_alpha'][(m, m2)] = alpha
                    acc = acc + self.caf_o[k](att)
                u[m] = self.caf_ln[MODS[m]](acc) * pf[m]

        # §6 classifier
        o = torch.cat([u[m] for m in self.active], -1)
        hid = Fn.dropout(Fn.gelu(self.cls1(o)), drop, self.training)
        logits = self.cls2(hid)
        if c['wide']:
            for m in self.active:
                logits = logits + self.wide[MODS[m]](xs_m[m])
        return (logits, rec) if record else logits


def load_model(path, dtype=torch.float64):
    mf = read_modelfile(path)
    c = parse_config(mf['config'])
    if mf['F'] != c['F']:
        raise ModelFileError('%s: features section widths %s, config %s' % (path, mf['F'],
                                                                            c['F']))
    if len(mf['labels']) != c['K']:
        raise ModelFileError('%s: %d labels for K = %d' % (path, len(mf['labels']), c['K']))
    model = SyncTVA(c).to(dtype)
    model.load_tensors(mf['tensors'])
    model.set_normalisation(mf['mean'], mf['std'])
    model.eval()
    return model, mf


# ---------------------------------------------------------------------------------------------
# data

def read_dataset(path):
    """The project's npz layout as a list of dialogues (dicts of numpy arrays) and the names."""
    z = np.load(path, allow_pickle=False)
    off = z['dialogue_offset'].astype(np.int64)
    N = int(off[-1])
    x, mask = [None] * 3, [None] * 3
    for m in range(3):
        key = 'x_' + MODS[m]
        if key in z.files:
            x[m] = z[key].astype(np.float32)
            mk = 'mask_' + MODS[m]
            mask[m] = (z[mk].astype(bool) if mk in z.files else np.ones(N, bool))
            x[m] = np.where(mask[m][:, None], x[m], 0.0).astype(np.float32)
    dialogues = []
    ids = z['dialogue_ids']
    for d in range(len(off) - 1):
        a, b = int(off[d]), int(off[d + 1])
        dialogues.append({
            'id': str(ids[d]),
            'split': int(z['dialogue_split'][d]),
            'x': [None if x[m] is None else x[m][a:b] for m in range(3)],
            'mask': [np.zeros(b - a, bool) if mask[m] is None else mask[m][a:b]
                     for m in range(3)],
            'speaker': z['speaker'][a:b].astype(np.int64),
            'label': z['label'][a:b].astype(np.int64),
        })
    return dialogues, [str(s) for s in z['labels']]


def make_batch(dialogues, c, dtype=torch.float64, device='cpu'):
    """Pads dialogues to the longest: x (3 x (B, T, F) or None), mask (B, T, 3), slot, valid,
    labels (B, T) with -1 on padding, speaker identities (B, T)."""
    B = len(dialogues)
    T = max(len(d['speaker']) for d in dialogues)
    x = [None] * 3
    for m in range(3):
        if c['active'][m]:
            xm = np.zeros((B, T, c['F'][m]), np.float32)
            for b, d in enumerate(dialogues):
                xm[b, :len(d['speaker'])] = d['x'][m]
            x[m] = torch.from_numpy(xm).to(dtype=dtype, device=device)
    mask = np.zeros((B, T, 3), bool)
    slot = np.zeros((B, T), np.int64)
    valid = np.zeros((B, T), bool)
    labels = np.full((B, T), -1, np.int64)
    speaker = np.full((B, T), -1, np.int64)
    for b, d in enumerate(dialogues):
        n = len(d['speaker'])
        for m in range(3):
            mask[b, :n, m] = d['mask'][m]
        slot[b, :n] = speaker_slots(d['speaker'], c['S'])
        valid[b, :n] = True
        labels[b, :n] = d['label']
        speaker[b, :n] = d['speaker']
    t = lambda a: torch.from_numpy(a).to(device)
    return x, t(mask), t(slot), t(valid), t(labels), t(speaker)


# ---------------------------------------------------------------------------------------------
# loss and optimiser step (model.md §7)

def class_weights(labels, K, power):
    """w_c = (n / (K n_c))^power over labelled rows; a class without rows gets 1."""
    labels = np.asarray(labels)
    labels = labels[labels >= 0]
    n = len(labels)
    w = np.ones(K)
    for k in range(K):
        nk = int((labels == k).sum())
        if nk > 0 and power != 0:
            w[k] = (n / (K * nk)) ** power
    return w


def loss_fn(logits, labels, w, c):
    """Class-weighted mean over labelled rows: CE with optional label smoothing, or focal."""
    keep = labels >= 0
    lg = logits[keep]
    y = labels[keep]
    w = torch.as_tensor(w, dtype=lg.dtype)
    logp = torch.log_softmax(lg, -1)
    lp_y = logp.gather(1, y.view(-1, 1)).squeeze(1)
    wy = w[y]
    if c['loss'] == 'focal':
        per = -wy * (1.0 - lp_y.exp()) ** c['focal_gamma'] * lp_y
    else:
        eps = c['label_smoothing']
        per = -(1.0 - eps) * wy * lp_y - (eps / lg.shape[1]) * (logp * w).sum(-1)
    return per.sum() / wy.sum()


def adamw_step(model, lr, c, eps=1e-8):
    """One torch.optim.AdamW step (decoupled weight decay on the decaying tensors only)."""
    names = model.c_names()
    decay = [p for n, p in names.items() if SyncTVA.decays(n)]
    rest = [p for n, p in names.items() if not SyncTVA.decays(n)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': c['weight_decay']},
                             {'params': rest, 'weight_decay': 0.0}],
                            lr=lr, betas=(c['beta1'], c['beta2']), eps=eps)
    opt.step()
