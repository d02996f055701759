"""Rewriting a graph: the one place passes and specialisation copy a graph with some nodes replaced.

Apart from graphc/ir.py because a rebuilt node's shape is inferred again by its op
(`remake_node`), and the ops build on the IR: the IR itself imports no op.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphc.ir import Node, same_nodes, toposort
from graphc.ops.registry import remake_node


def rebuild(outputs: Sequence[Node], replace,
            order: Sequence[Node] | None = None) -> tuple[list[Node], dict[int, Node]]:
    """Copy the graph of `outputs`, letting `replace(node, new_inputs)` return a substitute.

    `replace` returns a Node, or None to rebuild the node as it was over its new
    inputs (reusing the original when no input changed).  Returns the new
    outputs and the map from old node ids to new nodes.  This is the one place
    passes and specialisation rewrite graphs.  `order`: `toposort(outputs)`, when the caller has it.
    """
    mapping: dict[int, Node] = {}
    for node in toposort(outputs) if order is None else order:
        new_inputs = [mapping[i.id] for i in node.inputs]
        new = replace(node, new_inputs)
        if new is None:
            if same_nodes(new_inputs, node.inputs):
                new = node
            else:
                new = remake_node(node, new_inputs)
        mapping[node.id] = new
    return [mapping[o.id] for o in outputs], mapping
