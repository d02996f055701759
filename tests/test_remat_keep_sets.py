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
from graphc.passes.remat_units import coarsen, loss_reads, without_shape_reads


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

def bench_residual_net(fraction, net="residual"):
    """bench_remat.py's residual net (or another of its NETS) on llvm: (x, outputs, feed, what it returns without
    remat, 1/fraction of its planned peak without remat)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_remat

    _, depth, width, batch = bench_remat.NETS[net]
    x, outputs, feed = bench_remat.build_net(net, depth, width, batch)
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
def test_the_optimal_planner_meets_an_eighth_on_the_bench_transformer():
    """Issue 22 at 1/8 on the transformer (4.9 MiB): nothing planned under √n's 7.25 MiB; the low-memory schedules
    over a backward pass cut at its matmuls and recomputed a stage ahead plan 4.75 MiB, the bytes measured as
    planned and the gradients those of remat="none"."""
    optimal_stats(*bench_residual_net(8, "transformer"))


@pytest.mark.skipif("llvm" not in available_backends(), reason="the goal is stated for the llvm backend's plans")
def test_the_optimal_planner_recomputes_a_fifth_less_than_greedy_on_the_bench_residual_net_at_a_quarter():
    """Issue 22's goal on the net it was missed on: before these schedules the optimal planner kept the greedy
    plan there (1960.1 MFLOP, 16.0 MiB under the 16.75 MiB budget); now 1519.6 MFLOP in 16.0 MiB."""
    x, outputs, feed, expected, budget = bench_residual_net(4)
    greedy = gc.function([x], outputs, backend="llvm", remat=budget)
    greedy.compile(feed)
    stats = optimal_stats(x, outputs, feed, expected, budget)
    assert stats.recompute_flops <= 0.8 * greedy.executable.program.remat_stats.recompute_flops


def small_transformer_units():
    from test_remat_optimal_transformer import program_of

    program = without_shape_reads(program_of())
    a = analyse(program)
    return program, a, coarsen(program, a, backward_at_matmuls=True)


def test_a_backward_pass_cut_at_its_matmuls_starts_each_unit_at_a_matmul_with_its_helpers_beside_their_readers():
    """coarsen(..., backward_at_matmuls=True): every backward unit but the first starts with a matmul that is no
    weight gradient (or the helpers it reads), each helper shares the unit of its first reader, and the units run
    in a valid order; cut into runs of equal length instead, a helper often sat units before its reader, and the
    benchmark transformer's backward pass was 6 units."""
    program, a, units = small_transformer_units()
    forward = loss_reads(program)
    end = next(u.index for u in units.units if any(n.id not in forward and not a.is_forward(n) for n in u.nodes))
    backward = units.units[end:]
    assert len(backward) > 6
    for unit in backward[1:]:
        head = next(n for n in unit.nodes if n.id not in a.helpers)
        assert head.op.name == "matmul" and head.id not in a.roots, [n.op.name for n in unit.nodes]
    for unit in backward:
        for node in unit.nodes:
            if node.id in a.helpers:
                readers = [units.of_node[u.id] for u in a.users[node.id] if units.of_node.get(u.id, -1) >= end]
                assert not readers or min(readers) == unit.index
    seen = set()
    for unit in units.units:
        for node in unit.nodes:
            assert all(i.op.kind == "source" or i.id in seen for i in node.inputs), node
            seen.add(node.id)


def test_ahead_recomputes_each_backward_stage_but_the_first_in_the_stage_before_it():
    program, a, units = small_transformer_units()
    end = first_backward(units)
    cheap = cheap_units(units)
    for kept, fresh in list(recomputed_where_read(units, cheap))[:5]:
        plain, ahead = on_demand(units, kept, fresh), on_demand(units, kept, fresh, ahead=True)
        assert plain and set(ahead) == {stage - 1 if stage > end else stage for stage in plain}
        for stage, recomputed in plain.items():
            assert set(recomputed) <= set(ahead[stage - 1 if stage > end else stage])
        assert_valid_schedule(realise(program, a, units, ahead))
