"""Scalar expressions: what an elementwise op computes for one element, for code generators.

Each elementwise op gives a `scalar` rule that composes these primitives; the
fusion pass composes the rules of a whole group into one expression tree, and
each backend renders only the primitives below (LLVM IR, CUDA C), never ops.

    >>> x = Scalar.arg(0, np.dtype("float32"))
    >>> call("mul", x, call("exp", x))
    mul(exp(arg0))...
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphc import dtypes

# name -> arity; a renderer must implement every one of these.
PRIMITIVES: dict[str, int] = {
    # arithmetic
    "add": 2, "sub": 2, "mul": 2, "div": 2, "neg": 1, "max": 2, "min": 2, "abs": 1, "pow": 2,
    "floor": 1,
    # C's remainder, truncated (the sign of the dividend): fmod on floats, % on ints; exact, where
    # x - trunc(x/y)*y is not.  On ints "div" truncates too, as C's /; a zero divisor (and
    # INT_MIN by -1) is the op's scalar rule's to keep away: C leaves them undefined
    "rem": 2,
    # transcendental (backends vectorise these themselves)
    "exp": 1, "log": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1, "sqrt": 1,
    "log1p": 1, "expm1": 1, "erf": 1, "atan": 1,
    # comparisons give bool
    "lt": 2, "le": 2, "gt": 2, "ge": 2, "eq": 2, "ne": 2,
    # logic on bool
    "and": 2, "or": 2, "not": 1,
    # bits of integers (counter-based random numbers): shifts by a constant amount, and "shr" is
    # arithmetic on signed ints (numpy's right_shift), logical on unsigned ones
    "bitand": 2, "bitor": 2, "bitxor": 2, "shl": 2, "shr": 2,
    # select(cond, a, b), cast (value = target dtype)
    "select": 3, "cast": 1,
    # leaves: "arg" (value = input index), "const" (value = python number)
    "arg": 0, "const": 0,
}
# Expanded by the backends into a polynomial of a few dozen instructions (sqrt is one instruction).
VECTOR_MATH = frozenset({"exp", "log", "sin", "cos", "tanh", "sigmoid", "log1p", "expm1", "erf", "atan"})
VECTOR_MATH_SIZE = 40
REPR_LIMIT = 2000  # characters of one subexpression's text (a shared DAG printed as a tree is huge)
COMPARISONS = frozenset({"lt", "le", "gt", "ge", "eq", "ne"})
INTEGER_ONLY = frozenset({"bitand", "bitor", "bitxor", "shl", "shr"})  # a float has no bits to shift
# Storage dtypes: no primitive but cast, select and the leaves ever has one of these, so a renderer
# only converts them (to and from float32 registers; graphc.dtypes).
HALF = dtypes.HALF


class Scalar:
    """One node of an expression (immutable); an expression is a DAG (fusion shares subexpressions).

    Hashing and equality are by structure (kernels that compute the same thing compile
    once), but never recursive: a fused chain can be thousands of nodes deep, and a
    shared DAG walked as a tree is exponentially large.  The hash is computed once, from
    the children's, and equality walks each pair of nodes once.  A plain class with slots:
    lowering builds tens of thousands of these, and a frozen dataclass took 4x as long.
    """

    __slots__ = ("op", "args", "dtype", "value", "_hash")

    def __init__(self, op: str, args: tuple[Scalar, ...], dtype: np.dtype, value: Any = None):
        self.op = op
        self.args = args
        self.dtype = dtype
        self.value = value
        nan = value != value  # NaN != NaN, but two NaN constants are the same expression
        self._hash = hash((op, tuple([a._hash for a in args]), dtype, "nan" if nan else value))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        pending, seen = [(self, other)], set()
        while pending:
            a, b = pending.pop()
            if a is b or (id(a), id(b)) in seen:
                continue
            if (a._hash != b._hash or a.op != b.op or a.dtype != b.dtype or len(a.args) != len(b.args)
                    or not _same_value(a.value, b.value)):
                return False
            seen.add((id(a), id(b)))
            pending.extend(zip(a.args, b.args))
        return True

    @staticmethod
    def arg(index: int, dtype) -> Scalar:
        return Scalar("arg", (), np.dtype(dtype), index)

    def __repr__(self) -> str:
        text: dict[int, str] = {}
        for e in postorder(self):
            if e.op == "arg":
                t = f"arg{e.value}"
            elif e.op == "const":
                t = repr(e.value)
            else:
                extra = f", {e.value}" if e.op in ("cast", "gather") else ""
                t = f"{e.op}({', '.join(text[id(a)] for a in e.args)}{extra})"
            text[id(e)] = t if len(t) <= REPR_LIMIT else t[:REPR_LIMIT] + "..."
        return text[id(self)]


def _same_value(a, b) -> bool:
    return a == b or (a != a and b != b)  # NaN constants are the same constant


def postorder(expr: Scalar, known=()) -> list[Scalar]:
    """The distinct nodes of `expr`, each after its arguments, without descending into `known` ids.

    Iterative, so that walkers over deep expressions (a fused chain of thousands of ops)
    never meet Python's recursion limit, and each shared node is listed once.
    """
    order: list[Scalar] = []
    visited = set(known)
    stack = [(expr, False)]
    while stack:
        e, expanded = stack.pop()
        if expanded:
            order.append(e)
            continue
        if id(e) in visited:
            continue
        visited.add(id(e))
        stack.append((e, True))
        stack.extend((a, False) for a in reversed(e.args) if id(a) not in visited)
    return order


def node_size(e: Scalar, math_size: int = VECTOR_MATH_SIZE) -> int:
    """About how many instructions one node becomes (a vectorized math function: dozens inlined,
    `math_size`)."""
    return math_size if e.op in VECTOR_MATH else 1


def body_size(expr: Scalar) -> int:
    """About how many instructions `expr` becomes: what a kernel's size is judged by."""
    return sum(node_size(e) for e in postorder(expr) if e.op not in ("arg", "const"))


def const(value, dtype) -> Scalar:
    dtype = np.dtype(dtype)
    return Scalar("const", (), dtype, dtype.type(value).item())


def cast(x: Scalar, dtype) -> Scalar:
    dtype = np.dtype(dtype)
    return x if x.dtype == dtype else Scalar("cast", (x,), dtype, dtype)


def call(op: str, *args: Scalar) -> Scalar:
    """Apply a primitive; operands of mixed dtypes are cast to the first float/ widest one."""
    if PRIMITIVES.get(op) != len(args):
        raise ValueError(f"scalar primitive {op}/{len(args)} does not exist")
    if op == "select":
        cond, a, b = args
        dtype = np.result_type(a.dtype, b.dtype)
        return Scalar(op, (cast(cond, np.bool_), cast(a, dtype), cast(b, dtype)), dtype)
    dtype = np.result_type(*(a.dtype for a in args))
    if op in INTEGER_ONLY and dtype.kind not in "iu":
        raise ValueError(f"scalar primitive {op} takes integers, not {dtype}")
    if dtype in HALF:  # a storage dtype: computed in float32, the result rounded as numpy rounds it
        result = call(op, *(cast(a, np.float32) for a in args))
        return result if op in COMPARISONS else cast(result, dtype)
    args = tuple(cast(a, dtype) for a in args)
    out = np.dtype(np.bool_) if op in COMPARISONS else dtype
    return Scalar(op, args, out)


def gathered(operand: int, index: Scalar, dtype) -> Scalar:
    """A kernel's indirect read: operand `operand` (a `Gather` of codegen.kernel_ir) at `index`
    (an int64 expression).  A leaf of kernel expressions, like `arg`, rather than a primitive:
    only a kernel, which has buffers, can evaluate it."""
    return Scalar("gather", (cast(index, np.int64),), np.dtype(dtype), operand)


def substitute(expr: Scalar, args: list[Scalar]) -> Scalar:
    """Replace `arg i` leaves by `args[i]`: how fusion composes one op's expression into the next."""
    new: dict[int, Scalar] = {}
    for e in postorder(expr):
        if e.op == "arg":
            new[id(e)] = cast(args[e.value], e.dtype)
        else:
            new[id(e)] = Scalar(e.op, tuple(new[id(a)] for a in e.args), e.dtype, e.value)
    return new[id(expr)]


def _divide(a, b):
    """The "div" primitive: true division of floats, C's truncating division of ints."""
    a, b = np.asarray(a), np.asarray(b)
    if np.result_type(a, b).kind not in "iu":
        return np.divide(a, b)
    quotient = np.floor_divide(a, b)
    inexact_negative = (quotient * b != a) & ((a < 0) != (b < 0))
    return quotient + inexact_negative.astype(quotient.dtype)  # floor rounds down, C's / toward zero


def erf(x):
    """scipy's error function, which graphc imports when first asked: scipy.special is a tenth of a
    second of `import graphc`, and most graphs have no erf."""
    import scipy.special

    return scipy.special.erf(x)


def evaluate(expr: Scalar, args: list[np.ndarray]) -> np.ndarray:
    """Numpy evaluation of an expression: lets tests check every op's scalar rule against its compute."""
    fns = {
        "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": _divide, "neg": np.negative,
        "max": np.maximum, "min": np.minimum, "abs": np.abs, "pow": np.power, "floor": np.floor,
        "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "sqrt": np.sqrt, "log1p": np.log1p,
        "expm1": np.expm1, "erf": erf, "atan": np.arctan, "rem": np.fmod,
        "lt": np.less, "le": np.less_equal, "gt": np.greater,
        "ge": np.greater_equal, "eq": np.equal, "ne": np.not_equal, "and": np.logical_and,
        "or": np.logical_or, "not": np.logical_not, "select": np.where,
        "bitand": np.bitwise_and, "bitor": np.bitwise_or, "bitxor": np.bitwise_xor, "shl": np.left_shift,
        "shr": np.right_shift,
    }

    value: dict[int, Any] = {}
    for e in postorder(expr):
        if e.op == "arg":
            out = np.asarray(args[e.value]).astype(e.dtype, copy=False)
        elif e.op == "const":
            out = e.dtype.type(e.value)
        elif e.op == "cast":
            out = np.asarray(value[id(e.args[0])]).astype(e.value)
        else:
            with np.errstate(all="ignore"):
                out = np.asarray(fns[e.op](*(value[id(a)] for a in e.args))).astype(e.dtype, copy=False)
        value[id(e)] = out
    return value[id(expr)]
