"""Differentiating a body: the cotangent and tangent maps of one run of a traced body, as graph nodes.

The control constructs' derivative rules are themselves control constructs whose bodies
call these: a cond's VJP is a cond of the branches' VJPs, a loop's VJP a reverse scan of
the body's VJP.  Both are built from `inline`d copies of the body with the public `grad`
and `jvp`, so every derivative is again an ordinary differentiable graph (any order).
"""

from __future__ import annotations

from collections.abc import Sequence

from graphc.autodiff.forward import jvp
from graphc.autodiff.reverse import grad
from graphc.control.subgraph import Subgraph, inline
from graphc.ir import Node
from graphc.ops import sum as reduce_sum
from graphc.rewrite import rebuild


def is_float(node_or_type) -> bool:
    dtype = node_or_type.dtype if isinstance(node_or_type, Node) else node_or_type[1]
    return dtype.kind == "f"


def body_vjp(body: Subgraph, args: Sequence[Node], cotangents: dict[int, Node], bound: dict[int, Node],
             wrt_args: Sequence[int], wrt: Sequence[Node], known: dict[int, Node] | None = None) -> list[Node]:
    """Cotangents of the body's arguments `wrt_args` (indices into args) and of the outer nodes `wrt`.

    `cotangents` maps output index -> its cotangent; the body runs once more (inlined) over `args`,
    its captures read from `bound` (see `inline`).  `known` maps output index -> a node that holds that
    output's value already (a loop's recorded next carry): the derivatives read it where they read the
    output (tanh's rule reads tanh(x)), so the body's work that only made that output is not run again.
    """
    outputs = inline(body, args, bound)
    targets = [args[i] for i in wrt_args] + list(wrt)
    terms = [reduce_sum(outputs[i] * g) for i, g in cotangents.items() if is_float(outputs[i])]
    if not terms or not targets:
        from graphc.ops import zeros_like

        return [zeros_like(t) for t in targets]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    grads = list(grad(total, targets))
    read_instead = {outputs[i].id: value for i, value in (known or {}).items() if body.computes(i)}
    if not read_instead:
        return grads
    return rebuild(grads, lambda node, new_inputs: read_instead.get(node.id))[0]


def body_jvp(body: Subgraph, args: Sequence[Node], tangents: dict[int, Node], bound: dict[int, Node],
             wrt: Sequence[Node], wrt_tangents: Sequence[Node],
             outputs_wanted: Sequence[int]) -> tuple[list[Node], list[Node]]:
    """(outputs, tangents of `outputs_wanted`) of one run of the body over `args`.

    `tangents` maps argument index -> its tangent; `wrt`/`wrt_tangents` the outer nodes with theirs.
    """
    outputs = inline(body, args, bound)
    xs = [args[i] for i in tangents] + list(wrt)
    ts = list(tangents.values()) + list(wrt_tangents)
    wanted = [outputs[i] for i in outputs_wanted]
    if not wanted:
        return outputs, []
    if not xs:
        from graphc.ops import zeros_like

        return outputs, [zeros_like(w) for w in wanted]
    return outputs, list(jvp(wanted, xs, ts))


class CaptureBinding:
    """How a derivative body reads the captures of the construct it differentiates.

    The captures it differentiates with respect to are handed in as operands (or loop carries)
    and bound to the body's parameters, never read as outer nodes: `grad` over outer nodes
    would take total derivatives (through a capture computed from another capture, counting
    that path twice), where a construct's rule needs the partial derivative in each input.
    The others are read as they are.
    """

    def __init__(self, originals: Sequence[Node], now: Sequence[Node], differentiated: Sequence[bool]):
        self.fixed = {o.id: c for o, c, d in zip(originals, now, differentiated) if not d}
        self.ids = [o.id for o, d in zip(originals, differentiated) if d]
        self.values = [c for c, d in zip(now, differentiated) if d]

    def bind(self, params: Sequence[Node]) -> dict[int, Node]:
        """The `bound` map of `inline` with the differentiated captures read from `params`."""
        return {**self.fixed, **dict(zip(self.ids, params))}
