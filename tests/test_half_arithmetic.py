"""Arithmetic on float16 and bfloat16: numpy's promotion, float32 inside, rounded to the half dtype.

The numpy reference computes each op in float32 and rounds its result once; the llvm backend
computes the same way inside fused kernels.  So the two agree bit for bit wherever float32
arithmetic is exactly specified (+ - * /, sqrt, max, min, comparisons, select, and chains of
them), and within one half ulp where float32 results may differ in their last bits: math
functions (graphc's vecmath against libm) and sums and matmuls (order of float32 additions).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc

HALVES = [gc.float16, gc.bfloat16]
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable half values lie between a and b (NaNs must match: 0 there)."""
    def ordinal(x):
        i = x.view(np.int16).astype(np.int64)
        return np.where(i < 0, -32768 - i, i)
    both_nan = np.isnan(a.astype(np.float32)) & np.isnan(b.astype(np.float32))
    return np.where(both_nan, 0, np.abs(ordinal(a) - ordinal(b)))


def values(dtype, shape, seed=0, positive=False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    return (np.abs(x) + 0.01 if positive else x).astype(dtype)


def run_both(inputs, outputs, feeds):
    got = gc.function(inputs, outputs, backend="llvm")(*feeds)
    want = gc.function(inputs, outputs, backend="numpy")(*feeds)
    for g, w, o in zip(got, want, outputs):
        assert g.dtype == w.dtype == o.dtype
    return got, want


# ---- promotion -----------------------------------------------------------------------------------

DTYPES = [gc.float16, gc.bfloat16, gc.float32, gc.float64, gc.int32, gc.int64, gc.bool_]


@pytest.mark.parametrize("a", DTYPES, ids=str)
@pytest.mark.parametrize("b", DTYPES, ids=str)
def test_promotion_is_numpys_and_ml_dtypes(a, b):
    if a == b == gc.bool_:
        pytest.skip("bool + bool is logical or in numpy, not a promotion")
    x, y = gc.placeholder((2,), a), gc.placeholder((2,), b)
    want = (np.ones(2, a) + np.ones(2, b)).dtype
    assert (x + y).dtype == want
    assert gc.function([x, y], [x + y], backend="llvm")(np.ones(2, a), np.ones(2, b))[0].dtype == want


def test_the_promotions_users_rely_on():
    f16, bf16, f32 = (gc.placeholder((2, 2), d) for d in (gc.float16, gc.bfloat16, gc.float32))
    assert (f16 @ f16).dtype == gc.float16 and (bf16 @ bf16).dtype == gc.bfloat16
    assert (f16 + f32).dtype == gc.float32 and (bf16 * f32).dtype == gc.float32
    assert (bf16 + f16).dtype == gc.float32  # as JAX: neither holds the other
    assert (f16 * 2.5).dtype == gc.float16 and (bf16 - 1).dtype == gc.bfloat16  # Python numbers are weak
    assert gc.exp(bf16).dtype == gc.bfloat16 and gc.sum(f16).dtype == gc.float16
    assert gc.less(f16, bf16).dtype == gc.bool_


# ---- the reference: float32 inside, rounded once ---------------------------------------------------

@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_the_reference_computes_each_op_in_float32_and_rounds_its_result(dtype):
    x = gc.placeholder((1000,), dtype)
    xv = values(dtype, (1000,), positive=True)
    wide = xv.astype(np.float32)
    outs = gc.function([x], [gc.exp(x), x / 3.0, gc.sum(x), x @ x])(xv)
    expected = [np.exp(wide), wide / np.float32(3), np.sum(wide), wide @ wide]
    for got, want in zip(outs, expected):
        np.testing.assert_array_equal(got.view(np.uint16), np.asarray(want).astype(dtype).view(np.uint16))


# ---- llvm against the reference ------------------------------------------------------------------

EXACT = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "maximum": gc.maximum, "minimum": gc.minimum, "sqrt_abs": lambda a, b: gc.sqrt(gc.abs(a)),
    "neg": lambda a, b: -a, "relu": lambda a, b: gc.relu(a), "where": lambda a, b: gc.where(gc.less(a, b), a, b),
    "chain": lambda a, b: (a * b + a) / (gc.abs(b) + 1.0) - gc.maximum(a, 0.5) * 3.0,
    "broadcast": lambda a, b: a[:, :1] * b + a[0],
}


@pytest.mark.parametrize("dtype", HALVES, ids=str)
@pytest.mark.parametrize("name", sorted(EXACT))
def test_exactly_rounded_arithmetic_agrees_bit_for_bit(dtype, name):
    a, b = gc.placeholder((64, 33), dtype), gc.placeholder((64, 33), dtype)
    feeds = [values(dtype, (64, 33), 1), values(dtype, (64, 33), 2)]
    feeds[1][0, :5] = [0, np.inf, -np.inf, np.nan, -0.0]
    (got,), (want,) = run_both([a, b], [EXACT[name](a, b)], feeds)
    np.testing.assert_array_equal(ulps(got, want), 0)


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_comparisons_and_casts_out_agree(dtype):
    a, b = gc.placeholder((500,), dtype), gc.placeholder((500,), dtype)
    feeds = [values(dtype, (500,), 3), values(dtype, (500,), 4)]
    outs = [gc.less(a, b), gc.greater_equal(a, 0.0), gc.cast(a * b, gc.float32), gc.cast(a, gc.int32)]
    got, want = run_both([a, b], outs, feeds)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


MATH = {"exp": gc.exp, "log": lambda x: gc.log(gc.abs(x)), "tanh": gc.tanh, "sigmoid": gc.sigmoid,
        "sin": gc.sin, "log1p": lambda x: gc.log1p(gc.abs(x)), "power": lambda x: gc.abs(x) ** 1.5}


@pytest.mark.parametrize("dtype", HALVES, ids=str)
@pytest.mark.parametrize("name", sorted(MATH))
def test_math_functions_agree_within_one_half_ulp(dtype, name):
    x = gc.placeholder((4096,), dtype)
    (got,), (want,) = run_both([x], [MATH[name](x)], [values(dtype, (4096,), 5)])
    assert ulps(got, want).max() <= 1


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_reductions_accumulate_in_float32_within_one_half_ulp(dtype):
    x = gc.placeholder((37, 300), dtype)
    outs = [gc.sum(x, axis=1), gc.sum(x, axis=0), gc.mean(x), gc.max(x, axis=1), gc.min(x, axis=0),
            gc.logsumexp(x, axis=1)]
    got, want = run_both([x], outs, [values(dtype, (37, 300), 6)])
    for g, w in zip(got, want):
        assert ulps(g, w).max() <= 1
    np.testing.assert_array_equal(got[3], want[3])  # max and min are exact
    # 2048 ones: a float16 running sum would stop at 2048 - 1 + ...; float32 accumulation is exact
    ones = gc.placeholder((4096,), dtype)
    total = gc.function([ones], [gc.sum(ones)], backend="llvm")(np.ones(4096, dtype))[0]
    assert float(total) == 4096.0


@pytest.mark.parametrize("dtype", HALVES, ids=str)
@pytest.mark.parametrize("shapes", [((33, 65), (65, 17)), ((3, 0), (0, 4)), ((2, 5, 40), (40, 7)),
                                    ((130, 200), (200, 129))], ids=str)
def test_matmul_accumulates_in_float32_within_one_half_ulp(dtype, shapes):
    a, b = gc.placeholder(shapes[0], dtype), gc.placeholder(shapes[1], dtype)
    outs = [a @ b, gc.relu(a @ b) * 2.0]
    if len(shapes[0]) == 2:
        outs.append(gc.transpose(b) @ gc.transpose(a))
    got, want = run_both([a, b], outs, [values(dtype, shapes[0], 7), values(dtype, shapes[1], 8)])
    for g, w in zip(got, want):
        assert ulps(g, w).max() <= 1


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_a_half_sgd_step_updates_variables_as_the_reference(dtype):
    rng = np.random.default_rng(9)
    start = rng.standard_normal((16, 8)).astype(dtype)
    results = []
    for backend in ("numpy", "llvm"):
        x = gc.placeholder((32, 16), dtype)
        w = gc.variable(start.copy())
        loss = gc.cast(gc.sum((x @ w) ** 2), gc.float32)
        step = gc.function([x], [loss], updates=gc.optim.SGD(0.01).minimize(loss), backend=backend)
        for i in range(3):
            step(values(dtype, (32, 16), 10 + i))
        results.append(w.value)
    assert results[0].dtype == dtype
    assert ulps(results[0], results[1]).max() <= 1


OPS = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, gc.maximum, lambda a, b: a / (gc.abs(b) + 1.0)]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(HALVES), st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 9),
                                                   st.integers(0, 9)), min_size=1, max_size=12))
def test_random_fused_chains_agree_bit_for_bit(dtype, steps):
    a, b = gc.placeholder((8, 16), dtype), gc.placeholder((8, 16), dtype)
    nodes = [a, b]
    for op, i, j in steps:
        nodes.append(OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    (got,), (want,) = run_both([a, b], [nodes[-1]], [values(dtype, (8, 16), 11), values(dtype, (8, 16), 12)])
    np.testing.assert_array_equal(ulps(got, want), 0)


# ---- gradients through casts ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_gradients_flow_through_casts_to_the_wider_variable(dtype):
    x = gc.placeholder((50,), gc.float32)
    c = values(np.float32, (50,), 13)
    half_x = gc.cast(x, dtype)
    loss = gc.cast(gc.sum(half_x * half_x * gc.constant(c.astype(dtype))), gc.float32)
    (g,) = gc.grad(loss, [x])
    assert g.dtype == gc.float32
    xv = values(np.float32, (50,), 14)
    for backend in ("numpy", "llvm"):
        got = gc.function([x], [g], backend=backend)(xv)[0]
        q, cq = xv.astype(dtype), c.astype(dtype)
        want = (q.astype(np.float32) * cq.astype(np.float32)).astype(dtype).astype(np.float32) * 2  # 2 * q * c, rounded
        np.testing.assert_allclose(got, want, rtol=2 ** -7)


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_forward_mode_and_second_derivatives_through_casts(dtype):
    """A cast's derivative is the identity, carried in the dtype of the value it passes: a cotangent
    that flows back through a half intermediate is rounded to it (as TensorFlow and JAX do), a
    tangent flowing forward through it is the rounding of a tangent of 1, exactly 1."""
    x = gc.placeholder((20,), gc.float64)
    q = gc.cast(gc.cast(x, dtype), gc.float64)  # the value rounded; its derivative passes straight through
    y = gc.sum(q ** 3)
    (g,) = gc.grad(y, [x])
    (h,) = gc.grad(gc.sum(g), [x])  # the diagonal of the Hessian: 6 q
    t = gc.jvp(y, [x], [np.ones(20)])
    xv = np.linspace(-2, 2, 20)
    qv = xv.astype(dtype).astype(np.float64)
    rounded = lambda v: v.astype(dtype).astype(np.float64)  # noqa: E731
    for backend in ("numpy", "llvm"):
        gv, hv, tv = gc.function([x], [g, h, t], backend=backend)(xv)
        np.testing.assert_array_equal(gv, rounded(3 * qv ** 2))
        np.testing.assert_array_equal(hv, rounded(6 * qv))
        np.testing.assert_allclose(tv, np.sum(3 * qv ** 2), rtol=1e-12)



# ---- random draws --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_half_random_draws_are_float32_draws_rounded_and_uniform_stays_below_one(dtype):
    u = gc.random.uniform((1 << 16,), dtype=dtype, seed=5)
    n = gc.random.normal((1000,), dtype=dtype, seed=6)
    u32 = gc.random.uniform((1 << 16,), seed=5)
    n32 = gc.random.normal((1000,), seed=6)
    got, want = run_both([], [u, n], [])
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    wide = gc.function([], [u32, n32], backend="llvm")()
    below_one = np.nextafter(np.array(1, dtype), np.array(0, dtype))
    np.testing.assert_array_equal(got[0], np.minimum(wide[0].astype(dtype), below_one))
    np.testing.assert_array_equal(got[1], wide[1].astype(dtype))
    assert got[0].max() < 1 and got[0].min() >= 0 and (got[0] == below_one).any()
