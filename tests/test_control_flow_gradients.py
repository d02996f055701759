"""Derivatives through cond, while_loop and scan (issue 19), against central differences in float64:
reverse and forward mode, second derivatives, trip counts that depend on the data, and the lecture
notes' example f(a) whose gradient is f(a)/a."""

from __future__ import annotations

import numpy as np
import pytest

import graphc as gc

F64 = gc.float64
EPS = 1e-6


def value(y, feeds):
    return np.asarray(gc.Session().run(y, feed_dict=feeds))


def numeric_grad(y, x, feeds):
    """Central differences of the scalar `y` in each element of the placeholder `x`."""
    base = np.array(feeds[x], dtype=np.float64)
    out = np.zeros_like(base)
    for i in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[i] += EPS
        down[i] -= EPS
        out[i] = (value(y, {**feeds, x: up}) - value(y, {**feeds, x: down})) / (2 * EPS)
    return out


def check_reverse_and_forward(y, x, feeds, rtol=1e-6):
    """grad(y, x) and every jvp(y, x, e_i) equal central differences."""
    want = numeric_grad(y, x, feeds)
    np.testing.assert_allclose(value(gc.grad(y, x), feeds), want, rtol=rtol, atol=1e-8)
    for i in np.ndindex(want.shape):
        direction = np.zeros(want.shape)
        direction[i] = 1.0
        np.testing.assert_allclose(value(gc.jvp(y, x, gc.constant(direction)), feeds), want[i], rtol=rtol,
                                   atol=1e-8)


def check_second_derivative(y, x, feeds, rtol=1e-5):
    """Each element of grad(grad(y, x) · v, x) equals central differences of the first derivative."""
    v = gc.constant(np.linspace(0.5, 1.5, int(np.prod(x.shape))).reshape(x.shape))
    first = gc.sum(gc.grad(y, x) * v)
    want = numeric_grad(first, x, feeds)
    np.testing.assert_allclose(value(gc.grad(first, x), feeds), want, rtol=rtol, atol=1e-6)
    # forward over reverse too
    direction = gc.constant(np.ones(x.shape))
    np.testing.assert_allclose(value(gc.jvp(first, x, direction), feeds), want.sum(), rtol=rtol, atol=1e-6)


# ---- cond ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_gradients_go_through_the_taken_branch(sign):
    x, w = gc.placeholder((3,), F64), gc.placeholder((3,), F64)
    y = gc.sum(gc.cond(gc.sum(x) > 0, lambda v: gc.sin(v) * w, lambda v: v * v * gc.exp(w), x))
    feeds = {x: sign * np.array([0.3, 0.7, 0.2]), w: np.array([1.0, -0.5, 2.0])}
    check_reverse_and_forward(y, x, feeds)
    check_reverse_and_forward(y, w, feeds)
    check_second_derivative(y, x, feeds)
    check_second_derivative(y, w, feeds)


def test_a_nan_in_the_untaken_branch_never_reaches_the_gradient():
    x = gc.placeholder((), F64)
    # at x = -4 the untaken branch's sqrt(x) is NaN, and so would be its derivative 1 / (2 sqrt(x))
    y = gc.cond(x > 0, lambda v: gc.sqrt(v), lambda v: v * 1.0, x)
    grads = [gc.grad(y, x), gc.jvp(y, x, 1.0), gc.grad(gc.grad(y, x), x)]
    assert [float(g) for g in value(grads, {x: -4.0})] == [1.0, 1.0, 0.0]
    assert np.all(np.isfinite(value(grads, {x: 4.0})))


# ---- scan ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradients_in_init_xs_and_captured_weights(reverse):
    init, xs, w = gc.placeholder((2,), F64), gc.placeholder((5, 2), F64), gc.placeholder((2, 2), F64)

    def cell(c, x):
        h = gc.tanh(gc.matmul(w, c) + x)
        return h, gc.sum(h * c)

    final, ys = gc.scan(cell, init, xs, reverse=reverse)
    y = gc.sum(final * final) + gc.sum(ys * gc.constant(np.arange(1.0, 6.0)))
    rng = np.random.default_rng(3)
    feeds = {init: rng.normal(size=2), xs: rng.normal(size=(5, 2)), w: rng.normal(size=(2, 2)) * 0.8}
    for x in (init, xs, w):
        check_reverse_and_forward(y, x, feeds)
    check_second_derivative(y, w, feeds)
    check_second_derivative(y, init, feeds)


def test_scan_with_an_integer_carry_and_fori_loop():
    x = gc.placeholder((2,), F64)
    y = gc.sum(gc.fori_loop(0, 4, lambda i, v: v * gc.cast(i + 1, F64) + gc.sin(v), x))
    feeds = {x: np.array([0.2, -0.4])}
    check_reverse_and_forward(y, x, feeds)
    check_second_derivative(y, x, feeds)


# ---- while_loop ----------------------------------------------------------------------------------

def test_while_gradients_with_a_data_dependent_trip_count():
    x, w = gc.placeholder((2,), F64), gc.placeholder((), F64)
    y = gc.while_loop(lambda v: gc.sum(v * v) < 50.0, lambda v: v * 1.5 + gc.sin(v) * w, x)
    loss = gc.sum(y * gc.constant(np.array([1.0, 2.0])))
    for start in ([0.3, 0.4], [2.0, -1.0], [9.0, 9.0]):  # several trips, fewer, none
        feeds = {x: np.array(start), w: 0.7}
        check_reverse_and_forward(loss, x, feeds)
        check_reverse_and_forward(loss, w, feeds)
        check_second_derivative(loss, x, feeds)
        check_second_derivative(loss, w, feeds)


def test_while_gradient_with_int_counter_and_fori_loop_with_node_bounds():
    x, n = gc.placeholder((), F64), gc.placeholder((), gc.int64)
    y = gc.fori_loop(gc.constant(0, gc.int64), n, lambda i, v: gc.sin(v) + v * gc.cast(i, F64), x)
    feeds = {x: 0.4, n: 3}
    check_reverse_and_forward(y, x, feeds)
    check_second_derivative(y, x, feeds)


# ---- the lecture notes' example ------------------------------------------------------------------

def notes_f(a):
    """Double b until its norm reaches 1000, then keep b or take 100 b by the sign of its sum."""
    b = a * 2.0
    b = gc.while_loop(lambda b: gc.sqrt(gc.sum(b * b)) < 1000.0, lambda b: b * 2.0, b)
    return gc.cond(gc.sum(b) > 0, lambda b: b, lambda b: b * 100.0, b)


@pytest.mark.parametrize("a0", [0.3, -0.3, 7.0, np.array([0.5, -0.2, 0.1]), np.array([-1.0, 0.3])])
def test_the_notes_example_has_gradient_f_over_a(a0):
    a0 = np.asarray(a0, dtype=np.float64)
    a = gc.placeholder(a0.shape, F64)
    f = notes_f(a)
    if a0.ndim == 0:
        got_f, got_g = value([f, gc.grad(f, a)], {a: a0})
        np.testing.assert_allclose(got_g, got_f / a0, rtol=1e-12)
        check_reverse_and_forward(f, a, {a: a0})
    else:
        # f is linear in a on the region around a0: its Jacobian is (f(a)/a)·I per element
        jac = np.stack([value(gc.grad(f[i], a), {a: a0}) for i in range(a0.size)])
        got_f = value(f, {a: a0})
        np.testing.assert_allclose(np.diag(jac), got_f / a0, rtol=1e-12)
        np.testing.assert_allclose(jac - np.diag(np.diag(jac)), 0.0)


def test_check_grad_promotes_float32_bodies_to_float64():
    # check_grad copies the graph in float64: the bodies too, or their float32 parameters would not fit
    x, w = gc.placeholder((3,), gc.float32), gc.variable(np.array([0.5, 0.2, -0.3], np.float32))
    c, ys = gc.scan(lambda c, t: (gc.tanh(c * w + t), c * 0.5), x, gc.constant(np.ones((4, 3), np.float32)))
    grown = gc.while_loop(lambda v: gc.sum(v * v) < 50.0, lambda v: v * 1.5 + w, c)
    picked = gc.cond(gc.sum(grown) > 0, lambda v: v * w, lambda v: gc.sin(v), grown)
    loss = gc.sum(picked) + gc.sum(ys)
    assert gc.check_grad(loss, [x, w], {x: np.array([0.1, 0.2, 0.3], np.float32)})
