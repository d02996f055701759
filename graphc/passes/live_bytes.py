"""The live peak of a program run node by node, in one walk over its nodes and no Step.

`graphc.passes.memory_plan.program_live_peak` is what the node-by-node remat judge skips a
candidate by, once per candidate (graphc.passes.remat): a 100k-node program's Steps, names and
lifetimes cost three times the walk that finds the same peak.  This is that walk: each node is a
step writing its own buffer (aligned as the plan aligns it), a buffer dies at its last reader's
step (or its own, when nothing reads it), the roots never die, and the peak is the most bytes
written and not yet dead at any step, the liveness sums done by numpy.

    peak = live_peak_of_nodes(program.nodes(), program.roots, 64)   # None: ask memory_plan's Steps

It answers None where only the Steps can (`program_live_peak` then builds them): a control node,
whose running bytes and views a plan sizes from its op, or a program a plan refuses (a node run
twice, or read before it runs), so the plan's own error is what is raised.
"""

from __future__ import annotations

import math

import numpy as np

# numpy's bincount sums in float64, exact for integers up to this many bytes
_EXACT_SUM = 2**53


def live_peak_of_nodes(order, roots, alignment: int) -> int | None:
    """The most bytes live at once when `order` runs node by node (see the module docstring), or None."""
    step_of: dict[int, int] = {}   # node id -> its step
    sizes: list[int] = []          # aligned bytes each step writes
    dies: list[int] = []           # the step each step's buffer dies after
    prod = math.prod
    for node in order:
        op = node.op
        if op.kind == "source":
            continue
        if op.extra and ("memory" in op.extra or "tuple_output" in op.extra):
            return None  # a control node: its running bytes and the views of its results
        t = len(sizes)
        if step_of.setdefault(node.id, t) != t:
            return None  # run twice
        for i in node.inputs:
            s = step_of.get(i.id)
            if s is not None:
                dies[s] = t
            elif i.op.kind != "source":
                return None  # read before it runs
        shape = node.shape
        size = 0 if None in shape else prod(shape) * node.dtype.itemsize
        sizes.append(-(-size // alignment) * alignment)
        dies.append(t)
    end = len(sizes)
    if not end:
        return 0
    for root in roots:
        s = step_of.get(root.id)
        if s is not None:
            dies[s] = end  # kept to the end: freed after no step
    written = np.array(sizes, dtype=np.int64)
    if int(written.sum()) >= _EXACT_SUM:
        return None
    freed = np.bincount(np.array(dies, dtype=np.int64), weights=written, minlength=end + 1)[:end].astype(np.int64)
    # at step t: everything written up to t, less what died after the steps before t
    live = np.cumsum(written)
    live[1:] -= np.cumsum(freed)[:-1]
    return max(int(live.max()), 0)
