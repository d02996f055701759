"""The liveness arena planner: no two live buffers overlap, peaks near the live-bytes bound, reuse on chains."""

import concurrent.futures
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.errors import GraphcError
from graphc.passes import Step, plan_memory, plan_program_memory
from graphc.passes.memory_plan import MadeOnFirstRead, plan_lifetimes
from graphc.program import specialize
from graphc.runtime.reference import ReferenceExecutable


def assert_no_live_overlap(plan):
    placed = [b for b in plan.buffers.values() if b.offset is not None and b.aligned_size > 0]
    for i, a in enumerate(placed):
        assert a.offset % plan.alignment == 0
        assert a.offset + a.aligned_size <= plan.arena_bytes
        for b in placed[i + 1:]:
            lives_overlap = not (a.last < b.first or b.last < a.first)
            in_place = a.shares_with == b.key or b.shares_with == a.key
            if lives_overlap and not in_place:
                assert a.offset + a.aligned_size <= b.offset or b.offset + b.aligned_size <= a.offset, (a, b)


def chain_steps(n):
    steps = [Step(writes=[f"b{i}"], reads=[f"b{i - 1}" if i else "x"]) for i in range(n)]
    return steps, {f"b{i}": 256 for i in range(n)} | {"x": 256}


def test_chain_reuses_memory_and_reaches_the_bound():
    steps, sizes = chain_steps(10)
    plan = plan_memory(steps, sizes, external={"x"}, keep={"b9"})
    assert plan.peak_bytes == 512 == plan.lower_bound_bytes
    assert plan.offset("b0") == plan.offset("b2")
    assert plan.lifetime("b3") == (3, 4)
    assert plan.lifetime("b9") == (9, 9)
    assert plan.buffers["x"].offset is None and plan.buffers["x"].kind == "external"
    assert_no_live_overlap(plan)


def test_in_place_chain_needs_one_buffer():
    steps, sizes = chain_steps(10)
    steps = [Step(s.writes, s.reads, in_place=True) for s in steps]
    plan = plan_memory(steps, sizes, external={"x"}, keep={"b9"}, in_place=True)
    assert plan.peak_bytes == 256
    assert plan.buffers["b5"].shares_with == "b4"
    assert_no_live_overlap(plan)


def test_in_place_never_overwrites_a_buffer_read_later():
    steps = [Step(["a"], ["x"]), Step(["b"], ["a"], in_place=True), Step(["c"], ["a", "b"])]
    plan = plan_memory(steps, {"a": 64, "b": 64, "c": 64}, external={"x"}, keep={"c"}, in_place=True)
    assert plan.offset("a") != plan.offset("b")
    assert_no_live_overlap(plan)


def test_kept_buffers_live_to_the_end():
    steps = [Step(["a"], ["x"]), Step(["b"], ["x"]), Step(["c"], ["b"])]
    plan = plan_memory(steps, {"a": 64, "b": 64, "c": 64}, external={"x"}, keep={"a", "c"})
    assert plan.lifetime("a") == (0, 2)
    assert_no_live_overlap(plan)


def test_sizes_are_aligned():
    steps = [Step(["a"], ["x"]), Step(["b"], ["a"])]
    plan = plan_memory(steps, {"a": 10, "b": 3}, external={"x"}, keep={"b"})
    assert plan.offset("b") % 64 == 0 and plan.peak_bytes == 128


def test_reading_an_unwritten_buffer_is_an_error():
    with pytest.raises(GraphcError, match="before any step writes it"):
        plan_memory([Step(["a"], ["nowhere"])], {"a": 4})


def test_summary_and_dict_describe_every_buffer():
    steps, sizes = chain_steps(3)
    plan = plan_memory(steps, sizes, external={"x"}, keep={"b2"})
    d = plan.as_dict()
    assert d["peak_bytes"] == plan.peak_bytes and len(d["buffers"]) == 4
    text = plan.summary()
    assert "arena" in text and "b2" in text


def test_offsets_are_those_of_the_buffers_placed():
    steps, sizes = chain_steps(6)
    plan = plan_memory(steps, sizes, external={"x"}, keep={"b5"})
    offsets = plan.offsets()  # read before the plan's BufferPlans are
    assert offsets == {key: b.offset for key, b in plan.buffers.items() if b.kind != "external"} == plan.offsets()
    assert "x" not in offsets


@st.composite
def random_programs(draw):
    n = draw(st.integers(1, 40))
    steps, sizes = [], {"x": 64}
    for i in range(n):
        reads = draw(st.lists(st.sampled_from(["x"] + [f"b{j}" for j in range(i)]), min_size=1, max_size=3))
        steps.append(Step([f"b{i}"], reads, in_place=draw(st.booleans())))
        sizes[f"b{i}"] = draw(st.sampled_from([0, 4, 64, 100, 256, 1000]))
    keep = draw(st.sets(st.sampled_from([f"b{i}" for i in range(n)]), max_size=3))
    return steps, sizes, keep


def test_buffers_made_on_first_read_are_made_once_when_threads_read_at_once():
    """A plan's BufferPlans are made when first read (MadeOnFirstRead); threads running one program read its
    plan at once, and each must see the one mapping, made once."""
    calls = []

    def make():
        calls.append(1)
        time.sleep(0.2)  # every other reader arrives while the first is still making it
        return {"a": 1}

    made = MadeOnFirstRead(make)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: made["a"], range(4)))
    assert seen == [1, 1, 1, 1] and len(calls) == 1


@settings(max_examples=150, deadline=None)
@given(random_programs(), st.booleans())
def test_no_two_live_buffers_overlap(case, in_place):
    steps, sizes, keep = case
    plan = plan_memory(steps, sizes, external={"x"}, keep=keep, in_place=in_place)
    assert_no_live_overlap(plan)
    if not in_place:
        assert plan.peak_bytes >= plan.lower_bound_bytes
    # the bound really is the bytes live at the busiest step (an in-place output shares its first step's bytes)
    live = [sum(b.aligned_size for b in plan.buffers.values()
                if b.offset is not None and b.first <= t <= b.last and not (b.shares_with and t == b.first))
            for t in range(len(steps))]
    assert plan.lower_bound_bytes == max(live)


@settings(max_examples=100, deadline=None)
@given(random_programs())
def test_a_plan_from_lifetimes_is_the_plan_of_their_steps(case):
    """plan_lifetimes (what graphc.pipeline.place_buffers plans its arena by) places the buffers as
    plan_memory does the steps that write and read them (none external, kept or in place)."""
    steps, sizes, _ = case
    steps = [Step(s.writes, [key for key in s.reads if key != "x"], name=f"k{t}") for t, s in enumerate(steps)]
    keys = [s.writes[0] for s in steps]
    last = {key: t for t, s in enumerate(steps) for key in [*s.writes, *s.reads]}
    names = {key: f"buffer {key}" for key in keys}
    plan = plan_lifetimes(keys, list(range(len(steps))), [last[key] for key in keys], [sizes[key] for key in keys],
                          [s.name for s in steps], names=names)
    assert plan.offsets() == plan_memory(steps, sizes, names=names).offsets()
    assert plan.as_dict() == plan_memory(steps, sizes, names=names).as_dict()
    assert plan.step_names == [s.name for s in steps]


def _chain_program(n=6, width=32):
    x = gc.placeholder((None, width), gc.float32)
    y = x
    for i in range(n):
        y = gc.exp(y) if i % 2 else gc.sin(y)
    return x, y


def test_reference_executable_plan_matches_its_measured_peak_on_a_chain():
    x, y = _chain_program()
    f = gc.function([x], y)
    f(np.ones((4, 32), np.float32))
    plan = f.memory_plan()
    assert plan.peak_bytes == f.executable.peak_bytes == 2 * 4 * 32 * 4


def test_program_plan_places_every_intermediate_and_not_the_sources():
    x = gc.placeholder((3, 16), gc.float64)
    w = gc.variable(np.ones((16, 16)))
    loss = gc.sum(gc.tanh(x @ w) * 2.0)
    g = gc.grad(loss, w)
    program = specialize([x], [loss, g], [], [(3, 16)])
    plan = plan_program_memory(program)
    for node in program.nodes():
        buffer = plan.buffers[node.id]
        assert (buffer.offset is None) == (node.op.kind == "source")
    assert plan.buffers[g.id].kind == "kept" and plan.lifetime(g)[1] == plan.n_steps - 1
    assert plan.buffer(g) is plan.buffers[g.id]
    assert_no_live_overlap(plan)
    run = ReferenceExecutable(program)
    run([np.ones((3, 16))], [w.value])
    assert plan.lower_bound_bytes >= run.peak_bytes  # aligned sizes: never below what numpy held
    assert_no_live_overlap(plan_program_memory(program, in_place=True))


def test_in_place_only_over_the_reads_a_step_allows():
    steps = [Step(["a"], ["x"]), Step(["o"], ["a"], in_place=[])]
    plan = plan_memory(steps, {"a": 64, "o": 64}, external={"x"}, keep={"o"}, in_place=True)
    assert plan.buffers["o"].shares_with is None
    steps = [Step(["a"], ["x"]), Step(["o"], ["a"], in_place=["a"])]
    plan = plan_memory(steps, {"a": 64, "o": 64}, external={"x"}, keep={"o"}, in_place=True)
    assert plan.buffers["o"].shares_with == "a" and plan.peak_bytes == 64


def test_in_place_needs_the_exact_size_not_just_the_aligned_one():
    steps = [Step(["a"], ["x"]), Step(["o"], ["a"], in_place=True)]
    plan = plan_memory(steps, {"a": 16, "o": 32}, external={"x"}, keep={"o"}, in_place=True)
    assert plan.buffers["o"].shares_with is None


def test_program_plan_in_place_chain_uses_one_buffer():
    x, y = _chain_program()
    program = specialize([x], [y], [], [(4, 32)])
    assert plan_program_memory(program, in_place=True).peak_bytes == 4 * 32 * 4
    assert plan_program_memory(program).peak_bytes == 2 * 4 * 32 * 4
