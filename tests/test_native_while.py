"""On llvm a plain while_loop runs as one native loop over one compiled step, its body and then its
condition on the new carry (graphc.control.while_native): its values equal the numpy reference's and are
bitwise those of the host-driven loop (the compiled condition and body called from Python in turn)."""

from __future__ import annotations

import numpy as np
import pytest
from test_threads import in_threads

import graphc as gc
from graphc.control.while_native import WhileStep

pytestmark = pytest.mark.skipif("llvm" not in gc.available_backends(), reason="needs the llvm backend")


@pytest.fixture
def native_whiles(monkeypatch):
    """Counts the while loops that ran natively (True) or fell back to the host loop (False)."""
    taken: list[bool] = []
    native = WhileStep.run

    def counted(self, attrs, values):
        out = native(self, attrs, values)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(WhileStep, "run", counted)
    return taken


def host_driven(monkeypatch):
    monkeypatch.setattr(WhileStep, "run", lambda self, attrs, values: None)


def damped_iteration():
    """Iterate v <- tanh(v W) * 0.9 + 0.1 until n steps or until v settles (a data-dependent trip count)."""
    x = gc.placeholder((6,), gc.float64, name="x")
    n = gc.placeholder((), gc.int32, name="n")
    w = gc.variable(np.linspace(-0.5, 0.7, 36).reshape(6, 6), name="w")

    def cond(i, v, change):
        return gc.logical_and(i < n, change > 1e-9)

    def body(i, v, change):
        new = gc.tanh(gc.matmul(v, w)) * 0.9 + 0.1
        return i + 1, new, gc.max(gc.abs(new - v))

    outputs = gc.while_loop(cond, body, (gc.constant(np.int32(0)), x, gc.constant(np.float64(1.0))))
    return [x, n], list(outputs)


def run_both(inputs, outputs, *feeds):
    llvm = gc.function(inputs, outputs, backend="llvm")(*feeds)
    reference = gc.function(inputs, outputs, backend="numpy")(*feeds)
    return llvm, reference


@pytest.mark.parametrize("limit", [0, 1, 7, 1000])
def test_values_equal_the_reference_and_the_loop_runs_natively(native_whiles, limit):
    inputs, outputs = damped_iteration()
    feeds = (np.linspace(-1, 1, 6), np.int32(limit))
    llvm, reference = run_both(inputs, outputs, *feeds)
    for got, want in zip(llvm, reference):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    assert llvm[0] == reference[0]  # the same trip count
    assert native_whiles == [True]


def native_and_host_driven_agree(monkeypatch, inputs, outputs, feeds) -> list:
    """The outputs, run natively; asserts that the host-driven loop gives them bit for bit."""
    native = gc.function(inputs, outputs, backend="llvm")(*feeds)
    host_driven(monkeypatch)
    host = gc.function(inputs, outputs, backend="llvm")(*feeds)
    for a, b in zip(native, host):
        np.testing.assert_array_equal(a, b)
    return native


def test_values_are_bitwise_those_of_the_host_driven_loop(monkeypatch):
    inputs, outputs = damped_iteration()
    native = native_and_host_driven_agree(monkeypatch, inputs, outputs, (np.linspace(-1, 1, 6), np.int32(500)))
    assert 0 < native[0] < 500  # it stopped on the change, not on the count


def test_reaching_max_iterations_with_the_condition_true_is_an_error(native_whiles):
    x = gc.placeholder((3,), gc.float32, name="x")
    grown = gc.while_loop(lambda v: gc.sum(v) < 1e30, lambda v: v * 2.0, x, max_iterations=5)
    f = gc.function([x], [grown], backend="llvm")
    np.testing.assert_array_equal(f(np.full(3, 1e29, np.float32))[0], np.full(3, 4e29, np.float32))
    with pytest.raises(gc.GraphcError, match="max_iterations=5"):
        f(np.ones(3, np.float32))
    assert native_whiles == [True]  # the first call's loop (the second raised from inside run)


def test_carries_passed_through_swapped_or_returned_unchanged(native_whiles):
    """Outputs that are no buffer of their own: a carry returned in another's place, one returned as
    received, and a condition that is itself a carry."""
    a = gc.placeholder((4,), gc.float64, name="a")

    def body(i, x, y, k, going):
        return i + 1, y, x * k, k, i < 4

    init = (gc.constant(np.int32(0)), a, gc.constant(np.ones(4)), gc.constant(np.full(4, 1.5)),
            gc.constant(True))
    outputs = list(gc.while_loop(lambda i, x, y, k, going: going, body, init))
    llvm, reference = run_both([a], outputs, np.arange(4.0))
    for got, want in zip(llvm, reference):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert native_whiles == [True]


def gradient_of_damped_iteration():
    inputs, outputs = damped_iteration()
    loss = gc.sum(outputs[1] * outputs[1])
    return inputs, [outputs[0], loss, gc.grad(loss, inputs[0])]


@pytest.mark.parametrize("limit", [0, 3, 16, 17, 100])
def test_the_loop_a_gradient_records_runs_natively_too(native_whiles, limit):
    """Its carries before each step are kept in blocks of 16, 32, ... rows: limits below, at and past a
    block's end."""
    inputs, outputs = gradient_of_damped_iteration()
    feeds = (np.linspace(-1, 1, 6), np.int32(limit))
    llvm, reference = run_both(inputs, outputs, *feeds)
    assert llvm[0] == reference[0] == min(limit, llvm[0])
    for got, want in zip(llvm, reference):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert native_whiles and all(native_whiles)


def test_gradients_are_bitwise_those_of_the_host_driven_loop(monkeypatch):
    inputs, outputs = gradient_of_damped_iteration()
    native = native_and_host_driven_agree(monkeypatch, inputs, outputs, (np.linspace(-1, 1, 6), np.int32(200)))
    assert 16 < native[0] < 200  # past the first block, stopped by the change


def test_the_gradient_matches_central_differences():
    inputs, outputs = gradient_of_damped_iteration()
    f = gc.function(inputs, outputs[1:], backend="llvm")
    x, n = np.linspace(-1, 1, 6), np.int32(40)
    _, grad = f(x, n)
    eps, numeric = 1e-6, np.zeros_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (f(up, n)[0] - f(down, n)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_a_body_holding_control_flow_of_its_own_falls_back_to_the_host_loop(native_whiles):
    x = gc.placeholder((2,), gc.float64, name="x")

    def body(i, v):
        return i + 1, gc.cond(gc.sum(v) > 0, lambda u: u - 1.0, lambda u: u + 2.0, v)

    outputs = list(gc.while_loop(lambda i, v: i < 6, body, (gc.constant(np.int32(0)), x)))
    llvm, reference = run_both([x], outputs, np.array([0.5, -2.0]))
    for got, want in zip(llvm, reference):
        np.testing.assert_array_equal(got, want)
    assert native_whiles == [False]


def test_calls_from_many_threads_give_the_serial_results():
    inputs, outputs = damped_iteration()
    f = gc.function(inputs, outputs, backend="llvm")
    feeds = [(np.random.default_rng(seed).normal(size=6), np.int32(50 + seed)) for seed in range(4)]
    serial = [f(*feed) for feed in feeds]
    wrong = []

    def work(i):
        for _ in range(20):
            if not all(np.array_equal(a, b) for a, b in zip(f(*feeds[i]), serial[i])):
                wrong.append(i)

    in_threads(work, threads=4)
    assert wrong == []


def test_a_loop_over_feed_time_sizes_plans_its_memory_after_the_first_call():
    """The body of a loop over a (None, 3) placeholder compiles when the loop first runs; the native step
    replaces it there, but the body is compiled all the same, so that the memory plan (and a byte budget)
    can count it."""
    x = gc.placeholder((None, 3), gc.float64, name="x")
    _, v = gc.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v * 0.5 + 1.0), (gc.constant(np.int32(0)), x))
    f = gc.function([x], [v], backend="llvm")
    np.testing.assert_array_equal(f(np.zeros((2, 3)))[0], np.full((2, 3), 1.9375))
    assert f.memory_plan().peak_bytes > 0
