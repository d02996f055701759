"""The optimal planner starts from the greedy plan: the plan mapped exactly onto the MILP, HiGHS given it as its
first incumbent (highspy), scipy's HiGHS when highspy is missing, and never a plan worse than greedy's."""

import warnings

import numpy as np
import pytest
from test_remat import NETS, feed, specialized

import graphc as gc
from graphc.passes import plan_program_memory, remat_highs
from graphc.passes.remat import fit_budget, rematerialize
from graphc.passes.remat_analysis import analyse, flops
from graphc.passes.remat_highs import Problem, solve_milp
from graphc.passes.remat_milp import _build, model_peak, solve, start_vector
from graphc.passes.remat_optimal import RematPlannerWarning
from graphc.passes.remat_units import coarsen, without_shape_reads
from graphc.passes.remat_warm_start import recomputed_nodes, unit_schedule

SECONDS = 2  # the solver's time limit here: these graphs are small
DEPTH = 16


def greedy_start(net, depth, fraction, chains=True):
    """(units, the greedy plan's UnitSchedule, the greedy plan's stats, the nodes it recomputes) for `net` at a
    budget of `fraction` of its unchanged peak, planned node by node."""
    return greedy_units(specialized(net, depth), fraction, chains)


def greedy_units(program, fraction, chains=True):
    """greedy_start's answer for a specialised `program`."""
    prepared = without_shape_reads(program)
    a = analyse(prepared)
    budget = int(plan_program_memory(program).peak_bytes * fraction)
    greedy = fit_budget(prepared, a, budget)
    recomputed = recomputed_nodes(prepared, greedy)
    units = coarsen(prepared, a, chains=chains, apart=recomputed)
    return units, unit_schedule(units, recomputed), greedy.remat_stats, recomputed, prepared


def without_highspy(monkeypatch):
    monkeypatch.setattr(remat_highs, "highspy_module", lambda: None)


@pytest.mark.parametrize("chains", [True, False], ids=["fine", "coarse"])
@pytest.mark.parametrize("net,fraction", [("residual", 1 / 4), ("residual", 1 / 2), ("mlp", 1 / 4)])
def test_the_greedy_plan_is_a_feasible_schedule_of_the_milp_with_its_recompute_as_objective(net, fraction, chains):
    units, start, greedy, recomputed, prepared = greedy_start(net, DEPTH, fraction, chains)
    assert greedy.recompute_flops > 0 and start is not None
    nodes = {n.id: n for n in prepared.nodes()}
    assert sum(flops(nodes[i]) for i in recomputed) == greedy.recompute_flops  # the copies found are the plan's
    assert all(all(n.id in recomputed for n in units.units[i].nodes) for ii in start.recompute.values() for i in ii)
    cost = sum(units.units[i].cost for ii in start.recompute.values() for i in ii)
    assert cost == greedy.recompute_flops
    peak = model_peak(units, start)
    program = _build(units, peak, greedy.recompute_flops, None)
    x = start_vector(program, start)
    assert x is not None and program.problem().violation(x) == 0
    assert float(program.objective @ x) == greedy.recompute_flops
    # its model peak is the least model budget that admits it, and its cost the least cap
    assert start_vector(_build(units, peak - 1, greedy.recompute_flops, None), start) is None
    assert start_vector(_build(units, peak, greedy.recompute_flops - 1, None), start) is None


def test_with_highspy_the_solver_starts_from_the_greedy_plan():
    pytest.importorskip("highspy")
    units, start, greedy, *_ = greedy_start("residual", DEPTH, 1 / 4)
    solution = solve(units, model_peak(units, start), SECONDS, max_cost=greedy.recompute_flops, start=start)
    assert not isinstance(solution, str), solution  # it has a schedule however little time HiGHS gets
    assert solution.started
    assert solution.cost <= greedy.recompute_flops


def test_without_highspy_the_same_model_is_solved_by_scipy_without_a_start(monkeypatch):
    without_highspy(monkeypatch)
    units, start, greedy, *_ = greedy_start("residual", DEPTH, 1 / 2)
    solution = solve(units, model_peak(units, start), SECONDS, max_cost=greedy.recompute_flops, start=start)
    if not isinstance(solution, str):  # scipy may find nothing in time: the planner then keeps greedy's plan
        assert not solution.started and solution.cost <= greedy.recompute_flops


def knapsack() -> Problem:
    """max 5a + 4b + 3c  s.t.  2a + 3b + c <= 4 (a, b, c binary): optimum a = c = 1, value 8."""
    return Problem(objective=np.array([-5.0, -4.0, -3.0]), rows=[0, 0, 0], cols=[0, 1, 2], vals=[2.0, 3.0, 1.0],
                   row_lo=[-np.inf], row_hi=[4.0], lower=[0.0] * 3, upper=[1.0] * 3, integral=[1, 1, 1])


@pytest.mark.parametrize("highspy", [True, False], ids=["highspy", "scipy"])
def test_both_solvers_find_the_same_optimum(highspy, monkeypatch):
    if highspy:
        pytest.importorskip("highspy")
    else:
        without_highspy(monkeypatch)
    result = solve_milp(knapsack(), time_limit=SECONDS, start=np.array([0.0, 1.0, 1.0]))
    assert result.solver == ("highspy" if highspy else "scipy")
    assert result.optimal and not result.infeasible and result.gap <= 1e-4
    np.testing.assert_array_equal(np.round(result.x), [1.0, 0.0, 1.0])
    assert result.started == highspy  # only highspy takes a starting point


def test_an_infeasible_start_is_not_taken():
    problem = knapsack()
    assert problem.violation(np.array([1.0, 1.0, 0.0])) == 1.0  # 2 + 3 > 4
    pytest.importorskip("highspy")
    result = solve_milp(problem, time_limit=SECONDS, start=np.array([1.0, 1.0, 0.0]))
    assert result.optimal and np.round(result.x) @ problem.objective == -8.0


@pytest.mark.parametrize("solver", ["highspy", "scipy"])
@pytest.mark.parametrize("fraction", [1 / 4, 1 / 3])
def test_the_optimal_planner_is_never_worse_than_greedy_on_a_residual_net_at_a_tight_budget(
        solver, fraction, monkeypatch):
    if solver == "highspy":
        pytest.importorskip("highspy")
    else:
        without_highspy(monkeypatch)
    x, outputs = NETS["residual"](DEPTH)
    expected = gc.function([x], outputs)(feed())
    program = specialized("residual", DEPTH)
    budget = int(plan_program_memory(program).peak_bytes * fraction)
    greedy = rematerialize(program, budget).remat_stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RematPlannerWarning)
        f = gc.function([x], outputs, remat=budget, remat_planner="optimal", remat_time_limit=SECONDS)
        got = f(feed())
    stats = f.executable.program.remat_stats
    assert stats.planner in ("optimal", "greedy")
    assert (stats.recompute_flops, stats.planned_peak_bytes) <= (greedy.recompute_flops, greedy.planned_peak_bytes)
    assert stats.planned_peak_bytes == f.memory_plan().peak_bytes <= budget
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("net", ["residual", "mlp"])
def test_without_a_budget_the_solver_starts_from_the_sqrt_plan_and_always_has_a_schedule(net):
    pytest.importorskip("highspy")  # scipy's milp takes no start: it may find nothing in time, and keep √n's plan
    program = specialized(net, DEPTH)
    sqrt = rematerialize(program, "sqrt").remat_stats
    with warnings.catch_warnings():
        warnings.simplefilter("error", RematPlannerWarning)  # "found no schedule" would fail here
        planned = rematerialize(program, "optimal", time_limit=SECONDS)
    stats = planned.remat_stats
    assert stats.planned_peak_bytes == plan_program_memory(planned).peak_bytes <= sqrt.planned_peak_bytes
    assert stats.recompute_flops <= stats.total_flops / 2  # at most a forward pass: under half the step
