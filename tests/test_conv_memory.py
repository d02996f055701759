"""conv2d's backward pass taken per window (graphc/passes/matmul_pieces.py): what it holds and what it plans.

The columns' cotangent `g @ Wᵀ` (N*OH*OW, KH*KW*C) is never made (one matmul per window instead), the
im2col matrix is not kept from the forward pass for the filter gradient (it reads the windows), a small
CNN plans under a quarter of what its no-remat arena was when it kept them, with gradients bitwise
those of remat="none"; and the gradients on llvm, where the rewrites run, are the numpy reference's
(which test_conv.py checks against central differences), in float64, first and second order and
forward mode.
"""

from __future__ import annotations

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_backend

import graphc as gc
from graphc import pipeline
from graphc.passes import run_passes
from graphc.program import specialize

PIECEWISE = {"remake_transposed_concatenation", "part_of_matmul_product"}
SMALL = dict(depth=8, channels=8, side=16, batch=2)  # seconds to compile and plan; the benchmark's proportions


def small_cnn(depth, channels, side, batch, dtype=gc.float32):
    """`depth` 3x3 SAME Conv2D relu layers (benchmarks/bench_remat.py's CNN, smaller): x, [loss, *grads], feed."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((None, side, side, channels), dtype, name="x")
    layers = [gc.nn.Conv2D(channels, 3, padding="SAME", activation=gc.relu, in_channels=channels, seed=k,
                           dtype=dtype) for k in range(depth)]
    h = x
    for layer in layers:
        h = layer(h)
    loss = gc.mean(h * h)
    feed = rng.standard_normal((batch, side, side, channels)).astype(dtype)
    return x, [loss, *gc.grad(loss, [v for layer in layers for v in layer.variables])], feed


def simplified(x, outputs, feed, disabled=frozenset()):
    return run_passes(specialize([x], outputs, [], [feed.shape]), disabled=disabled)


def columns_shape(cfg):
    return (cfg["batch"] * cfg["side"] * cfg["side"], 9 * cfg["channels"])


def test_backward_never_makes_the_columns_cotangent():
    x, outputs, feed = small_cnn(**SMALL)
    big = columns_shape(SMALL)

    def cotangents(program):
        return [n for n in program.nodes() if n.op.name == "matmul" and n.shape == big]

    assert cotangents(simplified(x, outputs, feed, disabled=PIECEWISE))  # g @ Wᵀ, one per layer but the first
    assert not cotangents(simplified(x, outputs, feed))


def test_no_buffer_of_the_cotangent_in_the_llvm_plan():
    x, outputs, feed = small_cnn(**SMALL)
    f = gc.function([x], outputs, backend="llvm")
    f.compile(feed)
    size = int(np.prod(columns_shape(SMALL))) * 4
    made_by_matmuls = [b for b in f.memory_plan().buffers.values() if b.name.startswith("matmul") and b.size >= size]
    assert made_by_matmuls == []


def test_filter_gradient_does_not_keep_the_columns():
    """Without remat, at most one im2col matrix is alive at any step: each layer's dies after its forward matmul,
    and the filter gradient makes its own again when it is due."""
    x, outputs, feed = small_cnn(**SMALL)
    f = gc.function([x], outputs, backend="llvm")
    f.compile(feed)
    plan = f.memory_plan()
    size = int(np.prod(columns_shape(SMALL))) * 4
    columns = [b for b in plan.buffers.values() if b.size == size and b.offset is not None]
    assert len(columns) == 2 * SMALL["depth"]  # made in the forward pass, and again for the filter gradient
    most_alive = max(sum(b.first <= step <= b.last for b in columns) for step in range(plan.n_steps))
    assert most_alive == 1


def _old_none_peak(x, outputs, feed) -> int:
    """The no-remat llvm arena with the im2col matrices kept and the cotangent made whole (the rewrites off)."""
    program = simplified(x, outputs, feed, disabled=PIECEWISE)
    return pipeline.run(program, {}, pipeline.LLVM, simplified=True).plan.arena_bytes


def test_small_cnn_plans_under_a_quarter_of_its_old_peak_with_gradients_bitwise_those_of_none():
    x, outputs, feed = small_cnn(**SMALL)
    old = _old_none_peak(x, outputs, feed)
    none = gc.function([x], outputs, backend="llvm")
    none.compile(feed)
    assert none.memory_plan().arena_bytes <= old // 2  # the rewrites alone halve it at least
    budget = old // 4
    f = gc.function([x], outputs, backend="llvm", remat=budget)
    f.compile(feed)
    assert f.memory_plan().arena_bytes <= budget
    assert f.executable.program.remat_stats.planner in ("greedy", "sqrt", "optimal")
    for got, want in zip(f(feed), none(feed)):
        np.testing.assert_array_equal(got, want)


# ---- gradients on llvm, where the rewrites run, against the numpy reference in float64 -------------------

CASES = [  # input shape, filter shape, strides, padding, dilations, groups
    ((2, 7, 6, 3), (3, 3, 3, 4), 1, "SAME", 1, 1),
    ((2, 7, 6, 3), (3, 2, 3, 2), (2, 1), "VALID", 1, 1),
    ((1, 8, 7, 4), (3, 3, 2, 6), 1, "SAME", (2, 1), 2),
    ((2, 6, 6, 2), (2, 3, 2, 3), 2, ((1, 0), (2, 1)), 1, 1),
]


def _conv_loss(case, dtype=gc.float64):
    xs, ws, strides, padding, dilations, groups = case
    x, w = gc.placeholder(xs, dtype), gc.placeholder(ws, dtype)
    y = gc.conv2d(x, w, strides=strides, padding=padding, dilations=dilations, groups=groups)
    return x, w, y, gc.sum(gc.tanh(y) * y)


def _both(inputs, outputs, feeds):
    return [gc.function(inputs, outputs, backend=b)(*feeds) for b in ("numpy", "llvm")]


@pytest.mark.parametrize("case", CASES)
def test_llvm_gradients_equal_the_reference(case):
    rng = np.random.default_rng(1)
    x, w, _, loss = _conv_loss(case)
    feeds = [rng.standard_normal(case[0]), rng.standard_normal(case[1])]
    want, got = _both([x, w], gc.grad(loss, [x, w]), feeds)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_llvm_second_derivatives_and_forward_mode_equal_the_reference():
    rng = np.random.default_rng(2)
    x, w, y, loss = _conv_loss(CASES[0])
    gx, gw = gc.grad(loss, [x, w])
    direction = gc.constant(rng.standard_normal(CASES[0][0]))
    second = gc.grad(gc.sum(gx * direction) + gc.sum(gw * gw), [x, w])
    tangent = gc.jvp(y, [x, w], [gc.constant(rng.standard_normal(CASES[0][0])),
                                 gc.constant(rng.standard_normal(CASES[0][1]))])
    feeds = [rng.standard_normal(CASES[0][0]), rng.standard_normal(CASES[0][1])]
    want, got = _both([x, w], [*second, tangent], feeds)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-11)


def test_llvm_gradient_matches_central_differences():
    """The llvm function's own gradient against central differences of its own loss, float64."""
    rng = np.random.default_rng(3)
    x, w, _, loss = _conv_loss(CASES[0])
    f = gc.function([x, w], [loss, *gc.grad(loss, [x, w])], backend="llvm")
    xv, wv = rng.standard_normal(CASES[0][0]), rng.standard_normal(CASES[0][1])
    _, gx, gw = f(xv, wv)
    eps = 1e-6
    for grad, direction in ((gx, (rng.standard_normal(xv.shape), 0)), (gw, (0, rng.standard_normal(wv.shape)))):
        dx, dw = direction
        numeric = (f(xv + eps * dx, wv + eps * dw)[0] - f(xv - eps * dx, wv - eps * dw)[0]) / (2 * eps)
        analytic = np.sum(grad * (dx if grad is gx else dw))
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6)


@NEEDS_GXX
def test_emulated_cuda_gradients_equal_the_reference(monkeypatch):
    """The CUDA target simplifies too: its kernels over the block products and remade columns give numpy's gradients."""
    backend = register_emulated_backend(monkeypatch)
    rng = np.random.default_rng(4)
    x, w, _, loss = _conv_loss(CASES[0], gc.float32)
    feeds = [rng.standard_normal(CASES[0][0]).astype(np.float32), rng.standard_normal(CASES[0][1]).astype(np.float32)]
    outputs = gc.grad(loss, [x, w])
    want = gc.function([x, w], outputs, backend="numpy")(*feeds)
    got = gc.function([x, w], outputs, backend=backend)(*feeds)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
