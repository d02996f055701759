"""Metrics as graph nodes, so a compiled evaluation step returns them beside the loss."""

from __future__ import annotations

from graphc import ops
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import cast, equal, mean, one_hot
from graphc.ops.common import as_nodes


def accuracy(logits, labels) -> Node:
    """Fraction of rows whose label's logit is the row's largest (integer labels, logits (batch, classes)).

    A row whose label ties with another class for the maximum counts as correct;
    with real-valued logits from a trained model ties do not happen in practice.
    """
    logits, labels = as_nodes(logits, labels)
    if labels.dtype.kind not in "iu" or logits.ndim != 2 or labels.ndim != 1:
        raise ShapeError(f"accuracy: expects logits (batch, classes) and integer labels (batch,), got "
                         f"{logits.shape} {logits.dtype} and {labels.shape} {labels.dtype}")
    label_logit = ops.sum(logits * one_hot(labels, logits.shape[1], dtype=logits.dtype), axis=1)
    return mean(cast(equal(label_logit, ops.max(logits, axis=1)), logits.dtype))


__all__ = ["accuracy"]
