"""Per-call overhead and the native runner: graphc's one native entry per call (the checked entry: feeds
checked and placed by generated code, graphc.runtime.native_entry) against the same call with the feeds
checked in Python before one entry into the runner (graphc before the checked entry), and against the
same kernels driven from Python (one ctypes call per kernel, big kernels split by a Python thread pool:
the llvm executable before the native runner), beside jax.jit's and PyTorch eager's dispatch, in one
process.

    PYTHONPATH=/tmp/peers-site python benchmarks/bench_dispatch.py          # everything
    python benchmarks/bench_dispatch.py --only dispatch --rounds 30

Workloads: a one-element add; a 20-kernel small step (8x8: ten rounds of tanh(h @ x) + column sums);
the tanh chain tanh(x)*y + exp(-x*x)*0.5 - sigmoid(y) at 2^24 float32 (split over cores); a digits
MLP epoch (64-256-128-10, Adam, batch 32, 42 steps).  Variants run interleaved, round after round, so
machine load hits them alike; each figure is the median over rounds, with the spread (min-max).
On a loaded machine `--cpu` counts the process's CPU time instead of wall time (time spent waiting
for a core is not counted; threads that spin are).
"""

from __future__ import annotations

import argparse
import copy
import ctypes
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import graphc as gc
from graphc.runtime.llvm_jit import host_description
from graphc.runtime.native_pool import THREADS
from graphc.runtime.plan import LlvmExecutable

_KERNEL = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
_pool = ThreadPoolExecutor(max_workers=max(1, THREADS - 1))


class PythonChecked(LlvmExecutable):
    """The executable as it ran before the checked entry: the feeds checked and their pointers placed
    in the table by Python, then one call into the native runner (`checked_entry` off: see python_driven)."""


class PythonDriven(PythonChecked):
    """The executable as it ran before the native runner: each kernel a ctypes call from Python, a big
    kernel's range cut in THREADS equal parts, all but the first run by a Python thread pool."""

    def _enter(self, table: int) -> None:
        for kernel, slots, start, end, piece in self.call_records:
            fn = _KERNEL(kernel)
            if piece:
                bounds = [int(b) for b in np.linspace(0, end, THREADS + 1)]
                futures = [_pool.submit(fn, table, slots, lo, hi) for lo, hi in zip(bounds[1:-1], bounds[2:])]
                fn(table, slots, bounds[0], bounds[1])
                for f in futures:
                    f.result()
            else:
                fn(table, slots, start, end)


def python_driven(function, kind: type = PythonDriven):
    """A twin of a compiled gc.function whose executables run as `kind` (by default: their kernels
    driven from Python)."""
    twin = copy.copy(function)
    twin._cache = {}
    twin._checked_entry = None
    for key, (exe, access, checks) in function._cache.items():
        old = copy.copy(exe)
        old.__class__ = kind
        old.checked_entry = False  # every call through LlvmExecutable.__call__, feeds checked in Python
        twin._cache[key] = (old, access, checks)
    return twin


CLOCK = time.perf_counter  # --cpu: time.process_time (CPU time of all the process's threads)


def per_call_us(fn, calls: int) -> float:
    start = CLOCK()
    for _ in range(calls):
        fn()
    return (CLOCK() - start) / calls * 1e6


def interleaved(variants: dict, rounds: int, calls: int) -> dict:
    """{name: [us per call, one figure per round]}, the variants taking turns within each round."""
    for fn in variants.values():
        fn()
    times = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            times[name].append(per_call_us(fn, calls))
    return times


def report(title: str, times: dict, unit: str = "us", scale: float = 1.0) -> None:
    first = statistics.median(next(iter(times.values())))
    print(f"{title}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:<40} {med * scale:9.2f} {unit}  (spread {min(ts) * scale:.2f}-{max(ts) * scale:.2f}, "
              f"{med / first:4.2f}x the first)", flush=True)


def dispatch_workloads():
    x1 = gc.placeholder((1,), gc.float32, name="x")
    add = gc.function([x1], [x1 + 1.0], backend="llvm")
    one = np.ones(1, np.float32)
    add(one)
    x = gc.placeholder((8, 8), gc.float32, name="x")
    h = x
    for _ in range(10):
        h = gc.tanh(h @ x) + gc.sum(h, axis=0)
    step = gc.function([x], [h], backend="llvm")
    small = np.full((8, 8), 0.01, np.float32)
    step(small)
    return add, one, step, small


def peers_dispatch(variants: dict) -> None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("  (jax not installed: no jax.jit figures)")
    else:
        jax.config.update("jax_platforms", "cpu")
        jadd = jax.jit(lambda v: v + 1.0)
        ja = jnp.ones(1, jnp.float32)
        variants["jax.jit add (device array)"] = lambda: jadd(ja).block_until_ready()
        variants["jax.jit add (numpy in and out)"] = lambda: np.asarray(jadd(np.ones(1, np.float32)))

        def jstep_fn(v):
            h = v
            for _ in range(10):
                h = jnp.tanh(h @ v) + jnp.sum(h, axis=0)
            return h
        jstep = jax.jit(jstep_fn)
        js = jnp.full((8, 8), 0.01, jnp.float32)
        variants["jax.jit 20-op step"] = lambda: jstep(js).block_until_ready()
    try:
        import torch
    except ImportError:
        return
    t = torch.ones(1)
    variants["torch eager add"] = lambda: t + 1.0


def run_dispatch(rounds: int) -> None:
    add, one, step, small = dispatch_workloads()
    print(f"(20-kernel step: {len(step.kernels())} kernels)")
    old_add, old_step = python_driven(add), python_driven(step)
    checked_add, checked_step = python_driven(add, PythonChecked), python_driven(step, PythonChecked)
    variants = {"graphc add (checked entry)": lambda: add(one),
                "graphc add (checks in Python)": lambda: checked_add(one),
                "graphc add (kernels from Python)": lambda: old_add(one),
                "graphc 20-kernel step (checked entry)": lambda: step(small),
                "graphc 20-kernel step (checks in Python)": lambda: checked_step(small),
                "graphc 20-kernel step (from Python)": lambda: old_step(small)}
    peers_dispatch(variants)
    report("per-call time, us (gc.function call, numpy in and out)", interleaved(variants, rounds, 2000))


def run_chain(rounds: int) -> None:
    n = 1 << 24
    x, y = gc.placeholder((n,), gc.float32, name="x"), gc.placeholder((n,), gc.float32, name="y")
    f = gc.function([x, y], [gc.tanh(x) * y + gc.exp(-x * x) * 0.5 - gc.sigmoid(y)], backend="llvm")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(n, np.float32), rng.standard_normal(n, np.float32)
    f(a, b)
    old = python_driven(f)
    np.testing.assert_array_equal(f(a, b)[0], old(a, b)[0])
    times = interleaved({"native pool": lambda: f(a, b), "Python thread pool": lambda: old(a, b)}, rounds, 3)
    report(f"tanh chain 2^24 float32, ms per call ({THREADS} threads)", times, "ms", 1e-3)


def run_digits(rounds: int) -> None:
    from bench_training import DIGITS_SIZES, digits, epoch_batches, graphc_step

    x, y = digits()
    step = graphc_step(DIGITS_SIZES, gc.optim.Adam(1e-3), "llvm")
    batches = list(epoch_batches(x, y, 0))
    step(*batches[0])
    kernels = len(step.kernels())  # of one step (after `run`, the function shows its loop's executable)
    old = python_driven(step)

    def epoch(f):
        return lambda: [f(xb, yb) for xb, yb in batches]

    def one_call(native: bool):
        """The epoch as one call (Function.run: a scan over the batches), its loop native or host-driven."""
        def run():
            if native:
                return step.run(steps=len(batches), feeds=batches)
            import graphc.control.executable as control_executable

            scan_natively = control_executable.scan_natively
            control_executable.scan_natively = lambda attrs, values: None
            try:
                return step.run(steps=len(batches), feeds=batches)
            finally:
                control_executable.scan_natively = scan_natively
        return run
    variants = {"checked entry": epoch(step), "checks in Python": epoch(python_driven(step, PythonChecked)),
                "kernels from Python": epoch(old)}
    if hasattr(step, "run"):
        variants.update({"f.run, scan as a native loop": one_call(True), "f.run, scan host-driven": one_call(False)})
    times = interleaved(variants, rounds, 1)
    report(f"digits MLP epoch ({len(batches)} steps, {kernels} kernels a step), ms", times, "ms", 1e-3)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", nargs="*", default=["dispatch", "chain", "digits"])
    parser.add_argument("--cpu", action="store_true",
                        help="CPU time of the process instead of wall time (steadier on a loaded, shared machine)")
    args = parser.parse_args(argv)
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    print(f"machine: {host_description()}, graphc threads {THREADS}, clock: {'CPU' if args.cpu else 'wall'}")
    runs = {"dispatch": run_dispatch, "chain": run_chain, "digits": run_digits}
    for name in args.only:
        runs[name](args.rounds)


if __name__ == "__main__":
    main()
