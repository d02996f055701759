"""Bodies of control flow: a `Subgraph` is a small graph traced once from a Python function.

A body has its own parameter nodes (one per value it receives each time it runs) and
reads outer nodes freely (weights, variables, placeholders): those are its *captures*.
The control node that owns a body takes its captures as ordinary inputs, so every pass,
the variable collection and differentiation see them as the dependencies they are; the
body keeps referring to the original capture nodes, and the control node binds them by
position when it runs the body (so a rebuilt outer graph still feeds the right values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from graphc.errors import GraphcError, ShapeError
from graphc.evaluate import evaluate
from graphc.ir import Node, extend_postorder, id_mark
from graphc.ops.common import as_node
from graphc.ops.registry import Op, format_shape, make_node


def _unbound(attrs, *arrays):
    raise GraphcError("a body parameter is bound by the control-flow node that runs its body, never computed")


param_op = Op("body_param", "source", lambda inputs, attrs: (attrs["shape"], attrs["dtype"]), _unbound,
              doc="A value a control-flow body receives each time it runs.",
              arity=0, attributes={"shape": "dims", "dtype": "dtype"})


@dataclass(eq=False)
class Subgraph:
    """One traced body: `outputs` computed from `params` and the outer nodes `captures`."""

    name: str                   # what the body is, for messages and `graphc inspect` ("while_loop body")
    params: tuple[Node, ...]
    outputs: tuple[Node, ...]
    captures: tuple[Node, ...]

    def __post_init__(self):
        bound = {n.id for n in self.params} | {n.id for n in self.captures}
        self.order = _internal_order(self.outputs, bound)
        self._bound = bound

    def computes(self, index: int) -> bool:
        """Whether output `index` is made by the body's own nodes (`order`), not a parameter or capture
        passed through: only such an output has work behind it that a caller holding its value can skip."""
        return self.outputs[index].id not in self._bound

    def run(self, args: Sequence[np.ndarray], captured: dict[int, np.ndarray]) -> list[np.ndarray]:
        """The body's outputs for `args`, the outer values it reads given by capture id."""
        env = dict(captured)
        env.update((p.id, np.asarray(a)) for p, a in zip(self.params, args))
        for node in self.order:
            env[node.id] = evaluate(node, [env[i.id] for i in node.inputs])
        return [env[o.id] for o in self.outputs]

    def __repr__(self) -> str:
        return f"<Subgraph {self.name}: {len(self.params)} params, {len(self.order)} nodes>"


def _internal_order(outputs: Sequence[Node], bound: set[int]) -> list[Node]:
    """The body's own nodes, each after its inputs, not walking past parameters and captures
    (graphc.ir's one depth-first walk, with those marked done before it starts)."""
    order: list[Node] = []
    done = set(bound)
    for root in outputs:
        extend_postorder(root, done, order)
    return order


def trace(fn: Callable, arg_types: Sequence[tuple], name: str, pack: Callable | None = None) -> tuple:
    """Trace `fn` once on fresh parameters of `arg_types` [(shape, dtype)]: (Subgraph, what fn returned).

    `pack(params)` arranges the parameters into fn's arguments (default: one argument each);
    fn returns a node, a Python number or a tuple/list of them, flattened into the outputs.
    Every node built before the first parameter is outer: a body that reads one captures it.
    """
    first_id = id_mark()
    params = tuple(Node(param_op, (), {"shape": tuple(s), "dtype": np.dtype(d)}, s, d, name=f"{name} arg{i}")
                   for i, (s, d) in enumerate(arg_types))
    returned = fn(*(pack(params) if pack else params))
    flat = flatten(returned, name)
    captures = _captures(flat, {p.id for p in params}, first_id)
    return Subgraph(name, params, tuple(flat), captures), returned


def flatten(returned, name: str) -> list[Node]:
    """A body's result as a list of nodes (a single node is a list of one)."""
    items = list(returned) if isinstance(returned, (tuple, list)) else [returned]
    out = []
    for item in items:
        if isinstance(item, (tuple, list)):
            raise ShapeError(f"{name} returned a nested {type(item).__name__}: return nodes, or one flat "
                             "tuple of nodes")
        try:
            out.append(as_node(item))
        except GraphcError:
            raise ShapeError(f"{name} returned a {type(item).__name__}, not a graph value") from None
    return out


def _captures(outputs: Sequence[Node], params: set[int], first_id: int) -> tuple[Node, ...]:
    """The outer nodes (built before the body's parameters) that the body reads, in a stable order."""
    found: dict[int, Node] = {}
    seen = set(params)
    stack = [o for o in outputs]
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        if node.id < first_id:
            found[node.id] = node
            continue
        stack.extend(node.inputs)
    return tuple(found[k] for k in sorted(found))


def inline(body: Subgraph, args: Sequence[Node], bound: dict[int, Node] | None = None) -> list[Node]:
    """The body's outputs rebuilt over `args` in place of its parameters: a copy in the graph being built,
    so autodiff can differentiate it as ordinary nodes.  `bound` maps a capture's id to the node to read
    instead: the control node's input now, which differs from the traced one once a graph is rebuilt."""
    mapping = dict(bound or {})
    mapping.update((p.id, a) for p, a in zip(body.params, args))
    for node in body.order:
        inputs = [mapping.get(i.id, i) for i in node.inputs]
        if all(a is b for a, b in zip(inputs, node.inputs)):
            mapping[node.id] = node
        else:
            mapping[node.id] = make_node(node.op, inputs, node.attrs, name=node.name, source=node.source)
    return [mapping.get(o.id, o) for o in body.outputs]


def types_of(nodes: Sequence[Node]) -> list[tuple]:
    return [(n.shape, n.dtype) for n in nodes]


def describe_type(shape, dtype) -> str:
    return f"{format_shape(shape)} {np.dtype(dtype)}"


def same_type(a: tuple, b: tuple) -> bool:
    """Shapes (None matching any size) and dtypes agree."""
    (sa, da), (sb, db) = a, b
    return np.dtype(da) == np.dtype(db) and len(sa) == len(sb) and all(
        x is None or y is None or x == y for x, y in zip(sa, sb))


def bodies_of(nodes: Sequence[Node], depth: int = 0) -> list[tuple[Node, Subgraph, int]]:
    """(control node, body, nesting depth) for every body of `nodes`, and of the bodies within them."""
    found = []
    for node in nodes:
        for value in node.attrs.values():
            for body in value if isinstance(value, tuple) else (value,):
                if isinstance(body, Subgraph):
                    found.append((node, body, depth))
                    found += bodies_of(body.order, depth + 1)
    return found
