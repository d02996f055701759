"""What the CUDA renderer hands the runtime: the source and, per kernel, the launches to make in order (and a
loop kernel's description: codegen/cuda/loop.py).

A module of its own so that the runtime reads these types without loading the renderer, and
so that the renderer's parts (the matmul kernel appends its own launches) share them without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

THREADS = 256  # threads per block of every kernel but the matmul's (16 x 16)


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


@dataclass(frozen=True)
class LoopArg:
    name: str
    dtype: np.dtype
    shape: tuple
    role: str  # "input" | "output" (a result of the loop node) | "status" (a while loop's bound reached)

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(self.dtype).itemsize


@dataclass
class LoopModule:
    """One loop kernel: its source (a whole translation unit), its arguments, its workspace and launch needs."""

    name: str
    source: str
    text: str                     # the functions without the prelude (to join other kernels in one unit)
    params: list[LoopArg]
    workspace_bytes: int
    constants: list = field(default_factory=list)  # (workspace offset, array): uploaded once
    max_blocks: int = 1           # blocks any step has work for; the runtime launches min(this, co-resident)
    threads: int = THREADS
    shared_bytes: int = 0
    steps: list[str] = field(default_factory=list)  # the body's functions in the order each step calls them
    kernels: list = field(default_factory=list)     # the bodies' kernel IR (what the prelude must serve)
    error: str = ""               # what reaching a while loop's max_iterations means (its `status` argument set)

    def args_of(self, role: str) -> list[LoopArg]:
        return [a for a in self.params if a.role == role]
