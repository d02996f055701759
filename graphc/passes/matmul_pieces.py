"""Matmuls over concatenations of views, so that no im2col-sized value is kept or made whole in a backward pass.

`gc.conv2d` multiplies an im2col matrix, the concatenation of strided windows of the padded
input, with its filter (docs/conv.md).  Reverse mode then gives two more products, and the rewrites
here make none of the three over a whole im2col-sized value:

  * the filter gradient `columnsᵀ @ g`, which would keep every layer's columns (9 times its input
    for a 3x3 filter) from the forward pass to the backward one.  A concatenation of views costs
    no FLOPs, only a copy, so the product makes its columns again, from windows of its own, when it
    is due (`remake_transposed_concatenation`); the padded input it reads is kept anyway.
  * the columns' cotangent `g @ Wᵀ`, which the concatenation's adjoint only cuts into pieces
    (`concat_part`).  A column block of a product is the product with a column block of its right
    operand, `(a @ b)[..., i:j] == a @ b[..., i:j]`, so each block of about √k of the k pieces is
    made by a matmul of its own when its scatters read it (`part_of_matmul_product`), and the whole
    cotangent never is.  (At stride 1 without groups there is no such product any more: the input
    gradient is a convolution of its own, graphc/passes/conv_input_gradient.py.)
  * the forward product itself, whose columns were made whole, one layer's at a time (the floor of every
    remat plan of bench_remat's CNN).  A row block of a product is the product of its left operand's
    row block, and a block of images' rows of the columns are the same windows restricted to those
    images, so the product is made a block of about N/k of the N images at a time, each block's
    columns about the size of the layer's input (`row_blocks_of_columns_product`); the filter
    gradient is the sum of the blocks' products over the same blocks
    (`row_blocks_of_transposed_columns_product`), and a bias and activation follow each block's gemm
    (graphc/passes/block_epilogues.py).  The input gradient's convolution is made in blocks the same way.

    remake_transposed_concatenation:  reshape(concatenate(views, last))ᵀ @ g
                                      -> reshape(concatenate(own windows, last))ᵀ @ g
    part_of_matmul_product:           concat_part(reshape(a @ b), ...)  on the last axis
                                      -> reshape((a @ b[..., block])[..., part])
    row_blocks_of_columns_product:    reshape(concatenate(views, last)) @ w
                                      -> concatenate([reshape(concatenate(views[block], last)) @ w, ...], 0)
    row_blocks_of_transposed_columns_product:
                                      reshape(concatenate(views, last))ᵀ @ g
                                      -> Σ reshape(concatenate(views[block], last))ᵀ @ g[block's rows]

The first two keep every value exactly: each element is the same dot product over the same terms.
The row blocks change how BLAS rounds (a block's gemm, a sum of blocks' filter gradients), so, like
the column blocks, they run in every program, and a remat plan's gradients stay bitwise those of
remat="none".  `remake_transposed_concatenation` applies only when every piece of the concatenation
is a view (a window, a broadcast), whose copy is all there is to remake; its cost, one more copy of
the columns, is paid only when memory is asked for (`piecewise_matmuls`; docs/conv.md, "Memory").
`part_of_matmul_product` assumes the whole product is read only through its parts (the adjoint of a
concatenation is); were it read whole elsewhere too, both would be made.  Its cost is BLAS speed:
three products of a third of the columns each instead of one (nine of a ninth were slower still).
The row blocks' cost is more, smaller gemms: N/⌈N/k⌉ a product (8 for the CNN's batch of 16).

Measured on benchmarks/bench_remat.py's CNN (8 layers; docs/conv.md "Memory"): √n's arena falls
from 14.0 to 10.8 MiB with the column blocks and remade columns, and to 4.5 MiB with the row
blocks and the input gradient's convolution.
"""

from __future__ import annotations

import math

from graphc.ir import Node
from graphc.passes import block_epilogues as _block_epilogues  # noqa: F401 - registers it beside these
from graphc.passes import conv_input_gradient as _conv_input_gradient  # noqa: F401 - registers it beside these
from graphc.passes.registry import register_rewrite, rewrite_to_fixed_point
from graphc.passes.simplify import _new
from graphc.program import Program

_RESHAPE = "reshape"


def _swaps_last_two(node: Node) -> bool:
    perm, n = node.attrs["perm"], node.ndim
    return n >= 2 and tuple(perm) == tuple(range(n - 2)) + (n - 1, n - 2)


def _keeps_last_axis(reshape: Node) -> bool:
    return reshape.ndim >= 1 and reshape.inputs[0].ndim >= 1 and reshape.shape[-1] == reshape.inputs[0].shape[-1]


def _own_window(piece: Node) -> Node:
    """The same window as slice `piece`, taken in two steps (the last sliced axis apart): a node of its own.

    Why: a concatenation of the very windows the forward pass concatenated would be merged back into
    the forward pass's concatenation by common-subexpression elimination, and kept.  A window sliced
    on one axis only cannot be split this way; its concatenation stays the forward pass's (a 3x1
    filter's columns are kept, as before these rewrites).
    """
    if piece.op.name != "slice":
        return piece
    index = piece.attrs["index"]
    sliced = [axis for axis, t in enumerate(index) if t != (None, None, None)]
    if len(sliced) < 2:
        return piece
    full = (None, None, None)
    apart = sliced[1:] if sliced[0] == 0 else sliced[-1:]  # a block of images (row_blocks_*): its window apart
    inner = tuple(full if axis in apart else t for axis, t in enumerate(index))
    outer = tuple(t if axis in apart else full for axis, t in enumerate(index))
    return _new("slice", (_new("slice", piece.inputs, {"index": inner}, piece),), {"index": outer}, piece)


def _remade(x: Node) -> Node | None:
    """`x`, a concatenation of views along its last axis (seen through reshapes that keep that axis), made
    again over windows of its own; None when `x` is not one."""
    if x.op.name == "concatenate" and x.attrs["axis"] == x.ndim - 1 and len(x.inputs) > 1:
        if not all(p.op.view is not None for p in x.inputs):
            return None
        return _new("concatenate", [_own_window(p) for p in x.inputs], x.attrs, x)
    if x.op.name == _RESHAPE and _keeps_last_axis(x):
        inner = _remade(x.inputs[0])
        return None if inner is None else _new(_RESHAPE, (inner,), x.attrs, x)
    return None


def _transposed_product(node: Node, new_inputs: list[Node]) -> tuple[Node, Node] | None:
    """(aᵀ, g) when `node` is the static 2-D product aᵀ @ g (a filter gradient's shape), else None."""
    if node.op.name != "matmul" or not node.is_static or node.ndim != 2:
        return None
    at, g = new_inputs
    return (at, g) if at.op.name == "transpose" and _swaps_last_two(at) else None


def remake_transposed_concatenation(node: Node, new_inputs: list[Node]) -> Node | None:
    """concat(views)ᵀ @ g -> concat(own windows)ᵀ @ g: the columns are made again for the product, not kept.

    Where: a program with a schedule (any remat strategy) places the new nodes just before the
    product; one without runs in the depth-first order of its outputs' inputs, which makes the
    first layer's columns at the start of the backward pass (one im2col matrix kept, 4.5 MiB of
    the benchmark CNN's 17.6 when this rewrite ran in every program).  `(gᵀ @ columns)ᵀ` would
    place them after g, but its transposed product took about twice the gemm's time (125-169 ms
    against 57-72 for columns (32768, 576) and g (32768, 64), llvm, loaded 2-core machine,
    2026-12-04).
    """
    found = _transposed_product(node, new_inputs)
    if found is None:
        return None
    a, g = found
    columns = _remade(a.inputs[0])
    if columns is None:
        return None
    return _new("matmul", (_new("transpose", (columns,), a.attrs, a), g), {}, node)


def _block(parts: list[Node], axis: int, index: int) -> tuple[int, int, int]:
    """(start, stop) of the block of about √k of the k parts that holds part `index`, and that part's start.

    Why blocks: one matmul per part makes k small products (BLAS is slow on them: nine of a ninth of
    the columns took up to twice the one, measured); one per block of √k parts makes √k, each 1/√k of
    the whole cotangent, alive while its parts are scattered.
    """
    size = math.isqrt(len(parts) - 1) + 1  # ceil(√k)
    first = index // size * size
    offsets = [0]
    for p in parts:
        offsets.append(offsets[-1] + p.shape[axis])
    return offsets[first], offsets[min(first + size, len(parts))], offsets[index]


@register_rewrite("specialize", ops=("concat_part",))
def part_of_matmul_product(node: Node, new_inputs: list[Node]) -> Node | None:
    """A last-axis part of (a reshape of) a @ b is a view of a @ (b's columns of its block of parts): the whole
    product is not made."""
    if node.op.name != "concat_part" or not node.is_static or node.attrs["axis"] != node.ndim - 1:
        return None
    whole, parts = new_inputs[0], new_inputs[1:]
    product = whole
    while product.op.name == _RESHAPE and _keeps_last_axis(product):
        product = product.inputs[0]
    if product.op.name != "matmul" or product.shape[-1] != whole.shape[-1]:
        return None
    start, stop, part = _block(parts, node.attrs["axis"], node.attrs["index"])
    if stop - start == whole.shape[-1]:  # one block: the whole product
        return None
    a, b = product.inputs
    full = (None, None, None)
    block = _new("matmul", (a, _new("slice", (b,), {"index": (full,) * (b.ndim - 1) + ((start, stop, 1),)}, node)),
                 {}, node)
    width = node.shape[-1]
    if width != stop - start:
        piece = (full,) * (block.ndim - 1) + ((part - start, part - start + width, 1),)
        block = _new("slice", (block,), {"index": piece}, node)
    return block if block.shape == node.shape else _new(_RESHAPE, (block,), {"shape": node.shape}, node)


remake_transposed_concatenation.rewrite_ops = frozenset({"matmul"})

def _columns(a: Node) -> tuple[Node, Node] | None:
    """(the concatenation, its 2-D reshape) when `a` is (rows, K), a reshape of a concatenation of two or more
    views along its last axis whose first axis no view restricts (a whole im2col matrix, not a block of one)."""
    if a.op.name != _RESHAPE or a.ndim != 2 or not _keeps_last_axis(a):
        return None
    cat = a.inputs[0]
    if cat.op.name != "concatenate" or cat.ndim < 2 or cat.attrs["axis"] != cat.ndim - 1 or len(cat.inputs) < 2:
        return None
    if not all(p.op.view is not None and _first_axis_whole(p) for p in cat.inputs):
        return None
    return cat, a


def _first_axis_whole(piece: Node) -> bool:
    return piece.op.name != "slice" or piece.attrs["index"][0] in ((None, None, None),
                                                                   (0, piece.inputs[0].shape[0], 1))


def _image_blocks(cat: Node) -> list[tuple[int, int]]:
    """The (start, stop) blocks of the concatenation's first axis (images): about k of them for its k pieces,
    so that one block's columns are about the size of the layer's input, not k times it."""
    n = cat.shape[0]
    size = -(-n // len(cat.inputs))
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _rows_of(piece: Node, start: int, stop: int) -> Node:
    """The first-axis block [start, stop) of view `piece`: one slice of what it views when it is a slice (so
    that `_own_window` can take it apart and CSE finds the same block in every product that reads it)."""
    full = (None, None, None)
    if piece.op.name == "slice":
        index = ((start, stop, 1),) + tuple(piece.attrs["index"][1:])
        return _new("slice", piece.inputs, {"index": index}, piece)
    return _new("slice", (piece,), {"index": ((start, stop, 1),) + (full,) * (piece.ndim - 1)}, piece)


def _block_columns(cat: Node, a: Node, start: int, stop: int) -> Node:
    """Rows of the columns `a` (a 2-D reshape of `cat`) of images [start, stop): the same windows, restricted."""
    block = _new("concatenate", [_rows_of(p, start, stop) for p in cat.inputs], cat.attrs, cat)
    rows = a.shape[0] // cat.shape[0] * (stop - start)
    return _new(_RESHAPE, (block,), {"shape": (rows, a.shape[1])}, a)


@register_rewrite("specialize", ops=("matmul",))
def row_blocks_of_columns_product(node: Node, new_inputs: list[Node]) -> Node | None:
    """columns @ w -> concatenate([columns of a block of images @ w, ...]): one block's columns made at a time.

    A row block of a product is the product of its left operand's row block, and a block of images'
    rows of the im2col matrix are the same windows restricted to those images, so no layer's whole
    columns are ever made (9 times its input for a 3x3 filter; the floor of every remat plan of
    bench_remat's CNN before this rewrite).  In every program, as the column blocks: a block's product
    rounds as BLAS does for its shape, and remat's gradients must be bitwise those of remat="none".
    """
    if node.op.name != "matmul" or not node.is_static or node.ndim != 2:
        return None
    found = _columns(new_inputs[0])
    if found is None or len(_image_blocks(found[0])) < 2:
        return None
    cat, a = found
    w = new_inputs[1]
    blocks = [_new("matmul", (_block_columns(cat, a, i, j), w), {}, node) for i, j in _image_blocks(cat)]
    return _new("concatenate", blocks, {"axis": 0}, node)


@register_rewrite("specialize", ops=("matmul",))
def row_blocks_of_transposed_columns_product(node: Node, new_inputs: list[Node]) -> Node | None:
    """columnsᵀ @ g -> Σ (block's columns)ᵀ @ g[block's rows]: the filter gradient over the forward pass's blocks.

    The same blocks as `row_blocks_of_columns_product`, so that without remat the forward pass's block
    columns are the ones read here (CSE), and with it `remake_transposed_concatenation` makes each block's
    again when its product is due: one block's columns alive, not a layer's.  The sum runs in block order.
    """
    transposed = _transposed_product(node, new_inputs)
    if transposed is None:
        return None
    at, g = transposed
    found = _columns(at.inputs[0])
    if found is None or len(_image_blocks(found[0])) < 2:
        return None
    cat, a = found
    per_image = a.shape[0] // cat.shape[0]
    full = (None, None, None)
    total = None
    for i, j in _image_blocks(cat):
        rows = _new("slice", (g,), {"index": ((i * per_image, j * per_image, 1), full)}, node)
        columns = _block_columns(cat, a, i, j)
        part = _new("matmul", (_new("transpose", (columns,), at.attrs, at), rows), {}, node)
        total = part if total is None else _new("add", (total, part), {}, node)
    return total



def piecewise_matmuls(program: Program) -> Program:
    """`program` with its columns made again for the filter gradients (`remake_transposed_concatenation`,
    to a fixed point).  Not a rewrite of the specialize phase: on bench_conv's step (2-core AMD EPYC,
    quiet, 2026-12-04, same run) it took 1.10x the time, so rematerialisation makes it when memory is
    asked for and the program does not fit as it is (graphc.passes.remat.memory_rewrites); it keeps
    every value bitwise (the same product of the same values).  The block products are made in every
    program: a remat plan's gradients must be bitwise those of remat="none", and BLAS rounds a
    column block's product differently from the whole one's."""
    if not any(n.op.name == "matmul" and remake_transposed_concatenation(n, list(n.inputs)) is not None
               for n in program.nodes()):
        return program  # nothing to remake: no sweep of the whole graph (a second or so at 100k nodes)
    return rewrite_to_fixed_point(program, [remake_transposed_concatenation], use_cse=False)[0]


__all__ = ["part_of_matmul_product", "piecewise_matmuls", "remake_transposed_concatenation",
           "row_blocks_of_columns_product", "row_blocks_of_transposed_columns_product"]
