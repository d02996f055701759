"""Control flow: compile time and step time of a scan against its trip count, on llvm and numpy.

An RNN cell h = tanh(h @ W + x_t) scanned over T steps, and its gradient in W (the forward
scan, its recording twin and the backward scan: three loops).  Each T is measured in a fresh
process, so no JIT cache carries over: the compile time is `f.compile(...)` of the whole
function, the step time the best of a few calls.  The body is compiled once whatever T is, so
compile time should not grow with T; the step time grows linearly.  On llvm each scan runs as one
native loop; `llvm-host` is llvm with each step called from Python instead (as before the native loop).
`--loop while` measures a while_loop instead: the same cell, h = tanh(h @ W + b), while a counter is
below T (fed at run time), values only; `--loop while-grad` with the gradient in W.

    python benchmarks/bench_control_flow.py                 # T = 10, 100, 1000, 10000
    python benchmarks/bench_control_flow.py --steps 10 10000 --width 64 --json
    python benchmarks/bench_control_flow.py --backends llvm llvm-host     # native loop against host-driven
    python benchmarks/bench_control_flow.py --loop while --backends llvm llvm-host
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
import graphc as gc
T, width, backend, loop = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
label = backend
if backend == "llvm-host":  # llvm with each step called from Python (how loops ran before the native loop)
    import graphc.control.executable as control_executable
    from graphc.control.while_native import WhileStep
    control_executable.scan_natively = lambda attrs, values: None
    WhileStep.run = lambda self, attrs, values: None
    backend = "llvm"
rng = np.random.default_rng(0)
w = gc.variable((rng.normal(size=(width, width)) / np.sqrt(width)).astype(np.float32), name="w")
h0 = gc.constant(np.zeros((1, width), np.float32))
if loop == "scan":
    xs = gc.placeholder((T, 1, width), gc.float32, name="xs")
    final, ys = gc.scan(lambda h, x: (gc.tanh(gc.matmul(h, w) + x), gc.sum(h)), h0, xs)
    loss = gc.sum(final) + gc.sum(ys)
    f = gc.function([xs], [loss, gc.grad(loss, w)], backend=backend)
    feeds = [rng.normal(size=(T, 1, width)).astype(np.float32)]
else:
    n = gc.placeholder((), gc.int32, name="n")
    b = gc.constant(rng.normal(size=(1, width)).astype(np.float32))
    _, final = gc.while_loop(lambda i, h: i < n, lambda i, h: (i + 1, gc.tanh(gc.matmul(h, w) + b)),
                             (gc.constant(np.int32(0)), h0))
    loss = gc.sum(final)
    f = gc.function([n], [loss, gc.grad(loss, w)] if loop == "while-grad" else [loss], backend=backend)
    feeds = [np.int32(T)]
start = time.perf_counter()
f.compile(*feeds)
compile_s = time.perf_counter() - start
times = []
for _ in range(3):
    start = time.perf_counter()
    f(*feeds)
    times.append(time.perf_counter() - start)
print(json.dumps({"steps": T, "backend": label, "compile_s": compile_s, "call_s": min(times)}))
"""


def measure(steps: int, width: int, backend: str, loop: str = "scan") -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(steps), str(width), backend, loop], capture_output=True,
                          text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--backends", nargs="+", default=["llvm", "numpy"])
    parser.add_argument("--loop", choices=["scan", "while", "while-grad"], default="scan",
                        help="scan: loss and gradient (3 loops); while: a while_loop's values; while-grad: "
                             "with the gradient (the loop, its recording twin, a backward scan)")
    parser.add_argument("--json", action="store_true", help="one JSON object per measurement")
    args = parser.parse_args(argv)
    rows = [measure(t, args.width, b, args.loop) for b in args.backends for t in args.steps]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    what = {"scan": "scan, loss and gradient (3 loops)", "while": "while_loop, values",
            "while-grad": "while_loop, loss and gradient (3 loops)"}[args.loop]
    print(f"RNN {what}, width {args.width}, one process per row")
    print(f"{'backend':>8} {'T':>7} {'compile s':>10} {'call s':>9} {'us/step':>9}")
    for r in rows:
        print(f"{r['backend']:>8} {r['steps']:>7} {r['compile_s']:>10.3f} {r['call_s']:>9.4f} "
              f"{1e6 * r['call_s'] / r['steps']:>9.1f}")
    for backend in args.backends:
        mine = [r for r in rows if r["backend"] == backend]
        if len(mine) > 1:
            ratio = mine[-1]["compile_s"] / mine[0]["compile_s"]
            print(f"{backend}: compile time at T={mine[-1]['steps']} is {ratio:.2f}x that at T={mine[0]['steps']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
