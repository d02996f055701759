"""Calls in vecmath: a function's definition, inline or out of line with vector variants, and calls per lane.

A function is defined once per module and type: `inline_definition` (internal, `alwaysinline`,
flattened into the caller before vectorization), or `out_of_line` (`noinline readnone`, with
a `vector-function-abi-variant` per width, which the loop vectorizer calls in place of the
scalar function; `keep_variants` keeps the variants alive until it has).  `call_lanes` calls a
scalar function for the lanes of a vector that need it; `preserve_all` makes such a function
cheap to call from a vectorized loop.

    >>> out_of_line(module, "exp", kernel, ir.FloatType(), lanes=(8,)).name
    'graphc.vecmath.exp.f32.call'     # with variant graphc.vecmath.exp.v8f32.call
"""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir
from llvmlite.ir.values import FunctionAttributes

from graphc.codegen.llvm.vecmath_emitter import Emitter, type_suffix


def call_lanes(b: ir.IRBuilder, fn: ir.Function, x, flag, mask, default):
    """`default` with each lane where `mask` holds replaced by fn(that lane of x, flag); the mask is
    tested as a whole first, so the loop over the lanes runs only when one of them needs it."""
    lanes = x.type.count
    i32, bits = ir.IntType(32), ir.IntType(lanes)
    entry = b.block
    lane_bb, call_bb, next_bb, done = (b.function.append_basic_block(f"lanes.{n}")
                                       for n in ("loop", "call", "next", "done"))
    unlikely(b.cbranch(b.icmp_unsigned("!=", b.bitcast(mask, bits), bits(0)), lane_bb, done))
    b.position_at_end(lane_bb)
    lane, acc = b.phi(i32), b.phi(default.type)
    b.cbranch(b.extract_element(mask, lane), call_bb, next_bb)
    b.position_at_end(call_bb)
    acc_called = b.insert_element(acc, b.call(fn, [b.extract_element(x, lane), flag]), lane)
    b.branch(next_bb)
    b.position_at_end(next_bb)
    acc_next = b.phi(default.type)
    acc_next.add_incoming(acc, lane_bb)
    acc_next.add_incoming(acc_called, call_bb)
    lane_next = b.add(lane, i32(1))
    lane.add_incoming(i32(0), entry)
    lane.add_incoming(lane_next, next_bb)
    acc.add_incoming(default, entry)
    acc.add_incoming(acc_next, next_bb)
    loop = b.cbranch(b.icmp_unsigned("<", lane_next, i32(lanes)), lane_bb, done)
    _no_unrolling(loop)
    b.position_at_end(done)
    v = b.phi(default.type)
    v.add_incoming(default, entry)
    v.add_incoming(acc_next, next_bb)
    return v


def _no_unrolling(backedge) -> None:
    """A rarely run loop stays a loop: unrolled, it would only cost compile time."""
    module = backedge.parent.parent.module
    hint = module.add_metadata([ir.MetaDataString(module, "llvm.loop.unroll.disable")])
    loop_id = ir.values.MDValue(module, [hint], name=str(len(module.metadata)))
    loop_id.operands = (loop_id, hint)
    backedge.set_metadata("llvm.loop", loop_id)


def unlikely(branch) -> None:
    """Mark a conditional branch's true arm as rarely taken (block layout keeps the other one straight)."""
    module = branch.parent.parent.module
    branch.set_metadata("prof", module.add_metadata([ir.MetaDataString(module, "branch_weights"),
                                                     ir.Constant(ir.IntType(32), 1),
                                                     ir.Constant(ir.IntType(32), 1 << 20)]))


def preserve_all(module: ir.Module, fty: ir.FunctionType, name: str) -> ir.Function:
    """An internal function that keeps every register but its result (`preserve_allcc`): a loop
    calling it spills nothing around the call, which is what makes a call per vector cheap."""
    fn = ir.Function(module, fty, name)
    fn.linkage = "internal"
    fn.calling_convention = "preserve_allcc"
    for attribute in ("noinline", "nounwind", "readnone"):
        fn.attributes.add(attribute)
    return fn


def _define(module: ir.Module, fname: str, kernel: Callable, ty: ir.Type, inline: bool) -> ir.Function:
    """`ty fname(ty x)` returning `kernel(Emitter, x)`: alwaysinline, or out of line and readnone."""
    fn = ir.Function(module, ir.FunctionType(ty, [ty]), fname)
    fn.linkage = "internal"
    if inline:
        fn.attributes.add("alwaysinline")
    else:
        fn.attributes = CallableAttributes()
        fn.attributes.add("noinline")
        fn.attributes.add("readnone")  # no memory access: a loop calling it can still vectorize
    fn.attributes.add("nounwind")
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    builder.ret(kernel(Emitter(builder, ty), fn.args[0]))
    return fn


def inline_definition(module: ir.Module, name: str, kernel: Callable, ty: ir.Type) -> ir.Function:
    """The module's internal alwaysinline definition of `name` (computed by `kernel`) for `ty`, created on first use."""
    fname = f"graphc.vecmath.{name}.{type_suffix(ty)}"
    return module.globals.get(fname) or _define(module, fname, kernel, ty, inline=True)


class CallableAttributes(FunctionAttributes):
    """Function attributes that also take LLVM string attributes (`"key"="value"`)."""

    def add(self, name):
        if name.startswith('"'):
            return set.add(self, name)
        return super().add(name)


def out_of_line(module: ir.Module, name: str, kernel: Callable, ty: ir.Type, lanes: tuple[int, ...]) -> ir.Function:
    """The module's out-of-line definition of `name` (computed by `kernel`) for `ty`, with a vector
    variant for each width in `lanes` (scalar `ty` only), created on first use.

    The variants are announced by the `vector-function-abi-variant` attribute, so the loop
    vectorizer replaces a scalar call by a call of the variant of its width; `keep_variants`
    keeps them alive until it has run (nothing calls them before).
    """
    fname = f"graphc.vecmath.{name}.{type_suffix(ty)}.call"
    fn = module.globals.get(fname)
    if fn is not None:
        return fn
    fn = _define(module, fname, kernel, ty, inline=False)
    if not isinstance(ty, ir.VectorType) and lanes:
        mangled = []
        for n in sorted(set(lanes)):
            vector = ir.VectorType(ty, n)
            variant = out_of_line(module, name, kernel, vector, ())
            mangled.append(f"_ZGV_LLVM_N{n}v_{fname}({variant.name})")
        fn.attributes.add(f'"vector-function-abi-variant"="{",".join(mangled)}"')
    return fn


def keep_variants(module: ir.Module) -> None:
    """List the module's out-of-line vector functions in `llvm.compiler.used`: until the loop vectorizer
    calls them, nothing does, and the optimizer would delete them first.  Call once, after the last
    `emit_math` into the module."""
    variants = [f for f in module.functions
                if f.name.startswith("graphc.vecmath.") and f.name.endswith(".call")
                and isinstance(f.ftype.return_type, ir.VectorType)]
    if not variants:
        return
    ptr = ir.PointerType()
    used = ir.GlobalVariable(module, ir.ArrayType(ptr, len(variants)), "llvm.compiler.used")
    used.linkage = "appending"
    used.section = "llvm.metadata"
    used.initializer = ir.Constant(ir.ArrayType(ptr, len(variants)),
                                   [ir.FormattedConstant(ptr, f.get_reference()) for f in variants])
