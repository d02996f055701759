"""Rematerialisation, third step: what each way of cutting keeps, and what it costs, before anything is built.

A candidate is a set of kept spine values and the segmentation they come from.  Its
recompute is counted by mirroring the rewrite (`computed_twice`) rather than by building
it, so that a byte budget can try candidates in order of recompute and build only those
it must plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphc.ir import Node
from graphc.passes.remat_analysis import Analysis, flops, nbytes
from graphc.passes.remat_rewrite import rewrite
from graphc.passes.remat_segments import (
    BUDGET_STEP,
    TARGET_STEP,
    Segmentation,
    allowed_cuts,
    crossing_bytes,
    segment_for_target,
    segmentations,
)
from graphc.program import Program

_EXPENSIVE_KINDS = frozenset({"matmul", "reduce"})


def checkpoints(a: Analysis, segment: dict[int, int], keep_expensive: bool = False) -> set[int]:
    """Spine nodes to keep: those a later segment reads, the whole last segment, and (if asked) every
    matmul and reduction, so that only elementwise work is recomputed."""
    keep = set()
    last = max(segment.values(), default=0)
    spine = a.spine
    # segments are runs of the spine in order: a later segment reads a node when its last spine reader is in one
    for node, read in zip(spine, a.last_spine_reads):
        if segment[node.id] == last or segment[spine[read].id] > segment[node.id]:
            keep.add(node.id)
        elif keep_expensive and node.op.kind in _EXPENSIVE_KINDS:
            keep.add(node.id)
    return keep


def computed_twice(a: Analysis, keep: set[int]) -> list[Node]:
    """The spine nodes `rebuild_with_copies` will copy and whose forward originals still run.

    Mirrors that rewrite without building it, so that budget candidates can be ranked by
    recompute before any is built: a backward node (or a helper's copy) reads a copy of each
    forward value that is a helper or not kept, and a copy reads copies of its own such inputs.
    """
    def replaced(node: Node) -> bool:
        return a.is_forward(node) and (node.id in a.helpers or node.id not in keep)

    copied: set[int] = set()
    stack = [i for n in a.order if n.id in a.backward for i in n.inputs if replaced(i)]
    while stack:
        node = stack.pop()
        if node.id not in copied:
            copied.add(node.id)
            stack.extend(i for i in node.inputs if replaced(i))
    # originals that still run: what the outputs need, and the kept values the backward pass reads
    runs: set[int] = set()
    stack = [n for n in a.forward if n.id in a.roots
             or (n.id not in a.helpers and n.id in keep and n.id in a.stashed)]
    while stack:
        node = stack.pop()
        if node.id not in runs and a.is_forward(node) and node.id not in a.helpers:
            runs.add(node.id)
            stack.extend(node.inputs)
    return [n for n in a.spine if n.id in copied and n.id in runs]


@dataclass
class Candidate:
    """A way to rematerialise, ranked before it is built: what it keeps and how it is segmented."""

    keep: set
    segmentation: Segmentation
    recompute_flops: int     # computed_twice's work: exactly what `rewrite` will count
    modelled_peak: int       # the segmentation's model, plus matmul/reduction outputs kept beside it

    def build(self, program: Program, a: Analysis, strategy, cache=None):
        """(program, RematStats); `cache`, a graphc.passes.remat.RematCache, builds it once for two judges."""
        build = cache.rewrite if cache is not None else rewrite
        rebuilt, stats = build(program, a, self.keep, self.segmentation, strategy)
        stats.modelled_peak_bytes = self.modelled_peak
        return rebuilt, stats


def candidates(a: Analysis) -> list[Candidate]:
    """Keep everything (helpers aside), then each segmentation with and without keeping matmuls and
    reductions; sqrt's own candidates are among them, so a budget at sqrt's peak recomputes no more.

    Targets are tried in finer steps than sqrt's (BUDGET_STEP): a budget between two of sqrt's
    targets should get the segmentation that fits it, and ranking a candidate costs no rebuild.
    """
    crossing = crossing_bytes(a)
    whole = segment_for_target(a, 2**62, crossing, allowed_cuts(crossing))
    spine = {n.id for n in a.spine}
    out = [Candidate(spine, whole, 0, whole.modelled_peak)]
    seen = set()
    for after_stashed in (True, False):  # cuts after stashed values (sqrt's), or at kept matmul outputs
        for step in (TARGET_STEP, BUDGET_STEP):
            for seg in segmentations(a, after_stashed, step):
                plain = checkpoints(a, seg.segment)
                for keep in (plain, checkpoints(a, seg.segment, keep_expensive=True)):
                    key = (frozenset(keep), seg.cuts)
                    if key in seen:
                        continue
                    seen.add(key)
                    extra = sum(nbytes(n) for n in a.spine if n.id in keep and n.id not in plain)
                    out.append(Candidate(keep, seg, sum(flops(n) for n in computed_twice(a, keep)),
                                         seg.modelled_peak + extra))
    return out
