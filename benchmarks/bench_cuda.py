"""The CUDA backend on a GPU: a fused elementwise chain, a matmul and an MLP training step, beside cupy and torch.

    python benchmarks/bench_cuda.py            # all three
    python benchmarks/bench_cuda.py --quick    # fewer repeats, smaller sizes

Needs an NVIDIA GPU, its driver, cupy (the references) and pycuda or cuda-python
(graphc's launcher); exits with status 2 and one line saying what is missing otherwise.
- elementwise: y = tanh(x * 1.5 + 0.5) * sigmoid(x) - exp(-abs(x)) on 2^26 float32, graphc's kernels
  alone (inputs already on the device) against cupy's device-to-device copy of the same array: the
  bandwidth ratio (bytes read + written / time) should be >= 0.8;
- matmul: 4096^3 float32, graphc's tiled kernel against cuBLAS (cupy.matmul): TFLOP/s, target >= 0.6;
- MLP training step (784-1024-1024-10, SGD, batch 256): graphc's whole call (feeds copied in, the loss
  copied out, variables resident) beside PyTorch on the same GPU when torch is installed.
Times are the best of --repeat runs of the device work, synchronized, in ms.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def fail(message: str) -> None:
    print(f"bench_cuda: {message}", file=sys.stderr)
    sys.exit(2)


def best(fn, sync, repeat: int) -> float:
    fn()
    sync()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def graphc_executable(inputs, outputs, feeds, updates=None):
    import graphc as gc

    f = gc.function(inputs, outputs, updates=updates, backend="cuda")
    f(*feeds)  # compiles, uploads the feeds and the variables
    return f, f.executable


def bench_elementwise(args, cp) -> dict:
    import graphc as gc

    n = 1 << (22 if args.quick else 26)
    x = gc.placeholder((n,), gc.float32)
    y = gc.tanh(x * 1.5 + 0.5) * gc.sigmoid(x) - gc.exp(-gc.abs(x))
    feed = np.random.default_rng(0).standard_normal(n, np.float32)
    f, exe = graphc_executable([x], [y], [feed])
    got = f(feed)
    ref = np.tanh(feed * 1.5 + 0.5) / (1 + np.exp(-feed)) - np.exp(-np.abs(feed))
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    ms = best(exe.launch_kernels, exe.launcher.synchronize, args.repeat)
    src = cp.asarray(feed)
    dst = cp.empty_like(src)
    copy_ms = best(lambda: cp.copyto(dst, src), cp.cuda.Device().synchronize, args.repeat)
    nbytes = 2 * n * 4
    return {"n": n, "graphc_ms": ms, "graphc_GBps": nbytes / ms / 1e6, "cupy_copy_ms": copy_ms,
            "cupy_copy_GBps": nbytes / copy_ms / 1e6, "ratio": copy_ms / ms, "target": 0.8}


def bench_matmul(args, cp) -> dict:
    import graphc as gc

    n = 1024 if args.quick else 4096
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((n, n), np.float32) for _ in range(2))
    pa, pb = gc.placeholder((n, n), gc.float32), gc.placeholder((n, n), gc.float32)
    f, exe = graphc_executable([pa, pb], [pa @ pb], [a, b])
    np.testing.assert_allclose(f(a, b), a @ b, rtol=2e-3, atol=2e-3)
    ms = best(exe.launch_kernels, exe.launcher.synchronize, args.repeat)
    da, db = cp.asarray(a), cp.asarray(b)
    cublas_ms = best(lambda: cp.matmul(da, db), cp.cuda.Device().synchronize, args.repeat)
    flops = 2 * n ** 3
    return {"n": n, "graphc_ms": ms, "graphc_TFLOPs": flops / ms / 1e9, "cublas_ms": cublas_ms,
            "cublas_TFLOPs": flops / cublas_ms / 1e9, "ratio": cublas_ms / ms, "target": 0.6}


def bench_mlp(args) -> dict:
    import graphc as gc

    sizes, batch = [784, 1024, 1024, 10], 256
    rng = np.random.default_rng(2)
    ws = [(rng.standard_normal((i, o)) * np.sqrt(2 / i)).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    xv = rng.standard_normal((batch, sizes[0]), np.float32)
    yv = rng.integers(0, 10, batch).astype(np.int32)
    x, y = gc.placeholder((None, sizes[0]), gc.float32), gc.placeholder((None,), gc.int32)
    h = x
    for i, w in enumerate(ws):
        h = h @ gc.variable(w) + gc.variable(np.zeros(w.shape[1], np.float32))
        h = gc.relu(h) if i < len(ws) - 1 else h
    loss = gc.nn.losses.softmax_cross_entropy(h, y)
    step = gc.function([x, y], loss, updates=gc.optim.SGD(0.01).minimize(loss), backend="cuda")
    out = {"batch": batch, "graphc_ms": best(lambda: step(xv, yv), lambda: None, args.repeat)}
    try:
        import torch
    except ImportError:
        out["torch_ms"] = "torch not installed"
        return out
    dev = torch.device("cuda")
    layers = []
    for i, w in enumerate(ws):
        linear = torch.nn.Linear(*w.shape).to(dev)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T))
            linear.bias.zero_()
        layers += [linear] + ([torch.nn.ReLU()] if i < len(ws) - 1 else [])
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def torch_step():  # the same work as graphc's call: host batch in, loss out
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(xv).to(dev)),
                                                 torch.from_numpy(yv).long().to(dev))
        loss.backward()
        opt.step()
        return loss.item()

    out["torch_ms"] = best(torch_step, torch.cuda.synchronize, args.repeat)
    out["ratio"] = out["torch_ms"] / out["graphc_ms"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.quick:
        args.repeat = min(args.repeat, 5)
    from graphc.runtime.cuda_launch import available_bindings, driver_library

    if driver_library() is None:
        fail("no NVIDIA driver (libcuda.so.1 not found): this benchmark needs an NVIDIA GPU")
    if not available_bindings():
        fail("neither pycuda nor cuda-python is installed (graphc's CUDA launcher needs one)")
    try:
        import cupy as cp
    except ImportError:
        fail("cupy is not installed (the copy-bandwidth and cuBLAS references)")
    try:
        if cp.cuda.runtime.getDeviceCount() == 0:
            fail("no CUDA device")
    except cp.cuda.runtime.CUDARuntimeError as exc:
        fail(f"no usable CUDA device: {exc}")
    for name, run in (("elementwise chain", lambda: bench_elementwise(args, cp)),
                      ("matmul", lambda: bench_matmul(args, cp)), ("MLP training step", lambda: bench_mlp(args))):
        result = run()
        print(f"{name}: " + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                                      for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
