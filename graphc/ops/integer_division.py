"""Floored division as numpy does it: `mod` (`%`, numpy.remainder) and `floor_divide` (`//`).

Both rest on the `rem` primitive, C's truncated remainder (fmod on floats, % on ints), which is
exact, where x - floor(x/y)*y is not.  On floats each follows numpy's own steps (npy_divmod):

    mod = fmod(a, b);  div = (a - mod) / b
    if mod != 0 and (b < 0) != (mod < 0):  mod += b;  div -= 1
    mod == 0 -> +-0 with the sign of b;  floordiv = floor(div), rounded up where div - floor(div) > 1/2;
    div == 0 -> +-0 with the sign of a/b;  b == 0 -> floordiv = a/b (+-inf or NaN), mod = NaN

so special values come out as numpy's: mod(-1, inf) = inf, floor_divide(-1, inf) = -1, signed
zeros, NaN for inf % y.  On integers numpy's results for a zero divisor (0, 0) and for
INT_MIN // -1 (INT_MIN, wrapping) are kept; the rule selects a divisor of 1 there, since C's
/ and % are undefined for them (x86 traps).

Derivatives are those of numpy-based AD libraries: mod's is 1 in a and -floor(a/b) in b, and
floor_divide's is 0 (a step function).  bool operands are refused: numpy's result,
int8, is not a graphc dtype.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.ops import elementwise as ew
from graphc.ops.elementwise import elementwise


def _negative_zero(dtype) -> S.Scalar:
    # -0.0 is computed, not written: the constants 0.0 and -0.0 compare (and hash) equal
    return S.call("neg", S.const(0, dtype))


def _signed_zero(negative: S.Scalar, dtype) -> S.Scalar:
    return S.call("select", negative, _negative_zero(dtype), S.const(0, dtype))


def _float_divmod(a: S.Scalar, b: S.Scalar):
    """(floor_divide, remainder) of floats, numpy's npy_divmod step by step."""
    dtype, zero, one = a.dtype, S.const(0, a.dtype), S.const(1, a.dtype)
    mod = S.call("rem", a, b)
    div = S.call("div", S.call("sub", a, mod), b)
    wrong_sign = S.call("and", S.call("ne", mod, zero),
                        S.call("ne", S.call("lt", b, zero), S.call("lt", mod, zero)))
    exact = S.call("select", S.call("eq", mod, zero), _signed_zero(S.call("lt", b, zero), dtype), mod)
    mod = S.call("select", wrong_sign, S.call("add", mod, b), exact)
    div = S.call("select", wrong_sign, S.call("sub", div, one), div)
    floor = S.call("floor", div)
    floor = S.call("select", S.call("gt", S.call("sub", div, floor), S.const(0.5, dtype)),
                   S.call("add", floor, one), floor)
    quotient = S.call("div", a, b)
    quotient_negative = S.call("or", S.call("lt", quotient, zero),
                               S.call("lt", S.call("div", one, quotient), zero))
    floor = S.call("select", S.call("ne", div, zero), floor, _signed_zero(quotient_negative, dtype))
    return S.call("select", S.call("eq", b, zero), quotient, floor), mod


def _int_divmod(a: S.Scalar, b: S.Scalar):
    """(floor_divide, remainder) of integers: C's truncating / and %, moved down where the signs differ."""
    dtype, zero = a.dtype, S.const(0, a.dtype)
    if dtype.kind == "u":  # truncating is flooring; only a zero divisor needs care
        divisor_zero = S.call("eq", b, zero)
        safe = S.call("select", divisor_zero, S.const(1, dtype), b)
        return (S.call("select", divisor_zero, zero, S.call("div", a, safe)),
                S.call("select", divisor_zero, zero, S.call("rem", a, safe)))
    minus_one = S.const(-1, dtype)
    unsafe = S.call("or", S.call("eq", b, zero), S.call("eq", b, minus_one))
    safe = S.call("select", unsafe, S.const(1, dtype), b)
    quotient, rem = S.call("div", a, safe), S.call("rem", a, safe)  # rem is 0 for b = 0 and b = -1: numpy's
    wrong_sign = S.call("and", S.call("ne", rem, zero), S.call("ne", S.call("lt", b, zero), S.call("lt", rem, zero)))
    floor = S.call("select", wrong_sign, S.call("sub", quotient, S.const(1, dtype)), quotient)
    floor = S.call("select", S.call("eq", b, minus_one), S.call("neg", a), floor)  # wraps at INT_MIN, as numpy
    floor = S.call("select", S.call("eq", b, zero), zero, floor)
    return floor, S.call("select", wrong_sign, S.call("add", rem, b), rem)


def _divmod(dtype, a: S.Scalar, b: S.Scalar):
    a, b = S.cast(a, dtype), S.cast(b, dtype)
    return _float_divmod(a, b) if dtype.kind == "f" else _int_divmod(a, b)


def _result_dtype(ufunc):
    def out_dtype(attrs, *ds):
        dtype = dtypes.ufunc_result(ufunc, *ds)
        if dtype not in dtypes.SUPPORTED:  # bool // bool is int8 in numpy, a dtype graphc lacks
            raise TypeError(f"numpy's result would be {dtype}, which graphc does not have")
        return dtype
    return out_dtype


def _numpy(np_fn):
    def compute(a, b):
        with np.errstate(all="ignore"):  # numpy warns of division by zero; its values are the oracle's
            return np_fn(a, b)
    return compute


mod_op = elementwise("mod", _numpy(np.remainder), lambda attrs, dtype, a, b: _divmod(dtype, a, b)[1], arity=2,
                     out_dtype=_result_dtype(np.remainder),
                     partials=lambda y, a, b: [ew.ONE, ew.neg(floor_divide(a, b))] if y.dtype.kind == "f"
                     else [None, None],
                     doc="numpy.remainder: the result has the divisor's sign; a % 0 is NaN (0 for integers).")
floor_divide_op = elementwise("floor_divide", _numpy(np.floor_divide),
                              lambda attrs, dtype, a, b: _divmod(dtype, a, b)[0], arity=2,
                              out_dtype=_result_dtype(np.floor_divide),
                              partials=lambda y, a, b: [None, None],
                              doc="numpy.floor_divide: floor(a / b) computed exactly; a // 0 is ±inf or NaN "
                                  "(0 for integers).  Its derivative is 0.")

mod, floor_divide = ew._binary(mod_op), ew._binary(floor_divide_op)
remainder = mod

__all__ = ["floor_divide", "mod", "remainder"]
