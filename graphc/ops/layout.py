"""Memory layouts that ops declare: where a view's elements sit in its input's buffer, and where
the pieces of a scattered output go.

A layout is an element offset and one stride per axis.  A view op states, as its
`view_strides` rule, how its output indexes its input's memory given the input's own
layout; an op written piece by piece (concatenate, slice_grad) states its `scatter`: each
piece's offset and strides inside the output.  Fusion and lowering apply these rules
without knowing which op they belong to, so a new view or scatter op is one definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphc.ir import Node

INDEXED_ADD = "indexed_add"  # the group kind of an op with `indexed_add` (scatter_add)
RESERVED_GROUP_KINDS = ("loop", "matmul", "dead", INDEXED_ADD)  # fusion's own group kinds; a scatter label differs


def contiguous_strides(shape) -> tuple:
    """Row-major strides, in elements, of a buffer of `shape` (a size-0 axis counts as 1)."""
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= max(d, 1)
    return tuple(reversed(strides))


def window(shape, offset: int, strides, index) -> tuple[int, tuple]:
    """The layout of `x[slices]` for `index` ((start, stop, step) per axis) over x's layout."""
    out = []
    for d, s, (a, b, c) in zip(shape, strides, index):
        start, _, step = slice(a, b, c).indices(d)
        offset += start * s if d else 0
        out.append(s * step)
    return offset, tuple(out)


def broadcast_strides(node: Node, offset: int, strides) -> tuple[int, tuple]:
    """A broadcast of its first input to its own shape: stride 0 along new and stretched axes."""
    x = node.inputs[0]
    lead = node.ndim - x.ndim
    out = [0] * lead + [0 if (x.shape[i] == 1 and node.shape[lead + i] != 1) else strides[i] for i in range(x.ndim)]
    return offset, tuple(out)


def reshape_strides(node: Node, offset: int, strides) -> tuple[int, tuple] | None:
    """A reshape keeps the offset and is contiguous, when its input's non-1 axes are contiguous in
    memory; otherwise strides cannot express it (None: the input is copied first)."""
    x = node.inputs[0]
    if any(d == 0 for d in x.shape):  # no element to read: any strides express it
        return offset, contiguous_strides(node.shape)
    dims = [(d, s) for d, s in zip(x.shape, strides) if d != 1]
    expected = contiguous_strides([d for d, _ in dims])
    if any(s != e for (_, s), e in zip(dims, expected)):
        return None
    base_stride = dims[-1][1] if dims else 1
    if base_stride != 1:
        return None
    return offset, contiguous_strides(node.shape)


def regrouped_axes(node: Node) -> tuple | None:
    """For a reshape that only adds or drops size-1 axes: each output axis's input axis (None for
    size 1), its non-1 axes in order; None when the reshape regroups elements into other axes."""
    x = node.inputs[0]
    kept = [i for i, d in enumerate(x.shape) if d != 1]
    if [x.shape[i] for i in kept] != [d for d in node.shape if d != 1]:
        return None
    it = iter(kept)
    return tuple(next(it) if d != 1 else None for d in node.shape)


@dataclass(frozen=True)
class Piece:
    """One input copied into a window of the output: `input` (its index among the node's inputs)
    lands at element `offset` with `strides` (the output's, along the input's axes)."""

    input: int
    offset: int
    strides: tuple
    name: str  # the kernel's name suffix (k3_concat_part0): generated code names it


@dataclass(frozen=True)
class Scatter:
    """An op whose output is written piece by piece, each piece one copy kernel (concatenate,
    slice_grad), after one that fills the whole output with `fill` unless the pieces cover it.

    `label` is the fusion group's kind and names its kernels ("concat": k3_concat_part0)."""

    label: str
    pieces: Callable[[Node], list[Piece]]
    fill: float | None = None
    fill_name: str = "zero"

    def __post_init__(self):
        if self.label in RESERVED_GROUP_KINDS:
            raise ValueError(f"scatter label {self.label!r} is one of fusion's own group kinds")
