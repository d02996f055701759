"""grad's `order` keyword: a caller that has walked the graph of y already (graphc.serialize's default_gradients,
which looks in it for the variables to differentiate by) hands the walk over, and gets the very gradients."""

from __future__ import annotations

import numpy as np

import graphc as gc
from graphc.autodiff.reverse import adjoints
from graphc.ir import toposort


def _shape_of_graph(nodes) -> list:
    return [(n.op.name, n.shape, str(n.dtype), tuple(nodes.index(i) for i in n.inputs)) for n in nodes]


def test_grad_given_the_walk_of_y_builds_the_same_gradients():
    x = gc.placeholder((4, 3), gc.float32, name="x")
    w = gc.variable(np.ones((3, 2), np.float32), name="w")
    b = gc.variable(np.zeros(2, np.float32), name="b")
    y = gc.sum(gc.tanh(x @ w + b) * gc.exp(b))
    plain = gc.grad(y, [w, b, x])
    walked = gc.grad(y, [w, b, x], order=toposort([y]))
    assert _shape_of_graph(toposort(plain)) == _shape_of_graph(toposort(walked))
    feed = {x: np.arange(12, dtype=np.float32).reshape(4, 3) / 10}
    for p, q in zip(gc.Session().run(plain, feed_dict=feed), gc.Session().run(walked, feed_dict=feed)):
        np.testing.assert_array_equal(p, q)


def test_adjoints_given_the_walk_of_y_reach_the_same_nodes():
    x = gc.placeholder((3,), gc.float64, name="x")
    y = gc.sum(gc.sin(x) * x)
    seed = gc.ones_like(y)
    assert adjoints(y, [x], seed).keys() == adjoints(y, [x], seed, toposort([y])).keys()
