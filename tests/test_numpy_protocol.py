"""numpy functions called on graph tensors build graph nodes, with numpy's signatures; what graphc
cannot build is a TypeError naming it, never a silently wrong result (np.prod(t) used to return t)."""

import numpy as np
import pytest

import graphc as gc

V = np.arange(6.0).reshape(2, 3) - 2.0
M = np.linspace(-1, 1, 6).reshape(3, 2)

# (what the user writes on a tensor, and on the numpy value it stands for)
BUILT_BY_NUMPY = {
    "np.exp": lambda a: np.exp(a),
    "np.tanh": lambda a: np.tanh(a),
    "np.square": lambda a: np.square(a),
    "np.power": lambda a: np.power(a, 3),
    "np.maximum": lambda a: np.maximum(a, 0.5),
    "ndarray + t": lambda a: np.ones(3) + a,
    "ndarray * t": lambda a: np.full((2, 3), 2.0) * a,
    "np.matmul": lambda a: np.matmul(a, M),
    "ndarray @ t": lambda a: M @ a,
    "np.dot": lambda a: np.dot(a, np.ones(3)),
    "np.sum": lambda a: np.sum(a),
    "np.sum axis": lambda a: np.sum(a, axis=0),
    "np.sum dtype": lambda a: np.sum(a, axis=1, dtype=np.float32),
    "np.mean keepdims": lambda a: np.mean(a, axis=1, keepdims=True),
    "np.max": lambda a: np.max(a, axis=-1),
    "np.min": lambda a: np.min(a),
    "np.add.reduce": lambda a: np.add.reduce(a),
    "np.maximum.reduce": lambda a: np.maximum.reduce(a, axis=1),
    "np.reshape": lambda a: np.reshape(a, (3, 2)),
    "np.transpose": lambda a: np.transpose(a),
    "np.where": lambda a: np.where(a > 0, a, 0.0),
    "np.concatenate": lambda a: np.concatenate([a, a], axis=1),
    "np.stack": lambda a: np.stack([a, a]),
    "np.expand_dims": lambda a: np.expand_dims(a, 0),
    "np.broadcast_to": lambda a: np.broadcast_to(a, (4, 2, 3)),
}


@pytest.mark.parametrize("name", BUILT_BY_NUMPY)
def test_numpy_functions_on_a_tensor_build_the_same_computation(name):
    x = gc.placeholder((2, 3), gc.float64, name="x")
    built = BUILT_BY_NUMPY[name](x)
    assert isinstance(built, gc.Node)
    expected = BUILT_BY_NUMPY[name](V)
    got = gc.Session().run(built, {x: V})
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.shape == np.shape(expected)


def test_gradients_flow_through_numpy_spelled_graphs():
    x = gc.placeholder((2, 3), gc.float64, name="x")
    loss = np.sum(np.tanh(x) * np.exp(x))
    (g,) = gc.grad(loss, [x])
    np.testing.assert_allclose(gc.Session().run(g, {x: V}),
                               (1 - np.tanh(V) ** 2) * np.exp(V) + np.tanh(V) * np.exp(V), rtol=1e-12)


def test_static_facts_answer_without_a_graph():
    x = gc.placeholder((2, 3), gc.float64, name="x")
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2


@pytest.mark.parametrize("call, named", [
    (lambda x: np.median(x), "numpy.median has no graphc equivalent"),
    (lambda x: np.sort(x), "numpy.sort has no graphc equivalent"),
    (lambda x: np.fmod(x, 2.0), "numpy.fmod has no graphc equivalent"),
    (lambda x: np.prod(x, where=x > 0), r"prod\(..., where=\)"),
    (lambda x: np.sum(x, where=x > 0), "numpy.sum: graph tensors do not support the argument where"),
    (lambda x: np.sum(x, initial=1.0), "the argument initial"),
    (lambda x: np.exp(x, out=np.zeros((2, 3))), r"numpy.exp\(..., out=\)"),
    (lambda x: np.exp(x, dtype=np.float32), "numpy.exp: graph tensors do not support the argument dtype"),
    (lambda x: np.add.accumulate(x), "numpy.add.accumulate is not available"),
    (lambda x: np.where(x > 0), "data-dependent shape"),
    (lambda x: np.reshape(x, 6, order="F"), "C order only"),
])
def test_what_graphc_cannot_build_is_a_type_error_naming_it(call, named):
    x = gc.placeholder((2, 3), gc.float64, name="x")
    with pytest.raises(TypeError, match=named):
        call(x)
