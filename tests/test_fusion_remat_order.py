"""A rematerialised program's kernels follow its schedule: fusion does not fold siblings on either side of a
recomputation into one kernel (fusion_rules._merge_spans_recompute), which pulled a backward unit's last matmul past
the next stage's recomputation holding its two inputs, where only its output had to live through it (the residual
net at 1/4 planned 2 MiB over its node-by-node live bytes on llvm)."""

import sys
from pathlib import Path

import numpy as np

import graphc as gc
from graphc.passes import run_passes
from graphc.passes.fusion import fuse
from graphc.passes.remat import rematerialize
from graphc.program import specialize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_remat  # noqa: E402

DEPTH, WIDTH, BATCH = 16, 32, 64


def residual_net():
    """benchmarks/bench_remat.py's residual net, small: h = h + tanh(h @ w), loss mean(h * h)."""
    return bench_remat.build(DEPTH, WIDTH, residual=True)


def feed():
    return np.random.default_rng(1).standard_normal((BATCH, WIDTH)).astype(np.float32)


def llvm_peak(x, outputs, **options) -> int:
    f = gc.function([x], outputs, backend="llvm", **options)
    f.compile(feed())
    return f.memory_plan().peak_bytes


def test_no_matmul_kernel_runs_after_a_kernel_that_starts_later_in_the_schedule():
    x, outputs = residual_net()
    program = run_passes(specialize([x], outputs, [], [(BATCH, WIDTH)]))
    rebuilt = rematerialize(program, llvm_peak(x, outputs) // 2)
    assert rebuilt.remat_stats is not None and rebuilt.remat_stats.recompute_flops > 0
    started = -1
    for group in fuse(rebuilt).groups:  # in execution order
        if group.kind == "matmul":
            assert group.first > started, [m.op.name for m in group.members]
        started = max(started, group.first)


def test_the_greedy_plan_at_a_third_of_the_peak_fits_as_planned_on_llvm_with_the_same_values():
    x, outputs = residual_net()
    budget = llvm_peak(x, outputs) // 3
    f = gc.function([x], outputs, backend="llvm", remat=budget)
    got = f(feed())  # before: MemoryBudgetError (each backward matmul held dz and dh through the recomputation)
    assert f.memory_plan().peak_bytes <= budget
    for want, have in zip(gc.function([x], outputs, backend="llvm")(feed()), got):
        np.testing.assert_array_equal(want, have)
