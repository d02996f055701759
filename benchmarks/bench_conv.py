"""conv2d forward + backward (input and filter gradients) in graphc's llvm backend beside PyTorch and JAX.

    python benchmarks/bench_conv.py              # batch 32, 32x32x64 -> 64 channels, 3x3, SAME
    python benchmarks/bench_conv.py --quick      # batch 8, fewer repeats (a smoke run)
    python benchmarks/bench_conv.py --json out.json

Every peer computes the same thing in float32: y = conv(x, w), loss = sum(y * y) / 2,
and the gradients of loss with respect to x and w; graphc checks its values against
the first peer it finds (and against numpy's einsum when none is installed).  Each
figure is the median of --repeat timed calls after a warm-up call (which compiles);
peers that are not installed are skipped, saying so.  Each runs in a process of its
own, one after the other, so their thread pools never compete (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

import graphc as gc


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: compiles (graphc, jax.jit) and touches the memory
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def graphc_step(x: np.ndarray, w: np.ndarray, backend: str):
    xs, ws = gc.placeholder(x.shape, gc.float32), gc.placeholder(w.shape, gc.float32)
    y = gc.conv2d(xs, ws, padding="SAME")
    loss = gc.sum(y * y) * 0.5
    f = gc.function([xs, ws], [loss, *gc.grad(loss, [xs, ws])], backend=backend)
    return lambda: f(x, w)


def torch_step(x: np.ndarray, w: np.ndarray):
    try:
        import torch
    except ImportError:
        return None
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().requires_grad_()   # NCHW
    wt = torch.from_numpy(w).permute(3, 2, 0, 1).contiguous().requires_grad_()   # OIHW

    def step():
        xt.grad = wt.grad = None
        y = torch.nn.functional.conv2d(xt, wt, padding="same")
        loss = (y * y).sum() * 0.5
        loss.backward()
        return [loss.detach().numpy(), xt.grad.permute(0, 2, 3, 1).numpy(), wt.grad.permute(2, 3, 1, 0).numpy()]
    return step


def jax_step(x: np.ndarray, w: np.ndarray):
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_platforms", "cpu")

    def loss_fn(xx, ww):
        y = jax.lax.conv_general_dilated(xx, ww, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return (y * y).sum() * 0.5

    fn = jax.jit(jax.value_and_grad(loss_fn, argnums=(0, 1)))
    xj, wj = jax.device_put(x), jax.device_put(w)

    def step():
        loss, (gx, gw) = fn(xj, wj)
        return [np.asarray(loss), np.asarray(gx), np.asarray(gw)]
    return step


def numpy_reference(x: np.ndarray, w: np.ndarray):
    """The same three values by einsum over the SAME-padded windows: the check when no peer is installed."""
    kh, kw = w.shape[:2]
    xp = np.pad(x.astype(np.float64), ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))  # N, H, W, C, KH, KW
    y = np.einsum("nhwcij,ijco->nhwo", windows, w)
    gw = np.einsum("nhwcij,nhwo->ijco", windows, y)
    gxp = np.zeros_like(xp)
    for i in range(kh):
        for j in range(kw):
            gxp[:, i:i + x.shape[1], j:j + x.shape[2]] += y @ w[i, j].T
    return [0.5 * (y * y).sum(), gxp[:, kh // 2:kh // 2 + x.shape[1], kw // 2:kw // 2 + x.shape[2]], gw]


PEERS = {"pytorch": torch_step, "jax": jax_step}


def inputs(batch: int):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 32, 32, 64)).astype(np.float32)
    w = (rng.standard_normal((3, 3, 64, 64)) * 0.05).astype(np.float32)
    return x, w


def measure_one(name: str, batch: int, repeat: int, backend: str) -> dict:
    """One peer's median seconds and its three values (run in a process of its own: see main)."""
    x, w = inputs(batch)
    step = graphc_step(x, w, backend) if name == "graphc" else PEERS[name](x, w)
    if step is None:
        return {"missing": True}
    return {"seconds": median_seconds(step, repeat), "values": [np.asarray(v).tolist() for v in step()]}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batch 8 and 3 repeats")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--backend", default="llvm")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--only", default=None, help=argparse.SUPPRESS)  # internal: one peer, JSON on stdout
    args = parser.parse_args(argv)
    batch, repeat = (8, args.repeat or 3) if args.quick else (32, args.repeat or 10)
    if args.only:
        print(json.dumps(measure_one(args.only, batch, repeat, args.backend)))
        return {}
    flops = 3 * 2 * batch * 32 * 32 * 64 * 3 * 3 * 64  # forward, input gradient, filter gradient: one gemm each
    print(f"conv2d forward+backward: batch {batch}, 32x32x64 -> 64 channels, 3x3, SAME, float32; median of {repeat}")
    results = {}
    for name in ("graphc", *PEERS):  # each in its own process: spinning thread pools slow their neighbours
        command = [sys.executable, __file__, "--only", name, "--repeat", str(repeat), "--backend", args.backend]
        done = subprocess.run(command + (["--quick"] if args.quick else []), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{name} failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result.get("missing"):
            print(f"  {name}: not installed, skipped")
        else:
            results[name] = result
    x, w = inputs(batch)
    expected = next((r["values"] for n, r in results.items() if n != "graphc"), None) or numpy_reference(x, w)
    for got, want, what in zip(results["graphc"]["values"], expected, ("loss", "d/dx", "d/dw")):
        got, want = np.asarray(got), np.asarray(want)
        if not np.allclose(got, want, rtol=1e-3, atol=1e-3 * np.abs(want).max()):
            raise SystemExit(f"graphc's {what} differs from the reference by {np.abs(got - want).max():.3g}")
    figures = {name: r["seconds"] for name, r in results.items()}
    for name, seconds in figures.items():
        ratio = f"   {seconds / figures['graphc']:.2f}x (peer time / graphc time)" if name != "graphc" else ""
        print(f"  {name:8s} {seconds * 1e3:8.1f} ms  {flops / seconds / 1e9:6.1f} GFLOP/s{ratio}")
    best_peer = min((s for n, s in figures.items() if n != "graphc"), default=None)
    if best_peer is not None:
        print(f"  best peer time / graphc time: {best_peer / figures['graphc']:.2f}")
    result = {"batch": batch, "repeat": repeat, "seconds": figures, "gflop": flops / 1e9}
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    return result


if __name__ == "__main__":
    main()
