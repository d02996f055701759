"""Random numbers in graphs: `gc.random.uniform`, `normal`, `bernoulli` (and `seed`).

    u = gc.random.uniform((128, 10), seed=0)           # float32 in [0, 1)
    z = gc.random.normal((128,), gc.float64, seed=1)
    keep = gc.random.bernoulli(0.9, (128, 10))         # bool, True with probability 0.9
    f = gc.function([], [u, z])
    f()  # fresh values on every call; a new function with the same seeds repeats the sequence

The generator is counter-based (Threefry-2x32-20, graphc/ops/threefry.py): a draw's key is its
seed and its counter the element's index and the function's call count, so the numpy
reference, llvm and CUDA compute the same bits, and fused kernels compute each draw where
it is read.  A draw without a seed takes one, once, from a global sequence: `seed(n)` makes
the draws built after it reproducible; without it their seeds come from the OS.  Two draws
with the same explicit seed, shape and dtype are the same values (as JAX keys, or TensorFlow
1's op seeds); a draw is a constant to autodiff.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node
from graphc.ops.common import as_node
from graphc.ops.elementwise import cast, less, minimum
from graphc.ops.random import SEED_LIMIT, draw, normal_op, uniform_op
from graphc.ops.source import constant

_seeds = {"rng": np.random.default_rng()}
_seeds_lock = threading.Lock()


def seed(value: int) -> None:
    """Make the seeds of later draws built without one a fixed sequence starting from `value`."""
    with _seeds_lock:
        _seeds["rng"] = np.random.default_rng(_checked_seed(value))


def _checked_seed(value) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or not 0 <= value < SEED_LIMIT:
        raise GraphcError(f"a seed is an integer in [0, 2**63), not {value!r}")
    return int(value)


def _seed_of(value) -> int:
    if value is None:
        with _seeds_lock:
            return int(_seeds["rng"].integers(0, SEED_LIMIT))
    return _checked_seed(value)


def _static_shape(shape) -> tuple:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ShapeError(f"a draw's shape is non-negative integers, not {shape!r}")
    return tuple(int(d) for d in shape)


def _float_dtype(dtype) -> np.dtype:
    dtype = dtypes.as_dtype(dtype)
    if not dtypes.is_float(dtype):
        raise ShapeError(f"random draws are float16, bfloat16, float32 or float64, not {dtype}")
    return dtype


def _in_half(u: Node, dtype: np.dtype) -> Node:
    """A float32 uniform in [0, 1) rounded to half dtype `dtype`, still below 1: rounding to nearest
    would make the draws just under 1 exactly 1 (one in 2^12 for float16, 2^9 for bfloat16)."""
    below_one = np.nextafter(np.array(1, dtype), np.array(0, dtype))
    return minimum(cast(u, dtype), constant(below_one, dtype))


def uniform(shape, dtype=dtypes.float32, low=0.0, high=1.0, seed: int | None = None) -> Node:
    """Uniform in [low, high): low + (high - low) * u, u in [0, 1) with 24 (float64: 53) random bits
    (float16/bfloat16: a float32 draw rounded, and kept below 1)."""
    dtype = _float_dtype(dtype)
    u = draw(uniform_op, _static_shape(shape), dtypes.compute_dtype(dtype), _seed_of(seed))
    if dtype in dtypes.HALF:
        u = _in_half(u, dtype)
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and (low, high) == (0, 1):
        return u
    low = as_node(low, u)
    return low + (as_node(high, u) - low) * u


def normal(shape, dtype=dtypes.float32, seed: int | None = None) -> Node:
    """Standard normal, by Box-Muller from two uniforms per element (float16/bfloat16: a float32
    draw rounded)."""
    dtype = _float_dtype(dtype)
    z = draw(normal_op, _static_shape(shape), dtypes.compute_dtype(dtype), _seed_of(seed))
    return cast(z, dtype)


def bernoulli(p, shape, seed: int | None = None) -> Node:
    """A bool of `shape` (`p` broadcast to it), True with probability p: u < p for a uniform u
    in [0, 1) of p's float dtype (float32 for a number)."""
    dtype = p.dtype if isinstance(p, Node) and dtypes.is_float(p.dtype) else dtypes.float32
    u = draw(uniform_op, _static_shape(shape), dtypes.compute_dtype(dtype), _seed_of(seed))
    return less(u, as_node(p, u))


def uniform_like(x: Node, seed: int | None = None) -> Node:
    """Uniform in [0, 1) of x's shape (its feed-time sizes too) and float dtype (float32 for ints,
    and for float16/bfloat16: a mask compares the float32 draw)."""
    dtype = dtypes.compute_dtype(x.dtype) if dtypes.is_float(x.dtype) else dtypes.float32
    like = x if any(d is None for d in x.shape) else None
    return draw(uniform_op, x.shape, dtype, _seed_of(seed), like=like)


__all__: Sequence[str] = ["bernoulli", "normal", "seed", "uniform", "uniform_like"]
