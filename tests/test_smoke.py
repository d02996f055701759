"""The seeds' first worked example through the public API, end to end."""

import numpy as np

import graphc as gc


def test_seed_example_value_and_gradients():
    x1 = gc.placeholder((), gc.float64)
    x2 = gc.placeholder((), gc.float64)
    y = gc.log(x1) + x1 * x2 - gc.sin(x2)
    g1, g2 = gc.grad(y, [x1, x2])
    values = gc.Session().run([y, g1, g2], feed_dict={x1: 2.0, x2: 5.0})
    np.testing.assert_allclose(values, [np.log(2) + 10 - np.sin(5), 5.5, 2 - np.cos(5)])
