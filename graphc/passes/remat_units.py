"""The optimal planner's first step: the program coarsened into a few hundred *units* in one order.

Checkmate's mixed-integer program has a variable per (stage, value) pair, so its size grows
with the square of the graph.  A graph of a few thousand nodes is therefore cut into at most
`MAX_UNITS` units: contiguous runs of one execution order (the schedule the other planners
start from: the forward pass, then the backward pass by list scheduling).  A contiguous run of
a topological order is a sound contraction (the units' graph stays acyclic), and a unit is
computed, kept or recomputed as a whole:

  * its *cost* is the FLOPs of its nodes (graphc.cost's rule, `remat_analysis.flops`);
  * its *bytes* are those of its nodes that another unit reads: what keeping it keeps.  Its
    results' bytes live from its stage to the end whatever is kept; values read only inside
    the unit live while it runs;
  * it is *recomputable* when all its nodes are forward values and none is a result
    (recomputing a backward node would be correct too, but never saves memory).  Forward values
    are remat_analysis's forward side, and everything a scalar output (a loss) reads: the
    analysis takes a read more than LONG_EDGE levels back for a backward read, so on a
    transformer, whose residual stream skips a whole attention block, it leaves most of the
    forward pass on the backward side, where no heuristic recomputes it; the MILP may.
    `coarsen(..., everything=True)` makes every unit without a result recomputable: a model
    with more variables (slower to solve) that the optimal planner falls back to when the
    narrower one has no schedule under the budget (a transformer at half its peak).

Runs never straddle the end of the forward pass, so that the forward pass's units stay
recomputable.  `coarsen(..., chains=True)` (the fine model) cuts the forward pass into chains, a
node joining the run before it when it is that run's last node's only reader (`matmul+tanh`; a
residual `add` is a unit of its own), so that keeping a unit keeps one layer's value; the coarse
model cuts runs of equal node count.  The optimal planner searches both (remat_optimal.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphc.ir import Node, toposort
from graphc.passes.remat_analysis import Analysis, flops, nbytes
from graphc.passes.remat_rewrite import shape_stand_in
from graphc.passes.remat_schedule import schedule_backward
from graphc.program import Program

MAX_UNITS = 96
# the share of MAX_UNITS the forward pass may take: its units are what the MILP keeps or recomputes, so finer
# forward units (a matmul with its epilogue, a residual add) make a tighter model; the backward units only set
# the stages
FORWARD_SHARE = 0.7


@dataclass
class Unit:
    index: int
    nodes: list[Node]         # in execution order
    cost: int                 # FLOPs of its nodes
    bytes: int                # bytes of the nodes other units read, results aside: what keeping it keeps
    result_bytes: int         # bytes of its results (outputs, new values): alive from its stage to the end
    scratch_bytes: int        # what it needs while it runs beyond `bytes` and `result_bytes` (see _scratch)
    recomputable: bool
    inputs: list[int]         # indices of the units it reads, ascending
    # while each of its nodes runs (in order): the bytes of its own values then live, leaving ones included
    # (see _live), and for each unit it reads, the position of its last node that reads it
    live: list[int] = field(default_factory=list)
    last_read: dict[int, int] = field(default_factory=dict)
    # the nodes whose bytes `bytes` counts (read by other units, not results): node id -> bytes
    exported: dict[int, int] = field(default_factory=dict)


@dataclass
class Units:
    units: list[Unit]
    of_node: dict[int, int]   # node id -> unit index

    def __len__(self) -> int:
        return len(self.units)


def without_shape_reads(program: Program) -> Program:
    """The program with each input read only for its shape (`sum_to_like(g, like)`'s `like`) replaced by a
    value input of the same shape and dtype where there is one, as the greedy rewrite does: otherwise
    every bias gradient would keep its layer's pre-activation alive for its shape alone.  Values are unchanged."""
    new: dict[int, Node] = {}
    changed = False
    for node in toposort(program.roots):
        inputs = [new[i.id] for i in node.inputs]
        for k in node.op.shape_only:
            inputs[k] = shape_stand_in(node, k, inputs)
        if all(x is y for x, y in zip(inputs, node.inputs)):
            new[node.id] = node
        else:
            changed = True
            new[node.id] = Node(node.op, inputs, node.attrs, node.shape, node.dtype, name=node.name,
                                source=node.source)
    if not changed:
        return program
    roots = [new[r.id] for r in program.roots]
    n = len(program.outputs)
    return Program(inputs=list(program.inputs), variables=list(program.variables), outputs=roots[:n],
                   updated=list(program.updated), new_values=roots[n:])


def loss_reads(program: Program) -> set[int]:
    """The ids of every node a scalar output (a loss) reads: the forward pass, whatever remat_analysis says."""
    return {n.id for n in toposort([o for o in program.outputs if o.shape == ()])}


def execution_order(program: Program, a: Analysis, forward: set[int] = frozenset()) -> list[Node]:
    """The non-source nodes in the order the other planners run them: forward (the analysis's forward side and
    `forward`), then backward."""
    return [n for n in schedule_backward(program, a.backward - forward) if n.op.kind != "source"]


def coarsen(program: Program, a: Analysis, max_units: int = MAX_UNITS, everything: bool = False,
            chains: bool = True, apart: set[int] = frozenset(), backward_at_matmuls: bool = False) -> Units:
    """Cut the execution order into at most `max_units` runs.  With `chains` (the fine model), the forward pass is
    cut into chains (`_chains`: a matmul with its epilogue, a residual add), up to FORWARD_SHARE of the units,
    and the backward pass into runs of about equal node count; without, both are cut into runs of about equal
    node count in proportion to their lengths (the coarse model: fewer forward units, each keeping more, which
    HiGHS often solves faster).  With `everything`, every unit that holds no result is recomputable, backward
    ones too (a wider model: see the module docstring).  `apart` (node ids: the nodes a starting plan
    recomputes, remat_warm_start.py) cuts the forward pass wherever membership changes, so that no unit holds
    both; the units may then be a few more than `max_units`.  `backward_at_matmuls` cuts the backward pass at its
    matmuls instead of into runs of equal length (`_cut_before_matmuls`: as many units as it has matmuls that are not
    weight gradients, whatever `max_units` says; for the low-memory schedules, remat_keep_sets.py, not the MILP)."""
    forward = loss_reads(program)
    order = execution_order(program, a, forward)
    forward_end = next((k for k, n in enumerate(order) if not a.is_forward(n) and n.id not in forward), len(order))
    backward = order[forward_end:]
    proportional = max(1, round(max_units * forward_end / max(len(order), 1)))
    if chains:
        forward_runs = _chains(order[:forward_end], a, apart)
        share = max_units if not backward else max(proportional, round(FORWARD_SHARE * max_units))
        runs = [sum(group, []) for block in _apart(forward_runs, apart, lambda run: run[0])
                for group in _groups(block, _share(block, forward_runs, share))]
        runs += _cut_before_matmuls(backward, a) if backward_at_matmuls else \
            _groups(backward, max(1, max_units - len(runs)))
    else:  # runs of ceil(len / share) nodes: often fewer than the share, a smaller program
        runs = []
        for part, count in ((order[:forward_end], proportional), (backward, max_units - proportional)):
            if backward_at_matmuls and part is backward:
                runs += _cut_before_matmuls(backward, a)
                continue
            for block in _apart(part, apart, lambda node: node):
                size = -(-len(block) // max(1, _share(block, part, count)))
                runs += [block[k:k + size] for k in range(0, len(block), size)]
    of_node = {n.id: u for u, run in enumerate(runs) for n in run}
    roots = {r.id for r in program.roots}
    read_outside: set[int] = set()
    inputs: list[set[int]] = [set() for _ in runs]
    for u, run in enumerate(runs):
        for node in run:
            for i in node.inputs:
                j = of_node.get(i.id)
                if j is not None and j != u:
                    read_outside.add(i.id)
                    inputs[u].add(j)
    units = []
    for u, run in enumerate(runs):
        units.append(Unit(
            index=u, nodes=run, cost=sum(flops(n) for n in run),
            bytes=sum(nbytes(n) for n in run if n.id in read_outside and n.id not in roots),
            result_bytes=sum(nbytes(n) for n in run if n.id in roots),
            scratch_bytes=_scratch(run, read_outside | roots),
            recomputable=all((everything or a.is_forward(n) or n.id in forward) and n.id not in roots for n in run),
            inputs=sorted(inputs[u]), live=_live(run, read_outside | roots),
            last_read={of_node[i.id]: k for k, node in enumerate(run) for i in node.inputs
                       if of_node.get(i.id, u) != u},
            exported={n.id: nbytes(n) for n in run if n.id in read_outside and n.id not in roots}))
    return Units(units, of_node)


def _apart(items: list, apart: set[int], node_of) -> list[list]:
    """`items` cut into maximal blocks whose nodes (`node_of(item)`) are all in `apart` or all out of it."""
    blocks: list[list] = []
    for item in items:
        inside = node_of(item).id in apart
        if blocks and (node_of(blocks[-1][-1]).id in apart) == inside:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    return blocks


def _share(block: list, whole: list, count: int) -> int:
    """`block`'s share of `count` units, in proportion to its length in `whole`, at least one."""
    return max(1, round(count * len(block) / max(1, len(whole))))


def _chains(order: list[Node], a: Analysis, apart: set[int] = frozenset()) -> list[list[Node]]:
    """`order` cut into chains: a node joins the run of the node before it when it is that node's only reader
    (a matmul and its tanh), so that no value read by one node alone right after it is ever kept or counted
    between units; every other value a run makes is read elsewhere.  Never across `apart`'s border."""
    runs: list[list[Node]] = []
    for node in order:
        last = runs[-1][-1] if runs else None
        if last is not None and last.id not in a.roots and {u.id for u in a.users[last.id]} == {node.id} \
                and (last.id in apart) == (node.id in apart):
            runs[-1].append(node)
        else:
            runs.append([node])
    return runs


def _cut_before_matmuls(order: list[Node], a: Analysis) -> list[list[Node]]:
    """The backward pass `order` cut before each matmul that is not a result (a weight gradient), each helper
    (remat_analysis: a cheap forward value only the backward pass reads, such as the gelu's `1 + tanh` recomputed
    from its input) moved to just before its first reader.

    Why: the low-memory schedules recompute a stage's inputs right before the stage's unit and free them after
    it, so a unit should span one kernel's worth of work.  Cut into runs of equal length, the benchmark
    transformer's backward pass was 6 units (the forward pass took the rest): every recomputation ran before the
    whole backward pass.  Cut at the matmuls (each a BLAS call that fusion starts a kernel with), a unit is
    `g @ W2.T` with the gelu derivative that fusion makes its epilogue (the helpers it reads in the same unit, so
    that they are made from the copy of z the unit reads), or `dz @ W1.T` with the layer norm's backward pass.
    A weight gradient's matmul makes no cut: it ends the unit that makes its cotangent, which otherwise would be
    split between two stages (a recomputation between `g @ W2.T` and the rest of its epilogue stores both halves'
    values)."""
    inside = {n.id for n in order}
    read = {i.id for n in order for i in n.inputs if i.id in inside}
    placed: set[int] = set()

    def after_helpers(node: Node, segment: list[Node]) -> list[Node]:
        for i in node.inputs:
            if i.id in a.helpers and i.id in read and i.id not in placed:
                placed.add(i.id)
                after_helpers(i, segment)
        segment.append(node)
        return segment

    runs: list[list[Node]] = []
    for node in order:
        if node.id in placed or (node.id in a.helpers and node.id in read):  # a helper: placed by its reader
            continue
        placed.add(node.id)
        segment = after_helpers(node, [])
        if not runs or (node.op.kind == "matmul" and node.id not in a.helpers and node.id not in a.roots):
            runs.append(segment)
        else:
            runs[-1] += segment
    return runs


def _groups(items: list, count: int) -> list[list]:
    """`items` cut into min(count, len(items)) contiguous groups whose lengths differ by at most one (70 runs into
    67 units: three pairs, the rest alone)."""
    if not items:
        return []
    count = max(1, min(count, len(items)))
    size, longer = divmod(len(items), count)
    bounds = [k * size + min(k, longer) for k in range(count + 1)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]


def _scratch(run: list[Node], leaving: set[int]) -> int:
    """The most bytes live while `run` executes, less its leaving values' (those read elsewhere, or
    results): values read only inside it die at their last reader there, leaving ones stay.
    Computing a unit needs its leaving bytes plus this, whatever else is live."""
    return max(0, max(_live(run, leaving), default=0) - sum(nbytes(n) for n in run if n.id in leaving))


def _live(run: list[Node], leaving: set[int]) -> list[int]:
    """The bytes of `run`'s own values live while each of its nodes runs (its output made, its inputs not yet
    freed): a value read only inside the run dies at its last reader there, a leaving one (read elsewhere, or a
    result) stays."""
    inside = {n.id for n in run}
    last = {i.id: k for k, node in enumerate(run) for i in node.inputs if i.id in inside}
    live, profile = 0, []
    for k, node in enumerate(run):
        live += nbytes(node)
        profile.append(live)
        for i in dict.fromkeys(node.inputs):
            if last.get(i.id) == k and i.id not in leaving:
                live -= nbytes(i)
        if node.id not in leaving and node.id not in last:
            live -= nbytes(node)  # read by nothing: gone at once
    return profile
