"""float16/bfloat16 matmuls in the LLVM renderer: converted to float32 around a BLAS sgemm.

BLAS has no half-precision gemm.  Each batch element's A and B are widened into float32
scratch (exact), sgemm multiplies them with float32 accumulation, and C is rounded to the half
dtype once (C's previous contents widened first when the matmul accumulates).  The scratch is
three float32 arrays of m*k, k*n and m*n elements, allocated once per kernel call with the C
library's malloc (`graphc_malloc`/`graphc_free`, symbols the JIT resolves) rather than on the
stack, which a large matmul would overflow.  The numpy reference computes the same way
(operands widened to float32, numpy's float32 matmul, one rounding), so the two differ only by
the order of float32 additions: at most one half ulp after rounding (docs/dtypes.md).

    >>> r.half_gemm(mm, {"a": ptr_a, "b": ptr_b, "c": ptr_c}, scratch)
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from llvmlite import ir

from graphc import dtypes
from graphc.codegen.kernel_ir import Matmul, Matrix
from graphc.codegen.llvm import half
from graphc.codegen.llvm.loops import Loop
from graphc.codegen.llvm.values import F32, I64, PTR, VOID, i64, index_add, index_mul


class HalfScratch(NamedTuple):
    arrays: dict  # "a", "b", "c" -> a float32 array's pointer
    single: Matmul  # the float32 matmul of one batch element over them
    gemm_args: list


class HalfMatmuls:
    """The half-precision matmul methods of `KernelRenderer` (a mixin, beside `Matmuls`)."""

    def half_scratch(self, mm) -> HalfScratch:
        """float32 arrays for A (m x k), B (k x n) and C (m x n), contiguous rows, and the sgemm
        arguments that multiply them (made once, in the entry block, as `gemm_args` must be)."""
        malloc = self._libc("graphc_malloc", ir.FunctionType(PTR, [I64]))
        sizes = {"a": mm.m * mm.k, "b": mm.k * mm.n, "c": mm.m * mm.n}
        arrays = {name: self.builder.call(malloc, [i64(4 * max(size, 1))]) for name, size in sizes.items()}

        def contiguous(name: str, cols: int) -> Matrix:
            return Matrix(name, 0, (), max(cols, 1), 1)

        single = replace(mm, a=contiguous("a", mm.k), b=contiguous("b", mm.n), c=contiguous("c", mm.n),
                         batch=(), dtype=dtypes.float32)
        return HalfScratch(arrays, single, self.gemm_args(single))

    def free_half_scratch(self, scratch: HalfScratch) -> None:
        free = self._libc("graphc_free", ir.FunctionType(VOID, [PTR]))
        for ptr in scratch.arrays.values():
            self.builder.call(free, [ptr])

    def _libc(self, name: str, fnty: ir.FunctionType) -> ir.Function:
        fn = self.module.globals.get(name)
        return fn if fn is not None else ir.Function(self.module, fnty, name)

    def half_gemm(self, mm, ptrs: dict[str, ir.Value], scratch: HalfScratch) -> None:
        """C = alpha * A @ B (+ C) for one batch element: widen, sgemm, round."""
        wide = scratch.arrays
        self._copy(mm.m, mm.k, ptrs["a"], mm.a, wide["a"], mm.dtype, widen=True)
        self._copy(mm.k, mm.n, ptrs["b"], mm.b, wide["b"], mm.dtype, widen=True)
        if mm.accumulate:
            self._copy(mm.m, mm.n, ptrs["c"], mm.c, wide["c"], mm.dtype, widen=True)
        self.call_gemm(scratch.single, wide, scratch.gemm_args)
        self._copy(mm.m, mm.n, ptrs["c"], mm.c, wide["c"], mm.dtype, widen=False)

    def _copy(self, rows: int, cols: int, stored: ir.Value, mat: Matrix, wide: ir.Value, dtype,
              widen: bool) -> None:
        """Between the half matrix `mat` (at `stored`) and the contiguous float32 `wide`:
        widened into `wide`, or (`widen=False`) `wide` rounded back into `mat`."""
        b = self.builder
        mem = half.I16

        def cell():
            i, j = self.index[Loop("half_row")], self.index[Loop("half_col")]
            at = b.gep(stored, [index_add(b, index_mul(b, i, mat.row_stride), index_mul(b, j, mat.col_stride))],
                       source_etype=mem)
            there = b.gep(wide, [index_add(b, index_mul(b, i, cols), j)], source_etype=F32)
            if widen:
                b.store(half.widen(b, b.load(at, typ=mem), dtype), there)
            else:
                b.store(half.to_bits(b, b.load(there, typ=F32), dtype), at)

        self.loop(Loop("half_row"), i64(0), i64(rows),
                  lambda: self.loop(Loop("half_col"), i64(0), i64(cols), cell))
