"""Weight initializers: numpy arrays for `gc.variable`, drawn from a seeded numpy Generator.

    w = gc.variable(gc.nn.init.he_normal((784, 128), rng=0), name="w")

Glorot (Xavier) keeps the variance of activations and gradients about equal
across tanh/sigmoid layers: Var = 2 / (fan_in + fan_out).  He (Kaiming) makes up
for ReLU zeroing half its inputs: Var = 2 / fan_in.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError


def as_rng(rng) -> np.random.Generator:
    """A Generator from a seed (int), a Generator (used as is) or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise GraphcError(f"rng must be a seed (int), a numpy Generator or None, got {type(rng).__name__}")


def _fans(shape) -> tuple[int, int]:
    shape = tuple(int(d) for d in shape)
    if len(shape) < 1:
        raise GraphcError(f"an initializer needs at least one dimension, got shape {shape}")
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2], dtype=np.int64)) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return as_rng(rng).uniform(-limit, limit, shape).astype(dtypes.as_dtype(dtype))


def glorot_normal(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    fan_in, fan_out = _fans(shape)
    return (as_rng(rng).standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtypes.as_dtype(dtype))


def he_normal(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    fan_in, _ = _fans(shape)
    return (as_rng(rng).standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtypes.as_dtype(dtype))


def he_uniform(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return as_rng(rng).uniform(-limit, limit, shape).astype(dtypes.as_dtype(dtype))


def standard_normal(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    """N(0, 1) whatever the shape: an embedding table's rows (PyTorch's default for them), which
    no fan-in scales, since each row is read on its own."""
    return as_rng(rng).standard_normal(shape).astype(dtypes.as_dtype(dtype))


def zeros(shape, rng=None, dtype=dtypes.float32) -> np.ndarray:
    return np.zeros(shape, dtypes.as_dtype(dtype))


INITIALIZERS = {f.__name__: f for f in (glorot_uniform, glorot_normal, he_normal, he_uniform, standard_normal,
                                        zeros)}


def get(name_or_fn):
    """An initializer by name ("he_normal") or the callable itself."""
    if callable(name_or_fn):
        return name_or_fn
    if name_or_fn not in INITIALIZERS:
        raise GraphcError(f"unknown initializer {name_or_fn!r}; choose one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[name_or_fn]


__all__ = ["as_rng", "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "standard_normal", "zeros"]
