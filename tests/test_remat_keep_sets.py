"""Kept tails and segments (graphc/passes/remat_keep_sets.py): schedules built from a kept set, which the optimal
planner realises and plans before its MILP; on benchmarks/bench_remat.py's residual net at 1/4 they meet issue 22's
goal (20% less recompute than the best heuristic) where the MILP found nothing cheaper than the greedy plan."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from test_remat import specialized
from test_remat_optimal import assert_valid_schedule

import graphc as gc
from graphc.backends import available_backends
from graphc.passes import plan_program_memory
from graphc.passes.remat import rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_keep_sets import (
    HELD_SPACINGS,
    cheap_units,
    first_backward,
    joins,
    on_demand,
    recomputed_where_read,
    search,
    tail_and_segments,
)
from graphc.passes.remat_realise import extra_flops, realise
from graphc.passes.remat_units import coarsen, without_shape_reads


def residual_units(depth=16):
    program = without_shape_reads(specialized("residual", depth))
    a = analyse(program)
    return program, a, coarsen(program, a, apart=joins(program, a))


def test_on_demand_recomputes_no_kept_unit_and_every_dear_unit_at_most_once():
    program, a, units = residual_units()
    cheap = cheap_units(units)
    assert cheap and len(cheap) < len(units)  # the residual adds, not the matmuls
    for head, kept in tail_and_segments(units, cheap):
        recomputed = [i for stage in on_demand(units, kept, cheap).values() for i in stage]
        assert not set(recomputed) & kept
        dear = [i for i in recomputed if i not in cheap]
        assert len(dear) == len(set(dear)), (head, kept)


def test_a_kept_tail_schedule_is_valid_and_recomputes_at_most_what_its_units_cost():
    """search skips a schedule by its units' cost before realising it: that must not be less than what the
    realised program recomputes (less when a copy replaces a forward value nobody else reads)."""
    program, a, units = residual_units()
    for _, kept in list(tail_and_segments(units))[::7]:
        schedule = on_demand(units, kept)
        rebuilt = realise(program, a, units, schedule)
        assert_valid_schedule(rebuilt)
        assert 0 < extra_flops(program, rebuilt)[0] <= sum(units.units[i].cost for s in schedule.values() for i in s)


@pytest.mark.parametrize("net", ["residual", "mlp"])
def test_search_fits_the_budget_with_less_recompute_than_greedy(net):
    program = specialized(net, 16)
    budget = plan_program_memory(program).peak_bytes // 4
    greedy = rematerialize(program, budget).remat_stats.recompute_flops
    prepared = without_shape_reads(program)
    rebuilt, solution, peak = search(prepared, analyse(prepared), budget, None, float("inf"), greedy)
    assert peak == plan_program_memory(rebuilt).peak_bytes <= budget
    assert solution.cost == extra_flops(prepared, rebuilt)[0] < greedy / 2  # 1064960 against 2170880 (residual)



def test_search_recomputes_no_unit_twice_when_a_schedule_keeping_the_cheap_units_fits():
    """Recomputing a cheap unit (a residual add) wherever it is read adds memory-bound kernels that FLOPs do not
    count: on bench_remat's residual net at 1/2 such a schedule (358.9 MFLOP) ran 1.19x its modelled floor, slower
    than the MILP's 820.8 MFLOP at 1.00x.  So search recomputes each unit at most once when that fits."""
    program = specialized("residual", 16)
    prepared = without_shape_reads(program)
    a = analyse(prepared)
    budget = plan_program_memory(program).peak_bytes // 2
    rebuilt, solution, peak = search(prepared, a, budget, None, float("inf"), None)
    recomputed = [i for stage in solution.recompute.values() for i in stage]
    assert recomputed and len(recomputed) == len(set(recomputed))
    assert peak == plan_program_memory(rebuilt).peak_bytes <= budget

def bench_residual_net(fraction):
    """bench_remat.py's residual net on llvm: (x, outputs, feed, what it returns without remat, 1/fraction of its
    planned peak without remat)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_remat

    _, depth, width, batch = bench_remat.NETS["residual"]
    x, outputs, feed = bench_remat.build_net("residual", depth, width, batch)
    none = gc.function([x], outputs, backend="llvm")
    expected = none(feed)
    return x, outputs, feed, expected, none.memory_plan().peak_bytes // fraction


def optimal_stats(x, outputs, feed, expected, budget):
    """The optimal planner's remat_stats on llvm under `budget`, checked: its plan kept, planned as measured
    within the budget, the outputs bitwise `expected`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = gc.function([x], outputs, backend="llvm", remat=budget, remat_planner="optimal", remat_time_limit=10)
        got = f(feed)
    stats = f.executable.program.remat_stats
    assert stats.planner == "optimal"
    assert stats.planned_peak_bytes == f.memory_plan().peak_bytes <= budget
    for want, have in zip(expected, got):
        np.testing.assert_array_equal(want, have)
    return stats


def test_recomputed_where_read_keeps_only_checkpoints_and_holds_only_dear_units():
    program, a, units = residual_units()
    cheap = cheap_units(units)
    dear = set(range(first_backward(units))) - cheap
    read_by_dear = {i for d in dear for i in units.units[d].inputs}
    schedules = list(recomputed_where_read(units, cheap))
    assert set() in [kept for kept, _ in schedules] and len(schedules) > len(HELD_SPACINGS)
    for kept, fresh in schedules:
        assert cheap <= fresh and set(range(first_backward(units))) - fresh <= dear  # held units are dear ones
        assert kept <= read_by_dear  # checkpoints only
        assert not {i for stage in on_demand(units, kept, fresh).values() for i in stage} & kept


@pytest.mark.skipif("llvm" not in available_backends(), reason="the goal is stated for the llvm backend's plans")
def test_the_optimal_planner_meets_an_eighth_on_the_bench_residual_net():
    """Issue 22 at 1/8 (8.4 MiB): no kept tail fits, nor did any planner before the
    low-memory schedules; now two checkpoints (at the 12th and 28th matmul) with everything recomputed where
    read plan 8.0 MiB (11561.3 MFLOP), the bytes measured as planned and the gradients those of remat="none"."""
    optimal_stats(*bench_residual_net(8))


@pytest.mark.skipif("llvm" not in available_backends(), reason="the goal is stated for the llvm backend's plans")
def test_the_optimal_planner_recomputes_a_fifth_less_than_greedy_on_the_bench_residual_net_at_a_quarter():
    """Issue 22's goal on the net it was missed on: before these schedules the optimal planner kept the greedy
    plan there (1960.1 MFLOP, 16.0 MiB under the 16.75 MiB budget); now 1519.6 MFLOP in 16.0 MiB."""
    x, outputs, feed, expected, budget = bench_residual_net(4)
    greedy = gc.function([x], outputs, backend="llvm", remat=budget)
    greedy.compile(feed)
    stats = optimal_stats(x, outputs, feed, expected, budget)
    assert stats.recompute_flops <= 0.8 * greedy.executable.program.remat_stats.recompute_flops
