"""float16 and bfloat16 beside float32 on the llvm backend: a matmul, a fused elementwise chain, a sum
and the digits MLP's training step (mixed precision: float32 weights, half compute).

    python benchmarks/bench_half.py            # figures for docs/dtypes.md
    python benchmarks/bench_half.py --quick    # smaller, fewer repeats

Figures are the best of `--repeat` calls after a warm-up call that compiles.  Set
OPENBLAS_NUM_THREADS=1 on a shared machine: the half matmul's sgemm and float32's are then alike.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import graphc as gc
from graphc.datasets import load_digits

DTYPES = [gc.float32, gc.float16, gc.bfloat16]


def best(fn, *args, repeat: int) -> float:
    fn(*args)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def kernels(dtype, n: int, size: int, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    a, b = gc.placeholder((n, n), dtype), gc.placeholder((n, n), dtype)
    x = gc.placeholder((size,), dtype)
    av, bv = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    xv = rng.standard_normal(size).astype(dtype)
    return {
        f"matmul {n}^3": best(gc.function([a, b], [a @ b], backend="llvm"), av, bv, repeat=repeat),
        f"tanh(x*2+1)*x, {size} elements": best(gc.function([x], [gc.tanh(x * 2.0 + 1.0) * x], backend="llvm"),
                                              xv, repeat=repeat),
        f"sum, {size} elements": best(gc.function([x], [gc.sum(x)], backend="llvm"), xv, repeat=repeat),
    }


def mlp_step(dtype, repeat: int) -> float:
    """One Adam step of the 64-256-128-10 digits MLP on a batch of 32."""
    x_all, y_all = load_digits()
    compute = None if dtype == gc.float32 else dtype
    model = gc.nn.MLP([64, 256, 128, 10], seed=0, compute_dtype=compute)
    x, labels = gc.placeholder((None, 64), gc.float32), gc.placeholder((None,), gc.int32)
    loss = gc.mean(gc.softmax_cross_entropy(model(x), labels))
    step = gc.function([x, labels], [loss], updates=gc.optim.Adam(1e-3).minimize(loss), backend="llvm")
    return best(step, x_all[:32].astype(np.float32), y_all[:32].astype(np.int32), repeat=repeat)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 20)
    n, size = (128, 1 << 14) if args.quick else (512, 1 << 20)
    rows: dict[str, dict[str, float]] = {}
    for dtype in DTYPES:
        for name, seconds in kernels(dtype, n, size, repeat).items():
            rows.setdefault(name, {})[dtype.name] = seconds
        rows.setdefault("digits MLP Adam step, batch 32", {})[dtype.name] = mlp_step(dtype, repeat)
    print(f"{'':36s}" + "".join(f"{d.name:>12s}" for d in DTYPES))
    for name, by_dtype in rows.items():
        print(f"{name:36s}" + "".join(f"{by_dtype[d.name] * 1e3:10.3f}ms" for d in DTYPES))
    return rows


if __name__ == "__main__":
    main()
