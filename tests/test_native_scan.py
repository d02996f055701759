"""On llvm a scan runs as one native loop over its compiled body (graphc.runtime.native_loop): its values
equal the numpy reference's, and its values and gradients are bitwise those of the host-driven loop
(the same body executable called from Python once per step)."""

from __future__ import annotations

import numpy as np
import pytest
from test_threads import in_threads

import graphc as gc
import graphc.control.executable as control_executable

pytestmark = pytest.mark.skipif("llvm" not in gc.available_backends(), reason="needs the llvm backend")


@pytest.fixture
def native_scans(monkeypatch):
    """Counts the scans that ran natively (True) or fell back to the host loop (False)."""
    taken: list[bool] = []
    native = control_executable.scan_natively

    def counted(attrs, values):
        out = native(attrs, values)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(control_executable, "scan_natively", counted)
    return taken


def host_driven(monkeypatch):
    monkeypatch.setattr(control_executable, "scan_natively", lambda attrs, values: None)


def rnn(steps: int, width: int, reverse: bool = False):
    xs = gc.placeholder((steps, width), gc.float64, name="xs")
    w = gc.variable(np.linspace(-0.9, 1.1, width * width).reshape(width, width) / width, name="w")
    init = gc.constant(np.linspace(0.1, 0.3, width))
    final, ys = gc.scan(lambda h, x: (gc.tanh(gc.matmul(h, w) + x), gc.sum(h * h)), init, xs, reverse=reverse)
    loss = gc.sum(final) + gc.sum(ys * ys)
    return xs, [final, ys, loss, gc.grad(loss, w), gc.grad(loss, xs)]


def run_both(inputs, outputs, *feeds):
    llvm = gc.function(inputs, outputs, backend="llvm")(*feeds)
    reference = gc.function(inputs, outputs, backend="numpy")(*feeds)
    return llvm, reference


@pytest.mark.parametrize("reverse", [False, True])
def test_an_rnn_and_its_gradients_equal_the_reference(native_scans, reverse):
    xs, outputs = rnn(12, 5, reverse)
    data = np.random.default_rng(1).normal(size=(12, 5))
    llvm, reference = run_both([xs], outputs, data)
    for got, want in zip(llvm, reference):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert native_scans and all(native_scans)  # the forward loop, its recording twin, the backward sweep


@pytest.mark.parametrize("reverse", [False, True])
def test_values_and_gradients_are_bitwise_those_of_the_host_driven_loop(monkeypatch, reverse):
    xs, outputs = rnn(9, 4, reverse)
    data = np.random.default_rng(2).normal(size=(9, 4))
    native = gc.function([xs], outputs, backend="llvm")(data)
    host_driven(monkeypatch)
    host = gc.function([xs], outputs, backend="llvm")(data)
    for a, b in zip(native, host):
        np.testing.assert_array_equal(a, b)


def test_the_gradient_matches_central_differences():
    xs, outputs = rnn(6, 3)
    data = np.random.default_rng(3).normal(size=(6, 3))
    f = gc.function([xs], [outputs[2], outputs[4]], backend="llvm")
    _, grad = f(data)
    eps, numeric = 1e-6, np.zeros_like(data)
    for index in np.ndindex(data.shape):
        up, down = data.copy(), data.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (f(up)[0] - f(down)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_carries_swapped_passed_through_or_unchanged_and_ys_that_are_inputs_or_carries(native_scans):
    """Outputs that are no buffer of their own: a carry returned in another's place, a carry returned
    as received, an x slice returned as a y, a y that is also the new carry."""
    xs = gc.placeholder((7, 3), gc.float64, name="xs")

    def body(carry, x):
        a, b, k = carry
        new_a = b * k + x
        return (new_a, a, k), (x, new_a, a)

    init = (gc.constant(np.arange(3.0)), gc.constant(np.ones(3)), gc.constant(np.full(3, 0.5)))
    final, ys = gc.scan(body, init, xs)
    data = np.random.default_rng(4).normal(size=(7, 3))
    llvm, reference = run_both([xs], [*final, *ys], data)
    for got, want in zip(llvm, reference):
        np.testing.assert_array_equal(got, want)
    assert native_scans == [True]


def test_a_scan_without_xs_and_an_empty_scan(native_scans):
    counted = gc.fori_loop(0, 10, lambda i, c: c * 1.5 + 1.0, gc.constant(np.ones(4)))
    xs = gc.placeholder((0, 2), gc.float64, name="xs")
    final, ys = gc.scan(lambda c, x: (c + x, c * 2.0), gc.constant(np.ones(2)), xs)
    llvm, reference = run_both([xs], [counted, final, ys], np.zeros((0, 2)))
    for got, want in zip(llvm, reference):
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    assert native_scans and all(native_scans)


def test_a_body_holding_control_flow_of_its_own_falls_back_to_the_host_loop(native_scans):
    xs = gc.placeholder((5, 2), gc.float64, name="xs")

    def body(c, x):
        c = gc.cond(gc.sum(x) > 0, lambda v: v + x, lambda v: v - x, c)
        return c, gc.sum(c)

    final, ys = gc.scan(body, gc.constant(np.zeros(2)), xs)
    data = np.random.default_rng(5).normal(size=(5, 2))
    llvm, reference = run_both([xs], [final, ys], data)
    for got, want in zip(llvm, reference):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    assert native_scans == [False]


def test_calls_from_many_threads_give_the_serial_results():
    xs, outputs = rnn(20, 6)
    f = gc.function([xs], outputs, backend="llvm")
    feeds = [np.random.default_rng(seed).normal(size=(20, 6)) for seed in range(4)]
    serial = [f(a) for a in feeds]
    wrong = []

    def work(i):
        for _ in range(20):
            if not all(np.array_equal(a, b) for a, b in zip(f(feeds[i]), serial[i])):
                wrong.append(i)

    in_threads(work, threads=4)
    assert wrong == []


def test_a_body_without_kernels_and_scalar_integer_carries(native_scans):
    """A body that only passes values along compiles to no kernels: the loop is copies alone."""
    xs = gc.placeholder((5, 3), gc.float32, name="xs")
    swapped, ys = gc.scan(lambda c, x: (x, c), gc.constant(np.zeros(3, np.float32)), xs)
    counted, firsts = gc.scan(lambda c, x: ((c[0] + 1, c[1] + gc.sum(x)), c[0]),
                              (gc.constant(np.int32(0)), gc.constant(np.float32(0))), xs)
    data = np.arange(15, dtype=np.float32).reshape(5, 3)
    llvm, reference = run_both([xs], [swapped, ys, *counted, firsts], data)
    for got, want in zip(llvm, reference):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    assert native_scans == [True, True]
