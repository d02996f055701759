"""Render kernel IR (graphc.codegen.kernel_ir) as LLVM IR with llvmlite.

Each distinct kernel becomes two functions:

    void @<name>.body(ptr noalias %buf0, ..., i64 %start, i64 %end)   ; the loop nest
    void @<name>(ptr %table, ptr %slots, i64 %start, i64 %end)       ; loads buffer pointers, calls the body

`table` is the runtime's array of buffer pointers and `slots` the table index of
each of the kernel's buffers (`render_module(...).entries[kernel.name]` says which
function and which slots).  Kernels that compute the same thing on different
buffers (`kernel_ir.structure_key`: the layers of a deep network) share one body
and one entry, called with their own slots.  The body's `noalias` parameters
tell LLVM that distinct buffers never overlap (the arena planner guarantees it),
which is what lets the loop vectorizer work without run-time alias checks.  Loop
bounds and strides are constants, so the optimizer sees exact trip counts.
Transcendentals come from `codegen.llvm.vecmath` (pure IR, vectorizable; inlined in big
kernels, called out of line in small ones: INLINE_MATH_MIN_ELEMENTS);
matmuls call BLAS gemm (`graphc_<s|d>gemm`, symbols the JIT resolves to scipy's
cython_blas) and run their epilogue loop after it.
"""

from __future__ import annotations

import functools
import math
import struct
from dataclasses import dataclass

import numpy as np
from llvmlite import ir

from graphc.codegen.kernel_ir import Accumulator, Kernel, Load, LoopIndex, Matrix, Store, structure_ids
from graphc.codegen.llvm.vecmath import emit_math, keep_variants
from graphc.scalar import VECTOR_MATH, Scalar, postorder

I1, I8, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(32), ir.IntType(64)
F32, F64 = ir.FloatType(), ir.DoubleType()
PTR = ir.PointerType()
VOID = ir.VoidType()
# A float sum keeps this many partial sums, lane j adding the elements whose index along the
# innermost reduced dim is j mod SUM_LANES, and adds them up pairwise at the end.  The order of
# additions is then fixed by the reduction's shape alone.  LLVM, given `reassoc`, would choose
# the partial sums itself, by the whole loop body's cost: the same sum fused beside other ops (a
# rematerialised layer's) came out in another order, and gradients differed in the last bits.
# The lane loop is a vector add, so the sum still vectorizes.
SUM_LANES = 8
# Innermost loops that evaluate a vecmath function are vectorized with this many vectors in
# flight per iteration.  Each function is a long dependent chain (~100 cycles for exp + a
# division), and the out-of-order window only holds about two iterations of such a body, so
# with one vector per iteration the loop runs at the chain's latency, not the FP ports'
# throughput.  The vectorizer's cost model does not interleave bodies this large by itself.
MATH_INTERLEAVE = 4
# ... but only in loops that run at least this many iterations: a shorter loop (a row of 16)
# never reaches the interleaved body, which LLVM would still build, optimize and emit (in a
# fused kernel with many short reductions, most of its compile time).
MATH_INTERLEAVE_MIN_TRIP = 8 * MATH_INTERLEAVE * 2
# A kernel over fewer elements than this calls its math functions out of line (one vectorized
# copy of each per module) rather than inlining dozens of instructions at every use: it runs in
# microseconds, and the inlined copies were most of what LLVM had to compile (a 1000-op random
# graph's kernels over 64x16 elements: 2.5 s of LLVM with inlined math, 1.2 s without).
INLINE_MATH_MIN_ELEMENTS = 1 << 15
COLUMN_TILE = 64  # accumulators per tile when reducing over a strided axis
LANE_LOOP_HINTS = (("llvm.loop.vectorize.width", SUM_LANES), ("llvm.loop.unroll.disable", 1))
CHUNK_DIM, LANE_DIM = 4000, 5000  # loop ids of a laned reduce dim's chunks and lanes (dim ids are smaller)


def llvm_type(dtype, memory: bool = False) -> ir.Type:
    dtype = np.dtype(dtype)
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
    if dtype.kind == "f":
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


class _Expr:
    """Renders scalar expressions at the builder's position, memoised within one loop body."""

    def __init__(self, r: KernelRenderer):
        self.r = r
        self.memo: dict[int, ir.Value] = {}
        # element offsets by (offset, strides), shared by the buffers of one shape; per loop body,
        # since an offset computed in one body does not dominate the next
        self.offsets: dict[tuple, ir.Value] = {}
        # operand index -> its value: distinct arg nodes of one operand load it once per body
        self.operands: dict[int, ir.Value] = {}

    def __call__(self, e: Scalar) -> ir.Value:
        for node in postorder(e, known=self.memo):
            self.memo[id(node)] = self.emit(node)
        return self.memo[id(e)]

    def emit(self, e: Scalar) -> ir.Value:
        """One node, its arguments already emitted."""
        b = self.r.builder
        op, dt = e.op, np.dtype(e.dtype)
        if op == "arg":
            if e.value not in self.operands:
                self.operands[e.value] = self.r.operand_value(e.value, self.offsets)
            return self.operands[e.value]
        if op == "const":
            return constant(e.value, dt)
        args = [self.memo[id(a)] for a in e.args]
        if op == "cast":
            return cast(b, args[0], np.dtype(e.args[0].dtype), np.dtype(e.value))
        adt = np.dtype(e.args[0].dtype)
        f = adt.kind == "f"
        if op in ("add", "sub", "mul", "div"):
            if f:
                return {"add": b.fadd, "sub": b.fsub, "mul": b.fmul, "div": b.fdiv}[op](*args)
            if op == "div":
                return b.sdiv(*args)
            return {"add": b.add, "sub": b.sub, "mul": b.mul}[op](*args)
        if op == "neg":
            return b.fneg(args[0]) if f else b.neg(args[0])
        if op in ("max", "min"):
            x, y = args
            if f:
                better = b.fcmp_ordered(">" if op == "max" else "<", x, y)
                x_nan = b.fcmp_unordered("uno", x, x)
                return b.select(b.or_(better, x_nan), x, y)
            if dt.kind == "b":
                return b.or_(x, y) if op == "max" else b.and_(x, y)
            return b.select(b.icmp_signed(">" if op == "max" else "<", x, y), x, y)
        if op == "abs":
            if f:
                return self.r.intrinsic("llvm.fabs", args[0].type, args)
            if dt.kind == "b":
                return args[0]
            return b.select(b.icmp_signed("<", args[0], ir.Constant(args[0].type, 0)), b.neg(args[0]), args[0])
        if op in ("floor", "sqrt"):
            if not f:
                return args[0]
            return self.r.intrinsic(f"llvm.{op}", args[0].type, args)
        if op == "pow":
            if f:
                return self.r.intrinsic("llvm.pow", args[0].type, args)
            xd = [b.sitofp(a, F64) for a in args]
            return b.fptosi(self.r.intrinsic("llvm.pow", F64, xd), args[0].type)
        if op in VECTOR_MATH:
            self.r.math_calls += 1
            return emit_math(b, op, args[0], self.r.inline_math, self.r.math_lanes(args[0].type))
        if op in ("lt", "le", "gt", "ge", "eq", "ne"):
            sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}[op]
            if f:
                return b.fcmp_unordered(sym, *args) if op == "ne" else b.fcmp_ordered(sym, *args)
            if adt.kind == "b":
                return b.icmp_unsigned(sym, *args)
            return b.icmp_signed(sym, *args)
        if op == "and":
            return b.and_(*args)
        if op == "or":
            return b.or_(*args)
        if op == "not":
            return b.not_(args[0])
        if op == "select":
            return b.select(*args)
        raise NotImplementedError(f"scalar primitive {op}")


def cast(b: ir.IRBuilder, v: ir.Value, src: np.dtype, dst: np.dtype) -> ir.Value:
    if src == dst:
        return v
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


class _AccessGroup(ir.values.MDValue):
    """A distinct empty metadata node, which is what an access group is (llvmlite prints no `distinct`)."""

    def descr(self, buf):
        buf += ("distinct !{}", "\n")


def inlines_math(kernel: Kernel, vector_bits: tuple[int, ...] | None) -> bool:
    """Whether `kernel`'s math functions are inlined (INLINE_MATH_MIN_ELEMENTS); without the host's
    `vector_bits` they must be (an out-of-line call would not vectorize)."""
    return vector_bits is None or math.prod(d.size for d in kernel.dims) >= INLINE_MATH_MIN_ELEMENTS


def code_size(kernel: Kernel, vector_bits: tuple[int, ...] | None = None) -> int:
    """About how many instructions LLVM compiles for `kernel` (a math call counts one)."""
    return kernel.code_size() if inlines_math(kernel, vector_bits) else kernel.code_size(math_size=1)


class KernelRenderer:
    """Emits one kernel's body function into a module."""

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
        self.index: dict[int, ir.Value] = {}
        self.acc_slots: list[ir.Value] = []
        self.acc_values: dict[int, ir.Value] = {}
        self.math_calls = 0   # vecmath functions emitted so far (see MATH_INTERLEAVE)
        self.accesses: list | None = None  # (instruction, kind, access) of the loop body being emitted
        self._access_group: ir.MDValue | None = None
        self.loops = 0        # loops emitted so far (an inner loop shows as a change)

    # ---- helpers ------------------------------------------------------------------------------

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
            return b.trunc(v, I1) if dtype.kind == "b" else v
        if isinstance(op, Accumulator):
            return self.acc_values[op.index]
        if isinstance(op, LoopIndex):
            return self.index[op.dim]
        raise TypeError(f"unknown operand {op!r}")

    def store(self, st: Store, expr: _Expr) -> None:
        v = expr(st.expr)
        dtype = np.dtype(st.expr.dtype)
        if dtype.kind == "b":
            v = self.builder.zext(v, I8)
        self.record(self.builder.store(v, self.pointer(st.access, expr.offsets)), "store", st.access)

    def loop(self, dim: int, lo: ir.Value, hi: ir.Value, body, most: int | None = None, hints=()) -> None:
        """`for i_dim in [lo, hi): body()`; `most` bounds the trip count when `hi` is not a constant;
        `hints` are `llvm.loop` (key, value) pairs."""
        b = self.builder
        if isinstance(hi, ir.Constant):
            most = hi.constant
        pre = b.block
        head = self.fn.append_basic_block(f"d{dim}.head")
        inner = self.fn.append_basic_block(f"d{dim}.body")
        done = self.fn.append_basic_block(f"d{dim}.done")
        b.branch(head)
        b.position_at_end(head)
        i = b.phi(I64, name=f"i{dim}")
        i.add_incoming(lo, pre)
        b.cbranch(b.icmp_signed("<", i, hi), inner, done)
        b.position_at_end(inner)
        self.index[dim] = i
        self.loops += 1
        loops, math_calls = self.loops, self.math_calls
        enclosing, self.accesses = self.accesses, []
        body()
        accesses, self.accesses = self.accesses, enclosing
        i.add_incoming(b.add(i, i64(1), flags=("nsw", "nuw")), b.block)
        backedge = b.branch(head)
        if self.loops == loops and self.independent_iterations(dim, accesses):
            group = self.access_group()
            for instruction, _, _ in accesses:
                instruction.set_metadata("llvm.access.group", group)
            hints = (*hints, ("llvm.loop.parallel_accesses", group))
        runs_long = most is None or most >= MATH_INTERLEAVE_MIN_TRIP
        if self.loops == loops and self.math_calls > math_calls and runs_long and self.inline_math:
            hints = (*hints, ("llvm.loop.interleave.count", MATH_INTERLEAVE))
        if not self.inline_math and ("llvm.loop.unroll.disable", 1) not in hints:
            # a small kernel's loops run a few iterations: unrolled copies were a sixth of the
            # code LLVM compiled for a graph of small tensors, and ran no faster
            hints = (*hints, ("llvm.loop.unroll.disable", 1))
        if hints:
            backedge.set_metadata("llvm.loop", self.loop_id(*hints))
        b.position_at_end(done)

    def record(self, instruction, kind: str, access=None) -> None:
        """Note a memory access of the loop body being emitted (see `independent_iterations`)."""
        if self.accesses is not None:
            self.accesses.append((instruction, kind, access))

    def independent_iterations(self, dim: int, accesses: list) -> bool:
        """Whether the iterations of an innermost loop over `dim` touch no memory another one does
        (but for reads), so it may be marked `llvm.loop.parallel_accesses`.

        The loop vectorizer then skips its dependence analysis, which compares the loop's
        accesses pairwise: fused kernels have a few hundred, and it was a sixth of their LLVM
        time.  Conservative: every access was recorded (`record`), each store moves with the
        loop's dim, a buffer stored is read at most at the stored element, and a reduction
        updates a lane of its own in each iteration (not one slot in all of them).
        """
        d = dim - LANE_DIM if LANE_DIM <= dim < LANE_DIM + 1000 else dim
        if not accesses or d >= len(self.kernel.dims) or self.kernel.dims[d].size < 2:
            return False
        stored: dict[str, object] = {}
        for _, kind, access in accesses:
            if kind == "slot":
                return False
            if kind == "store":
                if access.strides[d] == 0 or stored.setdefault(access.buffer, access) != access:
                    return False
        return all(access == stored.get(access.buffer, access) for _, kind, access in accesses if kind == "load")

    def access_group(self) -> ir.MDValue:
        """The module's access group (a distinct empty metadata node), made on first use."""
        if self._access_group is None:
            found = [md for md in self.module.metadata if isinstance(md, _AccessGroup)]
            self._access_group = found[0] if found else _AccessGroup(self.module, [], str(len(self.module.metadata)))
        return self._access_group

    def loop_id(self, *hints) -> ir.MDValue:
        """A distinct `!llvm.loop` node (its first operand is itself, as LLVM requires) carrying `hints`
        (an integer value, or a metadata node)."""
        m = self.module
        props = [m.add_metadata([ir.MetaDataString(m, key),
                                 value if isinstance(value, ir.MDValue) else ir.Constant(I32, value)])
                 for key, value in hints]
        node = ir.values.MDValue(m, props, name=str(len(m.metadata)))
        node.operands = (node, *props)
        return node

    def nest(self, dims: list[int], body, split: bool) -> None:
        if not dims:
            body()
            return
        d, rest = dims[0], dims[1:]
        if split:
            lo, hi = self.fn.args[-2], self.fn.args[-1]
        else:
            lo, hi = i64(0), i64(self.kernel.dims[d].size)
        self.loop(d, lo, hi, lambda: self.nest(rest, body, False), most=self.kernel.dims[d].size)

    # ---- the kernel ---------------------------------------------------------------------------

    def render(self) -> ir.Function:
        k = self.kernel
        reductions = k.reductions()
        b = self.builder
        for r in reductions:
            self.acc_slots.append(b.alloca(llvm_type(r.dtype), size=_lanes(r)))
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
        return self.fn

    def render_outer(self) -> None:
        k, b = self.kernel, self.builder
        first = 0
        for phase in k.phases:
            indices = range(first, first + len(phase.reductions))
            for i in indices:
                r = k.reductions()[i]
                self.start_lanes(self.acc_slots[i], r)

            def body(lane, phase=phase, indices=indices):
                expr = _Expr(self)
                for i in indices:
                    r = k.reductions()[i]
                    slot = self.slot(self.acc_slots[i], r, lane)
                    # a lane of its own per iteration, or one slot every iteration updates
                    kind = "lane" if _lanes(r) > 1 and not isinstance(lane, ir.Constant) else "slot"
                    acc = b.load(slot, typ=llvm_type(r.dtype))
                    self.record(acc, kind)
                    self.record(b.store(self.combine(r, acc, expr(r.expr)), slot), kind)
                for st in phase.stores:
                    self.store(st, expr)

            self.reduce_nest(body, laned=any(_lanes(k.reductions()[i]) > 1 for i in indices))
            for i in indices:
                r = k.reductions()[i]
                self.acc_values[i] = self.total_of_lanes(self.acc_slots[i], r)
            first += len(phase.reductions)
        expr = _Expr(self)
        for st in k.final_stores:
            self.store(st, expr)

    # ---- float sums in fixed lanes (SUM_LANES) ------------------------------------------------

    def slot(self, storage: ir.Value, r, lane, stride: int = 1, column=None) -> ir.Value:
        """Where reduction r keeps its value: lane `lane` of a float sum, its only slot otherwise.
        Column reductions keep `stride` columns per lane; `column` picks one."""
        index = i64(0) if column is None else column
        if _lanes(r) > 1:
            lane = i64(lane) if isinstance(lane, int) else lane
            index = index_add(self.builder, index_mul(self.builder, lane, stride), index)
        return self.builder.gep(storage, [index], source_etype=llvm_type(r.dtype))

    def start_lanes(self, storage: ir.Value, r) -> None:
        """Every lane of reduction r set to its identity, with one (vector) store."""
        b, lanes = self.builder, _lanes(r)
        value = constant(_identity(r), r.dtype)
        if lanes > 1:
            value = ir.Constant(ir.VectorType(value.type, lanes), [value.constant] * lanes)
            storage = b.bitcast(storage, value.type.as_pointer())
        b.store(value, storage, align=np.dtype(r.dtype).itemsize)

    def total_of_lanes(self, storage: ir.Value, r) -> ir.Value:
        """`total` of lanes stored side by side: one vector load, halves added as vectors (the same
        additions in the same order, in a fifth of the instructions for LLVM to compile)."""
        b, lanes, ty = self.builder, _lanes(r), llvm_type(r.dtype)
        if lanes == 1:
            return b.load(storage, typ=ty)
        vty = ir.VectorType(ty, lanes)
        v = b.load(b.bitcast(storage, vty.as_pointer()), typ=vty, align=np.dtype(r.dtype).itemsize)
        while lanes > 1:
            half = lanes // 2
            lo, hi = (b.shuffle_vector(v, v, ir.Constant(ir.VectorType(I32, half), list(range(k, k + half))))
                      for k in (0, half))
            v, lanes = b.fadd(lo, hi), half
        return b.extract_element(v, ir.Constant(I32, 0))

    def total(self, r, slot_of) -> ir.Value:
        """Reduction r's value: a float sum's lanes added pairwise (halves, as a vector register folds),
        each lane where `slot_of(lane)` says (a column tile's lanes are strided; `total_of_lanes` is
        the same for lanes side by side)."""
        b, ty = self.builder, llvm_type(r.dtype)
        values = [b.load(slot_of(lane), typ=ty) for lane in range(_lanes(r))]
        while len(values) > 1:
            half = len(values) // 2
            values = [b.fadd(values[j], values[j + half]) for j in range(half)]
        return values[0]

    def reduce_nest(self, body, laned: bool) -> None:
        """Loops over the reduce dims, calling body(lane).  With `laned`, the innermost dim runs in
        chunks of SUM_LANES (an inner loop over the lanes), then its remainder, lane = index mod SUM_LANES."""
        k, b = self.kernel, self.builder
        zero = i64(0)
        if not laned or not k.reduce_dims:
            self.nest(k.reduce_dims, lambda: body(zero), split=False)
            return
        *outer, d = k.reduce_dims
        size = k.dims[d].size
        chunks, rest = divmod(size, SUM_LANES)
        chunk_dim, lane_dim = CHUNK_DIM + d, LANE_DIM + d

        def lanes_of_a_chunk():
            start = index_mul(b, self.index[chunk_dim], SUM_LANES)

            def lane():
                self.index[d] = index_add(b, start, self.index[lane_dim])
                body(self.index[lane_dim])

            # one vector of lanes: unrolled into scalars first, it would be left to the SLP
            # vectorizer, which packs a fused body's math functions only two at a time
            self.loop(lane_dim, zero, i64(SUM_LANES), lane, hints=LANE_LOOP_HINTS)

        def innermost():
            if chunks:
                self.loop(chunk_dim, zero, i64(chunks), lanes_of_a_chunk)
            if rest:
                self.loop(d, i64(size - rest), i64(size),
                          lambda: body(b.sub(self.index[d], i64(size - rest))))

        self.nest(outer, innermost, split=False)

    # ---- reductions over a leading (strided) axis ---------------------------------------------

    def column_reduction(self) -> bool:
        """A single-phase reduction whose operands are contiguous along the last parallel dim, not the reduced one.

        Reducing row by row would read memory with a large stride (a bias gradient sums
        over the batch axis); instead a tile of COLUMN_TILE accumulators runs along the
        contiguous dim, so every load is unit-stride and vectorizes.
        """
        k = self.kernel
        par, red = k.parallel_dims, k.reduce_dims
        if len(k.phases) != 1 or k.phases[0].stores or not k.phases[0].reductions or not par or not red:
            return False
        q = par[-1]
        loads = [op for op in k.operands if isinstance(op, Load)]
        if any(op.access.strides[q] not in (0, 1) for op in loads):
            return False
        return any(op.access.strides[q] == 1 and any(op.access.strides[d] not in (0, 1) for d in red)
                   for op in loads)

    def render_column_reduction(self) -> None:
        k, b = self.kernel, self.builder
        par, tile = k.parallel_dims, COLUMN_TILE
        q = par[-1]
        reductions = k.reductions()
        arrays = [b.alloca(llvm_type(r.dtype), size=tile * _lanes(r)) for r in reductions]

        def tiles():
            if q == par[0]:
                lo, hi = self.fn.args[-2], self.fn.args[-1]
            else:
                lo, hi = i64(0), i64(k.dims[q].size)
            count = b.sdiv(b.add(b.sub(hi, lo), i64(tile - 1)), i64(tile))

            def one_tile():
                p0 = index_add(b, lo, index_mul(b, self.index[3000], tile))
                width = b.sub(hi, p0)
                width = b.select(b.icmp_signed("<", width, i64(tile)), width, i64(tile))

                def columns(body):
                    def column():
                        self.index[q] = index_add(b, p0, self.index[3001])
                        body(self.index[3001])
                    self.loop(3001, i64(0), width, column, most=tile)

                def init(t):
                    for r, arr in zip(reductions, arrays):
                        for lane in range(_lanes(r)):
                            b.store(constant(_identity(r), r.dtype), self.slot(arr, r, lane, tile, t))

                def accumulate(t, lane):
                    expr = _Expr(self)
                    for r, arr in zip(reductions, arrays):
                        slot = self.slot(arr, r, lane, tile, t)
                        b.store(self.combine(r, b.load(slot, typ=llvm_type(r.dtype)), expr(r.expr)), slot)

                def finish(t):
                    for i, (r, arr) in enumerate(zip(reductions, arrays)):
                        self.acc_values[i] = self.total(r, lambda lane, r=r, arr=arr: self.slot(arr, r, lane, tile, t))
                    expr = _Expr(self)
                    for st in k.final_stores:
                        self.store(st, expr)

                def accumulate_row():
                    # the lane a row's value goes to, as reduce_nest's (here the columns are the vector)
                    lane = b.urem(self.index[k.reduce_dims[-1]], i64(SUM_LANES))
                    columns(lambda t: accumulate(t, lane))

                columns(init)
                self.nest(k.reduce_dims, accumulate_row, split=False)
                columns(finish)

            self.loop(3000, i64(0), count, one_tile)

        outer = [d for d in par if d != q]
        if outer:
            self.nest(outer, tiles, split=True)
        else:
            tiles()

    def combine(self, r, acc: ir.Value, x: ir.Value) -> ir.Value:
        b = self.builder
        f = np.dtype(r.dtype).kind == "f"
        if r.combine == "add":
            return b.fadd(acc, x) if f else b.add(acc, x)
        sym = ">" if r.combine == "max" else "<"
        if f:
            # NaN propagates, as numpy's max/min: keep acc once it is NaN, take x when x wins or is NaN
            take = b.or_(b.fcmp_unordered(sym, x, acc), b.fcmp_unordered("uno", x, x))
            keep_nan = b.fcmp_unordered("uno", acc, acc)
            return b.select(b.and_(take, b.not_(keep_nan)), x, acc)
        if np.dtype(r.dtype).kind == "b":
            return b.or_(acc, x) if r.combine == "max" else b.and_(acc, x)
        return b.select(b.icmp_signed(sym, x, acc), x, acc)

    # ---- matmul -------------------------------------------------------------------------------

    def render_matmul(self, mm) -> None:
        b = self.builder
        if mm.m == 0 or mm.n == 0:
            return
        batch_dims = list(range(len(mm.batch)))
        saved = dict(self.index)
        float_blas = np.dtype(mm.dtype).kind == "f" and mm.k > 0
        gemm_args = self.gemm_args(mm) if float_blas else None
        naive_acc = None if float_blas else b.alloca(llvm_type(mm.dtype))

        def gemm():
            offsets = {}
            for name, mat in (("a", mm.a), ("b", mm.b), ("c", mm.c)):
                idx = i64(mat.offset)
                for d, s in enumerate(mat.batch_strides):
                    if s:
                        idx = index_add(b, idx, index_mul(b, self.index[1000 + d], s))
                offsets[name] = b.gep(self.fn.args[self.params[mat.buffer]], [idx],
                                      source_etype=llvm_type(mm.dtype, memory=True))
            if float_blas:
                self.call_gemm(mm, offsets, gemm_args)
            else:
                self.naive_gemm(mm, offsets, naive_acc)

        def batch_nest(ds):
            if not ds:
                gemm()
                return
            d = ds[0]
            self.loop(1000 + d, i64(0), i64(mm.batch[d]), lambda: batch_nest(ds[1:]))

        batch_nest(batch_dims)
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
            i, j, p = self.index[2001], self.index[2002], self.index[2003]
            x = b.load(elem(ptrs["a"], mm.a, i, p), typ=ty)
            y = b.load(elem(ptrs["b"], mm.b, p, j), typ=ty)
            cur = b.load(acc, typ=ty)
            b.store(b.fadd(cur, b.fmul(x, y)) if f else b.add(cur, b.mul(x, y)), acc)

        def cell():
            b.store(ir.Constant(ty, 0.0 if f else 0), acc)
            self.loop(2003, i64(0), i64(mm.k), inner)
            at = elem(ptrs["c"], mm.c, self.index[2001], self.index[2002])
            value = b.load(acc, typ=ty)
            if mm.alpha != 1.0:
                value = b.fmul(ir.Constant(ty, mm.alpha), value) if f else b.mul(ir.Constant(ty, int(mm.alpha)), value)
            if mm.accumulate:
                value = b.fadd(b.load(at, typ=ty), value) if f else b.add(b.load(at, typ=ty), value)
            b.store(value, at)

        self.loop(2001, i64(0), i64(mm.m),
                  lambda: self.loop(2002, i64(0), i64(mm.n), cell))


def blas_layout(rows: int, cols: int, mat: Matrix) -> tuple[str, int]:
    """(trans, ld) for BLAS reading a row-major-indexed matrix: 'N' when rows are contiguous, 'T' for columns."""
    rs, cs = mat.row_stride, mat.col_stride
    if (cs == 1 or cols <= 1) and (rows <= 1 or rs >= max(cols, 1)):
        return "N", max(rs if rows > 1 else 0, cols, 1)
    if (rs == 1 or rows <= 1) and (cols <= 1 or cs >= max(rows, 1)):
        return "T", max(cs if cols > 1 else 0, rows, 1)
    raise ValueError(f"matrix strides ({rs}, {cs}) of a {rows}x{cols} operand are not BLAS-compatible")


def _lanes(r) -> int:
    """How many partial values reduction r keeps: SUM_LANES for a float sum, 1 otherwise (max, min
    and integer sums are exact in any order)."""
    return SUM_LANES if r.combine == "add" and np.dtype(r.dtype).kind == "f" else 1


def _identity(r):
    if np.dtype(r.dtype).kind == "b":
        return r.combine == "min"
    if np.dtype(r.dtype).kind == "f":
        return r.identity
    v = r.identity
    if isinstance(v, float) and math.isinf(v):
        info = np.iinfo(r.dtype)
        return info.min if v < 0 else info.max
    return int(v)


@dataclass(frozen=True)
class Entry:
    """How the runtime calls one kernel: `function(table, slots, start, end)`, where `slots`
    holds the table index of each of the kernel's buffers, in parameter order."""

    function: str
    slots: tuple


@dataclass
class RenderedModule:
    module: ir.Module
    entries: dict  # kernel name -> Entry


def render_entry(module: ir.Module, name: str, body: ir.Function, n_params: int) -> ir.Function:
    """`void @<name>(ptr table, ptr slots, i64 start, i64 end)`: buffer i is `table[slots[i]]`.

    The slots are an argument, not constants, so one entry serves every kernel with the same
    body: a deep network has hundreds of kernels but a handful of bodies, and the JIT's cost
    is per function.
    """
    fn = ir.Function(module, ir.FunctionType(VOID, [PTR, PTR, I64, I64]), name)
    # Nothing in an entry is worth optimizing, and optimizing it was a fifth of a big build's
    # LLVM time: GVN compares every pair of its loads (a kernel has up to a few hundred buffers).
    fn.attributes.add("noinline")
    fn.attributes.add("optnone")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    table, slots, start, end = fn.args
    ptrs = []
    for i in range(n_params):
        slot = b.load(b.gep(slots, [i64(i)], source_etype=I64), typ=I64)
        ptrs.append(b.load(b.gep(table, [slot], source_etype=PTR), typ=PTR))
    b.call(body, ptrs + [start, end])
    b.ret_void()
    return fn


def split_parts(kernels: list[Kernel], parts: int, structures: list[int], sizes: dict[int, int],
                head_start: float = 0.0) -> list[list[int]]:
    """The kernels' indices in at most `parts` groups of about equal code size, to compile side by side.

    Kernels with the same structure (`structures`: their `structure_ids`) stay in one group,
    as they share a body; the biggest structures (`sizes`: each structure's `code_size`) are
    placed first, each in the smallest group so far.  The first group counts as `head_start`
    (a fraction of an equal share) bigger than it is: it is compiled last, in the calling
    process, which renders it while the others already compile.
    """
    groups: dict[int, list[int]] = {}
    for i, structure in enumerate(structures):
        groups.setdefault(structure, []).append(i)
    totals = [0.0] * max(1, parts)
    totals[0] = head_start * sum(sizes.values()) / len(totals) if len(totals) > 1 else 0.0
    members: list[list[int]] = [[] for _ in totals]
    for structure in sorted(groups, key=lambda s: -sizes[s]):
        smallest = totals.index(min(totals))
        totals[smallest] += sizes[structure]
        members[smallest].extend(groups[structure])
    return [sorted(part) for part in members if part]


def entries(kernels: list[Kernel], slots: dict[str, int], structures: list[int]) -> dict[str, Entry]:
    """How the runtime calls each kernel (what `render_module` returns), without rendering: the
    entry of a structure is named after its first kernel."""
    return {k.name: Entry(kernels[s].name, tuple(slots[p.name] for p in k.params))
            for k, s in zip(kernels, structures, strict=True)}


def render_module(kernels: list[Kernel], slots: dict[str, int], name: str = "graphc",
                  blas_int_bits: int = 32, structures: list[int] | None = None,
                  vector_bits: tuple[int, ...] | None = None) -> RenderedModule:
    """All kernels in one module, one body and entry per distinct kernel structure.

    `slots[buffer]` is the buffer's index in the runtime's pointer table; `blas_int_bits` is
    the integer width of the gemm the JIT links (32 or 64); `structures` the kernels'
    `structure_ids`, when the caller has them; `vector_bits` the host's vector register widths:
    given, small kernels call their math functions out of line (INLINE_MATH_MIN_ELEMENTS),
    vectorized at those widths.
    """
    module = ir.Module(name=name)
    structures = structure_ids(kernels) if structures is None else structures
    entry_of: dict[int, str] = {}
    calls: dict[str, Entry] = {}
    for k, structure in zip(kernels, structures, strict=True):
        if structure not in entry_of:
            body = KernelRenderer(module, k, blas_int_bits, vector_bits).render()
            entry_of[structure] = render_entry(module, k.name, body, len(k.params)).name
        calls[k.name] = Entry(entry_of[structure], tuple(slots[p.name] for p in k.params))
    keep_variants(module)
    return RenderedModule(module, calls)


def module_text(rendered: RenderedModule) -> str:
    """The module's IR text; the module is dismantled after, so that it is freed at once.

    An llvmlite module is a web of reference cycles (blocks and their instructions, functions
    and their blocks and arguments): left to the cyclic collector, a 5000-op build's IR cost it
    about 0.4 s after the build.  Taken apart, it goes by reference counting alone.
    """
    module = rendered.module
    text = str(module)
    for fn in module.functions:
        for block in fn.blocks:
            block.instructions = []
        fn.blocks = []
        for arg in fn.args:
            arg.attributes = None
        fn.args = ()
    module.globals.clear()
    return text
