"""gc.nn.LayerNorm, gc.nn.BatchNorm and gc.nn.Dropout: values against numpy written here, gradients (and a
second derivative) against central differences in float64, running averages against their recurrence,
and the llvm backend against the numpy reference."""

import numpy as np
import pytest

import graphc as gc

f64 = gc.float64


def numpy_layer_norm(x, scale, offset, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * scale + offset


def numpy_batch_norm(x, mean, var, scale, offset, eps):
    return (x - mean) / np.sqrt(var + eps) * scale + offset


def randomized_layer_norm(dim, seed=0, dtype=f64, **kwargs):
    """A LayerNorm whose scale and offset are not the identity's, so tests see them act."""
    rng = np.random.default_rng(seed)
    layer = gc.nn.LayerNorm(dim, dtype=dtype, **kwargs)
    layer.scale.assign(rng.uniform(0.5, 1.5, dim).astype(layer.scale.dtype))
    layer.offset.assign(rng.standard_normal(dim).astype(layer.offset.dtype))
    return layer


def test_layer_norm_matches_numpy_over_the_last_axis():
    layer = randomized_layer_norm(7, epsilon=1e-3)
    x = gc.placeholder((None, 3, 7), f64)
    data = np.random.default_rng(1).standard_normal((2, 3, 7)) * 3 + 1
    got = gc.function([x], layer(x))(data)
    np.testing.assert_allclose(got, numpy_layer_norm(data, layer.scale.value, layer.offset.value, 1e-3), rtol=1e-12)


def test_layer_norm_gradients_match_central_differences():
    layer = randomized_layer_norm(5)
    x = gc.placeholder((4, 5), f64)
    loss = gc.sum(gc.tanh(layer(x)) * np.arange(20.0).reshape(4, 5))
    data = np.random.default_rng(2).standard_normal((4, 5))
    assert gc.check_grad(loss, [x, layer.scale, layer.offset], {x: data}, rtol=1e-6)


def test_layer_norm_second_derivative_matches_finite_differences_of_its_gradient():
    layer = randomized_layer_norm(4)
    x = gc.placeholder((3, 4), f64)
    loss = gc.sum(layer(x) ** 3)
    grad_fn = gc.function([x], gc.grad(loss, x))
    hess = gc.function([x], gc.hessian(loss, x))
    data = np.random.default_rng(3).standard_normal((3, 4))
    eps = 1e-5
    basis = np.eye(12).reshape(12, 3, 4)
    numeric = np.stack([(grad_fn(data + eps * e) - grad_fn(data - eps * e)) / (2 * eps) for e in basis], -1)
    np.testing.assert_allclose(hess(data).reshape(3, 4, 12), numeric, rtol=1e-5, atol=1e-7)


def test_layer_norm_on_llvm_matches_the_numpy_reference():
    layer = randomized_layer_norm(33, dtype=gc.float32)
    x = gc.placeholder((None, 33), gc.float32)
    loss = gc.mean(layer(x) ** 2)
    outputs = [layer(x), *gc.grad(loss, [x, layer.scale, layer.offset])]
    data = np.random.default_rng(4).standard_normal((10, 33)).astype(np.float32)
    expected = gc.function([x], outputs)(data)
    for got, want in zip(gc.function([x], outputs, backend="llvm")(data), expected):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


def test_layer_norm_refuses_the_wrong_width_naming_the_shapes():
    with pytest.raises(gc.ShapeError, match=r"expects 4 features.*\(None, 5\)"):
        gc.nn.LayerNorm(4)(gc.placeholder((None, 5)))


def test_batch_norm_in_training_normalizes_by_the_batch_over_every_axis_but_the_features():
    layer = gc.nn.BatchNorm(3, dtype=f64)
    layer.scale.assign(np.array([1.0, 2.0, 0.5]))
    layer.offset.assign(np.array([0.0, -1.0, 3.0]))
    x = gc.placeholder((None, 4, 4, 3), f64)
    data = np.random.default_rng(5).standard_normal((2, 4, 4, 3)) * 2 + 5
    got = gc.function([x], layer(x, training=True))(data)
    mean, var = data.mean((0, 1, 2)), data.var((0, 1, 2))
    np.testing.assert_allclose(got, numpy_batch_norm(data, mean, var, layer.scale.value, layer.offset.value, 1e-3),
                               rtol=1e-12)


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_batch_norm_running_averages_follow_the_momentum_recurrence_and_inference_uses_them(backend):
    layer = gc.nn.BatchNorm(4, momentum=0.9, epsilon=1e-2, dtype=f64)
    x = gc.placeholder((None, 4), f64)
    train = gc.function([x], layer(x, training=True), updates=layer.updates, backend=backend)
    rng = np.random.default_rng(6)
    moving_mean, moving_var = np.zeros(4), np.ones(4)
    for _ in range(5):
        batch = rng.standard_normal((8, 4)) * rng.uniform(0.5, 3, 4) + rng.uniform(-2, 2, 4)
        train(batch)
        moving_mean = 0.9 * moving_mean + 0.1 * batch.mean(0)
        moving_var = 0.9 * moving_var + 0.1 * batch.var(0)
    np.testing.assert_allclose(layer.moving_mean.value, moving_mean, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_variance.value, moving_var, rtol=1e-12)
    test_batch = rng.standard_normal((3, 4))
    got = gc.function([x], layer(x), backend=backend)(test_batch)
    np.testing.assert_allclose(got, numpy_batch_norm(test_batch, moving_mean, moving_var, 1.0, 0.0, 1e-2), rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean.value, moving_mean, rtol=1e-12)  # inference updates nothing


def test_batch_norm_training_mode_can_be_fed_as_a_bool_placeholder():
    layer = gc.nn.BatchNorm(2, momentum=0.5, dtype=f64)
    x, is_training = gc.placeholder((None, 2), f64), gc.placeholder((), gc.bool)
    step = gc.function([x, is_training], layer(x, training=is_training), updates=layer.updates)
    data = np.array([[1.0, 10.0], [3.0, 30.0]])
    inference = step(data, False)
    np.testing.assert_allclose(inference, numpy_batch_norm(data, 0.0, 1.0, 1.0, 0.0, 1e-3), rtol=1e-12)
    np.testing.assert_array_equal(layer.moving_mean.value, [0.0, 0.0])
    training = step(data, True)
    np.testing.assert_allclose(training, numpy_batch_norm(data, data.mean(0), data.var(0), 1.0, 0.0, 1e-3), rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean.value, [1.0, 10.0])


def test_batch_norm_feature_axis_can_be_channels_first():
    layer = gc.nn.BatchNorm(3, axis=1, dtype=f64)
    layer.offset.assign(np.array([1.0, 2.0, 3.0]))
    x = gc.placeholder((None, 3, 2, 2), f64)
    data = np.random.default_rng(7).standard_normal((4, 3, 2, 2))
    got = gc.function([x], layer(x, training=True), updates=layer.updates)(data)
    mean, var = data.mean((0, 2, 3), keepdims=True), data.var((0, 2, 3), keepdims=True)
    np.testing.assert_allclose(got, numpy_batch_norm(data, mean, var, 1.0, np.array([1.0, 2.0, 3.0])[:, None, None],
                                                     1e-3), rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean.value, 0.01 * mean.ravel(), rtol=1e-12)


def test_batch_norm_gradients_in_training_match_central_differences():
    layer = gc.nn.BatchNorm(3, dtype=f64)
    layer.scale.assign(np.array([0.7, 1.3, 2.0]))
    x = gc.placeholder((5, 3), f64)
    loss = gc.sum(gc.sin(layer(x, training=True)) * np.arange(15.0).reshape(5, 3))
    data = np.random.default_rng(8).standard_normal((5, 3))
    assert gc.check_grad(loss, [x, layer.scale, layer.offset], {x: data}, rtol=1e-6)


def test_batch_norm_trains_only_scale_and_offset_and_keeps_averages_as_state():
    layer = gc.nn.BatchNorm(3)
    assert layer.variables == [layer.scale, layer.offset]
    assert layer.state == [layer.moving_mean, layer.moving_variance]
    loss = gc.mean(layer(gc.placeholder((None, 3)), training=True) ** 2)
    assert gc.optim.trainable_variables(loss) == [layer.scale, layer.offset]


def test_batch_norm_training_on_llvm_matches_the_numpy_reference():
    def run(backend):
        layer = gc.nn.BatchNorm(6, dtype=gc.float32)
        x = gc.placeholder((None, 6), gc.float32)
        loss = gc.mean(gc.tanh(layer(x, training=True)))
        step = gc.function([x], [loss, *gc.grad(loss, [x, layer.scale])], updates=layer.updates, backend=backend)
        rng = np.random.default_rng(9)
        outs = [step(rng.standard_normal((16, 6)).astype(np.float32) * 2 + 1) for _ in range(3)]
        return outs, layer.moving_mean.value, layer.moving_variance.value

    (want, want_mean, want_var), (got, got_mean, got_var) = run("numpy"), run("llvm")
    for got_step, want_step in zip(got, want):
        for g, w in zip(got_step, want_step):
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got_mean, want_mean, rtol=1e-5)
    np.testing.assert_allclose(got_var, want_var, rtol=1e-5)


def test_layers_refuse_a_training_flag_that_is_not_a_bool():
    with pytest.raises(gc.GraphcError, match="training is True, False or a bool scalar tensor"):
        gc.nn.BatchNorm(2)(gc.placeholder((None, 2)), training=1)
    with pytest.raises(gc.GraphcError, match="training is True, False or a bool scalar tensor"):
        gc.nn.Dropout(0.5)(gc.placeholder((None, 2)), training=gc.placeholder((), gc.float32))


def test_dropout_layer_is_the_identity_in_inference():
    x = gc.placeholder((None, 5))
    layer = gc.nn.Dropout(0.5, seed=0)
    assert layer(x) is x and layer(x, training=False) is x


def test_dropout_layer_in_training_zeroes_about_rate_and_scales_the_rest():
    x = gc.placeholder((None, 1000), f64)
    y = gc.function([x], gc.nn.Dropout(0.25, seed=1)(x, training=True))(np.ones((4, 1000)))
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.02


def test_dropout_layer_calls_draw_different_masks_and_a_seed_repeats_them():
    def masks(seed):
        layer = gc.nn.Dropout(0.5, seed=seed)
        x = gc.placeholder((64,), f64)
        return gc.function([x], [layer(x, training=True), layer(x, training=True)])(np.ones(64))

    first, second = masks(3)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(masks(3)[0], first)


def test_dropout_layer_training_can_be_fed():
    x, is_training = gc.placeholder((200,), f64), gc.placeholder((), gc.bool)
    f = gc.function([x, is_training], gc.nn.Dropout(0.5, seed=2)(x, training=is_training))
    np.testing.assert_array_equal(f(np.ones(200), False), np.ones(200))
    assert (f(np.ones(200), True) == 0).any()


def test_dropout_layer_refuses_a_bad_rate_where_it_is_built():
    with pytest.raises(gc.GraphcError, match="rate is a number in"):
        gc.nn.Dropout(1.0)


def test_dropout_layer_draws_the_same_masks_on_llvm_as_on_the_numpy_reference():
    def masks(backend):
        layer = gc.nn.Dropout(0.3, seed=4)
        x = gc.placeholder((None, 50), gc.float32)
        f = gc.function([x], layer(x, training=True) * 2.0, backend=backend)
        return [f(np.ones((3, 50), np.float32)) for _ in range(2)]

    want, got = masks("numpy"), masks("llvm")
    assert not np.array_equal(want[0], want[1])
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
