"""`f.memory_plan()` accounts for loops (issue 19): a control node is planned as its results plus what it holds
while it runs (its body's buffers, a carry, its steps before they are stacked), its results' picks are views of
it, and a while loop's recorded steps count max_iterations x carry or are named as sized at run time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_control_flow_remat import peak_of_call as measured_peak

import graphc as gc
from graphc.control.loop_memory import most_checkpoints
from graphc.passes.memory_plan import plan_program_memory
from graphc.program import Program

BACKENDS = [b for b in ("numpy", "llvm") if b in gc.available_backends()]


def outer_product_scan(steps: int, width: int):
    """A scan whose body builds a width x width intermediate and keeps only a width-vector carry."""
    xs = gc.placeholder((steps, width), gc.float64, name="xs")
    final, _ = gc.scan(lambda c, x: (gc.tanh(gc.sum(gc.expand_dims(c, 1) * gc.expand_dims(x, 0), axis=1)), None),
                       gc.constant(np.full(width, 0.1)), xs)
    return xs, gc.sum(final)


def test_a_scan_is_planned_with_its_body_buffers_not_its_results_only():
    steps, width = 8, 256
    xs, loss = outer_product_scan(steps, width)
    f = gc.function([xs], [loss])
    data = np.random.default_rng(0).normal(size=(steps, width))
    plan = f.memory_plan()
    body_matrix = width * width * 8
    assert plan.peak_bytes >= body_matrix  # the body's intermediate, alive while the scan runs
    assert 0.5 < plan.peak_bytes / measured_peak(f, data) < 2.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scan_training_step_plans_its_recorded_carries_and_its_body(backend):
    steps, width = 64, 512
    xs = gc.placeholder((steps, width), gc.float64, name="xs")
    w = gc.variable(np.linspace(0.5, 1.0, width), name="w")
    final, ys = gc.scan(lambda c, x: (gc.tanh(c * w + x), gc.sum(c * c)), gc.constant(np.zeros(width)), xs)
    loss = gc.sum(final) + gc.sum(ys)
    f = gc.function([xs], [loss, gc.grad(loss, w)], backend=backend)
    data = np.random.default_rng(0).normal(size=(steps, width))
    carry = width * 8
    planned = f.memory_plan().peak_bytes
    assert planned >= steps * carry  # the T carries the backward sweep reads
    measured = measured_peak(f, data)
    assert 0.5 < planned / measured < 2.0, (planned, measured)


def test_the_results_of_a_control_node_are_views_of_its_buffer():
    steps, width = 16, 1024
    carried, ys = gc.scan(lambda c, x: (c * 0.5 + x, c * 2.0), gc.constant(np.zeros(width)),
                          gc.placeholder((steps, width), gc.float64))
    program = Program([], [], [carried, ys], [], [])
    plan = plan_program_memory(program)
    scan_node = ys.inputs[0]
    assert plan.buffer(ys) is plan.buffer(carried) is plan.buffer(scan_node)
    results = (steps + 1) * width * 8
    assert plan.buffer(scan_node).size == results
    # the results once, each step's y until they are stacked, and a few carries while it runs
    assert plan.peak_bytes <= results + steps * width * 8 + 4 * width * 8


def while_gradient(max_iterations):
    x = gc.placeholder((128,), gc.float64, name="x")
    y = gc.while_loop(lambda v: gc.sum(v * v) < 1e4, lambda v: v * 1.5, x, max_iterations=max_iterations)
    return x, gc.grad(gc.sum(y * y), x)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_while_loops_recorded_steps_count_max_iterations_carries(backend):
    x, g = while_gradient(max_iterations=300)
    f = gc.function([x], [g], backend=backend)
    f(np.full(128, 0.01))
    plan = f.memory_plan()
    assert plan.peak_bytes >= 300 * 128 * 8 and plan.unplanned == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unbounded_while_loops_recorded_steps_are_named_as_sized_at_run_time(backend):
    x, g = while_gradient(max_iterations=None)
    f = gc.function([x], [g], backend=backend)
    f(np.full(128, 0.01))
    plan = f.memory_plan()
    assert plan.peak_bytes < 300 * 128 * 8
    assert any("while_loop" in u and "run time" in u for u in plan.unplanned), plan.unplanned
    assert "not planned" in plan.summary()


def test_under_remat_a_bounded_while_loop_plans_about_sqrt_t_checkpoints():
    x, g = while_gradient(max_iterations=10_000)
    plans = {r: gc.function([x], [g], remat=r).memory_plan().peak_bytes for r in ("none", "sqrt")}
    carry = 128 * 8
    assert plans["none"] >= 10_000 * carry
    assert plans["sqrt"] <= 2 * (most_checkpoints(10_000) + 8) * carry


def test_most_checkpoints_bounds_what_the_doubling_keeps():
    from graphc.control.results import results_of
    from graphc.control.while_checkpoint import while_checkpoints_op
    from graphc.ops.registry import make_node

    limit = gc.placeholder((), gc.float64)
    i = gc.while_loop(lambda i: i < limit, lambda i: i + 1.0, gc.constant(0.0))
    kept = results_of(make_node(while_checkpoints_op, i.inputs[0].inputs, dict(i.inputs[0].attrs)))
    f = gc.function([limit], [kept[2]])
    for steps in [0, 1, 2, 3, 4, 5, 17, 18, 19, 31, 32, 33, 127, 128, 129, 500, 2047, 2048, 2049]:
        (lengths,) = f(float(steps))
        assert len(lengths) <= most_checkpoints(steps) <= 2 * math.sqrt(2 * steps) + 1


def test_inspect_plans_loops_under_remat_and_names_what_it_cannot_size(tmp_path):
    from test_cli import graphc as run_cli

    x = gc.placeholder((64,), gc.float64, name="x")
    bounded = gc.while_loop(lambda v: gc.sum(v * v) < 1e4, lambda v: v * 1.5, x, max_iterations=1000)
    unbounded = gc.while_loop(lambda v: gc.sum(v * v) < 1e4, lambda v: v * 1.5, x)
    gc.save(tmp_path / "bounded.json", {"y": gc.sum(bounded * bounded)})
    gc.save(tmp_path / "unbounded.json", {"y": gc.sum(unbounded * unbounded)})
    import json

    facts = json.loads(run_cli("inspect", tmp_path / "bounded.json", "--grad", "--remat", "sqrt", "--json").stdout)
    memory = facts["memory"]
    assert memory["peak_bytes"] >= 1000 * 64 * 8 > 4 * memory["remat"]["peak_bytes"]
    text = run_cli("inspect", tmp_path / "unbounded.json", "--grad").stdout
    assert "not planned: while_loop" in text and "run time" in text
