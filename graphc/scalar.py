"""Scalar expressions: what an elementwise op computes for one element, for code generators.

Each elementwise op gives a `scalar` rule that composes these primitives; the
fusion pass composes the rules of a whole group into one expression tree, and
each backend renders only the primitives below (LLVM IR, CUDA C), never ops.

    >>> x = Scalar.arg(0, np.dtype("float32"))
    >>> call("mul", x, call("exp", x))
    mul(exp(arg0))...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# name -> arity; a renderer must implement every one of these.
PRIMITIVES: dict[str, int] = {
    # arithmetic
    "add": 2, "sub": 2, "mul": 2, "div": 2, "neg": 1, "max": 2, "min": 2, "abs": 1, "pow": 2,
    "floor": 1,
    # transcendental (backends vectorise these themselves)
    "exp": 1, "log": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1, "sqrt": 1,
    "log1p": 1, "expm1": 1,
    # comparisons give bool
    "lt": 2, "le": 2, "gt": 2, "ge": 2, "eq": 2, "ne": 2,
    # logic on bool
    "and": 2, "or": 2, "not": 1,
    # select(cond, a, b), cast (value = target dtype)
    "select": 3, "cast": 1,
    # leaves: "arg" (value = input index), "const" (value = python number)
    "arg": 0, "const": 0,
}
COMPARISONS = frozenset({"lt", "le", "gt", "ge", "eq", "ne"})


@dataclass(frozen=True)
class Scalar:
    op: str
    args: tuple[Scalar, ...]
    dtype: np.dtype
    value: Any = None

    @staticmethod
    def arg(index: int, dtype) -> Scalar:
        return Scalar("arg", (), np.dtype(dtype), index)

    def __repr__(self) -> str:
        if self.op == "arg":
            return f"arg{self.value}"
        if self.op == "const":
            return repr(self.value)
        inner = ", ".join(map(repr, self.args))
        extra = f", {self.value}" if self.op == "cast" else ""
        return f"{self.op}({inner}{extra})"


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
    args = tuple(cast(a, dtype) for a in args)
    out = np.dtype(np.bool_) if op in COMPARISONS else dtype
    return Scalar(op, args, out)


def substitute(expr: Scalar, args: list[Scalar]) -> Scalar:
    """Replace `arg i` leaves by `args[i]`: how fusion composes one op's expression into the next."""
    memo: dict[int, Scalar] = {}

    def walk(e: Scalar) -> Scalar:
        key = id(e)
        if key not in memo:
            if e.op == "arg":
                memo[key] = cast(args[e.value], e.dtype)
            else:
                memo[key] = Scalar(e.op, tuple(walk(a) for a in e.args), e.dtype, e.value)
        return memo[key]

    return walk(expr)


def evaluate(expr: Scalar, args: list[np.ndarray]) -> np.ndarray:
    """Numpy evaluation of an expression: lets tests check every op's scalar rule against its compute."""
    fns = {
        "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "neg": np.negative,
        "max": np.maximum, "min": np.minimum, "abs": np.abs, "pow": np.power, "floor": np.floor,
        "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "sqrt": np.sqrt, "log1p": np.log1p,
        "expm1": np.expm1, "lt": np.less, "le": np.less_equal, "gt": np.greater,
        "ge": np.greater_equal, "eq": np.equal, "ne": np.not_equal, "and": np.logical_and,
        "or": np.logical_or, "not": np.logical_not, "select": np.where,
    }

    def walk(e: Scalar):
        if e.op == "arg":
            return np.asarray(args[e.value]).astype(e.dtype, copy=False)
        if e.op == "const":
            return e.dtype.type(e.value)
        vals = [walk(a) for a in e.args]
        if e.op == "cast":
            return np.asarray(vals[0]).astype(e.value)
        with np.errstate(all="ignore"):
            return np.asarray(fns[e.op](*vals)).astype(e.dtype, copy=False)

    return walk(expr)
