"""Activation functions beyond relu and sigmoid, as compositions of ops: gelu.

    h = gc.nn.gelu(x @ w)                     # x·Φ(x), Φ the standard normal CDF, through erf
    h = gc.nn.gelu(x @ w, approximate=True)   # the tanh form of GPT-2 and BERT
"""

from __future__ import annotations

import math

from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops.common import as_nodes
from graphc.ops.special_math import erf

_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2.0 / math.pi)
_TANH_CUBIC = 0.044715  # the cubic coefficient of the tanh approximation (Hendrycks & Gimpel, 2016)


def gelu(x, approximate: bool = False) -> Node:
    """The Gaussian error linear unit, as jax.nn.gelu and torch.nn.functional.gelu.

    `approximate=False` (the default, as PyTorch; JAX's default is True) is exact:
    x · (1 + erf(x / sqrt 2)) / 2.  `approximate=True` is
    x · (1 + tanh(sqrt(2/pi) · (x + 0.044715 x³))) / 2 (PyTorch's approximate="tanh").
    Integer inputs compute in float64, as numpy's float functions.
    """
    (x,) = as_nodes(x)
    if x.dtype.kind != "f":
        x = ew.cast(x, ew._float_out({}, x.dtype))
    if approximate:
        inner = _SQRT_TWO_OVER_PI * (x + _TANH_CUBIC * (x * x * x))
        return 0.5 * x * (1.0 + ew.tanh(inner))
    return 0.5 * x * (1.0 + erf(_SQRT_HALF * x))
