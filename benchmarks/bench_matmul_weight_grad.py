"""The weight gradient of a batched matmul with a shared 2-D weight: planned peak, kernels, time per call.

dL/dW of sum(tanh(x @ W)) with x (batch, seq, k) and W (k, n), the shape of the benchmark
transformer's MLP (16, 32, 128) @ (128, 512) by default, on the llvm backend.  Since 2026-12-04
the matmul VJP folds the batch into the rows (one (batch*seq, k)^T @ (batch*seq, n) gemm); before,
it made (batch, k, n) per-entry products and summed them.  To compare, run this script on each
tree in turn, alternating, in one window (docs/remat.md, "Transformer at 1/4"):

    python benchmarks/bench_matmul_weight_grad.py --rounds 15
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def measure(batch: int, seq: int, k: int, n: int, rounds: int, calls: int) -> dict:
    import graphc as gc

    rng = np.random.default_rng(0)
    x = gc.placeholder((batch, seq, k), gc.float32)
    w = gc.variable((rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32))
    (gw,) = gc.grad(gc.sum(gc.tanh(x @ w)), [w])
    f = gc.function([x], [gw], backend="llvm")
    feed = rng.standard_normal((batch, seq, k)).astype(np.float32)
    for _ in range(calls):  # compile and warm up
        f(feed)
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            f(feed)
        per_call.append((time.perf_counter() - start) / calls)
    per_call.sort()
    return {"peak_mib": f.memory_plan().peak_bytes / 2**20, "kernels": len(f.kernels()),
            "median_ms": 1e3 * per_call[len(per_call) // 2], "min_ms": 1e3 * per_call[0],
            "max_ms": 1e3 * per_call[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs=4, default=[16, 32, 128, 512], metavar=("B", "S", "K", "N"))
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds; the median and spread are over them")
    parser.add_argument("--calls", type=int, default=20, help="calls per round")
    args = parser.parse_args()
    r = measure(*args.shape, args.rounds, args.calls)
    print(f"dL/dW, x {tuple(args.shape[:3])} @ W {tuple(args.shape[2:])}: planned {r['peak_mib']:.2f} MiB, "
          f"{r['kernels']} kernels, median {r['median_ms']:.3f} ms per call "
          f"(min {r['min_ms']:.3f}, max {r['max_ms']:.3f}; {args.rounds} rounds of {args.calls})")


if __name__ == "__main__":
    main()
