"""What a control node holds while it runs, for memory plans: its results, and its working memory.

A control node is one step of a plan, but while it runs it holds more than its inputs and its
results: its body's own buffers (the body's plan: what `plan_body(body)` returns, node by node
on numpy, the compiled body's arena on llvm), the carry of the step in progress, and a loop's
per-step outputs collected before they are stacked into its results.  Each control op gives
`extra["memory"](node, plan_body) -> HeldMemory`; graphc.passes.memory_plan places `results` as
the node's buffer and `working` as a buffer alive during the node's step only.

A scan's sizes are known when it is compiled (T x carry for its recorded steps).  A while loop's
recorded steps are not: they count max_iterations x carry when the loop has that bound, and are
otherwise left out of the plan and named in `unplanned` (the plan says so, rather than guess).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from graphc.control.results import result_types


class HeldMemory(NamedTuple):
    results: int              # bytes of the node's results (its buffer in the plan)
    working: int              # bytes it holds only while it runs: body buffers, the carry, unstacked steps
    unplanned: tuple = ()     # what it holds that is sized at run time and not counted, in words


def nbytes(types) -> int:
    """Bytes of values of these (shape, dtype) types; a size known only at run time counts 0."""
    return sum(math.prod(d or 0 for d in shape) * dtype.itemsize for shape, dtype in types)


def _carry_bytes(node) -> int:
    return nbytes([(i.shape, i.dtype) for i in node.inputs[:node.attrs["n_carry"]]])


def _where(node) -> str:
    return f"{node.op.name}{f' at {node.source}' if node.source else ''}"


def _peak(plans) -> tuple[int, tuple]:
    """(the largest peak of these body plans, what any of them could not plan)."""
    plans = list(plans)
    unplanned = tuple(u for p in plans for u in getattr(p, "unplanned", ()))
    return max((p.peak_bytes for p in plans), default=0), unplanned


def scan_memory(node, plan_body) -> HeldMemory:
    """A scan: the body's buffers and one carry per step; each step's ys (and records) until they are stacked."""
    n = node.attrs["n_carry"]
    body, unplanned = _peak([plan_body(node.attrs["body"])])
    stacked = nbytes(result_types(node)[n:])
    return HeldMemory(nbytes(result_types(node)), _carry_bytes(node) + body + stacked, unplanned)


def _recorded_steps(node, per_step: int, count_bound) -> tuple[int, tuple]:
    """(bytes of a while loop's recorded values, bounded by max_iterations; or 0 and why, when unbounded)."""
    limit = node.attrs["max_iterations"]
    if limit is not None:
        return count_bound(limit) * per_step, ()
    return 0, (f"{_where(node)}: its recorded steps (T x {per_step} bytes, T the trip count) are sized at run time "
               "and not in this plan (give max_iterations to bound them)",)


def while_memory(node, plan_body) -> HeldMemory:
    """A while loop: the condition's or the body's buffers, one carry; with `record`, a carry per step."""
    carry = _carry_bytes(node)
    body, unplanned = _peak([plan_body(node.attrs["cond"]), plan_body(node.attrs["body"])])
    stacks, why = _recorded_steps(node, carry, lambda t: t) if node.attrs["record"] else (0, ())
    results = carry + (8 + stacks if node.attrs["record"] else 0)
    return HeldMemory(results, carry + body + stacks, unplanned + why)


def most_checkpoints(trips: int) -> int:
    """At most this many checkpoints are kept by `while_checkpoint_compute` over `trips` steps: the spacing K
    doubles once more than 2K are kept, so K stays below √(2·trips) and at most 2K + 1 are kept."""
    return min(trips, 2 * math.isqrt(2 * trips) + 1)


def while_checkpoints_memory(node, plan_body) -> HeldMemory:
    """remat's checkpointing while loop: as a while loop, keeping about √T carries (and their segments' lengths)."""
    carry = _carry_bytes(node)
    body, unplanned = _peak([plan_body(node.attrs["cond"]), plan_body(node.attrs["body"])])
    kept, why = _recorded_steps(node, carry + 8, most_checkpoints)
    return HeldMemory(carry + 8 + kept, carry + body + kept, unplanned + why)


def while_steps_memory(node, plan_body) -> HeldMemory:
    """remat's recomputed segment: the body's buffers, one carry, and a carry per step of the segment (its
    length an input, known at run time: at most the checkpoints' spacing, about √T)."""
    carry = _carry_bytes(node)
    body, unplanned = _peak([plan_body(node.attrs["body"])])
    why = (f"{_where(node)}: a recomputed segment (its steps x {carry} bytes, about √T steps) is sized at run "
           "time and not in this plan",)
    return HeldMemory(0, carry + body, unplanned + why)


def cond_memory(node, plan_body) -> HeldMemory:
    """A cond: the larger of its branches' buffers (only one runs)."""
    body, unplanned = _peak(plan_body(b) for b in node.attrs["branches"])
    return HeldMemory(nbytes(result_types(node)), body, unplanned)


class HostStepPlan(NamedTuple):
    """What a control node holds while it runs, as a plan beside a program's compiled segments (llvm, cuda)."""

    name: str
    peak_bytes: int
    unplanned: tuple = ()

    def summary(self, limit: int = 10) -> str:
        return "\n".join([f"{self.name} while it runs: {self.peak_bytes} bytes (its bodies' arenas, a carry, "
                          "its steps before they are stacked)", *(f"not planned: {u}" for u in self.unplanned)])


def host_step_plans(nodes, plan_body) -> tuple[list[HostStepPlan], int]:
    """(a plan for each control node of `nodes`, the bytes of all their results, held between the steps)."""
    plans, held = [], 0
    for node in nodes:
        memory = node.op.extra.get("memory")
        if memory is None:
            continue
        got = memory(node, plan_body)
        plans.append(HostStepPlan(_where(node), got.working, got.unplanned))
        held += got.results
    return plans, held
