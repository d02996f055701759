"""Rematerialization inside while loops: the backward sweep of a loop of T steps over about √T checkpoints.

A while loop's VJP (graphc/control/loops.py) reads the carry before every step from the loop's
recording twin: T carries held at once, T known only when the loop has run.  Under `remat` (any
strategy but "none") this rewrite replaces such a pair (recording twin, backward sweep B) by

  * a `while_checkpoints` node: the same loop (the same condition and body) keeping only the carry
    before every K-th step, K doubling while the loop runs so that about √T are kept whatever T
    turns out to be (graphc/control/loop_compute.py, `while_checkpoint_compute`); it also returns
    each segment's length (K, the last one what is left);
  * a backward scan over those segments, last first, whose body recomputes its segment's carries
    from its checkpoint (a `while_steps` node: the same body, run the segment's length times) and
    runs B's own body over them.

The doubling scheme, not a spacing chosen after a first counting pass: one forward pass finds the
checkpoints, as for a scan, and K + T/K ≤ 2.2√T carries are alive instead of T.  Every step runs the
same body (the same subgraph: on a compiled backend, the same compiled body) on the same values in
the same order, and B's carry passes through the segments as it passed through the steps: the
gradients are bitwise equal to the unrewritten ones.  A sweep that reads anything else of the twin
(the cotangents of its stacks, at second order) is left as it is.

`checkpoint_loops` is what remat runs on loops: graphc/control/checkpoint.py's rewrite of scans, then this.
"""

from __future__ import annotations

from graphc.control.checkpoint import checkpoint_scans, recording_twin_of, rewrite_sweeps
from graphc.control.loop_compute import (
    scan_parts,
    while_check,
    while_checkpoint_compute,
    while_checkpoint_results,
    while_parts,
    while_steps_compute,
    while_steps_parts,
    while_steps_results,
)
from graphc.control.loop_memory import while_checkpoints_memory, while_steps_memory
from graphc.control.loops import build_scan, scan_op, while_op
from graphc.control.results import control_op, results_of
from graphc.control.subgraph import describe_type, same_type, types_of
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node
from graphc.ops.registry import make_node
from graphc.program import Program


def checkpoint_loops(program: Program) -> Program:
    """`program` with the backward sweep of each scan and while loop over about √T checkpoints: what remat
    runs on loops (graphc/pipeline.py, and compiled backends' control flow)."""
    return checkpoint_while_loops(checkpoint_scans(program))


def checkpoint_while_loops(program: Program) -> Program:
    """`program` with each while loop's backward sweep over √T checkpoints (see the module's docstring)."""
    return rewrite_sweeps(program, _sweep_over_while_twin, _checkpointed)


def _sweep_over_while_twin(node: Node, users) -> Node | None:
    """The recording while loop whose stacked carries the backward sweep `node` runs over, when the rewrite
    applies: the sweep reads exactly the twin's n stacks, stacks nothing itself, and is the twin's only reader."""
    twin = recording_twin_of(node, users, while_op, lambda t: t.attrs["n_carry"] + 1)
    if twin is None or not node.attrs["reverse"]:
        return None
    n_ys = len(node.attrs["body"].outputs) - node.attrs["n_carry"]
    return twin if node.attrs["n_xs"] == twin.attrs["n_carry"] and n_ys == 0 else None


def _checkpointed(sweep: Node) -> list[Node]:
    """The results of `sweep` (a backward scan over a recording while loop's stacks), over checkpoints."""
    init, xs, captures = scan_parts(sweep.inputs, sweep.attrs)
    twin = xs[0].inputs[0]
    t_init, t_caps = while_parts(twin.inputs, twin.attrs)
    n, nb = twin.attrs["n_carry"], len(init)
    body = twin.attrs["body"]
    kept = results_of(make_node(while_checkpoints_op, twin.inputs,
                                {key: twin.attrs[key] for key in ("cond", "body", "n_carry", "max_iterations",
                                                                  "where", "captures")}, source=twin.source))
    lengths, starts = kept[n + 1], kept[n + 2:n + 2 + n]

    def backward(*args):
        carry, steps, start = args[:nb], args[nb], args[nb + 1:]
        stacks = results_of(make_node(while_steps_op, (*start, steps, *t_caps),
                                      {"body": body, "n_carry": n, "captures": twin.attrs["captures"]},
                                      source=twin.source))
        inner = results_of(make_node(scan_op, (*carry, *stacks, *captures), sweep.attrs, source=sweep.source))
        return inner[:nb], []

    return build_scan(backward, init, [lengths, *starts], None, True, name="while_loop checkpointed VJP",
                      source=sweep.source)


def _built_after_differentiation(node: Node, *_):
    raise GraphcError(f"{node.op.name} is built by rematerialization, after differentiation: differentiate the "
                      "while_loop it came from instead")


def _steps_check(inputs, attrs):
    start, steps, captures = while_steps_parts(inputs, attrs)
    if steps.shape != () or steps.dtype.kind not in "iu":
        raise ShapeError(f"while_steps: the number of steps must be a scalar int, got "
                         f"{describe_type(steps.shape, steps.dtype)}")
    params = types_of(attrs["body"].params)
    if len(params) != len(start) or not all(same_type(a, b) for a, b in zip(types_of(start), params)):
        raise ShapeError("while_steps: the carries do not match the body's parameters")
    if len(captures) != len(attrs["captures"]):
        raise ShapeError(f"{len(captures)} captured values given for {len(attrs['captures'])}")


while_checkpoints_op = control_op(
    "while_checkpoints", while_checkpoint_results, while_checkpoint_compute, _built_after_differentiation,
    _built_after_differentiation, check=while_check,
    attributes={"cond": "subgraph", "body": "subgraph", "n_carry": "count", "max_iterations": "optional_count",
                "where": "text"},
    capture_start=lambda attrs: attrs["n_carry"], memory=while_checkpoints_memory,
    doc="A while loop (remat) that keeps the carry before every K-th step, K doubling as it runs: about √T.")
while_steps_op = control_op(
    "while_steps", while_steps_results, while_steps_compute, _built_after_differentiation,
    _built_after_differentiation, check=_steps_check,
    attributes={"body": "subgraph", "n_carry": "count"},
    capture_start=lambda attrs: attrs["n_carry"] + 1, memory=while_steps_memory,
    doc="Runs a while loop's body a given number of times from a checkpoint (remat), stacking each carry.")

__all__ = ["checkpoint_loops", "checkpoint_while_loops", "while_checkpoints_op", "while_steps_op"]
