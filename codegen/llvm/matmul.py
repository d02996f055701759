"""Matmuls in the LLVM renderer: a call of BLAS gemm per batch element, or plain loops.

Float matmuls call `graphc_sgemm`/`graphc_dgemm` (symbols the JIT resolves to scipy's
cython_blas).  Row-major `C = alpha A @ B (+ C)` is column-major `C^T = B^T A^T`, so gemm gets
B first; a transposed or sliced operand is a `trans='T'` or a leading dimension
(`blas_layout`), never a copy.  Integer matmuls (no BLAS) and `k == 0` run `naive_gemm`'s loops;
float16/bfloat16 ones are copied to float32 around sgemm (`matmul_half.py`).

    >>> blas_layout(3, 4, Matrix("a", offset=0, batch_strides=(), row_stride=1, col_stride=3))
    ('T', 3)
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir

from graphc import dtypes
from graphc.codegen.kernel_ir import Matrix
from graphc.codegen.llvm.loops import Loop
from graphc.codegen.llvm.values import F32, I8, PTR, VOID, i64, index_add, index_mul, llvm_type


class Matmuls:
    """The matmul methods of `KernelRenderer` (a mixin: it uses the renderer's builder, function,
    module, parameters, loops and `blas_int_bits`)."""

    def render_matmul(self, mm) -> None:
        b = self.builder
        if mm.m == 0 or mm.n == 0:
            return
        batch_dims = list(range(len(mm.batch)))
        saved = dict(self.index)
        half_blas = mm.dtype in dtypes.HALF  # sgemm on float32 copies, k == 0 too (C = beta * C)
        float_blas = np.dtype(mm.dtype).kind == "f" and mm.k > 0 and not half_blas
        gemm_args = self.gemm_args(mm) if float_blas else None
        naive_acc = None if float_blas or half_blas else b.alloca(llvm_type(mm.dtype))
        scratch = self.half_scratch(mm) if half_blas else None

        def gemm():
            offsets = {}
            for name, mat in (("a", mm.a), ("b", mm.b), ("c", mm.c)):
                idx = i64(mat.offset)
                for d, s in enumerate(mat.batch_strides):
                    if s:
                        idx = index_add(b, idx, index_mul(b, self.index[Loop("batch", d)], s))
                offsets[name] = b.gep(self.fn.args[self.params[mat.buffer]], [idx],
                                      source_etype=llvm_type(mm.dtype, memory=True))
            if half_blas:
                self.half_gemm(mm, offsets, scratch)
            elif float_blas:
                self.call_gemm(mm, offsets, gemm_args)
            else:
                self.naive_gemm(mm, offsets, naive_acc)

        def batch_nest(ds):
            if not ds:
                gemm()
                return
            d = ds[0]
            self.loop(Loop("batch", d), i64(0), i64(mm.batch[d]), lambda: batch_nest(ds[1:]))

        batch_nest(batch_dims)
        if scratch is not None:
            self.free_half_scratch(scratch)
        self.index = saved

    def gemm_args(self, mm) -> list:
        """The by-reference scalar arguments of gemm, stored once in the entry block."""
        b = self.builder
        ty = llvm_type(mm.dtype)
        tb, ldb = blas_layout(mm.k, mm.n, mm.b)
        ta, lda = blas_layout(mm.m, mm.k, mm.a)
        ldc = max(mm.c.row_stride, mm.n, 1)

        def slot(ty, value):
            p = b.alloca(ty)
            b.store(ir.Constant(ty, value), p)
            return p

        bi = ir.IntType(self.blas_int_bits)
        beta = 1.0 if mm.accumulate else 0.0
        return [slot(I8, ord(tb)), slot(I8, ord(ta)), slot(bi, mm.n), slot(bi, mm.m), slot(bi, mm.k),
                slot(ty, mm.alpha), None, slot(bi, ldb), None, slot(bi, lda), slot(ty, beta), None, slot(bi, ldc)]

    def call_gemm(self, mm, ptrs, args) -> None:
        ty = llvm_type(mm.dtype)
        name = "graphc_sgemm" if ty == F32 else "graphc_dgemm"
        fn = self.module.globals.get(name)
        if fn is None:
            fn = ir.Function(self.module, ir.FunctionType(VOID, [PTR] * 13), name)
        args = list(args)
        args[6], args[8], args[11] = ptrs["b"], ptrs["a"], ptrs["c"]
        self.builder.call(fn, args)

    def naive_gemm(self, mm, ptrs, acc) -> None:
        """C = alpha * A @ B (+ C) with plain loops (integer matmuls, and k == 0)."""
        b = self.builder
        ty = llvm_type(mm.dtype)
        f = np.dtype(mm.dtype).kind == "f"

        def elem(ptr, mat: Matrix, i, j):
            idx = index_add(b, index_mul(b, i, mat.row_stride), index_mul(b, j, mat.col_stride))
            return b.gep(ptr, [idx], source_etype=ty)

        def inner():
            i, j, p = (self.index[Loop(kind)] for kind in ("gemm_row", "gemm_col", "gemm_inner"))
            x = b.load(elem(ptrs["a"], mm.a, i, p), typ=ty)
            y = b.load(elem(ptrs["b"], mm.b, p, j), typ=ty)
            cur = b.load(acc, typ=ty)
            b.store(b.fadd(cur, b.fmul(x, y)) if f else b.add(cur, b.mul(x, y)), acc)

        def cell():
            b.store(ir.Constant(ty, 0.0 if f else 0), acc)
            self.loop(Loop("gemm_inner"), i64(0), i64(mm.k), inner)
            at = elem(ptrs["c"], mm.c, self.index[Loop("gemm_row")], self.index[Loop("gemm_col")])
            value = b.load(acc, typ=ty)
            if mm.alpha != 1.0:
                value = b.fmul(ir.Constant(ty, mm.alpha), value) if f else b.mul(ir.Constant(ty, int(mm.alpha)), value)
            if mm.accumulate:
                value = b.fadd(b.load(at, typ=ty), value) if f else b.add(b.load(at, typ=ty), value)
            b.store(value, at)

        self.loop(Loop("gemm_row"), i64(0), i64(mm.m),
                  lambda: self.loop(Loop("gemm_col"), i64(0), i64(mm.n), cell))



def blas_layout(rows: int, cols: int, mat: Matrix) -> tuple[str, int]:
    """(trans, ld) for BLAS reading a row-major-indexed matrix: 'N' when rows are contiguous, 'T' for columns."""
    rs, cs = mat.row_stride, mat.col_stride
    if (cs == 1 or cols <= 1) and (rows <= 1 or rs >= max(cols, 1)):
        return "N", max(rs if rows > 1 else 0, cols, 1)
    if (rs == 1 or rows <= 1) and (cols <= 1 or cs >= max(rows, 1)):
        return "T", max(cs if cols > 1 else 0, rows, 1)
    raise ValueError(f"matrix strides ({rs}, {cs}) of a {rows}x{cols} operand are not BLAS-compatible")
