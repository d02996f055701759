"""Rematerialisation, first step: which nodes are the forward pass, which the backward, what is stashed.

How the graph is read (a structural rule, no tags from autodiff needed):
  * *Seeds* are the cotangents `grad` starts from: non-source nodes whose value depends
    on no placeholder and no variable (`ones_like(y)`, or the `broadcast_to(1.0)`
    the simplifier lowers it to).  Inputs read only for their shape (the `like` of
    `fill_like`, `*_like`, `count`) do not count as value dependencies.  `count`
    itself (mean's divisor) is a constant of the forward pass, never a seed; so is a
    constant that every output depends on and that is read near the sources (the zero
    initial state of an unrolled RNN: the loss depends on it, never on its own seed).
  * The simplifier often folds the seed away (`1 * g` is `g`), so a second sign
    marks the backward side too: a node that reads a value made more than
    `LONG_EDGE` levels earlier (levels: longest paths from the sources).  That is
    what a backward node does when it reads the forward value its VJP needs; it
    is also what makes a value costly to keep.  A costly value (a matmul, a
    reduction) counts as made just before its first reader: `x[t] @ U` depends on
    inputs alone, but it is made for step t, and reading it there is no backward read.
  * What a scalar output (a loss) reads is forward, however far it reads, and no
    seed: reverse mode turns at the loss.  Far reads inside a forward pass are common
    (a convolution's weights' reshape, made at level 1 and read in every layer; a
    transformer block's residual around the attention; a softmax's scores read again
    after their log-sum-exp), and each would otherwise make everything after it backward.
    A scalar output that reads the backward pass (a gradient's norm) is no loss: see
    `_loss_reads`.
  * The forward side is cut in order of the latest level each node may run at
    (just before its first forward reader), so `x[t] @ U` sits in step t's segment.
  * The *backward side* B is every node that is a seed or reads far back, and
    everything that depends on those (variable updates `w - lr * grad` included).
    Everything else that is not a source is the *forward side* F.  A misjudged node
    (a forward broadcast constant taken for a seed, a long skip connection taken for
    a backward read where no loss is fetched, the last layer's first adjoints taken
    for forward ones) only
    changes what is rematerialised, never the values computed.

What is never stashed (what else is kept: graphc/passes/remat_segments.py):
  * *Helpers* are cheap forward nodes (elementwise ops and views) that only the
    backward pass reads, directly or through other helpers: tanh's `1 - y*y`, the
    `transpose(h)` of a weight gradient.  Kept, each would be one more stashed
    buffer per layer beside the value it is computed from; so the backward pass
    always computes them itself, from that value, right where it needs them (the
    llvm backend fuses them into the backward kernels, and a transpose becomes a
    strided read).  This alone halves a tanh MLP's stash.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from graphc.ir import Node, consumers, toposort
from graphc.ops.source import placeholder_op, variable_op
from graphc.program import Program

_NEVER_SEEDS = frozenset({"count"})
# a read this many levels (longest paths from the sources) after the value was made marks the reader as backward
LONG_EDGE = 8


@dataclass
class Analysis:
    """The forward/backward split of a program (see the module docstring)."""

    order: list[Node]                    # every node, topological
    forward: list[Node]                  # non-source nodes independent of the seeds, by longest path
    backward: set[int]                   # ids of nodes that depend on a seed
    helpers: set[int]                    # ids of cheap forward nodes only the backward pass reads
    spine: list[Node]                    # forward nodes that are not helpers, by longest path
    stashed: set[int]                    # ids of spine nodes a backward node or a helper reads
    users: dict[int, list[Node]] = field(default_factory=dict)
    roots: set[int] = field(default_factory=set)   # ids of the outputs and new values
    # the backward nodes, in `order`: all that a candidate's rewrite makes anew once its forward pass's twins
    # are made (graphc.passes.remat_rewrite.rebuild_with_copies), without walking the forward pass
    backward_nodes: list[Node] = field(default_factory=list)
    # ids of the backward nodes that read another, in the order every candidate's schedule runs them: found
    # on the first candidate rebuilt (graphc.passes.remat_rewrite.rebuild_with_copies)
    backward_runs: list[int] | None = None

    def is_forward(self, node: Node) -> bool:
        return node.op.kind != "source" and node.id not in self.backward

    @functools.cached_property
    def forward_ids(self) -> frozenset[int]:
        """The ids of `forward`: what each candidate's rewrite asks of its every node, made once."""
        return frozenset(n.id for n in self.forward)

    @functools.cached_property
    def last_spine_reads(self) -> list[int]:
        """For each spine position, the last spine position that reads it (its own when none reads it): how far
        a spine value must be kept, asked of every segmentation (graphc.passes.remat_segments, remat_candidates)."""
        position = {n.id: k for k, n in enumerate(self.spine)}
        return [max((position[u.id] for u in self.users[node.id] if u.id in position), default=k)
                for k, node in enumerate(self.spine)]

    @functools.cached_property
    def sources(self) -> dict[int, Node]:
        """The source nodes, by id: the same nodes in every candidate."""
        return {n.id: n for n in self.order if n.op.kind == "source"}

    @functools.cached_property
    def spine_flops(self) -> dict[int, int]:
        """Each spine node's `flops`, by id: what a candidate recomputes is counted from it, once per analysis."""
        return {n.id: flops(n) for n in self.spine}

    @functools.cached_property
    def total_flops(self) -> int:
        """The program's estimated work: the same for every candidate, so summed once."""
        return sum(flops(n) for n in self.order)



def is_cheap(node: Node) -> bool:
    """Elementwise ops and views (`Op.view`: a view of part of its input aliases the input's buffer, which
    storing it keeps alive anyway) move no data or cost one operation per element, and a concatenation of
    views (a copy: conv2d's im2col columns, made again for the filter gradient by graphc.passes.matmul_pieces)
    moves each element once: recomputed in the backward pass rather than stored."""
    op = node.op
    return (op.kind == "elementwise" or op.view is not None
            or (op.name == "concatenate" and all(i.op.view is not None for i in node.inputs)))


def analyse(program: Program) -> Analysis:
    # the program's own walk when it runs in no chosen order: made once for this and for its plans
    order = program.nodes() if program.schedule is None else toposort(program.roots)
    level = levels(order)
    value_dep: dict[int, bool] = {}
    for node in order:  # loops written out: the search analyses two 100k-node programs
        op, inputs = node.op, node.inputs
        if op.kind == "source":
            value_dep[node.id] = op is placeholder_op or op is variable_op
            continue
        skip = op.shape_only  # inputs read for their shape only (values unused)
        if skip:
            inputs = [i for k, i in enumerate(inputs) if k not in skip]
        depends = False
        for i in inputs:
            if value_dep[i.id]:
                depends = True
                break
        value_dep[node.id] = depends
    # the program's own readers when this is its walk: fusion asks them of the same program (the kernel judge
    # fuses the program unchanged and the one re-read with copies of its cheap values, each analysed here)
    users = program.users() if program.schedule is None else consumers(order)
    made = _made_levels(order, level, users)
    constants = [n for n in order if not value_dep[n.id] and n.op.kind != "source" and n.op.name not in _NEVER_SEEDS]
    side = _BackwardSide(order, level, made, value_dep,
                         {n.id for n in constants} - _initial_values(order, program.roots, constants, made))
    backward = side.of(_loss_reads(program.outputs, value_dep, side))
    roots = {r.id for r in program.roots}
    late_forward = _latest_forward_levels(order, level, backward, users, roots)
    # by latest level, ties in `order` (the sort is stable)
    forward = sorted((n for n in order if n.op.kind != "source" and n.id not in backward),
                     key=lambda n: late_forward[n.id])
    helpers: set[int] = set()
    helper_nodes: list[Node] = []
    for node in reversed(forward):
        if (is_cheap(node) and node.id not in roots and users[node.id]
                and all(u.id in backward or u.id in helpers for u in users[node.id])):
            helpers.add(node.id)
            helper_nodes.append(node)
    spine = [n for n in forward if n.id not in helpers]
    on_spine = {n.id for n in spine}
    backward_nodes = [n for n in order if n.id in backward]
    stashed: set[int] = set()  # what the backward nodes and helpers read of the spine (not only its shape)
    for node in backward_nodes + helper_nodes:
        skip = node.op.shape_only
        for k, i in enumerate(node.inputs):
            if i.id in on_spine and k not in skip:
                stashed.add(i.id)
    return Analysis(order, forward, backward, helpers, spine, stashed, users, roots, backward_nodes=backward_nodes)


def levels(order: list[Node]) -> dict[int, int]:
    """Each node's level, by id: the longest path to it from the sources (0 for a source); `order` is topological.

    Most nodes read one or two values, and a list and `max` for each was half of this walk (made for every
    program the remat search analyses, and for the bound of each candidate without copies)."""
    level: dict[int, int] = {}
    for node in order:
        inputs = node.inputs
        if len(inputs) == 2:
            a, b = level[inputs[0].id], level[inputs[1].id]
            level[node.id] = (a if a > b else b) + 1
        elif len(inputs) == 1:
            level[node.id] = level[inputs[0].id] + 1
        else:
            level[node.id] = 1 + max([level[i.id] for i in inputs], default=-1)
    return level


class _BackwardSide:
    """The backward side for a set of nodes known to be forward (`of(forward)`): every seed and far reader
    outside that set, and everything that depends on them."""

    def __init__(self, order: list[Node], level: dict[int, int], made: dict[int, int], value_dep: dict[int, bool],
                 seeds: set[int]):
        self.order, self.level, self.seeds = order, level, seeds
        # far reads: a constant (an initial value such as a convolution's zero padding, broadcast once and read
        # by every layer) is read far by the forward pass too, and seeds are marked on their own
        self.far_readers: set[int] = set()
        for node in order:
            if node.op.kind == "source":
                continue
            far = level[node.id] - LONG_EDGE  # a value made before this level is read far
            for i in node.inputs:
                if made[i.id] < far and i.op.kind != "source" and value_dep[i.id]:
                    self.far_readers.add(node.id)
                    break
        self._last: tuple = (None, None)  # (forward, its backward side): asked twice by `analyse`

    def of(self, forward: set[int]) -> set[int]:
        if self._last[0] is forward:  # _loss_reads hands back the set it last asked about
            return self._last[1]
        marks = (self.seeds | self.far_readers) - forward
        backward: set[int] = set()
        for node in self.order:
            if node.id in marks:
                if node.op.kind != "source":
                    backward.add(node.id)
                continue
            for i in node.inputs:
                if i.id in backward:
                    if node.op.kind != "source":
                        backward.add(node.id)
                    break
        self._last = (forward, backward)
        return backward

    def reads_forward_values(self, backward: set[int]) -> bool:
        """Whether a backward node reads a forward value: whether there is anything to rematerialise."""
        return any(i.op.kind != "source" and i.id not in backward for node in self.order if node.id in backward
                   for i in node.inputs)


def _loss_reads(outputs: list[Node], value_dep: dict[int, bool], side: _BackwardSide) -> set[int]:
    """Ids of the nodes the scalar outputs computed from the inputs (the losses) read: forward, however far they read.

    Reverse mode turns at the loss: the backward pass starts from its cotangent, so what the loss
    itself reads is the forward pass, and none of it is a seed.  Within it a far read is a forward
    one: a transformer reads each block's input again after the attention (the residual) and a
    softmax's scores after their log-sum-exp (15 levels later), a convolution reads its weights'
    reshape (made at level 1) in every layer.  Taken for backward reads, any of those made
    everything after it backward, and left √n and the greedy planner no forward pass to cut.

    Not every scalar output is a loss: a gradient's norm, fetched to log or clip it, reads the
    whole backward pass.  Scalar outputs are taken lowest level first (a loss comes before the
    gradients that depend on it), and one is a loss only if, its reads taken as forward, a
    backward pass that reads forward values is left; else it is passed over.  Without a scalar
    output (only gradients fetched) there is no loss to see, and every far read counts.
    """
    forward: set[int] = set()
    for loss in sorted((o for o in outputs if o.shape == () and value_dep[o.id]), key=lambda o: side.level[o.id]):
        trial = forward | {n.id for n in toposort([loss])}
        if side.reads_forward_values(side.of(trial)):
            forward = trial
    return forward


def _initial_values(order: list[Node], roots, constants: list[Node], made: dict[int, int]) -> set[int]:
    """Ids of the constants that start the forward pass rather than the backward one.

    A cotangent seed is read after the value it is the cotangent of, and that value (the
    loss) does not depend on it.  A constant that every output depends on and that is read
    within LONG_EDGE levels of the sources is a forward value instead: the zero initial
    state of an unrolled RNN, taken for a seed, would make every step backward and leave
    rematerialisation nothing to cut.
    """
    early = [c.id for c in constants if made[c.id] < LONG_EDGE]
    if not early:
        return set()
    bit = {node_id: 1 << k for k, node_id in enumerate(early)}
    reaches: dict[int, int] = {}
    for node in order:
        mask = bit.get(node.id, 0)
        for k, i in enumerate(node.inputs):
            if k not in node.op.shape_only:
                mask |= reaches[i.id]
        reaches[node.id] = mask
    everywhere = -1
    for root in roots:
        everywhere &= reaches[root.id]
    return {node_id for node_id in early if everywhere & bit[node_id]}


def _latest_forward_levels(order: list[Node], level: dict[int, int], backward: set[int], users,
                           roots: set[int]) -> dict[int, int]:
    """Each forward node's level as late as the forward pass allows: one before its earliest forward reader.

    The spine is cut in this order.  By earliest level, every `x[t] @ U` of an unrolled RNN
    would come first and cross every cut up to step t; placed just before the step that
    reads it, it crosses none.  On a plain chain the two orders are the same.  A node that
    only the backward pass reads (a helper such as `transpose(x[t])`, or a value read only
    through helpers) keeps its earliest level and pulls nothing earlier.
    """
    late: dict[int, int] = {}
    pulls: set[int] = set()  # forward nodes that the nodes they read must come before
    for node in reversed(order):
        if node.op.kind == "source" or node.id in backward:
            continue
        readers = [late[u.id] for u in users[node.id] if u.id in pulls]
        late[node.id] = min(readers) - 1 if readers else level[node.id]
        if readers or node.id in roots:
            pulls.add(node.id)
    return late


def _made_levels(order: list[Node], level: dict[int, int], users: dict[int, list[Node]]) -> dict[int, int]:
    """The level at which each value is taken to be made, for telling backward reads apart.

    Levels count from the sources, so a costly value computed from inputs alone (`x[t] @ U`
    in an unrolled RNN) has a low level though it is made for step t: measured from its
    level, that forward step would seem to read far back, be taken for backward, and take
    the rest of the unrolled chain with it.  A costly value is therefore made just before
    its first reader.  A cheap one (a view such as a weight's transpose, an elementwise
    helper such as tanh's `1 - y*y`) keeps its level: it costs nothing to make early, and a
    far read of it is what a backward pass does.  (Only the costly values' readers are asked:
    most values are elementwise.)
    """
    made = dict(level)
    for node in order:
        kind = node.op.kind
        if kind != "source" and kind != "elementwise" and not is_cheap(node):
            readers = users[node.id]
            if readers:
                made[node.id] = min([level[u.id] for u in readers]) - 1
    return made


def nbytes(node: Node) -> int:
    """Bytes of a node's value; a size known only at run time (a while loop's recorded steps) counts as 0,
    as in graphc.passes.memory_plan (it cannot be planned before the loop runs)."""
    if None in node.shape:
        return 0
    return math.prod(node.shape) * node.dtype.itemsize  # math.prod: np.prod costs microseconds a call


def flops(node: Node) -> int:
    """A rough cost: the op's FLOP rule (`Op.flops`, what graphc.cost counts), and for an op that does
    no arithmetic (a view, a copy, an index) one per element it writes; sources cost nothing."""
    if node.op.kind == "source":
        return 0
    rule = node.op.flops
    if rule is None and None in node.shape:  # a size known at run time (a while loop's records): unknown, 0
        return 0
    return math.prod(node.shape) if rule is None else rule(node)
