"""Dropout (Srivastava et al., 2014), inverted as in TensorFlow and PyTorch: survivors are scaled by
1 / (1 - rate) in training, so inference is the identity and needs no rescaling."""

from __future__ import annotations

from graphc import dtypes
from graphc.errors import GraphcError
from graphc.ir import Node
from graphc.ops.common import as_node
from graphc.ops.elementwise import greater_equal, where
from graphc.random import uniform_like


def dropout(x, rate: float, seed: int | None = None, training: bool = True) -> Node:
    """Zero each element of x with probability `rate` and scale the rest by 1 / (1 - rate).

    A fresh mask on every call of a compiled function (graphc.random); its gradient is the same
    mask, scaled, times the cotangent.  With `training=False` (or rate 0) it is x itself.
    """
    x = as_node(x)
    _check_rate(rate)
    if not isinstance(training, bool):
        raise GraphcError(f"dropout: training is True or False (a Python bool), not {training!r}")
    if not training or rate == 0:
        return x
    if not dtypes.is_float(x.dtype):
        raise GraphcError(f"dropout: x must be float32 or float64, not {x.dtype}")
    keep = greater_equal(uniform_like(x, seed), as_node(float(rate), x))
    return where(keep, x * (1.0 / (1.0 - rate)), 0.0)


def _check_rate(rate) -> None:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise GraphcError(f"dropout: rate is a number in [0, 1), not {rate!r}")


class Dropout:
    """The layer form of `dropout`, as Keras's: `Dropout(0.1)(h, training=True)`.

    `training` defaults to False (inference: h itself), as tf.layers.dropout; it may be a bool
    scalar tensor fed at run time.  Each call draws its own mask: with a `seed`, the n-th call
    of this layer uses seed + n, so two calls (say, two positions in a model) never share one.
    """

    def __init__(self, rate: float, seed: int | None = None, name: str = "dropout"):
        _check_rate(rate)
        self.rate, self.seed, self.name, self._calls = float(rate), seed, name, 0

    @property
    def variables(self) -> list[Node]:
        return []

    def __call__(self, x, training=False) -> Node:
        from graphc.nn.normalization import check_training, select_mode

        check_training(self.name, training)
        if training is False or self.rate == 0:
            return as_node(x)
        seed = None if self.seed is None else self.seed + self._calls
        self._calls += 1
        return select_mode(training, lambda: dropout(x, self.rate, seed), lambda: as_node(x))

    def __repr__(self):
        return f"Dropout({self.rate})"


__all__ = ["Dropout", "dropout"]
