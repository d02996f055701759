"""The restricted model's memory rows free a value at its last reader in a stage (remat_milp._recomputing_rows,
_running_rows), as the realised program does: a chain of recomputed residual adds costs the values alive at each
add, not the whole chain, and a backward unit's inputs die inside it.  The model stays an upper bound on the
realised program's live bytes node by node, and is tighter than the stage sums."""

import warnings

import numpy as np
from test_remat import NETS, feed, specialized
from test_remat_warm_start import DEPTH, greedy_start

import graphc as gc
from graphc.passes import plan_program_memory, remat_optimal
from graphc.passes.memory_plan import program_live_peak
from graphc.passes.remat import rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_milp import model_peak, solve
from graphc.passes.remat_realise import realise

SECONDS = 5


def test_the_frees_model_bounds_the_realised_program_and_is_tighter_than_the_stage_sums():
    units, start, greedy, _, prepared = greedy_start("residual", DEPTH, 1 / 4)
    stages = set(start.recompute)
    tight, loose = model_peak(units, start, stages, frees=True), model_peak(units, start, stages)
    live = program_live_peak(realise(prepared, analyse(prepared), units, start.recompute), alignment=1)
    assert live <= tight < loose
    # within the same model budget (the greedy plan's peak in the frees model), the frees model has a schedule
    # cheaper than the greedy plan; the stage sums have none, not even the greedy plan
    solution = solve(units, tight, SECONDS, max_cost=greedy.recompute_flops - 1, stages=stages, frees=True)
    assert not isinstance(solution, str), solution
    assert solution.cost < greedy.recompute_flops and solution.peak <= tight
    assert program_live_peak(realise(prepared, analyse(prepared), units, solution.recompute), alignment=1) \
        <= solution.peak  # the model counts bytes unaligned
    assert isinstance(solve(units, tight, SECONDS, max_cost=greedy.recompute_flops - 1, stages=stages), str)


def test_the_planner_with_frees_in_the_restricted_model_is_never_worse_than_greedy(monkeypatch):
    """RESTRICTED_FREES is off (docs/remat.md, "Per-unit frees"); turned on, the planner's rules still hold."""
    monkeypatch.setattr(remat_optimal, "RESTRICTED_FREES", True)
    x, outputs = NETS["residual"](DEPTH)
    expected = gc.function([x], outputs)(feed())
    program = specialized("residual", DEPTH)
    budget = int(plan_program_memory(program).peak_bytes / 4)
    greedy = rematerialize(program, budget).remat_stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", remat_optimal.RematPlannerWarning)
        f = gc.function([x], outputs, remat=budget, remat_planner="optimal", remat_time_limit=SECONDS)
        got = f(feed())
    stats = f.executable.program.remat_stats
    assert (stats.recompute_flops, stats.planned_peak_bytes) <= (greedy.recompute_flops, greedy.planned_peak_bytes)
    assert stats.planned_peak_bytes == f.memory_plan().peak_bytes <= budget
    for want, have in zip(expected, got):
        np.testing.assert_array_equal(want, have)
