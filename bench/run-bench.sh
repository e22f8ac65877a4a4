#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The speed comparison of issue #3: the C model (bench-model) against the same model in PyTorch
# (bench_torch.py) on the same generated MELD-sized data and model file, in one run, with
# ratios C time / torch time (below 1 = C faster).
#
#   bench/run-bench.sh BUILDDIR [THREADS [REPEAT [ROUNDS]]]
#
# THREADS (default 2, the cores of this machine class) is both torch.set_num_threads and ours.
# C runs twice: THREADS worker threads with single-threaded OpenBLAS, and one worker with
# THREADS OpenBLAS threads; each measure takes the better of the two.  PyTorch runs with
# OMP_WAIT_POLICY=passive.  With ROUNDS > 1 the three runs take turns ROUNDS times (C workers,
# C blas, PyTorch, C workers, ...) and every figure is the best over the rounds, so a burst of
# load on a shared machine does not land on one side only.  The data (~85 MB) goes to a temporary directory, removed at exit
# (set BENCH_DIR to keep it).  Not a test: nothing registers it.
set -eu

build=${1:?usage: run-bench.sh BUILDDIR [THREADS [REPEAT]]}
threads=${2:-2}
repeat=${3:-1}
rounds=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
exe="$build/bench/bench-model"
[ -x "$exe" ] || { echo "run-bench: $exe not built (ninja -C $build bench/bench-model)" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d /tmp/stva-bench.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
fi

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
"$exe" gen "$dir"

round=1
while [ "$round" -le "$rounds" ]; do
  echo "== round $round of $rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== C: $threads workers, OPENBLAS_NUM_THREADS=1"
  OPENBLAS_NUM_THREADS=1 "$exe" run "$dir" --workers "$threads" --repeat "$repeat" \
    | tee "$dir/c-workers.$round.txt"
  echo "== C: 1 worker, OPENBLAS_NUM_THREADS=$threads"
  OPENBLAS_NUM_THREADS=$threads "$exe" run "$dir" --workers 1 --repeat "$repeat" \
    | tee "$dir/c-blas.$round.txt"
  echo "== PyTorch: $threads threads, OMP_WAIT_POLICY=passive, buckets of 16"
  OMP_WAIT_POLICY=passive "$python" "$here/bench_torch.py" "$dir" --threads "$threads" \
    --repeat "$repeat" | tee "$dir/torch.$round.txt"
  round=$((round + 1))
done

echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$dir" <<'EOF'
import glob
import statistics
import sys
d = sys.argv[1]


def pairs(path):
    """(key, value) of each "key number ..." line of one run's output"""
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            try:
                yield parts[0], float(parts[1])
            except ValueError:
                pass


def read(name):
    """key -> the best (lowest) value over the rounds' files; GFLOP/s and peak memory, the highest"""
    out = {}
    for path in sorted(glob.glob('%s/%s.*.txt' % (d, name))):
        for k, v in pairs(path):
            better = max if 'gflops' in k or k == 'peak_rss_mb' else min
            out[k] = better(out[k], v) if k in out else v
    return out


cw, cb, t = read('c-workers'), read('c-blas'), read('torch')
print('\n%-22s %12s %12s %12s %10s %8s' % ('measure', 'C workers', 'C blas', 'PyTorch',
                                            'C/torch', 'goal'))
for key, label, goal in [('train_epoch_s', 'bench/train epoch (s)', 1 / 3),
                         ('train_epoch_cpu_s', '  same, CPU time (s)', 1 / 3),
                         ('infer_test_s', 'bench/infer set (s)', 1 / 2),
                         ('infer_test_cpu_s', '  same, CPU time (s)', 1 / 2),
                         ('latency_ms_mean', 'latency mean (ms)', 1 / 10),
                         ('latency_cpu_ms_mean', '  same, CPU time (ms)', 1 / 10),
                         ('latency_ms_median', 'latency median (ms)', 1 / 10)]:
    best = min(cw[key], cb[key])
    print('%-22s %12.3f %12.3f %12.3f %10.3f %8s' % (label, cw[key], cb[key], t[key],
                                                     best / t[key], '<= %.2f' % goal))


# The table takes each side's best over all rounds, which can pair a fast moment of one side
# with a slow one of the other; a round's C runs and PyTorch run follow each other within a
# minute or two, so the ratio within each round, and their median, say how steady that is.
rounds = sorted(int(p.split('.')[-2]) for p in glob.glob('%s/torch.*.txt' % d))
if len(rounds) > 1:
    print('\nC/torch within each round (C the better of its two setups), and the median:')
    for key, label in [('train_epoch_s', 'train epoch'), ('infer_test_s', 'infer set'),
                       ('latency_ms_mean', 'latency mean'),
                       ('latency_ms_median', 'latency median')]:
        ratios = []
        for r in rounds:
            w_, b_, t_ = (dict(pairs('%s/%s.%d.txt' % (d, n, r)))
                          for n in ('c-workers', 'c-blas', 'torch'))
            ratios.append(min(w_[key], b_[key]) / t_[key])
        print('  %-16s %s   median %.3f' % (label, ' '.join('%.3f' % x for x in ratios),
                                             statistics.median(ratios)))
for name, c in [('workers', cw), ('blas', cb)]:
    shapes = {k[len('sgemm_gflops_'):]: v for k, v in c.items() if k.startswith('sgemm_gflops_')}
    # sgemm was timed on one thread of this run's OpenBLAS setting; with W workers each on its
    # own core, the comparable peak is W times that rate
    peak = max(shapes.values()) * c['workers']
    print('C %-8s epoch %.0f GFLOP at %.1f GFLOP/s, %.0f %% of cblas_sgemm\'s best rate at the '
          'model\'s shapes times the workers (%.1f GFLOP/s); test set %.1f GFLOP/s; peak RSS '
          '%.0f MB' % (name, c['epoch_gflop'], c['train_gflops'], 100 * c['train_gflops'] / peak,
                       peak, c['infer_gflops'], c['peak_rss_mb']))
    print('  the forward and backward passes alone (the epoch less its optimiser steps, %.2f s, '
          'which have no products): %.1f GFLOP/s, %.0f %% of that peak'
          % (c['train_optimiser_s'], c['train_passes_gflops'],
             100 * c['train_passes_gflops'] / peak))
    # a lower bound, not a prediction: every product at the best rate sgemm reached at any of
    # the model's shapes, nothing else but the optimiser steps (memory bound, no products)
    floor = c['epoch_gflop'] / peak + c['train_optimiser_s']
    print('  the epoch\'s floor (its products all at that peak, plus its optimiser steps): '
          '%.2f s = %.3f of PyTorch\'s epoch; the goal is %.2f s'
          % (floor, floor / t['train_epoch_s'], t['train_epoch_s'] / 3))
    print('  cblas_sgemm GFLOP/s by shape: ' + ', '.join('%s %.1f' % kv for kv in shapes.items()))
    print('  the test set\'s linear products alone: %.2f s one dialogue per product, %.2f s with '
          '16 dialogues\' rows stacked' % (c['test_linear_products_per_dialogue_s'],
                                            c['test_linear_products_stacked16_s']))
    how = ('on one thread' if c['latency_threads'] == 1 else
           'on the latency loop\'s two threads, each its own half')
    print('  reading every weight once %s (the floor of a one-dialogue forward): %.2f ms = '
          '%.3f of PyTorch\'s latency; the goal is %.2f ms' % (how, c['weights_read_ms'],
                               c['weights_read_ms'] / t['latency_ms_mean'],
                               t['latency_ms_mean'] / 10))
EOF
