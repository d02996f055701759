"""Control flow on the llvm backend (issue 19) equals the numpy reference: each body compiled once
(graphc/control/executable.py), the loops driven from the host between compiled segments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc

pytestmark = pytest.mark.skipif("llvm" not in gc.available_backends(), reason="llvmlite is not installed")


def both(inputs, outputs, *args):
    """The outputs on numpy and on llvm for the same arguments."""
    return [gc.function(inputs, outputs, backend=b)(*args) for b in ("numpy", "llvm")]


def assert_same(reference, compiled, rtol=1e-12):
    assert len(reference) == len(compiled)
    for r, c in zip(reference, compiled):
        np.testing.assert_allclose(c, r, rtol=rtol, atol=1e-12)


def test_cond_while_and_their_gradients_equal_the_reference():
    x, w = gc.placeholder((3,), gc.float64), gc.variable(np.array([0.5, -0.3, 0.2]))
    y = gc.cond(gc.sum(x) > 0, lambda v: gc.exp(v) * w + 1.0, lambda v: v - w, x)
    grown = gc.while_loop(lambda b: gc.sum(b * b) < 1e6, lambda b: b * 2.0 + w, x)
    outputs = [y, grown, *gc.grad(gc.sum(y) + gc.sum(grown * grown), [x, w])]
    for value in ([0.1, 0.2, 0.3], [-1.0, 0.2, 0.3]):
        assert_same(*both([x], outputs, np.array(value)))


@settings(max_examples=6, deadline=None)
@given(length=st.integers(1, 12), reverse=st.booleans(), seed=st.integers(0, 2**16))
def test_an_rnn_scan_and_its_gradient_equal_the_reference(length, reverse, seed):
    rng = np.random.default_rng(seed)
    xs, h0 = gc.placeholder((length, 4), gc.float64), gc.placeholder((1, 4), gc.float64)
    w = gc.variable(rng.normal(size=(4, 4)) * 0.5)

    def cell(h, x):
        h = gc.tanh(gc.matmul(h, w) + x)  # matmul and a fused elementwise kernel in the body
        return h, gc.sum(h * h)

    final, ys = gc.scan(cell, h0, xs, reverse=reverse)
    loss = gc.sum(final) + gc.sum(ys)
    outputs = [final, ys, *gc.grad(loss, [xs, h0, w])]
    assert_same(*both([xs, h0], outputs, rng.normal(size=(length, 4)), rng.normal(size=(1, 4))), rtol=1e-10)


def test_a_body_is_compiled_once_whatever_the_trip_count():
    xs = gc.placeholder((None, 8), gc.float32)
    final, _ = gc.scan(lambda c, x: (gc.tanh(c + x), None), gc.constant(np.zeros(8, np.float32)), xs)
    f = gc.function([xs], [final], backend="llvm")
    short, long = f.compile(np.zeros((3, 8), np.float32)), f.compile(np.zeros((300, 8), np.float32))
    assert [len(e.bodies()) for e in (short, long)] == [1, 1]
    assert len(short.kernels()) == len(long.kernels())
    out = f(np.ones((300, 8), np.float32))[0]
    c = np.zeros(8, np.float32)
    for _ in range(300):
        c = np.tanh(c + 1.0)
    np.testing.assert_allclose(out, c, rtol=1e-6)


def test_max_iterations_is_a_run_time_error_on_llvm_too():
    x = gc.placeholder((), gc.float64)
    y = gc.while_loop(lambda v: v > 0.0, lambda v: v + 1.0, x, max_iterations=20)
    f = gc.function([x], [y], backend="llvm")
    with pytest.raises(gc.GraphcError, match="max_iterations=20"):
        f(1.0)
    assert f(-2.0)[0] == -2.0
