"""Weight-shared graphs: partial adjoints are summed as they are made, and no remat plan beats "none" by losing.

An RNN unrolled T steps reads its two weights at every step, so the gradient of each is a
sum of T partial adjoints (one weight-sized matmul per step).  Summed as they are made, the
peak is the weights plus the activations; kept until one sum at the end, it grows by a
weight per step (issue 22: 34 MiB at T=1024 on llvm, against numpy's 2.1 MiB).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc import pipeline
from graphc.errors import MemoryBudgetError
from graphc.passes.memory_plan import plan_program_memory
from graphc.program import specialize

HIDDEN, BATCH = 64, 2
MiB = 2**20
TARGETS = {"numpy": pipeline.REFERENCE, "llvm": pipeline.LLVM, "cuda": pipeline.CUDA}


def unrolled_rnn(steps: int):
    """(x, [loss, dL/dW, dL/dU]) of h_t = tanh(h_{t-1} @ W + x_t @ U) from h_0 = 0, loss = sum(h_T^2)."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((steps, BATCH, HIDDEN), gc.float64, name="x")
    w = gc.variable(rng.normal(size=(HIDDEN, HIDDEN)) * 0.1, name="W")
    u = gc.variable(rng.normal(size=(HIDDEN, HIDDEN)) * 0.1, name="U")
    h = gc.zeros_like(x[0])
    for t in range(steps):
        h = gc.tanh(h @ w + x[t] @ u)
    loss = gc.sum(h * h)
    return x, [loss, *gc.grad(loss, [w, u])]


def planned_peak(program, target_name: str, remat) -> int:
    """The peak the target's own pipeline plans (no code is rendered: the CUDA plan needs no device)."""
    built = pipeline.run(program, {"remat": remat, "memory_limit": "none"}, TARGETS[target_name])
    if built.plan is not None:
        return built.plan.arena_bytes
    return plan_program_memory(built.program).peak_bytes


@functools.cache
def rnn_peak(steps: int, target_name: str, remat) -> int:
    x, outputs = unrolled_rnn(steps)
    return planned_peak(specialize([x], outputs, [], [(steps, BATCH, HIDDEN)]), target_name, remat)


@pytest.mark.parametrize("target", ["numpy", "llvm", "cuda"])
def test_partial_adjoints_of_shared_weights_do_not_pile_up(target):
    """From 64 to 128 steps the peak grows by the activations of the extra steps (about 2 KiB a step:
    h_t and x_t), never by a weight-sized partial gradient (32 KiB) a step."""
    none = {steps: rnn_peak(steps, target, "none") for steps in (64, 128)}
    assert none[128] <= 3 * MiB
    assert (none[128] - none[64]) / 64 < 4096, none


@pytest.mark.parametrize("target", ["numpy", "llvm", "cuda"])
def test_sqrt_cuts_the_activations_of_a_weight_shared_chain(target):
    none, sqrt = rnn_peak(128, target, "none"), rnn_peak(128, target, "sqrt")
    assert sqrt <= 0.6 * none, (sqrt, none)


@pytest.mark.parametrize("backend, steps", [("numpy", 32), ("llvm", 128)])
def test_rnn_gradients_are_bitwise_equal_with_and_without_remat(backend, steps):
    """At a length where sqrt does recompute (on llvm the fixed buffers outweigh 32 steps' activations)."""
    x, outputs = unrolled_rnn(steps)
    feed = np.random.default_rng(1).normal(size=(steps, BATCH, HIDDEN))
    functions = {remat: gc.function([x], outputs, backend=backend, remat=remat) for remat in ("none", "sqrt")}
    results = {remat: f(feed) for remat, f in functions.items()}
    assert functions["sqrt"].executable.program.remat_stats.recompute_flops > 0
    for kept, recomputed in zip(results["none"], results["sqrt"]):
        assert np.array_equal(kept, recomputed)


# ---- no plan above "none", on random weight-shared graphs ---------------------------------------

WIDTH = 6


@st.composite
def shared_weight_graphs(draw):
    return draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1000)), min_size=3, max_size=16))


def build_shared(layers):
    """A chain that reads two shared weights and an input projection at many layers, with skips."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((4, WIDTH), gc.float64, name="x")
    w = gc.variable(rng.standard_normal((WIDTH, WIDTH)) * 0.4, name="w")
    u = gc.variable(rng.standard_normal((WIDTH, WIDTH)) * 0.4, name="u")
    h, history = gc.zeros_like(x), [x]
    for kind, j in layers:
        if kind == 0:
            h = gc.tanh(h @ w + x @ u)
        elif kind == 1:
            h = gc.sigmoid(h @ u) * h
        elif kind == 2:
            h = h + history[j % len(history)] * 0.5
        elif kind == 3:
            h = h - gc.mean(h, axis=1, keepdims=True)
        else:
            h = gc.exp(-h * h) + h @ w
        history.append(h)
    loss = gc.sum(h * h) * 0.1
    return specialize([x], [loss, *gc.grad(loss, [w, u])], [], [(4, WIDTH)])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shared_weight_graphs(), st.sampled_from(["numpy", "cuda"]), st.floats(0.3, 1.2))
def test_no_planner_plans_more_than_none(layers, target, fraction):
    """"sqrt" and byte budgets (below and above none's peak) each plan at most what "none" plans."""
    program = build_shared(layers)
    none = planned_peak(program, target, "none")
    assert planned_peak(program, target, "sqrt") <= none
    budget = max(1, int(fraction * none))
    try:
        assert planned_peak(program, target, budget) <= min(none, budget)
    except MemoryBudgetError:
        assert budget < none  # only a budget below none's peak can be out of reach
