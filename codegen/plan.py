"""The plan a compiled backend runs: its kernels, every buffer's place, and the buffers' names.

Both sides read it: graphc.pipeline builds it (place_buffers), and the runtime's
executables (graphc.runtime.plan, graphc.runtime.cuda) run it.  It imports
nothing from either, so neither imports the other through it.

    plan = ExecutionPlan(kernels, {"t3": BufferSpec("t3", np.float32, (4,), "input", index=0)},
                         arena_bytes=0, outputs=["t3"], new_values=[])
    buffer_name(node)   # "t<id>": the buffer a kernel reads or writes for node
    node_id_of("t12")   # 12: the node id a buffer name stands for
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphc.codegen.kernel_ir import Kernel


def buffer_name(node) -> str:
    return f"t{node.id}"


def node_id_of(name: str) -> int:
    """The id of the node whose buffer `buffer_name` named `name`: a placer finds the node of a kernel's
    param in a map by id, cheaper to make than one by name (graphc.pipeline.place_buffers)."""
    return int(name[1:])


@dataclass
class BufferSpec:
    name: str
    dtype: np.dtype
    shape: tuple
    kind: str            # "input" | "variable" | "constant" | "output" | "update" | "arena"
    index: int = -1      # position among inputs / variables (an update's: its variable's)
    offset: int = 0      # in the arena
    value: np.ndarray | None = None  # a constant's array

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(self.dtype).itemsize


@dataclass
class ExecutionPlan:
    kernels: list[Kernel]
    buffers: dict[str, BufferSpec]
    arena_bytes: int
    outputs: list[str]       # buffer of each fetched output
    new_values: list[str]    # buffer of each updated variable's new value
    memory: object = None    # the MemoryPlan, for reports
    extra: dict = field(default_factory=dict)
