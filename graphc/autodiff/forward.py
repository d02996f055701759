"""Forward mode: push tangents through the graph in topological order (dual numbers, seed 001).

Each node's tangent comes from its op's JVP rule applied to its inputs'
tangents; None stands for a zero tangent and is never materialised, so only the
part of the graph that depends on the seeded inputs is touched.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphc.errors import ShapeError
from graphc.ir import Node, toposort
from graphc.ops import as_node, broadcast_like, zeros_like


def tangents(ys: Sequence[Node], xs: Sequence[Node], dxs: Sequence[Node]) -> dict[int, Node]:
    """Tangent of every node in the graph of `ys` that depends on `xs`, keyed by id."""
    table: dict[int, Node] = {x.id: dx for x, dx in zip(xs, dxs)}
    for node in toposort(ys):
        if node.id in table or not node.inputs:
            continue
        ts = [table.get(i.id) for i in node.inputs]
        if all(t is None for t in ts) or node.op.jvp is None:
            continue
        t = node.op.jvp(node, ts)
        if t is not None:
            table[node.id] = t
    return table


def jvp(y, xs, tangents_in):
    """The directional derivative of `y` (a node or list) along `tangents_in` at `xs`.

    >>> t = jvp(log(x1) + x1 * x2 - sin(x2), [x1, x2], [1.0, 0.0])   # ∂y/∂x1
    """
    single_x = isinstance(xs, Node)
    xs = [xs] if single_x else list(xs)
    tangents_in = [tangents_in] if single_x else list(tangents_in)
    if len(xs) != len(tangents_in):
        raise ShapeError(f"jvp: {len(xs)} inputs but {len(tangents_in)} tangents")
    dxs = []
    for x, t in zip(xs, tangents_in):
        t = as_node(t, x)
        if len(t.shape) > len(x.shape):
            raise ShapeError(f"jvp: tangent of shape {t.shape} for an input of shape {x.shape}")
        dxs.append(broadcast_like(t, x))
    single_y = isinstance(y, Node)
    ys = [y] if single_y else [as_node(v) for v in y]
    table = tangents(ys, xs, dxs)
    out = [table.get(v.id) if v.id in table else zeros_like(v) for v in ys]
    return out[0] if single_y else out
