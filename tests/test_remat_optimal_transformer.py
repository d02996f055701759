"""The optimal planner on a transformer: the graph whose forward pass the heuristics could not see.

remat_analysis takes a read more than LONG_EDGE levels back for a backward read; a pre-norm
block's residual stream skips the whole attention, so the analysis used to leave most of the
forward pass on the backward side, and neither √n nor the greedy planner recomputed anything
there.  The MILP's units take everything a scalar output (the loss) reads as forward; since
2026-12-04 the analysis does too (tests/test_remat_loss_reads.py), the greedy planner meets
these budgets, and the MILP must recompute no more than it.
"""

import warnings

import numpy as np
import pytest

import graphc as gc
from graphc.backends import available_backends
from graphc.passes import plan_program_memory, run_passes
from graphc.passes.remat import rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_optimal import RematPlannerWarning
from graphc.passes.remat_units import coarsen, loss_reads, without_shape_reads
from graphc.program import specialize

SEQ, WIDTH, BATCH, DEPTH = 16, 16, 16, 2
SECONDS = 8  # the solver's time limit here: generous, as a loaded machine slows HiGHS


def transformer(depth=DEPTH, seed=0):
    """Pre-norm blocks as benchmarks/bench_remat.py's transformer workload, small."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, SEQ, WIDTH), gc.float32, name="x")
    params, h = [], x
    for k in range(depth):
        ln1, ln2 = gc.nn.LayerNorm(WIDTH, name=f"ln1_{k}"), gc.nn.LayerNorm(WIDTH, name=f"ln2_{k}")
        mha = gc.nn.MultiHeadAttention(2, WIDTH // 2, causal=True, width=WIDTH, seed=rng, name=f"mha{k}")
        w1 = gc.variable((rng.standard_normal((WIDTH, 4 * WIDTH)) / np.sqrt(WIDTH)).astype(np.float32))
        w2 = gc.variable((rng.standard_normal((4 * WIDTH, WIDTH)) / np.sqrt(4 * WIDTH)).astype(np.float32))
        h = h + mha(ln1(h))
        h = h + gc.nn.gelu(ln2(h) @ w1, approximate=True) @ w2
        params += mha.variables + ln1.variables + ln2.variables + [w1, w2]
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, params)]


def feed(seed=3):
    return np.random.default_rng(seed).standard_normal((BATCH, SEQ, WIDTH)).astype(np.float32)


def program_of():
    x, outputs = transformer()
    return run_passes(specialize([x], outputs, [], [(BATCH, SEQ, WIDTH)]))


def test_every_value_the_loss_reads_is_in_a_recomputable_unit_unless_it_is_a_result():
    program = without_shape_reads(program_of())
    a = analyse(program)
    units = coarsen(program, a)
    forward = loss_reads(program)
    roots = {r.id for r in program.roots}
    for unit in units.units:
        if any(n.id in forward for n in unit.nodes) and not any(n.id in roots for n in unit.nodes):
            assert all(n.id in forward or a.is_forward(n) for n in unit.nodes), "forward units run first"
            assert unit.recomputable


def test_the_milp_meets_a_budget_with_no_more_recompute_than_greedy_and_stays_within_it():
    program = program_of()
    budget = plan_program_memory(program).peak_bytes * 7 // 10
    greedy = rematerialize(program, budget).remat_stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RematPlannerWarning)
        planned = rematerialize(program, budget, remat_planner="optimal", time_limit=SECONDS)
    stats = planned.remat_stats
    assert stats.planner in ("optimal", "greedy") and 0 < stats.recompute_flops <= greedy.recompute_flops
    assert stats.planned_peak_bytes == plan_program_memory(planned).peak_bytes <= budget
    seen = set()
    for node in planned.nodes():  # a valid schedule: every value is computed before it is read
        assert all(i.op.kind == "source" or i.id in seen for i in node.inputs), node
        seen.add(node.id)


@pytest.mark.parametrize("backend", ["numpy"] + (["llvm"] if "llvm" in available_backends() else []))
def test_its_gradients_are_bitwise_those_without_remat(backend):
    x, outputs = transformer()
    expected = gc.function([x], outputs, backend=backend)(feed())
    none = gc.function([x], outputs, backend=backend)
    none(feed())
    budget = none.memory_plan().peak_bytes * 7 // 10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RematPlannerWarning)
        f = gc.function([x], outputs, backend=backend, remat=budget, remat_planner="optimal",
                        remat_time_limit=SECONDS)
        got = f(feed())
    stats = f.executable.program.remat_stats
    assert stats.planner in ("optimal", "greedy") and stats.planned_peak_bytes <= budget  # greedy: none cheaper
    assert f.memory_plan().peak_bytes == stats.planned_peak_bytes
    if backend == "numpy":  # the executor's measured high-water mark: within the plan's alignment padding
        assert f.executable.peak_bytes <= f.memory_plan().peak_bytes
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)
