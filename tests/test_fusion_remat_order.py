"""A rematerialised program's kernels follow its schedule: fusion does not fold siblings on either side of a
recomputation into one kernel (fusion_rules._merge_spans_recompute), which pulled a backward unit's last matmul past
the next stage's recomputation holding its two inputs, where only its output had to live through it (the residual
net at 1/4 planned 2 MiB over its node-by-node live bytes on llvm); and the optimal planner's realised schedule
runs what a stage's own unit can before the stage's recomputation (remat_realise._before_recompute)."""

import sys
from pathlib import Path

import numpy as np

import graphc as gc
from graphc.passes import plan_program_memory, run_passes
from graphc.passes.fusion import fuse
from graphc.passes.memory_plan import program_live_peak
from graphc.passes.remat import fit_budget, rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_realise import realise
from graphc.passes.remat_units import coarsen, without_shape_reads
from graphc.passes.remat_warm_start import recomputed_nodes, unit_schedule
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


def test_the_greedy_plan_as_a_unit_schedule_lives_in_no_more_than_the_greedy_rewrite():
    """remat_realise runs the part of a stage's own unit that reads none of its copies before the recomputation:
    after it, that part (`dz`, `dW`, `dx` over kept values) held `dh`, `y` and the layer's input through it (here
    143424 bytes live node by node against the greedy rewrite's 135232)."""
    x, outputs = residual_net()
    program = run_passes(specialize([x], outputs, [], [(BATCH, WIDTH)]))
    prepared = without_shape_reads(program)
    a = analyse(prepared)
    greedy = fit_budget(prepared, a, plan_program_memory(program).peak_bytes // 2)
    recomputed = recomputed_nodes(prepared, greedy)
    units = coarsen(prepared, a, chains=True, apart=recomputed)
    start = unit_schedule(units, recomputed)
    assert start is not None and start.recompute
    realised = realise(prepared, a, units, start.recompute)
    assert program_live_peak(realised) <= program_live_peak(greedy)
