"""Elementwise ops of a product made in row blocks, made per block: each block's gemm keeps its epilogue.

`matmul_pieces.row_blocks_of_columns_product` makes conv2d's product as `concatenate([block @ w, ...],
axis 0)`; a layer's bias and activation (`relu(columns @ w + b)`, graphc/nn) then read the
concatenation, and the fusion pass, which folds a matmul's elementwise consumers into its gemm's
epilogue, finds none: a loop kernel over the whole output follows the gemms.  An elementwise op
acts on each row on its own, so with its other operands broadcast along the rows (a bias, a
constant) it is the concatenation of its blocks' results:

    relu(concatenate([p0, p1, ...], 0) + b)  ->  concatenate([relu(p0 + b), relu(p1 + b), ...], 0)

every value exactly the same.  Only blocks that are products, or elementwise ops of one (this
rewrite's own results), are taken apart: a bias and an activation, not whatever follows a layer.
"""

from __future__ import annotations

from graphc.ir import Node
from graphc.ops.registry import REGISTRY
from graphc.passes.registry import register_rewrite
from graphc.passes.simplify import _new


def _a_product(piece: Node) -> bool:
    return piece.op.name == "matmul" or (piece.op.kind == "elementwise"
                                         and any(i.op.name == "matmul" for i in piece.inputs))


def _row_blocks(node: Node) -> bool:
    return (node.op.name == "concatenate" and node.attrs["axis"] == 0 and len(node.inputs) > 1
            and all(_a_product(p) for p in node.inputs))


def elementwise_of_row_blocks(node: Node, new_inputs: list[Node]) -> Node | None:
    """op(concatenate(blocks, 0), broadcast operands) -> concatenate([op(block, broadcast operands), ...], 0)."""
    for i in new_inputs:  # offered every elementwise node, which seldom reads a concatenation: asked first
        if i.op.name == "concatenate":
            break
    else:
        return None
    if node.op.kind != "elementwise" or not node.is_static or node.ndim < 2:
        return None
    blocked = [k for k, i in enumerate(new_inputs) if i.shape == node.shape and _row_blocks(i)]
    if len(blocked) != 1:
        return None
    k = blocked[0]
    if any(i.ndim >= node.ndim for j, i in enumerate(new_inputs) if j != k):  # each row's operands: the same
        return None
    pieces = [_new(node.op.name, [p if j == k else i for j, i in enumerate(new_inputs)], node.attrs, node)
              for p in new_inputs[k].inputs]
    return _new("concatenate", pieces, {"axis": 0}, node)


register_rewrite("specialize", ops=[name for name, op in REGISTRY.items() if op.kind == "elementwise"])(
    elementwise_of_row_blocks)

__all__ = ["elementwise_of_row_blocks"]
