"""conv2d's input gradient as a convolution of the output's cotangent, not a sum of one scatter per window.

Reverse mode through `gc.conv2d` (an im2col matrix of window views of the padded input, times the
filter; docs/conv.md) gives the padded input's gradient as the sum over the KH*KW windows of
`slice_grad(piece_k)`: each window's piece of the columns' cotangent `g @ Wᵀ` scattered into zeros
of the padded input's shape.  All KH*KW scatters are padded-input sized, and the one fused sum that
reads them holds them all at once: 8 of them (5 MiB) were the floor of every remat plan of
bench_remat's CNN once its forward columns were made a block of images at a time
(graphc/passes/matmul_pieces.py).  At stride 1 the same sum is a convolution:

    dxp[n, p, q, c] = Σ_{kh, kw, o} g[n, p - kh*dh, q - kw*dw, o] · W[kh, kw, c, o]
                    = conv2d(g padded by (KH-1)*dh, (KW-1)*dw on every side, W flipped in kh and kw, with
                             its in and out channels swapped; dilations (dh, dw))

so `conv_input_gradient` rewrites that sum into `conv2d_products` of the cotangent, whose columns
the row blocks of matmul_pieces then make one block of images at a time, and no scatter remains.
It computes the border of the padded input's gradient too (the forward pass's padding, which
the padding's adjoint drops), (OH + 2(KH-1)dh)(OW + 2(KW-1)dw) / (OH·OW) times the columns'
cotangent's FLOPs (1.27x for 16x16 images and a 3x3 filter), in exchange for no scatters.

Values: every element is a sum of the same products in another order (a gemm's dot product, not a
sum of scatters), so they round differently from the scatters'; the rewrite runs in the specialize
phase of every program, so that every remat plan's gradients stay bitwise those of remat="none".
Where it applies: a sum whose terms are exactly the KH*KW scatters of one product's column pieces,
windows at stride 1 tiling a (KH, KW) grid from the origin, channels whole (groups=1); anything
else is left as it is.
"""

from __future__ import annotations

from graphc.ir import Node
from graphc.ops import shape as shape_ops
from graphc.passes.registry import register_rewrite

_FULL = (None, None, None)


def _whole(t, size: int) -> bool:
    return t == _FULL or tuple(t) == (0, size, 1)


def _only_last_axis(node: Node, index) -> tuple[int, int] | None:
    """(start, stop) of a slice `index` of `node`'s input that cuts the last axis alone, at step 1."""
    shape = node.inputs[0].shape
    if not all(_whole(t, n) for t, n in zip(index[:-1], shape[:-1])):
        return None
    start, stop, step = index[-1]
    start = 0 if start is None else start
    stop = shape[-1] if stop is None else stop
    return (start, stop) if step in (None, 1) and 0 <= start <= stop <= shape[-1] else None


def _product_columns(p: Node) -> tuple[Node, Node, int, int] | None:
    """(g, b, start, stop) when `p` is (a reshape that keeps the last axis of) `(g @ b)[..., start:stop]`, seen
    through the forms the columns' cotangent takes: concat_part (the concatenation's adjoint), and a slice of
    a block's product `g @ b[..., block]` (matmul_pieces.part_of_matmul_product)."""
    name = p.op.name
    if name == "reshape" and p.ndim >= 1 and p.inputs[0].ndim >= 1 and p.shape[-1] == p.inputs[0].shape[-1]:
        return _product_columns(p.inputs[0])
    if name == "concat_part" and p.attrs["axis"] == p.ndim - 1:
        found = _product_columns(p.inputs[0])
        if found is None:
            return None
        offset = sum(part.shape[-1] for part in p.inputs[1:1 + p.attrs["index"]])
        return found[0], found[1], found[2] + offset, found[2] + offset + p.shape[-1]
    if name == "slice":
        cut = _only_last_axis(p, p.attrs["index"])
        found = None if cut is None else _product_columns(p.inputs[0])
        return None if found is None else (found[0], found[1], found[2] + cut[0], found[2] + cut[1])
    if name == "matmul" and p.ndim == 2:
        g, b = p.inputs
        if b.op.name == "slice" and b.ndim == 2:
            cut = _only_last_axis(b, b.attrs["index"])
            if cut is not None:
                return g, b.inputs[0], cut[0], cut[1]
        return g, b, 0, b.shape[-1]
    return None


_MOST_TERMS = 256  # a 16x16 filter's windows; a longer sum of scatters is left as it is (and not walked further)


def _scatters(node: Node, inputs: list[Node]) -> list[Node] | None:
    """The slice_grad terms of a tree of adds of `node`'s shape and dtype (its inputs `inputs`), left to right;
    None when a term is something else, or there are more than _MOST_TERMS."""
    terms, stack = [], list(reversed(inputs))
    while stack:
        term = stack.pop()
        if term.shape != node.shape or term.dtype != node.dtype or len(terms) > _MOST_TERMS:
            return None
        if term.op.name == "add":
            stack.extend(reversed(term.inputs))
        elif term.op.name == "slice_grad":
            terms.append(term)
        else:
            return None
    return terms


def _window(scatter: Node) -> tuple[int, int] | None:
    """(row, column) offset of a slice_grad of an NHWC-shaped value whose window is at stride 1, channels
    and images whole."""
    index, like = scatter.attrs["index"], scatter.inputs[1]
    if len(index) != 4 or not _whole(index[0], like.shape[0]) or not _whole(index[3], like.shape[3]):
        return None
    if any(t[2] not in (None, 1) or t[0] is None for t in index[1:3]):
        return None
    return index[1][0], index[2][0]


def _grid(offsets: list[tuple[int, int]]) -> tuple[int, int, int, int] | None:
    """(KH, KW, dh, dw) when `offsets`, in column order, are the row-major (kh*dh, kw*dw) grid from the origin."""
    kw_n = sum(r == offsets[0][0] for r, _ in offsets)
    if len(offsets) % kw_n:
        return None
    kh_n = len(offsets) // kw_n
    dh = offsets[kw_n][0] if kh_n > 1 else 1
    dw = offsets[1][1] if kw_n > 1 else 1
    want = [(kh * dh, kw * dw) for kh in range(kh_n) for kw in range(kw_n)]
    return (kh_n, kw_n, dh, dw) if offsets == want and dh >= 1 and dw >= 1 else None


@register_rewrite("specialize", ops=("add",))
def conv_input_gradient(node: Node, new_inputs: list[Node]) -> Node | None:
    """Σ_k slice_grad((g @ Wᵀ)'s piece k, window k) -> the convolution of g with W flipped (module docstring)."""
    if node.op.name != "add" or len(node.shape) != 4 or not node.is_static:  # (the cheap test first: every add)
        return None
    terms = _scatters(node, new_inputs)
    if terms is None or len(terms) < 2:
        return None
    like = terms[0].inputs[1]
    pieces = [(_product_columns(t.inputs[0]), _window(t), t) for t in terms]
    if any(found is None or at is None or t.inputs[1] is not like for found, at, t in pieces):
        return None
    (g, b, _, _), _, _ = pieces[0]
    if g.ndim != 2 or b.ndim != 2 or any(found[0] is not g or found[1] is not b for found, _, _ in pieces):
        return None
    pieces.sort(key=lambda piece: piece[0][2])
    n, hp, wp, c = node.shape
    spans = [(found[2], found[3]) for found, _, _ in pieces]
    if spans != [(k * c, (k + 1) * c) for k in range(len(pieces))] or b.shape[1] != len(pieces) * c:
        return None
    grid = _grid([at for _, at, _ in pieces])
    if grid is None:
        return None
    kh, kw, dh, dw = grid
    oh, ow = hp - (kh - 1) * dh, wp - (kw - 1) * dw
    if any(t.inputs[0].shape != (n, oh, ow, c) for t in terms) or g.shape[0] != n * oh * ow:
        return None
    return _transposed_convolution(g, b, (n, oh, ow), (kh, kw, dh, dw), c)


def _transposed_convolution(g: Node, b: Node, out, kernel, c: int) -> Node:
    """The padded input's gradient: conv2d of g (rows (n, oh, ow)) with the filter whose rows are b's columns
    (bᵀ: (KH*KW*C, O)), flipped in kh and kw and with its channels swapped, over g padded fully."""
    from graphc.ops.conv import conv2d_products  # graphc.ops imports the passes' registry: not at import time

    n, oh, ow = out
    kh, kw, dh, dw = kernel
    rows = shape_ops.transpose(b, (1, 0))  # (KH*KW*C, O), rows in (kh, kw, c) order
    flipped = shape_ops.concatenate([shape_ops.getitem(rows, slice(k * c, (k + 1) * c))
                                         for k in reversed(range(kh * kw))], 0)
    filt = shape_ops.transpose(shape_ops.reshape(flipped, (kh, kw, c, b.shape[0])), (0, 1, 3, 2))
    pads = (((kh - 1) * dh,) * 2, ((kw - 1) * dw,) * 2)
    cotangent = shape_ops.reshape(g, (n, oh, ow, g.shape[1]))
    (product,), (hp, wp) = conv2d_products(cotangent, filt, 1, pads, (dh, dw))
    return shape_ops.reshape(product, (n, hp, wp, c))


__all__ = ["conv_input_gradient"]
