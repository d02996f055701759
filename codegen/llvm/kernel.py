"""One kernel's body function: `void @<name>.body(ptr noalias %buf0, ..., i64 %start, i64 %end)`.

The body is a loop nest over the kernel's dims, the first parallel dim over [start, end) (a
runtime thread's share): each phase's reductions and stores, then the final stores (`render`);
reductions, loops and matmuls are the mixins' (`reductions.py`, `loops.py`, `matmul.py`), scalar
expressions `scalar.py`'s.  Small kernels call their math functions out of line
(INLINE_MATH_MIN_ELEMENTS).

    >>> body = KernelRenderer(module, kernel, blas_int_bits=32, vector_bits=(256,)).render()
    >>> body.name
    'k3.body'
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from graphc import dtypes
from graphc.codegen.kernel_ir import Access, Accumulator, Kernel, Load, LoopIndex, Store
from graphc.codegen.llvm import half
from graphc.codegen.llvm.loops import Loop, LoopNest
from graphc.codegen.llvm.matmul import Matmuls
from graphc.codegen.llvm.matmul_half import HalfMatmuls
from graphc.codegen.llvm.reductions import SUM_LANES, Reductions, lane_count
from graphc.codegen.llvm.scalar import ExprEmitter
from graphc.codegen.llvm.values import F32, F64, I1, I8, I64, PTR, VOID, i64, index_add, index_mul, llvm_type
from graphc.codegen.llvm.vecmath_width import prefer_host_width

# A kernel over fewer elements than this calls its math functions out of line (one vectorized
# copy of each per module) rather than inlining dozens of instructions at every use: it runs in
# microseconds, and the inlined copies were most of what LLVM had to compile (a 1000-op random
# graph's kernels over 64x16 elements: 2.5 s of LLVM with inlined math, 1.2 s without).
INLINE_MATH_MIN_ELEMENTS = 1 << 15


def inlines_math(kernel: Kernel, vector_bits: tuple[int, ...] | None) -> bool:
    """Whether `kernel`'s math functions are inlined (INLINE_MATH_MIN_ELEMENTS); without the host's
    `vector_bits` they must be (an out-of-line call would not vectorize)."""
    return vector_bits is None or math.prod(d.size for d in kernel.dims) >= INLINE_MATH_MIN_ELEMENTS


def code_size(kernel: Kernel, vector_bits: tuple[int, ...] | None = None) -> int:
    """About how many instructions LLVM compiles for `kernel` (a math call counts one)."""
    return kernel.code_size() if inlines_math(kernel, vector_bits) else kernel.code_size(math_size=1)


class KernelRenderer(LoopNest, Reductions, Matmuls, HalfMatmuls):
    """Emits one kernel's body function into a module (its loops, reductions and matmuls: the mixins)."""

    def __init__(self, module: ir.Module, kernel: Kernel, blas_int_bits: int = 32,
                 vector_bits: tuple[int, ...] | None = None):
        self.blas_int_bits = blas_int_bits
        self.vector_bits = vector_bits
        self.inline_math = inlines_math(kernel, vector_bits)
        self.module = module
        self.kernel = kernel
        self.params = {p.name: i for i, p in enumerate(kernel.params)}
        self.dtypes = {p.name: np.dtype(p.dtype) for p in kernel.params}
        fnty = ir.FunctionType(VOID, [PTR] * len(kernel.params) + [I64, I64])
        self.fn = ir.Function(module, fnty, f"{kernel.name}.body")
        self.fn.linkage = "internal"
        for a in self.fn.args[: len(kernel.params)]:
            a.add_attribute("noalias")
        self.fn.attributes.add("nounwind")
        # Inlined into its entry, the body's noalias parameters would become alias-scope metadata,
        # one scope per buffer on every access, and LLVM's memory analyses slow down with the
        # number of buffers: a fused kernel of a few hundred ops compiled 3-4x slower.
        self.fn.attributes.add("noinline")
        self.entry = self.fn.append_basic_block("entry")
        self.builder = ir.IRBuilder(self.entry)
        self.index: dict[int | Loop, ir.Value] = {}  # loop variables by kernel dim or `Loop`
        self.acc_slots: list[ir.Value] = []
        self.acc_values: dict[int, ir.Value] = {}
        self.math_calls = 0   # vecmath functions emitted so far (see MATH_INTERLEAVE)
        self.accesses: list | None = None  # (instruction, kind, access) of the loop body being emitted
        self._access_group: ir.MDValue | None = None
        self.loops = 0        # loops emitted so far (an inner loop shows as a change)

    def math_lanes(self, ty: ir.Type) -> tuple[int, ...]:
        """The vector widths an out-of-line math function on `ty` is called at: the host's
        registers, and the fixed lanes of a sum (LANE_LOOP_HINTS)."""
        bits = 64 if ty == F64 else 32
        return (*(width // bits for width in self.vector_bits or ()), SUM_LANES)

    def intrinsic(self, name: str, ty: ir.Type, args) -> ir.Value:
        fname = f"{name}.{'f32' if ty == F32 else 'f64'}"
        fn = self.module.globals.get(fname)
        if fn is None:
            fn = ir.Function(self.module, ir.FunctionType(ty, [ty] * len(args)), fname)
        return self.builder.call(fn, args)

    def pointer(self, access, offsets: dict) -> ir.Value:
        """The element `access` reaches at the loop position; `offsets` caches the offset arithmetic
        for the current loop body (less IR for LLVM to clean up)."""
        b = self.builder
        key = (access.offset, access.strides)
        idx = offsets.get(key)
        if idx is None:
            idx = i64(access.offset)
            for d, s in enumerate(access.strides):
                if s:
                    idx = index_add(b, idx, index_mul(b, self.index[d], s))
            offsets[key] = idx
        base = self.fn.args[self.params[access.buffer]]
        return b.gep(base, [idx], source_etype=llvm_type(self.dtypes[access.buffer], memory=True), inbounds=True)

    def operand_value(self, i: int, offsets: dict) -> ir.Value:
        op = self.kernel.operands[i]
        b = self.builder
        if isinstance(op, Load):
            dtype = np.dtype(op.dtype)
            v = b.load(self.pointer(op.access, offsets), typ=llvm_type(dtype, memory=True))
            self.record(v, "load", op.access)
            if dtype in dtypes.HALF:
                return half.widen(b, v, dtype)
            return b.trunc(v, I1) if dtype.kind == "b" else v
        if isinstance(op, Accumulator):
            return self.acc_values[op.index]
        if isinstance(op, LoopIndex):
            return self.index[op.dim]
        raise TypeError(f"unknown operand {op!r}")

    def clamped(self, index: ir.Value, extent: int) -> ir.Value:
        """`index` counted from the end when negative, then clamped into [0, extent): an indirect
        access never leaves its buffer (whether the index was in range the graph checks itself)."""
        b = self.builder
        wrapped = b.select(b.icmp_signed("<", index, i64(0)), b.add(index, i64(extent)), index)
        low = b.select(b.icmp_signed("<", wrapped, i64(0)), i64(0), wrapped)
        return b.select(b.icmp_signed(">", low, i64(extent - 1)), i64(max(extent - 1, 0)), low)

    def gathered(self, i: int, index: ir.Value, offsets: dict) -> ir.Value:
        """Operand i (a `Gather`) at `index` along its gathered axis: an indirect load."""
        op, b = self.kernel.operands[i], self.builder
        dtype = np.dtype(op.dtype)
        ty = llvm_type(dtype, memory=True)
        step = index_mul(b, self.clamped(index, op.extent), op.stride)
        ptr = b.gep(self.pointer(op.access, offsets), [step], source_etype=ty, inbounds=True)
        v = b.load(ptr, typ=ty)
        # an access of its own: the loop is parallel only if nothing in it stores to this buffer
        self.record(v, "load", Access(op.access.buffer, -1, ()))
        return b.trunc(v, I1) if dtype.kind == "b" else v

    def store(self, st: Store, expr: ExprEmitter) -> None:
        v = expr(st.expr)
        dtype = np.dtype(st.expr.dtype)
        if st.add_at is not None:
            self.add_at(st, v, expr)
            return
        if dtype.kind == "b":
            v = self.builder.zext(v, I8)
        elif dtype in dtypes.HALF:
            v = half.to_bits(self.builder, v, dtype)
        self.record(self.builder.store(v, self.pointer(st.access, expr.offsets)), "store", st.access)

    def add_at(self, st: Store, v: ir.Value, expr: ExprEmitter) -> None:
        """buffer[access + i * stride] += v, i the store's clamped index: two loop points may add into
        one element, so the accesses count as one slot (no parallel-loop hint) and the kernel is
        never split between threads (its kind is "scatter")."""
        b, at = self.builder, st.add_at
        ty = llvm_type(np.dtype(st.expr.dtype), memory=True)
        step = index_mul(b, self.clamped(expr(at.index), at.extent), at.stride)
        ptr = b.gep(self.pointer(st.access, expr.offsets), [step], source_etype=ty, inbounds=True)
        old = b.load(ptr, typ=ty)
        self.record(old, "slot")
        total = b.fadd(old, v) if np.dtype(st.expr.dtype).kind == "f" else b.add(old, v)
        self.record(b.store(total, ptr), "slot")

    def render(self) -> ir.Function:
        """The body function: the matmul (if any), then the loop nest, column tiles for a column reduction."""
        k = self.kernel
        reductions = k.reductions()
        b = self.builder
        for r in reductions:
            self.acc_slots.append(b.alloca(llvm_type(r.dtype), size=lane_count(r)))
        if k.matmul is not None:
            self.render_matmul(k.matmul)
        par = k.parallel_dims
        if self.column_reduction():
            self.render_column_reduction()
        elif any(p.stores or p.reductions for p in k.phases) or k.final_stores:
            if par:
                self.nest(par, self.render_outer, split=True)
            else:
                self.render_outer()
        b.ret_void()
        if self.math_calls:
            prefer_host_width(self.fn, self.vector_bits)   # 16 float32 lanes where the host has AVX-512
        return self.fn

    def render_outer(self) -> None:
        """One iteration of the parallel dims: each phase's reductions and stores, then the final stores."""
        k, b = self.kernel, self.builder
        first = 0
        for phase in k.phases:
            indices = range(first, first + len(phase.reductions))
            for i in indices:
                r = k.reductions()[i]
                self.start_lanes(self.acc_slots[i], r)

            def body(lane, phase=phase, indices=indices):
                expr = ExprEmitter(self)
                for i in indices:
                    r = k.reductions()[i]
                    slot = self.slot(self.acc_slots[i], r, lane)
                    # a lane of its own per iteration, or one slot every iteration updates
                    kind = "lane" if lane_count(r) > 1 and not isinstance(lane, ir.Constant) else "slot"
                    acc = b.load(slot, typ=llvm_type(r.dtype))
                    self.record(acc, kind)
                    self.record(b.store(self.combine(r, acc, expr(r.expr)), slot), kind)
                for st in phase.stores:
                    self.store(st, expr)

            self.reduce_nest(body, laned=any(lane_count(k.reductions()[i]) > 1 for i in indices))
            for i in indices:
                r = k.reductions()[i]
                self.acc_values[i] = self.total_of_lanes(self.acc_slots[i], r)
            first += len(phase.reductions)
        expr = ExprEmitter(self)
        for st in k.final_stores:
            self.store(st, expr)

