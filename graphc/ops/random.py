"""Random draws as ops: each element is Threefry-2x32 of its own counter, computed where it is read.

A draw node `random_uniform` / `random_normal` has attributes `shape`, `dtype` and `seed` (the
key) and reads one input, the *step*: an int64 scalar that a function advances once per call
(graphc.session.Function swaps in a counter of its own and updates it), so every call draws
fresh values and a fresh function starts the same sequence.  Element i of a draw at step s
takes the Threefry block of key (seed's low word, high word) and counter (i, s mod 2**32);
a float64 normal, which needs four words, takes the blocks at counters 2i and 2i + 1.

Like one_hot, a draw is an `index_scalar` op: fusion makes it a leaf that each consumer
computes from its loop position, so no random buffer is ever written when the draw feeds
elementwise ops, and the numpy reference evaluates the very same scalar expression.

A draw may take a second input read for its shape only (dropout of a batch of feed-time
size): its `None` sizes come from that input, and specialisation (`fixed_shape`, called by
graphc.program.specialize) rebuilds it as a draw of fixed shape without it, so kernels never
read it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.layout import contiguous_strides
from graphc.ops.registry import Op, make_node, output_elements
from graphc.ops.source import variable
from graphc.ops.threefry import MASK, WORD, box_muller, threefry2x32, unit_float

COUNTERS = 1 << 32          # Threefry blocks one draw may use at one step (the counter's low word)
SEED_LIMIT = 1 << 63        # seeds are non-negative 64-bit integers (the graph format's int range)
CHUNK = 1 << 14             # elements the numpy reference evaluates at once (its temporaries stay in cache)
_STEP: list[Node] = []      # the graph's step variable, made on first use


def step_variable() -> Node:
    """The step every draw reads in the graph (always 0 there: a function counts its own calls)."""
    if not _STEP:
        _STEP.append(variable(np.int64(0), name="graphc_random_step"))
    return _STEP[0]


def _blocks(op_name: str, dtype: np.dtype) -> int:
    """Threefry blocks per element: two for a float64 normal (two 53-bit uniforms), else one."""
    return 2 if op_name == "random_normal" and dtype == np.float64 else 1


def _element(op_name: str, attrs: dict, flat: S.Scalar, step: S.Scalar) -> S.Scalar:
    """The value of element `flat` (an int64 Scalar) at `step`: the one definition of a draw."""
    dtype, seed = np.dtype(attrs["dtype"]), int(attrs["seed"])
    key = (seed & MASK, seed >> 32)
    high = S.call("bitand", step, S.const(MASK, WORD))
    if _blocks(op_name, dtype) == 1:
        x0, x1 = threefry2x32(key, (flat, high))
        if op_name == "random_uniform":
            return unit_float(x0, x1, dtype)
        return box_muller(unit_float(x0, x1, dtype), unit_float(x1, x0, dtype))  # float32: 24 bits of each
    first = S.call("mul", flat, S.const(2, WORD))
    a = threefry2x32(key, (first, high))
    b = threefry2x32(key, (S.call("add", first, S.const(1, WORD)), high))
    return box_muller(unit_float(*a, dtype), unit_float(*b, dtype))


def _draw_shape(inputs: Sequence[Node], attrs: dict) -> tuple:
    shape = tuple(attrs["shape"])
    if len(inputs) == 2:
        shape = tuple(like if d is None else d for d, like in zip(shape, inputs[1].shape))
    return shape


def _infer(op_name: str):
    def infer(inputs, attrs):
        step, dtype = inputs[0], np.dtype(attrs["dtype"])
        if step.shape != () or step.dtype != np.int64:
            raise ShapeError(f"the step must be an int64 scalar, got {step.dtype} {step.shape}")
        if dtype not in (np.float32, np.float64):
            raise ShapeError(f"draws are float32 or float64, not {dtype}")
        shape = _draw_shape(inputs, attrs)
        n = math.prod(d for d in shape if d is not None)
        if n * _blocks(op_name, dtype) > COUNTERS:
            raise ShapeError(f"a draw of shape {shape} needs more than 2**32 counters: split it into smaller draws")
        return shape, dtype
    return infer


def _attrs_fit(attrs: dict, inputs: Sequence[Node]) -> str | None:
    """The graph format's checks: a seed in range, and None sizes only where a shape input gives them."""
    seed = attrs["seed"]
    if not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        return f"seed {seed!r} is not an integer in [0, 2**63)"
    if len(inputs) > 2:
        return f"a draw reads a step and at most one shape input, not {len(inputs)} inputs"
    if len(inputs) == 2 and inputs[1].ndim != len(attrs["shape"]):
        return f"shape {list(attrs['shape'])} does not fit its {inputs[1].ndim}-d shape input"
    if len(inputs) == 1 and None in attrs["shape"]:
        return f"shape {list(attrs['shape'])} has feed-time sizes but no shape input gives them"
    return None


def _compute(op_name: str):
    def compute(attrs, step, *like):
        shape = _draw_shape([None] + [a for a in like], attrs) if like else tuple(attrs["shape"])
        expr = _element(op_name, attrs, S.Scalar.arg(0, WORD), S.Scalar.arg(1, WORD))
        n = math.prod(shape)
        out = np.empty(n, attrs["dtype"])
        for start in range(0, n, CHUNK):
            flat = np.arange(start, min(start + CHUNK, n), dtype=np.int64)
            out[start:start + len(flat)] = S.evaluate(expr, [flat, np.int64(step)])
        return out.reshape(shape)
    return compute


def _at_position(node: Node, value_of, index_of) -> S.Scalar:
    """Op.index_scalar: the element at the loop position, from its row-major flat index."""
    flat = S.const(0, WORD)
    for axis, (size, stride) in enumerate(zip(node.shape, contiguous_strides(node.shape))):
        if size > 1:
            flat = S.call("add", flat, S.call("mul", S.cast(index_of(axis), WORD), S.const(stride, WORD)))
    return _element(node.op.name, node.attrs, flat, value_of(node.inputs[0], ()))


def fixed_shape(node: Node, new_inputs: Sequence[Node]) -> Node | None:
    """Specialisation's rule: a draw sized by a shape input whose sizes are now known becomes a draw of
    fixed shape without it (None otherwise: rebuild the node as it is)."""
    if node.op not in DRAWS or len(new_inputs) != 2 or any(d is None for d in new_inputs[1].shape):
        return None
    return make_node(node.op, new_inputs[:1], {**node.attrs, "shape": tuple(new_inputs[1].shape)},
                     name=node.name, source=node.source)


def _draw_op(name: str, doc: str) -> Op:
    return Op(name, "index", _infer(name), _compute(name), doc=doc,
              vjp=lambda y, g: [None] * len(y.inputs), jvp=lambda y, t: None,
              arity=(1, None), shape_only=(), attributes={"shape": "dims", "dtype": "dtype", "seed": "number"},
              flops=output_elements, index_scalar=_at_position, attrs_fit=_attrs_fit,
              describe=lambda node: f"{node.op.name} seed {node.attrs['seed']}")


uniform_op = _draw_op("random_uniform", "Uniform in [0, 1): Threefry-2x32 of each element's counter.")
normal_op = _draw_op("random_normal", "Standard normal: Box-Muller of two Threefry uniforms per element.")
DRAWS = (uniform_op, normal_op)


def draw(op: Op, shape: Sequence, dtype, seed: int, like: Node | None = None) -> Node:
    """A draw of `shape` (None sizes taken from `like`, read for its shape only)."""
    attrs = {"shape": tuple(None if d is None else int(d) for d in shape), "dtype": dtypes.as_dtype(dtype),
             "seed": int(seed)}
    inputs = (step_variable(),) if like is None else (step_variable(), like)
    problem = _attrs_fit(attrs, inputs)
    if problem is not None:
        raise ShapeError(f"{op.name}: {problem}")
    return make_node(op, inputs, attrs)


def steps_read(order: Sequence[Node]) -> list[Node]:
    """The step nodes the draws among `order` read (a function replaces them by its own counter)."""
    steps = {n.inputs[0].id: n.inputs[0] for n in order if n.op in DRAWS}
    return list(steps.values())
