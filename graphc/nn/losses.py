"""Losses reduced to a scalar (the mean over the batch), ready for `opt.minimize`.

They wrap graphc's stable compositions (graphc/ops/nn.py): `softmax_cross_entropy`
accepts integer class labels or probabilities, like TensorFlow's two variants.
"""

from __future__ import annotations

from graphc import ops
from graphc.ir import Node
from graphc.ops import mean
from graphc.ops import nn as composed
from graphc.ops.common import as_nodes


def softmax_cross_entropy(logits, labels) -> Node:
    """Mean over the batch of −log softmax(logits)[label]."""
    return mean(composed.softmax_cross_entropy(logits, labels))


def sigmoid_cross_entropy(logits, labels) -> Node:
    """Mean binary cross-entropy of logits against 0/1 (or probability) labels."""
    return mean(composed.sigmoid_cross_entropy(logits, labels))


def mean_squared_error(predictions, targets) -> Node:
    predictions, targets = as_nodes(predictions, targets)
    diff = predictions - targets
    return mean(diff * diff)


def sum_of_squares(residual) -> Node:
    """‖r‖², the seed's z = ‖Xw − y‖² when r = X @ w − y."""
    (residual,) = as_nodes(residual)
    return ops.sum(residual * residual)


def l2_penalty(variables, weight: float) -> Node:
    """weight · Σ ‖v‖² / 2 over the variables (weight decay as a loss term)."""
    total = None
    for v in variables:
        term = ops.sum(v * v)
        total = term if total is None else total + term
    return total * (weight / 2)


__all__ = ["l2_penalty", "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy", "sum_of_squares"]
