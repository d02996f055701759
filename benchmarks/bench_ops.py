"""graphc's llvm backend beside numpy, JAX, PyTorch and TensorFlow (those installed), in one run.

    python benchmarks/bench_ops.py            # all benchmarks
    python benchmarks/bench_ops.py --quick    # smaller sizes, fewer repeats
    python benchmarks/bench_ops.py --only matmul chain
    python benchmarks/bench_ops.py --same-process   # all peers in one process (thread pools compete)
    python benchmarks/bench_ops.py --only matmul --rounds 3   # medians of 3 interleaved rounds (shared machines)

Figures are the best of `--repeat` runs (after a warm-up call that compiles); matmul's are the
median of `--repeat` calls, and its lines also show graphc with every other BLAS library
installed here ("graphc (mkl)": GRAPHC_BLAS=mkl, in a process of its own), after a line that
says which library graphc chose and how (gc.blas_info()).
Every line prints each peer's figure and graphc / peer; the fused triad's
bandwidth is measured in the same run as the memory-bound chain's reference.
Each peer runs in its own process, one after the other (see main()).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import graphc as gc


def call_times(fn, repeat: int) -> list[float]:
    """Seconds of each of `repeat` calls, after a warm-up call (which compiles)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def best(fn, repeat: int) -> float:
    return min(call_times(fn, repeat))


def median(fn, repeat: int) -> float:
    return statistics.median(call_times(fn, repeat))


def peers(only: str | None = None):
    """The peers importable here (`only`: just that one; "graphc" means graphc alone)."""
    if only == "graphc":
        return {"graphc": True}
    out = {"numpy": np} if only in (None, "numpy") else {}
    if only == "numpy":
        return out
    try:
        if only not in (None, "jax"):
            raise ImportError
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_platforms", "cpu")
        out["jax"] = (jax, jnp)
    except Exception:  # noqa: BLE001 - any import failure means "not installed here"
        pass
    try:
        if only not in (None, "torch"):
            raise ImportError
        import torch

        out["torch"] = torch
    except Exception:  # noqa: BLE001
        pass
    try:
        if only not in (None, "tensorflow"):
            raise ImportError
        import tensorflow as tf

        out["tensorflow"] = tf
    except Exception:  # noqa: BLE001
        pass
    return out


def report(title: str, unit: str, figures: dict, higher_is_better: bool = True) -> None:
    g = figures.get("graphc")
    if g is None:
        print(f"{title:<34} graphc failed: {figures}")
        return
    parts = [f"graphc {g:9.2f} {unit}"]
    for name, v in figures.items():
        if name in ("graphc", "graphc kernels") or v is None:
            continue
        ratio = g / v if higher_is_better else v / g
        parts.append(f"{name} {v:9.2f} ({ratio:5.2f}x)")
    if "graphc kernels" in figures:
        parts.append(f"[{figures['graphc kernels']} kernels]")
    print(f"{title:<34} " + "   ".join(parts), flush=True)


# ---- elementwise chains -----------------------------------------------------------------------


def bench_chains(n: int, repeat: int, available) -> dict:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(n, np.float32), rng.standard_normal(n, np.float32)
    bytes_moved = 3 * 4 * n
    mem, chain = {}, {}
    if "graphc" in available:
        px, py = gc.placeholder((n,), gc.float32), gc.placeholder((n,), gc.float32)
        triad = gc.function([px, py], px + 3.0 * py, backend="llvm")
        mem["fused triad"] = bytes_moved / best(lambda: triad(x, y), repeat) / 1e9
        f = gc.function([px, py], 2.0 * px + 3.0 * py + 1.0, backend="llvm")
        mem["graphc"] = bytes_moved / best(lambda: f(x, y), repeat) / 1e9
        f = gc.function([px, py], gc.tanh(px) * py + gc.exp(-px * px) * 0.5 - gc.sigmoid(py), backend="llvm")
        chain["graphc"] = bytes_moved / best(lambda: f(x, y), repeat) / 1e9
    mem.update(_peer_chain(available, x, y, "mem", repeat, bytes_moved))
    chain.update(_peer_chain(available, x, y, "chain", repeat, bytes_moved))
    size = f"n=2^{n.bit_length() - 1}"
    return {f"a*x+b*y+c  {size}|GB/s|1": mem, f"tanh chain {size}|GB/s|1": chain}


def _peer_chain(available, x, y, which, repeat, bytes_moved) -> dict:
    out = {}
    if "numpy" in available:
        if which == "mem":
            fn = lambda: 2.0 * x + 3.0 * y + 1.0  # noqa: E731
        else:
            fn = lambda: np.tanh(x) * y + np.exp(-x * x) * 0.5 - 1 / (1 + np.exp(-y))  # noqa: E731
        out["numpy"] = bytes_moved / best(fn, repeat) / 1e9
    if "jax" in available:
        jax, jnp = available["jax"]
        if which == "mem":
            jf = jax.jit(lambda a, b: 2.0 * a + 3.0 * b + 1.0)
        else:
            jf = jax.jit(lambda a, b: jnp.tanh(a) * b + jnp.exp(-a * a) * 0.5 - jax.nn.sigmoid(b))
        jx, jy = jnp.asarray(x), jnp.asarray(y)
        out["jax"] = bytes_moved / best(lambda: jf(jx, jy).block_until_ready(), repeat) / 1e9
    if "torch" in available:
        torch = available["torch"]
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        if which == "mem":
            tf_ = lambda: 2.0 * tx + 3.0 * ty + 1.0  # noqa: E731
        else:
            tf_ = lambda: torch.tanh(tx) * ty + torch.exp(-tx * tx) * 0.5 - torch.sigmoid(ty)  # noqa: E731
        out["torch"] = bytes_moved / best(tf_, repeat) / 1e9
    if "tensorflow" in available:
        tf = available["tensorflow"]
        if which == "mem":
            f = tf.function(lambda a, b: 2.0 * a + 3.0 * b + 1.0, jit_compile=True)
        else:
            f = tf.function(lambda a, b: tf.tanh(a) * b + tf.exp(-a * a) * 0.5 - tf.sigmoid(b), jit_compile=True)
        ta, tb = tf.constant(x), tf.constant(y)
        out["tensorflow"] = bytes_moved / best(lambda: f(ta, tb).numpy(), repeat) / 1e9
    return out


# ---- matmul -------------------------------------------------------------------------------------


def bench_matmul(n: int, repeat: int, available) -> dict:
    """GFLOP/s of an n x n float32 product: the median of `repeat` calls."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32)
    flops = 2.0 * n ** 3
    figures = {}
    if "graphc" in available:
        pa, pb = gc.placeholder((n, n), gc.float32), gc.placeholder((n, n), gc.float32)
        f = gc.function([pa, pb], pa @ pb, backend="llvm")
        figures["graphc"] = flops / median(lambda: f(a, b), repeat) / 1e9
    if "numpy" in available:
        figures["numpy"] = flops / median(lambda: a @ b, repeat) / 1e9
    if "jax" in available:
        jax, jnp = available["jax"]
        mm = jax.jit(lambda x, y: x @ y)
        ja, jb = jnp.asarray(a), jnp.asarray(b)
        figures["jax"] = flops / median(lambda: mm(ja, jb).block_until_ready(), repeat) / 1e9
    if "torch" in available:
        torch = available["torch"]
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        figures["torch"] = flops / median(lambda: ta @ tb, repeat) / 1e9
    return {f"matmul {n}x{n} float32|GFLOP/s|1": figures}


def blas_line() -> tuple[str, list[str]]:
    """A line saying which BLAS graphc chose and how, and the other libraries installed here."""
    info = gc.blas_info()
    measured = "; ".join(f"{name} " + "/".join(f"{v:.0f}" for v in figures.values())
                         for name, figures in info.gflops.items())
    line = (f"BLAS: {info.name} {info.version} ({'ILP64' if info.ilp64 else 'LP64'}, {info.threads} threads, "
            f"{info.how}{'; one-core sgemm GFLOP/s at 512/1024: ' + measured if measured else ''})")
    return line, [name for name in info.candidates if name != info.name]


# ---- MLP training step --------------------------------------------------------------------------


def _mlp_weights():
    rng = np.random.default_rng(0)
    sizes = [(784, 1024), (1024, 1024), (1024, 10)]
    ws = [(rng.standard_normal(s) / np.sqrt(s[0])).astype(np.float32) for s in sizes]
    bs = [np.zeros(s[1], np.float32) for s in sizes]
    return ws, bs


def bench_mlp(batch: int, repeat: int, available) -> dict:
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((batch, 784), np.float32)
    yv = rng.integers(0, 10, batch).astype(np.int32)
    figures = {}
    if "graphc" in available:
        ws, bs = _mlp_weights()
        x, y = gc.placeholder((None, 784), gc.float32), gc.placeholder((None,), gc.int32)
        params = [gc.variable(v) for pair in zip(ws, bs) for v in pair]
        h = x
        for i in range(3):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < 2:
                h = gc.relu(h)
        loss = gc.mean(gc.softmax_cross_entropy(h, y))
        grads = gc.grad(loss, params)
        step = gc.function([x, y], loss, updates=[(p, p - 0.01 * g) for p, g in zip(params, grads)],
                           backend="llvm")
        figures["graphc"] = best(lambda: step(xv, yv), repeat) * 1e3
        figures["graphc kernels"] = len(step.kernels())
    if "numpy" in available:
        figures["numpy"] = best(_numpy_mlp(xv, yv), repeat) * 1e3
    if "jax" in available:
        figures["jax"] = best(_jax_mlp(available["jax"], xv, yv), repeat) * 1e3
    if "torch" in available:
        figures["torch"] = best(_torch_mlp(available["torch"], xv, yv), repeat) * 1e3
    return {f"MLP train step batch {batch}|ms|0": figures}


def _numpy_mlp(xv, yv):
    ws, bs = _mlp_weights()

    def step():
        h1 = np.maximum(xv @ ws[0] + bs[0], 0)
        h2 = np.maximum(h1 @ ws[1] + bs[1], 0)
        z = h2 @ ws[2] + bs[2]
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(yv)), yv] -= 1
        dz = p / len(yv)
        d2 = (dz @ ws[2].T) * (h2 > 0)
        d1 = (d2 @ ws[1].T) * (h1 > 0)
        for w, b, hin, d in ((ws[2], bs[2], h2, dz), (ws[1], bs[1], h1, d2), (ws[0], bs[0], xv, d1)):
            w -= 0.01 * (hin.T @ d)
            b -= 0.01 * d.sum(0)
    return step


def _jax_mlp(jaxmods, xv, yv):
    jax, jnp = jaxmods
    ws, bs = _mlp_weights()
    params = [jnp.asarray(v) for pair in zip(ws, bs) for v in pair]

    def loss(ps, x, y):
        h = x
        for i in range(3):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < 2:
                h = jax.nn.relu(h)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], 1))

    @jax.jit
    def update(ps, x, y):
        gs = jax.grad(loss)(ps, x, y)
        return [p - 0.01 * g for p, g in zip(ps, gs)]

    jx, jy = jnp.asarray(xv), jnp.asarray(yv)
    state = {"p": params}

    def step():
        state["p"] = update(state["p"], jx, jy)
        state["p"][0].block_until_ready()
    return step


def _torch_mlp(torch, xv, yv):
    ws, bs = _mlp_weights()
    model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024),
                                torch.nn.ReLU(), torch.nn.Linear(1024, 10))
    with torch.no_grad():
        for layer, w, b in zip([model[0], model[2], model[4]], ws, bs):
            layer.weight.copy_(torch.from_numpy(w.T))
            layer.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    tx, ty = torch.from_numpy(xv), torch.from_numpy(yv.astype(np.int64))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(tx), ty).backward()
        opt.step()
    return step


def run_benchmarks(args, available) -> dict:
    repeat = args.repeat or (3 if args.quick else 10)
    results: dict = {}
    if "chain" in args.only:
        for n in ([1 << 20] if args.quick else [1 << 20, 1 << 24]):
            results.update(bench_chains(n, repeat, available))
    if "matmul" in args.only:
        for n in ([512] if args.quick else [512, 1024, 2048]):
            results.update(bench_matmul(n, repeat, available))
    if "mlp" in args.only:
        for batch in ([64] if args.quick else [256, 64]):
            results.update(bench_mlp(batch, repeat, available))
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", nargs="*", default=["chain", "matmul", "mlp"], help="chain, matmul, mlp")
    parser.add_argument("--peer", default=None, help=argparse.SUPPRESS)  # internal: one peer per process
    parser.add_argument("--blas", default=None, help=argparse.SUPPRESS)  # internal: GRAPHC_BLAS of a graphc peer
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of one process per peer, interleaved; figures are the medians")
    parser.add_argument("--same-process", action="store_true",
                        help="run every peer in this process (their thread pools then compete)")
    args = parser.parse_args(argv)
    if args.peer is not None:
        if args.blas:
            os.environ["GRAPHC_BLAS"] = args.blas
        print(json.dumps(run_benchmarks(args, peers(args.peer))))
        return
    if args.same_process:
        available = {"graphc": True, **peers()}
        print(f"peers: {', '.join(available)}")
        results = run_benchmarks(args, available)
    else:
        # each peer in its own process: BLAS and OpenMP thread pools of different libraries spin after
        # each call and would slow each other down several times over
        names = ["graphc"] + [p for p in ("numpy", "jax", "torch", "tensorflow") if peers(p)]
        print(f"peers: {', '.join(names)} (one process each)", flush=True)
        runs = [(name, None, args.only) for name in names]
        if "matmul" in args.only:
            line, other_blas = blas_line()
            print(line, flush=True)
            runs += [("graphc", blas, ["matmul"]) for blas in other_blas]
        per_round: dict = {}  # key -> peer -> the figure of each round
        for _ in range(args.rounds):  # interleaved: a change in the machine's load hits every peer alike
            for name, blas, only in runs:
                cmd = [sys.executable, __file__, "--peer", name, "--only", *only]
                cmd += ["--quick"] if args.quick else []
                cmd += ["--repeat", str(args.repeat)] if args.repeat else []
                cmd += ["--blas", blas] if blas else []
                out = subprocess.run(cmd, capture_output=True, text=True, check=False)
                lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
                if out.returncode != 0 or not lines:
                    print(f"{name}{f' ({blas})' if blas else ''}: failed\n{out.stderr[-2000:]}")
                    continue
                for key, figures in json.loads(lines[-1]).items():
                    if blas:
                        figures = {f"graphc ({blas})": figures["graphc"]}
                    for peer, value in figures.items():
                        per_round.setdefault(key, {}).setdefault(peer, []).append(value)
        results = {key: {peer: statistics.median(values) for peer, values in figures.items()}
                   for key, figures in per_round.items()}
        if args.rounds > 1:
            print(f"median of {args.rounds} interleaved rounds; each round's figures: "
                  f"{json.dumps({k.split('|')[0]: v for k, v in per_round.items()})}")
    for key, figures in results.items():
        title, unit, higher = key.split("|")
        report(title, unit, figures, higher_is_better=higher == "1")


if __name__ == "__main__":
    main()
