"""Matrix multiplication: 2-D and batched (leading axes broadcast), plus 1-D operands as numpy does."""

from __future__ import annotations

import numpy as np

import graphc.ops.shape as shape_ops
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.common import as_nodes, broadcast_shapes
from graphc.ops.registry import Op, elements, make_node


def _matmul_infer(inputs, attrs):
    a, b = inputs
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeError("operands must be at least 2-d")
    if a.dtype != b.dtype:
        raise ShapeError(f"operand dtypes differ ({a.dtype} vs {b.dtype}): cast one of them")
    if a.dtype.kind == "b":
        raise ShapeError("bool matrices cannot be multiplied")
    k1, k2 = a.shape[-1], b.shape[-2]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError(f"inner dimensions differ: {k1} vs {k2}")
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return batch + (a.shape[-2], b.shape[-1]), a.dtype


def _swap_last(x: Node) -> Node:
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return shape_ops.transpose(x, perm)


def _matmul_vjp(y, g):
    a, b = y.inputs
    return [shape_ops.sum_to_like(matmul(g, _swap_last(b)), a),
            shape_ops.sum_to_like(matmul(_swap_last(a), g), b)]


def _matmul_jvp(y, tangents):
    (a, b), (ta, tb) = y.inputs, tangents
    terms = [matmul(ta, b) if ta is not None else None, matmul(a, tb) if tb is not None else None]
    terms = [t for t in terms if t is not None]
    out = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return shape_ops.broadcast_like(out, y)


def _matmul_flops(y: Node) -> int | None:
    """2·M·N·K per batch entry: a multiply and an add for each of K terms of each output element."""
    out, k = elements(y.shape), y.inputs[0].shape[-1]
    return None if out is None or k is None else 2 * out * k


matmul_op = Op("matmul", "matmul", _matmul_infer, lambda attrs, a, b: np.matmul(a, b),
               vjp=_matmul_vjp, jvp=_matmul_jvp, doc="a @ b over the last two axes.", arity=2,
               flops=_matmul_flops)


def matmul(a, b, name: str | None = None) -> Node:
    """numpy.matmul: 1-d operands are promoted to a row / column and the added axis dropped."""
    a, b = as_nodes(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: scalar operands (shapes {a.shape} and {b.shape}); use * instead")
    squeeze = []
    if a.ndim == 1:
        a = shape_ops.expand_dims(a, 0)
        squeeze.append(-2)
    if b.ndim == 1:
        b = shape_ops.expand_dims(b, 1)
        squeeze.append(-1)
    out = make_node(matmul_op, (a, b), {}, name=None if squeeze else name)
    if squeeze:
        out = shape_ops.squeeze(out, [out.ndim + s for s in squeeze])
    return out
