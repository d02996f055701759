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


def _shared(x: Node, y: Node) -> bool:
    """Whether operand `x` of the batched product `y` is one matrix for every batch entry (its leading
    axes absent or 1) while `y` has a batch: its gradient is then a sum over the batch."""
    return y.ndim > 2 and all(d == 1 for d in x.shape[:-2])


def _batch_first(x: Node, axis: int) -> Node:
    """x's `axis` (one of the last two) made the first, the other axes keeping their order:
    (..., M, N) -> (M, ..., N) for axis -2, so that the batch can then be folded into the columns."""
    axis %= x.ndim
    return shape_ops.transpose(x, (axis,) + tuple(i for i in range(x.ndim) if i != axis))


def _gradient_of_shared_right(a: Node, g: Node, b: Node) -> Node:
    """dL/db = sum over the batch of a_i^T g_i, as ONE (K, N) matmul with the batch folded into the rows:
    (B·M, K)^T @ (B·M, N).  The per-entry products (B, K, N) before their sum would be a batch times
    the weight's size, the largest temporary of a transformer's MLP backward (one gemm is faster too)."""
    rows_a = shape_ops.reshape(a, (-1, a.shape[-1]))
    rows_g = shape_ops.reshape(g, (-1, g.shape[-1]))
    return shape_ops.reshape_like(matmul(_swap_last(rows_a), rows_g), b)


def _gradient_of_shared_left(a: Node, g: Node, b: Node) -> Node:
    """dL/da for a shared `a` (M, K): sum over the batch of g_i b_i^T, the batch folded into the
    contracted axis: (M, B·N) @ (B·N, K), instead of (B, M, K) per-entry products."""
    m, k = a.shape[-2], a.shape[-1]
    cols_g = shape_ops.reshape(_batch_first(g, -2), (m, -1))
    cols_b = shape_ops.reshape(_batch_first(b, -2), (k, -1))
    return shape_ops.reshape_like(matmul(cols_g, _swap_last(cols_b)), a)


def _matmul_vjp(y, g):
    """The batched product's adjoints; an operand shared by the whole batch gets its summed gradient from
    one folded matmul (static contraction sizes needed to fold; otherwise per entry, then summed)."""
    a, b = y.inputs
    if _shared(a, y) and a.shape[-2] is not None and a.shape[-1] is not None:
        grad_a = _gradient_of_shared_left(a, g, b)
    else:
        grad_a = shape_ops.sum_to_like(matmul(g, _swap_last(b)), a)
    if _shared(b, y) and a.shape[-1] is not None and g.shape[-1] is not None:
        grad_b = _gradient_of_shared_right(a, g, b)
    else:
        grad_b = shape_ops.sum_to_like(matmul(_swap_last(a), g), b)
    return [grad_a, grad_b]


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
               flops=_matmul_flops, infers_from_shapes=True)


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
