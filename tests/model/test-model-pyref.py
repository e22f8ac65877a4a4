#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent forward pass of Sync-TVA in plain Python (no numpy), written from model.md
and the choices stva-model.h lists, in double precision and loops, not the C code's buffers.

Reads the JSON test-model-pyref.c writes (config as key/value text, every parameter tensor by
name, the dialogue, the normalisation, and the C model's logits, beta, graph relations and
attention, CAF attention) and exits 1 unless everything agrees to 1e-4 (model.md section 10)."""
import json, math, sys

J = json.load(open(sys.argv[1]))
cfg = J['config']
I = lambda k: int(cfg[k])
D, H, L, K, S = I('D'), I('H'), I('L'), I('K'), I('S')
P, Fw, Wx, Wc = I('win_past'), I('win_future'), I('cross_window'), I('ctx_window')
fm = I('ffn_mult')
use_msde, use_graph, use_cross = cfg['use_msde'] == '1', cfg['use_graph'] == '1', cfg['use_cross'] == '1'
F = [I('F_T'), I('F_A'), I('F_V')]
active = [('TAV'[m] in cfg['modalities']) and F[m] > 0 for m in range(3)]
T = J['T']
prm = J['params']

def mat(name, rows, cols):
    v = prm[name]
    assert len(v) == rows * cols, (name, len(v), rows, cols)
    return [v[r * cols:(r + 1) * cols] for r in range(rows)]

def lin(x, pre, n_in, n_out):
    w = mat(pre + '.w', n_out, n_in); b = prm[pre + '.b']
    return [[sum(w[o][i] * row[i] for i in range(n_in)) + b[o] for o in range(n_out)] for row in x]

def ln(x, pre):
    g, b = prm[pre + '.g'], prm[pre + '.b']
    out = []
    for row in x:
        mu = sum(row) / len(row); var = sum((v - mu) ** 2 for v in row) / len(row)
        r = 1 / math.sqrt(var + 1e-5)
        out.append([(v - mu) * r * g[i] + b[i] for i, v in enumerate(row)])
    return out

gelu = lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2)))
sig = lambda v: 1 / (1 + math.exp(-v))
add = lambda a, b: [[x + y for x, y in zip(r, s)] for r, s in zip(a, b)]

def attn(q, k, v, edges, nh, bias=None):
    """edges(i, j) -> relation id or None; returns out, alpha[h][i][j]"""
    n_q, n_k, C = len(q), len(k), len(q[0]); hs = C // nh
    out = [[0.0] * C for _ in range(n_q)]
    alpha = [[[0.0] * n_k for _ in range(n_q)] for _ in range(nh)]
    for h in range(nh):
        for i in range(n_q):
            sc = {}
            for j in range(n_k):
                r = edges(i, j)
                if r is None: continue
                s = sum(q[i][h * hs + d] * k[j][h * hs + d] for d in range(hs)) / math.sqrt(hs)
                if bias is not None: s += bias[r * nh + h]
                sc[j] = s
            if not sc: continue
            mx = max(sc.values()); z = sum(math.exp(s - mx) for s in sc.values())
            for j, s in sc.items():
                a = math.exp(s - mx) / z; alpha[h][i][j] = a
                for d in range(hs): out[i][h * hs + d] += a * v[j][h * hs + d]
    return out, alpha

mask = [[bool(J['mask'][m][i]) and active[m] for i in range(T)] for m in range(3)]
spk = J['speaker']
slots, seen = [], []
for s in spk:
    if s not in seen: seen.append(s)
    slots.append(min(seen.index(s), S - 1))

L_ = 'TAV'
h, n, z, u = {}, {}, {}, {}
emb = mat('spk.emb', S, D)
for m in range(3):
    if not active[m]: continue
    xs = []
    for i in range(T):
        row = J['x'][m][i * F[m]:(i + 1) * F[m]]
        xs.append([(row[f] - J['mean'][m][f]) / J['std'][m][f] if mask[m][i] else 0.0 for f in range(F[m])])
    p = ln(lin(xs, 'proj.%s' % L_[m], F[m], D), 'proj.%s.ln' % L_[m])
    h[m] = [[(p[i][d] + emb[slots[i]][d]) * (1.0 if mask[m][i] else 0.0) for d in range(D)] for i in range(T)]

beta = [[0.0] * 3 for _ in range(T)]
e, score = {}, {}
if use_msde:
    for m in range(3):
        if not active[m]: continue
        pre = 'msde.%s' % L_[m]
        q, k, v = (lin(h[m], pre + '.w' + c, D, D) for c in 'qkv')
        hi = min(Wc, Fw)
        c_, _ = attn(q, k, v, lambda i, j: 0 if (-Wc <= j - i <= hi and mask[m][i] and mask[m][j]) else None, 1)
        g = [[sig(x) for x in r] for r in lin([a + b for a, b in zip(h[m], c_)], pre + '.gate', 2 * D, D)]
        t = [[math.tanh(x) for x in r] for r in lin(c_, pre + '.enh', D, D)]
        r = [[h[m][i][d] + g[i][d] * t[i][d] for d in range(D)] for i in range(T)]
        e[m] = ln(r, pre + '.ln')
        score[m] = [row[0] for row in lin(e[m], pre + '.beta', D, 1)]
    for i in range(T):
        pres = [m for m in range(3) if mask[m][i]]
        if not pres: continue
        mx = max(score[m][i] for m in pres); zz = sum(math.exp(score[m][i] - mx) for m in pres)
        for m in pres: beta[i][m] = math.exp(score[m][i] - mx) / zz
    for m in range(3):
        if active[m]: n[m] = [[3 * beta[i][m] * x for x in e[m][i]] for i in range(T)]
else:
    for i in range(T):
        pres = [m for m in range(3) if mask[m][i]]
        for m in pres: beta[i][m] = 1.0 / len(pres)
    for m in range(3):
        if active[m]: n[m] = h[m]

pairs = [(0, 1), (0, 2), (1, 2)]
n_active = sum(active)
graph_alpha, graph_rel = {}, {}
views = {m: [] for m in range(3)}
if use_graph and n_active >= 2:
    for pi, (a, b) in enumerate(pairs):
        if not (active[a] and active[b]): continue
        mods = [a, b]
        def rel(vn, un):
            pv, i = divmod(vn, T); pu, j = divmod(un, T)
            mv, mu = mods[pv], mods[pu]
            if not (mask[mv][i] and mask[mu][j]): return None
            if pv == pu:
                if i == j: return 14 + pv
                if -P <= j - i <= Fw:
                    return 4 * pv + 2 * (1 if j > i else 0) + (1 if spk[j] != spk[i] else 0)
                return None
            if i == j: return 8 + pv
            if 0 < abs(i - j) <= Wx and j - i <= Fw: return 10 + 2 * pv + (1 if j > i else 0)
            return None
        graph_rel[pi] = [rel(vn, un) for vn in range(2 * T) for un in range(2 * T)]
        zc = n[a] + n[b]
        pn = ['TA', 'TV', 'AV'][pi]
        for l in range(L):
            pre = 'graph.%s.l%d' % (pn, l)
            q = lin(zc[:T], pre + '.wq.%s' % L_[a], D, D) + lin(zc[T:], pre + '.wq.%s' % L_[b], D, D)
            k = lin(zc[:T], pre + '.wk.%s' % L_[a], D, D) + lin(zc[T:], pre + '.wk.%s' % L_[b], D, D)
            v = lin(zc[:T], pre + '.wv.%s' % L_[a], D, D) + lin(zc[T:], pre + '.wv.%s' % L_[b], D, D)
            att, al = attn(q, k, v, rel, H, prm[pre + '.rel_bias'])
            graph_alpha['%d_%d' % (pi, l)] = al
            y1 = ln(add(zc, lin(att, pre + '.wo', D, D)), pre + '.ln1')
            f = [[gelu(x) for x in r] for r in lin(y1, pre + '.ffn1', D, fm * D)]
            zc = ln(add(y1, lin(f, pre + '.ffn2', fm * D, D)), pre + '.ln2')
        views[a].append(zc[:T]); views[b].append(zc[T:])
    for m in range(3):
        if not active[m]: continue
        cin = [sum((vw[i] for vw in views[m]), []) for i in range(T)]
        zz = ln(lin(cin, 'combine.%s' % L_[m], len(views[m]) * D, D), 'combine.%s.ln' % L_[m])
        z[m] = [[x * (1.0 if mask[m][i] else 0.0) for x in zz[i]] for i in range(T)]
else:
    for m in range(3):
        if active[m]: z[m] = n[m]

caf_alpha = {}
if use_cross and n_active >= 2:
    for m in range(3):
        if not active[m]: continue
        acc = [r[:] for r in z[m]]
        for m2 in range(3):
            if m2 == m or not active[m2]: continue
            pre = 'caf.%s%s' % (L_[m], L_[m2])
            q = lin(z[m], pre + '.wq', D, D); k = lin(z[m2], pre + '.wk', D, D); v = lin(z[m2], pre + '.wv', D, D)
            att, al = attn(q, k, v, lambda i, j: 0 if (-P <= j - i <= Fw and mask[m][i] and mask[m2][j]) else None, H)
            caf_alpha['%d_%d' % (m, m2)] = al
            acc = add(acc, lin(att, pre + '.wo', D, D))
        uu = ln(acc, 'caf.%s.ln' % L_[m])
        u[m] = [[x * (1.0 if mask[m][i] else 0.0) for x in uu[i]] for i in range(T)]
else:
    for m in range(3):
        if active[m]: u[m] = z[m]

o = [sum((u[m][i] for m in range(3) if active[m]), []) for i in range(T)]
w1 = mat('cls.w1', D, n_active * D); b1 = prm['cls.b1']
c1 = [[gelu(sum(w1[r][i] * row[i] for i in range(n_active * D)) + b1[r]) for r in range(D)] for row in o]
w2 = mat('cls.w2', K, D); b2 = prm['cls.b2']
logits = [[sum(w2[r][i] * row[i] for i in range(D)) + b2[r] for r in range(K)] for row in c1]

def cmp(what, got, want):
    worst = max(abs(a - b) for a, b in zip(got, want)) if got else 0.0
    print('%-14s max |diff| %.3g over %d values' % (what, worst, len(got)))
    return worst

flat = lambda x: [v for r in x for v in r]
w = cmp('logits', J['logits'], flat(logits))
w = max(w, cmp('beta', J['beta'], flat(beta)))
for key, al in graph_alpha.items():
    w = max(w, cmp('graph ' + key, J['graph_alpha'][key], [a for hh in al for r in hh for a in r]))
for pi, rl in graph_rel.items():
    got = J['graph_rel'][str(pi)]
    bad = sum(1 for a, b in zip(got, rl) if a != (b if b is not None else -1))
    print('graph rel %d: %d mismatches' % (pi, bad)); w = max(w, bad)
for key, al in caf_alpha.items():
    w = max(w, cmp('caf ' + key, J['caf_alpha'][key], [a for hh in al for r in hh for a in r]))
print('WORST', w)
sys.exit(0 if w < 1e-4 else 1)
