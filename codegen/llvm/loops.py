"""Loops of the LLVM renderer: one `for` per call, with its `llvm.loop` hints and access groups.

A loop is keyed in `KernelRenderer.index` (the loop variable of each enclosing loop) by the
kernel dim it runs over, an int, or, for the loops a kernel's dims do not name, by a `Loop`:

    Loop("batch", d)     the batch dim d of a matmul (one gemm per batch element)
    Loop("gemm_row"), Loop("gemm_col"), Loop("gemm_inner")     plain-loop matmul (ints, k == 0)
    Loop("half_row"), Loop("half_col")     a float16/bfloat16 matmul's copies to and from float32
    Loop("tile"), Loop("column")     column reductions: tiles of COLUMN_TILE columns, a column in one
    Loop("chunk", d), Loop("lane", d)     a float sum over dim d: chunks of SUM_LANES, a lane in one

    >>> r.loop(Loop("tile"), i64(0), count, one_tile)   # blocks d3000.head/.body/.done, index %i3000

The block and index names carry a number (`Loop.label`): a dim's own, and for a `Loop` one
clear of every dim's, as the renderer has always numbered them (the IR text stays the same).
"""

from __future__ import annotations

from typing import NamedTuple

from llvmlite import ir

from graphc.codegen.llvm.values import I32, I64, i64

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

# the number in the names of a `Loop`'s blocks and index (kernel dims are numbered from 0)
_LABELS = {"batch": 1000, "gemm_row": 2001, "gemm_col": 2002, "gemm_inner": 2003, "half_row": 2004, "half_col": 2005,
           "tile": 3000, "column": 3001, "chunk": 4000, "lane": 5000}


class Loop(NamedTuple):
    """A loop that is none of the kernel's dims: its role (a key of _LABELS) and the dim it serves."""

    kind: str
    dim: int = 0

    @property
    def label(self) -> int:
        return _LABELS[self.kind] + self.dim


class _AccessGroup(ir.values.MDValue):
    """A distinct empty metadata node, which is what an access group is (llvmlite prints no `distinct`)."""

    def descr(self, buf):
        buf += ("distinct !{}", "\n")


class LoopNest:
    """The loop methods of `KernelRenderer` (a mixin: it uses the renderer's builder, function,
    kernel, module, `index`, and the counters `loops` and `math_calls`)."""

    def loop(self, key: int | Loop, lo: ir.Value, hi: ir.Value, body, most: int | None = None, hints=()) -> None:
        """`for index[key] in [lo, hi): body()`, `key` a kernel dim or a `Loop`; `most` bounds the
        trip count when `hi` is not a constant; `hints` are `llvm.loop` (key, value) pairs."""
        b = self.builder
        label = key.label if isinstance(key, Loop) else key
        if isinstance(hi, ir.Constant):
            most = hi.constant
        pre = b.block
        head = self.fn.append_basic_block(f"d{label}.head")
        inner = self.fn.append_basic_block(f"d{label}.body")
        done = self.fn.append_basic_block(f"d{label}.done")
        b.branch(head)
        b.position_at_end(head)
        i = b.phi(I64, name=f"i{label}")
        i.add_incoming(lo, pre)
        b.cbranch(b.icmp_signed("<", i, hi), inner, done)
        b.position_at_end(inner)
        self.index[key] = i
        self.loops += 1
        loops, math_calls = self.loops, self.math_calls
        enclosing, self.accesses = self.accesses, []
        body()
        accesses, self.accesses = self.accesses, enclosing
        i.add_incoming(b.add(i, i64(1), flags=("nsw", "nuw")), b.block)
        backedge = b.branch(head)
        if self.loops == loops and self.independent_iterations(key, accesses):
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

    def independent_iterations(self, key: int | Loop, accesses: list) -> bool:
        """Whether the iterations of an innermost loop `key` touch no memory another one does
        (but for reads), so it may be marked `llvm.loop.parallel_accesses`.

        The loop vectorizer then skips its dependence analysis, which compares the loop's
        accesses pairwise: fused kernels have a few hundred, and it was a sixth of their LLVM
        time.  Conservative: every access was recorded (`record`), each store moves with the
        loop's dim, a buffer stored is read at most at the stored element, and a reduction
        updates a lane of its own in each iteration (not one slot in all of them).
        """
        # a kernel dim's loop, or a sum's lane loop (which moves along its dim); no other `Loop`
        d = key if not isinstance(key, Loop) else key.dim if key.kind == "lane" else None
        if d is None or not accesses or d >= len(self.kernel.dims) or self.kernel.dims[d].size < 2:
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
        """Loops over `dims`, outermost first, around `body()`; with `split`, the first runs over the
        range [start, end) that the runtime gives the kernel (its threads' share)."""
        if not dims:
            body()
            return
        d, rest = dims[0], dims[1:]
        if split:
            lo, hi = self.fn.args[-2], self.fn.args[-1]
        else:
            lo, hi = i64(0), i64(self.kernel.dims[d].size)
        self.loop(d, lo, hi, lambda: self.nest(rest, body, False), most=self.kernel.dims[d].size)
