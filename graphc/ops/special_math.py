"""erf and the inverse trigonometric functions as elementwise ops: erf, arctan, arcsin, arccos, arctan2.

Each is one op (numpy's function as its reference, partials for both AD modes) whose scalar rule
rests on two primitives that backends render natively: `erf` and `atan` (graphc/scalar.py;
vectorised on llvm by codegen/llvm/vecmath*.py, erff/atanf on CUDA).  arcsin, arccos and arctan2
are compositions of atan inside the scalar rule, chosen for accuracy (docs/numpy.md gives the
measured errors):

* arcsin(x) = atan(x / sqrt((1 - x)(1 + x))): 1 - x and 1 + x are exact near ±1, where
  1 - x² would cancel; at ±1 the quotient is ±inf and atan gives ±pi/2 exactly.
* arccos(x) = 2 atan(sqrt((1 - x) / (1 + x))): small results near 1 keep their relative
  accuracy (no pi/2 - asin cancellation); at -1 the quotient is inf and the result pi.
* arctan2(y, x) = ±(atan(|y| / |x|), or pi minus it for x < 0 or x = -0), with numpy's cases:
  equal magnitudes (±inf, ±inf) give pi/4 or 3pi/4, (±0, ±0) gives ±0 or ±pi.

They are ops rather than compositions of graph nodes because their derivatives are plain
formulas (1/sqrt(1 - x²) for arcsin), where the chain rule through the composition would meet
0·inf at the domain's edge.
"""

from __future__ import annotations

import math

import numpy as np

from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.ops import elementwise as ew
from graphc.ops.elementwise import elementwise

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _float_compute(np_fn):
    """numpy's function on operands cast to numpy's float result dtype (int64 -> float64)."""
    def compute(*xs):
        dtype = ew._float_out({}, *(x.dtype for x in xs))
        with np.errstate(all="ignore"):
            return np.asarray(np_fn(*(x.astype(dtype, copy=False) for x in xs))).astype(dtype, copy=False)
    return compute


def _one(dtype) -> S.Scalar:
    return S.const(1, dtype)


def _arcsin_scalar(attrs, dtype, x):
    x, one = S.cast(x, dtype), _one(dtype)
    root = S.call("sqrt", S.call("mul", S.call("sub", one, x), S.call("add", one, x)))
    return S.call("atan", S.call("div", x, root))


def _arccos_scalar(attrs, dtype, x):
    x, one = S.cast(x, dtype), _one(dtype)
    half_angle = S.call("atan", S.call("sqrt", S.call("div", S.call("sub", one, x), S.call("add", one, x))))
    return S.call("add", half_angle, half_angle)


def _sign_bit(v: S.Scalar) -> S.Scalar:
    """v < 0, or v = -0 (1/-0 = -inf): the sign bit, which a comparison with 0 cannot see."""
    zero = S.const(0, v.dtype)
    return S.call("or", S.call("lt", v, zero), S.call("lt", S.call("div", _one(v.dtype), v), zero))


def _arctan2_scalar(attrs, dtype, y, x):
    y, x = S.cast(y, dtype), S.cast(x, dtype)
    zero = S.const(0, dtype)
    ay, ax = S.call("abs", y), S.call("abs", x)
    # equal magnitudes: inf/inf and 0/0 are NaN, but the angle is pi/4 (or 0 for two zeros)
    diagonal = S.call("select", S.call("eq", ay, zero), zero, S.const(math.pi / 4, dtype))
    angle = S.call("select", S.call("eq", ay, ax), diagonal, S.call("atan", S.call("div", ay, ax)))
    angle = S.call("select", _sign_bit(x), S.call("sub", S.const(math.pi, dtype), angle), angle)
    return S.call("select", _sign_bit(y), S.call("neg", angle), angle)


def _inverse_root(x):
    """1 / sqrt((1 - x)(1 + x)): the derivative of arcsin, exact where 1 - x² would cancel."""
    return 1.0 / ew.sqrt((1.0 - x) * (1.0 + x))


def _arctan2_partials(y, b, a):
    """d/db atan2(b, a) = a / (a² + b²), d/da = -b / (a² + b²)."""
    squared = a * a + b * b
    return [a / squared, ew.neg(b) / squared]


erf_op = elementwise("erf", _float_compute(S.erf), lambda attrs, dtype, x: S.call("erf", S.cast(x, dtype)),
                     arity=1, out_dtype=ew._float_out,
                     partials=lambda y, x: [_TWO_OVER_SQRT_PI * ew.exp(ew.neg(x * x))],
                     doc="The error function 2/sqrt(pi) ∫₀ˣ exp(-t²) dt (scipy.special.erf).")
arctan_op = elementwise("arctan", _float_compute(np.arctan), lambda attrs, dtype, x: S.call("atan", S.cast(x, dtype)),
                        arity=1, out_dtype=ew._float_out, partials=lambda y, x: [1.0 / (1.0 + x * x)])
arcsin_op = elementwise("arcsin", _float_compute(np.arcsin), _arcsin_scalar, arity=1, out_dtype=ew._float_out,
                        partials=lambda y, x: [_inverse_root(x)], singular=True,
                        doc="NaN outside [-1, 1], as numpy; the derivative is inf at ±1.")
arccos_op = elementwise("arccos", _float_compute(np.arccos), _arccos_scalar, arity=1, out_dtype=ew._float_out,
                        partials=lambda y, x: [ew.neg(_inverse_root(x))], singular=True,
                        doc="NaN outside [-1, 1], as numpy; the derivative is -inf at ±1.")
arctan2_op = elementwise("arctan2", _float_compute(np.arctan2), _arctan2_scalar, arity=2, out_dtype=ew._float_out,
                         partials=_arctan2_partials, singular=True,
                         doc="The angle of the point (x2, x1), in [-pi, pi], with numpy's signed zeros and infinities.")

erf, arctan, arcsin, arccos = ew._unary(erf_op), ew._unary(arctan_op), ew._unary(arcsin_op), ew._unary(arccos_op)
arctan2 = ew._binary(arctan2_op)

__all__ = ["arccos", "arcsin", "arctan", "arctan2", "erf"]
