"""Graph simplification: dead code, common subexpressions, constant folding and algebraic identities.

Gradient graphs are full of no-ops: `*_like` ops whose shapes turned out equal
once the feed shapes are known, multiplications by the ones of the seed,
additions of the zeros of unconnected branches, transposes of transposes.
Each rewrite below removes one such pattern; it is a small function
``rewrite(node, new_inputs) -> Node | None`` registered to a phase, "canonicalize"
(remove no-ops) or "stabilize" (log(1 + x) -> log1p(x)...), see
`graphc.passes.registry`, and can be switched off by name:

    simplify(program, disabled={"fold_constants"})

Rules every rewrite keeps:
  * the replacement has exactly the node's shape and dtype (the framework checks);
  * values are kept exactly (up to the sign of a zero), and never assumed finite:
    x * 0 is not 0 when x may be inf or nan, so it is folded only for a finite constant x;
  * `fill_like` of a concrete shape becomes `broadcast_to` of a scalar constant, not
    a full constant: the scalar costs no memory, fuses into its consumers for free,
    and it drops the false dependency on `like` (which would otherwise keep `like`
    alive in the memory plan).  The other `*_like` ops likewise become plain
    `broadcast_to` / `sum` + `reshape` / `reshape`, so code generators see ordinary ops.

Dead code is removed by construction: every sweep copies only what the outputs
and new variable values reach (`dead_code` is the same thing as a pass of its own).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from graphc import dtypes
from graphc.ir import Node, same_nodes
from graphc.ops.registry import REGISTRY, make_node
from graphc.ops.source import constant_op
from graphc.passes.registry import Trace, register_pass, register_rewrite, run_passes, sweep, with_roots
from graphc.program import Program

FOLD_LIMIT = 4096  # elements: constant folding never materialises a bigger constant

_op = REGISTRY.__getitem__


def simplify(program: Program, disabled: Collection[str] = frozenset(), trace: Trace | None = None) -> Program:
    """Run every registered simplification (all phases) over a specialised Program."""
    return run_passes(program, disabled=disabled, trace=trace)


# ---- helpers -----------------------------------------------------------------------------------


def _new(op_name: str, inputs, attrs: dict, like: Node) -> Node:
    """A node replacing (part of) `like`; a rematerialised copy's tag goes with it, so CSE keeps copies apart."""
    if "recompute" in like.attrs:
        attrs = {**attrs, "recompute": like.attrs["recompute"]}
    return make_node(_op(op_name), inputs, attrs, source=like.source)


def scalar_constant(value, dtype, like: Node) -> Node:
    array = np.array(value, dtype=dtype)
    array.setflags(write=False)
    return Node(constant_op, (), {"value": array}, (), array.dtype, source=like.source)


def _as_shape(x: Node, node: Node) -> Node | None:
    """`x` standing in for `node`: itself, or broadcast to node's shape; None if the dtype differs."""
    if x.dtype != node.dtype:
        return None
    if x.shape == node.shape:
        return x
    return _new("broadcast_to", (x,), {"shape": node.shape}, node)


# views of the whole input (Op.view "whole": reshapes, transposes, broadcasts): every element of
# the output is an element of the input, so a uniform value passes through
_UNIFORM_THROUGH = frozenset(name for name, op in REGISTRY.items() if op.view == "whole")


# ops computed from their inputs' shapes alone (Op.shape_only covers every input: count), except
# elementwise ones (fill_like), which lower_fill_like makes a broadcast scalar instead
_SHAPE_FUNCTIONS = frozenset(name for name, op in REGISTRY.items()
                             if op.reads_only_shapes and op.kind != "elementwise")
_MAX_LOOK_THROUGH = 16  # shape ops looked through: keeps a sweep linear on long chains of them
# the ops whose value can be known uniform: every other node is answered by one lookup (uniform_value
# is asked of both operands of every mul, add and sub, in every sweep)
_MAY_BE_UNIFORM = _UNIFORM_THROUGH | {"fill_like", constant_op.name}


def _look_through_shape_ops(node: Node) -> Node | None:
    for _ in range(_MAX_LOOK_THROUGH):
        if node.op.name not in _UNIFORM_THROUGH:
            return node
        node = node.inputs[0]
    return None


def uniform_value(node: Node):
    """The one value every element of `node` has, when that is known from the graph; else None.

    Known for constants whose elements are all equal, `fill_like`, and shape ops
    over either.  Returns a Python number (nan never counts: it equals nothing).
    """
    if node.op.name not in _MAY_BE_UNIFORM:
        return None
    node = _look_through_shape_ops(node)
    if node is None:
        return None
    if node.op.name == "fill_like":
        return node.dtype.type(node.attrs["value"]).item()
    if node.op is constant_op:
        array = node.attrs["value"]
        if array.size == 0 or array.size > FOLD_LIMIT:  # big constants are not scanned, over and over
            return None
        first = array.flat[0]
        if array.size > 1 and not np.all(array == first):
            return None
        return first.item() if not np.isnan(first) else None
    return None


def _is_finite_everywhere(node: Node) -> bool:
    """True when every element of `node` is known to be finite (a constant or a fill)."""
    node = _look_through_shape_ops(node)
    if node is None:
        return False
    if node.op.name == "fill_like":
        return bool(np.isfinite(node.attrs["value"]))
    if node.op is constant_op:
        array = node.attrs["value"]
        return not dtypes.is_float(array.dtype) or bool(np.all(np.isfinite(array)))
    return False


def _any_broadcast(inputs: list[Node]) -> bool:
    """Whether an input is a broadcast_to: a loop, as any(generator) was a tenth of a sweep's rewrites."""
    for i in inputs:
        if i.op.name == "broadcast_to":
            return True
    return False


def _is(node: Node, value) -> bool:
    if node.op.name not in _MAY_BE_UNIFORM:  # most operands: answered without a call
        return False
    v = uniform_value(node)
    return v is not None and v == value


def _zeros(node: Node) -> Node:
    """Zeros of node's shape and dtype: a broadcast scalar, no memory."""
    zero = scalar_constant(0, node.dtype, node)
    return zero if node.shape == () else _new("broadcast_to", (zero,), {"shape": node.shape}, node)


# ---- dead code and constants --------------------------------------------------------------------


@register_pass("canonicalize")
def dead_code(program: Program) -> Program:
    """Drop every node the outputs and new values do not need (and them from the schedule)."""
    if program.schedule is None:  # it runs what its roots reach and nothing else: a walk would copy it as it is
        return with_roots(program, program.roots, {})
    return sweep(program, [], use_cse=False)[0]


@register_rewrite("canonicalize")
def fold_constants(node: Node, new_inputs: list[Node]) -> Node | None:
    """An op over constants only becomes a constant (a broadcast scalar when its elements are all equal).

    Only when the result has at most FOLD_LIMIT elements and is no bigger than
    the largest constant it reads: folding never turns a broadcast scalar into
    a full array (that would cost memory where the broadcast costs nothing).
    """
    if not new_inputs:
        return None
    for i in new_inputs:  # a loop, not any(generator): this rewrite is offered every node of every sweep
        if i.op is not constant_op:
            return None
    if node.size is None or node.size > min(FOLD_LIMIT, max(1, *(i.size for i in new_inputs))):
        return None
    return _constant_result(node, [i.attrs["value"] for i in new_inputs])


def _constant_result(node: Node, arrays: list[np.ndarray], shape=None) -> Node | None:
    with np.errstate(all="ignore"):
        value = np.asarray(node.op.compute(node.attrs, *(dtypes.widened(a) for a in arrays)))
    value = np.array(value, dtype=node.dtype)  # a copy: never alias an input constant; rounded once
    if value.shape != (node.shape if shape is None else shape):
        return None
    if value.size > 1 and np.all(value == value.flat[0]):  # all equal: a broadcast scalar costs no memory
        return _new("broadcast_to", (scalar_constant(value.flat[0], node.dtype, node),), {"shape": value.shape}, node)
    value.setflags(write=False)
    return Node(constant_op, (), {"value": value}, value.shape, node.dtype, name=node.name, source=node.source)


@register_rewrite("canonicalize")
def fold_broadcast_constants(node: Node, new_inputs: list[Node]) -> Node | None:
    """An elementwise op over constants, some broadcast, is the broadcast of the op over the small constants."""
    if node.op.kind != "elementwise" or node.op.shape_only or not _any_broadcast(new_inputs):
        return None  # (fill_like reads no values)
    inner = [i.inputs[0] if i.op.name == "broadcast_to" else i for i in new_inputs]
    if any(i.op is not constant_op for i in inner):
        return None
    arrays = [i.attrs["value"] for i in inner]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    if int(np.prod(shape)) > FOLD_LIMIT:
        return None
    small = _constant_result(node, arrays, shape)
    if small is None:
        return None
    return small if small.shape == node.shape else _new("broadcast_to", (small,), {"shape": node.shape}, node)


@register_rewrite("canonicalize", ops=_UNIFORM_THROUGH)
def uniform_shape_op(node: Node, new_inputs: list[Node]) -> Node | None:
    """A shape op over a uniform constant (e.g. expand_dims of a broadcast scalar) is a broadcast scalar."""
    if node.op.name not in _UNIFORM_THROUGH or not node.is_static:
        return None
    x = new_inputs[0]
    if x.op is constant_op and x.ndim == 0 or x.op.name == "broadcast_to" and x.inputs[0].op is constant_op \
            and x.inputs[0].ndim == 0 and node.op.name == "broadcast_to":
        return None  # already as simple as it gets
    value = uniform_value(x)  # a shape op passes its input's uniform value through
    if value is None:
        return None
    scalar = scalar_constant(value, node.dtype, node)
    return scalar if node.shape == () else _new("broadcast_to", (scalar,), {"shape": node.shape}, node)


@register_rewrite("canonicalize", ops=_SHAPE_FUNCTIONS)
def fold_count(node: Node, new_inputs: list[Node]) -> Node | None:
    """An op that reads only its inputs' shapes (count) is a constant now that shapes are concrete:
    its own `compute`, run on stand-ins of those shapes that take no memory."""
    if node.op.name not in _SHAPE_FUNCTIONS or node.shape != ():
        return None
    stand_ins = [np.broadcast_to(np.zeros((), x.dtype), x.shape) for x in new_inputs]
    return scalar_constant(np.asarray(node.op.compute(node.attrs, *stand_ins)), node.dtype, node)


# ---- *_like ops, once shapes are concrete ------------------------------------------------------


@register_rewrite("canonicalize", ops=("fill_like",))
def lower_fill_like(node: Node, new_inputs: list[Node]) -> Node | None:
    """fill_like(like, v) -> broadcast_to(scalar constant v): no dependency on `like`, no memory."""
    if node.op.name != "fill_like" or not node.is_static:
        return None
    value = scalar_constant(node.attrs["value"], node.dtype, node)
    return value if node.shape == () else _new("broadcast_to", (value,), {"shape": node.shape}, node)


@register_rewrite("canonicalize", ops=("broadcast_like",))
def lower_broadcast_like(node: Node, new_inputs: list[Node]) -> Node | None:
    """broadcast_like(x, like) -> x when shapes agree, else broadcast_to(x, like's shape)."""
    if node.op.name != "broadcast_like" or not node.is_static:
        return None
    return _as_shape(new_inputs[0], node)


@register_rewrite("canonicalize", ops=("reshape_like",))
def lower_reshape_like(node: Node, new_inputs: list[Node]) -> Node | None:
    """reshape_like(x, like) -> x when shapes agree, else reshape(x, like's shape)."""
    if node.op.name != "reshape_like" or not node.is_static:
        return None
    x = new_inputs[0]
    return x if x.shape == node.shape else _new("reshape", (x,), {"shape": node.shape}, node)


@register_rewrite("canonicalize", ops=("sum_to_like",))
def lower_sum_to_like(node: Node, new_inputs: list[Node]) -> Node | None:
    """sum_to_like(x, like) -> x when shapes agree, else sum over the broadcast axes (+ reshape)."""
    if node.op.name != "sum_to_like":
        return None
    x = new_inputs[0]
    if not node.is_static or not x.is_static or x.dtype.kind == "b":
        return None
    if x.shape == node.shape:
        return x
    axes, _ = node.op.reduce_axes(node)  # the broadcast axes
    out = _new("sum", (x,), {"axes": axes, "keepdims": False}, node) if axes else x
    return out if out.shape == node.shape else _new("reshape", (out,), {"shape": node.shape}, node)


# ---- identities ---------------------------------------------------------------------------------


@register_rewrite("canonicalize", ops=("stop_gradient",))
def remove_stop_gradient(node: Node, new_inputs: list[Node]) -> Node | None:
    """stop_gradient(x) -> x: once the graph is differentiated it is the identity."""
    return new_inputs[0] if node.op.name == "stop_gradient" else None


@register_rewrite("canonicalize", ops=("cast",))
def remove_identity_cast(node: Node, new_inputs: list[Node]) -> Node | None:
    """cast(x, x.dtype) -> x."""
    if node.op.name == "cast" and new_inputs[0].dtype == node.dtype:
        return new_inputs[0]
    return None


@register_rewrite("canonicalize", ops=("neg",))
def remove_double_neg(node: Node, new_inputs: list[Node]) -> Node | None:
    """neg(neg(x)) -> x."""
    if node.op.name == "neg" and new_inputs[0].op.name == "neg":
        return new_inputs[0].inputs[0]
    return None


@register_rewrite("canonicalize", ops=("power",))
def remove_power_one(node: Node, new_inputs: list[Node]) -> Node | None:
    """power(x, 1) -> x (same dtype only)."""
    if node.op.name == "power" and node.attrs["exponent"] == 1 and new_inputs[0].dtype == node.dtype:
        return new_inputs[0]
    return None


@register_rewrite("canonicalize", ops=("sum",))
def remove_empty_sum(node: Node, new_inputs: list[Node]) -> Node | None:
    """sum over no axes -> x (bool sums change dtype and are kept)."""
    if node.op.name == "sum" and not node.attrs["axes"] and new_inputs[0].dtype == node.dtype:
        return new_inputs[0]
    return None


@register_rewrite("canonicalize", ops=("mul",))
def multiply_by_one(node: Node, new_inputs: list[Node]) -> Node | None:
    """x * 1 -> x and 1 * x -> x (broadcast to the product's shape when it is larger)."""
    if node.op.name != "mul":
        return None
    a, b = new_inputs
    if _is(b, 1):
        return _as_shape(a, node)
    if _is(a, 1):
        return _as_shape(b, node)
    return None


@register_rewrite("canonicalize", ops=("div",))
def divide_by_one(node: Node, new_inputs: list[Node]) -> Node | None:
    """x / 1 -> x."""
    if node.op.name == "div" and _is(new_inputs[1], 1):
        return _as_shape(new_inputs[0], node)
    return None


@register_rewrite("canonicalize", ops=("add", "sub"))
def add_zero(node: Node, new_inputs: list[Node]) -> Node | None:
    """x + 0 -> x, 0 + x -> x, x - 0 -> x, 0 - x -> -x (the broadcast shape is kept)."""
    if node.op.name not in ("add", "sub"):
        return None
    a, b = new_inputs
    if _is(b, 0):
        return _as_shape(a, node)
    if _is(a, 0):
        if node.op.name == "add":
            return _as_shape(b, node)
        if b.dtype == node.dtype and b.dtype.kind != "b":
            return _as_shape(_new("neg", (b,), {}, node), node)
    return None


@register_rewrite("canonicalize", ops=("mul",))
def multiply_finite_constant_by_zero(node: Node, new_inputs: list[Node]) -> Node | None:
    """c * 0 -> zeros, only when c is known finite everywhere (x * 0 is nan for an infinite x)."""
    if node.op.name != "mul":
        return None
    a, b = new_inputs
    if (_is(b, 0) and _is_finite_everywhere(a)) or (_is(a, 0) and _is_finite_everywhere(b)):
        return _zeros(node)
    return None


@register_rewrite("canonicalize", ops=("safe_mul",))
def simplify_safe_mul(node: Node, new_inputs: list[Node]) -> Node | None:
    """safe_mul(0, x) -> zeros (0 · anything is 0 there); safe_mul(g, c) -> g * c when c is finite everywhere.

    safe_mul differs from mul only where its first operand is 0 and the second
    is infinite or nan; with a finite second operand the two agree.
    """
    if node.op.name != "safe_mul":
        return None
    a, b = new_inputs
    if _is(a, 0):
        return _zeros(node)
    if _is_finite_everywhere(b):
        return _new("mul", (a, b), {}, node)
    return None


# ---- shape ops ----------------------------------------------------------------------------------


@register_rewrite("canonicalize", ops=("transpose",))
def compose_transposes(node: Node, new_inputs: list[Node]) -> Node | None:
    """transpose(transpose(x, p), q) -> transpose(x, p∘q), or x when that is the identity."""
    if node.op.name != "transpose":
        return None
    x = new_inputs[0]
    perm = node.attrs["perm"]
    if x.op.name == "transpose":
        inner = x.attrs["perm"]
        perm = tuple(inner[p] for p in perm)
        x = x.inputs[0]
    elif perm != tuple(range(len(perm))):
        return None
    if perm == tuple(range(len(perm))):
        return x
    return _new("transpose", (x,), {"perm": perm}, node)


_RESHAPES = frozenset({"reshape", "reshape_like", "expand_dims", "squeeze"})


@register_rewrite("canonicalize", ops=("reshape", "reshape_like", "expand_dims", "squeeze"))
def collapse_reshapes(node: Node, new_inputs: list[Node]) -> Node | None:
    """A reshape (or expand_dims/squeeze) of a reshape is one reshape; a reshape to the same shape is x."""
    if node.op.name not in _RESHAPES or not node.is_static:
        return None
    x = new_inputs[0]
    if x.shape == node.shape:
        return x
    if x.op.name in _RESHAPES:
        source = x.inputs[0]
        return source if source.shape == node.shape else _new("reshape", (source,), {"shape": node.shape}, node)
    return None


@register_rewrite("canonicalize", ops=("broadcast_to",))
def collapse_broadcasts(node: Node, new_inputs: list[Node]) -> Node | None:
    """broadcast_to(x, x.shape) -> x; broadcast_to(broadcast_to(x, s), t) -> broadcast_to(x, t)."""
    if node.op.name != "broadcast_to":
        return None
    x = new_inputs[0]
    if x.shape == node.shape:
        return x
    if x.op.name == "broadcast_to":
        return _new("broadcast_to", (x.inputs[0],), {"shape": node.shape}, node)
    return None


@register_rewrite("canonicalize")
def absorb_broadcasts(node: Node, new_inputs: list[Node]) -> Node | None:
    """An elementwise op broadcasts its operands itself: op(broadcast_to(x), y) -> op(x, y) when the shape stays."""
    if node.op.kind != "elementwise" or node.op.shape_only or not _any_broadcast(new_inputs):
        return None  # (fill_like reads only its operand's shape)
    inputs = [i.inputs[0] if i.op.name == "broadcast_to" else i for i in new_inputs]
    if np.broadcast_shapes(*(i.shape for i in inputs)) != node.shape:
        inputs = list(new_inputs)
        for k, i in enumerate(new_inputs):  # absorb as many as keep the shape, left to right
            if i.op.name == "broadcast_to":
                trial = inputs[:k] + [i.inputs[0]] + inputs[k + 1:]
                if np.broadcast_shapes(*(t.shape for t in trial)) == node.shape:
                    inputs = trial
        if same_nodes(inputs, new_inputs):
            return None
    return make_node(node.op, inputs, node.attrs, name=node.name, source=node.source)


@register_rewrite("canonicalize", ops=("sum", "max", "min"))
def reduce_uniform(node: Node, new_inputs: list[Node]) -> Node | None:
    """sum of zeros -> zeros; max or min of a uniform value v over a non-empty axis -> v (broadcast)."""
    if node.op.name not in ("sum", "max", "min") or not node.is_static:
        return None
    x = new_inputs[0]
    value = uniform_value(x)
    if value is None or x.dtype != node.dtype or (node.op.name != "sum" and x.size == 0):
        return None
    if node.op.name == "sum" and value != 0:
        return None
    scalar = scalar_constant(value, node.dtype, node)
    return scalar if node.shape == () else _new("broadcast_to", (scalar,), {"shape": node.shape}, node)


@register_rewrite("canonicalize", ops=("where",))
def where_same_branches(node: Node, new_inputs: list[Node]) -> Node | None:
    """where(c, x, x) -> x."""
    if node.op.name == "where" and new_inputs[1] is new_inputs[2]:
        return _as_shape(new_inputs[1], node)
    return None


__all__ = ["simplify", "uniform_value", "FOLD_LIMIT", "dead_code"]



# ---- stabilize: the same value, computed more accurately ----------------------------------------


@register_rewrite("stabilize", ops=("log",))
def log_one_plus(node: Node, new_inputs: list[Node]) -> Node | None:
    """log(1 + x) -> log1p(x): exact for small x, where 1 + x rounds x away."""
    if node.op.name != "log" or new_inputs[0].op.name != "add":
        return None
    a, b = new_inputs[0].inputs
    x = b if _is(a, 1) else a if _is(b, 1) else None
    if x is None or x.dtype != node.dtype or x.shape != node.shape:
        return None
    return _new("log1p", (x,), {}, node)


@register_rewrite("stabilize", ops=("sub",))
def exp_minus_one(node: Node, new_inputs: list[Node]) -> Node | None:
    """exp(x) - 1 -> expm1(x): exact for small x, where the subtraction cancels every digit."""
    if node.op.name != "sub" or new_inputs[0].op.name != "exp" or not _is(new_inputs[1], 1):
        return None
    x = new_inputs[0].inputs[0]
    if x.dtype != node.dtype or x.shape != node.shape:
        return None
    return _new("expm1", (x,), {}, node)
