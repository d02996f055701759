"""Helpers shared by the op families: converting Python values, broadcasting, axes."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node


def as_node(value, like: Node | None = None) -> Node:
    """A Node for `value`; a bare Python number takes `like`'s dtype (weak typing, as in JAX).

    So ``x * 0.5`` stays float32 when x is float32, instead of promoting to float64.
    """
    if isinstance(value, Node):
        return value
    from graphc.ops.source import constant

    if isinstance(value, (bool, np.bool_)):
        return constant(value, dtypes.bool_)
    if isinstance(value, numbers.Number) and like is not None:
        if isinstance(value, numbers.Integral) or dtypes.is_float(like.dtype):
            dtype = like.dtype if like.dtype.kind != "b" else None
            return constant(value, dtype)
        return constant(value, dtypes.float32 if like.dtype != dtypes.int64 else dtypes.float64)
    if isinstance(value, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return constant(value)
    raise GraphcError(f"cannot use {type(value).__name__} as a graph value")


def as_nodes(*values) -> list[Node]:
    """Convert operands together, so Python numbers take the dtype of a tensor among them."""
    for v in values:
        if not isinstance(v, Node):
            break
    else:
        return list(values)  # nodes already: most calls (a gradient makes one per adjoint node)
    like = next((v for v in values if isinstance(v, Node)), None)
    return [as_node(v, like) for v in values]


def broadcast_shapes(*shapes: Sequence) -> tuple:
    """Numpy broadcasting where None is a size known only at feed time."""
    first = shapes[0] if shapes else ()
    if shapes.count(first) == len(shapes):  # most operands have one shape: no axis to compare
        if type(first) is tuple and 1 not in first:
            return first  # already the answer: most shape rules of the nodes built are this one
        return tuple([1 if d == 1 else d for d in first])  # the literal 1, as the general case makes it
    if len(shapes) <= 3:  # two operands, or where's three: folded pairwise, with the same sizes
        out = _broadcast_pair(shapes[0], shapes[1])
        if out is not None and len(shapes) == 3:
            out = _broadcast_pair(out, shapes[2])
        if out is not None:
            return out
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for axis in range(-ndim, 0):
        dims = [s[axis] for s in shapes if len(s) >= -axis]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ShapeError(f"shapes {' and '.join(map(_fmt, shapes))} cannot be broadcast together "
                             f"(axis {axis}: sizes {sorted(known)})")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def _broadcast_pair(a: Sequence, b: Sequence) -> tuple | None:
    """`broadcast_shapes(a, b)` without a set per axis (a gradient's shape rules ask it of most nodes), or
    None when the sizes clash (the general case says how).  Each axis takes, as the general case does,
    the first size of a or b that is neither 1 nor None, else None if either is None, else the literal 1;
    the first: a size can equal another of another type (np.int64(3) == 3)."""
    la, lb = len(a), len(b)
    shared = la if la < lb else lb
    out = [d if d is None or d != 1 else 1 for d in (a[:la - lb] if la > lb else b[:lb - la])]
    for x, y in zip(a[la - shared:], b[lb - shared:]):
        if x is not None and x != 1:
            if y is not None and y != 1 and y != x:
                return None
            out.append(x)
        elif y is not None and y != 1:
            out.append(y)
        else:
            out.append(None if x is None or y is None else 1)
    return tuple(out)


def _fmt(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def normalize_axes(axis, ndim: int) -> tuple[int, ...]:
    """Axis argument (None, int or sequence, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            raise ShapeError(f"axis {a} is out of range for a {ndim}-d operand")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ShapeError(f"repeated axis in {axis}")
    return tuple(sorted(out))


def same_static_shape(a: Sequence, b: Sequence) -> bool:
    return tuple(a) == tuple(b) and all(d is not None for d in a)
