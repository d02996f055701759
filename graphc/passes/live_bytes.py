"""The lifetimes and live peak of a program run node by node, in one walk over its nodes and no Step.

`graphc.passes.memory_plan.program_live_peak` is what the node-by-node remat judge skips a
candidate by, once per candidate (graphc.passes.remat), and `plan_program_memory` places the
buffers of the programs it keeps: a 100k-node program's Steps, names and lifetimes cost three
times the walk that finds the same lifetimes.  This is that walk: each node is a step writing its
own buffer, a buffer dies at its last reader's step (or its own, when nothing reads it), the roots
never die; and the live peak is the most bytes written and not yet dead at any step (each buffer
aligned as the plan aligns it), the liveness sums done by numpy.

    life = node_lifetimes(program.nodes(), program.roots)          # None: ask memory_plan's Steps
    peak = live_peak_of_nodes(program.nodes(), program.roots, 64)   # None likewise

Both answer None where only the Steps can (memory_plan then builds them): a control node, whose
running bytes and views a plan sizes from its op, or a program a plan refuses (a node run twice,
or read before it runs), so the plan's own error is what is raised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# numpy's bincount sums in float64, exact for integers up to this many bytes
_EXACT_SUM = 2**53


@dataclass
class NodeLifetimes:
    """The steps of a program run node by node: step t runs `nodes[t]` and writes its buffer."""

    nodes: list          # step -> the node it runs (every node of the order but the sources)
    sizes: list[int]     # step -> the bytes its buffer holds (0 where a dimension is known only at run time)
    last: list[int]      # step -> the last step that reads its buffer (the last step for a root's)
    kept: set[int]       # the steps whose buffers are roots': they outlive the run
    sources: list        # the source nodes of the order (placeholders, variables, constants), in order


def node_bytes(node) -> int:
    """The bytes of a node's value: 0 where a dimension is known only at run time (a plan cannot size it)."""
    shape = node.shape
    return 0 if None in shape else math.prod(shape) * node.dtype.itemsize


def node_lifetimes(order, roots) -> NodeLifetimes | None:
    """The lifetimes of `order` run node by node (see the module docstring), or None."""
    sources: list = []
    step_of: dict[int, int] = {}     # node id -> its step; a source's: -1
    nodes: list = []
    last = [0] * (len(order) + 1)    # step -> its last reader's; last[-1] takes the reads of the sources
    t = 0
    try:
        for node in order:
            op = node.op
            if op.kind == "source":
                sources.append(node)
                step_of[node.id] = -1
                continue
            if op.extra and ("memory" in op.extra or "tuple_output" in op.extra):
                return None  # a control node: its running bytes and the views of its results
            step_of[node.id] = t
            for i in node.inputs:
                last[step_of[i.id]] = t  # one lookup per read: a KeyError is a read before the node runs
            last[t] = t
            nodes.append(node)
            t += 1
    except KeyError:
        return None
    if len(step_of) != t + len({node.id for node in sources}):
        return None  # a node run twice
    del last[t:]
    prod = math.prod  # node_bytes, inlined: per node
    sizes = [0 if None in (shape := node.shape) else prod(shape) * node.dtype.itemsize for node in nodes]
    kept = {step_of[root.id] for root in roots if step_of.get(root.id, -1) >= 0}
    for s in kept:
        last[s] = t - 1
    return NodeLifetimes(nodes, sizes, last, kept, sources)


def live_peak_of_nodes(order, roots, alignment: int) -> int | None:
    """The most bytes live at once when `order` runs node by node (see the module docstring), or None."""
    life = node_lifetimes(order, roots)
    if life is None:
        return None
    end = len(life.sizes)
    if not end:
        return 0
    if sum(life.sizes) >= _EXACT_SUM:  # (also: each size fits numpy's int64, aligned)
        return None
    written = -(-np.array(life.sizes, dtype=np.int64) // alignment) * alignment
    if int(written.sum()) >= _EXACT_SUM:
        return None
    dies = np.array(life.last, dtype=np.int64)
    dies[list(life.kept)] = end  # kept to the end: freed after no step
    freed = np.bincount(dies, weights=written, minlength=end + 1)[:end].astype(np.int64)
    # at step t: everything written up to t, less what died after the steps before t
    live = np.cumsum(written)
    live[1:] -= np.cumsum(freed)[:-1]
    return max(int(live.max()), 0)
