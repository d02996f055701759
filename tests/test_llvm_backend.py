"""The llvm backend computes what the numpy reference computes: every op, fused or not, with gradients.

Each test builds a graph once and runs it on both backends (`agree`), float32 to
rtol 1e-5 and float64 to 1e-12 (plus a small atol for values that cancel to ~0).
"""

import numpy as np
import pytest

import graphc as gc

RTOL = {np.float32: 1e-5, np.float64: 1e-12}
ATOL = {np.float32: 1e-6, np.float64: 1e-12}
rng = np.random.default_rng(0)


def agree(inputs, outputs, feeds, updates=None, rtol=None, atol=None):
    """Run on both backends and compare every output (and returns the llvm function)."""
    f = gc.function(inputs, outputs, updates=updates, backend="llvm")
    ref = gc.function(inputs, outputs, updates=updates, backend="numpy")
    got, want = f(*feeds), ref(*feeds)
    if not isinstance(outputs, (list, tuple)):
        got, want = [got], [want]
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        dtype = w.dtype.type
        if w.dtype.kind == "f":
            np.testing.assert_allclose(g, w, rtol=rtol or RTOL[dtype], atol=atol if atol is not None else ATOL[dtype])
        else:
            np.testing.assert_array_equal(g, w)
    return f


def data(shape, dtype=np.float32, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape).astype(dtype)


UNARY = ["exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "sigmoid", "sqrt", "abs", "sign", "relu",
         "floor", "neg"]
POSITIVE = {"log", "sqrt", "log1p"}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_ops_in_one_kernel(dtype):
    x = gc.placeholder((None,), dtype)
    outs = [getattr(gc, name)(x if name not in POSITIVE else gc.abs(x) + 0.1) for name in UNARY]
    agree([x], outs, [data(1037, dtype, -5, 5)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_binary_ops_and_comparisons(dtype):
    a, b = gc.placeholder((None, 7), dtype), gc.placeholder((7,), dtype)
    outs = [a + b, a - b, a * b, gc.maximum(a, b), gc.minimum(a, b), a < b, a <= b, a > b, a >= b,
            gc.equal(a, b), gc.not_equal(a, b), gc.where(a > b, a, b)]
    if dtype in (np.float32, np.float64):
        outs += [a / (gc.abs(b) + 1), gc.power(gc.abs(a) + 0.5, 1.7), a ** 2, gc.abs(a) ** (b * 0.1)]
    lo, hi = (-3, 3)
    av = rng.integers(lo, hi, (13, 7)).astype(dtype) if dtype in (np.int32, np.int64) else data((13, 7), dtype)
    bv = rng.integers(lo, hi, (7,)).astype(dtype) if dtype in (np.int32, np.int64) else data((7,), dtype)
    agree([a, b], outs, [av, bv])


def test_logic_and_casts():
    a, b = gc.placeholder((None,), gc.float32), gc.placeholder((None,), gc.float32)
    p, q = a > 0, b > 0
    outs = [gc.logical_and(p, q), gc.logical_or(p, q), gc.logical_not(p), gc.cast(p, gc.float32),
            gc.cast(a * 3, gc.int32), gc.cast(a, gc.float64), gc.cast(gc.cast(a * 5, gc.int64), gc.float32)]
    agree([a, b], outs, [data(99), data(99)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_and_inf_follow_numpy(dtype):
    x = gc.placeholder((None,), dtype)
    outs = [gc.maximum(x, 0.0), gc.minimum(x, 1.0), gc.max(x), gc.min(x), gc.exp(x), x * 2, gc.sum(x),
            gc.sign(x), gc.abs(x), gc.relu(x), gc.floor(x), gc.where(x > 1.0, x, -x), gc.cast(x > 0.0, dtype),
            gc.cast(gc.not_equal(x, x), dtype), gc.sin(x), gc.cos(x),
            gc.grad(gc.sum(gc.abs(x)), x)]    # g * sign(x): NaN at NaN, so training does not hide it
    v = np.array([1.0, np.nan, -np.inf, np.inf, 0.0, -0.0, 3.0, -2.5], dtype)
    f = gc.function([x], outs, backend="llvm")
    ref = gc.function([x], outs)
    for g, w in zip(f(v), ref(v)):
        np.testing.assert_allclose(g, w, rtol=RTOL[dtype])  # NaN where numpy has NaN, inf where it has inf
        np.testing.assert_array_equal(np.signbit(g[w == 0]), np.signbit(w[w == 0]))


@pytest.mark.parametrize("n", [21, 1 << 15], ids=["out-of-line math", "inlined math"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sin_and_cos_of_large_arguments_follow_numpy(dtype, n):
    """Arguments far beyond a few periods (up to the largest float) are reduced exactly, in small
    kernels (math called out of line) and big ones (inlined), lanes of both sizes side by side."""
    x = gc.placeholder((None,), dtype)
    big = [1.6e113, 1e300, -1e22, 6381956970095103 * 2.0**797] if dtype == np.float64 else [3e38, -1e30, 1e20]
    values = np.array([*big, 1e9, 1.6e9, 2e9, -3e15, 0.5, -2.0, np.inf, np.nan], dtype)
    feed = np.resize(values, n) * np.resize(np.array([1, -1, 1], dtype), n)
    agree([x], [gc.sin(x), gc.cos(x) * 2.0, gc.sin(x) * gc.cos(x)], [feed])


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False), (-1, True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reductions(axis, keepdims, dtype):
    x = gc.placeholder((None, 5, 9), dtype)
    outs = [gc.sum(x, axis, keepdims), gc.max(x, axis, keepdims), gc.min(x, axis, keepdims),
            gc.mean(x, axis, keepdims), gc.sum(gc.exp(x) * 2, axis, keepdims)]
    agree([x], outs, [data((4, 5, 9), dtype)])


def test_integer_and_bool_reductions():
    x = gc.placeholder((None, 6), gc.int32)
    outs = [gc.sum(x, 1), gc.max(x, 0), gc.min(x), gc.sum(x > 0, 1)]
    agree([x], outs, [rng.integers(-9, 9, (5, 6)).astype(np.int32)])


def test_long_float32_sum_is_accurate():
    x = gc.placeholder((None,), gc.float32)
    agree([x], [gc.sum(x), gc.mean(x * x)], [data(1 << 20)])


def lane_order_sum(values):
    """A float sum in the renderer's documented order: SUM_LANES partial sums by index mod SUM_LANES, added pairwise."""
    from graphc.codegen.llvm.renderer import SUM_LANES

    lanes = [0.0] * SUM_LANES
    for j, v in enumerate(values):
        lanes[j % SUM_LANES] += v
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = [lanes[j] + lanes[j + half] for j in range(half)]
    return lanes[0]


@pytest.mark.parametrize("n", [3, 8, 29, 1000])
def test_a_float_sum_adds_in_an_order_fixed_by_its_shape_alone(n):
    # rows reduced along contiguous memory and columns reduced across rows are rendered
    # differently, and a sum is fused with different neighbours in different kernels (a
    # rematerialised network): every one of them must add in the same order, bit for bit
    values = np.random.default_rng(n).standard_normal((n, 3)) * 10.0 ** np.arange(-6, 6, 4)
    x = gc.placeholder((n, 3), gc.float64)
    xt = gc.placeholder((3, n), gc.float64)
    columns = gc.function([x], gc.sum(x, axis=0), backend="llvm")(values)
    rows = gc.function([xt], gc.sum(xt, axis=1), backend="llvm")(np.ascontiguousarray(values.T))
    fused = gc.function([x], gc.sum(gc.exp(x) * 0 + x, axis=0) + gc.max(x, axis=0) * 0, backend="llvm")(values)
    want = [lane_order_sum(values[:, j]) for j in range(3)]
    np.testing.assert_array_equal(columns, want)
    np.testing.assert_array_equal(rows, want)
    np.testing.assert_array_equal(fused, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family(dtype):
    x = gc.placeholder((None, 11), dtype)
    labels = gc.placeholder((None,), gc.int32)
    outs = [gc.softmax(x), gc.log_softmax(x), gc.logsumexp(x), gc.softmax_cross_entropy(x, labels),
            gc.sigmoid_cross_entropy(x, gc.sigmoid(x))]
    agree([x, labels], outs, [data((33, 11), dtype, -20, 20), rng.integers(0, 11, 33).astype(np.int32)])


@pytest.mark.parametrize("shapes", [((8, 16), (16, 4)), ((3, 5, 7), (7, 2)), ((2, 1, 4, 6), (3, 6, 5)),
                                    ((1, 9), (9, 1)), ((0, 4), (4, 3)), ((5, 0), (0, 3))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_matmul_shapes(shapes, dtype):
    sa, sb = shapes
    a, b = gc.placeholder(sa, dtype), gc.placeholder(sb, dtype)
    av = rng.integers(-3, 3, sa).astype(dtype) if dtype == np.int32 else data(sa, dtype)
    bv = rng.integers(-3, 3, sb).astype(dtype) if dtype == np.int32 else data(sb, dtype)
    agree([a, b], [a @ b], [av, bv])


def test_matmul_of_transposed_and_sliced_operands():
    a, b = gc.placeholder((12, 8), gc.float32), gc.placeholder((12, 6), gc.float32)
    outs = [gc.transpose(a) @ b, a[:, ::2] @ gc.transpose(b[:5, :4]), gc.relu(a[2:7] @ b[:8, :5] + 1.0)]
    agree([a, b], outs, [data((12, 8)), data((12, 6))])


def test_a_computed_value_transposed_for_a_matmul_is_read_transposed_not_copied():
    h, y = gc.placeholder((12, 8), gc.float32), gc.placeholder((12, 6), gc.float32)
    t = gc.tanh(h)
    f = agree([h, y], [gc.transpose(t) @ y, t @ gc.transpose(t)], [data((12, 8)), data((12, 6))])
    # tanh stores only itself; both matmuls read its buffer through BLAS's transpose flag
    assert [k["ops"] for k in f.kernels()] == [["tanh"], ["matmul"], ["matmul"]]


def test_matmul_epilogue_is_one_kernel():
    x, w, bias = gc.placeholder((32, 64), gc.float32), gc.placeholder((64, 48), gc.float32), \
        gc.placeholder((48,), gc.float32)
    f = agree([x, w, bias], gc.relu(x @ w + bias), [data((32, 64)), data((64, 48)), data(48)])
    assert [k["kind"] for k in f.kernels()] == ["matmul"]


def test_shape_ops():
    x = gc.placeholder((4, 6), gc.float32)
    outs = [gc.reshape(x, (3, 8)), gc.transpose(x), gc.expand_dims(x, 1), gc.squeeze(gc.expand_dims(x, 0)),
            gc.broadcast_to(x[:, :1], (4, 6)), x[1:3, ::-2], x[::2, 1], gc.concatenate([x, x * 2], axis=1),
            gc.stack([x, x + 1]), gc.reshape(gc.transpose(x), (24,)), gc.one_hot(gc.cast(x, gc.int32), 3),
            gc.transpose(x) * gc.reshape(x, (6, 4))]
    agree([x], outs, [data((4, 6), low=-1, high=4)])


def test_non_contiguous_and_broadcast_feeds():
    x, y = gc.placeholder((None, 5), gc.float64), gc.placeholder((1, 5), gc.float64)
    f = gc.function([x, y], gc.exp(x) * y, backend="llvm")
    big = data((8, 10), np.float64)
    xv, yv = big[::2, ::2], data((1, 5), np.float64)
    np.testing.assert_allclose(f(xv, yv), np.exp(xv) * yv, rtol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 33, 1023])
def test_odd_and_degenerate_sizes(n):
    x = gc.placeholder((None, None), gc.float32)
    outs = [gc.tanh(x) * 2 + 1, gc.sum(x, 1), gc.softmax(x) if n else x * 1, gc.sum(x * x)]
    agree([x], outs, [data((3, n))])


def test_gradients_and_second_derivatives():
    x = gc.placeholder((5,), gc.float64)
    w = gc.placeholder((5, 5), gc.float64)
    y = gc.sum(gc.tanh(w @ x) ** 2) + gc.logsumexp(x * x, axis=0)
    (g,) = gc.grad(y, [x])
    (h,) = gc.grad(gc.sum(g * g), [x])
    hess = gc.hessian(y, x)
    agree([x, w], [y, g, h, hess], [data(5, np.float64), data((5, 5), np.float64)])


def test_mlp_training_step_matches_reference_and_fuses():
    def build(backend):
        r = np.random.default_rng(3)
        x, y = gc.placeholder((None, 20), gc.float32), gc.placeholder((None,), gc.int32)
        w1, w2 = (r.standard_normal(s).astype(np.float32) * 0.2 for s in ((20, 32), (32, 10)))
        params = [gc.variable(w1), gc.variable(np.zeros(32, np.float32)), gc.variable(w2),
                  gc.variable(np.zeros(10, np.float32))]
        h = gc.relu(x @ params[0] + params[1])
        loss = gc.mean(gc.softmax_cross_entropy(h @ params[2] + params[3], y))
        grads = gc.grad(loss, params)
        f = gc.function([x, y], loss, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)], backend=backend)
        return f, params

    fl, pl = build("llvm")
    fr, pr = build("numpy")
    xv, yv = data((16, 20)), rng.integers(0, 10, 16).astype(np.int32)
    for _ in range(3):
        np.testing.assert_allclose(fl(xv, yv), fr(xv, yv), rtol=1e-5)
    for p, q in zip(pl, pr):
        np.testing.assert_allclose(p.value, q.value, rtol=1e-5, atol=1e-6)
    kinds = [k["kind"] for k in fl.kernels()]
    assert kinds.count("matmul") == 5  # 2 forward, dW1, dW2, dh1 (updates fused as epilogues)
    assert len(kinds) <= 10


def test_compute_bound_chain_is_one_kernel():
    x, y = gc.placeholder((None,), gc.float32), gc.placeholder((None,), gc.float32)
    out = gc.tanh(x) * y + gc.exp(-x * x) * 0.5 - gc.sigmoid(y)
    f = agree([x, y], out, [data(4097), data(4097)])
    assert len(f.kernels()) == 1


def test_only_long_loops_evaluating_vector_math_ask_for_interleaving():
    # interleaving hides the latency of exp's long dependent chain, in loops that run long enough
    # to reach the interleaved body; a row of 10 never does, and LLVM would compile it for nothing
    x = gc.placeholder((None,), gc.float32)
    long_loop = agree([x], gc.exp(x) * 2, [data(40001)])
    assert "llvm.loop.interleave.count" in long_loop.llvm_ir(optimized=False)
    rows = gc.placeholder((None, 10), gc.float32)
    short_loops = agree([rows], gc.softmax(rows), [data((7, 10))])
    assert "llvm.loop.interleave.count" not in short_loops.llvm_ir(optimized=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_kernels_call_their_math_out_of_line_and_still_vectorized(dtype):
    # under INLINE_MATH_MIN_ELEMENTS the math functions are one copy per module, which the loop
    # vectorizer calls in vector form: far less code to compile, the same values
    x = gc.placeholder((None, 16), dtype)
    out = gc.tanh(x) * gc.sin(x) + gc.mean(gc.sigmoid(x) * gc.cos(x), axis=1, keepdims=True)
    f = agree([x], [out, *gc.grad(gc.sum(out), [x])], [data((64, 16), dtype)])
    optimized = f.llvm_ir()
    assert "alwaysinline" not in f.llvm_ir(optimized=False)
    vector_calls = [line for line in optimized.splitlines() if "call <" in line and ".call(" in line]
    assert vector_calls, "the math calls were not vectorized"
    big = agree([x], gc.tanh(x), [data((1 << 15, 16), dtype)])
    assert ".call(" not in big.llvm_ir()  # big kernels inline it (speed over compile time)


def test_softmax_is_one_kernel():
    x = gc.placeholder((None, 10), gc.float32)
    f = agree([x], gc.softmax(x), [data((7, 10))])
    assert len(f.kernels()) == 1 and f.kernels()[0]["phases"] == 3


def test_memory_plan_and_generated_code_are_exposed():
    x = gc.placeholder((64, 64), gc.float32)
    f = gc.function([x], gc.sum(gc.exp(x) @ gc.tanh(x)), backend="llvm")
    f(data((64, 64)))
    plan = f.memory_plan()
    assert plan.peak_bytes >= 2 * 64 * 64 * 4
    assert all(b.first <= b.last for b in plan.buffers.values())
    assert "define" in f.llvm_ir() and "graphc_sgemm" in f.llvm_ir(optimized=False)
    assert {"matmul", "loop"} <= {k["kind"] for k in f.kernels()}


def test_repeated_layers_share_one_compiled_body():
    # a deep network's layers are the same kernel on different buffers: compiled once, called per layer
    x = gc.placeholder((6, 16), gc.float64)
    ws = [gc.variable(data((16, 16), np.float64) * 0.3) for _ in range(12)]
    h = x
    for w in ws:
        h = gc.tanh(h @ w)
    loss = gc.sum(h * h)
    f = agree([x], [loss, *gc.grad(loss, ws)], [data((6, 16), np.float64)])
    bodies = f.llvm_ir(optimized=False).count("define internal void")
    assert len(f.kernels()) >= 36 and bodies <= 8


def test_bad_feeds_are_feed_errors():
    x = gc.placeholder((3,), gc.float32)
    f = gc.function([x], x * 2, backend="llvm")
    with pytest.raises(gc.FeedError):
        f(np.ones(4, np.float32))
    with pytest.raises(gc.FeedError):
        f(np.array(["a", "b", "c"]))
    exe = f.compile(np.ones(3, np.float32))
    with pytest.raises(gc.FeedError):
        exe([np.ones((3, 1), np.float32)], [])


def test_session_and_variables():
    v = gc.variable(np.arange(4, dtype=np.float64))
    sess = gc.Session(backend="llvm")
    step = gc.assign(v, v * 2 + 1)
    sess.run(step)
    np.testing.assert_array_equal(v.value, np.arange(4) * 2 + 1)
    assert sess.run(gc.sum(v)) == (np.arange(4) * 2 + 1).sum()


def test_returned_arrays_are_never_overwritten_by_later_calls():
    x = gc.placeholder((1000,), gc.float32)
    f = gc.function([x], [gc.exp(x)], backend="llvm")
    kept = f(np.zeros(1000, np.float32))[0]
    view = f(np.ones(1000, np.float32))[0][:10]   # only a view of the second result survives
    for _ in range(3):
        f(np.full(1000, 2.0, np.float32))
    np.testing.assert_array_equal(kept, 1.0)
    np.testing.assert_allclose(view, np.e, rtol=1e-6)


def test_an_output_array_the_caller_dropped_is_reused():
    x = gc.placeholder((1000,), gc.float32)
    f = gc.function([x], [gc.exp(x)], backend="llvm")
    address = f(np.zeros(1000, np.float32))[0].ctypes.data   # dropped at once
    assert f(np.zeros(1000, np.float32))[0].ctypes.data == address


def test_a_training_loop_alternates_between_two_buffers_per_variable():
    # each step's new value is written into the value before last, which nothing holds any more
    w = gc.variable(np.ones(64, np.float32))
    x = gc.placeholder((64,), gc.float32)
    step = gc.function([x], gc.sum(w * x), updates=[(w, w * 0.5 + x)], backend="llvm")
    seen = set()
    for i in range(6):
        step(np.full(64, i, np.float32))
        seen.add(w.attrs["store"].value.ctypes.data)   # the array itself (w.value is a copy)
    kept = w.value                    # held by the caller: the next steps must leave it alone
    before = kept.copy()
    for _ in range(3):
        step(np.full(64, 1.0, np.float32))
    assert len(seen) == 2
    np.testing.assert_array_equal(kept, before)
    np.testing.assert_allclose(w.value, ((before * 0.5 + 1) * 0.5 + 1) * 0.5 + 1)


def test_fetching_inputs_and_constants():
    x = gc.placeholder((3,), gc.float32)
    c = gc.constant(np.arange(3, dtype=np.float32))
    f = gc.function([x], [x, c, gc.transpose(gc.reshape(x, (3, 1)))], backend="llvm")
    xv = data(3)
    out = f(xv)
    np.testing.assert_array_equal(out[0], xv)
    np.testing.assert_array_equal(out[1], np.arange(3))
    np.testing.assert_array_equal(out[2], xv.reshape(1, 3))


def test_reduction_over_the_leading_axis_split_between_threads():
    x, b = gc.placeholder((300, 701), gc.float32), gc.placeholder((701,), gc.float32)
    outs = [b - 0.1 * gc.sum(x, 0), gc.max(x * 2, 0), gc.sum(x, (0,), keepdims=True) + b]
    # numpy adds the 300 rows in float32 one after the other (|error| ~ 1e-5 on sums of ~20); graphc in float64
    agree([x, b], outs, [data((300, 701)), data(701)], atol=3e-5)


def test_rematerialisation_keeps_values_and_lowers_the_planned_peak():
    r = np.random.default_rng(0)
    x = gc.placeholder((8, 16), gc.float64)
    ws = [gc.variable(r.standard_normal((16, 16)) * 0.3) for _ in range(8)]
    h = x
    for w in ws:
        h = gc.tanh(h @ w)
    loss = gc.sum(h * h)
    fetch = [loss] + gc.grad(loss, ws)
    xv = r.standard_normal((8, 16))
    plain = gc.function([x], fetch, backend="llvm")
    remat = gc.function([x], fetch, backend="llvm", remat="sqrt")
    for a, b, c in zip(remat(xv), plain(xv), gc.function([x], fetch)(xv)):
        np.testing.assert_allclose(a, c, rtol=1e-12)
        np.testing.assert_allclose(b, c, rtol=1e-12)
    assert remat.memory_plan().peak_bytes < plain.memory_plan().peak_bytes
