"""Training speed: graphc's compiled step (gc.optim's update in the graph) beside JAX and PyTorch, in one run.

    python benchmarks/bench_training.py            # MLP step (batch 256 and 64) and a full digits epoch
    python benchmarks/bench_training.py --quick    # fewer repeats
    python benchmarks/bench_training.py --single-thread   # BLAS/OpenMP pools of one thread (small shared machines)

Two workloads:
- the MLP training step: 784-1024-1024-10, ReLU, softmax cross-entropy, plain SGD, random data;
- a full digits epoch: scikit-learn's digits (1348 training images), the examples' 64-256-128-10 MLP,
  Adam, batch 32 (42 steps, shuffling and batching included), after a warm-up epoch that compiles.
Figures are the best of `--repeat` runs, in ms; "ratio" is peer time / graphc time (above 1: graphc is faster).
graphc runs on the llvm backend when it is registered (numpy otherwise, said so).  Each framework runs in
its own process, one after the other: BLAS and OpenMP thread pools of different libraries spin after each
call and would otherwise slow each other down.  On a small machine other work shares, those spinning pools
also fight graphc's own kernel threads and each other: --single-thread gives every framework one BLAS/OpenMP
thread, which is what makes figures repeatable there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

SIZES = [784, 1024, 1024, 10]
DIGITS_SIZES = [64, 256, 128, 10]
DIGITS_BATCH = 32


def best(fn, repeat: int) -> float:
    """Best wall time of `repeat` calls after a warm-up call (which compiles), in ms."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def init_weights(sizes, seed=0):
    """He-normal weights and zero biases, the same arrays for every framework."""
    rng = np.random.default_rng(seed)
    ws = [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    return ws, [np.zeros(b, np.float32) for b in sizes[1:]]


def random_batch(batch):
    rng = np.random.default_rng(1)
    return rng.standard_normal((batch, SIZES[0]), np.float32), rng.integers(0, 10, batch).astype(np.int32)


def digits():
    from graphc.datasets import load_digits
    from graphc.nn import train_test_split

    x, y = load_digits()
    x_train, _, y_train, _ = train_test_split(x, y, test_fraction=0.25, seed=0)
    return x_train, y_train


def epoch_batches(x, y, epoch):
    order = np.random.default_rng(epoch).permutation(len(x))
    for start in range(0, len(x) - DIGITS_BATCH + 1, DIGITS_BATCH):
        index = order[start:start + DIGITS_BATCH]
        yield x[index], y[index]


# ---- graphc -------------------------------------------------------------------------------------


def graphc_backend() -> str:
    from graphc.backends import available_backends

    return "llvm" if "llvm" in available_backends() else "numpy"


def graphc_step(sizes, optimizer, backend):
    import graphc as gc

    ws, bs = init_weights(sizes)
    x, y = gc.placeholder((None, sizes[0]), gc.float32, name="x"), gc.placeholder((None,), gc.int32, name="y")
    h = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = h @ gc.variable(w, name=f"w{i}") + gc.variable(b, name=f"b{i}")
        h = gc.relu(h) if i < len(ws) - 1 else h
    loss = gc.nn.losses.softmax_cross_entropy(h, y)
    return gc.function([x, y], loss, updates=optimizer.minimize(loss), backend=backend)


def run_graphc(args, backend) -> dict:
    import graphc as gc

    out = {}
    for batch in args.batches:
        xv, yv = random_batch(batch)
        step = graphc_step(SIZES, gc.optim.SGD(0.01), backend)
        out[f"MLP step batch {batch}"] = best(lambda: step(xv, yv), args.repeat)
        if backend != "numpy":  # the reference runs node by node: it has no kernels to count
            out[f"MLP step batch {batch} kernels"] = len(step.kernels())
    x, y = digits()
    step = graphc_step(DIGITS_SIZES, gc.optim.Adam(1e-3), backend)
    epoch = iter(range(10 ** 6))
    out["digits epoch"] = best(lambda: [step(xb, yb) for xb, yb in epoch_batches(x, y, next(epoch))], args.repeat)
    steps = len(x) // DIGITS_BATCH
    step.run(steps=steps, feeds=epoch_batches(x, y, next(epoch)))  # compiles the loop
    out[ONE_CALL_EPOCH] = best(lambda: step.run(steps=steps, feeds=epoch_batches(x, y, next(epoch))), args.repeat)
    return out


# ---- JAX ----------------------------------------------------------------------------------------


def run_jax(args) -> dict:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")

    def loss_fn(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            h = jax.nn.relu(h) if i < len(params) - 1 else h
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], 1))

    @jax.jit
    def sgd(params, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        return loss, [(w - 0.01 * gw, b - 0.01 * gb) for (w, b), (gw, gb) in zip(params, grads)]

    @jax.jit
    def adam(state, x, y, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        params, m, v, t = state
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m_, g: b1 * m_ + (1 - b1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda v_, g: b2 * v_ + (1 - b2) * g * g, v, grads)
        params = jax.tree_util.tree_map(
            lambda p, m_, v_: p - lr * (m_ / (1 - b1 ** t)) / (jnp.sqrt(v_ / (1 - b2 ** t)) + eps), params, m, v)
        return loss, (params, m, v, t)

    def as_params(sizes):
        ws, bs = init_weights(sizes)
        return [(jnp.asarray(w), jnp.asarray(b)) for w, b in zip(ws, bs)]

    out = {}
    for batch in args.batches:
        xv, yv = (jnp.asarray(a) for a in random_batch(batch))
        state = {"p": as_params(SIZES)}

        def step():
            loss, state["p"] = sgd(state["p"], xv, yv)
            loss.block_until_ready()
        out[f"MLP step batch {batch}"] = best(step, args.repeat)
    x, y = digits()
    params = as_params(DIGITS_SIZES)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = {"s": (params, zeros, zeros, jnp.float32(0))}
    epoch = iter(range(10 ** 6))

    def run_epoch():
        for xb, yb in epoch_batches(x, y, next(epoch)):
            loss, state["s"] = adam(state["s"], xb, yb)
        loss.block_until_ready()
    out["digits epoch"] = best(run_epoch, args.repeat)
    return out


# ---- PyTorch ------------------------------------------------------------------------------------


def run_torch(args) -> dict:
    import torch

    def model_of(sizes):
        ws, bs = init_weights(sizes)
        layers = []
        for i, (w, b) in enumerate(zip(ws, bs)):
            linear = torch.nn.Linear(*w.shape)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w.T))
                linear.bias.copy_(torch.from_numpy(b))
            layers += [linear] + ([torch.nn.ReLU()] if i < len(ws) - 1 else [])
        return torch.nn.Sequential(*layers)

    def stepper(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        return step

    out = {}
    for batch in args.batches:
        xv, yv = random_batch(batch)
        tx, ty = torch.from_numpy(xv), torch.from_numpy(yv.astype(np.int64))
        model = model_of(SIZES)
        step = stepper(model, torch.optim.SGD(model.parameters(), lr=0.01))
        out[f"MLP step batch {batch}"] = best(lambda: step(tx, ty), args.repeat)
    x, y = digits()
    model = model_of(DIGITS_SIZES)
    step = stepper(model, torch.optim.Adam(model.parameters(), lr=1e-3))
    epoch = iter(range(10 ** 6))
    out["digits epoch"] = best(lambda: [step(torch.from_numpy(xb), torch.from_numpy(yb.astype(np.int64)))
                                        for xb, yb in epoch_batches(x, y, next(epoch))], args.repeat)
    return out


# ---- driver -------------------------------------------------------------------------------------


def run_peer(name: str, args) -> dict:
    if name == "graphc":
        return run_graphc(args, graphc_backend())
    if name == "graphc-numpy":
        return run_graphc(args, "numpy")
    return {"jax": run_jax, "torch": run_torch}[name](args)


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


ONE_CALL_EPOCH = "digits epoch, one f.run call"  # the epoch as one compiled loop (graphc/steps.py)


def report(results: dict, backend: str) -> None:
    g = results.get("graphc", {})
    steps_per_epoch = len(digits()[0]) // DIGITS_BATCH
    print(f"graphc backend: {backend}; ratio = peer time / graphc time (above 1: graphc faster)")
    for key in [k for k in g if not k.endswith("kernels")]:
        parts = [f"graphc {g[key]:9.2f} ms"]
        for name, figures in results.items():
            peer_key = "digits epoch" if key == ONE_CALL_EPOCH else key  # peers run their epoch their own way
            if name != "graphc" and peer_key in figures:
                parts.append(f"{name} {figures[peer_key]:9.2f} ms ({figures[peer_key] / g[key]:5.2f}x)")
        if f"{key} kernels" in g:
            parts.append(f"[{g[key + ' kernels']} kernels]")
        title = key if key != "digits epoch" else f"digits epoch ({steps_per_epoch} steps)"
        print(f"{title:<30} " + "   ".join(parts), flush=True)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 64])
    parser.add_argument("--single-thread", action="store_true", help="one BLAS/OpenMP thread per framework")
    parser.add_argument("--peer", default=None, help=argparse.SUPPRESS)  # internal: one framework per process
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (3 if args.quick else 10)
    if args.peer is not None:
        print(json.dumps(run_peer(args.peer, args)))
        return {}
    backend = graphc_backend()
    names = ["graphc"] + (["graphc-numpy"] if backend != "numpy" else [])
    names += [name for name in ("jax", "torch") if installed(name)]
    env = dict(os.environ)
    if args.single_thread:
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    threads = "one BLAS/OpenMP thread each" if args.single_thread else "default thread pools"
    print(f"frameworks: {', '.join(names)} (one process each, {threads})", flush=True)
    results = {}
    for name in names:
        cmd = [sys.executable, __file__, "--peer", name, "--repeat", str(args.repeat), "--batches",
               *map(str, args.batches)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            print(f"{name}: failed\n{done.stderr[-2000:]}")
            continue
        results[name] = json.loads(lines[-1])
    report(results, backend)
    return results


if __name__ == "__main__":
    main()
