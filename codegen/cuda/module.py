"""What the CUDA renderer hands the runtime: the source and, per kernel, the launches to make in order.

A module of its own so that the runtime reads these types without loading the renderer, and
so that the renderer's parts (the matmul kernel appends its own launches) share them without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Launch:
    function: str
    grid: tuple
    block: tuple
    shared_bytes: int = 0


@dataclass
class CudaModule:
    source: str
    launches: dict[str, list[Launch]] = field(default_factory=dict)  # kernel name -> launches in order
    params: dict[str, list[str]] = field(default_factory=dict)       # kernel name -> buffer names, in order
