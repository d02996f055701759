"""Derivatives at the edges of their formulas: the limit, as finite differences give it, never a NaN
that the formula's 0·∞ would make (x**0 at 0, 0**y, log-sum-exp of rows that are all −∞)."""

import numpy as np
import pytest

import graphc as gc
from graphc.backends import available_backends

BACKENDS = [b for b in ("numpy", "llvm") if b in available_backends()]


def run(backend, fetches, feeds):
    return gc.function(list(feeds), fetches, backend=backend)(*feeds.values())


def central_difference(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)]).reshape(x.shape)


@pytest.mark.parametrize("backend", BACKENDS)
def test_x_to_the_power_zero_has_derivative_zero_everywhere_zero_included(backend):
    x = gc.placeholder((4,), gc.float64, name="x")
    (g,) = gc.grad(gc.sum(gc.power(x, 0.0)), [x])
    np.testing.assert_array_equal(run(backend, [g], {x: np.array([0.0, -2.0, 3.0, 0.0])})[0], np.zeros(4))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tensor_power_at_zero_base_or_zero_exponent_has_the_limit_derivative(backend):
    a = gc.placeholder((4,), gc.float64, name="a")
    b = gc.placeholder((4,), gc.float64, name="b")
    ga, gb = gc.grad(gc.sum(a ** b), [a, b])
    av, bv = np.array([0.0, 0.0, 2.0, 1.5]), np.array([0.0, 2.0, 3.0, 0.0])
    got_a, got_b = run(backend, [ga, gb], {a: av, b: bv})
    np.testing.assert_allclose(got_a, [0.0, 0.0, 12.0, 0.0])
    np.testing.assert_allclose(got_b, [0.0, 0.0, 8 * np.log(2.0), np.log(1.5)])
    # 0 ** y for y > 0: finite differences in y give 0
    y = np.array([0.5, 2.0])
    fd = central_difference(lambda v: np.sum(0.0 ** v), y)
    (gy,) = gc.grad(gc.sum(gc.constant(np.zeros(2)) ** b[:2]), [b])
    np.testing.assert_allclose(run(backend, [gy], {b: np.concatenate([y, [1.0, 1.0]])})[0][:2], fd)


@pytest.mark.parametrize("backend", BACKENDS)
def test_second_derivatives_of_the_power_edges_hold_no_nan(backend):
    a = gc.placeholder((3,), gc.float64, name="a")
    b = gc.placeholder((3,), gc.float64, name="b")
    (gb,) = gc.grad(gc.sum(a ** b), [b])
    (gbb,) = gc.grad(gc.sum(gb), [b])
    got = run(backend, [gbb], {a: np.array([0.0, 2.0, 0.5]), b: np.array([2.0, 1.0, 3.0])})[0]
    np.testing.assert_allclose(got, [0.0, 2 * np.log(2.0) ** 2, 0.125 * np.log(0.5) ** 2])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_row_of_only_minus_infinity_has_logsumexp_minus_infinity_and_gradient_zero(backend):
    x = gc.placeholder((3, 4), gc.float64, name="x")
    rows = np.array([[-np.inf] * 4, [0.0, 1.0, -np.inf, 2.0], [3.0, 3.0, 3.0, 3.0]])
    lse = gc.logsumexp(x, axis=1)
    (g,) = gc.grad(gc.sum(lse), [x])
    value, grad = run(backend, [lse, g], {x: rows})
    with np.errstate(divide="ignore"):
        expected = np.log(np.sum(np.exp(rows), axis=1))
    np.testing.assert_allclose(value, expected)
    assert np.all(grad[0] == 0)
    np.testing.assert_allclose(grad[1:], np.exp(rows[1:] - expected[1:, None]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_fully_masked_softmax_row_is_zero_and_does_not_poison_training(backend):
    logits = gc.placeholder((2, 3), gc.float64, name="logits")
    mask = np.array([[True, True, True], [False, True, False]])
    masked = gc.where(gc.constant(mask), gc.constant(np.full((2, 3), -np.inf)), logits)
    p, logp = gc.softmax(masked), gc.log_softmax(masked)
    (g,) = gc.grad(gc.sum(p * gc.constant(np.arange(6.0).reshape(2, 3))), [logits])
    pv, logpv, gv = run(backend, [p, logp, g], {logits: np.array([[1.0, 2.0, 3.0], [0.5, 9.0, -1.0]])})
    np.testing.assert_array_equal(pv[0], 0.0)
    np.testing.assert_array_equal(logpv[0], -np.inf)
    assert np.all(np.isfinite(gv)) and np.all(gv[0] == 0)
    np.testing.assert_allclose(pv[1].sum(), 1.0)


def test_finite_rows_keep_their_values_bit_for_bit_across_backends():
    x = gc.placeholder((5, 7), gc.float32, name="x")
    v = np.random.default_rng(0).normal(size=(5, 7)).astype(np.float32) * 30
    outs = [run(b, [gc.log_softmax(x), gc.logsumexp(x)], {x: v}) for b in BACKENDS]
    m = v.max(axis=1, keepdims=True)
    lse = np.log(np.exp(v - m).sum(axis=1, keepdims=True)) + m
    for lsm, total in outs:
        np.testing.assert_allclose(total, lse[:, 0], rtol=1e-6)
        np.testing.assert_allclose(lsm, v - lse, rtol=1e-5, atol=1e-5)
