"""The optimal planner: Checkmate's mixed-integer program, started from and checked against the heuristics.

    rematerialize(program, budget, remat_planner="optimal")   # least recompute under a byte budget
    rematerialize(program, "optimal")                        # lowest peak for at most one forward pass

The steps, a module each: coarsen the program into units (remat_units.py), solve the MILP over
them with HiGHS under a time limit (remat_milp.py), realise the schedule as a program with
copies (remat_realise.py).  This module plans what was realised with the target's own memory
planner and decides:

  * under a byte budget, the greedy planner's plan comes first; its recompute caps the MILP's
    objective (nothing dearer is worth finding), and the MILP's plan is taken only when it
    fits the budget as planned and recomputes less (or as much, planning lower).  Before the
    MILP, a family of structured schedules (remat_keep_sets.py: a kept tail, segments from
    checkpoints, cheap values recomputed where read) is realised and planned; the cheapest that
    fits caps the MILP in turn.  The
    greedy plan is also the solver's starting point (remat_warm_start.py: the units are cut
    so that it is one of their schedules; with highspy, HiGHS takes it as its first incumbent,
    remat_highs.py).  Three models are searched in turn, each for an equal share of the time
    (MODELS): the fine units with recompute only in the stages where the greedy plan recomputes
    (small: HiGHS proves its optimum in seconds where the full model finds nothing cheaper than
    its start), then the fine and the coarse units unrestricted (remat_units.coarsen's `chains`),
    the best plan so far capping the next.  The model's memory is not the planner's (no arena
    holes, no fused kernels' buffers, and a stage's recomputed values all live while it
    recomputes), so in each the model's budget is searched (`ATTEMPTS` solves from
    MODEL_SCALES, or from the greedy plan's model peak): tighter when a realised plan does not
    fit (by the secant step: the model budget scaled by budget / planned peak), looser (and
    cheaper than the best so far) when it does or when the model has no schedule.  When the
    model has no schedule at first, the units are made again with backward values recomputable
    too (remat_units.coarsen's `everything`) and solved in a looser model budget.  When the
    solver finds nothing, the greedy plan stands and a warning says so;
  * without a budget, the MILP minimises the model's peak with at most one forward pass of
    recompute, started from √n's plan; √n's plan stands when it is lower as planned.

`remat_stats.planner` names the planner whose plan was kept, `remat_stats.gap` the solver's
optimality gap for the MILP's plan (None for a heuristic's).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable

from graphc.errors import GraphcError, MemoryBudgetError
from graphc.passes.remat_analysis import Analysis, analyse, flops
from graphc.passes.remat_keep_sets import search as search_kept
from graphc.passes.remat_milp import Solution, model_peak, solve
from graphc.passes.remat_realise import extra_flops, realise
from graphc.passes.remat_rewrite import RematStats, known_peak, planned_peak
from graphc.passes.remat_units import coarsen, without_shape_reads
from graphc.passes.remat_warm_start import recomputed_nodes, unit_schedule
from graphc.program import Program

PLANNERS = ("greedy", "optimal")
DEFAULT_TIME_LIMIT = 10.0
ATTEMPTS = 5
# (lowest, first, highest) model budget tried, as a fraction of the budget: the model counts every value a stage
# recomputes as live for the whole stage (over), but no arena holes (under)
MODEL_SCALES = (0.7, 1.0, 1.5)
SECANT_MARGIN = 0.98  # aim a little under the budget when a plan planned over it
# the units' granularities (remat_units.coarsen's `chains`): the fine one (a forward unit per matmul chain or
# residual add) is the tighter, the coarse one often solves faster
GRANULARITIES = (True, False)
# the models searched in turn, (fine units?, recompute only in the greedy plan's stages?): the restricted model
# first (small: solved to optimality in seconds where the full one finds nothing cheaper than its start)
MODELS = ((True, True), *((chains, False) for chains in GRANULARITIES))
# the restricted model with remat_milp's per-unit frees (a value recomputed or kept in a stage freed after its last
# reader there) instead of the stage sums: tighter (the residual net's greedy plan at 1/4: model 16.06 MiB against
# 17.5, planned 16.0), but off: at 1/4 on the residual net it finds nothing that plans within the budget either
# (its optimum, 1691 MFLOP, plans 18.0 MiB on llvm; with the stage's hoisted part counted before its recomputation,
# remat_milp._Hoisting, the model's peak is the live one within 2%, and the optimum at the greedy plan's model peak,
# 1690.6 MFLOP, lives in 16.56 MiB but plans 17.0 on llvm, none cheaper below that), and on the transformer at 1/4
# it kept 336-348 MFLOP where the stage sums keep 284-296 in the same 10 s (docs/remat.md, "Per-unit frees"); with
# the hoisted part, every plan of the residual, MLP, transformer and CNN at 1/2 and 1/4 is the same on or off (280.3
# against 280.2 MFLOP on the transformer at 1/4): nothing gained
RESTRICTED_FREES = False
# the kept tails and segments' own time, beside the solver's, as a share of the time limit: a bound for huge graphs,
# not a budget (remat_keep_sets.search stops on its own sooner: 0.2-0.4 s of CPU on bench_remat's residual and MLP
# nets), so that a loaded machine does not cut its bisection short and plan differently; the solver keeps all of
# its time limit, so that what HiGHS finds is what it found before them
KEPT_SHARE = 1.0


class RematPlannerWarning(UserWarning):
    """The optimal planner kept a heuristic's plan because the solver found nothing in time."""


def check_planner(name) -> str:
    if isinstance(name, str) and name in PLANNERS:
        return name
    raise GraphcError(f"remat_planner must be one of {', '.join(repr(p) for p in PLANNERS)}, got {name!r}")


def check_time_limit(value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    raise GraphcError(f"remat_time_limit must be a positive number of seconds, got {value!r}")


def optimal_rematerialize(program: Program, strategy, planner, time_limit: float, greedy: Callable,
                          sqrt: Callable) -> Program:
    """`strategy`: "optimal" (no budget) or a byte budget; `planner(program) -> MemoryPlan` as for
    graphc.passes.remat.rematerialize, which hands in its heuristics: `greedy(program, analysis,
    budget, planner)` (fit_budget) and `sqrt(program)` (its "sqrt" for "optimal", else the budget's
    own answer).  See the module docstring."""
    prepared = without_shape_reads(program)
    a = analyse(prepared)
    if not a.stashed:  # nothing to trade: the heuristics' answer (the program, or a budget error)
        return sqrt(program)
    if strategy == "optimal":
        return _lowest_peak(prepared, a, planner, time_limit, _labelled(sqrt(program), "sqrt"))
    return _fit_budget(program, prepared, a, int(strategy), planner, time_limit, greedy)


def _greedy(program: Program, prepared: Program, a: Analysis, budget: int, planner, fit_budget: Callable):
    """(the greedy plan with the least recompute, or None; the error when there is none): the greedy planner
    on the program as given (what remat_planner="greedy" returns) and on the prepared one (no value kept for
    its shape alone), which is often cheaper."""
    plans, failure = [], None
    for candidate in ([program, prepared] if program is not prepared else [prepared]):
        try:
            plans.append(fit_budget(candidate, a if candidate is prepared else analyse(candidate), budget, planner))
        except MemoryBudgetError as exc:
            failure = exc
    if not plans:
        return None, failure
    return min(plans, key=_recomputed), None


def _recomputed(plan: Program) -> int:
    """A heuristic's recompute: none when it returned the program unchanged (it fits as it is)."""
    return plan.remat_stats.recompute_flops if plan.remat_stats is not None else 0


def _fit_budget(program: Program, prepared: Program, a: Analysis, budget: int, planner,
                time_limit: float, fit_budget: Callable) -> Program:
    greedy, failure = _greedy(program, prepared, a, budget, planner, fit_budget)
    program = prepared
    found, why = None, f"none found in {time_limit:g} s"
    cap = _recomputed(greedy) if greedy is not None else None
    start = recomputed_nodes(prepared, greedy) if greedy is not None and greedy.remat_stats is not None else None
    # the kept tails and segments first (remat_keep_sets.py): a few realised plans, where HiGHS may find nothing
    structured = search_kept(program, a, budget, planner, time.perf_counter() + KEPT_SHARE * time_limit, cap)
    if structured is not None:
        found, cap = structured, _extra(program, structured) - 1
    deadline = time.perf_counter() + time_limit  # the solver's: the greedy plan's and the kept tails' time is their own
    models = [(chains, at_start) for chains, at_start in MODELS if start or not at_start]
    for k, (chains, at_start) in enumerate(models):  # each model gets an equal share of the time left
        share = (deadline - time.perf_counter()) / (len(models) - k)
        best, reason = _search(program, a, budget, planner, chains, time.perf_counter() + share, cap,
                               start if found is None or at_start else None, at_start)
        if best is not None and (found is None or _extra(program, best) < _extra(program, found)):
            found, cap = best, _extra(program, best) - 1
        elif found is None and reason:
            why = reason
    if found is not None:
        rebuilt, solution, peak = found
        stats = _stats(program, rebuilt, a, solution, budget, peak)
        # the greedy plan stands against one of equal recompute that plans no lower (the MILP's copy of it, say)
        if greedy is None or \
                (stats.recompute_flops, stats.planned_peak_bytes) < (_recomputed(greedy), known_peak(greedy, planner)):
            rebuilt.remat_stats = stats
            return rebuilt
    if greedy is None:
        raise failure
    if found is None:
        warnings.warn(f"remat_planner='optimal': the MILP found no schedule within {budget} bytes recomputing no "
                      f"more than the greedy plan ({why}); kept the greedy plan", RematPlannerWarning, stacklevel=3)
    return _labelled(greedy, "greedy")


def _extra(program: Program, found: tuple) -> int:
    """The FLOPs a realised plan recomputes (its copies nobody reads dropped: at most the model's cost)."""
    return extra_flops(program, found[0])[0]


def _search(program: Program, a: Analysis, budget: int, planner, chains: bool, deadline: float,
            cap: float | None, start_from: set[int] | None = None, at_start: bool = False) -> tuple[tuple | None, str]:
    """((the realised program, its Solution, its planned peak) with the least recompute found that fits `budget` as
    planned, or None; why none was found).  Up to ATTEMPTS solves of the units `coarsen(..., chains=chains)` makes,
    the model's budget searched as the module docstring says.  `start_from`: the nodes the greedy plan
    recomputes (remat_warm_start.py): the units are cut so that its plan is one of their schedules, which every
    solve whose model admits it starts from, and the first model budget admits it.  `at_start`: recompute
    only in the stages where that plan recomputes (the restricted model, see the module docstring)."""
    apart = start_from or frozenset()
    units, widened = coarsen(program, a, chains=chains, apart=apart), False
    start = unit_schedule(units, start_from) if start_from else None
    if at_start and start is None:
        return None, ""
    stages = set(start.recompute) if at_start else None
    frees = at_start and RESTRICTED_FREES
    found, why = None, ""
    lo, scale, hi = MODEL_SCALES
    if start is not None:  # the first solve in the least model budget where the greedy plan is a schedule
        scale = (model_peak(units, start, stages, frees=True) if frees else model_peak(units, start)) / budget
        lo, hi = min(lo, scale), max(hi, scale)
    for attempt in range(ATTEMPTS):
        left = deadline - time.perf_counter()
        share = left if attempt == ATTEMPTS - 1 else left / 2  # HiGHS spends what it is given closing the gap:
        solution = solve(units, scale * budget, share, max_cost=cap, start=start, stages=stages,
                         frees=frees) if left > 0 else "none found in time"
        if isinstance(solution, str):
            if found is None:
                why = solution
            if not solution.endswith("in its model"):  # out of time: a looser model budget is easier to meet
                if found is not None:
                    break
                lo = scale
                scale = (scale + hi) / 2
                continue
            if not widened and found is None and not at_start:  # nothing recomputing forward values only:
                units, widened = coarsen(program, a, everything=True, chains=chains, apart=apart), True  # backward
                start = unit_schedule(units, start_from) if start_from else None  # ones too, in a looser model
                scale = (scale + hi) / 2  # budget: the wider model is slower to solve, and plans well below it
                continue
            lo = scale  # nothing (cheaper) at this model budget: loosen it
        else:
            rebuilt = realise(program, a, units, solution.recompute)
            peak = planned_peak(rebuilt, planner)
            if peak <= budget:
                found, cap, lo = (rebuilt, solution, peak), solution.cost - 1, scale
                start = None  # dearer than the cap from now on
            else:
                hi = scale
                if found is None:
                    why = f"its schedules planned over the budget, the last at {peak} bytes"
                # the secant step: the model budget whose plan would plan at the budget, were the ratio of
                # planned to modelled peak the same; bisection when that leaves the bracket
                aim = scale * budget / peak * SECANT_MARGIN
                if lo < aim < hi:
                    scale = aim
                    continue
        scale = (lo + hi) / 2
    return found, why


def _lowest_peak(program: Program, a: Analysis, planner, time_limit: float, sqrt: Program) -> Program:
    forward = sum(flops(n) for n in a.forward)
    # √n's plan is the solver's start (remat_warm_start.py) when it recomputes at most the forward pass
    recomputed = recomputed_nodes(program, sqrt) if sqrt.remat_stats is not None else None
    units = coarsen(program, a, apart=recomputed or frozenset())
    start = unit_schedule(units, recomputed) if recomputed else None
    solution = solve(units, None, time_limit, cost_cap=forward, start=start)
    if isinstance(solution, str):
        warnings.warn(f"remat='optimal': the MILP found no schedule ({solution}); kept the sqrt plan",
                      RematPlannerWarning, stacklevel=3)
        return sqrt
    rebuilt = realise(program, a, units, solution.recompute)
    peak = planned_peak(rebuilt, planner)
    if peak > known_peak(sqrt, planner):
        return sqrt
    rebuilt.remat_stats = _stats(program, rebuilt, a, solution, "optimal", peak)
    return rebuilt


def _labelled(rebuilt: Program, planner: str) -> Program:
    stats = rebuilt.remat_stats
    if stats is not None:
        stats.planner, stats.gap = planner, None
    return rebuilt


def _stats(program: Program, rebuilt: Program, a: Analysis, solution: Solution, strategy, peak: int) -> RematStats:
    recomputed, copies, ops = extra_flops(program, rebuilt)
    stats = RematStats(strategy=strategy, segments=len(solution.recompute) + 1, checkpoints=solution.checkpoints,
                       recomputed_nodes=copies, recompute_flops=recomputed, total_flops=a.total_flops,
                       planned_peak_bytes=peak, modelled_peak_bytes=int(solution.peak), recomputed_ops=ops)
    stats.planner, stats.gap, stats.solve_seconds = "optimal", solution.gap, solution.seconds
    return stats
