"""Normalization layers: LayerNorm (per example, over the features) and BatchNorm (per feature, over the batch).

    ln = gc.nn.LayerNorm(256)                    # y = (x - mean) / sqrt(var + eps) * scale + offset
    h = ln(x)                                    # statistics over x's last axis

    bn = gc.nn.BatchNorm(64)                     # features on the last axis (NHWC), as Keras
    y_train = bn(x, training=True)               # batch statistics; records bn.updates
    y_eval = bn(x, training=False)               # the running averages (the default, as tf.layers)
    step = gc.function([x, labels], loss, updates=gc.group(opt.minimize(loss), bn.updates))

The running averages are variables like the weights; they change only through the updates a
training call records, so a function that does not apply `bn.updates` leaves them alone.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node
from graphc.ops import mean, reshape, sqrt, stop_gradient, where
from graphc.ops.common import as_node
from graphc.ops.source import variable
from graphc.session import TrainOp


def check_training(layer: str, training) -> None:
    """`training` is a Python bool (two graphs: one to train, one to evaluate) or a bool scalar tensor
    (one graph whose mode is fed, as TF1's `is_training` placeholder)."""
    if isinstance(training, bool):
        return
    if isinstance(training, Node) and training.dtype == dtypes.bool_ and training.shape == ():
        return
    raise GraphcError(f"{layer}: training is True, False or a bool scalar tensor (e.g. a placeholder), "
                      f"not {training!r}")


def select_mode(training, when_training, when_not) -> Node:
    """The training or the inference value: chosen now for a Python bool, at run time for a tensor."""
    if isinstance(training, bool):
        return when_training() if training else when_not()
    return where(training, when_training(), when_not())


def _normalize(x: Node, mean_: Node, var: Node, epsilon: float) -> Node:
    return (x - mean_) * (1.0 / sqrt(var + as_node(float(epsilon), x)))


def _moments(x: Node, axes) -> tuple[Node, Node]:
    """Mean and biased variance (divided by n, as tf.nn.moments) over `axes`, kept for broadcasting."""
    m = mean(x, axis=axes, keepdims=True)
    centered = x - m
    return m, mean(centered * centered, axis=axes, keepdims=True)


def _feature_axis(layer: str, x: Node, axis: int, size: int) -> int:
    if x.ndim < 1 or not -x.ndim <= axis < x.ndim:
        raise ShapeError(f"{layer}: axis {axis} is outside inputs of shape {x.shape}; built at {x.source}")
    axis %= x.ndim
    if x.shape[axis] not in (None, size):
        raise ShapeError(f"{layer}: expects {size} features on axis {axis}, got inputs of shape {x.shape}; "
                         f"built at {x.source}")
    return axis


def _check_epsilon(layer: str, epsilon) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon > 0:
        raise GraphcError(f"{layer}: epsilon is a positive number, not {epsilon!r}")
    return float(epsilon)


class LayerNorm:
    """Layer normalization (Ba et al., 2016) over the last axis, with a learnable scale and offset.

    Each example is normalized by its own mean and (biased) variance, so training and inference
    are the same computation and there is no state.  epsilon defaults to PyTorch's 1e-5.
    """

    def __init__(self, dim: int, epsilon: float = 1e-5, dtype=dtypes.float32, name: str = "layer_norm"):
        self.dim, self.name = int(dim), name
        self.epsilon = _check_epsilon(name, epsilon)
        self.scale = variable(np.ones(self.dim, dtypes.as_dtype(dtype)), name=f"{name}/scale")
        self.offset = variable(np.zeros(self.dim, dtypes.as_dtype(dtype)), name=f"{name}/offset")

    @property
    def variables(self) -> list[Node]:
        return [self.scale, self.offset]

    def __call__(self, x: Node) -> Node:
        x = as_node(x)
        _feature_axis(self.name, x, -1, self.dim)
        m, var = _moments(x, -1)
        return _normalize(x, m, var, self.epsilon) * self.scale + self.offset

    def __repr__(self):
        return f"LayerNorm({self.dim}, epsilon={self.epsilon})"


class BatchNorm:
    """Batch normalization (Ioffe & Szegedy, 2015) of the features on `axis` (-1: NHWC, as Keras).

    Training (`bn(x, training=True)`) normalizes by the batch's mean and biased variance over every
    other axis and records in `bn.updates` (a gc.TrainOp) the running averages' new values,
    Keras's recurrence `moving = momentum * moving + (1 - momentum) * batch_statistic`.
    Inference (`training=False`, the default as in tf.layers) normalizes by the running averages.
    `training` may also be a bool scalar tensor; then both are built and the fed value chooses,
    and the recorded updates leave the averages unchanged when it is False.

    `variables` are the learnable scale and offset (what an optimizer trains); `state` are the
    running averages (what a checkpoint must hold beside them).  Defaults are Keras's:
    momentum 0.99, epsilon 1e-3.
    """

    def __init__(self, num_features: int, momentum: float = 0.99, epsilon: float = 1e-3, axis: int = -1,
                 dtype=dtypes.float32, name: str = "batch_norm"):
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum < 1:
            raise GraphcError(f"{name}: momentum is a number in [0, 1), not {momentum!r}")
        self.num_features, self.momentum, self.axis, self.name = int(num_features), float(momentum), int(axis), name
        self.epsilon = _check_epsilon(name, epsilon)
        dtype = dtypes.as_dtype(dtype)
        self.scale = variable(np.ones(self.num_features, dtype), name=f"{name}/scale")
        self.offset = variable(np.zeros(self.num_features, dtype), name=f"{name}/offset")
        self.moving_mean = variable(np.zeros(self.num_features, dtype), name=f"{name}/moving_mean")
        self.moving_variance = variable(np.ones(self.num_features, dtype), name=f"{name}/moving_variance")
        self.updates = TrainOp([])

    @property
    def variables(self) -> list[Node]:
        return [self.scale, self.offset]

    @property
    def state(self) -> list[Node]:
        return [self.moving_mean, self.moving_variance]

    def __call__(self, x: Node, training=False) -> Node:
        """Normalize x; a training call replaces `updates` with this call's (one update per step)."""
        x = as_node(x)
        check_training(self.name, training)
        axis = _feature_axis(self.name, x, self.axis, self.num_features)
        if x.dtype != self.scale.dtype:
            raise ShapeError(f"{self.name}: inputs are {x.dtype}, the layer {self.scale.dtype}; built at {x.source}")
        per_feature = tuple(self.num_features if a == axis else 1 for a in range(x.ndim))

        def along_axis(v: Node) -> Node:
            return v if axis == x.ndim - 1 else reshape(v, per_feature)

        scale, offset = along_axis(self.scale), along_axis(self.offset)
        if training is False:
            return self._inference(x, along_axis) * scale + offset
        batch_mean, batch_var = _moments(x, tuple(a for a in range(x.ndim) if a != axis))
        self.updates = TrainOp([(self.moving_mean, self._averaged(self.moving_mean, batch_mean, training)),
                                (self.moving_variance, self._averaged(self.moving_variance, batch_var, training))])
        y = select_mode(training, lambda: _normalize(x, batch_mean, batch_var, self.epsilon),
                        lambda: self._inference(x, along_axis))
        return y * scale + offset

    def _inference(self, x: Node, along_axis) -> Node:
        return _normalize(x, along_axis(self.moving_mean), along_axis(self.moving_variance), self.epsilon)

    def _averaged(self, moving: Node, batch_statistic: Node, training) -> Node:
        batch_statistic = reshape(stop_gradient(batch_statistic), (self.num_features,))
        new = moving * self.momentum + batch_statistic * (1.0 - self.momentum)
        return select_mode(training, lambda: new, lambda: moving)

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum}, epsilon={self.epsilon}, axis={self.axis})"


__all__ = ["BatchNorm", "LayerNorm", "check_training", "select_mode"]
