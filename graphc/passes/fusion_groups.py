"""What fusion produces: groups (one kernel each), view layouts, and the error for an op no kernel computes.

    fusion = fuse(program)                         # graphc.passes.fusion
    fusion.groups[0].kind, fusion.groups[0].members, fusion.layouts, fusion.stored
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphc.errors import BackendError, printable
from graphc.ir import Node
from graphc.ops.layout import contiguous_strides
from graphc.program import Program

MAX_PHASES = 4
# A kernel's loop body stays below about this many instructions (scalar.body_size): LLVM's loop
# vectorizer estimates register pressure over the whole body, which grows with its square, so
# a fused chain of a few hundred transcendentals took minutes to compile; a few kernels of
# bounded size take seconds, and the extra store and load between them cost little.
MAX_KERNEL_SIZE = 2000


class NoKernelError(BackendError):
    """An op that no kernel of a compiled backend computes (fusion found no join rule for it).

    Raised by fusion, before any target renders, so the message is the same for every target."""

    def __init__(self, node: Node, why: str = ""):
        where = f"\n  at {printable(node.source)}" if node.source else ""
        super().__init__(f"no backend kernel computes op {node.op.name!r}{why}{where}")
        self.op = node.op.name


@dataclass
class Layout:
    """A view of a materialised node's buffer: element offset and strides over the view's own axes."""

    base: Node
    offset: int
    strides: tuple

    @classmethod
    def whole(cls, node: Node) -> Layout:
        """`node`'s own buffer, row-major."""
        return cls(node, 0, contiguous_strides(node.shape))


@dataclass(slots=True)  # slots: fusion reads a group's fields for every node it places
class Group:
    id: int
    kind: str                          # "loop" | "matmul" | a scatter's label ("concat", "slice_grad")
    dims: list[int]
    reduce: set = field(default_factory=set)        # loop dims reduced
    members: list[Node] = field(default_factory=list)
    maps: dict = field(default_factory=dict)        # node id -> tuple (loop dim or None per axis)
    phase: dict = field(default_factory=dict)       # node id -> phase it is computed in (inner-level nodes)
    avail: dict = field(default_factory=dict)       # node id -> first phase its value is usable at outer level
    tag: object = None                 # the recompute tag shared by all members
    deps: int = 0                      # bitmask of every group id this one depends on (closed)
    copy_of: Node | None = None        # a copy kernel materialising this view / leaf
    copy_layout: Layout | None = None  # the view it copies (None for a leaf computed from its position)
    input_maps: dict = field(default_factory=dict)  # reduction read from memory: its operand's map
    reductions: dict = field(default_factory=dict)  # reduce node id -> phase it accumulates in
    refs: list = field(default_factory=list)        # (shape, map) of operands read from memory at full shape
    first: int = 0                     # schedule position of its first member
    size: int = 0                      # instructions its members' scalar expressions become, about

    def is_inner(self, node: Node) -> bool:
        return any(d in self.reduce for d in self.maps[node.id] if d is not None)

    @property
    def n_phases(self) -> int:
        return 1 + max([0] + [p for p in self.phase.values()] + [a - 1 for a in self.avail.values()])


@dataclass
class Fusion:
    program: Program
    groups: list[Group]                # in execution order
    group_of: dict                     # node id -> Group
    layouts: dict                      # view node id -> Layout
    stored: set                        # ids of member nodes written to memory
    order: list[Node]
    # node id -> its literal (Op.immediate) or None: made on a lowering's first load of it, not on each
    # (graphc.codegen.lower; every candidate of remat is lowered, and one constant is read by many kernels)
    literals: dict = field(default_factory=dict, compare=False, repr=False)


def reduce_axes(node: Node) -> tuple[tuple, tuple]:
    """(axes of the input reduced, for each input axis: its output axis or None): the op's own rule."""
    return node.op.reduce_axes(node)
