"""Scaled dot-product attention (Vaswani et al., 2017) and the multi-head attention layer.

    mha = gc.nn.MultiHeadAttention(num_heads=4, key_dim=64, causal=True, seed=0)
    y = mha(x)                                   # self-attention: x is (batch, seq, width)
    y = mha(query, value)                        # attention over another sequence (key = value)

Masks follow Keras: True means "may attend".  A masked score becomes -inf before the softmax;
graphc's softmax gives a row of nothing but -inf zero weights (and zero gradients), so a query
that may attend to nothing outputs the output bias alone, never NaN.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.nn import init
from graphc.nn.dropout import Dropout
from graphc.nn.normalization import check_training
from graphc.ops import constant, expand_dims, logical_and, matmul, reshape, softmax, transpose, where
from graphc.ops.common import as_node, as_nodes
from graphc.ops.source import variable


def causal_mask(query_length: int, key_length: int) -> Node:
    """(query_length, key_length) bools: query i may attend to keys 0..i (top-left aligned, as Keras)."""
    return constant(np.tril(np.ones((query_length, key_length), bool)))


def _swap_last(x: Node) -> Node:
    return transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def scaled_dot_product_attention(q, k, v, mask=None, causal: bool = False, return_weights: bool = False):
    """softmax(q kᵀ / sqrt(d) where mask, else -inf) v over the last two axes.

    q is (..., Tq, d), k (..., Tk, d), v (..., Tk, dv); mask (bools, broadcast to (..., Tq, Tk))
    and `causal` combine.  With return_weights, returns (output, weights).
    """
    q, k, v = as_nodes(q, k, v)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2 or q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ShapeError(f"attention: needs q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv); got {q.shape}, "
                         f"{k.shape}, {v.shape}; built at {q.source}")
    if q.shape[-1] is None:
        raise ShapeError(f"attention: the key width must be known when the graph is built, got q {q.shape}")
    scores = matmul(q * (1.0 / np.sqrt(q.shape[-1])), _swap_last(k))
    if causal:
        tq, tk = q.shape[-2], k.shape[-2]
        if tq is None or tk is None:
            raise ShapeError(f"attention: a causal mask needs sequence lengths known when the graph is built, "
                             f"got q {q.shape} and k {k.shape}; built at {q.source}")
        mask = causal_mask(tq, tk) if mask is None else logical_and(as_node(mask), causal_mask(tq, tk))
    if mask is not None:
        mask = as_node(mask)
        if mask.dtype != dtypes.bool_:
            raise ShapeError(f"attention: the mask must be bools (True: may attend), got {mask.dtype}")
        scores = where(mask, scores, float("-inf"))
    weights = softmax(scores, axis=-1)
    out = matmul(weights, v)
    return (out, weights) if return_weights else out


class MultiHeadAttention:
    """Multi-head attention as Keras's layer: project query, key and value into `num_heads` heads of
    `key_dim` (values: `value_dim`, default key_dim), attend in each, concatenate, project back.

    Inputs are (batch, seq, width) with the batch size possibly fed at run time.  The projections
    are (width, heads * dim) matrices, Glorot-uniform, and biases (`use_bias`); the layer builds
    them at its first call from the query's width unless `width` is given.  `dropout` drops
    attention weights in training calls (`training=True` or a bool scalar tensor).
    """

    def __init__(self, num_heads: int, key_dim: int, causal: bool = False, value_dim: int | None = None,
                 width: int | None = None, dropout: float = 0.0, use_bias: bool = True,
                 kernel_init="glorot_uniform", seed=None, dtype=dtypes.float32, name: str = "mha"):
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = self.key_dim if value_dim is None else int(value_dim)
        if min(self.num_heads, self.key_dim, self.value_dim) < 1:
            raise ShapeError(f"{name}: num_heads, key_dim and value_dim must be positive, got "
                             f"{num_heads}, {key_dim}, {value_dim}")
        self.causal, self.use_bias, self.name = bool(causal), bool(use_bias), name
        self.kernel_init, self.dtype, self._rng = kernel_init, dtypes.as_dtype(dtype), init.as_rng(seed)
        self.dropout = Dropout(dropout, seed=None if seed is None else int(self._rng.integers(2**62)),
                               name=f"{name}/dropout")
        self.width = None
        self._weights: dict[str, Node] = {}
        if width is not None:
            self._build(int(width))

    def _build(self, width: int) -> None:
        self.width = width
        shapes = {"query": (width, self.num_heads * self.key_dim), "key": (width, self.num_heads * self.key_dim),
                  "value": (width, self.num_heads * self.value_dim), "output": (self.num_heads * self.value_dim, width)}
        for role, shape in shapes.items():
            value = init.get(self.kernel_init)(shape, self._rng, self.dtype)
            self._weights[f"{role}/w"] = variable(value, name=f"{self.name}/{role}/w")
            if self.use_bias:
                self._weights[f"{role}/b"] = variable(init.zeros(shape[1:], dtype=self.dtype),
                                                      name=f"{self.name}/{role}/b")

    @property
    def variables(self) -> list[Node]:
        """The projections' weights and biases (empty until the first call when `width` was not given)."""
        return list(self._weights.values())

    def _project(self, x: Node, role: str) -> Node:
        y = x @ self._weights[f"{role}/w"]
        return y + self._weights[f"{role}/b"] if self.use_bias else y

    def _heads(self, x: Node, dim: int) -> Node:
        """(batch, seq, heads * dim) -> (batch, heads, seq, dim)."""
        return transpose(reshape(x, (-1, x.shape[1], self.num_heads, dim)), (0, 2, 1, 3))

    def _check(self, role: str, x: Node) -> None:
        if x.ndim != 3 or x.shape[1] is None or x.shape[2] != self.width:
            raise ShapeError(f"{self.name}: the {role} must be (batch, seq, {self.width}) with a known seq length, "
                             f"got shape {x.shape}; built at {x.source}")

    def __call__(self, query, value=None, key=None, attention_mask=None, training=False,
                 return_attention_scores: bool = False):
        """Attend from `query` to `value` (default: query itself, self-attention); keys default to values.

        attention_mask: bools broadcast to (batch, query_seq, value_seq) (or with a heads axis,
        (batch, heads, query_seq, value_seq)), True where attending is allowed.  With
        return_attention_scores, returns (output, weights of shape (batch, heads, Tq, Tv)).
        """
        query = as_node(query)
        value = query if value is None else as_node(value)
        key = value if key is None else as_node(key)
        check_training(self.name, training)
        if self.width is None:
            if query.ndim != 3 or query.shape[2] is None:
                raise ShapeError(f"{self.name}: the query must be (batch, seq, width) with a known width, "
                                 f"got shape {query.shape}; built at {query.source}")
            self._build(int(query.shape[2]))
        for role, x in (("query", query), ("key", key), ("value", value)):
            self._check(role, x)
            if x.dtype != self.dtype:
                raise ShapeError(f"{self.name}: the {role} is {x.dtype}, the layer {self.dtype}; built at {x.source}")
        mask = None
        if attention_mask is not None:
            mask = as_node(attention_mask)
            mask = expand_dims(mask, 1) if mask.ndim == 3 else mask  # one mask for every head
        q = self._heads(self._project(query, "query"), self.key_dim)
        k = self._heads(self._project(key, "key"), self.key_dim)
        v = self._heads(self._project(value, "value"), self.value_dim)
        out, weights = scaled_dot_product_attention(q, k, v, mask, self.causal, return_weights=True)
        if self.dropout.rate > 0 and training is not False:
            out = matmul(self.dropout(weights, training), v)
        merged = reshape(transpose(out, (0, 2, 1, 3)), (-1, query.shape[1], self.num_heads * self.value_dim))
        y = self._project(merged, "output")
        return (y, weights) if return_attention_scores else y

    def __repr__(self):
        return (f"MultiHeadAttention(num_heads={self.num_heads}, key_dim={self.key_dim}, "
                f"value_dim={self.value_dim}, causal={self.causal})")


__all__ = ["MultiHeadAttention", "causal_mask", "scaled_dot_product_attention"]
