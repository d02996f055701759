"""Rematerialization inside while loops (issue 19): under remat, a while loop's backward sweep runs over
about √T checkpoints kept by a doubling scheme (graphc/control/while_checkpoint.py), T known only when
the loop has run: the measured peak of a gradient step drops from T carries to a few √T, and the
gradients are bitwise those of remat="none", on numpy and llvm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_control_flow_remat import peak_of_call

import graphc as gc
from graphc.control.results import results_of
from graphc.control.while_checkpoint import while_checkpoints_op
from graphc.ops.registry import make_node

BACKENDS = [b for b in ("numpy", "llvm") if b in gc.available_backends()]
EPS = 1e-6


def counted_rnn(width: int):
    """An elementwise RNN run while its step counter is below a fed limit (a trip count known at run time only),
    its loss, and the gradients in its weight and its initial state."""
    x0 = gc.placeholder((width,), gc.float64, name="x0")
    limit = gc.placeholder((), gc.float64, name="limit")
    w = gc.variable(np.linspace(0.5, 1.0, width), name="w")
    _, final = gc.while_loop(lambda i, c: i < limit, lambda i, c: (i + 1.0, gc.tanh(c * w + 0.01 * i)),
                             (gc.constant(0.0), x0))
    loss = gc.sum(final * final)
    return [x0, limit], [loss, *gc.grad(loss, [w, x0])]


def test_checkpoints_double_their_spacing_to_keep_about_sqrt_t():
    limit = gc.placeholder((), gc.float64)
    i = gc.while_loop(lambda i: i < limit, lambda i: i + 1.0, gc.constant(0.0))
    loop = i.inputs[0]
    kept = results_of(make_node(while_checkpoints_op, loop.inputs, dict(loop.attrs)))
    f = gc.function([limit], [kept[1], kept[2], kept[3]])
    for steps in [0, 1, 2, 3, 5, 8, 9, 63, 64, 65, 1000, 4096]:
        trips, lengths, starts = f(float(steps))
        spacing = lengths[0] if steps else 1
        assert trips == steps and lengths.sum() == steps
        assert (lengths[:-1] == spacing).all() and 1 <= lengths[-1] <= spacing if steps else len(lengths) == 0
        np.testing.assert_array_equal(starts, np.arange(len(lengths)) * spacing)  # the carry before those steps
        assert len(lengths) + spacing <= 2.2 * math.sqrt(steps) + 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_sqrt_keeps_about_sqrt_t_carries_with_bitwise_equal_gradients(backend):
    steps, width = 256, 1024
    inputs, outputs = counted_rnn(width)
    data = np.random.default_rng(0).normal(size=width)
    plain, checkpointed = (gc.function(inputs, outputs, backend=backend, remat=r) for r in ("none", "sqrt"))
    for trips in (0, 1, 2, 7, steps):
        for a, b in zip(plain(data, float(trips)), checkpointed(data, float(trips))):
            np.testing.assert_array_equal(a, b)
    carry = width * 8
    none_peak, sqrt_peak = peak_of_call(plain, data, float(steps)), peak_of_call(checkpointed, data, float(steps))
    assert none_peak > steps * carry  # every carry of the forward pass, stacked
    assert sqrt_peak < 4 * 2.2 * 16 * carry < none_peak / 3  # 2.2 √T carries kept and recomputed, with slack


def test_the_rewrite_replaces_the_recording_loop():
    inputs, outputs = counted_rnn(4)
    f = gc.function(inputs, outputs, remat="sqrt")
    f(np.ones(4), 10.0)
    ops = [n.op.name for n in f.executable.program.nodes()]
    assert "while_checkpoints" in ops
    assert not any(n.op.name == "while_loop" and n.attrs["record"] for n in f.executable.program.nodes())


@settings(max_examples=8, deadline=None)
@given(scale=st.floats(0.05, 3.0), seed=st.integers(0, 2**16))
@example(scale=3.0, seed=2413)  # numpy and llvm differ in the last bits here: each backend is compared with itself
def test_checkpointed_gradients_of_a_data_dependent_loop_equal_the_plain_ones_bitwise(scale, seed):
    rng = np.random.default_rng(seed)
    x = gc.placeholder((3,), gc.float64)
    w, u = gc.variable(rng.normal(size=(3, 3)) * 0.5), gc.variable(rng.normal(size=3) * 0.1)

    def body(n, v):
        return n + 1, v * 1.3 + gc.tanh(gc.matmul(w, v)) * 0.2 + u

    n, v = gc.while_loop(lambda n, v: gc.sum(v * v) < 400.0, body, (gc.constant(0, gc.int64), x),
                         max_iterations=500)
    loss = gc.sum(v * v) + gc.cast(n, gc.float64)
    outputs = [loss, *gc.grad(loss, [w, u, x])]
    data = rng.normal(size=3) * scale
    for backend in BACKENDS:
        plain = gc.function([x], outputs, backend=backend)(data)
        for a, b in zip(plain, gc.function([x], outputs, backend=backend, remat="sqrt")(data)):
            np.testing.assert_array_equal(a, b)


def test_checkpointed_gradient_equals_central_differences():
    x = gc.placeholder((3,), gc.float64)
    w = gc.variable(np.array([0.3, -0.2, 0.5]))
    y = gc.while_loop(lambda v: gc.sum(v * v) < 50.0, lambda v: v * 1.5 + gc.sin(v) * w, x)
    loss = gc.sum(y * y)
    x0 = np.array([0.4, -0.3, 0.2])
    f = gc.function([x], [gc.grad(loss, x)], remat="sqrt")
    value = gc.function([x], [loss])
    want = np.array([(value(x0 + EPS * e)[0] - value(x0 - EPS * e)[0]) / (2 * EPS) for e in np.eye(3)])
    np.testing.assert_allclose(f(x0)[0], want, rtol=1e-6, atol=1e-8)


def test_second_derivatives_under_remat_equal_the_plain_ones():
    x = gc.placeholder((2,), gc.float64)
    y = gc.while_loop(lambda v: gc.sum(v * v) < 30.0, lambda v: v * 1.4 + gc.sin(v), x)
    g = gc.grad(gc.sum(y * y), x)
    hv = gc.grad(gc.sum(g * gc.constant(np.array([1.0, -0.5]))), x)
    x0 = np.array([0.3, 0.2])
    for a, b in zip(gc.function([x], [g, hv])(x0), gc.function([x], [g, hv], remat="sqrt")(x0)):
        np.testing.assert_array_equal(a, b)


def test_max_iterations_still_stops_the_checkpointed_loop():
    x = gc.placeholder((2,), gc.float64)
    y = gc.while_loop(lambda v: gc.sum(v * v) < 1e300, lambda v: v * 1.5, x, max_iterations=5)
    f = gc.function([x], [gc.grad(gc.sum(y), x)], remat="sqrt")
    with pytest.raises(gc.GraphcError, match="max_iterations=5"):
        f(np.ones(2))
