"""Randomized deep graphs (hypothesis): rematerialisation never changes a value.

Chains of matmuls and elementwise layers with skip connections, shared weights, row
reductions and a second output; every strategy must give the same loss and the same
gradients as keeping everything, bit for bit, on the reference backend and on llvm.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.backends import available_backends

WIDTH, BATCH = 6, 8


@st.composite
def deep_networks(draw):
    depth = draw(st.integers(4, 20))
    return draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1000)), min_size=depth, max_size=depth))


def build(layers, seed=0):
    """The network's loss, a second output read from its middle, and the gradients of both kinds of weight."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((BATCH, WIDTH), gc.float64, name="x")
    shared = gc.variable(rng.standard_normal((WIDTH, WIDTH)) * 0.4, name="shared")
    weights, h, history = [shared], x, [x]
    for kind, j in layers:
        if kind == 0:
            w = gc.variable(rng.standard_normal((WIDTH, WIDTH)) * 0.4)
            weights.append(w)
            h = gc.tanh(h @ w)
        elif kind == 1:
            h = h + history[j % len(history)] * 0.5      # a skip connection from any earlier layer
        elif kind == 2:
            h = gc.sigmoid(h) * h
        elif kind == 3:
            h = h - gc.mean(h, axis=1, keepdims=True)
        elif kind == 4:
            h = gc.relu(h @ shared)                        # one weight read by many layers
        else:
            h = gc.exp(-h * h) + h
        history.append(h)
    loss = gc.sum(h * h) * 0.1 + gc.mean(history[len(history) // 2])
    return x, [loss, history[-1], *gc.grad(loss, weights)]


def run_all(layers, backend):
    x, outputs = build(layers)
    feed = np.random.default_rng(1).standard_normal((BATCH, WIDTH))
    results = {}
    for remat in ("none", "sqrt"):
        f = gc.function([x], outputs, remat=remat, backend=backend)
        results[remat] = f(feed)
        if remat == "sqrt":
            sqrt_peak = f.memory_plan().peak_bytes
    budget = int(1.5 * sqrt_peak) + 4096  # room above sqrt's peak (which is 0 when nothing needs the arena)
    results["budget"] = gc.function([x], outputs, remat=budget, backend=backend)(feed)
    return results


def assert_identical(results):
    for remat, values in results.items():
        for i, (got, want) in enumerate(zip(values, results["none"])):
            np.testing.assert_array_equal(got, want, err_msg=f"remat={remat!r}, output {i}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
@example([(1, 0)] * 4)  # no weight in the loss: nothing to rematerialise, and sqrt's peak is 0
def test_every_strategy_gives_bitwise_the_same_values(layers):
    assert_identical(run_all(layers, "numpy"))


@pytest.mark.skipif("llvm" not in available_backends(), reason="llvmlite not installed")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_networks())
@example([(1, 0)] * 4)
@example([(0, 0), (0, 0), (3, 0), (5, 0)])  # a row mean fused beside recomputed ops added in another order
def test_every_strategy_gives_bitwise_the_same_values_on_llvm(layers):
    # a float sum's order depends on its shape alone (the renderer's SUM_LANES), never on what
    # else its kernel computes, so a recomputed layer fused differently changes no bit
    assert_identical(run_all(layers, "llvm"))
