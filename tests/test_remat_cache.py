"""RematCache: a second judge of one program's remat candidates builds none of them again, and
chooses as it would alone (graphc inspect judges "sqrt" node by node, then by the kernels)."""

import pytest
from test_remat import specialized

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
