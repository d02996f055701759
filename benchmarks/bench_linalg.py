"""gc.linalg on the llvm backend: what the host steps cost beside the compiled parts around them.

Three programs, each timed per call (median of `--repeat` runs after a warm-up) on the
numpy reference, on llvm, and as hand-written numpy/scipy (the floor: LAPACK alone):

  mixed    elementwise work on a (B, n, n) stack, a solve, elementwise work on the result
  logdet   a Gaussian log-likelihood and its gradient: slogdet and solve of a covariance
  eigh     the eigenvalues' gradient of a symmetric matrix (eigh, then V diag(w̄) Vᵀ)

    python benchmarks/bench_linalg.py                 # table
    python benchmarks/bench_linalg.py --n 64 --batch 8
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import graphc as gc


def mixed(batch: int, n: int, rng):
    x = gc.placeholder((batch, n, n), gc.float64)
    r = gc.placeholder((batch, n, 1), gc.float64)
    a = gc.tanh(x) * 0.5 + gc.constant(3.0 * np.eye(n))
    y = gc.linalg.solve(a, gc.exp(r))
    out = gc.relu(y * 2.0 - 1.0) + gc.sigmoid(y)
    feeds = [rng.standard_normal((batch, n, n)), rng.standard_normal((batch, n, 1))]

    def by_hand(xv, rv):
        yv = np.linalg.solve(np.tanh(xv) * 0.5 + 3.0 * np.eye(n), np.exp(rv))
        return np.maximum(yv * 2 - 1, 0) + 1 / (1 + np.exp(-yv))
    return [x, r], [out], feeds, by_hand


def logdet(batch: int, n: int, rng):
    c = gc.placeholder((n, n), gc.float64)
    d = gc.placeholder((n, batch), gc.float64)
    cov = c @ gc.transpose(c) + gc.constant(np.eye(n))
    loss = gc.linalg.slogdet(cov).logabsdet * batch + gc.sum(d * gc.linalg.solve(cov, d))
    feeds = [rng.standard_normal((n, n)) / np.sqrt(n), rng.standard_normal((n, batch))]

    def by_hand(cv, dv):
        s = cv @ cv.T + np.eye(n)
        inv = np.linalg.inv(s)
        z = inv @ dv
        g_s = batch * inv - z @ z.T
        return np.linalg.slogdet(s)[1] * batch + np.sum(dv * z), (g_s + g_s.T) @ cv
    return [c, d], [loss, gc.grad(loss, c)], feeds, by_hand


def eigh(batch: int, n: int, rng):
    a = gc.placeholder((batch, n, n), gc.float64)
    sym = a + gc.transpose(a, (0, 2, 1))
    loss = gc.sum(gc.linalg.eigh(sym).eigenvalues ** 2)
    feeds = [rng.standard_normal((batch, n, n))]

    def by_hand(av):
        w, v = np.linalg.eigh(av + np.swapaxes(av, -1, -2))
        g = (v * (2 * w)[..., None, :]) @ np.swapaxes(v, -1, -2)
        return np.sum(w ** 2), 2 * g
    return [a], [loss, gc.grad(loss, a)], feeds, by_hand


def per_call(fn, feeds, repeat: int) -> float:
    fn(*feeds)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*feeds)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=32, help="matrix size")
    parser.add_argument("--batch", type=int, default=16, help="matrices in a stack (right-hand sides for logdet)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'program':8} {'numpy ms':>9} {'llvm ms':>9} {'by hand ms':>11}  llvm kernels")
    for name, build in [("mixed", mixed), ("logdet", logdet), ("eigh", eigh)]:
        inputs, outputs, feeds, by_hand = build(args.batch, args.n, rng)
        timings = []
        for backend in ("numpy", "llvm"):
            f = gc.function(inputs, outputs, backend=backend)
            timings.append(per_call(f, feeds, args.repeat))
        kinds = [k["kind"] for k in f.kernels()]
        shown = f"{kinds.count('host')} host steps, {len(kinds) - kinds.count('host')} compiled"
        hand = per_call(by_hand, feeds, args.repeat)
        print(f"{name:8} {timings[0] * 1e3:9.3f} {timings[1] * 1e3:9.3f} {hand * 1e3:11.3f}  {shown}")


if __name__ == "__main__":
    main()
