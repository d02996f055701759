"""The gradient of an operand a batched matmul shares across its batch (`x @ W` with x (B, S, K) and W
(K, N), or `W @ x`): one matmul with the batch folded into the contracted axis, never the (B, K, N)
per-entry products summed afterwards, whose buffer is a batch times the weight's size (it was the
largest temporary of the benchmark transformer's backward pass).  Values against central differences
in float64, first and second order, and forward mode, for every way the operands broadcast."""

import numpy as np
import pytest
from test_op_gradients import check_vjp_and_jvp

import graphc as gc
from graphc.backends import available_backends

B, S, K, N = 16, 2, 24, 40  # S small: the per-batch products (B, K, N) dwarf x and y
BACKENDS = [b for b in ("numpy", "llvm") if b in available_backends()]

SHAPES = [  # (a, b): shared right, shared left, shared with size-1 batch axes, neither, both
    ((3, 4, 5), (5, 6)),
    ((2, 3, 4, 5), (1, 5, 6)),
    ((4, 5), (3, 5, 6)),
    ((1, 4, 5), (2, 3, 5, 6)),
    ((3, 4, 5), (3, 5, 6)),
    ((1, 4, 5), (1, 5, 6)),
]


def loss_of(a, b):
    y = gc.matmul(a, b)
    return gc.sum(gc.tanh(y) * y)


@pytest.mark.parametrize("shape_a,shape_b", SHAPES)
def test_gradients_match_central_differences(shape_a, shape_b):
    rng = np.random.default_rng(1)
    check_vjp_and_jvp(loss_of, [rng.standard_normal(shape_a), rng.standard_normal(shape_b)])


@pytest.mark.parametrize("shape_a,shape_b", SHAPES)
def test_second_order_gradients_match_central_differences(shape_a, shape_b):
    rng = np.random.default_rng(2)
    a, b = gc.placeholder(shape_a, gc.float64), gc.placeholder(shape_b, gc.float64)
    ga, gb = gc.grad(loss_of(a, b), [a, b])
    of_gradients = gc.sum(ga * ga) + gc.sum(gb * gb * gb)
    assert gc.check_grad(of_gradients, [a, b], {a: rng.standard_normal(shape_a), b: rng.standard_normal(shape_b)})


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_feed_time_batch_folds_and_matches_numpy(backend):
    rng = np.random.default_rng(3)
    x = gc.placeholder((None, S, K), gc.float64)
    w = gc.variable(rng.standard_normal((K, N)))
    (gw,) = gc.grad(gc.sum(gc.matmul(x, w) ** 2), [w])
    feed = rng.standard_normal((B, S, K))
    expected = 2 * np.einsum("bsk,bsn->kn", feed, feed @ w.value)
    np.testing.assert_allclose(gc.function([x], [gw], backend=backend)(feed)[0], expected, rtol=1e-10)


def per_entry_products(shared: str):
    """(f, feed, expected gradient) for dL/dW of tanh(x @ W) ("right") or tanh(W @ x) ("left"), x batched."""
    rng = np.random.default_rng(4)
    shape_x, shape_w = ((B, S, K), (K, N)) if shared == "right" else ((B, K, S), (N, K))
    x = gc.placeholder(shape_x, gc.float32)
    w = gc.variable(rng.standard_normal(shape_w).astype(np.float32))
    y = gc.matmul(x, w) if shared == "right" else gc.matmul(w, x)
    feed = rng.standard_normal(shape_x).astype(np.float32)
    dy = 1 - np.tanh(np.matmul(feed, w.value) if shared == "right" else np.matmul(w.value, feed)) ** 2
    expected = np.einsum("bsk,bsn->kn", feed, dy) if shared == "right" else np.einsum("bns,bks->nk", dy, feed)
    return gc.grad(gc.sum(gc.tanh(y)), [w]), [x], feed, expected


@pytest.mark.parametrize("shared", ["right", "left"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_shared_operand_gradient_plans_no_per_batch_product(backend, shared):
    """dL/dW of `x @ W` (or `W @ x`): no buffer as large as the (B, K, N) per-entry products, and a peak
    below them; the value as numpy's."""
    grads, inputs, feed, expected = per_entry_products(shared)
    f = gc.function(inputs, grads, backend=backend)
    np.testing.assert_allclose(f(feed)[0], expected, rtol=1e-4, atol=1e-4)
    plan = f.memory_plan()
    per_batch_product = B * K * N * 4
    assert max(b.size for b in plan.placed()) < per_batch_product
    assert plan.peak_bytes < per_batch_product
