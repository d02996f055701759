"""erf, the inverse trigonometric functions, floored division and prod (graphc/ops/special_math.py,
integer_division.py, numpy_math.py's prod) and gc.nn.gelu: numpy's values, special values, dtypes and
spellings (np.<name>(t), %, //); gradients and second derivatives against central differences in
float64; the llvm backend against the numpy reference; CUDA source that nvcc compiles."""

import math

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 5.5, -5.5, 3.0, 0.5, 1e300, 1e-300, np.inf, -np.inf, np.nan]


def evaluate(build, *values, backend="numpy"):
    xs = [gc.placeholder(np.shape(v), np.asarray(v).dtype) for v in values]
    return gc.function(xs, build(*xs), backend=backend)(*values)


def assert_identical(got, want, where=""):
    """Same dtype, the same values bit for bit where exact (NaN for NaN, the sign of every zero)."""
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    same = (got == want) & (np.signbit(got) == np.signbit(want))
    if got.dtype.kind == "f":
        same |= np.isnan(got) & np.isnan(want)
    assert same.all(), f"{where}: got {got[~same][:5]}, want {want[~same][:5]} at {np.argwhere(~same)[:5].ravel()}"


def special_grid(dtype):
    with np.errstate(over="ignore"):  # 1e300 is inf in float32
        a, b = np.meshgrid(np.array(SPECIAL, dtype), np.array(SPECIAL, dtype), indexing="ij")
    return a.ravel(), b.ravel()


# ---- values -----------------------------------------------------------------------------------------

UNARY = {"erf": scipy.special.erf, "arctan": np.arctan, "arcsin": np.arcsin, "arccos": np.arccos}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_functions_give_numpys_values_on_every_backend(name, dtype):
    x = np.random.default_rng(1).uniform(-1, 1, 500).astype(dtype) * (30 if name in ("erf", "arctan") else 1)
    x = np.concatenate([x, np.array([0.0, -0.0, 1.0, -1.0, 1e-30, -1e-30, 2.0, np.inf, -np.inf, np.nan], dtype)])
    with np.errstate(invalid="ignore"):
        want = UNARY[name](x)
    assert want.dtype == dtype
    for backend in ("numpy", "llvm"):
        got = evaluate(getattr(gc, name), x, backend=backend)
        assert got.dtype == dtype
        assert np.array_equal(np.isnan(got), np.isnan(want)), f"{backend}: NaN where numpy has NaN (|x| > 1 for arcsin)"
        np.testing.assert_allclose(got, want, rtol=3 * np.finfo(dtype).eps, atol=0, err_msg=backend)
        exact = (want == 0) | np.isinf(want)
        assert_identical(got[exact], want[exact], f"{name} {backend} zeros and infinities")


def test_integer_operands_compute_in_float64_as_numpy():
    k = np.arange(-3, 4)
    got = evaluate(lambda t: [gc.erf(t), gc.arctan(t), gc.arctan2(t, 2)], k)
    want = [scipy.special.erf(k), np.arctan(k), np.arctan2(k, 2)]
    for g, w in zip(got, want):
        assert g.dtype == w.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_arctan2_keeps_numpys_signed_zeros_and_infinities(dtype):
    y, x = special_grid(dtype)
    want = np.arctan2(y, x)
    for backend in ("numpy", "llvm"):
        got = evaluate(gc.arctan2, y, x, backend=backend)
        exact = np.isnan(want) | (want == 0) | np.isinf(x) | np.isinf(y) | (x == 0) | (y == 0)
        assert_identical(got[exact], want[exact], f"arctan2 {backend}")
        np.testing.assert_allclose(got, want, rtol=3 * np.finfo(dtype).eps)


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["mod", "floor_divide"])
def test_floored_division_of_floats_is_numpys_to_the_bit(name, dtype, backend):
    """Signed zeros, inf and NaN, a zero divisor, an infinite one (-1 % inf is inf), huge quotients."""
    a, b = special_grid(dtype)
    rng = np.random.default_rng(2)
    a = np.concatenate([a, rng.uniform(-50, 50, 300).astype(dtype)])
    b = np.concatenate([b, rng.choice([-1, 1], 300) * rng.uniform(0.1, 7, 300).astype(dtype)])
    with np.errstate(all="ignore"):
        want = getattr(np, "remainder" if name == "mod" else name)(a, b)
    assert_identical(evaluate(getattr(gc, name), a, b, backend=backend), want, f"{name} {backend}")


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_floored_division_of_integers_is_numpys_with_zero_divisors_and_the_smallest_integer(dtype, backend):
    info = np.iinfo(dtype)
    values = np.array([0, 1, -1, 2, -2, 7, -7, 3, info.min, info.max, info.min + 1], dtype)
    a, b = (v.ravel() for v in np.meshgrid(values, values, indexing="ij"))
    with np.errstate(all="ignore"):
        want = [np.remainder(a, b), np.floor_divide(a, b)]
    got = evaluate(lambda x, y: [x % y, x // y], a, b, backend=backend)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype == dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("spell, values", [
    (lambda x, y: x % y, [np.arange(-4, 4, dtype=np.int32), 3.5]),
    (lambda x, y: x // y, [np.arange(-4, 4, dtype=np.int32), np.float32(2)]),
    (lambda x, y: y % x, [np.linspace(-3, 3, 7).astype(np.float32), 5]),
    (lambda x, y: y // x, [np.linspace(-3, 3, 6), np.int64(7)]),
    (lambda x, y: x % y, [np.arange(1, 6, dtype=np.int64), np.arange(-2, 3, dtype=np.int32)]),
])
def test_operators_promote_as_numpy(spell, values):
    x = gc.placeholder(values[0].shape, values[0].dtype)
    with np.errstate(all="ignore"):
        want = spell(values[0], values[1])
    got = gc.function([x], spell(x, values[1]))(values[0])
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_bool_division_is_refused_naming_the_missing_dtype():
    x = gc.placeholder((3,), gc.bool_)
    with pytest.raises(gc.ShapeError, match=r"floor_divide: .*int8.*cast the operands first"):
        x // x


def test_numpy_spellings_build_the_same_nodes():
    a, b = np.random.default_rng(3).uniform(-2, 2, (2, 6))
    x, y = gc.placeholder((6,), gc.float64), gc.placeholder((6,), gc.float64)
    spelt = [np.arctan(x), np.arcsin(x / 2), np.arccos(x / 2), np.arctan2(x, y), scipy.special.erf(x),
             np.mod(x, y), np.remainder(x, y), np.floor_divide(x, y), a % y, a // y, np.prod(x),
             np.prod(x, keepdims=True)]
    assert all(isinstance(t, gc.Tensor) for t in spelt)
    want = [np.arctan(a), np.arcsin(a / 2), np.arccos(a / 2), np.arctan2(a, b), scipy.special.erf(a), np.mod(a, b),
            np.remainder(a, b), np.floor_divide(a, b), a % b, a // b, np.prod(a), np.prod(a, keepdims=True)]
    for got, w in zip(gc.function([x, y], spelt)(a, b), want):
        np.testing.assert_allclose(got, w, rtol=1e-14)


def test_every_name_of_the_numpy_surface_exists():
    names = """argmax argmin clip var std prod cumsum split einsum tensordot dot outer inner erf tan arcsin arccos
    arctan arctan2 sinh cosh arcsinh arccosh arctanh hypot log2 log10 log1p expm1 logaddexp square reciprocal sign
    floor ceil mod floor_divide swapaxes moveaxis repeat tile roll flip pad tril triu diag diagonal trace ravel
    vstack hstack column_stack atleast_1d atleast_2d atleast_3d""".split()
    assert [n for n in names if not callable(getattr(gc, n, None))] == []
    assert callable(gc.nn.gelu)


# ---- prod ---------------------------------------------------------------------------------------------

PROD_CASES = {
    "all": (lambda np_, a: np_.prod(a), [np.random.default_rng(4).uniform(0.5, 1.5, (3, 5, 7))]),
    "axis": (lambda np_, a: np_.prod(a, axis=1), [np.random.default_rng(5).uniform(-2, 2, (3, 13))]),
    "axes keepdims": (lambda np_, a: np_.prod(a, axis=(0, 2), keepdims=True),
                      [np.random.default_rng(6).uniform(0.5, 1.5, (3, 5, 7))]),
    "negative axis initial": (lambda np_, a: np_.prod(a, axis=-1, initial=2.5),
                              [np.random.default_rng(7).uniform(-2, 2, (4, 6))]),
    "int32 to int64": (lambda np_, a: np_.prod(a, axis=0), [np.arange(1, 13, dtype=np.int32).reshape(3, 4)]),
    "wrapping int64": (lambda np_, a: np_.prod(a), [np.arange(1, 40, dtype=np.int64)]),
    "bool": (lambda np_, a: np_.prod(a > 0, axis=1), [np.array([[1.0, 2.0], [0.0, 3.0]])]),
    "dtype": (lambda np_, a: np_.prod(a, dtype=np.float32), [np.arange(1, 6)]),
    "empty axis": (lambda np_, a: np_.prod(a, axis=1), [np.zeros((3, 0))]),
    "zeros and inf": (lambda np_, a: np_.prod(a, axis=1), [np.array([[0.0, np.inf, 2.0], [np.nan, 1.0, 0.0]])]),
}


@pytest.mark.parametrize("name", PROD_CASES)
def test_prod_gives_numpys_value_shape_and_dtype(name):
    spell, values = PROD_CASES[name]
    with np.errstate(all="ignore"):
        want = spell(np, *values)
        for build in (lambda *xs: spell(gc, *xs), lambda *xs: spell(np, *xs)):
            for backend in ("numpy", "llvm"):
                got = evaluate(build, *values, backend=backend)
                assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype)
                np.testing.assert_allclose(got, want, rtol=1e-13)


def test_prod_method_spelling():
    v = np.random.default_rng(8).uniform(-2, 2, (3, 4))
    got = evaluate(lambda t: [t.prod(), t.prod(axis=0, keepdims=True)], v)
    np.testing.assert_allclose(got[0], v.prod(), rtol=1e-14)
    np.testing.assert_allclose(got[1], v.prod(axis=0, keepdims=True), rtol=1e-14)


@pytest.mark.parametrize("zeros", [[], [2], [1, 4]])
def test_prod_gradient_and_hessian_are_exact_where_elements_are_zero(zeros):
    """d prod / d x_i is the product of the others (0/0 by the textbook prod/x_i); the Hessian's (i, j)
    entry the product of all but x_i and x_j: with one zero, only the zero's row and column live."""
    v = np.random.default_rng(9).uniform(0.5, 2.0, 6)
    v[zeros] = 0.0
    x = gc.placeholder((6,), gc.float64)
    y = gc.prod(x)
    (g,) = gc.grad(y, [x])
    got_g, got_h = gc.function([x], [g, gc.hessian(y, x)])(v)
    want_g = np.array([np.prod(np.delete(v, i)) for i in range(6)])
    want_h = np.array([[0.0 if i == j else np.prod(np.delete(v, [i, j])) for j in range(6)] for i in range(6)])
    np.testing.assert_allclose(got_g, want_g, rtol=1e-14, atol=0)
    np.testing.assert_allclose(got_h, want_h, rtol=1e-14, atol=0)
    assert gc.check_grad(y, [x], {x: v})


def test_prod_needs_static_sizes_and_refuses_where():
    x = gc.placeholder((None, 3), gc.float64)
    with pytest.raises(gc.ShapeError, match=r"prod: axis 0 needs a static size.*\(None, 3\)"):
        gc.prod(x, axis=0)
    with pytest.raises(TypeError, match=r"prod\(..., out=\)"):
        gc.prod(x, axis=1, out=np.zeros(3))


# ---- derivatives --------------------------------------------------------------------------------------

_R = np.random.default_rng(10)
_X = _R.uniform(-0.9, 0.9, (3, 4))
_Y = _R.uniform(0.4, 2.0, (3, 4)) * _R.choice([-1, 1], (3, 4))
# mod and floor_divide away from their jumps: x/y not near an integer
_SAFE = np.where(np.abs(_X * 7 / _Y - np.round(_X * 7 / _Y)) > 0.05, _X * 7, 0.5 * _Y)
DERIVATIVES = {
    "erf": (gc.erf, [_X * 2]), "arctan": (gc.arctan, [_X * 4]), "arcsin": (gc.arcsin, [_X]),
    "arccos": (gc.arccos, [_X]), "arctan2": (gc.arctan2, [_X, _Y]), "mod": (gc.mod, [_SAFE, _Y]),
    "floor_divide": (lambda a, b: gc.floor_divide(a, b) * a, [_SAFE, _Y]),
    "prod": (lambda a: gc.prod(a, axis=1), [_X]), "prod all": (gc.prod, [_X + 1.5]),
    "gelu": (gc.nn.gelu, [_X * 4]), "gelu tanh": (lambda a: gc.nn.gelu(a, approximate=True), [_X * 4]),
}


@pytest.mark.parametrize("name", DERIVATIVES)
def test_gradients_match_central_differences(name):
    build, values = DERIVATIVES[name]
    xs = [gc.placeholder(v.shape, gc.float64) for v in values]
    assert gc.check_grad(build(*xs), xs, dict(zip(xs, values)))


@pytest.mark.parametrize("name", DERIVATIVES)
def test_second_derivatives_match_central_differences_of_the_gradient(name):
    build, values = DERIVATIVES[name]
    xs = [gc.placeholder(v.shape, gc.float64) for v in values]
    weights = [np.random.default_rng(11).standard_normal(v.shape) for v in values]
    grads = gc.grad(gc.sum(build(*xs)), xs)
    projected = sum(gc.sum(g * w) for g, w in zip(grads, weights))
    assert gc.check_grad(projected, xs, dict(zip(xs, values)))


def test_forward_mode_agrees_with_reverse_mode():
    x, y = gc.placeholder((3, 4), gc.float64), gc.placeholder((3, 4), gc.float64)
    out = gc.sum(gc.arctan2(x, y) * gc.erf(x) + gc.arcsin(x) * gc.mod(x * 7, y) + gc.arccos(x) * gc.nn.gelu(y))
    out = out + gc.prod(x + 1.0)
    dx, dy = np.random.default_rng(12).standard_normal((2, 3, 4))
    gx, gy = gc.grad(out, [x, y])
    tangent = gc.jvp(out, [x, y], [gc.constant(dx), gc.constant(dy)])
    got_gx, got_gy, got_t = gc.function([x, y], [gx, gy, tangent])(_X, _Y)
    np.testing.assert_allclose(got_t, np.sum(got_gx * dx) + np.sum(got_gy * dy), rtol=1e-10)


def test_mod_derivative_is_one_and_minus_the_floored_quotient_and_floor_divides_is_zero():
    a, b = gc.placeholder((4,), gc.float64), gc.placeholder((4,), gc.float64)
    av, bv = np.array([5.5, -5.5, 7.0, 0.3]), np.array([2.0, 2.0, -3.0, 0.7])
    got = gc.function([a, b], gc.grad(gc.sum(a % b), [a, b]) + gc.grad(gc.sum(a // b), [a, b]))(av, bv)
    np.testing.assert_array_equal(got[0], np.ones(4))
    np.testing.assert_array_equal(got[1], -np.floor_divide(av, bv))
    np.testing.assert_array_equal(got[2], np.zeros(4))
    np.testing.assert_array_equal(got[3], np.zeros(4))


def test_inverse_sine_and_cosine_derivatives_are_infinite_at_the_domain_edge_but_masked_gradients_stay_finite():
    x = gc.placeholder((3,), gc.float64)
    (g,) = gc.grad(gc.sum(gc.arcsin(x)), [x])
    np.testing.assert_array_equal(gc.function([x], g)(np.array([1.0, -1.0, 0.0])), [np.inf, np.inf, 1.0])
    (masked,) = gc.grad(gc.sum(gc.where(gc.abs(x) < 1.0, gc.arccos(x), 0.0)), [x])
    np.testing.assert_array_equal(gc.function([x], masked)(np.array([1.0, -1.0, 0.0])), [0.0, 0.0, -1.0])


# ---- gelu -----------------------------------------------------------------------------------------------


def test_gelu_is_x_times_the_normal_cdf_or_its_tanh_approximation():
    """Both forms as PyTorch computes them, x · (1 + f)/2: for x below about -8 the sum 1 + f rounds to 0,
    so the tiny true values come out as 0 (an absolute error below 1e-15)."""
    v = np.concatenate([np.linspace(-12, 12, 97), [0.0, -0.0, np.inf, -np.inf]])
    with np.errstate(invalid="ignore", over="ignore"):
        exact = v * scipy.special.ndtr(v)
        tanh_form = 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))
    exact[np.isinf(v)] = [np.inf, np.nan]  # -inf · 0 is NaN, as in PyTorch and JAX
    for backend in ("numpy", "llvm"):
        with np.errstate(invalid="ignore"):
            got_exact, got_tanh = evaluate(lambda t: [gc.nn.gelu(t), gc.nn.gelu(t, approximate=True)], v,
                                           backend=backend)
        np.testing.assert_allclose(got_exact, exact, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(got_tanh, tanh_form, rtol=1e-14, atol=1e-15)
    got32 = evaluate(gc.nn.gelu, v[:97].astype(np.float32), backend="llvm")
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, exact[:97], rtol=1e-6, atol=1e-6)


def test_gelu_agrees_with_pytorch_when_installed():
    torch = pytest.importorskip("torch")
    v = np.random.default_rng(13).uniform(-6, 6, 200)
    for approximate, spelt in ((False, "none"), (True, "tanh")):
        want = torch.nn.functional.gelu(torch.from_numpy(v), approximate=spelt).numpy()
        np.testing.assert_allclose(evaluate(lambda t: gc.nn.gelu(t, approximate=approximate), v), want, rtol=1e-13)


# ---- compiled backends ------------------------------------------------------------------------------------


def _graph(dtype):
    x, y = gc.placeholder((6, 9), dtype), gc.placeholder((6, 9), dtype)
    outs = [gc.erf(x), gc.arctan(x * 3), gc.arcsin(x / 3), gc.arccos(x / 3), gc.arctan2(x, y), x % y, x // y,
            gc.prod(x, axis=1), gc.prod(x), gc.nn.gelu(x), gc.nn.gelu(y, approximate=True)]
    loss = gc.sum(gc.arctan2(x, y) * gc.erf(y) + gc.arcsin(x / 3) * gc.mod(x, y) + gc.arccos(y / 3))
    outs += gc.grad(loss + gc.sum(gc.prod(x, axis=0) * gc.nn.gelu(y[0])), [x, y])
    return [x, y], outs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_llvm_matches_the_reference_on_random_inputs(dtype):
    inputs, outs = _graph(dtype)
    values = list(np.random.default_rng(14).uniform(-2.9, 2.9, (2, 6, 9)).astype(dtype))
    want = gc.function(inputs, outs)(*values)
    got = gc.function(inputs, outs, backend="llvm")(*values)
    tol = 2e-5 if dtype == np.float32 else 1e-12
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, i
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=f"output {i}")


@pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cuda_source_compiles_with_nvcc(dtype):
    inputs, outs = _graph(dtype)
    k = gc.placeholder((5,), gc.int32)
    outs += [k % 3, 7 // k, k // -2]
    _, plan = plan_kernels(specialize(inputs + [k], outs, [], [(6, 9), (6, 9), (5,)]))
    source = render_module(plan.kernels).source
    assert ("erff(" if dtype == np.float32 else "erf(") in source and "fmod" in source and " % " in source
    ptx = nvcc_compile(source, "sm_80", "ptx").decode()
    assert ptx.count(".entry") == len(plan.kernels)


# ---- the long tail: random operands, every float ---------------------------------------------------------

_FLOORED = {}


def _floored_division_on_llvm(dtype):
    """One compiled function per dtype (compiling per example would take most of the test's time)."""
    if dtype not in _FLOORED:
        a, b = gc.placeholder((64,), dtype), gc.placeholder((64,), dtype)
        _FLOORED[dtype] = gc.function([a, b], [a % b, a // b], backend="llvm")
    return _FLOORED[dtype]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_floored_division_is_numpys_to_the_bit_on_any_floats(data, dtype):
    width = 32 if dtype == np.float32 else 64
    floats = st.floats(width=width, allow_nan=True, allow_infinity=True)
    a = np.array(data.draw(st.lists(floats, min_size=64, max_size=64)), dtype)
    b = np.array(data.draw(st.lists(floats, min_size=64, max_size=64)), dtype)
    with np.errstate(all="ignore"):
        want = [np.remainder(a, b), np.floor_divide(a, b)]
    for got, w, name in zip(_floored_division_on_llvm(dtype)(a, b), want, ("mod", "floor_divide")):
        assert_identical(got, w, name)
