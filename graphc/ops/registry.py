"""The op registry: every op is one `Op` object that carries all graphc knows about it.

An op's knowledge lives in one place (see ARCHITECTURE.md):
  infer(inputs, attrs)        -> (shape, dtype): the shape rule, run when a node is built
  compute(attrs, *arrays)     -> ndarray: the numpy reference semantics (the oracle)
  vjp(node, g)                -> one cotangent Node (or None for "zero") per input
  jvp(node, tangents)         -> the output tangent Node, or None for zero
  scalar(attrs, *args)        -> a `graphc.scalar.Scalar` expression (elementwise ops only),
                                 which backends compose into fused kernels
and the facts that passes, the graph format and the CLI read instead of the op's name:
  arity                       inputs taken: an int, or (minimum, None) for any number
  attributes                  {attr: type} as the graph format stores it ("axes", "dtype", ...:
                              the decoders of graphc/serialize_schema.py, or "array")
  commutative                 f(a, b) == f(b, a) exactly: CSE merges either order
  view                        "whole" (a new layout of all of its input: reshape, transpose,
                              broadcast) or "part" (a window: slice): fusion makes it strides
  shape_only                  indices of inputs read for their shape only (`*_like` ops)
  flops(node)                 FLOPs of computing the node once (None for a feed-time size);
                              None for ops that do no arithmetic (they move data)
  runs_on_host                computed by its numpy `compute` on the host, never in a kernel
                              (collectives, LAPACK's factorizations): the backends cut a program
                              around such nodes (graphc.distributed.executable) and the kernel
                              targets refuse them (graphc.pipeline.refuse_host_ops)
and the facts that fusion and lowering apply without knowing the op (graphc/ops/layout.py):
  reduce_axes(node)           reductions: (input axes reduced, for each input axis its output
                              axis or None)
  view_strides(node, offset, strides)
                              views: the (offset, strides) of the output over its input's
                              memory, given the input's layout; None when strides cannot say it
  view_axes(node)             whole views kept in registers: for each output axis the input axis
                              it runs along (None: size 1); None when the axes do not line up
  broadcasts                  a view that broadcasts its input (numpy rules): in registers it is
                              mapped as an elementwise op's result is
  index_scalar(node, value_of, index_of)
                              ops computed where they are read, from the position (one_hot):
                              their Scalar, given value_of(input, axes) (the input's value where
                              its axis j is the output's axis axes[j]) and index_of(axis)
  immediate(node)             a value that is a literal of the kernel's code (a one-element
                              constant), or None
  scatter                     a `layout.Scatter`: the output is written piece by piece
  gathers                     indices of inputs an index_scalar rule reads at a computed
                              position (gather's table): they must be in memory, not leaves
  indexed_add(node)           an output that is its first input with its third added at the
                              places its second (integer indices) names: (target axes, index
                              axes) over a loop across the third input (scatter_add)
  checked_indices(node)       (which input holds integer indices, the size of the axis they
                              index): every call checks them after the run (graphc/session.py)
  attrs_fit(attrs, inputs)    the graph format's checks of attributes against the inputs, which
                              the public functions make before the shape rule: a message or None
  describe(node)              the label `graphc dot` draws (the name, plus what tells nodes apart)
  infers_from_shapes          the shape rule reads only its inputs' shapes and dtypes and the
                              attributes: a node rebuilt over inputs of its inputs' very sizes
                              and dtypes keeps its shape and dtype (`remake_node`)
Derivative rules build graph nodes with the public ops, so derivatives of
derivatives come for free.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphc.errors import ShapeError
from graphc.ir import Node, user_source_line

REGISTRY: dict[str, Op] = {}


@dataclass(eq=False)
class Op:
    name: str
    kind: str  # "source" | "elementwise" | "reduce" | "matmul" | "shape" | "index"
    infer: Callable[[Sequence[Node], dict], tuple]
    compute: Callable[..., np.ndarray]
    vjp: Callable[[Node, Node], Sequence[Node | None]] | None = None
    jvp: Callable[[Node, Sequence[Node | None]], Node | None] | None = None
    scalar: Callable[..., Any] | None = None
    doc: str = ""
    extra: dict = field(default_factory=dict)  # per-kind facts (e.g. a reduction's identity)
    arity: int | tuple[int, None] | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    commutative: bool = False
    view: str | None = None  # None | "whole" | "part"
    shape_only: tuple[int, ...] = ()
    flops: Callable[[Node], int | None] | None = None
    runs_on_host: bool = False
    reduce_axes: Callable[[Node], tuple[tuple, tuple]] | None = None
    view_strides: Callable[[Node, int, tuple], tuple[int, tuple] | None] | None = None
    view_axes: Callable[[Node], tuple | None] | None = None
    broadcasts: bool = False
    index_scalar: Callable[..., Any] | None = None
    immediate: Callable[[Node], Any] | None = None
    scatter: Any = None  # graphc.ops.layout.Scatter
    gathers: tuple[int, ...] = ()
    indexed_add: Callable[[Node], tuple[tuple, tuple]] | None = None
    checked_indices: Callable[[Node], tuple[int, int | None]] | None = None
    attrs_fit: Callable[[dict, Sequence[Node]], str | None] | None = None
    describe: Callable[[Node], str] | None = None
    infers_from_shapes: bool = False

    def __post_init__(self):
        if self.name in REGISTRY:
            raise ValueError(f"op {self.name!r} defined twice")
        if self.arity is None:
            raise ValueError(f"op {self.name!r} must declare its arity (an int, or (minimum, None))")
        if self.view not in (None, "whole", "part"):
            raise ValueError(f"op {self.name!r}: view is None, 'whole' or 'part', not {self.view!r}")
        if (self.view is None) != (self.view_strides is None):
            raise ValueError(f"op {self.name!r}: a view op, and only one, gives its view_strides")
        if self.kind == "reduce" and (self.reduce_axes is None or "combine" not in self.extra):
            raise ValueError(f"op {self.name!r}: a reduction gives its reduce_axes and extra combine/identity")
        REGISTRY[self.name] = self

    def __call__(self, *inputs: Node, name: str | None = None, **attrs) -> Node:
        return make_node(self, inputs, attrs, name=name)

    def __repr__(self) -> str:
        return f"Op({self.name})"

    @property
    def reads_only_shapes(self) -> bool:
        """Every input is read for its shape only (count, fill_like): the value is known once shapes are."""
        n_inputs = self.arity if isinstance(self.arity, int) else self.arity[0]
        return n_inputs > 0 and len(self.shape_only) == n_inputs

    # Overridden by the variable op; defined here so Node.value gives a clear error elsewhere.
    def read_value(self, node: Node):
        from graphc.errors import GraphcError

        raise GraphcError(f"{node!r} is not a variable: only variables hold a value")

    assign_value = read_value


def format_shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def make_node(op: Op, inputs: Sequence[Node], attrs: dict, name: str | None = None,
              source: str | None = None) -> Node:
    """Build a node, inferring its shape and dtype; a bad shape is a ShapeError at the user's line."""
    if source is None:
        source = user_source_line()
    try:
        shape, dtype = op.infer(inputs, attrs)
    except ShapeError as exc:
        shapes = ", ".join(f"{format_shape(i.shape)} {i.dtype}" for i in inputs)
        where = f"\n  at {source}" if source else ""
        raise ShapeError(f"{op.name}: {exc} (operands: {shapes}){where}") from None
    return Node(op, inputs, attrs, shape, dtype, name=name, source=source)


def remake_node(node: Node, inputs: Sequence[Node]) -> Node:
    """`node` over new `inputs` (its op, attributes, name and source): `make_node`, as a pass rebuilding a graph
    does to a node some of whose inputs were replaced.

    A replacement keeps the shape and dtype of what it replaces, so the new inputs mostly have the
    very sizes and dtypes of the node's own; when its op's shape rule reads only those
    (`Op.infers_from_shapes`), the rule would answer the node's own shape and dtype, which are taken
    as they are.  A simplification sweep rebuilds most nodes of a gradient graph: the shape rules
    were a third of its time.  A node without a source line gets the user's, as make_node gives it.
    """
    op = node.op
    if op.infers_from_shapes and node.source is not None and _same_sizes(inputs, node.inputs):
        return Node(op, inputs, node.attrs, node.shape, node.dtype, name=node.name, source=node.source)
    return make_node(op, inputs, node.attrs, name=node.name, source=node.source)


def _same_sizes(new: Sequence[Node], old: Sequence[Node]) -> bool:
    """Whether `new` have exactly the shapes and dtypes of `old`, pairwise: the same dtype objects, and
    shapes that are the same tuple or equal tuples of ints (np.int64(3) == 3, but a rule could pass
    either through)."""
    if len(new) != len(old):
        return False
    for a, b in zip(new, old):
        if a.dtype is not b.dtype:
            return False
        sa, sb = a.shape, b.shape
        if sa is not sb:
            if sa != sb:
                return False
            for d in sa:
                if type(d) is not int:
                    return False
            for d in sb:
                if type(d) is not int:
                    return False
    return True


def user_facing(fn: Callable, name: str | None = None) -> Callable:
    """Wrap a public op function so a ShapeError it raises before make_node (a bad axis, an index out of
    range) names the function (or `name`, the public function it serves), the operand shapes and the
    user's line, as make_node's own errors do."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ShapeError as exc:
            message = str(exc)
            if "\n  at " in message:
                raise
            operands = [a for a in args if isinstance(a, Node)]
            operands += [x for a in args if isinstance(a, (list, tuple)) for x in a if isinstance(x, Node)]
            shapes = ", ".join(f"{format_shape(i.shape)} {i.dtype}" for i in operands)
            source = user_source_line()
            where = f"\n  at {source}" if source else ""
            raise ShapeError(f"{name or fn.__name__}: {message} (operands: {shapes}){where}") from None
    return wrapper


def elements(shape) -> int | None:
    """The number of elements of a shape, or None when a size is known only at feed time."""
    return None if any(d is None for d in shape) else math.prod(shape)


def output_elements(node: Node) -> int | None:
    """A FLOP rule: one per output element (elementwise ops, a transcendental too)."""
    return elements(node.shape)


def input_elements(node: Node) -> int | None:
    """A FLOP rule: one per element of the first input (reductions)."""
    return elements(node.inputs[0].shape)


def input_ndim(inputs: Sequence[Node]) -> int:
    return len(inputs[0].shape) if inputs else 0


def axes_fit_input(attrs: dict, inputs: Sequence[Node]) -> str | None:
    """An `attrs_fit` rule: every axis names an axis of the first input."""
    ndim = input_ndim(inputs)
    if any(a >= ndim for a in attrs["axes"]):
        return f"axes {list(attrs['axes'])} out of range for a {ndim}-d input"
    return None


def axis_fits_input(attrs: dict, inputs: Sequence[Node]) -> str | None:
    """An `attrs_fit` rule: `axis` names an axis of the first input."""
    ndim = input_ndim(inputs)
    if attrs["axis"] >= ndim:
        return f"axis {attrs['axis']} out of range for a {ndim}-d input"
    return None


def get_op(name: str) -> Op:
    return REGISTRY[name]
