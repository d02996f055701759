"""numpy's functions on graph tensors (graphc/ops/numpy_math.py, numpy_shape.py, numpy_linear.py): each
gives numpy's value, shape and dtype for numpy's signature, is differentiable where numpy's function is
(gradients against central differences in float64), compiles with llvm, answers np.<name>(t), and
refuses bad arguments with a ShapeError naming the function and the operand shapes."""

import numpy as np
import pytest

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

rng = np.random.default_rng(0)  # the module's constants; each test that draws more has its own generator
A = rng.uniform(-2, 2, (2, 3, 4))
B = rng.uniform(-2, 2, (4, 5))
SQ = rng.uniform(-2, 2, (3, 3))
V = rng.uniform(-2, 2, (5,))
W = rng.uniform(-2, 2, (3, 4))  # broadcasts against A


def run(build, *values):
    """build(*placeholders) evaluated by the numpy reference on values."""
    xs = [gc.placeholder(np.shape(v), np.asarray(v).dtype) for v in values]
    return gc.function(xs, build(*xs))(*values)


def assert_same(got, want, rtol=1e-12, atol=1e-300):
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w, rtol, atol)
        return
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


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
    "split sections": (lambda np_, a: np_.split(a, 2, axis=-1), [A]),
    "split indices": (lambda np_, a: np_.split(a, [1, 3, 9]), [V]),
    "swapaxes": (lambda np_, a: np_.swapaxes(a, 0, -1), [A]),
    "moveaxis": (lambda np_, a: np_.moveaxis(a, 0, -1), [A]),
    "moveaxis several": (lambda np_, a: np_.moveaxis(a, [0, -1], [1, 0]), [A]),
    "repeat": (lambda np_, a: np_.repeat(a, 2), [A]),
    "repeat axis": (lambda np_, a: np_.repeat(a, 3, axis=-2), [A]),
    "repeat counts": (lambda np_, a: np_.repeat(a, [2, 0, 1, 1], axis=2), [A]),
    "tile": (lambda np_, a: np_.tile(a, 2), [A]),
    "tile more axes": (lambda np_, a: np_.tile(a, (2, 1, 3)), [SQ]),
    "roll": (lambda np_, a: np_.roll(a, 5), [A]),
    "roll axis": (lambda np_, a: np_.roll(a, -1, axis=-1), [A]),
    "roll axes": (lambda np_, a: np_.roll(a, (1, 2), axis=(0, 2)), [A]),
    "flip": (lambda np_, a: np_.flip(a), [A]),
    "flip axis": (lambda np_, a: np_.flip(a, axis=-2), [A]),
    "pad": (lambda np_, a: np_.pad(a, 1), [A]),
    "pad widths and values": (lambda np_, a: np_.pad(a, ((1, 0), (2, 3)), constant_values=((-1, 2), (5, 7))),
                              [SQ]),
    "tril": (lambda np_, a: np_.tril(a), [A]),
    "tril k": (lambda np_, a: np_.tril(a, k=-1), [SQ]),
    "triu k": (lambda np_, a: np_.triu(a, 1), [A]),
    "diag of vector": (lambda np_, v: np_.diag(v), [V]),
    "diag above": (lambda np_, v: np_.diag(v, 2), [V]),
    "diag below": (lambda np_, v: np_.diag(v, k=-1), [V]),
    "diag of matrix": (lambda np_, a: np_.diag(a, 1), [B]),
    "diagonal": (lambda np_, a: np_.diagonal(a), [A]),
    "diagonal offset axes": (lambda np_, a: np_.diagonal(a, -1, axis1=-1, axis2=1), [A]),
    "trace": (lambda np_, a: np_.trace(a), [SQ]),
    "trace offset axes": (lambda np_, a: np_.trace(a, 1, 1, 2), [A]),
    "ravel": (lambda np_, a: np_.ravel(a), [A]),
    "vstack": (lambda np_, a, v: np_.vstack([a, v[:3]]), [SQ, V]),
    "hstack": (lambda np_, a, b: np_.hstack([a, b[:3]]), [SQ, B]),
    "hstack vectors": (lambda np_, v: np_.hstack([v, v]), [V]),
    "column_stack": (lambda np_, a, v: np_.column_stack([v[:3], a]), [SQ, V]),
    "atleast_1d": (lambda np_, a: np_.atleast_1d(a[0, 0, 0]), [A]),
    "atleast_2d": (lambda np_, v: np_.atleast_2d(v), [V]),
    "atleast_3d": (lambda np_, a: np_.atleast_3d(a, a[0]), [SQ]),
    "dot matrices": (lambda np_, a, b: np_.dot(a, b), [A, B]),
    "dot vector": (lambda np_, a, v: np_.dot(a, v[:3]), [SQ, V]),
    "dot vectors": (lambda np_, v: np_.dot(v, v), [V]),
    "dot scalar": (lambda np_, a: np_.dot(a, 2.5), [A]),
    "dot n-d": (lambda np_, a, b: np_.dot(a, np_.swapaxes(a, 1, 2)), [A, B]),
    "outer": (lambda np_, a, v: np_.outer(a, v), [SQ, V]),
    "inner": (lambda np_, a, b: np_.inner(a, np_.transpose(b)), [A, B]),
    "inner vectors": (lambda np_, v: np_.inner(v, v), [V]),
    "tensordot int": (lambda np_, a, b: np_.tensordot(a, b, 1), [A, B]),
    "tensordot pairs": (lambda np_, a: np_.tensordot(a, a, axes=([0, 2], [0, 2])), [A]),
    "tensordot zero axes": (lambda np_, a, v: np_.tensordot(a, v, 0), [SQ, V]),
    "einsum matmul": (lambda np_, a, b: np_.einsum("ijk,kl->ijl", a, b), [A, B]),
    "einsum implicit": (lambda np_, a, b: np_.einsum("ijk,kl", a, b), [A, B]),
    "einsum trace": (lambda np_, a: np_.einsum("ii", a), [SQ]),
    "einsum diagonal": (lambda np_, a: np_.einsum("ii->i", a), [SQ]),
    "einsum transpose": (lambda np_, a: np_.einsum("ijk->kij", a), [A]),
    "einsum batch": (lambda np_, a: np_.einsum("bij,bkj->bik", a, a), [A]),
    "einsum three operands": (lambda np_, a, b, s: np_.einsum("ijk,jj,kl->li", a, s, b), [A, B, SQ]),
    "einsum ellipsis": (lambda np_, a, b: np_.einsum("...k,kl->...l", a, b), [A, B]),
    "einsum implicit ellipsis": (lambda np_, a, b: np_.einsum("...j,jk", a, b), [A, B]),
    "einsum outer": (lambda np_, s, v: np_.einsum("i,j", s[0], v), [SQ, V]),
    "einsum sum all": (lambda np_, a: np_.einsum("ijk->", a), [A]),
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
    ("dot mixed precision", lambda np_, a, b: np_.dot(a, b), [SQ.astype(np.float32), SQ]),
    ("hstack mixed dtypes", lambda np_, a, b: np_.hstack([a, b]), [np.arange(3), V]),
    ("einsum integers", lambda np_, a: np_.einsum("ij,jk", a, a), [np.arange(9).reshape(3, 3)]),
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


def test_masks_select_so_inf_and_nan_outside_them_never_leak():
    m = np.array([[1.0, np.inf, np.nan], [2.0, 3.0, -np.inf], [4.0, 5.0, 6.0]])
    x = gc.placeholder((3, 3), gc.float64)
    lower, diag = gc.tril(x), gc.diagonal(x)
    g_lower, g_diag = gc.grad(gc.sum(lower), [x])[0], gc.grad(gc.sum(diag), [x])[0]
    got = gc.function([x], [lower, diag, g_lower, g_diag])(m)
    assert_same(got[:2], [np.tril(m), np.diagonal(m)])
    np.testing.assert_array_equal(got[2], np.tril(np.ones((3, 3))))
    np.testing.assert_array_equal(got[3], np.eye(3))
    v = np.array([np.inf, 1.0, np.nan])
    assert_same(run(lambda t: gc.diag(t, 1), v), np.diag(v, 1))
    later_inf = np.array([1.0, 2.0, np.inf, np.nan])
    assert_same(run(gc.cumsum, later_inf), np.cumsum(later_inf))


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
    "split": (lambda a: gc.split(a, [1, 3], axis=-1)[1], [A]), "swapaxes": (lambda a: gc.swapaxes(a, 0, 2), [A]),
    "moveaxis": (lambda a: gc.moveaxis(a, -1, 0), [A]), "repeat": (lambda a: gc.repeat(a, [2, 0, 1], axis=1), [A]),
    "tile": (lambda a: gc.tile(a, (2, 1, 2)), [A]), "roll": (lambda a: gc.roll(a, 3), [A]),
    "flip": (lambda a: gc.flip(a, 1), [A]), "pad": (lambda a: gc.pad(a, ((1, 2), (0, 1)), constant_values=4), [SQ]),
    "tril": (lambda a: gc.tril(a, 1), [A]), "triu": (gc.triu, [A]), "diag": (lambda v: gc.diag(v, -2), [V]),
    "diagonal": (lambda a: gc.diagonal(a, 1, 2, 1), [A]), "trace": (gc.trace, [SQ]),
    "stacks": (lambda a, v: gc.vstack([a, v[:3]])[1:] + gc.hstack([a, a])[:, 2:5] + gc.column_stack([v[:3], a])[:, :3],
               [SQ, V]),
    "dot": (gc.dot, [A, B]), "outer": (gc.outer, [SQ, V]), "inner": (lambda a, b: gc.inner(a, gc.transpose(b)), [A, B]),
    "tensordot": (lambda a: gc.tensordot(a, a, ([0, 1], [0, 1])), [A]),
    "einsum": (lambda a, b, s: gc.einsum("ijk,jj,kl->li", a, s, b), [A, B, SQ]),
    "einsum ellipsis": (lambda a, b: gc.einsum("...k,kl", a, b), [A, B]),
}


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradients_match_central_differences(name):
    build, values = GRADIENTS[name]
    xs = [gc.placeholder(np.shape(v), gc.float64) for v in values]
    assert gc.check_grad(build(*xs), xs, dict(zip(xs, values)))


def test_forward_mode_agrees_with_reverse_mode():
    x = gc.placeholder(A.shape, gc.float64)
    y = gc.sum(gc.einsum("ijk,kl->il", gc.cumsum(gc.sinh(x), axis=-1), B) * gc.hypot(x[:, 0, :1], 1.0))
    direction = np.random.default_rng(5).standard_normal(A.shape)
    (g,) = gc.grad(y, [x])
    tangent = gc.jvp(y, [x], [gc.constant(direction)])
    got_g, got_t = gc.function([x], [g, tangent])(A)
    np.testing.assert_allclose(got_t, np.sum(got_g * direction), rtol=1e-10)


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
    _agree_on_llvm([x, y], outs, list(np.random.default_rng(1).uniform(-2, 2, (2, 5, 7))), 1e-12)


def test_shape_family_on_llvm_matches_the_reference():
    a = gc.placeholder((2, 3, 4), gc.float32)
    outs = [*gc.split(a, 2, axis=-1), gc.swapaxes(a, 0, 2), gc.moveaxis(a, 0, -1), gc.repeat(a, [1, 2, 0], axis=1),
            gc.repeat(a, 2), gc.tile(a, (2, 1, 1)), gc.roll(a, 3), gc.roll(a, -1, axis=1), gc.flip(a, 0),
            gc.pad(a, ((1, 0), (0, 2), (1, 1)), constant_values=3.0), gc.tril(a, -1), gc.triu(a),
            gc.diag(a[0, 0], 1), gc.diagonal(a, 1, -1, -2), gc.trace(a[0]), gc.ravel(a), gc.vstack([a[0], a[1]]),
            gc.hstack([a[0], a[1]]), gc.column_stack([a[0, 0], a[1, 0]]), gc.atleast_3d(a[0])]
    outs += gc.grad(gc.sum(gc.tril(gc.roll(a, 2, axis=2)) * gc.repeat(a, [1, 0, 1], axis=1)[:, :1]), [a])
    _agree_on_llvm([a], outs, [np.random.default_rng(2).uniform(-2, 2, (2, 3, 4)).astype(np.float32)], 1e-6)


def test_linear_algebra_family_on_llvm_matches_the_reference():
    a, b, c = (gc.placeholder(s, gc.float32) for s in [(2, 3, 4), (4, 5), (3, 3)])
    outs = [gc.einsum("ijk,kl->ijl", a, b), gc.einsum("ii", c), gc.einsum("bij,bkj->bik", a, a),
            gc.tensordot(a, b, 1), gc.dot(a, b), gc.inner(a, a), gc.outer(c, b), gc.einsum("...j,ji", a, b)]
    outs += gc.grad(gc.sum(gc.einsum("ijk,jj,kl->li", a, c, b)), [a, b, c])
    draw = np.random.default_rng(3)
    values = [draw.standard_normal(s).astype(np.float32) for s in [(2, 3, 4), (4, 5), (3, 3)]]
    _agree_on_llvm([a, b, c], outs, values, 1e-5)


def test_products_take_a_batch_of_feed_time_size():
    x, w, h = gc.placeholder((None, 6)), gc.placeholder((6, 3)), gc.placeholder((None, 4, 6))
    outs = [gc.dot(x, w), gc.tensordot(x, w, 1), gc.einsum("bij,jk->bik", h, w), gc.einsum("bij,bkj->bik", h, h),
            gc.einsum("bij->b", h), gc.inner(x, x), gc.einsum("...j,jk", h, w)]
    assert [o.shape for o in outs] == [(None, 3), (None, 3), (None, 4, 3), (None, 4, 4), (None,), (None, None),
                                       (None, 4, 3)]
    draw = np.random.default_rng(4)
    xv, wv, hv = (draw.standard_normal(s).astype(np.float32) for s in [(5, 6), (6, 3), (5, 4, 6)])
    want = [xv @ wv, np.tensordot(xv, wv, 1), np.einsum("bij,jk->bik", hv, wv), np.einsum("bij,bkj->bik", hv, hv),
            np.einsum("bij->b", hv), np.inner(xv, xv), np.einsum("...j,jk", hv, wv)]
    _agree_on_llvm([x, w, h], outs, [xv, wv, hv], 1e-5)
    assert_same(gc.function([x, w, h], outs)(xv, wv, hv), want, rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
def test_every_family_renders_as_cuda_that_nvcc_compiles():
    x, y = gc.placeholder((5, 7), gc.float32), gc.placeholder((5, 7), gc.float32)
    a, b = gc.placeholder((2, 3, 4), gc.float32), gc.placeholder((4, 5), gc.float32)
    outs = [gc.sinh(x), gc.hypot(x, y), gc.logaddexp(x, y), gc.argmax(x, 1), gc.cumsum(x, -1), gc.std(x, 0),
            gc.tril(a), gc.diagonal(a), gc.pad(a, 1), gc.repeat(a, [1, 0, 2], 1), gc.roll(a, 2),
            gc.einsum("ijk,kl->il", a, b)]
    outs += gc.grad(gc.sum(gc.arcsinh(x) * gc.cumsum(y, 0)) + gc.sum(gc.einsum("ijk,kl->il", gc.tril(a), b)),
                    [x, y, a, b])
    _, plan = plan_kernels(specialize([x, y, a, b], outs, [], [(5, 7), (5, 7), (2, 3, 4), (4, 5)]))
    ptx = nvcc_compile(render_module(plan.kernels).source, "sm_80", "ptx").decode()
    assert ptx.count(".entry") == len(plan.kernels)


# ---- methods and errors --------------------------------------------------------------------------


def test_node_methods_ravel_flatten_squeeze_and_friends():
    x = gc.placeholder((2, 1, 3), gc.float64)
    v = A[:, :1, :3]
    got = gc.function([x], [x.ravel(), x.flatten(), x.squeeze(), x.squeeze(1), x.argmax(axis=-1), x.var(ddof=1),
                            x.std(axis=2), x.clip(-1, 1), x.cumsum(axis=2)])(v)
    want = [v.ravel(), v.flatten(), v.squeeze(), v.squeeze(1), v.argmax(axis=-1), v.var(ddof=1), v.std(axis=2),
            v.clip(-1, 1), v.cumsum(axis=2)]
    assert_same(got, want)


@pytest.mark.parametrize("call, message", [
    (lambda x: gc.split(x, 2, axis=-1), r"split: array split does not result in an equal division.*\(2, 3\)"),
    (lambda x: gc.argmax(x, axis=2), r"argmax: axis 2 is out of range for a 2-d operand.*\(2, 3\)"),
    (lambda x: gc.var(x, axis=-3), r"var: axis -3 is out of range"),
    (lambda x: gc.cumsum(x, axis=5), r"cumsum: axis 5 is out of range"),
    (lambda x: gc.swapaxes(x, 0, 2), r"swapaxes: axis 2 is out of range"),
    (lambda x: gc.roll(x, 1, axis=-3), r"roll: axis -3 is out of range"),
    (lambda x: gc.diagonal(x, 0, 1, 1), r"diagonal: axis1 and axis2 cannot be the same"),
    (lambda x: gc.tensordot(x, x, ([1], [0])), r"tensordot: shape-mismatch for sum.*\(2, 3\) float64, \(2, 3\)"),
    (lambda x: gc.dot(x, x), r"tensordot: shape-mismatch|dot"),
    (lambda x: gc.einsum("ij,jk", x, x), r"einsum: label 'j' has sizes 3 and 2"),
    (lambda x: gc.einsum("ijk", x), r"einsum: subscripts 'ijk' for an operand of 2 dims"),
    (lambda x: gc.einsum("ij->k", x), r"einsum: output subscripts"),
    (lambda x: gc.repeat(x, [1, 2], axis=1), r"repeat: 2 repeat counts for 3 elements"),
    (lambda x: gc.pad(x, ((1, 2, 3),)), r"pad: pad_width"),
    (lambda x: gc.clip(x, None, None), r"clip: one of a_min and a_max must be given"),
    (lambda x: gc.vstack(x), r"vstack: takes a sequence of tensors"),
])
def test_bad_arguments_are_shape_errors_naming_the_function_and_shapes(call, message):
    x = gc.placeholder((2, 3), gc.float64)
    with pytest.raises(gc.ShapeError, match=message):
        call(x)


def test_what_graph_tensors_cannot_do_is_said_clearly():
    x = gc.placeholder((2, 3), gc.float64)
    with pytest.raises(gc.GraphcError, match="mode 'reflect' is not supported.*mode='constant'"):
        gc.pad(x, 1, mode="reflect")
    with pytest.raises(TypeError, match=r"cumsum\(..., out=\)"):
        np.cumsum(x, out=np.zeros(6))
    with pytest.raises(TypeError, match="numpy.var: graph tensors do not support the argument where"):
        np.var(x, where=np.ones((2, 3), bool))


def test_numpy_only_spellings_dispatch_and_errors_name_the_function():
    x = gc.placeholder((2, 3), gc.float64)
    v = A[0, :2, :3]
    got = gc.function([x], [np.clip(x, min=-0.5, max=0.5), np.var(x, axis=0, correction=1),
                            np.ravel(x, order="K")])(v)
    assert_same(got, [np.clip(v, -0.5, 0.5), np.var(v, axis=0, ddof=1), np.ravel(v)])
    with pytest.raises(gc.ShapeError, match=r"split: array split does not result in an equal division.*\(2, 3\)"):
        np.split(x, 2, axis=1)
    with pytest.raises(gc.ShapeError, match=r"std: axis 2 is out of range"):
        np.std(x, axis=2)
