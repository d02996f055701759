"""numpy's math functions that graphc builds from its primitives: square ... logaddexp, var/std, argmax, cumsum, prod.

Each is a composition of existing ops, so its derivatives, fusion and the llvm and
CUDA lowerings come from theirs.  Where a textbook formula loses digits or
overflows, the form used is the one numerical libraries use (expm1/log1p near 0,
half exponents near overflow), and each branch that `where` leaves unselected is
fed a harmless input, so its infinities never reach the gradient as 0·inf = NaN.
"""

from __future__ import annotations

import math

import numpy as np

from graphc import dtypes
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops import reduce as reduce_ops
from graphc.ops import shape as shape_ops
from graphc.ops.common import as_node, as_nodes, normalize_axes
from graphc.ops.source import constant

LN2 = math.log(2.0)
# past this |x|, exp(-|x|) is below float64's rounding of exp(|x|): sinh(x) = ±cosh(x) = exp(|x|)/2
_EXP_TAIL = 20.0
# past this |x|, sqrt(x^2 + 1) rounds to |x| in float64 and x^2 could overflow: asinh/acosh(x) = log(2|x|)
_LOG_TAIL = 2.0 ** 28


def no_out(name: str, out) -> None:
    """numpy's `out=` has no meaning for graph tensors, which are values: the result is returned."""
    if out is not None:
        raise TypeError(f"{name}(..., out=): graph tensors are immutable values; assign the result instead")


def _float(x) -> Node:
    """`x` as a node of numpy's float result dtype for a unary float function (int64 -> float64)."""
    (x,) = as_nodes(x)
    return x if dtypes.is_float(x.dtype) else ew.cast(x, ew._float_out({}, x.dtype))


def _select(condition: Node, x: Node, safe: float) -> Node:
    """x where `condition` holds, else `safe`: the input of a branch that `where` may discard."""
    return ew.where(condition, x, safe)


def _odd(x: Node, half) -> Node:
    """f(x) for an odd f given `half` = f on x >= 0: -half(-x) below 0.

    Built with `where` on x (not sign(x)·half(|x|)), so the derivative at 0 is half's, not 0.
    """
    negative = ew.less(x, 0.0)
    magnitude = ew.where(negative, ew.neg(x), x)
    value = half(magnitude)
    return ew.where(negative, ew.neg(value), value)


# ---- simple arithmetic ----------------------------------------------------------------------------


def square(x) -> Node:
    """x * x, in x's dtype (numpy.square)."""
    (x,) = as_nodes(x)
    return ew.multiply(x, x)


def reciprocal(x) -> Node:
    """1 / x; for integers numpy's integer reciprocal: x where |x| == 1, else 0 (reciprocal of 0 undefined)."""
    (x,) = as_nodes(x)
    if x.dtype.kind in "iub":
        if x.dtype.kind == "b":
            raise ShapeError("reciprocal is not defined for bool operands")
        return ew.where(ew.equal(ew.abs(x), 1), x, 0)
    return ew.divide(as_node(1.0, x), x)


def ceil(x) -> Node:
    """-floor(-x): the smallest integer >= x (gradient zero, as floor's)."""
    (x,) = as_nodes(x)
    return ew.neg(ew.floor(ew.neg(x)))


def clip(a, a_min, a_max, out=None) -> Node:
    """numpy.clip: minimum(maximum(a, a_min), a_max); either bound may be None (not both).

    At a bound the gradient is shared as maximum/minimum share ties (half each, as JAX).
    """
    no_out("clip", out)
    if a_min is None and a_max is None:
        raise ShapeError("one of a_min and a_max must be given")
    (a,) = as_nodes(a)
    out = a if a_min is None else ew.maximum(a, a_min)
    return out if a_max is None else ew.minimum(out, a_max)


# ---- transcendental --------------------------------------------------------------------------------


def tan(x) -> Node:
    x = _float(x)
    return ew.divide(ew.sin(x), ew.cos(x))


def _sinh_half(a: Node) -> Node:
    small = ew.less(a, _EXP_TAIL)
    s = _select(small, a, 0.0)
    near = 0.5 * (ew.expm1(s) - ew.expm1(ew.neg(s)))  # no cancellation near 0
    return ew.where(small, near, _half_exp(_select(small, 1.0, a)))


def _half_exp(a: Node) -> Node:
    """exp(a) / 2 without overflowing before the result does: (exp(a/2) / 2) * exp(a/2)."""
    e = ew.exp(0.5 * a)
    return (0.5 * e) * e


def sinh(x) -> Node:
    return _odd(_float(x), _sinh_half)


def cosh(x) -> Node:
    """exp(|x|)/2 + exp(-|x|)/2, the first half-exponent form so it overflows only where cosh does."""
    a = ew.abs(_float(x))
    return _half_exp(a) + 0.5 * ew.exp(ew.neg(a))


def _asinh_half(a: Node) -> Node:
    small = ew.less(a, _LOG_TAIL)
    s = _select(small, a, 0.0)
    near = ew.log1p(s + s * s / (1.0 + ew.sqrt(1.0 + s * s)))  # log(a + sqrt(a²+1)) without losing a ≈ 0
    return ew.where(small, near, ew.log(_select(small, 1.0, a)) + LN2)


def arcsinh(x) -> Node:
    return _odd(_float(x), _asinh_half)


def arccosh(x) -> Node:
    """log(x + sqrt(x²-1)), as log1p(t + sqrt(2t + t²)) with t = x - 1 near 1; NaN below 1, as numpy."""
    x = _float(x)
    small = ew.less(x, _LOG_TAIL)
    t = _select(small, x, 2.0) - 1.0
    near = ew.log1p(t + ew.sqrt(2.0 * t + t * t))
    value = ew.where(small, near, ew.log(_select(small, 2.0, x)) + LN2)
    return ew.where(ew.less(x, 1.0), math.nan, value)


def arctanh(x) -> Node:
    """0.5·log1p(2|x| / (1 - |x|)) with x's sign: exact 1 - |x| near ±1, log1p near 0."""
    return _odd(_float(x), lambda a: 0.5 * ew.log1p(2.0 * a / (1.0 - a)))


def hypot(x1, x2) -> Node:
    """sqrt(x1² + x2²) as m·sqrt(1 + (n/m)²), m = max(|x1|, |x2|): no overflow or underflow of the squares.

    numpy's special cases kept: hypot(±inf, anything, NaN included) = inf, hypot(0, 0) = 0.
    """
    x1, x2 = as_nodes(x1, x2)
    if not dtypes.is_float(x1.dtype) or not dtypes.is_float(x2.dtype):
        dtype = ew._float_out({}, x1.dtype, x2.dtype)
        x1, x2 = ew.cast(x1, dtype), ew.cast(x2, dtype)
    a, b = ew.abs(x1), ew.abs(x2)
    big, small = ew.maximum(a, b), ew.minimum(a, b)
    degenerate = ew.logical_or(ew.equal(big, 0.0), ew.equal(big, math.inf))
    m = _select(ew.logical_not(degenerate), big, 1.0)
    r = _select(ew.logical_not(degenerate), small, 0.0) / m
    value = m * ew.sqrt(1.0 + r * r)
    infinite = ew.logical_or(ew.equal(a, math.inf), ew.equal(b, math.inf))
    return ew.where(infinite, math.inf, ew.where(degenerate, big, value))


def log2(x) -> Node:
    return ew.log(_float(x)) / LN2


def log10(x) -> Node:
    return ew.log(_float(x)) / math.log(10.0)


def logaddexp(x1, x2) -> Node:
    """log(exp(x1) + exp(x2)) = max + log1p(exp(-|x1 - x2|)): no overflow; equal operands (±inf
    included) take the difference as 0, so logaddexp(-inf, -inf) is -inf, never NaN, in value or gradient."""
    x1, x2 = as_nodes(x1, x2)
    if not dtypes.is_float(x1.dtype) or not dtypes.is_float(x2.dtype):
        dtype = ew._float_out({}, x1.dtype, x2.dtype)
        x1, x2 = ew.cast(x1, dtype), ew.cast(x2, dtype)
    same = ew.equal(x1, x2)
    # equal operands subtract as zeros: inf - inf would be NaN, and so would the gradient through it
    gap = ew.abs(ew.where(same, 0.0, x1) - ew.where(same, 0.0, x2))
    return ew.maximum(x1, x2) + ew.log1p(ew.exp(ew.neg(gap)))


# ---- statistics -----------------------------------------------------------------------------------


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims: bool = False) -> Node:
    """numpy.var: the mean of squared deviations from the mean (two passes, as numpy), over n - ddof."""
    no_out("var", out)
    (a,) = as_nodes(a)
    if dtype is not None:
        a = ew.cast(a, dtype)
    elif not dtypes.is_float(a.dtype):
        a = ew.cast(a, dtypes.float64)  # numpy's var of integers is float64
    axes = normalize_axes(axis, a.ndim)
    sizes = [a.shape[i] for i in axes]
    if any(d is None for d in sizes):
        raise ShapeError(f"the reduced axes {axes} need static sizes, got {a.shape}")
    centred = a - reduce_ops.mean(a, axes, keepdims=True)
    total = reduce_ops.sum(centred * centred, axes, keepdims)
    return total / float(max(math.prod(sizes) - ddof, 0))


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims: bool = False) -> Node:
    """numpy.std: sqrt(var)."""
    no_out("std", out)
    return ew.sqrt(var(a, axis, dtype, None, ddof, keepdims))


# ---- arg-extrema -------------------------------------------------------------------------------------


def _arg_extremum(name: str, reduction, a, axis, keepdims) -> Node:
    """The first index of the extremum along `axis`, or of the first NaN if any (numpy's rules), int64.

    Where the extremum (or NaN) is, each position offers its index and a min reduction picks the first.
    """
    (a,) = as_nodes(a)
    if axis is None:
        flat = _arg_extremum(name, reduction, shape_ops.reshape(a, (-1,)), 0, False)
        return shape_ops.reshape(flat, (1,) * a.ndim) if keepdims else flat
    (axis,) = normalize_axes(axis, a.ndim)
    n = a.shape[axis]
    if n is None:
        raise ShapeError(f"axis {axis} needs a static size, got {a.shape}")
    if n == 0:
        raise ShapeError(f"attempt to get {name} of an empty sequence (axis {axis} of {a.shape})")
    extremum = reduction(a, axis, keepdims=True)
    hit = ew.equal(a, extremum)
    if dtypes.is_float(a.dtype):
        is_nan = ew.not_equal(a, a)
        has_nan = ew.greater(reduce_ops.sum(is_nan, axis, keepdims=True), 0)
        hit = ew.where(has_nan, is_nan, hit)
    positions = constant(np.arange(n, dtype=np.int64).reshape([n if i == axis else 1 for i in range(a.ndim)]))
    first = reduce_ops.min(ew.where(hit, positions, np.int64(n)), axis, keepdims)
    return ew.stop_gradient(first)


def argmax(a, axis=None, out=None, *, keepdims: bool = False) -> Node:
    """numpy.argmax: index of the first maximum (of the first NaN, if any); axis=None flattens."""
    no_out("argmax", out)
    return _arg_extremum("argmax", reduce_ops.max, a, axis, keepdims)


def argmin(a, axis=None, out=None, *, keepdims: bool = False) -> Node:
    """numpy.argmin: index of the first minimum (of the first NaN, if any); axis=None flattens."""
    no_out("argmin", out)
    return _arg_extremum("argmin", reduce_ops.min, a, axis, keepdims)


# ---- products -------------------------------------------------------------------------------------


def prod(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None) -> Node:
    """numpy.prod, as a tree of multiplications: each round multiplies the first half of the axis by
    the second (an odd element waits for the next round), log2(n) rounds and n - 1 products in all.

    No division anywhere, so the gradient is right where elements are 0 (JAX's is too; the
    textbook prod(x)/x_i is 0/0 there): the adjoint of each product is the other factor, and
    second derivatives follow the same way.  Float results may differ from numpy's left-to-right
    product in the last bits.  Integers and bools multiply in int64 (uint64 for unsigned), as numpy.
    """
    no_out("prod", out)
    if where is not None:
        raise TypeError("prod(..., where=): use gc.where(mask, a, 1) on the operand instead")
    (a,) = as_nodes(a)
    if dtype is not None:
        a = ew.cast(a, dtype)
    elif a.dtype.kind in "bi" and a.dtype != dtypes.int64 or a.dtype.kind == "u" and a.dtype != np.uint64:
        a = ew.cast(a, np.uint64 if a.dtype.kind == "u" else dtypes.int64)  # numpy's platform integer
    axes = normalize_axes(axis, a.ndim)
    for ax in axes:
        a = _product_along(a, ax)
    if not keepdims and axes:
        a = shape_ops.squeeze(a, axes)
    return a if initial is None else a * initial


def _product_along(x: Node, axis: int) -> Node:
    """The product over `axis`, kept as a size-1 axis."""
    n = x.shape[axis]
    if n is None:
        raise ShapeError(f"axis {axis} needs a static size, got {x.shape}")
    if n == 0:
        return ew.ones_like(reduce_ops.sum(x, axis, keepdims=True))  # the empty product
    head = [slice(None)] * axis
    while n > 1:
        half = n // 2
        paired = shape_ops.getitem(x, (*head, slice(0, half))) * shape_ops.getitem(x, (*head, slice(half, 2 * half)))
        if n % 2:
            paired = shape_ops.concatenate([paired, shape_ops.getitem(x, (*head, slice(2 * half, n)))], axis)
        x, n = paired, half + n % 2
    return x


# ---- cumulative sums -----------------------------------------------------------------------------------


def cumsum(a, axis=None, dtype=None, out=None) -> Node:
    """numpy.cumsum, as a log-depth scan: log2(n) rounds of x + (x shifted by 1, 2, 4... along the axis).

    Chosen over a matmul with a triangular matrix of ones: that one costs n² per row, and its zeros
    times a later inf or NaN would put NaN into earlier sums (0·inf); the scan only adds values that
    precede each position, and its adjoint (shift the other way) is again slices and adds.
    """
    no_out("cumsum", out)
    (a,) = as_nodes(a)
    if dtype is not None:
        a = ew.cast(a, dtype)
    elif a.dtype.kind in "bi" and a.dtype != dtypes.int64:
        a = ew.cast(a, dtypes.int64)  # numpy sums small integers and bools in the platform integer
    if axis is None:
        a, axis = shape_ops.reshape(a, (-1,)), 0
    (axis,) = normalize_axes(axis, a.ndim)
    n = a.shape[axis]
    if n is None:
        raise ShapeError(f"axis {axis} needs a static size, got {a.shape}")
    step = 1
    while step < n:
        a = a + _shifted(a, axis, step, n)
        step *= 2
    return a


def _shifted(x: Node, axis: int, step: int, n: int) -> Node:
    """x moved `step` places forward along `axis`, zeros coming in at the start."""
    head = [slice(None)] * axis
    zeros = ew.zeros_like(shape_ops.getitem(x, (*head, slice(0, step))))
    return shape_ops.concatenate([zeros, shape_ops.getitem(x, (*head, slice(0, n - step)))], axis)


__all__ = ["arccosh", "arcsinh", "arctanh", "argmax", "argmin", "ceil", "clip", "cosh", "cumsum", "hypot",
           "log10", "log2", "logaddexp", "prod", "reciprocal", "sinh", "square", "std", "tan", "var"]
