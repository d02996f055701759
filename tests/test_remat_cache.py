"""RematCache: a second judge of one program's remat candidates builds none of them again, and
chooses as it would alone (graphc inspect judges "sqrt" node by node, then by the kernels)."""

import pytest
from hypothesis import HealthCheck, given, settings
from test_remat import specialized
from test_remat_bound import random_program
from test_remat_random_graphs import deep_networks

import graphc.passes.remat as remat
from graphc.passes import plan_program_memory, run_passes
from graphc.pipeline import LLVM, Built, plan_stages


def simplified(net: str):
    """A net's program as the compiled backends see it (fusion wants it simplified)."""
    return run_passes(specialized(net, 24))


def kernel_arena(program):
    """The compiled kernels' plan: the other judge inspect asks."""
    return plan_stages(Built(LLVM, program), program).plan.memory


def stats_of(program) -> tuple:
    s = program.remat_stats
    return (s.segments, s.checkpoints, s.recomputed_nodes, s.recompute_flops, s.planned_peak_bytes,
            s.recomputed_ops)


@pytest.mark.parametrize("net", ["mlp", "residual"])
def test_both_judges_choose_with_a_cache_what_each_chooses_alone(net):
    program = simplified(net)
    alone = [remat.rematerialize(program, "sqrt", planner) for planner in (plan_program_memory, kernel_arena)]
    cache = remat.RematCache()
    shared = [remat.rematerialize(program, "sqrt", planner, cache=cache) for planner in (plan_program_memory,
                                                                                        kernel_arena)]
    assert [stats_of(p) for p in shared] == [stats_of(p) for p in alone]
    assert [plan_program_memory(p).peak_bytes for p in shared] == [plan_program_memory(p).peak_bytes for p in alone]
    assert [kernel_arena(p).peak_bytes for p in shared] == [kernel_arena(p).peak_bytes for p in alone]


def test_a_second_judge_rebuilds_no_candidate(monkeypatch):
    program = simplified("mlp")
    built = []

    def counting_rewrite(*args):
        built.append(args)
        return rewrite(*args)

    rewrite = remat.rewrite
    monkeypatch.setattr(remat, "rewrite", counting_rewrite)
    cache = remat.RematCache()
    remat.rematerialize(program, "sqrt", plan_program_memory, cache=cache)
    first = len(built)
    remat.rematerialize(program, "sqrt", kernel_arena, cache=cache)
    assert 0 < first <= remat.SQRT_CANDIDATES and len(built) == first
    remat.rematerialize(program, "sqrt", kernel_arena)  # no cache: built again
    assert len(built) == 2 * first


def test_each_judge_gets_its_own_program_and_stats():
    program = simplified("mlp")
    cache = remat.RematCache()
    by_nodes = remat.rematerialize(program, "sqrt", plan_program_memory, cache=cache)
    by_kernels = remat.rematerialize(program, "sqrt", kernel_arena, cache=cache)
    assert by_nodes is not by_kernels and by_nodes.remat_stats is not by_kernels.remat_stats
    assert by_nodes.remat_stats.planned_peak_bytes == plan_program_memory(by_nodes).peak_bytes
    assert by_kernels.remat_stats.planned_peak_bytes == kernel_arena(by_kernels).peak_bytes


def random_dag():
    """benchmarks/bench_compile's random graph (what `graphc inspect` is timed on at 100k nodes), 2000 nodes."""
    import sys
    from pathlib import Path

    import numpy as np

    import graphc as gc
    from graphc.program import specialize

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_compile

    inputs, loss, params = bench_compile.random_graph(2000, np.random.default_rng(0))
    return run_passes(specialize(inputs, [loss, *gc.grad(loss, [inputs[0], *params])], [], [(64, 16)]))


def assert_each_schedule_is_its_own(program):
    from graphc.passes.remat_schedule import schedule_backward

    program, _ = remat.recompute_cheap_reads(program)
    a = remat.analyse(program)
    for seg in remat.lowest_segmentations(a) if a.stashed else ():
        rebuilt, _, new = remat.rebuild_with_copies(program, a, remat.checkpoints(a, seg.segment), seg.segment)
        fresh = schedule_backward(rebuilt, {new[i].id for i in a.backward})
        assert len(rebuilt.schedule) == len(fresh) and all(x is y for x, y in zip(rebuilt.schedule, fresh))
        assert a.backward_runs is not None  # found once, on the first


@pytest.mark.parametrize("make", [lambda: simplified("mlp"), lambda: simplified("residual"), random_dag])
def test_each_candidate_runs_its_backward_side_as_its_own_schedule_would(make):
    """The order of the backward nodes is found on the first candidate of an analysis and reused by
    the others (remat_rewrite.rebuild_with_copies): each schedule is the one made from scratch."""
    assert_each_schedule_is_its_own(make())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
def test_on_random_networks_each_candidates_schedule_is_its_own(layers):
    assert_each_schedule_is_its_own(random_program(layers))
