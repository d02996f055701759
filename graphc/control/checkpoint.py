"""Rematerialization inside scans: the backward sweep of a scan of T steps over about √T checkpoints.

A scan's VJP (graphc/control/loops.py) reads the carry before every step from the scan's
recording twin: T carries held at once.  Under `remat` (any strategy but "none"), this rewrite
replaces such a pair (recording twin T, backward sweep B) by

  * a forward scan over S segments of K steps (K the divisor of T nearest √T), each segment an
    inner scan of the same body, that keeps only each segment's first carry: S checkpoints;
  * a backward scan over the segments in the other direction whose body recomputes the
    segment's K carries from its checkpoint (the recording twin of one segment) and runs B's own
    body over them.

So at most S + K carries live at once instead of T, for one more forward pass.  Every step runs
the same body on the same values in the same order, and B's carry (the cotangents, summed over
the steps) passes through the segments in the order it passed through the steps: the gradients
are bitwise equal to the unrewritten ones.  A trip count with no divisor near √T (a prime T) is
left as it is, and so is a twin whose results anything else reads.

graphc/control/while_checkpoint.py does the same for while loops (whose trip count is known only at
run time), and `checkpoint_loops` there is what remat runs: both rewrites.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from graphc.control.loop_compute import scan_parts
from graphc.control.loops import build_scan, scan_op
from graphc.control.results import control_result_op, results_of
from graphc.ir import Node, consumers
from graphc.ops import reshape
from graphc.ops.registry import make_node
from graphc.program import Program
from graphc.rewrite import rebuild


def segment_length(steps: int) -> int | None:
    """The divisor of `steps` nearest √steps that makes at least two segments of two steps, or None."""
    divisors = [k for k in range(2, steps // 2 + 1) if steps % k == 0]
    return min(divisors, key=lambda k: abs(k - math.sqrt(steps)), default=None)


def checkpoint_scans(program: Program) -> Program:
    """`program` with each scan's backward sweep over √T checkpoints (see the module's docstring)."""
    return rewrite_sweeps(program, _sweep_over_twin, _checkpointed)


def rewrite_sweeps(program: Program, twin_of: Callable, checkpointed: Callable) -> Program:
    """`program` with the results of each backward sweep that `twin_of(node, users)` finds a twin for
    replaced by `checkpointed(sweep)`'s (the sweep rebuilt over the program's rewritten inputs)."""
    order = program.nodes()
    if not any(node.op is scan_op for node in order):  # every sweep is a scan: none, no users map to build
        return program
    users = consumers(order)
    sweeps = {node.id for node in order if twin_of(node, users) is not None}
    if not sweeps:
        return program
    built: dict[int, list[Node]] = {}

    def replace(node: Node, new_inputs: list[Node]) -> Node | None:
        if node.op is not control_result_op or node.inputs[0].id not in sweeps:
            return None
        sweep = new_inputs[0]
        if sweep.id not in built:
            built[sweep.id] = checkpointed(sweep)
        return built[sweep.id][node.attrs["index"]]

    roots, _ = rebuild(program.roots, replace)
    n_out = len(program.outputs)
    return Program(inputs=program.inputs, variables=program.variables, outputs=roots[:n_out],
                   updated=program.updated, new_values=roots[n_out:])


def recording_twin_of(node: Node, users, twin_op, first_stack: Callable[[Node], int]) -> Node | None:
    """The recording `twin_op` node whose n stacked carries (its results from `first_stack(twin)` on) are the
    first xs of the plain scan `node` (a backward sweep), when the twin's results feed `node` only (else the
    twin stays, and a rewrite of the sweep saves nothing)."""
    if node.op is not scan_op or node.attrs["record"]:
        return None
    _, xs, _ = scan_parts(node.inputs, node.attrs)
    if not xs or xs[0].op is not control_result_op or xs[0].inputs[0].op is not twin_op:
        return None
    twin = xs[0].inputs[0]
    n, first = twin.attrs["n_carry"], first_stack(twin)
    if not twin.attrs["record"] or len(xs) < n or not all(
            x.op is control_result_op and x.inputs[0] is twin and x.attrs["index"] == first + i
            for i, x in enumerate(xs[:n])):
        return None
    readers = [r for result in users[twin.id] for r in users[result.id]]
    if any(r is not node for r in readers) or any(r.op is not control_result_op for r in users[twin.id]):
        return None
    return twin


def _sweep_over_twin(node: Node, users) -> Node | None:
    """The recording twin whose stacked carries the backward sweep `node` runs over, when the rewrite applies."""
    twin = recording_twin_of(node, users, scan_op, lambda t: len(t.attrs["body"].outputs))
    if twin is None:
        return None
    _, xs, _ = scan_parts(node.inputs, node.attrs)
    n = twin.attrs["n_carry"]
    _, twin_xs, _ = scan_parts(twin.inputs, twin.attrs)
    steps = xs[0].shape[0]
    if (len(xs) < n + len(twin_xs) or any(a is not b for a, b in zip(xs[n:n + len(twin_xs)], twin_xs))
            or node.attrs["reverse"] == twin.attrs["reverse"] or steps is None or segment_length(steps) is None):
        return None
    return twin


def _segments(x: Node, count: int, size: int) -> Node:
    return reshape(x, (count, size, *x.shape[1:]))


def _checkpointed(sweep: Node) -> list[Node]:
    """The results of `sweep` (a backward scan over a recording twin's stacks), computed over checkpoints."""
    init, xs, captures = scan_parts(sweep.inputs, sweep.attrs)
    twin = xs[0].inputs[0]
    t_init, t_xs, t_caps = scan_parts(twin.inputs, twin.attrs)
    n, steps = twin.attrs["n_carry"], xs[0].shape[0]
    size = segment_length(steps)
    count = steps // size
    first_stack = len(twin.attrs["body"].outputs)
    plain = {**twin.attrs, "record": False, "length": None if t_xs else size}
    recording = {**plain, "record": True}
    others = [_segments(x, count, size) for x in xs[n:]]  # the twin's xs, then the cotangents of ys and stacks

    def forward(*args):
        carry = args[:n]
        inner = results_of(make_node(scan_op, (*carry, *args[n:], *t_caps), plain, source=twin.source))
        return inner[:n], list(carry)  # the carry each segment starts from: its checkpoint

    ahead = build_scan(forward, t_init, others[:len(t_xs)], None if t_xs else count, twin.attrs["reverse"],
                       name="scan checkpoints", source=twin.source)
    checkpoints = ahead[n:2 * n]
    nb = len(init)

    def backward(*args):
        carry, start, segment = args[:nb], args[nb:nb + n], args[nb + n:]
        recomputed = results_of(make_node(scan_op, (*start, *segment[:len(t_xs)], *t_caps), recording,
                                          source=twin.source))
        stacks = recomputed[first_stack:first_stack + n]
        inner = results_of(make_node(scan_op, (*carry, *stacks, *segment, *captures), sweep.attrs,
                                     source=sweep.source))
        return inner[:nb], inner[nb:]

    out = build_scan(backward, init, [*checkpoints, *others], None, sweep.attrs["reverse"],
                     name="scan checkpointed VJP", source=sweep.source)
    return out[:nb] + [reshape(y, (steps, *y.shape[2:])) for y in out[nb:]]
