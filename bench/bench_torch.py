# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch peer of bench/bench-model.c (issue #3, "How fast"): the same Sync-TVA model
(tests/reference/synctva_ref.py, float32) on the same data and model file, run the strongest
way we know on this machine:
  - OMP_WAIT_POLICY=passive in the environment before torch is imported (busy-waiting OpenMP
    threads make torch ~3x slower on 2 shared cores);
  - torch.set_num_threads (--threads, equal to ours);
  - dialogues bucketed by length (sorted, then cut into batches of 16) with padding masks,
    the batches padded once before timing.

  bench_torch.py DIR [--threads N] [--repeat N]

DIR holds meld-synth.npz and model.stvm from `bench-model gen DIR`.  Prints "key value" lines:
train_epoch_s (forward, focal/CE loss, backward, clipping and AdamW over the training
split, dropout and modality dropout on), infer_test_s (the test split, every attention map
computed and kept), latency_ms_mean / _median (one dialogue per call).
"""
import os
import sys

os.environ['OMP_WAIT_POLICY'] = 'passive'          # before torch is imported
sys.dont_write_bytecode = True

import time                                          # noqa: E402

import numpy as np                                   # noqa: E402
import torch                                         # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'reference'))
import synctva_ref as ref                            # noqa: E402

BATCH = 16


def buckets(dialogues, rng=None):
    order = sorted(range(len(dialogues)), key=lambda d: len(dialogues[d]['speaker']))
    batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def modality_dropout(mask, valid, p, gen):
    """Drops one present modality of an utterance with probability p (not its only one)."""
    B, T, _ = mask.shape
    n = mask.sum(-1)
    hit = (torch.rand(B, T, generator=gen) < p) & (n >= 2) & valid
    # pick one present modality uniformly: random scores, absent ones never win
    score = torch.rand(B, T, 3, generator=gen).masked_fill(~mask, -1.0)
    drop = torch.nn.functional.one_hot(score.argmax(-1), 3).bool() & hit.unsqueeze(-1)
    return mask & ~drop


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    d = args[0]
    threads = int(args[args.index('--threads') + 1]) if '--threads' in args else 1
    repeat = int(args[args.index('--repeat') + 1]) if '--repeat' in args else 1
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(1)
    print('torch %s threads %d OMP_WAIT_POLICY=%s' % (torch.__version__, torch.get_num_threads(),
                                                     os.environ['OMP_WAIT_POLICY']))
    model, mf = ref.load_model(os.path.join(d, 'model.stvm'), torch.float32)
    c = model.c
    dialogues, _ = ref.read_dataset(os.path.join(d, 'meld-synth.npz'))
    train = [x for x in dialogues if x['split'] == 0]
    test = [x for x in dialogues if x['split'] == 2]
    print('train_dialogues %d\ntest_dialogues %d' % (len(train), len(test)))

    names = model.c_names()
    decay = [p for n, p in names.items() if ref.SyncTVA.decays(n)]
    rest = [p for n, p in names.items() if not ref.SyncTVA.decays(n)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': c['weight_decay']},
                             {'params': rest, 'weight_decay': 0.0}],
                            lr=c['lr'], betas=(c['beta1'], c['beta2']), eps=1e-8)
    labels = np.concatenate([x['label'] for x in train])
    w = torch.tensor(ref.class_weights(labels, c['K'], c['class_weight_power']),
                     dtype=torch.float32)

    # padded once, outside the timing (flatters torch slightly)
    rng = np.random.default_rng(1)
    train_batches = [ref.make_batch([train[i] for i in b], c, torch.float32)
                     for b in buckets(train, rng)]
    test_batches = [ref.make_batch([test[i] for i in b], c, torch.float32)
                    for b in buckets(test)]
    single = [ref.make_batch([x], c, torch.float32) for x in test]
    pad = sum(b[3].numel() for b in train_batches)
    print('train_padding_frac %.3f' % (1.0 - sum(len(x['speaker']) for x in train) / pad))

    best = float('inf')
    for r in range(repeat):
        model.train()
        t0 = time.perf_counter()
        c0 = time.process_time()
        total = 0.0
        for x, mask, slot, valid, y, spk in train_batches:
            m = modality_dropout(mask, valid, c['modality_dropout'], gen)
            opt.zero_grad(set_to_none=True)
            logits = model(x, m, slot, valid, spk)
            loss = ref.loss_fn(logits.reshape(-1, c['K']), y.reshape(-1), w, c)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), c['clip_norm'])
            opt.step()
            total += float(loss)
        t = time.perf_counter() - t0
        print('train_epoch_s_run%d %.3f (cpu %.1f s, mean batch loss %.4f)'
              % (r, t, time.process_time() - c0, total / len(train_batches)))
        if r == 0:
            print('train_epoch_cpu_s %.3f' % (time.process_time() - c0))
        best = min(best, t)
    print('train_epoch_s %.3f' % best)

    model.eval()
    best = float('inf')
    with torch.inference_mode():
        for r in range(repeat):
            t0 = time.perf_counter()
            c0 = time.process_time()
            kept = 0
            for x, mask, slot, valid, y, spk in test_batches:
                logits, rec = model(x, mask, slot, valid, spk, record=True)
                probs = torch.softmax(logits, -1)
                kept += probs.shape[0] + len(rec['graph_alpha']) + len(rec['caf_alpha'])
            best = min(best, time.perf_counter() - t0)
            if r == 0:
                print('infer_test_cpu_s %.4f' % (time.process_time() - c0))
        print('infer_test_s %.4f' % best)

        lat = []
        c0 = time.process_time()
        for x, mask, slot, valid, y, spk in single:
            t0 = time.perf_counter()
            logits, rec = model(x, mask, slot, valid, spk, record=True)
            probs = torch.softmax(logits, -1)
            lat.append(time.perf_counter() - t0)
        print('latency_cpu_ms_mean %.3f' % (1e3 * (time.process_time() - c0) / len(single)))
        lat = np.array(lat)
        print('latency_ms_mean %.3f' % (1e3 * lat.mean()))
        print('latency_ms_median %.3f' % (1e3 * np.median(lat)))


if __name__ == '__main__':
    main()
