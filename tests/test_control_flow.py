"""Control flow as graph ops (issue 19): what cond, while_loop, scan and fori_loop compute on the numpy
reference, compared with plain Python loops over numpy, and the construction errors they raise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc

F64 = gc.float64


def run(fetches, feeds=None):
    return gc.Session().run(fetches, feed_dict=feeds or {})


# ---- cond --------------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0], [-5.0, 2.0, 1.0]])
def test_cond_gives_the_taken_branch(values):
    x = gc.placeholder((3,), F64)
    y = gc.cond(gc.sum(x) > 0, lambda v: v * 100.0, lambda v: v - 1.0, x)
    v = np.array(values)
    np.testing.assert_array_equal(run(y, {x: v}), v * 100.0 if v.sum() > 0 else v - 1.0)


def test_only_the_taken_branch_runs():
    # the false branch is a loop that can only fail: running it would raise
    x = gc.placeholder((), F64)
    doomed = lambda v: gc.while_loop(lambda u: u == u, lambda u: u + 1.0, v, max_iterations=0)  # noqa: E731
    y = gc.cond(x > 0, lambda v: v * 2.0, doomed, x)
    assert run(y, {x: 3.0}) == 6.0
    with pytest.raises(gc.GraphcError, match="max_iterations=0"):
        run(y, {x: -3.0})


def test_cond_returns_tuples_and_reads_outer_nodes():
    x, w = gc.placeholder((2,), F64), gc.variable(np.array([3.0, 4.0]))
    a, b = gc.cond(x[0] > 0, lambda v: (v * w, gc.sum(v)), lambda v: (v - w, gc.sum(v) * 0.0), x)
    got = run([a, b], {x: np.array([1.0, 2.0])})
    np.testing.assert_array_equal(got[0], [3.0, 8.0])
    assert got[1] == 3.0


def test_cond_errors_name_the_construct_and_the_line():
    x = gc.placeholder((3,), F64)
    with pytest.raises(gc.ShapeError, match=r"cond: result 0 is \(3,\) float64 in the true branch but \(\) "
                                            r"float64(.|\n)*test_control_flow.py"):
        gc.cond(gc.sum(x) > 0, lambda v: v, lambda v: gc.sum(v), x)
    with pytest.raises(gc.ShapeError, match="cond: the true branch returns a tuple of 2 but the false branch "
                                            "returns a single value"):
        gc.cond(gc.sum(x) > 0, lambda v: (v, v), lambda v: v, x)
    with pytest.raises(gc.ShapeError, match=r"cond: the predicate must be a scalar bool, got \(3,\) bool"):
        gc.cond(x > 0, lambda v: v, lambda v: v, x)
    with pytest.raises(gc.ShapeError, match=r"predicate must be a scalar bool, got \(\) float64"):
        gc.cond(gc.sum(x), lambda v: v, lambda v: v, x)


# ---- while_loop --------------------------------------------------------------------------------

def test_while_loop_matches_a_python_loop():
    x = gc.placeholder((3,), F64)
    n, y = gc.while_loop(lambda n, v: gc.sum(v * v) < 1e4, lambda n, v: (n + 1, v * 2.0 + 1.0),
                         (gc.constant(0), x))
    v0 = np.array([0.5, -1.0, 2.0])
    v, count = v0.copy(), 0
    while (v * v).sum() < 1e4:
        v, count = v * 2.0 + 1.0, count + 1
    got_n, got_y = run([n, y], {x: v0})
    assert got_n == count
    np.testing.assert_array_equal(got_y, v)


def test_while_loop_that_never_runs_returns_its_input():
    x = gc.placeholder((), F64)
    y = gc.while_loop(lambda v: v < 0.0, lambda v: v - 1.0, x)
    assert run(y, {x: 2.5}) == 2.5


def test_reaching_max_iterations_is_a_run_time_error_never_a_hang():
    x = gc.placeholder((), F64)
    y = gc.while_loop(lambda v: v > 0.0, lambda v: v + 1.0, x, max_iterations=50)
    with pytest.raises(gc.GraphcError, match=r"max_iterations=50(.|\n)*test_control_flow.py"):
        run(y, {x: 1.0})
    assert run(y, {x: -1.0}) == -1.0


def test_while_loop_errors_at_construction():
    x = gc.placeholder((3,), F64)
    with pytest.raises(gc.ShapeError, match=r"while_loop: the body changes carry 0 from \(3,\) float64 to \(\) "
                                            r"float64(.|\n)*test_control_flow.py"):
        gc.while_loop(lambda v: gc.sum(v) < 10.0, lambda v: gc.sum(v), x)
    with pytest.raises(gc.ShapeError, match=r"changes carry 0 from \(3,\) float64 to \(3,\) float32"):
        gc.while_loop(lambda v: gc.sum(v) < 10.0, lambda v: gc.cast(v, gc.float32), x)
    with pytest.raises(gc.ShapeError, match="the condition must return one scalar bool"):
        gc.while_loop(lambda v: v < 10.0, lambda v: v + 1.0, x)
    with pytest.raises(gc.ShapeError, match="returns a tuple of 2 for a carry of a single value"):
        gc.while_loop(lambda v: gc.sum(v) < 10.0, lambda v: (v, v), x)


# ---- scan and fori_loop ------------------------------------------------------------------------

def python_scan(fn, carry, xs, reverse=False):
    steps = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    ys = [None] * len(xs)
    for t in steps:
        carry, ys[t] = fn(carry, xs[t])
    return carry, np.stack(ys)


@settings(max_examples=15, deadline=None)
@given(length=st.integers(1, 7), width=st.integers(1, 3), reverse=st.booleans(), seed=st.integers(0, 2**16))
def test_scan_matches_a_python_loop(length, width, reverse, seed):
    rng = np.random.default_rng(seed)
    xs_v, c0 = rng.normal(size=(length, width)), rng.normal(size=width)
    step = lambda c, x: (np.tanh(c * 0.9 + x), c * x)  # noqa: E731
    xs, init = gc.placeholder((length, width), F64), gc.placeholder((width,), F64)
    final, ys = gc.scan(lambda c, x: (gc.tanh(c * 0.9 + x), c * x), init, xs, reverse=reverse)
    want_c, want_ys = python_scan(step, c0, xs_v, reverse)
    got_c, got_ys = run([final, ys], {xs: xs_v, init: c0})
    np.testing.assert_allclose(got_c, want_c, rtol=1e-14)
    np.testing.assert_allclose(got_ys, want_ys, rtol=1e-14)


def test_scan_with_tuple_carries_tuple_xs_and_no_ys():
    a, b = gc.constant(np.arange(4.0)), gc.constant(np.arange(4) * 2)
    (s, n), ys = gc.scan(lambda c, x: ((c[0] + x[0], c[1] + x[1]), None),
                         (gc.constant(0.0, F64), gc.constant(0, gc.int64)), (a, b))
    assert ys is None
    assert run([s, n]) == [6.0, 12]


def test_scan_without_xs_runs_length_steps():
    final, ys = gc.scan(lambda c, _: (c * 2.0, c), gc.constant(1.0, F64), None, length=5)
    got = run([final, ys])
    assert got[0] == 32.0
    np.testing.assert_array_equal(got[1], [1.0, 2.0, 4.0, 8.0, 16.0])


def test_scan_errors():
    xs = gc.constant(np.ones((4, 2)))
    c = gc.constant(np.zeros(2))
    with pytest.raises(gc.ShapeError, match=r"scan: the body changes carry 0 from \(2,\) float64 to \(\) float64"):
        gc.scan(lambda c, x: (gc.sum(c + x), x), c, xs)
    with pytest.raises(gc.ShapeError, match="scan: fn must return a pair"):
        gc.scan(lambda c, x: c + x, c, xs)
    with pytest.raises(gc.ShapeError, match="with xs None, give the number of steps"):
        gc.scan(lambda c, x: (c, None), c, None)
    with pytest.raises(gc.ShapeError, match=r"disagree on the number of steps: \[3, 4\]"):
        gc.scan(lambda c, x: (c, None), c, xs, length=3)


def test_fori_loop_with_int_and_node_bounds():
    x = gc.placeholder((), F64)
    static = gc.fori_loop(2, 6, lambda i, v: v * 2.0 + gc.cast(i, F64), x)
    upper = gc.placeholder((), gc.int64)
    dynamic = gc.fori_loop(gc.constant(2), upper, lambda i, v: v * 2.0 + gc.cast(i, F64), x)
    v = 1.0
    for i in range(2, 6):
        v = v * 2.0 + i
    assert run([static, dynamic], {x: 1.0, upper: 6}) == [v, v]


def test_nested_constructs_and_captured_variables():
    # a scan whose body holds a cond and a while loop, both reading a variable and the scan's own carry
    w = gc.variable(np.array(1.5))
    xs = gc.constant(np.array([1.0, -2.0, 3.0, -4.0]))

    def step(c, x):
        y = gc.cond(x > 0, lambda u: u * w + c, lambda u: u - c, x)
        z = gc.while_loop(lambda v: v < 100.0, lambda v: v * 2.0 + w, gc.abs(y) + 1.0)
        return c + z, y

    final, ys = gc.scan(step, gc.constant(0.0, F64), xs)
    c, want_ys = 0.0, []
    for x in [1.0, -2.0, 3.0, -4.0]:
        y = x * 1.5 + c if x > 0 else x - c
        z = abs(y) + 1.0
        while z < 100.0:
            z = z * 2.0 + 1.5
        c, want_ys = c + z, want_ys + [y]
    got = run([final, ys])
    assert got[0] == c
    np.testing.assert_array_equal(got[1], want_ys)
