"""Integer-array indexing: gather (`take`, `take_along_axis`, `x[idx]`) and its adjoint `scatter_add`.

Two ops carry all of it, each defined once:

    gather(x, idx)          out[pos] = x[pos with axis `axis` replaced by idx[...]]
    scatter_add(x, idx, u)  a copy of x with u added at the gathered places (numpy's add.at)

`along` picks how idx's axes meet x's: False is numpy's `take` (x.shape[:axis] + idx.shape +
x.shape[axis+1:]), True is `take_along_axis` (idx has x's rank; out has idx's shape).  Each is
the other's adjoint, so derivatives of any order are these two ops again.

An index counts from the end when negative, as numpy's; one out of [-n, n) is an error that the
function calling the graph raises after the run (`index_checks`, graphc/session.py), while the
kernels themselves clamp every index into the axis: generated code never reads or writes outside
a buffer, whatever the indices hold.
"""

from __future__ import annotations

import numpy as np

import graphc.ops.elementwise as ew
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.common import as_node, broadcast_shapes, normalize_axes
from graphc.ops.registry import Op, axis_fits_input, elements, make_node


def index_maps(x_ndim: int, idx_ndim: int, axis: int, along: bool) -> tuple[tuple, tuple]:
    """(for each axis of x its output axis, None for the indexed one; for each axis of idx its
    output axis): how a gather's loop position reads its two inputs."""
    if along:
        return tuple(None if i == axis else i for i in range(x_ndim)), tuple(range(idx_ndim))
    x_axes = tuple(i if i < axis else None if i == axis else i - 1 + idx_ndim for i in range(x_ndim))
    return x_axes, tuple(axis + j for j in range(idx_ndim))


def _same(a, b) -> bool:
    return a is None or b is None or a == b


def _gathered_shape(x: Node, idx: Node, attrs) -> tuple:
    axis, along = attrs["axis"], attrs["along"]
    if idx.dtype.kind not in "iu":
        raise ShapeError(f"indices must be integers, got {idx.dtype}")
    if not 0 <= axis < x.ndim:
        raise ShapeError(f"axis {axis} out of range for a {x.ndim}-d operand")
    if x.shape[axis] == 0 and elements(idx.shape) != 0:
        raise ShapeError(f"cannot take indices from the empty axis {axis}")
    if not along:
        return x.shape[:axis] + idx.shape + x.shape[axis + 1:]
    if idx.ndim != x.ndim or not all(_same(a, b) for i, (a, b) in enumerate(zip(x.shape, idx.shape)) if i != axis):
        raise ShapeError(f"indices of shape {idx.shape} do not fit an operand of shape {x.shape} "
                         f"outside axis {axis}")
    return idx.shape


def _normalized(idx: np.ndarray, n: int) -> np.ndarray:
    """Indices counted from the end made positive and clamped into [0, n): what the kernels read
    (an index out of range is reported by the run's index checks, never read)."""
    i = idx.astype(np.int64)
    return np.clip(np.where(i < 0, i + n, i), 0, max(n - 1, 0))


def _gather(attrs, x, idx):
    axis = attrs["axis"]
    i = _normalized(idx, x.shape[axis])
    return np.take_along_axis(x, i, axis) if attrs["along"] else np.take(x, i, axis)


def _add_at(attrs, x, idx, u):
    axis = attrs["axis"]
    out = np.array(x, copy=True)
    i = _normalized(idx, x.shape[axis])
    if attrs["along"]:
        grid = np.indices(i.shape, sparse=True)
        where = tuple(i if d == axis else grid[d] for d in range(x.ndim))
    else:
        where = (slice(None),) * axis + (i,)
    np.add.at(out, where, u)
    return out


def _gather_infer(inputs, attrs):
    x, idx = inputs
    return _gathered_shape(x, idx, attrs), x.dtype


def _gather_at(node: Node, value_of, index_of) -> S.Scalar:
    """Op.index_scalar: the index read where the loop is, then x read at it (an indirect load)."""
    x, idx = node.inputs
    x_axes, idx_axes = index_maps(x.ndim, idx.ndim, node.attrs["axis"], node.attrs["along"])
    index = S.cast(value_of(idx, idx_axes), np.int64)
    return value_of(x, x_axes, at={node.attrs["axis"]: index})


def _gather_vjp(y: Node, g: Node):
    x, idx = y.inputs
    return [make_node(scatter_add_op, (ew.zeros_like(x), idx, g), y.attrs), None]


def _gather_jvp(y: Node, t):
    return None if t[0] is None else make_node(gather_op, (t[0], y.inputs[1]), y.attrs)


def _checked_indices(node: Node) -> tuple[int, int | None]:
    """Op.checked_indices: (which input holds indices, the size of the axis they index)."""
    return 1, node.inputs[0].shape[node.attrs["axis"]]


gather_op = Op("gather", "index", _gather_infer, _gather, vjp=_gather_vjp, jvp=_gather_jvp,
               doc="x read at integer indices along one axis (numpy take / take_along_axis).",
               arity=2, attributes={"axis": "count", "along": "bool"}, index_scalar=_gather_at,
               gathers=(0,), checked_indices=_checked_indices, attrs_fit=axis_fits_input)


def _scatter_infer(inputs, attrs):
    x, idx, u = inputs
    expected = _gathered_shape(x, idx, attrs)
    if len(u.shape) != len(expected) or not all(_same(a, b) for a, b in zip(u.shape, expected)):
        raise ShapeError(f"updates of shape {u.shape} do not fit the indexed places {expected}")
    if x.dtype.kind == "b":
        raise ShapeError("scatter_add adds numbers: a bool operand has no sum (cast it first)")
    if u.dtype != x.dtype:
        raise ShapeError(f"updates of dtype {u.dtype} added into {x.dtype}")
    return x.shape, x.dtype


def _scatter_vjp(y: Node, g: Node):
    return [g, None, make_node(gather_op, (g, y.inputs[1]), y.attrs)]


def _scatter_jvp(y: Node, t):
    tx, _, tu = t
    if tu is None:
        return tx
    x, idx, _ = y.inputs
    return make_node(scatter_add_op, (ew.zeros_like(x) if tx is None else tx, idx, tu), y.attrs)


def _indexed_add(node: Node) -> tuple[tuple, tuple]:
    """Op.indexed_add: (target axes, index axes) over a loop across the updates' shape."""
    x, idx, _ = node.inputs
    return index_maps(x.ndim, idx.ndim, node.attrs["axis"], node.attrs["along"])


scatter_add_op = Op("scatter_add", "index", _scatter_infer, _add_at, vjp=_scatter_vjp, jvp=_scatter_jvp,
                    doc="A copy of x with updates added at integer indices (numpy add.at).",
                    arity=3, attributes={"axis": "count", "along": "bool"},
                    flops=lambda node: elements(node.inputs[2].shape),
                    indexed_add=_indexed_add, checked_indices=_checked_indices, attrs_fit=axis_fits_input)


# ---- the public functions ---------------------------------------------------------------------


def as_indices(indices) -> Node:
    """A graph tensor of integers, or a numpy/python integer array made a constant; a boolean mask
    is refused here, since its result's shape would depend on the data."""
    if not isinstance(indices, Node):
        array = np.asarray(indices)
        if array.dtype.kind == "b":
            raise ShapeError(_MASK_MESSAGE)
        if array.size == 0 and array.dtype.kind == "f":
            array = array.astype(np.int64)  # np.asarray([]) is float64: an empty list is no indices
        if array.dtype.kind not in "iu":
            raise ShapeError(f"indices must be integers, got {array.dtype}")
        indices = as_node(array)
    if indices.dtype.kind == "b":
        raise ShapeError(_MASK_MESSAGE)
    if indices.dtype.kind not in "iu":
        raise ShapeError(f"indices must be integers, got {indices.dtype}")
    return indices


def _constant_indices_fit(idx: Node, n: int | None) -> None:
    """Indices known now (a constant) out of [-n, n) are a ShapeError at the user's line, before any run."""
    from graphc.ops.source import constant_op

    if idx.op is not constant_op or n is None or idx.attrs["value"].size == 0:
        return
    values = idx.attrs["value"]
    if values.min() < -n or values.max() >= n:
        bad = values[(values < -n) | (values >= n)]
        raise ShapeError(f"index {int(bad.flat[0])} is out of bounds for an axis of size {n} "
                         f"(valid: {-n} to {n - 1})")


_MASK_MESSAGE = ("boolean mask indexing x[mask] has a shape that depends on the data, which a compiled "
                 "graph cannot have: use gc.where(mask, x, 0) (or a masked sum) instead")


def take(x, indices, axis: int | None = None, name: str | None = None) -> Node:
    """numpy.take: x's elements at `indices` along `axis`; axis None indexes the flattened x."""
    from graphc.ops.shape import reshape

    x, idx = as_node(x), as_indices(indices)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    (axis,) = normalize_axes(axis, x.ndim)
    _constant_indices_fit(idx, x.shape[axis])
    return make_node(gather_op, (x, idx), {"axis": axis, "along": False}, name=name)


def _along_operands(x: Node, idx: Node, axis: int) -> tuple[Node, Node]:
    """x and idx broadcast against each other on every axis but `axis` (numpy take_along_axis)."""
    from graphc.ops.shape import broadcast_to

    if idx.ndim != x.ndim:
        raise ShapeError(f"indices of rank {idx.ndim} for an operand of rank {x.ndim}: take_along_axis "
                         f"needs the same rank")
    rest = broadcast_shapes(tuple(d for i, d in enumerate(x.shape) if i != axis),
                            tuple(d for i, d in enumerate(idx.shape) if i != axis))
    x_shape = rest[:axis] + (x.shape[axis],) + rest[axis:]
    idx_shape = rest[:axis] + (idx.shape[axis],) + rest[axis:]
    if x.shape != x_shape:
        x = broadcast_to(x, x_shape)
    if idx.shape != idx_shape:
        idx = broadcast_to(idx, idx_shape)
    return x, idx


def take_along_axis(x, indices, axis: int, name: str | None = None) -> Node:
    """numpy.take_along_axis: out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis`."""
    x, idx = as_node(x), as_indices(indices)
    if axis is None:
        raise ShapeError("take_along_axis needs an axis (numpy's axis=None flattens: use take)")
    (axis,) = normalize_axes(axis, x.ndim)
    _constant_indices_fit(idx, x.shape[axis])
    x, idx = _along_operands(x, idx, axis)
    return make_node(gather_op, (x, idx), {"axis": axis, "along": True}, name=name)


def scatter_add(x, indices, updates, axis: int = 0, name: str | None = None) -> Node:
    """numpy `np.add.at(copy_of_x, (slice(None),) * axis + (indices,), updates)` as a new tensor:
    repeated indices add up.  `updates` broadcasts to x.shape[:axis] + indices.shape +
    x.shape[axis+1:]; it is the adjoint of `take(x, indices, axis)`."""
    from graphc.ops.shape import broadcast_like, broadcast_to

    x, idx = as_node(x), as_indices(indices)
    (axis,) = normalize_axes(axis, x.ndim)
    _constant_indices_fit(idx, x.shape[axis])
    u = as_node(updates, like=x)
    if u.dtype != x.dtype:
        u = ew.cast(u, x.dtype)
    places = _gathered_shape(x, idx, {"axis": axis, "along": False})
    if u.shape != places:
        try:
            fits = len(u.shape) <= len(places) and broadcast_shapes(u.shape, places) == places
        except ShapeError:
            fits = False
        if not fits:
            raise ShapeError(f"updates of shape {u.shape} do not broadcast to the indexed places {places}")
        if None in places:  # a feed-time size: the shape of the gathered places, read for its shape only
            u = broadcast_like(u, make_node(gather_op, (x, idx), {"axis": axis, "along": False}))
        else:
            u = broadcast_to(u, places)
    return make_node(scatter_add_op, (x, idx, u), {"axis": axis, "along": False}, name=name)


def _is_array_index(k) -> bool:
    return isinstance(k, (Node, list, np.ndarray))


def getitem(x: Node, key) -> Node:
    """numpy indexing: ints, slices, None, one Ellipsis and at most one integer array (a graph tensor
    or a numpy/python array of integers), placed as numpy places it: where the array stands, or
    first when ints and the array are separated by a slice or None."""
    from graphc.ops.shape import getitem as basic_getitem
    from graphc.ops.shape import transpose

    x = as_node(x)
    key = key if isinstance(key, tuple) else (key,)
    arrays = [j for j, k in enumerate(key) if _is_array_index(k)]
    if not arrays:
        return basic_getitem(x, key)
    indices = [as_indices(key[j]) for j in arrays]  # a boolean mask is refused here
    if len(arrays) > 1:
        raise ShapeError(f"{len(arrays)} integer-array indices in one subscript: graphc takes one (its dims "
                         f"land where numpy puts them); combine them with gc.take_along_axis or a flat index "
                         f"into gc.reshape(x, (-1,))")
    if any(k is Ellipsis for k in key):
        e = next(j for j, k in enumerate(key) if k is Ellipsis)
        used = sum(1 for k in key if k is not None and k is not Ellipsis)
        key = key[:e] + (slice(None),) * max(x.ndim - used, 0) + key[e + 1:]
    where = next(j for j, k in enumerate(key) if _is_array_index(k))
    sliced = basic_getitem(x, key[:where] + (slice(None),) + key[where + 1:])
    axis = sum(1 for k in key[:where] if k is None or isinstance(k, slice))
    out = take(sliced, indices[0], axis=axis)
    advanced = [j for j, k in enumerate(key) if j == where or isinstance(k, (int, np.integer))]
    if advanced[-1] - advanced[0] + 1 != len(advanced) and axis:
        n = indices[0].ndim
        moved = list(range(axis, axis + n))
        out = transpose(out, moved + [a for a in range(out.ndim) if a not in moved])
    return out


__all__ = ["take", "take_along_axis", "scatter_add", "getitem"]
