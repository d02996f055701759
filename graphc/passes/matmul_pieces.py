"""Matmuls over concatenations, taken piece by piece, so that no concatenation-sized temporary is made or kept.

A matmul distributes over a concatenation of its operand's rows, and a column block of its
product is the product with a column block of its right operand:

    concat([p_0, p_1, ...], rows) @ b  ==  concat([p_0 @ b, p_1 @ b, ...], rows)
    (a @ b)[..., i:j]                  ==  a @ b[..., i:j]

Both are exact (each output element is the same dot product over the same terms), and both
matter where a matmul's operand is an im2col matrix, the concatenation of strided views that
`gc.conv2d` multiplies with its filter (docs/conv.md).  Reverse mode gives the filter gradient
`columnsᵀ @ g`, which would keep every layer's columns (9 times its input for a 3x3 filter)
from the forward pass to the backward one; taken per piece it reads the views instead, that is
the padded input, which is kept anyway.  And it gives the columns' cotangent `g @ Wᵀ`, which
the concatenation's adjoint only cuts into pieces (`concat_part`): each piece made by its own
matmul is made when its scatter reads it, and the full cotangent is never in memory.

    split_rows_over_concatenation:   matmul(transpose(reshape(concatenate(views, last))), b)
                                     -> concatenate([matmul(transpose(reshape(view)), b) ...], rows)
    part_of_matmul_product:          concat_part(reshape(matmul(a, b)), ...)  on the last axis
                                     -> reshape(matmul(a, slice of b's columns))

The first applies only when every piece is a view (a slice, a broadcast...): then the pieces
cost no memory of their own and reading them instead of the concatenation frees it; pieces that
are computed values would be kept instead of it, for nothing.  Each window is read through a view
node of its own (`_own_window`), so that the copy BLAS needs of it is made in the backward pass.
The second assumes the full product is read only through its parts (the adjoint of a
concatenation is): were it read whole elsewhere too, both would be computed.

Measured on benchmarks/bench_remat.py's CNN (8 layers, docs/conv.md "Memory"): the no-remat
arena falls from 47.6 to 14.9 MiB, and the input gradient's temporaries from 10.2 MiB to two
padded images and one tap.
"""

from __future__ import annotations

from graphc.ir import Node
from graphc.passes.registry import register_rewrite
from graphc.passes.simplify import _new

_RESHAPE = "reshape"


def _swaps_last_two(node: Node) -> bool:
    perm, n = node.attrs["perm"], node.ndim
    return n >= 2 and tuple(perm) == tuple(range(n - 2)) + (n - 1, n - 2)


def _own_window(piece: Node) -> Node:
    """The same window as slice `piece`, taken in two steps (the last sliced axis apart), so that it is a node of
    its own: the backward reads it without sharing the forward's node.

    Why: BLAS cannot read a window whose rows are not evenly strided (a 3x3 tap of an image), so fusion copies
    it, and the copy is the window's: every reader reads it, and it is made where the window first is, in
    the forward pass, and kept to the backward one (the whole im2col matrix again, piece by piece).  A
    window of its own is copied where the backward reads it, and dies there.  A window sliced on one axis
    only cannot be split, and keeps sharing.
    """
    if piece.op.name != "slice":
        return piece
    index = piece.attrs["index"]
    sliced = [axis for axis, t in enumerate(index) if t != (None, None, None)]
    if len(sliced) < 2:
        return piece
    full = (None, None, None)
    inner = tuple(full if axis == sliced[-1] else t for axis, t in enumerate(index))
    outer = tuple(t if axis == sliced[-1] else full for axis, t in enumerate(index))
    return _new("slice", (_new("slice", piece.inputs, {"index": inner}, piece),), {"index": outer}, piece)


def _column_pieces(x: Node) -> list[Node] | None:
    """Nodes whose concatenation along the last axis is `x`, when every piece is a view; else None.

    Looks through reshapes that keep the last axis: slicing columns commutes with them.
    """
    if x.op.name == "concatenate" and x.attrs["axis"] == x.ndim - 1:
        if not all(p.op.view is not None for p in x.inputs):
            return None
        return [_own_window(p) for p in x.inputs]
    if x.op.name == _RESHAPE and x.ndim >= 1 and x.inputs[0].ndim >= 1 and x.shape[-1] == x.inputs[0].shape[-1]:
        pieces = _column_pieces(x.inputs[0])
        if pieces is None:
            return None
        return [_new(_RESHAPE, (p,), {"shape": x.shape[:-1] + (p.shape[-1],)}, x) for p in pieces]
    return None


def _row_pieces(a: Node) -> list[Node] | None:
    """Nodes whose concatenation along axis -2 is matmul operand `a`, or None."""
    if a.op.name == "transpose" and _swaps_last_two(a):
        pieces = _column_pieces(a.inputs[0])
        if pieces is not None:
            return [_new("transpose", (p,), {"perm": a.attrs["perm"]}, a) for p in pieces]
    return None


@register_rewrite("specialize", ops=("matmul",))
def split_rows_over_concatenation(node: Node, new_inputs: list[Node]) -> Node | None:
    """concat(rows p_i) @ b -> concat(p_i @ b): the matmul reads the views, not their concatenation."""
    if node.op.name != "matmul" or not node.is_static:
        return None
    a, b = new_inputs
    pieces = _row_pieces(a)
    if pieces is None or len(pieces) < 2 or a.ndim != 2 or b.ndim != 2:  # batched operands would broadcast
        return None
    products = [_new("matmul", (p, b), {}, node) for p in pieces]
    return _new("concatenate", products, {"axis": 0}, node)


@register_rewrite("specialize", ops=("concat_part",))
def part_of_matmul_product(node: Node, new_inputs: list[Node]) -> Node | None:
    """A last-axis part of (a reshape of) a @ b is a @ (b's columns of that part): no full product is made."""
    if node.op.name != "concat_part" or not node.is_static or node.attrs["axis"] != node.ndim - 1:
        return None
    whole, parts = new_inputs[0], new_inputs[1:]
    product = whole
    while product.op.name == _RESHAPE and product.inputs[0].ndim >= 1 \
            and product.inputs[0].shape[-1] == product.shape[-1]:
        product = product.inputs[0]
    if product.op.name != "matmul" or product.shape[-1] != whole.shape[-1]:
        return None
    axis, index = node.attrs["axis"], node.attrs["index"]
    start = sum(p.shape[axis] for p in parts[:index])
    a, b = product.inputs
    columns = ((None, None, None),) * (b.ndim - 1) + ((start, start + node.shape[-1], 1),)
    piece = _new("matmul", (a, _new("slice", (b,), {"index": columns}, node)), {}, node)
    return piece if piece.shape == node.shape else _new(_RESHAPE, (piece,), {"shape": node.shape}, node)


__all__ = ["part_of_matmul_product", "split_rows_over_concatenation"]
