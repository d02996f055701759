"""Rematerialisation: keep only some forward values for the backward pass, recompute the rest.

Reverse mode reads forward intermediates in reverse order, so a plain
schedule keeps every one of them alive until the backward pass reaches it: memory grows
linearly with depth.  This pass trades compute for memory (seed 002; Chen et
al. 2016, "Training deep nets with sublinear memory cost"):

    rematerialize(program, "sqrt")        # O(sqrt n) memory for about one extra forward pass
    rematerialize(program, 512 * 2**20)   # the least recompute whose planned peak fits 512 MiB
    rematerialize(program, "none")        # the program unchanged
    rematerialize(program, budget, remat_planner="optimal")  # a MILP's least recompute (remat_optimal.py)
    rematerialize(program, "optimal")     # the lowest peak for at most one forward pass of recompute

It is the pipeline's remat stage (graphc/pipeline.py): the signature
`rematerialize(program: Program, strategy: str | int, planner=None) -> Program` is the
contract; `planner(program) -> MemoryPlan` is what every candidate is planned with (default
`plan_program_memory`, node by node; the llvm target passes one that fuses and plans its kernels).

The steps, a module each:
  graphc/passes/remat_cheap_reads.py cheap stashed values the backward pass reads: recomputed from kept ones
  graphc/passes/matmul_pieces.py    conv2d's im2col matrix made again for its filter gradient when memory
                                    is asked for, not kept
  graphc/passes/remat_analysis.py    the forward and backward sides, helpers, the spine, what is stashed
  graphc/passes/remat_segments.py    cutting the spine into segments for a target peak
  graphc/passes/remat_candidates.py  what each segmentation keeps and recomputes, ranked before building
  graphc/passes/remat_rewrite.py     the program with copies, and its RematStats
  graphc/passes/remat_schedule.py    the order it runs in
  graphc/passes/remat_bound.py       a lower bound of a candidate's kernel arena, from its graph alone
This module chooses among the candidates: "sqrt" the lowest planned peak, a byte budget the least
recompute that fits.  "sqrt" skips a candidate whose lower bound (`peak_lower_bound`: the kernel
arena's, or a node-by-node plan's live peak, graphc.passes.memory_plan.program_live_peak) already
loses to the best planned so far or to the program's own plan: the choice is the same, for fewer
plans; nor the program the candidates were built from, when its bound is above the best
candidate's plan.  With `bounds_first` (the node-by-node judge, whose bounds cost a fifth of a
plan) every bound is asked first and the lowest planned first.  The optimal planner
(Checkmate's MILP) lives in graphc/passes/remat_optimal.py and its steps (remat_units, remat_milp,
remat_realise).

Values are identical with and without rematerialisation: copies run the same
ops on the same inputs, and no sum is reordered.  No strategy plans more than "none": each
compares its plan with the unchanged program's and returns the program when it is no better.
"""

from __future__ import annotations

import dataclasses
import functools
import weakref

import numpy as np

from graphc.errors import GraphcError, MemoryBudgetError
from graphc.passes import remat_segments
from graphc.passes.matmul_pieces import piecewise_matmuls
from graphc.passes.remat_analysis import Analysis, analyse, flops, is_cheap, nbytes
from graphc.passes.remat_candidates import Candidate, candidates, checkpoints, computed_twice
from graphc.passes.remat_cheap_reads import recompute_cheap_reads
from graphc.passes.remat_rewrite import FORWARD_TAG, RematStats, known_peak, planned_peak, rebuild_with_copies, rewrite
from graphc.passes.remat_schedule import schedule_backward
from graphc.passes.remat_segments import Segmentation, segment_for_target, segmentations
from graphc.program import Program

# the names the tests and tools read here, whichever step defines them
__all__ = ["FORWARD_TAG", "SQRT_CANDIDATES", "STRATEGIES", "Analysis", "Candidate", "RematCache", "RematStats",
           "Segmentation",
           "analyse", "candidates", "check_remat_option", "checkpoints", "computed_twice", "fit_budget", "flops",
           "is_cheap", "nbytes", "rebuild_with_copies", "rematerialize", "rewrite", "schedule_backward",
           "segment_for_target", "segmentations", "sqrt_candidates"]

STRATEGIES = ("none", "sqrt", "optimal")
# segmentations modelled for "sqrt" and planned: the ones with the lowest modelled peaks
SQRT_CANDIDATES = 4


def check_remat_option(remat) -> str | int:
    """The remat option as given, or a GraphcError saying what is allowed."""
    if isinstance(remat, str) and remat in STRATEGIES:
        return remat
    if isinstance(remat, (int, np.integer)) and not isinstance(remat, (bool, np.bool_)) and remat > 0:
        return int(remat)
    raise GraphcError(f"remat must be 'none', 'sqrt' or a positive number of bytes (a memory budget), or "
                      f"'optimal', got {remat!r}")


class RematCache:
    """What rematerialising a program builds before judging it, kept for a second judge.

    `graphc inspect` judges one program's candidates twice: node by node (the numpy backend's
    plan) and by the compiled kernels' arena.  The analysis and the candidates do not depend on
    the judge, and building them was half of each search; with a cache they are built once, and
    the candidates share the forward pass's nodes (the same in each: only the backward side differs).
    Each judge gets its own Program and RematStats (it writes its planned peak into them); the
    nodes are shared (they are immutable).  The cache holds every program it saw alive, so it
    belongs to one inspection, not to a session.

        cache = RematCache()
        by_nodes = rematerialize(program, "sqrt", cache=cache)
        by_kernels = rematerialize(program, "sqrt", planner=kernel_planner, cache=cache)  # no rebuild
    """

    def __init__(self):
        self._analyses: dict[int, tuple[Program, Analysis]] = {}
        self._built: dict[tuple, tuple[Program, Program, RematStats]] = {}
        self._lowest: dict[int, list[Segmentation]] = {}
        self._forward: dict[int, dict] = {}  # id(analysis) -> its forward pass's tagged nodes, for every candidate
        self._reread: dict[int, tuple[Program, tuple[Program, list]]] = {}
        self._kept: dict[tuple, set[int]] = {}  # (id(analysis), cuts) -> what the segmentation keeps
        # id(a Program `rewrite` gave a judge) -> (a weak reference to it, its build's key): the judge lets the
        # losers go, and their plans with them (graphc.pipeline's kernel planner keeps a plan while its program lives)
        self._handed: dict[int, tuple] = {}
        self._bounds: dict[tuple, int] = {}  # (bound function, build key or program id) -> its value

    def memory_rewrites(self, program: Program) -> tuple[Program, list]:
        """`memory_rewrites(program)`, made once per program: later calls judge the same rewrite."""
        if id(program) not in self._reread:
            self._reread[id(program)] = (program, memory_rewrites(program, self.analysis))
        return self._reread[id(program)][1]

    def analysis(self, program: Program) -> Analysis:
        if id(program) not in self._analyses:
            self._analyses[id(program)] = (program, analyse(program))
        return self._analyses[id(program)][1]

    def lowest_segmentations(self, a: Analysis) -> list[Segmentation]:
        """`lowest_segmentations(a)`, searched once per analysis (which this cache keeps alive)."""
        if id(a) not in self._lowest:
            self._lowest[id(a)] = lowest_segmentations(a)
        return self._lowest[id(a)]

    def checkpoints(self, a: Analysis, seg: Segmentation) -> set[int]:
        """`checkpoints(a, seg.segment)`, found once per analysis and segmentation (a walk of the spine)."""
        key = (id(a), seg.cuts)
        if key not in self._kept:
            self._kept[key] = checkpoints(a, seg.segment)
        return self._kept[key]

    def rewrite(self, program: Program, a: Analysis, keep: set[int], seg: Segmentation, strategy):
        """`rewrite(program, a, keep, seg, strategy)`, built once per program and choice: a fresh
        (Program, RematStats) pair over the same nodes each time."""
        key = (id(program), frozenset(keep), seg.cuts, strategy)
        if key not in self._built:
            forward = self._forward.setdefault(id(a), {})
            self._built[key] = (program, *rewrite(program, a, keep, seg, strategy, forward))
        _, rebuilt, stats = self._built[key]
        handed = dataclasses.replace(rebuilt, outputs=list(rebuilt.outputs), new_values=list(rebuilt.new_values),
                                     schedule=list(rebuilt.schedule), remat_stats=None)
        self._handed[id(handed)] = (weakref.ref(handed), key)
        return handed, dataclasses.replace(stats, recomputed_ops=dict(stats.recomputed_ops))

    def bound(self, peak_lower_bound, program: Program) -> int:
        """`peak_lower_bound(program)`, asked once per build and bound: each judge gets its own Program of a
        candidate, the same nodes in the same order (the node judge's live peaks are the kernel judge's
        upper estimates of its bounds, graphc.passes.remat_bound)."""
        handed = self._handed.get(id(program))
        if handed is None or handed[0]() is not program:  # not a candidate: the program they were built from
            handed = self._handed[id(program)] = (lambda: program, id(program))  # kept: its id stays its own
        key = (peak_lower_bound, handed[1])
        if key not in self._bounds:
            self._bounds[key] = peak_lower_bound(program)
        return self._bounds[key]


def rematerialize(program: Program, strategy, planner=None, remat_planner: str = "greedy",
                  time_limit: float = 10.0, cache: RematCache | None = None,
                  peak_lower_bound=None, bounds_first: bool = False) -> Program:
    """Rematerialise `program` under `strategy` ("none", "sqrt", "optimal" or a byte budget); see the
    module docstring.

    `planner(program) -> MemoryPlan` plans each candidate (default: `plan_program_memory`, node by
    node, what the numpy backend runs); a compiled backend passes its own (fuse, then plan the
    kernels) so that the choice and the budget hold for what it really runs.  `remat_planner`
    ("greedy" or "optimal") says who meets a byte budget; "optimal" solves for at most
    `time_limit` seconds.  `cache` (a RematCache) shares the analysis and the candidates with
    another call on the same program (the heuristics'; the optimal planner builds its own).
    `peak_lower_bound(candidate) -> bytes`, when given, is at most what `planner` plans for a
    candidate (the compiled targets pass graphc.passes.remat_bound.arena_lower_bound): "sqrt"
    does not plan a candidate whose bound already loses to the best planned so far, and chooses
    exactly what it would have chosen planning them all.  `bounds_first`: the bound costs far less
    than a plan (the node-by-node judge's live peak): every one is asked before any plan, and the
    lowest bounded is planned first (see `_lowest_planned`).
    The returned Program's `remat_stats` field says what it recomputes
    and which planner made the plan (None when nothing changed).
    """
    from graphc.passes.remat_optimal import check_planner

    strategy, remat_planner = check_remat_option(strategy), check_planner(remat_planner)
    if strategy == "none":
        return program
    plan = functools.partial(_planned, strategy=strategy, planner=planner, remat_planner=remat_planner,
                             time_limit=time_limit, cache=cache, peak_lower_bound=peak_lower_bound,
                             bounds_first=bounds_first)
    if isinstance(strategy, int) and planned_peak(program, planner) <= strategy:
        return plan(program)  # it fits as it is: recompute nothing, not even cheap values
    reread, copies = cache.memory_rewrites(program) if cache is not None else memory_rewrites(program)
    if reread is program:
        return plan(program)
    planned = plan(reread)
    if isinstance(strategy, int):  # the program itself does not fit; whatever fits does better
        if planned is reread:  # it fits with the copies alone
            planned.remat_stats = RematStats(strategy, 0, 0, 0, 0, sum(flops(n) for n in reread.nodes()),
                                             planned_peak(reread, planner), planner="greedy")
        return _counting_copies(planned, copies)
    if planned is reread or known_peak(planned, planner) >= planned_peak(program, planner):
        return program  # no plan beat the program as it was: its copies would be work for nothing
    return _counting_copies(planned, copies)


def memory_rewrites(program: Program, analysis=analyse) -> tuple[Program, list]:
    """(`program` as rematerialisation plans it, the cheap values its backward pass now recomputes).

    Rewrites that trade a little speed for memory, made only when a plan is asked for and the
    program does not fit as it is: conv2d's im2col matrix made again for its filter gradient
    rather than kept (matmul_pieces.piecewise_matmuls; 1.1x the time of bench_conv's step), and
    cheap stashed values re-read from the one value they come from (remat_cheap_reads).
    `analysis`: how to analyse a program (a RematCache's, to share it)."""
    remade = piecewise_matmuls(program)
    return recompute_cheap_reads(remade, analysis(remade))


def _counting_copies(planned: Program, copies: list) -> Program:
    """`planned`, its stats counting the cheap values the backward pass now recomputes (remat_cheap_reads):
    each copy runs once, beside its forward twin."""
    stats = planned.remat_stats
    if stats is not None and copies:
        stats.recompute_flops += sum(flops(c) for c in copies)
        stats.recomputed_nodes += len(copies)
        for c in copies:
            stats.recomputed_ops[c.op.name] = stats.recomputed_ops.get(c.op.name, 0) + 1
    return planned


def _planned(program: Program, *, strategy, planner, remat_planner: str, time_limit: float,
             cache: RematCache | None, peak_lower_bound, bounds_first: bool = False) -> Program:
    """`rematerialize` of a program whose cheap reads are settled: the planner that `strategy` names."""
    from graphc.passes.remat_optimal import optimal_rematerialize

    if strategy == "optimal" or (isinstance(strategy, int) and remat_planner == "optimal"):
        # the heuristics are handed in: the optimal planner starts from them and imports nothing of this module
        return optimal_rematerialize(program, strategy, planner, time_limit, greedy=fit_budget,
                                     sqrt=lambda p: rematerialize(p, "sqrt" if strategy == "optimal" else strategy,
                                                                  planner))
    a = cache.analysis(program) if cache is not None else analyse(program)
    if not a.stashed:  # no backward pass reads forward values: nothing to trade
        if isinstance(strategy, int):
            peak = planned_peak(program, planner)
            if peak > strategy:
                raise MemoryBudgetError(_budget_message(strategy, peak, "no forward value to rematerialise"))
        return program
    if strategy == "sqrt":
        return _lowest_planned(program, a, strategy, planner, cache, peak_lower_bound, bounds_first)
    return fit_budget(program, a, strategy, planner, cache)


def _lowest_planned(program: Program, a: Analysis, strategy, planner, cache: RematCache | None,
                    peak_lower_bound, bounds_first: bool = False) -> Program:
    """"sqrt": the candidate with the lowest planned peak (ties: the least recompute, then the first), or
    `program` (the one the candidates were built from) when that candidate does not plan less.

    With `peak_lower_bound`, what cannot change the answer is not planned: a candidate whose bound
    loses to the best planned so far, or is not below `program`'s plan (it could never be returned,
    and the best that is returned is the same); `program` itself, when its bound is above the best
    candidate's plan (the best can only be lower).  The order they are planned in changes only how
    many are: by default the first candidate, then `program` (its plan rules out the candidates
    above it: on a random graph, all the others), then the rest, each bounded just before it would
    be planned (a bound that nothing planned could prune by is not asked).  `bounds_first` (bounds
    far cheaper than plans: the node-by-node judge's live peaks) asks every bound first and plans
    the lowest first, so that `program`, when it bounds lowest, is planned before any candidate.
    """
    built = list(sqrt_candidates(program, a, strategy, cache))
    if peak_lower_bound is None:  # every candidate planned, then the program
        for rebuilt, stats in built:
            stats.planned_peak_bytes = planned_peak(rebuilt, planner)
        return _lowest_of(program, built, planned_peak(program, planner))
    cache = RematCache() if cache is None else cache  # each bound asked once (and shared with another judge)
    # an upper estimate of the bound, cheaper than it: a bound it puts below what the bound must reach to
    # rule a program out is not asked (graphc.passes.remat_bound.arena_lower_bound's: the node live peak)
    at_most = getattr(peak_lower_bound, "at_most", None)

    def bound(judged: Program) -> int:
        return cache.bound(peak_lower_bound, judged)

    def below(judged: Program, reach: int) -> bool:
        """Whether `judged`'s bound is below `reach`, its upper estimate asked first."""
        return (at_most is not None and cache.bound(at_most, judged) < reach) or bound(judged) < reach

    # judged by index (-1: the program, first among equal bounds), and a candidate that loses is let go
    order = [-1, *range(len(built))]
    if bounds_first:
        order.sort(key=lambda k: bound(built[k][0] if k >= 0 else program))  # stable
    else:
        order[:2] = order[1::-1]  # the first candidate, then the program, then the others
    best, unchanged = None, None  # best: ((peak, recompute, k), stats) of the best planned; unchanged: program's plan
    for k in order:
        if k < 0:
            if best is None or below(program, best[0][0] + 1):  # else its plan is above the best's
                unchanged = planned_peak(program, planner)
            continue
        (judged, stats), built[k] = built[k], None
        known = [t for t in (best[0][0] if best else None, unchanged) if t is not None]
        # a candidate wins only with a key below the best's, and a peak below the program's plan
        if known and not below(judged, min(known)):
            least = (bound(judged), stats.recompute_flops, k)  # its key is at least this
            if (best is not None and least > best[0]) or (unchanged is not None and least[0] >= unchanged):
                continue
        stats.planned_peak_bytes = planned_peak(judged, planner)
        key = (stats.planned_peak_bytes, stats.recompute_flops, k)
        if best is None or key < best[0]:
            best = (key, (judged, stats))
    if best is None:  # every candidate bounded at or above the program's plan
        return program
    return _lowest_of(program, [best[1]], unchanged)


def _lowest_of(program: Program, planned: list[tuple[Program, RematStats]], unchanged: int | None) -> Program:
    """The first of the `planned` candidates with the lowest (planned peak, recompute), marked as "sqrt"'s
    choice, when it plans less than `unchanged` (`program`'s plan; None: known to be above it); else `program`."""
    rebuilt, stats = min(planned, key=lambda c: (c[1].planned_peak_bytes, c[1].recompute_flops))
    stats.planner = "sqrt"
    rebuilt.remat_stats = stats  # a field of the candidate it built: the planner knows it by identity
    return rebuilt if unchanged is None or stats.planned_peak_bytes < unchanged else program


def sqrt_candidates(program: Program, a: Analysis, strategy, cache: RematCache | None = None):
    """The programs of the SQRT_CANDIDATES segmentations with the lowest modelled peaks, and their stats."""
    if cache is None:
        for seg in lowest_segmentations(a):
            yield rewrite(program, a, checkpoints(a, seg.segment), seg, strategy)
        return
    for seg in cache.lowest_segmentations(a):
        yield cache.rewrite(program, a, cache.checkpoints(a, seg), seg, strategy)


def lowest_segmentations(a: Analysis) -> list[Segmentation]:
    """The SQRT_CANDIDATES segmentations with the lowest modelled peaks (ties: fewer segments)."""
    return remat_segments.lowest_segmentations(a, SQRT_CANDIDATES)


def fit_budget(program: Program, a: Analysis, budget: int, planner=None, cache: RematCache | None = None) -> Program:
    """The candidate whose planned peak fits `budget` with the least recompute (ties: the lower peak).

    Candidates are ranked by recompute without being built, then built and planned in that
    order; the first that fits wins.  One whose modelled peak (a lower estimate: checkpoints
    and stash, no temporaries) already passes the budget is skipped.  When none fits, the
    error names the smallest planned peak among the candidates with the lowest modelled peaks.
    The program itself is a candidate with no recompute: when it fits, it is chosen unless a
    candidate that recomputes nothing either (keep everything, run in the backward pass's
    order) plans less.
    """
    unchanged = planned_peak(program, planner)
    every = candidates(a)
    for cand in sorted(every, key=lambda c: (c.recompute_flops, c.modelled_peak)):
        if cand.modelled_peak > budget or (unchanged <= budget and cand.recompute_flops > 0):
            continue
        rebuilt, stats = cand.build(program, a, budget, cache)
        stats.planned_peak_bytes = planned_peak(rebuilt, planner)
        if stats.planned_peak_bytes <= budget and stats.planned_peak_bytes < unchanged:
            rebuilt.remat_stats = stats
            return rebuilt
    if unchanged <= budget:
        return program
    lowest = sorted(every, key=lambda c: c.modelled_peak)[:SQRT_CANDIDATES]
    smallest = min((planned_peak(c.build(program, a, budget, cache)[0], planner), c.segmentation.count)
                   for c in lowest)
    raise MemoryBudgetError(_budget_message(budget, smallest[0], f"{smallest[1]} segments"))


def _budget_message(budget: int, smallest: int, how: str) -> str:
    return (f"remat budget of {budget} bytes cannot be met: the smallest planned peak found is {smallest} bytes "
            f"({how}); raise the budget to at least {smallest}, or use remat='sqrt'")
