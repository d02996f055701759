"""The optimal planner's second step: Checkmate's mixed-integer program over the units, solved by HiGHS.

Jain et al., "Checkmate: breaking the memory wall with optimal tensor rematerialization"
(MLSys 2020).  Stage t (one per unit, in the units' order) computes unit t; binaries

    R[t, i]  unit i is computed in stage t (i < t: recomputed; R[t, t] = 1, a constant): `compute`
    S[t, i]  unit i's value, computed before stage t, is kept into stage t: `keep`

with, for every stage t:

    dependencies   R[t, j] + S[t, j] >= R[t, i]       for each input unit j of unit i
    keeping        S[t+1, i] <= R[t, i] + S[t, i]     a value is kept only if it exists
    memory         sum_i bytes_i S[t, i] + sum_i bytes_i R[t, i] + results_t <= budget

where results_t is the bytes of the results computed up to stage t (the outputs and new
values, which live to the end) plus the largest scratch (values read only inside their unit)
of a unit the stage may compute: one unit runs at a time, so one unit's scratch is live at
once.  The objective: the least recomputed FLOPs, sum cost_i
R[t, i] over i < t.

The memory row is a sound simplification of Checkmate's FREE variables: everything kept
into a stage and everything the stage computes is counted as live for the whole stage.  The
realised program (remat_realise.py) frees a value after its last reader, which is never later
than this model frees it, so its live bytes never exceed the model's.  What the model leaves
out (a unit's own short-lived intermediates, the arena's alignment and holes) is checked by
planning the realised program; remat_optimal.py tightens the budget and solves again when it
does not fit.

Variables exist only where they can matter: R[t, i] for recomputable units up to the last
stage that may read them (directly, or through a recomputed reader), S[t, i] likewise.  The
forward pass's stages (before the first unit that is not recomputable) recompute nothing: there a
unit's value is live (a constant column) up to its last forward reader, then kept into the
backward pass or dropped, one binary per unit ("kept") for every forward stage after that reader
and the first backward stage, instead of a binary per (stage, unit) pair.  The first backward
stage (that unit's) may recompute: what the backward pass reads first may have been dropped.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from graphc.passes.remat_highs import Problem, solve_milp
from graphc.passes.remat_units import Units


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
          cost_cap: float | None = None, start: UnitSchedule | None = None) -> Solution | str:
    """The least-recompute schedule whose model memory fits `budget`, or (budget None) the lowest
    model peak whose recompute stays within `cost_cap`.  `max_cost` bounds the objective (an
    incumbent's cost: nothing dearer is worth finding).  `start`, a schedule feasible in this model
    (see `start_vector`), is HiGHS's first incumbent when highspy is installed (remat_highs.py).  A
    string saying why when HiGHS finds no feasible schedule within `time_limit` seconds (or proves
    there is none)."""
    begin = time.perf_counter()
    p = _build(units, budget, max_cost, cost_cap)
    x0 = start_vector(p, start) if start is not None else None
    left = time_limit - (time.perf_counter() - begin)
    if left <= 0:
        return "none found in time"
    result = solve_milp(p.problem(), left, x0)
    if result.x is None:
        return "none exists in its model" if result.infeasible else "none found in time"
    x = np.round(result.x)
    recompute: dict[int, list[int]] = {}
    for (t, i), c in sorted(p.compute.items()):
        if x[c] > 0.5:
            recompute.setdefault(t, []).append(i)
    keep = {k: x[c] > 0.5 for k, c in p.keep.items()}
    solution = _solution(units, p, recompute, keep, result.gap, result.optimal, time.perf_counter() - begin)
    solution.started = result.started
    return solution


def start_vector(p: _Program, start: UnitSchedule) -> np.ndarray | None:
    """`start` as a point of the program `p` (the columns it names set, the rest 0), or None when it is not a
    feasible point of `p` (a value read before it exists, memory over the model's budget, a dearer cost than
    the cap).  The columns the forward pass shares (a unit's "kept" binary, the constant) take the value of
    any pair they stand for; feasibility is then checked row by row."""
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
    if "peak" in {k[0] for k in p.model.column}:
        return None
    return x if p.problem().violation(x) <= 1e-9 else None


def model_peak(units: Units, schedule: UnitSchedule) -> float:
    """The model's largest stage memory for `schedule` (the memory row's left side plus what the stage
    itself holds): the least model budget in which it is feasible."""
    p = _build(units, None, None, None)
    keep = {k: k in schedule.keep for k in p.keep}
    return _solution(units, p, schedule.recompute, keep, 1.0, False, 0.0).peak


def _solution(units: Units, p: _Program, recompute: dict, keep: dict, gap: float, optimal: bool,
              seconds: float) -> Solution:
    n = len(units)
    model_cost = float(sum(units.units[i].cost for ii in recompute.values() for i in ii))
    results = list(itertools.accumulate(u.result_bytes for u in units.units))
    stage_peaks = [units.units[t].bytes + results[t] + p.scratch[t]
                   + sum(units.units[i].bytes for i in range(t) if keep.get((t, i)))
                   + sum(units.units[i].bytes for i in recompute.get(t, ())) for t in range(n)]
    checkpoints = sum(1 for i in range(p.first_backward) if keep.get((p.first_backward, i)))
    return Solution(recompute, model_cost, float(max(stage_peaks, default=0)), gap, checkpoints, optimal, seconds)


def _build(units: Units, budget: float | None, max_cost: float | None, cost_cap: float | None) -> _Program:
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
                if t == first_backward and units.units[i].recomputable:  # the first backward stage may
                    compute[t, i] = m.var(("compute", t, i))             # recompute (what it reads first)
                continue
            if units.units[i].recomputable:
                compute[t, i] = m.var(("compute", t, i))
            keep[t, i] = m.var(("keep", t, i))
    peak = None if budget is not None else m.var(("peak",), 0.0, np.inf, integral=False)
    results = 0.0
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
        memory = {}
        for i in range(t):
            size = float(units.units[i].bytes)
            if (t, i) in keep:
                memory[keep[t, i]] = memory.get(keep[t, i], 0.0) + size
            if (t, i) in compute:
                memory[compute[t, i]] = memory.get(compute[t, i], 0.0) + size
        own = float(units.units[t].bytes) + results + scratch[t]
        if budget is not None:
            m.row(memory, -np.inf, budget - own)
        else:
            memory[peak] = -1.0
            m.row(memory, -np.inf, -own)
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
    return _Program(m, compute, keep, objective, scratch, first_backward)
