"""Counting a graph's arithmetic: FLOPs per op, for `graphc inspect` and benchmarks.

Each op carries its FLOP rule (`Op.flops`, graphc/ops); the convention (the usual
one for ML graphs): an elementwise op costs one FLOP per output element (a
transcendental too), a matmul 2·M·N·K per batch entry, a reduction one per input
element; ops without a rule (shape, index and source ops) cost nothing (they move data).

    flops(node)              # int, or None when a size is only known at feed time
    count_flops(nodes)       # FlopCount(total=..., by_op={"matmul": ..., "add": ...})
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graphc.ir import Node


def flops(node: Node) -> int | None:
    """The FLOPs of computing `node` once (see the module docstring); None for feed-time sizes."""
    rule = node.op.flops
    return 0 if rule is None else rule(node)


@dataclass
class FlopCount:
    total: int | None                                 # None when some size is known only at feed time
    by_op: dict[str, int] = field(default_factory=dict)
    unknown: int = 0                                  # nodes whose count needs feed-time sizes


def count_flops(nodes: Iterable[Node]) -> FlopCount:
    by_op: dict[str, int] = {}
    unknown = 0
    for node in nodes:
        f = flops(node)
        if f is None:
            unknown += 1
        elif f:
            by_op[node.op.name] = by_op.get(node.op.name, 0) + f
    return FlopCount(None if unknown else sum(by_op.values()), dict(sorted(by_op.items())), unknown)
