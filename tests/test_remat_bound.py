"""The kernels' judge of "sqrt" skips candidates by a lower bound of their arena, and chooses as before.

graphc.passes.remat_bound.arena_lower_bound must never exceed the arena the compiled
targets plan for a candidate (else a candidate that would win could be skipped); the
judge with it must choose exactly the candidate it chooses planning every one; and on a
deep chain, where the candidates' peaks are far apart, it must skip some.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_remat import specialized
from test_remat_random_graphs import BATCH, WIDTH, build, deep_networks

import graphc as gc
import graphc.passes.remat as remat
from graphc.passes import plan_program_memory, run_passes
from graphc.passes.memory_plan import program_live_peak
from graphc.passes.remat_bound import arena_lower_bound
from graphc.pipeline import LLVM, Built, plan_stages
from graphc.program import specialize


def kernel_arena(program):
    """The plan the kernels' judge reads (graphc.pipeline's planner for a kernel target)."""
    return plan_stages(Built(LLVM, program), program, params_only=True).plan.memory


def random_program(layers):
    x, outputs = build(layers)
    return run_passes(specialize([x], outputs, [], [(BATCH, WIDTH)]))


def candidates_of(program):
    """"sqrt"'s candidates, as rematerialize judges them: of the program re-read with copies of its cheap values
    (graphc.passes.remat_cheap_reads), where it has such reads."""
    program, _ = remat.recompute_cheap_reads(program)
    a = remat.analyse(program)
    return list(remat.sqrt_candidates(program, a, "sqrt")) if a.stashed else []


def chosen(program, bound, plan=kernel_arena, bounds_first=False):
    """(the chosen program's stats, its peak by `plan`, how many programs `plan` planned) of the judge by `plan`."""
    planned = []

    def planner(candidate):
        planned.append(candidate)
        return plan(candidate)

    result = remat.rematerialize(program, "sqrt", planner, peak_lower_bound=bound, bounds_first=bounds_first)
    s = result.remat_stats
    key = None if s is None else (s.segments, s.checkpoints, s.recompute_flops, s.planned_peak_bytes)
    return key, plan(result).peak_bytes, len(planned)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
def test_the_bound_never_exceeds_a_candidates_planned_arena(layers):
    program = random_program(layers)
    for candidate, _ in candidates_of(program):
        assert arena_lower_bound(candidate) <= kernel_arena(candidate).peak_bytes
    reread, _ = remat.recompute_cheap_reads(program)  # no copies, no tags: the matmuls' reads are bounded
    for unchanged in (program, reread):
        assert arena_lower_bound(unchanged) <= kernel_arena(unchanged).peak_bytes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
def test_the_bounds_upper_estimate_is_never_below_it(layers):
    """The judge does not ask the bound where its upper estimate (the node live peak) already says it is too low
    to rule a candidate out: the estimate must be at least the bound."""
    program = random_program(layers)
    reread, _ = remat.recompute_cheap_reads(program)
    for judged in [program, reread, *(c for c, _ in candidates_of(program))]:
        assert arena_lower_bound(judged) <= arena_lower_bound.at_most(judged)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
def test_skipping_by_the_bound_chooses_what_planning_every_candidate_chooses(layers):
    program = random_program(layers)
    exhaustive, bounded = chosen(program, None), chosen(program, arena_lower_bound)
    assert bounded[:2] == exhaustive[:2]
    assert bounded[2] <= exhaustive[2]


def stack(n_ops: int):
    """A deep stack of matmul, bias, tanh, scale and sin+identity steps (benchmarks/bench_compile.py's
    chain, which graphc inspect --grad is timed on) and its loss's gradients."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((None, 32), gc.float32, name="x")
    h, params = x, []
    for k in range(n_ops):
        if k % 5 == 0:
            params.append(gc.variable(rng.normal(size=(32, 32)).astype(np.float32) * 0.1))
            h = h @ params[-1]
        elif k % 5 == 1:
            params.append(gc.variable(np.zeros(32, np.float32)))
            h = h + params[-1]
        else:
            h = gc.tanh(h) if k % 5 == 2 else h * 0.9 if k % 5 == 3 else gc.sin(h) + h
    loss = gc.mean(h * h)
    return run_passes(specialize([x], [loss, *gc.grad(loss, params)], [], [(64, 32)]))


# shorter stacks: their copies of cheap values (remat_cheap_reads) leave the bound too loose to skip
@pytest.mark.parametrize("n_ops", [1500])
def test_on_a_deep_stack_the_bound_is_tight_enough_to_skip_candidates(n_ops):
    program = stack(n_ops)
    candidates = candidates_of(program)
    assert len(candidates) == remat.SQRT_CANDIDATES
    peaks = [kernel_arena(c).peak_bytes for c, _ in candidates]
    bounds = [arena_lower_bound(c) for c, _ in candidates]
    assert all(b <= p for b, p in zip(bounds, peaks))
    exhaustive, bounded = chosen(program, None), chosen(program, arena_lower_bound)
    assert bounded[:2] == exhaustive[:2]
    # each candidate, and the program unchanged (and with copies of its cheap values, when it has them)
    assert exhaustive[2] >= remat.SQRT_CANDIDATES + 1
    assert bounded[2] < exhaustive[2]  # some candidate was not fused, lowered and planned


@pytest.mark.parametrize("n_ops", [200])
def test_the_program_the_candidates_are_built_from_is_not_planned_when_its_bound_loses(n_ops):
    """The weight gradients' matmuls read the whole stash of the program without copies: its bound is
    above the chosen candidate's arena, and "sqrt" chooses that candidate without planning the program."""
    program = stack(n_ops)
    reread, _ = remat.recompute_cheap_reads(program)
    planned = []

    def planner(candidate):
        planned.append(candidate)
        return kernel_arena(candidate)

    result = remat.rematerialize(program, "sqrt", planner, peak_lower_bound=arena_lower_bound)
    assert result.remat_stats is not None
    chosen = result.remat_stats.planned_peak_bytes
    assert kernel_arena(reread).peak_bytes >= arena_lower_bound(reread) > chosen
    assert not any(p is reread for p in planned)
    assert chosen < kernel_arena(program).peak_bytes  # the program unchanged is planned: it is compared last


def test_each_target_passes_the_bound_of_its_own_planner(monkeypatch):
    import graphc.pipeline as pipeline
    from graphc.pipeline import REFERENCE, Options

    seen = []
    real = remat.rematerialize

    def spying(*args, **kwargs):
        seen.append(kwargs.get("peak_lower_bound"))
        return real(*args, **kwargs)

    monkeypatch.setattr(remat, "rematerialize", spying)
    program = specialized("mlp", 8)
    pipeline.run(program, Options(remat="sqrt"), LLVM, stop_after="remat")
    pipeline.run(program, Options(remat="sqrt"), REFERENCE, stop_after="remat")
    assert seen == [arena_lower_bound, program_live_peak]


# ---- the node-by-node judge: the live peak of its plan -------------------------------------------


def node_choice(program, bound, bounds_first=False):
    """`chosen` by the node-by-node judge."""
    return chosen(program, bound, plan_program_memory, bounds_first)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
def test_the_live_peak_is_the_node_plans_lower_bound_and_the_choice_is_unchanged(layers):
    program = random_program(layers)
    for candidate in [program, *(c for c, _ in candidates_of(program))]:
        plan = plan_program_memory(candidate)
        assert program_live_peak(candidate) == plan.lower_bound_bytes <= plan.peak_bytes
    exhaustive, bounded = node_choice(program, None), node_choice(program, program_live_peak)
    assert bounded[:2] == exhaustive[:2]
    assert bounded[2] <= exhaustive[2]
    lowest_first = node_choice(program, program_live_peak, bounds_first=True)
    assert lowest_first[:2] == exhaustive[:2]
    assert lowest_first[2] <= exhaustive[2]


def test_a_candidate_bounded_at_or_above_the_programs_plan_is_not_planned():
    """On a random DAG the program re-read with copies of its cheap values plans less than every
    candidate: planned after the first, it rules out the others by their live peaks alone."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_compile

    inputs, loss, params = bench_compile.random_graph(2000, np.random.default_rng(0))
    program = run_passes(specialize(inputs, [loss, *gc.grad(loss, [inputs[0], *params])], [], [(64, 16)]))
    reread, _ = remat.recompute_cheap_reads(program)
    unchanged = plan_program_memory(reread).peak_bytes
    planned = []

    def planner(candidate):
        planned.append(candidate)
        return plan_program_memory(candidate)

    remat.rematerialize(program, "sqrt", planner, peak_lower_bound=program_live_peak)
    later = [c for c in planned[1:] if c.schedule is not None]  # the candidates planned after the first
    assert all(program_live_peak(c) < unchanged for c in later)
    assert node_choice(program, program_live_peak)[:2] == node_choice(program, None)[:2]


def test_on_a_deep_stack_the_node_judge_skips_candidates_by_their_live_peak():
    program = stack(1000)
    exhaustive, bounded = node_choice(program, None), node_choice(program, program_live_peak)
    assert bounded[:2] == exhaustive[:2]
    assert exhaustive[2] >= remat.SQRT_CANDIDATES + 1
    assert bounded[2] < exhaustive[2]


def test_bounds_first_plans_the_program_before_any_candidate_when_it_bounds_lowest():
    """On a random DAG the program re-read with copies of its cheap values bounds (and plans) below every
    candidate: asked every bound first, the node judge plans it alone and chooses as planning them all."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_compile

    inputs, loss, params = bench_compile.random_graph(2000, np.random.default_rng(0))
    program = run_passes(specialize(inputs, [loss, *gc.grad(loss, [inputs[0], *params])], [], [(64, 16)]))
    planned = []

    def planner(candidate):
        planned.append(candidate)
        return plan_program_memory(candidate)

    result = remat.rematerialize(program, "sqrt", planner, peak_lower_bound=program_live_peak, bounds_first=True)
    assert not any(p.schedule is not None for p in planned)  # no candidate (each has a schedule) was planned
    assert result is program
    assert node_choice(program, None)[0] is None  # planning every candidate chooses the program too


def test_the_kernel_judge_asks_no_bound_that_its_upper_estimate_puts_below_the_best_plan():
    """On a random DAG the candidates' arenas lie within a few per cent of each other and their bounds far
    below: each candidate's live peak is below the best arena planned before it, so no bound is asked."""
    import functools

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_compile

    inputs, loss, params = bench_compile.random_graph(2000, np.random.default_rng(0))
    program = run_passes(specialize(inputs, [loss, *gc.grad(loss, [inputs[0], *params])], [], [(64, 16)]))
    asked = []

    @functools.wraps(arena_lower_bound)  # its upper estimate too
    def counting(candidate):
        asked.append(candidate)
        return arena_lower_bound(candidate)

    bounded, exhaustive = chosen(program, counting), chosen(program, None)
    assert bounded[:2] == exhaustive[:2]
    assert not any(c.schedule is not None for c in asked)  # no candidate's bound
