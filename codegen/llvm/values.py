"""LLVM types, constants and i64 index arithmetic for the LLVM renderer.

Constants are cached, one object per value: llvmlite formats a constant's text once per
object, and a big module refers to a few thousand of them a few hundred thousand times.

    >>> index_add(builder, i64(2), index_mul(builder, i64(1), 3)) is i64(5)   # folded: no instruction
    True
"""

from __future__ import annotations

import functools
import struct

import numpy as np
from llvmlite import ir

from graphc import dtypes
from graphc.codegen.llvm import half

I1, I8, I16, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
F32, F64 = ir.FloatType(), ir.DoubleType()
PTR = ir.PointerType()
VOID = ir.VoidType()


def llvm_type(dtype, memory: bool = False) -> ir.Type:
    """A dtype's type in registers (or in memory): float16 and bfloat16 are float32 in registers,
    their 16 bits in memory (graphc.codegen.llvm.half)."""
    dtype = np.dtype(dtype)
    if dtype in dtypes.HALF:
        return I16 if memory else F32
    if dtype == np.float32:
        return F32
    if dtype == np.float64:
        return F64
    if dtype == np.int32:
        return I32
    if dtype == np.int64:
        return I64
    if dtype == np.bool_:
        return I8 if memory else I1
    raise TypeError(f"no LLVM type for {dtype}")


@functools.lru_cache(maxsize=4096)
def i64(value: int) -> ir.Constant:
    """An i64 constant, one object per value: llvmlite formats a constant's text once per object,
    and a big module refers to a few thousand index constants a few hundred thousand times."""
    return ir.Constant(I64, value)


def constant(value, dtype) -> ir.Constant:
    dtype = np.dtype(dtype)
    if dtypes.is_float(dtype):
        return _float_constant(dtype, struct.pack("<d", float(value)))  # by its bits: 0.0 == -0.0, nan != nan
    if dtype.kind == "b":
        return _scalar_constant(I1, int(bool(value)))
    return _scalar_constant(llvm_type(dtype), int(value))


@functools.lru_cache(maxsize=4096)
def _float_constant(dtype: np.dtype, bits: bytes) -> ir.Constant:
    return ir.Constant(llvm_type(dtype), struct.unpack("<d", bits)[0])


@functools.lru_cache(maxsize=4096)
def _scalar_constant(ty: ir.Type, value: int) -> ir.Constant:
    return ir.Constant(ty, value)


def index_mul(b: ir.IRBuilder, x: ir.Value, c: int) -> ir.Value:
    """`x * c` for i64 index arithmetic, folded here when it is a constant or `x` itself: a big
    kernel has thousands of such terms, which LLVM would otherwise parse and fold one by one."""
    if isinstance(x, ir.Constant):
        return i64(x.constant * c)
    return x if c == 1 else i64(0) if c == 0 else b.mul(x, i64(c))


def index_add(b: ir.IRBuilder, x: ir.Value, y: ir.Value) -> ir.Value:
    """`x + y` for i64 index arithmetic, folded as `index_mul`."""
    x_const, y_const = isinstance(x, ir.Constant), isinstance(y, ir.Constant)
    if x_const and y_const:
        return i64(x.constant + y.constant)
    if x_const and x.constant == 0:
        return y
    if y_const and y.constant == 0:
        return x
    return b.add(x, y)


def cast(b: ir.IRBuilder, v: ir.Value, src: np.dtype, dst: np.dtype) -> ir.Value:
    """`v` of dtype `src` converted as numpy's astype(dst) (floats to ints by truncation, to bool by `!= 0`)."""
    if src == dst:
        return v
    if dst in dtypes.HALF:
        return half.quantize(b, v, src, dst)
    if src in dtypes.HALF:  # a float32 in registers
        return cast(b, v, dtypes.float32, dst)
    to = llvm_type(dst)
    if dst.kind == "b":
        if src.kind == "f":
            return b.fcmp_unordered("!=", v, ir.Constant(v.type, 0.0))
        return b.icmp_unsigned("!=", v, ir.Constant(v.type, 0))
    if src.kind == "b":
        return b.uitofp(v, to) if dst.kind == "f" else b.zext(v, to)
    if src.kind == "f" and dst.kind == "f":
        return b.fpext(v, to) if dst.itemsize > src.itemsize else b.fptrunc(v, to)
    if src.kind == "f":
        return b.fptosi(v, to)
    if dst.kind == "f":
        return b.sitofp(v, to)
    return b.sext(v, to) if dst.itemsize > src.itemsize else b.trunc(v, to)
