"""Neural-network functions composed from primitives, numerically stable.

They are graph compositions, not ops: their derivatives come from the
primitives', and the fusion pass puts each back into one or two kernels.
"""

from __future__ import annotations

from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops import reduce as reduce_ops
from graphc.ops import shape as shape_ops
from graphc.ops.common import as_nodes


def logsumexp(x, axis=-1, keepdims: bool = False) -> Node:
    """log Σ exp(x), shifted by the (gradient-free) max so large inputs don't overflow.

    A row of nothing but −∞ (a fully masked attention row) sums to −∞, as numpy's and scipy's
    do, with gradient 0: the shift is then 0 rather than −∞ (−∞ − −∞ is NaN), and the log
    sees 1 rather than 0, so that neither the value nor the gradient holds a NaN that would
    poison training.  A row holding +∞ gives +∞.
    """
    (x,) = as_nodes(x)
    m = ew.stop_gradient(reduce_ops.max(x, axis, keepdims=True))
    finite_m = ew.where(ew.equal(ew.abs(m), float("inf")), 0.0, m)
    total = reduce_ops.sum(ew.exp(x - finite_m), axis, keepdims=True)
    empty = ew.equal(total, 0.0)
    out = ew.where(empty, float("-inf"), ew.log(ew.where(empty, 1.0, total)) + finite_m)
    return out if keepdims else shape_ops.squeeze(out, _axes(axis, x))


def _axes(axis, x):
    from graphc.ops.common import normalize_axes

    return normalize_axes(axis, x.ndim)


def log_softmax(x, axis=-1) -> Node:
    """x − logsumexp(x); a row of only −∞ stays −∞ (its softmax 0), never NaN."""
    (x,) = as_nodes(x)
    lse = logsumexp(x, axis, keepdims=True)
    return x - ew.where(ew.equal(lse, float("-inf")), 0.0, lse)


def softmax(x, axis=-1) -> Node:
    (x,) = as_nodes(x)
    return ew.exp(log_softmax(x, axis))


def softmax_cross_entropy(logits, labels, axis=-1) -> Node:
    """Per-example −Σ labels · log_softmax(logits), as TF's softmax_cross_entropy_with_logits.

    `labels` are probabilities of logits' shape, or integer class indices (as in
    the sparse variant), which are one-hot encoded.
    """
    logits, labels = as_nodes(logits, labels)
    if labels.dtype.kind in "iu":
        if labels.ndim != logits.ndim - 1:
            raise ShapeError(f"softmax_cross_entropy: integer labels of shape {labels.shape} need one axis "
                             f"fewer than logits {logits.shape}")
        labels = shape_ops.one_hot(labels, logits.shape[axis], dtype=logits.dtype)
    elif labels.dtype != logits.dtype:
        labels = ew.cast(labels, logits.dtype)
    return ew.neg(reduce_ops.sum(labels * log_softmax(logits, axis), axis))


def sigmoid_cross_entropy(logits, labels) -> Node:
    """Elementwise max(x, 0) − x·z + log(1 + exp(−|x|)), stable for large |x|."""
    logits, labels = as_nodes(logits, labels)
    return ew.relu(logits) - logits * labels + ew.log1p(ew.exp(ew.neg(ew.abs(logits))))


__all__ = ["logsumexp", "log_softmax", "softmax", "softmax_cross_entropy", "sigmoid_cross_entropy"]
