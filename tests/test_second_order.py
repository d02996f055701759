"""Second and higher derivatives: Hessians against finite differences of the gradient, gc.hessian and
gc.jacobian agreeing across modes, gradients of gradients to third order."""

import numpy as np
import pytest

import graphc as gc


def _small_network():
    rng = np.random.default_rng(0)
    x_val = rng.standard_normal((5, 3))
    w = gc.placeholder((6,), gc.float64, name="w")  # a (3, 2) weight matrix, flattened
    x = gc.constant(x_val)
    h = gc.tanh(gc.matmul(x, gc.reshape(w, (3, 2))))
    loss = gc.sum(gc.log_softmax(h) ** 2) + gc.sum(gc.sigmoid(w) * w)
    return w, loss, rng.standard_normal(6)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_hessian_of_a_small_network_matches_finite_differences_of_its_gradient(mode):
    w, loss, w_val = _small_network()
    grad_fn = gc.function([w], gc.grad(loss, w))
    hess = gc.function([w], gc.hessian(loss, w, mode=mode))(w_val)
    eps = 1e-5
    numeric = np.stack([(grad_fn(w_val + eps * e) - grad_fn(w_val - eps * e)) / (2 * eps) for e in np.eye(6)], 1)
    np.testing.assert_allclose(hess, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hess, hess.T, rtol=1e-10, atol=1e-12)


def test_hessian_modes_agree():
    w, loss, w_val = _small_network()
    f = gc.function([w], [gc.hessian(loss, w, mode=m) for m in ("forward", "reverse", "auto")])
    fwd, rev, auto = f(w_val)
    np.testing.assert_allclose(fwd, rev, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fwd, auto, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("in_shape,out_shape", [((3,), (4,)), ((4,), (2,)), ((2, 2), (3,))])
def test_jacobian_modes_agree_and_match_finite_differences(in_shape, out_shape):
    rng = np.random.default_rng(1)
    n, m = int(np.prod(in_shape)), int(np.prod(out_shape))
    a = gc.constant(rng.standard_normal((m, n)))
    x = gc.placeholder(in_shape, gc.float64)
    y = gc.reshape(gc.sin(gc.matmul(a, gc.reshape(x, (n,)))) * gc.sum(x * x), out_shape)
    x_val = rng.standard_normal(in_shape)
    jacobians = gc.function([x], [gc.jacobian(y, x, mode=m) for m in ("forward", "reverse", "auto")])(x_val)
    assert all(j.shape == out_shape + in_shape for j in jacobians)
    f = gc.function([x], y)
    eps = 1e-6
    numeric = np.stack([(f(x_val + eps * e.reshape(in_shape)) - f(x_val - eps * e.reshape(in_shape))) / (2 * eps)
                        for e in np.eye(n)], -1).reshape(out_shape + in_shape)
    for j in jacobians:
        np.testing.assert_allclose(j, numeric, rtol=1e-6, atol=1e-8)


def test_jacobian_of_an_elementwise_function_is_diagonal():
    x = gc.placeholder((4,), gc.float64)
    x_val = np.array([0.1, 0.5, 1.0, 2.0])
    j = gc.function([x], gc.jacobian(gc.exp(x), x))(x_val)
    np.testing.assert_allclose(j, np.diag(np.exp(x_val)), rtol=1e-15)


def test_gradients_of_gradients_to_third_order():
    """y = x⁴ sin x: y', y'', y''' by repeated grad, and forward-over-reverse for the second."""
    x = gc.placeholder((), gc.float64)
    y = x ** 4 * gc.sin(x)
    d1 = gc.grad(y, x)
    d2 = gc.grad(d1, x)
    d3 = gc.grad(d2, x)
    d2_fwd = gc.jvp(d1, x, 1.0)
    v = 0.7
    s, c = np.sin(v), np.cos(v)
    expected = [4 * v**3 * s + v**4 * c,
                12 * v**2 * s + 8 * v**3 * c - v**4 * s,
                24 * v * s + 36 * v**2 * c - 12 * v**3 * s - v**4 * c]
    got = gc.function([x], [d1, d2, d3, d2_fwd])(v)
    np.testing.assert_allclose(got, expected + [expected[1]], rtol=1e-13)


def test_third_order_forward_mode():
    x = gc.placeholder((), gc.float64)
    y = gc.exp(2 * x)
    t3 = gc.jvp(gc.jvp(gc.jvp(y, x, 1.0), x, 1.0), x, 1.0)
    assert gc.function([x], t3)(0.3) == pytest.approx(8 * np.exp(0.6), rel=1e-14)


def test_hessian_vector_product_by_forward_over_reverse():
    w, loss, w_val = _small_network()
    v = np.arange(6.0)
    hvp = gc.jvp(gc.grad(loss, w), w, gc.constant(v))
    hess, hv = gc.function([w], [gc.hessian(loss, w), hvp])(w_val)
    np.testing.assert_allclose(hv, hess @ v, rtol=1e-11, atol=1e-12)


def test_hessian_of_softmax_cross_entropy_is_diag_p_minus_outer_p_p():
    z = gc.placeholder((4,), gc.float64)
    loss = gc.softmax_cross_entropy(z, gc.constant(np.array(2)))
    z_val = np.array([0.3, -1.0, 2.0, 0.5])
    p = np.exp(z_val) / np.exp(z_val).sum()
    np.testing.assert_allclose(gc.function([z], gc.hessian(loss, z))(z_val), np.diag(p) - np.outer(p, p),
                               rtol=1e-12, atol=1e-15)


def test_jax_agrees_on_the_hessian_when_installed():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    w, loss, w_val = _small_network()
    x_val = np.random.default_rng(0).standard_normal((5, 3))

    def f(wv):
        h = jnp.tanh(x_val @ wv.reshape(3, 2))
        return jnp.sum(jax.nn.log_softmax(h) ** 2) + jnp.sum(jax.nn.sigmoid(wv) * wv)

    np.testing.assert_allclose(gc.function([w], gc.hessian(loss, w))(w_val), jax.hessian(f)(w_val), rtol=1e-10)
