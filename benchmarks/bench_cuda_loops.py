"""CUDA loop kernels: render and nvcc time of a scan training step against its trip count (no GPU needed).

An RNN cell h = tanh(h @ W + x_t) scanned over T steps, its gradient in W (the forward scan, its
recording twin, the reverse scan: three loop kernels) and an SGD update, rendered for CUDA as one
translation unit (graphc.control.cuda.render_cuda_program) and compiled by nvcc to a cubin for
sm_90.  The loop over the steps is in the source, so its text (and nvcc's time) should not grow
with T.  The trip counts are measured in turns, `--rounds` times, in one process; medians and the
spread (min-max) are printed.  Nothing runs on a device.

    python benchmarks/bench_cuda_loops.py                       # T = 10, 100, 1000, 10000
    python benchmarks/bench_cuda_loops.py --steps 10 10000 --rounds 5 --json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.control.cuda import render_cuda_program
from graphc.program import specialize


def training_step_source(steps: int, width: int) -> str:
    """The CUDA source of one SGD step of an RNN over `steps` inputs (its loss: the final state's and every
    state's sum)."""
    rng = np.random.default_rng(0)
    weight = gc.variable((rng.normal(size=(width, width)) / np.sqrt(width)).astype(np.float32), name="w")

    def cell(state, x):
        new = gc.tanh(gc.matmul(state, weight) + x)
        return new, gc.sum(state)

    inputs = gc.placeholder((steps, 1, width), gc.float32, name="xs")
    start = gc.constant(np.zeros((1, width), np.float32))
    last, sums = gc.scan(cell, start, inputs)
    loss = gc.sum(last) + gc.sum(sums)
    f = gc.function([inputs], [loss], updates=gc.optim.SGD(0.01).minimize(loss), backend="numpy")
    return render_cuda_program(specialize(f.inputs, f.outputs, f.updates, [(steps, 1, width)])).source


def measure(steps: int, width: int, arch: str) -> dict:
    start = time.perf_counter()
    source = training_step_source(steps, width)
    render_s = time.perf_counter() - start
    start = time.perf_counter()
    nvcc_compile(source, arch, "cubin")
    return {"steps": steps, "render_s": render_s, "nvcc_s": time.perf_counter() - start,
            "source_bytes": len(source)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--arch", default="sm_90")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args(argv)
    if find_nvcc() is None:
        print("nvcc (CUDA toolkit) not found: nothing to measure", file=sys.stderr)
        return 2
    runs = [measure(t, args.width, args.arch) for _ in range(args.rounds) for t in args.steps]
    if args.json:  # every measurement, as one list
        print(json.dumps(runs, indent=1))
        return 0
    print(f"{platform.processor() or platform.machine()}, {args.rounds} rounds, width {args.width}, {args.arch}")
    print(f"{'T':>6}  {'source':>8}  {'render median (min-max)':>26}  {'nvcc median (min-max)':>24}")
    for t in args.steps:
        mine = [r for r in runs if r["steps"] == t]
        cells = []
        for key in ("render_s", "nvcc_s"):
            values = [r[key] for r in mine]
            cells.append(f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})")
        print(f"{t:>6}  {mine[0]['source_bytes']:>8}  {cells[0]:>26}  {cells[1]:>24}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
