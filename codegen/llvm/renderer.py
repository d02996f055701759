"""Render kernel IR (graphc.codegen.kernel_ir) as an LLVM module with llvmlite.

Each distinct kernel becomes two functions:

    void @<name>.body(ptr noalias %buf0, ..., i64 %start, i64 %end)   ; the loop nest
    void @<name>(ptr %table, ptr %slots, i64 %start, i64 %end)       ; loads buffer pointers, calls the body

`table` is the runtime's array of buffer pointers and `slots` the table index of
each of the kernel's buffers (`render_module(...).entries[kernel.name]` says which
function and which slots).  Kernels that compute the same thing on different
buffers (`kernel_ir.structure_key`: the layers of a deep network) share one body
and one entry, called with their own slots.  The body's `noalias` parameters
tell LLVM that distinct buffers never overlap (the arena planner guarantees it),
which is what lets the loop vectorizer work without run-time alias checks.

This module assembles modules (`render_module`, `render_entry`, `module_text`) and splits a
big program into parts to compile side by side (`split_parts`).  The rest is by concern:

    kernel.py       a kernel's body function (KernelRenderer), code_size, INLINE_MATH_MIN_ELEMENTS
    loops.py        loops, their `llvm.loop` hints and access groups, `Loop` keys
    reductions.py   float sums in fixed lanes (SUM_LANES), combines, column tiles
    matmul.py       BLAS gemm calls (`graphc_<s|d>gemm`, resolved by the JIT to scipy's
                    cython_blas) and plain-loop matmuls
    scalar.py       a rule per `graphc.scalar` primitive, checked for coverage at import
    values.py       LLVM types, constants, index arithmetic, casts
    vecmath*.py     exp, log, sin, ... as pure, vectorizable IR
"""

from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir

from graphc.codegen.kernel_ir import Kernel, structure_ids
from graphc.codegen.llvm.kernel import INLINE_MATH_MIN_ELEMENTS, KernelRenderer, code_size, inlines_math
from graphc.codegen.llvm.reductions import SUM_LANES
from graphc.codegen.llvm.values import I64, PTR, VOID, i64
from graphc.codegen.llvm.vecmath import keep_variants

__all__ = ["INLINE_MATH_MIN_ELEMENTS", "SUM_LANES", "Entry", "KernelRenderer", "RenderedModule", "code_size",
           "entries", "inlines_math", "module_text", "render_entry", "render_module", "split_parts"]


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
