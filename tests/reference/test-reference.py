#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The C model against the independent PyTorch reference (synctva_ref.py).

  test-reference.py REF_DUMP [--keep DIR] [--case NAME] [--perturb TENSOR]

For each case (a small config with an ablation, loss or data twist), REF_DUMP (ref-dump.c)
makes a model and a dataset and writes the C model's predictions, training gradient and the
model after one stva_train () step.  This script loads the same model file and dataset into
the reference and checks, each to an absolute 1e-4:
  - per dialogue: logits, probabilities, confidence / entropy / margin, β, the presence masks,
    MSDE attention, every pair graph's relation ids (exactly) and attention per layer and head,
    and the six CAF attention maps;
  - the batched (padded) reference forward gives the per-dialogue logits (bench_torch.py relies
    on it);
  - the loss and the gradient of every tensor (before clipping);
  - every parameter after one identical optimiser step (clip_grad_norm_, torch.optim.AdamW).
Then it checks that it can fail: one weight changed by 1e-2 in the reference (weights are
~0.25 here) must break the forward comparison.  Exit status 77 (skip) when /usr/bin/python3 has no torch.
"""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # no __pycache__ in the source tree

try:
    import numpy as np
    import torch
except ImportError as e:          # pragma: no cover
    print('SKIP: %s has no torch/numpy (%s); install python3-torch python3-numpy'
          % (sys.executable, e))
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synctva_ref as ref        # noqa: E402

TOL = 1e-4
DELTA = 1e-2   # the power check's change to one weight
DT = torch.float64

# name, ref-dump arguments
CASES = [
    ('full-ce', []),
    ('full-ce-smooth', ['label_smoothing=0.1', 'class_weight_power=1']),
    ('focal', ['loss=focal', 'focal_gamma=2']),
    ('no-msde', ['use_msde=0']),
    ('no-graph', ['use_graph=0']),
    ('no-cross', ['use_cross=0']),
    ('modalities-TA', ['modalities=TA']),
    ('modalities-AV', ['modalities=AV', 'loss=focal']),
    ('modalities-TV', ['modalities=TV', '--p-missing', '0.4']),
    ('modalities-T', ['modalities=T']),
    ('causal', ['win_future=0', '--max-T', '12']),
    ('no-graph-no-cross', ['use_graph=0', 'use_cross=0', 'use_msde=0']),
    ('many-speakers', ['--speakers', '9', 'S=4', '--max-T', '14', '--seed', '7']),
    ('wide', ['D=24', 'H=4', 'L=3', 'ffn_mult=3', 'win_past=5', 'win_future=4',
              'cross_window=2', 'ctx_window=3', '--max-T', '20', '--dialogues', '6',
              '--seed', '3']),
    ('threads-2', ['threads=2', '--dialogues', '9', '--seed', '11', 'clip_norm=0']),
    ('eval-dropout', ['dropout=0.3', 'modality_dropout=0.1', '--no-step']),
    ('msde-speaker', ['msde_speaker=1', '--speakers', '4', '--seed', '5']),
    ('wide-path', ['wide=1', '--p-missing', '0.3', '--seed', '9']),
    ('msde-speaker-T', ['msde_speaker=1', 'modalities=T', 'ctx_window=5', '--speakers', '3',
                        '--max-T', '16']),
]


class Report:
    def __init__(self):
        self.worst = {}
        self.failures = []

    def check(self, case, what, got, want, tol=TOL, exact=False):
        got = np.asarray(got, dtype=np.float64)
        want = np.asarray(want, dtype=np.float64)
        if got.shape != want.shape:
            self.failures.append('%s: %s: shape %s (C) vs %s (reference)'
                                 % (case, what, got.shape, want.shape))
            return float('inf')
        d = float(np.max(np.abs(got - want))) if got.size else 0.0
        kind = what.split('[')[0]
        if d > self.worst.get((case, kind), (-1.0, ''))[0]:
            self.worst[(case, kind)] = (d, what)
        if (exact and d != 0.0) or d > tol or not np.isfinite(d):
            idx = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.size else ()
            self.failures.append('%s: %s: max |C - reference| = %.3g at %s (C %.9g, ref %.9g)'
                                 % (case, what, d, tuple(int(i) for i in idx),
                                    got[idx], want[idx]))
        return d


def run_dump(exe, outdir, args):
    r = subprocess.run([exe, outdir] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('ref-dump %s failed: %s%s' % (' '.join(args), r.stdout, r.stderr))
    return r.stdout


def compare_forward(case, rep, model, dialogues, outz):
    c = model.c
    with torch.no_grad():
        per_dialogue = []
        for d, dlg in enumerate(dialogues):
            x, mask, slot, valid, _, spk = ref.make_batch([dlg], c, DT)
            logits, rec = model(x, mask, slot, valid, spk, record=True)
            T = len(dlg['speaker'])
            lg = logits[0]
            probs = torch.softmax(lg, -1)
            per_dialogue.append(lg)
            key = 'd%d_' % d
            rep.check(case, 'logits[d%d]' % d, outz[key + 'logits'], lg)
            rep.check(case, 'probs[d%d]' % d, outz[key + 'probs'], probs)
            top2 = torch.topk(probs, 2, -1).values
            rep.check(case, 'confidence[d%d]' % d, outz[key + 'confidence'], top2[:, 0])
            rep.check(case, 'margin[d%d]' % d, outz[key + 'margin'], top2[:, 0] - top2[:, 1])
            ent = -(probs * torch.log(probs.clamp(min=1e-300))).sum(-1)
            rep.check(case, 'entropy[d%d]' % d, outz[key + 'entropy'], ent)
            # the prediction must be the argmax unless two classes tie within float error
            pred = outz[key + 'pred']
            for i in range(T):
                if pred[i] != int(torch.argmax(probs[i])) and (top2[i, 0] - top2[i, 1]) > TOL:
                    rep.failures.append('%s: pred[d%d][%d] = %d, reference %d'
                                        % (case, d, i, pred[i], int(torch.argmax(probs[i]))))
            rep.check(case, 'beta[d%d]' % d, outz[key + 'beta'], rec['beta'][0])
            rep.check(case, 'present[d%d]' % d, outz[key + 'present'], rec['present'][0],
                      exact=True)
            for m, a in rec['msde_alpha'].items():
                name = key + 'msde_alpha_' + ref.MODS[m]
                if name not in outz:
                    rep.failures.append('%s: C output has no %s' % (case, name))
                    continue
                rep.check(case, 'msde_alpha[d%d,%s]' % (d, ref.MODS[m]), outz[name], a[0])
            for p, rel in rec['graph_rel'].items():
                pn = ref.PAIR_NAMES[p]
                name = key + 'graph_rel_' + pn
                if name not in outz:
                    rep.failures.append('%s: C output has no %s' % (case, name))
                    continue
                rep.check(case, 'graph_rel[d%d,%s]' % (d, pn), outz[name], rel[0], exact=True)
                for l, a in enumerate(rec['graph_alpha'][p]):
                    rep.check(case, 'graph_alpha[d%d,%s,l%d]' % (d, pn, l),
                              outz['%sgraph_alpha_%s_l%d' % (key, pn, l)], a[0])
            for (m, m2), a in rec['caf_alpha'].items():
                nm = ref.MODS[m] + ref.MODS[m2]
                name = key + 'caf_alpha_' + nm
                if name not in outz:
                    rep.failures.append('%s: C output has no %s' % (case, name))
                    continue
                rep.check(case, 'caf_alpha[d%d,%s]' % (d, nm), outz[name], a[0])
            # nothing recorded in C that the reference does not have
            expected = {'msde_alpha_' + ref.MODS[m] for m in rec['msde_alpha']}
            expected |= {'graph_rel_' + ref.PAIR_NAMES[p] for p in rec['graph_rel']}
            expected |= {'graph_alpha_%s_l%d' % (ref.PAIR_NAMES[p], l)
                         for p in rec['graph_alpha'] for l in range(len(rec['graph_alpha'][p]))}
            expected |= {'caf_alpha_' + ref.MODS[m] + ref.MODS[m2] for m, m2 in rec['caf_alpha']}
            got = {n[len(key):] for n in outz.files if n.startswith(key)}
            got -= {'logits', 'probs', 'pred', 'confidence', 'entropy', 'margin', 'beta',
                    'present'}
            if got != expected:
                rep.failures.append('%s: d%d: C recorded %s, reference %s'
                                    % (case, d, sorted(got), sorted(expected)))
        # the padded batch gives the same logits as one dialogue at a time
        x, mask, slot, valid, _, spk = ref.make_batch(dialogues, c, DT)
        logits = model(x, mask, slot, valid, spk)
        for d, dlg in enumerate(dialogues):
            T = len(dlg['speaker'])
            rep.check(case, 'batched-vs-single[d%d]' % d, logits[d, :T], per_dialogue[d],
                      tol=1e-9)


def compare_step(case, rep, model, dialogues, gradz, step_path):
    c = model.c
    labels = np.concatenate([d['label'] for d in dialogues])
    w = ref.class_weights(labels, c['K'], c['class_weight_power'])
    rep.check(case, 'class_w', gradz['class_w'], w, tol=1e-6)
    model.train()                        # dropout is 0 in every stepped config
    model.zero_grad()
    x, mask, slot, valid, y, spk = ref.make_batch(dialogues, c, DT)
    logits = model(x, mask, slot, valid, spk)
    loss = ref.loss_fn(logits.reshape(-1, c['K']), y.reshape(-1), w, c)
    loss.backward()
    rep.check(case, 'loss', float(gradz['loss'][0]), float(loss))
    names = model.c_names()
    for n, p in names.items():
        rep.check(case, 'grad[%s]' % n, gradz['g_' + n], p.grad)
    if c['clip_norm'] > 0:
        torch.nn.utils.clip_grad_norm_(list(names.values()), c['clip_norm'])
    with torch.no_grad():
        ref.adamw_step(model, c['lr'], c)
    after = ref.read_modelfile(step_path)['tensors']
    for n, p in names.items():
        rep.check(case, 'param-after-step[%s]' % n, after[n], p.detach())
    model.eval()


def run_case(exe, workdir, case, args, rep, perturb=None):
    outdir = os.path.join(workdir, case)
    os.makedirs(outdir, exist_ok=True)
    run_dump(exe, outdir, args)
    model, _ = ref.load_model(os.path.join(outdir, 'model.stvm'), DT)
    if perturb is not None:
        name, idx, delta = perturb
        with torch.no_grad():
            model.c_names()[name].view(-1)[idx] += delta
    dialogues, _ = ref.read_dataset(os.path.join(outdir, 'data.npz'))
    outz = np.load(os.path.join(outdir, 'out.npz'))
    compare_forward(case, rep, model, dialogues, outz)
    if '--no-step' not in args:
        gradz = np.load(os.path.join(outdir, 'grad.npz'))
        compare_step(case, rep, model, dialogues, gradz, os.path.join(outdir, 'model-step.stvm'))


def print_worst(rep):
    cases = []
    for (case, kind) in rep.worst:
        if case not in cases:
            cases.append(case)
    for case in cases:
        items = [(kind, d) for (cs, kind), (d, _) in rep.worst.items() if cs == case]
        print('%-18s %s' % (case, '  '.join('%s %.1e' % (k, d) for k, d in items)))
        step = rep.worst.get((case, 'param-after-step'))
        if step is not None:
            print('%-18s (worst parameter after the step: %s)' % ('', step[1]))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    exe = args[0]
    keep = args[args.index('--keep') + 1] if '--keep' in args else None
    only = args[args.index('--case') + 1] if '--case' in args else None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    workdir = keep or tempfile.mkdtemp(prefix='stva-ref-')
    rep = Report()
    for case, cargs in CASES:
        if only is not None and case != only:
            continue
        try:
            run_case(exe, workdir, case, cargs, rep)
        except Exception as e:          # a crash of either side is a failure of the case
            rep.failures.append('%s: %s: %s' % (case, type(e).__name__, e))
    print('worst |C - reference| per case and quantity (tolerance %.0e):' % TOL)
    print_worst(rep)

    # the comparison has teeth: one weight off by 1e-3 in the reference must be caught
    if only is None:
        for name, idx in [('graph.TA.l0.wk.A.w', 5), ('msde.V.gate.w', 17),
                          ('caf.AT.wv.w', 3), ('graph.AV.l1.rel_bias', 9)]:
            power = Report()
            run_case(exe, workdir, 'full-ce', ['--no-step'], power, perturb=(name, idx, DELTA))
            if not power.failures:
                rep.failures.append('power check: %s[%d] + %g was not detected'
                                    % (name, idx, DELTA))
            else:
                print('power check: %s[%d] + %g detected: %d mismatches, e.g. %s'
                      % (name, idx, DELTA, len(power.failures), power.failures[0]))

    if rep.failures:
        print('\nFAILED (%d):' % len(rep.failures))
        for f in rep.failures[:60]:
            print('  ' + f)
        sys.exit(1)
    print('all cases agree to %.0e' % TOL)


if __name__ == '__main__':
    main()
