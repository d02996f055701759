"""The optimal planner's second step: Checkmate's mixed-integer program over the units, solved by HiGHS.

Jain et al., "Checkmate: breaking the memory wall with optimal tensor rematerialization"
(MLSys 2020).  Stage t (one per unit, in the units' order) computes unit t; binaries

    R[t, i]  unit i is computed in stage t (i < t: recomputed; R[t, t] = 1, a constant): `compute`
    S[t, i]  unit i's value, computed before stage t, is kept into stage t: `keep`

with, for every stage t:

    dependencies   R[t, j] + S[t, j] >= R[t, i]       for each input unit j of unit i
    keeping        S[t+1, i] <= R[t, i] + S[t, i]     a value is kept only if it exists
    memory         (forward stages)  sum_i bytes_i S[t, i] + own_t + results_t <= budget
                   (recomputing)     sum_i bytes_i (S[t, i] + R[t, i]) + results_{t-1} + scratch_t <= budget
                   (unit t running)  sum_{i read by t} bytes_i (S[t, i] + R[t, i])
                                     + sum_{i not read by t} bytes_i S[t+1, i] + own_t + results_t <= budget

where results_t is the bytes of the results computed up to stage t (the outputs and new
values, which live to the end), own_t unit t's exported bytes and scratch (values read only
inside it), and scratch_t the largest scratch of a unit the stage may recompute (one unit runs
at a time).  The objective: the least recomputed FLOPs, sum cost_i R[t, i] over i < t.

The memory rows are a sound simplification of Checkmate's FREE variables.  A backward stage
runs in two parts, as the realised program (remat_realise.py) runs it: its recomputed units,
then its own unit.  While recomputing, everything kept into the stage and everything it
recomputes counts as live.  While its own unit runs, only what that unit reads and what is
kept into the next stage can be live: any other value has had its last reader (in an earlier
stage, or among the stage's recomputes).  The realised program frees a value after its last
reader, never later than this model does, so its live bytes never exceed the model's.  (One
row per stage counting everything, the model before 2026-12-04 17:10, overestimated the
greedy plan on the residual net by 2.9 MiB of 15.4: the stage's own adjoints on top of the
values it had recomputed.)  What the model leaves out (a unit's own short-lived
intermediates, the arena's alignment and holes, fused kernels' buffers) is checked by
planning the realised program; remat_optimal.py tightens the budget and solves again when it
does not fit.

`_build(..., stages=...)` lets only the given stages recompute (the restricted model the
optimal planner solves first: the stages where the greedy plan recomputes).

`_build(..., frees=True)` replaces a backward stage's two rows by finer ones, Checkmate's FREE
variables as constants: one row per unit the stage may recompute (a value recomputed or kept is
live at unit k only when k or a later unit of the stage may read it, else only when it is kept
into the next stage), and one per distinct set of inputs still to be read by the stage's own unit,
node by node (`Unit.live`, `Unit.last_read`).  A chain of recomputed residual adds then costs the
values alive at each add, not the whole chain.  It models the stage as remat_realise now runs it
(`_Hoisting`): the own unit's nodes that read none of the stage's copies run before the recomputation
(which nodes those are depends on what the stage recomputes: auxiliary columns, `_Program.aux`), so
their inputs are gone while it runs; and a kept unit's value counts only the bytes its reader still
reads (`_still_read`).  Still a bound on the realised program's live bytes node by node (unaligned),
and tight: bench_remat's residual net's greedy plan at 1/4 is 16.81 MiB in it against 16.56 live
(18.56 before the hoisting, 20.56 in the stage sums; planned 16.0 on llvm).  The optimal planner
does not use it (remat_optimal.RESTRICTED_FREES says why).

Variables exist only where they can matter: R[t, i] for recomputable units up to the last
stage that may read them (directly, or through a recomputed reader), S[t, i] likewise.  The
forward pass's stages (before the first unit that is not recomputable) recompute nothing: there a
unit's value is live (a constant column) up to its last forward reader, then kept into the
backward pass or dropped, one binary per unit ("kept") for every forward stage after that reader
and the first backward stage, instead of a binary per (stage, unit) pair.  The first backward
stage (that unit's) may recompute: what the backward pass reads first may have been dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from graphc.passes.remat_analysis import nbytes
from graphc.passes.remat_highs import Problem, solve_milp
from graphc.passes.remat_units import Unit, Units


@dataclass
class Solution:
    recompute: dict[int, list[int]]   # stage -> units recomputed in it, ascending
    cost: float                       # the model's recomputed FLOPs
    peak: float                       # the model's largest stage memory
    gap: float                        # HiGHS's relative optimality gap, 0 (proved optimal) to 1
    checkpoints: int                  # forward units kept into the first backward stage
    optimal: bool
    seconds: float
    started: bool = False             # HiGHS took the starting schedule as its first incumbent


def last_need(units: Units) -> list[int]:
    """For each unit, the last stage that may read its value: its readers' own stages, and the
    stages in which a recomputable reader may itself be recomputed."""
    n = len(units)
    readers: list[list[int]] = [[] for _ in range(n)]
    for u in units.units:
        for j in u.inputs:
            readers[j].append(u.index)
    need = [0] * n
    for i in range(n - 1, -1, -1):
        need[i] = max([i] + [r if not units.units[r].recomputable else need[r] for r in readers[i]])
    return need


def last_forward_read(units: Units, first_backward: int) -> list[int]:
    """For each unit, the last stage before `first_backward` that reads it (its own stage when none does)."""
    last = [u.index for u in units.units]
    for u in units.units[:first_backward]:
        for j in u.inputs:
            last[j] = max(last[j], u.index)
    return last


class _Model:
    """Columns (variables) and sparse rows, added by name."""

    def __init__(self):
        self.column: dict[tuple, int] = {}
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integral: list[int] = []
        self.rows, self.cols, self.vals = [], [], []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []

    def var(self, key, lo=0.0, hi=1.0, integral=True) -> int:
        self.column[key] = len(self.lower)
        self.lower.append(lo)
        self.upper.append(hi)
        self.integral.append(1 if integral else 0)
        return self.column[key]

    def row(self, terms: dict[int, float], lo: float, hi: float) -> None:
        r = len(self.row_lo)
        for c, v in terms.items():
            self.rows.append(r)
            self.cols.append(c)
            self.vals.append(v)
        self.row_lo.append(lo)
        self.row_hi.append(hi)


@dataclass
class _Program:
    """The mixed-integer program for one model budget, its columns named."""
    model: _Model
    compute: dict       # (stage, unit) -> column
    keep: dict          # (stage, unit) -> column (the forward pass's share a column per unit, and a constant)
    objective: np.ndarray
    scratch: list[float]
    first_backward: int
    memory: list[tuple[dict, float]]   # each memory row's terms (column -> bytes) and constant: live = terms @ x + c
    cost: np.ndarray                   # each column's recomputed FLOPs
    # auxiliary columns (frees with hoisting), in creation order: (column, its bounds (terms, constant), whether
    # they bound it below); at a 0/1 point each is the largest of 0 and its lower bounds, or the least of 1 and
    # its upper ones (`_fill`)
    aux: list[tuple[int, list[tuple[dict, float]], bool]] = None

    def problem(self) -> Problem:
        m = self.model
        return Problem(self.objective, m.rows, m.cols, m.vals, m.row_lo, m.row_hi, m.lower, m.upper, m.integral)


@dataclass
class UnitSchedule:
    """A schedule in the program's own terms, for a starting point: the units each stage recomputes, and the
    (stage, unit) pairs whose value is kept into the stage (the forward pass's included)."""
    recompute: dict[int, list[int]]
    keep: set[tuple[int, int]]


def solve(units: Units, budget: float | None, time_limit: float, max_cost: float | None = None,
          cost_cap: float | None = None, start: UnitSchedule | None = None,
          stages: set[int] | None = None, frees: bool = False) -> Solution | str:
    """The least-recompute schedule whose model memory fits `budget`, or (budget None) the lowest
    model peak whose recompute stays within `cost_cap`.  `max_cost` bounds the objective (an
    incumbent's cost: nothing dearer is worth finding).  `start`, a schedule feasible in this model
    (see `start_vector`), is HiGHS's first incumbent when highspy is installed (remat_highs.py).
    `stages`: the only stages that may recompute (None: every one; the restricted model).  A
    string saying why when HiGHS finds no feasible schedule within `time_limit` seconds (or proves
    there is none)."""
    begin = time.perf_counter()
    p = _build(units, budget, max_cost, cost_cap, stages, frees)
    x0 = start_vector(p, start) if start is not None else None
    left = time_limit - (time.perf_counter() - begin)
    if left <= 0:
        return "none found in time"
    result = solve_milp(p.problem(), left, x0)
    if result.x is None:
        return "none exists in its model" if result.infeasible else "none found in time"
    solution = _solution(p, np.round(result.x), result.gap, result.optimal, time.perf_counter() - begin)
    solution.started = result.started
    return solution


def start_vector(p: _Program, start: UnitSchedule) -> np.ndarray | None:
    """`start` as a point of the program `p` (the columns it names set, the rest 0), or None when it is not a
    feasible point of `p` (a value read before it exists, memory over the model's budget, a dearer cost than
    the cap).  Minimising the peak (no budget), the peak column is the start's model peak."""
    x = _point(p, start)
    if x is None:
        return None
    _fill(p, x)
    if ("peak",) in p.model.column:
        x[p.model.column[("peak",)]] = _solution(p, x, 1.0, False, 0.0).peak
    return x if p.problem().violation(x) <= 1e-9 else None


def _point(p: _Program, start: UnitSchedule) -> np.ndarray | None:
    """`start`'s columns set: the columns the forward pass shares (a unit's "kept" binary, the constant) take
    the value of any pair they stand for.  None when it recomputes where `p` has no column."""
    x = np.zeros(len(p.model.lower))
    x[p.model.column[("one",)]] = 1.0
    for (t, i), c in p.keep.items():
        if (t, i) in start.keep:
            x[c] = 1.0
    for t, ii in start.recompute.items():
        for i in ii:
            if (t, i) not in p.compute:
                return None
            x[p.compute[t, i]] = 1.0
    return x


def model_peak(units: Units, schedule: UnitSchedule, stages: set[int] | None = None, frees: bool = False) -> float:
    """The model's largest memory row for `schedule`: the least model budget in which it is feasible (in the model
    `stages` and `frees` make, as for `solve`)."""
    p = _build(units, None, None, None, stages, frees)
    x = _point(p, schedule)
    x[p.model.column[("peak",)]] = 0.0
    _fill(p, x)
    return _solution(p, x, 1.0, False, 0.0).peak


def _fill(p: _Program, x: np.ndarray) -> None:
    """Set `p`'s auxiliary columns at the 0/1 point `x` to the least values their rows allow."""
    for column, bounds, below in p.aux or ():
        values = [sum(v * x[c] for c, v in terms.items()) + constant for terms, constant in bounds]
        x[column] = max([0.0] + values) if below else min([1.0] + values)


def _solution(p: _Program, x: np.ndarray, gap: float, optimal: bool, seconds: float) -> Solution:
    """The schedule a 0/1 point `x` of `p` stands for, its cost and its model peak (its largest memory row)."""
    _fill(p, x)
    recompute: dict[int, list[int]] = {}
    for (t, i), c in sorted(p.compute.items()):
        if x[c] > 0.5:
            recompute.setdefault(t, []).append(i)
    model_cost = float(sum(p.cost[c] for c in p.compute.values() if x[c] > 0.5))
    peak = max((sum(v * x[c] for c, v in terms.items()) + own for terms, own in p.memory), default=0.0)
    checkpoints = sum(1 for i in range(p.first_backward)
                      if (p.first_backward, i) in p.keep and x[p.keep[p.first_backward, i]] > 0.5)
    return Solution(recompute, model_cost, float(peak), gap, checkpoints, optimal, seconds)


def _memory_rows(units: Units, t: int, first_backward: int, keep: dict, compute: dict, results: float,
                 scratch: float, frees: bool = False, model: _Model | None = None, aux: list | None = None):
    """Stage t's memory rows, (terms, constant) with live bytes = terms @ x + constant, each a sound bound on
    the realised program's live bytes for part of the stage.  In the forward pass, one: what is kept, the
    unit's own values and scratch, the results so far.  In the backward pass, two, as the realised program
    runs a stage: first the recomputed units (what is kept into the stage, everything recomputed in it, one
    recomputing unit's scratch, the results before the stage), then the stage's own unit, while which only
    the values it reads and those kept into the next stage are live (a recomputed or kept value that neither
    reads has had its last reader), beside its own values and scratch and the results."""
    u = units.units[t]
    if t < first_backward:
        terms: dict[int, float] = {}
        for i in range(t):
            if (t, i) in keep:
                terms[keep[t, i]] = terms.get(keep[t, i], 0.0) + units.units[i].bytes
        yield terms, float(u.bytes) + results + scratch
        return
    reads = set(u.inputs)
    running: dict[int, float] = {}
    recomputing: dict[int, float] = {}
    for i in range(t):
        size = float(units.units[i].bytes)
        here = [c for c in (keep.get((t, i)), compute.get((t, i))) if c is not None]  # in the stage
        later = [keep[t + 1, i]] if (t + 1, i) in keep else []                           # into the next
        for c in here:
            recomputing[c] = recomputing.get(c, 0.0) + size
        for c in (here if i in reads else later):
            running[c] = running.get(c, 0.0) + size
    if frees:
        hoist = _Hoisting(units, t, compute, model, aux) if model is not None else None
        yield from _running_rows(units, t, keep, compute, results - u.result_bytes, hoist)
        yield from _recomputing_rows(units, t, keep, compute, results - u.result_bytes, hoist)
        if hoist is not None:
            yield from hoist.early_rows(keep, results - u.result_bytes)
        return
    yield running, float(u.bytes) + results + u.scratch_bytes
    if any((t, i) in compute for i in range(t)):
        yield recomputing, results - u.result_bytes + scratch


def _running_rows(units: Units, t: int, keep: dict, compute: dict, before: float, hoist: _Hoisting | None = None):
    """Backward stage t's own unit, node by node: while its node p runs, a value of another unit is live when a
    node of t at or after p reads it, else only when it is kept into the next stage; beside it, t's own values
    live at p (`Unit.live`).  One row per distinct set of values read from p on, with the most own bytes over
    the nodes that share it.  (One row for the whole unit counts everything it reads and everything it makes at
    once: on a residual net's backward pass, whose units are a layer each, 1.5 MiB over the realised program.)"""
    u = units.units[t]
    rows: dict[tuple, float] = {}
    last_node_read = {x.id: q for q, node in enumerate(u.nodes) for x in node.inputs}
    for p, own in enumerate(u.live or [u.bytes + u.result_bytes + u.scratch_bytes]):
        reading = frozenset((i, _still_read(units.units[i], last_node_read, p)) for i, last in u.last_read.items()
                            if last >= p) if u.live else frozenset((i, units.units[i].bytes) for i in u.inputs)
        early = None
        if hoist is not None and u.live and any(hoist.depends):  # p may run before the recomputation
            early = hoist.hoisted_surely(p)
            if early is None:
                continue  # always does: `_Hoisting.early_rows` counts it
        rows[reading, early] = max(rows.get((reading, early), 0.0), float(own))
    for (reading, early), own in rows.items():
        terms: dict[int, float] = {} if early is None else {early: -hoist.lift()}
        still = dict(reading)
        for i in range(t):
            size = float(units.units[i].bytes)
            for c, part in ((keep.get((t, i)), still.get(i, 0)), (compute.get((t, i)), still.get(i, 0)),
                            (keep.get((t + 1, i)), size - still.get(i, 0))):
                if c is not None and part:
                    terms[c] = terms.get(c, 0.0) + float(part)
        yield terms, before + own


def _still_read(unit: Unit, last_node_read: dict[int, int], p: int) -> int:
    """The bytes of `unit`'s exported values that the running unit reads at or after its node p (`last_node_read`:
    node id -> its last reader's position there); the rest of the unit's value is there only if it is kept into
    the next stage (a value's part whose reader has run is freed)."""
    return sum(size for node, size in unit.exported.items() if last_node_read.get(node, -1) >= p) \
        if unit.exported else unit.bytes


def _recomputing_rows(units: Units, t: int, keep: dict, compute: dict, before: float,
                      hoist: _Hoisting | None = None):
    """Backward stage t's recomputing part, one row per unit k it may recompute: the live bytes while k runs, as
    the realised program runs the stage (its recomputed units ascending).  A value the stage recomputes or keeps
    is live at k when k or a later unit of the stage may read it (a unit the stage may recompute, or unit t), or
    when it is kept into the next stage; one that only earlier units of the stage read is gone by k unless it is
    kept into the next stage, and counts as S[t+1, i] (one copy, whichever it is).  So a chain of recomputed
    residual adds costs the two values alive at each add, not the whole chain, as the realised program frees
    each sum at the next add (Checkmate's FREE variables, as constants: which readers may run in the stage is
    known).  Units after k that the stage recomputes are not there yet: only their kept values count.  `before`:
    the results before the stage."""
    reads = set(units.units[t].inputs)
    last_reader: dict[int, int] = {}  # each value's last possible reader among the units the stage may recompute
    for r in range(t):
        if (t, r) in compute:
            for j in units.units[r].inputs:
                last_reader[j] = r
    for k in range(t):
        if (t, k) not in compute:
            continue
        terms: dict[int, float] = {}

        def add(column, size):
            if column is not None:
                terms[column] = terms.get(column, 0.0) + size

        for i in range(t):
            size = float(units.units[i].bytes)
            if i > k and (hoist is None or last_reader.get(i, -1) >= k):  # not recomputed yet: only a kept copy
                add(keep.get((t, i)), size)
            elif i > k:  # read by no recomputation from k on: by a late node of the own unit, or the next stage
                add(hoist.kept_for_late(i, keep) if i in reads else keep.get((t + 1, i)), size)
            elif i == k or last_reader.get(i, -1) >= k:
                add(keep.get((t, i)), size)
                add(compute.get((t, i)), size)
            elif i in reads:  # read by the own unit: the kept copy is gone when only its hoisted part reads it
                add(hoist.kept_for_late(i, keep) if hoist is not None else keep.get((t, i)), size)
                add(compute.get((t, i)), size)
            else:
                add(keep.get((t + 1, i)), size)
        add(compute[t, k], float(units.units[k].scratch_bytes))
        constant = before
        if hoist is not None:  # the hoisted part's values still to be read, or leaving
            for column, size in hoist.boundary().items():
                if column is None:
                    constant += size
                else:
                    add(column, size)
        yield terms, constant


class _Hoisting:
    """Backward stage t's own unit as remat_realise._before_recompute runs it: its nodes that read none of the
    stage's copies (directly or through such a node of the unit) before the recomputation, the rest after.  Which
    nodes those are depends on what the stage recomputes: node p runs late when the stage recomputes a unit of
    `depends[p]` (the units it reads, itself or through its own unit's nodes, that the stage may recompute).
    The rows it adds (Checkmate's FREE variables again, here as auxiliary columns bounded below, `_Program.aux`):

    * the hoisted part, node by node: everything kept into the stage that the recomputation, a later or late node
      of the unit or the next stage still reads, beside the unit's own live values; lifted (by the bytes of
      everything kept) as soon as the stage recomputes a unit the node depends on;
    * while the stage recomputes: a kept input of the unit that only hoisted nodes read is gone (unless kept into
      the next stage), and the hoisted part's values that a late node reads or that leave the unit are there.

    The realised program keeps the hoisted order only where it lowers the live peak, so this stays a bound."""

    def __init__(self, units: Units, t: int, compute: dict, model: _Model, aux: list):
        self.units, self.t, self.compute, self.model, self.aux = units, t, compute, model, aux
        u = units.units[t]
        recomputable = {j for j in range(t) if (t, j) in compute}
        position = {node.id: p for p, node in enumerate(u.nodes)}
        self.depends: list[frozenset] = []
        self.readers: dict[int, list[int]] = {}       # input unit -> own nodes reading it
        own_readers: dict[int, list[int]] = {}        # own node -> own nodes reading it
        for p, node in enumerate(u.nodes):
            found: set[int] = set()
            for x in node.inputs:
                if x.id in position:
                    found |= self.depends[position[x.id]]
                    own_readers.setdefault(position[x.id], []).append(p)
                elif units.of_node.get(x.id) is not None:
                    j = units.of_node[x.id]
                    self.readers.setdefault(j, []).append(p)
                    if j in recomputable:
                        found.add(j)
            self.depends.append(frozenset(found))
        self.own_readers = own_readers
        inside = {x.id for node in u.nodes for x in node.inputs}
        exported = {x.id for v in units.units if v.index != t for node in v.nodes for x in node.inputs}
        self.leaving = {p for p, node in enumerate(u.nodes) if node.id in exported or node.id not in inside}
        self._kept: dict[int, int | None] = {}
        self._boundary: dict | None = None

    def _aux(self, key, bounds: list[tuple[dict, float]], below: bool = True) -> int:
        """An auxiliary column in [0, 1], at least (`below`) or at most each of `bounds` (terms @ x + constant):
        the solver pushes it to the bound, as it only ever costs memory (below) or lifts a row (above)."""
        column = self.model.var(key, 0.0, 1.0, integral=False)
        for terms, constant in bounds:
            if below:
                self.model.row({**terms, column: -1.0}, -np.inf, -constant)
            else:
                self.model.row({**terms, column: -1.0}, -constant, np.inf)
        self.aux.append((column, bounds, below))
        return column

    def hoisted_surely(self, p: int) -> int | None:
        """A column at most "own node p runs before the recomputation" (1 when the stage recomputes none of the
        units p depends on), or None when p always does."""
        if not self.depends[p]:
            return None
        key = ("hoisted", self.t, p)
        if key not in self.model.column:
            self._aux(key, [({self.compute[self.t, j]: -1.0}, 1.0) for j in sorted(self.depends[p])], below=False)
        return self.model.column[key]

    def lift(self) -> float:
        """More bytes than any row of the stage counts: what lifts a row that does not apply."""
        return float(sum(v.bytes + v.result_bytes + v.scratch_bytes for v in self.units.units[:self.t + 1])) + 1.0

    def kept_for_late(self, i: int, keep: dict) -> int | None:
        """The column standing for unit i's kept value while the stage recomputes: S[t+1, i], or S[t, i] when a
        node of the unit that reads it runs late."""
        if i not in self._kept:
            t, late = self.t, set().union(*(self.depends[p] for p in self.readers.get(i, ())))
            later, here = keep.get((t + 1, i)), keep.get((t, i))
            if here is None or not late:
                self._kept[i] = later
            else:
                bounds = [({here: 1.0, self.compute[t, j]: 1.0}, -1.0) for j in sorted(late)]
                if later is not None:
                    bounds.append(({later: 1.0}, 0.0))
                self._kept[i] = self._aux(("late-kept", t, i), bounds)
        return self._kept[i]

    def boundary(self) -> dict:
        """The hoisted part's values live through the recomputation: column (None: always) -> bytes."""
        if self._boundary is None:
            t, u, out = self.t, self.units.units[self.t], {}
            early: dict[int, int] = {}  # own node -> the column "runs hoisted" (1 - any recompute it depends on)

            def hoisted(p):
                if p not in early:
                    terms = {self.compute[t, j]: -1.0 for j in self.depends[p]}
                    early[p] = self._aux(("early", t, p), [(terms, 1.0)])
                return early[p]

            for p, node in enumerate(u.nodes):
                size = float(nbytes(node))
                if p in self.leaving:
                    column = None if not self.depends[p] else hoisted(p)
                else:
                    late = set().union(*(self.depends[r] for r in self.own_readers.get(p, ()))) - self.depends[p]
                    if not late:
                        continue
                    base = {} if not self.depends[p] else {hoisted(p): 1.0}
                    column = self._aux(("alive", t, p), [({**base, self.compute[t, j]: 1.0},
                                                          -1.0 if base else 0.0) for j in sorted(late)])
                out[column] = out.get(column, 0.0) + size
            self._boundary = out
        return self._boundary

    def early_rows(self, keep: dict, before: float):
        """The hoisted part, node by node (one row per distinct set of values still needed and dependences)."""
        t, u = self.t, self.units.units[self.t]
        if not u.live or not any(self.depends):
            return
        needed_by_copies = {j for k in range(t) if (t, k) in self.compute for j in self.units.units[k].inputs}
        kept = {i: keep[t, i] for i in range(t) if (t, i) in keep}
        lift = self.lift()
        rows: dict[tuple, float] = {}
        for p, own in enumerate(u.live):
            needed = frozenset(i for i in kept if i in needed_by_copies or any(
                q >= p or self.depends[q] for q in self.readers.get(i, ())))
            key = (needed, self.depends[p])
            rows[key] = max(rows.get(key, 0.0), float(own))
        for (needed, depends), own in rows.items():
            terms: dict[int, float] = {}
            for i, column in kept.items():
                if i not in needed:
                    column = keep.get((t + 1, i))
                if column is not None:
                    terms[column] = terms.get(column, 0.0) + float(self.units.units[i].bytes)
            for j in depends:
                terms[self.compute[t, j]] = terms.get(self.compute[t, j], 0.0) - lift
            yield terms, before + own


def _build(units: Units, budget: float | None, max_cost: float | None, cost_cap: float | None,
           stages: set[int] | None = None, frees: bool = False) -> _Program:
    n = len(units)
    need = last_need(units)
    m = _Model()
    compute, keep, kept = {}, {}, {}
    first_backward = next((u.index for u in units.units if not u.recomputable), n)
    forward_read = last_forward_read(units, first_backward)
    one = m.var(("one",), 1.0, 1.0)  # a value the forward pass still reads is there: a constant
    for t in range(n):
        for i in range(t):
            if t > need[i]:
                continue
            if t <= first_backward:  # the forward pass: nothing recomputed; a value lives while the forward pass
                if t <= forward_read[i]:  # reads it, then it is either kept to the backward pass or dropped
                    keep[t, i] = one
                else:
                    if i not in kept:
                        kept[i] = m.var(("kept", i))
                    keep[t, i] = kept[i]
                # the first backward stage may recompute (what it reads first)
                if t == first_backward and units.units[i].recomputable and (stages is None or t in stages):
                    compute[t, i] = m.var(("compute", t, i))
                continue
            if units.units[i].recomputable and (stages is None or t in stages):
                compute[t, i] = m.var(("compute", t, i))
            keep[t, i] = m.var(("keep", t, i))
    peak = None if budget is not None else m.var(("peak",), 0.0, np.inf, integral=False)
    results = 0.0
    memory_rows: list[tuple[dict, float]] = []
    aux: list = []
    scratch = [max([units.units[t].scratch_bytes]
                   + [units.units[i].scratch_bytes for i in range(t) if (t, i) in compute]) for t in range(n)]
    for t in range(n):
        results += units.units[t].result_bytes
        computed = [t] + [i for i in range(t) if (t, i) in compute]
        for i in computed:
            for j in units.units[i].inputs:
                terms = {}
                if (t, j) in compute:
                    terms[compute[t, j]] = 1.0
                if (t, j) in keep:
                    terms[keep[t, j]] = 1.0
                if i == t:
                    m.row(terms, 1.0, np.inf)
                else:
                    terms[compute[t, i]] = -1.0
                    m.row(terms, 0.0, np.inf)
        for i in range(t if t >= first_backward else 0):  # the forward pass's keeps are one variable each
            if (t + 1, i) in keep:
                terms = {keep[t + 1, i]: 1.0}
                if (t, i) in keep:
                    terms[keep[t, i]] = -1.0
                if (t, i) in compute:
                    terms[compute[t, i]] = -1.0
                m.row(terms, -np.inf, 0.0)
        for terms, own in _memory_rows(units, t, first_backward, keep, compute, results, scratch[t], frees,
                                       m if frees else None, aux):
            memory_rows.append((dict(terms), own))
            if budget is not None:
                m.row(terms, -np.inf, budget - own)
            else:
                terms[peak] = -1.0
                m.row(terms, -np.inf, -own)
    cost = np.zeros(len(m.lower))
    for (_, i), c in compute.items():
        cost[c] = units.units[i].cost
    if max_cost is not None or cost_cap is not None:
        cap = min(x for x in (max_cost, cost_cap) if x is not None)
        m.row({c: units.units[i].cost for (t, i), c in compute.items()}, -np.inf, cap)
    objective = cost
    if peak is not None:  # the lowest peak first; among equal peaks, the least recompute
        objective = cost / max(1.0, 2.0 * cost.sum())
        objective[peak] = 1.0
    return _Program(m, compute, keep, objective, scratch, first_backward, memory_rows, cost, aux)
