"""A `Program`: the graph of one compiled call, with every shape concrete.

A function's graph may have feed-time (None) sizes; each call's feed shapes
specialise it into a Program, which is what backends compile.  Backends see
only Programs: placeholders in call order, variables, fetched outputs and the
new values of updated variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphc.ir import Node, consumers, same_nodes, toposort
from graphc.ops.random import fixed_shape
from graphc.ops.source import placeholder_op, variable_op
from graphc.rewrite import rebuild


@dataclass
class Program:
    inputs: list[Node]        # placeholders, in the order the executable receives their arrays
    variables: list[Node]     # every variable read or updated, in the order their arrays are passed
    outputs: list[Node]       # fetched values
    updated: list[int]        # indices into `variables` of those given new values
    new_values: list[Node]    # the new values, aligned with `updated`
    # The order to run nodes in, when a pass chose one (rematerialisation does); None: any
    # topological order.  Passes that rebuild the graph must carry it over.
    schedule: list[Node] | None = None
    # What rematerialisation recomputes (graphc.passes.remat.RematStats), on the program it returns.
    remat_stats: Any = field(default=None, compare=False, repr=False)
    # (ids of the roots, their toposort): the walk made once while the roots stay the same.  Nodes never
    # change their inputs, so the order of the same roots is the same; the order holds the roots, so
    # their ids cannot be reused while it is kept.
    _order: tuple | None = field(default=None, init=False, compare=False, repr=False)
    # (the order it was made over, the readers of each node): see `users`
    _users: tuple | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def roots(self) -> list[Node]:
        return self.outputs + self.new_values

    def nodes(self) -> list[Node]:
        """Every node to run, in execution order (a new list each time: callers may change it)."""
        if self.schedule is not None:
            return list(self.schedule)
        roots = self.roots
        key = tuple(id(r) for r in roots)
        if self._order is None or self._order[0] != key:
            self._order = (key, toposort(roots))
        return list(self._order[1])

    def users(self) -> dict[int, list[Node]]:
        """Node id -> the nodes that read it, in `nodes()` order (graphc.ir.consumers), made once while that
        order stays the same (the same schedule list, or the same roots).  Shared: not to be changed.

        The remat search asks a candidate's arena lower bound (graphc.passes.remat_bound), then fuses
        the candidate (graphc.passes.fusion): both walked the same order for it, ~0.07 s at 70k nodes."""
        order = self.schedule
        if order is None:
            self.nodes()  # the order of these roots, made or kept
            order = self._order[1]
        if self._users is None or self._users[0] is not order:
            self._users = (order, consumers(order))
        return self._users[1]

    def keep_order(self, order: list[Node]) -> None:
        """Hand `nodes()` the toposort of the roots that a caller made anyway (specialisation, a
        rewrite that kept every node): passes and planners ask for it again, 0.05 s a walk at 100k nodes."""
        self._order = (tuple(id(r) for r in self.roots), order)

    def share_order(self, new: Program) -> None:
        """Give `new` this program's toposort when its roots are these very nodes (and it has no schedule)."""
        if (self._order is not None and new.schedule is None and len(new.roots) == len(self.roots)
                and same_nodes(new.roots, self.roots)):
            new.keep_order(self._order[1])


def specialize(inputs: Sequence[Node], outputs: Sequence[Node], updates: Sequence[tuple[Node, Node]],
               feed_shapes: Sequence[tuple], substitute: dict[int, Node] | None = None,
               order: Sequence[Node] | None = None) -> Program:
    """Rebuild the graph with each input's feed-time sizes fixed to `feed_shapes`.

    `inputs` may be placeholders or any nodes being fed (TensorFlow lets you feed
    an intermediate tensor); each becomes a placeholder of the fed shape.  Nodes
    whose shapes do not change are reused, so a fully static graph is not copied.  A random
    draw sized by another tensor's feed-time sizes becomes a draw of fixed shape
    (graphc.ops.random.fixed_shape), so no kernel reads that tensor for its shape.  `order`:
    `toposort(outputs + update values)`, when the caller has made it.
    """
    fresh: dict[int, Node] = dict(substitute or {})
    made: set[int] = set()  # the placeholders made here, each for one fed node
    for node, shape in zip(inputs, feed_shapes):
        if node.id in fresh:
            continue
        if node.op is placeholder_op and node.shape == tuple(shape):
            fresh[node.id] = node
        else:
            attrs = {"shape": tuple(shape), "dtype": node.dtype}
            fresh[node.id] = Node(placeholder_op, (), attrs, attrs["shape"], node.dtype, name=node.label,
                                  source=node.source)
            made.add(fresh[node.id].id)
    roots = list(outputs) + [value for _, value in updates]
    walk = toposort(roots) if order is None else order
    # whether every node became one of its own (a fed placeholder itself or a new one made for it, any
    # other node a node over the new nodes of its inputs, in order): the new graph is then the old one
    # renamed, and so is its walk (the new toposort, 0.05 s at 100k nodes, is not made again)
    renamed = True

    def replace(node: Node, new_inputs: list[Node]) -> Node | None:
        nonlocal renamed
        fed = fresh.get(node.id)
        if fed is not None:
            if fed is not node and (node.inputs or fed.id not in made):  # a fed intermediate, a substitute
                renamed = False
            return fed
        drawn = fixed_shape(node, new_inputs)
        if drawn is not None:
            renamed = False
        return drawn

    new_roots, mapping = rebuild(roots, replace, walk)
    new_outputs, new_values = new_roots[: len(outputs)], new_roots[len(outputs):]
    order = [mapping[n.id] for n in walk] if renamed else toposort(new_roots)
    variables = [n for n in order if n.op is variable_op]
    for var, _ in updates:
        if all(v is not var for v in variables):
            variables.append(var)
    index = {v.id: i for i, v in enumerate(variables)}
    program = Program(inputs=[fresh[n.id] for n in inputs], variables=variables, outputs=new_outputs,
                      updated=[index[v.id] for v, _ in updates], new_values=new_values)
    program.keep_order(order)
    return program


def feed_signature(arrays: Sequence[np.ndarray]) -> tuple:
    return tuple([(a.shape, a.dtype) for a in arrays])  # the dtype itself: `.str` builds a string each time
