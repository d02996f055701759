"""The order of a program with host-run nodes: compiled segments, and host steps between them.

    steps = plan_steps(program)
    # [Segment([...forward, backward up to the last layer's gradients...]), Start(c0),
    #  Segment([...backward of the layer below...]), Start(c1), ..., Segment([loss, accuracy]),
    #  Wait(c0), Wait(c1), ..., Segment([unpacking the buckets, the optimizer's update])]

Why this order: a collective is started as soon as its input is computed, and
waited for only when something needs its result, so the communication of one
gradient bucket runs while the kernels of the layers below compute theirs.  The
collectives are started in the order their inputs become ready (fewest
ancestors first: the last layer's gradients come first in a backward pass),
then whatever the fetched outputs need that no collective feeds is computed
(the loss, an accuracy: more work to hide the communication behind), and only
then are the results waited for; everything else (the optimizer's update) comes
last, in one segment.
Every rank derives the same order from the same graph, which MPI requires.

Any other node whose op `runs_on_host` (LAPACK's factorizations of graphc.linalg)
is a `HostStep`: its segment ends before it, its numpy `compute` runs on the
arrays of its inputs, and the next segment starts after it.  It is synchronous:
nothing overlaps it, and it needs no agreement between ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphc.ir import Node, toposort
from graphc.ops.collective import is_collective
from graphc.program import Program


@dataclass
class Segment:
    nodes: list[Node] = field(default_factory=list)  # computed here, in order (no sources, no collectives)


@dataclass
class Start:
    node: Node  # a collective: its input is ready


@dataclass
class Wait:
    node: Node  # a collective started earlier: its result is needed from here on


@dataclass
class HostStep:
    node: Node  # runs on the host (its op's numpy compute) when its inputs exist, and is done when it returns


def collectives(program: Program) -> list[Node]:
    return [n for n in program.nodes() if is_collective(n)]


def execution_order(program: Program) -> tuple[list[Node], int]:
    """Every node of the program: collectives as early as their inputs allow, their readers as late as
    possible; and where the last part starts (what runs after the waits: the update)."""
    everything = toposort(program.roots)
    found = [n for n in everything if is_collective(n)]
    position = {n.id: i for i, n in enumerate(everything)}
    ready_order = sorted(found, key=lambda c: (len(toposort([c])), position[c.id]))
    first = toposort(ready_order)
    placed = {n.id for n in first}
    fed = set()  # nodes that read a collective's result, directly or not
    for node in everything:
        if is_collective(node) or any(i.id in fed for i in node.inputs):
            fed.add(node.id)
    # what the outputs need that no collective feeds (not the parts of an update that could be
    # computed early: they would cross the cut as arrays, written and read again for nothing)
    independent = [n for n in toposort(program.outputs) if n.id not in placed and n.id not in fed]
    placed.update(n.id for n in independent)
    return first + independent + [n for n in everything if n.id not in placed], len(first) + len(independent)


def plan_steps(program: Program, overlap: bool = True) -> list[Segment | Start | Wait | HostStep]:
    """The program as segments of computation between the starts and waits of its collectives and its
    other host steps.

    The first read of any collective's result waits for every collective started so far:
    one segment then computes everything that follows (the optimizer's update of every
    bucket), instead of one small compiled segment per bucket.  `overlap=False` waits for
    each collective as soon as it is started (what the benchmark compares against).
    """
    steps: list[Segment | Start | Wait | HostStep] = []
    current = Segment()
    started: list[Node] = []
    waited: set[int] = set()

    def close_segment():
        nonlocal current
        if current.nodes:
            steps.append(current)
            current = Segment()

    def wait_for_started():
        close_segment()
        for c in started:
            if c.id not in waited:
                steps.append(Wait(c))
                waited.add(c.id)

    order, last_part = execution_order(program)
    for position, node in enumerate(order):
        if position == last_part:
            wait_for_started()
        if node.op.kind == "source":
            continue
        if any(is_collective(i) and i.id not in waited for i in node.inputs):
            wait_for_started()
        if is_collective(node):
            close_segment()
            steps.append(Start(node))
            started.append(node)
            if not overlap:
                wait_for_started()
        elif node.op.runs_on_host:
            close_segment()
            steps.append(HostStep(node))
        else:
            current.nodes.append(node)
    wait_for_started()
    return steps
