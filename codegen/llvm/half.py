"""float16 and bfloat16 in the LLVM renderer: 16 bits in memory, float32 in registers.

A half value in a register is a float32 that holds a value of the half dtype exactly, so every
primitive on it is a float32 instruction (graphc.scalar computes half arithmetic in float32 and
casts the result back).  This module only converts:

- `widen` (a load): the stored 16 bits to float32, exactly;
- `to_bits` (a store): float32 to the 16 bits, rounding to nearest even;
- `quantize` (a cast to a half dtype): any value to the float32 that holds its rounding.

float16 conversions are LLVM's `fptrunc`/`fpext` through `half` (one F16C instruction on x86);
bfloat16 ones are integer arithmetic on the float32 bits (round to nearest even, a NaN stays a
quiet NaN of the same sign, as ml_dtypes).  A float64 (or an integer, through float64) is first
rounded to float32 *to odd*: with float32's 24 bits, more than 2 beyond either half dtype's,
the second rounding to nearest even then gives the correctly rounded result that numpy's and
ml_dtypes' direct conversions give (no double-rounding error).

    >>> quantize(builder, x, np.dtype("float32"), dtypes.bfloat16)   # x rounded to bfloat16, as a float
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir

from graphc import dtypes

# graphc.codegen.llvm.values converts through this module, so it repeats the few types it needs
F32, F64, I16, I32, I64 = ir.FloatType(), ir.DoubleType(), ir.IntType(16), ir.IntType(32), ir.IntType(64)
HALF_TYPE = ir.HalfType()


def _c(ty: ir.Type, value) -> ir.Constant:
    return ir.Constant(ty, value)


def widen(b: ir.IRBuilder, bits: ir.Value, dtype: np.dtype) -> ir.Value:
    """The float32 value of stored half `bits` (an i16)."""
    if dtype == dtypes.float16:
        return b.fpext(b.bitcast(bits, HALF_TYPE), F32)
    return b.bitcast(b.shl(b.zext(bits, I32), _c(I32, 16)), F32)


def _bfloat16_bits(b: ir.IRBuilder, v: ir.Value) -> ir.Value:
    """bfloat16 bits (in the low 16 of an i32) of float32 `v`, rounded to nearest even; NaN quiet."""
    bits = b.bitcast(v, I32)
    upper = b.lshr(bits, _c(I32, 16))
    rounded = b.lshr(b.add(bits, b.add(_c(I32, 0x7FFF), b.and_(upper, _c(I32, 1)))), _c(I32, 16))
    return b.select(b.fcmp_unordered("uno", v, v), b.or_(upper, _c(I32, 0x40)), rounded)


def to_bits(b: ir.IRBuilder, v: ir.Value, dtype: np.dtype) -> ir.Value:
    """The i16 stored for float32 `v` (already a value of `dtype`, or rounded here)."""
    if dtype == dtypes.float16:
        return b.bitcast(b.fptrunc(v, HALF_TYPE), I16)
    return b.trunc(_bfloat16_bits(b, v), I16)


def _round_to_odd(b: ir.IRBuilder, x: ir.Value) -> ir.Value:
    """float64 `x` as a float32 rounded to odd: truncated, its last bit set when inexact."""
    r = b.fptrunc(x, F32)
    inexact = b.fcmp_ordered("!=", b.fpext(r, F64), x)
    bits = b.bitcast(r, I32)
    even = b.icmp_unsigned("==", b.and_(bits, _c(I32, 1)), _c(I32, 0))
    fabs = b.module.declare_intrinsic("llvm.fabs", [F64])
    above = b.fcmp_ordered(">", b.call(fabs, [b.fpext(r, F64)]), b.call(fabs, [x]))
    toward_odd = b.select(above, b.sub(bits, _c(I32, 1)), b.add(bits, _c(I32, 1)))
    return b.bitcast(b.select(b.and_(inexact, even), toward_odd, bits), F32)


def as_float32(b: ir.IRBuilder, v: ir.Value, src: np.dtype) -> ir.Value:
    """`v` of dtype `src` as a float32 from which one more rounding to a half dtype is exact."""
    if src in dtypes.HALF or src == dtypes.float32:
        return v
    if src.kind == "b":
        return b.uitofp(v, F32)
    if src.kind in "iu":
        v = b.sitofp(v, F64) if v.type != I64 or src.kind == "i" else b.uitofp(v, F64)
    return _round_to_odd(b, v)


def quantize(b: ir.IRBuilder, v: ir.Value, src: np.dtype, dst: np.dtype) -> ir.Value:
    """`v` of dtype `src` converted to half dtype `dst`, as numpy's (ml_dtypes') astype; in a float32."""
    f = as_float32(b, v, src)
    if dst == dtypes.float16:
        return b.fpext(b.fptrunc(f, HALF_TYPE), F32)
    return b.bitcast(b.shl(_bfloat16_bits(b, f), _c(I32, 16)), F32)
