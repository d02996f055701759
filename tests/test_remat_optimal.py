"""The optimal planner (Checkmate's MILP): valid schedules, honest peaks, no more recompute than greedy, same bits."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from test_remat import NETS, feed, specialized
from test_remat_random_graphs import build, deep_networks

import graphc as gc
from graphc.backends import available_backends
from graphc.errors import GraphcError, MemoryBudgetError
from graphc.passes import plan_program_memory
from graphc.passes.remat import rematerialize
from graphc.passes.remat_optimal import RematPlannerWarning
from graphc.program import specialize

DEPTH = 8
SECONDS = 2  # the solver's time limit here: these graphs are small


def none_peak(program) -> int:
    return plan_program_memory(program).peak_bytes


def tight_budget(program) -> int:
    """A budget that binds: a little above the lowest peak √n reaches."""
    return int(1.15 * rematerialize(program, "sqrt").remat_stats.planned_peak_bytes)


def assert_valid_schedule(program):
    """Every node runs once, after every node it reads (sources are there from the start)."""
    seen = set()
    for node in program.nodes():
        assert node.id not in seen, f"{node} runs twice"
        for i in node.inputs:
            assert i.op.kind == "source" or i.id in seen, f"{node} reads {i} before it is computed"
        seen.add(node.id)
    assert all(r.id in seen for r in program.roots)


@pytest.mark.parametrize("net", ["mlp", "residual", "multi_output"])
def test_the_milp_schedule_is_valid_and_fits_its_budget(net):
    program = specialized(net, DEPTH)
    budget = tight_budget(program)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RematPlannerWarning)
        planned = rematerialize(program, budget, remat_planner="optimal", time_limit=SECONDS)
    stats = planned.remat_stats
    assert_valid_schedule(planned)
    assert stats.planned_peak_bytes == none_peak(planned) <= budget
    assert stats.planner in ("optimal", "greedy")


def test_the_milp_recomputes_less_than_greedy_on_a_residual_net():
    program = specialized("residual", 16)
    budget = none_peak(program) // 4
    greedy = rematerialize(program, budget).remat_stats
    optimal = rematerialize(program, budget, remat_planner="optimal", time_limit=SECONDS).remat_stats
    assert optimal.planner == "optimal" and 0.0 <= optimal.gap <= 1.0
    assert optimal.recompute_flops < greedy.recompute_flops
    assert optimal.planned_peak_bytes <= budget


@pytest.mark.parametrize("net", ["mlp", "residual"])
def test_planned_peak_is_the_measured_one(net):
    x, outputs = NETS[net](DEPTH)
    program = specialize([x], outputs, [], [(64, 32)])
    f = gc.function([x], outputs, remat=tight_budget(program), remat_planner="optimal", remat_time_limit=SECONDS)
    f(feed())
    plan, measured, stats = f.memory_plan(), f.executable.peak_bytes, f.executable.program.remat_stats
    assert stats.planned_peak_bytes == plan.peak_bytes
    assert measured <= plan.lower_bound_bytes <= measured + 64 * 16, (plan.lower_bound_bytes, measured)
    assert plan.lower_bound_bytes <= plan.peak_bytes <= 1.10 * measured


backends = ["numpy"] + (["llvm"] if "llvm" in available_backends() else [])


@pytest.mark.parametrize("backend", backends)
@pytest.mark.parametrize("net", ["mlp", "residual", "chain"])
def test_gradients_are_bitwise_those_without_remat(net, backend):
    x, outputs = NETS[net](DEPTH)
    expected = gc.function([x], outputs, backend=backend)(feed())
    sqrt = gc.function([x], outputs, backend=backend, remat="sqrt")
    sqrt(feed())
    budget = int(1.15 * sqrt.memory_plan().peak_bytes)
    for remat, planner in ((budget, "optimal"), ("optimal", "greedy")):
        f = gc.function([x], outputs, backend=backend, remat=remat, remat_planner=planner, remat_time_limit=SECONDS)
        got = f(feed())
        assert f.executable.program.remat_stats is not None
        for a, b in zip(expected, got):
            np.testing.assert_array_equal(a, b, err_msg=f"remat={remat!r} on {backend}")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate])  # no shrinking: each example solves MILPs
@given(deep_networks())
def test_never_recomputes_more_than_greedy_at_the_same_budget(layers):
    x, outputs = build(layers)
    program = specialize([x], outputs, [], [(8, 6)])
    budget = (none_peak(program) + none_peak(rematerialize(program, "sqrt"))) // 2
    try:
        greedy = rematerialize(program, budget).remat_stats
        greedy_flops = greedy.recompute_flops if greedy is not None else 0  # None: it fits unchanged
    except MemoryBudgetError:
        greedy = greedy_flops = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RematPlannerWarning)
        try:
            planned = rematerialize(program, budget, remat_planner="optimal", time_limit=SECONDS)
        except MemoryBudgetError:
            assert greedy_flops is None, "the greedy planner met this budget"
            return
    assert_valid_schedule(planned)
    if planned.remat_stats is None:  # nothing to rematerialise
        return
    assert planned.remat_stats.planned_peak_bytes == none_peak(planned) <= budget
    if greedy_flops is not None:
        assert planned.remat_stats.recompute_flops <= greedy_flops


def test_optimal_without_a_budget_is_never_above_sqrt_and_recomputes_at_most_a_forward_pass():
    program = specialized("residual", 16)
    sqrt = rematerialize(program, "sqrt").remat_stats
    optimal = rematerialize(program, "optimal", time_limit=SECONDS).remat_stats
    assert optimal.planned_peak_bytes <= sqrt.planned_peak_bytes
    assert optimal.recompute_flops <= optimal.total_flops / 2  # at most a forward pass: under half the step


def test_every_planner_names_itself_and_only_the_milp_reports_a_gap():
    program = specialized("mlp", DEPTH)
    budget = tight_budget(program)
    sqrt = rematerialize(program, "sqrt").remat_stats
    greedy = rematerialize(program, budget).remat_stats
    assert (sqrt.planner, sqrt.gap) == ("sqrt", None)
    assert (greedy.planner, greedy.gap) == ("greedy", None)
    optimal = rematerialize(program, "optimal", time_limit=SECONDS).remat_stats
    assert optimal.planner in ("optimal", "sqrt")
    assert (optimal.gap is None) == (optimal.planner != "optimal")


def test_a_solver_that_finds_nothing_in_time_falls_back_to_greedy_and_says_so():
    program = specialized("mlp", DEPTH)
    budget = tight_budget(program)
    with pytest.warns(RematPlannerWarning, match="greedy"):
        planned = rematerialize(program, budget, remat_planner="optimal", time_limit=1e-9)
    assert planned.remat_stats.planner == "greedy"
    assert planned.remat_stats.recompute_flops <= rematerialize(program, budget).remat_stats.recompute_flops


def test_unknown_planner_and_bad_time_limit_are_graphc_errors():
    x, outputs = NETS["mlp"](4)
    with pytest.raises(GraphcError, match="remat_planner must be one of 'greedy', 'optimal'"):
        gc.function([x], outputs, remat=2**20, remat_planner="checkmate")
    with pytest.raises(GraphcError, match="remat_planner"):
        gc.Session(remat_planner="best")
    with pytest.raises(GraphcError, match="remat_time_limit"):
        gc.function([x], outputs, remat="optimal", remat_time_limit=0)


def test_an_infeasible_budget_is_a_memory_budget_error():
    x, outputs = NETS["mlp"](DEPTH)
    f = gc.function([x], outputs, remat=1024, remat_planner="optimal")
    with pytest.raises(MemoryBudgetError, match="cannot be met"):
        f(feed())


def test_the_session_takes_the_planner_too():
    x, outputs = NETS["residual"](DEPTH)
    sqrt = gc.function([x], outputs, remat="sqrt")
    sqrt(feed())
    budget = int(1.15 * sqrt.memory_plan().peak_bytes)
    with gc.Session(remat=budget, remat_planner="optimal", remat_time_limit=SECONDS) as sess:
        got = sess.run(outputs, {x: feed()})
    expected = gc.function([x], outputs)(feed())
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)
