"""The results of a control-flow node, and how derivatives pass through them.

A control-flow node computes several values at once (a loop's carries and stacked
outputs), so its value is a tuple of arrays; `control_result` nodes pick each element,
and they are what users hold.  The node itself declares a shape of (bytes,) uint8, the
size of all its results together, so memory accounting that knows nothing of control
flow still counts what it holds.

During differentiation a control node's cotangent (or tangent) is a `Parts`: the
cotangents of the results that have one, by index.  It is a Python object of the
differentiation, never a value at run time: the control node's own rule reads its parts.
A control node's VJP is also told which inputs want a cotangent (`extra["vjp_takes_wanted"]`):
a loop computes a stacked cotangent of its xs only when someone differentiates by them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from graphc.ir import Node
from graphc.ops.registry import Op, make_node

BYTES = np.dtype(np.uint8)


class Parts(dict):
    """index -> cotangent (or tangent) node of a control node's results; absent means zero."""

    def __add__(self, other: Parts) -> Parts:
        merged = Parts(self)
        for index, value in other.items():
            merged[index] = merged[index] + value if index in merged else value
        return merged


def result_types(node: Node) -> list[tuple]:
    """[(shape, dtype)] of a control node's results."""
    return node.op.extra["results"](node.inputs, node.attrs)


def packed_type(types: Sequence[tuple]) -> tuple:
    """The (shape, dtype) a control node declares: (total bytes,) uint8, None when a size is dynamic."""
    total = 0
    for shape, dtype in types:
        if any(d is None for d in shape):
            return (None,), BYTES
        total += int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    return (total,), BYTES


def control_op(name: str, results: Callable, compute: Callable, vjp: Callable, jvp: Callable, doc: str,
               attributes: dict, capture_start: Callable, check: Callable | None = None,
               memory: Callable | None = None) -> Op:
    """Register a control-flow op: `results(inputs, attrs)` its result types, `check` its construction rules,
    `capture_start(attrs)` where its captured inputs begin (the graph format rebuilds attrs["captures"]),
    `memory(node, plan_body)` what it holds while it runs (graphc/control/loop_memory.py, for memory plans)."""
    def infer(inputs, attrs):
        if check is not None:
            check(inputs, attrs)
        return packed_type(results(inputs, attrs))

    return Op(name, "control", infer, compute, vjp=vjp, jvp=jvp, doc=doc, arity=(0, None), attributes=attributes,
              extra={"tuple_output": True, "results": results, "capture_start": capture_start,
                     "vjp_takes_wanted": True, "memory": memory})


def _result_infer(inputs, attrs):
    return result_types(inputs[0])[attrs["index"]]


def _result_vjp(node: Node, g: Node):
    return [Parts({node.attrs["index"]: g})]


def _result_jvp(node: Node, tangents):
    parts = tangents[0]
    return None if parts is None else parts.get(node.attrs["index"])


control_result_op = Op("control_result", "control", _result_infer, lambda attrs, values: values[attrs["index"]],
                       vjp=_result_vjp, jvp=_result_jvp, arity=1, attributes={"index": "count"},
                       doc="One result of a control-flow node (cond, while_loop, scan).",
                       describe=lambda node: f"result {node.attrs['index']}")


def results_of(node: Node) -> list[Node]:
    """One `control_result` node per result of the control node `node`."""
    return [make_node(control_result_op, (node,), {"index": i}, source=node.source)
            for i in range(len(result_types(node)))]


def cotangents(node: Node, g: Parts | None, indices: Sequence[int], outputs: Sequence[Node]) -> list[Node]:
    """The cotangents of results `indices` of `node`: the parts given, zeros of the result's shape for others."""
    from graphc.ops import zeros_like

    g = g or Parts()
    return [g[i] if i in g else zeros_like(outputs[k]) for k, i in enumerate(indices)]
