"""gc.nn: initializers, layers, losses and metrics against numpy; batching; the IDX reader."""

import gzip

import numpy as np
import pytest

import graphc as gc
from graphc.datasets import read_idx, write_idx


def run(*nodes):
    return gc.Session().run(list(nodes))


@pytest.mark.parametrize("name, std", [("he_normal", np.sqrt(2 / 400)), ("glorot_normal", np.sqrt(2 / 600)),
                                       ("glorot_uniform", np.sqrt(6 / 600) / np.sqrt(3)),
                                       ("he_uniform", np.sqrt(6 / 400) / np.sqrt(3))])
def test_initializers_have_their_variance(name, std):
    w = gc.nn.init.get(name)((400, 200), rng=0)
    assert w.dtype == np.float32 and w.shape == (400, 200)
    assert abs(w.std() / std - 1) < 0.02 and abs(w.mean()) < 0.01 * std * 10


def test_initializers_are_seeded():
    a = gc.nn.init.he_normal((5, 3), rng=7)
    np.testing.assert_array_equal(a, gc.nn.init.he_normal((5, 3), rng=7))
    assert not np.array_equal(a, gc.nn.init.he_normal((5, 3), rng=8))


def test_unknown_initializer_names_the_choices():
    with pytest.raises(gc.GraphcError, match="he_normal"):
        gc.nn.init.get("kaiming")


def test_dense_is_x_at_w_plus_b_then_activation():
    layer = gc.nn.Dense(3, 2, activation=gc.relu, seed=0)
    layer.b.assign(np.array([0.5, -0.5], np.float32))
    x = gc.placeholder((None, 3))
    data = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    (got,) = gc.Session().run([layer(x)], {x: data})
    np.testing.assert_allclose(got, np.maximum(data @ layer.w.value + layer.b.value, 0), rtol=1e-6)


def test_dense_refuses_the_wrong_input_width():
    with pytest.raises(gc.ShapeError, match="expects inputs"):
        gc.nn.Dense(3, 2)(gc.placeholder((None, 4)))


def test_mlp_stacks_layers_without_a_final_activation():
    mlp = gc.nn.MLP([4, 5, 3], seed=0)
    assert [layer.activation for layer in mlp.layers] == [gc.relu, None]
    assert len(mlp.variables) == 4
    x = gc.placeholder((None, 4))
    data = np.random.default_rng(2).standard_normal((6, 4)).astype(np.float32)
    (got,) = gc.Session().run([mlp(x)], {x: data})
    w1, b1, w2, b2 = (v.value for v in mlp.variables)
    np.testing.assert_allclose(got, np.maximum(data @ w1 + b1, 0) @ w2 + b2, rtol=1e-5, atol=1e-6)


def test_mlp_seed_makes_it_reproducible():
    a, b = gc.nn.MLP([4, 5, 3], seed=3), gc.nn.MLP([4, 5, 3], seed=3)
    for va, vb in zip(a.variables, b.variables):
        np.testing.assert_array_equal(va.value, vb.value)


def test_losses_match_numpy():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2], np.int32)
    target = rng.standard_normal((5, 4))
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    z = (rng.random((5, 4)) > 0.5).astype(np.float64)
    got = run(gc.nn.losses.softmax_cross_entropy(gc.constant(logits), gc.constant(labels)),
              gc.nn.losses.mean_squared_error(gc.constant(logits), gc.constant(target)),
              gc.nn.losses.sigmoid_cross_entropy(gc.constant(logits), gc.constant(z)),
              gc.nn.losses.sum_of_squares(gc.constant(target)))
    sig = 1 / (1 + np.exp(-logits))
    expected = [-log_p[np.arange(5), labels].mean(), ((logits - target) ** 2).mean(),
                -(z * np.log(sig) + (1 - z) * np.log(1 - sig)).mean(), (target ** 2).sum()]
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_l2_penalty_is_half_weight_times_squared_norms():
    a, b = gc.variable(np.array([1.0, 2.0])), gc.variable(np.array([[3.0]]))
    (got,) = run(gc.nn.losses.l2_penalty([a, b], 0.1))
    assert got == pytest.approx(0.05 * 14)


def test_accuracy_matches_argmax():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((50, 7)).astype(np.float32)
    labels = rng.integers(0, 7, 50).astype(np.int32)
    (got,) = run(gc.nn.accuracy(gc.constant(logits), gc.constant(labels)))
    assert got == pytest.approx((logits.argmax(1) == labels).mean())


def test_accuracy_needs_integer_labels():
    with pytest.raises(gc.ShapeError, match="integer labels"):
        gc.nn.accuracy(gc.placeholder((None, 3)), gc.placeholder((None,)))


def test_minibatches_cover_every_row_once_in_a_seeded_order():
    x, y = np.arange(10), np.arange(10) * 10
    batches = list(gc.nn.minibatches(x, y, batch_size=3, seed=0))
    assert [len(b[0]) for b in batches] == [3, 3, 3, 1]
    rows = np.concatenate([b[0] for b in batches])
    assert sorted(rows) == list(range(10)) and list(rows) != list(range(10))
    assert all(np.array_equal(bx * 10, by) for bx, by in batches)
    again = np.concatenate([b[0] for b in gc.nn.minibatches(x, y, batch_size=3, seed=0)])
    np.testing.assert_array_equal(rows, again)


def test_minibatches_drop_last_and_no_shuffle():
    batches = list(gc.nn.minibatches(np.arange(10), batch_size=4, shuffle=False, drop_last=True))
    assert [list(b[0]) for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_minibatches_refuse_misaligned_arrays():
    with pytest.raises(gc.GraphcError, match="same length"):
        list(gc.nn.minibatches(np.arange(3), np.arange(4), batch_size=2))


def test_train_test_split_partitions_the_rows():
    x = np.arange(20)
    train, test = gc.nn.train_test_split(x, test_fraction=0.25, seed=1)
    assert len(test) == 5 and sorted(np.concatenate([train, test])) == list(range(20))


def test_idx_round_trip_plain_and_gzipped(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 3, 4)).astype(np.uint8)
    write_idx(tmp_path / "img", images)
    assert (tmp_path / "img").read_bytes()[:4] == b"\x00\x00\x08\x03"
    np.testing.assert_array_equal(read_idx(tmp_path / "img"), images)
    (tmp_path / "img.gz").write_bytes(gzip.compress((tmp_path / "img").read_bytes()))
    np.testing.assert_array_equal(read_idx(tmp_path / "img.gz"), images)


@pytest.mark.parametrize("content, message", [(b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an IDX"),
                                              (b"\x00\x00\x0d\x01\x00\x00\x00\x01\x05", "type code"),
                                              (b"\x00\x00\x08\x01\x00\x00\x00\x03\x05", "holds 1 bytes"),
                                              (b"\x00\x00\x08\x02\x00\x00", "truncated")])
def test_malformed_idx_files_are_refused(tmp_path, content, message):
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(gc.GraphcError, match=message):
        read_idx(tmp_path / "bad")


def test_load_mnist_names_the_missing_files(tmp_path):
    with pytest.raises(gc.GraphcError, match="train-images-idx3-ubyte"):
        gc.datasets.load_mnist(tmp_path)
