"""Compile-time scaling: graphs of 100, 1000 and 5000 ops with their gradients.

Times (a) building the graph and its gradient, and (b) specialising it,
running every simplification pass and planning its memory, for two families:
a deep chain (an MLP-like stack of elementwise ops, matmuls and broadcasts)
and a random DAG.  No pass may be quadratic: the script checks that the time
per node at the largest size is at most `--max-ratio` times that at 1000 ops,
and that (b) stays under 1 s at 1000 ops and 5 s at 5000.  "llvm s" is the llvm
backend's whole build of the same program (passes, fusion, kernel IR, LLVM -O3,
JIT), reported but not checked: LLVM's own time per kernel dominates it.

    python benchmarks/bench_compile.py            # table, exit status 1 if a check fails
    python benchmarks/bench_compile.py --sizes 100 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import graphc as gc
from graphc.backends import builder, collector_paused
from graphc.compile import clear_jit_cache
from graphc.ir import toposort
from graphc.passes import count_nodes, plan_program_memory, run_passes
from graphc.program import specialize

LIMITS = {1000: 1.0, 5000: 5.0}  # seconds for specialise + passes + memory plan


def chain_graph(n_ops: int, rng):
    """A deep stack: each step one of tanh/sin/scale/bias/matmul, with a variable every few steps."""
    x = gc.placeholder((None, 32), gc.float32, name="x")
    h, params = x, []
    ops = 0
    while ops < n_ops:
        k = ops % 5
        if k == 0:
            w = gc.variable(rng.normal(size=(32, 32)).astype(np.float32) * 0.1)
            params.append(w)
            h = h @ w
        elif k == 1:
            b = gc.variable(np.zeros(32, np.float32))
            params.append(b)
            h = h + b
        elif k == 2:
            h = gc.tanh(h)
        elif k == 3:
            h = h * 0.9
        else:
            h = gc.sin(h) + h
        ops += 1
    loss = gc.mean(h * h)
    return [x], loss, params


def random_graph(n_ops: int, rng):
    """A random DAG over a (None, 16) input: unary/binary elementwise ops, broadcasts, reductions."""
    x = gc.placeholder((None, 16), gc.float32, name="x")
    v = gc.variable(rng.normal(size=(16,)).astype(np.float32), name="v")
    nodes = [x, x * v]
    unary = [gc.tanh, gc.sin, gc.sigmoid, lambda a: a * 0.5, gc.neg]
    binary = [gc.add, gc.subtract, gc.multiply, gc.maximum]
    for _ in range(n_ops):
        r = rng.random()
        a = nodes[int(rng.integers(max(0, len(nodes) - 50), len(nodes)))]  # mostly recent: realistic depth
        if r < 0.45:
            nodes.append(unary[int(rng.integers(len(unary)))](a))
        elif r < 0.9:
            b = nodes[int(rng.integers(len(nodes)))]
            nodes.append(binary[int(rng.integers(len(binary)))](a, b))
        else:
            nodes.append(a - gc.mean(a, axis=1, keepdims=True))
    loss = gc.sum(nodes[-1]) + gc.sum(nodes[len(nodes) // 2])
    return [x], loss, [v]


FAMILIES = {"chain": chain_graph, "random": random_graph}


def measure(family: str, n_ops: int, seed: int = 0, with_llvm: bool = False) -> dict:
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    inputs, loss, params = FAMILIES[family](n_ops, rng)
    grads = gc.grad(loss, [inputs[0], *params])
    t1 = time.perf_counter()
    with collector_paused():  # as a compilation through gc.function runs
        program = specialize(inputs, [loss, *grads], [], [(64, inputs[0].shape[1])])
        simplified = run_passes(program)
        t2 = time.perf_counter()
        plan = plan_program_memory(simplified)
    t3 = time.perf_counter()
    llvm = None
    if with_llvm:  # the whole llvm build: passes again, fusion, kernel IR, LLVM -O3 and the JIT
        clear_jit_cache()  # a repeat would find the module compiled and skip LLVM
        builder("llvm")(program, {})
        llvm = time.perf_counter() - t3
    return {"family": family, "ops": n_ops, "nodes": len(toposort([loss, *grads])),
            "after": count_nodes(simplified), "build": t1 - t0, "passes": t2 - t1, "plan": t3 - t2,
            "peak": plan.peak_bytes, "bound": plan.lower_bound_bytes, "llvm": llvm}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs")
    parser.add_argument("--max-ratio", type=float, default=2.0,
                        help="allowed growth of time per node from 1000 ops to the largest size")
    parser.add_argument("--no-llvm", action="store_true", help="skip the llvm backend's whole build (llvm s)")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(10000)
    from graphc.backends import available_backends

    with_llvm = not args.no_llvm and "llvm" in available_backends()
    rows = []
    print(f"{'graph':<7} {'ops':>5} {'nodes':>6} {'simpl.':>6} {'build+grad s':>12} {'passes s':>9} "
          f"{'plan s':>7} {'compile s':>9} {'us/node':>8} {'peak KiB':>9} {'bound KiB':>9} {'llvm s':>7}")
    for family in FAMILIES:
        for n in args.sizes:
            runs = [measure(family, n, with_llvm=with_llvm) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["passes"] + r["plan"])
            if with_llvm:  # the best build of the repeats (the first in a process also starts the workers)
                best["llvm"] = min(r["llvm"] for r in runs)
            llvm = "-" if best["llvm"] is None else f"{best['llvm']:.2f}"
            best["compile"] = best["passes"] + best["plan"]
            best["per_node"] = best["compile"] / best["nodes"]
            rows.append(best)
            print(f"{family:<7} {n:>5} {best['nodes']:>6} {best['after']:>6} {best['build']:>12.3f} "
                  f"{best['passes']:>9.3f} {best['plan']:>7.3f} {best['compile']:>9.3f} "
                  f"{1e6 * best['per_node']:>8.1f} {best['peak'] / 1024:>9.1f} {best['bound'] / 1024:>9.1f} {llvm:>7}")
    failures = []
    for r in rows:
        limit = LIMITS.get(r["ops"])
        if limit is not None and r["compile"] > limit:
            failures.append(f"{r['family']} {r['ops']} ops: compile {r['compile']:.2f} s > {limit} s")
    for family in FAMILIES:
        by_size = {r["ops"]: r for r in rows if r["family"] == family}
        largest = max(by_size)
        if 1000 in by_size and largest > 1000:
            ratio = by_size[largest]["per_node"] / by_size[1000]["per_node"]
            print(f"{family}: time per node at {largest} ops / at 1000 ops = {ratio:.2f}")
            if ratio > args.max_ratio:
                failures.append(f"{family}: per-node time grows {ratio:.2f}x from 1000 to {largest} ops")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
