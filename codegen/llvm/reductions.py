"""Reductions in the LLVM renderer: float sums in fixed lanes, max/min/sum combines, column tiles.

A float sum keeps SUM_LANES partial sums (`lane_count(r)`), lane j adding the elements whose index
along the innermost reduced dim is j mod SUM_LANES (`reduce_nest`: chunks of SUM_LANES, one
vector of lanes each, then the remainder), and adds them up pairwise at the end
(`total_of_lanes`).  A reduction over a strided leading axis (a bias gradient's sum over the
batch) runs a tile of COLUMN_TILE accumulators along the contiguous dim instead
(`render_column_reduction`).

    >>> r.reduce_nest(lambda lane: accumulate(lane), laned=True)
    # for chunk in [0, n // 8): for lane in [0, 8): acc[lane] += x[8 chunk + lane]
    # for i in [n - n % 8, n): acc[i - (n - n % 8)] += x[i]
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from graphc.codegen.kernel_ir import Load
from graphc.codegen.llvm.loops import Loop
from graphc.codegen.llvm.scalar import ExprEmitter
from graphc.codegen.llvm.values import I32, constant, i64, index_add, index_mul, llvm_type

# A float sum keeps this many partial sums, lane j adding the elements whose index along the
# innermost reduced dim is j mod SUM_LANES, and adds them up pairwise at the end.  The order of
# additions is then fixed by the reduction's shape alone.  LLVM, given `reassoc`, would choose
# the partial sums itself, by the whole loop body's cost: the same sum fused beside other ops (a
# rematerialised layer's) came out in another order, and gradients differed in the last bits.
# The lane loop is a vector add, so the sum still vectorizes.
SUM_LANES = 8
COLUMN_TILE = 64  # accumulators per tile when reducing over a strided axis
LANE_LOOP_HINTS = (("llvm.loop.vectorize.width", SUM_LANES), ("llvm.loop.unroll.disable", 1))


def lane_count(r) -> int:
    """How many partial values reduction r keeps: SUM_LANES for a float sum, 1 otherwise (max, min
    and integer sums are exact in any order)."""
    return SUM_LANES if r.combine == "add" and np.dtype(r.dtype).kind == "f" else 1


def identity(r):
    """The value reduction r starts from (as the dtype holds it: an int max starts from the dtype's least)."""
    if np.dtype(r.dtype).kind == "b":
        return r.combine == "min"
    if np.dtype(r.dtype).kind == "f":
        return r.identity
    v = r.identity
    if isinstance(v, float) and math.isinf(v):
        info = np.iinfo(r.dtype)
        return info.min if v < 0 else info.max
    return int(v)


class Reductions:
    """The reduction methods of `KernelRenderer` (a mixin: it uses the renderer's builder, kernel,
    loops, `store`, `record`, and keeps each reduction's value in `acc_values`)."""

    def slot(self, storage: ir.Value, r, lane, stride: int = 1, column=None) -> ir.Value:
        """Where reduction r keeps its value: lane `lane` of a float sum, its only slot otherwise.
        Column reductions keep `stride` columns per lane; `column` picks one."""
        index = i64(0) if column is None else column
        if lane_count(r) > 1:
            lane = i64(lane) if isinstance(lane, int) else lane
            index = index_add(self.builder, index_mul(self.builder, lane, stride), index)
        return self.builder.gep(storage, [index], source_etype=llvm_type(r.dtype))

    def start_lanes(self, storage: ir.Value, r) -> None:
        """Every lane of reduction r set to its identity, with one (vector) store."""
        b, lanes = self.builder, lane_count(r)
        value = constant(identity(r), r.dtype)
        if lanes > 1:
            value = ir.Constant(ir.VectorType(value.type, lanes), [value.constant] * lanes)
            storage = b.bitcast(storage, value.type.as_pointer())
        b.store(value, storage, align=np.dtype(r.dtype).itemsize)

    def total_of_lanes(self, storage: ir.Value, r) -> ir.Value:
        """`total` of lanes stored side by side: one vector load, halves added as vectors (the same
        additions in the same order, in a fifth of the instructions for LLVM to compile)."""
        b, lanes, ty = self.builder, lane_count(r), llvm_type(r.dtype)
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
        values = [b.load(slot_of(lane), typ=ty) for lane in range(lane_count(r))]
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
        chunk_dim, lane_dim = Loop("chunk", d), Loop("lane", d)

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
        arrays = [b.alloca(llvm_type(r.dtype), size=tile * lane_count(r)) for r in reductions]

        def tiles():
            if q == par[0]:
                lo, hi = self.fn.args[-2], self.fn.args[-1]
            else:
                lo, hi = i64(0), i64(k.dims[q].size)
            count = b.sdiv(b.add(b.sub(hi, lo), i64(tile - 1)), i64(tile))

            def one_tile():
                p0 = index_add(b, lo, index_mul(b, self.index[Loop("tile")], tile))
                width = b.sub(hi, p0)
                width = b.select(b.icmp_signed("<", width, i64(tile)), width, i64(tile))

                def columns(body):
                    def column():
                        self.index[q] = index_add(b, p0, self.index[Loop("column")])
                        body(self.index[Loop("column")])
                    self.loop(Loop("column"), i64(0), width, column, most=tile)

                def init(t):
                    for r, arr in zip(reductions, arrays):
                        for lane in range(lane_count(r)):
                            b.store(constant(identity(r), r.dtype), self.slot(arr, r, lane, tile, t))

                def accumulate(t, lane):
                    expr = ExprEmitter(self)
                    for r, arr in zip(reductions, arrays):
                        slot = self.slot(arr, r, lane, tile, t)
                        b.store(self.combine(r, b.load(slot, typ=llvm_type(r.dtype)), expr(r.expr)), slot)

                def finish(t):
                    for i, (r, arr) in enumerate(zip(reductions, arrays)):
                        self.acc_values[i] = self.total(r, lambda lane, r=r, arr=arr: self.slot(arr, r, lane, tile, t))
                    expr = ExprEmitter(self)
                    for st in k.final_stores:
                        self.store(st, expr)

                def accumulate_row():
                    # the lane a row's value goes to, as reduce_nest's (here the columns are the vector)
                    lane = b.urem(self.index[k.reduce_dims[-1]], i64(SUM_LANES))
                    columns(lambda t: accumulate(t, lane))

                columns(init)
                self.nest(k.reduce_dims, accumulate_row, split=False)
                columns(finish)

            self.loop(Loop("tile"), i64(0), count, one_tile)

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
