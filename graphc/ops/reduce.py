"""Reductions: sum, max, min over axes (mean is sum / count).

Each reduction carries the identity of its combining operation in `extra`, which
code generators use to initialise accumulators.
"""

from __future__ import annotations

import numpy as np

import graphc.ops.elementwise as ew
import graphc.ops.shape as shape_ops
from graphc import dtypes
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.common import as_nodes, normalize_axes
from graphc.ops.registry import Op, axes_fit_input, input_elements, make_node


def _reduce_infer(inputs, attrs):
    x = inputs[0]
    axes, keep = attrs["axes"], attrs["keepdims"]
    if any(a >= x.ndim for a in axes):
        raise ShapeError(f"axes {axes} out of range for a {x.ndim}-d operand")
    shape = tuple((1 if keep else None) if i in axes else d for i, d in enumerate(x.shape))
    shape = tuple(d for i, d in enumerate(shape) if keep or i not in axes)
    dtype = dtypes.int64 if x.dtype == dtypes.bool_ else x.dtype
    return shape, dtype


def reduced_axes(node: Node) -> tuple[tuple, tuple]:
    """A reduction over `axes` (Op.reduce_axes): those axes, and each input axis's output axis
    (None for the reduced ones, unless `keepdims` keeps them as size 1)."""
    axes, keep = node.attrs["axes"], node.attrs["keepdims"]
    where, k = [], 0
    for i in range(node.inputs[0].ndim):
        if i in axes and not keep:
            where.append(None)
        else:
            where.append(k)
            k += 1
    return tuple(axes), tuple(where)


def _keepdims(g: Node, y: Node) -> Node:
    """The reduced value with its reduced axes restored as size 1, ready to broadcast back."""
    if y.attrs["keepdims"] or not y.attrs["axes"]:
        return g
    return make_node(shape_ops.expand_dims_op, (g,), {"axes": y.attrs["axes"]})


def _sum_compute(attrs, x):
    dtype = dtypes.int64 if x.dtype == dtypes.bool_ else x.dtype
    return np.sum(x, axis=attrs["axes"], keepdims=attrs["keepdims"], dtype=dtype)


sum_op = Op("sum", "reduce", _reduce_infer, _sum_compute,
            vjp=lambda y, g: [shape_ops.broadcast_like(_keepdims(g, y), y.inputs[0])],
            jvp=lambda y, t: make_node(sum_op, (t[0],), y.attrs),
            extra={"combine": "add", "identity": 0.0}, reduce_axes=reduced_axes,
            arity=1, attributes={"axes": "axes", "keepdims": "bool"}, flops=input_elements, attrs_fit=axes_fit_input,
            infers_from_shapes=True)


def _extremum(name: str, np_fn, combine: str, identity: float) -> Op:
    def compute(attrs, x):
        if x.size == 0 and any(x.shape[a] == 0 for a in attrs["axes"]):
            raise ShapeError(f"{name}: reduction of an empty axis has no identity")
        return np_fn(x, axis=attrs["axes"], keepdims=attrs["keepdims"])

    def winners(y: Node) -> tuple[Node, Node]:
        """Where x attains the extremum (ties share the gradient equally, as in JAX), and how many do."""
        x = y.inputs[0]
        hit = ew.cast(ew.equal(x, shape_ops.broadcast_like(_keepdims(y, y), x)), x.dtype)
        count = make_node(sum_op, (hit,), {"axes": y.attrs["axes"], "keepdims": True})
        return hit, count

    def vjp(y, g):
        hit, count = winners(y)
        return [hit * shape_ops.broadcast_like(_keepdims(g, y) / count, y.inputs[0])]

    def jvp(y, t):
        hit, count = winners(y)
        share = make_node(sum_op, (t[0] * hit,), {"axes": y.attrs["axes"], "keepdims": True}) / count
        return share if y.attrs["keepdims"] else make_node(shape_ops.squeeze_op, (share,), {"axes": y.attrs["axes"]})

    return Op(name, "reduce", _reduce_infer, compute, vjp=vjp, jvp=jvp,
              extra={"combine": combine, "identity": identity}, reduce_axes=reduced_axes,
              arity=1, attributes={"axes": "axes", "keepdims": "bool"}, flops=input_elements,
              attrs_fit=axes_fit_input, infers_from_shapes=True)


max_op = _extremum("max", np.max, "max", -np.inf)
min_op = _extremum("min", np.min, "min", np.inf)


def _count_infer(inputs, attrs):
    return (), attrs["dtype"]


count_op = Op("count", "shape", _count_infer,
              lambda attrs, x: np.asarray(np.prod([x.shape[a] for a in attrs["axes"]]), attrs["dtype"]),
              vjp=lambda y, g: [None], jvp=lambda y, t: None, arity=1,
              attributes={"axes": "axes", "dtype": "dtype"}, shape_only=(0,), attrs_fit=axes_fit_input,
              doc="Number of elements over `axes` (a scalar): mean's divisor when sizes come at feed time.")


def _reduction(op: Op):
    def fn(x, axis=None, keepdims: bool = False, name: str | None = None) -> Node:
        (x,) = as_nodes(x)
        return make_node(op, (x,), {"axes": normalize_axes(axis, x.ndim), "keepdims": bool(keepdims)}, name=name)
    fn.__name__ = op.name
    fn.__doc__ = f"{op.name} over `axis` (None: all axes), like numpy's."
    return fn


sum = _reduction(sum_op)  # noqa: A001
max = _reduction(max_op)  # noqa: A001
min = _reduction(min_op)  # noqa: A001


def mean(x, axis=None, keepdims: bool = False, name: str | None = None) -> Node:
    (x,) = as_nodes(x)
    if not dtypes.is_float(x.dtype):
        x = ew.cast(x, dtypes.float32)
    axes = normalize_axes(axis, x.ndim)
    total = sum(x, axes, keepdims)
    dims = [x.shape[a] for a in axes]
    if all(d is not None for d in dims):
        n = float(np.prod(dims))
        return total * (1.0 / n) if n else total / n
    return ew.divide(total, make_node(count_op, (x,), {"axes": axes, "dtype": x.dtype}), name=name)
