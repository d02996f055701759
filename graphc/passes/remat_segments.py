"""Rematerialisation, second step: where the forward spine is cut into segments.

What is kept, helpers aside (graphc/passes/remat_analysis.py):
  * The other forward nodes, the *spine*, in longest-path order, are cut into
    segments.  A spine node read by a later segment is a *checkpoint*, kept from
    the forward pass to the backward one, and so is the whole last segment, which
    the backward pass reads first.  Every other spine value the backward pass
    needs is recomputed from the checkpoints, just before its segment's backward
    part runs: about one extra forward pass in all.
  * While the backward pass works on segment j, the checkpoints of segments 1..j
    and segment j's recomputed values are alive.  Cuts are therefore placed
    greedily for a target peak P: a segment ends where its checkpoints plus its
    stashed bytes would pass P, so later segments are shorter (the checkpoints
    before them are more).  The cut goes right after the segment's last stashed
    value (before `h @ w`, not between it and its `tanh`): the checkpoint is then a
    value the backward pass reads anyway, and no recomputed matmul loses its
    epilogue to a kernel of its own.  Every target P from the whole stash down gives a
    segmentation; "sqrt" plans the few with the lowest modelled peak and keeps the
    lowest planned one (O(sqrt n) checkpoints and O(sqrt n) values per segment).
    A byte budget takes, of keep-everything and of every segmentation (each also
    with matmul and reduction outputs kept, so that only cheap elementwise work is
    recomputed), the one with the least estimated recompute whose planned peak fits
    (there also with cuts right at the value that overflows, after `h @ w`: free
    checkpoints when matmul outputs are kept anyway).
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from graphc.passes.remat_analysis import Analysis, nbytes

# targets tried: the whole stash, then each this much smaller (sqrt's), and the finer steps budgets add
TARGET_STEP = 0.9
BUDGET_STEP = 0.97


@dataclass
class Segmentation:
    segment: dict[int, int]   # spine node id -> segment
    count: int
    modelled_peak: int        # max over segments of (checkpoints up to its start + its stashed bytes)
    cuts: tuple = ()          # spine positions where segments 1, 2, ... start: the segmentation, in short


def crossing_bytes(a: Analysis) -> list[int]:
    """Bytes of spine values that a cut right before each spine position would have to keep."""
    delta = [0] * (len(a.spine) + 1)
    for k, (node, last) in enumerate(zip(a.spine, a.last_spine_reads)):
        if last > k:
            delta[k + 1] += nbytes(node)
            delta[last + 1] -= nbytes(node)
    out, running = [], 0
    for k in range(len(a.spine)):
        running += delta[k]
        out.append(running)
    return out


def allowed_cuts(crossing: list[int]) -> list[bool]:
    """Cut only where few bytes cross: at most 1.5 times the lower quartile of the cuts' bytes.

    In a residual net that is between layers (one value crosses), not inside one (two do);
    the quartile, not the minimum, because the scalar tail of a loss crosses almost nothing.
    """
    inner = sorted(c for c in crossing[1:] if c > 0)
    cheap = inner[len(inner) // 4] if inner else 0
    return [k > 0 and c <= 1.5 * cheap for k, c in enumerate(crossing)]


def segment_for_target(a: Analysis, target: int, crossing: list[int], allowed: list[bool],
                       after_stashed: bool = True) -> Segmentation:
    """Greedy cuts: a segment ends where its checkpoints so far plus its stashed bytes would pass `target`.

    With `after_stashed`, the cut goes right after the last stashed value when it may (before
    `h @ w`, not between it and its `tanh`): the checkpoint is then a value the backward pass
    reads anyway, and a recomputed matmul keeps its epilogue.  Without, it goes right before the
    value that overflows (after `h @ w`): best when matmul outputs are kept anyway.
    """
    cutter = _Cutter(a, crossing, allowed)
    return cutter.segmentation(*cutter.cuts(target, after_stashed))


class _Cutter:
    """`segment_for_target`'s greedy cuts for many targets, each in O(segments * log n), not O(n).

    Scanning the spine once per target made "sqrt" cost about 90 spine walks on a big graph.
    Within a segment the stash only grows, so where it first passes the target is a bisection
    of the stashed bytes' prefix sums, and the first allowed cut from there is looked up.
    """

    def __init__(self, a: Analysis, crossing: list[int], allowed: list[bool]):
        self.ids = [node.id for node in a.spine]
        self.bytes = [nbytes(node) if node.id in a.stashed else 0 for node in a.spine]
        self.prefix = list(itertools.accumulate(self.bytes, initial=0))  # [k]: stashed bytes before position k
        self.crossing, self.allowed = crossing, allowed
        n = len(self.ids)
        self.next_allowed = [n] * (n + 1)  # [k]: the first position >= k where a cut is allowed (n: none)
        for k in range(n - 1, -1, -1):
            self.next_allowed[k] = k if allowed[k] else self.next_allowed[k + 1]
        # [k]: the first position whose prefix has more stash than k's (bisect_right(prefix, prefix[k]))
        self.next_stashing = [n + 1] * (n + 1)
        for k in range(n - 1, -1, -1):
            self.next_stashing[k] = k + 1 if self.bytes[k] else self.next_stashing[k + 1]
        self.after_last_stashed = []  # [k]: 1 + the position of the last stashed node before k (0: none)
        last = 0
        for k, b in enumerate(self.bytes):
            self.after_last_stashed.append(last)
            if b:
                last = k + 1

    def cuts(self, target: int, after_stashed: bool = True, give_up_above: float = math.inf):
        """(the cut positions, the modelled peak) for `target`; None as soon as the modelled peak is known to
        pass `give_up_above` (the peak only grows, and is at least the checkpoints kept)."""
        n, prefix, next_stashing, next_allowed = len(self.ids), self.prefix, self.next_stashing, self.next_allowed
        cuts: list[int] = []
        kept = worst = start = 0  # start: the position from which the current segment's stash counts
        while True:  # (about 1700 turns per target on a random 100k-node graph: no builtin calls but bisect)
            # the first k whose bytes pass the target (kept + stash before k + its own), and the
            # first with some stash before it (after start); the cut is at the first allowed position after both
            over = bisect.bisect_right(prefix, target - kept + prefix[start]) - 1
            k = next_stashing[start]
            if over > k:
                k = over
            k = next_allowed[k if k < n else n]
            if k >= n:
                break
            since = self.after_last_stashed[k]
            cut = since if after_stashed and self.bytes[k] and self.allowed[since] else k
            stash = kept + prefix[k] - prefix[start]
            if stash > worst:
                worst = stash
            kept += self.crossing[cut]
            if worst > give_up_above or kept > give_up_above:
                return None
            cuts.append(cut)
            start = k  # the overflowing value is the new segment's first stash
        return cuts, max(worst, kept + prefix[n] - prefix[start])

    def segmentation(self, cuts: list[int], worst: int) -> Segmentation:
        labels: list[int] = []
        for seg, (lo, hi) in enumerate(zip([0, *cuts], [*cuts, len(self.ids)])):
            labels += [seg] * (hi - lo)
        return Segmentation(dict(zip(self.ids, labels)), len(cuts) + 1, worst, tuple(cuts))


def segmentations(a: Analysis, after_stashed: bool = True, step: float = TARGET_STEP) -> list[Segmentation]:
    """One segmentation per target, from the whole stash down in steps of `step`; distinct ones only."""
    cutter, found = _distinct_cuts(a, after_stashed, step)
    return [cutter.segmentation(cuts, worst) for cuts, worst in found]


def lowest_segmentations(a: Analysis, count: int) -> list[Segmentation]:
    """The `count` segmentations with the lowest modelled peaks (ties: fewer segments, then the larger
    target): `sorted(segmentations(a), ...)[:count]`, with only those `count` labelled node by node."""
    cutter, found = _distinct_cuts(a, lowest=count)
    lowest = sorted(range(len(found)), key=lambda k: (found[k][1], len(found[k][0]) + 1, k))[:count]
    return [cutter.segmentation(*found[k]) for k in lowest]


def _distinct_cuts(a: Analysis, after_stashed: bool = True, step: float = TARGET_STEP, lowest: int | None = None):
    """(the cutter, [(cuts, modelled peak)] of each target from the whole stash down in steps of `step`,
    distinct cuts only).  `lowest`: only the `lowest` lowest peaks are wanted (ties to the first found), so a
    target's cuts are given up once its peak passes the `lowest`-th lowest found before it: it could not be
    among them, nor could a later target's same cuts."""
    crossing = crossing_bytes(a)
    cutter = _Cutter(a, crossing, allowed_cuts(crossing))
    total = sum(nbytes(n) for n in a.spine if n.id in a.stashed)
    smallest = max((nbytes(n) for n in a.spine if n.id in a.stashed), default=1)
    found, seen, target = [], set(), float(total)
    peaks: list[int] = []  # the lowest peaks found so far, at most `lowest` of them, in order
    while target >= smallest:
        reach = peaks[-1] if lowest is not None and len(peaks) == lowest else math.inf
        made = cutter.cuts(int(target), after_stashed, reach)
        target *= step
        if made is None:
            continue
        cuts, worst = made
        if tuple(cuts) not in seen:  # the cuts determine the segmentation
            seen.add(tuple(cuts))
            found.append((cuts, worst))
            if lowest is not None:
                bisect.insort(peaks, worst)
                del peaks[lowest:]
    return cutter, found
