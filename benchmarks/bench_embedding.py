"""Embedding lookups and their gradient: graphc's llvm backend against numpy doing the same work.

Three calls, each timed as the median of `--repeat` runs after a warm-up:
- lookup: `tanh(table[ids]) * 2`, the rows gathered inside the elementwise kernel;
- step: an SGD step of `sum(tanh(table[ids]) ** 2)` on the table (the gradient a scatter_add of
  the rows' cotangents into a zero table, then the update);
- check: the same lookup's index check alone (count, min, max of the ids), the price every call
  with gathers pays to report an index out of range.
numpy's line does the same arithmetic with np.take and np.add.at (a fresh zero table each step,
as graphc's gradient has), on the same machine.

    python benchmarks/bench_embedding.py                     # vocab 30000, dim 128, 256 x 64 ids
    python benchmarks/bench_embedding.py --vocab 1000 --dim 32 --batch 32 --seq 16 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import graphc as gc


def median_seconds(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def graphc_calls(args, table0: np.ndarray, ids: np.ndarray, backend: str) -> dict:
    table = gc.variable(table0.copy(), name="table")
    i = gc.placeholder(ids.shape, gc.int32, name="ids")
    rows = gc.tanh(table[i])
    lookup = gc.function([i], rows * 2.0, backend=backend)
    loss = gc.sum(rows ** 2)
    step = gc.function([i], [], updates=gc.optim.SGD(0.01).minimize(loss, var_list=[table]), backend=backend)
    flat = gc.cast(i, gc.int64)
    outside = gc.logical_or(flat < -args.vocab, flat >= args.vocab)
    check = gc.function([i], [gc.sum(gc.cast(outside, gc.int64)), gc.min(flat), gc.max(flat)], backend=backend)
    return {"lookup": lambda: lookup(ids), "step": lambda: step(ids), "check": lambda: check(ids)}


def numpy_calls(args, table0: np.ndarray, ids: np.ndarray) -> dict:
    table = table0.copy()

    def lookup():
        return np.tanh(np.take(table, ids, axis=0)) * 2.0

    def step():
        rows = np.tanh(np.take(table, ids, axis=0))
        grad = np.zeros_like(table)
        np.add.at(grad, ids, 2.0 * rows * (1.0 - rows * rows))
        table[...] -= 0.01 * grad

    def check():
        flat = ids.astype(np.int64)
        return int(np.count_nonzero((flat < -args.vocab) | (flat >= args.vocab))), flat.min(), flat.max()

    return {"lookup": lookup, "step": step, "check": check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab", type=int, default=30000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seq", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    table0 = (rng.standard_normal((args.vocab, args.dim)) * 0.1).astype(np.float32)
    ids = rng.integers(0, args.vocab, size=(args.batch, args.seq)).astype(np.int32)
    rows = {"graphc llvm": graphc_calls(args, table0, ids, "llvm"), "numpy": numpy_calls(args, table0, ids)}
    print(f"vocab {args.vocab}, dim {args.dim}, ids {args.batch} x {args.seq} (float32), median of {args.repeat}")
    print(f"{'':14}" + "".join(f"{name:>12}" for name in ("lookup ms", "step ms", "check ms")))
    for label, calls in rows.items():
        ms = [1e3 * median_seconds(calls[k], args.repeat) for k in ("lookup", "step", "check")]
        print(f"{label:14}" + "".join(f"{t:12.3f}" for t in ms))


if __name__ == "__main__":
    main()
