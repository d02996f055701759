"""numpy's functions on graph tensors (graphc/ops/numpy_math.py, numpy_shape.py, numpy_linear.py): each
gives numpy's value, shape and dtype for numpy's signature, is differentiable where numpy's function is
(gradients against central differences in float64), compiles with llvm, answers np.<name>(t), and
refuses bad arguments with a ShapeError naming the function and the operand shapes."""

import numpy as np
import pytest

import graphc as gc

rng = np.random.default_rng(0)
A = rng.uniform(-2, 2, (2, 3, 4))
B = rng.uniform(-2, 2, (4, 5))
SQ = rng.uniform(-2, 2, (3, 3))
V = rng.uniform(-2, 2, (5,))
W = rng.uniform(-2, 2, (3, 4))  # broadcasts against A


def run(build, *values):
    """build(*placeholders) evaluated by the numpy reference on values."""
    xs = [gc.placeholder(np.shape(v), np.asarray(v).dtype) for v in values]
    return gc.function(xs, build(*xs))(*values)


def assert_same(got, want, rtol=1e-12):
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w, rtol)
        return
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300)


# name -> (numpy spelling on arrays, value arguments); gc.<same spelling> must agree
CASES = {
    "square": (lambda np_, a: np_.square(a), [A]),
    "reciprocal": (lambda np_, a: np_.reciprocal(a), [A]),
    "clip": (lambda np_, a: np_.clip(a, -0.5, 1.0), [A]),
    "clip lower only": (lambda np_, a: np_.clip(a, 0.0, None), [A]),
    "clip tensor bounds": (lambda np_, a, lo: np_.clip(a, lo, lo + 1.0), [A, B[:3, 0][:, None]]),
    "var": (lambda np_, a: np_.var(a), [A]),
    "var axis keepdims": (lambda np_, a: np_.var(a, axis=-1, keepdims=True), [A]),
    "var ddof axes": (lambda np_, a: np_.var(a, axis=(0, 2), ddof=1), [A]),
    "std": (lambda np_, a: np_.std(a, axis=1), [A]),
    "std ddof keepdims": (lambda np_, a: np_.std(a, axis=-2, ddof=1, keepdims=True), [A]),
    "ceil": (lambda np_, a: np_.ceil(a), [A]),
    "tan": (lambda np_, a: np_.tan(a * 0.7), [A]),
    "sinh": (lambda np_, a: np_.sinh(a), [A]),
    "cosh": (lambda np_, a: np_.cosh(a), [A]),
    "arcsinh": (lambda np_, a: np_.arcsinh(a), [A]),
    "arccosh": (lambda np_, a: np_.arccosh(np_.abs(a) + 1.0), [A]),
    "arctanh": (lambda np_, a: np_.arctanh(a * 0.45), [A]),
    "hypot": (lambda np_, a, b: np_.hypot(a, b), [A, W]),
    "log2": (lambda np_, a: np_.log2(np_.abs(a)), [A]),
    "log10": (lambda np_, a: np_.log10(np_.abs(a)), [A]),
    "logaddexp": (lambda np_, a, b: np_.logaddexp(a, b), [A, W]),
    "argmax": (lambda np_, a: np_.argmax(a), [A]),
    "argmax axis": (lambda np_, a: np_.argmax(a, axis=-1), [A]),
    "argmin axis keepdims": (lambda np_, a: np_.argmin(a, axis=1, keepdims=True), [A]),
    "argmax keepdims no axis": (lambda np_, a: np_.argmax(a, keepdims=True), [A]),
    "cumsum": (lambda np_, a: np_.cumsum(a), [A]),
    "cumsum axis": (lambda np_, a: np_.cumsum(a, axis=-2), [A]),
    "cumsum long": (lambda np_, a: np_.cumsum(a, axis=0), [rng.uniform(-1, 1, (37, 2))]),
}


@pytest.mark.parametrize("name", CASES)
def test_values_shapes_and_dtypes_are_numpys(name):
    spelling, values = CASES[name]
    with np.errstate(all="ignore"):
        assert_same(run(lambda *xs: spelling(gc, *xs), *values), spelling(np, *values))


@pytest.mark.parametrize("name", CASES)
def test_numpy_functions_on_graph_tensors_dispatch_to_the_same(name):
    spelling, values = CASES[name]
    built = run(lambda *xs: spelling(np, *xs), *values)
    assert_same(built, spelling(np, *values))


@pytest.mark.parametrize("name, call, values", [
    ("var of integers", lambda np_, a: np_.var(a, axis=0), [np.arange(12).reshape(3, 4)]),
    ("cumsum of int32", lambda np_, a: np_.cumsum(a), [np.arange(6, dtype=np.int32)]),
    ("cumsum of bool", lambda np_, a: np_.cumsum(a > 2), [np.arange(6)]),
    ("cumsum dtype", lambda np_, a: np_.cumsum(a, dtype=np.float32), [np.arange(6)]),
    ("square of integers", lambda np_, a: np_.square(a), [np.arange(-3, 3)]),
    ("reciprocal of integers", lambda np_, a: np_.reciprocal(a), [np.array([1, -1, 2, -5, 7])]),
    ("argmax of integers", lambda np_, a: np_.argmax(a, axis=0), [np.array([[1, 5], [5, 2], [3, 5]])]),
    ("clip promotes", lambda np_, a: np_.clip(a, 0.5, 3.5), [np.arange(6)]),
])
def test_type_promotion_is_numpys(name, call, values):
    assert_same(run(lambda *xs: call(gc, *xs), *values), call(np, *values))


def test_argmax_and_argmin_take_the_first_occurrence_and_the_first_nan():
    rows = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, np.nan, 5.0, np.nan], [-1.0, -1.0, -1.0, -1.0],
                     [np.inf, 0.0, np.inf, -np.inf]])
    for fn in ("argmax", "argmin"):
        for axis in (0, 1, None):
            assert_same(run(lambda x: getattr(gc, fn)(x, axis=axis), rows), getattr(np, fn)(rows, axis=axis))


def test_numerically_careful_forms_hold_where_textbook_formulas_fail():
    x = np.array([0.0, 1e-300, -1e-12, 1e-8, 0.5, -3.0, 19.9, 20.0, 25.0, 700.0, -710.0, 1e200, -1e300])
    with np.errstate(all="ignore"):
        for fn in ("sinh", "cosh", "arcsinh"):
            assert_same(run(getattr(gc, fn), x), getattr(np, fn)(x), rtol=2e-15)
        near_one = np.array([1.0, 1.0 + 1e-15, 1.0 + 1e-9, 1.5, 1e10, 1e300, 0.5, -2.0])
        assert_same(run(gc.arccosh, near_one), np.arccosh(near_one), rtol=1e-14)
        near_edge = np.array([0.0, 1e-300, 1e-9, -0.5, 0.999999999, -0.9999999999999, 1.0, -1.0, 1.5])
        assert_same(run(gc.arctanh, near_edge), np.arctanh(near_edge), rtol=1e-14)
    big = np.array([1e300, 1e-300, 0.0, np.inf, np.inf, 3.0, np.nan])
    other = np.array([1e300, 1e-300, 0.0, np.nan, -np.inf, -4.0, 1.0])
    assert_same(run(gc.hypot, big, other), np.hypot(big, other))
    with np.errstate(invalid="ignore"):
        assert_same(run(gc.logaddexp, big, -other), np.logaddexp(big, -other))
    assert_same(run(gc.log2, np.array([8.0, 0.125, 1e300])), np.log2([8.0, 0.125, 1e300]), rtol=1e-15)


def test_logaddexp_of_two_minus_infinities_is_minus_infinity_with_a_finite_gradient():
    a, b = gc.placeholder((3,), gc.float64), gc.placeholder((3,), gc.float64)
    y = gc.logaddexp(a, b)
    grads = gc.grad(gc.sum(y), [a, b])
    values = [np.array([-np.inf, -np.inf, 0.0]), np.array([-np.inf, 1.0, 0.0])]
    out, ga, gb = gc.function([a, b], [y] + grads)(*values)
    np.testing.assert_array_equal(out, np.logaddexp(*values))
    assert np.isfinite(ga).all() and np.isfinite(gb).all()
    np.testing.assert_allclose(ga[1:] + gb[1:], [1.0, 1.0])


# ---- gradients against central differences (float64) --------------------------------------------

GRADIENTS = {
    "square": (gc.square, [A]), "reciprocal": (gc.reciprocal, [A + 3]), "clip": (lambda a: gc.clip(a, -0.5, 1), [A]),
    "var": (lambda a: gc.var(a, axis=-1, ddof=1), [A]), "std": (lambda a: gc.std(a, axis=(0, 2)), [A]),
    "tan": (gc.tan, [A * 0.5]), "sinh": (gc.sinh, [np.append(A.ravel(), [0.0, 21.0, -30.0])]),
    "cosh": (gc.cosh, [np.append(A.ravel(), [0.0, 21.0, -30.0])]),
    "arcsinh": (gc.arcsinh, [np.append(A.ravel(), [0.0, 1e3])]),
    "arccosh": (gc.arccosh, [np.abs(A) + 1.1]), "arctanh": (gc.arctanh, [np.append(A.ravel() * 0.4, 0.0)]),
    "hypot": (gc.hypot, [A, W]), "log2": (gc.log2, [np.abs(A) + 0.1]), "log10": (gc.log10, [np.abs(A) + 0.1]),
    "logaddexp": (gc.logaddexp, [A, W]), "cumsum": (lambda a: gc.cumsum(a, axis=1), [A]),
    "cumsum flat": (gc.cumsum, [A]),
}


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradients_match_central_differences(name):
    build, values = GRADIENTS[name]
    xs = [gc.placeholder(np.shape(v), gc.float64) for v in values]
    assert gc.check_grad(build(*xs), xs, dict(zip(xs, values)))


def test_arg_extrema_have_no_gradient():
    x = gc.placeholder((3, 4), gc.float64)
    (g,) = gc.grad(gc.sum(gc.cast(gc.argmax(x, 1), gc.float64)) + gc.sum(x), [x])
    np.testing.assert_array_equal(gc.function([x], g)(SQ[:, :3].repeat(2, 1)[:, :4]), np.ones((3, 4)))


# ---- the llvm backend: one compiled function per family -------------------------------------------


def _agree_on_llvm(inputs, outputs, values, rtol):
    got = gc.function(inputs, outputs, backend="llvm")(*values)
    want = gc.function(inputs, outputs)(*values)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.shape == w.shape and g.dtype == w.dtype, i
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol, err_msg=f"output {i}")


def test_math_family_on_llvm_matches_the_reference():
    x, y = gc.placeholder((5, 7), gc.float64), gc.placeholder((5, 7), gc.float64)
    outs = [gc.square(x), gc.reciprocal(x), gc.clip(x, -0.5, 0.5), gc.ceil(x), gc.tan(x), gc.sinh(x * 300),
            gc.cosh(x * 300), gc.arcsinh(x), gc.arccosh(gc.abs(x) + 1), gc.arctanh(x / 3), gc.hypot(x, y),
            gc.log2(gc.abs(x)), gc.log10(gc.abs(x)), gc.logaddexp(x, y), gc.var(x, 0), gc.std(x, -1, ddof=1),
            gc.argmax(x, 1), gc.argmin(x), gc.cumsum(x, -1), gc.cumsum(x)]
    outs += gc.grad(gc.sum(gc.sinh(x) * gc.hypot(x, y) + gc.logaddexp(x, y) * gc.cumsum(x, 0)), [x, y])
    _agree_on_llvm([x, y], outs, [rng.uniform(-2, 2, (5, 7)), rng.uniform(-2, 2, (5, 7))], 1e-12)


# ---- methods and errors --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda x: gc.argmax(x, axis=2), r"argmax: axis 2 is out of range for a 2-d operand.*\(2, 3\)"),
    (lambda x: gc.var(x, axis=-3), r"var: axis -3 is out of range"),
    (lambda x: gc.cumsum(x, axis=5), r"cumsum: axis 5 is out of range"),
    (lambda x: gc.clip(x, None, None), r"clip: one of a_min and a_max must be given"),
])
def test_bad_arguments_are_shape_errors_naming_the_function_and_shapes(call, message):
    x = gc.placeholder((2, 3), gc.float64)
    with pytest.raises(gc.ShapeError, match=message):
        call(x)


