"""Every differentiable op: VJP (reverse) and JVP (forward) against central differences in float64,
on random shapes with broadcasting (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc

SETTINGS = settings(max_examples=8, deadline=None)


def _central_jvp(f, values, directions, eps=1e-6):
    plus = f(*[v + eps * d for v, d in zip(values, directions)])
    minus = f(*[v - eps * d for v, d in zip(values, directions)])
    return (plus - minus) / (2 * eps)


def check_vjp_and_jvp(build, values, seed=0):
    """Reverse mode by gc.check_grad; forward mode: jvp along a random direction vs central differences."""
    xs = [gc.placeholder(np.shape(v), gc.float64, name=f"x{i}") for i, v in enumerate(values)]
    y = build(*xs)
    feed = dict(zip(xs, values))
    assert gc.check_grad(y, xs, feed, seed=seed)
    rng = np.random.default_rng(seed)
    directions = [rng.standard_normal(np.shape(v)) for v in values]
    tangent = gc.jvp(y, xs, [gc.constant(d) for d in directions])
    f = gc.function(xs, y)
    analytic = gc.function(xs, tangent)(*values)
    np.testing.assert_allclose(analytic, _central_jvp(f, values, directions), rtol=1e-5, atol=1e-7)


shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together: some dims of each dropped to 1 or left off the front."""
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    a = [d if draw(st.booleans()) else 1 for d in full]
    b = [d if draw(st.booleans()) else 1 for d in full]
    return tuple(a[draw(st.integers(0, len(a))):]), tuple(b)


def _values(shape, low, high, seed):
    return np.random.default_rng(seed).uniform(low, high, shape)


UNARY = {
    "neg": (gc.neg, -2, 2),
    "exp": (gc.exp, -2, 2),
    "log": (gc.log, 0.5, 3),
    "log1p": (gc.log1p, -0.5, 2),
    "expm1": (gc.expm1, -2, 2),
    "sin": (gc.sin, -3, 3),
    "cos": (gc.cos, -3, 3),
    "tanh": (gc.tanh, -2, 2),
    "sqrt": (gc.sqrt, 0.5, 3),
    "sigmoid": (gc.sigmoid, -3, 3),
    "abs": (gc.abs, 0.2, 2),
    "relu": (gc.relu, 0.2, 2),
    "square": (lambda x: x ** 2, -2, 2),
    "cube": (lambda x: gc.power(x, 3), -2, 2),
    "rsqrt": (lambda x: x ** -0.5, 0.5, 2),
    "softmax": (gc.softmax, -2, 2),
    "log_softmax": (gc.log_softmax, -2, 2),
    "logsumexp": (gc.logsumexp, -2, 2),
    "sum": (gc.sum, -2, 2),
    "mean": (gc.mean, -2, 2),
    "transpose": (gc.transpose, -2, 2),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(shape=shapes, seed=st.integers(0, 2 ** 16))
def test_unary_op_derivatives_match_central_differences(name, shape, seed):
    op, low, high = UNARY[name]
    if name in ("softmax", "log_softmax", "logsumexp") and shape == ():
        shape = (3,)
    check_vjp_and_jvp(op, [_values(shape, low, high, seed)], seed)


def test_abs_and_relu_on_the_negative_side():
    x = _values((5,), -2, -0.2, 0)
    check_vjp_and_jvp(gc.abs, [x])
    check_vjp_and_jvp(gc.relu, [x])


BINARY = {
    "add": (gc.add, (-2, 2), (-2, 2)),
    "subtract": (gc.subtract, (-2, 2), (-2, 2)),
    "multiply": (gc.multiply, (-2, 2), (-2, 2)),
    "divide": (gc.divide, (-2, 2), (0.5, 2)),
    "power": (gc.power, (0.5, 2), (-2, 2)),
    "maximum": (gc.maximum, (-2, -0.1), (0.1, 2)),
    "minimum": (gc.minimum, (-2, -0.1), (0.1, 2)),
    "where": (lambda a, b: gc.where(a > 0, a * b, b - a), (-2, 2), (-2, 2)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(pair=broadcast_pair(), seed=st.integers(0, 2 ** 16))
def test_binary_op_derivatives_with_broadcasting(name, pair, seed):
    op, (alo, ahi), (blo, bhi) = BINARY[name]
    a = _values(pair[0], alo, ahi, seed)
    b = _values(pair[1], blo, bhi, seed + 1)
    if name == "where":
        a = np.where(np.abs(a) < 0.1, 0.5, a)  # stay away from the kink
    check_vjp_and_jvp(op, [a, b], seed)


@SETTINGS
@given(pair=broadcast_pair(), seed=st.integers(0, 2 ** 16))
def test_binary_ops_with_the_inputs_swapped(pair, seed):
    a, b = _values(pair[1], 0.5, 2, seed), _values(pair[0], 0.5, 2, seed + 1)
    check_vjp_and_jvp(lambda x, y: x / y + x ** y - gc.maximum(x, y * 0.01), [a, b], seed)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False), (-1, True)])
@pytest.mark.parametrize("reduce", [gc.sum, gc.mean, gc.max, gc.min], ids=["sum", "mean", "max", "min"])
def test_reductions_with_axis_and_keepdims(reduce, axis, keepdims):
    x = np.random.default_rng(3).permutation(24).reshape(2, 3, 4) / 7.0  # distinct: no ties
    check_vjp_and_jvp(lambda v: reduce(v, axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("a_shape,b_shape", [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)),
])
def test_matmul_1d_2d_and_batched_with_broadcasting(a_shape, b_shape):
    check_vjp_and_jvp(gc.matmul, [_values(a_shape, -1, 1, 1), _values(b_shape, -1, 1, 2)])


SHAPE_OPS = {
    "reshape_-1": ((2, 3, 4), lambda x: gc.reshape(x, (4, -1)) * gc.constant(np.arange(24.0).reshape(4, 6))),
    "transpose_perm": ((2, 3, 4), lambda x: gc.transpose(x, (2, 0, 1)) * gc.constant(np.arange(24.0).reshape(4, 2, 3))),
    "expand_squeeze": ((3, 1, 2), lambda x: gc.squeeze(gc.expand_dims(x, 0) * x, axis=(0, 2))),
    "broadcast_to": ((3, 1), lambda x: gc.broadcast_to(x, (2, 3, 4)) ** 2),
    "slice_steps": ((5, 6), lambda x: x[::2, 1:-1] ** 2),
    "slice_negative_step": ((5, 6), lambda x: x[:0:-2, -1] * x[1::2, 0]),
    "slice_int_none_ellipsis": ((3, 4, 5), lambda x: x[1, None, ..., 2:4] ** 3),
    "concatenate": ((2, 3), lambda x: gc.concatenate([x, x ** 2, gc.sin(x)], axis=1)),
    "concatenate_axis0": ((2, 3), lambda x: gc.concatenate([x[:1], x * 3], axis=0) ** 2),
    "stack": ((2, 3), lambda x: gc.stack([x, gc.exp(x)], axis=1)),
    "one_hot_weights": ((4, 3), lambda x: gc.sum(x * gc.one_hot(gc.constant(np.array([0, 2, 1, 2])), 3), axis=1)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_shape_and_index_op_derivatives(name):
    shape, build = SHAPE_OPS[name]
    check_vjp_and_jvp(build, [_values(shape, 0.5, 2, 4)])


@pytest.mark.parametrize("labels", ["int", "probabilities"])
def test_softmax_cross_entropy_derivatives(labels):
    logits = _values((4, 3), -2, 2, 5)
    if labels == "int":
        y = gc.constant(np.array([0, 2, 1, 1]))
    else:
        p = np.random.default_rng(6).uniform(0.1, 1, (4, 3))
        y = gc.constant(p / p.sum(1, keepdims=True))
    check_vjp_and_jvp(lambda z: gc.softmax_cross_entropy(z, y), [logits])


def test_sigmoid_cross_entropy_derivatives():
    labels = gc.constant(np.array([0.0, 1.0, 0.3, 1.0]))
    check_vjp_and_jvp(lambda z: gc.sigmoid_cross_entropy(z, labels), [_values((4,), -3, 3, 7)])


def test_cast_between_floats_passes_the_gradient():
    """Through a float32 round trip, d(x·x)/dx is 2x up to float32 rounding (check_grad promotes to float64)."""
    x_val, v = _values((3,), -1, 1, 8), np.array([1.0, -2.0, 0.5])
    x = gc.placeholder((3,), gc.float64)
    y = gc.cast(gc.cast(x, gc.float32), gc.float64) * x
    assert gc.check_grad(y, [x], {x: x_val})
    tangent, cotangent = gc.function([x], [gc.jvp(y, x, gc.constant(v)), gc.grad(gc.sum(y), x)])(x_val)
    np.testing.assert_allclose(tangent, 2 * x_val * v, rtol=1e-6)
    np.testing.assert_allclose(cotangent, 2 * x_val, rtol=1e-6)


def test_vjp_agrees_with_jvp_transposed():
    """⟨u, J v⟩ from forward mode equals ⟨Jᵀ u, v⟩ from reverse mode."""
    rng = np.random.default_rng(9)
    x = gc.placeholder((3, 4), gc.float64)
    y = gc.tanh(gc.matmul(x, gc.constant(rng.standard_normal((4, 2))))) * gc.sum(x, axis=1, keepdims=True)
    u, v, x_val = rng.standard_normal((3, 2)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    jv = gc.function([x], gc.jvp(y, x, gc.constant(v)))(x_val)
    jtu = gc.function([x], gc.grad(y, x, grad_y=gc.constant(u)))(x_val)
    assert np.sum(u * jv) == pytest.approx(np.sum(jtu * v), rel=1e-12)


def test_torch_agrees_on_a_small_network_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    x_val, w_val = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    x, w = gc.placeholder((4, 3), gc.float64), gc.placeholder((3, 2), gc.float64)
    loss = gc.sum(gc.log_softmax(gc.tanh(gc.matmul(x, w))) ** 2)
    ours = gc.function([x, w], gc.grad(loss, w))(x_val, w_val)
    wt = torch.tensor(w_val, requires_grad=True)
    (torch.log_softmax(torch.tanh(torch.tensor(x_val) @ wt), -1) ** 2).sum().backward()
    np.testing.assert_allclose(ours, wt.grad.numpy(), rtol=1e-12)


# ---- a zero cotangent stays zero: masked branches never poison a gradient -----------------------


def _masked_gradient(build, at):
    x = gc.placeholder((len(at),), gc.float64)
    y = gc.sum(build(x))
    return gc.function([x], [y, gc.grad(y, x), gc.jvp(y, x, gc.constant(np.ones(len(at))))])(np.array(at))


@pytest.mark.parametrize("name,build,at,expected", [
    ("sqrt", lambda x: gc.where(x > 0, gc.sqrt(x), 0.0), [0.0, 4.0], [0.0, 0.25]),
    ("log", lambda x: gc.where(x > 0, gc.log(x), 0.0), [0.0, 2.0], [0.0, 0.5]),
    ("divide", lambda x: gc.where(gc.not_equal(x, 0.0), 1.0 / x, 0.0), [0.0, 2.0], [0.0, -0.25]),
    ("pow", lambda x: gc.where(x > 0, x ** -1.5, 0.0), [0.0, 1.0], [0.0, -1.5]),
    ("tensor pow", lambda x: gc.where(x > 0, gc.power(x, gc.constant(np.array([0.5, 0.5]))), 0.0),
     [0.0, 4.0], [0.0, 0.25]),
    ("log1p", lambda x: gc.where(x > -1, gc.log1p(x), 0.0), [-1.0, 0.0], [0.0, 1.0]),
])
def test_masked_singular_branch_has_zero_gradient_not_nan(name, build, at, expected):
    _, g, t = _masked_gradient(build, at)
    np.testing.assert_array_equal(g, expected)
    assert t == pytest.approx(sum(expected))


def test_norm_with_a_safe_where_has_zero_gradient_at_the_origin():
    x = gc.placeholder((3,), gc.float64)
    sq = gc.sum(x * x)
    norm = gc.where(sq > 0, gc.sqrt(gc.where(sq > 0, sq, 1.0)), 0.0)
    np.testing.assert_array_equal(gc.function([x], gc.grad(norm, x))(np.zeros(3)), np.zeros(3))


# ---- grad of things the output does not depend on ------------------------------------------------


def test_grad_is_zeros_for_an_input_that_does_not_influence_the_output():
    x, unused = gc.placeholder((2, 3), gc.float64), gc.placeholder((4,), gc.float32)
    y = gc.sum(x * x)
    gx, gu = gc.grad(y, [x, unused])
    assert gu is not None and gu.shape == (4,) and gu.dtype == np.float32
    _, gu_val = gc.function([x, unused], [gx, gu])(np.ones((2, 3)), np.ones(4, np.float32))
    np.testing.assert_array_equal(gu_val, np.zeros(4, np.float32))


def test_grad_through_stop_gradient_only_is_zeros():
    x = gc.placeholder((3,), gc.float64)
    g = gc.grad(gc.sum(gc.stop_gradient(x) ** 2), x)
    np.testing.assert_array_equal(gc.function([x], g)(np.arange(3.0)), np.zeros(3))


def test_jvp_of_an_output_independent_of_the_input_is_zeros():
    x, other = gc.placeholder((3,), gc.float64), gc.placeholder((2,), gc.float64)
    t = gc.jvp(other * 2, x, 1.0)
    np.testing.assert_array_equal(gc.function([x, other], t)(np.ones(3), np.ones(2)), np.zeros(2))


def test_integer_and_comparison_paths_carry_no_gradient():
    x = gc.placeholder((3,), gc.float64)
    y = gc.sum(gc.cast(x > 1, gc.float64) * x + gc.floor(x))
    np.testing.assert_array_equal(gc.function([x], gc.grad(y, x))(np.array([0.5, 1.5, 2.5])), [0, 1, 1])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=100, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2 ** 16))
def test_unary_op_derivatives_exhaustive(name, shape, seed):
    test_unary_op_derivatives_match_central_differences.hypothesis.inner_test(name, shape, seed)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=100, deadline=None)
@given(pair=broadcast_pair(), seed=st.integers(0, 2 ** 16))
def test_binary_op_derivatives_exhaustive(name, pair, seed):
    test_binary_op_derivatives_with_broadcasting.hypothesis.inner_test(name, pair, seed)
