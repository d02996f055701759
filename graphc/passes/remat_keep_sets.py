"""The optimal planner's structured schedules: keep a set of forward units, recompute the rest where read.

    schedule = on_demand(units, kept={...})        # stage -> units recomputed in it (a MILP solution's shape)
    for kept in tail_and_segments(units): ...       # the family the planner tries before the MILP

Why: on a deep chain HiGHS does not close the MILP's gap (bench_remat's residual net at 1/4: LP
bound 1274 MFLOP in the frees model, nothing cheaper than the greedy plan's 1960 found in 60 s),
while the schedule that does better has a simple shape: keep the last layers' values through
the whole backward pass (a *tail*, kept from the forward pass), recompute the layers before it
once each, a segment at a time from a few kept *checkpoints*, and recompute the cheap values (a
residual add: 1/256 of its layer's matmul) in every stage that reads them instead of keeping
them.  Realised, such a schedule recomputes 1519.6 MFLOP there (22.5% under greedy) and plans
16.0 MiB on llvm, within the 16.75 MiB budget (docs/remat.md, "Kept tails and segments").

`on_demand` turns a kept set into a schedule: a stage recomputes every forward unit it reads
that is neither kept nor still held, with what that unit reads, recursively; an expensive unit
recomputed once is held to its last reader (a segment is recomputed once), a cheap one is
recomputed again wherever it is read (it dies at its reader).  Units the MILP may not recompute
count as kept.

When no kept tail fits (bench_remat's residual net at 1/8: 8.4 MiB; no plan before planned under 14 MiB),
the low-memory end of the trade-off is tried (`recomputed_where_read`): every unit of the forward
pass recomputed where read, dear ones too, from none to a few checkpoints (quadratic recompute:
the chain from the last checkpoint again for every layer's backward), optionally with every
s-th dear unit held to its last reader once recomputed (a checkpoint for its segment only).
Cheapest first, the first that fits is taken: there two checkpoints (at the 12th and 28th of
32 matmuls) recompute 11561 MFLOP in 8.0 MiB, one (at the 16th) 15890 MFLOP in 7.0 MiB, and none
29958 MFLOP in 8.0 MiB (eight 1 MiB values live at a layer's backward matmul).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator

from graphc.passes.remat_analysis import Analysis
from graphc.passes.remat_milp import Solution
from graphc.passes.remat_realise import extra_flops, realise
from graphc.passes.remat_rewrite import planned_peak
from graphc.passes.remat_units import Units, coarsen
from graphc.program import Program

# a unit is cheap when it costs at most this share of the dearest forward unit (a residual add against a matmul
# layer: 1/256); recomputing it in every stage that reads it costs less than keeping it
CHEAP_SHARE = 1 / 50
PAST_THE_BISECTION = 2  # heads tried past the one the bisection stops at
MAX_CHECKPOINTS = 3  # checkpoints tried in the recomputed head (evenly spaced); more plan higher on the test nets
# recomputed where read (`recomputed_where_read`): checkpoints tried (0 to this), and the spacings of the dear units
# held within a segment (0: none); on the residual net at 1/8 more checkpoints or held units plan 10 MiB or more
MAX_FRESH_CHECKPOINTS = 4
HELD_SPACINGS = (0, 2, 4, 8)
CHECKPOINT_PLACES = 7  # the places checkpoints are also tried at, every choice of up to MAX_FRESH_CHECKPOINTS


def first_backward(units: Units) -> int:
    """The first unit the MILP may not recompute: the forward pass ends there."""
    return next((u.index for u in units.units if not u.recomputable), len(units))


def cheap_units(units: Units) -> set[int]:
    forward = units.units[:first_backward(units)]
    dearest = max((u.cost for u in forward), default=0)
    return {u.index for u in forward if u.cost <= CHEAP_SHARE * dearest}


def on_demand(units: Units, kept: set[int], cheap: set[int] | None = None,
              ahead: bool = False) -> dict[int, list[int]]:
    """stage -> the units it recomputes (ascending), for the schedule that keeps `kept` (see the module docstring).
    `ahead`: what a backward stage after the first reads is recomputed in the stage before it, so that the stage
    itself recomputes nothing (see `search`)."""
    end = first_backward(units)
    cheap = cheap_units(units) if cheap is None else cheap
    held: set[int] = set()
    recompute: dict[int, list[int]] = {}
    for stage in range(end, len(units)):
        needed: set[int] = set()
        wanted = [i for i in units.units[stage].inputs if i < end]
        while wanted:
            i = wanted.pop()
            if i in kept or i in held or i in needed or not units.units[i].recomputable:
                continue
            needed.add(i)
            wanted += [j for j in units.units[i].inputs if j < end]
        if needed:
            at = stage - 1 if ahead and stage > end else stage
            recompute[at] = sorted(needed.union(recompute.get(at, ())))
            held |= needed - cheap
    return recompute


def dear_units(units: Units, cheap: set[int] | None = None) -> list[int]:
    """The forward pass's units that are not cheap (`cheap`, default `cheap_units`), in order."""
    cheap = cheap_units(units) if cheap is None else cheap
    return [i for i in range(first_backward(units)) if i not in cheap]


def read_at(units: Units, dear: list[int], marks) -> set[int]:
    """What the dear units at positions `marks` read: the values kept as their checkpoints."""
    return {i for mark in marks for i in units.units[dear[mark]].inputs}


def evenly_spaced(length: int, count: int) -> set[int]:
    """`count` marks strictly inside range(length), evenly spaced (fewer when they collide)."""
    return {round(length * (q + 1) / (count + 1)) for q in range(count)} - {0, length}


def tail_and_segments(units: Units, cheap: set[int] | None = None) -> Iterator[tuple[int, set[int]]]:
    """(expensive units recomputed, kept set) for every split of the forward pass's expensive units into a
    recomputed head and a kept tail, with 0 to MAX_CHECKPOINTS evenly spaced checkpoints in the head: the tail's
    units and what its first unit reads are kept, and what each checkpoint's unit reads.  Ordered by the head's
    length, longest first (most recompute, least memory)."""
    expensive = dear_units(units, cheap)
    for head in range(len(expensive), 0, -1):
        tail = set(expensive[head:])
        if head < len(expensive):
            tail |= read_at(units, expensive, [head])
        for count in range(MAX_CHECKPOINTS + 1):
            marks = evenly_spaced(head, count)
            if len(marks) < count:
                continue
            yield head, tail | read_at(units, expensive, marks)


def recomputed_where_read(units: Units, cheap: set[int] | None = None) -> Iterator[tuple[set[int], set[int]]]:
    """(kept set, units recomputed where read: `on_demand`'s `cheap`) for the low-memory schedules (see the module
    docstring), the first keeping and holding nothing (the least memory): 0 to MAX_FRESH_CHECKPOINTS evenly
    spaced checkpoints (what their dear units read is kept), each with every s-th dear unit (s in HELD_SPACINGS)
    held once recomputed; then 1 to MAX_FRESH_CHECKPOINTS checkpoints at every choice of CHECKPOINT_PLACES
    places, spaced a fixed step apart, nothing held.  The places matter beyond their count (the residual net at
    1/8, 32 dear units: checkpoints at 12 and 28 plan 8.0 MiB, at 12 and 24 10.0 MiB), and not monotonically."""
    end = first_backward(units)
    expensive = dear_units(units, cheap)

    even = [evenly_spaced(len(expensive), count) for count in range(MAX_FRESH_CHECKPOINTS + 1)]
    even = [marks for count, marks in enumerate(even) if len(marks) == count]
    for marks in even:
        for spacing in HELD_SPACINGS:
            held = set(expensive[spacing::spacing]) if spacing else set()
            yield read_at(units, expensive, marks), set(range(end)) - held
    step = max(1, -(-len(expensive) // (CHECKPOINT_PLACES + 1)))
    places = range(step, len(expensive), step)
    for count in range(1, MAX_FRESH_CHECKPOINTS + 1):
        for marks in itertools.combinations(places, count):
            if set(marks) not in even:
                yield read_at(units, expensive, marks), set(range(end))


def unit_cost(units: Units, recompute: dict[int, list[int]]) -> int:
    """What a schedule's units cost (at least what its realised program recomputes, see `search`)."""
    return sum(units.units[i].cost for stage in recompute.values() for i in stage)


def joins(program: Program, a: Analysis) -> set[int]:
    """The forward nodes that read two or more computed values (a residual add): the cut `search` makes the
    units at, so that a join is a unit of its own, cheap to recompute, and never shares a unit with a matmul
    (which would make the pair dear and keep both values: on the residual net at 1/4, 1519.9 MFLOP planned
    18.0 MiB with the MILP's units against 1522.5 MFLOP in 16.0 MiB with these)."""
    return {n.id for n in program.nodes() if a.is_forward(n) and sum(x.op.kind != "source" for x in n.inputs) > 1}


def search(program: Program, a: Analysis, budget: int, planner, deadline: float, cap: float | None,
           units: Units | None = None) -> tuple | None:
    """(the realised program, its Solution, its planned peak) of the least-recompute schedule of
    `tail_and_segments` that `planner` plans within `budget` and that recomputes less than `cap`, or None.
    `units`: the units to schedule (default: cut at the joins).

    A shorter head recomputes less and keeps more, so the shortest head with a schedule within the budget is
    bisected for (the heads past it are tried too: fitting is only roughly monotone), each head's schedules
    planned in turn, until `deadline` (time.perf_counter()).  A schedule whose units cost no less than `cap`
    or the best so far is not realised: that cost is what it recomputes, or more when a copy replaces a
    forward value that nothing else reads (the loss reading a recomputed cheap value: the forward pass then
    runs that part once, as the copy).  The schedules that keep the cheap units are searched first, and
    those that recompute them wherever read only when none of the first fits.  When none fits, the
    schedules of `recomputed_where_read` are planned, least unit cost first, up to the first that fits
    (when the first of them, the least memory, fits).  When none of those fits either, the same again over
    units whose backward pass is cut at its matmuls (remat_units.coarsen's `backward_at_matmuls`) and recomputed a
    stage ahead (`on_demand`'s `ahead`): on bench_remat's transformer at 1/8 (4.9 MiB; nothing planned under
    7.25 before) the backward pass was 6 units, so every recomputation ran before the whole of it.  Cut at the
    matmuls, a stage that recomputed its own inputs would run `g @ W2.T` first (it reads none of them:
    remat_realise runs such nodes before the recomputation) and the gelu derivative after it, and fusion keeps
    the two apart across a recomputation: the matmul's output and three helper values stored, 6.5 MiB planned.
    Recomputed in the stage before, the matmul and its epilogue are one kernel again: 4.75 MiB.  These are
    planned until as long again as `deadline` allowed the rest."""
    begin = time.perf_counter()
    units = units if units is not None else coarsen(program, a, apart=joins(program, a))
    cheap = cheap_units(units)
    best = None

    def bound() -> float:
        return min([c for c in (cap, best and best[1].cost) if c is not None], default=math.inf)

    def fits(kept: set[int], recompute: dict[int, list[int]], among: Units = units) -> bool:
        """Realise and plan `recompute` over `among` (keeping it as the best when cheaper): whether it fits the
        budget."""
        nonlocal best
        rebuilt = realise(program, a, among, recompute)
        peak = planned_peak(rebuilt, planner)
        if peak > budget:
            return False
        cost = extra_flops(program, rebuilt)[0]
        if cost < bound():
            solution = Solution(recompute, cost, float(peak), 1.0, len(kept), False, time.perf_counter() - begin)
            best = (rebuilt, solution, peak)
        return True

    def kept_tails(recomputed_cheap: set[int]) -> None:
        """The bisection over `tail_and_segments(units, recomputed_cheap)`, keeping the best that fits."""
        candidates: dict[int, list[set[int]]] = {}
        for head, kept in tail_and_segments(units, recomputed_cheap):
            candidates.setdefault(head, []).append(kept)
        heads = list(candidates)  # longest first

        def shorter_may_fit(head: int) -> bool:
            """Plan `head`'s schedules (keeping the best): whether one fits, or none was worth planning."""
            tried = fitted = False
            for kept in candidates[head]:
                recompute = on_demand(units, kept, recomputed_cheap)
                if unit_cost(units, recompute) >= bound():
                    continue
                tried = True
                fitted = fits(kept, recompute) or fitted
            return fitted or not tried

        lo, hi = 0, len(heads)
        while lo < hi and time.perf_counter() < deadline:
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if shorter_may_fit(heads[mid]) else (lo, mid)
        for head in heads[lo + 1:lo + 1 + PAST_THE_BISECTION]:
            if time.perf_counter() > deadline:
                break
            shorter_may_fit(head)

    # cheap units kept first: recomputing them wherever read adds memory-bound kernels that FLOPs do not count
    # (residual net at 1/2: 358.9 MFLOP that way ran 1.19x its modelled floor, slower than the MILP's 820.8 M
    # at 1.00x); only when no such schedule fits are they recomputed (at 1/4: 1519.6 M, 1.01x its floor)
    kept_tails(set())
    if best is None:
        kept_tails(cheap)

    def low_memory(among: Units, ahead: bool = False, until: float = deadline) -> None:
        """The low-memory schedules over `among`, cheapest first, until one fits (or `until`)."""
        schedules = [(kept, on_demand(among, kept, where_read, ahead))
                     for kept, where_read in recomputed_where_read(among, cheap_units(among))]
        # the first keeps and holds nothing: when that does not fit, no other is planned (a plan each: 0.15 s on
        # bench_remat's CNN, where none fits at 1/4); it may miss one that fits below it (one checkpoint, 7.0 MiB,
        # against none, 8.0 MiB, on the residual net), which is rare: checkpoints are bytes kept
        if unit_cost(among, schedules[0][1]) < bound() and fits(*schedules[0], among):
            for kept, recompute in sorted(schedules[1:], key=lambda pair: unit_cost(among, pair[1])):
                if time.perf_counter() > until or unit_cost(among, recompute) >= bound() or \
                        fits(kept, recompute, among):
                    break

    if best is None:  # no kept tail fits: the low-memory schedules, cheapest first, until one fits
        low_memory(units)
    if best is None:  # over a backward pass cut at its matmuls, a stage ahead, in a time of its own (the search's
        # again): on a loaded machine the families above may leave it none (the transformer at 1/8: they took 8.3 s
        # of the 10 at a load average of 11, and then only its first schedule, 11302.9 MFLOP, was planned where the
        # third recomputes 9264.3)
        finer = coarsen(program, a, backward_at_matmuls=True)
        low_memory(finer, ahead=True, until=time.perf_counter() + deadline - begin)
    return best
