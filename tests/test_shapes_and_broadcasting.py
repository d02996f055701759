"""Shapes: broadcasting gradients reduce back to each input's shape; indexing, concatenation, reshape,
transpose, expand/squeeze, one_hot, numerically stable softmax family, reductions, matmul shapes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc


def run(outputs, feeds):
    return gc.Session().run(outputs, feeds)


@st.composite
def broadcast_pair(draw):
    full = draw(st.lists(st.integers(1, 4), min_size=0, max_size=4))
    a = [d if draw(st.booleans()) else 1 for d in full]
    b = [d if draw(st.booleans()) else 1 for d in full]
    return tuple(a[draw(st.integers(0, len(a))):]), tuple(b[draw(st.integers(0, len(b))):])


@settings(max_examples=25, deadline=None)
@given(pair=broadcast_pair())
def test_broadcast_gradients_reduce_back_to_each_input_shape(pair):
    a_shape, b_shape = pair
    a, b = gc.placeholder(a_shape, gc.float64), gc.placeholder(b_shape, gc.float64)
    y = a * b + a
    assert y.shape == np.broadcast_shapes(a_shape, b_shape)
    a_val, b_val = np.full(a_shape, 2.0), np.full(b_shape, 3.0)
    ga, gb = run(gc.grad(gc.sum(y), [a, b]), {a: a_val, b: b_val})
    out = np.broadcast_shapes(a_shape, b_shape)
    assert ga.shape == a_shape and gb.shape == b_shape
    # each input element's gradient is (its partial) × the number of output elements it was broadcast to
    np.testing.assert_allclose(ga, np.full(a_shape, 4.0 * np.prod(out) / max(np.prod(a_shape), 1)))
    np.testing.assert_allclose(gb, np.full(b_shape, 2.0 * np.prod(out) / max(np.prod(b_shape), 1)))


def test_broadcast_gradient_with_feed_time_sizes():
    x, bias = gc.placeholder((None, 3), gc.float64), gc.placeholder((3,), gc.float64)
    g = gc.grad(gc.sum(x + bias), bias)
    np.testing.assert_array_equal(run(g, {x: np.ones((7, 3)), bias: np.zeros(3)}), [7, 7, 7])


@pytest.mark.parametrize("key", [
    (1,), (-1,), (slice(None, None, 2),), (slice(None, None, -1),), (slice(-3, None),), (slice(1, -1, 2),),
    (None,), (Ellipsis,), (Ellipsis, 1), (1, Ellipsis, None), (slice(None), None, -2), (0, 1, 2),
    (slice(5, 1, -2), slice(None), slice(None, None, 3)), (None, Ellipsis, None), (slice(10, 20),),
])
def test_indexing_matches_numpy_and_its_gradient_scatters_back(key):
    data = np.arange(60.0).reshape(3, 4, 5)
    x = gc.placeholder((3, 4, 5), gc.float64)
    y = x[key]
    weights = np.random.default_rng(0).standard_normal(data[key].shape)
    value, g = run([y, gc.grad(gc.sum(y * gc.constant(weights)), x)], {x: data})
    np.testing.assert_array_equal(value, data[key])
    expected = np.zeros_like(data)
    np.add.at(expected, key, weights)
    np.testing.assert_array_equal(g, expected)


def test_concatenate_values_and_gradients_split_back():
    a, b = gc.placeholder((2, 3), gc.float64), gc.placeholder((2, 1), gc.float64)
    y = gc.concatenate([a, b, a], axis=1)
    a_val, b_val = np.arange(6.0).reshape(2, 3), np.array([[10.0], [20.0]])
    w = np.arange(14.0).reshape(2, 7)
    value, ga, gb = run([y] + gc.grad(gc.sum(y * gc.constant(w)), [a, b]), {a: a_val, b: b_val})
    np.testing.assert_array_equal(value, np.concatenate([a_val, b_val, a_val], 1))
    np.testing.assert_array_equal(ga, w[:, :3] + w[:, 4:])
    np.testing.assert_array_equal(gb, w[:, 3:4])


def test_reshape_with_minus_one_and_feed_time_sizes():
    x = gc.placeholder((None, 2, 3), gc.float64)
    y = gc.reshape(x, (-1, 3))
    data = np.arange(24.0).reshape(4, 2, 3)
    value, g = run([y, gc.grad(gc.sum(y * y), x)], {x: data})
    np.testing.assert_array_equal(value, data.reshape(-1, 3))
    np.testing.assert_array_equal(g, 2 * data)


def test_transpose_default_reverses_axes_and_perm_is_honoured():
    x = gc.placeholder((2, 3, 4), gc.float64)
    data = np.arange(24.0).reshape(2, 3, 4)
    a, b = run([gc.transpose(x), gc.transpose(x, (1, 0, 2))], {x: data})
    np.testing.assert_array_equal(a, data.transpose())
    np.testing.assert_array_equal(b, data.transpose(1, 0, 2))
    assert gc.transpose(x, (2, 0, 1)).shape == (4, 2, 3)


def test_expand_dims_and_squeeze_shapes():
    x = gc.placeholder((3, 1, 4), gc.float64)
    assert gc.expand_dims(x, 0).shape == (1, 3, 1, 4)
    assert gc.expand_dims(x, -1).shape == (3, 1, 4, 1)
    assert gc.squeeze(x).shape == (3, 4)
    assert gc.squeeze(x, 1).shape == (3, 4)
    data = np.arange(12.0).reshape(3, 1, 4)
    np.testing.assert_array_equal(run(gc.squeeze(gc.expand_dims(x, 0)), {x: data}), data.squeeze())


def test_one_hot_matches_numpy_eye():
    labels = gc.placeholder((None,), gc.int64)
    out = run(gc.one_hot(labels, 4), {labels: np.array([0, 3, 1, 3])})
    np.testing.assert_array_equal(out, np.eye(4)[[0, 3, 1, 3]])


def test_softmax_family_is_stable_for_large_logits():
    z = gc.placeholder((2, 3), gc.float64)
    logits = np.array([[1000.0, 1000.0, 0.0], [-1000.0, 0.0, 1000.0]])
    labels = gc.constant(np.array([0, 2]))
    loss = gc.sum(gc.softmax_cross_entropy(z, labels))
    outs = run([gc.softmax(z), gc.log_softmax(z), gc.logsumexp(z), loss, gc.grad(loss, z),
                gc.grad(gc.sum(gc.logsumexp(z)), z)], {z: logits})
    for out in outs:
        assert np.all(np.isfinite(out))
    sm, lsm, lse, loss_val, g, g_lse = outs
    np.testing.assert_allclose(sm, [[0.5, 0.5, 0], [0, 0, 1]], atol=1e-300)
    np.testing.assert_allclose(lse, [1000 + np.log(2), 1000.0])
    np.testing.assert_allclose(lsm[0], [-np.log(2), -np.log(2), -1000 - np.log(2)])
    assert loss_val == pytest.approx(np.log(2))
    np.testing.assert_allclose(g, sm - np.eye(3)[[0, 2]], atol=1e-300)
    np.testing.assert_allclose(g_lse, sm, atol=1e-300)


def test_softmax_cross_entropy_with_int_labels_equals_one_hot_probabilities():
    z = gc.placeholder((3, 4), gc.float64)
    ints = np.array([1, 0, 3])
    a = gc.softmax_cross_entropy(z, gc.constant(ints))
    b = gc.softmax_cross_entropy(z, gc.one_hot(gc.constant(ints), 4))
    logits = np.random.default_rng(0).standard_normal((3, 4))
    a_val, b_val = run([a, b], {z: logits})
    assert a_val.shape == (3,)
    np.testing.assert_allclose(a_val, b_val, rtol=1e-14)
    lse = np.log(np.exp(logits).sum(1))
    np.testing.assert_allclose(a_val, lse - logits[np.arange(3), ints], rtol=1e-14)


def test_softmax_cross_entropy_with_probability_labels():
    z = gc.placeholder((2, 3), gc.float64)
    p = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    logits = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]])
    loss = gc.softmax_cross_entropy(z, gc.constant(p))
    value, g = run([loss, gc.grad(gc.sum(loss), z)], {z: logits})
    log_sm = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(value, -(p * log_sm).sum(1), rtol=1e-14)
    np.testing.assert_allclose(g, np.exp(log_sm) - p, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_reductions_match_numpy_with_axis_and_keepdims(name, axis, keepdims):
    data = np.random.default_rng(1).standard_normal((3, 4))
    x = gc.placeholder((3, 4), gc.float64)
    y = getattr(gc, name)(x, axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(data, axis=axis, keepdims=keepdims)
    assert y.shape == expected.shape
    np.testing.assert_allclose(run(y, {x: data}), expected, rtol=1e-14)


def test_mean_with_a_feed_time_size_divides_by_the_fed_size():
    x = gc.placeholder((None,), gc.float64)
    y = gc.mean(x)
    for n in (2, 5):
        value, g = run([y, gc.grad(y, x)], {x: np.arange(float(n))})
        assert value == pytest.approx((n - 1) / 2)
        np.testing.assert_allclose(g, np.full(n, 1.0 / n))


@pytest.mark.parametrize("name", ["max", "min"])
def test_ties_in_max_and_min_split_the_gradient_equally(name):
    x = gc.placeholder((2, 3), gc.float64)
    data = np.array([[1.0, 5.0, 5.0], [2.0, 2.0, 2.0]]) * (1 if name == "max" else -1)
    g = run(gc.grad(gc.sum(getattr(gc, name)(x, axis=1)), x), {x: data})
    np.testing.assert_allclose(g, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    g_all = run(gc.grad(getattr(gc, name)(x), x), {x: data})
    assert g_all.sum() == pytest.approx(1.0)


def test_ties_in_elementwise_maximum_split_the_gradient():
    a, b = gc.placeholder((3,), gc.float64), gc.placeholder((3,), gc.float64)
    ga, gb = run(gc.grad(gc.sum(gc.maximum(a, b)), [a, b]), {a: np.array([1.0, 2.0, 3.0]), b: np.array([0, 2.0, 4])})
    np.testing.assert_array_equal(ga, [1, 0.5, 0])
    np.testing.assert_array_equal(gb, [0, 0.5, 1])


@pytest.mark.parametrize("a_shape,b_shape", [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)), ((6, 1, 2, 3), (5, 3, 4)),
])
def test_matmul_shapes_and_values_match_numpy(a_shape, b_shape):
    rng = np.random.default_rng(2)
    a_val, b_val = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    a, b = gc.placeholder(a_shape, gc.float64), gc.placeholder(b_shape, gc.float64)
    y = gc.matmul(a, b)
    assert y.shape == np.matmul(a_val, b_val).shape
    value, ga, gb = run([y] + gc.grad(gc.sum(y), [a, b]), {a: a_val, b: b_val})
    np.testing.assert_allclose(value, a_val @ b_val, rtol=1e-13)
    assert ga.shape == a_shape and gb.shape == b_shape


def test_matmul_operator_and_feed_time_batch():
    x, w = gc.placeholder((None, 3), gc.float64), gc.placeholder((3, 2), gc.float64)
    y = x @ w
    assert y.shape == (None, 2)
    x_val, w_val = np.ones((4, 3)), np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(run(y, {x: x_val, w: w_val}), x_val @ w_val)


def test_python_numbers_default_to_32_bits_and_numpy_data_keeps_its_dtype():
    assert gc.constant(3.0).dtype == gc.float32
    assert gc.constant([1, 2]).dtype == gc.int32
    assert gc.variable([0.5, 1.5]).dtype == gc.float32
    assert gc.constant(np.float64(3.0)).dtype == gc.float64
    assert gc.variable(np.zeros(3)).dtype == gc.float64
    assert gc.constant(2**40).dtype == gc.int64  # too big for int32: widened, never wrapped


def test_a_python_number_beside_a_tensor_takes_the_tensor_dtype():
    x = gc.placeholder((2,), gc.float64)
    assert (x * 0.5).dtype == gc.float64
    assert gc.where(x > 0, x, 0.0).dtype == gc.float64
    assert gc.where(x > 0, 1.0, 0.5).dtype == gc.float32
