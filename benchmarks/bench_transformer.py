"""One transformer block, forward + backward: graphc beside PyTorch and JAX (those installed), in one run.

    python benchmarks/bench_transformer.py                   # batch 16, sequence 128, width 256, 4 heads
    python benchmarks/bench_transformer.py --quick           # fewer repeats
    python benchmarks/bench_transformer.py --single-thread   # BLAS/OpenMP pools of one thread (small shared machines)
    python benchmarks/bench_transformer.py --peer-python /path/to/python   # run JAX/PyTorch with another interpreter

The block is GPT-2's pre-norm block: h = x + MHA(LN(x)) with a causal mask, y = h + W2 gelu(W1 LN(h) + b1) + b2
(MLP width 4 x 256), float32; the loss is mean(y²) and the step returns the loss and the gradients of every
parameter (16 arrays).  Every framework starts from the same arrays.  A round runs each framework in its own
process (BLAS/OpenMP pools of different libraries would slow each other), one after the other; each measures
the median of `--repeat` calls after a warm-up call (which compiles); a figure is the median over `--rounds`
rounds, in ms, so that a shared machine's changing load falls on every framework alike.  "ratio" is peer
time / graphc time (above 1: graphc faster).
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

BATCH, SEQ, WIDTH, HEADS, HIDDEN = 16, 128, 256, 4, 1024
GELU_C = float(np.sqrt(2 / np.pi))
TIMED = ("block fwd+bwd", "cpu ms")


def seconds(fn) -> tuple[float, float]:
    """Wall and CPU seconds (all of this process's threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def timings(fn, repeat: int) -> dict:
    """Medians of `repeat` calls after a warm-up call (which compiles), in ms: wall time, and CPU time,
    which a loaded machine inflates less (with one thread each it is about the wall time of an idle core)."""
    fn()
    walls, cpus = zip(*(seconds(fn) for _ in range(repeat)))
    return {"block fwd+bwd": statistics.median(walls) * 1e3, "cpu ms": statistics.median(cpus) * 1e3}


def parameters(seed=0) -> dict[str, np.ndarray]:
    """The block's arrays, Glorot-uniform matrices and small random biases, shared by every framework."""
    rng = np.random.default_rng(seed)

    def glorot(n_in, n_out):
        limit = np.sqrt(6 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32)

    p = {f"w{r}": glorot(WIDTH, WIDTH) for r in "qkvo"}
    p.update({f"b{r}": (0.01 * rng.standard_normal(WIDTH)).astype(np.float32) for r in "qkvo"})
    p.update(w1=glorot(WIDTH, HIDDEN), b1=np.zeros(HIDDEN, np.float32), w2=glorot(HIDDEN, WIDTH),
             b2=np.zeros(WIDTH, np.float32), ln1_scale=np.ones(WIDTH, np.float32),
             ln2_scale=np.ones(WIDTH, np.float32), ln1_offset=np.zeros(WIDTH, np.float32),
             ln2_offset=np.zeros(WIDTH, np.float32))
    return p


def inputs(seed=1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((BATCH, SEQ, WIDTH)).astype(np.float32)


# ---- graphc -------------------------------------------------------------------------------------


def run_graphc(args) -> dict:
    import graphc as gc

    backend = "llvm" if "llvm" in gc.available_backends() else "numpy"
    p = parameters()
    x = gc.placeholder((None, SEQ, WIDTH), gc.float32, name="x")
    ln1, ln2 = gc.nn.LayerNorm(WIDTH, name="ln1"), gc.nn.LayerNorm(WIDTH, name="ln2")
    mha = gc.nn.MultiHeadAttention(HEADS, WIDTH // HEADS, causal=True, width=WIDTH)
    for v in mha.variables:  # mha/query/w -> wq, mha/query/b -> bq
        role, kind = v.name.split("/")[1:]
        v.assign(p[f"{kind}{role[0]}"])
    w1, b1 = gc.variable(p["w1"], name="w1"), gc.variable(p["b1"], name="b1")
    w2, b2 = gc.variable(p["w2"], name="w2"), gc.variable(p["b2"], name="b2")
    h = x + mha(ln1(x))
    u = ln2(h) @ w1 + b1
    # gelu, tanh form (gc.nn.gelu is being built on another branch): 0.5 u (1 + tanh(sqrt(2/pi) (u + 0.044715 u³)))
    gelu = 0.5 * u * (1.0 + gc.tanh(GELU_C * (u + 0.044715 * u * u * u)))
    y = h + gelu @ w2 + b2
    loss = gc.mean(y * y)
    params = mha.variables + [w1, b1, w2, b2] + ln1.variables + ln2.variables
    t = time.perf_counter()
    step = gc.function([x], [loss] + gc.grad(loss, params), backend=backend)
    xv = inputs()
    step(xv)
    out = {"compile + first call (s)": time.perf_counter() - t}
    out.update(timings(lambda: step(xv), args.repeat))
    out["loss"] = float(step(xv)[0])
    out["backend"] = backend
    if hasattr(step, "kernels"):
        out["kernels"] = len(step.kernels())
    return out


# ---- PyTorch ------------------------------------------------------------------------------------


def run_torch(args) -> dict:
    import torch
    import torch.nn.functional as functional

    p = {k: torch.from_numpy(v).requires_grad_() for k, v in parameters().items()}
    x = torch.from_numpy(inputs())

    def heads(t):
        return t.view(BATCH, SEQ, HEADS, WIDTH // HEADS).transpose(1, 2)

    def step():
        for t in p.values():
            t.grad = None
        a = functional.layer_norm(x, (WIDTH,), p["ln1_scale"], p["ln1_offset"], eps=1e-5)
        q, k, v = (heads(a @ p[f"w{r}"] + p[f"b{r}"]) for r in "qkv")
        att = functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        att = att.transpose(1, 2).reshape(BATCH, SEQ, WIDTH)
        h = x + att @ p["wo"] + p["bo"]
        u = functional.layer_norm(h, (WIDTH,), p["ln2_scale"], p["ln2_offset"], eps=1e-5) @ p["w1"] + p["b1"]
        y = h + functional.gelu(u, approximate="tanh") @ p["w2"] + p["b2"]
        loss = (y * y).mean()
        loss.backward()
        return loss

    out = dict(timings(step, args.repeat), loss=float(step()), version=torch.__version__)
    out["threads"] = torch.get_num_threads()
    return out


# ---- JAX ----------------------------------------------------------------------------------------


def run_jax(args) -> dict:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")
    mask = jnp.tril(jnp.ones((SEQ, SEQ), bool))

    def layer_norm(a, scale, offset):
        m = a.mean(-1, keepdims=True)
        return (a - m) / jnp.sqrt(((a - m) ** 2).mean(-1, keepdims=True) + 1e-5) * scale + offset

    def heads(t):
        return t.reshape(BATCH, SEQ, HEADS, WIDTH // HEADS).transpose(0, 2, 1, 3)

    def loss_fn(p, x):
        a = layer_norm(x, p["ln1_scale"], p["ln1_offset"])
        q, k, v = (heads(a @ p[f"w{r}"] + p[f"b{r}"]) for r in "qkv")
        s = jnp.where(mask, q @ k.transpose(0, 1, 3, 2) / np.sqrt(WIDTH // HEADS), -jnp.inf)
        att = (jax.nn.softmax(s, -1) @ v).transpose(0, 2, 1, 3).reshape(BATCH, SEQ, WIDTH)
        h = x + att @ p["wo"] + p["bo"]
        u = layer_norm(h, p["ln2_scale"], p["ln2_offset"]) @ p["w1"] + p["b1"]
        y = h + jax.nn.gelu(u, approximate=True) @ p["w2"] + p["b2"]
        return jnp.mean(y * y)

    grad_fn = jax.jit(jax.value_and_grad(loss_fn))
    p = {k: jnp.asarray(v) for k, v in parameters().items()}
    x = jnp.asarray(inputs())

    def step():
        loss, grads = grad_fn(p, x)
        jax.block_until_ready(grads)
        return loss

    return dict(timings(step, args.repeat), loss=float(step()), version=jax.__version__)


# ---- one run ------------------------------------------------------------------------------------


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeat", type=int, default=None, help="timed calls per framework and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of one process per framework, interleaved")
    parser.add_argument("--single-thread", action="store_true", help="one BLAS/OpenMP thread per framework")
    parser.add_argument("--peer-python", default=sys.executable, help="interpreter that has JAX and PyTorch")
    parser.add_argument("--peer", default=None, help=argparse.SUPPRESS)  # internal: one framework per process
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (3 if args.quick else 7)
    args.rounds = 1 if args.quick else args.rounds
    if args.peer is not None:
        print(json.dumps({"graphc": run_graphc, "jax": run_jax, "torch": run_torch}[args.peer](args)))
        return {}
    env = dict(os.environ)
    if args.single_thread:
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    runnable = []
    for name in ("graphc", "jax", "torch"):
        python = sys.executable if name == "graphc" else args.peer_python
        found = subprocess.run([python, "-c", f"import {name}"], capture_output=True, check=False, env=env)
        if found.returncode != 0:
            print(f"{name}: not installed for {python}, skipped", flush=True)
        else:
            runnable.append((name, python))
    rounds: dict[str, list[dict]] = {name: [] for name, _ in runnable}
    for _ in range(args.rounds):  # interleaved, so a change in the machine's load hits every framework alike
        for name, python in runnable:
            cmd = [python, os.path.abspath(__file__), "--peer", name, "--repeat", str(args.repeat)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode != 0 or not lines:
                print(f"{name}: failed\n{done.stderr[-2000:]}", flush=True)
                continue
            rounds[name].append(json.loads(lines[-1]))
    results = {name: dict(runs[-1], **{key: statistics.median(r[key] for r in runs) for key in TIMED},
                          rounds=[round(r["block fwd+bwd"], 1) for r in runs])
               for name, runs in rounds.items() if runs}
    report(results, args)
    return results


def report(results: dict, args) -> None:
    threads = "one BLAS/OpenMP thread each" if args.single_thread else "default thread pools"
    print(f"transformer block fwd+bwd, batch {BATCH}, seq {SEQ}, width {WIDTH}, {HEADS} heads, float32; "
          f"median over {args.rounds} interleaved rounds of the median of {args.repeat} calls, {threads}")
    g = results.get("graphc")
    for name, r in results.items():
        ratio = (f"  ratio {r['block fwd+bwd'] / g['block fwd+bwd']:.2f}x (cpu {r['cpu ms'] / g['cpu ms']:.2f}x)"
                 if g and name != "graphc" else "")
        extra = {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items() if k != "block fwd+bwd"}
        print(f"{name:<7} {r['block fwd+bwd']:9.1f} ms{ratio}   {extra}", flush=True)


if __name__ == "__main__":
    main()
