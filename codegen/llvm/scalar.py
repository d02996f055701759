"""LLVM IR for every `graphc.scalar` primitive: a table of rules, checked against PRIMITIVES at import.

A rule is `rule(r, e, args) -> ir.Value`: `r` the kernel renderer (its builder, and its
intrinsics and math functions), `e` the Scalar node, `args` its operands' values, already
emitted.  Whether an op is the float or the integer instruction is decided by its first
operand's dtype; bools are i1 (i8 in memory).  `ExprEmitter` walks an expression tree and
emits each distinct node once per loop body.

    >>> ExprEmitter(renderer)(call("exp", Scalar.arg(0, np.dtype("float32"))))
    # %.7 = load float ...; %.8 = call float @graphc.vecmath.exp.f32(float %.7)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from llvmlite import ir

from graphc.codegen.llvm.values import F64, cast, constant
from graphc.codegen.llvm.vecmath import emit_math
from graphc.scalar import PRIMITIVES, VECTOR_MATH, Scalar, postorder

Rule = Callable[..., ir.Value]  # (renderer, node, operand values) -> value


def _floaty(e: Scalar) -> bool:
    return np.dtype(e.args[0].dtype).kind == "f"


def _arithmetic(float_op: str, int_op: str) -> Rule:
    """`fadd`-style instruction on floats, `add`-style on ints (`sdiv` for division, `neg` for negation)."""
    return lambda r, e, args: getattr(r.builder, float_op if _floaty(e) else int_op)(*args)


def _extremum(sym: str) -> Rule:
    """max (`>`) or min (`<`); on floats a NaN x wins, as numpy's maximum/minimum propagate NaN."""

    def rule(r, e, args):
        b, (x, y) = r.builder, args
        if _floaty(e):
            better = b.fcmp_ordered(sym, x, y)
            x_nan = b.fcmp_unordered("uno", x, x)
            return b.select(b.or_(better, x_nan), x, y)
        if np.dtype(e.dtype).kind == "b":
            return b.or_(x, y) if sym == ">" else b.and_(x, y)
        return b.select(b.icmp_signed(sym, x, y), x, y)

    return rule


def _division(float_op: str, signed_op: str, unsigned_op: str) -> Rule:
    """fdiv/frem on floats, sdiv/srem on signed ints, udiv/urem on unsigned ones and bools (C's / and %:
    truncating; a zero divisor never reaches them, the ops' scalar rules select a safe one)."""

    def rule(r, e, args):
        kind = np.dtype(e.args[0].dtype).kind
        return getattr(r.builder, float_op if kind == "f" else signed_op if kind == "i" else unsigned_op)(*args)

    return rule


def _abs(r, e, args):
    b, x = r.builder, args[0]
    if _floaty(e):
        return r.intrinsic("llvm.fabs", x.type, args)
    if np.dtype(e.dtype).kind == "b":
        return x
    return b.select(b.icmp_signed("<", x, ir.Constant(x.type, 0)), b.neg(x), x)


def _float_intrinsic(name: str) -> Rule:
    """floor and sqrt: LLVM intrinsics on floats; an integer is its own floor (and sqrt is cast to float first)."""
    return lambda r, e, args: r.intrinsic(f"llvm.{name}", args[0].type, args) if _floaty(e) else args[0]


def _pow(r, e, args):
    if _floaty(e):
        return r.intrinsic("llvm.pow", args[0].type, args)
    b = r.builder
    xd = [b.sitofp(a, F64) for a in args]
    return b.fptosi(r.intrinsic("llvm.pow", F64, xd), args[0].type)


def _math(name: str) -> Rule:
    """A `codegen.llvm.vecmath` function, inlined or called out of line as the kernel decides."""

    def rule(r, e, args):
        r.math_calls += 1
        return emit_math(r.builder, name, args[0], r.inline_math, r.math_lanes(args[0].type))

    return rule


def _compare(sym: str) -> Rule:
    """Ordered float compares (false on NaN) but for `!=` (true on NaN), as numpy; unsigned on bools."""

    def rule(r, e, args):
        b = r.builder
        if _floaty(e):
            return b.fcmp_unordered(sym, *args) if sym == "!=" else b.fcmp_ordered(sym, *args)
        if np.dtype(e.args[0].dtype).kind == "b":
            return b.icmp_unsigned(sym, *args)
        return b.icmp_signed(sym, *args)

    return rule


def _builder_op(name: str) -> Rule:
    return lambda r, e, args: getattr(r.builder, name)(*args)


def _shift_right(r, e, args):
    """Arithmetic on signed ints and logical on unsigned ones, as numpy's right_shift."""
    return (r.builder.ashr if np.dtype(e.dtype).kind == "i" else r.builder.lshr)(*args)


RULES: dict[str, Rule] = {
    "add": _arithmetic("fadd", "add"), "sub": _arithmetic("fsub", "sub"), "mul": _arithmetic("fmul", "mul"),
    "div": _division("fdiv", "sdiv", "udiv"), "rem": _division("frem", "srem", "urem"),
    "neg": _arithmetic("fneg", "neg"),
    "max": _extremum(">"), "min": _extremum("<"), "abs": _abs, "pow": _pow,
    "floor": _float_intrinsic("floor"), "sqrt": _float_intrinsic("sqrt"),
    **{name: _math(name) for name in sorted(VECTOR_MATH)},
    "lt": _compare("<"), "le": _compare("<="), "gt": _compare(">"), "ge": _compare(">="),
    "eq": _compare("=="), "ne": _compare("!="),
    "and": _builder_op("and_"), "or": _builder_op("or_"), "not": _builder_op("not_"), "select": _builder_op("select"),
    "bitand": _builder_op("and_"), "bitor": _builder_op("or_"), "bitxor": _builder_op("xor"),
    "shl": _builder_op("shl"), "shr": _shift_right,
    "cast": lambda r, e, args: cast(r.builder, args[0], np.dtype(e.args[0].dtype), np.dtype(e.value)),
}

_missing = set(PRIMITIVES) - {"arg", "const"} - set(RULES)
if _missing:
    raise ImportError(f"the LLVM renderer has no rule for scalar primitive(s) {sorted(_missing)}")


class ExprEmitter:
    """Renders scalar expressions at the renderer's builder position, memoised within one loop body.

    Leaves: `arg i` is the kernel's operand i (`r.operand_value`), loaded once per body;
    `const` is a constant; `gather` reads its `Gather` operand at its index (`r.gathered`).
    Every other node is `RULES[node.op]`.
    """

    def __init__(self, r):
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
        if e.op == "arg":
            if e.value not in self.operands:
                self.operands[e.value] = self.r.operand_value(e.value, self.offsets)
            return self.operands[e.value]
        if e.op == "const":
            return constant(e.value, e.dtype)
        if e.op == "gather":  # an indirect read of operand `value` at the (emitted) index
            return self.r.gathered(e.value, self.memo[id(e.args[0])], self.offsets)
        return RULES[e.op](self.r, e, [self.memo[id(a)] for a in e.args])
