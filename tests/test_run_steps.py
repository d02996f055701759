"""`f.run(steps=n, feeds=...)`: n calls of a function as one compiled loop, indistinguishable from n calls."""

import numpy as np
import pytest

import graphc as gc

BACKENDS = ["numpy", "llvm"]


def regression_step(backend, rate=0.1):
    """A least-squares SGD step: (function, its two variables)."""
    x = gc.placeholder((None, 4), gc.float64, name="x")
    y = gc.placeholder((None,), gc.float64, name="y")
    w = gc.variable(np.zeros(4), name="w")
    b = gc.variable(0.0, name="b")
    loss = gc.mean((x @ w + b - y) ** 2)
    gw, gb = gc.grad(loss, [w, b])
    step = gc.function([x, y], [loss, gw], updates=[(w, w - rate * gw), (b, b - rate * gb)], backend=backend)
    return step, w, b


def batches(n, rows=8, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(rows, 4)), rng.normal(size=rows)) for _ in range(n)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_run_of_n_steps_returns_the_outputs_and_leaves_the_variables_of_n_calls(backend):
    feeds = batches(6)
    step, w, b = regression_step(backend)
    serial = [step(*f) for f in feeds]
    w_serial, b_serial = w.value, b.value
    w.assign(np.zeros(4))
    b.assign(0.0)

    losses, grads = step.run(steps=6, feeds=feeds)

    assert losses.shape == (6,) and grads.shape == (6, 4)
    np.testing.assert_array_equal(losses, [s[0] for s in serial])
    np.testing.assert_array_equal(grads, [s[1] for s in serial])
    np.testing.assert_array_equal(w.value, w_serial)
    np.testing.assert_array_equal(b.value, b_serial)


@pytest.mark.parametrize("backend", BACKENDS)
def test_runs_continue_from_the_variables_a_call_left(backend):
    feeds = batches(4)
    step, w, b = regression_step(backend)
    for f in feeds:
        step(*f)
    expected = w.value
    w.assign(np.zeros(4))
    b.assign(0.0)
    step(*feeds[0])
    step.run(steps=3, feeds=feeds[1:])
    np.testing.assert_array_equal(w.value, expected)


def test_feeds_may_be_dicts_by_input_name_or_any_iterator_and_only_steps_items_are_taken():
    feeds = batches(5)
    step, w, b = regression_step("numpy")
    step.run(steps=3, feeds=({"x": x, "y": y} for x, y in feeds))
    by_name = w.value
    w.assign(np.zeros(4))
    b.assign(0.0)
    step.run(steps=3, feeds=iter(feeds))  # an iterator of 5 items: the first 3 are used
    np.testing.assert_array_equal(w.value, by_name)


def test_a_single_output_is_stacked_as_one_array_and_a_function_without_inputs_runs_without_feeds():
    counter = gc.variable(np.float64(0.0), name="counter")
    f = gc.function([], counter * 2.0, updates=[(counter, counter + 1.0)])
    doubled = f.run(steps=4)
    np.testing.assert_array_equal(doubled, [0.0, 2.0, 4.0, 6.0])
    assert counter.value == 4.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_draws_advance_per_step_as_they_do_per_call(backend):
    x = gc.placeholder((5,), gc.float32, name="x")
    noisy = x + gc.random.uniform((5,), gc.float32, seed=3)
    f = gc.function([x], noisy, backend=backend)
    ones = np.ones(5, np.float32)
    serial = np.stack([f(ones) for _ in range(3)])
    g = gc.function([x], noisy, backend=backend)
    np.testing.assert_array_equal(g.run(steps=3, feeds=[ones] * 3), serial)
    np.testing.assert_array_equal(g(ones), f(ones))  # both have made four draws


def test_bad_runs_are_clear_errors():
    step, _, _ = regression_step("numpy")
    feeds = batches(3)
    with pytest.raises(gc.GraphcError, match="steps must be a positive integer"):
        step.run(steps=0, feeds=feeds)
    with pytest.raises(gc.FeedError, match="steps=4, but the feeds gave 3"):
        step.run(steps=4, feeds=feeds)
    uneven = [feeds[0], batches(1, rows=5)[0]]
    with pytest.raises(gc.FeedError, match="input 'x' differ in shape between steps"):
        step.run(steps=2, feeds=uneven)
    with pytest.raises(gc.FeedError, match="give feeds"):
        step.run(steps=2)
    with pytest.raises(gc.FeedError):
        step.run(steps=1, feeds=[(np.zeros((8, 3)), np.zeros(8))])  # a call's own check: x's shape
