"""gc.nn.Embedding: rows of an ordinary variable at integer ids; its gradient is a scatter_add."""

from __future__ import annotations

import numpy as np
import pytest

import graphc as gc


def test_an_embedding_reads_its_tables_rows():
    emb = gc.nn.Embedding(7, 3, seed=0)
    ids = gc.placeholder((2, 4), gc.int32, name="ids")
    id_values = np.array([[0, 6, 6, -1], [3, 2, 1, 0]], np.int32)
    got = gc.function([ids], emb(ids))(id_values)
    assert got.shape == (2, 4, 3) and emb.variables == [emb.table]
    np.testing.assert_array_equal(got, emb.table.value[id_values])


def test_its_gradient_adds_the_cotangents_of_repeated_ids():
    emb = gc.nn.Embedding(5, 2, seed=1, dtype=gc.float64)
    ids = gc.placeholder((4,), gc.int64, name="ids")
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    loss = gc.sum(emb(ids) * gc.constant(weights[:, None]))
    (grad,) = gc.grad(loss, [emb.table])
    assert "scatter_add" in {n.op.name for n in gc.ir.toposort([grad])}
    want = np.zeros((5, 2))
    np.add.at(want, [2, 2, 0, -1], np.repeat(weights[:, None], 2, axis=1))
    np.testing.assert_array_equal(gc.function([ids], grad)(np.array([2, 2, 0, -1])), want)


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_a_bag_of_embeddings_learns_to_classify_ids(backend):
    """Label = id % 3 from the mean of two embeddings: SGD through scatter_add reaches every class."""
    rng = np.random.default_rng(0)
    emb = gc.nn.Embedding(30, 8, seed=0)
    head = gc.nn.Dense(8, 3, seed=1)
    ids = gc.placeholder((None, 2), gc.int32, name="ids")
    labels = gc.placeholder((None,), gc.int32, name="labels")
    logits = head(gc.mean(emb(ids), axis=1))
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    step = gc.optim.SGD(0.5).minimize(loss, var_list=emb.variables + head.variables)
    train = gc.function([ids, labels], loss, updates=step, backend=backend)
    predict = gc.function([ids], gc.argmax(logits, axis=1), backend=backend)
    first = np.arange(30)
    pairs = np.stack([first, first], axis=1).astype(np.int32)
    losses = []
    for _ in range(150):
        order = rng.permutation(30)
        losses.append(train(pairs[order], (pairs[order, 0] % 3).astype(np.int32)))
    assert losses[-1] < 0.1 * losses[0]
    np.testing.assert_array_equal(predict(pairs), first % 3)


def test_an_sgd_step_on_llvm_matches_the_numpy_reference():
    results = []
    for backend in ("numpy", "llvm"):
        emb = gc.nn.Embedding(6, 4, seed=2)
        ids = gc.placeholder((5,), gc.int64, name="ids")
        loss = gc.sum(gc.tanh(emb(ids)) ** 2)
        train = gc.function([ids], loss, updates=gc.optim.SGD(0.1).minimize(loss, var_list=emb.variables),
                            backend=backend)
        train(np.array([0, 5, 5, -6, 2]))
        results.append(emb.table.value)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


def test_bad_sizes_are_refused():
    with pytest.raises(gc.ShapeError, match="positive"):
        gc.nn.Embedding(0, 3)
