"""Reverse mode: extend the graph with adjoint nodes (seed 000/003's algorithm).

Walk the nodes between the inputs and the output in reverse topological order;
a node's adjoint is the sum of the partial adjoints its consumers sent it; its
VJP rule turns that adjoint into partial adjoints for its own inputs.  The
adjoints are ordinary nodes, so the gradient of a gradient is just `grad` again.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphc import dtypes
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node, UserLineFixed, toposort
from graphc.ops import as_node, broadcast_like, ones_like, zeros_like


def influenced_by(order: Sequence[Node], sources: Sequence[Node]) -> set[int]:
    """Ids of the nodes in `order` that depend on any of `sources` (forward reachability)."""
    reach = {s.id for s in sources}
    for node in order:
        if node.id not in reach:
            for i in node.inputs:  # (a loop: any(generator) was most of the walk)
                if i.id in reach:
                    reach.add(node.id)
                    break
    return reach


def adjoints(y: Node, xs: Sequence[Node], grad_y: Node, order: Sequence[Node] | None = None) -> dict[int, Node]:
    """Adjoint of every node on a path from `xs` to `y`, keyed by node id.

    `order`: `toposort([y])`, when the caller has walked it already (to find the variables to
    differentiate by): the walk is not made again.
    """
    if order is None:
        order = toposort([y])
    relevant = influenced_by(order, xs)
    partials: dict[int, list[Node]] = {y.id: [grad_y]}
    result: dict[int, Node] = {}
    # each adjoint node's source: the line that asked for the gradient, found once; opened here, in the
    # frame that calls the rules, so that each node's walk up to it is as short as it can be
    with UserLineFixed():
        for node in reversed(order):
            pieces = partials.pop(node.id, None)  # (a node's partials are read once: popped, kept or not)
            if pieces is None or node.id not in relevant:
                continue
            adjoint = pieces[0]
            for p in pieces[1:]:
                adjoint = adjoint + p
            result[node.id] = adjoint
            if node.op.vjp is None or not node.inputs:
                continue
            # a control-flow node's value is a tuple of results: it has a cotangent when one of them does
            wanted = [i.id in relevant and (dtypes.is_float(i.dtype) or i.op.extra.get("tuple_output", False))
                      for i in node.inputs]
            if not any(wanted):
                continue
            # control flow's rules are told what is wanted: a loop's cotangent of its xs is a whole stack
            if node.op.extra.get("vjp_takes_wanted"):
                contributions = node.op.vjp(node, adjoint, wanted)
            else:
                contributions = node.op.vjp(node, adjoint)
            for inp, want, contribution in zip(node.inputs, wanted, contributions):
                if want and contribution is not None:
                    partials.setdefault(inp.id, []).append(contribution)
    return result


def grad(y: Node, xs, grad_y=None, *, order: Sequence[Node] | None = None):
    """Gradients of `y` with respect to `xs` (a node or a list of nodes), as graph nodes.

    A non-scalar `y` is differentiated as Σ grad_y · y, with grad_y defaulting to
    ones (TensorFlow's tf.gradients).  An input `y` does not depend on gets zeros,
    not None.  Any node may be an x, including intermediates and gradients.
    `order` is `graphc.ir.toposort([y])` where the caller has it (`adjoints`).

    >>> g1, g2 = grad(log(x1) + x1 * x2 - sin(x2), [x1, x2])
    """
    single = isinstance(xs, Node)
    xs = [xs] if single else list(xs)
    y = as_node(y)
    for x in xs:
        if not isinstance(x, Node):
            raise GraphcError(f"grad: can only differentiate with respect to graph nodes, got {type(x).__name__}")
    if not dtypes.is_float(y.dtype):
        raise GraphcError(f"grad: the output must be floating point, got {y.dtype}")
    if grad_y is None:
        grad_y = ones_like(y)
    else:
        grad_y = as_node(grad_y, y)
        if grad_y.shape != y.shape and len(grad_y.shape) == len(y.shape) and any(
                a is not None and b is not None and a != b for a, b in zip(grad_y.shape, y.shape)):
            raise ShapeError(f"grad: grad_y of shape {grad_y.shape} does not match the output's {y.shape}")
        grad_y = broadcast_like(grad_y, y)
    table = adjoints(y, xs, grad_y, order)
    out = [_as_input_gradient(table.get(x.id), x) for x in xs]
    return out[0] if single else out


def _as_input_gradient(g: Node | None, x: Node) -> Node:
    if g is None:
        return zeros_like(x, x.dtype if dtypes.is_float(x.dtype) else None)
    return g
