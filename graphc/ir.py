"""The graph IR: a `Node` is one value of the dataflow graph, and also the user's tensor handle.

A graph is not a separate container: it is the set of nodes reachable from
some outputs, the way TensorFlow 1 builds it implicitly.  Nodes are immutable
once built (passes rebuild rather than mutate), which makes caching compiled
executables by graph structure safe.

Shapes are tuples whose entries are ints, or None for a size given at feed time
("symbolic").  Every node's shape and dtype are inferred when it is built, so
shape mistakes are reported at the user's line, not at run time.
"""

from __future__ import annotations

import itertools
import linecache
import operator
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from graphc.tensor import TensorOperators

if TYPE_CHECKING:
    from graphc.ops.registry import Op

Shape = tuple  # tuple[int | None, ...]
_DTYPE_META = type(type(np.dtype("float32")))  # the class of numpy's dtype classes

_ids = itertools.count()
_PACKAGE_ROOTS = tuple(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + sub + os.sep
    for sub in ("graphc", "codegen", "runtime")
)


def id_mark() -> int:
    """An id smaller than that of every node built afterwards: control flow tells a body's own nodes
    from the outer ones it reads by comparing with the mark taken before tracing it."""
    return next(_ids)


def user_source_line() -> str | None:
    """`file:line: code` of the innermost frame outside graphc: the user's line that built a node."""
    return _user_line_from(sys._getframe(1))


# frames of graphc's own code inside a `UserLineFixed` block -> the user's line above them
_FIXED_USER_LINES: dict = {}
# file name -> whether it is graphc's own: a dict lookup (the name's hash is kept) instead of the prefix
# test, for each of the half-dozen frames walked per node built
_IN_PACKAGE: dict[str, bool] = {}


def _user_line_from(frame) -> str | None:
    fixed = _FIXED_USER_LINES
    while frame is not None:
        filename = frame.f_code.co_filename
        inside = _IN_PACKAGE.get(filename)
        if inside is None:
            inside = _IN_PACKAGE[filename] = filename.startswith(_PACKAGE_ROOTS)
        if not inside:
            code = linecache.getline(filename, frame.f_lineno).strip()
            where = f"{filename}:{frame.f_lineno}"
            return f"{where}: {code}" if code else where
        if fixed and frame in fixed:
            return fixed[frame]
        frame = frame.f_back
    return None


class UserLineFixed:
    """`with UserLineFixed():` in graphc code that builds many nodes (a gradient builds one per
    adjoint): in the block, `user_source_line` walks up only to the frame that opened it, whose own
    answer was found once on entry.  The same answers: the frames above it do not change while it
    runs, and a frame outside graphc below it (a user's own derivative rule) is still found first.
    The walk to the user's script was a fifth of differentiating a 100k-node graph."""

    def __enter__(self):
        self._frame = sys._getframe(1)
        _FIXED_USER_LINES[self._frame] = _user_line_from(self._frame)
        return self

    def __exit__(self, *exc) -> None:
        del _FIXED_USER_LINES[self._frame]
        self._frame = None  # a frame kept alive would keep its locals: the graph


class Node(TensorOperators):
    """One value in the graph: the result of `op` applied to `inputs` with `attrs`.

    Also the user's tensor (`gc.Tensor`): its Python operators come from graphc/tensor.py.
    """

    __slots__ = ("id", "op", "inputs", "attrs", "shape", "dtype", "name", "source", "__weakref__")

    def __init__(self, op: Op, inputs: Sequence[Node], attrs: dict[str, Any], shape: Shape,
                 dtype: np.dtype, name: str | None = None, source: str | None = None):
        self.id = next(_ids)
        self.op = op
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.shape = tuple(shape)
        # np.dtype(d) is d for a dtype: asked only of what is not one yet (a fifth of a node's making)
        self.dtype = dtype if type(type(dtype)) is _DTYPE_META else np.dtype(dtype)
        self.name = name
        self.source = source

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int | None:
        """Number of elements, or None when a dimension is only known at feed time."""
        return product64(self.shape) if self.is_static else None

    @property
    def is_static(self) -> bool:
        for d in self.shape:  # a loop: all(generator) was most of the call, asked by rewrites of every node
            if d is None:
                return False
        return True

    @property
    def label(self) -> str:
        return self.name or f"{self.op.name}_{self.id}"

    def __repr__(self) -> str:
        shape = "(" + ", ".join("?" if d is None else str(d) for d in self.shape) + ")"
        return f"<{self.op.name} {self.label} {shape} {self.dtype}>"

    # Variables hold state; these are meaningful only for them (see ops/source.py).
    @property
    def value(self) -> np.ndarray:
        return self.op.read_value(self)

    def assign(self, value) -> None:
        self.op.assign_value(self, value)


def product64(dims: Sequence) -> int:
    """`int(np.prod(dims, dtype=np.int64))`, wrapping past 2**63 as numpy does, without numpy's reduction
    (microseconds, asked of every node's size) when the sizes are ints whose product fits."""
    product = 1
    for d in dims:
        if type(d) is not int:
            return int(np.prod(dims, dtype=np.int64))
        product *= d
    if -_INT64 <= product < _INT64:
        return product
    return int(np.prod(dims, dtype=np.int64))


_INT64 = 1 << 63


def toposort(outputs: Iterable[Node]) -> list[Node]:
    """Nodes reachable from `outputs`, each after its inputs (a depth-first postorder, inputs in order)."""
    order: list[Node] = []
    done: set[int] = set()
    for root in outputs:
        extend_postorder(root, done, order)
    return order


def extend_postorder(node: Node, done: set[int], order: list[Node]) -> None:
    """Append `node` to `order`, after whatever it needs that is not `done` yet, each after its inputs; mark them done.

    The one depth-first walk over the graph: `toposort` is it from each output in turn, and
    schedulers use it to emit a node just when it is wanted, with what it needs and nothing
    already run.  Iterative, so deep graphs don't recurse; over the Nodes themselves, because
    building a networkx graph of them alone takes ten times this walk (docs/architecture.md).
    """
    if node.id in done:
        return
    done.add(node.id)
    for child in node.inputs:
        if child.id not in done:
            break
    else:  # every input is done: a scheduler's usual call, a quarter cheaper without the stack
        order.append(node)
        return
    stack = [(node, iter(node.inputs))]
    while stack:
        top, children = stack[-1]
        for child in children:
            if child.id not in done:
                done.add(child.id)
                stack.append((child, iter(child.inputs)))
                break
        else:
            stack.pop()
            order.append(top)


def same_nodes(a: Iterable[Node], b: Iterable[Node]) -> bool:
    """Whether `a` and `b` hold the very same nodes, pairwise, up to the shorter: what a rebuild asks of a
    node's new inputs.  By identity, in C: a generator over zip(a, b) was a tenth of a simplification
    sweep."""
    return all(map(operator.is_, a, b))


def consumers(order: Sequence[Node]) -> dict[int, list[Node]]:
    """For each node id in `order`, the nodes in `order` that use it."""
    users: dict[int, list[Node]] = {n.id: [] for n in order}
    for n in order:
        for i in n.inputs:
            readers = users.get(i.id)
            if readers is not None:
                readers.append(n)
    return users
