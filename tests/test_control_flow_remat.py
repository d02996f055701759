"""Rematerialization inside scans (issue 19): under remat, a scan's backward sweep runs over about √T
checkpoints (graphc/control/checkpoint.py): the peak memory of a gradient step drops from T carries to
about 2√T, and the gradients are bitwise those of remat="none", on numpy and llvm."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.control.checkpoint import segment_length

BACKENDS = [b for b in ("numpy", "llvm") if b in gc.available_backends()]


def rnn_gradient(steps: int, width: int, reverse: bool = False):
    """An elementwise RNN scanned over `steps`, its loss and the gradient in its weight (not in xs)."""
    xs = gc.placeholder((steps, width), gc.float64, name="xs")
    w = gc.variable(np.linspace(0.5, 1.0, width), name="w")
    final, ys = gc.scan(lambda c, x: (gc.tanh(c * w + x), gc.sum(c * c)), gc.constant(np.zeros(width)), xs,
                        reverse=reverse)
    loss = gc.sum(final) + gc.sum(ys)
    return xs, [loss, gc.grad(loss, w)]


def peak_of_call(f, *args) -> int:
    f(*args)  # compiled, and warm
    tracemalloc.start()
    try:
        f(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_segment_length_is_the_divisor_nearest_sqrt():
    assert [segment_length(t) for t in (256, 64, 12, 10, 7, 3)] == [16, 8, 3, 2, None, None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_sqrt_keeps_about_sqrt_t_carries_with_bitwise_equal_gradients(backend):
    steps, width = 256, 1024
    xs, outputs = rnn_gradient(steps, width)
    data = np.random.default_rng(0).normal(size=(steps, width))
    plain, checkpointed = (gc.function([xs], outputs, backend=backend, remat=r) for r in ("none", "sqrt"))
    for a, b in zip(plain(data), checkpointed(data)):
        np.testing.assert_array_equal(a, b)
    carry = width * 8
    none_peak, sqrt_peak = peak_of_call(plain, data), peak_of_call(checkpointed, data)
    assert none_peak > steps * carry  # every carry of the forward pass, stacked
    assert sqrt_peak < 4 * 2 * 16 * carry  # 16 checkpoints and 16 recomputed carries, with slack
    assert sqrt_peak < none_peak / 4


@settings(max_examples=8, deadline=None)
@given(steps=st.sampled_from([4, 6, 7, 9, 12, 20]), reverse=st.booleans(), seed=st.integers(0, 2**16))
def test_checkpointed_gradients_equal_the_plain_ones_bitwise(steps, reverse, seed):
    rng = np.random.default_rng(seed)
    xs = gc.placeholder((steps, 3), gc.float64)
    w, u = gc.variable(rng.normal(size=(3, 3)) * 0.6), gc.variable(rng.normal(size=3))
    final, ys = gc.scan(lambda c, x: (gc.tanh(gc.matmul(w, c) + x * u), c * x), gc.constant(rng.normal(size=3)), xs,
                        reverse=reverse)
    loss = gc.sum(final * final) + gc.sum(ys * ys)
    outputs = [loss, *gc.grad(loss, [w, u, xs])]
    data = rng.normal(size=(steps, 3))
    plain = gc.function([xs], outputs)(data)
    for backend in BACKENDS:
        for a, b in zip(plain, gc.function([xs], outputs, backend=backend, remat="sqrt")(data)):
            if backend == "numpy":
                np.testing.assert_array_equal(a, b)
            else:
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.skipif("llvm" not in BACKENDS, reason="the llvm backend is not available")
def test_llvm_checkpoints_once_one_more_forward_pass_not_nested_ones(monkeypatch):
    # the rewrite runs on the whole program only: the bodies it builds are not checkpointed again
    from graphc.control import executable

    runs = {}
    original = executable.CompiledBody.run

    def counted(self, args, captured):
        runs[self.body.name] = runs.get(self.body.name, 0) + 1
        return original(self, args, captured)

    monkeypatch.setattr(executable.CompiledBody, "run", counted)
    # steps counted as body calls from the host: the native loop (graphc.runtime.native_loop) makes none
    monkeypatch.setattr(executable, "scan_natively", lambda attrs, values: None)
    xs, outputs = rnn_gradient(64, 4)
    f = gc.function([xs], outputs, backend="llvm", remat="sqrt")
    data = np.ones((64, 4))
    f(data)
    runs.clear()
    f(data)
    # the plain forward pass, the checkpoints' and each segment's recomputation: three passes of 64 steps
    assert runs["scan body"] == 3 * 64 and runs["scan checkpoints"] == runs["scan checkpointed VJP"] == 8


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_a_byte_budget_below_what_the_checkpointed_loop_plans_is_refused_and_one_above_is_kept(backend):
    steps, width = 64, 32
    xs = gc.placeholder((steps, 4, width), gc.float32, name="xs")
    w = gc.variable(np.random.default_rng(0).normal(0, 0.1, (width, width)).astype(np.float32), name="w")
    h, _ = gc.scan(lambda h, x: (gc.tanh(h @ w + x), None), gc.constant(np.zeros((4, width), np.float32)), xs)
    loss = gc.sum(h * h)
    outputs = [loss, gc.grad(loss, [w])[0]]
    feed = np.zeros((steps, 4, width), np.float32)
    with pytest.raises(gc.MemoryBudgetError, match="cannot be met"):
        gc.function([xs], outputs, backend=backend, remat=1000).compile(feed)
    roomy = gc.function([xs], outputs, backend=backend, remat=1 << 30)
    roomy.compile(feed)
    assert roomy.memory_plan().peak_bytes <= 1 << 30


def test_a_byte_budget_on_a_loop_whose_body_has_feed_time_sizes_is_checked_at_the_first_call():
    """The body of a scan over a (steps, None, width) placeholder compiles when it first runs: the whole plan,
    and the budget against it, are known after that call (it used to fail at compile: 'has not run yet')."""
    steps, width = 16, 8
    xs = gc.placeholder((steps, None, width), gc.float32, name="xs")
    w = gc.variable(np.random.default_rng(0).normal(0, 0.3, (width, width)).astype(np.float32), name="w")
    h, _ = gc.scan(lambda h, x: (gc.tanh(h @ w + x), None), gc.zeros_like(xs[0]), xs)
    loss = gc.sum(h * h)
    outputs = [loss, gc.grad(loss, [w])[0]]
    feed = np.random.default_rng(1).normal(size=(steps, 3, width)).astype(np.float32)
    want = gc.function([xs], outputs, backend="numpy")(feed)
    roomy = gc.function([xs], outputs, backend="llvm", remat=1 << 30)
    for got, expected in zip(roomy(feed), want):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert roomy.memory_plan().peak_bytes <= 1 << 30
    tight = gc.function([xs], outputs, backend="llvm", remat=1000)
    for _ in range(2):  # and every call after
        with pytest.raises(gc.MemoryBudgetError, match="cannot be met"):
            tight(feed)
