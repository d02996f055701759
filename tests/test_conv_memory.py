"""conv2d's backward pass taken per window (graphc/passes/matmul_pieces.py) when memory is asked for.

The columns' cotangent `g @ Wᵀ` (N*OH*OW, KH*KW*C) is never made whole (one matmul per block of
windows instead); under rematerialisation the im2col matrix is not kept from the forward pass for the
filter gradient (it reads windows of its own: without remat this copy is not made, it costs 1.1x the
step's time), a small CNN plans under a quarter of its no-remat arena, with gradients bitwise those of
remat="none"; and the gradients of programs so rewritten, on llvm, are the numpy reference's (which
test_conv.py checks against central differences), in float64, first and second order and forward mode.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_backend

import graphc as gc
import graphc.passes.registry as registry
from graphc.passes import run_passes
from graphc.passes.matmul_pieces import piecewise_matmuls, remake_transposed_concatenation
from graphc.program import specialize

SMALL = dict(depth=8, channels=8, side=16, batch=2)  # seconds to compile and plan; the benchmark's proportions


@pytest.fixture()
def piecewise_everywhere(monkeypatch):
    """Call it to put the remade columns in the specialize phase too: every program compiled after is rewritten."""
    def enable():
        monkeypatch.setattr(registry, "_REGISTRY", copy.deepcopy(registry._REGISTRY))
        registry.register_rewrite("specialize", ops=("matmul",))(remake_transposed_concatenation)
    return enable


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

    whole = {"part_of_matmul_product", "conv_input_gradient"}
    assert cotangents(simplified(x, outputs, feed, disabled=whole))  # g @ Wᵀ, one a layer
    assert not cotangents(simplified(x, outputs, feed, disabled={"conv_input_gradient"}))
    assert not cotangents(simplified(x, outputs, feed))


def test_the_forward_pass_makes_one_block_of_images_columns_at_a_time():
    x, outputs, feed = small_cnn(**SMALL)
    whole = (SMALL["batch"], SMALL["side"], SMALL["side"], 9 * SMALL["channels"])

    def columns(program):
        return [n for n in program.nodes() if n.op.name == "concatenate" and n.shape == whole]

    blocks = {"row_blocks_of_columns_product", "row_blocks_of_transposed_columns_product"}
    assert columns(simplified(x, outputs, feed, disabled=blocks))
    assert not columns(simplified(x, outputs, feed))


def test_the_input_gradient_is_a_convolution_of_the_cotangent_not_one_scatter_a_window():
    x, outputs, feed = small_cnn(**SMALL)

    def scatters(program):
        return sum(n.op.name == "slice_grad" for n in program.nodes())

    assert scatters(simplified(x, outputs, feed, disabled={"conv_input_gradient"})) >= 9 * (SMALL["depth"] - 1)
    assert scatters(simplified(x, outputs, feed)) == 0


def test_the_columns_are_made_again_for_the_filter_gradient_only_when_memory_is_asked_for():
    x, outputs, feed = small_cnn(**SMALL)

    def concatenations(program):
        return sum(n.op.name == "concatenate" for n in program.nodes())

    program = simplified(x, outputs, feed)
    assert concatenations(piecewise_matmuls(program)) > concatenations(program)


def test_no_buffer_of_the_cotangent_in_the_llvm_plan_under_remat():
    x, outputs, feed = small_cnn(**SMALL)
    f = gc.function([x], outputs, backend="llvm", remat="sqrt")
    f.compile(feed)
    size = int(np.prod(columns_shape(SMALL))) * 4
    made_by_matmuls = [b for b in f.memory_plan().buffers.values() if b.name.startswith("matmul") and b.size >= size]
    assert made_by_matmuls == []


def _none(x, outputs, feed):
    none = gc.function([x], outputs, backend="llvm")
    none.compile(feed)
    return none


def _planned_within(budget: int, x, outputs, feed, none):
    """`outputs` compiled on llvm under a remat budget of `budget` bytes: its arena within it, and its results
    bitwise those of `none` (the same program without remat)."""
    f = gc.function([x], outputs, backend="llvm", remat=budget)
    f.compile(feed)
    assert f.memory_plan().arena_bytes <= budget
    for got, want in zip(f(feed), none(feed)):
        np.testing.assert_array_equal(got, want)
    return f


def test_the_filter_gradient_does_not_keep_the_columns_under_a_budget():
    """At half the no-remat arena, at most one block of an im2col matrix is alive at any step: each dies after its
    forward matmul, and the filter gradient makes its own again when it is due."""
    x, outputs, feed = small_cnn(**SMALL)
    f = gc.function([x], outputs, backend="llvm", remat=_none(x, outputs, feed).memory_plan().arena_bytes // 2)
    f.compile(feed)
    plan = f.memory_plan()
    size = int(np.prod(columns_shape(SMALL))) * 4 // SMALL["batch"]  # one image's: a block of the batch of 2
    columns = [b for b in plan.buffers.values() if b.size == size and b.offset is not None]
    assert len(columns) >= 2 * SMALL["depth"] * SMALL["batch"]  # made in the forward pass, again for the filter's
    most_alive = max(sum(b.first <= step <= b.last for b in columns) for step in range(plan.n_steps))
    assert most_alive == 1


def test_small_cnn_plans_under_a_quarter_of_its_no_remat_peak_with_gradients_bitwise_those_of_none():
    x, outputs, feed = small_cnn(**SMALL)
    none = _none(x, outputs, feed)
    f = _planned_within(none.memory_plan().arena_bytes // 4, x, outputs, feed, none)
    assert f.executable.program.remat_stats.planner in ("greedy", "sqrt", "optimal")


def test_sqrt_plans_under_a_fifth_of_the_no_remat_arena_with_gradients_bitwise_those_of_none():
    """No whole im2col matrix in any product and no scatter a window: sqrt's arena falls from 350 to 255 kB (none
    plans 1.49 MB); with the whole columns of one layer (147 kB) and nine scatters it stayed above a fifth."""
    x, outputs, feed = small_cnn(**SMALL)
    none = _none(x, outputs, feed)
    f = gc.function([x], outputs, backend="llvm", remat="sqrt")
    f.compile(feed)
    assert f.memory_plan().arena_bytes < none.memory_plan().arena_bytes / 5
    for got, want in zip(f(feed), none(feed)):
        np.testing.assert_array_equal(got, want)


def test_a_sixth_of_the_no_remat_arena_plans_the_remade_block_columns_recomputed_not_stored():
    """The filter gradient's block columns, remade from windows of the padded input (a concatenation of views),
    are cheap to the remat analysis (remat_analysis.is_cheap): recomputed beside their reader, not modelled as
    forward values the backward pass keeps.  Modelled as kept, every candidate's peak seemed too high, and a
    sixth of the no-remat arena was a MemoryBudgetError (smallest found: 270 kB against 248)."""
    x, outputs, feed = small_cnn(**SMALL)
    none = _none(x, outputs, feed)
    _planned_within(none.memory_plan().arena_bytes // 6, x, outputs, feed, none)


# ---- gradients of programs so rewritten, on llvm, against the numpy reference in float64 ---------------

CASES = [  # input shape, filter shape, strides, padding, dilations, groups
    ((2, 7, 6, 3), (3, 3, 3, 4), 1, "SAME", 1, 1),
    ((2, 7, 6, 3), (3, 2, 3, 2), (2, 1), "VALID", 1, 1),
    ((1, 8, 7, 4), (3, 3, 2, 6), 1, "SAME", (2, 1), 2),
    ((2, 6, 6, 2), (2, 3, 2, 3), 2, ((1, 0), (2, 1)), 1, 1),
    ((3, 7, 6, 3), (2, 3, 3, 2), 1, ((2, 1), (0, 2)), (2, 1), 1),  # the input gradient a dilated convolution
]


def _conv_loss(case, dtype=gc.float64):
    xs, ws, strides, padding, dilations, groups = case
    x, w = gc.placeholder(xs, dtype), gc.placeholder(ws, dtype)
    y = gc.conv2d(x, w, strides=strides, padding=padding, dilations=dilations, groups=groups)
    return x, w, y, gc.sum(gc.tanh(y) * y)


def _both(inputs, outputs, feeds, piecewise):
    """(numpy's values of the program as written, llvm's of the program rewritten piece by piece)."""
    want = gc.function(inputs, outputs, backend="numpy")(*feeds)
    piecewise()
    return want, gc.function(inputs, outputs, backend="llvm")(*feeds)


@pytest.mark.parametrize("case", CASES)
def test_llvm_gradients_equal_the_reference(case, piecewise_everywhere):
    rng = np.random.default_rng(1)
    x, w, _, loss = _conv_loss(case)
    feeds = [rng.standard_normal(case[0]), rng.standard_normal(case[1])]
    want, got = _both([x, w], gc.grad(loss, [x, w]), feeds, piecewise_everywhere)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_llvm_second_derivatives_and_forward_mode_equal_the_reference(piecewise_everywhere):
    rng = np.random.default_rng(2)
    x, w, y, loss = _conv_loss(CASES[0])
    gx, gw = gc.grad(loss, [x, w])
    direction = gc.constant(rng.standard_normal(CASES[0][0]))
    second = gc.grad(gc.sum(gx * direction) + gc.sum(gw * gw), [x, w])
    tangent = gc.jvp(y, [x, w], [gc.constant(rng.standard_normal(CASES[0][0])),
                                 gc.constant(rng.standard_normal(CASES[0][1]))])
    feeds = [rng.standard_normal(CASES[0][0]), rng.standard_normal(CASES[0][1])]
    want, got = _both([x, w], [*second, tangent], feeds, piecewise_everywhere)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-11)


def test_llvm_gradient_matches_central_differences(piecewise_everywhere):
    """The llvm function's own gradient against central differences of its own loss, float64."""
    rng = np.random.default_rng(3)
    piecewise_everywhere()
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
def test_emulated_cuda_gradients_equal_the_reference(monkeypatch, piecewise_everywhere):
    """The CUDA target simplifies too: its kernels over the block products and remade columns give numpy's gradients."""
    backend = register_emulated_backend(monkeypatch)
    rng = np.random.default_rng(4)
    x, w, _, loss = _conv_loss(CASES[0], gc.float32)
    feeds = [rng.standard_normal(CASES[0][0]).astype(np.float32), rng.standard_normal(CASES[0][1]).astype(np.float32)]
    outputs = gc.grad(loss, [x, w])
    want = gc.function([x, w], outputs, backend="numpy")(*feeds)
    piecewise_everywhere()
    got = gc.function([x, w], outputs, backend=backend)(*feeds)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
