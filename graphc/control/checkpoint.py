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

from graphc.control.loop_compute import scan_length, scan_parts
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
    return rewrite_sweeps(program, _sweep_over_twin, _checkpointed, _ahead)


def rewrite_sweeps(program: Program, twin_of: Callable, checkpointed: Callable, forward: Callable | None = None
                   ) -> Program:
    """`program` with the results of each backward sweep that `twin_of(node, users)` finds a twin for
    replaced by `checkpointed(sweep)`'s (the sweep rebuilt over the program's rewritten inputs).

    With `forward(loop)` (the forward pass over checkpoints of a loop like the twin, whose first results are
    the loop's final carries), the sweep is `checkpointed(sweep, forward(twin))`, and a plain loop that the
    twin records (the same inputs and body: the loop whose value the program uses) reads its final carries
    from that forward pass too, instead of running its steps a third time."""
    order = program.nodes()
    if not any(node.op is scan_op for node in order):  # every sweep is a scan: none, no users map to build
        return program
    users = consumers(order)
    twins = {node.id: twin for node in order if (twin := twin_of(node, users)) is not None}
    if not twins:
        return program
    plain = {node.id: twin.id for node in order for twin in twins.values()
             if node.op is twin.op and same_loop(node, twin)} if forward is not None else {}
    built: dict[int, list[Node]] = {}
    aheads: dict[int, list[Node]] = {}  # twin id -> the forward pass over checkpoints

    def ahead(twin_id: int, loop: Node) -> list[Node]:
        if twin_id not in aheads:
            aheads[twin_id] = forward(loop)
        return aheads[twin_id]

    def replace(node: Node, new_inputs: list[Node]) -> Node | None:
        if node.op is not control_result_op:
            return None
        source, index = node.inputs[0].id, node.attrs["index"]
        if source in plain and index < node.inputs[0].attrs["n_carry"]:
            return ahead(plain[source], new_inputs[0])[index]
        if source not in twins:
            return None
        sweep = new_inputs[0]
        if sweep.id not in built:
            if forward is None:
                built[sweep.id] = checkpointed(sweep)
            else:
                twin = scan_parts(sweep.inputs, sweep.attrs)[1][0].inputs[0]
                built[sweep.id] = checkpointed(sweep, ahead(twins[source].id, twin))
        return built[sweep.id][index]

    roots, _ = rebuild(program.roots, replace)
    n_out = len(program.outputs)
    return Program(inputs=program.inputs, variables=program.variables, outputs=roots[:n_out],
                   updated=program.updated, new_values=roots[n_out:])


def share_recorded_loops(program: Program) -> Program:
    """`program` with each plain scan whose recording twin also runs (a loop and its gradient's twin, under
    remat="none") read from the twin: the twin's first results are the loop's, computed by the same body on the
    same values, so the loop's steps need not run twice."""
    order = program.nodes()
    twins = [node for node in order if node.op is scan_op and node.attrs["record"]]
    plain = {node.id: twin for node in order if node.op is scan_op for twin in twins if same_loop(node, twin)}
    if not plain:
        return program
    twin_ids = {twin.id for twin in plain.values()}
    walk: list[Node] = []  # each twin right after its plain loop (their inputs are the same), so that it is
    placed: set[int] = set()  # rebuilt before the loop's results are redirected to it
    for node in order:
        if node.id in twin_ids:
            continue
        walk.append(node)
        if node.id in plain and plain[node.id].id not in placed:
            walk.append(plain[node.id])
            placed.add(plain[node.id].id)
    twin_now: dict[int, Node] = {}

    def replace(node: Node, new_inputs: list[Node]) -> Node | None:
        if node.op is control_result_op and node.inputs[0].id in plain:
            return make_node(control_result_op, (twin_now[plain[node.inputs[0].id].id],), node.attrs,
                             source=node.source)
        if node.op is scan_op and node.attrs["record"]:  # as rebuild makes it, kept for the redirected results
            twin_now[node.id] = node if all(a is b for a, b in zip(new_inputs, node.inputs)) else make_node(
                node.op, new_inputs, node.attrs, name=node.name, source=node.source)
            return twin_now[node.id]
        return None

    roots, _ = rebuild(program.roots, replace, order=walk)
    n_out = len(program.outputs)
    return Program(inputs=program.inputs, variables=program.variables, outputs=roots[:n_out],
                   updated=program.updated, new_values=roots[n_out:])


def same_loop(plain: Node, twin: Node) -> bool:
    """Whether `twin` is the recording twin of the loop `plain`: the same inputs and attributes but `record`."""
    return (not plain.attrs["record"] and len(plain.inputs) == len(twin.inputs)
            and all(a is b for a, b in zip(plain.inputs, twin.inputs))
            and {**plain.attrs, "record": True} == twin.attrs)


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


def _ahead(loop: Node) -> list[Node]:
    """A forward scan over the segments of `loop` (a scan, or its recording twin), each segment an inner scan of
    its body: (the loop's final carries, the carry each segment starts from, stacked: the checkpoints)."""
    t_init, t_xs, t_caps = scan_parts(loop.inputs, loop.attrs)
    n, steps = loop.attrs["n_carry"], scan_length(t_xs, loop.attrs)
    size = segment_length(steps)
    count = steps // size
    plain = {**loop.attrs, "record": False, "length": None if t_xs else size}

    def forward(*args):
        carry = args[:n]
        inner = results_of(make_node(scan_op, (*carry, *args[n:], *t_caps), plain, source=loop.source))
        return inner[:n], list(carry)  # the carry each segment starts from: its checkpoint

    return build_scan(forward, t_init, [_segments(x, count, size) for x in t_xs], None if t_xs else count,
                      loop.attrs["reverse"], name="scan checkpoints", source=loop.source)


def _checkpointed(sweep: Node, ahead: list[Node]) -> list[Node]:
    """The results of `sweep` (a backward scan over a recording twin's stacks), computed over the checkpoints
    `ahead` keeps (`_ahead` of the twin).  The sweep's carries that start as the twin's final carries (the
    carry after the step it differentiates: graphc.control.loops._reverse_sweep) start as `ahead`'s, and each
    segment's as the carry its recomputation ends with."""
    init, xs, captures = scan_parts(sweep.inputs, sweep.attrs)
    twin = xs[0].inputs[0]
    _, t_xs, t_caps = scan_parts(twin.inputs, twin.attrs)
    n, steps = twin.attrs["n_carry"], xs[0].shape[0]
    size = segment_length(steps)
    count = steps // size
    first_stack = len(twin.attrs["body"].outputs)
    recording = {**twin.attrs, "length": None if t_xs else size}
    others = [_segments(x, count, size) for x in xs[n:]]  # the twin's xs, then the cotangents of ys and stacks
    finals = {j: v.attrs["index"] for j, v in enumerate(init)
              if v.op is control_result_op and v.inputs[0] is twin and v.attrs["index"] < n}
    checkpoints = ahead[n:2 * n]
    nb = len(init)

    def backward(*args):
        carry, start, segment = list(args[:nb]), args[nb:nb + n], args[nb + n:]
        recomputed = results_of(make_node(scan_op, (*start, *segment[:len(t_xs)], *t_caps), recording,
                                          source=twin.source))
        stacks = recomputed[first_stack:first_stack + n]
        for j, i in finals.items():
            carry[j] = recomputed[i]
        inner = results_of(make_node(scan_op, (*carry, *stacks, *segment, *captures), sweep.attrs,
                                     source=sweep.source))
        return inner[:nb], inner[nb:]

    start = [ahead[finals[j]] if j in finals else v for j, v in enumerate(init)]
    out = build_scan(backward, start, [*checkpoints, *others], None, sweep.attrs["reverse"],
                     name="scan checkpointed VJP", source=sweep.source)
    return out[:nb] + [reshape(y, (steps, *y.shape[2:])) for y in out[nb:]]
