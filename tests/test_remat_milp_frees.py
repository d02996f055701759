"""The restricted model's memory rows free a value at its last reader in a stage (remat_milp._recomputing_rows,
_running_rows), as the realised program does: a chain of recomputed residual adds costs the values alive at each
add, not the whole chain, and a backward unit's inputs die inside it.  The model stays an upper bound on the
realised program's live bytes node by node, and is tighter than the stage sums."""

import sys
import warnings
from pathlib import Path

import numpy as np
from test_remat import NETS, feed, specialized
from test_remat_warm_start import DEPTH, greedy_start, greedy_units

import graphc as gc
from graphc.passes import plan_program_memory, remat_optimal, run_passes
from graphc.passes.memory_plan import program_live_peak
from graphc.passes.remat import rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_milp import model_peak, solve
from graphc.passes.remat_realise import realise
from graphc.program import specialize

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


def test_the_frees_model_counts_the_hoisted_part_of_a_stage_before_its_recomputation():
    """remat_realise runs what a stage's own unit can before the stage's recomputation (_before_recompute); the
    frees model counts that part there (remat_milp._Hoisting) and a kept value's bytes while its readers still
    run (_still_read).  On benchmarks/bench_remat.py's residual net at 1/4 the greedy plan's model peak is then
    within 2% of its realised live bytes (before: 19464196 model bytes against 17367044 live, 12% over), and
    still above them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_remat

    _, depth, width, batch = bench_remat.NETS["residual"]
    x, outputs = bench_remat.build(depth, width, residual=True)
    units, start, _, _, prepared = greedy_units(run_passes(specialize([x], outputs, [], [(batch, width)])), 1 / 4)
    live = program_live_peak(realise(prepared, analyse(prepared), units, start.recompute), alignment=1)
    assert live <= model_peak(units, start, set(start.recompute), frees=True) <= 1.02 * live
